// SPDX-License-Identifier: GPL-2.0
#include "core/port.hpp"
#include "kcpp/errno.hpp"
#include "kcpp/rcu.hpp"
#include "kcpp/utility.hpp"

namespace ipvlan::core {

bool Slave::is_up() const { return kcpp::rcu_load_value(up); }

void Port::attach(Slave &slave)
{
	slave.sibling = slaves_;
	kcpp::rcu_publish(slaves_, &slave);
}

void Port::detach(Slave &slave)
{
	for (Slave **link = &slaves_; *link; link = &(*link)->sibling) {
		if (*link == &slave) {
			kcpp::rcu_init(*link, slave.sibling);
			return;
		}
	}
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
	return 0;
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
}

const Slave *Port::owner_if_up(const IpAddr &addr) const
{
	const AddrEntry *entry = table_.lookup(addr);
	if (!entry || !entry->owner->is_up())
		return nullptr;
	return entry->owner;
}

} // namespace ipvlan::core
