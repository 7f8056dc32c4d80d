// SPDX-License-Identifier: MIT
#include "report.h"
#include "rtl/top_shim.h" /* RTL_TOP_LIMIT, the watchdog's default */

#include <stdarg.h>
#include <string.h>

static double ratio(uint64_t a, uint64_t b)
{
	return b ? (double)a / (double)b : 0.0;
}

static const struct {
	const char *name;
	size_t geo, stats; /* offsetof into sim_config / core_stats */
} levels[] = {
	{ "l1i", offsetof(struct sim_config, l1i), offsetof(struct core_stats, l1i) },
	{ "l1d", offsetof(struct sim_config, l1d), offsetof(struct core_stats, l1d) },
	{ "l2", offsetof(struct sim_config, l2), offsetof(struct core_stats, l2) },
};

static const struct tlb_geometry *geo_of(const struct sim_config *c, int i)
{
	return (const struct tlb_geometry *)((const char *)c + levels[i].geo);
}

static const struct level_stats *level_of(const struct core_stats *s, int i)
{
	return (const struct level_stats *)((const char *)s + levels[i].stats);
}

static const char *const page_names[4] = { "", "1g", "2m", "4k" };

static void table_rows(FILE *f, const struct sim_config *cfg, const struct core_stats *s,
		       const char *indent)
{
	for (int i = 0; i < 3; i++) {
		const struct tlb_geometry *g = geo_of(cfg, i);
		const struct level_stats *l = level_of(s, i);

		if (!g->entries)
			continue;
		fprintf(f, "%s%-4s %7u %5u %-7s %12llu %10llu %9.3f%% %9.3f\n", indent,
			levels[i].name, g->entries, g->ways, tlb_policy_names[g->policy],
			(unsigned long long)l->accesses, (unsigned long long)l->misses,
			100.0 * ratio(l->misses, l->accesses),
			1000.0 * ratio(l->misses, s->instructions));
	}
}

/* One line, only when memory ran short: reclaim, swap, the OOM killer. */
static void memory_pressure_line(FILE *f, const struct os_figures *os)
{
	const uint64_t *ev = os->vm_events;

	if (!os->st.kswapd_wakeups && !ev[ALLOCSTALL_DMA] && !ev[ALLOCSTALL_DMA32] &&
	    !ev[ALLOCSTALL_NORMAL] && !ev[ALLOCSTALL_MOVABLE] && !ev[OOM_KILL] &&
	    !ev[PGSCAN_KSWAPD] && !ev[PGSCAN_DIRECT])
		return;
	fprintf(f, "memory pressure: kswapd woken %llu, scanned %llu stole %llu; direct reclaim %llu "
		   "stalls, scanned %llu stole %llu; swapped out %llu in %llu; %llu TLBIs without "
		   "their own DSB; OOM kills %llu\n",
		(unsigned long long)os->st.kswapd_wakeups, (unsigned long long)ev[PGSCAN_KSWAPD],
		(unsigned long long)ev[PGSTEAL_KSWAPD],
		(unsigned long long)(ev[ALLOCSTALL_DMA] + ev[ALLOCSTALL_DMA32] +
				     ev[ALLOCSTALL_NORMAL] + ev[ALLOCSTALL_MOVABLE]),
		(unsigned long long)ev[PGSCAN_DIRECT], (unsigned long long)ev[PGSTEAL_DIRECT],
		(unsigned long long)ev[PSWPOUT], (unsigned long long)ev[PSWPIN],
		(unsigned long long)os->st.tlbi_nosync, (unsigned long long)ev[OOM_KILL]);
}

