// SPDX-License-Identifier: MIT
/*
 * The golden TLB against hand-computed sequences: replacement policies,
 * indexing, ASIDs, page sizes and every TLBI operation of DESIGN.md.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "../tlb.h"

#define KB4 0x1000ULL
#define MB2 0x200000ULL
#define GB1 0x40000000ULL

static struct translation page(uint64_t va, uint16_t asid, bool global, unsigned level)
{
	uint64_t size = 1ULL << level_shift((enum page_level)level);

	return (struct translation){ .va_base = va & ~(size - 1),
				     .pa_base = va & ~(size - 1),
				     .level = (uint8_t)level,
				     .global = global,
				     .asid = asid };
}

static void make(struct tlb *t, unsigned entries, unsigned ways, enum tlb_policy p)
{
	struct tlb_geometry g = { entries, ways, p, 1 };

	assert_int_equal(tlb_init(t, &g, 42), 0);
}

/* Looks va up as asid 1; on a miss fills it. Returns 1 for a hit. */
static int ref(struct tlb *t, uint64_t vpn)
{
	if (tlb_lookup(t, vpn * KB4, 1))
		return 1;
	struct translation tr = page(vpn * KB4, 1, false, LEVEL_4K);

	tlb_fill(t, &tr);
	return 0;
}

static int present(struct tlb *t, uint64_t va, uint16_t asid)
{
	/* a probe that must not disturb anything the test checks later */
	return tlb_lookup(t, va, asid) != NULL;
}

/* One set of 4 ways; pages A..E = 1..5. Reference A B C D A E, then probe. */
static void policy_sequence(enum tlb_policy p, uint64_t evicted)
{
	struct tlb t;

	make(&t, 4, 4, p);
	for (uint64_t v = 1; v <= 4; v++)
		assert_int_equal(ref(&t, v), 0);
	assert_int_equal(ref(&t, 1), 1);
	assert_int_equal(ref(&t, 5), 0);
	for (uint64_t v = 1; v <= 5; v++)
		assert_int_equal(present(&t, v * KB4, 1), v != evicted);
	tlb_free(&t);
}

/* LRU: B is least recently used. */
static void test_lru(void **s)
{
	(void)s;
	policy_sequence(POLICY_LRU, 2);
}

/*
 * Tree-PLRU over ways 0..3 = A..D: touching A (way 0) points the root
 * right; the right node last saw D (way 3) and points left: victim C.
 */
static void test_plru(void **s)
{
	(void)s;
	policy_sequence(POLICY_PLRU, 3);
}

/* FIFO: A was filled first; the hit on A does not save it. */
static void test_fifo(void **s)
{
	(void)s;
	policy_sequence(POLICY_FIFO, 1);
}

/* A longer LRU trace, 2 ways, hand-simulated: hits marked 1. */
static void test_lru_longer(void **s)
{
	(void)s;
	struct tlb t;
	/* set 0 only (1 set of 2 ways): 1 2 1 3 2 1 3 3 */
	const uint64_t seq[] = { 1, 2, 1, 3, 2, 1, 3, 3 };
	/* LRU state after each: [1] [1,2] 1hit [1,3](2 out) 2miss:[3,2](1 out)
	 * 1miss:[2,1](3 out) 3miss:[1,3](2 out) 3hit */
	const int hit[] = { 0, 0, 1, 0, 0, 0, 0, 1 };

	make(&t, 2, 2, POLICY_LRU);
	for (size_t i = 0; i < 8; i++)
		assert_int_equal(ref(&t, seq[i]), hit[i]);
	tlb_free(&t);
}

/* PLRU with 8 ways, hand-walked tree. */
static void test_plru_8way(void **s)
{
	(void)s;
	struct tlb t;

	make(&t, 8, 8, POLICY_PLRU);
	for (uint64_t v = 10; v < 18; v++) /* pages 10..17 in ways 0..7 */
		ref(&t, v);
	/*
	 * After the fills (ways 0..7 in order) every node points at the left
	 * half it did not see last. Touching way 0 sets node4 -> way 1,
	 * node2 -> node5, root -> node3; touching way 4 sets node6 -> way 5,
	 * node3 -> node7, root -> node2. The victim: root -> node2 -> node5,
	 * which still points left, at way 2: page 12.
	 */
	ref(&t, 10);
	ref(&t, 14);
	ref(&t, 30);
	assert_false(present(&t, 12 * KB4, 1));
	for (uint64_t v = 10; v < 18; v++)
		if (v != 12)
			assert_true(present(&t, v * KB4, 1));
	tlb_free(&t);
}

