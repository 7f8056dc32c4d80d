// SPDX-License-Identifier: MIT
/*
 * The text form of the native format: one record a line, '#' comments.
 *
 *   mmutrace-text 1
 *   file 1 /usr/lib/x86_64-linux-gnu/libc.so.6
 *   segment 0x4000000 0x1000 r-x file file=1 off=0
 *   switch 1
 *   I 0x401000 4
 *   R 0x1ffefff8d8 8        (also W and M)
 *   mmap 0x4835000 0x2000 rw- private|anonymous
 *   mmap 0x4837000 0x5000 r-- private file=1 off=0x1000
 *   munmap 0x483c000 0xa213
 *   mprotect 0x4a16000 0x4000 r--
 *   brk 0x4056000
 *   mremap 0x5000000 0x1000 0x6000000 0x2000
 *   clone 2 0x3d0f00
 *   exit 2 [group]
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "trace_impl.h"

static const struct {
	const char *name;
	uint32_t bit;
} map_flags[] = {
	{ "shared", 0x01 },	{ "private", 0x02 },	 { "fixed", 0x10 },
	{ "anonymous", 0x20 },	{ "growsdown", 0x100 },	 { "denywrite", 0x800 },
	{ "executable", 0x1000 }, { "locked", 0x2000 },	 { "noreserve", 0x4000 },
	{ "populate", 0x8000 },	{ "nonblock", 0x10000 }, { "stack", 0x20000 },
	{ "hugetlb", 0x40000 },	{ "fixed_noreplace", 0x100000 },
};
#define NR_MAP_FLAGS (sizeof(map_flags) / sizeof(map_flags[0]))

static int parse_u64(const char *s, uint64_t *v)
{
	char *end;

	if (!s || *s == '-' || *s == '+')
		return -1;
	errno = 0;
	*v = strtoull(s, &end, 0);
	return (errno || end == s || *end) ? -1 : 0;
}

static int parse_map_flags(const char *s, uint32_t *flags)
{
	uint64_t v;

	if (!parse_u64(s, &v))
		return v > UINT32_MAX ? -1 : (*flags = (uint32_t)v, 0);
	*flags = 0;
	while (*s) {
		size_t n = strcspn(s, "|");
		size_t i;

		for (i = 0; i < NR_MAP_FLAGS; i++)
			if (strlen(map_flags[i].name) == n && !strncmp(s, map_flags[i].name, n))
				break;
		if (i == NR_MAP_FLAGS)
			return -1;
		*flags |= map_flags[i].bit;
		s += n + (s[n] == '|');
	}
	return 0;
}

/* Splits a line into at most max blank-separated words, comments removed. */
static int split(char *line, char **w, int max)
{
	int n = 0;
	char *hash = strchr(line, '#');

	if (hash)
		*hash = 0;
	for (char *tok = strtok(line, " \t\r"); tok; tok = strtok(NULL, " \t\r")) {
		if (n == max)
			return -1;
		w[n++] = tok;
	}
	return n;
}

static int type_of(const char *word)
{
	for (int t = 0; t < TR_NR_TYPES; t++)
		if (!strcmp(word, trace_type_names[t]))
			return t;
	return -1;
}

/* Optional "file=ID off=OFF size=BYTES" words of segment and mmap. */
static const char *parse_file_words(char **w, int n, struct trace_rec *o)
{
	o->map.file = 0;
	o->map.offset = 0;
	o->map.sized = false;
	for (int i = 0; i < n; i++) {
		uint64_t v;

		if (!strncmp(w[i], "file=", 5) && !parse_u64(w[i] + 5, &v) && v &&
		    v <= UINT32_MAX)
			o->map.file = (uint32_t)v;
		else if (!strncmp(w[i], "off=", 4) && !parse_u64(w[i] + 4, &v))
			o->map.offset = v;
		else if (!strncmp(w[i], "size=", 5) && !parse_u64(w[i] + 5, &v) && v != UINT64_MAX)
			o->map.sized = true, o->map.isize = v;
		else
			return w[i];
	}
	return NULL;
}

