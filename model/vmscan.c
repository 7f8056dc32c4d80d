// SPDX-License-Identifier: MIT
/*
 * Page reclaim (mm/vmscan.c, mm/swap.c, and __alloc_pages_slowpath of
 * mm/page_alloc.c; Linux 6.x without MGLRU or memory cgroups): the node's
 * four LRU lists, aged through the PTEs' access flags (folio_referenced),
 * shrink_active_list and shrink_inactive_list -> shrink_folio_list,
 * get_scan_count's balance of anon and file by swappiness, shrink_node,
 * kswapd's balance_pgdat up to the high watermarks, direct reclaim
 * (try_to_free_pages) and the allocation slow path with
 * should_reclaim_retry and the OOM killer at its end.
 *
 * Simplified, and said so: no reclaim costs (get_scan_count's SCAN_FRACT
 * splits by swappiness alone), no refault detection (workingset), no
 * slab shrinkers, no compaction, no proportional stop in shrink_lruvec
 * (it stops once it has reclaimed enough), writeback done at once, and
 * shmem and 2 MiB pages stay off the LRU lists (unevictable).
 */
#include "internal.h"

#define PAGE_ALLOC_COSTLY_ORDER 3
#define DEACTIVATE_ANON 1u
#define DEACTIVATE_FILE 2u

enum folio_references { FOLIOREF_RECLAIM, FOLIOREF_RECLAIM_CLEAN, FOLIOREF_KEEP,
			FOLIOREF_ACTIVATE };
enum scan_balance { SCAN_EQUAL, SCAN_FRACT, SCAN_ANON, SCAN_FILE };

struct scan_control {
	uint64_t nr_to_reclaim, nr_reclaimed, nr_scanned;
	gfp_t gfp_mask;
	unsigned order;
	int priority;
	enum zone_type reclaim_idx;
	unsigned may_deactivate;
	bool may_swap, kswapd, file_is_tiny, force_deactivate, skipped_deactivate;
	bool ignore_references; /* reclaim_pages */
};

static bool is_file_lru(enum lru_list l)
{
	return l >= LRU_INACTIVE_FILE;
}

static bool is_active_lru(enum lru_list l)
{
	return l == LRU_ACTIVE_ANON || l == LRU_ACTIVE_FILE;
}

/* ---- adding and activating (mm/swap.c) ---- */

/* folio_add_lru: a new page goes to the head of its inactive list. */
void lru_cache_add(struct os *os, struct page *page)
{
	if (page->flags & (PG_lru | PG_head))
		return;
	page->flags &= ~PG_active;
	lruvec_add_folio(&os->pa, page);
}

static void folio_activate(struct os *os, struct page *page)
{
	if (!(page->flags & PG_lru) || (page->flags & PG_active))
		return;
	lruvec_del_folio(&os->pa, page);
	page->flags |= PG_active;
	lruvec_add_folio(&os->pa, page);
	os->vm_events[PGACTIVATE]++;
}

/*
 * folio_mark_accessed: inactive,unreferenced -> inactive,referenced;
 * inactive,referenced -> active,unreferenced; active -> referenced.
 */
void folio_mark_accessed(struct os *os, struct page *page)
{
	if (!(page->flags & PG_referenced)) {
		page->flags |= PG_referenced;
	} else if (!(page->flags & PG_active)) {
		folio_activate(os, page);
		page->flags &= ~PG_referenced;
	}
}

/* ---- isolating ---- */

/* isolate_lru_folios: up to nr from the tail (the oldest), off the list. */
static unsigned isolate_lru_folios(struct os *os, uint64_t nr, enum lru_list lru,
				   struct page **out)
{
	unsigned n = 0;

	while (n < nr && n < SWAP_CLUSTER_MAX && os->pa.lruvec.tail[lru] != NO_PFN) {
		struct page *p = pfn_to_page(&os->pa, os->pa.lruvec.tail[lru]);

		lruvec_del_folio(&os->pa, p);
		out[n++] = p;
	}
	return n;
}

/* ---- shrink_folio_list ---- */

static enum folio_references folio_check_references(struct os *os, struct page *page)
{
	uint64_t vm_flags;
	int referenced_ptes = folio_referenced(os, page, &vm_flags);
	bool referenced_folio = page->flags & PG_referenced;
	bool file = !(page->flags & PG_anon);

