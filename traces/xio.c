// SPDX-License-Identifier: MIT
#include "xio.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#define XIO_BUF (256 * 1024)

struct xin {
	int fd;
	enum xio_codec codec;
	char err[256];
	/* raw bytes from the file, for the decompressors and magic sniffing */
	unsigned char *raw;
	size_t raw_pos, raw_len;
	int raw_eof;
	z_stream z;
	ZSTD_DCtx *zd;
	int frame_done; /* zstd: last frame ended exactly at a frame boundary */
	int done;
};

static void set_err(char *dst, size_t n, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(dst, n, fmt, ap);
	va_end(ap);
}

static int fill_raw(struct xin *in)
{
	if (in->raw_pos < in->raw_len || in->raw_eof)
		return 0;
	ssize_t got;

	do
		got = read(in->fd, in->raw, XIO_BUF);
	while (got < 0 && errno == EINTR);
	if (got < 0) {
		set_err(in->err, sizeof(in->err), "read error: %s", strerror(errno));
		return -1;
	}
	in->raw_pos = 0;
	in->raw_len = (size_t)got;
	in->raw_eof = got == 0;
	return 0;
}

struct xin *xin_open(const char *path, char *err, size_t errlen)
{
	struct xin *in = calloc(1, sizeof(*in));

	if (!in || !(in->raw = malloc(XIO_BUF))) {
		set_err(err, errlen, "%s: out of memory", path);
		free(in);
		return NULL;
	}
	in->fd = strcmp(path, "-") ? open(path, O_RDONLY) : STDIN_FILENO;
	if (in->fd < 0) {
		set_err(err, errlen, "%s: cannot open: %s", path, strerror(errno));
		free(in->raw);
		free(in);
		return NULL;
	}
	/* Gather up to 4 bytes for the magic number (pipes may deliver fewer). */
	while (in->raw_len < 4 && !in->raw_eof) {
		ssize_t got = read(in->fd, in->raw + in->raw_len, XIO_BUF - in->raw_len);

		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			set_err(err, errlen, "%s: read error: %s", path, strerror(errno));
			xin_close(in);
			return NULL;
		}
		in->raw_len += (size_t)got;
		in->raw_eof = got == 0;
	}
	const unsigned char *m = in->raw;

	if (in->raw_len >= 2 && m[0] == 0x1f && m[1] == 0x8b) {
		in->codec = XIO_GZIP;
		/* 16 + MAX_WBITS: gzip wrapper; concatenated members handled below */
		if (inflateInit2(&in->z, 16 + MAX_WBITS) != Z_OK) {
			set_err(err, errlen, "%s: zlib init failed", path);
			xin_close(in);
			return NULL;
		}
	} else if (in->raw_len >= 4 && m[0] == 0x28 && m[1] == 0xb5 && m[2] == 0x2f &&
		   m[3] == 0xfd) {
		in->codec = XIO_ZSTD;
		in->zd = ZSTD_createDCtx();
		if (!in->zd) {
			set_err(err, errlen, "%s: zstd init failed", path);
			xin_close(in);
			return NULL;
		}
	}
	return in;
}

static long read_plain(struct xin *in, unsigned char *buf, size_t n)
{
	if (fill_raw(in))
		return -1;
	size_t k = in->raw_len - in->raw_pos;

	if (k > n)
		k = n;
	memcpy(buf, in->raw + in->raw_pos, k);
	in->raw_pos += k;
	return (long)k;
}

static long read_gzip(struct xin *in, unsigned char *buf, size_t n)
{
	in->z.next_out = buf;
	in->z.avail_out = (uInt)n;
	while (in->z.avail_out == n) {
		if (fill_raw(in))
			return -1;
		if (in->raw_eof) {
			if (in->done)
				return 0;
			set_err(in->err, sizeof(in->err),
				"truncated gzip stream (compressed data ends early)");
			return -1;
		}
		in->z.next_in = in->raw + in->raw_pos;
		in->z.avail_in = (uInt)(in->raw_len - in->raw_pos);
		int rc = inflate(&in->z, Z_NO_FLUSH);

		in->raw_pos = in->raw_len - in->z.avail_in;
		if (rc == Z_STREAM_END) {
			in->done = 1;
			inflateReset(&in->z); /* another member may follow */
		} else if (rc == Z_OK || rc == Z_BUF_ERROR) {
			in->done = 0;
		} else {
			set_err(in->err, sizeof(in->err), "corrupt gzip data: %s",
				in->z.msg ? in->z.msg : "inflate error");
			return -1;
		}
		if (in->done && in->z.avail_out != n)
			break;
	}
	return (long)(n - in->z.avail_out);
}

