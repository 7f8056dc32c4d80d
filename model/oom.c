// SPDX-License-Identifier: MIT
/*
 * The OOM killer (mm/oom_kill.c, Linux 6.x): out_of_memory picks the
 * process with the highest oom_badness (rss + swap entries + page tables,
 * in pages, plus oom_score_adj in thousandths of all RAM and swap), says
 * so as the kernel does, and kills it with every process sharing its mm.
 * The model has no init and no kernel threads: every process may be
 * chosen, and every task is root (UID 0). A victim torn down at once (the
 * OOM reaper's work, synchronously), unless an operation is still working
 * on its address space (the faulting task itself): then the teardown waits
 * for os_oom_reap, and the victim meanwhile may allocate down to half the
 * min watermark (ALLOC_OOM), as Linux lets it.
 */
#include <limits.h>
#include <string.h>

#include "internal.h"

#define OOM_SCORE_ADJ_MIN (-1000)

uint64_t totalram_pages(const struct os *os)
{
	uint64_t n = 0;

	for (int z = 0; z < MAX_NR_ZONES; z++)
		n += os->pa.zones[z].managed_pages;
	return n;
}

/* comm: the task's own, or the name of its executable (the lowest file mapping). */
void task_comm(const struct os *os, const struct task_struct *t, char *buf, size_t len)
{
	const char *name = t->comm[0] ? t->comm : "?";

	(void)os;
	if (!t->comm[0] && t->mm)
		for (unsigned i = 0; i < t->mm->map_count; i++) {
			const struct address_space *f = t->mm->vmas[i]->vm_file;

			if (f && f->path) {
				const char *slash = strrchr(f->path, '/');

				name = slash ? slash + 1 : f->path;
				break;
			}
		}
	snprintf(buf, len < 16 ? len : 16, "%s", name); /* TASK_COMM_LEN */
}

static uint64_t mm_pgtables_pages(const struct mm_struct *mm)
{
	return mm->pgtables ? mm->pgtables - 1 : 0; /* the pgd is not counted */
}

long oom_badness(const struct os *os, const struct task_struct *p, uint64_t totalpages)
{
	long points, adj;

	(void)os;
	if (p->exited || !p->mm)
		return LONG_MIN;
	adj = p->oom_score_adj;
	if (adj == OOM_SCORE_ADJ_MIN)
		return LONG_MIN;
	points = (long)(p->mm->rss_anon + p->mm->rss_file + p->mm->swapents +
			mm_pgtables_pages(p->mm));
	adj *= (long)(totalpages / 1000);
	return points + adj;
}

unsigned os_nr_processes(const struct os *os)
{
	unsigned n = 0;

	for (unsigned i = 0; i < os->nr_tasks; i++)
		n += !os->tasks[i]->exited && os->tasks[i]->pid == os->tasks[i]->tgid;
	return n;
}

#define OOM_ABORT ((struct task_struct *)-1)

/*
 * select_bad_process: for_each_process in creation order; a later one with
 * equal points wins; a victim not yet torn down stops the search.
 */
struct task_struct *select_bad_process(struct os *os, uint64_t totalpages, long *points)
{
	struct task_struct *chosen = NULL;
	long chosen_points = LONG_MIN;

	for (unsigned i = 0; i < os->nr_tasks; i++) {
		struct task_struct *t = os->tasks[i];

		if (t->exited || t->pid != t->tgid)
			continue;
		if (t->oom_killed)
			return OOM_ABORT;
		long pts = oom_badness(os, t, totalpages);

		if (pts == LONG_MIN || pts < chosen_points)
			continue;
		chosen = t;
		chosen_points = pts;
	}
	*points = chosen_points;
	return chosen;
}

