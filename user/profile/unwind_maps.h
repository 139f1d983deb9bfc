/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * unwind_maps.h: keeps the in-kernel unwinder's maps (bpf/unwind.h) filled. When a process
 * is first seen (or asks again, after a PC fell outside its known mappings) its
 * /proc/<pid>/maps is read; each executable file mapping gets its object's table, compiled
 * once per build-id and shared by every process, and the process's mapping list is written.
 * Rows live in one mmapped array whose size is the memory bound: when it is full, the least
 * recently used tables are evicted (their processes fall back to frame pointers there until
 * a process needs them again).
 */
#ifndef VIGIL_UNWIND_MAPS_H
#define VIGIL_UNWIND_MAPS_H

#include <stdint.h>

#define UNW_ROW_BYTES	   8
#define UNW_MEMORY_DEFAULT (32ULL << 20)
#define UNW_MEMORY_MIN	   (1ULL << 20)
#define UNW_MEMORY_MAX	   (1ULL << 30)
#define UNW_PROCS_DEFAULT  1024

struct unw_maps;

struct unw_maps_stats {
	uint64_t tables, rows, rows_cap; /* loaded now; rows_cap: what --unwind-memory holds */
	uint64_t loads, evictions;	 /* tables compiled and placed; evicted for room */
	uint64_t procs, failed_objs;
};

/*
 * The maps' fds (rows must be BPF_F_MMAPABLE with nrows entries), and where separate debug
 * files are (the string must outlive um). NULL and errno on error.
 */
struct unw_maps *unw_maps__new(int rows_fd, uint32_t nrows, int objs_fd, int procs_fd,
			       const char *debug_dir);

/* Load pid's mappings and their tables (again, if BPF asked). 0 or -errno. */
int unw_maps__add_pid(struct unw_maps *um, uint32_t pid);

/*
 * The kernel hit table id evicted: place it again, evicting the least recently used others.
 * 0 or -errno.
 */
int unw_maps__want(struct unw_maps *um, uint32_t id);

void unw_maps__stats(const struct unw_maps *um, struct unw_maps_stats *st);

void unw_maps__free(struct unw_maps *um);

#endif /* VIGIL_UNWIND_MAPS_H */
