// SPDX-License-Identifier: GPL-2.0
/*
 * The slave net_device: setup, net_device_ops, header_ops and ethtool_ops.
 * Each op is a trampoline into C++ or a plain mechanism (features, counters,
 * header construction) that needs no decision.
 */
#include <linux/etherdevice.h>
#include <linux/ethtool.h>
#include <linux/if_vlan.h>
#include <linux/netdevice.h>

#include "ipvtap_api.h"
#include "priv.h"

/* Offloads a slave always offers: the master does software GSO/checksum for
 * whatever its hardware cannot. The same sets as the stock driver. */
#define IPVL_ALWAYS_ON_OFFLOADS \
	(NETIF_F_SG | NETIF_F_HW_CSUM | NETIF_F_GSO_ROBUST | \
	 NETIF_F_GSO_SOFTWARE | NETIF_F_GSO_ENCAP_ALL)
#define IPVL_ALWAYS_ON \
	(IPVL_ALWAYS_ON_OFFLOADS | NETIF_F_LLTX | NETIF_F_VLAN_CHALLENGED)
#define IPVL_FEATURES \
	(NETIF_F_SG | NETIF_F_HW_CSUM | NETIF_F_HIGHDMA | NETIF_F_FRAGLIST | \
	 NETIF_F_GSO | NETIF_F_ALL_TSO | NETIF_F_GSO_ROBUST | NETIF_F_GRO | \
	 NETIF_F_RXCSUM | NETIF_F_HW_VLAN_CTAG_FILTER | \
	 NETIF_F_HW_VLAN_STAG_FILTER)
#define IPVL_STATE_MASK \
	((1 << __LINK_STATE_NOCARRIER) | (1 << __LINK_STATE_DORMANT))

static void ipvl_inherit_from_master(struct net_device *dev,
				     const struct net_device *master)
{
	dev->state = (dev->state & ~IPVL_STATE_MASK) |
		     (master->state & IPVL_STATE_MASK);
	dev->features = (master->features & IPVL_FEATURES) | IPVL_ALWAYS_ON;
	dev->vlan_features = (master->vlan_features & IPVL_FEATURES) |
			     IPVL_ALWAYS_ON_OFFLOADS;
	dev->hw_enc_features |= dev->features;
	netif_inherit_tso_max(dev, master);
	dev->hard_header_len = master->hard_header_len;
	dev->needed_headroom = master->needed_headroom;
	dev->needed_tailroom = master->needed_tailroom;
}

static void ipvl_pcpu_free(struct ipvl_priv *priv)
{
	struct ipvl_pcpu __percpu *pcpu = priv->pcpu;

	priv->pcpu = NULL;
	free_percpu(pcpu);
}

static int ipvl_init(struct net_device *dev)
{
	struct ipvl_priv *priv = ipvl_priv(dev);
	struct ipvl_pcpu __percpu *pcpu;
	int err, cpu;

	ipvl_inherit_from_master(dev, priv->master);
	netdev_lockdep_set_classes(dev);

	/* One per-CPU area for the counters and the route cache: each
	 * per-CPU allocation searches the allocator's chunks, and a second
	 * one made creating a slave cost 1.5 % more than stock. */
	pcpu = alloc_percpu(struct ipvl_pcpu);
	if (!pcpu)
		return -ENOMEM;
	for_each_possible_cpu(cpu)
		u64_stats_init(&per_cpu_ptr(pcpu, cpu)->stats.syncp);
	priv->pcpu = pcpu;

	err = ipvlan_drv_slave_init(ipvl_slave(dev));
	if (!err)
		return 0;
	ipvl_pcpu_free(priv);
	return err;
}

static void ipvl_uninit(struct net_device *dev)
{
	struct ipvl_priv *priv = ipvl_priv(dev);

	/* No transmit is in flight any more (the device is unregistering). */
	ipvl_routes_release(priv->pcpu);
	ipvl_pcpu_free(priv);
	ipvlan_drv_slave_uninit(ipvl_slave(dev));
}

static int ipvl_open(struct net_device *dev)
{
	ipvlan_drv_open(ipvl_slave(dev), !!(dev->flags & IFF_ALLMULTI));
	return 0;
}

