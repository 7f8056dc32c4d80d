// SPDX-License-Identifier: MIT
/*
 * A random trace for the RTL stress test: three threads of one process that
 * mmap, munmap and mprotect anonymous and file memory (whole mappings and
 * pieces of them), switch often and touch their pages with fetches, loads,
 * stores and modifies; a few accesses go where nothing is mapped or the
 * rights forbid them; and races, where one thread touches pages, another
 * unmaps or reprotects them and the first touches them again at once
 * (race()). Replayed by mmusim, the OS model turns this into page
 * faults, VMA splits and TLBIs (per page, by range, by ASID) that the RTL
 * must follow in lockstep with the golden model.
 *
 *   stress_trace SEED ACCESSES [whole|procs]   > trace.txt
 * whole: munmap and mprotect whole mappings only, never merged with their
 * neighbours (for runs with THP, whose 2 MiB pages the replay does not split).
 * procs: a tree of processes as well: they fork (the child starts with its
 * parent's mappings), start threads, exec (a new, empty arena) and exit, up
 * to MAX_PROCS alive at once; the first one lives to the end.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xorshift.h"

#define ARENA	   0x10000000ULL /* mappings live in [ARENA, ARENA + 4 GiB) */
#define ARENA_PAGES (1ULL << 20)
#define MAX_REGIONS 200
#define THREADS	   3
#define MAX_PROCS   6
#define MAX_TASKS   4 /* threads of one process, in procs mode */

/* A mapped run of pages with one protection (one VMA or a piece of one). */
struct region {
	uint64_t page, pages; /* first page number in the arena, count */
	unsigned prot;	      /* PROT_READ 1, PROT_WRITE 2, PROT_EXEC 4 */
};

/* A process: its mappings in the arena and its threads. */
static struct proc {
	struct region r[MAX_REGIONS];
	unsigned n;
	unsigned tid[MAX_TASKS], ntids;
	bool alive;
} procs[MAX_PROCS];
static struct proc *cur = procs; /* the running thread's process */
static unsigned cur_tid = 1, next_tid = THREADS + 1;
/* the running process's mappings */
#define reg (cur->r)
#define nreg (cur->n)
static uint64_t gap; /* pages kept free around each mmap: 1 stops VMA merges */

static const char *prot_str(unsigned p)
{
	static char s[4];

	s[0] = p & 1 ? 'r' : '-';
	s[1] = p & 2 ? 'w' : '-';
	s[2] = p & 4 ? 'x' : '-';
	s[3] = 0;
	return s;
}

static uint64_t va_of(uint64_t page)
{
	return ARENA + (page << 12);
}

static bool overlaps(uint64_t page, uint64_t pages)
{
	for (unsigned i = 0; i < nreg; i++)
		if (page < reg[i].page + reg[i].pages + gap && reg[i].page < page + pages + gap)
			return true;
	return false;
}

static void do_mmap(void)
{
	static const unsigned prots[] = { 1, 3, 3, 3, 5, 7 };
	uint64_t pages = next() % 8 ? 1 + next() % 64 : 512 + next() % 1024;
	uint64_t page = 0;
	unsigned prot = prots[next() % 6];
	bool file = next() % 4 == 0;
	int tries;

	if (nreg >= MAX_REGIONS)
		return;
	for (tries = 0; tries < 20; tries++) {
		page = next() % (ARENA_PAGES - pages);
		if (pages >= 512)
			page &= ~511ULL; /* 2 MiB aligned, where THP can use huge pages */
		if (!overlaps(page, pages))
			break;
	}
	if (tries == 20)
		return;
	reg[nreg++] = (struct region){ page, pages, prot };
	if (file)
		printf("mmap %#llx %#llx %s private file=1 off=%#llx\n",
		       (unsigned long long)va_of(page), (unsigned long long)pages << 12,
		       prot_str(prot), (unsigned long long)(next() % 16) << 12);
	else
		printf("mmap %#llx %#llx %s private|anonymous\n", (unsigned long long)va_of(page),
		       (unsigned long long)pages << 12, prot_str(prot));
}

