// SPDX-License-Identifier: GPL-2.0
/*
 * L3S: slaves receive through the master namespace's IP stack, so that its
 * netfilter and conntrack see both directions. The master's rx_handler
 * passes; the l3mdev receive hook (called by ip_rcv_finish/ip6_rcv_finish)
 * routes the packet with the slave as the input device, and a LOCAL_IN hook
 * of the master's netns, registered last (priority INT_MAX), hands it to the
 * slave. C++ decides which slave owns the destination; this file is the
 * kernel mechanism around that one call.
 */
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/netdevice.h>
#include <linux/netfilter.h>
#include <linux/netfilter_ipv4.h>
#include <linux/netfilter_ipv6.h>
#include <net/ip6_route.h>
#include <net/l3mdev.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>
#include <net/route.h>

#include "priv.h"

/* The slave that owns the destination of skb, received on dev, when dev is
 * the master of an L3S port; NULL otherwise. RCU reader (softirq). */
static struct net_device *ipvl_l3s_slave(struct sk_buff *skb,
					 struct net_device *dev)
{
	const struct ipvlan_port *port;
	struct kc_verdict v;
	int pulls = 0;

	if (!dev || rcu_access_pointer(dev->rx_handler) != ipvl_rx_handler)
		return NULL;
	port = rcu_dereference(dev->rx_handler_data);
	if (unlikely(!port))
		return NULL;
	for (;;) {
		struct ipvl_l3 l3 = ipvl_l3_of(skb);

		v = ipvlan_drv_l3s_rx(port, l3.p, l3.linear, l3.len, ipvl_meta(skb));
		if (likely(v.action != KC_PULL))
			break;
		if (pulls++ == IPVL_MAX_PULLS || !pskb_network_may_pull(skb, v.pull))
			return NULL;
	}
	return v.action == KC_DELIVER ? v.dev : NULL;
}

/* ------------------------------------------------------------ l3mdev */

/* Route with the slave as the input device: its netns's routes decide
 * whether the packet is local there. Without a route the packet is left to
 * the master's own routing, as in the stock driver. */
static struct sk_buff *ipvl_l3_rcv(struct net_device *dev, struct sk_buff *skb,
				   u16 proto)
{
	struct net_device *slave = ipvl_l3s_slave(skb, dev);

	if (!slave)
		return skb;
	if (proto == AF_INET) {
		const struct iphdr *iph = ip_hdr(skb);

		ip_route_input_noref(skb, iph->daddr, iph->saddr, iph->tos, slave);
	} else if (IS_ENABLED(CONFIG_IPV6) && proto == AF_INET6) {
		const struct ipv6hdr *ip6h = ipv6_hdr(skb);
		struct flowi6 fl6 = {
			.flowi6_iif = slave->ifindex,
			.daddr = ip6h->daddr,
			.saddr = ip6h->saddr,
			.flowlabel = ip6_flowinfo(ip6h),
			.flowi6_mark = skb->mark,
			.flowi6_proto = ip6h->nexthdr,
		};

		skb_dst_drop(skb);
		skb_dst_set(skb, ip6_route_input_lookup(dev_net(slave), slave, &fl6,
							skb, RT6_LOOKUP_F_HAS_SADDR));
	}
	return skb;
}

static const struct l3mdev_ops ipvl_l3mdev_ops = {
	.l3mdev_l3_rcv = ipvl_l3_rcv,
};

void kc_l3mdev_rx(struct net_device *master, int on)
{
	ASSERT_RTNL();
	if (on) {
		master->l3mdev_ops = &ipvl_l3mdev_ops;
		master->priv_flags |= IFF_L3MDEV_RX_HANDLER;
	} else {
		/* The ops stay: a reader may have seen the flag already
		 * (CVE-2025-22103). ipvl_l3mdev_forget drops them later. */
		master->priv_flags &= ~IFF_L3MDEV_RX_HANDLER;
	}
}

/* Called after the port's rx_handler is unregistered, which waited for a
 * grace period after the flag was cleared: no reader can reach the ops, and
 * the master must not point into this module once it is unloaded. */
void ipvl_l3mdev_forget(struct net_device *master)
{
	if (master->l3mdev_ops == &ipvl_l3mdev_ops &&
	    !(master->priv_flags & IFF_L3MDEV_RX_HANDLER))
		master->l3mdev_ops = NULL;
}

/* --------------------------------------------------------- netfilter */

static unsigned int ipvl_nf_input(void *priv, struct sk_buff *skb,
				  const struct nf_hook_state *state)
{
	struct net_device *slave = ipvl_l3s_slave(skb, skb->dev);

	if (!slave)
		return NF_ACCEPT;
	skb->dev = slave;
	skb->skb_iif = slave->ifindex;
	if (IS_ENABLED(CONFIG_IPV6) && state->pf == NFPROTO_IPV6)
		IP6CB(skb)->iif = slave->ifindex;
	ipvl_count_rx(slave, skb->len + ETH_HLEN, true, false);
	return NF_ACCEPT;
}

static const struct nf_hook_ops ipvl_nf_ops[] = {
	{
		.hook = ipvl_nf_input,
		.pf = NFPROTO_IPV4,
		.hooknum = NF_INET_LOCAL_IN,
		.priority = INT_MAX,
	},
#if IS_ENABLED(CONFIG_IPV6)
	{
		.hook = ipvl_nf_input,
		.pf = NFPROTO_IPV6,
		.hooknum = NF_INET_LOCAL_IN,
		.priority = INT_MAX,
	},
#endif
};

static unsigned int ipvl_net_id __read_mostly;

/* Per netns: how many L3S ports hold the hooks there (RTNL). */
struct ipvl_net {
	unsigned int hook_users;
};

int kc_l3s_hooks_get(struct net *net)
{
	struct ipvl_net *in = net_generic(net, ipvl_net_id);
	int err;

	ASSERT_RTNL();
	if (in->hook_users == 0) {
		err = nf_register_net_hooks(net, ipvl_nf_ops, ARRAY_SIZE(ipvl_nf_ops));
		if (err)
			return err;
	}
	in->hook_users++;
	return 0;
}

void kc_l3s_hooks_put(struct net *net)
{
	struct ipvl_net *in = net_generic(net, ipvl_net_id);

	ASSERT_RTNL();
	if (WARN_ON_ONCE(in->hook_users == 0))
		return;
	if (--in->hook_users == 0)
		nf_unregister_net_hooks(net, ipvl_nf_ops, ARRAY_SIZE(ipvl_nf_ops));
}

/* Ports leave their netns (moved or deleted) before it goes away, so a user
 * left here is a bug in the accounting; clean up anyway. */
static void ipvl_net_exit(struct net *net)
{
	struct ipvl_net *in = net_generic(net, ipvl_net_id);

	if (WARN_ON_ONCE(in->hook_users)) {
		in->hook_users = 0;
		nf_unregister_net_hooks(net, ipvl_nf_ops, ARRAY_SIZE(ipvl_nf_ops));
	}
}

static struct pernet_operations ipvl_net_ops = {
	.id = &ipvl_net_id,
	.size = sizeof(struct ipvl_net),
	.exit = ipvl_net_exit,
};

int ipvl_l3s_init(void)
{
	return register_pernet_subsys(&ipvl_net_ops);
}

void ipvl_l3s_exit(void)
{
	unregister_pernet_subsys(&ipvl_net_ops);
}
