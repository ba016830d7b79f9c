// SPDX-License-Identifier: GPL-2.0
// Argument parsing and validation: everything that must be refused before
// a netlink message is sent.
#include "cli.hpp"
#include "ipvlan.hpp"

#include <gtest/gtest.h>
#include <initializer_list>
#include <set>

using namespace ipvlanctl;

namespace {

ParseResult parse(std::initializer_list<const char *> words)
{
	std::vector<std::string> args;
	for (const char *w : words)
		args.emplace_back(w);
	return parse_args(args);
}

Command ok(std::initializer_list<const char *> words)
{
	ParseResult r = parse(words);
	if (auto *e = std::get_if<UsageError>(&r)) {
		ADD_FAILURE() << "unexpected usage error: " << e->message;
		return {};
	}
	return std::get<Command>(r);
}

std::string error(std::initializer_list<const char *> words)
{
	ParseResult r = parse(words);
	if (auto *e = std::get_if<UsageError>(&r))
		return e->message;
	ADD_FAILURE() << "parsed, expected a usage error";
	return {};
}

} // namespace

// ------------------------------------------------------------------- add

TEST(CliAdd, MasterAndNameOnly)
{
	Command c = ok({"add", "eth0", "ipvl0"});
	EXPECT_EQ(c.verb, Verb::add);
	EXPECT_EQ(c.master, "eth0");
	EXPECT_EQ(c.name, "ipvl0");
	EXPECT_FALSE(c.mode);
	EXPECT_FALSE(c.flags);
	EXPECT_FALSE(c.target_netns);
	EXPECT_FALSE(c.opts.json);
}

TEST(CliAdd, EverySetting)
{
	Command c = ok({"add", "eth0", "ipvl0", "mode", "l3s", "vepa", "netns", "c1"});
	EXPECT_EQ(c.mode, mode_l3s);
	EXPECT_EQ(c.flags, flag_vepa);
	EXPECT_EQ(c.target_netns, "c1");
}

TEST(CliAdd, SettingsInAnyOrder)
{
	Command c = ok({"add", "eth0", "ipvl0", "netns", "1234", "private", "mode", "l2"});
	EXPECT_EQ(c.mode, mode_l2);
	EXPECT_EQ(c.flags, flag_private);
	EXPECT_EQ(c.target_netns, "1234");
}

TEST(CliAdd, EachModeWord)
{
	EXPECT_EQ(ok({"add", "m", "s", "mode", "l2"}).mode, 0);
	EXPECT_EQ(ok({"add", "m", "s", "mode", "l3"}).mode, 1);
	EXPECT_EQ(ok({"add", "m", "s", "mode", "l3s"}).mode, 2);
}

TEST(CliAdd, EachFlagWordBareAndWithKeyword)
{
	EXPECT_EQ(ok({"add", "m", "s", "bridge"}).flags, 0);
	EXPECT_EQ(ok({"add", "m", "s", "private"}).flags, 1);
	EXPECT_EQ(ok({"add", "m", "s", "vepa"}).flags, 2);
	EXPECT_EQ(ok({"add", "m", "s", "flags", "bridge"}).flags, 0);
	EXPECT_EQ(ok({"add", "m", "s", "flags", "private"}).flags, 1);
	EXPECT_EQ(ok({"add", "m", "s", "flags", "vepa"}).flags, 2);
}

TEST(CliAdd, MissingArguments)
{
	EXPECT_EQ(error({"add"}), "add: missing MASTER and NAME (ipvlanctl add MASTER NAME ...)");
	EXPECT_EQ(error({"add", "eth0"}), "add: missing NAME (ipvlanctl add MASTER NAME ...)");
	EXPECT_EQ(error({"add", "eth0", "s", "mode"}), "add: 'mode' needs a value: l2, l3 or l3s");
	EXPECT_EQ(error({"add", "eth0", "s", "flags"}), "add: 'flags' needs a value: bridge, private or vepa");
	EXPECT_EQ(error({"add", "eth0", "s", "netns"}), "add: 'netns' needs a network namespace name or PID");
}

