// SPDX-License-Identifier: BSD-2-Clause
/*
 * net_conn.c - net_connections(kind) and Process.net_connections() with psutil's results,
 * built the way ss(8) builds them: the socket tables come from netlink sock_diag (inet_diag
 * for TCP and UDP over IPv4 and IPv6, unix_diag for AF_UNIX) and the owners from one scan of
 * every /proc/PID/fd symlink ("socket:[INODE]").  The /proc/net/{tcp,tcp6,udp,udp6,unix} text
 * tables are the fallback (no netlink, or a fixture root) and parse to the same records.
 * psutil's rules: inet sockets report their first holder only, unix sockets one row per
 * (pid, fd), port 0 is the empty tuple, UDP status is NONE, identical rows collapse.
 */
#include "proc_int.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/sock_diag.h>
#include <linux/unix_diag.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* ------------------------------------------------------------- inode -> (pid, fd) */

struct holder {
	uint64_t inode;
	pid_t pid;
	int fd;
	int next; /* next holder of the same inode, -1 at the end */
};

struct inode_map {
	struct holder *v;
	size_t n, cap;
	int *slots; /* open addressing: index into v of the first holder, -1 empty */
	size_t nslots;
};

static void inode_map_free(struct inode_map *m)
{
	free(m->v);
	free(m->slots);
	memset(m, 0, sizeof(*m));
}

static size_t slot_of(const struct inode_map *m, uint64_t inode)
{
	size_t h = (size_t)(inode * 0x9E3779B97F4A7C15ull) & (m->nslots - 1);

	while (m->slots[h] >= 0 && m->v[m->slots[h]].inode != inode)
		h = (h + 1) & (m->nslots - 1);
	return h;
}

static int inode_map_index(struct inode_map *m)
{
	size_t ns = 64;

	while (ns < m->n * 2 + 1)
		ns *= 2;
	free(m->slots);
	m->slots = malloc(ns * sizeof(*m->slots));
	if (!m->slots)
		return -ENOMEM;
	m->nslots = ns;
	for (size_t i = 0; i < ns; i++)
		m->slots[i] = -1;
	/* insert in reverse so each chain keeps scan order (lowest pid, lowest fd first) */
	for (size_t i = m->n; i-- > 0;) {
		size_t h = slot_of(m, m->v[i].inode);

		m->v[i].next = m->slots[h];
		m->slots[h] = (int)i;
	}
	return 0;
}

static const struct holder *inode_map_find(const struct inode_map *m, uint64_t inode)
{
	int i;

	if (!m->nslots)
		return NULL;
	i = m->slots[slot_of(m, inode)];
	return i >= 0 ? &m->v[i] : NULL;
}

