#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Documentation/ipvlan.rst, the user guide, run: every command it shows, in
# its order, so the guide cannot rot.  Each block below names the guide
# section it comes from; the command lines are the guide's, with these
# substitutions only:
#
#   guide                           here
#   ip netns add c1 / c2            ns_create C1 c1 / ns_create C2 c2 (random
#                                   names, lo up, DAD off, deleted at exit)
#   c1, c2                          "$C1", "$C2"
#   eth0 (the host's NIC)           "$MASTER", a veth in "$NS_HOST" whose peer
#                                   is in "$NS_OUT" (lib.sh's topo_outside)
#   a command on the host           ip -n "$NS_HOST" ... for ip, otherwise
#                                   ns_exec "$NS_HOST" ...
#   a command on the other machine  the same with "$NS_OUT"; its NIC eth1 is
#                                   "$PEER"
#   52:54:00:12:34:56 (eth0's MAC)  "$MAC"
#   build/ipvlanctl/ipvlanctl       "$IPVLANCTL" (-n "$NS_HOST" when run on
#                                   the host)
#   insmod ./ipvlan.ko              ipvlan_require (the driver under test)
#
# Each TAP line shows the command as the guide writes it (guide_cmd).
# Where the guide shows output, the check matches its key part.  At the end,
# the commands run are compared with the command lines of the guide's
# literal blocks, both ways: a command changed, added or removed on one side
# only fails the test.  The ipvlanctl section is skipped (TAP "# SKIP")
# without the binary, the nft/conntrack block without those tools (and then
# the "every command was run" half of the comparison).  The test ends by
# unloading the driver, as the guide does, and loads it again (lib.sh).
#
# Env: IPVLANCTL, the binary (default: build/ipvlanctl/ipvlanctl of this tree).

. "$(dirname "$0")/lib.sh"

IPVLANCTL=${IPVLANCTL:-$(cd "$LIB_DIR/.." && pwd)/build/ipvlanctl/ipvlanctl}

require_root
require_cmd ip ping grep
ipvlan_require

GUIDE_MAC=52:54:00:12:34:56
NL=$'\n'
C1=
C2=
MAC=

