// SPDX-License-Identifier: MIT
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "trace_impl.h"

const char *const trace_type_names[TR_NR_TYPES] = {
	[TR_INSTR] = "I",	    [TR_LOAD] = "R",	   [TR_STORE] = "W",
	[TR_MODIFY] = "M",	    [TR_FILE] = "file",	   [TR_SEGMENT] = "segment",
	[TR_MMAP] = "mmap",	    [TR_MUNMAP] = "munmap", [TR_MPROTECT] = "mprotect",
	[TR_BRK] = "brk",	    [TR_MREMAP] = "mremap", [TR_CLONE] = "clone",
	[TR_EXIT] = "exit",	    [TR_SWITCH] = "switch",   [TR_EXEC] = "exec",
};

const char *const trace_segment_kind_names[SEG_NR_KINDS] = { "anon", "file", "heap",
							      "stack" };

const char *const trace_format_names[3] = { "native", "text", "lackey" };

void trace_prot_string(uint32_t prot, char out[4])
{
	out[0] = prot & TR_PROT_READ ? 'r' : '-';
	out[1] = prot & TR_PROT_WRITE ? 'w' : '-';
	out[2] = prot & TR_PROT_EXEC ? 'x' : '-';
	out[3] = 0;
}

int trace_prot_parse(const char *s, uint32_t *prot)
{
	static const char letters[] = "rwx";

	if (strlen(s) != 3)
		return -1;
	*prot = 0;
	for (int i = 0; i < 3; i++) {
		if (s[i] == letters[i])
			*prot |= 1u << i;
		else if (s[i] != '-')
			return -1;
	}
	return 0;
}

void trace_fail(struct trace_reader *r, const char *fmt, ...)
{
	char msg[384];
	va_list ap;

	if (r->err[0])
		return; /* keep the first error */
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (r->fmt == TRACE_NATIVE)
		snprintf(r->err, sizeof(r->err), "%s: record %llu: %s", r->path,
			 (unsigned long long)r->nrec + 1, msg);
	else
		snprintf(r->err, sizeof(r->err), "%s: line %llu: %s", r->path,
			 (unsigned long long)r->line, msg);
}

int trace_fill(struct trace_reader *r, size_t need)
{
	if (r->len - r->pos >= need || r->eof)
		return 0;
	memmove(r->buf, r->buf + r->pos, r->len - r->pos);
	r->len -= r->pos;
	r->pos = 0;
	while (r->len < need && !r->eof) {
		long got = xin_read(r->in, r->buf + r->len, TRACE_BUF - r->len);

		if (got < 0) {
			trace_fail(r, "%s", xin_error(r->in));
			return -1;
		}
		r->eof = got == 0;
		if (r->tee && got > 0 && xout_write(r->tee, r->buf + r->len, (size_t)got)) {
			trace_fail(r, "writing the copy of the trace failed: %s", strerror(errno));
			return -1;
		}
		r->len += (size_t)got;
	}
	return 0;
}

char *trace_getline(struct trace_reader *r, size_t *len)
{
	for (;;) {
		unsigned char *start = r->buf + r->pos;
		unsigned char *nl = memchr(start, '\n', r->len - r->pos);

		if (nl) {
			*nl = 0;
			*len = (size_t)(nl - start);
			r->pos += *len + 1;
			r->line++;
			return (char *)start;
		}
		if (r->eof) {
			if (r->pos == r->len)
				return NULL;
			/* last line without a newline: NUL-terminate in place */
			if (r->len == TRACE_BUF) {
				trace_fail(r, "line longer than %d bytes", TRACE_BUF - 1);
				return NULL;
			}
			r->buf[r->len] = 0;
			*len = r->len - r->pos;
			r->pos = r->len;
			r->line++;
			return (char *)start;
		}
		if (r->pos == 0 && r->len == TRACE_BUF) {
			r->line++;
			trace_fail(r, "line longer than %d bytes", TRACE_BUF - 1);
			return NULL;
		}
		if (trace_fill(r, r->len - r->pos + 1))
			return NULL;
	}
}

