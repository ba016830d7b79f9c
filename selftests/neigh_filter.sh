#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The L2-mode ARP/ND filter (issue 5), a deliberate difference from the
# stock driver.  Ours: a broadcast ARP request (sender IP != target IP; a
# probe from 0.0.0.0 too), from the wire or from a slave to its siblings,
# goes only to the up slave that owns the target IP (none if no slave owns
# it); it still reaches the master's stack (from the wire) or leaves through
# the master (from a slave).  An IPv6 NS sent to the solicited-node group of
# its target goes only to the up slave owning the target (DAD NS from ::
# too), not to the other slaves of that group.  Gratuitous ARP, ARP replies,
# every other broadcast/multicast (an NS to ff02::1 too): unchanged, every up
# slave.  Stock 6.1: every slave gets every broadcast ARP request, every
# slave of the group gets the NS.  The affected checks say which behaviour
# they assert: "[ARP filter stock]" / "[ARP filter ours]", "[NS filter ...]".
# Both: the owner answers (pings from the outside and between slaves, IPv4
# and IPv6, after a neighbour flush); gratuitous ARP and broadcasts reach
# every slave.
#
#   out:  veth1 10.0.0.2/24 2001:db8::2/64 <--> host: veth0 10.0.0.1/24 (master, l2 bridge)
#   ns1:  ipvl0 (A) 10.0.0.11/24 2001:db8::11/64
#   ns2:  ipvl1 (B) 10.0.0.12/24 2001:db8::100:11/64  (the same solicited-node
#         group as A: ff02::1:ff00:11)
#   ns3:  ipvl2 (C) 10.0.0.13/24 2001:db8::13/64
#
# One python process (standard library) holds an AF_PACKET socket on each
# slave and on veth1 (opened in each netns with setns; no promiscuous mode,
# which would open a slave's multicast filter).  It sends crafted frames,
# each followed by a broadcast marker frame from the same sender, and
# reports which sockets received the frame once the marker has reached
# every socket it must reach (the marker is the positive control: those
# captures work), and whether the sender got an answer (ARP reply / NA).

. "$(dirname "$0")/lib.sh"

require_root
require_cmd ip ping
require_python
ipvlan_require

A4=10.0.0.11
B4=10.0.0.12
C4=10.0.0.13
A6=2001:db8::11
B6=2001:db8::100:11
C6=2001:db8::13
NOBODY4=10.0.0.99

# sel STOCK OURS: the word for the driver under test.
sel() { if ipvlan_is_stock; then printf '%s\n' "$1"; else printf '%s\n' "$2"; fi; }
ARP_TAG=$(sel "[ARP filter stock]" "[ARP filter ours]")
NS_TAG=$(sel "[NS filter stock]" "[NS filter ours]")

topo_outside
ns_create NS1 ns1
ns_create NS2 ns2
ns_create NS3 ns3
# l2_slave NS NAME IP4 IP6: an l2 (bridge) slave in NS with IP4/24, IP6/64, up.
l2_slave() {
	ip -n "$NS_HOST" link add link "$MASTER" name "$2" netns "$1" type ipvlan mode l2 &&
		ip -n "$1" -b - <<-EOF
			addr add $3/24 dev $2
			addr add $4/64 dev $2 nodad
			link set $2 up
		EOF
}
l2_slave "$NS1" ipvl0 "$A4" "$A6" || die "create ipvl0 in ns1"
l2_slave "$NS2" ipvl1 "$B4" "$B6" || die "create ipvl1 in ns2"
l2_slave "$NS3" ipvl2 "$C4" "$C6" || die "create ipvl2 in ns3"
check_match "port mode is l2 bridge" "ipvlan +mode l2 bridge" "$(ip -n "$NS1" -d link show ipvl0)"

