// SPDX-License-Identifier: MIT
/*
 * The native binary trace format; traces/FORMAT.md is its specification.
 * Accesses take one tag byte, plus a zigzag LEB128 address delta unless an
 * instruction follows straight on from the previous one.
 *
 * Version 2 carries the same records in blocks of at most 64 KiB, each with
 * its length and an XXH3 checksum, and no record crosses a block: the block
 * layer (native_next_block, native_close_block) is the only difference from
 * version 1, whose plain record stream is still read. New record types go
 * into decode_event and native_write alone.
 */
#include <string.h>

#define XXH_INLINE_ALL
#include <xxhash.h>

#include "native_tags.h"
#include "trace_impl.h"

#define MAX_EVENT_BYTES (1 + 8 * 10)

/* ---- decoding ---- */

struct cursor {
	const uint8_t *p, *end;
	bool bad;
};

static uint64_t get_u(struct cursor *c)
{
	uint64_t v = 0;

	for (unsigned shift = 0; shift < 64; shift += 7) {
		if (c->p >= c->end) {
			c->bad = true;
			return 0;
		}
		uint8_t b = *c->p++;

		v |= (uint64_t)(b & 0x7f) << shift;
		if (!(b & 0x80))
			return v;
	}
	c->bad = true;
	return 0;
}

static uint64_t get_s(struct cursor *c)
{
	uint64_t z = get_u(c);

	return (z >> 1) ^ -(z & 1);
}

static uint32_t get_u32(struct cursor *c, struct trace_reader *r, const char *what)
{
	uint64_t v = get_u(c);

	if (v > UINT32_MAX && !c->bad) {
		trace_fail(r, "%s %llu out of range", what, (unsigned long long)v);
		c->bad = true;
	}
	return (uint32_t)v;
}

static int decode_event(struct trace_reader *r, struct cursor *c, uint8_t tag,
			struct trace_rec *o)
{
	o->tid = r->tid;
	switch (tag) {
	case TAG_ACCESS: {
		uint64_t kind = get_u(c);

		o->size = (uint16_t)get_u(c);
		if (kind > TR_MODIFY || o->size == 0) {
			trace_fail(r, "bad access kind %llu or size 0",
				   (unsigned long long)kind);
			return -1;
		}
		o->type = (uint8_t)kind;
		if (kind == TR_INSTR) {
			o->addr = r->prev_iend + get_s(c);
			r->prev_iend = o->addr + o->size;
		} else {
			o->addr = r->prev_daddr + get_s(c);
			r->prev_daddr = o->addr;
		}
		break;
	}
	case TAG_SWITCH:
		o->type = TR_SWITCH;
		o->tid = r->tid = get_u32(c, r, "thread id");
		break;
	case TAG_SEGMENT:
	case TAG_MMAP:
		o->type = tag == TAG_SEGMENT ? TR_SEGMENT : TR_MMAP;
		o->addr = get_u(c);
		o->len = get_u(c);
		o->map.prot = get_u32(c, r, "prot");
		o->map.flags = get_u32(c, r, "flags");
		o->map.kind = (uint8_t)get_u(c);
		o->map.file = get_u32(c, r, "file id");
		o->map.offset = get_u(c);
		/* version 3: the file's size + 1, 0 if not known */
		if (r->version >= 3) {
			uint64_t z = get_u(c);

			o->map.sized = z != 0;
			o->map.isize = z - 1;
		} else {
			o->map.sized = false;
		}
		if (o->type == TR_SEGMENT && o->map.kind >= SEG_NR_KINDS && !c->bad) {
			trace_fail(r, "segment kind %u unknown", o->map.kind);
			return -1;
		}
		break;
	case TAG_MUNMAP:
	case TAG_MPROTECT:
		o->type = tag == TAG_MUNMAP ? TR_MUNMAP : TR_MPROTECT;
		o->addr = get_u(c);
		o->len = get_u(c);
		if (tag == TAG_MPROTECT)
			o->map.prot = get_u32(c, r, "prot");
		break;
	case TAG_BRK:
		o->type = TR_BRK;
		o->addr = get_u(c);
		break;
	case TAG_MREMAP:
		o->type = TR_MREMAP;
		o->addr = get_u(c);
		o->len = get_u(c);
		o->remap.addr = get_u(c);
		o->remap.len = get_u(c);
		o->remap.flags = get_u32(c, r, "flags");
		break;
	case TAG_CLONE:
		o->type = TR_CLONE;
		o->clone.child = get_u32(c, r, "thread id");
		o->clone.flags = get_u(c);
		break;
	case TAG_EXIT:
		o->type = TR_EXIT;
		o->tid = get_u32(c, r, "thread id");
		o->exit.group = get_u(c) != 0;
		break;
	case TAG_EXEC:
		o->type = TR_EXEC;
		o->exec.file = get_u32(c, r, "file id");
		break;
	case TAG_FILE: {
		o->type = TR_FILE;
		o->file.id = get_u32(c, r, "file id");
		uint64_t n = get_u(c);

		if (c->bad)
			break;
		if (n > TRACE_MAX_PATH || n > (uint64_t)(c->end - c->p)) {
			trace_fail(r, "file name of %llu bytes is too long or truncated",
				   (unsigned long long)n);
			return -1;
		}
		if (trace_set_file(r, o->file.id, (const char *)c->p, n))
			return -1;
		o->file.path = r->files[o->file.id];
		c->p += n;
		break;
	}
	default:
		trace_fail(r, "unknown record tag 0x%02x", tag);
		return -1;
	}
	if (c->bad) {
		trace_fail(r, "%s record truncated or malformed",
			   trace_type_names[o->type]);
		return -1;
	}
	return 0;
}

