// SPDX-License-Identifier: GPL-2.0
// Shared pieces of the core's unit tests: the fixture that checks the fake
// shim after every test (no leak, locks balanced, no misuse), address and
// packet builders, and exactly-sized buffers so that AddressSanitizer
// catches any read past a byte view.
#pragma once
#include <arpa/inet.h>
#include <gtest/gtest.h>

#include <array>
#include <cstring>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "core/forward.hpp"
#include "core/ip_addr.hpp"
#include "core/packet.hpp"
#include "fake_shim.hpp"

namespace ipvlan::core {

// Readable gtest output for the core's value types.
inline void PrintTo(const IpAddr &a, std::ostream *os)
{
	char buf[INET6_ADDRSTRLEN] = "?";
	switch (a.family) {
	case Family::ipv4:
		inet_ntop(AF_INET, a.words, buf, sizeof(buf));
		*os << "v4 " << buf;
		break;
	case Family::ipv6:
		inet_ntop(AF_INET6, a.words, buf, sizeof(buf));
		*os << "v6 " << buf;
		break;
	default:
		*os << "(none)";
		break;
	}
}

inline const char *name_of(L3Kind k)
{
	switch (k) {
	case L3Kind::unparseable: return "unparseable";
	case L3Kind::arp: return "arp";
	case L3Kind::ipv4: return "ipv4";
	case L3Kind::ipv6: return "ipv6";
	case L3Kind::icmpv6_unspecified_src: return "icmpv6_unspecified_src";
	}
	return "L3Kind(?)";
}
inline void PrintTo(L3Kind k, std::ostream *os) { *os << name_of(k); }

inline const char *name_of(Action a)
{
	switch (a) {
	case Action::pass: return "pass";
	case Action::deliver: return "deliver";
	case Action::local: return "local";
	case Action::out_ipv4: return "out_ipv4";
	case Action::out_ipv6: return "out_ipv6";
	case Action::drop: return "drop";
	case Action::pull: return "pull";
	case Action::to_master: return "to_master";
	case Action::out_l2: return "out_l2";
	case Action::flood_rx: return "flood_rx";
	case Action::flood_tx: return "flood_tx";
	}
	return "Action(?)";
}
inline void PrintTo(Action a, std::ostream *os) { *os << name_of(a); }

} // namespace ipvlan::core

namespace test {

using namespace ipvlan::core;
using kcpp::u16;
using kcpp::u32;
using kcpp::u8;
using Bytes = std::vector<u8>;

// Every test of the core derives from this. The baseline is taken in the
// constructor, before any member of a derived fixture exists; cleanup() is
// where a derived fixture gives back what it owns.
class ShimTest : public ::testing::Test {
protected:
	ShimTest()
		: allocs_at_start_(fake_shim::live_allocations()),
		  locks_at_start_(fake_shim::live_locks())
	{
		fake_shim::clear_violations();
		fake_shim::fail_nth_allocation(0);
	}

	virtual void cleanup() {}

	void TearDown() override
	{
		cleanup();
		fake_shim::fail_nth_allocation(0);
		fake_rcu_barrier();
		EXPECT_EQ(fake_shim::live_allocations(), allocs_at_start_)
			<< "kc_alloc'd memory leaked (or freed twice)";
		EXPECT_EQ(fake_shim::locks_held(), 0) << "a lock is still held";
		EXPECT_EQ(fake_shim::live_locks(), locks_at_start_) << "a lock leaked";
		for (const std::string &v : fake_shim::violations())
			ADD_FAILURE() << "fake shim: " << v;
		fake_shim::clear_violations();
	}

