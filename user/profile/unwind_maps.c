// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * unwind_maps.c: the userspace half of the unwinder. Objects are known by their build-id
 * key (unwind_table.c); each gets a table id for the life of the profiler, so a process's
 * mapping list never points at another object's rows, even after an eviction. Rows are
 * placed first-fit in the mmapped `unw_rows` array; the object's `unw_objs` entry is written
 * after its rows and cleared before they are given away. Compiled rows stay cached here, so
 * an evicted table comes back with a copy when the kernel asks for it (VG_UNW_WANTED); the
 * tables of the process being loaded never evict each other. The [vdso] gets the table of
 * vigil's own vdso image (the same kernel's). A process's list holds every
 * executable mapping, anonymous ones too (JIT code) with no table, so that only a really
 * unknown PC (a library loaded later, an exec) makes the kernel ask for a re-read.
 */
#include "profile/unwind_maps.h"

#include <bpf/bpf.h>
#include <elf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/log.h"
#include "fallback.h"
#include "profile/unwind_table.h"
#include "profile/usyms.h"

#define UNW_REFRESH_FLAG 1 /* vg_unw_proc.pad, as bpf/unwind.bpf.h sets it */

struct unw_obj {
	char key[UNW_KEY_LEN];
	char ino_key[64]; /* the last file seen with this build-id: skips reopening it */
	uint32_t first, count;
	uint64_t last_used;
	bool loaded;
	struct vg_unw_row *cache; /* its rows, kept here while evicted from the kernel */
	size_t ncache;
};

struct unw_extent {
	uint32_t start, len;
};

struct unw_maps {
	int rows_fd, objs_fd, procs_fd;
	struct vg_unw_row *rows; /* mmapped unw_rows */
	uint32_t nrows;
	struct unw_obj objs[VG_UNW_MAX_OBJS];
	uint32_t nobjs;
	struct unw_extent *free; /* sorted by start, coalesced */
	size_t nfree, free_cap;
	uint64_t clock, loads, evictions, failed_objs, procs;
	uint64_t gen;	       /* the last vg_unw_obj.gen written */
	uint64_t pass;	       /* clock at the start of the current add_pid(): its tables stay */
	const char *debug_dir; /* where separate debug files are looked for */
};

struct unw_maps *unw_maps__new(int rows_fd, uint32_t nrows, int objs_fd, int procs_fd,
			       const char *debug_dir)
{
	struct unw_maps *um = calloc(1, sizeof(*um));
	void *mem;

	if (!um)
		return NULL;
	um->debug_dir = debug_dir;
	mem = mmap(NULL, (size_t)nrows * sizeof(struct vg_unw_row), PROT_READ | PROT_WRITE,
		   MAP_SHARED, rows_fd, 0);
	if (mem == MAP_FAILED) {
		free(um);
		return NULL;
	}
	um->rows = mem;
	um->nrows = nrows;
	um->rows_fd = rows_fd;
	um->objs_fd = objs_fd;
	um->procs_fd = procs_fd;
	um->free = malloc(sizeof(*um->free));
	if (!um->free) {
		unw_maps__free(um);
		return NULL;
	}
	um->free[0] = (struct unw_extent){ 0, nrows };
	um->nfree = um->free_cap = 1;
	return um;
}

static int extent__take(struct unw_maps *um, uint32_t len, uint32_t *start)
{
	for (size_t i = 0; i < um->nfree; i++) {
		if (um->free[i].len < len)
			continue;
		*start = um->free[i].start;
		um->free[i].start += len;
		um->free[i].len -= len;
		if (!um->free[i].len) {
			memmove(&um->free[i], &um->free[i + 1],
				(um->nfree - i - 1) * sizeof(*um->free));
			um->nfree--;
		}
		return 0;
	}
	return -ENOSPC;
}

static int extent__give(struct unw_maps *um, uint32_t start, uint32_t len)
{
	size_t i = 0;

	while (i < um->nfree && um->free[i].start < start)
		i++;
	if (i && um->free[i - 1].start + um->free[i - 1].len == start) {
		um->free[i - 1].len += len;
		if (i < um->nfree && start + len == um->free[i].start) {
			um->free[i - 1].len += um->free[i].len;
			memmove(&um->free[i], &um->free[i + 1],
				(um->nfree - i - 1) * sizeof(*um->free));
			um->nfree--;
		}
		return 0;
	}
	if (i < um->nfree && start + len == um->free[i].start) {
		um->free[i].start = start;
		um->free[i].len += len;
		return 0;
	}
	if (um->nfree == um->free_cap) {
		size_t cap = um->free_cap * 2;
		struct unw_extent *p = realloc(um->free, cap * sizeof(*p));

		if (!p)
			return -ENOMEM;
		um->free = p;
		um->free_cap = cap;
	}
	memmove(&um->free[i + 1], &um->free[i], (um->nfree - i) * sizeof(*um->free));
	um->free[i] = (struct unw_extent){ start, len };
	um->nfree++;
	return 0;
}

