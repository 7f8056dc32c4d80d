// SPDX-License-Identifier: MIT
/*
 * Directed tests of TLBIs during a walk on the Verilated rtl/mmu_ptw.sv.
 * A hand-built page table maps VA 0x0000_0080_4020_1000 (index 1 at every
 * level) for ASID 1. A scenario changes one descriptor (the leaf, or the
 * table descriptor at L2, L1 or L0, or unmaps) and a TLBI covering the VA
 * goes out in the same cycle, at cycle k of a walk, for every k the walk
 * lasts (and once more between walks). DESIGN.md: a walk in flight when a
 * TLBI arrives must not deliver or cache a stale translation. So the walk
 * must return the new translation, and so must the next walk, which would
 * see any walk-cache entry that outlived the TLBI (a stale table pointer
 * leads to the old leaf). A read the walker issued before the change may
 * still answer with the old descriptor. Each runs with cold walk caches and
 * with warm ones (the VA walked once before: every level cached), at memory
 * latencies 1, 3 and 7. Expected translations are written out below.
 *
 * Leaf-only TLBIs (VALE1, RVALE1) need not drop walk-cache entries, so they
 * are only used in the scenarios that change the leaf itself.
 *
 * External aborts: the memory answers the read of the descriptor at level
 * L with an error. The Arm ARM reports a synchronous external abort on the
 * translation table walk at the level of the failed read, so the walk ends
 * there after L + 1 reads (cold walk caches), caching the table
 * descriptors of the levels above L and nothing of L; the next walk, the
 * memory healed, starts at L (4 - L reads) and finds the old translation.
 * And the shim's watchdog: a memory slower than its limit makes the walk
 * end with a named error instead of an answer.
 *
 *   rtl_ptw_directed            (built against the w48_wc4 walker)
 */
#include <stdio.h>
#include <string.h>

#include "../rtl/ptw_shim.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* 16 pages of physical memory from PA 0; reads past it see zeros */
static uint64_t mem[16 * 512];

/*
 * A read the walker issued before the descriptor changed may still bring
 * the old value: the memory port answers a read taken at cycle t at cycle
 * t + latency, so until cycle k + latency the changed slot reads old.
 */
static struct {
	bool on;
	uint64_t slot, old;
	unsigned now;  /* the cycle being clocked */
	unsigned last; /* the last cycle whose answer was taken before the change */
	unsigned answers; /* old values so delivered, over the whole run */
} in_flight;

/* the descriptor read answered with an error (external_abort), or none */
static uint64_t bad_pa = UINT64_MAX;

static bool rd_error(void *ctx, uint64_t pa)
{
	(void)ctx;
	return pa == bad_pa;
}

static uint64_t rd(void *ctx, uint64_t pa)
{
	(void)ctx;
	if (in_flight.on && pa == in_flight.slot && in_flight.now <= in_flight.last) {
		in_flight.answers++;
		return in_flight.old;
	}
	return pa / 8 < ARRAY_SIZE(mem) ? mem[pa / 8] : 0;
}

/*
 * VA 0x0000_0080_4020_1000: L0 index VA[47:39] = 1, L1 VA[38:30] = 1,
 * L2 VA[29:21] = 1, L3 VA[20:12] = 1, so every descriptor is at +8.
 * Table descriptors are PA | 0b11; pages PA | 0xc43 (nG, AF, AP[1] user,
 * page 0b11); the 2 MiB block PA | 0xc41 (block 0b01).
 */
#define VA 0x0000008040201000ULL
#define TTBR (0x1000ULL | 1ULL << 48) /* root at 0x1000, ASID 1 */