/* Cuts [page, page + pages) out of every region; the rest stays. */
static void cut(uint64_t page, uint64_t pages)
{
	uint64_t end = page + pages;

	for (unsigned i = 0; i < nreg; i++) {
		struct region r = reg[i];
		uint64_t r_end = r.page + r.pages;

		if (end <= r.page || r_end <= page)
			continue;
		reg[i] = reg[--nreg]; /* remove it, then add back what lies outside */
		if (r.page < page)
			reg[nreg++] = (struct region){ r.page, page - r.page, r.prot };
		if (end < r_end)
			reg[nreg++] = (struct region){ end, r_end - end, r.prot };
		i = (unsigned)-1; /* the array changed: start over */
	}
}

/* A whole region, or a random piece of it. */
static void pick_range(bool whole, uint64_t *page, uint64_t *pages, unsigned *prot)
{
	const struct region *r = &reg[next() % nreg];

	*prot = r->prot;
	*page = r->page;
	*pages = r->pages;
	if (whole || next() % 3 == 0)
		return;
	*page = r->page + next() % r->pages;
	*pages = 1 + next() % (r->page + r->pages - *page);
}

static void do_munmap(bool whole)
{
	uint64_t page, pages;
	unsigned prot;

	if (!nreg)
		return;
	/* a hole in a region adds one: when full, whole mappings only */
	pick_range(whole || nreg >= MAX_REGIONS, &page, &pages, &prot);
	printf("munmap %#llx %#llx\n", (unsigned long long)va_of(page),
	       (unsigned long long)pages << 12);
	cut(page, pages);
}

static void do_mprotect(bool whole)
{
	static const unsigned prots[] = { 1, 3, 5, 7 };
	uint64_t page, pages;
	unsigned prot, to = prots[next() % 4];

	if (!nreg)
		return;
	/* a piece from the middle adds two: when nearly full, whole mappings only */
	pick_range(whole || nreg + 2 > MAX_REGIONS, &page, &pages, &prot);
	printf("mprotect %#llx %#llx %s\n", (unsigned long long)va_of(page),
	       (unsigned long long)pages << 12, prot_str(to));
	cut(page, pages);
	reg[nreg++] = (struct region){ page, pages, to };
}

/* n accesses to pages [base, base + span) of a mapping with rights prot. */
static void touch(uint64_t base, uint64_t span, unsigned prot, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		uint64_t va = va_of(base + next() % span) + (next() & 0xfff);
		unsigned size = 1u << (next() % 4);
		unsigned k = (unsigned)(next() % 10);
		/* what the rights allow, but one access in a hundred does not care */
		bool any = next() % 100 == 0;
		char type = k < 3 && (any || prot & 4) ? 'I'
			    : k < 7 || (!any && !(prot & 2)) ? 'R'
			    : k < 9			    ? 'W'
							    : 'M';

		printf("%c %#llx %u\n", type, (unsigned long long)va, size);
	}
}

/*
 * A race (one process, pieces of mappings): the next thread, on the next core, touches a few
 * pages of a mapping, so its TLBs hold them; this thread unmaps or
 * reprotects them; the other touches them again at once. With the cores
 * running at once, those accesses meet the TLBIs in flight. Returns the
 * accesses.
 */
static unsigned race(void)
{
	unsigned self = cur_tid, other = cur_tid % THREADS + 1;
	const struct region *r;
	uint64_t base, span;
	unsigned prot, n = 4 + (unsigned)(next() % 8);

	if (!nreg)
		return 0;
	r = &reg[next() % nreg];
	base = r->page + next() % r->pages;
	span = r->page + r->pages - base;
	if (span > 4)
		span = 4;
	prot = r->prot;
	printf("switch %u\n", other);
	touch(base, span, prot, n);
	printf("switch %u\n", self);
	if (next() % 2) {
		printf("munmap %#llx %#llx\n", (unsigned long long)va_of(base),
		       (unsigned long long)span << 12);
		cut(base, span);
	} else {
		printf("mprotect %#llx %#llx r--\n", (unsigned long long)va_of(base),
		       (unsigned long long)span << 12);
		cut(base, span);
		reg[nreg++] = (struct region){ base, span, 1 };
	}
	printf("switch %u\n", other);
	touch(base, span, prot, n);
	printf("switch %u\n", self);
	return 2 * n;
}

