// SPDX-License-Identifier: MIT
#include "pmem.h"

#include <stdlib.h>
#include <string.h>

#define CHUNK (1u << PMEM_CHUNK_SHIFT)
#define FRAME 4096u

int pmem_init(struct pmem *p, uint64_t bytes)
{
	memset(p, 0, sizeof(*p));
	p->nr_frames = bytes / FRAME;
	p->dir = calloc((p->nr_frames + CHUNK - 1) / CHUNK, sizeof(*p->dir));
	return p->dir ? 0 : -1;
}

void pmem_free(struct pmem *p)
{
	uint64_t chunks = (p->nr_frames + CHUNK - 1) / CHUNK;

	for (uint64_t c = 0; p->dir && c < chunks; c++) {
		if (!p->dir[c])
			continue;
		for (unsigned i = 0; i < CHUNK; i++)
			free(p->dir[c][i]);
		free(p->dir[c]);
	}
	free(p->dir);
	memset(p, 0, sizeof(*p));
}

bool pmem_valid(const struct pmem *p, uint64_t pa, unsigned size)
{
	return pa / FRAME < p->nr_frames && (pa & (FRAME - 1)) + size <= FRAME;
}

static uint8_t *frame(const struct pmem *p, uint64_t pfn)
{
	uint8_t **chunk = p->dir[pfn >> PMEM_CHUNK_SHIFT];

	return chunk ? chunk[pfn & (CHUNK - 1)] : NULL;
}

static uint8_t *frame_for_write(struct pmem *p, uint64_t pfn)
{
	uint8_t ***slot = &p->dir[pfn >> PMEM_CHUNK_SHIFT];

	if (!*slot && !(*slot = calloc(CHUNK, sizeof(**slot))))
		return NULL;
	uint8_t **f = &(*slot)[pfn & (CHUNK - 1)];

	if (!*f) {
		*f = calloc(1, FRAME);
		if (!*f)
			return NULL;
		p->resident++;
	}
	return *f;
}

uint64_t pmem_read64(const struct pmem *p, uint64_t pa)
{
	const uint8_t *f = frame(p, pa / FRAME);
	uint64_t v = 0;

	if (f)
		memcpy(&v, f + (pa & (FRAME - 1)), sizeof(v));
	return v;
}

int pmem_write64(struct pmem *p, uint64_t pa, uint64_t v)
{
	uint8_t *f;

	if (!v && !frame(p, pa / FRAME))
		return 0; /* already zero */
	f = frame_for_write(p, pa / FRAME);
	if (!f)
		return -1;
	memcpy(f + (pa & (FRAME - 1)), &v, sizeof(v));
	return 0;
}

void pmem_clear_frame(struct pmem *p, uint64_t pfn)
{
	uint8_t **chunk = p->dir[pfn >> PMEM_CHUNK_SHIFT];

	if (chunk && chunk[pfn & (CHUNK - 1)]) {
		free(chunk[pfn & (CHUNK - 1)]);
		chunk[pfn & (CHUNK - 1)] = NULL;
		p->resident--;
	}
}

int pmem_copy_frame(struct pmem *p, uint64_t dst_pfn, uint64_t src_pfn)
{
	const uint8_t *src = frame(p, src_pfn);

	if (!src) {
		pmem_clear_frame(p, dst_pfn);
		return 0;
	}
	uint8_t *dst = frame_for_write(p, dst_pfn);

	if (!dst)
		return -1;
	memcpy(dst, src, FRAME);
	return 0;
}

bool pmem_frame_is_zero(const struct pmem *p, uint64_t pfn)
{
	const uint8_t *f = frame(p, pfn);

	if (!f)
		return true;
	for (unsigned i = 0; i < FRAME; i++)
		if (f[i])
			return false;
	return true;
}
