// SPDX-License-Identifier: GPL-2.0
// AddrTable: the port's RCU hash of addresses.
#include "test_support.hpp"

#include "core/addr_table.hpp"
#include "kcpp/utility.hpp"

#include <unordered_set>

namespace test {
namespace {

constexpr u32 key = 0x5eed1234u;

u32 bucket_of(const IpAddr &a, u32 k = key)
{
	return hash(a, k) & (AddrTable::min_buckets - 1);
}

// `n` distinct IPv4 addresses that all hash to the same bucket as the first.
std::vector<IpAddr> colliding_v4(u32 n, u32 k = key)
{
	std::vector<IpAddr> out{ip4_n(0)};
	u32 want = bucket_of(out[0], k);
	for (u32 i = 1; out.size() < n; i++) {
		IpAddr a = ip4_n(i);
		if (bucket_of(a, k) == want)
			out.push_back(a);
	}
	return out;
}

void free_after_grace_period(AddrEntry *e)
{
	kc_call_rcu(&e->rcu, [](kc_rcu_head *head) {
		delete kcpp::container_of(head, &AddrEntry::rcu);
	});
}

class AddrTableTest : public ShimTest {
protected:
	AddrEntry *add(const IpAddr &a)
	{
		auto *e = new AddrEntry(nullptr, a);
		EXPECT_NE(e, nullptr);
		if (!table_.insert(e)) {
			delete e;
			return nullptr;
		}
		owned_.insert(e);
		return e;
	}

	void remove(AddrEntry *e)
	{
		table_.remove(e);
		owned_.erase(e);
		free_after_grace_period(e);
	}

	void cleanup() override
	{
		for (AddrEntry *e : owned_) {
			table_.remove(e);
			delete e;
		}
		owned_.clear();
	}

