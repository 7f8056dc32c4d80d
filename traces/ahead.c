// SPDX-License-Identifier: MIT
/*
 * Reading ahead: a thread of its own reads and decodes the trace (the pipe
 * or file, zstd, the blocks' checksums, the records) into a ring of
 * batches while the caller replays the batches before them, so that a
 * replay overlaps its decoding, and a live run's replay the capture, on a
 * second core.
 */
#include <pthread.h>
#include <stdlib.h>

#include "trace.h"

#define AHEAD_SLOTS 4

struct slot {
	struct trace_rec *recs;
	size_t n;
	bool lacks_layout;
};

struct trace_ahead {
	struct trace_reader *r;
	size_t batch;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t filled, emptied;
	struct slot slot[AHEAD_SLOTS];
	unsigned head, count; /* the oldest full slot; full slots */
	bool done, stop, reader_waits, caller_waits, taken;
};

static void *reader(void *arg)
{
	struct trace_ahead *a = arg;
	unsigned tail = 0;

	for (;;) {
		pthread_mutex_lock(&a->lock);
		while (a->count == AHEAD_SLOTS && !a->stop) {
			a->reader_waits = true;
			pthread_cond_wait(&a->emptied, &a->lock);
			a->reader_waits = false;
		}
		bool stop = a->stop;

		pthread_mutex_unlock(&a->lock);
		if (stop)
			break;
		/* the slot at tail is the reader's until it counts it full */
		struct slot *s = &a->slot[tail];

		s->n = trace_read(a->r, s->recs, a->batch);
		s->lacks_layout = s->n && trace_lackey_lacks_layout(a->r);
		pthread_mutex_lock(&a->lock);
		if (s->n)
			a->count++;
		else
			a->done = true;
		if (a->caller_waits)
			pthread_cond_signal(&a->filled);
		pthread_mutex_unlock(&a->lock);
		if (!s->n)
			break;
		tail = (tail + 1) % AHEAD_SLOTS;
	}
	return NULL;
}

struct trace_ahead *trace_ahead_start(struct trace_reader *r, size_t batch)
{
	struct trace_ahead *a = calloc(1, sizeof(*a));

	if (!a)
		return NULL;
	a->r = r;
	a->batch = batch;
	for (unsigned i = 0; i < AHEAD_SLOTS; i++)
		if (!(a->slot[i].recs = malloc(batch * sizeof(struct trace_rec))))
			goto fail;
	pthread_mutex_init(&a->lock, NULL);
	pthread_cond_init(&a->filled, NULL);
	pthread_cond_init(&a->emptied, NULL);
	if (pthread_create(&a->thread, NULL, reader, a)) {
		pthread_mutex_destroy(&a->lock);
		pthread_cond_destroy(&a->filled);
		pthread_cond_destroy(&a->emptied);
		goto fail;
	}
	return a;
fail:
	for (unsigned i = 0; i < AHEAD_SLOTS; i++)
		free(a->slot[i].recs);
	free(a);
	return NULL;
}

size_t trace_ahead_next(struct trace_ahead *a, const struct trace_rec **recs, bool *lacks_layout)
{
	size_t n = 0;

	pthread_mutex_lock(&a->lock);
	if (a->taken) { /* the batch handed out last time is done with */
		a->taken = false;
		a->head = (a->head + 1) % AHEAD_SLOTS;
		a->count--;
		if (a->reader_waits)
			pthread_cond_signal(&a->emptied);
	}
	while (!a->count && !a->done) {
		a->caller_waits = true;
		pthread_cond_wait(&a->filled, &a->lock);
		a->caller_waits = false;
	}
	if (a->count) {
		struct slot *s = &a->slot[a->head];

		*recs = s->recs;
		*lacks_layout = s->lacks_layout;
		n = s->n;
		a->taken = true;
	}
	pthread_mutex_unlock(&a->lock);
	return n;
}

void trace_ahead_stop(struct trace_ahead *a)
{
	if (!a)
		return;
	pthread_mutex_lock(&a->lock);
	a->stop = true;
	pthread_cond_signal(&a->emptied);
	pthread_mutex_unlock(&a->lock);
	pthread_join(a->thread, NULL);
	pthread_mutex_destroy(&a->lock);
	pthread_cond_destroy(&a->filled);
	pthread_cond_destroy(&a->emptied);
	for (unsigned i = 0; i < AHEAD_SLOTS; i++)
		free(a->slot[i].recs);
	free(a);
}
