/* SPDX-License-Identifier: MIT */
/* A set of page numbers (open addressing), for footprints. */
#ifndef MMUSIM_PAGESET_H
#define MMUSIM_PAGESET_H

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

struct pageset {
	uint64_t *slot; /* key + 1; 0 is empty */
	size_t cap, count;
};

static inline uint64_t pageset_hash(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	return x;
}

/* Adds key; returns 1 if new, 0 if present, -1 out of memory. */
static inline int pageset_add(struct pageset *s, uint64_t key)
{
	if (2 * (s->count + 1) > s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 1024;
		uint64_t *n = calloc(cap, sizeof(*n));

		if (!n)
			return -1;
		for (size_t i = 0; i < s->cap; i++) {
			if (!s->slot[i])
				continue;
			size_t j = pageset_hash(s->slot[i] - 1) & (cap - 1);

			while (n[j])
				j = (j + 1) & (cap - 1);
			n[j] = s->slot[i];
		}
		free(s->slot);
		s->slot = n;
		s->cap = cap;
	}
	size_t j = pageset_hash(key) & (s->cap - 1);

	while (s->slot[j]) {
		if (s->slot[j] == key + 1)
			return 0;
		j = (j + 1) & (s->cap - 1);
	}
	s->slot[j] = key + 1;
	s->count++;
	return 1;
}

static inline void pageset_free(struct pageset *s)
{
	free(s->slot);
	s->slot = NULL;
	s->cap = s->count = 0;
}

#endif
