#!/bin/sh
# make sweep: design-space sweeps as a plain job file, run by GNU parallel
# (or xargs -P), collected into one CSV and drawn by gnuplot (PNG and SVG).
#
#   bench/sweep.sh [--quick] [--jobs N] [--out DIR] [--traces "A.mmut.zst B.mmut.zst"]
#   bench/sweep.sh --plan-only ...   writes DIR/jobs.txt and stops (for a cluster)
#   bench/sweep.sh --collect ...     CSV and plots of the JSON files a cluster wrote
#
# Studies (one line a job in DIR/jobs.txt, each writing DIR/json/ID.json):
#   tlb      L1 D-TLB entries 8..4096, fully associative and 4-way, lru plru fifo random,
#            on every trace (--os linux, L2 TLB as configured by default)
#   walkc    walk-cache entries for L2 descriptors, 0..64, on every trace
#   munmap   mmap N pages, write each, munmap them, N = 1 .. 2^20 (2^12 with --quick),
#            range TLBI on and off: TLBI operations per munmap
#   shootdown the RTL's cores at once (--backend rtl, rtl.parallel, 16x4 L1s, 64x4 L2)
#            on 1, 2, 4, 8 cores (1, 2 with --quick) replaying a stress trace whose
#            three threads mmap, munmap and mprotect while the others translate
#            (tb/tests/stress_trace.c): TLBI-to-DSB latency under load
# Outputs: DIR/results.csv, DIR/*.png and DIR/*.svg; DIR/jobs.txt is also the
# input of bench/sweep.slurm (one array task a line).
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
sim=$top/build/mmusim
out=$top/build/sweep
jobs=$(nproc)
quick=no
mode=all
traces=
while [ $# -gt 0 ]; do
	case $1 in
	--quick) quick=yes ;;
	--jobs) jobs=$2; shift ;;
	--out) out=$2; shift ;;
	--traces) traces=$2; shift ;;
	--plan-only) mode=plan ;;
	--collect) mode=collect ;;
	*) echo "sweep.sh: unknown option '$1'" >&2; exit 2 ;;
	esac
	shift
