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
 * line, column and the field, the value and what was expected, and records
 * the class of the failure (enum rmpsim_err_class), from which the command
 * line tool takes its exit code (docs/cli.md "Exit status").
 */
#ifndef RMPSIM_ERROR_H
#define RMPSIM_ERROR_H

#include <errno.h>
#include <stdarg.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* What failed, which decides who has to act (and the CLI's exit code). */
enum rmpsim_err_class {
	RMPSIM_ERR_UNSET = 0, /* not recorded: rmpsim_diag_class() derives it */
	RMPSIM_ERR_USAGE,     /* an argument (command-line value, API argument) was wrong */
	RMPSIM_ERR_INPUT,     /* something in an input file was wrong: file (and line:col) named */
	RMPSIM_ERR_RESOURCE,  /* out of memory, an output not written, a worker process failed */
	RMPSIM_ERR_KERNEL,    /* the simulated kernel went wrong: an oops, a BUG, a run limit */
	RMPSIM_ERR_INTERNAL,  /* rmpsim itself is wrong: a state it should never reach */
};

/* A diagnostic for a failed input. All fields are optional for readers. */
struct rmpsim_diag {
	char file[256];		   /* input file, or "" when the input was not a file */
	unsigned line;		   /* 1-based; 0 when not applicable */
	unsigned col;		   /* 1-based; 0 when not applicable */
	char msg[512];		   /* "field RST[3].mapped_size: 80 GB exceeds the segment size 64 GB" */
	enum rmpsim_err_class cls; /* UNSET until a function records it */
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
/*
 * Set the location (file may be NULL) without touching the message. A named
 * file makes an unset or usage class INPUT: the value came from that file.
 */
void rmpsim_diag_at(struct rmpsim_diag *d, const char *file, unsigned line, unsigned col);
/* Record the class (d may be NULL). */
void rmpsim_diag_set_class(struct rmpsim_diag *d, enum rmpsim_err_class cls);
/*
 * The class of a failure err described by d (d may be NULL): the one recorded;
 * else RESOURCE for -ENOMEM, INPUT when d names a file, USAGE otherwise.
 * rmpsim_diag_fail() records RESOURCE for -ENOMEM itself.
 */
enum rmpsim_err_class rmpsim_diag_class(const struct rmpsim_diag *d, int err);
/* "usage", "input", "resource", "kernel", "internal" ("unset"). */
const char *rmpsim_err_class_name(enum rmpsim_err_class cls);
/* "file:line:col: msg" (omitting what is unknown) into buf; returns buf. */
const char *rmpsim_diag_format(const struct rmpsim_diag *d, char *buf, size_t len);

#ifdef __cplusplus
}
#endif
#endif
