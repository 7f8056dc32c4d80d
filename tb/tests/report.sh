#!/bin/sh
# mmusim's --csv against hand-counted figures and against the JSON of the
# same run, and how --json and --csv files are written: whole or not at all.
# Prints cmocka-style "[       OK ]" / "[  FAILED  ]".
# usage: report.sh DIR   (DIR holds the tools to test)
set -u
dir=$(cd "$1" && pwd)
top=$(cd "$(dirname "$0")/../.." && pwd)
sim=$dir/mmusim
tmp=$(mktemp -d /tmp/mmusim-report-XXXXXX)
ro=$tmp/ro
trap 'chmod 755 "$ro" 2> /dev/null; rm -rf "$tmp"' EXIT
export ASAN_OPTIONS=detect_leaks=1

. "$top/tb/tests/testlib.sh"

# col CSV NAME: the value of column NAME in the CSV's row (no quoted fields)
col() {
	awk -F, -v name="$2" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == name) c = i; next }
		NR == 2 && c { print $c; found = 1 } END { if (!found) print "(no column)" }' "$1"
}
# cols CSV NAME...: their values, space-separated
cols() {
	f=$1
	shift
	for n; do printf '%s ' "$(col "$f" "$n")"; done
}

# ---- hand-counted figures ----
# --os none, fully associative 2-entry L1s and a 4-entry L2 (walk.latency
# 40, L2 probe 6). Instructions: page 0x400 misses everywhere (a walk),
# then hits twice in L1. Data: 0x10, 0x11, 0x12 miss everywhere (walks;
# 0x12 evicts 0x10 from L1); 0x10 misses in L1 and hits in L2, which holds
# 0x400 0x10 0x11 0x12; 0x13 misses everywhere (a walk). L2: 6 lookups,
# 1 hit. Latencies: L1 hit 1, L2 hit 1+6, walk 1+6+40. Translation cycles:
# 8 L1 lookups + 6 L2 probes * 6 + 5 walks * 40 = 244. MPKI: misses per
# 1000 of the 3 instructions.
cat > "$tmp/none.txt" << 'T'
mmutrace-text 1
I 0x400000 4
R 0x10000 8
R 0x11000 8
R 0x12000 8
R 0x10000 8
I 0x400004 4
W 0x13000 8
I 0x400008 4
T
"$sim" "$tmp/none.txt" --os none -s l1i.entries=2 -s l1i.ways=2 -s l1d.entries=2 -s l1d.ways=2 \
	-s l2.entries=4 -s l2.ways=4 -q --csv "$tmp/none.csv" --json "$tmp/none.json" 2> "$tmp/err"
got=$(cols "$tmp/none.csv" instructions l1i.accesses l1i.misses l1i.miss_rate l1i.mpki \
	l1d.accesses l1d.misses l1d.hits l1d.mpki l2.accesses l2.hits l2.miss_rate walks.count \
	walks.cycles translation_cycles latency.l1_hit.count latency.l2_hit.cycles \
	latency.walk.count latency.walk.cycles latency.walk.max)
want="3 3 1 0.333333 333.333333 5 5 0 1666.666667 6 1 0.833333 5 200 244 2 7 5 235 47 "
if [ "$got" = "$want" ]; then ok csv_hand_counted_os_none
else bad csv_hand_counted_os_none "got '$got' want '$want' $(head -c 300 "$tmp/err")"; fi
# what does not apply to --os none is empty: the OS's figures, the RTL's, its settings
got=$(cols "$tmp/none.csv" os.faults.anonymous walk_cache.l2.hits rtl.pages config.mem \
	config.walk.latency config.page_size config.os config.seed)
if [ "$got" = "    40 4k none  " ]; then ok csv_empty_where_not_applying
else bad csv_empty_where_not_applying "got '$got'"; fi

