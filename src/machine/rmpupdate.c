/* SPDX-License-Identifier: MIT */
/*
 * RMPUPDATE, PSMASH and entry reads executed on a CPU: the insn layer's
 * semantics under the 1 GB region's lock, plus what the hardware does to the
 * RMPOPT state (spec 1.1, 3.1; A45, A46, A55).
 *
 * A46 (spec OQ 6): only an RMPUPDATE that makes some entry assigned clears the
 * region's RMPOPT bits (the "broadcast"), as one increment of assign_gen.
 * Updates to shared, PSMASH and RMPADJUST/PVALIDATE clear none: the region's
 * assigned set does not grow, so a bit set before cannot become wrong.
 * Every change (change.changed) invalidates the region's scan cache (A45).
 *
 * A55: the increment is done *before* the table is written whenever the new
 * state has assigned = 1, and undone under the same lock if the instruction
 * assigned nothing. No write check can then skip the RMP check on a page from
 * the moment the RMPUPDATE starts writing it, so the instruction is
 * linearisable at its start; undoing is safe because no RMPOPT can run on the
 * region while the lock is held.
 */
#include <string.h>

#include <rmpsim/insn.h>
#include <rmpsim/machine.h>

#include "insn/rmpupdate_one.h"
#include "machine_internal.h"

/* One RMPUPDATE (or a range inside one region) under the region's lock. */
static int locked_update(struct rmpsim_machine *m, uint64_t spa, uint64_t npages,
			 const struct rmpsim_rmp_state *in, bool gpa_step, struct rmpsim_insn_out *out)
{
	struct rmpsim__region *reg = rmpsim__region_of(m, spa);
	int rc;

	if (!reg) /* beyond the RMP: the instruction fails its input checks, nothing to lock */
		return npages == 1 ? rmpsim_insn_rmpupdate(m->rmp, spa, in, out)
				   : rmpsim_insn_rmpupdate_range(m->rmp, spa, npages, in, gpa_step, out);
	rmpsim__region_lock(reg);
	rmpsim__run_table_touch(m, spa >> 30); /* A511: before anything changes */
	if (in->assigned)
		atomic_fetch_add_explicit(&reg->assign_gen, 1, memory_order_release); /* A55 */
	if (npages == 1)
		rc = rmpsim_insn_rmpupdate(m->rmp, spa, in, out);
	else
		rc = rmpsim_insn_rmpupdate_range(m->rmp, spa, npages, in, gpa_step, out);
	/* A range writes out on -ENOMEM too (what it did before failing); a single one does not. */
	bool wrote = rc == 0 || npages > 1;
	if (in->assigned && !(wrote && out->change.assigned))
		atomic_fetch_sub_explicit(&reg->assign_gen, 1,
					  memory_order_relaxed); /* A55: nothing assigned */
	if (wrote && out->change.changed) {
		reg->cache.valid = false; /* A45 */
		atomic_fetch_add_explicit(&reg->content_gen, 1, memory_order_relaxed);
	}
	rmpsim__region_unlock(reg);
	return rc;
}

/*
 * The fused path of one RMPUPDATE (issue 14 point 5): the instruction's
 * fused functions (insn/rmpupdate_one.h, the ones rmpsim_insn_rmpupdate
 * runs) under the region's lock, whose one store call finds, checks and
 * writes the entry (4K) or fills an all-zero 2 MB region; the same A55 / A45
 * bookkeeping as locked_update. The operands are read once into a local
 * copy: the compiler then need not read them again after each atomic.
 */
__attribute__((always_inline)) static inline int locked_update_one(struct rmpsim_machine *m,
								   struct rmpsim__region *reg, uint64_t spa,
								   const struct rmpsim_rmp_state *pin,
								   struct rmpsim_insn_out *out, bool is_2m)
{
	const struct rmpsim_rmp_state in = *pin;
	bool changed, assigned;

