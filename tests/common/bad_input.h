/* SPDX-License-Identifier: MIT */
/*
 * The runners of the bad-input tables (issue 11 "Bad input", docs/api.md).
 *
 * Instructions (tests/insn/test_bad_input.c, tests/machine/test_bad_input.c):
 * each row begins with a struct bad_input_want and is run by the table's own
 * run function with a poisoned struct rmpsim_insn_out. A library error (< 0)
 * must leave *out as it was; an architectural outcome must be the fault (and
 * RAX) the row names, with nothing changed in the table.
 *
 * Other calls (tests/sim/test_sim_bad_input.c, tests/lib/test_bad_args.c):
 * one function per row (BAD_CALL) returns what the row compares with its
 * want (an int function's return, a query's answer, BAD_INPUT_WROTE when a
 * poisoned ret_* argument was written); the test's changed() hook names
 * anything else the call disturbed.
 */
#ifndef RMPSIM_TEST_BAD_INPUT_H
#define RMPSIM_TEST_BAD_INPUT_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <setjmp.h>

#include <cmocka.h>

#include <rmpsim/insn.h>

#define BAD_INPUT_POISON 0xa5 /* what out-parameters hold before a bad call */

struct bad_input_want {
	const char *name;
	int ret;		 /* 0 or -errno */
	enum rmpsim_fault fault; /* with ret 0 */
	uint64_t rax;		 /* with ret 0 */
};

/* Runs one row (ctx: the table's fixture); returns the entry point's return. */
typedef int (*bad_input_run_fn)(void *ctx, const void *row, struct rmpsim_insn_out *out);

/* rows: n rows of row_size bytes, each starting with its struct bad_input_want. */
static inline void bad_input_run_table(const void *rows, size_t n, size_t row_size, bad_input_run_fn run,
				       void *ctx)
{
	for (size_t i = 0; i < n; i++) {
		const void *row = (const char *)rows + i * row_size;
		const struct bad_input_want *w = row;
		struct rmpsim_insn_out o;
		memset(&o, BAD_INPUT_POISON, sizeof(o));
		int ret = run(ctx, row, &o);
		if (ret != w->ret)
			fail_msg("%s: returned %d, want %d", w->name, ret, w->ret);
		if (ret < 0) {
			const unsigned char *b = (const unsigned char *)&o;
			for (size_t k = 0; k < sizeof(o); k++)
				if (b[k] != BAD_INPUT_POISON)
					fail_msg("%s: out written on failure (byte %zu)", w->name, k);
			continue;
		}
		if (o.fault != w->fault)
			fail_msg("%s: fault %s, want %s", w->name, rmpsim_fault_name(o.fault),
				 rmpsim_fault_name(w->fault));
		if (o.rax != w->rax)
			fail_msg("%s: rax %llu, want %llu", w->name, (unsigned long long)o.rax,
				 (unsigned long long)w->rax);
		if (o.change.changed)
			fail_msg("%s: changed the table", w->name);
	}
}

#define BAD_INPUT_RUN_TABLE(rows, run, ctx)                                                                  \
	bad_input_run_table((rows), sizeof(rows) / sizeof((rows)[0]), sizeof((rows)[0]), (run), (ctx))

/* ---- Other calls ---- */

#define BAD_INPUT_WROTE 1000 /* a row's answer when it wrote what it must not */

static inline bool bad_input_poisoned(const void *p, size_t n)
{
	const unsigned char *b = p;
	for (size_t i = 0; i < n; i++)
		if (b[i] != BAD_INPUT_POISON)
			return false;
	return true;
}
/* ret, or BAD_INPUT_WROTE when obj (poisoned before the call) was written. */
#define BAD_INPUT_UNTOUCHED(ret, obj)                                                                        \
	(bad_input_poisoned(&(obj), sizeof(obj)) ? (long long)(ret) : BAD_INPUT_WROTE)

struct bad_fix; /* each test's fixture */
struct bad_call {
	const char *name;
	long long (*call)(struct bad_fix *f);
	long long want;
};
/* A row's function: the value of expr / 0 after stmt; f is the fixture. */
#define BAD_CALL(name, expr)                                                                                 \
	static long long name(struct bad_fix *f)                                                             \
	{                                                                                                    \
		(void)f;                                                                                     \
		return (long long)(expr);                                                                    \
	}
#define BAD_VOID_CALL(name, stmt)                                                                            \
	static long long name(struct bad_fix *f)                                                             \
	{                                                                                                    \
		(void)f;                                                                                     \
		stmt;                                                                                        \
		return 0;                                                                                    \
	}
/* A row's function: the return of call, or BAD_INPUT_WROTE when it wrote o (of type, poisoned first). */
#define BAD_OUT_CALL(name, type, call)                                                                       \
	static long long name(struct bad_fix *f)                                                             \
	{                                                                                                    \
		type o;                                                                                      \
		(void)f;                                                                                     \
		memset(&o, BAD_INPUT_POISON, sizeof(o));                                                     \
		return BAD_INPUT_UNTOUCHED(call, o);                                                         \
	}

/*
 * Runs n rows on f: before(f) ahead of each (may be NULL), then the call, then
 * changed(f) (may be NULL), which names what the call changed or returns NULL.
 * Returns n.
 */
static inline size_t bad_input_run_calls(struct bad_fix *f, const struct bad_call *rows, size_t n,
					 void (*before)(struct bad_fix *f),
					 const char *(*changed)(struct bad_fix *f))
{
	for (size_t i = 0; i < n; i++) {
		if (before)
			before(f);
		long long got = rows[i].call(f);
		const char *what = changed ? changed(f) : NULL;
		if (got != rows[i].want)
			fail_msg("%s: returned %lld, want %lld%s", rows[i].name, got, rows[i].want,
				 got == BAD_INPUT_WROTE ? " (it wrote an out-parameter)" : "");
		if (what)
			fail_msg("%s: changed %s", rows[i].name, what);
	}
	return n;
}
#define BAD_INPUT_RUN_CALLS(f, rows, before, changed)                                                        \
	bad_input_run_calls((f), (rows), sizeof(rows) / sizeof((rows)[0]), (before), (changed))

#endif
