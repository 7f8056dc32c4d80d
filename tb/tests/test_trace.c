// SPDX-License-Identifier: MIT
/*
 * Trace formats: hand-written text and lackey inputs with the records they
 * must give, native round trips through every compression, and malformed or
 * truncated inputs that must fail with the file and line or record named.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#define XXH_INLINE_ALL
#include <xxhash.h>

#include "../../traces/trace.h"

static char dir[] = "/tmp/mmusim-test-XXXXXX";

static int make_dir(void **s)
{
	(void)s;
	return mkdtemp(dir) ? 0 : -1;
}

static int remove_dir(void **s)
{
	char cmd[128];

	(void)s;
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd);
}

static const char *path_of(const char *name)
{
	static char p[4][256];
	static int k;

	k = (k + 1) % 4;
	snprintf(p[k], sizeof(p[k]), "%s/%s", dir, name);
	return p[k];
}

static const char *write_bytes(const char *name, const void *bytes, size_t n)
{
	const char *p = path_of(name);
	FILE *f = fopen(p, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(bytes, 1, n, f), n);
	assert_int_equal(fclose(f), 0);
	return p;
}

static const char *write_file(const char *name, const char *text)
{
	return write_bytes(name, text, strlen(text));
}

/*
 * Reads a whole trace; returns the record count, or -1 and the error. The
 * reader stays open until the next call, so file names stay valid.
 */
static long read_all(const char *path, struct trace_rec *out, size_t max, char *err)
{
	static struct trace_reader *last;

	trace_close(last);
	last = NULL;
	struct trace_reader *r = trace_open(path, err, 512);

	if (!r)
		return -1;
	static struct trace_rec scratch[4096];
	size_t n = 0, k;

	/* past max, read on into scratch to reach the end (and its errors) */
	while ((k = n < max ? trace_read(r, out + n, max - n)
			    : trace_read(r, scratch, 4096)) > 0)
		n += k;
	long rc = (long)n;

	if (trace_error(r)) {
		snprintf(err, 512, "%s", trace_error(r));
		rc = -1;
	}
	last = r;
	return rc;
}

static void expect_error(const char *path, const char *fragment)
{
	static struct trace_rec recs[64];
	char err[512] = "";

	assert_int_equal(read_all(path, recs, 64, err), -1);
	if (!strstr(err, fragment))
		fail_msg("error '%s' lacks '%s'", err, fragment);
	if (!strstr(err, path))
		fail_msg("error '%s' does not name the file", err);
}

static void test_text_form(void **s)
{
	(void)s;
	const char *p = write_file("a.txt", "mmutrace-text 1\n"
					  "# a comment\n"
					  "file 1 /lib/libc.so.6\n"
					  "segment 0x400000 0x3000 r-x file file=1 off=0x1000\n"
					  "segment 0x1ffefff000 0x2000 rw- stack\n"
					  "I 0x401000 4\n"
					  "R 0x7ffd0010 8   # trailing comment\n"
					  "switch 2\n"
					  "W 0x7ffd0018 16\n"
					  "M 0x10 1\n"
					  "mmap 0x5000000 0x2000 rw- private|anonymous\n"
					  "munmap 0x5000000 0x1000\n"
					  "mprotect 0x5001000 0x1000 r--\n"
					  "brk 0x600000\n"
					  "mremap 0x7000 0x1000 0x9000 0x3000 1\n"
					  "clone 3 0x3d0f00\n"
					  "exit 3\n"
					  "exit 1 group\n");
	struct trace_rec r[32];
	char err[512];

	assert_int_equal(read_all(p, r, 32, err), 16);
	assert_int_equal(r[0].type, TR_FILE);
	assert_string_equal(r[0].file.path, "/lib/libc.so.6");
	assert_int_equal(r[1].type, TR_SEGMENT);
	assert_int_equal(r[1].addr, 0x400000);
	assert_int_equal(r[1].len, 0x3000);
	assert_int_equal(r[1].map.prot, TR_PROT_READ | TR_PROT_EXEC);
	assert_int_equal(r[1].map.kind, SEG_FILE);
	assert_int_equal(r[1].map.file, 1);
	assert_int_equal(r[1].map.offset, 0x1000);
	assert_int_equal(r[2].map.kind, SEG_STACK);
	assert_int_equal(r[3].type, TR_INSTR);
	assert_int_equal(r[3].addr, 0x401000);
	assert_int_equal(r[3].size, 4);
	assert_int_equal(r[3].tid, 1);
	assert_int_equal(r[4].type, TR_LOAD);
	assert_int_equal(r[5].type, TR_SWITCH);
	assert_int_equal(r[6].type, TR_STORE);
	assert_int_equal(r[6].tid, 2);
	assert_int_equal(r[6].size, 16);
	assert_int_equal(r[7].type, TR_MODIFY);
	assert_int_equal(r[8].type, TR_MMAP);
	assert_int_equal(r[8].map.flags, 0x22);
	assert_int_equal(r[8].map.prot, 3);
	assert_int_equal(r[9].type, TR_MUNMAP);
	assert_int_equal(r[9].len, 0x1000);
	assert_int_equal(r[10].type, TR_MPROTECT);
	assert_int_equal(r[10].map.prot, TR_PROT_READ);
	assert_int_equal(r[11].type, TR_BRK);
	assert_int_equal(r[11].addr, 0x600000);
	assert_int_equal(r[12].type, TR_MREMAP);
	assert_int_equal(r[12].remap.addr, 0x9000);
	assert_int_equal(r[12].remap.len, 0x3000);
	assert_int_equal(r[13].type, TR_CLONE);
	assert_int_equal(r[13].clone.child, 3);
	assert_int_equal(r[13].clone.flags, 0x3d0f00);
	assert_int_equal(r[13].tid, 2);
	assert_int_equal(r[14].type, TR_EXIT);
	assert_int_equal(r[14].tid, 3);
	assert_false(r[14].exit.group);
	assert_true(r[15].exit.group);
}

