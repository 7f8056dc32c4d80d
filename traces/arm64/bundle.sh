#!/bin/sh
# Remakes the bundled arm64 traces (traces/bundled/*-arm64.mmut.zst, see
# traces/bundled/README.md): the same programs and inputs as traces/bundle.sh
# gives Valgrind, as Debian's arm64 builds from build/sysroot-arm64 under
# qemu-aarch64 with the project's TCG plugin (make build sysroot-arm64 first).
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
out=$top/traces/bundled
mmutrace=$top/build/mmutrace
work=/tmp/mmusim-bundle-arm64
rm -rf "$work" && mkdir -p "$work" && cd "$work"
seq 3000 -1 1 > rev.txt
seq 1 8000 > seq8k.txt
run() { env -i PATH=/usr/bin:/bin LC_ALL=C "$@"; }
# with the plugin's list of each process's mappings at its exit
rm -f "$out"/sort-arm64.exit-layout* "$out"/xz-arm64.exit-layout*
run "$mmutrace" capture --arch arm64 --level 19 -o "$out/sort-arm64.mmut.zst" \
	--exit-layout "$out/sort-arm64.exit-layout" -- sort -n rev.txt > /dev/null
run "$mmutrace" capture --arch arm64 --level 19 -o "$out/xz-arm64.mmut.zst" \
	--exit-layout "$out/xz-arm64.exit-layout" -- xz -T2 -0 --block-size=8KiB -c seq8k.txt > /dev/null
for t in sort xz; do
	"$mmutrace" info "$out/$t-arm64.mmut.zst" | awk -v t="$t" -v s="$(stat -c %s "$out/$t-arm64.mmut.zst")" \
		'$1 == "accesses" { a = $2 } $1 == "threads" { n = $2 }
		END { printf "%s-arm64.mmut.zst: %d accesses, %d threads, %.3f bytes/access\n", t, a, n, s / a }'
done