# --- the packet tool.  Arguments: LABEL:NETNS:DEV..., the sockets.
# Commands on stdin, one answer line each:
#   tx SENDER WAIT KIND ARGS   send a frame from SENDER's device, then the
#       marker; WAIT = the labels the marker must reach.  Answer:
#       "frame=LABELS marker=LABELS reply=0|1|-" (LABELS: who received it
#       (incoming), in argument order, "-" for nobody).  KIND:
#         arp OP SPA TPA     broadcast ARP, sha = the sender's MAC
#         ns SRC TARGET [DST|- [hbh]]  NS (from :: without SLLA option),
#                            to DST (default, "-": the target's
#                            solicited-node group); hbh: behind a hop-by-hop
#                            header
#         udpb SRC           IPv4 UDP broadcast to 255.255.255.255
#       reply: an ARP reply from TPA (arp 1, not gratuitous) / an NA for
#       TARGET (ns) came back to SENDER.
#   clear                    forget everything received so far
#   seen arp|ns ADDR WAIT    send a marker from "out", and answer
#       "seen=LABELS marker=LABELS": who received an ARP request for ADDR
#       (not gratuitous) / an NS for ADDR since the last command.
read -r -d '' PY_PKT <<'EOF'
import ctypes, os, select, socket, struct, sys, time
libc = ctypes.CDLL(None, use_errno=True)
def enter(ns):
    fd = os.open("/run/netns/" + ns, os.O_RDONLY)
    if libc.setns(fd, 0x40000000) != 0:
        raise OSError(ctypes.get_errno(), "setns " + ns)
    os.close(fd)
socks, dev, order = {}, {}, []
for arg in sys.argv[1:]:
    lab, ns, d = arg.split(":")
    enter(ns)
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(3))
    s.bind((d, 3))
    s.setblocking(False)
    socks[lab], dev[lab] = s, d
    order.append(lab)
label_of = {s: l for l, s in socks.items()}
own = {l: s.getsockname()[4] for l, s in socks.items()}
def a4(a): return socket.inet_aton(a)
def a6(a): return socket.inet_pton(socket.AF_INET6, a)
def csum(b):
    if len(b) % 2: b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16: s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff
BC = b"\xff" * 6
def arp(mac, op, spa, tpa):
    return (BC + mac + b"\x08\x06" + struct.pack("!HHBBH", 1, 0x800, 6, 4, op)
            + mac + a4(spa) + b"\0" * 6 + a4(tpa))
def ns(mac, src, tgt, dst=None, hbh=False):
    s, t = a6(src), a6(tgt)
    d = a6(dst) if dst else a6("ff02::1:ff00:0")[:13] + t[13:]
    icmp = struct.pack("!BBHI", 135, 0, 0, 0) + t
    if src != "::":
        icmp += struct.pack("!BB", 1, 1) + mac
    c = csum(s + d + struct.pack("!I3xB", len(icmp), 58) + icmp)
    icmp = icmp[:2] + struct.pack("!H", c) + icmp[4:]
    nh = 58
    if hbh:  # a hop-by-hop header (PadN only) before the ICMPv6
        icmp, nh = bytes([58, 0, 1, 4, 0, 0, 0, 0]) + icmp, 0
    return (b"\x33\x33" + d[12:] + mac + b"\x86\xdd"
            + struct.pack("!IHBB", 0x60000000, len(icmp), nh, 255) + s + d + icmp)
def udpb(mac, src):
    pl = b"ipvlan selftest broadcast"
    udp = struct.pack("!HHHH", 40000, 9, 8 + len(pl), 0) + pl
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 0, 0, 64, 17, 0,
                     a4(src), BC[:4])
    ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
    return BC + mac + b"\x08\x00" + ip + udp
def arp_req_for(f, tpa):
    return (f[12:14] == b"\x08\x06" and f[20:22] == b"\0\x01" and
            f[38:42] == a4(tpa) and f[28:32] != f[38:42])
def arp_rep_from(f, spa):
    return f[12:14] == b"\x08\x06" and f[20:22] == b"\0\x02" and f[28:32] == a4(spa)
def icmp6_for(f, typ, tgt):
    return (f[12:14] == b"\x86\xdd" and len(f) >= 78 and f[20] == 58 and
            f[54] == typ and f[62:78] == a6(tgt))
got = {l: [] for l in order}
def read_all(s):
    l = label_of[s]
    while True:
        try:
            data, addr = s.recvfrom(65535)
        except BlockingIOError:
            return
        except OSError:  # ENETDOWN, once, after its device went down
            continue
        if addr[2] != socket.PACKET_OUTGOING:
            got[l].append(data)
def clear():
    for s in socks.values():
        read_all(s)
    for l in order:
        got[l] = []
nmark = 0
def mark_and_wait(sender, wait):
    global nmark
    nmark += 1
    m = BC + own[sender] + b"\x88\xb5" + b"ipvlan-selftest-mark-%d." % nmark
    socks[sender].sendto(m, (dev[sender], 0x88b5))
    pending, end, grace = set(wait), time.time() + 5, False
    while True:
        pending -= {l for l in pending if any(f.startswith(m) for f in got[l])}
        if not pending and not grace:
            grace, end = True, min(end, time.time() + 0.2)
        left = end - time.time()
        if left <= 0:
            break
        for s in select.select(list(socks.values()), [], [], left)[0]:
            read_all(s)
    return names(lambda f: f.startswith(m))
