// SPDX-License-Identifier: GPL-2.0
/*
 * Kernel services for the C++ side: one small wrapper per service, no
 * decisions. Everything here runs on the control path.
 */
#include <linux/etherdevice.h>
#include <linux/if_arp.h>
#include <linux/netdevice.h>
#include <linux/random.h>
#include <linux/rcupdate.h>
#include <linux/rtnetlink.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>
#include <net/net_namespace.h>
#include <net/netlink.h>

#include "priv.h"

static_assert(sizeof(struct kc_rcu_head) == sizeof(struct rcu_head));
static_assert(offsetof(struct kc_rcu_head, func) == offsetof(struct rcu_head, func));

void *kc_alloc(kc_usize size, int atomic)
{
	return kzalloc(size, atomic ? GFP_ATOMIC : GFP_KERNEL);
}

void kc_free(void *ptr)
{
	kfree(ptr);
}

void *kc_alloc_large(kc_usize size)
{
	return kvzalloc(size, GFP_KERNEL);
}

void kc_free_large(void *ptr)
{
	kvfree(ptr);
}

void kc_call_rcu(struct kc_rcu_head *head, void (*func)(struct kc_rcu_head *))
{
	call_rcu((struct rcu_head *)head, (rcu_callback_t)func);
}

void kc_synchronize_rcu(void)
{
	synchronize_rcu();
}

struct kc_work {
	struct work_struct work;
	void (*fn)(void *arg);
	void *arg;
};

static void kc_work_run(struct work_struct *work)
{
	struct kc_work *w = container_of(work, struct kc_work, work);

	w->fn(w->arg);
}

struct kc_work *kc_work_new(void (*fn)(void *arg), void *arg)
{
	struct kc_work *w = kzalloc(sizeof(*w), GFP_KERNEL);

	if (!w)
		return NULL;
	INIT_WORK(&w->work, kc_work_run);
	w->fn = fn;
	w->arg = arg;
	return w;
}

void kc_work_queue(struct kc_work *work)
{
	schedule_work(&work->work);
}

void kc_work_free(struct kc_work *work)
{
	cancel_work_sync(&work->work);
	kfree(work);
}

kc_u32 kc_random_u32(void)
{
	return get_random_u32();
}

struct kc_lock {
	spinlock_t lock;
};

struct kc_lock *kc_lock_new(void)
{
	struct kc_lock *l = kmalloc(sizeof(*l), GFP_KERNEL);

	if (l)
		spin_lock_init(&l->lock);
	return l;
}

void kc_lock_free(struct kc_lock *lock)
{
	kfree(lock);
}

void kc_lock_bh(struct kc_lock *lock)
{
	spin_lock_bh(&lock->lock);
}

void kc_unlock_bh(struct kc_lock *lock)
{
	spin_unlock_bh(&lock->lock);
}

struct net_device *kc_dev_get_by_index(struct net *net, int ifindex)
{
	return __dev_get_by_index(net, ifindex);
}

struct ipvlan_slave *kc_dev_as_slave(const struct net_device *dev)
{
	return ipvl_is_slave(dev) ? ipvl_slave(dev) : NULL;
}

struct ipvlan_port *kc_dev_port(const struct net_device *dev)
{
	if (rtnl_dereference(dev->rx_handler) != ipvl_rx_handler)
		return NULL;
	return rtnl_dereference(dev->rx_handler_data);
}

int kc_dev_is_ether(const struct net_device *dev)
{
	return dev->type == ARPHRD_ETHER && !(dev->flags & IFF_LOOPBACK);
}

int kc_dev_rx_handler_busy(struct net_device *dev)
{
	return netdev_is_rx_handler_busy(dev);
}

int kc_net_admin_capable(const struct net_device *dev)
{
	return ns_capable(dev_net(dev)->user_ns, CAP_NET_ADMIN);
}

const char *kc_dev_name(const struct net_device *dev)
{
	return dev->name;
}

