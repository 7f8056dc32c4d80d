/* SPDX-License-Identifier: MIT */
/*
 * A run's figures as plain data: what replay_finish leaves when the trace
 * is done, and all that the reports (tb/report.c) print. Nothing in it
 * points into the simulator (names point to constant strings), so it
 * outlives the replay, and a printer needs nothing else.
 */
#ifndef MMUSIM_STATS_H
#define MMUSIM_STATS_H

#include <stdbool.h>
#include <stdint.h>

#include "../model/mm.h"
#include "config.h"
#include "latency.h"
#include "mmu.h"
#include "rtl/counters.h"

/* --os linux: what Linux's memory manager did */
struct os_figures {
	struct os_stats st;
	uint64_t asid_rollovers, signals;
	uint64_t vm_events[NR_VM_EVENT_ITEMS];
	struct vmstat_item vmstat[NR_VMSTAT_ITEMS]; /* /proc/vmstat at the end */
	unsigned nr_vmstat;
};

/* --backend rtl: the Verilog MMU's own figures (tb/rtl_backend.h) */
struct rtl_figures {
	uint64_t pages, cycles;
	uint64_t tlbis, syncs;		/* TLBIs issued; DSBs that waited for them */
	uint64_t sync_cycles, sync_max; /* first TLBI of a batch to its DSB's end */
	struct rtl_core_counters total; /* every core's counters, summed */
	struct latency_stats latency;	/* RTL cycles per page, by outcome */
	bool parallel;			/* rtl.parallel: the figures below */
	uint64_t elapsed, busy[MAX_CORES + 1], port_wait, dvm_busy;
	uint64_t stale_answers; /* old mappings answered while a TLBI was in flight */
};

struct sim_stats {
	/* the run, set by the caller: the replay knows no trace names or clocks */
	const char *trace, *format;
	double seconds;
	uint64_t records, events;
	struct sim_config cfg;
	struct core_stats total, core[MAX_CORES]; /* cfg.cores of them */
	uint64_t wc_lookups[3], wc_hits[3];	  /* walk caches L0..L2, every core's */
	struct latency_stats latency;		  /* the golden model's cycles */
	struct os_figures os;			  /* cfg.os == OS_LINUX */
	struct rtl_figures rtl;			  /* cfg.backend == BACKEND_RTL */
};

#endif
