// SPDX-License-Identifier: MIT
/*
 * mmut_plugin: the project's TCG plugin for qemu-aarch64 (qemu-user). It
 * writes an arm64 program's memory trace in the native format
 * (traces/FORMAT.md, version 4) into the descriptor given as fd=N, a pipe
 * whose owner (`mmutrace capture --arch arm64`) wrote the header with the
 * flags `procs` and `arm64`: the same stream of checksummed blocks, one
 * stream per process, that the Valgrind tool (traces/vgtool/) writes.
 *
 *  - accesses: an `I` per guest instruction executed, `R` per load, `W` per
 *    store (an atomic's load and store are an R and a W: no `M` records);
 *  - the start-up address space from /proc/self/maps when the guest first
 *    runs, kept to the program's and the sysroot's files and what lies
 *    among them (bss, the stack and its guard, qemu's signal trampoline);
 *  - mmap, munmap, mprotect, brk, mremap and clone with their results, from
 *    the syscall-return callback; exit and exit_group before they run.
 *
 * Per access a callback appends one 64-bit word to its vCPU's buffer: a
 * translation block's start (a pointer to its instructions) or a data
 * access (address, size, direction, the instruction's index in its block).
 * A full buffer, or a system call, takes the process's lock and encodes the
 * buffer into blocks, each sent in one write of at most PIPE_BUF bytes.
 * So the threads of a process interleave in the trace at system calls and
 * at every RAW_CAP words: a thread's accesses after another thread's
 * system call (a munmap, say) that they follow by a lock taken with no
 * system call may come before it in the trace.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <elf.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#define XXH_INLINE_ALL
#include <xxhash.h>

#include "../native_records.h"
#include "qemu_plugin_api.h"

MMUSIM_PLUGIN_EXPORT int qemu_plugin_version = MMUSIM_QEMU_PLUGIN_VERSION;

#define HEADER_FLAGS (NATIVE_FLAG_PROCS | NATIVE_FLAG_ARM64) /* the pipe owner's header */
#define BLOCK_HEADER NATIVE_BLOCK_HEADER_V4
#define PIPE_BUF_ 4096
#define MAX_PATH 2048
#define RECORD_ROOM (MAX_PATH + 64) /* the longest record, a switch before it */
#define MAX_FILES 4096
#define MAX_VCPUS 1024
#define MAX_PENDING 64
#define RAW_CAP (1 << 15) /* words a vCPU buffers */

/* arm64 Linux's system call numbers (the generic table) */
#define NR_CLOSE 57
#define NR_EXIT 93
#define NR_EXIT_GROUP 94
#define NR_BRK 214
#define NR_MUNMAP 215
#define NR_MREMAP 216
#define NR_CLONE 220
#define NR_EXECVE 221
#define NR_MMAP 222
#define NR_MPROTECT 226


/* a raw word: a block's start (a pointer, top bits 0) or a data access */
#define RAW_MEM (1ull << 48)
#define RAW_STORE (1ull << 49)
#define RAW_SHIFT 50 /* 3 bits: log2 of the size */
#define RAW_INDEX 53 /* 11 bits: the instruction's index in its block */
#define RAW_ADDR ((1ull << 48) - 1)

struct tbinfo {
	uint32_t n;
	bool contig; /* each instruction follows the one before */
	uint64_t *vaddr;
	uint8_t *size;
};

struct vcpu {
	uint32_t tid; /* the system's thread id; 0: not known yet */
	uint32_t n;   /* words in raw */
	/* the encoder's place in the block being expanded */
	const struct tbinfo *tb;
	uint32_t next;
	int64_t num; /* the system call in progress */
	uint64_t args[6];
	uint64_t raw[RAW_CAP];
};

static struct vcpu *vcpus[MAX_VCPUS];
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

/* ---- the stream, under lock ---- */
static int out_fd = -1;
static uint8_t obuf[PIPE_BUF_];
static uint32_t olen;	   /* bytes in obuf, the block header included */
static uint64_t nblk;	   /* blocks this process's stream has sent */
static uint32_t stream_pid;
static bool start_block;
static uint64_t iend, daddr;
static uint64_t nrec;
static uint32_t cur_tid;
static bool layout_done, ended, group_exit;
static struct native_brk prog_brk;
static uint64_t first_pc; /* the guest's first instruction */
static char *files[MAX_FILES];
static uint32_t nfiles;
static char sysroot[PATH_MAX];
static char *layout_file; /* layout=FILE: the guest's mappings at exit (%p: the pid) */
static char *plugin_args; /* this instance's arguments, for an exec that it follows */
static uint64_t heap_start;
static struct {
	uint32_t parent, child;
	uint64_t flags;
} pending[MAX_PENDING]; /* thread clones whose record is not out yet */
static int npending;
static uint32_t announced[MAX_PENDING]; /* children whose clone went out early */
static int nannounced;

static uint32_t gettid_(void)
{
	return (uint32_t)syscall(SYS_gettid);
}

