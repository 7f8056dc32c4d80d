// SPDX-License-Identifier: MIT
/*
 * The golden hierarchy's counting convention (cachegrind's), latencies,
 * TLBI reach across cores and the configuration parser, against
 * hand-computed figures.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../config.h"
#include "../mmu.h"

static struct mmu m;
static struct mmu_fault fault;

/* mmu_access, with the fast path's hits settled: the tests read st after each access */
static bool access_once(struct mmu *mm, unsigned core, uint8_t type, uint64_t va, unsigned size,
			uint16_t asid, bool count, struct mmu_fault *f)
{
	bool ok = mmu_access(mm, core, type, va, size, asid, count, f);

	mmu_settle(mm);
	return ok;
}

static void build(unsigned l1_entries, unsigned l2_entries, unsigned cores)
{
	struct sim_config c;

	config_defaults(&c);
	c.l1i = (struct tlb_geometry){ l1_entries, l1_entries, POLICY_LRU, 1 };
	c.l1d = c.l1i;
	c.l2 = (struct tlb_geometry){ l2_entries, l2_entries ? l2_entries : 1, POLICY_LRU, 6 };
	c.cores = cores;
	c.walk_latency = 40;
	assert_int_equal(mmu_init(&m, &c, identity_walk, &m.cfg), 0);
}

static void test_straddle(void **s)
{
	(void)s;
	build(4, 0, 1);
	const struct core_stats *st = &m.core[0].st;

	access_once(&m, 0, TR_LOAD, 0x1ffe, 4, 1, true, &fault); /* pages 1 and 2, both miss */
	assert_int_equal(st->l1d.accesses, 1);
	assert_int_equal(st->l1d.misses, 1);
	assert_int_equal(st->walks, 2);
	access_once(&m, 0, TR_LOAD, 0x1ffc, 8, 1, true, &fault); /* both hit */
	assert_int_equal(st->l1d.misses, 1);
	access_once(&m, 0, TR_STORE, 0x2ffe, 4, 1, true, &fault); /* page 2 hits, 3 misses */
	assert_int_equal(st->l1d.accesses, 3);
	assert_int_equal(st->l1d.misses, 2);
	assert_int_equal(st->walks, 3);
	assert_int_equal(st->l2.accesses, 0); /* no L2 */
	access_once(&m, 0, TR_LOAD, 0x3fff, 1, 1, true, &fault); /* last byte of page 3 only */
	assert_int_equal(st->l1d.misses, 2);
	mmu_free(&m);
}

/* The identity map, page 5 read-only. */
static void walk_page5_rdonly(void *ctx, unsigned core, uint64_t va, enum mmu_access acc,
			      struct walk_result *out)
{
	identity_walk(ctx, core, va, acc, out);
	if (va >> 12 == 5)
		out->t.attrs |= PTE_RDONLY;
}

/*
 * Hits on the page the L1 TLB hit last take the fast path (mmu_access):
 * LRU order, counts and faults as a lookup gives them. 2-entry LRU L1 D,
 * no L2; expected by hand.
 */