static void test_text_errors(void **s)
{
	(void)s;
	static const struct {
		const char *body, *msg;
	} cases[] = {
		{ "I 0x1000 4\nX 0x1 2\n", "line 3: unknown record 'X'" },
		{ "R 0xzz 4\n", "line 2: R: bad address '0xzz'" },
		{ "W 0x1000 0\n", "line 2: W: size 0 out of range" },
		{ "I 0x1000\n", "line 2: I: expected" },
		{ "mprotect 0x1000 0x1000 rwz\n", "bad protection 'rwz'" },
		{ "mmap 0x1000 0x1000 rw- private|bogus\n", "mmap: bad flags" },
		{ "segment 0x1000 0x1000 rw- weird\n", "kind 'weird'" },
		{ "switch 0\n", "thread id 0 out of range" },
		{ "exit 1 grop\n", "expected 'group'" },
		{ "I -5 4\n", "bad address '-5'" },
	};
	char name[32], body[256];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(name, sizeof(name), "bad%zu.txt", i);
		snprintf(body, sizeof(body), "mmutrace-text 1\n%s", cases[i].body);
		expect_error(write_file(name, body), cases[i].msg);
	}
}

/* A record stream with every type, odd sizes, far jumps and thread switches. */
static size_t sample_records(struct trace_rec *r, size_t max)
{
	size_t n = 0;
	uint64_t x = 12345;

	memset(r, 0, max * sizeof(*r));
	r[n].type = TR_FILE, r[n].tid = 1, r[n].file.id = 1, r[n++].file.path = "/bin/sort";
	r[n].type = TR_SEGMENT, r[n].tid = 1, r[n].addr = 0x108000, r[n].len = 0x1000;
	r[n].map.prot = 5, r[n].map.kind = SEG_FILE, r[n].map.file = 1;
	r[n].map.flags = TR_MAP_PRIVATE, r[n++].map.offset = 0x3000;
	while (n < max - 8) {
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		struct trace_rec *o = &r[n++];

		o->tid = 1 + (uint32_t)(x >> 60) % 3 / 2;
		o->type = (uint8_t)(x % 4);
		o->size = (uint16_t)(o->type == TR_INSTR ? 1 + x % 15 : 1u << (x >> 8) % 7);
		if (x % 97 == 0)
			o->size = (uint16_t)(3 + x % 600); /* generic encoding */
		if (x % 89 == 0)
			o->size = 64; /* instruction too long for a short tag */
		o->addr = x % 5 ? 0x400000 + (x >> 20) % 0x10000 : x >> 8;
		if (x % 13 == 0 && n > 3 && r[n - 2].type == TR_INSTR)
			o->addr = r[n - 2].addr + r[n - 2].size; /* sequential */
	}
	r[n].type = TR_MMAP, r[n].tid = 2, r[n].addr = 0x7f0000000000, r[n].len = 1 << 21;
	r[n].map.prot = 3, r[n++].map.flags = 0x22;
	r[n].type = TR_MUNMAP, r[n].tid = 2, r[n].addr = 0x7f0000000000, r[n++].len = 4096;
	r[n].type = TR_MPROTECT, r[n].tid = 2, r[n].addr = 0x1000, r[n].len = 1;
	r[n++].map.prot = 1;
	r[n].type = TR_BRK, r[n].tid = 2, r[n++].addr = 0xffffffffffffffffULL;
	r[n].type = TR_MREMAP, r[n].tid = 2, r[n].addr = 1, r[n].len = 2, r[n].remap.addr = 3;
	r[n].remap.len = 4, r[n++].remap.flags = 5;
	r[n].type = TR_CLONE, r[n].tid = 2, r[n].clone.child = 9, r[n++].clone.flags = 0x11;
	r[n].type = TR_EXIT, r[n].tid = 9, r[n++].exit.group = false;
	r[n].type = TR_EXIT, r[n].tid = 1, r[n++].exit.group = true;
	return n;
}

