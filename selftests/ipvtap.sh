#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# ipvtap (spec section 7; section 12, items 113-115): an ipvlan slave of kind
# "ipvtap" whose frames go to and come from a character device, as with
# macvtap.
#   113: /dev/tap<ifindex> (devtmpfs creates it; its major:minor equals the
#        sysfs "dev"), the sysfs tap<ifindex> link of the netdev into the
#        "ipvtap" class, qlen 500 and a real qdisc (not noqueue) that the
#        frames written to the fd go through.
#   114: the ipvtap shares one port with an ipvlan slave on the same master:
#        dev_id 0x2 after the ipvlan's 0x1, a mode change through the ipvlan
#        shows on the ipvtap and one through the ipvtap on the ipvlan, and
#        traffic flows between the two slaves.
#   115: in L3 and in L2 mode, a UDP datagram sent to the ipvtap's address
#        (from the outside and from the ipvlan sibling) is read from the fd
#        (poll reports it readable), and a frame written to the fd leaves
#        through the master to the outside, or reaches the sibling.  In L2
#        the fd also gets the ARP requests for its address (broadcasts) and
#        its replies are delivered; in L3 nobody ARPs for it.
# One python process per mode does the fd work (struct/socket/os only): it
# opens the fd, makes UDP sockets in the outside and sibling netns (setns),
# sends, reads, writes, and prints one line per fact; the checks are here.
# The virtio_net_hdr: a fresh fd has IFF_TAP|IFF_NO_PI|IFF_VNET_HDR.  The
# L3 pass keeps it (a 10-byte header before every frame read and written;
# a zero header on write), the L2 pass clears IFF_VNET_HDR with TUNSETIFF.
# At the end ipvtap is unloaded with its link still there (ipvlan stays).
#
#   out:  veth1 10.0.0.2/24 <--> host: veth0 10.0.0.1/24 (the master)
#   ns1:  ipvl0 10.1.0.11/32 (ipvlan)          \  one port on veth0
#   tap:  ipvtap0 10.1.0.20/32 (ipvtap, no IPv6) /  fd: /dev/tap<ifindex>

. "$(dirname "$0")/lib.sh"

require_root
require_cmd ip tc
ipvlan_require
ipvtap_load || die "cannot load ipvtap for $(ipvlan_driver_desc)"
on_exit ipvtap_unload

# The loaded ipvtap is the selected one: ours is out of tree (taint O).
taint=$(</sys/module/ipvtap/taint)
if ipvlan_is_stock; then
	check_eq "ipvtap is the stock module (no out-of-tree taint)" "" "${taint//[!O]/}"
else
	check_eq "ipvtap is ours (out-of-tree taint O)" "O" "${taint//[!O]/}"
fi

S_IP4=10.1.0.11
T_IP4=10.1.0.20
TAP=ipvtap0
NL=$'\n'

topo_outside
ns_create NS1 ns1
ns_create NS_TAP tap
# No IPv6 on the ipvtap: its netns then sends nothing of its own through it
# (no DAD, RS or MLD), so the qdisc counts only what the fd wrote.
ns_exec "$NS_TAP" bash -c 'echo 1 >/proc/sys/net/ipv6/conf/all/disable_ipv6 &&
	echo 1 >/proc/sys/net/ipv6/conf/default/disable_ipv6' ||
	die "disable IPv6 in the tap netns"
slave_add "$NS1" ipvl0 "$S_IP4" 2001:db8:1::11 mode l3 || die "create ipvl0 in ns1"

master_mac=$(link_field "$NS_HOST" "$MASTER" address)
out_mac=$(link_field "$NS_OUT" "$PEER" address)

# --- 114: an ipvtap on a master that already has an ipvlan slave
check "create ipvtap0 (mode l3) on the master of ipvl0, in its own netns" \
	ip -n "$NS_HOST" link add link "$MASTER" name "$TAP" netns "$NS_TAP" type ipvtap mode l3
{
	ip -n "$NS_TAP" addr add "$T_IP4/32" dev "$TAP" &&
		ip -n "$NS_TAP" link set "$TAP" up
} || die "configure $TAP"

read -r idx kind mode qlen qdisc mac <<<"$(link_field "$NS_TAP" "$TAP" ifindex info_kind mode txqlen qdisc address)"
log "$TAP: ifindex $idx kind $kind mode $mode qlen $qlen qdisc $qdisc mac $mac"
check_eq "$TAP is an ipvtap in mode l3" "ipvtap l3" "$kind $mode"
check_eq "$TAP has the master's MAC" "$master_mac" "$mac"

