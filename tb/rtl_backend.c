// SPDX-License-Identifier: MIT
#include "rtl_backend.h"
#include "rtl/top_shim.h"

#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <stdarg.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

uint64_t rtl_random_state(uint64_t seed)
{
	return (seed * 0x9e3779b97f4a7c15ULL) | 1;
}

void rtl_random_tlbs(struct mmu *m)
{
	uint64_t rs = rtl_random_state(m->cfg.seed);

	for (unsigned c = 0; c < m->cfg.cores; c++) {
		m->core[c].l1i.rng = rs ^ ((uint64_t)c << 8) ^ 1;
		m->core[c].l1d.rng = rs ^ ((uint64_t)c << 8) ^ 2;
		m->core[c].l2.rng = rs ^ ((uint64_t)c << 8) ^ 3;
	}
}

/* Is root/tb/rtl/build_top.sh there? Then root goes into out. */
static int try_root(const char *root, char *out, size_t n)
{
	char probe[PATH_MAX + 64];
	struct stat st;

	snprintf(probe, sizeof(probe), "%s/tb/rtl/build_top.sh", root);
	if (stat(probe, &st) || strlen(root) >= n)
		return -1;
	memcpy(out, root, strlen(root) + 1);
	return 0;
}

/*
 * Where the RTL sources and tb/rtl/build_top.sh are, and where the models
 * built from them are kept: $MMUSIM_ROOT, or an installation's
 * share/mmusim beside the program's bin/ (models in $XDG_CACHE_HOME/mmusim,
 * by default ~/.cache/mmusim), or the source tree above the program
 * (models in its build/rtl/cache).
 */
static int find_root(char *root, size_t n, char *cache, size_t cn)
{
	char exe[PATH_MAX], share[PATH_MAX + 32];
	const char *env = getenv("MMUSIM_ROOT");
	ssize_t len;

	if (env && *env) {
		if (strlen(env) >= n)
			return -1;
		memcpy(root, env, strlen(env) + 1);
		snprintf(cache, cn, "%s/build/rtl/cache", root);
		return 0;
	}
	len = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (len <= 0)
		return -1;
	exe[len] = 0;
	*strrchr(exe, '/') = 0;
	snprintf(share, sizeof(share), "%s/../share/mmusim", exe);
	if (!try_root(share, root, n)) {
		const char *xdg = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");

		if (xdg && *xdg == '/')
			snprintf(cache, cn, "%s/mmusim", xdg);
		else
			snprintf(cache, cn, "%s/.cache/mmusim", home && *home ? home : "/tmp");
		return 0;
	}
	for (char *slash = exe + strlen(exe); slash; slash = strrchr(exe, '/')) {
		*slash = 0;
		if (!try_root(exe, root, n)) {
			snprintf(cache, cn, "%s/build/rtl/cache", root);
			return 0;
		}
	}
	return -1;
}

/* FNV-1a over the bytes of root/path (nothing if it cannot be read). */
static uint64_t hash_file(uint64_t h, const char *root, const char *path)
{
	char full[2200];
	FILE *f;
	int ch;

	snprintf(full, sizeof(full), "%.2000s/%.190s", root, path);
	f = fopen(full, "rb");
	if (!f)
		return h;
	while ((ch = getc(f)) != EOF)
		h = (h ^ (uint64_t)ch) * 0x100000001b3ULL;
	fclose(f);
	return h;
}

static int svh_name(const struct dirent *d)
{
	size_t n = strlen(d->d_name);

	return n > 4 && !strcmp(d->d_name + n - 4, ".svh");
}

/*
 * FNV-1a over the sources a built model came from: a change rebuilds it.
 * The RTL is what its file list rtl/mmu.f names: the list itself, every
 * source in it and every header of its +incdir+ directories; then the
 * shim and the script that build the library.
 */
