#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# tools/bench/guest.sh: the guest side of tools/bench/bench.  Runs as PID 1's
# command in the benchmark VM (tools/vm/run-vm --icount), never on the host.
#
#   guest.sh HELPER MODULE OUTDIR REPS QUICK ONLY_REGEX STOCK_100K [PROFILE_MARK]
#
# For each repetition it loads one driver (the kernel's stock ipvlan.ko with
# modprobe, or ours with insmod), runs every selected ipvlan scenario,
# unloads it, then does the same with the other driver; the order alternates
# from one repetition to the next (stock first in even repetitions: ABBA).
# The context scenarios (macvlan, veth + bridge) run once, after them.
#
# Everything measured goes to OUTDIR/raw.txt, one line per window:
#     win SCENARIO DRIVER REP W ELAPSED_NS IDLE_NS NET_NS UNITS UNIT
# cost of the window = NET_NS / UNITS (instructions under -icount); the
# report (report.awk) keeps the minimum over the windows of a (scenario,
# driver, repetition).  Other lines: "fail SCENARIO DRIVER REP REASON",
# "info KEY VALUE...", "mem SCENARIO DRIVER REP KIB_PER_SLAVE*1000" (memory
# has one sample per repetition).
# With PROFILE_MARK (bench --profile: QEMU runs tools/bench/insn-profile.so)
# each scenario has two windows (the report keeps the second), each profile
# named by a line
#     prof SCENARIO DRIVER REP W SEQ UNITS UNIT      (OUTDIR/profile/prof.SEQ)
# and the symbols go to OUTDIR/kallsyms.base (kernel and the modules other
# than ipvlan) and OUTDIR/kallsyms.DRIVER.REP (ipvlan as loaded).
# Exit status: 0 if every selected scenario ran, 1 otherwise.

# Lists of scenario names are split into words on purpose.
# shellcheck disable=SC2046

set -u
export LC_ALL=C
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

HELPER=$1
MODULE=$2
OUTDIR=$3
REPS=$4
QUICK=$5
ONLY=${6:-}
STOCK_BIG=${7:-0}	# 1: the stock driver also gets 100,000 addresses
PROFILE_MARK=${8:-}
RAW=$OUTDIR/raw.txt
WINDOWS=3		# back-to-back windows per scenario, the minimum is kept
FAILED=0
TMPD=/tmp/bench
mkdir -p "$TMPD"
if [[ -n $PROFILE_MARK ]]; then
	WINDOWS=2	# exact counts; the second window is the one reported
	export BENCH_PROFILE_MARK=$PROFILE_MARK BENCH_PROFILE_SEQ=$TMPD/profile-seq
fi

log() { printf '# %s\n' "$*"; }
raw() { printf '%s\n' "$*" >>"$RAW"; }

# fail SCENARIO REASON: record a scenario that could not run.
fail() {
	FAILED=1
	raw "fail $1 ${DRV:-none} ${REP:-0} ${*:2}"
	log "FAIL $1 ($DRV, rep $REP): ${*:2}"
}

# -------------------------------------------------------- scenario choice

# Sizes.  Full run first, --quick overrides some below.
PKTGEN_COUNT=10000	# packets per pktgen window (~65M instructions)
UDP_COUNT=5000		# datagrams per UDP window (~45M)
TCP_BYTES=$((8 << 20))	# bytes per TCP window (~28M)
# ARP requests per burst window, the same for every slave count: a window
# has a fixed cost (bench-helper reads /proc/timer_list twice, ~40k
# instructions), so fewer requests per window would look like growth.
ARP_COUNT=100
CTL_SETTLE_MS=6000	# control path: idle time before each window
CTL_SLAVES=1000		# slaves for the control path and memory
CTL_ROUNDS=1		# control path windows (create ... destroy) per pass
ADDR_STEPS="18 1000 10000 100000"
ADDR_BIG_REPS=1		# the 100,000-address step runs in this many repetitions
MODES="l2 l3 l3s"
PATHS="slave_slave slave_outside outside_slave"
SENDERS="pktgen udp tcp"
CTX_SENDERS="pktgen udp"
ARP_SLAVES="1 100 1000"
if [[ $QUICK == 1 ]]; then
	CTL_SLAVES=100
	CTL_ROUNDS=3
	ADDR_STEPS="18 1000"
	ARP_SLAVES="1 100"
	CTX_SENDERS="pktgen"