static void send_block(void)
{
	uint32_t len = olen - BLOCK_HEADER;

	if (!len)
		return;
	native_block_header(obuf, len, start_block,
			    (uint32_t)XXH3_64bits_withSeed(obuf + BLOCK_HEADER, len,
							   native_block_seed(nblk, stream_pid, HEADER_FLAGS,
									     NATIVE_RECORDS_VERSION)),
			    stream_pid);
	nblk++;
	start_block = false;
	if (out_fd >= 0 && write(out_fd, obuf, olen) != (ssize_t)olen) {
		fprintf(stderr, "mmut_plugin: writing the trace failed (%s): the reader has gone\n",
			strerror(errno));
		out_fd = -1;
		_exit(1);
	}
	olen = BLOCK_HEADER;
}

/* Room for one more record of at most need bytes. */
static inline uint8_t *room(uint32_t need)
{
	if (olen + need > PIPE_BUF_)
		send_block();
	return obuf + olen;
}

static inline void done(uint8_t *p)
{
	olen = (uint32_t)(p - obuf);
	nrec++;
}

static void put_switch(uint32_t tid)
{
	done(native_put_switch(room(16), tid));
	cur_tid = tid;
}

/* An event of thread tid begins: the stream switches to it first. */
static uint8_t *event(uint32_t tid)
{
	if (tid != cur_tid)
		put_switch(tid);
	return room(RECORD_ROOM);
}

static void put_file(uint32_t id, const char *path)
{
	size_t n = strlen(path);
	if (n > MAX_PATH)
		n = MAX_PATH;
	done(native_put_file(room(RECORD_ROOM), id, path, n));
}

static uint32_t file_id_for(const char *path)
{
	for (uint32_t id = 1; id <= nfiles; id++)
		if (!strcmp(files[id], path))
			return id;
	if (nfiles + 1 >= MAX_FILES)
		return 0;
	files[++nfiles] = strdup(path);
	if (!files[nfiles])
		return 0;
	put_file(nfiles, path);
	return nfiles;
}

/* A file's size + 1, as the records carry it; 0: not known. */
static uint64_t size1_of(const char *path)
{
	struct stat st;

	return !stat(path, &st) ? (uint64_t)st.st_size + 1 : 0;
}

/* ---- accesses ---- */

/*
 * The instructions of v's block before index upto that are not out yet: a
 * block's instructions one after another are a byte each, in runs that
 * fill the blocks.
 */
static void put_insns(struct vcpu *v, uint32_t upto)
{
	const struct tbinfo *tb = v->tb;

	if (!tb)
		return;
	if (upto > tb->n)
		upto = tb->n;
	while (v->next < upto) {
		uint8_t *p = room(32);
		uint32_t k = upto - v->next, fit = (uint32_t)(PIPE_BUF_ - olen) - 16;

		if (!tb->contig)
			k = 1;
		else if (k > fit)
			k = fit;
		p = native_put_irun(p, &iend, tb->vaddr[v->next], tb->size + v->next, k);
		olen = (uint32_t)(p - obuf);
		nrec += k;
		v->next += k;
	}
}

static void put_data(uint64_t w)
{
	done(native_put_data(room(32), &daddr, w & RAW_ADDR, w & RAW_STORE ? 1 : 0,
			     (unsigned)(w >> RAW_SHIFT) & 7));
}

static void emit_layout(void);
static void write_exit_layout(void);

/* ---- address ranges: sorted, disjoint, page-aligned ---- */

struct spans {
	uint64_t (*r)[2];
	size_t n, cap;
};

/*
 * What the guest was given (its start-up mappings, mmap, mremap, brk) and
 * where it asked for execute rights (qemu maps guest code without them on
 * the host, which is all /proc/self/maps shows the plugin).
 */
static struct spans given, execs;

static int span_cmp(const void *a, const void *b)
{
	const uint64_t *x = a, *y = b;

	return x[0] < y[0] ? -1 : x[0] > y[0];
}

static void spans_push(struct spans *s, uint64_t lo, uint64_t hi)
{
	if (lo >= hi)
		return;
	if (s->n == s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 64;
		uint64_t(*r)[2] = realloc(s->r, cap * sizeof(*r));

		if (!r) {
			fprintf(stderr, "mmut_plugin: out of memory\n");
			_exit(1);
		}
		s->r = r;
		s->cap = cap;
	}
	s->r[s->n][0] = lo;
	s->r[s->n][1] = hi;
	s->n++;
}

/* [lo, hi), rounded out to pages, joins s (on) or leaves it. */
static void spans_set(struct spans *s, uint64_t lo, uint64_t hi, bool on)
{
	struct spans t = { 0 };
	size_t k = 0;

	lo &= ~0xfffull;
	hi = (hi + 0xfff) & ~0xfffull;
	for (size_t i = 0; i < s->n; i++) {
		uint64_t a = s->r[i][0], b = s->r[i][1];

		if (b <= lo || a >= hi) {
			spans_push(&t, a, b);
		} else {
			spans_push(&t, a, lo); /* the parts outside [lo, hi) */
			spans_push(&t, hi, b);
		}
	}
	if (on)
		spans_push(&t, lo, hi);
	if (t.n)
		qsort(t.r, t.n, sizeof(*t.r), span_cmp);
	for (size_t i = 0; i < t.n; i++) {
		if (k && t.r[k - 1][1] >= t.r[i][0]) {
			if (t.r[i][1] > t.r[k - 1][1])
				t.r[k - 1][1] = t.r[i][1];
			continue;
		}
		t.r[k][0] = t.r[i][0];
		t.r[k++][1] = t.r[i][1];
	}
	t.n = k;
	free(s->r);
	*s = t;
}

