// SPDX-License-Identifier: MIT
#include "report.h"

#include "replay.h"

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

static void walk_cache_totals(const struct mmu *m, uint64_t lookups[3], uint64_t hits[3])
{
	for (int l = 0; l < 3; l++) {
		lookups[l] = hits[l] = 0;
		for (unsigned c = 0; c < m->cfg.cores; c++) {
			lookups[l] += m->core[c].ptw.wc[l].lookups;
			hits[l] += m->core[c].ptw.wc[l].hits;
		}
	}
}

/* One line, only when memory ran short: reclaim, swap, the OOM killer. */
static void memory_pressure_line(FILE *f, const struct os *os)
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

static void os_table(FILE *f, const struct mmu *m, const struct replay *rp,
		     const struct core_stats *t)
{
	const struct os_stats *st = &rp->os.st;
	uint64_t lookups[3], hits[3], total = 0;

	walk_cache_totals(m, lookups, hits);
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
		(unsigned long long)st->context_switches, (unsigned long long)rp->os.asids.rollovers,
		(unsigned long long)rp->signals);
	memory_pressure_line(f, &rp->os);
	if (rp->use_rtl) {
		const struct rtl_core_counters *k = &rp->rtl.total;

		fprintf(f, "RTL: %llu pages translated in %llu cycles, every answer equal to the golden "
			   "model's; %llu TLBIs in %llu batches ending in a DSB ISH, first TLBI to sync "
			   "done %.1f cycles on average, %llu at most\n",
			(unsigned long long)rp->rtl.pages, (unsigned long long)rp->rtl.cycles,
			(unsigned long long)rp->rtl.tlbis, (unsigned long long)rp->rtl.syncs,
			ratio(rp->rtl.sync_cycles, rp->rtl.syncs), (unsigned long long)rp->rtl.sync_max);
		fprintf(f, "RTL counters, equal to the golden model's: %llu walks, %llu descriptor reads, "
			   "walk caches L0 %llu/%llu, L1 %llu/%llu, L2 %llu/%llu\n",
			(unsigned long long)k->walks, (unsigned long long)k->reads,
			(unsigned long long)k->wc_hits[0], (unsigned long long)k->wc_lookups[0],
			(unsigned long long)k->wc_hits[1], (unsigned long long)k->wc_lookups[1],
			(unsigned long long)k->wc_hits[2], (unsigned long long)k->wc_lookups[2]);
		if (rp->rtl.parallel) {
			fprintf(f, "RTL cores at once (rtl.parallel): %llu cycles; cycles in which k cores "
				   "had a page in flight:",
				(unsigned long long)rp->rtl.elapsed);
			for (unsigned c = 0; c <= rp->cfg.cores; c++)
				fprintf(f, " %u: %llu", c, (unsigned long long)rp->rtl.busy[c]);
			fprintf(f, "; walkers waited %llu cycles for the memory port (%.3f a walk); "
				   "%llu TLBIs met a page in flight\n",
				(unsigned long long)rp->rtl.port_wait,
				ratio(rp->rtl.port_wait, k->walks), (unsigned long long)rp->rtl.dvm_busy);
		}
	}
}

