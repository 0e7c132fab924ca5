/* SPDX-License-Identifier: MIT */
/*
 * rmp benchmarks (issue 2 point 9), deterministic, reported in bytes and
 * callgrind instructions (docs/performance.md), never wall-clock time.
 *
 *   bench_rmp empty           memory of an all-hypervisor 2 TiB sparse RMP
 *   bench_rmp full [step]     memory of 2 TiB of 4K private pages (set_range per step: 2m or 1g)
 *   bench_rmp updates N       N single-entry updates (RMPUPDATE-like) on a 2 TiB sparse RMP;
 *                             run N and 2N under callgrind: (I(2N) - I(N)) / N per update
 *   bench_rmp pages ORDER G   G GiB of one guest's 4K private pages made private one entry at a
 *                             time (the RMPUPDATE pattern), all validated, with
 *                             GPAs consecutive, interleaved (two halves of the guest, page by
 *                             page) or scrambled (a bijection of the guest's pages); prints the
 *                             memory per GB and extrapolated to 2 TiB (issue 14 point 4)
 *
 * Each mode prints a hash of what it read back, so a faster wrong store shows.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rmpsim/rmp.h>

#define GB  (1ull << 30)
#define TIB (1ull << 40)

static struct rmpsim_rmp *table_2t(void)
{
	uint64_t size = (2 * TIB / 4096) * 16 + (1ull << 20); /* spec 2.1 */
	struct rmpsim_rmp_layout *l = NULL;
	struct rmpsim_rmp *rmp = NULL;

	if (rmpsim_layout_contiguous(NULL, 16 * GB, 16 * GB + size - 1, 2 * TIB, NULL, &l) ||
	    rmpsim_rmp_create(NULL, l, RMPSIM_RMP_SPARSE, &rmp)) {
		fprintf(stderr, "bench_rmp: cannot create the table\n");
		exit(1);
	}
	rmpsim_layout_destroy(l);
	return rmp;
}

static uint64_t fnv(uint64_t h, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		h = (h ^ ((v >> (8 * i)) & 0xff)) * 0x100000001b3ull;
	return h;
}

static uint64_t guest_lo(uint64_t gpa, unsigned asid)
{
	return 1ull | (gpa & 0x0007fffffffff000ull) | ((uint64_t)asid << 51); /* spec 2.2 */
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "empty";
	struct rmpsim_rmp *rmp = table_2t();
	uint64_t h = 0xcbf29ce484222325ull;
	uint64_t cover = rmpsim_layout_coverage_end(rmpsim_rmp_layout(rmp));

	if (!strcmp(mode, "empty")) {
		h = fnv(h, (uint64_t)rmpsim_rmp_1g_first_busy_slot(rmp, TIB));
	} else if (!strcmp(mode, "full")) {
		uint64_t step = argc > 2 && !strcmp(argv[2], "1g") ? GB : (2ull << 20);
		for (uint64_t spa = 0; spa + step <= cover && spa < 2 * TIB; spa += step) {
			struct rmpsim_raw_entry e = { guest_lo(spa, 1 + (unsigned)(spa >> 40)), 0 };
			if (rmpsim_rmp_set_range(rmp, spa, step >> 12, &e, true)) {
				fprintf(stderr, "bench_rmp: set_range failed\n");
				return 1;
			}
		}
		for (uint64_t spa = 0; spa < 2 * TIB; spa += 3 * GB + 12345 * 4096) {
			struct rmpsim_raw_entry r;
			rmpsim_rmp_get(rmp, spa, &r);
			h = fnv(h, r.lo);
		}
	} else if (!strcmp(mode, "updates")) {
		long n = argc > 2 ? strtol(argv[2], NULL, 0) : 100000;
		/* Pages scattered over 64 GiB (an LCG), alternately made private and shared. */
		uint64_t x = 12345;
		for (long i = 0; i < n; i++) {
			x = x * 6364136223846793005ull + 1442695040888963407ull;
			uint64_t spa = ((x >> 20) % (64 * GB / 4096)) << 12;
			struct rmpsim_raw_entry e = { (x >> 63) ? guest_lo(spa, 7) : 0, 0 };
			rmpsim_rmp_set(rmp, spa, &e);
		}
		h = fnv(h, (uint64_t)rmpsim_rmp_1g_first_busy_slot(rmp, 0));
		h = fnv(h, rmpsim_rmp_2m_assigned_count(rmp, 0));
	} else if (!strcmp(mode, "pages") && argc > 3) {
		const char *order = argv[2];
		uint64_t gib = strtoull(argv[3], NULL, 0), n = gib * GB / 4096;
		if (gib == 0 || gib > 2048 ||
		    (strcmp(order, "consecutive") && strcmp(order, "interleaved") &&
		     strcmp(order, "scrambled"))) {
			fprintf(stderr, "bench_rmp: pages consecutive|interleaved|scrambled GIB (1..2048)\n");
			return 2;
		}
		size_t empty = rmpsim_rmp_memory_bytes(rmp);
		for (uint64_t k = 0; k < n; k++) {
			uint64_t page = k;
			if (order[0] == 'i')
				page = (k & 1) ? n / 2 + k / 2 : k / 2;
			else if (order[0] == 's') /* odd multiplier mod n (n a power of two): a bijection */
				page = (k * 0x9e3779b97f4a7c15ull) & (n - 1);
			struct rmpsim_raw_entry e = { guest_lo(page << 12, 5) | 1ull << 62, 0 };
			if (rmpsim_rmp_set(rmp, 64 * GB + (k << 12), &e)) {
				fprintf(stderr, "bench_rmp: set failed\n");
				return 1;
			}
		}
		for (uint64_t k = 0; k < n; k += 4093) {
			struct rmpsim_raw_entry r;
			rmpsim_rmp_get(rmp, 64 * GB + (k << 12), &r);
			h = fnv(h, r.lo);
		}
		double per_gb = (double)(rmpsim_rmp_memory_bytes(rmp) - empty) / (double)gib;
		printf("pages %s %" PRIu64 " GiB: %.0f bytes per GB, %.2f GiB extrapolated to 2 TiB\n", order,
		       gib, per_gb, (per_gb * 2048 + (double)empty) / (double)GB);
	} else {
		fprintf(stderr, "usage: bench_rmp empty | full [2m|1g] | updates N | pages ORDER GIB\n");
		return 2;
	}
	printf("mode %s: memory %zu bytes (%.2f MiB), hash %016" PRIx64 "\n", mode,
	       rmpsim_rmp_memory_bytes(rmp), (double)rmpsim_rmp_memory_bytes(rmp) / (1 << 20), h);
	rmpsim_rmp_destroy(rmp);
	return 0;
}
