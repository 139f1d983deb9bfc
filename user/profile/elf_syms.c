// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * elf_syms.c: the function symbols and PT_LOAD segments of one ELF object, read with libelf.
 * The first source that has a .symtab wins: the object itself, a separate debug file found
 * by build id (as Debian's -dbg packages install them), then one named by .gnu_debuglink;
 * failing those, .dynsym (exported functions) together with the local functions of the
 * MiniDebugInfo (.gnu_debugdata) when there is one. With none, lookups fail and the caller
 * prints module+offset. The PLT stubs are named from the object's own .rela.plt. Demangled
 * names are made on first lookup and kept.
 */
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "profile/demangle.h"
#include "profile/elf_debug.h"
#include "profile/usyms.h"

#define ELF_MAX_SEGS 16

struct elf_sym {
	uint64_t addr, size;
	char *name;
	char *demangled; /* made on first lookup; NULL: not yet, or not mangled */
	bool tried;	 /* demangling was tried */
};

struct elf_seg {
	uint64_t offset, vaddr, filesz;
};

struct elf_syms {
	struct elf_sym *syms;
	size_t n;
	struct elf_seg segs[ELF_MAX_SEGS];
	int nsegs;
	char build_id[ELF_BUILD_ID_MAX]; /* "" when the object has none */
	const char *source;		 /* where the symbols came from (usyms.h) */
};

static int elf_syms__add(struct elf_syms *es, size_t *cap, uint64_t addr, uint64_t size,
			 const char *name)
{
	if (es->n == *cap) {
		size_t ncap = *cap ? *cap * 2 : 256;
		struct elf_sym *p = realloc(es->syms, ncap * sizeof(*p));

		if (!p)
			return -ENOMEM;
		es->syms = p;
		*cap = ncap;
	}
	es->syms[es->n].name = strdup(name);
	if (!es->syms[es->n].name)
		return -ENOMEM;
	es->syms[es->n].addr = addr;
	es->syms[es->n].size = size;
	es->syms[es->n].demangled = NULL;
	es->syms[es->n].tried = false;
	es->n++;
	return 0;
}

static int elf_syms__read_table(struct elf_syms *es, Elf *elf, Elf_Scn *scn, size_t *cap)
{
	GElf_Shdr sh;
	Elf_Data *data;

	if (!gelf_getshdr(scn, &sh) || !sh.sh_entsize)
		return 0;
	data = elf_getdata(scn, NULL);
	if (!data)
		return 0;
	for (size_t i = 0; i < sh.sh_size / sh.sh_entsize; i++) {
		GElf_Sym sym;
		const char *name;
		int type, err;

		if (!gelf_getsym(data, (int)i, &sym))
			continue;
		type = GELF_ST_TYPE(sym.st_info);
		if ((type != STT_FUNC && type != STT_GNU_IFUNC) || !sym.st_value ||
		    sym.st_shndx == SHN_UNDEF)
			continue;
		name = elf_strptr(elf, sh.sh_link, sym.st_name);
		if (!name || !*name)
			continue;
		err = elf_syms__add(es, cap, sym.st_value, sym.st_size, name);
		if (err)
			return err;
	}
	return 0;
}

static Elf_Scn *find_section(Elf *elf, Elf64_Word type)
{
	Elf_Scn *scn = NULL;
	GElf_Shdr sh;

	while ((scn = elf_nextscn(elf, scn))) {
		if (gelf_getshdr(scn, &sh) && sh.sh_type == type)
			return scn;
	}
	return NULL;
}

static Elf_Scn *section_by_name(Elf *elf, const char *name, GElf_Shdr *sh)
{
	Elf_Scn *scn = NULL;
	size_t shstrndx;
	const char *n;

	if (elf_getshdrstrndx(elf, &shstrndx))
		return NULL;
	while ((scn = elf_nextscn(elf, scn))) {
		n = gelf_getshdr(scn, sh) ? elf_strptr(elf, shstrndx, sh->sh_name) : NULL;
		if (n && !strcmp(n, name))
			return scn;
	}
	return NULL;
}

/*
 * The PLT stubs, named "NAME@plt" as objdump and perf name them: the i-th .rela.plt entry's
 * stub is the i-th of .plt.sec when there is one (IBT), else the (i+1)-th of .plt (the first
 * is the lazy resolver). Unnamed, a stub would take the name of what lies below the PLT,
 * usually _init. 0 or -errno.
 */
static int elf_syms__read_plt(struct elf_syms *es, Elf *elf, size_t *cap)
{
	GElf_Shdr rsh, psh, dsh;
	Elf_Scn *rela = section_by_name(elf, ".rela.plt", &rsh), *plt, *dyn;
	Elf_Data *rd, *dd;
	uint64_t base, step;
	char name[256];
	bool sec;
	int err;

	plt = section_by_name(elf, ".plt.sec", &psh);
	sec = plt != NULL;
	if (!plt)
		plt = section_by_name(elf, ".plt", &psh);
	if (!rela || !plt || rsh.sh_type != SHT_RELA || !rsh.sh_entsize ||
	    psh.sh_type != SHT_PROGBITS)
		return 0;
	dyn = elf_getscn(elf, rsh.sh_link);
	rd = elf_getdata(rela, NULL);
	dd = dyn && gelf_getshdr(dyn, &dsh) ? elf_getdata(dyn, NULL) : NULL;
	if (!rd || !dd)
		return 0;
	step = psh.sh_entsize ? psh.sh_entsize : 16;
	base = psh.sh_addr + (sec ? 0 : step);
	for (size_t i = 0; i < rsh.sh_size / rsh.sh_entsize; i++) {
		uint64_t addr = base + i * step;
		const char *sym_name;
		GElf_Rela r;
		GElf_Sym sym;

		if (addr + step > psh.sh_addr + psh.sh_size)
			break;
		if (!gelf_getrela(rd, (int)i, &r) || !GELF_R_SYM(r.r_info) ||
		    !gelf_getsym(dd, (int)GELF_R_SYM(r.r_info), &sym))
			continue;
		sym_name = elf_strptr(elf, dsh.sh_link, sym.st_name);
		if (!sym_name || !*sym_name)
			continue;
		snprintf(name, sizeof(name), "%s@plt", sym_name);
		err = elf_syms__add(es, cap, addr, step, name);
		if (err)
			return err;
	}
	return 0;
}

static void elf_syms__read_segs(struct elf_syms *es, Elf *elf)
{
	size_t n = 0;
	GElf_Phdr ph;

	if (elf_getphdrnum(elf, &n))
		return;
	for (size_t i = 0; i < n && es->nsegs < ELF_MAX_SEGS; i++) {
		if (!gelf_getphdr(elf, (int)i, &ph) || ph.p_type != PT_LOAD)
			continue;
		es->segs[es->nsegs++] = (struct elf_seg){ ph.p_offset, ph.p_vaddr, ph.p_filesz };
	}
}

static int sym_cmp(const void *a, const void *b)
{
	const struct elf_sym *x = a, *y = b;

	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	/* Among aliases, the sized one first, then by name for a stable choice. */
	if (x->size != y->size)
		return x->size > y->size ? -1 : 1;
	return strcmp(x->name, y->name);
}

/* Read the .symtab of the debug file open at fd (closed here): 1 when read, 0, or -errno. */
static int elf_syms__read_debug_fd(struct elf_syms *es, int fd, size_t *cap)
{
	Elf_Scn *scn;
	Elf *dbg;
	int err = 0;

	if (fd < 0)
		return 0;
	dbg = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	scn = dbg && elf_kind(dbg) == ELF_K_ELF ? find_section(dbg, SHT_SYMTAB) : NULL;
	if (scn)
		err = elf_syms__read_table(es, dbg, scn, cap);
	elf_end(dbg);
	close(fd);
	return err ? err : scn != NULL && es->n > 0;
}

/* .dynsym, and the local functions MiniDebugInfo keeps. 0 or -errno. */
static int elf_syms__read_dynsym_mini(struct elf_syms *es, Elf *elf, size_t *cap)
{
	Elf_Scn *scn = find_section(elf, SHT_DYNSYM);
	size_t size = 0, before;
	void *img;
	Elf *mini;
	int err = 0;

	if (scn) {
		err = elf_syms__read_table(es, elf, scn, cap);
		es->source = "dynsym";
	}
	img = err ? NULL : elf_debug__minidebuginfo(elf, &size);
	if (!img)
		return err;
	mini = elf_memory(img, size);
	scn = mini && elf_kind(mini) == ELF_K_ELF ? find_section(mini, SHT_SYMTAB) : NULL;
	before = es->n;
	if (scn)
		err = elf_syms__read_table(es, mini, scn, cap);
	if (!err && es->n > before)
		es->source = "minidebuginfo";
	elf_end(mini);
	free(img);
	return err;
}

/* Symbols for an object without .symtab, from the first source that has them. 0 or -errno. */
static int elf_syms__read_stripped(struct elf_syms *es, Elf *elf, const char *path,
				   const char *root, size_t *cap)
{
	int r;

	r = es->build_id[0]
		    ? elf_syms__read_debug_fd(es, elf_debug__open_build_id(root, es->build_id), cap)
		    : 0;
	if (r) {
		es->source = "build-id";
		return r < 0 ? r : 0;
	}
	r = elf_syms__read_debug_fd(es, elf_debug__open_link(elf, path, root), cap);
	if (r) {
		es->source = "debuglink";
		return r < 0 ? r : 0;
	}
	return elf_syms__read_dynsym_mini(es, elf, cap);
}

struct elf_syms *elf_syms__load(const char *path)
{
	return elf_syms__load_debug(path, ELF_DEBUG_ROOT);
}

struct elf_syms *elf_syms__load_debug(const char *path, const char *debug_root)
{
	struct elf_syms *es;
	Elf_Scn *scn;
	size_t cap = 0;
	Elf *elf = NULL;
	int fd, err = 0;

	if (elf_version(EV_CURRENT) == EV_NONE) {
		errno = ENOSYS;
		return NULL;
	}
	es = calloc(1, sizeof(*es));
	if (!es)
		return NULL;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		err = -errno;
		goto err_free;
	}
	elf = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	if (!elf || elf_kind(elf) != ELF_K_ELF) {
		err = -ENOEXEC;
		goto err_end;
	}
	elf_syms__read_segs(es, elf);
	if (elf_build_id(elf, es->build_id, sizeof(es->build_id)))
		es->build_id[0] = '\0';
	es->source = "none";
	scn = find_section(elf, SHT_SYMTAB);
	if (scn) {
		err = elf_syms__read_table(es, elf, scn, &cap);
		es->source = "symtab";
	} else {
		err = elf_syms__read_stripped(es, elf, path, debug_root, &cap);
	}
	if (!err)
		err = elf_syms__read_plt(es, elf, &cap);
	if (err)
		goto err_end;
	if (es->n)
		qsort(es->syms, es->n, sizeof(*es->syms), sym_cmp);
	elf_end(elf);
	close(fd);
	return es;

err_end:
	elf_end(elf);
	close(fd);
err_free:
	elf_syms__free(es);
	errno = -err;
	return NULL;
}

