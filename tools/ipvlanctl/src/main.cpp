// SPDX-License-Identifier: GPL-2.0
// ipvlanctl: create, change, delete and list ipvlan devices over rtnetlink.
// The flow: parse (cli.cpp, pure) -> resolve namespaces -> netlink (rtnl.cpp,
// requests.cpp) -> assemble and print (model.cpp, format.cpp, pure).
#include "cli.hpp"
#include "format.hpp"
#include "ipvlan.hpp"
#include "model.hpp"
#include "netns.hpp"
#include "requests.hpp"
#include "rtnl.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <netlink/msg.h>
#include <optional>
#include <set>
#include <string>
#include <unistd.h>
#include <variant>
#include <vector>

namespace ipvlanctl {
namespace {

// Closes an fd at the end of a scope.
struct Fd {
	int fd = -1;
	explicit Fd(int f = -1) : fd(f) {}
	~Fd()
	{
		if (fd >= 0)
			close(fd);
	}
	Fd(Fd &&o) noexcept : fd(o.fd) { o.fd = -1; }
	Fd &operator=(Fd &&o) noexcept
	{
		std::swap(fd, o.fd);
		return *this;
	}
	Fd(const Fd &) = delete;
	Fd &operator=(const Fd &) = delete;
};

void print_error(const std::string &line) { std::fprintf(stderr, "ipvlanctl: %s\n", one_line(line).c_str()); }

void print_warnings(Rtnl &rt)
{
	for (const std::string &w : rt.take_warnings())
		print_error("warning: " + w);
}

int usage_error(const std::string &msg)
{
	print_error(msg);
	return exit_usage;
}

int failure(const std::string &what, const NlResult &r)
{
	print_error(what + ": " + r.describe());
	return exit_failure;
}

std::variant<NetnsTarget, UsageError> resolve(const std::string &word)
{
	return resolve_netns(word, named_netns_exists, pid_exists);
}

NlResult open_rtnl(Rtnl &rt, const std::string &what, int *rc)
{
	NlResult r = rt.open();
	if (!r.ok())
		*rc = failure(what, r);
	return r;
}

// The device NAME, which must be of an ipvlan kind.
bool lookup_slave(Rtnl &rt, const std::string &verb, const std::string &name, LinkRecord *out, int *rc)
{
	NlResult r = rt.get_link(name, out);
	if (!r.ok()) {
		*rc = failure(verb + " " + name, r);
		return false;
	}
	if (!is_ipvlan_kind(out->kind)) {
		print_error(verb + " " + name + ": not an ipvlan device (" +
			    (out->kind.empty() ? std::string("no kind") : "kind " + out->kind) + ")");
		*rc = exit_failure;
		return false;
	}
	return true;
}

int send_request(Rtnl &rt, nl_msg *msg, const std::string &what, const std::string &build_error)
{
	if (!msg) {
		print_error(what + ": " + build_error);
		return exit_failure;
	}
	NlResult r = rt.transact(msg);
	nlmsg_free(msg);
	print_warnings(rt);
	if (!r.ok()) {
		// The one line carries the kernel's extack message when it sent one.
		print_error(r.err ? kernel_error_line(what, r.err, r.extack) : what + ": " + r.libnl_error);
		return exit_failure;
	}
	return exit_ok;
}

int do_add(const Command &cmd)
{
	const std::string what = "add " + cmd.name + " on " + cmd.master;
	AddSpec spec;
	spec.name = cmd.name;
	spec.mode = cmd.mode;
	spec.flags = cmd.flags;

	// The namespace is resolved before any netlink message is sent.
	Fd ns_fd;
	if (cmd.target_netns) {
		auto t = resolve(*cmd.target_netns);
		if (auto *e = std::get_if<UsageError>(&t))
			return usage_error("add: " + e->message);
		const auto &target = std::get<NetnsTarget>(t);
		if (target.kind == NetnsTarget::Kind::pid) {
			spec.netns_pid = target.pid;
		} else {
			ns_fd = Fd(open_netns(target));
			if (ns_fd.fd < 0) {
				print_error(what + ": netns " + target.name + ": " + std::strerror(errno));
				return exit_failure;
			}
			spec.netns_fd = ns_fd.fd;
		}
	}

	Rtnl rt;
	int rc = exit_ok;
	if (!open_rtnl(rt, what, &rc).ok())
		return rc;
	LinkRecord master;
	if (NlResult r = rt.get_link(cmd.master, &master); !r.ok())
		return failure(what + ": master " + cmd.master, r);
	spec.master_ifindex = master.ifindex;

	std::string err;
	nl_msg *msg = build_add_request(spec, &err);
	return send_request(rt, msg, what, err);
}

int do_set(const Command &cmd)
{
	const std::string what = "set " + cmd.name;
	Rtnl rt;
	int rc = exit_ok;
	if (!open_rtnl(rt, what, &rc).ok())
		return rc;
	LinkRecord link;
	if (!lookup_slave(rt, "set", cmd.name, &link, &rc))
		return rc;
	ChangeSpec spec;
	spec.ifindex = link.ifindex;
	spec.kind = link.kind;
	spec.mode = cmd.mode;
	spec.flags = cmd.flags;
	std::string err;
	nl_msg *msg = build_change_request(spec, &err);
	return send_request(rt, msg, what, err);
}

int do_del(const Command &cmd)
{
	const std::string what = "del " + cmd.name;
	Rtnl rt;
	int rc = exit_ok;
	if (!open_rtnl(rt, what, &rc).ok())
		return rc;
	LinkRecord link;
	if (!lookup_slave(rt, "del", cmd.name, &link, &rc))
		return rc;
	std::string err;
	nl_msg *msg = build_delete_request(link.ifindex, &err);
	return send_request(rt, msg, what, err);
}

// Opens the namespace of snapshot j: 0 is the original one (kept open as
// origin_fd), the others are opened by name when needed, so no fd per
// namespace stays open.
Fd open_snapshot_ns(std::size_t j, const std::vector<std::optional<std::string>> &names, int origin_fd)
{
	if (j == 0)
		return Fd(dup(origin_fd));
	return Fd(open_named_netns(*names[j]));
}

// Reads links and addresses of the namespace the thread is in (snapshot
// `self`), and maps the namespace ids its slaves use for their masters to
// snapshots. The original namespace is asked first: most masters are there.
NlResult read_netns(NetnsSnapshot &ns, std::size_t self, const std::vector<std::optional<std::string>> &names,
		    int origin_fd)
{
	Rtnl rt;
	NlResult r = rt.open();
	if (!r.ok())
		return r;
	if (r = rt.dump_links(&ns.links); !r.ok())
		return r;
	if (r = rt.dump_addrs(&ns.addrs); !r.ok())
		return r;
	std::set<std::int32_t> needed;
	for (const LinkRecord &l : ns.links)
		if (is_ipvlan_kind(l.kind) && l.link_netnsid)
			needed.insert(*l.link_netnsid);
	for (std::size_t j = 0; j < names.size() && !needed.empty(); j++) {
		if (j == self)
			continue;
		Fd fd = open_snapshot_ns(j, names, origin_fd);
		if (fd.fd < 0)
			continue; // removed meanwhile
		std::optional<std::int32_t> id;
		if (r = rt.nsid_of(fd.fd, &id); !r.ok())
			return r;
		if (id && needed.erase(*id))
			ns.peers.emplace(*id, j);
	}
	ns.visited = true;
	return {};
}

int do_show(const Command &cmd)
{
	int rc = exit_ok;
	Fd origin(open_current_netns());
	if (origin.fd < 0) {
		print_error(std::string("show: cannot open the current network namespace: ") + std::strerror(errno));
		return exit_failure;
	}
	const auto origin_id = netns_id(origin.fd);

	// Snapshot 0 is the current namespace; then every other named one,
	// each namespace once (under its first name).
	std::vector<std::string> skipped;
	std::vector<NetnsSnapshot> snaps(1);
	std::vector<NsId> ids{origin_id.value_or(NsId{})};
	for (const NamedNetns &n : list_named_netns(&skipped)) {
		if (origin_id && n.id == *origin_id) {
			if (!snaps[0].name)
				snaps[0].name = n.name;
			continue;
		}
		if (std::find(ids.begin(), ids.end(), n.id) != ids.end())
			continue;
		NetnsSnapshot s;
		s.name = n.name;
		snaps.push_back(std::move(s));
		ids.push_back(n.id);
	}
	if (cmd.opts.all_netns)
		for (const std::string &s : skipped)
			print_error("warning: " + std::string(netns_run_dir) + "/" + s +
				    " is not a mounted network namespace; skipped");
	std::vector<std::optional<std::string>> names;
	for (const NetnsSnapshot &s : snaps)
		names.push_back(s.name);

	if (NlResult r = read_netns(snaps[0], 0, names, origin.fd); !r.ok())
		return failure("show", r);
	if (cmd.opts.all_netns) {
		for (std::size_t i = 1; i < snaps.size(); i++) {
			Fd fd(open_named_netns(*snaps[i].name));
			if (fd.fd < 0 && errno == ENOENT)
				continue; // removed meanwhile
			if (fd.fd < 0 || enter_netns(fd.fd) != 0) {
				print_error("show: cannot enter netns " + *snaps[i].name + ": " + std::strerror(errno));
				rc = exit_failure;
				continue;
			}
			NlResult r = read_netns(snaps[i], i, names, origin.fd);
			if (enter_netns(origin.fd) != 0) {
				print_error(std::string("show: cannot return to the original network namespace: ") +
					    std::strerror(errno));
				return exit_failure;
			}
			if (!r.ok()) {
				print_error("show: netns " + *snaps[i].name + ": " + r.describe());
				rc = exit_failure;
			}
		}
	}

	Report report = assemble(snaps);
	if (!cmd.name.empty()) {
		report = filter_report(report, cmd.name);
		if (report.masters.empty()) {
			print_error("show: no ipvlan master or slave named " + cmd.name +
				    (cmd.opts.all_netns ? "" : " in this network namespace (try --all-netns)"));
			return exit_failure;
		}
	}
	const std::string out = cmd.opts.json ? format_json(report, cmd.opts.pretty) : format_text(report);
	std::fputs(out.c_str(), stdout);
	if (std::fflush(stdout) != 0) {
		print_error(std::string("show: cannot write the output: ") + std::strerror(errno));
		return exit_failure;
	}
	return rc;
}

int run(const std::vector<std::string> &args)
{
	ParseResult parsed = parse_args(args);
	if (auto *e = std::get_if<UsageError>(&parsed))
		return usage_error(e->message);
	const Command &cmd = std::get<Command>(parsed);

	switch (cmd.verb) {
	case Verb::help:
		std::fputs(usage_text().c_str(), stdout);
		return exit_ok;
	case Verb::version:
		std::printf("%.*s\n", static_cast<int>(version_string.size()), version_string.data());
		return exit_ok;
	default:
		break;
	}

	if (cmd.opts.netns) {
		auto t = resolve(*cmd.opts.netns);
		if (auto *e = std::get_if<UsageError>(&t))
			return usage_error(e->message);
		Fd fd(open_netns(std::get<NetnsTarget>(t)));
		if (fd.fd < 0 || enter_netns(fd.fd) != 0) {
			print_error("cannot enter network namespace " + *cmd.opts.netns + ": " + std::strerror(errno));
			return exit_failure;
		}
	}

	switch (cmd.verb) {
	case Verb::add:
		return do_add(cmd);
	case Verb::set:
		return do_set(cmd);
	case Verb::del:
		return do_del(cmd);
	case Verb::show:
		return do_show(cmd);
	default:
		return exit_usage;
	}
}

} // namespace
} // namespace ipvlanctl

int main(int argc, char **argv)
{
	return ipvlanctl::run(std::vector<std::string>(argv + 1, argv + argc));
}