def names(pred):
    r = [l for l in order if any(pred(f) for f in got[l])]
    return ",".join(r) if r else "-"
for line in sys.stdin:
    w = line.split()
    try:
        if w[0] == "clear":
            clear()
            print("ok", flush=True)
        elif w[0] == "seen":
            wait = w[3].split(",")
            marker = mark_and_wait("out", wait)
            if w[1] == "arp":
                r = names(lambda f: arp_req_for(f, w[2]))
            else:
                r = names(lambda f: icmp6_for(f, 135, w[2]))
            print("seen=%s marker=%s" % (r, marker), flush=True)
        elif w[0] == "tx":
            snd, wait, kind, a = w[1], w[2].split(","), w[3], w[4:]
            mac = own[snd]
            if kind == "arp":
                f = arp(mac, int(a[0]), a[1], a[2])
                rep = None
                if a[0] == "1" and a[1] != a[2]:
                    rep = lambda g: arp_rep_from(g, a[2])
            elif kind == "ns":
                dst = a[2] if len(a) > 2 and a[2] != "-" else None
                f = ns(mac, a[0], a[1], dst, "hbh" in a[3:])
                rep = lambda g: icmp6_for(g, 136, a[1])
            elif kind == "udpb":
                f, rep = udpb(mac, a[0]), None
            else:
                raise ValueError("bad kind " + kind)
            clear()
            socks[snd].sendto(f, (dev[snd], int.from_bytes(f[12:14], "big")))
            marker = mark_and_wait(snd, wait)
            seen = names(lambda g: g.startswith(f))
            r = "-" if rep is None else ("1" if any(rep(g) for g in got[snd]) else "0")
            print("frame=%s marker=%s reply=%s" % (seen, marker, r), flush=True)
        else:
            raise ValueError("bad command")
    except Exception as e:
        print("error: %r" % e, flush=True)
EOF
coproc PKT { exec "$PYTHON" "${PYTHON_FLAGS[@]}" -c "$PY_PKT" "s1:$NS1:ipvl0" \
	"s2:$NS2:ipvl1" "s3:$NS3:ipvl2" "out:$NS_OUT:$PEER" 2>&1; }
PKT_IN=${PKT[1]}
PKT_OUT=${PKT[0]}
on_exit "kill $PKT_PID"

# pkt_cmd CMD...: one command to the packet tool; its answer in PKT_LINE.
PKT_LINE=
pkt_cmd() {
	PKT_LINE=
	echo "$*" >&"$PKT_IN" || return 1
	read -r -t 60 PKT_LINE <&"$PKT_OUT"
}

# tx DESC ERE SENDER WAIT KIND ARGS...: send a crafted frame; its answer
# must match ERE (anchored here).
tx() {
	local desc=$1 re=$2
	shift 2
	pkt_cmd tx "$@"
	check_match "$desc" "^$re\$" "$PKT_LINE"
}

# seen DESC ERE KIND ADDR WAIT: who received an ARP request / NS for ADDR
# since the last pkt_cmd clear.
seen() {
	pkt_cmd seen "$3" "$4" "$5"
	check_match "$1" "^$2\$" "$PKT_LINE"
}

pkt_cmd clear
[[ "$PKT_LINE" == ok ]] || die "start the packet tool: $PKT_LINE"

# ping_fresh DESC NS ADDR: flush the neighbour caches of every netns, forget
# what the sockets got, and ping ADDR from NS once.
# shellcheck disable=SC2317  # called through check
ping_fresh() {
	local ns
	for ns in "$NS_OUT" "$NS_HOST" "$NS1" "$NS2" "$NS3"; do
		ip -n "$ns" neigh flush all >/dev/null 2>&1
	done
	pkt_cmd clear
	check "$1" ping_once "$2" "$3"
}

ALL=s1,s2,s3      # a marker from the outside reaches every slave
FROM_C=s1,s2,out  # a marker from C reaches its siblings and the wire

