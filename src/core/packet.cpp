// SPDX-License-Identifier: GPL-2.0
#include "core/packet.hpp"

namespace ipvlan::core {

namespace {

Classification need(u32 bytes)
{
	Classification c;
	c.need_linear = bytes;
	return c;
}

Classification answer(L3Kind kind, const IpAddr &dst, const IpAddr &src)
{
	Classification c;
	c.info.kind = kind;
	c.info.dst = dst;
	c.info.src = src;
	return c;
}

Classification unparseable() { return Classification{}; }

// Asks for `len` linear bytes when the packet has them but the view does not;
// a packet shorter than `len` is malformed.
bool short_of(const L3View &v, u32 len, Classification &out)
{
	if (v.bytes.has(len))
		return false;
	out = len <= v.total_len ? need(len) : unparseable();
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

} // namespace

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
