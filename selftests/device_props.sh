#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# ipvlan slave device properties (spec section 12, items 30-34, 36, 38,
# 40-42, 47, 48): NOARP per mode and its toggling on mode changes, qdisc and
# qlen, the ethtool driver info, link settings, message level and feature
# set, tso_max inherited from the master, the sysfs upper/lower links, VLAN /
# bridge port / macvlan on a slave refused, and the per-port dev_id that makes
# the slaves' IPv6 link-locals unique.
#
#   host netns: veth0 <-> veth1 (veth0 = master of p0, l3)
#               d1 (l3: a0), d2 (l3s: b0), d3 (l2 <-> l3 <-> l3s: c0 up, c1 down)
#               d4 52:54:00:12:34:56 (dev_id and link-locals: e1, e2, ...)
#               d5 (a second port: f1)

. "$(dirname "$0")/lib.sh"

require_root
require_cmd ip ethtool tc
ipvlan_require

ns_create H host

hip() { ip -n "$H" "$@"; }
heth() { ns_exec "$H" ethtool "$@"; }

{
	hip link add veth0 type veth peer name veth1 &&
		hip link set veth1 up &&
		hip link set veth0 up
} || die "create the veth pair"
# d4's MAC is set before it is up: its link-local is derived from it.
hip link add d4 address 52:54:00:12:34:56 type dummy ||
	skip_all "cannot create a dummy device"
for d in d1 d2 d3 d5; do
	hip link add "$d" type dummy || die "create $d"
done
for d in d1 d2 d3 d4 d5; do
	hip link set "$d" up || die "set $d up"
done

# flag DEV FLAG: "FLAG" if DEV has FLAG, "no FLAG" if not, an error marker if
# DEV cannot be read (so that a "no FLAG" check cannot pass vacuously).
flag() {
	local f
	if ! f=$(link_field "$H" "$1" flags) || [[ -z "$f" || "$f" == - ]]; then
		echo "<cannot read the flags of $1>"
		return
	fi
	if [[ "$f" == *"\"$2\""* ]]; then echo "$2"; else echo "no $2"; fi
}

# --- 30: NOARP in l3/l3s once up, not in l2; a real mode change toggles it
# on every slave of the port, down ones included.  (A freshly created slave
# that is still down is not checked: NOARP is set on open or on a mode change.)
check "create a0 on d1 in l3" hip link add link d1 name a0 type ipvlan mode l3
check "create b0 on d2 in l3s" hip link add link d2 name b0 type ipvlan mode l3s
check "create c0 on d3 in l2" hip link add link d3 name c0 type ipvlan mode l2
check "create c1 on d3 in l2 (stays down)" hip link add link d3 name c1 type ipvlan mode l2
{ hip link set a0 up && hip link set b0 up && hip link set c0 up; } ||
	die "set a0, b0, c0 up"
check_eq "a0 (l3, up) is NOARP" "NOARP" "$(flag a0 NOARP)"
check_eq "b0 (l3s, up) is NOARP" "NOARP" "$(flag b0 NOARP)"
check_eq "c0 (l2, up) is not NOARP" "no NOARP" "$(flag c0 NOARP)"
check_eq "c1 (l2, down) is not NOARP" "no NOARP" "$(flag c1 NOARP)"
check "port d3: l2 -> l3 through c0" hip link set c0 type ipvlan mode l3
check_eq "c0 (up) became NOARP" "NOARP" "$(flag c0 NOARP)"
check_eq "c1 (down) became NOARP" "NOARP" "$(flag c1 NOARP)"
check_eq "  ... and c1 is still down" "no UP" "$(flag c1 UP)"
check "port d3: l3 -> l3s through c1 (down)" hip link set c1 type ipvlan mode l3s
check_eq "c0 still NOARP in l3s" "NOARP" "$(flag c0 NOARP)"
check_eq "c1 still NOARP in l3s" "NOARP" "$(flag c1 NOARP)"
check "port d3: l3s -> l2 through c1 (down)" hip link set c1 type ipvlan mode l2
check_eq "c0 (up) lost NOARP in l2" "no NOARP" "$(flag c0 NOARP)"
check_eq "c1 (down) lost NOARP in l2" "no NOARP" "$(flag c1 NOARP)"
check "c1 set up in l2" hip link set c1 up
check_eq "c1 (l2, up) is not NOARP" "no NOARP" "$(flag c1 NOARP)"
check_eq "a0 on another port (d1) kept NOARP" "NOARP" "$(flag a0 NOARP)"

