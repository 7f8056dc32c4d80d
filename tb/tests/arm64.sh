#!/bin/sh
# Tests of arm64 capture: qemu-aarch64 (Debian's qemu-user) with the
# project's TCG plugin, programs from build/sysroot-arm64. Expected figures
# come from a second, independent counting plugin (tb/tests/arm64/
# count_plugin.c: QEMU's inline counters) and from event lists written by
# hand for tb/tests/arm64/events.c, never from the capture code itself.
# Prints cmocka-style "[       OK ]" / "[  FAILED  ]" lines.
# usage: arm64.sh DIR   (DIR holds the tools to test: build/ or build/asan/)
set -u
dir=$(cd "$1" && pwd)
top=$(cd "$(dirname "$0")/../.." && pwd)
sim=$dir/mmusim
tr=$dir/mmutrace
b=$top/build
sysroot=$b/sysroot-arm64
tmp=$(mktemp -d /tmp/mmusim-arm64-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
export ASAN_OPTIONS=detect_leaks=1

. "$top/tb/tests/testlib.sh"

# Bad input needs nothing but the tool.
fails_with "arm64: --arch of no known kind" 2 "give arm64 or x86-64" \
	"$tr" capture --arch sparc -o "$tmp/x.mmut" -- true
MMUSIM_QEMU=qemu-aarch64-not-installed fails_with "arm64: no qemu-user" 1 \
	"qemu-aarch64-not-installed is not installed" \
	"$tr" capture --arch arm64 -o "$tmp/x.mmut" -- true
[ -e "$tmp/x.mmut" ] && bad "arm64: no file left by a failed capture" "$tmp/x.mmut exists"

# The bundled arm64 traces (traces/arm64/bundle.sh) replay on two cores
# with every invariant checked and no signal; the header says arm64, and
# mmutrace info says so (and x86-64 of the Valgrind trace of the same program).
# Each ends with the pages mapped that the plugin saw at the program's exit
# (NAME-arm64.exit-layout, checked against the guest's own view below).
for t in sort xz; do
	f=$top/traces/bundled/$t-arm64.mmut.zst
	if "$sim" "$f" --os linux --check -s cores=2 --dump maps --json "$tmp/b$t.json" \
		> "$tmp/b$t.out" 2> "$tmp/err" &&
		[ "$(jq -r '.os.signals' "$tmp/b$t.json")" = 0 ] &&
		[ "$(same_maps "$tmp/b$t" "$tmp/b$t.out" "$top/traces/bundled/$t-arm64.exit-layout")" = 1 ] &&
		zstd -dc "$f" | head -c 11 | tail -c 1 | od -An -tu1 | grep -qx ' *3' &&
		"$tr" info "$f" | grep -qx 'isa  *arm64' &&
		"$tr" info "$top/traces/bundled/$t.mmut.zst" | grep -qx 'isa  *x86-64 (or not said)'; then
		ok "arm64: bundled $t-arm64 replays under --check, no signal, final maps = its exit layout"
	else
		bad "arm64: bundled $t-arm64 replays under --check, no signal, final maps = its exit layout" \
			"$(head -c 300 "$tmp/err") $(cd "$tmp" && diff "b$t.maps.ours" "b$t.maps.valgrind" 2> /dev/null | head -5 | tr '\n' ' ')"
	fi
done

missing=""
command -v qemu-aarch64 > /dev/null || missing="$missing qemu-user"
command -v aarch64-linux-gnu-gcc > /dev/null || missing="$missing gcc-aarch64-linux-gnu"
[ -x "$sysroot/usr/bin/sort" ] || missing="$missing build/sysroot-arm64(make sysroot-arm64)"
[ -f "$b/qemu/libmmut.so" ] && [ -f "$b/qemu/libcount.so" ] && [ -x "$b/arm64/events" ] ||
	missing="$missing build/qemu/libmmut.so,libcount.so,build/arm64/events(make test builds them)"
if [ -n "$missing" ]; then
	echo "arm64 capture tests SKIPPED: not installed:$missing (make deps installs them)"
	exit 0
fi

fails_with "arm64: a program missing from the sysroot" 1 "no such program in the arm64 sysroot" \
	"$tr" capture --arch arm64 -o "$tmp/x.mmut" -- no-such-program-here
fails_with "arm64: an x86-64 program" 1 "for x86-64, not arm64" \
	"$tr" capture --arch arm64 -o "$tmp/x.mmut" -- "$tr"
printf '#!/bin/sh\necho hi\n' > "$tmp/script.sh"
chmod +x "$tmp/script.sh"
fails_with "arm64: a script" 1 "not an ELF program" \
	"$tr" capture --arch arm64 -o "$tmp/x.mmut" -- "$tmp/script.sh"
# a qemu that puts the guest at an offset from the host's addresses
printf '#!/bin/sh\nexec qemu-aarch64 -B 0x100000000 "$@"\n' > "$tmp/qemu-offset"
chmod +x "$tmp/qemu-offset"
MMUSIM_QEMU=$tmp/qemu-offset fails_with "arm64: a guest_base is refused" 1 \
	"qemu-user with a guest_base?): no trace" "$tr" capture --arch arm64 -o "$tmp/x.mmut" -- true
[ -e "$tmp/x.mmut" ] && bad "arm64: no file left by a refused capture" "$tmp/x.mmut exists"
fails_with "arm64: no path with a comma for qemu's -plugin" 1 "takes no path with a comma" \
	"$tr" capture --arch arm64 --exit-layout "$tmp/a,b" -o "$tmp/x.mmut" -- true

# counts NAME PROG ARGS...: the trace's I, R, W counts equal the counting
# plugin's for the same run of PROG (the same environment: only PATH and
# ASAN_OPTIONS, which qemu passes on to the guest, so
# that the guest's stack, and the loader's work, are the same).
counts() {
	name=$1
	shift
	env -i PATH="$PATH" ASAN_OPTIONS=detect_leaks=1 qemu-aarch64 -L "$sysroot" -plugin "$b/qemu/libcount.so,out=$tmp/count" \
		"$@" > /dev/null 2>&1
	want=$(cat "$tmp/count" 2> /dev/null)
	if ! env -i PATH="$PATH" ASAN_OPTIONS=detect_leaks=1 "$tr" capture --arch arm64 \
		-o "$tmp/c.mmut" -- "$@" > /dev/null 2> "$tmp/err"; then
		bad "$name" "capture failed: $(head -c 300 "$tmp/err")"
		return
	fi
	got=$("$tr" info "$tmp/c.mmut" | awk '$1 == "instructions" { i = $2 } $1 == "loads" { l = $2 }
		$1 == "stores" { s = $2 } $1 == "modifies" { m = $2 }
		END { printf "insns %s loads %s stores %s", i, l, s; if (m) printf " modifies %s", m }')
	if [ -n "$want" ] && [ "$got" = "$want" ]; then ok "$name ($got)"
	else bad "$name" "trace '$got', counting plugin '$want'"; fi
}
seq 1 3000 | awk '{ print ($1 * 7919) % 3001 }' > "$tmp/nums"
counts "arm64: sort -n counts = the counting plugin's" "$sysroot/usr/bin/sort" -n "$tmp/nums"
counts "arm64: xz -9 counts = the counting plugin's" "$sysroot/usr/bin/xz" -9 -c "$tmp/nums"
counts "arm64: events counts = the counting plugin's" "$b/arm64/events"

# events NAME ARG EXPECTED (ARG: one, a single thread; threads): the
# capture of events.c's run has exactly the events written by hand, each
# after the thread that made it ("T: "; where the switches between threads
# fall depends on when each sends its records, so they are not compared):
# those at its fixed addresses (0x6000000000 + 0x0..0xfffffff), and its
# threads' clone and exit records, from the start marker on.
events() {
	name=$1 arg=$2 want=$3
	if ! "$tr" capture --arch arm64 -o "$tmp/$arg.mmut" --exit-layout "$tmp/$arg.layout" -- \
		"$b/arm64/events" "$arg" "$tmp/$arg.gmaps" > /dev/null 2> "$tmp/err"; then
		bad "$name" "capture failed: $(head -c 300 "$tmp/err")"
		return
	fi
	"$tr" cat "$tmp/$arg.mmut" | grep -v '^[IRW] ' |
		awk '/^switch / { t = $2; next } { print (t ? t : 1) ": " $0 }' |
		sed -n '/^[0-9]*: mmap 0x6000000000 /,$p' |
		grep -E '0x600[0-9a-f]{7} |: clone |: exit ' > "$tmp/got"
	if [ "$(cat "$tmp/got")" = "$want" ]; then ok "$name"
	else bad "$name" "got: $(tr '\n' ';' < "$tmp/got")"; fi
}
events "arm64: events of one thread, by hand" one "1: mmap 0x6000000000 0x1000 r-- private|fixed|anonymous
1: mmap 0x6000100000 0x4000 rw- private|fixed|anonymous
1: mprotect 0x6000101000 0x1000 r--
1: munmap 0x6000102000 0x2000
1: munmap 0x6000000000 0x1000
1: exit 1 group"
# glibc 2.36's pthread_create clones with 0x3d0f00 (CLONE_VM|FS|FILES|SIGHAND|
# THREAD|SYSVSEM|SETTLS|PARENT_SETTID|CHILD_CLEARTID), fork with 0x1200011
# (CHILD_SETTID|CHILD_CLEARTID|SIGCHLD)
events "arm64: events of a thread and a fork, by hand" threads "1: mmap 0x6000000000 0x1000 r-- private|fixed|anonymous
1: mmap 0x6000100000 0x4000 rw- private|fixed|anonymous
1: mprotect 0x6000101000 0x1000 r--
1: munmap 0x6000102000 0x2000
1: clone 2 0x3d0f00
2: mmap 0x6000200000 0x1000 rw- private|fixed|anonymous
2: exit 2
1: clone 3 0x1200011
3: munmap 0x6000100000 0x1000
3: exit 3 group
1: munmap 0x6000000000 0x1000
1: exit 1 group"

# End to end: the traces replay under --os linux with every check on, and
# no signal (the program ran without one).
for t in one threads "c"; do
	[ -f "$tmp/$t.mmut" ] || continue
	if "$sim" "$tmp/$t.mmut" --os linux --check -q --json "$tmp/$t.json" 2> "$tmp/err" &&
		[ "$(jq -r '.os.signals' "$tmp/$t.json")" = 0 ] &&
		[ "$(jq -r '.instructions' "$tmp/$t.json")" -gt 0 ]; then
		ok "arm64: $t trace replays under --check, no signal"
	else
		bad "arm64: $t trace replays under --check, no signal" "$(head -c 300 "$tmp/err")"
	fi
done
# ... and on the RTL back end (the Verilog MMU in lockstep with the golden
# model, two cores, the small TLBs cli.sh builds): the same figures.
small="-s l1i.entries=16 -s l1i.ways=4 -s l1d.entries=16 -s l1d.ways=4 -s l2.entries=64 -s l2.ways=4"
name="arm64: threads trace on --backend rtl, two cores: the golden model's figures"
if [ -f "$tmp/threads.mmut" ] && "$top/build/mmusim" "$tmp/threads.mmut" --backend rtl -s cores=2 $small \
	-q --json "$tmp/rtl.json" 2> "$tmp/rtl.err" &&
	"$top/build/mmusim" "$tmp/threads.mmut" -s cores=2 $small -q --json "$tmp/model.json" \
	2>> "$tmp/rtl.err"; then
	a=$(jq -c 'del(.rtl) | del(.config.backend) | del(.config."fabric.hop_latency")' "$tmp/rtl.json")
	m=$(jq -c 'del(.config.backend)' "$tmp/model.json")
	if [ "$a" = "$m" ] && [ "$(jq -r .rtl.pages "$tmp/rtl.json")" -gt 0 ] &&
		[ "$(jq -r .os.signals "$tmp/rtl.json")" = 0 ]; then ok "$name"
	else bad "$name" "the back ends' figures differ, or a signal"; fi
else
	bad "$name" "$(grep -v ': warning: ' "$tmp/rtl.err" | tail -3)"
fi

# The replay's final maps of the first process (mmusim --dump maps) are
# the guest's own /proc/self/maps at its end, as qemu shows it to the
# program (events.c copies it to a file): ranges and rights.
for t in one threads; do
	[ -f "$tmp/$t.gmaps" ] || { bad "arm64: $t final maps" "the program wrote none"; continue; }
	"$sim" "$tmp/$t.mmut" --os linux --dump maps -q 2> /dev/null |
		awk '/^# process/ { n++ } n <= 1 && /^[0-9a-f]+-/ { print $1, $2 }' > "$tmp/$t.rmaps"
	awk '{ print $1, $2 }' "$tmp/$t.gmaps" > "$tmp/$t.g2"
	if [ -s "$tmp/$t.g2" ] && cmp -s "$tmp/$t.g2" "$tmp/$t.rmaps"; then
		ok "arm64: $t final maps = the guest's /proc/self/maps ($(wc -l < "$tmp/$t.g2") mappings)"
	else
		bad "arm64: $t final maps = the guest's /proc/self/maps" \
			"$(diff "$tmp/$t.g2" "$tmp/$t.rmaps" | head -c 300)"
	fi
done
# The plugin's exit layout (--exit-layout) is what the guest itself saw in
# its /proc/self/maps at its end (qemu-user's emulation of it, from its
# own table of guest pages), page by page with read/write/execute rights;
# the forked child of "threads" has a layout of its own.
for t in one threads; do
	name="arm64: $t exit layout = the guest's /proc/self/maps"
	if [ -s "$tmp/$t.layout" ] && [ -s "$tmp/$t.gmaps" ]; then
		sed 's/^\([0-9a-f]*\)-\([0-9a-f]*\) \(...\).*/0x\1 0x\2 \3/' "$tmp/$t.gmaps" |
			awk '{ print $1, $2, $3 }' | while read -r a b p; do printf '%d %d %s\n' "$a" "$b" "$p"; done |
			awk '{ for (x = $1 / 4096; x < $2 / 4096; x++) print x, $3 }' | sort > "$tmp/$t.gpages"
		while read -r a b p; do printf '%d %d %s\n' "$a" "$b" "$p"; done < "$tmp/$t.layout" |
			awk '{ for (x = $1 / 4096; x < $2 / 4096; x++) print x, $3 }' | sort > "$tmp/$t.lpages"
		if cmp -s "$tmp/$t.gpages" "$tmp/$t.lpages"; then ok "$name ($(wc -l < "$tmp/$t.lpages") pages)"
		else bad "$name" "$(diff "$tmp/$t.gpages" "$tmp/$t.lpages" | head -5 | tr '\n' ' ')"; fi
	else
		bad "$name" "no layout or no guest maps"
	fi
done
if [ "$(ls "$tmp"/threads.layout.* 2> /dev/null | wc -l)" = 1 ]; then
	ok "arm64: the forked child's exit layout, LAYOUT.PID"
else bad "arm64: the forked child's exit layout, LAYOUT.PID" "$(ls "$tmp" | tr '\n' ' ')"; fi
# the header says arm64; the checksums are seeded with its flags
if head -c 11 "$tmp/one.mmut" | tail -c 1 | od -An -tu1 | grep -qx ' *3'; then
	ok "arm64: header flags procs|arm64 (3)"
else bad "arm64: header flags procs|arm64 (3)" "$(head -c 16 "$tmp/one.mmut" | od -An -tx1)"; fi
# the flags seed the blocks' checksums: the arm64 flag cleared, every block
# is refused; a flag bit of no meaning (4) is a corrupt header
cp "$tmp/one.mmut" "$tmp/flag1.mmut"
printf '\001' | dd of="$tmp/flag1.mmut" bs=1 seek=10 conv=notrunc 2> /dev/null
fails_with "arm64: the arm64 flag cleared: checksums refuse the blocks" 1 "checksum mismatch" \
	"$tr" info "$tmp/flag1.mmut"
cp "$tmp/one.mmut" "$tmp/flag7.mmut"
printf '\007' | dd of="$tmp/flag7.mmut" bs=1 seek=10 conv=notrunc 2> /dev/null
fails_with "arm64: header flag 4 refused" 1 "corrupt native header" "$tr" info "$tmp/flag7.mmut"

# Exec: qemu-user 7.2 hands a guest's execve to the host kernel, which has
# no binfmt_misc entry for arm64 here; the plugin follows an exec of an
# arm64 program by running it under a new qemu-aarch64 with itself, in the
# same process (a start block: FORMAT.md). env execs the sysroot's
# /bin/true: after the exec record the trace's counts are the counting
# plugin's for /bin/true run alone with the same arguments and environment,
# and the replay ends with the mappings the plugin saw at the exit.
env -i PATH="$PATH" qemu-aarch64 -L "$sysroot" -plugin "$b/qemu/libcount.so,out=$tmp/count" \
	-0 /bin/true "$sysroot/bin/true" > /dev/null 2>&1
want=$(cat "$tmp/count" 2> /dev/null)
name="arm64: an exec followed (env /bin/true): the new program's counts = the counting plugin's"
if env -i PATH="$PATH" "$tr" capture --arch arm64 -o "$tmp/ex.mmut" --exit-layout "$tmp/ex.layout" \
	-- env /bin/true > /dev/null 2> "$tmp/err"; then
	got=$("$tr" cat "$tmp/ex.mmut" | awk '/^exec / { on = 1 } on && /^I / { i++ } on && /^R / { r++ }
		on && /^W / { w++ } END { printf "insns %d loads %d stores %d", i, r, w }')
	execs=$("$tr" cat "$tmp/ex.mmut" | grep -c '^exec ')
	if [ "$got" = "$want" ] && [ "$execs" = 1 ] &&
		"$tr" cat "$tmp/ex.mmut" | grep -q "^file [0-9]* $sysroot/bin/true\$"; then ok "$name ($got)"
	else bad "$name" "trace '$got' after $execs exec records, counting plugin '$want'"; fi
else
	bad "$name" "$(head -c 300 "$tmp/err")"
fi
# ... and a fork whose child execs (timeout forks, the child runs /bin/true):
# each process replays to its own exit layout
for t in ex to; do
	name="arm64: exec trace $t replays under --check, each process ends with its exit layout"
	[ "$t" = to ] && ! env -i PATH="$PATH" "$tr" capture --arch arm64 -o "$tmp/to.mmut" \
		--exit-layout "$tmp/to.layout" -- timeout 5 /bin/true > /dev/null 2> "$tmp/err" &&
		{ bad "$name" "$(head -c 300 "$tmp/err")"; continue; }
	want=$([ "$t" = to ] && echo 2 || echo 1)
	if "$sim" "$tmp/$t.mmut" --os linux --check -s cores=2 --dump maps --json "$tmp/$t.json" \
		> "$tmp/$t.out" 2> "$tmp/err" && [ "$(jq -r .os.signals "$tmp/$t.json")" = 0 ] &&
		[ "$(same_maps "$tmp/$t" "$tmp/$t.out" "$tmp/$t.layout")" = "$want" ]; then
		ok "$name ($want)"
	else bad "$name" "$(head -c 300 "$tmp/err")"; fi
done
# An exec of a program that is not arm64 (qemu-user would run it natively,
# outside the guest) is not followed: the capture says so, and the
# process's stream ends with the exec record, as the Valgrind tool ends one
# it does not follow.
name="arm64: an exec of an x86-64 program is reported, the stream ends at the exec"
if env -i PATH="$PATH" "$tr" capture --arch arm64 -o "$tmp/nx.mmut" -- env "$tr" --version \
	> /dev/null 2> "$tmp/err" &&
	grep -q "execs $tr: an ELF program for another machine.*the trace of the process ends at the exec" \
		"$tmp/err" &&
	[ "$("$tr" cat "$tmp/nx.mmut" | grep -v '^[IRW] ' | tail -1)" = \
		"exec $("$tr" cat "$tmp/nx.mmut" | sed -n "s|^file \([0-9]*\) $tr\$|\1|p")" ]; then
	ok "$name"
else bad "$name" "$(head -c 300 "$tmp/err")"; fi

# Live: mmusim --arch arm64 -- PROG replays as the program runs; its
# instruction and data-access counts are the counting plugin's for the run.
env -i PATH="$PATH" ASAN_OPTIONS=detect_leaks=1 qemu-aarch64 -L "$sysroot" \
	-plugin "$b/qemu/libcount.so,out=$tmp/count" "$sysroot/usr/bin/sort" -n "$tmp/nums" > /dev/null 2>&1
want=$(awk '{ print $2, $4 + $6 }' "$tmp/count")
if env -i PATH="$PATH" ASAN_OPTIONS=detect_leaks=1 "$sim" --arch arm64 --check -q \
	--json "$tmp/live.json" -- sort -n "$tmp/nums" > /dev/null 2> "$tmp/err"; then
	got=$(jq -r '"\(.instructions) \(.data_accesses)"' "$tmp/live.json")
	if [ "$got" = "$want" ] && [ "$(jq -r '.os.signals' "$tmp/live.json")" = 0 ]; then
		ok "arm64: mmusim --arch arm64 -- sort live ($got)"
	else bad "arm64: mmusim --arch arm64 -- sort live" "got '$got', counting plugin '$want'"; fi
else
	bad "arm64: mmusim --arch arm64 -- sort live" "$(head -c 300 "$tmp/err")"
fi
fails_with "arm64: mmusim --arch needs -- PROGRAM" 2 "--arch needs -- PROGRAM" \
	"$sim" --arch arm64 "$tmp/one.mmut"
fails_with "arm64: mmusim --arch arm64, a program missing" 1 "no such program in the arm64 sysroot" \
	"$sim" --arch arm64 -- no-such-program-here
