// SPDX-License-Identifier: MIT
/*
 * One swap device (mm/swapfile.c, mm/swap_state.c, mm/page_io.c; Linux 6.x):
 * swap_map counts the PTEs that hold each slot's entry, with SWAP_HAS_CACHE
 * while the swap cache holds a page for it; slot 0 is the header and never
 * used. Slots are found by a next-fit search from cluster_next (Linux
 * searches per-cpu clusters of 512 slots first; one cpu filling a fresh
 * device gets the same ascending order). The swap cache is an array by
 * offset (swapper_spaces' xarray). Written pages keep their contents, so
 * a page comes back as it left. I/O completes at once.
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

int swap_init(struct os *os, uint64_t bytes)
{
	uint64_t max = bytes >> PAGE_SHIFT;
	struct swap_info_struct *si;

	if (!bytes)
		return 0;
	if (max < 2 || max > (1ULL << 24)) /* 64 GiB */
		return -1;
	si = calloc(1, sizeof(*si));
	if (!si)
		return -1;
	si->max = max;
	si->pages = max - 1;
	si->cluster_next = 1;
	si->swap_map = calloc(max, 1);
	si->cache = calloc(max, sizeof(*si->cache));
	si->data = calloc(max, sizeof(*si->data));
	if (!si->swap_map || !si->cache || !si->data) {
		os->swap = si;
		swap_free_all(os);
		return -1;
	}
	os->swap = si;
	return 0;
}

void swap_free_all(struct os *os)
{
	struct swap_info_struct *si = os->swap;

	if (!si)
		return;
	for (uint64_t i = 0; si->data && i < si->max; i++)
		free(si->data[i]);
	free(si->data);
	free(si->cache);
	free(si->swap_map);
	free(si);
	os->swap = NULL;
}

uint64_t nr_swap_pages(const struct os *os)
{
	return os->swap ? os->swap->pages - os->swap->inuse_pages : 0;
}

/* vm_swap_full: more than half the swap in use. */
bool vm_swap_full(const struct os *os)
{
	return os->swap && nr_swap_pages(os) * 2 < os->swap->pages;
}

bool swap_entry_valid(const struct os *os, uint64_t entry)
{
	const struct swap_info_struct *si = os->swap;
	uint64_t off = swp_offset(entry);

	return si && swp_type(entry) == 0 && off >= 1 && off < si->max &&
	       (si->swap_map[off] & ~SWAP_HAS_CACHE);
}

/* scan_swap_map_slots, one slot: next fit from cluster_next, wrapping once. */
static uint64_t get_swap_slot(struct swap_info_struct *si)
{
	for (uint64_t n = 0; n < si->pages; n++) {
		uint64_t off = si->cluster_next + n;

		if (off >= si->max)
			off -= si->max - 1;
		if (si->swap_map[off])
			continue;
		si->cluster_next = off + 1 < si->max ? off + 1 : 1;
		return off;
	}
	return 0;
}

static void slot_maybe_free(struct swap_info_struct *si, uint64_t off)
{
	if (si->swap_map[off])
		return;
	si->inuse_pages--;
	free(si->data[off]);
	si->data[off] = NULL;
}

int add_to_swap_cache(struct os *os, struct page *page, uint64_t entry)
{
	struct swap_info_struct *si = os->swap;
	uint64_t off = swp_offset(entry);

	if (!si || off >= si->max || si->cache[off] || (si->swap_map[off] & SWAP_HAS_CACHE))
		return -1;
	if (!si->swap_map[off])
		si->inuse_pages++;
	si->swap_map[off] |= SWAP_HAS_CACHE;
	si->cache[off] = page;
	si->nr_cached++;
	page->flags |= PG_swapcache;
	page->swap = entry;
	get_page(page); /* the swap cache's reference */
	return 0;
}

bool add_to_swap(struct os *os, struct page *page)
{
	uint64_t off = os->swap ? get_swap_slot(os->swap) : 0;

	if (!off)
		return false;
	if (add_to_swap_cache(os, page, swp_entry(0, off)))
		return false;
	page->flags |= PG_dirty; /* folio_mark_dirty: its copy is yet to be written */
	return true;
}

struct page *swap_cache_get_folio(struct os *os, uint64_t entry)
{
	struct swap_info_struct *si = os->swap;
	uint64_t off = swp_offset(entry);

	return si && off < si->max ? si->cache[off] : NULL;
}

void delete_from_swap_cache(struct os *os, struct page *page)
{
	struct swap_info_struct *si = os->swap;
	uint64_t off = swp_offset(page->swap);

	si->cache[off] = NULL;
	si->nr_cached--;
	si->swap_map[off] &= (unsigned char)~SWAP_HAS_CACHE;
	slot_maybe_free(si, off);
	page->flags &= ~PG_swapcache;
	page->swap = 0;
	put_page(&os->pa, page);
}

int swap_duplicate(struct os *os, uint64_t entry)
{
	struct swap_info_struct *si = os->swap;
	uint64_t off = swp_offset(entry);

	if (!si || off >= si->max || (si->swap_map[off] & ~SWAP_HAS_CACHE) >= SWAP_MAP_MAX)
		return -1;
	if (!si->swap_map[off])
		si->inuse_pages++;
	si->swap_map[off]++;
	return 0;
}

