// SPDX-License-Identifier: MIT
/*
 * Memory pressure against hand-derived expectations (Linux 6.x's rules,
 * worked through by hand in the comments): the watermark sequence of a
 * zone filled page by page, LRU aging of a known access pattern, a page
 * swapped out and in with its PTE's swap entry checked bit by bit,
 * oom_badness's ranking of three processes and the kernel's message, and
 * the exact TLBIs and DSB of reclaiming a page two processes map on two
 * cores. check_os() runs after every step.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "os_fixture.h"

static char logged[4][400];
static unsigned nlogged;

static void log_line(void *ctx, const char *msg)
{
	(void)ctx;
	if (nlogged < 4)
		snprintf(logged[nlogged], sizeof(logged[0]), "%s", msg);
	nlogged++;
}

static void boot(uint64_t mem, uint64_t swap, unsigned cpus)
{
	struct os_config c;

	os_default_config(&c);
	c.mem.mem_bytes = mem;
	c.mem.dma_limit = mem; /* one zone, DMA: as on a small arm64 machine */
	c.mem.dma32_limit = mem;
	c.mem.reserved_bytes = 32 * MB;
	c.swap_bytes = swap;
	c.nr_cpus = cpus;
	boot_config(&c);
	os.log = log_line;
	nlogged = 0;
}

static void touch(struct mm_struct *mm, uint64_t addr, enum access_type a)
{
	assert_int_equal(handle_page_fault(&os, mm, addr, a), FAULT_OK);
	checked();
}

static uint64_t pte_of(struct mm_struct *mm, uint64_t addr)
{
	uint64_t slot;
	unsigned level;

	assert_int_equal(pt_slot(&os, mm, addr, 3, false, &slot, &level), 0);
	assert_int_equal(level, 3);
	return pt_read(&os, slot);
}

static struct page *page_at(struct mm_struct *mm, uint64_t addr)
{
	return pfn_to_page(&os.pa, pte_pfn(pte_of(mm, addr)));
}

/* VALE1IS with the level-3 hint (FEAT_TTL): arch_tlbbatch_add_pending's TLBI */
static uint64_t vale1_l3(uint64_t va, uint16_t asid)
{
	return tlbi_vaddr(va, asid, TLBI_TTL_4K_LEVEL(3));
}

#define ANON (MAP_PRIVATE | MAP_ANONYMOUS)
#define RW (PROT_READ | PROT_WRITE)

/*
 * 40 MiB with the kernel's 32 MiB reserved: one zone (DMA) of 2048 pages.
 * calculate_min_free_kbytes: int_sqrt(2048 pages * 4 KiB * 16) =
 * int_sqrt(131072) = 362 KiB, so pages_min = 362 / 4 = 90: min 90; the
 * step is max(90 / 4, 2048 * 10 / 10000) = max(22, 2) = 22: low 112,
 * high 134.
 * Pages taken one by one (none on an LRU list, nothing reclaimable):
 * - while more than 112 are free the fast path serves them;
 * - the one taken with 112 free fails the fast path: wakeup_kswapd, and it
 *   comes from the min watermark; so do the ones down to 91 free;
 * - with 90 free the min watermark refuses: direct reclaim (an
 *   allocstall), nothing reclaimed, should_reclaim_retry says no (90
 *   free + 0 reclaimable is not above min), the OOM killer finds no
 *   process: the allocation fails.
 */
