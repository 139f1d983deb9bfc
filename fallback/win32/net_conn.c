// SPDX-License-Identifier: BSD-2-Clause
/*
 * net_conn.c - psutil.net_connections() on Windows: the owner-pid TCP and UDP tables
 * (GetExtendedTcpTable with TCP_TABLE_OWNER_PID_ALL, GetExtendedUdpTable with
 * UDP_TABLE_OWNER_PID), IPv4 and IPv6.  Windows has no per-socket fd or inode: fd is -1 and
 * inode 0.  UDP rows have no remote address and status NONE.  Unix sockets are not in these
 * tables: the "unix" kind yields nothing.
 */
#include "fb_win.h"

#include <ws2tcpip.h>
#include <iphlpapi.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

struct conn_vec {
	struct fb_conn *v;
	size_t n, cap;
};

static enum fb_conn_status tcp_status(DWORD s)
{
	switch (s) {
	case MIB_TCP_STATE_CLOSED:
		return FB_CONN_CLOSE;
	case MIB_TCP_STATE_LISTEN:
		return FB_CONN_LISTEN;
	case MIB_TCP_STATE_SYN_SENT:
		return FB_CONN_SYN_SENT;
	case MIB_TCP_STATE_SYN_RCVD:
		return FB_CONN_SYN_RECV;
	case MIB_TCP_STATE_ESTAB:
		return FB_CONN_ESTABLISHED;
	case MIB_TCP_STATE_FIN_WAIT1:
		return FB_CONN_FIN_WAIT1;
	case MIB_TCP_STATE_FIN_WAIT2:
		return FB_CONN_FIN_WAIT2;
	case MIB_TCP_STATE_CLOSE_WAIT:
		return FB_CONN_CLOSE_WAIT;
	case MIB_TCP_STATE_CLOSING:
		return FB_CONN_CLOSING;
	case MIB_TCP_STATE_LAST_ACK:
		return FB_CONN_LAST_ACK;
	case MIB_TCP_STATE_TIME_WAIT:
		return FB_CONN_TIME_WAIT;
	case MIB_TCP_STATE_DELETE_TCB:
		return FB_CONN_DELETE_TCB;
	default:
		return FB_CONN_NONE;
	}
}

static void set_ep(struct fb_sockaddr *ep, int family, const void *addr, DWORD port_be)
{
	inet_ntop(family, addr, ep->addr, sizeof(ep->addr));
	ep->port = ntohs((u_short)port_be);
	ep->valid = true;
}

static struct fb_conn *conn_push(struct conn_vec *cv, int family, int type, DWORD pid)
{
	struct fb_conn *c;

	if (fb__grow((void **)&cv->v, &cv->cap, cv->n + 1, sizeof(*cv->v)))
		return NULL;
	c = &cv->v[cv->n++];
	memset(c, 0, sizeof(*c));
	c->fd = -1;
	c->family = family;
	c->type = type;
	c->pid = (pid_t)pid;
	c->status = FB_CONN_NONE;
	return c;
}

/* GetExtended*Table with the usual size probe; the caller frees *out. */
static int get_table(bool tcp, int family, void **out)
{
	DWORD len = 0, rc;
	void *buf = NULL;

	for (int tries = 0; tries < 4; tries++) {
		rc = tcp ? GetExtendedTcpTable(buf, &len, FALSE, (ULONG)family,
					       TCP_TABLE_OWNER_PID_ALL, 0)
			 : GetExtendedUdpTable(buf, &len, FALSE, (ULONG)family, UDP_TABLE_OWNER_PID,
					       0);
		if (rc == NO_ERROR && buf) {
			*out = buf;
			return 0;
		}
		if (rc != ERROR_INSUFFICIENT_BUFFER && rc != NO_ERROR)
			break;
		free(buf);
		buf = malloc(len + 4096);
		if (!buf)
			return -ENOMEM;
		len += 4096;
	}
	free(buf);
	return fb__win_err(rc);
}