static int parse_line(struct trace_reader *r, char **w, int n, struct trace_rec *o)
{
	int type = type_of(w[0]);
	uint64_t a = 0, b = 0, c = 0, d = 0;
	const char *bad = NULL;

	if (type < 0) {
		trace_fail(r, "unknown record '%s'", w[0]);
		return -1;
	}
	o->type = (uint8_t)type;
	o->tid = r->tid;
#define NEED(lo, hi, usage)                                                           \
	do {                                                                          \
		if (n < (lo) || n > (hi)) {                                           \
			trace_fail(r, "%s: expected '%s'", w[0], usage);              \
			return -1;                                                    \
		}                                                                     \
	} while (0)
#define NUM(i, var, what)                                                             \
	do {                                                                          \
		if (parse_u64(w[i], &(var))) {                                        \
			trace_fail(r, "%s: bad %s '%s'", w[0], what, w[i]);           \
			return -1;                                                    \
		}                                                                     \
	} while (0)
#define PROT(i)                                                                       \
	do {                                                                          \
		if (trace_prot_parse(w[i], &o->map.prot)) {                           \
			trace_fail(r, "%s: bad protection '%s' (want like rw-)", w[0], w[i]); \
			return -1;                                                    \
		}                                                                     \
	} while (0)
	switch (type) {
	case TR_INSTR:
	case TR_LOAD:
	case TR_STORE:
	case TR_MODIFY:
		NEED(3, 3, "KIND ADDR SIZE");
		NUM(1, a, "address");
		NUM(2, b, "size");
		if (b == 0 || b > UINT16_MAX) {
			trace_fail(r, "%s: size %s out of range 1..65535", w[0], w[2]);
			return -1;
		}
		o->addr = a;
		o->size = (uint16_t)b;
		return 0;
	case TR_FILE:
		NEED(3, 3, "file ID PATH");
		NUM(1, a, "file id");
		if (trace_set_file(r, (uint32_t)(a > UINT32_MAX ? 0 : a), w[2], strlen(w[2])))
			return -1;
		o->file.id = (uint32_t)a;
		o->file.path = r->files[a];
		return 0;
	case TR_SEGMENT:
		NEED(5, 8, "segment ADDR LEN PROT KIND [file=ID] [off=N] [size=N]");
		NUM(1, a, "address");
		NUM(2, b, "length");
		PROT(3);
		for (o->map.kind = 0; o->map.kind < SEG_NR_KINDS; o->map.kind++)
			if (!strcmp(w[4], trace_segment_kind_names[o->map.kind]))
				break;
		if (o->map.kind == SEG_NR_KINDS) {
			trace_fail(r, "segment: kind '%s' is not anon, file, heap or stack",
				   w[4]);
			return -1;
		}
		o->map.flags = TR_MAP_PRIVATE;
		bad = parse_file_words(w + 5, n - 5, o);
		break;
	case TR_MMAP:
		NEED(5, 8, "mmap ADDR LEN PROT FLAGS [file=ID] [off=N] [size=N]");
		NUM(1, a, "address");
		NUM(2, b, "length");
		PROT(3);
		if (parse_map_flags(w[4], &o->map.flags)) {
			trace_fail(r, "mmap: bad flags '%s'", w[4]);
			return -1;
		}
		o->map.kind = 0;
		bad = parse_file_words(w + 5, n - 5, o);
		break;
	case TR_MUNMAP:
		NEED(3, 3, "munmap ADDR LEN");
		NUM(1, a, "address");
		NUM(2, b, "length");
		bad = NULL;
		break;
	case TR_MPROTECT:
		NEED(4, 4, "mprotect ADDR LEN PROT");
		NUM(1, a, "address");
		NUM(2, b, "length");
		PROT(3);
		bad = NULL;
		break;
	case TR_BRK:
		NEED(2, 2, "brk ADDR");
		NUM(1, a, "address");
		bad = NULL;
		break;
	case TR_MREMAP:
		NEED(5, 6, "mremap ADDR LEN NEWADDR NEWLEN [FLAGS]");
		NUM(1, a, "address");
		NUM(2, b, "length");
		NUM(3, c, "new address");
		NUM(4, d, "new length");
		o->remap.addr = c;
		o->remap.len = d;
		o->remap.flags = 0;
		if (n == 6) {
			NUM(5, c, "flags");
			o->remap.flags = (uint32_t)c;
		}
		bad = NULL;
		break;
	case TR_CLONE:
		NEED(3, 3, "clone CHILD FLAGS");
		NUM(1, a, "thread id");
		NUM(2, b, "flags");
		if (a == 0 || a > UINT32_MAX) {
			trace_fail(r, "clone: thread id %s out of range", w[1]);
			return -1;
		}
		o->clone.child = (uint32_t)a;
		o->clone.flags = b;
		return 0;
	case TR_EXIT:
		NEED(2, 3, "exit TID [group]");
		NUM(1, a, "thread id");
		if (n == 3 && strcmp(w[2], "group")) {
			trace_fail(r, "exit: expected 'group', not '%s'", w[2]);
			return -1;
		}
		o->tid = (uint32_t)a;
		o->exit.group = n == 3;
		return 0;
	case TR_EXEC:
		NEED(2, 2, "exec FILE_ID");
		NUM(1, a, "file id");
		if (a == 0 || a > UINT32_MAX) {
			trace_fail(r, "exec: file id %s out of range", w[1]);
			return -1;
		}
		o->exec.file = (uint32_t)a;
		return 0;
	case TR_SWITCH:
		NEED(2, 2, "switch TID");
		NUM(1, a, "thread id");
		if (a == 0 || a > UINT32_MAX) {
			trace_fail(r, "switch: thread id %s out of range", w[1]);
			return -1;
		}
		o->tid = r->tid = (uint32_t)a;
		return 0;
	}
#undef NEED
#undef NUM
#undef PROT
	if (bad) {
		trace_fail(r, "%s: unexpected '%s'", w[0], bad);
		return -1;
	}
	o->addr = a;
	o->len = b;
	return 0;
}

