/* SPDX-License-Identifier: MIT */
/* Kernel threads (<linux/kthread.h>) as sim processes. */
#include <stdarg.h>
#include <stdio.h>

#include "kshim/kshim.h"

#include <linux/err.h>
#include <linux/kthread.h>
#include <linux/bug.h>
#include <linux/sched.h>
#include <linux/wait.h>

struct task_struct {
	struct rmpsim_kernel *k;
	int (*fn)(void *data);
	void *data;
	struct rmpsim_proc *proc;
	unsigned cpu; /* RMPSIM_CPU_ANY or kthread_bind()'s */
	bool woken, should_stop, exited;
	int ret;
	wait_queue_head_t exit_wait;
	char comm[32];
	struct task_struct *next; /* the kernel's list (freed with it) */
};

static struct task_struct *task_of_current(struct rmpsim_kernel *k)
{
	struct rmpsim_proc *p = rmpsim_sim_current(k->sim);
	for (struct task_struct *t = k->tasks; p && t; t = t->next)
		if (t->proc == p)
			return t;
	return NULL;
}

static void kthread_main(struct rmpsim_sim *sim, void *arg)
{
	struct task_struct *t = arg;
	while (!t->woken) /* created stopped: runs once woken */
		rmpsim_sim_block(sim);
	t->ret = t->fn(t->data);
	t->exited = true;
	wake_up_all(&t->exit_wait);
}

static int start(struct task_struct *t)
{
	struct rmpsim_proc_attr attr = { .name = t->comm, .cpu = t->cpu };
	return rmpsim_sim_spawn(t->k->sim, &attr, kthread_main, t, &t->proc);
}

struct task_struct *rmpsim__k_kthread_create(int (*threadfn)(void *data), void *data, const char *namefmt,
					     ...)
{
	struct rmpsim_kernel *k = rmpsim__k_get();
	struct task_struct *t = rmpsim__k_alloc(sizeof(*t));
	if (!t)
		return ERR_PTR(-ENOMEM);
	*t = (struct task_struct){ .k = k, .fn = threadfn, .data = data, .cpu = RMPSIM_CPU_ANY };
	init_waitqueue_head(&t->exit_wait);
	va_list ap;
	va_start(ap, namefmt);
	rmpsim__k_vsnprintf(t->comm, sizeof(t->comm), namefmt, ap);
	va_end(ap);
	t->next = k->tasks;
	k->tasks = t;
	return t;
}

void kthread_bind(struct task_struct *t, unsigned int cpu)
{
	if (t->proc) {
		rmpsim__k_warn(__FILE__, __LINE__, "kthread_bind", "kthread_bind of a running thread %s\n",
			       t->comm);
		return;
	}
	if (cpu < t->k->ncpus)
		t->cpu = cpu;
}

int wake_up_process(struct task_struct *t)
{
	if (t->exited)
		return 0;
	if (!t->proc) { /* first wake: the thread starts */
		t->woken = true;
		if (start(t)) {
			rmpsim__k_report_bug("BUG: cannot start kthread %s", t->comm);
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
	struct task_struct *t = task_of_current(rmpsim__k_get());
	return t && t->should_stop;
}

int kthread_stop(struct task_struct *t)
{
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
	struct task_struct **pp = &k->tasks;
	while (*pp && *pp != t)
		pp = &(*pp)->next;
	if (*pp)
		*pp = t->next;
	rmpsim__k_free(t, sizeof(*t));
	return ret;
}

void rmpsim__k_tasks_destroy(struct rmpsim_kernel *k)
{
	while (k->tasks) {
		struct task_struct *t = k->tasks;
		k->tasks = t->next;
		rmpsim__k_free(t, sizeof(*t));
	}
}
