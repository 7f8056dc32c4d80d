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
#include <stdlib.h>
#include <string.h>

#define XXH_INLINE_ALL
#include <xxhash.h>

#include "trace_impl.h" /* and native_records.h, the encoders */

_Static_assert(NATIVE_RECORDS_VERSION == NATIVE_VERSION, "the encoders write this version");
_Static_assert(NATIVE_SEG_ANON == SEG_ANON && NATIVE_SEG_FILE == SEG_FILE &&
		       NATIVE_SEG_HEAP == SEG_HEAP && NATIVE_SEG_STACK == SEG_STACK,
	       "one numbering of segment kinds");

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

/* ---- version 4: one stream a process ---- */

/* A block of a process whose stream has not started yet, kept until it does. */
struct held_block {
	struct held_block *next;
	uint32_t pid, len;
	bool start;
	uint8_t data[];
};

/* One process's stream (version 4): what its decoder keeps between blocks. */
struct nstream {
	uint32_t pid;
	bool created; /* the trace's first program, or made by a clone record */
	bool ended;   /* its end record came */
	bool first;   /* the trace's first program: its opening exec record is dropped */
	uint32_t tid; /* the running thread (the reader's number) */
	uint64_t iend, daddr;
	uint64_t nblk; /* blocks of this program so far */
	uint64_t nrec; /* records of this program before the reader last entered it */
	uint32_t *fmap; /* the program's file ids -> the trace's */
	uint32_t nfmap;
	struct held_block *held, **held_tail;
};

#define HELD_MAX (256u << 20) /* bytes of blocks held for processes not started yet */

struct native_procs {
	struct nstream *s;
	uint32_t ns, cur; /* cur: the stream being decoded (ns: none yet) */
	uint64_t base;	  /* r->nrec when the reader entered it */
	struct held_block *ready, **ready_tail, *decoding;
	size_t held_bytes;
	/* the system's thread ids -> the reader's, 1, 2, ... in order of appearance */
	uint32_t *hkey, *hval, hcap, hused;
	uint32_t *sys; /* the reader's thread id -> the system's */
	uint32_t nsys;
};

static struct native_procs *procs_of(struct trace_reader *r)
{
	if (!r->ps) {
		r->ps = calloc(1, sizeof(*r->ps));
		if (r->ps)
			r->ps->ready_tail = &r->ps->ready;
	}
	return r->ps;
}

void native_free(struct trace_reader *r)
{
	struct native_procs *ps = r->ps;

	if (!ps)
		return;
	for (uint32_t i = 0; i < ps->ns; i++) {
		for (struct held_block *b = ps->s[i].held, *next; b; b = next) {
			next = b->next;
			free(b);
		}
		free(ps->s[i].fmap);
	}
	for (struct held_block *b = ps->ready, *next; b; b = next) {
		next = b->next;
		free(b);
	}
	free(ps->decoding);
	free(ps->s);
	free(ps->hkey);
	free(ps->hval);
	free(ps->sys);
	free(ps);
	r->ps = NULL;
}

/* The stream of process pid, added if new; NULL when out of memory. */
static struct nstream *stream_of(struct native_procs *ps, uint32_t pid)
{
	for (uint32_t i = 0; i < ps->ns; i++)
		if (ps->s[i].pid == pid)
			return &ps->s[i];
	if (!(ps->ns & (ps->ns + 1)) || ps->ns < 8) {
		struct nstream *v = realloc(ps->s, (ps->ns < 8 ? 8 : 2 * (ps->ns + 1)) * sizeof(*v));

		if (!v)
			return NULL;
		ps->s = v;
	}
	struct nstream *st = &ps->s[ps->ns++];

	memset(st, 0, sizeof(*st));
	st->pid = pid;
	st->held_tail = &st->held;
	return st;
}

/*
 * The reader's number for the system's thread id sys: the one it has, or
 * (fresh, or none yet) the next. 0 when out of memory.
 */
