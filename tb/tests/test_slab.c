// SPDX-License-Identifier: MIT
/* The slab allocator against hand-computed layouts and list movements. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../model/slab.h"

static struct page_alloc pa;
static struct slab_allocator sa;

static int setup(void **s)
{
	struct page_alloc_config c;

	(void)s;
	page_alloc_default_config(&c);
	c.mem_bytes = 256ULL << 20;
	c.dma_limit = 64ULL << 20;
	c.dma32_limit = 128ULL << 20;
	c.reserved_bytes = 4ULL << 20;
	return page_alloc_init(&pa, &c) || slab_init(&sa, &pa, 1);
}

static int teardown(void **s)
{
	(void)s;
	slab_free_all(&sa);
	page_alloc_free(&pa);
	return 0;
}

static void checked(void)
{
	const char *why = check_slab(&sa);

	if (!why)
		why = check_buddy(&pa);
	if (why)
		fail_msg("%s", why);
}

/*
 * 200-byte objects: order 0 holds 20 (4096 / 200) with 96 bytes left, which
 * is under 1/8 of the slab; colour = 96 / 64 = 1. Size <= 256: limit 120,
 * batchcount 60; one cpu: free_limit = 2 * 60 + 20 = 140.
 */
static void test_geometry(void **s)
{
	(void)s;
	struct kmem_cache *c = kmem_cache_create(&sa, "t200", 200, 0, 0);

	assert_non_null(c);
	assert_int_equal(c->size, 200);
	assert_int_equal(c->num, 20);
	assert_int_equal(c->gfporder, 0);
	assert_int_equal(c->colour, 1);
	assert_int_equal(c->limit, 120);
	assert_int_equal(c->batchcount, 60);
	assert_int_equal(c->free_limit, 140);
	/* 900 bytes round up to 904: 4 a page, 480 left (<= 512): colour 7; limit 54 */
	struct kmem_cache *d = kmem_cache_create(&sa, "t900", 900, 0, 0);

	assert_int_equal(d->num, 4);
	assert_int_equal(d->colour, 7);
	assert_int_equal(d->limit, 54);
	assert_int_equal(d->batchcount, 27);
	/* 3000 bytes: one a page leaves 1096 > 512: order 1 (8192) holds 2,
	 * leaves 2192, but order 1 is slab_max_order: stop */
	struct kmem_cache *e = kmem_cache_create(&sa, "t3000", 3000, 0, 0);

	assert_int_equal(e->gfporder, 1);
	assert_int_equal(e->num, 2);
	assert_int_equal(e->colour, 2192 / 64);
	/* SLAB_HWCACHE_ALIGN: 20 bytes align to 32 (64 halved once) */
	struct kmem_cache *f = kmem_cache_create(&sa, "t20", 20, 0, SLAB_HWCACHE_ALIGN);

	assert_int_equal(f->size, 32);
	assert_int_equal(kmem_cache_destroy(c), 0);
	assert_int_equal(kmem_cache_destroy(d), 0);
	assert_int_equal(kmem_cache_destroy(e), 0);
	assert_int_equal(kmem_cache_destroy(f), 0);
	checked();
}

static void test_colouring(void **s)
{
	(void)s;
	struct kmem_cache *d = kmem_cache_create(&sa, "t900", 900, 0, 0);
	uint64_t first[9] = { 0 };

	/* 4 objects a slab; the cpu array is LIFO, so the first object handed
	 * out from a new slab is its last (index 3). Colours 1..6, 0, 1, ...:
	 * the colour advances before it is used. */
	for (int i = 0; i < 9 * 4; i++) {
		uint64_t o = kmem_cache_alloc(d, 0);

		if (i % 4 == 0)
			first[i / 4] = o;
	}
	for (int k = 0; k < 9; k++)
		assert_int_equal(first[k] % 4096, (uint64_t)((k + 1) % 7) * 64 + 3 * 904);
	checked();
	kmem_cache_shrink(d);
	assert_int_equal(kmem_cache_destroy(d), -1); /* 36 objects still out */
}

static void test_lists(void **s)
{
	(void)s;
	struct kmem_cache *c = kmem_cache_create(&sa, "lists", 200, 0, 0);
	uint64_t obj[200];
	uint64_t free_before = nr_free_pages(&pa);

	for (int i = 0; i < 200; i++)
		assert_int_not_equal(obj[i] = kmem_cache_alloc(c, 0), 0);
	/* each refill grew one slab and took its 20 objects */
	assert_int_equal(c->total_slabs, 10);
	assert_int_equal(c->slabs_full.count, 10);
	assert_int_equal(c->cpu[0].avail, 0);
	assert_int_equal(nr_free_pages(&pa), free_before - 10);
	checked();
	/* 120 frees fill the array; the 121st flushes the oldest 60, the 181st
	 * the next 60: those 120 are the first six slabs' objects, which become
	 * free slabs, kept since 120 free objects <= free_limit 140 */
	for (int i = 0; i < 200; i++)
		kmem_cache_free(c, 0, obj[i]);
	assert_int_equal(c->cpu[0].avail, 80);
	assert_int_equal(c->slabs_free.count, 6);
	assert_int_equal(c->slabs_full.count, 4);
	assert_int_equal(c->slabs_partial.count, 0);
	assert_int_equal(c->free_objects, 120);
	assert_int_equal(kmem_cache_active_objs(c), 0);
	checked();
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	dump_slabinfo(&sa, f);
	fclose(f);
	/* slabinfo counts objects in the cpu arrays as active */
	assert_non_null(strstr(text, "lists                 80    200    200   20    1 : tunables  120   60    0 : slabdata      4     10      0"));
	free(text);
	kmem_cache_shrink(c);
	assert_int_equal(c->total_slabs, 0);
	assert_int_equal(nr_free_pages(&pa), free_before);
	assert_int_equal(kmem_cache_destroy(c), 0);
	checked();
}

static void test_kmalloc(void **s)
{
	(void)s;
	assert_int_equal(kmalloc_index(1), 0);
	assert_int_equal(kmalloc_index(8), 0);
	assert_int_equal(kmalloc_index(9), 1);
	assert_int_equal(kmalloc_index(65), 4);  /* 96 */
	assert_int_equal(kmalloc_index(97), 5);  /* 128 */
	assert_int_equal(kmalloc_index(129), 6); /* 192 */
	assert_int_equal(kmalloc_index(193), 7); /* 256 */
	assert_int_equal(kmalloc_index(8192), 12);
	assert_int_equal(kmalloc_index(8193), -1);
	uint64_t free_before = nr_free_pages(&pa);
	uint64_t big = kmalloc(&sa, 12000, 0); /* order 2 from the buddy allocator */

	assert_int_equal(nr_free_pages(&pa), free_before - 4);
	kfree(&sa, big, 0);
	assert_int_equal(nr_free_pages(&pa), free_before);
	uint64_t a = kmalloc(&sa, 96, 0), b = kmalloc(&sa, 96, 0);

	assert_int_equal(a - b, 96); /* LIFO from one slab: adjacent */
	kfree(&sa, a, 0);
	kfree(&sa, b, 0);
	checked();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_geometry),
		cmocka_unit_test(test_colouring),
		cmocka_unit_test(test_lists),
		cmocka_unit_test(test_kmalloc),
	};

	return cmocka_run_group_tests_name("slab", tests, setup, teardown);
}
