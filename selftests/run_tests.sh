#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Minimal kselftest-style runner (no dependency on the kernel's lib.mk).
#   run_tests.sh [TEST...]     default: the TEST_PROGS of the Makefile
# Env: TIMEOUT (seconds per test, default 300), IPVLAN_KO (see lib.sh).
# A test that needs longer says so in a line "# timeout: SECONDS" of its own
# (kselftest keeps such values in a settings file).
# Prints TAP version 13, one "ok/not ok K selftests: ipvlan: NAME" line per
# test with its output indented by "# ", and a Totals line; exits 1 if any
# test failed or timed out, else 0.

set -u
cd "$(dirname "$0")" || exit 1

collection=ipvlan
timeout_s=${TIMEOUT:-300}

if [[ $# -gt 0 ]]; then
	tests=("$@")
else
	read -r -a tests <<<"$(make -s --no-print-directory print-test-progs)"
fi

pass=0 fail=0 skip=0
echo "TAP version 13"
echo "1..${#tests[@]}"
k=0
for t in "${tests[@]}"; do
	k=$((k + 1))
	name=$(basename "$t")
	echo "# selftests: $collection: $name"
	start=$(date +%s)
	limit=$(sed -n 's/^# timeout: \([0-9][0-9]*\)$/\1/p' "$t" 2>/dev/null | head -n 1)
	limit=${limit:-$timeout_s}
	if [[ ! -x "$t" ]]; then
		echo "# Warning: file $name is missing or not executable"
		rc=1
	else
		timeout --foreground -k 10 "$limit" "./$t" 2>&1 | sed -u 's/^/# /'
		rc=${PIPESTATUS[0]}
	fi
	secs=$(($(date +%s) - start))
	case $rc in
	0)
		pass=$((pass + 1))
		echo "ok $k selftests: $collection: $name # ${secs}s"
		;;
	4)
		skip=$((skip + 1))
		echo "ok $k selftests: $collection: $name # SKIP ${secs}s"
		;;
	124 | 137)
		fail=$((fail + 1))
		echo "not ok $k selftests: $collection: $name # TIMEOUT $limit seconds"
		;;
	*)
		fail=$((fail + 1))
		echo "not ok $k selftests: $collection: $name # exit=$rc ${secs}s"
		;;
	esac
done
echo "# Totals: pass:$pass fail:$fail xfail:0 xpass:0 skip:$skip error:0"
[[ $fail -eq 0 ]]
