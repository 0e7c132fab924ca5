/* SPDX-License-Identifier: MIT */
/*
 * The shim's second round of Linux APIs (issue 12 item 3), each against what
 * Linux does: IS_ENABLED, array_index_nospec, completions and wait queues
 * (wake-ups and timeouts on jiffy ticks), kthreads (created stopped, stop
 * returns threadfn's value), timer_list, per-CPU variables, nodes,
 * cpuhp_setup_state (callbacks on each CPU, and at hotplug), RCU grace
 * periods (covers: A229), debugfs + seq_file, dump_stack, wrmsrq_on_cpus, cpu_relax.
 */
#include "kshim_test.h"

#include <string.h>

#include <asm/msr.h>
#include <asm/processor.h>
#include <linux/completion.h>
#include <linux/configfs.h>
#include <linux/cpu.h>
#include <linux/cpuhotplug.h>
#include <linux/debugfs.h>
#include <linux/delay.h>
#include <linux/kernel.h>
#include <linux/kthread.h>
#include <linux/list.h>
#include <linux/mm.h>
#include <linux/ktime.h>
#include <linux/nodemask.h>
#include <linux/nospec.h>
#include <linux/percpu.h>
#include <linux/rcupdate.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <linux/timer.h>
#include <linux/wait.h>

#include <linux/amd-iommu.h>
#include <linux/iommu.h>
#include "assert_eq.h"

#define NCPU 8

static uint64_t now_ps(void)
{
	return (uint64_t)ktime_get_ns() * 1000;
}

static void run_kernel(struct rmpsim_sim *sim, void (*fn)(void *), void *arg, struct rmpsim_kernel **ret_k)
{
	assert_int_equal(rmpsim_kernel_create(NULL, sim, ret_k), 0);
	assert_int_equal(rmpsim_kernel_boot(*ret_k, fn, arg), 0);
	assert_int_equal(rmpsim_sim_run(sim), 0);
}

static void done(struct rmpsim_kernel *k, struct rmpsim_sim *sim)
{
	struct rmpsim_kernel_stats ks;
	rmpsim_kernel_stats(k, &ks);
	assert_int_equal(ks.bugs, 0);
	assert_int_equal(ks.warnings, 0);
	rmpsim_kernel_destroy(k);
	rmpsim_sim_destroy(sim);
}

#define CONFIG_RMPSIM_TEST_OFF_BY_DEFAULT_MODULE 1

static void config_and_nospec(void **state)
{
	(void)state;
	assert_int_equal(IS_ENABLED(CONFIG_SMP), 1);
	assert_int_equal(IS_ENABLED(CONFIG_AMD_MEM_ENCRYPT), 1);
	assert_int_equal(IS_ENABLED(CONFIG_NOT_A_REAL_OPTION), 0);
	assert_int_equal(IS_BUILTIN(CONFIG_RMPSIM_TEST_OFF_BY_DEFAULT), 0);
	assert_int_equal(IS_MODULE(CONFIG_RMPSIM_TEST_OFF_BY_DEFAULT), 1);
#if !IS_ENABLED(CONFIG_X86_64)
	fail();
#endif
	for (unsigned long i = 0; i < 20; i++)
		assert_int_equal(array_index_nospec(i, 10ul), i < 10 ? i : 0);
	assert_true(amd_iommu_snp_en);
	assert_int_equal(amd_iommu_snp_enable(), 0);
}

/* ---- completions and wait queues ---- */

static struct completion g_done;
static DECLARE_WAIT_QUEUE_HEAD(g_wq);
static int g_flag;
static uint64_t g_t[8];
static unsigned long g_left[4];

static void completer(void *arg)
{
	(void)arg;
	msleep(5); /* wakes at tick 6 */
	complete(&g_done);
	msleep(5);
	g_flag = 1;
	wake_up(&g_wq);
}

