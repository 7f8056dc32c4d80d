// SPDX-License-Identifier: MIT
/*
 * Page tables in simulated physical memory, in the VMSAv8-64 descriptor
 * format: 4 levels of 512 entries (L0 pgd, L1 pud, L2 pmd, L3 pte), table
 * descriptors 0b11 with PXNTable for user tables, 2 MiB blocks at L2.
 */
#include "internal.h"

uint64_t pt_read(const struct os *os, uint64_t slot)
{
	return pmem_read64(&os->pa.pmem, slot);
}

/* A write that fails leaves the table wrong: os->error says so, and the run stops. */
void pt_write(struct os *os, uint64_t slot, uint64_t v)
{
	if (!pmem_write64(&os->pa.pmem, slot, v))
		return;
	if (!os->error[0])
		snprintf(os->error, sizeof(os->error),
			 "host memory exhausted writing the descriptor at PA %#llx",
			 (unsigned long long)slot);
	os_log(os, "%s", os->error);
}

static struct page *pt_page_alloc(struct os *os, struct mm_struct *mm)
{
	struct page *p = alloc_page(&os->pa, GFP_PGTABLE_USER);

	if (p) {
		p->flags |= PG_table;
		mm->pgtables++;
	}
	return p;
}

struct page *pgd_alloc(struct os *os, struct mm_struct *mm)
{
	mm->pgd = pt_page_alloc(os, mm);
	return mm->pgd;
}

void pgd_free(struct os *os, struct mm_struct *mm)
{
	if (!mm->pgd)
		return;
	mm->pgd->flags &= ~PG_table;
	mm->pgtables--;
	__free_pages(&os->pa, mm->pgd, 0);
	mm->pgd = NULL;
}

int pt_slot(struct os *os, struct mm_struct *mm, uint64_t va, unsigned want, bool alloc,
	    uint64_t *slot, unsigned *level)
{
	uint64_t table = page_to_phys(&os->pa, mm->pgd);

	for (unsigned l = pgd_level(os);; l++) {
		*slot = table + 8ULL * pt_index(va, l);
		*level = l;
		if (l == want)
			return 0;
		uint64_t d = pt_read(os, *slot);

		if ((d & 3) == 3) { /* a table */
			table = d & PTE_ADDR_MASK;
			continue;
		}
		if (d & PTE_VALID) /* a block */
			return 0;
		if (!alloc)
			return 0;
		struct page *t = pt_page_alloc(os, mm);

		if (!t)
			return -1;
		table = page_to_phys(&os->pa, t);
		pt_write(os, *slot, table | PMD_TABLE_PXN | 3);
	}
}

/* protection_map of arch/arm64/mm/mmap.c, indexed by VM_{READ,WRITE,EXEC,SHARED}. */
static const uint64_t protection_map[16] = {
	[0] = PAGE_NONE_PROT,
	[VM_READ] = PAGE_READONLY,
	[VM_WRITE] = PAGE_READONLY,
	[VM_WRITE | VM_READ] = PAGE_READONLY,
	[VM_EXEC] = PAGE_READONLY_EXEC,
	[VM_EXEC | VM_READ] = PAGE_READONLY_EXEC,
	[VM_EXEC | VM_WRITE] = PAGE_READONLY_EXEC,
	[VM_EXEC | VM_WRITE | VM_READ] = PAGE_READONLY_EXEC,
	[VM_SHARED] = PAGE_NONE_PROT,
	[VM_SHARED | VM_READ] = PAGE_READONLY,
	[VM_SHARED | VM_WRITE] = PAGE_SHARED_PROT,
	[VM_SHARED | VM_WRITE | VM_READ] = PAGE_SHARED_PROT,
	[VM_SHARED | VM_EXEC] = PAGE_READONLY_EXEC,
	[VM_SHARED | VM_EXEC | VM_READ] = PAGE_READONLY_EXEC,
	[VM_SHARED | VM_EXEC | VM_WRITE] = PAGE_SHARED_EXEC,
	[VM_SHARED | VM_EXEC | VM_WRITE | VM_READ] = PAGE_SHARED_EXEC,
};

uint64_t vm_get_page_prot(uint64_t vm_flags)
{
	return protection_map[vm_flags & (VM_READ | VM_WRITE | VM_EXEC | VM_SHARED)];
}

/* arm64 pte_modify: new permissions, the address and dirtiness kept. */
uint64_t pte_modify(uint64_t pte, uint64_t newprot)
{
	const uint64_t mask = PTE_USER | PTE_PXN | PTE_UXN | PTE_RDONLY | PTE_VALID | PTE_WRITE |
			      PTE_NG | (7ULL << PTE_ATTRINDX_SHIFT);

	if (pte_write(pte) && !(pte & PTE_RDONLY))
		pte |= PTE_DIRTY;
	pte = (pte & ~mask) | (newprot & mask);
	if (pte & PTE_DIRTY)
		pte = pte_mkdirty(pte);
	return pte;
}
