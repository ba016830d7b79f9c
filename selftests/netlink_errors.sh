#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# ipvlan netlink errors and create-time attributes (spec section 12, items 2,
# 4-7, 9, 10, 13, 14, 17, 22, 25-28; sections 2.3-2.4): a second "ipvlan"
# module cannot be loaded (EEXIST); newlink without IFLA_LINK (EINVAL), with
# an unknown ifindex (ENODEV), on lo (EINVAL + kernel log) or on a
# non-Ethernet master (EINVAL); link = an existing slave creates a sibling on
# the real master, but not from a user namespace without CAP_NET_ADMIN over
# the master's netns (EPERM, changelink too); a 1-byte MODE attribute
# (ERANGE + extack); an unknown attribute in IFLA_INFO_DATA (ignored); a
# newlink without flags keeps the port's flags; IFLA_ADDRESS ignored and a
# big IFLA_MTU accepted at create; MTU bounds 68..65535; no MAC change.
# (Item 16, newlink without a mode on an L2 port, is covered elsewhere.)
#
#   host: dummy0 - ipvl0..ipvl3 (9, 25-28)    d1 - p0, p1 (17)
#         d2 - nl14 (13, 14)                  d3 - u0, u2 (in the userns's netns)
#   userns (unshare -Urn, no CAP_NET_ADMIN over host): its netns holds u0

. "$(dirname "$0")/lib.sh"

require_root
require_cmd ip insmod modinfo unshare nsenter
require_python
ipvlan_require

M=dummy0
ns_create H host
ip -n "$H" link add "$M" type dummy || skip_all "cannot create a dummy device"
ip -n "$H" -b - <<EOF || die "create and set up the dummy masters"
link set $M up
link add d1 type dummy
link set d1 up
link add d2 type dummy
link set d2 up
link add d3 type dummy
link set d3 up
EOF
read -r master_mac master_mtu <<<"$(link_field "$H" "$M" address mtu)"
d3_idx=$(link_field "$H" d3 ifindex)

# --- 2: a second module "ipvlan" (the other driver) cannot be loaded
# (The name collision already fails the load: EEXIST, "File exists".)
if ipvlan_is_stock; then
	other=${IPVLAN_OTHER_KO:-/work/ko/ipvlan-snapshot.ko} other_desc=ours
else
	other=$(modinfo -n ipvlan 2>/dev/null) other_desc=stock
fi
if [[ -n "$other" && -r "$other" ]]; then
	check_err "insmod the $other_desc ipvlan.ko while the selected driver is loaded: EEXIST" \
		'File exists' insmod "$other"
	check "the selected driver is still the loaded ipvlan" ipvlan_check_identity
else
	tap_ok "insmod the $other_desc ipvlan.ko: EEXIST # SKIP '${other:-the $other_desc ipvlan.ko}' not readable"
fi

# --- 7 (setup): a non-Ethernet master: gre, else ipip, else a tun in tun mode
nonether=
if { module_loaded ip_gre || modprobe ip_gre >/dev/null 2>&1; } &&
	ip -n "$H" link add gre1 type gre local 192.0.2.1 remote 192.0.2.2 2>/dev/null; then
	nonether=gre1
elif { module_loaded ipip || modprobe ipip >/dev/null 2>&1; } &&
	ip -n "$H" link add ipip1 type ipip local 192.0.2.1 remote 192.0.2.2 2>/dev/null; then
	nonether=ipip1
elif ip -n "$H" tuntap add dev tun1 mode tun 2>/dev/null; then
	nonether=tun1
fi
[[ -n "$nonether" ]] &&
	log "non-Ethernet master: $nonether ($(link_field "$H" "$nonether" link_type))"

# --- 17 (setup): the port of d1 is l3 private
check "create p0 on d1 with mode l3 private" \
	ip -n "$H" link add link d1 name p0 type ipvlan mode l3 private