fi

# Unicast scenarios that --quick keeps (at least one of each kind).
QUICK_UNICAST=" l2.slave_slave.pktgen l2.slave_outside.pktgen l3.slave_outside.pktgen
 l3s.slave_outside.pktgen l3.outside_slave.pktgen l2.slave_slave.udp l3.slave_outside.udp
 l3.slave_outside.tcp "
QUICK_CTX=" macvlan.slave_slave.pktgen bridge.slave_slave.pktgen "

# wanted NAME: NAME is selected (--quick list and --only regex).
wanted() {
	if [[ $QUICK == 1 && $1 =~ ^(l2|l3|l3s)\.(slave|outside)_ && $QUICK_UNICAST != *" $1 "* ]]; then
		return 1
	fi
	if [[ $QUICK == 1 && $1 =~ ^(macvlan|bridge)\. && $QUICK_CTX != *" $1 "* ]]; then
		return 1
	fi
	[[ -z "$ONLY" || $1 =~ $ONLY ]]
}

# any_wanted NAME...: one of the NAMEs is selected.
any_wanted() {
	local n
	for n in "$@"; do
		wanted "$n" && return 0
	done
	return 1
}

# The scenario names of a group.
unicast_names() { # PREFIX SENDERS
	local p s
	for p in $PATHS; do for s in $2; do echo "$1.$p.$s"; done; done
}
ctl_names() {
	local s
	for s in $ARP_SLAVES; do echo "l2.arp_bcast.s$s"; done
	echo l2.ctl.create l2.ctl.up l2.ctl.addr l2.ctl.destroy l2.mem.per_slave
}
addr_names() {
	local n
	for n in $ADDR_STEPS; do echo "l3.addrs$n.pktgen"; done
}

# -------------------------------------------------------------- helpers

H() { "$HELPER" "$@"; }

# nsip NS ARGS...: ip in netns NS (batch input on stdin with "-batch -").
nsip() {
	local ns=$1
	shift
	ip -n "$ns" "$@"
}

# measure SCENARIO UNIT UNITDIV [-p NS DEV] -- WIN-ARGS...: WINDOWS windows
# of `bench-helper win WIN-ARGS`, each costing NET / (UNITS / UNITDIV); with
# -p the units are the packets pktgen sent on DEV in NS.  Logs the minimum.
measure() {
	local scen=$1 unit=$2 udiv=$3 pgns='' pgdev='' w out best='' c
	local elapsed idle net units pg
	shift 3
	if [[ $1 == -p ]]; then
		pgns=$2 pgdev=$3
		shift 3
	fi
	[[ $1 == -- ]] && shift
	for ((w = 0; w < WINDOWS; w++)); do
		if ! out=$(H win "$@" 2>&1); then
			fail "$scen" "window $w: $(echo "$out" | tail -c 300)"
			return 1
		fi
		[[ $out =~ elapsed=([0-9-]+)\ idle=([0-9-]+)\ net=([0-9-]+)\ units=([0-9]+) ]] || {
			fail "$scen" "window $w: bad helper output: $(echo "$out" | tail -c 300)"
			return 1
		}
		elapsed=${BASH_REMATCH[1]} idle=${BASH_REMATCH[2]} net=${BASH_REMATCH[3]} units=${BASH_REMATCH[4]}
		if [[ -n $pgns ]]; then
			pg=$(H pgresult -n "$pgns" "$pgdev") || {
				fail "$scen" "window $w: no pktgen result"
				return 1
			}
			read -r units _ _ <<<"$pg"
			raw "info pktgen $scen $DRV $REP $w $pg"
		fi
		units=$((units / udiv))
		if ((units <= 0 || net <= 0)); then
			fail "$scen" "window $w: nothing measured (elapsed=$elapsed idle=$idle units=$units)"
			return 1
		fi
		raw "win $scen $DRV $REP $w $elapsed $idle $net $units $unit"
		[[ $out =~ prof=([0-9]+) ]] && raw "prof $scen $DRV $REP $w ${BASH_REMATCH[1]} $units $unit"
		c=$((net * 10 / units))
		[[ -n $best && $best -le $c ]] || best=$c
	done
	log "$(printf '%-28s %-6s rep %d: %10d.%d %s' "$scen" "$DRV" "$REP" $((best / 10)) $((best % 10)) "$unit")"
}

