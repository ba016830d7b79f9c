/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What ipvlan.ko exports for ipvtap.ko: enough to build another rtnl link
 * kind whose devices are ipvlan slaves with extra private data behind them.
 * C only, between the two modules' shims; C++ never sees it.
 *
 * The names differ from the stock driver's exports on purpose: the stock
 * ipvtap.ko must fail to load against our ipvlan.ko (unknown symbols), never
 * bind to functions with another layout behind them.
 */
#ifndef IPVLAN_SHIM_IPVTAP_API_H
#define IPVLAN_SHIM_IPVTAP_API_H

#include <linux/netdevice.h>
#include <net/rtnetlink.h>

/* Bytes of netdev_priv() an ipvlan slave uses; a derived kind puts its own
 * data after them (suitably aligned) and sets ops->priv_size to cover both. */
size_t ipvlan_kind_priv_size(void);

/* Fills ops with the ipvlan attribute handling (policy, validate, changelink,
 * fill_info, get_size) and registers it. The caller sets kind, setup,
 * newlink, dellink and priv_size first. */
int ipvlan_kind_register(struct rtnl_link_ops *ops);

/* The ipvlan halves of setup, newlink and dellink. */
void ipvlan_kind_setup(struct net_device *dev);
int ipvlan_kind_newlink(struct net *src_net, struct net_device *dev,
			struct nlattr *tb[], struct nlattr *data[],
			struct netlink_ext_ack *extack);
void ipvlan_kind_dellink(struct net_device *dev, struct list_head *head);

/* Counters and the feature mask of a slave, for the tap queue's callbacks. */
void ipvlan_kind_count_rx_dropped(struct net_device *dev);
void ipvlan_kind_count_tx_dropped(struct net_device *dev);
void ipvlan_kind_set_features(struct net_device *dev, netdev_features_t features);

#endif /* IPVLAN_SHIM_IPVTAP_API_H */
