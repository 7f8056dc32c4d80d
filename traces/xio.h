/* SPDX-License-Identifier: MIT */
/*
 * Byte streams under the trace formats: plain, gzip (zlib) and zstd,
 * recognised on input by their magic numbers and chosen on output by the
 * file name's suffix. Output goes to a temporary file that is renamed over
 * the target only when complete, so a failed write leaves nothing behind.
 */
#ifndef MMUSIM_XIO_H
#define MMUSIM_XIO_H

#include <stddef.h>
#include <stdio.h>

enum xio_codec { XIO_PLAIN, XIO_GZIP, XIO_ZSTD };

struct xin;
struct xout;

/* path "-" is standard input. On failure returns NULL with a message. */
struct xin *xin_open(const char *path, char *err, size_t errlen);
/* Reads up to n bytes; returns 0 at end, -1 on error (see xin_error). */
long xin_read(struct xin *in, void *buf, size_t n);
const char *xin_error(const struct xin *in);
enum xio_codec xin_codec(const struct xin *in);
void xin_close(struct xin *in);

enum xio_codec xio_codec_for_path(const char *path);
/* path "-" is standard output (plain). level: compression level, 0 default. */
struct xout *xout_create(const char *path, int level, char *err, size_t errlen);
int xout_write(struct xout *out, const void *buf, size_t n);
/* Flushes, closes and renames into place; returns 0 or -1 with a message. */
int xout_commit(struct xout *out, char *err, size_t errlen);
/* Closes and removes the partial file. */
void xout_abort(struct xout *out);

#endif