/*
 * vigil's own vdso image, at AT_SYSINFO_EHDR: the kernel maps it whole, so its length is
 * where its section headers or its last load segment end, whichever is further.
 */
static int unw_vdso_image(const void **img, size_t *len)
{
	const Elf64_Ehdr *eh = (const Elf64_Ehdr *)getauxval(AT_SYSINFO_EHDR);
	const Elf64_Phdr *ph;
	size_t end;

	if (!eh || memcmp(eh->e_ident, ELFMAG, SELFMAG) || eh->e_ident[EI_CLASS] != ELFCLASS64 ||
	    eh->e_phentsize != sizeof(*ph))
		return -ENOENT;
	end = eh->e_shoff + (size_t)eh->e_shnum * eh->e_shentsize;
	ph = (const Elf64_Phdr *)((const char *)eh + eh->e_phoff);
	for (int i = 0; i < eh->e_phnum; i++) {
		if (ph[i].p_type == PT_LOAD && ph[i].p_offset + ph[i].p_filesz > end)
			end = ph[i].p_offset + ph[i].p_filesz;
	}
	*img = eh;
	*len = end;
	return 0;
}

static void obj__publish(struct unw_maps *um, uint32_t id)
{
	struct vg_unw_obj v = { .gen = ++um->gen };

	if (um->objs[id].loaded) {
		v.first = um->objs[id].first;
		v.count = um->objs[id].count;
	}
	bpf_map_update_elem(um->objs_fd, &id, &v, BPF_ANY);
}

/*
 * Evict the least recently used loaded table other than keep, and none used since clock
 * `since` (the tables a process being loaded needs). false: none left.
 */
static bool obj__evict_lru(struct unw_maps *um, uint32_t keep, uint64_t since)
{
	uint32_t victim = VG_UNW_NO_TABLE;

	for (uint32_t i = 0; i < um->nobjs; i++) {
		if (i == keep || !um->objs[i].loaded || !um->objs[i].count ||
		    um->objs[i].last_used >= since)
			continue;
		if (victim == VG_UNW_NO_TABLE || um->objs[i].last_used < um->objs[victim].last_used)
			victim = i;
	}
	if (victim == VG_UNW_NO_TABLE)
		return false;
	um->objs[victim].loaded = false;
	obj__publish(um, victim); /* the kernel stops reading its rows first */
	extent__give(um, um->objs[victim].first, um->objs[victim].count);
	um->evictions++;
	pr_debug("profile: unwind table %s evicted", um->objs[victim].key);
	return true;
}

/* Compile path's rows into table id's cache, once. 0 or -errno. */
static int obj__compile(struct unw_obj *o, const char *path, const char *debug_dir)
{
	struct unw_table t;
	int err;

	if (o->cache)
		return 0;
	err = unw_table__load(path, debug_dir, &t);
	if (!err && !t.n)
		err = -ENOENT;
	if (err) {
		unw_table__fini(&t);
		return err;
	}
	pr_debug("profile: unwind table %s: %zu rows from %zu FDEs (%s)", o->key, t.n, t.nfde,
		 path);
	o->cache = t.rows;
	o->ncache = t.n;
	return 0;
}

/*
 * Place table id's cached rows in the kernel, evicting tables not used since clock since.
 * 0, or -ENOSPC (no room: the kernel asks for it when it needs it) or -E2BIG.
 */
static int obj__place(struct unw_maps *um, uint32_t id, uint64_t since)
{
	struct unw_obj *o = &um->objs[id];
	uint32_t start;
	int err;

	if (o->ncache > um->nrows)
		return -E2BIG;
	while ((err = extent__take(um, (uint32_t)o->ncache, &start)) == -ENOSPC) {
		if (!obj__evict_lru(um, id, since))
			return err;
	}
	memcpy(um->rows + start, o->cache, o->ncache * sizeof(*o->cache));
	__atomic_thread_fence(__ATOMIC_RELEASE);
	o->first = start;
	o->count = (uint32_t)o->ncache;
	o->loaded = true;
	um->loads++;
	obj__publish(um, id);
	return 0;
}

