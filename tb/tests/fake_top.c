// SPDX-License-Identifier: MIT
/*
 * A stand-in for the Verilated top's shim library (tb/rtl/top_shim.cpp),
 * for tests of how mmusim loads and unloads it (tb/tests/backend.sh): it
 * translates nothing, cannot write waveforms, and says on standard error
 * when its top is freed and when it is unloaded.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>

#include "../rtl/top_shim.h"

struct rtl_top {
	int unused;
};

struct rtl_top *rtl_top_new(uint64_t (*read64)(void *ctx, uint64_t pa), void *ctx,
			    unsigned mem_latency)
{
	(void)read64, (void)ctx, (void)mem_latency;
	return calloc(1, sizeof(struct rtl_top));
}

void rtl_top_free(struct rtl_top *t)
{
	free(t);
	fprintf(stderr, "fake_top: top freed\n");
}

int rtl_top_wave_open(struct rtl_top *t, const char *path, uint64_t from, uint64_t to)
{
	(void)t, (void)path, (void)from, (void)to;
	return -1;
}

unsigned rtl_top_translate(struct rtl_top *t, unsigned core, uint64_t ttbr0, uint64_t va,
			   enum mmu_access acc, struct mmu_result *out)
{
	(void)t, (void)core, (void)ttbr0, (void)va, (void)acc, (void)out;
	return RTL_TOP_STUCK;
}

void rtl_top_tlbi(struct rtl_top *t, unsigned core, const struct tlbi *op)
{
	(void)t, (void)core, (void)op;
}

unsigned rtl_top_sync(struct rtl_top *t)
{
	(void)t;
	return 0;
}

int rtl_top_errors(struct rtl_top *t)
{
	(void)t;
	return 0;
}

void rtl_top_counters(struct rtl_top *t, unsigned core, struct rtl_core_counters *out)
{
	(void)t, (void)core, (void)out;
}

unsigned rtl_top_translate_batch(struct rtl_top *t, const struct rtl_op *pages, unsigned n,
				 struct mmu_result *out, uint32_t *cycles)
{
	(void)t, (void)pages, (void)n, (void)out, (void)cycles;
	return 0;
}

unsigned rtl_top_run(struct rtl_top *t, const struct rtl_op *ops, unsigned n, struct rtl_run *r)
{
	(void)t, (void)ops, (void)n, (void)r;
	return RTL_TOP_STUCK;
}

void rtl_top_fabric_counters(struct rtl_top *t, uint64_t *port_wait, uint64_t *dvm_busy)
{
	(void)t;
	*port_wait = *dvm_busy = 0;
}

void rtl_top_faults(struct rtl_top *t, const struct rtl_faults *f)
{
	(void)t;
	(void)f;
}

void rtl_top_hang(struct rtl_top *t, struct rtl_hang *out)
{
	(void)t;
	memset(out, 0, sizeof(*out));
}

/* FAKE_VERSION: a library of another version than mmusim's */
#ifndef FAKE_VERSION
#define FAKE_VERSION RTL_TOP_OPS_VERSION
#endif
const struct rtl_top_ops rtl_top_shim = {
	FAKE_VERSION,	   rtl_top_new,		    rtl_top_free,    rtl_top_wave_open,
	rtl_top_translate, rtl_top_tlbi,	    rtl_top_sync,    rtl_top_errors,
	rtl_top_counters,  rtl_top_translate_batch, rtl_top_run,     rtl_top_fabric_counters,
	rtl_top_faults,	   rtl_top_hang,
};

__attribute__((destructor)) static void unloaded(void)
{
	fprintf(stderr, "fake_top: unloaded\n");
}
