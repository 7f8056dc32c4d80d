/* SPDX-License-Identifier: MIT */
/*
 * Memory traces: accesses of a program's threads and the memory events that
 * shape its address space. Three encodings carry the same records:
 *  - the native binary format (traces/FORMAT.md), compact and fast;
 *  - its text form, for hand-written tests;
 *  - Valgrind lackey logs, with --trace-syscalls, --trace-sched and -d
 *    output mixed in (read only).
 * Any of them may be gzip- or zstd-compressed. Reading streams: memory does
 * not grow with the length of the trace.
 */
#ifndef MMUSIM_TRACE_H
#define MMUSIM_TRACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* What mmusim --version and mmutrace --version print. */
#define MMUSIM_VERSION "0.9"
#define TRACE_NATIVE_VERSION 4 /* written; every earlier one is read */
#define TRACE_STR_(x) #x
#define TRACE_STR(x) TRACE_STR_(x)
#define TRACE_VERSIONS                                                                    \
	"native trace format " TRACE_STR(TRACE_NATIVE_VERSION) " (reads 1 to " TRACE_STR( \
		TRACE_NATIVE_VERSION) "), text form 1"

enum trace_type {
	/* accesses */
	TR_INSTR,  /* instruction fetch */
	TR_LOAD,   /* data read */
	TR_STORE,  /* data write */
	TR_MODIFY, /* read and write of the same bytes by one instruction */
	/* events */
	TR_FILE,     /* names a file: file.id -> path */
	TR_SEGMENT,  /* part of the initial address space */
	TR_MMAP,     /* mmap that returned addr */
	TR_MUNMAP,   /* munmap(addr, len) */
	TR_MPROTECT, /* mprotect(addr, len, map.prot) */
	TR_BRK,	     /* program break moved to addr */
	TR_MREMAP,   /* mremap(addr, len) moved/resized to remap.{addr,len} */
	TR_CLONE,    /* tid created clone.child (thread or process) */
	TR_EXIT,     /* thread tid exited (exit.group: the whole process) */
	TR_SWITCH,   /* thread tid runs from here on */
	TR_EXEC,     /* tid's process runs another program (exec.file) from here */
	TR_NR_TYPES
};

#define TR_IS_ACCESS(t) ((t) <= TR_MODIFY)

extern const char *const trace_type_names[TR_NR_TYPES];

/* Linux's PROT_* and MAP_* values (the same on x86-64 and arm64). */
#define TR_PROT_READ 0x1
#define TR_PROT_WRITE 0x2
#define TR_PROT_EXEC 0x4
#define TR_MAP_SHARED 0x01
#define TR_MAP_PRIVATE 0x02
#define TR_MAP_FIXED 0x10
#define TR_MAP_ANONYMOUS 0x20
#define TR_CLONE_VM 0x100
#define TR_CLONE_VFORK 0x4000
#define TR_CLONE_THREAD 0x10000

/* Initial segments: what Valgrind's address-space manager says each is. */
enum trace_segment_kind { SEG_ANON, SEG_FILE, SEG_HEAP, SEG_STACK, SEG_NR_KINDS };
extern const char *const trace_segment_kind_names[SEG_NR_KINDS];

struct trace_rec {
	uint8_t type;  /* enum trace_type */
	uint16_t size; /* access size in bytes */
	uint32_t tid;  /* the thread that made it (the running one) */
	uint64_t addr; /* access VA; start of an event's range */
	uint64_t len;  /* length of an event's range */
	union {
		struct {
			uint32_t prot, flags; /* flags: MAP_* (mmap) */
			uint32_t file;	      /* 0: anonymous */
			uint8_t kind;	      /* segment kind */
			uint64_t offset;
			/* a file's size when it was mapped, if sized (native
			 * version 3, from the capture tool's fstat) */
			bool sized;
			uint64_t isize;
		} map;
		struct {
			uint64_t addr, len;
			uint32_t flags;
		} remap;
		struct {
			uint32_t child;
			uint64_t flags; /* CLONE_* */
		} clone;
		struct {
			bool group;
		} exit;
		struct {
			uint32_t file; /* the program's path */
		} exec;
		struct {
			uint32_t id;
			const char *path; /* valid while the reader is open */
		} file;
	};
};

