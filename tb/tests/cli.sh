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
trap 'kill "${xz_job:-}" 2> /dev/null; wait; rm -rf "$tmp"' EXIT
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
check help "$sim" --help
fails_with no_trace 2 "no trace given" "$sim"
fails_with bad_option 2 "unknown option '--frob'" "$sim" x --frob
fails_with bad_set 2 "unknown key 'l3.entries'" "$sim" x -s l3.entries=4
fails_with bad_geometry 2 "the number of sets" "$sim" x -s l1d.entries=48 -s l1d.ways=16
fails_with bad_policy 2 "unknown policy 'mru'" "$sim" x -s l2.policy=mru
fails_with bad_os 2 "os: 'bsd' is not linux or none" "$sim" x --os bsd
fails_with bad_mem 2 "mem: '3k' is not a size" "$sim" x -s mem=3k
fails_with dump_needs_linux 2 "--dump needs --os linux" "$sim" x --os none --dump maps
printf 'cores = 2\nl1d.ways = three\n' > "$tmp/bad.cfg"
fails_with bad_config_line 2 "bad.cfg:2: l1d.ways: 'three' is not a number" \
	"$sim" x --config "$tmp/bad.cfg"
fails_with missing_trace 1 "$tmp/nope.mmut: cannot open" "$sim" "$tmp/nope.mmut"
printf 'mmutrace-text 1\nI 0x1000 4\nR 0x2000 eight\n' > "$tmp/bad.txt"
fails_with malformed_text 1 "bad.txt: line 3: R: bad size 'eight'" "$sim" "$tmp/bad.txt"
head -c 5000 "$bundled/sort.mmut.zst" > "$tmp/cut.mmut.zst"
fails_with truncated_zstd 1 "truncated zstd stream" "$sim" "$tmp/cut.mmut.zst"
printf 'hello\nworld\n' > "$tmp/notrace"
fails_with no_accesses 1 "holds no memory accesses" "$sim" "$tmp/notrace"
fails_with convert_not_lackey 1 "not a lackey log" "$tr" convert "$tmp/notrace" "$tmp/o.mmut"
if [ -e "$tmp/o.mmut" ] || ls "$tmp"/o.mmut.tmp.* > /dev/null 2>&1; then
	bad convert_leaves_nothing "output left behind"
else ok convert_leaves_nothing; fi
fails_with json_bad_dir 1 "cannot create" "$sim" "$bundled/sort.mmut.zst" -q \
	--json "$tmp/no/such/dir/out.json"

# ---- --os linux: events it cannot honour, and signals ----
printf 'mmutrace-text 1\nsegment 0x400000 0x2000 r-x anon\nI 0x400000 4\nmmap 0x401000 0x1000 rw- private|anonymous\n' > "$tmp/clash.txt"
fails_with unhonourable_mmap 1 "clash.txt: record 3: mmap 0x401000+0x1000 cannot be honoured: range already mapped" \
	"$sim" "$tmp/clash.txt"
printf 'mmutrace-text 1\nsegment 0x400000 0x1000 r-x anon\nI 0x400000 4\nR 0x900000 8\nW 0x400000 4\n' > "$tmp/segv.txt"
"$sim" "$tmp/segv.txt" -q --json "$tmp/segv.json" 2> "$tmp/segv.err"
if [ "$(fig "$tmp/segv.json" '[.os.signals, .os.faults.segv_maperr, .os.faults.segv_accerr] | join(" ")')" = "2 1 1" ] &&
	grep -q 'record 3: SIGSEGV (MAPERR) at 0x900000' "$tmp/segv.err" &&
	grep -q 'record 4: SIGSEGV (ACCERR) at 0x400000' "$tmp/segv.err"; then
	ok linux_signals
else
	bad linux_signals "$(cat "$tmp/segv.err")"
fi
printf 'mmutrace-text 1\nI 0x400000 4\nswitch 7\nR 0x1000 4\n' > "$tmp/ghost.txt"
printf 'mmutrace-text 1\nI 0x400000 4\nclone 4294967295 0x3d0f00\n' > "$tmp/bigtid.txt"
fails_with huge_thread_id 1 "record 2: thread id 4294967295 out of range" "$sim" "$tmp/bigtid.txt"
fails_with unknown_thread 1 "record 2: switch to thread 7, which was never created" "$sim" "$tmp/ghost.txt"

