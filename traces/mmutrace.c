// SPDX-License-Identifier: MIT
/*
 * mmutrace: convert, print, summarise and capture memory traces.
 *
 *   mmutrace convert IN OUT [--text] [--level N]
 *   mmutrace cat IN
 *   mmutrace info IN
 *   mmutrace capture -o OUT [--level N] -- PROGRAM [ARGS...]
 *   mmutrace capture --arch arm64 -o OUT [--sysroot DIR] -- PROGRAM [ARGS...]
 */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <limits.h>

#include "capture.h"
#include "pageset.h"
#include "trace.h"
#include "xio.h"

#define BATCH 4096

static void usage(FILE *f)
{
	fputs("usage: mmutrace convert IN OUT [--text] [--level N] [--exit-layout FILE]\n"
	      "       mmutrace cat IN\n"
	      "       mmutrace info IN\n"
	      "       mmutrace --version\n"
	      "       mmutrace capture -o OUT [--level N] [--exit-layout FILE] -- PROGRAM [ARGS...]\n"
	      "       mmutrace capture --arch arm64 -o OUT [--level N] [--exit-layout FILE] [--sysroot DIR]\n"
	      "                -- PROGRAM [ARGS...]\n"
	      "\n"
	      "IN is a native trace, its text form or a Valgrind lackey log, plain,\n"
	      ".gz or .zst ('-' reads standard input). OUT is written in the native\n"
	      "format (the text form with --text), zstd-compressed if it ends in .zst,\n"
	      "gzip if .gz. capture runs PROGRAM, and every process it starts, under\n"
	      "the project's Valgrind tool (build/vg) and streams their accesses,\n"
	      "syscalls, thread switches and start-up layouts into OUT.\n"
	      "--exit-layout writes the capture tool's list of each process's mappings\n"
	      "at its exit (\"START END PROT\" lines): FILE for PROGRAM, FILE.PID for\n"
	      "the processes it started, to check a replay's final maps against.\n"
	      "--arch arm64 runs an arm64 PROGRAM of the sysroot (build/sysroot-arm64,\n"
	      "make sysroot-arm64; a name without '/' is looked up in its bin directories)\n"
	      "under qemu-aarch64 with the project's TCG plugin instead.\n",
	      f);
}

/*
 * Valgrind's view of the client's segments at exit, when asked for, into o
 * (created before the conversion, so that a bad path is refused at once).
 * Commits or aborts o.
 */
static int write_exit_layout(const struct trace_reader *r, const char *in, struct xout *o,
			     const char *path)
{
	const char *text = trace_lackey_exit_layout(r);
	char err[512];

	if (!o)
		return 0;
	if (!text) {
		xout_abort(o);
		fprintf(stderr, "mmutrace: %s: no layout at exit (trace with valgrind -d)\n", in);
		return -1;
	}
	if (xout_write(o, text, strlen(text))) {
		xout_abort(o);
		fprintf(stderr, "mmutrace: %s: write failed\n", path);
		return -1;
	}
	/* xout_commit frees o, whether it succeeds or not */
	if (xout_commit(o, err, sizeof(err))) {
		fprintf(stderr, "mmutrace: %s\n", err);
		return -1;
	}
	return 0;
}