void swap_free(struct os *os, uint64_t entry)
{
	struct swap_info_struct *si = os->swap;
	uint64_t off = swp_offset(entry);

	si->swap_map[off]--;
	slot_maybe_free(si, off);
}

/*
 * folio_free_swap: a page in the swap cache whose slot no PTE counts any
 * more leaves the cache and its slot is freed; it is dirty from now on.
 */
bool folio_free_swap(struct os *os, struct page *page)
{
	if (!(page->flags & PG_swapcache) ||
	    (os->swap->swap_map[swp_offset(page->swap)] & ~SWAP_HAS_CACHE))
		return false;
	page->flags |= PG_dirty;
	get_page(page);
	delete_from_swap_cache(os, page);
	put_page(&os->pa, page);
	return true;
}

/*
 * free_swap_and_cache: a swap PTE goes; when only the cache holds the slot
 * and the cached page is unmapped (or swap is more than half full), the
 * page leaves the cache too (__try_to_reclaim_swap, TTRS_UNMAPPED | TTRS_FULL).
 */
void free_swap_and_cache(struct os *os, uint64_t entry)
{
	struct swap_info_struct *si = os->swap;
	uint64_t off = swp_offset(entry);
	struct page *page;

	swap_free(os, entry);
	if (si->swap_map[off] != SWAP_HAS_CACHE || !(page = si->cache[off]))
		return;
	if (page->mapcount == 0 || vm_swap_full(os))
		folio_free_swap(os, page);
}

/* swap_writepage: the page's contents go to its slot. */
void swap_writepage(struct os *os, struct page *page)
{
	struct swap_info_struct *si = os->swap;
	uint64_t off = swp_offset(page->swap), pfn = page_to_pfn(&os->pa, page);

	free(si->data[off]);
	si->data[off] = NULL;
	if (!pmem_frame_is_zero(&os->pa.pmem, pfn)) {
		uint64_t *buf = malloc(PAGE_SIZE);

		if (buf) /* the host out of memory: the copy is lost, the figures are not */
			for (unsigned i = 0; i < PAGE_SIZE / 8; i++)
				buf[i] = pmem_read64(&os->pa.pmem, (pfn << PAGE_SHIFT) + 8 * i);
		si->data[off] = buf;
	}
	page->flags &= ~PG_dirty;
	os->vm_events[PSWPOUT]++;
	os->vm_events[PGPGOUT] += PAGE_SIZE >> 10;
}

/* swap_read_folio: the slot's contents come back into the page. */
void swap_read_folio(struct os *os, struct page *page)
{
	struct swap_info_struct *si = os->swap;
	uint64_t off = swp_offset(page->swap), pfn = page_to_pfn(&os->pa, page);

	pmem_clear_frame(&os->pa.pmem, pfn);
	for (unsigned i = 0; si->data[off] && i < PAGE_SIZE / 8; i++)
		if (si->data[off][i])
			pmem_write64(&os->pa.pmem, (pfn << PAGE_SHIFT) + 8 * i, si->data[off][i]);
	os->vm_events[PSWPIN]++;
	os->vm_events[PGPGIN] += PAGE_SIZE >> 10;
}

/*
 * The swap map against the PTEs found (ptes_per_slot, by offset) and the
 * swap cache: each slot counts its PTEs, carries SWAP_HAS_CACHE exactly
 * when the cache holds a page for it, and that page points back.
 */
const char *check_swap(const struct os *os, const uint32_t *ptes_per_slot, char *msg, size_t len)
{
	const struct swap_info_struct *si = os->swap;
	uint64_t inuse = 0, cached = 0;

	if (!si)
		return NULL;
	for (uint64_t off = 0; off < si->max; off++) {
		unsigned count = si->swap_map[off] & ~SWAP_HAS_CACHE;
		bool has_cache = si->swap_map[off] & SWAP_HAS_CACHE;
		const struct page *p = si->cache[off];

		inuse += si->swap_map[off] != 0;
		if (count != ptes_per_slot[off] || has_cache != (p != NULL) ||
		    (off == 0 && si->swap_map[0])) {
			snprintf(msg, len,
				 "swap slot %llu: swap_map %#x, but %u PTEs and %s cached page",
				 (unsigned long long)off, si->swap_map[off], ptes_per_slot[off],
				 p ? "a" : "no");
			return msg;
		}
		if (!p)
			continue;
		cached++;
		if (!(p->flags & PG_swapcache) || !(p->flags & PG_anon) ||
		    p->swap != swp_entry(0, off) || p->refcount < p->mapcount + 1) {
			snprintf(msg, len,
				 "swap cache slot %llu: pfn %llu (flags %#x, swap %#llx, refcount %d)",
				 (unsigned long long)off,
				 (unsigned long long)page_to_pfn(&os->pa, p), p->flags,
				 (unsigned long long)p->swap, p->refcount);
			return msg;
		}
	}
	if (inuse != si->inuse_pages || cached != si->nr_cached) {
		snprintf(msg, len, "swap: %llu slots in use and %llu cached, counted %llu and %llu",
			 (unsigned long long)inuse, (unsigned long long)cached,
			 (unsigned long long)si->inuse_pages, (unsigned long long)si->nr_cached);
		return msg;
	}
	return NULL;
}
