// SPDX-License-Identifier: MIT
#include "mmu.h"

#include <string.h>

int mmu_init(struct mmu *m, const struct sim_config *cfg, walk_fn walk, void *ctx)
{
	memset(m, 0, sizeof(*m));
	m->cfg = *cfg;
	m->walk = walk;
	m->walk_ctx = ctx;
	for (unsigned c = 0; c < cfg->cores; c++) {
		/* every TLB gets its own random stream, fixed by the seed */
		uint64_t seed = cfg->seed * 0x100 + c * 4;

		if (tlb_init(&m->core[c].l1i, &cfg->l1i, seed + 1) ||
		    tlb_init(&m->core[c].l1d, &cfg->l1d, seed + 2) ||
		    tlb_init(&m->core[c].l2, &cfg->l2, seed + 3)) {
			mmu_free(m);
			return -1;
		}
	}
	return 0;
}

void mmu_free(struct mmu *m)
{
	for (unsigned c = 0; c < MAX_CORES; c++) {
		tlb_free(&m->core[c].l1i);
		tlb_free(&m->core[c].l1d);
		tlb_free(&m->core[c].l2);
		walker_free(&m->core[c].ptw);
	}
}

void identity_walk(void *ctx, unsigned core, uint64_t va, enum mmu_access acc,
		   struct walk_result *out)
{
	const struct sim_config *cfg = ctx;
	uint64_t size = 1ULL << level_shift((enum page_level)cfg->page_level);

	(void)core;
	(void)acc;
	*out = (struct walk_result){
		.t = { .va_base = va & ~(size - 1),
		       .pa_base = va & ~(size - 1),
		       .level = (uint8_t)cfg->page_level,
		       .asid = 1,
		       .attrs = PTE_USER | PTE_AF | PTE_VALID },
		.cycles = cfg->walk_latency,
	};
}

uint64_t identity_ttbr0(const struct sim_config *cfg)
{
	unsigned root = cfg->va_bits == 39 ? 1 : 0;

	return (IDENTITY_TABLES + ((uint64_t)root << 40)) | (uint64_t)1 << 48; /* ASID 1 */
}

uint64_t identity_table_read(void *ctx, uint64_t pa)
{
	const struct sim_config *cfg = ctx;
	uint64_t off = pa - IDENTITY_TABLES, level = off >> 40;
	/* the VA bits above this entry's reach: the table's, then the entry's index */
	uint64_t prefix = ((off & ((1ULL << 40) - 1)) >> 12) << 9 | (pa & 0xfff) >> 3;

	if (pa < IDENTITY_TABLES || level > 3)
		return 0;
	if (level < cfg->page_level)
		return (IDENTITY_TABLES + ((level + 1) << 40) + (prefix << 12)) | PTE_VALID |
		       PTE_TABLE_BIT;
	return prefix << level_shift((enum page_level)level) | PTE_NG | PTE_AF | PTE_USER |
	       PTE_VALID | (level == 3 ? PTE_TABLE_BIT : 0);
}

/* Bytes from va to the end of the page or block of t. */
static uint64_t covered_end(const struct translation *t)
{
	return t->va_base + (1ULL << level_shift((enum page_level)t->level)) - 1;
}

/*
 * Looks one page up in L1 and, on a miss, in L2 and then the walker; checks
 * the access against the entry found. Returns the last VA the translation
 * covers, or 0 with *f set at a fault; sets *l1_miss / *l2_miss.
 */
static uint64_t lookup_page(struct mmu *m, unsigned core, struct tlb *l1, uint64_t va,
			    uint16_t asid, enum mmu_access acc, bool *l1_miss, bool *l2_miss,
			    struct mmu_fault *f, struct translation *found)
{
	struct mmu_core *c = &m->core[core];
	const struct tlb_entry *e = tlb_lookup(l1, va, asid);
	struct walk_result w;