# --- 113: qlen 500 and a real qdisc (ipvlan slaves have noqueue)
check_eq "$TAP qlen is 500" 500 "$qlen"
check_nomatch "$TAP has a real qdisc once up (not noqueue/noop): $qdisc" '^(noqueue|noop|-)$' "$qdisc"

# --- 113: the sysfs tapN link, the class device, its dev; 114: dev_id
# shellcheck disable=SC2016  # expanded by the inner shell
sys=$(ns_sysfs_exec "$NS_TAP" bash -c '
	d=/sys/class/net/$1
	mapfile -t r < <(readlink -f "$d/tap$2" "/sys/class/ipvtap/tap$2")
	echo "lnk=${r[0]:-}"
	echo "cls=${r[1]:-}"
	echo "dev=$(<"$d/tap$2/dev")"
	echo "class=$(echo /sys/class/ipvtap/*)"
	echo "dev_id=$(<"$d/dev_id")"' _ "$TAP" "$idx" 2>&1)
log "sysfs of $TAP in its netns:"
printf '%s\n' "$sys" | _diag
# The link (relative: ipvtap/tapN) resolves to the class device under the
# netdev, the same as /sys/class/ipvtap/tapN.
lnk=- cls=-
[[ "$sys" =~ (^|$NL)lnk=([^$NL]*) ]] && lnk=${BASH_REMATCH[2]}
[[ "$sys" =~ (^|$NL)cls=([^$NL]*) ]] && cls=${BASH_REMATCH[2]}
check_match "sysfs: /sys/class/net/$TAP/tap$idx resolves to .../$TAP/ipvtap/tap$idx" \
	"/$TAP/ipvtap/tap$idx\$" "$lnk"
check_eq "sysfs: ... which is /sys/class/ipvtap/tap$idx" "$cls" "$lnk"
check_match "sysfs: /sys/class/ipvtap has tap$idx (and nothing else)" \
	"(^|$NL)class=/sys/class/ipvtap/tap$idx($NL|$)" "$sys"
sysdev=-
[[ "$sys" =~ (^|$NL)dev=([0-9]+:[0-9]+) ]] && sysdev=${BASH_REMATCH[2]}
check_match "sysfs: tap$idx/dev is major:minor ($sysdev)" '^[0-9]+:[0-9]+$' "$sysdev"
check_match "$TAP dev_id is 0x2 (ipvl0 has 0x1: one port, one id space)" \
	"(^|$NL)dev_id=0x2($NL|$)" "$sys"

# /dev/tapN: devtmpfs makes it (no udev in the VM); mknod only as a fallback
# so that the rest can still run.
tapdev=/dev/tap$idx
if ! check "$tapdev appears by itself (devtmpfs)" wait_until 2 test -c "$tapdev"; then
	if [[ "$sysdev" == *:* ]]; then
		tapdev=$(mktemp -d /tmp/ipvtap-XXXXXX)/tap$idx
		on_exit "rm -rf '${tapdev%/*}'"
		mknod "$tapdev" c "${sysdev%:*}" "${sysdev#*:}" || die "mknod $tapdev"
		log "using $tapdev (mknod $sysdev)"
	fi
fi

# ------------------------------------------------ the fd side (one python)
# argv: tapdev vnet(1/0) tap_mac tap_ip out_ns out_ip out_mac sib_ns sib_ip tag
# Prints: rdev=M:m, flags_open=0x.. ifname=.., flags=0x.. (after TUNSETIFF
# if vnet=0), "in NAME ok poll eth=SRC>DST ip=S:P>D:P csum=.. len=.."
# or "in NAME timeout", "arp from=IP sha=MAC" per ARP request answered,
# "out NAME ok from=IP:PORT" or "out NAME timeout", "other=N".
read -r -d '' PY <<'EOF'
import ctypes, fcntl, os, select, socket, struct, sys, time

(tapdev, vnet, tap_mac, tap_ip, out_ns, out_ip, out_mac, sib_ns, sib_ip,
 tag) = sys.argv[1:]
vnet = vnet == '1'
TAP_PORT, OUT_PORT, SIB_PORT = 7001, 7002, 7003
TUNSETIFF, TUNGETIFF = 0x400454ca, 0x800454d2
IFF_TAP, IFF_NO_PI, IFF_VNET_HDR = 0x0002, 0x1000, 0x4000
VNET_F_NEEDS_CSUM = 1


def mac_b(s):
    return bytes.fromhex(s.replace(':', ''))


def mac_s(b):
    return ':'.join('%02x' % x for x in b)


TAP_MAC, OUT_MAC = mac_b(tap_mac), mac_b(out_mac)
TAP_IP, OUT_IP, SIB_IP = (socket.inet_aton(a) for a in (tap_ip, out_ip, sib_ip))
libc = ctypes.CDLL(None, use_errno=True)


def say(*a):
    print(*a, flush=True)


def udp_sock_in(ns, port):
    me = os.open('/proc/self/ns/net', os.O_RDONLY)
    fd = os.open('/run/netns/' + ns, os.O_RDONLY)
    try:
        if libc.setns(fd, 0x40000000) != 0:
            raise OSError(ctypes.get_errno(), 'setns ' + ns)
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.bind(('0.0.0.0', port))
        s.settimeout(3)
        return s
    finally:
        libc.setns(me, 0x40000000)
        os.close(fd)
        os.close(me)


def csum(b):
    if len(b) % 2:
        b += b'\0'
    s = sum(struct.unpack('!%dH' % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return s


out_sock = udp_sock_in(out_ns, OUT_PORT)
sib_sock = udp_sock_in(sib_ns, SIB_PORT)

st = os.stat(tapdev)
say('rdev=%d:%d' % (os.major(st.st_rdev), os.minor(st.st_rdev)))
fd = os.open(tapdev, os.O_RDWR | os.O_NONBLOCK)


def getiff():
    buf = bytearray(40)
    fcntl.ioctl(fd, TUNGETIFF, buf)
    return struct.unpack_from('H', buf, 16)[0], buf[:16].rstrip(b'\0').decode()


f, name = getiff()
say('flags_open=0x%04x ifname=%s' % (f, name))
if not vnet:
    buf = bytearray(40)
    struct.pack_into('H', buf, 16, IFF_TAP | IFF_NO_PI)
    fcntl.ioctl(fd, TUNSETIFF, buf)
f, name = getiff()
say('flags=0x%04x' % f)
HDR = 10 if f & IFF_VNET_HDR else 0
other = 0


def write_frame(frame):
    os.write(fd, b'\0' * HDR + frame)


def arp_reply(f):
    # f: the ARP request's Ethernet frame
    sha, spa, tpa = f[22:28], f[28:32], f[38:42]
    if struct.unpack('!HHBBH', f[14:22]) != (1, 0x0800, 6, 4, 1) or tpa != TAP_IP:
        return False
    say('arp from=%s sha=%s' % (socket.inet_ntoa(spa), mac_s(sha)))
    write_frame(sha + TAP_MAC + b'\x08\x06' +
                struct.pack('!HHBBH', 1, 0x0800, 6, 4, 2) +
                TAP_MAC + TAP_IP + sha + spa + b'\0' * 18)
    return True


def udp_match(vh, f, marker):
    ip = f[14:]
    if len(ip) < 28 or ip[0] != 0x45 or ip[9] != 17:
        return None
    tot = struct.unpack('!H', ip[2:4])[0]
    u = ip[20:tot]
    sp, dp, ulen, ucs = struct.unpack('!HHHH', u[:8])
    if u[8:ulen] != marker:
        return None
    ph = ip[12:20] + struct.pack('!BBH', 0, 17, ulen)
    if HDR and vh[0] & VNET_F_NEEDS_CSUM:
        # CHECKSUM_PARTIAL: finish it at csum_start + csum_offset first
        cs, co = struct.unpack('<HH', vh[6:10])
        if (cs, co) != (34, 6):
            c = 'partial-bad-offsets'
        else:
            full = bytearray(f[:14 + tot])
            struct.pack_into('!H', full, cs + co, ~csum(bytes(full[cs:])) & 0xffff)
            c = 'partial-ok' if csum(ph + bytes(full[34:])) == 0xffff else 'partial-bad'
    elif ucs == 0:
        c = 'none'
    else:
        c = 'ok' if csum(ph + u[:ulen]) == 0xffff else 'bad'
    if csum(ip[:20]) != 0xffff:
        c += '-ipbad'
    return 'eth=%s>%s ip=%s:%d>%s:%d csum=%s len=%d' % (
        mac_s(f[6:12]), mac_s(f[:6]), socket.inet_ntoa(ip[12:16]), sp,
        socket.inet_ntoa(ip[16:20]), dp, c, ulen - 8)


def expect(name, marker, timeout=4.0):
    global other
    end = time.monotonic() + timeout
    p = select.poll()
    p.register(fd, select.POLLIN)
    while True:
        left = end - time.monotonic()
        if left <= 0:
            say('in %s timeout' % name)
            return
        if not p.poll(left * 1000):
            continue
        while True:
            try:
                d = os.read(fd, 65536)
            except BlockingIOError:
                break
            vh, f = d[:HDR], d[HDR:]
            if len(f) < 14:
                other += 1
                continue
            et = struct.unpack('!H', f[12:14])[0]
            if et == 0x0806 and len(f) >= 42 and arp_reply(f):
                continue
            r = udp_match(vh, f, marker) if et == 0x0800 else None
            if r:
                say('in %s ok poll %s' % (name, r))
                return
            other += 1


def udp_frame(dmac, dip, dport, payload):
    ulen = 8 + len(payload)
    u = struct.pack('!HHHH', TAP_PORT, dport, ulen, 0) + payload
    c = ~csum(TAP_IP + dip + struct.pack('!BBH', 0, 17, ulen) + u) & 0xffff
    u = u[:6] + struct.pack('!H', c or 0xffff) + u[8:]
    ip = struct.pack('!BBHHHBBH4s4s', 0x45, 0, 20 + ulen, 0x1234, 0x4000,
                     64, 17, 0, TAP_IP, dip)
    ip = ip[:10] + struct.pack('!H', ~csum(ip) & 0xffff) + ip[12:]
    return dmac + TAP_MAC + b'\x08\x00' + ip + u


def send_out(name, sock, dmac, dip, dport):
    marker = ('ipvtap-%s-%s' % (name, tag)).encode()
    write_frame(udp_frame(dmac, dip, dport, marker))
    try:
        while True:
            d, a = sock.recvfrom(2048)
            if d == marker:
                say('out %s ok from=%s:%d' % (name, a[0], a[1]))
                return
    except socket.timeout:
        say('out %s timeout' % name)


m = ('ipvtap-from_out-%s' % tag).encode()
out_sock.sendto(m, (tap_ip, TAP_PORT))
expect('from_out', m)
m = ('ipvtap-from_sib-%s' % tag).encode()
sib_sock.sendto(m, (tap_ip, TAP_PORT))
expect('from_sib', m)
send_out('to_out', out_sock, OUT_MAC, OUT_IP, OUT_PORT)
send_out('to_sib', sib_sock, TAP_MAC, SIB_IP, SIB_PORT)
say('other=%d' % other)
EOF

# qdisc_sent: packets the ipvtap's root qdisc sent so far.
qdisc_sent() {
	local s
	s=$(tc -n "$NS_TAP" -s qdisc show dev "$TAP") || return 1
	[[ "$s" =~ Sent\ [0-9]+\ bytes\ ([0-9]+)\ pkt ]] || return 1
	printf '%s\n' "${BASH_REMATCH[1]}"
}

# re_lit STR: STR with the dots escaped, for a regex.
re_lit() { printf '%s\n' "${1//./\\.}"; }

# fd_pass MODE VNET: one python run and the checks of its output.
fd_pass() {
	local m=$1 vnet=$2 out q0 q1 c_in flags
	local -a p0 p1
	local o4 s4 t4 mm om
	o4=$(re_lit "$OUT_IP4") s4=$(re_lit "$S_IP4") t4=$(re_lit "$T_IP4")
	mm=$master_mac om=$out_mac
	read -r -a p0 <<<"$(link_pkts "$NS_TAP" "$TAP")"
	q0=$(qdisc_sent) || q0=-
	out=$("$PYTHON" "${PYTHON_FLAGS[@]}" -c "$PY" "$tapdev" "$vnet" "$master_mac" \
		"$T_IP4" "$NS_OUT" "$OUT_IP4" "$out_mac" "$NS1" "$S_IP4" "$RANDOM$$" 2>&1)
	log "fd, $m mode:"
	printf '%s\n' "$out" | _diag
	read -r -a p1 <<<"$(link_pkts "$NS_TAP" "$TAP")"
	q1=$(qdisc_sent) || q1=-

	[[ "$sysdev" == *:* && $m == l3 ]] &&
		check_match "$tapdev is the char device $sysdev of sysfs" "(^|$NL)rdev=$sysdev($NL|$)" "$out"
	check_match "$m: a fresh fd: IFF_TAP|IFF_NO_PI|IFF_VNET_HDR (0x5002), TUNGETIFF names $TAP" \
		"(^|$NL)flags_open=0x5002 ifname=$TAP($NL|$)" "$out"
	if [[ $vnet == 1 ]]; then
		flags=0x5002 c_in='(ok|partial-ok)'
	else
		flags=0x1002 c_in='ok'
	fi
	check_match "$m: fd flags $flags (vnet header $([[ $vnet == 1 ]] && echo kept || echo cleared by TUNSETIFF))" \
		"(^|$NL)flags=$flags($NL|$)" "$out"

	# --- 115 (and 114: between the two slaves of the port)
	check_match "$m: outside -> $T_IP4: the datagram is read from the fd (poll readable)" \
		"(^|$NL)in from_out ok poll eth=$om>$mm ip=$o4:7002>$t4:7001 csum=$c_in len=[0-9]+($NL|$)" "$out"
	check_match "$m: ipvl0 (ns1) -> $T_IP4: the datagram is read from the fd" \
		"(^|$NL)in from_sib ok poll eth=$mm>$mm ip=$s4:7003>$t4:7001 csum=$c_in len=[0-9]+($NL|$)" "$out"
	check_match "$m: a frame written to the fd leaves through the master: the outside gets it from $T_IP4" \
		"(^|$NL)out to_out ok from=$t4:7001($NL|$)" "$out"
	check_match "$m: a frame written to the fd to $S_IP4 reaches ipvl0 in ns1" \
		"(^|$NL)out to_sib ok from=$t4:7001($NL|$)" "$out"
	if [[ $m == l2 ]]; then
		check_match "l2: the outside's ARP request for $T_IP4 (a broadcast) reaches the fd; the reply written is delivered" \
			"(^|$NL)arp from=$o4 sha=$om($NL|$)" "$out"
		check_match "l2: ipvl0's ARP request for $T_IP4 reaches the fd; the reply written is delivered" \
			"(^|$NL)arp from=$s4 sha=$mm($NL|$)" "$out"
	else
		# The outside's first datagram made it ARP for $HOST_IP4: in l3 that
		# broadcast goes to the master only (the l2 pass shows that
		# the fd does get broadcasts there).
		check_match "l3: nothing else reached the fd (no ARP, no broadcast: other=0)" \
			"(^|$NL)other=0($NL|$)" "$out"
		check_nomatch "l3: no ARP request reached the fd" "(^|$NL)arp from=" "$out"
	fi
	check_gt "$m: $TAP rx_packets went up by 2+ (${p0[0]:-?} -> ${p1[0]:-?})" "${p1[0]:-}" "$((${p0[0]:-0} + 1))"
	check_gt "$m: $TAP tx_packets went up by 2+ (${p0[1]:-?} -> ${p1[1]:-?})" "${p1[1]:-}" "$((${p0[1]:-0} + 1))"
	# --- 113: the frames written to the fd went through the real qdisc
	check_gt "$m: $TAP's qdisc sent the frames written to the fd ($q0 -> $q1 pkt)" \
		"$q1" "$((${q0//-/0} + 1))"
}

# --- 115: L3 mode, vnet header kept
fd_pass l3 1

# --- 114: a mode change through the ipvlan applies to the ipvtap
check "set the port to l2 through ipvl0 (ipvlan)" ip -n "$NS1" link set ipvl0 type ipvlan mode l2
check_eq "$TAP (ipvtap) now reports mode l2" "l2" "$(link_field "$NS_TAP" "$TAP" mode)"

# --- 115: L2 mode, vnet header cleared.  The outside reaches $T_IP4 on-link
# now: the fd must answer its ARP request.
ip -n "$NS_OUT" route add "$T_IP4/32" dev "$PEER" || die "on-link route to $T_IP4 in out"
fd_pass l2 0
check_match "l2: the outside's neighbour entry for $T_IP4 is the master's MAC (from the fd's reply)" \
	"lladdr $master_mac" "$(ip -n "$NS_OUT" neigh show "$T_IP4" dev "$PEER")"

# --- 114: a mode change through the ipvtap applies to the ipvlan
check "set the port to l3 through $TAP (ipvtap)" ip -n "$NS_TAP" link set "$TAP" type ipvtap mode l3
check_eq "ipvl0 (ipvlan) now reports mode l3" "l3" "$(link_field "$NS1" ipvl0 mode)"
check "ipvl0 still reaches the outside in l3" ping_once "$NS1" "$OUT_IP4"

# --- unload ipvtap with its link in place; ipvlan and ipvl0 stay
check "rmmod ipvtap with $TAP still there" ipvtap_unload
check "$TAP is gone" link_absent "$NS_TAP" "$TAP"
check_fail "$tapdev is gone" test -e "/dev/tap$idx"
check "ipvlan is still loaded" ipvlan_loaded
check "ipvl0 still exists" link_exists "$NS1" ipvl0
check "ipvl0 still reaches the outside" ping_once "$NS1" "$OUT_IP4"

tests_done
