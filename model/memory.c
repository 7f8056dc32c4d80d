// SPDX-License-Identifier: MIT
/*
 * Page faults and page-table walks of the kernel (mm/memory.c, 6.x, and
 * arch/arm64/mm/fault.c): handle_mm_fault and its cases, zapping PTEs into
 * an mmu_gather, freeing page tables between floor and ceiling, fork's
 * copy_page_range, mprotect's change_protection and mremap's
 * move_page_tables. No hardware access-flag or dirty-bit updates: those
 * arrive here as faults, as on a CPU without FEAT_HAFDBS.
 */
#include <string.h>

#include "internal.h"

const char *const fault_kind_names[NR_FAULT_KINDS] = {
	[FAULT_ANON] = "anonymous",	   [FAULT_ZERO_PAGE] = "zero_page",
	[FAULT_FILE_READ] = "file_read",   [FAULT_COW] = "cow",
	[FAULT_SHARED] = "shared_write",   [FAULT_WP_COPY] = "wp_copy",
	[FAULT_WP_REUSE] = "wp_reuse",	   [FAULT_WP_SHARED] = "wp_shared",
	[FAULT_MKDIRTY] = "mkdirty",	   [FAULT_YOUNG] = "young",
	[FAULT_SPURIOUS] = "spurious",	   [FAULT_STACK_GROW] = "stack_growth",
	[FAULT_HUGE] = "huge_pmd",	   [FAULT_MAJOR] = "major",
	[FAULT_SEGV_MAPERR] = "segv_maperr", [FAULT_SEGV_ACCERR] = "segv_accerr",
	[FAULT_SIGBUS] = "sigbus",	   [FAULT_OOM] = "oom",
	[FAULT_SWAPIN] = "swap_in",
};

void count_fault(struct os *os, enum fault_kind k)
{
	os->st.faults[k]++;
}

static uint64_t mk_pte(const struct os *os, const struct page *p, uint64_t prot)
{
	return page_to_phys(&os->pa, p) | prot;
}

static uint64_t linear_page_index(const struct vm_area_struct *vma, uint64_t addr)
{
	return ((addr - vma->vm_start) >> PAGE_SHIFT) + vma->vm_pgoff;
}

static struct page *vm_normal_page(struct os *os, uint64_t pte)
{
	if (pte & PTE_SPECIAL)
		return NULL; /* the zero page */
	return pfn_to_page(&os->pa, pte_pfn(pte));
}

static void page_add_anon_rmap(struct os *os, struct page *p, struct vm_area_struct *vma,
			       uint64_t addr)
{
	p->flags |= PG_anon | PG_anon_exclusive;
	p->mapping = vma->vm_mm;
	p->index = addr >> PAGE_SHIFT;
	p->mapcount = 1;
	if (!vma->anon_vma) /* anon_vma_prepare */
		vma->anon_vma = ++os->next_anon_vma;
	vma->vm_mm->rss_anon++;
}

/* ---- faults on a missing PTE ---- */

static enum fault_result do_anonymous_page(struct os *os, struct vm_area_struct *vma,
					   uint64_t addr, uint64_t slot, bool write)
{
	if (!write) {
		/* the zero page, read-only and special: no reference taken */
		pt_write(os, slot, mk_pte(os, os->zero_page, vma->vm_page_prot | PTE_SPECIAL));
		count_fault(os, FAULT_ZERO_PAGE);
		return FAULT_OK;
	}
	struct page *p = alloc_page(&os->pa, GFP_HIGHUSER_MOVABLE | __GFP_ZERO);

	if (!p)
		return FAULT_OUT_OF_MEMORY;
	uint64_t pte = mk_pte(os, p, vma->vm_page_prot);

	if (vma->vm_flags & VM_WRITE)
		pte = pte_mkwrite(pte_mkdirty(pte));
	page_add_anon_rmap(os, p, vma, addr);
	lru_cache_add(os, p);
	pt_write(os, slot, pte); /* no flush: nothing was mapped before */
	count_fault(os, FAULT_ANON);
	return FAULT_OK;
}

