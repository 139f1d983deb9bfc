// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * drift_cmp.c: two sorted drift item sets merged into changes. Items are grouped by section
 * and key; within a group what both sides share is dropped (processes: a start time within
 * a second; other sections: the same value), what is left is paired as changed (a process
 * restarted, a mount remounted, a sysctl set) and the rest is added or removed. Disk usage
 * changes only when it moved by the threshold.
 */
#include "diff/drift.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Whether a and b are the same thing in their section. */
static bool item_is_same(const struct drift_item *a, const struct drift_item *b,
			 const struct drift_opts *o)
{
	if (!strcmp(a->section, "processes"))
		return fabs(a->start - b->start) < 1.0 || (isnan(a->start) && isnan(b->start));
	if (!strcmp(a->section, "disk_usage"))
		return fabs(a->start - b->start) < o->threshold;
	return !strcmp(a->value, b->value);
}

static size_t group_end(const struct drift_set *s, size_t i)
{
	size_t j = i + 1;

	while (j < s->n && !strcmp(s->v[j].section, s->v[i].section) &&
	       !strcmp(s->v[j].key, s->v[i].key))
		j++;
	return j;
}

/* One group: old->v[i..i2) against new->v[j..j2) (both may be empty). */
static int group_compare(struct drift_set *old, size_t i, size_t i2, struct drift_set *new,
			 size_t j, size_t j2, const struct drift_opts *o, drift_cb cb, void *ctx)
{
	unsigned char *used_old = calloc(i2 - i + 1, 1), *used_new = calloc(j2 - j + 1, 1);
	size_t ro = i, rn = j;
	int err = 0;

	if (!used_old || !used_new) {
		err = -ENOMEM;
		goto free_used;
	}
	for (size_t a = i; a < i2; a++) {
		for (size_t b = j; b < j2; b++) {
			if (!used_new[b - j] && item_is_same(&old->v[a], &new->v[b], o)) {
				used_old[a - i] = used_new[b - j] = 1;
				break;
			}
		}
	}
	for (;;) {
		struct drift_diff d = { 0 };

		while (ro < i2 && used_old[ro - i])
			ro++;
		while (rn < j2 && used_new[rn - j])
			rn++;
		if (ro == i2 && rn == j2)
			break;
		if (ro < i2 && rn < j2)
			d.change = DRIFT_CHANGED;
		else
			d.change = ro < i2 ? DRIFT_REMOVED : DRIFT_ADDED;
		d.section = ro < i2 ? old->v[ro].section : new->v[rn].section;
		d.key = ro < i2 ? old->v[ro].key : new->v[rn].key;
		d.old = ro < i2 ? old->v[ro++].value : NULL;
		d.new = rn < j2 ? new->v[rn++].value : NULL;
		err = cb(ctx, &d);
		if (err)
			break;
	}
free_used:
	free(used_old);
	free(used_new);
	return err;
}

int drift_compare(struct drift_set *old, struct drift_set *new, const struct drift_opts *o,
		  drift_cb cb, void *ctx)
{
	size_t i = 0, j = 0;
	int err = 0;

	while (!err && (i < old->n || j < new->n)) {
		int c;

		if (i == old->n)
			c = 1;
		else if (j == new->n)
			c = -1;
		else if (strcmp(old->v[i].section, new->v[j].section))
			c = drift_section_index(old->v[i].section) -
			    drift_section_index(new->v[j].section);
		else
			c = strcmp(old->v[i].key, new->v[j].key);
		if (c < 0) {
			size_t i2 = group_end(old, i);

			err = group_compare(old, i, i2, new, j, j, o, cb, ctx);
			i = i2;
		} else if (c > 0) {
			size_t j2 = group_end(new, j);

			err = group_compare(old, i, i, new, j, j2, o, cb, ctx);
			j = j2;
		} else {
			size_t i2 = group_end(old, i), j2 = group_end(new, j);

			err = group_compare(old, i, i2, new, j, j2, o, cb, ctx);
			i = i2;
			j = j2;
		}
	}
	return err;
}
