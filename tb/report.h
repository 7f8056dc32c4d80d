/* SPDX-License-Identifier: MIT */
/* mmusim's results: a table for people, JSON for scripts. */
#ifndef MMUSIM_REPORT_H
#define MMUSIM_REPORT_H

#include <stdio.h>

#include "mmu.h"

struct replay;

struct run_info {
	const char *trace;
	const char *format;
	uint64_t records, events;
	double seconds;
	const struct replay *rp;
};

void report_table(FILE *f, const struct mmu *m, const struct run_info *run);
/* The run's wall time and rate (varies run to run: mmusim prints it to stderr). */
void report_timing(FILE *f, const struct run_info *run);
void report_json(FILE *f, const struct mmu *m, const struct run_info *run);

#endif
