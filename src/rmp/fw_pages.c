/* SPDX-License-Identifier: MIT */
/*
 * The SEV firmware's page states and the firmware commands that move pages
 * between them by writing the RMP directly (AMD's published SEV firmware,
 * amd/AMD-ASPFW: sev_rmp.c rmp_entry_get_state(), page_set_hv_fixed();
 * sev_mcmd.c snp_mcmd_page_reclaim(), snp_mcmd_page_set_state(),
 * snp_mcmd_page_unsmash()). Each command checks in the order the firmware
 * does and returns the firmware's status; the platform-state check (SNP
 * initialised) is the machine layer's.
 */
#include <string.h>

#include "rmp/entry_bits.h"
#include "table.h"
#include "rmp/unchecked.h"

#define FIRMWARE_LO 0x8000000000000005ull /* sev_rmp.c RMP_ENTRY_VAL_FIRMWARE */
#define HV_FIXED_LO 0x4ull		  /* sev_rmp.c RMP_ENTRY_VAL_HV_FIXED */
#define MAX_SELF    (RMPSIM_RST_MAX_ENTRIES + 1u)

/* sev_rmp.h: the firmware keeps a state tag in GPA field bits 38:36 of its own pages. */
#define GPA_STATE_SHIFT	   36
#define GPA_STATE_MASK	   (0x7ull << GPA_STATE_SHIFT)
#define GPA_STATE_METADATA 1u
#define GPA_STATE_FW_IOMMU 2u

enum rmpsim_fw_page_state rmpsim_rmp_fw_page_state(const struct rmpsim_raw_entry *raw)
{
	struct rmpsim_rmp_entry f;

	if (!raw)
		return RMPSIM_FWPAGE_DEFAULT;
	rmpsim_entry_decode(raw, &f);
	uint64_t gfield = f.gpa >> 12;
	uint64_t gpa = gfield & ~GPA_STATE_MASK;
	unsigned gstate = (unsigned)((gfield & GPA_STATE_MASK) >> GPA_STATE_SHIFT);
	bool fw = f.assigned && !f.validated && f.asid == 0 && f.immutable;

	/* The tests and their order of sev_rmp.c rmp_entry_get_state(). */
	if (!f.assigned && !f.validated && f.asid == 0 && !f.immutable)
		return RMPSIM_FWPAGE_HYPERVISOR;
	if (!f.assigned && !f.validated && f.asid == 0 && f.immutable)
		return RMPSIM_FWPAGE_HV_FIXED;
	if (fw && gfield == 0 && !f.vmsa)
		return RMPSIM_FWPAGE_FIRMWARE;
	if (f.assigned && !f.validated && f.asid == 0 && !f.immutable && !f.lock)
		return RMPSIM_FWPAGE_RECLAIM;
	if (fw && gfield == 0 && f.vmsa)
		return RMPSIM_FWPAGE_CONTEXT;
	if (fw && gpa > 0 && gstate == GPA_STATE_METADATA)
		return RMPSIM_FWPAGE_METADATA;
	if (f.assigned && !f.validated && f.asid > 0 && f.immutable)
		return RMPSIM_FWPAGE_PRE_GUEST;
	if (f.assigned && f.validated && f.asid > 0 && f.immutable)
		return RMPSIM_FWPAGE_PRE_SWAP;
	if (f.assigned && !f.validated && f.asid > 0 && !f.immutable)
		return RMPSIM_FWPAGE_GUEST_INVALID;
	if (f.assigned && f.validated && f.asid > 0 && !f.immutable)
		return RMPSIM_FWPAGE_GUEST_VALID;
	if (fw && gpa == 1 && gstate == GPA_STATE_FW_IOMMU && !f.vmsa)
		return RMPSIM_FWPAGE_FIRMWARE_IOMMU;
	return RMPSIM_FWPAGE_INVALID;
}