static void test_random_seeded(void **s)
{
	(void)s;
	struct tlb a, b;
	unsigned evicted[4] = { 0 };

	make(&a, 4, 4, POLICY_RANDOM);
	make(&b, 4, 4, POLICY_RANDOM);
	/* invalid ways first: four fills, nothing evicted */
	for (uint64_t v = 1; v <= 4; v++) {
		ref(&a, v);
		ref(&b, v);
	}
	for (uint64_t v = 1; v <= 4; v++)
		assert_true(present(&a, v * KB4, 1));
	for (uint64_t v = 100; v < 1100; v++) {
		ref(&a, v);
		ref(&b, v);
		/* same seed, same victims: the two stay identical */
		for (unsigned w = 0; w < 4; w++) {
			assert_int_equal(a.e[w].t.va_base, b.e[w].t.va_base);
			if (a.e[w].t.va_base == v * KB4)
				evicted[w]++;
		}
	}
	for (unsigned w = 0; w < 4; w++)
		assert_true(evicted[w] > 150); /* every way gets picked */
	tlb_free(&a);
	tlb_free(&b);
}

/* 8 entries, 2 ways: 4 sets, set = VPN mod 4. */
static void test_set_index(void **s)
{
	(void)s;
	struct tlb t;

	make(&t, 8, 2, POLICY_LRU);
	ref(&t, 0);
	ref(&t, 4);
	ref(&t, 1); /* set 1: no effect on set 0 */
	ref(&t, 8); /* set 0 full: evicts 0 */
	assert_false(present(&t, 0, 1));
	assert_true(present(&t, 4 * KB4, 1));
	assert_true(present(&t, 8 * KB4, 1));
	assert_true(present(&t, 1 * KB4, 1));
	tlb_free(&t);
}

static void test_geometry_errors(void **s)
{
	(void)s;
	struct tlb_geometry g = { 48, 5, POLICY_LRU, 1 };

	assert_non_null(tlb_geometry_error(&g)); /* 48 % 5 */
	g = (struct tlb_geometry){ 48, 16, POLICY_LRU, 1 };
	assert_non_null(tlb_geometry_error(&g)); /* 3 sets */
	g = (struct tlb_geometry){ 48, 48, POLICY_PLRU, 1 };
	assert_non_null(tlb_geometry_error(&g)); /* plru needs 2^n ways */
	g = (struct tlb_geometry){ 1280, 5, POLICY_LRU, 1 };
	assert_null(tlb_geometry_error(&g));
	g = (struct tlb_geometry){ 64, 64, POLICY_PLRU, 1 };
	assert_null(tlb_geometry_error(&g));
}

static void fill(struct tlb *t, uint64_t va, uint16_t asid, bool global, unsigned level)
{
	struct translation tr = page(va, asid, global, level);

	tlb_fill(t, &tr);
}

static void test_asid_and_global(void **s)
{
	(void)s;
	struct tlb t;

	make(&t, 16, 16, POLICY_LRU);
	fill(&t, 0x1000, 1, false, LEVEL_4K);
	fill(&t, 0x2000, 0, true, LEVEL_4K);
	assert_true(present(&t, 0x1000, 1));
	assert_false(present(&t, 0x1000, 2));
	assert_true(present(&t, 0x2000, 7)); /* global: any ASID */
	assert_true(present(&t, 0x2fff, 1));
	assert_false(present(&t, 0x3000, 1));
	tlb_free(&t);
}

