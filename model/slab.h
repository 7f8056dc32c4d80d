/* SPDX-License-Identifier: MIT */
/*
 * The slab allocator, after Linux's SLAB (mm/slab.c): caches of equal-size
 * objects carved from buddy pages, slabs on full/partial/free lists, a
 * per-cpu array of free objects (the per-cpu freelist) refilled and drained
 * in batches, and slab colouring. Objects are physical addresses in the
 * simulated memory; kmalloc serves sizes 8..8192 from its size classes.
 */
#ifndef MMUSIM_SLAB_H
#define MMUSIM_SLAB_H

#include <stdio.h>

#include "page_alloc.h"

#define SLAB_MAX_CPUS 64
#define KMALLOC_MAX_CACHE_SIZE 8192
#define NR_KMALLOC_CACHES 13 /* 8 16 32 64 96 128 192 256 512 1024 2048 4096 8192 */
#define SLAB_HWCACHE_ALIGN 0x2000u

struct slab {
	struct kmem_cache *cache;
	struct page *page;
	uint64_t s_mem;	   /* PA of the first object (after the colour) */
	unsigned active;   /* objects in use (including those in cpu arrays) */
	unsigned nfree;	   /* entries in freelist[] */
	unsigned *freelist; /* indices of free objects, a stack */
	struct slab *prev, *next;
	int list; /* which list it is on */
};

struct slab_list {
	struct slab *head;
	unsigned long count;
};

struct array_cache {
	unsigned avail, limit, batchcount;
	uint64_t *entry; /* free objects, LIFO */
};

struct kmem_cache {
	char name[32];
	unsigned object_size, size, align;
	unsigned num;	   /* objects per slab */
	unsigned gfporder; /* pages per slab = 1 << gfporder */
	unsigned colour, colour_off, colour_next;
	unsigned limit, batchcount;
	unsigned long free_limit;
	unsigned long free_objects; /* free in slabs, not in cpu arrays */
	struct slab_list slabs_full, slabs_partial, slabs_free;
	struct array_cache cpu[SLAB_MAX_CPUS];
	struct slab_allocator *sa;
	struct kmem_cache *next_cache;
	unsigned long total_slabs;
};

struct slab_allocator {
	struct page_alloc *pa;
	unsigned nr_cpus;
	struct kmem_cache *caches; /* every cache, newest first */
	struct kmem_cache *kmalloc[NR_KMALLOC_CACHES];
	/* slab of each slab page, found from an object's PA */
};

int slab_init(struct slab_allocator *sa, struct page_alloc *pa, unsigned nr_cpus);
void slab_free_all(struct slab_allocator *sa);

struct kmem_cache *kmem_cache_create(struct slab_allocator *sa, const char *name,
				     unsigned size, unsigned align, unsigned flags);
/* Returns the object's physical address, or 0 when memory is exhausted. */
uint64_t kmem_cache_alloc(struct kmem_cache *c, unsigned cpu);
void kmem_cache_free(struct kmem_cache *c, unsigned cpu, uint64_t obj);
/* Fails (-1) while objects are still allocated, as Linux warns and keeps it. */
int kmem_cache_destroy(struct kmem_cache *c);
/* Returns every cpu array's objects to their slabs and frees empty slabs. */
void kmem_cache_shrink(struct kmem_cache *c);

uint64_t kmalloc(struct slab_allocator *sa, size_t size, unsigned cpu);
void kfree(struct slab_allocator *sa, uint64_t obj, unsigned cpu);
int kmalloc_index(size_t size);

void dump_slabinfo(const struct slab_allocator *sa, FILE *f);
/* Checks every cache's slab lists and counts (the message: check_buddy_msg). */
const char *check_slab_msg(const struct slab_allocator *sa, char *msg, size_t len);
#define check_slab(sa) check_slab_msg((sa), CHECK_MSG_BUF)
unsigned long kmem_cache_active_objs(const struct kmem_cache *c);

#endif
