// SPDX-License-Identifier: GPL-2.0
/*
 * Deferred broadcast/multicast for L2 ports: frames are queued from the
 * data path and handed to the slaves from a work item, so that a broadcast
 * never costs the sender one clone per slave in its own context. Which
 * slaves get a copy is decided in C++ (ipvlan_drv_flood); an ARP request or
 * a neighbour solicitation goes to its target's owner only.
 */
#include <linux/etherdevice.h>
#include <linux/netdevice.h>
#include <linux/skbuff.h>
#include <linux/slab.h>
#include <linux/workqueue.h>

#include "priv.h"

struct kc_mcast_queue {
	struct sk_buff_head backlog;
	/* frames beyond this are dropped and counted on the device they came
	 * from, as the stock driver does (the limit is the driver's policy) */
	unsigned int limit;
	struct work_struct work;
	struct ipvlan_port *port;
	struct net_device *master;
};

/* Whether a queued frame came from a slave's transmit (else from the wire). */
struct ipvl_mcast_cb {
	bool from_tx;
};

static struct ipvl_mcast_cb *ipvl_mcast_cb(struct sk_buff *skb)
{
	BUILD_BUG_ON(sizeof(struct ipvl_mcast_cb) > sizeof(skb->cb));
	return (struct ipvl_mcast_cb *)skb->cb;
}

void ipvl_mcast_enqueue(struct kc_mcast_queue *q, struct sk_buff *skb,
			bool from_tx)
{
	ipvl_mcast_cb(skb)->from_tx = from_tx;

	spin_lock(&q->backlog.lock);
	if (skb_queue_len(&q->backlog) < q->limit) {
		dev_hold(skb->dev); /* dropped by the worker */
		__skb_queue_tail(&q->backlog, skb);
		spin_unlock(&q->backlog.lock);
		schedule_work(&q->work);
		return;
	}
	spin_unlock(&q->backlog.lock);
	dev_core_stats_rx_dropped_inc(skb->dev);
	kfree_skb(skb);
}

void kc_mcast_deliver(struct sk_buff *skb, struct net_device *to, int from_tx)
{
	unsigned int len = skb->len + ETH_HLEN;
	struct sk_buff *nskb = skb_clone(skb, GFP_ATOMIC);
	int ret = NET_RX_DROP;

	local_bh_disable();
	if (nskb) {
		nskb->dev = to;
		ret = from_tx ? dev_forward_skb(to, nskb) : netif_rx(nskb);
	}
	ipvl_count_rx(to, len, ret == NET_RX_SUCCESS, true);
	local_bh_enable();
}

/* C++ picks the slaves; it may first need more of the headers linear. A
 * shared skb (pktgen's) is never pulled: C++ then falls back to every slave. */
static void ipvl_mcast_flood(struct kc_mcast_queue *q, struct sk_buff *skb,
			     struct net_device *origin)
{
	struct kc_frame f;
	int pulls = 0;
	u32 need;

	rcu_read_lock();
	for (;;) {
		bool can_pull = pulls < IPVL_MAX_PULLS && !skb_shared(skb);

		ipvl_frame(skb, skb_mac_header(skb), &f);
		need = ipvlan_drv_flood(q->port, skb, &f, origin, can_pull);
		if (!need)
			break;
		pulls++;
		if (!pskb_network_may_pull(skb, need))
			pulls = IPVL_MAX_PULLS; /* too short: choose without */
	}
	rcu_read_unlock();
}

static void ipvl_mcast_process(struct kc_mcast_queue *q, struct sk_buff *skb)
{
	struct net_device *dev = skb->dev;
	bool from_tx = ipvl_mcast_cb(skb)->from_tx;

	/* Clones inherit it. */
	skb->pkt_type = ether_addr_equal(eth_hdr(skb)->h_dest, q->master->broadcast) ?
			PACKET_BROADCAST : PACKET_MULTICAST;
	ipvl_mcast_flood(q, skb, from_tx ? dev : NULL);

	if (from_tx) {
		skb->dev = q->master;
		dev_queue_xmit(skb);
	} else {
		consume_skb(skb);
	}
	dev_put(dev);
}

static void ipvl_mcast_work(struct work_struct *work)
{
	struct kc_mcast_queue *q = container_of(work, struct kc_mcast_queue, work);
	struct sk_buff_head list;
	struct sk_buff *skb;

	__skb_queue_head_init(&list);
	spin_lock_bh(&q->backlog.lock);
	skb_queue_splice_tail_init(&q->backlog, &list);
	spin_unlock_bh(&q->backlog.lock);

	while ((skb = __skb_dequeue(&list)) != NULL) {
		ipvl_mcast_process(q, skb);
		cond_resched();
	}
}

struct kc_mcast_queue *kc_mcast_queue_new(struct ipvlan_port *port,
					  struct net_device *master,
					  kc_u32 limit)
{
	struct kc_mcast_queue *q = kzalloc(sizeof(*q), GFP_KERNEL);

	if (!q)
		return NULL;
	skb_queue_head_init(&q->backlog);
	INIT_WORK(&q->work, ipvl_mcast_work);
	q->port = port;
	q->master = master;
	q->limit = limit;
	return q;
}

void kc_mcast_queue_free(struct kc_mcast_queue *q)
{
	struct sk_buff *skb;

	cancel_work_sync(&q->work);
	while ((skb = __skb_dequeue(&q->backlog)) != NULL) {
		dev_put(skb->dev);
		kfree_skb(skb);
	}
	kfree(q);
}
