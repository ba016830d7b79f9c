#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# ipvlan L2 data path (spec section 12, items 49, 74-85): slave<->slave and
# slave<->outside with dynamic ARP/ND; an external broadcast ping answered by
# the master and every slave; the master's own (looped back) broadcast kept
# from the slaves; external multicast only to the slaves that joined, slave
# multicast to the joined siblings and the wire; frames with the master's MAC
# and a slave's IP not redistributed; slave ARP with the master's MAC; a
# slave's unicast to the master MAC going up the master's stack; master<->
# slave impossible; SLAAC with the dev_id in the IID; oversize frames dropped.
#
#   out:  veth1 10.0.0.2/24 2001:db8::2/64 <--> host: veth0 10.0.0.1/24 (master, l2)
#   ns1:  ipvl0 10.0.0.11/24 10.0.0.21/32 2001:db8::11/64
#   ns2:  ipvl1 10.0.0.12/24 2001:db8::12/64
#   ns3:  ipvl2 10.0.0.13/24, IPv6 disabled: a quiet observer (few joined
#         multicast MACs, so few false positives of the 8-bit MAC filter)
#
# Crafted frames (spoofed ARP, UDP to groups, an RA) are sent from the
# outside by a small AF_PACKET sender (python standard library only: scapy
# takes seconds to import in the emulated VM).

. "$(dirname "$0")/lib.sh"

require_root
require_cmd ip ping tcpdump socat
require_python
ipvlan_require

S1_IP4=10.0.0.11
S2_IP4=10.0.0.12
S3_IP4=10.0.0.13
S1_SPOOF=10.0.0.21
S1_IP6=2001:db8::11
S2_IP6=2001:db8::12
SLAAC_PFX=2001:db8:5::

# inject DEV SPEC...: send crafted Ethernet frames on DEV (run it in a netns).
#   arp,SRC_MAC,SENDER_IP,TARGET_IP   broadcast who-has (SRC_MAC "own" = DEV's)
#   udp,SRC_IP,GROUP,PORT,PAYLOAD      IPv4 UDP to a group, DEV's MAC as source
#   ra,SRC_LL,PREFIX                   RA to ff02::1, lifetime 0, PREFIX/64 L+A
read -r -d '' PY_INJECT <<'EOF'
import socket, struct, sys
def mac(s): return bytes.fromhex(s.replace(":", ""))
def csum(b):
    if len(b) % 2: b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16: s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff
sk = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
sk.bind((sys.argv[1], 0))
own = sk.getsockname()[4]
for spec in sys.argv[2:]:
    kind, *a = spec.split(",")
    if kind == "arp":
        src = own if a[0] == "own" else mac(a[0])
        f = (b"\xff" * 6 + src + b"\x08\x06" + struct.pack("!HHBBH", 1, 0x800, 6, 4, 1)
             + src + socket.inet_aton(a[1]) + b"\0" * 6 + socket.inet_aton(a[2]))
    elif kind == "udp":
        g = socket.inet_aton(a[1]); pl = (a[3] + "\n").encode()
        udp = struct.pack("!HHHH", 40000, int(a[2]), 8 + len(pl), 0) + pl
        ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 0, 0, 1, 17, 0,
                         socket.inet_aton(a[0]), g)
        ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
        f = b"\x01\x00\x5e" + bytes([g[1] & 0x7f, g[2], g[3]]) + own + b"\x08\x00" + ip + udp
    elif kind == "ra":
        src = socket.inet_pton(socket.AF_INET6, a[0])
        dst = socket.inet_pton(socket.AF_INET6, "ff02::1")
        icmp = (struct.pack("!BBHBBHII", 134, 0, 0, 64, 0, 0, 0, 0)
                + struct.pack("!BBBBIII", 3, 4, 64, 0xc0, 3600, 1800, 0)
                + socket.inet_pton(socket.AF_INET6, a[1])
                + struct.pack("!BB", 1, 1) + own)
        c = csum(src + dst + struct.pack("!I3xB", len(icmp), 58) + icmp)
        icmp = icmp[:2] + struct.pack("!H", c) + icmp[4:]
        ip6 = struct.pack("!IHBB", 0x60000000, len(icmp), 58, 255) + src + dst
        f = b"\x33\x33\x00\x00\x00\x01" + own + b"\x86\xdd" + ip6 + icmp
    else:
        sys.exit("bad spec " + spec)
    sk.send(f)
