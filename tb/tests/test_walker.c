// SPDX-License-Identifier: MIT
/*
 * The golden walker on hand-built tables (Arm ARM D8: descriptor formats,
 * fault levels): pages, 2 MiB and 1 GiB blocks, translation faults at each
 * level, access-flag and permission faults, walk caches and their TLBI;
 * descriptor reads answered with an error (fault.walk_abort): the Arm ARM's
 * synchronous external abort on the walk, at the level of the failed read.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "../walker.h"

static uint64_t mem[64 * 512]; /* 256 KiB of "physical memory" */
static unsigned reads;

static uint64_t rd(void *ctx, uint64_t pa)
{
	(void)ctx;
	reads++;
	return mem[pa / 8];
}

static void put(uint64_t table, unsigned idx, uint64_t d)
{
	mem[table / 8 + idx] = d;
}

#define TABLE(pa) ((pa) | 3)
#define USER_PAGE (PTE_VALID | PTE_TABLE_BIT | PTE_USER | PTE_AF | PTE_NG | PTE_PXN)
#define BLOCK (PTE_VALID | PTE_USER | PTE_AF | PTE_PXN)

/*
 * L0 0x1000 -> L1 0x2000; L1[1] (1 GiB at 0x40000000) -> L2 0x3000;
 * L2[1] (0x40200000) -> L3 0x4000; L3[1]: a page at PA 0x80000;
 * L2[2]: a 2 MiB block at PA 0x200000; L1[2]: a global 1 GiB block.
 */
static void build(void)
{
	memset(mem, 0, sizeof(mem));
	put(0x1000, 0, TABLE(0x2000));
	put(0x2000, 1, TABLE(0x3000));
	put(0x3000, 1, TABLE(0x4000));
	put(0x4000, 1, 0x80000 | USER_PAGE);
	put(0x4000, 2, 0x81000 | USER_PAGE | PTE_RDONLY);
	put(0x4000, 3, 0x82000 | (USER_PAGE & ~PTE_AF));
	put(0x4000, 4, 0x83000 | USER_PAGE | PTE_UXN);
	put(0x4000, 5, 0x84000 | PTE_VALID); /* bit 1 clear at level 3: reserved */
	put(0x3000, 2, 0x200000 | BLOCK | PTE_NG);
	put(0x2000, 2, 0x40000000 | BLOCK); /* global: nG clear */
}

static struct walker w;
static const uint64_t ttbr = 0x1000 | (5ULL << 48);

static void walk(uint64_t va, enum mmu_access acc, struct walk_result *r)
{
	reads = 0;
	walker_walk(&w, ttbr, va, acc, r);
}

static int setup(void **s)
{
	static const unsigned wc[3] = { 2, 2, 4 };

	(void)s;
	build();
	return walker_init(&w, 48, 10, wc, rd, NULL);
}

static int teardown(void **s)
{
	(void)s;
	walker_free(&w);
	return 0;
}

static void test_page(void **s)
{
	(void)s;
	struct walk_result r;

	walk(0x40201abc, MMU_WRITE, &r);
	assert_int_equal(r.fault, MMU_OK);
	assert_int_equal(r.t.va_base, 0x40201000);
	assert_int_equal(r.t.pa_base, 0x80000);
	assert_int_equal(r.t.level, 3);
	assert_false(r.t.global);
	assert_int_equal(r.t.asid, 5);
	assert_int_equal(reads, 4);
	assert_int_equal(r.cycles, 40);
	/* the L2 walk cache now holds the L3 table: one read */
	walk(0x40201000, MMU_READ, &r);
	assert_int_equal(reads, 1);
	assert_int_equal(r.cycles, 10);
	/* another ASID does not use those entries */
	reads = 0;
	walker_walk(&w, 0x1000 | (6ULL << 48), 0x40201000, MMU_READ, &r);
	assert_int_equal(reads, 4);
}

