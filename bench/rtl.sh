#!/bin/sh
# RTL co-simulation speed (issue 4, issue 11): pages translated per second
# by `mmusim --backend rtl` (waves off, the golden model checking every
# page, the Verilated model already built), per TLB geometry and core
# count, side by side with `--backend model` on the same input in the same
# run; with cores > 1 also with the cores at once (-s rtl.parallel=on).
# usage: bench/rtl.sh [RECORDS [CORES...]]   (default 1,000,000 records of
# each trace; cores 1 2 4 8)
# The first run of a configuration builds its model (minutes for the large
# geometries); that build is timed apart and not in the rate. The table
# goes to bench/results/rtl.{json,md} too.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
b=$top/build
n=${1:-1000000}
[ $# -gt 0 ] && shift
cores=${*:-1 2 4 8}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$top/bench/results.sh"
echo "geometry|trace|records|cores|mode|pages|seconds|pages/s|model pages/s|x model|build s" > "$tmp/rows"
small="-s l1i.entries=16 -s l1i.ways=4 -s l1d.entries=16 -s l1d.ways=4 -s l2.entries=64 -s l2.ways=4"
"$b/mmutrace" cat "$top/traces/bundled/sort.mmut.zst" 2> /dev/null | head -n "$n" > "$tmp/sort.txt"
"$b/mmutrace" cat "$top/traces/bundled/xz.mmut.zst" 2> /dev/null | head -n "$n" > "$tmp/xz.txt"
# rtl.parallel exists since issue 11
par=""
"$b/mmusim" --help 2>&1 | grep -q rtl.parallel && par=on
printf '%-40s %-5s %5s %-8s %9s %7s %10s %10s %7s %7s\n' geometry trace cores mode pages \
	seconds "pages/s" "model p/s" "model×" build_s
# geometry label|mmusim settings
for g in "L1 16x4, L2 64x4|$small" \
	"L1 48 fully assoc., L2 1280x5 (default)|"; do
	label=${g%%|*} set=${g#*|}
	for c in $cores; do
		t=sort
		[ "$c" -gt 1 ] && t=xz # xz -T2: three threads (clone records in the trace)
		# build (if needed) on an empty trace, so the rate below is the run's alone
		head -n 1 "$tmp/$t.txt" > "$tmp/one.txt" # the header line only
		s0=$(date +%s.%N)
		# shellcheck disable=SC2086 # $set is a list of options
		"$b/mmusim" "$tmp/one.txt" --backend rtl -s cores=$c $set -q > /dev/null 2>&1 || true
		s1=$(date +%s.%N)
		# shellcheck disable=SC2086
		"$b/mmusim" "$tmp/$t.txt" -s cores=$c $set -q > /dev/null 2>&1
		s2=$(date +%s.%N)
		modes=lockstep
		[ "$c" -gt 1 ] && [ -n "$par" ] && modes="lockstep parallel"
		for mode in $modes; do
			p=""
			[ "$mode" = parallel ] && p="-s rtl.parallel=on"
			s3=$(date +%s.%N)
			# shellcheck disable=SC2086
			"$b/mmusim" "$tmp/$t.txt" --backend rtl -s cores=$c $set $p -q \
				--json "$tmp/r.json" 2> "$tmp/err" ||
				{ grep -v ': warning: ' "$tmp/err" >&2; exit 1; }
			s4=$(date +%s.%N)
			pages=$(jq .rtl.pages "$tmp/r.json")
			awk -v l="$label" -v t="$t" -v c="$c" -v m="$mode" -v p="$pages" -v s0="$s0" \
				-v s1="$s1" -v s2="$s2" -v s3="$s3" -v s4="$s4" -v n="$n" -v rows="$tmp/rows" \
				'BEGIN {printf "%-40s %-5s %5d %-8s %9d %7.2f %10.0f %10.0f %7.1f %7.0f\n",
					l, t, c, m, p, s4 - s3, p / (s4 - s3), p / (s2 - s1),
					(s4 - s3) / (s2 - s1), s1 - s0
					printf "%s|%s|%d|%d|%s|%d|%.2f|%.0f|%.0f|%.1f|%.0f\n", l, t, n, c, m, p,
						s4 - s3, p / (s4 - s3), p / (s2 - s1), (s4 - s3) / (s2 - s1),
						s1 - s0 >> rows}'
		done
	done
done
bench_results rtl < "$tmp/rows"
