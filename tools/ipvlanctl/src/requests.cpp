// SPDX-License-Identifier: GPL-2.0
#include "requests.hpp"

#include "nlmsg.hpp"

#include <linux/if_link.h>
#include <memory>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <netlink/route/link.h>
#include <netlink/route/link/ipvlan.h>
#include <utility>
#include <vector>

namespace ipvlanctl {

namespace {

struct LinkDeleter {
	void operator()(rtnl_link *l) const { rtnl_link_put(l); }
};
using LinkPtr = std::unique_ptr<rtnl_link, LinkDeleter>;

using U16Attrs = std::vector<std::pair<std::uint16_t, std::uint16_t>>;

// msg with attrs put into its IFLA_LINKINFO/IFLA_INFO_DATA; msg is
// consumed. Unchanged if attrs is empty.
nl_msg *with_info_data(nl_msg *msg, const U16Attrs &attrs, std::string *error)
{
	if (attrs.empty())
		return msg;
	nlmsghdr *hdr = nlmsg_hdr(msg);
	auto bytes = set_info_data_u16(reinterpret_cast<const std::uint8_t *>(hdr), hdr->nlmsg_len,
				       sizeof(ifinfomsg), attrs);
	nlmsg_free(msg);
	if (!bytes) {
		*error = "cannot add IFLA_INFO_DATA to the request";
		return nullptr;
	}
	nl_msg *out = nlmsg_convert(reinterpret_cast<nlmsghdr *>(bytes->data()));
	if (!out)
		*error = "out of memory";
	return out;
}

nl_msg *failed(int nlerr, std::string *error)
{
	*error = nl_geterror(nlerr);
	return nullptr;
}

} // namespace

nl_msg *build_add_request(const AddSpec &spec, std::string *error)
{
	LinkPtr link(rtnl_link_ipvlan_alloc());
	if (!link) {
		*error = "out of memory";
		return nullptr;
	}
	rtnl_link_set_name(link.get(), spec.name.c_str());
	rtnl_link_set_link(link.get(), spec.master_ifindex);
	if (spec.mode) {
		if (int e = rtnl_link_ipvlan_set_mode(link.get(), *spec.mode); e < 0)
			return failed(e, error);
	}
	if (spec.netns_fd >= 0)
		rtnl_link_set_ns_fd(link.get(), spec.netns_fd);
	else if (spec.netns_pid > 0)
		rtnl_link_set_ns_pid(link.get(), spec.netns_pid);

	nl_msg *msg = nullptr;
	if (int e = rtnl_link_build_add_request(link.get(), NLM_F_CREATE | NLM_F_EXCL, &msg); e < 0)
		return failed(e, error);
	// libnl 3.7 has no rtnl_link_ipvlan_set_flags.
	U16Attrs extra;
	if (spec.flags)
		extra.emplace_back(IFLA_IPVLAN_FLAGS, *spec.flags);
	return with_info_data(msg, extra, error);
}

nl_msg *build_change_request(const ChangeSpec &spec, std::string *error)
{
	LinkPtr orig(rtnl_link_alloc());
	if (!orig) {
		*error = "out of memory";
		return nullptr;
	}
	rtnl_link_set_ifindex(orig.get(), spec.ifindex);

	U16Attrs extra;
	LinkPtr changes;
	if (spec.kind == "ipvlan") {
		changes.reset(rtnl_link_ipvlan_alloc());
		if (changes && spec.mode) {
			if (int e = rtnl_link_ipvlan_set_mode(changes.get(), *spec.mode); e < 0)
				return failed(e, error);
		}
	} else {
		// libnl has no ipvtap link type: the kind alone, the data as bytes.
		changes.reset(rtnl_link_alloc());
		if (changes) {
			if (int e = rtnl_link_set_type(changes.get(), spec.kind.c_str()); e < 0)
				return failed(e, error);
		}
		if (spec.mode)
			extra.emplace_back(IFLA_IPVLAN_MODE, *spec.mode);
	}
	if (!changes) {
		*error = "out of memory";
		return nullptr;
	}
	if (spec.flags)
		extra.emplace_back(IFLA_IPVLAN_FLAGS, *spec.flags);

	nl_msg *msg = nullptr;
	if (int e = rtnl_link_build_change_request(orig.get(), changes.get(), 0, &msg); e < 0)
		return failed(e, error);
	return with_info_data(msg, extra, error);
}

nl_msg *build_delete_request(int ifindex, std::string *error)
{
	LinkPtr link(rtnl_link_alloc());
	if (!link) {
		*error = "out of memory";
		return nullptr;
	}
	rtnl_link_set_ifindex(link.get(), ifindex);
	nl_msg *msg = nullptr;
	if (int e = rtnl_link_build_delete_request(link.get(), &msg); e < 0)
		return failed(e, error);
	return msg;
}

} // namespace ipvlanctl
