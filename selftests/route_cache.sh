#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# L3/L3S slave->outside traffic always follows the CURRENT routing of the
# master's netns (issue 5: our driver caches the route per slave and CPU,
# keyed by destination, source, tos and mark and checked with dst_check on
# every use; the stock driver looks the route up for every packet).  Every
# step changes the routing and checks that the very next datagrams take the
# new path, in l3 and in l3s, IPv4 and IPv6 in the same batches:
#   - a more specific route added / changed / replaced (gateway and device) /
#     deleted; X and Y interleaved, each on its own side
#   - blackhole, prohibit, unreachable routes stop X (not Y) and their
#     removal restores it
#   - ip rule from <slave> lookup 100: the two slaves each follow their own
#     rule; ip rule tos 0x10: the tos is part of the key
#   - the route to the outside deleted, flushed and added back; a route
#     through the second veth gone with its link down and added back
# Slave TX is routed with oif = the master (spec 5.3, item 89): IPv4 skips a
# route through another device (the less specific one through the master is
# used), IPv6 (not strict: the source is set) takes it.  (The mark is not
# tested: a slave in another netns has its skb scrubbed, so the mark is 0.)
#
#   ns1: ipvl0 10.1.0.11/32 2001:db8:1::11/128 (slave "a") \
#   ns2: ipvl1 10.1.0.12/32 2001:db8:1::12/128 (slave "b") -> l3/l3s on veth0
#   host: veth0 10.0.0.1/24 2001:db8::1/64  <-> o1: veth1 10.0.0.2 2001:db8::2
#                                     and, a macvlan on veth1: o2: mv0 10.0.0.3 2001:db8::3
#         veth2 10.0.1.1/24 2001:db8:0:1::1/64 <-> o3: veth3 10.0.1.2 2001:db8:0:1::2
#   o1, o2, o3: X = 198.51.100.1 2001:db8:99::1, Y = 198.51.100.2
#               2001:db8:99::2 on lo, and a UDP receiver on port 5555
#   host routes: 198.51.100.0/24 via o1 (2001:db8:99::/64 via o1); table
#                100: the same via o2
#
# One python process (standard library) holds the UDP senders of the slaves
# and the receivers of o1, o2, o3 (opened in each netns with setns) and
# sends the datagrams of a step interleaved, each with a unique id: a check
# passes only if the expected side got exactly the expected datagrams and
# the others none.

. "$(dirname "$0")/lib.sh"

require_root
require_cmd ip
require_python
ipvlan_require

S1_IP4=10.1.0.11
S2_IP4=10.1.0.12
S1_IP6=2001:db8:1::11
S2_IP6=2001:db8:1::12
O2_IP4=10.0.0.3
O2_IP6=2001:db8::3
O3_IP4=10.0.1.2
O3_IP6=2001:db8:0:1::2
H2_IP4=10.0.1.1
H2_IP6=2001:db8:0:1::1
FAR4=198.51.100.0/24
FAR6=2001:db8:99::/64
PORT=5555
ROUNDS=4
# Destinations by name and family: X and Y on lo of every outside netns; S
# (a sentinel) = o1's own address, on the master's connected route.
declare -A DST=([X4]=198.51.100.1 [Y4]=198.51.100.2 [S4]=$OUT_IP4
	[X6]=2001:db8:99::1 [Y6]=2001:db8:99::2 [S6]=$OUT_IP6)
X4=${DST[X4]} X6=${DST[X6]}

topo_outside
ns_create NS_O2 o2
ns_create NS_O3 o3
ns_create NS1 ns1
ns_create NS2 ns2
ip -n "$NS_OUT" link add link "$PEER" name mv0 netns "$NS_O2" type macvlan mode bridge ||
	die "create the macvlan mv0 for o2"
ip -n "$NS_HOST" link add veth2 type veth peer name veth3 netns "$NS_O3" ||
	die "create the second veth pair"
# The outside netns do not answer ARP for X/Y (arp_ignore=1): when the master
# has no route, IPv4 falls back to on-link through the master (item 89), and
# nobody must answer that.
for ns in "$NS_OUT" "$NS_O2" "$NS_O3"; do
	ns_exec "$ns" bash -c 'echo 1 >/proc/sys/net/ipv4/conf/all/arp_ignore' ||
		die "arp_ignore in $ns"
