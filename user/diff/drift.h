/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * drift.h: system drift between two `vigil snapshot` documents, by meaning rather than by
 * text. Each document is read (jansson) into items (section, key, value): processes keyed by
 * user, exe and cmdline with their start time, listening sockets with their owner,
 * established connections summarised by direction, remote network and port, logged-in
 * users, mounts, disk usage, NIC addresses and state, sysctl values, kernel modules and
 * cgroups; counters only when asked. Two item sets are then compared into changes: added,
 * removed or changed (a process restarted: same key, new start time).
 */
#ifndef VIGIL_DRIFT_H
#define VIGIL_DRIFT_H

#include <stdbool.h>
#include <stddef.h>

struct drift_opts {
	bool counters;	  /* --include counters: CPU, memory, I/O counters, peer counts */
	double threshold; /* disk usage: a change of at least this many percentage points */
};

struct drift_item {
	const char *section; /* static */
	char *key;
	char *value;  /* what is shown; compared, except for processes */
	double start; /* processes: create_time */
};

struct drift_set {
	struct drift_item *v;
	size_t n, cap;
};

/*
 * Read a snapshot document (len bytes at buf) into s. 0, or -EINVAL with why (a static
 * string: not JSON or truncated, not a snapshot, another format), -ENOSYS when jansson could
 * not be loaded, -ENOMEM.
 */
int drift_set__load(struct drift_set *s, const char *buf, size_t len, const struct drift_opts *o,
		    const char **why);

void drift_set__free(struct drift_set *s);

/* A section's place in the order changes are listed in (items hold the static names). */
int drift_section_index(const char *section);

enum drift_change { DRIFT_ADDED, DRIFT_REMOVED, DRIFT_CHANGED };

extern const char *const drift_change_names[3];

struct drift_diff {
	enum drift_change change;
	const char *section;
	const char *key;
	const char *old, *new; /* NULL on the side that lacks it */
};

typedef int (*drift_cb)(void *ctx, const struct drift_diff *d);

/* Compare old with new (both loaded), calling cb per change, by section then key. */
int drift_compare(struct drift_set *old, struct drift_set *new, const struct drift_opts *o,
		  drift_cb cb, void *ctx);

#endif /* VIGIL_DRIFT_H */
