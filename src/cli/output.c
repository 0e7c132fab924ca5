/* SPDX-License-Identifier: MIT */
/* Writing the report files of a run together (output.h). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "output.h"

#define MAX_OUTPUTS 8

struct pending {
	char *target; /* where a temporary file goes (a symlink's target), or NULL: in place */
	char *tmp;
};

static int fail(char *msg, size_t msglen, const char *path, int err, const char *what)
{
	snprintf(msg, msglen, "%s: %s%s%s", path, what, what[0] ? ": " : "", strerror(-err));
	return err;
}

/* Plan one output: in place (stdout, FIFO, device, socket) or through a temporary file. */
static int plan(const char *path, struct pending *p, char *msg, size_t msglen)
{
	struct stat st;

	p->target = p->tmp = NULL;
	if (!strcmp(path, "-"))
		return 0;
	if (stat(path, &st) == 0) {
		if (S_ISDIR(st.st_mode))
			return fail(msg, msglen, path, -EISDIR, "");
		if (!S_ISREG(st.st_mode))
			return 0; /* a FIFO, a device or a socket: written in place */
		/* An existing regular file, maybe through symlinks: replace the file itself. */
		p->target = realpath(path, NULL);
	} else if (errno == ENOENT) {
		p->target = strdup(path);
	} else {
		return fail(msg, msglen, path, -errno, "");
	}
	if (!p->target)
		return fail(msg, msglen, path, -ENOMEM, "");
	size_t n = strlen(p->target) + 32;
	p->tmp = malloc(n);
	if (!p->tmp)
		return fail(msg, msglen, path, -ENOMEM, "");
	snprintf(p->tmp, n, "%s.tmp%ld", p->target, (long)getpid());
	return 0;
}

static int call_writer(FILE *f, const struct rmpsim_cli_output *o, const struct rmpsim_report *rep)
{
	return o->write_ctx ? o->write_ctx(f, o->ctx) : o->write(f, rep);
}

/* Write one report to a stream we opened; closes it. */
static int write_stream(FILE *f, const struct rmpsim_cli_output *o, const struct rmpsim_report *rep)
{
	int r = call_writer(f, o, rep);
	if (fflush(f) && !r)
		r = -errno;
	if (fclose(f) && !r)
		r = -errno;
	return r < 0 ? r : r ? -EIO : 0;
}

static int write_temp(const struct rmpsim_cli_output *o, struct pending *p, const struct rmpsim_report *rep)
{
	int fd = open(p->tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
	FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;

	if (!f) {
		int err = -errno;
		if (fd >= 0)
			close(fd);
		return err;
	}
	return write_stream(f, o, rep);
}

static int write_in_place(const struct rmpsim_cli_output *o, const struct rmpsim_report *rep)
{
	if (!strcmp(o->path, "-")) {
		int r = call_writer(stdout, o, rep);
		if (fflush(stdout) && !r)
			r = -errno;
		return r < 0 ? r : r ? -EIO : 0;
	}
	FILE *f = fopen(o->path, "w"); /* a FIFO blocks here until its reader opens it */
	return f ? write_stream(f, o, rep) : -errno;
}

int rmpsim_cli_stream_open(struct rmpsim_cli_stream *s, const char *path, char *msg, size_t msglen)
{
	struct pending p;
	int r = plan(path, &p, msg, msglen);

	memset(s, 0, sizeof(*s));
	if (!r && !strcmp(path, "-")) {
		s->f = stdout;
		return 0;
	}
	if (!r && p.tmp) {
		int fd = open(p.tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
		s->f = fd >= 0 ? fdopen(fd, "w") : NULL;
		if (!s->f && fd >= 0) {
			int e = errno;
			close(fd);
			unlink(p.tmp);
			errno = e;
		}
	} else if (!r) {
		s->f = fopen(path, "w"); /* a FIFO blocks here until its reader opens it */
	}
	if (!r && !s->f)
		r = fail(msg, msglen, path, -errno, "cannot write");
	if (r) {
		free(p.tmp);
		free(p.target);
		return r;
	}
	s->tmp = p.tmp;
	s->target = p.target;
	return 0;
}

/* Close a stream: 0 or a negative errno. */
static int stream_close(struct rmpsim_cli_stream *s)
{
	int r = 0;
	if (!s->f)
		return 0;
	if (fflush(s->f))
		r = -errno;
	if (s->f != stdout && fclose(s->f) && !r)
		r = -errno;
	s->f = NULL;
	return r;
}

void rmpsim_cli_stream_abort(struct rmpsim_cli_stream *s)
{
	stream_close(s);
	if (s->tmp)
		unlink(s->tmp);
	free(s->tmp);
	free(s->target);
	s->tmp = s->target = NULL;
}

int rmpsim_cli_write_outputs(const struct rmpsim_cli_output *outs, size_t n, const struct rmpsim_report *rep,
			     char *msg, size_t msglen)
{
	struct pending p[MAX_OUTPUTS] = { { 0 } };
	bool created[MAX_OUTPUTS] = { false };
	int r = 0;
	size_t i;

	if (n > MAX_OUTPUTS)
		return fail(msg, msglen, "outputs", -E2BIG, "");
	/* 0. Streams are complete once closed; their temporary files are ours now. */
	for (i = 0; i < n; i++) {
		struct rmpsim_cli_stream *s = outs[i].stream;
		if (!s)
			continue;
		p[i].tmp = s->tmp;
		p[i].target = s->target;
		s->tmp = s->target = NULL;
		created[i] = p[i].tmp != NULL;
		int e = stream_close(s);
		if (e && !r)
			r = fail(msg, msglen, outs[i].path, e, "cannot write");
	}
	for (i = 0; i < n && !r; i++)
		if (!outs[i].stream)
			r = plan(outs[i].path, &p[i], msg, msglen);
	/* 1. Every regular output into its temporary file. */
	for (i = 0; i < n && !r; i++) {
		if (!p[i].tmp || outs[i].stream)
			continue;
		r = write_temp(&outs[i], &p[i], rep);
		created[i] = r != -EEXIST;
		if (r)
			fail(msg, msglen, outs[i].path, r, "cannot write");
	}
	/* 2. Streams, FIFOs and devices, which cannot be taken back. */
	for (i = 0; i < n && !r; i++) {
		if (p[i].tmp || outs[i].stream)
			continue;
		r = write_in_place(&outs[i], rep);
		if (r)
			fail(msg, msglen, outs[i].path, r, "cannot write");
	}
	/* 3. Only then the regular files, each renamed into place. */
	for (i = 0; i < n && !r; i++) {
		if (!p[i].tmp)
			continue;
		if (rename(p[i].tmp, p[i].target)) {
			r = fail(msg, msglen, outs[i].path, -errno, "cannot replace");
		} else {
			created[i] = false;
		}
	}
	for (i = 0; i < n; i++) {
		if (created[i] && p[i].tmp)
			unlink(p[i].tmp);
		free(p[i].tmp);
		free(p[i].target);
	}
	return r;
}
