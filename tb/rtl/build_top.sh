#!/bin/sh
# Builds the Verilated system top for one configuration as a shared library
# with its C-ABI shim, once: mmusim --backend rtl loads it with dlopen.
# usage: build_top.sh DIR [--trace-fst] VERILATOR-PARAMETER...   (e.g. -GNumCores=2)
# --trace-fst builds the variant that can write FST waveforms.
# The library appears in DIR only when complete.
set -eu
out=$1
shift
top=$(cd "$(dirname "$0")/../.." && pwd)
vl=/usr/share/verilator/include
tmp=$out.tmp.$$
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp"
cd "$top"
trace="" extra=""
if [ "${1:-}" = --trace-fst ]; then
	shift
	trace="--trace-fst --trace-structs"
	extra="-DVM_TRACE=1 -DVM_TRACE_FST=1 $vl/verilated_fst_c.cpp -lz"
fi
verilator --cc --build -j 2 -O2 --assert -Wall $trace -Irtl -Mdir "$tmp" --top-module mmu_top \
	-CFLAGS -fPIC "$@" rtl/mmu_pkg.sv rtl/mmu_tlb.sv rtl/mmu_ptw.sv rtl/mmu_core.sv \
	rtl/mmu_top.sv > "$tmp/build.log" 2>&1 || { cat "$tmp/build.log" >&2; exit 1; }
# shellcheck disable=SC2086 # $extra is a list of words
g++ -O2 -fPIC -shared -o "$tmp/libmmu_top.so" -I"$vl" -I"$vl/vltstd" -I"$tmp" \
	tb/rtl/top_shim.cpp "$tmp/Vmmu_top__ALL.a" "$vl/verilated.cpp" "$vl/verilated_threads.cpp" \
	$extra -pthread
rm -rf "$out"
mv "$tmp" "$out"
trap - EXIT
