// SPDX-License-Identifier: MIT
/*
 * Address spaces: the VMA tree (a sorted array, searched by binary search),
 * find_vma, mmap with merging, munmap with splitting and an mmu_gather,
 * mprotect, brk, mremap, stack growth and the /proc/PID/maps view
 * (after mm/mmap.c, mm/vma.c, mm/mprotect.c, mm/mremap.c of Linux 6.x).
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define PAGE_ALIGN(x) (((x) + PAGE_SIZE - 1) & PAGE_MASK)

/* ---- the tree ---- */

unsigned vma_index(const struct mm_struct *mm, uint64_t addr)
{
	unsigned lo = 0, hi = mm->map_count;

	while (lo < hi) {
		unsigned mid = (lo + hi) / 2;

		if (mm->vmas[mid]->vm_end > addr)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

/* The first VMA that ends above addr, as Linux's find_vma. */
struct vm_area_struct *find_vma(struct mm_struct *mm, uint64_t addr)
{
	unsigned i = vma_index(mm, addr);

	return i < mm->map_count ? mm->vmas[i] : NULL;
}

/* Room in the tree for one more VMA. */
static int ensure_room(struct mm_struct *mm)
{
	if (mm->map_count < mm->vma_cap)
		return 0;
	unsigned cap = mm->vma_cap ? 2 * mm->vma_cap : 32;
	struct vm_area_struct **v = realloc(mm->vmas, cap * sizeof(*v));

	if (!v)
		return -1;
	mm->vmas = v;
	mm->vma_cap = cap;
	return 0;
}

int vma_insert(struct mm_struct *mm, struct vm_area_struct *vma)
{
	if (ensure_room(mm))
		return -1;
	unsigned i = vma_index(mm, vma->vm_start);

	memmove(mm->vmas + i + 1, mm->vmas + i, (mm->map_count - i) * sizeof(*mm->vmas));
	mm->vmas[i] = vma;
	mm->map_count++;
	mm->total_vm += (vma->vm_end - vma->vm_start) >> PAGE_SHIFT;
	return 0;
}

static void vma_remove_at(struct mm_struct *mm, unsigned i)
{
	struct vm_area_struct *vma = mm->vmas[i];

	mm->total_vm -= (vma->vm_end - vma->vm_start) >> PAGE_SHIFT;
	memmove(mm->vmas + i, mm->vmas + i + 1, (mm->map_count - i - 1) * sizeof(*mm->vmas));
	mm->map_count--;
}

static void vma_resize(struct mm_struct *mm, struct vm_area_struct *vma, uint64_t start,
		       uint64_t end)
{
	mm->total_vm -= (vma->vm_end - vma->vm_start) >> PAGE_SHIFT;
	vma->vm_pgoff -= (vma->vm_start - start) >> PAGE_SHIFT;
	vma->vm_start = start;
	vma->vm_end = end;
	mm->total_vm += (end - start) >> PAGE_SHIFT;
}

struct vm_area_struct *vm_area_alloc(struct os *os, struct mm_struct *mm)
{
	struct vm_area_struct *vma = calloc(1, sizeof(*vma));

	if (!vma)
		return NULL;
	vma->obj = kmem_cache_alloc(os->vm_area_cachep, os->cur_cpu);
	if (!vma->obj) {
		free(vma);
		return NULL;
	}
	vma->vm_mm = mm;
	return vma;
}

/* shmem files (no path) live as long as a VMA maps them */
static void vma_get_file(struct vm_area_struct *vma)
{
	if (vma->vm_file && !vma->vm_file->path)
		vma->vm_file->refs++;
}

void vm_area_free(struct os *os, struct vm_area_struct *vma)
{
	struct address_space *f = vma->vm_file;

	if (f && !f->path && --f->refs == 0)
		mapping_free(os, f);
	kmem_cache_free(os->vm_area_cachep, os->cur_cpu, vma->obj);
	free(vma);
}

/* vm_area_dup: a copy of src in its own object, for mm. */
static struct vm_area_struct *vma_dup(struct os *os, struct mm_struct *mm,
				      const struct vm_area_struct *src)
{
	struct vm_area_struct *n = vm_area_alloc(os, mm);

	if (!n)
		return NULL;
	uint64_t obj = n->obj;

	*n = *src;
	n->obj = obj;
	n->vm_mm = mm;
	vma_get_file(n);
	return n;
}

/* Shared writable file mappings track dirtying: their PTEs start read-only. */
static bool vma_wants_writenotify(const struct vm_area_struct *vma)
{
	return (vma->vm_flags & (VM_WRITE | VM_SHARED)) == (VM_WRITE | VM_SHARED) &&
	       vma->vm_file && vma->vm_file->path; /* shmem (no path) needs none */
}

static void vma_set_page_prot(struct vm_area_struct *vma)
{
	uint64_t flags = vma->vm_flags;

	if (vma_wants_writenotify(vma))
		flags &= ~VM_SHARED;
	vma->vm_page_prot = vm_get_page_prot(flags);
}

/* is_mergeable_vma + anon_vma compatibility + file offset continuity */
bool vma_can_merge(const struct vm_area_struct *a, const struct vm_area_struct *b)
{
	if (a->vm_end != b->vm_start || a->vm_flags != b->vm_flags || a->vm_file != b->vm_file)
		return false;
	/* is_mergeable_anon_vma: the same anon_vma, or one of them has none */
	if (a->anon_vma && b->anon_vma && a->anon_vma != b->anon_vma)
		return false;
	/* offsets continue (an anonymous VMA's is its address, unless mremap moved it) */
	return a->vm_pgoff + ((a->vm_end - a->vm_start) >> PAGE_SHIFT) == b->vm_pgoff;
}

/* Merges vmas[i] with its neighbours where Linux would. */
static void vma_merge_around(struct os *os, struct mm_struct *mm, unsigned i)
{
	if (i + 1 < mm->map_count && vma_can_merge(mm->vmas[i], mm->vmas[i + 1])) {
		struct vm_area_struct *a = mm->vmas[i], *b = mm->vmas[i + 1];

		if (!a->anon_vma)
			a->anon_vma = b->anon_vma;
		vma_remove_at(mm, i + 1);
		vma_resize(mm, a, a->vm_start, b->vm_end);
		vm_area_free(os, b);
	}
	if (i > 0 && vma_can_merge(mm->vmas[i - 1], mm->vmas[i])) {
		struct vm_area_struct *a = mm->vmas[i - 1], *b = mm->vmas[i];

		if (!a->anon_vma)
			a->anon_vma = b->anon_vma;
		vma_remove_at(mm, i);
		vma_resize(mm, a, a->vm_start, b->vm_end);
		vm_area_free(os, b);
	}
}

/* __split_vma: vmas[i] becomes [start, addr) and a new VMA [addr, end). */
static int split_vma(struct os *os, struct mm_struct *mm, unsigned i, uint64_t addr)
{
	struct vm_area_struct *vma = mm->vmas[i];
	struct vm_area_struct *n = vma_dup(os, mm, vma);

	if (!n)
		return -1;
	n->vm_start = addr;
	n->vm_pgoff = vma->vm_pgoff + ((addr - vma->vm_start) >> PAGE_SHIFT);
	vma->vm_end = addr;
	memmove(mm->vmas + i + 2, mm->vmas + i + 1, (mm->map_count - i - 1) * sizeof(*mm->vmas));
	mm->vmas[i + 1] = n;
	mm->map_count++;
	return 0;
}

/*
 * Splits so that no VMA straddles addr. Returns -1 without memory, or where
 * the split would cut a 2 MiB block: hugetlb refuses (EINVAL), and
 * splitting a transparent huge page is not modelled.
 */
static int split_at(struct os *os, struct mm_struct *mm, uint64_t addr)
{
	unsigned i = vma_index(mm, addr);

	if (i == mm->map_count || mm->vmas[i]->vm_start >= addr)
		return 0;
	if (addr & (PMD_SIZE - 1)) {
		uint64_t slot;
		unsigned level;

		if (mm->vmas[i]->vm_flags & VM_HUGETLB)
			return -1;
		pt_slot(os, mm, addr, 2, false, &slot, &level);
		if (level == 2 && (pt_read(os, slot) & 3) == 1)
			return -1;
	}
	if (ensure_room(mm))
		return -1;
	return split_vma(os, mm, i, addr);
}

/* ---- munmap ---- */

/*
 * free_pgtables over vmas[first, last): neighbours less than a PMD apart are
 * taken together; the hole is [floor, ceiling) for all of them.
 */
static void free_pgtables_vmas(struct mmu_gather *tlb, struct mm_struct *mm, unsigned first,
			       unsigned last, uint64_t floor, uint64_t ceiling)
{
	for (unsigned i = first; i < last;) {
		unsigned j = i;

		while (j + 1 < last && mm->vmas[j + 1]->vm_start <= mm->vmas[j]->vm_end + PMD_SIZE)
			j++;
		free_pgtables(tlb, mm->vmas[i]->vm_start, mm->vmas[j]->vm_end, floor,
			      j + 1 < last ? mm->vmas[j + 1]->vm_start : ceiling);
		i = j + 1;
	}
}

/*
 * do_vmi_munmap: split at the edges, detach the VMAs in between, then one
 * mmu_gather unmaps their pages, frees their page tables between the
 * neighbours, flushes the TLB and only then frees pages and tables.
 */
static int __os_munmap(struct os *os, struct mm_struct *mm, uint64_t addr, uint64_t len)
{
	uint64_t end;

	if ((addr & ~PAGE_MASK) || addr >= task_size(os) || len > task_size(os) - addr)
		return -1;
	len = PAGE_ALIGN(len);
	if (!len || len > task_size(os) - addr)
		return -1;
	end = addr + len;
	if (split_at(os, mm, addr) || split_at(os, mm, end))
		return -1;
	unsigned first = vma_index(mm, addr), last = first;

	while (last < mm->map_count && mm->vmas[last]->vm_start < end)
		last++;
	if (first == last)
		return 0;
	uint64_t floor = first ? mm->vmas[first - 1]->vm_end : 0;
	uint64_t ceiling = last < mm->map_count ? mm->vmas[last]->vm_start : 0;
	struct mmu_gather tlb;

	tlb_gather_mmu(&tlb, os, mm, false);
	for (unsigned i = first; i < last; i++) {
		unmap_vmas(&tlb, mm->vmas[i], mm->vmas[i]->vm_start, mm->vmas[i]->vm_end);
		tlb_end_vma(&tlb);
	}
	free_pgtables_vmas(&tlb, mm, first, last, floor, ceiling);
	tlb_finish_mmu(&tlb);
	for (unsigned i = first; i < last; i++) {
		struct vm_area_struct *v = mm->vmas[first];

		vma_remove_at(mm, first);
		vm_area_free(os, v);
	}
	return 0;
}

/* ---- mmap ---- */

static uint64_t calc_vm_flags(uint32_t prot, uint32_t flags)
{
	uint64_t f = VM_MAYREAD | VM_MAYWRITE | VM_MAYEXEC;

	f |= (prot & PROT_READ ? VM_READ : 0) | (prot & PROT_WRITE ? VM_WRITE : 0) |
	     (prot & PROT_EXEC ? VM_EXEC : 0);
	if (flags & MAP_SHARED)
		f |= VM_SHARED | VM_MAYSHARE;
	if (flags & MAP_GROWSDOWN)
		f |= VM_GROWSDOWN;
	if (flags & MAP_NORESERVE)
		f |= VM_NORESERVE;
	if (flags & MAP_HUGETLB)
		f |= VM_HUGETLB;
	/* accountable: private writable, or shared anonymous */
	if (!(flags & MAP_NORESERVE) && (f & VM_WRITE) && !(f & VM_SHARED))
		f |= VM_ACCOUNT;
	return f;
}

static int map_range(struct os *os, struct mm_struct *mm, uint64_t addr, uint64_t len,
		     uint64_t vm_flags, struct address_space *file, uint64_t pgoff)
{
	struct vm_area_struct *vma = vm_area_alloc(os, mm);

	if (!vma)
		return -1;
	vma->vm_start = addr;
	vma->vm_end = addr + len;
	vma->vm_flags = vm_flags;
	vma->vm_file = file;
	vma->vm_pgoff = file ? pgoff : addr >> PAGE_SHIFT;
	vma_get_file(vma);
	vma_set_page_prot(vma);
	if (vma_insert(mm, vma)) {
		vm_area_free(os, vma);
		return -1;
	}
	vma_merge_around(os, mm, vma_index(mm, addr));
	return 0;
}

static int __os_mmap(struct os *os, struct mm_struct *mm, uint64_t addr, uint64_t len, uint32_t prot,
	    uint32_t flags, struct address_space *file, uint64_t offset, const char **why)
{
	if ((addr & ~PAGE_MASK) || (offset & ~PAGE_MASK)) {
		*why = "address or file offset not page-aligned";
		return -1;
	}
	len = PAGE_ALIGN(len);
	if (!len || addr >= task_size(os) || len > task_size(os) - addr) {
		*why = "range outside the 48-bit user address space";
		return -1;
	}
	if (flags & MAP_HUGETLB && ((addr | len) & (PMD_SIZE - 1))) {
		*why = "MAP_HUGETLB range not 2 MiB-aligned";
		return -1;
	}
	struct vm_area_struct *v = find_vma(mm, addr);

	if (v && v->vm_start < addr + len) {
		if (!(flags & MAP_FIXED)) {
			*why = "range already mapped (and no MAP_FIXED)";
			return -1;
		}
		if (os_munmap(os, mm, addr, len)) {
			*why = "out of memory";
			return -1;
		}
	}
	if ((flags & MAP_SHARED) && !file) {
		file = shmem_file_setup(os); /* MAP_SHARED|MAP_ANONYMOUS is shmem */
		offset = 0;
		if (!file) {
			*why = "out of memory";
			return -1;
		}
	}
	if (map_range(os, mm, addr, len, calc_vm_flags(prot, flags), file, offset >> PAGE_SHIFT)) {
		*why = "out of memory";
		return -1;
	}
	return 0;
}

/* ---- mprotect ---- */

static int __os_mprotect(struct os *os, struct mm_struct *mm, uint64_t addr, uint64_t len,
		uint32_t prot, const char **why)
{
	if (addr & ~PAGE_MASK) {
		*why = "address not page-aligned";
		return -1;
	}
	if (!len)
		return 0;
	len = PAGE_ALIGN(len);
	uint64_t end = addr + len;

	if (!len || end <= addr || end > task_size(os)) {
		*why = "range wraps or leaves the user address space";
		return -1;
	}
	/* every page of the range must be mapped (else ENOMEM) */
	for (uint64_t a = addr; a < end;) {
		struct vm_area_struct *v = find_vma(mm, a);

		if (!v || v->vm_start > a) {
			*why = "range not fully mapped";
			return -1;
		}
		a = v->vm_end;
	}
	if (split_at(os, mm, addr) || split_at(os, mm, end)) {
		*why = "out of memory, or a 2 MiB block would be cut";
		return -1;
	}
	struct mmu_gather tlb;
	uint64_t bits = (prot & PROT_READ ? VM_READ : 0) | (prot & PROT_WRITE ? VM_WRITE : 0) |
			(prot & PROT_EXEC ? VM_EXEC : 0);

	tlb_gather_mmu(&tlb, os, mm, false);
	for (unsigned i = vma_index(mm, addr); i < mm->map_count && mm->vmas[i]->vm_start < end;
	     i++) {
		struct vm_area_struct *v = mm->vmas[i];
		uint64_t newflags = (v->vm_flags & ~(VM_READ | VM_WRITE | VM_EXEC)) | bits;

		if ((bits & VM_WRITE) && !(v->vm_flags & VM_MAYWRITE)) {
			tlb_finish_mmu(&tlb);
			*why = "write permission the mapping may not have";
			return -1;
		}
		if (newflags == v->vm_flags)
			continue;
		/* private mappings made writable become accountable */
		if ((newflags & VM_WRITE) && !(newflags & (VM_SHARED | VM_NORESERVE)))
			newflags |= VM_ACCOUNT;
		v->vm_flags = newflags;
		vma_set_page_prot(v);
		change_protection(&tlb, v, v->vm_start, v->vm_end);
	}
	tlb_finish_mmu(&tlb);
	/* merge what now matches, from the end so indices stay valid */
	for (unsigned i = vma_index(mm, end ? end - 1 : 0) + 1; i-- > 0;) {
		if (i >= mm->map_count)
			continue;
		if (mm->vmas[i]->vm_end < addr)
			break;
		vma_merge_around(os, mm, i);
	}
	return 0;
}

/* ---- brk ---- */

static int __os_brk(struct os *os, struct mm_struct *mm, uint64_t brk, const char **why)
{
	uint64_t oldbrk = PAGE_ALIGN(mm->brk), newbrk = PAGE_ALIGN(brk);

	if (brk < mm->start_brk) {
		*why = "break below the start of the heap";
		return -1;
	}
	if (newbrk < oldbrk) {
		if (os_munmap(os, mm, newbrk, oldbrk - newbrk)) {
			*why = "out of memory";
			return -1;
		}
	} else if (newbrk > oldbrk) {
		struct vm_area_struct *next = find_vma(mm, oldbrk);

		/* check_brk_limits: the new heap must not touch the next VMA */
		if (next && next->vm_start < newbrk + PAGE_SIZE) {
			*why = "heap would run into the next mapping";
			return -1;
		}
		if (map_range(os, mm, oldbrk, newbrk - oldbrk,
			      VM_READ | VM_WRITE | VM_MAYREAD | VM_MAYWRITE | VM_MAYEXEC | VM_ACCOUNT,
			      NULL, 0)) {
			*why = "out of memory";
			return -1;
		}
	}
	mm->brk = brk;
	return 0;
}

/* ---- mremap ---- */

static int __os_mremap(struct os *os, struct mm_struct *mm, uint64_t old, uint64_t old_len,
	      uint64_t new_addr, uint64_t new_len, const char **why)
{
	uint64_t top = task_size(os);

	old_len = PAGE_ALIGN(old_len);
	new_len = PAGE_ALIGN(new_len);
	if ((old | new_addr) & ~PAGE_MASK || !new_len || old >= top || old_len > top - old ||
	    new_addr >= top || new_len > top - new_addr) {
		*why = "misaligned, empty or outside the user address space (EINVAL)";
		return -1;
	}
	struct vm_area_struct *vma = find_vma(mm, old);

	if (!vma || vma->vm_start > old || old + old_len > vma->vm_end) {
		*why = "old range is not inside one mapping";
		return -1;
	}
	if (new_addr == old) {
		if (new_len <= old_len)
			return new_len < old_len ? os_munmap(os, mm, old + new_len, old_len - new_len)
						 : 0;
		/* grow in place: vma_expand into free space */
		struct vm_area_struct *next = find_vma(mm, old + old_len);

		if (old + old_len != vma->vm_end || (next && next != vma &&
						      next->vm_start < old + new_len)) {
			*why = "no room to grow in place";
			return -1;
		}
		vma_resize(mm, vma, vma->vm_start, old + new_len);
		vma_merge_around(os, mm, vma_index(mm, old));
		return 0;
	}
	if (new_addr < old + old_len && old < new_addr + new_len) {
		*why = "new range overlaps the old one (EINVAL)";
		return -1;
	}
	/* move_vma: a copy of the VMA at new_addr, the PTEs moved, the old unmapped */
	if (os_munmap(os, mm, new_addr, new_len) || split_at(os, mm, old) ||
	    split_at(os, mm, old + old_len)) {
		*why = "out of memory, or a 2 MiB block would be cut";
		return -1;
	}
	vma = find_vma(mm, old);
	uint64_t move = old_len < new_len ? old_len : new_len;
	struct vm_area_struct *nv = vma_dup(os, mm, vma);

	if (!nv) {
		*why = "out of memory";
		return -1;
	}
	nv->vm_start = new_addr;
	nv->vm_end = new_addr + new_len;
	/* copy_vma: an anonymous VMA never faulted takes its new address as offset */
	if (!nv->vm_file && !nv->anon_vma)
		nv->vm_pgoff = new_addr >> PAGE_SHIFT;
	if (vma_insert(mm, nv)) {
		vm_area_free(os, nv);
		*why = "out of memory";
		return -1;
	}
	if (move_page_tables(os, vma, old, nv, new_addr, move) ||
	    os_munmap(os, mm, old, old_len)) {
		*why = "out of memory, or a 2 MiB block cannot move there";
		return -1;
	}
	vma_merge_around(os, mm, vma_index(mm, new_addr));
	return 0;
}

/* ---- stack ---- */

void os_set_stack(struct mm_struct *mm, uint64_t start, uint64_t end)
{
	(void)end;
	mm->start_stack = start;
}

/* expand_downwards: the guard gap to the VMA below, and RLIMIT_STACK. */
int expand_stack(struct os *os, struct vm_area_struct *vma, uint64_t addr)
{
	struct mm_struct *mm = vma->vm_mm;
	unsigned i = vma_index(mm, vma->vm_start);

	(void)os;
	addr &= PAGE_MASK;
	if (!(vma->vm_flags & VM_GROWSDOWN) || addr >= vma->vm_start)
		return -1;
	if (i > 0) {
		struct vm_area_struct *prev = mm->vmas[i - 1];

		if (!(prev->vm_flags & VM_GROWSDOWN) &&
		    (prev->vm_flags & (VM_READ | VM_WRITE | VM_EXEC)) &&
		    addr - prev->vm_end < STACK_GUARD_GAP)
			return -1;
		if (addr < prev->vm_end)
			return -1;
	}
	if (vma->vm_end - addr > mm->stack_rlimit)
		return -1;
	vma_resize(mm, vma, addr, vma->vm_end);
	return 0;
}

/* ---- exit and fork ---- */

void exit_mmap(struct os *os, struct mm_struct *mm)
{
	struct mmu_gather tlb;

	tlb_gather_mmu(&tlb, os, mm, true);
	for (unsigned i = 0; i < mm->map_count; i++)
		unmap_vmas(&tlb, mm->vmas[i], mm->vmas[i]->vm_start, mm->vmas[i]->vm_end);
	free_pgtables_vmas(&tlb, mm, 0, mm->map_count, 0, 0);
	tlb_finish_mmu(&tlb);
	while (mm->map_count) {
		struct vm_area_struct *v = mm->vmas[mm->map_count - 1];

		vma_remove_at(mm, mm->map_count - 1);
		vm_area_free(os, v);
	}
}

int dup_mmap(struct os *os, struct mm_struct *mm, struct mm_struct *oldmm)
{
	int rc = 0;

	mm->start_brk = oldmm->start_brk;
	mm->brk = oldmm->brk;
	mm->start_stack = oldmm->start_stack;
	mm->stack_rlimit = oldmm->stack_rlimit;
	for (unsigned i = 0; i < oldmm->map_count && !rc; i++) {
		struct vm_area_struct *src = oldmm->vmas[i];

		if (src->vm_flags & VM_DONTCOPY)
			continue;
		struct vm_area_struct *dst = vma_dup(os, mm, src);

		if (!dst || vma_insert(mm, dst)) {
			if (dst)
				vm_area_free(os, dst);
			rc = -1;
			break;
		}
		/* anon_vma_fork: the child's own anon_vma */
		dst->anon_vma = src->anon_vma ? ++os->next_anon_vma : 0;
		rc = copy_page_range(os, dst, src);
	}
	/* the parent's PTEs were write-protected, even if the copy stopped */
	flush_tlb_mm(os, oldmm);
	return rc;
}

/* ---- /proc/PID/maps ---- */

void dump_maps(const struct os *os, const struct mm_struct *mm, FILE *f)
{
	(void)os;
	for (unsigned i = 0; i < mm->map_count; i++) {
		const struct vm_area_struct *v = mm->vmas[i];
		const char *name = "";

		if (v->vm_file && v->vm_file->path)
			name = v->vm_file->path;
		else if (v->vm_file)
			name = "/dev/zero (deleted)";
		else if (v->vm_start <= mm->brk && v->vm_end >= mm->start_brk &&
			 mm->brk > mm->start_brk)
			name = "[heap]";
		else if (v->vm_start <= mm->start_stack && v->vm_end >= mm->start_stack)
			name = "[stack]";
		char hdr[128];

		snprintf(hdr, sizeof(hdr), "%08llx-%08llx %c%c%c%c %08llx %02x:%02x %lu ",
			 (unsigned long long)v->vm_start, (unsigned long long)v->vm_end,
			 v->vm_flags & VM_READ ? 'r' : '-', v->vm_flags & VM_WRITE ? 'w' : '-',
			 v->vm_flags & VM_EXEC ? 'x' : '-', v->vm_flags & VM_MAYSHARE ? 's' : 'p',
			 (unsigned long long)(v->vm_file ? v->vm_pgoff << PAGE_SHIFT : 0), 0, 0,
			 (unsigned long)(v->vm_file ? v->vm_file->id : 0));
		/* seq_pad: the header padded to column 72, then the name */
		if (*name)
			fprintf(f, "%-72s %s\n", hdr, name);
		else
			fprintf(f, "%s\n", hdr);
	}
}

/*
 * The operations on an address space, each marking it busy while it works:
 * an OOM victim chosen meanwhile is torn down only once it is done.
 */
#define BUSY(os, mm, call)                                      \
	do {                                                    \
		struct mm_struct *busy_ = (os)->busy_mm;        \
		int rc_;                                        \
                                                                \
		(os)->busy_mm = (mm);                           \
		rc_ = call;                                     \
		(os)->busy_mm = busy_;                          \
		return rc_;                                     \
	} while (0)

int os_munmap(struct os *os, struct mm_struct *mm, uint64_t addr, uint64_t len)
{
	BUSY(os, mm, __os_munmap(os, mm, addr, len));
}

int os_mmap(struct os *os, struct mm_struct *mm, uint64_t addr, uint64_t len, uint32_t prot,
	    uint32_t flags, struct address_space *file, uint64_t offset, const char **why)
{
	BUSY(os, mm, __os_mmap(os, mm, addr, len, prot, flags, file, offset, why));
}

int os_mprotect(struct os *os, struct mm_struct *mm, uint64_t addr, uint64_t len,
		uint32_t prot, const char **why)
{
	BUSY(os, mm, __os_mprotect(os, mm, addr, len, prot, why));
}

int os_brk(struct os *os, struct mm_struct *mm, uint64_t brk, const char **why)
{
	BUSY(os, mm, __os_brk(os, mm, brk, why));
}

int os_mremap(struct os *os, struct mm_struct *mm, uint64_t old, uint64_t old_len,
	      uint64_t new_addr, uint64_t new_len, const char **why)
{
	BUSY(os, mm, __os_mremap(os, mm, old, old_len, new_addr, new_len, why));
}
