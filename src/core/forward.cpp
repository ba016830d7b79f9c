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

bool same_mac(const u8 *a, const u8 *b)
{
	return a && b && __builtin_memcmp(a, b, 6) == 0;
}

// The sibling that owns the destination gets the frame (PRIVATE drops it
// instead); `pass` means that no sibling owns it.
Decision to_sibling(const Port &port, const Classification &c)
{
	if (!c.info.dst.valid())
		return make(Action::pass);
	const Slave *owner = port.owner_if_up(c.info.dst);
	if (!owner)
		return make(Action::pass);
	return port.is_private() ? make(Action::drop) : make(Action::local, owner);
}

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

// L2: slaves resolve neighbours themselves and address frames to the shared
// MAC when the destination is a sibling or the master.
Decision decide_tx_l2(const Port &port, const Frame &frame)
{
	if (frame.l3.ethertype == ethertype_pause)
		return make(Action::drop); // link-local to the slave's own link

	if (!port.is_vepa() && same_mac(frame.dst_mac, frame.src_mac)) {
		Classification c = classify_l3(frame.l3);
		if (c.need_linear)
			return pull(c.need_linear);
		Decision d = to_sibling(port, c);
		return d.action == Action::pass ? make(Action::to_master) : d;
	}
	// Broadcast and multicast go to the siblings from deferred work, which
	// then sends the frame out of the master.
	return make(is_multicast_mac(frame.dst_mac) ? Action::flood_tx : Action::out_l2);
}

// A broadcast/multicast frame on the wire is for the slaves unless one of
// them sent it: the master's MAC with a slave's source address. (A switch in
// hairpin mode, or the master's own loopback, would otherwise echo a slave's
// broadcast back to its siblings.)
Decision decide_rx_l2_multicast(const Port &port, const Frame &frame)
{
	// Flow control is about the master's link, never for the slaves.
	if (frame.l3.ethertype == ethertype_pause)
		return make(Action::pass);
	if (!same_mac(frame.src_mac, frame.master_mac))
		return make(Action::flood_rx);
	Classification c = classify_l3(frame.l3);
	if (c.need_linear)
		return pull(c.need_linear);
	bool from_a_slave = c.info.src.valid() && port.owner_if_up(c.info.src);
	return make(from_a_slave ? Action::pass : Action::flood_rx);
}

// L3/L3S: the master's namespace routes whatever no sibling owns.
Decision decide_tx_l3(const Port &port, const Frame &frame)
{
	Classification c = classify_l3(frame.l3);
	if (c.need_linear)
		return pull(c.need_linear);
	if (!port.is_vepa()) {
		Decision d = to_sibling(port, c);
		if (d.action != Action::pass)
			return d;
	}
	return route_out(frame);
}

// The up slave that owns the packet's destination gets it.
Decision deliver_to_owner(const Port &port, const L3View &l3)
{
	Classification c = classify_l3(l3);
	if (c.need_linear)
		return pull(c.need_linear);
	if (!c.info.dst.valid())
		return make(Action::pass);
	const Slave *owner = port.owner_if_up(c.info.dst);
	return owner ? make(Action::deliver, owner) : make(Action::pass);
}

} // namespace

Decision decide_rx(const Port &port, const Frame &frame)
{
	// L3S delivers from the l3mdev and netfilter hooks, after the master's
	// stack has seen the packet.
	if (port.mode == Mode::l3s)
		return make(Action::pass);
	if (port.mode == Mode::l2) {
		if (frame.looped_back)
			return make(Action::pass);
		if (is_multicast_mac(frame.dst_mac))
			return decide_rx_l2_multicast(port, frame);
	}
	return deliver_to_owner(port, frame.l3);
}

Decision decide_l3s_rx(const Port &port, const L3View &l3)
{
	// The hooks are per netns and see every packet there; the mode may
	// also have just changed away from L3S.
	if (port.mode != Mode::l3s)
		return make(Action::pass);
	return deliver_to_owner(port, l3);
}

FloodScope decide_flood_scope(const Port &port, const L3View &l3)
{
	FloodScope scope;
	NeighbourQuery q = classify_neighbour_query(l3);
	if (q.need_linear) {
		scope.need_linear = q.need_linear;
	} else if (q.is_query) {
		scope.owner_only = true;
		scope.owner = port.owner_of(q.target);
	}
	return scope;
}

Decision decide_tx(const Port &port, const Frame &frame)
{
	return port.mode == Mode::l2 ? decide_tx_l2(port, frame) : decide_tx_l3(port, frame);
}

} // namespace ipvlan::core