/* do_read_fault, do_cow_fault, do_shared_fault and finish_fault */
static enum fault_result do_fault(struct os *os, struct vm_area_struct *vma, uint64_t addr,
				  uint64_t slot, bool write)
{
	struct address_space *mapping = vma->vm_file;
	uint64_t index = linear_page_index(vma, addr);
	bool major = false;

	if (mapping->i_size != UINT64_MAX &&
	    index >= (mapping->i_size + PAGE_SIZE - 1) >> PAGE_SHIFT)
		return FAULT_SIGBUS_ADRERR; /* beyond the end of the file */
	struct page *cache = filemap_fault_page(os, mapping, index, &major);

	if (!cache)
		return FAULT_OUT_OF_MEMORY;
	get_page(cache); /* filemap_fault's reference: reclaim leaves it alone */
	if (major)
		count_fault(os, FAULT_MAJOR);
	struct mm_struct *mm = vma->vm_mm;

	if (write && !(vma->vm_flags & VM_SHARED)) {
		/* do_cow_fault: a private copy; the cache page is only read */
		struct page *p = alloc_page(&os->pa, GFP_HIGHUSER_MOVABLE);

		if (!p || pmem_copy_frame(&os->pa.pmem, page_to_pfn(&os->pa, p),
					  page_to_pfn(&os->pa, cache))) {
			if (p)
				__free_pages(&os->pa, p, 0);
			put_page(&os->pa, cache);
			return FAULT_OUT_OF_MEMORY;
		}
		put_page(&os->pa, cache);
		page_add_anon_rmap(os, p, vma, addr);
		lru_cache_add(os, p);
		pt_write(os, slot, pte_mkwrite(pte_mkdirty(mk_pte(os, p, vma->vm_page_prot))));
		count_fault(os, FAULT_COW);
		return FAULT_OK;
	}
	uint64_t pte = mk_pte(os, cache, vma->vm_page_prot);

	if (write) {
		pte = pte_mkdirty(pte);
		if (vma->vm_flags & VM_WRITE)
			pte = pte_mkwrite(pte);
		cache->flags |= PG_dirty;
		count_fault(os, FAULT_SHARED);
	} else {
		if (pte_write(pte) && (cache->flags & PG_dirty))
			pte = pte_mkdirty(pte);
		count_fault(os, FAULT_FILE_READ);
	}
	cache->mapcount++; /* filemap_fault's reference is the PTE's now */
	mm->rss_file++;
	pt_write(os, slot, pte);
	return FAULT_OK;
}

/* ---- faults on a present PTE ---- */

/* ptep_set_access_flags: arm64 flushes the page when the PTE became dirty. */
static void set_access_flags(struct os *os, struct vm_area_struct *vma, uint64_t addr,
			     uint64_t slot, uint64_t entry, bool dirty)
{
	pt_write(os, slot, entry);
	if (dirty)
		flush_tlb_page(os, vma->vm_mm, addr);
}

static enum fault_result wp_page_copy(struct os *os, struct vm_area_struct *vma,
				      uint64_t addr, uint64_t slot, uint64_t orig,
				      struct page *old)
{
	struct page *p;

	if (old)
		get_page(old); /* held across the allocation, which may reclaim */
	p = alloc_page(&os->pa, GFP_HIGHUSER_MOVABLE | (old ? 0 : __GFP_ZERO));
	if (!p || pt_read(os, slot) != orig ||
	    (old && pmem_copy_frame(&os->pa.pmem, page_to_pfn(&os->pa, p),
				    page_to_pfn(&os->pa, old)))) {
		bool changed = p && pt_read(os, slot) != orig;

		if (p)
			__free_pages(&os->pa, p, 0);
		if (old)
			put_page(&os->pa, old);
		if (changed) { /* !pte_same: reclaim took the page; the access retries */
			count_fault(os, FAULT_SPURIOUS);
			return FAULT_OK;
		}
		return FAULT_OUT_OF_MEMORY;
	}
	struct mm_struct *mm = vma->vm_mm;
	uint64_t pte = pte_mkdirty(mk_pte(os, p, vma->vm_page_prot));

	if (vma->vm_flags & VM_WRITE)
		pte = pte_mkwrite(pte);
	/* ptep_clear_flush: break before make */
	pt_write(os, slot, 0);
	if (orig & PTE_VALID)
		flush_tlb_page(os, mm, addr);
	page_add_anon_rmap(os, p, vma, addr);
	lru_cache_add(os, p);
	pt_write(os, slot, pte);
	if (old) {
		put_page(&os->pa, old); /* the pin */
		if (!(old->flags & PG_anon)) {
			mm->rss_file--;
		} else {
			mm->rss_anon--;
		}
		old->mapcount--;
		put_page(&os->pa, old); /* the old PTE's reference */
	}
	count_fault(os, FAULT_WP_COPY);
	return FAULT_OK;
}

