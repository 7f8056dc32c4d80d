#!/bin/sh
# Builds the Verilated system top for one configuration as a shared library
# with its C-ABI shim, once: mmusim --backend rtl loads it with dlopen.
# usage: build_top.sh DIR [--trace-fst] VERILATOR-PARAMETER...   (e.g. -GNumCores=2)
# --trace-fst builds the variant that can write FST waveforms, with a time
# unit of one clock cycle (see tb/rtl/top_shim.cpp).
# The library appears in DIR only when complete; an interrupted build
# (Ctrl-C, SIGTERM) removes its temporary directory and says so.
# Progress goes to stderr: the C++ files compiled so far and the time left,
# extrapolated from the bytes compiled.
set -eu
out=$1
shift
top=$(cd "$(dirname "$0")/../.." && pwd)
vl=/usr/share/verilator/include
tmp=$out.tmp.$$
job=""
# stop the compile job (its own process group: make and the compilers)
stop() {
	if [ -n "$job" ] && kill -TERM "-$job" 2> /dev/null; then
		wait "$job" 2> /dev/null || true
	fi
	echo "build_top.sh: $1: removed the unfinished $tmp; no model kept" >&2
	exit "$2"
}
trap 'rm -rf "$tmp"' EXIT
trap 'stop interrupted 130' INT
trap 'stop terminated 143' TERM HUP
mkdir -p "$tmp"
cd "$top"
trace="" extra=""
if [ "${1:-}" = --trace-fst ]; then
	shift
	trace="--trace-fst --trace-structs"
	extra="-DVM_TRACE=1 -DVM_TRACE_FST=1 $vl/verilated_fst_c.cpp -lz"
fi
start=$(date +%s)
echo "  verilating..." >&2
verilator --cc -O2 --assert -Wall $trace -f rtl/mmu.f -Mdir "$tmp" --top-module mmu_top \
	-CFLAGS -fPIC "$@" > "$tmp/build.log" 2>&1 || { cat "$tmp/build.log" >&2; exit 1; }
# compile in the background; report every 15 s how far it got
total=$(cat "$tmp"/*.cpp | wc -c)
nfiles=$(ls "$tmp"/*.cpp | wc -l)
echo "  verilated in $(($(date +%s) - start)) s: $nfiles C++ files, $((total / 1024)) KiB to compile" >&2
# -O2, not Verilator's default -Os, for the code evaluated every cycle: some
# 7% fewer instructions a page (bench/rtl.sh)
setsid make -s -C "$tmp" -f Vmmu_top.mk -j 2 OPT_FAST=-O2 Vmmu_top__ALL.a >> "$tmp/build.log" 2>&1 &
job=$!
t0=$(date +%s)
while kill -0 $job 2> /dev/null; do
	sleep 1
	now=$(date +%s)
	[ $(((now - t0) % 15)) -eq 14 ] || continue
	done_bytes=0 ndone=0
	for o in "$tmp"/*.o; do
		[ -e "$o" ] || continue
		c=${o%.o}.cpp
		[ -e "$c" ] || continue
		done_bytes=$((done_bytes + $(wc -c < "$c")))
		ndone=$((ndone + 1))
	done
	left=""
	[ "$done_bytes" -gt 0 ] &&
		left=", about $(((now - t0) * (total - done_bytes) / done_bytes)) s left"
	echo "  compiling: $ndone of $nfiles files, $((now - start)) s so far$left" >&2
done
wait $job || { cat "$tmp/build.log" >&2; exit 1; }
# shellcheck disable=SC2086 # $extra is a list of words
g++ -O2 -fPIC -shared -o "$tmp/libmmu_top.so" -I"$vl" -I"$vl/vltstd" -I"$tmp" \
	tb/rtl/top_shim.cpp "$tmp/Vmmu_top__ALL.a" "$vl/verilated.cpp" "$vl/verilated_threads.cpp" \
	$extra -pthread
echo "  built in $(($(date +%s) - start)) s" >&2
rm -rf "$out"
mv "$tmp" "$out"
trap - EXIT
