#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Every test, as `make check` runs it: the core's unit tests, the selftests
# in a VM against our module, and the same selftests against the kernel's
# stock ipvlan.ko (differential run: proves the tests encode real
# behaviour). Each step runs even if an earlier one failed; the exit status
# is non-zero if any did.
set -u
cd "$(dirname "$0")/.."

failed=()
step() { # NAME COMMAND...
	local name=$1
	shift
	printf '\n#### %s\n' "$name"
	if ! "$@"; then
		failed+=("$name")
	fi
}

step "unit tests" make -s unit
step "build ipvlan.ko and check it" make -s build-checks
if [ -f ipvlan.ko ]; then
	step "selftests, our module" selftests/run-in-vm.sh --module "$PWD/ipvlan.ko"
else
	failed+=("selftests, our module (no module built)")
fi
step "selftests, stock driver" selftests/run-in-vm.sh --stock

if [ ${#failed[@]} -ne 0 ]; then
	printf '\ncheck: FAILED: %s\n' "${failed[*]}"
	exit 1
fi
printf '\ncheck: all steps passed\n'