static enum fault_result do_wp_page(struct os *os, struct vm_area_struct *vma, uint64_t addr,
				    uint64_t slot, uint64_t orig)
{
	struct page *page = vm_normal_page(os, orig);

	if (vma->vm_flags & (VM_SHARED | VM_MAYSHARE) && (vma->vm_flags & VM_SHARED)) {
		/* wp_page_shared: the page becomes writable and dirty */
		if (page)
			page->flags |= PG_dirty;
		set_access_flags(os, vma, addr, slot, pte_mkwrite(pte_mkdirty(orig | PTE_AF)),
				 true);
		count_fault(os, FAULT_WP_SHARED);
		return FAULT_OK;
	}
	/* private: reuse an anonymous page this mm owns, or nobody else holds */
	if (page && (page->flags & PG_anon) &&
	    ((page->flags & PG_anon_exclusive) || page->refcount == 1)) {
		uint64_t pte = pte_mkdirty(orig | PTE_AF);

		if (vma->vm_flags & VM_WRITE)
			pte = pte_mkwrite(pte);
		page->flags |= PG_anon_exclusive;
		page->mapping = vma->vm_mm;
		set_access_flags(os, vma, addr, slot, pte, true);
		count_fault(os, FAULT_WP_REUSE);
		return FAULT_OK;
	}
	return wp_page_copy(os, vma, addr, slot, orig, page);
}

/*
 * do_swap_page: the page from the swap cache, or read from its slot into a
 * new page added to the cache (a major fault). The PTE's count on the slot
 * goes; the slot itself goes when swap is more than half full, or on a
 * write by the page's only user (should_try_to_free_swap). A page that
 * was exclusive (the swap PTE remembers it), or that nobody else holds, is
 * mapped writable at once on a write; otherwise a write goes on to
 * do_wp_page.
 */
static enum fault_result do_swap_page(struct os *os, struct vm_area_struct *vma, uint64_t addr,
				      uint64_t slot, uint64_t orig, bool write)
{
	uint64_t entry = pte_to_swp_entry(orig);
	struct mm_struct *mm = vma->vm_mm;
	bool exclusive = pte_swp_exclusive(orig);
	struct page *page;

	if (!swap_entry_valid(os, entry))
		return FAULT_SIGBUS_ADRERR; /* a bad swap entry */
	count_fault(os, FAULT_SWAPIN);
	page = swap_cache_get_folio(os, entry);
	if (page) {
		get_page(page);
	} else {
		page = alloc_page(&os->pa, GFP_HIGHUSER_MOVABLE);
		if (!page)
			return FAULT_OUT_OF_MEMORY;
		if (pt_read(os, slot) != orig || swap_cache_get_folio(os, entry)) {
			put_page(&os->pa, page); /* !pte_same: the access retries */
			return FAULT_OK;
		}
		page->flags |= PG_anon;
		page->mapping = mm;
		page->index = addr >> PAGE_SHIFT;
		add_to_swap_cache(os, page, entry);
		swap_read_folio(os, page);
		lru_cache_add(os, page);
		count_fault(os, FAULT_MAJOR);
	}
	swap_free(os, entry);
	mm->swapents--;
	if (vm_swap_full(os) || (write && page->refcount == 2))
		folio_free_swap(os, page);
	if (!exclusive && page->refcount == 1) /* no one else, not even the cache */
		exclusive = true;
	uint64_t pte = mk_pte(os, page, vma->vm_page_prot);

	if (page->mapcount == 0) {
		page->mapping = mm;
		page->index = addr >> PAGE_SHIFT;
	}
	if (exclusive)
		page->flags |= PG_anon_exclusive;
	if (write && exclusive) {
		pte = pte_mkdirty(pte);
		if (vma->vm_flags & VM_WRITE)
			pte = pte_mkwrite(pte);
	}
	if (!vma->anon_vma)
		vma->anon_vma = ++os->next_anon_vma;
	page->mapcount++;
	mm->rss_anon++;
	pt_write(os, slot, pte); /* the PTE was not valid: nothing to flush */
	if (write && !exclusive)
		return do_wp_page(os, vma, addr, slot, pte);
	return FAULT_OK;
}

static enum fault_result handle_pte_fault(struct os *os, struct vm_area_struct *vma,
					  uint64_t addr, uint64_t slot, bool write)
{
	uint64_t pte = pt_read(os, slot);

	if (pte_none(pte))
		return vma->vm_file ? do_fault(os, vma, addr, slot, write)
				    : do_anonymous_page(os, vma, addr, slot, write);
	if (is_swap_pte(pte))
		return do_swap_page(os, vma, addr, slot, pte, write);
	if (write && !pte_write(pte))
		return do_wp_page(os, vma, addr, slot, pte);
	uint64_t entry = pte | PTE_AF;

	if (write)
		entry = pte_mkdirty(entry);
	if (entry == pte) {
		count_fault(os, FAULT_SPURIOUS); /* flush_tlb_fix_spurious_fault: nothing */
		return FAULT_OK;
	}
	count_fault(os, write && (pte & PTE_RDONLY) ? FAULT_MKDIRTY : FAULT_YOUNG);
	set_access_flags(os, vma, addr, slot, entry, write);
	return FAULT_OK;
}

