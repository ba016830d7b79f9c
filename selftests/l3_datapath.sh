#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# ipvlan L3 / L3S data path (spec section 12, items 86-92), each check run
# once with the port in l3 and once in l3s (92 in l3 only): slave<->slave and
# slave->outside pings; the outside cannot resolve a slave's address (ARP/ND)
# but reaches it through a static neighbour entry with the master's MAC;
# external broadcast/multicast is answered by the master only and an RA does
# not configure the slaves (it does configure the master); slave TX is routed
# in the master netns with oif = master (no route: ARP for the destination
# itself on the wire; a route via a gateway: sent to the gateway's MAC); a
# ping to the master's own IP reaches the master stack but gets no reply;
# IPv4 is fragmented by the master (slave MTU 4000 > master MTU 1500) unless
# DF is set; a DAD NS (src ::) from the wire reaches the owning slave (l3).
#
#   ns1: ipvl0 10.1.0.11/32 2001:db8:1::11/128 \
#                                                > ipvlan on veth0 (host)
#   ns2: ipvl1 10.1.0.12/32 2001:db8:1::12/128 /
#   host: veth0 10.0.0.1/24 2001:db8::1/64 <--> out: veth1 10.0.0.2/24 2001:db8::2/64
#   out:  scapy (RA, DAD NS), tcpdump on veth1; 198.51.100.1 and
#         2001:db8:99::1 on lo once the master has a route to them via out

. "$(dirname "$0")/lib.sh"

require_root
require_cmd ip ping tcpdump
ipvlan_require

SCAPY_PY=/usr/bin/python3
if ! "$SCAPY_PY" -c 'import scapy' 2>/dev/null; then
	skip_all "python3 with scapy not found ($SCAPY_PY)"
fi

S1_IP4=10.1.0.11
S2_IP4=10.1.0.12
S1_IP6=2001:db8:1::11
S2_IP6=2001:db8:1::12
FAR_IP4=198.51.100.1
FAR_NET4=198.51.100.0/24
FAR_IP6=2001:db8:99::1
FAR_NET6=2001:db8:99::/64

NL=$'\n'
TMP=$(mktemp -d) || die "mktemp"
on_exit "rm -rf '$TMP'"

topo_outside
ns_create NS1 ns1
ns_create NS2 ns2
slave_add "$NS1" ipvl0 "$S1_IP4" "$S1_IP6" mode l3 || die "create ipvl0 in ns1"
slave_add "$NS2" ipvl1 "$S2_IP4" "$S2_IP6" mode l3 || die "create ipvl1 in ns2"
# Broadcast pings are ignored by default: let the master and ns1 answer them
# (ns1 would answer one if it reached ipvl0).
for ns in "$NS_HOST" "$NS1"; do
	ns_exec "$ns" bash -c 'echo 0 >/proc/sys/net/ipv4/icmp_echo_ignore_broadcasts' ||
		die "allow broadcast echo in $ns"
done

MASTER_MAC=$(link_field "$NS_HOST" "$MASTER" address) || die "MAC of $MASTER"
PEER_MAC=$(link_field "$NS_OUT" "$PEER" address) || die "MAC of $PEER"

# ll_addr NS DEV: DEV's IPv6 link-local address.
ll_addr() {
	local out
	out=$(ip -n "$1" -6 -o addr show dev "$2" scope link) || return 1
	[[ "$out" =~ inet6\ (fe80::[0-9a-f:]+)/ ]] || return 1
	printf '%s\n' "${BASH_REMATCH[1]}"
}
MASTER_LL=$(ll_addr "$NS_HOST" "$MASTER") || die "link-local of $MASTER"
PEER_LL=$(ll_addr "$NS_OUT" "$PEER") || die "link-local of $PEER"
S1_LL=$(ll_addr "$NS1" ipvl0) || die "link-local of ipvl0"