# --- 4-7, 13, 14, 17: raw newlinks (the errno is the contract; iproute2
# cannot send some of these), one python run: its output is "KEY ERRNO
# EXTACK-MESSAGE" lines.  It uses the message builders of ipvlan_nl.py, and
# asks for extended acks.
mark=$(kmsg_mark)
raw=$(ns_exec "$H" "$PYTHON" "${PYTHON_FLAGS[@]}" - "$LIB_DIR" "$nonether" <<'EOF' 2>&1
import socket
import struct
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, sys.argv[1])
import ipvlan_nl as n  # noqa: E402

SOL_NETLINK = 270
NETLINK_CAP_ACK = 10
NETLINK_EXT_ACK = 11
NLM_F_ACK_TLVS = 0x200
NLMSGERR_ATTR_MSG = 1

nl = n.Rtnl()
nl.sock.setsockopt(SOL_NETLINK, NETLINK_EXT_ACK, 1)
nl.sock.setsockopt(SOL_NETLINK, NETLINK_CAP_ACK, 1)


def u16(v):
    return struct.pack("=H", v)


def newlink(key, name, link, data):
    """RTM_NEWLINK create|excl of kind ipvlan NAME; LINK: an ifindex or
    None (no IFLA_LINK); DATA: the raw IFLA_INFO_DATA payload."""
    body = n.ifinfomsg() + n.attr(n.IFLA_IFNAME, name.encode() + b"\0")
    if link is not None:
        body += n.attr(n.IFLA_LINK, struct.pack("=i", link))
    info = n.attr(n.IFLA_INFO_KIND, b"ipvlan\0")
    info += n.attr(n.IFLA_INFO_DATA, data)
    body += n.attr(n.IFLA_LINKINFO, info)
    nl.seq += 1
    flags = n.NLM_F_REQUEST | n.NLM_F_ACK | n.NLM_F_CREATE | n.NLM_F_EXCL
    nl.sock.send(struct.pack("=IHHII", 16 + len(body), n.RTM_NEWLINK,
                             flags, nl.seq, 0) + body)
    while True:
        buf = nl.sock.recv(65536)
        off = 0
        while off + 16 <= len(buf):
            mlen, mtype, mflags, seq, _ = struct.unpack_from("=IHHII", buf,
                                                             off)
            payload = buf[off + 16:off + mlen]
            off += n.align4(max(mlen, 16))
            if seq != nl.seq or mtype != n.NLMSG_ERROR:
                continue
            err = -struct.unpack_from("=i", payload, 0)[0]
            msg = ""
            if mflags & NLM_F_ACK_TLVS:
                # error code + the request's header (NETLINK_CAP_ACK)
                tlvs = n.parse_attrs(payload[20:])
                msg = tlvs.get(NLMSGERR_ATTR_MSG, b"").rstrip(b"\0")
                msg = msg.decode(errors="replace")
            print(key, n.errname(err), msg or "-")
            return


idx = dict((name, i) for i, name in socket.if_nameindex())
unused = max(idx.values()) + 1000
mode_l3 = n.attr(n.IFLA_IPVLAN_MODE, u16(1))
newlink("nolink", "nl4", None, mode_l3)
newlink("lo", "ipvlo", idx["lo"], mode_l3)
if sys.argv[2]:
    newlink("nonether", "ipvnx", idx[sys.argv[2]], mode_l3)
newlink("badidx", "nl5", unused, mode_l3)
newlink("mode1byte", "nl13", idx["d2"], n.attr(n.IFLA_IPVLAN_MODE, b"\x00"))
newlink("unknown", "nl14", idx["d2"],
        n.attr(3, struct.pack("=I", 7)) + n.attr(0x55, b"xyz") +
        n.attr(n.IFLA_IPVLAN_MODE, u16(0)))
newlink("modeonly", "p1", idx["d1"], n.attr(n.IFLA_IPVLAN_MODE, u16(0)))
EOF
)
log "raw newlinks:"
printf '%s\n' "$raw" | _diag
declare -A RAW=() RAW_MSG=()
while read -r key err msg; do
	[[ -n "$key" ]] || continue
	RAW[$key]=$err
	RAW_MSG[$key]=$msg
done <<<"$raw"

klog=$(kmsg_since "$mark")

