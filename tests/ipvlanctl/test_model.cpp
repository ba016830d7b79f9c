// SPDX-License-Identifier: GPL-2.0
// Putting the show report together from per-namespace snapshots.
#include "model.hpp"
#include "model_support.hpp"

#include <gtest/gtest.h>

using namespace ipvlanctl;
using namespace ipvlanctl::test;

namespace {

std::vector<std::string> slave_names(const MasterView &m)
{
	std::vector<std::string> out;
	for (const SlaveView &s : m.slaves)
		out.push_back(s.name);
	return out;
}

} // namespace

TEST(Assemble, NothingWithoutSlaves)
{
	NetnsSnapshot a = ns(std::nullopt);
	a.links = {link(1, "lo"), link(2, "eth0"), link(3, "mv0", "macvlan")};
	EXPECT_TRUE(assemble({a}).masters.empty());
	EXPECT_TRUE(assemble({}).masters.empty());
}

TEST(Assemble, OneMasterSameNamespace)
{
	NetnsSnapshot a = ns("host");
	a.links = {link(1, "lo"), link(2, "veth0", "veth"), slave(6, "ipvl1", 2, 0, 1, std::nullopt, false),
		   slave(5, "ipvl0", 2, 0, 1), link(7, "dummy0", "dummy")};
	a.addrs = {addr(5, "10.1.0.1", 32), addr(2, "10.0.0.1", 24), addr(5, "2001:db8:1::1", 128),
		   addr(5, "fe80::1", 64, 253)};
	Report r = assemble({a});
	ASSERT_EQ(r.masters.size(), 1u);
	const MasterView &m = r.masters[0];
	EXPECT_EQ(m.name, "veth0");
	EXPECT_EQ(m.ifindex, 2);
	EXPECT_EQ(m.netns, "host");
	EXPECT_TRUE(m.netns_known);
	EXPECT_TRUE(m.visited);
	EXPECT_EQ(m.state, "UP");
	EXPECT_EQ(m.mode, 0);
	EXPECT_EQ(m.flags, 1);
	EXPECT_EQ(slave_names(m), (std::vector<std::string>{"ipvl0", "ipvl1"})) << "ordered by ifindex";

	const SlaveView &s0 = m.slaves[0];
	EXPECT_EQ(s0.kind, "ipvlan");
	EXPECT_EQ(s0.ifindex, 5);
	EXPECT_EQ(s0.netns, "host");
	EXPECT_EQ(s0.state, "UP");
	EXPECT_TRUE(s0.up);
	EXPECT_EQ(s0.mtu, 1500u);
	ASSERT_EQ(s0.addresses.size(), 3u) << "only its own addresses";
	EXPECT_EQ(s0.addresses[0].family, "inet");
	EXPECT_EQ(s0.addresses[0].local, "10.1.0.1");
	EXPECT_EQ(s0.addresses[0].prefixlen, 32u);
	EXPECT_EQ(s0.addresses[0].scope, "global");
	EXPECT_EQ(s0.addresses[1].family, "inet6");
	EXPECT_EQ(s0.addresses[1].local, "2001:db8:1::1");
	EXPECT_EQ(s0.addresses[2].scope, "link");

	const SlaveView &s1 = m.slaves[1];
	EXPECT_EQ(s1.state, "DOWN");
	EXPECT_FALSE(s1.up);
	EXPECT_TRUE(s1.addresses.empty());
}

TEST(Assemble, MastersOrderedByIfindex)
{
	NetnsSnapshot a = ns(std::nullopt);
	a.links = {link(3, "eth1"), link(2, "eth0"), slave(10, "s10", 3, 2, 2), slave(11, "s11", 2, 1, 0)};
	Report r = assemble({a});
	ASSERT_EQ(r.masters.size(), 2u);
	EXPECT_EQ(r.masters[0].name, "eth0");
	EXPECT_EQ(r.masters[0].mode, 1);
	EXPECT_EQ(r.masters[1].name, "eth1");
	EXPECT_EQ(r.masters[1].mode, 2);
	EXPECT_EQ(r.masters[1].flags, 2);
	EXPECT_FALSE(r.masters[0].netns) << "an unnamed namespace";
}

