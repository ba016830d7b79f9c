// SPDX-License-Identifier: GPL-2.0
// Byte-level netlink: extended ACKs, IFLA_INFO_DATA rewriting, link info.
#include "nlmsg.hpp"
#include "test_support.hpp"

#include <cerrno>
#include <gtest/gtest.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>

using namespace ipvlanctl;
using namespace ipvlanctl::test;

namespace {

// An NLMSG_ERROR for a request of `request_payload` bytes. Capped: only
// the request's header is echoed; uncapped: its payload too.
std::vector<std::uint8_t> error_msg(int err, bool capped, bool tlvs, const std::string &text,
				    std::optional<std::uint32_t> offs = std::nullopt,
				    std::size_t request_payload = 20)
{
	nlmsgerr e{};
	e.error = -err;
	e.msg.nlmsg_len = static_cast<std::uint32_t>(NLMSG_HDRLEN + request_payload);
	e.msg.nlmsg_type = RTM_NEWLINK;
	std::uint16_t flags = 0;
	if (capped)
		flags |= NLM_F_CAPPED;
	if (tlvs)
		flags |= NLM_F_ACK_TLVS;
	MsgBuilder b(NLMSG_ERROR, flags, &e, sizeof(e));
	if (!capped) {
		std::vector<std::uint8_t> echo(request_payload, 0xab);
		b.raw(echo.data(), echo.size());
	}
	if (tlvs) {
		if (!text.empty())
			b.put_str(NLMSGERR_ATTR_MSG, text);
		if (offs)
			b.put_u32(NLMSGERR_ATTR_OFFS, *offs);
	}
	return b.done();
}

std::optional<ExtAck> parse(const std::vector<std::uint8_t> &m) { return parse_nlmsgerr(m.data(), m.size()); }

ifinfomsg ifi(int index = 0)
{
	ifinfomsg i{};
	i.ifi_index = index;
	return i;
}

// RTM_NEWLINK: IFNAME, LINKINFO{KIND, [DATA{...}]}, then MTU after the nest.
std::vector<std::uint8_t> newlink(const std::string &kind, std::optional<std::uint16_t> mode,
				  std::optional<std::uint16_t> flags, bool with_data = true)
{
	const ifinfomsg i = ifi(3);
	MsgBuilder b(RTM_NEWLINK, NLM_F_REQUEST | NLM_F_CREATE, &i, sizeof(i));
	b.put_str(IFLA_IFNAME, "ipvl0");
	const std::size_t li = b.begin(IFLA_LINKINFO);
	b.put_str(IFLA_INFO_KIND, kind);
	if (with_data) {
		const std::size_t d = b.begin(IFLA_INFO_DATA);
		if (mode)
			b.put_u16(IFLA_IPVLAN_MODE, *mode);
		if (flags)
			b.put_u16(IFLA_IPVLAN_FLAGS, *flags);
		b.end(d);
	}
	b.end(li);
	b.put_u32(IFLA_MTU, 1400);
	return b.done();
}

// Top-level attribute types of an RTM_NEWLINK message, in order.
std::vector<int> top_types(const std::vector<std::uint8_t> &m)
{
	std::vector<int> out;
	std::size_t off = NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(ifinfomsg));
	while (off + NLA_HDRLEN <= m.size()) {
		nlattr a;
		std::memcpy(&a, m.data() + off, sizeof(a));
		out.push_back(a.nla_type & NLA_TYPE_MASK);
		off += NLA_ALIGN(a.nla_len);
	}
	return out;
}

std::uint32_t msg_len(const std::vector<std::uint8_t> &m)
{
	nlmsghdr h;
	std::memcpy(&h, m.data(), sizeof(h));
	return h.nlmsg_len;
}

} // namespace

// ------------------------------------------------------------ extack

TEST(ParseNlmsgerr, CappedWithMessageAndOffset)
{
	auto a = parse(error_msg(EINVAL, true, true, "ipvlan: master must be an Ethernet device", 36));
	ASSERT_TRUE(a);
	EXPECT_EQ(a->error, EINVAL);
	EXPECT_EQ(a->message, "ipvlan: master must be an Ethernet device");
	EXPECT_EQ(a->offset, 36u);
}

TEST(ParseNlmsgerr, UncappedSkipsTheEchoedRequest)
{
	for (std::size_t payload : {0u, 1u, 3u, 20u, 37u, 200u}) {
		auto a = parse(error_msg(EBUSY, false, true, "busy", std::nullopt, payload));
		ASSERT_TRUE(a) << payload;
		EXPECT_EQ(a->error, EBUSY);
		EXPECT_EQ(a->message, "busy") << "request payload " << payload;
	}
}

