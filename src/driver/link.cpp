// SPDX-License-Identifier: GPL-2.0
// The rtnl link kind: creating, changing and deleting slaves, and the life of
// the port that the first slave of a master creates and the last one ends.
#include "driver/handles.hpp"
#include "driver/l3s.hpp"
#include "kcpp/errno.hpp"
#include "kcpp/lock.hpp"
#include "kcpp/rcu.hpp"
#include "kcpp/utility.hpp"

namespace ipvlan::driver {

using core::Mode;
using kcpp::u16;
using core::Port;
using core::Slave;
namespace err = kcpp::err;

namespace {

core::LinkAttrs attrs_of(const kc_link_attrs &a)
{
	core::LinkAttrs out;
	out.has_mode = a.has_mode;
	out.mode = a.mode;
	out.has_flags = a.has_flags;
	out.flags = a.flags;
	return out;
}

// Undo the NOARP flips of the slaves before `end`.
void restore_noarp(Port &port, Slave *end, bool noarp)
{
	for (Slave *s = port.first_slave(); s != end; s = s->sibling)
		kc_dev_change_noarp(s->dev, noarp, nullptr);
}

// Mode and flags belong to the port: changing them through any slave changes
// them for all. Slaves of an L3 port are NOARP; flip that on each slave
// through dev_change_flags so userspace hears about it, undoing on failure.
int set_port_mode(Port &port, Mode mode, netlink_ext_ack *extack)
{
	if (port.mode == mode)
		return 0;
	bool noarp = core::mode_is_noarp(mode);
	bool was_noarp = core::mode_is_noarp(port.mode);
	for (Slave *s = port.first_slave(); s; s = s->sibling) {
		if (int e = kc_dev_change_noarp(s->dev, noarp, extack)) {
			restore_noarp(port, s, was_noarp);
			return e;
		}
	}
	if (mode == Mode::l3s) {
		if (int e = l3s_enter(port)) {
			restore_noarp(port, nullptr, was_noarp);
			return e;
		}
	} else if (port.mode == Mode::l3s) {
		l3s_leave(port);
	}
	kcpp::rcu_store_value(port.mode, mode);
	return 0;
}

void set_port_flags(Port &port, u16 flags) { kcpp::rcu_store_value(port.flags, flags); }

// The device a new slave will sit on, or the reason there is none.
int find_master(net *src_net, int has_link, int ifindex, net_device **out,
		netlink_ext_ack *extack)
{
	if (!has_link)
		return -err::inval;
	net_device *master = kc_dev_get_by_index(src_net, ifindex);
	if (!master)
		return -err::nodev;

	// A slave of a slave is a sibling: ipvlan ports do not nest.
	if (ipvlan_slave *lower = kc_dev_as_slave(master)) {
		master = slave_of(lower).master;
		if (!kc_net_admin_capable(master))
			return -err::perm;
	} else if (!kc_dev_port(master)) {
		if (!kc_dev_is_ether(master)) {
			kc_dev_err(master, "Master is either lo or non-ether device");
			kc_extack_msg(extack, "ipvlan: master must be an Ethernet device other than lo");
			return -err::inval;
		}
		if (kc_dev_rx_handler_busy(master)) {
			kc_dev_err(master, "Device is already in use.");
			kc_extack_msg(extack, "ipvlan: master is in use by another rx handler (bridge, bond, macvlan...)");
			return -err::busy;
		}
	}
	*out = master;
	return 0;
}

Port *create_port(net_device *master)
{
	kc_lock *lock = kc_lock_new();
	if (!lock)
		return nullptr;
	Port *port = new Port(master, kc_random_u32(), lock);
	if (!port)
		goto free_lock;
	port->mcast_queue = kc_mcast_queue_new(handle_of(port), master, core::mcast_backlog_limit);
	if (!port->mcast_queue)
		goto free_port;
	port->resize_work = kc_work_new([](void *p) { static_cast<Port *>(p)->resize_table(); }, port);
	if (!port->resize_work)
		goto free_queue;
	if (kc_port_attach(master, handle_of(port)))
		goto free_work;
	return port;

free_work:
	kc_work_free(port->resize_work);
free_queue:
	kc_mcast_queue_free(port->mcast_queue);
free_port:
	delete port;
free_lock:
	kc_lock_free(lock);
	return nullptr;
}

void destroy_port(Port *port)
{
	if (port->mode == Mode::l3s)
		l3s_leave(*port);
	kc_port_detach(port->master); // no rx reader can see the port after this
	kc_mcast_queue_free(port->mcast_queue); // waits for the worker
	kc_work_free(port->resize_work);         // waits for a resize
	kc_lock_free(port->addrs_lock);
	delete port;
}

// A slave that is up and allmulti counts once in its master's allmulti, as
// macvlan does. (The stock driver counts on every toggle, up or down, and
// never uncounts on delete: the master stays allmulti for good.)
void hold_master_allmulti(Slave &slave, bool want)
{
	if (want == slave.holds_master_allmulti)
		return;
	if (kc_dev_set_allmulti(slave.master, want ? 1 : -1) == 0)
		slave.holds_master_allmulti = want;
}

} // namespace

} // namespace ipvlan::driver

using namespace ipvlan::driver;