/* Called whether the slave is up or not. */
static void ipvl_change_rx_flags(struct net_device *dev, int change)
{
	if (change & IFF_ALLMULTI)
		ipvlan_drv_allmulti_changed(ipvl_slave(dev),
					    !!(dev->flags & IFF_ALLMULTI));
}

static int ipvl_stop(struct net_device *dev)
{
	struct net_device *master = ipvl_priv(dev)->master;

	dev_uc_unsync(master, dev);
	dev_mc_unsync(master, dev);
	ipvlan_drv_stop(ipvl_slave(dev));
	return 0;
}

static netdev_features_t ipvl_fix_features(struct net_device *dev,
					   netdev_features_t features)
{
	features |= NETIF_F_ALL_FOR_ALL;
	features &= ipvl_priv(dev)->want_features | ~IPVL_FEATURES;
	features = netdev_increment_features(ipvl_priv(dev)->master->features,
					     features, features);
	features |= IPVL_ALWAYS_ON;
	return features & (IPVL_FEATURES | IPVL_ALWAYS_ON);
}

static void ipvl_set_rx_mode(struct net_device *dev)
{
	struct ipvlan_slave *slave = ipvl_slave(dev);
	struct net_device *master = ipvl_priv(dev)->master;
	struct netdev_hw_addr *ha;

	ipvlan_drv_filter_begin(slave, !!(dev->flags & (IFF_PROMISC | IFF_ALLMULTI)),
				dev->broadcast);
	netdev_for_each_mc_addr(ha, dev)
		ipvlan_drv_filter_add(slave, ha->addr);
	ipvlan_drv_filter_commit(slave);

	dev_uc_sync(master, dev);
	dev_mc_sync(master, dev);
}

static void ipvl_get_stats64(struct net_device *dev,
			     struct rtnl_link_stats64 *out)
{
	const struct ipvl_priv *priv = ipvl_priv(dev);
	u32 rx_errs = 0, tx_drps = 0;
	int cpu;

	if (!priv->pcpu)
		return;
	for_each_possible_cpu(cpu) {
		const struct ipvl_pcpu_stats *s = &per_cpu_ptr(priv->pcpu, cpu)->stats;
		u64 rx_pkts, rx_bytes, rx_mcast, tx_pkts, tx_bytes;
		unsigned int start;

		do {
			start = u64_stats_fetch_begin_irq(&s->syncp);
			rx_pkts = u64_stats_read(&s->rx_pkts);
			rx_bytes = u64_stats_read(&s->rx_bytes);
			rx_mcast = u64_stats_read(&s->rx_mcast);
			tx_pkts = u64_stats_read(&s->tx_pkts);
			tx_bytes = u64_stats_read(&s->tx_bytes);
		} while (u64_stats_fetch_retry_irq(&s->syncp, start));

		out->rx_packets += rx_pkts;
		out->rx_bytes += rx_bytes;
		out->multicast += rx_mcast;
		out->tx_packets += tx_pkts;
		out->tx_bytes += tx_bytes;
		/* 32-bit counters, read without the seqcount like the stock driver */
		rx_errs += READ_ONCE(s->rx_errs);
		tx_drps += READ_ONCE(s->tx_drps);
	}
	out->rx_errors = rx_errs;
	out->rx_dropped = rx_errs;
	out->tx_dropped = tx_drps;
	out->tx_errors = DEV_STATS_READ(dev, tx_errors);
}

static int ipvl_get_iflink(const struct net_device *dev)
{
	return ipvl_priv(dev)->master->ifindex;
}

static int ipvl_vlan_rx_add_vid(struct net_device *dev, __be16 proto, u16 vid)
{
	return vlan_vid_add(ipvl_priv(dev)->master, proto, vid);
}

static int ipvl_vlan_rx_kill_vid(struct net_device *dev, __be16 proto, u16 vid)
{
	vlan_vid_del(ipvl_priv(dev)->master, proto, vid);
	return 0;
}