static void test_repeat_hits(void **s)
{
	static const struct {
		uint64_t page;
		bool miss;
	} seq[] = {
		{ 1, true },  { 2, true }, { 1, false }, { 1, false }, { 1, false },
		{ 3, true },  /* evicts 2, the least recently used */
		{ 1, false }, { 2, true }, /* evicts 3 */
		{ 3, true },               /* evicts 1 */
		{ 2, false }, { 2, false }, { 1, true },
	};
	unsigned misses = 0;

	(void)s;
	build(2, 0, 1);
	const struct core_stats *st = &m.core[0].st;

	for (unsigned i = 0; i < sizeof(seq) / sizeof(seq[0]); i++) {
		assert_true(access_once(&m, 0, TR_LOAD, seq[i].page << 12 | 0x10, 8, 1, true, &fault));
		misses += seq[i].miss;
		assert_int_equal(st->l1d.accesses, i + 1);
		assert_int_equal(st->l1d.misses, misses);
	}
	assert_int_equal(m.latency.h[LAT_L1_HIT].count, 12 - misses);
	assert_int_equal(st->translation_cycles, 12 * 1 + misses * 40);
	mmu_free(&m);

	/* a store to the read-only page just read hits, and faults */
	build(2, 0, 1);
	m.walk = walk_page5_rdonly;
	assert_true(access_once(&m, 0, TR_LOAD, 0x5008, 8, 1, true, &fault));
	assert_true(access_once(&m, 0, TR_LOAD, 0x5010, 8, 1, true, &fault));
	assert_false(access_once(&m, 0, TR_STORE, 0x5010, 8, 1, true, &fault));
	assert_int_equal(fault.kind, MMU_FAULT_PERMISSION);
	assert_int_equal(fault.va, 0x5010);
	assert_int_equal(st->l1d.accesses, 3);
	assert_int_equal(st->l1d.misses, 1);
	assert_int_equal(st->faults[MMU_FAULT_PERMISSION], 1);
	/* another ASID does not reuse the entry of the last hit: a walk */
	assert_true(access_once(&m, 0, TR_LOAD, 0x5018, 8, 2, true, &fault));
	assert_int_equal(st->walks, 2);
	mmu_free(&m);
}

/* Per-page latency by outcome: L1 1 cycle, L2 1 + 6, a walk 1 + 6 + 40. */
static void test_latency(void **s)
{
	(void)s;
	build(4, 8, 1);
	const struct latency_hist *h = m.latency.h;

	access_once(&m, 0, TR_LOAD, 0x1000, 8, 1, true, &fault); /* walk */
	access_once(&m, 0, TR_LOAD, 0x1008, 8, 1, true, &fault); /* L1 hit */
	for (uint64_t p = 2; p <= 5; p++)			 /* evicts 0x1000 from L1 */
		access_once(&m, 0, TR_LOAD, p << 12, 8, 1, true, &fault);
	access_once(&m, 0, TR_LOAD, 0x1010, 8, 1, true, &fault); /* L2 hit */
	assert_int_equal(h[LAT_WALK].count, 5);
	assert_int_equal(h[LAT_WALK].bins[47], 5);
	assert_int_equal(h[LAT_L1_HIT].count, 1);
	assert_int_equal(h[LAT_L1_HIT].bins[1], 1);
	assert_int_equal(h[LAT_L2_HIT].count, 1);
	assert_int_equal(h[LAT_L2_HIT].bins[7], 1);
	assert_int_equal(h[LAT_FAULT].count, 0);
	mmu_free(&m);

	/* without an L2 TLB a miss is a walk: 1 + 40 cycles */
	build(4, 0, 1);
	access_once(&m, 0, TR_LOAD, 0x1000, 8, 1, true, &fault);
	assert_int_equal(h[LAT_WALK].count, 1);
	assert_int_equal(h[LAT_WALK].bins[41], 1);
	assert_int_equal(h[LAT_L2_HIT].count, 0);
	mmu_free(&m);

	/* 1..100 cycles once each, and one page past the last bin */
	struct latency_stats st;

	memset(&st, 0, sizeof(st));
	for (uint64_t c = 1; c <= 100; c++)
		latency_add(&st, LAT_WALK, c);
	assert_int_equal(latency_percentile(&st.h[LAT_WALK], 50), 50);
	assert_int_equal(latency_percentile(&st.h[LAT_WALK], 90), 90);
	assert_int_equal(latency_percentile(&st.h[LAT_WALK], 99), 99);
	assert_int_equal(st.h[LAT_WALK].sum, 5050);
	latency_add(&st, LAT_WALK, 100000);
	assert_int_equal(st.h[LAT_WALK].max, 100000);
	assert_int_equal(st.h[LAT_WALK].bins[LATENCY_BINS - 1], 1);
	assert_int_equal(latency_percentile(&st.h[LAT_WALK], 100), LATENCY_BINS - 1);
	assert_int_equal(st.h[LAT_WALK].min, 1);
}

