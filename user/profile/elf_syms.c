// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * elf_syms.c: the function symbols and PT_LOAD segments of one ELF object, read with libelf.
 * .symtab is preferred, then the .symtab of a separate debug file found by build id (as
 * Debian's -dbg packages install them), then .dynsym (exported functions only); with none,
 * lookups fail and the caller prints module+offset.
 */
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "profile/usyms.h"

#define ELF_MAX_SEGS   16
#define ELF_DEBUG_ROOT "/usr/lib/debug"

struct elf_sym {
	uint64_t addr, size;
	char *name;
};

struct elf_seg {
	uint64_t offset, vaddr, filesz;
};

struct elf_syms {
	struct elf_sym *syms;
	size_t n;
	struct elf_seg segs[ELF_MAX_SEGS];
	int nsegs;
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

/* The GNU build id of elf as lowercase hex into hex; 0, or -ENOENT when it has none. */
static int elf_build_id(Elf *elf, char *hex, size_t len)
{
	Elf_Scn *scn = NULL;
	GElf_Shdr sh;

	while ((scn = elf_nextscn(elf, scn))) {
		Elf_Data *data;
		GElf_Nhdr nh;
		size_t off = 0, name_off, desc_off;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_NOTE)
			continue;
		data = elf_getdata(scn, NULL);
		while (data && (off = gelf_getnote(data, off, &nh, &name_off, &desc_off)) > 0) {
			const unsigned char *desc = (const unsigned char *)data->d_buf + desc_off;

			if (nh.n_type != NT_GNU_BUILD_ID || nh.n_namesz != 4 ||
			    memcmp((const char *)data->d_buf + name_off, "GNU", 4) ||
			    !nh.n_descsz || nh.n_descsz * 2 + 1 > len)
				continue;
			for (size_t i = 0; i < nh.n_descsz; i++)
				snprintf(hex + 2 * i, 3, "%02x", desc[i]);
			return 0;
		}
	}
	return -ENOENT;
}

/*
 * A distribution strips .symtab into a separate debug file named by build id
 * (<debug_root>/.build-id/ab/cdef....debug, e.g. Debian's libc6-dbg). Read its .symtab
 * if there is one: 1 when read, 0 when there is none, or a negative errno.
 */
static int elf_syms__read_debug(struct elf_syms *es, Elf *elf, const char *debug_root, size_t *cap)
{
	char id[129], path[4096];
	Elf_Scn *scn;
	Elf *dbg;
	int fd, err = 0;

	if (!debug_root || elf_build_id(elf, id, sizeof(id)) || strlen(id) < 3)
		return 0;
	snprintf(path, sizeof(path), "%s/.build-id/%.2s/%s.debug", debug_root, id, id + 2);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	dbg = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	scn = dbg && elf_kind(dbg) == ELF_K_ELF ? find_section(dbg, SHT_SYMTAB) : NULL;
	if (scn)
		err = elf_syms__read_table(es, dbg, scn, cap);
	elf_end(dbg);
	close(fd);
	return err ? err : scn != NULL;
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
	Elf *elf;
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
	scn = find_section(elf, SHT_SYMTAB);
	if (!scn) {
		err = elf_syms__read_debug(es, elf, debug_root, &cap);
		if (err < 0)
			goto err_end;
		scn = err ? NULL : find_section(elf, SHT_DYNSYM);
		err = 0;
	}
	if (scn)
		err = elf_syms__read_table(es, elf, scn, &cap);
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

const char *elf_syms__find(const struct elf_syms *es, uint64_t vaddr, uint64_t *sym_off)
{
	size_t lo = 0, hi = es->n;
	const struct elf_sym *s;

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
	*sym_off = vaddr - s->addr;
	return s->name;
}

size_t elf_syms__count(const struct elf_syms *es)
{
	return es ? es->n : 0;
}

void elf_syms__free(struct elf_syms *es)
{
	if (!es)
		return;
	for (size_t i = 0; i < es->n; i++)
		free(es->syms[i].name);
	free(es->syms);
	free(es);
}
