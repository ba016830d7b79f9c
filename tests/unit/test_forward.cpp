// SPDX-License-Identifier: GPL-2.0
// decide_rx / decide_tx: the forwarding decision for a frame received on the
// master, or sent by a slave (spec sections 5.1, 5.2, 5.5).
//
// The port has two up slaves: a (10.0.0.1, 2001:db8::1) and b (10.0.0.2,
// 2001:db8::2). Transmit tests send from b.
#include <vector>
#include "test_support.hpp"

#include "core/forward.hpp"
#include "kcpp/lock.hpp"

namespace test {
namespace {

const u8 unicast_mac[6] = {0x02, 0x00, 0x00, 0x00, 0x00, 0x10}; // the shared MAC
const u8 ipv6_mcast_mac[6] = {0x33, 0x33, 0xff, 0x00, 0x00, 0x01};
const u8 broadcast_mac[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
const u8 other_mac[6] = {0x02, 0x00, 0x00, 0x00, 0x00, 0x77}; // a host on the wire

struct Pkt {
	u16 ethertype;
	Bytes bytes;
};

enum class Proto { ipv4, ipv6, arp, dad_ns };

const char *name_of(Proto p)
{
	switch (p) {
	case Proto::ipv4: return "ipv4";
	case Proto::ipv6: return "ipv6";
	case Proto::arp: return "arp";
	case Proto::dad_ns: return "dad_ns";
	}
	return "?";
}

// A packet of `proto` keyed to `who`: "a", "b", or "ext" (nobody's).
Pkt packet(Proto proto, const char *who)
{
	std::string w = who;
	const char *v4 = w == "a" ? "10.0.0.1" : w == "b" ? "10.0.0.2" : "192.0.2.9";
	const char *v6 = w == "a" ? "2001:db8::1" : w == "b" ? "2001:db8::2" : "2001:db8:ffff::9";
	switch (proto) {
	case Proto::ipv4:
		return {ethertype_ipv4, ipv4_packet("10.0.0.2", v4)};
	case Proto::ipv6:
		return {ethertype_ipv6, ipv6_packet("2001:db8::2", v6)};
	case Proto::arp:
		return {ethertype_arp, arp_packet("10.0.0.2", v4)};
	case Proto::dad_ns:
		return {ethertype_ipv6, dad_ns(v6)};
	}
	return {};
}

// How a frame of `proto` leaves through the master when no sibling takes it.
Action routed_out(Proto proto)
{
	switch (proto) {
	case Proto::ipv4: return Action::out_ipv4;
	case Proto::ipv6: return Action::out_ipv6;
	case Proto::dad_ns: return Action::out_ipv6;
	case Proto::arp: return Action::drop; // the master's namespace routes only IP
	}
	return Action::pass;
}

// The first pull a frame of `proto` asks for.
u32 first_pull(Proto proto)
{
	switch (proto) {
	case Proto::ipv4: return 20;
	case Proto::ipv6: return 40;
	case Proto::dad_ns: return 40;
	case Proto::arp: return 28;
	}
	return 0;
}

class ForwardTest : public ShimTest {
protected:
	ForwardTest() : lock_(kc_lock_new()), port_(nullptr, 0x0badcafeu, lock_)
	{
		port_.mode = Mode::l3;
		for (Slave *s : {&a_, &b_}) {
			port_.join(*s);
			port_.attach(*s);
			s->up = true;
		}
		kcpp::LockGuard g(lock_);
		EXPECT_EQ(port_.add_addr(a_, ip4("10.0.0.1")), 0);
		EXPECT_EQ(port_.add_addr(a_, ip6("2001:db8::1")), 0);
		EXPECT_EQ(port_.add_addr(b_, ip4("10.0.0.2")), 0);
		EXPECT_EQ(port_.add_addr(b_, ip6("2001:db8::2")), 0);
	}

	void cleanup() override
	{
		{
			kcpp::LockGuard g(lock_);
			port_.del_all_addrs(a_);
			port_.del_all_addrs(b_);
		}
		kc_lock_free(lock_);
	}

	// `linear` bytes readable of the packet (all by default), in a buffer of
	// exactly that size.
	Decision rx(const Pkt &p, const u8 *mac = nullptr, u32 linear = ~0u)
	{
		return decide(decide_rx, p, mac, linear);
	}

	// What the L3S hooks decide for a packet in the master netns's stack.
	Decision l3s(const Pkt &p, u32 linear = ~0u)
	{
		u32 total = u32(p.bytes.size());
		Exact e = exact(p.bytes, linear < total ? linear : total);
		return decide_l3s_rx(port_, view_of(p.ethertype, e, total));
	}

	Decision tx(const Pkt &p, const u8 *mac = unicast_mac, u32 linear = ~0u)
	{
		return decide(decide_tx, p, mac, linear);
	}

	// A frame on the master in L2: destination and source MAC, the master's
	// (shared) MAC known.
	Decision rx_l2(const Pkt &p, const u8 *dst, const u8 *src, bool looped_back = false)
	{
		u32 total = u32(p.bytes.size());
		Exact e = exact(p.bytes, total);
		Frame f;
		f.dst_mac = dst;
		f.src_mac = src;
		f.master_mac = unicast_mac;
		f.looped_back = looped_back;
		f.l3 = view_of(p.ethertype, e, total);
		return decide_rx(port_, f);
	}

	// An L2 slave's frame: destination and source MAC both given.
	Decision tx_l2(const Pkt &p, const u8 *dst, const u8 *src, u32 linear = ~0u)
	{
		return decide(decide_tx, p, dst, linear, src);
	}

	Decision decide(Decision (*fn)(const Port &, const Frame &), const Pkt &p,
			const u8 *mac, u32 linear, const u8 *src_mac = nullptr)
	{
		u32 total = u32(p.bytes.size());
		Exact e = exact(p.bytes, linear < total ? linear : total);
		Frame f;
		f.dst_mac = mac;
		f.src_mac = src_mac;
		f.l3 = view_of(p.ethertype, e, total);
		return fn(port_, f);
	}

	kc_lock *lock_;
	Port port_;
	Slave a_, b_;
};

// ================================================================ per protocol

class ForwardByProto : public ForwardTest, public ::testing::WithParamInterface<Proto> {
protected:
	Proto proto() const { return GetParam(); }
};

INSTANTIATE_TEST_SUITE_P(Protos, ForwardByProto,
			 ::testing::Values(Proto::ipv4, Proto::ipv6, Proto::arp, Proto::dad_ns),
			 [](const ::testing::TestParamInfo<Proto> &i) { return name_of(i.param); });

// ---------------------------------------------------------------- rx

TEST_P(ForwardByProto, RxDeliversToTheUpOwner)
{
	Decision d = rx(packet(proto(), "a"));
	EXPECT_EQ(d.action, Action::deliver);
	EXPECT_EQ(d.to, &a_);
	EXPECT_EQ(d.need_linear, 0u);
}

TEST_P(ForwardByProto, RxPassesWhenNobodyOwnsTheKey)
{
	Decision d = rx(packet(proto(), "ext"));
	EXPECT_EQ(d.action, Action::pass);
	EXPECT_EQ(d.to, nullptr);
}

TEST_P(ForwardByProto, RxPassesWhenTheOwnerIsDown)
{
	a_.up = false;
	Decision d = rx(packet(proto(), "a"));
	EXPECT_EQ(d.action, Action::pass);
	EXPECT_EQ(d.to, nullptr);
}

TEST_P(ForwardByProto, RxIgnoresPrivateAndVepa)
{
	for (u16 flags : {flag_private, flag_vepa}) {
		SCOPED_TRACE(flags);
		port_.flags = flags;
		Decision d = rx(packet(proto(), "b"));
		EXPECT_EQ(d.action, Action::deliver);
		EXPECT_EQ(d.to, &b_);
	}
}

TEST_P(ForwardByProto, RxInL3sAlwaysPasses)
{
	port_.mode = Mode::l3s;
	EXPECT_EQ(rx(packet(proto(), "a")).action, Action::pass);
	EXPECT_EQ(rx(packet(proto(), "a"), nullptr, 0).action, Action::pass);
}

// ---------------------------------------------------------------- L3S hooks

TEST_P(ForwardByProto, L3sHookDeliversToTheUpOwner)
{
	port_.mode = Mode::l3s;
	Decision d = l3s(packet(proto(), "a"));
	EXPECT_EQ(d.action, Action::deliver);
	EXPECT_EQ(d.to, &a_);
}

TEST_P(ForwardByProto, L3sHookPassesWithoutAnUpOwner)
{
	port_.mode = Mode::l3s;
	EXPECT_EQ(l3s(packet(proto(), "ext")).action, Action::pass);
	a_.up = false;
	EXPECT_EQ(l3s(packet(proto(), "a")).action, Action::pass);
}

TEST_P(ForwardByProto, L3sHookPassesOncePortLeftL3s)
{
	// The hooks are per netns and outlive a mode change by a grace period.
	for (Mode m : {Mode::l2, Mode::l3}) {
		port_.mode = m;
		EXPECT_EQ(l3s(packet(proto(), "a")).action, Action::pass);
	}
}

TEST_P(ForwardByProto, L3sHookAsksForTheHeaderItNeeds)
{
	port_.mode = Mode::l3s;
	Decision d = l3s(packet(proto(), "a"), 0);
	EXPECT_EQ(d.action, Action::pull);
	EXPECT_EQ(d.need_linear, first_pull(proto()));
}

TEST_P(ForwardByProto, RxInL3DeliversEvenToAMulticastMac)
{
	// L3 looks only at the network header: an external DAD NS or ARP
	// broadcast for a slave's address goes to that slave.
	Decision d = rx(packet(proto(), "a"), ipv6_mcast_mac);
	EXPECT_EQ(d.action, Action::deliver);
	EXPECT_EQ(d.to, &a_);
	EXPECT_EQ(rx(packet(proto(), "a"), broadcast_mac).action, Action::deliver);
}

TEST_P(ForwardByProto, RxInL2DeliversUnicastLikeL3)
{
	port_.mode = Mode::l2;
	Decision d = rx(packet(proto(), "a"), unicast_mac);
	EXPECT_EQ(d.action, Action::deliver);
	EXPECT_EQ(d.to, &a_);
}

// Spec 5.1 (L2): broadcast/multicast from the wire is queued for the slaves
// (and passed to the master), unless it is a slave's own frame coming back:
// the shared MAC as source and a slave's address as sender.
TEST_P(ForwardByProto, RxInL2FloodsMulticastAndBroadcastFromAnotherMac)
{
	port_.mode = Mode::l2;
	EXPECT_EQ(rx_l2(packet(proto(), "a"), ipv6_mcast_mac, other_mac).action, Action::flood_rx);
	EXPECT_EQ(rx_l2(packet(proto(), "a"), broadcast_mac, other_mac).action, Action::flood_rx);
}

TEST_P(ForwardByProto, RxInL2PassesASlavesOwnFrameComingBack)
{
	port_.mode = Mode::l2;
	// packet() sends from b's address; DAD probes have no source address.
	Action expected = proto() == Proto::dad_ns ? Action::flood_rx : Action::pass;
	EXPECT_EQ(rx_l2(packet(proto(), "a"), broadcast_mac, unicast_mac).action, expected);
	b_.up = false; // a down slave's address is not one the port answers for
	EXPECT_EQ(rx_l2(packet(proto(), "a"), broadcast_mac, unicast_mac).action, Action::flood_rx);
}

TEST_P(ForwardByProto, RxInL2PassesLoopedBackFrames)
{
	port_.mode = Mode::l2;
	EXPECT_EQ(rx_l2(packet(proto(), "a"), broadcast_mac, other_mac, true).action, Action::pass);
	EXPECT_EQ(rx_l2(packet(proto(), "a"), unicast_mac, other_mac, true).action, Action::pass);
}

TEST_P(ForwardByProto, RxInL3NeverFloods)
{
	Decision d = rx_l2(packet(proto(), "ext"), broadcast_mac, other_mac);
	EXPECT_EQ(d.action, Action::pass);
}

TEST_P(ForwardByProto, RxOfATruncatedViewAsksForTheHeader)
{
	Decision d = rx(packet(proto(), "a"), nullptr, first_pull(proto()) - 1);
	EXPECT_EQ(d.action, Action::pull);
	EXPECT_EQ(d.need_linear, first_pull(proto()));
	EXPECT_EQ(d.to, nullptr);
}

TEST_P(ForwardByProto, RxOfAPacketShorterThanItsHeaderPasses)
{
	Pkt p = packet(proto(), "a");
	p.bytes.resize(first_pull(proto()) - 1);
	Decision d = rx(p);
	EXPECT_EQ(d.action, Action::pass);
	EXPECT_EQ(d.need_linear, 0u);
}

// ---------------------------------------------------------------- tx

TEST_P(ForwardByProto, TxBridgeToASiblingIsLocal)
{
	Decision d = tx(packet(proto(), "a"));
	EXPECT_EQ(d.action, Action::local);
	EXPECT_EQ(d.to, &a_);
}

TEST_P(ForwardByProto, TxPrivateToASiblingIsDropped)
{
	port_.flags = flag_private;
	Decision d = tx(packet(proto(), "a"));
	EXPECT_EQ(d.action, Action::drop);
	EXPECT_EQ(d.to, nullptr);
}

TEST_P(ForwardByProto, TxVepaToASiblingIsRoutedOut)
{
	port_.flags = flag_vepa;
	Decision d = tx(packet(proto(), "a"));
	EXPECT_EQ(d.action, routed_out(proto()));
	EXPECT_EQ(d.to, nullptr);
}

TEST_P(ForwardByProto, TxWithoutOwnerIsRoutedOutWhateverTheFlags)
{
	for (u16 flags : {0, int(flag_private), int(flag_vepa)}) {
		SCOPED_TRACE(flags);
		port_.flags = flags;
		Decision d = tx(packet(proto(), "ext"));
		EXPECT_EQ(d.action, routed_out(proto()));
		EXPECT_EQ(d.to, nullptr);
	}
}

TEST_P(ForwardByProto, TxToADownSiblingIsRoutedOut)
{
	a_.up = false;
	EXPECT_EQ(tx(packet(proto(), "a")).action, routed_out(proto()));
	port_.flags = flag_private; // nothing local to protect either
	EXPECT_EQ(tx(packet(proto(), "a")).action, routed_out(proto()));
}

TEST_P(ForwardByProto, TxToItsOwnAddressIsLocalToItself)
{
	// E.g. a slave's own DAD NS is looped back to it in L3 (spec 5.5).
	Decision d = tx(packet(proto(), "b"));
	EXPECT_EQ(d.action, Action::local);
	EXPECT_EQ(d.to, &b_);
}

TEST_P(ForwardByProto, TxWithMulticastMacAndNoOwnerIsDropped)
{
	for (const u8 *mac : {ipv6_mcast_mac, broadcast_mac}) {
		Decision d = tx(packet(proto(), "ext"), mac);
		EXPECT_EQ(d.action, Action::drop);
		EXPECT_EQ(d.to, nullptr);
	}
}

TEST_P(ForwardByProto, TxWithMulticastMacToASiblingIsStillLocal)
{
	// Stock L3: the lookup comes first; only what is routed out is dropped
	// for a multicast destination MAC.
	Decision d = tx(packet(proto(), "a"), broadcast_mac);
	EXPECT_EQ(d.action, Action::local);
	EXPECT_EQ(d.to, &a_);
}

TEST_P(ForwardByProto, TxOfATruncatedViewAsksForTheHeader)
{
	for (u16 flags : {0, int(flag_private), int(flag_vepa)}) {
		SCOPED_TRACE(flags);
		port_.flags = flags;
		Decision d = tx(packet(proto(), "a"), unicast_mac, 0);
		EXPECT_EQ(d.action, Action::pull);
		EXPECT_EQ(d.need_linear, first_pull(proto()));
		EXPECT_EQ(d.to, nullptr);
	}
}

TEST_P(ForwardByProto, TxInL3sIsDecidedLikeL3)
{
	port_.mode = Mode::l3s;
	EXPECT_EQ(tx(packet(proto(), "a")).action, Action::local);
	EXPECT_EQ(tx(packet(proto(), "ext")).action, routed_out(proto()));
}

// ================================================================ specific cases

TEST_F(ForwardTest, DadNsPullsThreeTimesThenDelivers)
{
	Pkt p = packet(Proto::dad_ns, "a");
	EXPECT_EQ(rx(p, nullptr, 0).need_linear, 40u);
	EXPECT_EQ(rx(p, nullptr, 40).need_linear, 48u);
	EXPECT_EQ(rx(p, nullptr, 48).need_linear, 64u);
	Decision d = rx(p, nullptr, 64);
	EXPECT_EQ(d.action, Action::deliver);
	EXPECT_EQ(d.to, &a_);
}

TEST_F(ForwardTest, TxDadNsNeedsTheTargetBeforeDeciding)
{
	Pkt p = packet(Proto::dad_ns, "a");
	Decision d = tx(p, ipv6_mcast_mac, 48);
	EXPECT_EQ(d.action, Action::pull);
	EXPECT_EQ(d.need_linear, 64u);
}

TEST_F(ForwardTest, RxUnknownEthertypePasses)
{
	Pkt p{0x88cc, Bytes(60, 0)}; // LLDP
	EXPECT_EQ(rx(p).action, Action::pass);
	EXPECT_EQ(rx(p, broadcast_mac).action, Action::pass);
}

TEST_F(ForwardTest, TxUnknownEthertypeIsDroppedInEveryFlagMode)
{
	Pkt p{0x88cc, Bytes(60, 0)};
	for (u16 flags : {0, int(flag_private), int(flag_vepa)}) {
		SCOPED_TRACE(flags);
		port_.flags = flags;
		EXPECT_EQ(tx(p).action, Action::drop);
	}
}

TEST_F(ForwardTest, UnknownEthertypeNeverAsksForAPull)
{
	Pkt p{0x8100, Bytes(4, 0)};
	EXPECT_EQ(rx(p, nullptr, 0).action, Action::pass);
	EXPECT_EQ(tx(p, unicast_mac, 0).action, Action::drop);
}

TEST_F(ForwardTest, RxIcmpv6FromUnspecifiedOtherThanNsPasses)
{
	Pkt p{ethertype_ipv6, icmpv6_from_unspecified(143, 20)}; // MLDv2 report
	EXPECT_EQ(rx(p).action, Action::pass);
}

TEST_F(ForwardTest, TxIcmpv6FromUnspecifiedOtherThanNsIsRoutedOrDropped)
{
	Pkt p{ethertype_ipv6, icmpv6_from_unspecified(143, 20)};
	EXPECT_EQ(tx(p, unicast_mac).action, Action::out_ipv6);
	EXPECT_EQ(tx(p, ipv6_mcast_mac).action, Action::drop);
}

TEST_F(ForwardTest, RxMalformedIpv4Passes)
{
	Pkt p = packet(Proto::ipv4, "a");
	p.bytes[0] = 0x44; // ihl 4
	EXPECT_EQ(rx(p).action, Action::pass);
}

TEST_F(ForwardTest, TxMalformedIpv4IsNotDeliveredToTheSibling)
{
	// Like the stock driver: an unparseable header skips the lookup and the
	// frame goes to the master's outbound path by ethertype.
	Pkt p = packet(Proto::ipv4, "a");
	put16(p.bytes, 2, 200); // tot_len beyond the packet
	Decision d = tx(p);
	EXPECT_EQ(d.action, Action::out_ipv4);
	EXPECT_EQ(d.to, nullptr);
}

TEST_F(ForwardTest, TxIpv6BroadcastMacToAnUnownedAddressIsDropped)
{
	Pkt p = packet(Proto::ipv6, "ext");
	EXPECT_EQ(tx(p, broadcast_mac).action, Action::drop);
	EXPECT_EQ(tx(p, unicast_mac).action, Action::out_ipv6);
}

TEST_F(ForwardTest, TxWithoutAKnownMacIsRoutedByEthertype)
{
	EXPECT_EQ(tx(packet(Proto::ipv4, "ext"), nullptr).action, Action::out_ipv4);
	EXPECT_EQ(tx(packet(Proto::arp, "ext"), nullptr).action, Action::drop);
}

TEST_F(ForwardTest, ArpIsKeyedByTargetNotSender)
{
	// Sender 10.0.0.2 is b's address; the target is a's: a gets it.
	Decision d = rx(packet(Proto::arp, "a"));
	EXPECT_EQ(d.to, &a_);
	// Target unknown: nobody, even though the sender is b's.
	EXPECT_EQ(rx(packet(Proto::arp, "ext")).action, Action::pass);
}

TEST_F(ForwardTest, RxDeliveryFollowsAddressChanges)
{
	Pkt p = packet(Proto::ipv4, "a");
	ASSERT_EQ(rx(p).to, &a_);
	{
		kcpp::LockGuard g(lock_);
		port_.del_addr(a_, ip4("10.0.0.1"));
		ASSERT_EQ(port_.add_addr(b_, ip4("10.0.0.1")), 0);
	}
	Decision d = rx(p);
	EXPECT_EQ(d.action, Action::deliver);
	EXPECT_EQ(d.to, &b_);
}

// ================================================================ L2 mode
//
// Spec 5.2 (L2): a slave's frames are switched at L2 by the master (unicast
// via dev_queue_xmit on the master, multicast/broadcast through the multicast
// path and out the master). They are never routed in the master's namespace,
// and an L2 slave's broadcast ARP request must leave, or it can never
// resolve a neighbour.

TEST_F(ForwardTest, TxInL2ABroadcastArpRequestIsNotDropped)
{
	port_.mode = Mode::l2;
	Decision d = tx(packet(Proto::arp, "ext"), broadcast_mac);
	EXPECT_NE(d.action, Action::drop)
		<< "an L2 slave's ARP requests never leave: no neighbour is ever resolved";
	EXPECT_EQ(d.action, Action::flood_tx);
}

// 802.3x PAUSE (01:80:c2:00:00:01) is about one link: the master's from the
// wire, the slave's own from a slave. Neither is flooded to the slaves.
TEST_F(ForwardTest, L2PauseFramesAreNeverFlooded)
{
	const u8 pause_mac[6] = {0x01, 0x80, 0xc2, 0x00, 0x00, 0x01};
	port_.mode = Mode::l2;
	Pkt pause{ethertype_pause, Bytes(46, 0)};
	EXPECT_EQ(rx_l2(pause, pause_mac, other_mac).action, Action::pass);
	EXPECT_EQ(tx_l2(pause, pause_mac, unicast_mac).action, Action::drop);
	// ...while another multicast ethertype from the same MAC is flooded.
	Pkt other{0x88b5, Bytes(46, 0)};
	EXPECT_EQ(rx_l2(other, pause_mac, other_mac).action, Action::flood_rx);
	EXPECT_EQ(tx_l2(other, pause_mac, unicast_mac).action, Action::flood_tx);
}

TEST_F(ForwardTest, TxInL2FloodsEvenUnderPrivateAndVepa)
{
	// Stock: PRIVATE and VEPA apply to unicast only (spec 5.3).
	port_.mode = Mode::l2;
	for (u16 flags : {flag_private, flag_vepa}) {
		port_.flags = flags;
		EXPECT_EQ(tx(packet(Proto::arp, "b"), broadcast_mac).action, Action::flood_tx);
	}
}

// ---------------------------------------------------------------- flood targets

class FloodTest : public ForwardTest {
protected:
	FloodTest()
	{
		for (Slave *s : {&a_, &b_}) {
			MacFilter f;
			f.add(broadcast_mac, port_.mac_key);
			s->mcast_filter.publish(f);
		}
	}

	std::vector<const Slave *> targets(const u8 *dst, const Slave *origin,
					   const FloodScope &scope = {})
	{
		std::vector<const Slave *> got;
		for_each_flood_target(port_, dst, origin, scope,
				      [&](const Slave &s) { got.push_back(&s); });
		return got;
	}

	FloodScope scope_of(u16 ethertype, const Bytes &pkt, u32 linear = ~0u)
	{
		u32 total = u32(pkt.size());
		Exact e = exact(pkt, linear < total ? linear : total);
		return decide_flood_scope(port_, view_of(ethertype, e, total));
	}

	// Targets of a whole frame, pulling as the shim does.
	std::vector<const Slave *> targets_of(u16 ethertype, const Bytes &pkt, const u8 *dst,
					      const Slave *origin)
	{
		FloodScope scope = scope_of(ethertype, pkt);
		EXPECT_EQ(scope.need_linear, 0u);
		return targets(dst, origin, scope);
	}

	// An NS for `target` from `src`, to the target's solicited-node group.
	static Bytes ns_for(const char *target, const char *src = "2001:db8::99")
	{
		auto t = bytes6(target);
		char group[64];
		std::snprintf(group, sizeof(group), "ff02::1:ff%02x:%02x%02x", t[13], t[14], t[15]);
		Bytes b = ipv6_packet(src, group, ipproto_icmpv6, 8 + 16);
		b[7] = 255;
		b[40] = icmpv6_neighbour_solicitation;
		put(b, 48, t);
		return b;
	}

	void subscribe(Slave &s, const u8 *mac)
	{
		MacFilter f;
		f.add(broadcast_mac, port_.mac_key);
		f.add(mac, port_.mac_key);
		s.mcast_filter.publish(f);
	}

	const u8 sn1_mac[6] = {0x33, 0x33, 0xff, 0x00, 0x00, 0x01}; // ff02::1:ff00:1
};

TEST_F(FloodTest, BroadcastFromTheWireReachesEveryUpSlave)
{
	auto got = targets(broadcast_mac, nullptr);
	EXPECT_EQ(got.size(), 2u);
	b_.up = false;
	EXPECT_EQ(targets(broadcast_mac, nullptr), std::vector<const Slave *>{&a_});
}

TEST_F(FloodTest, TheSenderDoesNotGetItsOwnFrame)
{
	EXPECT_EQ(targets(broadcast_mac, &a_), std::vector<const Slave *>{&b_});
}

TEST_F(FloodTest, MulticastReachesOnlySlavesWhoseFilterWantsIt)
{
	EXPECT_TRUE(targets(ipv6_mcast_mac, nullptr).empty());
	MacFilter f;
	f.add(broadcast_mac, port_.mac_key);
	f.add(ipv6_mcast_mac, port_.mac_key);
	b_.mcast_filter.publish(f);
	EXPECT_EQ(targets(ipv6_mcast_mac, nullptr), std::vector<const Slave *>{&b_});
	MacFilter all;
	all.fill();
	a_.mcast_filter.publish(all); // promiscuous or allmulti
	EXPECT_EQ(targets(ipv6_mcast_mac, nullptr).size(), 2u);
}

// ARP/ND filter (issue 5; a deliberate difference from stock, which copies
// every query to every slave).

TEST_F(FloodTest, AnArpRequestGoesOnlyToTheOwnerOfItsTarget)
{
	auto got = targets_of(ethertype_arp, arp_packet("192.0.2.9", "10.0.0.2"), broadcast_mac,
			      nullptr);
	EXPECT_EQ(got, std::vector<const Slave *>{&b_});
}

TEST_F(FloodTest, AnArpRequestForNobodysAddressGoesToNoSlave)
{
	EXPECT_TRUE(targets_of(ethertype_arp, arp_packet("192.0.2.9", "10.0.0.99"),
			       broadcast_mac, nullptr)
			    .empty());
}

TEST_F(FloodTest, AnArpRequestFromASiblingGoesToTheOwnerButNeverBackToTheSender)
{
	EXPECT_EQ(targets_of(ethertype_arp, arp_packet("10.0.0.1", "10.0.0.2"), broadcast_mac, &a_),
		  std::vector<const Slave *>{&b_});
	// Asking for its own address (a probe with a source, or a loop).
	EXPECT_TRUE(targets_of(ethertype_arp, arp_packet("0.0.0.0", "10.0.0.1"), broadcast_mac, &a_)
			    .empty());
}

TEST_F(FloodTest, AnArpProbeGoesToTheOwnerOnly)
{
	EXPECT_EQ(targets_of(ethertype_arp, arp_packet("0.0.0.0", "10.0.0.1"), broadcast_mac,
			     nullptr),
		  std::vector<const Slave *>{&a_});
}

TEST_F(FloodTest, AnArpRequestForADownOwnerGoesToNobody)
{
	a_.up = false;
	EXPECT_TRUE(targets_of(ethertype_arp, arp_packet("192.0.2.9", "10.0.0.1"), broadcast_mac,
			       nullptr)
			    .empty());
}

TEST_F(FloodTest, GratuitousArpAndRepliesStillGoToEverySlave)
{
	EXPECT_EQ(targets_of(ethertype_arp, arp_packet("10.0.0.7", "10.0.0.7"), broadcast_mac,
			     nullptr)
			  .size(),
		  2u);
	EXPECT_EQ(targets_of(ethertype_arp, arp_packet("192.0.2.9", "10.0.0.1", 2), broadcast_mac,
			     nullptr)
			  .size(),
		  2u);
}

TEST_F(FloodTest, ArpForOtherHardwareOrProtocolsIsNotFiltered)
{
	Bytes odd = arp_packet("192.0.2.9", "10.0.0.1");
	put16(odd, 0, 6); // IEEE 802 hardware
	EXPECT_EQ(targets_of(ethertype_arp, odd, broadcast_mac, nullptr).size(), 2u);
	odd = arp_packet("192.0.2.9", "10.0.0.1");
	odd[5] = 16; // not IPv4-sized addresses
	EXPECT_EQ(targets_of(ethertype_arp, odd, broadcast_mac, nullptr).size(), 2u);
}

TEST_F(FloodTest, OtherBroadcastStillGoesToEverySlave)
{
	EXPECT_EQ(targets_of(ethertype_ipv4, ipv4_packet("192.0.2.9", "255.255.255.255"),
			     broadcast_mac, nullptr)
			  .size(),
		  2u);
}

TEST_F(FloodTest, ANeighbourSolicitationGoesOnlyToTheOwnerOfItsTarget)
{
	// Both slaves joined ff02::1:ff00:1 (2001:db8::1 and an address of b's
	// with the same low 24 bits would do that): only a owns the target.
	subscribe(a_, sn1_mac);
	subscribe(b_, sn1_mac);
	EXPECT_EQ(targets_of(ethertype_ipv6, ns_for("2001:db8::1"), sn1_mac, nullptr),
		  std::vector<const Slave *>{&a_});
	EXPECT_EQ(targets_of(ethertype_ipv6, ns_for("2001:db8::1", "::"), sn1_mac, nullptr),
		  std::vector<const Slave *>{&a_}); // DAD
	EXPECT_TRUE(targets_of(ethertype_ipv6, ns_for("2001:db8:5::1"), sn1_mac, nullptr).empty());
}

TEST_F(FloodTest, AnNsNotToItsTargetsGroupIsNotFiltered)
{
	subscribe(a_, ipv6_mcast_mac);
	subscribe(b_, ipv6_mcast_mac);
	Bytes ns = ns_for("2001:db8::1");
	put(ns, 24, bytes6("ff02::1")); // all nodes
	EXPECT_EQ(targets_of(ethertype_ipv6, ns, ipv6_mcast_mac, nullptr).size(), 2u);
}

TEST_F(FloodTest, OtherIcmpv6MulticastIsNotFiltered)
{
	subscribe(a_, sn1_mac);
	subscribe(b_, sn1_mac);
	Bytes na = ns_for("2001:db8::1");
	na[40] = 136; // neighbour advertisement
	EXPECT_EQ(targets_of(ethertype_ipv6, na, sn1_mac, nullptr).size(), 2u);
	Bytes udp = ipv6_packet("2001:db8::99", "ff02::1:ff00:1");
	EXPECT_EQ(targets_of(ethertype_ipv6, udp, sn1_mac, nullptr).size(), 2u);
}

TEST_F(FloodTest, TheScopeAsksForTheBytesItNeeds)
{
	Bytes arp = arp_packet("192.0.2.9", "10.0.0.1");
	EXPECT_EQ(scope_of(ethertype_arp, arp, 20).need_linear, 28u);
	Bytes ns = ns_for("2001:db8::1");
	EXPECT_EQ(scope_of(ethertype_ipv6, ns, 20).need_linear, 40u);
	EXPECT_EQ(scope_of(ethertype_ipv6, ns, 40).need_linear, 64u);
	EXPECT_EQ(scope_of(ethertype_ipv6, ns, 63).need_linear, 64u);
	EXPECT_FALSE(scope_of(ethertype_ipv6, ns, 64).need_linear);
	// Truncated packets never ask for bytes they do not have.
	Bytes cut(arp.begin(), arp.begin() + 27);
	FloodScope s = scope_of(ethertype_arp, cut);
	EXPECT_EQ(s.need_linear, 0u);
	EXPECT_FALSE(s.owner_only);
}

// ---------------------------------------------------------------- L2 unicast

class ForwardL2 : public ForwardByProto {
protected:
	void SetUp() override
	{
		ForwardByProto::SetUp();
		port_.mode = Mode::l2;
	}
};

INSTANTIATE_TEST_SUITE_P(Protos, ForwardL2,
			 ::testing::Values(Proto::ipv4, Proto::ipv6, Proto::arp, Proto::dad_ns),
			 [](const ::testing::TestParamInfo<Proto> &i) { return name_of(i.param); });

TEST_P(ForwardL2, TxToTheSharedMacGoesToTheOwningSibling)
{
	Decision d = tx_l2(packet(proto(), "b"), unicast_mac, unicast_mac);
	EXPECT_EQ(d.action, Action::local);
	EXPECT_EQ(d.to, &b_);
}

TEST_P(ForwardL2, TxToTheSharedMacIsDroppedForASiblingWhenPrivate)
{
	port_.flags = flag_private;
	EXPECT_EQ(tx_l2(packet(proto(), "b"), unicast_mac, unicast_mac).action, Action::drop);
}

TEST_P(ForwardL2, TxToTheSharedMacWithoutASiblingOwnerGoesToTheMasterStack)
{
	EXPECT_EQ(tx_l2(packet(proto(), "ext"), unicast_mac, unicast_mac).action,
		  Action::to_master);
	b_.up = false;
	EXPECT_EQ(tx_l2(packet(proto(), "b"), unicast_mac, unicast_mac).action,
		  Action::to_master);
}

TEST_P(ForwardL2, TxUnderVepaLeavesUnchangedEvenForASibling)
{
	port_.flags = flag_vepa;
	EXPECT_EQ(tx_l2(packet(proto(), "b"), unicast_mac, unicast_mac).action, Action::out_l2);
}

TEST_P(ForwardL2, TxToAnotherMacLeavesUnchangedWithoutALookup)
{
	// Addressed to a sibling's IP but another host's MAC: the wire decides.
	EXPECT_EQ(tx_l2(packet(proto(), "b"), other_mac, unicast_mac).action, Action::out_l2);
}

TEST_P(ForwardL2, TxToTheSharedMacAsksForThePullItNeeds)
{
	Pkt p = packet(proto(), "b");
	Decision d = tx_l2(p, unicast_mac, unicast_mac, 4);
	EXPECT_EQ(d.action, Action::pull);
	EXPECT_GT(d.need_linear, 4u);
}

TEST_F(ForwardTest, TxInL2ANeighbourSolicitationIsNotDropped)
{
	// Address resolution (source specified) to the solicited-node group.
	port_.mode = Mode::l2;
	Bytes ns = ipv6_packet("2001:db8::2", "ff02::1:ff00:9", ipproto_icmpv6, 32);
	ns[40] = icmpv6_neighbour_solicitation;
	Decision d = tx(Pkt{ethertype_ipv6, ns}, ipv6_mcast_mac);
	EXPECT_NE(d.action, Action::drop)
		<< "an L2 slave's neighbour solicitations never leave";
}

// ================================================================ the matrix
//
// Every mode x flag set x packet kind x destination x destination MAC, for a
// frame sent by slave b and for one received on the master, against the
// rules of spec 5.1/5.2 written out once more as a table: an independent
// statement of the behaviour, so that a change in one place of forward.cpp
// cannot quietly shift a corner of the matrix.

enum class Dest { sibling, down_sibling, external };
enum class DstMac { shared, broadcast, other };

const char *name_of(Dest d)
{
	return d == Dest::sibling ? "sibling" : d == Dest::down_sibling ? "down-sibling" : "external";
}

const char *name_of(DstMac m)
{
	return m == DstMac::shared ? "shared-mac" : m == DstMac::broadcast ? "broadcast" : "other-mac";
}

const char *name_of(Mode m) { return m == Mode::l2 ? "l2" : m == Mode::l3 ? "l3" : "l3s"; }

const u8 *mac_of(DstMac m)
{
	return m == DstMac::shared ? unicast_mac : m == DstMac::broadcast ? broadcast_mac : other_mac;
}

// Spec 5.2: what happens to b's frame.
Action expected_tx(Mode mode, u16 flags, Proto proto, Dest dest, DstMac mac)
{
	bool vepa = flags & flag_vepa, priv = flags & flag_private;
	bool owner_up = dest == Dest::sibling;
	if (mode == Mode::l2) {
		if (!vepa && mac == DstMac::shared) {
			if (owner_up)
				return priv ? Action::drop : Action::local;
			return Action::to_master;
		}
		return mac == DstMac::broadcast ? Action::flood_tx : Action::out_l2;
	}
	if (!vepa && owner_up)
		return priv ? Action::drop : Action::local;
	if (mac == DstMac::broadcast)
		return Action::drop; // multicast is not routed
	return routed_out(proto);
}

// Spec 5.1: what happens to a frame from the wire (another host's MAC).
Action expected_rx(Mode mode, Dest dest, DstMac mac)
{
	if (mode == Mode::l3s)
		return Action::pass; // the L3S hooks deliver later
	if (mode == Mode::l2 && mac == DstMac::broadcast)
		return Action::flood_rx;
	return dest == Dest::sibling ? Action::deliver : Action::pass;
}

TEST_F(ForwardTest, EveryModeFlagPacketAndDestinationAsTheSpecSays)
{
	int cases = 0;
	for (Mode mode : {Mode::l2, Mode::l3, Mode::l3s})
	for (u16 flags : {u16(0), flag_private, flag_vepa})
	for (Proto proto : {Proto::ipv4, Proto::ipv6, Proto::arp, Proto::dad_ns})
	for (Dest dest : {Dest::sibling, Dest::down_sibling, Dest::external})
	for (DstMac mac : {DstMac::shared, DstMac::broadcast, DstMac::other}) {
		SCOPED_TRACE(std::string(name_of(mode)) + " flags=" + std::to_string(flags) + " " +
			     name_of(proto) + " to " + name_of(dest) + " " + name_of(mac));
		port_.mode = mode;
		port_.flags = flags;
		a_.up = dest != Dest::down_sibling;
		Pkt p = packet(proto, dest == Dest::external ? "ext" : "a");

		Decision t = tx_l2(p, mac_of(mac), unicast_mac);
		EXPECT_EQ(name_of(t.action), name_of(expected_tx(mode, flags, proto, dest, mac)));
		if (t.action == Action::local) {
			EXPECT_EQ(t.to, &a_);
		}

		Decision r = rx_l2(p, mac_of(mac), other_mac);
		EXPECT_EQ(name_of(r.action), name_of(expected_rx(mode, dest, mac)));
		if (r.action == Action::deliver) {
			EXPECT_EQ(r.to, &a_);
		}
		cases++;
	}
	EXPECT_EQ(cases, 3 * 3 * 4 * 3 * 3);
}

} // namespace
} // namespace test
