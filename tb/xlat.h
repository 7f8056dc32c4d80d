/* SPDX-License-Identifier: MIT */
/*
 * One page's translation as every side of the C/RTL boundary sees it: the
 * golden model (tb/mmu.c, tb/walker.c), the C-ABI shims around the
 * Verilated RTL (tb/rtl/), the RTL back end (tb/rtl_backend.c) and the
 * SystemC module. rtl/mmu_pkg.sv holds the same values under the same
 * names (access_e AccessRead.., fault_e FaultNone.., source_e SourceL1..).
 */
#ifndef MMUSIM_XLAT_H
#define MMUSIM_XLAT_H

#include <stdint.h>

/* The access a page is translated for (mmu_pkg::access_e). */
enum mmu_access { MMU_READ, MMU_WRITE, MMU_EXEC };

/*
 * A fault as the architecture classifies it (mmu_pkg::fault_e).
 * MMU_FAULT_EXT_ABORT: a descriptor read answered with an error, the
 * synchronous external abort on a translation table walk (FSC 0b0101LL).
 */
enum mmu_fault_kind {
	MMU_OK,
	MMU_FAULT_TRANSLATION,
	MMU_FAULT_ACCESS_FLAG,
	MMU_FAULT_PERMISSION,
	MMU_FAULT_EXT_ABORT,
	MMU_NR_FAULTS
};
extern const char *const mmu_fault_names[MMU_NR_FAULTS];

/* A walk that ended without a leaf to install: no PA, the level where it ended. */
static inline int mmu_fault_leaves_no_entry(enum mmu_fault_kind f)
{
	return f == MMU_FAULT_TRANSLATION || f == MMU_FAULT_ACCESS_FLAG || f == MMU_FAULT_EXT_ABORT;
}

/* Where the answer came from (mmu_pkg::source_e). */
enum xlat_source { XLAT_L1, XLAT_L2, XLAT_WALK };
extern const char *const xlat_source_names[3];

/* The answer for one page. */
struct mmu_result {
	enum mmu_fault_kind fault;
	unsigned level; /* the leaf's, or where the walk faulted */
	uint64_t pa;
	unsigned source; /* an enum xlat_source */
};

#endif
