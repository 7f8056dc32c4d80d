// SPDX-License-Identifier: MIT
/*
 * The arm64 TLB-flush policy (arch/arm64/include/asm/tlbflush.h and tlb.h,
 * include/asm-generic/tlb.h, mm/mmu_gather.c; Linux 6.9 and later, which
 * 6.6.29+ backported): flush_tlb_mm/page/range, __flush_tlb_range with its
 * range-operation loop (SCALE 3 down to 0, an odd last page on its own) and
 * its fall-back to a flush by ASID, and the mmu_gather that batches unmaps:
 * clear PTEs, flush, then free pages and page tables. Every operation is the
 * Inner-Shareable form, so it reaches every core, and every flush ends with
 * one dsb(ish) that waits for its TLBIs (the dsb(ishst) before them orders
 * the page-table stores, which the model makes at once). KPTI is not
 * modelled.
 */
#include <stdlib.h>

#include "internal.h"

#define MAX_DVM_OPS 512ULL	      /* PTRS_PER_PTE */
#define MAX_TLBI_RANGE_PAGES (32ULL << 16) /* __TLBI_RANGE_PAGES(31, 3) */
#define MAX_GATHER_PAGES 9678	      /* 7 + 19 batches of 509: then a forced flush */
#define MAX_TABLE_BATCH 509
#define TTL_UNKNOWN 4u		      /* TLBI_TTL_UNKNOWN */

uint16_t mm_asid(const struct os *os, const struct mm_struct *mm)
{
	(void)os;
	return (uint16_t)(mm->context.id & 0xffff);
}

void os_emit_tlbi(struct os *os, enum tlbi_op op, bool shareable, uint64_t operand)
{
	struct tlbi t = { op, shareable, operand };

	os->st.tlbi[op]++;
	if (shareable)
		os->st.tlbi_shootdowns++;
	if (os->tlbi)
		os->tlbi(os->tlbi_ctx, os->cur_cpu, &t);
}

void os_emit_dsb(struct os *os, bool shareable)
{
	if (shareable)
		os->tlb_batch_pending = false; /* it completes every TLBI before it */
	os->st.dsb++;
	if (os->dsb)
		os->dsb(os->tlbi_ctx, os->cur_cpu, shareable);
}

void flush_tlb_mm(struct os *os, struct mm_struct *mm)
{
	os_emit_tlbi(os, TLBI_ASIDE1, true, tlbi_asid(mm_asid(os, mm)));
	os_emit_dsb(os, true);
}

/* VALE1IS without a level hint, as every kernel up to 6.17 issues it. */
void flush_tlb_page(struct os *os, struct mm_struct *mm, uint64_t addr)
{
	os_emit_tlbi(os, TLBI_VALE1, true, tlbi_vaddr(addr, mm_asid(os, mm), 0));
	os_emit_dsb(os, true);
}

/* __tlbi_level: the TTL hint only on FEAT_TTL, and only for a known level. */
static uint64_t tlbi_level_operand(const struct os *os, uint64_t va, uint16_t asid,
				   unsigned level)
{
	unsigned ttl = os->cfg.tlb_ttl && level <= 3 ? TLBI_TTL_4K_LEVEL(level) : 0;

	return tlbi_vaddr(va, asid, ttl);
}

/* TLBIs without their DSB (arch_tlbbatch_add_pending, ptep_clear_flush_young) */
static void emit_tlbi_nosync(struct os *os, enum tlbi_op op, uint64_t operand)
{
	os_emit_tlbi(os, op, true, operand);
	os->st.tlbi_nosync++;
	os->tlb_batch_pending = true;
}

/* flush_tlb_page_nosync: VALE1IS, no level hint, no DSB. */
void flush_tlb_page_nosync(struct os *os, struct mm_struct *mm, uint64_t addr)
{
	emit_tlbi_nosync(os, TLBI_VALE1, tlbi_vaddr(addr, mm_asid(os, mm), 0));
}

static void flush_range(struct os *os, struct mm_struct *mm, uint64_t start, uint64_t end,
			uint64_t stride, bool last_level, unsigned tlb_level, bool sync);

void __flush_tlb_range(struct os *os, struct mm_struct *mm, uint64_t start, uint64_t end,
		       uint64_t stride, bool last_level, unsigned tlb_level)
{
	flush_range(os, mm, start, end, stride, last_level, tlb_level, true);
}

/* __flush_tlb_range_nosync: the same TLBIs, the DSB left to the caller. */
void __flush_tlb_range_nosync(struct os *os, struct mm_struct *mm, uint64_t start,
			      uint64_t end, uint64_t stride, bool last_level, unsigned tlb_level)
{
	flush_range(os, mm, start, end, stride, last_level, tlb_level, false);
}

