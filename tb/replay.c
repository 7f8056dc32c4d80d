// SPDX-License-Identifier: MIT
#include "replay.h"

#include <stdarg.h>

/*
 * Valgrind prints a thread's exit before the thread's last instructions, so
 * a thread's exit takes effect when another thread runs, and a process's
 * (exit_group, or the old image's other threads at an exec) when another
 * process runs, or at the end of the trace: its other threads may still run
 * until then.
 */
enum { EXIT_NONE, EXIT_THREAD, EXIT_GROUP };

#include <stdlib.h>
#include <string.h>

uint64_t replay_read_pmem(void *ctx, uint64_t pa)
{
	const struct replay *rp = ctx;

	return pmem_read64(&rp->os.pa.pmem, pa);
}

bool replay_read_error(void *ctx, uint64_t pa)
{
	const struct replay *rp = ctx;

	for (unsigned i = 0; i < rp->nabort_pa; i++)
		if (rp->abort_pa[i] == pa)
			return true;
	return false;
}

/*
 * fault.walk_abort: the golden walker's read of pa failed. A walk stops at
 * its first failed read and the access at its first faulting page, and the
 * RTL catches up at once after a fault, so at most one address is kept
 * until the fault has been handled (access() forgets it).
 */
static void walk_aborted(void *ctx, uint64_t pa)
{
	struct replay *rp = ctx;

	if (rp->nabort_pa < sizeof(rp->abort_pa) / sizeof(rp->abort_pa[0]))
		rp->abort_pa[rp->nabort_pa++] = pa;
}

/* The page tables a core translates with: the OS model's, or (--os none on the RTL) identity's. */
static uint64_t ttbr0_of(const struct replay *rp, unsigned core)
{
	return rp->linux_os ? rp->os.cpu[core].ttbr0 : identity_ttbr0(&rp->cfg);
}

/* The cores' walkers read the page tables the OS model built (or identity's). */
static void table_walk(void *ctx, unsigned core, uint64_t va, enum mmu_access acc,
		       struct walk_result *out)
{
	struct replay *rp = ctx;

	walker_walk(&rp->mmu.core[core].ptw, ttbr0_of(rp, core), va, acc, out);
}

/* The OS model's TLB maintenance reaches the golden TLBs (and the RTL's). */
static void os_tlbi(void *ctx, unsigned cpu, const struct tlbi *op)
{
	struct replay *rp = ctx;

	mmu_tlbi(&rp->mmu, cpu, op);
	if (rp->use_rtl)
		rtl_backend_tlbi(&rp->rtl, cpu, op);
}

/* The golden TLBs apply a TLBI at once; the RTL's fabric completes it by the DSB. */
static void os_dsb(void *ctx, unsigned cpu, bool shareable)
{
	struct replay *rp = ctx;

	(void)shareable; /* the fabric's sync waits for every core: enough for NSH too */
	if (rp->use_rtl)
		rtl_backend_dsb(&rp->rtl, cpu);
}

/* --backend rtl: every page the golden model answers, the RTL answers too. */
static void rtl_check(void *ctx, unsigned core, uint64_t va, enum mmu_access acc, uint16_t asid,
		      const struct mmu_result *golden)
{
	struct replay *rp = ctx;

	(void)asid;
	rtl_backend_check(&rp->rtl, core, ttbr0_of(rp, core), va, acc, golden);
	if (rp->rtl.mismatch[0] && !rp->err[0]) /* it names its record */
		snprintf(rp->err, sizeof(rp->err), "%.480s", rp->rtl.mismatch);
}

/* The kernel's messages (the OOM killer's) go to stderr as they come. */
static void kernel_log(void *ctx, const char *msg)
{
	(void)ctx;
	fprintf(stderr, "mmusim: kernel: %s\n", msg);
}

/*
 * Between records kswapd runs if an allocation woke it, and OOM victims
 * killed while faulting are torn down; once every traced thread is gone
 * the replay ends.
 */
