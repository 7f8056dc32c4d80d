/* SPDX-License-Identifier: MIT */
/*
 * --backend rtl: the Verilated system top for this configuration, built
 * once (tb/rtl/build_top.sh) into build/rtl/cache/, or $XDG_CACHE_HOME/mmusim
 * when installed, and loaded with dlopen.
 * It translates every page the golden model translates, in the same order,
 * and the first answer that differs stops the run.
 *
 * Batches: the pages of a top of our own wait in a queue with their golden
 * answers, and the RTL translates up to RTL_BATCH of them in one call of
 * the shim (no C round trip per page). The queue drains before anything
 * the RTL's walkers could see changes: before a TLBI or a DSB, after a page
 * the golden model found faulting (the fault handler runs next), and when
 * the caller says the OS model is about to change memory (rtl_backend_drain:
 * before a trace event, before the exits at the end). So every walk reads
 * the page tables the golden walk read, and every figure is as if each page
 * were checked on its own.
 *
 * With rtl.parallel on, the cores run at once (rtl_top_run), and the TLBIs
 * and DSBs of the OS model join the queue instead of draining it: each is
 * issued by its core at its point of that core's stream while the other
 * cores go on translating. The order of the trace's events is kept by one
 * rule: a TLBI or DSB begins once every core has begun every page it has
 * before it in the trace, and no core begins a page after it until it has
 * begun. The issuing core itself waits at a DSB until it completes; the
 * others do not. Memory still changes only between two drains (the OS
 * model writes page tables only after one), so within a drain every walk
 * reads the same tables: those after the event whose TLBIs begin it.
 *
 * So a core may answer from an entry a TLBI in flight is about to remove.
 * The checking follows the RTL's interleaving:
 *  - a second golden model, the follower, translates each core's pages in
 *    the core's order and applies each TLBI at each core where the RTL
 *    reports it took effect (between two pages of that core: mmu_core takes
 *    a TLBI only there). Every RTL answer must equal the follower's, and at
 *    the end every RTL counter the follower's walkers count;
 *  - a scoreboard checks the architecture's rule on every answer: one that
 *    differs from a walk of the current tables (the old mapping) must come
 *    from a translation that began before a TLBI covering its page reached
 *    its core, and before the DSB after that TLBI completed. Such answers
 *    are counted (stale_answers).
 * What the first golden model (the trace's order, every TLBI at once)
 * counts stays the run's figures: it decides the faults the OS model
 * handles. Threads in a trace run for long stretches (Valgrind serializes
 * them), so the queue holds up to RTL_BATCH_PARALLEL operations (some
 * 100 MiB): the stretches of different threads between two events then
 * overlap.
 */
#ifndef MMUSIM_RTL_BACKEND_H
#define MMUSIM_RTL_BACKEND_H

#include <stdbool.h>
#include <stdint.h>

#include "latency.h"
#include "mmu.h"
#include "rtl/counters.h"
#include "rtl/top_shim.h"

#define RTL_BATCH 4096 /* pages a drain hands the shim at most */
/* ... with rtl.parallel: enough for the threads of a trace to overlap */
#define RTL_BATCH_PARALLEL (1u << 20)

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
	/* the caller's trace record, named in messages (NULL: none) */
	const uint64_t *record;
	/* rtl_backend_open's queue of pages still to translate (see above) */
	struct rtl_op *queue;
	struct mmu_result *golden, *answer;
	uint64_t *queue_record;
	uint32_t *queue_cycles;
	uint64_t *queue_start; /* parallel: the cycle each began */
	unsigned queued, capacity;
	bool parallel;	  /* rtl.parallel: drains run the cores at once */
	uint64_t elapsed; /* parallel: cycles the drains took */
	uint64_t busy[MAX_CORES + 1]; /* parallel: cycles with k cores translating */
	uint64_t port_wait, dvm_busy; /* the top's counters, at the end */
	/* parallel: the golden model in the RTL's interleaving, a walker with no
	 * walk caches for the scoreboard, and the TLBI effects of a drain */
	struct mmu *follower;
	uint64_t follower_ttbr0; /* of the page it translates */
	struct walker fresh;
	uint64_t stale_answers; /* old mappings answered while a TLBI was in flight */
	uint64_t group_start;	/* the cycle the first TLBI since the last DSB was issued */
	bool group_open;	/* a TLBI has been issued since the last DSB */
	uint64_t watchdog;	      /* rtl.watchdog: cycles any wait may take */
	char mismatch[512]; /* the first difference ("record N: ..."), or empty */
};

/* The random policy's state both back ends start from (seed-derived). */
uint64_t rtl_random_state(uint64_t seed);
/* Starts the random streams of m's TLBs where the RTL's start. */
void rtl_random_tlbs(struct mmu *m);

/*
 * Finds (or builds, once) the Verilated top of cfg's configuration and
 * loads it. Its sources are the repository above the running program (the
 * model kept in its build/rtl/cache/), an installation's share/mmusim
 * beside the program's bin/ (kept in $XDG_CACHE_HOME/mmusim, by default
 * ~/.cache/mmusim), or what the environment variable MMUSIM_ROOT names.
 */
int rtl_shim_load(struct rtl_shim *s, const struct sim_config *cfg, char *err, size_t errlen);
void rtl_shim_unload(struct rtl_shim *s);

/*
 * Loads the shim and makes its top, whose walkers read through read64;
 * read_error (or NULL) says which reads fail (fault.walk_abort), and the
 * watchdog and fault.drop_ack come from cfg.
 */
int rtl_backend_open(struct rtl_backend *b, const struct sim_config *cfg,
		     uint64_t (*read64)(void *, uint64_t), bool (*read_error)(void *, uint64_t),
		     void *ctx, char *err, size_t errlen);
/* Drives a top someone else made, through port. */
void rtl_backend_attach(struct rtl_backend *b, const struct rtl_port *port);
/* Translates on the RTL (at once, or queued) and compares with the golden answer. */
void rtl_backend_check(struct rtl_backend *b, unsigned core, uint64_t ttbr0, uint64_t va,
		       enum mmu_access acc, const struct mmu_result *golden);
/* Translates every queued page and compares; before the OS model changes memory. */
void rtl_backend_drain(struct rtl_backend *b);
/* A TLBI from core into the fabric; the DSB after a batch of them waits for them all. */
void rtl_backend_tlbi(struct rtl_backend *b, unsigned core, const struct tlbi *op);
void rtl_backend_dsb(struct rtl_backend *b, unsigned core);
/*
 * At the end of the trace: the RTL's own counters of each core (walks,
 * descriptor reads, walk-cache lookups and hits per level) must equal the
 * golden walkers'. Sums them into b->total.
 */
void rtl_backend_finish(struct rtl_backend *b, const struct mmu *m);
void rtl_backend_close(struct rtl_backend *b);

#endif