	AddrTable table_{key};
	std::unordered_set<AddrEntry *> owned_; // in the table, not yet removed
};

TEST_F(AddrTableTest, EmptyTableFindsNothing)
{
	EXPECT_EQ(table_.size(), 0u);
	EXPECT_EQ(table_.lookup(ip4("10.0.0.1")), nullptr);
	EXPECT_EQ(table_.lookup(ip6("2001:db8::1")), nullptr);
	EXPECT_EQ(table_.lookup(IpAddr{}), nullptr);
}

TEST_F(AddrTableTest, InsertedIpv4IsFoundByValue)
{
	AddrEntry *e = add(ip4("10.0.0.1"));
	ASSERT_NE(e, nullptr);
	EXPECT_EQ(table_.lookup(ip4("10.0.0.1")), e);
	EXPECT_EQ(table_.lookup(ip4("10.0.0.2")), nullptr);
	EXPECT_EQ(table_.size(), 1u);
}

TEST_F(AddrTableTest, InsertedIpv6IsFoundByValue)
{
	AddrEntry *e = add(ip6("2001:db8::1"));
	ASSERT_NE(e, nullptr);
	EXPECT_EQ(table_.lookup(ip6("2001:db8::1")), e);
	EXPECT_EQ(table_.lookup(ip6("2001:db8::2")), nullptr);
	EXPECT_EQ(table_.lookup(ip6("fe80::1")), nullptr);
}

TEST_F(AddrTableTest, DuplicateIsRefusedAndFirstEntryKept)
{
	AddrEntry *first = add(ip4("10.0.0.1"));
	ASSERT_NE(first, nullptr);
	AddrEntry dup(nullptr, ip4("10.0.0.1"));
	EXPECT_FALSE(table_.insert(&dup));
	EXPECT_EQ(table_.lookup(ip4("10.0.0.1")), first);
	EXPECT_EQ(table_.size(), 1u);
}

TEST_F(AddrTableTest, DuplicateIpv6IsRefused)
{
	ASSERT_NE(add(ip6("fe80::abcd")), nullptr);
	AddrEntry dup(nullptr, ip6("fe80::abcd"));
	EXPECT_FALSE(table_.insert(&dup));
	EXPECT_EQ(table_.size(), 1u);
}

TEST_F(AddrTableTest, Ipv4AndIpv6WithTheSameBytesAreDistinct)
{
	IpAddr v4 = ip4("1.2.3.4");
	IpAddr v6 = ip6("102:304::"); // first four bytes 01 02 03 04, rest zero
	ASSERT_EQ(v4.words[0], v6.words[0]);
	ASSERT_EQ(v4.words[1], v6.words[1]);
	AddrEntry *e4 = add(v4);
	AddrEntry *e6 = add(v6);
	ASSERT_NE(e4, nullptr);
	ASSERT_NE(e6, nullptr);
	EXPECT_EQ(table_.lookup(v4), e4);
	EXPECT_EQ(table_.lookup(v6), e6);
	EXPECT_EQ(table_.size(), 2u);
}

TEST_F(AddrTableTest, RemoveMakesTheAddressUnknownAndReinsertable)
{
	AddrEntry *e = add(ip4("192.0.2.7"));
	remove(e);
	EXPECT_EQ(table_.lookup(ip4("192.0.2.7")), nullptr);
	EXPECT_EQ(table_.size(), 0u);
	AddrEntry *again = add(ip4("192.0.2.7"));
	ASSERT_NE(again, nullptr);
	EXPECT_EQ(table_.lookup(ip4("192.0.2.7")), again);
}

TEST_F(AddrTableTest, RemovingAnEntryThatIsNotInTheTableChangesNothing)
{
	AddrEntry *e = add(ip4("10.0.0.1"));
	AddrEntry stranger(nullptr, ip4("10.0.0.1")); // same key, other object
	table_.remove(&stranger);
	EXPECT_EQ(table_.lookup(ip4("10.0.0.1")), e);
	EXPECT_EQ(table_.size(), 1u);
}

TEST_F(AddrTableTest, TenThousandOfEachFamilyAreAllFoundAndAllRemovable)
{
	constexpr u32 n = 10000;
	std::vector<AddrEntry *> all;
	for (u32 i = 0; i < n; i++) {
		all.push_back(add(ip4_n(i)));
		all.push_back(add(ip6_n(i)));
		ASSERT_NE(all[2 * i], nullptr) << i;
		ASSERT_NE(all[2 * i + 1], nullptr) << i;
	}
	EXPECT_EQ(table_.size(), 2 * n);
	for (u32 i = 0; i < n; i++) {
		const AddrEntry *e4 = table_.lookup(ip4_n(i));
		const AddrEntry *e6 = table_.lookup(ip6_n(i));
		ASSERT_NE(e4, nullptr) << i;
		ASSERT_NE(e6, nullptr) << i;
		ASSERT_EQ(e4->addr, ip4_n(i));
		ASSERT_EQ(e6->addr, ip6_n(i));
	}
	EXPECT_EQ(table_.lookup(ip4_n(n)), nullptr);
	// Remove every other entry first, then the rest.
	for (size_t i = 1; i < all.size(); i += 2)
		remove(all[i]);
	for (size_t i = 0; i < all.size(); i += 2) {
		ASSERT_EQ(table_.lookup(all[i]->addr), all[i]);
		remove(all[i]);
	}
	EXPECT_EQ(table_.size(), 0u);
	for (u32 i = 0; i < n; i++) {
		ASSERT_EQ(table_.lookup(ip4_n(i)), nullptr) << i;
		ASSERT_EQ(table_.lookup(ip6_n(i)), nullptr) << i;
	}
}

// A chain built from addresses that share a bucket: insert puts each new
// entry at the head, so the chain is the reverse insertion order.
class AddrChainTest : public AddrTableTest {
protected:
	void SetUp() override
	{
		addrs_ = colliding_v4(4);
		for (const IpAddr &a : addrs_)
			e_.push_back(add(a));
		ASSERT_EQ(table_.size(), 4u);
	}

