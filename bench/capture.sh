#!/bin/sh
# Capture speed (issue 10), side by side in one run on the same program
# (sort -n of LINES deterministic numbers, 200,000 by default):
#  - Valgrind's cachegrind simulating the default TLBs as caches of 4096-byte
#    lines (--I1=48*4096,48,4096 --D1=48*4096,48,4096 --LL=1280*4096,5,4096);
#  - mmutrace capture to .mmut.zst (our Valgrind tool, zstd level 1);
#  - mmusim -- sort -n (live: the tool and the replay joined by a pipe),
#    default geometry, --os linux, and the same with --os none;
#  - mmusim replaying the captured trace, --os none and --os linux.
# Wall time and accesses/s (accesses: cachegrind's I refs + D refs; the
# capture's own count for its replays). Targets: capture >= 100 M
# accesses/s and <= 5x cachegrind's time; live <= 5x; replay >= 200 M
# records/s with --os none and >= 100 M with --os linux.
# Exits 1 if a target is missed. usage: bench/capture.sh [LINES]
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
b=$top/build
lines=${1:-200000}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
# a fixed permutation of 0..LINES-1 (7919 is prime to LINES+3 for the default)
seq 0 $((lines - 1)) | awk -v n="$lines" '{ print ($1 * 7919) % (n + 3) }' > in.txt
run() { env -i PATH=/usr/bin:/bin LC_ALL=C VALGRIND_LIB="$b/vg" "$@"; }
now() { date +%s.%N; }
status=0

t0=$(now)
run valgrind --tool=cachegrind --cache-sim=yes --cachegrind-out-file=/dev/null \
	--I1=$((48 * 4096)),48,4096 --D1=$((48 * 4096)),48,4096 --LL=$((1280 * 4096)),5,4096 \
	sort -n in.txt 2> cg.log > /dev/null
t1=$(now)
num() { grep "$1" cg.log | head -1 | sed 's/.*: *\([0-9,]*\).*/\1/' | tr -d ,; }
acc=$(($(num 'I *refs:') + $(num 'D *refs:')))
cg=$(echo "$t1 $t0" | awk '{ print $1 - $2 }')

t0=$(now)
run "$b/mmutrace" capture -o cap.mmut.zst -- sort -n in.txt > /dev/null 2> cap.log
t1=$(now)
cap=$(echo "$t1 $t0" | awk '{ print $1 - $2 }')
got=$("$b/mmutrace" info cap.mmut.zst | awk '/^accesses/ { print $2 }')
size=$(stat -c %s cap.mmut.zst)

t0=$(now)
run "$b/mmusim" -q --json live.json -- sort -n in.txt > /dev/null
t1=$(now)
live=$(echo "$t1 $t0" | awk '{ print $1 - $2 }')

t0=$(now)
run "$b/mmusim" -q --os none --json none.json -- sort -n in.txt > /dev/null
t1=$(now)
none=$(echo "$t1 $t0" | awk '{ print $1 - $2 }')

t0=$(now)
"$b/mmusim" cap.mmut.zst -q --os none > /dev/null
t1=$(now)
rnone=$(echo "$t1 $t0" | awk '{ print $1 - $2 }')
t0=$(now)
"$b/mmusim" cap.mmut.zst -q > /dev/null
t1=$(now)
rlinux=$(echo "$t1 $t0" | awk '{ print $1 - $2 }')
recs=$("$b/mmutrace" info cap.mmut.zst | awk '/^records/ { print $2 }')

