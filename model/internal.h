/* SPDX-License-Identifier: MIT */
/* Interfaces between the OS model's files; not for its users. */
#ifndef MMUSIM_MODEL_INTERNAL_H
#define MMUSIM_MODEL_INTERNAL_H

#include "mm.h"

/* ---- page-table entries (pgtable.c) ---- */

#define PAGE_NONE_PROT 0x0060000000000F82ULL /* not valid; PTE_NG marks it present */
#define PAGE_READONLY 0x0060000000000FC3ULL
#define PAGE_READONLY_EXEC 0x0020000000000FC3ULL
#define PAGE_SHARED_PROT 0x0068000000000FC3ULL
#define PAGE_SHARED_EXEC 0x0028000000000FC3ULL
#define PTE_PROT_MASK (~PTE_ADDR_MASK)

static inline bool pte_none(uint64_t pte)
{
	return pte == 0;
}
static inline bool pte_present(uint64_t pte)
{
	return pte & (PTE_VALID | PTE_NG); /* PROT_NONE ptes keep nG as "present" */
}
static inline bool pte_write(uint64_t pte)
{
	return pte & PTE_WRITE;
}
static inline bool pte_dirty(uint64_t pte)
{
	return (pte & PTE_DIRTY) || ((pte & PTE_WRITE) && !(pte & PTE_RDONLY));
}
static inline uint64_t pte_pfn(uint64_t pte)
{
	return (pte & PTE_ADDR_MASK) >> PAGE_SHIFT;
}
static inline uint64_t pte_mkdirty(uint64_t pte)
{
	pte |= PTE_DIRTY;
	return pte_write(pte) ? pte & ~PTE_RDONLY : pte;
}
static inline uint64_t pte_mkwrite(uint64_t pte)
{
	pte |= PTE_WRITE;
	return (pte & PTE_DIRTY) ? pte & ~PTE_RDONLY : pte;
}
static inline uint64_t pte_wrprotect(uint64_t pte)
{
	if (pte_write(pte) && !(pte & PTE_RDONLY))
		pte |= PTE_DIRTY; /* keep the hardware-dirty state in software */
	return (pte & ~PTE_WRITE) | PTE_RDONLY;
}
static inline uint64_t pte_mkclean(uint64_t pte)
{
	return (pte & ~PTE_DIRTY) | PTE_RDONLY;
}
uint64_t pte_modify(uint64_t pte, uint64_t newprot);
uint64_t vm_get_page_prot(uint64_t vm_flags);

/* Table index of va at level 0..3. */
static inline unsigned pt_index(uint64_t va, unsigned level)
{
	return (unsigned)(va >> (39 - 9 * level)) & 511;
}

uint64_t pt_read(const struct os *os, uint64_t slot);
void pt_write(struct os *os, uint64_t slot, uint64_t v);
/*
 * The slot of va's entry at level want (3: PTE, 2: PMD), allocating missing
 * tables when alloc. Stops early at a block or a missing table (alloc
 * false); *level says where. Returns 0, or -1 when memory ran out.
 */
int pt_slot(struct os *os, struct mm_struct *mm, uint64_t va, unsigned want, bool alloc,
	    uint64_t *slot, unsigned *level);
struct page *pgd_alloc(struct os *os, struct mm_struct *mm);
void pgd_free(struct os *os, struct mm_struct *mm);

/* ---- mmu_gather and TLB flushing (tlbflush.c) ---- */

struct mmu_gather {
	struct os *os;
	struct mm_struct *mm;
	uint64_t start, end;
	bool fullmm, freed_tables;
	bool cleared_ptes, cleared_pmds, cleared_puds, cleared_p4ds;
	struct page **pages; /* batched: freed after the flush */
	unsigned *orders;
	unsigned npages, cap;
	unsigned ndata, ntables; /* of the npages: data pages, page-table pages */
};

void tlb_gather_mmu(struct mmu_gather *tlb, struct os *os, struct mm_struct *mm, bool fullmm);
void tlb_finish_mmu(struct mmu_gather *tlb);
void tlb_end_vma(struct mmu_gather *tlb);
void tlb_remove_tlb_entry(struct mmu_gather *tlb, uint64_t addr, unsigned level);
void tlb_remove_page(struct mmu_gather *tlb, struct page *page, unsigned order);
/* A page-table page at level (1: PUD table, 2: PMD table, 3: PTE table). */
void pt_free_tlb(struct mmu_gather *tlb, struct page *table, uint64_t addr, unsigned level);

void flush_tlb_mm(struct os *os, struct mm_struct *mm);
void flush_tlb_page(struct os *os, struct mm_struct *mm, uint64_t addr);
void flush_tlb_range(struct os *os, struct mm_struct *mm, uint64_t start, uint64_t end);
void __flush_tlb_range(struct os *os, struct mm_struct *mm, uint64_t start, uint64_t end,
		       uint64_t stride, bool last_level, unsigned tlb_level);
void os_emit_tlbi(struct os *os, enum tlbi_op op, bool shareable, uint64_t operand);
void os_emit_dsb(struct os *os, bool shareable);
uint16_t mm_asid(const struct os *os, const struct mm_struct *mm);

/* ---- memory.c ---- */

void unmap_vmas(struct mmu_gather *tlb, struct vm_area_struct *vma, uint64_t start,
		uint64_t end);
void free_pgtables(struct mmu_gather *tlb, uint64_t start, uint64_t end, uint64_t floor,
		   uint64_t ceiling);
int copy_page_range(struct os *os, struct vm_area_struct *dst, struct vm_area_struct *src);
void change_protection(struct mmu_gather *tlb, struct vm_area_struct *vma, uint64_t start,
		       uint64_t end);
int move_page_tables(struct os *os, struct vm_area_struct *vma, uint64_t old_addr,
		     struct vm_area_struct *new_vma, uint64_t new_addr, uint64_t len);
void count_fault(struct os *os, enum fault_kind k);

/* ---- vma.c ---- */

struct vm_area_struct *vm_area_alloc(struct os *os, struct mm_struct *mm);
void vm_area_free(struct os *os, struct vm_area_struct *vma);
int vma_insert(struct mm_struct *mm, struct vm_area_struct *vma);
bool vma_can_merge(const struct vm_area_struct *a, const struct vm_area_struct *b);
unsigned vma_index(const struct mm_struct *mm, uint64_t addr); /* first with end > addr */
void exit_mmap(struct os *os, struct mm_struct *mm);
int dup_mmap(struct os *os, struct mm_struct *mm, struct mm_struct *oldmm);
int expand_stack(struct os *os, struct vm_area_struct *vma, uint64_t addr);

/* ---- filemap.c ---- */

struct page *filemap_fault_page(struct os *os, struct address_space *mapping, uint64_t index,
				bool *major);
void truncate_inode_pages(struct os *os, struct address_space *mapping);
void mapping_free(struct os *os, struct address_space *mapping);
struct address_space *shmem_file_setup(struct os *os);

/* ---- context.c ---- */

int asid_init(struct asid_allocator *a, unsigned bits, unsigned nr_cpus);
void asid_free(struct asid_allocator *a);
void check_and_switch_context(struct os *os, struct mm_struct *mm, unsigned cpu);

#endif
