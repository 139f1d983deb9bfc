// SPDX-License-Identifier: BSD-2-Clause
/*
 * net_conn.c - FreeBSD's socket tables for sysctl/net_conn.c: the TCP and UDP PCB lists
 * (net.inet.tcp.pcblist, net.inet.udp.pcblist, IPv4 and IPv6 together) decoded by
 * fb__bsd_decode_pcblist(), the unix ones (net.local.{stream,dgram,seqpacket}.pcblist) by
 * fb__bsd_decode_unp_pcblist(), and kern.file for the owners.
 */
#include "bsd_int.h"

#include <sys/socket.h>

static int decode_inet(const void *buf, size_t len, int tcp, const void *files, size_t flen,
		       struct fb_conn **v, size_t *n, size_t *cap)
{
	return fb__bsd_decode_pcblist(buf, len, tcp != 0, files, flen, v, n, cap);
}

static int decode_unix(const void *buf, size_t len, int type, const void *files, size_t flen,
		       struct fb_conn **v, size_t *n, size_t *cap)
{
	return fb__bsd_decode_unp_pcblist(buf, len, type, files, flen, v, n, cap);
}

const struct fb__pcb_list fb__os_pcb_lists[] = {
	{ "net.inet.tcp.pcblist", 1, false, decode_inet },
	{ "net.inet.udp.pcblist", 0, false, decode_inet },
	{ "net.local.stream.pcblist", SOCK_STREAM, true, decode_unix },
	{ "net.local.dgram.pcblist", SOCK_DGRAM, true, decode_unix },
	{ "net.local.seqpacket.pcblist", SOCK_SEQPACKET, true, decode_unix },
};
const size_t fb__os_pcb_nlists = sizeof(fb__os_pcb_lists) / sizeof(fb__os_pcb_lists[0]);
const char *const fb__os_pcb_owners = "kern.file";