static uint32_t thread_number(struct native_procs *ps, uint32_t sys, bool fresh)
{
	if (2 * (ps->hused + 1) > ps->hcap) {
		uint32_t cap = ps->hcap ? 2 * ps->hcap : 64;
		uint32_t *k = calloc(cap, sizeof(*k)), *v = calloc(cap, sizeof(*v));

		if (!k || !v) {
			free(k);
			free(v);
			return 0;
		}
		for (uint32_t i = 0; i < ps->hcap; i++) {
			if (!ps->hkey[i])
				continue;
			uint32_t j = (ps->hkey[i] * 2654435761u) & (cap - 1);

			while (k[j])
				j = (j + 1) & (cap - 1);
			k[j] = ps->hkey[i];
			v[j] = ps->hval[i];
		}
		free(ps->hkey);
		free(ps->hval);
		ps->hkey = k;
		ps->hval = v;
		ps->hcap = cap;
	}
	uint32_t j = (sys * 2654435761u) & (ps->hcap - 1);

	while (ps->hkey[j] && ps->hkey[j] != sys)
		j = (j + 1) & (ps->hcap - 1);
	if (ps->hkey[j] && !fresh)
		return ps->hval[j];
	if (!(ps->nsys & (ps->nsys + 1)) || ps->nsys < 2) {
		uint32_t *v = realloc(ps->sys, (ps->nsys < 2 ? 4 : 2 * (ps->nsys + 1)) * sizeof(*v));

		if (!v)
			return 0;
		ps->sys = v;
	}
	if (!ps->nsys)
		ps->sys[ps->nsys++] = 0; /* number 0 is no thread */
	if (!ps->hkey[j])
		ps->hused++;
	ps->hkey[j] = sys;
	ps->hval[j] = ps->nsys;
	ps->sys[ps->nsys] = sys;
	return ps->nsys++;
}

/* After an exec the process's id names the thread that exec'd. */
static void thread_renumber(struct native_procs *ps, uint32_t sys, uint32_t number)
{
	uint32_t j = (sys * 2654435761u) & (ps->hcap - 1);

	while (ps->hkey[j] && ps->hkey[j] != sys)
		j = (j + 1) & (ps->hcap - 1);
	if (!ps->hkey[j])
		ps->hused++;
	ps->hkey[j] = sys;
	ps->hval[j] = number;
}

