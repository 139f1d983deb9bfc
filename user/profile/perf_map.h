/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * perf_map.h: the symbol maps JIT compilers write for profilers, /tmp/perf-PID.map (perf's
 * format: one "START SIZE name" line per function, START and SIZE in hex, with or without
 * 0x). They name code in anonymous executable memory, which has no ELF file to read. Lines
 * that do not parse are skipped; a later entry for the same address wins, as code is
 * recompiled in place.
 */
#ifndef VIGIL_PERF_MAP_H
#define VIGIL_PERF_MAP_H

#include <stddef.h>
#include <stdint.h>

struct perf_map_entry {
	uint64_t start, end; /* [start, end) */
	char *name;
	size_t seq; /* line order: the later of overlapping entries wins */
};

struct perf_map {
	struct perf_map_entry *e; /* sorted by start */
	size_t n;
};

/* Parse len bytes of a perf map. 0 or -ENOMEM (pm is then empty). */
int perf_map__parse(struct perf_map *pm, const char *buf, size_t len);

/*
 * Read /tmp/perf-<pid>.map, if it exists, is a regular file and is owned by root or by uid
 * (the process's owner: nobody else may name its code). 0 or -errno.
 */
int perf_map__load(struct perf_map *pm, uint32_t pid, uint32_t uid);

/* The name of the function holding addr, or NULL. */
const char *perf_map__find(const struct perf_map *pm, uint64_t addr);

void perf_map__fini(struct perf_map *pm);

#endif /* VIGIL_PERF_MAP_H */
