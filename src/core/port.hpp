// SPDX-License-Identifier: GPL-2.0
// A port is one master device with its ipvlan slaves: the mode and flags they
// share, the table of their addresses, and their dev_ids.
#pragma once
#include "core/addr_table.hpp"
#include "core/dev_id.hpp"
#include "core/mac_filter.hpp"
#include "core/policy.hpp"
#include "kcpp/rcu.hpp"

struct net;
struct net_device;

namespace ipvlan::core {

class Port;

// The driver's part of a slave device (it lives in the netdev's private area).
struct Slave {
	net_device *dev = nullptr;
	net_device *master = nullptr;
	Port *port = nullptr;
	Slave *sibling = nullptr;   // next slave of the port (RTNL)
	Slave **link_to_me = nullptr; // the link that points here (RTNL)
	AddrEntry *addrs = nullptr; // this slave's addresses (address lock)
	u16 dev_id = 0;
	bool up = false; // administratively up; read by the data path
	bool holds_master_allmulti = false; // counted in the master's allmulti
	MacFilter mcast_filter; // multicast MACs to hand to this slave (L2)
	MacFilter pending_filter; // being rebuilt by set_rx_mode

	bool is_up() const { return kcpp::rcu_load_value(up); }
};

class Port : public kcpp::KernelObject<Port> {
public:
	Port(net_device *master_dev, u32 hash_key, kc_lock *lock)
		: master(master_dev), addrs_lock(lock), mac_key(hash_key), table_(hash_key)
	{
	}
	Port(const Port &) = delete;
	Port &operator=(const Port &) = delete;

	net_device *const master;
	kc_lock *const addrs_lock; // guards the table and every slave's addrs
	const u32 mac_key;         // keys the slaves' multicast filters
	kc_mcast_queue *mcast_queue = nullptr; // deferred broadcast/multicast
	// Runs resize_table() in process context; nullptr: nobody resizes
	// (the unit tests call resize_table() themselves).
	kc_work *resize_work = nullptr;
	Mode mode = Mode::l3;
	u16 flags = 0;
	DevIdAllocator dev_ids;
	// L3S: the netns whose netfilter hooks this port holds (the master's
	// netns when it entered L3S), nullptr while not in L3S.
	net *hooks_net = nullptr;

	bool is_private() const { return flags & flag_private; }
	bool is_vepa() const { return flags & flag_vepa; }

	// Slaves (RTNL). A slave joins the port when its netdev is initialised
	// and leaves when it is torn down; the port lives while anyone is
	// joined. It is attached to the list of siblings only once fully set
	// up, and detached when it is deleted.
	void join(Slave &slave)
	{
		slave.port = this;
		users_++;
	}
	u32 leave() { return --users_; }
	void attach(Slave &slave);
	void detach(Slave &slave);
	Slave *first_slave() const { return slaves_; }

	// RCU reader's walk over the slaves (the multicast worker).
	template <class Visit> void for_each_slave_rcu(Visit &&visit) const
	{
		for (const Slave *s = kcpp::rcu_load(slaves_); s; s = kcpp::rcu_load(s->sibling))
			visit(*s);
	}

	// Addresses (caller holds addrs_lock). add_addr returns 0, -EADDRINUSE
	// when any slave of the port owns it (up or down), or -ENOMEM.
	int add_addr(Slave &owner, const IpAddr &addr);
	void del_addr(Slave &owner, const IpAddr &addr);
	void del_all_addrs(Slave &owner);
	bool addr_busy(const IpAddr &addr) const { return table_.lookup(addr); }
	u32 addr_count() const { return table_.size(); }
	u32 addr_buckets() const { return table_.bucket_count(); }

	// Process context, without the address lock: bring the table to the
	// size its address count wants (it may sleep).
	void resize_table();

	// Data path (RCU reader): the slave that owns addr (an AddrRef into
	// the packet, or an IpAddr), if it is up.
	template <class Key> const Slave *owner_if_up(const Key &addr) const
	{
		const AddrEntry *entry = table_.lookup(addr);
		if (!entry || !entry->owner->is_up())
			return nullptr;
		return entry->owner;
	}
	// RCU reader: the slave that owns addr, up or not.
	template <class Key> const Slave *owner_of(const Key &addr) const
	{
		const AddrEntry *entry = table_.lookup(addr);
		return entry ? entry->owner : nullptr;
	}

private:
	void retire(AddrEntry *entry);
	void resize_if_wanted();

	AddrTable table_;
	Slave *slaves_ = nullptr;
	u32 users_ = 0;
};

} // namespace ipvlan::core
