#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# ipvlanctl (tools/ipvlanctl), the libnl-3 helper, against the loaded driver:
# add (mode, flags, netns by name and by PID), set (mode and flags apart:
# each leaves the other alone, per port), del, show in text and JSON (read
# with bash pattern matching, and checked against `ip -d -j link`), the
# --all-netns walk that puts slaves of other namespaces under their master,
# JSON escaping of odd names, argument errors that must not reach the kernel
# (exit 2, one line, no netlink socket opened), and kernel errors (exit 1,
# one line, with the extack message where the driver sends one: ours does
# for a bad master, the stock 6.1 driver does not).
#
# Env: IPVLANCTL, the binary (default: build/ipvlanctl/ipvlanctl of this
# tree, built by cmake -S tools/ipvlanctl -B build/ipvlanctl).

. "$(dirname "$0")/lib.sh"

IPVLANCTL=${IPVLANCTL:-$(cd "$LIB_DIR/.." && pwd)/build/ipvlanctl/ipvlanctl}

require_root
require_cmd ip
[[ -x "$IPVLANCTL" ]] ||
	skip_all "no ipvlanctl at $IPVLANCTL (cmake -S tools/ipvlanctl -B build/ipvlanctl && cmake --build build/ipvlanctl)"
ipvlan_require
log "ipvlanctl: $IPVLANCTL"

NL=$'\n'
ctl() { "$IPVLANCTL" "$@"; }

# ctl_expect DESC RC ERE ARGS...: `ipvlanctl ARGS` exits with RC and writes
# exactly one line to stderr, matching ERE.
ctl_expect() {
	local desc=$1 want=$2 re=$3 err rc
	shift 3
	err=$("$IPVLANCTL" "$@" 2>&1 >/dev/null)
	rc=$?
	if [[ $rc -eq $want && -n "$err" && "$err" != *$'\n'* && "$err" =~ $re ]]; then
		tap_ok "$desc"
		return 0
	fi
	tap_not_ok "$desc"
	log "  command: ipvlanctl $* (rc=$rc, expected $want and one line matching: $re)"
	[[ -n "$err" ]] && printf '%s\n' "$err" | _diag
	return 1
}

# ip_info NS DEV: "MODE FLAG" of an ipvlan as iproute2 reads it (JSON).
ip_info() {
	local j mode flag
	j=$(link_json "$1" "$2") || return 1
	mode=$(json_get "$j" mode) || return 1
	for flag in private vepa bridge; do
		[[ "$j" == *"\"$flag\":true"* ]] && break
	done
	printf '%s %s\n' "$mode" "$flag"
}

# json_slave JSON NAME: the object of slave NAME in `show -j` output.
json_slave() {
	local re="\{\"name\":\"$2\",\"kind\":[^]]*\"addresses\":\[[^]]*\]\}"
	[[ "$1" =~ $re ]] && printf '%s\n' "${BASH_REMATCH[0]}"
}