static void test_watermarks(void **s)
{
	(void)s;
	boot(40 * MB, 0, 1);
	struct zone *z = &os.pa.zones[ZONE_DMA];
	static struct page *got[2048];
	unsigned n = 0;

	assert_int_equal(z->managed_pages, 2048);
	assert_int_equal(os.pa.zones[ZONE_DMA32].managed_pages, 0);
	assert_int_equal(os.pa.zones[ZONE_NORMAL].managed_pages, 0);
	assert_int_equal(os.pa.min_free_kbytes, 362);
	assert_int_equal(z->watermark[WMARK_MIN], 90);
	assert_int_equal(z->watermark[WMARK_LOW], 112);
	assert_int_equal(z->watermark[WMARK_HIGH], 134);
	uint64_t free0 = z->free_pages;

	assert_true(free0 > 134);
	while (z->free_pages > 112) {
		got[n] = alloc_page(&os.pa, GFP_HIGHUSER_MOVABLE);
		assert_non_null(got[n++]);
		assert_false(os.kswapd_wake);
	}
	assert_int_equal(n, free0 - 112);
	/* the fast path refuses the next one: kswapd woken, min serves it */
	got[n] = alloc_page(&os.pa, GFP_HIGHUSER_MOVABLE);
	assert_non_null(got[n++]);
	assert_true(os.kswapd_wake);
	assert_int_equal(os.st.kswapd_wakeups, 1);
	assert_int_equal(z->free_pages, 111);
	while (z->free_pages > 90) {
		got[n] = alloc_page(&os.pa, GFP_HIGHUSER_MOVABLE);
		assert_non_null(got[n++]);
	}
	assert_int_equal(os.st.kswapd_wakeups, 1); /* woken once: it has not run yet */
	assert_int_equal(os.vm_events[ALLOCSTALL_MOVABLE], 0);
	assert_int_equal(n, free0 - 90);
	/* at min: direct reclaim, nothing to reclaim, no process to kill */
	assert_null(alloc_page(&os.pa, GFP_HIGHUSER_MOVABLE));
	assert_int_equal(os.vm_events[ALLOCSTALL_MOVABLE], 1);
	assert_int_equal(os.vm_events[PGSCAN_DIRECT], 0);
	assert_int_equal(os.vm_events[OOM_KILL], 0);
	assert_int_equal(nlogged, 1);
	assert_string_equal(logged[0], "Out of memory and no killable processes...");
	assert_int_equal(z->free_pages, 90);
	/* a GFP_KERNEL request stalls as allocstall_normal (its highest zone,
	 * empty here: the zonelist falls back to DMA) */
	assert_null(alloc_page(&os.pa, GFP_KERNEL));
	assert_int_equal(os.vm_events[ALLOCSTALL_NORMAL], 1);
	/* kswapd runs: nothing to reclaim, one failure counted */
	os_run_kswapd(&os);
	assert_false(os.kswapd_wake);
	assert_int_equal(os.vm_events[PAGEOUTRUN], 1);
	assert_int_equal(os.kswapd_failures, 1);
	for (unsigned i = 0; i < n; i++)
		put_page(&os.pa, got[i]);
	assert_int_equal(z->free_pages, free0);
	checked();
}

/*
 * Four pages of a file mapped read-only, faulted A, B, C, D: each goes to
 * the head of the inactive file list, so it reads D C B A (A the oldest).
 * 1st scan of 4: every PTE young (the fault made it), no PG_referenced:
 *   each is marked referenced and kept (folio_check_references), its access
 *   flag cleared with a TLBI and no DSB; put back: D C B A again.
 * B and D touched again: access-flag faults.
 * 2nd scan of 4: A and C not young but referenced: FOLIOREF_RECLAIM_CLEAN,
 *   clean: unmapped and freed; B and D young and referenced: activated.
 * shrink_active_list of 2: B (the tail) then D, their flags cleared by the
 *   2nd scan, are deactivated, each to the head: inactive D B.
 */
