/* SPDX-License-Identifier: MIT */
/*
 * glibc's fortified longjmp (__longjmp_chk) refuses a jump to another stack
 * below the current one, which is what a fiber switch is.
 */
#undef _FORTIFY_SOURCE
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "base/alloc.h"
#include "fiber.h"

#if defined(__SANITIZE_ADDRESS__)
#define RMPSIM_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define RMPSIM_ASAN 1
#endif
#endif

#if defined(__SANITIZE_THREAD__)
#define RMPSIM_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define RMPSIM_TSAN 1
#endif
#endif

#ifdef RMPSIM_ASAN
#include <sanitizer/common_interface_defs.h>
#endif
#ifdef RMPSIM_TSAN
#include <sanitizer/tsan_interface.h>
#endif

void rmpsim__fiber_main(struct rmpsim__fiber *f)
{
	f->stack = NULL;
	f->stack_size = 0;
	f->mem = NULL;
	f->mem_size = 0;
	f->guard = NULL;
	f->asan_fake_stack = NULL;
	f->asan_bottom = NULL; /* learnt at the first switch back (fiber_started) */
	f->asan_size = 0;
	f->tsan_fiber = NULL;
	f->tsan_owned = false;
	f->started = true; /* the engine's stack: running now */
#ifdef RMPSIM_TSAN
	f->tsan_fiber = __tsan_get_current_fiber();
#endif
}

static void fiber_free_stack(struct rmpsim__fiber *f, const struct rmpsim_allocator *a)
{
	long pg = sysconf(_SC_PAGESIZE);
	if (f->guard) /* the allocator gets its memory back as it gave it */
		mprotect(f->guard, pg > 0 ? (size_t)pg : 4096, PROT_READ | PROT_WRITE);
	if (f->mem)
		rmpsim__free(a, f->mem, f->mem_size);
	f->mem = NULL;
	f->mem_size = 0;
	f->guard = NULL;
}

/*
 * makecontext() passes int arguments only; a pointer travels as two 32-bit
 * halves (the usual glibc idiom) and the trampoline joins them.
 */
static void trampoline(unsigned hi_fn, unsigned lo_fn, unsigned hi_arg, unsigned lo_arg)
{
	uintptr_t fn = ((uintptr_t)hi_fn << 16 << 16) | lo_fn;
	uintptr_t arg = ((uintptr_t)hi_arg << 16 << 16) | lo_arg;
	void (*entry)(void *);

	memcpy(&entry, &fn, sizeof(entry));
	entry((void *)arg);
}

int rmpsim__fiber_create(struct rmpsim__fiber *f, const struct rmpsim_allocator *a, size_t stack_size,
			 void (*entry)(void *), void *arg)
{
	uintptr_t fn, ap = (uintptr_t)arg;

	memcpy(&fn, &entry, sizeof(fn));
	/*
	 * A no-access page below the stack (stacks grow down): code that recurses
	 * too deep, a plugin's for instance, faults there (SIGSEGV, which the
	 * kernel shim's containment reports) instead of silently overwriting the
	 * heap. Without mprotect (a foreign allocator's memory may refuse it) the
	 * stack simply has no guard.
	 */
	long pg = sysconf(_SC_PAGESIZE);
	size_t page = pg > 0 ? (size_t)pg : 4096;
	if (stack_size > SIZE_MAX - 2 * page)
		return -ENOMEM;
	size_t mem_size = stack_size + 2 * page;
	void *mem = rmpsim__malloc(a, mem_size);
	if (!mem)
		return -ENOMEM;
	uintptr_t guard = ((uintptr_t)mem + page - 1) & ~(uintptr_t)(page - 1);
	void *stack = (void *)(guard + page);
	f->guard = mprotect((void *)guard, page, PROT_NONE) == 0 ? (void *)guard : NULL;
	if (!f->guard)
		stack = mem;
	f->mem = mem;
	f->mem_size = mem_size;
	if (getcontext(&f->uc) != 0) {
		fiber_free_stack(f, a);
		return -ENOMEM;
	}
	f->uc.uc_stack.ss_sp = stack;
	f->uc.uc_stack.ss_size = stack_size;
	f->uc.uc_link = NULL; /* entry() never returns: it switches away for good */
	makecontext(&f->uc, (void (*)(void))trampoline, 4, (unsigned)(fn >> 16 >> 16), (unsigned)fn,
		    (unsigned)(ap >> 16 >> 16), (unsigned)ap);
	f->stack = stack;
	f->stack_size = stack_size;
	f->started = false;
	f->asan_fake_stack = NULL;
	f->asan_bottom = stack;
	f->asan_size = stack_size;
	f->tsan_fiber = NULL;
	f->tsan_owned = false;
#ifdef RMPSIM_TSAN
	f->tsan_fiber = __tsan_create_fiber(0);
	f->tsan_owned = true;
#endif
	return 0;
}

void rmpsim__fiber_destroy(struct rmpsim__fiber *f, const struct rmpsim_allocator *a)
{
#ifdef RMPSIM_TSAN
	if (f->tsan_owned && f->tsan_fiber)
		__tsan_destroy_fiber(f->tsan_fiber);
#endif
	f->tsan_fiber = NULL;
	fiber_free_stack(f, a);
	f->stack = NULL;
}

void rmpsim__fiber_switch(struct rmpsim__fiber *from, struct rmpsim__fiber *to, bool exiting)
{
#ifdef RMPSIM_ASAN
	/* NULL save slot: ASan frees the exiting fiber's fake stack. */
	__sanitizer_start_switch_fiber(exiting ? NULL : &from->asan_fake_stack, to->asan_bottom,
				       to->asan_size);
#else
	(void)exiting;
#endif
#ifdef RMPSIM_TSAN
	__tsan_switch_to_fiber(to->tsan_fiber, 0);
#endif
#if defined(RMPSIM_TSAN) || defined(RMPSIM_ASAN)
	/* The sanitizers model their own context switch only: ASan's longjmp
	 * interceptor, on a fiber's stack, skips unpoisoning ("ASan is ignoring
	 * requested __asan_handle_no_return"); the release and clang builds run
	 * the whole suite on the jump below. */
	swapcontext(&from->uc, &to->uc);
#else
	/*
	 * A switch saves and restores the callee-saved registers and the stack
	 * pointer, nothing else: swapcontext also saves and sets the signal mask
	 * (a system call each way, ~20% of a long fleet replay), which no fiber
	 * changes. A fiber's first entry goes through its makecontext context.
	 */
	if (!_setjmp(from->jb)) {
		if (to->started)
			_longjmp(to->jb, 1);
		to->started = true;
		setcontext(&to->uc);
	}
#endif
	/* Back on `from`'s stack. */
#ifdef RMPSIM_ASAN
	const void *old_bottom = NULL;
	size_t old_size = 0;
	__sanitizer_finish_switch_fiber(from->asan_fake_stack, &old_bottom, &old_size);
#endif
}

void rmpsim__fiber_started(struct rmpsim__fiber *self, struct rmpsim__fiber *from)
{
	(void)self;
#ifdef RMPSIM_ASAN
	const void *bottom = NULL;
	size_t size = 0;
	__sanitizer_finish_switch_fiber(NULL, &bottom, &size);
	/* The engine's stack bounds, needed to announce switches back to it. */
	from->asan_bottom = bottom;
	from->asan_size = size;
#else
	(void)from;
#endif
}
