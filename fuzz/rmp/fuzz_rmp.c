/* SPDX-License-Identifier: MIT */
/*
 * Fuzzer of the rmp layer: input bytes -> either a layout parse (contiguous or
 * segmented, whose accepted results are checked against the spec 2.1/2.3
 * formulas) or a sequence of table writes run on a SPARSE and a DENSE table,
 * compared entry by entry and summary by summary after every write. A plain
 * main() replays every file of the directories (or files) given, so the corpus
 * runs as a regression test; -DRMPSIM_LIBFUZZER exports the libFuzzer entry.
 */
#include <dirent.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <rmpsim/rmp.h>

#define CHECK(x)                                                                                             \
	do {                                                                                                 \
		if (!(x)) {                                                                                  \
			fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #x);                \
			abort();                                                                             \
		}                                                                                            \
	} while (0)

struct src {
	const uint8_t *p;
	size_t n, pos;
};

static uint64_t take(struct src *s, unsigned bytes)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < bytes; i++)
		v = (v << 8) | (s->pos < s->n ? s->p[s->pos++] : 0);
	return v;
}

/* spec 2.1: an accepted contiguous layout obeys the coverage and address formulas. */
static void fuzz_contiguous(struct src *s)
{
	uint64_t base = take(s, 3) << 20, size = (take(s, 2) + 1) << 20, ram = take(s, 3) << 20;
	struct rmpsim_rmp_layout *l = NULL;
	struct rmpsim_diag d;

	if (rmpsim_layout_contiguous(NULL, base, base + size - 1, ram, &d, &l))
		return;
	uint64_t cover = ((size - RMPSIM_RMP_BOOKKEEPING_SIZE) / 16) * RMPSIM_SZ_4K;
	CHECK(rmpsim_layout_coverage_end(l) == cover);
	CHECK(cover >= ram && cover >= base + size);
	for (int i = 0; i < 8; i++) {
		uint64_t spa = take(s, 5) << 12, a = 0;
		int err = rmpsim_layout_entry_addr(l, spa, &a);
		CHECK((err == 0) == (spa < cover));
		CHECK(err || a == base + RMPSIM_RMP_BOOKKEEPING_SIZE + (spa >> 12) * 16);
	}
	rmpsim_layout_destroy(l);
}

/* spec 2.3: an accepted segmented layout obeys the RST lookup formula. */
static void fuzz_segmented(struct src *s)
{
	struct rmpsim_segment_caps caps = { (unsigned)take(s, 1) % 64, (unsigned)take(s, 1) % 64,
					    (unsigned)take(s, 2) % 1024, take(s, 1) & 1 };
	uint64_t cfg = take(s, 2), base = take(s, 3) << 12, ram = take(s, 2) << 30;
	size_t n = (size_t)take(s, 1) % 24;
	uint64_t rst[24];
	struct rmpsim_rmp_layout *l = NULL;
	struct rmpsim_diag d;

	for (size_t i = 0; i < n; i++)
		rst[i] = take(s, 1) & 1 ? ((take(s, 3) << 28) | (take(s, 1) % 80)) : take(s, 8);
	if (rmpsim_layout_segmented(NULL, base, cfg, &caps, rst, n, ram, &d, &l))
		return;
	unsigned shift = (cfg >> 8) & 0x3f;
	CHECK(shift >= caps.min_shift && shift <= caps.max_shift);
	for (uint64_t p = 0; p < ram; p += 1ull << 30)
		CHECK(rmpsim_layout_covers(l, p));
	for (int i = 0; i < 8; i++) {
		uint64_t spa = take(s, 6) << 12, a = 0;
		uint64_t idx = spa >> shift, off = spa & ((1ull << shift) - 1);
		bool want = idx < n && off < ((rst[idx] & 0xfffff) << 30);
		int err = rmpsim_layout_entry_addr(l, spa, &a);
		CHECK((err == 0) == want);
		CHECK(err || a == (rst[idx] & 0x000ffffffff00000ull) + (off >> 12) * 16);
	}
	rmpsim_layout_destroy(l);
}

