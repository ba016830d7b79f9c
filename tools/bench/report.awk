# SPDX-License-Identifier: GPL-2.0
#
# tools/bench/report.awk: the report of tools/bench/bench from the guest's
# raw.txt (see guest.sh for its lines).  Can be rerun by hand:
#     awk -f tools/bench/report.awk build/bench/results/raw.txt
# Variables (-v): wall=1 for a wall-clock run; secs, date, commit, source,
# md5 for the header.
#
# Cost of a (scenario, driver, repetition): the minimum over its windows of
# NET_NS / UNITS.  Ratio of a repetition: ours / stock of that repetition
# (the two measurements next to each other in the ABBA order); the table
# gives the min, median and max of those ratios and the median costs.

function median(a, n,    i, j, t) {
	for (i = 2; i <= n; i++)
		for (j = i; j > 1 && a[j - 1] > a[j]; j--) {
			t = a[j]; a[j] = a[j - 1]; a[j - 1] = t
		}
	return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
}

function unitname(u) {
	if (wall)
		sub(/^insn/, "ns", u)
	return u
}

function addscen(s) {
	if (!(s in seen)) {
		seen[s] = 1
		order[++nscen] = s
	}
}

# med(S, DRV): median over repetitions of the cost of S with DRV (0 if none).
function med(s, drv,    r, n, v) {
	n = 0
	for (r = 0; r < nrep; r++)
		if ((s SUBSEP drv SUBSEP r) in best)
			v[++n] = best[s SUBSEP drv SUBSEP r]
	return n ? median(v, n) : 0
}

$1 == "win" {
	# win SCEN DRV REP W ELAPSED IDLE NET UNITS UNIT
	k = $2 SUBSEP $3 SUBSEP $4
	c = $8 / $9
	if (!(k in best) || c < best[k])
		best[k] = c
	unit[$2] = $10
	addscen($2)
	if ($4 + 1 > nrep)
		nrep = $4 + 1
	next
}
$1 == "mem" {
	# mem SCEN DRV REP KIB*1000
	best[$2 SUBSEP $3 SUBSEP $4] = $5 / 1000
	unit[$2] = "KiB/slave"
	addscen($2)
	if ($4 + 1 > nrep)
		nrep = $4 + 1
	next
}
$1 == "fail" { fails[++nfail] = $0; next }
$1 == "info" && $2 == "kernel" { kernel = $3 }
$1 == "info" && $2 == "reps" { reps = $3; quick = $4 }
$1 == "info" && $2 == "module" { srcversion = $4 }
$1 == "info" && $2 == "stock" { stock = $3 }

# Table order: unicast, address scaling, ARP by slave count, control path,
# memory, context; otherwise the order of the run.
function sortkey(s, i,    n) {
	if (s ~ /^l3\.addrs/)
		return 2000000 + i
	if (s ~ /^l2\.arp_bcast\.s/) {
		n = s
		sub(/^l2\.arp_bcast\.s/, "", n)
		return 3000000 + n
	}
	if (s ~ /^l2\.ctl\./)
		return 4000000 + i
	if (s ~ /^l2\.mem\./)
		return 5000000 + i
	if (s ~ /^(macvlan|bridge)\./)
		return 6000000 + i
	return 1000000 + i
}

