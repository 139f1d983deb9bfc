// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * baseline_cmp.c: a saved baseline against the tree as it is now, both sorted by path and
 * merged: a path on one side only is added or removed; on both, the attributes that differ
 * are named (type, content, target, mode, uid, gid, size, mtime). A file whose content
 * could not be hashed on either side is compared by its other attributes only.
 */
#include "diff/baseline.h"

#include <string.h>

static void what_add(struct baseline_diff *d, const char *name)
{
	if (d->nwhat < BASELINE_MAX_WHAT)
		d->what[d->nwhat++] = name;
}

static void baseline_what(const struct baseline_entry *o, const struct baseline_entry *n,
			  struct baseline_diff *d)
{
	if (o->type != n->type) {
		what_add(d, "type");
		return;
	}
	if (o->has_hash && n->has_hash && memcmp(o->sha256, n->sha256, sizeof(o->sha256)))
		what_add(d, "content");
	if ((o->target || n->target) && (!o->target || !n->target || strcmp(o->target, n->target)))
		what_add(d, "target");
	if (o->mode != n->mode)
		what_add(d, "mode");
	if (o->uid != n->uid)
		what_add(d, "uid");
	if (o->gid != n->gid)
		what_add(d, "gid");
	if (o->size != n->size)
		what_add(d, "size");
	if (o->mtime_ns != n->mtime_ns)
		what_add(d, "mtime");
}

int baseline_compare(const struct baseline *old, const struct baseline *new, baseline_cb cb,
		     void *ctx)
{
	size_t i = 0, j = 0;
	int err = 0;

	while (!err && (i < old->n || j < new->n)) {
		int c = i == old->n ? 1 : j == new->n ? -1 : strcmp(old->v[i].path, new->v[j].path);
		struct baseline_diff d = { 0 };

		if (c < 0) {
			d.change = BASELINE_REMOVED;
			d.old = &old->v[i++];
		} else if (c > 0) {
			d.change = BASELINE_ADDED;
			d.new = &new->v[j++];
		} else {
			d.change = BASELINE_MODIFIED;
			d.old = &old->v[i++];
			d.new = &new->v[j++];
			baseline_what(d.old, d.new, &d);
			if (!d.nwhat)
				continue;
		}
		err = cb(ctx, &d);
	}
	return err;
}
