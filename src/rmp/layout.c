/* SPDX-License-Identifier: MIT */
/*
 * RMP layouts: parsing the MSRs/RST with the checks Linux (and the firmware)
 * apply, and the SPA -> entry address lookup. Every check that rejects input
 * names the field and its value in the diag; nothing is allocated until all
 * checks have passed, so a rejected input leaves no state behind.
 */
#include <inttypes.h>
#include <string.h>

#include "base/alloc.h"
#include "layout.h"

#define RMP_ADDR_MASK	 0x000fffffffffe000ull /* bits 51:13, spec 2.1 */
#define SPA_HIGH_MASK	 0xfff0000000000000ull /* bits 63:52 (C-bit and reserved) */
#define SZ_1M		 (1ull << 20)
#define RST_MAPPED_MASK	 0xfffffull	       /* bits 19:0, GB, spec 2.3 */
#define RST_SEGBASE_MASK 0x000ffffffff00000ull /* bits 51:20, spec 2.3 */
#define RMP_CFG_ENABLE	 0x1ull
#define RMP_CFG_SHIFT(c) ((unsigned)(((c) >> 8) & 0x3f)) /* bits 13:8, spec 2.3 */

static int layout_alloc(const struct rmpsim_allocator *a, unsigned n_segments,
			struct rmpsim_rmp_layout **ret_layout)
{
	struct rmpsim_rmp_layout *l = rmpsim__calloc(a, 1, sizeof(*l));

	if (!l)
		return -ENOMEM;
	if (n_segments) {
		l->segments = rmpsim__calloc(a, n_segments, sizeof(*l->segments));
		if (!l->segments) {
			rmpsim__free(a, l, sizeof(*l));
			return -ENOMEM;
		}
	}
	l->alloc = a;
	l->n_segments = n_segments;
	*ret_layout = l;
	return 0;
}

int rmpsim_layout_contiguous(const struct rmpsim_allocator *a, uint64_t rmp_base, uint64_t rmp_end,
			     uint64_t ram_end, struct rmpsim_diag *diag,
			     struct rmpsim_rmp_layout **ret_layout)
{
	a = rmpsim__alloc_or_default(a);
	if (!ret_layout)
		return -EINVAL;
	/* spec 2.1: Linux treats the MSRs as unset when bits 51:13 are zero. */
	if (!(rmp_base & RMP_ADDR_MASK))
		return rmpsim_diag_fail(diag, -EINVAL,
					"RMP_BASE = 0x%" PRIx64
					" is unset (bits 51:13 zero): no RMP reserved by BIOS",
					rmp_base);
	if (!(rmp_end & RMP_ADDR_MASK))
		return rmpsim_diag_fail(diag, -EINVAL,
					"RMP_END = 0x%" PRIx64
					" is unset (bits 51:13 zero): no RMP reserved by BIOS",
					rmp_end);
	/* spec 2.1: the firmware refuses a C-bit (or any bit above 51) in either MSR. */
	if (rmp_base & SPA_HIGH_MASK)
		return rmpsim_diag_fail(diag, -EINVAL, "RMP_BASE = 0x%" PRIx64 " has bits 63:52 set",
					rmp_base);
	if (rmp_end & SPA_HIGH_MASK)
		return rmpsim_diag_fail(diag, -EINVAL, "RMP_END = 0x%" PRIx64 " has bits 63:52 set", rmp_end);
	/* spec 2.1: Linux rejects base > end. */
	if (rmp_base > rmp_end)
		return rmpsim_diag_fail(diag, -EINVAL,
					"RMP_BASE = 0x%" PRIx64 " is above RMP_END = 0x%" PRIx64, rmp_base,
					rmp_end);
	/* spec 2.1 (firmware): 1 MB aligned base, size a multiple of 1 MB (A4). */
	if (rmp_base & (SZ_1M - 1))
		return rmpsim_diag_fail(diag, -EINVAL, "RMP_BASE = 0x%" PRIx64 " is not 1 MB aligned",
					rmp_base);
	uint64_t size = rmp_end - rmp_base + 1;
	if (size & (SZ_1M - 1))
		return rmpsim_diag_fail(diag, -EINVAL,
					"RMP_END = 0x%" PRIx64 ": RMP size 0x%" PRIx64
					" is not a multiple of 1 MB",
					rmp_end, size);
	/*
	 * spec 2.1: Linux setup_contiguous_rmptable: the RMP must cover all RAM and
	 * itself: (max(max_pfn, PFN_UP(rmp_end)) << 4) + 16 KiB <= size.
	 */
	uint64_t max_pfn = (ram_end + RMPSIM_SZ_4K - 1) >> 12;
	uint64_t end_pfn = (rmp_end + RMPSIM_SZ_4K - 1) >> 12;
	uint64_t need_pfn = max_pfn > end_pfn ? max_pfn : end_pfn;
	uint64_t need = (need_pfn << 4) + RMPSIM_RMP_BOOKKEEPING_SIZE;
	if (need > size)
		return rmpsim_diag_fail(diag, -EINVAL,
					"RMP_END = 0x%" PRIx64 ": RMP size 0x%" PRIx64
					" does not cover RAM up to 0x%" PRIx64 " and itself (needs 0x%" PRIx64
					")",
					rmp_end, size, ram_end, need);

