// SPDX-License-Identifier: GPL-2.0
#include "nlmsg.hpp"

#include "ipvlan.hpp"

#include <cstring>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

namespace ipvlanctl {

namespace {

struct Attr {
	std::uint16_t type; // with NLA_F_NESTED/NLA_F_NET_BYTEORDER
	const std::uint8_t *data;
	std::size_t len; // payload bytes
};

// Calls f(attr) for each attribute in [p, p + len). Returns false if the
// area is malformed (an attribute runs past the end).
template <typename F> bool for_each_attr(const std::uint8_t *p, std::size_t len, F f)
{
	std::size_t off = 0;
	while (off < len) {
		if (len - off < NLA_HDRLEN)
			return false;
		nlattr nla;
		std::memcpy(&nla, p + off, sizeof(nla));
		if (nla.nla_len < NLA_HDRLEN || nla.nla_len > len - off)
			return false;
		f(Attr{nla.nla_type, p + off + NLA_HDRLEN, std::size_t(nla.nla_len) - NLA_HDRLEN});
		off += NLA_ALIGN(nla.nla_len);
	}
	return true;
}

std::uint16_t attr_kind(const Attr &a) { return a.type & NLA_TYPE_MASK; }

std::optional<std::uint16_t> attr_u16(const Attr &a)
{
	if (a.len < sizeof(std::uint16_t))
		return std::nullopt;
	std::uint16_t v;
	std::memcpy(&v, a.data, sizeof(v));
	return v;
}

// Writes attributes into a growing message buffer.
class Builder {
public:
	explicit Builder(std::vector<std::uint8_t> &out) : out_(out) {}

	void put(std::uint16_t type, const void *data, std::size_t len)
	{
		const std::size_t at = header(type);
		append(data, len);
		close(at);
	}
	std::size_t begin_nest(std::uint16_t type) { return header(type); }
	void end_nest(std::size_t at) { close(at); }
	// An attribute (a nest, in practice) outgrew its u16 length.
	bool overflow() const { return overflow_; }

private:
	std::size_t header(std::uint16_t type)
	{
		const std::size_t at = out_.size();
		nlattr nla{0, type};
		append(&nla, sizeof(nla));
		return at;
	}
	void append(const void *data, std::size_t len)
	{
		const auto *b = static_cast<const std::uint8_t *>(data);
		out_.insert(out_.end(), b, b + len);
	}
	// Sets the length of the attribute at `at` and pads it.
	void close(std::size_t at)
	{
		const std::size_t full = out_.size() - at;
		if (full > 0xffff)
			overflow_ = true;
		const auto len = static_cast<std::uint16_t>(full);
		std::memcpy(out_.data() + at, &len, sizeof(len));
		out_.resize(at + NLA_ALIGN(full), 0);
	}

