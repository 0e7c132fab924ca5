/* SPDX-License-Identifier: MIT */
#ifndef _LINUX_CONTAINER_OF_H
#define _LINUX_CONTAINER_OF_H

#include <stddef.h>

#define container_of(ptr, type, member)                                                                      \
	({                                                                                                   \
		void *__mptr = (void *)(ptr);                                                                \
		_Static_assert(                                                                              \
			__builtin_types_compatible_p(__typeof__(*(ptr)), __typeof__(((type *)0)->member)) || \
				__builtin_types_compatible_p(__typeof__(*(ptr)), void),                      \
			"pointer type mismatch in container_of()");                                          \
		/* back through void *: the member's address came from a type * */                           \
		((type *)(void *)((char *)__mptr - offsetof(type, member)));                                 \
	})

#endif
