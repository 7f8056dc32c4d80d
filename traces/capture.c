// SPDX-License-Identifier: MIT
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "capture.h"
#include "trace_impl.h"

#define TOOL "mmut"

static bool is_file(const char *path, int mode)
{
	struct stat st;

	return !stat(path, &st) && S_ISREG(st.st_mode) && !access(path, mode);
}

/*
 * build/vg next to the running tool (build/ or build/asan/), lib/mmusim/vg
 * of an installation (PREFIX/bin/..), or $MMUSIM_VGLIB.
 */
static int find_vglib(const char *exe, char *dir, size_t n)
{
	const char *env = getenv("MMUSIM_VGLIB");
	char self[PATH_MAX], tool[PATH_MAX + 32];
	ssize_t len = readlink("/proc/self/exe", self, sizeof(self) - 1);

	if (env && *env) {
		snprintf(dir, n, "%s", env);
		snprintf(tool, sizeof(tool), "%s/" TOOL "-amd64-linux", dir);
		return is_file(tool, X_OK) ? 0 : -1;
	}
	if (len <= 0) {
		snprintf(self, sizeof(self), "%s", exe);
		len = (ssize_t)strlen(self);
	}
	self[len] = 0;
	char *slash = strrchr(self, '/');

	if (slash)
		*slash = 0;
	else
		snprintf(self, sizeof(self), ".");
	static const char *const rel[] = { "/vg", "/../vg", "/../lib/mmusim/vg" };

	for (int i = 0; i < 3; i++) {
		char real[PATH_MAX];

		snprintf(tool, sizeof(tool), "%s%s/" TOOL "-amd64-linux", self, rel[i]);
		/* one spelling of the directory: the program sees it in VALGRIND_LIB */
		if (is_file(tool, X_OK) && realpath(tool, real)) {
			*strrchr(real, '/') = 0;
			snprintf(dir, n, "%s", real);
			return 0;
		}
	}
	return -1;
}

/* The program as execvp would find it. */
static bool program_exists(const char *prog)
{
	char path[PATH_MAX];
	const char *p = getenv("PATH");

	if (strchr(prog, '/'))
		return is_file(prog, X_OK);
	if (!p)
		p = "/usr/bin:/bin";
	while (*p) {
		size_t n = strcspn(p, ":");

		snprintf(path, sizeof(path), "%.*s/%s", (int)n ? (int)n : 1, n ? p : ".", prog);
		if (is_file(path, X_OK))
			return true;
		p += n + (p[n] == ':');
	}
	return false;
}

/* "valgrind-3.19.0" -> "3.19"; -1 if valgrind cannot be run. */
static int valgrind_version(char *out, size_t n)
{
	int pfd[2];

	if (pipe(pfd))
		return -1;
	pid_t pid = fork();

	if (pid < 0) {
		close(pfd[0]);
		close(pfd[1]);
		return -1;
	}
	if (pid == 0) {
		dup2(pfd[1], 1);
		close(pfd[0]);
		close(pfd[1]);
		execlp("valgrind", "valgrind", "--version", (char *)NULL);
		_exit(127);
	}
	close(pfd[1]);
	char buf[128] = "";
	ssize_t got, len = 0;

	while (len < (ssize_t)sizeof(buf) - 1 &&
	       (got = read(pfd[0], buf + len, sizeof(buf) - 1 - (size_t)len)) > 0)
		len += got;
	buf[len] = 0;
	close(pfd[0]);
	int status;

	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	unsigned major, minor;

	if (!WIFEXITED(status) || WEXITSTATUS(status) ||
	    sscanf(buf, "valgrind-%u.%u", &major, &minor) != 2)
		return -1;
	snprintf(out, n, "%u.%u", major, minor);
	return 0;
}

/*
 * The pipe the trace comes down, deep (the writers send blocks of up to
 * 4 KiB each, many at once), with the trace's header already in it: every
 * process of the traced tree writes only blocks.
 */
