#!/bin/sh
# make fuzz: each harness for N seconds from its seeds (tb/fuzz/seeds/T) and
# the corpus it grew before (build/fuzz/corpus_T); a crash is kept as
# build/fuzz/crash-T-*, to be copied into tb/fuzz/regress/T/ once fixed.
# Prints per target the runs, the CPU time and the crashes; exits 1 on any.
# With FUZZ_RUNS=N set, each runs N inputs from seed 1 instead: the same
# inputs every time (what CI runs).
# usage: run.sh DIR SECONDS TARGET...
dir=$1
secs=$2
shift 2
here=$(cd "$(dirname "$0")" && pwd)
status=0
printf '%-8s %12s %10s %8s %8s\n' target runs "cpu s" corpus crashes
for t in "$@"; do
	mkdir -p "$dir/corpus_$t"
	log="$dir/fuzz_$t.log"
	if [ -n "${FUZZ_RUNS:-}" ]; then
		limit="-runs=$FUZZ_RUNS -seed=1"
	else
		limit="-max_total_time=$secs"
	fi
	/usr/bin/time -f '%U %S' -o "$dir/time_$t" "$dir/fuzz_$t" $limit \
		-artifact_prefix="$dir/crash-$t-" -print_final_stats=1 -close_fd_mask=3 \
		"$dir/corpus_$t" "$here/seeds/$t" > "$log" 2>&1
	rc=$?
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
	cpu=$(tail -n 1 "$dir/time_$t" | awk '{printf "%.1f", $1 + $2}')
	corpus=$(ls "$dir/corpus_$t" | wc -l)
	crashes=$(ls "$dir" | grep -c "^crash-$t-")
	printf '%-8s %12s %10s %8s %8s\n' "$t" "${runs:-?}" "$cpu" "$corpus" "$crashes"
	if [ "$rc" -ne 0 ] || [ "$crashes" -ne 0 ]; then
		grep -m 5 -E 'ERROR|SUMMARY|runtime error' "$log"
		status=1
	fi
done
exit $status
