#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `rmmod ipvlan` while slaves exist (in several netns, on two masters, one
# port in l3 and one in l3s, after traffic): rmmod succeeds, every slave is
# gone, the masters survive and work (traffic over the veth, the rx_handler
# is free again, no reference is leaked), the kernel log stays clean; then the
# module is loaded again and a new slave works.  The module is left loaded.

. "$(dirname "$0")/lib.sh"

require_root
require_cmd ip ping rmmod
ipvlan_require
# Whatever happens, leave the selected driver loaded for the next test.
on_exit ipvlan_ensure_loaded

# Refuse to unload a module that something else depends on (e.g. ipvtap of
# another implementation): that is an environment problem, not a test result.
holders=
for h in /sys/module/ipvlan/holders/*; do
	[[ -e "$h" && "${h##*/}" != ipvtap ]] && holders+=" ${h##*/}"
done
[[ -z "$holders" ]] || skip_all "ipvlan is held by:$holders"

topo_outside
ns_create NS1 ns1
ns_create NS2 ns2
ns_create NS3 ns3
slave_add "$NS1" ipvl0 10.1.0.11 2001:db8:1::11 mode l3 || die "create ipvl0 in ns1"
slave_add "$NS2" ipvl1 10.1.0.12 2001:db8:1::12 mode l3 || die "create ipvl1 in ns2"
{
	ip -n "$NS_HOST" link add link "$MASTER" name ipvl2 type ipvlan mode l3 &&
		ip -n "$NS_HOST" link set ipvl2 up
} || die "create ipvl2 in the host netns"
# A second master whose port is in l3s (netfilter hooks registered).
{
	ip -n "$NS_HOST" link add dummy0 type dummy &&
		ip -n "$NS_HOST" link set dummy0 up
} || die "create dummy0"
{
	ip -n "$NS_HOST" link add link dummy0 name ipvl3 netns "$NS3" type ipvlan mode l3s &&
		ip -n "$NS3" addr add 10.2.0.13/32 dev ipvl3 &&
		ip -n "$NS3" link set ipvl3 up
} || die "create ipvl3 (l3s) in ns3"

# A third master whose port is in l2, with broadcasts queued for deferred
# delivery while the module goes away: a flood from its slave ipvl4 (ns1).
{
	ip -n "$NS_HOST" link add veth2 type veth peer name veth3 netns "$NS_OUT" &&
		ip -n "$NS_HOST" link set veth2 up &&
		ip -n "$NS_OUT" link set veth3 up &&
		ip -n "$NS_HOST" link add link veth2 name ipvl4 netns "$NS1" type ipvlan mode l2 &&
		ip -n "$NS_HOST" link add link veth2 name ipvl5 netns "$NS2" type ipvlan mode l2 &&
		ip -n "$NS1" addr add 10.3.0.14/24 dev ipvl4 &&
		ip -n "$NS2" addr add 10.3.0.15/24 dev ipvl5 &&
		ip -n "$NS1" link set ipvl4 up &&
		ip -n "$NS2" link set ipvl5 up
} || die "create the l2 port on veth2"
bg_start flood "$NS1" ping -q -b -f -w 60 -I ipvl4 10.3.0.255
# shellcheck disable=SC2317  # called through wait_until
flood_arrived() {
	local rx _tx
	read -r rx _tx <<<"$(link_pkts "$NS2" ipvl5)" && ((rx > 100))
}
wait_until 10 flood_arrived || log "the broadcast flood is slow to reach ipvl5"

check "before rmmod: outside reaches the ns1 slave" ping_once "$NS_OUT" 10.1.0.11
check "before rmmod: ns2 slave reaches the outside (IPv6)" ping_once "$NS2" "$OUT_IP6"
check_eq "before rmmod: ipvlan devices in all netns" "ipvl0 ipvl4 ipvl1 ipvl5 ipvl2 ipvl3" \
	"$(for ns in "$NS1" "$NS2" "$NS_HOST" "$NS3"; do ipvlan_links "$ns"; done | join_lines)"

# --- rmmod with live slaves
mark=$(kmsg_mark)
t0=$(date +%s%N)
check "before rmmod: the l2 broadcast flood reaches ipvl5" flood_arrived
check "rmmod ipvlan with 6 live slaves (one port flooding) succeeds" ipvlan_unload
t1=$(date +%s%N)
log "rmmod took $(((t1 - t0) / 1000000)) ms"
check_fail "ipvlan is no longer loaded" ipvlan_loaded
for pair in "$NS1 ipvl0" "$NS2 ipvl1" "$NS_HOST ipvl2" "$NS3 ipvl3" "$NS1 ipvl4" "$NS2 ipvl5"; do
	read -r ns dev <<<"$pair"
	label=${ns#ipvl-}
	check "$dev is gone from netns ${label%%-*}" link_absent "$ns" "$dev"
done
check_eq "no ipvlan device left in any netns" "" \
	"$(for ns in "$NS1" "$NS2" "$NS_HOST" "$NS3"; do ipvlan_links "$ns"; done)"
check "master $MASTER still exists" link_exists "$NS_HOST" "$MASTER"
check "master dummy0 still exists" link_exists "$NS_HOST" dummy0
check_match "master $MASTER is still up" '"UP"' "$(link_field "$NS_HOST" "$MASTER" flags)"
check_eq "$MASTER has no upper device left" "" \
	"$(ns_sysfs_exec "$NS_HOST" sh -c "ls -d /sys/class/net/$MASTER/upper_* 2>/dev/null")"

# --- the master works again
check "IPv4: host pings the outside over $MASTER" ping_once "$NS_HOST" "$OUT_IP4"
check "IPv6: host pings the outside over $MASTER" ping_once "$NS_HOST" "$OUT_IP6"
check "IPv4: outside pings the host" ping_once "$NS_OUT" "$HOST_IP4"
check_fail "the ex-slave address 10.1.0.11 is no longer answered" \
	ping_once "$NS_OUT" 10.1.0.11
check "$MASTER's rx_handler is free: it can become a bridge port" \
	ip -n "$NS_HOST" link add br0 type bridge
check "  ... ip link set $MASTER master br0" ip -n "$NS_HOST" link set "$MASTER" master br0
check "  ... and leave it" ip -n "$NS_HOST" link set "$MASTER" nomaster
ip -n "$NS_HOST" link del br0

# No reference on the ex-master may be left: deleting it must complete
# (a leaked reference makes unregister wait forever, "waiting for dummy0").
ip -n "$NS_HOST" link del dummy0 &
del_pid=$!
for ((i = 0; i < 100; i++)); do
	kill -0 "$del_pid" 2>/dev/null || break
	sleep 0.1
done
if kill -0 "$del_pid" 2>/dev/null; then
	tap_not_ok "deleting the ex-master dummy0 completes within 10 s"
else
	wait "$del_pid"
	check_eq "deleting the ex-master dummy0 completes within 10 s (rc)" 0 "$?"
fi

klog=$(kmsg_since "$mark")
check_nomatch "kernel log: no 'waiting for device' / WARNING / BUG since rmmod" \
	'unregister_netdevice: waiting|WARNING:|BUG:|Oops|refcount_t|Call Trace' "$klog"

# --- reload and use again
check "reload the driver: $(ipvlan_driver_desc)" ipvlan_load
check "the loaded driver is the selected one" ipvlan_check_identity
check "create a slave again after reload" \
	slave_add "$NS1" ipvl0 10.1.0.11 2001:db8:1::11 mode l3
check_eq "new slave is an l3 ipvlan" "ipvlan l3" \
	"$(link_field "$NS1" ipvl0 info_kind mode)"
check "IPv4: the new slave reaches the outside" ping_once "$NS1" "$OUT_IP4"
check "IPv4: the outside reaches the new slave" ping_once "$NS_OUT" 10.1.0.11
check "IPv6: the outside reaches the new slave" ping_once "$NS_OUT" 2001:db8:1::11

tests_done