/* A thread clone's record, by its parent, before the child's first record. */
static void announce(uint32_t child)
{
	for (int i = 0; i < nannounced; i++)
		if (announced[i] == child)
			return;
	if (child == stream_pid || !npending)
		return;
	/* the oldest clone whose child is not known yet (or is this one) */
	int k = 0;

	for (int i = 0; i < npending; i++)
		if (pending[i].child == child) {
			k = i;
			break;
		}
	done(native_put_clone(event(pending[k].parent), child, pending[k].flags));
	pending[k] = pending[--npending];
	if (nannounced < MAX_PENDING)
		announced[nannounced++] = child;
}

/* Encodes v's buffered words; under lock. */
static void encode(struct vcpu *v)
{
	if (ended) {
		v->n = 0;
		return;
	}
	if (!layout_done)
		emit_layout();
	if (v->tid != cur_tid) {
		announce(v->tid);
		put_switch(v->tid);
	}
	for (uint32_t i = 0; i < v->n; i++) {
		uint64_t w = v->raw[i];

		if (!(w & RAW_MEM)) {
			put_insns(v, UINT32_MAX);
			v->tb = (const struct tbinfo *)(uintptr_t)w;
			v->next = 0;
		} else {
			put_insns(v, (uint32_t)(w >> RAW_INDEX) + 1);
			put_data(w);
		}
	}
	v->n = 0;
}

/* ... and the rest of its current block: a system call ends the block. */
static void encode_all(struct vcpu *v)
{
	encode(v);
	if (!ended) {
		put_insns(v, UINT32_MAX);
		v->tb = NULL;
	}
}

static struct vcpu *vcpu_new(unsigned idx)
{
	struct vcpu *v = vcpus[idx];

	if (!v) {
		v = calloc(1, sizeof(*v));
		if (!v) {
			fprintf(stderr, "mmut_plugin: out of memory\n");
			_exit(1);
		}
		vcpus[idx] = v;
	}
	v->tid = gettid_();
	pthread_mutex_lock(&lock);
	if (!layout_done && !ended)
		emit_layout();
	pthread_mutex_unlock(&lock);
	return v;
}

static void flush_full(struct vcpu *v)
{
	pthread_mutex_lock(&lock);
	encode(v);
	pthread_mutex_unlock(&lock);
}

static void on_tb(unsigned int idx, void *ud)
{
	struct vcpu *v = idx < MAX_VCPUS ? vcpus[idx] : NULL;

	if (__builtin_expect(!v || !v->tid, 0)) {
		if (idx >= MAX_VCPUS)
			return;
		if (!first_pc)
			first_pc = ((const struct tbinfo *)ud)->vaddr[0];
		v = vcpu_new(idx);
	}
	v->raw[v->n++] = (uint64_t)(uintptr_t)ud;
	if (__builtin_expect(v->n == RAW_CAP, 0))
		flush_full(v);
}

static void on_mem(unsigned int idx, qemu_plugin_meminfo_t info, uint64_t vaddr, void *ud)
{
	struct vcpu *v = idx < MAX_VCPUS ? vcpus[idx] : NULL;

	if (!v)
		return;
	v->raw[v->n++] = (vaddr & RAW_ADDR) | RAW_MEM |
			 (qemu_plugin_mem_is_store(info) ? RAW_STORE : 0) |
			 (uint64_t)(qemu_plugin_mem_size_shift(info) & 7) << RAW_SHIFT |
			 (uint64_t)(uintptr_t)ud << RAW_INDEX;
	if (__builtin_expect(v->n == RAW_CAP, 0))
		flush_full(v);
}

static void on_tb_trans(qemu_plugin_id_t id, struct qemu_plugin_tb *tb)
{
	size_t n = qemu_plugin_tb_n_insns(tb);
	struct tbinfo *t = malloc(sizeof(*t));

	(void)id;
	if (!t || !n || n >= 1 << 11) {
		free(t);
		return;
	}
	t->n = (uint32_t)n;
	t->contig = true;
	t->vaddr = malloc(n * sizeof(*t->vaddr));
	t->size = malloc(n);
	if (!t->vaddr || !t->size) {
		fprintf(stderr, "mmut_plugin: out of memory\n");
		_exit(1);
	}
	qemu_plugin_register_vcpu_tb_exec_cb(tb, on_tb, QEMU_PLUGIN_CB_NO_REGS, t);
	for (size_t i = 0; i < n; i++) {
		struct qemu_plugin_insn *insn = qemu_plugin_tb_get_insn(tb, i);
		size_t sz = qemu_plugin_insn_size(insn);

		t->vaddr[i] = qemu_plugin_insn_vaddr(insn);
		t->size[i] = (uint8_t)(sz && sz < 0x40 ? sz : 4);
		t->contig &= !i || t->vaddr[i] == t->vaddr[i - 1] + t->size[i - 1];
		qemu_plugin_register_vcpu_mem_cb(insn, on_mem, QEMU_PLUGIN_CB_NO_REGS,
						 QEMU_PLUGIN_MEM_RW, (void *)(uintptr_t)i);
	}
}

