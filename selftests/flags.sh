#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# ipvlan port flags (spec section 12, items 101-105), in L2 and L3:
# private drops slave<->slave unicast (the sender's tx_dropped rises) but not
# external traffic, and not broadcast (an ARP request still reaches the
# sibling: kept from 6.1 on purpose); vepa sends slave->slave frames out of
# the master: in L2 with src MAC == dst MAC == the master's, in L3 routed by
# the master's netns; private|vepa together is EINVAL (raw netlink, flags 3).
#
#   out:  veth1 10.0.0.2/24 <--> host: veth0 10.0.0.1/24 (the master)
#   L2:   ns1 ipvl0 10.0.0.11/24   ns2 ipvl1 10.0.0.12/24
#   L3:   ns1 ipvl0 10.1.0.11/32   ns2 ipvl1 10.1.0.12/32 (new slaves)

. "$(dirname "$0")/lib.sh"

require_root
require_cmd ip ping tcpdump
require_python
ipvlan_require

topo_outside
ns_create NS1 ns1
ns_create NS2 ns2
MAC=$(link_field "$NS_HOST" "$MASTER" address)
PEER_MAC=$(link_field "$NS_OUT" "$PEER" address)
[[ "$MAC" =~ ^([0-9a-f]{2}:){5}[0-9a-f]{2}$ && "$PEER_MAC" =~ ^([0-9a-f]{2}:){5}[0-9a-f]{2}$ ]] ||
	die "read the MACs ('$MAC' '$PEER_MAC')"

# port_of NS DEV: "MODE FLAG" of DEV's port as `ip -d -j link` shows it.
port_of() {
	local j re='"info_data":\{"mode":"([a-z0-9]+)","([a-z]+)":true\}'
	j=$(link_json "$1" "$2") || return 1
	[[ "$j" =~ $re ]] && printf '%s %s\n' "${BASH_REMATCH[1]}" "${BASH_REMATCH[2]}"
}

# tx_dropped NS DEV
tx_dropped() {
	local -A st
	link_stats st "$1" "$2" && printf '%s\n' "${st[tx_dropped]}"
}

# ping_n NS ADDR: one echo request, 1 s to answer (for pings that must fail).
# shellcheck disable=SC2317  # called through check
ping_n() { ns_exec "$1" ping -n -q -c 1 -W 1 "$2"; }

# check_priv_vepa_einval NS DEV "MODE FLAG" LABEL MODE-NUM: flags 3 refused by
# changelink (on DEV in NS) and newlink (on the master, with MODE-NUM), and
# the port still "MODE FLAG".
check_priv_vepa_einval() {
	local ns=$1 dev=$2 now=$3 mode=$4 modenum=$5
	check_eq "[105] $mode: changelink flags 3 (private|vepa): EINVAL" "EINVAL" \
		"$(ipvlan_nl "$ns" changelink --dev "$dev" --flags 3)"
	check_eq "[105] $mode: newlink flags 3 (private|vepa): EINVAL" "EINVAL" \
		"$(ipvlan_nl "$NS_HOST" newlink --link "$MASTER" --name ipvlx --mode "$modenum" --flags 3)"
	check_eq "[105] $mode:   ... the port is unchanged ($now)" "$now" "$(port_of "$ns" "$dev")"
	check "[105] $mode:   ... and no ipvlx was created" link_absent "$NS_HOST" ipvlx
}

cap_start wire "$NS_OUT" "$PEER" -e 'arp or icmp' || die "capture on $PEER"

# ===================================================================== L2
l2_slave() {
	ip -n "$NS_HOST" link add link "$MASTER" name "$2" netns "$1" type ipvlan mode l2 private &&
		ip -n "$1" -b - <<-EOF
			addr add $3/24 dev $2
			link set $2 up
		EOF
}
l2_slave "$NS1" ipvl0 10.0.0.11 || die "create ipvl0 (l2 private) in ns1"
l2_slave "$NS2" ipvl1 10.0.0.12 || die "create ipvl1 (l2 private) in ns2"
check_eq "L2 port: l2 private" "l2 private" "$(port_of "$NS1" ipvl0)"
cap_start s1 "$NS1" ipvl0 arp || die "capture on ipvl0"
cap_start s2 "$NS2" ipvl1 arp || die "capture on ipvl1"