	struct rmpsim_rmp_layout *l;
	int err = layout_alloc(a, 1, &l);
	if (err)
		return err;
	l->segmented = false;
	l->rmp_base = rmp_base;
	l->rmp_end = rmp_end;
	l->shift = RMPSIM__NON_SEGMENTED_SHIFT;
	l->segments[0].entries_pa = rmp_base + RMPSIM_RMP_BOOKKEEPING_SIZE;
	/* spec 2.1: coverage = ((RMP_END + 1 - RMP_BASE - 16 KiB) / 16) x 4 KiB */
	l->segments[0].mapped_bytes =
		((size - RMPSIM_RMP_BOOKKEEPING_SIZE) / RMPSIM_RMP_ENTRY_SIZE) * RMPSIM_SZ_4K;
	l->coverage_end = l->segments[0].mapped_bytes;
	*ret_layout = l;
	return 0;
}

static uint64_t seg_rmp_bytes(uint64_t mapped_bytes)
{
	return (mapped_bytes >> 12) * RMPSIM_RMP_ENTRY_SIZE; /* spec 2.3 */
}

static bool overlaps(uint64_t a0, uint64_t a1, uint64_t b0, uint64_t b1)
{
	return a0 < b1 && b0 < a1;
}

/* Checks of one used RST entry i (mapped size non-zero); see A6-A9. */
static int check_rst_entry(const struct rmpsim_rmp_layout *tmp, const uint64_t *rst, size_t i,
			   unsigned rst_limit, const struct rmpsim_segment_caps *caps, uint64_t seg_size,
			   struct rmpsim_diag *diag)
{
	uint64_t mapped_gb = rst[i] & RST_MAPPED_MASK;
	uint64_t seg_pa = rst[i] & RST_SEGBASE_MASK;