int trace_set_file(struct trace_reader *r, uint32_t id, const char *path, size_t n)
{
	if (id == 0 || id > 1000000) {
		trace_fail(r, "file id %u out of range 1..1000000", id);
		return -1;
	}
	if (id >= r->nfiles) {
		uint32_t cap = id + 16;
		char **f = realloc(r->files, cap * sizeof(*f));

		if (!f) {
			trace_fail(r, "out of memory");
			return -1;
		}
		memset(f + r->nfiles, 0, (cap - r->nfiles) * sizeof(*f));
		r->files = f;
		r->nfiles = cap;
	}
	/*
	 * A file id names one file for the whole trace: records already
	 * handed out point at its path. Naming it again with the same path is
	 * harmless; naming another file with it is an error.
	 */
	if (r->files[id]) {
		if (strlen(r->files[id]) == n && !memcmp(r->files[id], path, n))
			return 0;
		trace_fail(r, "file id %u already names %s", id, r->files[id]);
		return -1;
	}
	r->files[id] = strndup(path, n);
	if (!r->files[id]) {
		trace_fail(r, "out of memory");
		return -1;
	}
	return 0;
}

const char *trace_file_path(const struct trace_reader *r, uint32_t id)
{
	return id < r->nfiles ? r->files[id] : NULL;
}

struct trace_reader *trace_open(const char *path, char *err, size_t errlen)
{
	struct trace_reader *r = calloc(1, sizeof(*r));

	if (!r || !(r->buf = malloc(TRACE_BUF + 1)) || !(r->path = strdup(path))) {
		snprintf(err, errlen, "%s: out of memory", path);
		trace_close(r);
		return NULL;
	}
	r->in = xin_open(path, err, errlen);
	if (!r->in) {
		trace_close(r);
		return NULL;
	}
	r->tid = 1;
	if (trace_fill(r, NATIVE_HEADER) < 0) {
		snprintf(err, errlen, "%s", r->err);
		trace_close(r);
		return NULL;
	}
	size_t have = r->len - r->pos;

	if (have < 8 && have > 0 && !memcmp(r->buf, NATIVE_MAGIC, have)) {
		snprintf(err, errlen, "%s: truncated native header", path);
		trace_close(r);
		return NULL;
	}
	if (have >= 8 && !memcmp(r->buf, NATIVE_MAGIC, 8)) {
		r->fmt = TRACE_NATIVE;
		if (have < NATIVE_HEADER) {
			snprintf(err, errlen, "%s: truncated native header", path);
			trace_close(r);
			return NULL;
		}
		unsigned version = r->buf[8] | r->buf[9] << 8;

		if (version < 1 || version > NATIVE_VERSION) {
			snprintf(err, errlen,
				 "%s: native trace version %u, this mmusim reads versions 1 to %d",
				 path, version, NATIVE_VERSION);
			trace_close(r);
			return NULL;
		}
		/* byte 10 holds flags from version 4 on */
		unsigned flags = version >= 4 ? r->buf[10] : 0;

		if (version >= 2 && (memcmp(r->buf + 11, "\0\0\0\0\0", 5) ||
				     (version < 4 && r->buf[10]) || (flags & ~(NATIVE_FLAG_PROCS | NATIVE_FLAG_ARM64)))) {
			snprintf(err, errlen, "%s: corrupt native header (bytes 10..15)", path);
			trace_close(r);
			return NULL;
		}
		r->version = version;
		r->procs = flags & NATIVE_FLAG_PROCS;
		r->hflags = flags;
		r->pos = NATIVE_HEADER;
		r->blk_off = NATIVE_HEADER;
	} else if (have >= strlen(TEXT_MAGIC) &&
		   !memcmp(r->buf, TEXT_MAGIC, strlen(TEXT_MAGIC))) {
		r->fmt = TRACE_TEXT;
	} else if (have == 0) {
		snprintf(err, errlen, "%s: empty file, not a trace", path);
		trace_close(r);
		return NULL;
	} else {
		r->fmt = TRACE_LACKEY;
		if (lackey_init(r)) {
			snprintf(err, errlen, "%s: out of memory", path);
			trace_close(r);
			return NULL;
		}
	}
	return r;
}

