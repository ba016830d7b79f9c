// SPDX-License-Identifier: GPL-2.0
// Address notifiers (what each slave owns) and master device events.
#include "driver/handles.hpp"
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
	case KC_ADDR_UP:
		return port->add_addr(slave, addr);
	case KC_ADDR_DOWN:
		port->del_addr(slave, addr);
		return 0;
	}
	return 0;
}

void ipvlan_drv_master_operstate(ipvlan_port *p)
{
	Port *port = port_of(p);
	for (Slave *s = port->first_slave(); s; s = s->sibling)
		kc_transfer_operstate(port->master, s->dev);
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
