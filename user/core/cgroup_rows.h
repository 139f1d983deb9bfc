/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * cgroup_rows.h: --with-cgroup on record streams: a consumer decorator that fills each task
 * record's `cgroup` (the cgroup v2 path), `container` ("docker:0123456789ab") and `unit`
 * ("nginx.service"). The kernel's records carry the task's cgroup id as it was when the event
 * happened, named through core/cgroup_ids; rows of the fallbacks carry only a pid, whose
 * /proc/PID/cgroup is read instead (a process gone by then leaves them null).
 */
#ifndef VIGIL_CGROUP_ROWS_H
#define VIGIL_CGROUP_ROWS_H

#include <stdint.h>

#include "core/record.h"

struct cgroup_rows;

/* NULL (errno set) when out of memory. */
struct cgroup_rows *cgroup_rows__new(void);
void cgroup_rows__free(struct cgroup_rows *c);

/* consumer_decorate_fn: ctx is a struct cgroup_rows. */
void cgroup_rows__decorate(void *ctx, struct vrow *row);

/* Rows given a cgroup, and rows of a task whose cgroup could not be found. */
void cgroup_rows__stats(const struct cgroup_rows *c, uint64_t *named, uint64_t *unnamed);

#endif /* VIGIL_CGROUP_ROWS_H */