static int copy_trace(const char *in, const char *out, enum trace_format fmt, int level,
		      const char *exit_layout)
{
	char err[512];
	struct trace_reader *r = trace_open(in, err, sizeof(err));

	if (!r) {
		fprintf(stderr, "mmutrace: %s\n", err);
		return 1;
	}
	struct trace_writer *w = trace_create(out, fmt, level, err, sizeof(err));

	if (!w) {
		fprintf(stderr, "mmutrace: %s\n", err);
		trace_close(r);
		return 1;
	}
	struct xout *layout = NULL;

	if (exit_layout && !(layout = xout_create(exit_layout, 0, err, sizeof(err)))) {
		fprintf(stderr, "mmutrace: --exit-layout %s\n", err);
		trace_abort(w);
		trace_close(r);
		return 1;
	}
	static struct trace_rec buf[BATCH];
	size_t n;
	uint64_t total = 0, accesses = 0;

	while ((n = trace_read(r, buf, BATCH)) > 0) {
		for (size_t i = 0; i < n; i++)
			accesses += TR_IS_ACCESS(buf[i].type);
		total += n;
		if (trace_write(w, buf, n)) {
			fprintf(stderr, "mmutrace: %s: write failed (record %llu)\n", out,
				(unsigned long long)total);
			xout_abort(layout);
			trace_abort(w);
			trace_close(r);
			return 1;
		}
	}
	if (trace_error(r)) {
		fprintf(stderr, "mmutrace: %s\n", trace_error(r));
		xout_abort(layout);
		trace_abort(w);
		trace_close(r);
		return 1;
	}
	const struct lackey_stats *ls = trace_lackey_stats(r);

	if (ls && !accesses) {
		fprintf(stderr,
			"mmutrace: %s: no lackey records in %llu lines: not a lackey log "
			"(run valgrind --tool=lackey --trace-mem=yes)\n",
			in, (unsigned long long)ls->lines);
		xout_abort(layout);
		trace_abort(w);
		trace_close(r);
		return 1;
	}
	if (write_exit_layout(r, in, layout, exit_layout)) {
		trace_abort(w);
		trace_close(r);
		return 1;
	}
	trace_close(r);
	if (trace_commit(w, err, sizeof(err))) {
		fprintf(stderr, "mmutrace: %s\n", err);
		return 1;
	}
	if (strcmp(out, "-"))
		fprintf(stderr, "mmutrace: %s: %llu records, %llu accesses\n", out,
			(unsigned long long)total, (unsigned long long)accesses);
	return 0;
}

static int parse_level(const char *s, int *level)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (*end || v < 1 || v > 22) {
		fprintf(stderr, "mmutrace: --level wants 1..22, not '%s'\n", s);
		return -1;
	}
	*level = (int)v;
	return 0;
}

static int cmd_convert(int argc, char **argv)
{
	const char *files[2], *exit_layout = NULL;
	int nfiles = 0, level = 0;
	enum trace_format fmt = TRACE_NATIVE;

	for (int i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "--text")) {
			fmt = TRACE_TEXT;
		} else if (!strcmp(argv[i], "--exit-layout") && i + 1 < argc) {
			exit_layout = argv[++i];
		} else if (!strcmp(argv[i], "--level") && i + 1 < argc) {
			if (parse_level(argv[++i], &level))
				return 2;
		} else if (argv[i][0] == '-' && argv[i][1]) {
			fprintf(stderr, "mmutrace: convert: unknown option '%s'\n", argv[i]);
			return 2;
		} else if (nfiles < 2) {
			files[nfiles++] = argv[i];
		} else {
			nfiles = 3;
		}
	}
	if (nfiles != 2) {
		usage(stderr);
		return 2;
	}
	return copy_trace(files[0], files[1], fmt, level, exit_layout);
}

struct info {
	uint64_t by_type[TR_NR_TYPES];
	uint64_t crossing; /* accesses whose bytes span two pages */
	uint32_t max_tid;
	uint64_t forks; /* clones of processes */
	struct pageset pages, ipages, dpages, huge;
};