uint32_t trace_system_tid(const struct trace_reader *r, uint32_t tid)
{
	return r->ps && r->procs && tid < r->ps->nsys ? r->ps->sys[tid] : 0;
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

/* The stream being decoded (version 4). */
static struct nstream *cur_stream(struct trace_reader *r)
{
	return r->ps && r->ps->cur < r->ps->ns ? &r->ps->s[r->ps->cur] : NULL;
}

/*
 * A thread id in a record. The capture tool's streams hold the system's
 * ids; the reader numbers threads 1, 2, ... in order of appearance, fresh
 * for a thread a clone makes (the system may reuse an id).
 */
static uint32_t get_tid(struct cursor *c, struct trace_reader *r, bool fresh)
{
	uint32_t sys = get_u32(c, r, "thread id");

	if (!r->procs || c->bad)
		return sys;
	uint32_t n = sys ? thread_number(r->ps, sys, fresh) : 0;

	if (!n && !c->bad) {
		trace_fail(r, sys ? "out of memory" : "thread id 0");
		c->bad = true;
	}
	return n;
}

/* A file id in a record: each program of the capture tool's numbers its own. */
static uint32_t get_file(struct cursor *c, struct trace_reader *r)
{
	uint32_t id = get_u32(c, r, "file id");
	struct nstream *st = r->procs ? cur_stream(r) : NULL;

	if (!st || !id || c->bad)
		return id;
	if (id >= st->nfmap || !st->fmap[id]) {
		trace_fail(r, "file id %u, which no file record of process %u named", id, st->pid);
		c->bad = true;
		return 0;
	}
	return st->fmap[id];
}

/* The trace's id for a file record of process st: the one its path has, or the next. */
static uint32_t file_number(struct trace_reader *r, struct nstream *st, uint32_t id,
			    const char *path, size_t n)
{
	uint32_t g = 1;

	/* the first id that names this path, or the first free one */
	while (g < r->nfiles && r->files[g] &&
	       (strlen(r->files[g]) != n || memcmp(r->files[g], path, n)))
		g++;
	if (id >= st->nfmap) {
		uint32_t cap = id + 16;
		uint32_t *v = realloc(st->fmap, cap * sizeof(*v));

		if (!v)
			return 0;
		memset(v + st->nfmap, 0, (cap - st->nfmap) * sizeof(*v));
		st->fmap = v;
		st->nfmap = cap;
	}
	st->fmap[id] = g;
	return g;
}

/*
 * A clone record made process pid, numbered tid: its stream starts with the
 * parent's files, and the blocks it sent before this record follow the
 * block that holds it.
 */
static int start_process(struct trace_reader *r, uint32_t pid, uint32_t tid)
{
	struct native_procs *ps = r->ps;
	uint32_t parent = ps->cur;
	struct nstream *st = stream_of(ps, pid), *par = &ps->s[parent];

	if (!st) {
		trace_fail(r, "out of memory");
		return -1;
	}
	if (st->created && !st->ended) {
		trace_fail(r, "clone makes process %u, whose stream is still going on", pid);
		return -1;
	}
	st->created = true;
	st->ended = st->first = false;
	st->tid = tid;
	st->iend = st->daddr = st->nrec = 0;
	if (par->nfmap) {
		uint32_t *v = realloc(st->fmap, par->nfmap * sizeof(*v));

		if (!v) {
			trace_fail(r, "out of memory");
			return -1;
		}
		memcpy(v, par->fmap, par->nfmap * sizeof(*v));
		st->fmap = v;
	}
	st->nfmap = par->nfmap;
	if (st->held) {
		*ps->ready_tail = st->held;
		ps->ready_tail = st->held_tail;
		st->held = NULL;
		st->held_tail = &st->held;
	}
	return 0;
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
		o->tid = r->tid = get_tid(c, r, false);
		break;
	case TAG_SEGMENT:
	case TAG_MMAP:
		o->type = tag == TAG_SEGMENT ? TR_SEGMENT : TR_MMAP;
		o->addr = get_u(c);
		o->len = get_u(c);
		o->map.prot = get_u32(c, r, "prot");
		o->map.flags = get_u32(c, r, "flags");
		o->map.kind = (uint8_t)get_u(c);
		o->map.file = get_file(c, r);
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
	case TAG_CLONE: {
		struct cursor peek = *c; /* the system's id: a new process's stream is named by it */
		uint32_t sys = (uint32_t)get_u(&peek);

		o->type = TR_CLONE;
		o->clone.child = get_tid(c, r, true);
		o->clone.flags = get_u(c);
		if (r->procs && !c->bad && !(o->clone.flags & TR_CLONE_VM) &&
		    start_process(r, sys, o->clone.child))
			return -1;
		break;
	}
	case TAG_EXIT:
		o->type = TR_EXIT;
		o->tid = get_tid(c, r, false);
		o->exit.group = get_u(c) != 0;
		break;
	case TAG_EXEC:
		o->type = TR_EXEC;
		o->exec.file = get_file(c, r);
		if (r->procs && cur_stream(r)->first && !c->bad) {
			/* the trace's first program: it did not exec, it started */
			cur_stream(r)->first = false;
			cur_stream(r)->nrec++;
			return 1;
		}
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
		if (r->procs && o->file.id &&
		    !(o->file.id = file_number(r, cur_stream(r), o->file.id, (const char *)c->p, n))) {
			trace_fail(r, "out of memory");
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
	if (r->version >= 4) {
		/* version 4: a process's stream ends, and with it the block that holds it */
		struct nstream *st = cur_stream(r);
		uint64_t have = st->nrec + (r->nrec - r->ps->base);

		if (count != have) {
			trace_fail(r, "the end record of process %u counts %llu records, its stream holds %llu",
				   st->pid, (unsigned long long)count, (unsigned long long)have);
			return -1;
		}
		if (c->p != c->end) {
			trace_fail(r, "data after the end record of process %u", st->pid);
			return -1;
		}
		st->ended = true;
		return 0;
	}
	if (count != r->nrec) {
		trace_fail(r, "end record counts %llu records, the file holds %llu",
			   (unsigned long long)count, (unsigned long long)r->nrec);
		return -1;
	}
	r->ended = true;
	return 0;
}

/*
 * The decoder's state while it decodes accesses: a copy of the reader's,
 * which the compiler keeps in registers (the records it writes cannot
 * alias it).
 */
struct access_state {
	uint64_t iend, daddr;
	uint32_t tid;
};

/* The three compact access forms; returns false if the tag or data is bad. */
static inline bool decode_access(struct access_state *s, struct cursor *c, uint8_t tag,
				 struct trace_rec *o)
{
	o->tid = s->tid;
	if (tag < TAG_IJUMP) {
		o->type = TR_INSTR;
		o->size = tag;
		o->addr = s->iend;
		s->iend += tag;
		return tag != 0;
	}
	if (tag < TAG_DATA) {
		o->type = TR_INSTR;
		o->size = tag & 0x3f;
		o->addr = s->iend + get_s(c);
		s->iend = o->addr + o->size;
		return o->size != 0 && !c->bad;
	}
	unsigned kind = (tag >> 4) & 3, lg = tag & 15;

	o->type = (uint8_t)(TR_LOAD + kind);
	o->size = (uint16_t)(1u << (lg & 15));
	o->addr = s->daddr + get_s(c);
	s->daddr = o->addr;
	return kind != 3 && lg <= 9 && !c->bad;
}

static uint32_t get_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

/*
 * A block's checksum: XXH3 of its payload, seeded with its number; from
 * version 3 on with the version in the seed's top byte too, so that a
 * header whose version was changed is refused at the first block; from
 * version 4 on the number counts the blocks of the block's program, and
 * its pid (bits 32 up) and the header's flags (bits 54 up) are in the
 * seed as well, combined by exclusive or.
 */
static uint32_t block_checksum(const uint8_t *p, size_t n, uint64_t blk, uint32_t pid,
			       unsigned flags, unsigned version)
{
	uint64_t seed = version >= 4   ? native_block_seed(blk, pid, flags, version)
			: version >= 3 ? blk | (uint64_t)version << 56
				       : blk;

	return (uint32_t)XXH3_64bits_withSeed(p, n, seed);
}

/*
 * Brings the next block whole into the buffer and checks it: its header
 * (hlen bytes) gives the length, and from version 4 on the start flag and
 * pid. Returns 1 at the end of the input, -1 on error.
 */
static int read_block(struct trace_reader *r, size_t hlen, uint32_t *len, uint32_t *sum,
		      uint32_t *pid, bool *start)
{
	unsigned long long blk = (unsigned long long)r->nblk, off = r->blk_off;

	if (trace_fill(r, hlen))
		return -1;
	size_t have = r->len - r->pos;

	if (have == 0)
		return 1;
	if (have < hlen) {
		trace_fail(r, "truncated: block %llu (byte %llu) ends within its header", blk, off);
		return -1;
	}
	const uint8_t *h = r->buf + r->pos;
	uint32_t word = get_le32(h);

	*sum = get_le32(h + 4);
	*start = hlen > NATIVE_BLOCK_HEADER && (word & NATIVE_BLOCK_START);
	*pid = hlen > NATIVE_BLOCK_HEADER ? get_le32(h + 8) : 0;
	*len = word & ~(hlen > NATIVE_BLOCK_HEADER ? NATIVE_BLOCK_START : 0);
	if (*len == 0 || *len > NATIVE_BLOCK_MAX) {
		trace_fail(r, "block %llu (byte %llu): length %u out of range 1..%d: the trace is corrupt",
			   blk, off, *len, NATIVE_BLOCK_MAX);
		return -1;
	}
	if (trace_fill(r, hlen + (size_t)*len))
		return -1;
	if (r->len - r->pos < hlen + (size_t)*len) {
		trace_fail(r, "truncated: block %llu (byte %llu) holds %zu of its %u bytes", blk,
			   off, r->len - r->pos - hlen, *len);
		return -1;
	}
	return 0;
}

/* The checksum of the block read_block brought in; then it is consumed. */
static int check_block(struct trace_reader *r, size_t hlen, uint32_t len, uint32_t sum,
		       uint64_t number, uint32_t pid)
{
	unsigned long long off = r->blk_off;

	r->cur = r->buf + r->pos + hlen;
	r->cur_end = r->cur + len;
	if (block_checksum(r->cur, len, number, pid, r->hflags, r->version) !=
	    sum) {
		trace_fail(r, "block %llu (bytes %llu..%llu%s): checksum mismatch: the trace is corrupt",
			   (unsigned long long)r->nblk, off, off + hlen + len - 1,
			   r->version >= 4 ? ", a block of its process out of place or damaged" : "");
		return -1;
	}
	r->pos += hlen + len;
	r->blk_off += hlen + len;
	r->nblk++;
	return 0;
}

/* Versions 2 and 3: the next block; its records lie at cur .. cur_end. */
static int native_next_block(struct trace_reader *r)
{
	uint32_t len, sum, pid;
	bool start;
	int rc = read_block(r, NATIVE_BLOCK_HEADER, &len, &sum, &pid, &start);

	if (rc > 0)
		trace_fail(r, "truncated: the trace ends after block %llu without its end record",
			   r->nblk ? (unsigned long long)r->nblk - 1 : 0);
	if (rc)
		return -1;
	return check_block(r, NATIVE_BLOCK_HEADER, len, sum, r->nblk, 0);
}

/* Version 4: the decoder moves to stream st, at a block of it at data. */
static void enter_block(struct trace_reader *r, uint32_t si, bool start, const uint8_t *data,
			uint32_t len)
{
	struct native_procs *ps = r->ps;
	struct nstream *st = &ps->s[si];

	if (ps->cur != si) {
		if (ps->cur < ps->ns) {
			struct nstream *old = &ps->s[ps->cur];

			old->iend = r->prev_iend;
			old->daddr = r->prev_daddr;
			old->tid = r->tid;
			old->nrec += r->nrec - ps->base;
		}
		ps->cur = si;
		ps->base = r->nrec;
		r->prev_iend = st->iend;
		r->prev_daddr = st->daddr;
		r->tid = st->tid;
	}
	if (start && r->procs && !st->first) {
		/*
		 * The process runs a new program (exec): its thread that exec'd
		 * goes on, under the process's id, in a stream that starts anew.
		 */
		thread_renumber(ps, st->pid, r->tid);
		r->prev_iend = r->prev_daddr = 0;
		st->nrec = 0;
		ps->base = r->nrec;
		st->nfmap = 0;
	}
	r->cur = data;
	r->cur_end = data + len;
}

/* Version 4, at the end of the input: every process's stream must have ended. */
static int v4_at_end(struct trace_reader *r)
{
	struct native_procs *ps = r->ps;

	for (uint32_t i = 0; ps && i < ps->ns; i++) {
		if (ps->s[i].held) {
			trace_fail(r, "process %u sent blocks, but no clone record made it",
				   ps->s[i].pid);
			return -1;
		}
		if (ps->s[i].created && !ps->s[i].ended) {
			trace_fail(r, "truncated: the stream of process %u ends without its end record",
				   ps->s[i].pid);
			return -1;
		}
	}
	if (!ps || !ps->ns) {
		trace_fail(r, "truncated: the trace holds no block");
		return -1;
	}
	r->ended = true;
	return 0;
}

/*
 * Version 4: the next block to decode. Blocks of a process the reader has
 * not seen made yet wait until the clone record that makes it.
 */
static int v4_next_block(struct trace_reader *r)
{
	struct native_procs *ps = procs_of(r);

	if (!ps) {
		trace_fail(r, "out of memory");
		return -1;
	}
	for (;;) {
		free(ps->decoding);
		ps->decoding = NULL;
		if (ps->ready) {
			struct held_block *b = ps->ready;

			ps->ready = b->next;
			if (!ps->ready)
				ps->ready_tail = &ps->ready;
			ps->decoding = b;
			enter_block(r, (uint32_t)(stream_of(ps, b->pid) - ps->s), b->start, b->data,
				    b->len);
			return 0;
		}
		uint32_t len, sum, pid;
		bool start;
		if (!r->procs && ps->ns && ps->s[0].ended) {
			if (trace_fill(r, 1))
				return -1;
			if (r->pos == r->len)
				return v4_at_end(r);
			trace_fail(r, "data after the end record");
			return -1;
		}
		int rc = read_block(r, NATIVE_BLOCK_HEADER_V4, &len, &sum, &pid, &start);

		if (rc > 0)
			return v4_at_end(r);
		if (rc)
			return -1;
		struct nstream *st = stream_of(ps, pid);

		if (!st) {
			trace_fail(r, "out of memory");
			return -1;
		}
		bool first = ps->ns == 1 && !st->created && !st->held;

		if (!r->procs && !first && !st->created) {
			trace_fail(r, "block %llu: process %u in a trace of one stream",
				   (unsigned long long)r->nblk, pid);
			return -1;
		}
		if ((st->ended || !st->created) && !st->held)
			st->nblk = 0; /* a new process (a pid may come back) */
		if (start)
			st->nblk = 0;
		if (check_block(r, NATIVE_BLOCK_HEADER_V4, len, sum, st->nblk++, pid))
			return -1;
		if (first) {
			if (!start) {
				trace_fail(r, "block 0 does not start a program: not a whole trace");
				return -1;
			}
			st->created = true;
			st->first = r->procs;
			st->tid = r->procs ? thread_number(ps, pid, true) : 1;
			ps->cur = ps->ns;
		}
		if (st->created && !st->ended) {
			enter_block(r, (uint32_t)(st - ps->s), start, r->cur, len);
			return 0;
		}
		if (ps->held_bytes + len > HELD_MAX) {
			trace_fail(r, "process %u sent %zu MiB before the clone record that makes it",
				   pid, ps->held_bytes >> 20);
			return -1;
		}
		struct held_block *b = malloc(sizeof(*b) + len);

		if (!b) {
			trace_fail(r, "out of memory");
			return -1;
		}
		b->next = NULL;
		b->pid = pid;
		b->len = len;
		b->start = start;
		memcpy(b->data, r->cur, len);
		ps->held_bytes += len;
		*st->held_tail = b;
		st->held_tail = &b->next;
	}
}

/* The records before p are decoded: in a block (version 2 on) or the buffer (version 1). */
static inline void consumed(struct trace_reader *r, const uint8_t *p)
{
	if (r->version >= 2)
		r->cur = p;
	else
		r->pos = (size_t)(p - r->buf);
}

size_t native_read(struct trace_reader *r, struct trace_rec *out, size_t max)
{
	size_t n = 0;

	while (n < max && !r->ended) {
		struct cursor c;
		bool whole; /* no more bytes will come after c.end */

		if (r->version >= 2) {
			/* a block holds whole records */
			if (r->cur == r->cur_end) {
				if (r->version >= 4 ? v4_next_block(r) : native_next_block(r))
					return 0;
				continue;
			}
			c = (struct cursor){ r->cur, r->cur_end, false };
			whole = true;
		} else {
			/* Events can be long (file names); accesses need at most 11 bytes. */
			if (trace_fill(r, MAX_EVENT_BYTES + TRACE_MAX_PATH))
				return 0;
			if (r->pos == r->len) {
				trace_fail(r, "truncated: the trace ends without its end record");
				return 0;
			}
			c = (struct cursor){ r->buf + r->pos, r->buf + r->len, false };
			whole = r->eof;
		}
		const uint8_t *safe = c.end - c.p > 11 ? c.end - 11 : c.p;

		/* Fast path: accesses while the buffer surely holds a whole one. */
		struct access_state s = { r->prev_iend, r->prev_daddr, r->tid };
		size_t n0 = n;

		while (n < max && c.p < safe && *c.p < TAG_ACCESS) {
			const uint8_t *at = c.p;
			uint8_t tag = *c.p++;

			if (!decode_access(&s, &c, tag, &out[n])) {
				c.p = at; /* report it below, the careful way */
				break;
			}
			n++;
		}
		r->prev_iend = s.iend;
		r->prev_daddr = s.daddr;
		r->nrec += n - n0;
		consumed(r, c.p);
		if (n == max || c.p == c.end ||
		    (!whole && (size_t)(c.end - c.p) < MAX_EVENT_BYTES + TRACE_MAX_PATH))
			continue; /* done, or refill first */
		/* One record the careful way: an event, a bad access, or the tail. */
		uint8_t tag = *c.p++;

		if (tag == TAG_END) {
			if (decode_end(r, &c))
				return 0;
		} else if (tag < TAG_ACCESS) {
			s = (struct access_state){ r->prev_iend, r->prev_daddr, r->tid };
			if (!decode_access(&s, &c, tag, &out[n])) {
				trace_fail(r, "access record (tag 0x%02x) truncated or malformed",
					   tag);
				return 0;
			}
			r->prev_iend = s.iend;
			r->prev_daddr = s.daddr;
			n++;
			r->nrec++;
		} else {
			int rc = decode_event(r, &c, tag, &out[n]);

			if (rc < 0)
				return 0;
			if (rc == 0) {
				n++;
				r->nrec++;
			}
		}
		consumed(r, c.p);
	}
	if (r->ended && r->version < 4) {
		/* Nothing may follow the end record, in its block or after it. */
		if (r->version >= 2 && r->cur != r->cur_end) {
			trace_fail(r, "data after the end record");
			return 0;
		}
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

void native_header(uint8_t h[NATIVE_HEADER], unsigned flags)
{
	memset(h, 0, NATIVE_HEADER);
	memcpy(h, NATIVE_MAGIC, 8);
	h[8] = NATIVE_VERSION & 0xff;
	h[9] = NATIVE_VERSION >> 8;
	h[10] = (uint8_t)flags;
}

/* The writer's trace is one stream, of process 0, its first block the start. */
int native_write_header(struct trace_writer *w)
{
	native_header(w->buf, 0);
	/* the first block's header goes in when the block is closed */
	w->blk_start = NATIVE_HEADER;
	w->len = w->blk_start + NATIVE_BLOCK_HEADER_V4;
	return 0;
}

/* Fills in the block's header, writes the buffer out and starts a new block. */
static int native_close_block(struct trace_writer *w)
{
	uint8_t *h = w->buf + w->blk_start;
	size_t n = w->len - w->blk_start - NATIVE_BLOCK_HEADER_V4;

	native_block_header(h, (uint32_t)n, !w->nblk,
			    block_checksum(h + NATIVE_BLOCK_HEADER_V4, n, w->nblk, 0, 0, NATIVE_VERSION),
			    0);
	w->nblk++;
	if (xout_write(w->out, w->buf, w->len))
		return -1;
	w->blk_start = 0;
	w->len = NATIVE_BLOCK_HEADER_V4;
	return 0;
}

/* Closes the block first unless room more bytes fit into it. */
static int native_block_room(struct trace_writer *w, size_t room)
{
	if (w->len - w->blk_start - NATIVE_BLOCK_HEADER_V4 + room <= NATIVE_BLOCK_MAX)
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
	int lg = log2_size(r->size);

	if (r->type == TR_INSTR && r->size < 0x40)
		return native_put_insn(p, &w->prev_iend, r->addr, r->size);
	if (r->type != TR_INSTR && lg >= 0)
		return native_put_data(p, &w->prev_daddr, r->addr, r->type - TR_LOAD, (unsigned)lg);
	return native_put_access(p, &w->prev_iend, &w->prev_daddr, r->type, r->size, r->addr);
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
		p = native_put_switch(p, r->tid);
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
		p = native_put_switch(p, r->tid);
		w->tid = r->tid;
		break;
	case TR_SEGMENT:
	case TR_MMAP:
		p = native_put_map(p, r->type == TR_SEGMENT ? TAG_SEGMENT : TAG_MMAP, r->addr, r->len,
				   r->map.prot, r->map.flags, r->map.kind, r->map.file, r->map.offset,
				   r->map.file && r->map.sized ? r->map.isize + 1 : 0);
		break;
	case TR_MUNMAP:
		p = native_put_munmap(p, r->addr, r->len);
		break;
	case TR_MPROTECT:
		p = native_put_mprotect(p, r->addr, r->len, r->map.prot);
		break;
	case TR_BRK:
		p = native_put_brk(p, r->addr);
		break;
	case TR_EXEC:
		p = native_put_exec(p, r->exec.file);
		break;
	case TR_MREMAP:
		p = native_put_mremap(p, r->addr, r->len, r->remap.addr, r->remap.len, r->remap.flags);
		break;
	case TR_CLONE:
		p = native_put_clone(p, r->clone.child, r->clone.flags);
		break;
	case TR_EXIT:
		p = native_put_exit(p, r->tid, r->exit.group);
		break;
	case TR_FILE: {
		size_t n = strlen(r->file.path);

		if (n > TRACE_MAX_PATH || r->file.id == 0)
			return -1;
		p = native_put_file(p, r->file.id, r->file.path, n);
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

	p = native_put_end(p, w->nrec);
	w->len = (size_t)(p - w->buf);
	if (native_close_block(w))
		return -1;
	w->len = 0;
	return 0;
}
