// SPDX-License-Identifier: GPL-2.0
// Text and JSON rendering of the report, and error lines.
#include "format.hpp"
#include "model_support.hpp"

#include <cerrno>
#include <cstring>
#include <gtest/gtest.h>

using namespace ipvlanctl;
using namespace ipvlanctl::test;

namespace {

// veth0 in "host" with ipvl0 (c1, UP, two addresses) and ipvl1 (unnamed
// namespace, DOWN, none).
Report sample()
{
	NetnsSnapshot host = ns("host");
	host.links = {link(2, "veth0", "veth")};
	NetnsSnapshot c1 = ns("c1");
	c1.links = {slave(4, "ipvl0", 2, 1, 0, 0)};
	c1.peers = {{0, 0}};
	c1.addrs = {addr(4, "10.1.0.1", 32), addr(4, "2001:db8:1::1", 128)};
	NetnsSnapshot anon = ns(std::nullopt);
	anon.links = {slave(9, "ipvl1", 2, 1, 0, 3, false)};
	anon.peers = {{3, 0}};
	return assemble({host, c1, anon});
}

} // namespace

TEST(FormatText, Sample)
{
	EXPECT_EQ(format_text(sample()), "veth0 (netns host): mode l3 bridge, 2 slaves\n"
					 "  ipvl0  netns c1  UP    10.1.0.1/32 2001:db8:1::1/128\n"
					 "  ipvl1  netns -   DOWN  -\n");
}

TEST(FormatText, Empty) { EXPECT_EQ(format_text(Report{}), ""); }

TEST(FormatText, OneSlaveAndFlags)
{
	NetnsSnapshot a = ns(std::nullopt);
	a.links = {link(2, "eth0"), slave(5, "s", 2, 2, 2)};
	EXPECT_EQ(format_text(assemble({a})), "eth0 (netns -): mode l3s vepa, 1 slave\n"
					      "  s  netns -  UP  -\n");
}

TEST(FormatText, MasterNotListed)
{
	NetnsSnapshot cur = ns("c1");
	cur.links = {slave(4, "ipvl0", 2, 0, 1, 3)};
	cur.peers = {{3, 1}};
	EXPECT_EQ(format_text(assemble({cur, ns("host", false)})),
		  "ifindex 2 (netns host, not listed: use --all-netns): mode l2 private, 1 slave\n"
		  "  ipvl0  netns c1  UP  -\n");
}

TEST(FormatText, MasterInUnknownNamespace)
{
	NetnsSnapshot cur = ns(std::nullopt);
	cur.links = {slave(4, "ipvl0", 7, 1, 0, 12)};
	EXPECT_EQ(format_text(assemble({cur})),
		  "ifindex 7 (netns unknown, id 12 in the slaves' netns): mode l3 bridge, 1 slave\n"
		  "  ipvl0  netns -  UP  -\n");
}

TEST(FormatText, IpvtapIsMarkedAndColumnsAlign)
{
	NetnsSnapshot a = ns("n");
	LinkRecord tap = slave(6, "t", 2, 1, 0);
	tap.kind = "ipvtap";
	a.links = {link(2, "eth0"), slave(5, "longslave0", 2, 1, 0), tap};
	EXPECT_EQ(format_text(assemble({a})), "eth0 (netns n): mode l3 bridge, 2 slaves\n"
					      "  longslave0  netns n  UP  -\n"
					      "  t (ipvtap)  netns n  UP  -\n");
}

TEST(FormatText, UnknownModeAndFlagsValues)
{
	NetnsSnapshot a = ns(std::nullopt);
	LinkRecord s = slave(5, "s", 2, 9, 0x10);
	LinkRecord t = slave(6, "t", 3, 0, 0);
	t.ipvlan_mode.reset();
	t.ipvlan_flags.reset();
	a.links = {link(2, "m"), link(3, "n"), s, t};
	const std::string out = format_text(assemble({a}));
	EXPECT_NE(out.find("m (netns -): mode 9 0x10, 1 slave\n"), std::string::npos) << out;
	EXPECT_NE(out.find("n (netns -): mode ? ?, 1 slave\n"), std::string::npos) << out;
}

