// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * unwind_maps.c: the userspace half of the unwinder. Objects are known by their build-id
 * key (unwind_table.c); each gets a table id for the life of the profiler, so a process's
 * mapping list never points at another object's rows, even after an eviction. Rows are
 * placed first-fit in the mmapped `unw_rows` array; the object's `unw_objs` entry is written
 * after its rows and cleared before they are given away. A process's list holds every
 * executable mapping, anonymous ones too (JIT code) with no table, so that only a really
 * unknown PC (a library loaded later, an exec) makes the kernel ask for a re-read.
 */
#include "profile/unwind_maps.h"

#include <bpf/bpf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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
	uint64_t clock, evictions, failed_objs, procs;
};

struct unw_maps *unw_maps__new(int rows_fd, uint32_t nrows, int objs_fd, int procs_fd)
{
	struct unw_maps *um = calloc(1, sizeof(*um));
	void *mem;

	if (!um)
		return NULL;
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

static void obj__publish(struct unw_maps *um, uint32_t id)
{
	struct vg_unw_obj v = { 0 };

	if (um->objs[id].loaded) {
		v.first = um->objs[id].first;
		v.count = um->objs[id].count;
	}
	bpf_map_update_elem(um->objs_fd, &id, &v, BPF_ANY);
}

/* Evict the least recently used loaded table other than keep. false: none left. */
static bool obj__evict_lru(struct unw_maps *um, uint32_t keep)
{
	uint32_t victim = VG_UNW_NO_TABLE;

	for (uint32_t i = 0; i < um->nobjs; i++) {
		if (i == keep || !um->objs[i].loaded || !um->objs[i].count)
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

/* Compile path and place its rows for table id. 0 or -errno. */
static int obj__load(struct unw_maps *um, uint32_t id, const char *path)
{
	struct unw_obj *o = &um->objs[id];
	struct unw_table t;
	uint32_t start;
	int err;

	err = unw_table__load(path, &t);
	if (err)
		goto out;
	if (!t.n || t.n > um->nrows) {
		err = t.n ? -E2BIG : -ENOENT;
		goto out;
	}
	while ((err = extent__take(um, (uint32_t)t.n, &start)) == -ENOSPC) {
		if (!obj__evict_lru(um, id))
			break;
	}
	if (err)
		goto out;
	memcpy(um->rows + start, t.rows, t.n * sizeof(*t.rows));
	__atomic_thread_fence(__ATOMIC_RELEASE);
	o->first = start;
	o->count = (uint32_t)t.n;
	o->loaded = true;
	obj__publish(um, id);
	pr_debug("profile: unwind table %s: %zu rows from %zu FDEs (%s)", o->key, t.n, t.nfde,
		 path);
out:
	unw_table__fini(&t);
	return err;
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
	if (obj__load(um, id, path)) {
		um->failed_objs++;
		return VG_UNW_NO_TABLE;
	}
	return id;
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

static void map__fill(struct unw_maps *um, uint32_t pid, const struct proc_map *m,
		      struct vg_unw_map *out)
{
	char path[4096 + 64], rel[4096 + 32];
	uint64_t vaddr;

	out->start = m->start;
	out->end = m->end;
	out->bias = 0;
	out->table = VG_UNW_NO_TABLE;
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
	st->procs = um->procs;
	st->failed_objs = um->failed_objs;
}

void unw_maps__free(struct unw_maps *um)
{
	if (!um)
		return;
	if (um->rows)
		munmap(um->rows, (size_t)um->nrows * sizeof(struct vg_unw_row));
	free(um->free);
	free(um);
}