/* A 2 MiB block: MAP_HUGETLB, or transparent huge pages when enabled. */
static bool huge_fault_possible(const struct os *os, const struct vm_area_struct *vma,
				uint64_t addr)
{
	uint64_t start = addr & ~(PMD_SIZE - 1);

	if (vma->vm_flags & VM_HUGETLB)
		return true;
	return os->cfg.thp && !vma->vm_file && !(vma->vm_flags & VM_SHARED) &&
	       start >= vma->vm_start && start + PMD_SIZE <= vma->vm_end;
}

/*
 * A write to a read-only 2 MiB block (after fork): reuse it if this mm
 * alone holds it, else copy it; the old block is cleared and flushed at
 * 2 MiB stride, level 2, before the new one is set.
 */
static enum fault_result do_huge_pmd_wp_page(struct os *os, struct vm_area_struct *vma,
					     uint64_t addr, uint64_t slot, uint64_t pmd)
{
	struct mm_struct *mm = vma->vm_mm;
	struct page *old = pfn_to_page(&os->pa, pte_pfn(pmd));
	uint64_t start = addr & ~(PMD_SIZE - 1);

	if (!(vma->vm_flags & VM_WRITE))
		return FAULT_SIGSEGV_ACCERR;
	if ((old->flags & PG_anon_exclusive) || old->refcount == 1) {
		old->flags |= PG_anon_exclusive;
		set_access_flags(os, vma, addr, slot, pte_mkwrite(pte_mkdirty(pmd | PTE_AF)), true);
		count_fault(os, FAULT_WP_REUSE);
		return FAULT_OK;
	}
	struct page *p = alloc_pages(&os->pa, GFP_HIGHUSER_MOVABLE, 9);

	if (!p)
		return FAULT_OUT_OF_MEMORY;
	for (unsigned k = 0; k < 512; k++)
		if (pmem_copy_frame(&os->pa.pmem, page_to_pfn(&os->pa, p) + k,
				    page_to_pfn(&os->pa, old) + k)) {
			__free_pages(&os->pa, p, 9);
			return FAULT_OUT_OF_MEMORY;
		}
	pt_write(os, slot, 0);
	__flush_tlb_range(os, mm, start, start + PMD_SIZE, PMD_SIZE, false, 2);
	page_add_anon_rmap(os, p, vma, start);
	mm->rss_anon += 511;
	pt_write(os, slot, page_to_phys(&os->pa, p) | pte_mkwrite(pte_mkdirty(pmd & PTE_PROT_MASK)));
	old->mapcount--;
	mm->rss_anon -= 512;
	__free_pages(&os->pa, old, 9);
	count_fault(os, FAULT_WP_COPY);
	return FAULT_OK;
}

static enum fault_result do_huge_pmd_fault(struct os *os, struct vm_area_struct *vma,
					   uint64_t addr, uint64_t slot, bool write)
{
	uint64_t pmd = pt_read(os, slot);

	if (pmd & PTE_VALID) { /* present block: write protection or young */
		if (write && !pte_write(pmd))
			return do_huge_pmd_wp_page(os, vma, addr, slot, pmd);
		uint64_t entry = write ? pte_mkdirty(pmd | PTE_AF) : pmd | PTE_AF;

		if (entry == pmd) {
			count_fault(os, FAULT_SPURIOUS);
			return FAULT_OK;
		}
		set_access_flags(os, vma, addr, slot, entry, write);
		return FAULT_OK;
	}
	/* THP: GFP_TRANSHUGE_LIGHT, neither kswapd nor direct reclaim (defrag=madvise) */
	gfp_t gfp = (vma->vm_flags & VM_HUGETLB) ? GFP_HIGHUSER_MOVABLE : GFP_TRANSHUGE_LIGHT;
	struct page *p = alloc_pages(&os->pa, gfp | __GFP_ZERO, 9);

	if (!p)
		return FAULT_OUT_OF_MEMORY;
	page_add_anon_rmap(os, p, vma, addr & ~(PMD_SIZE - 1));
	vma->vm_mm->rss_anon += 511;
	/* a block descriptor: bit 1 clear */
	uint64_t prot = (vma->vm_page_prot & ~PTE_TABLE_BIT) | PTE_DIRTY;

	if (vma->vm_flags & VM_WRITE)
		prot = pte_mkwrite(prot);
	pt_write(os, slot, page_to_phys(&os->pa, p) | prot);
	count_fault(os, FAULT_HUGE);
	return FAULT_OK;
}

