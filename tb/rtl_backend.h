/* SPDX-License-Identifier: MIT */
/*
 * --backend rtl: the Verilated system top for this configuration, built
 * once (tb/rtl/build_top.sh) into build/rtl/cache/, or $XDG_CACHE_HOME/mmusim
 * when installed, and loaded with dlopen.
 * It translates every page the golden model translates, in lockstep, and
 * the first answer that differs stops the run.
 */
#ifndef MMUSIM_RTL_BACKEND_H
#define MMUSIM_RTL_BACKEND_H

#include <stdbool.h>
#include <stdint.h>

#include "latency.h"
#include "mmu.h"
#include "rtl/counters.h"
#include "rtl/top_shim.h"

/* The Verilated top of one configuration: its shim library, loaded. */
struct rtl_shim {
	void *lib;
	const struct rtl_top_ops *ops; /* the library's rtl_top_shim */
};

/*
 * What the back end drives: the shim's top itself (rtl_backend_open), or a
 * front end that passes every call on to it (tb/systemc: the TLM-2.0
 * sockets of the SystemC module; rtl_backend_attach).
 */
struct rtl_port {
	void *ctx;
	unsigned (*translate)(void *ctx, unsigned core, uint64_t ttbr0, uint64_t va,
			      enum mmu_access acc, struct mmu_result *out);
	void (*tlbi)(void *ctx, unsigned core, const struct tlbi *op);
	unsigned (*sync)(void *ctx); /* cycles until the sync completed */
	int (*errors)(void *ctx);
	void (*counters)(void *ctx, unsigned core, struct rtl_core_counters *out);
};

struct rtl_backend {
	struct rtl_shim shim;
	struct rtl_top *top; /* rtl_backend_open's, or NULL */
	struct rtl_port port;
	uint64_t pages, cycles;
	uint64_t tlbis, syncs;		/* TLBIs issued; DSBs that waited for them */
	uint64_t sync_cycles, sync_max; /* first TLBI of a batch to its DSB's end */
	uint64_t batch;			/* TLBIs since the last DSB, their cycles */
	struct latency_stats latency; /* RTL cycles per page, by outcome */
	struct rtl_core_counters total; /* the RTL's counters, every core's summed */
	char mismatch[512]; /* the first difference, or empty */
};

/* The random policy's state both back ends start from (seed-derived). */
uint64_t rtl_random_state(uint64_t seed);

/*
 * Finds (or builds, once) the Verilated top of cfg's configuration and
 * loads it. Its sources are the repository above the running program (the
 * model kept in its build/rtl/cache/), an installation's share/mmusim
 * beside the program's bin/ (kept in $XDG_CACHE_HOME/mmusim, by default
 * ~/.cache/mmusim), or what the environment variable MMUSIM_ROOT names.
 */
int rtl_shim_load(struct rtl_shim *s, const struct sim_config *cfg, char *err, size_t errlen);
void rtl_shim_unload(struct rtl_shim *s);

/* Loads the shim and makes its top, whose walkers read through read64. */
int rtl_backend_open(struct rtl_backend *b, const struct sim_config *cfg,
		     uint64_t (*read64)(void *, uint64_t), void *ctx, char *err, size_t errlen);
/* Drives a top someone else made, through port. */
void rtl_backend_attach(struct rtl_backend *b, const struct rtl_port *port);
/* Translates on the RTL and compares with the golden answer. */
void rtl_backend_check(struct rtl_backend *b, unsigned core, uint64_t ttbr0, uint64_t va,
		       enum mmu_access acc, const struct mmu_result *golden);
/* A TLBI from core into the fabric; the DSB after a batch of them waits for them all. */
void rtl_backend_tlbi(struct rtl_backend *b, unsigned core, const struct tlbi *op);
void rtl_backend_dsb(struct rtl_backend *b);
/*
 * At the end of the trace: the RTL's own counters of each core (walks,
 * descriptor reads, walk-cache lookups and hits per level) must equal the
 * golden walkers'. Sums them into b->total.
 */
void rtl_backend_finish(struct rtl_backend *b, const struct mmu *m);
void rtl_backend_close(struct rtl_backend *b);

#endif