static void waiter_main(void *arg)
{
	struct rmpsim_kernel *k = arg;
	init_completion(&g_done);
	g_flag = 0;
	rmpsim_kernel_spawn(k, "completer", 2, completer, NULL);
	g_left[0] = wait_for_completion_timeout(&g_done, 2); /* times out at tick 2 */
	g_t[0] = now_ps();
	wait_for_completion(&g_done);
	g_t[1] = now_ps();
	assert_false(try_wait_for_completion(&g_done)); /* the one count was taken */
	g_left[1] = wait_event_timeout(g_wq, g_flag == 1, 100);
	g_t[2] = now_ps();
	complete_all(&g_done);
	g_left[2] = completion_done(&g_done) && try_wait_for_completion(&g_done) &&
		    try_wait_for_completion(&g_done);
}

static void completion_and_waitqueue(void **state)
{
	(void)state;
	struct rmpsim_sim *sim = bare_sim(NCPU);
	struct rmpsim_kernel *k;
	assert_int_equal(rmpsim_kernel_create(NULL, sim, &k), 0);
	assert_int_equal(rmpsim_kernel_boot(k, waiter_main, k), 0);
	assert_int_equal(rmpsim_sim_run(sim), 0);
	assert_int_equal(g_left[0], 0);
	ASSERT_EQ(g_t[0], 2 * T_TICK);
	ASSERT_EQ(g_t[1], 6 * T_TICK); /* msleep(5) from tick 0: 5 + 1 ticks */
	ASSERT_EQ(g_t[2], 12 * T_TICK);
	/* woken at tick 12, having started waiting at tick 6 with 100 jiffies: 94 left */
	assert_int_equal(g_left[1], 94);
	assert_int_equal(g_left[2], 1); /* complete_all: every wait passes */
	done(k, sim);
}

/* ---- kthreads ---- */

static int g_loops;

static int thread_fn(void *data)
{
	int *seen_cpu = data;
	*seen_cpu = smp_processor_id();
	while (!kthread_should_stop()) {
		g_loops++;
		set_current_state(TASK_INTERRUPTIBLE);
		schedule();
	}
	return 77;
}

static void kthread_main(void *arg)
{
	int *r = arg;
	struct task_struct *t = kthread_create(thread_fn, &r[0], "worker/%d", 3);
	kthread_bind(t, 5);
	msleep(1);
	r[1] = g_loops; /* created stopped: has not run */
	wake_up_process(t);
	msleep(1);
	r[2] = g_loops;
	wake_up_process(t);
	msleep(1);
	r[3] = g_loops;
	r[4] = kthread_stop(t);
	struct task_struct *t2 = kthread_run(thread_fn, &r[5], "run");
	msleep(1);
	r[6] = kthread_stop(t2);
	/* stopped before it ever ran: -EINTR, threadfn never called */
	r[7] = kthread_stop(kthread_create(thread_fn, &r[8], "never"));
}

static void kthreads(void **state)
{
	(void)state;
	int r[9] = { -1, -1, -1, -1, -1, -1, -1, -1, -1 };
	struct rmpsim_sim *sim = bare_sim(NCPU);
	struct rmpsim_kernel *k;
	run_kernel(sim, kthread_main, r, &k);
	assert_int_equal(r[0], 5);
	assert_int_equal(r[1], 0);
	assert_int_equal(r[2], 1);
	assert_int_equal(r[3], 2);
	assert_int_equal(r[4], 77);
	assert_int_equal(r[6], 77);
	assert_int_equal(r[7], -EINTR);
	assert_int_equal(r[8], -1);
	done(k, sim);
}

/* ---- timers, RCU ---- */

struct tstate {
	struct timer_list timer;
	uint64_t fired_at;
	int fired;
};
static struct tstate g_ts;
static struct rcu_head g_rcu;
static uint64_t g_rcu_at;

static void timer_fn(struct timer_list *t)
{
	struct tstate *s = from_timer(s, t, timer);
	s->fired++;
	s->fired_at = now_ps();
}

static void rcu_cb(struct rcu_head *h)
{
	(void)h;
	g_rcu_at = now_ps();
}

struct boxed {
	int v;
	struct rcu_head rcu;
};

