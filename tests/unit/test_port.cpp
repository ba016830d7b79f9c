// SPDX-License-Identifier: GPL-2.0
// Port: its slaves, their addresses (unique across the port), the data
// path's owner lookup, and deferred freeing of removed addresses.
#include "test_support.hpp"

#include "core/port.hpp"
#include "kcpp/errno.hpp"
#include "kcpp/lock.hpp"

namespace test {
namespace {

class PortTest : public ShimTest {
protected:
	PortTest() : lock_(kc_lock_new()), port_(nullptr, 0xabcdef01u, lock_)
	{
		for (Slave *s : {&a_, &b_, &c_}) {
			port_.join(*s);
			port_.attach(*s);
			s->up = true;
		}
	}

	// What the driver does: writers hold the port's address lock.
	int add(Slave &s, const IpAddr &a)
	{
		kcpp::LockGuard g(port_.addrs_lock);
		return port_.add_addr(s, a);
	}

	void del(Slave &s, const IpAddr &a)
	{
		kcpp::LockGuard g(port_.addrs_lock);
		port_.del_addr(s, a);
	}

	void del_all(Slave &s)
	{
		kcpp::LockGuard g(port_.addrs_lock);
		port_.del_all_addrs(s);
	}

	static u32 count(const Slave &s)
	{
		u32 n = 0;
		for (const AddrEntry *e = s.addrs; e; e = e->owner_next)
			n++;
		return n;
	}

	void cleanup() override
	{
		for (Slave *s : {&a_, &b_, &c_})
			del_all(*s);
		kc_lock_free(lock_);
	}

