// SPDX-License-Identifier: MIT
/* The buddy allocator and zone watermarks (after mm/page_alloc.c, Linux 6.x). */
#include "page_alloc.h"

#include <stdlib.h>
#include <string.h>

const char *const zone_names[MAX_NR_ZONES] = { "DMA", "DMA32", "Normal" };

/* sysctl_lowmem_reserve_ratio defaults */
static const unsigned lowmem_reserve_ratio[MAX_NR_ZONES] = { 256, 256, 32 };

void page_alloc_default_config(struct page_alloc_config *c)
{
	*c = (struct page_alloc_config){
		.mem_bytes = 8ULL << 30,
		.dma_limit = 1ULL << 30,   /* zone_dma_bits = 30, as on a Raspberry Pi 4 */
		.dma32_limit = 4ULL << 30,
		.reserved_bytes = 32ULL << 20,
		.watermark_scale_factor = 10,
	};
}

/* ---- free lists ---- */

static void list_add(struct page_alloc *pa, struct free_area *a, uint32_t pfn, bool tail)
{
	struct page *p = &pa->mem_map[pfn];

	if (a->head == NO_PFN) {
		p->next = p->prev = NO_PFN;
		a->head = a->tail = pfn;
	} else if (tail) {
		p->prev = a->tail;
		p->next = NO_PFN;
		pa->mem_map[a->tail].next = pfn;
		a->tail = pfn;
	} else {
		p->next = a->head;
		p->prev = NO_PFN;
		pa->mem_map[a->head].prev = pfn;
		a->head = pfn;
	}
	a->nr_free++;
}

static void list_del(struct page_alloc *pa, struct free_area *a, uint32_t pfn)
{
	struct page *p = &pa->mem_map[pfn];

	if (p->prev != NO_PFN)
		pa->mem_map[p->prev].next = p->next;
	else
		a->head = p->next;
	if (p->next != NO_PFN)
		pa->mem_map[p->next].prev = p->prev;
	else
		a->tail = p->prev;
	p->next = p->prev = NO_PFN;
	a->nr_free--;
}

static void add_to_free_list(struct page_alloc *pa, struct zone *z, uint64_t pfn,
			     unsigned order, bool tail)
{
	struct page *p = &pa->mem_map[pfn];

	p->flags = PG_buddy;
	p->order = (uint8_t)order;
	p->refcount = 0;
	list_add(pa, &z->free_area[order], (uint32_t)pfn, tail);
}

static void del_from_free_list(struct page_alloc *pa, struct zone *z, uint64_t pfn,
			       unsigned order)
{
	list_del(pa, &z->free_area[order], (uint32_t)pfn);
	pa->mem_map[pfn].flags &= ~PG_buddy;
	pa->mem_map[pfn].order = 0;
}

/* Is pfn the head of a free block of exactly this order, in zone z? */
static bool page_is_buddy(const struct page_alloc *pa, const struct zone *z, uint64_t pfn,
			  unsigned order)
{
	if (pfn < z->zone_start_pfn || pfn >= z->zone_start_pfn + z->spanned_pages)
		return false;
	const struct page *p = &pa->mem_map[pfn];

	return (p->flags & PG_buddy) && p->order == order;
}

/*
 * A freed block goes to the tail of its list when its buddy one order up is
 * free: it is then likely to merge soon and should not be handed out first.
 */
static bool buddy_merge_likely(const struct page_alloc *pa, const struct zone *z,
			       uint64_t pfn, uint64_t buddy_pfn, unsigned order)
{
	if (order >= MAX_PAGE_ORDER - 1)
		return false;
	uint64_t higher = buddy_pfn & pfn;

	return page_is_buddy(pa, z, higher ^ (1ULL << (order + 1)), order + 1);
}