# pg_setup NS DEV: make DEV pktgen's device in NS (once per device).
pg_setup() {
	H put -n "$1" /proc/net/pktgen/kpktgend_0 "add_device $2" \
		/proc/net/pktgen/"$2" "pkt_size 106" \
		/proc/net/pktgen/"$2" "udp_dst_min 9" /proc/net/pktgen/"$2" "udp_dst_max 9" \
		/proc/net/pktgen/"$2" "udp_src_min 9" /proc/net/pktgen/"$2" "udp_src_max 9"
}

# pg_conf NS DEV DST DST_MAC COUNT
pg_conf() {
	H put -n "$1" /proc/net/pktgen/"$2" "dst $3" /proc/net/pktgen/"$2" "dst_mac $4" \
		/proc/net/pktgen/"$2" "count $5"
}

# ------------------------------------------------------------ topologies
#
# Unicast, one set of namespaces per link type, index i (10.i.x.x, MACs
# 02:00:00:0i:..):  h_X (the master m0, a veth; 10.i.0.1/24), o_X ("outside":
# m0's peer p0, 10.i.0.2/24, routes 10.i.1.0/24 to h_X), a_X and b_X (one
# slave each: 10.i.1.1/32 and 10.i.1.2/32, default route through it).  Every
# neighbour is static, so no ARP happens in a window.  X = l2, l3, l3s
# (ipvlan, slaves made per driver pass), mv (macvlan bridge), br (veth +
# Linux bridge).
declare -A IDX=([l2]=1 [l3]=2 [l3s]=3 [mv]=4 [br]=5)
mac() { printf '02:00:00:%02x:%02x:%02x' "$1" "$2" "$3"; }

# netns_add NS...: create network namespaces without IPv6 (no DAD, MLD or
# router solicitations landing in later windows) and with lo up.
netns_add() {
	local ns
	for ns in "$@"; do echo "netns add $ns"; done | ip -batch - || return 1
	for ns in "$@"; do
		H put -n "$ns" /proc/sys/net/ipv6/conf/all/disable_ipv6 1 \
			/proc/sys/net/ipv6/conf/default/disable_ipv6 1 || return 1
		ip -n "$ns" link set lo up || return 1
	done
}

start_sinks() { # NS...
	local ns
	for ns in "$@"; do
		H udpsink -n "$ns" 9 &
		H tcpsink -n "$ns" 5001 &
	done
}

topo_base() { # X
	local x=$1 i=${IDX[$1]}
	netns_add "h_$x" "o_$x" "a_$x" "b_$x" || return 1
	ip link add m0 address "$(mac "$i" 0 1)" netns "h_$x" type veth \
		peer name p0 address "$(mac "$i" 0 2)" netns "o_$x" || return 1
	nsip "h_$x" -batch - <<-EOF || return 1
		addr add 10.$i.0.1/24 dev m0
		link set m0 up
		neigh replace 10.$i.0.2 lladdr $(mac "$i" 0 2) dev m0 nud permanent
	EOF
	nsip "o_$x" -batch - <<-EOF || return 1
		addr add 10.$i.0.2/24 dev p0
		link set p0 up
		route add 10.$i.1.0/24 via 10.$i.0.1
		neigh replace 10.$i.0.1 lladdr $(mac "$i" 0 1) dev p0 nud permanent
	EOF
	start_sinks "o_$x" "a_$x" "b_$x"
	pg_setup "o_$x" p0
}

# slave_conf NS DEV ADDR OTHER_ADDR OTHER_MAC OUT_MAC: address, route, static
# neighbours for the other slave and the outside.
slave_conf() {
	local ns=$1 dev=$2 ip=$3 other=$4 other_mac=$5 out_mac=$6 out_ip=$7
	nsip "$ns" -batch - <<-EOF
		addr add $ip/32 dev $dev
		link set $dev up
		route add default dev $dev
		neigh replace $other lladdr $other_mac dev $dev nud permanent
		neigh replace $out_ip lladdr $out_mac dev $dev nud permanent
	EOF
}