print("sent", len(sys.argv) - 2)
EOF
# shellcheck disable=SC2317  # called through check
inject() { ns_exec "$NS_OUT" "$PYTHON" "${PYTHON_FLAGS[@]}" -c "$PY_INJECT" "$PEER" "$@"; }

# l2_slave NS NAME IP4 [IP6]: an l2 slave in NS with IP4/24 (and IP6/64), up.
l2_slave() {
	ip -n "$NS_HOST" link add link "$MASTER" name "$2" netns "$1" type ipvlan mode l2 &&
		ip -n "$1" -b - <<-EOF
			addr add $3/24 dev $2
			${4:+addr add $4/64 dev $2 nodad}
			link set $2 up
		EOF
}

# sysctl_ns NS PATH=VALUE...: write /proc/sys/PATHs in NS with one exec.
sysctl_ns() {
	local ns=$1 kv cmd=''
	shift
	for kv in "$@"; do cmd+="echo ${kv#*=} >/proc/sys/${kv%%=*} && "; done
	ns_exec "$ns" bash -c "${cmd}true"
}

topo_outside
ns_create NS1 ns1
ns_create NS2 ns2
ns_create NS3 ns3
for ns in "$NS_HOST" "$NS_OUT" "$NS1" "$NS2"; do
	sysctl_ns "$ns" net/ipv4/icmp_echo_ignore_broadcasts=0 || die "sysctls in $ns"
done
sysctl_ns "$NS3" net/ipv4/icmp_echo_ignore_broadcasts=0 \
	net/ipv6/conf/default/disable_ipv6=1 || die "sysctls in ns3"
l2_slave "$NS1" ipvl0 "$S1_IP4" "$S1_IP6" || die "create ipvl0 in ns1"
ip -n "$NS1" addr add "$S1_SPOOF/32" dev ipvl0 || die "add $S1_SPOOF to ipvl0"
l2_slave "$NS2" ipvl1 "$S2_IP4" "$S2_IP6" || die "create ipvl1 in ns2"
l2_slave "$NS3" ipvl2 "$S3_IP4" || die "create ipvl2 in ns3"
check_eq "port mode is l2" "l2" "$(link_field "$NS1" ipvl0 mode)"
MAC=$(link_field "$NS_HOST" "$MASTER" address)
[[ "$MAC" =~ ^([0-9a-f]{2}:){5}[0-9a-f]{2}$ ]] || die "read the master's MAC ($MAC)"
log "master MAC $MAC"

# The wire (the outside's veth, with MACs) and the quiet slave ipvl2.
cap_start wire "$NS_OUT" "$PEER" -e 'arp or icmp or udp port 5000' || die "capture on $PEER"
cap_start s3 "$NS3" ipvl2 'arp or icmp or udp port 5000' || die "capture on ipvl2"

# A learnt (not permanent) neighbour entry with the master's MAC.
neigh_re="lladdr $MAC (REACHABLE|STALE|DELAY|PROBE)"

# --- 74: slave<->slave, IPv4 and IPv6, dynamic ARP/ND
check "IPv4 slave->slave: ns1 pings $S2_IP4" ping_once "$NS1" "$S2_IP4"
check "IPv4 slave->slave: ns2 pings $S1_IP4" ping_once "$NS2" "$S1_IP4"
check "IPv6 slave->slave: ns1 pings $S2_IP6" ping_once "$NS1" "$S2_IP6"
check "IPv6 slave->slave: ns2 pings $S1_IP6" ping_once "$NS2" "$S1_IP6"
check_match "  ... ns1 learnt $S2_IP4 by ARP: the master's MAC" "$neigh_re" \
	"$(ip -n "$NS1" neigh show "$S2_IP4")"
