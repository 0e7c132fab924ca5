/* SPDX-License-Identifier: MIT */
/*
 * Finding the RMP instructions in a plugin's ELF file (rmpsim/code_patch.h):
 * the executable sections, the function symbols that name a site in
 * messages, and a linear disassembly (capstone) that tells an instruction
 * from the same bytes inside another instruction.
 */
#include <elf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <capstone/capstone.h>

#include "code_image.h"

#define MAX_FILE_BYTES (1ull << 30) /* a plugin is small; refuse absurd files */

static const struct {
	uint8_t b[4];
	const char *name;
} patterns[RMPSIM_CODE_NINSN] = {
	[RMPSIM_CODE_RMPOPT] = { { 0xf2, 0x0f, 0x01, 0xfc }, "RMPOPT" },
	[RMPSIM_CODE_RMPUPDATE] = { { 0xf2, 0x0f, 0x01, 0xfe }, "RMPUPDATE" },
	[RMPSIM_CODE_PSMASH] = { { 0xf3, 0x0f, 0x01, 0xff }, "PSMASH" },
	[RMPSIM_CODE_RMPREAD] = { { 0xf2, 0x0f, 0x01, 0xfd }, "RMPREAD" },
	[RMPSIM_CODE_PVALIDATE] = { { 0xf2, 0x0f, 0x01, 0xff }, "PVALIDATE" },
	[RMPSIM_CODE_RMPADJUST] = { { 0xf3, 0x0f, 0x01, 0xfe }, "RMPADJUST" },
};

/* Encodings of the same family the simulator does not model: refused. */
static const struct {
	uint8_t b[4];
	const char *name;
} unmodelled[] = {
	{ { 0xf3, 0x0f, 0x01, 0xfd }, "RMPQUERY (F3 0F 01 FD)" },
};

const char *rmpsim_code_insn_name(enum rmpsim_code_insn insn)
{
	return (unsigned)insn < RMPSIM_CODE_NINSN ? patterns[insn].name : "?";
}

const uint8_t *rmpsim__code_pattern(enum rmpsim_code_insn insn)
{
	return patterns[insn].b;
}

static int match(const uint8_t *p, size_t left)
{
	if (left < 4)
		return -1;
	for (int i = 0; i < RMPSIM_CODE_NINSN; i++)
		if (!memcmp(p, patterns[i].b, 4))
			return i;
	return -1;
}

static const char *match_unmodelled(const uint8_t *p, size_t left)
{
	if (left < 4)
		return NULL;
	for (size_t i = 0; i < sizeof(unmodelled) / sizeof(unmodelled[0]); i++)
		if (!memcmp(p, unmodelled[i].b, 4))
			return unmodelled[i].name;
	return NULL;
}

/* Legacy prefixes and REX. */
static bool is_prefix(uint8_t b)
{
	return b == 0x66 || b == 0x67 || b == 0xf0 || b == 0xf2 || b == 0xf3 || b == 0x2e || b == 0x36 ||
	       b == 0x3e || b == 0x26 || b == 0x64 || b == 0x65 || (b >= 0x40 && b <= 0x4f);
}

/* Any byte of the family (0F 01 after F2/F3) in range: worth a disassembly. */
static bool has_candidate(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i + 4 <= n; i++)
		if ((p[i] == 0xf2 || p[i] == 0xf3) && p[i + 1] == 0x0f && p[i + 2] == 0x01 &&
		    (match(p + i, n - i) >= 0 || match_unmodelled(p + i, n - i)))
			return true;
	return false;
}

/* ---- the image ---- */

static int cmp_func(const void *a, const void *b)
{
	const struct rmpsim__code_func *x = a, *y = b;
	return x->start < y->start ? -1 : x->start > y->start;
}

