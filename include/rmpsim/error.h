/* SPDX-License-Identifier: MIT */
/*
 * rmpsim's one error convention (style.md practice 2).
 *
 * - Library failures (bad argument, out of memory, parse error, out of range)
 *   are negative errno values: -EINVAL, -ENOMEM, -ERANGE, -EFAULT, -EBUSY,
 *   -ENOENT, -EOPNOTSUPP. They are forwarded unchanged by callers.
 * - 0 is success. A positive value is a documented outcome of that function.
 * - Architectural outcomes (RMPUPDATE return codes, #PF, #UD, #GP, CF) are values
 *   of their own types (see insn.h, machine.h), never mixed with errno.
 * - Out-parameters are named ret_* and are never written on failure.
 *
 * Errors about user input also fill a struct rmpsim_diag, which names the file,
 * line, column and the field, the value and what was expected.
 */
#ifndef RMPSIM_ERROR_H
#define RMPSIM_ERROR_H

#include <errno.h>
#include <stdarg.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* A diagnostic for a failed input. All fields are optional for readers. */
struct rmpsim_diag {
	char file[256]; /* input file, or "" when the input was not a file */
	unsigned line;	/* 1-based; 0 when not applicable */
	unsigned col;	/* 1-based; 0 when not applicable */
	char msg[512];	/* "field RST[3].mapped_size: 80 GB exceeds the segment size 64 GB" */
};

/* Human-readable text for a negative errno value returned by the library. */
const char *rmpsim_strerror(int err);

/*
 * Fill *d (when d is not NULL) and return err, so that callers can write
 * `return rmpsim_diag_fail(d, -EINVAL, "field %s: ...", ...);`.
 */
int rmpsim_diag_fail(struct rmpsim_diag *d, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int rmpsim_diag_vfail(struct rmpsim_diag *d, int err, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));
/* Set the location (file may be NULL) without touching the message. */
void rmpsim_diag_at(struct rmpsim_diag *d, const char *file, unsigned line, unsigned col);
/* "file:line:col: msg" (omitting what is unknown) into buf; returns buf. */
const char *rmpsim_diag_format(const struct rmpsim_diag *d, char *buf, size_t len);

#ifdef __cplusplus
}
#endif
#endif
