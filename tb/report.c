// SPDX-License-Identifier: MIT
#include "report.h"

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

void report_table(FILE *f, const struct mmu *m, const struct run_info *run)
{
	const struct sim_config *cfg = &m->cfg;
	struct core_stats t;

	mmu_totals(m, &t);
	fprintf(f, "mmusim: %s (%s trace)\n", run->trace, run->format);
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
	if (cfg->cores > 1) {
		for (unsigned c = 0; c < cfg->cores; c++) {
			const struct core_stats *s = &m->core[c].st;

			fprintf(f, "\ncore %u: %llu instructions, %llu walks\n", c,
				(unsigned long long)s->instructions, (unsigned long long)s->walks);
			table_rows(f, cfg, s, "  ");
		}
	}
	fprintf(f, "\n%.2f s, %.1f M records/s\n", run->seconds,
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
	fprintf(f,
		"  \"config\": {\"cores\": %u, \"os\": \"none\", \"backend\": \"model\", "
		"\"page_size\": \"%s\", \"walk_latency\": %u, \"seed\": %llu},\n",
		cfg->cores, page_names[cfg->page_level], cfg->walk_latency,
		(unsigned long long)cfg->seed);
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
	fprintf(f, "\"entries_invalidated\": %llu}\n}\n", (unsigned long long)t.tlbi_entries);
}