TEST(FormatJson, Sample)
{
	EXPECT_EQ(format_json(sample(), false),
		  R"({"masters":[{"name":"veth0","ifindex":2,"netns":"host","state":"UP","mode":"l3","flags":"bridge",)"
		  R"("slaves":[)"
		  R"({"name":"ipvl0","kind":"ipvlan","ifindex":4,"netns":"c1","state":"UP","up":true,"mtu":1500,)"
		  R"("addresses":[{"family":"inet","local":"10.1.0.1","prefixlen":32,"scope":"global"},)"
		  R"({"family":"inet6","local":"2001:db8:1::1","prefixlen":128,"scope":"global"}]},)"
		  R"({"name":"ipvl1","kind":"ipvlan","ifindex":9,"netns":null,"state":"DOWN","up":false,"mtu":1500,)"
		  R"("addresses":[]}]}]})"
		  "\n");
}

TEST(FormatJson, Empty) { EXPECT_EQ(format_json(Report{}, false), "{\"masters\":[]}\n"); }

TEST(FormatJson, PrettyEmpty) { EXPECT_EQ(format_json(Report{}, true), "{\n  \"masters\": []\n}\n"); }

TEST(FormatJson, PrettyStartsIndented)
{
	const std::string out = format_json(sample(), true);
	EXPECT_EQ(out.rfind("{\n  \"masters\": [\n    {\n      \"name\": \"veth0\",\n", 0), 0u) << out;
	EXPECT_EQ(out.back(), '\n');
}

TEST(FormatJson, UnknownMasterHasNullsAndTheNsid)
{
	NetnsSnapshot cur = ns(std::nullopt);
	cur.links = {slave(4, "ipvl0", 7, 1, 0, 12)};
	const std::string out = format_json(assemble({cur}), false);
	EXPECT_EQ(out.rfind(R"({"masters":[{"name":null,"ifindex":7,"netns":null,"link_netnsid":12,)"
			    R"("state":null,"mode":"l3","flags":"bridge","slaves":[)",
			    0),
		  0u)
		<< out;
}

TEST(FormatJson, KnownMasterHasNoNsid)
{
	EXPECT_EQ(format_json(sample(), false).find("link_netnsid"), std::string::npos);
}

TEST(FormatJson, NamesAreEscaped)
{
	// Device names may hold '"', '\\' and any byte but '/', ':' and spaces;
	// namespace names may even hold control characters.
	NetnsSnapshot a = ns(std::string("we\"ird\\\x01\n"));
	a.links = {link(2, "m\"0"), slave(5, "s\\1\xff", 2, 0, 0)};
	const std::string out = format_json(assemble({a}), false);
	EXPECT_NE(out.find(R"("name":"m\"0")"), std::string::npos) << out;
	EXPECT_NE(out.find(R"("netns":"we\"ird\\\u0001\n")"), std::string::npos) << out;
	EXPECT_NE(out.find(R"("name":"s\\1\u00ff")"), std::string::npos) << out;
	for (char c : out.substr(0, out.size() - 1))
		EXPECT_GE(static_cast<unsigned char>(c), 0x20) << "raw control character in JSON";
}

TEST(FormatJson, NullModeAndFlags)
{
	NetnsSnapshot a = ns(std::nullopt);
	LinkRecord s = slave(5, "s", 2, 0, 0);
	s.ipvlan_mode.reset();
	s.ipvlan_flags.reset();
	a.links = {link(2, "m"), s};
	const std::string out = format_json(assemble({a}), false);
	EXPECT_NE(out.find(R"("mode":null,"flags":null)"), std::string::npos) << out;
}

TEST(ErrorLines, OneLine)
{
	EXPECT_EQ(one_line("  a\nb\tc \r\n"), "a b c");
	EXPECT_EQ(one_line(""), "");
	EXPECT_EQ(one_line("\n\n"), "");
	EXPECT_EQ(one_line("x\x7fy"), "x y");
}

TEST(ErrorLines, WithAndWithoutExtack)
{
	EXPECT_EQ(kernel_error_line("add ipvl0 on lo", EINVAL, ""),
		  std::string("add ipvl0 on lo: ") + std::strerror(EINVAL));
	EXPECT_EQ(kernel_error_line("add ipvl0 on lo", EINVAL, "ipvlan: master must be an Ethernet device\n"),
		  std::string("add ipvl0 on lo: ipvlan: master must be an Ethernet device (") +
			  std::strerror(EINVAL) + ")");
	EXPECT_EQ(error_text(EEXIST, "   "), std::strerror(EEXIST));
	EXPECT_EQ(error_text(EBUSY, "a\nb"), std::string("a b (") + std::strerror(EBUSY) + ")");
}
