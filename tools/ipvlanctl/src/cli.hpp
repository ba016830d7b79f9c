// SPDX-License-Identifier: GPL-2.0
// Command line of ipvlanctl: parsing and validation. Pure functions: nothing
// here touches the system, so every argument error is found before the
// first netlink message and the unit tests cover all of it.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace ipvlanctl {

enum class Verb { help, version, add, set, del, show };

struct Options {
	bool json = false;      // -j, --json (show)
	bool pretty = false;    // -p, --pretty (show; implies --json)
	bool all_netns = false; // -a, --all-netns (show)
	// -n, --namespace NETNS: run everything inside this named netns (or PID).
	std::optional<std::string> netns;
};

struct Command {
	Verb verb = Verb::help;
	Options opts;
	std::string master; // add
	std::string name;   // add, set, del; show: the optional filter
	std::optional<std::uint16_t> mode;
	std::optional<std::uint16_t> flags;
	std::optional<std::string> target_netns; // add ... netns NSNAME|PID
};

struct UsageError {
	std::string message; // one line, without the "ipvlanctl: " prefix
};

using ParseResult = std::variant<Command, UsageError>;

// args: the command line without argv[0].
ParseResult parse_args(const std::vector<std::string> &args);

// A device name the kernel accepts (dev_valid_name): 1..15 bytes, not "."
// or "..", no '/', ':' or white space. ipvlanctl also refuses '%' (a name
// template would create a device whose name the caller does not know).
// On failure returns the reason ("is longer than 15 bytes", ...).
std::optional<std::string> ifname_problem(std::string_view name);

// A name `ip netns` can have under /run/netns: not empty, not "." or "..",
// no '/', at most 255 bytes. On failure returns the reason.
std::optional<std::string> netns_name_problem(std::string_view name);

// Where a NSNAME|PID word points, resolved like iproute2 does it: a named
// namespace (/run/netns/NAME) first, then, if the word is a number, the
// namespace of that process.
struct NetnsTarget {
	enum class Kind { named, pid } kind = Kind::named;
	std::string name; // Kind::named
	int pid = 0;      // Kind::pid
};
using NetnsResult = std::variant<NetnsTarget, UsageError>;
NetnsResult resolve_netns(std::string_view word,
			  const std::function<bool(std::string_view)> &named_exists,
			  const std::function<bool(int)> &pid_exists);

// The --help text.
std::string usage_text();
inline constexpr std::string_view version_string = "ipvlanctl 0.1";

// Exit statuses.
inline constexpr int exit_ok = 0;
inline constexpr int exit_failure = 1; // the kernel or the system said no
inline constexpr int exit_usage = 2;   // bad arguments; nothing was sent

} // namespace ipvlanctl