static int decode_end(struct trace_reader *r, struct cursor *c)
{
	uint64_t count = get_u(c);

	if (c->bad) {
		trace_fail(r, "end record truncated");
		return -1;
	}
	if (count != r->nrec) {
		trace_fail(r, "end record counts %llu records, the file holds %llu",
			   (unsigned long long)count, (unsigned long long)r->nrec);
		return -1;
	}
	r->ended = true;
	return 0;
}

/* The three compact access forms; returns false if the tag or data is bad. */
static inline bool decode_access(struct trace_reader *r, struct cursor *c, uint8_t tag,
				 struct trace_rec *o)
{
	o->tid = r->tid;
	if (tag < TAG_IJUMP) {
		o->type = TR_INSTR;
		o->size = tag;
		o->addr = r->prev_iend;
		r->prev_iend += tag;
		return tag != 0;
	}
	if (tag < TAG_DATA) {
		o->type = TR_INSTR;
		o->size = tag & 0x3f;
		o->addr = r->prev_iend + get_s(c);
		r->prev_iend = o->addr + o->size;
		return o->size != 0 && !c->bad;
	}
	unsigned kind = (tag >> 4) & 3, lg = tag & 15;

	o->type = (uint8_t)(TR_LOAD + kind);
	o->size = (uint16_t)(1u << (lg & 15));
	o->addr = r->prev_daddr + get_s(c);
	r->prev_daddr = o->addr;
	return kind != 3 && lg <= 9 && !c->bad;
}

static uint32_t get_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static void put_le32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> 8 * i);
}

/*
 * A block's checksum: XXH3 of its payload, seeded with its number; from
 * version 3 on with the version in the seed's top byte too, so that a
 * header whose version was changed is refused at the first block.
 */
static uint32_t block_checksum(const uint8_t *p, size_t n, uint64_t blk, unsigned version)
{
	uint64_t seed = version >= 3 ? blk | (uint64_t)version << 56 : blk;

	return (uint32_t)XXH3_64bits_withSeed(p, n, seed);
}

