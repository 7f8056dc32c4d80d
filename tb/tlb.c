// SPDX-License-Identifier: MIT
#include "tlb.h"

#include <stdlib.h>
#include <string.h>

const char *const tlb_policy_names[4] = { "lru", "plru", "fifo", "random" };

int tlb_policy_parse(const char *s, enum tlb_policy *out)
{
	for (unsigned i = 0; i < 4; i++) {
		if (!strcmp(s, tlb_policy_names[i])) {
			*out = (enum tlb_policy)i;
			return 0;
		}
	}
	return -1;
}

static bool is_pow2(unsigned x)
{
	return x && !(x & (x - 1));
}

const char *tlb_geometry_error(const struct tlb_geometry *g)
{
	if (g->entries == 0)
		return NULL;
	if (g->ways == 0 || g->ways > g->entries)
		return "ways must be between 1 and entries";
	if (g->entries % g->ways)
		return "entries must be a multiple of ways";
	if (!is_pow2(g->entries / g->ways))
		return "the number of sets (entries / ways) must be a power of two";
	if (g->policy == POLICY_PLRU && !is_pow2(g->ways))
		return "plru needs a power-of-two number of ways";
	return NULL;
}

int tlb_init(struct tlb *t, const struct tlb_geometry *g, uint64_t seed)
{
	memset(t, 0, sizeof(*t));
	t->geo = *g;
	t->gen = 1; /* recent[] starts at generation 0: empty */
	if (g->entries == 0)
		return 0;
	if (tlb_geometry_error(g))
		return -1;
	t->sets = g->entries / g->ways;
	t->e = calloc(g->entries, sizeof(*t->e));
	t->plru = calloc((size_t)t->sets * g->ways, 1);
	/* splitmix64 of the seed: distinct, nonzero xorshift states per TLB. */
	seed += 0x9e3779b97f4a7c15ULL;
	seed = (seed ^ (seed >> 30)) * 0xbf58476d1ce4e5b9ULL;
	seed = (seed ^ (seed >> 27)) * 0x94d049bb133111ebULL;
	t->rng = (seed ^ (seed >> 31)) | 1;
	if (!t->e || !t->plru) {
		tlb_free(t);
		return -1;
	}
	return 0;
}

void tlb_free(struct tlb *t)
{
	free(t->e);
	free(t->plru);
	t->e = NULL;
	t->plru = NULL;
}

static uint64_t xorshift64(uint64_t *s)
{
	uint64_t x = *s;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	*s = x;
	return x;
}

/* Tree-PLRU: node bit 0 sends the victim search left, 1 right. */
static void plru_touch(struct tlb *t, unsigned set, unsigned way)
{
	uint8_t *tree = t->plru + (size_t)set * t->geo.ways;

	for (unsigned n = t->geo.ways + way; n > 1; n >>= 1)
		tree[n >> 1] = !(n & 1); /* point away from the child just used */
}

static unsigned plru_victim(const struct tlb *t, unsigned set)
{
	const uint8_t *tree = t->plru + (size_t)set * t->geo.ways;
	unsigned n = 1;

	while (n < t->geo.ways)
		n = 2 * n + tree[n];
	return n - t->geo.ways;
}

static void touch(struct tlb *t, unsigned set, unsigned way, bool fill)
{
	struct tlb_entry *e = &t->e[(size_t)set * t->geo.ways + way];

	switch (t->geo.policy) {
	case POLICY_LRU:
		e->stamp = ++t->clock;
		break;
	case POLICY_FIFO:
		if (fill)
			e->stamp = ++t->clock;
		break;
	case POLICY_PLRU:
		plru_touch(t, set, way);
		break;
	case POLICY_RANDOM:
		break;
	}
}

static unsigned set_of(const struct tlb *t, uint64_t va, unsigned level)
{
	return (unsigned)(va >> level_shift((enum page_level)level)) & (t->sets - 1);
}

static bool entry_maps(const struct tlb_entry *e, uint64_t va, uint16_t asid)
{
	uint64_t mask = ~((1ULL << level_shift((enum page_level)e->t.level)) - 1);

	return e->valid && (va & mask) == e->t.va_base &&
	       (e->t.global || e->t.asid == asid);
}