	rmpsim__region_lock(reg);
	rmpsim__run_table_touch(m, spa >> 30); /* A511: before anything changes */
	if (in.assigned)
		atomic_fetch_add_explicit(&reg->assign_gen, 1, memory_order_release); /* A55 */
	int rc = is_2m ? rmpsim__rmpupdate_2m(m->rmp, spa, &in, in.gpa, &changed, &assigned)
		       : rmpsim__rmpupdate_4k(m->rmp, spa, &in, in.gpa, &changed, &assigned);
	if (in.assigned && !assigned)
		atomic_fetch_sub_explicit(&reg->assign_gen, 1,
					  memory_order_relaxed); /* A55: nothing assigned */
	if (changed) {
		reg->cache.valid = false; /* A45 */
		atomic_fetch_add_explicit(&reg->content_gen, 1, memory_order_relaxed);
	}
	rmpsim__region_unlock(reg);
	if (rc < 0)
		return rc; /* -ENOMEM: *out untouched */
	rmpsim__rmpupdate_out(rc, changed, assigned, spa, is_2m ? RMPSIM_SZ_2M : RMPSIM_SZ_4K, out);
	return 0;
}

int rmpsim_machine_rmpupdate(struct rmpsim_machine *m, unsigned cpu, uint64_t spa,
			     const struct rmpsim_rmp_state *in, struct rmpsim_insn_out *out)
{
	if (!m || !in || !out || !rmpsim__cpu_ok(m, cpu))
		return -EINVAL;
	RMPSIM__COUNT(m, cpu, rmpupdates);
	struct rmpsim__region *reg = rmpsim__region_of(m, spa);
	if (!reg) /* beyond the RMP: the instruction fails its input checks, nothing to lock */
		return rmpsim_insn_rmpupdate(m->rmp, spa, in, out);
	/* One copy per page size (is_2m a constant in each): the 4K one stays lean. */
	if (in->pagesize == RMPSIM_PAGE_2M)
		return locked_update_one(m, reg, spa, in, out, true);
	return locked_update_one(m, reg, spa, in, out, false);
}

int rmpsim_machine_rmpupdate_range(struct rmpsim_machine *m, unsigned cpu, uint64_t spa, uint64_t npages,
				   const struct rmpsim_rmp_state *in, bool gpa_step,
				   struct rmpsim_insn_out *out)
{
	struct rmpsim_insn_out r = { 0 };
	uint64_t total = 0;
	int rc = 0;

	if (!m || !in || !out || !rmpsim__cpu_ok(m, cpu))
		return -EINVAL;
	uint64_t pgsz = in->pagesize == RMPSIM_PAGE_2M ? RMPSIM_SZ_2M : RMPSIM_SZ_4K;
	/* One region at a time, so no lock is held across regions. */
	while (total < npages) {
		struct rmpsim_rmp_state st = *in;
		uint64_t s = spa + total * pgsz;
		uint64_t room = (RMPSIM_SZ_1G - (s & (RMPSIM_SZ_1G - 1))) / pgsz;
		uint64_t n = npages - total < room ? npages - total : room;

		if (n == 0)
			n = 1; /* misaligned 2 MB page: let the instruction refuse it */
		if (gpa_step)
			st.gpa += total * pgsz;
		rc = locked_update(m, s, n, &st, gpa_step, &r);
		bool wrote = rc == 0 || n > 1;
		uint64_t done = wrote ? r.done : 0;
		/* Executed instructions: the pages done, plus the one that failed
		 * with an architectural code (a -ENOMEM is the simulator's, not an
		 * instruction's). */
		atomic_fetch_add_explicit(&m->counters[cpu].rmpupdates,
					  done + (rc == 0 && r.rax != 0 ? 1 : 0), memory_order_relaxed);
		total += done;
		if (rc < 0 || r.rax != RMPSIM_RMPUPDATE_OK)
			break;
	}
	uint64_t code = rc == 0 ? r.rax : 0;
	memset(&r, 0, sizeof(r));
	r.rax = code;
	r.done = total;
	*out = r; /* on -ENOMEM too: out->done says what was done */
	return rc;
}

int rmpsim_machine_psmash(struct rmpsim_machine *m, unsigned cpu, uint64_t spa, struct rmpsim_insn_out *out)
{
	if (!m || !out || !rmpsim__cpu_ok(m, cpu))
		return -EINVAL;
	struct rmpsim__region *reg = rmpsim__region_of(m, spa);
	if (!reg)
		return rmpsim_insn_psmash(m->rmp, spa, out);
	rmpsim__region_lock(reg);
	rmpsim__run_table_touch(m, spa >> 30); /* A511 */
	int rc = rmpsim_insn_psmash(m->rmp, spa, out);
	if (rc == 0 && out->change.changed) {
		reg->cache.valid = false; /* A45; no bit clear (A46) */
		atomic_fetch_add_explicit(&reg->content_gen, 1, memory_order_relaxed);
	}
	rmpsim__region_unlock(reg);
	return rc;
}

