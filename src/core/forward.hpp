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
};

struct Decision {
	Action action = Action::pass;
	const Slave *to = nullptr;
	u32 need_linear = 0;
};

struct Frame {
	const u8 *dst_mac = nullptr; // nullptr when not known
	const u8 *src_mac = nullptr; // nullptr when not known
	L3View l3;
};

Decision decide_rx(const Port &port, const Frame &frame);
Decision decide_tx(const Port &port, const Frame &frame);

} // namespace ipvlan::core
