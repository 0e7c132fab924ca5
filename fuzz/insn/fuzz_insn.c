/* SPDX-License-Identifier: MIT */
/*
 * Fuzzer: bytes -> an instruction sequence run on a SPARSE and a DENSE table,
 * compared after every instruction (tests/insn/diff_engine.h). Built with a
 * plain main() that replays every file of the directories (or files) given,
 * so the corpus runs as a regression test under any compiler; with
 * -DRMPSIM_LIBFUZZER it exports LLVMFuzzerTestOneInput instead.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "diff_engine.h"

/* RMP of 1 MiB at 64 MiB covering 252 MiB (spec 2.1), as the unit tests use. */
#define F_RMP_BASE (64ull << 20)
#define F_RMP_SIZE (1ull << 20)
#define F_COVER	   (((F_RMP_SIZE - RMPSIM_RMP_BOOKKEEPING_SIZE) / 16) * RMPSIM_SZ_4K)

struct byte_src {
	const uint8_t *p;
	size_t n, pos;
};

static uint64_t byte_src(void *ctx, uint64_t n)
{
	struct byte_src *b = ctx;
	uint64_t v = 0;
	int want = n <= 256 ? 1 : n <= 65536 ? 2 : 8;

	for (int i = 0; i < want; i++)
		v = (v << 8) | (b->pos < b->n ? b->p[b->pos++] : 0);
	return v % n;
}

static struct rmpsim_rmp *table(enum rmpsim_rmp_backend backend)
{
	struct rmpsim_rmp_layout *l = NULL;
	struct rmpsim_rmp *rmp = NULL;

	if (rmpsim_layout_contiguous(NULL, F_RMP_BASE, F_RMP_BASE + F_RMP_SIZE - 1, 128ull << 20, NULL, &l) <
	    0)
		abort();
	if (rmpsim_rmp_create(NULL, l, backend, &rmp) < 0)
		abort();
	rmpsim_layout_destroy(l);
	return rmp;
}

/* 0 when both tables agree on the whole sequence. */
static int run_one(const uint8_t *data, size_t size)
{
	struct byte_src b = { data, size, 0 };
	struct diff_pair p;
	int bad = 0;

	diff_init(&p, table(RMPSIM_RMP_SPARSE), table(RMPSIM_RMP_DENSE), F_COVER);
	while (b.pos < b.n && !bad)
		bad = diff_step(&p, byte_src, &b) || (p.steps % 64 == 0 && diff_cmp_all(&p));
	if (!bad)
		bad = diff_cmp_all(&p);
	if (bad)
		fprintf(stderr, "fuzz_insn: %s\n", p.err);
	rmpsim_rmp_destroy(p.t[0]);
	rmpsim_rmp_destroy(p.t[1]);
	return bad;
}

#ifdef RMPSIM_LIBFUZZER
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (run_one(data, size))
		abort();
	return 0;
}
#else
static int run_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		perror(path);
		return 1;
	}
	static uint8_t buf[1 << 16];
	size_t n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	int bad = run_one(buf, n);
	if (bad)
		fprintf(stderr, "fuzz_insn: %s fails\n", path);
	return bad;
}

int main(int argc, char **argv)
{
	int bad = 0, files = 0;

	for (int i = 1; i < argc; i++) {
		struct stat st;
		if (stat(argv[i], &st) < 0) {
			perror(argv[i]);
			return 1;
		}
		if (!S_ISDIR(st.st_mode)) {
			bad |= run_file(argv[i]);
			files++;
			continue;
		}
		DIR *d = opendir(argv[i]);
		struct dirent *de;
		while (d && (de = readdir(d))) {
			if (de->d_name[0] == '.')
				continue;
			char path[4096];
			snprintf(path, sizeof(path), "%s/%s", argv[i], de->d_name);
			bad |= run_file(path);
			files++;
		}
		if (d)
			closedir(d);
	}
	printf("fuzz_insn: %d inputs, %s\n", files, bad ? "FAILED" : "ok");
	return bad || files == 0;
}
#endif