static void test_lru_aging(void **s)
{
	(void)s;
	boot(64 * MB, 0, 1);
	struct task_struct *t = spawn(0);
	struct mm_struct *mm = t->mm;
	struct address_space *f = os_file(&os, 1, "/data");
	const uint64_t base = 0x10000000;
	struct page *pg[4];
	uint16_t asid = mm_asid(&os, mm);

	map_file(mm, base, 4 * PAGE_SIZE, PROT_READ, MAP_PRIVATE, f);
	for (int i = 0; i < 4; i++) {
		touch(mm, base + i * PAGE_SIZE, ACCESS_READ);
		pg[i] = page_at(mm, base + i * PAGE_SIZE);
	}
	struct lruvec *v = &os.pa.lruvec;
	uint64_t pfn[4];

	for (int i = 0; i < 4; i++)
		pfn[i] = page_to_pfn(&os.pa, pg[i]);
	assert_int_equal(v->nr[LRU_INACTIVE_FILE], 4);
	assert_int_equal(v->head[LRU_INACTIVE_FILE], pfn[3]);
	assert_int_equal(v->tail[LRU_INACTIVE_FILE], pfn[0]);
	assert_int_equal(v->nr[LRU_ACTIVE_FILE] + v->nr[LRU_INACTIVE_ANON] + v->nr[LRU_ACTIVE_ANON], 0);

	nops = ndsb = 0;
	assert_int_equal(shrink_inactive_list(&os, 4, LRU_INACTIVE_FILE, false), 0);
	checked();
	assert_int_equal(v->nr[LRU_INACTIVE_FILE], 4);
	assert_int_equal(v->head[LRU_INACTIVE_FILE], pfn[3]);
	assert_int_equal(v->tail[LRU_INACTIVE_FILE], pfn[0]);
	for (int i = 0; i < 4; i++) {
		assert_true(pg[i]->flags & PG_referenced);
		assert_false(pte_of(mm, base + i * PAGE_SIZE) & PTE_AF);
		/* ptep_clear_flush_young: VALE1IS without a level hint, oldest first */
		expect_op((unsigned)i, TLBI_VALE1, tlbi_vaddr(base + i * PAGE_SIZE, asid, 0));
	}
	assert_int_equal(nops, 4);
	assert_int_equal(ndsb, 1); /* the one DSB the model gives them at the end */
	assert_int_equal(dsb_at[0], 4);
	assert_int_equal(os.vm_events[PGSCAN_DIRECT], 4);
	assert_int_equal(os.vm_events[PGSTEAL_DIRECT], 0);

	/* B and D used again: the access flag faults set it */
	touch(mm, base + 1 * PAGE_SIZE, ACCESS_READ);
	touch(mm, base + 3 * PAGE_SIZE, ACCESS_READ);
	assert_int_equal(os.st.faults[FAULT_YOUNG], 2);

	uint64_t free0 = nr_free_pages(&os.pa);

	nops = ndsb = 0;
	assert_int_equal(shrink_inactive_list(&os, 4, LRU_INACTIVE_FILE, false), 2);
	checked();
	/* A (unmapped), B (young), C (unmapped), D (young), then one DSB */
	expect_op(0, TLBI_VALE1, vale1_l3(base, asid));
	expect_op(1, TLBI_VALE1, tlbi_vaddr(base + 1 * PAGE_SIZE, asid, 0));
	expect_op(2, TLBI_VALE1, vale1_l3(base + 2 * PAGE_SIZE, asid));
	expect_op(3, TLBI_VALE1, tlbi_vaddr(base + 3 * PAGE_SIZE, asid, 0));
	assert_int_equal(nops, 4);
	assert_int_equal(ndsb, 1);
	assert_int_equal(dsb_at[0], 4);
	assert_int_equal(nr_free_pages(&os.pa), free0 + 2);
	assert_int_equal(pte_of(mm, base), 0);
	assert_int_equal(pte_of(mm, base + 2 * PAGE_SIZE), 0);
	assert_int_equal(mm->rss_file, 2);
	assert_int_equal(f->nrpages, 2);
	assert_int_equal(v->nr[LRU_INACTIVE_FILE], 0);
	assert_int_equal(v->nr[LRU_ACTIVE_FILE], 2);
	assert_int_equal(v->head[LRU_ACTIVE_FILE], pfn[3]);
	assert_int_equal(v->tail[LRU_ACTIVE_FILE], pfn[1]);
	assert_int_equal(os.vm_events[PGACTIVATE], 2);
	assert_int_equal(os.vm_events[PGSTEAL_DIRECT], 2);
	assert_int_equal(os.vm_events[PGSTEAL_FILE], 2);

	/* the active list ages: B, then D, go back to the inactive list */
	nops = ndsb = 0;
	shrink_active_list(&os, 2, LRU_ACTIVE_FILE);
	checked();
	assert_int_equal(nops, 0); /* their flags were cleared already */
	assert_int_equal(v->nr[LRU_ACTIVE_FILE], 0);
	assert_int_equal(v->nr[LRU_INACTIVE_FILE], 2);
	assert_int_equal(v->head[LRU_INACTIVE_FILE], pfn[3]);
	assert_int_equal(v->tail[LRU_INACTIVE_FILE], pfn[1]);
	assert_int_equal(os.vm_events[PGDEACTIVATE], 2);
	assert_int_equal(os.vm_events[PGREFILL], 2);

	/* A again: not in the page cache any more, a major fault */
	uint64_t major = os.st.faults[FAULT_MAJOR];

	touch(mm, base, ACCESS_READ);
	assert_int_equal(os.st.faults[FAULT_MAJOR], major + 1);
	assert_int_equal(f->nrpages, 3);
}