static void __free_one_page(struct page_alloc *pa, struct zone *z, uint64_t pfn,
			    unsigned order, bool to_tail)
{
	uint64_t buddy_pfn = pfn;

	z->free_pages += 1ULL << order;
	while (order < MAX_PAGE_ORDER) {
		buddy_pfn = pfn ^ (1ULL << order);
		if (!page_is_buddy(pa, z, buddy_pfn, order))
			break;
		del_from_free_list(pa, z, buddy_pfn, order);
		pfn &= buddy_pfn;
		order++;
	}
	if (!to_tail)
		to_tail = buddy_merge_likely(pa, z, pfn, buddy_pfn, order);
	add_to_free_list(pa, z, pfn, order, to_tail);
}

/* Splits a block of order high down to low; upper halves go back. */
static void expand(struct page_alloc *pa, struct zone *z, uint64_t pfn, unsigned low,
		   unsigned high)
{
	while (high > low) {
		high--;
		add_to_free_list(pa, z, pfn + (1ULL << high), high, false);
	}
}

static uint64_t __rmqueue_smallest(struct page_alloc *pa, struct zone *z, unsigned order)
{
	for (unsigned o = order; o < NR_PAGE_ORDERS; o++) {
		struct free_area *a = &z->free_area[o];

		if (a->head == NO_PFN)
			continue;
		uint64_t pfn = a->head;

		del_from_free_list(pa, z, pfn, o);
		expand(pa, z, pfn, order, o);
		z->free_pages -= 1ULL << order;
		return pfn;
	}
	return NO_PFN;
}

/* ---- watermarks ---- */

static uint64_t int_sqrt(uint64_t x)
{
	uint64_t r = 0;

	for (uint64_t bit = 1ULL << 62; bit; bit >>= 2) {
		if (x >= r + bit) {
			x -= r + bit;
			r = (r >> 1) + bit;
		} else {
			r >>= 1;
		}
	}
	return r;
}

/* calculate_min_free_kbytes, setup_per_zone_lowmem_reserve, __setup_per_zone_wmarks */
static void setup_watermarks(struct page_alloc *pa, unsigned scale_factor)
{
	uint64_t lowmem_pages = 0;

	for (int i = 0; i < MAX_NR_ZONES; i++)
		lowmem_pages += pa->zones[i].managed_pages;
	uint64_t kbytes = int_sqrt(lowmem_pages * 4 * 16);

	pa->min_free_kbytes = kbytes < 128 ? 128 : kbytes > 262144 ? 262144 : kbytes;
	uint64_t pages_min = pa->min_free_kbytes >> 2;

	for (int i = 0; i < MAX_NR_ZONES; i++) {
		struct zone *z = &pa->zones[i];
		uint64_t above = 0;

		for (int j = i + 1; j < MAX_NR_ZONES; j++) {
			above += pa->zones[j].managed_pages;
			z->lowmem_reserve[j] = z->managed_pages ? above / lowmem_reserve_ratio[i] : 0;
		}
		uint64_t min = lowmem_pages ? pages_min * z->managed_pages / lowmem_pages : 0;
		uint64_t tmp = z->managed_pages * scale_factor / 10000;

		if (tmp < min >> 2)
			tmp = min >> 2;
		z->watermark[WMARK_MIN] = min;
		z->watermark[WMARK_LOW] = min + tmp;
		z->watermark[WMARK_HIGH] = min + 2 * tmp;
	}
}

bool zone_watermark_ok(const struct zone *z, unsigned order, uint64_t mark,
		       enum zone_type highest_zoneidx)
{
	int64_t free = (int64_t)z->free_pages - ((1LL << order) - 1);

	if (free <= (int64_t)(mark + z->lowmem_reserve[highest_zoneidx]))
		return false;
	if (!order)
		return true;
	for (unsigned o = order; o < NR_PAGE_ORDERS; o++)
		if (z->free_area[o].nr_free)
			return true;
	return false;
}

/* ---- set-up ---- */