static void test_blocks(void **s)
{
	(void)s;
	struct walk_result r;

	walk(0x40400000 + 0x12345, MMU_EXEC, &r);
	assert_int_equal(r.fault, MMU_OK);
	assert_int_equal(r.t.level, 2);
	assert_int_equal(r.t.va_base, 0x40400000);
	assert_int_equal(r.t.pa_base, 0x200000);
	walk(0x80000000 + 0x3fffffff, MMU_READ, &r);
	assert_int_equal(r.fault, MMU_OK);
	assert_int_equal(r.t.level, 1);
	assert_int_equal(r.t.pa_base, 0x40000000);
	assert_true(r.t.global);
}

static void test_faults(void **s)
{
	(void)s;
	struct walk_result r;

	walk(0x8000000000ULL, MMU_READ, &r); /* L0[1] invalid */
	assert_int_equal(r.fault, MMU_FAULT_TRANSLATION);
	assert_int_equal(r.level, 0);
	walk(0xc0000000, MMU_READ, &r); /* L1[3] invalid */
	assert_int_equal(r.fault, MMU_FAULT_TRANSLATION);
	assert_int_equal(r.level, 1);
	walk(0x40600000, MMU_READ, &r); /* L2[3] invalid */
	assert_int_equal(r.level, 2);
	walk(0x40206000, MMU_READ, &r); /* L3[6] invalid */
	assert_int_equal(r.fault, MMU_FAULT_TRANSLATION);
	assert_int_equal(r.level, 3);
	walk(0x40205000, MMU_READ, &r); /* a block descriptor at level 3 */
	assert_int_equal(r.fault, MMU_FAULT_TRANSLATION);
	walk(0x40203000, MMU_READ, &r); /* AF clear */
	assert_int_equal(r.fault, MMU_FAULT_ACCESS_FLAG);
	assert_int_equal(r.level, 3);
	walk(0x40202000, MMU_WRITE, &r); /* AP[2]: read-only */
	assert_int_equal(r.fault, MMU_FAULT_PERMISSION);
	walk(0x40202000, MMU_READ, &r);
	assert_int_equal(r.fault, MMU_OK);
	walk(0x40204000, MMU_EXEC, &r); /* UXN */
	assert_int_equal(r.fault, MMU_FAULT_PERMISSION);
	walk(1ULL << 48, MMU_READ, &r); /* beyond a 48-bit TTBR0 range */
	assert_int_equal(r.fault, MMU_FAULT_TRANSLATION);
	assert_int_equal(reads, 0);
	/* a kernel-only page: AP[1] clear */
	put(0x4000, 7, 0x87000 | (USER_PAGE & ~PTE_USER));
	walk(0x40207000, MMU_READ, &r);
	assert_int_equal(r.fault, MMU_FAULT_PERMISSION);
}

static void invalidate(enum tlbi_op op, uint64_t operand)
{
	struct tlbi t = { op, true, operand };
	struct tlbi_target target;

	tlbi_decode(&t, &target);
	walker_invalidate(&w, &target);
}

static void test_walk_cache_tlbi(void **s)
{
	(void)s;
	struct walk_result r;

	walk(0x40201000, MMU_READ, &r);
	walk(0x40201000, MMU_READ, &r);
	assert_int_equal(reads, 1);
	/* leaf-only: table descriptors stay */
	invalidate(TLBI_VALE1, tlbi_vaddr(0x40201000, 5, 0));
	walk(0x40201000, MMU_READ, &r);
	assert_int_equal(reads, 1);
	/* non-leaf, another ASID: stay */
	invalidate(TLBI_VAE1, tlbi_vaddr(0x40201000, 7, 0));
	walk(0x40201000, MMU_READ, &r);
	assert_int_equal(reads, 1);
	/* non-leaf for this ASID and VA: the whole walk again */
	invalidate(TLBI_VAE1, tlbi_vaddr(0x40201000, 5, 0));
	walk(0x40201000, MMU_READ, &r);
	assert_int_equal(reads, 4);
	/* a range elsewhere in the same 1 GiB drops the cached L0 and L1
	 * descriptors, which span it, but not the L2 descriptor of
	 * [0x40200000, +2 MiB): the walk still starts at level 3 */
	invalidate(TLBI_RVAE1, tlbi_vaddr_range(0x40800000, 5, 0, 0, 0));
	walk(0x40201000, MMU_READ, &r);
	assert_int_equal(reads, 1);
	walk(0x40400000, MMU_READ, &r); /* but the block needs L0, L1 and L2 again */
	assert_int_equal(reads, 3);
	invalidate(TLBI_ASIDE1, tlbi_asid(5));
	walk(0x40201000, MMU_READ, &r);
	assert_int_equal(reads, 4);
	invalidate(TLBI_VMALLE1, 0);
	walk(0x40201000, MMU_READ, &r);
	assert_int_equal(reads, 4);
}

