#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# ipvlan master (port) events (spec section 12, items 44-46, 54, 56-59): a
# slave created in another netns and moved between netns (@ifN naming, still
# works); the master's MAC and MTU changes reach every slave (custom MTUs
# included, down slaves included); the master's carrier reaches the slaves;
# the master moved to another netns keeps its slaves and L3 traffic works;
# deleting the master deletes the slaves in every netns; a master type change
# (a gre enslaved to a bond that is an ipvlan master) is refused.
#
#   out:  veth1 10.0.0.2/24 <--> host: veth0 10.0.0.1/24 (the master)
#   ns1:  ipvl1 10.1.0.11/32 (l3)   ns2: ipvl2 10.1.0.12/32 (l3)
#   host: ipvl0 (down; created in ns1, moved to ns2, then to host)

. "$(dirname "$0")/lib.sh"

require_root
require_cmd ip ping ethtool
ipvlan_require

topo_outside
ns_create NS1 ns1
ns_create NS2 ns2
master_idx=$(link_field "$NS_HOST" "$MASTER" ifindex)

# oneline NS DEV: `ip -o link show dev DEV` in NS.
oneline() { ip -n "$1" -o link show dev "$2"; }

# out_restore: the outside's IPv6 address and routes to the slave networks
# (its veth going down deleted them).
out_restore() {
	ip -n "$NS_OUT" addr replace "$OUT_IP6/64" dev "$PEER" nodad &&
		ip -n "$NS_OUT" route replace "$SLAVE_NET4" via "$HOST_IP4" &&
		ip -n "$NS_OUT" -6 route replace "$SLAVE_NET6" via "$HOST_IP6"
}

# slave_conf NS DEV IP4: address, up, default route (after a netns move).
# shellcheck disable=SC2317  # called through check
slave_conf() {
	ip -n "$1" addr add "$3/32" dev "$2" &&
		ip -n "$1" link set "$2" up &&
		ip -n "$1" route add default dev "$2"
}

# --- 58/59: created in another netns, moved between netns
check "create ipvl0 directly in ns1" \
	ip -n "$NS_HOST" link add link "$MASTER" name ipvl0 netns "$NS1" type ipvlan mode l3
check_match "ipvl0 in ns1 shows @if$master_idx (the master's ifindex)" \
	"^[0-9]+: ipvl0@if$master_idx: " "$(oneline "$NS1" ipvl0)"
check "configure ipvl0 in ns1 (10.1.0.11)" slave_conf "$NS1" ipvl0 10.1.0.11
check "out reaches ipvl0 in ns1" ping_once "$NS_OUT" 10.1.0.11
check "move ipvl0 from ns1 to ns2" ip -n "$NS1" link set ipvl0 netns "$NS2"
check "ipvl0 is gone from ns1" link_absent "$NS1" ipvl0
check_match "ipvl0 in ns2 shows @if$master_idx" \
	"^[0-9]+: ipvl0@if$master_idx: " "$(oneline "$NS2" ipvl0)"
check_eq "ipvl0 in ns2: still an l3 ipvlan" "ipvlan l3" \
	"$(link_field "$NS2" ipvl0 info_kind mode)"
check "configure ipvl0 in ns2 (10.1.0.11)" slave_conf "$NS2" ipvl0 10.1.0.11
check "out reaches ipvl0 in ns2" ping_once "$NS_OUT" 10.1.0.11
check "ipvl0 in ns2 reaches out" ping_once "$NS2" "$OUT_IP4"
check "move ipvl0 from ns2 into the master's netns" \
	ip -n "$NS2" link set ipvl0 netns "$NS_HOST"
check_match "ipvl0 in the master's netns shows ipvl0@$MASTER" \
	"^[0-9]+: ipvl0@$MASTER: " "$(oneline "$NS_HOST" ipvl0)"

