/* SPDX-License-Identifier: MIT */
/*
 * The fixture of the OS model's tests (test_os.c, test_reclaim.c): one
 * model, booted by each test with the recorders below attached, what TLB
 * maintenance it issued, and the steps the tests take (every mmap followed
 * by check_os()).
 */
#ifndef MMUSIM_OS_FIXTURE_H
#define MMUSIM_OS_FIXTURE_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "../../model/internal.h"

#define MB (1ULL << 20)
#define MAX_OPS 4096

static struct os os;
static struct tlbi ops[MAX_OPS]; /* the TLBIs issued, in order */
static unsigned op_cpu[MAX_OPS]; /* ... and the CPU that issued each */
static unsigned nops;
static unsigned dsb_at[MAX_OPS]; /* TLBIs recorded before each DSB */
static unsigned ndsb;
static bool dsb_shareable; /* the last DSB's domain: ISH, or NSH */

static inline void record(void *ctx, unsigned cpu, const struct tlbi *op)
{
	(void)ctx;
	if (nops < MAX_OPS) {
		ops[nops] = *op;
		op_cpu[nops] = cpu;
	}
	nops++;
}

static inline void record_dsb(void *ctx, unsigned cpu, bool shareable)
{
	(void)ctx;
	(void)cpu;
	dsb_shareable = shareable;
	if (ndsb < MAX_OPS)
		dsb_at[ndsb] = nops;
	ndsb++;
}

/* os_init, the recorders attached, nothing recorded yet */
static inline void boot_config(const struct os_config *c)
{
	assert_int_equal(os_init(&os, c), 0);
	os.tlbi = record;
	os.dsb = record_dsb;
	nops = ndsb = 0;
}

static inline void checked(void)
{
	const char *why = check_os(&os);

	if (why)
		fail_msg("%s", why);
}

static inline int teardown(void **s)
{
	(void)s;
	os_free(&os);
	return 0;
}

/* TLBI i was op with this operand, broadcast (Inner Shareable) */
static inline void expect_op(unsigned i, enum tlbi_op op, uint64_t operand)
{
	if (i >= nops)
		fail_msg("TLBI %u missing (only %u issued)", i, nops);
	if (ops[i].op != op || ops[i].operand != operand || !ops[i].shareable)
		fail_msg("TLBI %u: %s %#llx (IS %d), expected %s %#llx", i,
			 tlbi_op_names[ops[i].op], (unsigned long long)ops[i].operand,
			 ops[i].shareable, tlbi_op_names[op], (unsigned long long)operand);
}

/* a new process, running on cpu */
static inline struct task_struct *spawn(unsigned cpu)
{
	struct task_struct *t = os_create_process(&os);

	assert_non_null(t);
	os_switch_to(&os, cpu, t);
	return t;
}

static inline void map_file(struct mm_struct *mm, uint64_t addr, uint64_t len, uint32_t prot,
			    uint32_t flags, struct address_space *file)
{
	const char *why = NULL;

	if (os_mmap(&os, mm, addr, len, prot, flags, file, 0, &why))
		fail_msg("mmap %#llx: %s", (unsigned long long)addr, why);
	checked();
}

static inline void map(struct mm_struct *mm, uint64_t addr, uint64_t len, uint32_t prot,
		       uint32_t flags)
{
	map_file(mm, addr, len, prot, flags, NULL);
}

#endif
