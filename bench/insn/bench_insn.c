/* SPDX-License-Identifier: MIT */
/*
 * Instructions per RMPUPDATE (4K assign, 4K unassign, 2M assign) and per
 * PSMASH on the SPARSE table of a 64 GiB machine (design.md section 4: "a few
 * hundred instructions at most"). Each phase runs in its own function so that
 * callgrind can count it alone:
 *
 *   valgrind --tool=callgrind --toggle-collect=phase_4k_assign ./bench_insn
 *
 * and the count divided by the number of operations the program prints is the
 * cost per instruction. The program also prints a hash of the results so that
 * runs can be compared.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include <rmpsim/insn.h>
#include <rmpsim/rmp.h>

#include "base/hash.h"

#define GB	 (1ull << 30)
#define RAM_END	 (64 * GB)
#define RMP_BASE (63 * GB)
#define RMP_SIZE ((257ull << 20))
#define N_4K	 200000ull /* 781 MiB of 4K pages */
#define N_2M	 8192ull   /* 16 GiB of 2 MB pages */
#define BASE_4K	 (4 * GB)
#define BASE_2M	 (8 * GB)
#define N_PSMASH 2048ull

static uint64_t hash = RMPSIM_FNV_OFFSET;

/* RMPUPDATE / PSMASH: the library's error (< 0) or the code in RAX, the value the hash takes. */
static int insn_rmpupdate(struct rmpsim_rmp *rmp, uint64_t spa, const struct rmpsim_rmp_state *s,
			  struct rmpsim_rmp_change *c)
{
	struct rmpsim_insn_out o = { 0 };
	int err = rmpsim_insn_rmpupdate(rmp, spa, s, &o);
	*c = o.change;
	return err < 0 ? err : (int)o.rax;
}

static int insn_psmash(struct rmpsim_rmp *rmp, uint64_t spa, struct rmpsim_rmp_change *c)
{
	struct rmpsim_insn_out o = { 0 };
	int err = rmpsim_insn_psmash(rmp, spa, &o);
	*c = o.change;
	return err < 0 ? err : (int)o.rax;
}

/* 4K pages scattered over the area as a guest's memory would be: a stride of 3 pages. */
static uint64_t page_4k(uint64_t i)
{
	return BASE_4K + ((i * 3) % (N_4K * 3)) * RMPSIM_SZ_4K;
}

__attribute__((noinline)) static void phase_4k_assign(struct rmpsim_rmp *rmp)
{
	struct rmpsim_rmp_state s = { 0, 1, RMPSIM_PAGE_4K, 0, 0, 17 };
	struct rmpsim_rmp_change c;

	for (uint64_t i = 0; i < N_4K; i++) {
		s.gpa = i * RMPSIM_SZ_4K;
		hash = rmpsim__hash_u64(hash, (uint64_t)insn_rmpupdate(rmp, page_4k(i), &s, &c));
	}
}

__attribute__((noinline)) static void phase_4k_unassign(struct rmpsim_rmp *rmp)
{
	struct rmpsim_rmp_state s = { 0, 0, RMPSIM_PAGE_4K, 0, 0, 0 };
	struct rmpsim_rmp_change c;

	for (uint64_t i = 0; i < N_4K; i++)
		hash = rmpsim__hash_u64(hash, (uint64_t)insn_rmpupdate(rmp, page_4k(i), &s, &c));
}

__attribute__((noinline)) static void phase_2m_assign(struct rmpsim_rmp *rmp)
{
	struct rmpsim_rmp_state s = { 0, 1, RMPSIM_PAGE_2M, 0, 0, 18 };
	struct rmpsim_rmp_change c;

	for (uint64_t i = 0; i < N_2M; i++) {
		s.gpa = i * RMPSIM_SZ_2M;
		hash = rmpsim__hash_u64(hash,
					(uint64_t)insn_rmpupdate(rmp, BASE_2M + i * RMPSIM_SZ_2M, &s, &c));
	}
}

__attribute__((noinline)) static void phase_psmash(struct rmpsim_rmp *rmp)
{
	struct rmpsim_rmp_change c;

	for (uint64_t i = 0; i < N_PSMASH; i++)
		hash = rmpsim__hash_u64(hash, (uint64_t)insn_psmash(rmp, BASE_2M + i * RMPSIM_SZ_2M, &c));
}

int main(void)
{
	struct rmpsim_rmp_layout *l = NULL;
	struct rmpsim_rmp *rmp = NULL;

	if (rmpsim_layout_contiguous(NULL, RMP_BASE, RMP_BASE + RMP_SIZE - 1, RAM_END, NULL, &l) < 0 ||
	    rmpsim_rmp_create(NULL, l, RMPSIM_RMP_SPARSE, &rmp) < 0) {
		fprintf(stderr, "bench_insn: cannot build the table\n");
		return 1;
	}
	rmpsim_layout_destroy(l);
	phase_4k_assign(rmp);
	size_t mem_4k = rmpsim_rmp_memory_bytes(rmp);
	phase_4k_unassign(rmp);
	phase_2m_assign(rmp);
	phase_psmash(rmp);
	hash = rmpsim__hash_u64(hash, rmpsim_rmp_2m_assigned_count(rmp, BASE_2M));
	printf("phase_4k_assign   %" PRIu64 " RMPUPDATEs\n", (uint64_t)N_4K);
	printf("phase_4k_unassign %" PRIu64 " RMPUPDATEs\n", (uint64_t)N_4K);
	printf("phase_2m_assign   %" PRIu64 " RMPUPDATEs\n", (uint64_t)N_2M);
	printf("phase_psmash      %" PRIu64 " PSMASHes\n", (uint64_t)N_PSMASH);
	printf("table bytes after 4K assign: %zu; at end: %zu\n", mem_4k, rmpsim_rmp_memory_bytes(rmp));
	printf("result hash %016" PRIx64 "\n", hash);
	rmpsim_rmp_destroy(rmp);
	return 0;
}