/* Add the socket fds of one pid; a vanished or forbidden pid adds nothing (as psutil). */
static int scan_pid_fds(struct inode_map *m, int procfd, pid_t pid)
{
	char rel[32], link[64];
	struct dirent *de;
	DIR *dir;
	int fd, err = 0;

	fb__fmt(rel, sizeof(rel), "%d/fd", (int)pid);
	fd = openat(procfd, rel, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	dir = fdopendir(fd);
	if (!dir) {
		close(fd);
		return 0;
	}
	while ((de = readdir(dir))) {
		const char *q = de->d_name;
		uint64_t fdn, inode;
		ssize_t r;

		if (*q < '0' || *q > '9')
			continue;
		r = readlinkat(dirfd(dir), de->d_name, link, sizeof(link) - 1);
		/* "socket:[" is 8 chars; EACCES, ENOENT, ENAMETOOLONG, EINVAL are skipped */
		if (r < 10 || memcmp(link, "socket:[", 8) != 0)
			continue;
		link[r] = '\0';
		if (fb__parse_u64(&q, &fdn))
			continue;
		q = link + 8;
		if (fb__parse_u64(&q, &inode) || *q != ']')
			continue;
		err = fb__grow((void **)&m->v, &m->cap, m->n + 1, sizeof(*m->v));
		if (err)
			break;
		m->v[m->n++] = (struct holder){ .inode = inode, .pid = pid, .fd = (int)fdn };
	}
	closedir(dir);
	return err;
}

/* Build the map for every pid (pid <= 0) or for one pid. */
static int inode_map_build(struct inode_map *m, pid_t only)
{
	int procfd = fb__dirfd(FB_DIR_PROC), err;
	pid_t *pids = NULL;
	size_t npids = 0;

	memset(m, 0, sizeof(*m));
	if (procfd < 0)
		return procfd;
	if (only > 0) {
		err = scan_pid_fds(m, procfd, only);
	} else {
		err = fb__scan_pids(&pids, &npids);
		for (size_t i = 0; !err && i < npids; i++)
			err = scan_pid_fds(m, procfd, pids[i]);
		free(pids);
	}
	if (!err)
		err = inode_map_index(m);
	if (err)
		inode_map_free(m);
	return err;
}

/* ------------------------------------------------------------- result building */

struct conn_list {
	struct fb_conn *v;
	size_t n, cap;
	const struct inode_map *map;
	pid_t only; /* > 0: keep only this pid's sockets */
};

static int conn_push(struct conn_list *l, const struct fb_conn *c)
{
	int err = fb__grow((void **)&l->v, &l->cap, l->n + 1, sizeof(*l->v));

	if (err)
		return err;
	l->v[l->n++] = *c;
	return 0;
}

/* Attach owners and append: inet keeps its first holder, unix gets one row per holder. */
static int conn_emit(struct conn_list *l, struct fb_conn *c)
{
	const struct holder *h = c->inode ? inode_map_find(l->map, c->inode) : NULL;
	int err;

	if (!h) {
		if (l->only > 0)
			return 0;
		c->pid = -1;
		c->fd = -1;
		return conn_push(l, c);
	}
	do {
		if (l->only <= 0 || h->pid == l->only) {
			c->pid = h->pid;
			c->fd = h->fd;
			err = conn_push(l, c);
			if (err)
				return err;
			if (c->family != AF_UNIX)
				return 0;
		}
		h = h->next >= 0 ? &l->map->v[h->next] : NULL;
	} while (h);
	return 0;
}

static enum fb_conn_status tcp_status(unsigned st)
{
	/* kernel TCP_ESTABLISHED (1) .. TCP_CLOSING (11), in psutil's order */
	if (st >= 1 && st <= 11)
		return (enum fb_conn_status)(FB_CONN_ESTABLISHED + st - 1);
	if (st == 12) /* TCP_NEW_SYN_RECV: shown as SYN_RECV by /proc/net/tcp */
		return FB_CONN_SYN_RECV;
	return FB_CONN_NONE;
}

static void set_inet_addr(struct fb_sockaddr *a, int family, const void *raw, uint16_t port)
{
	a->valid = port != 0; /* psutil: port 0 is the empty tuple */
	a->port = port;
	a->addr[0] = '\0';
	if (a->valid && !inet_ntop(family, raw, a->addr, sizeof(a->addr)))
		a->valid = false;
}

/* ------------------------------------------------------------- sock_diag */

typedef int (*nl_cb)(struct nlmsghdr *h, void *ctx);

static int nl_dump(void *req, size_t reqlen, nl_cb cb, void *ctx)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	char buf[65536] __attribute__((aligned(8)));
	struct iovec iov = { .iov_base = req, .iov_len = reqlen };
	struct msghdr msg = { .msg_name = &sa, .msg_namelen = sizeof(sa), .msg_iov = &iov,
			      .msg_iovlen = 1 };
	int fd, err = 0;

	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
	if (fd < 0)
		return -errno;
	if (sendmsg(fd, &msg, 0) < 0) {
		err = -errno;
		goto close_fd;
	}
	for (;;) {
		ssize_t r = recv(fd, buf, sizeof(buf), 0);
		struct nlmsghdr *h;

		if (r < 0) {
			if (errno == EINTR)
				continue;
			err = -errno;
			goto close_fd;
		}
		if (r == 0)
			break;
		for (h = (struct nlmsghdr *)buf; NLMSG_OK(h, (size_t)r); h = NLMSG_NEXT(h, r)) {
			if (h->nlmsg_type == NLMSG_DONE)
				goto close_fd;
			if (h->nlmsg_type == NLMSG_ERROR) {
				struct nlmsgerr *e = NLMSG_DATA(h);

				err = e->error ? e->error : -EIO;
				goto close_fd;
			}
			err = cb(h, ctx);
			if (err)
				goto close_fd;
		}
	}
close_fd:
	close(fd);
	return err;
}

struct inet_ctx {
	struct conn_list *l;
	int family, type;
};

