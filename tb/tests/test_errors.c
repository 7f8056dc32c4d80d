// SPDX-License-Identifier: MIT
/*
 * No hidden state, no lost errors: the checkers write into the caller's
 * buffer (two machines' messages stand side by side), and a page-table
 * write the host has no memory for stops the replay at that record. The
 * host's calloc fails on demand: this test links with -Wl,--wrap=calloc.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "../../model/mm.h"
#include "../replay.h"

static bool calloc_fails;

void *__real_calloc(size_t n, size_t size);
void *__wrap_calloc(size_t n, size_t size);
void *__wrap_calloc(size_t n, size_t size)
{
	return calloc_fails ? NULL : __real_calloc(n, size);
}

/* 128 MiB: ZONE_DMA below 32 MiB, ZONE_DMA32 below 64 MiB, ZONE_NORMAL above */
static void machine(struct page_alloc *pa)
{
	struct page_alloc_config c = { .mem_bytes = 128ULL << 20, .dma_limit = 32ULL << 20,
				       .dma32_limit = 64ULL << 20, .watermark_scale_factor = 10 };

	assert_int_equal(page_alloc_init(pa, &c), 0);
	assert_null(check_buddy(pa));
}

/* Two broken machines: each checker's message is its own. */
static void test_check_messages(void **s)
{
	(void)s;
	struct page_alloc a, b;
	char ma[CHECK_MSG_LEN], mb[CHECK_MSG_LEN], small[12];

	machine(&a);
	machine(&b);
	a.zones[ZONE_NORMAL].free_pages += 1;
	b.zones[ZONE_DMA].free_pages += 2;
	const char *wa = check_buddy_msg(&a, ma, sizeof(ma));
	const char *wb = check_buddy_msg(&b, mb, sizeof(mb));

	assert_ptr_equal(wa, ma);
	assert_ptr_equal(wb, mb);
	assert_non_null(strstr(wa, "zone Normal: free_pages"));
	assert_non_null(strstr(wb, "zone DMA: free_pages"));
	/* the one-argument forms: one buffer each, in this block */
	const char *xa = check_buddy(&a), *xb = check_buddy(&b);

	assert_ptr_not_equal(xa, xb);
	assert_string_equal(xa, ma);
	assert_string_equal(xb, mb);
	/* a short buffer gets the start of the message */
	assert_ptr_equal(check_buddy_msg(&a, small, sizeof(small)), small);
	assert_int_equal(strlen(small), sizeof(small) - 1);
	assert_int_equal(strncmp(small, ma, sizeof(small) - 1), 0);
	page_alloc_free(&a);
	page_alloc_free(&b);
}

/*
 * An anonymous mapping, then a load from it: the fault handler's first
 * descriptor write into a new table page needs host memory, which is
 * refused. The run stops at record 2, saying so; nothing goes on with a
 * page table that lost a write.
 */
static void test_pt_write_failure_stops_the_run(void **s)
{
	(void)s;
	static struct replay rp;
	struct sim_config cfg;
	struct trace_rec r[2] = { { 0 } };

	config_defaults(&cfg);
	cfg.mem_bytes = 256ULL << 20;
	assert_int_equal(replay_init(&rp, &cfg, false), 0);
	r[0].type = TR_MMAP, r[0].tid = 1, r[0].addr = 0x10000000, r[0].len = 1 << 20;
	r[0].map.prot = TR_PROT_READ | TR_PROT_WRITE, r[0].map.flags = 0x22;
	r[1].type = TR_LOAD, r[1].tid = 1, r[1].addr = 0x10000000, r[1].size = 8;
	assert_int_equal(replay_batch(&rp, r, 1), 0);
	calloc_fails = true;
	int rc = replay_batch(&rp, r + 1, 1);

	calloc_fails = false;
	assert_int_equal(rc, -1);
	assert_non_null(strstr(rp.err, "record 2: host memory exhausted writing the descriptor at PA"));
	replay_free(&rp);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_check_messages),
		cmocka_unit_test(test_pt_write_failure_stops_the_run),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
