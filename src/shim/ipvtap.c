// SPDX-License-Identifier: GPL-2.0
/*
 * ipvtap.ko: the rtnl link kind "ipvtap", an ipvlan slave whose frames go to
 * a tap queue (/dev/tap<ifindex>) instead of the network stack, so that a
 * QEMU/KVM guest can sit directly on an ipvlan port.
 *
 * Everything here is glue between two libraries: the kernel's tap.ko (the
 * character device and its queues) and ipvlan.ko's kind API (ipvtap_api.h),
 * which brings the whole ipvlan behaviour, decided in C++, to these devices.
 * There is no policy of its own to move into C++, so this module is shim only.
 *
 * netdev_priv() of an ipvtap device: the ipvlan slave's area, then the
 * struct tap_dev at ipvtap_tap_offset.
 */
#include <linux/cdev.h>
#include <linux/device.h>
#include <linux/etherdevice.h>
#include <linux/if_tap.h>
#include <linux/if_tun.h>
#include <linux/module.h>
#include <linux/netdevice.h>
#include <net/net_namespace.h>
#include <net/rtnetlink.h>

#include "ipvtap_api.h"

/* Offloads a tap queue may ask for; the guest narrows them with
 * TUNSETOFFLOAD. The same set as macvtap and the stock ipvtap. */
#define IPVTAP_OFFLOADS \
	(NETIF_F_HW_CSUM | NETIF_F_TSO_ECN | NETIF_F_TSO | NETIF_F_TSO6)

static size_t ipvtap_tap_offset;
static dev_t ipvtap_major;
static struct cdev ipvtap_cdev;

static struct tap_dev *ipvtap_tap(const struct net_device *dev)
{
	return (struct tap_dev *)((char *)netdev_priv(dev) + ipvtap_tap_offset);
}

/* The char devices appear in the netns of their net_device. (The argument
 * became const in 6.2.) */
static const void *ipvtap_class_ns(struct device *d)
{
	return dev_net(to_net_dev(d->parent));
}

static struct class ipvtap_class = {
	.name = "ipvtap",
	.owner = THIS_MODULE,
	.ns_type = &net_ns_type_operations,
	.namespace = ipvtap_class_ns,
};

static void ipvtap_count_tx_dropped(struct tap_dev *tap)
{
	ipvlan_kind_count_tx_dropped(tap->dev);
}

static void ipvtap_count_rx_dropped(struct tap_dev *tap)
{
	ipvlan_kind_count_rx_dropped(tap->dev);
}

static void ipvtap_update_features(struct tap_dev *tap,
				   netdev_features_t features)
{
	ipvlan_kind_set_features(tap->dev, features);
}

static int ipvtap_newlink(struct net *src_net, struct net_device *dev,
			  struct nlattr *tb[], struct nlattr *data[],
			  struct netlink_ext_ack *extack)
{
	struct tap_dev *tap = ipvtap_tap(dev);
	int err;

	INIT_LIST_HEAD(&tap->queue_list);
	tap->dev = dev;
	tap->tap_features = IPVTAP_OFFLOADS;
	tap->count_tx_dropped = ipvtap_count_tx_dropped;
	tap->count_rx_dropped = ipvtap_count_rx_dropped;
	tap->update_features = ipvtap_update_features;

	/* The slave's own rx_handler: what ipvlan delivers to this device
	 * goes to the tap queues. Registered first, because the ipvlan
	 * newlink cannot be undone once it succeeded. */
	err = netdev_rx_handler_register(dev, tap_handle_frame, tap);
	if (err)
		return err;
	err = ipvlan_kind_newlink(src_net, dev, tb, data, extack);
	if (err)
		netdev_rx_handler_unregister(dev);
	return err;
}

static void ipvtap_dellink(struct net_device *dev, struct list_head *head)
{
	netdev_rx_handler_unregister(dev);
	tap_del_queues(ipvtap_tap(dev));
	ipvlan_kind_dellink(dev, head);
}

static void ipvtap_setup(struct net_device *dev)
{
	ipvlan_kind_setup(dev);
	/* A tap queue is a real queue: give it a qdisc and its length. */
	dev->tx_queue_len = TUN_READQ_SIZE;
	dev->priv_flags &= ~IFF_NO_QUEUE;
}