static void same_records(const struct trace_rec *a, const struct trace_rec *b, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (a[i].type != b[i].type || a[i].tid != b[i].tid)
			fail_msg("record %zu: type %d/%d tid %u/%u", i, a[i].type, b[i].type,
				 a[i].tid, b[i].tid);
		switch (a[i].type) {
		case TR_INSTR:
		case TR_LOAD:
		case TR_STORE:
		case TR_MODIFY:
			assert_int_equal(a[i].addr, b[i].addr);
			assert_int_equal(a[i].size, b[i].size);
			break;
		case TR_FILE:
			assert_int_equal(a[i].file.id, b[i].file.id);
			assert_string_equal(a[i].file.path, b[i].file.path);
			break;
		case TR_SEGMENT:
		case TR_MMAP:
			assert_int_equal(a[i].map.kind, b[i].map.kind);
			assert_int_equal(a[i].map.file, b[i].map.file);
			assert_int_equal(a[i].map.offset, b[i].map.offset);
			assert_int_equal(a[i].map.flags, b[i].map.flags);
			/* fall through */
		case TR_MPROTECT:
			assert_int_equal(a[i].map.prot, b[i].map.prot);
			/* fall through */
		case TR_MUNMAP:
		case TR_BRK:
			assert_int_equal(a[i].addr, b[i].addr);
			assert_int_equal(a[i].len, b[i].len);
			break;
		case TR_MREMAP:
			assert_memory_equal(&a[i].remap, &b[i].remap, sizeof(a[i].remap));
			assert_int_equal(a[i].addr, b[i].addr);
			break;
		case TR_CLONE:
			assert_int_equal(a[i].clone.child, b[i].clone.child);
			assert_int_equal(a[i].clone.flags, b[i].clone.flags);
			break;
		case TR_EXIT:
			assert_int_equal(a[i].exit.group, b[i].exit.group);
			break;
		}
	}
}

#define NSAMPLE 20000

/* Drops the switch records the writer adds, to compare with the input. */
static size_t without_switches(struct trace_rec *r, size_t n)
{
	size_t k = 0;

	for (size_t i = 0; i < n; i++)
		if (r[i].type != TR_SWITCH)
			r[k++] = r[i];
	return k;
}

static void round_trip(const char *name, enum trace_format fmt)
{
	static struct trace_rec in[NSAMPLE], out[NSAMPLE * 2];
	size_t n = sample_records(in, NSAMPLE);
	char err[512];
	const char *p = path_of(name);
	struct trace_writer *w = trace_create(p, fmt, 3, err, sizeof(err));

	assert_non_null(w);
	/* the file appears only on commit */
	assert_int_equal(access(p, F_OK), -1);
	assert_int_equal(trace_write(w, in, n), 0);
	assert_int_equal(trace_commit(w, err, sizeof(err)), 0);
	long got = read_all(p, out, NSAMPLE * 2, err);

	if (got < 0)
		fail_msg("%s", err);
	assert_int_equal(without_switches(out, (size_t)got), n);
	same_records(in, out, n);
}

static void test_round_trips(void **s)
{
	(void)s;
	round_trip("t.mmut", TRACE_NATIVE);
	round_trip("t.mmut.zst", TRACE_NATIVE);
	round_trip("t.mmut.gz", TRACE_NATIVE);
	round_trip("t.txt", TRACE_TEXT);
	round_trip("t.txt.zst", TRACE_TEXT);
}

static long file_size(const char *p)
{
	FILE *f = fopen(p, "rb");
	long n;

	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fclose(f);
	return n;
}

static void truncate_copy(const char *from, const char *to, long len)
{
	FILE *a = fopen(from, "rb"), *b = fopen(to, "wb");
	char *buf = malloc((size_t)len + 1);

	assert_non_null(a);
	assert_non_null(b);
	assert_int_equal(fread(buf, 1, (size_t)len, a), (size_t)len);
	fwrite(buf, 1, (size_t)len, b);
	fclose(a);
	fclose(b);
	free(buf);
}

/* Every prefix of a native trace fails cleanly; none is taken as whole. */
static void test_native_truncated(void **s)
{
	(void)s;
	static struct trace_rec in[300];
	size_t n = sample_records(in, 300);
	char err[512], full[256];

	snprintf(full, sizeof(full), "%s", path_of("full.mmut"));
	struct trace_writer *w = trace_create(full, TRACE_NATIVE, 0, err, sizeof(err));

	assert_int_equal(trace_write(w, in, n), 0);
	assert_int_equal(trace_commit(w, err, sizeof(err)), 0);
	long size = file_size(full);

	for (long len = 1; len < size; len++) {
		const char *cut = path_of("cut.mmut");

		truncate_copy(full, cut, len);
		static struct trace_rec out[1000];
		char e[512] = "";

		assert_int_equal(read_all(cut, out, 1000, e), -1);
		assert_non_null(strstr(e, cut));
	}
	expect_error(path_of("cut.mmut"), "truncated");
}

