// SPDX-License-Identifier: BSD-2-Clause
/*
 * linux_only.c - the fallback.h functions that answer from Linux kernel interfaces, on every
 * other platform (FreeBSD, macOS, Windows: the nonlinux layer), as honest -ENOTSUP answers
 * rather than missing symbols: the TCP socket dump with the kernel's tcp_info (netlink
 * sock_diag; the BSDs have net.inet.tcp.pcblist without per-socket counters, Windows keeps
 * its per-connection statistics behind fb_net_conn_rtt()), and the kernel files of /proc and
 * /sys with the task and block-device lookups built on them.
 */
#include "../common/fb_int.h"

#include <errno.h>

int fb_tcp_sockets(struct fb_tcp_sock **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	return -ENOTSUP;
}

FILE *fb_proc_fopen(const char *rel)
{
	(void)rel;
	errno = ENOTSUP;
	return NULL;
}

FILE *fb_sys_fopen(const char *rel)
{
	(void)rel;
	errno = ENOTSUP;
	return NULL;
}

int fb_proc_path(const char *rel, char *buf, size_t len)
{
	(void)rel, (void)buf, (void)len;
	return -ENOTSUP;
}

int fb_sys_path(const char *rel, char *buf, size_t len)
{
	(void)rel, (void)buf, (void)len;
	return -ENOTSUP;
}

bool fb_tid_exists(pid_t tid)
{
	(void)tid;
	return false;
}

int fb_proc_tids(pid_t pid, pid_t **out, size_t *n)
{
	(void)pid;
	*out = NULL;
	*n = 0;
	return -ENOTSUP;
}

int fb_block_dev_name(uint32_t major, uint32_t minor, char *buf, size_t len)
{
	(void)major, (void)minor, (void)buf, (void)len;
	return -ENOTSUP;
}

int fb_block_dev_number(const char *name, uint32_t *major, uint32_t *minor, bool *partition)
{
	(void)name, (void)major, (void)minor, (void)partition;
	return -ENOTSUP;
}

int fb_cgroup_path(pid_t pid, char *buf, size_t len)
{
	(void)pid;
	if (len)
		buf[0] = '\0';
	return -ENOTSUP;
}