static void baseline(void)
{
	memset(mem, 0, sizeof(mem));
	mem[(0x1000 + 8) / 8] = 0x2003;	    /* L0 root[1] -> L1 table 0x2000 */
	mem[(0x2000 + 8) / 8] = 0x3003;	    /* L1[1] -> L2 table 0x3000 */
	mem[(0x3000 + 8) / 8] = 0x4003;	    /* L2[1] -> L3 table 0x4000 */
	mem[(0x4000 + 8) / 8] = 0x80000c43; /* L3[1]: page at PA 0x8000_0000 */
	/* tables only the changed descriptors point to */
	mem[(0x5000 + 8) / 8] = 0x90000c43; /* L3 table B: page 0x9000_0000 */
	mem[(0x6000 + 8) / 8] = 0x7003;	    /* L2 table C -> L3 table D */
	mem[(0x7000 + 8) / 8] = 0xa0000c43; /* L3 table D: page 0xa000_0000 */
	mem[(0x8000 + 8) / 8] = 0x9003;	    /* L1 table E -> L2 table F */
	mem[(0x9000 + 8) / 8] = 0xa003;	    /* L2 table F -> L3 table G */
	mem[(0xa000 + 8) / 8] = 0xb0000c43; /* L3 table G: page 0xb000_0000 */
}

struct expect {
	enum mmu_fault_kind fault;
	unsigned level;
	uint64_t pa_base; /* of the page or block, when there is no fault */
};

static const struct expect old_translation = { MMU_OK, 3, 0x80000000 };

struct scenario {
	const char *name;
	uint64_t slot;	/* PA of the descriptor changed */
	uint64_t desc;	/* its new value */
	struct expect want;
	bool leaf;	/* only the leaf changes: leaf-only TLBIs suffice */
};

static const struct scenario scenarios[] = {
	{ "leaf_remapped", 0x4008, 0xc0000c43, { MMU_OK, 3, 0xc0000000 }, true },
	{ "leaf_unmapped", 0x4008, 0, { MMU_FAULT_TRANSLATION, 3, 0 }, true },
	{ "l2_table_moved", 0x3008, 0x5003, { MMU_OK, 3, 0x90000000 }, false },
	{ "l2_block", 0x3008, 0x40000c41, { MMU_OK, 2, 0x40000000 }, false },
	{ "l1_table_moved", 0x2008, 0x6003, { MMU_OK, 3, 0xa0000000 }, false },
	{ "l1_unmapped", 0x2008, 0, { MMU_FAULT_TRANSLATION, 1, 0 }, false },
	{ "l0_table_moved", 0x1008, 0x8003, { MMU_OK, 3, 0xb0000000 }, false },
};

struct op {
	const char *name;
	enum tlbi_op op;
	uint64_t operand;
	bool leaf_only;
};

static const struct op ops[] = {
	/* ASID 1, VA>>12 = 0x8040201 */
	{ "VAE1", TLBI_VAE1, 0x0001000008040201ULL, false },
	/* any ASID */
	{ "VAAE1", TLBI_VAAE1, 0x0000000008040201ULL, false },
	{ "ASIDE1", TLBI_ASIDE1, 0x0001000000000000ULL, false },
	{ "VMALLE1", TLBI_VMALLE1, 0, false },
	/* ASID 1, TG 01, SCALE 0, NUM 0: 2 pages from BaseADDR 0x8040201 */
	{ "RVAE1", TLBI_RVAE1, 0x0001400008040201ULL, false },
	/* TG 01, SCALE 1, NUM 0: 64 pages from 0x80_4020_0000 */
	{ "RVAAE1", TLBI_RVAAE1, 0x0000500008040200ULL, false },
	{ "VALE1", TLBI_VALE1, 0x0001000008040201ULL, true },
	{ "RVALE1", TLBI_RVALE1, 0x0001400008040201ULL, true },
};

struct midwalk {
	const struct scenario *s;
	const struct op *o;
	unsigned at, latency;
	bool fired;
};

/*
 * The page-table update and its TLBI, in the same cycle k of the walk. The
 * hook of cycle c runs before cycle c + 1 is clocked; the TLBI goes out in
 * cycle k + 1 and reads taken up to cycle k may still answer with old data.
 */
static void hook(void *ctx, struct rtl_ptw *w, unsigned cycle)
{
	struct midwalk *m = ctx;

	in_flight.now = cycle + 1;
	if (cycle != m->at)
		return;
	in_flight.on = true;
	in_flight.slot = m->s->slot;
	in_flight.old = mem[m->s->slot / 8];
	in_flight.last = cycle + m->latency;
	mem[m->s->slot / 8] = m->s->desc;
	rtl_ptw_tlbi(w, m->o->op, m->o->operand);
	m->fired = true;
}