static void test_native_corrupt(void **s)
{
	(void)s;
	static struct trace_rec in[300], out[1000];
	size_t n = sample_records(in, 300);
	char err[512];
	const char *full = path_of("c.mmut");
	struct trace_writer *w = trace_create(full, TRACE_NATIVE, 0, err, sizeof(err));

	assert_int_equal(trace_write(w, in, n), 0);
	assert_int_equal(trace_commit(w, err, sizeof(err)), 0);
	/* flip every byte in turn: reading must end, error or not, no crash */
	long size = file_size(full);
	FILE *f = fopen(full, "rb");
	unsigned char *orig = malloc((size_t)size);

	assert_int_equal(fread(orig, 1, (size_t)size, f), (size_t)size);
	fclose(f);
	for (long i = 16; i < size; i++) {
		const char *bad = path_of("bad.mmut");
		FILE *g = fopen(bad, "wb");

		orig[i] ^= 0xff;
		fwrite(orig, 1, (size_t)size, g);
		fclose(g);
		orig[i] ^= 0xff;
		read_all(bad, out, 1000, err);
	}
	/* data after the end record */
	FILE *g = fopen(path_of("tail.mmut"), "wb");

	fwrite(orig, 1, (size_t)size, g);
	fputc(0x01, g);
	fclose(g);
	expect_error(path_of("tail.mmut"), "data after the end record");
	/* a changed record count is caught by the block's checksum */
	g = fopen(path_of("count.mmut"), "wb");
	orig[size - 1] ^= 1;
	fwrite(orig, 1, (size_t)size, g);
	fclose(g);
	expect_error(path_of("count.mmut"), "block 0 (bytes 16..");
	expect_error(path_of("count.mmut"), "checksum mismatch");
	/* a later version */
	g = fopen(path_of("v5.mmut"), "wb");
	fwrite("MMUTRACE\x05\0\0\0\0\0\0\0", 1, 16, g);
	fclose(g);
	char e[512];

	assert_null(trace_open(path_of("v5.mmut"), e, sizeof(e)));
	assert_non_null(strstr(e, "version 5"));
	free(orig);
}

/*
 * Version 1 (no blocks) is still read: a file written by hand from
 * FORMAT.md. I 0x1000 4 (0x44, delta +0x1000), I 0x1004 4 (0x04),
 * R 0x2000 8 (0x83, delta +0x2000), end after 3 records (deltas are zigzag LEB128).
 */
static void test_native_version1(void **s)
{
	(void)s;
	static const unsigned char v1[] = { 'M', 'M', 'U', 'T', 'R', 'A', 'C', 'E', 1, 0,
					    0, 0, 0, 0, 0, 0, 0x44, 0x80, 0x40, 0x04,
					    0x83, 0x80, 0x80, 0x01, 0xff, 3 };
	const char *p = write_bytes("v1.mmut", v1, sizeof(v1));
	struct trace_rec out[8];
	char err[512];

	assert_int_equal(read_all(p, out, 8, err), 3);
	assert_int_equal(out[0].type, TR_INSTR);
	assert_int_equal(out[0].addr, 0x1000);
	assert_int_equal(out[1].addr, 0x1004);
	assert_int_equal(out[2].type, TR_LOAD);
	assert_int_equal(out[2].addr, 0x2000);
	assert_int_equal(out[2].size, 8);
}

/*
 * Version 3: file mappings carry the file's size (size=N in the text form);
 * version 1 and 2 mappings, and anonymous ones, have none. And exec.
 */
static void test_file_size(void **s)
{
	(void)s;
	/* version 1 by hand: file 1 "/f", mmap 0x1000 0x2000 r-- private file=1 off=0, I */
	static const unsigned char v1[] = { 'M', 'M', 'U', 'T', 'R', 'A', 'C', 'E', 1, 0, 0, 0, 0, 0,
					    0, 0, 0xe9, 1, 2, '/', 'f', 0xe2, 0x80, 0x20, 0x80,
					    0x40, 1, 2, 0, 1, 0, 0x04, 0xff, 3 };
	const char *p = write_bytes("size1.mmut", v1, sizeof(v1));
	struct trace_rec out[8];
	char err[512];

	assert_int_equal(read_all(p, out, 8, err), 3);
	assert_int_equal(out[1].type, TR_MMAP);
	assert_int_equal(out[1].map.file, 1);
	assert_false(out[1].map.sized);

	const char *t = write_file("size.txt", "mmutrace-text 1\nfile 1 /f\n"
					       "mmap 0x1000 0x2000 r-- private file=1 off=0x0 size=100\n"
					       "segment 0x8000 0x1000 r-- file file=1 off=0x0 size=0\n"
					       "mmap 0x4000 0x1000 rw- private|anonymous\nI 0x1000 4\n"
					       "exec 1\n");
	for (int pass = 0; pass < 2; pass++) {
		assert_int_equal(read_all(t, out, 8, err), 6);
		assert_int_equal(out[5].type, TR_EXEC);
		assert_int_equal(out[5].exec.file, 1);
		assert_true(out[1].map.sized);
		assert_int_equal(out[1].map.isize, 100);
		assert_true(out[2].map.sized);
		assert_int_equal(out[2].map.isize, 0);
		assert_false(out[3].map.sized);
		/* and through the native format */
		struct trace_writer *w = trace_create(path_of("size3.mmut"), TRACE_NATIVE, 0, err,
						      sizeof(err));

		assert_non_null(w);
		assert_int_equal(trace_write(w, out, 6), 0);
		assert_int_equal(trace_commit(w, err, sizeof(err)), 0);
		t = path_of("size3.mmut");
	}
}

/*
 * Version 4's blocks: a trace of many blocks reads back whole, and one
 * flipped bit anywhere after the magic number is refused, naming the block
 * that holds it (block boundaries found from FORMAT.md: after the 16-byte
 * header, a u32 length (bit 31: start), a u32 checksum, a u32 pid and that
 * many bytes each).
 */