	std::vector<std::uint8_t> &out_;
	bool overflow_ = false;
};

} // namespace

std::optional<ExtAck> parse_nlmsgerr(const std::uint8_t *msg, std::size_t len)
{
	nlmsghdr hdr;
	nlmsgerr err;
	if (!msg || len < NLMSG_HDRLEN + sizeof(err))
		return std::nullopt;
	std::memcpy(&hdr, msg, sizeof(hdr));
	if (hdr.nlmsg_type != NLMSG_ERROR || hdr.nlmsg_len < NLMSG_HDRLEN + sizeof(err))
		return std::nullopt;
	if (hdr.nlmsg_len < len)
		len = hdr.nlmsg_len;
	std::memcpy(&err, msg + NLMSG_HDRLEN, sizeof(err));

	ExtAck ack;
	ack.error = -err.error;
	if (!(hdr.nlmsg_flags & NLM_F_ACK_TLVS))
		return ack;
	std::size_t body = sizeof(err);
	if (!(hdr.nlmsg_flags & NLM_F_CAPPED)) {
		if (err.msg.nlmsg_len < NLMSG_HDRLEN)
			return ack;
		body += err.msg.nlmsg_len - NLMSG_HDRLEN;
	}
	const std::size_t tlv = NLMSG_HDRLEN + NLMSG_ALIGN(body);
	if (tlv >= len)
		return ack;
	ExtAck parsed = ack;
	const bool ok = for_each_attr(msg + tlv, len - tlv, [&parsed](const Attr &a) {
		switch (attr_kind(a)) {
		case NLMSGERR_ATTR_MSG:
			parsed.message.assign(reinterpret_cast<const char *>(a.data),
					      strnlen(reinterpret_cast<const char *>(a.data), a.len));
			break;
		case NLMSGERR_ATTR_OFFS:
			if (a.len >= sizeof(std::uint32_t)) {
				std::uint32_t v;
				std::memcpy(&v, a.data, sizeof(v));
				parsed.offset = v;
			}
			break;
		default:
			break;
		}
	});
	return ok ? parsed : ack;
}

std::optional<std::vector<std::uint8_t>>
set_info_data_u16(const std::uint8_t *msg, std::size_t len, std::size_t fixed_hdr,
		  const std::vector<std::pair<std::uint16_t, std::uint16_t>> &attrs)
{
	nlmsghdr hdr;
	if (!msg || len < NLMSG_HDRLEN)
		return std::nullopt;
	std::memcpy(&hdr, msg, sizeof(hdr));
	if (hdr.nlmsg_len < NLMSG_HDRLEN + NLMSG_ALIGN(fixed_hdr) || hdr.nlmsg_len > len)
		return std::nullopt;
	len = hdr.nlmsg_len;
	const std::size_t attrs_at = NLMSG_HDRLEN + NLMSG_ALIGN(fixed_hdr);

	std::vector<std::uint8_t> out(msg, msg + attrs_at);
	Builder b(out);
	auto put_new = [&b, &attrs]() {
		for (auto [type, value] : attrs)
			b.put(type, &value, sizeof(value));
	};
	auto replaced = [&attrs](std::uint16_t type) {
		for (auto [t, v] : attrs)
			if (t == type)
				return true;
		return false;
	};

	bool found_linkinfo = false, ok = true;
	const bool top_ok = for_each_attr(msg + attrs_at, len - attrs_at, [&](const Attr &top) {
		if (attr_kind(top) != IFLA_LINKINFO) {
			b.put(top.type, top.data, top.len);
			return;
		}
		found_linkinfo = true;
		const std::size_t li = b.begin_nest(top.type);
		bool found_data = false;
		const bool info_ok = for_each_attr(top.data, top.len, [&](const Attr &info) {
			if (attr_kind(info) != IFLA_INFO_DATA) {
				b.put(info.type, info.data, info.len);
				return;
			}
			found_data = true;
			const std::size_t d = b.begin_nest(info.type);
			if (!for_each_attr(info.data, info.len, [&](const Attr &a) {
				    if (!replaced(attr_kind(a)))
					    b.put(a.type, a.data, a.len);
			    }))
				ok = false;
			put_new();
			b.end_nest(d);
		});
		if (!info_ok)
			ok = false;
		if (!found_data) {
			const std::size_t d = b.begin_nest(IFLA_INFO_DATA);
			put_new();
			b.end_nest(d);
		}
		b.end_nest(li);
	});
	if (!top_ok || !ok || !found_linkinfo || b.overflow() || out.size() > 0xffffffffu)
		return std::nullopt;
	hdr.nlmsg_len = static_cast<std::uint32_t>(out.size());
	std::memcpy(out.data(), &hdr, sizeof(hdr));
	return out;
}

std::optional<LinkInfo> decode_link_info(const std::uint8_t *msg, std::size_t len)
{
	nlmsghdr hdr;
	if (!msg || len < NLMSG_HDRLEN)
		return std::nullopt;
	std::memcpy(&hdr, msg, sizeof(hdr));
	const std::size_t attrs_at = NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(ifinfomsg));
	if (hdr.nlmsg_len < attrs_at || hdr.nlmsg_len > len)
		return std::nullopt;
	len = hdr.nlmsg_len;

	LinkInfo info;
	for_each_attr(msg + attrs_at, len - attrs_at, [&info](const Attr &top) {
		if (attr_kind(top) != IFLA_LINKINFO)
			return;
		std::optional<Attr> data;
		for_each_attr(top.data, top.len, [&](const Attr &a) {
			if (attr_kind(a) == IFLA_INFO_KIND)
				info.kind.assign(reinterpret_cast<const char *>(a.data),
						 strnlen(reinterpret_cast<const char *>(a.data), a.len));
			else if (attr_kind(a) == IFLA_INFO_DATA)
				data = a;
		});
		if (!data || !is_ipvlan_kind(info.kind))
			return;
		for_each_attr(data->data, data->len, [&info](const Attr &a) {
			if (attr_kind(a) == IFLA_IPVLAN_MODE)
				info.ipvlan_mode = attr_u16(a);
			else if (attr_kind(a) == IFLA_IPVLAN_FLAGS)
				info.ipvlan_flags = attr_u16(a);
		});
	});
	return info;
}

} // namespace ipvlanctl
