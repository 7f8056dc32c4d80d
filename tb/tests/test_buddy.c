// SPDX-License-Identifier: MIT
/*
 * The buddy allocator and watermarks against hand-computed figures: a 64 MiB
 * machine with ZONE_DMA [0,16M), ZONE_DMA32 [16M,32M), ZONE_NORMAL
 * [32M,64M) and the first 4 MiB reserved.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>

#include "../../model/page_alloc.h"

static struct page_alloc pa;

static int setup(void **s)
{
	struct page_alloc_config c = {
		.mem_bytes = 64ULL << 20,
		.dma_limit = 16ULL << 20,
		.dma32_limit = 32ULL << 20,
		.reserved_bytes = 4ULL << 20,
		.watermark_scale_factor = 10,
	};

	(void)s;
	return page_alloc_init(&pa, &c);
}

static int teardown(void **s)
{
	(void)s;
	page_alloc_free(&pa);
	return 0;
}

static void checked(void)
{
	const char *why = check_buddy(&pa);

	if (why)
		fail_msg("%s", why);
}

static uint64_t pfn(struct page *p)
{
	assert_non_null(p);
	return page_to_pfn(&pa, p);
}

static void expect_counts(enum zone_type z, const unsigned want[NR_PAGE_ORDERS])
{
	for (int o = 0; o < NR_PAGE_ORDERS; o++)
		if (pa.zones[z].free_area[o].nr_free != want[o])
			fail_msg("zone %s order %d: %llu free blocks, want %u", zone_names[z], o,
				 (unsigned long long)pa.zones[z].free_area[o].nr_free, want[o]);
}

static void test_layout(void **s)
{
	(void)s;
	checked();
	/* DMA: pfns 1024..4095 free as three order-10 blocks */
	static const unsigned dma[NR_PAGE_ORDERS] = { [10] = 3 };
	static const unsigned dma32[NR_PAGE_ORDERS] = { [10] = 4 };
	static const unsigned normal[NR_PAGE_ORDERS] = { [10] = 8 };

	expect_counts(ZONE_DMA, dma);
	expect_counts(ZONE_DMA32, dma32);
	expect_counts(ZONE_NORMAL, normal);
	assert_int_equal(pa.zones[ZONE_DMA].managed_pages, 3072);
	assert_int_equal(nr_free_pages(&pa), 15360);
}

/*
 * min_free_kbytes = int_sqrt(15360 pages * 4 KiB * 16) = int_sqrt(983040)
 * = 991; pages_min = 247. NORMAL: min = 247 * 8192 / 15360 = 131,
 * tmp = max(131 >> 2, 8192 * 10 / 10000) = 32: low 163, high 195.
 * DMA: min 49, tmp max(12, 3) = 12: 61, 73. DMA32: min 65, tmp 16: 81, 97.
 * lowmem_reserve: DMA: 4096/256 = 16 (DMA32), 12288/256 = 48 (NORMAL);
 * DMA32: 8192/256 = 32 (NORMAL).
 */
static void test_watermarks(void **s)
{
	(void)s;
	assert_int_equal(pa.min_free_kbytes, 991);
	const uint64_t want[3][3] = { { 49, 61, 73 }, { 65, 81, 97 }, { 131, 163, 195 } };

	for (int z = 0; z < 3; z++)
		for (int w = 0; w < 3; w++)
			assert_int_equal(pa.zones[z].watermark[w], want[z][w]);
	assert_int_equal(pa.zones[ZONE_DMA].lowmem_reserve[ZONE_DMA32], 16);
	assert_int_equal(pa.zones[ZONE_DMA].lowmem_reserve[ZONE_NORMAL], 48);
	assert_int_equal(pa.zones[ZONE_DMA32].lowmem_reserve[ZONE_NORMAL], 32);
	assert_int_equal(pa.zones[ZONE_NORMAL].lowmem_reserve[ZONE_NORMAL], 0);
}