TEST(CliAdd, PrivateAndVepaTogether)
{
	const std::string want = "add: private and vepa are mutually exclusive";
	EXPECT_EQ(error({"add", "eth0", "s", "private", "vepa"}), want);
	EXPECT_EQ(error({"add", "eth0", "s", "vepa", "mode", "l2", "private"}), want);
	EXPECT_EQ(error({"add", "eth0", "s", "flags", "private", "flags", "vepa"}), want);
}

TEST(CliAdd, OtherFlagCombinations)
{
	EXPECT_EQ(error({"add", "eth0", "s", "bridge", "private"}),
		  "add: bridge, private and vepa exclude each other: give one");
	EXPECT_EQ(error({"add", "eth0", "s", "private", "private"}), "add: 'private' given twice");
	EXPECT_EQ(error({"add", "eth0", "s", "bridge", "flags", "bridge"}), "add: 'bridge' given twice");
}

TEST(CliAdd, BadMode)
{
	EXPECT_EQ(error({"add", "eth0", "s", "mode", "l4"}), "add: unknown mode 'l4' (expected l2, l3 or l3s)");
	EXPECT_EQ(error({"add", "eth0", "s", "mode", "L2"}), "add: unknown mode 'L2' (expected l2, l3 or l3s)");
	EXPECT_EQ(error({"add", "eth0", "s", "mode", "1"}), "add: unknown mode '1' (expected l2, l3 or l3s)");
	EXPECT_EQ(error({"add", "eth0", "s", "mode", "l2", "mode", "l3"}), "add: mode given twice");
	EXPECT_EQ(error({"add", "eth0", "s", "l3"}), "add: unknown word 'l3' (write: mode l3)");
}

TEST(CliAdd, BadFlagsValue)
{
	EXPECT_EQ(error({"add", "eth0", "s", "flags", "l2"}),
		  "add: unknown flags 'l2' (expected bridge, private or vepa)");
}

TEST(CliAdd, UnknownWords)
{
	EXPECT_EQ(error({"add", "eth0", "s", "type", "ipvlan"}),
		  "add: unknown word 'type' (expected mode, bridge, private, vepa, flags or netns)");
	EXPECT_EQ(error({"add", "eth0", "s", "mode", "l2", "bridg"}),
		  "add: unknown word 'bridg' (expected mode, bridge, private, vepa, flags or netns)");
}

TEST(CliAdd, NameLength)
{
	EXPECT_EQ(ok({"add", "eth0", "abcdefghijklmno"}).name, "abcdefghijklmno"); // 15 bytes
	EXPECT_EQ(error({"add", "eth0", "abcdefghijklmnop"}),
		  "add: bad NAME 'abcdefghijklmnop': is longer than 15 bytes (IFNAMSIZ is 16)");
	EXPECT_EQ(error({"add", "abcdefghijklmnop", "s"}),
		  "add: bad MASTER 'abcdefghijklmnop': is longer than 15 bytes (IFNAMSIZ is 16)");
}

TEST(CliAdd, BadNames)
{
	EXPECT_EQ(error({"add", "eth0", ""}), "add: bad NAME '': is empty");
	EXPECT_EQ(error({"add", "eth0", "a/b"}), "add: bad NAME 'a/b': contains '/'");
	EXPECT_EQ(error({"add", "eth0", "a:b"}), "add: bad NAME 'a:b': contains ':'");
	EXPECT_EQ(error({"add", "eth0", "a b"}), "add: bad NAME 'a b': contains white space");
	EXPECT_EQ(error({"add", "eth0", "."}), "add: bad NAME '.': is not a valid device name");
	EXPECT_EQ(error({"add", "eth0", ".."}), "add: bad NAME '..': is not a valid device name");
	EXPECT_EQ(error({"add", "eth0", "ipvl%d"}),
		  "add: bad NAME 'ipvl%d': contains '%' (name templates are not supported)");
	EXPECT_EQ(error({"add", "eth0", "eth0"}), "add: NAME and MASTER are the same device 'eth0'");
}