int page_alloc_init(struct page_alloc *pa, const struct page_alloc_config *c)
{
	memset(pa, 0, sizeof(*pa));
	if (c->mem_bytes < c->reserved_bytes + (1ULL << 20) || c->mem_bytes > (1ULL << 40) ||
	    (c->mem_bytes & 4095))
		return -1;
	if (pmem_init(&pa->pmem, c->mem_bytes))
		return -1;
	pa->nr_pages = c->mem_bytes >> 12;
	/* calloc: the host touches only the struct pages in use */
	pa->mem_map = calloc(pa->nr_pages, sizeof(*pa->mem_map));
	if (!pa->mem_map) {
		pmem_free(&pa->pmem);
		return -1;
	}
	uint64_t limit[MAX_NR_ZONES] = { c->dma_limit >> 12, c->dma32_limit >> 12,
					 pa->nr_pages };
	uint64_t start = 0, reserved = c->reserved_bytes >> 12;

	for (int i = 0; i < MAX_NR_ZONES; i++) {
		struct zone *z = &pa->zones[i];
		uint64_t end = limit[i] < pa->nr_pages ? limit[i] : pa->nr_pages;

		if (end < start)
			end = start;
		z->type = (enum zone_type)i;
		z->zone_start_pfn = start;
		z->spanned_pages = z->present_pages = end - start;
		for (int o = 0; o < NR_PAGE_ORDERS; o++)
			z->free_area[o].head = z->free_area[o].tail = NO_PFN;
		for (uint64_t pfn = start; pfn < end; pfn++) {
			struct page *p = &pa->mem_map[pfn];

			p->zone = (uint8_t)i;
			p->next = p->prev = NO_PFN;
			if (pfn < reserved) {
				p->flags = PG_reserved;
				p->refcount = 1;
			}
		}
		uint64_t first = start > reserved ? start : reserved < end ? reserved : end;

		z->managed_pages = end - first;
		/* memblock_free_all: the largest aligned blocks, to the tail */
		for (uint64_t pfn = first; pfn < end;) {
			unsigned order = MAX_PAGE_ORDER;

			while (order && ((pfn & ((1ULL << order) - 1)) || pfn + (1ULL << order) > end))
				order--;
			__free_one_page(pa, z, pfn, order, true);
			pfn += 1ULL << order;
		}
		start = end;
	}
	pa->reserved_pages = reserved;
	for (int l = 0; l < NR_LRU_LISTS; l++)
		pa->lruvec.head[l] = pa->lruvec.tail[l] = NO_PFN;
	setup_watermarks(pa, c->watermark_scale_factor);
	return 0;
}

void page_alloc_free(struct page_alloc *pa)
{
	free(pa->mem_map);
	pmem_free(&pa->pmem);
	memset(pa, 0, sizeof(*pa));
}

/* ---- allocation ---- */

enum zone_type gfp_zone(gfp_t gfp)
{
	if (gfp & __GFP_DMA)
		return ZONE_DMA;
	if (gfp & __GFP_DMA32)
		return ZONE_DMA32;
	return ZONE_NORMAL;
}

static struct page *prep_new_page(struct page_alloc *pa, struct zone *z, uint64_t pfn,
				  gfp_t gfp, unsigned order)
{
	struct page *p = &pa->mem_map[pfn];

	pa->allocated_pages += 1ULL << order;
	z->pgalloc += 1ULL << order;
	p->flags = order ? PG_head : 0;
	p->order = (uint8_t)order;
	p->refcount = 1;
	p->mapcount = 0;
	p->mapping = NULL;
	p->private = NULL;
	p->index = 0;
	p->swap = 0;
	p->lru_next = p->lru_prev = NO_PFN;
	if (gfp & __GFP_ZERO)
		for (uint64_t k = 0; k < 1ULL << order; k++)
			pmem_clear_frame(&pa->pmem, pfn + k);
	return p;
}

/*
 * get_page_from_freelist over the zonelist: the highest zone gfp allows
 * first (Normal, DMA32, DMA), each checked against the watermark that
 * alloc_flags names (ALLOC_OOM: half the min; ALLOC_NO_WATERMARKS: none).
 */