	kc_lock *lock_;
	Port port_;
	Slave a_, b_, c_;
};

// ---------------------------------------------------------------- addresses

TEST_F(PortTest, AddedAddressIsOwnedAndBusy)
{
	ASSERT_EQ(add(a_, ip4("10.0.0.1")), 0);
	EXPECT_TRUE(port_.addr_busy(ip4("10.0.0.1")));
	EXPECT_EQ(port_.owner_if_up(ip4("10.0.0.1")), &a_);
	EXPECT_EQ(port_.addr_count(), 1u);
	ASSERT_NE(a_.addrs, nullptr);
	EXPECT_EQ(a_.addrs->owner, &a_);
	EXPECT_EQ(a_.addrs->addr, ip4("10.0.0.1"));
}

TEST_F(PortTest, AddAllocatesAtomically)
{
	// IPv6 addresses can be added from softirq (SLAAC): GFP_ATOMIC.
	ASSERT_EQ(add(a_, ip6("2001:db8::1")), 0);
	EXPECT_EQ(fake_shim::last_alloc_atomic(), 1);
	EXPECT_EQ(fake_shim::last_alloc_size(), sizeof(AddrEntry));
	EXPECT_EQ(fake_shim::live_allocations(), allocs_at_start_ + 1);
}

TEST_F(PortTest, SameAddressOnTheSameSlaveIsEaddrinuse)
{
	ASSERT_EQ(add(a_, ip4("10.0.0.1")), 0);
	EXPECT_EQ(add(a_, ip4("10.0.0.1")), -kcpp::err::addrinuse);
	EXPECT_EQ(-kcpp::err::addrinuse, -98);
	EXPECT_EQ(count(a_), 1u);
}

TEST_F(PortTest, AddressOfASiblingIsEaddrinuse)
{
	ASSERT_EQ(add(a_, ip6("fe80::abcd")), 0);
	EXPECT_EQ(add(b_, ip6("fe80::abcd")), -98);
	EXPECT_EQ(count(b_), 0u);
	EXPECT_EQ(port_.owner_if_up(ip6("fe80::abcd")), &a_);
}

TEST_F(PortTest, AddressOfADownSiblingIsEaddrinuse)
{
	ASSERT_EQ(add(a_, ip4("10.0.0.1")), 0);
	a_.up = false;
	EXPECT_EQ(add(b_, ip4("10.0.0.1")), -98);
	EXPECT_EQ(b_.addrs, nullptr);
}

TEST_F(PortTest, AddressAddedWhileDownIsBusyButNotRoutedUntilUp)
{
	c_.up = false;
	ASSERT_EQ(add(c_, ip4("10.0.0.3")), 0);
	EXPECT_TRUE(port_.addr_busy(ip4("10.0.0.3")));
	EXPECT_EQ(port_.owner_if_up(ip4("10.0.0.3")), nullptr);
	c_.up = true;
	EXPECT_EQ(port_.owner_if_up(ip4("10.0.0.3")), &c_);
}

TEST_F(PortTest, SameBytesInTheOtherFamilyIsNotBusy)
{
	ASSERT_EQ(add(a_, ip4("1.2.3.4")), 0);
	EXPECT_EQ(add(b_, ip6("102:304::")), 0);
	EXPECT_EQ(port_.owner_if_up(ip4("1.2.3.4")), &a_);
	EXPECT_EQ(port_.owner_if_up(ip6("102:304::")), &b_);
}

TEST_F(PortTest, AllocationFailureIsEnomemAndChangesNothing)
{
	ASSERT_EQ(add(a_, ip4("10.0.0.1")), 0);
	fake_shim::fail_nth_allocation(1);
	EXPECT_EQ(add(a_, ip4("10.0.0.2")), -kcpp::err::nomem);
	EXPECT_EQ(-kcpp::err::nomem, -12);
	EXPECT_FALSE(port_.addr_busy(ip4("10.0.0.2")));
	EXPECT_EQ(port_.addr_count(), 1u);
	EXPECT_EQ(count(a_), 1u);
	// The next attempt succeeds.
	EXPECT_EQ(add(a_, ip4("10.0.0.2")), 0);
}

TEST_F(PortTest, DelAddrRemovesOnlyThatAddress)
{
	ASSERT_EQ(add(a_, ip4("10.0.0.1")), 0);
	ASSERT_EQ(add(a_, ip4("10.0.0.2")), 0);
	ASSERT_EQ(add(a_, ip6("2001:db8::1")), 0);
	del(a_, ip4("10.0.0.2"));
	EXPECT_FALSE(port_.addr_busy(ip4("10.0.0.2")));
	EXPECT_TRUE(port_.addr_busy(ip4("10.0.0.1")));
	EXPECT_TRUE(port_.addr_busy(ip6("2001:db8::1")));
	EXPECT_EQ(count(a_), 2u);
	EXPECT_EQ(port_.addr_count(), 2u);
}

TEST_F(PortTest, DelAddrOfTheHeadMiddleAndTailOfTheOwnerList)
{
	for (u32 i = 0; i < 5; i++)
		ASSERT_EQ(add(a_, ip4_n(i)), 0);
	del(a_, ip4_n(4)); // head (last added)
	del(a_, ip4_n(2)); // middle
	del(a_, ip4_n(0)); // tail
	EXPECT_EQ(count(a_), 2u);
	EXPECT_EQ(port_.owner_if_up(ip4_n(1)), &a_);
	EXPECT_EQ(port_.owner_if_up(ip4_n(3)), &a_);
	for (u32 i : {0u, 2u, 4u})
		EXPECT_FALSE(port_.addr_busy(ip4_n(i))) << i;
}

TEST_F(PortTest, DelAddrThroughAnotherSlaveDoesNotTouchTheOwner)
{
	ASSERT_EQ(add(a_, ip4("10.0.0.1")), 0);
	del(b_, ip4("10.0.0.1"));
	EXPECT_EQ(port_.owner_if_up(ip4("10.0.0.1")), &a_);
	EXPECT_EQ(count(a_), 1u);
}

TEST_F(PortTest, DelAddrOfAnUnknownAddressIsHarmless)
{
	ASSERT_EQ(add(a_, ip4("10.0.0.1")), 0);
	del(a_, ip4("10.0.0.9"));
	del(a_, ip6("::a00:1"));
	EXPECT_EQ(count(a_), 1u);
	EXPECT_EQ(fake_shim::rcu_pending(), 0u);
}

TEST_F(PortTest, FreedAddressCanBeTakenByAnotherSlave)
{
	ASSERT_EQ(add(a_, ip4("10.0.0.1")), 0);
	del(a_, ip4("10.0.0.1"));
	EXPECT_EQ(add(b_, ip4("10.0.0.1")), 0);
	EXPECT_EQ(port_.owner_if_up(ip4("10.0.0.1")), &b_);
}

TEST_F(PortTest, RemovedEntryStaysReadableUntilTheGracePeriodEnds)
{
	ASSERT_EQ(add(a_, ip4("10.0.0.1")), 0);
	ASSERT_EQ(add(a_, ip4("10.0.0.2")), 0);
	const AddrEntry *reader = a_.addrs; // 10.0.0.2, as a data-path reader would hold it
	ASSERT_EQ(reader->addr, ip4("10.0.0.2"));
	long live = fake_shim::live_allocations();

	del(a_, ip4("10.0.0.2"));
	EXPECT_EQ(fake_shim::rcu_pending(), 1u);
	EXPECT_EQ(fake_shim::live_allocations(), live);
	EXPECT_EQ(reader->addr, ip4("10.0.0.2"));
	EXPECT_EQ(reader->owner, &a_);

	fake_rcu_barrier();
	EXPECT_EQ(fake_shim::live_allocations(), live - 1);
}

TEST_F(PortTest, DelAllAddrsFreesEverythingAfterTheBarrier)
{
	for (u32 i = 0; i < 50; i++) {
		ASSERT_EQ(add(a_, ip4_n(i)), 0);
		ASSERT_EQ(add(a_, ip6_n(i)), 0);
	}
	ASSERT_EQ(add(b_, ip4("172.16.0.1")), 0);
	long live = fake_shim::live_allocations();

	del_all(a_);
	EXPECT_EQ(a_.addrs, nullptr);
	EXPECT_EQ(port_.addr_count(), 1u);
	EXPECT_FALSE(port_.addr_busy(ip4_n(7)));
	EXPECT_FALSE(port_.addr_busy(ip6_n(49)));
	EXPECT_EQ(fake_shim::live_allocations(), live); // not freed yet
	EXPECT_EQ(fake_shim::rcu_pending(), 100u);

	fake_rcu_barrier();
	EXPECT_EQ(fake_shim::live_allocations(), live - 100);
	EXPECT_EQ(port_.owner_if_up(ip4("172.16.0.1")), &b_);
}

TEST_F(PortTest, ManyAddressesAcrossSlavesAreAllOwnedCorrectly)
{
	Slave *slaves[] = {&a_, &b_, &c_};
	for (u32 i = 0; i < 3000; i++)
		ASSERT_EQ(add(*slaves[i % 3], ip6_n(i)), 0) << i;
	for (u32 i = 0; i < 3000; i++)
		ASSERT_EQ(port_.owner_if_up(ip6_n(i)), slaves[i % 3]) << i;
	EXPECT_EQ(port_.addr_count(), 3000u);
}

// ---------------------------------------------------------------- data path

TEST_F(PortTest, OwnerIfUpSkipsADownOwner)
{
	ASSERT_EQ(add(b_, ip6("2001:db8::2")), 0);
	EXPECT_EQ(port_.owner_if_up(ip6("2001:db8::2")), &b_);
	b_.up = false;
	EXPECT_EQ(port_.owner_if_up(ip6("2001:db8::2")), nullptr);
	EXPECT_TRUE(port_.addr_busy(ip6("2001:db8::2")));
}

TEST_F(PortTest, OwnerIfUpOfAnUnknownOrInvalidAddressIsNull)
{
	ASSERT_EQ(add(a_, ip4("10.0.0.1")), 0);
	EXPECT_EQ(port_.owner_if_up(ip4("10.0.0.2")), nullptr);
	EXPECT_EQ(port_.owner_if_up(IpAddr{}), nullptr);
}

// ---------------------------------------------------------------- slaves

using PortSlaves = ShimTest;
using PortObject = ShimTest;

TEST_F(PortSlaves, JoinSetsThePortAndLeaveCountsDown)
{
	kc_lock *lock = kc_lock_new();
	{
		Port port(nullptr, 1, lock);
		Slave x, y;
		port.join(x);
		port.join(y);
		EXPECT_EQ(x.port, &port);
		EXPECT_EQ(y.port, &port);
		EXPECT_EQ(port.leave(), 1u);
		EXPECT_EQ(port.leave(), 0u);
	}
	kc_lock_free(lock);
}

TEST_F(PortSlaves, AttachPutsTheNewestSlaveFirst)
{
	Port port(nullptr, 1, nullptr);
	Slave x, y, z;
	EXPECT_EQ(port.first_slave(), nullptr);
	port.attach(x);
	port.attach(y);
	port.attach(z);
	ASSERT_EQ(port.first_slave(), &z);
	EXPECT_EQ(z.sibling, &y);
	EXPECT_EQ(y.sibling, &x);
	EXPECT_EQ(x.sibling, nullptr);
}

TEST_F(PortSlaves, DetachMiddleHeadAndTail)
{
	Port port(nullptr, 1, nullptr);
	Slave x, y, z;
	port.attach(x);
	port.attach(y);
	port.attach(z); // z -> y -> x
	port.detach(y);
	EXPECT_EQ(port.first_slave(), &z);
	EXPECT_EQ(z.sibling, &x);
	EXPECT_EQ(y.sibling, &x) << "a reader standing on y must still reach x";
	port.detach(z);
	EXPECT_EQ(port.first_slave(), &x);
	port.detach(x);
	EXPECT_EQ(port.first_slave(), nullptr);
}

TEST_F(PortSlaves, DetachInAnyOrderKeepsTheOthersInOrder)
{
	Port port(nullptr, 1, nullptr);
	Slave s[5];
	for (Slave &x : s)
		port.attach(x); // s4 -> s3 -> s2 -> s1 -> s0
	port.detach(s[2]);
	port.detach(s[0]);
	port.detach(s[0]); // twice: nothing more happens
	port.detach(s[4]);
	std::vector<const Slave *> seen;
	port.for_each_slave_rcu([&](const Slave &x) { seen.push_back(&x); });
	EXPECT_EQ(seen, (std::vector<const Slave *>{&s[3], &s[1]}));
	port.attach(s[0]);
	port.detach(s[1]);
	seen.clear();
	port.for_each_slave_rcu([&](const Slave &x) { seen.push_back(&x); });
	EXPECT_EQ(seen, (std::vector<const Slave *>{&s[0], &s[3]}));
}

TEST_F(PortSlaves, DetachOfAnUnattachedSlaveChangesNothing)
{
	Port port(nullptr, 1, nullptr);
	Slave x, stranger;
	port.attach(x);
	port.detach(stranger);
	EXPECT_EQ(port.first_slave(), &x);
	EXPECT_EQ(x.sibling, nullptr);
}

TEST_F(PortSlaves, ReattachAfterDetachPutsTheSlaveFirstAgain)
{
	Port port(nullptr, 1, nullptr);
	Slave x, y;
	port.attach(x);
	port.attach(y);
	port.detach(x);
	port.attach(x);
	ASSERT_EQ(port.first_slave(), &x);
	EXPECT_EQ(x.sibling, &y);
	EXPECT_EQ(y.sibling, nullptr);
}

TEST_F(PortObject, NewPortComesFromTheShimNonAtomically)
{
	long before = fake_shim::live_allocations();
	Port *p = new Port(nullptr, 7, nullptr);
	ASSERT_NE(p, nullptr);
	EXPECT_EQ(fake_shim::last_alloc_atomic(), 0);
	EXPECT_EQ(fake_shim::last_alloc_size(), sizeof(Port));
	EXPECT_EQ(fake_shim::live_allocations(), before + 1);
	EXPECT_EQ(p->mode, Mode::l3);
	EXPECT_EQ(p->flags, 0);
	delete p;
	EXPECT_EQ(fake_shim::live_allocations(), before);
}

TEST_F(PortObject, FailedPortAllocationYieldsNull)
{
	long before = fake_shim::live_allocations();
	fake_shim::fail_nth_allocation(1);
	Port *p = new Port(nullptr, 7, nullptr);
	EXPECT_EQ(p, nullptr);
	EXPECT_EQ(fake_shim::live_allocations(), before);
	fake_shim::fail_nth_allocation(0);
}

// ---------------------------------------------------------------- resizing

class PortResizeTest : public PortTest {
protected:
	PortResizeTest()
	{
		port_.resize_work = kc_work_new([](void *p) { static_cast<Port *>(p)->resize_table(); },
						&port_);
	}

