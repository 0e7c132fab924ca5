/* SPDX-License-Identifier: MIT */
/*
 * bench_sim pass  [regions] [cpus]  - a leader/follower RMPOPT pass in the sim:
 *     one leader scans every region (cond_resched between), then one IPI round
 *     per region to every other primary thread (cached results). Prints
 *     events, queue dispatches, simulated time, wall time, events per
 *     wall-second, trace hash. RMPSIM_BENCH_UNBATCHED=1 in the environment runs
 *     the unbatched IPI path (rmpsim_sim_set_ipi_batching) for comparison.
 * bench_sim queue [regions] [cpus] [ops] [heap|sorted|both] [n] - the same
 *     pass's queue statistics (size, delay distribution), then the "hold"
 *     model on the 4-ary heap with that size (or n) and delays drawn from that
 *     distribution (ns-3 style), and the same on a sorted array as a
 *     baseline. Prints a checksum.
 * Deterministic; compare runs by instruction counts (callgrind), not by time.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <rmpsim/machine.h>
#include <rmpsim/sim.h>

#include "base/hash.h"
#include "base/rng.h"
#include "sim/heap.h"

struct pass {
	unsigned regions, cpus;
	unsigned long *followers;
};

static void follower(struct rmpsim_sim *s, unsigned cpu, void *arg)
{
	(void)cpu;
	(void)arg;
	struct rmpsim_verify v = { .region = 0, .first_busy = -1 }; /* warm after the leader's scan */
	rmpsim_sim_charge_verify(s, &v, NULL);
}

static void worker(struct rmpsim_sim *s, void *arg)
{
	struct pass *p = arg;
	rmpsim_sim_mark(s, "rmpopt_pass_start", 0, (uint64_t)p->regions << 30);
	rmpsim_sim_migrate_disable(s);
	for (unsigned r = 0; r < p->regions; r++) {
		struct rmpsim_verify v = { .region = r, .first_busy = -1, .home_node = r / 64 };
		rmpsim_sim_charge_verify(s, &v, NULL);
		rmpsim_sim_yield(s);
	}
	rmpsim_sim_migrate_enable(s);
	rmpsim_sim_mark(s, "rmpopt_leader_done", rmpsim_sim_cpu(s), 0);
	for (unsigned r = 0; r < p->regions; r++) {
		if (rmpsim_sim_ipi_many(s, p->followers, follower, p, RMPSIM_IPI_WAIT) < 0)
			abort();
		rmpsim_sim_yield(s);
	}
	rmpsim_sim_mark(s, "rmpopt_pass_done", 0, 0);
}

static struct rmpsim_sim *run_pass(unsigned regions, unsigned cpus, double *ret_wall)
{
	struct rmpsim_sim_topology t = { .ncpus = cpus, .threads_per_core = 2, .nodes = 4 };
	struct rmpsim_sim *s = NULL;
	struct pass p = { .regions = regions, .cpus = cpus };
	size_t words = (cpus + 63) / 64;

	if (rmpsim_sim_create_bare(NULL, &t, NULL, 1, &s))
		abort();
	p.followers = calloc(words, sizeof(unsigned long));
	/* Followers: every primary thread but the leader's core (CPU 0). */
	for (unsigned c = 1; c < cpus / 2; c++)
		p.followers[c / 64] |= 1ul << (c % 64);
	if (getenv("RMPSIM_BENCH_UNBATCHED")) /* the reference engine path, for comparison */
		rmpsim_sim_set_ipi_batching(s, false);
	struct rmpsim_proc_attr a = { .name = "kworker/u2048:0", .cpu = 0 };
	if (rmpsim_sim_spawn(s, &a, worker, &p, NULL))
		abort();
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (rmpsim_sim_run(s))
		abort();
	clock_gettime(CLOCK_MONOTONIC, &t1);
	*ret_wall = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) * 1e-9;
	free(p.followers);
	return s;
}

/* ---- hold model ---- */

struct item {
	struct rmpsim_event ev;
};

static uint64_t draw_delay(struct rmpsim_rng *rng, const struct rmpsim_queue_stats *q)
{
	uint64_t total = q->inserts, k = rmpsim__rng_below(rng, total ? total : 1);
	for (unsigned b = 0; b < 65; b++) {
		if (k < q->delay_log2[b]) {
			if (b == 0)
				return 0;
			uint64_t lo = 1ull << (b - 1);
			return lo + rmpsim__rng_below(rng, lo); /* uniform inside the bucket */
		}
		k -= q->delay_log2[b];
	}
	return 0;
}