static int cmd_info(int argc, char **argv)
{
	if (argc != 1) {
		usage(stderr);
		return 2;
	}
	char err[512];
	struct trace_reader *r = trace_open(argv[0], err, sizeof(err));

	if (!r) {
		fprintf(stderr, "mmutrace: %s\n", err);
		return 1;
	}
	static struct trace_rec buf[BATCH];
	struct info in = { 0 };
	size_t n;
	int rc = 0;

	while ((n = trace_read(r, buf, BATCH)) > 0) {
		for (size_t i = 0; i < n; i++) {
			const struct trace_rec *t = &buf[i];

			in.by_type[t->type]++;
			if (t->tid > in.max_tid)
				in.max_tid = t->tid;
			in.forks += t->type == TR_CLONE && !(t->clone.flags & TR_CLONE_VM);
			if (!TR_IS_ACCESS(t->type))
				continue;
			uint64_t first = t->addr >> 12, last = (t->addr + t->size - 1) >> 12;

			in.crossing += first != last;

			for (uint64_t p = first; p <= last; p++) {
				if (pageset_add(&in.pages, p) < 0 ||
				    pageset_add(t->type == TR_INSTR ? &in.ipages : &in.dpages, p) < 0 ||
				    pageset_add(&in.huge, p >> 9) < 0) {
					fprintf(stderr, "mmutrace: out of memory\n");
					rc = 1;
					goto out;
				}
			}
		}
	}
	if (trace_error(r)) {
		fprintf(stderr, "mmutrace: %s\n", trace_error(r));
		rc = 1;
		goto out;
	}
	uint64_t data = in.by_type[TR_LOAD] + in.by_type[TR_STORE] + in.by_type[TR_MODIFY];
	uint64_t accesses = data + in.by_type[TR_INSTR];
	struct stat st;

	printf("trace          %s (%s)\n", argv[0], trace_format_names[trace_format(r)]);
	printf("isa            %s\n", trace_is_arm64(r) ? "arm64" : "x86-64 (or not said)");
	printf("accesses       %llu\n", (unsigned long long)accesses);
	printf("  instructions %llu\n", (unsigned long long)in.by_type[TR_INSTR]);
	printf("  loads        %llu\n", (unsigned long long)in.by_type[TR_LOAD]);
	printf("  stores       %llu\n", (unsigned long long)in.by_type[TR_STORE]);
	printf("  modifies     %llu\n", (unsigned long long)in.by_type[TR_MODIFY]);
	printf("events\n");
	for (int t = TR_FILE; t < TR_NR_TYPES; t++)
		printf("  %-12s %llu\n", trace_type_names[t], (unsigned long long)in.by_type[t]);
	printf("threads        %u (highest id)\n", in.max_tid);
	printf("processes      %llu (the first and its forks)\n", (unsigned long long)in.forks + 1);
	printf("page-crossing accesses %llu\n", (unsigned long long)in.crossing);
	printf("pages touched  %zu (4 KiB): %zu instruction, %zu data\n", in.pages.count,
	       in.ipages.count, in.dpages.count);
	printf("footprint      %.1f KiB; %zu 2 MiB regions\n", in.pages.count * 4.0,
	       in.huge.count);
	if (strcmp(argv[0], "-") && !stat(argv[0], &st) && accesses)
		printf("size           %lld bytes, %.3f bytes per access\n",
		       (long long)st.st_size, (double)st.st_size / (double)accesses);
out:
	pageset_free(&in.pages);
	pageset_free(&in.ipages);
	pageset_free(&in.dpages);
	pageset_free(&in.huge);
	trace_close(r);
	return rc;
}

/*
 * The tool writes each process's segments at exit into dir/PID; they go to
 * FILE (the first process) and FILE.PID (the others). Returns 0 or -1 with
 * a message; the directory goes either way.
 */
static int place_layouts(const char *dir, const char *file, pid_t first, bool keep)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int rc = 0;

	while (d && (e = readdir(d))) {
		char from[PATH_MAX], to[PATH_MAX];
		long pid = strtol(e->d_name, NULL, 10);

		if (e->d_name[0] == '.')
			continue;
		snprintf(from, sizeof(from), "%s/%s", dir, e->d_name);
		if (pid == first)
			snprintf(to, sizeof(to), "%s", file);
		else
			snprintf(to, sizeof(to), "%s.%ld", file, pid);
		if (keep && !rc && rename(from, to)) {
			fprintf(stderr, "mmutrace: %s: %s\n", to, strerror(errno));
			rc = -1;
		}
		unlink(from);
	}
	if (d)
		closedir(d);
	rmdir(dir);
	return rc;
}