static void test_native_blocks(void **s)
{
	(void)s;
	enum { N = 100000 };
	static struct trace_rec in[N], out[N + 1];
	char err[512];
	const char *full = path_of("blocks.mmut");
	uint64_t x = 88172645463325252ULL;

	for (size_t i = 0; i < N; i++) {
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		in[i] = (struct trace_rec){ .type = (uint8_t)(x % 4), .tid = 1,
					    .size = (uint16_t)(1 + x % 8), .addr = x >> 20 };
	}
	struct trace_writer *w = trace_create(full, TRACE_NATIVE, 0, err, sizeof(err));

	assert_int_equal(trace_write(w, in, N), 0);
	assert_int_equal(trace_commit(w, err, sizeof(err)), 0);
	assert_int_equal(read_all(full, out, N + 1, err), N);
	for (size_t i = 0; i < N; i++)
		assert_memory_equal(&in[i].addr, &out[i].addr, sizeof(in[i].addr));

	long size = file_size(full);
	unsigned char *orig = malloc((size_t)size);
	FILE *f = fopen(full, "rb");

	assert_int_equal(fread(orig, 1, (size_t)size, f), (size_t)size);
	fclose(f);
	assert_int_equal(orig[8], 4);
	/* the block holding each byte */
	long *blk_of = calloc((size_t)size, sizeof(*blk_of));
	long nblk = 0;

	for (long at = 16; at < size; nblk++) {
		assert_true(at + 12 <= size);
		long len = orig[at] | orig[at + 1] << 8 | orig[at + 2] << 16 |
			   (long)(orig[at + 3] & 0x7f) << 24;

		assert_int_equal(orig[at + 3] >> 7, nblk == 0); /* the first block starts the program */
		assert_true(len > 0 && len <= 65536 && at + 12 + len <= size);
		for (long i = at; i < at + 12 + len; i++)
			blk_of[i] = nblk;
		at += 12 + len;
	}
	assert_true(nblk >= 4);
	const char *bad = path_of("flip.mmut");

	/* every bit of the header and the first block's header, then a sample */
	for (long i = 8; i < size; i += i < 32 || size - i < 16 ? 1 : 4099) {
		for (int bit = i < 32 ? 0 : (int)(i % 8); bit < 8; bit += i < 32 ? 1 : 8) {
			char want[64];

			orig[i] ^= (unsigned char)(1u << bit);
			f = fopen(bad, "wb");
			fwrite(orig, 1, (size_t)size, f);
			fclose(f);
			orig[i] ^= (unsigned char)(1u << bit);
			err[0] = 0;
			if (read_all(bad, out, N + 1, err) != -1)
				fail_msg("bit %d of byte %ld flipped: not refused", bit, i);
			snprintf(want, sizeof(want), "block %ld ", blk_of[i]);
			if (i >= 16 && !strstr(err, want) && !strstr(err, "truncated"))
				fail_msg("byte %ld: '%s' does not name %s", i, err, want);
		}
	}
	free(blk_of);
	free(orig);
}

/* One version 4 block, as FORMAT.md lays it out, appended to f. */
static void put_block(FILE *f, uint32_t pid, bool start, uint64_t number, const void *payload,
		      uint32_t len)
{
	uint64_t seed = number ^ (uint64_t)pid << 32 ^ (uint64_t)1 << 54 ^ (uint64_t)4 << 56;
	uint32_t h[3] = { len | (start ? 1u << 31 : 0),
			  (uint32_t)XXH3_64bits_withSeed(payload, len, seed), pid };

	fwrite(h, 4, 3, f); /* (this machine is little-endian, as the format) */
	fwrite(payload, 1, len, f);
}

/*
 * Version 4, a process tree written by hand from FORMAT.md: process 100
 * starts /bin/sh, runs I 0x1000, forks 200 and runs on; 200's first block
 * (I 0x5000) comes before the clone record; then 200 execs /bin/true, which
 * runs I 0x9000 and exits. Threads are numbered in order of appearance,
 * each program's file ids map to the trace's, and 200's first block
 * follows the block of the clone record.
 */