# ipvlan slaves of mode X for the current driver pass.
ipvlan_slaves() { # X
	local x=$1 i=${IDX[$1]}
	nsip "h_$x" -batch - <<-EOF || return 1
		link add link m0 name ipv netns a_$x type ipvlan mode $x
		link add link m0 name ipv netns b_$x type ipvlan mode $x
	EOF
	slave_conf "a_$x" ipv "10.$i.1.1" "10.$i.1.2" "$(mac "$i" 0 1)" "$(mac "$i" 0 2)" "10.$i.0.2" &&
		slave_conf "b_$x" ipv "10.$i.1.2" "10.$i.1.1" "$(mac "$i" 0 1)" "$(mac "$i" 0 2)" "10.$i.0.2" &&
		pg_setup "a_$x" ipv
}

ctx_topo() {
	local i
	topo_base mv || return 1
	i=${IDX[mv]}
	nsip h_mv -batch - <<-EOF || return 1
		link add link m0 name mv address $(mac "$i" 1 1) netns a_mv type macvlan mode bridge
		link add link m0 name mv address $(mac "$i" 1 2) netns b_mv type macvlan mode bridge
	EOF
	slave_conf a_mv mv "10.$i.1.1" "10.$i.1.2" "$(mac "$i" 1 2)" "$(mac "$i" 0 2)" "10.$i.0.2" &&
		slave_conf b_mv mv "10.$i.1.2" "10.$i.1.1" "$(mac "$i" 1 1)" "$(mac "$i" 0 2)" "10.$i.0.2" &&
		pg_setup a_mv mv || return 1
	# Outside to a macvlan: its own MAC, on the link.
	nsip o_mv -batch - <<-EOF || return 1
		route replace 10.$i.1.0/24 dev p0
		neigh replace 10.$i.1.1 lladdr $(mac "$i" 1 1) dev p0 nud permanent
		neigh replace 10.$i.1.2 lladdr $(mac "$i" 1 2) dev p0 nud permanent
	EOF

	topo_base br || return 1
	i=${IDX[br]}
	ip link add hv1 netns h_br type veth peer name sv address "$(mac "$i" 1 1)" netns a_br &&
		ip link add hv2 netns h_br type veth peer name sv address "$(mac "$i" 1 2)" netns b_br ||
		return 1
	# The master's address moves to the bridge; FDB entries are static.
	nsip h_br -batch - <<-EOF || return 1
		addr del 10.$i.0.1/24 dev m0
		link add br0 address $(mac "$i" 0 1) type bridge forward_delay 0 stp_state 0 ageing_time 1000000
		link set m0 master br0
		link set hv1 master br0
		link set hv2 master br0
		addr add 10.$i.0.1/24 dev br0
		link set hv1 up
		link set hv2 up
		link set br0 up
		neigh replace 10.$i.0.2 lladdr $(mac "$i" 0 2) dev br0 nud permanent
	EOF
	bridge -n h_br -batch - <<-EOF || return 1
		fdb replace $(mac "$i" 1 1) dev hv1 master static
		fdb replace $(mac "$i" 1 2) dev hv2 master static
		fdb replace $(mac "$i" 0 2) dev m0 master static
	EOF
	slave_conf a_br sv "10.$i.1.1" "10.$i.1.2" "$(mac "$i" 1 2)" "$(mac "$i" 0 2)" "10.$i.0.2" &&
		slave_conf b_br sv "10.$i.1.2" "10.$i.1.1" "$(mac "$i" 1 1)" "$(mac "$i" 0 2)" "10.$i.0.2" &&
		pg_setup a_br sv || return 1
	nsip o_br -batch - <<-EOF || return 1
		route replace 10.$i.1.0/24 dev p0
		neigh replace 10.$i.1.1 lladdr $(mac "$i" 1 1) dev p0 nud permanent
		neigh replace 10.$i.1.2 lladdr $(mac "$i" 1 2) dev p0 nud permanent
	EOF
}

