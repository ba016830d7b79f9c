# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# Shared helpers for the ipvlan selftests.  Source it from a test:
#     . "$(dirname "$0")/lib.sh"
#
# Driver selection: IPVLAN_KO set and non-empty = path of OUR ipvlan.ko (loaded
# with insmod); unset or empty = the kernel's stock driver (modprobe ipvlan).
# Both register the module name "ipvlan", so only one can be loaded at a time.
#
# Output: one TAP line per check ("ok N - ..." / "not ok N - ..."), the plan
# "1..N" at the end (tests_done), diagnostics as "# ..." lines.
# Exit codes: 0 all passed, 1 a check failed, 4 skipped.

set -u
export LC_ALL=C
export PATH="/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:${PATH:-}"

readonly KSFT_PASS=0
readonly KSFT_FAIL=1
readonly KSFT_SKIP=4

LIB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
readonly LIB_DIR
NL_TOOL="$LIB_DIR/ipvlan_nl.py"
if [[ -z "${PYTHON:-}" ]]; then
	if [[ -x /usr/bin/python3 ]]; then PYTHON=/usr/bin/python3; else PYTHON=python3; fi
fi
# The netlink tool needs only the standard library: skip site and the env.
PYTHON_FLAGS=(-I -S)
TEST_NAME=$(basename "$0" .sh)

_tap_n=0
_tap_fail=0
_ns_list=()
_cleanup_cmds=()

# ---------------------------------------------------------------- TAP output

log() { printf '# %s\n' "$*"; }

# Print command output (stdin) as TAP diagnostics.
_diag() { sed 's/^/#   /'; }

tap_ok() {
	_tap_n=$((_tap_n + 1))
	printf 'ok %d - %s\n' "$_tap_n" "$*"
}

tap_not_ok() {
	_tap_n=$((_tap_n + 1))
	_tap_fail=$((_tap_fail + 1))
	printf 'not ok %d - %s\n' "$_tap_n" "$*"
}

# check DESC CMD [ARGS...]: ok if CMD exits 0; its output is shown on failure.
check() {
	local desc=$1 out rc
	shift
	out=$("$@" 2>&1)
	rc=$?
	if [[ $rc -eq 0 ]]; then
		tap_ok "$desc"
	else
		tap_not_ok "$desc"
		log "  command: $* (rc=$rc)"
		[[ -n "$out" ]] && printf '%s\n' "$out" | _diag
	fi
	return "$rc"
}

# check_fail DESC CMD [ARGS...]: ok if CMD exits non-zero.
check_fail() {
	local desc=$1 out rc
	shift
	out=$("$@" 2>&1)
	rc=$?
	if [[ $rc -ne 0 ]]; then
		tap_ok "$desc"
		return 0
	fi
	tap_not_ok "$desc"
	log "  command unexpectedly succeeded: $*"
	[[ -n "$out" ]] && printf '%s\n' "$out" | _diag
	return 1
}

# check_err DESC ERE CMD [ARGS...]: ok if CMD exits non-zero AND its output
# (stdout+stderr) matches ERE, e.g. the expected errno's message.
check_err() {
	local desc=$1 re=$2 out rc
	shift 2
	out=$("$@" 2>&1)
	rc=$?
	if [[ $rc -ne 0 && "$out" =~ $re ]]; then
		tap_ok "$desc"
		return 0
	fi
	tap_not_ok "$desc"
	log "  command: $* (rc=$rc), expected failure matching: $re"
	[[ -n "$out" ]] && printf '%s\n' "$out" | _diag
	return 1
}

# check_eq DESC EXPECTED ACTUAL
check_eq() {
	if [[ "$2" == "$3" ]]; then
		tap_ok "$1"
		return 0
	fi
	tap_not_ok "$1"
	log "  expected: '$2'"
	log "  actual:   '$3'"
	return 1
}

