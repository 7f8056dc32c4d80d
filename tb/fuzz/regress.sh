#!/bin/sh
# make test: every harness replays its seeds and the inputs that once
# crashed it (tb/fuzz/regress/T/), under ASan and UBSan.
# usage: regress.sh DIR TARGET...
dir=$1
shift
here=$(cd "$(dirname "$0")" && pwd)
for t in "$@"; do
	name="fuzz_regress_$t"
	echo "[ RUN      ] $name"
	files=$(find "$here/seeds/$t" "$here/regress/$t" -type f 2>/dev/null)
	if "$dir/fuzz_$t" $files > "$dir/regress_$t.log" 2>&1; then
		echo "[       OK ] $name: $(echo "$files" | wc -l) inputs"
	else
		grep -m 5 -E 'ERROR|SUMMARY|runtime error|Running' "$dir/regress_$t.log"
		echo "[  FAILED  ] $name"
	fi
done
