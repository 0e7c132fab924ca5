/* SPDX-License-Identifier: MIT */
/*
 * Patching a plugin's RMP instructions to UD2 and executing them on the
 * simulated CPU from a SIGILL handler (rmpsim/code_patch.h).
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <ucontext.h>
#include <unistd.h>

#include "code_image.h"
#include "kshim.h"

#include <asm/sev-rmpsim.h>
#include <asm/sev.h>

static const uint8_t ud2[2] = { 0x0f, 0x0b };

/* Patched images; written before any simulation runs, read by the handler. */
static struct rmpsim_code_image *images;
static struct sigaction old_sigill;

static int cmp_site(const void *a, const void *b)
{
	const struct rmpsim_code_site *x = a, *y = b;
	return x->vaddr < y->vaddr ? -1 : x->vaddr > y->vaddr;
}

static const struct rmpsim_code_site *site_at(uintptr_t rip, const struct rmpsim_code_image **ret_img)
{
	for (const struct rmpsim_code_image *img = images; img; img = img->next) {
		if (rip < img->bias)
			continue;
		uint64_t v = rip - img->bias;
		size_t lo = 0, hi = img->nsites;
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;
			if (img->sites[mid].vaddr < v)
				lo = mid + 1;
			else
				hi = mid;
		}
		if (lo < img->nsites && img->sites[lo].vaddr == v) {
			*ret_img = img;
			return &img->sites[lo];
		}
	}
	return NULL;
}

bool rmpsim_code_lookup(uintptr_t addr, const char **plugin, const char **func, uint64_t *off)
{
	for (const struct rmpsim_code_image *img = images; img; img = img->next) {
		if (addr < img->bias + img->lo || addr >= img->bias + img->hi)
			continue;
		uint64_t v = addr - img->bias;
		const struct rmpsim__code_func *f = rmpsim__code_func_at(img, v);
		*plugin = img->path;
		*func = f ? f->name : NULL;
		*off = f ? v - f->start : v;
		return true;
	}
	return false;
}

/*
 * The instruction on the current simulated CPU, operands from the saved
 * registers. Each result is the architectural one: EAX (zero-extended into
 * RAX, as a 32-bit write does) or RFLAGS.CF for RMPOPT, whose RAX stays.
 * A helper that returns a negative errno saw the simulator itself fail
 * (rmpsim__k_sim_failed): the run is stopped already, the value is no code.
 */
static void execute(enum rmpsim_code_insn insn, greg_t *regs)
{
	uint64_t rax = (uint64_t)regs[REG_RAX], rcx = (uint64_t)regs[REG_RCX];
	switch (insn) {
	case RMPSIM_CODE_RMPOPT: {
		bool cf = rmpsim__k_rmpopt(rax, rcx);
		regs[REG_EFL] = (greg_t)(((uint64_t)regs[REG_EFL] & ~1ull) | (cf ? 1u : 0u));
		break;
	}
	case RMPSIM_CODE_RMPUPDATE: {
		struct rmp_state st;
		memcpy(&st, (const void *)(uintptr_t)rcx, sizeof(st)); /* RCX: the kernel VA of the state */
		regs[REG_RAX] = (greg_t)(uint32_t)rmpsim__k_rmpupdate(rax, &st);
		break;
	}
	case RMPSIM_CODE_PSMASH: regs[REG_RAX] = (greg_t)(uint32_t)rmpsim__k_psmash(rax); break;
	case RMPSIM_CODE_RMPREAD: {
		struct rmpentry e;
		int rc = rmpsim__k_rmpread(rax, &e);
		if (rc == 0)
			memcpy((void *)(uintptr_t)rcx, &e, sizeof(e));
		regs[REG_RAX] = (greg_t)(uint32_t)rc;
		break;
	}
	case RMPSIM_CODE_PVALIDATE:
	case RMPSIM_CODE_RMPADJUST:
	default:
		/* A223: the simulated CPUs run the host; these are guest instructions. */
		rmpsim__k_oops(
			"invalid opcode: %s outside an SEV-SNP guest rax=0x%016llx rcx=0x%llx rdx=0x%llx",
			rmpsim_code_insn_name(insn), (unsigned long long)rax, (unsigned long long)rcx,
			(unsigned long long)regs[REG_RDX]);
		break;
	}
}

static void on_sigill(int sig, siginfo_t *si, void *ctx)
{
	ucontext_t *uc = ctx;
	greg_t *regs = uc->uc_mcontext.gregs;
	const struct rmpsim_code_image *img = NULL;
	const struct rmpsim_code_site *s = site_at((uintptr_t)regs[REG_RIP], &img);

	if (!s || !rmpsim__k) {
		/* Not ours, or plugin code run outside a simulated kernel: the
		 * previous disposition (the crash reporter, or the default). */
		if (s) {
			static const char msg[] =
				"rmpsim: an RMP instruction of a plugin ran outside a simulated kernel\n";
			ssize_t w = write(2, msg, sizeof(msg) - 1);
			(void)w;
		}
		if (old_sigill.sa_flags & SA_SIGINFO && old_sigill.sa_sigaction) {
			old_sigill.sa_sigaction(sig, si, ctx);
			return;
		}
		if (old_sigill.sa_handler != SIG_DFL && old_sigill.sa_handler != SIG_IGN &&
		    old_sigill.sa_handler) {
			old_sigill.sa_handler(sig);
			return;
		}
		signal(SIGILL, SIG_DFL); /* the instruction runs again and kills the process */
		return;
	}
	execute(s->insn, regs);
	regs[REG_RIP] += 4;
}

