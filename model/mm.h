/* SPDX-License-Identifier: MIT */
/*
 * The OS model: Linux's memory manager on arm64, as one instance (struct
 * os) that owns simulated physical memory, the allocators, the processes
 * and their address spaces, the page cache and the ASID allocator. Several
 * instances may live in one program; nothing is global. The model prints
 * nothing: messages go through os->log, TLB maintenance through os->tlbi.
 */
#ifndef MMUSIM_MM_H
#define MMUSIM_MM_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "arm64.h"
#include "page_alloc.h"
#include "slab.h"

#define MAX_CPUS SLAB_MAX_CPUS
#define PAGE_MASK (~(PAGE_SIZE - 1))
#define PMD_SIZE (1ULL << PMD_SHIFT)
#define STACK_GUARD_GAP (256ULL << PAGE_SHIFT) /* stack_guard_gap */
#define DEFAULT_STACK_RLIMIT (8ULL << 20)	 /* RLIMIT_STACK */

/* vm_flags */
#define VM_READ 0x00000001ULL
#define VM_WRITE 0x00000002ULL
#define VM_EXEC 0x00000004ULL
#define VM_SHARED 0x00000008ULL
#define VM_MAYREAD 0x00000010ULL
#define VM_MAYWRITE 0x00000020ULL
#define VM_MAYEXEC 0x00000040ULL
#define VM_MAYSHARE 0x00000080ULL
#define VM_GROWSDOWN 0x00000100ULL
#define VM_DONTCOPY 0x00020000ULL
#define VM_ACCOUNT 0x00100000ULL
#define VM_NORESERVE 0x00200000ULL
#define VM_HUGETLB 0x00400000ULL
#define VM_HUGEPAGE 0x20000000ULL

/* Software PTE bits of arm64 (pgtable-prot.h). */
#define PTE_WRITE PTE_DBM
#define PTE_DIRTY (1ULL << 55)
#define PTE_SPECIAL (1ULL << 56)
#define PTE_SHARED (3ULL << 8)
#define PTE_TYPE_PAGE 3ULL
#define PMD_TYPE_SECT 1ULL /* block descriptor */
#define PMD_TABLE_PXN (1ULL << 59)

/* mmap's PROT_* and MAP_* (as in traces) */
#define PROT_READ 0x1u
#define PROT_WRITE 0x2u
#define PROT_EXEC 0x4u
#define MAP_SHARED 0x01u
#define MAP_PRIVATE 0x02u
#define MAP_FIXED 0x10u
#define MAP_ANONYMOUS 0x20u
#define MAP_GROWSDOWN 0x100u
#define MAP_NORESERVE 0x4000u
#define MAP_STACK 0x20000u
#define MAP_HUGETLB 0x40000u
#define CLONE_VM 0x100u
#define CLONE_THREAD 0x10000u

/* A file: its page cache (mapping->i_pages, a radix tree) and size. */
struct radix_node;
struct address_space {
	uint32_t id;
	char *path;
	uint64_t i_size; /* bytes */
	struct radix_node *root;
	unsigned height;
	uint64_t nrpages;
	unsigned nr_nodes;
	unsigned refs; /* shmem (no path): the VMAs mapping it */
};

struct mm_struct;

struct vm_area_struct {
	uint64_t vm_start, vm_end;
	uint64_t vm_flags;
	uint64_t vm_page_prot; /* PTE attributes of its pages */
	uint64_t vm_pgoff;     /* offset in the file, in pages */
	struct address_space *vm_file;
	struct mm_struct *vm_mm;
	uint64_t anon_vma; /* identity of its anon_vma; 0 until a first anon page */
	uint64_t obj;  /* its vm_area_cachep object */
};

/* arm64 mm_context_t: the ASID and its generation. */
struct mm_context {
	uint64_t id; /* generation | asid, 0: none yet */
};