done
ip -n "$NS_O2" -b - <<-EOF || die "configure o2"
	addr add $O2_IP4/24 dev mv0
	addr add $O2_IP6/64 dev mv0 nodad
	link set mv0 up
	route add $SLAVE_NET4 via $HOST_IP4
	route add $SLAVE_NET6 via $HOST_IP6
EOF
ip -n "$NS_O3" -b - <<-EOF || die "configure o3"
	addr add $O3_IP4/24 dev veth3
	addr add $O3_IP6/64 dev veth3 nodad
	link set veth3 up
	route add $SLAVE_NET4 via $H2_IP4
	route add $SLAVE_NET6 via $H2_IP6
EOF
for ns in "$NS_OUT" "$NS_O2" "$NS_O3"; do
	ip -n "$ns" -b - <<-EOF || die "X and Y in $ns"
		addr add ${DST[X4]}/32 dev lo
		addr add ${DST[Y4]}/32 dev lo
		addr add ${DST[X6]}/128 dev lo
		addr add ${DST[Y6]}/128 dev lo
	EOF
done
# veth2 keeps its IPv6 address over a down/up (the last step re-adds a route
# through it).
ns_exec "$NS_HOST" bash -c 'echo 1 >/proc/sys/net/ipv6/conf/veth2/keep_addr_on_down' ||
	die "keep_addr_on_down on veth2"
ip -n "$NS_HOST" -b - <<-EOF || die "configure the host"
	addr add $H2_IP4/24 dev veth2
	addr add $H2_IP6/64 dev veth2 nodad
	link set veth2 up
	route add $FAR4 via $OUT_IP4
	route add $FAR6 via $OUT_IP6
	route add $FAR4 via $O2_IP4 table 100
	route add $FAR6 via $O2_IP6 table 100
EOF
slave_add "$NS1" ipvl0 "$S1_IP4" "$S1_IP6" mode l3 || die "create ipvl0 in ns1"
slave_add "$NS2" ipvl1 "$S2_IP4" "$S2_IP6" mode l3 || die "create ipvl1 in ns2"

# --- the UDP daemon.  Arguments: PORT, then ROLE:LABEL:NETNS (rx = a
# receiver on PORT, v4 and v6; tx = a sender).  Command on stdin:
#   send N LABEL,DST,TOS,SIDE...   N rounds, each sends one datagram per
#   spec in order (TOS: IP_TOS / IPV6_TCLASS); round r runs on CPU
#   r % ncpus (the cache is per CPU: every CPU's copy must follow).  It
#   waits until every spec whose SIDE is not "none" has N arrivals (5 s at
#   most) and 0.3 s more, and prints one result per spec: the side that got
#   all N while no other side got any, "none", or mixed(side:count,...);
#   then " | " and diagnostics (send errors; late: datagrams of an earlier
#   step).
read -r -d '' PY_UDP <<'EOF'
import ctypes, os, select, socket, sys, time
libc = ctypes.CDLL(None, use_errno=True)
def enter(ns):
    fd = os.open("/run/netns/" + ns, os.O_RDONLY)
    if libc.setns(fd, 0x40000000) != 0:
        raise OSError(ctypes.get_errno(), "setns " + ns)
    os.close(fd)
port = int(sys.argv[1])
rx, tx = {}, {}
for arg in sys.argv[2:]:
    role, label, ns = arg.split(":")
    enter(ns)
    if role == "rx":
        s4 = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s4.bind(("0.0.0.0", port))
        s6 = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
        s6.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
        s6.bind(("::", port))
        rx[s4] = rx[s6] = label
    else:
        tx[label] = (socket.socket(socket.AF_INET, socket.SOCK_DGRAM),
                     socket.socket(socket.AF_INET6, socket.SOCK_DGRAM))
