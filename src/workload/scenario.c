/* SPDX-License-Identifier: MIT */
/* A scenario's guest and event lists, grown through the injected allocator. */
#include <string.h>

#include <rmpsim/workload.h>

#include "base/alloc.h"

void rmpsim_scenario_init(struct rmpsim_scenario *s, const struct rmpsim_allocator *alloc)
{
	if (!s)
		return;
	memset(s, 0, sizeof(*s));
	s->alloc = rmpsim__alloc_or_default(alloc);
	s->host_reserve = RMPSIM_WL_DEFAULT_HOST_RESERVE;
	s->seed = 1;
}

void rmpsim_scenario_free(struct rmpsim_scenario *s)
{
	const struct rmpsim_allocator *a = s ? s->alloc : NULL;

	if (!a)
		return;
	rmpsim__free(a, s->guests, s->guests_cap * sizeof(*s->guests));
	rmpsim__free(a, s->events, s->events_cap * sizeof(*s->events));
	s->guests = NULL;
	s->events = NULL;
	s->nguests = s->nevents = s->guests_cap = s->events_cap = 0;
}

/* Grow *arr (cap elements of size sz) so that one more fits. */
static int grow(const struct rmpsim_allocator *a, void **arr, size_t *cap, size_t n, size_t sz)
{
	if (n < *cap)
		return 0;
	size_t ncap = *cap ? *cap * 2 : 8;
	void *p = rmpsim__realloc(a, *arr, *cap * sz, ncap * sz);
	if (!p)
		return -ENOMEM;
	*arr = p;
	*cap = ncap;
	return 0;
}

int rmpsim_scenario_add_guest(struct rmpsim_scenario *s, const struct rmpsim_guest *g)
{
	if (!s || !s->alloc || !g)
		return -EINVAL; /* no scenario, or one rmpsim_scenario_init never set up */
	int r = grow(s->alloc, (void **)&s->guests, &s->guests_cap, s->nguests, sizeof(*g));
	if (r)
		return r;
	s->guests[s->nguests++] = *g;
	return 0;
}

/* Events stay sorted by time; equal times keep their insertion order. */
int rmpsim_scenario_add_event(struct rmpsim_scenario *s, const struct rmpsim_wl_event *e)
{
	if (!s || !s->alloc || !e)
		return -EINVAL;
	int r = grow(s->alloc, (void **)&s->events, &s->events_cap, s->nevents, sizeof(*e));
	if (r)
		return r;
	size_t i = s->nevents;
	while (i > 0 && s->events[i - 1].time_ns > e->time_ns) {
		s->events[i] = s->events[i - 1];
		i--;
	}
	s->events[i] = *e;
	s->nevents++;
	return 0;
}
