/* SPDX-License-Identifier: MIT */
#include <stdio.h>
#include <string.h>

#include <rmpsim/error.h>

const char *rmpsim_strerror(int err)
{
	switch (err) {
	case 0: return "success";
	case -EINVAL: return "invalid argument";
	case -ENOMEM: return "out of memory";
	case -ERANGE: return "value out of range";
	case -EFAULT: return "address not covered";
	case -EBUSY: return "busy";
	case -ENOENT: return "not found";
	case -EOPNOTSUPP: return "operation not supported";
	case -EIO: return "input/output error";
	case -EEXIST: return "already exists";
	case -EDEADLK: return "deadlock";
	default: return "unknown error";
	}
}

int rmpsim_diag_vfail(struct rmpsim_diag *d, int err, const char *fmt, va_list ap)
{
	if (d) {
		vsnprintf(d->msg, sizeof(d->msg), fmt, ap);
		if (err == -ENOMEM && d->cls == RMPSIM_ERR_UNSET)
			d->cls = RMPSIM_ERR_RESOURCE;
	}
	return err;
}

int rmpsim_diag_fail(struct rmpsim_diag *d, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	rmpsim_diag_vfail(d, err, fmt, ap);
	va_end(ap);
	return err;
}

void rmpsim_diag_at(struct rmpsim_diag *d, const char *file, unsigned line, unsigned col)
{
	if (!d)
		return;
	snprintf(d->file, sizeof(d->file), "%s", file ? file : "");
	d->line = line;
	d->col = col;
	if (d->file[0] && (d->cls == RMPSIM_ERR_UNSET || d->cls == RMPSIM_ERR_USAGE))
		d->cls = RMPSIM_ERR_INPUT; /* the value came from that file */
}

void rmpsim_diag_set_class(struct rmpsim_diag *d, enum rmpsim_err_class cls)
{
	if (d)
		d->cls = cls;
}

enum rmpsim_err_class rmpsim_diag_class(const struct rmpsim_diag *d, int err)
{
	if (d && d->cls != RMPSIM_ERR_UNSET)
		return d->cls;
	if (err == -ENOMEM)
		return RMPSIM_ERR_RESOURCE;
	if (d && d->file[0])
		return RMPSIM_ERR_INPUT;
	return RMPSIM_ERR_USAGE;
}

const char *rmpsim_err_class_name(enum rmpsim_err_class cls)
{
	switch (cls) {
	case RMPSIM_ERR_USAGE: return "usage";
	case RMPSIM_ERR_INPUT: return "input";
	case RMPSIM_ERR_RESOURCE: return "resource";
	case RMPSIM_ERR_KERNEL: return "kernel";
	case RMPSIM_ERR_INTERNAL: return "internal";
	case RMPSIM_ERR_UNSET: break;
	}
	return "unset";
}

const char *rmpsim_diag_format(const struct rmpsim_diag *d, char *buf, size_t len)
{
	if (!buf || !len)
		return buf;
	if (!d) {
		buf[0] = '\0';
		return buf;
	}
	if (!d->file[0]) {
		snprintf(buf, len, "%s", d->msg);
	} else if (d->line && d->col) {
		snprintf(buf, len, "%s:%u:%u: %s", d->file, d->line, d->col, d->msg);
	} else if (d->line) {
		snprintf(buf, len, "%s:%u: %s", d->file, d->line, d->msg);
	} else {
		snprintf(buf, len, "%s: %s", d->file, d->msg);
	}
	return buf;
}