# --- the owner answers: dynamic ARP/ND after a neighbour flush, from the
# outside and between slaves; and who else saw the request.
ping_fresh "out pings A $A4 (dynamic ARP)" "$NS_OUT" "$A4"
seen "$ARP_TAG   ... out's ARP request for A seen by $(sel 'every slave' 'A only')" \
	"seen=$(sel s1,s2,s3 s1) marker=$ALL" arp "$A4" "$ALL"
ping_fresh "out pings A $A6 (dynamic ND)" "$NS_OUT" "$A6"
seen "$NS_TAG   ... out's NS for A seen by $(sel 'A and B (same group)' 'A only')" \
	"seen=$(sel 's1,s2(,s3)?' s1) marker=$ALL" ns "$A6" "$ALL"
ping_fresh "out pings B $B4 (dynamic ARP)" "$NS_OUT" "$B4"
ping_fresh "out pings B $B6 (dynamic ND, A's group)" "$NS_OUT" "$B6"
seen "$NS_TAG   ... out's NS for B seen by $(sel 'A and B (same group)' 'B only')" \
	"seen=$(sel 's1,s2(,s3)?' s2) marker=$ALL" ns "$B6" "$ALL"
ping_fresh "C pings A $A4 (bridge mode, dynamic ARP)" "$NS3" "$A4"
seen "$ARP_TAG   ... C's ARP request for A seen by $(sel 'A, B and the wire' 'A and the wire')" \
	"seen=$(sel s1,s2,out s1,out) marker=$ALL" arp "$A4" "$ALL"
ping_fresh "C pings A $A6 (bridge mode, dynamic ND)" "$NS3" "$A6"
seen "$NS_TAG   ... C's NS for A seen by $(sel 'A, B and the wire' 'A and the wire')" \
	"seen=$(sel s1,s2,out s1,out) marker=$ALL" ns "$A6" "$ALL"
ping_fresh "A pings B $B4 (bridge mode, dynamic ARP)" "$NS1" "$B4"
seen "$ARP_TAG   ... A's ARP request for B seen by $(sel 'B, C and the wire' 'B and the wire')" \
	"seen=$(sel s2,s3,out s2,out) marker=$ALL" arp "$B4" "$ALL"
ping_fresh "A pings B $B6 (bridge mode, dynamic ND, A's own group)" "$NS1" "$B6"
seen "$NS_TAG   ... A's NS for B seen by $(sel 'B and the wire' 'B and the wire')" \
	"seen=$(sel 's2(,s3)?,out' s2,out) marker=$ALL" ns "$B6" "$ALL"

# --- crafted ARP from the wire
tx "$ARP_TAG wire ARP request for A: $(sel 'every slave gets it' 'only A'), A replies" \
	"frame=$(sel s1,s2,s3 s1) marker=$ALL reply=1" out "$ALL" arp 1 "$OUT_IP4" "$A4"
tx "$ARP_TAG wire ARP request for C: $(sel 'every slave gets it' 'only C'), C replies" \
	"frame=$(sel s1,s2,s3 s3) marker=$ALL reply=1" out "$ALL" arp 1 "$OUT_IP4" "$C4"
tx "$ARP_TAG wire ARP request for the master's IP: $(sel 'every slave gets it' 'no slave'), the master replies" \
	"frame=$(sel s1,s2,s3 -) marker=$ALL reply=1" out "$ALL" arp 1 "$OUT_IP4" "$HOST_IP4"
tx "$ARP_TAG wire ARP request for $NOBODY4 (nobody's): $(sel 'every slave gets it' 'no slave'), no reply" \
	"frame=$(sel s1,s2,s3 -) marker=$ALL reply=0" out "$ALL" arp 1 "$OUT_IP4" "$NOBODY4"
tx "$ARP_TAG wire ARP probe (from 0.0.0.0) for B: $(sel 'every slave gets it' 'only B'), B replies" \
	"frame=$(sel s1,s2,s3 s2) marker=$ALL reply=1" out "$ALL" arp 1 0.0.0.0 "$B4"
tx "wire gratuitous ARP request (10.0.0.50): every slave" \
	"frame=s1,s2,s3 marker=$ALL reply=-" out "$ALL" arp 1 10.0.0.50 10.0.0.50
tx "wire gratuitous ARP reply (10.0.0.50): every slave" \
	"frame=s1,s2,s3 marker=$ALL reply=-" out "$ALL" arp 2 10.0.0.50 10.0.0.50
tx "wire broadcast ARP reply $OUT_IP4 -> A's IP (not gratuitous): every slave" \
	"frame=s1,s2,s3 marker=$ALL reply=-" out "$ALL" arp 2 "$OUT_IP4" "$A4"
