/* SPDX-License-Identifier: MIT */
/*
 * The encoders of native-format records and block headers (FORMAT.md),
 * one place for every writer: native.c, the Valgrind tool (vgtool/, which
 * links no libc) and the TCG plugin (arm64/). Static inline functions on
 * byte pointers, no libc: each writes one record at p, which the caller
 * made room for (NATIVE_RECORD_MAX bytes, or the path's length more for a
 * file record), and returns where it ends. The callers keep the decoder's
 * state (iend, daddr) and count the records.
 */
#ifndef MMUSIM_NATIVE_RECORDS_H
#define MMUSIM_NATIVE_RECORDS_H

#include <stdint.h> /* a compiler's header, no libc */

#include "native_tags.h"

#define NATIVE_RECORDS_VERSION 4   /* the native format's version these write */
#define NATIVE_FLAG_PROCS 1	      /* header byte 10: the capture tool's process streams */
#define NATIVE_FLAG_ARM64 2	      /* ... an arm64 guest's (qemu-aarch64 and traces/arm64/) */
#define NATIVE_BLOCK_HEADER_V4 12     /* u32 length | start, u32 checksum, u32 pid */
#define NATIVE_BLOCK_START (1u << 31) /* in the length word: a program's first block */
#define NATIVE_RECORD_MAX 96	      /* bytes a record takes at most, but a file's path */

/* a segment record's kind (trace.h's enum trace_segment_kind) */
#define NATIVE_SEG_ANON 0
#define NATIVE_SEG_FILE 1
#define NATIVE_SEG_HEAP 2
#define NATIVE_SEG_STACK 3
/* Linux's flags the records carry, for writers without the C library's headers */
#define NATIVE_MAP_PRIVATE 0x02
#define NATIVE_MAP_ANONYMOUS 0x20
#define NATIVE_CLONE_VM 0x100
#define NATIVE_CLONE_VFORK 0x4000

static inline uint8_t *native_put_u(uint8_t *p, uint64_t v)
{
	while (v >= 0x80) {
		*p++ = (uint8_t)(v | 0x80);
		v >>= 7;
	}
	*p++ = (uint8_t)v;
	return p;
}

static inline uint8_t *native_put_s(uint8_t *p, int64_t v)
{
	return native_put_u(p, ((uint64_t)v << 1) ^ -((uint64_t)v >> 63));
}

static inline void native_put_le32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> 8 * i);
}

/* The seed of a version 4 block's checksum (XXH3-64 of its payload). */
static inline uint64_t native_block_seed(uint64_t blk, uint32_t pid, unsigned flags,
					 unsigned version)
{
	return (blk & 0xffffffff) ^ (uint64_t)pid << 32 ^ (uint64_t)flags << 54 ^
	       (uint64_t)version << 56;
}

/* A version 4 block's header at h: payload length, start flag, checksum, pid. */
static inline void native_block_header(uint8_t *h, uint32_t len, int start, uint32_t sum,
				       uint32_t pid)
{
	native_put_le32(h, len | (start ? NATIVE_BLOCK_START : 0));
	native_put_le32(h + 4, sum);
	native_put_le32(h + 8, pid);
}

/* An instruction fetch of size (1..0x3f) at addr; *iend follows it. */
static inline uint8_t *native_put_insn(uint8_t *p, uint64_t *iend, uint64_t addr, unsigned size)
{
	if (addr == *iend) {
		*p++ = (uint8_t)size;
	} else {
		*p++ = (uint8_t)(TAG_IJUMP | size);
		p = native_put_s(p, (int64_t)(addr - *iend));
	}
	*iend = addr + size;
	return p;
}

/*
 * n instructions (n >= 1) one after another from addr, of sizes[0..n-1]
 * (each 1..0x3f): the first as above, the others one byte each.
 */
static inline uint8_t *native_put_irun(uint8_t *p, uint64_t *iend, uint64_t addr,
				       const uint8_t *sizes, unsigned n)
{
	uint64_t end = addr + sizes[0];

	p = native_put_insn(p, iend, addr, sizes[0]);
	for (unsigned i = 1; i < n; i++) {
		*p++ = sizes[i];
		end += sizes[i];
	}
	*iend = end;
	return p;
}

/* A data access of 1 << lg bytes (lg <= 9); kind 0 load, 1 store, 2 modify. */
static inline uint8_t *native_put_data(uint8_t *p, uint64_t *daddr, uint64_t addr, unsigned kind,
				       unsigned lg)
{
	*p++ = (uint8_t)(TAG_DATA | kind << 4 | lg);
	p = native_put_s(p, (int64_t)(addr - *daddr));
	*daddr = addr;
	return p;
}

