// SPDX-License-Identifier: MIT
/*
 * Invariant checkers, for tests and --check: the buddy allocator and slabs
 * (in their own files), each address space's VMAs and page tables, and the
 * map counts of every mapped page across all address spaces.
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* pfn -> PTEs seen mapping it, over every mm (open addressing) */
struct counts {
	uint64_t *key; /* pfn + 1 */
	uint32_t *n;
	size_t cap, used;
};

static int count_add(struct counts *c, uint64_t pfn)
{
	if (2 * (c->used + 1) > c->cap) {
		struct counts b = { .cap = c->cap ? 2 * c->cap : 1024 };

		b.key = calloc(b.cap, sizeof(*b.key));
		b.n = calloc(b.cap, sizeof(*b.n));
		if (!b.key || !b.n) {
			free(b.key);
			free(b.n);
			return -1;
		}
		for (size_t i = 0; i < c->cap; i++) {
			if (!c->key[i])
				continue;
			size_t j = (c->key[i] * 0x9e3779b97f4a7c15ULL >> 20) & (b.cap - 1);

			while (b.key[j])
				j = (j + 1) & (b.cap - 1);
			b.key[j] = c->key[i];
			b.n[j] = c->n[i];
			b.used++;
		}
		free(c->key);
		free(c->n);
		*c = b;
	}
	size_t j = ((pfn + 1) * 0x9e3779b97f4a7c15ULL >> 20) & (c->cap - 1);

	while (c->key[j] && c->key[j] != pfn + 1)
		j = (j + 1) & (c->cap - 1);
	if (!c->key[j]) {
		c->key[j] = pfn + 1;
		c->used++;
	}
	c->n[j]++;
	return 0;
}

struct walk {
	const struct os *os;
	const struct mm_struct *mm;
	struct counts *counts;
	uint32_t *swap_ptes; /* by swap offset */
	uint64_t anon, file, tables, swapents;
	const char *err;
	char *msg; /* the caller's buffer for err, of len bytes */
	size_t len;
};

static bool vma_allows(const struct vm_area_struct *v, uint64_t d)
{
	bool valid = d & PTE_VALID;

	if (!valid)
		return true; /* PROT_NONE: nothing is allowed, nothing to check */
	if (!(d & PTE_RDONLY) && !(v->vm_flags & VM_WRITE))
		return false; /* writable in hardware, not in the VMA */
	if (!(d & PTE_UXN) && !(v->vm_flags & VM_EXEC))
		return false;
	return (v->vm_flags & (VM_READ | VM_WRITE | VM_EXEC)) != 0;
}

static void check_leaf(struct walk *w, uint64_t va, uint64_t d, unsigned level)
{
	const struct os *os = w->os;
	const struct vm_area_struct *v = find_vma((struct mm_struct *)w->mm, va);
	uint64_t size = level == 3 ? PAGE_SIZE : PMD_SIZE;
	if (!v || v->vm_start > va || va + size > v->vm_end) {
		snprintf(w->msg, w->len, "mm %u: a page at %#llx lies outside every VMA",
			 w->mm->pid, (unsigned long long)va);
		w->err = w->msg;
		return;
	}
	if (!vma_allows(v, d)) {
		snprintf(w->msg, w->len,
			 "mm %u: the PTE at %#llx (%#llx) allows more than its VMA (flags %#llx)",
			 w->mm->pid, (unsigned long long)va, (unsigned long long)d,
			 (unsigned long long)v->vm_flags);
		w->err = w->msg;
		return;
	}
	if (level == 3 && is_swap_pte(d)) {
		uint64_t entry = pte_to_swp_entry(d);

		if (!os->swap || swp_type(entry) || swp_offset(entry) >= os->swap->max ||
		    (d & (PTE_NG | 3)) || !w->swap_ptes) {
			snprintf(w->msg, w->len, "mm %u: %#llx holds a bad swap entry %#llx",
				 w->mm->pid, (unsigned long long)va, (unsigned long long)d);
			w->err = w->msg;
			return;
		}
		w->swap_ptes[swp_offset(entry)]++;
		w->swapents++;
		return;
	}
	if (d & PTE_SPECIAL)
		return;
	uint64_t pfn = (d & PTE_ADDR_MASK) >> PAGE_SHIFT;
	const struct page *p = &os->pa.mem_map[pfn];

	if (pfn >= os->pa.nr_pages || (p->flags & PG_buddy) || p->refcount < 1) {
		snprintf(w->msg, w->len, "mm %u: %#llx maps pfn %#llx, which is free",
			 w->mm->pid, (unsigned long long)va, (unsigned long long)pfn);
		w->err = w->msg;
		return;
	}
	if (p->flags & PG_anon)
		w->anon += size >> PAGE_SHIFT;
	else
		w->file++;
	if (count_add(w->counts, pfn))
		w->err = "out of memory";
}

static void walk_table(struct walk *w, uint64_t table, unsigned level, uint64_t base)
{
	w->tables++;
	for (unsigned i = 0; i < 512 && !w->err; i++) {
		uint64_t d = pt_read(w->os, table + 8ULL * i);
		uint64_t va = base + ((uint64_t)i << (39 - 9 * level));

		if (!d)
			continue;
		if (level < 3 && (d & 3) == 3) {
			const struct page *t = &w->os->pa.mem_map[(d & PTE_ADDR_MASK) >> PAGE_SHIFT];

			if (!(t->flags & PG_table)) {
				snprintf(w->msg, w->len, "mm %u: a table at level %u is not a table page",
					 w->mm->pid, level + 1);
				w->err = w->msg;
				return;
			}
			walk_table(w, d & PTE_ADDR_MASK, level + 1, va);
		} else if (level == 3 || (level == 2 && (d & 3) == 1)) {
			check_leaf(w, va, d, level);
		} else {
			snprintf(w->msg, w->len, "mm %u: bad descriptor %#llx at level %u",
				 w->mm->pid, (unsigned long long)d, level);
			w->err = w->msg;
		}
	}
}

