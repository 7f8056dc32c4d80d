/* SPDX-License-Identifier: MIT */
/*
 * The hand-built page table of the directed system-top tests: VA
 * 0x0000_0080_4020_1000 for ASID 1 maps to PA 0x8000_0000, in a small
 * memory from PA 0 that the walkers read through rd(). Remapping the page
 * is writing NEW_LEAF into LEAF_SLOT.
 */
#ifndef MMUSIM_ONE_PAGE_TABLE_H
#define MMUSIM_ONE_PAGE_TABLE_H

#include <stdint.h>
#include <string.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static uint64_t mem[16 * 512]; /* physical memory from PA 0 */

static uint64_t rd(void *ctx, uint64_t pa)
{
	(void)ctx;
	return pa / 8 < ARRAY_SIZE(mem) ? mem[pa / 8] : 0;
}

/* VA[47:39] = VA[38:30] = VA[29:21] = VA[20:12] = 1: every descriptor at +8 */
#define VA 0x0000008040201000ULL
#define TTBR (0x1000ULL | 1ULL << 48) /* root at 0x1000, ASID 1 */
#define LEAF_SLOT 0x4008
#define OLD_PA 0x80000000ULL
#define NEW_PA 0xc0000000ULL
#define NEW_LEAF 0xc0000c43ULL /* page 0xc000_0000, nG AF user */

static void baseline(void)
{
	memset(mem, 0, sizeof(mem));
	mem[0x1008 / 8] = 0x2003;     /* L0[1] -> L1 table at 0x2000 */
	mem[0x2008 / 8] = 0x3003;     /* L1[1] -> L2 table at 0x3000 */
	mem[0x3008 / 8] = 0x4003;     /* L2[1] -> L3 table at 0x4000 */
	mem[0x4008 / 8] = 0x80000c43; /* L3[1]: page 0x8000_0000, nG AF user */
}

#endif