/*
 * A written anonymous page reclaimed with 1 MiB of swap (256 slots, slot 0
 * the header): the first free slot is 1, so its entry is offset 1 at bit
 * 12, type 0 at bits 6-10, the exclusive bit 2 set (the page was
 * exclusive), bits 0-1 and 11 clear: 0x1004.
 * The PTE was writable and the page goes to swap dirty: its TLBI (VALE1IS,
 * level 3), then try_to_unmap_flush_dirty's DSB before the write; no
 * second DSB. The next read brings it back: a major fault, the contents
 * as they were, the slot kept for the swap cache (count 0 | SWAP_HAS_CACHE).
 */
static void test_swap_out_in(void **s)
{
	(void)s;
	boot(64 * MB, 1 * MB, 1);
	struct task_struct *t = spawn(0);
	struct mm_struct *mm = t->mm;
	const uint64_t va = 0x20000000;
	uint16_t asid = mm_asid(&os, mm);

	assert_int_equal(os.swap->max, 256);
	assert_int_equal(nr_swap_pages(&os), 255);
	map(mm, va, 4 * PAGE_SIZE, RW, ANON);
	touch(mm, va + PAGE_SIZE, ACCESS_WRITE);
	struct page *p = page_at(mm, va + PAGE_SIZE);
	uint64_t pfn = page_to_pfn(&os.pa, p);

	for (unsigned i = 0; i < 512; i += 37)
		assert_int_equal(pmem_write64(&os.pa.pmem, (pfn << PAGE_SHIFT) + 8 * i,
					      0x1111111111111111ULL * (i % 15 + 1)),
				 0);
	uint64_t free0 = nr_free_pages(&os.pa);

	nops = ndsb = 0;
	assert_int_equal(reclaim_pages(&os, &p, 1), 1);
	checked();
	uint64_t pte = pte_of(mm, va + PAGE_SIZE);

	assert_int_equal(pte, 0x1004);
	assert_int_equal(pte & 3, 0);		  /* not valid, not a table */
	assert_false(pte & PTE_NG);		  /* not PROT_NONE */
	assert_int_equal((pte >> 6) & 0x1f, 0);	  /* type 0 */
	assert_int_equal(pte >> 12, 1);		  /* offset 1 */
	assert_true(pte & (1ULL << 2));		  /* exclusive */
	assert_int_equal(swp_offset(pte_to_swp_entry(pte)), 1);
	expect_op(0, TLBI_VALE1, vale1_l3(va + PAGE_SIZE, asid));
	assert_int_equal(nops, 1);
	assert_int_equal(ndsb, 1);
	assert_int_equal(dsb_at[0], 1);
	assert_true(dsb_shareable);
	assert_int_equal(os.vm_events[PSWPOUT], 1);
	assert_int_equal(os.vm_events[PGPGOUT], 4);
	assert_int_equal(os.swap->swap_map[1], 1);
	assert_int_equal(nr_swap_pages(&os), 254);
	assert_int_equal(nr_free_pages(&os.pa), free0 + 1);
	assert_int_equal(mm->rss_anon, 0);
	assert_int_equal(mm->swapents, 1);
	long pts = oom_badness(&os, t, 1000);

	assert_int_equal(pts, 1 + 3); /* the swap entry, and the pud, pmd and pte tables */

	/* a read: do_swap_page reads it back */
	nops = 0;
	touch(mm, va + PAGE_SIZE, ACCESS_READ);
	assert_int_equal(nops, 0);
	assert_int_equal(os.st.faults[FAULT_SWAPIN], 1);
	assert_int_equal(os.st.faults[FAULT_MAJOR], 1);
	assert_int_equal(os.vm_events[PSWPIN], 1);
	p = page_at(mm, va + PAGE_SIZE);
	pfn = page_to_pfn(&os.pa, p);
	for (unsigned i = 0; i < 512; i++)
		assert_int_equal(pmem_read64(&os.pa.pmem, (pfn << PAGE_SHIFT) + 8 * i),
				 i % 37 ? 0 : 0x1111111111111111ULL * (i % 15 + 1));
	pte = pte_of(mm, va + PAGE_SIZE);
	assert_true(pte & PTE_VALID);
	assert_true(pte & PTE_RDONLY); /* a read maps it read-only */
	assert_true(p->flags & PG_swapcache);
	assert_true(p->flags & PG_anon_exclusive);
	assert_int_equal(os.swap->swap_map[1], SWAP_HAS_CACHE);
	assert_int_equal(mm->rss_anon, 1);
	assert_int_equal(mm->swapents, 0);

	/* a write: the exclusive page is reused in place, no copy */
	touch(mm, va + PAGE_SIZE, ACCESS_WRITE);
	assert_int_equal(os.st.faults[FAULT_WP_REUSE], 1);
	assert_int_equal(page_at(mm, va + PAGE_SIZE), p);

	/* munmap: the page and its slot go (free_swap_cache) */
	assert_int_equal(os_munmap(&os, mm, va, 4 * PAGE_SIZE), 0);
	checked();
	assert_int_equal(os.swap->swap_map[1], 0);
	assert_int_equal(nr_swap_pages(&os), 255);
	assert_int_equal(os.swap->nr_cached, 0);
}