int elf_syms__vaddr(const struct elf_syms *es, uint64_t off, uint64_t *vaddr)
{
	for (int i = 0; i < es->nsegs; i++) {
		const struct elf_seg *s = &es->segs[i];

		if (off >= s->offset && off < s->offset + s->filesz) {
			*vaddr = off - s->offset + s->vaddr;
			return 0;
		}
	}
	return -ENOENT;
}

/* The symbol covering vaddr (the first alias at its address), or NULL. */
static struct elf_sym *elf_syms__lookup(const struct elf_syms *es, uint64_t vaddr)
{
	size_t lo = 0, hi = es->n;
	struct elf_sym *s;

	if (!es->n || vaddr < es->syms[0].addr)
		return NULL;
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;

		if (es->syms[mid].addr <= vaddr)
			lo = mid;
		else
			hi = mid;
	}
	while (lo > 0 && es->syms[lo - 1].addr == es->syms[lo].addr)
		lo--;
	s = &es->syms[lo];
	/* A sized symbol must cover vaddr; an unsized one (hand-written asm) is trusted. */
	if (s->size && vaddr >= s->addr + s->size)
		return NULL;
	return s;
}

const char *elf_syms__find(const struct elf_syms *es, uint64_t vaddr, uint64_t *sym_off)
{
	const struct elf_sym *s = elf_syms__lookup(es, vaddr);

	if (!s)
		return NULL;
	*sym_off = vaddr - s->addr;
	return s->name;
}

const char *elf_syms__name(struct elf_syms *es, uint64_t vaddr, uint64_t *sym_off, bool demangle)
{
	struct elf_sym *s = elf_syms__lookup(es, vaddr);

	if (!s)
		return NULL;
	*sym_off = vaddr - s->addr;
	if (!demangle)
		return s->name;
	if (!s->tried) {
		s->demangled = sym_demangle(s->name);
		s->tried = true;
	}
	return s->demangled ? s->demangled : s->name;
}

const char *elf_syms__build_id(const struct elf_syms *es)
{
	return es->build_id;
}

const char *elf_syms__source(const struct elf_syms *es)
{
	return es->source;
}

size_t elf_syms__count(const struct elf_syms *es)
{
	return es ? es->n : 0;
}

void elf_syms__free(struct elf_syms *es)
{
	if (!es)
		return;
	for (size_t i = 0; i < es->n; i++) {
		free(es->syms[i].name);
		free(es->syms[i].demangled);
	}
	free(es->syms);
	free(es);
}