TEST(CliAdd, BadNetnsName)
{
	EXPECT_EQ(error({"add", "eth0", "s", "netns", "a/b"}),
		  "add: bad network namespace name 'a/b': contains '/'");
	EXPECT_EQ(error({"add", "eth0", "s", "netns", ".."}),
		  "add: bad network namespace name '..': is not a valid name");
	EXPECT_EQ(error({"add", "eth0", "s", "netns", "a", "netns", "b"}), "add: netns given twice");
}

TEST(CliAdd, ShowOnlyOptionsRefused)
{
	EXPECT_EQ(error({"-j", "add", "eth0", "s"}), "add: -j/--json applies to show only");
	EXPECT_EQ(error({"add", "eth0", "s", "--all-netns"}), "add: -a/--all-netns applies to show only");
	EXPECT_EQ(error({"add", "eth0", "s", "-p"}), "add: -p/--pretty applies to show only");
}

// ------------------------------------------------------------------- set

TEST(CliSet, ModeFlagsOrBoth)
{
	Command c = ok({"set", "ipvl0", "mode", "l2"});
	EXPECT_EQ(c.verb, Verb::set);
	EXPECT_EQ(c.name, "ipvl0");
	EXPECT_EQ(c.mode, mode_l2);
	EXPECT_FALSE(c.flags);

	c = ok({"set", "ipvl0", "private"});
	EXPECT_FALSE(c.mode);
	EXPECT_EQ(c.flags, flag_private);

	c = ok({"set", "ipvl0", "flags", "bridge", "mode", "l3s"});
	EXPECT_EQ(c.mode, mode_l3s);
	EXPECT_EQ(c.flags, flag_bridge);
}

TEST(CliSet, Errors)
{
	EXPECT_EQ(error({"set"}), "set: missing NAME (ipvlanctl set NAME [mode MODE] [FLAG])");
	EXPECT_EQ(error({"set", "ipvl0"}),
		  "set: nothing to change (give mode l2|l3|l3s and/or bridge|private|vepa)");
	EXPECT_EQ(error({"set", "ipvl0", "vepa", "private"}), "set: private and vepa are mutually exclusive");
	EXPECT_EQ(error({"set", "ipvl0", "netns", "c1"}),
		  "set: unknown word 'netns' (expected mode, bridge, private, vepa or flags)");
	EXPECT_EQ(error({"set", "ipvl0", "mode", "x"}), "set: unknown mode 'x' (expected l2, l3 or l3s)");
	EXPECT_EQ(error({"set", "0123456789abcdef", "mode", "l2"}),
		  "set: bad NAME '0123456789abcdef': is longer than 15 bytes (IFNAMSIZ is 16)");
}

// ------------------------------------------------------------------- del

TEST(CliDel, NameOnly)
{
	Command c = ok({"del", "ipvl0"});
	EXPECT_EQ(c.verb, Verb::del);
	EXPECT_EQ(c.name, "ipvl0");
	EXPECT_EQ(error({"del"}), "del: missing NAME (ipvlanctl del NAME)");
	EXPECT_EQ(error({"del", "ipvl0", "ipvl1"}), "del: unexpected word 'ipvl1'");
	EXPECT_EQ(error({"del", "a b"}), "del: bad NAME 'a b': contains white space");
}

// ------------------------------------------------------------------ show

TEST(CliShow, Plain)
{
	Command c = ok({"show"});
	EXPECT_EQ(c.verb, Verb::show);
	EXPECT_TRUE(c.name.empty());
	EXPECT_FALSE(c.opts.json);
	EXPECT_FALSE(c.opts.all_netns);
}

TEST(CliShow, OptionsBeforeOrAfter)
{
	for (auto c : {ok({"-j", "-a", "show", "eth0"}), ok({"show", "eth0", "--json", "--all-netns"}),
		       ok({"--all-netns", "show", "-j", "eth0"})}) {
		EXPECT_TRUE(c.opts.json);
		EXPECT_TRUE(c.opts.all_netns);
		EXPECT_FALSE(c.opts.pretty);
		EXPECT_EQ(c.name, "eth0");
	}
}