/*
 * A page swapped out of two processes (fork shares it): the swap PTE is
 * copied with the count raised, both lose the exclusive bit; the slot
 * lives until both PTEs are gone.
 */
static void test_swap_fork(void **s)
{
	(void)s;
	boot(64 * MB, 1 * MB, 1);
	struct task_struct *t = spawn(0);
	const uint64_t va = 0x20000000;

	map(t->mm, va, PAGE_SIZE, RW, ANON);
	touch(t->mm, va, ACCESS_WRITE);
	struct page *p = page_at(t->mm, va);

	assert_int_equal(reclaim_pages(&os, &p, 1), 1);
	assert_int_equal(pte_of(t->mm, va), 0x1004);
	struct task_struct *c = os_clone(&os, t, 0);

	assert_non_null(c);
	checked();
	assert_int_equal(pte_of(t->mm, va), 0x1000);
	assert_int_equal(pte_of(c->mm, va), 0x1000);
	assert_int_equal(os.swap->swap_map[1], 2);
	assert_int_equal(c->mm->swapents, 1);
	/* the child reads it in; the parent still holds the slot */
	touch(c->mm, va, ACCESS_READ);
	assert_int_equal(os.swap->swap_map[1], 1 | SWAP_HAS_CACHE);
	/* the parent reads it: from the swap cache, no second read */
	touch(t->mm, va, ACCESS_READ);
	assert_int_equal(os.vm_events[PSWPIN], 1);
	assert_int_equal(page_at(t->mm, va), page_at(c->mm, va));
	assert_int_equal(os.swap->swap_map[1], SWAP_HAS_CACHE);
	/* a write by the child: shared, not exclusive: copied */
	touch(c->mm, va, ACCESS_WRITE);
	assert_int_equal(os.st.faults[FAULT_WP_COPY], 1);
	os_exit(&os, c);
	os_exit(&os, t);
	checked();
	assert_int_equal(nr_swap_pages(&os), 255);
}