# The slaves for the rest: ipvl0 (host, down), ipvl1 (ns1), ipvl2 (ns2).
slave_add "$NS1" ipvl1 10.1.0.11 2001:db8:1::11 mode l3 || die "create ipvl1 in ns1"
slave_add "$NS2" ipvl2 10.1.0.12 2001:db8:1::12 mode l3 || die "create ipvl2 in ns2"
ALL=("$NS_HOST ipvl0" "$NS1 ipvl1" "$NS2 ipvl2")

# field_all KEY: KEY of ipvl0 ipvl1 ipvl2, space-separated.
field_all() {
	local p ns dev vals=()
	for p in "${ALL[@]}"; do
		read -r ns dev <<<"$p"
		vals+=("$(link_field "$ns" "$dev" "$1")")
	done
	printf '%s\n' "${vals[*]}"
}

# --- 45: the master's MAC reaches every slave
new_mac=02:5e:00:00:45:01
check "set the master's MAC to $new_mac" ip -n "$NS_HOST" link set "$MASTER" address "$new_mac"
check_eq "every slave (ns1, ns2, down in host) has MAC $new_mac" \
	"$new_mac $new_mac $new_mac" "$(field_all address)"
ip -n "$NS_OUT" neigh flush dev "$PEER"

# --- 46: the master's MTU overwrites every slave's MTU, custom ones too
{ ip -n "$NS_HOST" link set ipvl0 mtu 9000 && ip -n "$NS2" link set ipvl2 mtu 1300; } ||
	die "set custom slave MTUs"
check_eq "before: slave MTUs 9000 (custom, down) 1500 (default) 1300 (custom)" \
	"9000 1500 1300" "$(field_all mtu)"
check "set the master's MTU to 1400" ip -n "$NS_HOST" link set "$MASTER" mtu 1400
check_eq "every slave's MTU is 1400" "1400 1400 1400" "$(field_all mtu)"
ip -n "$NS1" link set ipvl1 mtu 1000 || die "set a custom MTU on ipvl1"
check "set the master's MTU to 1500" ip -n "$NS_HOST" link set "$MASTER" mtu 1500
check_eq "every slave's MTU is 1500 (ipvl1's custom 1000 too)" "1500 1500 1500" \
	"$(field_all mtu)"

# --- 54: the master's carrier (veth peer down/up) reaches the slaves
# shellcheck disable=SC2317  # called through check and wait_until
has_flag() { [[ "$(link_field "$1" "$2" flags)" == *"\"$3\""* ]]; }
check "set the veth peer down (the master loses its carrier)" \
	ip -n "$NS_OUT" link set "$PEER" down
check "ipvl1 becomes NO-CARRIER" wait_until 5 has_flag "$NS1" ipvl1 NO-CARRIER
check "ipvl2 becomes NO-CARRIER" wait_until 5 has_flag "$NS2" ipvl2 NO-CARRIER
# linkwatch updates the operstate after the carrier: wait for it too.  The
# core's RFC 2863 state for a device without carrier is LOWERLAYERDOWN when
# its iflink (the master's ifindex) differs from its own ifindex, else DOWN;
# ipvl0 is admin down (DOWN).
# shellcheck disable=SC2317  # called through wait_until
operstates_are() { [[ "$(field_all operstate)" == "$1" ]]; }
lower_down() {
	local idx
	idx=$(link_field "$1" "$2" ifindex)
	if [[ "$idx" == "$master_idx" ]]; then echo DOWN; else echo LOWERLAYERDOWN; fi
}
want="DOWN $(lower_down "$NS1" ipvl1) $(lower_down "$NS2" ipvl2)"
wait_until 5 operstates_are "$want"
check_eq "operstate of ipvl0 (admin down) ipvl1 ipvl2: $want" "$want" "$(field_all operstate)"
check_match "ethtool ipvl1: Link detected: no" 'Link detected: no' \
	"$(ns_exec "$NS1" ethtool ipvl1)"