/* Any access: kind 0 instruction, 1 load, 2 store, 3 modify. */
static inline uint8_t *native_put_access(uint8_t *p, uint64_t *iend, uint64_t *daddr,
					 unsigned kind, uint64_t size, uint64_t addr)
{
	*p++ = TAG_ACCESS;
	p = native_put_u(p, kind);
	p = native_put_u(p, size);
	if (kind == 0) {
		p = native_put_s(p, (int64_t)(addr - *iend));
		*iend = addr + size;
	} else {
		p = native_put_s(p, (int64_t)(addr - *daddr));
		*daddr = addr;
	}
	return p;
}

static inline uint8_t *native_put_switch(uint8_t *p, uint32_t tid)
{
	*p++ = TAG_SWITCH;
	return native_put_u(p, tid);
}

/* A record of tag and n unsigned fields (the events but file). */
static inline uint8_t *native_put_fields(uint8_t *p, unsigned tag, unsigned n, const uint64_t *f)
{
	*p++ = (uint8_t)tag;
	for (unsigned i = 0; i < n; i++)
		p = native_put_u(p, f[i]);
	return p;
}

/*
 * A segment (TAG_SEGMENT) or mmap (TAG_MMAP) record; size1 is the file's
 * size + 1 (0: not known, or no file; the capture tools write offset 0
 * without a file).
 */
static inline uint8_t *native_put_map(uint8_t *p, unsigned tag, uint64_t addr, uint64_t len,
				      uint32_t prot, uint32_t flags, unsigned kind, uint32_t file,
				      uint64_t offset, uint64_t size1)
{
	return native_put_fields(p, tag, 8,
				 (const uint64_t[]){ addr, len, prot, flags, kind, file, offset, size1 });
}

static inline uint8_t *native_put_munmap(uint8_t *p, uint64_t addr, uint64_t len)
{
	return native_put_fields(p, TAG_MUNMAP, 2, (const uint64_t[]){ addr, len });
}

static inline uint8_t *native_put_mprotect(uint8_t *p, uint64_t addr, uint64_t len, uint32_t prot)
{
	return native_put_fields(p, TAG_MPROTECT, 3, (const uint64_t[]){ addr, len, prot });
}

static inline uint8_t *native_put_brk(uint8_t *p, uint64_t addr)
{
	return native_put_fields(p, TAG_BRK, 1, &addr);
}

static inline uint8_t *native_put_mremap(uint8_t *p, uint64_t addr, uint64_t len,
					 uint64_t new_addr, uint64_t new_len, uint32_t flags)
{
	return native_put_fields(p, TAG_MREMAP, 5,
				 (const uint64_t[]){ addr, len, new_addr, new_len, flags });
}

static inline uint8_t *native_put_clone(uint8_t *p, uint32_t child, uint64_t flags)
{
	return native_put_fields(p, TAG_CLONE, 2, (const uint64_t[]){ child, flags });
}

static inline uint8_t *native_put_exit(uint8_t *p, uint32_t tid, int group)
{
	return native_put_fields(p, TAG_EXIT, 2, (const uint64_t[]){ tid, group ? 1 : 0 });
}

/* A file record: n bytes of path (n <= 4096; the caller made room for them). */
static inline uint8_t *native_put_file(uint8_t *p, uint32_t id, const char *path, uint64_t n)
{
	*p++ = TAG_FILE;
	p = native_put_u(p, id);
	p = native_put_u(p, n);
	for (uint64_t i = 0; i < n; i++)
		*p++ = (uint8_t)path[i];
	return p;
}

static inline uint8_t *native_put_exec(uint8_t *p, uint32_t file)
{
	return native_put_fields(p, TAG_EXEC, 1, (const uint64_t[]){ file });
}

/*
 * The program break a writer follows: brk records only when it moves, and
 * the first query (brk(0)) only names the base.
 */
struct native_brk {
	uint64_t cur;
	int known;
};

/* brk(arg) returned r: does it make a record? */
static inline int native_brk_moved(struct native_brk *b, uint64_t arg, uint64_t r)
{
	int query = !b->known && arg == 0;

	if (b->known && r == b->cur)
		return 0;
	b->cur = r;
	b->known = 1;
	return !query;
}

/* The end record: the number of records before it in its stream. */
static inline uint8_t *native_put_end(uint8_t *p, uint64_t nrec)
{
	return native_put_fields(p, TAG_END, 1, &nrec);
}

#endif