/*
 * oom_badness = rss + swap entries + page tables (pud, pmd, pte: 3; the
 * pgd is not counted) + oom_score_adj * (totalpages / 1000).
 * 64 MiB, 32 MiB reserved: 8192 pages of RAM, no swap: totalpages / 1000 = 8.
 * a: 10 pages -> 13; b: 20 -> 23; c: 30 with oom_score_adj -500 ->
 * 33 - 4000 = -3967. b is chosen; with b at -1000 (never), a.
 */
static void test_oom_badness(void **s)
{
	(void)s;
	boot(64 * MB, 0, 1);
	struct task_struct *t[3];
	const unsigned pages[3] = { 10, 20, 30 };

	for (int i = 0; i < 3; i++) {
		t[i] = spawn(0);
		snprintf(t[i]->comm, sizeof(t[i]->comm), "%c", 'a' + i);
		map(t[i]->mm, 0x400000, 64 * PAGE_SIZE, RW, ANON);
		for (unsigned k = 0; k < pages[i]; k++)
			touch(t[i]->mm, 0x400000 + k * PAGE_SIZE, ACCESS_WRITE);
	}
	t[2]->oom_score_adj = -500;
	uint64_t total = totalram_pages(&os);
	long points;

	assert_int_equal(total, 8192);
	assert_int_equal(oom_badness(&os, t[0], total), 13);
	assert_int_equal(oom_badness(&os, t[1], total), 23);
	assert_int_equal(oom_badness(&os, t[2], total), 33 - 500 * 8);
	assert_ptr_equal(select_bad_process(&os, total, &points), t[1]);
	assert_int_equal(points, 23);
	t[1]->oom_score_adj = -1000;
	assert_int_equal(oom_badness(&os, t[1], total), LONG_MIN);
	assert_ptr_equal(select_bad_process(&os, total, &points), t[0]);
	/* a tie goes to the later process */
	t[1]->oom_score_adj = 0;
	t[2]->oom_score_adj = -1;
	assert_int_equal(oom_badness(&os, t[2], total), 25);
	t[1]->oom_score_adj = 2; /* 23 + 16 = 39 */
	t[2]->oom_score_adj = 1; /* 33 + 8 = 41 */
	assert_ptr_equal(select_bad_process(&os, total, &points), t[2]);
	t[0]->oom_score_adj = 2;  /* 13 + 16 = 29 */
	t[1]->oom_score_adj = 0;  /* 23 */
	t[2]->oom_score_adj = -1; /* 33 - 8 = 25 */
	assert_ptr_equal(select_bad_process(&os, total, &points), t[0]);
	t[0]->oom_score_adj = 0; /* a 13, b 23, c 25 */
	/* b at 25 too (23 + 2 pages): equal to c, which comes later: c */
	touch(t[1]->mm, 0x400000 + 20 * PAGE_SIZE, ACCESS_WRITE);
	touch(t[1]->mm, 0x400000 + 21 * PAGE_SIZE, ACCESS_WRITE);
	assert_int_equal(oom_badness(&os, t[1], total), 25);
	assert_ptr_equal(select_bad_process(&os, total, &points), t[2]);
	t[2]->oom_score_adj = -500;

	/* the kill: b (25), with the kernel's message; torn down at once */
	uint64_t free0 = nr_free_pages(&os.pa);

	assert_true(out_of_memory(&os, GFP_HIGHUSER_MOVABLE, 0));
	assert_true(t[1]->exited);
	assert_false(t[0]->exited || t[2]->exited);
	assert_int_equal(os.vm_events[OOM_KILL], 1);
	assert_int_equal(nlogged, 3);
	/* total-vm 64 pages = 256 kB, anon-rss 22 pages = 88 kB, pgtables 3 = 12 kB */
	assert_string_equal(logged[2],
			    "Out of memory: Killed process 2 (b) total-vm:256kB, anon-rss:88kB, "
			    "file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:12kB oom_score_adj:0");
	assert_true(nr_free_pages(&os.pa) >= free0 + 22 + 4);
	checked();
}