# ---- a hand-counted trace ----
# 4 instructions on pages 0x400 and 0x401; data: page 0x7ff twice, then a
# store straddling 0x7ff/0x800, a modify on 0x900. 2-entry L1s, no L2.
cat > "$tmp/hand.txt" << 'T'
mmutrace-text 1
I 0x400000 4
I 0x400ffe 4
R 0x7ff000 8
I 0x400004 4
W 0x7ff010 8
W 0x7ffffc 8
M 0x900000 4
I 0x401000 4
T
"$sim" "$tmp/hand.txt" --os none -s l1i.entries=2 -s l1i.ways=2 -s l1d.entries=2 -s l1d.ways=2 \
	-s l2.entries=0 --json "$tmp/hand.json" -q
# I: 0x400 miss, 0x400+0x401 miss (0x401 new), 0x400 hit, 0x401 hit -> 4 acc, 2 miss
# D: 0x7ff miss, hit, 0x7ff+0x800 miss, 0x900 miss (evicts 0x7ff) -> 4 acc, 3 miss
got="$(fig "$tmp/hand.json" '[.instructions, .l1i.accesses, .l1i.misses, .l1d.accesses, .l1d.misses, .walks.count, .l1i.mpki] | @tsv')"
want="$(printf '4\t4\t2\t4\t3\t5\t500')"
if [ "$got" = "$want" ]; then ok hand_counted; else bad hand_counted "got '$got' want '$want'"; fi

# ---- the bundled trace against cachegrind's figures (traces/bundle.sh) ----
grep -v '^#' "$bundled/sort.cachegrind" | while read -r ie iw de dw le lw ir i1 dr d1 llr llm; do
	name="cachegrind_sort_${ie}x${iw}_${de}x${dw}_${le}x${lw}"
	"$sim" "$bundled/sort.mmut.zst" --os none -q --json "$tmp/cg.json" -s l1i.entries=$ie \
		-s l1i.ways=$iw -s l1d.entries=$de -s l1d.ways=$dw -s l2.entries=$le \
		-s l2.ways=$lw
	vs_cachegrind "$name" "$tmp/cg.json" "$bundled/sort.mmut.zst" "$ir $i1 $dr $d1 $llr $llm"
done

# ---- --os linux: each bundled trace replays with every invariant checked,
# no signal, and ends with the pages Valgrind saw mapped at the program's
# exit (its -d layout at shutdown), with the same read/write rights ----
pages() { # "START END PERMS" (hex) lines -> "page rw" lines, one per 4 KiB page
	while read -r a b p; do
		printf '%d %d %s\n' "$a" "$b" "$p"
	done | awk '{ for (x = $1 / 4096; x < $2 / 4096; x++) print x, substr($3, 1, 2) }' | sort
}
for t in sort xz; do
	name="linux_replay_$t"
	if ! "$sim" "$bundled/$t.mmut.zst" --check -s cores=2 --dump maps --json "$tmp/$t.json" \
		> "$tmp/$t.out" 2> "$tmp/$t.err"; then
		bad "$name" "$(head -c 400 "$tmp/$t.err")"
		continue
	fi
	signals=$(fig "$tmp/$t.json" .os.signals)
	grep -E '^[0-9a-f]+-[0-9a-f]+ ' "$tmp/$t.out" |
		sed 's/^\([0-9a-f]*\)-\([0-9a-f]*\) \(...\).*/0x\1 0x\2 \3/' | pages > "$tmp/$t.ours"
	pages < "$bundled/$t.exit-layout" > "$tmp/$t.valgrind"
	if [ "$signals" != 0 ]; then
		bad "$name" "$signals signals: $(head -c 300 "$tmp/$t.err")"
	elif ! diff -q "$tmp/$t.ours" "$tmp/$t.valgrind" > /dev/null; then
		bad "$name" "final maps differ from Valgrind's: $(diff "$tmp/$t.ours" "$tmp/$t.valgrind" | head -5 | tr '\n' ' ')"
	else
		ok "$name"
	fi
