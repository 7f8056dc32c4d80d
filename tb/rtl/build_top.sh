#!/bin/sh
# Builds the Verilated system top for one configuration as a shared library
# with its C-ABI shim, once: mmusim --backend rtl loads it with dlopen.
# usage: build_top.sh DIR VERILATOR-PARAMETER...   (e.g. -GNumCores=2)
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
verilator --cc --build -j 2 -O2 --assert -Wall -Irtl -Mdir "$tmp" --top-module mmu_top \
	-CFLAGS -fPIC "$@" rtl/mmu_pkg.sv rtl/mmu_tlb.sv rtl/mmu_ptw.sv rtl/mmu_core.sv \
	rtl/mmu_top.sv > "$tmp/build.log" 2>&1 || { cat "$tmp/build.log" >&2; exit 1; }
g++ -O2 -fPIC -shared -o "$tmp/libmmu_top.so" -I"$vl" -I"$vl/vltstd" -I"$tmp" \
	tb/rtl/top_shim.cpp "$tmp/Vmmu_top__ALL.a" "$vl/verilated.cpp" "$vl/verilated_threads.cpp" \
	-pthread
rm -rf "$out"
mv "$tmp" "$out"
trap - EXIT
