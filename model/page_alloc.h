/* SPDX-License-Identifier: MIT */
/*
 * Physical pages: struct page for every frame, zones (DMA, DMA32, NORMAL)
 * with Linux's min/low/high watermarks and lowmem reserves, and the buddy
 * allocator (orders 0..10, split and coalesce, per-order free lists), after
 * mm/page_alloc.c. Order-0 pages go straight to the buddy lists: there are
 * no per-cpu pagesets and no migrate types.
 */
#ifndef MMUSIM_PAGE_ALLOC_H
#define MMUSIM_PAGE_ALLOC_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "pmem.h"

#define NR_PAGE_ORDERS 11 /* orders 0..10 */
#define MAX_PAGE_ORDER 10
#define NO_PFN UINT32_MAX

typedef unsigned int gfp_t;
#define __GFP_DMA 0x01u
#define __GFP_DMA32 0x04u
#define __GFP_ZERO 0x100u
#define __GFP_ACCOUNT 0x400000u
#define __GFP_NOFAIL 0x8000u
#define __GFP_MOVABLE 0x08u
#define GFP_KERNEL 0xcc0u
#define GFP_USER (GFP_KERNEL | 0x100000u)
#define GFP_HIGHUSER_MOVABLE (GFP_USER | 0x8u)
#define GFP_PGTABLE_USER (GFP_KERNEL | __GFP_ZERO | __GFP_ACCOUNT)
#define __GFP_DIRECT_RECLAIM 0x400u
#define __GFP_KSWAPD_RECLAIM 0x800u
/* transparent huge pages: no reclaim for them (defrag=madvise, not madvised) */
#define GFP_TRANSHUGE_LIGHT (GFP_HIGHUSER_MOVABLE & ~(__GFP_DIRECT_RECLAIM | __GFP_KSWAPD_RECLAIM))

enum zone_type { ZONE_DMA, ZONE_DMA32, ZONE_NORMAL, MAX_NR_ZONES };
extern const char *const zone_names[MAX_NR_ZONES];

enum { WMARK_MIN, WMARK_LOW, WMARK_HIGH, NR_WMARK };

/* page->flags */
#define PG_reserved 0x001u
#define PG_buddy 0x002u /* head of a free block in a free list */
#define PG_slab 0x004u
#define PG_table 0x008u /* a page-table page */
#define PG_anon 0x010u	/* anonymous memory (mapping is an mm) */
#define PG_dirty 0x020u
#define PG_head 0x040u /* first page of a higher-order allocation */
#define PG_lru 0x080u  /* in a page cache or mapped as user memory */
#define PG_zero 0x100u /* the shared zero page */
#define PG_anon_exclusive 0x200u /* PageAnonExclusive: one mm owns it */
#define PG_active 0x400u	 /* on an active LRU list */
#define PG_referenced 0x800u	 /* seen referenced once on the inactive list */
#define PG_swapcache 0x1000u	 /* anonymous, in the swap cache: page->swap says where */

struct page {
	uint32_t flags;
	int32_t refcount; /* _refcount */
	int32_t mapcount; /* PTEs that map the page */
	uint8_t order;	  /* PG_buddy: free block order; PG_head: allocation order */
	uint8_t zone;
	uint32_t next, prev; /* free-list links (pfns), NO_PFN at the ends */
	void *private;	     /* slab pages: their struct slab */
	void *mapping;	     /* file pages: their address_space; anon: the mm */
	uint64_t index;	     /* page offset in the file, or VA >> PAGE_SHIFT (anon) */
	uint32_t lru_next, lru_prev; /* PG_lru: links of its LRU list (pfns) */
	uint64_t swap;		     /* PG_swapcache: its swp_entry_t */
};

/* The node's LRU lists (enum lru_list without the unevictable list). */
enum lru_list { LRU_INACTIVE_ANON, LRU_ACTIVE_ANON, LRU_INACTIVE_FILE, LRU_ACTIVE_FILE,
		NR_LRU_LISTS };
extern const char *const lru_list_names[NR_LRU_LISTS];

struct lruvec {
	uint32_t head[NR_LRU_LISTS], tail[NR_LRU_LISTS]; /* head: youngest */
	uint64_t nr[NR_LRU_LISTS];
};

/* alloc_flags of get_page_from_freelist */
#define ALLOC_WMARK_MIN WMARK_MIN
#define ALLOC_WMARK_LOW WMARK_LOW
#define ALLOC_WMARK_HIGH WMARK_HIGH
#define ALLOC_NO_WATERMARKS 0x04u
#define ALLOC_WMARK_MASK 0x07u
#define ALLOC_OOM 0x08u /* an OOM victim: down to half the min watermark */

struct free_area {
	uint32_t head, tail;
	uint64_t nr_free;
};