done

# ---- --backend rtl: the Verilog MMU in lockstep gives the same figures ----
small="-s l1i.entries=16 -s l1i.ways=4 -s l1d.entries=16 -s l1d.ways=4 -s l2.entries=64 -s l2.ways=4"

# same_figures NAME HINT TRACE ARGS...: every RTL answer equals the golden
# model's (mmusim stops at the first that differs), and both back ends
# report the same figures (all of the JSON but the RTL's own section)
same_figures() {
	name=$1 hint=$2 src=$3
	shift 3
	if "$top/build/mmusim" "$src" --backend rtl "$@" -q --json "$tmp/$name.rtl.json" \
		2> "$tmp/$name.err" &&
		"$top/build/mmusim" "$src" "$@" -q --json "$tmp/$name.model.json" 2>> "$tmp/$name.err"; then
		a=$(jq -c 'del(.rtl) | del(.config.backend)' "$tmp/$name.rtl.json")
		b=$(jq -c 'del(.config.backend)' "$tmp/$name.model.json")
		if [ "$a" = "$b" ] && [ "$(fig "$tmp/$name.rtl.json" .rtl.pages)" -gt 0 ]; then ok "$name"; else
			bad "$name" "the back ends' figures differ$hint"; fi
	else
		bad "$name" "$(grep -v ': warning: ' "$tmp/$name.err" | tail -3)$hint"
	fi
}

# Every bundled trace, whole. The 2-core xz (23.5 M records, some three
# minutes) runs in the background while the tests below run.
same_figures rtl_backend_xz_2cores "" "$bundled/xz.mmut.zst" -s cores=2 $small \
	> "$tmp/xz.result" &
xz_job=$!
same_figures rtl_backend_sort_1core "" "$bundled/sort.mmut.zst" -s cores=1 $small

