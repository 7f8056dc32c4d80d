/* SPDX-License-Identifier: MIT */
/*
 * mmusim's results: a table for people, JSON and CSV for scripts. Each
 * printer reads nothing but the run's figures (struct sim_stats, filled by
 * replay_finish), so every output says the same.
 */
#ifndef MMUSIM_REPORT_H
#define MMUSIM_REPORT_H

#include <stdio.h>

#include "stats.h"

void report_table(FILE *f, const struct sim_stats *s);
/* The run's wall time and rate (varies run to run: mmusim prints it to stderr). */
void report_timing(FILE *f, const struct sim_stats *s);
void report_json(FILE *f, const struct sim_stats *s);
/*
 * One header line and one row: the same columns, in the same order, for
 * every run (a figure that does not apply to the run is left empty), so
 * the rows of many runs go under one header. A column is named by the
 * figure's path in the JSON ("l1d.misses", "os.faults.cow"), a setting by
 * "config." and its key ("config.l1d.entries"); the values are the JSON's,
 * a setting's as -s takes it.
 */
void report_csv(FILE *f, const struct sim_stats *s);

#endif