	/* A7: a used entry at or beyond the hard limit (EBX[10]) is rejected. */
	if (i >= rst_limit)
		return rmpsim_diag_fail(diag, -EINVAL,
					"RST[%zu] = 0x%" PRIx64
					" is used but index %zu is beyond the hard segment limit %u (CPUID "
					"0x80000025 EBX[9:0] = %u)",
					i, rst[i], i, rst_limit, caps->cached_count);
	/* A8: bits 63:52 are not part of a 52-bit segment address. */
	if (rst[i] & SPA_HIGH_MASK)
		return rmpsim_diag_fail(diag, -EINVAL,
					"RST[%zu].segment_address: entry 0x%" PRIx64
					" is misaligned/out of range (bits 63:52 set)",
					i, rst[i]);
	if (!seg_pa)
		return rmpsim_diag_fail(diag, -EINVAL,
					"RST[%zu].segment_address = 0 is unset but mapped_size = %" PRIu64
					" GB",
					i, mapped_gb);
	/* A6: Linux clips a mapped size above the segment size; the model rejects it. */
	if (mapped_gb << 30 > seg_size)
		return rmpsim_diag_fail(diag, -EINVAL,
					"RST[%zu].mapped_size = %" PRIu64
					" GB exceeds the segment size %" PRIu64 " GB",
					i, mapped_gb, seg_size >> 30);
	uint64_t b0 = seg_pa, b1 = seg_pa + seg_rmp_bytes(mapped_gb << 30);
	if (b1 > (1ull << 52))
		return rmpsim_diag_fail(
			diag, -EINVAL,
			"RST[%zu].segment_address = 0x%" PRIx64 ": its entries end beyond 2^52", i, seg_pa);
	/* A8: a segment may not overlap the bookkeeping area + RST or another segment. */
	uint64_t base = tmp->rmp_base;
	if (overlaps(b0, b1, base, base + RMPSIM_RMP_BOOKKEEPING_SIZE + RMPSIM_RST_SIZE))
		return rmpsim_diag_fail(diag, -EINVAL,
					"RST[%zu].segment_address = 0x%" PRIx64
					" overlaps the bookkeeping area/RST at RMP_BASE = 0x%" PRIx64,
					i, seg_pa, base);
	for (size_t j = 0; j < i; j++) {
		const struct rmpsim__segment *s = &tmp->segments[j];
		if (s->mapped_bytes &&
		    overlaps(b0, b1, s->entries_pa, s->entries_pa + seg_rmp_bytes(s->mapped_bytes)))
			return rmpsim_diag_fail(diag, -EINVAL,
						"RST[%zu].segment_address = 0x%" PRIx64
						" overlaps the entries of RST[%zu] at 0x%" PRIx64,
						i, seg_pa, j, s->entries_pa);
	}
	return 0;
}