/* Whether [a, b) meets one of the RMP's own ranges (sev_rmp.c ranges_overlap with rmp_base..rmp_end). */
static bool overlaps_rmp(const struct rmpsim_rmp *rmp, uint64_t a, uint64_t b)
{
	uint64_t self[MAX_SELF][2];
	size_t n = rmpsim_layout_self_ranges(rmp->layout, self, MAX_SELF);

	for (size_t i = 0; i < n && i < MAX_SELF; i++)
		if (a < self[i][1] && self[i][0] < b)
			return true;
	return false;
}

static bool covered(const struct rmpsim_rmp *rmp, uint64_t a, uint64_t bytes)
{
	return rmpsim_layout_covers(rmp->layout, a) && rmpsim_layout_covers(rmp->layout, a + bytes - 1);
}

int rmpsim_rmp_fw_page_reclaim(struct rmpsim_rmp *rmp, uint64_t paddr, unsigned pagesize,
			       enum rmpsim_fw_cmd_status *ret_status)
{
	struct rmpsim_raw_entry raw;

	if (!rmp || !ret_status)
		return -EINVAL;
	/* snp_mcmd_page_reclaim: reserved bits of PAGE_PADDR / PAGE_SIZE must be 0. */
	if (pagesize > 1 || (paddr & (RMPSIM_SZ_4K - 1))) {
		*ret_status = RMPSIM_FWCMD_INVALID_PARAM;
		return 0;
	}
	uint64_t bytes = pagesize ? RMPSIM_SZ_2M : RMPSIM_SZ_4K;
	/* validate_address_range(): A161, a page without RMP entries is not a valid address. */
	if (!covered(rmp, paddr, bytes) || paddr + bytes < paddr) {
		*ret_status = RMPSIM_FWCMD_INVALID_ADDRESS;
		return 0;
	}
	rmpsim__rmp_get_stored(rmp, paddr, &raw);
	enum rmpsim_fw_page_state st = rmpsim_rmp_fw_page_state(&raw);
	/* "Check that page_size equals RMP.PageSize". */
	if (((raw.lo >> 1) & 1u) != pagesize) {
		*ret_status = RMPSIM_FWCMD_INVALID_PAGE_SIZE;
		return 0;
	}
	/* "If the page size is 2M, then page_paddr must be 2M aligned". */
	if (pagesize && (paddr & (RMPSIM_SZ_2M - 1))) {
		*ret_status = RMPSIM_FWCMD_INVALID_ADDRESS;
		return 0;
	}
	/* "Return success if the immutable bit is already 0". */
	if (!(raw.lo & RMPSIM__LO_IMMUTABLE)) {
		*ret_status = RMPSIM_FWCMD_SUCCESS;
		return 0;
	}
	switch (st) {
	case RMPSIM_FWPAGE_METADATA: /* to RECLAIM; the GPA field loses its state tag */
		raw.lo &= ~(GPA_STATE_MASK << RMPSIM__LO_GPA_SHIFT);
		__attribute__((fallthrough));
	case RMPSIM_FWPAGE_FIRMWARE:  /* to RECLAIM */
	case RMPSIM_FWPAGE_PRE_GUEST: /* to GUEST_INVALID */
	case RMPSIM_FWPAGE_PRE_SWAP:  /* to GUEST_VALID */
		raw.lo &= ~(RMPSIM__LO_IMMUTABLE | RMPSIM__LO_LOCK);
		break;
	default: *ret_status = RMPSIM_FWCMD_INVALID_PAGE_STATE; return 0;
	}
	int err = rmpsim__rmp_set_covered(rmp, paddr, &raw);
	if (err)
		return err;
	*ret_status = RMPSIM_FWCMD_SUCCESS;
	return 0;
}

/* Counting the entries of [a, b) that hold value, run by run (exact whatever the cut). */
struct equal_scan {
	uint64_t region, a, b, value_lo;
	uint64_t equal;
};

