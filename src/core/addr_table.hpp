// SPDX-License-Identifier: GPL-2.0
// The port's address table: every IPv4/IPv6 address of every slave of one
// master, keyed by address. Readers (the data path) are lockless under RCU;
// writers are serialized by the caller (the port's address lock).
//
// The table grows and shrinks with its address count, so that a lookup costs
// the same at 100,000 addresses as at 18 (the stock driver has a fixed 256
// buckets). A resize builds a new bucket array beside the old one: each entry
// has two chain links, and each array uses one of them, so readers still on
// the old array walk intact chains while the new one is published. The
// caller waits a grace period before it frees the old array, and only then
// may the next resize reuse the old array's link.
#pragma once
#include "core/ip_addr.hpp"
#include "ipvlan/shim_api.h"
#include "kcpp/object.hpp"
#include "kcpp/rcu.hpp"

namespace ipvlan::core {

struct Slave;

// One address owned by one slave. Linked into a hash chain (read under RCU)
// and into its owner's list (writer side only).
struct AddrEntry : kcpp::AtomicKernelObject<AddrEntry> {
	AddrEntry *chain_next[2] = {nullptr, nullptr}; // one per bucket array
	AddrEntry *owner_next = nullptr;
	Slave *owner = nullptr;
	IpAddr addr;
	kc_rcu_head rcu{};

	AddrEntry(Slave *o, const IpAddr &a) : owner(o), addr(a) {}
};

// A power-of-two array of chain heads; its entries are chained through
// chain_next[link].
struct BucketArray {
	AddrEntry **heads;
	u32 mask;
	u8 link;
};

class AddrTable {
public:
	static constexpr u32 min_buckets = 256;
	static constexpr u32 max_buckets = 1u << 22;

	explicit AddrTable(u32 hash_key);
	~AddrTable();
	AddrTable(const AddrTable &) = delete;
	AddrTable &operator=(const AddrTable &) = delete;

	// RCU reader: safe against concurrent insert, remove and resize. The
	// data path looks up an address in the packet (AddrRef), the control
	// path a copy (IpAddr). Defined here so the per-packet entry points
	// compile it inline.
	template <class Key> const AddrEntry *lookup(const Key &addr) const
	{
		const BucketArray *b = kcpp::rcu_load(buckets_);
		const u8 link = b->link;
		for (const AddrEntry *e = kcpp::rcu_load(head(*b, addr)); e;
		     e = kcpp::rcu_load(e->chain_next[link])) {
			if (e->addr == addr)
				return e;
		}
		return nullptr;
	}

	// Writers. insert() refuses an address that is already present;
	// remove() unlinks, and the caller frees the entry after a grace period.
	bool insert(AddrEntry *entry);
	void remove(AddrEntry *entry);
	u32 size() const { return count_; }
	u32 bucket_count() const { return buckets_->mask + 1; }

	// The bucket count the table should have for its size: more than one
	// address per bucket grows it, fewer than one per eight shrinks it.
	u32 wanted_buckets() const;

	// Resizing, in three steps: allocate (may sleep, no lock; the smallest
	// size needs no allocation: nullptr), switch (the writer lock held:
	// relinks every entry into `fresh` and publishes it), and, a grace
	// period later, release the old array. An array that was allocated
	// but not switched to is released at once.
	static BucketArray *alloc_buckets(u32 count);
	BucketArray *switch_to(BucketArray *fresh);
	void release(BucketArray *old);

private:
	template <class Key> AddrEntry *&head(const BucketArray &b, const Key &addr) const
	{
		return b.heads[hash(addr, key_) & b.mask];
	}

	BucketArray *buckets_;          // published under RCU
	BucketArray inline_;            // the smallest size lives in the table
	AddrEntry *inline_heads_[min_buckets] = {};
	u32 key_;
	u32 count_ = 0;
};

} // namespace ipvlan::core