/* ---- the start-up address space ---- */

struct map {
	uint64_t start, end, offset;
	unsigned prot;
	bool priv;
	char path[MAX_PATH];
};

static bool guest_file(const char *path, const char *prog)
{
	size_t n = strlen(sysroot);

	return path[0] == '/' &&
	       (!strcmp(path, prog) || (n && !strncmp(path, sysroot, n) && path[n] == '/'));
}

/*
 * The guest's rights on a file mapping: qemu maps guest code read-only on
 * the host (it translates it), so the ELF segment the offset starts says
 * them. Other files keep the host's rights.
 */
static unsigned elf_prot(const char *path, uint64_t offset, unsigned host)
{
	Elf64_Ehdr eh;
	Elf64_Phdr ph;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	unsigned prot = host;

	if (fd < 0)
		return host;
	if (pread(fd, &eh, sizeof(eh), 0) == (ssize_t)sizeof(eh) &&
	    !memcmp(eh.e_ident, ELFMAG, SELFMAG) && eh.e_ident[EI_CLASS] == ELFCLASS64 &&
	    eh.e_phentsize == sizeof(ph))
		for (unsigned i = 0; i < eh.e_phnum; i++) {
			if (pread(fd, &ph, sizeof(ph), (off_t)(eh.e_phoff + i * sizeof(ph))) !=
			    (ssize_t)sizeof(ph))
				break;
			if (ph.p_type == PT_LOAD && (ph.p_offset & ~0xfffull) == offset) {
				prot = (ph.p_flags & PF_R ? 1 : 0) | (ph.p_flags & PF_W ? 2 : 0) |
				       (ph.p_flags & PF_X ? 4 : 0);
				/* RELRO: the loader has not made it read-only yet */
				break;
			}
		}
	close(fd);
	return prot;
}

static void put_segment(const struct map *m, unsigned kind, uint32_t file)
{
	spans_set(&given, m->start, m->end, true);
	spans_set(&execs, m->start, m->end, m->prot & 4);
	done(native_put_map(event(cur_tid), TAG_SEGMENT, m->start,
			    kind == NATIVE_SEG_HEAP ? 0 : m->end - m->start, m->prot,
			    (m->priv ? NATIVE_MAP_PRIVATE : 1) | (file ? 0 : NATIVE_MAP_ANONYMOUS), kind, file,
			    file ? m->offset : 0, file ? size1_of(m->path) : 0));
}

/*
 * The guest's mappings when it first runs: qemu-user maps the guest at the
 * host addresses it names (guest_base 0 on a 64-bit host), so they are the
 * host's mappings of the program's and the sysroot's files and the
 * anonymous ones in the span they cover, which holds no mapping of qemu's
 * own (those lie above, at the host's mmap base). The anonymous mapping
 * right above a one-page PROT_NONE guard is the stack; the heap starts
 * where the program's last mapping ends.
 */