static uint64_t sources_hash(const char *root)
{
	static const char *const shim[] = {
		"tb/rtl/top_shim.cpp", "tb/rtl/top_shim.h", "tb/rtl/mem_port.h",
		"tb/rtl/vl_model.h",   "tb/rtl/counters.h", "tb/rtl/build_top.sh",
	};
	uint64_t h = hash_file(0xcbf29ce484222325ULL, root, "rtl/mmu.f");
	char path[2300], word[192];
	FILE *f;

	snprintf(path, sizeof(path), "%.2000s/rtl/mmu.f", root);
	f = fopen(path, "r");
	while (f && fscanf(f, "%191s", word) == 1) {
		struct dirent **names;
		int n;

		if (!strncmp(word, "//", 2)) { /* a comment, to the end of its line */
			fscanf(f, "%*[^\n]");
			continue;
		}
		if (strncmp(word, "+incdir+", 8)) {
			h = hash_file(h, root, word);
			continue;
		}
		snprintf(path, sizeof(path), "%.2000s/%s", root, word + 8);
		n = scandir(path, &names, svh_name, alphasort);
		for (int i = 0; i < n; i++) {
			char svh[512];

			snprintf(svh, sizeof(svh), "%s/%s", word + 8, names[i]->d_name);
			h = hash_file(h, root, svh);
			free(names[i]);
		}
		if (n >= 0)
			free(names);
	}
	if (f)
		fclose(f);
	for (size_t i = 0; i < sizeof(shim) / sizeof(shim[0]); i++)
		h = hash_file(h, root, shim[i]);
	return h;
}

/*
 * Seconds a Verilator build of c takes, roughly: measured on the 2-core
 * machine the tests run on (README, bench/rtl.sh), about 5 s plus 6 s a
 * core and 1 s per 150 TLB entries of a core; three times that with the
 * FST tracing of --wave.
 */
static unsigned build_estimate(const struct sim_config *c)
{
	unsigned entries = c->l1i.entries + c->l1d.entries + c->l2.entries;
	unsigned s = 5 + c->cores * (6 + entries / 150);

	return c->wave ? 3 * s : s;
}

int rtl_shim_load(struct rtl_shim *s, const struct sim_config *c, char *err, size_t errlen)
{
	char root[2048], cache[2100], params[1024], key[256], dir[2400], lib[2500];
	char cmd[6000];
	struct stat st;

	memset(s, 0, sizeof(*s));
	if (find_root(root, sizeof(root), cache, sizeof(cache))) {
		snprintf(err, errlen, "--backend rtl: cannot find tb/rtl/build_top.sh above the program, "
			 "nor its ../share/mmusim (set MMUSIM_ROOT)");
		return -1;
	}
	snprintf(params, sizeof(params),
		 "-GNumCores=%u -GHopLatency=%u -GL1iEntries=%u -GL1iWays=%u -GL1iPolicy=%u "
		 "-GL1dEntries=%u -GL1dWays=%u -GL1dPolicy=%u -GL2Entries=%u -GL2Ways=%u "
		 "-GL2Policy=%u -GVaBits=%u -GWcEntries=%u -GRandomState=64\\'h%llx",
		 c->cores, c->hop_latency, c->l1i.entries, c->l1i.ways, (unsigned)c->l1i.policy,
		 c->l1d.entries, c->l1d.ways, (unsigned)c->l1d.policy, c->l2.entries, c->l2.ways,
		 (unsigned)c->l2.policy, c->va_bits, c->walk_cache[0],
		 (unsigned long long)rtl_random_state(c->seed));
	snprintf(key, sizeof(key), "c%u_h%u_i%ux%u_%u_d%ux%u_%u_l%ux%u_%u_va%u_wc%u_s%llx_%016llx%s",
		 c->cores,
		 c->hop_latency, c->l1i.entries, c->l1i.ways, (unsigned)c->l1i.policy,
		 c->l1d.entries, c->l1d.ways, (unsigned)c->l1d.policy, c->l2.entries, c->l2.ways,
		 (unsigned)c->l2.policy, c->va_bits, c->walk_cache[0],
		 (unsigned long long)rtl_random_state(c->seed),
		 (unsigned long long)sources_hash(root), c->wave ? "_fst" : "");
	snprintf(dir, sizeof(dir), "%.2100s/%.255s", cache, key);
	snprintf(lib, sizeof(lib), "%.2300s/libmmu_top.so", dir);
	if (stat(lib, &st)) {
		fprintf(stderr,
			"mmusim: building the RTL model of this configuration once (%s),\n"
			"  roughly %u s on a 2-core machine; progress follows every 15 s\n",
			key, build_estimate(c));
		snprintf(cmd, sizeof(cmd),
			 "mkdir -p '%.1500s' && '%.1500s/tb/rtl/build_top.sh' '%.1900s' %s %.900s",
			 cache, root, dir, c->wave ? "--trace-fst" : "", params);
		int rc = system(cmd);

		if (rc != -1 && ((WIFSIGNALED(rc) && (WTERMSIG(rc) == SIGINT ||
						       WTERMSIG(rc) == SIGTERM)) ||
				 (WIFEXITED(rc) && (WEXITSTATUS(rc) == 130 ||
						    WEXITSTATUS(rc) == 143)))) {
			snprintf(err, errlen, "--backend rtl: the RTL build was interrupted; "
					      "nothing was kept");
			return -1;
		}
		if (rc != 0 || stat(lib, &st)) {
			snprintf(err, errlen, "--backend rtl: building the RTL model failed (needs verilator: make deps)");
			return -1;
		}
	}
	s->lib = dlopen(lib, RTLD_NOW | RTLD_LOCAL);
	if (!s->lib) {
		snprintf(err, errlen, "--backend rtl: %s", dlerror());
		return -1;
	}
	s->ops = dlsym(s->lib, "rtl_top_shim");
	if (!s->ops || s->ops->version != RTL_TOP_OPS_VERSION) {
		if (s->ops)
			snprintf(err, errlen,
				 "--backend rtl: %s has the shim's operations of version %u, "
				 "mmusim those of version %u",
				 lib, s->ops->version, RTL_TOP_OPS_VERSION);
		else
			snprintf(err, errlen, "--backend rtl: %s lacks the shim's operations "
					      "(rtl_top_shim)", lib);
		dlclose(s->lib);
		s->lib = NULL;
		return -1;
	}
	return 0;
}

