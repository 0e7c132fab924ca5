// SPDX-License-Identifier: MIT
/*
 * A policy plugin with the kernel bugs a developer makes, one per mode
 * (environment RMPSIM_BAD_MODE): rmpsim must end the run with exit 3 and a
 * message naming the plugin, the function, the simulated CPU and the virtual
 * time, and write no report (tests/host/bad_plugins.sh).
 */
#include <stdlib.h>
#include <string.h>

#include <linux/cpumask.h>
#include <linux/delay.h>
#include <linux/mutex.h>
#include <linux/sched.h>
#include <linux/smp.h>
#include <linux/workqueue.h>

#include <rmpsim/policy.h>

static struct workqueue_struct *bad_wq;
static struct work_struct bad_work;
static DEFINE_MUTEX(bad_mutex);
static const char *mode = "";
static int *volatile nowhere;

static void sleep_in_handler(void *info)
{
	msleep(1);
}

static void mutex_in_handler(void *info)
{
	mutex_lock(&bad_mutex);
	mutex_unlock(&bad_mutex);
}

static void resched_in_handler(void *info)
{
	cond_resched();
}

/* Recursion far deeper than any kernel stack, 1 KiB a frame: it runs off
 * the end of the worker's stack long before the (volatile) bound. */
static volatile int recursion_bound = 1 << 30;

static int deep_recursion(int depth)
{
	volatile char frame[1024];

	frame[depth % sizeof(frame)] = (char)depth;
	if (depth >= recursion_bound)
		return frame[0];
	return deep_recursion(depth + 1) + frame[(depth + 1) % sizeof(frame)];
}

/* A native loop that never calls the kernel: virtual time stands still. */
static volatile unsigned long spins;

static noinline void spin_forever(void)
{
	for (;;)
		spins++;
}

static void bad_work_handler(struct work_struct *work)
{
	if (!strcmp(mode, "msleep-in-ipi"))
		on_each_cpu(sleep_in_handler, NULL, 1);
	else if (!strcmp(mode, "mutex-in-ipi"))
		on_each_cpu(mutex_in_handler, NULL, 1);
	else if (!strcmp(mode, "cond-resched-in-ipi"))
		on_each_cpu(resched_in_handler, NULL, 1);
	else if (!strcmp(mode, "null-deref"))
		*nowhere = 1;
	else if (!strcmp(mode, "abort"))
		abort();
	else if (!strcmp(mode, "stack-overflow"))
		deep_recursion(0);
	else if (!strcmp(mode, "spin-forever"))
		spin_forever();
	else if (!strcmp(mode, "requeue-forever"))
		queue_work(bad_wq, &bad_work);
	else if (!strcmp(mode, "sleep-forever"))
		for (;;)
			msleep(1000000);
}

static int bad_setup(void)
{
	const char *m = getenv("RMPSIM_BAD_MODE");

	mode = m ? m : "";
	bad_wq = alloc_workqueue("bad_wq", WQ_UNBOUND, 1);
	if (!bad_wq)
		return -ENOMEM;
	INIT_WORK(&bad_work, bad_work_handler);
	queue_work(bad_wq, &bad_work);
	return 0;
}

static void bad_trigger(void)
{
}

static void bad_cleanup(void)
{
	if (bad_wq)
		destroy_workqueue(bad_wq);
	bad_wq = NULL;
}

const struct rmpsim_policy_ops rmpsim_policy_plugin = {
	.abi_version = RMPSIM_POLICY_ABI_VERSION,
	.name = "bad-kernel",
	.description = "test: kernel bugs",
	.setup = bad_setup,
	.trigger = bad_trigger,
	.cleanup = bad_cleanup,
};
