/* SPDX-License-Identifier: MIT */
/*
 * Bit operations on unsigned long arrays (a subset of <linux/bitops.h>):
 * set_bit and friends are atomic (GCC __atomic builtins, see <linux/atomic.h>
 * for why), the __ variants are not; find_*_bit and for_each_set_bit.
 */
#ifndef _LINUX_BITOPS_H
#define _LINUX_BITOPS_H

#include <linux/bits.h>
#include <linux/types.h>

static inline void set_bit(unsigned long nr, volatile unsigned long *addr)
{
	__atomic_fetch_or(&addr[BIT_WORD(nr)], BIT_MASK(nr), __ATOMIC_RELAXED);
}

static inline void clear_bit(unsigned long nr, volatile unsigned long *addr)
{
	__atomic_fetch_and(&addr[BIT_WORD(nr)], ~BIT_MASK(nr), __ATOMIC_RELAXED);
}

static inline bool test_bit(unsigned long nr, const volatile unsigned long *addr)
{
	return (__atomic_load_n(&addr[BIT_WORD(nr)], __ATOMIC_RELAXED) >> (nr % BITS_PER_LONG)) & 1;
}

static inline bool test_and_set_bit(unsigned long nr, volatile unsigned long *addr)
{
	return __atomic_fetch_or(&addr[BIT_WORD(nr)], BIT_MASK(nr), __ATOMIC_SEQ_CST) & BIT_MASK(nr);
}

static inline bool test_and_clear_bit(unsigned long nr, volatile unsigned long *addr)
{
	return __atomic_fetch_and(&addr[BIT_WORD(nr)], ~BIT_MASK(nr), __ATOMIC_SEQ_CST) & BIT_MASK(nr);
}

static inline void __set_bit(unsigned long nr, volatile unsigned long *addr)
{
	addr[BIT_WORD(nr)] |= BIT_MASK(nr);
}

static inline void __clear_bit(unsigned long nr, volatile unsigned long *addr)
{
	addr[BIT_WORD(nr)] &= ~BIT_MASK(nr);
}

/*
 * The first set bit at or after offset, below size; size when there is none
 * (Linux semantics; bits at or above size are never looked at).
 */
static inline unsigned long find_next_bit(const unsigned long *addr, unsigned long size, unsigned long offset)
{
	unsigned long w, word;

	if (offset >= size)
		return size;
	w = BIT_WORD(offset);
	word = addr[w] & (~0UL << (offset % BITS_PER_LONG));
	for (;;) {
		if (word) {
			unsigned long bit = w * BITS_PER_LONG + (unsigned long)__builtin_ctzl(word);

			return bit < size ? bit : size;
		}
		if (++w >= BITS_TO_LONGS(size))
			return size;
		word = addr[w];
	}
}

static inline unsigned long find_next_zero_bit(const unsigned long *addr, unsigned long size,
					       unsigned long offset)
{
	unsigned long w, word;

	if (offset >= size)
		return size;
	w = BIT_WORD(offset);
	word = ~addr[w] & (~0UL << (offset % BITS_PER_LONG));
	for (;;) {
		if (word) {
			unsigned long bit = w * BITS_PER_LONG + (unsigned long)__builtin_ctzl(word);

			return bit < size ? bit : size;
		}
		if (++w >= BITS_TO_LONGS(size))
			return size;
		word = ~addr[w];
	}
}

#define find_first_bit(addr, size)	find_next_bit((addr), (size), 0)
#define find_first_zero_bit(addr, size) find_next_zero_bit((addr), (size), 0)

#define for_each_set_bit(bit, addr, size)                                                                    \
	for ((bit) = find_next_bit((addr), (size), 0); (bit) < (size);                                       \
	     (bit) = find_next_bit((addr), (size), (bit) + 1))

#define for_each_set_bit_from(bit, addr, size)                                                               \
	for ((bit) = find_next_bit((addr), (size), (bit)); (bit) < (size);                                   \
	     (bit) = find_next_bit((addr), (size), (bit) + 1))

#endif
