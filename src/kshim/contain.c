/* SPDX-License-Identifier: MIT */
/*
 * Containment of kernel code (rmpsim/contain.h): kernel warnings as fatal,
 * crashes caught on an alternate stack, run limits. Every failure ends the
 * process with one message saying where: plugin, function, simulated CPU,
 * virtual time (A226).
 */
#include <errno.h>
#include <execinfo.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <ucontext.h>
#include <unistd.h>

#include <rmpsim/code_patch.h>
#include <rmpsim/contain.h>

#include "kshim.h"

static struct rmpsim_containment cfg;
static bool active;
static bool handlers_installed;
static char altstack[64 * 1024];

static const int crash_signals[] = { SIGSEGV, SIGBUS, SIGFPE, SIGABRT, SIGILL };
static struct sigaction old_actions[sizeof(crash_signals) / sizeof(crash_signals[0])];

/* ", in plugin P (function F+0x12)" for the first plugin frame, or "". */
static void where_in_plugin(uintptr_t pc, char *buf, size_t len)
{
	const char *plugin = NULL, *func = NULL;
	uint64_t off = 0;
	bool found = pc && rmpsim_code_lookup(pc, &plugin, &func, &off);
	if (!found) { /* return addresses: the call is the byte before */
		void *frames[64];
		int n = backtrace(frames, 64);
		for (int i = 0; i < n && !found; i++)
			found = rmpsim_code_lookup((uintptr_t)frames[i] - 1, &plugin, &func, &off);
		if (found)
			off++;
	}
	/* A tail call leaves no frame of the handler: name the IPI function. */
	struct rmpsim_kernel *k = rmpsim__k;
	if (!found && k && k->sim && rmpsim_sim_in_handler(k->sim) && k->ipi_fn)
		found = rmpsim_code_lookup((uintptr_t)k->ipi_fn, &plugin, &func, &off);
	if (!found)
		snprintf(buf, len, "%s", "");
	else if (func)
		snprintf(buf, len, " in plugin %s (function %s+0x%llx)", plugin, func,
			 (unsigned long long)off);
	else
		snprintf(buf, len, " in plugin %s (offset 0x%llx, no symbol)", plugin,
			 (unsigned long long)off);
}

/* " on simulated CPU 3 at 10.014004123 s" while a kernel runs. */
static void where_in_sim(char *buf, size_t len)
{
	struct rmpsim_kernel *k = rmpsim__k;
	if (!k || !k->sim) {
		snprintf(buf, len, "%s", " outside the simulation");
		return;
	}
	uint64_t now = rmpsim_sim_now(k->sim);
	unsigned cpu = rmpsim_sim_cpu(k->sim);
	const char *ctx = rmpsim_sim_in_handler(k->sim) ? " (IPI handler)" : "";
	if (cpu == RMPSIM_CPU_ANY)
		snprintf(buf, len, " at virtual time %llu.%09llu s (no CPU: a timer)",
			 (unsigned long long)(now / 1000000000000ull),
			 (unsigned long long)(now % 1000000000000ull / 1000));
	else
		snprintf(buf, len, " on simulated CPU %u%s at virtual time %llu.%09llu s", cpu, ctx,
			 (unsigned long long)(now / 1000000000000ull),
			 (unsigned long long)(now % 1000000000000ull / 1000));
}

static __attribute__((noreturn)) void die(const char *what, uintptr_t pc, const char *msg, bool hint)
{
	char plugin[512], sim[160], line[1536];
	where_in_plugin(pc, plugin, sizeof(plugin));
	where_in_sim(sim, sizeof(sim));
	int n = snprintf(line, sizeof(line),
			 "rmpsim: %s%s%s%s%s; the run was stopped and no report written%s%s\n", what, plugin,
			 sim, msg && *msg ? ": " : "", msg ? msg : "", hint && cfg.hint ? " " : "",
			 hint && cfg.hint ? cfg.hint : "");
	if (n > (int)sizeof(line) - 1)
		n = (int)sizeof(line) - 1;
	fflush(stdout); /* progress lines before the message, in order */
	ssize_t w = write(2, line, (size_t)n);
	(void)w;
	_exit(cfg.exit_code);
}

