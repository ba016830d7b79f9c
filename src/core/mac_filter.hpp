// SPDX-License-Identifier: GPL-2.0
// Which multicast MACs a slave wants: a 256-bit filter of keyed MAC hashes,
// as the stock driver keeps. False positives only cost a clone that the
// slave's stack drops; broadcast is always in.
#pragma once
#include "kcpp/rcu.hpp"
#include "kcpp/types.hpp"

namespace ipvlan::core {

using namespace kcpp;

inline u8 mac_hash(const u8 *mac, u32 key)
{
	// The last four bytes carry the entropy of multicast MACs
	// (01:00:5e:xx:xx:xx, 33:33:xx:xx:xx:xx).
	u32 h = (u32{mac[2]} << 24 | u32{mac[3]} << 16 | u32{mac[4]} << 8 | mac[5]) ^ key;
	h *= 0x9e3779b1u;
	h ^= h >> 16;
	h *= 0x85ebca6bu;
	return static_cast<u8>(h >> 24);
}

class MacFilter {
public:
	static constexpr u32 bits = 256;

	// Readers (the multicast worker) may run while the filter is rebuilt:
	// each word is stored whole, and a frame racing a change may be
	// delivered or not, as with any filter update.
	bool accepts(const u8 *mac, u32 key) const
	{
		u8 bit = mac_hash(mac, key);
		return rcu_load_value(words_[bit / 64]) & (u64{1} << (bit % 64));
	}

	void publish(const MacFilter &next)
	{
		for (u32 i = 0; i < words; i++)
			rcu_store_value(words_[i], next.words_[i]);
	}

	void add(const u8 *mac, u32 key)
	{
		u8 bit = mac_hash(mac, key);
		words_[bit / 64] |= u64{1} << (bit % 64);
	}

	void fill()
	{
		for (u64 &w : words_)
			w = ~u64{0};
	}

private:
	static constexpr u32 words = bits / 64;
	u64 words_[words] = {};
};

} // namespace ipvlan::core