enum trace_format { TRACE_NATIVE, TRACE_TEXT, TRACE_LACKEY };
extern const char *const trace_format_names[3];

struct trace_reader;

/* Opens a trace of any format and compression; path "-" is stdin. */
struct trace_reader *trace_open(const char *path, char *err, size_t errlen);
/*
 * Reads up to max records. Returns how many; 0 at the end of the trace or on
 * error, which trace_error() then describes (file, line or record, what).
 */
size_t trace_read(struct trace_reader *r, struct trace_rec *buf, size_t max);
const char *trace_error(const struct trace_reader *r);
enum trace_format trace_format(const struct trace_reader *r);
/* The trace came from an arm64 guest (native header flag 2, FORMAT.md). */
bool trace_is_arm64(const struct trace_reader *r);
struct xout;
/*
 * From now on, every byte read (from the start of the input) is also
 * written to out as it is: a native trace passes through unchanged while
 * it is decoded. A failed write is the reader's error.
 */
int trace_tee(struct trace_reader *r, struct xout *out);
/*
 * The system's id of thread tid in a trace the capture tool wrote (for a
 * process's main thread, its pid); 0 for other traces. The reader numbers
 * threads 1, 2, ... in order of appearance.
 */
uint32_t trace_system_tid(const struct trace_reader *r, uint32_t tid);
/* Bytes of the (decompressed) trace read so far. */
uint64_t trace_bytes(const struct trace_reader *r);
/* Path of a file id named by an earlier TR_FILE record, or NULL. */
const char *trace_file_path(const struct trace_reader *r, uint32_t id);
void trace_close(struct trace_reader *r);

/* Lackey-specific counts, for reports. */
struct lackey_stats {
	uint64_t lines, ignored_lines, glued_lines, syscalls;
};
const struct lackey_stats *trace_lackey_stats(const struct trace_reader *r);
/*
 * True once an access came before Valgrind's start-up memory layout (-d):
 * the log cannot say what was mapped, so only --os none can replay it.
 */
bool trace_lackey_lacks_layout(const struct trace_reader *r);

/*
 * Reading ahead (ahead.c): a thread of its own runs trace_read on r into a
 * ring of batches of up to batch records, so that decoding overlaps what
 * the caller does with the batches before. r is the thread's until
 * trace_ahead_stop: the caller only calls trace_ahead_next, which returns
 * the next batch (valid until the next call) and whether the lackey log
 * lacked its layout by then (trace_lackey_lacks_layout), or 0 at the end
 * of the trace or at an error (then trace_error, after the stop).
 * trace_ahead_start returns NULL if it cannot start (out of memory).
 */
struct trace_ahead;
struct trace_ahead *trace_ahead_start(struct trace_reader *r, size_t batch);
size_t trace_ahead_next(struct trace_ahead *a, const struct trace_rec **recs, bool *lacks_layout);
/* Stops reading (after the batch being read, if any) and frees a; NULL is no-op. */
void trace_ahead_stop(struct trace_ahead *a);
/*
 * With -d, Valgrind also prints the client's segments at shutdown: a line
 * "START END PROT" each (END exclusive), or NULL if the log had none.
 */
const char *trace_lackey_exit_layout(const struct trace_reader *r);

struct trace_writer;

/*
 * Creates a trace file (native unless fmt says text); compressed by the
 * name's suffix (.zst, .gz). Nothing appears at path until trace_commit.
 */
struct trace_writer *trace_create(const char *path, enum trace_format fmt, int level,
				  char *err, size_t errlen);
int trace_write(struct trace_writer *w, const struct trace_rec *recs, size_t n);
int trace_commit(struct trace_writer *w, char *err, size_t errlen);
void trace_abort(struct trace_writer *w);

/* Helpers shared by the encodings. */
void trace_prot_string(uint32_t prot, char out[4]);
int trace_prot_parse(const char *s, uint32_t *prot);

#endif
