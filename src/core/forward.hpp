// SPDX-License-Identifier: GPL-2.0
// The forwarding decision for one frame, received on the master or sent by a
// slave. Pure functions of the port state and the frame's bytes.
#pragma once
#include "core/packet.hpp"
#include "core/port.hpp"

namespace ipvlan::core {

enum class Action : u8 {
	pass,        // rx: not ours, the master's own stack takes it
	deliver,     // rx: hand to `to` as if it had arrived there
	local,       // tx: forward to the sibling slave `to`
	out_ipv4,    // tx: route in the master's namespace (L3 modes)
	out_ipv6,    // tx: route in the master's namespace (L3 modes)
	drop,        // tx: drop, counted on the sender
	pull,        // make `need_linear` bytes linear and decide again
	to_master,   // tx (L2): up the master's own stack, as if received
	out_l2,      // tx (L2): the frame as it is, out of the master
	flood_rx,    // rx (L2): a copy to the slaves later; the master takes it now
	flood_tx,    // tx (L2): to the other slaves later, then out of the master
};

struct Decision {
	Action action = Action::pass;
	const Slave *to = nullptr;
	u32 need_linear = 0;
};

struct Frame {
	const u8 *dst_mac = nullptr;    // nullptr when not known
	const u8 *src_mac = nullptr;    // nullptr when not known
	const u8 *master_mac = nullptr; // rx: the port's (shared) MAC
	bool looped_back = false;       // rx: the master's own frame, looped
	L3View l3;
};

// The per-packet decisions, defined at the end of this file: the driver's
// entry points compile them inline (a call costs more than the work).
Decision decide_rx(const Port &port, const Frame &frame);
Decision decide_tx(const Port &port, const Frame &frame);
// L3S, from the master netns's IP stack: deliver to the slave that owns the
// destination, or pass.
Decision decide_l3s_rx(const Port &port, const L3View &l3);

// Which slaves a deferred broadcast/multicast frame is for. A neighbour
// query (ARP request, NS to a solicited-node group) is for the owner of its
// target only: the stock driver copies it to every slave, which costs one
// clone per slave per request and tells every container who is asking for
// whom. Everything else is for every slave that wants the destination MAC.
struct FloodScope {
	bool owner_only = false;
	const Slave *owner = nullptr; // with owner_only: nullptr means nobody
	u32 need_linear = 0;          // non-zero: pull this much and ask again
};

FloodScope decide_flood_scope(const Port &port, const L3View &l3);

// The slaves that get a copy: in scope, up, wanting the destination MAC,
// and not the slave that sent it.
template <class Deliver>
void for_each_flood_target(const Port &port, const u8 *dst_mac, const Slave *origin,
			   const FloodScope &scope, Deliver &&deliver)
{
	auto wants = [&](const Slave &s) {
		return &s != origin && s.is_up() && s.mcast_filter.accepts(dst_mac, port.mac_key);
	};
	if (scope.owner_only) {
		if (scope.owner && wants(*scope.owner))
			deliver(*scope.owner);
		return;
	}
	port.for_each_slave_rcu([&](const Slave &s) {
		if (wants(s))
			deliver(s);
	});
}

// ------------------------------------------------ per-packet decisions

namespace detail {

inline Decision make(Action action, const Slave *to = nullptr)
{
	Decision d;
	d.action = action;
	d.to = to;
	return d;
}

inline Decision pull(u32 bytes)
{
	Decision d;
	d.action = Action::pull;
	d.need_linear = bytes;
	return d;
}

inline bool is_multicast_mac(const u8 *mac) { return mac && (mac[0] & 1); }

inline bool same_mac(const u8 *a, const u8 *b)
{
	return a && b && __builtin_memcmp(a, b, 6) == 0;
}

// The sibling that owns the destination gets the frame (PRIVATE drops it
// instead); `pass` means that no sibling owns it.
inline Decision to_sibling(const Port &port, const Classification &c)
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
inline Decision route_out(const Frame &frame)
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
inline Decision decide_tx_l2(const Port &port, const Frame &frame)
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
inline Decision decide_rx_l2_multicast(const Port &port, const Frame &frame)
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
inline Decision decide_tx_l3(const Port &port, const Frame &frame)
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
inline Decision deliver_to_owner(const Port &port, const L3View &l3)
{
	Classification c = classify_l3(l3);
	if (c.need_linear)
		return pull(c.need_linear);
	if (!c.info.dst.valid())
		return make(Action::pass);
	const Slave *owner = port.owner_if_up(c.info.dst);
	return owner ? make(Action::deliver, owner) : make(Action::pass);
}

} // namespace detail

inline Decision decide_rx(const Port &port, const Frame &frame)
{
	using namespace detail;
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

inline Decision decide_l3s_rx(const Port &port, const L3View &l3)
{
	using namespace detail;
	// The hooks are per netns and see every packet there; the mode may
	// also have just changed away from L3S.
	if (port.mode != Mode::l3s)
		return make(Action::pass);
	return deliver_to_owner(port, l3);
}

inline Decision decide_tx(const Port &port, const Frame &frame)
{
	using namespace detail;
	return port.mode == Mode::l2 ? decide_tx_l2(port, frame) : decide_tx_l3(port, frame);
}

} // namespace ipvlan::core