# --- the slave on the veth master
check "create p0 on veth0 in l3" hip link add link veth0 name p0 type ipvlan mode l3
check "set p0 up" hip link set p0 up

# --- 40: slave@master naming and the sysfs links
check_match "ip link shows p0@veth0" '^[0-9]+: p0@veth0: ' "$(hip -o link show dev p0)"
check_eq "sysfs: veth0/upper_p0 and p0/lower_veth0 are links" "upper lower" \
	"$(ns_sysfs_exec "$H" sh -c 'test -L /sys/class/net/veth0/upper_p0 && echo upper;
		test -L /sys/class/net/p0/lower_veth0 && echo lower' | join_lines)"

# --- 31: qdisc noqueue, qlen 1000
check_eq "p0 (up): ip link shows qdisc noqueue, qlen 1000" "noqueue 1000" \
	"$(link_field "$H" p0 qdisc txqlen)"
check_match "p0: tc shows the root qdisc noqueue" '^qdisc noqueue 0: root' \
	"$(ns_exec "$H" tc qdisc show dev p0)"

# --- 38: tso_max_size/segs are the master's (veth 524280, dummy 65536)
veth_tso=$(link_field "$H" veth0 tso_max_size tso_max_segs)
check_eq "p0 tso_max_size/segs = veth0's ($veth_tso)" "$veth_tso" \
	"$(link_field "$H" p0 tso_max_size tso_max_segs)"
d1_tso=$(link_field "$H" d1 tso_max_size tso_max_segs)
check_eq "a0 tso_max_size/segs = d1's ($d1_tso)" "$d1_tso" \
	"$(link_field "$H" a0 tso_max_size tso_max_segs)"

# --- 32: driver info
drvinfo=$(heth -i p0)
check_match "ethtool -i p0: driver ipvlan" $'(^|\n)driver: ipvlan(\n|$)' "$drvinfo"
check_match "ethtool -i p0: version 0.1" $'(^|\n)version: 0\\.1(\n|$)' "$drvinfo"

# --- 33 + 34: link settings (the master's), message level
master_set=$(heth veth0)
re='Speed: ([^[:space:]]+).*Duplex: ([^[:space:]]+)'
[[ "$master_set" =~ $re ]] && master_sd="${BASH_REMATCH[1]} ${BASH_REMATCH[2]}" ||
	master_sd="<no speed/duplex in ethtool veth0>"
check_eq "the veth master reports 10000Mb/s Full" "10000Mb/s Full" "$master_sd"
check "ethtool -s p0 msglvl 7" heth -s p0 msglvl 7
slave_set=$(heth p0)
[[ "$slave_set" =~ $re ]] && slave_sd="${BASH_REMATCH[1]} ${BASH_REMATCH[2]}" ||
	slave_sd="<no speed/duplex in ethtool p0>"
check_eq "ethtool p0: speed/duplex of the master" "$master_sd" "$slave_sd"
check_match "ethtool p0: Link detected: yes" 'Link detected: yes' "$slave_set"
check_match "ethtool p0: message level reads back 7" \
	'Current message level: 0x00000007 \(7\)' "$slave_set"
check "ethtool -s p0 msglvl 0x2001" heth -s p0 msglvl 0x2001
check_match "ethtool p0: message level reads back 0x2001" \
	'Current message level: 0x00002001 \(8193\)' "$(heth p0)"

# --- 36: key features on and fixed
feat=$(heth -k p0)
for f in tx-checksum-ip-generic tx-scatter-gather tx-scatter-gather-fraglist \
	tx-tcp-segmentation tx-tcp6-segmentation tx-gso-robust highdma \
	vlan-challenged tx-lockless; do
	check_match "ethtool -k p0: $f: on [fixed]" "(^|[[:space:]])$f: on \\[fixed\\]" "$feat"
