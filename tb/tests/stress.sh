#!/bin/sh
# make stress: the long random OS stress. For each seed, stress_trace's three
# kinds of trace (pieces of mappings; whole mappings under THP; a tree of
# processes that fork, start threads, exec and exit), ACCESSES accesses each,
# replayed with every invariant checked after every event and fault on four
# cores; and the pieces again on the RTL's four cores running at once (rtl:
# its threads unmap and reprotect pages while the others translate them;
# every answer checked against the golden model in the RTL's interleaving
# and by the scoreboard). A failure prints its seed and the command that
# repeats it.
# usage: stress.sh [SEEDS [ACCESSES]]   (default: 8 random seeds, 2,000,000)
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
gen=$top/build/stress_trace
sim=$top/build/mmusim
n=${1:-8}
acc=${2:-2000000}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
first=$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')
for i in $(seq 0 $((n - 1))); do
	for kind in pieces whole procs rtl; do
		echo "$((first + i)) $kind"
	done
done > "$tmp/plan"
one() { # SEED KIND
	mode=$2
	extra=
	case $2 in
	pieces) mode= ;;
	whole) extra="-s thp=on" ;;
	rtl) mode= extra="--backend rtl -s rtl.parallel=on -s l1i.entries=16 -s l1i.ways=4 \
-s l1d.entries=16 -s l1d.ways=4 -s l2.entries=64 -s l2.ways=4" ;;
	esac
	"$gen" "$1" "$acc" $mode > "$tmp/$1.$2.txt"
	if "$sim" "$tmp/$1.$2.txt" --check -s cores=4 -s mem=1g $extra -q --json "$tmp/$1.$2.json" \
		2> "$tmp/$1.$2.err" && ! grep -v ': warning: record [0-9]*: SIG' "$tmp/$1.$2.err" | grep -q .; then
		echo "ok     seed $1 $2: $(jq -c '[.trace.records, .os.signals, .os.context_switches]' "$tmp/$1.$2.json") records, signals, switches"
	else
		echo "FAILED seed $1 $2: $(grep -v ': warning: record [0-9]*: SIG' "$tmp/$1.$2.err" | tail -2)"
		echo "  repeat: build/stress_trace $1 $acc $mode | build/mmusim - --check -s cores=4 -s mem=1g $extra"
	fi
	rm -f "$tmp/$1.$2.txt"
}
jobs=$(nproc)
status=0
running=0
while read -r seed kind; do
	one "$seed" "$kind" > "$tmp/out.$seed.$kind" &
	running=$((running + 1))
	if [ "$running" -ge "$jobs" ]; then # a batch of one run a core
		wait
		running=0
	fi
done < "$tmp/plan"
wait
cat "$tmp"/out.* | tee "$tmp/all"
if grep -q '^FAILED' "$tmp/all"; then status=1; fi
echo "$(grep -c '^ok' "$tmp/all") passed, $(grep -c '^FAILED' "$tmp/all") failed"
exit $status