void report_table(FILE *f, const struct mmu *m, const struct run_info *run)
{
	const struct sim_config *cfg = &m->cfg;
	struct core_stats t;

	mmu_totals(m, &t);
	fprintf(f, "mmusim: %s (%s trace)\n", run->trace, run->format);
	if (cfg->os == OS_LINUX)
		fprintf(f, "        %u core%s, --os linux (%llu MiB, %u-bit VA, %u-bit ASIDs, range TLBI %s), --backend %s\n",
			cfg->cores, cfg->cores > 1 ? "s" : "",
			(unsigned long long)(cfg->mem_bytes >> 20), cfg->va_bits, cfg->asid_bits,
			cfg->tlbi_range ? "on" : "off", cfg->backend == BACKEND_RTL ? "rtl" : "model");
	else
		fprintf(f, "        %u core%s, --os none (identity map, %s pages), --backend model\n",
			cfg->cores, cfg->cores > 1 ? "s" : "", page_names[cfg->page_level]);
	fprintf(f, "records %llu: %llu instructions, %llu data accesses, %llu events\n\n",
		(unsigned long long)run->records, (unsigned long long)t.instructions,
		(unsigned long long)t.data_accesses, (unsigned long long)run->events);
	fprintf(f, "TLB  entries  ways policy      accesses     misses  miss rate      MPKI\n");
	table_rows(f, cfg, &t, "");
	fprintf(f, "\nwalks %llu, walk cycles %llu (%.1f per walk)\n",
		(unsigned long long)t.walks, (unsigned long long)t.walk_cycles,
		ratio(t.walk_cycles, t.walks));
	fprintf(f, "translation cycles %llu (%.3f per access)\n",
		(unsigned long long)t.translation_cycles,
		ratio(t.translation_cycles, t.instructions + t.data_accesses));
	if (cfg->os == OS_LINUX)
		os_table(f, m, run->rp, &t);
	fprintf(f, "\n");
	if (cfg->os == OS_LINUX && run->rp->use_rtl)
		latency_table(f, &run->rp->rtl.latency, "latency (RTL cycles)");
	else
		latency_table(f, &m->latency, "latency (model cycles)");
	if (cfg->cores > 1) {
		for (unsigned c = 0; c < cfg->cores; c++) {
			const struct core_stats *s = &m->core[c].st;

			fprintf(f, "\ncore %u: %llu instructions, %llu walks\n", c,
				(unsigned long long)s->instructions, (unsigned long long)s->walks);
			table_rows(f, cfg, s, "  ");
		}
	}
}