check_match "  ... ns1 learnt $S2_IP6 by ND: the master's MAC" "$neigh_re" \
	"$(ip -n "$NS1" neigh show "$S2_IP6")"

# --- 75, 81: slave<->outside, both ways, dynamic ARP/ND; the slave's ARP
# request on the wire carries the master's MAC
for s in "$NS1 $OUT_IP4" "$NS1 $OUT_IP6" "$NS2 $OUT_IP4" "$NS2 $OUT_IP6"; do
	read -r ns addr <<<"$s"
	n=ns1
	[[ "$ns" == "$NS2" ]] && n=ns2
	check "slave->outside: $n pings $addr" ping_once "$ns" "$addr"
done
wait_until 3 bg_has wire "Request who-has $OUT_IP4 tell $S1_IP4,"
check_match "[81] ns1's ARP request on the wire: source MAC = the master's" \
	"$MAC > ff:ff:ff:ff:ff:ff, ethertype ARP \(0x0806\), length [0-9]+: Request who-has $OUT_IP4 tell $S1_IP4," \
	"$(bg_out wire)"
for ns in "$NS_OUT" "$NS1" "$NS2"; do
	ip -n "$ns" neigh flush all >/dev/null 2>&1 # IPv4 and IPv6
done
check_eq "the outside has no neighbour entries left" "" "$(ip -n "$NS_OUT" neigh show)"
for addr in "$S1_IP4" "$S1_IP6" "$S2_IP4" "$S2_IP6"; do
	check "outside->slave (neighbours flushed): out pings $addr" ping_once "$NS_OUT" "$addr"
	check_match "  ... the outside learnt $addr dynamically: the master's MAC" "$neigh_re" \
		"$(ip -n "$NS_OUT" neigh show "$addr")"
done

# --- 77: the master's own broadcast is looped back to the master only
# (PACKET_LOOPBACK), not handed to the slaves.  Seen on the wire; not on
# ipvl2, whose capture does see the outside's broadcasts sent right after.
ns_exec "$NS_HOST" ping -b -n -q -c 3 -i 0.3 -W 1 10.0.0.255 >/dev/null 2>&1
wait_until 3 bg_has wire "10\.0\.0\.1 > 10\.0\.0\.255: ICMP echo request"
check_match "[77] the master's broadcast ping went out on the wire" \
	"10\.0\.0\.1 > 10\.0\.0\.255: ICMP echo request" "$(bg_out wire)"

# --- 76: external broadcast ping, answered by the master and every slave
bout=$(ns_exec "$NS_OUT" ping -b -n -c 3 -i 0.5 -w 4 10.0.0.255 2>/dev/null)
declare -A seen=()
while read -r _ _ _ from _; do
	[[ "$from" =~ ^([0-9.]+):$ && ${BASH_REMATCH[1]} != "$OUT_IP4" ]] &&
		seen[${BASH_REMATCH[1]}]=1
done <<<"$bout"
responders=$(printf '%s\n' "${!seen[@]}" | sort -V | join_lines)
check_eq "[76] broadcast ping from the outside: answered by the master and the 3 slaves" \
	"$HOST_IP4 $S1_IP4 $S2_IP4 $S3_IP4" "$responders"

wait_until 5 bg_has s3 "10\.0\.0\.2 > 10\.0\.0\.255: ICMP echo request"
check_match "[77] control: ipvl2's capture sees the outside's broadcast ping" \
	"10\.0\.0\.2 > 10\.0\.0\.255: ICMP echo request" "$(bg_out s3)"
check_nomatch "[77] ipvl2 did not get the master's own broadcast ping" \
	"10\.0\.0\.1 > 10\.0\.0\.255" "$(bg_out s3)"