tx "wire IPv4 UDP broadcast: every slave" \
	"frame=s1,s2,s3 marker=$ALL reply=-" out "$ALL" udpb "$OUT_IP4"

# --- crafted ND from the wire.  C has no address in ff02::1:ff00:11; stock
# may still give it the NS: the multicast filter is an 8-bit hash.
tx "$NS_TAG wire NS for A to ff02::1:ff00:11: $(sel 'A and B (same group)' 'only A'), A answers" \
	"frame=$(sel 's1,s2(,s3)?' s1) marker=$ALL reply=1" out "$ALL" ns "$OUT_IP6" "$A6"
tx "$NS_TAG wire NS for B to the same group: $(sel 'A and B' 'only B'), B answers" \
	"frame=$(sel 's1,s2(,s3)?' s2) marker=$ALL reply=1" out "$ALL" ns "$OUT_IP6" "$B6"
tx "$NS_TAG wire DAD NS (from ::) for A: $(sel 'A and B' 'only A'), A defends" \
	"frame=$(sel 's1,s2(,s3)?' s1) marker=$ALL reply=1" out "$ALL" ns :: "$A6"
tx "wire NS for A to ff02::1 (not solicited-node): every slave" \
	"frame=s1,s2,s3 marker=$ALL reply=[01]" out "$ALL" ns "$OUT_IP6" "$A6" ff02::1
# Not filtered either: an NS sent to another group than its target's (C's
# group ff02::1:ff00:13: C gets it, like any multicast), and an NS behind an
# extension header (A and B, the members of the group).  The 8-bit filter
# may let a non-member through: those are allowed.
tx "wire NS for A to C's group ff02::1:ff00:13: C (a member) gets it" \
	"frame=(s1,)?(s2,)?s3 marker=$ALL reply=[01]" out "$ALL" ns "$OUT_IP6" "$A6" ff02::1:ff00:13
tx "wire NS for A behind a hop-by-hop header: A and B (the group's members) get it" \
	"frame=s1,s2(,s3)? marker=$ALL reply=[01]" out "$ALL" ns "$OUT_IP6" "$A6" - hbh

# --- crafted ARP/ND from slave C (bridge mode): to its siblings and out
tx "$ARP_TAG C's ARP request for A: $(sel 'A, B and the wire' 'A and the wire'), A replies" \
	"frame=$(sel s1,s2,out s1,out) marker=$FROM_C reply=1" s3 "$FROM_C" arp 1 "$C4" "$A4"
tx "$ARP_TAG C's ARP request for the outside's IP: $(sel 'A, B and the wire' 'the wire only'), out replies" \
	"frame=$(sel s1,s2,out out) marker=$FROM_C reply=1" s3 "$FROM_C" arp 1 "$C4" "$OUT_IP4"
tx "C's gratuitous ARP: A, B and the wire" \
	"frame=s1,s2,out marker=$FROM_C reply=-" s3 "$FROM_C" arp 1 "$C4" "$C4"
tx "$NS_TAG C's NS for A: $(sel 'A, B (same group) and the wire' 'A and the wire'), A answers" \
	"frame=$(sel s1,s2,out s1,out) marker=$FROM_C reply=1" s3 "$FROM_C" ns "$C6" "$A6"
tx "$NS_TAG C's NS for B: $(sel 'A, B and the wire' 'B and the wire'), B answers" \
	"frame=$(sel s1,s2,out s2,out) marker=$FROM_C reply=1" s3 "$FROM_C" ns "$C6" "$B6"

# --- the owner down: its address is not served, so (ours) nobody gets the
# request; stock gives it to the up slaves.  (Last: A loses its IPv6
# address when it goes down.)
check "set A (ipvl0) down" ip -n "$NS1" link set ipvl0 down
tx "$ARP_TAG wire ARP request for A while A is down: $(sel 'B and C' 'no slave'), no reply" \
	"frame=$(sel s2,s3 -) marker=s2,s3 reply=0" out s2,s3 arp 1 "$OUT_IP4" "$A4"
check "set A (ipvl0) up" ip -n "$NS1" link set ipvl0 up
tx "$ARP_TAG wire ARP request for A once A is up again: $(sel 'every slave' 'only A'), A replies" \
	"frame=$(sel s1,s2,s3 s1) marker=$ALL reply=1" out "$ALL" arp 1 "$OUT_IP4" "$A4"

tests_done