# --- the packet sender: one scapy process in the outside netns, started
# now so that its (slow) import overlaps the first checks.  Commands on
# stdin, one a line, "ok" after each is sent:
#   ra PREFIX    RA from PEER_LL to ff02::1 with PREFIX/64 (on-link,
#                autonomous) and router lifetime 0 (no default route)
#   dadns ADDR   DAD NS: src ::, to ADDR's solicited-node group and its MAC
read -r -d '' SCAPY_SRC <<'PY'
import sys
from socket import AF_INET6, inet_ntop, inet_pton
from scapy.layers.l2 import Ether
from scapy.layers.inet6 import (IPv6, ICMPv6ND_RA, ICMPv6ND_NS,
    ICMPv6NDOptPrefixInfo, ICMPv6NDOptSrcLLAddr)
from scapy.utils6 import in6_getnsma, in6_getnsmac
from scapy.sendrecv import sendp
iface, mac, lla = sys.argv[1:4]
for line in sys.stdin:
    cmd, arg = line.split()
    if cmd == "ra":
        p = (Ether(src=mac, dst="33:33:00:00:00:01") /
             IPv6(src=lla, dst="ff02::1", hlim=255) /
             ICMPv6ND_RA(routerlifetime=0) / ICMPv6NDOptSrcLLAddr(lladdr=mac) /
             ICMPv6NDOptPrefixInfo(prefix=arg, prefixlen=64, L=1, A=1,
                                   validlifetime=600, preferredlifetime=600))
    elif cmd == "dadns":
        snm = in6_getnsma(inet_pton(AF_INET6, arg))
        p = (Ether(src=mac, dst=in6_getnsmac(snm)) /
             IPv6(src="::", dst=inet_ntop(AF_INET6, snm), hlim=255) /
             ICMPv6ND_NS(tgt=arg))
    else:
        print("bad command", flush=True)
        continue
    sendp(p, iface=iface, verbose=0)
    print("ok", flush=True)
PY
coproc SCAPY { exec nsenter --net="/run/netns/$NS_OUT" "$SCAPY_PY" -c "$SCAPY_SRC" \
	"$PEER" "$PEER_MAC" "$PEER_LL" 2>"$TMP/scapy.err"; }
SCAPY_IN=${SCAPY[1]}
SCAPY_OUT=${SCAPY[0]}
on_exit "kill $SCAPY_PID"

# scapy CMD ARG: send one packet, wait for the sender's "ok" (the first
# command waits for the import too).
# shellcheck disable=SC2317  # called through check
scapy() {
	local reply=
	echo "$1 $2" >&"$SCAPY_IN" || return 1
	read -r -t 90 reply <&"$SCAPY_OUT"
	if [[ "$reply" != ok ]]; then
		log "scapy $1 $2 failed: $reply $(cat "$TMP/scapy.err")"
		return 1
	fi
}

# ping_fail NS ADDR: one echo request, 1 s to answer (for expected failures).
# shellcheck disable=SC2317  # called through check_fail
ping_fail() {
	local fam=-4
	[[ "$2" == *:* ]] && fam=-6
	ns_exec "$1" ping "$fam" -n -q -c 1 -W 1 "$2"
}

# fail_pair DESC4 DESC6 NS ADDR4 ADDR6: ping ADDR4 and ADDR6 from NS at the
# same time (to save the waits); both must go unanswered.
fail_pair() {
	local pid rc
	ping_fail "$3" "$5" >/dev/null 2>&1 &
	pid=$!
	check_fail "$1" ping_fail "$3" "$4"
	wait "$pid"
	rc=$?
	if ((rc != 0)); then tap_ok "$2"; else tap_not_ok "$2"; fi
}

# rx_of NS DEV: DEV's rx_packets.
rx_of() {
	local p
	p=$(link_pkts "$1" "$2") || return 1
	printf '%s\n' "${p%% *}"
}

# rx_above NS DEV N: DEV's rx_packets > N.
# shellcheck disable=SC2317  # called through wait_until
rx_above() {
	local n
	n=$(rx_of "$1" "$2") && ((n > $3))
}