struct zone {
	enum zone_type type;
	uint64_t zone_start_pfn, spanned_pages, present_pages, managed_pages;
	uint64_t free_pages; /* NR_FREE_PAGES */
	uint64_t watermark[NR_WMARK];
	uint64_t lowmem_reserve[MAX_NR_ZONES];
	struct free_area free_area[NR_PAGE_ORDERS];
	uint64_t alloc_fail; /* requests this zone could not serve */
	uint64_t nr_zone_lru[NR_LRU_LISTS]; /* NR_ZONE_INACTIVE_ANON...: its pages on each list */
	uint64_t pgalloc;		    /* pgalloc_<zone>: pages handed out */
};

struct page_alloc {
	struct pmem pmem;
	struct page *mem_map;
	uint64_t nr_pages;
	struct zone zones[MAX_NR_ZONES];
	uint64_t min_free_kbytes;
	uint64_t reserved_pages;
	uint64_t allocated_pages; /* handed out and not yet freed */
	uint64_t failed; /* alloc_pages calls that returned NULL */
	uint64_t pgfree; /* pages returned */
	struct lruvec lruvec; /* the node's LRU lists (one node) */
	/*
	 * __alloc_pages_slowpath: what an allocation the low watermark refused
	 * turns to (wake kswapd, the min watermark, direct reclaim, the OOM
	 * killer). NULL: the min watermark alone.
	 */
	struct page *(*slowpath)(void *ctx, gfp_t gfp, unsigned order);
	void *slowpath_ctx;
};

struct page_alloc_config {
	uint64_t mem_bytes;	   /* all of physical memory, from PA 0 */
	uint64_t dma_limit;	   /* end of ZONE_DMA */
	uint64_t dma32_limit;	   /* end of ZONE_DMA32 */
	uint64_t reserved_bytes;   /* from PA 0: kernel image, never free */
	unsigned watermark_scale_factor;
};

void page_alloc_default_config(struct page_alloc_config *c);
int page_alloc_init(struct page_alloc *pa, const struct page_alloc_config *c);
void page_alloc_free(struct page_alloc *pa);

struct page *alloc_pages(struct page_alloc *pa, gfp_t gfp, unsigned order);
static inline struct page *alloc_page(struct page_alloc *pa, gfp_t gfp)
{
	return alloc_pages(pa, gfp, 0);
}
/* Drops a reference; the block returns to the buddy lists when none is left. */
void __free_pages(struct page_alloc *pa, struct page *page, unsigned order);
void get_page(struct page *page);
/* put_page: drop a reference to an order-0 page, freeing it at zero. */
void put_page(struct page_alloc *pa, struct page *page);

static inline uint64_t page_to_pfn(const struct page_alloc *pa, const struct page *p)
{
	return (uint64_t)(p - pa->mem_map);
}
static inline struct page *pfn_to_page(struct page_alloc *pa, uint64_t pfn)
{
	return &pa->mem_map[pfn];
}
static inline uint64_t page_to_phys(const struct page_alloc *pa, const struct page *p)
{
	return page_to_pfn(pa, p) << 12;
}

enum zone_type gfp_zone(gfp_t gfp);
/* The zonelist from the highest zone gfp allows down to DMA, at alloc_flags. */
struct page *get_page_from_freelist(struct page_alloc *pa, gfp_t gfp, unsigned order,
				    unsigned alloc_flags);

/* LRU lists (lruvec_add_folio and lruvec_del_folio): order-0 pages only. */
static inline enum lru_list folio_lru_list(const struct page *p)
{
	return (enum lru_list)(((p->flags & PG_anon) ? LRU_INACTIVE_ANON : LRU_INACTIVE_FILE) +
			       ((p->flags & PG_active) ? 1 : 0));
}
void lruvec_add_folio(struct page_alloc *pa, struct page *p);	   /* at the head */
void lruvec_add_folio_tail(struct page_alloc *pa, struct page *p); /* at the tail */
void lruvec_del_folio(struct page_alloc *pa, struct page *p);
const char *check_lru(const struct page_alloc *pa, char *msg, size_t len);

bool zone_watermark_ok(const struct zone *z, unsigned order, uint64_t mark,
		       enum zone_type highest_zoneidx);
uint64_t nr_free_pages(const struct page_alloc *pa);

/* /proc/buddyinfo and /proc/zoneinfo-style watermarks. */
void dump_buddyinfo(const struct page_alloc *pa, FILE *f);
void dump_zoneinfo(const struct page_alloc *pa, FILE *f);

/*
 * The checkers (check_buddy, check_slab, check_mm, check_os) return NULL,
 * or what is wrong written into the caller's msg of len bytes. Each has a
 * one-argument form whose message lives in a buffer of the caller's block
 * (a compound literal): no checker keeps state of its own.
 */
#define CHECK_MSG_LEN 320
#define CHECK_MSG_BUF (char[CHECK_MSG_LEN]){ 0 }, CHECK_MSG_LEN

/* Checks every invariant of the free lists. */
const char *check_buddy_msg(const struct page_alloc *pa, char *msg, size_t len);
#define check_buddy(pa) check_buddy_msg((pa), CHECK_MSG_BUF)

#endif