static void compare(struct rmpsim_rmp *sp, struct rmpsim_rmp *dn, uint64_t spa)
{
	struct rmpsim_raw_entry a, b;

	CHECK(rmpsim_rmp_get(sp, spa, &a) == 0 && rmpsim_rmp_get(dn, spa, &b) == 0);
	CHECK(a.lo == b.lo && a.hi == b.hi);
	CHECK(rmpsim_rmp_2m_assigned_count(sp, spa) == rmpsim_rmp_2m_assigned_count(dn, spa));
	CHECK(rmpsim_rmp_2m_head_assigned(sp, spa) == rmpsim_rmp_2m_head_assigned(dn, spa));
	CHECK(rmpsim_rmp_1g_first_busy_slot(sp, spa) == rmpsim_rmp_1g_first_busy_slot(dn, spa));
}

/* Table writes on both backends; 2 GB of coverage so ranges cross a GB edge. */
static void fuzz_table(struct src *s)
{
	struct rmpsim_rmp_layout *l = NULL;
	struct rmpsim_rmp *sp = NULL, *dn = NULL;
	/* 9 MiB RMP at 256 MiB: 2 GiB + 252 MiB covered (spec 2.1). */
	CHECK(rmpsim_layout_contiguous(NULL, 256ull << 20, (265ull << 20) - 1, 2ull << 30, NULL, &l) == 0);
	CHECK(rmpsim_rmp_create(NULL, l, RMPSIM_RMP_SPARSE, &sp) == 0);
	CHECK(rmpsim_rmp_create(NULL, l, RMPSIM_RMP_DENSE, &dn) == 0);
	uint64_t cover = rmpsim_layout_coverage_end(l);
	rmpsim_layout_destroy(l);
	while (s->pos < s->n) {
		unsigned op = (unsigned)take(s, 1);
		/* Pages near a few places (GB edge, 2 MB edges) so chunks fragment. */
		uint64_t page = ((op & 3) == 0 ? take(s, 3) : ((1ull << 18) - 600 + take(s, 2) % 1200)) %
				(cover >> 12);
		uint64_t n = op & 4 ? 1 : 1 + take(s, 2) % 2000;
		struct rmpsim_raw_entry e = { 0, 0 };
		switch ((op >> 3) & 3) {
		case 0: break;
		case 1: e.lo = 1 | (page << 12) | ((take(s, 1) & 3) << 51); break;
		case 2: e.lo = take(s, 1) & 1 ? 0x4 : 0x8000000000000005ull; break;
		default: e.lo = take(s, 8), e.hi = take(s, 8); break;
		}
		if ((page + n) << 12 > cover)
			n = (cover >> 12) - page;
		bool step = op & 0x20;
		CHECK(rmpsim_rmp_set_range(sp, page << 12, n, &e, step) == 0);
		CHECK(rmpsim_rmp_set_range(dn, page << 12, n, &e, step) == 0);
		for (uint64_t i = 0; i < n; i++)
			compare(sp, dn, (page + i) << 12);
		for (uint64_t p = (page << 12) & ~(RMPSIM_SZ_2M - 1); p < (page + n) << 12; p += RMPSIM_SZ_2M)
			compare(sp, dn, p);
	}
	rmpsim_rmp_destroy(sp);
	rmpsim_rmp_destroy(dn);
}

static void run_one(const uint8_t *data, size_t size)
{
	struct src s = { data, size, 0 };

	switch (take(&s, 1) % 4) {
	case 0: fuzz_contiguous(&s); break;
	case 1: fuzz_segmented(&s); break;
	default: fuzz_table(&s); break;
	}
}

#ifdef RMPSIM_LIBFUZZER
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	run_one(data, size);
	return 0;
}
#else
static int replay_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return -1;
	static uint8_t buf[1 << 16];
	size_t n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	run_one(buf, n);
	return 0;
}

int main(int argc, char **argv)
{
	int files = 0;

	for (int i = 1; i < argc; i++) {
		struct stat st;
		if (stat(argv[i], &st))
			return 2;
		if (!S_ISDIR(st.st_mode)) {
			files += replay_file(argv[i]) == 0;
			continue;
		}
		DIR *dir = opendir(argv[i]);
		struct dirent *de;
		while (dir && (de = readdir(dir))) {
			if (de->d_name[0] == '.')
				continue;
			char path[4096];
			snprintf(path, sizeof(path), "%s/%s", argv[i], de->d_name);
			files += replay_file(path) == 0;
		}
		if (dir)
			closedir(dir);
	}
	printf("replayed %d inputs\n", files);
	return files ? 0 : 1;
}
#endif
