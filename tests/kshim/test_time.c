/* SPDX-License-Identifier: MIT */
/*
 * Time: jiffies and HZ from the profile (A81, A82), msleep on the timer
 * wheel, usleep_range (A83), busy udelay, ktime, and the dmesg timestamp.
 */
#include "kshim_test.h"

#include <string.h>

#include <linux/delay.h>
#include <linux/jiffies.h>
#include <linux/kernel.h>
#include <linux/ktime.h>
#include "assert_eq.h"

struct tl {
	uint64_t t[8];
	unsigned long j[4];
	unsigned long conv[4];
};
static struct tl tl;

static uint64_t now_ps(void)
{
	return (uint64_t)ktime_get_ns() * 1000;
}

static void time_main(void *arg)
{
	(void)arg;
	usleep_range(2500, 3000); /* exactly 2.5 ms */
	tl.t[0] = now_ps();
	tl.j[0] = jiffies;
	msleep(10);
	tl.t[1] = now_ps();
	tl.j[1] = jiffies;
	ktime_t a = ktime_get();
	udelay(7);
	tl.t[2] = (uint64_t)ktime_to_ns(ktime_sub(ktime_get(), a));
	tl.conv[0] = msecs_to_jiffies(10000);
	tl.conv[1] = msecs_to_jiffies(10);
	tl.conv[2] = jiffies_to_msecs(3);
	tl.conv[3] = HZ;
	usleep_range(12345678 - 13000 - 7, 0); /* from 13.007 ms to 12.345678 s */
	pr_info("hello %d", 1);		       /* no newline: the record stays open for pr_cont */
	pr_cont("+cont\n");
	pr_warn("second\n");
	pr_debug("not compiled in without DEBUG\n");
}

/* covers: A81, A82, A83, A84 */
static void jiffies_msleep_udelay_at_hz1000(void **state)
{
	(void)state;
	struct rmpsim_sim *sim = bare_sim(2);
	struct rmpsim_kernel *k;
	memset(&tl, 0, sizeof(tl));
	assert_int_equal(rmpsim_kernel_create(NULL, sim, &k), 0);
	assert_int_equal(rmpsim_kernel_boot(k, time_main, NULL), 0);
	assert_int_equal(rmpsim_sim_run(sim), 0);
	ASSERT_EQ(tl.t[0], RMPSIM_US(2500));
	assert_int_equal(tl.j[0], 2);
	/* msleep(10) = schedule_timeout(msecs_to_jiffies(10) + 1): tick 2 + 11. */
	ASSERT_EQ(tl.t[1], 13 * T_TICK);
	assert_int_equal(tl.j[1], 13);
	ASSERT_EQ(tl.t[2], 7000); /* ns */
	assert_int_equal(tl.conv[0], 10000);
	assert_int_equal(tl.conv[1], 10);
	assert_int_equal(tl.conv[2], 3);
	assert_int_equal(tl.conv[3], 1000);
	/* udelay is busy time on the CPU; sleeping is not. */
	struct rmpsim_cpu_stats st;
	assert_int_equal(rmpsim_sim_cpu_stats(sim, 0, &st), 0);
	assert_true(st.busy_ps >= RMPSIM_US(7) && st.busy_ps < RMPSIM_US(8));

	const char *log = rmpsim_kernel_dmesg(k, NULL);
	assert_string_equal(log, "[   12.345678] hello 1+cont\n[   12.345678] second\n");
	rmpsim_kernel_destroy(k);
	rmpsim_sim_destroy(sim);
}

static void conv_main(void *arg)
{
	(void)arg;
	tl.conv[0] = msecs_to_jiffies(10);
	tl.conv[1] = jiffies_to_msecs(3);
	tl.conv[2] = HZ;
	msleep(10); /* 3 + 1 ticks of 4 ms */
	tl.t[0] = now_ps();
}

static void hz_comes_from_the_profile(void **state)
{
	(void)state;
	struct rmpsim_profile p = test_profile();
	p.hz = 250;
	struct rmpsim_sim_topology t = { .ncpus = 2, .threads_per_core = 1, .nodes = 1 };
	struct rmpsim_sim *sim;
	struct rmpsim_kernel *k;
	assert_int_equal(rmpsim_sim_create_bare(NULL, &t, &p, 1, &sim), 0);
	assert_int_equal(rmpsim_kernel_create(NULL, sim, &k), 0);
	assert_int_equal(rmpsim_kernel_boot(k, conv_main, NULL), 0);
	assert_int_equal(rmpsim_sim_run(sim), 0);
	assert_int_equal(tl.conv[0], 3); /* 2.5 rounded up */
	assert_int_equal(tl.conv[1], 12);
	assert_int_equal(tl.conv[2], 250);
	ASSERT_EQ(tl.t[0], 4 * RMPSIM_MS(4));
	rmpsim_kernel_destroy(k);
	rmpsim_sim_destroy(sim);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(jiffies_msleep_udelay_at_hz1000),
		cmocka_unit_test(hz_comes_from_the_profile),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