static int inet_cb(struct nlmsghdr *h, void *arg)
{
	struct inet_ctx *ctx = arg;
	struct inet_diag_msg *m = NLMSG_DATA(h);
	struct fb_conn c = { 0 };

	if (h->nlmsg_len < NLMSG_LENGTH(sizeof(*m)) || m->idiag_family != ctx->family)
		return 0;
	c.family = ctx->family;
	c.type = ctx->type;
	set_inet_addr(&c.laddr, c.family, m->id.idiag_src, ntohs(m->id.idiag_sport));
	set_inet_addr(&c.raddr, c.family, m->id.idiag_dst, ntohs(m->id.idiag_dport));
	c.status = ctx->type == SOCK_STREAM ? tcp_status(m->idiag_state) : FB_CONN_NONE;
	c.inode = m->idiag_inode;
	return conn_emit(ctx->l, &c);
}

static int diag_inet(struct conn_list *l, int family, int proto)
{
	struct {
		struct nlmsghdr nlh;
		struct inet_diag_req_v2 r;
	} req = {
		.nlh = { .nlmsg_len = sizeof(req), .nlmsg_type = SOCK_DIAG_BY_FAMILY,
			 .nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP },
		.r = { .sdiag_family = (uint8_t)family, .sdiag_protocol = (uint8_t)proto,
		       .idiag_states = ~0u },
	};
	struct inet_ctx ctx = { .l = l, .family = family,
				.type = proto == IPPROTO_TCP ? SOCK_STREAM : SOCK_DGRAM };

	return nl_dump(&req, sizeof(req), inet_cb, &ctx);
}

static int unix_cb(struct nlmsghdr *h, void *arg)
{
	struct conn_list *l = arg;
	struct unix_diag_msg *m = NLMSG_DATA(h);
	struct fb_conn c = { 0 };
	struct rtattr *a;
	int len;

	if (h->nlmsg_len < NLMSG_LENGTH(sizeof(*m)))
		return 0;
	c.family = AF_UNIX;
	c.type = m->udiag_type;
	c.status = FB_CONN_NONE;
	c.inode = m->udiag_ino;
	c.laddr.valid = c.raddr.valid = true; /* unix addresses are strings, "" when unbound */
	len = (int)(h->nlmsg_len - NLMSG_LENGTH(sizeof(*m)));
	for (a = (struct rtattr *)(m + 1); RTA_OK(a, len); a = RTA_NEXT(a, len)) {
		if (a->rta_type == UNIX_DIAG_NAME) {
			size_t n = RTA_PAYLOAD(a);
			const char *s = RTA_DATA(a);

			if (n >= sizeof(c.laddr.addr))
				n = sizeof(c.laddr.addr) - 1;
			memcpy(c.laddr.addr, s, n);
			c.laddr.addr[n] = '\0';
			/* abstract names start with NUL: /proc/net/unix shows them with '@' */
			for (size_t i = 0; i < n; i++)
				if (c.laddr.addr[i] == '\0')
					c.laddr.addr[i] = '@';
			/* a pathname may carry its terminating NUL in the payload */
			while (n && c.laddr.addr[n - 1] == '@' && s[n - 1] == '\0' && s[0] != '\0')
				c.laddr.addr[--n] = '\0';
		}
	}
	return conn_emit(l, &c);
}

static int diag_unix(struct conn_list *l)
{
	struct {
		struct nlmsghdr nlh;
		struct unix_diag_req r;
	} req = {
		.nlh = { .nlmsg_len = sizeof(req), .nlmsg_type = SOCK_DIAG_BY_FAMILY,
			 .nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP },
		.r = { .sdiag_family = AF_UNIX, .udiag_states = ~0u, .udiag_show = UDIAG_SHOW_NAME },
	};

	return nl_dump(&req, sizeof(req), unix_cb, l);
}

/* ------------------------------------------------------------- /proc/net text tables */

/* "0100007F:1F90": IPv4 is one host-order word, IPv6 four host-order words. */
static int parse_hex_addr(const char *tok, int family, struct fb_sockaddr *a)
{
	unsigned char raw[16];
	const char *colon = strchr(tok, ':'), *q;
	size_t words = family == AF_INET ? 1 : 4;
	uint64_t port;

	if (!colon || (size_t)(colon - tok) != words * 8)
		return -EINVAL;
	for (size_t w = 0; w < words; w++) {
		uint32_t v = 0;

		for (int i = 0; i < 8; i++) {
			char ch = tok[w * 8 + (size_t)i];
			int d = ch >= '0' && ch <= '9' ? ch - '0'
				: ch >= 'A' && ch <= 'F' ? ch - 'A' + 10
				: ch >= 'a' && ch <= 'f' ? ch - 'a' + 10 : -1;

			if (d < 0)
				return -EINVAL;
			v = v << 4 | (uint32_t)d;
		}
		memcpy(raw + w * 4, &v, 4); /* back to the kernel's in-memory bytes */
	}
	q = colon + 1;
	if (fb__parse_hex(&q, &port) || port > 65535)
		return -EINVAL;
	set_inet_addr(a, family, raw, (uint16_t)port);
	return 0;
}


