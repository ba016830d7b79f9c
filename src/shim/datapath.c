// SPDX-License-Identifier: GPL-2.0
/*
 * Per-packet trampolines. Each marshals the skb into a byte view (in
 * registers), makes one call into C++ for the decision, and carries the verdict out with the kernel
 * primitives the stock driver uses. No allocation, no lock, and no other call
 * into C++ per packet.
 */
#include <linux/etherdevice.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/netdevice.h>
#include <linux/skbuff.h>
#include <net/inet_dscp.h>
#include <net/ip.h>
#include <net/dst.h>
#include <net/ip6_fib.h>
#include <net/ip6_route.h>
#include <net/route.h>

#include "priv.h"

/* ---------------------------------------------------------------- rx */

rx_handler_result_t ipvl_rx_handler(struct sk_buff **pskb)
{
	struct sk_buff *skb = *pskb;
	const struct ipvlan_port *port = rcu_dereference(skb->dev->rx_handler_data);
	struct kc_verdict v;
	int pulls = 0;

	for (;;) {
		struct ipvl_l3 l3 = ipvl_l3_of(skb);
		u32 meta = ipvl_meta(skb);

		if (skb->pkt_type == PACKET_LOOPBACK)
			meta |= KC_RX_LOOPED_BACK;
		v = ipvlan_drv_rx(port, skb_mac_header(skb), l3.p, l3.linear, l3.len,
				  meta, skb->dev->dev_addr);
		if (likely(v.action != KC_PULL))
			break;
		if (pulls++ == IPVL_MAX_PULLS || !pskb_network_may_pull(skb, v.pull))
			return RX_HANDLER_PASS;
	}
	if (v.action == KC_FLOOD_RX) {
		/* The slaves get a copy later; the master's stack this one. */
		struct sk_buff *nskb = skb_clone(skb, GFP_ATOMIC);

		if (nskb) {
			skb_scrub_packet(nskb, true);
			ipvl_mcast_enqueue(v.queue, nskb, false);
		}
		return RX_HANDLER_PASS;
	}
	if (v.action != KC_DELIVER)
		return RX_HANDLER_PASS;

	ipvl_count_rx(v.dev, skb->len + ETH_HLEN, true, false);
	skb->dev = v.dev;
	skb->pkt_type = PACKET_HOST;
	return RX_HANDLER_ANOTHER;
}

/* ---------------------------------------------------------------- tx */

/* To a sibling slave of the same master: it receives the frame as if from
 * the wire (dev_forward_skb scrubs and checks the receiver is up and the
 * frame fits its MTU). */
static int ipvl_xmit_local(struct sk_buff *skb, struct net_device *to)
{
	unsigned int len = skb->len + ETH_HLEN;

	skb = skb_share_check(skb, GFP_ATOMIC);
	if (!skb) {
		ipvl_count_rx(to, len, false, false);
		return NET_XMIT_SUCCESS;
	}
	skb->pkt_type = PACKET_HOST;
	ipvl_count_rx(to, len, dev_forward_skb(to, skb) == NET_RX_SUCCESS, false);
	return NET_XMIT_SUCCESS;
}

/* L2: for the shared MAC but no sibling's address, so for the master itself:
 * it receives the frame as if from the wire (its rx_handler passes it). */
static int ipvl_xmit_to_master_stack(struct sk_buff *skb,
				     struct net_device *master)
{
	skb = skb_share_check(skb, GFP_ATOMIC);
	if (!skb)
		return NET_XMIT_DROP;
	dev_forward_skb(master, skb);
	return NET_XMIT_SUCCESS;
}

/* Move the skb onto the master, leaving the slave's netns behind, and strip
 * the Ethernet header: the master's namespace routes the IP packet. */
static void ipvl_to_master_l3(struct sk_buff *skb, struct net_device *master)
{
	skb_scrub_packet(skb, !net_eq(dev_net(skb->dev), dev_net(master)));
	skb->dev = master;
	if (skb_mac_header_was_set(skb)) {
		skb_pull(skb, ETH_HLEN);
		skb->mac_header = (typeof(skb->mac_header))~0U;
		skb_reset_network_header(skb);
	}
}

/* ------------------------------------------------------- route cache */

/* A cached dst, if its key matches and it is still valid; a reference is
 * taken for the skb. */
static __always_inline struct dst_entry *ipvl_cached(struct dst_entry *dst, u32 cookie)
{
	if (!dst || !dst_check(dst, cookie))
		return NULL;
	dst_hold(dst);
	return dst;
}

/* Replace a slot's dst; the slot holds its own reference. Nothing in between
 * can transmit, so a nested transmit on this CPU never sees a half update. */
