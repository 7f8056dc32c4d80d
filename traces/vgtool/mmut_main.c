// SPDX-License-Identifier: MIT
/*
 * mmut: the project's own Valgrind tool. It writes a program's memory trace
 * straight in the native format (traces/FORMAT.md, version 4: a stream of
 * checksummed blocks for each process, uncompressed) to the file
 * descriptor given with --out-fd=N, a pipe whose owner (`mmutrace capture`,
 * `mmusim -- PROG`) wrote the trace's header. With --trace-children=yes
 * every process of the tree writes its own stream into the same pipe, a
 * block (at most PIPE_BUF bytes) a write.
 *
 * The records are the ones the lackey path (`valgrind --tool=lackey
 * --trace-mem=yes --trace-syscalls=yes --trace-sched=yes -d`, read by
 * traces/lackey.c) gives for the same run:
 *  - accesses: one instruction fetch per guest instruction, loads, stores
 *    and modifies (a store right after a load of the same size at the same
 *    address), the events lackey and cachegrind count;
 *  - the start-up address space, from the address-space manager;
 *  - mmap, munmap, mprotect, brk, mremap, clone/fork/vfork, execve, exit
 *    and exit_group, from the syscall wrappers, with their results;
 *  - thread switches from the core's start_client_code hook; a thread's
 *    clone record when it first runs.
 *
 * Built against Valgrind's headers and static libraries (no libc): see the
 * Makefile. Per access the helpers only append a tag byte and an address
 * delta to a buffer; a run of instructions that follow each other inside a
 * superblock is one helper call.
 */
#include "pub_tool_basics.h"
#include "pub_tool_tooliface.h"
#include "pub_tool_libcassert.h"
#include "pub_tool_libcprint.h"
#include "pub_tool_libcbase.h"
#include "pub_tool_libcfile.h"
#include "pub_tool_libcproc.h"
#include "pub_tool_machine.h"
#include "pub_tool_options.h"
#include "pub_tool_aspacemgr.h"
#include "pub_tool_aspacehl.h"
#include "pub_tool_clientstate.h"
#include "pub_tool_mallocfree.h"
#include "pub_tool_threadstate.h"
#include "pub_tool_vki.h"
#include "pub_tool_vkiscnums.h"

/* XXH3 for the blocks' checksums; header-only, memcpy comes from Valgrind's core */
#define XXH_INLINE_ALL
#include <xxhash.h>

/* ---- the native encoding: traces/native_records.h ---- */

#include "../native_records.h"

#define PROT_R 1
#define PROT_W 2
#define PROT_X 4

#define MAX_PATH 2048
#define EVENT_ROOM (MAX_PATH + 128) /* the longest event (a file name), a switch before it */
#define ACCESS_ROOM 32 /* the longest access record */
#define BLOCK_HEADER NATIVE_BLOCK_HEADER_V4 /* the start flag: a tool instance's first block */
/*
 * Every process of the traced tree writes into one pipe, a block at a time:
 * one write of at most PIPE_BUF bytes is never interleaved with another's.
 */
#define PIPE_BUF_ 4096
#define BLOCK_MAX (PIPE_BUF_ - BLOCK_HEADER) /* payload bytes at most */
/* a block closes once its payload passes this: the next record still fits */
#define BLOCK_FULL (BLOCK_MAX - ACCESS_ROOM)
#define MAX_FDS 4096
#define MAX_FILES 4096
#define MAX_PENDING 64
#define MAX_THREADS 4096

static Int clo_out_fd = -1;
static const HChar *clo_exit_layout; /* file for the client's segments at exit (%p: pid) */

/*
 * The open block: its header at obuf + blk (0), its payload up to obuf +
 * olen. It goes out in one write when it closes: other processes of the
 * tree may write into the pipe at any time, and so an exec'd program from
 * its first block on.
 */
static UChar obuf[PIPE_BUF_];
static UInt olen, blk;
static ULong nblk;	 /* blocks this process's stream has closed */
static UInt stream_pid;	 /* the process whose stream this is */
static Bool start_block; /* the open block is this instance's first */
static Addr iend, daddr; /* the encoder's state, as in native.c */
static ULong nrec;	 /* records written */
static UInt cur_lwp;	 /* the thread (system thread id) the stream is at */
static Bool layout_done;
static Bool ended; /* the end record is written: nothing more */
static Bool group_exit; /* the process's exit_group record is written */

