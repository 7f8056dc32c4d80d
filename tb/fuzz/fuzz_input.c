// SPDX-License-Identifier: MIT
/*
 * libFuzzer harnesses for mmusim's inputs. One source, four targets chosen
 * at build time:
 *   FUZZ_LACKEY   the Valgrind lackey log reader (the bytes as they are)
 *   FUZZ_NATIVE   the native binary reader, version 1 (after its 16-byte header)
 *   FUZZ_TEXT     the text-form reader (after its first line)
 *   FUZZ_CONFIG   the configuration-file parser and checker
 * The input goes to a memory file, which the reader opens by path as mmusim
 * does; every record is read to the end, and the paths the reader hands out
 * are touched, so a dangling one shows under ASan.
 *
 *   make fuzz [FUZZ_SECONDS=N]     each target for N seconds
 *   build/fuzz/fuzz_<target> FILE...   replays inputs (crashes kept in tb/fuzz/regress/)
 */
#define _GNU_SOURCE
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "../config.h"
#include "../../traces/trace.h"

#if defined(FUZZ_NATIVE)
static const char prefix[] = "MMUTRACE\x01\0\0\0\0\0\0\0";
#define PREFIX_LEN 16
#elif defined(FUZZ_TEXT)
static const char prefix[] = "mmutrace-text 1\n";
#define PREFIX_LEN (sizeof(prefix) - 1)
#else
static const char prefix[] = "";
#define PREFIX_LEN 0
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static volatile size_t sink; /* what the records add up to: keeps the reads */

/* The input as a file: its path (the same memory file, rewritten each time). */
static const char *as_file(const uint8_t *data, size_t size)
{
	static int fd = -1;
	static char path[64];

	if (fd < 0) {
		fd = memfd_create("fuzz-input", 0);
		if (fd < 0) {
			perror("memfd_create");
			_exit(2);
		}
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	}
	if (ftruncate(fd, 0) || pwrite(fd, prefix, PREFIX_LEN, 0) != (ssize_t)PREFIX_LEN ||
	    (size && pwrite(fd, data, size, PREFIX_LEN) != (ssize_t)size)) {
		perror("fuzz input");
		_exit(2);
	}
	return path;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *path = as_file(data, size);
	char err[512];

#ifdef FUZZ_CONFIG
	struct sim_config c;

	config_defaults(&c);
	if (!config_load(&c, path, err, sizeof(err)))
		sink += (size_t)config_check(&c, err, sizeof(err));
#else
	static struct trace_rec buf[256];
	struct trace_reader *r = trace_open(path, err, sizeof(err));
	size_t n;

	if (!r)
		return 0;
	while ((n = trace_read(r, buf, 256)) > 0) {
		for (size_t i = 0; i < n; i++) {
			sink += buf[i].addr + buf[i].size;
			if (buf[i].type == TR_FILE && buf[i].file.path)
				sink += strlen(buf[i].file.path);
			if (buf[i].type == TR_MMAP && buf[i].map.file) {
				const char *p = trace_file_path(r, buf[i].map.file);

				sink += p ? strlen(p) : 0;
			}
		}
	}
	sink += trace_error(r) ? strlen(trace_error(r)) : 0;
	trace_close(r);
#endif
	return 0;
}
