// SPDX-License-Identifier: GPL-2.0
// The requests of add/set/del as the kernel will receive them: built with
// libnl-route plus the byte-level completion, decoded back with libnl.
#include "requests.hpp"

#include <gtest/gtest.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <memory>
#include <netlink/attr.h>
#include <netlink/msg.h>
#include <string>

using namespace ipvlanctl;

namespace {

struct MsgDeleter {
	void operator()(nl_msg *m) const { nlmsg_free(m); }
};
using MsgPtr = std::unique_ptr<nl_msg, MsgDeleter>;

// The decoded request.
struct Decoded {
	int type = 0;
	int flags = 0;
	int ifindex = 0;
	std::optional<std::string> ifname;
	std::optional<std::uint32_t> link, ns_fd, ns_pid;
	std::optional<std::string> kind;
	bool has_data = false;
	std::optional<std::uint16_t> mode, ipvlan_flags;
};

Decoded decode(nl_msg *msg)
{
	Decoded d;
	nlmsghdr *h = nlmsg_hdr(msg);
	d.type = h->nlmsg_type;
	d.flags = h->nlmsg_flags;
	auto *ifi = static_cast<ifinfomsg *>(nlmsg_data(h));
	d.ifindex = ifi->ifi_index;
	nlattr *tb[IFLA_MAX + 1];
	EXPECT_EQ(nlmsg_parse(h, sizeof(ifinfomsg), tb, IFLA_MAX, nullptr), 0);
	if (tb[IFLA_IFNAME])
		d.ifname = nla_get_string(tb[IFLA_IFNAME]);
	if (tb[IFLA_LINK])
		d.link = nla_get_u32(tb[IFLA_LINK]);
	if (tb[IFLA_NET_NS_FD])
		d.ns_fd = nla_get_u32(tb[IFLA_NET_NS_FD]);
	if (tb[IFLA_NET_NS_PID])
		d.ns_pid = nla_get_u32(tb[IFLA_NET_NS_PID]);
	if (tb[IFLA_LINKINFO]) {
		nlattr *li[IFLA_INFO_MAX + 1];
		EXPECT_EQ(nla_parse_nested(li, IFLA_INFO_MAX, tb[IFLA_LINKINFO], nullptr), 0);
		if (li[IFLA_INFO_KIND])
			d.kind = nla_get_string(li[IFLA_INFO_KIND]);
		if (li[IFLA_INFO_DATA]) {
			d.has_data = true;
			nlattr *data[IFLA_IPVLAN_MAX + 1];
			EXPECT_EQ(nla_parse_nested(data, IFLA_IPVLAN_MAX, li[IFLA_INFO_DATA], nullptr), 0);
			if (data[IFLA_IPVLAN_MODE])
				d.mode = nla_get_u16(data[IFLA_IPVLAN_MODE]);
			if (data[IFLA_IPVLAN_FLAGS])
				d.ipvlan_flags = nla_get_u16(data[IFLA_IPVLAN_FLAGS]);
		}
	}
	return d;
}

MsgPtr add(const AddSpec &s)
{
	std::string err;
	MsgPtr m(build_add_request(s, &err));
	EXPECT_TRUE(m) << err;
	return m;
}

MsgPtr change(const ChangeSpec &s)
{
	std::string err;
	MsgPtr m(build_change_request(s, &err));
	EXPECT_TRUE(m) << err;
	return m;
}

} // namespace

TEST(AddRequest, Everything)
{
	AddSpec s;
	s.name = "ipvl0";
	s.master_ifindex = 7;
	s.mode = 2;
	s.flags = 1;
	s.netns_pid = 4242;
	MsgPtr m = add(s);
	ASSERT_TRUE(m);
	Decoded d = decode(m.get());
	EXPECT_EQ(d.type, RTM_NEWLINK);
	EXPECT_EQ(d.flags & (NLM_F_CREATE | NLM_F_EXCL), NLM_F_CREATE | NLM_F_EXCL);
	EXPECT_EQ(d.ifname, "ipvl0");
	EXPECT_EQ(d.link, 7u);
	EXPECT_EQ(d.ns_pid, 4242u);
	EXPECT_FALSE(d.ns_fd);
	EXPECT_EQ(d.kind, "ipvlan");
	EXPECT_EQ(d.mode, 2);
	EXPECT_EQ(d.ipvlan_flags, 1);
}