struct page *get_page_from_freelist(struct page_alloc *pa, gfp_t gfp, unsigned order,
				    unsigned alloc_flags)
{
	enum zone_type high = gfp_zone(gfp);

	for (int i = (int)high; i >= 0; i--) {
		struct zone *z = &pa->zones[i];

		if (!z->managed_pages)
			continue;
		if (!(alloc_flags & ALLOC_NO_WATERMARKS)) {
			uint64_t mark = z->watermark[alloc_flags & ALLOC_WMARK_MASK & 3];

			if (alloc_flags & ALLOC_OOM)
				mark -= mark / 2;
			if (!zone_watermark_ok(z, order, mark, high))
				continue;
		}
		uint64_t pfn = __rmqueue_smallest(pa, z, order);

		if (pfn != NO_PFN)
			return prep_new_page(pa, z, pfn, gfp, order);
	}
	return NULL;
}

/*
 * __alloc_pages: the fast path at the low watermark; below it, the slow
 * path (pa->slowpath: kswapd, direct reclaim, the OOM killer), or without
 * one, the min watermark as the slow path tries before it reclaims.
 */
struct page *alloc_pages(struct page_alloc *pa, gfp_t gfp, unsigned order)
{
	struct page *p;

	if (order > MAX_PAGE_ORDER)
		return NULL;
	p = get_page_from_freelist(pa, gfp, order, ALLOC_WMARK_LOW);
	if (!p)
		p = pa->slowpath ? pa->slowpath(pa->slowpath_ctx, gfp, order)
				 : get_page_from_freelist(pa, gfp, order, ALLOC_WMARK_MIN);
	if (p)
		return p;
	pa->zones[gfp_zone(gfp)].alloc_fail++;
	pa->failed++;
	return NULL;
}

void get_page(struct page *page)
{
	page->refcount++;
}

void __free_pages(struct page_alloc *pa, struct page *page, unsigned order)
{
	if (--page->refcount > 0)
		return;
	uint64_t pfn = page_to_pfn(pa, page);

	if (page->flags & PG_lru)
		lruvec_del_folio(pa, page);
	pa->allocated_pages -= 1ULL << order;
	pa->pgfree += 1ULL << order;
	page->flags = 0;
	page->mapping = NULL;
	page->private = NULL;
	page->mapcount = 0;
	__free_one_page(pa, &pa->zones[page->zone], pfn, order, false);
}

void put_page(struct page_alloc *pa, struct page *page)
{
	__free_pages(pa, page, 0);
}

uint64_t nr_free_pages(const struct page_alloc *pa)
{
	uint64_t n = 0;

	for (int i = 0; i < MAX_NR_ZONES; i++)
		n += pa->zones[i].free_pages;
	return n;
}

/* ---- LRU lists ---- */

const char *const lru_list_names[NR_LRU_LISTS] = { "inactive_anon", "active_anon",
						   "inactive_file", "active_file" };

static void lru_link(struct page_alloc *pa, struct page *p, bool tail)
{
	struct lruvec *v = &pa->lruvec;
	enum lru_list l = folio_lru_list(p);
	uint32_t pfn = (uint32_t)page_to_pfn(pa, p);

	p->lru_next = p->lru_prev = NO_PFN;
	if (v->head[l] == NO_PFN) {
		v->head[l] = v->tail[l] = pfn;
	} else if (tail) {
		p->lru_prev = v->tail[l];
		pa->mem_map[v->tail[l]].lru_next = pfn;
		v->tail[l] = pfn;
	} else {
		p->lru_next = v->head[l];
		pa->mem_map[v->head[l]].lru_prev = pfn;
		v->head[l] = pfn;
	}
	v->nr[l]++;
	pa->zones[p->zone].nr_zone_lru[l]++;
	p->flags |= PG_lru;
}

void lruvec_add_folio(struct page_alloc *pa, struct page *p)
{
	lru_link(pa, p, false);
}

