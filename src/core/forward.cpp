// SPDX-License-Identifier: GPL-2.0
#include "core/forward.hpp"

namespace ipvlan::core {

namespace {

Decision make(Action action, const Slave *to = nullptr)
{
	Decision d;
	d.action = action;
	d.to = to;
	return d;
}

Decision pull(u32 bytes)
{
	Decision d;
	d.action = Action::pull;
	d.need_linear = bytes;
	return d;
}

bool is_multicast_mac(const u8 *mac) { return mac && (mac[0] & 1); }

// Frames from a slave that no sibling owns leave through the master's
// namespace, which routes them; it can only route IP.
Decision route_out(const Frame &frame)
{
	if (is_multicast_mac(frame.dst_mac))
		return make(Action::drop);
	switch (frame.l3.ethertype) {
	case ethertype_ipv4:
		return make(Action::out_ipv4);
	case ethertype_ipv6:
		return make(Action::out_ipv6);
	default:
		return make(Action::drop);
	}
}

} // namespace

Decision decide_rx(const Port &port, const Frame &frame)
{
	// L3S delivers from the l3mdev and netfilter hooks, after the master's
	// stack has seen the packet; L2 broadcast and multicast go through the
	// master's stack as well.
	if (port.mode == Mode::l3s || (port.mode == Mode::l2 && is_multicast_mac(frame.dst_mac)))
		return make(Action::pass);

	Classification c = classify_l3(frame.l3);
	if (c.need_linear)
		return pull(c.need_linear);
	if (!c.info.dst.valid())
		return make(Action::pass);
	const Slave *owner = port.owner_if_up(c.info.dst);
	return owner ? make(Action::deliver, owner) : make(Action::pass);
}

Decision decide_tx(const Port &port, const Frame &frame)
{
	Classification c = classify_l3(frame.l3);
	if (c.need_linear)
		return pull(c.need_linear);

	if (!port.is_vepa() && c.info.dst.valid()) {
		if (const Slave *owner = port.owner_if_up(c.info.dst))
			return port.is_private() ? make(Action::drop)
						 : make(Action::local, owner);
	}
	return route_out(frame);
}

} // namespace ipvlan::core
