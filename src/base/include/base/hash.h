/* SPDX-License-Identifier: MIT */
/*
 * FNV-1a 64-bit, for trace and output hashes. Stable across machines and
 * compilers: it only reads bytes, and integers are fed little-endian.
 */
#ifndef RMPSIM_BASE_HASH_H
#define RMPSIM_BASE_HASH_H

#include <stddef.h>
#include <stdint.h>

#define RMPSIM_FNV_OFFSET 0xcbf29ce484222325ull
#define RMPSIM_FNV_PRIME  0x100000001b3ull

static inline uint64_t rmpsim__hash_bytes(uint64_t h, const void *data, size_t n)
{
	const unsigned char *p = data;

	for (size_t i = 0; i < n; i++) {
		h ^= p[i];
		h *= RMPSIM_FNV_PRIME;
	}
	return h;
}

static inline uint64_t rmpsim__hash_u64(uint64_t h, uint64_t v)
{
	for (int i = 0; i < 8; i++) {
		h ^= (v >> (8 * i)) & 0xff;
		h *= RMPSIM_FNV_PRIME;
	}
	return h;
}

#endif
