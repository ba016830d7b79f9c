// SPDX-License-Identifier: GPL-2.0
// Address notifiers (what each slave owns) and master device events.
#include "driver/handles.hpp"
#include "driver/l3s.hpp"
#include "kcpp/errno.hpp"
#include "kcpp/lock.hpp"

using namespace ipvlan::driver;
using ipvlan::core::IpAddr;
using ipvlan::core::Port;
using ipvlan::core::Slave;

extern "C" {

int ipvlan_drv_addr_event(ipvlan_slave *s, kc_addr_event ev, int family,
			  const kc_u8 *bytes, netlink_ext_ack *extack)
{
	Slave &slave = slave_of(s);
	Port *port = slave.port;
	if (!port)
		return 0; // not (or no longer) part of a port
	IpAddr addr = family == 4 ? IpAddr::v4(bytes) : IpAddr::v6(bytes);

	// The lock, not RTNL: IPv6 autoconfiguration adds addresses from
	// softirq context.
	kcpp::LockGuard guard(port->addrs_lock);
	switch (ev) {
	case KC_ADDR_VALIDATE:
		if (!port->addr_busy(addr))
			return 0;
		kc_extack_msg(extack, "Address already assigned to an ipvlan device");
		return -kcpp::err::addrinuse;
	case KC_ADDR_UP: {
		// Validated already, except the local address of a peer
		// address: the IPv4 validator is only told the peer.
		int e = port->add_addr(slave, addr);
		if (e == -kcpp::err::addrinuse)
			kc_dev_warn_ratelimited(slave.dev, "address already assigned to another ipvlan slave of this master; it is not served here");
		return e;
	}
	case KC_ADDR_DOWN:
		port->del_addr(slave, addr);
		return 0;
	}
	return 0;
}

// What a change of the master means for its slaves. They share its MAC and
// its link, so they follow its address, MTU, offload limits and link state;
// a change of its type would leave them on a device they cannot use.
int ipvlan_drv_master_event(ipvlan_port *p, kc_master_event ev)
{
	Port *port = port_of(p);
	if (ev == KC_MASTER_TYPE)
		return -kcpp::err::perm; // == NOTIFY_BAD, as the stock driver answers
	if (ev == KC_MASTER_NETNS) {
		l3s_follow_master_netns(*port);
		return 0;
	}

	for (Slave *s = port->first_slave(); s; s = s->sibling) {
		switch (ev) {
		case KC_MASTER_OPERSTATE:
			kc_transfer_operstate(port->master, s->dev);
			break;
		case KC_MASTER_MTU:
			kc_follow_master_mtu(s->dev, port->master);
			break;
		case KC_MASTER_ADDR:
			kc_follow_master_addr(s->dev, port->master);
			break;
		case KC_MASTER_FEATURES:
			kc_follow_master_features(s->dev, port->master);
			break;
		case KC_MASTER_TYPE:
		case KC_MASTER_NETNS:
			break;
		}
	}
	return 0;
}

int ipvlan_drv_master_pre_addr(ipvlan_port *p, const kc_u8 *addr, netlink_ext_ack *extack)
{
	Port *port = port_of(p);
	for (Slave *s = port->first_slave(); s; s = s->sibling) {
		if (int e = kc_pre_changeaddr(s->dev, addr, extack))
			return e;
	}
	return 0;
}

void ipvlan_drv_master_gone(ipvlan_port *p, list_head *head)
{
	Port *port = port_of(p);
	// Deleting a slave detaches it, so step before deleting.
	Slave *next;
	for (Slave *s = port->first_slave(); s; s = next) {
		next = s->sibling;
		ipvlan_drv_dellink(reinterpret_cast<ipvlan_slave *>(s), head);
	}
}

} // extern "C"