static void ipvl_remember(struct dst_entry **slot, struct dst_entry *dst)
{
	struct dst_entry *old = *slot;

	dst_hold(dst);
	*slot = dst;
	dst_release(old);
}

void ipvl_routes_release(struct ipvl_pcpu __percpu *pcpu)
{
	int cpu;

	if (!pcpu)
		return;
	for_each_possible_cpu(cpu) {
		struct ipvl_route_cache *c = &per_cpu_ptr(pcpu, cpu)->routes;

		dst_release(c->v4.dst);
		dst_release(c->v6.dst);
		c->v4.dst = NULL;
		c->v6.dst = NULL;
	}
}

/* Route in the master's netns with the master as the output device: a
 * destination with no route is then taken as on-link, as in the stock
 * driver. The result is cached per CPU for the next packet with the same
 * key; only a miss builds the flow and pays the lookup (out of line, so
 * that a hit does not zero a flowi). */
static noinline struct dst_entry *ipvl_lookup_v4(struct net *net, struct net_device *dev,
						 struct sk_buff *skb, u8 tos,
						 struct ipvl_route4 *cache)
{
	const struct iphdr *iph = ip_hdr(skb);
	struct flowi4 fl4 = {
		.flowi4_oif = dev->ifindex,
		.flowi4_flags = FLOWI_FLAG_ANYSRC,
		.flowi4_mark = skb->mark,
		.flowi4_tos = tos,
		.daddr = iph->daddr,
		.saddr = iph->saddr,
	};
	struct rtable *rt = ip_route_output_flow(net, &fl4, NULL);

	if (IS_ERR(rt))
		return ERR_CAST(rt);
	if (rt->rt_type != RTN_UNICAST && rt->rt_type != RTN_LOCAL) {
		ip_rt_put(rt);
		return ERR_PTR(-EINVAL);
	}
	/* The key is what ipvl_route_v4 compares: the packet's fields, not
	 * what the lookup may have filled in. */
	ipvl_remember(&cache->dst, &rt->dst);
	cache->net = net;
	cache->daddr = iph->daddr;
	cache->saddr = iph->saddr;
	cache->mark = skb->mark;
	cache->tos = tos;
	return &rt->dst;
}

static int ipvl_route_v4(struct net *net, struct net_device *dev,
			 struct sk_buff *skb, struct ipvl_route4 *cache)
{
	const struct iphdr *iph;
	struct dst_entry *dst;
	u8 tos;

	if (!pskb_network_may_pull(skb, sizeof(struct iphdr)))
		return -EINVAL;
	iph = ip_hdr(skb);
	tos = inet_dscp_to_dsfield(ip4h_dscp(iph));
	if (cache->daddr != iph->daddr || cache->saddr != iph->saddr ||
	    cache->mark != skb->mark || cache->tos != tos || cache->net != net ||
	    !(dst = ipvl_cached(cache->dst, 0))) {
		dst = ipvl_lookup_v4(net, dev, skb, tos, cache);
		if (IS_ERR(dst))
			return PTR_ERR(dst);
	}
	skb_dst_set(skb, dst);
	memset(IPCB(skb), 0, sizeof(*IPCB(skb)));
	return 0;
}

static noinline struct dst_entry *ipvl_lookup_v6(struct net *net, struct net_device *dev,
						 struct sk_buff *skb,
						 struct ipvl_route6 *cache)
{
	const struct ipv6hdr *ip6h = ipv6_hdr(skb);
	struct flowi6 fl6 = {
		.flowi6_oif = dev->ifindex,
		.flowi6_flags = FLOWI_FLAG_ANYSRC,
		.flowi6_mark = skb->mark,
		.daddr = ip6h->daddr,
		.saddr = ip6h->saddr,
		.flowlabel = ip6_flowinfo(ip6h),
		.flowi6_proto = ip6h->nexthdr,
	};
	struct dst_entry *dst = ip6_route_output(net, NULL, &fl6);
	int err = dst->error;

	if (err) {
		dst_release(dst);
		return ERR_PTR(err);
	}
	ipvl_remember(&cache->dst, dst);
	cache->cookie = rt6_get_cookie((struct rt6_info *)dst);
	cache->net = net;
	cache->daddr = ip6h->daddr;
	cache->saddr = ip6h->saddr;
	cache->flowinfo = ip6_flowinfo(ip6h);
	cache->mark = skb->mark;
	cache->proto = ip6h->nexthdr;
	return dst;
}

static int ipvl_route_v6(struct net *net, struct net_device *dev,
			 struct sk_buff *skb, struct ipvl_route6 *cache)
{
	const struct ipv6hdr *ip6h;
	struct dst_entry *dst;

