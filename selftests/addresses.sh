#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# ipvlan address tracking (spec section 12, items 64-68, 70, 71, 73): an
# address belongs to one slave per port: the same IPv4/IPv6 (global or
# link-local) on a sibling is refused with EADDRINUSE, also while the owner is
# down; once deleted it can go on a sibling; slaves of different masters may
# share it.  Addresses added while down are served after up, IPv4 addresses
# survive down/up (IPv6 ones are removed by addrconf and freed), and 40
# secondary /32s on one slave are all reachable.
#
#   ns1: ipvl0 10.1.0.11 2001:db8:1::11 \
#                                        > l3 on veth0 (host) <--> veth1 (out)
#   ns2: ipvl1 10.1.0.12 2001:db8:1::12 /
#   ns3: ipvl2                           - l3 on dummy0 (host): another port

. "$(dirname "$0")/lib.sh"

require_root
require_cmd ip ping
require_python
ipvlan_require

BUSY_RE='Address already in use|already assigned'

topo_outside
ns_create NS1 ns1
ns_create NS2 ns2
ns_create NS3 ns3
slave_add "$NS1" ipvl0 10.1.0.11 2001:db8:1::11 mode l3 || die "create ipvl0 in ns1"
slave_add "$NS2" ipvl1 10.1.0.12 2001:db8:1::12 mode l3 || die "create ipvl1 in ns2"
{
	ip -n "$NS_HOST" link add dummy0 type dummy &&
		ip -n "$NS_HOST" link set dummy0 up &&
		ip -n "$NS_HOST" link add link dummy0 name ipvl2 netns "$NS3" type ipvlan mode l3 &&
		ip -n "$NS3" link set ipvl2 up
} || die "create ipvl2 on dummy0 in ns3"

