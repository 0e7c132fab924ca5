/* SPDX-License-Identifier: MIT */
/*
 * The report files of one run (--json, --csv), written together (issue 10
 * point 5): a regular file (or a path that does not exist yet) is written to a
 * temporary file beside it and renamed into place only when every output has
 * been written; "-", FIFOs (and so process substitutions such as >(jq .)),
 * character devices and sockets are written in place, after every temporary
 * file is complete. A failure anywhere leaves no new regular file behind.
 */
#ifndef RMPSIM_CLI_OUTPUT_H
#define RMPSIM_CLI_OUTPUT_H

#include <stddef.h>
#include <stdio.h>

#include <rmpsim/report.h>

/*
 * A report written while the runs go (--trace): opened before them, into a
 * temporary file beside a regular path (the path itself for "-", FIFOs and
 * devices), then kept with the other outputs (rmpsim_cli_output.stream) or
 * dropped (rmpsim_cli_stream_abort).
 */
struct rmpsim_cli_stream {
	FILE *f;
	char *target, *tmp; /* as for the other outputs; tmp NULL: written in place */
};
/* 0, or a negative errno with "PATH: what went wrong" in msg (nothing created). */
int rmpsim_cli_stream_open(struct rmpsim_cli_stream *s, const char *path, char *msg, size_t msglen);
/* Close it and remove its temporary file. */
void rmpsim_cli_stream_abort(struct rmpsim_cli_stream *s);

struct rmpsim_cli_output {
	const char *path; /* "-" = stdout */
	int (*write)(FILE *f, const struct rmpsim_report *rep);
	struct rmpsim_cli_stream *stream; /* already written: closed and renamed with the rest */
	/* Instead of write: an output that is no report (rmpsim merge), with its context. */
	int (*write_ctx)(FILE *f, void *ctx);
	void *ctx;
};

/*
 * Write every output. Returns 0, or a negative errno with a message
 * ("PATH: what went wrong") in msg; then no regular output file was created
 * or replaced.
 */
int rmpsim_cli_write_outputs(const struct rmpsim_cli_output *outs, size_t n, const struct rmpsim_report *rep,
			     char *msg, size_t msglen);

#endif