static const char *check_vmas(const struct os *os, const struct mm_struct *mm, char *msg,
			      size_t len)
{
	uint64_t total = 0;

	for (unsigned i = 0; i < mm->map_count; i++) {
		const struct vm_area_struct *v = mm->vmas[i];

		total += (v->vm_end - v->vm_start) >> PAGE_SHIFT;
		if ((v->vm_start | v->vm_end) & ~PAGE_MASK || v->vm_start >= v->vm_end ||
		    v->vm_end > task_size(os) || v->vm_mm != mm) {
			snprintf(msg, len, "mm %u: VMA %#llx-%#llx is malformed", mm->pid,
				 (unsigned long long)v->vm_start, (unsigned long long)v->vm_end);
			return msg;
		}
		if (i && mm->vmas[i - 1]->vm_end > v->vm_start) {
			snprintf(msg, len, "mm %u: VMAs at %#llx overlap or are unsorted",
				 mm->pid, (unsigned long long)v->vm_start);
			return msg;
		}
		if (i && vma_can_merge(mm->vmas[i - 1], v)) {
			snprintf(msg, len, "mm %u: VMAs meeting at %#llx should have merged",
				 mm->pid, (unsigned long long)v->vm_start);
			return msg;
		}
	}
	if (total != mm->total_vm) {
		snprintf(msg, len, "mm %u: total_vm %llu, VMAs span %llu pages", mm->pid,
			 (unsigned long long)mm->total_vm, (unsigned long long)total);
		return msg;
	}
	return NULL;
}

static const char *check_one_mm(const struct os *os, const struct mm_struct *mm,
				struct counts *counts, uint32_t *swap_ptes, char *msg, size_t len)
{
	const char *why = check_vmas(os, mm, msg, len);
	struct walk w = {
		.os = os, .mm = mm, .counts = counts, .swap_ptes = swap_ptes, .msg = msg, .len = len
	};

	if (why)
		return why;
	walk_table(&w, page_to_phys(&os->pa, mm->pgd), pgd_level(os), 0);
	if (w.err)
		return w.err;
	if (w.swapents != mm->swapents) {
		snprintf(msg, len, "mm %u: %llu swap entries counted, %llu in its PTEs",
			 mm->pid, (unsigned long long)mm->swapents, (unsigned long long)w.swapents);
		return msg;
	}
	if (w.anon != mm->rss_anon || w.file != mm->rss_file || w.tables != mm->pgtables) {
		snprintf(msg, len,
			 "mm %u: counters anon %llu file %llu tables %llu, page tables hold %llu %llu %llu",
			 mm->pid, (unsigned long long)mm->rss_anon, (unsigned long long)mm->rss_file,
			 (unsigned long long)mm->pgtables, (unsigned long long)w.anon,
			 (unsigned long long)w.file, (unsigned long long)w.tables);
		return msg;
	}
	return NULL;
}

const char *check_mm_msg(const struct os *os, const struct mm_struct *mm, char *msg, size_t len)
{
	struct counts c = { 0 };
	uint32_t *swap_ptes = os->swap ? calloc(os->swap->max, sizeof(*swap_ptes)) : NULL;
	const char *why = os->swap && !swap_ptes ? "out of memory"
						 : check_one_mm(os, mm, &c, swap_ptes, msg, len);

	free(swap_ptes);
	free(c.key);
	free(c.n);
	return why;
}

const char *check_os_msg(const struct os *os, char *msg, size_t len)
{
	const char *why = check_buddy_msg(&os->pa, msg, len);
	struct counts c = { 0 };
	uint32_t *swap_ptes = os->swap ? calloc(os->swap->max, sizeof(*swap_ptes)) : NULL;

	if (os->swap && !swap_ptes)
		return "out of memory";
	if (!why)
		why = check_slab_msg(&os->sa, msg, len);
	if (!why)
		why = check_lru(&os->pa, msg, len);
	/* every live mm once */
	for (unsigned i = 0; i < os->nr_tasks && !why; i++) {
		const struct task_struct *t = os->tasks[i];
		bool first = true;

		if (t->exited)
			continue;
		for (unsigned j = 0; j < i; j++)
			if (!os->tasks[j]->exited && os->tasks[j]->mm == t->mm)
				first = false;
		if (first)
			why = check_one_mm(os, t->mm, &c, swap_ptes, msg, len);
	}
	if (!why)
		why = check_swap(os, swap_ptes, msg, len);
	/* map counts equal the PTEs found; references cover them */
	for (size_t i = 0; i < c.cap && !why; i++) {
		if (!c.key[i])
			continue;
		const struct page *p = &os->pa.mem_map[c.key[i] - 1];
		int64_t cached = (p->mapping && !(p->flags & PG_anon)) || (p->flags & PG_swapcache);

		if ((uint32_t)p->mapcount != c.n[i] || p->refcount < p->mapcount + cached) {
			snprintf(msg, len,
				 "pfn %#llx: mapcount %d refcount %d, but %u PTEs map it%s",
				 (unsigned long long)c.key[i] - 1, p->mapcount, p->refcount, c.n[i],
				 cached ? " (and the page cache holds it)" : "");
			why = msg;
		}
	}
	free(swap_ptes);
	free(c.key);
	free(c.n);
	return why;
}