static void memory_pressure(struct replay *rp)
{
	os_run_kswapd(&rp->os);
	os_oom_reap(&rp->os);
	for (uint32_t tid = 1; tid < rp->nthreads; tid++)
		if (rp->thread[tid] && !rp->thread[tid]->exited)
			return;
	rp->oom_ended = true;
}

static int fail(struct replay *rp, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(struct replay *rp, const char *fmt, ...)
{
	char msg[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(rp->err, sizeof(rp->err), "record %llu: %s", (unsigned long long)rp->record, msg);
	return -1;
}

static void warn(struct replay *rp, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void warn(struct replay *rp, const char *fmt, ...)
{
	va_list ap;
	char msg[200];

	if (rp->nwarnings >= REPLAY_MAX_WARNINGS)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(rp->warning[rp->nwarnings++], sizeof(rp->warning[0]), "record %llu: %s",
		 (unsigned long long)rp->record, msg);
}

int replay_init(struct replay *rp, const struct sim_config *cfg, bool check)
{
	return replay_init_port(rp, cfg, check, NULL);
}

/* The OS model, its TLB maintenance reaching the golden TLBs and the RTL. */
static int boot_os(struct replay *rp, const struct sim_config *cfg)
{
	struct os_config oc;

	os_default_config(&oc);
	oc.mem.mem_bytes = cfg->mem_bytes;
	if (oc.mem.dma32_limit > cfg->mem_bytes)
		oc.mem.dma32_limit = cfg->mem_bytes;
	if (oc.mem.dma_limit > cfg->mem_bytes)
		oc.mem.dma_limit = cfg->mem_bytes;
	oc.nr_cpus = cfg->cores;
	oc.asid_bits = cfg->asid_bits;
	oc.tlb_range = cfg->tlbi_range;
	oc.tlb_ttl = cfg->ttl;
	oc.thp = cfg->thp;
	oc.va_bits = cfg->va_bits;
	oc.swap_bytes = cfg->swap_bytes;
	oc.swappiness = cfg->swappiness;
	if (os_init(&rp->os, &oc)) {
		snprintf(rp->err, sizeof(rp->err), "the OS model could not boot");
		return -1;
	}
	rp->os.tlbi = os_tlbi;
	rp->os.dsb = os_dsb;
	rp->os.tlbi_ctx = rp;
	rp->os.log = kernel_log;
	return 0;
}

int replay_init_port(struct replay *rp, const struct sim_config *cfg, bool check,
		     const struct rtl_port *port)
{
	memset(rp, 0, sizeof(*rp));
	rp->cfg = *cfg;
	rp->check = check;
	rp->linux_os = cfg->os == OS_LINUX;
	rp->core_tid = 1; /* thread 1 on core 0 */
	rp->fast_tid = FAST_NONE;
	if (!rp->linux_os && cfg->backend != BACKEND_RTL)
		return mmu_init(&rp->mmu, cfg, identity_walk, &rp->mmu.cfg);
	/* what the walkers read: the OS model's memory, or identity's tables */
	uint64_t (*read64)(void *, uint64_t) = rp->linux_os ? replay_read_pmem : identity_table_read;
	void *mem = rp->linux_os ? (void *)rp : (void *)&rp->cfg;

	if (rp->linux_os && boot_os(rp, cfg))
		return -1;
	if (mmu_init(&rp->mmu, cfg, table_walk, rp))
		return -1;
	for (unsigned c = 0; c < cfg->cores; c++) {
		struct walker *w = &rp->mmu.core[c].ptw;

		if (walker_init(w, cfg->va_bits, cfg->mem_latency, cfg->walk_cache, read64, mem))
			return -1;
		if (cfg->walk_abort) {
			w->abort_va = cfg->walk_abort;
			w->abort_level = cfg->walk_abort_level;
			w->aborted = walk_aborted;
		}
	}
	if (cfg->backend == BACKEND_RTL) {
		if (port && (cfg->walk_abort || cfg->drop_ack)) {
			/* the front end's memory and fabric are its own: no injection there */
			snprintf(rp->err, sizeof(rp->err),
				 "fault.walk_abort and fault.drop_ack need mmusim's own RTL top");
			return -1;
		}
		if (port)
			rtl_backend_attach(&rp->rtl, port);
		else if (rtl_backend_open(&rp->rtl, cfg, read64, rp->linux_os ? replay_read_error : NULL,
					  mem, rp->err, sizeof(rp->err)))
			return -1;
		rp->use_rtl = true;
		rp->rtl.record = &rp->record;
		rp->mmu.check = rtl_check;
		rp->mmu.check_ctx = rp;
		rtl_random_tlbs(&rp->mmu);
	}
	if (!rp->linux_os)
		return 0;
	/* thread 1 is the traced process */
	struct task_struct *t = os_create_process(&rp->os);

	if (!t || !(rp->thread = calloc(2, sizeof(*rp->thread))) ||
	    !(rp->exiting = calloc(2, sizeof(*rp->exiting)))) {
		snprintf(rp->err, sizeof(rp->err), "out of memory");
		return -1;
	}
	if (!(rp->leader = calloc(2, sizeof(*rp->leader)))) {
		snprintf(rp->err, sizeof(rp->err), "out of memory");
		return -1;
	}
	rp->thread[1] = t;
	rp->leader[1] = 1;
	rp->nthreads = 2;
	rp->running = 1;
	return 0;
}

/* Thread t runs on core (t - 1) mod cores; consecutive records mostly share a thread. */
static unsigned core_of(struct replay *rp, uint32_t tid)
{
	if (tid != rp->core_tid) {
		rp->core_tid = tid;
		rp->core_of_tid = (tid - 1) % rp->cfg.cores;
	}
	return rp->core_of_tid;
}

static struct task_struct *task_of(struct replay *rp, uint32_t tid)
{
	return tid < rp->nthreads ? rp->thread[tid] : NULL;
}

#define MAX_THREAD_ID (1u << 20)

/* Thread tid is task t, of the process whose first thread is leader. */
static int set_thread(struct replay *rp, uint32_t tid, struct task_struct *t, uint32_t leader)
{
	if (tid == 0 || tid > MAX_THREAD_ID)
		return fail(rp, "thread id %u out of range 1..%u", tid, MAX_THREAD_ID);
	if (tid >= rp->nthreads) {
		uint32_t n = tid + 16;
		struct task_struct **v = realloc(rp->thread, n * sizeof(*v));
		uint8_t *e = v ? realloc(rp->exiting, n * sizeof(*e)) : NULL;
		uint32_t *l = e ? realloc(rp->leader, n * sizeof(*l)) : NULL;

		if (v)
			rp->thread = v;
		if (e)
			rp->exiting = e;
		if (!l)
			return fail(rp, "out of memory");
		rp->leader = l;
		memset(rp->thread + rp->nthreads, 0, (n - rp->nthreads) * sizeof(*v));
		memset(rp->exiting + rp->nthreads, 0, (n - rp->nthreads) * sizeof(*e));
		memset(rp->leader + rp->nthreads, 0, (n - rp->nthreads) * sizeof(*l));
		rp->nthreads = n;
	}
	rp->thread[tid] = t;
	rp->exiting[tid] = EXIT_NONE;
	rp->leader[tid] = leader;
	return 0;
}

/* --dump maps: the maps of the process of thread tid, kept as they are now. */
static void keep_maps(struct replay *rp, uint32_t tid, const struct mm_struct *mm)
{
	struct replay_maps *v = realloc(rp->maps, (rp->nmaps + 1) * sizeof(*v));
	size_t len;
	FILE *f;

	/* an image an exec ended is not the process's last: the last one wins */
	for (uint32_t i = 0; v && i < rp->nmaps; i++) {
		if (v[i].leader == rp->leader[tid]) {
			free(v[i].text);
			v[i] = v[--rp->nmaps];
		}
	}
	if (!v) {
		fail(rp, "out of memory");
		return;
	}
	rp->maps = v;
	v[rp->nmaps].leader = rp->leader[tid];
	v[rp->nmaps].text = NULL;
	f = open_memstream(&v[rp->nmaps].text, &len);
	if (!f) {
		fail(rp, "out of memory");
		return;
	}
	dump_maps(&rp->os, mm, f);
	fclose(f);
	rp->nmaps++;
}

/* Thread tid's task ends; the last of its process keeps the process's maps. */
static void end_thread(struct replay *rp, uint32_t tid)
{
	struct task_struct *t = rp->thread[tid];

	if (rp->keep_maps && t->mm && t->mm->mm_users == 1)
		keep_maps(rp, tid, t->mm);
	os_exit(&rp->os, t);
}

static int cmp_maps(const void *a, const void *b)
{
	const struct replay_maps *x = a, *y = b;

	return (x->leader > y->leader) - (x->leader < y->leader);
}

void replay_dump_maps(struct replay *rp, FILE *f, uint32_t (*pid_of)(const void *, uint32_t),
		      const void *ctx)
{
	uint32_t ended = rp->nmaps;

	/* the processes still running: their first live thread's view */
	for (uint32_t tid = 1; tid < rp->nthreads; tid++) {
		struct task_struct *t = rp->thread[tid];
		bool seen = false;

		if (!t || t->exited)
			continue;
		for (uint32_t i = ended; i < rp->nmaps && !seen; i++)
			seen = rp->maps[i].leader == rp->leader[tid];
		if (!seen)
			keep_maps(rp, tid, t->mm);
	}
	qsort(rp->maps, rp->nmaps, sizeof(*rp->maps), cmp_maps);
	for (uint32_t i = 0; i < rp->nmaps; i++) {
		uint32_t pid = pid_of ? pid_of(ctx, rp->maps[i].leader) : 0;

		if (rp->nmaps > 1)
			fprintf(f, "# process %u\n", pid ? pid : rp->maps[i].leader);
		fputs(rp->maps[i].text, f);
	}
}

/* A forked process runs: its thread is known from its first record on. */
static struct task_struct *born(struct replay *rp, uint32_t tid)
{
	for (uint32_t i = 0; i < rp->nunborn; i++) {
		if (rp->unborn[i].tid != tid)
			continue;
		struct task_struct *t = rp->unborn[i].task;

		rp->unborn[i] = rp->unborn[--rp->nunborn];
		return set_thread(rp, tid, t, tid) ? NULL : t;
	}
	return NULL;
}

static void check_now(struct replay *rp)
{
	const char *why;

	if (rp->check && !rp->err[0] && (why = check_os(&rp->os)))
		fail(rp, "invariant broken: %s", why);
}

/*
 * Tears down the threads whose exit is due, all but except: those of
 * processes other than the one whose address space mm is (NULL: all).
 */
static void finish_exits(struct replay *rp, uint32_t except, const struct mm_struct *mm)
{
	for (uint32_t tid = 1; tid < rp->nthreads; tid++) {
		if (!rp->exiting[tid] || tid == except || !rp->thread[tid] ||
		    (rp->exiting[tid] == EXIT_GROUP && mm && rp->thread[tid]->mm == mm))
			continue;
		end_thread(rp, tid);
		rp->exiting[tid] = EXIT_NONE;
	}
}

static int segment(struct replay *rp, const struct trace_rec *t, struct mm_struct *mm)
{
	const char *why = NULL;
	struct address_space *file = NULL;

	switch (t->map.kind) {
	case SEG_HEAP:
		mm->start_brk = mm->brk = t->addr;
		return 0;
	case SEG_STACK:
		if (os_mmap(&rp->os, mm, t->addr, t->len, t->map.prot,
			    MAP_PRIVATE | MAP_ANONYMOUS | MAP_GROWSDOWN, NULL, 0, &why))
			return fail(rp, "stack segment at %#llx: %s", (unsigned long long)t->addr, why);
		os_set_stack(mm, t->addr + t->len - 1, t->addr + t->len);
		return 0;
	case SEG_FILE:
		file = rp->os.nr_files > t->map.file ? rp->os.files[t->map.file] : NULL;
		if (!file)
			return fail(rp, "segment maps file %u, which no file record named",
				    t->map.file);
		if (t->map.sized) /* past its end: SIGBUS */
			file->i_size = t->map.isize;
		break;
	default:
		break;
	}
	if (os_mmap(&rp->os, mm, t->addr, t->len, t->map.prot,
		    MAP_PRIVATE | (file ? 0 : MAP_ANONYMOUS), file, t->map.offset, &why))
		return fail(rp, "segment at %#llx: %s", (unsigned long long)t->addr, why);
	return 0;
}

static int event(struct replay *rp, const struct trace_rec *t)
{
	struct task_struct *task = task_of(rp, t->tid);
	const char *why = NULL;

	rp->events++;
	if (t->type == TR_FILE)
		return os_file(&rp->os, t->file.id, t->file.path) ? 0 : fail(rp, "out of memory");
	if (t->type == TR_SWITCH) {
		if (!task && !(task = born(rp, t->tid)))
			return rp->err[0] ? -1
					  : fail(rp, "switch to thread %u, which was never created",
						 t->tid);
		finish_exits(rp, t->tid, task->mm);
		rp->running = t->tid;
		return 0;
	}
	if (!task)
		return fail(rp, "%s by thread %u, which was never created",
			    trace_type_names[t->type], t->tid);
	if (task->exited)
		return 0;
	struct mm_struct *mm = task->mm;

	rp->os.cur_cpu = core_of(rp, t->tid);
	switch (t->type) {
	case TR_SEGMENT:
		return segment(rp, t, mm);
	case TR_MMAP: {
		struct address_space *file = NULL;

		if (t->map.file) {
			file = rp->os.nr_files > t->map.file ? rp->os.files[t->map.file] : NULL;
			if (!file)
				return fail(rp, "mmap of file %u, which no file record named",
					    t->map.file);
			if (t->map.sized) /* past its end: SIGBUS */
				file->i_size = t->map.isize;
		}
		if (os_mmap(&rp->os, mm, t->addr, t->len, t->map.prot, t->map.flags, file,
			    t->map.offset, &why))
			return fail(rp, "mmap %#llx+%#llx cannot be honoured: %s",
				    (unsigned long long)t->addr, (unsigned long long)t->len, why);
		return 0;
	}
	case TR_MUNMAP:
		if (os_munmap(&rp->os, mm, t->addr, t->len))
			return fail(rp, "munmap %#llx+%#llx cannot be honoured",
				    (unsigned long long)t->addr, (unsigned long long)t->len);
		return 0;
	case TR_MPROTECT:
		if (os_mprotect(&rp->os, mm, t->addr, t->len, t->map.prot, &why))
			return fail(rp, "mprotect %#llx+%#llx cannot be honoured: %s",
				    (unsigned long long)t->addr, (unsigned long long)t->len, why);
		return 0;
	case TR_BRK:
		if (os_brk(&rp->os, mm, t->addr, &why))
			return fail(rp, "brk %#llx cannot be honoured: %s", (unsigned long long)t->addr,
				    why);
		return 0;
	case TR_MREMAP:
		if (os_mremap(&rp->os, mm, t->addr, t->len, t->remap.addr, t->remap.len, &why))
			return fail(rp, "mremap %#llx cannot be honoured: %s",
				    (unsigned long long)t->addr, why);
		return 0;
	case TR_CLONE: {
		if (task_of(rp, t->clone.child) && !task_of(rp, t->clone.child)->exited)
			return fail(rp, "clone makes thread %u, which already exists",
				    t->clone.child);
		struct task_struct *child = os_clone(&rp->os, task, t->clone.flags);

		if (!child)
			return fail(rp, "clone: out of memory");
		if (t->clone.flags & CLONE_VM)
			return set_thread(rp, t->clone.child, child, rp->leader[t->tid]);
		/* a process: its records, if the trace has them, start with a switch to it */
		struct replay_unborn *v = realloc(rp->unborn, (rp->nunborn + 1) * sizeof(*v));

		if (!v)
			return fail(rp, "out of memory");
		rp->unborn = v;
		v[rp->nunborn++] = (struct replay_unborn){ t->clone.child, child };
		return 0;
	}
	case TR_EXEC:
		/* the process's other threads go; this one runs the new program in a new mm */
		for (uint32_t tid = 1; tid < rp->nthreads; tid++)
			if (tid != t->tid && rp->thread[tid] && rp->thread[tid]->mm == mm)
				rp->exiting[tid] = EXIT_GROUP;
		return os_exec(&rp->os, task) ? fail(rp, "exec: out of memory") : 0;
	case TR_EXIT:
		if (t->exit.group) {
			for (uint32_t tid = 1; tid < rp->nthreads; tid++)
				if (rp->thread[tid] && rp->thread[tid]->mm == mm)
					rp->exiting[tid] = EXIT_GROUP;
		} else if (rp->exiting[t->tid] != EXIT_GROUP) {
			rp->exiting[t->tid] = EXIT_THREAD;
		}
		return 0;
	default:
		return 0;
	}
}

/* The thread's next accesses may take the fast path until an event comes. */
static void fast_next(struct replay *rp, uint32_t tid, unsigned core, uint16_t asid)
{
	rp->fast_tid = rp->mmu.check ? FAST_NONE : tid;
	rp->fast_core = &rp->mmu.core[core];
	rp->fast_asid = asid;
}

/* Every traced thread has ended: nothing is left to replay. */
static bool all_ended(const struct replay *rp)
{
	for (uint32_t tid = 1; tid < rp->nthreads; tid++)
		if (rp->thread[tid] && !rp->thread[tid]->exited)
			return false;
	return true;
}

/*
 * A walk's descriptor read failed (fault.walk_abort): Linux's do_sea kills
 * the process (SIGKILL); the trace's later records of its threads are
 * skipped, and with no process left the replay ends. The RTL has answered
 * the page already (it catches up at every fault), so the failed address
 * is forgotten.
 */
static void external_abort(struct replay *rp, const struct trace_rec *t, struct task_struct *task,
			   const struct mmu_fault *f)
{
	enum access_type acc = f->access == MMU_EXEC ? ACCESS_EXEC :
			       f->access == MMU_WRITE ? ACCESS_WRITE : ACCESS_READ;
	uint32_t esr;

	rp->nabort_pa = 0;
	esr = do_sea(&rp->os, task, acc, f->level);
	rp->signals++;
	snprintf(rp->sea_message, sizeof(rp->sea_message),
		 "SIGKILL: synchronous external abort on the translation table walk, level %u, "
		 "ESR %#x, at %#llx",
		 f->level, esr, (unsigned long long)f->va);
	warn(rp, "%s (a %s) by thread %u: its process is killed", rp->sea_message,
	     acc == ACCESS_EXEC ? "fetch" : acc == ACCESS_WRITE ? "write" : "read", t->tid);
	rp->fast_tid = FAST_NONE;
	if (all_ended(rp))
		rp->sea_ended = true;
}

static void access(struct replay *rp, const struct trace_rec *t)
{
	unsigned core = core_of(rp, t->tid);
	struct mmu_fault f;

	if (!rp->linux_os) {
		mmu_access(&rp->mmu, core, t->type, t->addr, t->size, 1, true, &f);
		fast_next(rp, t->tid, core, 1);
		return;
	}
	struct task_struct *task = task_of(rp, t->tid);

	if (!task || task->exited) {
		rp->after_exit++;
		return;
	}
	if (rp->os.cpu[core].curr != task)
		os_switch_to(&rp->os, core, task);
	for (int attempt = 0; attempt < 4; attempt++) {
		uint16_t asid = (uint16_t)(rp->os.cpu[core].ttbr0 >> 48);

		if (mmu_access(&rp->mmu, core, t->type, t->addr, t->size, asid, attempt == 0, &f)) {
			fast_next(rp, t->tid, core, asid);
			return;
		}
		rp->os.cur_cpu = core;
		if (f.kind == MMU_FAULT_EXT_ABORT) {
			external_abort(rp, t, task, &f);
			return;
		}
		enum fault_result r = handle_page_fault(
			&rp->os, task->mm, f.va,
			f.access == MMU_EXEC ? ACCESS_EXEC : f.access == MMU_WRITE ? ACCESS_WRITE
									: ACCESS_READ);
		if (r != FAULT_OK) {
			static const char *const what[] = { "", "SIGSEGV (MAPERR)", "SIGSEGV (ACCERR)",
							    "SIGBUS", "out of memory" };

			rp->signals++;
			warn(rp, "%s at %#llx (%s %s fault, level %u) by thread %u", what[r],
			     (unsigned long long)f.va, trace_type_names[t->type],
			     mmu_fault_names[f.kind], f.level, t->tid);
			return;
		}
		check_now(rp);
	}
	warn(rp, "the access at %#llx still faults after the fault handler ran",
	     (unsigned long long)t->addr);
}

/*
 * Whether the OS model may write simulated memory (page tables) for this
 * event: all but a file's name and a thread switch while no exit is
 * pending (a switch may tear exited threads and processes down). The RTL's
 * queued pages must be translated before it does.
 */
static bool may_change_memory(const struct replay *rp, const struct trace_rec *t)
{
	if (t->type == TR_FILE)
		return false;
	if (t->type != TR_SWITCH)
		return true;
	for (uint32_t tid = 1; tid < rp->nthreads; tid++)
		if (rp->exiting[tid] != EXIT_NONE)
			return true;
	return false;
}

/*
 * The fast path (a hit in the L1 TLB of the running thread's core) keeps
 * its state in locals and counts records once per batch: only the other
 * paths read rp->record or change what the fast path relies on.
 */
int replay_batch(struct replay *rp, const struct trace_rec *recs, size_t n)
{
	uint64_t base = rp->record, fast_tid = rp->fast_tid;
	struct mmu_core *fast_core = rp->fast_core;
	uint16_t fast_asid = rp->fast_asid;
	size_t i;

	for (i = 0; i < n && !rp->oom_ended && !rp->sea_ended; i++) {
		const struct trace_rec *t = &recs[i];

		if (TR_IS_ACCESS(t->type) && t->tid == fast_tid &&
		    mmu_fast_hit(fast_core, t->type, t->addr, t->size, fast_asid))
			continue; /* a TLB hit: nothing for the OS to do */
		rp->record = base + i + 1;
		if (TR_IS_ACCESS(t->type)) {
			access(rp, t);
		} else {
			rp->fast_tid = FAST_NONE; /* events may change what the fast path relies on */
			if (!rp->linux_os) {
				rp->events++; /* --os none: every VA stays valid */
			} else {
				if (rp->use_rtl && may_change_memory(rp, t))
					rtl_backend_drain(&rp->rtl); /* the RTL catches up first */
				if (event(rp, t)) {
					rp->records += i + 1;
					return -1;
				}
				check_now(rp);
			}
		}
		if (rp->os.error[0] && !rp->err[0])
			fail(rp, "%s", rp->os.error);
		if (rp->linux_os && (rp->os.kswapd_wake || rp->os.oom_reap_pending || rp->os.nr_oom_kills)) {
			if (rp->use_rtl)
				rtl_backend_drain(&rp->rtl); /* reclaim changes page tables */
			memory_pressure(rp);
			check_now(rp);
			rp->fast_tid = FAST_NONE; /* reclaim and the OOM killer change mappings */
		}
		fast_tid = rp->fast_tid;
		fast_core = rp->fast_core;
		fast_asid = rp->fast_asid;
		if (rp->err[0]) {
			rp->records += i + 1;
			return -1;
		}
	}
	rp->record = base + i;
	rp->records += i;
	return 0;
}

/* The RTL's last answers and its counters against the golden model's. */
static int finish_rtl(struct replay *rp)
{
	if (rp->use_rtl) {
		rtl_backend_finish(&rp->rtl, &rp->mmu);
		if (rp->rtl.mismatch[0] && !rp->err[0])
			snprintf(rp->err, sizeof(rp->err), "%.480s", rp->rtl.mismatch);
	}
	return rp->err[0] ? -1 : 0;
}

/* The figures of the run, copied: the reports read nothing else. */
static void replay_stats(const struct replay *rp, struct sim_stats *st)
{
	const struct mmu *m = &rp->mmu;

	memset(st, 0, sizeof(*st));
	st->records = rp->records;
	st->events = rp->events;
	st->cfg = rp->cfg;
	mmu_totals(m, &st->total);
	for (unsigned c = 0; c < rp->cfg.cores; c++) {
		st->core[c] = m->core[c].st;
		for (int l = 0; l < 3; l++) {
			st->wc_lookups[l] += m->core[c].ptw.wc[l].lookups;
			st->wc_hits[l] += m->core[c].ptw.wc[l].hits;
		}
	}
	st->latency = m->latency;
	if (rp->linux_os) {
		st->os.st = rp->os.st;
		st->os.asid_rollovers = rp->os.asids.rollovers;
		st->os.signals = rp->signals;
		memcpy(st->os.vm_events, rp->os.vm_events, sizeof(st->os.vm_events));
		st->os.nr_vmstat = os_vmstat(&rp->os, st->os.vmstat);
	}
	if (rp->use_rtl) {
		const struct rtl_backend *b = &rp->rtl;
		struct rtl_figures *r = &st->rtl;

		r->pages = b->pages;
		r->cycles = b->cycles;
		r->tlbis = b->tlbis;
		r->syncs = b->syncs;
		r->sync_cycles = b->sync_cycles;
		r->sync_max = b->sync_max;
		r->total = b->total;
		r->latency = b->latency;
		r->parallel = b->parallel;
		r->elapsed = b->elapsed;
		memcpy(r->busy, b->busy, sizeof(r->busy));
		r->port_wait = b->port_wait;
		r->dvm_busy = b->dvm_busy;
		r->stale_answers = b->stale_answers;
	}
}

int replay_finish(struct replay *rp, struct sim_stats *st)
{
	mmu_settle(&rp->mmu);
	if (rp->use_rtl) /* before the exits free the page tables */
		rtl_backend_drain(&rp->rtl);
	if (rp->linux_os) { /* every process ends with the trace */
		for (uint32_t tid = 1; tid < rp->nthreads; tid++)
			if (rp->thread[tid] && !rp->thread[tid]->exited)
				rp->exiting[tid] = EXIT_GROUP;
		finish_exits(rp, 0, NULL);
		/* forked children never ran */
		for (unsigned i = 0; i < rp->os.nr_tasks; i++)
			if (!rp->os.tasks[i]->exited)
				os_exit(&rp->os, rp->os.tasks[i]);
		check_now(rp);
	}
	if (finish_rtl(rp))
		return -1;
	replay_stats(rp, st);
	return 0;
}

void replay_free(struct replay *rp)
{
	rp->os.tlbi = NULL; /* tearing down: no core is left to flush */
	rp->os.dsb = NULL;
	if (rp->use_rtl)
		rtl_backend_close(&rp->rtl);
	mmu_free(&rp->mmu);
	if (rp->linux_os)
		os_free(&rp->os);
	free(rp->thread);
	free(rp->exiting);
	free(rp->leader);
	free(rp->unborn);
	for (uint32_t i = 0; i < rp->nmaps; i++)
		free(rp->maps[i].text);
	free(rp->maps);
}
