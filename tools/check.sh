#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Every test, as `make check` runs it: the core's unit tests, the selftests
# in a VM against our module, and the same selftests against the kernel's
# stock ipvlan.ko (differential run: proves the tests encode real
# behaviour). Each step runs even if an earlier one failed; the exit status
# is non-zero if any did.
set -u
cd "$(dirname "$0")/.." || exit 1

failed=()
step() { # NAME COMMAND...
	local name=$1
	shift
	printf '\n#### %s\n' "$name"
	if ! "$@"; then
		failed+=("$name")
	fi
}

# Each selftest program in a VM of its own (a boot costs ~7 s): a crash or a
# kernel splat fails that program only, and no VM runs long enough to hit its
# time limit. A run that ends without a verdict (splat, crash, timeout) still
# counts as a failed test in the totals that .ci/run adds up.
run_selftests() { # run-in-vm.sh ARGS (--stock | --module PATH)
	local t rc out any=0
	out=$(mktemp /tmp/ipvlan-selftest.XXXXXX)
	for t in $(make -s -C selftests print-test-progs); do
		printf '\n## %s %s\n' "$t" "$*"
		selftests/run-in-vm.sh "$@" "$t" 2>&1 | tee "$out"
		rc=${PIPESTATUS[0]}
		if [ "$rc" -ne 0 ]; then
			any=1
			grep -q '# Totals: ' "$out" ||
				echo "# Totals: pass:0 fail:1 ($t: VM run ended with exit $rc, no verdict)"
		fi
	done
	rm -f "$out"
	return $any
}

# The benchmark's short run, as a smoke test: it must complete (every
# scenario ran, no splat); its figures are never a verdict.
bench_smoke() {
	local rc
	tools/bench/bench --quick --module "$PWD/ipvlan.ko"
	rc=$?
	echo "# Totals: pass:$((rc == 0)) fail:$((rc != 0)) (tools/bench/bench --quick completed: exit $rc)"
	return $rc
}

# The profiler must still name where the instructions go: one scenario,
# and the report must charge each driver's transmit function with one call
# per packet (the stock and our symbol names both).
profile_smoke() {
	local out=build/bench/profile-check rc=0 section
	tools/bench/bench --profile --only '^l3\.slave_slave\.pktgen$' --module "$PWD/ipvlan.ko" \
		--out "$out" >/dev/null || rc=$?
	section=$(sed -n '/^== l3.slave_slave.pktgen/,/^$/p' "$out/profile.txt" 2>/dev/null)
	if [[ $rc == 0 ]] &&
		grep -Eq '^ +ipvlan_queue_xmit \[ipvlan\] +[0-9.]+ +0\.0 .* 1\.00 +0\.00$' <<<"$section" &&
		grep -Eq '^ +ipvlan_drv_xmit \[ipvlan\] +0\.0 +[0-9.]+ .* 0\.00 +1\.00$' <<<"$section"; then
		echo "# Totals: pass:1 fail:0 (bench --profile names both drivers' transmit functions)"
		return 0
	fi
	echo "$section" | head -20
	echo "# Totals: pass:0 fail:1 (bench --profile: exit $rc, or the report lacks the drivers' functions)"
	return 1
}

step "unit tests" make -s unit
step "ipvlanctl: build and unit tests" make -s ipvlanctl
step "build ipvlan.ko and check it" make -s build-checks
step "dkms add/build/install/remove" tests/build/dkms_check.sh
if [ -f ipvlan.ko ]; then
	step "selftests, our module" run_selftests --module "$PWD/ipvlan.ko"
else
	failed+=("selftests, our module (no module built)")
fi
step "selftests, stock driver" run_selftests --stock
if [ -f ipvlan.ko ]; then
	step "benchmark smoke run" bench_smoke
	step "profiler smoke run" profile_smoke
fi

if [ ${#failed[@]} -ne 0 ]; then
	printf '\ncheck: FAILED: %s\n' "${failed[*]}"
	exit 1
fi
printf '\ncheck: all steps passed\n'
