# Shared by the shell tests (cli.sh, arm64.sh), sourced after they set $tmp:
# cmocka-style "[       OK ]" / "[  FAILED  ]" lines, and their checks.

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

# pages: "START END PERMS" (hex) lines -> "page rw" lines, one per 4 KiB page
pages() {
	while read -r a b p; do
		printf '%d %d %s\n' "$a" "$b" "$p"
	done | awk '{ for (x = $1 / 4096; x < $2 / 4096; x++) print x, substr($3, 1, 2) }' | sort
}
# same_maps NAME OUT LAYOUT: the maps of each process in OUT (mmusim --dump
# maps; "# process PID" starts each when there are several) are the pages
# of its exit layout (the capture tool's --exit-layout), LAYOUT.PID (or
# LAYOUT); prints their number
same_maps() {
	name=$1 out=$2 layout=$3
	awk -v d="$name.maps" '/^# process / { f = d "." $3; next }
		/^[0-9a-f]+-[0-9a-f]+ / { print > (f == "" ? d : f) }' "$out"
	n=0
	for m in "$name".maps*; do
		pid=${m#"$name".maps}; pid=${pid#.}
		want=$layout
		[ -e "$layout.$pid" ] && want=$layout.$pid
		sed 's/^\([0-9a-f]*\)-\([0-9a-f]*\) \(...\).*/0x\1 0x\2 \3/' "$m" | pages > "$m.ours"
		pages < "$want" > "$m.valgrind"
		[ -s "$m.valgrind" ] && cmp -s "$m.ours" "$m.valgrind" || return 1
		n=$((n + 1))
	done
	echo "$n"
}
