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
#include "stats.h"

#define REPLAY_MAX_WARNINGS 5
#define FAST_NONE UINT64_MAX

struct replay {
	struct sim_config cfg;
	struct mmu mmu;
	struct os os;
	struct rtl_backend rtl;
	bool linux_os, check, use_rtl;
	bool oom_ended; /* the OOM killer killed every traced thread: nothing left to replay */
	bool sea_ended; /* so did the SIGKILLs of external aborts (fault.walk_abort) */
	char sea_message[160]; /* the last one: what the kernel said */
	/*
	 * fault.walk_abort: the descriptor addresses whose reads the memory
	 * answered with an error since the RTL last caught up; the RTL's
	 * walkers, reading the same memory, get the same error (replay_read_error)
	 */
	uint64_t abort_pa[4];
	unsigned nabort_pa;
	struct task_struct **thread; /* by trace thread id */
	uint32_t *leader;	     /* by trace thread id: its process's first thread */
	uint32_t nthreads;
	uint8_t *exiting; /* EXIT_THREAD or EXIT_GROUP seen, the teardown deferred */
	/* forked processes whose first record has not come yet */
	struct replay_unborn {
		uint32_t tid;
		struct task_struct *task;
	} *unborn;
	uint32_t nunborn;
	/* --dump maps: each process's maps when it ended (keep_maps) */
	bool keep_maps;
	struct replay_maps {
		uint32_t leader;
		char *text;
	} *maps;
	uint32_t nmaps;
	uint32_t running;
	uint32_t core_tid, core_of_tid; /* the last thread looked up, and its core */
	/*
	 * The thread whose last access went through with no event since: its
	 * next ones may take the MMU's fast path (mmu_fast_hit) straight away.
	 */
	uint64_t fast_tid; /* FAST_NONE: no thread */
	struct mmu_core *fast_core;
	uint16_t fast_asid;
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
/* Whether a read of pa fails (fault.walk_abort). */
bool replay_read_error(void *rp, uint64_t pa);
/* Returns -1 when the record cannot be honoured; rp->err says why. */
int replay_batch(struct replay *rp, const struct trace_rec *recs, size_t n);
/*
 * Every process's maps, as /proc/PID/maps gives them: those that ended as
 * they were then (with keep_maps), the others now; in order of their
 * first thread. With more than one process each starts with a line
 * "# process PID", PID from pid_of(ctx, first thread).
 */
void replay_dump_maps(struct replay *rp, FILE *f, uint32_t (*pid_of)(const void *, uint32_t),
		      const void *ctx);
/*
 * Ends every process (their address spaces are torn down) and leaves the
 * run's figures in st; records and events are counted, trace, format and
 * seconds are the caller's to set.
 */
int replay_finish(struct replay *rp, struct sim_stats *st);
void replay_free(struct replay *rp);

#endif