/*
 * A file page mapped by two processes, one running on cpu 0, the other on
 * cpu 1, reclaimed from cpu 0: arch_tlbbatch_add_pending's TLBI for each
 * mapping (VALE1IS, the mm's ASID, level 3), no DSB between them, then
 * arch_tlbbatch_flush's one DSB ISH. Both Inner Shareable: every core gets
 * them.
 */
static void test_two_cores_batch(void **s)
{
	(void)s;
	boot(64 * MB, 0, 2);
	struct task_struct *a = spawn(0), *b = spawn(1);
	struct address_space *f = os_file(&os, 1, "/lib/shared.so");
	const uint64_t va = 0x7f0000001000, vb = 0x5000;

	map_file(a->mm, va, PAGE_SIZE, PROT_READ, MAP_SHARED, f);
	map_file(b->mm, vb, PAGE_SIZE, PROT_READ, MAP_SHARED, f);
	touch(a->mm, va, ACCESS_READ);
	touch(b->mm, vb, ACCESS_READ);
	struct page *p = page_at(a->mm, va);

	assert_ptr_equal(page_at(b->mm, vb), p);
	assert_int_equal(p->mapcount, 2);
	uint16_t asid_a = mm_asid(&os, a->mm), asid_b = mm_asid(&os, b->mm);

	assert_int_not_equal(asid_a, asid_b);
	os.cur_cpu = 0;
	nops = ndsb = 0;
	assert_int_equal(reclaim_pages(&os, &p, 1), 1);
	checked();
	assert_int_equal(nops, 2);
	expect_op(0, TLBI_VALE1, vale1_l3(va, asid_a));
	expect_op(1, TLBI_VALE1, vale1_l3(vb, asid_b));
	assert_int_equal(op_cpu[0], 0);
	assert_int_equal(op_cpu[1], 0);
	assert_int_equal(ndsb, 1);
	assert_int_equal(dsb_at[0], 2);
	assert_true(dsb_shareable);
	assert_int_equal(pte_of(a->mm, va), 0);
	assert_int_equal(pte_of(b->mm, vb), 0);
	assert_int_equal(f->nrpages, 0);
	assert_int_equal(os.st.tlbi_nosync, 2);
}

/*
 * get_scan_count's SCAN_FRACT splits the scan by swappiness: anon gets
 * swappiness / 200 of it, file (200 - swappiness) / 200. 64 anonymous
 * pages written and 64 file pages read, then aged by hand (access flags
 * cleared: not referenced since). Direct reclaim wants 32; each priority p
 * scans (list size) >> p pages of the favoured kind (200 / 200 of them)
 * and none of the other (0 / 200), and reclaims every page it scans:
 * p = 6: 64 >> 6 = 1, 63 left; p = 5: 63 >> 5 = 1, 62 left; p = 4: 3, 59
 * left; p = 3: 7, 52 left; p = 2: 13, 39 left; p = 1: 19, 20 left: 44 >= 32,
 * before priority 0 would scan both kinds alike.
 */