/*
 * Version 2: brings the next block whole into the buffer and checks it; its
 * records then lie at buf + pos .. buf + blk_end.
 */
static int native_next_block(struct trace_reader *r)
{
	unsigned long long blk = (unsigned long long)r->nblk, off = r->blk_off;

	if (trace_fill(r, NATIVE_BLOCK_HEADER))
		return -1;
	size_t have = r->len - r->pos;

	if (have == 0) {
		trace_fail(r, "truncated: the trace ends after block %llu without its end record",
			   blk ? blk - 1 : 0);
		return -1;
	}
	if (have < NATIVE_BLOCK_HEADER) {
		trace_fail(r, "truncated: block %llu (byte %llu) ends within its header", blk, off);
		return -1;
	}
	const uint8_t *h = r->buf + r->pos;
	uint32_t len = get_le32(h), sum = get_le32(h + 4);

	if (len == 0 || len > NATIVE_BLOCK_MAX) {
		trace_fail(r, "block %llu (byte %llu): length %u out of range 1..%d: the trace is corrupt",
			   blk, off, len, NATIVE_BLOCK_MAX);
		return -1;
	}
	if (trace_fill(r, NATIVE_BLOCK_HEADER + (size_t)len))
		return -1;
	if (r->len - r->pos < NATIVE_BLOCK_HEADER + (size_t)len) {
		trace_fail(r, "truncated: block %llu (byte %llu) holds %zu of its %u bytes", blk,
			   off, r->len - r->pos - NATIVE_BLOCK_HEADER, len);
		return -1;
	}
	h = r->buf + r->pos; /* trace_fill may have moved it */
	if (block_checksum(h + NATIVE_BLOCK_HEADER, len, r->nblk, r->version) != sum) {
		trace_fail(r, "block %llu (bytes %llu..%llu): checksum mismatch: the trace is corrupt",
			   blk, off, off + NATIVE_BLOCK_HEADER + len - 1);
		return -1;
	}
	r->pos += NATIVE_BLOCK_HEADER;
	r->blk_end = r->pos + len;
	r->blk_off += NATIVE_BLOCK_HEADER + len;
	r->nblk++;
	return 0;
}

size_t native_read(struct trace_reader *r, struct trace_rec *out, size_t max)
{
	size_t n = 0;

	while (n < max && !r->ended) {
		size_t end;
		bool whole; /* no more bytes will come after buf + end */

		if (r->version >= 2) {
			/* a block holds whole records */
			if (r->pos == r->blk_end && native_next_block(r))
				return 0;
			end = r->blk_end;
			whole = true;
		} else {
			/* Events can be long (file names); accesses need at most 11 bytes. */
			if (trace_fill(r, MAX_EVENT_BYTES + TRACE_MAX_PATH))
				return 0;
			if (r->pos == r->len) {
				trace_fail(r, "truncated: the trace ends without its end record");
				return 0;
			}
			end = r->len;
			whole = r->eof;
		}
		struct cursor c = { r->buf + r->pos, r->buf + end, false };
		const uint8_t *safe = end - r->pos > 11 ? c.end - 11 : c.p;

		/* Fast path: accesses while the buffer surely holds a whole one. */
		while (n < max && c.p < safe && *c.p < TAG_ACCESS) {
			const uint8_t *at = c.p;
			uint8_t tag = *c.p++;

			if (!decode_access(r, &c, tag, &out[n])) {
				c.p = at; /* report it below, the careful way */
				break;
			}
			n++;
			r->nrec++;
		}
		r->pos = (size_t)(c.p - r->buf);
		if (n == max || c.p == c.end ||
		    (!whole && (size_t)(c.end - c.p) < MAX_EVENT_BYTES + TRACE_MAX_PATH))
			continue; /* done, or refill first */
		/* One record the careful way: an event, a bad access, or the tail. */
		uint8_t tag = *c.p++;

		if (tag == TAG_END) {
			if (decode_end(r, &c))
				return 0;
		} else if (tag < TAG_ACCESS) {
			if (!decode_access(r, &c, tag, &out[n])) {
				trace_fail(r, "access record (tag 0x%02x) truncated or malformed",
					   tag);
				return 0;
			}
			n++;
			r->nrec++;
		} else {
			if (decode_event(r, &c, tag, &out[n]))
				return 0;
			n++;
			r->nrec++;
		}
		r->pos = (size_t)(c.p - r->buf);
	}
	if (r->ended) {
		/* Nothing may follow the end record, in its block or after it. */
		if (trace_fill(r, 1))
			return 0;
		if (r->pos != r->len) {
			trace_fail(r, "data after the end record");
			return 0;
		}
	}
	return n;
}

