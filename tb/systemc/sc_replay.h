/* SPDX-License-Identifier: MIT */
/*
 * tb/replay.c as the example platform drives it, behind a C interface (the
 * OS model's headers are C, not C++): the replay with its RTL port given,
 * the simulated physical memory the memory target serves, and mmusim's
 * report.
 */
#ifndef MMUSIM_SC_REPLAY_H
#define MMUSIM_SC_REPLAY_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "../../traces/trace.h"
#include "../config.h"
#include "../rtl_backend.h"

struct replay;
struct pmem;

struct replay *sc_replay_new(void);
/* Returns -1 with the reason in sc_replay_error(). */
int sc_replay_init(struct replay *rp, const struct sim_config *cfg, const struct rtl_port *port);
const struct pmem *sc_replay_pmem(struct replay *rp);
int sc_replay_batch(struct replay *rp, const struct trace_rec *recs, size_t n);
int sc_replay_finish(struct replay *rp);
const char *sc_replay_error(const struct replay *rp);
/* The warnings the replay collected, one a line, each after prefix. */
void sc_replay_warnings(const struct replay *rp, FILE *f, const char *prefix);
/* The RTL's figures: pages translated, TLBIs and DSBs issued. */
void sc_replay_rtl(const struct replay *rp, uint64_t *pages, uint64_t *tlbis, uint64_t *syncs);
/* After sc_replay_finish: mmusim's table (table != NULL) and JSON (json != NULL). */
void sc_replay_report(struct replay *rp, const char *trace, const char *format,
		      double seconds, FILE *table, FILE *json);
void sc_replay_free(struct replay *rp);

#endif