static void os_table(FILE *f, const struct sim_stats *s)
{
	const struct os_stats *st = &s->os.st;
	const struct core_stats *t = &s->total;
	const uint64_t *lookups = s->wc_lookups, *hits = s->wc_hits;
	uint64_t total = 0;

	fprintf(f, "walk caches (hits/lookups): L0 %llu/%llu, L1 %llu/%llu, L2 %llu/%llu\n",
		(unsigned long long)hits[0], (unsigned long long)lookups[0],
		(unsigned long long)hits[1], (unsigned long long)lookups[1],
		(unsigned long long)hits[2], (unsigned long long)lookups[2]);
	fprintf(f, "MMU faults: translation %llu, access flag %llu, permission %llu",
		(unsigned long long)t->faults[MMU_FAULT_TRANSLATION],
		(unsigned long long)t->faults[MMU_FAULT_ACCESS_FLAG],
		(unsigned long long)t->faults[MMU_FAULT_PERMISSION]);
	if (t->faults[MMU_FAULT_EXT_ABORT]) /* only injected (fault.walk_abort) */
		fprintf(f, ", external abort %llu", (unsigned long long)t->faults[MMU_FAULT_EXT_ABORT]);
	fputc('\n', f);
	for (int k = 0; k < NR_FAULT_KINDS; k++)
		total += k != FAULT_MAJOR ? st->faults[k] : 0;
	fprintf(f, "page faults %llu:", (unsigned long long)total);
	for (int k = 0; k < NR_FAULT_KINDS; k++)
		if (st->faults[k])
			fprintf(f, " %s %llu", fault_kind_names[k], (unsigned long long)st->faults[k]);
	fprintf(f, "\nTLBI operations:");
	total = 0;
	for (int k = 0; k < TLBI_NR_OPS; k++) {
		total += st->tlbi[k];
		if (st->tlbi[k])
			fprintf(f, " %s %llu", tlbi_op_names[k], (unsigned long long)st->tlbi[k]);
	}
	fprintf(f, "%s (%llu; %llu broadcast), %llu DSB\n", total ? "" : " none",
		(unsigned long long)total, (unsigned long long)st->tlbi_shootdowns,
		(unsigned long long)st->dsb);
	fprintf(f, "context switches %llu, ASID rollovers %llu, signals %llu\n",
		(unsigned long long)st->context_switches, (unsigned long long)s->os.asid_rollovers,
		(unsigned long long)s->os.signals);
	memory_pressure_line(f, &s->os);
}

/* --backend rtl: the RTL's own figures */
static void rtl_table(FILE *f, const struct sim_stats *s)
{
	const struct rtl_figures *rtl = &s->rtl;
	const struct rtl_core_counters *k = &rtl->total;

	fprintf(f, "RTL: %llu pages translated in %llu cycles, every answer equal to the golden "
		   "model's; %llu TLBIs in %llu batches ending in a DSB ISH, first TLBI to sync "
		   "done %.1f cycles on average, %llu at most\n",
		(unsigned long long)rtl->pages, (unsigned long long)rtl->cycles,
		(unsigned long long)rtl->tlbis, (unsigned long long)rtl->syncs,
		ratio(rtl->sync_cycles, rtl->syncs), (unsigned long long)rtl->sync_max);
	fprintf(f, "RTL counters, equal to the golden model's: %llu walks, %llu descriptor reads, "
		   "walk caches L0 %llu/%llu, L1 %llu/%llu, L2 %llu/%llu\n",
		(unsigned long long)k->walks, (unsigned long long)k->reads,
		(unsigned long long)k->wc_hits[0], (unsigned long long)k->wc_lookups[0],
		(unsigned long long)k->wc_hits[1], (unsigned long long)k->wc_lookups[1],
		(unsigned long long)k->wc_hits[2], (unsigned long long)k->wc_lookups[2]);
	if (rtl->parallel) {
		fprintf(f, "RTL cores at once (rtl.parallel): %llu cycles; cycles in which k cores "
			   "had a page in flight:",
			(unsigned long long)rtl->elapsed);
		for (unsigned c = 0; c <= s->cfg.cores; c++)
			fprintf(f, " %u: %llu", c, (unsigned long long)rtl->busy[c]);
		fprintf(f, "; walkers waited %llu cycles for the memory port (%.3f a walk); "
			   "%llu TLBIs met a page in flight; %llu answers used a mapping a TLBI "
			   "in flight then removed\n",
			(unsigned long long)rtl->port_wait, ratio(rtl->port_wait, k->walks),
			(unsigned long long)rtl->dvm_busy, (unsigned long long)rtl->stale_answers);
	}
}