static int equal_visit(void *ctx, const struct rmpsim__rmp_run *r)
{
	struct equal_scan *s = ctx;

	for (unsigned i = 0; i < r->len; i++) {
		uint64_t spa = s->region + (uint64_t)(r->start + i) * RMPSIM_SZ_4K;
		if (spa < s->a || spa >= s->b)
			continue;
		struct rmpsim_raw_entry e = r->step ? rmpsim__raw_advance(r->first, i) : r->first;
		s->equal += e.lo == s->value_lo && e.hi == 0;
		if (!r->step && r->first.lo != s->value_lo)
			break; /* a run of one value: one comparison decides it */
	}
	return 0;
}

/* Whether every entry of [a, b) (covered, 4K aligned) holds lo = value_lo, hi = 0 (sev_rmp.c check_fw). */
static int range_holds(const struct rmpsim_rmp *rmp, uint64_t a, uint64_t b, uint64_t value_lo, bool *ret)
{
	for (uint64_t r = a & ~(RMPSIM_SZ_2M - 1); r < b; r += RMPSIM_SZ_2M) {
		uint64_t lo = r > a ? r : a, hi = r + RMPSIM_SZ_2M < b ? r + RMPSIM_SZ_2M : b;
		struct equal_scan s = { r, lo, hi, value_lo, 0 };
		int err = rmpsim__rmp_2m_runs(rmp, r, equal_visit, &s);
		if (err < 0)
			return err;
		if (s.equal != (hi - lo) >> 12) {
			*ret = false;
			return 0;
		}
	}
	*ret = true;
	return 0;
}

int rmpsim_rmp_fw_page_set_hv_fixed(struct rmpsim_rmp *rmp, const uint64_t (*ranges)[2], size_t n,
				    enum rmpsim_fw_cmd_status *ret_status)
{
	if (!rmp || !ret_status || (n && !ranges))
		return -EINVAL;
	uint64_t end = rmpsim_layout_coverage_end(rmp->layout);
	/* walk_reserved_list(): base bits that must be zero, a well-formed range. */
	for (size_t i = 0; i < n; i++) {
		if (ranges[i][0] > ranges[i][1] || ((ranges[i][0] | ranges[i][1]) & (RMPSIM_SZ_4K - 1))) {
			*ret_status = RMPSIM_FWCMD_INVALID_PARAM;
			return 0;
		}
	}
	/* page_set_hv_fixed(): no range may touch the RMP; every page must be FIRMWARE (check_fw). */
	for (size_t i = 0; i < n; i++) {
		uint64_t a = ranges[i][0],
			 b = ranges[i][1] < end ? ranges[i][1] : end; /* add_range clips (A161) */
		if (a >= b)
			continue;
		if (overlaps_rmp(rmp, ranges[i][0], ranges[i][1])) {
			*ret_status = RMPSIM_FWCMD_INVALID_ADDRESS;
			return 0;
		}
		if (!covered(rmp, a, b - a)) { /* scan_rmp: SCAN_RES_BAD_PADDR (a hole of a segmented RMP) */
			*ret_status = RMPSIM_FWCMD_INVALID_ADDRESS;
			return 0;
		}
		bool fw;
		int err = range_holds(rmp, a, b, FIRMWARE_LO, &fw);
		if (err)
			return err;
		if (!fw) {
			*ret_status = RMPSIM_FWCMD_INVALID_PAGE_STATE;
			return 0;
		}
	}
	/* Then the update: RMP_ENTRY_VAL_HV_FIXED, hi cleared (write_rmp_entry). */
	const struct rmpsim_raw_entry hv_fixed = { HV_FIXED_LO, 0 };
	for (size_t i = 0; i < n; i++) {
		uint64_t a = ranges[i][0], b = ranges[i][1] < end ? ranges[i][1] : end;
		if (a >= b)
			continue;
		int err = rmpsim_rmp_set_range(rmp, a, (b - a) >> 12, &hv_fixed, false);
		if (err)
			return err; /* A161: ranges before this one are done, as the firmware's loop leaves them */
	}
	*ret_status = RMPSIM_FWCMD_SUCCESS;
	return 0;
}

