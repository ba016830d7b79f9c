// SPDX-License-Identifier: GPL-2.0
// The C ABI names the driver's objects as opaque structs; these are the only
// places where they become core types again.
#pragma once
#include "core/port.hpp"
#include "ipvlan/shim_api.h"

namespace ipvlan::driver {

inline core::Slave &slave_of(ipvlan_slave *s) { return *reinterpret_cast<core::Slave *>(s); }
inline const core::Slave &slave_of(const ipvlan_slave *s)
{
	return *reinterpret_cast<const core::Slave *>(s);
}
inline core::Port *port_of(ipvlan_port *p) { return reinterpret_cast<core::Port *>(p); }
inline const core::Port &port_of(const ipvlan_port *p)
{
	return *reinterpret_cast<const core::Port *>(p);
}
inline ipvlan_port *handle_of(core::Port *p) { return reinterpret_cast<ipvlan_port *>(p); }

// A refusal goes back to netlink as -errno, with its message in extack.
inline int refuse(const core::Refusal &r, netlink_ext_ack *extack)
{
	if (r.message)
		kc_extack_msg(extack, r.message);
	return -r.error;
}

} // namespace ipvlan::driver