static void test_l2_once_per_record(void **s)
{
	(void)s;
	build(1, 8, 1);
	const struct core_stats *st = &m.core[0].st;

	/* 1-entry L1: page 2's fill evicts page 1; both walk */
	access_once(&m, 0, TR_LOAD, 0x1ffe, 4, 1, true, &fault);
	assert_int_equal(st->l1d.misses, 1);
	assert_int_equal(st->l2.accesses, 1);
	assert_int_equal(st->l2.misses, 1);
	assert_int_equal(st->walks, 2);
	assert_int_equal(st->translation_cycles, 2 * (1 + 6 + 40));
	/* page 1 is gone from L1 but in L2 */
	access_once(&m, 0, TR_LOAD, 0x1000, 8, 1, true, &fault);
	assert_int_equal(st->l1d.misses, 2);
	assert_int_equal(st->l2.accesses, 2);
	assert_int_equal(st->l2.misses, 1);
	assert_int_equal(st->walks, 2);
	assert_int_equal(st->translation_cycles, 2 * 47 + 7);
	/* L1 hit */
	access_once(&m, 0, TR_LOAD, 0x1008, 8, 1, true, &fault);
	assert_int_equal(st->translation_cycles, 2 * 47 + 7 + 1);
	mmu_free(&m);
}

static void test_kinds(void **s)
{
	(void)s;
	build(4, 16, 1);
	const struct core_stats *st = &m.core[0].st;

	access_once(&m, 0, TR_INSTR, 0x400000, 4, 1, true, &fault);
	access_once(&m, 0, TR_MODIFY, 0x400000, 8, 1, true, &fault); /* one data access */
	access_once(&m, 0, TR_INSTR, 0x400004, 4, 1, true, &fault);
	assert_int_equal(st->instructions, 2);
	assert_int_equal(st->data_accesses, 1);
	assert_int_equal(st->l1i.accesses, 2);
	assert_int_equal(st->l1i.misses, 1);
	assert_int_equal(st->l1d.accesses, 1);
	assert_int_equal(st->l1d.misses, 1);
	/* the I-side walk put the page in L2: the D-side finds it there */
	assert_int_equal(st->l2.accesses, 2);
	assert_int_equal(st->l2.misses, 1);
	assert_int_equal(st->walks, 1);
	mmu_free(&m);
}

static void test_huge_identity(void **s)
{
	(void)s;
	build(4, 0, 1);
	m.cfg.page_level = LEVEL_2M;
	const struct core_stats *st = &m.core[0].st;

	access_once(&m, 0, TR_LOAD, 0x200000, 8, 1, true, &fault);
	access_once(&m, 0, TR_LOAD, 0x3ff000, 8, 1, true, &fault);
	access_once(&m, 0, TR_LOAD, 0x3ffffc, 8, 1, true, &fault); /* into the next 2 MiB */
	assert_int_equal(st->l1d.accesses, 3);
	assert_int_equal(st->l1d.misses, 2);
	assert_int_equal(st->walks, 2);
	mmu_free(&m);
}

static void test_tlbi_reach(void **s)
{
	(void)s;
	build(4, 0, 3);
	for (unsigned c = 0; c < 3; c++)
		access_once(&m, c, TR_LOAD, 0x5000, 8, 1, true, &fault);
	struct tlbi local = { TLBI_VAE1, false, tlbi_vaddr(0x5000, 1, 0) };

	mmu_tlbi(&m, 1, &local);
	for (unsigned c = 0; c < 3; c++)
		access_once(&m, c, TR_LOAD, 0x5000, 8, 1, true, &fault);
	assert_int_equal(m.core[0].st.l1d.misses, 1);
	assert_int_equal(m.core[1].st.l1d.misses, 2);
	assert_int_equal(m.core[2].st.l1d.misses, 1);
	struct tlbi is = { TLBI_VAE1, true, tlbi_vaddr(0x5000, 1, 0) };

	mmu_tlbi(&m, 1, &is);
	for (unsigned c = 0; c < 3; c++) {
		access_once(&m, c, TR_LOAD, 0x5000, 8, 1, true, &fault);
		assert_int_equal(m.core[c].st.tlbi[TLBI_VAE1], c == 1 ? 2 : 1);
	}
	assert_int_equal(m.core[0].st.l1d.misses, 2);
	assert_int_equal(m.core[1].st.l1d.misses, 3);
	assert_int_equal(m.core[2].st.l1d.misses, 2);
	struct core_stats t;

	mmu_totals(&m, &t);
	assert_int_equal(t.l1d.misses, 7);
	assert_int_equal(t.tlbi_entries, 4);
	mmu_free(&m);
}

