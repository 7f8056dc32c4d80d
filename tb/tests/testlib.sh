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