	long allocs_at_start_;
	long locks_at_start_;
};

// ---------------------------------------------------------------- addresses

inline std::array<u8, 4> bytes4(const char *text)
{
	std::array<u8, 4> b{};
	if (inet_pton(AF_INET, text, b.data()) != 1)
		ADD_FAILURE() << "bad IPv4 literal " << text;
	return b;
}

inline std::array<u8, 16> bytes6(const char *text)
{
	std::array<u8, 16> b{};
	if (inet_pton(AF_INET6, text, b.data()) != 1)
		ADD_FAILURE() << "bad IPv6 literal " << text;
	return b;
}

inline IpAddr ip4(const char *text) { return IpAddr::v4(bytes4(text).data()); }
inline IpAddr ip6(const char *text) { return IpAddr::v6(bytes6(text).data()); }

// 10.x.y.z / 2001:db8::x:y numbered addresses for bulk tests.
inline IpAddr ip4_n(u32 n)
{
	u8 b[4] = {10, u8(n >> 16), u8(n >> 8), u8(n)};
	return IpAddr::v4(b);
}

inline IpAddr ip6_n(u32 n)
{
	u8 b[16] = {0x20, 0x01, 0x0d, 0xb8};
	b[12] = u8(n >> 24);
	b[13] = u8(n >> 16);
	b[14] = u8(n >> 8);
	b[15] = u8(n);
	return IpAddr::v6(b);
}

// ---------------------------------------------------------------- packets

inline void put16(Bytes &b, size_t at, u16 v)
{
	b[at] = u8(v >> 8);
	b[at + 1] = u8(v);
}

template <size_t N> inline void put(Bytes &b, size_t at, const std::array<u8, N> &v)
{
	std::memcpy(&b[at], v.data(), N);
}

// An IPv4 packet: 20-byte header (ihl 5) and `payload` bytes; tot_len exact.
inline Bytes ipv4_packet(const char *src, const char *dst, u16 payload = 8)
{
	Bytes b(20 + payload, 0);
	b[0] = 0x45;
	put16(b, 2, u16(20 + payload));
	b[8] = 64;
	b[9] = 17; // UDP
	put(b, 12, bytes4(src));
	put(b, 16, bytes4(dst));
	return b;
}

// An IPv6 packet: 40-byte header and `payload` bytes of next header `nh`.
inline Bytes ipv6_packet(const char *src, const char *dst, u8 nh = 17, u16 payload = 8)
{
	Bytes b(40 + payload, 0);
	b[0] = 0x60;
	put16(b, 4, payload);
	b[6] = nh;
	b[7] = 64;
	put(b, 8, bytes6(src));
	put(b, 24, bytes6(dst));
	return b;
}

// ARP for IPv4 over Ethernet (28 bytes).
inline Bytes arp_packet(const char *sender_ip, const char *target_ip, u16 op = 1)
{
	Bytes b(28, 0);
	put16(b, 0, 1);      // hardware: Ethernet
	put16(b, 2, 0x0800); // protocol: IPv4
	b[4] = 6;
	b[5] = 4;
	put16(b, 6, op);
	const std::array<u8, 6> sha{0x02, 0, 0, 0, 0, 0x01};
	put(b, 8, sha);
	put(b, 14, bytes4(sender_ip));
	put(b, 24, bytes4(target_ip));
	return b;
}

// An ICMPv6 message from :: (duplicate address detection traffic): IPv6
// header, the ICMPv6 header of `type`, then `body` bytes.
inline Bytes icmpv6_from_unspecified(u8 type, u16 body)
{
	Bytes b = ipv6_packet("::", "ff02::1:ff00:1", ipproto_icmpv6, u16(8 + body));
	b[7] = 255;
	b[40] = type;
	return b;
}

// A DAD neighbour solicitation for `target`: 40 + 8 + 16 = 64 bytes.
inline Bytes dad_ns(const char *target)
{
	Bytes b = icmpv6_from_unspecified(icmpv6_neighbour_solicitation, 16);
	put(b, 48, bytes6(target));
	return b;
}

// A copy of the first `n` bytes of a packet in a buffer of exactly `n`
// bytes: a read past the view is a heap-buffer-overflow under ASan.
struct Exact {
	std::unique_ptr<u8[]> data;
	u32 size = 0;
};

inline Exact exact(const Bytes &pkt, u32 n)
{
	Exact e;
	e.data.reset(new u8[n]);
	e.size = n;
	if (n)
		std::memcpy(e.data.get(), pkt.data(), n);
	return e;
}

inline Exact exact(const Bytes &pkt) { return exact(pkt, u32(pkt.size())); }

inline L3View view_of(u16 ethertype, const Exact &e, u32 total_len)
{
	L3View v;
	v.ethertype = ethertype;
	v.bytes = {e.data.get(), e.size};
	v.total_len = total_len;
	return v;
}

// Classifies `pkt` with only `linear` of its bytes readable.
// What classify_l3() found, with its addresses copied out of the bytes: a
// Classification points into them, and the helpers below free them (exact
// copies, so that ASan sees any read beyond the view or after the packet).
struct Classified {
	struct {
		L3Kind kind;
		IpAddr dst, src;
	} info;
	u32 need_linear;
};

inline Classified copied(const Classification &c)
{
	return {{c.info.kind, c.info.dst.value(), c.info.src.value()}, c.need_linear};
}

inline Classified classify_prefix(u16 ethertype, const Bytes &pkt, u32 linear)
{
	Exact e = exact(pkt, linear);
	return copied(classify_l3(view_of(ethertype, e, u32(pkt.size()))));
}

inline Classified classify_whole(u16 ethertype, const Bytes &pkt)
{
	return classify_prefix(ethertype, pkt, u32(pkt.size()));
}

// A packet cut short: total length and linear bytes both `len`.
inline Classified classify_truncated(u16 ethertype, const Bytes &pkt, u32 len)
{
	Exact e = exact(pkt, len);
	return copied(classify_l3(view_of(ethertype, e, len)));
}

} // namespace test
