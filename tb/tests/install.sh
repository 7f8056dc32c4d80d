#!/bin/sh
# make install into a temporary prefix, then from outside the source tree:
# the installed mmusim on a bundled trace with both back ends (the RTL
# model built into $XDG_CACHE_HOME/mmusim), their figures the same; the
# installed capture tool; the man pages; a small C program built against
# the library through pkg-config; and make uninstall leaving nothing behind.
# usage: install.sh DIR   (DIR holds the built tools: build/asan)
# Prints cmocka-style "[       OK ]" / "[  FAILED  ]".
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
prefix=$tmp/prefix

ok() { echo "[       OK ] $1"; }
bad() { echo "[  FAILED  ] $1: $2"; }

if ! make -s -C "$top" install PREFIX="$prefix" > "$tmp/install.out" 2>&1; then
	bad install "$(tail -5 "$tmp/install.out")"
	exit 1
fi
ok install
mkdir "$tmp/work"
cd "$tmp/work" || exit 1
sim=$prefix/bin/mmusim
trace=$prefix/share/mmusim/traces/bundled/sort.mmut.zst

# the model back end on the whole trace: what the tree's mmusim says
if "$sim" "$trace" -q --json model.json 2> err && "$top/build/mmusim" "$trace" -q --json tree.json &&
	[ "$(jq -c 'del(.trace.path)' model.json)" = "$(jq -c 'del(.trace.path)' tree.json)" ] &&
	[ "$(jq .trace.records model.json)" -gt 7000000 ]; then
	ok installed_model_backend
else
	bad installed_model_backend "$(cat err)"
fi

# the RTL back end on the trace's first records: built once into the cache, same figures
"$prefix/bin/mmutrace" cat "$trace" 2> /dev/null | head -n 20000 > short.txt
small="-s l1i.entries=16 -s l1i.ways=4 -s l1d.entries=16 -s l1d.ways=4 -s l2.entries=64 -s l2.ways=4"
figures='[.l1i.accesses, .l1i.misses, .l1d.misses, .l2.misses, .walks]'
# shellcheck disable=SC2086 # $small is a list of options
if XDG_CACHE_HOME=$tmp/cache "$sim" short.txt --backend rtl $small -q --json rtl.json 2> err &&
	"$sim" short.txt $small -q --json small.json &&
	[ "$(jq -c "$figures" rtl.json)" = "$(jq -c "$figures" small.json)" ] &&
	[ "$(jq .rtl.pages rtl.json)" -gt 0 ] && ls "$tmp"/cache/mmusim/*/libmmu_top.so > /dev/null; then
	ok installed_rtl_backend
else
	bad installed_rtl_backend "$(tail -5 err)"
fi

# the installed capture tool (lib/mmusim/vg) traces a program
if "$prefix/bin/mmutrace" capture -o ls.mmut.zst -- ls / > /dev/null 2> err &&
	[ "$("$prefix/bin/mmutrace" info ls.mmut.zst 2> /dev/null | awk '$1 == "accesses" {print $2}')" -gt 10000 ]; then
	ok installed_capture
else
	bad installed_capture "$(tail -3 err)"
fi

# the man pages
if man -l "$prefix/share/man/man1/mmusim.1" 2> /dev/null | grep -q 'walk.mem_latency' &&
	man -l "$prefix/share/man/man1/mmutrace.1" 2> /dev/null | grep -q 'capture'; then
	ok installed_man_pages
else
	bad installed_man_pages "$(ls "$prefix/share/man/man1")"
fi

# a program of one's own, against the installed library
cat > prog.c << 'EOC'
#include <stdio.h>
#include <model/page_alloc.h>
#include <tb/config.h>
#include <traces/trace.h>

int main(void)
{
	struct sim_config c;
	struct page_alloc pa;
	struct page_alloc_config m = { .mem_bytes = 64ULL << 20, .dma_limit = 16ULL << 20,
				       .dma32_limit = 32ULL << 20, .watermark_scale_factor = 10 };

	config_defaults(&c);
	if (page_alloc_init(&pa, &m) || !alloc_pages(&pa, GFP_KERNEL, 3) || check_buddy(&pa))
		return 1;
	printf("mmusim %s: l2.entries %u\n", MMUSIM_VERSION, c.l2.entries);
	page_alloc_free(&pa);
	return 0;
}
EOC
pc="env PKG_CONFIG_PATH=$prefix/lib/pkgconfig pkg-config"
# shellcheck disable=SC2046 # pkg-config's output is a list of flags
if cc -Wall -o prog prog.c $($pc --cflags --libs mmusim) 2> err && ./prog > out &&
	[ "$(cat out)" = "mmusim $($pc --modversion mmusim): l2.entries 1280" ]; then
	ok pkg_config_program
else
	bad pkg_config_program "$(cat err out)"
fi

cd "$top" || exit 1
if make -s uninstall PREFIX="$prefix" > "$tmp/uninstall.out" 2>&1 &&
	[ -z "$(find "$prefix" ! -type d)" ]; then
	ok uninstall
else
	bad uninstall "left: $(find "$prefix" ! -type d | head -5)"
fi