void report_table(FILE *f, const struct sim_stats *s)
{
	const struct sim_config *cfg = &s->cfg;
	const struct core_stats *t = &s->total;

	fprintf(f, "mmusim: %s (%s trace)\n", s->trace, s->format);
	if (cfg->os == OS_LINUX)
		fprintf(f, "        %u core%s, --os linux (%llu MiB, %u-bit VA, %u-bit ASIDs, range TLBI %s), --backend %s\n",
			cfg->cores, cfg->cores > 1 ? "s" : "",
			(unsigned long long)(cfg->mem_bytes >> 20), cfg->va_bits, cfg->asid_bits,
			cfg->tlbi_range ? "on" : "off", cfg->backend == BACKEND_RTL ? "rtl" : "model");
	else
		fprintf(f, "        %u core%s, --os none (identity map, %s pages), --backend %s\n",
			cfg->cores, cfg->cores > 1 ? "s" : "", page_names[cfg->page_level],
			cfg->backend == BACKEND_RTL ? "rtl" : "model");
	fprintf(f, "records %llu: %llu instructions, %llu data accesses, %llu events\n\n",
		(unsigned long long)s->records, (unsigned long long)t->instructions,
		(unsigned long long)t->data_accesses, (unsigned long long)s->events);
	fprintf(f, "TLB  entries  ways policy      accesses     misses  miss rate      MPKI\n");
	table_rows(f, cfg, t, "");
	fprintf(f, "\nwalks %llu, walk cycles %llu (%.1f per walk)\n",
		(unsigned long long)t->walks, (unsigned long long)t->walk_cycles,
		ratio(t->walk_cycles, t->walks));
	fprintf(f, "translation cycles %llu (%.3f per access)\n",
		(unsigned long long)t->translation_cycles,
		ratio(t->translation_cycles, t->instructions + t->data_accesses));
	if (cfg->os == OS_LINUX)
		os_table(f, s);
	if (cfg->backend == BACKEND_RTL)
		rtl_table(f, s);
	fprintf(f, "\n");
	if (cfg->backend == BACKEND_RTL)
		latency_table(f, &s->rtl.latency, "latency (RTL cycles)");
	else
		latency_table(f, &s->latency, "latency (model cycles)");
	if (cfg->cores > 1) {
		for (unsigned c = 0; c < cfg->cores; c++) {
			const struct core_stats *k = &s->core[c];

			fprintf(f, "\ncore %u: %llu instructions, %llu walks\n", c,
				(unsigned long long)k->instructions, (unsigned long long)k->walks);
			table_rows(f, cfg, k, "  ");
		}
	}
}

void report_timing(FILE *f, const struct sim_stats *s)
{
	fprintf(f, "mmusim: %.2f s, %.1f M records/s\n", s->seconds,
		ratio(s->records, 1) / (s->seconds > 0 ? s->seconds : 1) / 1e6);
}

static void json_level(FILE *f, const struct level_stats *l, uint64_t instructions)
{
	fprintf(f,
		"\"accesses\": %llu, \"misses\": %llu, \"hits\": %llu, "
		"\"miss_rate\": %.6f, \"mpki\": %.6f",
		(unsigned long long)l->accesses, (unsigned long long)l->misses,
		(unsigned long long)(l->accesses - l->misses), ratio(l->misses, l->accesses),
		1000.0 * ratio(l->misses, instructions));
}

static void json_walks(FILE *f, const struct core_stats *s)
{
	fprintf(f, "\"walks\": %llu, \"walk_cycles\": %llu, \"translation_cycles\": %llu",
		(unsigned long long)s->walks, (unsigned long long)s->walk_cycles,
		(unsigned long long)s->translation_cycles);
}

/*
 * The settings in effect, by their keys (-s KEY=VALUE takes each value back):
 * a key that does not apply to the mode (config_scoped_keys) is left out.
 */
