// SPDX-License-Identifier: BSD-2-Clause
/*
 * decode_inet.c - what the FreeBSD and macOS connection decoders share: the kernel's TCP state
 * numbers (netinet/tcp_fsm.h, the same eleven values on both systems) mapped to psutil's CONN_*
 * names, one endpoint (address bytes and a network-order port) turned into the library's
 * text form, and one internet PCB (struct xinpcb / xinpcb_n, at the offsets the OS's layout
 * gives) appended as a connection.  Pure C; linked into the backends and into the unit tests.
 */
#include "posix_int.h"

#include <arpa/inet.h>
#include <errno.h>
#include <string.h>
#include <sys/socket.h>

/* TCPS_CLOSED 0 ... TCPS_TIME_WAIT 10, in tcp_fsm.h order */
static const enum fb_conn_status tcps_status[] = {
	FB_CONN_CLOSE,	     FB_CONN_LISTEN,	 FB_CONN_SYN_SENT,  FB_CONN_SYN_RECV,
	FB_CONN_ESTABLISHED, FB_CONN_CLOSE_WAIT, FB_CONN_FIN_WAIT1, FB_CONN_CLOSING,
	FB_CONN_LAST_ACK,    FB_CONN_FIN_WAIT2,	 FB_CONN_TIME_WAIT,
};

enum fb_conn_status fb__tcps_status(int32_t tcps)
{
	if (tcps < 0 || (size_t)tcps >= sizeof(tcps_status) / sizeof(tcps_status[0]))
		return FB_CONN_NONE;
	return tcps_status[tcps];
}

void fb__inet_endpoint(struct fb_sockaddr *a, bool v6, const unsigned char *addr,
		       const unsigned char port_be[2])
{
	a->port = (uint16_t)(port_be[0] << 8 | port_be[1]);
	a->valid = a->port != 0; /* psutil: port 0 is the empty tuple, as on Linux */
	a->addr[0] = '\0';
	if (a->valid && !inet_ntop(v6 ? AF_INET6 : AF_INET, addr, a->addr, sizeof(a->addr)))
		a->addr[0] = '\0';
}

int fb__inpcb_append(const struct fb__inpcb_layout *l, const unsigned char *xi, int type,
		     enum fb_conn_status status, struct fb_conn **v, size_t *n, size_t *cap,
		     struct fb_conn **out)
{
	bool v6 = xi[l->vflag] & l->ipv6;
	size_t skip = v6 ? 0 : l->v4_in_16;
	struct fb_conn *c;
	int err;

	*out = NULL;
	if (!(xi[l->vflag] & (l->ipv4 | l->ipv6)))
		return 0; /* neither IPv4 nor IPv6: not an internet socket */
	err = fb__grow((void **)v, cap, *n + 1, sizeof(**v));
	if (err)
		return err;
	c = &(*v)[(*n)++];
	memset(c, 0, sizeof(*c));
	c->family = v6 ? AF_INET6 : AF_INET;
	c->type = type;
	c->status = status;
	fb__inet_endpoint(&c->laddr, v6, xi + l->laddr + skip, xi + l->lport);
	fb__inet_endpoint(&c->raddr, v6, xi + l->faddr + skip, xi + l->fport);
	c->pid = -1;
	c->fd = -1;
	*out = c;
	return 0;
}

bool fb__conn_kind_has(enum fb_conn_kind kind, int family, int type)
{
	bool v4 = family == AF_INET, v6 = family == AF_INET6;
	bool tcp = type == SOCK_STREAM, udp = type == SOCK_DGRAM;

	if (family == AF_UNIX)
		return kind == FB_KIND_UNIX || kind == FB_KIND_ALL;
	switch (kind) {
	case FB_KIND_INET:
	case FB_KIND_ALL:
		return (v4 || v6) && (tcp || udp);
	case FB_KIND_INET4:
		return v4 && (tcp || udp);
	case FB_KIND_INET6:
		return v6 && (tcp || udp);
	case FB_KIND_TCP:
		return (v4 || v6) && tcp;
	case FB_KIND_TCP4:
		return v4 && tcp;
	case FB_KIND_TCP6:
		return v6 && tcp;
	case FB_KIND_UDP:
		return (v4 || v6) && udp;
	case FB_KIND_UDP4:
		return v4 && udp;
	case FB_KIND_UDP6:
		return v6 && udp;
	default:
		return false;
	}
}
