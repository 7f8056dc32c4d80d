// SPDX-License-Identifier: MIT
/*
 * A small multi-threaded program for the end-to-end test: two workers walk
 * their own buffers a page at a time, the main thread a third. The test
 * traces it with `mmutrace capture` and checks mmusim's counts against
 * cachegrind's simulation of the same run.
 */
#include <pthread.h>
#include <stdio.h>

#define PAGES 600

static char buffers[3][PAGES * 4096L];
/*
 * All three threads meet here before they finish: a worker that ended
 * before the second was created would hand its thread id (and so its
 * core) on to it, and one core would run nothing.
 */
static pthread_barrier_t all_started;

static void *walk(void *arg)
{
	long sum = 0;
	char *buf = buffers[(long)arg];

	for (int pass = 0; pass < 3; pass++)
		for (long i = 0; i < PAGES; i++) {
			buf[i * 4096 + (long)arg] = (char)i;
			sum += buf[((i * 7) % PAGES) * 4096];
		}
	pthread_barrier_wait(&all_started);
	return (void *)sum;
}

int main(void)
{
	pthread_t t[2];
	long total = 0;

	pthread_barrier_init(&all_started, NULL, 3);
	for (long i = 0; i < 2; i++)
		pthread_create(&t[i], NULL, walk, (void *)(i + 1));
	total += (long)walk((void *)0);
	for (int i = 0; i < 2; i++) {
		void *r;

		pthread_join(t[i], &r);
		total += (long)r;
	}
	printf("%ld\n", total);
	return 0;
}
