#!/bin/sh
# arm64 capture and live speed (issue 16): sort -n --parallel=1 of LINES
# deterministic numbers (200,000 by default), the sysroot's arm64 sort under
# qemu-aarch64, side by side in one run:
#  - qemu-aarch64 alone, no plugin;
#  - qemu-aarch64 with the capture plugin writing to /dev/null (the
#    plugin's own cost: no reader);
#  - mmutrace capture --arch arm64 to .mmut (uncompressed) and .mmut.zst;
#  - mmusim --arch arm64 -- sort (live: replay, --os linux, as it runs);
#  - beside them, cachegrind (no cache simulation) on the x86-64 sort.
# The capture to .mmut and the live run take turns ROUNDS times (2 by
# default); the best of each counts. Wall and CPU seconds (user + system,
# all processes) and events/s (events: the trace's records, every access
# and event). Targets: the capture on two free cores (its wall time is the
# larger of the plugin's CPU time, from its own run, and the reader's, the
# rest of the capture's) >= 100 M events/s; the live run's wall time <=
# 1.2x the capture's (the replay overlaps the capture on the second core),
# on two free cores: the larger of the plugin's CPU time and half of all
# the live run's (qemu with the plugin, mmusim's reader thread, its
# replay). Measured wall times need two free cores: the load average
# before and after is written down beside them. Writes bench/results/arm64.json and arm64.md ($BENCH_OUT
# instead of bench/results). Exits 1 if a target is missed.
# usage: bench/arm64.sh [LINES]
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
b=$top/build
s=$b/sysroot-arm64
lines=${1:-200000}
rounds=${ROUNDS:-2}
command -v qemu-aarch64 > /dev/null || { echo "bench/arm64.sh: no qemu-aarch64 (make deps)"; exit 1; }
[ -x "$s/usr/bin/sort" ] || { echo "bench/arm64.sh: no $s (make sysroot-arm64)"; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
seq 0 $((lines - 1)) | awk -v n="$lines" '{ print ($1 * 7919) % (n + 3) }' > in.txt
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
# timed NAME CMD...: "wall user system" of the command, a line added to NAME.t
timed() {
	name=$1
	shift
	env -i PATH=/usr/bin:/bin LC_ALL=C /usr/bin/time -f "%e %U %S" -a -o "$name.t" "$@"
}
timed qemu qemu-aarch64 -L "$s" "$s/usr/bin/sort" -n --parallel=1 in.txt > /dev/null
timed plugin qemu-aarch64 -L "$s" -plugin "$b/qemu/libmmut.so,fd=3,sysroot=$s" \
	"$s/usr/bin/sort" -n --parallel=1 in.txt > /dev/null 3> /dev/null
r=0
while [ "$r" -lt "$rounds" ]; do
	rm -f cap.mmut
	timed cap "$b/mmutrace" capture --arch arm64 -o cap.mmut -- sort -n --parallel=1 in.txt \
		> /dev/null 2> cap.log
	timed live "$b/mmusim" -q --arch arm64 -- sort -n --parallel=1 in.txt > /dev/null
	r=$((r + 1))
done
timed zst "$b/mmutrace" capture --arch arm64 -o cap.mmut.zst -- sort -n --parallel=1 in.txt \
	> /dev/null 2>> cap.log
cg=""
if command -v valgrind > /dev/null; then
	timed cg valgrind --tool=cachegrind --cache-sim=no --cachegrind-out-file=/dev/null \
		sort -n --parallel=1 in.txt > /dev/null 2> cg.log
	cg=1
fi
load_after=$(cut -d' ' -f1-3 /proc/loadavg)
recs=$(sed -n 's/.*: \([0-9]*\) records.*/\1/p' cap.log | head -1)
acc=$("$b/mmutrace" info cap.mmut | awk '$1 == "accesses" { print $2 }')
# the best (least wall) line of each run
for t in *.t; do sort -n "$t" | head -1 > "${t%.t}.best"; done
echo "arm64 sort -n --parallel=1 of $lines lines: $recs records ($acc accesses)," \
	"$(stat -c %s cap.mmut) bytes, $(stat -c %s cap.mmut.zst) with zstd;" \
	"load average $load_before before, $load_after after; best of $rounds for capture and live"
rows() {
	row() { awk -v r="$recs" -v n="$1" '{ c = $2 + $3; printf "%s|%.2f|%.2f|%.1f|%.1f\n",
		n, $1, c, r / $1 / 1e6, r / c / 1e6 }' "$2.best"; }
	row "qemu-aarch64 alone (no plugin)" qemu
	row "qemu-aarch64 + capture plugin -> /dev/null" plugin
	row "mmutrace capture --arch arm64 -> .mmut" cap
	row "mmutrace capture --arch arm64 -> .mmut.zst" zst
	row "mmusim --arch arm64 -- sort (live, --os linux)" live
	[ -n "$cg" ] && awk '{ printf "cachegrind, x86-64 sort (no cache sim)|%.2f|%.2f||\n", $1, $2 + $3 }' cg.best
	return 0
}
rows > rows.txt
awk -F'|' '{ printf "%-48s %7s %7s %12s %12s\n", $1, $2, $3, $4, $5 }
	BEGIN { printf "%-48s %7s %7s %12s %12s\n", "run", "wall s", "CPU s", "M ev/wall s", "M ev/CPU s" }' rows.txt
read -r _ pu ps < plugin.best
read -r cw cu cs < cap.best
read -r lw _ _ < live.best
est=$(echo "$recs $pu $ps $cu $cs" | awk '{ p = $2 + $3; rd = $4 + $5 - p; w = p > rd ? p : rd
	printf "%.1f %.2f %.2f", $1 / w / 1e6, p, rd }')
set -- $est
ratio=$(echo "$lw $cw" | awk '{ printf "%.2f", $1 / $2 }')
# on two free cores the live run's three busy threads (qemu with the
# plugin; mmusim's reader, which decodes; its replay) take the larger of
# the plugin's CPU time and half of all their CPU time
read -r _ lu ls < live.best
est_ratio=$(echo "$pu $ps $lu $ls $2 $3" | awk '{ p = $1 + $2; l = ($3 + $4) / 2; l = l > p ? l : p
	c = $5 > $6 ? $5 : $6; printf "%.2f %.2f", l / c, l }')
set -- $est $est_ratio
echo "capture on two free cores (est.: plugin $2 s, reader $3 s CPU): $1 M events/s (target >= 100)"
echo "live / capture wall time, measured: $lw s / $cw s = ${ratio}x; on two free cores (est.):" \
	"$5 s / $(echo "$2 $3" | awk '{ print ($1 > $2 ? $1 : $2) }') s = ${4}x (target <= 1.2)"

res=${BENCH_OUT:-$top/bench/results}
mkdir -p "$res"
{
	echo "arm64 \`sort -n --parallel=1\` of $lines lines: $recs records; $(nproc) CPUs, load average" \
		"$load_before before and $load_after after; $(date -u +%F); best of $rounds for capture and live."
	echo
	echo "| run | wall s | CPU s | M events/wall s | M events/CPU s |"
	echo "|---|---|---|---|---|"
	awk -F'|' '{ printf "| %s | %s | %s | %s | %s |\n", $1, $2, $3, $4, $5 }' rows.txt
	echo
	echo "Capture on two free cores (estimate): $1 M events/s. Live / capture wall time: ${ratio}x measured," \
		"${4}x on two free cores (estimate: the larger of the plugin's CPU time and half the live run's)."
} > "$res/arm64.md"
awk -F'|' -v lines="$lines" -v recs="$recs" -v acc="$acc" -v date="$(date -u +%FT%TZ)" \
	-v cpus="$(nproc)" -v lb="$load_before" -v la="$load_after" -v rounds="$rounds" \
	-v est="$1" -v ratio="$ratio" -v eratio="$4" '
	{ n++; row[n] = sprintf("{\"run\": \"%s\", \"wall_s\": %s, \"cpu_s\": %s, \"mevents_per_wall_s\": %s, \"mevents_per_cpu_s\": %s}",
		$1, $2 + 0, $3 + 0, ($4 == "" ? "null" : $4 + 0), ($5 == "" ? "null" : $5 + 0)) }
	END { split(lb, lo, " "); split(la, hi, " ")
		printf "{\"program\": \"arm64 sort -n --parallel=1\", \"lines\": %d, \"records\": %s, \"accesses\": %s, \"date\": \"%s\", \"cpus\": %d, ", lines, recs, acc, date, cpus
		printf "\"load_before\": [%s, %s, %s], \"load_after\": [%s, %s, %s], \"rounds\": %d, ", lo[1], lo[2], lo[3], hi[1], hi[2], hi[3], rounds
		printf "\"capture_two_free_cores_mevents_per_s\": %s, \"live_over_capture\": %s, \"live_over_capture_two_free_cores\": %s, \"runs\": [", est, ratio, eratio
		for (i = 1; i <= n; i++) printf "%s%s", (i > 1 ? ", " : ""), row[i]
		print "]}" }' rows.txt > "$res/arm64.json"
echo "wrote $res/arm64.json and $res/arm64.md"
status=0
echo "$1" | awk '{ exit !($1 < 100) }' && { echo "target missed: capture < 100 M events/s"; status=1; }
echo "$4" | awk '{ exit !($1 > 1.2) }' && { echo "target missed: live > 1.2x the capture on two free cores"; status=1; }
exit $status