# unicast_run X NAME_PREFIX DEV SLAVE_MAC_A SLAVE_MAC_B: every selected
# path x sender on topology X; scenario names PREFIX.PATH.SENDER.
unicast_run() {
	local x=$1 pfx=$2 dev=$3 mac_a=$4 mac_b=$5 i=${IDX[$1]} p s scen
	local sns sdev dst dmac
	for p in $PATHS; do
		case $p in
		slave_slave) sns=a_$x sdev=$dev dst=10.$i.1.2 dmac=$mac_b ;;
		slave_outside) sns=a_$x sdev=$dev dst=10.$i.0.2 dmac=$(mac "$i" 0 2) ;;
		outside_slave) sns=o_$x sdev=p0 dst=10.$i.1.1 dmac=$mac_a ;;
		esac
		for s in $SENDERS; do
			scen=$pfx.$p.$s
			[[ ($pfx == mv || $pfx == br) && " $CTX_SENDERS " != *" $s "* ]] && continue
			[[ $pfx == mv ]] && scen=macvlan.$p.$s
			[[ $pfx == br ]] && scen=bridge.$p.$s
			wanted "$scen" || continue
			case $s in
			pktgen)
				pg_conf "$sns" "$sdev" "$dst" "$dmac" "$PKTGEN_COUNT" ||
					{ fail "$scen" "pktgen configuration"; continue; }
				measure "$scen" insn/pkt 1 -p "$sns" "$sdev" -- -n "$sns" pktgen
				;;
			udp)
				measure "$scen" insn/pkt 1 -- -n "$sns" udp "$dst" 9 "$UDP_COUNT" 64
				;;
			tcp)
				measure "$scen" insn/KiB 1024 -- -n "$sns" tcp "$dst" 5001 "$TCP_BYTES"
				;;
			esac
		done
	done
}

# ------------------------------------------------------ address scaling
#
# h_ad: a dummy master; a_ad, b_ad: L3 slaves (sender 10.6.1.1, receiver
# 10.6.1.2: inserted first); f_ad: filler slaves f0, f1, ... (up, so that
# their addresses are in the port's table) with 1,000 /32 addresses each
# (10.64.0.0 upwards).  Total addresses = 2 + fillers.
addr_topo() {
	netns_add h_ad a_ad b_ad f_ad &&
		nsip h_ad link add m0 address "$(mac 6 0 1)" type dummy &&
		nsip h_ad link set m0 up || return 1
	start_sinks b_ad
}

