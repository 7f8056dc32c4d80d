// SPDX-License-Identifier: MIT
/*
 * Reader of Valgrind lackey logs (--tool=lackey --trace-mem=yes), with the
 * core's --trace-syscalls=yes, --trace-sched=yes and -d lines mixed in:
 *
 *   I  04016c30,3                      instruction fetch
 *    L 1ffefff8d8,8                    load (S store, M modify)
 *   SYSCALL[2027,1](9) sys_mmap ( 0x0, 8192, 3, 34, 4294967295, 0 ) --> ...
 *   --2027--   SCHED[2]:  acquired lock (thread_wrapper(starting new thread))
 *   --2027:1: aspacem   1: file 0000108000-0000108fff 4096 r---- ... (1,49)
 *
 * Valgrind prints a syscall in two parts, before and after it runs, and
 * other output can land between them, on the same line or on later ones, so
 * one physical line may hold several records ("glued" lines). Each piece is
 * recognised by its own prefix and the rest of the line parsed again.
 */
#include <ctype.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "trace_impl.h"

#define MAX_ARGS 8
#define MAX_THREADS 4096

struct pending_syscall {
	bool active; /* the pre-part was seen, the result was not */
	char name[24];
	int nargs;
	uint64_t arg[MAX_ARGS];
	char path[TRACE_MAX_PATH]; /* the string of a path argument */
};

struct layout_seg {
	char kind[5];
	uint64_t start, end;
	uint32_t prot;
	int name;
	uint64_t offset;
	bool sm_lower, sm_upper;
};

struct lackey_state {
	long pid;    /* the traced process, from the first line naming one */
	bool forked; /* a child process may write into the same log */
	struct pending_syscall *sys; /* by thread id */
	uint32_t last_pre;	     /* thread whose pre-part awaits its result */
	struct {
		uint32_t parent;
		uint64_t flags;
	} clones[64]; /* thread clones not yet started */
	int nclones;
	uint32_t *fd_file; /* fd -> file id of an open file */
	size_t nfd;
	uint32_t next_file;
	uint64_t brk;
	bool have_brk;
	int layout; /* 0 before, 1 in the start-up layout, 2 after it, 3 in the one at exit */
	char *exit_layout; /* the client's segments at shutdown, a line each */
	size_t exit_len;
	char **names;
	int nnames;
	struct layout_seg *segs;
	int nsegs, capsegs;
	struct trace_rec *q; /* records parsed but not yet delivered */
	size_t qhead, qlen, qcap;
	struct lackey_stats stats;
	bool no_layout; /* an access came before any start-up layout (-d) */
};

int lackey_init(struct trace_reader *r)
{
	r->lk = calloc(1, sizeof(*r->lk));
	if (!r->lk)
		return -1;
	r->lk->sys = calloc(MAX_THREADS, sizeof(*r->lk->sys));
	return r->lk->sys ? 0 : -1;
}

static void free_layout(struct lackey_state *s)
{
	for (int i = 0; i < s->nnames; i++)
		free(s->names[i]);
	free(s->names);
	free(s->segs);
	s->names = NULL;
	s->segs = NULL;
	s->nnames = s->nsegs = s->capsegs = 0;
}

void lackey_free(struct trace_reader *r)
{
	if (!r->lk)
		return;
	free_layout(r->lk);
	free(r->lk->exit_layout);
	free(r->lk->sys);
	free(r->lk->fd_file);
	free(r->lk->q);
	free(r->lk);
}

const struct lackey_stats *trace_lackey_stats(const struct trace_reader *r)
{
	return r->fmt == TRACE_LACKEY ? &r->lk->stats : NULL;
}

bool trace_lackey_lacks_layout(const struct trace_reader *r)
{
	return r->fmt == TRACE_LACKEY && r->lk->no_layout;
}

const char *trace_lackey_exit_layout(const struct trace_reader *r)
{
	return r->fmt == TRACE_LACKEY ? r->lk->exit_layout : NULL;
}

static struct trace_rec *push(struct trace_reader *r, uint8_t type, uint32_t tid)
{
	struct lackey_state *s = r->lk;

	if (s->qhead == s->qlen)
		s->qhead = s->qlen = 0;
	if (s->qlen == s->qcap) {
		size_t cap = s->qcap ? 2 * s->qcap : 256;
		struct trace_rec *q = realloc(s->q, cap * sizeof(*q));

		if (!q) {
			trace_fail(r, "out of memory");
			return NULL;
		}
		s->q = q;
		s->qcap = cap;
	}
	struct trace_rec *o = &s->q[s->qlen++];

