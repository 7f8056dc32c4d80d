// SPDX-License-Identifier: MIT
/*
 * Processes and threads (kernel/fork.c, kernel/exit.c): a new process with
 * an empty address space, clone with CLONE_VM (threads share the mm) or
 * without (fork: the address space copied, private pages shared
 * copy-on-write), exit (the last user of an mm tears it down), and putting
 * a task on a cpu (switch_mm -> check_and_switch_context).
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

struct mm_struct *mm_alloc(struct os *os)
{
	struct mm_struct *mm = calloc(1, sizeof(*mm));

	if (!mm)
		return NULL;
	mm->obj = kmem_cache_alloc(os->mm_cachep, os->cur_cpu);
	if (!mm->obj || !pgd_alloc(os, mm)) {
		if (mm->obj)
			kmem_cache_free(os->mm_cachep, os->cur_cpu, mm->obj);
		free(mm);
		return NULL;
	}
	mm->mm_users = mm->mm_count = 1;
	mm->stack_rlimit = os->cfg.stack_rlimit;
	return mm;
}

/* mmput: the last user tears the address space down; mmdrop frees it. */
void mmput(struct os *os, struct mm_struct *mm)
{
	if (--mm->mm_users > 0)
		return;
	exit_mmap(os, mm);
	for (unsigned cpu = 0; cpu < os->cfg.nr_cpus; cpu++)
		if (os->cpu[cpu].active_mm == mm)
			os->cpu[cpu].active_mm = NULL; /* lazy TLB users drop it too */
	pgd_free(os, mm);
	kmem_cache_free(os->mm_cachep, os->cur_cpu, mm->obj);
	free(mm->vmas);
	free(mm);
}

static struct task_struct *task_alloc(struct os *os, struct mm_struct *mm, uint32_t tgid)
{
	struct task_struct *t = calloc(1, sizeof(*t));

	if (!t)
		return NULL;
	t->obj = kmem_cache_alloc(os->task_struct_cachep, os->cur_cpu);
	if (!t->obj) {
		free(t);
		return NULL;
	}
	if (os->nr_tasks == os->task_cap) {
		unsigned cap = os->task_cap ? 2 * os->task_cap : 16;
		struct task_struct **v = realloc(os->tasks, cap * sizeof(*v));

		if (!v) {
			kmem_cache_free(os->task_struct_cachep, os->cur_cpu, t->obj);
			free(t);
			return NULL;
		}
		os->tasks = v;
		os->task_cap = cap;
	}
	t->pid = os->next_pid++;
	t->tgid = tgid ? tgid : t->pid;
	t->mm = mm;
	t->cpu = -1;
	os->tasks[os->nr_tasks++] = t;
	if (!mm->pid)
		mm->pid = t->tgid;
	return t;
}

struct task_struct *os_create_process(struct os *os)
{
	struct mm_struct *mm = mm_alloc(os);
	struct task_struct *t;

	if (!mm)
		return NULL;
	t = task_alloc(os, mm, 0);
	if (!t)
		mmput(os, mm);
	return t;
}

struct task_struct *os_clone(struct os *os, struct task_struct *parent, uint64_t flags)
{
	if (flags & CLONE_VM) {
		struct task_struct *t = task_alloc(os, parent->mm,
						  flags & CLONE_THREAD ? parent->tgid : 0);

		if (t)
			parent->mm->mm_users++;
		return t;
	}
	struct mm_struct *mm = mm_alloc(os), *busy = os->busy_mm;

	if (!mm)
		return NULL;
	os->busy_mm = parent->mm; /* the OOM killer leaves the parent for later */
	if (dup_mmap(os, mm, parent->mm)) {
		os->busy_mm = busy;
		mmput(os, mm);
		return NULL;
	}
	os->busy_mm = busy;
	struct task_struct *t = task_alloc(os, mm, 0);

	if (!t)
		mmput(os, mm);
	return t;
}

void os_exit(struct os *os, struct task_struct *t)
{
	if (t->exited)
		return;
	t->exited = true;
	if (t->cpu >= 0 && os->cpu[t->cpu].curr == t)
		os->cpu[t->cpu].curr = NULL; /* the cpu goes idle, lazily on this mm */
	t->cpu = -1;
	struct mm_struct *mm = t->mm;

	t->mm = NULL;
	mmput(os, mm);
	kmem_cache_free(os->task_struct_cachep, os->cur_cpu, t->obj);
	t->obj = 0;
}

/* schedule(): t runs on cpu from now; switch_mm only when the mm changes. */
/*
 * execve's exec_mmap: the task leaves its address space for a new, empty
 * one; the cpu it ran on picks the new one up at its next switch.
 */
int os_exec(struct os *os, struct task_struct *t)
{
	struct mm_struct *mm = mm_alloc(os), *old = t->mm;

	if (!mm)
		return -1;
	mm->pid = t->tgid;
	if (t->cpu >= 0 && os->cpu[t->cpu].curr == t)
		os->cpu[t->cpu].curr = NULL;
	t->cpu = -1;
	t->mm = mm;
	mmput(os, old);
	return 0;
}

void os_switch_to(struct os *os, unsigned cpu, struct task_struct *t)
{
	struct cpu_state *c = &os->cpu[cpu];

	if (c->curr == t)
		return;
	if (c->curr)
		c->curr->cpu = -1;
	if (t->cpu >= 0 && t->cpu != (int)cpu)
		os->cpu[t->cpu].curr = NULL; /* migrated */
	c->curr = t;
	t->cpu = (int)cpu;
	os->st.context_switches++;
	if (c->active_mm != t->mm) {
		c->active_mm = t->mm;
		t->mm->cpus_ran |= 1ULL << cpu;
		check_and_switch_context(os, t->mm, cpu);
	}
}