# count STRING SUBSTRING: how many times SUBSTRING occurs in STRING.
count() {
	local s=$1 n=0
	while [[ "$s" == *"$2"* ]]; do
		s=${s#*"$2"}
		n=$((n + 1))
	done
	echo "$n"
}

# ------------------------------------------------------------- topology
#   H:  veth0 (master, up) <-> veth1 (up); dummy m2 (a second master)
#   C1, C2: slaves of veth0 created there by ipvlanctl
ns_create H host
ns_create C1 c1
ns_create C2 c2
{
	ip -n "$H" link add veth0 type veth peer name veth1 &&
		ip -n "$H" link set veth0 up && ip -n "$H" link set veth1 up &&
		ip -n "$H" link add m2 type dummy
} || die "create the masters in $H"
VETH0_IFINDEX=$(link_field "$H" veth0 ifindex) || die "ifindex of veth0"

# A process in C2, for "netns PID".
bg_start sleeper "$C2" sleep 600 || die "start a process in $C2"
SLEEPER=${_bg_pid[sleeper]}

# ------------------------------------------------------------ help, version
txt=$(ctl --help)
check_match "--help: exit 0, describes add/set/del/show and --all-netns" \
	'add MASTER NAME.*set NAME.*del NAME.*show \[MASTER\|NAME\].*--all-netns' "${txt//$'\n'/ }"
check_match "--version" '^ipvlanctl [0-9]' "$(ctl --version)"

# -------------------------------------------------------------------- add
check "add veth0 ipvl0 mode l2 private netns C1 (by name)" \
	ctl -n "$H" add veth0 ipvl0 mode l2 private netns "$C1"
check_eq "ipvl0 is in C1, ip reads 'l2 private'" "l2 private" "$(ip_info "$C1" ipvl0)"
check "add veth0 ipvl1 mode l2 flags private netns PID (a process in C2)" \
	ctl -n "$H" add veth0 ipvl1 mode l2 flags private netns "$SLEEPER"
check "ipvl1 is in C2" link_exists "$C2" ipvl1
check "add veth0 ipvl2 (in H, run through nsenter instead of -n)" \
	ns_exec "$H" "$IPVLANCTL" add veth0 ipvl2 mode l2 private
check "add m2 d0 without mode or flags" ctl -n "$H" add m2 d0
check_eq "a new port without mode/flags is 'l3 bridge'" "l3 bridge" "$(ip_info "$H" d0)"
check "add m2 'q\"1' (a quote is a legal device name)" ctl -n "$H" add m2 'q"1' mode l2 vepa

{
	ip -n "$C1" addr add 10.1.0.1/32 dev ipvl0 &&
		ip -n "$C1" addr add 2001:db8:1::1/128 dev ipvl0 nodad &&
		ip -n "$C1" link set ipvl0 up
} || die "address ipvl0"

# ------------------------------------------------------------- show (text)
txt=$(ctl -n "$H" show)
check_match "show in H: veth0's header (only the slave in H without --all-netns)" \
	"(^|${NL})veth0 \\(netns $H\\): mode l2 private, 1 slave${NL}  ipvl2  netns $H  DOWN  -(${NL}|$)" "$txt"
check_match "show in H: m2's header, 2 slaves, the later mode wins (per port)" \
	"(^|${NL})m2 \\(netns $H\\): mode l2 vepa, 2 slaves" "$txt"
txt=$(ctl -n "$H" show -a)
check_match "show --all-netns in H: veth0 has its 3 slaves, H's first, then by netns name" \
	"veth0 \\(netns $H\\): mode l2 private, 3 slaves${NL}  ipvl2  netns $H  +DOWN +-${NL}  ipvl0  netns $C1  +[A-Z]+ +10\\.1\\.0\\.1/32 2001:db8:1::1/128 fe80::[0-9a-f:]+/64${NL}  ipvl1  netns $C2  +DOWN +-" \
	"$txt"
txt=$(ctl show --all-netns)
check_match "show --all-netns from the initial netns finds veth0 in H" \
	"(^|${NL})veth0 \\(netns $H\\): mode l2 private, 3 slaves" "$txt"
txt=$(ctl -n "$C1" show)
check_match "show in C1: the master is ifindex $VETH0_IFINDEX in H, not listed" \
	"^ifindex $VETH0_IFINDEX \\(netns $H, not listed: use --all-netns\\): mode l2 private, 1 slave${NL}  ipvl0  netns $C1 " \
	"$txt"
check_eq "show -n PID (C2's process) equals show -n C2" "$(ctl -n "$C2" show)" "$(ctl -n "$SLEEPER" show)"

# ------------------------------------------------------------- show (JSON)
j=$(ctl -n "$H" show -j)
check_eq "show -j through nsenter equals show -n -j" "$j" "$(ns_exec "$H" "$IPVLANCTL" show -j)"
check_match "show -j in H: veth0 with mode, flags, state and one slave" \
	"\\{\"name\":\"veth0\",\"ifindex\":$VETH0_IFINDEX,\"netns\":\"$H\",\"state\":\"UP\",\"mode\":\"l2\",\"flags\":\"private\",\"slaves\":\\[\\{\"name\":\"ipvl2\",\"kind\":\"ipvlan\",\"ifindex\":$(link_field "$H" ipvl2 ifindex),\"netns\":\"$H\",\"state\":\"DOWN\",\"up\":false,\"mtu\":1500,\"addresses\":\\[\\]\\}\\]\\}" \
	"$j"
check_match "show -j escapes the slave name q\"1" '"name":"q\\"1","kind":"ipvlan"' "$j"

j=$(ctl -n "$H" -j show --all-netns)
check_eq "show -a -j in H: two masters" 2 "$(count "$j" '"slaves":')"
s=$(json_slave "$j" ipvl0)
check_match "show -a -j: ipvl0 in C1, up, with its addresses" \
	"^\\{\"name\":\"ipvl0\",\"kind\":\"ipvlan\",\"ifindex\":$(link_field "$C1" ipvl0 ifindex),\"netns\":\"$C1\",\"state\":\"[A-Z]+\",\"up\":true,\"mtu\":1500,\"addresses\":\\[\\{\"family\":\"inet\",\"local\":\"10\\.1\\.0\\.1\",\"prefixlen\":32,\"scope\":\"global\"\\},\\{\"family\":\"inet6\",\"local\":\"2001:db8:1::1\",\"prefixlen\":128,\"scope\":\"global\"\\},\\{\"family\":\"inet6\",\"local\":\"fe80::[0-9a-f:]+\",\"prefixlen\":64,\"scope\":\"link\"\\}\\]\\}$" \
	"$s"
check_match "show -a -j: ipvl1 in C2, down, no address" \
	"^\\{\"name\":\"ipvl1\",\"kind\":\"ipvlan\",\"ifindex\":[0-9]+,\"netns\":\"$C2\",\"state\":\"DOWN\",\"up\":false,\"mtu\":1500,\"addresses\":\\[\\]\\}$" \
	"$(json_slave "$j" ipvl1)"
check_match "show -a -j: veth0's slaves in order ipvl2, ipvl0, ipvl1" \
	"\"name\":\"veth0\",[^[]*\"slaves\":\\[\\{\"name\":\"ipvl2\",.*\\{\"name\":\"ipvl0\",.*\\{\"name\":\"ipvl1\"," "$j"
j=$(ctl -n "$C1" -j show)
check_match "show -j in C1: the master's name and state are null, its netns is H" \
	"^\\{\"masters\":\\[\\{\"name\":null,\"ifindex\":$VETH0_IFINDEX,\"netns\":\"$H\",\"state\":null,\"mode\":\"l2\",\"flags\":\"private\",\"slaves\":\\[\\{\"name\":\"ipvl0\"" \
	"$j"
check_match "show -p: indented JSON" $'^\\{\n  "masters": \\[\n    \\{\n      "name": "veth0",' \
	"$(ctl -n "$H" show -p)"
if "$PYTHON" "${PYTHON_FLAGS[@]}" -c 'import json' 2>/dev/null; then
	check "show -a -j and -p parse as JSON (python3 json)" "$PYTHON" "${PYTHON_FLAGS[@]}" -c '
import json, sys
for doc in sys.argv[1:]:
    m = json.loads(doc)["masters"]
    assert isinstance(m, list) and m, doc
' "$(ctl -a -j show)" "$(ctl -n "$H" show -p)"
fi

# -------------------------------------------------------- show with a name
j=$(ctl -n "$H" -j -a show ipvl0)
check_match "show -a ipvl0: veth0 with ipvl0 only" \
	"^\\{\"masters\":\\[\\{\"name\":\"veth0\",[^[]*\"slaves\":\\[\\{\"name\":\"ipvl0\",[^]]*\\]\\}\\]\\}\\]\\}$" "$j"
j=$(ctl -n "$H" -j -a show veth0)
check_eq "show -a veth0: its 3 slaves" 3 "$(count "$j" '"kind":"ipvlan"')"
ctl_expect "show nosuchdev: exit 1, says so" 1 \
	'^ipvlanctl: show: no ipvlan master or slave named nosuchdev in this network namespace \(try --all-netns\)$' \
	-n "$H" show nosuchdev

# -------------------------------------------------------------------- set
check "set ipvl0 mode l3s (from C1; the master is in H)" ctl -n "$C1" set ipvl0 mode l3s
check_eq "ipvl0: l3s, flags untouched" "l3s private" "$(ip_info "$C1" ipvl0)"
check_eq "sibling ipvl2 in H follows (mode is per port)" "l3s private" "$(ip_info "$H" ipvl2)"
check "set ipvl2 vepa (flags only)" ctl -n "$H" set ipvl2 vepa
check_eq "ipvl0: mode untouched, vepa" "l3s vepa" "$(ip_info "$C1" ipvl0)"
check "set ipvl1 flags bridge mode l3 (both)" ctl -n "$C2" set ipvl1 flags bridge mode l3
check_eq "ipvl2: l3 bridge" "l3 bridge" "$(ip_info "$H" ipvl2)"
check_match "show -a -j reads the port's new mode and flags" \
	"\"name\":\"veth0\",[^[]*\"mode\":\"l3\",\"flags\":\"bridge\"" "$(ctl -n "$H" -j -a show veth0)"

# ------------------------------------ bad arguments: exit 2, never sent
ctl_expect "add private vepa: exit 2" 2 '^ipvlanctl: add: private and vepa are mutually exclusive$' \
	-n "$H" add veth0 bad0 private vepa
check "... and no bad0 was created" link_absent "$H" bad0
ctl_expect "add mode l4: exit 2" 2 "^ipvlanctl: add: unknown mode 'l4' \\(expected l2, l3 or l3s\\)$" \
	-n "$H" add veth0 bad0 mode l4
ctl_expect "add with a 16-byte NAME: exit 2" 2 \
	"^ipvlanctl: add: bad NAME 'abcdefghijklmnop': is longer than 15 bytes \\(IFNAMSIZ is 16\\)$" \
	-n "$H" add veth0 abcdefghijklmnop
check "a 15-byte NAME is fine" ctl -n "$H" add veth0 abcdefghijklmno
ctl_expect "add without NAME: exit 2" 2 '^ipvlanctl: add: missing NAME ' -n "$H" add veth0
ctl_expect "add with an unknown word: exit 2" 2 "^ipvlanctl: add: unknown word 'type' " \
	-n "$H" add veth0 bad0 type ipvlan
ctl_expect "add into an unknown netns: exit 2" 2 \
	"^ipvlanctl: add: no network namespace named 'ipvl-nope-$$' \\(see: ip netns list\\)$" \
	-n "$H" add veth0 bad0 netns "ipvl-nope-$$"
ctl_expect "set with nothing to change: exit 2" 2 '^ipvlanctl: set: nothing to change ' -n "$H" set ipvl2
ctl_expect "-j with add: exit 2" 2 '^ipvlanctl: add: -j/--json applies to show only$' -n "$H" -j add veth0 bad0
ctl_expect "-n with an unknown netns: exit 2" 2 "^ipvlanctl: no network namespace named 'ipvl-nope-$$' " \
	-n "ipvl-nope-$$" show
check "no bad0 anywhere after the refused commands" link_absent "$H" bad0
if command -v strace >/dev/null 2>&1; then
	txt=$(strace -f -e trace=socket "$IPVLANCTL" -n "$H" add veth0 bad0 mode l2 private vepa 2>&1)
	check_nomatch "a refused 'add' opens no netlink socket (strace)" 'AF_NETLINK' "$txt"
else
	log "strace not found: not checking that refused commands open no socket"
fi

# ------------------------------ kernel errors: exit 1, one line, extack
if ipvlan_is_stock; then
	ctl_expect "add on lo: EINVAL, the stock driver sends no extack" 1 \
		'^ipvlanctl: add bad0 on lo: Invalid argument$' -n "$H" add lo bad0
else
	ctl_expect "add on lo: EINVAL with our extack message" 1 \
		'^ipvlanctl: add bad0 on lo: ipvlan: master must be an Ethernet device other than lo \(Invalid argument\)$' \
		-n "$H" add lo bad0
fi
{
	ip -n "$H" link add br0 type bridge &&
		ip -n "$H" link add d9 type dummy &&
		ip -n "$H" link set d9 master br0
} || die "make a bridge port"
if ipvlan_is_stock; then
	ctl_expect "add on a bridge port: EBUSY, no extack from the stock driver" 1 \
		'^ipvlanctl: add bad0 on d9: Device or resource busy$' -n "$H" add d9 bad0
else
	ctl_expect "add on a bridge port: EBUSY with our extack message" 1 \
		'^ipvlanctl: add bad0 on d9: ipvlan: master is in use by another rx handler \(bridge, bond, macvlan\.\.\.\) \(Device or resource busy\)$' \
		-n "$H" add d9 bad0
fi
ctl_expect "add an existing name: EEXIST" 1 '^ipvlanctl: add ipvl2 on veth0: File exists$' \
	-n "$H" add veth0 ipvl2
ctl_expect "add on a missing master: ENODEV, named" 1 \
	'^ipvlanctl: add bad0 on nomaster: master nomaster: No such device$' -n "$H" add nomaster bad0
ctl_expect "set on a veth: refused, not an ipvlan" 1 '^ipvlanctl: set veth0: not an ipvlan device \(kind veth\)$' \
	-n "$H" set veth0 mode l2
ctl_expect "del on a veth: refused, not an ipvlan" 1 '^ipvlanctl: del veth1: not an ipvlan device \(kind veth\)$' \
	-n "$H" del veth1
check "veth1 still exists" link_exists "$H" veth1
ctl_expect "del of a missing device: ENODEV" 1 '^ipvlanctl: del nosuchdev: No such device$' -n "$H" del nosuchdev

# -------------------------------------------- a netns name that needs escaping
ESC_NS="ipvl-esc\"q\\-$$"
if ip netns add "$ESC_NS"; then
	on_exit "ip netns del '$ESC_NS'"
	check "add a slave into netns '$ESC_NS'" ctl -n "$H" add veth0 esc0 netns "$ESC_NS"
	esc_json=${ESC_NS//\\/\\\\}
	esc_json=${esc_json//\"/\\\"}
	j=$(ctl -n "$H" -j -a show esc0)
	check_match "show -a -j escapes the netns name" "\"name\":\"esc0\",\"kind\":\"ipvlan\",\"ifindex\":[0-9]+,\"netns\":\"${esc_json//\\/\\\\}\"" "$j"
	check "del esc0 (-n with that netns)" ctl -n "$ESC_NS" del esc0
else
	tap_not_ok "setup: ip netns add '$ESC_NS'"
fi

# -------------------------------------------------------------------- del
check "del ipvl0 (in C1)" ctl -n "$C1" del ipvl0
check "ipvl0 is gone" link_absent "$C1" ipvl0
check "del ipvl1 (-n PID)" ctl -n "$SLEEPER" del ipvl1
check "ipvl1 is gone" link_absent "$C2" ipvl1
for d in ipvl2 abcdefghijklmno d0 'q"1'; do
	check "del $d" ctl -n "$H" del "$d"
done
check_eq "show -a -j: no master left" '{"masters":[]}' "$(ctl -n "$H" -j -a show)"
check_eq "show: prints nothing" "" "$(ctl -n "$H" show)"
check "veth0 survived its slaves" link_exists "$H" veth0

tests_done
