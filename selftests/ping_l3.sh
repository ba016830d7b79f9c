#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# ipvlan L3 data path, IPv4 and IPv6: slave<->slave, slave->outside and
# outside->slave pings.  Each ping is guarded by the counters of the ipvlan
# slaves (the packets really went through them), and a final negative check
# shows that the outside cannot reach a slave that is down, i.e. nothing but
# the slave answers for its address.
#
#   ns1: ipvl0 10.1.0.11/32 2001:db8:1::11/128 \
#                                                > ipvlan l3 on veth0 (host)
#   ns2: ipvl1 10.1.0.12/32 2001:db8:1::12/128 /
#   host: veth0 10.0.0.1/24 2001:db8::1/64 <--> out: veth1 10.0.0.2/24 2001:db8::2/64

. "$(dirname "$0")/lib.sh"

require_root
require_cmd ip ping
ipvlan_require

S1_IP4=10.1.0.11
S2_IP4=10.1.0.12
S1_IP6=2001:db8:1::11
S2_IP6=2001:db8:1::12

topo_outside
ns_create NS1 ns1
ns_create NS2 ns2
slave_add "$NS1" ipvl0 "$S1_IP4" "$S1_IP6" mode l3 || die "create ipvl0 in ns1"
slave_add "$NS2" ipvl1 "$S2_IP4" "$S2_IP6" mode l3 || die "create ipvl1 in ns2"
check_eq "port mode is l3" "l3" "$(link_field "$NS1" ipvl0 mode)"

# ping_via DESC FROM-NS ADDR [NS DEV DIR]...: ping ADDR from FROM-NS, then
# check that the counter DIR (rx or tx) of each listed device went up.
ping_via() {
	local desc=$1 from=$2 addr=$3 i n
	shift 3
	local -a before=() spec=("$@")
	for ((i = 0; i < ${#spec[@]}; i += 3)); do
		before+=("$(link_pkts "${spec[i]}" "${spec[i + 1]}")")
	done
	check "$desc" ping_once "$from" "$addr"
	for ((i = 0, n = 0; i < ${#spec[@]}; i += 3, n++)); do
		local ns=${spec[i]} dev=${spec[i + 1]} dir=${spec[i + 2]} b a
		read -r -a b <<<"${before[n]}"
		read -r -a a <<<"$(link_pkts "$ns" "$dev")"
		if [[ "$dir" == rx ]]; then
			check_gt "  ... went through $dev (rx_packets ${b[0]} -> ${a[0]})" "${a[0]}" "${b[0]}"
		else
			check_gt "  ... went through $dev (tx_packets ${b[1]} -> ${a[1]})" "${a[1]}" "${b[1]}"
		fi
	done
}

for fam in 4 6; do
	if [[ $fam == 4 ]]; then
		s1=$S1_IP4 s2=$S2_IP4 out=$OUT_IP4
	else
		s1=$S1_IP6 s2=$S2_IP6 out=$OUT_IP6
	fi
	ping_via "IPv$fam slave->slave: ns1 pings $s2" "$NS1" "$s2" \
		"$NS1" ipvl0 tx "$NS2" ipvl1 rx "$NS2" ipvl1 tx "$NS1" ipvl0 rx
	ping_via "IPv$fam slave->slave: ns2 pings $s1" "$NS2" "$s1" \
		"$NS2" ipvl1 tx "$NS1" ipvl0 rx
	ping_via "IPv$fam slave->outside: ns1 pings $out" "$NS1" "$out" \
		"$NS1" ipvl0 tx "$NS1" ipvl0 rx "$NS_OUT" "$PEER" rx
	ping_via "IPv$fam slave->outside: ns2 pings $out" "$NS2" "$out" \
		"$NS2" ipvl1 tx "$NS2" ipvl1 rx
	ping_via "IPv$fam outside->slave: out pings $s1" "$NS_OUT" "$s1" \
		"$NS1" ipvl0 rx "$NS1" ipvl0 tx
	ping_via "IPv$fam outside->slave: out pings $s2" "$NS_OUT" "$s2" \
		"$NS2" ipvl1 rx "$NS2" ipvl1 tx
done

# Negative guard: with ipvl0 down (its IPv4 address stays configured but is
# no longer served) the outside gets no answer, and it does once it is up.
check "set ipvl0 down" ip -n "$NS1" link set ipvl0 down
check_fail "IPv4 outside->slave fails while ipvl0 is down" ping_once "$NS_OUT" "$S1_IP4"
check "IPv4 outside->slave still reaches the sibling ipvl1" ping_once "$NS_OUT" "$S2_IP4"
check "set ipvl0 up again" ip -n "$NS1" link set ipvl0 up
ip -n "$NS1" route replace default dev ipvl0 || die "restore the ns1 default route"
check "IPv4 outside->slave works again after up" ping_once "$NS_OUT" "$S1_IP4"

tests_done