	memset(o, 0, sizeof(*o));
	o->type = type;
	o->tid = tid;
	return o;
}

static void switch_to(struct trace_reader *r, uint32_t tid)
{
	if (tid == r->tid)
		return;
	r->tid = tid;
	push(r, TR_SWITCH, tid);
}

static const char *skip_hex(const char *p, uint64_t *v, int *digits)
{
	uint64_t x = 0;
	int n = 0;

	for (;; p++, n++) {
		int c = *p, d;

		if (c >= '0' && c <= '9')
			d = c - '0';
		else if (c >= 'a' && c <= 'f')
			d = c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			d = c - 'A' + 10;
		else
			break;
		x = x << 4 | (uint64_t)d;
	}
	*v = x;
	*digits = n;
	return p;
}

static const char *skip_spaces(const char *p)
{
	while (*p == ' ' || *p == '\t' || *p == '\r')
		p++;
	return p;
}

/* The pid in "==123==", "--123--", "--123:1:" or "SYSCALL[123,". */
static bool check_pid(struct trace_reader *r, long pid)
{
	struct lackey_state *s = r->lk;

	if (!s->pid)
		s->pid = pid;
	if (pid == s->pid)
		return true;
	trace_fail(r,
		   "output of process %ld in the log of process %ld: the program forked, "
		   "and mmusim does not follow forked processes yet (only one process per "
		   "trace: trace a program that does not fork)",
		   pid, s->pid);
	return false;
}

/* ---- memory accesses ---- */

/* "I  04016c30,3" or " L 1ffefff8d8,8": returns the rest, or NULL if bad. */
static const char *parse_access(struct trace_reader *r, const char *p, uint8_t type)
{
	uint64_t addr, size = 0;
	int digits;
	const char *q = skip_hex(p + 3, &addr, &digits);

	if (digits == 0 || digits > 16 || *q != ',') {
		trace_fail(r, "malformed lackey record '%.40s'", p);
		return NULL;
	}
	for (q++; *q >= '0' && *q <= '9'; q++)
		size = size * 10 + (uint64_t)(*q - '0');
	if (size == 0 || size > UINT16_MAX) {
		trace_fail(r, "bad access size in lackey record '%.40s'", p);
		return NULL;
	}
	struct trace_rec *o = push(r, type, r->tid);

	if (!o)
		return NULL;
	o->addr = addr;
	o->size = (uint16_t)size;
	if (r->lk->layout == 0)
		r->lk->no_layout = true;
	return q;
}

/*
 * Is p a lackey record: prefix, then at least 8 hex digits (lackey prints
 * %08lx) and a comma? -2: the prefix, but not a record.
 */
static int access_type(const char *p)
{
	static const char *const prefix[] = { "I  ", " L ", " S ", " M " };

	for (int t = 0; t < 4; t++) {
		if (strncmp(p, prefix[t], 3))
			continue;
		uint64_t v;
		int digits;
		const char *q = skip_hex(p + 3, &v, &digits);

		return digits >= 8 && *q == ',' ? t : -2;
	}
	return -1;
}

/* ---- start-up address space (-d) ---- */

static void layout_name(struct lackey_state *s, const char *p)
{
	int idx;
	int used = 0;

	/* "(1,49,7) /tmp/exp/mt" */
	if (sscanf(p, "(%d,%*d,%*d) %n", &idx, &used) < 1 || !used || idx < 0 || idx > 4096)
		return;
	if (idx >= s->nnames) {
		char **n = realloc(s->names, (size_t)(idx + 1) * sizeof(*n));

		if (!n)
			return;
		memset(n + s->nnames, 0, (size_t)(idx + 1 - s->nnames) * sizeof(*n));
		s->names = n;
		s->nnames = idx + 1;
	}
	free(s->names[idx]);
	s->names[idx] = strdup(p + used);
}

