/* SPDX-License-Identifier: MIT */
/*
 * The shared main() of the user-input fuzzers (issue 10 point 9). A target
 * defines fuzz_one(data, size), which must return normally for every input
 * (a crash, a sanitizer report or a failed FUZZ_CHECK is a finding).
 *
 *   fuzz_x DIR|FILE...            replay every file (the CI regression test)
 *   fuzz_x --mutate SECONDS DIR   also mutate the corpus at random for that
 *                                 long (seeded, no libFuzzer needed) and print
 *                                 executions per second
 *   fuzz_x --runs N DIR           the same for exactly N mutated inputs: the
 *                                 same inputs on every machine (CI)
 *
 * Built with -DRMPSIM_LIBFUZZER, the file exports LLVMFuzzerTestOneInput
 * instead (scripts/fuzz-inputs builds it with clang's libFuzzer).
 */
#ifndef RMPSIM_FUZZ_DRIVER_H
#define RMPSIM_FUZZ_DRIVER_H

#include <dirent.h>
#include <signal.h>
#include <unistd.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#define FUZZ_CHECK(x)                                                                                        \
	do {                                                                                                 \
		if (!(x)) {                                                                                  \
			fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #x);                \
			abort();                                                                             \
		}                                                                                            \
	} while (0)

static void fuzz_one(const uint8_t *data, size_t size);

#ifdef RMPSIM_LIBFUZZER
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_one(data, size);
	return 0;
}
#else
#define FUZZ_MAX_INPUT (1 << 16)
#define FUZZ_MAX_FILES 4096

struct corpus {
	uint8_t *data[FUZZ_MAX_FILES];
	size_t size[FUZZ_MAX_FILES];
	size_t n;
};

static void add_file(struct corpus *c, const char *path)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = malloc(FUZZ_MAX_INPUT);

	if (!f || !buf || c->n == FUZZ_MAX_FILES) {
		fprintf(stderr, "%s: cannot read\n", path);
		exit(2);
	}
	c->size[c->n] = fread(buf, 1, FUZZ_MAX_INPUT, f);
	c->data[c->n++] = buf;
	fclose(f);
}

static void add_path(struct corpus *c, const char *path)
{
	struct stat st;

	if (stat(path, &st)) {
		fprintf(stderr, "%s: no such file or folder\n", path);
		exit(2);
	}
	if (!S_ISDIR(st.st_mode)) {
		add_file(c, path);
		return;
	}
	DIR *dir = opendir(path);
	struct dirent *de;
	while (dir && (de = readdir(dir))) {
		char p[4096];
		if (de->d_name[0] == '.')
			continue;
		snprintf(p, sizeof(p), "%s/%s", path, de->d_name);
		add_file(c, p);
	}
	if (dir)
		closedir(dir);
}

/* The input being run in --mutate mode, written out when it aborts (a finding). */
static const uint8_t *fuzz_cur;
static size_t fuzz_cur_len;

static void save_finding(int sig)
{
	char path[64];
	snprintf(path, sizeof(path), "fuzz-finding-%ld", (long)getpid());
	FILE *f = fopen(path, "wb");
	if (f) {
		fwrite(fuzz_cur, 1, fuzz_cur_len, f);
		fclose(f);
		fprintf(stderr, "fuzz: the input is in %s\n", path);
	}
	signal(sig, SIG_DFL);
	raise(sig);
}

/* LeakSanitizer's check, when linked in (RMPSIM_FUZZ_LEAKS=1: after every input, to name the one that leaks). */
extern int __lsan_do_recoverable_leak_check(void) __attribute__((weak));

/* xorshift64*: a deterministic mutation stream. */
static uint64_t fuzz_rand(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 0x2545f4914f6cdd1dull;
}

