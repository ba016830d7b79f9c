// SPDX-License-Identifier: GPL-2.0
#include "model.hpp"

#include "ipvlan.hpp"

#include <algorithm>
#include <arpa/inet.h>
#include <net/if.h>
#include <sys/socket.h>
#include <tuple>

namespace ipvlanctl {

namespace {

constexpr std::size_t npos = static_cast<std::size_t>(-1);

// Where a master is: (namespace index or npos, ifindex), and for an unknown
// namespace the slave's namespace and the id it uses for it.
struct MasterKey {
	std::size_t ns = npos;
	int ifindex = 0;
	std::size_t seen_from = 0;
	std::int32_t nsid = 0;

	auto tie() const { return std::tie(ns, seen_from, nsid, ifindex); }
	bool operator<(const MasterKey &o) const
	{
		// npos sorts last, which puts the unknown namespaces after the rest.
		return tie() < o.tie();
	}
};

const LinkRecord *find_link(const NetnsSnapshot &ns, int ifindex)
{
	for (const LinkRecord &l : ns.links)
		if (l.ifindex == ifindex)
			return &l;
	return nullptr;
}

SlaveView slave_view(const NetnsSnapshot &ns, std::size_t ns_index, const LinkRecord &l)
{
	SlaveView s;
	s.name = l.name;
	s.kind = l.kind;
	s.ifindex = l.ifindex;
	s.netns = ns.name;
	s.state = operstate_name(l.operstate);
	s.up = (l.ifflags & IFF_UP) != 0;
	s.mtu = l.mtu;
	s.ns_index = ns_index;
	for (const AddrRecord &a : ns.addrs) {
		if (a.ifindex != l.ifindex)
			continue;
		s.addresses.push_back({family_name(a.family), address_text(a.family, a.bytes), a.prefixlen,
				       scope_name(a.scope)});
	}
	return s;
}

} // namespace

Report assemble(const std::vector<NetnsSnapshot> &snapshots)
{
	std::map<MasterKey, MasterView> masters;
	for (std::size_t i = 0; i < snapshots.size(); i++) {
		const NetnsSnapshot &ns = snapshots[i];
		if (!ns.visited)
			continue;
		for (const LinkRecord &l : ns.links) {
			if (!is_ipvlan_kind(l.kind))
				continue;
			MasterKey key;
			key.ifindex = l.link_ifindex;
			if (!l.link_netnsid) {
				key.ns = i;
			} else if (auto p = ns.peers.find(*l.link_netnsid);
				   p != ns.peers.end() && p->second < snapshots.size()) {
				key.ns = p->second;
			} else {
				key.seen_from = i;
				key.nsid = *l.link_netnsid;
			}
			auto [it, fresh] = masters.try_emplace(key);
			MasterView &m = it->second;
			if (fresh) {
				m.ifindex = l.link_ifindex;
				if (key.ns == npos) {
					m.netns_known = false;
					m.visited = false;
					m.link_netnsid = key.nsid;
				} else {
					const NetnsSnapshot &mns = snapshots[key.ns];
					m.netns = mns.name;
					m.visited = mns.visited;
					if (const LinkRecord *ml = find_link(mns, l.link_ifindex)) {
						m.name = ml->name;
						m.state = operstate_name(ml->operstate);
					}
				}
			}
			if (!m.mode)
				m.mode = l.ipvlan_mode;
			if (!m.flags)
				m.flags = l.ipvlan_flags;
			m.slaves.push_back(slave_view(ns, i, l));
		}
	}

	Report r;
	for (auto &[key, m] : masters) {
		std::sort(m.slaves.begin(), m.slaves.end(), [](const SlaveView &a, const SlaveView &b) {
			return std::tie(a.ns_index, a.ifindex) < std::tie(b.ns_index, b.ifindex);
		});
		r.masters.push_back(std::move(m));
	}
	return r;
}

Report filter_report(const Report &report, std::string_view name)
{
	Report r;
	for (const MasterView &m : report.masters) {
		if (m.name && *m.name == name) {
			r.masters.push_back(m);
			continue;
		}
		MasterView keep = m;
		keep.slaves.clear();
		for (const SlaveView &s : m.slaves)
			if (s.name == name)
				keep.slaves.push_back(s);
		if (!keep.slaves.empty())
			r.masters.push_back(std::move(keep));
	}
	return r;
}

std::string operstate_name(std::uint8_t operstate)
{
	static const char *const names[] = {"UNKNOWN", "NOTPRESENT", "DOWN", "LOWERLAYERDOWN",
					    "TESTING", "DORMANT", "UP"};
	if (operstate < std::size(names))
		return names[operstate];
	return std::to_string(operstate);
}

std::string scope_name(std::uint8_t scope)
{
	switch (scope) {
	case 0:
		return "global";
	case 200:
		return "site";
	case 253:
		return "link";
	case 254:
		return "host";
	case 255:
		return "nowhere";
	default:
		return std::to_string(scope);
	}
}

std::string family_name(int family)
{
	switch (family) {
	case AF_INET:
		return "inet";
	case AF_INET6:
		return "inet6";
	default:
		return std::to_string(family);
	}
}

std::string address_text(int family, const std::array<std::uint8_t, 16> &bytes)
{
	char buf[INET6_ADDRSTRLEN];
	if ((family == AF_INET || family == AF_INET6) && inet_ntop(family, bytes.data(), buf, sizeof(buf)))
		return buf;
	return "";
}

} // namespace ipvlanctl