	page->flags &= ~PG_referenced;
	if (referenced_ptes) {
		/*
		 * Mapped pages start out with a young PTE from the fault that
		 * made them: look twice. Mark it and spare it for another trip
		 * around the inactive list; another reference activates it.
		 */
		page->flags |= PG_referenced;
		if (referenced_folio || referenced_ptes > 1)
			return FOLIOREF_ACTIVATE;
		if ((vm_flags & VM_EXEC) && file) /* executable file pages: after one use */
			return FOLIOREF_ACTIVATE;
		return FOLIOREF_KEEP;
	}
	if (referenced_folio && file)
		return FOLIOREF_RECLAIM_CLEAN;
	return FOLIOREF_RECLAIM;
}

/* pageout of a file page: written back to its file, at once. */
static void writeback_file_page(struct os *os, struct page *page)
{
	page->flags &= ~PG_dirty;
	os->vm_events[PGPGOUT] += PAGE_SIZE >> 10;
}

/*
 * One isolated page: reclaimed (true; it waits in freed[] for the flush),
 * or back on a list, activated or not.
 */
static bool shrink_folio(struct os *os, struct scan_control *sc, struct page *page,
			 struct page **freed, unsigned *nfreed)
{
	bool anon = page->flags & PG_anon;
	enum folio_references ref =
		sc->ignore_references ? FOLIOREF_RECLAIM : folio_check_references(os, page);

	if (ref == FOLIOREF_ACTIVATE)
		goto activate_locked;
	if (ref == FOLIOREF_KEEP)
		goto keep;
	if (anon && !(page->flags & PG_swapcache)) {
		if (!sc->may_swap || !add_to_swap(os, page))
			goto activate_locked;
	}
	if (page->mapcount > 0) {
		try_to_unmap(os, page);
		if (page->mapcount > 0)
			goto activate_locked; /* nr_unmap_fail */
	}
	if (page->flags & PG_dirty) {
		if (ref == FOLIOREF_RECLAIM_CLEAN)
			goto keep;
		try_to_unmap_flush_dirty(os);
		if (anon)
			swap_writepage(os, page);
		else
			writeback_file_page(os, page);
	}
	/* __remove_mapping: only the cache's reference may be left */
	if (page->refcount != 1)
		goto keep;
	get_page(page); /* freed after the flush */
	if (anon)
		delete_from_swap_cache(os, page);
	else
		delete_from_page_cache(os, page);
	freed[(*nfreed)++] = page;
	return true;
activate_locked:
	/* not a candidate for swapping: its swap space goes when swap is short */
	if ((page->flags & PG_swapcache) && vm_swap_full(os))
		folio_free_swap(os, page);
	if (!(page->flags & PG_active)) {
		page->flags |= PG_active;
		os->vm_events[PGACTIVATE]++;
	}
keep:
	lruvec_add_folio(&os->pa, page);
	return false;
}

static uint64_t shrink_folio_list(struct os *os, struct scan_control *sc, struct page **pages,
				  unsigned n)
{
	struct page *freed[SWAP_CLUSTER_MAX];
	unsigned nfreed = 0;
	uint64_t nr_reclaimed = 0;

	for (unsigned i = 0; i < n; i++)
		nr_reclaimed += shrink_folio(os, sc, pages[i], freed, &nfreed);
	/* try_to_unmap_flush, then free_unref_folios */
	try_to_unmap_flush(os);
	for (unsigned i = 0; i < nfreed; i++)
		put_page(&os->pa, freed[i]);
	return nr_reclaimed;
}

static uint64_t shrink_inactive(struct os *os, struct scan_control *sc, uint64_t nr_to_scan,
				enum lru_list lru)
{
	struct page *pages[SWAP_CLUSTER_MAX];
	unsigned n = isolate_lru_folios(os, nr_to_scan, lru, pages);
	uint64_t nr_reclaimed;

	if (!n)
		return 0;
	sc->nr_scanned += n;
	os->vm_events[sc->kswapd ? PGSCAN_KSWAPD : PGSCAN_DIRECT] += n;
	os->vm_events[is_file_lru(lru) ? PGSCAN_FILE : PGSCAN_ANON] += n;
	nr_reclaimed = shrink_folio_list(os, sc, pages, n);
	os->vm_events[sc->kswapd ? PGSTEAL_KSWAPD : PGSTEAL_DIRECT] += nr_reclaimed;
	os->vm_events[is_file_lru(lru) ? PGSTEAL_FILE : PGSTEAL_ANON] += nr_reclaimed;
	return nr_reclaimed;
}

