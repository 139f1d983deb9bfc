// SPDX-License-Identifier: BSD-2-Clause
/*
 * unsup.c - what the FreeBSD and macOS backends do not provide, as honest answers rather than
 * missing symbols: Linux-only concepts (cgroups, the /proc/net tables), Windows-only ones
 * (services, extended TCP statistics), and what is not written yet for these systems
 * (sensors, the sysctl listing).  The usable CPU count is the logical count: there is no
 * cgroup quota here.
 */
#include "sysctl_int.h"

#include <errno.h>

int fb_cgroup_limits(pid_t pid, struct fb_cgroup_limits *out)
{
	(void)pid, (void)out;
	return -ENOTSUP;
}

int fb_cpu_count_usable(void)
{
	return fb_cpu_count(true);
}

int fb_net_conn_rtt(const struct fb_conn *c, uint32_t *srtt_us)
{
	(void)c, (void)srtt_us;
	return -ENOTSUP;
}

int fb_sensors_temperatures(struct fb_temp **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	return -ENOTSUP;
}

int fb_sensors_fans(struct fb_fan **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	return -ENOTSUP;
}

int fb_sensors_battery(struct fb_battery *out)
{
	(void)out;
	return -ENOTSUP;
}

int fb_win_service_iter(struct fb_win_service **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	return -ENOTSUP;
}

int fb_win_service_get(const char *name, struct fb_win_service *out)
{
	(void)name, (void)out;
	return -ENOTSUP;
}

int fb_proc__fds(struct fb_proc *p, struct fb_fds *out)
{
	(void)p;
	out->v = NULL;
	out->n = 0;
	return -ENOTSUP; /* lsof's view: kern.file joined with vnode stats, not written yet */
}

int fb_proc__fds_ex(struct fb_proc *p, uint32_t what, struct fb_fds *out)
{
	(void)what;
	return fb_proc__fds(p, out);
}

int fb_net_sockets(enum fb_conn_kind kind, struct fb_conn **out, size_t *n)
{
	return fb_net_connections(kind, out, n);
}