addr_run() {
	local n have=2 steps='' scen t0 top=0
	for n in $ADDR_STEPS; do
		if ((n == 100000)); then
			((REP < ADDR_BIG_REPS)) || continue
			# Stock inserts an address in O(addresses): 100,000 take
			# ~150G instructions (25 minutes here).
			[[ $DRV == ours || $STOCK_BIG == 1 ]] || continue
		fi
		wanted "l3.addrs$n.pktgen" || continue
		steps+=" $n"
		top=$n
	done
	((top > 0)) || return 0
	# The receiver's address first, then the sender's.
	nsip h_ad -batch - <<-EOF || { fail l3.addrs "slaves"; return 1; }
		link add link m0 name ipv netns b_ad type ipvlan mode l3
		link add link m0 name ipv netns a_ad type ipvlan mode l3
	EOF
	# accept_local on the receiver: otherwise its source check
	# (fib_validate_source) looks the sender's address up in the kernel's
	# own IPv4 address hash, 256 buckets shared by every netns, which adds
	# ~1,950 instructions per packet at 100,000 addresses whatever the
	# driver (the profile shows it all in inet_lookup_ifaddr_rcu).
	slave_conf b_ad ipv 10.6.1.2 10.6.1.1 "$(mac 6 0 1)" "$(mac 6 0 1)" 10.6.0.2 &&
		slave_conf a_ad ipv 10.6.1.1 10.6.1.2 "$(mac 6 0 1)" "$(mac 6 0 1)" 10.6.0.2 &&
		H put -n b_ad /proc/sys/net/ipv4/conf/ipv/accept_local 1 &&
		pg_setup a_ad ipv || { fail l3.addrs "slave configuration"; return 1; }
	for n in $steps; do
		scen=l3.addrs$n.pktgen
		if ((n > have)); then
			t0=$SECONDS
			awk -v from=$((have - 2)) -v to=$((n - 2)) 'BEGIN {
				d = "/tmp/bench/"
				for (k = int((from + 999) / 1000); k * 1000 < to; k++) {
					printf "link add link m0 name f%d netns f_ad type ipvlan mode l3\n", k > d "fill_links"
					printf "link set f%d up\n", k > d "fill_up"
					printf "link del f%d\n", k >> d "fill_del"
				}
			}'
			if [[ -s $TMPD/fill_links ]]; then
				nsip h_ad -batch "$TMPD/fill_links" && nsip f_ad -batch "$TMPD/fill_up" ||
					{ fail "$scen" "filler slaves"; break; }
			fi
			H addrs -n f_ad f 1000 $((have - 2)) $((n - 2)) ||
				{ fail "$scen" "filler addresses"; break; }
			rm -f "$TMPD/fill_links" "$TMPD/fill_up"
			raw "info addr_fill $DRV $REP $have $n $((SECONDS - t0))s"
			log "addresses: $n ($DRV)"
			have=$n
		fi
		pg_conf a_ad ipv 10.6.1.2 "$(mac 6 0 1)" "$PKTGEN_COUNT" ||
			{ fail "$scen" "pktgen configuration"; continue; }
		measure "$scen" insn/pkt 1 -p a_ad ipv -- -n a_ad pktgen
	done
	log "addresses: removing"
	# Not measured: remove every slave of this port.
	[[ ! -s $TMPD/fill_del ]] || nsip f_ad -batch "$TMPD/fill_del"
	rm -f "$TMPD/fill_del"
	nsip a_ad link del ipv
	nsip b_ad link del ipv
}

# ---------------------------------------- ARP burst, control path, memory
#
# h_c: master m0 (veth, L2 slaves c0, c1, ... in the same namespace, one
# /32 each in 10.8.0.0/16 from 10.8.1.1); o_c: p0, which sends the
# broadcast ARP requests for c0's address (arp_ignore=1 in h_c: only c0
# answers, not every slave of the namespace).
ctl_topo() {
	netns_add h_c o_c &&
		H put -n h_c /proc/sys/net/ipv4/conf/all/arp_ignore 1 \
			/proc/sys/net/ipv4/conf/default/arp_ignore 1 &&
		ip link add m0 address "$(mac 8 0 1)" netns h_c type veth peer name p0 \
			address "$(mac 8 0 2)" netns o_c &&
		nsip h_c -batch - <<-EOF &&
			addr add 10.8.0.1/24 dev m0
			link set m0 up
		EOF
		nsip o_c -batch - <<-EOF
			addr add 10.8.0.2/24 dev p0
			link set p0 up
		EOF
	awk 'BEGIN { print "" > "/tmp/bench/empty" }'
}

# ctl_batches FROM TO: batch files for slaves cFROM..cTO-1.
ctl_batches() {
	awk -v from="$1" -v to="$2" 'BEGIN {
		d = "/tmp/bench/"
		for (k = from; k < to; k++) {
			printf "link add link m0 name c%d type ipvlan mode l2\n", k > d "ctl_create"
			printf "link set c%d up\n", k > d "ctl_up"
			printf "addr add 10.8.%d.%d/32 dev c%d\n", 1 + int(k / 250), k % 250 + 1, k > d "ctl_addr"
			printf "link del c%d\n", k > d "ctl_destroy"
		}
	}'
}

arp_measure() { # SLAVES
	local scen=l2.arp_bcast.s$1
	wanted "$scen" || return 0
	local count=$ARP_COUNT
	measure "$scen" insn/req 1 -- -n o_c -q arp p0 "$count" 10.8.0.2 10.8.1.1
}

