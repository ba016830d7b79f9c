// SPDX-License-Identifier: GPL-2.0
#include "core/packet.hpp"

namespace ipvlan::core {

namespace {

using detail::short_of;

NeighbourQuery query_of(const AddrRef &target)
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
	// Gratuitous: the sender announces its own address to everybody.
	if (__builtin_memcmp(p + 14, p + 24, 4) == 0)
		return q;
	return query_of(AddrRef::v4(p + 24));
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
	return query_of(AddrRef::v6(target));
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

} // namespace ipvlan::core