static void layout_seg(struct lackey_state *s, const char *p)
{
	struct layout_seg g = { .name = -1 };
	char prot[8], rest[64] = "";
	int used = 0;

	/* " 1: file 0000108000-0000108fff    4096 r---- d=0xfe00 i=1 o=0 (1,49)" */
	if (sscanf(p, "%*d: %4s %" SCNx64 "-%" SCNx64 " %*s %7s%n", g.kind, &g.start, &g.end,
		   prot, &used) < 4)
		return; /* free space has no kind: nothing to keep */
	if (!isalpha((unsigned char)g.kind[0]))
		return;
	p += used;
	g.prot = (prot[0] == 'r' ? TR_PROT_READ : 0) | (prot[1] == 'w' ? TR_PROT_WRITE : 0) |
		 (prot[2] == 'x' ? TR_PROT_EXEC : 0);
	const char *o = strstr(p, " o=");
	const char *n = strrchr(p, '(');

	if (o)
		g.offset = strtoull(o + 3, NULL, 10);
	if (n)
		g.name = atoi(n + 1);
	sscanf(p, " %63s", rest);
	g.sm_lower = !strcmp(rest, "SmLower");
	g.sm_upper = !strcmp(rest, "SmUpper");
	if (s->nsegs == s->capsegs) {
		int cap = s->capsegs ? 2 * s->capsegs : 64;
		struct layout_seg *a = realloc(s->segs, (size_t)cap * sizeof(*a));

		if (!a)
			return;
		s->segs = a;
		s->capsegs = cap;
	}
	s->segs[s->nsegs++] = g;
}

static uint32_t file_id_for(struct trace_reader *r, const char *path)
{
	for (uint32_t id = 1; id < r->nfiles; id++)
		if (r->files[id] && !strcmp(r->files[id], path))
			return id;
	uint32_t id = ++r->lk->next_file;

	if (trace_set_file(r, id, path, strlen(path)))
		return 0;
	struct trace_rec *o = push(r, TR_FILE, r->tid);

	if (!o)
		return 0;
	o->file.id = id;
	o->file.path = r->files[id];
	return id;
}

/*
 * The client's segments, lower-case in Valgrind's table ("file", "anon"):
 * the anonymous one just below the SmLower reservation is the brk heap, the
 * one just above the SmUpper reservation the main stack.
 */
static void emit_layout(struct trace_reader *r)
{
	struct lackey_state *s = r->lk;

	for (int i = 0; i < s->nsegs; i++) {
		struct layout_seg *g = &s->segs[i];
		bool file = !strcmp(g->kind, "file"), anon = !strcmp(g->kind, "anon");

		if (!file && !anon)
			continue;
		uint32_t id = 0;

		if (file && g->name >= 0 && g->name < s->nnames && s->names[g->name]) {
			id = file_id_for(r, s->names[g->name]);
			if (!id)
				return;
		}
		struct trace_rec *o = push(r, TR_SEGMENT, r->tid);

		if (!o)
			return;
		o->addr = g->start;
		o->len = g->end - g->start + 1;
		o->map.prot = g->prot;
		o->map.flags = TR_MAP_PRIVATE | (file ? 0 : TR_MAP_ANONYMOUS);
		o->map.file = id;
		o->map.offset = file ? g->offset : 0;
		o->map.kind = file ? SEG_FILE : SEG_ANON;
		if (anon && i + 1 < s->nsegs && s->segs[i + 1].sm_lower) {
			/* Valgrind anchors an empty heap with one page: brk == start */
			o->map.kind = SEG_HEAP;
			o->len = 0;
			s->brk = g->start;
			s->have_brk = true;
		} else if (anon && i > 0 && s->segs[i - 1].sm_upper) {
			o->map.kind = SEG_STACK;
		}
	}
	free_layout(s);
}

/* "START END PROT" of each client segment at shutdown, for comparisons */
static void exit_segment(struct lackey_state *s, const char *a)
{
	char kind[5] = "", prot[8] = "", line[80];
	uint64_t start, end;

	if (sscanf(a, "%*d: %4s %" SCNx64 "-%" SCNx64 " %*s %7s", kind, &start, &end, prot) < 4 ||
	    (strcmp(kind, "file") && strcmp(kind, "anon")))
		return;
	int n = snprintf(line, sizeof(line), "%#" PRIx64 " %#" PRIx64 " %.3s\n", start, end + 1,
			 prot);
	char *grown = realloc(s->exit_layout, s->exit_len + (size_t)n + 1);

	if (!grown)
		return;
	memcpy(grown + s->exit_len, line, (size_t)n + 1);
	s->exit_layout = grown;
	s->exit_len += (size_t)n;
}