void lruvec_add_folio_tail(struct page_alloc *pa, struct page *p)
{
	lru_link(pa, p, true);
}

void lruvec_del_folio(struct page_alloc *pa, struct page *p)
{
	struct lruvec *v = &pa->lruvec;
	enum lru_list l = folio_lru_list(p);

	if (p->lru_prev != NO_PFN)
		pa->mem_map[p->lru_prev].lru_next = p->lru_next;
	else
		v->head[l] = p->lru_next;
	if (p->lru_next != NO_PFN)
		pa->mem_map[p->lru_next].lru_prev = p->lru_prev;
	else
		v->tail[l] = p->lru_prev;
	p->lru_next = p->lru_prev = NO_PFN;
	v->nr[l]--;
	pa->zones[p->zone].nr_zone_lru[l]--;
	p->flags &= ~PG_lru;
}

/* Every list well linked, its pages in use, of its kind, and counted. */
const char *check_lru(const struct page_alloc *pa, char *msg, size_t len)
{
	uint64_t zone_nr[MAX_NR_ZONES][NR_LRU_LISTS] = { { 0 } };

	for (int l = 0; l < NR_LRU_LISTS; l++) {
		uint64_t n = 0;
		uint32_t prev = NO_PFN;

		for (uint32_t pfn = pa->lruvec.head[l]; pfn != NO_PFN;
		     pfn = pa->mem_map[pfn].lru_next) {
			const struct page *p = &pa->mem_map[pfn];

			if (pfn >= pa->nr_pages || n++ > pa->nr_pages || p->lru_prev != prev) {
				snprintf(msg, len, "LRU %s: list broken at pfn %u",
					 lru_list_names[l], pfn);
				return msg;
			}
			if (!(p->flags & PG_lru) || (p->flags & (PG_buddy | PG_slab | PG_table)) ||
			    p->refcount < 1 || folio_lru_list(p) != (enum lru_list)l ||
			    (p->flags & PG_head)) {
				snprintf(msg, len,
					 "LRU %s: pfn %u (flags %#x, refcount %d) does not belong there",
					 lru_list_names[l], pfn, p->flags, p->refcount);
				return msg;
			}
			zone_nr[p->zone][l]++;
			prev = pfn;
		}
		if (n != pa->lruvec.nr[l] || prev != pa->lruvec.tail[l]) {
			snprintf(msg, len, "LRU %s: %llu pages counted, %llu on the list",
				 lru_list_names[l], (unsigned long long)pa->lruvec.nr[l],
				 (unsigned long long)n);
			return msg;
		}
		for (int z = 0; z < MAX_NR_ZONES; z++)
			if (zone_nr[z][l] != pa->zones[z].nr_zone_lru[l]) {
				snprintf(msg, len, "zone %s: %llu pages counted on %s, %llu there",
					 zone_names[z], (unsigned long long)pa->zones[z].nr_zone_lru[l],
					 lru_list_names[l], (unsigned long long)zone_nr[z][l]);
				return msg;
			}
	}
	return NULL;
}

/* ---- views ---- */

void dump_buddyinfo(const struct page_alloc *pa, FILE *f)
{
	for (int i = 0; i < MAX_NR_ZONES; i++) {
		const struct zone *z = &pa->zones[i];

		if (!z->present_pages)
			continue;
		fprintf(f, "Node 0, zone %8s ", zone_names[i]);
		for (int o = 0; o < NR_PAGE_ORDERS; o++)
			fprintf(f, "%6llu ", (unsigned long long)z->free_area[o].nr_free);
		fputc('\n', f);
	}
}