size_t text_read(struct trace_reader *r, struct trace_rec *out, size_t max)
{
	size_t n = 0;

	while (n < max) {
		size_t len;
		char *line = trace_getline(r, &len);
		char *w[8];

		if (!line)
			break;
		if (r->line == 1)
			continue; /* the magic line, checked on open */
		int nw = split(line, w, 8);

		if (nw < 0) {
			trace_fail(r, "too many words");
			return 0;
		}
		if (nw == 0)
			continue;
		if (parse_line(r, w, nw, &out[n]))
			return 0;
		n++;
		r->nrec++;
	}
	return r->err[0] ? 0 : n;
}

/* ---- writer ---- */

int text_write_header(struct trace_writer *w)
{
	w->len = (size_t)sprintf((char *)w->buf, "%s\n", TEXT_MAGIC);
	return 0;
}

static void flags_string(uint32_t flags, char *out, size_t size)
{
	uint32_t known = 0;
	size_t len = 0;

	for (size_t i = 0; i < NR_MAP_FLAGS; i++)
		known |= map_flags[i].bit;
	if (flags == 0 || (flags & ~known)) {
		snprintf(out, size, "0x%x", flags);
		return;
	}
	for (size_t i = 0; i < NR_MAP_FLAGS; i++)
		if (flags & map_flags[i].bit)
			len += (size_t)snprintf(out + len, size - len, "%s%s", len ? "|" : "",
						map_flags[i].name);
}

int text_write(struct trace_writer *w, const struct trace_rec *r)
{
	if (trace_flush(w, TRACE_MAX_PATH + 256))
		return -1;
	char *p = (char *)w->buf + w->len;
	char prot[4], flags[256];
	int k = 0;

	if (r->type != TR_SWITCH && r->type != TR_EXIT && r->tid != w->tid) {
		k += sprintf(p, "switch %u\n", r->tid);
		w->tid = r->tid;
	}
	trace_prot_string(r->map.prot, prot);
	switch (r->type) {
	case TR_INSTR:
	case TR_LOAD:
	case TR_STORE:
	case TR_MODIFY:
		k += sprintf(p + k, "%s 0x%llx %u\n", trace_type_names[r->type],
			     (unsigned long long)r->addr, r->size);
		break;
	case TR_FILE:
		if (strpbrk(r->file.path, " \t\r\n#"))
			return -1; /* not representable as one word */
		k += sprintf(p + k, "file %u %s\n", r->file.id, r->file.path);
		break;
	case TR_SEGMENT:
	case TR_MMAP:
		if (r->type == TR_SEGMENT)
			k += sprintf(p + k, "segment 0x%llx 0x%llx %s %s",
				     (unsigned long long)r->addr, (unsigned long long)r->len,
				     prot, trace_segment_kind_names[r->map.kind % SEG_NR_KINDS]);
		else {
			flags_string(r->map.flags, flags, sizeof(flags));
			k += sprintf(p + k, "mmap 0x%llx 0x%llx %s %s",
				     (unsigned long long)r->addr, (unsigned long long)r->len,
				     prot, flags);
		}
		if (r->map.file)
			k += sprintf(p + k, " file=%u off=0x%llx", r->map.file,
				     (unsigned long long)r->map.offset);
		if (r->map.file && r->map.sized)
			k += sprintf(p + k, " size=%llu", (unsigned long long)r->map.isize);
		p[k++] = '\n';
		break;
	case TR_MUNMAP:
		k += sprintf(p + k, "munmap 0x%llx 0x%llx\n", (unsigned long long)r->addr,
			     (unsigned long long)r->len);
		break;
	case TR_MPROTECT:
		k += sprintf(p + k, "mprotect 0x%llx 0x%llx %s\n",
			     (unsigned long long)r->addr, (unsigned long long)r->len, prot);
		break;
	case TR_BRK:
		k += sprintf(p + k, "brk 0x%llx\n", (unsigned long long)r->addr);
		break;
	case TR_MREMAP:
		k += sprintf(p + k, "mremap 0x%llx 0x%llx 0x%llx 0x%llx 0x%x\n",
			     (unsigned long long)r->addr, (unsigned long long)r->len,
			     (unsigned long long)r->remap.addr,
			     (unsigned long long)r->remap.len, r->remap.flags);
		break;
	case TR_CLONE:
		k += sprintf(p + k, "clone %u 0x%llx\n", r->clone.child,
			     (unsigned long long)r->clone.flags);
		break;
	case TR_EXIT:
		k += sprintf(p + k, "exit %u%s\n", r->tid, r->exit.group ? " group" : "");
		break;
	case TR_EXEC:
		k += sprintf(p + k, "exec %u\n", r->exec.file);
		break;
	case TR_SWITCH:
		k += sprintf(p + k, "switch %u\n", r->tid);
		w->tid = r->tid;
		break;
	default:
		return -1;
	}
	w->len += (size_t)k;
	w->nrec++;
	return 0;
}