# --- 101 L2 private: unicast between the slaves is dropped at the sender
# (a static neighbour makes ns1 send the echo request itself); external
# traffic works.
check "ns1: static neighbour 10.0.0.12 -> the master's MAC" \
	ip -n "$NS1" neigh replace 10.0.0.12 lladdr "$MAC" dev ipvl0 nud permanent
d0=$(tx_dropped "$NS1" ipvl0)
check_fail "[101] L2 private: ns1 -> 10.0.0.12 (ns2) fails" ping_n "$NS1" 10.0.0.12
d1=$(tx_dropped "$NS1" ipvl0)
check_gt "[101] L2 private:   ... ns1's tx_dropped rose ($d0 -> $d1)" "$d1" "${d0:-x}"
check "[101] L2 private: ns1 -> outside works" ping_once "$NS1" "$OUT_IP4"
check "[101] L2 private: outside -> ns2 works" ping_once "$NS_OUT" 10.0.0.12

# --- 102 L2 private: ns2's ARP request (broadcast) still reaches ns1, whose
# unicast reply is then dropped (ns1's tx_dropped).
d0=$(tx_dropped "$NS1" ipvl0)
check_fail "[102] L2 private: ns2 -> 10.0.0.11 (ns1, ARP) fails" ping_n "$NS2" 10.0.0.11
d1=$(tx_dropped "$NS1" ipvl0)
wait_until 3 bg_has s1 "Reply 10\.0\.0\.11 is-at"
check_match "[102] L2 private: ns2's ARP request for 10.0.0.11 reached ipvl0 (ns1)" \
	"Request who-has 10\.0\.0\.11 tell 10\.0\.0\.12" "$(bg_out s1)"
check_match "[102] L2 private:   ... ns1 answered it" \
	"Reply 10\.0\.0\.11 is-at $MAC" "$(bg_out s1)"
check_gt "[102] L2 private:   ... the unicast reply was dropped at ns1 (tx_dropped $d0 -> $d1)" \
	"$d1" "${d0:-x}"
wait_until 3 bg_has s2 "Request who-has 10\.0\.0\.11 tell 10\.0\.0\.12"
check_match "[102] L2 private:   ... control: ipvl1's capture has ns2's own request" \
	"Request who-has 10\.0\.0\.11 tell 10\.0\.0\.12" "$(bg_out s2)"
check_nomatch "[102] L2 private:   ... the reply did not reach ipvl1 (ns2)" \
	"Reply 10\.0\.0\.11 is-at" "$(bg_out s2)"
bg_stop s1
bg_stop s2

# --- 105 in L2
check_priv_vepa_einval "$NS1" ipvl0 "l2 private" L2 0

# --- 103 L2 vepa: slave->slave leaves on the wire with src == dst == the
# master's MAC (nothing hairpins it back, so the ping fails).  Control: in
# bridge mode the same ping is delivered locally and is not on the wire.
check "set the port to l2 bridge" ip -n "$NS1" link set ipvl0 type ipvlan mode l2 bridge
# The private phase left ns2's entry for 10.0.0.11 unresolved (its replies
# were dropped); start from clean neighbour caches and allow for ARP retries.
ip -n "$NS1" neigh flush dev ipvl0
ip -n "$NS2" neigh flush dev ipvl1
check "[103] L2 bridge (control): ns1 -> 10.0.0.12 works" \
	wait_until 5 ping_once "$NS1" 10.0.0.12
check "set the port to l2 vepa" ip -n "$NS1" link set ipvl0 type ipvlan mode l2 vepa
check_eq "L2 port: l2 vepa (seen on the sibling)" "l2 vepa" "$(port_of "$NS2" ipvl1)"
check_fail "[103] L2 vepa: ns1 -> 10.0.0.12 fails (no hairpin on the wire)" \
	ping_n "$NS1" 10.0.0.12
wait_until 3 bg_has wire "10\.0\.0\.11 > 10\.0\.0\.12"
w=$(bg_out wire)
check_match "[103] L2 vepa: the echo request is on the wire, src MAC == dst MAC == the master's" \
	"$MAC > $MAC, ethertype IPv4 \(0x0800\), length [0-9]+: 10\.0\.0\.11 > 10\.0\.0\.12: ICMP echo request" "$w"
n=$(grep -c '10\.0\.0\.11 > 10\.0\.0\.12: ICMP echo request' <<<"$w")
check_eq "[103]   ... only once (the bridge-mode ping was not on the wire)" 1 "$n"

