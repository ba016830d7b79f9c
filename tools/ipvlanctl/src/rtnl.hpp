// SPDX-License-Identifier: GPL-2.0
// The rtnetlink socket (libnl-3) and every exchange with the kernel.
// Extended ACKs: the socket asks for them (NETLINK_EXT_ACK, and
// NETLINK_CAP_ACK so that errors do not echo the request), and a custom
// libnl error callback reads the NLMSGERR_ATTR_* TLVs that libnl 3.7 would
// drop (parse_nlmsgerr in nlmsg.hpp). A message in a successful ACK is a
// warning.
#pragma once

#include "model.hpp"

#include <optional>
#include <string>
#include <vector>

struct nl_sock;
struct nl_msg;

namespace ipvlanctl {

struct NlResult {
	int err = 0;             // positive errno from the kernel or the system
	std::string extack;      // the kernel's message for err, if any
	std::string libnl_error; // a libnl failure without an errno

	bool ok() const { return err == 0 && libnl_error.empty(); }
	// One line: "EXTACK (STRERROR)", "STRERROR" or the libnl error.
	std::string describe() const;
};

class Rtnl {
public:
	Rtnl() = default;
	~Rtnl();
	Rtnl(const Rtnl &) = delete;
	Rtnl &operator=(const Rtnl &) = delete;

	// A socket in the calling thread's current network namespace.
	NlResult open();

	// Sends msg (not consumed) and waits for its ACK.
	NlResult transact(nl_msg *msg);

	// RTM_GETLINK by name (libnl: rtnl_link_get_kernel).
	NlResult get_link(const std::string &name, LinkRecord *out);
	// Every link of the namespace (libnl parses the generic attributes,
	// nlmsg.hpp the ipvlan ones).
	NlResult dump_links(std::vector<LinkRecord> *out);
	// Every IPv4/IPv6 address of the namespace (libnl rtnl_addr cache).
	NlResult dump_addrs(std::vector<AddrRecord> *out);
	// RTM_GETNSID: the id this namespace gives to the namespace of ns_fd,
	// nothing if it has none.
	NlResult nsid_of(int ns_fd, std::optional<std::int32_t> *out);

	// Messages the kernel attached to successful ACKs since the last call.
	std::vector<std::string> take_warnings();

	struct State {
		int err = 0;
		bool acked = false; // the ACK of the last request was read
		std::string extack;
		std::vector<std::string> warnings;
	};

private:
	NlResult result(int nlerr);

	nl_sock *sk_ = nullptr;
	State st_;
};

} // namespace ipvlanctl