# --- 78, 80, 84: crafted frames from the outside.
# 80: broadcast ARPs from the wire: source MAC = the master's with a slave's
# sender IP (not redistributed), with a foreign sender IP (redistributed),
# and a foreign source MAC with the slave's IP (redistributed).
# 78: UDP to 4 groups that only ns1 joined.  ipvl2 must not get them; the
# filter is an 8-bit hash, so one false positive among the 4 is tolerated.
# 84: an RA with prefix 2001:db8:5::/64 (autonomous).
# A last ARP marks the end for the capture on ipvl2.
# The ARPs ask for addresses of ipvl2's own (.96-.99): an ARP request for
# anybody else's would not reach it through our ARP filter (neigh_filter.sh),
# and item 80 is about the source check that comes before it.
G=(239.1.1.1 239.1.1.2 239.1.1.3 239.1.1.4)
mc_opts=''
for g in "${G[@]}"; do mc_opts+=",ip-add-membership=$g:ipvl0"; done
bg_start mc1 "$NS1" socat -u "UDP4-RECV:5000,reuseaddr$mc_opts" STDOUT ||
	die "start the multicast receiver in ns1"
# shellcheck disable=SC2317  # called through wait_until
joined_all() {
	local m
	m=$(ip -n "$NS1" maddr show dev ipvl0) || return 1
	[[ "$m" == *01:00:5e:01:01:01* && "$m" == *01:00:5e:01:01:02* &&
		"$m" == *01:00:5e:01:01:03* && "$m" == *01:00:5e:01:01:04* ]]
}
wait_until 10 joined_all || die "ns1 did not join ${G[*]}"
for a in 96 97 98 99; do
	ip -n "$NS3" addr add "10.0.0.$a/32" dev ipvl2 || die "add 10.0.0.$a to ipvl2"
done
check "inject the crafted frames from the outside" inject \
	"arp,$MAC,$S1_SPOOF,10.0.0.99" "arp,$MAC,10.0.0.77,10.0.0.98" \
	"arp,own,$S1_SPOOF,10.0.0.97" \
	"udp,$OUT_IP4,${G[0]},5000,g1" "udp,$OUT_IP4,${G[1]},5000,g2" \
	"udp,$OUT_IP4,${G[2]},5000,g3" "udp,$OUT_IP4,${G[3]},5000,g4" \
	"ra,fe80::2,$SLAAC_PFX" "arp,own,10.0.0.78,10.0.0.96"

wait_until 10 bg_has s3 "who-has 10\.0\.0\.96 tell 10\.0\.0\.78"
check_match "[80] control: ipvl2 got the end marker (foreign MAC and IP)" \
	"who-has 10\.0\.0\.96 tell 10\.0\.0\.78" "$(bg_out s3)"
check_match "[80] master MAC + foreign sender IP: redistributed to ipvl2" \
	"who-has 10\.0\.0\.98 tell 10\.0\.0\.77" "$(bg_out s3)"
check_match "[80] foreign MAC + slave sender IP: redistributed to ipvl2" \
	"who-has 10\.0\.0\.97 tell $S1_SPOOF" "$(bg_out s3)"
check_nomatch "[80] master MAC + slave sender IP ($S1_SPOOF): not redistributed" \
	"who-has 10\.0\.0\.99" "$(bg_out s3)"

# shellcheck disable=SC2317  # called through wait_until
got_all() { bg_has mc1 g1 && bg_has mc1 g2 && bg_has mc1 g3 && bg_has mc1 g4; }
wait_until 10 got_all
check_eq "[78] ns1's receiver (joined ${G[*]}) got all 4 datagrams" \
	"g1 g2 g3 g4" "$(bg_out mc1 | sort | join_lines)"
