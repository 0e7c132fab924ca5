/* SPDX-License-Identifier: MIT */
/*
 * Locks and CPU hotplug: mutexes block and hand over in FIFO order,
 * guard()/scoped_guard() unlock at scope exit, a contended spinlock spins
 * until released, cpu_hotplug_disable() makes add/remove_cpu return -EBUSY,
 * and remove_cpu() waits for cpus_read_lock() holders.
 */
#include "kshim_test.h"

#include <string.h>

#include <linux/cpu.h>
#include <linux/delay.h>
#include <linux/ktime.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>

#include "kshim/kshim.h"
#include "assert_eq.h"

static DEFINE_MUTEX(test_mutex);
static DEFINE_SPINLOCK(test_lock);

struct log {
	int order[8];
	int n;
	uint64_t t[8];
	int ret[8];
	bool held_in_scope, held_after_scope;
};
static struct log lg;

static uint64_t now_ps(void)
{
	return (uint64_t)ktime_get_ns() * 1000;
}

/* Three tasks on CPUs 0, 1, 2: A holds the mutex for 5 ms (sleeping), B asks
 * at 1 ms, C at 2 ms; they get it in that order, each when the previous unlocks. */
static void task_a(void *arg)
{
	(void)arg;
	mutex_lock(&test_mutex);
	lg.order[lg.n++] = 0;
	msleep(4); /* wakes at the tick 5 (from just after 0) */
	lg.t[0] = now_ps();
	mutex_unlock(&test_mutex);
}

static void task_b(void *arg)
{
	(void)arg;
	usleep_range(1000, 1000);
	lg.ret[0] = mutex_trylock(&test_mutex); /* held by A */
	guard(mutex)(&test_mutex);
	lg.t[1] = now_ps();
	lg.order[lg.n++] = 1;
	usleep_range(500, 500);
}

static void task_c(void *arg)
{
	(void)arg;
	usleep_range(2000, 2000);
	scoped_guard(mutex, &test_mutex)
	{
		lg.t[2] = now_ps();
		lg.order[lg.n++] = 2;
		lg.held_in_scope = mutex_is_locked(&test_mutex);
	}
	lg.held_after_scope = mutex_is_locked(&test_mutex);
}

static struct rmpsim_kernel *up(struct rmpsim_sim **sim)
{
	struct rmpsim_kernel *k;
	memset(&lg, 0, sizeof(lg));
	*sim = bare_sim(8);
	assert_int_equal(rmpsim_kernel_create(NULL, *sim, &k), 0);
	return k;
}

static void down(struct rmpsim_kernel *k, struct rmpsim_sim *sim)
{
	struct rmpsim_kernel_stats ks;
	rmpsim_kernel_stats(k, &ks);
	assert_int_equal(ks.bugs, 0);
	rmpsim_kernel_destroy(k);
	rmpsim_sim_destroy(sim);
}

static void mutex_blocks_and_hands_over_in_fifo_order(void **state)
{
	(void)state;
	struct rmpsim_sim *sim;
	struct rmpsim_kernel *k = up(&sim);
	assert_int_equal(rmpsim_kernel_spawn(k, "a", 0, task_a, NULL), 0);
	assert_int_equal(rmpsim_kernel_spawn(k, "b", 1, task_b, NULL), 0);
	assert_int_equal(rmpsim_kernel_spawn(k, "c", 2, task_c, NULL), 0);
	assert_int_equal(rmpsim_sim_run(sim), 0);
	assert_int_equal(lg.n, 3);
	for (int i = 0; i < 3; i++)
		assert_int_equal(lg.order[i], i);
	assert_int_equal(lg.ret[0], 0);
	/* A locked at T_MUTEX, slept 4 ms from there: until tick 5. */
	ASSERT_EQ(lg.t[0], 5 * T_TICK);
	/* B got it at A's unlock; C at B's unlock (guard released at scope end). */
	ASSERT_EQ(lg.t[1], lg.t[0]);
	ASSERT_EQ(lg.t[2], lg.t[1] + RMPSIM_US(500));
	assert_true(lg.held_in_scope);
	assert_false(lg.held_after_scope);
	down(k, sim);
}

