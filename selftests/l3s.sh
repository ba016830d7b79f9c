#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# ipvlan L3S and netfilter (spec section 6; section 12, items 93-100).  In
# l3 the master netns' PREROUTING/INPUT never see inbound slave traffic,
# OUTPUT/POSTROUTING see the outbound, and conntrack there has only an
# [UNREPLIED] outbound entry; the slave netns' INPUT sees the inbound.  In
# l3s inbound traffic goes through the master netns' IP stack (PREROUTING,
# INPUT, OUTPUT and POSTROUTING all count it, conntrack entries are replied
# both ways) and the slave netns' INPUT is bypassed; sockets bound to the
# slave get replies; basic traffic works.  The LOCAL_IN hook is shared by the
# L3S ports of a netns: a second port works, one port leaving (delete or mode
# change) does not break the other, and the last one leaving leaves L3
# working; mode flips under traffic do not crash; after the master moves to
# another netns the hook follows it (traffic and conntrack there).
#
#   ns1: ipvl0 10.1.0.11 2001:db8:1::11 \
#                                        > port A on veth0 (host) <--> veth1 (out)
#   ns2: ipvl1 10.1.0.12 2001:db8:1::12 /
#   ns3: ipvl2 10.2.0.11                 - port B on veth2 (host) <--> veth3 (out)
#        veth2 10.0.1.1/24, veth3 10.0.1.2/24; out: 10.2.0.0/24 via 10.0.1.1
#
# Counters: iptables rules (nft backend) matching ipvl0's addresses, read
# with `nft list ruleset`; conntrack with `conntrack -L` (both families).

. "$(dirname "$0")/lib.sh"

require_root
require_cmd ip ping iptables-restore ip6tables-restore nft conntrack
ipvlan_require

S1_IP4=10.1.0.11
S2_IP4=10.1.0.12
S1_IP6=2001:db8:1::11
S2_IP6=2001:db8:1::12
B_HOST_IP4=10.0.1.1
B_OUT_IP4=10.0.1.2
S3_IP4=10.2.0.11

SPLAT_RE='WARNING:|BUG:|Oops|Call Trace|refcount_t|unregister_netdevice: waiting'

TMP=$(mktemp -d) || die "mktemp"
on_exit "rm -rf '$TMP'"
mark0=$(kmsg_mark)
topo_outside
ns_create NS1 ns1
ns_create NS2 ns2
ns_create NS3 ns3
slave_add "$NS1" ipvl0 "$S1_IP4" "$S1_IP6" mode l3 || die "create ipvl0 in ns1"
slave_add "$NS2" ipvl1 "$S2_IP4" "$S2_IP6" mode l3 || die "create ipvl1 in ns2"