static const char *fault_name(enum mmu_fault_kind f)
{
	static const char *const names[] = { "ok", "translation fault", "access-flag fault",
					     "permission fault", "external abort" };

	return (unsigned)f < ARRAY_SIZE(names) ? names[f] : "?";
}

static bool matches(const struct walk_result *r, const struct expect *e)
{
	if (r->fault != e->fault || r->level != e->level)
		return false;
	return e->fault != MMU_OK ||
	       (r->t.pa_base == e->pa_base && r->t.level == e->level &&
		r->t.va_base == (VA & ~((1ULL << (12 + 9 * (3 - e->level))) - 1)) && r->t.asid == 1);
}

static const char *cur;

static bool check(const char *what, unsigned lat, bool warm, unsigned k,
		  const struct walk_result *r, const struct expect *e)
{
	if (matches(r, e))
		return true;
	printf("    %s: latency %u, %s walk caches, TLBI at cycle %u: %s: expected %s L%u pa %#llx, "
	       "got %s L%u pa %#llx\n",
	       cur, lat, warm ? "warm" : "cold", k, what, fault_name(e->fault), e->level,
	       (unsigned long long)e->pa_base, fault_name(r->fault), r->level,
	       (unsigned long long)r->t.pa_base);
	return false;
}

/*
 * One walk with the update and TLBI at its cycle k (or, when the walk ends
 * first, between it and the next walk), then the next walk. Sets *fired if
 * the TLBI hit the walk.
 */
static bool tlbi_at(const struct scenario *s, const struct op *o, unsigned lat, bool warm,
		    unsigned k, bool *fired)
{
	struct rtl_ptw *w = rtl_ptw_new(rd, NULL, lat);
	struct midwalk m = { s, o, k, lat, false };
	struct walk_result r;
	bool ok = true;

	baseline();
	if (warm) {
		rtl_ptw_walk(w, TTBR, VA, MMU_READ, &r, NULL, NULL);
		ok &= check("warm-up walk", lat, warm, k, &r, &old_translation);
	}
	rtl_ptw_walk(w, TTBR, VA, MMU_READ, &r, hook, &m);
	in_flight.on = false;
	if (m.fired) {
		ok &= check("the walk the TLBI hit", lat, warm, k, &r, &s->want);
	} else {
		ok &= check("the walk before the TLBI", lat, warm, k, &r, &old_translation);
		mem[s->slot / 8] = s->desc;
		rtl_ptw_tlbi(w, o->op, o->operand);
	}
	rtl_ptw_walk(w, TTBR, VA, MMU_READ, &r, NULL, NULL);
	ok &= check("the next walk", lat, warm, k, &r, &s->want);
	if (rtl_ptw_errors(w)) {
		printf("    %s: latency %u, TLBI at cycle %u: an RTL assertion failed\n", cur, lat,
		       k);
		ok = false;
	}
	rtl_ptw_free(w);
	*fired = m.fired;
	return ok;
}

/* Every cycle k of the walk, then once between walks; returns the runs, 0 on failure. */
static unsigned run_case(const struct scenario *s, const struct op *o)
{
	static const unsigned latencies[] = { 1, 3, 7 };
	unsigned runs = 0;

	for (unsigned i = 0; i < 2 * ARRAY_SIZE(latencies); i++) {
		unsigned lat = latencies[i / 2];
		bool warm = i % 2, fired = true;

		for (unsigned k = 1; fired; k++, runs++) {
			if (!tlbi_at(s, o, lat, warm, k, &fired))
				return 0;
		}
	}
	return runs;
}

static bool run(const struct scenario *s, const struct op *o)
{
	char name[64];
	unsigned before = in_flight.answers, runs;

	snprintf(name, sizeof(name), "%s_%s", s->name, o->name);
	cur = name;
	printf("[ RUN      ] rtl_ptw_directed %s\n", name);
	runs = run_case(s, o);
	if (!runs) {
		printf("    %s: TLBI %s %#018llx, descriptor at PA %#llx := %#llx\n", name, o->name,
		       (unsigned long long)o->operand, (unsigned long long)s->slot,
		       (unsigned long long)s->desc);
		printf("[  FAILED  ] rtl_ptw_directed %s\n", name);
		return false;
	}
	printf("[       OK ] rtl_ptw_directed %s (%u walks with a TLBI, %u stale reads in flight)\n",
	       name, runs, in_flight.answers - before);
	return true;
}

