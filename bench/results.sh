# Sourced by the bench scripts: one writer for bench/results/NAME.json and
# NAME.md. bench_results NAME reads a table on standard input, fields
# separated by '|', the first line the column names, and writes the
# Markdown table and the JSON
#   {"bench": NAME, "date": ..., "cpus": N, "load": L, "host": ...,
#    "rows": [{"column": value, ...}, ...]}
# A field that is a decimal number is a JSON number, anything else a string
# (escaped). Into $BENCH_OUT (default $top/bench/results, top being the
# repository, as every bench script sets it); both files appear
# whole or not at all. The machine's load average is the one at the call:
# call it right after the runs.
bench_results() {
	out=${BENCH_OUT:-${top:?the bench script sets top}/bench/results}
	mkdir -p "$out"
	awk -F'|' -v name="$1" -v date="$(date -u +%FT%TZ)" -v cpus="$(nproc)" \
		-v load="$(cut -d' ' -f1 /proc/loadavg)" -v host="$(uname -srm)" \
		-v md="$out/$1.md.tmp" -v js="$out/$1.json.tmp" '
	function str(s) {
		gsub(/\\/, "&&", s); gsub(/"/, "\\\"", s); gsub(/\t/, "\\t", s)
		gsub(/[\001-\037]/, " ", s)
		return "\"" s "\""
	}
	function val(s) {
		return s ~ /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?$/ ? s : str(s)
	}
	NR == 1 {
		ncol = NF
		for (i = 1; i <= NF; i++) col[i] = $i
		line = "|"; rule = "|"
		for (i = 1; i <= NF; i++) { line = line " " $i " |"; rule = rule "---|" }
		print line > md; print rule > md
		printf "{\"bench\": %s, \"date\": %s, \"cpus\": %d, \"load\": %s, \"host\": %s, \"rows\": [",
			str(name), str(date), cpus, val(load), str(host) > js
		next
	}
	NF == 0 { next }
	{
		if (NF != ncol) { printf "bench_results: %s: line %d has %d fields, not %d\n", name, NR, NF, ncol > "/dev/stderr"; bad = 1; exit 1 }
		line = "|"
		for (i = 1; i <= NF; i++) line = line " " $i " |"
		print line > md
		printf "%s\n  {", (rows++ ? "," : "") > js
		for (i = 1; i <= NF; i++) printf "%s%s: %s", (i > 1 ? ", " : ""), str(col[i]), val($i) > js
		printf "}" > js
	}
	END { if (!bad) print "\n]}" > js; exit bad }' || { rm -f "$out/$1.md.tmp" "$out/$1.json.tmp"; return 1; }
	mv "$out/$1.md.tmp" "$out/$1.md"
	mv "$out/$1.json.tmp" "$out/$1.json"
}