/* A burst of accesses around one page; returns how many. */
static unsigned burst(void)
{
	uint64_t base, span;
	unsigned prot, n = 1 + (unsigned)(next() % 64);

	if (next() % 200 == 0) { /* anywhere: mostly nothing mapped there */
		base = next() % ARENA_PAGES;
		span = 4;
		prot = 7;
		n = 1 + n % 4;
	} else {
		const struct region *r = &reg[next() % nreg];

		base = r->page + next() % r->pages;
		span = r->page + r->pages - base;
		if (span > 16)
			span = 16;
		prot = r->prot;
	}
	touch(base, span, prot, n);
	return n;
}

/* Runs thread tid of process p from here on. */
static void run(struct proc *p, unsigned tid)
{
	cur = p;
	cur_tid = tid;
	printf("switch %u\n", tid);
}

/* Another thread, of any live process. */
static void switch_any(void)
{
	struct proc *p;

	do
		p = &procs[next() % MAX_PROCS];
	while (!p->alive);
	run(p, p->tid[next() % p->ntids]);
}

/* The running thread forks: the child, one thread, runs from its first switch. */
static void do_fork(void)
{
	struct proc *child = NULL;

	for (unsigned i = 1; i < MAX_PROCS && !child; i++)
		if (!procs[i].alive)
			child = &procs[i];
	if (!child)
		return;
	memcpy(child->r, cur->r, sizeof(cur->r));
	child->n = cur->n;
	child->tid[0] = next_tid++;
	child->ntids = 1;
	child->alive = true;
	printf("clone %u 0x1200011\n", child->tid[0]);
}

static void do_thread(void)
{
	if (cur->ntids == MAX_TASKS)
		return;
	cur->tid[cur->ntids++] = next_tid;
	printf("clone %u 0x3d0f00\n", next_tid++);
}

/* The running thread's process runs the program anew: one thread, no mappings. */
static void do_exec(void)
{
	printf("exec 1\nsegment 0x400000 0x10000 r-x file file=1 off=0x0\n"
	       "segment 0x7ffff0000000 0x20000 rw- stack\n");
	cur->tid[0] = cur_tid;
	cur->ntids = 1;
	cur->n = 0;
}

/* The running process ends (never the first), and another runs. */
static void do_exit(void)
{
	if (cur == procs)
		return;
	printf("exit %u group\n", cur_tid);
	cur->alive = false;
	switch_any();
}

int main(int argc, char **argv)
{
	uint64_t seed, accesses, done = 0;
	bool whole, tree;

	if (argc < 3) {
		fprintf(stderr, "usage: stress_trace SEED ACCESSES [whole]\n");
		return 2;
	}
	seed = strtoull(argv[1], NULL, 0);
	accesses = strtoull(argv[2], NULL, 0);
	whole = argc > 3 && !strcmp(argv[3], "whole");
	tree = argc > 3 && !strcmp(argv[3], "procs");
	gap = whole; /* a whole mapping is then a whole VMA, never part of a 2 MiB page */
	rng = (seed * 0x9e3779b97f4a7c15ULL) | 1; /* distinct streams for seeds 2k, 2k+1 */
	printf("mmutrace-text 1\n# stress_trace %s %s%s\n", argv[1], argv[2],
	       whole ? " whole" : tree ? " procs" : "");
	printf("file 1 /usr/lib/libstress.so\n");
	printf("segment 0x400000 0x10000 r-x file file=1 off=0x0\n");
	printf("segment 0x7ffff0000000 0x20000 rw- stack\n");
	for (unsigned t = 2; t <= THREADS; t++)
		printf("clone %u 0x3d0f00\nswitch %u\nswitch 1\n", t, t);
	procs[0].alive = true;
	for (unsigned t = 1; t <= THREADS; t++)
		procs[0].tid[procs[0].ntids++] = t;
	while (done < accesses) {
		unsigned op = (unsigned)(next() % 100);

		if (tree && op >= 30 && op < 34) {
			unsigned what = (unsigned)(next() % 8);

			if (what < 3)
				do_fork();
			else if (what < 5)
				do_thread();
			else if (what < 6)
				do_exec();
			else
				do_exit();
			continue;
		}
		if (op < 6 || !nreg)
			do_mmap();
		else if (op < 10)
			do_munmap(whole);
		else if (op < 14)
			do_mprotect(whole);
		else if (op < 16 && !tree && !whole && nreg + 2 <= MAX_REGIONS)
			done += race();
		else if (op < 30 && tree)
			switch_any();
		else if (op < 30)
			printf("switch %u\n", 1 + (unsigned)(next() % THREADS));
		else
			done += burst();
	}
	return 0;
}