static enum fault_result handle_mm_fault(struct os *os, struct vm_area_struct *vma,
					 uint64_t addr, bool write)
{
	struct mm_struct *mm = vma->vm_mm;
	uint64_t slot;
	unsigned level;
	bool huge = huge_fault_possible(os, vma, addr);

	if (pt_slot(os, mm, addr, huge ? 2 : 3, true, &slot, &level))
		return FAULT_OUT_OF_MEMORY;
	if (level == 2 && (huge || (pt_read(os, slot) & 3) == 1)) {
		if (!huge || (pt_read(os, slot) & 3) == 3) {
			/* a table where a block could go: use the PTEs */
			if (pt_slot(os, mm, addr, 3, true, &slot, &level))
				return FAULT_OUT_OF_MEMORY;
			return handle_pte_fault(os, vma, addr, slot, write);
		}
		enum fault_result r = do_huge_pmd_fault(os, vma, addr, slot, write);

		if (r != FAULT_OUT_OF_MEMORY || (vma->vm_flags & VM_HUGETLB) || pt_read(os, slot))
			return r;
		/* VM_FAULT_FALLBACK: no 2 MiB page to be had, 4 KiB pages instead */
		if (pt_slot(os, mm, addr, 3, true, &slot, &level))
			return FAULT_OUT_OF_MEMORY;
		return handle_pte_fault(os, vma, addr, slot, write);
	}
	return handle_pte_fault(os, vma, addr, slot, write);
}

/* arm64 do_page_fault: find the VMA, grow the stack, check, handle. */
enum fault_result handle_page_fault(struct os *os, struct mm_struct *mm, uint64_t addr,
				    enum access_type access)
{
	uint64_t need = access == ACCESS_EXEC  ? VM_EXEC
			: access == ACCESS_WRITE ? VM_WRITE
						 : VM_READ | VM_WRITE | VM_EXEC;
	struct vm_area_struct *vma = find_vma(mm, addr);
	enum fault_result r;

	if (addr >= task_size(os) || !vma) {
		count_fault(os, FAULT_SEGV_MAPERR);
		return FAULT_SIGSEGV_MAPERR;
	}
	if (vma->vm_start > addr) {
		if (expand_stack(os, vma, addr)) {
			count_fault(os, FAULT_SEGV_MAPERR);
			return FAULT_SIGSEGV_MAPERR;
		}
		count_fault(os, FAULT_STACK_GROW);
	}
	if (!(vma->vm_flags & need)) {
		count_fault(os, FAULT_SEGV_ACCERR);
		return FAULT_SIGSEGV_ACCERR;
	}
	struct mm_struct *busy = os->busy_mm;

	os->busy_mm = mm; /* an OOM victim's teardown waits until the fault is done */
	r = handle_mm_fault(os, vma, addr, access == ACCESS_WRITE);
	os->busy_mm = busy;
	if (r == FAULT_SIGBUS_ADRERR)
		count_fault(os, FAULT_SIGBUS);
	else if (r == FAULT_OUT_OF_MEMORY)
		count_fault(os, FAULT_OOM);
	return r;
}

/*
 * do_sea: a synchronous external abort on a translation table walk, level
 * 0..3 (ESR FSC 0b0101LL). No firmware-first RAS (APEI) claims it, so
 * fault_info[]'s entry for "level L (translation table walk)" applies:
 * SIGKILL with SI_KERNEL (not SIGBUS: that is the entry of an abort on the
 * access itself). arm64_force_sig_fault shows the unhandled signal first,
 * as arm64_show_signal prints it, with the ESR of a data or instruction
 * abort from EL0 (EC 0x24 or 0x20, IL, WnR for a write, the FSC); then the
 * SIGKILL takes the whole thread group. Returns the ESR.
 */
uint32_t do_sea(struct os *os, struct task_struct *t, enum access_type access, unsigned level)
{
	uint32_t ec = access == ACCESS_EXEC ? 0x20 : 0x24;
	uint32_t esr = ec << 26 | 1u << 25 | (access == ACCESS_WRITE ? 1u << 6 : 0) | (0x14 + level);
	char comm[16];

	task_comm(os, t, comm, sizeof(comm));
	os_log(os, "%s[%u]: unhandled exception: %s, ESR 0x%016llx, level %u (translation table walk)",
	       comm, t->pid, ec == 0x20 ? "IABT (lower EL)" : "DABT (lower EL)",
	       (unsigned long long)esr, level);
	for (unsigned i = 0; i < os->nr_tasks; i++)
		if (!os->tasks[i]->exited && os->tasks[i]->tgid == t->tgid)
			os_exit(os, os->tasks[i]);
	return esr;
}

/* ---- unmapping ---- */