	std::vector<IpAddr> addrs_;
	std::vector<AddrEntry *> e_; // e_[0] is the tail, e_[3] the head
};

TEST_F(AddrChainTest, CollidingAddressesFormOneChainHeadFirst)
{
	EXPECT_EQ(e_[3]->chain_next[0], e_[2]);
	EXPECT_EQ(e_[2]->chain_next[0], e_[1]);
	EXPECT_EQ(e_[1]->chain_next[0], e_[0]);
	EXPECT_EQ(e_[0]->chain_next[0], nullptr);
	for (size_t i = 0; i < e_.size(); i++)
		EXPECT_EQ(table_.lookup(addrs_[i]), e_[i]) << i;
}

TEST_F(AddrChainTest, RemovingTheMiddleRelinksAroundIt)
{
	remove(e_[2]);
	EXPECT_EQ(e_[3]->chain_next[0], e_[1]);
	EXPECT_EQ(table_.lookup(addrs_[2]), nullptr);
	EXPECT_EQ(table_.lookup(addrs_[3]), e_[3]);
	EXPECT_EQ(table_.lookup(addrs_[1]), e_[1]);
	EXPECT_EQ(table_.lookup(addrs_[0]), e_[0]);
}

TEST_F(AddrChainTest, RemovingTheHeadKeepsTheRest)
{
	remove(e_[3]);
	EXPECT_EQ(table_.lookup(addrs_[3]), nullptr);
	for (int i = 0; i < 3; i++)
		EXPECT_EQ(table_.lookup(addrs_[i]), e_[i]) << i;
	EXPECT_EQ(table_.size(), 3u);
}

TEST_F(AddrChainTest, RemovingTheTailKeepsTheRest)
{
	remove(e_[0]);
	EXPECT_EQ(e_[1]->chain_next[0], nullptr);
	EXPECT_EQ(table_.lookup(addrs_[0]), nullptr);
	for (int i = 1; i < 4; i++)
		EXPECT_EQ(table_.lookup(addrs_[i]), e_[i]) << i;
}

TEST_F(AddrChainTest, ReaderOnARemovedEntryStillWalksTheChainUntilTheGracePeriodEnds)
{
	long live = fake_shim::live_allocations();
	const AddrEntry *reader = table_.lookup(addrs_[2]); // a reader stands on e_[2]
	ASSERT_EQ(reader, e_[2]);

	remove(e_[2]);
	// Unlinked but not freed: the reader can still read it and go on.
	EXPECT_EQ(fake_shim::live_allocations(), live);
	EXPECT_EQ(reader->addr, addrs_[2]);
	ASSERT_EQ(reader->chain_next[0], e_[1]);
	EXPECT_EQ(reader->chain_next[0]->chain_next[0], e_[0]);

	fake_rcu_barrier();
	EXPECT_EQ(fake_shim::live_allocations(), live - 1);
}

TEST_F(AddrTableTest, DifferentKeysSpreadTheSameAddressesDifferently)
{
	// The key is what makes chains unpredictable: addresses colliding under
	// one key do not all collide under another.
	std::vector<IpAddr> same = colliding_v4(8, key);
	u32 b0 = bucket_of(same[0], key ^ 0xdeadbeefu);
	size_t still_together = 0;
	for (const IpAddr &a : same)
		still_together += bucket_of(a, key ^ 0xdeadbeefu) == b0;
	EXPECT_LT(still_together, same.size());
}

} // namespace
} // namespace test

// ---------------------------------------------------------------- resizing

namespace test {
namespace {

class AddrResizeTest : public AddrTableTest {
protected:
	// A resize as Port::resize_table does it, one step at a time.
	BucketArray *grow_to(u32 n)
	{
		BucketArray *fresh = n == AddrTable::min_buckets ? nullptr : AddrTable::alloc_buckets(n);
		return table_.switch_to(fresh);
	}

