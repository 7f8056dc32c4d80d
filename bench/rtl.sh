#!/bin/sh
# RTL co-simulation speed (issue 4): pages translated per second by
# `mmusim --backend rtl` (waves off, the golden model in lockstep, the
# Verilated model already built), per TLB geometry and core count.
# usage: bench/rtl.sh [RECORDS]   (default 1,000,000 records of each trace)
# The first run of a configuration builds its model (minutes for the large
# geometries); that build is timed apart and not in the rate.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
b=$top/build
n=${1:-1000000}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
small="-s l1i.entries=16 -s l1i.ways=4 -s l1d.entries=16 -s l1d.ways=4 -s l2.entries=64 -s l2.ways=4"
"$b/mmutrace" cat "$top/traces/bundled/sort.mmut.zst" 2> /dev/null | head -n "$n" > "$tmp/sort.txt"
"$b/mmutrace" cat "$top/traces/bundled/xz.mmut.zst" 2> /dev/null | head -n "$n" > "$tmp/xz.txt"
printf '%-44s %-5s %6s %10s %8s %12s %10s\n' geometry trace cores pages seconds "pages/s" build_s
# geometry label|mmusim settings
for g in "L1 16x4, L2 64x4|$small" \
	"L1 48 fully assoc., L2 1280x5 (default)|"; do
	label=${g%%|*} set=${g#*|}
	for c in 1 4; do
		t=sort
		[ "$c" -gt 1 ] && t=xz # xz -T2: three threads (clone records in the trace)
		# build (if needed) on an empty trace, so the rate below is the run's alone
		head -n 1 "$tmp/$t.txt" > "$tmp/one.txt" # the header line only
		s0=$(date +%s.%N)
		# shellcheck disable=SC2086 # $set is a list of options
		"$b/mmusim" "$tmp/one.txt" --backend rtl -s cores=$c $set -q > /dev/null 2>&1 || true
		s1=$(date +%s.%N)
		# shellcheck disable=SC2086
		"$b/mmusim" "$tmp/$t.txt" --backend rtl -s cores=$c $set -q --json "$tmp/r.json" \
			2> "$tmp/err" || { grep -v ': warning: ' "$tmp/err" >&2; exit 1; }
		s2=$(date +%s.%N)
		pages=$(jq .rtl.pages "$tmp/r.json")
		awk -v l="$label" -v t="$t" -v c="$c" -v p="$pages" -v s0="$s0" -v s1="$s1" -v s2="$s2" \
			'BEGIN {printf "%-44s %-5s %6d %10d %8.1f %12.0f %10.0f\n", l, t, c, p, s2 - s1, p / (s2 - s1), s1 - s0}'
	done
done