static const char *gfp_name(gfp_t gfp)
{
	return gfp == GFP_HIGHUSER_MOVABLE		    ? "GFP_HIGHUSER_MOVABLE"
	       : gfp == (GFP_HIGHUSER_MOVABLE | __GFP_ZERO) ? "GFP_HIGHUSER_MOVABLE|__GFP_ZERO"
	       : gfp == GFP_KERNEL			    ? "GFP_KERNEL"
	       : gfp == (GFP_KERNEL | __GFP_ZERO)	    ? "GFP_KERNEL|__GFP_ZERO"
	       : gfp == GFP_PGTABLE_USER		    ? "GFP_KERNEL|__GFP_ZERO|__GFP_ACCOUNT"
							    : "?";
}

static struct task_struct *current_task(const struct os *os)
{
	for (unsigned i = 0; os->busy_mm && i < os->nr_tasks; i++)
		if (!os->tasks[i]->exited && os->tasks[i]->mm == os->busy_mm)
			return os->tasks[i];
	return NULL;
}

static void oom_kill_process(struct os *os, struct task_struct *victim, gfp_t gfp,
			     unsigned order)
{
	struct task_struct *cur = current_task(os);
	struct mm_struct *mm = victim->mm;
	char comm[16], cur_comm[16];

	task_comm(os, victim, comm, sizeof(comm));
	if (cur)
		task_comm(os, cur, cur_comm, sizeof(cur_comm));
	else
		snprintf(cur_comm, sizeof(cur_comm), "kswapd0");
	os_log(os, "%s invoked oom-killer: gfp_mask=%#x(%s), order=%u, oom_score_adj=%d",
	       cur_comm, gfp, gfp_name(gfp), order, cur ? cur->oom_score_adj : 0);
	os_log(os, "oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=/,mems_allowed=0,"
		   "global_oom,task_memcg=/,task=%s,pid=%u,uid=0",
	       comm, victim->pid);
	snprintf(os->oom_message, sizeof(os->oom_message),
		 "Out of memory: Killed process %u (%s) total-vm:%llukB, anon-rss:%llukB, "
		 "file-rss:%llukB, shmem-rss:0kB, UID:0 pgtables:%llukB oom_score_adj:%d",
		 victim->pid, comm, (unsigned long long)mm->total_vm * 4,
		 (unsigned long long)mm->rss_anon * 4, (unsigned long long)mm->rss_file * 4,
		 (unsigned long long)mm_pgtables_pages(mm) * 4, victim->oom_score_adj);
	os_log(os, "%s", os->oom_message);
	os->vm_events[OOM_KILL]++;
	os->nr_oom_kills++;
	/* every task sharing the mm gets the SIGKILL */
	for (unsigned i = 0; i < os->nr_tasks; i++)
		if (!os->tasks[i]->exited && os->tasks[i]->mm == mm)
			os->tasks[i]->oom_killed = true;
	if (mm == os->busy_mm) {
		os->oom_reap_pending = true;
		return;
	}
	for (unsigned i = 0; i < os->nr_tasks; i++)
		if (!os->tasks[i]->exited && os->tasks[i]->mm == mm)
			os_exit(os, os->tasks[i]);
}

bool out_of_memory(struct os *os, gfp_t gfp, unsigned order)
{
	uint64_t totalpages = totalram_pages(os) + (os->swap ? os->swap->pages : 0);
	long points;
	struct task_struct *victim = select_bad_process(os, totalpages, &points);

	if (victim == OOM_ABORT)
		return true; /* a victim is on its way out */
	if (!victim) {
		os_log(os, "Out of memory and no killable processes...");
		return false;
	}
	oom_kill_process(os, victim, gfp, order);
	return true;
}

void os_oom_reap(struct os *os)
{
	bool left = false;

	if (!os->oom_reap_pending)
		return;
	for (unsigned i = 0; i < os->nr_tasks; i++) {
		struct task_struct *t = os->tasks[i];

		if (t->exited || !t->oom_killed)
			continue;
		if (t->mm == os->busy_mm)
			left = true;
		else
			os_exit(os, t);
	}
	os->oom_reap_pending = left;
}