static int procfs_inet(struct conn_list *l, const char *file, int family, int type)
{
	char *text, tok[10][80];
	const char *p;
	ssize_t r;
	int err = 0;

	r = fb__read_alloc(FB_DIR_PROC, file, &text);
	if (r == -ENOENT && family == AF_INET6)
		return 0; /* IPv6 disabled */
	if (r < 0)
		return (int)r;
	for (p = fb__next_line(text); p; p = fb__next_line(p)) {
		struct fb_conn c = { 0 };
		const char *q = p, *s;
		uint64_t st, inode;
		int i;

		for (i = 0; i < 10; i++) {
			q = fb__token(q, tok[i], sizeof(tok[i]));
			if (!q)
				break;
		}
		if (i < 10)
			continue; /* truncated line */
		c.family = family;
		c.type = type;
		s = tok[3];
		if (parse_hex_addr(tok[1], family, &c.laddr) ||
		    parse_hex_addr(tok[2], family, &c.raddr) || fb__parse_hex(&s, &st))
			continue;
		s = tok[9];
		if (fb__parse_u64(&s, &inode))
			continue;
		c.status = type == SOCK_STREAM ? tcp_status((unsigned)st) : FB_CONN_NONE;
		c.inode = inode;
		err = conn_emit(l, &c);
		if (err)
			break;
	}
	free(text);
	return err;
}

static int procfs_unix(struct conn_list *l)
{
	char *text, tok[8][FB_ADDR_LEN];
	const char *p;
	ssize_t r;
	int err = 0;

	r = fb__read_alloc(FB_DIR_PROC, "net/unix", &text);
	if (r < 0)
		return (int)r;
	for (p = fb__next_line(text); p; p = fb__next_line(p)) {
		struct fb_conn c = { 0 };
		const char *q = p, *s;
		uint64_t type, inode;
		int i;

		for (i = 0; i < 8; i++) {
			q = fb__token(q, tok[i], sizeof(tok[i]));
			if (!q)
				break;
		}
		if (i < 7)
			continue;
		s = tok[4];
		if (fb__parse_u64(&s, &type))
			continue;
		s = tok[6];
		if (fb__parse_u64(&s, &inode))
			continue;
		c.family = AF_UNIX;
		c.type = (int)type;
		c.status = FB_CONN_NONE;
		c.inode = inode;
		c.laddr.valid = c.raddr.valid = true;
		if (i == 8) {
			/* the path is the rest of the line: it may contain spaces */
			const char *path = fb__skip_ws(p);

			for (int k = 0; k < 7; k++) {
				path += strcspn(path, " \t");
				path = fb__skip_ws(path);
			}
			fb__copy(c.laddr.addr, sizeof(c.laddr.addr), path);
			c.laddr.addr[strcspn(c.laddr.addr, "\n")] = '\0';
		}
		err = conn_emit(l, &c);
		if (err)
			break;
	}
	free(text);
	return err;
}

/* ------------------------------------------------------------- kinds and driver */

enum { T_TCP4 = 1, T_TCP6 = 2, T_UDP4 = 4, T_UDP6 = 8, T_UNIX = 16 };

static unsigned kind_tables(enum fb_conn_kind k)
{
	switch (k) {
	case FB_KIND_INET: return T_TCP4 | T_TCP6 | T_UDP4 | T_UDP6;
	case FB_KIND_INET4: return T_TCP4 | T_UDP4;
	case FB_KIND_INET6: return T_TCP6 | T_UDP6;
	case FB_KIND_TCP: return T_TCP4 | T_TCP6;
	case FB_KIND_TCP4: return T_TCP4;
	case FB_KIND_TCP6: return T_TCP6;
	case FB_KIND_UDP: return T_UDP4 | T_UDP6;
	case FB_KIND_UDP4: return T_UDP4;
	case FB_KIND_UDP6: return T_UDP6;
	case FB_KIND_UNIX: return T_UNIX;
	case FB_KIND_ALL: return T_TCP4 | T_TCP6 | T_UDP4 | T_UDP6 | T_UNIX;
	default: return 0;
	}
}

