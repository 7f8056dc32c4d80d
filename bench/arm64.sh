#!/bin/sh
# arm64 capture speed (issue 16): sort -n --parallel=1 of LINES deterministic
# numbers (200,000 by default), the sysroot's arm64 sort under qemu-aarch64:
#  - qemu-aarch64 alone, no plugin;
#  - qemu-aarch64 with the capture plugin writing to /dev/null (the
#    plugin's own cost: no reader);
#  - mmutrace capture --arch arm64 to .mmut (uncompressed) and .mmut.zst;
#  - mmusim --arch arm64 -- sort (live: replay, --os linux, as it runs);
#  - beside them, cachegrind (no cache simulation) on the x86-64 sort.
# Wall and CPU seconds (user + system, all processes) and events/s
# (events: the trace's records, every access and event) by each. On a
# loaded machine the CPU figures are the ones to compare. The capture is two
# processes at once (qemu with the plugin, mmutrace reading the pipe): on
# two free cores its wall time is the larger of their CPU times, the
# plugin's from its own run and the reader's the rest of the capture's.
# Target: that estimate >= 100 M events/s. Exits 1 if it is missed. The
# table goes to bench/results/arm64.{json,md} too.
# usage: bench/arm64.sh [LINES]
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
b=$top/build
s=$b/sysroot-arm64
lines=${1:-200000}
command -v qemu-aarch64 > /dev/null || { echo "bench/arm64.sh: no qemu-aarch64 (make deps)"; exit 1; }
[ -x "$s/usr/bin/sort" ] || { echo "bench/arm64.sh: no $s (make sysroot-arm64)"; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
. "$top/bench/results.sh"
seq 0 $((lines - 1)) | awk -v n="$lines" '{ print ($1 * 7919) % (n + 3) }' > in.txt
# timed NAME CMD...: "wall cpu" of the command into NAME.t
timed() {
	name=$1
	shift
	env -i PATH=/usr/bin:/bin LC_ALL=C /usr/bin/time -f "%e %U %S" -o "$name.t" "$@"
}
timed qemu qemu-aarch64 -L "$s" "$s/usr/bin/sort" -n --parallel=1 in.txt > /dev/null
timed plugin qemu-aarch64 -L "$s" -plugin "$b/qemu/libmmut.so,fd=3,sysroot=$s" \
	"$s/usr/bin/sort" -n --parallel=1 in.txt > /dev/null 3> /dev/null
timed cap "$b/mmutrace" capture --arch arm64 -o cap.mmut -- sort -n --parallel=1 in.txt \
	> /dev/null 2> cap.log
timed zst "$b/mmutrace" capture --arch arm64 -o cap.mmut.zst -- sort -n --parallel=1 in.txt \
	> /dev/null 2>> cap.log
timed live "$b/mmusim" -q --arch arm64 -- sort -n --parallel=1 in.txt > /dev/null
cg=""
if command -v valgrind > /dev/null; then
	timed cg valgrind --tool=cachegrind --cache-sim=no --cachegrind-out-file=/dev/null \
		sort -n --parallel=1 in.txt > /dev/null 2> cg.log
	cg=1
fi
recs=$(sed -n 's/.*: \([0-9]*\) records.*/\1/p' cap.log | head -1)
acc=$("$b/mmutrace" info cap.mmut | awk '$1 == "accesses" { print $2 }')
echo "arm64 sort -n --parallel=1 of $lines lines: $recs records ($acc accesses)," \
	"$(stat -c %s cap.mmut) bytes, $(stat -c %s cap.mmut.zst) with zstd; load $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-46s %7s %7s %12s %12s\n' run "wall s" "CPU s" "M ev/wall s" "M ev/CPU s"
echo "run|wall s|CPU s|M events/wall s|M events/CPU s" > rows
row() { awk -v r="$recs" -v n="$1" '{ c = $2 + $3; printf "%-46s %7.2f %7.2f %12.1f %12.1f\n",
	n, $1, c, r / $1 / 1e6, r / c / 1e6
	printf "%s|%.2f|%.2f|%.1f|%.1f\n", n, $1, c, r / $1 / 1e6, r / c / 1e6 >> "rows" }' "$2.t"; }
row "qemu-aarch64 alone (no plugin)" qemu
row "qemu-aarch64 + capture plugin -> /dev/null" plugin
row "mmutrace capture --arch arm64 -> .mmut" cap
row "mmutrace capture --arch arm64 -> .mmut.zst" zst
row "mmusim --arch arm64 -- sort (live, --os linux)" live
[ -n "$cg" ] && awk '{ printf "%-46s %7.2f %7.2f %12s %12s\n", "cachegrind, x86-64 sort (no cache sim)",
	$1, $2 + $3, "-", "-"
	printf "%s|%.2f|%.2f|-|-\n", "cachegrind, x86-64 sort (no cache sim)", $1, $2 + $3 >> "rows" }' cg.t
bench_results arm64 < rows
read -r _ pu ps < plugin.t
read -r _ cu cs < cap.t
echo "$recs $pu $ps $cu $cs" | awk '{ p = $2 + $3; rd = $4 + $5 - p; w = p > rd ? p : rd; x = $1 / w / 1e6
	printf "capture on two free cores (est.: plugin %.2f s, reader %.2f s CPU): %.1f M events/s\n", p, rd, x
	if (x < 100) { print "target missed: < 100 M events/s"; exit 1 } }'
