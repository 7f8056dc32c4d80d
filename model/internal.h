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

/* ---- swap entries in PTEs (arch/arm64/include/asm/pgtable.h, 6.10+) ----
 *	bits 0-1:	present (must be zero)
 *	bit  2:		remember PG_anon_exclusive
 *	bits 6-10:	swap type
 *	bit  11:	PTE_PRESENT_INVALID (must be zero)
 *	bits 12-61:	swap offset
 */
#define __SWP_TYPE_SHIFT 6
#define __SWP_TYPE_BITS 5
#define __SWP_TYPE_MASK ((1ULL << __SWP_TYPE_BITS) - 1)
#define __SWP_OFFSET_SHIFT 12
#define __SWP_OFFSET_BITS 50
#define __SWP_OFFSET_MASK ((1ULL << __SWP_OFFSET_BITS) - 1)
#define PTE_SWP_EXCLUSIVE (1ULL << 2)

/* swp_entry_t as arm64 keeps it: the PTE without the exclusive bit. */
static inline uint64_t swp_entry(unsigned type, uint64_t offset)
{
	return ((uint64_t)(type & __SWP_TYPE_MASK) << __SWP_TYPE_SHIFT) |
	       ((offset & __SWP_OFFSET_MASK) << __SWP_OFFSET_SHIFT);
}
static inline unsigned swp_type(uint64_t entry)
{
	return (unsigned)((entry >> __SWP_TYPE_SHIFT) & __SWP_TYPE_MASK);
}
static inline uint64_t swp_offset(uint64_t entry)
{
	return (entry >> __SWP_OFFSET_SHIFT) & __SWP_OFFSET_MASK;
}
static inline bool is_swap_pte(uint64_t pte)
{
	return !pte_none(pte) && !pte_present(pte);
}
static inline uint64_t pte_to_swp_entry(uint64_t pte)
{
	return pte & ~PTE_SWP_EXCLUSIVE;
}
static inline bool pte_swp_exclusive(uint64_t pte)
{
	return pte & PTE_SWP_EXCLUSIVE;
}

/* ---- swap.c: the swap device, its map and the swap cache ---- */

#define SWAP_HAS_CACHE 0x40 /* swap_map: the swap cache holds a page for the slot */
#define SWAP_MAP_MAX 0x3e   /* swap_map: the most PTEs a slot counts */

struct swap_info_struct {
	uint64_t max;		 /* slots, the first (the header) never used */
	uint64_t pages;		 /* usable slots */
	uint64_t inuse_pages;	 /* slots with a count or the cache's flag */
	uint64_t cluster_next;	 /* where the next search starts */
	unsigned char *swap_map; /* per slot: PTE count | SWAP_HAS_CACHE */
	struct page **cache;	 /* the swap cache (swapper_spaces), by offset */
	uint64_t **data;	 /* the written contents, NULL: zeros */
	uint64_t nr_cached;
};

int swap_init(struct os *os, uint64_t bytes);
void swap_free_all(struct os *os);
uint64_t nr_swap_pages(const struct os *os);
bool vm_swap_full(const struct os *os);
/* folio_alloc_swap + add_to_swap_cache: a slot for an anonymous page; false: none free */
bool add_to_swap(struct os *os, struct page *page);
struct page *swap_cache_get_folio(struct os *os, uint64_t entry);
int add_to_swap_cache(struct os *os, struct page *page, uint64_t entry);
/* __delete_from_swap_cache + put_swap_folio; drops the cache's reference. */
void delete_from_swap_cache(struct os *os, struct page *page);
int swap_duplicate(struct os *os, uint64_t entry);
void swap_free(struct os *os, uint64_t entry);
/* zap: the PTE's count goes; an unmapped cached page with no count left goes too. */
void free_swap_and_cache(struct os *os, uint64_t entry);
bool folio_free_swap(struct os *os, struct page *page);
void swap_writepage(struct os *os, struct page *page);
void swap_read_folio(struct os *os, struct page *page);
bool swap_entry_valid(const struct os *os, uint64_t entry);
const char *check_swap(const struct os *os, const uint32_t *ptes_per_slot, char *msg, size_t len);

/* ---- rmap.c: reverse mapping and the batched flush ---- */

/* One mapping of a page: its VMA, address and PTE slot. */
typedef bool (*rmap_one_fn)(struct os *os, struct page *page, struct vm_area_struct *vma,
			    uint64_t addr, uint64_t slot, void *arg);
/* rmap_walk: every PTE that maps page (anon_vma or i_mmap); false: stopped early. */
bool rmap_walk(struct os *os, struct page *page, rmap_one_fn fn, void *arg);
/* folio_referenced: young PTEs (their access flags cleared), the VMAs' flags ORed in. */
int folio_referenced(struct os *os, struct page *page, uint64_t *vm_flags);
/* try_to_unmap with TTU_BATCH_FLUSH: the TLBIs are issued, their DSB is not. */
void try_to_unmap(struct os *os, struct page *page);
void try_to_unmap_flush(struct os *os);
void try_to_unmap_flush_dirty(struct os *os);
void __flush_tlb_range_nosync(struct os *os, struct mm_struct *mm, uint64_t start,
			      uint64_t end, uint64_t stride, bool last_level, unsigned tlb_level);
void flush_tlb_page_nosync(struct os *os, struct mm_struct *mm, uint64_t addr);

/* ---- vmscan.c ---- */

#define SWAP_CLUSTER_MAX 32u
#define DEF_PRIORITY 12
#define MAX_RECLAIM_RETRIES 16

void lru_cache_add(struct os *os, struct page *page);
void folio_mark_accessed(struct os *os, struct page *page);
void reclaim_init(struct os *os);
void wakeup_kswapd(struct os *os, unsigned order, enum zone_type highest_zoneidx);
uint64_t try_to_free_pages(struct os *os, gfp_t gfp, unsigned order);
/* reclaim_pages: these pages through shrink_folio_list, references ignored */
uint64_t reclaim_pages(struct os *os, struct page **pages, unsigned n);
void shrink_active_list(struct os *os, uint64_t nr_to_scan, enum lru_list lru);
uint64_t shrink_inactive_list(struct os *os, uint64_t nr_to_scan, enum lru_list lru,
			      bool kswapd);
void delete_from_page_cache(struct os *os, struct page *page);

/* ---- oom.c ---- */

bool out_of_memory(struct os *os, gfp_t gfp, unsigned order);
struct task_struct *select_bad_process(struct os *os, uint64_t totalpages, long *points);
uint64_t totalram_pages(const struct os *os);
void task_comm(const struct os *os, const struct task_struct *t, char *buf, size_t len);

/* ---- context.c ---- */

int asid_init(struct asid_allocator *a, unsigned bits, unsigned nr_cpus);
void asid_free(struct asid_allocator *a);
void check_and_switch_context(struct os *os, struct mm_struct *mm, unsigned cpu);

#endif