TEST(ParseNlmsgerr, NoTlvFlagMeansNoMessage)
{
	auto m = error_msg(ENODEV, true, true, "stale");
	// Clear NLM_F_ACK_TLVS: the TLV bytes must not be read.
	nlmsghdr h;
	std::memcpy(&h, m.data(), sizeof(h));
	h.nlmsg_flags &= static_cast<std::uint16_t>(~NLM_F_ACK_TLVS);
	std::memcpy(m.data(), &h, sizeof(h));
	auto a = parse(m);
	ASSERT_TRUE(a);
	EXPECT_EQ(a->error, ENODEV);
	EXPECT_EQ(a->message, "");
	EXPECT_FALSE(a->offset);
}

TEST(ParseNlmsgerr, PlainErrorWithoutTlvs)
{
	auto a = parse(error_msg(EEXIST, false, false, ""));
	ASSERT_TRUE(a);
	EXPECT_EQ(a->error, EEXIST);
	EXPECT_EQ(a->message, "");
}

TEST(ParseNlmsgerr, AckWithWarning)
{
	auto a = parse(error_msg(0, true, true, "something to know"));
	ASSERT_TRUE(a);
	EXPECT_EQ(a->error, 0);
	EXPECT_EQ(a->message, "something to know");
}

TEST(ParseNlmsgerr, MessageWithoutNulIsBounded)
{
	nlmsgerr e{};
	e.error = -EPERM;
	MsgBuilder b(NLMSG_ERROR, NLM_F_CAPPED | NLM_F_ACK_TLVS, &e, sizeof(e));
	b.put(NLMSGERR_ATTR_MSG, "abc", 3); // no terminating NUL
	auto a = parse(b.done());
	ASSERT_TRUE(a);
	EXPECT_EQ(a->message, "abc");
}

TEST(ParseNlmsgerr, Rejects)
{
	EXPECT_FALSE(parse_nlmsgerr(nullptr, 0));
	auto m = error_msg(EINVAL, true, true, "x");
	EXPECT_FALSE(parse_nlmsgerr(m.data(), NLMSG_HDRLEN + 4)) << "shorter than nlmsgerr";
	auto done = MsgBuilder(NLMSG_DONE, 0, "\0\0\0\0", 4).done();
	done.resize(64, 0);
	EXPECT_FALSE(parse(done)) << "not an error message";
}

TEST(ParseNlmsgerr, MalformedTlvsKeepTheErrno)
{
	auto m = error_msg(EINVAL, true, true, "hello");
	// Make the TLV claim more bytes than there are.
	const std::size_t tlv = NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(nlmsgerr));
	const std::uint16_t bogus = 200;
	std::memcpy(m.data() + tlv, &bogus, sizeof(bogus));
	auto a = parse(m);
	ASSERT_TRUE(a);
	EXPECT_EQ(a->error, EINVAL);
	EXPECT_EQ(a->message, "");
}

TEST(ParseNlmsgerr, TruncatedBufferIsNotOverread)
{
	auto m = error_msg(EINVAL, true, true, "a long message to cut");
	// The header still claims the full length; the buffer is shorter.
	auto a = parse_nlmsgerr(m.data(), m.size() - 8);
	ASSERT_TRUE(a);
	EXPECT_EQ(a->error, EINVAL);
	EXPECT_EQ(a->message, "") << "the cut TLV is malformed";
}

// --------------------------------------------------- set_info_data_u16

TEST(SetInfoData, AddsFlagsNextToTheMode)
{
	auto in = newlink("ipvlan", 1, std::nullopt);
	auto out = set_info_data_u16(in.data(), in.size(), sizeof(ifinfomsg), {{IFLA_IPVLAN_FLAGS, 2}});
	ASSERT_TRUE(out);
	EXPECT_EQ(msg_len(*out), out->size());
	EXPECT_EQ(out->size(), in.size() + 8) << "one u16 attribute, padded";
	auto info = decode_link_info(out->data(), out->size());
	ASSERT_TRUE(info);
	EXPECT_EQ(info->kind, "ipvlan");
	EXPECT_EQ(info->ipvlan_mode, 1);
	EXPECT_EQ(info->ipvlan_flags, 2);
	EXPECT_EQ(top_types(*out), (std::vector<int>{IFLA_IFNAME, IFLA_LINKINFO, IFLA_MTU}))
		<< "the attribute after the nest survives";
	// The header and family header are copied.
	EXPECT_EQ(0, std::memcmp(out->data() + 4, in.data() + 4, NLMSG_HDRLEN + sizeof(ifinfomsg) - 4));
}

TEST(SetInfoData, ReplacesAnExistingAttribute)
{
	auto in = newlink("ipvlan", 0, 1);
	auto out = set_info_data_u16(in.data(), in.size(), sizeof(ifinfomsg), {{IFLA_IPVLAN_FLAGS, 2}});
	ASSERT_TRUE(out);
	EXPECT_EQ(out->size(), in.size());
	auto info = decode_link_info(out->data(), out->size());
	EXPECT_EQ(info->ipvlan_mode, 0);
	EXPECT_EQ(info->ipvlan_flags, 2);
}

