// SPDX-License-Identifier: MIT
#include "latency.h"

_Static_assert(LAT_L1_HIT == (int)XLAT_L1 && LAT_L2_HIT == (int)XLAT_L2 && LAT_WALK == (int)XLAT_WALK,
	       "an outcome per source of an answer, in the same order");

const char *const latency_outcome_names[LAT_NR_OUTCOMES] = { "l1_hit", "l2_hit", "walk",
							     "fault" };

uint64_t latency_percentile(const struct latency_hist *h, double pct)
{
	uint64_t need, seen = 0;

	if (!h->count)
		return 0;
	/* the rank of the pct-th percentile, rounded up, at least the first page */
	need = (uint64_t)((double)h->count * pct / 100.0);
	if ((double)need < (double)h->count * pct / 100.0 || !need)
		need++;
	for (uint64_t c = 0; c < LATENCY_BINS - 1; c++) {
		seen += h->bins[c];
		if (seen >= need)
			return c;
	}
	return LATENCY_BINS - 1;
}

void latency_table(FILE *f, const struct latency_stats *s, const char *title)
{
	fprintf(f, "%-22s %12s %9s %6s %6s %6s %6s %7s\n", title, "pages", "mean", "min", "p50",
		"p90", "p99", "max");
	for (int o = 0; o < LAT_NR_OUTCOMES; o++) {
		const struct latency_hist *h = &s->h[o];

		if (!h->count)
			continue;
		fprintf(f, "  %-20s %12llu %9.2f %6llu %6llu %6llu %6llu %7llu\n",
			latency_outcome_names[o], (unsigned long long)h->count,
			(double)h->sum / (double)h->count, (unsigned long long)h->min,
			(unsigned long long)latency_percentile(h, 50),
			(unsigned long long)latency_percentile(h, 90),
			(unsigned long long)latency_percentile(h, 99), (unsigned long long)h->max);
	}
}

void latency_json(FILE *f, const struct latency_stats *s)
{
	fprintf(f, "{");
	for (int o = 0; o < LAT_NR_OUTCOMES; o++) {
		const struct latency_hist *h = &s->h[o];
		const char *sep = "";

		fprintf(f, "%s\"%s\": {\"count\": %llu, \"cycles\": %llu, \"min\": %llu, "
			   "\"p50\": %llu, \"p90\": %llu, \"p99\": %llu, \"max\": %llu, \"histogram\": [",
			o ? ", " : "", latency_outcome_names[o], (unsigned long long)h->count,
			(unsigned long long)h->sum, (unsigned long long)h->min,
			(unsigned long long)latency_percentile(h, 50),
			(unsigned long long)latency_percentile(h, 90),
			(unsigned long long)latency_percentile(h, 99), (unsigned long long)h->max);
		for (uint64_t c = 0; c < LATENCY_BINS; c++) {
			if (!h->bins[c])
				continue;
			fprintf(f, "%s[%llu, %llu]", sep, (unsigned long long)c,
				(unsigned long long)h->bins[c]);
			sep = ", ";
		}
		fprintf(f, "]}");
	}
	fprintf(f, "}");
}