# check_match DESC ERE ACTUAL: ok if ERE matches somewhere in ACTUAL (bash
# =~, so ^ and $ anchor the whole, possibly multi-line, string).
check_match() {
	if [[ "$3" =~ $2 ]]; then
		tap_ok "$1"
		return 0
	fi
	tap_not_ok "$1"
	log "  expected to match: $2"
	printf '%s\n' "$3" | _diag
	return 1
}

# check_nomatch DESC ERE ACTUAL: ok if ERE matches nowhere in ACTUAL.
check_nomatch() {
	if ! [[ "$3" =~ $2 ]]; then
		tap_ok "$1"
		return 0
	fi
	tap_not_ok "$1"
	log "  expected not to match: $2"
	printf '%s\n' "$3" | grep -E -- "$2" | _diag
	return 1
}

# check_gt DESC A B: ok if integer A > integer B.
check_gt() {
	if [[ "$2" =~ ^[0-9]+$ && "$3" =~ ^[0-9]+$ ]] && (($2 > $3)); then
		tap_ok "$1"
		return 0
	fi
	tap_not_ok "$1"
	log "  expected '$2' > '$3'"
	return 1
}

# tests_done: print the plan and exit with the verdict.
tests_done() {
	if [[ $_tap_n -eq 0 ]]; then
		echo "1..0"
		log "$TEST_NAME: no check was run"
		exit "$KSFT_FAIL"
	fi
	echo "1..$_tap_n"
	if [[ $_tap_fail -ne 0 ]]; then
		log "$TEST_NAME: $_tap_fail of $_tap_n checks failed"
		exit "$KSFT_FAIL"
	fi
	exit "$KSFT_PASS"
}

# skip_all REASON: the whole test is skipped (only before any check ran).
skip_all() {
	echo "1..0 # SKIP $*"
	exit "$KSFT_SKIP"
}

# die REASON: a setup step failed; report it as a failed check and stop.
die() {
	tap_not_ok "setup: $*"
	tests_done
}

# ------------------------------------------------------------ prerequisites

require_root() {
	[[ $(id -u) -eq 0 ]] || skip_all "must run as root"
}

require_cmd() {
	local c
	for c in "$@"; do
		command -v "$c" >/dev/null 2>&1 || skip_all "'$c' not found"
	done
}

require_python() {
	"$PYTHON" "${PYTHON_FLAGS[@]}" -c 'import socket; socket.AF_NETLINK' >/dev/null 2>&1 ||
		skip_all "python3 with AF_NETLINK support not found ($PYTHON)"
}

# ----------------------------------------------------------------- cleanup

# on_exit CMD...: run CMD (eval'd string) at exit, before namespaces go.
on_exit() { _cleanup_cmds+=("$*"); }