/*
 * Make on_sigill the SIGILL handler, keeping whatever was there (a crash
 * reporter, a test framework's handler) to chain to for traps that are not
 * ours. Called at every patch and at every kernel creation, because others
 * (cmocka, per test) install and restore their own handlers.
 */
static int ensure_handler(void)
{
	struct sigaction cur;
	if (sigaction(SIGILL, NULL, &cur))
		return -errno;
	if ((cur.sa_flags & SA_SIGINFO) && cur.sa_sigaction == on_sigill)
		return 0;
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_sigill;
	/* On the faulting (coroutine) stack, not an alternate one: the
	 * instruction may switch to other simulated processes and back.
	 * SA_NODEFER: another process may trap meanwhile. */
	sa.sa_flags = SA_SIGINFO | SA_NODEFER;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGILL, &sa, &old_sigill))
		return -errno;
	return 0;
}

/*
 * The crash reporter (contain.c) takes stray SIGILLs: below the trap handler
 * when that is installed (its fall-back), else as the SIGILL handler itself,
 * on the alternate stack. *ret_prev gets what it replaces, for it to chain to.
 */
void rmpsim__k_code_traps_chain(void (*fn)(int, siginfo_t *, void *), struct sigaction *ret_prev)
{
	struct sigaction sa, cur;
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = fn;
	sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGILL, NULL, &cur))
		return;
	if ((cur.sa_flags & SA_SIGINFO) && cur.sa_sigaction == fn)
		return;
	if ((cur.sa_flags & SA_SIGINFO) && cur.sa_sigaction == on_sigill) {
		if (!((old_sigill.sa_flags & SA_SIGINFO) && old_sigill.sa_sigaction == fn)) {
			*ret_prev = old_sigill;
			old_sigill = sa;
		}
		return;
	}
	if (!sigaction(SIGILL, &sa, ret_prev))
		return;
}

void rmpsim__k_code_traps_arm(void)
{
	if (images)
		(void)ensure_handler();
}

int rmpsim_code_patch(struct rmpsim_code_image *img, uintptr_t load_bias, struct rmpsim_diag *diag)
{
	long page = sysconf(_SC_PAGESIZE);
	if (page <= 0)
		page = 4096;
	for (struct rmpsim_code_image *o = images; o; o = o->next)
		if (o->bias == load_bias) { /* loaded again (dlopen counts references): patched already */
			rmpsim_code_free(img);
			return ensure_handler()
				       ? rmpsim_diag_fail(diag, -EINVAL, "cannot install the SIGILL handler")
				       : 0;
		}
	if (img->nsites)
		qsort(img->sites, img->nsites, sizeof(*img->sites), cmp_site);
	for (size_t i = 0; i < img->nsites; i++) {
		uint8_t *p = (uint8_t *)(load_bias + img->sites[i].vaddr);
		if (memcmp(p, rmpsim__code_pattern(img->sites[i].insn), 4))
			return rmpsim_diag_fail(
				diag, -EINVAL,
				"policy plugin %s: the loaded code differs from the file at %s+0x%llx",
				img->path, img->sites[i].func ? img->sites[i].func : "?",
				(unsigned long long)img->sites[i].func_off);
	}
	int err = img->nsites ? ensure_handler() : 0;
	if (err)
		return rmpsim_diag_fail(diag, err, "policy plugin %s: cannot install the SIGILL handler",
					img->path);
	for (size_t i = 0; i < img->nsites; i++) {
		uintptr_t a = load_bias + img->sites[i].vaddr;
		uintptr_t lo = a & ~((uintptr_t)page - 1),
			  hi = (a + 4 + (uintptr_t)page - 1) & ~((uintptr_t)page - 1);
		if (mprotect((void *)lo, hi - lo, PROT_READ | PROT_WRITE))
			return rmpsim_diag_fail(diag, -errno, "policy plugin %s: cannot patch its code: %s",
						img->path, strerror(errno));
		memcpy((void *)a, ud2, sizeof(ud2));
		if (mprotect((void *)lo, hi - lo, PROT_READ | PROT_EXEC))
			return rmpsim_diag_fail(diag, -errno, "policy plugin %s: cannot patch its code: %s",
						img->path, strerror(errno));
	}
	__builtin___clear_cache((char *)load_bias, (char *)load_bias + 1); /* x86: coherent; a barrier */
	img->bias = load_bias;
	img->next = images;
	images = img;
	return 0;
}