int rmpsim_layout_segmented(const struct rmpsim_allocator *a, uint64_t rmp_base, uint64_t rmp_cfg,
			    const struct rmpsim_segment_caps *caps, const uint64_t *rst, size_t n_rst,
			    uint64_t ram_end, struct rmpsim_diag *diag, struct rmpsim_rmp_layout **ret_layout)
{
	a = rmpsim__alloc_or_default(a);
	if (!ret_layout || !caps || (n_rst && !rst))
		return -EINVAL;
	/* spec 2.3: bit 0 of RMP_CFG enables the segmented RMP. */
	if (!(rmp_cfg & RMP_CFG_ENABLE))
		return rmpsim_diag_fail(diag, -EINVAL,
					"RMP_CFG = 0x%" PRIx64 ": bit 0 (segmented RMP enable) is clear",
					rmp_cfg);
	/* spec 2.3: Linux refuses a shift outside the CPUID [min, max]. */
	unsigned shift = RMP_CFG_SHIFT(rmp_cfg);
	if (shift < caps->min_shift || shift > caps->max_shift)
		return rmpsim_diag_fail(
			diag, -EINVAL,
			"RMP_CFG.segment_shift = %u is outside the CPUID 0x80000025 range [%u, %u]", shift,
			caps->min_shift, caps->max_shift);
	/* A5: segments hold whole GBs of entries and SPAs have 52 bits. */
	if (shift < 30 || shift > 52)
		return rmpsim_diag_fail(diag, -EINVAL,
					"RMP_CFG.segment_shift = %u is outside the modelled range [30, 52]",
					shift);
	/* spec 2.1/2.3: RMP_BASE bits 51:13 zero means no RMP reserved by BIOS. */
	if (!(rmp_base & RMP_ADDR_MASK))
		return rmpsim_diag_fail(diag, -EINVAL,
					"RMP_BASE = 0x%" PRIx64
					" is unset (bits 51:13 zero): no RMP reserved by BIOS",
					rmp_base);
	if (rmp_base & SPA_HIGH_MASK)
		return rmpsim_diag_fail(diag, -EINVAL, "RMP_BASE = 0x%" PRIx64 " has bits 63:52 set",
					rmp_base);
	/* A4: the same 1 MB alignment as the contiguous RMP. */
	if (rmp_base & (SZ_1M - 1))
		return rmpsim_diag_fail(diag, -EINVAL, "RMP_BASE = 0x%" PRIx64 " is not 1 MB aligned",
					rmp_base);
	/* spec 2.3: the RST is 4 KB, up to 512 entries. */
	if (n_rst > RMPSIM_RST_MAX_ENTRIES)
		return rmpsim_diag_fail(diag, -EINVAL, "RST: %zu entries given, the RST holds at most %u",
					n_rst, RMPSIM_RST_MAX_ENTRIES);
	/* spec 2.3: with EBX[10] the cached count is also the maximum RST index count (A7). */
	unsigned rst_limit = RMPSIM_RST_MAX_ENTRIES;
	if (caps->count_is_limit && caps->cached_count < rst_limit)
		rst_limit = caps->cached_count;

	uint64_t seg_size = 1ull << shift;
	/* A scratch layout on the stack-sized budget: validate before allocating. */
	struct rmpsim__segment scratch[RMPSIM_RST_MAX_ENTRIES];
	struct rmpsim_rmp_layout tmp;
	memset(&tmp, 0, sizeof(tmp));
	memset(scratch, 0, sizeof(scratch));
	tmp.rmp_base = rmp_base;
	tmp.segments = scratch;
	size_t used = 0;
	for (size_t i = 0; i < n_rst; i++) {
		uint64_t mapped_gb = rst[i] & RST_MAPPED_MASK;
		if (!mapped_gb) /* spec 2.3: 0 = no RMP for this segment's range */
			continue;
		int err = check_rst_entry(&tmp, rst, i, rst_limit, caps, seg_size, diag);
		if (err)
			return err;
		scratch[i].entries_pa = rst[i] & RST_SEGBASE_MASK;
		scratch[i].mapped_bytes = mapped_gb << 30;
		used = i + 1;
	}
	/*
	 * spec 2.3: the segments must cover all RAM. Linux only compares the end of
	 * the last segment below RAM's end; the model requires every page below
	 * ram_end covered (A9), so a hole (mapped size 0 or short) is rejected.
	 */
	for (uint64_t i = 0; ram_end && i <= ((ram_end - 1) >> shift); i++) {
		uint64_t start = i << shift;
		uint64_t want = ram_end - start < seg_size ? ram_end - start : seg_size;
		uint64_t have = i < n_rst ? scratch[i].mapped_bytes : 0;
		if (have < want) {
			if (i >= n_rst)
				return rmpsim_diag_fail(diag, -EINVAL,
							"RST: %zu entries of %" PRIu64
							" GB segments do not cover RAM up to 0x%" PRIx64,
							n_rst, seg_size >> 30, ram_end);
			return rmpsim_diag_fail(diag, -EINVAL,
						"RST[%" PRIu64 "].mapped_size = %" PRIu64
						" GB leaves RAM [0x%" PRIx64 ", 0x%" PRIx64
						") without RMP entries",
						i, have >> 30, start + have, start + want);
		}
	}

	struct rmpsim_rmp_layout *l;
	int err = layout_alloc(a, (unsigned)used, &l);
	if (err)
		return err;
	l->segmented = true;
	l->rmp_base = rmp_base;
	l->rmp_end = 0;
	l->shift = shift;
	if (used) {
		memcpy(l->segments, scratch, used * sizeof(*scratch));
		l->coverage_end = ((uint64_t)(used - 1) << shift) + scratch[used - 1].mapped_bytes;
	}
	*ret_layout = l;
	return 0;
}

int rmpsim__layout_clone(const struct rmpsim_allocator *a, const struct rmpsim_rmp_layout *src,
			 struct rmpsim_rmp_layout **ret_layout)
{
	struct rmpsim_rmp_layout *l;
	int err = layout_alloc(a, src->n_segments, &l);

	if (err)
		return err;
	struct rmpsim__segment *segs = l->segments;
	*l = *src;
	l->alloc = a;
	l->segments = segs;
	if (src->n_segments)
		memcpy(segs, src->segments, src->n_segments * sizeof(*segs));
	*ret_layout = l;
	return 0;
}

void rmpsim_layout_destroy(struct rmpsim_rmp_layout *layout)
{
	if (!layout)
		return;
	const struct rmpsim_allocator *a = layout->alloc;
	if (layout->segments)
		rmpsim__free(a, layout->segments, layout->n_segments * sizeof(*layout->segments));
	rmpsim__free(a, layout, sizeof(*layout));
}

bool rmpsim_layout_is_segmented(const struct rmpsim_rmp_layout *layout)
{
	return layout && layout->segmented;
}