static void flush_range(struct os *os, struct mm_struct *mm, uint64_t start, uint64_t end,
			uint64_t stride, bool last_level, unsigned tlb_level, bool sync)
{
	start &= ~(stride - 1);
	end = (end + stride - 1) & ~(stride - 1);
	uint64_t pages = (end - start) >> PAGE_SHIFT;
	uint16_t asid = mm_asid(os, mm);

	if ((!os->cfg.tlb_range && end - start >= MAX_DVM_OPS * stride) ||
	    pages > MAX_TLBI_RANGE_PAGES) {
		flush_tlb_mm(os, mm);
		return;
	}
	enum tlbi_op op = last_level ? TLBI_VALE1 : TLBI_VAE1;
	enum tlbi_op rop = last_level ? TLBI_RVALE1 : TLBI_RVAE1;
	int scale = 3;

	while (pages > 0) {
		if (!os->cfg.tlb_range || pages == 1) {
			uint64_t operand = tlbi_level_operand(os, start, asid, tlb_level);

			if (sync)
				os_emit_tlbi(os, op, true, operand);
			else
				emit_tlbi_nosync(os, op, operand);
			start += stride;
			pages -= stride >> PAGE_SHIFT;
			continue;
		}
		uint64_t cap = tlbi_range_pages((unsigned)scale, 31);
		int num = (int)((pages < cap ? pages : cap) >> (5 * scale + 1)) - 1;

		if (num >= 0) {
			unsigned ttl = tlb_level >= 1 && tlb_level <= 3 ? tlb_level : 0;

			uint64_t operand =
				tlbi_vaddr_range(start, asid, (unsigned)scale, (unsigned)num, ttl);

			if (sync)
				os_emit_tlbi(os, rop, true, operand);
			else
				emit_tlbi_nosync(os, rop, operand);
			start += tlbi_range_pages((unsigned)scale, (unsigned)num) << PAGE_SHIFT;
			pages -= tlbi_range_pages((unsigned)scale, (unsigned)num);
		}
		scale--;
	}
	if (sync)
		os_emit_dsb(os, true);
}

/* flush_tlb_range: 4 KiB stride, not only leaves, no level hint. */
void flush_tlb_range(struct os *os, struct mm_struct *mm, uint64_t start, uint64_t end)
{
	__flush_tlb_range(os, mm, start, end, PAGE_SIZE, false, TTL_UNKNOWN);
}

/* ---- mmu_gather ---- */

static void tlb_reset_range(struct mmu_gather *tlb)
{
	tlb->start = tlb->fullmm ? UINT64_MAX : task_size(tlb->os);
	tlb->end = tlb->fullmm ? UINT64_MAX : 0;
	tlb->freed_tables = false;
	tlb->cleared_ptes = tlb->cleared_pmds = tlb->cleared_puds = tlb->cleared_p4ds = false;
}

static void tlb_adjust_range(struct mmu_gather *tlb, uint64_t addr, uint64_t size)
{
	if (addr < tlb->start)
		tlb->start = addr;
	if (addr + size > tlb->end)
		tlb->end = addr + size;
}

void tlb_gather_mmu(struct mmu_gather *tlb, struct os *os, struct mm_struct *mm, bool fullmm)
{
	*tlb = (struct mmu_gather){ .os = os, .mm = mm, .fullmm = fullmm };
	tlb_reset_range(tlb);
}

/* arm64 tlb_flush */
static void tlb_flush(struct mmu_gather *tlb)
{
	bool last_level = !tlb->freed_tables;
	uint64_t stride = tlb->cleared_ptes   ? PAGE_SIZE
			  : tlb->cleared_pmds ? PMD_SIZE
			  : tlb->cleared_puds ? 1ULL << PUD_SHIFT
			  : tlb->cleared_p4ds ? 1ULL << 39
					      : PAGE_SIZE;
	unsigned level = TTL_UNKNOWN;
	unsigned cleared = tlb->cleared_ptes + tlb->cleared_pmds + tlb->cleared_puds +
			   tlb->cleared_p4ds;

	if (!tlb->freed_tables && cleared == 1)
		level = tlb->cleared_ptes ? 3 : tlb->cleared_pmds ? 2 : tlb->cleared_puds ? 1 : 0;
	if (tlb->fullmm) {
		/* the ASID is not reused before a full invalidation: only walks matter */
		if (!last_level)
			flush_tlb_mm(tlb->os, tlb->mm);
		return;
	}
	__flush_tlb_range(tlb->os, tlb->mm, tlb->start, tlb->end, stride, last_level, level);
}