n=0
for g in "${G[@]}"; do
	[[ "$(bg_out s3)" =~ ${g//./\\.}\.5000: ]] && n=$((n + 1))
done
if ((n > 0)); then log "ipvl2 got $n of the 4 groups (MAC filter hash false positive)"; fi
check_gt "[78] ipvl2 (not joined) got at most 1 of the 4 groups ($n)" 2 "$n"
bg_stop mc1

# --- 84 (= 49): SLAAC in L2 with the dev_id in the middle IID bytes (no
# ff:fe, U/L bit not flipped); the master (dev_id 0) uses ff:fe.
# slaac_addr NS DEV: DEV's address in 2001:db8:5::/64, expanded.
slaac_addr() {
	local line a
	line=$(ip -n "$1" -6 -o addr show dev "$2" to "$SLAAC_PFX/64") || return 1
	[[ "$line" =~ inet6\ ([0-9a-f:]+)/64 ]] || return 1
	a=$(ip6_expand "${BASH_REMATCH[1]}") && printf '%s\n' "$a"
}
# expected_iid DEV_ID: the IID from the master's MAC with DEV_ID in the middle.
expected_iid() {
	local -a m
	local id=$(($1))
	IFS=: read -r -a m <<<"$MAC"
	printf '%s%s:%s%02x:%02x%s:%s%s\n' "${m[0]}" "${m[1]}" "${m[2]}" \
		$((id >> 8)) $((id & 255)) "${m[3]}" "${m[4]}" "${m[5]}"
}
wait_until 10 slaac_addr "$NS1" ipvl0
wait_until 10 slaac_addr "$NS2" ipvl1
a1=$(slaac_addr "$NS1" ipvl0)
a2=$(slaac_addr "$NS2" ipvl1)
am=$(slaac_addr "$NS_HOST" "$MASTER")
id1=$(ns_sysfs_exec "$NS1" cat /sys/class/net/ipvl0/dev_id)
id2=$(ns_sysfs_exec "$NS2" cat /sys/class/net/ipvl1/dev_id)
log "SLAAC: ipvl0 $a1 (dev_id $id1), ipvl1 $a2 (dev_id $id2), $MASTER $am"
check_match "[84] ipvl0 (l2) got a SLAAC address from the RA" "^2001:0db8:0005:0000:" "$a1"
check_match "[84] ipvl1 (l2) got a SLAAC address from the RA" "^2001:0db8:0005:0000:" "$a2"
check_nomatch "[49] ipvl0's SLAAC IID has no ff:fe in the middle" \
	"^([0-9a-f]{4}:){5}[0-9a-f]{2}ff:fe" "$a1"
check_nomatch "[49] ipvl1's SLAAC IID has no ff:fe in the middle" \
	"^([0-9a-f]{4}:){5}[0-9a-f]{2}ff:fe" "$a2"
if [[ "$id1" =~ ^0x[0-9a-f]+$ && "$id2" =~ ^0x[0-9a-f]+$ ]]; then
	check_eq "[49] ipvl0's IID: the master MAC with dev_id $id1 in the middle" \
		"2001:0db8:0005:0000:$(expected_iid "$id1")" "$a1"
	check_eq "[49] ipvl1's IID: the master MAC with dev_id $id2 in the middle" \
		"2001:0db8:0005:0000:$(expected_iid "$id2")" "$a2"
else
	tap_not_ok "[49] read the slaves' dev_id from sysfs ('$id1' '$id2')"
fi
check_match "[49] control: the master's SLAAC IID has ff:fe (dev_id 0)" \
	"^([0-9a-f]{4}:){5}[0-9a-f]{2}ff:fe" "$am"

# --- 79: a slave's multicast reaches the joined sibling and the wire
bg_start mc2 "$NS2" socat -u "UDP4-RECV:5000,reuseaddr,ip-add-membership=239.1.1.5:ipvl1" STDOUT ||
	die "start the multicast receiver in ns2"
# shellcheck disable=SC2317  # called through wait_until
joined5() { [[ "$(ip -n "$NS2" maddr show dev ipvl1)" == *01:00:5e:01:01:05* ]]; }
wait_until 10 joined5 || die "ns2 did not join 239.1.1.5"
check "ns1 sends a datagram to 239.1.1.5" ns_exec "$NS1" socat -u STDIN \
	"UDP4-DATAGRAM:239.1.1.5:5000,ip-multicast-if=$S1_IP4" <<<"g5"
wait_until 10 bg_has mc2 g5
check_eq "[79] ns2's receiver (joined 239.1.1.5) got it" "g5" "$(bg_out mc2)"
wait_until 5 bg_has wire "239\.1\.1\.5\.5000"
check_match "[79] it went out on the wire too (source: the master's MAC)" \
	"$MAC > 01:00:5e:01:01:05, ethertype IPv4 \(0x0800\), length [0-9]+: $S1_IP4\.[0-9]+ > 239\.1\.1\.5\.5000: UDP" \
	"$(bg_out wire)"
bg_stop mc2

# --- 83: master->slave and slave->master fail (IPv4 and IPv6, in parallel)
pids=()
for s in "$NS_HOST $S1_IP4" "$NS_HOST $S1_IP6" "$NS1 $HOST_IP4" "$NS1 $HOST_IP6"; do
	read -r ns addr <<<"$s"
	ping_once "$ns" "$addr" >/dev/null 2>&1 &
	pids+=($!)
done
i=0
for s in "master->slave: the master pings $S1_IP4" "master->slave: the master pings $S1_IP6" \
	"slave->master: ns1 pings $HOST_IP4" "slave->master: ns1 pings $HOST_IP6"; do
	if wait "${pids[i]}"; then tap_not_ok "[83] $s: fails"; else tap_ok "[83] $s: fails"; fi
	i=$((i + 1))
done

# --- 82: unicast from a slave to the master's MAC with a non-slave dst IP
# (the master's) is handed to the master's stack: the master counts the echo
# request (its reply cannot come back: the master ARPs on the wire).
# in_echos NS: the IPv4 Icmp InEchos counter of NS.
in_echos() {
	local snmp line i
	local -a hdr=() val=()
	snmp=$(ns_exec "$1" cat /proc/net/snmp) || return 1
	while read -r line; do
		[[ "$line" == Icmp:* ]] || continue
		if ((${#hdr[@]} == 0)); then read -r -a hdr <<<"$line"; else read -r -a val <<<"$line"; fi
	done <<<"$snmp"
	for ((i = 0; i < ${#hdr[@]}; i++)); do
		[[ "${hdr[i]}" == InEchos ]] && { printf '%s\n' "${val[i]}"; return 0; }
	done
	return 1
}
check "static neighbour on ns2: $HOST_IP4 -> the master's MAC" \
	ip -n "$NS2" neigh replace "$HOST_IP4" lladdr "$MAC" dev ipvl1 nud permanent
e0=$(in_echos "$NS_HOST")
ns_exec "$NS2" ping -n -q -c 2 -i 0.3 -W 1 "$HOST_IP4" >/dev/null 2>&1
e1=$(in_echos "$NS_HOST")
check_gt "[82] the master's stack received ns2's echo requests (InEchos $e0 -> $e1)" "$e1" "${e0:-x}"

# --- 85: a frame larger than the master's MTU is dropped (slave MTU 4000,
# master 1500, 3000-byte ping without DF); with the slave at 1500 the same
# ping is fragmented by the slave and works.
check "ns1 pings $OUT_IP4 with 1400 bytes (slave MTU 1500)" \
	ns_exec "$NS1" ping -n -q -c 1 -W 2 -s 1400 -M dont "$OUT_IP4"
check "set ipvl0's MTU to 4000 (the master stays at 1500)" ip -n "$NS1" link set ipvl0 mtu 4000
check "[85] control: a 1400-byte ping still works" \
	ns_exec "$NS1" ping -n -q -c 1 -W 2 -s 1400 -M dont "$OUT_IP4"
check_fail "[85] a 3000-byte ping (one 3042-byte frame) is dropped" \
	ns_exec "$NS1" ping -n -q -c 1 -W 2 -s 3000 -M dont "$OUT_IP4"
check "set ipvl0's MTU back to 1500" ip -n "$NS1" link set ipvl0 mtu 1500
check "[85] control: the 3000-byte ping works when fragmented by the slave" \
	ns_exec "$NS1" ping -n -q -c 1 -W 2 -s 3000 -M dont "$OUT_IP4"

tests_done
