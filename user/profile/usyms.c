// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * usyms.c: /proc/<pid>/maps parsing and the per-process, per-object caches behind user
 * frame names. A process's maps are read under the fallback library's root (a fixture tree in
 * tests). Objects are cached by path and loaded on first use, so a library mapped by a
 * hundred processes is read once.
 */
#include "profile/usyms.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fallback.h"

#define DELETED_SUFFIX " (deleted)"

int proc_map__parse_line(const char *line, struct proc_map *m)
{
	unsigned long long start, end, off, inode;
	char perms[8];
	const char *path;
	size_t len;
	int pos = 0;

	if (sscanf(line, "%llx-%llx %7s %llx %*s %llu %n", &start, &end, perms, &off, &inode,
		   &pos) < 5 ||
	    !pos || end <= start || strlen(perms) < 4)
		return -EINVAL;
	path = line + pos;
	len = strcspn(path, "\n");
	if (perms[2] != 'x' || !len)
		return 1;
	if (path[0] != '/' && path[0] != '[')
		return 1;
	if (len > strlen(DELETED_SUFFIX) &&
	    !strncmp(path + len - strlen(DELETED_SUFFIX), DELETED_SUFFIX, strlen(DELETED_SUFFIX)))
		len -= strlen(DELETED_SUFFIX);
	m->path = strndup(path, len);
	if (!m->path)
		return -ENOMEM;
	m->start = start;
	m->end = end;
	m->offset = off;
	return 0;
}

static int map_cmp(const void *a, const void *b)
{
	const struct proc_map *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

/* The maps of the open file f (closed here). */
static int proc_maps__read(struct proc_maps *pm, FILE *f)
{
	size_t cap = 0;
	char line[4096 + 128];
	int err = 0;

	memset(pm, 0, sizeof(*pm));
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		struct proc_map m;
		int r = proc_map__parse_line(line, &m);

		if (r == 1 || r == -EINVAL)
			continue;
		if (r < 0) {
			err = r;
			break;
		}
		if (pm->n == cap) {
			size_t ncap = cap ? cap * 2 : 32;
			struct proc_map *p = realloc(pm->maps, ncap * sizeof(*p));

			if (!p) {
				free(m.path);
				err = -ENOMEM;
				break;
			}
			pm->maps = p;
			cap = ncap;
		}
		pm->maps[pm->n++] = m;
	}
	fclose(f);
	if (err) {
		proc_maps__fini(pm);
		return err;
	}
	if (pm->n)
		qsort(pm->maps, pm->n, sizeof(*pm->maps), map_cmp);
	return 0;
}

int proc_maps__load(struct proc_maps *pm, const char *path)
{
	return proc_maps__read(pm, fopen(path, "re"));
}

const struct proc_map *proc_maps__find(const struct proc_maps *pm, uint64_t addr)
{
	size_t lo = 0, hi = pm->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct proc_map *m = &pm->maps[mid];

		if (addr < m->start)
			hi = mid;
		else if (addr >= m->end)
			lo = mid + 1;
		else
			return m;
	}
	return NULL;
}

void proc_maps__fini(struct proc_maps *pm)
{
	if (!pm)
		return;
	for (size_t i = 0; i < pm->n; i++)
		free(pm->maps[i].path);
	free(pm->maps);
	pm->maps = NULL;
	pm->n = 0;
}

struct usyms_proc {
	uint32_t pid;
	struct proc_maps maps;
};

struct usyms_obj {
	char *path;
	struct elf_syms *syms; /* NULL: not an ELF file we could read */
};

struct usyms {
	struct usyms_proc *procs; /* sorted by pid */
	size_t nprocs, procs_cap;
	struct usyms_obj *objs;
	size_t nobjs, objs_cap;
	size_t last_obj;
};

struct usyms *usyms__new(void)
{
	return calloc(1, sizeof(struct usyms));
}

