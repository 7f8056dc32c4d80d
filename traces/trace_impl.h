/* SPDX-License-Identifier: MIT */
/* Internals shared by the trace encodings; not part of the library's API. */
#ifndef MMUSIM_TRACE_IMPL_H
#define MMUSIM_TRACE_IMPL_H

#include "trace.h"
#include "xio.h"
#include "native_records.h" /* the version 4 block header, the header flags */

#define TRACE_BUF (1 << 20)
#define TRACE_MAX_PATH 4096

struct lackey_state;

struct trace_reader {
	char *path;
	struct xin *in;
	enum trace_format fmt;
	unsigned char *buf;
	size_t pos, len;
	bool eof;
	char err[512];
	uint64_t nrec; /* records delivered so far */
	uint64_t line; /* text formats: lines consumed */
	uint32_t tid;  /* the running thread */
	char **files;  /* file id -> path; id 0 unused */
	uint32_t nfiles;
	/* native */
	uint64_t prev_iend, prev_daddr;
	bool ended;
	unsigned version;  /* of the native format: 1 or 2 */
	/* native version 2: the block being decoded ends at buf + blk_end */
	size_t blk_end;
	uint64_t nblk;	   /* blocks read so far */
	uint64_t blk_off;  /* offset in the (decompressed) trace of the next block */
	/* version 4: the records being decoded lie at cur .. cur_end */
	const uint8_t *cur, *cur_end;
	bool procs;		    /* the capture tool's streams, one a process */
	unsigned hflags;	    /* the header's flags byte (version 4) */
	struct native_procs *ps;    /* their state (native.c) */
	/* lackey */
	struct lackey_state *lk;
	struct xout *tee; /* a copy of the raw input goes here */
};

struct trace_writer {
	struct xout *out;
	enum trace_format fmt;
	unsigned char *buf;
	size_t len;
	uint64_t nrec;
	uint32_t tid;
	uint64_t prev_iend, prev_daddr;
	/* native: the block being filled starts at buf + blk_start */
	size_t blk_start;
	uint64_t nblk;
};

void trace_fail(struct trace_reader *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Makes at least need bytes available at buf+pos unless the input ends. */
int trace_fill(struct trace_reader *r, size_t need);
/* Returns the next line (NUL-terminated, newline removed) or NULL at end. */
char *trace_getline(struct trace_reader *r, size_t *len);
int trace_set_file(struct trace_reader *r, uint32_t id, const char *path, size_t n);

size_t native_read(struct trace_reader *r, struct trace_rec *out, size_t max);
size_t text_read(struct trace_reader *r, struct trace_rec *out, size_t max);
size_t lackey_read(struct trace_reader *r, struct trace_rec *out, size_t max);
int lackey_init(struct trace_reader *r);
void lackey_free(struct trace_reader *r);

void native_free(struct trace_reader *r);
/* The 16 bytes that start a native trace; flags: header byte 10. */
void native_header(uint8_t h[16], unsigned flags);
int native_write_header(struct trace_writer *w);
int native_write(struct trace_writer *w, const struct trace_rec *rec);
int native_write_end(struct trace_writer *w);
int text_write_header(struct trace_writer *w);
int text_write(struct trace_writer *w, const struct trace_rec *rec);
int trace_flush(struct trace_writer *w, size_t room);

#define NATIVE_MAGIC "MMUTRACE"
/*
 * Version 2 cuts the records into checksummed blocks (FORMAT.md); version 1
 * (a plain record stream) is still read.
 */
#define NATIVE_VERSION TRACE_NATIVE_VERSION
#define NATIVE_HEADER 16
#define NATIVE_BLOCK_HEADER 8	     /* versions 2, 3: u32 payload length, u32 checksum */
#define NATIVE_BLOCK_MAX (64 * 1024) /* payload bytes at most */
#define TEXT_MAGIC "mmutrace-text 1"

#endif