# --os linux: three pages of an anonymous mmap written, the first read again.
# Each write faults (do_anonymous_page) and is replayed: 6 walks. The first
# walk finds L0's descriptor invalid (1 read), its replay reads all 4
# levels; the other pages' walks hit the walk cache for the L3 table's
# address (1 read each): 1+4+1+1+1+1 reads of walk.mem_latency 20 cycles.
# The replayed first walk: L1 lookup 1 + L2 probe 6 + 4 reads = 87 cycles.
printf 'mmutrace-text 1\nmmap 0x10000000 0x3000 rw- private|anonymous\nW 0x10000000 8\nW 0x10001000 8\nW 0x10002ff8 8\nR 0x10000008 8\n' \
	> "$tmp/anon.txt"
"$sim" "$tmp/anon.txt" -q --csv "$tmp/linux.csv" --json "$tmp/linux.json" 2> "$tmp/err"
got=$(cols "$tmp/linux.csv" trace.records trace.events data_accesses l1d.misses l2.accesses \
	os.faults.anonymous mmu_faults.translation walks.count walks.cycles latency.fault.count \
	latency.walk.max os.signals config.mem config.walk.latency)
want="5 1 4 3 3 3 3 6 180 3 87 0 8g  "
if [ "$got" = "$want" ]; then ok csv_hand_counted_linux
else bad csv_hand_counted_linux "got '$got' want '$want' $(head -c 300 "$tmp/err")"; fi

# ---- the CSV says what the JSON of the same run says ----
# --backend rtl on a short real trace, two cores at once (the RTL's own
# figures and rtl.parallel's); the model of cli.sh's RTL tests
small="-s l1i.entries=16 -s l1i.ways=4 -s l1d.entries=16 -s l1d.ways=4 -s l2.entries=64 -s l2.ways=4"
"$dir/mmutrace" cat "$top/traces/bundled/sort.mmut.zst" 2> /dev/null | head -n 20000 > "$tmp/short.txt"
# shellcheck disable=SC2086
"$sim" "$tmp/short.txt" --backend rtl -s cores=2 -s rtl.parallel=on $small -q \
	--csv "$tmp/rtl.csv" --json "$tmp/rtl.json" 2> "$tmp/rtl.err"
# every column but the settings is the JSON's figure at the column's path,
# numerically; empty where the JSON has none. Prints the columns that differ.
vs_json() {
	jq -r --rawfile csv "$1" '
		. as $json | ($csv | split("\n")) as $l | ($l[0] | split(",")) as $h | ($l[1] | split(",")) as $r |
		[range(0; $h | length) | select($h[.] | startswith("config.") | not) | . as $i |
		 (try ($json | getpath($h[$i] | split("."))) catch null) as $j |
		 select(if $j == null then $r[$i] != ""
			elif ($j | type) == "number" then ($r[$i] | tonumber? // null) != $j
			else ($j | tostring) != $r[$i] end) | $h[$i]] | join(" ")' "$2"
}
for run in none linux rtl; do
	n=$(head -1 "$tmp/$run.csv" | tr ',' '\n' | grep -vc '^config\.')
	diff=$(vs_json "$tmp/$run.csv" "$tmp/$run.json" 2>&1)
	if [ -z "$diff" ] && [ "$n" -gt 150 ] && [ "$(wc -l < "$tmp/$run.csv")" = 2 ]; then
		ok "csv_equals_json_$run"
	else
		bad "csv_equals_json_$run" "$n columns; differ: $diff $(tail -2 "$tmp/$run.err" 2> /dev/null)"
	fi
done
# the RTL's columns are there and not empty
got=$(cols "$tmp/rtl.csv" config.backend config.rtl.parallel)
if [ "$got" = "rtl on " ] && [ "$(col "$tmp/rtl.csv" rtl.pages)" -gt 19000 ] &&
	[ "$(col "$tmp/rtl.csv" rtl.parallel.cycles)" -gt 0 ]; then ok csv_rtl_figures
else bad csv_rtl_figures "got '$got', $(col "$tmp/rtl.csv" rtl.pages) pages"; fi

# one header for every run: rows of different modes go under it
if [ "$(head -1 "$tmp/none.csv")" = "$(head -1 "$tmp/linux.csv")" ] &&
	[ "$(head -1 "$tmp/none.csv")" = "$(head -1 "$tmp/rtl.csv")" ] &&
	[ "$(awk -F, '{ print NF }' "$tmp/none.csv" "$tmp/linux.csv" "$tmp/rtl.csv" | sort -u)" = \
		"$(head -1 "$tmp/none.csv" | awk -F, '{ print NF }')" ]; then ok csv_one_header
else bad csv_one_header "the header or the number of fields differs between runs"; fi

# the settings, as -s takes them: passed back, they make the same run
sets=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) h[i] = $i; next }
	{ for (i = 1; i <= NF; i++) if (h[i] ~ /^config\./ && $i != "")
		printf " -s %s=%s", substr(h[i], 8), $i }' "$tmp/rtl.csv")
