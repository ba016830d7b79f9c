// SPDX-License-Identifier: GPL-2.0
#include "core/addr_table.hpp"
#include "kcpp/rcu.hpp"

namespace ipvlan::core {

const AddrEntry *AddrTable::lookup(const IpAddr &addr) const
{
	for (const AddrEntry *e = kcpp::rcu_load(bucket(addr)); e;
	     e = kcpp::rcu_load(e->chain_next)) {
		if (e->addr == addr)
			return e;
	}
	return nullptr;
}

bool AddrTable::insert(AddrEntry *entry)
{
	if (lookup(entry->addr))
		return false;
	AddrEntry *&head = bucket(entry->addr);
	entry->chain_next = head;
	// Publish only after the entry is fully initialised.
	kcpp::rcu_publish(head, entry);
	count_++;
	return true;
}

void AddrTable::remove(AddrEntry *entry)
{
	for (AddrEntry **link = &bucket(entry->addr); *link;
	     link = &(*link)->chain_next) {
		if (*link == entry) {
			// A reader standing on entry still sees a valid
			// chain_next, so the entry stays intact until freed.
			kcpp::rcu_init(*link, entry->chain_next);
			count_--;
			return;
		}
	}
}

} // namespace ipvlan::core