int rmpsim_rmp_fw_page_unsmash(struct rmpsim_rmp *rmp, uint64_t paddr, enum rmpsim_fw_cmd_status *ret_status)
{
	struct rmpsim_raw_entry e[RMPSIM_ENTRIES_PER_2M];

	if (!rmp || !ret_status)
		return -EINVAL;
	/* snp_mcmd_page_unsmash: reserved bits, "Verify that page_paddr is 2MB aligned". */
	if (paddr & (RMPSIM_SZ_2M - 1)) {
		*ret_status = RMPSIM_FWCMD_INVALID_PARAM;
		return 0;
	}
	/* get_rmp_paddr() of a page without an RMP entry: INVALID_PAGE_STATE (a DEFAULT page). */
	if (paddr + RMPSIM_SZ_2M < paddr || !covered(rmp, paddr, RMPSIM_SZ_2M)) {
		*ret_status = RMPSIM_FWCMD_INVALID_PAGE_STATE;
		return 0;
	}
	if (overlaps_rmp(rmp, paddr, paddr + RMPSIM_SZ_2M)) {
		*ret_status = RMPSIM_FWCMD_INVALID_ADDRESS;
		return 0;
	}
	/* Every check on all 512 entries before any write (the firmware's TOCTOU rule). */
	for (unsigned i = 0; i < RMPSIM_ENTRIES_PER_2M; i++) {
		rmpsim__rmp_get_stored(rmp, paddr + (uint64_t)i * RMPSIM_SZ_4K, &e[i]);
		uint64_t lo = e[i].lo;
		bool ok = !(lo & RMPSIM__LO_PAGESIZE) && (lo & RMPSIM__LO_IMMUTABLE) &&
			  !(lo & RMPSIM__LO_VMSA) &&
			  ((lo >> RMPSIM__LO_ASID_SHIFT) & RMPSIM__ASID_MAX) != 0; /* checks 1, 2, 3, 6 */
		if (ok && i == 0) /* the guest page is 2 MB aligned */
			ok = (rmpsim__raw_gpa_field(&e[0]) & (RMPSIM_ENTRIES_PER_2M - 1)) == 0;
		if (ok &&
		    i > 0) { /* checks 4, 5, 6, 7: same state, VMPL permissions, ASID; consecutive GPAs */
			ok = rmpsim_rmp_fw_page_state(&e[i]) == rmpsim_rmp_fw_page_state(&e[i - 1]) &&
			     e[i].hi == e[0].hi &&
			     ((lo ^ e[i - 1].lo) & (RMPSIM__ASID_MAX << RMPSIM__LO_ASID_SHIFT)) == 0 &&
			     rmpsim__raw_gpa_field(&e[i]) == rmpsim__raw_gpa_field(&e[i - 1]) + 1;
		}
		if (!ok) {
			*ret_status = RMPSIM_FWCMD_INVALID_PAGE_STATE;
			return 0;
		}
	}
	/*
	 * "Turn the 4k pages into one 2M page": the first gets page size 2M (its
	 * sub-page count 0, derived, A1); the others assigned = 1, asid = 0,
	 * immutable = lock = 0, every other bit as it was.
	 */
	for (unsigned i = RMPSIM_ENTRIES_PER_2M; i-- > 1;) {
		e[i].lo |= RMPSIM__LO_ASSIGNED;
		e[i].lo &= ~((RMPSIM__ASID_MAX << RMPSIM__LO_ASID_SHIFT) | RMPSIM__LO_IMMUTABLE |
			     RMPSIM__LO_LOCK);
		int err = rmpsim__rmp_set_covered(rmp, paddr + (uint64_t)i * RMPSIM_SZ_4K, &e[i]);
		if (err)
			return err; /* A161 */
	}
	e[0].lo |= RMPSIM__LO_PAGESIZE;
	int err = rmpsim__rmp_set_covered(rmp, paddr, &e[0]);
	if (err)
		return err;
	*ret_status = RMPSIM_FWCMD_SUCCESS;
	return 0;
}
