// SPDX-License-Identifier: GPL-2.0
/*
 * Module entry and exit, the rtnl link kind "ipvlan", and the notifier
 * blocks. Trampolines only: attributes are parsed into plain structs and the
 * C++ driver decides.
 */
#include <linux/if_link.h>
#include <linux/inetdevice.h>
#include <linux/module.h>
#include <linux/netdevice.h>
#include <net/addrconf.h>
#include <net/rtnetlink.h>

#include "ipvtap_api.h"
#include "priv.h"

size_t ipvl_slave_offset;

static void ipvl_parse_attrs(struct nlattr *data[], struct kc_link_attrs *a)
{
	memset(a, 0, sizeof(*a));
	if (!data)
		return;
	if (data[IFLA_IPVLAN_MODE]) {
		a->has_mode = 1;
		a->mode = nla_get_u16(data[IFLA_IPVLAN_MODE]);
	}
	if (data[IFLA_IPVLAN_FLAGS]) {
		a->has_flags = 1;
		a->flags = nla_get_u16(data[IFLA_IPVLAN_FLAGS]);
	}
}

static int ipvl_validate(struct nlattr *tb[], struct nlattr *data[],
			 struct netlink_ext_ack *extack)
{
	struct kc_link_attrs a;

	ipvl_parse_attrs(data, &a);
	return ipvlan_drv_validate(&a, extack);
}

static int ipvl_newlink(struct net *src_net, struct net_device *dev,
			struct nlattr *tb[], struct nlattr *data[],
			struct netlink_ext_ack *extack)
{
	struct kc_link_attrs a;
	int ifindex = tb[IFLA_LINK] ? nla_get_u32(tb[IFLA_LINK]) : 0;

	ipvl_parse_attrs(data, &a);
	return ipvlan_drv_newlink(src_net, ipvl_slave(dev), !!tb[IFLA_LINK],
				  ifindex, !!tb[IFLA_MTU], &a, extack);
}

static int ipvl_changelink(struct net_device *dev, struct nlattr *tb[],
			   struct nlattr *data[],
			   struct netlink_ext_ack *extack)
{
	struct kc_link_attrs a;

	ipvl_parse_attrs(data, &a);
	return ipvlan_drv_changelink(ipvl_slave(dev), !!data, &a, extack);
}

static void ipvl_dellink(struct net_device *dev, struct list_head *head)
{
	ipvlan_drv_dellink(ipvl_slave(dev), head);
}

static size_t ipvl_get_size(const struct net_device *dev)
{
	return nla_total_size(2) + nla_total_size(2);
}

static int ipvl_fill_info(struct sk_buff *skb, const struct net_device *dev)
{
	struct kc_link_attrs a;
	int err = ipvlan_drv_fill_info(ipvl_slave(dev), &a);

	if (err)
		return err;
	if (nla_put_u16(skb, IFLA_IPVLAN_MODE, a.mode) ||
	    nla_put_u16(skb, IFLA_IPVLAN_FLAGS, a.flags))
		return -EMSGSIZE;
	return 0;
}

static struct net *ipvl_get_link_net(const struct net_device *dev)
{
	return dev_net(ipvl_priv(dev)->master);
}

static const struct nla_policy ipvl_nl_policy[IFLA_IPVLAN_MAX + 1] = {
	[IFLA_IPVLAN_MODE] = { .type = NLA_U16 },
	[IFLA_IPVLAN_FLAGS] = { .type = NLA_U16 },
};

/* Not const: priv_size depends on the C++ object's size, known at init. */
struct rtnl_link_ops ipvl_link_ops = {
	.kind = "ipvlan",
	.setup = ipvl_setup,
	.validate = ipvl_validate,
	.newlink = ipvl_newlink,
	.changelink = ipvl_changelink,
	.dellink = ipvl_dellink,
	.get_size = ipvl_get_size,
	.fill_info = ipvl_fill_info,
	.get_link_net = ipvl_get_link_net,
	.policy = ipvl_nl_policy,
	.maxtype = IFLA_IPVLAN_MAX,
};

/* ------------------------------------------- for ipvtap.ko (ipvtap_api.h) */

size_t ipvlan_kind_priv_size(void)
{
	return ipvl_link_ops.priv_size;
}
EXPORT_SYMBOL_GPL(ipvlan_kind_priv_size);