	c->st.translation_cycles += l1->geo.latency;
	if (!e) {
		*l1_miss = true;
		if (c->l2.geo.entries) {
			c->st.translation_cycles += c->l2.geo.latency;
			e = tlb_lookup(&c->l2, va, asid);
			if (e)
				tlb_fill(l1, &e->t);
			else
				*l2_miss = true;
		}
	}
	if (e) {
		*found = e->t;
		if (el0_permits(e->t.attrs, acc))
			return covered_end(&e->t);
		*f = (struct mmu_fault){ MMU_FAULT_PERMISSION, e->t.level, va, acc };
		c->st.faults[MMU_FAULT_PERMISSION]++;
		return 0;
	}
	m->walk(m->walk_ctx, core, va, acc, &w);
	c->st.walks++;
	c->st.walk_cycles += w.cycles;
	c->st.translation_cycles += w.cycles;
	if (mmu_fault_leaves_no_entry(w.fault)) {
		*f = (struct mmu_fault){ w.fault, w.level, va, acc };
		c->st.faults[w.fault]++;
		return 0;
	}
	/* a permission fault still yields a valid translation to cache */
	*found = w.t;
	tlb_fill(&c->l2, &w.t);
	tlb_fill(l1, &w.t);
	if (w.fault) {
		*f = (struct mmu_fault){ w.fault, w.level, va, acc };
		c->st.faults[w.fault]++;
		return 0;
	}
	return covered_end(&w.t);
}

/* Where a page's answer came from. */
static enum xlat_source page_source(const struct mmu_core *c, bool l1_miss, bool l2_miss)
{
	return !l1_miss ? XLAT_L1 : !l2_miss && c->l2.geo.entries ? XLAT_L2 : XLAT_WALK;
}

/*
 * One page: its answer, and the same as an mmu_result for the checker and
 * into *out (unless NULL). Both replay (mmu_access) and mmu_translate, the
 * lockstep tests' entry, come through here.
 */
static uint64_t translate_page(struct mmu *m, unsigned core, struct tlb *l1, uint64_t va,
			       uint16_t asid, enum mmu_access acc, bool *l1_miss, bool *l2_miss,
			       struct mmu_fault *f, struct translation *found, struct mmu_result *out)
{
	bool miss1 = false, miss2 = false;
	uint64_t end, cycles = m->core[core].st.translation_cycles;
	enum xlat_source source;

	f->kind = MMU_OK;
	end = lookup_page(m, core, l1, va, asid, acc, &miss1, &miss2, f, found);
	*l1_miss |= miss1;
	*l2_miss |= miss2;
	source = page_source(&m->core[core], miss1, miss2);
	latency_add(&m->latency, latency_outcome_of(f->kind != MMU_OK, source),
		    m->core[core].st.translation_cycles - cycles);
	if (m->check || out) {
		bool walk_fault = mmu_fault_leaves_no_entry(f->kind);
		struct mmu_result r = {
			.fault = f->kind,
			.level = walk_fault ? f->level : found->level,
			.pa = walk_fault ? 0
					 : found->pa_base |
						   (va & ((1ULL << level_shift((enum page_level)found->level)) - 1)),
			.source = source,
		};

		if (m->check)
			m->check(m->check_ctx, core, va, acc, asid, &r);
		if (out)
			*out = r;
	}
	return end;
}

bool mmu_access(struct mmu *m, unsigned core, uint8_t type, uint64_t va, unsigned size,
		uint16_t asid, bool count, struct mmu_fault *f)
{
	struct mmu_core *c = &m->core[core];
	bool instr = type == TR_INSTR;
	struct tlb *l1 = instr ? &c->l1i : &c->l1d;
	struct level_stats *ls = instr ? &c->st.l1i : &c->st.l1d;
	enum mmu_access acc = instr ? MMU_EXEC : type == TR_LOAD ? MMU_READ : MMU_WRITE;
	bool l1_miss = false, l2_miss = false, ok = true;
	uint64_t last = va + size - 1;
	struct translation t;

	if (count && !m->check && mmu_fast_hit(c, type, va, size, asid))
		return true;
	if (count) {
		if (instr)
			c->st.instructions++;
		else
			c->st.data_accesses++;
	}
	uint64_t end = translate_page(m, core, l1, va, asid, acc, &l1_miss, &l2_miss, f, &t, NULL);

	if (!end)
		ok = false;
	else if (last > end && last >= va) /* the bytes run into the next page */
		ok = translate_page(m, core, l1, end + 1, asid, acc, &l1_miss, &l2_miss, f, &t,
				    NULL) != 0;
	if (!count)
		return ok;
	ls->accesses++;
	if (!l1_miss)
		return ok;
	ls->misses++;
	if (c->l2.geo.entries) {
		c->st.l2.accesses++;
		c->st.l2.misses += l2_miss;
	}
	return ok;
}