# 4: no IFLA_LINK
check_eq "raw newlink without IFLA_LINK: EINVAL" "EINVAL" "${RAW[nolink]:-}"
check "no nl4 was created" link_absent "$H" nl4
# 5: IFLA_LINK = an ifindex that does not exist
check_eq "raw newlink with an unknown ifindex: ENODEV" "ENODEV" "${RAW[badidx]:-}"
check "no nl5 was created" link_absent "$H" nl5
# 6: master lo
check_eq "raw newlink on lo: EINVAL" "EINVAL" "${RAW[lo]:-}"
check_match "kernel log: lo: Master is either lo or non-ether device" \
	'lo: Master is either lo or non-ether device' "$klog"
check "no ipvlo was created" link_absent "$H" ipvlo
# 7: a non-Ethernet master
if [[ -z "$nonether" ]]; then
	tap_ok "raw newlink on a non-Ethernet master: EINVAL # SKIP cannot create a gre, ipip or tun device"
else
	check_eq "raw newlink on $nonether (non-Ethernet): EINVAL" "EINVAL" \
		"${RAW[nonether]:-}"
	check_match "kernel log: $nonether: Master is either lo or non-ether device" \
		"$nonether: Master is either lo or non-ether device" "$klog"
	check "no ipvnx was created" link_absent "$H" ipvnx
fi
# 13: a MODE attribute of 1 byte (NLA_U16 policy)
check_eq "raw newlink with a 1-byte IFLA_IPVLAN_MODE: ERANGE" "ERANGE" \
	"${RAW[mode1byte]:-}"
check_eq "  ... extack: Attribute failed policy validation" \
	"Attribute failed policy validation" "${RAW_MSG[mode1byte]:-}"
check "no nl13 was created" link_absent "$H" nl13
# 14: unknown attribute types (3, 0x55) in IFLA_INFO_DATA: ignored
check_eq "raw newlink with unknown attributes in IFLA_INFO_DATA: OK" "OK" \
	"${RAW[unknown]:-}"
check_eq "  ... nl14 on d2 with the known MODE applied (l2 bridge)" \
	"ipvlan d2 l2 true" "$(link_field "$H" nl14 info_kind link mode bridge)"
# 17: newlink with a mode and no flags keeps the port's flags
check_eq "raw newlink p1 on d1 (l3 private) with only MODE=l2: OK" "OK" \
	"${RAW[modeonly]:-}"
check_eq "p1: mode l2 applied, port flag still private" "l2 true -" \
	"$(link_field "$H" p1 mode private bridge)"
check_eq "p0 (sibling): l2 private too" "l2 true -" \
	"$(link_field "$H" p0 mode private bridge)"

# --- 9: link = an existing slave: the sibling goes on the real master
check "create ipvl0 on $M with mode l3" \
	ip -n "$H" link add link "$M" name ipvl0 type ipvlan mode l3
check "create ipvl1 with link ipvl0 (a slave) and mode l2" \
	ip -n "$H" link add link ipvl0 name ipvl1 type ipvlan mode l2
check_match "ip link shows ipvl1@$M" "^[0-9]+: ipvl1@$M: " \
	"$(ip -n "$H" -o link show dev ipvl1)"
check_eq "ipvl1: ipvlan on $M, mode l2" "ipvlan $M l2" \
	"$(link_field "$H" ipvl1 info_kind link mode)"
check_eq "ipvl0 went l2 with ipvl1's newlink (same port)" "$M l2" \
	"$(link_field "$H" ipvl0 link mode)"

# --- 25: IFLA_ADDRESS at create is ignored: the master's MAC
check "create ipvl2 with address 02:12:34:56:78:9a: accepted" \
	ip -n "$H" link add link "$M" name ipvl2 address 02:12:34:56:78:9a type ipvlan mode l2
check_eq "ipvl2 MAC is the master's ($master_mac), not the one given" "$master_mac" \
	"$(link_field "$H" ipvl2 address)"

