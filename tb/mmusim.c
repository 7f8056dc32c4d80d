// SPDX-License-Identifier: MIT
/* mmusim: replay a memory trace through a modelled MMU and report TLB figures. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../traces/capture.h"
#include "../traces/trace.h"
#include "../traces/xio.h"
#include "config.h"
#include "gtkw.h"
#include "replay.h"
#include "report.h"

#define BATCH 4096
#define MAX_SETS 256

static void usage(FILE *f)
{
	fprintf(f,
		"usage: mmusim TRACE [options]\n"
		"       mmusim [options] [--save FILE] [--arch arm64] -- PROGRAM [ARGS...]\n"
		"\n"
		"Replays TRACE (native, text or Valgrind lackey; plain, .gz or .zst)\n"
		"through per-core L1 I/D TLBs and a unified L2 TLB and reports accesses,\n"
		"misses, miss rates, MPKI, walks and walk cycles. With -- it runs PROGRAM\n"
		"under Valgrind (the project's tool, built into build/vg) and replays its\n"
		"trace as it comes, through a pipe; --save FILE keeps that trace too.\n"
		"With --arch arm64, PROGRAM is an arm64 program of build/sysroot-arm64\n"
		"run by qemu-aarch64 with the project's TCG plugin.\n"
		"A run on a terminal shows its progress on standard error.\n"
		"\n"
		"options:\n"
		"  --config FILE      settings, one 'key = value' a line ('#' comments)\n"
		"  -s, --set KEY=VAL  one setting (after --config files, in order)\n"
		"  --os linux|none    Linux's memory manager underneath (default), or\n"
		"                     every VA valid and mapped to itself\n"
		"  --backend model|rtl  the C golden model, or the Verilog MMU (built once\n"
		"                     per configuration with Verilator) with the golden\n"
		"                     model in lockstep: the first difference stops the run\n"
		"  --wave FILE.fst    --backend rtl: waveforms of the cycles chosen by\n"
		"  --wave-from N      --wave-from and --wave-to (default: all), with a\n"
		"  --wave-to N        GTKWave save file FILE.gtkw grouping the signals\n"
		"  --check            check every invariant after every event and fault\n"
		"  --dump VIEW        at the end: maps (each process's, as it exited), buddyinfo,\n"
		"                     slabinfo, zoneinfo, vmstat or meminfo\n"
		"                     (repeatable; --os linux)\n"
		"  --json FILE        statistics as JSON ('-': standard output, no table)\n"
		"  --csv FILE         statistics as CSV: a header line and one row, the same\n"
		"                     columns for every run ('-': standard output, no table)\n"
		"  --save FILE        with -- PROGRAM: keep its trace in FILE as well\n"
		"  --arch arm64|x86-64  with -- PROGRAM: its ISA (default x86-64, Valgrind)\n"
		"  -q, --quiet        no table, no progress line, no timing line on standard error\n"
		"  -h, --help         this text\n"
		"  --version          mmusim's version and the trace formats it reads\n"
		"\n"
		"keys (-s KEY=VALUE, or KEY = VALUE in a --config file): KEY, its default, its\n"
		"values, and what it sets\n");
	config_print_keys(f);
}

struct options {
	const char *trace, *json, *csv, *wave, *save;
	char **prog; /* -- PROGRAM ARGS...: a live run */
	uint64_t wave_from, wave_to;
	const char *configs[16], *sets[MAX_SETS], *dumps[8];
	int nconfigs, nsets, ndumps;
	bool quiet, check;
	bool arm64; /* --arch arm64: -- PROGRAM runs under qemu-aarch64 */
};

static const char *const dump_views[] = { "maps",     "buddyinfo", "slabinfo",
					   "zoneinfo", "vmstat",    "meminfo" };

