// SPDX-License-Identifier: GPL-2.0
// An IPv4 or IPv6 address as a small value type: the key of the address table.
#pragma once
#include "kcpp/types.hpp"

namespace ipvlan::core {

using namespace kcpp;

enum class Family : u8 { none = 0, ipv4 = 4, ipv6 = 6 };

struct IpAddr {
	Family family = Family::none;
	// Network-order bytes as four words: IPv4 uses words[0] only, the rest
	// stay zero so equality and hashing can treat both families alike.
	u32 words[4] = {0, 0, 0, 0};

	static IpAddr v4(const u8 *bytes)
	{
		IpAddr a;
		a.family = Family::ipv4;
		__builtin_memcpy(&a.words[0], bytes, 4);
		return a;
	}

	static IpAddr v6(const u8 *bytes)
	{
		IpAddr a;
		a.family = Family::ipv6;
		__builtin_memcpy(a.words, bytes, 16);
		return a;
	}

	bool valid() const { return family != Family::none; }

	friend bool operator==(const IpAddr &a, const IpAddr &b)
	{
		return a.family == b.family && a.words[0] == b.words[0] &&
		       a.words[1] == b.words[1] && a.words[2] == b.words[2] &&
		       a.words[3] == b.words[3];
	}
};

// Keyed hash. The key is random per port so that nobody can predict which
// addresses share a chain.
inline u32 hash(const IpAddr &a, u32 key)
{
	u32 h = key ^ static_cast<u32>(a.family);
	for (u32 w : a.words) {
		h = (h ^ w) * 0x9e3779b1u;
		h ^= h >> 15;
	}
	h *= 0x85ebca6bu;
	h ^= h >> 13;
	return h;
}

} // namespace ipvlan::core