TEST(CliShow, PrettyImpliesJson)
{
	Command c = ok({"show", "-p"});
	EXPECT_TRUE(c.opts.json);
	EXPECT_TRUE(c.opts.pretty);
}

TEST(CliShow, Errors)
{
	EXPECT_EQ(error({"show", "a", "b"}), "show: unexpected word 'b' (show takes at most one device name)");
	EXPECT_EQ(error({"show", "a/b"}), "show: bad device name 'a/b': contains '/'");
	EXPECT_EQ(error({"show", "-x"}), "unknown option '-x' (see ipvlanctl --help)");
	EXPECT_EQ(error({"show", "--jsn"}), "unknown option '--jsn' (see ipvlanctl --help)");
}

TEST(CliShow, DoubleDashEndsOptions)
{
	// A device named "-j" is legal for the kernel.
	Command c = ok({"show", "--", "-j"});
	EXPECT_EQ(c.name, "-j");
	EXPECT_FALSE(c.opts.json);
	EXPECT_EQ(ok({"show", "-"}).name, "-") << "'-' alone is not an option";
}

// ----------------------------------------------------- general options

TEST(CliGeneral, HelpAndVersionWin)
{
	EXPECT_EQ(ok({"--help"}).verb, Verb::help);
	EXPECT_EQ(ok({"-h"}).verb, Verb::help);
	EXPECT_EQ(ok({"help"}).verb, Verb::help);
	EXPECT_EQ(ok({"add", "bad/name", "-h"}).verb, Verb::help);
	EXPECT_EQ(ok({"-V"}).verb, Verb::version);
	EXPECT_EQ(ok({"--version", "show"}).verb, Verb::version);
}

TEST(CliGeneral, CommandErrors)
{
	EXPECT_EQ(error({}), "missing command (expected add, set, del, show or help)");
	EXPECT_EQ(error({"-j"}), "missing command (expected add, set, del, show or help)");
	EXPECT_EQ(error({"list"}), "unknown command 'list' (expected add, set, del, show or help)");
	EXPECT_EQ(error({"ADD", "a", "b"}), "unknown command 'ADD' (expected add, set, del, show or help)");
}

TEST(CliGeneral, Namespace)
{
	EXPECT_EQ(ok({"-n", "c1", "show"}).opts.netns, "c1");
	EXPECT_EQ(ok({"--namespace", "c1", "del", "x"}).opts.netns, "c1");
	EXPECT_EQ(ok({"--namespace=c1", "set", "x", "vepa"}).opts.netns, "c1");
	EXPECT_EQ(ok({"show", "-n", "42"}).opts.netns, "42");
	EXPECT_EQ(error({"show", "-n"}), "option -n needs a network namespace name");
	EXPECT_EQ(error({"-n", "a", "-n", "b", "show"}), "option -n/--namespace given twice");
	EXPECT_EQ(error({"-n", "a/b", "show"}), "bad network namespace name 'a/b': contains '/'");
	EXPECT_EQ(error({"--namespace=", "show"}), "bad network namespace name '': is empty");
}

TEST(CliGeneral, UsageTextMentionsEveryCommandAndOption)
{
	const std::string u = usage_text();
	for (const char *w : {"add MASTER NAME", "set NAME", "del NAME", "show [MASTER|NAME]", "--all-netns",
			      "--json", "--pretty", "--namespace", "l3s", "private", "vepa", "netns NSNAME|PID"})
		EXPECT_NE(u.find(w), std::string::npos) << w;
}

// ----------------------------------------------------------- validators

