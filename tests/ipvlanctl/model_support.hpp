// SPDX-License-Identifier: GPL-2.0
// Snapshots for the model and format tests.
#pragma once

#include "model.hpp"

#include <arpa/inet.h>
#include <net/if.h>
#include <string>
#include <sys/socket.h>

namespace ipvlanctl::test {

inline LinkRecord link(int ifindex, const std::string &name, const std::string &kind = "",
		       unsigned ifflags = IFF_UP, std::uint8_t operstate = 6 /* UP */)
{
	LinkRecord l;
	l.ifindex = ifindex;
	l.name = name;
	l.kind = kind;
	l.ifflags = ifflags;
	l.operstate = operstate;
	l.mtu = 1500;
	return l;
}

inline LinkRecord slave(int ifindex, const std::string &name, int master, std::uint16_t mode,
			std::uint16_t flags, std::optional<std::int32_t> nsid = std::nullopt,
			bool up = true)
{
	LinkRecord l = link(ifindex, name, "ipvlan", up ? IFF_UP : 0, up ? 6 : 2);
	l.link_ifindex = master;
	l.link_netnsid = nsid;
	l.ipvlan_mode = mode;
	l.ipvlan_flags = flags;
	return l;
}

inline AddrRecord addr(int ifindex, const char *text, std::uint8_t prefixlen, std::uint8_t scope = 0)
{
	AddrRecord a;
	a.ifindex = ifindex;
	a.family = std::string(text).find(':') != std::string::npos ? AF_INET6 : AF_INET;
	inet_pton(a.family, text, a.bytes.data());
	a.prefixlen = prefixlen;
	a.scope = scope;
	return a;
}

inline NetnsSnapshot ns(std::optional<std::string> name, bool visited = true)
{
	NetnsSnapshot s;
	s.name = std::move(name);
	s.visited = visited;
	return s;
}

} // namespace ipvlanctl::test