static void test_native_processes(void **s)
{
	(void)s;
	static const uint8_t a1[] = { 0xe9, 1, 7, '/', 'b', 'i', 'n', '/', 's', 'h', /* file 1 */
				      0xea, 1,		       /* exec 1: the first program's, dropped */
				      0x44, 0x80, 0x40 },      /* I 0x1000 4 */
		a2[] = { 0xe7, 0xc8, 0x01, 0x11, /* clone 200 SIGCHLD */
			 0x04,			 /* I 0x1004 4 */
			 0xff, 5 },		 /* end: 5 records */
		b1[] = { 0xe0, 0xc8, 0x01,	 /* switch 200 */
			 0x44, 0x80, 0xc0, 0x02 }, /* I 0x5000 4 */
		b2[] = { 0xe9, 1, 9, '/', 'b', 'i', 'n', '/', 't', 'r', 'u', 'e', /* file 1 */
			 0xea, 1,			      /* exec 1 */
			 0x44, 0x80, 0xc0, 0x04,	      /* I 0x9000 4: a new decoder */
			 0xe8, 0xc8, 0x01, 1,		      /* exit 200 group */
			 0xff, 4 };
	uint8_t h[16] = { 'M', 'M', 'U', 'T', 'R', 'A', 'C', 'E', 4, 0, 1 };
	const char *p = path_of("procs.mmut");
	FILE *f = fopen(p, "wb");

	fwrite(h, 1, sizeof(h), f);
	put_block(f, 100, true, 0, a1, sizeof(a1));
	put_block(f, 200, false, 0, b1, sizeof(b1));
	put_block(f, 100, false, 1, a2, sizeof(a2));
	put_block(f, 200, true, 0, b2, sizeof(b2));
	fclose(f);

	char err[512];
	struct trace_reader *r = trace_open(p, err, sizeof(err));
	struct trace_rec o[16];
	size_t n = 0, k;

	assert_non_null(r);
	while ((k = trace_read(r, o + n, 16 - n)) > 0)
		n += k;
	assert_null(trace_error(r));
	static const struct {
		uint8_t type;
		uint32_t tid;
		uint64_t addr;
	} want[] = { { TR_FILE, 1, 0 },	      { TR_INSTR, 1, 0x1000 }, { TR_CLONE, 1, 0 },
		     { TR_INSTR, 1, 0x1004 }, { TR_SWITCH, 2, 0 },     { TR_INSTR, 2, 0x5000 },
		     { TR_FILE, 2, 0 },	      { TR_EXEC, 2, 0 },       { TR_INSTR, 2, 0x9000 },
		     { TR_EXIT, 2, 0 } };
	assert_int_equal(n, sizeof(want) / sizeof(want[0]));
	for (size_t i = 0; i < n; i++) {
		if (o[i].type != want[i].type || o[i].tid != want[i].tid ||
		    (want[i].addr && o[i].addr != want[i].addr))
			fail_msg("record %zu: %s by %u at %#llx", i, trace_type_names[o[i].type],
				 o[i].tid, (unsigned long long)o[i].addr);
	}
	assert_int_equal(o[2].clone.child, 2);
	assert_int_equal(o[2].clone.flags, 0x11);
	assert_int_equal(o[6].file.id, 2); /* /bin/true: the trace's second file */
	assert_string_equal(o[6].file.path, "/bin/true");
	assert_int_equal(o[7].exec.file, 2);
	assert_true(o[9].exit.group);
	assert_int_equal(trace_system_tid(r, 1), 100);
	assert_int_equal(trace_system_tid(r, 2), 200);
	trace_close(r);

	/* a process no clone record makes; a stream without its end record */
	static const uint8_t a_end[] = { 0xff, 3 };

	f = fopen(p, "wb");
	fwrite(h, 1, sizeof(h), f);
	put_block(f, 100, true, 0, a1, sizeof(a1));
	put_block(f, 200, false, 0, b1, sizeof(b1));
	put_block(f, 100, false, 1, a_end, sizeof(a_end));
	fclose(f);
	expect_error(p, "process 200 sent blocks, but no clone record made it");
	f = fopen(p, "wb");
	fwrite(h, 1, sizeof(h), f);
	put_block(f, 100, true, 0, a1, sizeof(a1));
	fclose(f);
	expect_error(p, "the stream of process 100 ends without its end record");
	/* a block of a process out of its order: its number is in the checksum */
	f = fopen(p, "wb");
	fwrite(h, 1, sizeof(h), f);
	put_block(f, 100, true, 0, a1, sizeof(a1));
	put_block(f, 100, false, 2, a2, sizeof(a2));
	fclose(f);
	expect_error(p, "block 1 ");
}