/*
 * shrink_active_list: the oldest active pages go to the inactive list,
 * their PTEs' access flags cleared on the way; a referenced page of an
 * executable file mapping gets another trip around the active list.
 */
static void shrink_active(struct os *os, uint64_t nr_to_scan, enum lru_list lru)
{
	struct page *pages[SWAP_CLUSTER_MAX];
	unsigned n = isolate_lru_folios(os, nr_to_scan, lru, pages);

	os->vm_events[PGREFILL] += n;
	for (unsigned i = 0; i < n; i++) {
		struct page *p = pages[i];
		uint64_t vm_flags;

		if (folio_referenced(os, p, &vm_flags) && (vm_flags & VM_EXEC) &&
		    !(p->flags & PG_anon)) {
			lruvec_add_folio(&os->pa, p);
			continue;
		}
		p->flags &= ~PG_active;
		lruvec_add_folio(&os->pa, p);
		os->vm_events[PGDEACTIVATE]++;
	}
}

/* ---- shrink_node ---- */

static uint64_t lru_size(const struct os *os, enum lru_list lru, enum zone_type idx)
{
	uint64_t n = 0;

	for (int z = 0; z <= (int)idx; z++)
		n += os->pa.zones[z].nr_zone_lru[lru];
	return n;
}

static uint64_t int_sqrt(uint64_t x)
{
	uint64_t r = 0;

	while ((r + 1) * (r + 1) <= x)
		r++;
	return r;
}

/* inactive_is_low: inactive * sqrt(10 * GiB of both) < active. */
static bool inactive_is_low(const struct os *os, enum lru_list inactive_lru)
{
	uint64_t inactive = os->pa.lruvec.nr[inactive_lru];
	uint64_t active = os->pa.lruvec.nr[inactive_lru + 1];
	uint64_t gb = (inactive + active) >> (30 - PAGE_SHIFT);
	uint64_t ratio = gb ? int_sqrt(10 * gb) : 1;

	return inactive * ratio < active;
}

static bool can_reclaim_anon_pages(const struct os *os)
{
	return nr_swap_pages(os) > 0;
}

/* get_scan_count: how many pages of each list to scan at this priority. */
static void get_scan_count(const struct os *os, const struct scan_control *sc, uint64_t nr[])
{
	unsigned swappiness = os->cfg.swappiness;
	enum scan_balance balance;
	uint64_t ap = swappiness, fp = 200 - swappiness; /* no reclaim costs kept */

	if (!sc->may_swap || !can_reclaim_anon_pages(os))
		balance = SCAN_FILE;
	else if (!sc->priority && swappiness)
		balance = SCAN_EQUAL;
	else if (sc->file_is_tiny)
		balance = SCAN_ANON;
	else
		balance = SCAN_FRACT;
	for (int l = 0; l < NR_LRU_LISTS; l++) {
		uint64_t scan = lru_size(os, (enum lru_list)l, sc->reclaim_idx) >> sc->priority;
		bool file = is_file_lru((enum lru_list)l);

		switch (balance) {
		case SCAN_EQUAL:
			break;
		case SCAN_FRACT:
			scan = scan * (file ? fp : ap) / (ap + fp);
			break;
		case SCAN_FILE:
		case SCAN_ANON:
			if ((balance == SCAN_FILE) != file)
				scan = 0;
			break;
		}
		nr[l] = scan;
	}
}

static uint64_t shrink_list(struct os *os, struct scan_control *sc, enum lru_list lru,
			    uint64_t nr_to_scan)
{
	if (is_active_lru(lru)) {
		if (sc->may_deactivate & (is_file_lru(lru) ? DEACTIVATE_FILE : DEACTIVATE_ANON))
			shrink_active(os, nr_to_scan, lru);
		else
			sc->skipped_deactivate = true;
		return 0;
	}
	return shrink_inactive(os, sc, nr_to_scan, lru);
}