static void test_superpages(void **s)
{
	(void)s;
	struct tlb t;

	make(&t, 8, 2, POLICY_LRU);
	fill(&t, 0x40000000 + 3 * MB2, 1, false, LEVEL_2M);
	fill(&t, 5 * GB1, 1, false, LEVEL_1G);
	assert_true(present(&t, 0x40000000 + 3 * MB2, 1));
	assert_true(present(&t, 0x40000000 + 4 * MB2 - 1, 1));
	assert_false(present(&t, 0x40000000 + 4 * MB2, 1));
	assert_false(present(&t, 0x40000000 + 3 * MB2 - 1, 1));
	assert_true(present(&t, 5 * GB1 + 0x3fffffff, 1));
	assert_false(present(&t, 6 * GB1, 1));
	assert_int_equal(tlb_valid_entries(&t), 2);
	tlb_free(&t);
}

/* Entries used by the TLBI tests. */
enum { E_A1, E_A2, E_G, E_B1, E_BLK, NR_E };
static const uint64_t VA_A = 0x12345000, VA_B = 0x7000;
static const uint64_t VA_BLK = 0x80000000; /* a 2 MiB block, asid 1 */

static void setup(struct tlb *t)
{
	make(t, 64, 64, POLICY_LRU);
	fill(t, VA_A, 1, false, LEVEL_4K);	 /* E_A1 */
	fill(t, VA_A, 2, false, LEVEL_4K);	 /* E_A2 */
	fill(t, VA_A + 0x1000, 0, true, LEVEL_4K); /* E_G: global */
	fill(t, VA_B, 1, false, LEVEL_4K);	 /* E_B1 */
	fill(t, VA_BLK, 1, false, LEVEL_2M);	 /* E_BLK */
}

static unsigned run_tlbi(struct tlb *t, enum tlbi_op op, uint64_t operand)
{
	struct tlbi x = { op, false, operand };
	struct tlbi_target target;

	tlbi_decode(&x, &target);
	return tlb_invalidate(t, &target);
}

/* which of the five entries survive: bits E_* */
static unsigned survivors(struct tlb *t)
{
	unsigned m = 0;

	m |= present(t, VA_A, 1) && !present(t, VA_A, 9) ? 1u << E_A1 : 0;
	m |= present(t, VA_A, 2) ? 1u << E_A2 : 0;
	m |= present(t, VA_A + 0x1000, 9) ? 1u << E_G : 0;
	m |= present(t, VA_B, 1) ? 1u << E_B1 : 0;
	m |= present(t, VA_BLK + 0x1234, 1) ? 1u << E_BLK : 0;
	return m;
}

#define ALL ((1u << NR_E) - 1)
#define BIT(e) (1u << (e))

static void check(enum tlbi_op op, uint64_t operand, unsigned expect_left)
{
	struct tlb t;

	setup(&t);
	assert_int_equal(survivors(&t), ALL);
	unsigned n = run_tlbi(&t, op, operand);

	assert_int_equal(survivors(&t), expect_left);
	assert_int_equal(n, NR_E - __builtin_popcount(expect_left));
	tlb_free(&t);
}

static void test_tlbi_vmalle1(void **s)
{
	(void)s;
	check(TLBI_VMALLE1, 0, 0);
}

static void test_tlbi_aside1(void **s)
{
	(void)s;
	/* non-global entries of ASID 1 only */
	check(TLBI_ASIDE1, tlbi_asid(1), BIT(E_A2) | BIT(E_G));
	check(TLBI_ASIDE1, tlbi_asid(2), ALL & ~BIT(E_A2));
	check(TLBI_ASIDE1, tlbi_asid(3), ALL);
}

static void test_tlbi_vae1(void **s)
{
	(void)s;
	/* VA_A, ASID 1: asid-1 entry only, not asid 2's */
	check(TLBI_VAE1, tlbi_vaddr(VA_A, 1, 0), ALL & ~BIT(E_A1));
	/* global entry goes whatever ASID is named */
	check(TLBI_VAE1, tlbi_vaddr(VA_A + 0x1000, 5, 0), ALL & ~BIT(E_G));
	/* an address inside the 2 MiB block hits the block */
	check(TLBI_VAE1, tlbi_vaddr(VA_BLK + 0x1ff000, 1, 0), ALL & ~BIT(E_BLK));
	/* another ASID leaves the block */
	check(TLBI_VAE1, tlbi_vaddr(VA_BLK, 2, 0), ALL);
}