# Rules counting ipvl0's traffic in a master netns: raw PREROUTING and filter
# INPUT (with a conntrack match: it enables conntrack in the netns) for the
# inbound, filter OUTPUT and mangle POSTROUTING for the outbound.
RULES4="*raw
-A PREROUTING -d $S1_IP4/32
COMMIT
*mangle
-A POSTROUTING -s $S1_IP4/32
COMMIT
*filter
-A INPUT -d $S1_IP4/32 -m conntrack --ctstate NEW,ESTABLISHED
-A OUTPUT -s $S1_IP4/32
COMMIT"
RULES6=${RULES4//$S1_IP4\/32/$S1_IP6\/128}
# master_rules NS: load them into NS.
master_rules() {
	ns_exec "$1" iptables-restore --noflush <<<"$RULES4" &&
		ns_exec "$1" ip6tables-restore --noflush <<<"$RULES6"
}
master_rules "$NS_HOST" || die "iptables rules in the master netns"
# The slave netns: INPUT from the outside.
{
	ns_exec "$NS1" iptables -A INPUT -s "$OUT_IP4" &&
		ns_exec "$NS1" ip6tables -A INPUT -s "$OUT_IP6"
} || die "iptables rules in ns1"

# nf_snap NS TAG: NF[TAG:FAM:CHAIN] = the packets counted by the rules of
# CHAIN (FAM ip or ip6) in NS, from one `nft list ruleset`.
declare -A NF
nf_snap() {
	local out line fam=- chain=- k
	out=$(ns_exec "$1" nft list ruleset 2>/dev/null) || return 1
	for k in "${!NF[@]}"; do
		[[ "$k" == "$2:"* ]] && unset "NF[$k]"
	done
	while IFS= read -r line; do
		if [[ "$line" =~ ^table\ (ip6?)\  ]]; then
			fam=${BASH_REMATCH[1]}
		elif [[ "$line" =~ ^[[:space:]]*chain\ ([A-Za-z_-]+) ]]; then
			chain=${BASH_REMATCH[1]}
		elif [[ "$line" =~ counter\ packets\ ([0-9]+) ]]; then
			k="$2:$fam:$chain"
			NF[$k]=$((${NF[$k]:-0} + BASH_REMATCH[1]))
		fi
	done <<<"$out"
}
# nf_delta FAM CHAIN: NF[after:FAM:CHAIN] - NF[before:FAM:CHAIN]
nf_delta() { echo $((${NF[after:$1:$2]:-0} - ${NF[before:$1:$2]:-0})); }

# traffic: out pings ipvl0 and ipvl0 pings out, IPv4 and IPv6 (4 checks).
traffic() {
	check "[$1] out -> ipvl0 ($S1_IP4)" ping_once "$NS_OUT" "$S1_IP4"
	check "[$1] out -> ipvl0 ($S1_IP6)" ping_once "$NS_OUT" "$S1_IP6"
	check "[$1] ipvl0 -> out ($OUT_IP4)" ping_once "$NS1" "$OUT_IP4"
	check "[$1] ipvl0 -> out ($OUT_IP6)" ping_once "$NS1" "$OUT_IP6"
}

# ct_list NS: the conntrack entries of NS (both families).
ct_list() { ns_exec "$1" conntrack -L 2>/dev/null; }

# ct_entry CT SRC DST: the line of CT (conntrack -L output) whose original
# direction is an echo request from SRC to DST.
ct_entry() {
	local line re="src=$2 dst=$3 type=(8|128) "
	while IFS= read -r line; do
		[[ "$line" =~ $re ]] && { printf '%s\n' "$line"; return 0; }
	done <<<"$1"
	return 1
}

set_mode() { ip -n "$1" link set "$2" type ipvlan mode "$3"; }

# ======================================================================
# --- 93, 94, 96 (l3 half): the master netns sees only the outbound
check_eq "port mode l3" "l3" "$(link_field "$NS1" ipvl0 mode)"
ns_exec "$NS_HOST" conntrack -F >/dev/null 2>&1
{ nf_snap "$NS_HOST" before && nf_snap "$NS1" sbefore; } || die "read the counters"
traffic l3
{ nf_snap "$NS_HOST" after && nf_snap "$NS1" safter; } || die "read the counters"
for fam in ip ip6; do
	check_eq "[l3] master netns raw PREROUTING ($fam, dst ipvl0): 0 packets" 0 \
		"$(nf_delta "$fam" PREROUTING)"
	check_eq "[l3] master netns filter INPUT ($fam, dst ipvl0): 0 packets" 0 \
		"$(nf_delta "$fam" INPUT)"
	check_gt "[l3] master netns filter OUTPUT ($fam, src ipvl0) counts" \
		"$(nf_delta "$fam" OUTPUT)" 0
	check_gt "[l3] master netns mangle POSTROUTING ($fam, src ipvl0) counts" \
		"$(nf_delta "$fam" POSTROUTING)" 0
	# 96: the slave netns' INPUT does see the inbound in l3
	check_gt "[l3] ns1 filter INPUT ($fam, from out) counts" \
		"$((${NF[safter:$fam:INPUT]:-0} - ${NF[sbefore:$fam:INPUT]:-0}))" 0
done
ct=$(ct_list "$NS_HOST")
for p in "$S1_IP4 $OUT_IP4" "$S1_IP6 $OUT_IP6"; do
	read -r src dst <<<"$p"
	e=$(ct_entry "$ct" "$src" "$dst")
	check_match "[l3] master conntrack: outbound $src -> $dst is [UNREPLIED]" \
		'\[UNREPLIED\]' "$e" || _diag <<<"$ct"
	check_fail "[l3] master conntrack: no entry for the inbound $dst -> $src" \
		ct_entry "$ct" "$dst" "$src"
done

# ======================================================================
# --- 95, 96 (l3s): the master netns sees everything, the slave's INPUT
# nothing; conntrack entries are replied both ways.
check "set the port to l3s" set_mode "$NS1" ipvl0 l3s
check_eq "ipvl0 and ipvl1 are l3s" "l3s l3s" \
	"$(link_field "$NS1" ipvl0 mode) $(link_field "$NS2" ipvl1 mode)"
ns_exec "$NS_HOST" conntrack -F >/dev/null 2>&1
{ nf_snap "$NS_HOST" before && nf_snap "$NS1" sbefore; } || die "read the counters"
traffic l3s
{ nf_snap "$NS_HOST" after && nf_snap "$NS1" safter; } || die "read the counters"
for fam in ip ip6; do
	check_gt "[l3s] master netns raw PREROUTING ($fam, dst ipvl0) counts" \
		"$(nf_delta "$fam" PREROUTING)" 0
	check_gt "[l3s] master netns filter INPUT ($fam, dst ipvl0) counts" \
		"$(nf_delta "$fam" INPUT)" 0
	check_gt "[l3s] master netns filter OUTPUT ($fam, src ipvl0) counts" \
		"$(nf_delta "$fam" OUTPUT)" 0
	check_gt "[l3s] master netns mangle POSTROUTING ($fam, src ipvl0) counts" \
		"$(nf_delta "$fam" POSTROUTING)" 0
	check_eq "[l3s] ns1 filter INPUT ($fam, from out): 0 packets (bypassed)" 0 \
		"$((${NF[safter:$fam:INPUT]:-0} - ${NF[sbefore:$fam:INPUT]:-0}))"
done
ct=$(ct_list "$NS_HOST")
for p in "$S1_IP4 $OUT_IP4" "$OUT_IP4 $S1_IP4" "$S1_IP6 $OUT_IP6" "$OUT_IP6 $S1_IP6"; do
	read -r src dst <<<"$p"
	e=$(ct_entry "$ct" "$src" "$dst")
	check_match "[l3s] master conntrack: $src -> $dst is tracked" . "$e" ||
		_diag <<<"$ct"
	check_nomatch "[l3s] ... and replied (no [UNREPLIED])" '\[UNREPLIED\]' "$e"
done

# --- 97: a socket bound to the slave gets the replies
check "[l3s] ping -I ipvl0 $OUT_IP4 (socket bound to the slave)" \
	ns_exec "$NS1" ping -4 -n -q -c 1 -W 2 -I ipvl0 "$OUT_IP4"
check "[l3s] ping -I ipvl0 $OUT_IP6 (socket bound to the slave)" \
	ns_exec "$NS1" ping -6 -n -q -c 1 -W 2 -I ipvl0 "$OUT_IP6"

# --- basic l3s traffic: slave<->slave, ipvl1 <-> out
for t in "$NS1 ipvl0 $S2_IP4" "$NS2 ipvl1 $S1_IP4" "$NS1 ipvl0 $S2_IP6" \
	"$NS2 ipvl1 $S1_IP6" "$NS2 ipvl1 $OUT_IP4" "$NS2 ipvl1 $OUT_IP6" \
	"$NS_OUT out $S2_IP4" "$NS_OUT out $S2_IP6"; do
	read -r from dev to <<<"$t"
	check "[l3s] $dev pings $to" ping_once "$from" "$to"
done

# ======================================================================
# --- 98: one hook per netns, shared by the L3S ports.  Port B on veth2.
{
	ip -n "$NS_HOST" link add veth2 type veth peer name veth3 netns "$NS_OUT" &&
		ip -n "$NS_HOST" addr add "$B_HOST_IP4/24" dev veth2 &&
		ip -n "$NS_HOST" link set veth2 up &&
		ip -n "$NS_OUT" addr add "$B_OUT_IP4/24" dev veth3 &&
		ip -n "$NS_OUT" link set veth3 up &&
		ip -n "$NS_OUT" route add 10.2.0.0/24 via "$B_HOST_IP4"
} || die "second veth pair"
# port_b_add: ipvl2 (l3s) on veth2, in ns3.
# shellcheck disable=SC2317  # called through check
port_b_add() {
	ip -n "$NS_HOST" link add link veth2 name ipvl2 netns "$NS3" type ipvlan mode l3s &&
		ip -n "$NS3" addr add "$S3_IP4/32" dev ipvl2 &&
		ip -n "$NS3" link set ipvl2 up &&
		ip -n "$NS3" route add default dev ipvl2
}
# b_works TAG: out -> ipvl2 and ipvl2 -> out (the reply to ipvl2's own
# request is delivered to its netns only by the LOCAL_IN hook in l3s).
b_works() {
	check "[$1] port B: out -> ipvl2 ($S3_IP4)" ping_once "$NS_OUT" "$S3_IP4"
	check "[$1] port B: ipvl2 -> out ($B_OUT_IP4)" ping_once "$NS3" "$B_OUT_IP4"
}
# a_works TAG: ipvl0 <-> out, IPv4.
a_works() {
	check "[$1] port A: out -> ipvl0 ($S1_IP4)" ping_once "$NS_OUT" "$S1_IP4"
	check "[$1] port A: ipvl0 -> out ($OUT_IP4)" ping_once "$NS1" "$OUT_IP4"
}
# a_input TAG l3|l3s: the master netns' INPUT counts ipvl0's inbound
# IPv4 (l3s) or not (l3), over an out -> ipvl0 ping.
a_input() {
	local d
	nf_snap "$NS_HOST" before || return 1
	ping_once "$NS_OUT" "$S1_IP4" >/dev/null
	nf_snap "$NS_HOST" after || return 1
	d=$(nf_delta ip INPUT)
	if [[ $2 == l3s ]]; then
		check_gt "[$1] port A (l3s): the master's INPUT counts ipvl0's inbound" "$d" 0
	else
		check_eq "[$1] port A (l3): the master's INPUT does not see ipvl0's inbound" 0 "$d"
	fi
}

check "create port B: ipvl2 (l3s) on veth2 in the same netns as port A (l3s)" port_b_add
b_works "A l3s, B l3s"
a_works "A l3s, B l3s"
check "delete ipvl2 (port B leaves while l3s)" ip -n "$NS3" link del ipvl2
a_works "A l3s, B deleted"
a_input "A l3s, B deleted" l3s
check "re-create port B (l3s)" port_b_add
check "port A -> l3 (B is the last l3s port)" set_mode "$NS1" ipvl0 l3
b_works "A l3, B l3s"
a_works "A l3, B l3s"
a_input "A l3, B l3s" l3
check "port B -> l3 (no l3s port left in the netns)" set_mode "$NS3" ipvl2 l3
b_works "A l3, B l3"
a_works "A l3, B l3"
check "port B -> l3s again" set_mode "$NS3" ipvl2 l3s
check "port A -> l3s again" set_mode "$NS1" ipvl0 l3s
b_works "A l3s, B l3s again"
a_works "A l3s, B l3s again"
a_input "A l3s, B l3s again" l3s

# ======================================================================
# --- 99: l3s -> l3 -> l3s flips while both directions are pinged
mark=$(kmsg_mark)
nsenter --net="/run/netns/$NS_OUT" ping -4 -n -q -i 0.2 -w 120 "$S1_IP4" >"$TMP/p1" 2>&1 &
p1=$!
nsenter --net="/run/netns/$NS1" ping -4 -n -q -i 0.2 -w 120 "$OUT_IP4" >"$TMP/p2" 2>&1 &
p2=$!
on_exit "kill $p1 $p2"
flips=0
for ((i = 0; i < 6; i++)); do
	set_mode "$NS1" ipvl0 l3 && set_mode "$NS1" ipvl0 l3s && flips=$((flips + 1))
done
check_eq "6 l3 -> l3s round trips while pinging" 6 "$flips"
# ping prints its statistics on SIGINT
kill -INT "$p1" "$p2"
wait "$p1" "$p2"
# shellcheck disable=SC2317  # called through check
rcvd() { [[ "$(cat "$1")" =~ ([0-9]+)\ received ]] && ((BASH_REMATCH[1] > 0)); }
check "... out -> ipvl0 got replies during the flips" rcvd "$TMP/p1"
check "... ipvl0 -> out got replies during the flips" rcvd "$TMP/p2"
check_eq "... port still l3s" "l3s" "$(link_field "$NS1" ipvl0 mode)"
a_works "after the flips"
check_nomatch "... kernel log clean during the flips" \
	"$SPLAT_RE" "$(kmsg_since "$mark")"

# ======================================================================
# --- 100: port A's master moves to another netns (host2) in l3s: the
# hook follows it (ipvl0's own requests get their replies), conntrack in
# host2 tracks the flows; port B stays in the old netns and still works.
ns_create NS_M2 host2
master_rules "$NS_M2" || die "iptables rules in host2"
check "move the master $MASTER (port A, l3s) to host2" \
	ip -n "$NS_HOST" link set "$MASTER" netns "$NS_M2"
{
	ip -n "$NS_M2" addr add "$HOST_IP4/24" dev "$MASTER" &&
		ip -n "$NS_M2" addr add "$HOST_IP6/64" dev "$MASTER" nodad &&
		ip -n "$NS_M2" link set "$MASTER" up
} || die "configure $MASTER in host2"
check_eq "ipvl0 and ipvl1 are still l3s" "l3s l3s" \
	"$(link_field "$NS1" ipvl0 mode) $(link_field "$NS2" ipvl1 mode)"
# shellcheck disable=SC2317  # called through wait_until
has_lower_up() { [[ "$(link_field "$NS1" ipvl0 flags)" == *'"LOWER_UP"'* ]]; }
wait_until 5 has_lower_up
nf_snap "$NS_M2" before || die "read the counters in host2"
traffic "l3s, host2"
nf_snap "$NS_M2" after || die "read the counters in host2"
check_gt "[l3s, host2] host2's filter INPUT (ip, dst ipvl0) counts" "$(nf_delta ip INPUT)" 0
check_gt "[l3s, host2] host2's filter INPUT (ip6, dst ipvl0) counts" "$(nf_delta ip6 INPUT)" 0
ct=$(ct_list "$NS_M2")
for p in "$S1_IP4 $OUT_IP4" "$OUT_IP4 $S1_IP4" "$S1_IP6 $OUT_IP6" "$OUT_IP6 $S1_IP6"; do
	read -r src dst <<<"$p"
	e=$(ct_entry "$ct" "$src" "$dst")
	check_match "[l3s, host2] host2's conntrack: $src -> $dst is tracked" . "$e" ||
		_diag <<<"$ct"
	check_nomatch "[l3s, host2] ... and replied" '\[UNREPLIED\]' "$e"
done
b_works "port B left in the old netns"
# The old netns goes away with port B (l3s) in it: its hook count must drop
# to 0 without a warning (ipvlan's pernet exit warns about a leftover).
mark=$(kmsg_mark)
check "delete the old master netns (with port B)" ip netns del "$NS_HOST"
# shellcheck disable=SC2317  # called through wait_until
veth3_gone() { link_absent "$NS_OUT" veth3; }
check "... veth3 (port B's peer) disappears" wait_until 10 veth3_gone
sleep 1
check "... ipvl2 is gone with its master" link_absent "$NS3" ipvl2
check "port A in host2 still works (ipvl0 -> out)" ping_once "$NS1" "$OUT_IP4"

check_nomatch "kernel log clean during the whole test" \
	"$SPLAT_RE" "$(kmsg_since "$mark0")"

tests_done