static Bool seen[MAX_THREADS]; /* threads that have run */
static UInt lwp_of[MAX_THREADS]; /* Valgrind's thread id -> the system's */
static struct {
	UInt parent, child; /* system thread ids */
	ULong flags;
} pending[MAX_PENDING]; /* thread clones not yet started */
static Int npending;

static UInt fd_file[MAX_FDS]; /* fd -> file id */
static HChar *files[MAX_FILES]; /* file id -> path */
static UInt nfiles;
static struct native_brk prog_brk;

static void write_out(void)
{
	UInt done = 0;

	if (clo_out_fd < 0) {
		olen = 0;
		return;
	}
	while (done < olen) {
		Int n = VG_(write)(clo_out_fd, obuf + done, (Int)(olen - done));

		if (n <= 0) {
			VG_(fmsg)("mmut: writing the trace to fd %d failed (%d): the reader "
				  "has gone\n", clo_out_fd, n);
			clo_out_fd = -1;
			VG_(exit)(1);
		}
		done += (UInt)n;
	}
	olen = 0;
}

/* A new, empty block at the end of the buffer. */
static void open_block(void)
{
	blk = olen;
	olen += BLOCK_HEADER;
}

/* Closes the open block (length, start flag, checksum, pid), sends it, opens the next. */
static void close_block(void)
{
	UInt len = olen - blk - BLOCK_HEADER;

	if (len > 0) {
		UInt sum = (UInt)XXH3_64bits_withSeed(
			obuf + blk + BLOCK_HEADER, len,
			native_block_seed(nblk, stream_pid, NATIVE_FLAG_PROCS, NATIVE_RECORDS_VERSION));

		native_block_header(obuf + blk, len, start_block, sum, stream_pid);
		nblk++;
		start_block = False;
	} else {
		olen = blk; /* nothing in it: drop its header */
	}
	write_out();
	open_block();
}

static inline void block_check(void)
{
	if (UNLIKELY(olen - blk > BLOCK_FULL))
		close_block();
}

/* Where the next access record goes: block_check left room for one. */
static inline UChar *out_begin(void)
{
	return obuf + olen;
}

/* The buffer holds the records up to p. */
static inline void out_at(UChar *p)
{
	olen = (UInt)(p - obuf);
	block_check();
}

/* ... and one more record ends at p. */
static inline void out_end(UChar *p)
{
	nrec++;
	out_at(p);
}

/* A switch record to thread lwp, at p. */
static UChar *put_switch(UChar *p, UInt lwp)
{
	cur_lwp = lwp;
	nrec++;
	return native_put_switch(p, lwp);
}

/* An event of thread lwp: the stream switches to it first, as native.c does. */
static UChar *event_begin(UInt lwp)
{
	UChar *p;

	if (olen - blk - BLOCK_HEADER + EVENT_ROOM > BLOCK_MAX)
		close_block();
	p = out_begin();
	if (lwp != cur_lwp)
		p = put_switch(p, lwp);
	return p;
}

/* The system's id of Valgrind's thread tid (known once it has run). */
static UInt lwp_id(ThreadId tid)
{
	return tid < MAX_THREADS && lwp_of[tid] ? lwp_of[tid] : (UInt)VG_(gettid)();
}

/* ---- access helpers, called from the instrumented code ---- */

/*
 * n instructions (n <= 8) that follow each other, the first at a: their
 * sizes are the bytes of packed, low byte first; nt = n | total size << 8.
 */
static VG_REGPARM(3) void h_irun(Addr a, ULong packed, UWord nt)
{
	UChar *p = obuf + olen;
	UWord n = nt & 0xff;

	p = native_put_insn(p, &iend, a, packed & 0xff);
	/* the other sizes are single bytes: store all seven, keep n - 1 */
	*(ULong *)p = packed >> 8;
	p += n - 1;
	iend = a + (nt >> 8);
	nrec += n;
	olen = (UInt)(p - obuf);
	block_check();
}