TEST(Assemble, SlavesInOtherNamespacesJoinTheirMaster)
{
	NetnsSnapshot host = ns(std::nullopt);
	host.links = {link(2, "veth0", "veth"), slave(9, "local0", 2, 1, 0)};
	NetnsSnapshot c1 = ns("c1");
	c1.links = {link(1, "lo"), slave(4, "ipvl0", 2, 1, 0, 0)};
	c1.peers = {{0, 0}}; // nsid 0 in c1 is the host
	c1.addrs = {addr(4, "10.1.0.1", 32)};
	NetnsSnapshot c2 = ns("c2");
	c2.links = {slave(3, "ipvl1", 2, 1, 0, 5)};
	c2.peers = {{5, 0}, {6, 1}};
	Report r = assemble({host, c1, c2});
	ASSERT_EQ(r.masters.size(), 1u);
	const MasterView &m = r.masters[0];
	EXPECT_EQ(m.name, "veth0");
	EXPECT_FALSE(m.netns);
	EXPECT_EQ(slave_names(m), (std::vector<std::string>{"local0", "ipvl0", "ipvl1"}))
		<< "ordered by namespace, then ifindex";
	EXPECT_EQ(m.slaves[1].netns, "c1");
	EXPECT_EQ(m.slaves[1].addresses.at(0).local, "10.1.0.1");
	EXPECT_EQ(m.slaves[2].netns, "c2");
}

TEST(Assemble, SameIfindexInTwoNamespacesIsTwoMasters)
{
	NetnsSnapshot a = ns("a");
	a.links = {link(2, "eth0"), slave(5, "x", 2, 0, 0)};
	NetnsSnapshot b = ns("b");
	b.links = {link(2, "eth0"), slave(5, "x", 2, 1, 0)};
	Report r = assemble({a, b});
	ASSERT_EQ(r.masters.size(), 2u);
	EXPECT_EQ(r.masters[0].netns, "a");
	EXPECT_EQ(r.masters[1].netns, "b");
	EXPECT_EQ(r.masters[1].mode, 1);
}

TEST(Assemble, MasterInANamespaceNotRead)
{
	// Without --all-netns: the slave's peer id maps to a named namespace
	// that was not read.
	NetnsSnapshot cur = ns("c1");
	cur.links = {slave(4, "ipvl0", 2, 1, 0, 3)};
	cur.peers = {{3, 1}};
	NetnsSnapshot host = ns("host", false);
	Report r = assemble({cur, host});
	ASSERT_EQ(r.masters.size(), 1u);
	const MasterView &m = r.masters[0];
	EXPECT_FALSE(m.name);
	EXPECT_EQ(m.ifindex, 2);
	EXPECT_EQ(m.netns, "host");
	EXPECT_TRUE(m.netns_known);
	EXPECT_FALSE(m.visited);
	EXPECT_FALSE(m.state);
	EXPECT_EQ(m.mode, 1);
}

TEST(Assemble, MasterInAnUnknownNamespaceComesLast)
{
	NetnsSnapshot cur = ns(std::nullopt);
	cur.links = {link(2, "eth0"), slave(4, "far", 7, 2, 1, 12), slave(5, "near", 2, 0, 0)};
	Report r = assemble({cur});
	ASSERT_EQ(r.masters.size(), 2u);
	EXPECT_EQ(r.masters[0].name, "eth0");
	const MasterView &m = r.masters[1];
	EXPECT_FALSE(m.name);
	EXPECT_FALSE(m.netns_known);
	EXPECT_EQ(m.link_netnsid, 12);
	EXPECT_EQ(m.ifindex, 7);
	EXPECT_EQ(slave_names(m), std::vector<std::string>{"far"});
}

TEST(Assemble, SameUnknownNsidFromTwoNamespacesIsNotMerged)
{
	// An nsid only means something in the namespace that reported it.
	NetnsSnapshot a = ns("a");
	a.links = {slave(4, "x", 2, 0, 0, 1)};
	NetnsSnapshot b = ns("b");
	b.links = {slave(4, "y", 2, 0, 0, 1)};
	EXPECT_EQ(assemble({a, b}).masters.size(), 2u);
}

TEST(Assemble, UnvisitedSnapshotsContributeNoSlaves)
{
	NetnsSnapshot cur = ns(std::nullopt);
	NetnsSnapshot other = ns("o", false);
	other.links = {link(2, "eth0"), slave(4, "x", 2, 0, 0)};
	EXPECT_TRUE(assemble({cur, other}).masters.empty());
}