/* zap_pte_range for one PTE: its page goes to the gather, freed after the flush. */
static void zap_pte(struct mmu_gather *tlb, struct vm_area_struct *vma, uint64_t addr,
		    uint64_t slot)
{
	struct os *os = tlb->os;
	uint64_t pte = pt_read(os, slot);

	if (pte_none(pte))
		return;
	pt_write(os, slot, 0);
	if (is_swap_pte(pte)) { /* nothing cached in a TLB: nothing to flush */
		vma->vm_mm->swapents--;
		free_swap_and_cache(os, pte_to_swp_entry(pte));
		return;
	}
	tlb_remove_tlb_entry(tlb, addr, 3);
	struct page *p = vm_normal_page(os, pte);

	if (!p)
		return;
	if (p->flags & PG_anon) {
		vma->vm_mm->rss_anon--;
	} else {
		vma->vm_mm->rss_file--;
		if (pte_dirty(pte))
			p->flags |= PG_dirty;
	}
	p->mapcount--;
	tlb_remove_page(tlb, p, 0);
}

void unmap_vmas(struct mmu_gather *tlb, struct vm_area_struct *vma, uint64_t start,
		uint64_t end)
{
	struct os *os = tlb->os;

	for (uint64_t addr = start; addr < end;) {
		uint64_t slot;
		unsigned level;
		uint64_t next = (addr + PMD_SIZE) & ~(PMD_SIZE - 1);

		if (next > end || next == 0)
			next = end;
		pt_slot(os, vma->vm_mm, addr, 3, false, &slot, &level);
		if (level == 3) {
			for (; addr < next; addr += PAGE_SIZE, slot += 8)
				zap_pte(tlb, vma, addr, slot);
			continue;
		}
		uint64_t d = pt_read(os, slot);

		if (level == 2 && (d & 3) == 1) { /* a 2 MiB block */
			struct page *p = pfn_to_page(&os->pa, pte_pfn(d));

			pt_write(os, slot, 0);
			tlb_remove_tlb_entry(tlb, addr & ~(PMD_SIZE - 1), 2);
			vma->vm_mm->rss_anon -= 512;
			p->mapcount--;
			tlb_remove_page(tlb, p, 9);
			addr = next;
			continue;
		}
		/* no table here: skip the whole span of the missing level */
		uint64_t span = 1ULL << (39 - 9 * level);

		addr = (addr + span) & ~(span - 1);
		if (!addr)
			break;
	}
}

/*
 * free_pgd_range and its levels: PTE tables in the hole go; a PMD (PUD)
 * table goes once the whole 1 GiB (512 GiB) it spans lies within
 * [floor, ceiling), ceiling 0 meaning the top. The pgd itself stays.
 */
static uint64_t addr_end(uint64_t addr, uint64_t end, uint64_t size)
{
	uint64_t b = (addr + size) & ~(size - 1);

	return b - 1 < end - 1 ? b : end;
}

static bool table_in_hole(uint64_t start, uint64_t end, uint64_t size, uint64_t floor,
			  uint64_t ceiling)
{
	start &= ~(size - 1);
	if (start < floor)
		return false;
	if (ceiling) {
		ceiling &= ~(size - 1);
		if (!ceiling)
			return false;
	}
	return !(end - 1 > ceiling - 1);
}

static void free_pmd_range(struct mmu_gather *tlb, uint64_t pud_slot, uint64_t addr,
			   uint64_t end, uint64_t floor, uint64_t ceiling)
{
	struct os *os = tlb->os;
	uint64_t pmd_table = pt_read(os, pud_slot) & PTE_ADDR_MASK, start = addr;

	do {
		uint64_t next = addr_end(addr, end, PMD_SIZE);
		uint64_t slot = pmd_table + 8ULL * pt_index(addr, 2);
		uint64_t d = pt_read(os, slot);

		if ((d & 3) == 3) { /* free_pte_range */
			pt_write(os, slot, 0);
			pt_free_tlb(tlb, pfn_to_page(&os->pa, pte_pfn(d)), addr, 3);
		}
		addr = next;
	} while (addr != end);
	if (!table_in_hole(start, end, 1ULL << PUD_SHIFT, floor, ceiling))
		return;
	pt_write(os, pud_slot, 0);
	pt_free_tlb(tlb, pfn_to_page(&os->pa, pmd_table >> PAGE_SHIFT),
		    start & ~((1ULL << PUD_SHIFT) - 1), 2);
}

static void free_pud_range(struct mmu_gather *tlb, uint64_t pgd_slot, uint64_t addr,
			   uint64_t end, uint64_t floor, uint64_t ceiling)
{
	struct os *os = tlb->os;
	uint64_t pud_table = pt_read(os, pgd_slot) & PTE_ADDR_MASK, start = addr;

	do {
		uint64_t next = addr_end(addr, end, 1ULL << PUD_SHIFT);
		uint64_t slot = pud_table + 8ULL * pt_index(addr, 1);

		if ((pt_read(os, slot) & 3) == 3)
			free_pmd_range(tlb, slot, addr, next, floor, ceiling);
		addr = next;
	} while (addr != end);
	if (!table_in_hole(start, end, 1ULL << 39, floor, ceiling))
		return;
	pt_write(os, pgd_slot, 0);
	pt_free_tlb(tlb, pfn_to_page(&os->pa, pud_table >> PAGE_SHIFT),
		    start & ~((1ULL << 39) - 1), 1);
}