# ctl_op NAME FILE N: one window of `ip -batch FILE` in h_c minus an empty
# batch (the cost of starting ip), per slave.  The windows last until the
# guest is idle plus 300 ms (RCU callbacks run); before them the guest idles
# 6 s unmeasured (kfree_rcu() batches for up to 5 s), so that no window
# counts what an earlier operation deferred.  Idle time costs nothing under
# -icount.
ctl_op() { # NAME FILE N ROUND
	local scen=l2.ctl.$1 file=$2 n=$3 round=$4 out base net elapsed idle
	H win -q -s "$CTL_SETTLE_MS" exec true >/dev/null
	out=$(H win -n h_c -q -s 300 exec ip -batch "$TMPD/empty" 2>&1) &&
		[[ $out =~ net=([0-9-]+) ]] || { fail "$scen" "ip baseline: $out"; return 1; }
	base=${BASH_REMATCH[1]}
	out=$(H win -n h_c -q -s 300 exec ip -batch "$file" 2>&1) ||
		{ fail "$scen" "ip -batch $file: $(echo "$out" | tail -c 300)"; return 1; }
	[[ $out =~ elapsed=([0-9-]+)\ idle=([0-9-]+)\ net=([0-9-]+) ]] ||
		{ fail "$scen" "bad helper output: $out"; return 1; }
	elapsed=${BASH_REMATCH[1]} idle=${BASH_REMATCH[2]} net=$((BASH_REMATCH[3] - base))
	raw "win $scen $DRV $REP $round $elapsed $idle $net $n insn/slave"
	[[ $out =~ prof=([0-9]+) ]] && raw "prof $scen $DRV $REP $round ${BASH_REMATCH[1]} $n insn/slave"
	raw "info ctl_baseline $scen $DRV $REP $base"
	log "$(printf '%-28s %-6s rep %d: %10d %s (idle %d ms)' "$scen" "$DRV" "$REP" $((net / n)) insn/slave $((idle / 1000000)))"
}

CTL_WARM=0
# kernel_kib: Slab + Percpu from /proc/meminfo, in KiB, after a shrink of
# every slab cache (Slab includes kmalloc() allocations too big for a slab
# cache).  MemFree is useless here: the 9p page cache moves it by megabytes.
kernel_kib() {
	local f s p
	read -r f s p <<<"$(H meminfo)"
	raw "info meminfo $DRV $REP free=$f slab=$s percpu=$p"
	echo $((s + p))
}

ctl_run() {
	local s r m0 m1 n=$CTL_SLAVES
	any_wanted $(ctl_names) || return 0
	# ARP with few slaves first.
	ctl_batches 0 100
	for s in $ARP_SLAVES; do
		((s < n)) || continue
		wanted "l2.arp_bcast.s$s" || continue
		head -n "$s" "$TMPD/ctl_create" >"$TMPD/c1"
		head -n "$s" "$TMPD/ctl_up" >>"$TMPD/c1"
		head -n "$s" "$TMPD/ctl_addr" >>"$TMPD/c1"
		head -n "$s" "$TMPD/ctl_destroy" >"$TMPD/d1"
		nsip h_c -batch "$TMPD/c1" || { fail "l2.arp_bcast.s$s" "slaves"; continue; }
		arp_measure "$s"
		nsip h_c -batch "$TMPD/d1" || { fail "l2.arp_bcast.s$s" "slave removal"; return 1; }
	done
	rm -f "$TMPD"/ctl_*
	any_wanted l2.ctl.create l2.ctl.up l2.ctl.addr l2.ctl.destroy l2.mem.per_slave \
		"l2.arp_bcast.s$n" || return 0
	ctl_batches 0 "$n"
	# Warm up once per run: the same operations, unmeasured (first-time
	# costs such as growing caches and tables go to neither driver).
	if [[ $CTL_WARM == 0 ]]; then
		nsip h_c -batch "$TMPD/ctl_create" && nsip h_c -batch "$TMPD/ctl_destroy" ||
			{ fail l2.ctl "warm-up"; return 1; }
		CTL_WARM=1
	fi
	for ((r = 0; r < CTL_ROUNDS; r++)); do
		if ((r == 0)); then
			H win -q -s 6000 exec true >/dev/null
			m0=$(kernel_kib)
		fi
		ctl_op create "$TMPD/ctl_create" "$n" $r || return 1
		ctl_op up "$TMPD/ctl_up" "$n" $r || return 1
		ctl_op addr "$TMPD/ctl_addr" "$n" $r || return 1
		if ((r == 0)); then
			# kfree_rcu() batches for up to 5 s: let everything freed be freed.
			H win -q -s 6000 exec true >/dev/null
			m1=$(kernel_kib)
			if wanted l2.mem.per_slave; then
				raw "mem l2.mem.per_slave $DRV $REP $(( (m1 - m0) * 1000 / n ))"
				log "$(printf '%-28s %-6s rep %d: %10d.%03d KiB/slave' l2.mem.per_slave "$DRV" "$REP" \
					$(( (m1 - m0) / n )) $(( (m1 - m0) * 1000 / n % 1000 )))"
			fi
			arp_measure "$n"
		fi
		ctl_op destroy "$TMPD/ctl_destroy" "$n" $r || return 1
	done
}