# guide_cmd WORDS...: the command line as the guide writes it (without its
# quotes): remembered in RAN, and put in GUIDE_DESC, with "(other machine)"
# in front when it runs there.  Sets variables instead of printing: no
# subshell per step.
declare -A RAN=()
GUIDE_DESC=
guide_cmd() {
	local s=$* where=
	[[ "$s" == *" $NS_OUT "* ]] && where="(other machine) "
	s=${s//"ip -n $NS_HOST "/"ip "}
	s=${s//"ns_exec $NS_HOST "/}
	s=${s//"ip -n $NS_OUT "/"ip "}
	s=${s//"ns_exec $NS_OUT "/}
	s=${s//"$IPVLANCTL -n $NS_HOST "/"build/ipvlanctl/ipvlanctl "}
	s=${s//"$IPVLANCTL"/build/ipvlanctl/ipvlanctl}
	[[ -n "$C1" ]] && s=${s//"$C1"/c1}
	[[ -n "$C2" ]] && s=${s//"$C2"/c2}
	[[ -n "$MAC" ]] && s=${s//"$MAC"/$GUIDE_MAC}
	s=${s//"$MASTER"/eth0}
	s=${s//"$PEER"/eth1}
	GUIDE_DESC=$where$s
	RAN[$s]=1
}

# step CMD...: the guide's command succeeds.
step() {
	guide_cmd "$@"
	check "$GUIDE_DESC" "$@"
}

# step_fail CMD...: the guide's command fails (the guide says it does).
step_fail() {
	guide_cmd "$@"
	check_fail "$GUIDE_DESC (fails)" "$@"
}

# step_out ERE CMD...: the guide's command succeeds and its output (stdout
# and stderr) matches ERE, the key part of what the guide shows.  The output
# is left in OUT.
OUT=
step_out() {
	local re=$1 rc desc
	shift
	guide_cmd "$@"
	desc="$GUIDE_DESC shows /$re/"
	desc=${desc//$NL/\\n}
	OUT=$("$@" 2>&1)
	rc=$?
	if [[ $rc -eq 0 && "$OUT" =~ $re ]]; then
		tap_ok "$desc"
		return 0
	fi
	tap_not_ok "$desc"
	log "  command: $* (rc=$rc)"
	[[ -n "$OUT" ]] && printf '%s\n' "$OUT" | _diag
	return 1
}

# The guide's commands: the lines of its literal blocks (indented by four
# spaces) that start with one of these words, without quotes.  Output shown
# in the guide starts with none of them, and its command lines carry no
# comments.  Read by bash (no exec).
GUIDE_WORDS='ip|ping|nft|conntrack|grep|insmod|rmmod|build/ipvlanctl/ipvlanctl'
declare -A GUIDE=()
# Shown in the guide, not run here: the driver under test is loaded by
# ipvlan_require, and must not be replaced.
NOT_RUN=("rmmod ipvlan 2>/dev/null" "insmod ./ipvlan.ko")
SKIPPED=0
guide_read() {
	local line re="^    (($GUIDE_WORDS) .*)$"
	[[ -r "$GUIDE_FILE" ]] || return 1
	while IFS= read -r line; do
		[[ "$line" =~ $re ]] && GUIDE[${BASH_REMATCH[1]//\'/}]=1
	done <"$GUIDE_FILE"
	((${#GUIDE[@]} > 0))
}

# guide_coverage: every command of the guide was run, and every command run
# is in the guide (a command changed on one side only fails here).
guide_coverage() {
	local c n
	local -a missing=() extra=()
	for n in "${NOT_RUN[@]}"; do
		[[ -n "${GUIDE[$n]:-}" ]] || extra+=("(NOT_RUN) $n")
		RAN[$n]=1
	done
	for c in "${!GUIDE[@]}"; do
		[[ -n "${RAN[$c]:-}" ]] || missing+=("$c")
	done
	for c in "${!RAN[@]}"; do
		[[ -n "${GUIDE[$c]:-}" ]] || extra+=("$c")
	done
	if ((SKIPPED)); then
		tap_ok "every command of the guide was run # SKIP a section was skipped"
	else
		check_eq "every command of the guide was run (${#GUIDE[@]} distinct)" "" \
			"$(printf '%s\n' "${missing[@]}")"
	fi
	check_eq "every command run is in the guide" "" "$(printf '%s\n' "${extra[@]}")"
}

GUIDE_FILE=$(cd "$LIB_DIR/.." && pwd)/Documentation/ipvlan.rst
guide_read || die "read the commands of $GUIDE_FILE"

# ------------------------------------------------------------- topology
topo_outside
# topo_outside routes the slaves' networks from the outside already; the
# guide adds those routes itself ("The rest of the LAN").
{
	ip -n "$NS_OUT" route del 10.1.0.0/24 &&
		ip -n "$NS_OUT" -6 route del 2001:db8:1::/64
} || die "remove topo_outside's routes to the slave networks"
MAC=$(link_field "$NS_HOST" "$MASTER" address)
[[ "$MAC" =~ ^([0-9a-f]{2}:){5}[0-9a-f]{2}$ ]] || die "read the MAC of $MASTER ('$MAC')"

# ======================================== Guide: "Load the module"
# (insmod ./ipvlan.ko is ipvlan_require's job.)
if ipvlan_is_stock; then
	step_out '^ipvlan [0-9]+ [0-9]+ - Live 0x[0-9a-f]+$' grep '^ipvlan ' /proc/modules
else
	step_out '^ipvlan [0-9]+ [0-9]+ - Live 0x[0-9a-f]+ \([A-Z]*O[A-Z]*\)$' \
		grep '^ipvlan ' /proc/modules
fi

# ======================================== Guide: "Create the slaves"
ns_create C1 c1
ns_create C2 c2
RAN["ip netns add c1"]=1
RAN["ip netns add c2"]=1
step ip -n "$NS_HOST" link add link "$MASTER" name ipvl0 netns "$C1" type ipvlan mode l3
step ip -n "$NS_HOST" link add link "$MASTER" name ipvl1 netns "$C2" type ipvlan mode l3

# ======================================== Guide: "Addresses and routes"
# (run again by "The same with ipvlanctl")
addresses_and_routes() {
	step ip -n "$C1" link set lo up
	step ip -n "$C1" addr add 10.1.0.11/32 dev ipvl0
	step ip -n "$C1" addr add 2001:db8:1::11/128 dev ipvl0 nodad
	step ip -n "$C1" link set ipvl0 up
	step ip -n "$C1" route add default dev ipvl0
	step ip -n "$C1" -6 route add default dev ipvl0

	step ip -n "$C2" link set lo up
	step ip -n "$C2" addr add 10.1.0.12/32 dev ipvl1
	step ip -n "$C2" addr add 2001:db8:1::12/128 dev ipvl1 nodad
	step ip -n "$C2" link set ipvl1 up
	step ip -n "$C2" route add default dev ipvl1
	step ip -n "$C2" -6 route add default dev ipvl1
}
addresses_and_routes

# ======================================== Guide: "The rest of the LAN"
step ip -n "$NS_OUT" route add 10.1.0.0/24 via 10.0.0.1
step ip -n "$NS_OUT" -6 route add 2001:db8:1::/64 via 2001:db8::1

# ======================================== Guide: "Check it"
step_out '@if[0-9]+: <BROADCAST,MULTICAST,NOARP,UP,LOWER_UP> .* ipvlan  mode l3 bridge ' \
	ip -n "$C1" -d link show ipvl0
step ip netns exec "$C1" ping -c 1 10.1.0.12
step ip netns exec "$C1" ping -c 1 2001:db8:1::12
step ip netns exec "$C1" ping -c 1 10.0.0.2
step ip netns exec "$C2" ping -c 1 2001:db8::2
step ns_exec "$NS_OUT" ping -c 1 10.1.0.11
step ns_exec "$NS_OUT" ping -c 1 2001:db8:1::12

# ======================================== Guide: "Change the mode: L3S and the host's netfilter"
if command -v nft >/dev/null && command -v conntrack >/dev/null; then
	step ns_exec "$NS_HOST" nft add table inet demo
	step ns_exec "$NS_HOST" nft add chain inet demo input '{ type filter hook input priority 0; }'
	step ns_exec "$NS_HOST" nft add rule inet demo input ip daddr 10.1.0.0/24 ct state new,established counter
	step ns_exec "$NS_OUT" ping -c 1 10.1.0.11
	step_out 'ip daddr 10\.1\.0\.0/24 ct state established,new counter packets 0 bytes 0' \
		ns_exec "$NS_HOST" nft list chain inet demo input
	step ip -n "$C1" link set ipvl0 type ipvlan mode l3s
	step_out ' ipvlan  mode l3s bridge ' ip -n "$C2" -d link show ipvl1
	step ns_exec "$NS_OUT" ping -c 1 10.1.0.11
	step_out 'ip daddr 10\.1\.0\.0/24 ct state established,new counter packets 1 bytes 84' \
		ns_exec "$NS_HOST" nft list chain inet demo input
	step_out 'icmp +1 [0-9]+ src=10\.0\.0\.2 dst=10\.1\.0\.11 type=8 code=0 id=[0-9]+ src=10\.1\.0\.11 dst=10\.0\.0\.2 type=0 code=0 id=[0-9]+ ' \
		ns_exec "$NS_HOST" conntrack -L -d 10.1.0.11
	check_nomatch "  ... replied: no [UNREPLIED]" '\[UNREPLIED\]' "$OUT"
	step ns_exec "$NS_HOST" nft delete table inet demo
	step ip -n "$C1" link set ipvl0 type ipvlan mode l3
else
	tap_ok "guide, Change the mode: L3S and the host's netfilter # SKIP nft or conntrack not found"
	SKIPPED=1
	# The rest of the guide starts from l3 slaves.
	ip -n "$C1" link set ipvl0 type ipvlan mode l3 || die "port back to l3"
fi

# ======================================== Guide: "The same with ipvlanctl"
if [[ -x "$IPVLANCTL" ]]; then
	step ip -n "$C1" link del ipvl0
	step ip -n "$C2" link del ipvl1
	step "$IPVLANCTL" -n "$NS_HOST" add "$MASTER" ipvl0 mode l3 netns "$C1"
	step "$IPVLANCTL" -n "$NS_HOST" add "$MASTER" ipvl1 mode l3 netns "$C2"
	addresses_and_routes
	step_out "(^|${NL})$MASTER \\(netns [^)]+\\): mode l3 bridge, 2 slaves${NL}  ipvl0  netns $C1  +[A-Z]+ +10\\.1\\.0\\.11/32 2001:db8:1::11/128 fe80::[0-9a-f:]+/64${NL}  ipvl1  netns $C2  +[A-Z]+ +10\\.1\\.0\\.12/32 2001:db8:1::12/128 fe80::[0-9a-f:]+/64(${NL}|$)" \
		"$IPVLANCTL" -n "$NS_HOST" show --all-netns
	step_out "^\\{\"masters\":\\[\\{\"name\":\"$MASTER\",\"ifindex\":[0-9]+,\"netns\":[^,]+,\"state\":\"UP\",\"mode\":\"l3\",\"flags\":\"bridge\",\"slaves\":\\[\\{\"name\":\"ipvl0\",\"kind\":\"ipvlan\",.*\"addresses\":\\[\\{\"family\":\"inet\",\"local\":\"10\\.1\\.0\\.11\",\"prefixlen\":32,\"scope\":\"global\"\\},.*\\{\"name\":\"ipvl1\"," \
		"$IPVLANCTL" -n "$NS_HOST" -j show -a "$MASTER"
	step "$IPVLANCTL" -n "$C1" set ipvl0 mode l2
	step_out '"mode":"l2","flags":"bridge"' "$IPVLANCTL" -n "$C2" -j show
	step ip netns exec "$C1" ping -c 1 10.1.0.12
	step "$IPVLANCTL" -n "$C2" set ipvl1 mode l3
else
	tap_ok "guide, The same with ipvlanctl # SKIP no $IPVLANCTL (make ipvlanctl)"
	SKIPPED=1
fi

# ======================================== Guide: "The host and its slaves"
step ip -n "$NS_HOST" route add 10.1.0.0/24 dev "$MASTER"
step_fail ns_exec "$NS_HOST" ping -c 1 -W 1 10.1.0.11
step ip -n "$NS_HOST" route del 10.1.0.0/24 dev "$MASTER"
step_fail ip netns exec "$C1" ping -c 1 -W 1 10.0.0.1

step ip -n "$NS_HOST" link add link "$MASTER" name ipvl-host type ipvlan mode l3
step ip -n "$NS_HOST" addr add 10.1.0.1/32 dev ipvl-host
step ip -n "$NS_HOST" link set ipvl-host up
step ip -n "$NS_HOST" route add 10.1.0.0/24 dev ipvl-host
step ns_exec "$NS_HOST" ping -c 1 10.1.0.11
step ip netns exec "$C2" ping -c 1 10.1.0.1

# ======================================== Guide: "Reaching L3 slaves from the LAN"
step ip -n "$NS_OUT" route add 10.1.0.11/32 dev "$PEER"
step_fail ns_exec "$NS_OUT" ping -c 1 -W 1 10.1.0.11
step ip -n "$NS_OUT" neigh replace 10.1.0.11 lladdr "$MAC" dev "$PEER"
step ns_exec "$NS_OUT" ping -c 1 10.1.0.11
step ip -n "$NS_OUT" route del 10.1.0.11/32 dev "$PEER"
step ip -n "$NS_OUT" neigh del 10.1.0.11 dev "$PEER"

# ======================================== Guide: "MTU and fragmentation"
step ip -n "$C1" link set ipvl0 mtu 1400
step ip -n "$NS_HOST" link set "$MASTER" mtu 9000
step_out ' mtu 9000 ' ip -n "$C1" link show ipvl0
step ip -n "$NS_HOST" link set "$MASTER" mtu 1500
step ip -n "$C1" link set ipvl0 mtu 4000
step ip netns exec "$C1" ping -c 1 -s 3000 -M dont 10.0.0.2
# shellcheck disable=SC1010  # "do" is ping's argument, as in the guide
step_fail ip netns exec "$C1" ping -c 1 -W 1 -s 3000 -M do 10.0.0.2
step ip -n "$C1" link set ipvl0 mtu 1500

# ======================================== Guide: "private and vepa"
step ip -n "$C1" link set ipvl0 type ipvlan mode l3 private
step_fail ip netns exec "$C1" ping -c 1 -W 1 10.1.0.12
step ip netns exec "$C1" ping -c 1 10.0.0.2
step ip -n "$C1" link set ipvl0 type ipvlan mode l2 private
step_fail ip netns exec "$C1" ping -c 1 -W 1 10.1.0.12
step_out "^10\\.1\\.0\\.11 lladdr $MAC " ip -n "$C2" neigh show dev ipvl1
step ip -n "$C1" link set ipvl0 type ipvlan mode l3 vepa
step_fail ip netns exec "$C1" ping -c 1 -W 1 10.1.0.12
step ip -n "$C1" link set ipvl0 type ipvlan mode l3 bridge
step ip netns exec "$C1" ping -c 1 10.1.0.12

# ======================================== Guide: "Clean up"
step ip netns del "$C1"
step ip netns del "$C2"
step rmmod ipvlan
check_fail "  ... ipvlan is no longer loaded" ipvlan_loaded
check "  ... and ipvl-host went with it" link_absent "$NS_HOST" ipvl-host
# Leave the selected driver loaded for the next test (lib.sh's loader).
check "reload the driver: $(ipvlan_driver_desc)" ipvlan_load

guide_coverage
tests_done
