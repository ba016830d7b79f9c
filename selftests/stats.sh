#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# ipvlan statistics and rx-mode propagation (spec section 12, items 35, 50-52,
# 62, 63): no `ethtool -S`, software timestamping only (`ethtool -T`); rx
# bytes count skb->len + 14; multicast receive counts in the multicast
# column (L2); broadcast/multicast sent by an L3 slave counts as tx_dropped;
# promisc on a slave leaves the master's promiscuity alone; a group joined on
# a slave shows in the master's `ip maddr`.
#
#   out:  veth1 10.0.0.2/24 <--> host: veth0 10.0.0.1/24 (the master)
#   ns1:  ipvl0 10.1.0.11/32, IPv6 disabled (no IPv6 multicast noise in the
#         counters)      ns2: ipvl1 10.1.0.12/32
#   The port is l2 first (35, 51, 62, 63), then l3 (50, 52).

. "$(dirname "$0")/lib.sh"

require_root
require_cmd ip ping ethtool socat
ipvlan_require

GROUP=239.1.2.3
GROUP_MAC=01:00:5e:01:02:03

topo_outside
ns_create NS1 ns1
ns_create NS2 ns2
ns_exec "$NS1" bash -c 'echo 1 >/proc/sys/net/ipv6/conf/default/disable_ipv6 &&
	echo 0 >/proc/sys/net/ipv4/icmp_echo_ignore_broadcasts' || die "sysctls in ns1"
# mk_slave NS NAME IP4: an l2 slave in NS with IP4/32 and a default route.
mk_slave() {
	ip -n "$NS_HOST" link add link "$MASTER" name "$2" netns "$1" type ipvlan mode l2 &&
		ip -n "$1" -b - <<-EOF
			addr add $3/32 dev $2
			link set $2 up
			route add default dev $2
		EOF
}
mk_slave "$NS1" ipvl0 10.1.0.11 || die "create ipvl0 in ns1"
mk_slave "$NS2" ipvl1 10.1.0.12 || die "create ipvl1 in ns2"

# ctr NS DEV KEY...: the counters KEY (rx_bytes, tx_dropped, ...) of DEV,
# space-separated, from one ip call.
ctr() {
	local -A st
	local k vals=()
	link_stats st "$1" "$2" || return 1
	shift 2
	for k in "$@"; do vals+=("${st[$k]:--}"); done
	printf '%s\n' "${vals[*]}"
}

# --- 35: no ethtool statistics; software timestamping only
check_err "[35] ethtool -S ipvl0: no stats available" "no stats available" \
	ns_exec "$NS1" ethtool -S ipvl0
ts=$(ns_exec "$NS1" ethtool -T ipvl0)
caps=() in_caps=0
while IFS= read -r line; do
	if [[ "$line" == Capabilities:* ]]; then
		in_caps=1
	elif ((in_caps)) && [[ "$line" =~ ^[[:space:]]+([^[:space:]]+) ]]; then
		caps+=("${BASH_REMATCH[1]}")
	else
		in_caps=0
	fi
done <<<"$ts"
check_eq "[35] ethtool -T ipvl0: capabilities software-receive and software-system-clock only" \
	"software-receive software-system-clock" "${caps[*]}"
check_match "[35] ethtool -T ipvl0: no PTP hardware clock" \
	"PTP Hardware Clock: none" "$ts"

# --- 62: promisc on a slave does not change the master's promiscuity
check_eq "master's promiscuity is 0" 0 "$(link_field "$NS_HOST" "$MASTER" promiscuity)"
check "set ipvl0 promisc on" ip -n "$NS1" link set ipvl0 promisc on
check_eq "[62] ipvl0's promiscuity is 1" 1 "$(link_field "$NS1" ipvl0 promiscuity)"
check_eq "[62] the master's promiscuity is still 0" 0 \
	"$(link_field "$NS_HOST" "$MASTER" promiscuity)"
check "set ipvl0 promisc off" ip -n "$NS1" link set ipvl0 promisc off
check_eq "[62] ipvl0's promiscuity is 0 again" 0 "$(link_field "$NS1" ipvl0 promiscuity)"

# --- 63: a group joined on a slave (a socket's membership) appears in the
# master's link-layer multicast list; it goes away once the slave leaves.
# has_maddr / lacks_maddr NS DEV MAC (both fail if DEV cannot be listed)
# shellcheck disable=SC2317  # called through wait_until
has_maddr() { [[ "$(ip -n "$1" maddr show dev "$2")" == *"link  $3"* ]]; }
# shellcheck disable=SC2317  # called through wait_until
lacks_maddr() {
	local m
	m=$(ip -n "$1" maddr show dev "$2") && [[ "$m" != *"link  $3"* ]]
}
check "the master does not have $GROUP_MAC yet" lacks_maddr "$NS_HOST" "$MASTER" "$GROUP_MAC"
bg_start mc "$NS1" socat -u "UDP4-RECV:5000,reuseaddr,ip-add-membership=$GROUP:ipvl0" STDOUT ||
	die "start the multicast receiver in ns1"
wait_until 10 has_maddr "$NS1" ipvl0 "$GROUP_MAC"
check "ipvl0 joined $GROUP ($GROUP_MAC)" has_maddr "$NS1" ipvl0 "$GROUP_MAC"
wait_until 5 has_maddr "$NS_HOST" "$MASTER" "$GROUP_MAC"
check "[63] the master's ip maddr lists $GROUP_MAC" has_maddr "$NS_HOST" "$MASTER" "$GROUP_MAC"