static void test_tlbi_vale1(void **s)
{
	(void)s;
	/* TLB entries are all leaves: same selection as VAE1 */
	check(TLBI_VALE1, tlbi_vaddr(VA_A, 2, 0), ALL & ~BIT(E_A2));
	check(TLBI_VALE1, tlbi_vaddr(VA_B, 1, 0), ALL & ~BIT(E_B1));
}

static void test_tlbi_vaae1(void **s)
{
	(void)s;
	/* every ASID at VA_A */
	check(TLBI_VAAE1, tlbi_vaddr(VA_A, 0, 0), ALL & ~BIT(E_A1) & ~BIT(E_A2));
	check(TLBI_VAALE1, tlbi_vaddr(VA_BLK + 0x5000, 0, 0), ALL & ~BIT(E_BLK));
}

static void test_tlbi_ttl(void **s)
{
	(void)s;
	/* TTL = 4 KiB granule, level 3: the 2 MiB block (level 2) may stay */
	check(TLBI_VAE1, tlbi_vaddr(VA_BLK, 1, TLBI_TTL_4K_LEVEL(3)), ALL);
	check(TLBI_VAE1, tlbi_vaddr(VA_BLK, 1, TLBI_TTL_4K_LEVEL(2)), ALL & ~BIT(E_BLK));
	/* level 0 with the 4 KiB granule is no hint: invalidate */
	check(TLBI_VAE1, tlbi_vaddr(VA_BLK, 1, TLBI_TTL_4K_LEVEL(0)), ALL & ~BIT(E_BLK));
	check(TLBI_VAE1, tlbi_vaddr(VA_A, 1, TLBI_TTL_4K_LEVEL(3)), ALL & ~BIT(E_A1));
}

static void test_tlbi_operand_encoding(void **s)
{
	(void)s;
	/* hand-assembled: BaseADDR 0x400, TTL 3 <<37, NUM 3 <<39, SCALE 1 <<44,
	 * TG 1 <<46, ASID 5 <<48 */
	assert_int_equal(tlbi_vaddr_range(0x400000, 5, 1, 3, 3), 0x551e000000400ULL);
	/* upper-half VA: VA[55:12] in [43:0], TTL 3 <<44, ASID 7 <<48 */
	assert_int_equal(tlbi_vaddr(0xffff800000001000ULL, 7, 3), 0x73ff800000001ULL);
	assert_int_equal(tlbi_range_pages(0, 0), 2);
	assert_int_equal(tlbi_range_pages(1, 0), 64);
	assert_int_equal(tlbi_range_pages(2, 0), 2048);
	assert_int_equal(tlbi_range_pages(3, 31), 2097152);

	struct tlbi x = { TLBI_VAE1, false, tlbi_vaddr(0xffff800000001000ULL, 7, 0) };
	struct tlbi_target t;

	tlbi_decode(&x, &t);
	assert_int_equal(t.va_start, 0xffff800000001000ULL);
	assert_int_equal(t.asid, 7);
}

/* Range edges: entries at base-1, base, base+pages-1, base+pages. */
static void range_edges(enum tlbi_op op, unsigned scale, unsigned num, unsigned ttl)
{
	struct tlb t;
	const uint64_t base = 0x100000000ULL; /* 4 GiB */
	uint64_t pages = tlbi_range_pages(scale, num);
	const uint64_t at[4] = { base - KB4, base, base + (pages - 1) * KB4, base + pages * KB4 };

	make(&t, 8, 8, POLICY_LRU);
	for (int i = 0; i < 4; i++)
		fill(&t, at[i], 3, false, LEVEL_4K);
	unsigned n = run_tlbi(&t, op, tlbi_vaddr_range(base, 3, scale, num, ttl));

	assert_int_equal(n, ttl == 2 ? 0 : 2);
	assert_true(present(&t, at[0], 3));
	assert_int_equal(present(&t, at[1], 3), ttl == 2);
	assert_int_equal(present(&t, at[2], 3), ttl == 2);
	assert_true(present(&t, at[3], 3));
	tlb_free(&t);
}

static void test_tlbi_range_edges(void **s)
{
	(void)s;
	for (unsigned scale = 0; scale < 4; scale++) {
		range_edges(TLBI_RVAE1, scale, 0, 0);
		range_edges(TLBI_RVAE1, scale, 31, 0);
		range_edges(TLBI_RVALE1, scale, 7, 3); /* TTL level 3: the pages */
		range_edges(TLBI_RVAAE1, scale, 1, 0);
		range_edges(TLBI_RVAALE1, scale, 30, 2); /* level 2: spares 4 KiB */
	}
}

