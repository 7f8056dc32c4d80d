// SPDX-License-Identifier: MIT
/*
 * SLAB's layout and policies (mm/slab.c of Linux 6.1): calculate_slab_order,
 * colouring, enable_cpucache tunables, cache_alloc_refill, cache_flusharray,
 * free_block and the free_limit. Two deliberate differences: the kmalloc
 * size classes are SLUB's (8..8192; SLAB's smallest is 32), and a slab's
 * freelist is kept off the slab (so objects per slab = slab size / size).
 * There is one node and no shared per-node array.
 */
#include "slab.h"

#include <stdlib.h>
#include <string.h>

#define CACHE_LINE 64u	  /* cache_line_size() on arm64 */
#define SLAB_MAX_ORDER 1u /* slab_max_order with more than 32 MiB of RAM */
#define KMALLOC_MAX_ORDER 10u

enum { LIST_FULL, LIST_PARTIAL, LIST_FREE };

static const unsigned kmalloc_sizes[NR_KMALLOC_CACHES] = { 8,	16,   32,   64,	  96,
							   128, 192,  256,  512,  1024,
							   2048, 4096, 8192 };

int kmalloc_index(size_t size)
{
	if (size == 0 || size > KMALLOC_MAX_CACHE_SIZE)
		return -1;
	for (int i = 0; i < NR_KMALLOC_CACHES; i++)
		if (size <= kmalloc_sizes[i])
			return i;
	return -1;
}

static struct slab_list *list_of(struct kmem_cache *c, int which)
{
	return which == LIST_FULL ? &c->slabs_full
	       : which == LIST_PARTIAL ? &c->slabs_partial
				       : &c->slabs_free;
}

static void slab_list_del(struct kmem_cache *c, struct slab *s)
{
	struct slab_list *l = list_of(c, s->list);

	if (s->prev)
		s->prev->next = s->next;
	else
		l->head = s->next;
	if (s->next)
		s->next->prev = s->prev;
	s->prev = s->next = NULL;
	l->count--;
}

/* list_add (head) or list_add_tail, as mm/slab.c does for each case */
static void slab_list_add(struct kmem_cache *c, struct slab *s, int which, bool tail)
{
	struct slab_list *l = list_of(c, which);

	s->list = which;
	s->prev = s->next = NULL;
	if (!l->head) {
		l->head = s;
	} else if (!tail) {
		s->next = l->head;
		l->head->prev = s;
		l->head = s;
	} else {
		struct slab *t = l->head;

		while (t->next)
			t = t->next;
		t->next = s;
		s->prev = t;
	}
	l->count++;
}

/* cache_estimate with the freelist off the slab, then the order rule. */
static unsigned calculate_slab_order(struct kmem_cache *c)
{
	unsigned left_over = 0;

	for (unsigned order = 0; order <= KMALLOC_MAX_ORDER; order++) {
		unsigned slab_size = 4096u << order;
		unsigned num = slab_size / c->size;

		if (!num)
			continue;
		c->num = num;
		c->gfporder = order;
		left_over = slab_size % c->size;
		if (order >= SLAB_MAX_ORDER)
			break;
		if (left_over * 8 <= slab_size) /* fragmentation acceptable */
			break;
	}
	return left_over;
}

static void enable_cpucache(struct kmem_cache *c)
{
	unsigned limit;

	if (c->size > 131072)
		limit = 1;
	else if (c->size > 4096)
		limit = 8;
	else if (c->size > 1024)
		limit = 24;
	else if (c->size > 256)
		limit = 54;
	else
		limit = 120;
	c->limit = limit;
	c->batchcount = (limit + 1) / 2;
	c->free_limit = (1 + c->sa->nr_cpus) * (unsigned long)c->batchcount + c->num;
}

