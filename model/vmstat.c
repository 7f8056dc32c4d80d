// SPDX-License-Identifier: MIT
/*
 * /proc/vmstat and /proc/meminfo (mm/vmstat.c, fs/proc/meminfo.c, Linux
 * 6.x): the fields the model has, under the kernel's names and in its
 * order. Page counts are counted from struct page at the time of the
 * dump; events as they happen (pgpgin/pgpgout in KiB, as the kernel shows
 * them).
 */
#include "internal.h"

struct page_counts {
	uint64_t anon_mapped, file_mapped, file_pages, dirty, swapcached, shmem, slab;
};

/*
 * From the LRU lists (every anonymous, swap-cache and file page the model
 * can reclaim), the shmem mappings (off the lists) and the slab caches: no
 * walk over all of memory, which may be a terabyte.
 */
static void count_pages(const struct os *os, struct page_counts *c)
{
	const struct page_alloc *pa = &os->pa;

	*c = (struct page_counts){ 0 };
	for (int l = 0; l < NR_LRU_LISTS; l++)
		for (uint32_t pfn = pa->lruvec.head[l]; pfn != NO_PFN; pfn = pa->mem_map[pfn].lru_next) {
			const struct page *p = &pa->mem_map[pfn];

			if (p->flags & PG_anon) {
				c->anon_mapped += p->mapcount > 0;
				c->swapcached += !!(p->flags & PG_swapcache);
				c->file_pages += !!(p->flags & PG_swapcache); /* NR_FILE_PAGES has them */
			} else {
				c->file_pages++;
				c->file_mapped += p->mapcount > 0;
			}
			c->dirty += !!(p->flags & PG_dirty);
		}
	/* shmem: the anonymous shared mappings' page caches, each once */
	for (unsigned i = 0; i < os->nr_tasks; i++) {
		const struct task_struct *t = os->tasks[i];

		for (unsigned v = 0; !t->exited && v < t->mm->map_count; v++) {
			const struct address_space *m = t->mm->vmas[v]->vm_file;
			bool seen = false;

			if (!m || m->path)
				continue;
			for (unsigned j = 0; j <= i && !seen; j++) {
				const struct task_struct *u = os->tasks[j];

				for (unsigned w = 0; !u->exited && w < u->mm->map_count && !seen; w++)
					seen = (j < i || w < v) && u->mm->vmas[w]->vm_file == m;
			}
			if (!seen) {
				c->shmem += m->nrpages;
				c->file_pages += m->nrpages;
			}
		}
	}
	for (const struct kmem_cache *k = os->sa.caches; k; k = k->next_cache)
		c->slab += (uint64_t)k->total_slabs << k->gfporder;
}

static uint64_t page_tables(const struct os *os)
{
	uint64_t n = 0;

	for (unsigned i = 0; i < os->nr_tasks; i++) {
		const struct task_struct *t = os->tasks[i];
		bool first = !t->exited;

		for (unsigned j = 0; first && j < i; j++)
			if (!os->tasks[j]->exited && os->tasks[j]->mm == t->mm)
				first = false;
		if (first)
			n += t->mm->pgtables;
	}
	return n;
}

unsigned os_vmstat(const struct os *os, struct vmstat_item *out)
{
	const struct page_alloc *pa = &os->pa;
	const uint64_t *ev = os->vm_events;
	struct page_counts c;
	unsigned n = 0;
	uint64_t pgfault = 0;

	count_pages(os, &c);
	for (int k = 0; k < NR_FAULT_KINDS; k++)
		if (k != FAULT_MAJOR)
			pgfault += os->st.faults[k];
#define ITEM(name, v) (out[n++] = (struct vmstat_item){ name, (v) })
	ITEM("nr_free_pages", nr_free_pages(pa));
	ITEM("nr_zone_inactive_anon", pa->lruvec.nr[LRU_INACTIVE_ANON]);
	ITEM("nr_zone_active_anon", pa->lruvec.nr[LRU_ACTIVE_ANON]);
	ITEM("nr_zone_inactive_file", pa->lruvec.nr[LRU_INACTIVE_FILE]);
	ITEM("nr_zone_active_file", pa->lruvec.nr[LRU_ACTIVE_FILE]);
	ITEM("nr_zone_unevictable", 0);
	ITEM("nr_inactive_anon", pa->lruvec.nr[LRU_INACTIVE_ANON]);
	ITEM("nr_active_anon", pa->lruvec.nr[LRU_ACTIVE_ANON]);
	ITEM("nr_inactive_file", pa->lruvec.nr[LRU_INACTIVE_FILE]);
	ITEM("nr_active_file", pa->lruvec.nr[LRU_ACTIVE_FILE]);
	ITEM("nr_unevictable", 0);
	ITEM("nr_slab_unreclaimable", c.slab);
	ITEM("nr_anon_pages", c.anon_mapped);
	ITEM("nr_mapped", c.file_mapped);
	ITEM("nr_file_pages", c.file_pages);
	ITEM("nr_dirty", c.dirty);
	ITEM("nr_writeback", 0);
	ITEM("nr_shmem", c.shmem);
	ITEM("nr_page_table_pages", page_tables(os));
	ITEM("nr_swapcached", c.swapcached);
	ITEM("pgpgin", ev[PGPGIN]);
	ITEM("pgpgout", ev[PGPGOUT]);
	ITEM("pswpin", ev[PSWPIN]);
	ITEM("pswpout", ev[PSWPOUT]);
	ITEM("pgalloc_dma", pa->zones[ZONE_DMA].pgalloc);
	ITEM("pgalloc_dma32", pa->zones[ZONE_DMA32].pgalloc);
	ITEM("pgalloc_normal", pa->zones[ZONE_NORMAL].pgalloc);
	ITEM("pgalloc_movable", 0);
	ITEM("allocstall_dma", ev[ALLOCSTALL_DMA]);
	ITEM("allocstall_dma32", ev[ALLOCSTALL_DMA32]);
	ITEM("allocstall_normal", ev[ALLOCSTALL_NORMAL]);
	ITEM("allocstall_movable", ev[ALLOCSTALL_MOVABLE]);
	ITEM("pgfree", pa->pgfree);
	ITEM("pgactivate", ev[PGACTIVATE]);
	ITEM("pgdeactivate", ev[PGDEACTIVATE]);
	ITEM("pgfault", pgfault);
	ITEM("pgmajfault", os->st.faults[FAULT_MAJOR]);
	ITEM("pgrefill", ev[PGREFILL]);
	ITEM("pgsteal_kswapd", ev[PGSTEAL_KSWAPD]);
	ITEM("pgsteal_direct", ev[PGSTEAL_DIRECT]);
	ITEM("pgscan_kswapd", ev[PGSCAN_KSWAPD]);
	ITEM("pgscan_direct", ev[PGSCAN_DIRECT]);
	ITEM("pgscan_anon", ev[PGSCAN_ANON]);
	ITEM("pgscan_file", ev[PGSCAN_FILE]);
	ITEM("pgsteal_anon", ev[PGSTEAL_ANON]);
	ITEM("pgsteal_file", ev[PGSTEAL_FILE]);
	ITEM("pageoutrun", ev[PAGEOUTRUN]);
	ITEM("pgrotated", ev[PGROTATED]);
	ITEM("oom_kill", ev[OOM_KILL]);
#undef ITEM
	return n;
}