static void test_config_file(void **s)
{
	(void)s;
	char path[] = "/tmp/mmusim-cfg-XXXXXX";
	int fd = mkstemp(path);
	FILE *f = fdopen(fd, "w");
	struct sim_config c;
	char err[512];

	fputs("# geometry\nl1d.entries = 64\nl1d.ways=4 # inline\n\nl2.policy = plru\n"
	      "l2.entries = 1024\nl2.ways = 8\ncores = 4\nseed = 0x10\n",
	      f);
	fclose(f);
	config_defaults(&c);
	assert_int_equal(config_load(&c, path, err, sizeof(err)), 0);
	assert_int_equal(c.l1d.entries, 64);
	assert_int_equal(c.l1d.ways, 4);
	assert_int_equal(c.l2.policy, POLICY_PLRU);
	assert_int_equal(c.cores, 4);
	assert_int_equal(c.seed, 16);
	assert_int_equal(config_check(&c, err, sizeof(err)), 0);

	f = fopen(path, "w");
	fputs("cores = 2\nl1i.policy = mru\n", f);
	fclose(f);
	assert_int_equal(config_load(&c, path, err, sizeof(err)), -1);
	assert_non_null(strstr(err, ":2: l1i.policy: unknown policy 'mru'"));
	assert_non_null(strstr(err, path));
	f = fopen(path, "w");
	fputs("cores 2\n", f);
	fclose(f);
	assert_int_equal(config_load(&c, path, err, sizeof(err)), -1);
	assert_non_null(strstr(err, ":1: expected 'key = value'"));
	unlink(path);
	assert_int_equal(config_load(&c, path, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "cannot open"));
}

static void test_config_values(void **s)
{
	(void)s;
	struct sim_config c;
	char err[512];

	config_defaults(&c);
	assert_int_equal(config_set(&c, "cores", "0", err, sizeof(err)), -1);
	assert_int_equal(config_set(&c, "cores", "65", err, sizeof(err)), -1);
	assert_int_equal(config_set(&c, "l2.entries", "-1", err, sizeof(err)), -1);
	assert_int_equal(config_set(&c, "l2.entries", "12x", err, sizeof(err)), -1);
	assert_int_equal(config_set(&c, "l3.entries", "12", err, sizeof(err)), -1);
	assert_non_null(strstr(err, "unknown key 'l3.entries'"));
	assert_int_equal(config_set(&c, "page_size", "16k", err, sizeof(err)), -1);
	assert_int_equal(config_set(&c, "l1i.entries", "64", err, sizeof(err)), 0);
	assert_int_equal(config_check(&c, err, sizeof(err)), -1); /* 64 % 48 ways */
	assert_non_null(strstr(err, "l1i (64 entries, 48 ways)"));
	assert_int_equal(config_set(&c, "l1i.ways", "64", err, sizeof(err)), 0);
	assert_int_equal(config_set(&c, "l2.entries", "0", err, sizeof(err)), 0);
	assert_int_equal(config_check(&c, err, sizeof(err)), 0);
	assert_int_equal(config_set(&c, "l1d.entries", "0", err, sizeof(err)), 0);
	assert_int_equal(config_check(&c, err, sizeof(err)), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_straddle),      cmocka_unit_test(test_l2_once_per_record),
		cmocka_unit_test(test_kinds),	      cmocka_unit_test(test_huge_identity),
		cmocka_unit_test(test_tlbi_reach),    cmocka_unit_test(test_config_file),
		cmocka_unit_test(test_config_values), cmocka_unit_test(test_latency),
		cmocka_unit_test(test_repeat_hits),
	};

	return cmocka_run_group_tests_name("mmu", tests, NULL, NULL);
}