static void json_config(FILE *f, const struct sim_config *cfg)
{
	fprintf(f, "  \"config\": {\"cores\": %u, \"os\": \"%s\", \"backend\": \"%s\"",
		cfg->cores, cfg->os == OS_LINUX ? "linux" : "none",
		cfg->backend == BACKEND_RTL ? "rtl" : "model");
	for (unsigned i = 0; config_scoped_keys[i].name; i++) {
		const char *key = config_scoped_keys[i].name;

		if (!config_key_applies(cfg, i))
			continue;
		if (!strcmp(key, "rtl.parallel") && !cfg->parallel)
			continue; /* off, the default, as before the key existed */
		/* likewise the watchdog's default and faults not injected */
		if ((!strcmp(key, "rtl.watchdog") && cfg->watchdog == RTL_TOP_LIMIT) ||
		    (!strncmp(key, "fault.walk_", 11) && !cfg->walk_abort) ||
		    (!strcmp(key, "fault.drop_ack") && !cfg->drop_ack))
			continue;
		fprintf(f, ", \"%s\": ", key);
		if (!strcmp(key, "walk.latency"))
			fprintf(f, "%u", cfg->walk_latency);
		else if (!strcmp(key, "page_size"))
			fprintf(f, "\"%s\"", page_names[cfg->page_level]);
		else if (!strcmp(key, "mem") && !(cfg->mem_bytes & ((1ULL << 30) - 1)))
			fprintf(f, "\"%llug\"", (unsigned long long)(cfg->mem_bytes >> 30));
		else if (!strcmp(key, "mem"))
			fprintf(f, "\"%llum\"", (unsigned long long)(cfg->mem_bytes >> 20));
		else if (!strcmp(key, "va_bits"))
			fprintf(f, "%u", cfg->va_bits);
		else if (!strcmp(key, "asid_bits"))
			fprintf(f, "%u", cfg->asid_bits);
		else if (!strcmp(key, "tlbi_range"))
			fprintf(f, "%s", cfg->tlbi_range ? "true" : "false");
		else if (!strcmp(key, "ttl"))
			fprintf(f, "%s", cfg->ttl ? "true" : "false");
		else if (!strcmp(key, "thp"))
			fprintf(f, "%s", cfg->thp ? "true" : "false");
		else if (!strcmp(key, "walk.mem_latency"))
			fprintf(f, "%u", cfg->mem_latency);
		else if (!strncmp(key, "walk.l", 6))
			fprintf(f, "%u", cfg->walk_cache[key[6] - '0']);
		else if (!strcmp(key, "fabric.hop_latency"))
			fprintf(f, "%u", cfg->hop_latency);
		else if (!strcmp(key, "swap"))
			fprintf(f, "\"%lluk\"", (unsigned long long)(cfg->swap_bytes >> 10));
		else if (!strcmp(key, "swappiness"))
			fprintf(f, "%u", cfg->swappiness);
		else if (!strcmp(key, "rtl.parallel"))
			fprintf(f, "true");
		else if (!strcmp(key, "rtl.watchdog"))
			fprintf(f, "%llu", (unsigned long long)cfg->watchdog);
		else if (!strcmp(key, "fault.walk_abort"))
			fprintf(f, "\"%#llx\"", (unsigned long long)cfg->walk_abort);
		else if (!strcmp(key, "fault.walk_level"))
			fprintf(f, "%u", cfg->walk_abort_level);
		else if (!strcmp(key, "fault.drop_ack"))
			fprintf(f, "%llu", (unsigned long long)cfg->drop_ack);
		else
			fprintf(f, "%llu", (unsigned long long)cfg->seed);
	}
	fprintf(f, "},\n");
}

/* rtl.parallel: what the cores running at once measured */
static void json_parallel(FILE *f, const struct rtl_figures *b, unsigned cores)
{
	fprintf(f, ", \"parallel\": {\"cycles\": %llu, \"in_flight\": [",
		(unsigned long long)b->elapsed);
	for (unsigned k = 0; k <= cores; k++)
		fprintf(f, "%s[%u, %llu]", k ? ", " : "", k, (unsigned long long)b->busy[k]);
	fprintf(f, "], \"port_wait_cycles\": %llu, \"port_wait_per_walk\": %.3f, "
		   "\"tlbis_in_flight\": %llu, \"stale_answers\": %llu}",
		(unsigned long long)b->port_wait, ratio(b->port_wait, b->total.walks),
		(unsigned long long)b->dvm_busy, (unsigned long long)b->stale_answers);
}

