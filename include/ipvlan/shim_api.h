/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The C ABI between the kernel-facing shim (C, src/shim/) and the driver
 * (C++, src/driver/ and src/core/). It is included by both languages, so it
 * uses plain C types only and never includes a kernel header: kernel objects
 * cross it as pointers to incomplete structs that C++ never dereferences.
 *
 * Two directions:
 *   kc_*          kernel services the shim implements for C++ (control path
 *                 only; the data path makes no call from C++ into the shim);
 *   ipvlan_drv_*  C++ entry points the shim's trampolines call.
 */
#ifndef IPVLAN_SHIM_API_H
#define IPVLAN_SHIM_API_H

#ifdef __cplusplus
extern "C" {
#endif

struct net;
struct net_device;
struct sk_buff;
struct netlink_ext_ack;
struct list_head;

typedef unsigned char kc_u8;
typedef unsigned short kc_u16;
typedef unsigned int kc_u32;
typedef unsigned long kc_usize;

/* The driver's objects, opaque to the shim. */
struct ipvlan_slave;
struct ipvlan_port;
/* The shim's deferred broadcast/multicast queue of one port, opaque to C++. */
struct kc_mcast_queue;

/* ------------------------------------------------------------------ */
/* Memory, RCU, locking                                               */
/* ------------------------------------------------------------------ */

/* Same layout as struct rcu_head; the shim checks that at build time. */
struct kc_rcu_head {
	void *next;
	void (*func)(struct kc_rcu_head *head);
};

void *kc_alloc(kc_usize size, int atomic);
void kc_free(void *ptr);
/* Large zeroed arrays (may sleep; kvzalloc): the address table's buckets.
 * kc_free_large may be called from an RCU callback. */
void *kc_alloc_large(kc_usize size);
void kc_free_large(void *ptr);
void kc_call_rcu(struct kc_rcu_head *head, void (*func)(struct kc_rcu_head *));
void kc_synchronize_rcu(void); /* may sleep */
kc_u32 kc_random_u32(void);

/* Deferred work in process context (the system workqueue): fn(arg) runs once
 * after kc_work_queue, however often it was queued meanwhile. kc_work_free
 * waits for a running fn and cancels a queued one. */
struct kc_work;
struct kc_work *kc_work_new(void (*fn)(void *arg), void *arg);
void kc_work_queue(struct kc_work *work);
void kc_work_free(struct kc_work *work);

struct kc_lock; /* a spinlock taken with bottom halves disabled */
struct kc_lock *kc_lock_new(void);
void kc_lock_free(struct kc_lock *lock);
void kc_lock_bh(struct kc_lock *lock);
void kc_unlock_bh(struct kc_lock *lock);

/* ------------------------------------------------------------------ */
/* Devices (all under RTNL unless noted)                              */
/* ------------------------------------------------------------------ */

struct net_device *kc_dev_get_by_index(struct net *net, int ifindex);
/* Non-NULL when dev is one of our slaves: its driver object. */
struct ipvlan_slave *kc_dev_as_slave(const struct net_device *dev);
/* Non-NULL when dev is the master of one of our ports (RTNL held). */
struct ipvlan_port *kc_dev_port(const struct net_device *dev);
int kc_dev_is_ether(const struct net_device *dev); /* ARPHRD_ETHER, not lo */
int kc_dev_rx_handler_busy(struct net_device *dev);
int kc_net_admin_capable(const struct net_device *dev); /* over dev's netns */
const char *kc_dev_name(const struct net_device *dev);
void kc_dev_err(const struct net_device *dev, const char *msg);

/* newlink preparation of a not yet registered slave */
void kc_slave_prepare(struct net_device *slave, struct net_device *master,
		      int keep_mtu);
int kc_register_netdevice(struct net_device *dev);
void kc_unregister_netdevice(struct net_device *dev);
void kc_unregister_netdevice_queue(struct net_device *dev,
				   struct list_head *head);
void kc_unregister_netdevice_many(struct list_head *head);
void kc_dev_set_dev_id(struct net_device *dev, kc_u16 id);
int kc_upper_link(struct net_device *master, struct net_device *slave,
		  struct netlink_ext_ack *extack);
void kc_upper_unlink(struct net_device *master, struct net_device *slave);
void kc_transfer_operstate(struct net_device *master,
			   struct net_device *slave);
/* Copy the master's MTU without going through dev_set_mtu (stock: slave
 * MTUs are overwritten, no notification). */
void kc_follow_master_mtu(struct net_device *slave, struct net_device *master);
/* Take the master's MAC and tell the slave's listeners (NETDEV_CHANGEADDR). */
void kc_follow_master_addr(struct net_device *slave, struct net_device *master);
/* Re-inherit tso limits and head/tailroom, then recompute features. */
void kc_follow_master_features(struct net_device *slave,
			       struct net_device *master);
int kc_pre_changeaddr(struct net_device *slave, const kc_u8 *addr,
		      struct netlink_ext_ack *extack);
/* Set or clear IFF_NOARP: directly (in ndo_open) or through
 * dev_change_flags so that userspace is notified (mode changes). */
void kc_dev_set_noarp(struct net_device *dev, int on);
int kc_dev_change_noarp(struct net_device *dev, int on,
			struct netlink_ext_ack *extack);
/* dev_set_allmulti: inc is +1 or -1; returns 0 or a negative errno. */
int kc_dev_set_allmulti(struct net_device *dev, int inc);
struct net *kc_dev_net(const struct net_device *dev);

/* The port is the master's rx_handler_data; registering takes a reference
 * on the master, unregistering waits for readers and drops it. */
int kc_port_attach(struct net_device *master, struct ipvlan_port *port);
void kc_port_detach(struct net_device *master);

void kc_extack_msg(struct netlink_ext_ack *extack, const char *msg);
/* A warning about dev in the kernel log, rate limited; msg is static. */
void kc_dev_warn_ratelimited(const struct net_device *dev, const char *msg);

/* L3S. The netfilter LOCAL_IN hooks of a netns are shared by every L3S port
 * whose master is there: get registers them for the first user, put
 * unregisters them after the last (both under RTNL). */
int kc_l3s_hooks_get(struct net *net);
void kc_l3s_hooks_put(struct net *net);
/* Send the master's received IP packets through our l3mdev receive hook (on)
 * or stop doing so. The hook stays reachable until the port is detached. */
void kc_l3mdev_rx(struct net_device *master, int on);

/* A port's queue of broadcast/multicast frames for its slaves, processed
 * from a work item, holding at most `limit` frames: freeing it waits for the
 * work and drops what is queued. */
struct kc_mcast_queue *kc_mcast_queue_new(struct ipvlan_port *port,
					  struct net_device *master,
					  kc_u32 limit);
void kc_mcast_queue_free(struct kc_mcast_queue *queue);
/* From the worker: a clone of skb to slave `to`, counted as multicast rx. */
void kc_mcast_deliver(struct sk_buff *skb, struct net_device *to, int from_tx);

/* ------------------------------------------------------------------ */
/* Entry points implemented in C++                                    */
/* ------------------------------------------------------------------ */

/* Size and alignment of the driver object the shim reserves in each
 * slave's netdev_priv area. */
extern const kc_usize ipvlan_drv_slave_size;
extern const kc_usize ipvlan_drv_slave_align;
void ipvlan_drv_slave_setup(struct ipvlan_slave *slave, struct net_device *dev);

/* IFLA_IPVLAN_* attributes after nla parsing, nothing decided yet. */
struct kc_link_attrs {
	int has_mode;
	kc_u16 mode;
	int has_flags;
	kc_u16 flags;
};

int ipvlan_drv_validate(const struct kc_link_attrs *attrs,
			struct netlink_ext_ack *extack);
int ipvlan_drv_newlink(struct net *src_net, struct ipvlan_slave *slave,
		       int has_link, int link_ifindex, int has_mtu,
		       const struct kc_link_attrs *attrs,
		       struct netlink_ext_ack *extack);
int ipvlan_drv_changelink(struct ipvlan_slave *slave, int has_data,
			  const struct kc_link_attrs *attrs,
			  struct netlink_ext_ack *extack);
void ipvlan_drv_dellink(struct ipvlan_slave *slave, struct list_head *head);
/* Fills mode and flags; returns 0, or -EINVAL when there is no port. */
int ipvlan_drv_fill_info(const struct ipvlan_slave *slave,
			 struct kc_link_attrs *out);
int ipvlan_drv_slave_init(struct ipvlan_slave *slave);
void ipvlan_drv_slave_uninit(struct ipvlan_slave *slave);
/* ndo_open; allmulti: the slave has IFF_ALLMULTI. */
void ipvlan_drv_open(struct ipvlan_slave *slave, int allmulti);
/* ndo_change_rx_flags (called while the slave is down too). */
void ipvlan_drv_allmulti_changed(struct ipvlan_slave *slave, int allmulti);
/* ndo_set_rx_mode: rebuild the slave's multicast filter from scratch;
 * accept_all when the slave is promiscuous or allmulti. */
void ipvlan_drv_filter_begin(struct ipvlan_slave *slave, int accept_all,
			     const kc_u8 *broadcast);
void ipvlan_drv_filter_add(struct ipvlan_slave *slave, const kc_u8 *mac);
void ipvlan_drv_filter_commit(struct ipvlan_slave *slave);
struct kc_frame; /* below, with the other per-packet types */

/* The multicast worker, under rcu_read_lock: deliver skb (the frame's view
 * in *frame, Ethernet header at frame->mac) to every slave that should see
 * it; origin is the sending slave for a frame from tx, NULL for one from the
 * wire. Returns 0 when done, or the number of bytes from the network header
 * it needs linear to choose (then nothing was delivered: pull and call
 * again). With can_pull false it never asks, and delivers as if it had no
 * way to narrow the choice. */
kc_u32 ipvlan_drv_flood(const struct ipvlan_port *port, struct sk_buff *skb,
			const struct kc_frame *frame, struct net_device *origin,
			int can_pull);
void ipvlan_drv_stop(struct ipvlan_slave *slave);

/* Address notifiers and validators: family 4 or 6, addr in network order. */
enum kc_addr_event { KC_ADDR_UP, KC_ADDR_DOWN, KC_ADDR_VALIDATE };
int ipvlan_drv_addr_event(struct ipvlan_slave *slave, enum kc_addr_event ev,
			  int family, const kc_u8 *addr,
			  struct netlink_ext_ack *extack);

/* Master device events (RTNL held). Those returning int return 0 or a
 * negative errno that vetoes the master's change. */
enum kc_master_event {
	KC_MASTER_OPERSTATE,  /* NETDEV_UP, NETDEV_DOWN, NETDEV_CHANGE */
	KC_MASTER_MTU,        /* NETDEV_CHANGEMTU */
	KC_MASTER_ADDR,       /* NETDEV_CHANGEADDR */
	KC_MASTER_FEATURES,   /* NETDEV_FEAT_CHANGE */
	KC_MASTER_TYPE,       /* NETDEV_PRE_TYPE_CHANGE */
	KC_MASTER_NETNS,      /* NETDEV_REGISTER: maybe moved to another netns */
};
int ipvlan_drv_master_event(struct ipvlan_port *port, enum kc_master_event ev);
/* NETDEV_PRE_CHANGEADDR: may every slave take the new address? */
int ipvlan_drv_master_pre_addr(struct ipvlan_port *port, const kc_u8 *addr,
			       struct netlink_ext_ack *extack);
/* The master is being unregistered: queue every slave on head. */
void ipvlan_drv_master_gone(struct ipvlan_port *port, struct list_head *head);

/* ------------------------------------------------------------------ */
/* Data path: C++ decides, the shim's trampoline carries it out       */
/* ------------------------------------------------------------------ */

/* What the multicast worker hands to ipvlan_drv_flood: a byte view of the
 * frame, marshalled from the skb without any judgement. */
struct kc_frame {
	const kc_u8 *mac;     /* Ethernet header: dst MAC, then src MAC */
	const kc_u8 *dev_mac; /* rx: the master's MAC; NULL on tx */
	const kc_u8 *l3;      /* network header */
	kc_u32 l3_linear;     /* bytes readable at l3 */
	kc_u32 l3_len;        /* bytes of the packet from l3 to its end */
	kc_u16 ethertype;     /* skb->protocol in host byte order */
	kc_u8 looped_back;    /* rx: PACKET_LOOPBACK */
};

enum kc_action {
	KC_PASS,        /* rx: leave the frame to the master's stack */
	KC_DELIVER,     /* rx: re-inject on .dev (RX_HANDLER_ANOTHER) */
	KC_LOCAL,       /* tx: forward to the sibling slave .dev */
	KC_OUT_V4,      /* tx: route in the master's netns, send as IPv4 */
	KC_OUT_V6,      /* tx: route in the master's netns, send as IPv6 */
	KC_DROP,        /* tx: drop, counted as tx_dropped on the sender */
	KC_PULL,        /* either: make .pull bytes of l3 linear, then ask again */
	KC_TO_MASTER,   /* tx (L2): into the master's own stack (dev_forward_skb) */
	KC_OUT_L2,      /* tx (L2): the frame unchanged, out of the master */
	KC_FLOOD_RX,    /* rx (L2): queue a clone on .queue, pass the frame */
	KC_FLOOD_TX,    /* tx (L2): queue the frame on .queue */
};

struct kc_verdict {
	kc_u32 action; /* enum kc_action */
	kc_u32 pull;
	union {
		struct net_device *dev;       /* DELIVER, LOCAL */
		struct kc_mcast_queue *queue; /* FLOOD_RX, FLOOD_TX */
	};
};

/*
 * The per-packet decisions take the frame's byte view as scalar arguments,
 * so that it travels in registers: a struct on the stack would be zeroed
 * (CONFIG_INIT_STACK_ALL_ZERO), stored, reloaded and guarded by a stack
 * canary on every packet. The view, marshalled without judgement:
 *   mac        Ethernet header: dst MAC, then src MAC
 *   l3         network header; l3_linear bytes of it are readable, the
 *              packet has l3_len bytes from it to its end
 *   meta       the ethertype (skb->protocol in host byte order) in the low
 *              16 bits, and KC_RX_LOOPED_BACK on rx for a PACKET_LOOPBACK
 *              frame
 *   dev_mac    rx: the master's MAC
 */
#define KC_META_ETHERTYPE 0xffffu
#define KC_RX_LOOPED_BACK 0x10000u

struct kc_verdict ipvlan_drv_rx(const struct ipvlan_port *port, const kc_u8 *mac,
				const kc_u8 *l3, kc_u32 l3_linear, kc_u32 l3_len,
				kc_u32 meta, const kc_u8 *dev_mac);
/* L3S, from the master netns's l3mdev and LOCAL_IN hooks: DELIVER with the
 * slave that owns the packet's destination, PASS, or PULL. */
struct kc_verdict ipvlan_drv_l3s_rx(const struct ipvlan_port *port, const kc_u8 *l3,
				    kc_u32 l3_linear, kc_u32 l3_len, kc_u32 meta);
struct kc_verdict ipvlan_drv_xmit(const struct ipvlan_slave *slave, const kc_u8 *mac,
				  const kc_u8 *l3, kc_u32 l3_linear, kc_u32 l3_len,
				  kc_u32 meta);

#ifdef __cplusplus
}
#endif

#endif /* IPVLAN_SHIM_API_H */