# snmp NS: fill SNMP[] from NS's /proc/net/snmp (keys "Icmp:InEchos") and
# /proc/net/snmp6 (keys "Icmp6InEchos").
declare -A SNMP
snmp() {
	local out line prefix k v
	local -a keys vals
	local -A hdr=()
	SNMP=()
	out=$(ns_exec "$1" cat /proc/net/snmp /proc/net/snmp6) || return 1
	while IFS= read -r line; do
		if [[ "$line" =~ ^([A-Za-z]+):\ (.*)$ ]]; then
			prefix=${BASH_REMATCH[1]}
			if [[ -z "${hdr[$prefix]:-}" ]]; then
				hdr[$prefix]=${BASH_REMATCH[2]}
				continue
			fi
			read -r -a keys <<<"${hdr[$prefix]}"
			read -r -a vals <<<"${BASH_REMATCH[2]}"
			for k in "${!keys[@]}"; do
				SNMP["$prefix:${keys[k]}"]=${vals[k]}
			done
		elif [[ "$line" =~ ^([A-Za-z0-9]+)[[:space:]]+([0-9]+)$ ]]; then
			k=${BASH_REMATCH[1]} v=${BASH_REMATCH[2]}
			SNMP[$k]=$v
		fi
	done <<<"$out"
	[[ -n "${SNMP[Icmp:InEchos]:-}" && -n "${SNMP[Icmp6InEchos]:-}" ]]
}

