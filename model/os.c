// SPDX-License-Identifier: MIT
/* An OS instance: boot (allocators, caches, zero page, swapper_pg_dir) and teardown. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

void os_default_config(struct os_config *c)
{
	memset(c, 0, sizeof(*c));
	page_alloc_default_config(&c->mem);
	c->nr_cpus = 1;
	c->asid_bits = 16;
	c->tlb_range = true;
	c->tlb_ttl = true;
	c->kpti_asids = true;
	c->stack_rlimit = DEFAULT_STACK_RLIMIT;
	c->va_bits = 48;
	c->swappiness = 60;
}

void os_log(struct os *os, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	if (!os->log)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	os->log(os->log_ctx, msg);
}

/*
 * swapper_pg_dir: the kernel's linear map of all memory at PAGE_OFFSET,
 * 1 GiB blocks, global, privileged read/write, never executable.
 */
static int map_linear(struct os *os)
{
	const uint64_t page_offset = 0xffff000000000000ULL;
	struct page *pgd = alloc_page(&os->pa, GFP_KERNEL | __GFP_ZERO);
	struct page *pud = alloc_page(&os->pa, GFP_KERNEL | __GFP_ZERO);

	if (!pgd || !pud)
		return -1;
	pgd->flags |= PG_table;
	pud->flags |= PG_table;
	os->swapper_pg_dir = pgd;
	pt_write(os, page_to_phys(&os->pa, pgd) + 8ULL * pt_index(page_offset, 0),
		 page_to_phys(&os->pa, pud) | 3);
	for (uint64_t pa = 0; pa < os->pa.nr_pages << PAGE_SHIFT; pa += 1ULL << PUD_SHIFT)
		pt_write(os,
			 page_to_phys(&os->pa, pud) + 8ULL * pt_index(page_offset + pa, 1),
			 pa | PMD_TYPE_SECT | PTE_AF | PTE_SHARED | PTE_PXN | PTE_UXN);
	return 0;
}

int os_init(struct os *os, const struct os_config *c)
{
	memset(os, 0, sizeof(*os));
	os->cfg = *c;
	os->next_pid = 1;
	if (c->nr_cpus == 0 || c->nr_cpus > MAX_CPUS || (c->va_bits != 48 && c->va_bits != 39) ||
	    c->swappiness > 200 || page_alloc_init(&os->pa, &c->mem))
		return -1;
	reclaim_init(os);
	if (swap_init(os, c->swap_bytes))
		goto fail;
	if (slab_init(&os->sa, &os->pa, c->nr_cpus) || asid_init(&os->asids, c->asid_bits, c->nr_cpus))
		goto fail;
	if (c->kpti_asids) /* CONFIG_UNMAP_KERNEL_AT_EL0: odd ASIDs taken until a rollover */
		memset(os->asids.map, 0xaa, (1ULL << c->asid_bits) / 8);
	/* object sizes typical of Linux 6.x on arm64; they set how many share a slab */
	os->mm_cachep = kmem_cache_create(&os->sa, "mm_struct", 1216, 0, SLAB_HWCACHE_ALIGN);
	os->vm_area_cachep = kmem_cache_create(&os->sa, "vm_area_struct", 176, 0, 0);
	os->task_struct_cachep = kmem_cache_create(&os->sa, "task_struct", 4224, 0, SLAB_HWCACHE_ALIGN);
	os->radix_tree_node_cachep = kmem_cache_create(&os->sa, "radix_tree_node", 576, 0, 0);
	os->zero_page = alloc_page(&os->pa, GFP_KERNEL | __GFP_ZERO);
	if (!os->mm_cachep || !os->vm_area_cachep || !os->task_struct_cachep ||
	    !os->radix_tree_node_cachep || !os->zero_page || map_linear(os))
		goto fail;
	os->zero_page->flags |= PG_zero | PG_reserved;
	return 0;
fail:
	os_free(os);
	return -1;
}

void os_free(struct os *os)
{
	for (unsigned i = 0; i < os->nr_tasks; i++) {
		if (!os->tasks[i]->exited)
			os_exit(os, os->tasks[i]);
		free(os->tasks[i]);
	}
	free(os->tasks);
	for (unsigned i = 0; i < os->nr_files; i++)
		if (os->files[i])
			mapping_free(os, os->files[i]);
	free(os->files);
	swap_free_all(os);
	asid_free(&os->asids);
	slab_free_all(&os->sa);
	page_alloc_free(&os->pa);
	memset(os, 0, sizeof(*os));
}

void os_reap_caches(struct os *os)
{
	for (struct kmem_cache *c = os->sa.caches; c; c = c->next_cache)
		kmem_cache_shrink(c);
}