void dump_vmstat(const struct os *os, FILE *f)
{
	struct vmstat_item v[NR_VMSTAT_ITEMS];
	unsigned n = os_vmstat(os, v);

	for (unsigned i = 0; i < n; i++)
		fprintf(f, "%s %llu\n", v[i].name, (unsigned long long)v[i].value);
}

static void show_val_kb(FILE *f, const char *name, uint64_t pages)
{
	fprintf(f, "%-16s%8llu kB\n", name, (unsigned long long)pages << (PAGE_SHIFT - 10));
}

/* si_mem_available: free above the reserves, plus what the page cache would give. */
static uint64_t si_mem_available(const struct os *os)
{
	int64_t available = (int64_t)nr_free_pages(&os->pa), pagecache, reserve = 0, low = 0;

	for (int z = 0; z < MAX_NR_ZONES; z++) {
		const struct zone *zone = &os->pa.zones[z];
		uint64_t max = 0;

		for (int j = z; j < MAX_NR_ZONES; j++)
			if (zone->lowmem_reserve[j] > max)
				max = zone->lowmem_reserve[j];
		max += zone->watermark[WMARK_HIGH];
		reserve += (int64_t)(max > zone->managed_pages ? zone->managed_pages : max);
		low += (int64_t)zone->watermark[WMARK_LOW];
	}
	available -= reserve;
	pagecache = (int64_t)(os->pa.lruvec.nr[LRU_ACTIVE_FILE] + os->pa.lruvec.nr[LRU_INACTIVE_FILE]);
	pagecache -= pagecache / 2 < low ? pagecache / 2 : low;
	available += pagecache;
	return available < 0 ? 0 : (uint64_t)available;
}

void dump_meminfo(const struct os *os, FILE *f)
{
	const struct lruvec *v = &os->pa.lruvec;
	struct page_counts c;
	uint64_t swap_total = os->swap ? os->swap->pages : 0;

	count_pages(os, &c);
	show_val_kb(f, "MemTotal:", totalram_pages(os));
	show_val_kb(f, "MemFree:", nr_free_pages(&os->pa));
	show_val_kb(f, "MemAvailable:", si_mem_available(os));
	show_val_kb(f, "Buffers:", 0);
	show_val_kb(f, "Cached:", c.file_pages - c.swapcached);
	show_val_kb(f, "SwapCached:", c.swapcached);
	show_val_kb(f, "Active:", v->nr[LRU_ACTIVE_ANON] + v->nr[LRU_ACTIVE_FILE]);
	show_val_kb(f, "Inactive:", v->nr[LRU_INACTIVE_ANON] + v->nr[LRU_INACTIVE_FILE]);
	show_val_kb(f, "Active(anon):", v->nr[LRU_ACTIVE_ANON]);
	show_val_kb(f, "Inactive(anon):", v->nr[LRU_INACTIVE_ANON]);
	show_val_kb(f, "Active(file):", v->nr[LRU_ACTIVE_FILE]);
	show_val_kb(f, "Inactive(file):", v->nr[LRU_INACTIVE_FILE]);
	show_val_kb(f, "Unevictable:", 0);
	show_val_kb(f, "Mlocked:", 0);
	show_val_kb(f, "SwapTotal:", swap_total);
	show_val_kb(f, "SwapFree:", nr_swap_pages(os));
	show_val_kb(f, "Dirty:", c.dirty);
	show_val_kb(f, "Writeback:", 0);
	show_val_kb(f, "AnonPages:", c.anon_mapped);
	show_val_kb(f, "Mapped:", c.file_mapped);
	show_val_kb(f, "Shmem:", c.shmem);
	show_val_kb(f, "Slab:", c.slab);
	show_val_kb(f, "SReclaimable:", 0);
	show_val_kb(f, "SUnreclaim:", c.slab);
	show_val_kb(f, "PageTables:", page_tables(os));
}