/* ---- encoding ---- */

static uint8_t *put_u(uint8_t *p, uint64_t v)
{
	while (v >= 0x80) {
		*p++ = (uint8_t)(v | 0x80);
		v >>= 7;
	}
	*p++ = (uint8_t)v;
	return p;
}

static uint8_t *put_s(uint8_t *p, int64_t v)
{
	return put_u(p, ((uint64_t)v << 1) ^ -((uint64_t)v >> 63));
}

int native_write_header(struct trace_writer *w)
{
	uint8_t h[NATIVE_HEADER] = { 0 };

	memcpy(h, NATIVE_MAGIC, 8);
	h[8] = NATIVE_VERSION & 0xff;
	h[9] = NATIVE_VERSION >> 8;
	memcpy(w->buf, h, sizeof(h));
	/* the first block's header goes in when the block is closed */
	w->blk_start = sizeof(h);
	w->len = w->blk_start + NATIVE_BLOCK_HEADER;
	return 0;
}

/* Fills in the block's header, writes the buffer out and starts a new block. */
static int native_close_block(struct trace_writer *w)
{
	uint8_t *h = w->buf + w->blk_start;
	size_t n = w->len - w->blk_start - NATIVE_BLOCK_HEADER;

	put_le32(h, (uint32_t)n);
	put_le32(h + 4, block_checksum(h + NATIVE_BLOCK_HEADER, n, w->nblk, NATIVE_VERSION));
	w->nblk++;
	if (xout_write(w->out, w->buf, w->len))
		return -1;
	w->blk_start = 0;
	w->len = NATIVE_BLOCK_HEADER;
	return 0;
}

/* Closes the block first unless room more bytes fit into it. */
static int native_block_room(struct trace_writer *w, size_t room)
{
	if (w->len - w->blk_start - NATIVE_BLOCK_HEADER + room <= NATIVE_BLOCK_MAX)
		return 0;
	return native_close_block(w);
}

static int log2_size(unsigned size)
{
	for (int lg = 0; lg <= 9; lg++)
		if (size == 1u << lg)
			return lg;
	return -1;
}

static uint8_t *encode_access(struct trace_writer *w, uint8_t *p, const struct trace_rec *r)
{
	if (r->type == TR_INSTR && r->size < 0x40) {
		if (r->addr == w->prev_iend) {
			*p++ = (uint8_t)r->size;
		} else {
			*p++ = (uint8_t)(TAG_IJUMP | r->size);
			p = put_s(p, (int64_t)(r->addr - w->prev_iend));
		}
		w->prev_iend = r->addr + r->size;
		return p;
	}
	int lg = log2_size(r->size);

	if (r->type != TR_INSTR && lg >= 0) {
		*p++ = (uint8_t)(TAG_DATA | (r->type - TR_LOAD) << 4 | lg);
		p = put_s(p, (int64_t)(r->addr - w->prev_daddr));
		w->prev_daddr = r->addr;
		return p;
	}
	*p++ = TAG_ACCESS;
	p = put_u(p, r->type);
	p = put_u(p, r->size);
	if (r->type == TR_INSTR) {
		p = put_s(p, (int64_t)(r->addr - w->prev_iend));
		w->prev_iend = r->addr + r->size;
	} else {
		p = put_s(p, (int64_t)(r->addr - w->prev_daddr));
		w->prev_daddr = r->addr;
	}
	return p;
}