check "set the veth peer up again" ip -n "$NS_OUT" link set "$PEER" up
out_restore || die "restore the outside's IPv6 address and routes"
check "ipvl1 is LOWER_UP again" wait_until 5 has_flag "$NS1" ipvl1 LOWER_UP
check "ipvl2 is LOWER_UP again" wait_until 5 has_flag "$NS2" ipvl2 LOWER_UP
wait_until 5 operstates_are "DOWN UP UP"
check_eq "operstate of ipvl0 (admin down) ipvl1 ipvl2: DOWN UP UP" "DOWN UP UP" \
	"$(field_all operstate)"
check "out reaches ipvl1 after the carrier came back" ping_once "$NS_OUT" 10.1.0.11

# --- 57: the master moves to another netns and keeps its slaves
ns_create NS_M2 host2
check "move the master $MASTER to netns host2" \
	ip -n "$NS_HOST" link set "$MASTER" netns "$NS_M2"
check "$MASTER is gone from the host netns" link_absent "$NS_HOST" "$MASTER"
check_eq "the slaves are still l3 ipvlans" "ipvlan ipvlan ipvlan l3 l3 l3" \
	"$(field_all info_kind) $(field_all mode)"
new_idx=$(link_field "$NS_M2" "$MASTER" ifindex)
check_match "ipvl0 (host) now shows @if$new_idx" "^[0-9]+: ipvl0@if$new_idx: " \
	"$(oneline "$NS_HOST" ipvl0)"
{
	ip -n "$NS_M2" addr add "$HOST_IP4/24" dev "$MASTER" &&
		ip -n "$NS_M2" link set "$MASTER" up
} || die "configure $MASTER in host2"
wait_until 5 has_flag "$NS1" ipvl1 LOWER_UP
check "after the move: out reaches ipvl1 (ns1)" ping_once "$NS_OUT" 10.1.0.11
check "after the move: ipvl2 (ns2) reaches out" ping_once "$NS2" "$OUT_IP4"
check "after the move: ipvl1 reaches ipvl2" ping_once "$NS1" 10.1.0.12

# --- 56: deleting the master deletes every slave, in every netns
check "delete the master $MASTER (in host2)" ip -n "$NS_M2" link del "$MASTER"
check "ipvl0 (host netns) is gone" link_absent "$NS_HOST" ipvl0
check "ipvl1 (ns1) is gone" link_absent "$NS1" ipvl1
check "ipvl2 (ns2) is gone" link_absent "$NS2" ipvl2

# --- 44: the master's type cannot change (NETDEV_PRE_TYPE_CHANGE vetoed):
# a bond with an ipvlan cannot take a gre as its first slave.  (Load bonding
# with max_bonds=0 so that it does not create a bond0 in the init netns.)
skip=
if ! module_loaded bonding && ! modprobe bonding max_bonds=0 >/dev/null 2>&1; then
	skip="the bonding module is not available"
elif ! module_loaded ip_gre && ! modprobe ip_gre >/dev/null 2>&1; then
	skip="the ip_gre module is not available"
elif ! ip -n "$NS_HOST" link add bond0 type bond 2>/dev/null; then
	skip="cannot create a bond"
elif ! ip -n "$NS_HOST" link add gre1 type gre local 192.0.2.1 remote 192.0.2.2 2>/dev/null; then
	skip="cannot create a gre device"
fi
if [[ -n "$skip" ]]; then
	tap_ok "master type change refused # SKIP $skip"
else
	check "create ipvb on bond0" \
		ip -n "$NS_HOST" link add link bond0 name ipvb type ipvlan mode l3
	mark=$(kmsg_mark)
	check_err "enslaving gre1 to bond0 (type change of an ipvlan master): EBUSY" \
		'Device or resource busy' ip -n "$NS_HOST" link set gre1 master bond0
	check_match "kernel log: bond0 refused to change device type" \
		'refused to change device type' "$(kmsg_since "$mark")"
	check_eq "bond0 is still an ether device, ipvb still on it" "ether ether bond0" \
		"$(link_field "$NS_HOST" bond0 link_type) $(link_field "$NS_HOST" ipvb link_type link)"
	check_eq "gre1 has no master" "-" "$(link_field "$NS_HOST" gre1 master)"
fi

tests_done
