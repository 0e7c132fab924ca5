/* SPDX-License-Identifier: MIT */
/*
 * The Reverse Map Table (spec section 2): entry formats, layouts, and a
 * scalable store with exact summaries.
 *
 * Thread safety: a struct rmpsim_rmp is not locked internally. Operations on
 * *different* 1 GB regions may run concurrently from different threads;
 * operations touching the same 1 GB region must be serialised by the caller
 * (the machine layer holds a per-GB lock). Read-only queries of a region may
 * run concurrently with each other but not with writes to that region.
 *
 * Bad input: the int functions give -EINVAL for a NULL table, layout or
 * argument (-EFAULT where an SPA is not covered, as documented); the queries
 * answer 0, false or NULL for a NULL table or layout (an empty table: no
 * assigned entry, no busy slot); encode and decode do nothing with NULL.
 */
#ifndef RMPSIM_RMP_H
#define RMPSIM_RMP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <rmpsim/alloc.h>
#include <rmpsim/error.h>

#ifdef __cplusplus
extern "C" {
#endif

#define RMPSIM_SZ_4K		    (1ull << 12)
#define RMPSIM_SZ_2M		    (1ull << 21)
#define RMPSIM_SZ_1G		    (1ull << 30)
#define RMPSIM_ENTRIES_PER_2M	    512u
#define RMPSIM_SLOTS_PER_1G	    512u /* 2 MB slots in a 1 GB region */
#define RMPSIM_RMP_ENTRY_SIZE	    16u
#define RMPSIM_RMP_BOOKKEEPING_SIZE (16u * 1024u) /* spec 2.1 */
#define RMPSIM_RST_SIZE		    4096u	  /* spec 2.3 */
#define RMPSIM_RST_MAX_ENTRIES	    512u	  /* spec 2.3 */

enum rmpsim_pagesize { RMPSIM_PAGE_4K = 0, RMPSIM_PAGE_2M = 1 };

/* ---- Entry formats (spec 2.2 raw, 2.4 RMPREAD) ---- */

/* The 16 bytes the hardware holds, as two little-endian 64-bit words. */
struct rmpsim_raw_entry {
	uint64_t lo;
	uint64_t hi;
};

/* VMPL permission bits in each hi byte (spec 2.2). */
#define RMPSIM_PERM_READ	 0x01u
#define RMPSIM_PERM_WRITE	 0x02u
#define RMPSIM_PERM_EXEC_USER	 0x04u
#define RMPSIM_PERM_EXEC_SUPER	 0x08u
#define RMPSIM_PERM_SHADOW_STACK 0x10u
#define RMPSIM_PERM_ALL		 0x1fu

/* The raw entry decoded field by field (spec 2.2). */
struct rmpsim_rmp_entry {
	/* lo */
	bool assigned;		/* bit 0 */
	uint8_t pagesize;	/* bit 1: enum rmpsim_pagesize */
	bool immutable;		/* bit 2 */
	uint16_t subpage_count; /* bits 3-11 */
	uint64_t gpa;		/* bits 12-50 hold gpa >> 12; here the full, 4K-aligned GPA */
	uint16_t asid;		/* bits 51-60 */
	bool vmsa;		/* bit 61 */
	bool validated;		/* bit 62 */
	bool lock;		/* bit 63 */
	/* hi */
	uint8_t vmpl_perms[4];	    /* bytes 0-3: VMPL0..VMPL3 */
	bool implicit_key_select;   /* bit 32 */
	uint8_t root_port_id;	    /* bits 49-53 */
	uint8_t pcie_ide_stream_id; /* bits 54-61 */
	uint8_t page_migration;	    /* bits 62-63 */
	uint64_t hi_reserved;	    /* every other hi bit, kept verbatim */
};

void rmpsim_entry_encode(const struct rmpsim_rmp_entry *e, struct rmpsim_raw_entry *ret_raw);
/* Never fails: every 128-bit value decodes. encode(decode(x)) == x for all x. */
void rmpsim_entry_decode(const struct rmpsim_raw_entry *raw, struct rmpsim_rmp_entry *ret_e);

/* The architectural RMPREAD output (spec 2.4, Linux struct rmpentry). */
struct rmpsim_rmpread_entry {
	uint64_t gpa;
	bool assigned;
	uint8_t pagesize;
	bool hpage_region_status;
	bool immutable;
	uint32_t asid;
};
void rmpsim_rmpread_encode(const struct rmpsim_rmpread_entry *e, uint8_t ret_bytes[16]);
void rmpsim_rmpread_decode(const uint8_t bytes[16], struct rmpsim_rmpread_entry *ret_e);

/* ---- Layouts (spec 2.1 contiguous, 2.3 segmented) ---- */

/* CPUID 0x80000025 EAX/EBX facts the segmented layout is checked against. */
struct rmpsim_segment_caps {
	unsigned min_shift;    /* EAX[5:0] */
	unsigned max_shift;    /* EAX[11:6] */
	unsigned cached_count; /* EBX[9:0] */
	bool count_is_limit;   /* EBX[10] */
};

struct rmpsim_rmp_layout; /* opaque */

/*
 * Parse a contiguous RMP from RMP_BASE/RMP_END (the MSR values) and check it
 * covers RAM up to ram_end (exclusive SPA) and itself, as Linux does.
 */
int rmpsim_layout_contiguous(const struct rmpsim_allocator *a, uint64_t rmp_base, uint64_t rmp_end,
			     uint64_t ram_end, struct rmpsim_diag *diag,
			     struct rmpsim_rmp_layout **ret_layout);
/*
 * Parse a segmented RMP: RMP_BASE, RMP_CFG, the caps, and the RST's entries
 * (n_rst 8-byte values as read from RMP_BASE + 16 KiB). RAM up to ram_end must
 * be covered; segments above RAM are allowed.
 */
int rmpsim_layout_segmented(const struct rmpsim_allocator *a, uint64_t rmp_base, uint64_t rmp_cfg,
			    const struct rmpsim_segment_caps *caps, const uint64_t *rst, size_t n_rst,
			    uint64_t ram_end, struct rmpsim_diag *diag,
			    struct rmpsim_rmp_layout **ret_layout);
void rmpsim_layout_destroy(struct rmpsim_rmp_layout *layout);

bool rmpsim_layout_is_segmented(const struct rmpsim_rmp_layout *layout);
/* One past the highest SPA any entry covers. */
uint64_t rmpsim_layout_coverage_end(const struct rmpsim_rmp_layout *layout);
bool rmpsim_layout_covers(const struct rmpsim_rmp_layout *layout, uint64_t spa);
/* The SPA of the first byte of the entry for spa; -EFAULT if not covered. */
int rmpsim_layout_entry_addr(const struct rmpsim_rmp_layout *layout, uint64_t spa, uint64_t *ret_addr);
/* Every SPA range holding the RMP itself (bookkeeping, RST, segments), for SNP_INIT. */
size_t rmpsim_layout_self_ranges(const struct rmpsim_rmp_layout *layout, uint64_t (*ret_ranges)[2],
				 size_t max_ranges);

/* ---- The table store ---- */

enum rmpsim_rmp_backend {
	RMPSIM_RMP_SPARSE = 0, /* scalable: memory only where entries are non-zero */
	RMPSIM_RMP_DENSE = 1,  /* reference: a plain array, for small memories and tests */
};

struct rmpsim_rmp; /* opaque */

/* A table covering the SPAs of layout (which it copies). */
int rmpsim_rmp_create(const struct rmpsim_allocator *a, const struct rmpsim_rmp_layout *layout,
		      enum rmpsim_rmp_backend backend, struct rmpsim_rmp **ret_rmp);
void rmpsim_rmp_destroy(struct rmpsim_rmp *rmp);
const struct rmpsim_rmp_layout *rmpsim_rmp_layout(const struct rmpsim_rmp *rmp);

/*
 * The raw entry for the 4K page holding spa; -EFAULT if not covered.
 * subpage_count (lo bits 3-11) of a 2 MB-aligned entry is maintained by the
 * table as the number of assigned entries among the other 511 of that 2 MB
 * region (assumption named in docs/model.md); in other entries it reads 0.
 */
int rmpsim_rmp_get(const struct rmpsim_rmp *rmp, uint64_t spa, struct rmpsim_raw_entry *ret_entry);
/* Write one entry; subpage_count bits of the input are ignored. -EFAULT, -ENOMEM. */
int rmpsim_rmp_set(struct rmpsim_rmp *rmp, uint64_t spa, const struct rmpsim_raw_entry *entry);
/*
 * Write npages consecutive 4K entries starting at 4K-aligned spa: entry i is
 * `first` with the GPA advanced by i * 4K when gpa_step is true. Equivalent to
 * npages rmpsim_rmp_set() calls, but costs O(regions touched). On failure
 * nothing is changed.
 */
int rmpsim_rmp_set_range(struct rmpsim_rmp *rmp, uint64_t spa, uint64_t npages,
			 const struct rmpsim_raw_entry *first, bool gpa_step);

/* ---- Exact summaries, kept on every change ---- */

/* Assigned entries (any page size) among the 512 of the 2 MB region holding spa. */
unsigned rmpsim_rmp_2m_assigned_count(const struct rmpsim_rmp *rmp, uint64_t spa);
/* Whether the 2 MB-aligned entry of that region is assigned (any page size). */
bool rmpsim_rmp_2m_head_assigned(const struct rmpsim_rmp *rmp, uint64_t spa);
/* Whether any entry of the 1 GB region holding spa is assigned. */
bool rmpsim_rmp_1g_is_free(const struct rmpsim_rmp *rmp, uint64_t spa);
/* The first 2 MB slot (0..511) of that 1 GB region holding an assigned entry; -1 if none. */
int rmpsim_rmp_1g_first_busy_slot(const struct rmpsim_rmp *rmp, uint64_t spa);
/* Visit every non-zero entry of the 2 MB region holding spa (spec 3.6 dump). */
int rmpsim_rmp_2m_for_each_nonzero(const struct rmpsim_rmp *rmp, uint64_t spa,
				   int (*fn)(void *ctx, uint64_t spa, const struct rmpsim_raw_entry *e),
				   void *ctx);

/* Bytes of host memory this table holds now (for benchmarks and reports). */
size_t rmpsim_rmp_memory_bytes(const struct rmpsim_rmp *rmp);

/* ---- SNP_INIT's view of the table (spec 2.2 firmware notes) ---- */

/*
 * What SNP_INIT writes, as the firmware's configure_rmp() (AMD-ASPFW
 * sev_rmp.c): every covered entry HV_FIXED (0x4, immutable only), then the
 * DRAM ranges hypervisor (zero), then the hv_fixed ranges (the SNP_INIT_EX
 * range list) HV_FIXED, then the RMP's own pages (from the layout) FIRMWARE
 * (0x8000000000000005); later steps win. Ranges are [start, end) SPAs, 4K
 * aligned. -EINVAL for bad ranges, -ENOMEM (A12: the table is then all zero).
 */
int rmpsim_rmp_snp_init_map(struct rmpsim_rmp *rmp, const uint64_t (*dram)[2], size_t n_dram,
			    const uint64_t (*hv_fixed)[2], size_t n_hv_fixed);
/* rmpsim_rmp_snp_init_map() with every covered page DRAM. */
int rmpsim_rmp_snp_init(struct rmpsim_rmp *rmp, const uint64_t (*hv_fixed)[2], size_t n_hv_fixed);
/*
 * The 1 GB regions (by index, SPA >> 30) that can never be optimised because
 * they hold firmware-assigned pages; returns how many there are, writing at
 * most max of them.
 */
size_t rmpsim_rmp_unoptimizable_1g(const struct rmpsim_rmp *rmp, uint64_t *ret_regions, size_t max);

/* ---- Firmware page states and commands (AMD-ASPFW sev_rmp.c, sev_mcmd.c) ---- */

/* The firmware's page states (sev_rmp.h snp_page_state_t, SEV-SNP firmware ABI 6.2). */
enum rmpsim_fw_page_state {
	RMPSIM_FWPAGE_INVALID = 0x0,	    /* no state's bit pattern */
	RMPSIM_FWPAGE_DEFAULT = 0x1,	    /* no RMP entry */
	RMPSIM_FWPAGE_HYPERVISOR = 0x2,	    /* assigned 0, immutable 0 */
	RMPSIM_FWPAGE_HV_FIXED = 0x3,	    /* assigned 0, immutable 1 */
	RMPSIM_FWPAGE_FIRMWARE = 0x4,	    /* assigned 1, ASID 0, immutable 1, GPA 0, VMSA 0 */
	RMPSIM_FWPAGE_FIRMWARE_IOMMU = 0x5, /* as FIRMWARE, GPA field 1 tagged FW_IOMMU */
	RMPSIM_FWPAGE_RECLAIM = 0x6,	    /* assigned 1, ASID 0, immutable 0, lock 0 */
	RMPSIM_FWPAGE_CONTEXT = 0x7,	    /* as FIRMWARE with VMSA 1 */
	RMPSIM_FWPAGE_METADATA = 0x8,	    /* as FIRMWARE, GPA > 0 tagged METADATA */
	RMPSIM_FWPAGE_PRE_GUEST = 0x9,	    /* assigned 1, ASID > 0, immutable 1, not validated */
	RMPSIM_FWPAGE_PRE_SWAP = 0xA,	    /* assigned 1, ASID > 0, immutable 1, validated */
	RMPSIM_FWPAGE_GUEST_INVALID = 0xB,  /* assigned 1, ASID > 0, immutable 0, not validated */
	RMPSIM_FWPAGE_GUEST_VALID = 0xC,    /* assigned 1, ASID > 0, immutable 0, validated */
};
/* The state of an entry as sev_rmp.c rmp_entry_get_state() decides it; NULL (no entry) is DEFAULT. */
enum rmpsim_fw_page_state rmpsim_rmp_fw_page_state(const struct rmpsim_raw_entry *e);

/* SEV firmware status codes of the page commands (Linux include/uapi/linux/psp-sev.h values). */
enum rmpsim_fw_cmd_status {
	RMPSIM_FWCMD_SUCCESS = 0x00,
	RMPSIM_FWCMD_INVALID_PLATFORM_STATE = 0x01, /* the machine layer's: SNP not initialised */
	RMPSIM_FWCMD_INVALID_ADDRESS = 0x09,
	RMPSIM_FWCMD_INVALID_PARAM = 0x16,
	RMPSIM_FWCMD_INVALID_PAGE_SIZE = 0x19,
	RMPSIM_FWCMD_INVALID_PAGE_STATE = 0x1A,
};
/*
 * SNP_PAGE_RECLAIM (sev_mcmd.c snp_mcmd_page_reclaim): a FIRMWARE or METADATA
 * page to RECLAIM, PRE_GUEST to GUEST_INVALID, PRE_SWAP to GUEST_VALID, by
 * clearing immutable and lock; an entry already not immutable is SUCCESS
 * unchanged. pagesize 0 = 4K, 1 = 2M (only the 2 MB entry is written).
 * Returns 0 with *ret_status, -EINVAL, -ENOMEM.
 */
int rmpsim_rmp_fw_page_reclaim(struct rmpsim_rmp *rmp, uint64_t paddr, unsigned pagesize,
			       enum rmpsim_fw_cmd_status *ret_status);
/*
 * SNP_PAGE_SET_STATE (sev_rmp.c page_set_hv_fixed): every page of the ranges
 * ([start, end) SPAs, 4K aligned, clipped to the RMP's coverage) must be
 * FIRMWARE (0x8000000000000005) and none may be part of the RMP; then all of
 * them become HV_FIXED (0x4). Nothing is written unless every check passes.
 */
int rmpsim_rmp_fw_page_set_hv_fixed(struct rmpsim_rmp *rmp, const uint64_t (*ranges)[2], size_t n,
				    enum rmpsim_fw_cmd_status *ret_status);
/*
 * SNP_PAGE_UNSMASH (sev_mcmd.c snp_mcmd_page_unsmash): 512 4K entries of one
 * immutable guest page (same state, ASID, VMPL permissions, consecutive GPAs
 * from a 2 MB-aligned one, VMSA 0) become one 2 MB page: the first entry gets
 * page size 2M, the others assigned = 1, ASID 0, immutable = lock = 0 (A25).
 */
int rmpsim_rmp_fw_page_unsmash(struct rmpsim_rmp *rmp, uint64_t paddr, enum rmpsim_fw_cmd_status *ret_status);

#ifdef __cplusplus
}
#endif
#endif