static int open_trace_pipe(int pfd[2], unsigned flags, char *err, size_t errlen)
{
	uint8_t header[NATIVE_HEADER];

	if (pipe(pfd)) {
		snprintf(err, errlen, "pipe: %s", strerror(errno));
		return -1;
	}
	fcntl(pfd[1], F_SETPIPE_SZ, 1 << 20);
	native_header(header, flags);
	if (write(pfd[1], header, sizeof(header)) != (ssize_t)sizeof(header)) {
		snprintf(err, errlen, "writing into the pipe: %s", strerror(errno));
		close(pfd[0]);
		close(pfd[1]);
		return -1;
	}
	return 0;
}

/*
 * Runs av (with VALGRIND_LIB=vglib unless NULL), the write end of the pipe
 * left to it; the read end becomes the capture's. Closes both on failure.
 */
static int spawn_writer(struct capture *c, char **av, int pfd[2], const char *vglib, char *err,
			size_t errlen)
{
	fflush(NULL);
	c->pid = fork();
	if (c->pid < 0) {
		snprintf(err, errlen, "fork: %s", strerror(errno));
		close(pfd[0]);
		close(pfd[1]);
		return -1;
	}
	if (c->pid == 0) {
		close(pfd[0]);
		if (vglib)
			setenv("VALGRIND_LIB", vglib, 1);
		signal(SIGPIPE, SIG_DFL);
		execvp(av[0], av);
		fprintf(stderr, "cannot run %s: %s\n", av[0], strerror(errno));
		_exit(127);
	}
	close(pfd[1]);
	fcntl(pfd[0], F_SETFD, FD_CLOEXEC);
	c->fd = pfd[0];
	snprintf(c->path, sizeof(c->path), "/dev/fd/%d", c->fd);
	return 0;
}