static uint64_t hold_heap(size_t n, uint64_t ops, const struct rmpsim_queue_stats *q)
{
	struct rmpsim__heap h;
	struct rmpsim_rng rng;
	struct item *items = calloc(n, sizeof(*items));
	uint64_t seq = 0, now = 0, sum = RMPSIM_FNV_OFFSET;

	rmpsim__rng_seed(&rng, 5);
	rmpsim__heap_init(&h, rmpsim_allocator_default());
	rmpsim__heap_reserve(&h, n);
	for (size_t i = 0; i < n; i++) {
		items[i].ev.time = draw_delay(&rng, q);
		items[i].ev.seq = seq++;
		rmpsim__heap_push(&h, &items[i].ev);
	}
	for (uint64_t i = 0; i < ops; i++) {
		struct rmpsim_event *e = rmpsim__heap_pop(&h);
		now = e->time;
		sum = rmpsim__hash_u64(sum, now);
		e->time = now + draw_delay(&rng, q);
		e->seq = seq++;
		rmpsim__heap_push(&h, e);
	}
	rmpsim__heap_fini(&h);
	free(items);
	return sum;
}

/* Baseline: a sorted array (insertion by binary search + memmove). */
static uint64_t hold_sorted(size_t n, uint64_t ops, const struct rmpsim_queue_stats *q)
{
	struct rmpsim_rng rng;
	uint64_t *t = malloc(n * sizeof(*t)), *sq = malloc(n * sizeof(*sq)); /* descending: pop at the end */
	uint64_t seq = 0, sum = RMPSIM_FNV_OFFSET;
	size_t len = 0;

	rmpsim__rng_seed(&rng, 5);
	for (uint64_t i = 0; i < n + ops; i++) {
		uint64_t now = 0;
		if (i >= n) {
			len--;
			now = t[len];
			sum = rmpsim__hash_u64(sum, now);
		}
		uint64_t when = now + draw_delay(&rng, q), s = seq++;
		size_t lo = 0, hi = len; /* first index whose (t, seq) is before (when, s) */
		while (lo < hi) {
			size_t mid = (lo + hi) / 2;
			if (t[mid] > when || (t[mid] == when && sq[mid] > s))
				lo = mid + 1;
			else
				hi = mid;
		}
		memmove(&t[lo + 1], &t[lo], (len - lo) * sizeof(*t));
		memmove(&sq[lo + 1], &sq[lo], (len - lo) * sizeof(*sq));
		t[lo] = when;
		sq[lo] = s;
		len++;
	}
	free(t);
	free(sq);
	return sum;
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "pass";
	unsigned regions = argc > 2 ? (unsigned)strtoul(argv[2], NULL, 0) : 2048;
	unsigned cpus = argc > 3 ? (unsigned)strtoul(argv[3], NULL, 0) : 1024;
	double wall;

	if (cpus < 4 || cpus % 2) {
		fprintf(stderr, "cpus must be even and >= 4\n");
		return 2;
	}
	struct rmpsim_sim *s = run_pass(regions, cpus, &wall);
	uint64_t ev = rmpsim_sim_events(s), now = rmpsim_sim_now(s);
	struct rmpsim_queue_stats q;
	rmpsim_sim_queue_stats(s, &q);

	if (!strcmp(mode, "pass")) {
		printf("pass: %u regions, %u cpus\n", regions, cpus);
		printf("events             %llu\n", (unsigned long long)ev);
		printf("queue dispatches   %llu\n", (unsigned long long)q.dispatches);
		printf("simulated time     %.6f s\n", (double)now * 1e-12);
		printf("wall time          %.3f s (informational)\n", wall);
		printf("events/wall-second %.0f\n", wall > 0 ? (double)ev / wall : 0.0);
		printf("simulated/wall     %.3f\n", wall > 0 ? (double)now * 1e-12 / wall : 0.0);
		printf("trace hash         %016llx\n", (unsigned long long)rmpsim_sim_trace_hash(s));
	} else if (!strcmp(mode, "queue")) {
		uint64_t ops = argc > 4 ? strtoull(argv[4], NULL, 0) : 2000000;
		printf("queue: from a %u-region pass on %u cpus: %llu inserts, %llu cancels, max pending "
		       "%zu\n",
		       regions, cpus, (unsigned long long)q.inserts, (unsigned long long)q.cancels,
		       q.max_pending);
		printf("delay distribution (log2 ps buckets, share of inserts):\n");
		for (unsigned b = 0; b < 65; b++)
			if (q.delay_log2[b])
				printf("  [%2u] %6.2f%%\n", b,
				       100.0 * (double)q.delay_log2[b] / (double)q.inserts);
		size_t n = argc > 6 ? (size_t)strtoull(argv[6], NULL, 0)
				    : q.max_pending; /* queue size override */
		const char *which = argc > 5 ? argv[5] : "both";
		if (strcmp(which, "sorted"))
			printf("hold heap   n=%zu ops=%llu checksum %016llx\n", n, (unsigned long long)ops,
			       (unsigned long long)hold_heap(n, ops, &q));
		if (strcmp(which, "heap"))
			printf("hold sorted n=%zu ops=%llu checksum %016llx\n", n, (unsigned long long)ops,
			       (unsigned long long)hold_sorted(n, ops, &q));
	} else {
		fprintf(stderr,
			"usage: bench_sim pass|queue [regions] [cpus] [ops] [heap|sorted|both] [n]\n");
		return 2;
	}
	rmpsim_sim_destroy(s);
	return 0;
}