static void tlb_flush_mmu_tlbonly(struct mmu_gather *tlb)
{
	if (!(tlb->freed_tables || tlb->cleared_ptes || tlb->cleared_pmds || tlb->cleared_puds ||
	      tlb->cleared_p4ds))
		return;
	tlb_flush(tlb);
	tlb_reset_range(tlb);
}

/* A gathered page goes: a page-table page leaves the mm's count. */
static void free_gathered(struct mmu_gather *tlb, struct page *p, unsigned order)
{
	if (p->flags & PG_table) {
		p->flags &= ~PG_table;
		tlb->mm->pgtables--;
	}
	/* free_swap_cache: an unmapped page leaves the swap cache with its slot */
	if ((p->flags & PG_swapcache) && p->mapcount == 0)
		folio_free_swap(tlb->os, p);
	__free_pages(&tlb->os->pa, p, order);
}

static void tlb_free_batches(struct mmu_gather *tlb, bool tables_only)
{
	unsigned kept = 0;

	for (unsigned i = 0; i < tlb->npages; i++) {
		struct page *p = tlb->pages[i];

		if (tables_only && !(p->flags & PG_table)) {
			tlb->pages[kept] = p;
			tlb->orders[kept++] = tlb->orders[i];
			continue;
		}
		free_gathered(tlb, p, tlb->orders[i]);
	}
	tlb->npages = kept;
	tlb->ntables = 0;
	if (!tables_only)
		tlb->ndata = 0;
}

/* tlb_flush_mmu: flush, then free the page-table batch, then the pages. */
static void tlb_flush_mmu(struct mmu_gather *tlb)
{
	tlb_flush_mmu_tlbonly(tlb);
	tlb_free_batches(tlb, false);
}

static void tlb_queue(struct mmu_gather *tlb, struct page *p, unsigned order)
{
	if (tlb->npages == tlb->cap) {
		unsigned cap = tlb->cap ? 2 * tlb->cap : 64;
		struct page **pages = realloc(tlb->pages, cap * sizeof(*pages));
		unsigned *orders = pages ? realloc(tlb->orders, cap * sizeof(*orders)) : NULL;

		if (pages)
			tlb->pages = pages;
		if (!orders) {
			/* no memory for a batch: flush now and free at once */
			tlb_flush_mmu_tlbonly(tlb);
			free_gathered(tlb, p, order);
			return;
		}
		tlb->orders = orders;
		tlb->cap = cap;
	}
	tlb->pages[tlb->npages] = p;
	tlb->orders[tlb->npages++] = order;
	if (p->flags & PG_table)
		tlb->ntables++;
	else
		tlb->ndata++;
}

void tlb_remove_tlb_entry(struct mmu_gather *tlb, uint64_t addr, unsigned level)
{
	if (level == 2) {
		tlb_adjust_range(tlb, addr, PMD_SIZE);
		tlb->cleared_pmds = true;
	} else {
		tlb_adjust_range(tlb, addr, PAGE_SIZE);
		tlb->cleared_ptes = true;
	}
}

void tlb_remove_page(struct mmu_gather *tlb, struct page *page, unsigned order)
{
	tlb_queue(tlb, page, order);
	if (tlb->ndata >= MAX_GATHER_PAGES)
		tlb_flush_mmu(tlb); /* the batch is full: forced flush */
}

/* pte_free_tlb, pmd_free_tlb, pud_free_tlb */
void pt_free_tlb(struct mmu_gather *tlb, struct page *table, uint64_t addr, unsigned level)
{
	tlb_adjust_range(tlb, addr, PAGE_SIZE);
	if (level == 3)
		tlb->cleared_pmds = true;
	else if (level == 2)
		tlb->cleared_puds = true;
	else
		tlb->cleared_p4ds = true;
	tlb->freed_tables = true;
	tlb_queue(tlb, table, 0);
	if (tlb->ntables >= MAX_TABLE_BATCH) {
		/* tlb_table_flush: invalidate, then free the tables */
		tlb_flush_mmu_tlbonly(tlb);
		tlb_free_batches(tlb, true);
	}
}

/* tlb_end_vma: arm64 does not merge VMAs in a gather, so each one is flushed. */
void tlb_end_vma(struct mmu_gather *tlb)
{
	if (!tlb->fullmm)
		tlb_flush_mmu_tlbonly(tlb);
}

void tlb_finish_mmu(struct mmu_gather *tlb)
{
	tlb_flush_mmu(tlb);
	free(tlb->pages);
	free(tlb->orders);
	tlb->pages = NULL;
	tlb->orders = NULL;
	tlb->npages = tlb->cap = 0;
}