# --- 26: IFLA_MTU above the master's is accepted at create
check "create ipvl3 with mtu 9000 (master $master_mtu): accepted" \
	ip -n "$H" link add link "$M" name ipvl3 mtu 9000 type ipvlan mode l2
check_eq "ipvl3 MTU 9000, master MTU unchanged" "9000 $master_mtu" \
	"$(link_field "$H" ipvl3 mtu) $(link_field "$H" "$M" mtu)"

# --- 27: MTU bounds 68..65535 (core checks, extack messages)
check_err "ipvl0 mtu 67: EINVAL (mtu less than device minimum)" \
	'mtu less than device minimum' ip -n "$H" link set ipvl0 mtu 67
check_err "ipvl0 mtu 65536: EINVAL (mtu greater than device maximum)" \
	'mtu greater than device maximum' ip -n "$H" link set ipvl0 mtu 65536
check_eq "ipvl0 MTU unchanged after the refusals" "$master_mtu" \
	"$(link_field "$H" ipvl0 mtu)"
check "ipvl0 mtu 68: accepted" ip -n "$H" link set ipvl0 mtu 68
check_eq "ipvl0 MTU is 68" "68" "$(link_field "$H" ipvl0 mtu)"
check "ipvl0 mtu 65535: accepted" ip -n "$H" link set ipvl0 mtu 65535
check_eq "ipvl0 MTU is 65535" "65535" "$(link_field "$H" ipvl0 mtu)"

# --- 28: no MAC change on a slave
check_err "set ipvl0 address 02:12:34:56:78:9b: EOPNOTSUPP" \
	'Operation not supported' ip -n "$H" link set ipvl0 address 02:12:34:56:78:9b
check_eq "ipvl0 MAC unchanged" "$master_mac" "$(link_field "$H" ipvl0 address)"

# --- 10, 22: from a user namespace without CAP_NET_ADMIN over the master's
# netns.  A process in a new userns + netns (unshare -Urn) holds the netns;
# u0 (on d3, in the host netns) is created in that netns.  The userns has
# CAP_NET_ADMIN over its own netns only.
unshare -Urn sleep 600 &
upid=$!
on_exit "kill $upid; wait $upid"
# unshare execs sleep in place once the namespaces and id maps are set.
# shellcheck disable=SC2317  # called through wait_until
userns_ready() {
	local comm
	read -r comm <"/proc/$upid/comm" && [[ "$comm" == sleep ]]
}
wait_until 10 userns_ready || die "unshare -Urn did not start"
U="ipvl-userns-$(_rand)-$$"
ip netns attach "$U" "$upid" || die "ip netns attach $U (the userns's netns)"
on_exit "ip netns del $U"
# uns CMD...: run CMD inside the userns and its netns.
uns() { nsenter -t "$upid" -U -n --preserve-credentials "$@"; }

check "create u0 on d3 directly in the userns's netns" \
	ip -n "$H" link add link d3 name u0 netns "$U" type ipvlan mode l3
check_match "u0 is visible inside the userns (u0@if$d3_idx)" "^[0-9]+: u0@if$d3_idx: " \
	"$(uns ip -o link show dev u0)"
check "inside the userns: u0 mtu 1400 (no CAP needed over the master): accepted" \
	uns ip link set dev u0 mtu 1400
# 10
check_err "inside the userns: link u0 (a slave) for a new slave: EPERM" \
	'Operation not permitted' uns ip link add link u0 name u1 type ipvlan mode l3
check "no u1 was created" link_absent "$U" u1
# 22
check_err "inside the userns: changelink u0 mode l2: EPERM" \
	'Operation not permitted' uns ip link set dev u0 type ipvlan mode l2
check_eq "u0 is still l3 bridge" "l3 true" "$(link_field "$U" u0 mode bridge)"
# the same newlink from the init userns works (9 across netns)
check "from the init userns: link u0 in the userns's netns for u2: accepted" \
	ip -n "$U" link add link u0 name u2 type ipvlan mode l3
check_match "u2 is on d3 (u2@if$d3_idx)" "^[0-9]+: u2@if$d3_idx: " \
	"$(ip -n "$U" -o link show dev u2)"

tests_done