uint64_t rmpsim_layout_coverage_end(const struct rmpsim_rmp_layout *layout)
{
	return layout ? layout->coverage_end : 0;
}

/* spec 2.3: rst_index = x >> shift; entry_index = (x & (size - 1)) >> 12. */
static const struct rmpsim__segment *lookup(const struct rmpsim_rmp_layout *l, uint64_t spa,
					    uint64_t *ret_off)
{
	if (!l)
		return NULL;
	uint64_t idx = spa >> l->shift;
	uint64_t off = spa & ((1ull << l->shift) - 1);

	if (idx >= l->n_segments) /* spec 2.3: rst_index beyond the segments */
		return NULL;
	const struct rmpsim__segment *s = &l->segments[idx];
	if (off >= s->mapped_bytes) /* spec 2.3: no descriptor, or entry_index beyond it */
		return NULL;
	*ret_off = off;
	return s;
}

bool rmpsim_layout_covers(const struct rmpsim_rmp_layout *layout, uint64_t spa)
{
	return layout && rmpsim__layout_covers_inline(layout, spa);
}

int rmpsim_layout_entry_addr(const struct rmpsim_rmp_layout *layout, uint64_t spa, uint64_t *ret_addr)
{
	uint64_t off;
	if (!ret_addr)
		return -EINVAL;
	const struct rmpsim__segment *s = lookup(layout, spa, &off);

	if (!s)
		return -EFAULT;
	*ret_addr = s->entries_pa + (off >> 12) * RMPSIM_RMP_ENTRY_SIZE;
	return 0;
}

bool rmpsim__layout_range_covered(const struct rmpsim_rmp_layout *l, uint64_t spa, uint64_t bytes)
{
	if (!bytes)
		return true;
	if (spa + bytes < spa)
		return false;
	uint64_t end = spa + bytes;
	/* Walk segment by segment: O(segments touched), never O(pages). */
	while (spa < end) {
		uint64_t off;
		if (!lookup(l, spa, &off))
			return false;
		uint64_t idx = spa >> l->shift;
		uint64_t seg_end = (idx << l->shift) + l->segments[idx].mapped_bytes;
		if (end <= seg_end)
			return true;
		if (l->shift >= 52)
			return false;
		spa = (idx + 1) << l->shift;
		if (seg_end < spa)
			return false;
	}
	return true;
}

uint64_t rmpsim__layout_covered_prefix(const struct rmpsim_rmp_layout *l)
{
	uint64_t end = 0;

	for (unsigned i = 0; i < l->n_segments; i++) {
		/* Segment i covers [i << shift, (i << shift) + mapped_bytes) (rmpsim__layout_covers_inline). */
		end = ((uint64_t)i << l->shift) + l->segments[i].mapped_bytes;
		if (l->shift >= 52 || l->segments[i].mapped_bytes < (1ull << l->shift))
			break; /* the last segment, or one that leaves a hole */
	}
	return end;
}

size_t rmpsim_layout_self_ranges(const struct rmpsim_rmp_layout *layout, uint64_t (*ret_ranges)[2],
				 size_t max_ranges)
{
	size_t n = 0;

	if (!layout || (!ret_ranges && max_ranges))
		return 0;
	if (!layout->segmented) {
		if (n < max_ranges) {
			ret_ranges[n][0] = layout->rmp_base;
			ret_ranges[n][1] = layout->rmp_end + 1;
		}
		return 1;
	}
	/* spec 2.3: bookkeeping area and the RST right after it. */
	if (n < max_ranges) {
		ret_ranges[n][0] = layout->rmp_base;
		ret_ranges[n][1] = layout->rmp_base + RMPSIM_RMP_BOOKKEEPING_SIZE + RMPSIM_RST_SIZE;
	}
	n++;
	for (unsigned i = 0; i < layout->n_segments; i++) {
		const struct rmpsim__segment *s = &layout->segments[i];
		if (!s->mapped_bytes)
			continue;
		if (n < max_ranges) {
			ret_ranges[n][0] = s->entries_pa;
			ret_ranges[n][1] = s->entries_pa + seg_rmp_bytes(s->mapped_bytes);
		}
		n++;
	}
	return n;
}