void rtl_shim_unload(struct rtl_shim *s)
{
	if (s->lib)
		dlclose(s->lib);
	memset(s, 0, sizeof(*s));
}

/* The port of a top of our own: every call goes straight to the shim. */
static unsigned own_translate(void *ctx, unsigned core, uint64_t ttbr0, uint64_t va,
			      enum mmu_access acc, struct mmu_result *out)
{
	struct rtl_backend *b = ctx;

	return b->shim.ops->translate(b->top, core, ttbr0, va, acc, out);
}

static void own_tlbi(void *ctx, unsigned core, const struct tlbi *op)
{
	struct rtl_backend *b = ctx;

	b->shim.ops->tlbi(b->top, core, op);
}

static unsigned own_sync(void *ctx)
{
	struct rtl_backend *b = ctx;

	return b->shim.ops->sync(b->top);
}

static int own_errors(void *ctx)
{
	struct rtl_backend *b = ctx;

	return b->shim.ops->errors(b->top);
}

static void own_counters(void *ctx, unsigned core, struct rtl_core_counters *out)
{
	struct rtl_backend *b = ctx;

	b->shim.ops->counters(b->top, core, out);
}

/*
 * rtl.parallel: the golden model that follows the RTL's interleaving. Its
 * walkers read the page tables through the trace's read64, from the TTBR0
 * of the page it translates; a walker without walk caches reads them afresh
 * for the scoreboard.
 */
static void follower_walk(void *ctx, unsigned core, uint64_t va, enum mmu_access acc,
			  struct walk_result *out)
{
	struct rtl_backend *b = ctx;

	walker_walk(&b->follower->core[core].ptw, b->follower_ttbr0, va, acc, out);
}

/* The trace's own walker records which reads fail (fault.walk_abort); these only fail too. */
static void abort_seen(void *ctx, uint64_t pa)
{
	(void)ctx, (void)pa;
}

static int follower_open(struct rtl_backend *b, const struct sim_config *c,
			 uint64_t (*read64)(void *, uint64_t), void *ctx)
{
	static const unsigned no_walk_cache[3];

	b->follower = calloc(1, sizeof(*b->follower));
	if (!b->follower || mmu_init(b->follower, c, follower_walk, b))
		return -1;
	rtl_random_tlbs(b->follower);
	for (unsigned k = 0; k < c->cores; k++)
		if (walker_init(&b->follower->core[k].ptw, c->va_bits, c->mem_latency,
				c->walk_cache, read64, ctx))
			return -1;
	if (walker_init(&b->fresh, c->va_bits, c->mem_latency, no_walk_cache, read64, ctx))
		return -1;
	/* fault.walk_abort: the same reads fail for them (the trace's walker records which) */
	for (unsigned k = 0; k <= c->cores; k++) {
		struct walker *w = k < c->cores ? &b->follower->core[k].ptw : &b->fresh;

		w->abort_va = c->walk_abort;
		w->abort_level = c->walk_abort_level;
		w->aborted = c->walk_abort ? abort_seen : NULL;
	}
	return 0;
}