TEST(SetInfoData, CreatesInfoData)
{
	auto in = newlink("ipvtap", std::nullopt, std::nullopt, false);
	auto out = set_info_data_u16(in.data(), in.size(), sizeof(ifinfomsg),
				     {{IFLA_IPVLAN_MODE, 2}, {IFLA_IPVLAN_FLAGS, 1}});
	ASSERT_TRUE(out);
	auto info = decode_link_info(out->data(), out->size());
	EXPECT_EQ(info->kind, "ipvtap");
	EXPECT_EQ(info->ipvlan_mode, 2);
	EXPECT_EQ(info->ipvlan_flags, 1);
	EXPECT_EQ(top_types(*out), (std::vector<int>{IFLA_IFNAME, IFLA_LINKINFO, IFLA_MTU}));
}

TEST(SetInfoData, EmptyInfoData)
{
	auto in = newlink("ipvlan", std::nullopt, std::nullopt);
	auto out = set_info_data_u16(in.data(), in.size(), sizeof(ifinfomsg), {{IFLA_IPVLAN_FLAGS, 0}});
	ASSERT_TRUE(out);
	auto info = decode_link_info(out->data(), out->size());
	EXPECT_FALSE(info->ipvlan_mode);
	EXPECT_EQ(info->ipvlan_flags, 0);
}

TEST(SetInfoData, Rejects)
{
	const ifinfomsg i = ifi();
	auto no_linkinfo = MsgBuilder(RTM_NEWLINK, 0, &i, sizeof(i)).put_str(IFLA_IFNAME, "x").done();
	EXPECT_FALSE(set_info_data_u16(no_linkinfo.data(), no_linkinfo.size(), sizeof(ifinfomsg),
				       {{IFLA_IPVLAN_FLAGS, 1}}));

	auto in = newlink("ipvlan", 1, std::nullopt);
	EXPECT_FALSE(set_info_data_u16(in.data(), in.size() - 4, sizeof(ifinfomsg), {{IFLA_IPVLAN_FLAGS, 1}}))
		<< "buffer shorter than nlmsg_len";
	EXPECT_FALSE(set_info_data_u16(in.data(), 8, sizeof(ifinfomsg), {{IFLA_IPVLAN_FLAGS, 1}}));
	EXPECT_FALSE(set_info_data_u16(nullptr, 0, sizeof(ifinfomsg), {}));

	auto bad = in;
	// IFLA_IFNAME claims to run past the end of the message.
	const std::uint16_t huge = 0x4000;
	std::memcpy(bad.data() + NLMSG_HDRLEN + sizeof(ifinfomsg), &huge, sizeof(huge));
	EXPECT_FALSE(set_info_data_u16(bad.data(), bad.size(), sizeof(ifinfomsg), {{IFLA_IPVLAN_FLAGS, 1}}));
}

// ---------------------------------------------------- decode_link_info

TEST(DecodeLinkInfo, OnlyIpvlanKindsHaveModeAndFlags)
{
	auto m = newlink("macvlan", 1, 2);
	auto info = decode_link_info(m.data(), m.size());
	ASSERT_TRUE(info);
	EXPECT_EQ(info->kind, "macvlan");
	EXPECT_FALSE(info->ipvlan_mode);
	EXPECT_FALSE(info->ipvlan_flags);
}

TEST(DecodeLinkInfo, NoLinkInfo)
{
	const ifinfomsg i = ifi();
	auto m = MsgBuilder(RTM_NEWLINK, 0, &i, sizeof(i)).put_str(IFLA_IFNAME, "lo").done();
	auto info = decode_link_info(m.data(), m.size());
	ASSERT_TRUE(info);
	EXPECT_EQ(info->kind, "");
}

TEST(DecodeLinkInfo, ShortAttributeIsIgnored)
{
	const ifinfomsg i = ifi();
	MsgBuilder b(RTM_NEWLINK, 0, &i, sizeof(i));
	const std::size_t li = b.begin(IFLA_LINKINFO);
	b.put_str(IFLA_INFO_KIND, "ipvlan");
	const std::size_t d = b.begin(IFLA_INFO_DATA);
	b.put(IFLA_IPVLAN_MODE, "\x01", 1); // one byte for a u16
	b.end(d);
	b.end(li);
	auto m = b.done();
	auto info = decode_link_info(m.data(), m.size());
	ASSERT_TRUE(info);
	EXPECT_FALSE(info->ipvlan_mode);
}

TEST(DecodeLinkInfo, TooShort)
{
	auto m = newlink("ipvlan", 1, 0);
	EXPECT_FALSE(decode_link_info(m.data(), 10));
	EXPECT_FALSE(decode_link_info(nullptr, 0));
}
