// SPDX-License-Identifier: MIT
/*
 * mmutrace: convert, print, summarise and capture memory traces.
 *
 *   mmutrace convert IN OUT [--text] [--level N]
 *   mmutrace cat IN
 *   mmutrace info IN
 *   mmutrace capture -o OUT [--level N] -- PROGRAM [ARGS...]
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

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
	      "\n"
	      "IN is a native trace, its text form or a Valgrind lackey log, plain,\n"
	      ".gz or .zst ('-' reads standard input). OUT is written in the native\n"
	      "format (the text form with --text), zstd-compressed if it ends in .zst,\n"
	      "gzip if .gz. capture runs PROGRAM under Valgrind's lackey and streams\n"
	      "its accesses, syscalls, thread switches and start-up layout into OUT.\n"
	      "--exit-layout writes Valgrind's list of the program's mappings at exit\n"
	      "(\"START END PROT\" lines), to check a replay's final maps against.\n",
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
	printf("accesses       %llu\n", (unsigned long long)accesses);
	printf("  instructions %llu\n", (unsigned long long)in.by_type[TR_INSTR]);
	printf("  loads        %llu\n", (unsigned long long)in.by_type[TR_LOAD]);
	printf("  stores       %llu\n", (unsigned long long)in.by_type[TR_STORE]);
	printf("  modifies     %llu\n", (unsigned long long)in.by_type[TR_MODIFY]);
	printf("events\n");
	for (int t = TR_FILE; t < TR_NR_TYPES; t++)
		printf("  %-12s %llu\n", trace_type_names[t], (unsigned long long)in.by_type[t]);
	printf("threads        %u (highest id)\n", in.max_tid);
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

/* Is prog an executable file, by its path or found in PATH (as execvp would)? */
static bool find_program(const char *prog)
{
	if (strchr(prog, '/'))
		return !access(prog, X_OK);
	const char *path = getenv("PATH");

	for (const char *p = path ? path : "/usr/bin:/bin"; *p;) {
		size_t n = strcspn(p, ":");
		char full[4200];
		struct stat st;

		snprintf(full, sizeof(full), "%.*s/%.4000s", (int)(n ? n : 1), n ? p : ".", prog);
		if (!stat(full, &st) && S_ISREG(st.st_mode) && !access(full, X_OK))
			return true;
		p += n + (p[n] == ':');
	}
	return false;
}

static int cmd_capture(int argc, char **argv)
{
	const char *out = NULL, *exit_layout = NULL;
	int level = 0, i;

	for (i = 0; i < argc && strcmp(argv[i], "--"); i++) {
		if (!strcmp(argv[i], "-o") && i + 1 < argc) {
			out = argv[++i];
		} else if (!strcmp(argv[i], "--exit-layout") && i + 1 < argc) {
			exit_layout = argv[++i];
		} else if (!strcmp(argv[i], "--level") && i + 1 < argc) {
			if (parse_level(argv[++i], &level))
				return 2;
		} else {
			fprintf(stderr, "mmutrace: capture: unknown option '%s'\n", argv[i]);
			return 2;
		}
	}
	if (!out || i + 1 >= argc) {
		usage(stderr);
		return 2;
	}
	char **prog = argv + i + 1;
	int nprog = argc - i - 1;
	int pfd[2];

	/* say what is missing here, not as a puzzling empty trace later */
	if (!find_program("valgrind")) {
		fprintf(stderr, "mmutrace: capture: valgrind is not installed (make deps installs it)\n");
		return 1;
	}
	if (!find_program(prog[0])) {
		fprintf(stderr, "mmutrace: capture: %s: no such program, or not executable%s\n",
			prog[0], strchr(prog[0], '/') ? "" : " (searched PATH)");
		return 1;
	}
	if (pipe(pfd)) {
		perror("mmutrace: pipe");
		return 1;
	}
	pid_t pid = fork();

	if (pid < 0) {
		perror("mmutrace: fork");
		return 1;
	}
	if (pid == 0) {
		/*
		 * One stream for everything: -d writes to fd 2, so the log goes
		 * there too, and Valgrind's start-up layout precedes the accesses.
		 */
		char **av = calloc((size_t)nprog + 9, sizeof(*av));
		int k = 0;

		if (!av)
			_exit(127);
		av[k++] = "valgrind";
		av[k++] = "--tool=lackey";
		av[k++] = "--trace-mem=yes";
		av[k++] = "--trace-syscalls=yes";
		av[k++] = "--trace-sched=yes";
		av[k++] = "-d";
		av[k++] = "--log-fd=2";
		for (int j = 0; j < nprog; j++)
			av[k++] = prog[j];
		dup2(pfd[1], 2);
		close(pfd[0]);
		close(pfd[1]);
		execvp(av[0], av);
		fprintf(stdout, "mmutrace: cannot run valgrind: %s\n", strerror(errno));
		_exit(127);
	}
	close(pfd[1]);
	char path[64];

	snprintf(path, sizeof(path), "/dev/fd/%d", pfd[0]);
	int rc = copy_trace(path, out, TRACE_NATIVE, level, exit_layout);
	int status;

	close(pfd[0]);
	if (rc)
		kill(pid, SIGTERM);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (!rc && WIFEXITED(status) && WEXITSTATUS(status))
		fprintf(stderr, "mmutrace: note: %s exited with status %d\n", prog[0],
			WEXITSTATUS(status));
	return rc;
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
		return cmd_capture(argc - 2, argv + 2);
	fprintf(stderr, "mmutrace: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return 2;
}
