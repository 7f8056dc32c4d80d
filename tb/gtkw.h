/* SPDX-License-Identifier: MIT */
/* The GTKWave save file (FST.gtkw) and translate filters for an FST of mmu_top. */
#ifndef MMUSIM_GTKW_H
#define MMUSIM_GTKW_H

#include <stdint.h>

/* Opens at cycle from, some 20 cycles across a 1600-pixel window. */
int write_gtkw(const char *fst, unsigned cores, uint64_t from);

#endif