static void parse_debug(struct trace_reader *r, const char *p)
{
	struct lackey_state *s = r->lk;
	const char *a = strstr(p, "aspacem ");

	if (!a)
		return;
	a += 8;
	if (s->layout >= 2) {
		if (strstr(a, "<<< SHOW_SEGMENTS: Memory layout at client shutdown"))
			s->layout = 3;
		else if (s->layout == 3 && strstr(a, ">>>"))
			s->layout = 4;
		else if (s->layout == 3)
			exit_segment(s, skip_spaces(a));
		return;
	}
	if (strstr(a, "<<< SHOW_SEGMENTS: Memory layout at client startup")) {
		s->layout = 1;
		return;
	}
	if (s->layout != 1)
		return;
	a = skip_spaces(a);
	if (!strncmp(a, ">>>", 3)) {
		s->layout = 2;
		emit_layout(r);
	} else if (*a == '(') {
		layout_name(s, a);
	} else if (isdigit((unsigned char)*a)) {
		layout_seg(s, a);
	}
}

/* ---- SCHED ---- */

static void parse_sched(struct trace_reader *r, const char *p)
{
	struct lackey_state *s = r->lk;
	unsigned long tid = strtoul(p + 6, NULL, 10);

	if (tid == 0 || tid >= MAX_THREADS || !strstr(p, "acquired lock"))
		return;
	if (strstr(p, "starting new thread") && s->nclones > 0) {
		struct trace_rec *o = push(r, TR_CLONE, s->clones[0].parent);

		if (!o)
			return;
		o->clone.child = (uint32_t)tid;
		o->clone.flags = s->clones[0].flags;
		memmove(s->clones, s->clones + 1, (size_t)--s->nclones * sizeof(s->clones[0]));
	}
	switch_to(r, (uint32_t)tid);
}

/* ---- SYSCALL ---- */

static void track_fd(struct trace_reader *r, uint64_t fd, uint32_t file)
{
	struct lackey_state *s = r->lk;

	if (fd > 1 << 20)
		return;
	if (fd >= s->nfd) {
		size_t n = (size_t)fd + 64;
		uint32_t *a = realloc(s->fd_file, n * sizeof(*a));

		if (!a)
			return;
		memset(a + s->nfd, 0, (n - s->nfd) * sizeof(*a));
		s->fd_file = a;
		s->nfd = n;
	}
	s->fd_file[fd] = file;
}

static uint32_t file_of_fd(struct trace_reader *r, uint64_t fd)
{
	struct lackey_state *s = r->lk;
	char name[32];

	if ((int32_t)fd < 0)
		return 0;
	if (fd < s->nfd && s->fd_file[fd])
		return s->fd_file[fd];
	snprintf(name, sizeof(name), "<fd %u>", (unsigned)fd); /* opened unseen */
	return file_id_for(r, name);
}

