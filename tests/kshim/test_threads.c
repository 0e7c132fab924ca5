/* SPDX-License-Identifier: MIT */
/*
 * The process-wide run lock (rmpsim/kshim.h): kernels created from several
 * threads run one at a time, each with its statics reset, and give the same
 * results as a lone run. Suite 'threads' (TSan).
 */
#include "kshim_test.h"

#include <pthread.h>

#include <linux/delay.h>
#include <linux/init.h>
#include <linux/workqueue.h>

static int k_runs; /* a kernel static: reset at every boot */
static void k_reset(void)
{
	k_runs = 0;
}
RMPSIM_KERNEL_RESET(k_reset);

static void work_fn(struct work_struct *w)
{
	(void)w;
	k_runs++;
}
static DECLARE_DELAYED_WORK(k_work, work_fn);

static void boot_fn(void *arg)
{
	int *out = arg;
	for (int i = 0; i < 3; i++) {
		mod_delayed_work(system_wq, &k_work, msecs_to_jiffies(5));
		msleep(1);
	}
	msleep(50);
	*out = k_runs;
}

static void *thread_main(void *arg)
{
	int *results = arg;
	for (int round = 0; round < 4; round++) {
		struct rmpsim_sim *sim = bare_sim(4);
		struct rmpsim_kernel *k;
		if (rmpsim_kernel_create(NULL, sim, &k) == 0) {
			rmpsim_kernel_boot(k, boot_fn, &results[round]);
			rmpsim_sim_run(sim);
			rmpsim_kernel_destroy(k);
		}
		rmpsim_sim_destroy(sim);
	}
	return NULL;
}

static void kernels_from_many_threads_run_one_at_a_time(void **state)
{
	(void)state;
	pthread_t th[3];
	int results[3][4] = { { 0 } };
	for (int i = 0; i < 3; i++)
		assert_int_equal(pthread_create(&th[i], NULL, thread_main, results[i]), 0);
	for (int i = 0; i < 3; i++)
		pthread_join(th[i], NULL);
	/* Each boot saw exactly one run of the thrice re-armed work. */
	for (int i = 0; i < 3; i++)
		for (int r = 0; r < 4; r++)
			assert_int_equal(results[i][r], 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(kernels_from_many_threads_run_one_at_a_time),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
