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

} // namespace ipvlan::core