/* A load, store or modify of a power-of-two size: tag is its record's byte. */
static VG_REGPARM(2) void h_data(Addr a, UWord tag)
{
	UChar *p = obuf + olen;

	p = native_put_data(p, &daddr, a, (tag >> 4) & 3, tag & 15);
	nrec++;
	olen = (UInt)(p - obuf);
	block_check();
}

/* Any other access: ks = kind (0 I, 1 R, 2 W, 3 M) | size << 2. */
static VG_REGPARM(2) void h_access(Addr a, UWord ks)
{
	UChar *p = out_begin();
	out_end(native_put_access(p, &iend, &daddr, ks & 3, ks >> 2, a));
}

/* ---- instrumentation: lackey's events, in lackey's order ---- */

typedef IRExpr IRAtom;

typedef enum { EV_IR, EV_DR, EV_DW, EV_DM } EvKind;

typedef struct {
	EvKind kind;
	IRAtom *addr; /* EV_IR: a constant */
	Int size;
	IRAtom *guard; /* NULL: always */
} Event;

#define N_EVENTS 64
static Event events[N_EVENTS];
static Int nevents;

static Addr const_addr(IRAtom *a)
{
	tl_assert(a->tag == Iex_Const);
	return (Addr)a->Iex.Const.con->Ico.U64;
}

static void add_dirty(IRSB *sb, const HChar *name, void *fn, IRExpr **argv, IRAtom *guard,
		      Int regparms)
{
	IRDirty *di = unsafeIRDirty_0_N(regparms, name, VG_(fnptr_to_fnentry)(fn), argv);

	if (guard)
		di->guard = guard;
	addStmtToIRSB(sb, IRStmt_Dirty(di));
}

static Int log2_size(Int size)
{
	for (Int lg = 0; lg <= 9; lg++)
		if (size == 1 << lg)
			return lg;
	return -1;
}

static void flush_events(IRSB *sb)
{
	Int i = 0;

	while (i < nevents) {
		Event *ev = &events[i];

		if (ev->kind == EV_IR && ev->size < 0x40) {
			/* the instructions that follow on from this one */
			Addr a = const_addr(ev->addr), next = a + (Addr)ev->size;
			ULong packed = (ULong)ev->size;
			UWord n = 1, total = (UWord)ev->size;

			while (i + (Int)n < nevents && n < 8) {
				Event *e = &events[i + (Int)n];

				if (e->kind != EV_IR || e->size >= 0x40 || const_addr(e->addr) != next)
					break;
				packed |= (ULong)e->size << (8 * n);
				total += (UWord)e->size;
				next += (Addr)e->size;
				n++;
			}
			add_dirty(sb, "h_irun", h_irun,
				  mkIRExprVec_3(mkIRExpr_HWord(a), IRExpr_Const(IRConst_U64(packed)),
						mkIRExpr_HWord(n | total << 8)),
				  NULL, 3);
			i += (Int)n;
			continue;
		}
		Int lg = log2_size(ev->size);
		UWord kind = ev->kind == EV_IR ? 0 : ev->kind == EV_DR ? 1 : ev->kind == EV_DW ? 2 : 3;

		if (kind && lg >= 0)
			add_dirty(sb, "h_data", h_data,
				  mkIRExprVec_2(ev->addr,
						mkIRExpr_HWord(TAG_DATA | (kind - 1) << 4 | (UWord)lg)),
				  ev->guard, 2);
		else
			add_dirty(sb, "h_access", h_access,
				  mkIRExprVec_2(ev->addr, mkIRExpr_HWord(kind | (UWord)ev->size << 2)),
				  ev->guard, 2);
		i++;
	}
	nevents = 0;
}

static void add_event(IRSB *sb, EvKind kind, IRAtom *addr, Int size, IRAtom *guard)
{
	if (nevents == N_EVENTS)
		flush_events(sb);
	events[nevents].kind = kind;
	events[nevents].addr = addr;
	events[nevents].size = size;
	events[nevents].guard = guard;
	nevents++;
}