static void test_39bit(void **s)
{
	(void)s;
	struct walker w39;
	static const unsigned none[3] = { 0, 0, 0 };
	struct walk_result r;

	/* 39-bit VAs start at level 1: the L1 table is the root */
	assert_int_equal(walker_init(&w39, 39, 10, none, rd, NULL), 0);
	reads = 0;
	walker_walk(&w39, 0x2000, 0x40201000, MMU_READ, &r);
	assert_int_equal(r.fault, MMU_OK);
	assert_int_equal(reads, 3);
	walker_walk(&w39, 0x2000, 1ULL << 39, MMU_READ, &r);
	assert_int_equal(r.fault, MMU_FAULT_TRANSLATION);
	assert_int_equal(r.level, 1);
	walker_free(&w39);
}

static uint64_t failed_pa;

static void aborted(void *ctx, uint64_t pa)
{
	(void)ctx;
	failed_pa = pa;
}

static void test_external_abort(void **s)
{
	/* VA 0x40201000's descriptors: L0[0], L1[1], L2[1], L3[1] */
	static const uint64_t slot[4] = { 0x1000, 0x2008, 0x3008, 0x4008 };
	struct walk_result r;

	(void)s;
	for (unsigned l = 0; l < 4; l++) {
		struct walker a;
		static const unsigned wc[3] = { 2, 2, 4 };
		uint64_t before;

		assert_int_equal(walker_init(&a, 48, 10, wc, rd, NULL), 0);
		a.abort_va = 0x40201abc; /* any VA of the page names it */
		a.abort_level = l;
		a.aborted = aborted;
		failed_pa = 0;
		walker_walk(&a, ttbr, 0x40201008, MMU_WRITE, &r);
		assert_int_equal(r.fault, MMU_FAULT_EXT_ABORT);
		assert_int_equal(r.level, l);
		assert_int_equal(a.reads, l + 1); /* the failed read counts and costs */
		assert_int_equal(r.cycles, 10 * (l + 1));
		assert_int_equal(failed_pa, slot[l]);
		/* another page: only one sharing the failed descriptor fails */
		failed_pa = 0;
		walker_walk(&a, ttbr, 0x40202000, MMU_READ, &r);
		assert_int_equal(r.fault, l == 3 ? MMU_OK : MMU_FAULT_EXT_ABORT);
		assert_int_equal(failed_pa, l == 3 ? 0 : slot[l]);
		/* healed: the walk caches kept the levels above l, nothing of l */
		a.aborted = NULL;
		before = a.reads;
		walker_walk(&a, ttbr, 0x40201000, MMU_READ, &r);
		assert_int_equal(r.fault, MMU_OK);
		assert_int_equal(r.t.pa_base, 0x80000);
		assert_int_equal(a.reads - before, 4 - l);
		walker_free(&a);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_page, setup, teardown),
		cmocka_unit_test_setup_teardown(test_blocks, setup, teardown),
		cmocka_unit_test_setup_teardown(test_faults, setup, teardown),
		cmocka_unit_test_setup_teardown(test_walk_cache_tlbi, setup, teardown),
		cmocka_unit_test_setup_teardown(test_39bit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_external_abort, setup, teardown),
	};

	return cmocka_run_group_tests_name("walker", tests, NULL, NULL);
}