static void timer_main(void *arg)
{
	uint64_t *t = arg;
	timer_setup(&g_ts.timer, timer_fn, 0);
	mod_timer(&g_ts.timer, jiffies + 3);
	t[0] = timer_pending(&g_ts.timer);
	msleep(10);
	/* re-armed then deleted: never fires */
	mod_timer(&g_ts.timer, jiffies + 3);
	t[1] = del_timer(&g_ts.timer);
	t[2] = del_timer(&g_ts.timer);
	/* RCU: a grace period ends at the next tick */
	udelay(300);
	t[3] = now_ps();
	synchronize_rcu();
	t[4] = now_ps();
	call_rcu(&g_rcu, rcu_cb);
	struct boxed *b = kmalloc(sizeof(*b), GFP_KERNEL);
	rcu_read_lock();
	t[5] = rcu_dereference(b) == b;
	rcu_read_unlock();
	kfree_rcu(b, rcu); /* ASan: no leak, no double free */
	rcu_barrier();
	t[6] = now_ps();
}

static void timers_and_rcu(void **state)
{
	(void)state;
	uint64_t t[8] = { 0 };
	memset(&g_ts, 0, sizeof(g_ts));
	struct rmpsim_sim *sim = bare_sim(NCPU);
	struct rmpsim_kernel *k;
	run_kernel(sim, timer_main, t, &k);
	assert_int_equal(t[0], 1);
	assert_int_equal(g_ts.fired, 1);
	ASSERT_EQ(g_ts.fired_at, 3 * T_TICK);
	assert_int_equal(t[1], 1);
	assert_int_equal(t[2], 0);
	ASSERT_EQ(t[4], (t[3] / T_TICK + 1) * T_TICK);
	ASSERT_EQ(g_rcu_at, t[4] + T_TICK);
	assert_int_equal(t[5], 1);
	assert_true(t[6] >= g_rcu_at);
	done(k, sim);
}

/* ---- per-CPU, nodes, cpuhp ---- */

static DEFINE_PER_CPU(int, pcpu_hits);
static int g_started[NCPU], g_stopped[NCPU];

static void count_here(void *info)
{
	(void)info;
	this_cpu_inc(pcpu_hits);
}

static int hp_up(unsigned int cpu)
{
	g_started[cpu] += smp_processor_id() == (int)cpu; /* on that CPU */
	return 0;
}

static int hp_down(unsigned int cpu)
{
	g_stopped[cpu] += smp_processor_id() == (int)cpu;
	return 0;
}

static void percpu_main(void *arg)
{
	int *r = arg;
	int cpu;
	for_each_online_cpu(cpu) per_cpu(pcpu_hits, cpu) = 0;
	on_each_cpu(count_here, NULL, 1);
	on_each_cpu(count_here, NULL, 1);
	int sum = 0;
	for_each_online_cpu(cpu) sum += *per_cpu_ptr(&pcpu_hits, cpu);
	r[0] = sum;
	int(*dyn)[NR_CPUS] = alloc_percpu(int);
	*per_cpu_ptr(dyn, 3) = 42;
	r[1] = (*dyn)[3];
	free_percpu(dyn);
	int node, n = 0;
	for_each_node(node) n += cpumask_weight(cpumask_of_node(node));
	r[2] = n;
	r[3] = num_online_nodes();
	int st = cpuhp_setup_state(CPUHP_AP_ONLINE_DYN, "test:online", hp_up, hp_down);
	r[4] = st > 0;
	r[5] = remove_cpu(6);
	r[6] = add_cpu(6);
	cpuhp_remove_state(st);
}

static void percpu_nodes_cpuhp(void **state)
{
	(void)state;
	int r[8] = { 0 };
	memset(g_started, 0, sizeof(g_started));
	memset(g_stopped, 0, sizeof(g_stopped));
	struct rmpsim_sim_topology topo = { .ncpus = NCPU, .threads_per_core = 2, .nodes = 2 };
	struct rmpsim_profile p = test_profile();
	struct rmpsim_sim *sim = NULL;
	assert_int_equal(rmpsim_sim_create_bare(NULL, &topo, &p, 1, &sim), 0);
	struct rmpsim_kernel *k;
	run_kernel(sim, percpu_main, r, &k);
	assert_int_equal(r[0], 2 * NCPU);
	assert_int_equal(r[1], 42);
	assert_int_equal(r[2], NCPU); /* every CPU on exactly one node */
	assert_int_equal(r[3], 2);
	assert_int_equal(r[4], 1);
	assert_int_equal(r[5], 0);
	assert_int_equal(r[6], 0);
	for (int c = 0; c < NCPU; c++) {
		/* startup at setup (+ once more for 6 at add_cpu), teardown at remove */
		assert_int_equal(g_started[c], c == 6 ? 2 : 1);
		assert_int_equal(g_stopped[c], c == 6 ? 2 : 1);
	}
	done(k, sim);
}