static void emit_layout(void)
{
	char prog[PATH_MAX], line[MAX_PATH + 256];
	const char *bin = qemu_plugin_path_to_binary();
	FILE *f = fopen("/proc/self/maps", "r");
	struct map *maps = NULL, m;
	size_t n = 0, cap = 0;
	uint64_t lo = UINT64_MAX, hi = 0, prog_end = 0;
	bool pc_seen = !first_pc;

	layout_done = true;
	if (!bin || !realpath(bin, prog))
		snprintf(prog, sizeof(prog), "%s", bin ? bin : "?");
	{
		/* the program: the reader keeps the first stream's exec to itself */
		uint32_t id = file_id_for(prog);

		done(native_put_exec(event(cur_tid), id));
	}
	while (f && fgets(line, sizeof(line), f)) {
		char perms[8] = "";
		unsigned long long s, e, off;
		int pos = 0;

		if (sscanf(line, "%llx-%llx %7s %llx %*s %*s%n", &s, &e, perms, &off, &pos) < 4)
			continue;
		memset(&m, 0, sizeof(m));
		m.start = s;
		m.end = e;
		m.offset = off;
		m.prot = (perms[0] == 'r' ? 1 : 0) | (perms[1] == 'w' ? 2 : 0) |
			 (perms[2] == 'x' ? 4 : 0);
		m.priv = perms[3] == 'p';
		const char *path = line + pos;

		path += strspn(path, " \t");
		snprintf(m.path, sizeof(m.path), "%.*s", (int)strcspn(path, "\n"), path);
		if (n == cap) {
			cap = cap ? 2 * cap : 64;
			struct map *bigger = realloc(maps, cap * sizeof(*maps));

			if (!bigger)
				break;
			maps = bigger;
		}
		maps[n++] = m;
		if (guest_file(m.path, prog)) {
			pc_seen |= first_pc >= m.start && first_pc < m.end;
			lo = m.start < lo ? m.start : lo;
			hi = m.end > hi ? m.end : hi;
		}
	}
	if (f)
		fclose(f);
	if (lo == UINT64_MAX || !pc_seen) {
		/* qemu-user put the guest at an offset (guest_base): not handled */
		fprintf(stderr, "mmut_plugin: the guest's code (at %#llx) is not in a mapping of %s "
				"or the sysroot in /proc/self/maps (qemu-user with a guest_base?): "
				"no trace\n", (unsigned long long)first_pc, prog);
		_exit(1);
	}
	/* qemu's signal trampoline: a page just above the interpreter, r-x to the guest */
	for (size_t i = 0; i < n; i++)
		if (maps[i].start >= hi && maps[i].start < hi + 0x10000 && !maps[i].path[0] &&
		    maps[i].prot == 1) {
			hi = maps[i].end;
			maps[i].prot = 5;
		}
	for (size_t i = 0; i < n; i++) {
		const struct map *c = &maps[i];

		if (c->start < lo || c->end > hi)
			continue;
		if (c->path[0] && c->path[0] != '/')
			continue; /* [heap], [vdso]: the host's */
		if (c->path[0] && guest_file(c->path, prog)) {
			struct map g = *c;

			g.prot = elf_prot(c->path, c->offset, c->prot);
			put_segment(&g, NATIVE_SEG_FILE, file_id_for(c->path));
			if (!strcmp(c->path, prog))
				prog_end = c->end;
			continue;
		}
		if (c->path[0])
			continue;
		bool stack = i > 0 && maps[i - 1].end == c->start && !maps[i - 1].prot &&
			     !maps[i - 1].path[0] && c->prot == 3 && !guest_file(maps[i - 1].path, prog) &&
			     maps[i - 1].end - maps[i - 1].start <= 0x10000 &&
			     (i < 2 || maps[i - 2].end != maps[i - 1].start);

		put_segment(c, stack ? NATIVE_SEG_STACK : NATIVE_SEG_ANON, 0);
		/* bss right after the program's file */
		if (prog_end && c->start == prog_end)
			prog_end = c->end;
	}
	if (prog_end) {
		struct map h = { .start = prog_end, .end = prog_end, .prot = 3, .priv = true };

		heap_start = prog_end;

		put_segment(&h, NATIVE_SEG_HEAP, 0);
	}
	free(maps);
}

/* ---- system calls ---- */

static void put_exit(uint32_t tid, bool group)
{
	done(native_put_exit(room(32), tid, group));
	group_exit |= group;
}

static void end_stream(void)
{
	uint8_t *p;

	if (ended)
		return;
	if (!layout_done)
		emit_layout();
	p = native_put_end(room(16), nrec);
	olen = (uint32_t)(p - obuf);
	send_block();
	ended = true;
}

/* ---- exec ---- */

/*
 * What arm64 Linux would run for the guest's execve(path): the sysroot's
 * file for an absolute path it has, as qemu-user's -L does for the files
 * the guest opens (but not for execve, which qemu-user passes to the host).
 */
static void exec_target(const char *path, char *out, size_t n)
{
	if (path[0] == '/' && sysroot[0]) {
		snprintf(out, n, "%s%s", sysroot, path);
		if (!access(out, F_OK))
			return;
	}
	snprintf(out, n, "%s", path);
}

/* What file is: NULL for an arm64 ELF program, else why it is not one. */
static const char *not_arm64(const char *file)
{
	unsigned char h[20];
	int fd = open(file, O_RDONLY | O_CLOEXEC);
	ssize_t got = fd >= 0 ? read(fd, h, sizeof(h)) : -1;

	if (fd >= 0)
		close(fd);
	if (got >= 2 && h[0] == '#' && h[1] == '!')
		return "a script, whose interpreter qemu-user would run on the host";
	if (got < (ssize_t)sizeof(h) || memcmp(h, ELFMAG, SELFMAG))
		return "not an ELF program";
	if (h[EI_CLASS] != ELFCLASS64 || h[EI_DATA] != ELFDATA2LSB || (h[18] | h[19] << 8) != EM_AARCH64)
		return "an ELF program for another machine, which qemu-user would run on the host";
	return NULL;
}

/*
 * Runs file in this process as a new qemu-aarch64 with this plugin, the
 * guest's arguments and environment (guest pointers are host pointers:
 * guest_base is 0, which emit_layout checked). Returns only if the exec
 * failed.
 */
static void follow_exec(const char *file, char *const *gargv, char *const *genvp)
{
	char self[PATH_MAX], *plug = NULL;
	ssize_t len = readlink("/proc/self/exe", self, sizeof(self) - 1);
	Dl_info di;
	size_t n = 0, k = 0;

	if (len <= 0 || !dladdr((void *)&qemu_plugin_version, &di) || !di.dli_fname)
		return;
	self[len] = 0;
	while (gargv && gargv[n])
		n++;
	char **av = calloc(n + 10, sizeof(*av));

	if (!av || asprintf(&plug, "%s%s%s", di.dli_fname, plugin_args[0] ? "," : "", plugin_args) < 0) {
		free(av);
		return;
	}
	av[k++] = self;
	if (sysroot[0]) {
		av[k++] = "-L";
		av[k++] = sysroot;
	}
	av[k++] = "-plugin";
	av[k++] = plug;
	av[k++] = "-0"; /* the guest's argv[0], as it gave it */
	av[k++] = n ? gargv[0] : (char *)file;
	av[k++] = (char *)file;
	for (size_t i = 1; i < n; i++)
		av[k++] = gargv[i];
	execve(self, av, genvp);
	free(plug);
	free(av);
}