void report_json(FILE *f, const struct sim_stats *s)
{
	const struct sim_config *cfg = &s->cfg;
	const struct core_stats *t = &s->total;

	fprintf(f, "{\n  \"trace\": {\"path\": \"");
	for (const char *p = s->trace; *p; p++) {
		if (*p == '"' || *p == '\\')
			fputc('\\', f);
		if ((unsigned char)*p >= 0x20)
			fputc(*p, f);
	}
	fprintf(f, "\", \"format\": \"%s\", \"records\": %llu, \"events\": %llu},\n",
		s->format, (unsigned long long)s->records, (unsigned long long)s->events);
	json_config(f, cfg);
	fprintf(f, "  \"instructions\": %llu,\n  \"data_accesses\": %llu,\n",
		(unsigned long long)t->instructions, (unsigned long long)t->data_accesses);
	for (int i = 0; i < 3; i++) {
		const struct tlb_geometry *g = geo_of(cfg, i);

		fprintf(f,
			"  \"%s\": {\"entries\": %u, \"ways\": %u, \"policy\": \"%s\", "
			"\"latency\": %u, ",
			levels[i].name, g->entries, g->ways, tlb_policy_names[g->policy],
			g->latency);
		json_level(f, level_of(t, i), t->instructions);
		fprintf(f, ",\n    \"per_core\": [");
		for (unsigned c = 0; c < cfg->cores; c++) {
			fprintf(f, "%s{", c ? ", " : "");
			json_level(f, level_of(&s->core[c], i), s->core[c].instructions);
			fprintf(f, "}");
		}
		fprintf(f, "]},\n");
	}
	fprintf(f, "  \"walks\": {\"count\": %llu, \"cycles\": %llu, \"per_core\": [",
		(unsigned long long)t->walks, (unsigned long long)t->walk_cycles);
	for (unsigned c = 0; c < cfg->cores; c++) {
		fprintf(f, "%s{\"instructions\": %llu, ", c ? ", " : "",
			(unsigned long long)s->core[c].instructions);
		json_walks(f, &s->core[c]);
		fprintf(f, "}");
	}
	fprintf(f, "]},\n  \"translation_cycles\": %llu,\n  \"tlbi\": {",
		(unsigned long long)t->translation_cycles);
	for (int k = 0; k < TLBI_NR_OPS; k++)
		fprintf(f, "\"%s\": %llu, ", tlbi_op_names[k], (unsigned long long)t->tlbi[k]);
	fprintf(f, "\"entries_invalidated\": %llu},\n  \"latency\": ", (unsigned long long)t->tlbi_entries);
	latency_json(f, &s->latency);
	if (cfg->os == OS_LINUX) {
		const struct os_stats *st = &s->os.st;
		const uint64_t *lookups = s->wc_lookups, *hits = s->wc_hits;

		fprintf(f, ",\n  \"walk_cache\": {");
		for (int l = 0; l < 3; l++)
			fprintf(f, "%s\"l%d\": {\"lookups\": %llu, \"hits\": %llu}", l ? ", " : "", l,
				(unsigned long long)lookups[l], (unsigned long long)hits[l]);
		fprintf(f, "},\n  \"mmu_faults\": {");
		for (int k = 1; k < MMU_NR_FAULTS; k++)
			fprintf(f, "%s\"%s\": %llu", k > 1 ? ", " : "", mmu_fault_names[k],
				(unsigned long long)t->faults[k]);
		fprintf(f, "},\n  \"os\": {\"faults\": {");
		for (int k = 0; k < NR_FAULT_KINDS; k++)
			fprintf(f, "%s\"%s\": %llu", k ? ", " : "", fault_kind_names[k],
				(unsigned long long)st->faults[k]);
		fprintf(f, "},\n    \"tlbi_issued\": {");
		for (int k = 0; k < TLBI_NR_OPS; k++)
			fprintf(f, "%s\"%s\": %llu", k ? ", " : "", tlbi_op_names[k],
				(unsigned long long)st->tlbi[k]);
		fprintf(f, "},\n    \"shootdowns\": %llu, \"dsb\": %llu, \"asid_rollovers\": %llu, "
			   "\"context_switches\": %llu, \"signals\": %llu",
			(unsigned long long)st->tlbi_shootdowns, (unsigned long long)st->dsb,
			(unsigned long long)s->os.asid_rollovers,
			(unsigned long long)st->context_switches, (unsigned long long)s->os.signals);
		const struct vmstat_item *v = s->os.vmstat;
		unsigned nv = s->os.nr_vmstat;

		fprintf(f, ", \"kswapd_wakeups\": %llu, \"tlbi_without_dsb\": %llu",
			(unsigned long long)st->kswapd_wakeups, (unsigned long long)st->tlbi_nosync);
		fprintf(f, ",\n    \"vmstat\": {");
		for (unsigned i = 0; i < nv; i++)
			fprintf(f, "%s\"%s\": %llu", i ? ", " : "", v[i].name,
				(unsigned long long)v[i].value);
		fprintf(f, "}}");
	}
	if (cfg->backend == BACKEND_RTL) {
		const struct rtl_figures *rtl = &s->rtl;

		fprintf(f, ",\n  \"rtl\": {\"pages\": %llu, \"cycles\": %llu, \"tlbis\": %llu, "
			   "\"syncs\": %llu, \"sync_cycles\": %llu, \"sync_cycles_max\": %llu, "
			   "\"walks\": %llu, \"reads\": %llu, \"latency\": ",
			(unsigned long long)rtl->pages,
			(unsigned long long)rtl->cycles,
			(unsigned long long)rtl->tlbis,
			(unsigned long long)rtl->syncs,
			(unsigned long long)rtl->sync_cycles,
			(unsigned long long)rtl->sync_max,
			(unsigned long long)rtl->total.walks,
			(unsigned long long)rtl->total.reads);
		latency_json(f, &rtl->latency);
		if (rtl->parallel)
			json_parallel(f, rtl, cfg->cores);
		fprintf(f, "}");
	}
	fprintf(f, "\n}\n");
}

