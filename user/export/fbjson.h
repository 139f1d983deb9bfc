/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * fbjson.h: the fallback library's results as JSON with psutil's names, shared by
 * `vigil snapshot`, `vigil sys`, `vigil net` and `vigil ps`. Each writer emits keys into the
 * object the caller has open; a field the platform cannot give is null.
 */
#ifndef VIGIL_FBJSON_H
#define VIGIL_FBJSON_H

#include <stdint.h>

#include "fallback.h"
#include "export/json.h"
#include "view/proc_dict.h"

void fbjson_cpu(struct jw *w);
/* One scputimes object (seconds, or cpu_times_percent's percents); invalid fields null. */
void fbjson_cpu_times(struct jw *w, const char *key, const struct fb_cpu_times *t);
void fbjson_virtual_memory(struct jw *w);
void fbjson_swap(struct jw *w);
void fbjson_mem(struct jw *w); /* virtual_memory and swap_memory */
void fbjson_disks(struct jw *w);
void fbjson_disk_io(struct jw *w);
void fbjson_disk(struct jw *w);		       /* partitions with usage, and I/O counters */
void fbjson_net_io(struct jw *w, bool pernic); /* net_io_counters or its _pernic dict */
void fbjson_if_addrs(struct jw *w);
void fbjson_if_stats(struct jw *w);
void fbjson_nics(struct jw *w); /* all of the above */
void fbjson_sensors(struct jw *w);
void fbjson_boot(struct jw *w);
void fbjson_users(struct jw *w);
void fbjson_cgroup(struct jw *w);
void fbjson_system(struct jw *w); /* boot_time, users and cgroup limits */
/* One connection object (pconn without the pid when with_pid is false). */
void fbjson_conn(struct jw *w, const struct fb_conn *c, bool with_pid);
/* The same keys without the enclosing object, for callers that add their own. */
void fbjson_conn_fields(struct jw *w, const struct fb_conn *c, bool with_pid);
/* One process of a scan with the attributes in attrs (FB_PI_*), and cpu_percent if >= 0. */
/* The same keys without the enclosing object, for callers that add their own. */
void fbjson_proc_info_fields(struct jw *w, const struct fb_proc_info *pi, uint32_t attrs,
			     double cpu_percent);
void fbjson_proc_info(struct jw *w, const struct fb_proc_info *pi, uint32_t attrs,
		      double cpu_percent);

/*
 * One process as psutil's as_dict() gives it: the asked keys with psutil's names and value
 * shapes (namedtuples as objects with their field names, a field not read as null), plus
 * vigil's parent, children and rlimits when asked.
 */
void fbjson_proc_dict(struct jw *w, const struct proc_dict *d);

#endif /* VIGIL_FBJSON_H */