# shellcheck disable=SC2086
"$sim" "$tmp/short.txt" $sets -q --json "$tmp/again.json" 2> "$tmp/err"
if [ "$(jq -c 'del(.trace)' "$tmp/again.json")" = "$(jq -c 'del(.trace)' "$tmp/rtl.json")" ]; then
	ok csv_settings_round_trip
else bad csv_settings_round_trip "$sets: $(head -c 300 "$tmp/err")"; fi

# RFC 4180: a field with a comma or a quote is quoted, its quotes doubled
cp "$tmp/none.txt" "$tmp/a,b \"c\".txt"
"$sim" "$tmp/a,b \"c\".txt" --os none -q --csv - > "$tmp/quoted.csv" 2> "$tmp/err"
case "$(sed -n 2p "$tmp/quoted.csv")" in
"\"$tmp/a,b \"\"c\"\".txt\",text,8,0,"*) ok csv_quoting ;;
*) bad csv_quoting "$(sed -n 2p "$tmp/quoted.csv" | head -c 200)" ;;
esac

# ---- written whole or not at all ----
# an unwritable directory: refused before the run, nothing left there (root
# writes into any directory of its own: then /sys, where it cannot)
mkdir "$ro"
chmod 555 "$ro"
if touch "$ro/probe" 2> /dev/null; then rm -f "$ro/probe"; ro=/sys; fi
fails_with csv_unwritable_dir 1 "mmusim: --csv $ro/out.csv: cannot create" \
	"$sim" "$tmp/none.txt" --os none -q --csv "$ro/out.csv"
if ls "$ro"/out.csv* > /dev/null 2>&1 || [ -s "$tmp/out" ]; then
	bad csv_unwritable_dir_leaves_nothing "$(ls "$ro" | head -3)"
else ok csv_unwritable_dir_leaves_nothing; fi
# a run that fails half-way (record 3 is malformed): neither file appears
printf 'mmutrace-text 1\nI 0x1000 4\nR 0x2000 eight\n' > "$tmp/bad.txt"
fails_with csv_failed_run 1 "bad.txt: line 3: R: bad size 'eight'" \
	"$sim" "$tmp/bad.txt" --os none -q --csv "$tmp/bad.csv" --json "$tmp/bad.json"
if ls "$tmp"/bad.csv* "$tmp"/bad.json* > /dev/null 2>&1; then
	bad csv_failed_run_leaves_nothing "$(ls "$tmp" | grep '^bad\.[cj]s')"
else ok csv_failed_run_leaves_nothing; fi
fails_with csv_json_both_stdout 2 "--json - and --csv -: one of them to standard output" \
	"$sim" "$tmp/none.txt" --json - --csv -
fails_with csv_json_same_file 2 "--json $tmp/x and --csv $tmp/x: two files, not one" \
	"$sim" "$tmp/none.txt" --json "$tmp/x" --csv "$tmp/x"
# --csv - is the whole standard output: no table
"$sim" "$tmp/none.txt" --os none --csv - > "$tmp/stdout.csv" 2> /dev/null
if [ "$(wc -l < "$tmp/stdout.csv")" = 2 ] && head -1 "$tmp/stdout.csv" | grep -q '^trace\.path,'; then
	ok csv_stdout_alone
else bad csv_stdout_alone "$(head -c 200 "$tmp/stdout.csv")"; fi
