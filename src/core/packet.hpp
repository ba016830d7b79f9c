// SPDX-License-Identifier: GPL-2.0
// Classification of a frame's network layer from a byte view: which address
// the port should look up for it, or why it has none.
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

struct L3Info {
	L3Kind kind = L3Kind::unparseable;
	IpAddr dst; // the address that identifies the receiving slave
	IpAddr src; // the sender's address (IP source, ARP sender)
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

Classification classify_l3(const L3View &view);

// A neighbour query that only the owner of `target` needs to see: an ARP
// request for another address than the sender's own (probes included), or an
// IPv6 neighbour solicitation sent to its target's solicited-node group.
// Gratuitous ARP, replies and everything else are not queries.
struct NeighbourQuery {
	bool is_query = false;
	IpAddr target;
	u32 need_linear = 0; // non-zero: pull this much and ask again
};

NeighbourQuery classify_neighbour_query(const L3View &view);

} // namespace ipvlan::core
