#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Checks on the built module that no runtime test would notice: the C++
# objects carry the kernel's mitigations, objtool is strict, nothing needs a
# constructor or the C++ runtime, and the module metadata lets `ip link add
# ... type ipvlan` autoload it. TAP output, kselftest-style totals.
#
#   tests/build/module_checks.sh [KDIR]      (run after `make`)
set -u
cd "$(dirname "$0")/../.."
KDIR=${1:-$(make -s print-kdir)}
KO=ipvlan.ko
pass=0 fail=0 n=0

ok() { n=$((n + 1)); pass=$((pass + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); fail=$((fail + 1)); echo "not ok $n - $1"; [ -n "${2:-}" ] && printf '#   %s\n' "$2"; }
check() { # DESC COMMAND...
	local desc=$1
	shift
	if "$@" >/dev/null 2>&1; then ok "$desc"; else not_ok "$desc" "failed: $*"; fi
}

config_has() { grep -q "^$1=y" "$KDIR/.config"; }
cxx_objects() { git ls-files 'src/*.cpp' | sed 's/\.cpp$/.o/'; }

# Every C++ object was compiled with FLAG (read from kbuild's .cmd files).
all_cxx_have() {
	local o
	for o in $(cxx_objects); do
		grep -q -- "$1" "$(dirname "$o")/.$(basename "$o").cmd" || return 1
	done
}

echo "TAP version 13"
[ -f "$KO" ] || { echo "1..0 # SKIP $KO not built"; exit 4; }

check "modinfo: alias rtnl-link-ipvlan" sh -c "modinfo -F alias $KO | grep -qx rtnl-link-ipvlan"
check "modinfo: license GPL" sh -c "modinfo -F license $KO | grep -qx GPL"
check "modinfo: version says it is ours" sh -c "modinfo -F version $KO | grep -q cpp"
release=$(sed -n 's/^#define UTS_RELEASE "\(.*\)"/\1/p' "$KDIR/include/generated/utsrelease.h")
check "vermagic is the release of the headers ($release)" sh -c \
	"modinfo -F vermagic $KO | grep -q '^$release '"
# ipvtap.ko autoloads by its own alias and binds only to our ipvlan.ko: its
# ipvlan symbols are ours (ipvlan_kind_*), which the stock ipvlan.ko lacks.
check "ipvtap.ko: alias rtnl-link-ipvtap" sh -c "modinfo -F alias ipvtap.ko | grep -qx rtnl-link-ipvtap"
check "ipvtap.ko: license GPL" sh -c "modinfo -F license ipvtap.ko | grep -qx GPL"
check "ipvtap.ko: depends on tap and ipvlan" sh -c \
	"modinfo -F depends ipvtap.ko | tr , '\\n' | sort | tr '\\n' ' ' | grep -qx 'ipvlan tap '"
check "ipvtap.ko: needs only our kind API from ipvlan" sh -c \
	"nm -u ipvtap.ko | grep -q ' ipvlan_kind_register' && ! nm -u ipvtap.ko | grep -q ' ipvlan_link_'"
check "no constructor or destructor sections" sh -c \
	"! objdump -h $KO | grep -qE '\.(init_array|fini_array|ctors|dtors)'"
check "no C++ runtime symbols needed" sh -c "! nm -u $KO | grep -qE ' (_Z|__cxa|__gxx|_Unwind)'"
check "__cxa_pure_virtual is defined in the module" sh -c "nm $KO | grep -q ' T __cxa_pure_virtual'"
# (The module's C++ only: userspace tools such as ipvlanctl use the UAPI headers.)
check "no C++ source of the module includes a kernel header" sh -c \
	"! git ls-files 'src/*.cpp' 'src/*.hpp' 'include/*.hpp' | xargs grep -nE '^\s*#\s*include\s*<(linux|net|asm|uapi)/'"

flags=(-nostdinc -fno-exceptions -fno-rtti -mcmodel=kernel -mno-red-zone -mno-sse)
config_has CONFIG_RETPOLINE && flags+=(-mindirect-branch=thunk-extern)
config_has CONFIG_RETHUNK && flags+=(-mfunction-return=thunk-extern)
config_has CONFIG_SLS && flags+=(-mharden-sls=all)
config_has CONFIG_STACKPROTECTOR_STRONG && flags+=(-fstack-protector-strong)
config_has CONFIG_FTRACE_MCOUNT_USE_CC && flags+=(-mrecord-mcount)
for f in "${flags[@]}"; do
	check "every C++ object compiled with $f" all_cxx_have "$f"
done
check "objtool ran on every C++ object" all_cxx_have "objtool-strict"

# A build whose objects lack a mitigation must fail, not just warn.
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
git ls-files -z | xargs -0 cp --parents -t "$scratch"
if config_has CONFIG_RETHUNK; then
	if make -C "$scratch" KDIR="$KDIR" CFLAGS_MODULE=-mfunction-return=keep \
		>"$scratch/build.log" 2>&1; then
		not_ok "a build without return thunks fails" "it built"
	elif grep -q "objtool-strict: objtool reported problems" "$scratch/build.log"; then
		ok "a build without return thunks fails (objtool-strict)"
	else
		not_ok "a build without return thunks fails (objtool-strict)" \
			"it failed for another reason: $(tail -n 3 "$scratch/build.log")"
	fi
fi

echo "1..$n"
echo "# Totals: pass:$pass fail:$fail xfail:0 xpass:0 skip:0 error:0"
[ "$fail" -eq 0 ]
