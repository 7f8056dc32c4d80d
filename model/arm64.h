/* SPDX-License-Identifier: MIT */
/*
 * ARMv8-A VMSAv8-64 definitions shared by the OS model, the golden TLB model
 * and the testbench: translation granule, descriptor fields and the TLBI
 * operations with the operand encodings Linux builds
 * (arch/arm64/include/asm/tlbflush.h: __TLBI_VADDR, __TLBI_VADDR_RANGE).
 */
#ifndef MMUSIM_ARM64_H
#define MMUSIM_ARM64_H

#include <stdbool.h>
#include <stdint.h>

#define PAGE_SHIFT 12
#define PAGE_SIZE (1ULL << PAGE_SHIFT)
#define PMD_SHIFT 21 /* 2 MiB block at level 2 */
#define PUD_SHIFT 30 /* 1 GiB block at level 1 */

/* Leaf sizes a TLB entry can hold, by the level of the descriptor. */
enum page_level {
	LEVEL_1G = 1,
	LEVEL_2M = 2,
	LEVEL_4K = 3,
};

static inline unsigned level_shift(enum page_level level)
{
	return 12 + 9 * (3 - (unsigned)level);
}

/* Descriptor fields (D8.3 of the Arm ARM). */
#define PTE_VALID (1ULL << 0)
#define PTE_TABLE_BIT (1ULL << 1) /* 1: table (L0..L2) or page (L3) */
#define PTE_ATTRINDX_SHIFT 2
#define PTE_AP_SHIFT 6
#define PTE_USER (1ULL << 6)	 /* AP[1] */
#define PTE_RDONLY (1ULL << 7) /* AP[2] */
#define PTE_SH_SHIFT 8
#define PTE_AF (1ULL << 10)
#define PTE_NG (1ULL << 11)
#define PTE_ADDR_MASK 0x0000fffffffff000ULL /* OA[47:12] */
#define PTE_DBM (1ULL << 51)
#define PTE_CONT (1ULL << 52)
#define PTE_PXN (1ULL << 53)
#define PTE_UXN (1ULL << 54)

/* TLB maintenance operations at EL1. */
enum tlbi_op {
	TLBI_VMALLE1,
	TLBI_ASIDE1,
	TLBI_VAE1,
	TLBI_VALE1,
	TLBI_VAAE1,
	TLBI_VAALE1,
	TLBI_RVAE1,
	TLBI_RVALE1,
	TLBI_RVAAE1,
	TLBI_RVAALE1,
	TLBI_NR_OPS
};

extern const char *const tlbi_op_names[TLBI_NR_OPS];

static inline bool tlbi_is_range(enum tlbi_op op)
{
	return op >= TLBI_RVAE1;
}

/* Leaf-only forms: may keep walk-cache (non-leaf) entries. */
static inline bool tlbi_is_last_level(enum tlbi_op op)
{
	return op == TLBI_VALE1 || op == TLBI_VAALE1 || op == TLBI_RVALE1 ||
	       op == TLBI_RVAALE1;
}

/* Forms that ignore the ASID and hit every matching entry. */
static inline bool tlbi_is_all_asid(enum tlbi_op op)
{
	return op == TLBI_VAAE1 || op == TLBI_VAALE1 || op == TLBI_RVAAE1 ||
	       op == TLBI_RVAALE1;
}

/* One TLBI instruction: the operation, its Xt operand and the IS bit. */
struct tlbi {
	enum tlbi_op op;
	bool shareable; /* the Inner-Shareable (broadcast) form */
	uint64_t operand;
};

/* TTL hint: TTL[3:2] = granule (0b01 for 4 KiB), TTL[1:0] = level. */
#define TLBI_TTL_4K_LEVEL(level) (0x4u | (unsigned)(level))
#define TLBI_TG_4K 1u

/* Operand of the non-range VA forms: ASID[63:48], TTL[47:44], VA[55:12]. */
static inline uint64_t tlbi_vaddr(uint64_t va, uint16_t asid, unsigned ttl)
{
	return ((va >> 12) & ((1ULL << 44) - 1)) | ((uint64_t)(ttl & 0xf) << 44) |
	       ((uint64_t)asid << 48);
}

/* Operand of ASIDE1: ASID[63:48]. */
static inline uint64_t tlbi_asid(uint16_t asid)
{
	return (uint64_t)asid << 48;
}

/*
 * Operand of the range forms: ASID[63:48], TG[47:46], SCALE[45:44],
 * NUM[43:39], TTL[38:37], BaseADDR[36:0] = VA[48:12] for the 4 KiB granule.
 */
static inline uint64_t tlbi_vaddr_range(uint64_t va, uint16_t asid, unsigned scale,
					unsigned num, unsigned ttl_level)
{
	return ((va >> 12) & ((1ULL << 37) - 1)) | ((uint64_t)(ttl_level & 3) << 37) |
	       ((uint64_t)(num & 0x1f) << 39) | ((uint64_t)(scale & 3) << 44) |
	       ((uint64_t)TLBI_TG_4K << 46) | ((uint64_t)asid << 48);
}

/* Pages covered by a range operation: (NUM+1) << (5*SCALE+1). */
static inline uint64_t tlbi_range_pages(unsigned scale, unsigned num)
{
	return (uint64_t)(num + 1) << (5 * scale + 1);
}

/* What an operation selects, decoded from its operand. */
struct tlbi_target {
	bool all;	    /* VMALLE1 */
	bool any_asid;	    /* VAA*: entries of every ASID */
	bool asid_only;	    /* ASIDE1: non-global entries of asid */
	bool last_level;    /* leaf entries only */
	uint16_t asid;
	uint64_t va_start;  /* [va_start, va_last] in bytes, canonical VAs: */
	uint64_t va_last;   /* inclusive, so a range may end at 2^64 */
	unsigned level;	    /* TTL level hint 1..3, or 0 for any */
};

void tlbi_decode(const struct tlbi *op, struct tlbi_target *t);

#endif
