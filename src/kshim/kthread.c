/* SPDX-License-Identifier: MIT */
/* Kernel threads (<linux/kthread.h>) as sim processes. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "kshim.h"

#include <linux/err.h>
#include <linux/kthread.h>
#include <linux/bug.h>
#include <linux/container_of.h>
#include <linux/sched.h>
#include <linux/wait.h>

/* A kernel thread: its task first (what the API hands out). */
struct kthread {
	struct task_struct task;
	struct rmpsim_kernel *k;
	int (*fn)(void *data);
	void *data;
	struct rmpsim_proc *proc;
	unsigned cpu; /* RMPSIM_CPU_ANY or kthread_bind()'s */
	bool woken, should_stop, exited;
	int ret;
	wait_queue_head_t exit_wait;
	char name[32];	      /* the sim process's name (comm is the first 15 characters) */
	struct kthread *next; /* the kernel's list (freed with it) */
};

static struct kthread *kthread_of(struct task_struct *task)
{
	return container_of(task, struct kthread, task);
}

static struct kthread *kthread_of_current(struct rmpsim_kernel *k)
{
	struct rmpsim_proc *p = rmpsim_sim_current(k->sim);
	for (struct kthread *t = k->kthreads; p && t; t = t->next)
		if (t->proc == p)
			return t;
	return NULL;
}

static void kthread_main(struct rmpsim_sim *sim, void *arg)
{
	struct kthread *t = arg;
	while (!t->woken) /* created stopped: runs once woken */
		rmpsim_sim_block(sim);
	t->ret = t->fn(t->data);
	t->exited = true;
	wake_up_all(&t->exit_wait);
}

static int start(struct kthread *t)
{
	struct rmpsim_proc_attr attr = { .name = t->name, .cpu = t->cpu };
	int r = rmpsim_sim_spawn(t->k->sim, &attr, kthread_main, t, &t->proc);
	if (!r) {
		t->task.pid = (int)rmpsim_proc_id(t->proc) + 1; /* A254 */
		t->task.rmpsim_proc = t->proc;
	}
	return r;
}

struct task_struct *rmpsim__k_kthread_create(int (*threadfn)(void *data), void *data, const char *namefmt,
					     ...)
{
	struct rmpsim_kernel *k = rmpsim__k_get();
	struct kthread *t = rmpsim__k_alloc(sizeof(*t));
	if (!t)
		return ERR_PTR(-ENOMEM);
	*t = (struct kthread){ .k = k, .fn = threadfn, .data = data, .cpu = RMPSIM_CPU_ANY };
	init_waitqueue_head(&t->exit_wait);
	va_list ap;
	va_start(ap, namefmt);
	rmpsim__k_vsnprintf(t->name, sizeof(t->name), namefmt, ap);
	va_end(ap);
	/* TASK_COMM_LEN: the first 15 characters, as Linux keeps them */
	memcpy(t->task.comm, t->name, sizeof(t->task.comm) - 1);
	t->task.comm[sizeof(t->task.comm) - 1] = '\0';
	t->next = k->kthreads;
	k->kthreads = t;
	return &t->task;
}

void kthread_bind(struct task_struct *task, unsigned int cpu)
{
	struct kthread *t = kthread_of(task);
	if (t->proc) {
		rmpsim__k_warn(__FILE__, __LINE__, "kthread_bind", "kthread_bind of a running thread %s\n",
			       t->name);
		return;
	}
	if (cpu < t->k->ncpus)
		t->cpu = cpu;
}

int wake_up_process(struct task_struct *task)
{
	if (!task->rmpsim_proc && task->pid == 0 && !task->comm[0])
		return 0;
	struct kthread *t = kthread_of(task);
	if (t->exited)
		return 0;
	if (!t->proc) { /* first wake: the thread starts */
		t->woken = true;
		if (start(t)) {
			rmpsim__k_report_bug("BUG: cannot start kthread %s", t->name);
			t->exited = true;
			return 0;
		}
		return 1;
	}
	t->woken = true;
	rmpsim_sim_wake(t->k->sim, t->proc);
	return 1;
}

bool kthread_should_stop(void)
{
	struct kthread *t = kthread_of_current(rmpsim__k_get());
	return t && t->should_stop;
}

int kthread_stop(struct task_struct *task)
{
	struct kthread *t = kthread_of(task);
	struct rmpsim_kernel *k = rmpsim__k_get();
	might_sleep();
	t->should_stop = true;
	if (!t->proc) { /* never woken: Linux returns -EINTR without running it */
		t->exited = true;
		t->ret = -EINTR;
	} else if (!t->exited) {
		rmpsim_sim_wake(k->sim, t->proc);
	}
	wait_event(t->exit_wait, t->exited);
	int ret = t->ret;
	struct kthread **pp = &k->kthreads;
	while (*pp && *pp != t)
		pp = &(*pp)->next;
	if (*pp)
		*pp = t->next;
	rmpsim__k_free(t, sizeof(*t));
	return ret;
}

/*
 * `current` (A384): the calling process's task (a kthread's own; another
 * process's made at first use and kept for the boot); in a handler, the task
 * the interrupt came in on or the CPU's idle task.
 */
static int idle_tasks_init(struct rmpsim_kernel *k);

struct task_struct *rmpsim__k_current(void)
{
	struct rmpsim_kernel *k = rmpsim__k_get();
	struct rmpsim_proc *p = rmpsim_sim_current(k->sim);
	if (!p) {
		unsigned cpu = rmpsim_sim_cpu(k->sim);
		if (cpu >= k->ncpus || (!k->idle_tasks && idle_tasks_init(k)))
			return NULL;
		return &k->idle_tasks[cpu];
	}
	struct kthread *kt = kthread_of_current(k);
	if (kt)
		return &kt->task;
	for (struct task_struct *t = k->tasks; t; t = t->rmpsim_next)
		if (t->rmpsim_proc == p)
			return t;
	struct task_struct *t = rmpsim__k_alloc(sizeof(*t));
	if (!t)
		return NULL;
	*t = (struct task_struct){ .pid = (int)rmpsim_proc_id(p) + 1,
				   .rmpsim_proc = p,
				   .rmpsim_next = k->tasks };
	const char *name = rmpsim_proc_name(p);
	size_t n = strnlen(name, sizeof(t->comm) - 1);
	memcpy(t->comm, name, n);
	t->comm[n] = '\0';
	k->tasks = t;
	return t;
}

static int idle_tasks_init(struct rmpsim_kernel *k)
{
	k->idle_tasks = rmpsim__k_alloc(k->ncpus * sizeof(*k->idle_tasks));
	if (!k->idle_tasks)
		return -ENOMEM;
	for (unsigned c = 0; c < k->ncpus; c++) {
		k->idle_tasks[c] = (struct task_struct){ .pid = 0 };
		snprintf(k->idle_tasks[c].comm, sizeof(k->idle_tasks[c].comm), "swapper/%u", c % 100000u);
	}
	return 0;
}

void rmpsim__k_tasks_destroy(struct rmpsim_kernel *k)
{
	while (k->kthreads) {
		struct kthread *t = k->kthreads;
		k->kthreads = t->next;
		rmpsim__k_free(t, sizeof(*t));
	}
	while (k->tasks) {
		struct task_struct *t = k->tasks;
		k->tasks = t->rmpsim_next;
		rmpsim__k_free(t, sizeof(*t));
	}
	if (k->idle_tasks)
		rmpsim__k_free(k->idle_tasks, k->ncpus * sizeof(*k->idle_tasks));
	k->idle_tasks = NULL;
}
