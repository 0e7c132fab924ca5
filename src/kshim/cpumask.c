/* SPDX-License-Identifier: MIT */
/*
 * cpumask operations over the first nr_cpu_ids bits (lib/cpumask.c, lib/bitmap.c
 * semantics). Bits at or above nr_cpu_ids are ignored by queries, as in Linux
 * with CONFIG_CPUMASK_OFFSTACK where nr_cpumask_bits = nr_cpu_ids.
 */
#include <linux/bug.h>
#include <linux/cpumask.h>
#include <linux/slab.h>

#define BPL (8 * (unsigned)sizeof(unsigned long))

static unsigned nwords(void)
{
	return (nr_cpu_ids + BPL - 1) / BPL;
}

/* Mask of the valid bits in word w. */
static unsigned long word_mask(unsigned w)
{
	unsigned n = nr_cpu_ids;
	if ((w + 1) * BPL <= n)
		return ~0ul;
	if (w * BPL >= n)
		return 0;
	return (1ul << (n % BPL)) - 1;
}

void cpumask_set_cpu(unsigned int cpu, struct cpumask *dstp)
{
	BUG_ON(cpu >= NR_CPUS);
	dstp->bits[cpu / BPL] |= 1ul << (cpu % BPL);
}

void cpumask_clear_cpu(unsigned int cpu, struct cpumask *dstp)
{
	BUG_ON(cpu >= NR_CPUS);
	dstp->bits[cpu / BPL] &= ~(1ul << (cpu % BPL));
}

bool cpumask_test_cpu(int cpu, const struct cpumask *srcp)
{
	if (cpu < 0 || (unsigned)cpu >= nr_cpu_ids)
		return false;
	return (srcp->bits[(unsigned)cpu / BPL] >> ((unsigned)cpu % BPL)) & 1;
}

bool cpumask_test_and_set_cpu(int cpu, struct cpumask *dstp)
{
	bool old = cpumask_test_cpu(cpu, dstp);
	cpumask_set_cpu((unsigned)cpu, dstp);
	return old;
}

bool cpumask_test_and_clear_cpu(int cpu, struct cpumask *dstp)
{
	bool old = cpumask_test_cpu(cpu, dstp);
	cpumask_clear_cpu((unsigned)cpu, dstp);
	return old;
}

void cpumask_setall(struct cpumask *dstp)
{
	for (unsigned w = 0; w < nwords(); w++)
		dstp->bits[w] = word_mask(w);
}

void cpumask_clear(struct cpumask *dstp)
{
	for (unsigned w = 0; w < nwords(); w++)
		dstp->bits[w] = 0;
}

void cpumask_copy(struct cpumask *dstp, const struct cpumask *srcp)
{
	for (unsigned w = 0; w < nwords(); w++)
		dstp->bits[w] = srcp->bits[w];
}

bool cpumask_and(struct cpumask *dstp, const struct cpumask *src1p, const struct cpumask *src2p)
{
	unsigned long any = 0;
	for (unsigned w = 0; w < nwords(); w++)
		any |= (dstp->bits[w] = src1p->bits[w] & src2p->bits[w]) & word_mask(w);
	return any != 0;
}

bool cpumask_andnot(struct cpumask *dstp, const struct cpumask *src1p, const struct cpumask *src2p)
{
	unsigned long any = 0;
	for (unsigned w = 0; w < nwords(); w++)
		any |= (dstp->bits[w] = src1p->bits[w] & ~src2p->bits[w]) & word_mask(w);
	return any != 0;
}

void cpumask_or(struct cpumask *dstp, const struct cpumask *src1p, const struct cpumask *src2p)
{
	for (unsigned w = 0; w < nwords(); w++)
		dstp->bits[w] = src1p->bits[w] | src2p->bits[w];
}

void cpumask_xor(struct cpumask *dstp, const struct cpumask *src1p, const struct cpumask *src2p)
{
	for (unsigned w = 0; w < nwords(); w++)
		dstp->bits[w] = src1p->bits[w] ^ src2p->bits[w];
}

void cpumask_complement(struct cpumask *dstp, const struct cpumask *srcp)
{
	for (unsigned w = 0; w < nwords(); w++)
		dstp->bits[w] = ~srcp->bits[w] & word_mask(w);
}

bool cpumask_intersects(const struct cpumask *src1p, const struct cpumask *src2p)
{
	for (unsigned w = 0; w < nwords(); w++)
		if (src1p->bits[w] & src2p->bits[w] & word_mask(w))
			return true;
	return false;
}

bool cpumask_subset(const struct cpumask *src1p, const struct cpumask *src2p)
{
	for (unsigned w = 0; w < nwords(); w++)
		if (src1p->bits[w] & ~src2p->bits[w] & word_mask(w))
			return false;
	return true;
}

bool cpumask_equal(const struct cpumask *src1p, const struct cpumask *src2p)
{
	for (unsigned w = 0; w < nwords(); w++)
		if ((src1p->bits[w] ^ src2p->bits[w]) & word_mask(w))
			return false;
	return true;
}