# ===================================================================== L3
{ ip -n "$NS1" link del ipvl0 && ip -n "$NS2" link del ipvl1; } || die "delete the L2 slaves"
# l3_slave NS NAME IP4 IP6: like slave_add (lib.sh), with one ip batch.
l3_slave() {
	ip -n "$NS_HOST" link add link "$MASTER" name "$2" netns "$1" type ipvlan mode l3 private &&
		ip -n "$1" -b - <<-EOF
			addr add $3/32 dev $2
			addr add $4/128 dev $2 nodad
			link set $2 up
			route add default dev $2
			route add ::/0 dev $2
		EOF
}
l3_slave "$NS1" ipvl0 10.1.0.11 2001:db8:1::11 || die "create ipvl0 (l3 private)"
l3_slave "$NS2" ipvl1 10.1.0.12 2001:db8:1::12 || die "create ipvl1 (l3 private)"
check_eq "L3 port: l3 private" "l3 private" "$(port_of "$NS1" ipvl0)"

# --- 101 L3 private
for a in 10.1.0.12 2001:db8:1::12; do
	d0=$(tx_dropped "$NS1" ipvl0)
	check_fail "[101] L3 private: ns1 -> $a (ns2) fails" ping_n "$NS1" "$a"
	d1=$(tx_dropped "$NS1" ipvl0)
	check_gt "[101] L3 private:   ... ns1's tx_dropped rose ($d0 -> $d1)" "$d1" "${d0:-x}"
done
check "[101] L3 private: ns1 -> outside works" ping_once "$NS1" "$OUT_IP4"
check "[101] L3 private: ns1 -> outside works (IPv6)" ping_once "$NS1" "$OUT_IP6"
check "[101] L3 private: outside -> ns2 works" ping_once "$NS_OUT" 10.1.0.12

# --- 105 in L3
check_priv_vepa_einval "$NS1" ipvl0 "l3 private" L3 1

# --- 104 L3 vepa: slave->slave is routed by the master's netns and leaves
# through the master (the master's netns routes 10.1.0.0/24 via the
# outside).  With the outside forwarding (a hairpin router) the ping works.
# Control: in bridge mode it is delivered locally and not on the wire.
check "host: route 10.1.0.0/24 via the outside" \
	ip -n "$NS_HOST" route add 10.1.0.0/24 via "$OUT_IP4"
check "set the port to l3 bridge" ip -n "$NS1" link set ipvl0 type ipvlan mode l3 bridge
check "[104] L3 bridge (control): ns1 -> 10.1.0.12 works" ping_once "$NS1" 10.1.0.12
check "set the port to l3 vepa" ip -n "$NS1" link set ipvl0 type ipvlan mode l3 vepa
check_eq "L3 port: l3 vepa (seen on the sibling)" "l3 vepa" "$(port_of "$NS2" ipvl1)"
check_fail "[104] L3 vepa: ns1 -> 10.1.0.12 fails (the outside does not forward)" \
	ping_n "$NS1" 10.1.0.12
wait_until 3 bg_has wire "10\.1\.0\.11 > 10\.1\.0\.12"
w=$(bg_out wire)
check_match "[104] L3 vepa: the echo request was routed out of the master to the outside" \
	"$MAC > $PEER_MAC, ethertype IPv4 \(0x0800\), length [0-9]+: 10\.1\.0\.11 > 10\.1\.0\.12: ICMP echo request" "$w"
n=$(grep -c '10\.1\.0\.11 > 10\.1\.0\.12: ICMP echo request' <<<"$w")
check_eq "[104]   ... only once (the bridge-mode ping was not on the wire)" 1 "$n"
ns_exec "$NS_OUT" bash -c 'echo 1 >/proc/sys/net/ipv4/conf/all/forwarding' ||
	die "enable forwarding on the outside"
check "[104] L3 vepa: with the outside forwarding (hairpin), ns1 -> 10.1.0.12 works" \
	ping_once "$NS1" 10.1.0.12
wait_until 3 bg_has wire "10\.1\.0\.12 > 10\.1\.0\.11: ICMP echo reply"
check_match "[104]   ... the reply came back the same way (10.1.0.12 > 10.1.0.11 on the wire)" \
	"10\.1\.0\.12 > 10\.1\.0\.11: ICMP echo reply" "$(bg_out wire)"

tests_done
