#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# dkms.conf works with Debian's dkms: `dkms add` of a copy of the tracked
# tree, `dkms build` and `dkms install` against the installed headers, then
# `dkms remove`. TAP output, kselftest-style totals.
#
#   tests/build/dkms_check.sh [KVER]
#
# dkms install writes to /lib/modules/KVER/updates/dkms on THIS machine (and
# the test VMs boot with this machine's /lib/modules), so everything is
# removed again on every exit path; do not run VM tests at the same time.
set -u
cd "$(dirname "$0")/../.." || exit 1
KVER=${1:-$(make -s print-kdir | sed -n 's|^/lib/modules/\([^/]*\)/build$|\1|p')}
NAME=$(sed -n 's/^PACKAGE_NAME="\(.*\)"/\1/p' dkms.conf)
VERSION=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' dkms.conf)
pass=0 fail=0 n=0

ok() { n=$((n + 1)); pass=$((pass + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); fail=$((fail + 1)); echo "not ok $n - $1"; [ -n "${2:-}" ] && printf '%s\n' "$2" | sed 's/^/#   /'; }
check() { # DESC COMMAND...
	local desc=$1 out
	shift
	if out=$("$@" 2>&1); then ok "$desc"; else not_ok "$desc" "$(printf '%s\n' "$*" "$out" | tail -n 15)"; fi
}

cleanup() {
	dkms remove "$NAME/$VERSION" --all >/dev/null 2>&1
	rm -rf "/usr/src/$NAME-$VERSION" ${scratch:+"$scratch"}
}

echo "TAP version 13"
command -v dkms >/dev/null || { echo "1..0 # SKIP dkms is not installed"; exit 4; }
[ -n "$KVER" ] || { echo "1..0 # SKIP no kernel headers"; exit 4; }
scratch=
trap cleanup EXIT
cleanup	# a leftover of an interrupted run
scratch=$(mktemp -d)
src=$scratch/src
mkdir -p "$src"
git ls-files -z | xargs -0 cp --parents -t "$src"

check "dkms add (copies the tree to /usr/src/$NAME-$VERSION)" dkms add "$src"
check "dkms build for $KVER" dkms build "$NAME/$VERSION" -k "$KVER"
built=/var/lib/dkms/$NAME/$VERSION/$KVER/$(uname -m)/module
for m in ipvlan ipvtap; do
	check "dkms built $m.ko, and it is ours" sh -c \
		"modinfo -F version $built/$m.ko | grep -q cpp"
done
check "dkms install for $KVER" dkms install "$NAME/$VERSION" -k "$KVER"
for m in ipvlan ipvtap; do
	check "modprobe now resolves $m to the dkms build in updates/" sh -c \
		"modinfo -k $KVER -n $m | grep -q '^/lib/modules/$KVER/updates/dkms/$m.ko'"
done
check "dkms remove" dkms remove "$NAME/$VERSION" --all
check "modprobe resolves ipvlan to the kernel's module again" sh -c \
	"modinfo -k $KVER -n ipvlan | grep -q '^/lib/modules/$KVER/kernel/'"

echo "1..$n"
echo "# Totals: pass:$pass fail:$fail xfail:0 xpass:0 skip:0 error:0"
[ "$fail" -eq 0 ]