int unw_maps__want(struct unw_maps *um, uint32_t id)
{
	if (id >= um->nobjs || !um->objs[id].cache)
		return -ENOENT;
	um->objs[id].last_used = ++um->clock;
	if (um->objs[id].loaded)
		return 0;
	return obj__place(um, id, UINT64_MAX);
}

static uint32_t obj__find(struct unw_maps *um, const char *key, bool ino)
{
	for (uint32_t i = 0; i < um->nobjs; i++) {
		if (!strcmp(ino ? um->objs[i].ino_key : um->objs[i].key, key))
			return i;
	}
	return VG_UNW_NO_TABLE;
}

/* The table id of the object at path, loading it if needed; VG_UNW_NO_TABLE if none. */
static uint32_t obj__get(struct unw_maps *um, const char *path)
{
	char ino_key[64], key[UNW_KEY_LEN];
	struct stat st;
	uint32_t id;
	int err;

	if (stat(path, &st))
		return VG_UNW_NO_TABLE;
	snprintf(ino_key, sizeof(ino_key), "%llu:%llu:%lld", (unsigned long long)st.st_dev,
		 (unsigned long long)st.st_ino, (long long)st.st_mtime);
	id = obj__find(um, ino_key, true);
	if (id == VG_UNW_NO_TABLE) {
		if (unw_table__key(path, key, sizeof(key)))
			return VG_UNW_NO_TABLE;
		id = obj__find(um, key, false);
		if (id == VG_UNW_NO_TABLE) {
			if (um->nobjs == VG_UNW_MAX_OBJS)
				return VG_UNW_NO_TABLE;
			id = um->nobjs++;
			memset(&um->objs[id], 0, sizeof(um->objs[id]));
			snprintf(um->objs[id].key, sizeof(um->objs[id].key), "%s", key);
		}
		snprintf(um->objs[id].ino_key, sizeof(um->objs[id].ino_key), "%s", ino_key);
	}
	um->objs[id].last_used = ++um->clock;
	if (um->objs[id].loaded)
		return id;
	err = obj__compile(&um->objs[id], path, um->debug_dir);
	if (!err)
		err = obj__place(um, id, um->pass);
	if (err && err != -ENOSPC) {
		um->failed_objs++;
		return VG_UNW_NO_TABLE;
	}
	return id; /* -ENOSPC: placed when the kernel asks for it */
}

/* An anonymous executable mapping (JIT code): it gets an entry with no table. */
static bool map_line__anon_exec(const char *line, uint64_t *start, uint64_t *end)
{
	unsigned long long s, e;
	char perms[8];

	if (sscanf(line, "%llx-%llx %7s", &s, &e, perms) != 3 || e <= s || strlen(perms) < 3 ||
	    perms[2] != 'x')
		return false;
	*start = s;
	*end = e;
	return true;
}

/*
 * The [vdso]'s table: every process gets the same image from this kernel, so vigil's own
 * (getauxval(AT_SYSINFO_EHDR), as long as our [vdso] mapping) is compiled, once. Its
 * addresses are offsets into the image, so the bias is the mapping's start.
 */
static uint32_t obj__get_vdso(struct unw_maps *um)
{
	uint32_t id = obj__find(um, "vdso", false);
	int err;

	if (id == VG_UNW_NO_TABLE) {
		struct unw_table t;
		const void *img = NULL;
		size_t len = 0;

		if (um->nobjs == VG_UNW_MAX_OBJS || unw_vdso_image(&img, &len))
			return VG_UNW_NO_TABLE;
		id = um->nobjs++;
		memset(&um->objs[id], 0, sizeof(um->objs[id]));
		snprintf(um->objs[id].key, sizeof(um->objs[id].key), "vdso");
		if (!unw_table__load_mem(img, len, &t) && t.n) {
			um->objs[id].cache = t.rows;
			um->objs[id].ncache = t.n;
			pr_debug("profile: unwind table vdso: %zu rows from %zu FDEs", t.n, t.nfde);
		} else {
			unw_table__fini(&t);
		}
	}
	if (!um->objs[id].cache)
		return VG_UNW_NO_TABLE;
	um->objs[id].last_used = ++um->clock;
	if (um->objs[id].loaded)
		return id;
	err = obj__place(um, id, um->pass);
	return err && err != -ENOSPC ? VG_UNW_NO_TABLE : id;
}