# ----------------------------------------------------------- driver passes

load_driver() {
	if grep -q '^ipvlan ' /proc/modules; then
		rmmod ipvlan || return 1
	fi
	if [[ $1 == stock ]]; then
		modprobe ipvlan
	else
		insmod "$MODULE"
	fi
}

driver_pass() {
	local x i
	log "rep $REP: driver $DRV"
	load_driver "$DRV" || { fail all "cannot load the $DRV driver"; return 1; }
	[[ -z $PROFILE_MARK ]] || grep -P '\t\[ipvlan\]$' /proc/kallsyms >"$OUTDIR/kallsyms.$DRV.$REP"
	for x in $MODES; do
		any_wanted $(unicast_names "$x" "$SENDERS") || continue
		i=${IDX[$x]}
		ipvlan_slaves "$x" || { fail "$x" "slave setup"; continue; }
		unicast_run "$x" "$x" ipv "$(mac "$i" 0 1)" "$(mac "$i" 0 1)"
		nsip "a_$x" link del ipv
		nsip "b_$x" link del ipv
	done
	if any_wanted $(addr_names); then
		addr_run
	fi
	ctl_run
	rmmod ipvlan || { fail all "rmmod ipvlan ($DRV)"; return 1; }
}

main() {
	local x
	: >"$RAW"
	raw "info kernel $(uname -r)"
	raw "info reps $REPS $QUICK"
	raw "info module $MODULE $(modinfo -F srcversion "$MODULE" 2>/dev/null)"
	raw "info stock $(modinfo -n ipvlan) $(modinfo -F srcversion ipvlan 2>/dev/null)"
	# Never let a request_module() pull in the stock driver behind our back.
	mkdir -p /etc/modprobe.d && printf 'blacklist ipvlan\nblacklist ipvtap\n' >/etc/modprobe.d/bench.conf
	for x in pktgen veth dummy macvlan bridge; do
		modprobe "$x" || { fail all "modprobe $x"; return 1; }
	done
	[[ -z $PROFILE_MARK ]] || grep -vP '\t\[ipvlan\]$' /proc/kallsyms >"$OUTDIR/kallsyms.base"
	for x in $MODES; do
		any_wanted $(unicast_names "$x" "$SENDERS") || continue
		topo_base "$x" || { fail "$x" "topology"; return 1; }
	done
	if any_wanted $(addr_names); then addr_topo || { fail l3.addrs topology; return 1; }; fi
	if any_wanted $(ctl_names); then ctl_topo || { fail l2.ctl topology; return 1; }; fi

	for ((REP = 0; REP < REPS; REP++)); do
		local order="stock ours"
		((REP % 2 == 0)) || order="ours stock"
		for DRV in $order; do
			driver_pass
		done
	done
	DRV=none REP=0
	if any_wanted $(unicast_names macvlan "$CTX_SENDERS") $(unicast_names bridge "$CTX_SENDERS"); then
		log "context: macvlan (bridge mode), veth + bridge"
		DRV=peer
		if ctx_topo; then
			any_wanted $(unicast_names macvlan "$CTX_SENDERS") && unicast_run mv mv mv "$(mac 4 1 1)" "$(mac 4 1 2)"
			any_wanted $(unicast_names bridge "$CTX_SENDERS") && unicast_run br br sv "$(mac 5 1 1)" "$(mac 5 1 2)"
		else
			fail context topology
		fi
	fi
	return $FAILED
}

main
