// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * usyms.c: /proc/<pid>/maps parsing and the per-process, per-object caches behind user
 * frame names. A process's maps are read under the fallback library's root (a fixture tree in
 * tests). Objects are cached by the device and inode maps shows, and loaded on first use
 * from the file the process sees (through /proc/<pid>/root when the host's file at that path
 * is another one); their symbol tables are shared by build id. Anonymous executable mappings
 * are JIT code: named from the process's /tmp/perf-PID.map when it writes one, else "[jit]".
 */
#include "profile/usyms.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fallback.h"
#include "profile/perf_map.h"

#define DELETED_SUFFIX " (deleted)"

int proc_map__parse_line(const char *line, struct proc_map *m)
{
	unsigned long long start, end, off, inode;
	unsigned int major, minor;
	char perms[8];
	const char *path;
	size_t len;
	int pos = 0;

	if (sscanf(line, "%llx-%llx %7s %llx %x:%x %llu %n", &start, &end, perms, &off, &major,
		   &minor, &inode, &pos) < 7 ||
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
	m->dev = (uint64_t)major << 32 | minor;
	m->inode = inode;
	return 0;
}

/* An anonymous executable mapping (JIT code): m gets the path USYMS_JIT. */
static bool map_line__jit(const char *line, struct proc_map *m)
{
	unsigned long long start, end;
	char perms[8];
	int pos = 0;

	if (sscanf(line, "%llx-%llx %7s %*x %*x:%*x %*u%n", &start, &end, perms, &pos) < 3 ||
	    !pos || end <= start || strlen(perms) < 3 || perms[2] != 'x')
		return false;
	pos += (int)strspn(line + pos, " \t");
	if (line[pos] != '\n' && line[pos] != '\0')
		return false;
	memset(m, 0, sizeof(*m));
	m->start = start;
	m->end = end;
	m->path = strdup(USYMS_JIT);
	return true;
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

		if (r == 1 && map_line__jit(line, &m))
			r = m.path ? 0 : -ENOMEM;
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
	uint32_t uid;	     /* its owner: who may write its perf map */
	bool jit_read;	     /* perf map looked for */
	struct perf_map jit; /* /tmp/perf-PID.map: names of its JIT code */
};

/* A mapped file, by what maps says it is. */
struct usyms_obj {
	uint64_t dev, inode;
	char *path;
	int syms; /* index in usyms.syms; -1: not an ELF file we could read */
};

struct usyms {
	struct usyms_proc *procs; /* sorted by pid */
	size_t nprocs, procs_cap;
	struct usyms_obj *objs;
	size_t nobjs, objs_cap;
	size_t last_obj;
	struct elf_syms **syms; /* distinct symbol tables: one per build id */
	int nsyms, syms_cap;
	const char *debug_dir;
	bool demangle;
};

struct usyms *usyms__new(void)
{
	struct usyms *us = calloc(1, sizeof(struct usyms));

	if (!us)
		return NULL;
	us->debug_dir = ELF_DEBUG_ROOT;
	us->demangle = true;
	return us;
}

void usyms__set_debug_dir(struct usyms *us, const char *dir)
{
	us->debug_dir = dir;
}

void usyms__set_demangle(struct usyms *us, bool demangle)
{
	us->demangle = demangle;
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
	char rel[32], dir[4096];
	struct stat st;
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
	snprintf(rel, sizeof(rel), "%u", pid);
	if (fb_proc_path(rel, dir, sizeof(dir)) || stat(dir, &st))
		st.st_uid = 0;
	memmove(&us->procs[i + 1], &us->procs[i], (us->nprocs - i) * sizeof(*us->procs));
	us->procs[i] = (struct usyms_proc){ .pid = pid, .maps = pm, .uid = st.st_uid };
	us->nprocs++;
	return 0;
}

/*
 * The symbols of mapping m of pid. The host's file at m's path is used when it is the inode
 * the process mapped; otherwise (another mount namespace) the file under /proc/<pid>/root.
 */
static struct elf_syms *usyms__load_file(struct usyms *us, const struct proc_map *m, uint32_t pid)
{
	char rel[4128], alt[4352];
	struct elf_syms *es;
	struct stat st;
	bool has_alt;

	snprintf(rel, sizeof(rel), "%u/root%s", pid, m->path);
	has_alt = !fb_proc_path(rel, alt, sizeof(alt));
	if (m->inode && !stat(m->path, &st) && st.st_ino == m->inode)
		return elf_syms__load_debug(m->path, us->debug_dir);
	if (has_alt && !stat(alt, &st)) {
		es = elf_syms__load_debug(alt, us->debug_dir);
		if (es)
			return es;
	}
	return elf_syms__load_debug(m->path, us->debug_dir);
}

/* Keep es (owned from here), or the table already read for its build id. Index or -ENOMEM. */
static int usyms__intern(struct usyms *us, struct elf_syms *es)
{
	const char *id = elf_syms__build_id(es);

	for (int i = 0; id[0] && i < us->nsyms; i++) {
		if (!strcmp(elf_syms__build_id(us->syms[i]), id)) {
			elf_syms__free(es);
			return i;
		}
	}
	if (us->nsyms == us->syms_cap) {
		int cap = us->syms_cap ? us->syms_cap * 2 : 32;
		struct elf_syms **p = realloc(us->syms, (size_t)cap * sizeof(*p));

		if (!p) {
			elf_syms__free(es);
			return -ENOMEM;
		}
		us->syms = p;
		us->syms_cap = cap;
	}
	us->syms[us->nsyms] = es;
	return us->nsyms++;
}

static bool usyms_obj__is(const struct usyms_obj *o, const struct proc_map *m)
{
	return o->dev == m->dev && o->inode == m->inode && (m->inode || !strcmp(o->path, m->path));
}

/* The object of mapping m, loaded on first use; NULL only when out of memory. */
static struct usyms_obj *usyms__obj(struct usyms *us, const struct proc_map *m, uint32_t pid)
{
	struct usyms_obj *o;
	struct elf_syms *es;

	if (us->last_obj < us->nobjs && usyms_obj__is(&us->objs[us->last_obj], m))
		return &us->objs[us->last_obj];
	for (size_t i = 0; i < us->nobjs; i++) {
		if (usyms_obj__is(&us->objs[i], m)) {
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
	o->path = strdup(m->path);
	if (!o->path)
		return NULL;
	o->dev = m->dev;
	o->inode = m->inode;
	o->syms = -1;
	es = m->path[0] == '/' ? usyms__load_file(us, m, pid) : NULL;
	if (es) {
		o->syms = usyms__intern(us, es);
		if (o->syms < 0) {
			free(o->path);
			return NULL;
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

/* A frame in JIT code: its name from the process's perf map, or "[jit]". */
static bool usyms__resolve_jit(struct usyms *us, uint32_t pid, uint64_t addr, char *buf, size_t len)
{
	size_t i = usyms__proc_slot(us, pid);
	struct usyms_proc *p = &us->procs[i];
	const char *name;

	if (!p->jit_read) {
		p->jit_read = true;
		perf_map__load(&p->jit, pid, p->uid);
	}
	name = perf_map__find(&p->jit, addr);
	snprintf(buf, len, "%s", name ? name : USYMS_JIT);
	return name != NULL;
}

bool usyms__resolve(struct usyms *us, uint32_t pid, uint64_t addr, char *buf, size_t len,
		    const char **module)
{
	const struct usyms_proc *p = usyms__proc(us, pid);
	const struct proc_map *m;
	struct usyms_obj *o;
	struct elf_syms *es;
	uint64_t off, vaddr, sym_off;
	const char *name;

	m = p ? proc_maps__find(&p->maps, addr) : NULL;
	if (module)
		*module = m ? m->path : NULL;
	if (!m) {
		snprintf(buf, len, "[unknown]");
		return false;
	}
	if (!strcmp(m->path, USYMS_JIT))
		return usyms__resolve_jit(us, pid, addr, buf, len);
	off = addr - m->start + m->offset;
	o = usyms__obj(us, m, pid);
	es = o && o->syms >= 0 ? us->syms[o->syms] : NULL;
	if (!es || elf_syms__vaddr(es, off, &vaddr)) {
		snprintf(buf, len, "%s+0x%" PRIx64, base_name(m->path), off);
		return false;
	}
	name = elf_syms__name(es, vaddr, &sym_off, us->demangle);
	if (!name) {
		snprintf(buf, len, "%s+0x%" PRIx64, base_name(m->path), vaddr);
		return false;
	}
	snprintf(buf, len, "%s", name);
	return true;
}

const struct proc_map *usyms__mapping(struct usyms *us, uint32_t pid, uint64_t addr,
				      const char **build_id)
{
	const struct usyms_proc *p = usyms__proc(us, pid);
	const struct proc_map *m = p ? proc_maps__find(&p->maps, addr) : NULL;
	struct usyms_obj *o = m && strcmp(m->path, USYMS_JIT) ? usyms__obj(us, m, pid) : NULL;

	*build_id = o && o->syms >= 0 ? elf_syms__build_id(us->syms[o->syms]) : "";
	return m;
}

void usyms__free(struct usyms *us)
{
	if (!us)
		return;
	for (size_t i = 0; i < us->nprocs; i++) {
		proc_maps__fini(&us->procs[i].maps);
		perf_map__fini(&us->procs[i].jit);
	}
	for (size_t i = 0; i < us->nobjs; i++)
		free(us->objs[i].path);
	for (int i = 0; i < us->nsyms; i++)
		elf_syms__free(us->syms[i]);
	free(us->procs);
	free(us->objs);
	free(us->syms);
	free(us);
}
