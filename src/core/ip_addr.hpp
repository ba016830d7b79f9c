// SPDX-License-Identifier: GPL-2.0
// An IPv4 or IPv6 address as a small value type (the key of the address
// table), and as a view of the bytes in a packet (what the data path looks
// up, without copying it first).
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

// An address inside a packet: its family and where its 4 or 16 bytes are.
// Valid as long as the packet's bytes are.
struct AddrRef {
	Family family = Family::none;
	const u8 *bytes = nullptr;

	static AddrRef v4(const u8 *p) { return {Family::ipv4, p}; }
	static AddrRef v6(const u8 *p) { return {Family::ipv6, p}; }

	bool valid() const { return family != Family::none; }
	u32 word(int i) const
	{
		u32 w;
		__builtin_memcpy(&w, bytes + 4 * i, 4);
		return w;
	}
	IpAddr value() const
	{
		switch (family) {
		case Family::ipv4:
			return IpAddr::v4(bytes);
		case Family::ipv6:
			return IpAddr::v6(bytes);
		default:
			return IpAddr{};
		}
	}
};

inline bool operator==(const IpAddr &a, const AddrRef &r)
{
	if (a.family != r.family)
		return false;
	switch (r.family) {
	case Family::ipv4:
		return a.words[0] == r.word(0);
	case Family::ipv6:
		return a.words[0] == r.word(0) && a.words[1] == r.word(1) &&
		       a.words[2] == r.word(2) && a.words[3] == r.word(3);
	default:
		return true;
	}
}
inline bool operator==(const AddrRef &r, const IpAddr &a) { return a == r; }
inline bool operator==(const AddrRef &a, const AddrRef &b) { return a.value() == b; }

// Keyed hash, the same for an IpAddr and an AddrRef of the same address. The
// key is random per port so that nobody can predict which addresses share a
// chain. IPv4 (the common case) mixes one word.
namespace detail {
inline u32 mix(u32 h, u32 w)
{
	h = (h ^ w) * 0x9e3779b1u;
	return h ^ (h >> 15);
}
inline u32 finish(u32 h)
{
	h *= 0x85ebca6bu;
	return h ^ (h >> 13);
}
template <class Words> u32 hash_words(Family family, const Words &word, u32 key)
{
	u32 h = mix(key ^ static_cast<u32>(family), word(0));
	if (family == Family::ipv6) {
		h = mix(h, word(1));
		h = mix(h, word(2));
		h = mix(h, word(3));
	}
	return finish(h);
}
} // namespace detail

inline u32 hash(const IpAddr &a, u32 key)
{
	return detail::hash_words(a.family, [&](int i) { return a.words[i]; }, key);
}

inline u32 hash(const AddrRef &r, u32 key)
{
	if (!r.valid())
		return hash(IpAddr{}, key);
	return detail::hash_words(r.family, [&](int i) { return r.word(i); }, key);
}

} // namespace ipvlan::core