void rmpsim__k_contain_warning(const char *kind, const char *msg)
{
	if (active && cfg.panic_on_warn)
		die(kind, 0, msg, true);
}

void rmpsim__k_contain_oops(const char *msg)
{
	if (active)
		die("kernel oops", 0, msg, false);
}

static const char *signame(int sig)
{
	switch (sig) {
	case SIGSEGV: return "SIGSEGV (invalid memory access)";
	case SIGBUS: return "SIGBUS (bus error)";
	case SIGFPE: return "SIGFPE (arithmetic error)";
	case SIGABRT: return "SIGABRT (abort)";
	case SIGILL: return "SIGILL (illegal instruction)";
	default: return "a fatal signal";
	}
}

static void on_crash(int sig, siginfo_t *si, void *ctx)
{
	size_t i = 0;
	while (i < sizeof(crash_signals) / sizeof(crash_signals[0]) && crash_signals[i] != sig)
		i++;
	if (!active) { /* pass it on: the previous disposition, else the default */
		struct sigaction *o = &old_actions[i];
		if ((o->sa_flags & SA_SIGINFO) && o->sa_sigaction) {
			o->sa_sigaction(sig, si, ctx);
			return;
		}
		if (o->sa_handler != SIG_DFL && o->sa_handler != SIG_IGN && o->sa_handler) {
			o->sa_handler(sig);
			return;
		}
		signal(sig, SIG_DFL);
		raise(sig);
		return;
	}
	ucontext_t *uc = ctx;
	uintptr_t pc = (uintptr_t)uc->uc_mcontext.gregs[REG_RIP];
	char what[160];
	if (sig == SIGSEGV || sig == SIGBUS)
		snprintf(what, sizeof(what), "crash: %s at address %p", signame(sig), si->si_addr);
	else
		snprintf(what, sizeof(what), "crash: %s", signame(sig));
	die(what, sig == SIGABRT ? 0 : pc, NULL, false);
}

static int install_crash_handlers(void)
{
	if (handlers_installed)
		return 0;
	stack_t ss = { .ss_sp = altstack, .ss_size = sizeof(altstack), .ss_flags = 0 };
	if (sigaltstack(&ss, NULL))
		return -errno;
	for (size_t i = 0; i < sizeof(crash_signals) / sizeof(crash_signals[0]); i++) {
		struct sigaction sa;
		memset(&sa, 0, sizeof(sa));
		sa.sa_sigaction = on_crash;
		sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER;
		sigemptyset(&sa.sa_mask);
		if (crash_signals[i] == SIGILL)
			continue; /* rmpsim__k_code_traps_chain() below */
		if (sigaction(crash_signals[i], &sa, &old_actions[i]))
			return -errno;
	}
	handlers_installed = true;
	return 0;
}

/*
 * A231: kernel code that never returns to the
 * simulator (a native loop calling no kernel function) advances neither
 * virtual time nor the event count, so the run limits cannot see it. A
 * wall-clock watchdog can: once a second it compares the simulator's progress
 * (events dispatched, work items run) with the last tick's, and after
 * RMPSIM_STALL_SECONDS seconds (default 60) without any it stops the run like
 * a crash, naming the function the loop is in.
 */
static struct rmpsim_kernel *watched;
static uint64_t last_progress;
static unsigned stalled_ticks, stall_limit;

static uint64_t progress(void)
{
	return watched ? rmpsim_sim_events(watched->sim) + watched->work_items : 0;
}

static void on_tick(int sig, siginfo_t *si, void *ctx)
{
	(void)sig;
	(void)si;
	if (!active || !watched)
		return;
	uint64_t now = progress();
	if (now != last_progress) {
		last_progress = now;
		stalled_ticks = 0;
		return;
	}
	if (++stalled_ticks < stall_limit)
		return;
	ucontext_t *uc = ctx;
	char what[160];
	snprintf(what, sizeof(what),
		 "no progress: kernel code has not returned to the simulator for %u s of wall time "
		 "(a loop that calls no kernel function?)",
		 stall_limit);
	die(what, (uintptr_t)uc->uc_mcontext.gregs[REG_RIP], NULL, false);
}

