#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# ipvlan netlink attributes: IFLA_IPVLAN_MODE / IFLA_IPVLAN_FLAGS as written
# at create and change time and read back three ways: `ip -d link` text,
# `ip -d -j link` JSON and the raw u16 attributes (ipvlan_nl.py getlink).
# Mode and flags are per port (master), so a change through one slave shows
# on its siblings.  Invalid values (mode 3, flags private|vepa) are refused
# with EINVAL and change nothing.

. "$(dirname "$0")/lib.sh"

require_root
require_cmd ip
require_python
ipvlan_require

M=dummy0
ns_create H host
ip -n "$H" link add "$M" type dummy || skip_all "cannot create a dummy device"
ip -n "$H" link set "$M" up || die "set $M up"

nl() { ipvlan_nl "$H" "$@"; }

# UAPI values: IPVLAN_MODE_L2/L3/L3S, IPVLAN_F_PRIVATE/VEPA (bridge = none).
declare -A MODE_NUM=([l2]=0 [l3]=1 [l3s]=2)
declare -A FLAG_NUM=([bridge]=0 [private]=1 [vepa]=2)

# The ipvlan part of `ip -d link show`: iproute2 prints the kind, then
# " mode %s " and the flag word, hence the two spaces after "ipvlan".
ip_text() {
	local out re='ipvlan  mode [a-z0-9]+ [a-z]+( |$)'
	out=$(ip -n "$H" -d link show dev "$1") || return 1
	[[ "$out" =~ $re ]] && printf '%s\n' "${BASH_REMATCH[0]% }"
}
# The linkinfo object of `ip -d -j link show`, as iproute2 prints it
# (compact JSON; ipvlan's info_data holds no nested object).  A bash match
# (see lib.sh on why not jq).
json_linkinfo() {
	local out re='"linkinfo":\{"info_kind":"[^"]*","info_data":\{[^}]*\}\}'
	out=$(ip -n "$H" -d -j link show dev "$1") || return 1
	[[ "$out" =~ $re ]] && printf '%s\n' "${BASH_REMATCH[0]}"
}

# expect_ip DEV MODE FLAG [WHAT]: MODE and FLAG of DEV as iproute2 shows
# them, in text and in JSON.
expect_ip() {
	local dev=$1 mode=$2 flag=$3 what=${4:+ ($4)}
	check_eq "$dev: ip -d link shows 'ipvlan  mode $mode $flag'$what" \
		"ipvlan  mode $mode $flag" "$(ip_text "$dev")"
	check_eq "$dev: ip -d -j link: info_data {mode: $mode, $flag: true}$what" \
		"\"linkinfo\":{\"info_kind\":\"ipvlan\",\"info_data\":{\"mode\":\"$mode\",\"$flag\":true}}" \
		"$(json_linkinfo "$dev")"
}

# expect_raw DESC "DEV:MODE:FLAG..." : the raw u16 IFLA_IPVLAN_MODE/FLAGS of
# every DEV, read with one netlink tool run.
expect_raw() {
	local desc=$1 item dev mode flag raw want=
	local -a args=()
	for item in $2; do
		IFS=: read -r dev mode flag <<<"$item"
		want+="kind=ipvlan mode=${MODE_NUM[$mode]} flags=${FLAG_NUM[$flag]} "
		args+=(--dev "$dev")
	done
	raw=$(nl getlink "${args[@]}")
	check_eq "$desc" "${want% }" "${raw//$'\n'/ }"
}

# expect_attrs "DEV..." MODE FLAG [WHAT]: read back MODE and FLAG of each DEV
# three ways: ip text, ip JSON, raw netlink attributes.
expect_attrs() {
	local mode=$2 flag=$3 what=${4:-} dev items=
	for dev in $1; do
		expect_ip "$dev" "$mode" "$flag" "$what"
		items+="$dev:$mode:$flag "
	done
	expect_raw "$1: raw u16 IFLA_IPVLAN_MODE=${MODE_NUM[$mode]} FLAGS=${FLAG_NUM[$flag]}${what:+ ($what)}" \
		"$items"
}

# --- default create
check "create ipvl0 without mode or flags" \
	ip -n "$H" link add link "$M" name ipvl0 type ipvlan
expect_attrs ipvl0 l3 bridge "default"
check "delete ipvl0" ip -n "$H" link del ipvl0

# --- every mode x every flag, each on its own master (= its own port)
combos=
i=0
for mode in l2 l3 l3s; do
	for flag in bridge private vepa; do
		i=$((i + 1))
		{
			ip -n "$H" link add "m$i" type dummy &&
				ip -n "$H" link set "m$i" up
		} || die "create master m$i"
		if check "create c$i on m$i with mode $mode $flag" \
			ip -n "$H" link add link "m$i" name "c$i" type ipvlan mode "$mode" "$flag"; then
			expect_ip "c$i" "$mode" "$flag"
			combos+="c$i:$mode:$flag "
		fi
	done
