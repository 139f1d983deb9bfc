// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * cgroup_rows.c: the --with-cgroup decorator (cgroup_rows.h). A kernel record's id is named
 * once and kept in a small direct-mapped cache, so a stream from a few busy cgroups costs a
 * lookup per row; a fallback row's pid is read from /proc each time, since a pid may be
 * reused between rows and those rows come at poll rate.
 */
#include "core/cgroup_rows.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/cgroup_ids.h"
#include "fallback.h"

#define CGROUP_ROWS_CACHE 16 /* a power of two */

struct cgroup_name_ent {
	uint64_t id; /* 0: empty */
	char path[4096];
	char container[96];
	char unit[256];
};

struct cgroup_rows {
	struct cgroup_ids *ids;
	struct cgroup_name_ent cache[CGROUP_ROWS_CACHE];
	struct cgroup_name_ent by_pid; /* the current fallback row's */
	uint64_t named, unnamed;
};

struct cgroup_rows *cgroup_rows__new(void)
{
	struct cgroup_rows *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->ids = cgroup_ids__new();
	if (!c->ids) {
		free(c);
		return NULL;
	}
	return c;
}

void cgroup_rows__free(struct cgroup_rows *c)
{
	if (!c)
		return;
	cgroup_ids__free(c->ids);
	free(c);
}

/* path's container and unit, from what the path's names say. */
static void cgroup_name_ent__fill(struct cgroup_name_ent *e, const char *path)
{
	struct fb_cgroup_name n;

	snprintf(e->path, sizeof(e->path), "%s", path);
	fb_cgroup_name_parse(path, &n);
	fb_cgroup_name_container(&n, e->container, sizeof(e->container));
	snprintf(e->unit, sizeof(e->unit), "%s", n.unit);
}

static const struct cgroup_name_ent *cgroup_rows__by_id(struct cgroup_rows *c, uint64_t id)
{
	struct cgroup_name_ent *e = &c->cache[id & (CGROUP_ROWS_CACHE - 1)];
	const char *path;

	if (e->id == id)
		return e;
	path = cgroup_ids__path(c->ids, id);
	if (!path)
		return NULL; /* removed before its record was read */
	cgroup_name_ent__fill(e, path);
	e->id = id;
	return e;
}

static const struct cgroup_name_ent *cgroup_rows__by_pid(struct cgroup_rows *c, uint64_t pid)
{
	char path[sizeof(c->by_pid.path)];

	if (!pid || fb_cgroup_path((pid_t)pid, path, sizeof(path)))
		return NULL;
	cgroup_name_ent__fill(&c->by_pid, path);
	return &c->by_pid;
}

static void vrow__set_str(struct vrow *row, enum vfield f, const char *s)
{
	if (!s[0])
		return; /* stays null: the path names no such thing */
	row->v[f].str = s;
	vrow__clear_null(row, f);
}

void cgroup_rows__decorate(void *ctx, struct vrow *row)
{
	struct cgroup_rows *c = ctx;
	const struct cgroup_name_ent *e = NULL;

	if (!vkind__has_field(row->kind, VF_CGROUP))
		return;
	if (row->cgroup_id)
		e = cgroup_rows__by_id(c, row->cgroup_id);
	else if (vrow__is_null(row, VF_PID))
		return; /* no task to name: a segment in softirq, an I/O of unknown origin */
	else if (strcmp(row->source, "bpf"))
		e = cgroup_rows__by_pid(c, row->v[VF_PID].u);
	if (!e) {
		c->unnamed++;
		return;
	}
	c->named++;
	vrow__set_str(row, VF_CGROUP, e->path);
	vrow__set_str(row, VF_CONTAINER, e->container);
	vrow__set_str(row, VF_UNIT, e->unit);
}

void cgroup_rows__stats(const struct cgroup_rows *c, uint64_t *named, uint64_t *unnamed)
{
	*named = c->named;
	*unnamed = c->unnamed;
}
