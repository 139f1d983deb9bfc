// SPDX-License-Identifier: BSD-2-Clause
/*
 * net_conn.c - macOS's socket tables for sysctl/net_conn.c: the tagged TCP and UDP PCB lists
 * (net.inet.tcp.pcblist_n, net.inet.udp.pcblist_n, IPv4 and IPv6 together) decoded by
 * fb__darwin_decode_pcblist_n().  There is no unix table and no owners table: the pid is the
 * socket's last user (so_last_pid); the fd is unknown (psutil finds both by walking every
 * process' fds with proc_pidfdinfo, not done here).
 */
#include "darwin_decode.h"
#include "../sysctl/sysctl_int.h"

static int decode_inet(const void *buf, size_t len, int tcp, const void *owners, size_t olen,
		       struct fb_conn **v, size_t *n, size_t *cap)
{
	(void)owners, (void)olen; /* each entry names its last user */
	return fb__darwin_decode_pcblist_n(buf, len, tcp != 0, v, n, cap);
}

const struct fb__pcb_list fb__os_pcb_lists[] = {
	{ "net.inet.tcp.pcblist_n", 1, false, decode_inet },
	{ "net.inet.udp.pcblist_n", 0, false, decode_inet },
};
const size_t fb__os_pcb_nlists = sizeof(fb__os_pcb_lists) / sizeof(fb__os_pcb_lists[0]);
const char *const fb__os_pcb_owners = NULL;