# bench/results/capture.json and capture.md: the same figures, for the record
res=${BENCH_OUT:-$top/bench/results}
mkdir -p "$res"
{
	echo "| run | wall s | M accesses/s | x cachegrind |"
	echo "|---|---|---|---|"
	for r in "cachegrind --cache-sim=yes (TLBs)|$cg|$acc" "mmutrace capture -> .mmut.zst|$cap|$acc" \
		"mmusim -- PROG (--os linux, default)|$live|$acc" "mmusim --os none -- PROG|$none|$acc" \
		"mmusim cap.mmut.zst --os none (replay)|$rnone|$got" \
		"mmusim cap.mmut.zst (replay, --os linux)|$rlinux|$got"; do
		echo "$r" | awk -F'|' -v c="$cg" '{ printf "| %s | %.2f | %.1f | %.2f |\n", $1, $2, $3 / $2 / 1e6, $2 / c }'
	done
} > "$res/capture.md"
awk -F'|' -v lines="$lines" -v acc="$acc" -v got="$got" -v size="$size" -v date="$(date -u +%FT%TZ)" \
	-v cpus="$(nproc)" -v load="$(cut -d' ' -f1 /proc/loadavg)" '
	NR > 2 { gsub(/^ | $/, "", $2); n++; row[n] = sprintf("{\"run\": \"%s\", \"wall_s\": %s, \"maccess_per_s\": %s, \"x_cachegrind\": %s}", $2, $3 + 0, $4 + 0, $5 + 0) }
	END { printf "{\"program\": \"sort -n\", \"lines\": %d, \"accesses_cachegrind\": %s, \"accesses_captured\": %s, \"capture_bytes\": %s, \"date\": \"%s\", \"cpus\": %d, \"load_before\": %s, \"runs\": [", lines, acc, got, size, date, cpus, load
	      for (i = 1; i <= n; i++) printf "%s%s", row[i], i < n ? ", " : ""
	      print "]}" }' "$res/capture.md" > "$res/capture.json"
echo "sort -n of $lines lines: $acc accesses (cachegrind's I refs + D refs);" \
	"the capture holds $got, $size bytes ($(echo "$size $got" | awk '{ printf "%.3f", $1 / $2 }') bytes/access)"
printf '%-40s %9s %12s %12s\n' run "wall s" "M acc/s" "x cachegrind"
row() { echo "$1|$2" | awk -F'|' -v a="$acc" -v c="$cg" \
	'{ printf "%-40s %9.2f %12.1f %12.2f\n", $1, $2, a / $2 / 1e6, $2 / c }'; }
row "cachegrind --cache-sim=yes (TLBs)" "$cg"
row "mmutrace capture -> .mmut.zst" "$cap"
row "mmusim -- PROG (--os linux, default)" "$live"
row "mmusim --os none -- PROG" "$none"
rrow() { echo "$1|$2" | awk -F'|' -v a="$got" -v c="$cg" \
	'{ printf "%-40s %9.2f %12.1f %12.2f\n", $1, $2, a / $2 / 1e6, $2 / c }'; }
rrow "mmusim cap.mmut.zst --os none (replay)" "$rnone"
rrow "mmusim cap.mmut.zst (replay, --os linux)" "$rlinux"
if [ "$got" != "$acc" ]; then
	echo "  NOTE: the capture holds $got accesses, cachegrind counted $acc (sort sorts a large"
	echo "  input on several threads, whose interleaving under Valgrind differs between runs)"
fi
echo "$acc $cap" | awk '{ exit !($1 / $2 >= 100e6) }' || { echo "  MISSED: capture < 100 M accesses/s"; status=1; }
echo "$cap $cg" | awk '{ exit !($1 <= 5 * $2) }' || { echo "  MISSED: capture > 5x cachegrind"; status=1; }
echo "$live $cg" | awk '{ exit !($1 <= 5 * $2) }' || { echo "  MISSED: live (--os linux) > 5x cachegrind"; status=1; }
echo "${recs:-$got} $rnone" | awk '{ exit !($1 / $2 >= 200e6) }' || { echo "  MISSED: replay --os none < 200 M records/s"; status=1; }
echo "${recs:-$got} $rlinux" | awk '{ exit !($1 / $2 >= 100e6) }' || { echo "  MISSED: replay --os linux < 100 M records/s"; status=1; }
exit $status