bool cpumask_empty(const struct cpumask *srcp)
{
	for (unsigned w = 0; w < nwords(); w++)
		if (srcp->bits[w] & word_mask(w))
			return false;
	return true;
}

bool cpumask_full(const struct cpumask *srcp)
{
	for (unsigned w = 0; w < nwords(); w++)
		if ((srcp->bits[w] & word_mask(w)) != word_mask(w))
			return false;
	return true;
}

unsigned int cpumask_weight(const struct cpumask *srcp)
{
	unsigned n = 0;
	for (unsigned w = 0; w < nwords(); w++)
		n += (unsigned)__builtin_popcountl(srcp->bits[w] & word_mask(w));
	return n;
}

unsigned int cpumask_weight_and(const struct cpumask *src1p, const struct cpumask *src2p)
{
	unsigned n = 0;
	for (unsigned w = 0; w < nwords(); w++)
		n += (unsigned)__builtin_popcountl(src1p->bits[w] & src2p->bits[w] & word_mask(w));
	return n;
}

/* The first bit >= start of (a & b) [& ~c when andnot], or nr_cpu_ids. */
static unsigned find_next(unsigned start, const struct cpumask *a, const struct cpumask *b, bool andnot)
{
	unsigned n = nr_cpu_ids;
	if (start >= n)
		return n;
	for (unsigned w = start / BPL; w < nwords(); w++) {
		unsigned long v = a->bits[w];
		if (b)
			v = andnot ? v & ~b->bits[w] : v & b->bits[w];
		v &= word_mask(w);
		if (w == start / BPL)
			v &= ~0ul << (start % BPL);
		if (v)
			return w * BPL + (unsigned)__builtin_ctzl(v);
	}
	return n;
}

unsigned int cpumask_first(const struct cpumask *srcp)
{
	return find_next(0, srcp, NULL, false);
}

unsigned int cpumask_first_and(const struct cpumask *src1p, const struct cpumask *src2p)
{
	return find_next(0, src1p, src2p, false);
}

unsigned int cpumask_last(const struct cpumask *srcp)
{
	for (unsigned w = nwords(); w-- > 0;) {
		unsigned long v = srcp->bits[w] & word_mask(w);
		if (v)
			return w * BPL + (BPL - 1 - (unsigned)__builtin_clzl(v));
	}
	return nr_cpu_ids;
}

unsigned int cpumask_next(int n, const struct cpumask *srcp)
{
	return find_next((unsigned)(n + 1), srcp, NULL, false);
}

unsigned int cpumask_next_and(int n, const struct cpumask *src1p, const struct cpumask *src2p)
{
	return find_next((unsigned)(n + 1), src1p, src2p, false);
}

unsigned int cpumask_next_andnot(int n, const struct cpumask *src1p, const struct cpumask *src2p)
{
	return find_next((unsigned)(n + 1), src1p, src2p, true);
}

unsigned int cpumask_any_but(const struct cpumask *srcp, unsigned int cpu)
{
	unsigned i = cpumask_first(srcp);
	if (i != cpu)
		return i;
	return cpumask_next((int)cpu, srcp);
}

unsigned int cpumask_size(void)
{
	return nwords() * (unsigned)sizeof(unsigned long);
}

/*
 * Only the words below nr_cpu_ids are allocated (Linux: cpumask_size()), so
 * code that touches bits at or above nr_cpu_ids is caught by ASan, as it
 * would corrupt memory in the kernel.
 */
bool alloc_cpumask_var(cpumask_var_t *mask, gfp_t flags)
{
	*mask = kmalloc(cpumask_size(), flags);
	return *mask != NULL;
}

bool zalloc_cpumask_var(cpumask_var_t *mask, gfp_t flags)
{
	return alloc_cpumask_var(mask, flags | __GFP_ZERO);
}

void free_cpumask_var(cpumask_var_t mask)
{
	kfree(mask);
}

/* Linux's cpu_bit_bitmap trick: row 1 + cpu % BPL has bit (cpu % BPL) in its
 * first word; stepping the pointer back cpu / BPL words moves that bit to
 * position cpu, reading only zero words of the previous row. Constant data. */
static const unsigned long cpu_bit_bitmap[BPL + 1][BITS_TO_LONGS(NR_CPUS)] = {
#define R1(x) [x + 1][0] = 1ul << (x)
#define R2(x) R1(x), R1(x + 1)
#define R4(x) R2(x), R2(x + 2)
#define R8(x) R4(x), R4(x + 4)
	R8(0), R8(8), R8(16), R8(24), R8(32), R8(40), R8(48), R8(56),
#undef R1
#undef R2
#undef R4
#undef R8
};

const struct cpumask *rmpsim__k_cpumask_of(unsigned int cpu)
{
	BUG_ON(cpu >= NR_CPUS);
	const unsigned long *p = cpu_bit_bitmap[1 + cpu % BPL];
	p -= cpu / BPL;
	return (const struct cpumask *)(const void *)p;
}
