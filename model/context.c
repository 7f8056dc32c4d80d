// SPDX-License-Identifier: MIT
/*
 * The arm64 ASID allocator (arch/arm64/mm/context.c): mm->context.id holds
 * a generation (multiples of 1 << 16) and an ASID; ASIDs are handed out
 * upwards from the last one, never freed; when none is left the generation
 * rolls over, each cpu's running ASID stays reserved, and every cpu flushes
 * its own TLB (VMALLE1, not broadcast) at its next slow-path switch.
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define ASID_FIRST_VERSION (1ULL << 16)

static uint64_t num_asids(const struct asid_allocator *a)
{
	return 1ULL << a->bits;
}

static uint64_t ctxid2asid(const struct asid_allocator *a, uint64_t id)
{
	return id & (num_asids(a) - 1);
}

static bool gen_match(const struct asid_allocator *a, uint64_t id)
{
	return !((id ^ a->generation) >> a->bits);
}

static bool test_and_set(uint64_t *map, uint64_t bit)
{
	bool was = map[bit / 64] >> (bit % 64) & 1;

	map[bit / 64] |= 1ULL << (bit % 64);
	return was;
}

static uint64_t find_next_zero(const struct asid_allocator *a, uint64_t from)
{
	for (uint64_t i = from; i < num_asids(a); i++)
		if (!(a->map[i / 64] >> (i % 64) & 1))
			return i;
	return num_asids(a);
}

/* set_reserved_asid_bits: KPTI's odd ASIDs in the first generation only */
static void set_reserved_asid_bits(struct asid_allocator *a, bool kpti_pattern)
{
	memset(a->map, kpti_pattern ? 0xaa : 0, num_asids(a) / 8);
}

int asid_init(struct asid_allocator *a, unsigned bits, unsigned nr_cpus)
{
	(void)nr_cpus;
	memset(a, 0, sizeof(*a));
	if (bits != 8 && bits != 16)
		return -1;
	a->bits = bits;
	a->generation = ASID_FIRST_VERSION;
	a->cur_idx = 1;
	a->map = calloc(num_asids(a) / 64, sizeof(uint64_t));
	return a->map ? 0 : -1;
}

void asid_free(struct asid_allocator *a)
{
	free(a->map);
	a->map = NULL;
}

static void flush_context(struct os *os)
{
	struct asid_allocator *a = &os->asids;

	set_reserved_asid_bits(a, false);
	for (unsigned cpu = 0; cpu < os->cfg.nr_cpus; cpu++) {
		uint64_t asid = a->active[cpu];

		a->active[cpu] = 0;
		if (!asid) /* rolled over before, and not switched since */
			asid = a->reserved[cpu];
		test_and_set(a->map, ctxid2asid(a, asid));
		a->reserved[cpu] = asid;
	}
	a->flush_pending = (os->cfg.nr_cpus >= 64) ? ~0ULL : (1ULL << os->cfg.nr_cpus) - 1;
	a->rollovers++;
}

static bool check_update_reserved_asid(struct os *os, uint64_t asid, uint64_t newasid)
{
	bool hit = false;

	for (unsigned cpu = 0; cpu < os->cfg.nr_cpus; cpu++) {
		if (os->asids.reserved[cpu] == asid) {
			hit = true;
			os->asids.reserved[cpu] = newasid;
		}
	}
	return hit;
}

static uint64_t new_context(struct os *os, struct mm_struct *mm)
{
	struct asid_allocator *a = &os->asids;
	uint64_t asid = mm->context.id;

	if (asid) {
		uint64_t newasid = ctxid2asid(a, asid) | a->generation;

		if (check_update_reserved_asid(os, asid, newasid))
			return newasid; /* it was running at the rollover */
		if (!test_and_set(a->map, ctxid2asid(a, asid)))
			return newasid; /* its number is still free */
	}
	asid = find_next_zero(a, a->cur_idx);
	if (asid == num_asids(a)) {
		a->generation += ASID_FIRST_VERSION;
		flush_context(os);
		asid = find_next_zero(a, 1);
	}
	test_and_set(a->map, asid);
	a->cur_idx = asid;
	return asid | a->generation;
}

void check_and_switch_context(struct os *os, struct mm_struct *mm, unsigned cpu)
{
	struct asid_allocator *a = &os->asids;
	uint64_t asid = mm->context.id;

	if (a->active[cpu] && gen_match(a, asid)) {
		a->active[cpu] = asid; /* fast path: no lock, no TLBI */
	} else {
		if (!gen_match(a, asid)) {
			asid = new_context(os, mm);
			mm->context.id = asid;
		}
		if (a->flush_pending >> cpu & 1) {
			a->flush_pending &= ~(1ULL << cpu);
			unsigned saved = os->cur_cpu;

			os->cur_cpu = cpu;
			os_emit_tlbi(os, TLBI_VMALLE1, false, 0); /* local_flush_tlb_all */
			os_emit_dsb(os, false);
			os->cur_cpu = saved;
		}
		a->active[cpu] = asid;
	}
	os->cpu[cpu].ttbr0 = page_to_phys(&os->pa, mm->pgd) | (uint64_t)mm_asid(os, mm) << 48;
}
