#!/bin/sh
# Runs the cmocka test programs, the command-line tests and the Yosys check
# of the RTL (yosys.sh), then prints the one summary line CI reads:
# "N passed, N failed".
# usage: run.sh DIR TEST...   (DIR holds the built tests and tools)
dir=$1
shift
here=$(dirname "$0")
passed=0
failed=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT

count() { # output file, exit code
	p=$(grep -c '^\[       OK \]' "$1")
	f=$(grep '^\[  FAILED  \] ' "$1" | grep -vc 'test(s)')
	if [ "$2" -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1 # died (a sanitizer report, a signal) outside any test
	fi
	passed=$((passed + p))
	failed=$((failed + f))
}

for t in "$@"; do
	"$dir/$t" > "$log" 2>&1
	rc=$?
	cat "$log"
	count "$log" $rc
done
# the command-line tests, the JSON and CSV reports, how the RTL back end
# loads its library, make install, that Yosys still reads the RTL, and the
# arm64 capture
for s in cli.sh report.sh backend.sh install.sh yosys.sh arm64.sh; do
	"$here/$s" "$dir" > "$log" 2>&1
	rc=$?
	cat "$log"
	count "$log" $rc
done
"$here/../fuzz/regress.sh" "$dir/../fuzz" $FUZZ_TARGETS > "$log" 2>&1
rc=$?
cat "$log"
count "$log" $rc
echo
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
