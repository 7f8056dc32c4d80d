#!/bin/sh
# Trace targets (issue 2): the native reader decodes >= 100 M records/s, and
# the bundled traces take <= 2 bytes per access on disk. Also mmusim's own
# replay rate. Prints a table, writes it to bench/results/reader.{json,md};
# exits 1 if a target is missed.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
b=$top/build
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$top/bench/results.sh"
status=0
echo "trace|accesses|bytes|bytes per access|zst M records/s|raw M records/s|v2 raw M records/s|mmusim M records/s" > "$tmp/rows"
# zst and raw: the bundled files (native version 1); v2 raw: the same
# records converted to the current version (checksummed blocks)
printf '%-16s %10s %12s %8s %14s %14s %14s %12s\n' trace accesses bytes B/acc \
	"zst Mrec/s" "raw Mrec/s" "v2 raw Mrec/s" "mmusim Mrec/s"
for t in "$top"/traces/bundled/*.mmut.zst; do
	name=$(basename "$t" .mmut.zst)
	acc=$("$b/mmutrace" info "$t" | awk '/^accesses/ {print $2}')
	bytes=$(stat -c %s "$t")
	bpa=$(echo "$bytes $acc" | awk '{printf "%.3f", $1 / $2}')
	zstd -dq "$t" -o "$tmp/$name.mmut"
	zrate=$("$b/bench_reader" "$t" 2 | sed 's/.*: \([0-9.]*\) M records.*/\1/')
	rrate=$("$b/bench_reader" "$tmp/$name.mmut" 2 | sed 's/.*: \([0-9.]*\) M records.*/\1/')
	"$b/mmutrace" convert "$t" "$tmp/$name.v2.mmut" 2> /dev/null
	vrate=$("$b/bench_reader" "$tmp/$name.v2.mmut" 2 | sed 's/.*: \([0-9.]*\) M records.*/\1/')
	srate=$("$b/mmusim" "$t" 2>&1 > /dev/null | sed -n 's/.*s, \([0-9.]*\) M records\/s/\1/p')
	printf '%-16s %10s %12s %8s %14s %14s %14s %12s\n' "$name" "$acc" "$bytes" "$bpa" \
		"$zrate" "$rrate" "$vrate" "$srate"
	echo "$name|$acc|$bytes|$bpa|$zrate|$rrate|$vrate|$srate" >> "$tmp/rows"
	echo "$bpa" | awk '{exit !($1 <= 2)}' || { echo "  MISSED: > 2 bytes/access"; status=1; }
	echo "$rrate $vrate" | awk '{exit !($1 >= 100 && $2 >= 100)}' ||
		{ echo "  MISSED: native decode < 100 M records/s"; status=1; }
done
"$b/bench_reader" "$tmp/sort.mmut" 0 | sed 's/.*peak/peak (one pass of sort)/'
bench_results reader < "$tmp/rows"
exit $status