# --- 51 (l2): multicast received by the joined slave counts in the
# multicast column (3 pings to the group from the outside)
read -r m0 p0 <<<"$(ctr "$NS1" ipvl0 rx_multicast rx_packets)"
ns_exec "$NS_OUT" ping -n -q -c 3 -i 0.3 -W 1 -I "$PEER" "$GROUP" >/dev/null 2>&1
read -r m1 p1 <<<"$(ctr "$NS1" ipvl0 rx_multicast rx_packets)"
check_gt "[51] ipvl0's multicast counter rose by 3 or more ($m0 -> $m1)" "$((m1 + 0))" "$((m0 + 2))"
check_gt "[51]   ... and rx_packets too ($p0 -> $p1)" "$((p1 + 0))" "$((p0 + 2))"

bg_stop mc
wait_until 5 lacks_maddr "$NS_HOST" "$MASTER" "$GROUP_MAC"
check "[63] after the slave left, the master's ip maddr no longer lists $GROUP_MAC" \
	lacks_maddr "$NS_HOST" "$MASTER" "$GROUP_MAC"

# ===================================================================== L3
check "set the port to l3" ip -n "$NS1" link set ipvl0 type ipvlan mode l3

# --- 50: rx bytes = skb->len + 14.  From the outside (rx_handler) skb->len
# is the IP length: a 100-byte ping is a 128-byte IP packet, counted 142.
# Slave->slave (local delivery from the sender's xmit) skb->len already holds
# the Ethernet header: 142 + 14 = 156.  tx bytes = the frame, 142.
read -r rb0 rp0 tb0 tp0 <<<"$(ctr "$NS1" ipvl0 rx_bytes rx_packets tx_bytes tx_packets)"
check "outside pings 10.1.0.11 with 100 bytes" \
	ns_exec "$NS_OUT" ping -n -q -c 1 -W 2 -s 100 10.1.0.11
read -r rb1 rp1 tb1 tp1 <<<"$(ctr "$NS1" ipvl0 rx_bytes rx_packets tx_bytes tx_packets)"
check_eq "[50] external->slave: ipvl0 rx +1 packet, +142 bytes (128 + 14)" "1 142" \
	"$((rp1 - rp0)) $((rb1 - rb0))"
check_eq "[50]   ... its reply: tx +1 packet, +142 bytes" "1 142" "$((tp1 - tp0)) $((tb1 - tb0))"

read -r rb0 rp0 <<<"$(ctr "$NS2" ipvl1 rx_bytes rx_packets)"
check "ns1 pings 10.1.0.12 (ns2) with 100 bytes" \
	ns_exec "$NS1" ping -n -q -c 1 -W 2 -s 100 10.1.0.12
read -r rb1 rp1 <<<"$(ctr "$NS2" ipvl1 rx_bytes rx_packets)"
check_eq "[50] slave->slave: ipvl1 rx +1 packet, +156 bytes (142-byte frame + 14)" "1 156" \
	"$((rp1 - rp0)) $((rb1 - rb0))"

# --- 52: broadcast and multicast sent by an L3 slave are dropped and
# counted as tx_dropped (not as tx_packets)
read -r d0 tp0 <<<"$(ctr "$NS1" ipvl0 tx_dropped tx_packets)"
ns_exec "$NS1" ping -b -n -q -c 2 -i 0.3 -W 1 255.255.255.255 >/dev/null 2>&1
read -r d1 tp1 <<<"$(ctr "$NS1" ipvl0 tx_dropped tx_packets)"
check_gt "[52] L3 broadcast (2 pings to 255.255.255.255): tx_dropped +2 or more ($d0 -> $d1)" \
	"$((d1 + 0))" "$((d0 + 1))"
check_eq "[52]   ... tx_packets unchanged" "$tp0" "$tp1"
ns_exec "$NS1" ping -n -q -c 2 -i 0.3 -W 1 "$GROUP" >/dev/null 2>&1
read -r d2 tp2 <<<"$(ctr "$NS1" ipvl0 tx_dropped tx_packets)"
check_gt "[52] L3 multicast (2 pings to $GROUP): tx_dropped +2 or more ($d1 -> $d2)" \
	"$((d2 + 0))" "$((d1 + 1))"
check_eq "[52]   ... tx_packets unchanged" "$tp1" "$tp2"

# --- 53: a failed local delivery (the receiving slave's MTU is too small
# for the sibling's packet) counts once in the driver's receive error
# counter, which stats64 reports both as rx_errors and as rx_dropped; the
# core's own drop in dev_forward_skb adds one more rx_dropped.
check "ipvl1 mtu 1280" ip -n "$NS2" link set ipvl1 mtu 1280
read -r e0 dr0 <<<"$(ctr "$NS2" ipvl1 rx_errors rx_dropped)"
ns_exec "$NS1" ping -n -q -c 1 -W 1 -s 1400 10.1.0.12 >/dev/null 2>&1
read -r e1 dr1 <<<"$(ctr "$NS2" ipvl1 rx_errors rx_dropped)"
check_eq "[53] ipvl1 rx_errors +1 for the oversize packet from ipvl0" 1 "$((e1 - e0))"
check_eq "[53] ipvl1 rx_dropped +2: the same error, plus the core's drop" 2 "$((dr1 - dr0))"

tests_done