# responders: the distinct sources of the "64 bytes from X" lines of a ping
# output (stdin), space-separated, zone ids stripped.
responders() {
	local line a seen=" "
	while IFS= read -r line; do
		[[ "$line" =~ bytes\ from\ ([0-9a-f.:]+)(%[^:]*)?: ]] || continue
		a=${BASH_REMATCH[1]}
		[[ "$seen" == *" $a "* ]] || seen+="$a "
	done
	a=${seen# }
	printf '%s\n' "${a% }"
}

# cap_start FILTER: tcpdump on the outside's veth1 (with MACs) into
# $TMP/cap; cap_stop: stop it and print what it saw.
CAP_PID=
cap_start() {
	: >"$TMP/cap.err"
	nsenter --net="/run/netns/$NS_OUT" tcpdump -i "$PEER" -n -e -l --immediate-mode \
		"$1" >"$TMP/cap" 2>"$TMP/cap.err" &
	CAP_PID=$!
	on_exit "kill $CAP_PID"
	wait_until 10 grep -q 'listening on' "$TMP/cap.err" ||
		{ log "tcpdump did not start: $(cat "$TMP/cap.err")"; return 1; }
}
cap_stop() {
	sleep 0.3
	kill -TERM "$CAP_PID" 2>/dev/null
	wait "$CAP_PID" 2>/dev/null
	cat "$TMP/cap"
}

RA_PREFIX=(2001:db8:5:: 2001:db8:6::)
pass=0
for mode in l3 l3s; do
	check "port mode $mode (set through ipvl0)" \
		ip -n "$NS1" link set ipvl0 type ipvlan mode "$mode"
	check_eq "[$mode] ipvl0 and ipvl1 are in mode $mode" "$mode $mode" \
		"$(link_field "$NS1" ipvl0 mode) $(link_field "$NS2" ipvl1 mode)"

	# --- 86: slave<->slave, slave->outside, IPv4 and IPv6
	for t in "$NS1 ipvl0 $S2_IP4" "$NS2 ipvl1 $S1_IP4" "$NS1 ipvl0 $OUT_IP4" \
		"$NS2 ipvl1 $OUT_IP4" "$NS1 ipvl0 $S2_IP6" "$NS2 ipvl1 $S1_IP6" \
		"$NS1 ipvl0 $OUT_IP6" "$NS2 ipvl1 $OUT_IP6"; do
		read -r from dev to <<<"$t"
		check "[$mode] $dev pings $to" ping_once "$from" "$to"
	done

	# --- 87: the outside cannot resolve a slave's address (dynamic ARP/ND
	# fails), but a static neighbour entry with the master's MAC works.
	{
		ip -n "$NS_OUT" route add "$S1_IP4/32" dev "$PEER" &&
			ip -n "$NS_OUT" -6 route add "$S1_IP6/128" dev "$PEER"
	} || die "on-link routes to ipvl0 in out"
	rx0=$(rx_of "$NS1" ipvl0)
	fail_pair "[$mode] out -> $S1_IP4 on-link (dynamic ARP): no answer" \
		"[$mode] out -> $S1_IP6 on-link (dynamic ND): no answer" \
		"$NS_OUT" "$S1_IP4" "$S1_IP6"
	rx1=$(rx_of "$NS1" ipvl0)
	if [[ $mode == l3 ]]; then
		# l3: the rx_handler hands the ARP request (looked up by its
		# target IP) to the NOARP slave, which drops it.
		check_gt "[l3] ... the ARP request was diverted to ipvl0 (rx_packets $rx0 -> $rx1)" \
			"$rx1" "$rx0"
	fi
	neigh=$(ip -n "$NS_OUT" neigh show dev "$PEER")
	check_match "[$mode] ... out's neighbour entry for $S1_IP4 is unresolved" \
		"(^|$NL)$S1_IP4 +(INCOMPLETE|FAILED)" "$neigh"
	check_match "[$mode] ... out's neighbour entry for $S1_IP6 is unresolved" \
		"(^|$NL)$S1_IP6 +(INCOMPLETE|FAILED)" "$neigh"
	{
		ip -n "$NS_OUT" neigh replace "$S1_IP4" lladdr "$MASTER_MAC" dev "$PEER" nud permanent &&
			ip -n "$NS_OUT" -6 neigh replace "$S1_IP6" lladdr "$MASTER_MAC" dev "$PEER" nud permanent
	} || die "static neighbour entries in out"
	rx0=$(rx_of "$NS1" ipvl0)
	check "[$mode] out -> $S1_IP4 on-link, static neigh = master MAC: answered" \
		ping_once "$NS_OUT" "$S1_IP4"
	check "[$mode] out -> $S1_IP6 on-link, static neigh = master MAC: answered" \
		ping_once "$NS_OUT" "$S1_IP6"
	rx1=$(rx_of "$NS1" ipvl0)
	check_gt "[$mode] ... both went through ipvl0 (rx_packets $rx0 -> $rx1)" \
		"$rx1" "$((rx0 + 1))"
	{
		ip -n "$NS_OUT" route del "$S1_IP4/32" dev "$PEER" &&
			ip -n "$NS_OUT" -6 route del "$S1_IP6/128" dev "$PEER" &&
			ip -n "$NS_OUT" neigh del "$S1_IP4" dev "$PEER" &&
			ip -n "$NS_OUT" -6 neigh del "$S1_IP6" dev "$PEER"
	} || die "remove the on-link routes and static neighbours in out"

	# --- 88: external broadcast / multicast is answered by the master only
	# (ns1 answers broadcasts and ff02::1 echo requests: it would show up),
	# and an RA configures the master but not the slaves.
	rx0=$(rx_of "$NS1" ipvl0)
	out=$(ns_exec "$NS_OUT" ping -4 -n -b -I "$PEER" -i 0.3 -w 2 255.255.255.255 2>&1)
	check_eq "[$mode] out's broadcast ping (255.255.255.255): answered by the master only" \
		"$HOST_IP4" "$(responders <<<"$out")" || _diag <<<"$out"
	out=$(ns_exec "$NS_OUT" ping -6 -n -I "$PEER" -i 0.3 -w 2 ff02::1 2>&1)
	r=$(responders <<<"$out")
	check_match "[$mode] out's ff02::1 ping: the master ($MASTER_LL) answers" \
		" $MASTER_LL " " $r " || _diag <<<"$out"
	r=" $r "
	r=${r// $MASTER_LL / }
	r=${r// $PEER_LL / }
	check_eq "[$mode] ... and nobody else (e.g. ipvl0 $S1_LL) but out itself" " " "$r"
	check_eq "[$mode] ... ipvl0 received none of it (rx_packets)" "$rx0" "$(rx_of "$NS1" ipvl0)"
	ra=${RA_PREFIX[pass]}
	check "[$mode] out sends an RA for $ra/64" scapy ra "$ra"
	# shellcheck disable=SC2317  # called through wait_until
	has_prefix() { [[ "$(ip -n "$1" -6 -o addr show dev "$2")" == *" ${3%::}:"* ]]; }
	check "[$mode] ... the master got a SLAAC address in $ra/64" \
		wait_until 10 has_prefix "$NS_HOST" "$MASTER" "$ra"
	sleep 0.5
	check_fail "[$mode] ... ipvl0 did not" has_prefix "$NS1" ipvl0 "$ra"
	check_fail "[$mode] ... ipvl1 did not" has_prefix "$NS2" ipvl1 "$ra"

	# --- 89: slave TX is routed in the master netns with oif = master.
	# No route to 198.51.100.0/24 there: on-link fallback, the master ARPs
	# for the destination itself.
	cap_start 'arp or icmp or icmp6' || die "start tcpdump in out"
	check_fail "[$mode] ipvl0 -> $FAR_IP4 (no route in the master netns): no answer" \
		ping_fail "$NS1" "$FAR_IP4"
	cap=$(cap_stop)
	check_match "[$mode] ... out saw the master ARP for $FAR_IP4 itself (on-link)" \
		"Request who-has $FAR_IP4 tell" "$cap"
	# A route via out (10.0.0.2) as gateway: the packet goes to out's MAC
	# and the destination is never ARPed for; out owns the address and
	# answers.
	{
		ip -n "$NS_HOST" route add "$FAR_NET4" via "$OUT_IP4" &&
			ip -n "$NS_HOST" -6 route add "$FAR_NET6" via "$OUT_IP6" &&
			ip -n "$NS_OUT" addr add "$FAR_IP4/32" dev lo &&
			ip -n "$NS_OUT" addr add "$FAR_IP6/128" dev lo &&
			ip -n "$NS_HOST" neigh flush dev "$MASTER"
	} || die "routes via out in the master netns"
	cap_start 'arp or icmp or icmp6' || die "start tcpdump in out"
	check "[$mode] ipvl0 -> $FAR_IP4 (route via $OUT_IP4 in the master netns): answered" \
		ping_once "$NS1" "$FAR_IP4"
	check "[$mode] ipvl0 -> $FAR_IP6 (route via $OUT_IP6 in the master netns): answered" \
		ping_once "$NS1" "$FAR_IP6"
	cap=$(cap_stop)
	check_match "[$mode] ... the IPv4 echo request went to the gateway's MAC" \
		"> $PEER_MAC, ethertype IPv4 \(0x0800\), length [0-9]+: $S1_IP4 > $FAR_IP4: ICMP echo request" \
		"$cap"
	check_match "[$mode] ... the IPv6 echo request went to the gateway's MAC" \
		"> $PEER_MAC, ethertype IPv6 \(0x86dd\), length [0-9]+: $S1_IP6 > $FAR_IP6: ICMP6, echo request" \
		"$cap"
	check_match "[$mode] ... the master ARPed for the gateway $OUT_IP4" \
		"Request who-has $OUT_IP4 tell" "$cap"
	check_nomatch "[$mode] ... and not for $FAR_IP4 / $FAR_IP6" \
		"who-has $FAR_IP4 |who has $FAR_IP6," "$cap"
	{
		ip -n "$NS_HOST" route del "$FAR_NET4" via "$OUT_IP4" &&
			ip -n "$NS_HOST" -6 route del "$FAR_NET6" via "$OUT_IP6" &&
			ip -n "$NS_OUT" addr del "$FAR_IP4/32" dev lo &&
			ip -n "$NS_OUT" addr del "$FAR_IP6/128" dev lo
	} || die "remove the routes via out"

	# --- 90: a ping to the master's own IP reaches the master stack
	# (its ICMP InEchos counter) but is not answered.
	snmp "$NS_HOST" || die "read the master netns' ICMP counters"
	e4=${SNMP[Icmp:InEchos]} e6=${SNMP[Icmp6InEchos]}
	fail_pair "[$mode] ipvl0 -> $HOST_IP4 (the master's IP): no answer" \
		"[$mode] ipvl0 -> $HOST_IP6 (the master's IP): no answer" \
		"$NS1" "$HOST_IP4" "$HOST_IP6"
	snmp "$NS_HOST" || die "read the master netns' ICMP counters"
	check_gt "[$mode] ... the IPv4 request reached the master stack (Icmp InEchos $e4 -> ${SNMP[Icmp:InEchos]})" \
		"${SNMP[Icmp:InEchos]}" "$e4"
	check_gt "[$mode] ... the IPv6 request reached the master stack (Icmp6InEchos $e6 -> ${SNMP[Icmp6InEchos]})" \
		"${SNMP[Icmp6InEchos]}" "$e6"

	# --- 91: slave MTU 4000 > master MTU 1500: the master fragments IPv4
	# when DF is off (a 3028-byte packet cannot cross the veth whole);
	# with DF on the packet is black-holed.
	check "[$mode] set ipvl0's MTU to 4000 (the master's is 1500)" \
		ip -n "$NS1" link set ipvl0 mtu 4000
	check "[$mode] ipvl0 -> out, 3000 bytes, DF off (-M dont): answered" \
		ns_exec "$NS1" ping -4 -n -q -c 1 -W 2 -s 3000 -M dont "$OUT_IP4"
	check_fail "[$mode] ipvl0 -> out, 3000 bytes, DF on (-M do): no answer" \
		ns_exec "$NS1" ping -4 -n -q -c 1 -W 1 -s 3000 -M "do" "$OUT_IP4"
	check "[$mode] ipvl0 -> out, 1000 bytes, DF on: answered" \
		ns_exec "$NS1" ping -4 -n -q -c 1 -W 2 -s 1000 -M "do" "$OUT_IP4"
	ip -n "$NS1" link set ipvl0 mtu 1500 || die "restore ipvl0's MTU"

	# --- 92 (l3): a DAD NS (src ::) for ipvl0's address, sent by out to
	# the solicited-node group, is delivered to ipvl0 (ns1's ICMPv6 counter
	# of received NSs goes up) and to no other slave.
	if [[ $mode == l3 ]]; then
		snmp "$NS1" || die "read ns1's ICMP counters"
		n1=${SNMP[Icmp6InNeighborSolicits]}
		snmp "$NS2" || die "read ns2's ICMP counters"
		n2=${SNMP[Icmp6InNeighborSolicits]}
		rx0=$(rx_of "$NS1" ipvl0)
		check "[l3] out sends a DAD NS (src ::) for $S1_IP6" scapy dadns "$S1_IP6"
		wait_until 3 rx_above "$NS1" ipvl0 "$rx0"
		snmp "$NS1" || die "read ns1's ICMP counters"
		check_gt "[l3] ... ns1 (ipvl0) received it (Icmp6InNeighborSolicits $n1 -> ${SNMP[Icmp6InNeighborSolicits]})" \
			"${SNMP[Icmp6InNeighborSolicits]}" "$n1"
		snmp "$NS2" || die "read ns2's ICMP counters"
		check_eq "[l3] ... ns2 (ipvl1) did not" "$n2" "${SNMP[Icmp6InNeighborSolicits]}"
	fi
	pass=$((pass + 1))
done

tests_done