static void reclaim_by_swappiness(unsigned swappiness)
{
	struct os_config c;

	os_default_config(&c);
	c.mem.mem_bytes = c.mem.dma_limit = c.mem.dma32_limit = 64 * MB;
	c.mem.reserved_bytes = 32 * MB;
	c.swap_bytes = 4 * MB;
	c.swappiness = swappiness;
	assert_int_equal(os_init(&os, &c), 0);
	struct task_struct *t = spawn(0);
	struct address_space *f = os_file(&os, 1, "/data");

	map_file(t->mm, 0x10000000, 64 * PAGE_SIZE, PROT_READ, MAP_PRIVATE, f);
	map(t->mm, 0x20000000, 64 * PAGE_SIZE, RW, ANON);
	for (int i = 0; i < 64; i++) {
		for (int k = 0; k < 2; k++) {
			uint64_t va = (k ? 0x20000000 : 0x10000000) + i * PAGE_SIZE, slot;
			unsigned level;

			touch(t->mm, va, k ? ACCESS_WRITE : ACCESS_READ);
			assert_int_equal(pt_slot(&os, t->mm, va, 3, false, &slot, &level), 0);
			pt_write(&os, slot, pt_read(&os, slot) & ~PTE_AF);
		}
	}
	uint64_t got = try_to_free_pages(&os, GFP_HIGHUSER_MOVABLE, 0);

	checked();
	assert_int_equal(got, 44);
	assert_int_equal(os.vm_events[ALLOCSTALL_MOVABLE], 1);
	assert_int_equal(os.vm_events[PGSCAN_DIRECT], 44);
	assert_int_equal(os.vm_events[PGSTEAL_DIRECT], 44);
	if (swappiness == 0) {
		assert_int_equal(os.vm_events[PGSCAN_ANON], 0);
		assert_int_equal(os.vm_events[PSWPOUT], 0);
		assert_int_equal(os.vm_events[PGSTEAL_FILE], 44);
		assert_int_equal(t->mm->rss_file, 20);
	} else {
		assert_int_equal(os.vm_events[PGSCAN_FILE], 0);
		assert_int_equal(os.vm_events[PGSTEAL_ANON], 44);
		assert_int_equal(os.vm_events[PSWPOUT], 44); /* dirty: each one written */
		assert_int_equal(t->mm->swapents, 44);
		assert_int_equal(t->mm->rss_anon, 20);
	}
}

static void test_swappiness_0(void **s)
{
	(void)s;
	reclaim_by_swappiness(0);
}

static void test_swappiness_200(void **s)
{
	(void)s;
	reclaim_by_swappiness(200);
}

static const char *why_not(void)
{
	static char msg[CHECK_MSG_LEN]; /* outlives the call, unlike check_os's own */
	const char *why = check_os_msg(&os, msg, sizeof(msg));

	return why ? why : "(nothing wrong)";
}

/* The checkers see what is wrong: a swap count off by one, a page on the wrong list. */
static void test_checkers_catch(void **s)
{
	(void)s;
	boot(64 * MB, 1 * MB, 1);
	struct task_struct *t = spawn(0);
	const uint64_t va = 0x20000000;

	map(t->mm, va, 2 * PAGE_SIZE, RW, ANON);
	touch(t->mm, va, ACCESS_WRITE);
	touch(t->mm, va + PAGE_SIZE, ACCESS_WRITE);
	struct page *p = page_at(t->mm, va), *q = page_at(t->mm, va + PAGE_SIZE);

	assert_int_equal(reclaim_pages(&os, &p, 1), 1);
	checked();
	os.swap->swap_map[1]++;
	assert_non_null(strstr(why_not(), "swap slot 1: swap_map 0x2, but 1 PTEs"));
	os.swap->swap_map[1]--;
	checked();
	t->mm->swapents++;
	assert_non_null(strstr(why_not(), "2 swap entries counted, 1 in its PTEs"));
	t->mm->swapents--;
	q->flags |= PG_active; /* marked active, still linked on the inactive list */
	assert_non_null(strstr(why_not(), "LRU inactive_anon: pfn"));
	q->flags &= ~PG_active;
	checked();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_watermarks, teardown),
		cmocka_unit_test_teardown(test_lru_aging, teardown),
		cmocka_unit_test_teardown(test_swap_out_in, teardown),
		cmocka_unit_test_teardown(test_swap_fork, teardown),
		cmocka_unit_test_teardown(test_oom_badness, teardown),
		cmocka_unit_test_teardown(test_two_cores_batch, teardown),
		cmocka_unit_test_teardown(test_swappiness_0, teardown),
		cmocka_unit_test_teardown(test_swappiness_200, teardown),
		cmocka_unit_test_teardown(test_checkers_catch, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
