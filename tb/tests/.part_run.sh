#!/bin/sh
# Command-line and end-to-end tests of mmusim and mmutrace. Expected figures
# come from Valgrind's cachegrind, grep over raw logs, or hand counts, never
# from mmusim itself. Prints cmocka-style "[       OK ]" / "[  FAILED  ]".
# usage: cli.sh DIR   (DIR holds the tools to test)
set -u
dir=$(cd "$1" && pwd)
top=$(cd "$(dirname "$0")/../.." && pwd)
sim=$dir/mmusim
tr=$dir/mmutrace
tmp=$(mktemp -d /tmp/mmusim-cli-XXXXXX)
# (and stop the background RTL run if the tests end early)
trap "rm -rf \"$tmp\"" EXIT
bundled=$top/traces/bundled
export ASAN_OPTIONS=detect_leaks=1

ok() { echo "[       OK ] $1"; }
bad() { echo "[  FAILED  ] $1: $2"; }

# check NAME COMMAND...: passes if the command exits 0
check() {
	name=$1
	shift
	if out=$("$@" 2>&1); then ok "$name"; else bad "$name" "$out"; fi
}

# fails_with NAME EXPECTED-EXIT FRAGMENT COMMAND...: the command must exit
# with that status and say FRAGMENT on stderr
fails_with() {
	name=$1 code=$2 frag=$3
	shift 3
	"$@" > "$tmp/out" 2> "$tmp/err"
	rc=$?
	if [ $rc -ne "$code" ]; then
		bad "$name" "exit $rc, wanted $code: $(head -c 300 "$tmp/err")"
	elif ! grep -qF -- "$frag" "$tmp/err"; then
		bad "$name" "stderr lacks '$frag': $(head -c 300 "$tmp/err")"
	else
		ok "$name"
	fi
}

# fig JSON FIELD: one number from mmusim's JSON
fig() { jq -r "$2" "$1"; }

# vs_cachegrind NAME JSON TRACE "Ir I1mr Dr D1m LLr LLm": cachegrind also
# looks up in LL the page of a page-crossing access that hit in L1, where
# mmusim (as specified) looks up only the pages that missed; so LL misses
# may differ by at most the number of page-crossing accesses. The rest must
# be equal.
vs_cachegrind() {
	set -- "$1" "$2" "$3" $4
	got=$(fig "$2" '[.l1i.accesses, .l1i.misses, .l1d.accesses, .l1d.misses, .l2.accesses, .l2.misses] | join(" ")')
	cross=$("$tr" info "$3" | sed -n 's/^page-crossing accesses *//p')
	set -- "$1" "$got" "$cross" "$4 $5 $6 $7 $8" "$9"
	gl2=${2##* }
	if [ "${2% *}" != "$4" ]; then
		bad "$1" "mmusim '$2' cachegrind '$4 $5'"
	elif [ $((gl2 - $5)) -gt "$3" ] || [ $(($5 - gl2)) -gt "$3" ]; then
		bad "$1" "L2 misses $gl2 vs $5: more apart than the $3 page-crossing accesses"
	else
		ok "$1"
	fi
}

# ---- usage and bad input ----
# ---- integrity: one flipped bit in a native trace, raw or .zst, is refused
# naming the block (raw) or the damaged zstd data; a cut file too ----
"$tr" convert "$tmp/part.mmut" "$tmp/part.mmut.zst" 2> /dev/null
if zstd -lv "$tmp/part.mmut.zst" 2> /dev/null | grep -q 'Check: XXH64'; then ok zstd_content_checksum
else bad zstd_content_checksum "no XXH64 content checksum in the .zst"; fi
flip() { # FILE OFFSET: flips bit 2 of the byte at OFFSET
	b=$(od -An -tu1 -j"$2" -N1 "$1" | tr -d ' ')
	printf "\\$(printf %o $((b ^ 4)))" | dd of="$1" bs=1 seek="$2" conv=notrunc 2> /dev/null
}
for f in part.mmut part.mmut.zst; do
	size=$(stat -c %s "$tmp/$f")
	for at in 12 20 100 $((size / 3)) $((size / 2)) $((size - 2)); do
		cp "$tmp/$f" "$tmp/flip.$f"
		flip "$tmp/flip.$f" "$at"
		"$sim" "$tmp/flip.$f" -q --json "$tmp/flip.json" > /dev/null 2> "$tmp/err"
		rc=$?
		if [ $rc -ne 1 ] || [ -e "$tmp/flip.json" ] ||
			! grep -qE "flip.$f: (.*block [0-9]+ |.*zstd|corrupt native header)" "$tmp/err"; then
			bad "bit_flip_$f" "byte $at: exit $rc: $(head -c 300 "$tmp/err")"
			break
		fi
	done
fi