size_t trace_read(struct trace_reader *r, struct trace_rec *buf, size_t max)
{
	if (r->err[0])
		return 0;
	switch (r->fmt) {
	case TRACE_NATIVE:
		return native_read(r, buf, max);
	case TRACE_TEXT:
		return text_read(r, buf, max);
	default:
		return lackey_read(r, buf, max);
	}
}

int trace_tee(struct trace_reader *r, struct xout *out)
{
	/* trace_open has only filled the buffer: it holds the input from byte 0 */
	if (r->pos > NATIVE_HEADER || (r->len && xout_write(out, r->buf, r->len)))
		return -1;
	r->tee = out;
	return 0;
}

const char *trace_error(const struct trace_reader *r)
{
	return r->err[0] ? r->err : NULL;
}

enum trace_format trace_format(const struct trace_reader *r)
{
	return r->fmt;
}

bool trace_is_arm64(const struct trace_reader *r)
{
	return r->fmt == TRACE_NATIVE && (r->hflags & NATIVE_FLAG_ARM64);
}

uint64_t trace_bytes(const struct trace_reader *r)
{
	return r->fmt == TRACE_NATIVE ? r->blk_off : 0; /* (native version 2 on) */
}

void trace_close(struct trace_reader *r)
{
	if (!r)
		return;
	if (r->fmt == TRACE_LACKEY)
		lackey_free(r);
	if (r->fmt == TRACE_NATIVE)
		native_free(r);
	xin_close(r->in);
	for (uint32_t i = 0; i < r->nfiles; i++)
		free(r->files[i]);
	free(r->files);
	free(r->buf);
	free(r->path);
	free(r);
}

/* ---- writer ---- */

struct trace_writer *trace_create(const char *path, enum trace_format fmt, int level,
				  char *err, size_t errlen)
{
	struct trace_writer *w = calloc(1, sizeof(*w));

	if (fmt == TRACE_LACKEY) {
		snprintf(err, errlen, "%s: lackey is a format mmusim reads, not writes",
			 path);
		free(w);
		return NULL;
	}
	if (!w || !(w->buf = malloc(TRACE_BUF))) {
		snprintf(err, errlen, "%s: out of memory", path);
		free(w);
		return NULL;
	}
	w->fmt = fmt;
	w->tid = 1;
	w->out = xout_create(path, level, err, errlen);
	if (!w->out) {
		free(w->buf);
		free(w);
		return NULL;
	}
	if (fmt == TRACE_NATIVE ? native_write_header(w) : text_write_header(w)) {
		snprintf(err, errlen, "%s: write failed", path);
		trace_abort(w);
		return NULL;
	}
	return w;
}

int trace_flush(struct trace_writer *w, size_t room)
{
	if (TRACE_BUF - w->len >= room)
		return 0;
	if (xout_write(w->out, w->buf, w->len))
		return -1;
	w->len = 0;
	return 0;
}

int trace_write(struct trace_writer *w, const struct trace_rec *recs, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		int rc = w->fmt == TRACE_NATIVE ? native_write(w, &recs[i])
						: text_write(w, &recs[i]);
		if (rc)
			return -1;
	}
	return 0;
}

int trace_commit(struct trace_writer *w, char *err, size_t errlen)
{
	int rc = 0;

	if (w->fmt == TRACE_NATIVE)
		rc = native_write_end(w);
	if (!rc && w->len)
		rc = xout_write(w->out, w->buf, w->len);
	if (rc) {
		xout_abort(w->out);
		snprintf(err, errlen, "write failed");
	} else {
		rc = xout_commit(w->out, err, errlen);
	}
	free(w->buf);
	free(w);
	return rc;
}

void trace_abort(struct trace_writer *w)
{
	if (!w)
		return;
	xout_abort(w->out);
	free(w->buf);
	free(w);
}
