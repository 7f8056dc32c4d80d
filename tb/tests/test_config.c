// SPDX-License-Identifier: MIT
/*
 * The table of keys (tb/config.c): the defaults it declares are the
 * README's (Cortex-A76 TLBs, 8 GiB, 48-bit VAs...), written out here by
 * hand; every key takes its default and refuses the values just outside
 * its range; and the README's table of keys is the one the table prints.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../config.h"

static void test_defaults(void **s)
{
	(void)s;
	struct sim_config c;

	config_defaults(&c);
	assert_int_equal(c.cores, 1);
	assert_int_equal(c.seed, 1);
	assert_int_equal(c.l1i.entries, 48);
	assert_int_equal(c.l1i.ways, 48);
	assert_int_equal(c.l1i.policy, POLICY_LRU);
	assert_int_equal(c.l1i.latency, 1);
	assert_int_equal(c.l1d.entries, 48);
	assert_int_equal(c.l1d.ways, 48);
	assert_int_equal(c.l1d.latency, 1);
	assert_int_equal(c.l2.entries, 1280);
	assert_int_equal(c.l2.ways, 5);
	assert_int_equal(c.l2.policy, POLICY_LRU);
	assert_int_equal(c.l2.latency, 6);
	assert_int_equal(c.walk_latency, 40);
	assert_int_equal(c.page_level, LEVEL_4K);
	assert_int_equal(c.os, OS_LINUX);
	assert_int_equal(c.backend, BACKEND_MODEL);
	assert_int_equal(c.mem_bytes, 8ULL << 30);
	assert_int_equal(c.va_bits, 48);
	assert_int_equal(c.asid_bits, 16);
	assert_true(c.tlbi_range && c.ttl && !c.thp);
	assert_int_equal(c.mem_latency, 20);
	for (int i = 0; i < 3; i++)
		assert_int_equal(c.walk_cache[i], 16);
	assert_int_equal(c.hop_latency, 2);
	assert_int_equal(c.watchdog, 1000000); /* top_shim.h's RTL_TOP_LIMIT */
	assert_int_equal(c.walk_abort, 0);	/* no fault injected */
	assert_int_equal(c.walk_abort_level, 3);
	assert_int_equal(c.drop_ack, 0);
	assert_null(c.wave);
	assert_int_equal(c.given, 0);
}

/* Every key: its default is taken; a number one past either end is not. */
static void test_ranges(void **s)
{
	(void)s;
	struct sim_config c;
	char err[256], v[64];

	config_defaults(&c);
	for (const struct config_key *k = config_keys; k->name; k++) {
		assert_int_equal(config_set(&c, k->name, k->def, err, sizeof(err)), 0);
		if (k->type != CONFIG_UINT)
			continue;
		snprintf(v, sizeof(v), "%llu", (unsigned long long)k->max);
		assert_int_equal(config_set(&c, k->name, v, err, sizeof(err)), 0);
		snprintf(v, sizeof(v), "%llu", (unsigned long long)k->max + 1);
		assert_int_equal(config_set(&c, k->name, v, err, sizeof(err)), -1);
		assert_non_null(strstr(err, "is not a number from"));
		if (k->min) {
			snprintf(v, sizeof(v), "%llu", (unsigned long long)k->min - 1);
			assert_int_equal(config_set(&c, k->name, v, err, sizeof(err)), -1);
		}
	}
	assert_int_equal(config_set(&c, "mem", "64m", err, sizeof(err)), 0);
	assert_int_equal(c.mem_bytes, 64ULL << 20);
	/* the kernel's 32 MiB and at least one more (issue 15); whole 4 KiB pages */
	assert_int_equal(config_set(&c, "mem", "33m", err, sizeof(err)), 0);
	assert_int_equal(config_set(&c, "mem", "34816k", err, sizeof(err)), 0);
	assert_int_equal(c.mem_bytes, 34ULL << 20);
	assert_int_equal(config_set(&c, "mem", "32m", err, sizeof(err)), -1);
	assert_int_equal(config_set(&c, "swap", "3k", err, sizeof(err)), -1);
	assert_int_equal(config_set(&c, "mem", "1025g", err, sizeof(err)), -1);
	assert_int_equal(config_set(&c, "mem", "g", err, sizeof(err)), -1);
	assert_int_equal(config_set(&c, "page_size", "2m", err, sizeof(err)), 0);
	assert_int_equal(c.page_level, LEVEL_2M);
	assert_int_equal(config_set(&c, "l2.policy", "plru", err, sizeof(err)), 0);
	assert_int_equal(c.l2.policy, POLICY_PLRU);
	assert_int_equal(config_set(&c, "va_bits", "39", err, sizeof(err)), 0);
	assert_int_equal(c.va_bits, 39);
	assert_int_equal(config_set(&c, "va_bits", "40", err, sizeof(err)), -1);
	assert_int_equal(config_set(&c, "thp", "1", err, sizeof(err)), 0);
	assert_true(c.thp);
	assert_int_equal(config_set(&c, "thp", "yes", err, sizeof(err)), -1);
	assert_non_null(strstr(err, "thp: 'yes' is not on, off, 1 or 0"));
	assert_int_equal(config_set(&c, "l1d.policy", "mru", err, sizeof(err)), -1);
	assert_non_null(strstr(err, "l1d.policy: unknown policy 'mru'"));
	assert_int_equal(config_set(&c, "cores", "65", err, sizeof(err)), -1);
	assert_non_null(strstr(err, "at most 64 cores"));
}

/* The README's lines from `<!-- keys` to `<!-- end of keys -->`, exclusive. */
static char *readme_keys(void)
{
	FILE *f = fopen("README.md", "r");
	char line[1024];
	size_t len = 0, cap = 1 << 16;
	char *out = calloc(1, cap);
	int in = 0;

	assert_non_null(f); /* make test runs in the repository's top */
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, "<!-- end of keys -->", 20))
			in = 0;
		if (in && len + strlen(line) < cap) {
			memcpy(out + len, line, strlen(line) + 1);
			len += strlen(line);
		}
		if (!strncmp(line, "<!-- keys", 9))
			in = 1;
	}
	fclose(f);
	return out;
}

static void test_readme(void **s)
{
	(void)s;
	char *want = NULL, *readme = readme_keys();
	size_t n = 0;
	FILE *f = open_memstream(&want, &n);

	config_print_keys_markdown(f);
	fclose(f);
	int same = !strcmp(readme, want);

	if (!same)
		fprintf(stderr, "README.md's table of keys differs from tb/config.c's; it should "
				"read:\n%s", want);
	free(want);
	free(readme);
	assert_true(same);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_ranges),
		cmocka_unit_test(test_readme),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