TEST(AddRequest, NothingOptional)
{
	AddSpec s;
	s.name = "ipvl0";
	s.master_ifindex = 2;
	MsgPtr m = add(s);
	ASSERT_TRUE(m);
	Decoded d = decode(m.get());
	EXPECT_EQ(d.kind, "ipvlan");
	EXPECT_FALSE(d.mode) << "the kernel's default applies";
	EXPECT_FALSE(d.ipvlan_flags);
	EXPECT_FALSE(d.ns_fd);
	EXPECT_FALSE(d.ns_pid);
}

TEST(AddRequest, FlagsWithoutMode)
{
	AddSpec s;
	s.name = "x";
	s.master_ifindex = 2;
	s.flags = 2;
	s.netns_fd = 5;
	MsgPtr m = add(s);
	ASSERT_TRUE(m);
	Decoded d = decode(m.get());
	EXPECT_FALSE(d.mode);
	EXPECT_EQ(d.ipvlan_flags, 2);
	EXPECT_EQ(d.ns_fd, 5u);
}

TEST(AddRequest, BridgeIsSentAsZero)
{
	AddSpec s;
	s.name = "x";
	s.master_ifindex = 2;
	s.mode = 0;
	s.flags = 0;
	MsgPtr m = add(s);
	ASSERT_TRUE(m);
	Decoded d = decode(m.get());
	EXPECT_EQ(d.mode, 0);
	EXPECT_EQ(d.ipvlan_flags, 0) << "bridge must be sent, not omitted";
}

TEST(ChangeRequest, ModeOnlyLeavesFlagsAlone)
{
	ChangeSpec s;
	s.ifindex = 9;
	s.mode = 0;
	MsgPtr m = change(s);
	ASSERT_TRUE(m);
	Decoded d = decode(m.get());
	EXPECT_EQ(d.type, RTM_NEWLINK);
	EXPECT_EQ(d.flags & (NLM_F_CREATE | NLM_F_EXCL), 0);
	EXPECT_EQ(d.ifindex, 9);
	EXPECT_FALSE(d.ifname);
	EXPECT_EQ(d.kind, "ipvlan");
	EXPECT_EQ(d.mode, 0);
	EXPECT_FALSE(d.ipvlan_flags);
}

TEST(ChangeRequest, FlagsOnlyLeavesModeAlone)
{
	ChangeSpec s;
	s.ifindex = 9;
	s.flags = 1;
	MsgPtr m = change(s);
	ASSERT_TRUE(m);
	Decoded d = decode(m.get());
	EXPECT_FALSE(d.mode);
	EXPECT_EQ(d.ipvlan_flags, 1);
}

TEST(ChangeRequest, Ipvtap)
{
	ChangeSpec s;
	s.ifindex = 4;
	s.kind = "ipvtap";
	s.mode = 1;
	s.flags = 2;
	MsgPtr m = change(s);
	ASSERT_TRUE(m);
	Decoded d = decode(m.get());
	EXPECT_EQ(d.kind, "ipvtap");
	EXPECT_EQ(d.mode, 1);
	EXPECT_EQ(d.ipvlan_flags, 2);
}

TEST(DeleteRequest, ByIfindex)
{
	std::string err;
	MsgPtr m(build_delete_request(12, &err));
	ASSERT_TRUE(m) << err;
	Decoded d = decode(m.get());
	EXPECT_EQ(d.type, RTM_DELLINK);
	EXPECT_EQ(d.ifindex, 12);
	EXPECT_FALSE(d.kind);
}