done
expect_raw "raw u16 IFLA_IPVLAN_MODE/FLAGS of the 9 ports: ${combos% }" "$combos"
for ((i = 1; i <= 9; i++)); do
	ip -n "$H" link del "m$i" || die "delete master m$i"
done

# --- mode and flags are per port: the 2nd slave's newlink applies to the 1st
check "create ipvl0 with mode l3 bridge" \
	ip -n "$H" link add link "$M" name ipvl0 type ipvlan mode l3 bridge
check "set ipvl0 up" ip -n "$H" link set ipvl0 up
check_match "ipvl0 is NOARP (up, l3)" '"NOARP"' "$(link_field "$H" ipvl0 flags)"
check "create ipvl1 with mode l2 private" \
	ip -n "$H" link add link "$M" name ipvl1 type ipvlan mode l2 private
expect_attrs "ipvl1 ipvl0" l2 private "per port: after ipvl1's newlink"
check_nomatch "ipvl0 (up) lost NOARP when the port went l2" '"NOARP"' \
	"$(link_field "$H" ipvl0 flags)"

# --- changelink through ip link set (iproute2 always sends the flags too)
check "ip link set ipvl0 type ipvlan mode l3s vepa" \
	ip -n "$H" link set ipvl0 type ipvlan mode l3s vepa
expect_attrs "ipvl0 ipvl1" l3s vepa "per port: after changelink on ipvl0"
check_match "ipvl1 (down) became NOARP with the port's change to l3s" '"NOARP"' \
	"$(link_field "$H" ipvl1 flags)"
check "ip link set ipvl1 type ipvlan mode l2" \
	ip -n "$H" link set ipvl1 type ipvlan mode l2
expect_attrs "ipvl1 ipvl0" l2 bridge "per port: after changelink on ipvl1"

# --- raw changelink: one attribute at a time, no data at all
check_eq "raw changelink ipvl0 flags=private only: OK" "OK" \
	"$(nl changelink --dev ipvl0 --flags 1)"
expect_attrs ipvl1 l2 private "mode untouched"
check_eq "raw changelink ipvl0 mode=l3 only: OK" "OK" \
	"$(nl changelink --dev ipvl0 --mode 1)"
expect_attrs ipvl1 l3 private "flags untouched"
check_eq "raw changelink ipvl0 without IFLA_INFO_DATA: OK" "OK" \
	"$(nl changelink --dev ipvl0 --no-data)"
expect_attrs ipvl0 l3 private "nothing changed"

# --- invalid values: EINVAL and no change
check_err "ip refuses 'private vepa' together (create)" '.' \
	ip -n "$H" link add link "$M" name ipvl2 type ipvlan mode l3 private vepa
check "no ipvl2 was created" link_absent "$H" ipvl2
check_eq "raw changelink flags=private|vepa (3): EINVAL" "EINVAL" \
	"$(nl changelink --dev ipvl0 --mode 2 --flags 3)"
expect_attrs ipvl0 l3 private "unchanged after EINVAL"
check_eq "raw changelink mode=3: EINVAL" "EINVAL" \
	"$(nl changelink --dev ipvl1 --mode 3 --flags 0)"
expect_attrs ipvl1 l3 private "unchanged after EINVAL"
check_eq "raw newlink flags=private|vepa (3): EINVAL" "EINVAL" \
	"$(nl newlink --link "$M" --name ipvl2 --mode 0 --flags 3)"
check "no ipvl2 was created" link_absent "$H" ipvl2
check_eq "raw newlink mode=3: EINVAL" "EINVAL" \
	"$(nl newlink --link "$M" --name ipvl2 --mode 3 --flags 0)"
check "no ipvl2 was created" link_absent "$H" ipvl2
# 11, 12: every other unknown mode and flag bit
for m in 4 65535; do
	check_eq "raw changelink mode=$m: EINVAL" "EINVAL" \
		"$(nl changelink --dev ipvl1 --mode "$m" --flags 0)"
done
for f in 4 8 32768; do
	check_eq "raw changelink flags=$f: EINVAL" "EINVAL" \
		"$(nl changelink --dev ipvl1 --mode 1 --flags "$f")"
done
expect_attrs ipvl0 l3 private "port unchanged after the refused newlinks"
check_eq "two slaves remain" "ipvl0 ipvl1" "$(ipvlan_links "$H" | join_lines)"

# --- a valid raw newlink is accepted (the tool itself can succeed)
check_eq "raw newlink mode=l2 flags=vepa: OK" "OK" \
	"$(nl newlink --link "$M" --name ipvl2 --mode 0 --flags 2)"
expect_attrs ipvl0 l2 vepa "set by the raw newlink of a sibling"

tests_done