static void shrink_lruvec(struct os *os, struct scan_control *sc)
{
	uint64_t nr[NR_LRU_LISTS], nr_reclaimed = 0;

	get_scan_count(os, sc, nr);
	while (nr[LRU_INACTIVE_ANON] || nr[LRU_ACTIVE_FILE] || nr[LRU_INACTIVE_FILE]) {
		for (int l = 0; l < NR_LRU_LISTS; l++) {
			uint64_t n = nr[l] < SWAP_CLUSTER_MAX ? nr[l] : SWAP_CLUSTER_MAX;

			if (!n)
				continue;
			nr[l] -= n;
			nr_reclaimed += shrink_list(os, sc, (enum lru_list)l, n);
		}
		if (nr_reclaimed >= sc->nr_to_reclaim)
			break;
	}
	sc->nr_reclaimed += nr_reclaimed;
	/* the inactive anon list kept big enough to age anon pages against */
	if (can_reclaim_anon_pages(os) && inactive_is_low(os, LRU_INACTIVE_ANON))
		shrink_active(os, SWAP_CLUSTER_MAX, LRU_ACTIVE_ANON);
}

/* prepare_scan_control */
static void prepare_scan_control(const struct os *os, struct scan_control *sc)
{
	uint64_t free = 0, high = 0, file;

	if (sc->force_deactivate) {
		sc->may_deactivate = DEACTIVATE_ANON | DEACTIVATE_FILE;
	} else {
		sc->may_deactivate = 0;
		if (inactive_is_low(os, LRU_INACTIVE_ANON))
			sc->may_deactivate |= DEACTIVATE_ANON;
		if (inactive_is_low(os, LRU_INACTIVE_FILE))
			sc->may_deactivate |= DEACTIVATE_FILE;
	}
	for (int z = 0; z < MAX_NR_ZONES; z++) {
		if (!os->pa.zones[z].managed_pages)
			continue;
		free += os->pa.zones[z].free_pages;
		high += os->pa.zones[z].watermark[WMARK_HIGH];
	}
	file = os->pa.lruvec.nr[LRU_ACTIVE_FILE] + os->pa.lruvec.nr[LRU_INACTIVE_FILE];
	sc->file_is_tiny = file + free <= high && !(sc->may_deactivate & DEACTIVATE_ANON) &&
			   (os->pa.lruvec.nr[LRU_INACTIVE_ANON] >> sc->priority);
}

static void shrink_node(struct os *os, struct scan_control *sc)
{
	uint64_t before = sc->nr_reclaimed;

	prepare_scan_control(os, sc);
	shrink_lruvec(os, sc);
	if (sc->nr_reclaimed > before)
		os->kswapd_failures = 0;
	/*
	 * The access-flag TLBIs went out without a DSB; Linux leaves it to the
	 * next context switch, the model's next point is the next access.
	 */
	if (os->tlb_batch_pending)
		os_emit_dsb(os, true);
}

/* ---- kswapd ---- */

static bool pgdat_balanced(const struct os *os, unsigned order, enum zone_type highest)
{
	bool managed = false;

	for (int z = 0; z <= (int)highest; z++) {
		const struct zone *zone = &os->pa.zones[z];

		if (!zone->managed_pages)
			continue;
		managed = true;
		if (zone_watermark_ok(zone, order, zone->watermark[WMARK_HIGH], highest))
			return true;
	}
	return !managed;
}

void wakeup_kswapd(struct os *os, unsigned order, enum zone_type highest_zoneidx)
{
	if (!os->kswapd_wake || os->kswapd_order < order)
		os->kswapd_order = order;
	if (!os->kswapd_wake || os->kswapd_highest_zoneidx < highest_zoneidx)
		os->kswapd_highest_zoneidx = highest_zoneidx;
	if (os->kswapd_wake)
		return; /* awake already */
	if (os->kswapd_failures >= MAX_RECLAIM_RETRIES ||
	    pgdat_balanced(os, order, highest_zoneidx))
		return; /* hopeless, or nothing to do */
	os->kswapd_wake = true;
	os->st.kswapd_wakeups++;
}

/* balance_pgdat: priority by priority until a zone meets its high watermark. */
static void balance_pgdat(struct os *os, unsigned order, enum zone_type highest)
{
	struct scan_control sc = { .gfp_mask = GFP_KERNEL, .order = order,
				   .priority = DEF_PRIORITY, .may_swap = true, .kswapd = true,
				   .reclaim_idx = highest };

	os->vm_events[PAGEOUTRUN]++;
	os->in_reclaim = true;
	do {
		if (pgdat_balanced(os, order, highest))
			break;
		uint64_t before = sc.nr_reclaimed;

		/* kswapd_shrink_node */
		sc.nr_scanned = 0;
		sc.nr_to_reclaim = 0;
		for (int z = 0; z <= (int)highest; z++) {
			uint64_t high = os->pa.zones[z].watermark[WMARK_HIGH];

			if (os->pa.zones[z].managed_pages)
				sc.nr_to_reclaim += high > SWAP_CLUSTER_MAX ? high : SWAP_CLUSTER_MAX;
		}
		shrink_node(os, &sc);
		if (sc.nr_scanned < sc.nr_to_reclaim || sc.nr_reclaimed == before)
			sc.priority--;
	} while (sc.priority >= 1);
	if (!sc.nr_reclaimed)
		os->kswapd_failures++;
	os->in_reclaim = false;
}

