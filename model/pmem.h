/* SPDX-License-Identifier: MIT */
/*
 * Simulated physical memory, backed sparsely: a 4 KiB frame costs the host
 * memory only once something nonzero is written to it; untouched frames
 * read as zeros.
 */
#ifndef MMUSIM_PMEM_H
#define MMUSIM_PMEM_H

#include <stdbool.h>
#include <stdint.h>

#define PMEM_CHUNK_SHIFT 9 /* 512 frames a directory slot */

struct pmem {
	uint64_t nr_frames;
	uint8_t ***dir; /* [pfn >> 9][pfn & 511] -> 4 KiB, or NULL: zeros */
	uint64_t resident; /* frames with host memory behind them */
};

int pmem_init(struct pmem *p, uint64_t bytes);
void pmem_free(struct pmem *p);
bool pmem_valid(const struct pmem *p, uint64_t pa, unsigned size);
uint64_t pmem_read64(const struct pmem *p, uint64_t pa);
/* Returns -1 if the host has no memory left. */
int pmem_write64(struct pmem *p, uint64_t pa, uint64_t v);
void pmem_clear_frame(struct pmem *p, uint64_t pfn);
int pmem_copy_frame(struct pmem *p, uint64_t dst_pfn, uint64_t src_pfn);
bool pmem_frame_is_zero(const struct pmem *p, uint64_t pfn);

#endif