/* From real Valgrind 3.19 logs: glued pieces and split syscalls. */
static const char lackey_log[] =
	"==3068== Lackey, an example Valgrind tool\n"
	"--3068:1: aspacem <<< SHOW_SEGMENTS: Memory layout at client startup (34 segments)\n"
	"--3068:1: aspacem 3 segment names in 3 slots\n"
	"--3068:1: aspacem (0,4,9) /usr/libexec/valgrind/lackey-amd64-linux\n"
	"--3068:1: aspacem (1,49,7) /tmp/exp/mt\n"
	"--3068:1: aspacem   0: RSVN 0000000000-0000107fff 1081344 ----- SmFixed\n"
	"--3068:1: aspacem   1: file 0000108000-0000108fff    4096 r---- d=0xfe00 i=10952862 o=0       (1,49)\n"
	"--3068:1: aspacem   2: file 0000109000-0000109fff    4096 r-x-- d=0xfe00 i=10952862 o=4096    (1,49)\n"
	"--3068:1: aspacem  10: anon 0004035000-0004035fff    4096 rwx--\n"
	"--3068:1: aspacem  11: RSVN 0004036000-0004834fff 8384512 ----- SmLower\n"
	"--3068:1: aspacem  12:      0004835000-0057ffffff   1335m\n"
	"--3068:1: aspacem  13: FILE 0058000000-0058000fff    4096 r---- d=0xfe00 i=335458  o=0       (0,4)\n"
	"--3068:1: aspacem  24: RSVN 1ffe801000-1ffeffefff 8380416 ----- SmUpper\n"
	"--3068:1: aspacem  25: anon 1ffefff000-1fff000fff    8192 rw---\n"
	"--3068:1: aspacem >>>\n"
	"--3068--   SCHED[1]:  acquired lock (thread_wrapper(starting new thread))\n"
	"I  0401ab70,3\n"
	" L 1ffefff8d8,8\n"
	" S 1ffefff8d0,8\n"
	" M 04a1c010,4\n"
	"SYSCALL[3068,1](12) sys_brk ( 0x0 ) --> [pre-success] Success(0x4035000) \n"
	"SYSCALL[3068,1](257) sys_openat ( 4294967196, 0x4835540(/lib/x86_64-linux-gnu/libc.so.6), 524288 ) --> [async] ... \n"
	"--3068--   SCHED[1]: releasing lock (VG_(client_syscall)[async]) -> VgTs_WaitSys\n"
	"--3068--   SCHED[1]:  acquired lock (VG_(client_syscall)[async])\n"
	"SYSCALL[3068,1](257) ... [async] --> Success(0x3) \n"
	"SYSCALL[3068,1](9) sys_mmap ( 0x4a16000, 24576, 3, 2066, 3, 1896448 )--3068:1:hashtabl resizing table `di.storage.addStr.1' from 769 to 1543 (total elems 770)\n"
	"--3068:1:mallocfr newSuperblock at 0x100371E000 (pszB 1048544)  owner VALGRIND/dinfo\n"
	" --> [pre-success] Success(0x4a16000) \n"
	"SYSCALL[3068,1](9) sys_mmap ( 0x0, 8192, 3, 34, 4294967295, 0 ) --> [pre-success] Success(0x4835000) \n"
	"SYSCALL[3068,1](11) sys_munmap ( 0x483c000, 41491 )[sync] --> Success(0x0) \n"
	"SYSCALL[3068,1](10) sys_mprotect ( 0x4a16000, 16384, 1 )[sync] --> Success(0x0) \n"
	"SYSCALL[3068,1](10) sys_mprotect ( 0x4a16000, 16384, 7 )[sync] --> Failure(0xc) \n"
	"SYSCALL[3068,1](334) unimplemented (by the kernel) syscall: 334! (ni_syscall)\n"
	" --> [pre-fail] Failure(0x26) \n"
	"SYSCALL[3068,1](12) sys_brk ( 0x4056000 ) --> [pre-success] Success(0x4056000) \n"
	"SYSCALL[3068,1](56) sys_clone ( 3d0f00, 0x522bf70, 0x522c990, 0x522c990, 0x522c6c0 )--3068:1: aspacem allocated valgrind thread stack at 0x1003b1e000 size 1064960\n"
	" --> [pre-success] Success(0xbfd) --3068--   SCHED[1]: releasing lock (VG_(vg_yield)) -> VgTs_Yielding\n"
	"--3068--   SCHED[2]:  acquired lock (thread_wrapper(starting new thread))\n"
	"I  0494fb42,3\n"
	"some program output on stderr\n"
	"SYSCALL[3068,2](60) exit( 0 ) --> [pre-success] Success(0x0) I  0494fb47,2\n"
	"--3068--   SCHED[1]:  acquired lock (VG_(vg_yield))\n"
	"\n"
	"SYSCALL[3068,1](231) exit_group( 0 )\n";

static void test_lackey(void **s)
{
	(void)s;
	struct trace_rec r[64];
	char err[512];
	const char *p = write_file("log.txt", lackey_log);
	long n = read_all(p, r, 64, err);

	if (n < 0)
		fail_msg("%s", err);
	static const uint8_t types[] = {
		TR_FILE,    TR_SEGMENT, TR_SEGMENT, TR_SEGMENT, TR_SEGMENT, TR_INSTR,
		TR_LOAD,    TR_STORE,   TR_MODIFY,  TR_FILE,    TR_MMAP,	TR_MMAP,
		TR_MUNMAP,  TR_MPROTECT, TR_BRK,    TR_CLONE,	TR_SWITCH,  TR_INSTR,
		TR_EXIT,    TR_INSTR,	TR_SWITCH,  TR_EXIT,
	};
	assert_int_equal(n, sizeof(types));
	for (long i = 0; i < n; i++)
		if (r[i].type != types[i])
			fail_msg("record %ld: %s, expected %s", i, trace_type_names[r[i].type],
				 trace_type_names[types[i]]);
	assert_string_equal(r[0].file.path, "/tmp/exp/mt");
	/* segments: two of the file, the empty heap, the stack */
	assert_int_equal(r[1].addr, 0x108000);
	assert_int_equal(r[1].len, 0x1000);
	assert_int_equal(r[1].map.prot, TR_PROT_READ);
	assert_int_equal(r[1].map.kind, SEG_FILE);
	assert_int_equal(r[2].map.prot, TR_PROT_READ | TR_PROT_EXEC);
	assert_int_equal(r[2].map.offset, 4096);
	assert_int_equal(r[3].map.kind, SEG_HEAP);
	assert_int_equal(r[3].addr, 0x4035000);
	assert_int_equal(r[3].len, 0);
	assert_int_equal(r[4].map.kind, SEG_STACK);
	assert_int_equal(r[4].addr, 0x1ffefff000);
	assert_int_equal(r[4].len, 0x2000);
	/* accesses */
	assert_int_equal(r[5].addr, 0x401ab70);
	assert_int_equal(r[5].size, 3);
	assert_int_equal(r[6].addr, 0x1ffefff8d8);
	assert_int_equal(r[8].size, 4);
	/* openat named fd 3; the split mmap maps it */
	assert_string_equal(r[9].file.path, "/lib/x86_64-linux-gnu/libc.so.6");
	assert_int_equal(r[10].addr, 0x4a16000);
	assert_int_equal(r[10].len, 24576);
	assert_int_equal(r[10].map.prot, 3);
	assert_int_equal(r[10].map.flags, 2066);
	assert_int_equal(r[10].map.file, r[9].file.id);
	assert_int_equal(r[10].map.offset, 1896448);
	assert_int_equal(r[11].addr, 0x4835000);
	assert_int_equal(r[11].map.file, 0);
	assert_int_equal(r[12].addr, 0x483c000);
	assert_int_equal(r[12].len, 41491);
	assert_int_equal(r[13].map.prot, 1); /* the failed mprotect gave nothing */
	assert_int_equal(r[14].addr, 0x4056000);
	assert_int_equal(r[15].tid, 1);
	assert_int_equal(r[15].clone.child, 2);
	assert_int_equal(r[15].clone.flags, 0x3d0f00);
	assert_int_equal(r[17].tid, 2);
	assert_int_equal(r[18].tid, 2);
	assert_false(r[18].exit.group);
	assert_int_equal(r[19].addr, 0x494fb47); /* glued after the exit */
	assert_int_equal(r[21].tid, 1);
	assert_true(r[21].exit.group);
}

