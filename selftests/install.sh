#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `make install` and `make uninstall` (issue 4, part 2), in the throwaway VM
# whose root is a tmpfs overlay, so installing is safe.
#
# Before the install, `ip link add ... type ipvlan` (and `type ipvtap`)
# autoload the stock modules through the rtnl-link-* aliases. After it, the
# same commands autoload OURS from /lib/modules/KVER/updates, with no insmod.
# After `make uninstall`, the stock ones again. The drivers are told apart by
# /sys/module/NAME/version: ours sets MODULE_VERSION ("0.1-cpp"), the stock
# modules set none, so the file does not exist for them.
#
# The test installs the repository's built ipvlan.ko and ipvtap.ko (run
# `make` first), whichever driver run-in-vm.sh selected; at the end the
# selected driver is loaded again.
#
# Each depmod reads every module of the kernel over the VM's 9p root: about
# a minute under TCG on an idle host, so the test takes 2.5 minutes there.
# timeout: 600

. "$(dirname "$0")/lib.sh"

require_root
require_cmd ip make depmod modinfo modprobe rmmod strip
ipvlan_require

ROOT=$(cd "$(dirname "$0")/.." && pwd)
KVER=$(uname -r)
UPDATES=/lib/modules/$KVER/updates
OURS_VERSION=0.1-cpp
BLACKLIST=/etc/modprobe.d/ipvlan-selftests.conf

[[ -f "$ROOT/ipvlan.ko" && -f "$ROOT/ipvtap.ko" ]] ||
	die "ipvlan.ko and ipvtap.ko are not built in $ROOT (run make)"
[[ ! -e "$UPDATES/ipvlan.ko" ]] || die "$UPDATES/ipvlan.ko exists before the test"

unload_all() {
	module_loaded ipvtap && rmmod ipvtap
	module_loaded ipvlan && rmmod ipvlan
	! module_loaded ipvlan
}

# Whatever happens: no installed module left behind, the blacklist that
# run-in-vm.sh wrote is back, and the selected driver is loaded.
restore() {
	# shellcheck disable=SC2317 # (called through on_exit)
	unload_all
	[[ ! -e "$UPDATES/ipvlan.ko" ]] || make -s -C "$ROOT" uninstall
	[[ ! -e "$BLACKLIST.off" ]] || mv "$BLACKLIST.off" "$BLACKLIST"
	ipvlan_load
}
on_exit restore

# The blacklist keeps the stock driver out while ours is tested; autoload is
# exactly what this test needs, so it goes away for the duration.
[[ ! -e "$BLACKLIST" ]] || mv "$BLACKLIST" "$BLACKLIST.off" || die "move $BLACKLIST aside"
unload_all || die "cannot unload the loaded ipvlan"

ns_create NS ns
{ ip -n "$NS" link add d0 type dummy && ip -n "$NS" link set d0 up; } || die "create d0"

# version_of MODULE: /sys/module/MODULE/version, "none" if the module has no
# version, "not-loaded" if it is not loaded.
version_of() {
	if [[ ! -d /sys/module/$1 ]]; then
		echo not-loaded
	elif [[ -r /sys/module/$1/version ]]; then
		cat "/sys/module/$1/version"
	else
		echo none
	fi
}

# autoload WHO: with nothing loaded, `ip link add` of both kinds must load
# WHO's modules (stock or ours) by themselves.
autoload() {
	local who=$1 want idx
	[[ $who == ours ]] && want=$OURS_VERSION || want=none
	check_eq "$who: nothing loaded before ip link add" not-loaded "$(version_of ipvlan)"
	check "$who: ip link add type ipvlan autoloads a driver" \
		ip -n "$NS" link add link d0 name ipvl0 type ipvlan mode l2
	check_eq "$who: the autoloaded ipvlan is $who" "$want" "$(version_of ipvlan)"
	check_match "$who: the slave works (mode l2 shown)" 'ipvlan  mode l2 ' \
		"$(ip -n "$NS" -d link show ipvl0)"
	check "$who: ip link add type ipvtap autoloads ipvtap" \
		ip -n "$NS" link add link d0 name ipvt0 type ipvtap
	check_eq "$who: the autoloaded ipvtap is $who" "$want" "$(version_of ipvtap)"
	idx=$(ip -n "$NS" -o link show ipvt0) && idx=${idx%%:*}
	check "$who: ipvtap made /dev/tap$idx" test -c "/dev/tap$idx"
	ip -n "$NS" link del ipvt0
	ip -n "$NS" link del ipvl0
	check "$who: both modules unload" unload_all
}

# ------------------------------------------------------- before the install
check_match "modinfo finds the kernel's ipvlan before the install" \
	"^/lib/modules/$KVER/kernel/" "$(modinfo -n ipvlan)"
autoload stock

# --------------------------------------------------------------- make install
check "make install" make -s -C "$ROOT" install
for m in ipvlan ipvtap; do
	check "make install put $m.ko in updates/" test -f "$UPDATES/$m.ko"
	check_eq "modinfo (after depmod) resolves $m to updates/" \
		"$UPDATES/$m.ko" "$(modinfo -n "$m")"
	check_eq "the installed $m.ko is ours" "$OURS_VERSION" "$(modinfo -F version "$m")"
done
check_match "the installed ipvlan.ko answers the alias rtnl-link-ipvlan" \
	"updates/ipvlan.ko" "$(modprobe --show-depends rtnl-link-ipvlan)"
autoload ours

# ------------------------------------------------------------- make uninstall
check "make uninstall" make -s -C "$ROOT" uninstall
check "make uninstall removed ipvlan.ko and ipvtap.ko" \
	test ! -e "$UPDATES/ipvlan.ko" -a ! -e "$UPDATES/ipvtap.ko"
check_match "modinfo finds the kernel's ipvlan again" \
	"^/lib/modules/$KVER/kernel/" "$(modinfo -n ipvlan)"
autoload stock

tests_done
