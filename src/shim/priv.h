/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shim-internal declarations: the layout of a slave's netdev_priv area and the
 * operation tables the shim files share. Nothing here is visible to C++.
 */
#ifndef IPVLAN_SHIM_PRIV_H
#define IPVLAN_SHIM_PRIV_H

#include <linux/netdevice.h>
#include <linux/skbuff.h>
#include <linux/u64_stats_sync.h>
#include <linux/in6.h>
#include "ipvlan/shim_api.h"

#define IPVL_DRV_NAME "ipvlan"
#define IPVL_DRV_VERSION "0.1"

struct ipvl_pcpu_stats {
	u64_stats_t rx_pkts;
	u64_stats_t rx_bytes;
	u64_stats_t rx_mcast;
	u64_stats_t tx_pkts;
	u64_stats_t tx_bytes;
	struct u64_stats_sync syncp;
	u32 rx_errs;
	u32 tx_drps;
};

/*
 * netdev_priv() of a slave: this header, then the C++ driver object at
 * ipvl_slave_offset. The shim keeps what its own mechanisms need per packet
 * (the lower device for header_ops, the counters) so that they never call
 * into C++ for it.
 */
/* The last route a slave's L3 traffic took, per CPU and family: the key of
 * the lookup (what the stock driver puts in its flowi) and the dst it gave,
 * with a reference held. dst_check() on every use catches route, rule and
 * PMTU changes, as the kernel's dst_cache does for tunnels. */
struct ipvl_route4 {
	struct dst_entry *dst;
	const struct net *net;
	__be32 daddr, saddr;
	u32 mark;
	u8 tos;
};

struct ipvl_route6 {
	struct dst_entry *dst;
	const struct net *net;
	struct in6_addr daddr, saddr;
	__be32 flowinfo;
	u32 mark;
	u32 cookie;
	u8 proto;
};

struct ipvl_route_cache {
	struct ipvl_route4 v4;
	struct ipvl_route6 v6;
};

/* A slave's per-CPU area: one allocation for both. */
struct ipvl_pcpu {
	struct ipvl_pcpu_stats stats;
	struct ipvl_route_cache routes;
};

struct ipvl_priv {
	struct ipvl_pcpu __percpu *pcpu;
	struct net_device *master;
	/* Offloads the slave may have; only an ipvtap queue narrows them
	 * (TUNSETOFFLOAD), for a plain slave it stays IPVL_FEATURES. */
	netdev_features_t want_features;
	u32 msg_enable;
};

extern size_t ipvl_slave_offset;
extern const struct net_device_ops ipvl_netdev_ops;
extern struct rtnl_link_ops ipvl_link_ops;

static inline struct ipvl_priv *ipvl_priv(const struct net_device *dev)
{
	return netdev_priv(dev);
}

static inline struct ipvlan_slave *ipvl_slave(const struct net_device *dev)
{
	return (struct ipvlan_slave *)((char *)netdev_priv(dev) + ipvl_slave_offset);
}

static inline bool ipvl_is_slave(const struct net_device *dev)
{
	return dev->netdev_ops == &ipvl_netdev_ops;
}

/* A classification needs at most three pulls (the IPv6 header, the ICMPv6
 * header, the neighbour solicitation target). */
#define IPVL_MAX_PULLS 3

/* The network layer of an skb as the C++ decisions read it: where it starts,
 * how much of it is linear, how long it is (nothing readable when the
 * network header is outside the linear area). Marshalling only; inline, so
 * that it stays in registers. */
struct ipvl_l3 {
	const u8 *p;
	u32 linear;
	u32 len;
};

static __always_inline struct ipvl_l3 ipvl_l3_of(const struct sk_buff *skb)
{
	int off = skb_network_offset(skb);
	struct ipvl_l3 l3 = { .p = skb_network_header(skb) };

	if (likely(off >= 0 && off <= skb_headlen(skb))) {
		l3.linear = skb_headlen(skb) - off;
		l3.len = skb->len - off;
	}
	return l3;
}

static inline u32 ipvl_meta(const struct sk_buff *skb)
{
	return ntohs(skb->protocol);
}

/* The multicast worker's view for ipvlan_drv_flood. */
static inline void ipvl_frame(const struct sk_buff *skb, const u8 *mac,
			      struct kc_frame *f)
{
	struct ipvl_l3 l3 = ipvl_l3_of(skb);

	f->mac = mac;
	f->dev_mac = NULL;
	f->looped_back = 0;
	f->ethertype = ntohs(skb->protocol);
	f->l3 = l3.p;
	f->l3_linear = l3.linear;
	f->l3_len = l3.len;
}

/* Count a frame handed to slave dev: inline, it runs for every packet. */
static inline void ipvl_count_rx(struct net_device *dev, unsigned int len,
				 bool ok, bool mcast)
{
	struct ipvl_pcpu __percpu *pcpu = ipvl_priv(dev)->pcpu;
	struct ipvl_pcpu_stats *s;

	if (unlikely(!ok)) {
		this_cpu_inc(pcpu->stats.rx_errs);
		return;
	}
	s = this_cpu_ptr(&pcpu->stats);
	u64_stats_update_begin(&s->syncp);
	u64_stats_inc(&s->rx_pkts);
	u64_stats_add(&s->rx_bytes, len);
	if (mcast)
		u64_stats_inc(&s->rx_mcast);
	u64_stats_update_end(&s->syncp);
}

void ipvl_setup(struct net_device *dev);
rx_handler_result_t ipvl_rx_handler(struct sk_buff **pskb);
netdev_tx_t ipvl_start_xmit(struct sk_buff *skb, struct net_device *dev);
/* ndo_uninit: drop the cached routes' references. */
void ipvl_routes_release(struct ipvl_pcpu __percpu *pcpu);
void ipvl_mcast_enqueue(struct kc_mcast_queue *q, struct sk_buff *skb,
			bool from_tx);

int ipvl_l3s_init(void);
void ipvl_l3s_exit(void);
/* After the rx_handler is gone (a grace period later): drop our l3mdev ops. */
void ipvl_l3mdev_forget(struct net_device *master);

#endif /* IPVLAN_SHIM_PRIV_H */