/*
 * The guest's execve, before it runs. An arm64 program is followed: this
 * process becomes a new qemu-aarch64 with the plugin, whose stream goes on
 * with a start block (an exec: FORMAT.md), the way Valgrind's
 * --trace-children follows one. qemu-user 7.2 itself would hand the exec
 * to the host kernel, which runs an arm64 program only through
 * binfmt_misc (not set up here) and another program natively, outside the
 * guest: such an exec ends the process's stream with the exec record, and
 * says so.
 */
static void on_execve(struct vcpu *v, const char *path, char *const *gargv, char *const *genvp)
{
	char file[PATH_MAX];
	const char *why;

	if (!path)
		return;
	exec_target(path, file, sizeof(file));
	if (access(file, X_OK))
		return; /* it fails as it would on arm64 Linux; the guest goes on */
	why = not_arm64(file);
	pthread_mutex_lock(&lock);
	encode_all(v);
	if (ended) {
		pthread_mutex_unlock(&lock);
		return;
	}
	if (!why) {
		/* the thread that execs, then all before it, out */
		if (v->tid != cur_tid)
			put_switch(v->tid);
		send_block();
		pthread_mutex_unlock(&lock);
		follow_exec(file, gargv, genvp);
		fprintf(stderr, "mmut_plugin: cannot follow the exec of %s (%s): the trace of "
				"process %u goes on as qemu-user runs the exec\n",
			file, strerror(errno), stream_pid);
		return;
	}
	fprintf(stderr, "mmut_plugin: process %u execs %s: %s, not an arm64 program; the "
			"trace of the process ends at the exec\n", stream_pid, file, why);
	done(native_put_exec(event(v->tid), file_id_for(file)));
	if (layout_file)
		write_exit_layout(); /* the image the exec ends */
	end_stream();
	pthread_mutex_unlock(&lock);
}

static void on_syscall(qemu_plugin_id_t id, unsigned int idx, int64_t num, uint64_t a1,
		       uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5, uint64_t a6, uint64_t a7,
		       uint64_t a8)
{
	struct vcpu *v = idx < MAX_VCPUS ? vcpus[idx] : NULL;

	(void)id;
	(void)a7;
	(void)a8;
	if (!v)
		return;
	v->num = num;
	v->args[0] = a1;
	v->args[1] = a2;
	v->args[2] = a3;
	v->args[3] = a4;
	v->args[4] = a5;
	v->args[5] = a6;
	switch (num) {
	case NR_EXECVE:
		on_execve(v, (const char *)(uintptr_t)a1, (char *const *)(uintptr_t)a2,
			  (char *const *)(uintptr_t)a3);
		break;
	case NR_EXIT:
	case NR_EXIT_GROUP:
		pthread_mutex_lock(&lock);
		encode_all(v);
		if (num == NR_EXIT_GROUP) /* the other threads' last records */
			for (unsigned i = 0; i < MAX_VCPUS; i++)
				if (vcpus[i] && vcpus[i] != v && vcpus[i]->n && vcpus[i]->tid)
					encode_all(vcpus[i]);
		if (!ended) {
			put_exit(v->tid, num == NR_EXIT_GROUP);
			if (v->tid == cur_tid && num == NR_EXIT)
				cur_tid = 0;
		}
		if (num == NR_EXIT)
			v->tid = 0; /* the vCPU's index may go to a new thread */
		pthread_mutex_unlock(&lock);
		break;
	case NR_CLONE:
		/* a forked child must not inherit records that are not sent yet */
		pthread_mutex_lock(&lock);
		encode_all(v);
		if (!ended && (a1 & NATIVE_CLONE_VM) && !(a1 & NATIVE_CLONE_VFORK) && npending < MAX_PENDING) {
			pending[npending].parent = v->tid;
			pending[npending].child = 0;
			pending[npending++].flags = a1;
		}
		send_block();
		pthread_mutex_unlock(&lock);
		break;
	default:
		/*
		 * Threads hand work to each other through system calls
		 * (futex) more often than not: what this one did before goes
		 * out before what the others do after.
		 */
		if (v->n) {
			pthread_mutex_lock(&lock);
			encode_all(v);
			pthread_mutex_unlock(&lock);
		}
		break;
	}
}

/* A forked child: a stream of its own, which its parent's clone record starts. */
static void start_child(struct vcpu *v)
{
	uint32_t pid = (uint32_t)getpid();

	for (unsigned i = 0; i < MAX_VCPUS; i++)
		if (vcpus[i] && vcpus[i] != v) {
			vcpus[i]->n = 0;
			vcpus[i]->tid = 0;
		}
	olen = BLOCK_HEADER;
	nblk = 0;
	nrec = 0;
	stream_pid = pid;
	start_block = false;
	iend = daddr = 0;
	npending = nannounced = 0;
	v->tid = pid;
	v->n = 0;
	v->tb = NULL;
	put_switch(pid);
}

