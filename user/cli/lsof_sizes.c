// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * lsof_sizes.c: a table of path -> stat() result (or its failure), open addressing on an
 * FNV-1a hash of the path, doubled at half full. It lives for one listing: a file replaced
 * meanwhile is seen as it was at its first row, as a snapshot of lsof's is.
 */
#include "cli/lsof_sizes.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

struct size_entry {
	char *path; /* NULL: an empty slot */
	bool found; /* stat() succeeded */
	struct stat st;
};

struct lsof_sizes {
	struct size_entry *v;
	size_t cap, n; /* cap: a power of two */
};

static uint64_t path_hash(const char *p)
{
	uint64_t h = 0xcbf29ce484222325ull;

	while (*p)
		h = (h ^ (unsigned char)*p++) * 0x100000001b3ull;
	return h;
}

struct lsof_sizes *lsof_sizes__new(void)
{
	struct lsof_sizes *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	s->cap = 256;
	s->v = calloc(s->cap, sizeof(*s->v));
	if (!s->v) {
		free(s);
		return NULL;
	}
	return s;
}

void lsof_sizes__free(struct lsof_sizes *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->cap; i++)
		free(s->v[i].path);
	free(s->v);
	free(s);
}

/* The slot of path in v[0..cap): its entry, or the empty slot where it belongs. */
static struct size_entry *slot(struct size_entry *v, size_t cap, const char *path)
{
	size_t i = (size_t)path_hash(path) & (cap - 1);

	while (v[i].path && strcmp(v[i].path, path))
		i = (i + 1) & (cap - 1);
	return &v[i];
}

static int grow(struct lsof_sizes *s)
{
	size_t cap = s->cap * 2;
	struct size_entry *v = calloc(cap, sizeof(*v));

	if (!v)
		return -ENOMEM;
	for (size_t i = 0; i < s->cap; i++)
		if (s->v[i].path)
			*slot(v, cap, s->v[i].path) = s->v[i];
	free(s->v);
	s->v = v;
	s->cap = cap;
	return 0;
}

int lsof_sizes__fill(struct lsof_sizes *s, struct fb_fd *f)
{
	struct size_entry *e;

	if (!f->path)
		return 0;
	if (s->n + 1 > s->cap / 2 && grow(s))
		return -ENOMEM;
	e = slot(s->v, s->cap, f->path);
	if (!e->path) {
		e->path = strdup(f->path);
		if (!e->path)
			return -ENOMEM;
		e->found = !stat(f->path, &e->st);
		s->n++;
	}
	if (!e->found || (uint64_t)e->st.st_ino != f->ino || (uint64_t)e->st.st_dev != f->dev)
		return 0;
	f->mode = e->st.st_mode;
	f->rdev = e->st.st_rdev;
	f->size = (uint64_t)e->st.st_size;
	f->valid |= FB_FDI_STAT;
	return 0;
}
