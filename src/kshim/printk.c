/* SPDX-License-Identifier: MIT */
/*
 * printk into the simulated kernel's log buffer, stamped like dmesg
 * ("[%5llu.%06llu] "), and the WARN/BUG/oops reporting built on it.
 */
#include <stdio.h>
#include <string.h>

#include "base/alloc.h"
#include "kshim.h"

/* The prototypes (printk.h/bug.h cannot be included here: they rename printf-like
 * names); keep in sync. */
int rmpsim__k_printk(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int rmpsim__k_vprintk(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));
void rmpsim__k_warn(const char *file, int line, const char *cond, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
void rmpsim__k_bug(const char *file, int line, const char *cond);
void dump_stack(void);

static void log_append(struct rmpsim_kernel *k, const char *s, size_t n)
{
	if (k->log_len + n + 1 > k->log_cap) {
		size_t cap = k->log_cap ? k->log_cap : 4096;
		while (cap < k->log_len + n + 1)
			cap *= 2;
		char *p = rmpsim__realloc(k->alloc, k->log, k->log_cap, cap);
		if (!p) {
			/* A lost log line is not worth failing the run for; remember it. */
			k->log_oom = true;
			return;
		}
		k->log = p;
		k->log_cap = cap;
	}
	memcpy(k->log + k->log_len, s, n);
	k->log_len += n;
	k->log[k->log_len] = '\0';
}

static bool at_line_start(const struct rmpsim_kernel *k)
{
	return k->log_len == 0 || k->log[k->log_len - 1] == '\n';
}

/* A84: a record costs no CPU time; the buffer grows (no ring overwrite). */
__attribute__((format(printf, 2, 0))) static int vlog(struct rmpsim_kernel *k, const char *fmt, va_list ap)
{
	char stack[512];
	bool cont = false;

	/* KERN_<level> prefixes: SOH + digit or 'c' (KERN_CONT). */
	while (fmt[0] == '\001' && fmt[1]) {
		if (fmt[1] == 'c')
			cont = true;
		fmt += 2;
	}
	va_list ap2;
	va_copy(ap2, ap);
	int n = rmpsim__k_vsnprintf(stack, sizeof(stack), fmt, ap);
	char *text = stack;
	if (n >= (int)sizeof(stack)) {
		text = rmpsim__malloc(k->alloc, (size_t)n + 1);
		if (text)
			rmpsim__k_vsnprintf(text, (size_t)n + 1, fmt, ap2);
		else
			text = stack; /* truncated */
	}
	va_end(ap2);
	size_t len = strlen(text);

	if (!cont || at_line_start(k)) {
		if (!at_line_start(k))
			log_append(k, "\n", 1);
		uint64_t us = rmpsim_sim_now(k->sim) / 1000000u;
		char stamp[48];
		int sl = snprintf(stamp, sizeof(stamp), "[%5llu.%06llu] ",
				  (unsigned long long)(us / 1000000u), (unsigned long long)(us % 1000000u));
		log_append(k, stamp, (size_t)sl);
	}
	log_append(k, text, len);
	if (text != stack)
		rmpsim__free(k->alloc, text, (size_t)n + 1);
	return (int)len;
}

int rmpsim__k_vprintk(const char *fmt, va_list ap)
{
	return vlog(rmpsim__k_get(), fmt, ap);
}

int rmpsim__k_printk(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vlog(rmpsim__k_get(), fmt, ap);
	va_end(ap);
	return n;
}

void rmpsim__k_log(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vlog(rmpsim__k_get(), fmt, ap);
	va_end(ap);
}

static unsigned cur_cpu(struct rmpsim_kernel *k)
{
	unsigned cpu = rmpsim_sim_cpu(k->sim);
	return cpu == RMPSIM_CPU_ANY ? 0 : cpu;
}

void rmpsim__k_warn(const char *file, int line, const char *cond, const char *fmt, ...)
{
	struct rmpsim_kernel *k = rmpsim__k_get();

	k->stats.warnings++;
	if (fmt) {
		va_list ap;
		va_start(ap, fmt);
		vlog(k, fmt, ap);
		va_end(ap);
		if (!at_line_start(k))
			log_append(k, "\n", 1);
	}
	rmpsim__k_log("WARNING: CPU: %u at %s:%d: %s\n", cur_cpu(k), file, line, cond);
	char msg[256];
	snprintf(msg, sizeof(msg), "WARNING at %s:%d: %s", file, line, cond);
	rmpsim__k_contain_warning("kernel WARNING", msg); /* A226 */
}

void rmpsim__k_report_bug(const char *fmt, ...)
{
	struct rmpsim_kernel *k = rmpsim__k_get();
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	rmpsim__k_vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	k->stats.bugs++;
	rmpsim__k_log("%s (CPU: %u)\n", msg, cur_cpu(k));
	rmpsim__k_contain_warning("kernel BUG", msg); /* A226 */
}

/*
 * Stop the run; the current task never continues (Linux kills an oopsing
 * task); a handler cannot block.
 */
static void stop_and_park(struct rmpsim_kernel *k)
{
	rmpsim_sim_stop(k->sim);
	if (rmpsim_sim_current(k->sim) && !rmpsim_sim_in_handler(k->sim)) {
		while (rmpsim_sim_irqs_disabled(k->sim))
			rmpsim_sim_irq_enable(k->sim);
		/* Nothing wakes it, so block() returns only if the sim refuses to
		 * sleep here (preemption off: reported by the sim); then give up
		 * and return rather than spin. */
		for (int i = 0; i < 3; i++)
			rmpsim_sim_block(k->sim);
	}
}

void rmpsim__k_oops(const char *fmt, ...)
{
	struct rmpsim_kernel *k = rmpsim__k_get();
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	rmpsim__k_vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	k->stats.oopses++;
	rmpsim__k_log("Oops: %s\n", msg);
	rmpsim__k_log("CPU: %u PID: %u Comm: %s\n", cur_cpu(k),
		      rmpsim_sim_current(k->sim) ? rmpsim_proc_id(rmpsim_sim_current(k->sim)) : 0,
		      rmpsim_sim_current(k->sim) ? rmpsim_proc_name(rmpsim_sim_current(k->sim)) : "<irq>");
	rmpsim__k_contain_oops(msg); /* A226 */
	stop_and_park(k);	     /* A88 */
}

void rmpsim__k_sim_failed(int err, const char *what)
{
	struct rmpsim_kernel *k = rmpsim__k_get();

	if (!k->stats.sim_error)
		k->stats.sim_error = err;
	rmpsim__k_log("rmpsim: the simulator failed to run %s: %s\n", what, rmpsim_strerror(err));
	stop_and_park(k);
}

void rmpsim__k_bug(const char *file, int line, const char *cond)
{
	rmpsim__k_oops("kernel BUG at %s:%d! (%s)", file, line, cond);
}

/* dump_stack(): the task line and an empty trace (the shim cannot unwind kernel frames). */
void dump_stack(void)
{
	struct rmpsim_kernel *k = rmpsim__k_get();
	struct rmpsim_proc *p = rmpsim_sim_current(k->sim);
	rmpsim__k_log("CPU: %u PID: %u Comm: %s\n", cur_cpu(k), p ? rmpsim_proc_id(p) : 0,
		      p ? rmpsim_proc_name(p) : "<irq>");
	rmpsim__k_log("Call Trace:\n");
	rmpsim__k_log(" <simulated: no frames>\n");
}