_cleanup() {
	local rc=$? i
	trap - EXIT
	set +e
	for ((i = ${#_cleanup_cmds[@]} - 1; i >= 0; i--)); do
		eval "${_cleanup_cmds[i]}" >/dev/null 2>&1
	done
	for ((i = ${#_ns_list[@]} - 1; i >= 0; i--)); do
		ip netns del "${_ns_list[i]}" >/dev/null 2>&1
	done
	exit "$rc"
}
trap _cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# --------------------------------------------------------------- namespaces

_rand() { tr -dc 'a-z0-9' </dev/urandom 2>/dev/null | head -c 6; }

# ns_create VAR PREFIX: create a netns with a unique name, store it in VAR.
# lo is up, IPv6 DAD is off (accept_dad=0 for all and default), and the
# name is registered for deletion at exit.
ns_create() {
	local __var=$1 name
	name="ipvl-$2-$(_rand)-$$"
	ip netns add "$name" || die "ip netns add $name"
	_ns_list+=("$name")
	ip -n "$name" link set lo up || die "lo up in $name"
	# /proc/sys/net belongs to the netns of the reader: no sysfs remount
	# and no sysctl binary needed (each exec is costly in the emulated VM).
	ns_exec "$name" bash -c 'echo 0 >/proc/sys/net/ipv6/conf/all/accept_dad &&
		echo 0 >/proc/sys/net/ipv6/conf/default/accept_dad' ||
		die "disable DAD in $name"
	printf -v "$__var" '%s' "$name"
}

# ns_exec NS CMD...: run CMD in the network namespace NS (network only:
# cheaper than `ip netns exec`, which also remounts /sys).
if command -v nsenter >/dev/null 2>&1; then
	ns_exec() {
		local ns=$1
		shift
		nsenter --net="/run/netns/$ns" "$@"
	}
else
	ns_exec() { ip netns exec "$@"; }
fi

# ipvlan_nl NS ARGS...: run the raw netlink tool (ipvlan_nl.py) in NS.  It
# prints "OK" or the errno name: use it where the errno itself is the
# contract (iproute2 prints the extack message instead of the errno when
# the kernel gives one).
ipvlan_nl() {
	local ns=$1
	shift
	ns_exec "$ns" "$PYTHON" "${PYTHON_FLAGS[@]}" "$NL_TOOL" "$@"
}

# ns_sysfs_exec NS CMD...: run CMD in NS with NS's view of /sys/class/net.
ns_sysfs_exec() { ip netns exec "$@"; }

# wait_dad NS [TIMEOUT_S]: wait until NS has no tentative IPv6 address.
wait_dad() {
	local ns=$1 tmo=${2:-10} i
	for ((i = 0; i < tmo * 10; i++)); do
		[[ -z "$(ip -n "$ns" -6 addr show tentative)" ]] && return 0
		sleep 0.1
	done
	log "IPv6 DAD still running in $ns after ${tmo}s"
	return 1
}

# wait_until TIMEOUT_S CMD...: run CMD every 0.1 s until it succeeds (0), or
# fail (1) after TIMEOUT_S seconds.  For state that the kernel updates
# asynchronously (carrier and operstate go through linkwatch).
wait_until() {
	local end=$((SECONDS + $1 + 1))
	shift
	while ((SECONDS < end)); do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	"$@" >/dev/null 2>&1
}

# ------------------------------------------------------------ link helpers

# Every exec costs a lot in the emulated VM (jq: about a second), so link
# properties are read with ONE `ip -d -j link show` and matched in bash.
# iproute2 prints compact JSON in a fixed order, and the keys read here are
# unambiguous in it ("mode" is only in info_data; "link" is not "link_type").

# link_names NS [ip-link-show-filter...]: the device names in NS, one a line.
# (Listing instead of `ip link show dev X`: for a missing X the kernel's
# SIOCGIFINDEX fallback would try to modprobe "netdev-X" first.)
link_names() {
	local ns=$1 line name out
	shift
	out=$(ip -n "$ns" -o link show "$@") || return 1
	while IFS= read -r line; do
		[[ -n "$line" ]] || continue
		name=${line#*: }
		printf '%s\n' "${name%%[@:]*}"
	done <<<"$out"
}

# link_exists NS DEV: DEV is in NS (0), is not (1), NS cannot be listed (2).
link_exists() {
	local names n
	names=$(link_names "$1") || return 2
	while IFS= read -r n; do
		[[ "$n" == "$2" ]] && return 0
	done <<<"$names"
	return 1
}

# link_absent NS DEV: NS could be listed and has no DEV.
link_absent() {
	link_exists "$1" "$2"
	[[ $? -eq 1 ]]
}

# ipvlan_links NS: names of the ipvlan devices in NS, one a line (an error
# marker if NS cannot be listed, so that "none left" cannot pass vacuously).
ipvlan_links() { link_names "$1" type ipvlan || echo "<cannot list $1>"; }

# json_get JSON KEY: the value of the first "KEY": in JSON: a string without
# its quotes, an array's inside as printed (e.g. "BROADCAST","NOARP"), or a
# number/true/false.  Fails if KEY is absent.
json_get() {
	local re="\"$2\":(\"([^\"]*)\"|\[([^]]*)\]|([^,}]*))"
	[[ "$1" =~ $re ]] || return 1
	case ${BASH_REMATCH[1]} in
	\"*) printf '%s\n' "${BASH_REMATCH[2]}" ;;
	\[*) printf '%s\n' "${BASH_REMATCH[3]}" ;;
	*) printf '%s\n' "${BASH_REMATCH[4]}" ;;
	esac
}

# join_lines: stdin lines joined by single spaces.
join_lines() {
	local -a l
	mapfile -t l
	printf '%s\n' "${l[*]}"
}

# link_json NS DEV: `ip -d -j link show dev DEV` in NS.
link_json() { ip -n "$1" -d -j link show dev "$2"; }

# link_field NS DEV KEY...: the values of KEYs of DEV, space-separated
# ("-" for an absent key), from one ip call.
link_field() {
	local ns=$1 dev=$2 j k v vals=()
	shift 2
	j=$(link_json "$ns" "$dev") || return 1
	for k in "$@"; do
		v=$(json_get "$j" "$k") || v=-
		vals+=("$v")
	done
	printf '%s\n' "${vals[*]}"
}

# link_pkts NS DEV: "RX_PACKETS TX_PACKETS" of DEV, from `ip -s -j link`.
link_pkts() {
	local j re
	j=$(ip -n "$1" -s -j link show dev "$2") || return 1
	re='"rx":\{"bytes":[0-9]+,"packets":([0-9]+),.*"tx":\{"bytes":[0-9]+,"packets":([0-9]+),'
	[[ "$j" =~ $re ]] || { log "cannot parse the stats of $2"; return 1; }
	printf '%s %s\n' "${BASH_REMATCH[1]}" "${BASH_REMATCH[2]}"
}

# ping_once NS ADDR: one echo request, 2 s to answer.
ping_once() {
	local ns=$1 addr=$2 fam=-4
	[[ "$addr" == *:* ]] && fam=-6
	ns_exec "$ns" ping "$fam" -n -q -c 1 -W 2 "$addr"
}

# ----------------------------------------------------------- kernel log

# kmsg_mark: write a unique marker into the kernel log, print its text.
kmsg_mark() {
	local m
	m="ipvlan-selftest: $TEST_NAME mark $(_rand)-$$"
	echo "$m" >/dev/kmsg 2>/dev/null || true
	printf '%s\n' "$m"
}

# kmsg_since MARK: the kernel log after MARK.
kmsg_since() {
	dmesg 2>/dev/null | awk -v m="$1" 'found { print } index($0, m) { found = 1 }'
}

# --------------------------------------------------------- driver selection

# module_loaded NAME: NAME is in /proc/modules (read by bash: no exec).
module_loaded() {
	local name _rest
	[[ -r /proc/modules ]] || return 1
	while read -r name _rest; do
		[[ "$name" == "$1" ]] && return 0
	done </proc/modules
	return 1
}

ipvlan_loaded() { module_loaded ipvlan; }

ipvlan_driver_desc() {
	if [[ -n "${IPVLAN_KO:-}" ]]; then
		printf 'ours (%s)\n' "$IPVLAN_KO"
	else
		printf 'stock (modprobe ipvlan)\n'
	fi
}

# ipvlan_check_identity: the loaded "ipvlan" is the selected driver.  Ours is
# out of tree, so the kernel taints with 'O' when loading it; the stock one
# does not.
ipvlan_check_identity() {
	local taint
	ipvlan_loaded || { log "ipvlan is not loaded"; return 1; }
	taint=$(cat /sys/module/ipvlan/taint 2>/dev/null)
	if [[ -n "${IPVLAN_KO:-}" ]]; then
		[[ "$taint" == *O* ]] && return 0
		log "loaded ipvlan is not out-of-tree (taint '$taint'): the stock driver is loaded, not $IPVLAN_KO"
	else
		[[ "$taint" != *O* ]] && return 0
		log "loaded ipvlan is out-of-tree (taint '$taint'), but the stock driver was selected"
	fi
	return 1
}

# (F) checklist items are 6.1 bugs or gaps that our driver fixes on purpose
# (Documentation/differences.rst).  A test for one asserts the 6.1 behaviour
# when the stock driver is under test and the fixed one against ours, and
# says which in the check's description, e.g.
#     check "$(f_tag 72) peer address served" ...
# prints "[F72 stock] ..." or "[F72 ours] ...".
ipvlan_is_stock() { [[ -z "${IPVLAN_KO:-}" ]]; }
f_tag() { if ipvlan_is_stock; then printf '[F%s stock]' "$1"; else printf '[F%s ours]' "$1"; fi; }

# ipvlan_load: load the selected driver (no-op if it is already loaded).
ipvlan_load() {
	if ipvlan_loaded; then
		ipvlan_check_identity
		return
	fi
	if [[ -n "${IPVLAN_KO:-}" ]]; then
		[[ -r "$IPVLAN_KO" ]] || { log "IPVLAN_KO=$IPVLAN_KO: not readable"; return 1; }
		insmod "$IPVLAN_KO" || { log "insmod $IPVLAN_KO failed"; return 1; }
	else
		modprobe ipvlan || { log "modprobe ipvlan failed"; return 1; }
	fi
	ipvlan_check_identity
}

# ipvlan_unload: rmmod ipvlan (and ipvtap, which depends on it, first).
ipvlan_unload() {
	if module_loaded ipvtap; then
		rmmod ipvtap || return 1
	fi
	ipvlan_loaded || return 0
	rmmod ipvlan
}

# ipvtap_load: load the ipvtap kind that belongs to the selected driver:
# IPVTAP_KO (ours, insmod) or the stock one (modprobe ipvtap). Our ipvtap.ko
# uses our ipvlan.ko's symbols and the stock one the stock ipvlan's, so the
# pair always matches. No-op if ipvtap is already loaded.
ipvtap_load() {
	module_loaded ipvtap && return 0
	if ipvlan_is_stock; then
		modprobe ipvtap || { log "modprobe ipvtap failed"; return 1; }
	else
		[[ -r "${IPVTAP_KO:-}" ]] || { log "IPVTAP_KO='${IPVTAP_KO:-}': not readable (build ipvtap.ko)"; return 1; }
		modprobe tap || { log "modprobe tap failed"; return 1; }
		insmod "$IPVTAP_KO" || { log "insmod $IPVTAP_KO failed"; return 1; }
	fi
}

# ipvtap_unload: remove ipvtap (and its links), leaving ipvlan loaded.
ipvtap_unload() {
	module_loaded ipvtap || return 0
	rmmod ipvtap
}

ipvlan_ensure_loaded() {
	if ipvlan_loaded; then
		ipvlan_check_identity
	else
		ipvlan_load
	fi
}

# ipvlan_require: for tests that need the driver.  Skips when it cannot be
# loaded; fails when the wrong driver is loaded (never test the other one).
ipvlan_require() {
	require_root
	if ipvlan_loaded; then
		ipvlan_check_identity ||
			die "the loaded ipvlan is not the selected driver: $(ipvlan_driver_desc)"
	else
		ipvlan_load || skip_all "cannot load the ipvlan driver: $(ipvlan_driver_desc)"
	fi
	log "driver: $(ipvlan_driver_desc)"
}

# ------------------------------------------------------- standard topology
#
#   netns NS_OUT: veth1 10.0.0.2/24 2001:db8::2/64 ("the outside network"),
#                 routes to 10.1.0.0/24 and 2001:db8:1::/64 via the master
#   netns NS_HOST: veth0 10.0.0.1/24 2001:db8::1/64 = the ipvlan master
#   slave netns:  ipvlX (created by slave_add) with a /32 and a /128 and a
#                 default route through the slave (slaves are NOARP in L3)

MASTER=veth0
PEER=veth1
HOST_IP4=10.0.0.1
OUT_IP4=10.0.0.2
HOST_IP6=2001:db8::1
OUT_IP6=2001:db8::2
SLAVE_NET4=10.1.0.0/24
SLAVE_NET6=2001:db8:1::/64
NS_HOST=
NS_OUT=

# topo_outside: create NS_HOST and NS_OUT joined by the veth pair.
topo_outside() {
	ns_create NS_HOST host
	ns_create NS_OUT out
	ip -n "$NS_HOST" link add "$MASTER" type veth peer name "$PEER" \
		netns "$NS_OUT" || die "create the veth pair"
	{
		ip -n "$NS_HOST" addr add "$HOST_IP4/24" dev "$MASTER" &&
			ip -n "$NS_HOST" addr add "$HOST_IP6/64" dev "$MASTER" nodad &&
			ip -n "$NS_HOST" link set "$MASTER" up &&
			ip -n "$NS_OUT" addr add "$OUT_IP4/24" dev "$PEER" &&
			ip -n "$NS_OUT" addr add "$OUT_IP6/64" dev "$PEER" nodad &&
			ip -n "$NS_OUT" link set "$PEER" up &&
			ip -n "$NS_OUT" route add "$SLAVE_NET4" via "$HOST_IP4" &&
			ip -n "$NS_OUT" -6 route add "$SLAVE_NET6" via "$HOST_IP6"
	} || die "configure the veth pair"
}

# slave_add NS NAME IP4 IP6 [TYPE-ARGS...]: create ipvlan NAME on the master
# (in NS_HOST) directly inside NS, give it IP4/32 and IP6/128, bring it up
# and route everything through it.  TYPE-ARGS go after "type ipvlan".
slave_add() {
	local ns=$1 name=$2 ip4=$3 ip6=$4
	shift 4
	ip -n "$NS_HOST" link add link "$MASTER" name "$name" netns "$ns" \
		type ipvlan "$@" || return 1
	ip -n "$ns" addr add "$ip4/32" dev "$name" &&
		ip -n "$ns" addr add "$ip6/128" dev "$name" nodad &&
		ip -n "$ns" link set "$name" up &&
		ip -n "$ns" route add default dev "$name" &&
		ip -n "$ns" -6 route add default dev "$name"
}

# ------------------------------------------- background jobs and captures
#
# bg_start NAME NS CMD...: run CMD in netns NS in the background, its stdout
# in "$BG_DIR/NAME.out" and stderr in "$BG_DIR/NAME.err".  It is stopped at
# exit (or by bg_stop).  nsenter and `ip netns exec` both exec CMD in place,
# so the pid kept is CMD's own.  Do not call it inside $(...).
declare -A _bg_pid=()
BG_DIR=
bg_start() {
	local name=$1 ns=$2
	shift 2
	if [[ -z "$BG_DIR" ]]; then
		BG_DIR=$(mktemp -d /tmp/ipvl-sel-XXXXXX) || return 1
		on_exit "rm -rf '$BG_DIR'"
		on_exit _bg_stop_all
	fi
	if command -v nsenter >/dev/null 2>&1; then
		nsenter --net="/run/netns/$ns" "$@" >"$BG_DIR/$name.out" 2>"$BG_DIR/$name.err" &
	else
		ip netns exec "$ns" "$@" >"$BG_DIR/$name.out" 2>"$BG_DIR/$name.err" &
	fi
	_bg_pid[$name]=$!
}

# bg_stop NAME: SIGINT (tcpdump then flushes its output), wait for the end.
bg_stop() {
	local pid=${_bg_pid[$1]:-}
	[[ -n "$pid" ]] || return 0
	kill -INT "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	unset "_bg_pid[$1]"
	return 0
}

_bg_stop_all() {
	local n
	for n in "${!_bg_pid[@]}"; do
		kill -TERM "${_bg_pid[$n]}" 2>/dev/null
		wait "${_bg_pid[$n]}" 2>/dev/null
	done
	_bg_pid=()
}

# bg_out NAME / bg_err NAME: what the job wrote so far (no exec).
bg_out() { [[ -r "$BG_DIR/$1.out" ]] && printf '%s\n' "$(<"$BG_DIR/$1.out")"; }
bg_err() { [[ -r "$BG_DIR/$1.err" ]] && printf '%s\n' "$(<"$BG_DIR/$1.err")"; }

# bg_has NAME ERE: the job's stdout so far matches ERE.
bg_has() {
	local out
	out=$(bg_out "$1") || return 1
	[[ "$out" =~ $2 ]]
}

# cap_start NAME NS DEV [TCPDUMP-ARGS...]: `tcpdump -l -n -p -i DEV ARGS` in
# NS as job NAME (a filter goes last in ARGS; add -e for the MAC addresses).
# -p: no promiscuous mode (on an ipvlan slave it would open the multicast
# filter); --immediate-mode: each packet is printed at once (still, wait for
# an expected line with wait_until before looking for it).  Returns once
# tcpdump is listening, or fails after 15 s.
cap_start() {
	local name=$1 ns=$2 dev=$3 i
	shift 3
	bg_start "$name" "$ns" tcpdump -l -n -p --immediate-mode -i "$dev" "$@" || return 1
	for ((i = 0; i < 150; i++)); do
		[[ "$(bg_err "$name")" == *"listening on"* ]] && return 0
		kill -0 "${_bg_pid[$name]}" 2>/dev/null || break
		sleep 0.1
	done
	log "tcpdump $name on $dev in $ns did not start:"
	bg_err "$name" | _diag
	return 1
}

# link_stats VAR NS DEV: fill the associative array VAR (declare -A VAR
# first) with DEV's counters from one `ip -s -j link`: rx_bytes rx_packets
# rx_errors rx_dropped rx_multicast tx_bytes tx_packets tx_errors tx_dropped
# (every numeric key of the rx and tx objects, prefixed with rx_/tx_).
link_stats() {
	local -n __st=$1
	local j dir body re='"(rx|tx)":\{([^}]*)\}' kv='"([a-z_]+)":([0-9]+)'
	j=$(ip -n "$2" -s -j link show dev "$3") || return 1
	__st=()
	while [[ "$j" =~ $re ]]; do
		dir=${BASH_REMATCH[1]} body=${BASH_REMATCH[2]}
		j=${j#*"${BASH_REMATCH[0]}"}
		while [[ "$body" =~ $kv ]]; do
			__st[${dir}_${BASH_REMATCH[1]}]=${BASH_REMATCH[2]}
			body=${body#*"${BASH_REMATCH[0]}"}
		done
	done
	[[ -n "${__st[rx_bytes]:-}" && -n "${__st[tx_dropped]:-}" ]] ||
		{ log "cannot parse the stats of $3"; return 1; }
}

# ip6_expand ADDR: ADDR with all 8 groups of 4 lower-case hex digits.
ip6_expand() {
	local a=${1,,} g i n
	local -a h=() t=() all=() out=()
	if [[ "$a" == *::* ]]; then
		[[ -n "${a%%::*}" ]] && IFS=: read -r -a h <<<"${a%%::*}"
		[[ -n "${a#*::}" ]] && IFS=: read -r -a t <<<"${a#*::}"
		n=$((8 - ${#h[@]} - ${#t[@]}))
		all=("${h[@]}")
		for ((i = 0; i < n; i++)); do all+=(0); done
		all+=("${t[@]}")
	else
		IFS=: read -r -a all <<<"$a"
	fi
	[[ ${#all[@]} -eq 8 ]] || return 1
	for g in "${all[@]}"; do
		printf -v g '%04x' "0x$g"
		out+=("$g")
	done
	local IFS=:
	printf '%s\n' "${out[*]}"
}