static long read_zstd(struct xin *in, unsigned char *buf, size_t n)
{
	ZSTD_outBuffer out = { buf, n, 0 };

	while (out.pos == 0) {
		if (fill_raw(in))
			return -1;
		if (in->raw_eof) {
			if (in->frame_done)
				return 0;
			set_err(in->err, sizeof(in->err),
				"truncated zstd stream (compressed data ends early)");
			return -1;
		}
		ZSTD_inBuffer zin = { in->raw, in->raw_len, in->raw_pos };
		size_t rc = ZSTD_decompressStream(in->zd, &out, &zin);

		in->raw_pos = zin.pos;
		if (ZSTD_isError(rc)) {
			set_err(in->err, sizeof(in->err), "corrupt zstd data: %s",
				ZSTD_getErrorName(rc));
			return -1;
		}
		in->frame_done = rc == 0;
	}
	return (long)out.pos;
}

long xin_read(struct xin *in, void *buf, size_t n)
{
	switch (in->codec) {
	case XIO_GZIP:
		return read_gzip(in, buf, n);
	case XIO_ZSTD:
		return read_zstd(in, buf, n);
	default:
		return read_plain(in, buf, n);
	}
}

const char *xin_error(const struct xin *in)
{
	return in->err;
}

enum xio_codec xin_codec(const struct xin *in)
{
	return in->codec;
}

void xin_close(struct xin *in)
{
	if (!in)
		return;
	if (in->codec == XIO_GZIP)
		inflateEnd(&in->z);
	ZSTD_freeDCtx(in->zd);
	if (in->fd > STDIN_FILENO)
		close(in->fd);
	free(in->raw);
	free(in);
}

/* ---- output ---- */

/*
 * The temporary files of outputs not yet committed. If SIGINT, SIGTERM or
 * SIGHUP ends the program, they are removed and it says so: an interrupted
 * capture or conversion leaves nothing behind. One list per process: the
 * signal handler can reach nothing else.
 */
#define XOUT_PENDING 16
static const char *volatile xout_pending[XOUT_PENDING];

static void say(const char *s)
{
	ssize_t rc = write(STDERR_FILENO, s, strlen(s));

	(void)rc;
}

static void xout_on_signal(int sig)
{
	for (int i = 0; i < XOUT_PENDING; i++) {
		const char *tmp = xout_pending[i];

		if (!tmp)
			continue;
		unlink(tmp);
		say("interrupted: removed the unfinished ");
		say(tmp);
		say(", nothing was written in its place\n");
	}
	signal(sig, SIG_DFL);
	raise(sig);
}

static void xout_track(const char *tmp)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP };
	static int installed;

	if (!installed) {
		for (int i = 0; i < 3; i++) {
			struct sigaction sa, old;

			memset(&sa, 0, sizeof(sa));
			sa.sa_handler = xout_on_signal;
			sigemptyset(&sa.sa_mask);
			/* a signal the caller ignores (nohup, a background job) stays so */
			if (!sigaction(sigs[i], NULL, &old) && old.sa_handler == SIG_DFL)
				sigaction(sigs[i], &sa, NULL);
		}
		installed = 1;
	}
	for (int i = 0; i < XOUT_PENDING; i++) {
		if (!xout_pending[i]) {
			xout_pending[i] = tmp;
			return;
		}
	}
}

static void xout_untrack(const char *tmp)
{
	for (int i = 0; i < XOUT_PENDING; i++)
		if (tmp && xout_pending[i] == tmp)
			xout_pending[i] = NULL;
}

struct xout {
	int fd;
	enum xio_codec codec;
	char *path, *tmp;
	unsigned char *buf;
	z_stream z;
	ZSTD_CCtx *zc;
	int failed;
	int err_no;
};

static int ends_with(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);

	return a >= b && !strcmp(s + a - b, suffix);
}

enum xio_codec xio_codec_for_path(const char *path)
{
	if (ends_with(path, ".zst"))
		return XIO_ZSTD;
	if (ends_with(path, ".gz"))
		return XIO_GZIP;
	return XIO_PLAIN;
}

static int write_all(struct xout *o, const void *p, size_t n)
{
	const char *c = p;

	while (n && !o->failed) {
		ssize_t k = write(o->fd, c, n);

		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0) {
			o->failed = 1;
			o->err_no = errno;
			break;
		}
		c += k;
		n -= (size_t)k;
	}
	return o->failed ? -1 : 0;
}

struct xout *xout_create(const char *path, int level, char *err, size_t errlen)
{
	struct xout *o = calloc(1, sizeof(*o));

