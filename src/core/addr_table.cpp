// SPDX-License-Identifier: GPL-2.0
#include "core/addr_table.hpp"
#include "kcpp/rcu.hpp"

namespace ipvlan::core {

namespace {

u32 pow2_at_least(u32 n)
{
	u32 p = 1;
	while (p < n)
		p <<= 1;
	return p;
}

} // namespace

AddrTable::AddrTable(u32 hash_key) : buckets_(&inline_), key_(hash_key)
{
	inline_.heads = inline_heads_;
	inline_.mask = min_buckets - 1;
	inline_.link = 0;
}

// No reader is left when the table goes (the port is unreachable).
AddrTable::~AddrTable() { release(buckets_); }

bool AddrTable::insert(AddrEntry *entry)
{
	if (lookup(entry->addr))
		return false;
	AddrEntry *&slot = head(*buckets_, entry->addr);
	entry->chain_next[buckets_->link] = slot;
	// Publish only after the entry is fully initialised.
	kcpp::rcu_publish(slot, entry);
	count_++;
	return true;
}

void AddrTable::remove(AddrEntry *entry)
{
	const u8 link = buckets_->link;
	for (AddrEntry **p = &head(*buckets_, entry->addr); *p; p = &(*p)->chain_next[link]) {
		if (*p == entry) {
			// A reader standing on entry still sees a valid
			// next link, so the entry stays intact until freed.
			kcpp::rcu_init(*p, entry->chain_next[link]);
			count_--;
			return;
		}
	}
}

u32 AddrTable::wanted_buckets() const
{
	u32 n = bucket_count();
	if (count_ > n && n < max_buckets)
		return pow2_at_least(count_ * 2 < max_buckets ? count_ * 2 : max_buckets);
	if (n > min_buckets && count_ < n / 8) {
		u32 want = pow2_at_least(count_ * 2);
		return want > min_buckets ? want : min_buckets;
	}
	return n;
}

BucketArray *AddrTable::alloc_buckets(u32 count)
{
	// The heads follow the header in the same (zeroed) allocation.
	auto *b = static_cast<BucketArray *>(
		kc_alloc_large(sizeof(BucketArray) + count * sizeof(AddrEntry *)));
	if (!b)
		return nullptr;
	b->heads = reinterpret_cast<AddrEntry **>(b + 1);
	b->mask = count - 1;
	return b;
}

BucketArray *AddrTable::switch_to(BucketArray *fresh)
{
	BucketArray *old = buckets_;
	// The smallest size goes back into the table's own array, which no
	// reader has used since it was left (a grace period ago, before the
	// previous resize returned).
	if (!fresh) {
		fresh = &inline_;
		for (u32 i = 0; i < min_buckets; i++)
			inline_heads_[i] = nullptr;
	}
	fresh->link = old->link ^ 1;
	// Nobody sees fresh yet: plain stores, then one publication.
	for (u32 i = 0; i <= old->mask; i++) {
		for (AddrEntry *e = old->heads[i]; e; e = e->chain_next[old->link]) {
			AddrEntry *&slot = head(*fresh, e->addr);
			e->chain_next[fresh->link] = slot;
			slot = e;
		}
	}
	kcpp::rcu_publish(buckets_, fresh);
	return old;
}

void AddrTable::release(BucketArray *old)
{
	if (old && old != &inline_)
		kc_free_large(old);
}

} // namespace ipvlan::core
