// SPDX-License-Identifier: MIT
#include "sc_replay.h"

#include <stdlib.h>

#include "../replay.h"
#include "../report.h"

struct replay *sc_replay_new(void)
{
	return calloc(1, sizeof(struct replay));
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
	return replay_finish(rp);
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

void sc_replay_report(const struct replay *rp, const char *trace, const char *format,
		      double seconds, FILE *table, FILE *json)
{
	struct run_info run = { .trace = trace,
				.format = format,
				.records = rp->records,
				.events = rp->events,
				.seconds = seconds,
				.rp = rp };

	if (json)
		report_json(json, &rp->mmu, &run);
	if (table)
		report_table(table, &rp->mmu, &run);
}

void sc_replay_free(struct replay *rp)
{
	if (!rp)
		return;
	replay_free(rp);
	free(rp);
}