void os_run_kswapd(struct os *os)
{
	if (!os->kswapd_wake)
		return;
	balance_pgdat(os, os->kswapd_order, os->kswapd_highest_zoneidx);
	os->kswapd_wake = false;
	os->kswapd_order = 0;
	os->kswapd_highest_zoneidx = ZONE_DMA;
}

/* ---- direct reclaim ---- */

/* do_try_to_free_pages: SWAP_CLUSTER_MAX pages, priority 12 down to 0. */
uint64_t try_to_free_pages(struct os *os, gfp_t gfp, unsigned order)
{
	struct scan_control sc = { .nr_to_reclaim = SWAP_CLUSTER_MAX, .gfp_mask = gfp,
				   .order = order, .priority = DEF_PRIORITY, .may_swap = true,
				   .reclaim_idx = gfp_zone(gfp) };

	os->vm_events[(gfp & __GFP_MOVABLE) ? ALLOCSTALL_MOVABLE
					    : ALLOCSTALL_DMA + sc.reclaim_idx]++;
	os->in_reclaim = true;
	for (;;) {
		do {
			sc.nr_scanned = 0;
			shrink_node(os, &sc);
			if (sc.nr_reclaimed >= sc.nr_to_reclaim)
				break;
		} while (--sc.priority >= 0);
		if (sc.nr_reclaimed || !sc.skipped_deactivate || sc.force_deactivate)
			break;
		/* every active list was spared: once more, deactivating */
		sc.priority = DEF_PRIORITY;
		sc.force_deactivate = true;
		sc.skipped_deactivate = false;
	}
	os->in_reclaim = false;
	return sc.nr_reclaimed;
}

uint64_t reclaim_pages(struct os *os, struct page **pages, unsigned n)
{
	struct scan_control sc = { .nr_to_reclaim = n, .gfp_mask = GFP_KERNEL,
				   .priority = DEF_PRIORITY, .may_swap = true,
				   .ignore_references = true };
	uint64_t nr = 0;

	os->in_reclaim = true;
	for (unsigned i = 0; i < n; i += SWAP_CLUSTER_MAX) {
		struct page *batch[SWAP_CLUSTER_MAX];
		unsigned k = 0;

		for (unsigned j = i; j < n && j < i + SWAP_CLUSTER_MAX; j++)
			if (pages[j]->flags & PG_lru) {
				lruvec_del_folio(&os->pa, pages[j]);
				batch[k++] = pages[j];
			}
		nr += shrink_folio_list(os, &sc, batch, k);
	}
	os->in_reclaim = false;
	return nr;
}

void shrink_active_list(struct os *os, uint64_t nr_to_scan, enum lru_list lru)
{
	shrink_active(os, nr_to_scan, lru);
	if (os->tlb_batch_pending)
		os_emit_dsb(os, true);
}

uint64_t shrink_inactive_list(struct os *os, uint64_t nr_to_scan, enum lru_list lru,
			      bool kswapd)
{
	struct scan_control sc = { .nr_to_reclaim = nr_to_scan, .gfp_mask = GFP_KERNEL,
				   .priority = DEF_PRIORITY, .may_swap = true, .kswapd = kswapd };
	uint64_t nr = shrink_inactive(os, &sc, nr_to_scan, lru);

	if (os->tlb_batch_pending)
		os_emit_dsb(os, true);
	return nr;
}

/* ---- the allocation slow path ---- */

static bool zone_reclaimable(const struct os *os, const struct zone *z, uint64_t *pages)
{
	*pages = z->nr_zone_lru[LRU_INACTIVE_FILE] + z->nr_zone_lru[LRU_ACTIVE_FILE];
	if (can_reclaim_anon_pages(os))
		*pages += z->nr_zone_lru[LRU_INACTIVE_ANON] + z->nr_zone_lru[LRU_ACTIVE_ANON];
	return *pages != 0;
}