extern "C" {

void ipvlan_drv_slave_setup(ipvlan_slave *s, net_device *dev)
{
	Slave *slave = new (s) Slave();
	slave->dev = dev;
}

int ipvlan_drv_validate(const kc_link_attrs *attrs, netlink_ext_ack *extack)
{
	if (auto refusal = ipvlan::core::validate_link_attrs(attrs_of(*attrs)))
		return refuse(refusal, extack);
	return 0;
}

int ipvlan_drv_newlink(net *src_net, ipvlan_slave *s, int has_link, int link_ifindex,
		       int has_mtu, const kc_link_attrs *attrs, netlink_ext_ack *extack)
{
	Slave &slave = slave_of(s);
	net_device *master = nullptr;
	int e = find_master(src_net, has_link, link_ifindex, &master, extack);
	if (e)
		return e;

	slave.master = master;
	kc_slave_prepare(slave.dev, master, has_mtu);
	e = kc_register_netdevice(slave.dev); // ndo_init joins or creates the port
	if (e < 0)
		return e;

	Port &port = *slave.port;
	slave.dev_id = port.dev_ids.alloc();
	if (!slave.dev_id) {
		e = -err::nospc;
		goto unregister;
	}
	kc_dev_set_dev_id(slave.dev, slave.dev_id);

	e = kc_upper_link(master, slave.dev, extack);
	if (e)
		goto release_id;

	// Mode and flags are replaced only when given. (The stock driver
	// resets an existing port to L3 when the mode is missing, changing the
	// siblings under their users' feet; a new port starts in L3 either way.)
	// The mode can fail, so it goes first: a failed newlink changes nothing.
	if (attrs->has_mode) {
		e = set_port_mode(port, Mode(attrs->mode), extack);
		if (e)
			goto unlink;
	}
	if (attrs->has_flags)
		set_port_flags(port, attrs->flags);

	port.attach(slave);
	kc_transfer_operstate(master, slave.dev);
	return 0;

unlink:
	kc_upper_unlink(master, slave.dev);
release_id:
	port.dev_ids.release(slave.dev_id);
unregister:
	kc_unregister_netdevice(slave.dev);
	return e;
}

int ipvlan_drv_changelink(ipvlan_slave *s, int has_data, const kc_link_attrs *attrs,
			  netlink_ext_ack *extack)
{
	Slave &slave = slave_of(s);
	if (!has_data)
		return 0;
	if (!kc_net_admin_capable(slave.master))
		return -err::perm;
	if (attrs->has_mode) {
		int e = set_port_mode(*slave.port, Mode(attrs->mode), extack);
		if (e)
			return e;
	}
	if (attrs->has_flags)
		set_port_flags(*slave.port, attrs->flags);
	return 0;
}

void ipvlan_drv_dellink(ipvlan_slave *s, list_head *head)
{
	Slave &slave = slave_of(s);
	Port &port = *slave.port;
	{
		kcpp::LockGuard guard(port.addrs_lock);
		port.del_all_addrs(slave);
	}
	port.dev_ids.release(slave.dev_id);
	port.detach(slave);
	kc_unregister_netdevice_queue(slave.dev, head);
	kc_upper_unlink(slave.master, slave.dev);
}

int ipvlan_drv_fill_info(const ipvlan_slave *s, kc_link_attrs *out)
{
	const Slave &slave = slave_of(s);
	if (!slave.port)
		return -err::inval;
	out->has_mode = out->has_flags = 1;
	out->mode = static_cast<kc_u16>(slave.port->mode);
	out->flags = slave.port->flags;
	return 0;
}

int ipvlan_drv_slave_init(ipvlan_slave *s)
{
	Slave &slave = slave_of(s);
	Port *port = port_of(kc_dev_port(slave.master));
	if (!port)
		port = create_port(slave.master);
	if (!port)
		return -err::nomem;
	port->join(slave);
	return 0;
}

void ipvlan_drv_slave_uninit(ipvlan_slave *s)
{
	Slave &slave = slave_of(s);
	Port *port = slave.port;
	if (!port)
		return;
	slave.port = nullptr;
	if (port->leave() == 0)
		destroy_port(port);
}

void ipvlan_drv_open(ipvlan_slave *s, int allmulti)
{
	Slave &slave = slave_of(s);
	kc_dev_set_noarp(slave.dev, ipvlan::core::mode_is_noarp(slave.port->mode));
	hold_master_allmulti(slave, allmulti);
	kcpp::rcu_store_value(slave.up, true);
}

void ipvlan_drv_allmulti_changed(ipvlan_slave *s, int allmulti)
{
	Slave &slave = slave_of(s);
	hold_master_allmulti(slave, allmulti && slave.up); // open/stop do the rest
}

void ipvlan_drv_stop(ipvlan_slave *s)
{
	Slave &slave = slave_of(s);
	hold_master_allmulti(slave, false);
	kcpp::rcu_store_value(slave.up, false);
}

void ipvlan_drv_filter_begin(ipvlan_slave *s, int accept_all, const kc_u8 *broadcast)
{
	Slave &slave = slave_of(s);
	slave.pending_filter = ipvlan::core::MacFilter();
	if (accept_all)
		slave.pending_filter.fill();
	// Broadcast always: ARP and DHCP need it, and it costs nothing on the
	// fast path since it is deferred anyway.
	ipvlan_drv_filter_add(s, broadcast);
}

void ipvlan_drv_filter_add(ipvlan_slave *s, const kc_u8 *mac)
{
	Slave &slave = slave_of(s);
	if (slave.port)
		slave.pending_filter.add(mac, slave.port->mac_key);
}

void ipvlan_drv_filter_commit(ipvlan_slave *s)
{
	Slave &slave = slave_of(s);
	slave.mcast_filter.publish(slave.pending_filter);
}

} // extern "C"