void report_timing(FILE *f, const struct run_info *run)
{
	fprintf(f, "mmusim: %.2f s, %.1f M records/s\n", run->seconds,
		ratio(run->records, 1) / (run->seconds > 0 ? run->seconds : 1) / 1e6);
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
static void json_parallel(FILE *f, const struct rtl_backend *b, unsigned cores)
{
	fprintf(f, ", \"parallel\": {\"cycles\": %llu, \"in_flight\": [",
		(unsigned long long)b->elapsed);
	for (unsigned k = 0; k <= cores; k++)
		fprintf(f, "%s[%u, %llu]", k ? ", " : "", k, (unsigned long long)b->busy[k]);
	fprintf(f, "], \"port_wait_cycles\": %llu, \"port_wait_per_walk\": %.3f, "
		   "\"tlbis_in_flight\": %llu}",
		(unsigned long long)b->port_wait, ratio(b->port_wait, b->total.walks),
		(unsigned long long)b->dvm_busy);
}

void report_json(FILE *f, const struct mmu *m, const struct run_info *run)
{
	const struct sim_config *cfg = &m->cfg;
	struct core_stats t;

	mmu_totals(m, &t);
	fprintf(f, "{\n  \"trace\": {\"path\": \"");
	for (const char *p = run->trace; *p; p++) {
		if (*p == '"' || *p == '\\')
			fputc('\\', f);
		if ((unsigned char)*p >= 0x20)
			fputc(*p, f);
	}
	fprintf(f, "\", \"format\": \"%s\", \"records\": %llu, \"events\": %llu},\n",
		run->format, (unsigned long long)run->records,
		(unsigned long long)run->events);
	json_config(f, cfg);
	fprintf(f, "  \"instructions\": %llu,\n  \"data_accesses\": %llu,\n",
		(unsigned long long)t.instructions, (unsigned long long)t.data_accesses);
	for (int i = 0; i < 3; i++) {
		const struct tlb_geometry *g = geo_of(cfg, i);

		fprintf(f,
			"  \"%s\": {\"entries\": %u, \"ways\": %u, \"policy\": \"%s\", "
			"\"latency\": %u, ",
			levels[i].name, g->entries, g->ways, tlb_policy_names[g->policy],
			g->latency);
		json_level(f, level_of(&t, i), t.instructions);
		fprintf(f, ",\n    \"per_core\": [");
		for (unsigned c = 0; c < cfg->cores; c++) {
			fprintf(f, "%s{", c ? ", " : "");
			json_level(f, level_of(&m->core[c].st, i), m->core[c].st.instructions);
			fprintf(f, "}");
		}
		fprintf(f, "]},\n");
	}
	fprintf(f, "  \"walks\": {\"count\": %llu, \"cycles\": %llu, \"per_core\": [",
		(unsigned long long)t.walks, (unsigned long long)t.walk_cycles);
	for (unsigned c = 0; c < cfg->cores; c++) {
		fprintf(f, "%s{\"instructions\": %llu, ", c ? ", " : "",
			(unsigned long long)m->core[c].st.instructions);
		json_walks(f, &m->core[c].st);
		fprintf(f, "}");
	}
	fprintf(f, "]},\n  \"translation_cycles\": %llu,\n  \"tlbi\": {",
		(unsigned long long)t.translation_cycles);
	for (int k = 0; k < TLBI_NR_OPS; k++)
		fprintf(f, "\"%s\": %llu, ", tlbi_op_names[k], (unsigned long long)t.tlbi[k]);
	fprintf(f, "\"entries_invalidated\": %llu},\n  \"latency\": ", (unsigned long long)t.tlbi_entries);
	latency_json(f, &m->latency);
	if (cfg->os == OS_LINUX) {
		const struct os_stats *st = &run->rp->os.st;
		uint64_t lookups[3], hits[3];

		walk_cache_totals(m, lookups, hits);
		fprintf(f, ",\n  \"walk_cache\": {");
		for (int l = 0; l < 3; l++)
			fprintf(f, "%s\"l%d\": {\"lookups\": %llu, \"hits\": %llu}", l ? ", " : "", l,
				(unsigned long long)lookups[l], (unsigned long long)hits[l]);
		fprintf(f, "},\n  \"mmu_faults\": {");
		for (int k = 1; k < MMU_NR_FAULTS; k++)
			fprintf(f, "%s\"%s\": %llu", k > 1 ? ", " : "", mmu_fault_names[k],
				(unsigned long long)t.faults[k]);
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
			(unsigned long long)run->rp->os.asids.rollovers,
			(unsigned long long)st->context_switches, (unsigned long long)run->rp->signals);
		struct vmstat_item v[NR_VMSTAT_ITEMS];
		unsigned nv = os_vmstat(&run->rp->os, v);

		fprintf(f, ", \"kswapd_wakeups\": %llu, \"tlbi_without_dsb\": %llu",
			(unsigned long long)st->kswapd_wakeups, (unsigned long long)st->tlbi_nosync);
		fprintf(f, ",\n    \"vmstat\": {");
		for (unsigned i = 0; i < nv; i++)
			fprintf(f, "%s\"%s\": %llu", i ? ", " : "", v[i].name,
				(unsigned long long)v[i].value);
		fprintf(f, "}}");
		if (run->rp->use_rtl) {
			fprintf(f, ",\n  \"rtl\": {\"pages\": %llu, \"cycles\": %llu, \"tlbis\": %llu, "
				   "\"syncs\": %llu, \"sync_cycles\": %llu, \"sync_cycles_max\": %llu, "
				   "\"walks\": %llu, \"reads\": %llu, \"latency\": ",
				(unsigned long long)run->rp->rtl.pages,
				(unsigned long long)run->rp->rtl.cycles,
				(unsigned long long)run->rp->rtl.tlbis,
				(unsigned long long)run->rp->rtl.syncs,
				(unsigned long long)run->rp->rtl.sync_cycles,
				(unsigned long long)run->rp->rtl.sync_max,
				(unsigned long long)run->rp->rtl.total.walks,
				(unsigned long long)run->rp->rtl.total.reads);
			latency_json(f, &run->rp->rtl.latency);
			if (run->rp->rtl.parallel)
				json_parallel(f, &run->rp->rtl, cfg->cores);
			fprintf(f, "}");
		}
	}
	fprintf(f, "\n}\n");
}
