/* SPDX-License-Identifier: MIT */
/*
 * Coroutines for simulated processes: ucontext stacks from the injected
 * allocator, and every switch announced to ASan (fiber switch API) and TSan
 * (fiber API), which otherwise report false stack errors or races. One
 * "main" fiber stands for the engine's own stack. docs/timing.md says why
 * coroutines.
 */
#ifndef RMPSIM_SIM_FIBER_H
#define RMPSIM_SIM_FIBER_H

#include <stdbool.h>
#include <setjmp.h>
#include <stddef.h>
#include <ucontext.h>

#include <rmpsim/alloc.h>

struct rmpsim__fiber {
	ucontext_t uc; /* the first entry (makecontext); every switch under ASan, TSan */
	jmp_buf jb;    /* where the fiber stopped at its last switch away */
	bool started;  /* running or switched away at least once: resume by jb */
	void *stack;   /* NULL for the main fiber */
	size_t stack_size;
	void *mem; /* the allocation holding the stack and its guard page */
	size_t mem_size;
	void *guard;		 /* the no-access page below the stack, or NULL */
	void *asan_fake_stack;	 /* ASan: fake stack saved while switched out */
	const void *asan_bottom; /* ASan: bounds of this fiber's stack */
	size_t asan_size;
	void *tsan_fiber; /* TSan fiber handle */
	bool tsan_owned;  /* created by us (destroy it) */
};

/* The engine's fiber: call on the engine stack before switching away. */
void rmpsim__fiber_main(struct rmpsim__fiber *f);
/* A fiber that runs entry(arg) on a new stack when first switched to. -ENOMEM. */
int rmpsim__fiber_create(struct rmpsim__fiber *f, const struct rmpsim_allocator *a, size_t stack_size,
			 void (*entry)(void *), void *arg);
void rmpsim__fiber_destroy(struct rmpsim__fiber *f, const struct rmpsim_allocator *a);
/* Switch from the running fiber `from` to `to`. exiting: `from` never runs again. */
void rmpsim__fiber_switch(struct rmpsim__fiber *from, struct rmpsim__fiber *to, bool exiting);
/* First thing a new fiber's entry() does (completes the sanitizer handshake). */
void rmpsim__fiber_started(struct rmpsim__fiber *self, struct rmpsim__fiber *from);

#endif
