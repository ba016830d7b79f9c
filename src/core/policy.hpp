// SPDX-License-Identifier: GPL-2.0
// Modes, flags and the rules for the IFLA_IPVLAN_* attributes. The numeric
// values are the netlink ABI (include/uapi/linux/if_link.h).
#pragma once
#include "kcpp/types.hpp"

namespace ipvlan::core {

using namespace kcpp;

enum class Mode : u16 { l2 = 0, l3 = 1, l3s = 2 };
inline constexpr u16 mode_count = 3;

inline constexpr u16 flag_private = 0x1;
inline constexpr u16 flag_vepa = 0x2;
inline constexpr u16 flags_known = flag_private | flag_vepa;

// Broadcast/multicast frames waiting for deferred delivery, per port: a
// burst beyond this is dropped (the stock driver's bound).
inline constexpr u32 mcast_backlog_limit = 1000;

// Slaves of an L3 port never resolve neighbours themselves: the master's
// namespace routes their traffic, so they carry IFF_NOARP.
inline bool mode_is_noarp(Mode m) { return m != Mode::l2; }

struct LinkAttrs {
	bool has_mode = false;
	u16 mode = 0;
	bool has_flags = false;
	u16 flags = 0;
};

// An error to return to netlink: errno (positive) and a message for extack.
struct Refusal {
	int error = 0;
	const char *message = nullptr;

	explicit operator bool() const { return error != 0; }
};

Refusal validate_link_attrs(const LinkAttrs &attrs);

} // namespace ipvlan::core
