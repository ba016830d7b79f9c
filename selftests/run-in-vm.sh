#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Run the ipvlan selftests in a throwaway VM (tools/vm/run-vm).
#
#   selftests/run-in-vm.sh [--stock | --module PATH] [--log FILE]
#                          [--timeout SECS] [TEST...]
#
#   --module PATH  test OUR driver: insmod PATH in the guest (default:
#                  ipvlan.ko at the top of the repository, i.e. ../ipvlan.ko)
#   --tap-module PATH  our ipvtap.ko, for tests that load it (default: the
#                  module's path with "ipvlan" in its file name replaced by
#                  "ipvtap", if that file exists)
#   --stock        test the kernel's stock driver (modprobe ipvlan)
#   --log FILE     keep the VM console log (passed to run-vm)
#   --timeout SECS VM time limit (passed to run-vm)
#   TEST...        test programs to run (default: all TEST_PROGS)
#
# The guest exports IPVLAN_KO and IPVTAP_KO (empty for the stock driver).
# Env: RUN_VM (default: tools/vm/run-vm), TIMEOUT (per test, seconds).
# Exit status: that of `make run_tests` in the guest (0 = no test failed);
# run-vm's 124 = kernel splat in the log, 125 = the VM died or timed out.

set -u

SELFTESTS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$SELFTESTS_DIR/.." && pwd)

usage() {
	sed -n '4,24s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"
}

# ------------------------------------------------------------- guest side
guest_main() {
	local ko='' tap_ko='' stock=0
	while [[ $# -gt 0 ]]; do
		case $1 in
		--module) ko=$2; shift 2 ;;
		--tap-module) tap_ko=$2; shift 2 ;;
		--stock) stock=1; shift ;;
		--) shift; break ;;
		*) echo "run-in-vm (guest): bad argument $1" >&2; return 2 ;;
		esac
	done
	export PATH="/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:$PATH"
	echo "# guest kernel: $(uname -r)"
	if grep -q '^ipvlan ' /proc/modules; then
		echo "# ipvlan already loaded in the guest, unloading it first"
		rmmod ipvtap 2>/dev/null
		rmmod ipvlan || return 1
	fi
	if [[ $stock -eq 1 ]]; then
		echo "# driver: stock ($(modinfo -n ipvlan 2>/dev/null))"
		modprobe ipvlan || { echo "# modprobe ipvlan failed"; return 1; }
		export IPVLAN_KO='' IPVTAP_KO=''
	else
		echo "# driver: ours ($ko)"
		# Never let a request_module("rtnl-link-ipvlan") pull in the stock
		# driver behind our back (e.g. between rmmod and insmod).
		# Same for ipvtap: the stock one needs the stock ipvlan.
		mkdir -p /etc/modprobe.d &&
			printf 'blacklist ipvlan\nblacklist ipvtap\n' >/etc/modprobe.d/ipvlan-selftests.conf
		insmod "$ko" || { echo "# insmod $ko failed"; return 1; }
		export IPVLAN_KO=$ko IPVTAP_KO=$tap_ko
	fi
	local tests="${*:-}" rc left
	if [[ -n "$tests" ]]; then
		make -C "$SELFTESTS_DIR" --no-print-directory run_tests TESTS="$tests"
	else
		make -C "$SELFTESTS_DIR" --no-print-directory run_tests
	fi
	rc=$?
	# The tests must clean up after themselves.
	left=$(ip netns list 2>/dev/null)
	if [[ -n "$left" ]]; then
		echo "# ERROR: network namespaces left behind by the tests:"
		printf '%s\n' "$left" | sed 's/^/#   /'
		[[ $rc -ne 0 ]] || rc=1
	fi
	if ! grep -q '^ipvlan ' /proc/modules; then
		echo "# ERROR: the ipvlan module is not loaded after the tests"
		[[ $rc -ne 0 ]] || rc=1
	fi
	return "$rc"
}

# -------------------------------------------------------------- host side
host_main() {
	local mode=ours ko="$ROOT/ipvlan.ko" tap_ko='' log='' vm_timeout='' t
	local -a tests=() vm_args=()
	while [[ $# -gt 0 ]]; do
		case $1 in
		--stock) mode=stock; shift ;;
		--module) mode=ours; ko=${2:?--module needs a path}; shift 2 ;;
		--tap-module) tap_ko=${2:?--tap-module needs a path}; shift 2 ;;
		--log) log=${2:?--log needs a file}; shift 2 ;;
		--timeout) vm_timeout=${2:?--timeout needs seconds}; shift 2 ;;
		-h | --help) usage; return 0 ;;
		-*) usage >&2; return 2 ;;
		*) tests+=("$1"); shift ;;
		esac
	done
	local run_vm=${RUN_VM:-$ROOT/tools/vm/run-vm}
	[[ -x "$run_vm" ]] || { echo "run-in-vm: $run_vm not found" >&2; return 2; }
	for t in "${tests[@]}"; do
		[[ -x "$SELFTESTS_DIR/$(basename "$t")" ]] ||
			{ echo "run-in-vm: no test $t in $SELFTESTS_DIR" >&2; return 2; }
	done
	local -a guest=(bash "$SELFTESTS_DIR/run-in-vm.sh" --in-guest)
	if [[ $mode == stock ]]; then
		guest+=(--stock)
	else
		ko=$(readlink -f "$ko")
		[[ -f "$ko" ]] || { echo "run-in-vm: module $ko not found (build it, or use --stock)" >&2; return 2; }
		guest+=(--module "$ko")
		if [[ -z "$tap_ko" ]]; then
			tap_ko="$(dirname "$ko")/$(basename "$ko" | sed 's/ipvlan/ipvtap/')"
			[[ -f "$tap_ko" ]] || tap_ko=''
		fi
		[[ -z "$tap_ko" ]] || guest+=(--tap-module "$(readlink -f "$tap_ko")")
	fi
	[[ -n "$log" ]] && vm_args+=(--log "$log")
	[[ -n "$vm_timeout" ]] && vm_args+=(--timeout "$vm_timeout")
	guest+=(--)
	for t in "${tests[@]}"; do guest+=("$(basename "$t")"); done
	# Pass the per-test timeout through the guest command line.
	if [[ -n "${TIMEOUT:-}" ]]; then
		guest=(env "TIMEOUT=$TIMEOUT" "${guest[@]}")
	fi
	cd "$ROOT" || return 2
	"$run_vm" "${vm_args[@]}" -- "${guest[@]}"
}

if [[ "${1:-}" == --in-guest ]]; then
	shift
	guest_main "$@"
else
	host_main "$@"
fi
