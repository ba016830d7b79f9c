// SPDX-License-Identifier: GPL-2.0
// classify_l3: which address identifies the receiving slave, what the stock
// driver's ipvlan_get_L3_hdr accepts and rejects, and how much must be
// linear. Every view is an exactly-sized heap buffer (see test_support.hpp),
// so a read past the view fails under AddressSanitizer.
#include "test_support.hpp"

namespace test {
namespace {

using Classify = ShimTest;

void expect_unparseable(const Classified &c)
{
	EXPECT_EQ(c.info.kind, L3Kind::unparseable);
	EXPECT_EQ(c.need_linear, 0u);
	EXPECT_FALSE(c.info.dst.valid());
	EXPECT_FALSE(c.info.src.valid());
}

// ---------------------------------------------------------------- ARP

TEST_F(Classify, ArpKeyIsTheTargetIpAndSourceTheSenderIp)
{
	Classified c = classify_whole(ethertype_arp, arp_packet("10.0.0.2", "10.0.0.1"));
	EXPECT_EQ(c.need_linear, 0u);
	EXPECT_EQ(c.info.kind, L3Kind::arp);
	EXPECT_EQ(c.info.dst, ip4("10.0.0.1"));
	EXPECT_EQ(c.info.src, ip4("10.0.0.2"));
}

TEST_F(Classify, ArpReplyIsKeyedTheSameWay)
{
	Classified c =
		classify_whole(ethertype_arp, arp_packet("192.0.2.1", "192.0.2.200", 2));
	EXPECT_EQ(c.info.kind, L3Kind::arp);
	EXPECT_EQ(c.info.dst, ip4("192.0.2.200"));
	EXPECT_EQ(c.info.src, ip4("192.0.2.1"));
}

TEST_F(Classify, ArpWithTrailingPaddingIsAccepted)
{
	Bytes pkt = arp_packet("10.0.0.2", "10.0.0.1");
	pkt.resize(46, 0); // minimum Ethernet payload
	Classified c = classify_whole(ethertype_arp, pkt);
	EXPECT_EQ(c.info.kind, L3Kind::arp);
	EXPECT_EQ(c.info.dst, ip4("10.0.0.1"));
}

// ---------------------------------------------------------------- IPv4

TEST_F(Classify, Ipv4KeyIsTheDestinationAndSourceTheSource)
{
	Classified c = classify_whole(ethertype_ipv4, ipv4_packet("10.0.0.2", "10.0.0.1"));
	EXPECT_EQ(c.need_linear, 0u);
	EXPECT_EQ(c.info.kind, L3Kind::ipv4);
	EXPECT_EQ(c.info.dst, ip4("10.0.0.1"));
	EXPECT_EQ(c.info.src, ip4("10.0.0.2"));
}

TEST_F(Classify, Ipv4HeaderWithoutPayloadIsAccepted)
{
	Classified c = classify_whole(ethertype_ipv4, ipv4_packet("10.0.0.2", "10.0.0.1", 0));
	EXPECT_EQ(c.info.kind, L3Kind::ipv4);
}

TEST_F(Classify, Ipv4WithOptionsIsAccepted)
{
	Bytes pkt = ipv4_packet("10.0.0.2", "10.0.0.1", 12);
	pkt[0] = 0x46; // ihl 6: 4 bytes of options, then 8 of payload
	Classified c = classify_whole(ethertype_ipv4, pkt);
	EXPECT_EQ(c.info.kind, L3Kind::ipv4);
	EXPECT_EQ(c.info.dst, ip4("10.0.0.1"));
}

TEST_F(Classify, Ipv4ShorterThanTheFrameIsAccepted)
{
	// Ethernet padding: tot_len 28 in a 46-byte frame.
	Bytes pkt = ipv4_packet("10.0.0.2", "10.0.0.1");
	pkt.resize(46, 0);
	Classified c = classify_whole(ethertype_ipv4, pkt);
	EXPECT_EQ(c.info.kind, L3Kind::ipv4);
}

TEST_F(Classify, Ipv4WithAnotherVersionIsRejected)
{
	for (u8 version : {0, 5, 6, 15}) {
		SCOPED_TRACE(int(version));
		Bytes pkt = ipv4_packet("10.0.0.2", "10.0.0.1");
		pkt[0] = u8(version << 4 | 5);
		expect_unparseable(classify_whole(ethertype_ipv4, pkt));
	}
}

TEST_F(Classify, Ipv4WithIhlBelowFiveIsRejected)
{
	for (u8 ihl = 0; ihl < 5; ihl++) {
		SCOPED_TRACE(int(ihl));
		Bytes pkt = ipv4_packet("10.0.0.2", "10.0.0.1");
		pkt[0] = u8(0x40 | ihl);
		expect_unparseable(classify_whole(ethertype_ipv4, pkt));
	}
}

TEST_F(Classify, Ipv4WithTotLenBelowTheHeaderLengthIsRejected)
{
	Bytes pkt = ipv4_packet("10.0.0.2", "10.0.0.1", 8);
	put16(pkt, 2, 19);
	expect_unparseable(classify_whole(ethertype_ipv4, pkt));

	Bytes opts = ipv4_packet("10.0.0.2", "10.0.0.1", 8);
	opts[0] = 0x47; // 28-byte header
	put16(opts, 2, 24);
	expect_unparseable(classify_whole(ethertype_ipv4, opts));
}

TEST_F(Classify, Ipv4WithTotLenBeyondThePacketIsRejected)
{
	Bytes pkt = ipv4_packet("10.0.0.2", "10.0.0.1", 8);
	put16(pkt, 2, 29); // one byte more than there is
	expect_unparseable(classify_whole(ethertype_ipv4, pkt));
}

TEST_F(Classify, Ipv4TotLenEqualToThePacketIsAccepted)
{
	Bytes pkt = ipv4_packet("10.0.0.2", "10.0.0.1", 8);
	ASSERT_EQ(load_be16(&pkt[2]), pkt.size());
	EXPECT_EQ(classify_whole(ethertype_ipv4, pkt).info.kind, L3Kind::ipv4);
}

// ---------------------------------------------------------------- IPv6

TEST_F(Classify, Ipv6KeyIsTheDestinationAndSourceTheSource)
{
	Classified c =
		classify_whole(ethertype_ipv6, ipv6_packet("2001:db8::2", "2001:db8::1"));
	EXPECT_EQ(c.need_linear, 0u);
	EXPECT_EQ(c.info.kind, L3Kind::ipv6);
	EXPECT_EQ(c.info.dst, ip6("2001:db8::1"));
	EXPECT_EQ(c.info.src, ip6("2001:db8::2"));
}

TEST_F(Classify, Ipv6WithAnotherVersionIsRejected)
{
	for (u8 version : {0, 4, 7, 15}) {
		SCOPED_TRACE(int(version));
		Bytes pkt = ipv6_packet("2001:db8::2", "2001:db8::1");
		pkt[0] = u8(version << 4);
		expect_unparseable(classify_whole(ethertype_ipv6, pkt));
	}
}

TEST_F(Classify, Ipv6FromUnspecifiedWithoutIcmpv6IsPlainIpv6)
{
	Classified c = classify_whole(ethertype_ipv6, ipv6_packet("::", "2001:db8::1"));
	EXPECT_EQ(c.info.kind, L3Kind::ipv6);
	EXPECT_EQ(c.info.dst, ip6("2001:db8::1"));
	EXPECT_EQ(c.info.src, ip6("::"));
}

TEST_F(Classify, Icmpv6FromASpecifiedSourceIsPlainIpv6)
{
	Bytes pkt = ipv6_packet("fe80::2", "ff02::1:ff00:1", ipproto_icmpv6, 24);
	pkt[40] = icmpv6_neighbour_solicitation;
	Classified c = classify_whole(ethertype_ipv6, pkt);
	EXPECT_EQ(c.info.kind, L3Kind::ipv6);
	EXPECT_EQ(c.info.dst, ip6("ff02::1:ff00:1"));
}

TEST_F(Classify, DadNeighbourSolicitationIsKeyedByItsTarget)
{
	Classified c = classify_whole(ethertype_ipv6, dad_ns("2001:db8::1"));
	EXPECT_EQ(c.need_linear, 0u);
	EXPECT_EQ(c.info.kind, L3Kind::icmpv6_unspecified_src);
	EXPECT_EQ(c.info.dst, ip6("2001:db8::1"));
	EXPECT_FALSE(c.info.src.valid());
}

TEST_F(Classify, Icmpv6OtherThanNsFromUnspecifiedHasNoKey)
{
	for (u8 type : {128, 133, 136, 143}) { // echo, RS, NA, MLDv2 report
		SCOPED_TRACE(int(type));
		Classified c =
			classify_whole(ethertype_ipv6, icmpv6_from_unspecified(type, 16));
		EXPECT_EQ(c.need_linear, 0u);
		EXPECT_EQ(c.info.kind, L3Kind::icmpv6_unspecified_src);
		EXPECT_FALSE(c.info.dst.valid());
		EXPECT_FALSE(c.info.src.valid());
	}
}

TEST_F(Classify, NonNsFromUnspecifiedNeedsOnlyTheIcmpv6Header)
{
	// An 8-byte ICMPv6 message with nothing after it: 48 bytes suffice.
	Classified c = classify_whole(ethertype_ipv6, icmpv6_from_unspecified(143, 0));
	EXPECT_EQ(c.info.kind, L3Kind::icmpv6_unspecified_src);
	EXPECT_FALSE(c.info.dst.valid());
}

// ---------------------------------------------------------------- other

TEST_F(Classify, UnknownEthertypesAreUnparseable)
{
	Bytes pkt = ipv4_packet("10.0.0.2", "10.0.0.1");
	for (u16 et : {0x0000, 0x8100, 0x88cc, 0x8808, 0x0801, 0xffff}) {
		SCOPED_TRACE(et);
		expect_unparseable(classify_whole(et, pkt));
	}
}

TEST_F(Classify, UnknownEthertypeReadsNothing)
{
	Exact none = exact(Bytes{}, 0);
	expect_unparseable(copied(classify_l3(view_of(0x88b5, none, 1500))));
}

TEST_F(Classify, EthertypeDecidesNotTheBytes)
{
	// An IPv6 packet announced as IPv4 is judged as IPv4 (version 6).
	expect_unparseable(
		classify_whole(ethertype_ipv4, ipv6_packet("2001:db8::2", "2001:db8::1")));
	// An IPv4 packet announced as ARP is read at the ARP offsets.
	Bytes v4 = ipv4_packet("10.0.0.2", "10.0.0.1");
	Classified c = classify_whole(ethertype_arp, v4);
	EXPECT_EQ(c.info.kind, L3Kind::arp);
}

// ---------------------------------------------------------------- truncation

struct Staged {
	const char *name;
	u16 ethertype;
	Bytes pkt;
	std::vector<u32> stages; // the linear lengths asked for, in order
	L3Kind kind;
};

std::vector<Staged> staged_cases()
{
	return {
		{"arp", ethertype_arp, arp_packet("10.0.0.2", "10.0.0.1"), {28}, L3Kind::arp},
		{"ipv4", ethertype_ipv4, ipv4_packet("10.0.0.2", "10.0.0.1", 100), {20},
		 L3Kind::ipv4},
		{"ipv6", ethertype_ipv6, ipv6_packet("2001:db8::2", "2001:db8::1", 17, 100), {40},
		 L3Kind::ipv6},
		{"dad_ns", ethertype_ipv6, dad_ns("2001:db8::1"), {40, 48, 64},
		 L3Kind::icmpv6_unspecified_src},
		{"icmpv6_unspecified_non_ns", ethertype_ipv6, icmpv6_from_unspecified(143, 20),
		 {40, 48}, L3Kind::icmpv6_unspecified_src},
	};
}

TEST_F(Classify, ShortViewOfALongEnoughPacketAsksForExactlyWhatIsNeeded)
{
	for (const Staged &s : staged_cases()) {
		SCOPED_TRACE(s.name);
		Classified whole = classify_whole(s.ethertype, s.pkt);
		u32 from = 0;
		for (u32 stage : s.stages) {
			for (u32 linear = from; linear < stage; linear++) {
				Classified c = classify_prefix(s.ethertype, s.pkt, linear);
				ASSERT_EQ(c.need_linear, stage) << "linear " << linear;
				ASSERT_EQ(c.info.kind, L3Kind::unparseable) << "linear " << linear;
			}
			from = stage;
		}
		// With the last stage linear, the answer is the full packet's.
		Classified c = classify_prefix(s.ethertype, s.pkt, s.stages.back());
		EXPECT_EQ(c.need_linear, 0u);
		EXPECT_EQ(c.info.kind, s.kind);
		EXPECT_EQ(c.info.dst, whole.info.dst);
		EXPECT_EQ(c.info.src, whole.info.src);
	}
}

TEST_F(Classify, PullLoopConvergesWithinThreePulls)
{
	// The shim pulls at most three times (IPVL_MAX_PULLS).
	for (const Staged &s : staged_cases()) {
		SCOPED_TRACE(s.name);
		u32 linear = 0;
		int pulls = 0;
		Classified c = classify_prefix(s.ethertype, s.pkt, linear);
		while (c.need_linear) {
			ASSERT_GT(c.need_linear, linear);
			ASSERT_LE(c.need_linear, s.pkt.size());
			linear = c.need_linear;
			pulls++;
			c = classify_prefix(s.ethertype, s.pkt, linear);
		}
		EXPECT_EQ(pulls, int(s.stages.size()));
		EXPECT_LE(pulls, 3);
		EXPECT_EQ(c.info.kind, s.kind);
	}
}

TEST_F(Classify, PacketShorterThanItsHeaderIsUnparseableAtEveryLength)
{
	// The packet itself ends early (linear == total): never a request for
	// bytes that do not exist, never a read past them.
	for (const Staged &s : staged_cases()) {
		SCOPED_TRACE(s.name);
		for (u32 len = 0; len < s.stages.back(); len++) {
			Classified c = classify_truncated(s.ethertype, s.pkt, len);
			ASSERT_EQ(c.info.kind, L3Kind::unparseable) << "len " << len;
			ASSERT_EQ(c.need_linear, 0u) << "len " << len;
		}
	}
}

TEST_F(Classify, ShortViewOfAShortPacketIsUnparseableNotAPull)
{
	// A DAD NS cut to 44 bytes: the IPv6 header fits, the ICMPv6 header
	// does not. With 40 linear bytes that is final; with 30, the IPv6
	// header is still worth pulling.
	Bytes pkt = dad_ns("2001:db8::1");
	Exact e = exact(pkt, 40);
	Classified c = copied(classify_l3(view_of(ethertype_ipv6, e, 44)));
	expect_unparseable(c);

	Exact e30 = exact(pkt, 30);
	EXPECT_EQ(classify_l3(view_of(ethertype_ipv6, e30, 44)).need_linear, 40u);
}

TEST_F(Classify, DadNsWithoutRoomForTheTargetIsUnparseable)
{
	Bytes pkt = dad_ns("2001:db8::1");
	for (u32 total : {48u, 56u, 63u}) {
		SCOPED_TRACE(total);
		Exact e = exact(pkt, total);
		expect_unparseable(copied(classify_l3(view_of(ethertype_ipv6, e, total))));
	}
}

TEST_F(Classify, Ipv4TotLenIsCheckedAgainstTheTotalNotTheView)
{
	// 20 linear bytes of a 128-byte packet: tot_len 128 is fine.
	Bytes pkt = ipv4_packet("10.0.0.2", "10.0.0.1", 108);
	Classified c = classify_prefix(ethertype_ipv4, pkt, 20);
	EXPECT_EQ(c.info.kind, L3Kind::ipv4);
	// The same header in a packet cut to 100 bytes is not.
	Exact e = exact(pkt, 20);
	expect_unparseable(copied(classify_l3(view_of(ethertype_ipv4, e, 100))));
}

} // namespace
} // namespace test
