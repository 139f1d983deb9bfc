// SPDX-License-Identifier: BSD-2-Clause
/*
 * platform.c - the trivial per-platform facts of the Linux backend: its source name for
 * records; psutil's Windows-only service functions, which have no Service Control Manager to
 * read here (systemd units are another model), so both are -ENOTSUP as psutil omits them; and
 * the per-connection RTT query, which the BPF tcp tracer answers on Linux instead.
 */
#include "../common/fb_int.h"

#include <errno.h>

const char *fb_source_name(void)
{
	return "procfs";
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

int fb_net_conn_rtt(const struct fb_conn *c, uint32_t *srtt_us)
{
	(void)c, (void)srtt_us;
	return -ENOTSUP;
}