/* Split and coalesce in ZONE_NORMAL, whose first block starts at pfn 8192. */
static void test_split_merge(void **s)
{
	(void)s;
	/* order 0 from an order-10 block: upper halves 8704(9) .. 8193(0) */
	struct page *a = alloc_pages(&pa, GFP_KERNEL, 0);

	assert_int_equal(pfn(a), 8192);
	static const unsigned split[NR_PAGE_ORDERS] = { 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 7 };

	expect_counts(ZONE_NORMAL, split);
	assert_int_equal(pa.zones[ZONE_NORMAL].free_area[9].head, 8704);
	checked();
	struct page *b = alloc_pages(&pa, GFP_KERNEL, 0);
	struct page *c = alloc_pages(&pa, GFP_KERNEL, 1);
	struct page *d = alloc_pages(&pa, GFP_KERNEL, 0); /* splits 8196(2) */

	assert_int_equal(pfn(b), 8193);
	assert_int_equal(pfn(c), 8194);
	assert_int_equal(pfn(d), 8196);
	assert_int_equal(pa.zones[ZONE_NORMAL].free_area[0].head, 8197);
	assert_int_equal(pa.zones[ZONE_NORMAL].free_area[1].head, 8198);
	checked();
	/* 8193 back: its buddy 8192 is in use */
	__free_pages(&pa, b, 0);
	assert_int_equal(pa.zones[ZONE_NORMAL].free_area[0].head, 8193);
	/* 8192 back: merges with 8193 into 8192(1); 8194(1) is in use; the
	 * order-2 buddy 8196 is in use, so no tail placement: head */
	__free_pages(&pa, a, 0);
	assert_int_equal(pa.zones[ZONE_NORMAL].free_area[1].head, 8192);
	assert_int_equal(pa.zones[ZONE_NORMAL].free_area[1].nr_free, 2);
	checked();
	/* 8194(1) back: merges into 8192(2); 8196 is not free at order 2, but
	 * 8192's order-3 buddy 8200 is free: the block goes to the tail */
	__free_pages(&pa, c, 1);
	assert_int_equal(pa.zones[ZONE_NORMAL].free_area[2].nr_free, 1);
	assert_int_equal(pa.zones[ZONE_NORMAL].free_area[2].tail, 8192);
	checked();
	/* 8196 back: everything coalesces into the order-10 block at 8192 */
	__free_pages(&pa, d, 0);
	static const unsigned whole[NR_PAGE_ORDERS] = { [10] = 8 };

	expect_counts(ZONE_NORMAL, whole);
	assert_int_equal(pa.zones[ZONE_NORMAL].free_area[10].head, 8192);
	checked();
}

static void test_zone_fallback_and_watermarks(void **s)
{
	(void)s;
	/* GFP_DMA comes from DMA; GFP_DMA32 from DMA32 */
	assert_int_equal(pa.mem_map[pfn(alloc_page(&pa, GFP_KERNEL | __GFP_DMA))].zone, ZONE_DMA);
	struct page *p = alloc_page(&pa, GFP_KERNEL | __GFP_DMA32);

	assert_int_equal(p->zone, ZONE_DMA32);
	/* drain NORMAL: the fast path asks every zone for the low watermark
	 * first, so once NORMAL is down to low (163) DMA32 serves */
	uint64_t normal_free = pa.zones[ZONE_NORMAL].free_pages, taken = 0;
	struct page **pages = calloc(normal_free, sizeof(*pages));

	for (;;) {
		struct page *q = alloc_page(&pa, GFP_KERNEL);

		assert_non_null(q);
		if (q->zone != ZONE_NORMAL) {
			assert_int_equal(pa.zones[ZONE_NORMAL].free_pages, 163);
			assert_int_equal(q->zone, ZONE_DMA32);
			__free_pages(&pa, q, 0);
			break;
		}
		pages[taken++] = q;
	}
	checked();
	/* A GFP_DMA32 request sees DMA32's reserve for itself: none */
	for (uint64_t i = 0; i < taken; i++)
		__free_pages(&pa, pages[i], 0);
	free(pages);
	__free_pages(&pa, p, 0);
	checked();
	assert_int_equal(nr_free_pages(&pa), 15360 - 1);
}

static void test_failure(void **s)
{
	(void)s;
	/* order 11 does not exist */
	assert_null(alloc_pages(&pa, GFP_KERNEL, 11));
	/* take every order-10 block of DMA: the fourth fails (3 exist, and the
	 * watermark stops the last before that) */
	struct page *b[4];
	int got = 0;

	for (int i = 0; i < 4; i++)
		if ((b[i] = alloc_pages(&pa, GFP_KERNEL | __GFP_DMA, 10)))
			got++;
	/* 3072 free, min 49: 3072-1023 > 49 ok, 2048-1023 > 49 ok, then 1024-1023 <= 49 */
	assert_int_equal(got, 2);
	assert_null(b[2]);
	assert_true(pa.failed >= 2);
	__free_pages(&pa, b[0], 10);
	__free_pages(&pa, b[1], 10);
	checked();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_layout),
		cmocka_unit_test(test_watermarks),
		cmocka_unit_test(test_split_merge),
		cmocka_unit_test(test_zone_fallback_and_watermarks),
		cmocka_unit_test(test_failure),
	};

	return cmocka_run_group_tests_name("buddy", tests, setup, teardown);
}