	// The table's own array again, so that nothing is left allocated.
	void cleanup() override
	{
		AddrTableTest::cleanup();
		if (table_.bucket_count() != AddrTable::min_buckets)
			table_.release(grow_to(AddrTable::min_buckets));
	}

	std::vector<IpAddr> all_;
};

TEST_F(AddrResizeTest, TheTableWantsToGrowPastOneAddressPerBucket)
{
	for (u32 i = 0; i < AddrTable::min_buckets; i++)
		add(ip4_n(i));
	EXPECT_EQ(table_.wanted_buckets(), AddrTable::min_buckets);
	add(ip4_n(AddrTable::min_buckets));
	EXPECT_EQ(table_.wanted_buckets(), 1024u); // two buckets per address
}

TEST_F(AddrResizeTest, AfterASwitchEverythingIsFoundInTheNewArray)
{
	for (u32 i = 0; i < 3000; i++) {
		all_.push_back(i % 2 ? ip6_n(i) : ip4_n(i));
		add(all_.back());
	}
	BucketArray *old = grow_to(table_.wanted_buckets());
	EXPECT_EQ(table_.bucket_count(), 8192u);
	EXPECT_EQ(table_.wanted_buckets(), 8192u);
	for (const IpAddr &a : all_)
		ASSERT_NE(table_.lookup(a), nullptr);
	EXPECT_EQ(table_.lookup(ip4_n(3001)), nullptr);
	table_.release(old); // the inline array: nothing to free
}

TEST_F(AddrResizeTest, ReadersOnTheOldArrayStillWalkEveryChainAfterTheSwitch)
{
	// Colliding addresses: one chain of 6 in the inline array.
	std::vector<IpAddr> chain = colliding_v4(6);
	for (const IpAddr &a : chain)
		add(a);
	const AddrEntry *reader = table_.lookup(chain[0]); // the tail, reached via 5 links
	ASSERT_NE(reader, nullptr);
	const AddrEntry *head = table_.lookup(chain[5]);

	BucketArray *old = grow_to(1024);
	// The old chain, through link 0, is intact: a reader that loaded the
	// old array before the switch finds every entry.
	std::unordered_set<const AddrEntry *> seen;
	for (const AddrEntry *e = head; e; e = e->chain_next[0])
		seen.insert(e);
	EXPECT_EQ(seen.size(), 6u);
	EXPECT_TRUE(seen.count(reader));
	// And the new array uses the other link.
	for (const IpAddr &a : chain)
		EXPECT_NE(table_.lookup(a), nullptr);
	table_.release(old);
}

TEST_F(AddrResizeTest, InsertAndRemoveWorkAcrossTwoResizesAndBackToTheInlineArray)
{
	long live = fake_shim::live_allocations();
	std::vector<AddrEntry *> entries;
	for (u32 i = 0; i < 5000; i++)
		entries.push_back(add(ip4_n(i)));
	table_.release(grow_to(table_.wanted_buckets())); // 256 -> 16384
	EXPECT_EQ(table_.bucket_count(), 16384u);
	EXPECT_EQ(fake_shim::live_allocations(), live + 5000 + 1);
	for (u32 i = 5000; i < 6000; i++)
		entries.push_back(add(ip4_n(i))); // into the new array, link 1
	for (u32 i = 0; i < 5900; i++)
		remove(entries[i]);
	EXPECT_EQ(table_.size(), 100u);
	EXPECT_EQ(table_.wanted_buckets(), AddrTable::min_buckets);
	BucketArray *old = grow_to(AddrTable::min_buckets); // back inline, link 0
	EXPECT_EQ(table_.bucket_count(), AddrTable::min_buckets);
	table_.release(old);
	for (u32 i = 0; i < 6000; i++)
		EXPECT_EQ(table_.lookup(ip4_n(i)) != nullptr, i >= 5900) << i;
	fake_rcu_barrier();
	EXPECT_EQ(fake_shim::live_allocations(), live + 100);
}

} // namespace
} // namespace test
