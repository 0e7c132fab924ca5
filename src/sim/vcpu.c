/* SPDX-License-Identifier: MIT */
/*
 * Co-tenant vCPUs (A440-A442): CPUs where a non-SNP guest runs whenever the
 * host does not. The hooks in sim_internal.h mark where a stretch out of the
 * guest begins and ends; this file sets the CPUs and closes a stretch.
 */
#include <limits.h>

#include "sim_internal.h"

#define BITS_PER_LONG (sizeof(unsigned long) * CHAR_BIT)

void rmpsim_sim_set_vcpus(struct rmpsim_sim *s, const unsigned long *mask, unsigned flags)
{
	if (!s)
		return;
	s->vcpu_give_way = flags & RMPSIM_VCPU_GIVE_WAY;
	rmpsim__round_fold(s); /* every CPU may change: no plan's targets are known idle now */
	s->clean = NULL;
	for (unsigned cpu = 0; cpu < s->ncpus; cpu++) {
		struct rmpsim__cpu *c = &s->cpus[cpu];
		c->vcpu = mask && (mask[cpu / BITS_PER_LONG] >> (cpu % BITS_PER_LONG)) & 1ul;
		c->guest_back_at = 0;
		c->out_of_guest = false;
		if (c->vcpu && c->busy)
			rmpsim__vcpu_leave(s, c); /* the host holds it now: a stretch from here */
	}
}

void rmpsim__vcpu_stretch_end(struct rmpsim_sim *s, struct rmpsim__cpu *c)
{
	uint64_t len = s->now - c->guest_left_at + s->prof.vm_entry_ps;
	c->out_of_guest = false;
	c->guest_back_at = s->now + s->prof.vm_entry_ps;
	c->st.vcpu_stolen_ps += len;
	if (len > c->st.vcpu_stretch_max_ps)
		c->st.vcpu_stretch_max_ps = len;
	rmpsim__trace(s, RMPSIM_TRACE_VCPU, (unsigned)(c - s->cpus), 0, len);
}

bool rmpsim_sim_cpu_has_vcpu(const struct rmpsim_sim *s, unsigned cpu)
{
	return s && cpu < s->ncpus && s->cpus[cpu].vcpu;
}
