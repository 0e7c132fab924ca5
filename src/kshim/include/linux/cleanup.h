/* SPDX-License-Identifier: MIT */
/*
 * Scope-based cleanup after the kernel's <linux/cleanup.h>: __free(),
 * DEFINE_CLASS/CLASS, DEFINE_GUARD, guard() and scoped_guard(), built on
 * gcc's __attribute__((cleanup)). The class variables get unique names so
 * that nested guards do not shadow each other (-Wshadow).
 */
#ifndef _LINUX_CLEANUP_H
#define _LINUX_CLEANUP_H

#include <linux/compiler.h>

#define __cleanup(func) __attribute__((__cleanup__(func)))

#define DEFINE_FREE(_name, _type, _free)                                                                     \
	static inline void __free_##_name(void *p)                                                           \
	{                                                                                                    \
		_type _T = *(_type *)p;                                                                      \
		_free;                                                                                       \
	}
#define __free(_name) __cleanup(__free_##_name)
#define no_free_ptr(p)                                                                                       \
	({                                                                                                   \
		__typeof__(p) __ptr = (p);                                                                   \
		(p) = NULL;                                                                                  \
		__ptr;                                                                                       \
	})
#define return_ptr(p) return no_free_ptr(p)

#define DEFINE_CLASS(_name, _type, _exit, _init, ...)                                                        \
	typedef _type class_##_name##_t;                                                                     \
	static inline void class_##_name##_destructor(_type *p)                                              \
	{                                                                                                    \
		_type _T = *p;                                                                               \
		_exit;                                                                                       \
	}                                                                                                    \
	static inline _type class_##_name##_constructor(__VA_ARGS__)                                         \
	{                                                                                                    \
		_type t = _init;                                                                             \
		return t;                                                                                    \
	}

#define CLASS(_name, var)                                                                                    \
	class_##_name##_t var __cleanup(class_##_name##_destructor) __maybe_unused =                         \
		class_##_name##_constructor

/* guard(mutex)(&m): the lock is the class value; the destructor unlocks it. */
#define DEFINE_GUARD(_name, _type, _lock, _unlock)                                                           \
	DEFINE_CLASS(                                                                                        \
		_name, _type, if (_T) { _unlock; }, ({                                                       \
			_lock;                                                                               \
			_T;                                                                                  \
		}),                                                                                          \
		_type _T)

/* guard(cpus_read_lock)(): a lock without an argument. */
#define DEFINE_LOCK_GUARD_0(_name, _lock, _unlock)                                                           \
	DEFINE_CLASS(                                                                                        \
		_name, void *, if (_T) { _unlock; }, ({                                                      \
			_lock;                                                                               \
			(void *)1;                                                                           \
		}),                                                                                          \
		void)

/* guard(spinlock_irqsave)(&l): the class keeps the lock and extra state (flags). */
#define DEFINE_LOCK_GUARD_1(_name, _type, _lock, _unlock, ...)                                               \
	typedef struct {                                                                                     \
		_type *lock;                                                                                 \
		__VA_ARGS__;                                                                                 \
	} class_##_name##_t;                                                                                 \
	static inline void class_##_name##_destructor(class_##_name##_t *_T)                                 \
	{                                                                                                    \
		if (_T->lock) {                                                                              \
			_unlock;                                                                             \
		}                                                                                            \
	}                                                                                                    \
	static inline class_##_name##_t class_##_name##_constructor(_type *l)                                \
	{                                                                                                    \
		class_##_name##_t _t = { .lock = l }, *_T = &_t;                                             \
		_lock;                                                                                       \
		return _t;                                                                                   \
	}

#define guard(_name) CLASS(_name, __UNIQUE_ID(guard))

#define __scoped_guard(_name, _scope, _done, ...)                                                            \
	for (CLASS(_name, _scope)(__VA_ARGS__), *_done = NULL; !_done; _done = (void *)1)
/* The body runs once with the lock held; leaving it in any way unlocks. */
#define scoped_guard(_name, ...) __scoped_guard(_name, __UNIQUE_ID(scope), __UNIQUE_ID(done), __VA_ARGS__)

#endif
