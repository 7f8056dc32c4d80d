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

static void *walk(void *arg)
{
	long sum = 0;
	char *buf = buffers[(long)arg];

	for (int pass = 0; pass < 3; pass++)
		for (long i = 0; i < PAGES; i++) {
			buf[i * 4096 + (long)arg] = (char)i;
			sum += buf[((i * 7) % PAGES) * 4096];
		}
	return (void *)sum;
}

int main(void)
{
	pthread_t t[2];
	long total = 0;

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