static int tcp4(struct conn_vec *cv)
{
	MIB_TCPTABLE_OWNER_PID *t;
	int err = get_table(true, AF_INET, (void **)&t);

	if (err)
		return err;
	for (DWORD i = 0; i < t->dwNumEntries && !err; i++) {
		const MIB_TCPROW_OWNER_PID *r = &t->table[i];
		struct fb_conn *c = conn_push(cv, AF_INET, SOCK_STREAM, r->dwOwningPid);

		if (!c) {
			err = -ENOMEM;
			break;
		}
		set_ep(&c->laddr, AF_INET, &r->dwLocalAddr, r->dwLocalPort);
		c->status = tcp_status(r->dwState);
		if (r->dwState != MIB_TCP_STATE_LISTEN)
			set_ep(&c->raddr, AF_INET, &r->dwRemoteAddr, r->dwRemotePort);
	}
	free(t);
	return err;
}

static int tcp6(struct conn_vec *cv)
{
	MIB_TCP6TABLE_OWNER_PID *t;
	int err = get_table(true, AF_INET6, (void **)&t);

	if (err)
		return err;
	for (DWORD i = 0; i < t->dwNumEntries && !err; i++) {
		const MIB_TCP6ROW_OWNER_PID *r = &t->table[i];
		struct fb_conn *c = conn_push(cv, AF_INET6, SOCK_STREAM, r->dwOwningPid);

		if (!c) {
			err = -ENOMEM;
			break;
		}
		set_ep(&c->laddr, AF_INET6, r->ucLocalAddr, r->dwLocalPort);
		c->status = tcp_status(r->dwState);
		if (r->dwState != MIB_TCP_STATE_LISTEN)
			set_ep(&c->raddr, AF_INET6, r->ucRemoteAddr, r->dwRemotePort);
	}
	free(t);
	return err;
}

static int udp4(struct conn_vec *cv)
{
	MIB_UDPTABLE_OWNER_PID *t;
	int err = get_table(false, AF_INET, (void **)&t);

	if (err)
		return err;
	for (DWORD i = 0; i < t->dwNumEntries; i++) {
		const MIB_UDPROW_OWNER_PID *r = &t->table[i];
		struct fb_conn *c = conn_push(cv, AF_INET, SOCK_DGRAM, r->dwOwningPid);

		if (!c) {
			err = -ENOMEM;
			break;
		}
		set_ep(&c->laddr, AF_INET, &r->dwLocalAddr, r->dwLocalPort);
	}
	free(t);
	return err;
}

static int udp6(struct conn_vec *cv)
{
	MIB_UDP6TABLE_OWNER_PID *t;
	int err = get_table(false, AF_INET6, (void **)&t);

	if (err)
		return err;
	for (DWORD i = 0; i < t->dwNumEntries; i++) {
		const MIB_UDP6ROW_OWNER_PID *r = &t->table[i];
		struct fb_conn *c = conn_push(cv, AF_INET6, SOCK_DGRAM, r->dwOwningPid);

		if (!c) {
			err = -ENOMEM;
			break;
		}
		set_ep(&c->laddr, AF_INET6, r->ucLocalAddr, r->dwLocalPort);
	}
	free(t);
	return err;
}

int fb_net_connections(enum fb_conn_kind kind, struct fb_conn **out, size_t *n)
{
	bool want4, want6, tcp, udp;
	struct conn_vec cv = { 0 };
	int err = 0;

	*out = NULL;
	*n = 0;
	if ((unsigned)kind >= FB_KIND__COUNT)
		return -EINVAL;
	want4 = kind != FB_KIND_INET6 && kind != FB_KIND_TCP6 && kind != FB_KIND_UDP6;
	want6 = kind != FB_KIND_INET4 && kind != FB_KIND_TCP4 && kind != FB_KIND_UDP4;
	tcp = kind != FB_KIND_UDP && kind != FB_KIND_UDP4 && kind != FB_KIND_UDP6;
	udp = kind != FB_KIND_TCP && kind != FB_KIND_TCP4 && kind != FB_KIND_TCP6;
	if (kind == FB_KIND_UNIX)
		return 0;
	if (!err && tcp && want4)
		err = tcp4(&cv);
	if (!err && tcp && want6)
		err = tcp6(&cv);
	if (!err && udp && want4)
		err = udp4(&cv);
	if (!err && udp && want6)
		err = udp6(&cv);
	if (err) {
		free(cv.v);
		return err;
	}
	*out = cv.v;
	*n = cv.n;
	return 0;
}

int fb_net_connections_procfs(enum fb_conn_kind kind, struct fb_conn **out, size_t *n)
{
	(void)kind;
	*out = NULL;
	*n = 0;
	return -ENOTSUP;
}
