/* SPDX-License-Identifier: MIT */
/*
 * Running kernel code as written (docs/kshim.md "Running code from a patch").
 * Kernel helpers execute the RMP instructions with inline asm and `.byte`
 * opcodes; a plugin compiled from them contains the real instruction bytes,
 * which must never run natively (on an AMD host F2 0F 01 FC is `repnz
 * clzero`). The plugin loader therefore:
 *
 *  1. scan: reads the plugin's ELF file, before it is loaded, and finds every
 *     RMP instruction in its executable sections by a linear disassembly
 *     (capstone) of each section that holds one of the opcode byte
 *     sequences: RMPOPT F2 0F 01 FC, RMPUPDATE F2 0F 01 FE, PSMASH F3 0F 01 FF,
 *     RMPREAD F2 0F 01 FD, PVALIDATE F2 0F 01 FF, RMPADJUST F3 0F 01 FE. A
 *     sequence that starts an instruction is a site; one inside another
 *     instruction (an immediate, a displacement) is not. It refuses the
 *     plugin (nothing has run) when a sequence cannot be classified (the
 *     disassembly stopped before it), when an instruction the simulator
 *     does not model is found (RMPQUERY F3 0F 01 FD), or when a site has a
 *     prefix of its own;
 *  2. patch: after dlopen, each site's first two bytes become UD2;
 *  3. trap: a SIGILL handler (process-wide, installed once) finds the site,
 *     executes the instruction on the current simulated CPU through the
 *     shim (<asm/sev-rmpsim.h>) with the operands of the saved registers
 *     (RAX, RCX, RDX) and writes the architectural results back (EAX, or
 *     RFLAGS.CF for RMPOPT), then resumes after the 4-byte instruction. The
 *     handler runs on the coroutine stack of the simulated process, so the
 *     instruction may take virtual time like any other.
 *
 * Images live for the rest of the process (plugins are loaded RTLD_NODELETE).
 */
#ifndef RMPSIM_CODE_PATCH_H
#define RMPSIM_CODE_PATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <rmpsim/error.h>

#ifdef __cplusplus
extern "C" {
#endif

enum rmpsim_code_insn {
	RMPSIM_CODE_RMPOPT,
	RMPSIM_CODE_RMPUPDATE,
	RMPSIM_CODE_PSMASH,
	RMPSIM_CODE_RMPREAD,
	RMPSIM_CODE_PVALIDATE,
	RMPSIM_CODE_RMPADJUST,
	RMPSIM_CODE_NINSN
};

struct rmpsim_code_site {
	uint64_t vaddr; /* in the ELF file's address space */
	enum rmpsim_code_insn insn;
	const char *func; /* containing function, or NULL */
	uint64_t func_off;
};

struct rmpsim_code_image; /* a scanned plugin: sites and function symbols */

/*
 * Scan the ELF file at path (see above). -ENOENT, -ENOMEM, -EINVAL (not an
 * x86-64 ELF shared object, or a site refused: diag says which, with the
 * function and offset). *ret is the image, to be patched or freed.
 */
int rmpsim_code_scan(const char *path, struct rmpsim_code_image **ret, struct rmpsim_diag *diag);
size_t rmpsim_code_nsites(const struct rmpsim_code_image *img);
const struct rmpsim_code_site *rmpsim_code_site(const struct rmpsim_code_image *img, size_t i);
const char *rmpsim_code_insn_name(enum rmpsim_code_insn insn);
void rmpsim_code_free(struct rmpsim_code_image *img);

/*
 * Patch the sites of img in the object loaded at load_bias (dlinfo's
 * l_addr) and register it with the trap handler; the image is owned by the
 * registry from then on (or freed when that object was patched already: a
 * second dlopen of a loaded object). -EINVAL when the loaded bytes differ
 * from the file; on any error img is still the caller's.
 */
int rmpsim_code_patch(struct rmpsim_code_image *img, uintptr_t load_bias, struct rmpsim_diag *diag);

/* Whether the plugin calls rmpsim's tracepoints (<trace/events/rmpopt.h>). */
bool rmpsim_code_has_tracepoints(const struct rmpsim_code_image *img);

/*
 * Pass inference (docs/kshim.md "How results map to the report"): on, the
 * shim records the tracepoints' marks itself from work items, RMPOPTs and
 * cross-CPU calls. The plugin loader turns it on for a plugin without
 * tracepoints. Process-wide.
 */
void rmpsim_kshim_infer_passes(bool on);

/*
 * Which loaded plugin and function hold a code address (for crash reports):
 * true and *plugin (its path), *func (NULL when unknown) and *off.
 */
bool rmpsim_code_lookup(uintptr_t addr, const char **plugin, const char **func, uint64_t *off);

#ifdef __cplusplus
}
#endif
#endif