static void install_watchdog(void)
{
	const char *env = getenv("RMPSIM_STALL_SECONDS");
	long secs = env ? strtol(env, NULL, 10) : 60;
	stall_limit = secs > 0 && secs < 86400 ? (unsigned)secs : 60;
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_tick;
	sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_RESTART;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGALRM, &sa, NULL))
		return; /* no watchdog: the run limits still hold */
	struct itimerval it = { .it_interval = { 1, 0 }, .it_value = { 1, 0 } };
	setitimer(ITIMER_REAL, &it, NULL);
}

int rmpsim_contain(const struct rmpsim_containment *c)
{
	cfg = *c;
	int err = install_crash_handlers();
	if (err)
		return err;
	install_watchdog();
	/* SIGILL: the RMP-instruction trap handler keeps it while plugins are
	 * patched and passes stray ones on to this one. */
	rmpsim__k_code_traps_chain(on_crash, &old_actions[4]);
	active = true;
	return 0;
}

/* A227: the run limits (defaults in src/cli/args.h). */
static void limit_hit(void *ctx, struct rmpsim_sim *sim, bool time_limit)
{
	(void)ctx;
	char msg[160];
	if (time_limit)
		snprintf(msg, sizeof(msg), "the next event is past --max-virtual-time (%llu.%09llu s)",
			 (unsigned long long)(cfg.max_virtual_time_ps / 1000000000000ull),
			 (unsigned long long)(cfg.max_virtual_time_ps % 1000000000000ull / 1000));
	else
		snprintf(msg, sizeof(msg), "%llu events dispatched, the --max-events limit is %llu",
			 (unsigned long long)rmpsim_sim_events(sim), (unsigned long long)cfg.max_events);
	die("run limit reached (kernel code that loops, sleeps or re-queues itself for ever?)", 0, msg,
	    false);
}

/*
 * Bugs the sim finds itself (a sleep it refuses in an IPI handler, interrupts
 * left off across a sleep, ...) reach its bug log, a stream: with
 * panic_on_warn that stream ends the process at the first line, while the
 * code at fault is still on the stack.
 */
static ssize_t bug_line(void *cookie, const char *buf, size_t size)
{
	(void)cookie;
	char msg[256];
	size_t n = size < sizeof(msg) - 1 ? size : sizeof(msg) - 1;
	memcpy(msg, buf, n);
	while (n && (msg[n - 1] == '\n' || msg[n - 1] == '\r'))
		n--;
	msg[n] = '\0';
	die("kernel BUG", 0, msg, true);
}

static FILE *sim_bug_stream(void)
{
	static FILE *f;
	if (!f) {
		cookie_io_functions_t io = { .write = bug_line };
		f = fopencookie(NULL, "w", io);
		if (f)
			setvbuf(f, NULL, _IOLBF, 0);
	}
	return f;
}

void rmpsim__k_contain_kernel(struct rmpsim_kernel *k)
{
	if (!active)
		return;
	watched = k;
	last_progress = progress();
	stalled_ticks = 0;
	if (cfg.max_virtual_time_ps || cfg.max_events)
		rmpsim_sim_set_limits(k->sim, cfg.max_virtual_time_ps, cfg.max_events, limit_hit, NULL);
	if (cfg.panic_on_warn && sim_bug_stream())
		rmpsim_sim_set_bug_log(k->sim, sim_bug_stream());
}

void rmpsim__k_contain_step(struct rmpsim_kernel *k)
{
	k->work_items++;
	if (active && cfg.max_events && rmpsim_sim_events(k->sim) + k->work_items > cfg.max_events) {
		char msg[160];
		snprintf(msg, sizeof(msg), "%llu events and work items, the --max-events limit is %llu",
			 (unsigned long long)(rmpsim_sim_events(k->sim) + k->work_items),
			 (unsigned long long)cfg.max_events);
		die("run limit reached (kernel code that loops, sleeps or re-queues itself for ever?)", 0,
		    msg, false);
	}
}

void rmpsim__k_contain_forget(struct rmpsim_kernel *k)
{
	if (watched == k)
		watched = NULL;
}