static int cmd_capture(int argc, char **argv, const char *exe)
{
	const char *out = NULL, *exit_layout = NULL, *sysroot = NULL;
	int level = 1, i;
	bool arm64 = false;

	for (i = 0; i < argc && strcmp(argv[i], "--"); i++) {
		if (!strcmp(argv[i], "-o") && i + 1 < argc) {
			out = argv[++i];
		} else if (!strcmp(argv[i], "--exit-layout") && i + 1 < argc) {
			exit_layout = argv[++i];
		} else if (!strcmp(argv[i], "--level") && i + 1 < argc) {
			if (parse_level(argv[++i], &level))
				return 2;
		} else if (!strcmp(argv[i], "--arch") && i + 1 < argc) {
			i++;
			if (!strcmp(argv[i], "arm64") || !strcmp(argv[i], "aarch64")) {
				arm64 = true;
			} else if (strcmp(argv[i], "x86-64") && strcmp(argv[i], "amd64")) {
				fprintf(stderr, "mmutrace: capture: --arch %s: give arm64 or x86-64\n",
					argv[i]);
				return 2;
			}
		} else if (!strcmp(argv[i], "--sysroot") && i + 1 < argc) {
			sysroot = argv[++i];
		} else {
			fprintf(stderr, "mmutrace: capture: unknown option '%s'\n", argv[i]);
			return 2;
		}
	}
	if (!out || i + 1 >= argc) {
		usage(stderr);
		return 2;
	}
	if (sysroot && !arm64) {
		fprintf(stderr, "mmutrace: capture: --sysroot goes with --arch arm64\n");
		return 2;
	}
	char err[512], layout_dir[PATH_MAX] = "", layouts[PATH_MAX + 8] = "";
	struct capture c;

	/* a reader that goes away is a write error here, not a silent death */
	signal(SIGPIPE, SIG_IGN);
	if (exit_layout) {
		snprintf(layout_dir, sizeof(layout_dir), "%s.tmp.%d", exit_layout, (int)getpid());
		if (mkdir(layout_dir, 0755)) {
			fprintf(stderr, "mmutrace: --exit-layout %s: %s\n", layout_dir, strerror(errno));
			return 1;
		}
		/* absolute: a process may change directory before it exits */
		char abs[PATH_MAX];

		snprintf(layouts, sizeof(layouts), "%s/%%p",
			 realpath(layout_dir, abs) ? abs : layout_dir);
	}
	if (arm64 ? capture_start_arm64(&c, exe, argv + i + 1, sysroot, exit_layout ? layouts : NULL,
					err, sizeof(err))
		  : capture_start(&c, exe, argv + i + 1, exit_layout ? layouts : NULL, err,
				  sizeof(err))) {
		fprintf(stderr, "mmutrace: %s\n", err);
		if (exit_layout)
			place_layouts(layout_dir, exit_layout, 0, false);
		return 1;
	}
	pid_t first = c.pid; /* valgrind runs as the program's process */
	/*
	 * The stream passes through to OUT as it comes, and is decoded on the
	 * way: whole means every process's stream ended with its end record
	 * and valgrind ended normally.
	 */
	struct xout *o = xout_create(out, level, err, sizeof(err));
	struct trace_reader *r = o ? trace_open(c.path, err, sizeof(err)) : NULL;
	static struct trace_rec recs[BATCH];
	uint64_t total = 0;
	size_t n;
	bool ok = r != NULL;

	if (r && trace_tee(r, o)) {
		snprintf(err, sizeof(err), "%s: write failed: %s", out, strerror(errno));
		ok = false;
	}
	while (ok && (n = trace_read(r, recs, BATCH)) > 0)
		total += n;
	if (ok && trace_error(r)) {
		snprintf(err, sizeof(err), "%s", trace_error(r));
		ok = false;
	}
	uint64_t bytes = r ? trace_bytes(r) : 0;
	char why[512];
	int status = 0;

	if (!ok)
		fprintf(stderr, "mmutrace: %s\n", err);
	trace_close(r);
	if (capture_finish(&c, ok, &status, why, sizeof(why))) {
		fprintf(stderr, "mmutrace: %s\n", why);
		ok = false;
	}
	if (ok && xout_commit(o, err, sizeof(err))) {
		fprintf(stderr, "mmutrace: %s\n", err);
		ok = false;
	} else if (!ok && o) {
		xout_abort(o);
	}
	if (exit_layout && place_layouts(layout_dir, exit_layout, first, ok))
		ok = false;
	if (!ok)
		return 1; /* xout_abort left nothing half-written behind */
	if (strcmp(out, "-"))
		fprintf(stderr, "mmutrace: %s: %llu records, %.2f bytes each before compression\n",
			out, (unsigned long long)total, total ? (double)bytes / (double)total : 0.0);
	if (status)
		fprintf(stderr, "mmutrace: note: %s exited with status %d\n", argv[i + 1], status);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 2 && !strcmp(argv[1], "--version")) {
		printf("mmutrace %s: %s\n", MMUSIM_VERSION, TRACE_VERSIONS);
		return 0;
	}
	if (argc < 2 || !strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	if (!strcmp(argv[1], "convert"))
		return cmd_convert(argc - 2, argv + 2);
	if (!strcmp(argv[1], "cat")) {
		if (argc != 3) {
			usage(stderr);
			return 2;
		}
		return copy_trace(argv[2], "-", TRACE_TEXT, 0, NULL);
	}
	if (!strcmp(argv[1], "info"))
		return cmd_info(argc - 2, argv + 2);
	if (!strcmp(argv[1], "capture"))
		return cmd_capture(argc - 2, argv + 2, argv[0]);
	fprintf(stderr, "mmutrace: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return 2;
}