void free_pgtables(struct mmu_gather *tlb, uint64_t addr, uint64_t end, uint64_t floor,
		   uint64_t ceiling)
{
	/* the PMD-granular hole the PTE tables may be freed in */
	addr &= ~(PMD_SIZE - 1);
	if (addr < floor) {
		addr += PMD_SIZE;
		if (!addr)
			return;
	}
	if (ceiling) {
		ceiling &= ~(PMD_SIZE - 1);
		if (!ceiling)
			return;
	}
	if (end - 1 > ceiling - 1)
		end -= PMD_SIZE;
	if (addr > end - 1)
		return;
	uint64_t pgd = page_to_phys(&tlb->os->pa, tlb->mm->pgd);
	unsigned top = pgd_level(tlb->os);
	uint64_t span = 1ULL << (39 - 9 * top);

	/* with 3 levels the pgd is the level-1 table: the pud level is folded */
	do {
		uint64_t next = addr_end(addr, end, span);
		uint64_t slot = pgd + 8ULL * pt_index(addr, top);

		if ((pt_read(tlb->os, slot) & 3) == 3) {
			if (top == 0)
				free_pud_range(tlb, slot, addr, next, floor, ceiling);
			else
				free_pmd_range(tlb, slot, addr, next, floor, ceiling);
		}
		addr = next;
	} while (addr != end);
}

/* ---- fork ---- */

static bool is_cow_mapping(uint64_t flags)
{
	return (flags & (VM_SHARED | VM_MAYWRITE)) == VM_MAYWRITE;
}

int copy_page_range(struct os *os, struct vm_area_struct *dst, struct vm_area_struct *src)
{
	/* vma_needs_copy: what a fault cannot refill */
	if (!src->anon_vma)
		return 0;
	for (uint64_t addr = src->vm_start; addr < src->vm_end; addr += PAGE_SIZE) {
		uint64_t s, d;
		unsigned level;

		pt_slot(os, src->vm_mm, addr, 3, false, &s, &level);
		if (level == 2 && (pt_read(os, s) & 3) == 1) {
			/* a 2 MiB block: shared, write-protected in both (copy_huge_pmd) */
			uint64_t pmd = pt_read(os, s);
			struct page *p = pfn_to_page(&os->pa, pte_pfn(pmd));

			if (pt_slot(os, dst->vm_mm, addr, 2, true, &d, &level))
				return -1;
			get_page(p);
			p->mapcount++;
			p->flags &= ~PG_anon_exclusive;
			dst->vm_mm->rss_anon += 512;
			if (is_cow_mapping(src->vm_flags) && pte_write(pmd)) {
				pmd = pte_wrprotect(pmd);
				pt_write(os, s, pmd);
			}
			pt_write(os, d, pmd & ~PTE_AF);
			addr += PMD_SIZE - PAGE_SIZE;
			continue;
		}
		if (level != 3)
			continue;
		uint64_t pte = pt_read(os, s);

		if (pte_none(pte))
			continue;
		if (pt_slot(os, dst->vm_mm, addr, 3, true, &d, &level))
			return -1;
		pte = pt_read(os, s); /* the allocation may have reclaimed the page */
		if (pte_none(pte))
			continue;
		if (is_swap_pte(pte)) { /* copy_nonpresent_pte: the slot counts one more */
			if (swap_duplicate(os, pte_to_swp_entry(pte)))
				return -1;
			pte &= ~PTE_SWP_EXCLUSIVE; /* shared now */
			pt_write(os, s, pte);
			pt_write(os, d, pte);
			dst->vm_mm->swapents++;
			continue;
		}
		struct page *p = vm_normal_page(os, pte);

		if (p) {
			get_page(p);
			p->mapcount++;
			p->flags &= ~PG_anon_exclusive; /* shared with the child now */
			if (p->flags & PG_anon)
				dst->vm_mm->rss_anon++;
			else
				dst->vm_mm->rss_file++;
		}
		if (is_cow_mapping(src->vm_flags) && pte_write(pte)) {
			pte = pte_wrprotect(pte);
			pt_write(os, s, pte);
		}
		if (src->vm_flags & VM_SHARED)
			pte = pte_mkclean(pte);
		pt_write(os, d, pte & ~PTE_AF); /* the child's copy starts old */
	}
	return 0;
}

/* ---- mprotect ---- */

