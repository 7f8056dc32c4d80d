#!/bin/sh
# Remakes the bundled traces and the cachegrind figures they are checked
# against (see traces/bundled/README.md), with the project's Valgrind tool
# (make build first). Needs valgrind, sort and xz.
# Both valgrind runs of sort share one directory, environment (VALGRIND_LIB
# included: the tool runs from build/vg, and the program sees it) and
# argument list, so they see the same instruction stream and addresses. xz is multi-threaded: under Valgrind its
# thread interleaving, and so its instruction count, differs from run to run,
# so no second run can give its exact figures and none are kept for it.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
out=$top/traces/bundled
mmutrace=$top/build/mmutrace
work=/tmp/mmusim-bundle
rm -rf "$work" && mkdir -p "$work" && cd "$work"
seq 3000 -1 1 > rev.txt
seq 1 8000 > seq8k.txt

run() { env -i PATH=/usr/bin:/bin LC_ALL=C VALGRIND_LIB="$top/build/vg" "$@"; }

# name;command;cachegrind figures?
programs='sort;sort -n rev.txt;yes
xz;xz -T2 -0 --block-size=8KiB -c seq8k.txt;no
pipe;sh -c "sort -n rev.txt | head -5";no'

# l1i entries ways | l1d entries ways | l2 entries ways (all lru)
geometries='48 48 48 48 1280 5
16 4 32 2 256 4
8 8 64 1 512 8'

echo "$programs" | while IFS=';' read -r name cmd figures; do
	# (one exit layout per process: NAME.exit-layout, NAME.exit-layout.PID)
	rm -f "$out/$name".exit-layout*
	eval "set -- $cmd"
	run "$mmutrace" capture -o "$out/$name.mmut.zst" --exit-layout "$out/$name.exit-layout" \
		--level 19 -- "$@" > /dev/null
	[ "$figures" = yes ] || continue
	exp=$out/$name.cachegrind
	{
		echo "# cachegrind figures for $name.mmut.zst, made by traces/bundle.sh:"
		echo "# VALGRIND_LIB=build/vg valgrind --tool=cachegrind --cache-sim=yes --I1=.. --D1=.. --LL=.. $cmd"
		echo "# l1i_entries l1i_ways l1d_entries l1d_ways l2_entries l2_ways" \
			"I_refs I1_misses D_refs D1_misses LL_refs LL_misses"
	} > "$exp"
	echo "$geometries" | while read -r ie iw de dw le lw; do
		run valgrind --tool=cachegrind --cache-sim=yes --cachegrind-out-file=/dev/null \
			--I1=$((ie * 4096)),$iw,4096 --D1=$((de * 4096)),$dw,4096 \
			--LL=$((le * 4096)),$lw,4096 $cmd 2> cg.log > /dev/null || true
		num() { grep "$1" cg.log | head -1 | sed 's/.*: *\([0-9,]*\).*/\1/' | tr -d ,; }
		echo "$ie $iw $de $dw $le $lw $(num 'I *refs:') $(num 'I1 *misses:')" \
			"$(num 'D *refs:') $(num 'D1 *misses:') $(num 'LL refs:')" \
			"$(num 'LL misses:')" >> "$exp"
	done
done
ls -l "$out"
