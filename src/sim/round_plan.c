/* SPDX-License-Identifier: MIT */
/*
 * Round plans (docs/timing.md "Rounds: plans and memos", issue 14 point 1).
 * A round's deliveries depend only on the sender, the target mask and the
 * profile: every target's delivery time relative to the send, its line
 * distance to the sender, the order of the deliveries, the sender's send and
 * poll times. ipi_send() works them out per call, with a CSD per target; a
 * policy sends the same mask region after region, so a plan keeps them, and a
 * round of a known mask costs a comparison of the mask's words instead.
 * The arithmetic is ipi.c's (rmpsim__ipi_icr, rmpsim__ipi_arrival_ps), in the
 * same order, so a plan's times are the step path's.
 */
#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"
#include "sim_internal.h"

static void plan_free(struct rmpsim_sim *s, struct rmpsim__round_plan *pl)
{
	if (!pl)
		return;
	if (s->clean == pl) {
		rmpsim__round_fold(s);
		s->clean = NULL;
	}
	if ((pl->mset || pl->mset_local) && s->plan_release)
		s->plan_release(s, pl);
	rmpsim__free(s->a, pl->mask, pl->nwords * sizeof(*pl->mask));
	rmpsim__free(s->a, pl->cpu, pl->n * sizeof(*pl->cpu));
	rmpsim__free(s->a, pl->when_off, pl->n * sizeof(*pl->when_off));
	rmpsim__free(s->a, pl->c2c, pl->n * sizeof(*pl->c2c));
	for (unsigned j = 0; j < RMPSIM__ROUND_MEMOS; j++) {
		struct rmpsim__round_memo *mo = &pl->memo[j];
		rmpsim__free(s->a, mo->ps, pl->n * sizeof(*mo->ps));
		rmpsim__free(s->a, mo->cold, pl->n * sizeof(*mo->cold));
		rmpsim__free(s->a, mo->end, pl->n * sizeof(*mo->end));
		rmpsim__free(s->a, mo->len, pl->n * sizeof(*mo->len));
		rmpsim__free(s->a, mo->cls, pl->n * sizeof(*mo->cls));
		rmpsim__free(s->a, mo->groups, pl->ngroups * sizeof(*mo->groups));
	}
	rmpsim__free(s->a, pl->slot, s->ncpus * sizeof(*pl->slot));
	rmpsim__free(s->a, pl->l3, pl->ngroups * sizeof(*pl->l3));
	rmpsim__free(s->a, pl, sizeof(*pl));
}

void rmpsim__plans_free(struct rmpsim_sim *s)
{
	for (unsigned i = 0; i < RMPSIM__ROUND_PLANS; i++) {
		plan_free(s, s->plans[i]);
		s->plans[i] = NULL;
	}
}

struct arrival {
	uint64_t when;
	unsigned cpu;
};

/* ipi.c's delivery order: time, then CPU. */
static int arrival_cmp(const void *a, const void *b)
{
	const struct arrival *x = a, *y = b;
	if (x->when != y->when)
		return x->when < y->when ? -1 : 1;
	return x->cpu < y->cpu ? -1 : x->cpu > y->cpu;
}

/* The distinct L3 groups of the targets, in the order of their first target
 * (at least one: a plan has targets), and each memo's room for them. */
static int plan_groups(struct rmpsim_sim *s, struct rmpsim__round_plan *pl)
{
	unsigned nl3 = s->rm.nl3 ? s->rm.nl3 : 1;
	unsigned *seen = rmpsim__calloc(s->a, nl3, sizeof(*seen));
	unsigned *l3s = rmpsim__malloc(s->a, nl3 * sizeof(*l3s));
	if (!seen || !l3s) {
		rmpsim__free(s->a, seen, nl3 * sizeof(*seen));
		rmpsim__free(s->a, l3s, nl3 * sizeof(*l3s));
		return -1;
	}
	size_t ng = 0;
	for (size_t i = 0; i < pl->n; i++) {
		unsigned l3 = s->cpus[pl->cpu[i]].l3;
		if (l3 < nl3 && !seen[l3]++)
			l3s[ng++] = l3;
	}
	rmpsim__free(s->a, seen, nl3 * sizeof(*seen));
	if (!ng) {
		rmpsim__free(s->a, l3s, nl3 * sizeof(*l3s));
		return -1;
	}
	/* Keep only what is used (the free needs the same size). */
	pl->l3 = rmpsim__realloc(s->a, l3s, nl3 * sizeof(*l3s), ng * sizeof(*l3s));
	if (!pl->l3) {
		rmpsim__free(s->a, l3s, nl3 * sizeof(*l3s));
		return -1;
	}
	pl->ngroups = ng;
	for (unsigned j = 0; j < RMPSIM__ROUND_MEMOS; j++) {
		pl->memo[j].groups = rmpsim__calloc(s->a, ng, sizeof(*pl->memo[j].groups));
		if (!pl->memo[j].groups)
			return -1;
	}
	return 0;
}