void change_protection(struct mmu_gather *tlb, struct vm_area_struct *vma, uint64_t start,
		       uint64_t end)
{
	struct os *os = tlb->os;

	for (uint64_t addr = start; addr < end; addr += PAGE_SIZE) {
		uint64_t slot;
		unsigned level;

		pt_slot(os, vma->vm_mm, addr, 3, false, &slot, &level);
		if (level == 2 && (pt_read(os, slot) & 3) == 1) {
			/* change_huge_pmd: the whole block (never cut: see split_at) */
			uint64_t old = pt_read(os, slot);
			uint64_t pmd = pte_modify(old, vma->vm_page_prot) & ~PTE_TABLE_BIT;
			const struct page *p = pfn_to_page(&os->pa, pte_pfn(old));

			if ((vma->vm_flags & VM_WRITE) && !(vma->vm_flags & VM_SHARED) &&
			    (p->flags & PG_anon_exclusive))
				pmd = pte_mkwrite(pmd);
			if (pmd != old) {
				pt_write(os, slot, pmd);
				tlb_remove_tlb_entry(tlb, addr & ~(PMD_SIZE - 1), 2);
			}
			addr = (addr | (PMD_SIZE - 1)) + 1 - PAGE_SIZE;
			continue;
		}
		if (level != 3)
			continue;
		uint64_t old = pt_read(os, slot);

		if (!pte_present(old))
			continue;
		uint64_t pte = pte_modify(old, vma->vm_page_prot | (old & PTE_SPECIAL));
		struct page *p = vm_normal_page(os, old);

		/* can_change_pte_writable: an exclusive anonymous page, or a dirty
		 * page of a shared mapping, may become writable at once */
		if ((vma->vm_flags & VM_WRITE) &&
		    ((!(vma->vm_flags & VM_SHARED) && p && (p->flags & PG_anon_exclusive)) ||
		     ((vma->vm_flags & VM_SHARED) && pte_dirty(old))))
			pte = pte_mkwrite(pte);
		if (pte == old)
			continue;
		pt_write(os, slot, pte);
		tlb_remove_tlb_entry(tlb, addr, 3);
	}
}

/* ---- mremap ---- */

/*
 * move_page_tables: extent by extent, up to the next 2 MiB boundary of
 * either range. Where both ends are 2 MiB-aligned a whole PTE table (or a
 * block) moves and its 2 MiB is flushed; otherwise the PTEs move one by one
 * and the extent is flushed if any was present (flush_tlb_range, non-leaf).
 */
int move_page_tables(struct os *os, struct vm_area_struct *vma, uint64_t old_addr,
		     struct vm_area_struct *new_vma, uint64_t new_addr, uint64_t len)
{
	struct mm_struct *mm = vma->vm_mm;

	for (uint64_t off = 0; off < len;) {
		uint64_t o = old_addr + off, n = new_addr + off;
		uint64_t extent = PMD_SIZE - (o & (PMD_SIZE - 1));
		uint64_t s, d;
		unsigned level, dlevel;

		if (PMD_SIZE - (n & (PMD_SIZE - 1)) < extent)
			extent = PMD_SIZE - (n & (PMD_SIZE - 1));
		if (len - off < extent)
			extent = len - off;
		pt_slot(os, mm, o, 2, false, &s, &level);
		uint64_t pmd = level == 2 ? pt_read(os, s) : 0;

		if (pmd && extent == PMD_SIZE) {
			/* move_normal_pmd / move_huge_pmd: the table or block itself */
			if (pt_slot(os, new_vma->vm_mm, n, 2, true, &d, &dlevel) || dlevel != 2 ||
			    pt_read(os, d))
				return -1;
			pt_write(os, s, 0);
			pt_write(os, d, pmd);
			flush_tlb_range(os, mm, o, o + PMD_SIZE);
			off += extent;
			continue;
		}
		if ((pmd & 3) == 1)
			return -1; /* a block cannot move to a misaligned place */
		bool moved = false;

		for (uint64_t a = 0; pmd && a < extent; a += PAGE_SIZE) {
			pt_slot(os, mm, o + a, 3, false, &s, &level);
			if (level != 3 || pte_none(pt_read(os, s)))
				continue;
			if (pt_slot(os, new_vma->vm_mm, n + a, 3, true, &d, &dlevel) || dlevel != 3)
				return -1;
			uint64_t pte = pt_read(os, s);
			struct page *p = pte_present(pte) ? vm_normal_page(os, pte) : NULL;

			pt_write(os, s, 0);
			pt_write(os, d, pte);
			if (p && (p->flags & PG_anon))
				p->index = (n + a) >> PAGE_SHIFT;
			moved |= !!(pte & PTE_VALID);
		}
		if (moved)
			flush_tlb_range(os, mm, o, o + extent);
		off += extent;
	}
	return 0;
}