/* A walk whose read at level l fails, then one with the memory healed. */
static bool external_abort(unsigned l, unsigned lat)
{
	static const uint64_t slot[4] = { 0x1008, 0x2008, 0x3008, 0x4008 };
	struct rtl_ptw *w = rtl_ptw_new(rd, NULL, lat);
	struct rtl_ptw_counters c0, c1;
	const struct expect want = { MMU_FAULT_EXT_ABORT, l, 0 };
	struct walk_result r;
	bool ok;

	baseline();
	rtl_ptw_read_error(w, rd_error);
	bad_pa = slot[l];
	rtl_ptw_walk(w, TTBR, VA, MMU_WRITE, &r, NULL, NULL);
	rtl_ptw_counters(w, &c0);
	ok = check("the walk whose read fails", lat, false, 0, &r, &want) && c0.reads == l + 1;
	bad_pa = UINT64_MAX;
	rtl_ptw_walk(w, TTBR, VA, MMU_WRITE, &r, NULL, NULL);
	rtl_ptw_counters(w, &c1);
	ok = check("the next walk", lat, false, 0, &r, &old_translation) && ok &&
	     c1.reads - c0.reads == 4 - l && !rtl_ptw_errors(w);
	if (!ok)
		printf("    level %u, latency %u: %llu reads, then %llu (expected %u, %u)\n", l, lat,
		       (unsigned long long)c0.reads, (unsigned long long)(c1.reads - c0.reads), l + 1,
		       4 - l);
	rtl_ptw_free(w);
	return ok;
}

/* A memory slower than the watchdog: a named error, not an answer. */
static bool watchdog(void)
{
	struct rtl_ptw *w = rtl_ptw_new(rd, NULL, 2 * RTL_SHIM_LIMIT);
	struct walk_result r;
	unsigned cycles;
	bool ok;

	baseline();
	cycles = rtl_ptw_walk(w, TTBR, VA, MMU_READ, &r, NULL, NULL);
	ok = cycles == RTL_SHIM_STUCK &&
	     strstr(rtl_ptw_hang(w), "watchdog: walker: walk of VA 0x8040201000 (from cycle 2) "
				     "not done after 100000 cycles");
	if (!ok)
		printf("    returned %u, said '%s'\n", cycles, rtl_ptw_hang(w));
	rtl_ptw_free(w);
	return ok;
}

int main(void)
{
	unsigned n = 0, failed = 0;

	for (unsigned l = 0; l < 4; l++) {
		bool ok = true;

		cur = "external_abort";
		printf("[ RUN      ] rtl_ptw_directed external_abort_level%u\n", l);
		for (unsigned lat = 1; lat <= 7; lat += 3)
			ok &= external_abort(l, lat);
		printf("[%s] rtl_ptw_directed external_abort_level%u\n", ok ? "       OK " : "  FAILED  ", l);
		n++;
		failed += !ok;
	}
	printf("[ RUN      ] rtl_ptw_directed watchdog\n");
	n++;
	if (watchdog()) {
		printf("[       OK ] rtl_ptw_directed watchdog\n");
	} else {
		printf("[  FAILED  ] rtl_ptw_directed watchdog\n");
		failed++;
	}

	printf("[==========] rtl_ptw_directed: TLBIs during walks\n");
	for (unsigned i = 0; i < ARRAY_SIZE(scenarios); i++) {
		for (unsigned j = 0; j < ARRAY_SIZE(ops); j++) {
			if (ops[j].leaf_only && !scenarios[i].leaf)
				continue;
			n++;
			failed += !run(&scenarios[i], &ops[j]);
		}
	}
	printf("[==========] rtl_ptw_directed: %u test(s) run.\n", n);
	printf("[  PASSED  ] %u test(s).\n", n - failed);
	if (failed)
		printf("[  FAILED  ] %u test(s).\n", failed);
	return failed != 0;
}
