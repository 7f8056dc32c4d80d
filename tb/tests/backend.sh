#!/bin/sh
# How mmusim --backend rtl loads the shim library, on a stand-in for it
# (tb/tests/fake_top.c) in a repository of its own (MMUSIM_ROOT): an error
# after the library was loaded frees its top and unloads it before mmusim
# says what went wrong; a library of another interface version is refused.
# usage: backend.sh DIR   (DIR holds the built tools: build/asan)
# Prints cmocka-style "[       OK ]" / "[  FAILED  ]".
set -u
dir=$(cd "$1" && pwd)
top=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

ok() { echo "[       OK ] $1"; }
bad() { echo "[  FAILED  ] $1: $2"; }

# fake_root NAME [CFLAGS]: $tmp/NAME, whose build_top.sh builds the stand-in
fake_root() {
	mkdir -p "$tmp/$1/tb/rtl"
	cat > "$tmp/$1/tb/rtl/build_top.sh" <<- EOS
		#!/bin/sh
		mkdir -p "\$1" && cc -O1 -fPIC -shared ${2:-} -o "\$1/libmmu_top.so" "$top/tb/tests/fake_top.c"
	EOS
	chmod +x "$tmp/$1/tb/rtl/build_top.sh"
}
trace=$top/traces/bundled/sort.mmut.zst

# --wave to a file that cannot be written: the top freed, the library unloaded, then the error
fake_root wave
MMUSIM_ROOT=$tmp/wave "$dir/mmusim" "$trace" --backend rtl -q --wave "$tmp/no/such/dir/w.fst" \
	> "$tmp/out" 2> "$tmp/err"
rc=$?
order=$(grep -e 'fake_top: top freed' -e 'fake_top: unloaded' -e 'cannot write' "$tmp/err" |
	tr '\n' '|')
if [ $rc -eq 1 ] && [ "$order" = "fake_top: top freed|fake_top: unloaded|mmusim: --wave: cannot write $tmp/no/such/dir/w.fst|" ]; then
	ok wave_error_frees_the_top
else
	bad wave_error_frees_the_top "exit $rc, stderr: $(cat "$tmp/err")"
fi

# a library built against another version of the shim's operations
fake_root version -DFAKE_VERSION=999
MMUSIM_ROOT=$tmp/version "$dir/mmusim" "$trace" --backend rtl -q > "$tmp/out" 2> "$tmp/err"
rc=$?
if [ $rc -eq 1 ] && grep -q "has the shim's operations of version 999, mmusim those of version" "$tmp/err" &&
	grep -q 'fake_top: unloaded' "$tmp/err"; then
	ok shim_version_refused
else
	bad shim_version_refused "exit $rc, stderr: $(cat "$tmp/err")"
fi