/* A store right after an unguarded load of the same size and address is a modify. */
static void add_store(IRSB *sb, IRAtom *addr, Int size)
{
	if (nevents > 0) {
		Event *last = &events[nevents - 1];

		if (last->kind == EV_DR && last->size == size && !last->guard &&
		    eqIRAtom(last->addr, addr)) {
			last->kind = EV_DM;
			return;
		}
	}
	add_event(sb, EV_DW, addr, size, NULL);
}

static IRSB *mmut_instrument(VgCallbackClosure *closure, IRSB *in, const VexGuestLayout *layout,
			     const VexGuestExtents *vge, const VexArchInfo *archinfo,
			     IRType gWordTy, IRType hWordTy)
{
	IRTypeEnv *tyenv = in->tyenv;
	IRSB *out;
	Int i = 0;

	(void)closure, (void)layout, (void)vge, (void)archinfo; /* Valgrind's interface */

	if (gWordTy != hWordTy)
		VG_(tool_panic)("host/guest word size mismatch");
	out = deepCopyIRSBExceptStmts(in);
	while (i < in->stmts_used && in->stmts[i]->tag != Ist_IMark)
		addStmtToIRSB(out, in->stmts[i++]);
	nevents = 0;
	for (; i < in->stmts_used; i++) {
		IRStmt *st = in->stmts[i];

		if (!st || st->tag == Ist_NoOp)
			continue;
		switch (st->tag) {
		case Ist_IMark:
			add_event(out, EV_IR, mkIRExpr_HWord((HWord)st->Ist.IMark.addr),
				  (Int)st->Ist.IMark.len, NULL);
			break;
		case Ist_WrTmp: {
			IRExpr *data = st->Ist.WrTmp.data;

			if (data->tag == Iex_Load)
				add_event(out, EV_DR, data->Iex.Load.addr,
					  sizeofIRType(data->Iex.Load.ty), NULL);
			break;
		}
		case Ist_Store:
			add_store(out, st->Ist.Store.addr,
				  sizeofIRType(typeOfIRExpr(tyenv, st->Ist.Store.data)));
			break;
		case Ist_StoreG: {
			IRStoreG *sg = st->Ist.StoreG.details;

			add_event(out, EV_DW, sg->addr, sizeofIRType(typeOfIRExpr(tyenv, sg->data)),
				  sg->guard);
			break;
		}
		case Ist_LoadG: {
			IRLoadG *lg = st->Ist.LoadG.details;
			IRType ty = Ity_INVALID, wide = Ity_INVALID;

			typeOfIRLoadGOp(lg->cvt, &wide, &ty);
			add_event(out, EV_DR, lg->addr, sizeofIRType(ty), lg->guard);
			break;
		}
		case Ist_Dirty: {
			IRDirty *d = st->Ist.Dirty.details;

			if (d->mFx == Ifx_Read || d->mFx == Ifx_Modify)
				add_event(out, EV_DR, d->mAddr, d->mSize, NULL);
			if (d->mFx == Ifx_Write || d->mFx == Ifx_Modify)
				add_store(out, d->mAddr, d->mSize);
			break;
		}
		case Ist_CAS: {
			IRCAS *cas = st->Ist.CAS.details;
			Int size = sizeofIRType(typeOfIRExpr(tyenv, cas->dataLo));

			if (cas->dataHi)
				size *= 2;
			add_event(out, EV_DR, cas->addr, size, NULL);
			add_store(out, cas->addr, size);
			break;
		}
		case Ist_LLSC:
			if (!st->Ist.LLSC.storedata) {
				add_event(out, EV_DR, st->Ist.LLSC.addr,
					  sizeofIRType(typeOfIRTemp(tyenv, st->Ist.LLSC.result)),
					  NULL);
				flush_events(out);
			} else {
				add_store(out, st->Ist.LLSC.addr,
					  sizeofIRType(typeOfIRExpr(tyenv, st->Ist.LLSC.storedata)));
			}
			break;
		case Ist_Exit:
			flush_events(out);
			break;
		default:
			break;
		}
		addStmtToIRSB(out, st);
	}
	flush_events(out);
	return out;
}

/* ---- files ---- */