const struct rmpsim__code_func *rmpsim__code_func_at(const struct rmpsim_code_image *img, uint64_t vaddr)
{
	size_t lo = 0, hi = img->nfuncs;
	while (lo < hi) { /* last function starting at or before vaddr */
		size_t mid = lo + (hi - lo) / 2;
		if (img->funcs[mid].start <= vaddr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0)
		return NULL;
	const struct rmpsim__code_func *f = &img->funcs[lo - 1];
	return vaddr < f->start + (f->size ? f->size : 1) ? f : NULL;
}

void rmpsim_code_free(struct rmpsim_code_image *img)
{
	if (!img)
		return;
	free(img->sites);
	free(img->funcs);
	free(img->strtab);
	free(img->path);
	free(img);
}

bool rmpsim_code_has_tracepoints(const struct rmpsim_code_image *img)
{
	return img && img->tracepoints;
}

size_t rmpsim_code_nsites(const struct rmpsim_code_image *img)
{
	return img ? img->nsites : 0;
}

const struct rmpsim_code_site *rmpsim_code_site(const struct rmpsim_code_image *img, size_t i)
{
	return img && i < img->nsites ? &img->sites[i] : NULL;
}

/* ---- ELF reading (memcpy: the buffer has no alignment guarantee) ---- */

struct elf {
	const uint8_t *data;
	size_t size;
	Elf64_Ehdr eh;
};

static bool in_file(const struct elf *e, uint64_t off, uint64_t len)
{
	return off <= e->size && len <= e->size - off;
}

static bool shdr(const struct elf *e, unsigned i, Elf64_Shdr *sh)
{
	uint64_t off = e->eh.e_shoff + (uint64_t)i * e->eh.e_shentsize;
	if (e->eh.e_shentsize < sizeof(*sh) || !in_file(e, off, sizeof(*sh)))
		return false;
	memcpy(sh, e->data + off, sizeof(*sh));
	return true;
}

/* Function symbols of one symbol table (SHT_SYMTAB or SHT_DYNSYM). */
static int read_funcs(struct rmpsim_code_image *img, const struct elf *e, const Elf64_Shdr *symtab)
{
	Elf64_Shdr strs;
	if (symtab->sh_entsize < sizeof(Elf64_Sym) || !shdr(e, symtab->sh_link, &strs) ||
	    !in_file(e, symtab->sh_offset, symtab->sh_size) || !in_file(e, strs.sh_offset, strs.sh_size) ||
	    strs.sh_size == 0)
		return 0; /* no usable names: messages give offsets only */
	img->strtab = malloc(strs.sh_size + 1);
	size_t n = symtab->sh_size / symtab->sh_entsize;
	img->funcs = calloc(n ? n : 1, sizeof(*img->funcs));
	if (!img->strtab || !img->funcs)
		return -ENOMEM;
	memcpy(img->strtab, e->data + strs.sh_offset, strs.sh_size);
	img->strtab[strs.sh_size] = '\0';
	for (size_t i = 0; i < n; i++) {
		Elf64_Sym s;
		memcpy(&s, e->data + symtab->sh_offset + i * symtab->sh_entsize, sizeof(s));
		if (ELF64_ST_TYPE(s.st_info) != STT_FUNC || s.st_shndx == SHN_UNDEF ||
		    s.st_name >= strs.sh_size)
			continue;
		img->funcs[img->nfuncs++] =
			(struct rmpsim__code_func){ s.st_value, s.st_size, img->strtab + s.st_name };
	}
	qsort(img->funcs, img->nfuncs, sizeof(*img->funcs), cmp_func);
	return 0;
}

/* Whether a dynamic symbol table has an undefined reference to name. */
static bool imports(const struct elf *e, const Elf64_Shdr *dynsym, const char *name)
{
	Elf64_Shdr strs;
	if (dynsym->sh_entsize < sizeof(Elf64_Sym) || !shdr(e, dynsym->sh_link, &strs) ||
	    !in_file(e, dynsym->sh_offset, dynsym->sh_size) || !in_file(e, strs.sh_offset, strs.sh_size))
		return false;
	size_t len = strlen(name);
	for (size_t i = 0; i < dynsym->sh_size / dynsym->sh_entsize; i++) {
		Elf64_Sym sym;
		memcpy(&sym, e->data + dynsym->sh_offset + i * dynsym->sh_entsize, sizeof(sym));
		if (sym.st_shndx != SHN_UNDEF || sym.st_name + len >= strs.sh_size)
			continue;
		if (!memcmp(e->data + strs.sh_offset + sym.st_name, name, len + 1))
			return true;
	}
	return false;
}

static int add_site(struct rmpsim_code_image *img, uint64_t vaddr, enum rmpsim_code_insn insn)
{
	if (img->nsites == img->cap) {
		size_t cap = img->cap ? 2 * img->cap : 16;
		struct rmpsim_code_site *s = realloc(img->sites, cap * sizeof(*s));
		if (!s)
			return -ENOMEM;
		img->sites = s;
		img->cap = cap;
	}
	const struct rmpsim__code_func *f = rmpsim__code_func_at(img, vaddr);
	img->sites[img->nsites++] = (struct rmpsim_code_site){ .vaddr = vaddr,
							       .insn = insn,
							       .func = f ? f->name : NULL,
							       .func_off = f ? vaddr - f->start : vaddr };
	return 0;
}

/* "function+0x12" or "offset 0x1234" for messages. */
static const char *where(const struct rmpsim_code_image *img, uint64_t vaddr, char *buf, size_t len)
{
	const struct rmpsim__code_func *f = rmpsim__code_func_at(img, vaddr);
	if (f)
		snprintf(buf, len, "%s+0x%llx", f->name, (unsigned long long)(vaddr - f->start));
	else
		snprintf(buf, len, "address 0x%llx", (unsigned long long)vaddr);
	return buf;
}

/*
 * A224: linear disassembly of one executable range. Every offset where an
 * instruction starts is checked against the patterns first (capstone does
 * not know these opcodes); anything else must decode, or the rest of the
 * range cannot be classified.
 */
static int sweep(struct rmpsim_code_image *img, csh cs, const uint8_t *code, size_t size, uint64_t vaddr,
		 struct rmpsim_diag *diag)
{
	cs_insn *insn = cs_malloc(cs);
	if (!insn)
		return -ENOMEM;
	size_t off = 0;
	int err = 0;
	char at[160];
	while (off < size && !err) {
		int k = match(code + off, size - off);
		const char *bad = match_unmodelled(code + off, size - off);
		if (k >= 0) {
			err = add_site(img, vaddr + off, (enum rmpsim_code_insn)k);
			off += 4;
			continue;
		}
		if (bad) {
			err = rmpsim_diag_fail(
				diag, -EINVAL,
				"policy plugin %s: %s at %s: the simulator does not model this "
				"instruction",
				img->path, bad, where(img, vaddr + off, at, sizeof(at)));
			break;
		}
		const uint8_t *p = code + off;
		size_t left = size - off;
		uint64_t addr = vaddr + off;
		if (!cs_disasm_iter(cs, &p, &left, &addr, insn)) {
			/* Undecodable: fine unless an RMP sequence follows in this range. */
			if (has_candidate(code + off, size - off))
				err = rmpsim_diag_fail(
					diag, -EINVAL,
					"policy plugin %s: cannot decode the code at %s, before an RMP "
					"instruction byte sequence in the same section: refusing to "
					"run code whose RMP instructions cannot be located",
					img->path, where(img, vaddr + off, at, sizeof(at)));
			break;
		}
		/* A225: an RMP opcode behind prefixes of its own (e.g. 66 F2 0F 01 FC) is the
		 * instruction in an encoding the trap cannot resume after: refused. The
		 * same bytes after an opcode (an immediate) are data. */
		size_t end = (size_t)(p - code);
		for (size_t i = off + 1; i + 4 <= end; i++) {
			if (!is_prefix(code[i - 1]))
				break;
			if (match(code + i, end - i) >= 0 || match_unmodelled(code + i, end - i))
				err = rmpsim_diag_fail(
					diag, -EINVAL,
					"policy plugin %s: an RMP instruction with extra prefixes at "
					"%s: the simulator executes only the plain 4-byte encodings",
					img->path, where(img, vaddr + off, at, sizeof(at)));
		}
		off = end;
	}
	cs_free(insn, 1);
	return err;
}

static int scan_buffer(struct rmpsim_code_image *img, const struct elf *e, struct rmpsim_diag *diag)
{
	const Elf64_Ehdr *eh = &e->eh;
	if (e->size < sizeof(*eh) || memcmp(eh->e_ident, ELFMAG, SELFMAG) ||
	    eh->e_ident[EI_CLASS] != ELFCLASS64 || eh->e_ident[EI_DATA] != ELFDATA2LSB ||
	    eh->e_machine != EM_X86_64 || eh->e_type != ET_DYN)
		return rmpsim_diag_fail(diag, -EINVAL, "policy plugin %s: not an x86-64 ELF shared object",
					img->path);

	/* The address range the object occupies (crash reports look it up). */
	img->lo = UINT64_MAX;
	for (unsigned i = 0; i < eh->e_phnum; i++) {
		Elf64_Phdr ph;
		uint64_t off = eh->e_phoff + (uint64_t)i * eh->e_phentsize;
		if (eh->e_phentsize < sizeof(ph) || !in_file(e, off, sizeof(ph)))
			break;
		memcpy(&ph, e->data + off, sizeof(ph));
		if (ph.p_type != PT_LOAD)
			continue;
		if (ph.p_vaddr < img->lo)
			img->lo = ph.p_vaddr;
		if (ph.p_vaddr + ph.p_memsz > img->hi)
			img->hi = ph.p_vaddr + ph.p_memsz;
	}

	/* Function names: .symtab if the file still has it, else .dynsym. */
	Elf64_Shdr sh, best = { 0 };
	for (unsigned i = 0; i < eh->e_shnum && shdr(e, i, &sh); i++)
		if (sh.sh_type == SHT_DYNSYM)
			img->tracepoints = imports(e, &sh, "rmpsim__k_trace_mark");
	for (unsigned i = 0; i < eh->e_shnum && shdr(e, i, &sh); i++)
		if (sh.sh_type == SHT_SYMTAB || (sh.sh_type == SHT_DYNSYM && best.sh_type != SHT_SYMTAB))
			best = sh;
	if (best.sh_type) {
		int err = read_funcs(img, e, &best);
		if (err)
			return rmpsim_diag_fail(diag, err, "policy plugin %s: out of memory", img->path);
	}

	csh cs;
	if (cs_open(CS_ARCH_X86, CS_MODE_64, &cs) != CS_ERR_OK)
		return rmpsim_diag_fail(diag, -ENOMEM, "policy plugin %s: cannot start the disassembler",
					img->path);
	int err = 0;
	bool any_section = false;
	/* Executable sections; without section headers, the executable segments. */
	for (unsigned i = 0; i < eh->e_shnum && shdr(e, i, &sh) && !err; i++) {
		if (sh.sh_type != SHT_PROGBITS || !(sh.sh_flags & SHF_EXECINSTR))
			continue;
		any_section = true;
		if (!in_file(e, sh.sh_offset, sh.sh_size)) {
			err = rmpsim_diag_fail(diag, -EINVAL, "policy plugin %s: truncated file", img->path);
			break;
		}
		if (has_candidate(e->data + sh.sh_offset, sh.sh_size))
			err = sweep(img, cs, e->data + sh.sh_offset, sh.sh_size, sh.sh_addr, diag);
	}
	for (unsigned i = 0; !any_section && i < eh->e_phnum && !err; i++) {
		Elf64_Phdr ph;
		uint64_t off = eh->e_phoff + (uint64_t)i * eh->e_phentsize;
		if (eh->e_phentsize < sizeof(ph) || !in_file(e, off, sizeof(ph)))
			break;
		memcpy(&ph, e->data + off, sizeof(ph));
		if (ph.p_type != PT_LOAD || !(ph.p_flags & PF_X))
			continue;
		if (!in_file(e, ph.p_offset, ph.p_filesz)) {
			err = rmpsim_diag_fail(diag, -EINVAL, "policy plugin %s: truncated file", img->path);
			break;
		}
		if (has_candidate(e->data + ph.p_offset, ph.p_filesz))
			err = sweep(img, cs, e->data + ph.p_offset, ph.p_filesz, ph.p_vaddr, diag);
	}
	cs_close(&cs);
	return err;
}

int rmpsim_code_scan(const char *path, struct rmpsim_code_image **ret, struct rmpsim_diag *diag)
{
	*ret = NULL;
	FILE *f = fopen(path, "rb");
	if (!f)
		return rmpsim_diag_fail(diag, -errno == -ENOENT ? -ENOENT : -EINVAL, "policy plugin %s: %s",
					path, strerror(errno));
	struct rmpsim_code_image *img = calloc(1, sizeof(*img));
	uint8_t *data = NULL;
	int err = 0;
	long size = -1;
	if (!img || !(img->path = strdup(path))) {
		err = rmpsim_diag_fail(diag, -ENOMEM, "policy plugin %s: out of memory", path);
		goto out;
	}
	if (fseek(f, 0, SEEK_END) == 0)
		size = ftell(f);
	if (size < 0 || (unsigned long long)size > MAX_FILE_BYTES || fseek(f, 0, SEEK_SET) != 0) {
		err = rmpsim_diag_fail(diag, -EINVAL, "policy plugin %s: not a readable regular file", path);
		goto out;
	}
	data = malloc(size ? (size_t)size : 1);
	if (!data) {
		err = rmpsim_diag_fail(diag, -ENOMEM, "policy plugin %s: out of memory", path);
		goto out;
	}
	if (fread(data, 1, (size_t)size, f) != (size_t)size) {
		err = rmpsim_diag_fail(diag, -EINVAL, "policy plugin %s: read error", path);
		goto out;
	}
	struct elf e = { .data = data, .size = (size_t)size };
	if ((size_t)size >= sizeof(e.eh))
		memcpy(&e.eh, data, sizeof(e.eh));
	err = scan_buffer(img, &e, diag);
out:
	free(data);
	fclose(f);
	if (err) {
		rmpsim_code_free(img);
		return err;
	}
	*ret = img;
	return 0;
}