cpus = sorted(os.sched_getaffinity(0))
print("ready", flush=True)
step = 0
for line in sys.stdin:
    w = line.split()
    if len(w) < 3 or w[0] != "send":
        print("bad command | " + line.strip(), flush=True)
        continue
    step += 1
    n = int(w[1])
    specs = [s.split(",") for s in w[2:]]
    got = [{} for _ in specs]
    late, errs = 0, {}
    for r in range(n):
        os.sched_setaffinity(0, {cpus[r % len(cpus)]})
        for i, (lab, dst, tos, _) in enumerate(specs):
            v6 = ":" in dst
            s = tx[lab][v6]
            if v6:
                s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_TCLASS, int(tos, 0))
            else:
                s.setsockopt(socket.IPPROTO_IP, socket.IP_TOS, int(tos, 0))
            try:
                s.sendto(("%d:%d:%d" % (step, i, r)).encode(), (dst, port))
            except OSError as e:
                k = "%s>%s" % (lab, dst)
                errs[k] = "%s:%s" % (k, e.strerror)
    need = n * sum(1 for sp in specs if sp[3] != "none")
    have, end, grace = 0, time.time() + 5, False
    while True:
        if not grace and have >= need:
            grace, end = True, min(end, time.time() + 0.3)
        left = end - time.time()
        if left <= 0:
            break
        for s in select.select(list(rx), [], [], left)[0]:
            f = s.recv(64).decode().split(":")
            if int(f[0]) != step:
                late += 1
                continue
            i, side = int(f[1]), rx[s]
            got[i][side] = got[i].get(side, 0) + 1
            if specs[i][3] != "none":
                have += 1
    out = []
    for g in got:
        if not g:
            out.append("none")
        elif len(g) == 1 and list(g.values())[0] == n:
            out.append(list(g)[0])
        else:
            out.append("mixed(" + ",".join("%s:%d" % kv for kv in sorted(g.items())) + ")")
    diag = list(errs.values()) + (["late:%d" % late] if late else [])
    print(" ".join(out) + " | " + " ".join(diag), flush=True)
EOF
coproc UDPD { exec "$PYTHON" "${PYTHON_FLAGS[@]}" -c "$PY_UDP" "$PORT" \
	"rx:o1:$NS_OUT" "rx:o2:$NS_O2" "rx:o3:$NS_O3" "tx:a:$NS1" "tx:b:$NS2" 2>&1; }
UDPD_IN=${UDPD[1]}
UDPD_OUT=${UDPD[0]}
on_exit "kill $UDPD_PID"
read -r -t 60 line <&"$UDPD_OUT"
[[ "$line" == ready ]] || die "start the UDP daemon: $line"

# on_host DESC LINES [LINES6]: apply the `ip -b` LINES (one a line) in the
# master's netns, then LINES6 with `ip -6 -b` (rules: iproute2 takes their
# family from -6, not from the address).
# shellcheck disable=SC2317  # called through check
ip_host() {
	ip -n "$NS_HOST" -b - <<<"$1" || return 1
	[[ -z "${2:-}" ]] || ip -n "$NS_HOST" -6 -b - <<<"$2"
}
on_host() { check "$1" ip_host "${@:2}"; }