/* The index where pid is, or where it would go. */
static size_t usyms__proc_slot(const struct usyms *us, uint32_t pid)
{
	size_t lo = 0, hi = us->nprocs;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (us->procs[mid].pid < pid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static const struct usyms_proc *usyms__proc(const struct usyms *us, uint32_t pid)
{
	size_t i = usyms__proc_slot(us, pid);

	return i < us->nprocs && us->procs[i].pid == pid ? &us->procs[i] : NULL;
}

bool usyms__has_pid(const struct usyms *us, uint32_t pid)
{
	return usyms__proc(us, pid) != NULL;
}

int usyms__add_pid(struct usyms *us, uint32_t pid)
{
	size_t i = usyms__proc_slot(us, pid);
	struct proc_maps pm;
	char rel[32];
	int err;

	if (i < us->nprocs && us->procs[i].pid == pid)
		return 0;
	snprintf(rel, sizeof(rel), "%u/maps", pid);
	err = proc_maps__read(&pm, fb_proc_fopen(rel));
	if (err)
		return err;
	if (us->nprocs == us->procs_cap) {
		size_t cap = us->procs_cap ? us->procs_cap * 2 : 64;
		struct usyms_proc *p = realloc(us->procs, cap * sizeof(*p));

		if (!p) {
			proc_maps__fini(&pm);
			return -ENOMEM;
		}
		us->procs = p;
		us->procs_cap = cap;
	}
	memmove(&us->procs[i + 1], &us->procs[i], (us->nprocs - i) * sizeof(*us->procs));
	us->procs[i] = (struct usyms_proc){ pid, pm };
	us->nprocs++;
	return 0;
}

/* The object at path, loaded on first use; NULL only when out of memory. */
static struct usyms_obj *usyms__obj(struct usyms *us, const char *path, uint32_t pid)
{
	struct usyms_obj *o;
	char rel[4128], alt[4352];

	if (us->last_obj < us->nobjs && !strcmp(us->objs[us->last_obj].path, path))
		return &us->objs[us->last_obj];
	for (size_t i = 0; i < us->nobjs; i++) {
		if (!strcmp(us->objs[i].path, path)) {
			us->last_obj = i;
			return &us->objs[i];
		}
	}
	if (us->nobjs == us->objs_cap) {
		size_t cap = us->objs_cap ? us->objs_cap * 2 : 32;
		struct usyms_obj *p = realloc(us->objs, cap * sizeof(*p));

		if (!p)
			return NULL;
		us->objs = p;
		us->objs_cap = cap;
	}
	o = &us->objs[us->nobjs];
	o->path = strdup(path);
	if (!o->path)
		return NULL;
	o->syms = NULL;
	if (path[0] == '/') {
		o->syms = elf_syms__load(path);
		/* A process in another mount namespace: its root shows the same file. */
		if (!o->syms) {
			snprintf(rel, sizeof(rel), "%u/root%s", pid, path);
			if (!fb_proc_path(rel, alt, sizeof(alt)))
				o->syms = elf_syms__load(alt);
		}
	}
	us->last_obj = us->nobjs++;
	return o;
}

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

bool usyms__resolve(struct usyms *us, uint32_t pid, uint64_t addr, char *buf, size_t len,
		    const char **module)
{
	const struct usyms_proc *p = usyms__proc(us, pid);
	const struct proc_map *m;
	struct usyms_obj *o;
	uint64_t off, vaddr, sym_off;
	const char *name;

	m = p ? proc_maps__find(&p->maps, addr) : NULL;
	if (module)
		*module = m ? m->path : NULL;
	if (!m) {
		snprintf(buf, len, "[unknown]");
		return false;
	}
	off = addr - m->start + m->offset;
	o = usyms__obj(us, m->path, pid);
	if (!o || !o->syms || elf_syms__vaddr(o->syms, off, &vaddr)) {
		snprintf(buf, len, "%s+0x%" PRIx64, base_name(m->path), off);
		return false;
	}
	name = elf_syms__find(o->syms, vaddr, &sym_off);
	if (!name) {
		snprintf(buf, len, "%s+0x%" PRIx64, base_name(m->path), vaddr);
		return false;
	}
	snprintf(buf, len, "%s", name);
	return true;
}

void usyms__free(struct usyms *us)
{
	if (!us)
		return;
	for (size_t i = 0; i < us->nprocs; i++)
		proc_maps__fini(&us->procs[i].maps);
	for (size_t i = 0; i < us->nobjs; i++) {
		free(us->objs[i].path);
		elf_syms__free(us->objs[i].syms);
	}
	free(us->procs);
	free(us->objs);
	free(us);
}