struct mm_struct {
	struct vm_area_struct **vmas; /* the VMA tree: sorted by address */
	unsigned map_count, vma_cap;
	struct page *pgd;
	int mm_users, mm_count;
	struct mm_context context;
	uint64_t start_brk, brk, start_stack, mmap_base;
	uint64_t stack_rlimit;
	uint64_t total_vm; /* pages mapped */
	uint64_t rss_anon, rss_file;
	uint64_t pgtables; /* page-table pages */
	uint64_t swapents; /* MM_SWAPENTS: swap entries in its PTEs */
	uint64_t cpus_ran; /* bitmask: cpus this mm has run on */
	uint64_t obj;	   /* its mm_cachep object */
	uint32_t pid;
};

struct task_struct {
	uint32_t pid, tgid;
	struct mm_struct *mm;
	int cpu; /* -1: not on a cpu */
	bool exited;
	bool oom_killed; /* tsk_is_oom_victim: SIGKILL from the OOM killer */
	short oom_score_adj;
	char comm[16]; /* TASK_COMM_LEN; empty: the name of its executable */
	uint64_t min_flt, maj_flt;
	uint64_t obj;
};

/* What a fault did, for statistics (Linux's names). */
enum fault_kind {
	FAULT_ANON,	  /* do_anonymous_page: new zeroed page */
	FAULT_ZERO_PAGE,  /* do_anonymous_page, read: the zero page */
	FAULT_FILE_READ,  /* do_read_fault */
	FAULT_COW,	  /* do_cow_fault: private write to a file page */
	FAULT_SHARED,	  /* do_shared_fault */
	FAULT_WP_COPY,	  /* do_wp_page -> wp_page_copy */
	FAULT_WP_REUSE,	  /* do_wp_page -> wp_page_reuse */
	FAULT_WP_SHARED,  /* do_wp_page -> wp_page_shared */
	FAULT_MKDIRTY,	  /* writable-clean PTE made dirty */
	FAULT_YOUNG,	  /* access flag set */
	FAULT_SPURIOUS,	  /* nothing to do: the TLB was stale */
	FAULT_STACK_GROW, /* expand_stack */
	FAULT_HUGE,	  /* a 2 MiB block mapped */
	FAULT_MAJOR,	  /* the page was not in the page cache */
	FAULT_SEGV_MAPERR,
	FAULT_SEGV_ACCERR,
	FAULT_SIGBUS,
	FAULT_OOM,
	FAULT_SWAPIN, /* do_swap_page: a swap entry in the PTE */
	NR_FAULT_KINDS
};
extern const char *const fault_kind_names[NR_FAULT_KINDS];

/* The result of handle_mm_fault as the arch code sees it. */
enum fault_result { FAULT_OK, FAULT_SIGSEGV_MAPERR, FAULT_SIGSEGV_ACCERR, FAULT_SIGBUS_ADRERR,
		    FAULT_OUT_OF_MEMORY };

enum access_type { ACCESS_READ, ACCESS_WRITE, ACCESS_EXEC };

struct os_config {
	struct page_alloc_config mem;
	unsigned nr_cpus;
	unsigned asid_bits; /* 8 or 16 */
	bool tlb_range;	    /* FEAT_TLBIRANGE: range TLBIs */
	bool tlb_ttl;	    /* FEAT_TTL: level hints in TLBI operands */
	bool kpti_asids;    /* CONFIG_UNMAP_KERNEL_AT_EL0: even ASIDs until a rollover */
	bool thp;	    /* 2 MiB anonymous pages where a VMA allows */
	unsigned va_bits;   /* 48 (4 levels of tables) or 39 (3 levels) */
	uint64_t stack_rlimit;
	uint64_t swap_bytes; /* the swap device (0: no swap) */
	unsigned swappiness; /* vm.swappiness, 0..200 */
};