struct kmem_cache *kmem_cache_create(struct slab_allocator *sa, const char *name,
				     unsigned size, unsigned align, unsigned flags)
{
	struct kmem_cache *c = calloc(1, sizeof(*c));

	if (!c || !size)
		goto fail;
	snprintf(c->name, sizeof(c->name), "%s", name);
	c->sa = sa;
	c->object_size = size;
	/* calculate_alignment: a cache line, halved while objects fit twice */
	unsigned ralign = 8;

	if (flags & SLAB_HWCACHE_ALIGN) {
		ralign = CACHE_LINE;
		while (size <= ralign / 2)
			ralign /= 2;
	}
	if (align < ralign)
		align = ralign;
	if (align < 8)
		align = 8;
	c->align = align;
	c->size = (size + align - 1) / align * align;
	c->colour_off = CACHE_LINE < align ? align : CACHE_LINE;
	unsigned left_over = calculate_slab_order(c);

	c->colour = left_over / c->colour_off;
	enable_cpucache(c);
	for (unsigned cpu = 0; cpu < sa->nr_cpus; cpu++) {
		c->cpu[cpu].limit = c->limit;
		c->cpu[cpu].batchcount = c->batchcount;
		c->cpu[cpu].entry = calloc(c->limit, sizeof(uint64_t));
		if (!c->cpu[cpu].entry)
			goto fail;
	}
	c->next_cache = sa->caches;
	sa->caches = c;
	return c;
fail:
	if (c)
		for (unsigned cpu = 0; cpu < SLAB_MAX_CPUS; cpu++)
			free(c->cpu[cpu].entry);
	free(c);
	return NULL;
}

/* cache_grow_begin/end: a new slab, coloured, on the free list. */
static struct slab *cache_grow(struct kmem_cache *c)
{
	struct page_alloc *pa = c->sa->pa;
	struct page *page = alloc_pages(pa, GFP_KERNEL, c->gfporder);
	struct slab *s;

	if (!page)
		return NULL;
	s = calloc(1, sizeof(*s));
	if (s)
		s->freelist = malloc(c->num * sizeof(*s->freelist));
	if (!s || !s->freelist) {
		free(s);
		__free_pages(pa, page, c->gfporder);
		return NULL;
	}
	/* the colour advances before use: a cache's first slab gets colour 1 */
	if (++c->colour_next >= c->colour)
		c->colour_next = 0;
	unsigned offset = c->colour_next;

	s->cache = c;
	s->page = page;
	s->s_mem = page_to_phys(pa, page) + (uint64_t)offset * c->colour_off;
	for (unsigned k = 0; k < 1u << c->gfporder; k++) {
		page[k].flags |= PG_slab;
		page[k].private = s;
	}
	/* objects handed out in index order: the stack holds num-1 .. 0 */
	for (unsigned i = 0; i < c->num; i++)
		s->freelist[i] = c->num - 1 - i;
	s->nfree = c->num;
	c->total_slabs++;
	c->free_objects += c->num;
	slab_list_add(c, s, LIST_FREE, false);
	return s;
}

static void slab_destroy(struct kmem_cache *c, struct slab *s)
{
	struct page_alloc *pa = c->sa->pa;

	slab_list_del(c, s);
	for (unsigned k = 0; k < 1u << c->gfporder; k++) {
		s->page[k].flags &= ~PG_slab;
		s->page[k].private = NULL;
	}
	__free_pages(pa, s->page, c->gfporder);
	c->total_slabs--;
	c->free_objects -= c->num;
	free(s->freelist);
	free(s);
}

static uint64_t slab_get_obj(struct kmem_cache *c, struct slab *s)
{
	unsigned idx = s->freelist[--s->nfree];

	s->active++;
	c->free_objects--;
	return s->s_mem + (uint64_t)idx * c->size;
}

static void fix_slab_list(struct kmem_cache *c, struct slab *s)
{
	slab_list_del(c, s);
	slab_list_add(c, s, s->active == c->num ? LIST_FULL : LIST_PARTIAL, false);
}

static void cache_alloc_refill(struct kmem_cache *c, struct array_cache *ac)
{
	unsigned batch = ac->batchcount;

	while (batch > 0) {
		struct slab *s = c->slabs_partial.head ? c->slabs_partial.head
						      : c->slabs_free.head;
		if (!s)
			break;
		while (s->active < c->num && batch > 0) {
			ac->entry[ac->avail++] = slab_get_obj(c, s);
			batch--;
		}
		fix_slab_list(c, s);
	}
	if (ac->avail)
		return;
	/* must_grow: one new slab, and a batch from it */
	struct slab *s = cache_grow(c);

	if (!s)
		return;
	for (batch = ac->batchcount; s->active < c->num && batch > 0; batch--)
		ac->entry[ac->avail++] = slab_get_obj(c, s);
	fix_slab_list(c, s);
}