static int parse_args(int argc, char **argv, struct options *o)
{
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char *val = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(a, "--")) {
			if (i + 1 >= argc) {
				fprintf(stderr, "mmusim: no program after --\n");
				return -1;
			}
			o->prog = argv + i + 1;
			break;
		} else if (!strcmp(a, "--save")) {
			if (!val) {
				fprintf(stderr, "mmusim: %s needs a value\n", a);
				return -1;
			}
			o->save = val;
			i++;
		} else if (!strcmp(a, "--arch")) {
			if (!val || (strcmp(val, "arm64") && strcmp(val, "aarch64") &&
				     strcmp(val, "x86-64") && strcmp(val, "amd64"))) {
				fprintf(stderr, "mmusim: --arch wants arm64 or x86-64\n");
				return -1;
			}
			o->arm64 = val[0] == 'a' && val[1] != 'm';
			i++;
		} else if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			usage(stdout);
			exit(0);
		} else if (!strcmp(a, "--version")) {
			printf("mmusim %s: %s\n", MMUSIM_VERSION, TRACE_VERSIONS);
			exit(0);
		} else if (!strcmp(a, "-q") || !strcmp(a, "--quiet")) {
			o->quiet = true;
		} else if (!strcmp(a, "--check")) {
			o->check = true;
		} else if (!strcmp(a, "--wave") || !strcmp(a, "--wave-from") ||
			   !strcmp(a, "--wave-to")) {
			char *end = NULL;

			if (!val) {
				fprintf(stderr, "mmusim: %s needs a value\n", a);
				return -1;
			}
			i++;
			if (!strcmp(a, "--wave")) {
				size_t n = strlen(val);

				if (n < 5 || strcmp(val + n - 4, ".fst")) {
					fprintf(stderr, "mmusim: --wave writes FST: name the file *.fst\n");
					return -1;
				}
				o->wave = val;
				continue;
			}
			uint64_t v = strtoull(val, &end, 0);

			if (*val == '-' || !end || *end) {
				fprintf(stderr, "mmusim: %s wants a cycle number, not '%s'\n", a, val);
				return -1;
			}
			if (a[7] == 'f')
				o->wave_from = v;
			else
				o->wave_to = v;
		} else if (!strcmp(a, "--dump")) {
			bool known = false;

			for (size_t k = 0; val && k < sizeof(dump_views) / sizeof(dump_views[0]); k++)
				known |= !strcmp(val, dump_views[k]);
			if (!known || o->ndumps == 8) {
				fprintf(stderr, "mmusim: --dump wants maps, buddyinfo, slabinfo, zoneinfo, vmstat or meminfo\n");
				return -1;
			}
			o->dumps[o->ndumps++] = val;
			i++;
		} else if (!strcmp(a, "--config") || !strcmp(a, "--json") || !strcmp(a, "--csv") ||
			   !strcmp(a, "-s") || !strcmp(a, "--set") || !strcmp(a, "--os") ||
			   !strcmp(a, "--backend")) {
			if (!val) {
				fprintf(stderr, "mmusim: %s needs a value\n", a);
				return -1;
			}
			i++;
			if (!strcmp(a, "--config")) {
				if (o->nconfigs == 16) {
					fprintf(stderr, "mmusim: at most 16 --config files\n");
					return -1;
				}
				o->configs[o->nconfigs++] = val;
			} else if (!strcmp(a, "--json")) {
				o->json = val;
			} else if (!strcmp(a, "--csv")) {
				o->csv = val;
			} else {
				if (o->nsets + 1 >= MAX_SETS) {
					fprintf(stderr, "mmusim: too many settings\n");
					return -1;
				}
				/* --os X and --backend X are settings like any other */
				static char buf[MAX_SETS][64];

				if (a[1] == '-' && (a[2] == 'o' || a[2] == 'b')) {
					snprintf(buf[o->nsets], sizeof(buf[0]), "%s=%s", a + 2, val);
					o->sets[o->nsets] = buf[o->nsets];
					o->nsets++;
				} else {
					o->sets[o->nsets++] = val;
				}
			}
		} else if (a[0] == '-' && a[1]) {
			fprintf(stderr, "mmusim: unknown option '%s' (see --help)\n", a);
			return -1;
		} else if (o->trace) {
			fprintf(stderr, "mmusim: one trace at a time ('%s' and '%s')\n", o->trace, a);
			return -1;
		} else {
			o->trace = a;
		}
	}
	if (o->prog && o->trace) {
		fprintf(stderr, "mmusim: a trace or -- PROGRAM, not both ('%s')\n", o->trace);
		return -1;
	}
	if (o->arm64 && !o->prog) {
		fprintf(stderr, "mmusim: --arch needs -- PROGRAM (a trace says its own)\n");
		return -1;
	}
	if (o->save && !o->prog) {
		fprintf(stderr, "mmusim: --save needs -- PROGRAM\n");
		return -1;
	}
	if (o->json && o->csv && !strcmp(o->json, o->csv)) {
		fprintf(stderr, "mmusim: --json %s and --csv %s: %s\n", o->json, o->csv,
			strcmp(o->json, "-") ? "two files, not one" : "one of them to standard output");
		return -1;
	}
	if (!o->trace && !o->prog) {
		fprintf(stderr, "mmusim: no trace given (see --help)\n");
		return -1;
	}
	return 0;
}