int rmpsim_machine_pvalidate(struct rmpsim_machine *m, unsigned cpu, const struct rmpsim_guest_ctx *ctx,
			     uint64_t gpa, uint64_t spa, uint64_t rcx, uint64_t rdx,
			     struct rmpsim_insn_out *out)
{
	if (!m || !ctx || !out || !rmpsim__cpu_ok(m, cpu))
		return -EINVAL;
	struct rmpsim__region *reg = rmpsim__region_of(m, spa);
	if (!reg)
		return rmpsim_insn_pvalidate(m->rmp, ctx, gpa, spa, rcx, rdx, out);
	rmpsim__region_lock(reg);
	rmpsim__run_table_touch(m, spa >> 30); /* A511 */
	int rc = rmpsim_insn_pvalidate(m->rmp, ctx, gpa, spa, rcx, rdx, out);
	if (rc == 0 && out->change.changed) {
		reg->cache.valid = false; /* A45; no bit clear (A27) */
		atomic_fetch_add_explicit(&reg->content_gen, 1, memory_order_relaxed);
	}
	rmpsim__region_unlock(reg);
	return rc;
}

int rmpsim_machine_pvalidate_4k_range(struct rmpsim_machine *m, unsigned cpu,
				      const struct rmpsim_guest_ctx *ctx, uint64_t gpa, uint64_t spa,
				      uint64_t npages, uint64_t rdx, struct rmpsim_insn_out *out)
{
	uint64_t done = 0;

	if (!m || !ctx || !out || !npages || !rmpsim__cpu_ok(m, cpu))
		return -EINVAL;
	while (done < npages) { /* one 1 GB region (its lock, its bookkeeping) at a time */
		uint64_t s = spa + done * RMPSIM_SZ_4K, n = (((s >> 30) + 1) << 30) - s;
		n = n / RMPSIM_SZ_4K < npages - done ? n / RMPSIM_SZ_4K : npages - done;
		struct rmpsim__region *reg = rmpsim__region_of(m, s);
		struct rmpsim_insn_out part = { 0 };
		if (reg) {
			rmpsim__region_lock(reg);
			rmpsim__run_table_touch(m, s >> 30); /* A511 */
		}
		int rc = rmpsim_insn_pvalidate_4k_range(m->rmp, ctx, gpa + done * RMPSIM_SZ_4K, s, n, rdx,
							&part);
		if (reg && rc == 0 && (part.done || part.change.changed)) {
			reg->cache.valid = false; /* A45; no bit clear (A27) */
			atomic_fetch_add_explicit(&reg->content_gen, 1, memory_order_relaxed);
		}
		if (reg)
			rmpsim__region_unlock(reg);
		if (rc < 0)
			return rc;
		done += part.done;
		*out = part;
		if (part.done < n)
			break;
	}
	out->done = done;
	return 0;
}

int rmpsim_machine_read_entry(struct rmpsim_machine *m, uint64_t spa, struct rmpsim_raw_entry *ret)
{
	if (!m || !ret)
		return -EINVAL;
	struct rmpsim__region *reg = rmpsim__region_of(m, spa);
	int r;

	if (!reg)
		return -EFAULT;
	rmpsim__region_lock(reg);
	r = rmpsim_rmp_get(m->rmp, spa, ret);
	rmpsim__region_unlock(reg);
	return r;
}

int rmpsim_machine_rmpread(struct rmpsim_machine *m, unsigned cpu, uint64_t spa, struct rmpsim_insn_out *out)
{
	if (!m || !out || !rmpsim__cpu_ok(m, cpu))
		return -EINVAL;
	if (!m->cfg.rmpread) {
		/* A320: the CPUID bit is clear, so the instruction does not exist. */
		*out = (struct rmpsim_insn_out){ .fault = RMPSIM_FAULT_UD };
		return 0;
	}
	struct rmpsim__region *reg = rmpsim__region_of(m, spa);
	if (reg)
		rmpsim__region_lock(reg);
	int rc = rmpsim_insn_rmpread(m->rmp, spa, out);
	if (reg)
		rmpsim__region_unlock(reg);
	return rc;
}
