// SPDX-License-Identifier: GPL-2.0
// What `ipvlanctl show` reports, and how it is put together from what the
// kernel said in each network namespace. Pure: the netlink layer fills the
// snapshots, everything after that is here and unit tested.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ipvlanctl {

// --------------------------------------------------- input: kernel records

struct AddrRecord {
	int ifindex = 0;
	int family = 0; // AF_INET or AF_INET6
	std::array<std::uint8_t, 16> bytes{};
	std::uint8_t prefixlen = 0;
	std::uint8_t scope = 0; // RT_SCOPE_*
};

struct LinkRecord {
	int ifindex = 0;
	std::string name;
	std::string kind;     // IFLA_INFO_KIND, "" if none
	int link_ifindex = 0; // IFLA_LINK: for a slave, its master's ifindex
	// IFLA_LINK_NETNSID: the master's namespace, as an id in this link's
	// namespace; absent when the master is in the same namespace.
	std::optional<std::int32_t> link_netnsid;
	unsigned ifflags = 0;        // IFF_*
	std::uint8_t operstate = 0;  // IF_OPER_*
	std::uint32_t mtu = 0;
	std::optional<std::uint16_t> ipvlan_mode;  // IFLA_IPVLAN_MODE
	std::optional<std::uint16_t> ipvlan_flags; // IFLA_IPVLAN_FLAGS
};

// One network namespace as ipvlanctl saw it. The first snapshot of a list
// is the namespace ipvlanctl runs in.
struct NetnsSnapshot {
	std::optional<std::string> name; // its name under /run/netns, if any
	bool visited = false;            // links and addrs were read
	std::vector<LinkRecord> links;
	std::vector<AddrRecord> addrs;
	// Namespace ids as seen from this namespace -> index in the list.
	std::map<std::int32_t, std::size_t> peers;
};

// -------------------------------------------------- output: the report

struct AddrView {
	std::string family; // "inet", "inet6"
	std::string local;  // "10.1.0.1", "2001:db8::1"
	unsigned prefixlen = 0;
	std::string scope; // "global", "link", "host", "site" or a number
};

struct SlaveView {
	std::string name;
	std::string kind; // "ipvlan" or "ipvtap"
	int ifindex = 0;
	std::optional<std::string> netns; // nullopt: a namespace without a name
	std::string state;                // operstate: "UP", "DOWN", ...
	bool up = false;                  // IFF_UP
	std::uint32_t mtu = 0;
	std::vector<AddrView> addresses;
	std::size_t ns_index = 0; // for ordering
};

struct MasterView {
	std::optional<std::string> name; // nullopt: its namespace was not read
	int ifindex = 0;                 // in its own namespace
	std::optional<std::string> netns;
	// false: the slaves' IFLA_LINK_NETNSID matches none of the namespaces
	// ipvlanctl knows (an unnamed one); link_netnsid is then that id.
	bool netns_known = true;
	std::optional<std::int32_t> link_netnsid;
	bool visited = true; // its namespace was read (name and state known)
	std::optional<std::string> state;
	// Mode and flags belong to the port; every slave reports the same.
	std::optional<std::uint16_t> mode;
	std::optional<std::uint16_t> flags;
	std::vector<SlaveView> slaves;
};

struct Report {
	std::vector<MasterView> masters;
};

// Groups every ipvlan/ipvtap slave of every visited snapshot under its
// master. Masters are ordered by namespace (list order) then ifindex, those
// in unknown namespaces last; slaves by namespace then ifindex.
Report assemble(const std::vector<NetnsSnapshot> &snapshots);

// The masters named `name` with all their slaves, plus the slaves named
// `name` under their masters. Names are per namespace: several may match.
Report filter_report(const Report &report, std::string_view name);

std::string operstate_name(std::uint8_t operstate); // RFC 2863 as iproute2 prints it
std::string scope_name(std::uint8_t scope);
std::string family_name(int family);
// The address in its usual text form ("" for an unknown family).
std::string address_text(int family, const std::array<std::uint8_t, 16> &bytes);

} // namespace ipvlanctl
