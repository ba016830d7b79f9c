// SPDX-License-Identifier: GPL-2.0
#include "core/packet.hpp"

namespace ipvlan::core {

namespace {

Classification answer(L3Kind kind, const IpAddr &dst, const IpAddr &src)
{
	Classification c;
	c.info.kind = kind;
	c.info.dst = dst;
	c.info.src = src;
	return c;
}

Classification unparseable() { return Classification{}; }

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

Classification classify_arp(const L3View &v)
{
	Classification c;
	if (short_of(v, arp_eth_ipv4_len, c))
		return c;
	const u8 *p = v.bytes.data;
	return answer(L3Kind::arp, IpAddr::v4(p + 24), IpAddr::v4(p + 14));
}

Classification classify_ipv4(const L3View &v)
{
	Classification c;
	if (short_of(v, ipv4_header_min, c))
		return c;
	const u8 *p = v.bytes.data;
	u32 version = p[0] >> 4, header_len = (p[0] & 0x0f) * 4u;
	u32 tot_len = load_be16(p + 2);
	if (version != 4 || header_len < ipv4_header_min)
		return unparseable();
	if (tot_len > v.total_len || tot_len < header_len)
		return unparseable();
	return answer(L3Kind::ipv4, IpAddr::v4(p + 16), IpAddr::v4(p + 12));
}

bool unspecified(const u8 *ipv6_addr)
{
	for (int i = 0; i < 16; i++)
		if (ipv6_addr[i])
			return false;
	return true;
}

// From ::, with ICMPv6 next: duplicate address detection traffic. A
// neighbour solicitation is keyed by its target, the address being probed.
Classification classify_dad(const L3View &v)
{
	Classification c;
	if (short_of(v, ipv6_header_len + icmpv6_header_len, c))
		return c;
	const u8 *icmp = v.bytes.data + ipv6_header_len;
	if (icmp[0] != icmpv6_neighbour_solicitation)
		return answer(L3Kind::icmpv6_unspecified_src, IpAddr{}, IpAddr{});
	if (short_of(v, ipv6_header_len + icmpv6_header_len + 16, c))
		return c;
	return answer(L3Kind::icmpv6_unspecified_src,
		      IpAddr::v6(icmp + icmpv6_header_len), IpAddr{});
}

Classification classify_ipv6(const L3View &v)
{
	Classification c;
	if (short_of(v, ipv6_header_len, c))
		return c;
	const u8 *p = v.bytes.data;
	if ((p[0] >> 4) != 6)
		return unparseable();
	if (unspecified(p + 8) && p[6] == ipproto_icmpv6)
		return classify_dad(v);
	return answer(L3Kind::ipv6, IpAddr::v6(p + 24), IpAddr::v6(p + 8));
}

NeighbourQuery query_of(const IpAddr &target)
{
	NeighbourQuery q;
	q.is_query = true;
	q.target = target;
	return q;
}

NeighbourQuery arp_query(const L3View &v)
{
	NeighbourQuery q;
	if (short_of(v, arp_eth_ipv4_len, q))
		return q;
	const u8 *p = v.bytes.data;
	if (load_be16(p) != arp_hw_ethernet || load_be16(p + 2) != ethertype_ipv4 ||
	    p[4] != 6 || p[5] != 4 || load_be16(p + 6) != arp_op_request)
		return q;
	IpAddr sender = IpAddr::v4(p + 14), target = IpAddr::v4(p + 24);
	// Gratuitous: the sender announces its own address to everybody.
	return sender == target ? q : query_of(target);
}

// ff02::1:ffXX:XXXX, the solicited-node group of a target ending in XX:XXXX.
bool is_solicited_node_group_of(const u8 *group, const u8 *target)
{
	static constexpr u8 prefix[13] = {0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0xff};
	return __builtin_memcmp(group, prefix, sizeof(prefix)) == 0 &&
	       __builtin_memcmp(group + 13, target + 13, 3) == 0;
}

NeighbourQuery ns_query(const L3View &v)
{
	NeighbourQuery q;
	if (short_of(v, ipv6_header_len, q))
		return q;
	const u8 *p = v.bytes.data;
	if ((p[0] >> 4) != 6 || p[6] != ipproto_icmpv6)
		return q;
	if (short_of(v, ipv6_ns_len, q))
		return q;
	const u8 *icmp = p + ipv6_header_len, *target = icmp + icmpv6_header_len;
	if (icmp[0] != icmpv6_neighbour_solicitation || icmp[1] != 0 ||
	    !is_solicited_node_group_of(p + 24, target))
		return q;
	return query_of(IpAddr::v6(target));
}

} // namespace

NeighbourQuery classify_neighbour_query(const L3View &view)
{
	switch (view.ethertype) {
	case ethertype_arp:
		return arp_query(view);
	case ethertype_ipv6:
		return ns_query(view);
	default:
		return NeighbourQuery{};
	}
}

Classification classify_l3(const L3View &view)
{
	switch (view.ethertype) {
	case ethertype_arp:
		return classify_arp(view);
	case ethertype_ipv4:
		return classify_ipv4(view);
	case ethertype_ipv6:
		return classify_ipv6(view);
	default:
		return unparseable();
	}
}

} // namespace ipvlan::core