uint64_t kmem_cache_alloc(struct kmem_cache *c, unsigned cpu)
{
	struct array_cache *ac = &c->cpu[cpu];

	if (!ac->avail)
		cache_alloc_refill(c, ac);
	return ac->avail ? ac->entry[--ac->avail] : 0;
}

static struct slab *obj_to_slab(struct slab_allocator *sa, uint64_t obj)
{
	if ((obj >> 12) >= sa->pa->nr_pages)
		return NULL;
	struct page *p = pfn_to_page(sa->pa, obj >> 12);

	return (p->flags & PG_slab) ? p->private : NULL;
}

/* Objects back to their slabs; empty slabs past free_limit are destroyed. */
static void free_block(struct kmem_cache *c, const uint64_t *objs, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		struct slab *s = obj_to_slab(c->sa, objs[i]);

		s->freelist[s->nfree++] = (unsigned)((objs[i] - s->s_mem) / c->size);
		s->active--;
		c->free_objects++;
		slab_list_del(c, s);
		if (s->active == 0)
			slab_list_add(c, s, LIST_FREE, false);
		else
			slab_list_add(c, s, LIST_PARTIAL, true);
	}
	while (c->free_objects > c->free_limit && c->slabs_free.head) {
		struct slab *last = c->slabs_free.head;

		while (last->next)
			last = last->next;
		slab_destroy(c, last);
	}
}

static void cache_flusharray(struct kmem_cache *c, struct array_cache *ac)
{
	unsigned batch = ac->batchcount < ac->avail ? ac->batchcount : ac->avail;

	free_block(c, ac->entry, batch);
	ac->avail -= batch;
	memmove(ac->entry, ac->entry + batch, ac->avail * sizeof(*ac->entry));
}

void kmem_cache_free(struct kmem_cache *c, unsigned cpu, uint64_t obj)
{
	struct array_cache *ac = &c->cpu[cpu];

	if (ac->avail >= ac->limit)
		cache_flusharray(c, ac);
	ac->entry[ac->avail++] = obj;
}

void kmem_cache_shrink(struct kmem_cache *c)
{
	for (unsigned cpu = 0; cpu < c->sa->nr_cpus; cpu++) {
		struct array_cache *ac = &c->cpu[cpu];

		free_block(c, ac->entry, ac->avail);
		ac->avail = 0;
	}
	while (c->slabs_free.head)
		slab_destroy(c, c->slabs_free.head);
}

unsigned long kmem_cache_active_objs(const struct kmem_cache *c)
{
	unsigned long cached = 0;

	for (unsigned cpu = 0; cpu < c->sa->nr_cpus; cpu++)
		cached += c->cpu[cpu].avail;
	return c->total_slabs * c->num - c->free_objects - cached;
}

int kmem_cache_destroy(struct kmem_cache *c)
{
	struct slab_allocator *sa;

	if (!c)
		return 0;
	sa = c->sa;
	kmem_cache_shrink(c);
	if (c->total_slabs)
		return -1; /* objects still in use: Linux complains and keeps it */
	for (struct kmem_cache **p = &sa->caches; *p; p = &(*p)->next_cache) {
		if (*p == c) {
			*p = c->next_cache;
			break;
		}
	}
	for (unsigned cpu = 0; cpu < SLAB_MAX_CPUS; cpu++)
		free(c->cpu[cpu].entry);
	free(c);
	return 0;
}

int slab_init(struct slab_allocator *sa, struct page_alloc *pa, unsigned nr_cpus)
{
	char name[32];

	memset(sa, 0, sizeof(*sa));
	if (nr_cpus == 0 || nr_cpus > SLAB_MAX_CPUS)
		return -1;
	sa->pa = pa;
	sa->nr_cpus = nr_cpus;
	for (int i = 0; i < NR_KMALLOC_CACHES; i++) {
		snprintf(name, sizeof(name), "kmalloc-%u", kmalloc_sizes[i]);
		sa->kmalloc[i] = kmem_cache_create(sa, name, kmalloc_sizes[i], 0, 0);
		if (!sa->kmalloc[i])
			return -1;
	}
	return 0;
}