static void on_syscall_ret(qemu_plugin_id_t id, unsigned int idx, int64_t num, int64_t ret)
{
	struct vcpu *v = idx < MAX_VCPUS ? vcpus[idx] : NULL;
	uint8_t *p;

	(void)id;
	if (!v || num != v->num || (ret < 0 && ret > -4096))
		return;
	if (num != NR_MMAP && num != NR_MUNMAP && num != NR_MPROTECT && num != NR_BRK &&
	    num != NR_MREMAP && num != NR_CLONE)
		return;
	const uint64_t *a = v->args;
	uint64_t r = (uint64_t)ret;

	pthread_mutex_lock(&lock);
	if (num == NR_CLONE && ret == 0) {
		if (!(a[0] & NATIVE_CLONE_VM) || (a[0] & NATIVE_CLONE_VFORK))
			start_child(v);
		pthread_mutex_unlock(&lock);
		return;
	}
	encode_all(v);
	if (ended) {
		pthread_mutex_unlock(&lock);
		return;
	}
	switch (num) {
	case NR_MMAP: {
		uint32_t flags = (uint32_t)a[3], file = 0;
		uint64_t size1 = 0;

		if (!(flags & NATIVE_MAP_ANONYMOUS)) {
			char link[64], path[MAX_PATH];
			ssize_t len;

			snprintf(link, sizeof(link), "/proc/self/fd/%d", (int)a[4]);
			len = readlink(link, path, sizeof(path) - 1);
			if (len > 0) {
				path[len] = 0;
				file = file_id_for(path);
				size1 = size1_of(path);
			} else {
				snprintf(path, sizeof(path), "<fd %d>", (int)a[4]);
				file = file_id_for(path);
			}
		}
		done(native_put_map(event(v->tid), TAG_MMAP, r, a[1], (uint32_t)a[2], flags, 0, file,
				    file ? a[5] : 0, size1));
		spans_set(&given, r, r + a[1], true);
		spans_set(&execs, r, r + a[1], a[2] & 4);
		break;
	}
	case NR_MUNMAP:
	case NR_MPROTECT:
		p = event(v->tid);
		done(num == NR_MUNMAP ? native_put_munmap(p, a[0], a[1])
				      : native_put_mprotect(p, a[0], a[1], (uint32_t)a[2]));
		if (num == NR_MUNMAP)
			spans_set(&given, a[0], a[0] + a[1], false);
		spans_set(&execs, a[0], a[0] + a[1], num == NR_MPROTECT && (a[2] & 4));
		break;
	case NR_BRK:
		if (native_brk_moved(&prog_brk, a[0], r))
			done(native_put_brk(event(v->tid), r));
		if (heap_start && r > heap_start)
			spans_set(&given, heap_start, r, true);
		break;
	case NR_MREMAP:
		done(native_put_mremap(event(v->tid), a[0], a[1], r, a[2], (uint32_t)a[3]));
		if (r != a[0]) {
			bool x = false;

			for (size_t i = 0; i < execs.n; i++)
				x |= execs.r[i][0] <= a[0] && a[0] < execs.r[i][1];
			spans_set(&given, a[0], a[0] + a[1], false);
			spans_set(&execs, a[0], a[0] + a[1], false);
			spans_set(&execs, r, r + a[2], x);
		}
		spans_set(&given, r, r + a[2], true);
		break;
	case NR_CLONE: {
		uint64_t flags = a[0];

		/* qemu-user runs a vfork (CLONE_VM | CLONE_VFORK) as a fork */
		if ((flags & NATIVE_CLONE_VM) && (flags & NATIVE_CLONE_VFORK))
			flags &= ~(uint64_t)(NATIVE_CLONE_VM | NATIVE_CLONE_VFORK);
		if (flags & NATIVE_CLONE_VM) {
			/* a thread: unless its first records named it already */
			bool early = false;

			for (int i = 0; i < nannounced; i++)
				if (announced[i] == (uint32_t)r)
					early = true;
			if (early)
				break;
			for (int i = 0; i < npending; i++)
				if (pending[i].parent == v->tid && !pending[i].child) {
					pending[i] = pending[--npending];
					break;
				}
			if (nannounced < MAX_PENDING)
				announced[nannounced++] = (uint32_t)r;
		}
		/* a process's stream starts with this record: out at once */
		done(native_put_clone(event(v->tid), (uint32_t)r, flags));
		send_block();
		break;
	}
	default:
		break;
	}
	pthread_mutex_unlock(&lock);
}

/*
 * The guest's mappings, as "START END PROT" lines (END exclusive), the form
 * of the Valgrind tool's --exit-layout: the host's mappings (qemu-user maps
 * the guest at the addresses it names) within the address space the guest
 * was given, which leaves out qemu's own; read and write rights as the
 * host has them, execute where the guest asked for it.
 */
