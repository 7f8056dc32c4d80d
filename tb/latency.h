/* SPDX-License-Identifier: MIT */
/*
 * Translation latency histograms, one per outcome: how many cycles each page
 * took from request to answer. Bins are exact up to LATENCY_BINS - 2 cycles;
 * the last bin holds LATENCY_BINS - 1 cycles and more (min, max and the mean
 * stay exact; a percentile that falls there reads LATENCY_BINS - 1: at least).
 */
#ifndef MMUSIM_LATENCY_H
#define MMUSIM_LATENCY_H

#include <stdint.h>
#include <stdio.h>

#include "xlat.h"

enum latency_outcome { LAT_L1_HIT, LAT_L2_HIT, LAT_WALK, LAT_FAULT, LAT_NR_OUTCOMES };

extern const char *const latency_outcome_names[LAT_NR_OUTCOMES];

/* A page's outcome from its answer: faulted, or where it came from (same order). */
static inline enum latency_outcome latency_outcome_of(int faulted, unsigned source)
{
	return faulted || source > XLAT_WALK ? LAT_FAULT : (enum latency_outcome)source;
}

#define LATENCY_BINS 4096

struct latency_hist {
	uint64_t count, sum, min, max;
	uint64_t bins[LATENCY_BINS];
};

struct latency_stats {
	struct latency_hist h[LAT_NR_OUTCOMES];
};

/* n pages of this outcome that took these cycles each */
static inline void latency_add_n(struct latency_stats *s, enum latency_outcome o, uint64_t cycles,
				 uint64_t n)
{
	struct latency_hist *h = &s->h[o];

	if (!h->count || cycles < h->min)
		h->min = cycles;
	if (cycles > h->max)
		h->max = cycles;
	h->count += n;
	h->sum += n * cycles;
	h->bins[cycles < LATENCY_BINS ? cycles : LATENCY_BINS - 1] += n;
}

static inline void latency_add(struct latency_stats *s, enum latency_outcome o, uint64_t cycles)
{
	latency_add_n(s, o, cycles, 1);
}
/* The smallest latency at or below which pct percent of the pages answered. */
uint64_t latency_percentile(const struct latency_hist *h, double pct);
/* A table, one row an outcome: count, mean, min, p50, p90, p99, max. */
void latency_table(FILE *f, const struct latency_stats *s, const char *title);
/* {"l1_hit": {"count": .., "cycles": (the sum), "min": .., ..., "histogram": [[cycles, pages], ...]}, ...} */
void latency_json(FILE *f, const struct latency_stats *s);

#endif