/* ---- CSV: the header, then the row; each column said once, by csv_columns ---- */

struct csv {
	FILE *f;
	bool header; /* this pass writes the names */
	unsigned n;  /* columns written */
};

/* A field (NULL: empty), quoted as RFC 4180 wants when it holds , " or a line break. */
static void csv_field(struct csv *c, const char *v)
{
	if (c->n++)
		fputc(',', c->f);
	if (!v)
		return;
	if (!v[strcspn(v, ",\"\r\n")]) {
		fputs(v, c->f);
		return;
	}
	fputc('"', c->f);
	for (; *v; v++) {
		if (*v == '"')
			fputc('"', c->f);
		fputc(*v, c->f);
	}
	fputc('"', c->f);
}

/* One column: its name (printf-style, written in the header pass) and its value. */
static void csv_vcol(struct csv *c, const char *value, const char *name, va_list ap)
{
	char buf[128];

	if (!c->header) {
		csv_field(c, value);
		return;
	}
	vsnprintf(buf, sizeof(buf), name, ap);
	csv_field(c, buf);
}

__attribute__((format(printf, 4, 5))) static void csv_str(struct csv *c, bool on, const char *v,
							   const char *name, ...)
{
	va_list ap;

	va_start(ap, name);
	csv_vcol(c, on ? v : NULL, name, ap);
	va_end(ap);
}

__attribute__((format(printf, 4, 5))) static void csv_u64(struct csv *c, bool on, uint64_t v,
							   const char *name, ...)
{
	char buf[24];
	va_list ap;

	snprintf(buf, sizeof(buf), "%llu", (unsigned long long)v);
	va_start(ap, name);
	csv_vcol(c, on ? buf : NULL, name, ap);
	va_end(ap);
}

/* a fraction, with the JSON's decimals */
__attribute__((format(printf, 5, 6))) static void csv_real(struct csv *c, bool on, int decimals,
							    double v, const char *name, ...)
{
	char buf[64];
	va_list ap;

	snprintf(buf, sizeof(buf), "%.*f", decimals, v);
	va_start(ap, name);
	csv_vcol(c, on ? buf : NULL, name, ap);
	va_end(ap);
}