static void write_exit_layout(void)
{
	char name[PATH_MAX], line[MAX_PATH + 256];
	size_t o = 0;
	FILE *in, *out;

	for (const char *c = layout_file; *c && o + 16 < sizeof(name); c++)
		if (c[0] == '%' && c[1] == 'p') {
			o += (size_t)snprintf(name + o, sizeof(name) - o, "%d", (int)getpid());
			c++;
		} else {
			name[o++] = *c;
		}
	name[o] = 0;
	out = fopen(name, "w");
	in = fopen("/proc/self/maps", "r");
	if (!out || !in) {
		fprintf(stderr, "mmut_plugin: --exit-layout: %s: %s\n", out ? "/proc/self/maps" : name,
			strerror(errno));
		if (out)
			fclose(out);
		if (in)
			fclose(in);
		return;
	}
	while (fgets(line, sizeof(line), in)) {
		unsigned long long s, e;
		char perms[8] = "";

		if (sscanf(line, "%llx-%llx %7s", &s, &e, perms) < 3)
			continue;
		for (size_t i = 0; i < given.n; i++) {
			uint64_t lo = s > given.r[i][0] ? s : given.r[i][0];
			uint64_t hi = e < given.r[i][1] ? e : given.r[i][1];

			/* split where the execute right changes */
			while (lo < hi) {
				uint64_t end = hi;
				bool x = false;

				for (size_t j = 0; j < execs.n; j++) {
					if (execs.r[j][1] <= lo || execs.r[j][0] >= end)
						continue;
					if (execs.r[j][0] <= lo) {
						x = true;
						end = execs.r[j][1] < end ? execs.r[j][1] : end;
					} else {
						end = execs.r[j][0];
					}
				}
				fprintf(out, "%#llx %#llx %c%c%c\n", (unsigned long long)lo,
					(unsigned long long)end, perms[0] == 'r' ? 'r' : '-',
					perms[1] == 'w' ? 'w' : '-', x ? 'x' : '-');
				lo = end;
			}
		}
	}
	fclose(in);
	if (fclose(out))
		fprintf(stderr, "mmut_plugin: --exit-layout: %s: %s\n", name, strerror(errno));
}

static void on_exit_(qemu_plugin_id_t id, void *ud)
{
	(void)id;
	(void)ud;
	if (layout_file)
		write_exit_layout();
	pthread_mutex_lock(&lock);
	for (unsigned i = 0; i < MAX_VCPUS; i++)
		if (vcpus[i] && vcpus[i]->tid)
			encode_all(vcpus[i]);
	if (!ended && !group_exit) /* a fatal signal ends the process */
		put_exit(cur_tid ? cur_tid : stream_pid, true);
	end_stream();
	pthread_mutex_unlock(&lock);
}

MMUSIM_PLUGIN_EXPORT int qemu_plugin_install(qemu_plugin_id_t id, const qemu_info_t *info,
					     int argc, char **argv)
{
	for (int i = 0; i < argc; i++) {
		char *end;

		if (!strncmp(argv[i], "fd=", 3)) {
			long fd = strtol(argv[i] + 3, &end, 10);

			if (!argv[i][3] || *end || fd < 0 || fd > INT_MAX) {
				fprintf(stderr, "mmut_plugin: bad fd '%s'\n", argv[i] + 3);
				return -1;
			}
			out_fd = (int)fd;
		} else if (!strncmp(argv[i], "layout=", 7) && argv[i][7]) {
			layout_file = argv[i] + 7;
		} else if (!strncmp(argv[i], "sysroot=", 8)) {
			if (!realpath(argv[i] + 8, sysroot)) {
				fprintf(stderr, "mmut_plugin: sysroot %s: %s\n", argv[i] + 8,
					strerror(errno));
				return -1;
			}
		} else {
			fprintf(stderr, "mmut_plugin: unknown argument '%s' (fd=N, sysroot=DIR, "
				"layout=FILE)\n",
				argv[i]);
			return -1;
		}
	}
	if (out_fd < 0) {
		fprintf(stderr, "mmut_plugin: give fd=N, the descriptor to write the trace to\n");
		return -1;
	}
	size_t len = 0;

	for (int i = 0; i < argc; i++)
		len += strlen(argv[i]) + 1;
	plugin_args = calloc(1, len + 1);
	for (int i = 0; plugin_args && i < argc; i++) {
		if (i)
			strcat(plugin_args, ",");
		strcat(plugin_args, argv[i]);
	}
	if (!plugin_args) {
		fprintf(stderr, "mmut_plugin: out of memory\n");
		return -1;
	}
	if (info->system_emulation || strcmp(info->target_name, "aarch64")) {
		fprintf(stderr, "mmut_plugin: runs under qemu-aarch64 (user mode) only, not %s\n",
			info->target_name);
		return -1;
	}
	stream_pid = (uint32_t)getpid();
	cur_tid = stream_pid;
	start_block = true;
	olen = BLOCK_HEADER;
	qemu_plugin_register_vcpu_tb_trans_cb(id, on_tb_trans);
	qemu_plugin_register_vcpu_syscall_cb(id, on_syscall);
	qemu_plugin_register_vcpu_syscall_ret_cb(id, on_syscall_ret);
	qemu_plugin_register_atexit_cb(id, on_exit_, NULL);
	return 0;
}