static void spin_a(void *arg)
{
	(void)arg;
	unsigned long flags;
	spin_lock_irqsave(&test_lock, flags);
	udelay(10);
	lg.t[0] = now_ps();
	spin_unlock_irqrestore(&test_lock, flags);
}

static void spin_b(void *arg)
{
	(void)arg;
	spin_lock(&test_lock);
	lg.t[1] = now_ps();
	spin_unlock(&test_lock);
}

/* covers: A85 (spinning in SPIN_STEP quanta) */
static void contended_spinlock_spins_until_released(void **state)
{
	(void)state;
	struct rmpsim_sim *sim;
	struct rmpsim_kernel *k = up(&sim);
	assert_int_equal(rmpsim_kernel_spawn(k, "a", 0, spin_a, NULL), 0);
	assert_int_equal(rmpsim_kernel_spawn(k, "b", 1, spin_b, NULL), 0);
	assert_int_equal(rmpsim_sim_run(sim), 0);
	ASSERT_EQ(lg.t[0], RMPSIM_US(10));
	assert_true(lg.t[1] >= lg.t[0] && lg.t[1] <= lg.t[0] + RMPSIM_NS(20));
	/* B was busy while spinning. */
	struct rmpsim_cpu_stats st;
	assert_int_equal(rmpsim_sim_cpu_stats(sim, 1, &st), 0);
	assert_true(st.busy_ps >= RMPSIM_US(10));
	down(k, sim);
}

static void reader(void *arg)
{
	(void)arg;
	guard(cpus_read_lock)();
	msleep(2);
	lg.t[0] = now_ps();
}

static void hotplugger(void *arg)
{
	(void)arg;
	usleep_range(100, 100);
	cpu_hotplug_disable();
	cpu_hotplug_disable();
	lg.ret[0] = remove_cpu(3);
	cpu_hotplug_enable();
	lg.ret[1] = add_cpu(3);
	cpu_hotplug_enable();
	lg.ret[2] = remove_cpu(3); /* waits for the reader */
	lg.t[1] = now_ps();
	lg.ret[3] = cpu_online(3);
	lg.ret[4] = (int)num_online_cpus();
	lg.ret[5] = add_cpu(3);
	lg.ret[6] = (int)num_online_cpus();
	lg.ret[7] = remove_cpu(99);
}

/* covers: spec 1.9 (hotplug disabled: -EBUSY) */
static void hotplug_disable_and_cpus_read_lock(void **state)
{
	(void)state;
	struct rmpsim_sim *sim;
	struct rmpsim_kernel *k = up(&sim);
	assert_int_equal(rmpsim_kernel_spawn(k, "r", 0, reader, NULL), 0);
	assert_int_equal(rmpsim_kernel_spawn(k, "h", 1, hotplugger, NULL), 0);
	assert_int_equal(rmpsim_sim_run(sim), 0);
	assert_int_equal(lg.ret[0], -EBUSY);
	assert_int_equal(lg.ret[1], -EBUSY); /* still disabled once */
	assert_int_equal(lg.ret[2], 0);
	ASSERT_EQ(lg.t[1], lg.t[0]); /* the writer got in when the reader left */
	assert_int_equal(lg.ret[3], 0);
	assert_int_equal(lg.ret[4], 7);
	assert_int_equal(lg.ret[5], 0);
	assert_int_equal(lg.ret[6], 8);
	assert_int_equal(lg.ret[7], -EINVAL);
	down(k, sim);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(mutex_blocks_and_hands_over_in_fifo_order),
		cmocka_unit_test(contended_spinlock_spins_until_released),
		cmocka_unit_test(hotplug_disable_and_cpus_read_lock),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