int rtl_backend_open(struct rtl_backend *b, const struct sim_config *c,
		     uint64_t (*read64)(void *, uint64_t), bool (*read_error)(void *, uint64_t),
		     void *ctx, char *err, size_t errlen)
{
	memset(b, 0, sizeof(*b));
	if (rtl_shim_load(&b->shim, c, err, errlen))
		return -1;
	b->top = b->shim.ops->new_top(read64, ctx, c->mem_latency);
	b->shim.ops->faults(b->top, &(struct rtl_faults){ .read_error = read_error,
							     .drop_ack = c->drop_ack,
							     .watchdog = c->watchdog });
	b->watchdog = c->watchdog;
	b->parallel = c->parallel;
	b->capacity = c->parallel && c->cores > 1 ? RTL_BATCH_PARALLEL : RTL_BATCH;
	b->queue = calloc(b->capacity, sizeof(*b->queue));
	b->golden = calloc(b->capacity, sizeof(*b->golden));
	b->answer = calloc(b->capacity, sizeof(*b->answer));
	b->queue_record = calloc(b->capacity, sizeof(*b->queue_record));
	b->queue_cycles = calloc(b->capacity, sizeof(*b->queue_cycles));
	b->queue_start = calloc(b->capacity, sizeof(*b->queue_start));
	if (!b->queue || !b->golden || !b->answer || !b->queue_record || !b->queue_cycles ||
	    !b->queue_start || (b->parallel && follower_open(b, c, read64, ctx))) {
		snprintf(err, errlen, "--backend rtl: out of memory");
		rtl_backend_close(b);
		return -1;
	}
	b->port = (struct rtl_port){ .ctx = b, .translate = own_translate, .tlbi = own_tlbi,
				     .sync = own_sync, .errors = own_errors,
				     .counters = own_counters };
	if (c->wave && b->shim.ops->wave_open(b->top, c->wave, c->wave_from, c->wave_to)) {
		snprintf(err, errlen, "--wave: cannot write %s", c->wave);
		rtl_backend_close(b); /* the top, the queue, the library */
		return -1;
	}
	return 0;
}

void rtl_backend_attach(struct rtl_backend *b, const struct rtl_port *port)
{
	memset(b, 0, sizeof(*b));
	b->port = *port;
	b->watchdog = RTL_TOP_LIMIT; /* the front end's top keeps the default */
}

/* The trace record now, for messages. */
static unsigned long long record_now(const struct rtl_backend *b)
{
	return b->record ? (unsigned long long)*b->record : 0;
}

