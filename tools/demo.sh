#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The main job, run inside a VM by `make demo`: load our ipvlan.ko, put two
# L3 slaves of one master into two container-like namespaces, and show them
# talking to each other and to the outside network, over IPv4 and IPv6.
#
#   tools/demo.sh [PATH/TO/ipvlan.ko]     (default: ./ipvlan.ko)
#
#   netns "outside"   veth1 10.0.0.2  2001:db8::2   the network behind the master
#        |  veth pair
#   netns "host"      veth0 10.0.0.1  2001:db8::1   the master
#        +-- ipvl0 in netns "c1": 10.1.0.11  2001:db8:1::11
#        +-- ipvl1 in netns "c2": 10.1.0.12  2001:db8:1::12
set -eu

ko=${1:-./ipvlan.ko}
failures=0

step() { printf '\n== %s\n' "$*"; }
run() { printf '$ %s\n' "$*"; "$@"; }

check_ping() { # DESC NETNS ARGS...
	local desc=$1 ns=$2
	shift 2
	if ip netns exec "$ns" ping -c 2 -i 0.2 -W 2 "$@" >/dev/null 2>&1; then
		printf '  ok    %s\n' "$desc"
	else
		printf '  FAIL  %s\n' "$desc"
		failures=$((failures + 1))
	fi
}

cleanup() {
	for ns in c1 c2 host outside; do ip netns del "$ns" 2>/dev/null || true; done
}
trap cleanup EXIT

step "load the module"
run insmod "$ko"
grep -E '^ipvlan ' /proc/modules
echo "version: $(cat /sys/module/ipvlan/version 2>/dev/null || echo '?')"

step "build the topology"
for ns in host outside c1 c2; do
	ip netns add "$ns"
	ip -n "$ns" link set lo up
	ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0
done
ip -n host link add veth0 type veth peer name veth1 netns outside
ip -n host addr add 10.0.0.1/24 dev veth0
ip -n host addr add 2001:db8::1/64 dev veth0 nodad
ip -n host link set veth0 up
ip -n outside addr add 10.0.0.2/24 dev veth1
ip -n outside addr add 2001:db8::2/64 dev veth1 nodad
ip -n outside link set veth1 up
# The outside reaches the slaves through the master (L3 slaves answer no ARP).
ip -n outside route add 10.1.0.0/24 via 10.0.0.1
ip -n outside -6 route add 2001:db8:1::/64 via 2001:db8::1

run ip -n host link add link veth0 name ipvl0 netns c1 type ipvlan mode l3
run ip -n host link add link veth0 name ipvl1 netns c2 type ipvlan mode l3
i=11
for ns in c1 c2; do
	dev=ipvl$((i - 11))
	ip -n "$ns" addr add "10.1.0.$i/32" dev "$dev"
	ip -n "$ns" addr add "2001:db8:1::$i/128" dev "$dev" nodad
	ip -n "$ns" link set "$dev" up
	ip -n "$ns" route add default dev "$dev"
	ip -n "$ns" -6 route add default dev "$dev"
	i=$((i + 1))
done
run ip -n c1 -d link show ipvl0
run ip -n c1 addr show ipvl0

step "traffic"
check_ping "c1 -> c2 (IPv4, slave to slave)" c1 10.1.0.12
check_ping "c1 -> c2 (IPv6, slave to slave)" c1 2001:db8:1::12
check_ping "c2 -> outside (IPv4)" c2 10.0.0.2
check_ping "c2 -> outside (IPv6)" c2 2001:db8::2
check_ping "outside -> c1 (IPv4)" outside 10.1.0.11
check_ping "outside -> c1 (IPv6)" outside 2001:db8:1::11
run ip -n c1 -s link show ipvl0

step "unload with slaves alive"
run rmmod ipvlan
if ip -n c1 link show ipvl0 >/dev/null 2>&1; then
	echo "  FAIL  ipvl0 survived rmmod"
	failures=$((failures + 1))
else
	echo "  ok    the slaves went with the module"
fi
check_ping "host -> outside over the freed master" host 10.0.0.2

if [ "$failures" -ne 0 ]; then
	printf '\ndemo: %d check(s) failed\n' "$failures"
	exit 1
fi
printf '\ndemo: all checks passed\n'