static void put_file_record(UInt id, const HChar *path)
{
	SizeT n = VG_(strlen)(path);
	UChar *p;

	if (n > MAX_PATH)
		n = MAX_PATH;
	p = event_begin(cur_lwp);
	out_end(native_put_file(p, id, path, n));
}

/* The id of path, naming it in the stream the first time (lackey.c's file_id_for). */
static UInt file_id_for(const HChar *path)
{
	for (UInt id = 1; id <= nfiles; id++)
		if (!VG_(strcmp)(files[id], path))
			return id;
	if (nfiles + 1 >= MAX_FILES)
		return 0;
	files[++nfiles] = VG_(strdup)("mmut.file", path);
	put_file_record(nfiles, path);
	return nfiles;
}

static UInt file_of_fd(Long fd)
{
	HChar name[32];

	if ((Int)fd < 0)
		return 0;
	if (fd < MAX_FDS && fd_file[fd])
		return fd_file[fd];
	VG_(snprintf)(name, sizeof(name), "<fd %u>", (UInt)fd); /* opened unseen */
	return file_id_for(name);
}

/* ---- the start-up address space ---- */

static UInt seg_prot(NSegment const *s)
{
	return (s->hasR ? PROT_R : 0) | (s->hasW ? PROT_W : 0) | (s->hasX ? PROT_X : 0);
}

/* A file's size + 1 for the records that map it (0: not known). */
static ULong size_of_fd(Int fd)
{
	struct vg_stat st;

	return fd >= 0 && VG_(fstat)(fd, &st) == 0 ? (ULong)st.size + 1 : 0;
}

static ULong size_of_path(const HChar *path)
{
	struct vg_stat st;

	return path && !sr_isError(VG_(stat)(path, &st)) ? (ULong)st.size + 1 : 0;
}

static void put_segment(Addr addr, ULong len, UInt prot, UInt flags, UInt kind, UInt file,
			ULong offset, ULong size1)
{
	UChar *p = event_begin(cur_lwp);

	out_end(native_put_map(p, TAG_SEGMENT, addr, len, prot, flags, kind, file, offset,
			       file ? size1 : 0));
}

/*
 * The program's path: the mapped file of the same name (Valgrind's name for
 * it may be relative, or as PATH found it), else the name Valgrind was given.
 */
static const HChar *program_path(Addr *starts, Int n)
{
	const HChar *name = VG_(args_the_exename), *base = VG_(strrchr)(name, '/');

	base = base ? base + 1 : name;
	for (Int i = 0; i < n; i++) {
		NSegment const *s = VG_(am_find_nsegment)(starts[i]);
		const HChar *f = s && s->kind == SkFileC ? VG_(am_get_filename)(s) : NULL;
		const HChar *fb = f ? VG_(strrchr)(f, '/') : NULL;

		if (fb && !VG_(strcmp)(fb + 1, base))
			return f;
	}
	return name;
}

/*
 * The client's anonymous and file segments. The anonymous one just below
 * the SmLower reservation is the brk heap (Valgrind anchors an empty heap
 * with one page: brk is its start), the one just above the SmUpper
 * reservation the main stack.
 */
static void emit_layout(void)
{
	Int n = 0;
	Addr *starts = VG_(get_segment_starts)(SkFileC | SkAnonC, &n);

	layout_done = True;
	/*
	 * The program this instance runs: the reader makes the record an exec
	 * unless this is the trace's first program.
	 */
	if (VG_(args_the_exename)) {
		UInt id = file_id_for(program_path(starts, n));
		out_end(native_put_exec(event_begin(cur_lwp), id));
	}
	for (Int i = 0; i < n; i++) {
		NSegment const *s = VG_(am_find_nsegment)(starts[i]);
		NSegment const *next, *prev;
		Bool file;
		UInt id = 0;
		ULong size1 = 0;

		if (!s || (s->kind != SkFileC && s->kind != SkAnonC))
			continue;
		file = s->kind == SkFileC;
		if (file) {
			const HChar *name = VG_(am_get_filename)(s);

			if (name) {
				id = file_id_for(name);
				size1 = size_of_path(name);
			}
		}
		next = VG_(am_find_nsegment)(s->end + 1);
		prev = s->start ? VG_(am_find_nsegment)(s->start - 1) : NULL;
		if (!file && next && next->kind == SkResvn && next->smode == SmLower) {
			put_segment(s->start, 0, seg_prot(s), NATIVE_MAP_PRIVATE | NATIVE_MAP_ANONYMOUS, NATIVE_SEG_HEAP, 0,
				    0, 0);
			prog_brk.cur = s->start; /* the heap's start is the break */
			prog_brk.known = 1;
		} else {
			put_segment(s->start, s->end - s->start + 1, seg_prot(s),
				    NATIVE_MAP_PRIVATE | (file ? 0 : NATIVE_MAP_ANONYMOUS),
				    file ? NATIVE_SEG_FILE : (prev && prev->kind == SkResvn &&
						       prev->smode == SmUpper)
						      ? NATIVE_SEG_STACK
						      : NATIVE_SEG_ANON,
				    id, file ? (ULong)s->offset : 0, size1);
		}
	}
	VG_(free)(starts);
}