/* Records the first difference, "record N: " first. */
static void mismatch(struct rtl_backend *b, unsigned long long record, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void mismatch(struct rtl_backend *b, unsigned long long record, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (b->mismatch[0])
		return;
	n = snprintf(b->mismatch, sizeof(b->mismatch), "record %llu: ", record);
	va_start(ap, fmt);
	vsnprintf(b->mismatch + n, sizeof(b->mismatch) - (size_t)n, fmt, ap);
	va_end(ap);
}

/* One page the RTL answered in cycles: counted, and compared with the golden answer. */
static void compare(struct rtl_backend *b, unsigned long long record, const struct rtl_op *p,
		    const struct mmu_result *g, const struct mmu_result *r, unsigned cycles)
{
	enum mmu_access acc = (enum mmu_access)p->acc;

	b->cycles += cycles;
	b->pages++;
	latency_add(&b->latency, latency_outcome_of(r->fault != MMU_OK, r->source), cycles);
	if (g->fault != r->fault || g->level != r->level || g->pa != r->pa || g->source != r->source)
		mismatch(b, record,
			 "RTL and golden model differ at page %llu (RTL cycle %llu), core %u, VA %#llx "
			 "(%s): golden %s level %u PA %#llx from %s, RTL %s level %u PA %#llx from %s",
			 (unsigned long long)b->pages, (unsigned long long)b->cycles, p->core,
			 (unsigned long long)p->va,
			 acc == MMU_EXEC ? "fetch" : acc == MMU_WRITE ? "write" : "read",
			 mmu_fault_names[g->fault], g->level, (unsigned long long)g->pa,
			 xlat_source_names[g->source % 3], mmu_fault_names[r->fault], r->level,
			 (unsigned long long)r->pa, xlat_source_names[r->source % 3]);
}

/* "tlbi vale1is", as the instruction is written */
static void tlbi_name(char *out, size_t len, const struct tlbi *op)
{
	snprintf(out, len, "tlbi %s%s", (unsigned)op->op < TLBI_NR_OPS ? tlbi_op_names[op->op] : "?",
		 op->shareable ? "is" : "");
}

/*
 * The watchdog's report of a wait that gave up: what waited, since which
 * cycle, and the core that held it up with the oldest TLBI it has not
 * acknowledged. ("" when the top cannot say: a front end's.)
 */
static void hang_report(struct rtl_backend *b, char *out, size_t len)
{
	struct rtl_hang h;
	char op[64], late[64];
	int n = 0;

	out[0] = 0;
	if (!b->top)
		return;
	b->shim.ops->hang(b->top, &h);
	switch (h.kind) {
	case RTL_HANG_PAGE:
		n = snprintf(out, len, "watchdog: core %u: the translation of VA %#llx (from cycle %llu) "
				       "had no answer after %llu cycles",
			     h.core, (unsigned long long)h.va, (unsigned long long)h.since,
			     (unsigned long long)h.waited);
		break;
	case RTL_HANG_TLBI:
		tlbi_name(op, sizeof(op), &h.tlbi);
		n = snprintf(out, len, "watchdog: core %u: %s (operand %#llx) could not enter the fabric "
				       "(from cycle %llu) after %llu cycles",
			     h.core, op, (unsigned long long)h.tlbi.operand,
			     (unsigned long long)h.since, (unsigned long long)h.waited);
		break;
	case RTL_HANG_SYNC:
		n = snprintf(out, len, "watchdog: DSB ISH (from cycle %llu) not complete after %llu cycles",
			     (unsigned long long)h.since, (unsigned long long)h.waited);
		break;
	default:
		return;
	}
	if (!h.stalled || n < 0 || (size_t)n >= len)
		return;
	if (!h.stalled_pending) {
		snprintf(out + n, len - (size_t)n, ": core %u has operations not applied", h.stalled_core);
		return;
	}
	tlbi_name(late, sizeof(late), &h.stalled_op);
	snprintf(out + n, len - (size_t)n,
		 ": core %u has not acknowledged %s (operand %#llx) from core %u, issued at cycle %llu "
		 "(%u not applied)",
		 h.stalled_core, late, (unsigned long long)h.stalled_op.operand, h.stalled_op_core,
		 (unsigned long long)h.stalled_op_cycle, h.stalled_pending);
}

static void stuck(struct rtl_backend *b, unsigned long long record, const struct rtl_op *p)
{
	char why[400];

	hang_report(b, why, sizeof(why));
	if (why[0])
		mismatch(b, record, "%s (page %llu of the run)", why, (unsigned long long)b->pages + 1);
	else
		mismatch(b, record, "the RTL did not answer page %llu (core %u, VA %#llx) within %llu cycles",
			 (unsigned long long)b->pages + 1, p->core, (unsigned long long)p->va,
			 (unsigned long long)b->watchdog);
}

/* The answer a walk of the tables as they are now gives for page p. */
static void walk_afresh(struct rtl_backend *b, const struct rtl_op *p, struct mmu_result *out)
{
	enum mmu_access acc = (enum mmu_access)p->acc;
	struct walk_result w;

	walker_walk(&b->fresh, p->ttbr0, p->va, acc, &w);
	out->fault = w.fault;
	if (w.fault == MMU_OK && !el0_permits(w.t.attrs, acc))
		out->fault = MMU_FAULT_PERMISSION;
	if (mmu_fault_leaves_no_entry(out->fault)) {
		out->level = w.level;
		out->pa = 0;
	} else {
		out->level = w.t.level;
		out->pa = w.t.pa_base |
			  (p->va & ((1ULL << level_shift((enum page_level)w.t.level)) - 1));
	}
}

static bool same_mapping(const struct mmu_result *a, const struct mmu_result *b)
{
	return a->fault == b->fault && a->level == b->level && a->pa == b->pa;
}

/*
 * Could the TLBI op remove what an answer for va (of asid) was read from:
 * a TLB entry of the page (walked false), or (walked) also a walk-cache
 * entry the walk went through? A walk-cache entry serves every VA of its
 * table's reach, up to the 512 GiB of an L0 entry, and a non-leaf TLBI
 * drops the entries whose reach its range meets, so for a walk the
 * scoreboard cannot tell which it used and takes the widest.
 */
static bool tlbi_covers(const struct rtl_op *op, uint64_t va, uint16_t asid, bool walked)
{
	struct tlbi t = { .op = (enum tlbi_op)op->acc, .shareable = op->shareable,
			  .operand = op->va };
	struct tlbi_target g;
	uint64_t first = va, last = va;

	tlbi_decode(&t, &g);
	if (g.all)
		return true;
	if (!g.any_asid && g.asid != asid)
		return false;
	if (walked && !g.last_level) {
		first = va & ~((1ULL << 39) - 1);
		last = first + (1ULL << 39) - 1;
	}
	return g.asid_only || (first <= g.va_last && last >= g.va_start);
}

/*
 * The scoreboard, for queue[i], an answer r that differs from a walk of
 * the current tables: some TLBI covering the page must have reached the
 * core only after the page began, and the DSB after that TLBI (if any in
 * this drain) must have completed only after the page began.
 */
static void scoreboard(struct rtl_backend *b, unsigned i, const struct mmu_result *r,
		       const struct mmu_result *now, const struct rtl_effect *eff, unsigned neff,
		       unsigned n)
{
	const struct rtl_op *p = &b->queue[i];
	uint16_t asid = (uint16_t)(p->ttbr0 >> 48);
	const char *why = "no TLBI covering it was in flight to the core";

	for (unsigned k = 0; k < neff; k++) {
		const struct rtl_effect *e = &eff[k];
		uint64_t done = UINT64_MAX;

		if (e->core != p->core || e->before <= i ||
		    !tlbi_covers(&b->queue[e->tlbi], p->va, asid, r->source == XLAT_WALK))
			continue;
		for (unsigned d = e->tlbi + 1; d < n; d++)
			if (b->queue[d].kind == RTL_OP_DSB && b->queue[d].core == b->queue[e->tlbi].core) {
				done = b->queue_start[d] + b->queue_cycles[d];
				break;
			}
		if (b->queue_start[i] < done) {
			b->stale_answers++;
			return;
		}
		why = "the DSB ISH after the TLBI covering it had completed when it began";
	}
	mismatch(b, b->queue_record[i],
		 "scoreboard: core %u answered VA %#llx (RTL cycle %llu) with %s level %u PA %#llx, "
		 "the page tables %s level %u PA %#llx, and %s",
		 p->core, (unsigned long long)p->va, (unsigned long long)b->queue_start[i],
		 mmu_fault_names[r->fault], r->level, (unsigned long long)r->pa,
		 mmu_fault_names[now->fault], now->level, (unsigned long long)now->pa, why);
}

/*
 * Effects before the same operation in their cores' order of delivery: the
 * order of issue (a core's queue is first in, first out). A core's TLB
 * state is its own, so effects at different cores need no order.
 */
static int effect_order(const void *x, const void *y)
{
	const struct rtl_effect *a = x, *b = y;

	if (a->before != b->before)
		return a->before < b->before ? -1 : 1;
	return (a->tlbi > b->tlbi) - (a->tlbi < b->tlbi);
}

/*
 * rtl.parallel: the queue on the cores at once, then the follower through
 * the same pages in the RTL's interleaving, each TLBI applied at each core
 * where it took effect; every answer compared with the follower's and
 * checked by the scoreboard, every DSB's latency measured.
 */
static void drain_parallel(struct rtl_backend *b, unsigned n)
{
	struct rtl_run run = { .answer = b->answer, .cycles = b->queue_cycles,
			       .start = b->queue_start, .busy = b->busy };
	struct rtl_effect *eff = NULL;
	unsigned done = b->shim.ops->run(b->top, b->queue, n, &run), e = 0;

	b->elapsed += run.elapsed;
	if (done == RTL_TOP_STUCK) {
		char why[400];

		hang_report(b, why, sizeof(why));
		mismatch(b, b->queue_record[0], "%s (a run of %u operations, the cores at once)", why,
			 n);
		return;
	}
	/* the TLBIs' effects in the order of the operations they come before */
	if (run.neffects && !(eff = malloc(run.neffects * sizeof(*eff)))) {
		mismatch(b, b->queue_record[0], "out of memory");
		return;
	}
	if (run.neffects) {
		memcpy(eff, run.effects, run.neffects * sizeof(*eff));
		qsort(eff, run.neffects, sizeof(*eff), effect_order);
	}
	for (unsigned i = 0; i <= n && !b->mismatch[0]; i++) {
		const struct rtl_op *p = i < n ? &b->queue[i] : NULL;

		/* each TLBI at each core where it took effect: before this operation (all at the end) */
		for (; e < run.neffects && eff[e].before <= i; e++) {
			const struct rtl_op *op = &b->queue[eff[e].tlbi];
			struct tlbi t = { .op = (enum tlbi_op)op->acc, .shareable = false,
					  .operand = op->va };

			mmu_tlbi(b->follower, eff[e].core, &t);
		}
		if (!p)
			break;
		if (p->kind == RTL_OP_TLBI) {
			if (!b->group_open)
				b->group_start = b->queue_start[i];
			b->group_open = true;
		} else if (p->kind == RTL_OP_DSB) {
			uint64_t cycles = b->queue_start[i] + b->queue_cycles[i] -
					  (b->group_open ? b->group_start : b->queue_start[i]);

			b->syncs++;
			b->sync_cycles += cycles;
			if (cycles > b->sync_max)
				b->sync_max = cycles;
			b->group_open = false;
		} else {
			struct mmu_result want, now;
			uint8_t type = p->acc == MMU_EXEC ? TR_INSTR : p->acc == MMU_READ ? TR_LOAD
										: TR_STORE;

			b->follower_ttbr0 = p->ttbr0;
			mmu_translate(b->follower, p->core, type, p->va, (uint16_t)(p->ttbr0 >> 48),
				      &want);
			compare(b, b->queue_record[i], p, &want, &b->answer[i], b->queue_cycles[i]);
			walk_afresh(b, p, &now);
			if (!b->mismatch[0] && !same_mapping(&b->answer[i], &now))
				scoreboard(b, i, &b->answer[i], &now, eff, run.neffects, n);
		}
	}
	free(eff);
	if (!b->mismatch[0] && b->port.errors(b->port.ctx))
		mismatch(b, b->queue_record[0],
			 "an RTL assertion failed in a run of %u operations (the cores at once)", n);
}

void rtl_backend_drain(struct rtl_backend *b)
{
	unsigned n = b->queued, done;

	b->queued = 0;
	if (!n || b->mismatch[0])
		return;
	if (b->parallel) {
		drain_parallel(b, n);
		return;
	}
	done = b->shim.ops->translate_batch(b->top, b->queue, n, b->answer, b->queue_cycles);
	for (unsigned i = 0; i < done && !b->mismatch[0]; i++)
		compare(b, b->queue_record[i], &b->queue[i], &b->golden[i], &b->answer[i],
			b->queue_cycles[i]);
	if (b->mismatch[0])
		return;
	if (b->port.errors(b->port.ctx))
		mismatch(b, done ? b->queue_record[done - 1] : record_now(b),
			 "an RTL assertion failed at page %llu", (unsigned long long)b->pages);
	else if (done < n)
		stuck(b, b->queue_record[done], &b->queue[done]);
}

void rtl_backend_check(struct rtl_backend *b, unsigned core, uint64_t ttbr0, uint64_t va,
		       enum mmu_access acc, const struct mmu_result *g)
{
	struct rtl_op p = { .ttbr0 = ttbr0, .va = va, .core = (uint8_t)core, .acc = (uint8_t)acc };
	struct mmu_result r;
	unsigned cycles;

	if (b->mismatch[0])
		return;
	if (b->batch) { /* Linux ends every flush with a DSB before user code runs */
		mismatch(b, record_now(b), "%llu TLBIs without a DSB before the next translation",
			 (unsigned long long)b->batch);
		return;
	}
	if (b->queue) {
		b->queue[b->queued] = p;
		b->golden[b->queued] = *g;
		b->queue_record[b->queued] = record_now(b);
		/* a fault: the fault handler changes the page tables next */
		if (++b->queued == b->capacity || g->fault != MMU_OK)
			rtl_backend_drain(b);
		return;
	}
	cycles = b->port.translate(b->port.ctx, core, ttbr0, va, acc, &r);
	if (cycles == RTL_TOP_STUCK) {
		stuck(b, record_now(b), &p);
		return;
	}
	compare(b, record_now(b), &p, g, &r, cycles);
	if (!b->mismatch[0] && b->port.errors(b->port.ctx))
		mismatch(b, record_now(b), "an RTL assertion failed at page %llu",
			 (unsigned long long)b->pages);
}

/* rtl.parallel: a TLBI or DSB joins the queue, issued by core in its turn (see rtl_backend.h). */
static void enqueue(struct rtl_backend *b, const struct rtl_op *op)
{
	b->queue[b->queued] = *op;
	b->queue_record[b->queued] = record_now(b);
	if (++b->queued == b->capacity)
		rtl_backend_drain(b);
}

void rtl_backend_tlbi(struct rtl_backend *b, unsigned core, const struct tlbi *op)
{
	b->tlbis++;
	b->batch++;
	if (b->parallel) {
		enqueue(b, &(struct rtl_op){ .va = op->operand, .core = (uint8_t)core,
					     .kind = RTL_OP_TLBI, .acc = (uint8_t)op->op,
					     .shareable = op->shareable });
		return;
	}
	rtl_backend_drain(b); /* the pages before it, on the tables before it */
	b->port.tlbi(b->port.ctx, core, op); /* one cycle each */
}

void rtl_backend_dsb(struct rtl_backend *b, unsigned core)
{
	if (b->parallel) {
		enqueue(b, &(struct rtl_op){ .core = (uint8_t)core, .kind = RTL_OP_DSB });
		b->batch = 0;
		return;
	}
	rtl_backend_drain(b);
	unsigned waited = b->port.sync(b->port.ctx);
	uint64_t cycles = b->batch + waited;

	if (waited == RTL_TOP_STUCK) {
		char why[400];

		hang_report(b, why, sizeof(why));
		if (why[0])
			mismatch(b, record_now(b), "%s (a DSB after %llu TLBIs)", why,
				 (unsigned long long)b->batch);
		else
			mismatch(b, record_now(b),
				 "a DSB ISH after %llu TLBIs did not complete within %llu cycles",
				 (unsigned long long)b->batch, (unsigned long long)b->watchdog);
		b->batch = 0;
		return;
	}
	b->syncs++;
	b->sync_cycles += cycles;
	if (cycles > b->sync_max)
		b->sync_max = cycles;
	b->batch = 0;
}

void rtl_backend_finish(struct rtl_backend *b, const struct mmu *m)
{
	rtl_backend_drain(b);
	if (b->top)
		b->shim.ops->fabric_counters(b->top, &b->port_wait, &b->dvm_busy);
	memset(&b->total, 0, sizeof(b->total));
	if (b->port.errors(b->port.ctx) && !b->mismatch[0]) /* the exit's TLBIs come after the last page */
		snprintf(b->mismatch, sizeof(b->mismatch), "an RTL assertion failed at the end");
	if (b->follower) /* the golden model in the RTL's interleaving */
		m = b->follower;
	for (unsigned c = 0; c < m->cfg.cores; c++) {
		const struct walker *w = &m->core[c].ptw;
		struct rtl_core_counters r;
		bool same;

		b->port.counters(b->port.ctx, c, &r);
		same = r.walks == w->walks && r.reads == w->reads;
		for (int l = 0; l < 3; l++) {
			same &= r.wc_lookups[l] == w->wc[l].lookups && r.wc_hits[l] == w->wc[l].hits;
			b->total.wc_lookups[l] += r.wc_lookups[l];
			b->total.wc_hits[l] += r.wc_hits[l];
		}
		b->total.walks += r.walks;
		b->total.reads += r.reads;
		if (!same && !b->mismatch[0])
			snprintf(b->mismatch, sizeof(b->mismatch),
				 "at the end, core %u: the RTL counted %llu walks, %llu reads, walk-cache "
				 "hits L0 %llu/%llu L1 %llu/%llu L2 %llu/%llu; the golden model %llu, %llu, "
				 "L0 %llu/%llu L1 %llu/%llu L2 %llu/%llu",
				 c, (unsigned long long)r.walks, (unsigned long long)r.reads,
				 (unsigned long long)r.wc_hits[0], (unsigned long long)r.wc_lookups[0],
				 (unsigned long long)r.wc_hits[1], (unsigned long long)r.wc_lookups[1],
				 (unsigned long long)r.wc_hits[2], (unsigned long long)r.wc_lookups[2],
				 (unsigned long long)w->walks, (unsigned long long)w->reads,
				 (unsigned long long)w->wc[0].hits, (unsigned long long)w->wc[0].lookups,
				 (unsigned long long)w->wc[1].hits, (unsigned long long)w->wc[1].lookups,
				 (unsigned long long)w->wc[2].hits, (unsigned long long)w->wc[2].lookups);
	}
}

void rtl_backend_close(struct rtl_backend *b)
{
	if (b->top)
		b->shim.ops->free_top(b->top);
	free(b->queue);
	free(b->golden);
	free(b->answer);
	free(b->queue_record);
	free(b->queue_cycles);
	free(b->queue_start);
	if (b->follower) {
		mmu_free(b->follower);
		free(b->follower);
	}
	walker_free(&b->fresh);
	rtl_shim_unload(&b->shim);
	memset(b, 0, sizeof(*b));
}