static void syscall_done(struct trace_reader *r, uint32_t tid, struct pending_syscall *c,
			 bool ok, uint64_t res)
{
	struct lackey_state *s = r->lk;
	const char *n = c->name;
	struct trace_rec *o;

	c->active = false;
	s->stats.syscalls++;
	if (!ok)
		return;
	if (!strcmp(n, "sys_mmap") && c->nargs >= 6) {
		uint32_t flags = (uint32_t)c->arg[3];
		uint32_t file = flags & TR_MAP_ANONYMOUS ? 0 : file_of_fd(r, c->arg[4]);

		if (!(o = push(r, TR_MMAP, tid)))
			return;
		o->addr = res;
		o->len = c->arg[1];
		o->map.prot = (uint32_t)c->arg[2];
		o->map.flags = flags;
		o->map.file = file;
		o->map.offset = file ? c->arg[5] : 0;
	} else if ((!strcmp(n, "sys_munmap") || !strcmp(n, "sys_mprotect")) &&
		   c->nargs >= 2) {
		bool unmap = n[5] == 'u';

		if (!(o = push(r, unmap ? TR_MUNMAP : TR_MPROTECT, tid)))
			return;
		o->addr = c->arg[0];
		o->len = c->arg[1];
		if (!unmap)
			o->map.prot = (uint32_t)c->arg[2];
	} else if (!strcmp(n, "sys_brk")) {
		if (s->have_brk && res == s->brk)
			return;
		if (!s->have_brk && c->arg[0] == 0) {
			s->brk = res; /* the first query names the base */
			s->have_brk = true;
			return;
		}
		s->brk = res;
		s->have_brk = true;
		if ((o = push(r, TR_BRK, tid)))
			o->addr = res;
	} else if (!strcmp(n, "sys_mremap") && c->nargs >= 4) {
		if (!(o = push(r, TR_MREMAP, tid)))
			return;
		o->addr = c->arg[0];
		o->len = c->arg[1];
		o->remap.addr = res;
		o->remap.len = c->arg[2];
		o->remap.flags = (uint32_t)c->arg[3];
	} else if (!strcmp(n, "sys_clone") || !strcmp(n, "sys_fork") ||
		   !strcmp(n, "sys_vfork")) {
		uint64_t flags = n[4] == 'c' ? c->arg[0] : 0;

		if (res == 0)
			return;
		/* Valgrind runs a vfork (posix_spawn's CLONE_VM | CLONE_VFORK) as a fork */
		if ((flags & TR_CLONE_VM) && (flags & TR_CLONE_VFORK))
			flags &= ~(uint64_t)(TR_CLONE_VM | TR_CLONE_VFORK);
		if (flags & TR_CLONE_VM) {
			/* A thread: it is named when Valgrind first schedules it. */
			if (s->nclones < 64) {
				s->clones[s->nclones].parent = tid;
				s->clones[s->nclones++].flags = flags;
			}
			return;
		}
		/* A process: its own accesses are not in this log. */
		s->forked = true;
		if ((o = push(r, TR_CLONE, tid))) {
			o->clone.child = (uint32_t)res;
			o->clone.flags = flags;
		}
	} else if (!strcmp(n, "sys_openat") || !strcmp(n, "sys_open")) {
		if (c->path[0])
			track_fd(r, res, file_id_for(r, c->path));
	} else if (!strcmp(n, "sys_close") && c->nargs >= 1) {
		track_fd(r, c->arg[0], 0);
	}
}

/* "Success(0x4835000)" or "Failure(0x2)" at p: returns the rest, or NULL. */
static const char *parse_result(struct trace_reader *r, const char *p, uint32_t tid)
{
	struct pending_syscall *c = &r->lk->sys[tid];
	bool ok = !strncmp(p, "Success(", 8);
	uint64_t res;
	int digits;

	if (!ok && strncmp(p, "Failure(", 8))
		return p; /* not a result: leave it to the caller */
	const char *q = p + 8;

	if (!strncmp(q, "0x", 2))
		q += 2;
	q = skip_hex(q, &res, &digits);
	while (*q && *q != ')')
		q++;
	if (*q == ')')
		q++;
	if (c->active)
		syscall_done(r, tid, c, ok, res);
	return q;
}

/* After " --> ": a result, or "[async] ..." (the result comes later). */
static const char *parse_arrow(struct trace_reader *r, const char *p, uint32_t tid)
{
	p = skip_spaces(p);
	if (!strncmp(p, "[async] ...", 11))
		return p + 11;
	if (!strncmp(p, "[pre-success] ", 14))
		p += 14;
	else if (!strncmp(p, "[pre-fail] ", 11))
		p += 11;
	return parse_result(r, p, tid);
}

/* Arguments "( 0x0, 8192, 3, 34, 4294967295, 0 )": returns the rest. */
static const char *parse_args(struct pending_syscall *c, const char *p, bool hex)
{
	c->nargs = 0;
	c->path[0] = 0;
	p = skip_spaces(p);
	if (*p != '(')
		return p;
	p++;
	for (;;) {
		p = skip_spaces(p);
		if (*p == ')' || !*p)
			break;
		char *end;
		uint64_t v = strtoull(p, &end, hex ? 16 : 0);

		if (end == p) {
			while (*p && *p != ',' && *p != ')')
				p++;
		} else {
			p = end;
		}
		if (*p == '(') {
			/* a pointer argument printed with its string: 0x40(/a/b) */
			const char *close = strchr(p, ')');
			size_t n = close ? (size_t)(close - p - 1) : 0;

			if (close && n < sizeof(c->path) && !c->path[0]) {
				memcpy(c->path, p + 1, n);
				c->path[n] = 0;
			}
			p = close ? close + 1 : p + strlen(p);
		}
		if (c->nargs < MAX_ARGS)
			c->arg[c->nargs++] = v;
		p = skip_spaces(p);
		if (*p == ',')
			p++;
	}
	return *p == ')' ? p + 1 : p;
}