	if (!pskb_network_may_pull(skb, sizeof(struct ipv6hdr)))
		return -EINVAL;
	ip6h = ipv6_hdr(skb);
	if (!ipv6_addr_equal(&cache->daddr, &ip6h->daddr) ||
	    !ipv6_addr_equal(&cache->saddr, &ip6h->saddr) ||
	    cache->flowinfo != ip6_flowinfo(ip6h) || cache->mark != skb->mark ||
	    cache->proto != ip6h->nexthdr || cache->net != net ||
	    !(dst = ipvl_cached(cache->dst, cache->cookie))) {
		dst = ipvl_lookup_v6(net, dev, skb, cache);
		if (IS_ERR(dst))
			return PTR_ERR(dst);
	}
	skb_dst_set(skb, dst);
	memset(IP6CB(skb), 0, sizeof(*IP6CB(skb)));
	return 0;
}

/* The skb is on the master now; route it and send it with no socket (it
 * crossed namespaces). Failures count as tx_errors on the master. As in the
 * stock driver, an IPv6 route error reaches the sender (its errno), an IPv4
 * one is a silent drop. Not inlined: its flow keys would give every
 * transmit a large frame and a stack canary. */
static noinline int ipvl_out_l3(struct sk_buff *skb, bool ipv6,
		       struct ipvl_route_cache *routes)
{
	struct net_device *dev = skb->dev;
	struct net *net = dev_net(dev);
	int err;

	err = ipv6 ? ipvl_route_v6(net, dev, skb, &routes->v6) :
		     ipvl_route_v4(net, dev, skb, &routes->v4);
	if (err) {
		DEV_STATS_INC(dev, tx_errors);
		kfree_skb(skb);
		return ipv6 ? err : NET_XMIT_DROP;
	}
	err = ipv6 ? ip6_local_out(net, NULL, skb) : ip_local_out(net, NULL, skb);
	if (unlikely(net_xmit_eval(err))) {
		DEV_STATS_INC(dev, tx_errors);
		return NET_XMIT_DROP;
	}
	return NET_XMIT_SUCCESS;
}

static struct kc_verdict ipvl_decide_tx(struct sk_buff *skb,
					const struct ipvlan_slave *slave)
{
	struct kc_verdict v;
	int pulls = 0;

	for (;;) {
		struct ipvl_l3 l3 = ipvl_l3_of(skb);

		v = ipvlan_drv_xmit(slave, skb->data, l3.p, l3.linear, l3.len,
				    ipvl_meta(skb));
		if (likely(v.action != KC_PULL))
			return v;
		if (pulls++ == IPVL_MAX_PULLS || !pskb_network_may_pull(skb, v.pull)) {
			v.action = KC_DROP;
			return v;
		}
	}
}

static int ipvl_xmit(struct sk_buff *skb, struct net_device *dev)
{
	struct net_device *master = ipvl_priv(dev)->master;
	struct kc_verdict v;

	if (unlikely(!pskb_may_pull(skb, ETH_HLEN)))
		goto drop;

	v = ipvl_decide_tx(skb, ipvl_slave(dev));
	switch (v.action) {
	case KC_LOCAL:
		return ipvl_xmit_local(skb, v.dev);
	case KC_OUT_V4:
	case KC_OUT_V6:
		ipvl_to_master_l3(skb, master);
		return ipvl_out_l3(skb, v.action == KC_OUT_V6,
				   &this_cpu_ptr(ipvl_priv(dev)->pcpu)->routes);
	case KC_TO_MASTER:
		return ipvl_xmit_to_master_stack(skb, master);
	case KC_OUT_L2:
		skb->dev = master;
		return dev_queue_xmit(skb);
	case KC_FLOOD_TX:
		skb_reset_mac_header(skb);
		skb_scrub_packet(skb, true);
		ipvl_mcast_enqueue(v.queue, skb, true);
		return NET_XMIT_SUCCESS;
	default:
		break;
	}
drop:
	kfree_skb(skb);
	return NET_XMIT_DROP;
}

netdev_tx_t ipvl_start_xmit(struct sk_buff *skb, struct net_device *dev)
{
	struct ipvl_pcpu __percpu *pcpu = ipvl_priv(dev)->pcpu;
	unsigned int len = skb->len;
	int ret = ipvl_xmit(skb, dev);

	if (likely(ret == NET_XMIT_SUCCESS || ret == NET_XMIT_CN)) {
		struct ipvl_pcpu_stats *s = this_cpu_ptr(&pcpu->stats);

		u64_stats_update_begin(&s->syncp);
		u64_stats_inc(&s->tx_pkts);
		u64_stats_add(&s->tx_bytes, len);
		u64_stats_update_end(&s->syncp);
	} else {
		this_cpu_inc(pcpu->stats.tx_drps);
	}
	return ret;
}
