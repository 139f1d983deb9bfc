/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * cgroup_ids.h: cgroup v2 ids, as the kernel hands them to BPF (bpf_get_current_cgroup_id),
 * turned back into the paths people know ("/system.slice/docker-<id>.scope"). On cgroup v2
 * a cgroup's id is its directory's inode number, so the hierarchy is walked once and read
 * again when an id is missing (a cgroup made since), at most every half second.
 */
#ifndef VIGIL_CGROUP_IDS_H
#define VIGIL_CGROUP_IDS_H

#include <stdint.h>

struct cgroup_ids;

/* NULL (errno set) when out of memory; a machine without cgroup v2 gives an empty map. */
struct cgroup_ids *cgroup_ids__new(void);
void cgroup_ids__free(struct cgroup_ids *c);

/* The path of cgroup id below the v2 root ("/" for the root), or NULL if none has it. */
const char *cgroup_ids__path(struct cgroup_ids *c, uint64_t id);

#endif /* VIGIL_CGROUP_IDS_H */
