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
pages() { # "START END PERMS" (hex) lines -> "page rw" lines, one per 4 KiB page
	while read -r a b p; do
		printf '%d %d %s\n' "$a" "$b" "$p"
	done | awk '{ for (x = $1 / 4096; x < $2 / 4096; x++) print x, substr($3, 1, 2) }' | sort
}
# ---- capture with our Valgrind tool, checked against cachegrind ----
if command -v valgrind > /dev/null; then
	mkdir -p "$tmp/live" && cd "$tmp/live" || exit 1
	seq 400 -1 1 > in.txt
	# The tool runs from build/vg (VALGRIND_LIB), which the program sees in
	# its environment: cachegrind runs with the same one, so that both see
	# the same stack and the same instruction stream.
	run() { env -i PATH=/usr/bin:/bin LC_ALL=C VALGRIND_LIB="$top/build/vg" "$@"; }
	if run "$tr" capture -o live.mmut.zst --exit-layout live.layout -- sort -n in.txt \
		> /dev/null 2> capture.err; then
		ok live_capture
	else bad live_capture "$(tail -3 capture.err)"; fi
	# it replays under --os linux with every invariant checked, no signal,
	# and ends with the pages Valgrind had mapped at the program's exit
	if "$sim" live.mmut.zst --check --dump maps --json live_linux.json > live_linux.out \
		2> live_linux.err; then
		grep -E '^[0-9a-f]+-[0-9a-f]+ ' live_linux.out |
			sed 's/^\([0-9a-f]*\)-\([0-9a-f]*\) \(...\).*/0x\1 0x\2 \3/' | pages > live.ours
		pages < live.layout > live.valgrind
		if [ "$(fig live_linux.json .os.signals)" != 0 ]; then
			bad live_capture_linux_replay "signals: $(head -c 300 live_linux.err)"
		elif [ ! -s live.valgrind ] || ! diff -q live.ours live.valgrind > /dev/null; then
			bad live_capture_linux_replay "final maps differ from Valgrind's: $(diff live.ours live.valgrind | head -5 | tr '\n' ' ')"
		else ok live_capture_linux_replay; fi
	else bad live_capture_linux_replay "$(head -c 300 live_linux.err)"; fi
	# With -d on both, lackey and our tool give the same records for the
	# same run, but for the tool's own file (which Valgrind lists as the
	# client's) and the file sizes only our tool knows.
	run valgrind -d --tool=lackey --trace-mem=yes --trace-syscalls=yes --trace-sched=yes \
		--log-fd=2 sort -n in.txt 2> lackey.log > /dev/null
	run valgrind -d --tool=mmut --out-fd=3 sort -n in.txt 3> d.mmut 2> /dev/null > /dev/null
	norm() { # no sizes; no tool file, nor the segment of it Valgrind lists
		"$tr" cat "$1" 2> /dev/null | sed 's| size=[0-9]*||' | awk '
			/^file [0-9]+ .*\/(lackey|mmut)-amd64-linux$/ { tool = "file=" $2; next }
			tool != "" && / file=[0-9]+ / && index($0, " " tool " ") { next }
			{ print }'
	}
	norm lackey.log > lackey.txt
	norm d.mmut > d.txt
	# (A few loads may read other stack bytes: glibc seeds some choices
	# from AT_RANDOM, which differs between runs; at most 10 such lines.)
	noaddr() { sed 's/^\([IRWM]\) 0x[0-9a-f]* /\1 /' "$1"; }
	moved=$(diff lackey.txt d.txt | grep -c '^<')
	if [ "$(grep -c '^[IRWM] ' d.txt)" -gt 900000 ] && [ "$moved" -le 10 ] &&
		[ "$(noaddr lackey.txt | md5sum)" = "$(noaddr d.txt | md5sum)" ] &&
		! diff lackey.txt d.txt | grep -q '^[<>] [^IRWM]'; then
		ok tool_same_records_as_lackey
	else bad tool_same_records_as_lackey "$moved lines differ: $(diff lackey.txt d.txt | head -5 | tr '\n' ' ')"; fi
	for g in "48 48 48 48 1280 5" "16 2 8 8 64 4" "8 8 64 1 512 8"; do
		set -- $g
		run valgrind --tool=cachegrind --cache-sim=yes --cachegrind-out-file=/dev/null \
			--I1=$(($1 * 4096)),$2,4096 --D1=$(($3 * 4096)),$4,4096 \
			--LL=$(($5 * 4096)),$6,4096 sort -n in.txt 2> cg.log > /dev/null
		num() { grep "$1" cg.log | head -1 | sed 's/.*: *\([0-9,]*\).*/\1/' | tr -d ,; }
		want="$(num 'I *refs:') $(num 'I1 *misses:') $(num 'D *refs:') $(num 'D1 *misses:') $(num 'LL refs:') $(num 'LL misses:')"
		"$sim" live.mmut.zst --os none -q --json live.json -s l1i.entries=$1 -s l1i.ways=$2 \
			-s l1d.entries=$3 -s l1d.ways=$4 -s l2.entries=$5 -s l2.ways=$6
		vs_cachegrind "live_cachegrind_$1x$2_$3x$4_$5x$6" live.json live.mmut.zst "$want"
	done

	# A program with known events (tb/tests/events.c): the list below is
	# written by hand from its source (posix_spawn's CLONE_VM | CLONE_VFORK
	# is a fork under Valgrind: a process clone, flags SIGCHLD). Accesses and events in its fixed
	# region, clones and exits; file ids named.
	cc -O1 -pthread -o events "$top/tb/tests/events.c"
	cat > events.want << 'T'