void dump_zoneinfo(const struct page_alloc *pa, FILE *f)
{
	fprintf(f, "min_free_kbytes %llu\n", (unsigned long long)pa->min_free_kbytes);
	for (int i = 0; i < MAX_NR_ZONES; i++) {
		const struct zone *z = &pa->zones[i];

		fprintf(f,
			"Node 0, zone %8s\n  pages free     %llu\n        min      %llu\n"
			"        low      %llu\n        high     %llu\n        spanned  %llu\n"
			"        present  %llu\n        managed  %llu\n        protection: (",
			zone_names[i], (unsigned long long)z->free_pages,
			(unsigned long long)z->watermark[WMARK_MIN],
			(unsigned long long)z->watermark[WMARK_LOW],
			(unsigned long long)z->watermark[WMARK_HIGH],
			(unsigned long long)z->spanned_pages, (unsigned long long)z->present_pages,
			(unsigned long long)z->managed_pages);
		for (int j = 0; j < MAX_NR_ZONES; j++)
			fprintf(f, "%s%llu", j ? ", " : "", (unsigned long long)z->lowmem_reserve[j]);
		fprintf(f, ")\n");
	}
}

const char *check_buddy_msg(const struct page_alloc *pa, char *msg, size_t len)
{
	uint64_t total_free = 0;
	uint8_t *seen = calloc((pa->nr_pages + 7) / 8, 1);

	if (!seen)
		return "out of memory";

	for (int i = 0; i < MAX_NR_ZONES; i++) {
		const struct zone *z = &pa->zones[i];
		uint64_t free = 0;

		for (unsigned o = 0; o < NR_PAGE_ORDERS; o++) {
			const struct free_area *a = &z->free_area[o];
			uint64_t n = 0;
			uint32_t prev = NO_PFN;

			for (uint32_t pfn = a->head; pfn != NO_PFN; pfn = pa->mem_map[pfn].next) {
				const struct page *p = &pa->mem_map[pfn];

				if (n++ > z->spanned_pages || p->prev != prev) {
					snprintf(msg, len, "zone %s order %u: list broken at pfn %u",
						 zone_names[i], o, pfn);
					goto fail;
				}
				if (!(p->flags & PG_buddy) || p->order != o || p->refcount ||
				    (pfn & ((1u << o) - 1)) || pfn < z->zone_start_pfn ||
				    pfn + (1u << o) > z->zone_start_pfn + z->spanned_pages) {
					snprintf(msg, len,
						 "zone %s order %u: pfn %u is not a proper free block",
						 zone_names[i], o, pfn);
					goto fail;
				}
				for (uint64_t k = pfn; k < pfn + (1u << o); k++) {
					if (seen[k / 8] & (1u << (k % 8))) {
						snprintf(msg, len, "pfn %llu in two free blocks",
							 (unsigned long long)k);
						goto fail;
					}
					seen[k / 8] |= (uint8_t)(1u << (k % 8));
				}
				/* a free block's buddy of the same order must have merged */
				if (o < MAX_PAGE_ORDER && page_is_buddy(pa, z, pfn ^ (1u << o), o)) {
					snprintf(msg, len, "zone %s: pfn %u and its buddy both free at order %u",
						 zone_names[i], pfn, o);
					goto fail;
				}
				prev = pfn;
			}
			if (n != a->nr_free || prev != a->tail) {
				snprintf(msg, len, "zone %s order %u: nr_free %llu, list holds %llu",
					 zone_names[i], o, (unsigned long long)a->nr_free,
					 (unsigned long long)n);
				goto fail;
			}
			free += n << o;
		}
		if (free != z->free_pages) {
			snprintf(msg, len, "zone %s: free_pages %llu, lists hold %llu",
				 zone_names[i], (unsigned long long)z->free_pages,
				 (unsigned long long)free);
			goto fail;
		}
		total_free += free;
	}
	free(seen);
	if (total_free + pa->allocated_pages + pa->reserved_pages != pa->nr_pages) {
		snprintf(msg, len,
			 "%llu free + %llu allocated + %llu reserved pages != %llu pages",
			 (unsigned long long)total_free, (unsigned long long)pa->allocated_pages,
			 (unsigned long long)pa->reserved_pages, (unsigned long long)pa->nr_pages);
		return msg;
	}
	return NULL;
fail:
	free(seen);
	return msg;
}
