/* SPDX-License-Identifier: MIT */
/*
 * PVALIDATE of a run of 4K pages, as a guest validating the memory it was just
 * given runs it: page after page, stopping at the first page that does not
 * complete with code 0 and CF 0. The result is that of rmpsim_insn_pvalidate
 * called on each page in turn (A470); only the work differs. Within a 2 MB
 * region whose requested pages all lie in stored runs of 4K entries that the
 * guest owns with the other validated value (and no assigned 2 MB entry at
 * the head, which would be authoritative, A38), every page would flip: the
 * runs are rewritten at once (O(runs)). Anything else in a region goes page by
 * page.
 */
#include <string.h>

#include <rmpsim/insn.h>

#include "guest.h"
#include "require.h"
#include "rmp/entry_bits.h"
#include "rmp/unchecked.h"

struct fast {
	const struct rmpsim_guest_ctx *ctx;
	unsigned first, end; /* region-local indices wanted */
	uint64_t gpa_first;  /* the GPA the guest names for index `first` */
	bool to;	     /* the validated value wanted */
	unsigned covered;    /* indices of [first, end) seen in good runs, in order */
	struct rmpsim__rmp_run seg[64];
	unsigned nseg;
};

/* A run's part of [first, end), if the guest owns all of it and each page would flip. */
static int check_run(void *arg, const struct rmpsim__rmp_run *r)
{
	struct fast *f = arg;
	unsigned lo = r->start > f->first ? r->start : f->first;
	unsigned hi = r->start + r->len < f->end ? r->start + r->len : f->end;
	struct rmpsim_rmp_entry a, b;

	if (lo >= hi)
		return 0;
	if (lo != f->first + f->covered || f->nseg == sizeof(f->seg) / sizeof(f->seg[0]))
		return 1; /* a zero entry before this run, or too cut up: page by page */
	struct rmpsim_raw_entry ra = r->first, rb = r->first;
	if (r->step) {
		ra = rmpsim__raw_advance(r->first, lo - r->start);
		rb = rmpsim__raw_advance(r->first, hi - 1 - r->start);
	} else if (hi - lo > 1) {
		return 1; /* every entry the same GPA: only one can match */
	}
	rmpsim_entry_decode(&ra, &a);
	rmpsim_entry_decode(&rb, &b);
	uint64_t want = f->gpa_first + (uint64_t)(lo - f->first) * RMPSIM_SZ_4K;
	if (a.pagesize != RMPSIM_PAGE_4K || a.validated == f->to ||
	    !rmpsim__guest_owns(&a, RMPSIM_PAGE_4K, 0, f->ctx, want, 0) ||
	    b.gpa != a.gpa + (uint64_t)(hi - 1 - lo) * RMPSIM_SZ_4K) /* no wrap of the GPA field */
		return 1;
	f->seg[f->nseg++] = (struct rmpsim__rmp_run){ ra, lo, hi - lo, r->step };
	f->covered += hi - lo;
	return 0;
}

/* Flip [first, end) of the 2 MB region at base in one write per run, if every page would flip. */
static int try_fast(struct rmpsim_rmp *rmp, struct fast *f, uint64_t base, bool *ret_done)
{
	struct rmpsim_raw_entry head;
	struct rmpsim_rmp_entry h;

	*ret_done = false;
	if (rmpsim_rmp_get(rmp, base, &head) < 0)
		return 0;
	rmpsim_entry_decode(&head, &h);
	if (h.assigned && h.pagesize == RMPSIM_PAGE_2M)
		return 0; /* the 2 MB entry is authoritative: #NPF SIZEM, page by page */
	if (rmpsim__rmp_2m_runs(rmp, base, check_run, f) || f->covered != f->end - f->first)
		return 0;
	for (unsigned i = 0; i < f->nseg; i++) {
		struct rmpsim_rmp_entry e;
		struct rmpsim_raw_entry nr;
		rmpsim_entry_decode(&f->seg[i].first, &e);
		e.validated = f->to;
		rmpsim_entry_encode(&e, &nr);
		if (rmpsim_rmp_set_range(rmp, base + (uint64_t)f->seg[i].start * RMPSIM_SZ_4K, f->seg[i].len,
					 &nr, f->seg[i].step) < 0)
			return -ENOMEM; /* set_range changes nothing on failure; earlier segments stay flipped */
	}
	*ret_done = true;
	return 0;
}

int rmpsim_insn_pvalidate_4k_range(struct rmpsim_rmp *rmp, const struct rmpsim_guest_ctx *ctx, uint64_t gpa,
				   uint64_t spa, uint64_t npages, uint64_t rdx, struct rmpsim_insn_out *out)
{
	struct rmpsim_insn_out last;
	uint64_t done = 0;

	if (!rmp || !ctx || !out || ctx->vmpl > 3 || !npages)
		return -EINVAL;
	if (!rmpsim__require_aligned(gpa, RMPSIM_SZ_4K) || !rmpsim__require_aligned(spa, RMPSIM_SZ_4K) ||
	    npages > (UINT64_MAX - spa) / RMPSIM_SZ_4K)
		return -EINVAL;
	memset(&last, 0, sizeof(last));
	bool plain = ctx->vmpl == 0 && rdx <= 1 && rmpsim__require_covered(rmp, spa, npages * RMPSIM_SZ_4K);
	while (done < npages) {
		uint64_t s = spa + done * RMPSIM_SZ_4K, base = rmpsim__align_down(s, RMPSIM_SZ_2M);
		uint64_t n = (base + RMPSIM_SZ_2M - s) / RMPSIM_SZ_4K;
		if (n > npages - done)
			n = npages - done;
		struct fast f = { .ctx = ctx,
				  .first = (unsigned)((s - base) / RMPSIM_SZ_4K),
				  .gpa_first = gpa + done * RMPSIM_SZ_4K,
				  .to = rdx == 1 };
		f.end = f.first + (unsigned)n;
		bool fast = false;
		int r = plain ? try_fast(rmp, &f, base, &fast) : 0;
		if (r < 0)
			return r;
		if (fast) { /* A470: what n single PVALIDATEs would have written */
			done += n;
			memset(&last, 0, sizeof(last));
			rmpsim__change_set(&last.change, true, false, s + (n - 1) * RMPSIM_SZ_4K,
					   RMPSIM_SZ_4K);
			continue;
		}
		for (uint64_t k = 0; k < n; k++, done++) {
			r = rmpsim_insn_pvalidate(rmp, ctx, gpa + done * RMPSIM_SZ_4K,
						  spa + done * RMPSIM_SZ_4K, 0, rdx, &last);
			if (r < 0)
				return r;
			if (last.fault != RMPSIM_FAULT_NONE || last.rax || last.cf) {
				last.done = done;
				*out = last;
				return 0;
			}
		}
	}
	last.done = done;
	*out = last;
	return 0;
}