/* A setting as -s takes it back (sizes in the largest unit that divides them). */
static void config_value(const struct sim_config *cfg, const struct config_key *k, char *out,
			 size_t len)
{
	const void *field = (const char *)cfg + k->offset;
	uint64_t v;

	switch (k->type) {
	case CONFIG_UINT:
		snprintf(out, len, "%u", *(const unsigned *)field);
		return;
	case CONFIG_U64:
		snprintf(out, len, "%llu", (unsigned long long)*(const uint64_t *)field);
		return;
	case CONFIG_SIZE:
		v = *(const uint64_t *)field;
		for (int shift = 30; shift; shift -= 10)
			if (v && !(v & ((1ULL << shift) - 1))) {
				snprintf(out, len, "%llu%c", (unsigned long long)(v >> shift),
					 "kmg"[shift / 10 - 1]);
				return;
			}
		snprintf(out, len, "%llu", (unsigned long long)v);
		return;
	case CONFIG_POLICY:
		snprintf(out, len, "%s", tlb_policy_names[*(const enum tlb_policy *)field]);
		return;
	case CONFIG_CHOICE:
	case CONFIG_BOOL:
		v = k->type == CONFIG_BOOL ? *(const bool *)field : *(const unsigned *)field;
		out[0] = 0;
		for (const struct config_choice *ch = k->choices; ch->name; ch++)
			if (ch->value == v) {
				snprintf(out, len, "%s", ch->name);
				return;
			}
		return;
	}
}

/* Does the key apply to the run? Only keys of config_scoped_keys may not. */
static bool config_applies(const struct sim_config *cfg, const char *key)
{
	for (unsigned i = 0; config_scoped_keys[i].name; i++)
		if (!strcmp(config_scoped_keys[i].name, key))
			return config_key_applies(cfg, i);
	return true;
}

static void csv_latency(struct csv *c, bool on, const struct latency_stats *s, const char *prefix)
{
	for (int o = 0; o < LAT_NR_OUTCOMES; o++) {
		const struct latency_hist *h = &s->h[o];
		const char *name = latency_outcome_names[o];

		csv_u64(c, on, h->count, "%slatency.%s.count", prefix, name);
		csv_u64(c, on, h->sum, "%slatency.%s.cycles", prefix, name);
		csv_u64(c, on, h->min, "%slatency.%s.min", prefix, name);
		csv_u64(c, on, latency_percentile(h, 50), "%slatency.%s.p50", prefix, name);
		csv_u64(c, on, latency_percentile(h, 90), "%slatency.%s.p90", prefix, name);
		csv_u64(c, on, latency_percentile(h, 99), "%slatency.%s.p99", prefix, name);
		csv_u64(c, on, h->max, "%slatency.%s.max", prefix, name);
	}
}

/* The /proc/vmstat events of the table's memory-pressure line. */
static const struct {
	const char *name;
	enum vm_event_item item;
} pressure_events[] = {
	{ "pswpin", PSWPIN },
	{ "pswpout", PSWPOUT },
	{ "allocstall_dma", ALLOCSTALL_DMA },
	{ "allocstall_dma32", ALLOCSTALL_DMA32 },
	{ "allocstall_normal", ALLOCSTALL_NORMAL },
	{ "allocstall_movable", ALLOCSTALL_MOVABLE },
	{ "pgsteal_kswapd", PGSTEAL_KSWAPD },
	{ "pgsteal_direct", PGSTEAL_DIRECT },
	{ "pgscan_kswapd", PGSCAN_KSWAPD },
	{ "pgscan_direct", PGSCAN_DIRECT },
	{ "oom_kill", OOM_KILL },
};

