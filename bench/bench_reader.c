// SPDX-License-Identifier: MIT
/*
 * Decode rate of the trace reader: reads a trace start to end, again and
 * again for at least a second, and reports records per second and the peak
 * resident memory (which must not grow with the trace's length).
 *
 *   bench_reader TRACE [MIN_SECONDS]
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <time.h>

#include "../traces/trace.h"

#define BATCH 4096

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: bench_reader TRACE [MIN_SECONDS]\n");
		return 2;
	}
	double min_s = argc > 2 ? atof(argv[2]) : 1.0;
	static struct trace_rec buf[BATCH];
	uint64_t records = 0, checksum = 0;
	int passes = 0;
	double t0 = now(), t;

	do {
		char err[512];
		struct trace_reader *r = trace_open(argv[1], err, sizeof(err));
		size_t n;

		if (!r) {
			fprintf(stderr, "bench_reader: %s\n", err);
			return 1;
		}
		while ((n = trace_read(r, buf, BATCH)) > 0) {
			records += n;
			checksum += buf[n - 1].addr; /* keep the decode honest */
		}
		if (trace_error(r)) {
			fprintf(stderr, "bench_reader: %s\n", trace_error(r));
			return 1;
		}
		trace_close(r);
		passes++;
		t = now() - t0;
	} while (t < min_s);
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	printf("%s: %d passes, %llu records in %.3f s: %.1f M records/s, peak RSS %ld KiB"
	       " (checksum %llx)\n",
	       argv[1], passes, (unsigned long long)records, t, (double)records / t / 1e6,
	       ru.ru_maxrss, (unsigned long long)checksum);
	return 0;
}
