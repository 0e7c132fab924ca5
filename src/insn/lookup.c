/* SPDX-License-Identifier: MIT */
/*
 * The kernel's RMP lookup helpers (spec 3.6), for error reports:
 * snp_lookup_rmpentry() and dump_rmpentry().
 *
 * Checks: the SPA is covered by the RMP (spec 3.6)              -> -EFAULT
 * The lookup does what Linux's __snp_lookup_rmpentry() does (A38): the
 * assigned bit and the entry are the SPA's own 4K entry (inside a private 2 MB
 * page that is an assigned sub-entry, A25), the level is the page size of the
 * 2 MB-aligned entry of its region, assigned or not.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>

#include <rmpsim/insn.h>

#include "require.h"

int rmpsim_insn_lookup(const struct rmpsim_rmp *rmp, uint64_t spa, bool *ret_assigned, unsigned *ret_level,
		       struct rmpsim_raw_entry *ret_entry)
{
	struct rmpsim_rmp_entry e;
	struct rmpsim_raw_entry raw;

	if (!rmp || !ret_assigned || !ret_level)
		return -EINVAL;
	spa = rmpsim__align_down(spa, RMPSIM_SZ_4K);
	if (!rmpsim__require_covered(rmp, spa, RMPSIM_SZ_4K)) /* spec 3.6 */
		return -EFAULT;
	struct rmpsim_rmp_entry head;
	rmpsim__read_entry(rmp, spa, &raw, &e);					     /* A38 */
	rmpsim__read_entry(rmp, rmpsim__align_down(spa, RMPSIM_SZ_2M), NULL, &head); /* A38 */
	*ret_assigned = e.assigned;
	*ret_level = head.pagesize == RMPSIM_PAGE_2M ? RMPSIM_PAGE_2M : RMPSIM_PAGE_4K;
	if (ret_entry)
		*ret_entry = raw;
	return 0;
}

struct dump_ctx {
	struct rmpsim_dump_entry *buf;
	size_t max, n;
};

static int dump_visit(void *ctx, uint64_t spa, const struct rmpsim_raw_entry *raw)
{
	struct dump_ctx *d = ctx;

	if (d->n < d->max) {
		d->buf[d->n].spa = spa;
		d->buf[d->n].raw = *raw;
	}
	d->n++;
	return 0;
}

int rmpsim_insn_dump(const struct rmpsim_rmp *rmp, uint64_t spa, struct rmpsim_dump_entry *buf, size_t max,
		     size_t *ret_total)
{
	struct rmpsim_raw_entry raw;
	struct rmpsim_rmp_entry e;

	if (!rmp || !ret_total || (max && !buf))
		return -EINVAL;
	spa = rmpsim__align_down(spa, RMPSIM_SZ_4K);
	if (!rmpsim__require_covered(rmp, spa, RMPSIM_SZ_4K)) /* spec 3.6 */
		return -EFAULT;
	rmpsim__read_entry(rmp, spa, &raw, &e);
	if (e.assigned) { /* spec 3.6: the assigned entry alone */
		if (max) {
			buf[0].spa = spa;
			buf[0].raw = raw;
		}
		*ret_total = 1;
		return 0;
	}
	/* spec 3.6: every non-zero entry of the 2 MB region may block a 2 MB mapping. */
	struct dump_ctx d = { buf, max, 0 };
	int rc = rmpsim_rmp_2m_for_each_nonzero(rmp, spa, dump_visit, &d);
	if (rc < 0)
		return rc;
	*ret_total = d.n;
	return 0;
}

/* snprintf into buf at *pos, counting what the full text needs. */
__attribute__((format(printf, 4, 5))) static void put(char *buf, size_t len, size_t *pos, const char *fmt,
						      ...)
{
	size_t room = *pos < len ? len - *pos : 0;
	va_list ap;

	va_start(ap, fmt);
	int n = vsnprintf(room ? buf + *pos : NULL, room, fmt, ap);
	va_end(ap);
	if (n > 0)
		*pos += (size_t)n;
}

static int text_visit(void *ctx, uint64_t spa, const struct rmpsim_raw_entry *raw)
{
	void **a = ctx;

	/* Current Linux dump_rmpentry(): "PFN: 0x...", the low word first. */
	put(a[0], *(size_t *)a[1], a[2], "PFN: 0x%" PRIx64 ", [0x%016" PRIx64 " - 0x%016" PRIx64 "]\n",
	    spa >> 12, raw->lo, raw->hi);
	return 0;
}

int rmpsim_insn_dump_text(const struct rmpsim_rmp *rmp, uint64_t spa, char *buf, size_t len)
{
	struct rmpsim_raw_entry raw;
	struct rmpsim_rmp_entry e;
	size_t pos = 0;

	if (!rmp || (len && !buf))
		return -EINVAL;
	spa = rmpsim__align_down(spa, RMPSIM_SZ_4K);
	if (!rmpsim__require_covered(rmp, spa, RMPSIM_SZ_4K)) /* spec 3.6 */
		return -EFAULT;
	if (len)
		buf[0] = '\0';
	rmpsim__read_entry(rmp, spa, &raw, &e);
	if (e.assigned) {
		/* Current Linux dump_rmpentry(): the low word first. */
		put(buf, len, &pos, "PFN 0x%" PRIx64 ", RMP entry: [0x%016" PRIx64 " - 0x%016" PRIx64 "]\n",
		    spa >> 12, raw.lo, raw.hi);
	} else {
		uint64_t pfn = rmpsim__align_down(spa, RMPSIM_SZ_2M) >> 12;
		put(buf, len, &pos,
		    "PFN 0x%" PRIx64 " unassigned, dumping non-zero entries in 2M PFN region: [0x%" PRIx64
		    " - 0x%" PRIx64 "]\n",
		    spa >> 12, pfn, pfn + RMPSIM_ENTRIES_PER_2M);
		void *a[3] = { buf, &len, &pos };
		int rc = rmpsim_rmp_2m_for_each_nonzero(rmp, spa, text_visit, a);
		if (rc < 0)
			return rc;
	}
	return pos > INT32_MAX ? INT32_MAX : (int)pos;
}