mmap 0x2000000000 0x4000 rw- private|fixed|anonymous
W 0x2000000000 1
mprotect 0x2000001000 0x1000 r--
munmap 0x2000003000 0x1000
mremap 0x2000000000 0x1000 0x2000100000 0x4000 0x3
W 0x2000103000 1
file ev.dat
mmap 0x2000200000 0x2000 r-- private|fixed file=ev.dat off=0x0 size=100
R 0x2000200032 1
munmap 0x2000200000 0x2000
clone 2 0x3d0f00
W 0x2000100000 1
clone 3 0x3d0f00
W 0x2000101000 1
exit 2
exit 3
clone PID 0x11
exit 1 group
T
	if "$tr" capture -o events.mmut -- ./events ev.dat > /dev/null 2> events.err; then
		"$tr" cat events.mmut 2> /dev/null | awk '
			/^file / { name[$2] = $3; if ($3 == "ev.dat") print "file " $3; next }
			/^(mmap|munmap|mprotect|mremap|[RWM]) 0x2000[0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f] / {
				if (match($0, /file=[0-9]+/)) {
					id = substr($0, RSTART + 5, RLENGTH - 5)
					sub(/file=[0-9]+/, "file=" name[id])
				}
				print; next }
			/^clone [0-9]+ / && $2 > 64 { print "clone PID " $3; next }
			/^(clone|exit) / { print }' > events.got
		if diff -u events.want events.got > events.diff; then ok capture_events; else
			bad capture_events "$(head -c 600 events.diff)"; fi
	else bad capture_events "$(tail -3 events.err)"; fi

	# A program that runs another: the trace ends at the exec, which names
	# the new program; a shell pipeline's children are process clones
	# (fork's flags: SIGCHLD, CLONE_CHILD_SETTID, CLONE_CHILD_CLEARTID)
	# with their real pids; both replay with every check, no signal.
	run "$tr" capture -o exec.mmut.zst -- sh -c 'exec sort -n in.txt' > /dev/null 2> exec.err
	"$tr" cat exec.mmut.zst 2> exec.err | grep -v '^[IRWM] ' | tail -2 > exec.got
	"$sim" exec.mmut.zst --check -q --json exec.json 2>> exec.err
	if [ "$(sed 's/[0-9][0-9]*/N/g' exec.got | tr '\n' ' ')" = "file N /usr/bin/sort exec N " ] &&
		[ "$(sed -n 's/^file \([0-9]*\) .*/\1/p' exec.got)" = "$(sed -n 's/^exec //p' exec.got)" ] &&
		[ "$(fig exec.json .os.signals)" = 0 ]; then ok capture_exec
	else bad capture_exec "$(cat exec.got) $(head -c 200 exec.err)"; fi
	run "$tr" capture -o pipe.mmut.zst -- sh -c 'sort -n in.txt | head -1' > /dev/null 2> pipe2.err
	"$tr" cat pipe.mmut.zst 2> /dev/null | grep -E '^(clone|exit|exec) ' > pipe.got
	"$sim" pipe.mmut.zst --check -q --json pipe.json 2>> pipe2.err
	if [ "$(awk '$1 == "clone" && $2 > 1 && $3 == "0x1200011"' pipe.got | wc -l)" = 2 ] &&
		[ "$(tail -1 pipe.got)" = "exit 1 group" ] && [ "$(wc -l < pipe.got)" = 3 ] &&
		[ "$(fig pipe.json .os.signals)" = 0 ]; then ok capture_pipeline_forks
	else bad capture_pipeline_forks "$(tr '\n' ' ' < pipe.got) $(head -c 200 pipe2.err)"; fi

	# Bad input: a clear error, a non-zero exit, nothing left behind.
	# nothing_left NAME FILE: neither FILE nor a temporary of it exists
	nothing_left() {
		if [ -e "$2" ] || ls "$2".tmp.* > /dev/null 2>&1; then
			bad "$1" "$2 or a temporary of it was left behind"
		else ok "$1"; fi
	}
	fails_with capture_no_program 1 "no-such-prog: no such program" \
		"$tr" capture -o bad.mmut.zst -- no-such-prog x
	nothing_left capture_no_program_nothing_left bad.mmut.zst
	fails_with capture_crash 1 "./events died by signal 11" \
		"$tr" capture -o bad.mmut.zst --exit-layout bad.layout -- ./events crash
	nothing_left capture_crash_nothing_left bad.mmut.zst
	nothing_left capture_crash_no_layout bad.layout
	fails_with capture_killed 1 "./events was killed by signal 9" \
		"$tr" capture -o bad.mmut.zst -- ./events kill
	nothing_left capture_killed_nothing_left bad.mmut.zst
	# the reader of mmutrace's output goes away
	{ "$tr" capture -o - -- sort -n in.txt 2> pipe.err; echo $? > pipe.rc; } | head -c 100 > /dev/null
	if [ "$(cat pipe.rc)" = 1 ] && grep -q "Broken pipe" pipe.err; then ok capture_broken_pipe
	else bad capture_broken_pipe "exit $(cat pipe.rc): $(head -c 300 pipe.err)"; fi
	# the tool's own pipe: its reader goes away
	VALGRIND_LIB="$top/build/vg" valgrind -q --tool=mmut --out-fd=3 sort -n in.txt \
		3>&1 > /dev/null 2> tool.err | head -c 100 > /dev/null
	if grep -q "mmut: writing the trace to fd 3 failed" tool.err ||
		grep -q "Process terminating with default action of signal 13" tool.err; then
		ok tool_broken_pipe; else bad tool_broken_pipe "$(head -c 300 tool.err)"; fi
	mkdir -p novg fakevg
	ln -sf "$(command -v env)" novg/env
	fails_with capture_no_valgrind 1 "valgrind is not installed" \
		env PATH="$tmp/live/novg" "$tr" capture -o bad.mmut.zst -- /usr/bin/true
	printf '#!/bin/sh\necho valgrind-3.18.1\n' > fakevg/valgrind
	chmod +x fakevg/valgrind
	fails_with capture_wrong_valgrind 1 "valgrind 3.18 is installed, but the tool" \
		env PATH="$tmp/live/fakevg:/usr/bin:/bin" "$tr" capture -o bad.mmut.zst -- /usr/bin/true
	nothing_left capture_valgrind_nothing_left bad.mmut.zst

	# Live runs: mmusim -- PROGRAM replays as the program runs; its report
	# equals the one of replaying the trace it saved.
	if run "$sim" -s cores=2 --check -q --json live_a.json --save live_s.mmut.zst \
		-- sort -n in.txt > /dev/null 2> live.err &&
		"$sim" live_s.mmut.zst -s cores=2 --check -q --json live_b.json 2>> live.err; then
		if [ "$(jq -cS 'del(.trace.path)' live_a.json)" = "$(jq -cS 'del(.trace.path)' live_b.json)" ] &&
			[ "$(fig live_a.json .trace.records)" -gt 900000 ]; then ok live_run_same_as_saved
		else bad live_run_same_as_saved "the live and saved runs' figures differ"; fi
		if [ -s live.err ]; then bad live_quiet_off_tty "stderr: $(head -c 200 live.err)"
		else ok live_quiet_off_tty; fi
	else bad live_run_same_as_saved "$(tail -3 live.err)"; fi
	script -qfc "$sim --os none -- sort -n in.txt > /dev/null" /dev/null > tty.out 2>&1
	if tr '\r' '\n' < tty.out | grep -qE '^[0-9.]+ M accesses, [0-9.]+ M/s, [0-9.]+ s'; then
		ok live_progress_on_tty; else bad live_progress_on_tty "$(head -c 200 tty.out)"; fi
	fails_with live_crash 1 "./events died by signal 11" "$sim" --save bad.mmut.zst -- ./events crash
	nothing_left live_crash_nothing_left bad.mmut.zst
	fails_with live_no_program 1 "no-such-prog: no such program" "$sim" -- no-such-prog
	fails_with live_trace_and_program 2 "a trace or -- PROGRAM, not both" "$sim" x -- sort

	# A multi-threaded run: every access in the raw log, found by grep,
fi