TEST(Validators, IfnameKernelRules)
{
	EXPECT_FALSE(ifname_problem("eth0"));
	EXPECT_FALSE(ifname_problem("-j"));
	EXPECT_FALSE(ifname_problem("\xc3\xa9t\xc3\xa9"));
	EXPECT_EQ(ifname_problem("a\tb"), "contains white space");
	EXPECT_EQ(ifname_problem("a\nb"), "contains white space");
	EXPECT_EQ(ifname_problem("a\xa0"), "contains white space") << "the kernel's isspace(0xa0)";
	EXPECT_EQ(ifname_problem(std::string_view("a\0b", 3)), "contains a NUL byte");
}

TEST(Validators, NetnsName)
{
	EXPECT_FALSE(netns_name_problem("c1"));
	EXPECT_FALSE(netns_name_problem("with space"));
	EXPECT_EQ(netns_name_problem(std::string(256, 'a')), "is longer than 255 bytes");
	EXPECT_FALSE(netns_name_problem(std::string(255, 'a')));
}

// ------------------------------------------------------- resolve_netns

namespace {

NetnsResult resolve(const char *word, std::set<std::string> named, std::set<int> pids)
{
	return resolve_netns(
		word, [&named](std::string_view n) { return named.count(std::string(n)) > 0; },
		[&pids](int p) { return pids.count(p) > 0; });
}

} // namespace

TEST(ResolveNetns, Named)
{
	auto r = resolve("c1", {"c1"}, {});
	ASSERT_TRUE(std::holds_alternative<NetnsTarget>(r));
	EXPECT_EQ(std::get<NetnsTarget>(r).kind, NetnsTarget::Kind::named);
	EXPECT_EQ(std::get<NetnsTarget>(r).name, "c1");
}

TEST(ResolveNetns, NameFirstThenPid)
{
	auto r = resolve("123", {"123"}, {123});
	ASSERT_TRUE(std::holds_alternative<NetnsTarget>(r));
	EXPECT_EQ(std::get<NetnsTarget>(r).kind, NetnsTarget::Kind::named);

	r = resolve("123", {}, {123});
	ASSERT_TRUE(std::holds_alternative<NetnsTarget>(r));
	EXPECT_EQ(std::get<NetnsTarget>(r).kind, NetnsTarget::Kind::pid);
	EXPECT_EQ(std::get<NetnsTarget>(r).pid, 123);
}

TEST(ResolveNetns, Unknown)
{
	auto msg = [](NetnsResult r) { return std::get<UsageError>(r).message; };
	EXPECT_EQ(msg(resolve("nope", {"c1"}, {1})), "no network namespace named 'nope' (see: ip netns list)");
	EXPECT_EQ(msg(resolve("99", {}, {1})), "no network namespace named '99' and no process 99");
	EXPECT_EQ(msg(resolve("0", {}, {0})), "no network namespace named '0', and 0 is not a valid PID");
	EXPECT_EQ(msg(resolve("99999999999", {}, {})),
		  "no network namespace named '99999999999', and 99999999999 is not a valid PID");
	EXPECT_EQ(msg(resolve("a/b", {"a/b"}, {})), "bad network namespace name 'a/b': contains '/'");
}

// ------------------------------------------------------ ABI word tables

TEST(IpvlanWords, ModeAndFlagNames)
{
	EXPECT_EQ(mode_name(0), "l2");
	EXPECT_EQ(mode_name(1), "l3");
	EXPECT_EQ(mode_name(2), "l3s");
	EXPECT_EQ(mode_name(7), "7");
	EXPECT_EQ(flags_name(0), "bridge");
	EXPECT_EQ(flags_name(1), "private");
	EXPECT_EQ(flags_name(2), "vepa");
	EXPECT_EQ(flags_name(3), "private|vepa");
	EXPECT_EQ(flags_name(0x8), "0x8");
	EXPECT_EQ(flags_name(0x6), "vepa|0x4");
	EXPECT_TRUE(is_ipvlan_kind("ipvlan"));
	EXPECT_TRUE(is_ipvlan_kind("ipvtap"));
	EXPECT_FALSE(is_ipvlan_kind("macvlan"));
	EXPECT_FALSE(is_ipvlan_kind(""));
}