done
[ -n "$traces" ] || traces=$(ls "$top"/traces/bundled/*.mmut.zst)
[ -x "$sim" ] || { echo "sweep.sh: $sim is not built (make build)" >&2; exit 1; }
mkdir -p "$out/json" "$out/traces"

if [ $quick = yes ]; then
	entries="8 64 512"; policies="lru random"; walkc="0 4"; pages="1 64 511 512 4096"
	cores="1 2"; stress=100000
else
	entries="8 16 32 64 128 256 512 1024 2048 4096"; policies="lru plru fifo random"
	walkc="0 1 2 4 8 16 32 64"
	pages="1 2 4 8 16 32 64 128 256 511 512 1024 4096 16384 65536 262144 1048576"
	cores="1 2 4 8"; stress=600000
fi
small="-s l1i.entries=16 -s l1i.ways=4 -s l1d.entries=16 -s l1d.ways=4 -s l2.entries=64 -s l2.ways=4"

# ---- the plan: one mmusim command a line; a job's id names its JSON ----
plan() {
	for t in $traces; do
		name=$(basename "$t" .mmut.zst)
		for e in $entries; do
			for ways in full 4; do
				w=$e
				[ $ways = 4 ] && w=4
				[ "$w" -le "$e" ] || continue
				for p in $policies; do
					id=tlb.$name.$e.$ways.$p
					echo "$sim $t -q -s l1d.entries=$e -s l1d.ways=$w -s l1d.policy=$p --json $out/json/$id.json"
				done
			done
		done
		for c in $walkc; do
			echo "$sim $t -q -s walk.l2_entries=$c --json $out/json/walkc.$name.$c.json"
		done
	done
	for n in $pages; do
		tr=$out/traces/munmap.$n.txt
		awk -v n="$n" 'BEGIN { print "mmutrace-text 1"
			printf "mmap 0x10000000 0x%x rw- private|anonymous\n", n * 4096
			for (p = 0; p < n; p++) printf "W 0x%x 8\n", 268435456 + p * 4096
			printf "munmap 0x10000000 0x%x\n", n * 4096 }' > "$tr"
		for r in on off; do
			echo "$sim $tr -q -s tlbi_range=$r --json $out/json/munmap.$n.$r.json"
		done
	done
	"$top/build/stress_trace" 1 "$stress" > "$out/traces/stress.txt"
	for c in $cores; do
		echo "$sim $out/traces/stress.txt -q --backend rtl -s rtl.parallel=on -s cores=$c $small" \
			"--json $out/json/shootdown.$c.json"
	done
}

# ---- the CSV: one row a job, from its JSON and its id ----
collect() {
	echo "study,trace,l1d_entries,l1d_ways,policy,walk_l2_entries,pages,tlbi_range,accesses,l1d_misses,l1d_miss_rate,l1d_mpki,l2_misses,walks,walk_cycles,tlbi_ops,tlbi_aside1,tlbi_vale1,tlbi_rvale1,cores,rtl_syncs,rtl_sync_cycles,rtl_sync_cycles_max,rtl_port_wait_per_walk" > "$out/results.csv.tmp"
	for f in "$out"/json/*.json; do
		[ -e "$f" ] || continue
		id=$(basename "$f" .json)
		# the id's fields: study.name.a.b.c (munmap: munmap.pages.range; shootdown.cores)
		echo "$id" | awk -F. '{
			if ($1 == "tlb") print "tlb," $2 "," $3 "," $4 "," $5 ",,,"
			else if ($1 == "walkc") print "walkc," $2 ",,,," $3 ",,"
			else if ($1 == "shootdown") print "shootdown,stress,,,,,,"
			else print "munmap,,,,,," $2 "," $3 }' | tr -d '\n'
		jq -r '[.data_accesses + .instructions, .l1d.misses, .l1d.miss_rate, .l1d.mpki,
			.l2.misses, .walks.count, .walks.cycles,
			([.os.tlbi_issued[]] | add), .os.tlbi_issued.aside1, .os.tlbi_issued.vale1,
			.os.tlbi_issued.rvale1, .config.cores, .rtl.syncs, .rtl.sync_cycles,
			.rtl.sync_cycles_max, .rtl.parallel.port_wait_per_walk] |
			"," + (map(if . == null then "" else tostring end) | join(","))' "$f"
	done >> "$out/results.csv.tmp"
	mv "$out/results.csv.tmp" "$out/results.csv"
}

# ---- the plots: labelled axes with units, PNG and SVG each ----
# gnuplot's terminal for png or svg
terminal() {
	if [ "$1" = png ]; then echo "pngcairo noenhanced size 1000,640"
	else echo "svg noenhanced size 1000,640"; fi
}

plots() {
	csv=$out/results.csv
	# per trace and policy: L1 D-TLB miss rate and walk cycles against entries (fully associative)
	for what in miss_rate:l1d_miss_rate:"L1 D-TLB miss rate (%)":100 \
		mpki:l1d_mpki:"L1 D-TLB misses per 1000 instructions (MPKI)":1 \
		walk_cycles:walk_cycles:"page-walk cycles (total)":1; do
		key=${what%%:*}; rest=${what#*:}; col=${rest%%:*}; rest=${rest#*:}
		label=${rest%:*}; scale=${rest##*:}
		awk -F, -v col="$col" -v scale="$scale" 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
			$1 == "tlb" && $4 == "full" { print $2 "/" $5, $3, $c[col] * scale }' "$csv" |
			sort -k1,1 -k2,2n > "$out/$key.dat"
		for term in png svg; do
			gnuplot <<-EOF
			set terminal $(terminal $term)
			set output "$out/$key.$term"
			set title "$label against L1 D-TLB entries (fully associative), --os linux"
			set xlabel "L1 D-TLB entries (4 KiB pages)"
			set ylabel "$label"
			set logscale x 2
			set key outside right
			set grid
			plot for [s in system("cut -d' ' -f1 $out/$key.dat | uniq | tr '\n' ' '")] \
				"< grep '^".s." ' $out/$key.dat" using 2:3 with linespoints title s
			EOF
		done
	done
	# walk cache: cycles per walk against walk-cache entries
	awk -F, 'NR > 1 && $1 == "walkc" && $14 > 0 { print $2, $6, $15 / $14 }' "$csv" |
		sort -k1,1 -k2,2n > "$out/walkc.dat"
	# munmap: TLBI operations against pages, range TLBI on and off
	awk -F, 'NR > 1 && $1 == "munmap" { print $8, $7, $16 }' "$csv" | sort -k1,1 -k2,2n > "$out/munmap.dat"
	for term in png svg; do
		gnuplot <<-EOF
		set terminal $(terminal $term)
		set output "$out/walkcache.$term"
		set title "Walk cycles per page walk against walk-cache entries (L2 descriptors)"
		set xlabel "walk-cache entries for L2 descriptors"
		set ylabel "cycles per walk"
		set key outside right
		set grid
		plot for [s in system("cut -d' ' -f1 $out/walkc.dat | uniq | tr '\n' ' '")] \
			"< grep '^".s." ' $out/walkc.dat" using 2:3 with linespoints title s
		set output "$out/munmap_tlbi.$term"
		set title "TLBI operations to munmap N pages (Linux arm64 flush_tlb_range)"
		set xlabel "pages unmapped (4 KiB)"
		set ylabel "TLBI operations issued"
		set logscale xy 2
		set format x "%.0f"
		plot "< grep '^off ' $out/munmap.dat" using 2:3 with linespoints title "per-page TLBI (FEAT_TLBIRANGE off)", \
		     "< grep '^on ' $out/munmap.dat" using 2:3 with linespoints title "range TLBI (FEAT_TLBIRANGE on)"
		EOF
	done
	# shootdown: first TLBI of a batch to its DSB's completion, mean and most, against cores
	awk -F, 'NR > 1 && $1 == "shootdown" && $21 > 0 { print $20, $22 / $21, $23 }' "$csv" |
		sort -n > "$out/shootdown.dat"
	for term in png svg; do
		gnuplot <<-EOF
		set terminal $(terminal $term)
		set output "$out/shootdown.$term"
		set title "Shootdown latency under load: the RTL's cores at once, three threads mapping and unmapping"
		set xlabel "cores"
		set ylabel "RTL cycles, first TLBI to its DSB ISH complete"
		set logscale x 2
		set xtics (1, 2, 4, 8)
		set key outside right
		set grid
		plot "$out/shootdown.dat" using 1:2 with linespoints title "mean", \
		     "$out/shootdown.dat" using 1:3 with linespoints title "most"
		EOF
	done
}

if [ $mode != collect ]; then
	plan > "$out/jobs.txt"
	echo "sweep: $(wc -l < "$out/jobs.txt") jobs in $out/jobs.txt"
	[ $mode = plan ] && exit 0
	rm -f "$out"/json/*.json
	if command -v parallel > /dev/null; then
		parallel --will-cite --halt soon,fail=1 -j "$jobs" < "$out/jobs.txt"
	else
		tr '\n' '\0' < "$out/jobs.txt" | xargs -0 -P "$jobs" -n 1 sh -c
	fi
fi
collect
plots
echo "sweep: $out/results.csv ($(($(wc -l < "$out/results.csv") - 1)) rows);" \
	"plots: $(cd "$out" && ls *.png | tr '\n' ' ')"
