#!/bin/sh
# mmusim beside Valgrind's cachegrind (issue 14), in one run on one machine,
# on one real program: sort -n of LINES deterministic numbers (20,000 by
# default: small enough for the RTL back end to replay it whole), captured
# once with mmutrace. Each run under /usr/bin/time -v (wall time, peak RSS):
#  - cachegrind --cache-sim=yes, the default TLBs as caches of 4 KiB lines
#    (--I1=48*4096,48,4096 --D1=48*4096,48,4096 --LL=1280*4096,5,4096), on
#    the program itself;
#  - mmusim replaying the capture, default geometry: --os none, --os linux,
#    and --backend rtl (one core; the golden model checks every page; its
#    Verilated model built beforehand, not timed).
# References/s: cachegrind's I refs + D refs over its wall time; the
# capture's accesses over each replay's. "x cachegrind": wall time over
# cachegrind's.
#
# Then peak memory against trace length: the capture's first RECORDS records
# (200,000 by default) as one process, then as the same process exec'ing the
# same program again 9 and 99 times (1x, 10x, 100x the records: each copy
# after an "exec" event, so every copy is a valid run of its own with an
# empty address space), streamed into mmusim through a pipe, never on disk;
# for --os none, --os linux and --backend rtl.
#
# Writes bench/results/backends.{json,md} and backends_memory.{json,md}.
# usage: bench/backends.sh [LINES [RECORDS]]
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
b=$top/build
lines=${1:-20000}
base=${2:-200000}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$top/bench/results.sh"
[ -x /usr/bin/time ] || { echo "bench/backends.sh: no /usr/bin/time (make deps: Debian's time)"; exit 1; }
cd "$tmp"
seq 0 $((lines - 1)) | awk -v n="$lines" '{ print ($1 * 7919) % (n + 3) }' > in.txt
run() { env -i PATH=/usr/bin:/bin LC_ALL=C VALGRIND_LIB="$b/vg" "$@"; }
# measured NAME CMD...: the command under /usr/bin/time -v; "wall peak-KiB" into NAME.m
measured() {
	name=$1
	shift
	/usr/bin/time -v -o "$name.time" "$@" > /dev/null 2> "$name.err" ||
		{ echo "bench/backends.sh: $name failed:" >&2; tail -5 "$name.err" >&2; exit 1; }
	awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, t, ":"); w = 0
			for (i = 1; i <= n; i++) w = w * 60 + t[i] }
		/Maximum resident set size/ { m = $2 }
		END { print w, m }' "$name.time" > "$name.m"
}
load0=$(cut -d' ' -f1 /proc/loadavg)
run "$b/mmutrace" capture -o prog.mmut.zst -- sort -n in.txt > /dev/null 2> capture.log
got=$("$b/mmutrace" info prog.mmut.zst | awk '/^accesses/ { print $2 }')
# the RTL model of the default geometry, built (once) apart
"$b/mmutrace" cat prog.mmut.zst 2> /dev/null | head -n 1 > empty.txt
"$b/mmusim" empty.txt --backend rtl -q > /dev/null 2>&1 || true

measured cachegrind env -i PATH=/usr/bin:/bin LC_ALL=C valgrind --tool=cachegrind --cache-sim=yes --cachegrind-out-file=/dev/null \
	--I1=$((48 * 4096)),48,4096 --D1=$((48 * 4096)),48,4096 --LL=$((1280 * 4096)),5,4096 \
	sort -n in.txt
num() { grep "$1" cachegrind.err | head -1 | sed 's/.*: *\([0-9,]*\).*/\1/' | tr -d ,; }
acc=$(($(num 'I *refs:') + $(num 'D *refs:')))
measured none "$b/mmusim" prog.mmut.zst --os none -q
measured linux "$b/mmusim" prog.mmut.zst -q
measured rtl "$b/mmusim" prog.mmut.zst --backend rtl -q
cg=$(cut -d' ' -f1 cachegrind.m)
{
	echo "run|references|wall s|M references/s|x cachegrind|peak RSS MiB"
	for r in "cachegrind --cache-sim=yes (TLBs as caches)|cachegrind|$acc" \
		"mmusim --os none|none|$got" "mmusim --os linux|linux|$got" \
		"mmusim --backend rtl (1 core)|rtl|$got"; do
		label=${r%%|*} rest=${r#*|}
		set -- $(cat "${rest%%|*}.m")
		echo "$label|${rest#*|}|$1|$2" | awk -F'|' -v c="$cg" '{
			printf "%s|%d|%.2f|%.2f|%.2f|%.1f\n", $1, $2, $3, $2 / $3 / 1e6, $3 / c, $4 / 1024 }'
	done
} > rows
echo "sort -n of $lines lines: cachegrind counted $acc references, the capture holds $got" \
	"(load average $load0 before)"
column -t -s'|' rows

# peak memory against trace length: COPIES copies of the first RECORDS records
# (the process's exit, if the records reach it, only after the last copy)
"$b/mmutrace" cat prog.mmut.zst 2> /dev/null | head -n "$((base + 1))" | grep -v '^exit ' > body.txt
copies() {
	cat body.txt
	i=1
	while [ $i -lt "$1" ]; do
		echo "exec 1"
		tail -n +2 body.txt
		i=$((i + 1))
	done
}
echo "copies|records|mode|wall s|M records/s|peak RSS MiB" > mem
for n in 1 10 100; do
	for mode in none linux rtl; do
		case $mode in
		none) set -- --os none ;;
		linux) set -- ;;
		rtl) set -- --backend rtl ;;
		esac
		copies "$n" | /usr/bin/time -v -o m.time "$b/mmusim" - "$@" -q --json m.json \
			> /dev/null 2> m.err || { tail -3 m.err >&2; exit 1; }
		recs=$(jq '.l1i.accesses + .l1d.accesses' m.json)
		awk -F': ' -v n="$n" -v r="$recs" -v mode="$mode" '
			/Elapsed \(wall clock\)/ { k = split($2, t, ":"); w = 0
				for (i = 1; i <= k; i++) w = w * 60 + t[i] }
			/Maximum resident set size/ { m = $2 }
			END { printf "%d|%d|%s|%.2f|%.2f|%.1f\n", n, r, mode, w, r / w / 1e6, m / 1024 }' \
			m.time >> mem
	done
done
column -t -s'|' mem
bench_results backends < rows
bench_results backends_memory < mem