# Seeded random stress: a new seed each run (STRESS_SEED=N repeats one).
# Random mmaps, munmaps and mprotects of pieces of mappings, three threads
# on two cores; then with THP, whole mappings only. Range TLBIs and TTL
# hints on or off by the seed.
seed=${STRESS_SEED:-$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')}
hint=" (seed $seed: STRESS_SEED=$seed make test repeats it)"
range=$(( seed % 2 ? 1 : 0 )) ttl=$(( seed / 2 % 2 ? 1 : 0 ))
onoff() { if [ "$1" = 1 ]; then echo on; else echo off; fi; }
"$dir/stress_trace" "$seed" 600000 > "$tmp/stress.txt"
same_figures rtl_stress_pieces "$hint" "$tmp/stress.txt" -s cores=2 $small \
	-s tlbi_range="$(onoff $range)" -s ttl="$(onoff $ttl)"
"$dir/stress_trace" "$((seed + 1))" 500000 whole > "$tmp/stress_thp.txt"
same_figures rtl_stress_thp "$hint" "$tmp/stress_thp.txt" -s cores=2 $small -s thp=on
pages=$(( $(fig "$tmp/rtl_stress_pieces.rtl.json" .rtl.pages 2> /dev/null || echo 0) +
	$(fig "$tmp/rtl_stress_thp.rtl.json" .rtl.pages 2> /dev/null || echo 0) ))
# the stress did what it is for: over a million translations, TLBIs by
# page and (with range TLBIs) by range, huge pages, signals
j=$tmp/rtl_stress_pieces.rtl.json
if [ "$pages" -gt 1000000 ] && [ "$(fig "$j" .os.tlbi_issued.vale1)" -gt 1000 ] &&
	{ [ "$range" = 0 ] || [ "$(fig "$j" '.os.tlbi_issued | .rvae1 + .rvale1')" -gt 20 ]; } &&
	[ "$(fig "$tmp/rtl_stress_thp.rtl.json" .os.faults.huge_pmd)" -gt 10 ] &&
	[ "$(fig "$j" .os.signals)" -gt 0 ]; then
	ok rtl_stress_coverage
else
	bad rtl_stress_coverage "$pages pages, or too few TLBIs, huge pages or signals$hint"
fi

# ---- waveforms: an FST of the chosen cycles only, and its GTKWave save file ----
"$tr" cat "$bundled/sort.mmut.zst" 2> /dev/null | head -n 20000 > "$tmp/short.txt"
if "$top/build/mmusim" "$tmp/short.txt" --backend rtl -s cores=2 $small -q --wave "$tmp/w.fst" \
	--wave-from 1000 --wave-to 1999 2> "$tmp/wave.err"; then
	first=$(fst2vcd "$tmp/w.fst" 2> /dev/null | grep '^#' | head -1)
	last=$(fst2vcd "$tmp/w.fst" 2> /dev/null | grep '^#' | tail -1)
	# two phases a cycle, one time unit each: cycles 1000..1999 are times 2000..3999
	if [ "$first" = "#2000" ] && [ "$last" = "#3999" ] && ! grep -q "dump call ignored" "$tmp/wave.err" &&
		grep -q 'TOP.mmu_top.g_core\[1\].u_core.u_ptw.state_q' "$tmp/w.gtkw" &&
		grep -q '^-core 0 L2 TLB' "$tmp/w.gtkw" && grep -q '^2 walk' "$tmp/w.source.filter" &&
		# GTKWave names enum values from the FST's own tables when no number format is set
		grep -A1 '^@20$' "$tmp/w.gtkw" | grep -q 'u_ptw.state_q' &&
		fst2vcd -e "$tmp/w.fst" 2> /dev/null | grep -q 'mmu_ptw.state_e 5 Idle Probe Read Wait Done' &&
		fst2vcd -e "$tmp/w.fst" 2> /dev/null | grep -q 'tlbi_op_e 10 TlbiVmalle1 .* TlbiRvaale1 0000 .* 1001 '; then
		ok waveform_window
	else
		bad waveform_window "times $first..$last, or the save file lacks its groups"
	fi
else
	bad waveform_window "$(tail -3 "$tmp/wave.err")"
fi
fails_with wave_needs_rtl 2 "--wave needs --backend rtl" "$sim" x --wave "$tmp/x.fst"
fails_with wave_is_fst 2 "name the file *.fst" "$sim" x --backend rtl --wave "$tmp/x.vcd"

# ---- SystemC/TLM-2.0: the MMU module in the example platform (mmusc) ----
# Every figure (all of the JSON, the table but its timing line) equals
# mmusim --backend rtl's on the same input: the first 300,000 records of
# sort on 1 and 2 cores, loosely and approximately timed; and the random
# stress above (TLBIs from both cores) through the AT sockets.
sc=$top/build/systemc/mmusc
"$tr" cat "$bundled/sort.mmut.zst" 2> /dev/null | head -n 300000 > "$tmp/sort300k.txt"
# sc_same NAME REFERENCE-JSON REFERENCE-TABLE|"" TRACE MMUSC-ARGS...
sc_same() {
	name=$1 ref=$2 reft=$3 src=$4
	shift 4
	if "$sc" "$src" "$@" --json "$tmp/$name.json" > "$tmp/$name.txt" 2> "$tmp/$name.err"; then
		jq -S . "$ref" > "$tmp/$name.want.json"
		jq -S . "$tmp/$name.json" > "$tmp/$name.got.json"
		if ! diff "$tmp/$name.want.json" "$tmp/$name.got.json" > "$tmp/$name.diff"; then
			bad "$name" "JSON differs from mmusim --backend rtl's: $(head -4 "$tmp/$name.diff" | tr '\n' ' ')"
		elif [ -n "$reft" ] && ! { sed '$d' "$reft" > "$tmp/$name.want.txt" &&
			sed '$d' "$tmp/$name.txt" | diff "$tmp/$name.want.txt" - > /dev/null; }; then
			bad "$name" "the table differs from mmusim --backend rtl's"
		elif ! grep -q "pages through the cpu sockets" "$tmp/$name.err"; then
			bad "$name" "no SystemC summary line"
		else
			ok "$name"
		fi
	else
		bad "$name" "$(grep -v ': warning: ' "$tmp/$name.err" | tail -3)"
	fi
}
for cores in 1 2; do
	"$top/build/mmusim" "$tmp/sort300k.txt" --backend rtl -s cores=$cores $small \
		--json "$tmp/sort_rtl_$cores.json" > "$tmp/sort_rtl_$cores.txt" 2> /dev/null
	for style in lt at; do
		sc_same "systemc_sort_${cores}core_$style" "$tmp/sort_rtl_$cores.json" \
			"$tmp/sort_rtl_$cores.txt" "$tmp/sort300k.txt" -s cores=$cores $small --style $style
	done
done
sc_same systemc_stress_at "$tmp/rtl_stress_pieces.rtl.json" "" "$tmp/stress.txt" \
	-s cores=2 $small -s tlbi_range="$(onoff $range)" -s ttl="$(onoff $ttl)" --style at
# the sockets' traffic as a VCD (sc_trace): per core the requests and answers,
# the walkers' reads and the maintenance operations, a time step per
# transaction; next to it the RTL's FST of cycles 1000..1999 of the same run
if "$sc" "$tmp/short.txt" -s cores=2 $small --quantum 0 --vcd "$tmp/sc" -q --wave "$tmp/scw.fst" \
	--wave-from 1000 --wave-to 1999 2> "$tmp/vcd.err" &&
	[ "$(fst2vcd "$tmp/scw.fst" 2> /dev/null | grep '^#' | sed -n '1p;$p' | tr '\n' ' ')" = "#2000 #3999 " ] &&
	grep -q '^-core 1 L2 TLB' "$tmp/scw.gtkw" &&
	grep -q '^\$scope module top \$end' "$tmp/sc.vcd" &&
	grep -q ' va \[63:0\]' "$tmp/sc.vcd" && grep -q ' addr \[63:0\]' "$tmp/sc.vcd" &&
	grep -q ' tlbi_op \[31:0\]' "$tmp/sc.vcd" && [ "$(grep -c '^#' "$tmp/sc.vcd")" -gt 1000 ] &&
	# GTKWave's own converter reads it, every time step
	vcd2fst "$tmp/sc.vcd" "$tmp/sc.fst" > /dev/null 2>&1 &&
	[ "$(fst2vcd "$tmp/sc.fst" 2> /dev/null | grep -c '^#')" = "$(grep -c '^#' "$tmp/sc.vcd")" ]; then
	ok systemc_vcd
else
	bad systemc_vcd "$(tail -2 "$tmp/vcd.err") $(grep -c '^#' "$tmp/sc.vcd" 2> /dev/null) time steps"
fi
# the README's sample: one hand-written mapping (VA 0x400000 -> PA 0x5000):
# a walk to level 3, then an L1 hit, then after TLBI VAE1IS and a DSB a walk again
"$top/build/systemc/minimal" > "$tmp/minimal.out" 2> "$tmp/minimal.err"
if [ $? -eq 0 ] && [ "$(sed -n 's/^[0-9]* ns //p' "$tmp/minimal.out" | sed 's/, [0-9]* cycles$//')" = \
"VA 0x400123 -> PA 0x5123, none, level 3, from walk
VA 0x400123 -> PA 0x5123, none, level 3, from L1
after TLBI VAE1IS + DSB: PA 0x5123 from walk" ]; then
	ok systemc_minimal
else
	bad systemc_minimal "$(cat "$tmp/minimal.out" "$tmp/minimal.err" | tail -4 | tr '\n' ' ')"
fi
# the base protocol's error responses at every socket (ASan/UBSan build)
"$top/build/systemc/sc_protocol" > "$tmp/protocol.out" 2>&1
rc=$?
grep '^\[' "$tmp/protocol.out"
if [ "$rc" -ne 0 ] && ! grep -q '^\[  FAILED' "$tmp/protocol.out"; then
	bad systemc_protocol "exit $rc: $(grep -v '^\[' "$tmp/protocol.out" | tail -3 | tr '\n' ' ')"
fi

# ---- the same trace through the text form and gzip gives the same figures ----
"$tr" cat "$bundled/sort.mmut.zst" 2> /dev/null | head -n 300000 | gzip > "$tmp/part.txt.gz"
"$tr" convert "$tmp/part.txt.gz" "$tmp/part.mmut" 2> /dev/null
"$sim" "$tmp/part.txt.gz" -q --json "$tmp/a.json"
"$sim" "$tmp/part.mmut" -q --json "$tmp/b.json"
if [ "$(jq -c 'del(.trace)' "$tmp/a.json")" = "$(jq -c 'del(.trace)' "$tmp/b.json")" ]; then
	ok formats_agree
else bad formats_agree "text.gz and native gave different figures"; fi

# ---- live: capture a real program and compare with cachegrind on it ----
if command -v valgrind > /dev/null; then
	mkdir -p "$tmp/live" && cd "$tmp/live" || exit 1
	seq 400 -1 1 > in.txt
	run() { env -i PATH=/usr/bin:/bin LC_ALL=C "$@"; }
	if run "$tr" capture -o live.mmut.zst -- sort -n in.txt > /dev/null 2> capture.err; then
		ok live_capture
	else bad live_capture "$(tail -3 capture.err)"; fi
	for g in "48 48 48 48 1280 5" "16 2 8 8 64 4"; do
		set -- $g
		run valgrind --tool=cachegrind --cache-sim=yes -d --cachegrind-out-file=/dev/null \
			--I1=$(($1 * 4096)),$2,4096 --D1=$(($3 * 4096)),$4,4096 \
			--LL=$(($5 * 4096)),$6,4096 sort -n in.txt 2> cg.log > /dev/null
		num() { grep "$1" cg.log | head -1 | sed 's/.*: *\([0-9,]*\).*/\1/' | tr -d ,; }
		want="$(num 'I *refs:') $(num 'I1 *misses:') $(num 'D *refs:') $(num 'D1 *misses:') $(num 'LL refs:') $(num 'LL misses:')"
		"$sim" live.mmut.zst --os none -q --json live.json -s l1i.entries=$1 -s l1i.ways=$2 \
			-s l1d.entries=$3 -s l1d.ways=$4 -s l2.entries=$5 -s l2.ways=$6
		vs_cachegrind "live_cachegrind_$1x$2_$3x$4_$5x$6" live.json live.mmut.zst "$want"
	done

	# A multi-threaded run: every access in the raw log, found by grep,
	# reaches mmusim; threads land on their cores.
	cc -O1 -pthread -o threads "$top/tb/tests/threads.c"
	valgrind --tool=lackey --trace-mem=yes --trace-syscalls=yes --trace-sched=yes -d \
		--log-fd=2 ./threads 2> threads.log > /dev/null
	gi=$(grep -oE 'I  [0-9a-f]{8,16},[0-9]+' threads.log | wc -l)
	gd=$(grep -oE ' [LSM] [0-9a-f]{8,16},[0-9]+' threads.log | wc -l)
	gc=$(grep -oE 'starting new thread' threads.log | wc -l)
	"$sim" threads.log -q --json threads.json -s cores=3 --check
	got=$(fig threads.json '[.instructions, .data_accesses, (.l1i.per_core | length)] | join(" ")')
	if [ "$got" = "$gi $gd 3" ]; then ok threads_all_accesses; else
		bad threads_all_accesses "mmusim '$got' grep '$gi $gd 3'"; fi
	clones=$("$tr" cat threads.log 2> /dev/null | grep -c '^clone ')
	if [ "$clones" -eq $((gc - 1)) ] && [ "$clones" -eq 2 ]; then ok threads_clones; else
		bad threads_clones "$clones clone records, $gc threads started"; fi
	busy=$(fig threads.json '[.l1i.per_core[] | select(.accesses > 10000)] | length')
	if [ "$busy" -eq 3 ]; then ok threads_on_cores; else
		bad threads_on_cores "$busy of 3 cores ran a walker thread"; fi
	cd "$top" || exit 1
else
	bad live_capture "valgrind is not installed (make deps)"
fi

wait "$xz_job"
cat "$tmp/xz.result"
