// SPDX-License-Identifier: MIT
/*
 * Reverse mapping (mm/rmap.c, Linux 6.x): from a page to every PTE that
 * maps it, through its anon_vma (anonymous pages) or its file's i_mmap.
 * The model keeps no interval trees: i_mmap is every VMA of a live address
 * space that maps the file over the page's offset, and an anon_vma's chain
 * is every VMA with an anon_vma over the page's address (fork keeps the
 * address; a page mremap moved in one mm only is found where it now is,
 * and its other mappings are then missed, which makes reclaim keep it).
 * Each candidate PTE must map the page's frame.
 *
 * try_to_unmap with TTU_BATCH_FLUSH, as shrink_folio_list calls it:
 * arm64's arch_tlbbatch_add_pending issues the page's TLBI (VALE1IS, level
 * 3) without a DSB; try_to_unmap_flush issues the one DSB ISH
 * (arch_tlbbatch_flush) before the pages are freed, and
 * try_to_unmap_flush_dirty before a page whose PTE was writable is written.
 */
#include "internal.h"

static uint64_t linear_addr(const struct vm_area_struct *vma, uint64_t index)
{
	return vma->vm_start + ((index - vma->vm_pgoff) << PAGE_SHIFT);
}

/* The PTE slot of addr in mm if it maps pfn. */
static bool pte_maps(struct os *os, struct mm_struct *mm, uint64_t addr, uint64_t pfn,
		     uint64_t *slot)
{
	unsigned level;
	uint64_t pte;

	if (pt_slot(os, mm, addr, 3, false, slot, &level) || level != 3)
		return false;
	pte = pt_read(os, *slot);
	return pte_present(pte) && !(pte & PTE_SPECIAL) && pte_pfn(pte) == pfn;
}

static bool first_user_of(const struct os *os, unsigned i)
{
	const struct task_struct *t = os->tasks[i];

	if (t->exited || !t->mm)
		return false;
	for (unsigned j = 0; j < i; j++)
		if (!os->tasks[j]->exited && os->tasks[j]->mm == t->mm)
			return false;
	return true;
}

bool rmap_walk(struct os *os, struct page *page, rmap_one_fn fn, void *arg)
{
	uint64_t pfn = page_to_pfn(&os->pa, page);
	bool anon = page->flags & PG_anon;

	if (!anon && !page->mapping)
		return true;
	for (unsigned i = 0; i < os->nr_tasks; i++) {
		if (!first_user_of(os, i))
			continue;
		struct mm_struct *mm = os->tasks[i]->mm;

		for (unsigned v = 0; v < mm->map_count; v++) {
			struct vm_area_struct *vma = mm->vmas[v];
			uint64_t addr, slot;

			if (anon) { /* rmap_walk_anon */
				addr = page->index << PAGE_SHIFT;
				if (!vma->anon_vma || addr < vma->vm_start || addr >= vma->vm_end)
					continue;
			} else { /* rmap_walk_file */
				if (vma->vm_file != page->mapping || page->index < vma->vm_pgoff)
					continue;
				addr = linear_addr(vma, page->index);
				if (addr < vma->vm_start || addr >= vma->vm_end)
					continue;
			}
			if (pte_maps(os, mm, addr, pfn, &slot) && !fn(os, page, vma, addr, slot, arg))
				return false;
		}
	}
	return true;
}

struct referenced_arg {
	int referenced;
	uint64_t vm_flags;
};

/*
 * folio_referenced_one: ptep_clear_flush_young. arm64 clears the access
 * flag and issues the TLBI without a DSB (__ptep_clear_flush_young): a
 * core that keeps using the entry a little longer only makes reclaim
 * wrong about the page's age.
 */
static bool referenced_one(struct os *os, struct page *page, struct vm_area_struct *vma,
			   uint64_t addr, uint64_t slot, void *arg)
{
	struct referenced_arg *ra = arg;
	uint64_t pte = pt_read(os, slot);

	(void)page;
	if (pte & PTE_AF) {
		pt_write(os, slot, pte & ~PTE_AF);
		if (pte & PTE_VALID)
			flush_tlb_page_nosync(os, vma->vm_mm, addr);
		ra->referenced++;
	}
	ra->vm_flags |= vma->vm_flags;
	return true;
}

int folio_referenced(struct os *os, struct page *page, uint64_t *vm_flags)
{
	struct referenced_arg ra = { 0, 0 };

	if (page->mapcount > 0)
		rmap_walk(os, page, referenced_one, &ra);
	*vm_flags = ra.vm_flags;
	return ra.referenced;
}

/* try_to_unmap_one: the PTE cleared (a swap entry for an anonymous page). */
static bool unmap_one(struct os *os, struct page *page, struct vm_area_struct *vma,
		      uint64_t addr, uint64_t slot, void *arg)
{
	struct mm_struct *mm = vma->vm_mm;
	uint64_t pteval = pt_read(os, slot);

	(void)arg;
	if (page->flags & PG_anon) {
		if (!(page->flags & PG_swapcache) || swap_duplicate(os, page->swap))
			return false; /* walk_abort */
	}
	pt_write(os, slot, 0); /* ptep_get_and_clear */
	if (pteval & PTE_VALID) {
		/* set_tlb_ubc_flush_pending -> arch_tlbbatch_add_pending */
		__flush_tlb_range_nosync(os, mm, addr, addr + PAGE_SIZE, PAGE_SIZE, true, 3);
		if (pte_write(pteval))
			os->tlb_batch_writable = true;
	}
	if (pte_dirty(pteval))
		page->flags |= PG_dirty;
	if (page->flags & PG_anon) {
		uint64_t swp = page->swap;

		if (page->flags & PG_anon_exclusive)
			swp |= PTE_SWP_EXCLUSIVE; /* the exclusive marker travels in the PTE */
		pt_write(os, slot, swp);
		mm->rss_anon--;
		mm->swapents++;
	} else {
		mm->rss_file--;
	}
	page->mapcount--;
	put_page(&os->pa, page); /* the PTE's reference; the cache keeps one */
	return true;
}

void try_to_unmap(struct os *os, struct page *page)
{
	rmap_walk(os, page, unmap_one, NULL);
	if (page->flags & PG_anon)
		page->flags &= ~PG_anon_exclusive;
}

/* arch_tlbbatch_flush: one DSB ISH for every TLBI batched before it. */
void try_to_unmap_flush(struct os *os)
{
	if (os->tlb_batch_pending)
		os_emit_dsb(os, true);
	os->tlb_batch_writable = false;
}

void try_to_unmap_flush_dirty(struct os *os)
{
	if (os->tlb_batch_writable)
		try_to_unmap_flush(os);
}
