// SPDX-License-Identifier: MIT
#include "walker.h"

#include <stdlib.h>
#include <string.h>

const char *const xlat_source_names[3] = { "L1", "L2", "walk" };
const char *const mmu_fault_names[MMU_NR_FAULTS] = { "none", "translation", "access_flag",
							 "permission", "external_abort" };

int walker_init(struct walker *w, unsigned va_bits, unsigned mem_latency,
		const unsigned wc_entries[3], uint64_t (*read64)(void *, uint64_t), void *ctx)
{
	memset(w, 0, sizeof(*w));
	if (va_bits != 48 && va_bits != 39)
		return -1;
	w->start_level = va_bits == 48 ? 0 : 1;
	w->mem_latency = mem_latency;
	w->read64 = read64;
	w->ctx = ctx;
	for (int l = 0; l < 3; l++) {
		w->wc[l].entries = wc_entries[l];
		if (wc_entries[l] && !(w->wc[l].e = calloc(wc_entries[l], sizeof(struct wc_entry)))) {
			walker_free(w);
			return -1;
		}
	}
	return 0;
}

void walker_free(struct walker *w)
{
	for (int l = 0; l < 3; l++) {
		free(w->wc[l].e);
		w->wc[l].e = NULL;
	}
}

static unsigned shift_of(unsigned level)
{
	return 39 - 9 * level;
}

/* A fully associative LRU cache of the table descriptor at level l. */
static struct wc_entry *wc_lookup(struct walk_cache *c, uint16_t asid, uint64_t tag)
{
	if (!c->entries)
		return NULL;
	c->lookups++;
	for (unsigned i = 0; i < c->entries; i++) {
		struct wc_entry *e = &c->e[i];

		if (e->valid && e->tag == tag && e->asid == asid) {
			e->stamp = ++c->clock;
			c->hits++;
			return e;
		}
	}
	return NULL;
}

static void wc_fill(struct walk_cache *c, uint16_t asid, uint64_t tag, uint64_t table)
{
	struct wc_entry *victim = NULL;

	if (!c->entries)
		return;
	for (unsigned i = 0; i < c->entries; i++) {
		struct wc_entry *e = &c->e[i];

		if (!e->valid) {
			victim = e;
			break;
		}
		if (!victim || e->stamp < victim->stamp)
			victim = e;
	}
	*victim = (struct wc_entry){ true, asid, tag, table, ++c->clock };
}

void walker_walk(struct walker *w, uint64_t ttbr0, uint64_t va, enum mmu_access acc,
		 struct walk_result *out)
{
	uint16_t asid = (uint16_t)(ttbr0 >> 48);
	uint64_t table = ttbr0 & PTE_ADDR_MASK;
	unsigned level = w->start_level;

	memset(out, 0, sizeof(*out));
	w->walks++;
	if (va >> (w->start_level ? 39 : 48)) { /* outside TTBR0's range */
		out->fault = MMU_FAULT_TRANSLATION;
		out->level = level;
		return;
	}
	/* the deepest walk-cache hit skips the levels above it */
	for (int l = 2; l >= (int)w->start_level; l--) {
		struct wc_entry *e = wc_lookup(&w->wc[l], asid, va >> shift_of((unsigned)l));

		if (e) {
			table = e->table;
			level = (unsigned)l + 1;
			break;
		}
	}
	for (;; level++) {
		uint64_t pa = table + 8ULL * ((va >> shift_of(level)) & 511);

		w->reads++;
		out->cycles += w->mem_latency;
		out->level = level;
		if (w->aborted && level == w->abort_level &&
		    va >> shift_of(level) == w->abort_va >> shift_of(level)) {
			w->aborted(w->ctx, pa); /* the memory answers with an error */
			out->fault = MMU_FAULT_EXT_ABORT;
			return;
		}
		uint64_t d = w->read64(w->ctx, pa);

		if (!(d & PTE_VALID) || (level == 0 && !(d & 2)) || (level == 3 && !(d & 2))) {
			out->fault = MMU_FAULT_TRANSLATION;
			return;
		}
		if (level < 3 && (d & 2)) { /* a table */
			table = d & PTE_ADDR_MASK;
			wc_fill(&w->wc[level], asid, va >> shift_of(level), table);
			continue;
		}
		/* a page (L3) or a block (L1, L2) */
		uint64_t size = 1ULL << shift_of(level);

		out->t = (struct translation){
			.va_base = va & ~(size - 1),
			.pa_base = d & PTE_ADDR_MASK & ~(size - 1),
			.level = (uint8_t)level,
			.global = !(d & PTE_NG),
			.asid = asid,
			.attrs = d & ~PTE_ADDR_MASK,
		};
		if (!(d & PTE_AF))
			out->fault = MMU_FAULT_ACCESS_FLAG;
		else if (!el0_permits(d, acc))
			out->fault = MMU_FAULT_PERMISSION;
		return;
	}
}

void walker_invalidate(struct walker *w, const struct tlbi_target *t)
{
	if (t->last_level)
		return; /* leaf-only forms keep the table descriptors */
	for (unsigned l = 0; l < 3; l++) {
		struct walk_cache *c = &w->wc[l];
		uint64_t span = 1ULL << shift_of(l);

		for (unsigned i = 0; i < c->entries; i++) {
			struct wc_entry *e = &c->e[i];
			uint64_t start = e->tag << shift_of(l);

			if (!e->valid)
				continue;
			if (t->all || ((t->any_asid || e->asid == t->asid) &&
				       (t->asid_only || (start <= t->va_last && start + span - 1 >= t->va_start))))
				e->valid = false;
		}
	}
}