static void csv_columns(struct csv *c, const struct sim_stats *s)
{
	const struct sim_config *cfg = &s->cfg;
	const struct core_stats *t = &s->total;
	const struct os_stats *st = &s->os.st;
	const struct rtl_figures *rtl = &s->rtl;
	bool os = cfg->os == OS_LINUX, rtl_on = cfg->backend == BACKEND_RTL;
	bool par = rtl_on && rtl->parallel;
	char v[64];

	csv_str(c, true, s->trace, "trace.path");
	csv_str(c, true, s->format, "trace.format");
	csv_u64(c, true, s->records, "trace.records");
	csv_u64(c, true, s->events, "trace.events");
	for (const struct config_key *k = config_keys; k->name; k++) {
		config_value(cfg, k, v, sizeof(v));
		csv_str(c, config_applies(cfg, k->name), v, "config.%s", k->name);
	}
	csv_u64(c, true, t->instructions, "instructions");
	csv_u64(c, true, t->data_accesses, "data_accesses");
	for (int i = 0; i < 3; i++) {
		const struct level_stats *l = level_of(t, i);
		const char *name = levels[i].name;

		csv_u64(c, true, l->accesses, "%s.accesses", name);
		csv_u64(c, true, l->misses, "%s.misses", name);
		csv_u64(c, true, l->accesses - l->misses, "%s.hits", name);
		csv_real(c, true, 6, ratio(l->misses, l->accesses), "%s.miss_rate", name);
		csv_real(c, true, 6, 1000.0 * ratio(l->misses, t->instructions), "%s.mpki", name);
	}
	csv_u64(c, true, t->walks, "walks.count");
	csv_u64(c, true, t->walk_cycles, "walks.cycles");
	csv_u64(c, true, t->translation_cycles, "translation_cycles");
	for (int k = 0; k < TLBI_NR_OPS; k++)
		csv_u64(c, true, t->tlbi[k], "tlbi.%s", tlbi_op_names[k]);
	csv_u64(c, true, t->tlbi_entries, "tlbi.entries_invalidated");
	csv_latency(c, true, &s->latency, "");
	/* --os linux */
	for (int l = 0; l < 3; l++) {
		csv_u64(c, os, s->wc_lookups[l], "walk_cache.l%d.lookups", l);
		csv_u64(c, os, s->wc_hits[l], "walk_cache.l%d.hits", l);
	}
	for (int k = 1; k < 4; k++)
		csv_u64(c, os, t->faults[k], "mmu_faults.%s", mmu_fault_names[k]);
	for (int k = 0; k < NR_FAULT_KINDS; k++)
		csv_u64(c, os, st->faults[k], "os.faults.%s", fault_kind_names[k]);
	for (int k = 0; k < TLBI_NR_OPS; k++)
		csv_u64(c, os, st->tlbi[k], "os.tlbi_issued.%s", tlbi_op_names[k]);
	csv_u64(c, os, st->tlbi_shootdowns, "os.shootdowns");
	csv_u64(c, os, st->dsb, "os.dsb");
	csv_u64(c, os, s->os.asid_rollovers, "os.asid_rollovers");
	csv_u64(c, os, st->context_switches, "os.context_switches");
	csv_u64(c, os, s->os.signals, "os.signals");
	csv_u64(c, os, st->kswapd_wakeups, "os.kswapd_wakeups");
	csv_u64(c, os, st->tlbi_nosync, "os.tlbi_without_dsb");
	for (size_t i = 0; i < sizeof(pressure_events) / sizeof(pressure_events[0]); i++)
		csv_u64(c, os, s->os.vm_events[pressure_events[i].item], "os.vmstat.%s",
			pressure_events[i].name);
	/* --backend rtl, and with rtl.parallel */
	csv_u64(c, rtl_on, rtl->pages, "rtl.pages");
	csv_u64(c, rtl_on, rtl->cycles, "rtl.cycles");
	csv_u64(c, rtl_on, rtl->tlbis, "rtl.tlbis");
	csv_u64(c, rtl_on, rtl->syncs, "rtl.syncs");
	csv_u64(c, rtl_on, rtl->sync_cycles, "rtl.sync_cycles");
	csv_u64(c, rtl_on, rtl->sync_max, "rtl.sync_cycles_max");
	csv_u64(c, rtl_on, rtl->total.walks, "rtl.walks");
	csv_u64(c, rtl_on, rtl->total.reads, "rtl.reads");
	csv_latency(c, rtl_on, &rtl->latency, "rtl.");
	csv_u64(c, par, rtl->elapsed, "rtl.parallel.cycles");
	csv_u64(c, par, rtl->port_wait, "rtl.parallel.port_wait_cycles");
	csv_real(c, par, 3, ratio(rtl->port_wait, rtl->total.walks), "rtl.parallel.port_wait_per_walk");
	csv_u64(c, par, rtl->dvm_busy, "rtl.parallel.tlbis_in_flight");
	csv_u64(c, par, rtl->stale_answers, "rtl.parallel.stale_answers");
	fputc('\n', c->f);
}

void report_csv(FILE *f, const struct sim_stats *s)
{
	struct csv header = { .f = f, .header = true }, row = { .f = f };

	csv_columns(&header, s);
	csv_columns(&row, s);
}