/* /proc/vmstat events the model counts (enum vm_event_item). */
enum vm_event_item {
	PGPGIN,
	PGPGOUT,
	PSWPIN,
	PSWPOUT,
	ALLOCSTALL_DMA,
	ALLOCSTALL_DMA32,
	ALLOCSTALL_NORMAL,
	ALLOCSTALL_MOVABLE,
	PGACTIVATE,
	PGDEACTIVATE,
	PGFAULT,
	PGMAJFAULT,
	PGREFILL,
	PGSTEAL_KSWAPD,
	PGSTEAL_DIRECT,
	PGSCAN_KSWAPD,
	PGSCAN_DIRECT,
	PGSCAN_ANON,
	PGSCAN_FILE,
	PGSTEAL_ANON,
	PGSTEAL_FILE,
	PAGEOUTRUN,
	PGROTATED,
	OOM_KILL,
	NR_VM_EVENT_ITEMS
};

/* One line of /proc/vmstat: its field name and value. */
struct vmstat_item {
	const char *name;
	uint64_t value;
};
#define NR_VMSTAT_ITEMS 64

struct swap_info_struct; /* swap.c */

struct asid_allocator {
	unsigned bits;
	uint64_t generation;
	uint64_t *map; /* bitmap of ASIDs in use this generation */
	uint64_t cur_idx;
	uint64_t active[MAX_CPUS];   /* active_asids */
	uint64_t reserved[MAX_CPUS]; /* reserved_asids */
	uint64_t flush_pending;	     /* tlb_flush_pending cpumask */
	uint64_t rollovers;
};

struct cpu_state {
	struct task_struct *curr;
	struct mm_struct *active_mm;
	uint64_t ttbr0; /* pgd PA | ASID << 48 */
};

struct mmu_gather; /* tlbflush.c */

struct os_stats {
	uint64_t faults[NR_FAULT_KINDS];
	uint64_t tlbi[TLBI_NR_OPS];
	uint64_t tlbi_shootdowns; /* Inner-Shareable operations */
	uint64_t dsb;		  /* barriers that complete the TLBIs before them */
	uint64_t context_switches;
	uint64_t kswapd_wakeups; /* wakeup_kswapd calls that woke it */
	uint64_t tlbi_nosync;	 /* TLBIs issued without their DSB (batched, young) */
};

struct os {
	struct os_config cfg;
	struct page_alloc pa;
	struct slab_allocator sa;
	struct kmem_cache *mm_cachep, *vm_area_cachep, *task_struct_cachep,
		*radix_tree_node_cachep;
	struct page *zero_page;
	struct page *swapper_pg_dir;
	struct asid_allocator asids;
	uint64_t next_anon_vma;
	struct cpu_state cpu[MAX_CPUS];
	struct task_struct **tasks;
	unsigned nr_tasks, task_cap;
	uint32_t next_pid;
	struct address_space **files; /* by file id */
	unsigned nr_files;
	struct os_stats st;
	/*
	 * TLB maintenance goes out through these (NULL: nowhere), as arm64
	 * issues it: TLBIs, then one DSB (ISH, or NSH after local ones) that
	 * waits until they are complete. Both get tlbi_ctx.
	 */
	void (*tlbi)(void *ctx, unsigned cpu, const struct tlbi *op);
	void (*dsb)(void *ctx, unsigned cpu, bool shareable);
	void *tlbi_ctx;
	void (*log)(void *ctx, const char *msg);
	void *log_ctx;
	/*
	 * The first failure that leaves the model wrong (a descriptor write
	 * the host had no memory for): empty, or why the run must stop.
	 */
	char error[160];
	unsigned cur_cpu; /* the cpu doing the current kernel work */
	/* memory pressure (vmscan.c, swap.c, oom.c) */
	uint64_t vm_events[NR_VM_EVENT_ITEMS];
	struct swap_info_struct *swap; /* NULL: no swap device */
	bool kswapd_wake;	       /* woken: runs at the next os_run_kswapd */
	unsigned kswapd_order, kswapd_failures;
	enum zone_type kswapd_highest_zoneidx;
	bool in_reclaim;	   /* PF_MEMALLOC: reclaim does not recurse */
	struct mm_struct *busy_mm; /* the address space an operation is working on */
	bool oom_reap_pending;	   /* a killed task's teardown waits for os_oom_reap */
	bool tlb_batch_pending;	   /* TLBIs issued without a DSB yet */
	bool tlb_batch_writable;   /* ... one of them for a writable PTE */
	unsigned nr_oom_kills;
	char oom_message[320]; /* the last "Out of memory: Killed process ..." */
};