int ipvlan_kind_register(struct rtnl_link_ops *ops)
{
	/* As the stock driver does for ipvtap: no get_link_net. */
	ops->validate = ipvl_validate;
	ops->changelink = ipvl_changelink;
	ops->get_size = ipvl_get_size;
	ops->fill_info = ipvl_fill_info;
	ops->policy = ipvl_nl_policy;
	ops->maxtype = IFLA_IPVLAN_MAX;
	return rtnl_link_register(ops);
}
EXPORT_SYMBOL_GPL(ipvlan_kind_register);

void ipvlan_kind_setup(struct net_device *dev)
{
	ipvl_setup(dev);
}
EXPORT_SYMBOL_GPL(ipvlan_kind_setup);

int ipvlan_kind_newlink(struct net *src_net, struct net_device *dev,
			struct nlattr *tb[], struct nlattr *data[],
			struct netlink_ext_ack *extack)
{
	return ipvl_newlink(src_net, dev, tb, data, extack);
}
EXPORT_SYMBOL_GPL(ipvlan_kind_newlink);

void ipvlan_kind_dellink(struct net_device *dev, struct list_head *head)
{
	ipvl_dellink(dev, head);
}
EXPORT_SYMBOL_GPL(ipvlan_kind_dellink);

/* ------------------------------------------------------- notifiers */

static int ipvl_device_event(struct notifier_block *nb, unsigned long event,
			     void *ptr)
{
	struct net_device *dev = netdev_notifier_info_to_dev(ptr);
	struct ipvlan_port *port = kc_dev_port(dev);
	LIST_HEAD(kill_list);

	if (!port)
		return NOTIFY_DONE;

	switch (event) {
	case NETDEV_UP:
	case NETDEV_DOWN: /* handled upstream since 6.10, not in 6.1 */
	case NETDEV_CHANGE:
		return notifier_from_errno(ipvlan_drv_master_event(port, KC_MASTER_OPERSTATE));
	case NETDEV_CHANGEMTU:
		return notifier_from_errno(ipvlan_drv_master_event(port, KC_MASTER_MTU));
	case NETDEV_CHANGEADDR:
		return notifier_from_errno(ipvlan_drv_master_event(port, KC_MASTER_ADDR));
	case NETDEV_FEAT_CHANGE:
		return notifier_from_errno(ipvlan_drv_master_event(port, KC_MASTER_FEATURES));
	case NETDEV_REGISTER: /* the second half of a netns move */
		return notifier_from_errno(ipvlan_drv_master_event(port, KC_MASTER_NETNS));
	case NETDEV_PRE_TYPE_CHANGE:
		return notifier_from_errno(ipvlan_drv_master_event(port, KC_MASTER_TYPE));
	case NETDEV_PRE_CHANGEADDR: {
		struct netdev_notifier_pre_changeaddr_info *info = ptr;

		return notifier_from_errno(ipvlan_drv_master_pre_addr(port,
				info->dev_addr, netdev_notifier_info_to_extack(ptr)));
	}
	case NETDEV_UNREGISTER:
		/* Only a real removal, not the first half of a netns move. */
		if (dev->reg_state != NETREG_UNREGISTERING)
			break;
		ipvlan_drv_master_gone(port, &kill_list);
		unregister_netdevice_many(&kill_list);
		break;
	}
	return NOTIFY_DONE;
}

static int ipvl_addr_event(struct net_device *dev, unsigned long event,
			   int family, const void *addr,
			   struct netlink_ext_ack *extack, bool validator)
{
	enum kc_addr_event ev;
	int err;

	if (!ipvl_is_slave(dev))
		return NOTIFY_DONE;
	/* Validators are asked before an address goes up, notifiers after. */
	if (event == NETDEV_UP)
		ev = validator ? KC_ADDR_VALIDATE : KC_ADDR_UP;
	else if (event == NETDEV_DOWN && !validator)
		ev = KC_ADDR_DOWN;
	else
		return NOTIFY_DONE;
	err = ipvlan_drv_addr_event(ipvl_slave(dev), ev, family, addr, extack);
	/* Only a validator can refuse; a notifier's error would just keep the
	 * address from the chain's other listeners. */
	return validator ? notifier_from_errno(err) : NOTIFY_DONE;
}