int native_write(struct trace_writer *w, const struct trace_rec *r)
{
	/* a switch, then the longest record (a file name) */
	size_t room = 2 * MAX_EVENT_BYTES + TRACE_MAX_PATH;

	if (native_block_room(w, room))
		return -1;
	uint8_t *p = w->buf + w->len;

	if (r->type != TR_SWITCH && r->type != TR_EXIT && r->tid != w->tid) {
		/* The record belongs to another thread: switch to it first. */
		*p++ = TAG_SWITCH;
		p = put_u(p, r->tid);
		w->tid = r->tid;
		w->nrec++;
	}
	switch (r->type) {
	case TR_INSTR:
	case TR_LOAD:
	case TR_STORE:
	case TR_MODIFY:
		if (r->size == 0)
			return -1;
		p = encode_access(w, p, r);
		break;
	case TR_SWITCH:
		*p++ = TAG_SWITCH;
		p = put_u(p, r->tid);
		w->tid = r->tid;
		break;
	case TR_SEGMENT:
	case TR_MMAP:
		*p++ = r->type == TR_SEGMENT ? TAG_SEGMENT : TAG_MMAP;
		p = put_u(p, r->addr);
		p = put_u(p, r->len);
		p = put_u(p, r->map.prot);
		p = put_u(p, r->map.flags);
		p = put_u(p, r->map.kind);
		p = put_u(p, r->map.file);
		p = put_u(p, r->map.offset);
		p = put_u(p, r->map.file && r->map.sized ? r->map.isize + 1 : 0);
		break;
	case TR_MUNMAP:
	case TR_MPROTECT:
		*p++ = r->type == TR_MUNMAP ? TAG_MUNMAP : TAG_MPROTECT;
		p = put_u(p, r->addr);
		p = put_u(p, r->len);
		if (r->type == TR_MPROTECT)
			p = put_u(p, r->map.prot);
		break;
	case TR_BRK:
		*p++ = TAG_BRK;
		p = put_u(p, r->addr);
		break;
	case TR_EXEC:
		*p++ = TAG_EXEC;
		p = put_u(p, r->exec.file);
		break;
	case TR_MREMAP:
		*p++ = TAG_MREMAP;
		p = put_u(p, r->addr);
		p = put_u(p, r->len);
		p = put_u(p, r->remap.addr);
		p = put_u(p, r->remap.len);
		p = put_u(p, r->remap.flags);
		break;
	case TR_CLONE:
		*p++ = TAG_CLONE;
		p = put_u(p, r->clone.child);
		p = put_u(p, r->clone.flags);
		break;
	case TR_EXIT:
		*p++ = TAG_EXIT;
		p = put_u(p, r->tid);
		p = put_u(p, r->exit.group);
		break;
	case TR_FILE: {
		size_t n = strlen(r->file.path);

		if (n > TRACE_MAX_PATH || r->file.id == 0)
			return -1;
		*p++ = TAG_FILE;
		p = put_u(p, r->file.id);
		p = put_u(p, n);
		memcpy(p, r->file.path, n);
		p += n;
		break;
	}
	default:
		return -1;
	}
	w->len = (size_t)(p - w->buf);
	w->nrec++;
	return 0;
}

/* The end record, the trace's trailer, closes the last block. */
int native_write_end(struct trace_writer *w)
{
	if (native_block_room(w, 16))
		return -1;
	uint8_t *p = w->buf + w->len;

	*p++ = TAG_END;
	p = put_u(p, w->nrec);
	w->len = (size_t)(p - w->buf);
	if (native_close_block(w))
		return -1;
	w->len = 0;
	return 0;
}
