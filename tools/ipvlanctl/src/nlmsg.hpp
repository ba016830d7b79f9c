// SPDX-License-Identifier: GPL-2.0
// Netlink messages as bytes: the parts libnl 3.7 does not cover. Pure
// functions over buffers (no socket), so the unit tests feed them both
// hand-made and libnl-built messages.
//
//  * libnl 3.7 has no IFLA_IPVLAN_FLAGS (no rtnl_link_ipvlan_set_flags or
//    _get_flags), and no ipvtap: set_info_data_u16() adds attributes to the
//    IFLA_LINKINFO/IFLA_INFO_DATA nest of a message libnl built, and
//    decode_link_info() reads kind, mode and flags back from a link message.
//  * libnl 3.7 ignores extended ACKs: parse_nlmsgerr() reads the
//    NLMSGERR_ATTR_* TLVs of an NLMSG_ERROR message.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace ipvlanctl {

struct ExtAck {
	int error = 0;       // positive errno; 0 for an ACK
	std::string message; // NLMSGERR_ATTR_MSG, "" if none
	std::optional<std::uint32_t> offset; // NLMSGERR_ATTR_OFFS
};

// msg/len: one whole netlink message (header included). Nothing if it is
// not an NLMSG_ERROR or is too short for its struct nlmsgerr. Handles
// capped (NETLINK_CAP_ACK) and uncapped errors; TLVs are read only when
// the kernel set NLM_F_ACK_TLVS, and a malformed TLV area is ignored.
std::optional<ExtAck> parse_nlmsgerr(const std::uint8_t *msg, std::size_t len);

// msg/len: one rtnetlink message whose family header is `fixed_hdr` bytes
// (sizeof(struct ifinfomsg) for RTM_NEWLINK). Returns a copy in which the
// IFLA_LINKINFO nest's IFLA_INFO_DATA holds each (type, value) of attrs as
// a u16, replacing any attribute of that type already there; IFLA_INFO_DATA
// is created if missing. Every other attribute is copied as it was.
// Nothing if the message is malformed or has no IFLA_LINKINFO.
std::optional<std::vector<std::uint8_t>>
set_info_data_u16(const std::uint8_t *msg, std::size_t len, std::size_t fixed_hdr,
		  const std::vector<std::pair<std::uint16_t, std::uint16_t>> &attrs);

struct LinkInfo {
	std::string kind; // IFLA_INFO_KIND ("" if absent)
	std::optional<std::uint16_t> ipvlan_mode;
	std::optional<std::uint16_t> ipvlan_flags;
};

// The IFLA_LINKINFO of an RTM_NEWLINK message (ifinfomsg header); mode and
// flags are read only for the ipvlan kinds. Nothing if the message is too
// short for its header.
std::optional<LinkInfo> decode_link_info(const std::uint8_t *msg, std::size_t len);

} // namespace ipvlanctl