void slab_free_all(struct slab_allocator *sa)
{
	while (sa->caches) {
		struct kmem_cache *c = sa->caches;

		for (unsigned cpu = 0; cpu < sa->nr_cpus; cpu++)
			c->cpu[cpu].avail = 0;
		for (int l = LIST_FULL; l <= LIST_FREE; l++)
			while (list_of(c, l)->head)
				slab_destroy(c, list_of(c, l)->head);
		sa->caches = c->next_cache;
		for (unsigned cpu = 0; cpu < SLAB_MAX_CPUS; cpu++)
			free(c->cpu[cpu].entry);
		free(c);
	}
}

uint64_t kmalloc(struct slab_allocator *sa, size_t size, unsigned cpu)
{
	int i = kmalloc_index(size);

	if (i >= 0)
		return kmem_cache_alloc(sa->kmalloc[i], cpu);
	/* kmalloc_large: whole pages from the buddy allocator */
	unsigned order = 0;

	while ((4096ULL << order) < size)
		order++;
	struct page *p = alloc_pages(sa->pa, GFP_KERNEL, order);

	return p ? page_to_phys(sa->pa, p) : 0;
}

void kfree(struct slab_allocator *sa, uint64_t obj, unsigned cpu)
{
	struct slab *s = obj_to_slab(sa, obj);

	if (s) {
		kmem_cache_free(s->cache, cpu, obj);
		return;
	}
	struct page *p = pfn_to_page(sa->pa, obj >> 12);

	__free_pages(sa->pa, p, p->order);
}

void dump_slabinfo(const struct slab_allocator *sa, FILE *f)
{
	fprintf(f, "slabinfo - version: 2.1\n"
		   "# name            <active_objs> <num_objs> <objsize> <objperslab> "
		   "<pagesperslab> : tunables <limit> <batchcount> <sharedfactor> : "
		   "slabdata <active_slabs> <num_slabs> <sharedavail>\n");
	for (const struct kmem_cache *c = sa->caches; c; c = c->next_cache) {
		unsigned long num_objs = c->total_slabs * c->num;

		fprintf(f, "%-17s %6lu %6lu %6u %4u %4d : tunables %4u %4u %4u : slabdata %6lu %6lu %6lu\n",
			c->name, num_objs - c->free_objects, num_objs, c->size, c->num,
			1 << c->gfporder, c->limit, c->batchcount, 0u,
			c->total_slabs - c->slabs_free.count, c->total_slabs, 0ul);
	}
}

const char *check_slab_msg(const struct slab_allocator *sa, char *msg, size_t len)
{

	for (const struct kmem_cache *c = sa->caches; c; c = c->next_cache) {
		unsigned long slabs = 0, free_objs = 0;

		for (int l = LIST_FULL; l <= LIST_FREE; l++) {
			const struct slab_list *list = l == LIST_FULL ? &c->slabs_full
						       : l == LIST_PARTIAL ? &c->slabs_partial
									   : &c->slabs_free;
			unsigned long n = 0;

			for (const struct slab *s = list->head; s; s = s->next, n++) {
				bool right = l == LIST_FULL ? s->active == c->num
					     : l == LIST_FREE ? s->active == 0
							      : s->active > 0 && s->active < c->num;

				if (!right || s->list != l || s->active + s->nfree != c->num) {
					snprintf(msg, len,
						 "%s: slab with %u of %u objects active on the wrong list",
						 c->name, s->active, c->num);
					return msg;
				}
				free_objs += s->nfree;
			}
			if (n != list->count) {
				snprintf(msg, len, "%s: list count %lu, holds %lu", c->name,
					 list->count, n);
				return msg;
			}
			slabs += n;
		}
		if (slabs != c->total_slabs || free_objs != c->free_objects) {
			snprintf(msg, len, "%s: %lu slabs %lu free objects, counted %lu %lu",
				 c->name, c->total_slabs, c->free_objects, slabs, free_objs);
			return msg;
		}
		if (c->slabs_free.count && c->free_objects > c->free_limit + c->num) {
			snprintf(msg, len, "%s: %lu free objects over the limit %lu",
				 c->name, c->free_objects, c->free_limit);
			return msg;
		}
	}
	return NULL;
}