static int read_tables(struct conn_list *l, unsigned t, bool netlink)
{
	static const struct {
		unsigned bit;
		int family, proto, type;
		const char *file;
	} tabs[] = {
		{ T_TCP4, AF_INET, IPPROTO_TCP, SOCK_STREAM, "net/tcp" },
		{ T_TCP6, AF_INET6, IPPROTO_TCP, SOCK_STREAM, "net/tcp6" },
		{ T_UDP4, AF_INET, IPPROTO_UDP, SOCK_DGRAM, "net/udp" },
		{ T_UDP6, AF_INET6, IPPROTO_UDP, SOCK_DGRAM, "net/udp6" },
	};
	int err = 0;

	for (size_t i = 0; !err && i < sizeof(tabs) / sizeof(tabs[0]); i++) {
		size_t mark = l->n;

		if (!(t & tabs[i].bit))
			continue;
		err = netlink ? diag_inet(l, tabs[i].family, tabs[i].proto) : -ENOSYS;
		if (err) {
			/* no sock_diag for this protocol: the text table */
			l->n = mark;
			err = procfs_inet(l, tabs[i].file, tabs[i].family, tabs[i].type);
		}
	}
	if (!err && (t & T_UNIX)) {
		size_t mark = l->n;

		err = netlink ? diag_unix(l) : -ENOSYS;
		if (err) {
			l->n = mark;
			err = procfs_unix(l);
		}
	}
	return err;
}

static int conn_cmp(const void *a, const void *b)
{
	const struct fb_conn *x = a, *y = b;
	int d;

	if (x->family != y->family)
		return x->family - y->family;
	if (x->type != y->type)
		return x->type - y->type;
	d = strcmp(x->laddr.addr, y->laddr.addr);
	if (d)
		return d;
	if (x->laddr.port != y->laddr.port)
		return (int)x->laddr.port - (int)y->laddr.port;
	if (x->laddr.valid != y->laddr.valid)
		return (int)x->laddr.valid - (int)y->laddr.valid;
	d = strcmp(x->raddr.addr, y->raddr.addr);
	if (d)
		return d;
	if (x->raddr.port != y->raddr.port)
		return (int)x->raddr.port - (int)y->raddr.port;
	if (x->raddr.valid != y->raddr.valid)
		return (int)x->raddr.valid - (int)y->raddr.valid;
	if (x->status != y->status)
		return (int)x->status - (int)y->status;
	if (x->pid != y->pid)
		return x->pid < y->pid ? -1 : 1;
	return x->fd - y->fd;
}

/* psutil returns a set: identical rows (e.g. unowned unbound unix sockets) collapse. */
static void dedup(struct conn_list *l)
{
	size_t k = 0;

	if (!l->n)
		return;
	qsort(l->v, l->n, sizeof(*l->v), conn_cmp);
	for (size_t i = 1; i < l->n; i++)
		if (conn_cmp(&l->v[k], &l->v[i]) != 0)
			l->v[++k] = l->v[i];
	l->n = k + 1;
}

static int connections(enum fb_conn_kind kind, pid_t only, bool netlink, struct fb_conn **out,
		       size_t *n)
{
	struct conn_list l = { 0 };
	struct inode_map map;
	unsigned t = kind_tables(kind);
	int err;

	*out = NULL;
	*n = 0;
	if (!t)
		return -EINVAL;
	err = inode_map_build(&map, only);
	if (err)
		return err;
	if (only > 0 && map.n == 0)
		goto free_map; /* no socket fds: psutil returns [] early */
	l.map = &map;
	l.only = only;
	err = read_tables(&l, t, netlink && fb__root_is_live());
	if (err)
		goto free_list;
	dedup(&l);
	*out = l.v;
	*n = l.n;
	l.v = NULL;
free_list:
	free(l.v);
free_map:
	inode_map_free(&map);
	return err;
}

int fb_net_connections(enum fb_conn_kind kind, struct fb_conn **out, size_t *n)
{
	return connections(kind, 0, true, out, n);
}

int fb_net_connections_procfs(enum fb_conn_kind kind, struct fb_conn **out, size_t *n)
{
	return connections(kind, 0, false, out, n);
}

int fb_proc__net_connections(struct fb_proc *p, enum fb_conn_kind kind, struct fb_conn **out,
			     size_t *n)
{
	char rel[32];
	int err;

	fb__proc_clear_err(p);
	if (!kind_tables(kind))
		return -EINVAL;
	fb__fmt(rel, sizeof(rel), "%d/fd", (int)p->pid);
	if (faccessat(fb__dirfd(FB_DIR_PROC), rel, R_OK, 0))
		return fb__proc_fail(p, "net_connections", errno);
	err = connections(kind, p->pid, true, out, n);
	return err ? fb__proc_fail(p, "net_connections", err) : 0;
}