/* TASK_SIZE: the top of user space; tables start at level pgd_level(). */
static inline uint64_t task_size(const struct os *os)
{
	return 1ULL << os->cfg.va_bits;
}
static inline unsigned pgd_level(const struct os *os)
{
	return os->cfg.va_bits == 39 ? 1 : 0;
}

void os_default_config(struct os_config *c);
int os_init(struct os *os, const struct os_config *c);
void os_free(struct os *os);
void os_log(struct os *os, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* files */
struct address_space *os_file(struct os *os, uint32_t id, const char *path);

/* processes (fork.c) */
struct task_struct *os_create_process(struct os *os);
struct task_struct *os_clone(struct os *os, struct task_struct *parent, uint64_t flags);
void os_exit(struct os *os, struct task_struct *t);
/* execve: the task's process gets a new, empty address space (-1: out of memory). */
int os_exec(struct os *os, struct task_struct *t);
void os_switch_to(struct os *os, unsigned cpu, struct task_struct *t);
struct mm_struct *mm_alloc(struct os *os);
void mmput(struct os *os, struct mm_struct *mm);

/* address spaces (vma.c) */
struct vm_area_struct *find_vma(struct mm_struct *mm, uint64_t addr);
int os_mmap(struct os *os, struct mm_struct *mm, uint64_t addr, uint64_t len, uint32_t prot,
	    uint32_t flags, struct address_space *file, uint64_t offset, const char **why);
int os_munmap(struct os *os, struct mm_struct *mm, uint64_t addr, uint64_t len);
int os_mprotect(struct os *os, struct mm_struct *mm, uint64_t addr, uint64_t len,
		uint32_t prot, const char **why);
int os_brk(struct os *os, struct mm_struct *mm, uint64_t brk, const char **why);
int os_mremap(struct os *os, struct mm_struct *mm, uint64_t old, uint64_t old_len,
	      uint64_t new_addr, uint64_t new_len, const char **why);
void os_set_stack(struct mm_struct *mm, uint64_t start, uint64_t end);
void dump_maps(const struct os *os, const struct mm_struct *mm, FILE *f);

/* faults (memory.c) */
enum fault_result handle_page_fault(struct os *os, struct mm_struct *mm, uint64_t addr,
				    enum access_type access);
/* A walk's descriptor read failed at level: SIGKILL to t's thread group; returns the ESR. */
uint32_t do_sea(struct os *os, struct task_struct *t, enum access_type access, unsigned level);

/* memory pressure */
/* kswapd, when an allocation woke it: reclaims until the high watermarks. */
void os_run_kswapd(struct os *os);
/* Tears down the OOM killer's victims whose teardown had to wait. */
void os_oom_reap(struct os *os);
/* The processes (thread-group leaders) still alive. */
unsigned os_nr_processes(const struct os *os);
long oom_badness(const struct os *os, const struct task_struct *p, uint64_t totalpages);
/* /proc/vmstat's fields, in its order; returns how many (at most NR_VMSTAT_ITEMS). */
unsigned os_vmstat(const struct os *os, struct vmstat_item *out);
void dump_vmstat(const struct os *os, FILE *f);
void dump_meminfo(const struct os *os, FILE *f);

/* cache_reap: per-cpu arrays drained, free slabs back to the buddy allocator */
void os_reap_caches(struct os *os);

/* checkers (check.c): NULL or what is wrong, in msg (see check_buddy_msg) */
const char *check_mm_msg(const struct os *os, const struct mm_struct *mm, char *msg, size_t len);
const char *check_os_msg(const struct os *os, char *msg, size_t len);
#define check_mm(os, mm) check_mm_msg((os), (mm), CHECK_MSG_BUF)
#define check_os(os) check_os_msg((os), CHECK_MSG_BUF)

#endif