END {
	for (i = 1; i <= nscen; i++)
		key[order[i]] = sortkey(order[i], i)
	for (i = 2; i <= nscen; i++)
		for (j = i; j > 1 && key[order[j - 1]] > key[order[j]]; j--) {
			t = order[j]; order[j] = order[j - 1]; order[j - 1] = t
		}
	if (wall)
		what = "guest wall-clock ns (no -icount: NOT deterministic, sanity only)"
	else
		what = "guest instructions (QEMU -icount shift=0, 1 vCPU)"
	printf "ipvlan benchmark: our driver / the stock driver\n"
	printf "cost: %s,\n      the minimum of back-to-back windows\n", what
	printf "date %s, commit %s, kernel %s\n", date, commit, kernel
	printf "ours:  %s (md5 %s, srcversion %s)\nstock: %s\n", source, md5, srcversion, stock
	printf "%d repetitions, driver order alternating (ABBA)%s; %d s wall\n\n",
		reps, quick ? ", --quick" : "", secs
	printf "%-28s %-10s %11s %11s  %6s %6s %6s %2s\n", "scenario", "unit", "stock",
		"ours", "min", "median", "max", "n"
	for (i = 1; i <= nscen; i++) {
		s = order[i]
		if (s ~ /^(macvlan|bridge)\./)
			continue
		n = 0
		for (r = 0; r < nrep; r++) {
			ks = s SUBSEP "stock" SUBSEP r
			ko = s SUBSEP "ours" SUBSEP r
			if ((ks in best) && (ko in best) && best[ks] > 0)
				rv[++n] = best[ko] / best[ks]
		}
		sm = med(s, "stock")
		om = med(s, "ours")
		if (n == 0) {
			printf "%-28s %-10s %11s %11s  %6s %6s %6s %2d\n", s, unitname(unit[s]),
				sm ? sprintf("%.1f", sm) : "-", om ? sprintf("%.1f", om) : "-",
				"-", "-", "-", 0
			continue
		}
		mn = rv[1]
		mx = rv[1]
		for (j = 2; j <= n; j++) {
			if (rv[j] < mn) mn = rv[j]
			if (rv[j] > mx) mx = rv[j]
		}
		md = median(rv, n)
		ratio[s] = md
		flag = (md > 1.01) ? " *" : ""
		if (flag != "")
			nflag++
		printf "%-28s %-10s %11.1f %11.1f  %6.3f %6.3f %6.3f %2d%s\n", s,
			unitname(unit[s]), sm, om, mn, md, mx, n, flag
	}
	if (nflag)
		printf "(* median ratio above 1.01)\n"

	# Address scaling: cost / cost with the fewest addresses, per driver.
	base = ""
	for (i = 1; i <= nscen; i++)
		if (order[i] ~ /^l3\.addrs[0-9]+\.pktgen$/) {
			a = order[i]
			sub(/^l3\.addrs/, "", a)
			sub(/\.pktgen$/, "", a)
			if (base == "" || a + 0 < base + 0)
				base = a
			naddr++
		}
	if (naddr > 1) {
		printf "\naddress scaling (L3 slave->slave, pktgen): cost / cost with %d addresses\n", base
		printf "%-28s %11s %11s\n", "scenario", "stock", "ours"
		b = "l3.addrs" base ".pktgen"
		for (i = 1; i <= nscen; i++) {
			s = order[i]
			if (s !~ /^l3\.addrs[0-9]+\.pktgen$/ || s == b)
				continue
			line = sprintf("%-28s", s)
			for (d = 1; d <= 2; d++) {
				drv = d == 1 ? "stock" : "ours"
				if (med(s, drv) && med(b, drv)) {
					sc[s, drv] = med(s, drv) / med(b, drv)
					line = line sprintf(" %11.3f", sc[s, drv])
				} else
					line = line sprintf(" %11s", "-")
			}
			print line
		}
		if (("l3.addrs100000.pktgen" in seen) && !med("l3.addrs100000.pktgen", "stock"))
			printf "(stock at 100,000 addresses: not measured by default, see --stock-100k)\n"
	}

	hdr = 0
	for (i = 1; i <= nscen; i++) {
		s = order[i]
		if (s !~ /^(macvlan|bridge)\./)
			continue
		if (!hdr) {
			printf "\ncontext: cost / stock ipvlan L2 cost on the same path\n"
			printf "%-28s %-10s %11s  %6s\n", "scenario", "unit", "cost", "ratio"
			hdr = 1
		}
		c = med(s, "peer")
		ref = s
		sub(/^(macvlan|bridge)/, "l2", ref)
		if (med(ref, "stock") > 0) {
			ctx[s] = c / med(ref, "stock")
			printf "%-28s %-10s %11.1f  %6.3f\n", s, unitname(unit[s]), c, ctx[s]
		} else
			printf "%-28s %-10s %11.1f  %6s\n", s, unitname(unit[s]), c, "-"
	}

	if (nfail) {
		printf "\nscenarios that could not run:\n"
		for (i = 1; i <= nfail; i++)
			print "  " fails[i]
	}

	printf "\n"
	for (i = 1; i <= nscen; i++)
		if (order[i] in ratio)
			printf "ratio %s %.3f\n", order[i], ratio[order[i]]
	for (i = 1; i <= nscen; i++)
		for (d = 1; d <= 2; d++) {
			drv = d == 1 ? "stock" : "ours"
			if ((order[i], drv) in sc)
				printf "scaling %s %s %.3f\n", order[i], drv, sc[order[i], drv]
		}
	for (i = 1; i <= nscen; i++)
		if (order[i] in ctx)
			printf "context %s %.3f\n", order[i], ctx[order[i]]
}
