#!/bin/sh
# The RTL stays in the SystemVerilog that Yosys 0.23 (Debian 12) reads:
# mmu_core, and with it every module but mmu_top, read, elaborated and
# checked (no undriven or multiply driven signal, no combinational loop) in
# two small configurations that between them take every replacement policy,
# both VA sizes and both walk-cache sizes. Any Yosys warning fails the test
# (a struct member Yosys 0.23 cannot resolve is only a warning, and wrong
# logic), but its note that it turned a memory into registers.
# Prints cmocka-style "[       OK ]" / "[  FAILED  ]".
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
src="rtl/mmu_pkg.sv rtl/mmu_tlb.sv rtl/mmu_ptw.sv rtl/mmu_core.sv"

ok() { echo "[       OK ] $1"; }
bad() { echo "[  FAILED  ] $1: $2"; }

if ! command -v yosys > /dev/null; then
	bad yosys "yosys is not installed (make deps)"
	exit 1
fi
cd "$top" || exit 1
status=0
# name|parameters (policies: 0 LRU, 1 PLRU, 2 FIFO, 3 random)
for c in "mmu_core L1 16x4 LRU, L2 64x4 LRU, VA 48, 4 walk-cache entries|\
-chparam L1iEntries 16 -chparam L1iWays 4 -chparam L1dEntries 16 -chparam L1dWays 4 \
-chparam L2Entries 64 -chparam L2Ways 4" \
	"mmu_core L1 I 16x16 PLRU, L1 D 32x2 FIFO, L2 64x8 random, VA 39, 1 walk-cache entry|\
-chparam L1iEntries 16 -chparam L1iWays 16 -chparam L1iPolicy 1 -chparam L1dEntries 32 \
-chparam L1dWays 2 -chparam L1dPolicy 2 -chparam L2Entries 64 -chparam L2Ways 8 \
-chparam L2Policy 3 -chparam VaBits 39 -chparam WcEntries 1"; do
	name=${c%%|*} params=${c#*|}
	if out=$(yosys -q -w 'Replacing memory .* with list of registers' -e '.' -p \
		"read_verilog -sv $src; hierarchy -check -top mmu_core $params; proc; check -assert" \
		2>&1); then
		ok "yosys: $name"
	else
		bad "yosys: $name" "$out"
		status=1
	fi
done
exit $status