int capture_start(struct capture *c, const char *exe, char **prog, const char *exit_layout,
		  char *err, size_t errlen)
{
	char vglib[PATH_MAX], want[32] = "", have[32], path[PATH_MAX + 16];

	memset(c, 0, sizeof(*c));
	c->fd = -1;
	c->prog = prog[0];
	c->runner = "valgrind";
	if (find_vglib(exe, vglib, sizeof(vglib))) {
		snprintf(err, errlen,
			 "the Valgrind tool " TOOL " is not built next to %s (make build), "
			 "or $MMUSIM_VGLIB does not hold it",
			 exe);
		return -1;
	}
	if (valgrind_version(have, sizeof(have))) {
		snprintf(err, errlen, "valgrind is not installed or does not run (make deps)");
		return -1;
	}
	snprintf(path, sizeof(path), "%s/version", vglib);
	FILE *f = fopen(path, "r");

	if (!f || !fgets(want, sizeof(want), f))
		want[0] = 0;
	if (f)
		fclose(f);
	want[strcspn(want, "\n")] = 0;
	if (strcmp(want, have)) {
		snprintf(err, errlen,
			 "valgrind %s is installed, but the tool in %s was built for %s: "
			 "rebuild it (make clean build)",
			 have, vglib, want[0] ? want : "an unknown version");
		return -1;
	}
	if (!program_exists(prog[0])) {
		snprintf(err, errlen, "%s: no such program (or not executable)", prog[0]);
		return -1;
	}
	int pfd[2];

	if (open_trace_pipe(pfd, NATIVE_FLAG_PROCS, err, errlen))
		return -1;
	int nprog = 0;

	while (prog[nprog])
		nprog++;
	char **av = calloc((size_t)nprog + 8, sizeof(*av));
	char fdarg[32], *layoutarg = NULL;

	if (!av) {
		close(pfd[0]);
		close(pfd[1]);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	snprintf(fdarg, sizeof(fdarg), "--out-fd=%d", pfd[1]);
	int k = 0;

	av[k++] = "valgrind";
	av[k++] = "-q";
	av[k++] = "--tool=" TOOL;
	av[k++] = "--trace-children=yes";
	av[k++] = fdarg;
	if (exit_layout && asprintf(&layoutarg, "--exit-layout=%s", exit_layout) > 0)
		av[k++] = layoutarg;
	for (int j = 0; j < nprog; j++)
		av[k++] = prog[j];
	int rc = spawn_writer(c, av, pfd, vglib, err, errlen);

	free(av);
	free(layoutarg);
	return rc;
}

/* The directory of the running tool (build/ or build/asan/). */
static void self_dir(const char *exe, char *dir, size_t n)
{
	ssize_t len = readlink("/proc/self/exe", dir, n - 1);

	if (len <= 0) {
		snprintf(dir, n, "%s", exe);
		len = (ssize_t)strlen(dir);
	}
	dir[len] = 0;
	char *slash = strrchr(dir, '/');

	if (slash)
		*slash = 0;
	else
		snprintf(dir, n, ".");
}

/* $env, else rel (a file or directory) in the tool's directory or the one above it. */
static int find_near(const char *exe, const char *env, const char *rel, bool is_dir, char *out,
		     size_t n)
{
	const char *e = getenv(env);
	char self[PATH_MAX], path[PATH_MAX + 64];
	struct stat st;

	if (e && *e) {
		snprintf(out, n, "%s", e);
		return !stat(out, &st) && (is_dir ? S_ISDIR(st.st_mode) : S_ISREG(st.st_mode)) ? 0
											 : -1;
	}
	self_dir(exe, self, sizeof(self));
	for (int up = 0; up < 2; up++) {
		snprintf(path, sizeof(path), "%s%s/%s", self, up ? "/.." : "", rel);
		if (!stat(path, &st) && (is_dir ? S_ISDIR(st.st_mode) : S_ISREG(st.st_mode)) &&
		    realpath(path, out))
			return 0;
	}
	snprintf(out, n, "%s/%s", self, rel);
	return -1;
}

/* 0 if path is an arm64 ELF program; else -1 with the reason in err. */
static int check_arm64_elf(const char *path, char *err, size_t errlen)
{
	unsigned char h[20];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t got = fd >= 0 ? read(fd, h, sizeof(h)) : -1;

	if (fd >= 0)
		close(fd);
	if (got < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (got < (ssize_t)sizeof(h) || memcmp(h, "\177ELF", 4)) {
		snprintf(err, errlen, "%s: not an ELF program (scripts are not run: name their "
			 "interpreter)", path);
		return -1;
	}
	unsigned machine = h[5] == 2 ? (unsigned)h[18] << 8 | h[19] : (unsigned)h[19] << 8 | h[18];

	if (h[4] != 2 || h[5] != 1 || machine != 183) {
		snprintf(err, errlen, "%s: an ELF program for %s, not arm64 (AArch64)", path,
			 machine == 62 ? "x86-64" : machine == 3 ? "i386" : machine == 40 ? "32-bit Arm"
			 : "another machine");
		return -1;
	}
	return 0;
}

/* Copies path into out; -1 if it does not fit. */
static int copy_path(char *out, size_t n, const char *path)
{
	size_t len = strlen(path);

	if (len >= n)
		return -1;
	memcpy(out, path, len + 1);
	return 0;
}

/* prog in the sysroot: as given if it holds a '/', else in its bin directories. */
static int resolve_arm64(const char *sysroot, const char *prog, char *out, size_t n)
{
	static const char *const bins[] = { "/usr/bin/", "/bin/", "/usr/sbin/", "/sbin/",
					    "/usr/local/bin/" };
	char path[PATH_MAX * 2];

	if (strchr(prog, '/')) {
		/* /usr/bin/sort means the sysroot's, unless that path exists as such */
		if (prog[0] == '/' && strncmp(prog, sysroot, strlen(sysroot))) {
			snprintf(path, sizeof(path), "%s%s", sysroot, prog);
			if (is_file(path, X_OK))
				return copy_path(out, n, path);
		}
		snprintf(out, n, "%s", prog);
		return is_file(prog, X_OK) ? 0 : -1;
	}
	for (size_t i = 0; i < sizeof(bins) / sizeof(bins[0]); i++) {
		snprintf(path, sizeof(path), "%s%s%s", sysroot, bins[i], prog);
		if (is_file(path, X_OK))
			return copy_path(out, n, path);
	}
	return -1;
}

int capture_start_arm64(struct capture *c, const char *exe, char **prog, const char *sysroot,
			const char *exit_layout, char *err, size_t errlen)
{
	char root[PATH_MAX], plugin[PATH_MAX], path[PATH_MAX];
	const char *qemu = getenv("MMUSIM_QEMU");

	memset(c, 0, sizeof(*c));
	c->fd = -1;
	c->prog = prog[0];
	if (!qemu || !*qemu)
		qemu = "qemu-aarch64";
	c->runner = qemu;
	if (!program_exists(qemu)) {
		snprintf(err, errlen, "%s is not installed: arm64 programs run under Debian's "
			 "qemu-user (make deps)", qemu);
		return -1;
	}
	if (find_near(exe, "MMUSIM_QEMU_PLUGIN", "qemu/libmmut.so", false, plugin,
		      sizeof(plugin))) {
		snprintf(err, errlen, "the TCG plugin %s is not built (make build)", plugin);
		return -1;
	}
	if (sysroot) {
		if (!realpath(sysroot, root)) {
			snprintf(err, errlen, "arm64 sysroot %s: %s", sysroot, strerror(errno));
			return -1;
		}
	} else if (find_near(exe, "MMUSIM_SYSROOT_ARM64", "sysroot-arm64", true, root,
			     sizeof(root))) {
		snprintf(err, errlen, "no arm64 sysroot at %s (make sysroot-arm64)", root);
		return -1;
	}
	if (resolve_arm64(root, prog[0], path, sizeof(path))) {
		snprintf(err, errlen,
			 "%s: no such program in the arm64 sysroot %s (its packages: "
			 "traces/arm64/packages.txt, then make sysroot-arm64)",
			 prog[0], root);
		return -1;
	}
	if (check_arm64_elf(path, err, errlen))
		return -1;
	/* qemu's -plugin splits its arguments at commas */
	if (strchr(root, ',') || strchr(plugin, ',') || (exit_layout && strchr(exit_layout, ','))) {
		snprintf(err, errlen, "qemu-aarch64 -plugin takes no path with a comma: %s",
			 strchr(root, ',') ? root : strchr(plugin, ',') ? plugin : exit_layout);
		return -1;
	}
	int pfd[2];

	if (open_trace_pipe(pfd, NATIVE_FLAG_PROCS | NATIVE_FLAG_ARM64, err, errlen))
		return -1;
	int nprog = 0;

	while (prog[nprog])
		nprog++;
	char **av = calloc((size_t)nprog + 8, sizeof(*av));
	char *plugarg = NULL;

	if (!av || asprintf(&plugarg, "%s,fd=%d,sysroot=%s%s%s", plugin, pfd[1], root,
			    exit_layout ? ",layout=" : "", exit_layout ? exit_layout : "") < 0) {
		free(av);
		close(pfd[0]);
		close(pfd[1]);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	int k = 0;

	av[k++] = (char *)qemu;
	av[k++] = "-L";
	av[k++] = root;
	av[k++] = "-plugin";
	av[k++] = plugarg;
	av[k++] = path;
	for (int j = 1; j < nprog; j++)
		av[k++] = prog[j];
	int rc = spawn_writer(c, av, pfd, NULL, err, errlen);

	free(av);
	free(plugarg);
	return rc;
}

int capture_finish(struct capture *c, bool stream_ok, int *status, char *err, size_t errlen)
{
	int st = 0;

	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	if (c->pid <= 0)
		return -1;
	/* a broken stream: valgrind has likely ended already; else stop it */
	bool killed = false;
	pid_t got = 0;

	for (int i = 0; !stream_ok && i < 20 && !got; i++) {
		got = waitpid(c->pid, &st, WNOHANG);
		if (!got)
			usleep(50000);
	}
	if (!stream_ok && !got) {
		kill(c->pid, SIGTERM);
		killed = true;
	}
	if (!got)
		while (waitpid(c->pid, &st, 0) < 0 && errno == EINTR)
			;
	c->pid = 0;
	if (WIFSIGNALED(st) && !killed) {
		int sig = WTERMSIG(st);

		snprintf(err, errlen, "%s %s by signal %d (%s): no trace kept", c->prog,
			 sig == SIGKILL || sig == SIGTERM || sig == SIGINT ? "was killed" : "died",
			 sig, strsignal(sig));
		return -1;
	}
	if (!stream_ok) {
		snprintf(err, errlen, "%s: the trace stopped early (%s exit status %d)", c->prog,
			 c->runner ? c->runner : "valgrind", WIFEXITED(st) ? WEXITSTATUS(st) : -1);
		return -1;
	}
	*status = WIFEXITED(st) ? WEXITSTATUS(st) : 0;
	return 0;
}
