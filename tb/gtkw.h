/* SPDX-License-Identifier: MIT */
/* The GTKWave save file (FST.gtkw) and translate filters for an FST of mmu_top. */
#ifndef MMUSIM_GTKW_H
#define MMUSIM_GTKW_H

int write_gtkw(const char *fst, unsigned cores);

#endif