void kc_dev_err(const struct net_device *dev, const char *msg)
{
	netdev_err(dev, "%s\n", msg);
}

void kc_dev_warn_ratelimited(const struct net_device *dev, const char *msg)
{
	net_warn_ratelimited("%s: %s\n", dev->name, msg);
}

void kc_slave_prepare(struct net_device *slave, struct net_device *master,
		      int keep_mtu)
{
	ipvl_priv(slave)->master = master;
	if (!keep_mtu)
		slave->mtu = master->mtu;
	eth_hw_addr_set(slave, master->dev_addr);
	slave->priv_flags |= IFF_NO_RX_HANDLER;
}

int kc_register_netdevice(struct net_device *dev)
{
	return register_netdevice(dev);
}

void kc_unregister_netdevice(struct net_device *dev)
{
	unregister_netdevice(dev);
}

void kc_unregister_netdevice_queue(struct net_device *dev,
				   struct list_head *head)
{
	unregister_netdevice_queue(dev, head);
}

void kc_unregister_netdevice_many(struct list_head *head)
{
	unregister_netdevice_many(head);
}

void kc_dev_set_dev_id(struct net_device *dev, kc_u16 id)
{
	dev->dev_id = id;
}

int kc_upper_link(struct net_device *master, struct net_device *slave,
		  struct netlink_ext_ack *extack)
{
	return netdev_upper_dev_link(master, slave, extack);
}

void kc_upper_unlink(struct net_device *master, struct net_device *slave)
{
	netdev_upper_dev_unlink(master, slave);
}

void kc_transfer_operstate(struct net_device *master, struct net_device *slave)
{
	netif_stacked_transfer_operstate(master, slave);
}

void kc_follow_master_mtu(struct net_device *slave, struct net_device *master)
{
	slave->mtu = master->mtu;
}

void kc_follow_master_addr(struct net_device *slave, struct net_device *master)
{
	eth_hw_addr_set(slave, master->dev_addr);
	call_netdevice_notifiers(NETDEV_CHANGEADDR, slave);
}

void kc_follow_master_features(struct net_device *slave,
			       struct net_device *master)
{
	netif_inherit_tso_max(slave, master);
	slave->needed_headroom = master->needed_headroom;
	slave->needed_tailroom = master->needed_tailroom;
	netdev_update_features(slave);
}

int kc_pre_changeaddr(struct net_device *slave, const kc_u8 *addr,
		      struct netlink_ext_ack *extack)
{
	return dev_pre_changeaddr_notify(slave, (const char *)addr, extack);
}

void kc_dev_set_noarp(struct net_device *dev, int on)
{
	if (on)
		dev->flags |= IFF_NOARP;
	else
		dev->flags &= ~IFF_NOARP;
}

int kc_dev_change_noarp(struct net_device *dev, int on,
			struct netlink_ext_ack *extack)
{
	unsigned int flags = on ? dev->flags | IFF_NOARP : dev->flags & ~IFF_NOARP;

	return dev_change_flags(dev, flags, extack);
}

int kc_dev_set_allmulti(struct net_device *dev, int inc)
{
	return dev_set_allmulti(dev, inc);
}

struct net *kc_dev_net(const struct net_device *dev)
{
	return dev_net(dev);
}

int kc_port_attach(struct net_device *master, struct ipvlan_port *port)
{
	int err = netdev_rx_handler_register(master, ipvl_rx_handler, port);

	if (!err)
		dev_hold(master);
	return err;
}

void kc_port_detach(struct net_device *master)
{
	netdev_rx_handler_unregister(master); /* waits for rx readers */
	ipvl_l3mdev_forget(master);
	dev_put(master);
}

/* msg must be a string with static storage (a C++ literal): extack keeps the
 * pointer until the reply is built. */
void kc_extack_msg(struct netlink_ext_ack *extack, const char *msg)
{
	do_trace_netlink_extack(msg);
	if (extack)
		extack->_msg = msg;
}