/* ---- threads ---- */

static void on_start_client_code(ThreadId tid, ULong blocks)
{
	UInt me;
	UChar *p;

	(void)blocks;

	if (!layout_done)
		emit_layout();
	if (tid >= MAX_THREADS)
		return;
	if (!seen[tid]) {
		seen[tid] = True;
		lwp_of[tid] = (UInt)VG_(gettid)(); /* this hook runs on the thread itself */
		for (Int i = 0; i < npending; i++) {
			if (pending[i].child != lwp_of[tid])
				continue;
			/* a thread's first run completes its clone */
			p = event_begin(pending[i].parent);
			out_end(native_put_clone(p, pending[i].child, pending[i].flags));
			pending[i] = pending[--npending];
			break;
		}
	}
	me = lwp_of[tid];
	if (me != cur_lwp)
		out_at(put_switch(out_begin(), me));
}

static void on_thread_exit(ThreadId tid)
{
	if (tid < MAX_THREADS) {
		seen[tid] = False;
		lwp_of[tid] = 0;
	}
}

/* ---- system calls ---- */

/* The client's segments at exit, as traces/lackey.c gives them from -d. */
static void write_exit_layout(void)
{
	Int n = 0, fd;
	Addr *starts;
	HChar *name = VG_(expand_file_name)("--exit-layout", clo_exit_layout);
	SysRes sr = VG_(open)(name, VKI_O_WRONLY | VKI_O_CREAT | VKI_O_TRUNC, 0644);

	if (sr_isError(sr)) {
		VG_(fmsg)("mmut: cannot create %s\n", name);
		VG_(free)(name);
		return;
	}
	VG_(free)(name);
	fd = (Int)sr_Res(sr);
	starts = VG_(get_segment_starts)(SkFileC | SkAnonC, &n);
	for (Int i = 0; i < n; i++) {
		NSegment const *s = VG_(am_find_nsegment)(starts[i]);
		HChar line[96];
		Int len;

		if (!s || (s->kind != SkFileC && s->kind != SkAnonC))
			continue;
		len = VG_(snprintf)(line, sizeof(line), "%#lx %#lx %c%c%c\n", s->start, s->end + 1,
				    s->hasR ? 'r' : '-', s->hasW ? 'w' : '-', s->hasX ? 'x' : '-');
		VG_(write)(fd, line, len);
	}
	VG_(free)(starts);
	VG_(close)(fd);
}

static void end_stream(void)
{
	UChar *p;

	if (!layout_done)
		emit_layout();
	p = native_put_end(out_begin(), nrec);
	olen = (UInt)(p - obuf);
	close_block();
	ended = True;
	clo_out_fd = -1;
	/* an exec that then fails goes on running: what it records is dropped */
	olen = 0;
	open_block();
}

/* Exit records carry their own thread: no switch. */
static void put_exit(UInt lwp, Bool group)
{
	out_end(native_put_exit(out_begin(), lwp, group));
	group_exit |= group;
}

/* Valgrind's own rule for --trace-children and --trace-children-skip (m_options.c). */
extern Bool VG_(should_we_trace_this_child)(const HChar *child_exe_name,
					    const HChar **child_argv);

