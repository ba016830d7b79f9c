// SPDX-License-Identifier: GPL-2.0
#include "core/port.hpp"
#include "kcpp/errno.hpp"
#include "kcpp/lock.hpp"
#include "kcpp/rcu.hpp"
#include "kcpp/utility.hpp"

namespace ipvlan::core {

void Port::attach(Slave &slave)
{
	slave.sibling = slaves_;
	slave.link_to_me = &slaves_;
	if (slaves_)
		slaves_->link_to_me = &slave.sibling;
	kcpp::rcu_publish(slaves_, &slave);
}

// O(1), as the kernel's list_del_rcu: deleting 1,000 slaves one by one
// walked the list each time (3,000 instructions per slave at 1,000).
void Port::detach(Slave &slave)
{
	if (!slave.link_to_me)
		return; // never attached, or detached already
	// A reader standing on slave still reaches its successor.
	kcpp::rcu_init(*slave.link_to_me, slave.sibling);
	if (slave.sibling)
		slave.sibling->link_to_me = slave.link_to_me;
	slave.link_to_me = nullptr;
}

int Port::add_addr(Slave &owner, const IpAddr &addr)
{
	if (addr_busy(addr))
		return -err::addrinuse;
	auto *entry = new AddrEntry(&owner, addr);
	if (!entry)
		return -err::nomem;
	table_.insert(entry);
	entry->owner_next = owner.addrs;
	owner.addrs = entry;
	resize_if_wanted();
	return 0;
}

// Writers may run in softirq context (IPv6 autoconfiguration), where a large
// allocation and a grace period are out of the question: the resize runs
// later from process context, and lookups stay correct meanwhile, only with
// longer chains.
void Port::resize_if_wanted()
{
	if (resize_work && table_.wanted_buckets() != table_.bucket_count())
		kc_work_queue(resize_work);
}

void Port::resize_table()
{
	for (;;) {
		u32 want;
		{
			kcpp::LockGuard g(addrs_lock);
			want = table_.wanted_buckets();
			if (want == table_.bucket_count())
				return;
		}
		BucketArray *fresh = nullptr;
		if (want != AddrTable::min_buckets) {
			fresh = AddrTable::alloc_buckets(want);
			if (!fresh)
				return; // keep the current size; the next change retries
		}
		BucketArray *old = nullptr;
		{
			kcpp::LockGuard g(addrs_lock);
			if (table_.wanted_buckets() == want)
				old = table_.switch_to(fresh);
		}
		if (!old) { // the count moved on meanwhile: again
			table_.release(fresh);
			continue;
		}
		// No reader walks the old array (or its link) after this.
		kc_synchronize_rcu();
		table_.release(old);
	}
}

void Port::retire(AddrEntry *entry)
{
	table_.remove(entry);
	kc_call_rcu(&entry->rcu, [](kc_rcu_head *head) {
		delete kcpp::container_of(head, &AddrEntry::rcu);
	});
}

void Port::del_addr(Slave &owner, const IpAddr &addr)
{
	for (AddrEntry **link = &owner.addrs; *link; link = &(*link)->owner_next) {
		AddrEntry *entry = *link;
		if (entry->addr == addr) {
			*link = entry->owner_next;
			retire(entry);
			resize_if_wanted();
			return;
		}
	}
}

void Port::del_all_addrs(Slave &owner)
{
	while (AddrEntry *entry = owner.addrs) {
		owner.addrs = entry->owner_next;
		retire(entry);
	}
	resize_if_wanted();
}

} // namespace ipvlan::core
