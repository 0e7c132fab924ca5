/* SPDX-License-Identifier: MIT */
/*
 * A small deterministic PRNG (splitmix64 seeding xoshiro256**), so that every
 * random choice in rmpsim and its tests is reproducible from a printed seed.
 * State lives in the caller's handle; there is no global generator.
 */
#ifndef RMPSIM_BASE_RNG_H
#define RMPSIM_BASE_RNG_H

#include <stdint.h>

struct rmpsim_rng {
	uint64_t s[4];
};

static inline uint64_t rmpsim__splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static inline void rmpsim__rng_seed(struct rmpsim_rng *r, uint64_t seed)
{
	for (int i = 0; i < 4; i++)
		r->s[i] = rmpsim__splitmix64(&seed);
}

static inline uint64_t rmpsim__rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

static inline uint64_t rmpsim__rng_next(struct rmpsim_rng *r)
{
	uint64_t *s = r->s;
	uint64_t result = rmpsim__rotl(s[1] * 5, 7) * 9;
	uint64_t t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rmpsim__rotl(s[3], 45);
	return result;
}

/* Uniform in [0, n); n > 0. Lemire-style rejection keeps it unbiased. */
static inline uint64_t rmpsim__rng_below(struct rmpsim_rng *r, uint64_t n)
{
	uint64_t limit = UINT64_MAX - UINT64_MAX % n;
	uint64_t x;

	do {
		x = rmpsim__rng_next(r);
	} while (x >= limit);
	return x % n;
}

#endif