/*
 * An exec whose file exists will likely succeed. If Valgrind traces the new
 * program, its own instance of this tool goes on with this process's stream
 * (its first block says so); this one only sends what it holds, after a
 * switch to the thread that execs. Otherwise the exec ends this process's
 * stream. Either way this instance will not see its own end.
 */
static void pre_execve(ThreadId tid, const HChar *path, const HChar **argv)
{
	struct vg_stat st;
	UInt id;
	UChar *p;

	if (!path || sr_isError(VG_(stat)(path, &st)))
		return;
	if (VG_(should_we_trace_this_child)(path, argv)) {
		out_at(event_begin(lwp_id(tid)));
		close_block();
		return;
	}
	id = file_id_for(path);
	p = event_begin(lwp_id(tid));
	out_end(native_put_exec(p, id));
	if (clo_exit_layout)
		write_exit_layout(); /* the image the exec ends */
	end_stream();
}

static void mmut_pre_syscall(ThreadId tid, UInt nr, UWord *args, UInt nargs)
{
	(void)nargs;
	if (ended)
		return;
	if (nr == __NR_execve) {
		pre_execve(tid, (const HChar *)args[0], (const HChar **)args[1]);
		return;
	}
	if (nr != __NR_exit && nr != __NR_exit_group)
		return;
	put_exit(lwp_id(tid), nr == __NR_exit_group);
}

static void track_fd(UWord fd, UInt file)
{
	if (fd < MAX_FDS)
		fd_file[fd] = file;
}

static void mmut_post_syscall(ThreadId tid, UInt nr, UWord *args, UInt nargs, SysRes res)
{
	UWord r;
	UChar *p;

	(void)nargs;

	if (ended) {
		if (nr == __NR_execve && sr_isError(res))
			VG_(umsg)("mmut: the exec of %s failed, but the trace had ended there\n",
				  (const HChar *)args[0]);
		return;
	}
	if (sr_isError(res))
		return;
	r = sr_Res(res);
	switch (nr) {
	case __NR_mmap: {
		UInt flags = (UInt)args[3];
		UInt file = flags & NATIVE_MAP_ANONYMOUS ? 0 : file_of_fd((Long)args[4]);

		p = event_begin(lwp_id(tid));
		out_end(native_put_map(p, TAG_MMAP, r, args[1], (UInt)args[2], flags, 0, file,
				       file ? args[5] : 0, file ? size_of_fd((Int)args[4]) : 0));
		break;
	}
	case __NR_munmap:
	case __NR_mprotect:
		p = event_begin(lwp_id(tid));
		out_end(nr == __NR_munmap ? native_put_munmap(p, args[0], args[1])
					  : native_put_mprotect(p, args[0], args[1], (UInt)args[2]));
		break;
	case __NR_brk:
		if (native_brk_moved(&prog_brk, args[0], r))
			out_end(native_put_brk(event_begin(lwp_id(tid)), r));
		break;
	case __NR_mremap:
		p = event_begin(lwp_id(tid));
		out_end(native_put_mremap(p, args[0], args[1], r, args[2], (UInt)args[3]));
		break;
	case __NR_clone:
	case __NR_fork:
	case __NR_vfork: {
		ULong flags = nr == __NR_clone ? args[0] : 0;

		if (r == 0)
			break;
		/* Valgrind runs a vfork (posix_spawn's CLONE_VM | CLONE_VFORK) as a fork */
		if ((flags & NATIVE_CLONE_VM) && (flags & NATIVE_CLONE_VFORK))
			flags &= ~(ULong)(NATIVE_CLONE_VM | NATIVE_CLONE_VFORK);
		if (flags & NATIVE_CLONE_VM) {
			/* a thread: its clone record comes when it first runs */
			if (npending < MAX_PENDING) {
				pending[npending].parent = lwp_id(tid);
				pending[npending].child = (UInt)r;
				pending[npending++].flags = flags;
			}
			break;
		}
		/*
		 * A process, whose stream starts here: the reader holds the
		 * child's blocks until this record, so it goes out at once.
		 */
		p = event_begin(lwp_id(tid));
		out_end(native_put_clone(p, (UInt)r, flags));
		close_block();
		break;
	}
	case __NR_open:
	case __NR_openat: {
		const HChar *path = (const HChar *)(nr == __NR_open ? args[0] : args[1]);

		if (path && path[0])
			track_fd(r, file_id_for(path));
		break;
	}
	case __NR_close:
		track_fd(args[0], 0);
		break;
	default:
		break;
	}
}