/*
 * should_reclaim_retry: retry while some zone would meet its min watermark
 * were its reclaimable pages freed, the estimate cut by 1/16 for every
 * round without progress, and at most MAX_RECLAIM_RETRIES such rounds.
 */
static bool should_reclaim_retry(const struct os *os, gfp_t gfp, unsigned order,
				 uint64_t did_some_progress, int *no_progress_loops)
{
	enum zone_type high = gfp_zone(gfp);

	if (did_some_progress && order <= PAGE_ALLOC_COSTLY_ORDER)
		*no_progress_loops = 0;
	else
		(*no_progress_loops)++;
	if (*no_progress_loops > MAX_RECLAIM_RETRIES)
		return false;
	for (int i = (int)high; i >= 0; i--) {
		const struct zone *z = &os->pa.zones[i];
		uint64_t available;

		if (!z->managed_pages)
			continue;
		zone_reclaimable(os, z, &available);
		available -= ((uint64_t)*no_progress_loops * available + MAX_RECLAIM_RETRIES - 1) /
			     MAX_RECLAIM_RETRIES;
		available += z->free_pages;
		/* __zone_watermark_ok with available as the free pages */
		struct zone probe = *z;

		probe.free_pages = available;
		if (zone_watermark_ok(&probe, order, z->watermark[WMARK_MIN], high))
			return true;
	}
	return false;
}

static bool current_is_oom_victim(const struct os *os)
{
	for (unsigned i = 0; os->busy_mm && i < os->nr_tasks; i++)
		if (os->tasks[i]->mm == os->busy_mm && os->tasks[i]->oom_killed)
			return true;
	return false;
}

/* __alloc_pages_may_oom: once more at the high watermark, then the OOM killer. */
static struct page *alloc_pages_may_oom(struct os *os, gfp_t gfp, unsigned order,
					bool *did_some_progress)
{
	struct page *p = get_page_from_freelist(&os->pa, gfp, order, ALLOC_WMARK_HIGH);

	*did_some_progress = false;
	if (p || order > PAGE_ALLOC_COSTLY_ORDER)
		return p;
	*did_some_progress = out_of_memory(os, gfp, order);
	return NULL;
}

static struct page *alloc_pages_slowpath(void *ctx, gfp_t gfp, unsigned order)
{
	struct os *os = ctx;
	enum zone_type high = gfp_zone(gfp);
	int no_progress_loops = 0;
	struct page *p;

	if (os->in_reclaim) /* PF_MEMALLOC: reclaim itself allocating */
		return get_page_from_freelist(&os->pa, gfp, order, ALLOC_NO_WATERMARKS);
	if (gfp & __GFP_KSWAPD_RECLAIM)
		wakeup_kswapd(os, order, high);
	p = get_page_from_freelist(&os->pa, gfp, order, ALLOC_WMARK_MIN);
	if (p || !(gfp & __GFP_DIRECT_RECLAIM))
		return p;
	for (;;) {
		unsigned alloc_flags = ALLOC_WMARK_MIN;
		uint64_t progress;
		bool oom_progress;

		wakeup_kswapd(os, order, high);
		if (current_is_oom_victim(os))
			alloc_flags |= ALLOC_OOM; /* oom_reserves_allowed */
		p = get_page_from_freelist(&os->pa, gfp, order, alloc_flags);
		if (p)
			return p;
		/* __alloc_pages_direct_reclaim */
		progress = try_to_free_pages(os, gfp, order);
		if (progress && (p = get_page_from_freelist(&os->pa, gfp, order, alloc_flags)))
			return p;
		if (order > PAGE_ALLOC_COSTLY_ORDER)
			return NULL;
		if (should_reclaim_retry(os, gfp, order, progress, &no_progress_loops))
			continue;
		p = alloc_pages_may_oom(os, gfp, order, &oom_progress);
		if (p)
			return p;
		/* no endless loop on the reserves of an OOM victim */
		if (current_is_oom_victim(os) && (alloc_flags & ALLOC_OOM))
			return NULL;
		if (!oom_progress)
			return NULL;
		no_progress_loops = 0;
	}
}

void reclaim_init(struct os *os)
{
	os->pa.slowpath = alloc_pages_slowpath;
	os->pa.slowpath_ctx = os;
}
