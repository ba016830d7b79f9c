// SPDX-License-Identifier: GPL-2.0
// The fake shim's own behaviour: the other tests rely on it to find leaks,
// lock imbalance and early frees, so it must be able to see them.
#include "test_support.hpp"

#include "ipvlan/shim_api.h"
#include "kcpp/lock.hpp"

namespace test {
namespace {

using FakeShim = ShimTest;

TEST_F(FakeShim, AllocZeroesAndCountsLiveAllocations)
{
	long before = fake_shim::live_allocations();
	auto *p = static_cast<unsigned char *>(kc_alloc(64, 0));
	ASSERT_NE(p, nullptr);
	for (int i = 0; i < 64; i++)
		ASSERT_EQ(p[i], 0) << "byte " << i;
	EXPECT_EQ(fake_shim::live_allocations(), before + 1);
	EXPECT_EQ(fake_shim::last_alloc_size(), 64u);
	EXPECT_EQ(fake_shim::last_alloc_atomic(), 0);
	kc_free(p);
	EXPECT_EQ(fake_shim::live_allocations(), before);
}

TEST_F(FakeShim, FreeOfNullIsANoOp)
{
	kc_free(nullptr);
	EXPECT_TRUE(fake_shim::violations().empty());
}

TEST_F(FakeShim, DoubleFreeIsAViolation)
{
	void *p = kc_alloc(8, 1);
	kc_free(p);
	kc_free(p);
	ASSERT_EQ(fake_shim::violations().size(), 1u);
	fake_shim::clear_violations();
}

TEST_F(FakeShim, FailsExactlyTheNthAllocation)
{
	fake_shim::fail_nth_allocation(3);
	void *a = kc_alloc(8, 0);
	void *b = kc_alloc(8, 0);
	void *c = kc_alloc(8, 0);
	void *d = kc_alloc(8, 0);
	EXPECT_NE(a, nullptr);
	EXPECT_NE(b, nullptr);
	EXPECT_EQ(c, nullptr);
	EXPECT_NE(d, nullptr);
	kc_free(a);
	kc_free(b);
	kc_free(d);
}

struct Deferred {
	kc_rcu_head rcu{};
	int *runs = nullptr;
};

TEST_F(FakeShim, CallRcuRunsOnlyAtTheBarrier)
{
	int runs = 0;
	Deferred d;
	d.runs = &runs;
	kc_call_rcu(&d.rcu, [](kc_rcu_head *head) {
		(*reinterpret_cast<Deferred *>(head)->runs)++;
	});
	EXPECT_EQ(runs, 0);
	EXPECT_EQ(fake_shim::rcu_pending(), 1u);
	fake_rcu_barrier();
	EXPECT_EQ(runs, 1);
	EXPECT_EQ(fake_shim::rcu_pending(), 0u);
	fake_rcu_barrier();
	EXPECT_EQ(runs, 1);
}

TEST_F(FakeShim, RandomIsDeterministicPerSeed)
{
	fake_shim::set_random_seed(42);
	u32 a1 = kc_random_u32(), a2 = kc_random_u32();
	fake_shim::set_random_seed(42);
	EXPECT_EQ(kc_random_u32(), a1);
	EXPECT_EQ(kc_random_u32(), a2);
	EXPECT_NE(a1, a2);
	fake_shim::set_random_seed(7);
	EXPECT_NE(kc_random_u32(), a1);
}

TEST_F(FakeShim, LockGuardBalancesTheLock)
{
	kc_lock *lock = kc_lock_new();
	{
		kcpp::LockGuard g(lock);
		EXPECT_EQ(fake_shim::locks_held(), 1);
	}
	EXPECT_EQ(fake_shim::locks_held(), 0);
	kc_lock_free(lock);
	EXPECT_TRUE(fake_shim::violations().empty());
}

TEST_F(FakeShim, RecursiveLockAndStrayUnlockAreViolations)
{
	kc_lock *lock = kc_lock_new();
	kc_unlock_bh(lock);
	kc_lock_bh(lock);
	kc_lock_bh(lock);
	kc_unlock_bh(lock);
	kc_lock_free(lock);
	EXPECT_EQ(fake_shim::violations().size(), 2u);
	EXPECT_EQ(fake_shim::locks_held(), 0);
	fake_shim::clear_violations();
}

} // namespace
} // namespace test