/* Before a fork: the child must not inherit records that are not sent yet. */
static void mmut_atfork_pre(ThreadId tid)
{
	(void)tid;
	close_block();
}

/* A forked child: a stream of its own, which its parent's clone record starts. */
static void mmut_atfork_child(ThreadId tid)
{
	UInt pid = (UInt)VG_(getpid)();

	olen = 0;
	nblk = 0;
	nrec = 0;
	stream_pid = pid;
	iend = daddr = 0;
	cur_lwp = 0;
	npending = 0;
	VG_(memset)(seen, 0, sizeof(seen));
	VG_(memset)(lwp_of, 0, sizeof(lwp_of));
	if (tid < MAX_THREADS) {
		seen[tid] = True;
		lwp_of[tid] = pid;
	}
	open_block();
	out_at(put_switch(out_begin(), pid));
}

/* ---- set-up ---- */

static Bool mmut_process_cmd_line_option(const HChar *arg)
{
	static const HChar fd_opt[] = "--out-fd=", layout_opt[] = "--exit-layout=";
	HChar *end;

	if (!VG_(strncmp)(arg, fd_opt, sizeof(fd_opt) - 1)) {
		const HChar *v = arg + sizeof(fd_opt) - 1;
		Long n = VG_(strtoll10)(v, &end);

		if (!*v || *end || n < 0 || n > 1 << 20) {
			VG_(fmsg)("mmut: bad --out-fd '%s'\n", v);
			VG_(exit)(1);
		}
		clo_out_fd = (Int)n;
		return True;
	}
	if (!VG_(strncmp)(arg, layout_opt, sizeof(layout_opt) - 1)) {
		clo_exit_layout = arg + sizeof(layout_opt) - 1;
		return True;
	}
	return False;
}

static void mmut_print_usage(void)
{
	VG_(printf)("    --out-fd=N            write the native trace to file descriptor N\n"
		    "    --exit-layout=FILE    the client's segments at exit, 'START END PROT' lines\n");
}

static void mmut_print_debug_usage(void)
{
	VG_(printf)("    (none)\n");
}

static void mmut_post_clo_init(void)
{
	if (clo_out_fd < 0) {
		VG_(fmsg)("mmut: give --out-fd=N, the descriptor to write the trace to\n");
		VG_(exit)(1);
	}
	stream_pid = (UInt)VG_(getpid)();
	start_block = True;
	open_block();
	seen[1] = True;
	lwp_of[1] = stream_pid;
	cur_lwp = stream_pid;
	VG_(atfork)(mmut_atfork_pre, NULL, mmut_atfork_child);
}

static void mmut_fini(Int exitcode)
{
	(void)exitcode;
	if (ended)
		return;
	if (!group_exit) /* a fatal signal ends the process */
		put_exit(cur_lwp, True);
	if (clo_exit_layout)
		write_exit_layout();
	end_stream();
}

static void mmut_pre_clo_init(void)
{
	VG_(details_name)("mmut");
	VG_(details_version)("1");
	VG_(details_description)("mmusim's memory-trace capture");
	VG_(details_copyright_author)("mmusim authors; MIT licence");
	VG_(details_bug_reports_to)("the mmusim project");
	VG_(details_avg_translation_sizeB)(200);
	VG_(basic_tool_funcs)(mmut_post_clo_init, mmut_instrument, mmut_fini);
	VG_(needs_command_line_options)(mmut_process_cmd_line_option, mmut_print_usage,
					mmut_print_debug_usage);
	VG_(needs_syscall_wrapper)(mmut_pre_syscall, mmut_post_syscall);
	VG_(track_start_client_code)(on_start_client_code);
	VG_(track_pre_thread_ll_exit)(on_thread_exit);
}

VG_DETERMINE_INTERFACE_VERSION(mmut_pre_clo_init)
