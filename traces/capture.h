/* SPDX-License-Identifier: MIT */
/*
 * Runs a program under Valgrind with the project's own tool (mmut, built
 * into build/vg by `make build`), which writes the program's trace in the
 * native format down a pipe. Used by `mmutrace capture` and `mmusim -- PROG`.
 */
#ifndef MMUSIM_CAPTURE_H
#define MMUSIM_CAPTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct capture {
	pid_t pid;	  /* valgrind */
	int fd;		  /* read end of the trace pipe */
	char path[32];	  /* "/dev/fd/N": open it with trace_open */
	const char *prog; /* argv[0] of the program */
	const char *runner; /* "valgrind" or "qemu-aarch64" */
};

/*
 * Checks that the tool is built, that valgrind is installed and is the
 * version the tool was built against, and that the program exists; then
 * starts it. With exit_layout, the tool writes the client's segments at
 * exit there ("START END PROT" lines, END exclusive). exe is argv[0] of the calling tool (build/vg is found next to
 * it). On failure returns -1 with a message in err.
 */
int capture_start(struct capture *c, const char *exe, char **prog, const char *exit_layout,
		  char *err, size_t errlen);
/*
 * The same for an arm64 program, run by qemu-aarch64 (qemu-user) with the
 * project's TCG plugin (build/qemu/libmmut.so, or $MMUSIM_QEMU_PLUGIN)
 * from the sysroot (NULL: build/sysroot-arm64 next to exe, or
 * $MMUSIM_SYSROOT_ARM64). prog[0] is looked up in the sysroot's bin
 * directories unless it holds a '/'; it must be an arm64 ELF program. The
 * header's flags say `procs` and `arm64`. $MMUSIM_QEMU names the qemu
 * command (qemu-aarch64). exit_layout as for capture_start: the plugin
 * writes the guest's mappings at exit.
 */
int capture_start_arm64(struct capture *c, const char *exe, char **prog, const char *sysroot,
			const char *exit_layout, char *err, size_t errlen);
/*
 * Waits for valgrind. stream_ok: the trace arrived whole. Returns 0 if the
 * program ran to its end (its exit status in *status), -1 with a message if
 * it was killed, crashed or could not run; kills valgrind first unless
 * stream_ok.
 */
int capture_finish(struct capture *c, bool stream_ok, int *status, char *err, size_t errlen);

#endif
