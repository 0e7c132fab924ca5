/* SPDX-License-Identifier: MIT */
/*
 * The dense reference table: a plain array with one raw entry per 4K page
 * (subpage bits not stored, A1). Obviously correct by construction; the
 * differential test holds the sparse store against it. Only the per-2 MB
 * assigned count is kept incrementally, so that 1 GB queries stay cheap
 * enough for long differential runs; the 2 MB count itself is recounted.
 */
#include "rmp/entry_bits.h"
#include "table.h"

int rmpsim__dense_init(struct rmpsim_rmp *rmp)
{
	struct rmpsim__dense *d = &rmp->u.dense;
	uint64_t n_2m = (rmp->layout->coverage_end + RMPSIM_SZ_2M - 1) / RMPSIM_SZ_2M;

	if (n_2m > SIZE_MAX / (RMPSIM_ENTRIES_PER_2M * sizeof(*d->e)))
		return -ENOMEM;
	d->n_2m = n_2m;
	d->e = NULL;
	d->count2m = NULL;
	if (!n_2m)
		return 0;
	d->e = rmpsim__rmp_alloc(rmp, n_2m * RMPSIM_ENTRIES_PER_2M * sizeof(*d->e), true);
	if (!d->e)
		return -ENOMEM;
	d->count2m = rmpsim__rmp_alloc(rmp, n_2m * sizeof(*d->count2m), true);
	if (!d->count2m) {
		rmpsim__rmp_free(rmp, d->e, n_2m * RMPSIM_ENTRIES_PER_2M * sizeof(*d->e));
		d->e = NULL;
		return -ENOMEM;
	}
	return 0;
}

void rmpsim__dense_fini(struct rmpsim_rmp *rmp)
{
	struct rmpsim__dense *d = &rmp->u.dense;

	rmpsim__rmp_free(rmp, d->e, d->n_2m * RMPSIM_ENTRIES_PER_2M * sizeof(*d->e));
	rmpsim__rmp_free(rmp, d->count2m, d->n_2m * sizeof(*d->count2m));
}

void rmpsim__dense_get(const struct rmpsim_rmp *rmp, uint64_t spa, struct rmpsim_raw_entry *ret)
{
	*ret = rmp->u.dense.e[spa >> 12];
}

void rmpsim__dense_set_range(struct rmpsim_rmp *rmp, uint64_t spa, uint64_t npages,
			     const struct rmpsim_raw_entry *first, bool step)
{
	struct rmpsim__dense *d = &rmp->u.dense;

	for (uint64_t i = 0; i < npages; i++) {
		uint64_t pfn = (spa >> 12) + i;
		struct rmpsim_raw_entry *e = &d->e[pfn];
		struct rmpsim_raw_entry n = step ? rmpsim__raw_advance(*first, i) : *first;
		d->count2m[pfn / RMPSIM_ENTRIES_PER_2M] -= rmpsim__raw_assigned(e);
		d->count2m[pfn / RMPSIM_ENTRIES_PER_2M] += rmpsim__raw_assigned(&n);
		*e = n;
	}
}

unsigned rmpsim__dense_2m_count(const struct rmpsim_rmp *rmp, uint64_t spa)
{
	const struct rmpsim_raw_entry *e = &rmp->u.dense.e[spa >> 12];
	unsigned n = 0;

	for (unsigned i = 0; i < RMPSIM_ENTRIES_PER_2M; i++)
		n += rmpsim__raw_assigned(&e[i]);
	return n;
}

bool rmpsim__dense_2m_head(const struct rmpsim_rmp *rmp, uint64_t spa)
{
	return rmpsim__raw_assigned(&rmp->u.dense.e[spa >> 12]);
}

int rmpsim__dense_1g_first_busy(const struct rmpsim_rmp *rmp, uint64_t spa)
{
	const struct rmpsim__dense *d = &rmp->u.dense;
	uint64_t first = spa / RMPSIM_SZ_2M;

	for (unsigned s = 0; s < RMPSIM_SLOTS_PER_1G && first + s < d->n_2m; s++)
		if (d->count2m[first + s])
			return (int)s;
	return -1;
}
