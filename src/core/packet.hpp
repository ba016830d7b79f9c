// SPDX-License-Identifier: GPL-2.0
// Classification of a frame's network layer from a byte view: which address
// the port should look up for it, or why it has none.
//
// classify_l3() runs for every packet, so it is defined here: the driver's
// per-packet entry points compile it inline (a call costs more than the
// work), and it points into the packet instead of copying addresses.
#pragma once
#include "core/ip_addr.hpp"

namespace ipvlan::core {

// Ethertypes in host order.
inline constexpr u16 ethertype_ipv4 = 0x0800;
inline constexpr u16 ethertype_arp = 0x0806;
inline constexpr u16 ethertype_ipv6 = 0x86dd;
inline constexpr u16 ethertype_pause = 0x8808; // 802.3x flow control

inline constexpr u32 eth_header_len = 14;
inline constexpr u32 ipv4_header_min = 20;
inline constexpr u32 ipv6_header_len = 40;
// ARP for IPv4 over Ethernet: 8-byte header, sender MAC+IP, target MAC+IP.
inline constexpr u32 arp_eth_ipv4_len = 8 + 2 * (6 + 4);
inline constexpr u8 ipproto_icmpv6 = 58;
inline constexpr u8 icmpv6_neighbour_solicitation = 135;
inline constexpr u32 icmpv6_header_len = 8;
// An NS: ICMPv6 header, then the 16-byte target address.
inline constexpr u32 ipv6_ns_len = ipv6_header_len + icmpv6_header_len + 16;
inline constexpr u16 arp_hw_ethernet = 1;
inline constexpr u16 arp_op_request = 1;

enum class L3Kind : u8 {
	unparseable, // not ARP/IPv4/IPv6, or a malformed header
	arp,
	ipv4,
	ipv6,
	// IPv6 from the unspecified address carrying ICMPv6: duplicate address
	// detection. Only a neighbour solicitation has a key (its target).
	icmpv6_unspecified_src,
};

// The addresses point into the classified bytes.
struct L3Info {
	L3Kind kind = L3Kind::unparseable;
	AddrRef dst; // the address that identifies the receiving slave
	AddrRef src; // the sender's address (IP source, ARP sender)
};

// The outcome of classify_l3(): either an answer, or the number of bytes from
// the network header that must be linear before an answer is possible.
struct Classification {
	L3Info info;
	u32 need_linear = 0; // non-zero: pull this much and classify again
};

struct L3View {
	u16 ethertype;  // host order
	ByteView bytes; // linear bytes from the network header
	u32 total_len;  // bytes from the network header to the end of the packet
};

namespace detail {

// Whether the view lacks `len` bytes; if so, `out` is the answer: pull them
// when the packet has them, nothing to find when it is too short (malformed).
template <class Result> bool short_of(const L3View &v, u32 len, Result &out)
{
	if (v.bytes.has(len))
		return false;
	out = Result{};
	if (len <= v.total_len)
		out.need_linear = len;
	return true;
}

inline Classification answer(L3Kind kind, AddrRef dst, AddrRef src)
{
	return Classification{L3Info{kind, dst, src}, 0};
}

inline Classification classify_arp(const L3View &v)
{
	Classification c;
	if (short_of(v, arp_eth_ipv4_len, c))
		return c;
	const u8 *p = v.bytes.data;
	return answer(L3Kind::arp, AddrRef::v4(p + 24), AddrRef::v4(p + 14));
}

inline Classification classify_ipv4(const L3View &v)
{
	Classification c;
	if (short_of(v, ipv4_header_min, c))
		return c;
	const u8 *p = v.bytes.data;
	u32 version = p[0] >> 4, header_len = (p[0] & 0x0f) * 4u;
	u32 tot_len = load_be16(p + 2);
	if (version != 4 || header_len < ipv4_header_min)
		return Classification{};
	if (tot_len > v.total_len || tot_len < header_len)
		return Classification{};
	return answer(L3Kind::ipv4, AddrRef::v4(p + 16), AddrRef::v4(p + 12));
}

inline bool unspecified(const u8 *ipv6_addr)
{
	for (int i = 0; i < 16; i++)
		if (ipv6_addr[i])
			return false;
	return true;
}

// From ::, with ICMPv6 next: duplicate address detection traffic. A
// neighbour solicitation is keyed by its target, the address being probed.
inline Classification classify_dad(const L3View &v)
{
	Classification c;
	if (short_of(v, ipv6_header_len + icmpv6_header_len, c))
		return c;
	const u8 *icmp = v.bytes.data + ipv6_header_len;
	if (icmp[0] != icmpv6_neighbour_solicitation)
		return answer(L3Kind::icmpv6_unspecified_src, AddrRef{}, AddrRef{});
	if (short_of(v, ipv6_header_len + icmpv6_header_len + 16, c))
		return c;
	return answer(L3Kind::icmpv6_unspecified_src, AddrRef::v6(icmp + icmpv6_header_len),
		      AddrRef{});
}

inline Classification classify_ipv6(const L3View &v)
{
	Classification c;
	if (short_of(v, ipv6_header_len, c))
		return c;
	const u8 *p = v.bytes.data;
	if ((p[0] >> 4) != 6)
		return Classification{};
	if (unspecified(p + 8) && p[6] == ipproto_icmpv6)
		return classify_dad(v);
	return answer(L3Kind::ipv6, AddrRef::v6(p + 24), AddrRef::v6(p + 8));
}

} // namespace detail

inline Classification classify_l3(const L3View &view)
{
	switch (view.ethertype) {
	case ethertype_arp:
		return detail::classify_arp(view);
	case ethertype_ipv4:
		return detail::classify_ipv4(view);
	case ethertype_ipv6:
		return detail::classify_ipv6(view);
	default:
		return Classification{};
	}
}

// A neighbour query that only the owner of `target` needs to see: an ARP
// request for another address than the sender's own (probes included), or an
// IPv6 neighbour solicitation sent to its target's solicited-node group.
// Gratuitous ARP, replies and everything else are not queries.
struct NeighbourQuery {
	bool is_query = false;
	AddrRef target; // points into the classified bytes
	u32 need_linear = 0; // non-zero: pull this much and ask again
};

NeighbourQuery classify_neighbour_query(const L3View &view);

} // namespace ipvlan::core
