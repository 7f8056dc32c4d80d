#!/bin/sh
# Synthesis of the RTL with Yosys 0.23 (Debian 12's) to Yosys's generic gate
# library: cells, flip-flops and longest logic path of mmu_tlb, mmu_ptw and
# mmu_core per geometry. Prints a Markdown table (also written to
# build/synth/table.md); each run's log is build/synth/NAME.log.
#
# Per configuration:
#   read_verilog -sv rtl/mmu_pkg.sv rtl/mmu_tlb.sv rtl/mmu_ptw.sv rtl/mmu_core.sv
#   hierarchy -check -top TOP -chparam ...; synth -top TOP -flatten -noshare
#   stat; ltp -noff
# (-noshare: the SAT-based resource sharing ran on the 1280-entry TLB for
# over 5 minutes without finishing; on the 16x4 TLB it saves about 1% of
# the cells.)
# cells: every cell after `synth` (gates $_AND_, $_MUX_, $_XOR_... and
# flip-flops), the memories mapped to flip-flops (no memory library);
# flip-flops: the $_DFF*/$_SDFF* cells among them; longest path: `ltp -noff`,
# the most cells on a path from an input or flip-flop to an output or
# flip-flop, a depth in generic gates, not a delay (Yosys 0.23's `sta` needs
# cell delays, which the generic library does not have).
#
# usage: bench/synth.sh [NAME...]   (NAMEs below; default: all but
# tlb_1280x5 and core_default, which need more than 18 GB and half an hour)
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
out=$top/build/synth
src="rtl/mmu_pkg.sv rtl/mmu_tlb.sv rtl/mmu_ptw.sv rtl/mmu_core.sv"
small_core="-chparam L1iEntries 16 -chparam L1iWays 4 -chparam L1dEntries 16 \
-chparam L1dWays 4 -chparam L2Entries 64 -chparam L2Ways 4"

# name|top|geometry|parameters
configs="tlb_16x4|mmu_tlb|16 entries, 4 ways, LRU|-chparam Entries 16 -chparam Ways 4
tlb_48x48|mmu_tlb|48 entries, fully assoc., LRU (L1 default)|-chparam Entries 48 -chparam Ways 48
tlb_1280x5|mmu_tlb|1280 entries, 5 ways, LRU (L2 default)|-chparam Entries 1280 -chparam Ways 5
ptw|mmu_ptw|VA 48 bits, 4 walk-cache entries a level (default)|
core_small|mmu_core|L1s 16x4, L2 64x4, 4 walk-cache entries|$small_core
core_default|mmu_core|L1s 48 fully assoc., L2 1280x5 (default)|"

want=${*:-tlb_16x4 tlb_48x48 ptw core_small}
command -v yosys > /dev/null || { echo "yosys is not installed: make deps" >&2; exit 1; }
mkdir -p "$out"
cd "$top"
table=$out/table.md
{
	echo "| module | geometry | cells | flip-flops | longest path (gates) | Yosys time (s) |"
	echo "|---|---|---:|---:|---:|---:|"
} > "$table.tmp"
cat "$table.tmp"
for name in $want; do
	line=$(echo "$configs" | grep "^$name|") || { echo "no configuration $name" >&2; exit 2; }
	IFS='|' read -r _ mod geom params <<-END
	$line
	END
	log=$out/$name.log
	s0=$(date +%s)
	yosys -l "$log" -q -p "read_verilog -sv $src; hierarchy -check -top $mod $params; \
synth -top $mod -flatten -noshare; tee -q -o $out/$name.stat stat; tee -q -o $out/$name.ltp ltp -noff" \
		> /dev/null 2>&1 || { tail -n 20 "$log" >&2; exit 1; }
	s1=$(date +%s)
	cells=$(awk '/Number of cells:/ {n = $4} END {print n}' "$out/$name.stat")
	ffs=$(awk '$1 ~ /^\$_(S|ALD)?DFF/ {n += $2} END {print n + 0}' "$out/$name.stat")
	latches=$(awk '$1 ~ /^\$_DLATCH/ {n += $2} END {print n + 0}' "$out/$name.stat")
	depth=$(sed -n 's/.*(length=\([0-9]*\)).*/\1/p' "$out/$name.ltp")
	[ "$latches" -eq 0 ] || { echo "$name: $latches latches" >&2; exit 1; }
	echo "| $mod | $geom | $cells | $ffs | $depth | $((s1 - s0)) |" | tee -a "$table.tmp"
done
mv "$table.tmp" "$table"
echo "$(yosys -V); table in $table"