# addrs NS DEV: the addresses of DEV (ADDR/PLEN), space-separated, in the
# order of `ip addr` (IPv4 first, then IPv6 by scope); fails if DEV cannot be
# listed.
addrs() {
	local line a list out=()
	list=$(ip -n "$1" -o addr show dev "$2") || return 1
	while read -r line; do
		[[ -n "$line" ]] || continue
		a=${line#* inet* }
		out+=("${a%% *}")
	done <<<"$list"
	printf '%s\n' "${out[*]}"
}
# has_addr / lacks_addr NS DEV ADDR/PLEN (both fail if DEV cannot be listed)
# shellcheck disable=SC2317  # called through check
has_addr() {
	local l
	l=$(addrs "$1" "$2") && [[ " $l " == *" $3 "* ]]
}
# shellcheck disable=SC2317  # called through check
lacks_addr() {
	local l
	l=$(addrs "$1" "$2") && [[ " $l " != *" $3 "* ]]
}
# restore_route NS DEV: the default routes through DEV (a down removes them).
restore_route() {
	ip -n "$1" route replace default dev "$2" &&
		ip -n "$1" -6 route replace default dev "$2"
}
# served_by NS DEV ADDR: out pings ADDR and DEV's rx_packets goes up.
# shellcheck disable=SC2317  # called through check
served_by() {
	local b a
	read -r -a b <<<"$(link_pkts "$1" "$2")"
	ping_once "$NS_OUT" "$3" || return 1
	read -r -a a <<<"$(link_pkts "$1" "$2")"
	((a[0] > b[0])) || { echo "rx_packets of $2: ${b[0]} -> ${a[0]}"; return 1; }
}

# --- 64/65: same address on a sibling: EADDRINUSE (errno from raw netlink)
check_eq "raw RTM_NEWADDR of ipvl0's 10.1.0.11 and 2001:db8:1::11 on ipvl1: EADDRINUSE x2" \
	"EADDRINUSE EADDRINUSE" \
	"$(ipvlan_nl "$NS2" newaddr --dev ipvl1 --addr 10.1.0.11/32 \
		--addr 2001:db8:1::11/128 | join_lines)"
check_err "ip addr add 10.1.0.11/32 on ipvl1 refused (address in use)" "$BUSY_RE" \
	ip -n "$NS2" addr add 10.1.0.11/32 dev ipvl1
check_err "ip addr add 10.1.0.11/24 on ipvl1 refused (other prefix length)" "$BUSY_RE" \
	ip -n "$NS2" addr add 10.1.0.11/24 dev ipvl1
check_err "ip addr add 2001:db8:1::11/128 on ipvl1 refused" "$BUSY_RE" \
	ip -n "$NS2" addr add 2001:db8:1::11/128 dev ipvl1 nodad
check "link-local fe80::abcd on ipvl0" \
	ip -n "$NS1" addr add fe80::abcd/64 dev ipvl0 nodad
check_err "link-local fe80::abcd on ipvl1 refused" "$BUSY_RE" \
	ip -n "$NS2" addr add fe80::abcd/64 dev ipvl1 nodad
check_match "ipvl1 holds only its own addresses (and its automatic link-local)" \
	'^10\.1\.0\.12/32 2001:db8:1::12/128 fe80::[0-9a-f:]+/64$' "$(addrs "$NS2" ipvl1)"
check_nomatch "  ... none of the refused ones" '10\.1\.0\.11/|2001:db8:1::11/|fe80::abcd/' \
	"$(addrs "$NS2" ipvl1)"
check "out still reaches 10.1.0.11 through ipvl0" served_by "$NS1" ipvl0 10.1.0.11

# --- 68: slaves of different masters may share an address
check "10.1.0.12/32 (ipvl1's, on veth0) on ipvl2 (dummy0): allowed" \
	ip -n "$NS3" addr add 10.1.0.12/32 dev ipvl2
check "2001:db8:1::12/128 (ipvl1's) on ipvl2 (dummy0): allowed" \
	ip -n "$NS3" addr add 2001:db8:1::12/128 dev ipvl2 nodad
check "fe80::abcd (ipvl0's) on ipvl2 (dummy0): allowed" \
	ip -n "$NS3" addr add fe80::abcd/64 dev ipvl2 nodad
check "out still reaches 10.1.0.12 (ipvl1)" ping_once "$NS_OUT" 10.1.0.12

# --- 66: the address of a down slave still blocks; its IPv6 ones are gone
check "set ipvl0 down" ip -n "$NS1" link set ipvl0 down
check "ipvl0 (down) keeps 10.1.0.11" has_addr "$NS1" ipvl0 10.1.0.11/32
check_err "10.1.0.11 on ipvl1 refused while its owner ipvl0 is down" "$BUSY_RE" \
	ip -n "$NS2" addr add 10.1.0.11/32 dev ipvl1
check "addrconf removed 2001:db8:1::11 from ipvl0 on down" \
	lacks_addr "$NS1" ipvl0 2001:db8:1::11/128
check "  ... and it is free: 2001:db8:1::11 on ipvl1 allowed" \
	ip -n "$NS2" addr add 2001:db8:1::11/128 dev ipvl1 nodad
check "  ... and fe80::abcd too: on ipvl1 allowed" \
	ip -n "$NS2" addr add fe80::abcd/64 dev ipvl1 nodad
{
	ip -n "$NS2" addr del 2001:db8:1::11/128 dev ipvl1 &&
		ip -n "$NS2" addr del fe80::abcd/64 dev ipvl1
} || die "delete them again"

# --- 67: deleted from one slave, the address can go on a sibling
check "delete 10.1.0.11 from ipvl0" ip -n "$NS1" addr del 10.1.0.11/32 dev ipvl0
check "10.1.0.11 on ipvl1 now allowed" ip -n "$NS2" addr add 10.1.0.11/32 dev ipvl1
check "out reaches 10.1.0.11 through ipvl1 now" served_by "$NS2" ipvl1 10.1.0.11
check_err "10.1.0.11 back on ipvl0 (down) refused: ipvl1 owns it" "$BUSY_RE" \
	ip -n "$NS1" addr add 10.1.0.11/32 dev ipvl0

# --- 70: added while down, served after up
check "add 10.1.0.21/32 to ipvl0 while it is down" \
	ip -n "$NS1" addr add 10.1.0.21/32 dev ipvl0
check "add 2001:db8:1::21/128 to ipvl0 while it is down" \
	ip -n "$NS1" addr add 2001:db8:1::21/128 dev ipvl0 nodad
check_err "  ... 10.1.0.21 on ipvl1 refused (owned by down ipvl0)" "$BUSY_RE" \
	ip -n "$NS2" addr add 10.1.0.21/32 dev ipvl1
check "set ipvl0 up" ip -n "$NS1" link set ipvl0 up
restore_route "$NS1" ipvl0 || die "restore the ns1 routes"
check "out reaches 10.1.0.21 (ipvl0)" ping_once "$NS_OUT" 10.1.0.21
check "out reaches 2001:db8:1::21 (ipvl0)" ping_once "$NS_OUT" 2001:db8:1::21

# --- 71: IPv4 survives down/up and is served again
check "set ipvl1 down" ip -n "$NS2" link set ipvl1 down
check "set ipvl1 up" ip -n "$NS2" link set ipvl1 up
restore_route "$NS2" ipvl1 || die "restore the ns2 routes"
check_eq "ipvl1 kept its IPv4 addresses" "10.1.0.12/32 10.1.0.11/32" \
	"$(ip -n "$NS2" -4 -o addr show dev ipvl1 | while read -r _ _ _ a _; do echo "$a"; done | join_lines)"
check "out reaches 10.1.0.12 (ipvl1) again" ping_once "$NS_OUT" 10.1.0.12
check "out reaches 10.1.0.11 (ipvl1) again" ping_once "$NS_OUT" 10.1.0.11
check_err "10.1.0.12 still busy for ipvl0 after ipvl1's down/up" "$BUSY_RE" \
	ip -n "$NS1" addr add 10.1.0.12/32 dev ipvl0

# --- 73: 40 secondary /32s on one slave, each answered (one ping each)
N=40
batch=
targets=()
for ((i = 0; i < N; i++)); do
	targets+=("10.1.0.$((100 + i))")
	batch+="addr add ${targets[i]}/32 dev ipvl0"$'\n'
done
check "add $N /32s (10.1.0.100-$((100 + N - 1))) to ipvl0" \
	ip -n "$NS1" -batch - <<<"$batch"
check_eq "ipvl0 has the $N addresses" "$N" \
	"$(ip -n "$NS1" -4 -o addr show dev ipvl0 | grep -c ' 10\.1\.0\.1[0-9][0-9]/32 ')"
read -r -a before <<<"$(link_pkts "$NS1" ipvl0)"
t0=$SECONDS
# One shell in the outside netns runs the pings (no nsenter per ping).
# shellcheck disable=SC2016  # expanded by the inner shell
lost=$(ns_exec "$NS_OUT" bash -c 'for a; do
	ping -4 -n -q -c 1 -W 1 "$a" >/dev/null 2>&1 || printf " %s" "$a"
done' _ "${targets[@]}")
log "$N pings took $((SECONDS - t0)) s"
check_eq "out reaches each of the $N addresses with one ping (unanswered:$lost)" "" "$lost"
read -r -a after <<<"$(link_pkts "$NS1" ipvl0)"
check_gt "  ... through ipvl0: rx_packets rose by >= $N (${before[0]} -> ${after[0]})" \
	"$((after[0] - before[0] + 1))" "$N"

# --- 69: the master's own address on a slave is allowed (kept as in 6.1,
# Documentation/differences.rst) and takes the master's traffic: in L3 the
# port delivers by destination before the master's stack sees it.
mmac=$(link_field "$NS_HOST" "$MASTER" address)
check "the master's $HOST_IP4 on ipvl1 (ns2) is accepted" \
	ip -n "$NS2" addr add "$HOST_IP4/32" dev ipvl1
ip -n "$NS_OUT" neigh replace "$HOST_IP4" lladdr "$mmac" dev "$PEER" nud permanent ||
	die "static neighbour for $HOST_IP4"
read -r -a before <<<"$(link_pkts "$NS2" ipvl1)"
check "out pings $HOST_IP4" ping_once "$NS_OUT" "$HOST_IP4"
read -r -a after <<<"$(link_pkts "$NS2" ipvl1)"
check_gt "  ... and ipvl1 answered: its rx_packets rose (${before[0]} -> ${after[0]})" \
	"${after[0]}" "${before[0]}"
check "remove $HOST_IP4 from ipvl1" ip -n "$NS2" addr del "$HOST_IP4/32" dev ipvl1
read -r -a before <<<"$(link_pkts "$NS2" ipvl1)"
check "out pings $HOST_IP4 again (the master answers)" ping_once "$NS_OUT" "$HOST_IP4"
read -r -a after <<<"$(link_pkts "$NS2" ipvl1)"
check_eq "  ... and ipvl1 saw nothing" "${before[0]}" "${after[0]}"

tests_done
