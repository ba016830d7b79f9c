// SPDX-License-Identifier: GPL-2.0
// The port's address table: every IPv4/IPv6 address of every slave of one
// master, keyed by address. Readers (the data path) are lockless under RCU;
// writers are serialized by the caller (the port's address lock).
#pragma once
#include "core/ip_addr.hpp"
#include "ipvlan/shim_api.h"
#include "kcpp/object.hpp"

namespace ipvlan::core {

struct Slave;

// One address owned by one slave. Linked into a hash chain (read under RCU)
// and into its owner's list (writer side only).
struct AddrEntry : kcpp::AtomicKernelObject<AddrEntry> {
	AddrEntry *chain_next = nullptr;
	AddrEntry *owner_next = nullptr;
	Slave *owner = nullptr;
	IpAddr addr;
	kc_rcu_head rcu{};

	AddrEntry(Slave *o, const IpAddr &a) : owner(o), addr(a) {}
};

class AddrTable {
public:
	static constexpr u32 bucket_bits = 8;
	static constexpr u32 bucket_count = 1u << bucket_bits;

	explicit AddrTable(u32 hash_key) : key_(hash_key) {}
	AddrTable(const AddrTable &) = delete;
	AddrTable &operator=(const AddrTable &) = delete;

	// RCU reader: safe against concurrent insert/remove.
	const AddrEntry *lookup(const IpAddr &addr) const;

	// Writers. insert() refuses an address that is already present;
	// remove() unlinks, and the caller frees the entry after a grace period.
	bool insert(AddrEntry *entry);
	void remove(AddrEntry *entry);
	u32 size() const { return count_; }

private:
	AddrEntry *&bucket(const IpAddr &addr)
	{
		return buckets_[hash(addr, key_) & (bucket_count - 1)];
	}
	AddrEntry *const &bucket(const IpAddr &addr) const
	{
		return buckets_[hash(addr, key_) & (bucket_count - 1)];
	}

	AddrEntry *buckets_[bucket_count] = {};
	u32 key_;
	u32 count_ = 0;
};

} // namespace ipvlan::core
