/* SPDX-License-Identifier: MIT */
/* The scanned plugin image, shared by code_scan.c and code_trap.c. */
#ifndef RMPSIM_KSHIM_CODE_IMAGE_H
#define RMPSIM_KSHIM_CODE_IMAGE_H

#include <rmpsim/code_patch.h>

struct rmpsim__code_func {
	uint64_t start, size;
	const char *name; /* into the image's strtab */
};

struct rmpsim_code_image {
	char *path;
	struct rmpsim_code_site *sites; /* in address order (the sweep's order) */
	size_t nsites, cap;
	struct rmpsim__code_func *funcs; /* by start address */
	size_t nfuncs;
	char *strtab;
	uintptr_t bias;	  /* load bias once patched */
	bool tracepoints; /* calls rmpsim__k_trace_mark */
	uint64_t lo, hi;  /* [lo, hi) the file's executable addresses, for lookup */
	struct rmpsim_code_image *next;
};

const struct rmpsim__code_func *rmpsim__code_func_at(const struct rmpsim_code_image *img, uint64_t vaddr);
const uint8_t *rmpsim__code_pattern(enum rmpsim_code_insn insn);

#endif