static void test_tlbi_range_asids(void **s)
{
	(void)s;
	/* 2 pages from VA_A: E_A1 (asid 1) and E_G (global, VA_A+4K) */
	check(TLBI_RVAE1, tlbi_vaddr_range(VA_A, 1, 0, 0, 0), ALL & ~BIT(E_A1) & ~BIT(E_G));
	/* every ASID */
	check(TLBI_RVAAE1, tlbi_vaddr_range(VA_A, 0, 0, 0, 0), BIT(E_B1) | BIT(E_BLK));
	/* a range ending inside the block still hits it */
	check(TLBI_RVALE1, tlbi_vaddr_range(VA_BLK - 2 * KB4, 1, 0, 1, 0), ALL & ~BIT(E_BLK));
	/* ... unless the TTL says the range holds level-3 entries only */
	check(TLBI_RVALE1, tlbi_vaddr_range(VA_BLK - 2 * KB4, 1, 0, 1, 3), ALL);
	/* 8 GiB from 0: everything of asid 1 below 8 GiB */
	check(TLBI_RVAE1, tlbi_vaddr_range(0, 1, 3, 31, 0), BIT(E_A2));
}

/*
 * Entries that end at 2^64: the last 4 KiB page, the last 2 MiB and the
 * last 1 GiB block. Their ends wrapped to 0 once and no TLBI removed them.
 */
static void test_tlbi_top_of_address_space(void **s)
{
	static const struct {
		enum tlbi_op op;
		uint64_t operand; /* written out by hand */
		unsigned left;	  /* entries that stay */
	} cases[] = {
		/* VAE1, ASID 1, VA[55:12] = 0xfffffffffff: the top page lies in all three */
		{ TLBI_VAE1, 0x00010fffffffffffULL, 0 },
		/* VAAE1 of the first page of the 1 GiB block: only that block */
		{ TLBI_VAAE1, 0x00000ffffffc0000ULL, 2 },
		/* RVAAE1, SCALE 0 NUM 0 (2 pages), BaseADDR VA[48:12] = 0x1ffffffffe: the
		 * last two pages, up to 2^64 */
		{ TLBI_RVAAE1, 0x0000401ffffffffeULL, 0 },
	};
	struct tlb t;
	struct tlbi_target x;

	(void)s;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct tlbi op = { cases[i].op, false, cases[i].operand };

		make(&t, 4, 4, POLICY_LRU);
		fill(&t, 0xfffffffffffff000ULL, 1, true, LEVEL_4K);
		fill(&t, 0xffffffffffe00000ULL, 1, false, LEVEL_2M);
		fill(&t, 0xffffffffc0000000ULL, 1, true, LEVEL_1G);
		tlbi_decode(&op, &x);
		tlb_invalidate(&t, &x);
		assert_int_equal(tlb_valid_entries(&t), cases[i].left);
		tlb_free(&t);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lru),
		cmocka_unit_test(test_plru),
		cmocka_unit_test(test_fifo),
		cmocka_unit_test(test_lru_longer),
		cmocka_unit_test(test_plru_8way),
		cmocka_unit_test(test_random_seeded),
		cmocka_unit_test(test_set_index),
		cmocka_unit_test(test_geometry_errors),
		cmocka_unit_test(test_asid_and_global),
		cmocka_unit_test(test_superpages),
		cmocka_unit_test(test_tlbi_vmalle1),
		cmocka_unit_test(test_tlbi_aside1),
		cmocka_unit_test(test_tlbi_vae1),
		cmocka_unit_test(test_tlbi_vale1),
		cmocka_unit_test(test_tlbi_vaae1),
		cmocka_unit_test(test_tlbi_ttl),
		cmocka_unit_test(test_tlbi_operand_encoding),
		cmocka_unit_test(test_tlbi_range_edges),
		cmocka_unit_test(test_tlbi_range_asids),
		cmocka_unit_test(test_tlbi_top_of_address_space),
	};

	return cmocka_run_group_tests_name("tlb", tests, NULL, NULL);
}