const struct tlb_entry *tlb_lookup_recent(struct tlb *t, uint64_t va, uint16_t asid)
{
	uint64_t page = va >> PAGE_SHIFT;

	if (t->memo && t->memo_page == page && t->memo_asid == asid)
		return t->memo; /* the most recently used already */
	struct tlb_recent *r = &t->recent[page & (TLB_RECENT - 1)];

	if (r->gen == t->gen && r->page == page && r->asid == asid) {
		size_t i = (size_t)(r->e - t->e);

		touch(t, (unsigned)(i / t->geo.ways), (unsigned)(i % t->geo.ways), false);
		t->memo = r->e;
		t->memo_page = page;
		t->memo_asid = asid;
		return r->e;
	}
	return NULL;
}

const struct tlb_entry *tlb_lookup(struct tlb *t, uint64_t va, uint16_t asid)
{
	uint64_t page = va >> PAGE_SHIFT;
	const struct tlb_entry *hit = tlb_lookup_recent(t, va, asid);

	if (hit)
		return hit;
	struct tlb_recent *r = &t->recent[page & (TLB_RECENT - 1)];

	for (unsigned level = LEVEL_4K; level >= LEVEL_1G && t->e; level--) {
		if (!t->held[level])
			continue;
		unsigned set = set_of(t, va, level);
		struct tlb_entry *row = &t->e[(size_t)set * t->geo.ways];

		for (unsigned w = 0; w < t->geo.ways; w++) {
			if (row[w].t.level == level && entry_maps(&row[w], va, asid)) {
				touch(t, set, w, false);
				t->memo = &row[w];
				t->memo_page = page;
				t->memo_asid = asid;
				*r = (struct tlb_recent){ page, t->gen, asid, &row[w] };
				return &row[w];
			}
		}
	}
	return NULL;
}

static unsigned pick_victim(struct tlb *t, unsigned set)
{
	struct tlb_entry *row = &t->e[(size_t)set * t->geo.ways];
	unsigned victim = 0;

	for (unsigned w = 0; w < t->geo.ways; w++)
		if (!row[w].valid)
			return w;
	switch (t->geo.policy) {
	case POLICY_LRU:
	case POLICY_FIFO:
		for (unsigned w = 1; w < t->geo.ways; w++)
			if (row[w].stamp < row[victim].stamp)
				victim = w;
		return victim;
	case POLICY_PLRU:
		return plru_victim(t, set);
	case POLICY_RANDOM:
		return (unsigned)(xorshift64(&t->rng) % t->geo.ways);
	}
	return 0;
}

void tlb_fill(struct tlb *t, const struct translation *tr)
{
	if (!t->e)
		return;
	t->memo = NULL;
	t->gen++;
	unsigned set = set_of(t, tr->va_base, tr->level);
	unsigned way = pick_victim(t, set);
	struct tlb_entry *e = &t->e[(size_t)set * t->geo.ways + way];

	if (e->valid)
		t->held[e->t.level]--;
	e->t = *tr;
	e->valid = true;
	t->held[tr->level]++;
	touch(t, set, way, true);
}

static bool selected(const struct tlb_entry *e, const struct tlbi_target *x)
{
	if (x->all)
		return true;
	if (x->asid_only)
		return !e->t.global && e->t.asid == x->asid;
	if (!x->any_asid && !e->t.global && e->t.asid != x->asid)
		return false;
	if (x->level && x->level != e->t.level)
		return false;
	uint64_t last = e->t.va_base + (1ULL << level_shift((enum page_level)e->t.level)) - 1;

	return e->t.va_base <= x->va_last && last >= x->va_start;
}

unsigned tlb_invalidate(struct tlb *t, const struct tlbi_target *target)
{
	unsigned n = 0;

	t->memo = NULL;
	t->gen++;
	for (unsigned i = 0; i < t->geo.entries; i++) {
		struct tlb_entry *e = &t->e[i];

		if (e->valid && selected(e, target)) {
			e->valid = false;
			t->held[e->t.level]--;
			n++;
		}
	}
	return n;
}

unsigned tlb_valid_entries(const struct tlb *t)
{
	return t->held[1] + t->held[2] + t->held[3];
}
