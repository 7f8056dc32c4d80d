// SPDX-License-Identifier: MIT
#include "sc_replay.h"

#include <stdlib.h>

#include "../replay.h"
#include "../report.h"

/* The replay and the figures its end leaves, in one allocation (the replay first). */
struct sc_run {
	struct replay rp;
	struct sim_stats st;
};

static struct sim_stats *stats_of(struct replay *rp)
{
	return &((struct sc_run *)rp)->st;
}

struct replay *sc_replay_new(void)
{
	struct sc_run *run = calloc(1, sizeof(*run));

	return (struct replay *)run; /* its first member */
}

int sc_replay_init(struct replay *rp, const struct sim_config *cfg, const struct rtl_port *port)
{
	int rc = replay_init_port(rp, cfg, false, port);

	if (rc && !rp->err[0])
		snprintf(rp->err, sizeof(rp->err), "out of memory");
	return rc;
}

const struct pmem *sc_replay_pmem(struct replay *rp)
{
	return &rp->os.pa.pmem;
}

int sc_replay_batch(struct replay *rp, const struct trace_rec *recs, size_t n)
{
	return replay_batch(rp, recs, n);
}

int sc_replay_finish(struct replay *rp)
{
	return replay_finish(rp, stats_of(rp));
}

const char *sc_replay_error(const struct replay *rp)
{
	return rp->err;
}

void sc_replay_warnings(const struct replay *rp, FILE *f, const char *prefix)
{
	for (unsigned i = 0; i < rp->nwarnings; i++)
		fprintf(f, "%s%s\n", prefix, rp->warning[i]);
}

void sc_replay_rtl(const struct replay *rp, uint64_t *pages, uint64_t *tlbis, uint64_t *syncs)
{
	*pages = rp->rtl.pages;
	*tlbis = rp->rtl.tlbis;
	*syncs = rp->rtl.syncs;
}

void sc_replay_report(struct replay *rp, const char *trace, const char *format,
		      double seconds, FILE *table, FILE *json)
{
	struct sim_stats *st = stats_of(rp);

	st->trace = trace;
	st->format = format;
	st->seconds = seconds;
	if (json)
		report_json(json, st);
	if (table)
		report_table(table, st);
}

void sc_replay_free(struct replay *rp)
{
	if (!rp)
		return;
	replay_free(rp);
	free(rp);
}
