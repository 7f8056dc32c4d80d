/* SPDX-License-Identifier: MIT */
/*
 * The replay loop: trace records drive the cores' translations; with --os
 * linux, memory events go to the OS model, translation faults to its fault
 * handler (and the access is replayed), and its TLB maintenance to the
 * TLBs and walk caches of the cores it reaches.
 */
#ifndef MMUSIM_REPLAY_H
#define MMUSIM_REPLAY_H

#include <stdio.h>

#include "../model/mm.h"
#include "../traces/trace.h"
#include "mmu.h"
#include "rtl_backend.h"

#define REPLAY_MAX_WARNINGS 5

struct replay {
	struct sim_config cfg;
	struct mmu mmu;
	struct os os;
	struct rtl_backend rtl;
	bool linux_os, check, use_rtl;
	bool oom_ended; /* the OOM killer killed every traced thread: nothing left to replay */
	struct task_struct **thread; /* by trace thread id */
	uint32_t nthreads;
	uint8_t *exiting; /* EXIT_THREAD or EXIT_GROUP seen, the teardown deferred */
	uint32_t running;
	uint32_t core_tid, core_of_tid; /* the last thread looked up, and its core */
	uint64_t record; /* number of the record being replayed, from 1 */
	uint64_t records, events, signals, after_exit;
	char err[512];
	char warning[REPLAY_MAX_WARNINGS][256];
	unsigned nwarnings;
};

int replay_init(struct replay *rp, const struct sim_config *cfg, bool check);
/*
 * The same, but with --backend rtl the RTL is reached through port (a top
 * someone else made: tb/systemc's TLM-2.0 module) instead of a top of its own.
 */
int replay_init_port(struct replay *rp, const struct sim_config *cfg, bool check,
		     const struct rtl_port *port);
/* The simulated physical memory the OS model's page tables live in (--os linux). */
uint64_t replay_read_pmem(void *rp, uint64_t pa);
/* Returns -1 when the record cannot be honoured; rp->err says why. */
int replay_batch(struct replay *rp, const struct trace_rec *recs, size_t n);
/* Ends every process: their address spaces are torn down. */
int replay_finish(struct replay *rp);
void replay_free(struct replay *rp);

#endif