/* ---- debugfs, dump_stack, cpu_relax ---- */

static int table_show(struct seq_file *m, void *v)
{
	int *n = m->private;
	for (int i = 0; i < *n; i++)
		seq_printf(m, "Memory @%3dGB: CPU(s): none\n", i);
	seq_puts(m, "end");
	seq_putc(m, '\n');
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(table);

static int g_rows = 3;

static struct rmpsim_kernel *rmpsim__k_debug_kernel;

static void debugfs_main(void *arg)
{
	struct rmpsim_kernel *k = rmpsim__k_debug_kernel;
	long *r = arg;
	struct dentry *dir = debugfs_create_dir("x86", NULL);
	struct dentry *sub = debugfs_create_dir("rmpopt", dir);
	debugfs_create_file("rmpopt-table", 0444, sub, &g_rows, &table_fops);
	r[0] = IS_ERR(debugfs_create_dir("rmpopt", dir)); /* exists */
	static char buf[4096];
	r[1] = rmpsim_kernel_debugfs_read(k, "x86/rmpopt/rmpopt-table", buf, sizeof(buf));
	r[2] = !strcmp(buf, "Memory @  0GB: CPU(s): none\nMemory @  1GB: CPU(s): none\n"
			    "Memory @  2GB: CPU(s): none\nend\n");
	r[3] = rmpsim_kernel_debugfs_read(k, "x86/nothing", buf, sizeof(buf));
	debugfs_remove_recursive(dir);
	r[4] = rmpsim_kernel_debugfs_read(k, "x86/rmpopt/rmpopt-table", buf, sizeof(buf));
	dump_stack();
	/* covers: A85 (one cpu_relax() is one 20 ns spin step of busy time) */
	uint64_t t0 = now_ps();
	for (int i = 0; i < 5; i++)
		cpu_relax();
	r[5] = (long)(now_ps() - t0);
}

static void debugfs_and_friends(void **state)
{
	(void)state;
	long r[8] = { 0 };
	struct rmpsim_sim *sim = bare_sim(NCPU);
	struct rmpsim_kernel *k;
	assert_int_equal(rmpsim_kernel_create(NULL, sim, &k), 0);
	rmpsim__k_debug_kernel = k;
	assert_int_equal(rmpsim_kernel_boot(k, debugfs_main, r), 0);
	assert_int_equal(rmpsim_sim_run(sim), 0);
	assert_int_equal(r[0], 1);
	assert_int_equal(r[1], 3 * 28 + 4);
	assert_int_equal(r[2], 1);
	assert_int_equal(r[3], -ENOENT);
	assert_int_equal(r[4], -ENOENT);
	assert_int_equal(r[5], 5 * 20000);
	size_t len;
	assert_non_null(strstr(rmpsim_kernel_dmesg(k, &len), "Call Trace:"));
	done(k, sim);
}

/* ---- configfs (v1's rmpopt/action) ---- */

static int g_action;

static ssize_t rmpopt_action_show(struct config_item *item, char *page)
{
	return sprintf(page, "RMP optimization in progress: %s\n", g_action ? "Yes" : "No");
}

static ssize_t rmpopt_action_store(struct config_item *item, const char *page, size_t count)
{
	if (count < 1 || page[0] != '1')
		return -EINVAL;
	g_action = 1;
	return (ssize_t)count;
}

static ssize_t rmpopt_description_show(struct config_item *item, char *page)
{
	return sprintf(page, "%s group\n", to_config_group(item)->cg_item.ci_namebuf);
}

CONFIGFS_ATTR(rmpopt_, action);
CONFIGFS_ATTR_RO(rmpopt_, description);

static struct configfs_attribute *rmpopt_attrs[] = { &rmpopt_attr_action, &rmpopt_attr_description, NULL };
static const struct config_item_type rmpopt_type = { .ct_attrs = rmpopt_attrs };
static struct configfs_subsystem rmpopt_subsys;

static void configfs_main(void *arg)
{
	struct rmpsim_kernel *k = rmpsim__k_debug_kernel;
	long *r = arg;
	static char buf[256];
	g_action = 0;
	config_group_init_type_name(&rmpopt_subsys.su_group, "rmpopt", &rmpopt_type);
	mutex_init(&rmpopt_subsys.su_mutex);
	r[0] = configfs_register_subsystem(&rmpopt_subsys);
	r[1] = rmpsim_kernel_configfs_show(k, "rmpopt/action", buf, sizeof(buf));
	r[2] = !strcmp(buf, "RMP optimization in progress: No\n");
	r[3] = rmpsim_kernel_configfs_store(k, "rmpopt/action", "2", 1);
	r[4] = rmpsim_kernel_configfs_store(k, "rmpopt/action", "1\n", 2);
	rmpsim_kernel_configfs_show(k, "rmpopt/action", buf, sizeof(buf));
	r[5] = !strcmp(buf, "RMP optimization in progress: Yes\n");
	r[6] = rmpsim_kernel_configfs_store(k, "rmpopt/description", "x", 1);
	rmpsim_kernel_configfs_show(k, "rmpopt/description", buf, sizeof(buf));
	r[7] = !strcmp(buf, "rmpopt group\n");
	configfs_unregister_subsystem(&rmpopt_subsys);
	r[8] = rmpsim_kernel_configfs_show(k, "rmpopt/action", buf, sizeof(buf));
}

static void configfs_attributes(void **state)
{
	(void)state;
	long r[9] = { 0 };
	struct rmpsim_sim *sim = bare_sim(NCPU);
	struct rmpsim_kernel *k;
	assert_int_equal(rmpsim_kernel_create(NULL, sim, &k), 0);
	rmpsim__k_debug_kernel = k;
	assert_int_equal(rmpsim_kernel_boot(k, configfs_main, r), 0);
	assert_int_equal(rmpsim_sim_run(sim), 0);
	assert_int_equal(r[0], 0);
	assert_int_equal(r[1], 33);
	assert_int_equal(r[2], 1);
	assert_int_equal(r[3], -EINVAL);
	assert_int_equal(r[4], 2);
	assert_int_equal(r[5], 1);
	assert_int_equal(r[6], -EACCES);
	assert_int_equal(r[7], 1);
	assert_int_equal(r[8], -ENOENT);
	done(k, sim);
}

/* ---- struct page (covers: A230) ---- */

static LIST_HEAD(g_leaked);

static void page_main(void *arg)
{
	long *r = arg;
	INIT_LIST_HEAD(&g_leaked);
	struct page *a = pfn_to_page(0x12345), *b = pfn_to_page(0x12345), *c = pfn_to_page(0x12345 + 4096);
	r[0] = a == b && a != c;
	r[1] = page_to_pfn(a) == 0x12345 && page_to_phys(c) == PFN_PHYS(0x12345 + 4096ull);
	list_add_tail(&a->buddy_list, &g_leaked);
	list_add_tail(&c->buddy_list, &g_leaked);
	struct page *p;
	unsigned long sum = 0;
	list_for_each_entry(p, &g_leaked, buddy_list) sum += page_to_pfn(p);
	r[2] = sum == 2 * 0x12345 + 4096;
	struct page *head = compound_head(a);
	r[3] = !PageCompound(a) && head == b && phys_to_page(PFN_PHYS(0x12345ull)) == a;
}

static void struct_page(void **state)
{
	(void)state;
	long r[4] = { 0 };
	struct rmpsim_sim *sim = bare_sim(NCPU);
	struct rmpsim_kernel *k;
	run_kernel(sim, page_main, r, &k);
	for (int i = 0; i < 4; i++)
		assert_int_equal(r[i], 1);
	done(k, sim);
}

/* ---- current and page_address (A384) ---- */

struct seen_task {
	int pid;
	char comm[TASK_COMM_LEN];
	const struct task_struct *task;
};

static void note_current(struct seen_task *s)
{
	struct task_struct *t = current;
	s->task = t;
	s->pid = t ? t->pid : -1;
	snprintf(s->comm, sizeof(s->comm), "%s", t ? t->comm : "(null)");
}

static void current_in_handler(void *arg)
{
	note_current(arg);
}

static int current_in_kthread(void *arg)
{
	note_current(arg);
	return 0;
}

static void task_main(void *arg)
{
	struct seen_task *s = arg;
	note_current(&s[0]);
	s[1].task = current; /* the same task every time */
	struct cpumask one;
	cpumask_clear(&one);
	cpumask_set_cpu(2, &one); /* CPU 2 is idle: its handler runs on the idle task */
	on_each_cpu_mask(&one, current_in_handler, &s[2], true);
	struct task_struct *kt = kthread_run(current_in_kthread, &s[3], "a-very-long-kthread-name");
	msleep(1);
	s[4].task = kt;
	kthread_stop(kt);
	/* page_address: zeroed, writable, the same for the same page, different for another */
	struct page *p = pfn_to_page(0x4242), *q = pfn_to_page(0x4243);
	unsigned char *a = page_address(p);
	int zero = 1;
	for (size_t i = 0; a && i < PAGE_SIZE; i++)
		zero &= a[i] == 0;
	if (a)
		memset(a, 0xab, PAGE_SIZE);
	unsigned char *b = page_address(p), *c = page_address(q);
	s[5].pid = a && zero && b == a && b[PAGE_SIZE - 1] == 0xab && c && c != a && c[0] == 0;
}

static void current_and_page_address(void **state)
{
	(void)state;
	struct seen_task s[6];
	memset(s, 0, sizeof(s));
	struct rmpsim_sim *sim = bare_sim(NCPU);
	struct rmpsim_kernel *k;
	run_kernel(sim, task_main, s, &k);
	/* the boot process: its sim name and id + 1, as --ftrace shows it */
	assert_int_equal(s[0].pid, 1);
	assert_string_equal(s[0].comm, "init");
	assert_ptr_equal(s[0].task, s[1].task);
	assert_int_equal(s[2].pid, 0);
	assert_string_equal(s[2].comm, "swapper/2");
	/* a kthread's current is the task kthread_create gave; comm cut to 15 characters */
	assert_ptr_equal(s[3].task, s[4].task);
	assert_string_equal(s[3].comm, "a-very-long-kth");
	assert_true(s[3].pid > 1);
	assert_int_equal(s[5].pid, 1);
	done(k, sim);
}

/* ---- wrmsrq_on_cpus ---- */

static void msr_main(void *arg)
{
	u64 *r = arg;
	wrmsrq_on_cpus(cpu_online_mask, MSR_AMD64_RMPOPT_BASE, SZ_1G | 1);
	for (unsigned cpu = 0; cpu < 4; cpu++)
		rdmsrq_on_cpu(cpu, MSR_AMD64_RMPOPT_BASE, &r[cpu]);
}

static void msr_on_all_cpus(void **state)
{
	(void)state;
	struct world w;
	struct world_spec ws = { .nodes = 1, .mem_per_node = 4ull << 30, .snp_en = true, .snp_init = true };
	u64 r[4] = { 0 };
	world_up_spec(&w, &ws);
	assert_int_equal(rmpsim_kernel_boot(w.k, msr_main, r), 0);
	assert_int_equal(rmpsim_sim_run(w.sim), 0);
	for (int c = 0; c < 4; c++)
		ASSERT_EQ(r[c], (SZ_1G | 1));
	world_down(&w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(config_and_nospec),  cmocka_unit_test(completion_and_waitqueue),
		cmocka_unit_test(kthreads),	      cmocka_unit_test(timers_and_rcu),
		cmocka_unit_test(percpu_nodes_cpuhp), cmocka_unit_test(debugfs_and_friends),
		cmocka_unit_test(msr_on_all_cpus),    cmocka_unit_test(configfs_attributes),
		cmocka_unit_test(struct_page),	      cmocka_unit_test(current_and_page_address),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