done
check_match "ethtool -k p0: scatter-gather: on" '(^|[[:space:]])scatter-gather: on' "$feat"

# --- 37: the slave keeps its offloads when the master turns its own off
# (the master does software GSO/checksum for what it cannot do)
check "ethtool -K veth0 tso off sg off tx off" heth -K veth0 tso off sg off tx off
feat=$(heth -k p0)
for f in scatter-gather tcp-segmentation-offload tx-checksumming; do
	check_match "[37] ethtool -k p0: $f still on" "(^|[[:space:]])$f: on" "$feat"
done
heth -K veth0 tso on sg on tx on || die "restore veth0 offloads"

# --- 41: no VLAN on a slave (vlan-challenged)
check_err "VLAN on p0 refused: 'VLANs not supported on device'" \
	'VLANs not supported on device' \
	hip link add link p0 name p0.10 type vlan id 10
check "  ... no p0.10 was created" link_absent "$H" p0.10

# --- 42: a slave cannot be a bridge port or a macvlan lower (EINVAL)
hip link add br0 type bridge || die "create br0"
check_err "p0 as a bridge port: EINVAL" 'Invalid argument' hip link set p0 master br0
check_eq "  ... p0 has no master" "-" "$(link_field "$H" p0 master)"
check_err "macvlan on p0: EINVAL" 'Invalid argument' \
	hip link add link p0 name mv0 type macvlan
check "  ... no mv0 was created" link_absent "$H" mv0

# --- 47: dev_id 0x1, 0x2, ... per port, monotonic, not reused after delete
devids() {
	local d cmd=
	for d in "$@"; do cmd+="cat /sys/class/net/$d/dev_id; "; done
	ns_sysfs_exec "$H" sh -c "$cmd" | join_lines
}
for s in e1 e2 e3; do
	hip link add link d4 name "$s" type ipvlan mode l3 || die "create $s on d4"
done
hip link add link d5 name f1 type ipvlan mode l3 || die "create f1 on d5"
check_eq "dev_id: master d4 0x0, slaves e1 e2 e3 0x1 0x2 0x3" "0x0 0x1 0x2 0x3" \
	"$(devids d4 e1 e2 e3)"
{ hip link del e3 && hip link del e2; } || die "delete e2 and e3"
hip link add link d4 name e4 type ipvlan mode l3 || die "create e4 on d4"
hip link del e4 || die "delete e4"
hip link add link d4 name e5 type ipvlan mode l3 || die "create e5 on d4"
check_eq "dev_id not reused after delete: e4 got 0x4, then e5 0x5; e1 and f1 (other port) 0x1" \
	"0x1 0x5 0x1" "$(devids e1 e5 f1)"

# --- 48: link-locals: the master uses ff:fe (U/L bit flipped), each slave
# its dev_id in the two middle IID bytes (U/L bit not flipped).
{ hip link set e1 up && hip link set e5 up; } || die "set e1 and e5 up"
ll=$(hip -6 -o addr show scope link)
check_match "d4 link-local fe80::5054:ff:fe12:3456 (EUI-64)" \
	'(^|[[:space:]])[0-9]+: d4 +inet6 fe80::5054:ff:fe12:3456/64 ' "$ll"
check_match "e1 (dev_id 0x1) link-local fe80::5254:0:112:3456" \
	'(^|[[:space:]])[0-9]+: e1(@d4)? +inet6 fe80::5254:0:112:3456/64 ' "$ll"
check_match "e5 (dev_id 0x5) link-local fe80::5254:0:512:3456" \
	'(^|[[:space:]])[0-9]+: e5(@d4)? +inet6 fe80::5254:0:512:3456/64 ' "$ll"

# A new port (the last slave gone) starts again at 0x1.
{ hip link del e1 && hip link del e5; } || die "delete e1 and e5"
hip link add link d4 name e6 type ipvlan mode l3 || die "create e6 on d4"
check_eq "dev_id: a new port on d4 starts again at 0x1" "0x1" "$(devids e6)"

tests_done