static void test_lackey_compressed(void **s)
{
	(void)s;
	const char *p = path_of("log.txt.gz");
	gzFile g = gzopen(p, "wb");
	struct trace_rec r[64];
	char err[512];

	gzputs(g, lackey_log);
	gzclose(g);
	assert_int_equal(read_all(p, r, 64, err), 22);
}

/* posix_spawn's clone(CLONE_VM | CLONE_VFORK) runs as a fork under Valgrind */
static void test_lackey_vfork(void **s)
{
	(void)s;
	struct trace_rec r[8];
	char err[512];
	const char *p = write_file("vfork.txt",
				   "I  04016c30,3\n"
				   "SYSCALL[3068,1](56) sys_clone ( 4111, 0x0, 0x0, 0x0, 0x0 ) --> Success(0x1234)\n"
				   "I  04016c33,2\n");

	assert_int_equal(read_all(p, r, 8, err), 3);
	assert_int_equal(r[1].type, TR_CLONE);
	assert_int_equal(r[1].clone.child, 0x1234);
	assert_int_equal(r[1].clone.flags, 0x11);
}

static void test_lackey_errors(void **s)
{
	(void)s;
	expect_error(write_file("l1.txt", "==1== x\nI  0401ab70,3\nI  0401ab73--1:1: x\n"),
		     "line 3: malformed lackey record");
	expect_error(write_file("l2.txt", "==1== x\nI  0401ab70,3\n L 1ffefff8d8,0\n"),
		     "line 3: bad access size");
	expect_error(write_file("l3.txt", "==1== x\nI  0401ab70,3\nI  0401"),
		     "line 3: truncated lackey record");
	expect_error(write_file("l4.txt", "==1== x\nI  0401ab70,3\nSYSCALL[2,1](9) x\n"),
		     "line 3: output of process 2");
	expect_error(path_of("missing.txt"), "cannot open");
	expect_error(write_file("empty", ""), "empty file");
	/* lines that start like a record but are not one, in mid-log (issue 9) */
	expect_error(write_file("l5.txt", "==1== x\nI  0401ab70,3\nI  zzzz,3\nI  0401ab73,3\n"),
		     "line 3: malformed lackey record 'I  zzzz,3'");
	expect_error(write_file("l6.txt", "==1== x\nI  0401ab70,3\nI  04013g,3\nI  0401ab73,3\n"),
		     "line 3: malformed lackey record 'I  04013g,3'");
	expect_error(write_file("l7.txt", "==1== x\nI  0401ab70,3\n L 1234\nI  0401ab73,3\n"),
		     "line 3: malformed lackey record ' L 1234'");
	expect_error(write_file("l8.txt", "==1== x\nI  0401ab70,3\n S 1ffefff8d8\nI  0401ab73,3\n"),
		     "line 3: malformed lackey record ' S 1ffefff8d8'");
}

static void test_gzip_truncated(void **s)
{
	(void)s;
	const char *p = path_of("big.txt.gz");
	gzFile g = gzopen(p, "wb");

	for (int i = 0; i < 20000; i++)
		gzprintf(g, "I  %08x,3\n", 0x400000 + 3 * i);
	gzclose(g);
	truncate_copy(p, path_of("cut.txt.gz"), file_size(p) / 2);
	expect_error(path_of("cut.txt.gz"), "truncated gzip");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_text_form),
		cmocka_unit_test(test_text_errors),
		cmocka_unit_test(test_round_trips),
		cmocka_unit_test(test_native_truncated),
		cmocka_unit_test(test_native_corrupt),
		cmocka_unit_test(test_native_version1),
		cmocka_unit_test(test_native_blocks),
		cmocka_unit_test(test_native_processes),
		cmocka_unit_test(test_file_size),
		cmocka_unit_test(test_lackey),
		cmocka_unit_test(test_lackey_compressed),
		cmocka_unit_test(test_lackey_vfork),
		cmocka_unit_test(test_lackey_errors),
		cmocka_unit_test(test_gzip_truncated),
	};

	return cmocka_run_group_tests_name("trace", tests, make_dir, remove_dir);
}