void mmu_translate(struct mmu *m, unsigned core, uint8_t type, uint64_t va, uint16_t asid,
		   struct mmu_result *r)
{
	struct mmu_core *c = &m->core[core];
	enum mmu_access acc = type == TR_INSTR ? MMU_EXEC : type == TR_LOAD ? MMU_READ : MMU_WRITE;
	struct tlb *l1 = type == TR_INSTR ? &c->l1i : &c->l1d;
	bool l1_miss = false, l2_miss = false;
	struct mmu_fault f = { MMU_OK, 0, va, acc };
	struct translation t = { 0 };

	translate_page(m, core, l1, va, asid, acc, &l1_miss, &l2_miss, &f, &t, r);
}

static void tlbi_core(struct mmu_core *c, const struct tlbi_target *t, enum tlbi_op op)
{
	c->st.tlbi[op]++;
	c->st.tlbi_entries += tlb_invalidate(&c->l1i, t) + tlb_invalidate(&c->l1d, t) +
			      tlb_invalidate(&c->l2, t);
	walker_invalidate(&c->ptw, t);
}

void mmu_tlbi(struct mmu *m, unsigned core, const struct tlbi *op)
{
	struct tlbi_target t;

	tlbi_decode(op, &t);
	if (!op->shareable) {
		tlbi_core(&m->core[core], &t, op->op);
		return;
	}
	for (unsigned c = 0; c < m->cfg.cores; c++)
		tlbi_core(&m->core[c], &t, op->op);
}

void mmu_settle(struct mmu *m)
{
	for (unsigned i = 0; i < m->cfg.cores; i++) {
		struct mmu_core *c = &m->core[i];

		for (int d = 0; d < 2; d++) {
			uint64_t n = c->fast_hits[d];
			const struct tlb *l1 = d ? &c->l1d : &c->l1i;

			if (!n)
				continue;
			*(d ? &c->st.data_accesses : &c->st.instructions) += n;
			(d ? &c->st.l1d : &c->st.l1i)->accesses += n;
			c->st.translation_cycles += n * l1->geo.latency;
			latency_add_n(&m->latency, LAT_L1_HIT, l1->geo.latency, n);
			c->fast_hits[d] = 0;
		}
	}
}

static void add_level(struct level_stats *a, const struct level_stats *b)
{
	a->accesses += b->accesses;
	a->misses += b->misses;
}

void mmu_totals(const struct mmu *m, struct core_stats *sum)
{
	memset(sum, 0, sizeof(*sum));
	for (unsigned i = 0; i < m->cfg.cores; i++) {
		const struct core_stats *s = &m->core[i].st;

		add_level(&sum->l1i, &s->l1i);
		add_level(&sum->l1d, &s->l1d);
		add_level(&sum->l2, &s->l2);
		sum->instructions += s->instructions;
		sum->data_accesses += s->data_accesses;
		sum->walks += s->walks;
		sum->walk_cycles += s->walk_cycles;
		sum->translation_cycles += s->translation_cycles;
		sum->tlbi_entries += s->tlbi_entries;
		for (int k = 0; k < MMU_NR_FAULTS; k++)
			sum->faults[k] += s->faults[k];
		for (int k = 0; k < TLBI_NR_OPS; k++)
			sum->tlbi[k] += s->tlbi[k];
	}
}