static struct rmpsim__round_plan *plan_build(struct rmpsim_sim *s, unsigned self, const unsigned long *mask,
					     unsigned m)
{
	const struct rmpsim_profile *pr = &s->prof;
	struct rmpsim__round_plan *pl = rmpsim__calloc(s->a, 1, sizeof(*pl));
	if (!pl)
		return NULL;
	pl->sender = self;
	pl->n = m;
	pl->nwords = (s->ncpus + (unsigned)RMPSIM__BITS_PER_LONG - 1) / (unsigned)RMPSIM__BITS_PER_LONG;
	pl->mask = rmpsim__malloc(s->a, pl->nwords * sizeof(*pl->mask));
	pl->cpu = rmpsim__malloc(s->a, m * sizeof(*pl->cpu));
	pl->when_off = rmpsim__malloc(s->a, m * sizeof(*pl->when_off));
	pl->c2c = rmpsim__malloc(s->a, m * sizeof(*pl->c2c));
	bool memo_ok = true;
	for (unsigned j = 0; j < RMPSIM__ROUND_MEMOS; j++) {
		struct rmpsim__round_memo *mo = &pl->memo[j];
		mo->ps = rmpsim__malloc(s->a, m * sizeof(*mo->ps));
		mo->cold = rmpsim__malloc(s->a, m * sizeof(*mo->cold));
		mo->end = rmpsim__malloc(s->a, m * sizeof(*mo->end));
		mo->len = rmpsim__malloc(s->a, m * sizeof(*mo->len));
		mo->cls = rmpsim__malloc(s->a, m * sizeof(*mo->cls));
		memo_ok = memo_ok && mo->ps && mo->cold && mo->end && mo->len && mo->cls;
	}
	pl->slot = rmpsim__malloc(s->a, s->ncpus * sizeof(*pl->slot));
	struct arrival *arr = rmpsim__malloc(s->a, m * sizeof(*arr));
	if (!pl->mask || !pl->cpu || !pl->when_off || !pl->c2c || !memo_ok || !pl->slot || !arr) {
		rmpsim__free(s->a, arr, m * sizeof(*arr));
		plan_free(s, pl);
		return NULL;
	}
	/* As send_steps(): the targets in CPU order, each queued at its distance,
	 * then the ICR writes (stamp: a value no call number takes). */
	bool shorthand = pr->ipi_shorthand && m + 1 == s->ncpus; /* A131 */
	uint64_t stamp = 1ull << 63 | ++s->plan_clock;
	uint64_t queue_ps = 0, poll_sum = 0;
	unsigned writes = 0, i = 0;
	for (unsigned w = 0; w < pl->nwords; w++) {
		unsigned long bits = pl->mask[w] = rmpsim__mask_word(s->ncpus, mask, w, self);
		for (; bits && i < m; bits &= bits - 1, i++) {
			unsigned cpu = w * (unsigned)RMPSIM__BITS_PER_LONG + (unsigned)__builtin_ctzl(bits);
			uint64_t c2c = rmpsim__c2c_ps(s, self, cpu);
			queue_ps += pr->ipi_queue_lines * c2c; /* A133 */
			poll_sum += c2c;		       /* A137 */
			arr[i].cpu = cpu;
			arr[i].when =
				rmpsim__ipi_icr(s, cpu, stamp, shorthand, &writes); /* the write, for now */
		}
	}
	for (i = 0; i < m; i++)
		arr[i].when = pr->ipi_send_base_ps + queue_ps +
			      rmpsim__ipi_arrival_ps(s, self, arr[i].cpu, (unsigned)arr[i].when);
	qsort(arr, m, sizeof(*arr), arrival_cmp);
	memset(pl->slot, 0xff, s->ncpus * sizeof(*pl->slot));
	for (i = 0; i < m; i++) {
		pl->cpu[i] = arr[i].cpu;
		pl->when_off[i] = arr[i].when;
		pl->c2c[i] = rmpsim__c2c_ps(s, self, arr[i].cpu);
		pl->slot[arr[i].cpu] = i;
	}
	rmpsim__free(s->a, arr, m * sizeof(*arr));
	uint64_t inflight = pr->csd_polls_in_flight ? pr->csd_polls_in_flight : 1;
	pl->poll_ps = (poll_sum + inflight - 1) / inflight;
	pl->send_ps = pr->ipi_send_base_ps + queue_ps + (uint64_t)writes * pr->ipi_icr_write_ps;
	if (plan_groups(s, pl) < 0) {
		plan_free(s, pl);
		return NULL;
	}
	/* A local call's sender runs its handler when its send is done, after the
	 * deliveries before that time; one at that very time ties. Some delivery
	 * always comes after: the last ICR write ends the send, and its targets
	 * receive delivery_ps later (a delivery_ps of 0 makes that a tie). */
	for (i = 0; i < m && pl->when_off[i] <= pl->send_ps; i++)
		pl->no_local |= pl->when_off[i] == pl->send_ps;
	pl->local_pos = i;
	pl->no_local |= i == m;
	for (size_t g = 0; g < pl->ngroups; g++)
		pl->sender_grouped |= pl->l3[g] == s->cpus[self].l3;
	return pl;
}

static bool plan_is(const struct rmpsim_sim *s, const struct rmpsim__round_plan *pl, unsigned self,
		    const unsigned long *mask, unsigned m)
{
	if (pl->sender != self || pl->n != m)
		return false;
	for (unsigned w = 0; w < pl->nwords; w++)
		if (pl->mask[w] != rmpsim__mask_word(s->ncpus, mask, w, self))
			return false;
	return true;
}

struct rmpsim__round_plan *rmpsim__plan_get(struct rmpsim_sim *s, unsigned self, const unsigned long *mask,
					    unsigned m)
{
	unsigned victim = 0;
	for (unsigned i = 0; i < RMPSIM__ROUND_PLANS; i++) {
		struct rmpsim__round_plan *pl = s->plans[i];
		if (pl && plan_is(s, pl, self, mask, m)) {
			pl->used = ++s->plan_clock;
			return pl;
		}
		if (!pl || (s->plans[victim] && pl->used < s->plans[victim]->used))
			victim = i;
	}
	struct rmpsim__round_plan *pl = plan_build(s, self, mask, m);
	if (!pl)
		return NULL; /* the call goes step by step */
	plan_free(s, s->plans[victim]);
	s->plans[victim] = pl;
	pl->used = ++s->plan_clock;
	return pl;
}
