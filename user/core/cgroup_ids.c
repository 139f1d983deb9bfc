// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * cgroup_ids.c: the map from cgroup v2 ids to paths (see cgroup_ids.h): a walk of the v2
 * mount with openat/fstatat (no path-length limit beyond the kernel's, no symlinks followed),
 * keeping each directory's inode and its path below the root, sorted for binary search.
 */
#include "core/cgroup_ids.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/probe.h"
#include "core/wallclock.h"

#define CGROUP_IDS_MAX_DEPTH 32
#define CGROUP_IDS_RESCAN_NS 500000000ull

struct cgroup_id_ent {
	uint64_t id;
	char *path;
};

struct cgroup_ids {
	struct cgroup_id_ent *v;
	size_t n, cap;
	uint64_t scanned_ns; /* CLOCK_MONOTONIC of the last walk; 0: never */
};

static void cgroup_ids__clear(struct cgroup_ids *c)
{
	for (size_t i = 0; i < c->n; i++)
		free(c->v[i].path);
	c->n = 0;
}

static int cgroup_ids__add(struct cgroup_ids *c, uint64_t id, const char *path)
{
	if (c->n == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 256;
		struct cgroup_id_ent *v = realloc(c->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		c->v = v;
		c->cap = cap;
	}
	c->v[c->n].path = strdup(path);
	if (!c->v[c->n].path)
		return -ENOMEM;
	c->v[c->n++].id = id;
	return 0;
}

/* Every directory below dir (the cgroup at path), depth-first; takes dir. */
static void cgroup_ids__walk(struct cgroup_ids *c, int dir, char *path, size_t len, int depth)
{
	DIR *d = fdopendir(dir);
	struct dirent *e;

	if (!d) {
		close(dir);
		return;
	}
	while ((e = readdir(d))) {
		size_t n = strlen(e->d_name);
		struct stat st;
		int fd;

		if (e->d_type != DT_DIR || !strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		if (len + 1 + n >= PATH_MAX || depth >= CGROUP_IDS_MAX_DEPTH)
			continue;
		fd = openat(dirfd(d), e->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0)
			continue;
		if (fstat(fd, &st)) {
			close(fd);
			continue;
		}
		path[len] = '/';
		memcpy(path + len + 1, e->d_name, n + 1);
		if (cgroup_ids__add(c, st.st_ino, path)) {
			close(fd);
			break;
		}
		cgroup_ids__walk(c, fd, path, len + 1 + n, depth + 1);
		path[len] = '\0';
	}
	closedir(d);
}

static int cmp_ent(const void *a, const void *b)
{
	const struct cgroup_id_ent *x = a, *y = b;

	return x->id < y->id ? -1 : x->id > y->id;
}

static void cgroup_ids__scan(struct cgroup_ids *c)
{
	char root[PATH_MAX], path[PATH_MAX] = "";
	struct probe_result r;
	struct stat st;
	int fd;

	cgroup_ids__clear(c);
	c->scanned_ns = mono_now_ns();
	if (!probe_cgroup2_root(root, sizeof(root), &r))
		return;
	fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return;
	if (fstat(fd, &st) || cgroup_ids__add(c, st.st_ino, "/")) {
		close(fd);
		return;
	}
	cgroup_ids__walk(c, fd, path, 0, 0);
	qsort(c->v, c->n, sizeof(*c->v), cmp_ent);
}

struct cgroup_ids *cgroup_ids__new(void)
{
	return calloc(1, sizeof(struct cgroup_ids));
}

void cgroup_ids__free(struct cgroup_ids *c)
{
	if (!c)
		return;
	cgroup_ids__clear(c);
	free(c->v);
	free(c);
}

static const char *cgroup_ids__find(const struct cgroup_ids *c, uint64_t id)
{
	struct cgroup_id_ent key = { .id = id }, *e;

	e = c->n ? bsearch(&key, c->v, c->n, sizeof(*c->v), cmp_ent) : NULL;
	return e ? e->path : NULL;
}

const char *cgroup_ids__path(struct cgroup_ids *c, uint64_t id)
{
	const char *p = c ? cgroup_ids__find(c, id) : NULL;

	if (p || !c)
		return p;
	if (c->scanned_ns && mono_now_ns() - c->scanned_ns < CGROUP_IDS_RESCAN_NS)
		return NULL;
	cgroup_ids__scan(c);
	return cgroup_ids__find(c, id);
}