/* One mutation of src into dst: flip, insert, delete, duplicate a run, splice. */
static size_t mutate(const struct corpus *c, uint64_t *rs, const uint8_t *src, size_t n, uint8_t *dst)
{
	static const char interesting[] = "[]=:;#()\n\t 0123456789,kKMGTiB-x\\\"<>/";
	size_t len = n;

	memcpy(dst, src, n);
	for (int k = 1 + (int)(fuzz_rand(rs) % 4); k > 0; k--) {
		size_t at = len ? fuzz_rand(rs) % len : 0;
		switch (fuzz_rand(rs) % 6) {
		case 0: /* replace a byte */
			if (len)
				dst[at] = fuzz_rand(rs) % 2 ? (uint8_t)fuzz_rand(rs)
							    : (uint8_t)interesting[fuzz_rand(rs) %
										   (sizeof(interesting) - 1)];
			break;
		case 1: /* insert a byte */
			if (len < FUZZ_MAX_INPUT - 1) {
				memmove(dst + at + 1, dst + at, len - at);
				dst[at] = (uint8_t)interesting[fuzz_rand(rs) % (sizeof(interesting) - 1)];
				len++;
			}
			break;
		case 2: /* delete a run */
			if (len) {
				size_t m = 1 + fuzz_rand(rs) % 8;
				if (m > len - at)
					m = len - at;
				memmove(dst + at, dst + at + m, len - at - m);
				len -= m;
			}
			break;
		case 3: /* duplicate a run (long lines, repeated sections) */
			if (len && len < FUZZ_MAX_INPUT / 2) {
				size_t m = 1 + fuzz_rand(rs) % (len - at < 256 ? len - at : 256);
				memmove(dst + at + m, dst + at, len - at);
				len += m;
			}
			break;
		case 4: { /* splice in a piece of another corpus file */
			size_t o = fuzz_rand(rs) % c->n, on = c->size[o];
			if (on && len + 64 < FUZZ_MAX_INPUT) {
				size_t from = fuzz_rand(rs) % on, m = 1 + fuzz_rand(rs) % 64;
				if (m > on - from)
					m = on - from;
				memmove(dst + at + m, dst + at, len - at);
				memcpy(dst + at, c->data[o] + from, m);
				len += m;
			}
			break;
		}
		default: /* a digit run: big numbers */
			if (len < FUZZ_MAX_INPUT - 24) {
				size_t m = 1 + fuzz_rand(rs) % 22;
				memmove(dst + at + m, dst + at, len - at);
				for (size_t i = 0; i < m; i++)
					dst[at + i] = (uint8_t)('0' + fuzz_rand(rs) % 10);
				len += m;
			}
			break;
		}
	}
	return len;
}

int main(int argc, char **argv)
{
	static struct corpus c;
	double seconds = 0;
	unsigned long long runs = 0;
	int i = 1;

	if (argc > 2 && !strcmp(argv[1], "--mutate")) {
		seconds = atof(argv[2]);
		i = 3;
	} else if (argc > 2 && !strcmp(argv[1], "--runs")) {
		runs = strtoull(argv[2], NULL, 10);
		seconds = 1e9;
		i = 3;
	}
	for (; i < argc; i++)
		add_path(&c, argv[i]);
	/* Before any input runs, so that a target's own handlers can chain to it. */
	signal(SIGABRT, save_finding);
	if (!c.n) {
		fprintf(stderr, "usage: %s [--mutate SECONDS] DIR|FILE...\n", argv[0]);
		return 2;
	}
	for (size_t k = 0; k < c.n; k++)
		fuzz_one(c.data[k], c.size[k]);
	printf("replayed %zu inputs\n", c.n);
	if (seconds > 0) {
		static uint8_t buf[FUZZ_MAX_INPUT];
		uint64_t rs = 0x9e3779b97f4a7c15ull, execs = 0;
		struct timespec t0, t;
		double el = 0;

		clock_gettime(CLOCK_MONOTONIC, &t0);
		const char *lk = getenv("RMPSIM_FUZZ_LEAKS");
		int leaks = lk && !strcmp(lk, "1") && __lsan_do_recoverable_leak_check;
		while (el < seconds && (!runs || execs < runs)) {
			size_t k = fuzz_rand(&rs) % c.n;
			size_t len = mutate(&c, &rs, c.data[k], c.size[k], buf);
			fuzz_cur = buf;
			fuzz_cur_len = len;
			fuzz_one(buf, len);
			if (leaks && __lsan_do_recoverable_leak_check())
				abort();
			execs++;
			if (execs % 64 == 0) {
				clock_gettime(CLOCK_MONOTONIC, &t);
				el = (double)(t.tv_sec - t0.tv_sec) + (double)(t.tv_nsec - t0.tv_nsec) / 1e9;
			}
		}
		printf("mutated %llu inputs in %.1f s: %.0f exec/s\n", (unsigned long long)execs, el,
		       (double)execs / el);
	}
	for (size_t k = 0; k < c.n; k++)
		free(c.data[k]);
	return 0;
}
#endif

/* A NUL-terminated copy of the input (the parsers take C strings), or NULL. */
__attribute__((unused)) static char *fuzz_text(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	if (s) {
		memcpy(s, data, size);
		s[size] = '\0';
	}
	return s;
}

#endif