static int build_config(const struct options *o, struct sim_config *cfg)
{
	char err[512];

	config_defaults(cfg);
	for (int i = 0; i < o->nconfigs; i++) {
		if (config_load(cfg, o->configs[i], err, sizeof(err))) {
			fprintf(stderr, "mmusim: %s\n", err);
			return -1;
		}
	}
	for (int i = 0; i < o->nsets; i++) {
		char key[128];
		const char *eq = strchr(o->sets[i], '=');

		if (!eq || eq == o->sets[i] || (size_t)(eq - o->sets[i]) >= sizeof(key)) {
			fprintf(stderr, "mmusim: --set wants KEY=VALUE, not '%s'\n", o->sets[i]);
			return -1;
		}
		memcpy(key, o->sets[i], (size_t)(eq - o->sets[i]));
		key[eq - o->sets[i]] = 0;
		if (config_set(cfg, key, eq + 1, err, sizeof(err))) {
			fprintf(stderr, "mmusim: --set %s: %s\n", o->sets[i], err);
			return -1;
		}
	}
	if (config_check(cfg, err, sizeof(err))) {
		fprintf(stderr, "mmusim: %s\n", err);
		return -1;
	}
	if (config_unused_keys(cfg, err, sizeof(err)))
		fprintf(stderr, "mmusim: warning: ignored, as they do not apply here: %s\n", err);
	return 0;
}

/*
 * The --json and --csv files are created (as temporary files next to them)
 * before the run, so that a path that cannot be written is refused at once,
 * not after a run of minutes; the file appears whole when the run ends, or
 * not at all.
 */
static int open_report(const char *opt, const char *path, struct xout **out)
{
	char err[512];
	struct stat st;

	*out = NULL;
	if (!path || !strcmp(path, "-"))
		return 0;
	if (!stat(path, &st) && S_ISDIR(st.st_mode)) {
		fprintf(stderr, "mmusim: %s %s: is a directory, name a file\n", opt, path);
		return -1;
	}
	*out = xout_create(path, 0, err, sizeof(err));
	if (!*out) {
		fprintf(stderr, "mmusim: %s %s\n", opt, err);
		return -1;
	}
	return 0;
}

