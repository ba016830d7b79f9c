// SPDX-License-Identifier: GPL-2.0
// The RTM_NEWLINK/RTM_DELLINK requests of add, set and del, built with
// libnl-route (rtnl_link, rtnl_link_ipvlan_*) for everything it covers, and
// completed as bytes (nlmsg.hpp) for what libnl 3.7 lacks: the
// IFLA_IPVLAN_FLAGS attribute, and IFLA_INFO_DATA of an ipvtap device.
// No socket: the unit tests decode what these build.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

struct nl_msg;

namespace ipvlanctl {

struct AddSpec {
	std::string name;
	int master_ifindex = 0;
	std::optional<std::uint16_t> mode;
	std::optional<std::uint16_t> flags;
	int netns_fd = -1; // IFLA_NET_NS_FD when >= 0
	int netns_pid = 0; // IFLA_NET_NS_PID when > 0
};

struct ChangeSpec {
	int ifindex = 0;
	std::string kind = "ipvlan"; // the device's kind: "ipvlan" or "ipvtap"
	std::optional<std::uint16_t> mode;
	std::optional<std::uint16_t> flags;
};

// Each returns a message the caller frees with nlmsg_free(), or nullptr
// with *error set.
nl_msg *build_add_request(const AddSpec &spec, std::string *error);
nl_msg *build_change_request(const ChangeSpec &spec, std::string *error);
nl_msg *build_delete_request(int ifindex, std::string *error);

} // namespace ipvlanctl