# flows DESC SPEC...: SPEC = SLAVE,DST,TOS,SIDE with SLAVE a (ipvl0) or b
# (ipvl1), DST X, Y or S, SIDE o1, o2, o3 or none; SIDE may be SIDE4/SIDE6.
# The specs are sent for IPv4 and IPv6 in one batch of ROUNDS interleaved
# rounds; one check per family.
flows() {
	local desc=$1 spec lab dst tos side fam line res diag i j
	shift
	local -a req=() want=() got=() names=()
	for fam in 4 6; do
		for spec in "$@"; do
			IFS=, read -r lab dst tos side <<<"$spec"
			if [[ "$side" == */* && $fam == 4 ]]; then
				side=${side%/*}
			elif [[ "$side" == */* ]]; then
				side=${side#*/}
			fi
			req+=("$lab,${DST[$dst$fam]},$tos,$side")
			want+=("$side")
			if [[ $fam == 4 && $tos == 0 ]]; then
				names+=("$lab>$dst")
			elif [[ $fam == 4 ]]; then
				names+=("$lab>$dst(tos $tos)")
			fi
		done
	done
	echo "send $ROUNDS ${req[*]}" >&"$UDPD_IN"
	if ! read -r -t 60 line <&"$UDPD_OUT"; then
		tap_not_ok "$desc: the UDP daemon did not answer"
		return 1
	fi
	res=${line%% | *} diag=${line#* | }
	FLOWS_DIAG=$diag # the senders' errors, for checks after this one
	read -r -a got <<<"$res"
	[[ -n "$diag" && "$diag" != "$line" ]] && log "  $desc: $diag"
	local n=$#
	for i in 0 1; do
		fam=$((i == 0 ? 4 : 6))
		local w="${want[*]:i*n:n}" g="${got[*]:i*n:n}" d=''
		local -a ww=("${want[@]:i*n:n}")
		for ((j = 0; j < n; j++)); do d+=" ${names[j]}->${ww[j]}"; done
		check_eq "$desc: IPv$fam$d" "$w" "$g"
	done
	if [[ "$diag" == *late:* ]]; then
		tap_not_ok "$desc: no datagram of the step before arrived late ($diag)"
	fi
}

for mode in l3 l3s; do
	m="[$mode]"
	check "$m port mode $mode" ip -n "$NS1" link set ipvl0 type ipvlan mode "$mode"
	check_eq "$m ipvl0 and ipvl1 are in mode $mode" "$mode $mode" \
		"$(link_field "$NS1" ipvl0 mode) $(link_field "$NS2" ipvl1 mode)"

	flows "$m baseline: the /24 through o1" a,X,0,o1 a,Y,0,o1 b,X,0,o1

	# --- a more specific route, changed, replaced, deleted.  X and Y are
	# interleaved: a cache that ignores the destination would send Y to
	# X's side.
	on_host "$m add X/32 via o2" "route add $X4/32 via $O2_IP4
route add $X6/128 via $O2_IP6"
	flows "$m X/32 via o2: X moves at once, Y interleaved stays" a,X,0,o2 a,Y,0,o1 b,X,0,o2
	on_host "$m ip route change X/32 via o1" "route change $X4/32 via $OUT_IP4
route change $X6/128 via $OUT_IP6"
	flows "$m X/32 changed to o1" a,X,0,o1 a,Y,0,o1
	on_host "$m ip route replace X/32 via o2" "route replace $X4/32 via $O2_IP4
route replace $X6/128 via $O2_IP6"
	flows "$m X/32 replaced to o2" a,X,0,o2 a,Y,0,o1
	on_host "$m ip route replace X/32 via o3 dev veth2" "route replace $X4/32 via $O3_IP4 dev veth2
route replace $X6/128 via $O3_IP6 dev veth2"
	flows "$m X/32 on veth2 (IPv4: not the master, the /24 applies)" \
		a,X,0,o1/o3 a,Y,0,o1
	on_host "$m ip route change X/32 via o2 dev veth0" "route change $X4/32 via $O2_IP4 dev $MASTER
route change $X6/128 via $O2_IP6 dev $MASTER"
	flows "$m X/32 back on the master via o2" a,X,0,o2 a,Y,0,o1
	on_host "$m delete X/32" "route del $X4/32
route del $X6/128"
	flows "$m X/32 deleted: X back to o1" a,X,0,o1 a,Y,0,o1

	# --- blackhole, prohibit, unreachable (Y, interleaved, still flows)
	for t in blackhole prohibit unreachable; do
		on_host "$m add $t X" "route add $t $X4/32
route add $t $X6/128"
		flows "$m $t X: X stops, Y flows" a,X,0,none a,Y,0,o1
		# As stock: an IPv6 route error reaches the sending socket as
		# its errno; an IPv4 one is a silent drop.
		check_match "$m $t X: the IPv6 sender gets the route's error" \
			"a>$X6:" "$FLOWS_DIAG"
		check_nomatch "$m $t X: the IPv4 sender gets no error" "a>$X4:" "$FLOWS_DIAG"
		on_host "$m delete $t X" "route del $t $X4/32
route del $t $X6/128"
		flows "$m $t X removed: X flows again" a,X,0,o1 a,Y,0,o1
	done

	# --- policy rules: by source (each slave its own), then by tos
	on_host "$m ip rule from a lookup 100" \
		"rule add from $S1_IP4 lookup 100 pref 100" \
		"rule add from $S1_IP6 lookup 100 pref 100"
	flows "$m rule from a: a goes to o2, b (same master) stays" \
		a,X,0,o2 b,X,0,o1 a,Y,0,o2
	on_host "$m ip rule from b instead of from a" \
		"rule del from $S1_IP4 lookup 100 pref 100
rule add from $S2_IP4 lookup 100 pref 100" \
		"rule del from $S1_IP6 lookup 100 pref 100
rule add from $S2_IP6 lookup 100 pref 100"
	flows "$m rule from b: b goes to o2, a back to o1" a,X,0,o1 b,X,0,o2 a,Y,0,o1
	on_host "$m delete the rule from b" \
		"rule del from $S2_IP4 lookup 100 pref 100" \
		"rule del from $S2_IP6 lookup 100 pref 100"
	flows "$m no rule: both on o1" a,X,0,o1 b,X,0,o1
	rule="tos 0x10 lookup 100 pref 100"
	on_host "$m ip rule tos 0x10 lookup 100" "rule add $rule" "rule add $rule"
	flows "$m rule tos 0x10: tos 0x10 to o2, tos 0 interleaved to o1" \
		a,X,0,o1 a,X,0x10,o2
	on_host "$m delete the tos rule" "rule del $rule" "rule del $rule"
	flows "$m tos rule gone: tos 0x10 to o1" a,X,0,o1 a,X,0x10,o1

	# --- the master's route to the outside disappears and comes back.
	# S (o1's own address, connected route) is the sentinel.  With no
	# route IPv4 goes on-link through the master (ARP for X, unanswered)
	# and IPv6 fails: both lose X.
	on_host "$m delete the route to the outside" "route del $FAR4 via $OUT_IP4
route del $FAR6 via $OUT_IP6"
	flows "$m no route to the outside: X lost" a,X,0,none a,S,0,o1
	on_host "$m route to the outside back via o2" "route add $FAR4 via $O2_IP4
route add $FAR6 via $O2_IP6"
	flows "$m route back (via o2): X to o2" a,X,0,o2 a,Y,0,o2 a,S,0,o1
	check "$m ip route flush root $FAR4" ip -n "$NS_HOST" -4 route flush root "$FAR4"
	check "$m ip -6 route flush root $FAR6" ip -n "$NS_HOST" -6 route flush root "$FAR6"
	flows "$m routes flushed: X and Y lost" a,X,0,none a,Y,0,none a,S,0,o1
	on_host "$m route to the outside back via o1" "route add $FAR4 via $OUT_IP4
route add $FAR6 via $OUT_IP6"
	flows "$m route back (via o1): X to o1" a,X,0,o1 a,Y,0,o1
	# A route through the second veth (IPv6 takes it), gone with its link.
	on_host "$m X/32 via o3 dev veth2" "route add $X4/32 via $O3_IP4 dev veth2
route add $X6/128 via $O3_IP6 dev veth2"
	flows "$m X/32 on veth2 (IPv4: the /24 applies)" a,X,0,o1/o3 a,Y,0,o1
	on_host "$m veth2 down" "link set veth2 down"
	flows "$m veth2 down: its route is gone, X to o1" a,X,0,o1 a,Y,0,o1
	on_host "$m veth2 up" "link set veth2 up"
	flows "$m veth2 up: the route stays gone" a,X,0,o1 a,Y,0,o1
	# The link's own addresses come back with it (nodad: no DAD wait).
	on_host "$m X/32 via o3 dev veth2 again" "route add $X4/32 via $O3_IP4 dev veth2
route add $X6/128 via $O3_IP6 dev veth2"
	flows "$m X/32 on veth2 again" a,X,0,o1/o3 a,Y,0,o1
	on_host "$m delete X/32" "route del $X4/32
route del $X6/128"
	flows "$m X/32 deleted" a,X,0,o1
done

tests_done