static const char *parse_syscall(struct trace_reader *r, const char *p)
{
	struct lackey_state *s = r->lk;
	long pid;
	unsigned long tid;
	int used = 0;

	if (sscanf(p, "SYSCALL[%ld,%lu](%*d) %n", &pid, &tid, &used) < 2 || !used) {
		trace_fail(r, "malformed SYSCALL line '%.60s'", p);
		return NULL;
	}
	if (!check_pid(r, pid))
		return NULL;
	if (tid == 0 || tid >= MAX_THREADS) {
		trace_fail(r, "thread id %lu out of range", tid);
		return NULL;
	}
	p += used;
	struct pending_syscall *c = &s->sys[tid];

	if (!strncmp(p, "... [async] --> ", 16))
		return parse_result(r, p + 16, (uint32_t)tid);
	/* pre-part: name and arguments */
	size_t n = strcspn(p, " (");

	if (n >= sizeof(c->name))
		n = sizeof(c->name) - 1;
	memcpy(c->name, p, n);
	c->name[n] = 0;
	c->active = true;
	s->last_pre = (uint32_t)tid;
	p = parse_args(c, p + n, !strcmp(c->name, "sys_clone"));
	if (!strcmp(c->name, "exit") || !strcmp(c->name, "exit_group")) {
		struct trace_rec *o = push(r, TR_EXIT, (uint32_t)tid);

		if (o)
			o->exit.group = c->name[4] == '_';
		c->active = false;
	}
	if (!strncmp(p, "[sync]", 6))
		p += 6;
	if (!strncmp(p, " --> ", 5))
		return parse_arrow(r, p + 5, (uint32_t)tid);
	return p; /* the result comes later, on a " --> " piece */
}

/* One piece of a line; returns where the next glued piece starts. */
static const char *parse_piece(struct trace_reader *r, const char *p)
{
	int type = access_type(p);
	long pid;

	if (type >= 0)
		return parse_access(r, p, (uint8_t)type);
	if (!strncmp(p, "SYSCALL[", 8))
		return parse_syscall(r, p);
	if (!strncmp(p, " --> ", 5) || !strncmp(p, "--> ", 4))
		return parse_arrow(r, strstr(p, "-->") + 3, r->lk->last_pre);
	if ((p[0] == '-' || p[0] == '=') && p[1] == p[0] && sscanf(p + 2, "%ld", &pid) == 1) {
		if (!check_pid(r, pid))
			return NULL;
		const char *sched = strstr(p, "SCHED[");

		if (sched && p[0] == '-')
			parse_sched(r, sched);
		else if (p[0] == '-')
			parse_debug(r, p);
		return p + strlen(p);
	}
	if (type == -2 && r->eof && r->pos == r->len) {
		trace_fail(r, "truncated lackey record '%.40s' at the end of the log", p);
		return NULL;
	}
	if (type == -2) {
		/* FORMAT.md: a line that starts like a record but is not one */
		trace_fail(r, "malformed lackey record '%.40s' (want 'I  ADDR,SIZE', ' L', ' S' "
			   "or ' M' with at least 8 hex digits)", p);
		return NULL;
	}
	r->lk->stats.ignored_lines++;
	return p + strlen(p);
}

size_t lackey_read(struct trace_reader *r, struct trace_rec *out, size_t max)
{
	struct lackey_state *s = r->lk;
	size_t n = 0;

	while (n < max) {
		if (s->qhead < s->qlen) {
			size_t k = s->qlen - s->qhead;

			if (k > max - n)
				k = max - n;
			memcpy(out + n, s->q + s->qhead, k * sizeof(*out));
			s->qhead += k;
			n += k;
			r->nrec += k;
			continue;
		}
		size_t len;
		const char *p = trace_getline(r, &len);

		if (!p)
			break;
		s->stats.lines++;
		for (int piece = 0; p && *p; piece++) {
			if (piece == 1)
				s->stats.glued_lines++;
			p = parse_piece(r, p);
			/* blanks between glued pieces, but not the one starting " L " */
			if (p && *p && access_type(p) < 0 && strncmp(p, " --> ", 5))
				p = skip_spaces(p);
		}
		if (r->err[0])
			return 0;
	}
	if (r->err[0])
		return 0;
	if (n == 0 && s->layout == 1) {
		trace_fail(r, "the log ends inside Valgrind's start-up memory layout");
		return 0;
	}
	return n;
}
