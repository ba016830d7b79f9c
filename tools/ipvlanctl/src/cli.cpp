// SPDX-License-Identifier: GPL-2.0
#include "cli.hpp"

#include "ipvlan.hpp"

#include <algorithm>
#include <charconv>
#include <climits>

namespace ipvlanctl {

namespace {

std::string quoted(std::string_view s) { return "'" + std::string(s) + "'"; }

bool all_digits(std::string_view s)
{
	return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// The kernel's isspace() (lib/ctype.c): \t \n \v \f \r, space and 0xa0.
bool kernel_isspace(unsigned char c) { return c == ' ' || (c >= '\t' && c <= '\r') || c == 0xa0; }

// The words after the verb (and its positional arguments) that set mode,
// flags and, for add, the target namespace.
struct SettingsParser {
	std::string_view verb;
	bool allow_netns;

	std::optional<UsageError> parse(const std::vector<std::string> &words, std::size_t i,
					Command &cmd) const
	{
		std::vector<std::string> flag_words;
		auto err = [this](const std::string &msg) {
			return UsageError{std::string(verb) + ": " + msg};
		};
		for (; i < words.size(); i++) {
			const std::string &w = words[i];
			const bool has_value = i + 1 < words.size();
			if (w == "mode") {
				if (!has_value)
					return err("'mode' needs a value: l2, l3 or l3s");
				const std::string &v = words[++i];
				auto mode = mode_from_word(v);
				if (!mode)
					return err("unknown mode " + quoted(v) + " (expected l2, l3 or l3s)");
				if (cmd.mode)
					return err("mode given twice");
				cmd.mode = mode;
			} else if (w == "flags") {
				if (!has_value)
					return err("'flags' needs a value: bridge, private or vepa");
				const std::string &v = words[++i];
				if (!flag_from_word(v))
					return err("unknown flags " + quoted(v) +
						   " (expected bridge, private or vepa)");
				flag_words.push_back(v);
			} else if (flag_from_word(w)) {
				flag_words.push_back(w);
			} else if (w == "netns" && allow_netns) {
				if (!has_value)
					return err("'netns' needs a network namespace name or PID");
				const std::string &v = words[++i];
				if (cmd.target_netns)
					return err("netns given twice");
				if (!all_digits(v)) {
					if (auto why = netns_name_problem(v))
						return err("bad network namespace name " + quoted(v) + ": " + *why);
				}
				cmd.target_netns = v;
			} else if (mode_from_word(w)) {
				return err("unknown word " + quoted(w) + " (write: mode " + w + ")");
			} else {
				return err("unknown word " + quoted(w) + " (expected mode, bridge, private, vepa" +
					   (allow_netns ? ", flags or netns)" : " or flags)"));
			}
		}
		if (flag_words.size() > 1) {
			auto has = [&flag_words](std::string_view f) {
				return std::find(flag_words.begin(), flag_words.end(), f) != flag_words.end();
			};
			if (has("private") && has("vepa"))
				return err("private and vepa are mutually exclusive");
			if (flag_words[0] == flag_words[1] && flag_words.size() == 2)
				return err(quoted(flag_words[0]) + " given twice");
			return err("bridge, private and vepa exclude each other: give one");
		}
		if (flag_words.size() == 1)
			cmd.flags = flag_from_word(flag_words[0]);
		return std::nullopt;
	}
};

std::optional<UsageError> check_ifname(std::string_view verb, std::string_view what,
				       std::string_view name)
{
	if (auto why = ifname_problem(name))
		return UsageError{std::string(verb) + ": bad " + std::string(what) + " " + quoted(name) + ": " + *why};
	return std::nullopt;
}

std::optional<UsageError> check_show_only(std::string_view verb, const Options &o)
{
	auto err = [verb](std::string_view opt) {
		return UsageError{std::string(verb) + ": " + std::string(opt) + " applies to show only"};
	};
	if (o.pretty)
		return err("-p/--pretty");
	if (o.json)
		return err("-j/--json");
	if (o.all_netns)
		return err("-a/--all-netns");
	return std::nullopt;
}

std::optional<UsageError> parse_verb(const std::vector<std::string> &words, Command &cmd)
{
	const std::string &verb = words[0];
	auto extra = [&verb](const std::string &w) {
		return UsageError{verb + ": unexpected word " + quoted(w)};
	};
	if (verb == "help") {
		cmd.verb = Verb::help;
		return std::nullopt;
	}
	if (verb == "show") {
		cmd.verb = Verb::show;
		if (words.size() > 1) {
			if (auto e = check_ifname(verb, "device name", words[1]))
				return e;
			cmd.name = words[1];
		}
		if (words.size() > 2)
			return UsageError{"show: unexpected word " + quoted(words[2]) +
					  " (show takes at most one device name)"};
		return std::nullopt;
	}
	if (auto e = check_show_only(verb, cmd.opts); e && (verb == "add" || verb == "set" || verb == "del"))
		return e;
	if (verb == "add") {
		cmd.verb = Verb::add;
		if (words.size() < 2)
			return UsageError{"add: missing MASTER and NAME (ipvlanctl add MASTER NAME ...)"};
		if (words.size() < 3)
			return UsageError{"add: missing NAME (ipvlanctl add MASTER NAME ...)"};
		if (auto e = check_ifname(verb, "MASTER", words[1]))
			return e;
		if (auto e = check_ifname(verb, "NAME", words[2]))
			return e;
		cmd.master = words[1];
		cmd.name = words[2];
		if (cmd.master == cmd.name)
			return UsageError{"add: NAME and MASTER are the same device " + quoted(cmd.name)};
		return SettingsParser{verb, true}.parse(words, 3, cmd);
	}
	if (verb == "set") {
		cmd.verb = Verb::set;
		if (words.size() < 2)
			return UsageError{"set: missing NAME (ipvlanctl set NAME [mode MODE] [FLAG])"};
		if (auto e = check_ifname(verb, "NAME", words[1]))
			return e;
		cmd.name = words[1];
		if (auto e = SettingsParser{verb, false}.parse(words, 2, cmd))
			return e;
		if (!cmd.mode && !cmd.flags)
			return UsageError{"set: nothing to change (give mode l2|l3|l3s and/or bridge|private|vepa)"};
		return std::nullopt;
	}
	if (verb == "del") {
		cmd.verb = Verb::del;
		if (words.size() < 2)
			return UsageError{"del: missing NAME (ipvlanctl del NAME)"};
		if (auto e = check_ifname(verb, "NAME", words[1]))
			return e;
		cmd.name = words[1];
		if (words.size() > 2)
			return extra(words[2]);
		return std::nullopt;
	}
	return UsageError{"unknown command " + quoted(verb) + " (expected add, set, del, show or help)"};
}

} // namespace

ParseResult parse_args(const std::vector<std::string> &args)
{
	Command cmd;
	// --help and --version win over everything else on the line.
	for (const std::string &a : args) {
		if (a == "--")
			break;
		if (a == "-h" || a == "--help") {
			cmd.verb = Verb::help;
			return cmd;
		}
		if (a == "-V" || a == "--version") {
			cmd.verb = Verb::version;
			return cmd;
		}
	}

	std::vector<std::string> words;
	bool options_done = false;
	for (std::size_t i = 0; i < args.size(); i++) {
		const std::string &a = args[i];
		if (options_done || a.size() < 2 || a[0] != '-') {
			words.push_back(a);
			continue;
		}
		if (a == "--") {
			options_done = true;
		} else if (a == "-j" || a == "--json") {
			cmd.opts.json = true;
		} else if (a == "-p" || a == "--pretty") {
			cmd.opts.json = cmd.opts.pretty = true;
		} else if (a == "-a" || a == "--all-netns") {
			cmd.opts.all_netns = true;
		} else if (a == "-n" || a == "--namespace" || a.rfind("--namespace=", 0) == 0) {
			std::string v;
			if (a[1] == 'n' || a == "--namespace") {
				if (i + 1 >= args.size())
					return UsageError{"option " + a + " needs a network namespace name"};
				v = args[++i];
			} else {
				v = a.substr(a.find('=') + 1);
			}
			if (cmd.opts.netns)
				return UsageError{"option -n/--namespace given twice"};
			if (!all_digits(v)) {
				if (auto why = netns_name_problem(v))
					return UsageError{"bad network namespace name " + quoted(v) + ": " + *why};
			}
			cmd.opts.netns = v;
		} else {
			return UsageError{"unknown option " + quoted(a) + " (see ipvlanctl --help)"};
		}
	}
	if (words.empty())
		return UsageError{"missing command (expected add, set, del, show or help)"};
	if (auto e = parse_verb(words, cmd))
		return *e;
	return cmd;
}

std::optional<std::string> ifname_problem(std::string_view name)
{
	if (name.empty())
		return "is empty";
	if (name.size() >= ifnamsiz)
		return "is longer than 15 bytes (IFNAMSIZ is 16)";
	if (name == "." || name == "..")
		return "is not a valid device name";
	for (char c : name) {
		const auto u = static_cast<unsigned char>(c);
		if (c == '/')
			return "contains '/'";
		if (c == ':')
			return "contains ':'";
		if (c == '%')
			return "contains '%' (name templates are not supported)";
		if (kernel_isspace(u))
			return "contains white space";
		if (u == 0)
			return "contains a NUL byte";
	}
	return std::nullopt;
}

std::optional<std::string> netns_name_problem(std::string_view name)
{
	if (name.empty())
		return "is empty";
	if (name.size() > 255)
		return "is longer than 255 bytes";
	if (name == "." || name == "..")
		return "is not a valid name";
	if (name.find('/') != std::string_view::npos)
		return "contains '/'";
	if (name.find('\0') != std::string_view::npos)
		return "contains a NUL byte";
	return std::nullopt;
}

NetnsResult resolve_netns(std::string_view word,
			  const std::function<bool(std::string_view)> &named_exists,
			  const std::function<bool(int)> &pid_exists)
{
	const auto bad_name = netns_name_problem(word);
	if (!bad_name && named_exists(word))
		return NetnsTarget{NetnsTarget::Kind::named, std::string(word), 0};
	if (all_digits(word)) {
		long long pid = 0;
		auto [end, ec] = std::from_chars(word.data(), word.data() + word.size(), pid);
		if (ec != std::errc() || end != word.data() + word.size() || pid <= 0 || pid > INT_MAX)
			return UsageError{"no network namespace named " + quoted(word) + ", and " +
					  std::string(word) + " is not a valid PID"};
		if (!pid_exists(static_cast<int>(pid)))
			return UsageError{"no network namespace named " + quoted(word) + " and no process " +
					  std::string(word)};
		return NetnsTarget{NetnsTarget::Kind::pid, {}, static_cast<int>(pid)};
	}
	if (bad_name)
		return UsageError{"bad network namespace name " + quoted(word) + ": " + *bad_name};
	return UsageError{"no network namespace named " + quoted(word) + " (see: ip netns list)"};
}

std::string usage_text()
{
	return R"(Usage: ipvlanctl [OPTIONS] COMMAND [ARGS]

Create, change, delete and list ipvlan devices (rtnetlink link kind "ipvlan").

Commands:
  add MASTER NAME [mode l2|l3|l3s] [bridge|private|vepa] [netns NSNAME|PID]
        create the ipvlan device NAME on MASTER; with netns, create it
        directly inside that network namespace
  set NAME [mode l2|l3|l3s] [bridge|private|vepa]
        change the mode and/or the flags. Both belong to the master (the
        port): every slave of the same master sees the change
  del NAME
        delete the ipvlan device NAME
  show [MASTER|NAME]
        list every master that carries ipvlan slaves, with its mode and
        flags, and its slaves with their namespace, state and addresses;
        with a name, only that master or that slave
  help  this text

The flag may also be written "flags bridge|private|vepa". private and vepa
are mutually exclusive; bridge means neither. Without mode, the driver's
default applies: l3 for a new port (the stock driver also resets an existing
port to l3; see ipvlanctl(8)). Without a flag, the port's flags stay.

Options:
  -j, --json            show: print JSON
  -p, --pretty          show: print indented JSON (implies --json)
  -a, --all-netns       show: also look inside every named network namespace
                        (/run/netns/*)
  -n, --namespace NETNS run inside the named network namespace NETNS
  -h, --help            print this help
  -V, --version         print the version

Exit status: 0 success, 1 the kernel or the system refused, 2 bad arguments
(nothing was sent to the kernel).
)";
}

} // namespace ipvlanctl