const struct net_device_ops ipvl_netdev_ops = {
	.ndo_init = ipvl_init,
	.ndo_uninit = ipvl_uninit,
	.ndo_open = ipvl_open,
	.ndo_stop = ipvl_stop,
	.ndo_start_xmit = ipvl_start_xmit,
	.ndo_fix_features = ipvl_fix_features,
	.ndo_change_rx_flags = ipvl_change_rx_flags,
	.ndo_set_rx_mode = ipvl_set_rx_mode,
	.ndo_get_stats64 = ipvl_get_stats64,
	.ndo_vlan_rx_add_vid = ipvl_vlan_rx_add_vid,
	.ndo_vlan_rx_kill_vid = ipvl_vlan_rx_kill_vid,
	.ndo_get_iflink = ipvl_get_iflink,
};

/* Frames carry the master's MAC: the header is built by the master. */
static int ipvl_hard_header(struct sk_buff *skb, struct net_device *dev,
			    unsigned short type, const void *daddr,
			    const void *saddr, unsigned int len)
{
	struct net_device *master = ipvl_priv(dev)->master;

	return dev_hard_header(skb, master, type, daddr,
			       saddr ? : master->dev_addr, len);
}

static const struct header_ops ipvl_header_ops = {
	.create = ipvl_hard_header,
	.parse = eth_header_parse,
	/* Upstream proposal, not in 6.1: AF_PACKET frames sent with protocol 0
	 * get their protocol from the Ethernet header, as on the master. */
	.parse_protocol = eth_header_parse_protocol,
	.cache = eth_header_cache,
	.cache_update = eth_header_cache_update,
};

static int ipvl_get_link_ksettings(struct net_device *dev,
				   struct ethtool_link_ksettings *cmd)
{
	return __ethtool_get_link_ksettings(ipvl_priv(dev)->master, cmd);
}

static void ipvl_get_drvinfo(struct net_device *dev,
			     struct ethtool_drvinfo *info)
{
	strscpy(info->driver, IPVL_DRV_NAME, sizeof(info->driver));
	strscpy(info->version, IPVL_DRV_VERSION, sizeof(info->version));
}

static u32 ipvl_get_msglevel(struct net_device *dev)
{
	return ipvl_priv(dev)->msg_enable;
}

static void ipvl_set_msglevel(struct net_device *dev, u32 value)
{
	ipvl_priv(dev)->msg_enable = value;
}

static const struct ethtool_ops ipvl_ethtool_ops = {
	.get_link = ethtool_op_get_link,
	.get_link_ksettings = ipvl_get_link_ksettings,
	.get_drvinfo = ipvl_get_drvinfo,
	.get_msglevel = ipvl_get_msglevel,
	.set_msglevel = ipvl_set_msglevel,
};

void ipvl_setup(struct net_device *dev)
{
	ether_setup(dev);
	dev->max_mtu = ETH_MAX_MTU;
	dev->priv_flags &= ~(IFF_XMIT_DST_RELEASE | IFF_TX_SKB_SHARING);
	dev->priv_flags |= IFF_UNICAST_FLT | IFF_NO_QUEUE;
	dev->netdev_ops = &ipvl_netdev_ops;
	dev->needs_free_netdev = true;
	dev->header_ops = &ipvl_header_ops;
	dev->ethtool_ops = &ipvl_ethtool_ops;
	ipvl_priv(dev)->want_features = IPVL_FEATURES;
	ipvlan_drv_slave_setup(ipvl_slave(dev), dev);
}

/* ------------------------------------------- for ipvtap.ko (ipvtap_api.h) */

void ipvlan_kind_count_rx_dropped(struct net_device *dev)
{
	ipvl_count_rx(dev, 0, false, false);
}
EXPORT_SYMBOL_GPL(ipvlan_kind_count_rx_dropped);

void ipvlan_kind_count_tx_dropped(struct net_device *dev)
{
	this_cpu_inc(ipvl_priv(dev)->pcpu->stats.tx_drps);
}
EXPORT_SYMBOL_GPL(ipvlan_kind_count_tx_dropped);

void ipvlan_kind_set_features(struct net_device *dev, netdev_features_t features)
{
	ipvl_priv(dev)->want_features = features;
	netdev_update_features(dev);
}
EXPORT_SYMBOL_GPL(ipvlan_kind_set_features);