TEST(Assemble, IpvtapSlavesShareThePort)
{
	NetnsSnapshot a = ns(std::nullopt);
	LinkRecord tap = slave(6, "ipvtap0", 2, 1, 0);
	tap.kind = "ipvtap";
	a.links = {link(2, "eth0"), slave(5, "ipvl0", 2, 1, 0), tap};
	Report r = assemble({a});
	ASSERT_EQ(r.masters.size(), 1u);
	ASSERT_EQ(r.masters[0].slaves.size(), 2u);
	EXPECT_EQ(r.masters[0].slaves[1].kind, "ipvtap");
}

TEST(Filter, ByMasterKeepsAllItsSlaves)
{
	NetnsSnapshot a = ns(std::nullopt);
	a.links = {link(2, "eth0"), link(3, "eth1"), slave(5, "s0", 2, 0, 0), slave(6, "s1", 2, 0, 0),
		   slave(7, "s2", 3, 0, 0)};
	Report r = filter_report(assemble({a}), "eth0");
	ASSERT_EQ(r.masters.size(), 1u);
	EXPECT_EQ(slave_names(r.masters[0]), (std::vector<std::string>{"s0", "s1"}));
}

TEST(Filter, BySlaveKeepsOnlyIt)
{
	NetnsSnapshot a = ns(std::nullopt);
	a.links = {link(2, "eth0"), slave(5, "s0", 2, 0, 0), slave(6, "s1", 2, 0, 0)};
	Report r = filter_report(assemble({a}), "s1");
	ASSERT_EQ(r.masters.size(), 1u);
	EXPECT_EQ(r.masters[0].name, "eth0");
	EXPECT_EQ(slave_names(r.masters[0]), std::vector<std::string>{"s1"});
}

TEST(Filter, NameInSeveralNamespaces)
{
	NetnsSnapshot a = ns("a");
	a.links = {link(2, "eth0"), slave(5, "eth1", 2, 0, 0)};
	NetnsSnapshot b = ns("b");
	b.links = {link(2, "eth1"), slave(5, "x", 2, 0, 0), slave(6, "y", 2, 0, 0)};
	Report r = filter_report(assemble({a, b}), "eth1");
	ASSERT_EQ(r.masters.size(), 2u);
	EXPECT_EQ(slave_names(r.masters[0]), std::vector<std::string>{"eth1"});
	EXPECT_EQ(slave_names(r.masters[1]), (std::vector<std::string>{"x", "y"}));
}

TEST(Filter, NoMatch)
{
	NetnsSnapshot a = ns(std::nullopt);
	a.links = {link(2, "eth0"), slave(5, "s0", 2, 0, 0)};
	EXPECT_TRUE(filter_report(assemble({a}), "nope").masters.empty());
}

TEST(Names, Operstate)
{
	EXPECT_EQ(operstate_name(0), "UNKNOWN");
	EXPECT_EQ(operstate_name(2), "DOWN");
	EXPECT_EQ(operstate_name(3), "LOWERLAYERDOWN");
	EXPECT_EQ(operstate_name(5), "DORMANT");
	EXPECT_EQ(operstate_name(6), "UP");
	EXPECT_EQ(operstate_name(7), "7");
}

TEST(Names, ScopeFamilyAddress)
{
	EXPECT_EQ(scope_name(0), "global");
	EXPECT_EQ(scope_name(200), "site");
	EXPECT_EQ(scope_name(253), "link");
	EXPECT_EQ(scope_name(254), "host");
	EXPECT_EQ(scope_name(100), "100");
	EXPECT_EQ(family_name(AF_INET), "inet");
	EXPECT_EQ(family_name(AF_INET6), "inet6");
	EXPECT_EQ(family_name(AF_PACKET), std::to_string(AF_PACKET));
	EXPECT_EQ(addr(1, "192.0.2.1", 24).bytes[0], 192);
	EXPECT_EQ(address_text(AF_INET, addr(1, "192.0.2.1", 24).bytes), "192.0.2.1");
	EXPECT_EQ(address_text(AF_INET6, addr(1, "2001:db8::a:0:0:1", 64).bytes), "2001:db8::a:0:0:1");
	EXPECT_EQ(address_text(AF_PACKET, {}), "");
}