	void cleanup() override
	{
		for (Slave *s : {&a_, &b_, &c_})
			del_all(*s);
		fake_shim::run_pending_work(); // back to the table's own array
		EXPECT_EQ(port_.addr_buckets(), AddrTable::min_buckets);
		kc_work_free(port_.resize_work);
		PortTest::cleanup();
	}
};

TEST_F(PortResizeTest, ManyAddressesGrowTheTableFromProcessContextAndAllStayFound)
{
	unsigned long syncs = fake_shim::synchronize_rcu_calls();
	for (u32 i = 0; i < 2000; i++)
		ASSERT_EQ(add(i % 3 == 0 ? a_ : i % 3 == 1 ? b_ : c_, ip4_n(i)), 0);
	// Added under the lock (maybe in softirq context): only queued.
	EXPECT_EQ(port_.addr_buckets(), AddrTable::min_buckets);
	EXPECT_EQ(fake_shim::run_pending_work(), 1u);
	EXPECT_EQ(port_.addr_buckets(), 4096u);
	EXPECT_EQ(fake_shim::synchronize_rcu_calls(), syncs + 1); // before freeing the old array
	for (u32 i = 0; i < 2000; i++)
		ASSERT_EQ(port_.owner_if_up(ip4_n(i)), i % 3 == 0 ? &a_ : i % 3 == 1 ? &b_ : &c_) << i;
	EXPECT_EQ(add(b_, ip4_n(7)), -err::addrinuse); // still unique across the port
	EXPECT_EQ(fake_shim::run_pending_work(), 0u);   // nothing more to do
}

TEST_F(PortResizeTest, DeletingTheAddressesShrinksTheTableAgain)
{
	for (u32 i = 0; i < 3000; i++)
		ASSERT_EQ(add(a_, ip6_n(i)), 0);
	for (u32 i = 0; i < 10; i++)
		ASSERT_EQ(add(b_, ip6_n(100000 + i)), 0);
	fake_shim::run_pending_work();
	EXPECT_EQ(port_.addr_buckets(), 8192u);
	del_all(a_);
	fake_shim::run_pending_work();
	EXPECT_EQ(port_.addr_buckets(), AddrTable::min_buckets);
	for (u32 i = 0; i < 10; i++)
		EXPECT_EQ(port_.owner_if_up(ip6_n(100000 + i)), &b_);
}

TEST_F(PortResizeTest, AFailedAllocationKeepsTheTableAsItIsAndALaterChangeRetries)
{
	for (u32 i = 0; i < 300; i++)
		ASSERT_EQ(add(a_, ip4_n(i)), 0);
	fake_shim::fail_nth_allocation(1);
	fake_shim::run_pending_work();
	EXPECT_EQ(port_.addr_buckets(), AddrTable::min_buckets);
	for (u32 i = 0; i < 300; i++)
		ASSERT_EQ(port_.owner_if_up(ip4_n(i)), &a_);
	ASSERT_EQ(add(a_, ip4_n(300)), 0); // queues the resize again
	fake_shim::run_pending_work();
	EXPECT_EQ(port_.addr_buckets(), 1024u);
}

} // namespace
} // namespace test