static void map__fill(struct unw_maps *um, uint32_t pid, const struct proc_map *m,
		      struct vg_unw_map *out)
{
	char path[4096 + 64], rel[4096 + 32];
	uint64_t vaddr;

	out->start = m->start;
	out->end = m->end;
	out->bias = 0;
	out->table = VG_UNW_NO_TABLE;
	if (!strcmp(m->path, "[vdso]")) {
		out->bias = m->start;
		out->table = obj__get_vdso(um);
		return;
	}
	if (m->path[0] != '/')
		return;
	/* Through the process's root: right inside containers, and for replaced files. */
	snprintf(rel, sizeof(rel), "%u/root%s", pid, m->path);
	if (fb_proc_path(rel, path, sizeof(path)) || access(path, R_OK))
		snprintf(path, sizeof(path), "%s", m->path);
	if (unw_file_vaddr(path, m->offset, &vaddr))
		return;
	out->bias = m->start - vaddr;
	out->table = obj__get(um, path);
}

static bool proc__wants_load(struct unw_maps *um, uint32_t pid)
{
	struct vg_unw_proc *cur = malloc(sizeof(*cur));
	bool want = true;

	if (!cur)
		return true;
	if (!bpf_map_lookup_elem(um->procs_fd, &pid, cur))
		want = cur->pad & UNW_REFRESH_FLAG;
	free(cur);
	return want;
}

/* The process list is full: forget the processes that have exited. */
static void procs__reap(struct unw_maps *um)
{
	uint32_t key, next, *prev = NULL;
	char rel[16], path[4096];

	while (!bpf_map_get_next_key(um->procs_fd, prev, &next)) {
		key = next;
		prev = &key;
		snprintf(rel, sizeof(rel), "%u", key);
		if (!fb_proc_path(rel, path, sizeof(path)) && access(path, F_OK) && errno == ENOENT)
			bpf_map_delete_elem(um->procs_fd, &key);
	}
}

int unw_maps__add_pid(struct unw_maps *um, uint32_t pid)
{
	struct vg_unw_proc *p;
	char rel[32], path[4096], line[4096 + 128];
	FILE *f;
	int err = 0, rc;

	if (!proc__wants_load(um, pid))
		return 0;
	snprintf(rel, sizeof(rel), "%u/maps", pid);
	if (fb_proc_path(rel, path, sizeof(path)))
		return -ENAMETOOLONG;
	f = fopen(path, "re");
	if (!f)
		return -errno;
	p = calloc(1, sizeof(*p));
	if (!p) {
		fclose(f);
		return -ENOMEM;
	}
	um->pass = um->clock + 1;
	/* /proc/<pid>/maps is sorted by address, as the kernel's list must be. */
	while (p->n < VG_UNW_MAX_MAPS && fgets(line, sizeof(line), f)) {
		struct proc_map m = { 0 };
		int r = proc_map__parse_line(line, &m);

		if (r == 0) {
			map__fill(um, pid, &m, &p->maps[p->n++]);
			free(m.path);
		} else if (r == 1 && map_line__anon_exec(line, &m.start, &m.end)) {
			p->maps[p->n].start = m.start;
			p->maps[p->n].end = m.end;
			p->maps[p->n].table = VG_UNW_NO_TABLE;
			p->n++;
		}
	}
	fclose(f);
	rc = bpf_map_update_elem(um->procs_fd, &pid, p, BPF_ANY);
	if (rc && errno == E2BIG) {
		procs__reap(um);
		rc = bpf_map_update_elem(um->procs_fd, &pid, p, BPF_ANY);
	}
	if (rc)
		err = -errno;
	else
		um->procs++;
	free(p);
	return err;
}

void unw_maps__stats(const struct unw_maps *um, struct unw_maps_stats *st)
{
	memset(st, 0, sizeof(*st));
	for (uint32_t i = 0; i < um->nobjs; i++) {
		if (um->objs[i].loaded) {
			st->tables++;
			st->rows += um->objs[i].count;
		}
	}
	st->rows_cap = um->nrows;
	st->evictions = um->evictions;
	st->loads = um->loads;
	st->procs = um->procs;
	st->failed_objs = um->failed_objs;
}

void unw_maps__free(struct unw_maps *um)
{
	if (!um)
		return;
	if (um->rows)
		munmap(um->rows, (size_t)um->nrows * sizeof(struct vg_unw_row));
	for (uint32_t i = 0; i < um->nobjs; i++)
		free(um->objs[i].cache);
	free(um->free);
	free(um);
}