static int ipvl_inet_event(struct notifier_block *nb, unsigned long event,
			   void *ptr)
{
	const struct in_ifaddr *ifa = ptr;

	/* The local address is what the slave owns; for a point-to-point
	 * address ifa_address is the peer. */
	return ipvl_addr_event(ifa->ifa_dev->dev, event, 4, &ifa->ifa_local,
			       NULL, false);
}

static int ipvl_inet_validator(struct notifier_block *nb, unsigned long event,
			       void *ptr)
{
	const struct in_validator_info *ivi = ptr;

	return ipvl_addr_event(ivi->ivi_dev->dev, event, 4, &ivi->ivi_addr,
			       ivi->extack, true);
}

static int ipvl_inet6_event(struct notifier_block *nb, unsigned long event,
			    void *ptr)
{
	const struct inet6_ifaddr *ifa = ptr;

	return ipvl_addr_event(ifa->idev->dev, event, 6, &ifa->addr, NULL, false);
}

static int ipvl_inet6_validator(struct notifier_block *nb, unsigned long event,
				void *ptr)
{
	const struct in6_validator_info *i6vi = ptr;

	return ipvl_addr_event(i6vi->i6vi_dev->dev, event, 6, &i6vi->i6vi_addr,
			       i6vi->extack, true);
}

static struct notifier_block ipvl_device_nb = { .notifier_call = ipvl_device_event };
static struct notifier_block ipvl_inet_nb = { .notifier_call = ipvl_inet_event };
static struct notifier_block ipvl_inet_validator_nb = { .notifier_call = ipvl_inet_validator };
static struct notifier_block ipvl_inet6_nb = { .notifier_call = ipvl_inet6_event };
static struct notifier_block ipvl_inet6_validator_nb = { .notifier_call = ipvl_inet6_validator };

static int __init ipvl_module_init(void)
{
	int err;

	ipvl_slave_offset = ALIGN(sizeof(struct ipvl_priv), ipvlan_drv_slave_align);
	ipvl_link_ops.priv_size = ipvl_slave_offset + ipvlan_drv_slave_size;

	err = ipvl_l3s_init();
	if (err)
		return err;
	/* Notifiers first, so that no slave exists without them. */
	err = register_netdevice_notifier(&ipvl_device_nb);
	if (err)
		goto fail_l3s;
	err = register_inetaddr_notifier(&ipvl_inet_nb);
	if (err)
		goto fail_device;
	err = register_inetaddr_validator_notifier(&ipvl_inet_validator_nb);
	if (err)
		goto fail_inet;
	err = register_inet6addr_notifier(&ipvl_inet6_nb);
	if (err)
		goto fail_inet_validator;
	err = register_inet6addr_validator_notifier(&ipvl_inet6_validator_nb);
	if (err)
		goto fail_inet6;
	err = rtnl_link_register(&ipvl_link_ops);
	if (err)
		goto fail_inet6_validator;
	return 0;

fail_inet6_validator:
	unregister_inet6addr_validator_notifier(&ipvl_inet6_validator_nb);
fail_inet6:
	unregister_inet6addr_notifier(&ipvl_inet6_nb);
fail_inet_validator:
	unregister_inetaddr_validator_notifier(&ipvl_inet_validator_nb);
fail_inet:
	unregister_inetaddr_notifier(&ipvl_inet_nb);
fail_device:
	unregister_netdevice_notifier(&ipvl_device_nb);
fail_l3s:
	ipvl_l3s_exit();
	return err;
}

static void __exit ipvl_module_exit(void)
{
	/* Deletes every ipvlan link, in every namespace. */
	rtnl_link_unregister(&ipvl_link_ops);
	unregister_inet6addr_validator_notifier(&ipvl_inet6_validator_nb);
	unregister_inet6addr_notifier(&ipvl_inet6_nb);
	unregister_inetaddr_validator_notifier(&ipvl_inet_validator_nb);
	unregister_inetaddr_notifier(&ipvl_inet_nb);
	unregister_netdevice_notifier(&ipvl_device_nb);
	ipvl_l3s_exit();
	/* Address entries are freed by RCU callbacks in this module's text. */
	rcu_barrier();
}

module_init(ipvl_module_init);
module_exit(ipvl_module_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Driver for L3 (IPv6/IPv4) based VLANs (C++ implementation)");
MODULE_VERSION("0.1-cpp");
MODULE_ALIAS_RTNL_LINK("ipvlan");
