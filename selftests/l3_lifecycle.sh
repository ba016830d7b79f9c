#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# ipvlan L3 slave lifecycle: create (default mode = l3 bridge, explicit l3,
# directly in another netns), naming, MAC, NOARP, upper/lower links; delete a
# slave (master and siblings untouched); the port holds the master's
# rx_handler while slaves exist (no bridge port) and frees it with the last
# slave; deleting the master deletes every slave.

. "$(dirname "$0")/lib.sh"

require_root
require_cmd ip
require_python
ipvlan_require

M=dummy0
EBUSY_RE='Device or resource busy'
ns_create H host
ns_create N1 ns1

ip -n "$H" link add "$M" type dummy || skip_all "cannot create a dummy device"
ip -n "$H" link set "$M" up || die "set $M up"
ip -n "$H" link add br0 type bridge || skip_all "cannot create a bridge device"
master_mac=$(link_field "$H" "$M" address)
master_idx=$(link_field "$H" "$M" ifindex)

# Can the master be enslaved to a bridge right now?  (It cannot while an
# ipvlan port owns its rx_handler.)
# shellcheck disable=SC2317  # called through check_err
bridge_port_try() {
	ip -n "$H" link set "$M" master br0 || return 1
	ip -n "$H" link set "$M" nomaster
}

# --- create
check "create ipvl0 on $M without a mode" \
	ip -n "$H" link add link "$M" name ipvl0 type ipvlan
check_eq "ipvl0 kind" "ipvlan" "$(link_field "$H" ipvl0 info_kind)"
check_eq "default mode is l3" "l3" "$(link_field "$H" ipvl0 mode)"
check_eq "default flag is bridge" "true" \
	"$(link_field "$H" ipvl0 bridge)"
check_match "ip link shows ipvl0@$M" "^[0-9]+: ipvl0@$M: " \
	"$(ip -n "$H" -o link show dev ipvl0)"
check_eq "ipvl0 link (master) is $M" "$M" "$(link_field "$H" ipvl0 link)"
check_eq "ipvl0 MAC is the master's MAC" "$master_mac" "$(link_field "$H" ipvl0 address)"
check "ipvl0 can be set up" ip -n "$H" link set ipvl0 up
check_match "ipvl0 is NOARP once up in l3" '"NOARP"' "$(link_field "$H" ipvl0 flags)"
check "sysfs: $M has upper_ipvl0" \
	ns_sysfs_exec "$H" test -L "/sys/class/net/$M/upper_ipvl0"
check "sysfs: ipvl0 has lower_$M" \
	ns_sysfs_exec "$H" test -L "/sys/class/net/ipvl0/lower_$M"

check "create ipvl1 on $M with mode l3" \
	ip -n "$H" link add link "$M" name ipvl1 type ipvlan mode l3
check_eq "ipvl1 mode is l3" "l3" "$(link_field "$H" ipvl1 mode)"
check_eq "ipvl1 MAC is the master's MAC" "$master_mac" "$(link_field "$H" ipvl1 address)"
check "ipvl1 can be set up" ip -n "$H" link set ipvl1 up

check "create ipvl2 directly in another netns" \
	ip -n "$H" link add link "$M" name ipvl2 netns "$N1" type ipvlan mode l3
check_match "ipvl2 in the other netns shows @if<master ifindex>" \
	"^[0-9]+: ipvl2@if$master_idx: " "$(ip -n "$N1" -o link show dev ipvl2)"
check_match "ipvl2 reports a link-netnsid" '^[0-9]+$' \
	"$(link_field "$N1" ipvl2 link_netnsid)"
check_eq "ipvl2 MAC is the master's MAC" "$master_mac" "$(link_field "$N1" ipvl2 address)"

# --- the port owns the master's rx_handler
check_err "$M cannot become a bridge port while it has slaves (EBUSY)" \
	"$EBUSY_RE" bridge_port_try
check_err "a macvlan on $M is refused while it has slaves (EBUSY)" "$EBUSY_RE" \
	ip -n "$H" link add link "$M" name mv0 type macvlan

# --- delete one slave
check "delete ipvl0" ip -n "$H" link del ipvl0
check "ipvl0 is gone" link_absent "$H" ipvl0
check "master $M still exists" link_exists "$H" "$M"
check_match "master $M is still up" '"UP"' "$(link_field "$H" "$M" flags)"
check_eq "sibling ipvl1 still an ipvlan on $M" "ipvlan $M l3" \
	"$(link_field "$H" ipvl1 info_kind link mode)"
check_match "sibling ipvl1 is still up" '"UP"' "$(link_field "$H" ipvl1 flags)"
check "sibling ipvl2 (other netns) still exists" link_exists "$N1" ipvl2
check_fail "sysfs: upper_ipvl0 is gone from $M" \
	ns_sysfs_exec "$H" test -e "/sys/class/net/$M/upper_ipvl0"
check_err "$M still cannot become a bridge port (2 slaves left)" "$EBUSY_RE" \
	bridge_port_try

# --- delete the last slaves: the port goes away
check "delete ipvl1" ip -n "$H" link del ipvl1
check "delete ipvl2 (other netns)" ip -n "$N1" link del ipvl2
check_eq "no ipvlan device left" "" "$(ipvlan_links "$H")$(ipvlan_links "$N1")"
check "master $M still exists" link_exists "$H" "$M"
check_eq "$M has no upper device left" "" \
	"$(ns_sysfs_exec "$H" sh -c "ls -d /sys/class/net/$M/upper_* 2>/dev/null")"
check "$M can become a bridge port after the last slave is deleted" \
	ip -n "$H" link set "$M" master br0
check_eq "no ipvlan on $M while it is a bridge port: EBUSY" "EBUSY" \
	"$(ipvlan_nl "$H" newlink --link "$M" --name ipvl0 --mode 1 --flags 0)"
check "  ... and no ipvl0 was created" link_absent "$H" ipvl0
check "$M leaves the bridge" ip -n "$H" link set "$M" nomaster

# --- the master is reusable, and deleting it deletes every slave
check "create ipvl0 on $M again" \
	ip -n "$H" link add link "$M" name ipvl0 type ipvlan mode l3
check_eq "new port: mode l3" "l3" "$(link_field "$H" ipvl0 mode)"
check "create ipvl1 in the other netns" \
	ip -n "$H" link add link "$M" name ipvl1 netns "$N1" type ipvlan mode l3
check "delete the master $M" ip -n "$H" link del "$M"
check "ipvl0 went away with the master" link_absent "$H" ipvl0
check "ipvl1 (other netns) went away with the master" link_absent "$N1" ipvl1

tests_done