static struct rtnl_link_ops ipvtap_link_ops = {
	.kind = "ipvtap",
	.setup = ipvtap_setup,
	.newlink = ipvtap_newlink,
	.dellink = ipvtap_dellink,
};

/* /dev/tap<ifindex> and the sysfs link to it live as long as the device is
 * registered. NETDEV_REGISTER comes before register_netdevice returns, so a
 * failure here fails the newlink. */
static int ipvtap_add_cdev(struct net_device *dev, const char *name)
{
	struct tap_dev *tap = ipvtap_tap(dev);
	struct device *classdev;
	int err;

	err = tap_get_minor(ipvtap_major, tap);
	if (err)
		return err;
	classdev = device_create(&ipvtap_class, &dev->dev,
				 MKDEV(MAJOR(ipvtap_major), tap->minor), dev,
				 "%s", name);
	if (IS_ERR(classdev)) {
		tap_free_minor(ipvtap_major, tap);
		return PTR_ERR(classdev);
	}
	return sysfs_create_link(&dev->dev.kobj, &classdev->kobj, name);
}

static void ipvtap_del_cdev(struct net_device *dev, const char *name)
{
	struct tap_dev *tap = ipvtap_tap(dev);

	if (!tap->minor) /* NETDEV_REGISTER failed before a minor was taken */
		return;
	sysfs_remove_link(&dev->dev.kobj, name);
	device_destroy(&ipvtap_class, MKDEV(MAJOR(ipvtap_major), tap->minor));
	tap_free_minor(ipvtap_major, tap);
}

static int ipvtap_device_event(struct notifier_block *nb, unsigned long event,
			       void *ptr)
{
	struct net_device *dev = netdev_notifier_info_to_dev(ptr);
	char name[IFNAMSIZ];

	if (dev->rtnl_link_ops != &ipvtap_link_ops)
		return NOTIFY_DONE;
	snprintf(name, sizeof(name), "tap%d", dev->ifindex);

	switch (event) {
	case NETDEV_REGISTER:
		return notifier_from_errno(ipvtap_add_cdev(dev, name));
	case NETDEV_UNREGISTER:
		ipvtap_del_cdev(dev, name);
		break;
	case NETDEV_CHANGE_TX_QUEUE_LEN:
		if (tap_queue_resize(ipvtap_tap(dev)))
			return NOTIFY_BAD;
		break;
	}
	return NOTIFY_DONE;
}

static struct notifier_block ipvtap_nb = {
	.notifier_call = ipvtap_device_event,
};

static int __init ipvtap_init(void)
{
	int err;

	ipvtap_tap_offset = ALIGN(ipvlan_kind_priv_size(),
				  __alignof__(struct tap_dev));
	ipvtap_link_ops.priv_size = ipvtap_tap_offset + sizeof(struct tap_dev);

	err = tap_create_cdev(&ipvtap_cdev, &ipvtap_major, "ipvtap",
			      THIS_MODULE);
	if (err)
		return err;
	err = class_register(&ipvtap_class);
	if (err)
		goto fail_cdev;
	err = register_netdevice_notifier(&ipvtap_nb);
	if (err)
		goto fail_class;
	err = ipvlan_kind_register(&ipvtap_link_ops);
	if (err)
		goto fail_notifier;
	return 0;

fail_notifier:
	unregister_netdevice_notifier(&ipvtap_nb);
fail_class:
	class_unregister(&ipvtap_class);
fail_cdev:
	tap_destroy_cdev(ipvtap_major, &ipvtap_cdev);
	return err;
}

static void __exit ipvtap_exit(void)
{
	/* Deletes every ipvtap link first, so no device outlives the class. */
	rtnl_link_unregister(&ipvtap_link_ops);
	unregister_netdevice_notifier(&ipvtap_nb);
	class_unregister(&ipvtap_class);
	tap_destroy_cdev(ipvtap_major, &ipvtap_cdev);
}

module_init(ipvtap_init);
module_exit(ipvtap_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("ipvlan slaves with a tap character device (C++ ipvlan)");
MODULE_VERSION("0.1-cpp");
MODULE_ALIAS_RTNL_LINK("ipvtap");