	if (!o || !(o->buf = malloc(XIO_BUF))) {
		set_err(err, errlen, "%s: out of memory", path);
		free(o);
		return NULL;
	}
	if (!strcmp(path, "-")) {
		o->fd = STDOUT_FILENO;
		o->codec = XIO_PLAIN;
	} else {
		o->codec = xio_codec_for_path(path);
		o->path = strdup(path);
		o->tmp = malloc(strlen(path) + 16);
		if (!o->path || !o->tmp) {
			set_err(err, errlen, "%s: out of memory", path);
			xout_abort(o);
			return NULL;
		}
		sprintf(o->tmp, "%s.tmp.XXXXXX", path);
		o->fd = mkstemp(o->tmp);
		if (o->fd < 0) {
			set_err(err, errlen, "%s: cannot create: %s", path, strerror(errno));
			free(o->tmp);
			o->tmp = NULL;
			xout_abort(o);
			return NULL;
		}
		fchmod(o->fd, 0644);
		xout_track(o->tmp);
	}
	if (o->codec == XIO_GZIP) {
		if (deflateInit2(&o->z, level ? level : 6, Z_DEFLATED, 16 + MAX_WBITS, 9,
				 Z_DEFAULT_STRATEGY) != Z_OK) {
			set_err(err, errlen, "%s: zlib init failed", path);
			xout_abort(o);
			return NULL;
		}
	} else if (o->codec == XIO_ZSTD) {
		o->zc = ZSTD_createCCtx();
		if (!o->zc) {
			set_err(err, errlen, "%s: zstd init failed", path);
			xout_abort(o);
			return NULL;
		}
		ZSTD_CCtx_setParameter(o->zc, ZSTD_c_compressionLevel, level ? level : 9);
		ZSTD_CCtx_setParameter(o->zc, ZSTD_c_checksumFlag, 1);
	}
	return o;
}

static int compress_some(struct xout *o, const void *p, size_t n, int finish)
{
	if (o->codec == XIO_GZIP) {
		o->z.next_in = (Bytef *)p;
		o->z.avail_in = (uInt)n;
		int rc;

		do {
			o->z.next_out = o->buf;
			o->z.avail_out = XIO_BUF;
			rc = deflate(&o->z, finish ? Z_FINISH : Z_NO_FLUSH);
			if (rc == Z_STREAM_ERROR)
				return -1;
			if (write_all(o, o->buf, XIO_BUF - o->z.avail_out))
				return -1;
		} while (o->z.avail_out == 0 || (finish && rc != Z_STREAM_END));
		return 0;
	}
	ZSTD_inBuffer in = { p, n, 0 };
	size_t left;

	do {
		ZSTD_outBuffer out = { o->buf, XIO_BUF, 0 };

		left = ZSTD_compressStream2(o->zc, &out, &in,
					    finish ? ZSTD_e_end : ZSTD_e_continue);
		if (ZSTD_isError(left))
			return -1;
		if (write_all(o, o->buf, out.pos))
			return -1;
	} while (finish ? left != 0 : in.pos < in.size);
	return 0;
}

int xout_write(struct xout *o, const void *buf, size_t n)
{
	if (o->failed)
		return -1;
	if (o->codec == XIO_PLAIN)
		return write_all(o, buf, n);
	if (compress_some(o, buf, n, 0))
		o->failed = 1;
	return o->failed ? -1 : 0;
}

static void xout_free(struct xout *o)
{
	xout_untrack(o->tmp);
	if (o->codec == XIO_GZIP)
		deflateEnd(&o->z);
	ZSTD_freeCCtx(o->zc);
	free(o->buf);
	free(o->path);
	free(o->tmp);
	free(o);
}

int xout_commit(struct xout *o, char *err, size_t errlen)
{
	const char *name = o->path ? o->path : "standard output";

	if (!o->failed && o->codec != XIO_PLAIN && compress_some(o, NULL, 0, 1))
		o->failed = 1;
	if (!o->failed && o->tmp && fsync(o->fd) && errno != EINVAL)
		o->failed = 1, o->err_no = errno;
	if (o->tmp && close(o->fd) && !o->failed)
		o->failed = 1, o->err_no = errno;
	if (!o->failed && o->tmp && rename(o->tmp, o->path))
		o->failed = 1, o->err_no = errno;
	if (o->failed) {
		set_err(err, errlen, "%s: write failed: %s", name,
			o->err_no ? strerror(o->err_no) : "compression error");
		if (o->tmp)
			unlink(o->tmp);
		xout_free(o);
		return -1;
	}
	xout_free(o);
	return 0;
}

void xout_abort(struct xout *o)
{
	if (!o)
		return;
	if (o->tmp) {
		close(o->fd);
		unlink(o->tmp);
	}
	xout_free(o);
}