/* Writes the statistics and commits out (which this frees in any case). */
static int write_report(const char *path, struct xout *out,
			void (*print)(FILE *, const struct sim_stats *), const struct sim_stats *st)
{
	if (!strcmp(path, "-")) {
		print(stdout, st);
		return fflush(stdout) ? -1 : 0;
	}
	char *text = NULL, err[512];
	size_t len = 0;
	FILE *mem = open_memstream(&text, &len);

	if (!mem) {
		xout_abort(out);
		return -1;
	}
	print(mem, st);
	fclose(mem);
	if (xout_write(out, text, len)) {
		xout_abort(out);
		fprintf(stderr, "mmusim: %s: write failed\n", path);
		free(text);
		return -1;
	}
	free(text);
	if (xout_commit(out, err, sizeof(err))) {
		fprintf(stderr, "mmusim: %s\n", err);
		return -1;
	}
	return 0;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* "12.3 M accesses, 45.6 M/s, 7.8 s" on a terminal, over and over */
struct progress {
	bool on;
	unsigned batches;
	double t0, next;
};

static void progress(struct progress *pg, uint64_t accesses, bool last)
{
	double t = now();

	if (!last && t < pg->next)
		return;
	pg->next = t + 0.5;
	fprintf(stderr, "\r%.1f M accesses, %.1f M/s, %.1f s%s", accesses / 1e6,
		accesses / 1e6 / (t > pg->t0 ? t - pg->t0 : 1), t - pg->t0, last ? "\n" : "   ");
	fflush(stderr);
}

static uint32_t system_pid(const void *r, uint32_t tid)
{
	return trace_system_tid(r, tid);
}

static void dump(struct replay *rp, const struct trace_reader *r, const char *view)
{
	printf("--- %s ---\n", view);
	if (!strcmp(view, "buddyinfo"))
		dump_buddyinfo(&rp->os.pa, stdout);
	else if (!strcmp(view, "slabinfo"))
		dump_slabinfo(&rp->os.sa, stdout);
	else if (!strcmp(view, "zoneinfo"))
		dump_zoneinfo(&rp->os.pa, stdout);
	else if (!strcmp(view, "vmstat"))
		dump_vmstat(&rp->os, stdout);
	else if (!strcmp(view, "meminfo"))
		dump_meminfo(&rp->os, stdout);
	else
		replay_dump_maps(rp, stdout, system_pid, r);
}

/* Before the replay ran: the live program stopped, no output file left behind. */
static void give_up(struct capture *live, struct xout *save, struct xout *json_out,
		    struct xout *csv_out)
{
	if (live) {
		char why[512];
		int status;

		if (capture_finish(live, false, &status, why, sizeof(why)))
			fprintf(stderr, "mmusim: %s\n", why);
	}
	if (save)
		xout_abort(save);
	xout_abort(json_out);
	xout_abort(csv_out);
}

int main(int argc, char **argv)
{
	struct options o = { 0 };
	struct sim_config cfg;
	char err[512];

	if (parse_args(argc, argv, &o) || build_config(&o, &cfg))
		return 2;
	cfg.wave = o.wave;
	cfg.wave_from = o.wave_from;
	cfg.wave_to = o.wave_to ? o.wave_to : UINT64_MAX;
	if (o.wave && (cfg.backend != BACKEND_RTL || cfg.wave_to < cfg.wave_from)) {
		fprintf(stderr, "mmusim: --wave needs --backend rtl and --wave-from <= --wave-to\n");
		return 2;
	}
	if (o.ndumps && cfg.os != OS_LINUX) {
		fprintf(stderr, "mmusim: --dump needs --os linux\n");
		return 2;
	}
	struct xout *json_out, *csv_out;

	if (open_report("--json", o.json, &json_out))
		return 1;
	if (open_report("--csv", o.csv, &csv_out)) {
		xout_abort(json_out);
		return 1;
	}
	struct capture live;
	struct xout *save = NULL;

	if (o.prog) {
		/* a reader that goes away is a write error, not a silent death */
		signal(SIGPIPE, SIG_IGN);
		if (o.save && !(save = xout_create(o.save, 1, err, sizeof(err)))) {
			fprintf(stderr, "mmusim: %s\n", err);
			xout_abort(json_out);
			xout_abort(csv_out);
			return 1;
		}
		if (o.arm64 ? capture_start_arm64(&live, argv[0], o.prog, NULL, NULL, err, sizeof(err))
			    : capture_start(&live, argv[0], o.prog, NULL, err, sizeof(err))) {
			fprintf(stderr, "mmusim: %s\n", err);
			if (save)
				xout_abort(save);
			xout_abort(json_out);
			xout_abort(csv_out);
			return 1;
		}
		o.trace = live.path;
	}
	struct trace_reader *r = trace_open(o.trace, err, sizeof(err));

	if (r && save && trace_tee(r, save)) {
		snprintf(err, sizeof(err), "%s: cannot write", o.save);
		trace_close(r);
		r = NULL;
	}
	if (!r) {
		fprintf(stderr, "mmusim: %s\n", err);
		give_up(o.prog ? &live : NULL, save, json_out, csv_out);
		return 1;
	}
	static struct replay rp;

	if (replay_init(&rp, &cfg, o.check)) {
		fprintf(stderr, "mmusim: %s\n", rp.err[0] ? rp.err : "out of memory");
		replay_free(&rp);
		trace_close(r);
		give_up(o.prog ? &live : NULL, save, json_out, csv_out);
		return 1;
	}
	for (int i = 0; i < o.ndumps; i++)
		rp.keep_maps |= !strcmp(o.dumps[i], "maps");
	static struct sim_stats stats;
	double t0 = now();
	size_t n;
	int rc = 0;

	struct progress pg = { .on = !o.quiet && isatty(2), .t0 = t0, .next = t0 + 0.5 };
	bool no_layout = false, lacks;
	const struct trace_rec *buf;
	/* decoding (and a live run's capture) on a core of its own */
	struct trace_ahead *ahead = trace_ahead_start(r, 8 * BATCH);

	if (!ahead) {
		fprintf(stderr, "mmusim: out of memory\n");
		replay_free(&rp);
		trace_close(r);
		give_up(o.prog ? &live : NULL, save, json_out, csv_out);
		return 1;
	}
	while ((n = trace_ahead_next(ahead, &buf, &lacks)) > 0) {
		if (cfg.os == OS_LINUX && lacks) {
			no_layout = true;
			break;
		}
		if (replay_batch(&rp, buf, n) || rp.oom_ended || rp.sea_ended)
			break;
		if (pg.on && ++pg.batches % 64 == 0)
			progress(&pg, rp.records - rp.events, false);
	}
	trace_ahead_stop(ahead);
	if (pg.on)
		progress(&pg, rp.records - rp.events, true);
	if (o.prog) {
		/* the program's end: a trace that stopped early is its error */
		char why[512];
		int status = 0;
		bool whole = !trace_error(r) && !rp.err[0];

		if (rp.err[0]) {
			fprintf(stderr, "mmusim: %s: %s\n", o.prog[0], rp.err);
			rc = 1;
		}
		if (capture_finish(&live, whole, &status, why, sizeof(why))) {
			if (!rp.err[0])
				fprintf(stderr, "mmusim: %s\n", why);
			rc = 1;
		} else if (status) {
			fprintf(stderr, "mmusim: note: %s exited with status %d\n", o.prog[0], status);
		}
	}
	if (rc) {
		/* reported above */
	} else if (no_layout) {
		fprintf(stderr,
			"mmusim: %s: this lackey log lacks Valgrind's start-up memory layout, so\n"
			"  --os linux cannot know what was mapped. Capture the program with\n"
			"  'make trace CMD=... OUT=x.mmut.zst' or 'mmutrace capture -o x.mmut.zst -- PROG'\n"
			"  (or run valgrind --tool=lackey --trace-mem=yes --trace-syscalls=yes\n"
			"  --trace-sched=yes -d --log-fd=2 PROG 2> log: with --log-file the -d table\n"
			"  goes elsewhere), or replay it with --os none\n",
			o.trace);
		rc = 1;
	} else if (rp.err[0]) {
		fprintf(stderr, "mmusim: %s: %s\n", o.trace, rp.err);
		rc = 1;
	} else if (trace_error(r)) {
		fprintf(stderr, "mmusim: %s\n", trace_error(r));
		rc = 1;
	} else if (rp.records == rp.events) {
		fprintf(stderr, "mmusim: %s: the trace holds no memory accesses\n", o.trace);
		rc = 1;
	}
	if (!rc && rp.oom_ended)
		fprintf(stderr,
			"mmusim: %s: record %llu: the OOM killer killed every traced process "
			"(%s); the replay ends there\n",
			o.trace, (unsigned long long)rp.record, rp.os.oom_message);
	if (!rc && rp.sea_ended)
		fprintf(stderr,
			"mmusim: %s: record %llu: the kernel killed every traced process (%s); the "
			"replay ends there\n",
			o.trace, (unsigned long long)rp.record, rp.sea_message);
	for (int i = 0; !rc && i < o.ndumps; i++)
		dump(&rp, r, o.dumps[i]);
	if (!rc && replay_finish(&rp, &stats)) {
		fprintf(stderr, "mmusim: %s: %s\n", o.trace, rp.err);
		rc = 1;
	}
	stats.trace = o.prog ? o.prog[0] : o.trace;
	stats.format = trace_format_names[trace_format(r)];
	stats.seconds = now() - t0;
	for (unsigned i = 0; i < rp.nwarnings; i++)
		fprintf(stderr, "mmusim: warning: %s\n", rp.warning[i]);
	if (!rc) {
		/* a file that cannot be written: none of them is */
		if (o.json && write_report(o.json, json_out, report_json, &stats))
			rc = 1;
		json_out = NULL;
		if (o.csv && !rc) {
			rc = write_report(o.csv, csv_out, report_csv, &stats) ? 1 : 0;
			csv_out = NULL;
		}
		if (!o.quiet && !(o.json && !strcmp(o.json, "-")) && !(o.csv && !strcmp(o.csv, "-")))
			report_table(stdout, &stats);
		if (!o.quiet)
			report_timing(stderr, &stats);
	}
	xout_abort(json_out); /* the run failed: no JSON, no CSV */
	xout_abort(csv_out);
	trace_close(r);
	if (save && (rc || xout_commit(save, err, sizeof(err)))) {
		if (!rc)
			fprintf(stderr, "mmusim: %s\n", err);
		else
			xout_abort(save);
		rc = 1;
	}
	bool killed = rp.oom_ended || rp.sea_ended;

	replay_free(&rp); /* closes the waveform file */
	if (!rc && o.wave && write_gtkw(o.wave, cfg.cores, cfg.wave_from)) {
		fprintf(stderr, "mmusim: cannot write the GTKWave save file next to %s\n", o.wave);
		rc = 1;
	}
	return rc ? rc : killed ? 3 : 0; /* 3: the kernel killed every process (OOM, SIGKILL) */
}
