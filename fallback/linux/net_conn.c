// SPDX-License-Identifier: BSD-2-Clause
/*
 * net_conn.c - net_connections(kind) and Process.net_connections() with psutil's results,
 * built the way ss(8) builds them: the socket tables come from netlink sock_diag (the client in
 * sock_diag.c: inet_diag for TCP and UDP over IPv4 and IPv6, unix_diag for AF_UNIX) and the
 * owners from one scan of every /proc/PID/fd symlink ("socket:[INODE]").  The
 * /proc/net/{tcp,tcp6,udp,udp6,unix} text tables are the fallback (no netlink, or a fixture root)
 * and parse to the same records.
 * An owner feed (fb_net_set_owner_feed(): vigil's BPF walk of the fd tables) replaces the fd
 * scan of every process it visits whole; the ones it did not are still scanned, and /proc is
 * listed only when the walk's thread count says it missed some.  The owners and the
 * tables are independent halves, each read on its own thread when a second CPU is free.  A table
 * feed (fb_net_set_table_feed(): vigil's BPF tcp and udp iterators) replaces the sock_diag
 * dumps of the tables it walks when it can start and read to its end.
 * psutil's rules: inet sockets report their first holder only, unix sockets one row per
 * (pid, fd), port 0 is the empty tuple, UDP status is NONE, identical rows collapse.
 */
#include "net_int.h"
#include "parse_int.h"
#include "proc_int.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/sock_diag.h>
#include <linux/unix_diag.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

/* ------------------------------------------------------------- inode -> (pid, fd) */

struct holder {
	uint64_t inode;
	pid_t pid;
	int fd;
};

/*
 * Socket fds found by the scan or the walk. Once complete they are sorted by (inode, pid, fd)
 * and indexed by inode (open addressing: a slot holds the index + 1 of the inode's first
 * holder, 0 when empty), so the join looks each row up in one probe or two.
 */
struct inode_map {
	struct holder *v;
	size_t n, cap;
	uint32_t *slots; /* NULL until inode_map_index() */
	size_t mask;
};

static void inode_map_free(struct inode_map *m)
{
	free(m->v);
	free(m->slots);
	memset(m, 0, sizeof(*m));
}

static int holder_cmp(const void *a, const void *b)
{
	const struct holder *x = a, *y = b;

	if (x->inode != y->inode)
		return x->inode < y->inode ? -1 : 1;
	if (x->pid != y->pid)
		return x->pid < y->pid ? -1 : 1;
	return (x->fd > y->fd) - (x->fd < y->fd);
}

static size_t inode_slot(const struct inode_map *m, uint64_t inode)
{
	return (size_t)((inode * 0x9e3779b97f4a7c15ull) >> 32) & m->mask;
}

/* Sort and index a complete map: 0 or -ENOMEM. */
static int inode_map_index(struct inode_map *m)
{
	size_t nslots = 64;

	if (m->slots)
		return 0;
	while (nslots < m->n * 2)
		nslots *= 2;
	m->slots = calloc(nslots, sizeof(*m->slots));
	if (!m->slots)
		return -ENOMEM;
	m->mask = nslots - 1;
	qsort(m->v, m->n, sizeof(*m->v), holder_cmp);
	for (size_t i = 0; i < m->n; i++) {
		size_t h = inode_slot(m, m->v[i].inode);

		if (i && m->v[i].inode == m->v[i - 1].inode)
			continue; /* only the first holder is indexed */
		while (m->slots[h])
			h = (h + 1) & m->mask;
		m->slots[h] = (uint32_t)(i + 1);
	}
	return 0;
}

/* First holder of @inode (lowest pid, then fd, as psutil's scan order), or NULL. */
static const struct holder *inode_map_find(const struct inode_map *m, uint64_t inode)
{
	for (size_t h = inode_slot(m, inode); m->slots[h]; h = (h + 1) & m->mask)
		if (m->v[m->slots[h] - 1].inode == inode)
			return &m->v[m->slots[h] - 1];
	return NULL;
}

struct linux_dirent64 {
	uint64_t d_ino;
	int64_t d_off;
	unsigned short d_reclen;
	unsigned char d_type;
	char d_name[];
};

/*
 * Add the socket fds of one pid; a vanished or forbidden pid adds nothing (as psutil).
 * Two shortcuts that leave the result as it was:
 * - readlink of /proc/PID/fd/N is refused (EACCES) by a ptrace check on the task, not on the
 *   fd: after one refusal every other fd of that pid would be refused too, so stop there (a
 *   process in another user namespace, or any process for a caller that may not trace it,
 *   can hold hundreds of fds);
 * - procfs lists a pid's fds until the caller's buffer is full, so a batch that left room for
 *   another entry was the last one: the empty getdents64 that would confirm it is skipped
 *   (live /proc only: a fixture tree's filesystem makes no such promise).
 */
#define FD_DIRENT_MAX 64 /* an fd entry: 19 bytes of header, at most 11 of name, aligned */

static int scan_pid_fds(struct inode_map *m, int procfd, bool procfs, pid_t pid)
{
	char rel[32], link[64], buf[8192] __attribute__((aligned(8)));
	int fd, err = 0;
	bool more = true;
	long nr;

	fb__fmt(rel, sizeof(rel), "%d/fd", (int)pid);
	fd = openat(procfd, rel, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	while (more && !err && (nr = syscall(SYS_getdents64, fd, buf, sizeof(buf))) > 0) {
		more = !procfs || (size_t)nr + FD_DIRENT_MAX > sizeof(buf);
		for (long off = 0; off < nr;) {
			struct linux_dirent64 *de = (struct linux_dirent64 *)(buf + off);
			const char *q = de->d_name;
			uint64_t fdn, inode;
			ssize_t r;

			off += de->d_reclen;
			if (*q < '0' || *q > '9')
				continue;
			r = readlinkat(fd, de->d_name, link, sizeof(link) - 1);
			if (r < 0 && errno == EACCES) {
				more = false; /* the whole pid is refused */
				break;
			}
			/* "socket:[" is 8 chars; ENOENT, ENAMETOOLONG, EINVAL: skipped */
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
			m->v[m->n++] =
				(struct holder){ .inode = inode, .pid = pid, .fd = (int)fdn };
		}
	}
	close(fd);
	return err;
}

/* The fd scan is shared by up to two threads that take pids in chunks. */
#define SCAN_CHUNK 8

struct scan_job {
	const pid_t *pids;
	size_t npids;
	size_t next; /* atomic */
	int procfd;
	bool procfs; /* the live /proc, not a fixture tree */
};

struct scan_part {
	struct scan_job *job;
	struct inode_map m;
	int err;
};

static void scan_run(void *arg)
{
	struct scan_part *sp = arg;
	struct scan_job *job = sp->job;

	for (;;) {
		size_t i = __atomic_fetch_add(&job->next, SCAN_CHUNK, __ATOMIC_RELAXED);

		if (i >= job->npids || sp->err)
			break;
		for (size_t k = i; k < i + SCAN_CHUNK && k < job->npids && !sp->err; k++)
			sp->err = scan_pid_fds(&sp->m, job->procfd, job->procfs, job->pids[k]);
	}
}

/* The parts as one indexed map: taken whole when only one has holders (a walk's). */
static int scan_merge(struct scan_part *parts, int nparts, struct inode_map *out)
{
	size_t total = 0, k = 0;
	int full = 0;

	memset(out, 0, sizeof(*out));
	for (int i = 0; i < nparts; i++) {
		if (parts[i].err)
			return parts[i].err;
		total += parts[i].m.n;
		full += parts[i].m.n > 0;
	}
	for (int i = 0; full == 1 && i < nparts; i++)
		if (parts[i].m.n) {
			*out = parts[i].m;
			memset(&parts[i].m, 0, sizeof(parts[i].m));
			return inode_map_index(out);
		}
	out->v = malloc((total ? total : 1) * sizeof(*out->v));
	if (!out->v)
		return -ENOMEM;
	for (int i = 0; i < nparts; i++) {
		if (!parts[i].m.n)
			continue;
		memcpy(out->v + k, parts[i].m.v, parts[i].m.n * sizeof(*out->v));
		k += parts[i].m.n;
	}
	out->n = out->cap = total;
	return inode_map_index(out);
}

/* ------------------------------------------------------------- result building */

struct conn_list {
	struct fb_conn *v;
	size_t n, cap;
};

static int conn_push(struct conn_list *l, const struct fb_conn *c)
{
	int err = fb__grow((void **)&l->v, &l->cap, l->n + 1, sizeof(*l->v));

	if (err)
		return err;
	l->v[l->n++] = *c;
	return 0;
}

/* Rows are collected without owners; resolve_owners() attaches them afterwards. */
static int conn_emit(struct conn_list *l, struct fb_conn *c)
{
	c->pid = -1;
	c->fd = -1;
	return conn_push(l, c);
}

/*
 * Attach owners in place: inet sockets keep their first holder, unix sockets get one row per
 * holder (extra rows are appended), psutil's rules.  With @only > 0, rows not held by that pid
 * are dropped.
 */
static int resolve_owners(struct conn_list *l, const struct inode_map *m, pid_t only)
{
	const struct holder *end = m->v + m->n;
	size_t k = 0, nraw = l->n;
	int err = 0;

	/* rows are moved down only where @only drops some: k == i otherwise */
	for (size_t i = 0; i < nraw && !err; i++) {
		uint64_t inode = l->v[i].inode;
		const struct holder *h = inode ? inode_map_find(m, inode) : NULL;
		bool first = true;

		if (!h) {
			if (only <= 0) {
				if (k != i)
					l->v[k] = l->v[i];
				k++;
			}
			continue;
		}
		for (; h < end && h->inode == inode && !err; h++) {
			struct fb_conn c;

			if (only > 0 && h->pid != only)
				continue;
			if (first) {
				if (k != i)
					l->v[k] = l->v[i];
				l->v[k].pid = h->pid;
				l->v[k++].fd = h->fd;
				first = false;
				if (l->v[k - 1].family != AF_UNIX)
					break;
				continue;
			}
			c = l->v[k - 1];
			c.pid = h->pid;
			c.fd = h->fd;
			err = conn_push(l, &c); /* appended past nraw: not revisited */
		}
	}
	/* close the gap between the resolved raw rows and the appended ones */
	if (!err && l->n > nraw && k < nraw)
		memmove(l->v + k, l->v + nraw, (l->n - nraw) * sizeof(*l->v));
	l->n = k + (l->n - nraw);
	return err;
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

/* Dotted quad without stdio: this runs once per socket. */
static char *put_v4(char *o, const unsigned char *b)
{
	for (int i = 0; i < 4; i++) {
		unsigned v = b[i];

		if (v >= 100)
			*o++ = (char)('0' + v / 100);
		if (v >= 10)
			*o++ = (char)('0' + v / 10 % 10);
		*o++ = (char)('0' + v % 10);
		if (i < 3)
			*o++ = '.';
	}
	*o = '\0';
	return o;
}

/*
 * RFC 5952 text of an IPv6 address, byte for byte what glibc's inet_ntop() prints (psutil
 * uses it): the longest run of two or more zero words becomes "::" (the first one on a tie),
 * and ::ffff:a.b.c.d / ::a.b.c.d keep their embedded IPv4 form.
 */
static void put_v6(char *o, const unsigned char *b)
{
	static const char hex[] = "0123456789abcdef";
	unsigned w[8];
	int best = -1, best_len = 0;

	for (int i = 0; i < 8; i++)
		w[i] = (unsigned)b[2 * i] << 8 | b[2 * i + 1];
	for (int i = 0; i < 8;) {
		int j = i;

		while (j < 8 && w[j] == 0)
			j++;
		if (j - i > best_len) {
			best = i;
			best_len = j - i;
		}
		i = j > i ? j : i + 1;
	}
	if (best_len < 2)
		best = -1;
	for (int i = 0; i < 8; i++) {
		if (i == best) {
			*o++ = ':';
			if (i + best_len == 8)
				*o++ = ':';
			i += best_len - 1;
			continue;
		}
		if (i)
			*o++ = ':';
		if (i == 6 && best == 0 &&
		    (best_len == 6 || (best_len == 7 && w[7] != 1) ||
		     (best_len == 5 && w[5] == 0xffff))) {
			put_v4(o, b + 12);
			return;
		}
		for (int sh = 12, started = 0; sh >= 0; sh -= 4) {
			unsigned d = w[i] >> sh & 0xf;

			if (d || started || sh == 0) {
				*o++ = hex[d];
				started = 1;
			}
		}
	}
	*o = '\0';
}

/* Exposed for the unit tests: must print exactly what inet_ntop() prints. */
void fb__ipv6_text(const unsigned char b[16], char *out)
{
	put_v6(out, b);
}

static void set_inet_addr(struct fb_sockaddr *a, int family, const void *raw, uint16_t port)
{
	a->valid = port != 0; /* psutil: port 0 is the empty tuple */
	a->port = port;
	a->addr[0] = '\0';
	if (!a->valid)
		return;
	if (family == AF_INET)
		put_v4(a->addr, raw);
	else
		put_v6(a->addr, raw);
}

/* ------------------------------------------------------------- sock_diag */

struct inet_ctx {
	struct conn_list *l;
	int family, type; /* family AF_UNSPEC: both (the compat TCP dump) */
};

static int inet_cb(struct nlmsghdr *h, void *arg)
{
	struct inet_ctx *ctx = arg;
	struct fb_tcp_sock s;
	struct fb_conn c = { 0 };

	if (fb__inet_diag_msg(h, false, &s) ||
	    (ctx->family != AF_UNSPEC && s.family != ctx->family))
		return 0;
	c.family = s.family;
	c.type = ctx->type;
	set_inet_addr(&c.laddr, c.family, s.saddr, s.sport);
	set_inet_addr(&c.raddr, c.family, s.daddr, s.dport);
	c.status = ctx->type == SOCK_STREAM ? tcp_status(s.state) : FB_CONN_NONE;
	c.inode = s.inode;
	return conn_emit(ctx->l, &c);
}

static int diag_inet(struct conn_list *l, int family, int proto)
{
	struct inet_ctx ctx = { .l = l,
				.family = family,
				.type = proto == IPPROTO_TCP ? SOCK_STREAM : SOCK_DGRAM };

	return fb__inet_diag_dump(family, proto, 0, inet_cb, &ctx);
}

/* RTA_NEXT() for an int length, without its unsigned arithmetic. */
static struct rtattr *rta_next(struct rtattr *a, int *len)
{
	int step = (int)RTA_ALIGN(a->rta_len);

	*len -= step;
	return (struct rtattr *)((char *)a + step);
}

/* A unix socket's name (@n bytes of sun_path) as /proc/net/unix shows it. */
static void set_unix_name(struct fb_sockaddr *a, const char *s, size_t n)
{
	if (n >= sizeof(a->addr))
		n = sizeof(a->addr) - 1;
	memcpy(a->addr, s, n);
	a->addr[n] = '\0';
	/* abstract names start with NUL: /proc/net/unix shows them with '@' */
	for (size_t i = 0; i < n; i++)
		if (a->addr[i] == '\0')
			a->addr[i] = '@';
	/* a pathname may carry its terminating NUL in the payload */
	while (n && a->addr[n - 1] == '@' && s[n - 1] == '\0' && s[0] != '\0')
		a->addr[--n] = '\0';
}

/* A unix socket's kernel state as sock_diag callers see it (LISTEN, connected, unconnected). */
static enum fb_conn_status unix_status(unsigned st)
{
	return st == 10 /* TCP_LISTEN */       ? FB_CONN_LISTEN
	       : st == 1 /* TCP_ESTABLISHED */ ? FB_CONN_ESTABLISHED
	       : st == 7 /* TCP_CLOSE */       ? FB_CONN_CLOSE
					       : FB_CONN_NONE;
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
	/* kept for fb_net_sockets (lsof's LISTEN/CONNECTED/UNCONNECTED); psutil's rows say NONE */
	c.status = unix_status(m->udiag_state);
	c.inode = m->udiag_ino;
	c.laddr.valid = c.raddr.valid = true; /* unix addresses are strings, "" when unbound */
	len = (int)(h->nlmsg_len - NLMSG_LENGTH(sizeof(*m)));
	for (a = (struct rtattr *)(m + 1); RTA_OK(a, len); a = rta_next(a, &len))
		if (a->rta_type == UNIX_DIAG_NAME)
			set_unix_name(&c.laddr, RTA_DATA(a), RTA_PAYLOAD(a));
	return conn_emit(l, &c);
}

static int diag_unix(struct conn_list *l)
{
	struct {
		struct nlmsghdr nlh;
		struct unix_diag_req r;
	} req = {
		.nlh = { .nlmsg_len = sizeof(req),
			 .nlmsg_type = SOCK_DIAG_BY_FAMILY,
			 .nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP },
		.r = { .sdiag_family = AF_UNIX,
		       .udiag_states = ~0u,
		       .udiag_show = UDIAG_SHOW_NAME },
	};

	return fb__sock_diag_dump(&req, sizeof(req), unix_cb, l);
}

/* Exposed for the fuzzers: one reply datagram through the callback a dump would use. */
int fb__diag_parse(void *buf, size_t len, int family, int type, struct fb_conn **out, size_t *n)
{
	struct conn_list l = { 0 };
	struct inet_ctx ctx = { .l = &l, .family = family, .type = type };
	int err;

	err = family == AF_UNIX ? fb__nl_walk(buf, len, unix_cb, &l)
				: fb__nl_walk(buf, len, inet_cb, &ctx);
	*out = l.v;
	*n = l.n;
	return err;
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
			int d = ch >= '0' && ch <= '9'	 ? ch - '0'
				: ch >= 'A' && ch <= 'F' ? ch - 'A' + 10
				: ch >= 'a' && ch <= 'f' ? ch - 'a' + 10
							 : -1;

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

/* Exposed for the fuzzers. */
int fb__parse_hex_addr(const char *tok, int family, struct fb_sockaddr *a)
{
	return parse_hex_addr(tok, family, a);
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
	case FB_KIND_INET:
		return T_TCP4 | T_TCP6 | T_UDP4 | T_UDP6;
	case FB_KIND_INET4:
		return T_TCP4 | T_UDP4;
	case FB_KIND_INET6:
		return T_TCP6 | T_UDP6;
	case FB_KIND_TCP:
		return T_TCP4 | T_TCP6;
	case FB_KIND_TCP4:
		return T_TCP4;
	case FB_KIND_TCP6:
		return T_TCP6;
	case FB_KIND_UDP:
		return T_UDP4 | T_UDP6;
	case FB_KIND_UDP4:
		return T_UDP4;
	case FB_KIND_UDP6:
		return T_UDP6;
	case FB_KIND_UNIX:
		return T_UNIX;
	case FB_KIND_ALL:
		return T_TCP4 | T_TCP6 | T_UDP4 | T_UDP6 | T_UNIX;
	default:
		return 0;
	}
}

static const struct fb_sock_table_feed *table_feed;
static const char *inet_source = "sock_diag", *unix_source = "sock_diag";

void fb_net_set_table_feed(const struct fb_sock_table_feed *feed)
{
	table_feed = feed;
}

const char *fb_net_table_source(int family)
{
	return family == AF_UNIX ? unix_source : inet_source;
}

/* One socket of the table feed as a row, if @t wants its table. */
static int feed_row(struct conn_list *l, unsigned t, const struct fb_sock_entry *e)
{
	struct fb_conn c = { 0 };
	unsigned bit;

	if (e->family != AF_INET && e->family != AF_INET6)
		return 0;
	bit = e->type == SOCK_STREAM ? (e->family == AF_INET ? T_TCP4 : T_TCP6)
				     : (e->family == AF_INET ? T_UDP4 : T_UDP6);
	if (!(t & bit))
		return 0;
	c.family = e->family;
	c.type = e->type;
	c.inode = e->inode;
	c.srtt_us = e->srtt_us;
	c.has_rtt = e->has_rtt;
	set_inet_addr(&c.laddr, c.family, e->saddr, e->sport);
	set_inet_addr(&c.raddr, c.family, e->daddr, e->dport);
	c.status = c.type == SOCK_STREAM ? tcp_status(e->state) : FB_CONN_NONE;
	return conn_emit(l, &c);
}

/*
 * The tables of @t the table feed walks, into @l: those tables' bits, or -errno with @l as
 * it was (the caller reads sock_diag instead).
 */
static int feed_tables(struct conn_list *l, unsigned t)
{
	unsigned which = (t & (T_TCP4 | T_TCP6) ? FB_SOCK_TCP : 0) |
			 (t & (T_UDP4 | T_UDP6) ? FB_SOCK_UDP : 0);
	struct fb_sock_entry e;
	size_t mark = l->n;
	void *state;
	int r, err;

	if (!which)
		return 0;
	err = table_feed->open(&state, &which);
	if (err)
		return err;
	t &= (which & FB_SOCK_TCP ? T_TCP4 | T_TCP6 : 0) |
	     (which & FB_SOCK_UDP ? T_UDP4 | T_UDP6 : 0);
	while ((r = table_feed->next(state, &e)) > 0) {
		err = feed_row(l, t, &e);
		if (err)
			break;
	}
	table_feed->close(state);
	if (!err && r < 0)
		err = r;
	if (err) {
		l->n = mark;
		return err;
	}
	return (int)t;
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

	inet_source = unix_source = netlink ? "sock_diag" : "procfs";
	if (netlink && table_feed) {
		int got = feed_tables(l, t);

		if (got > 0) {
			t &= ~(unsigned)got;
			inet_source = table_feed->source;
		}
	}
	if (netlink && (t & (T_TCP4 | T_TCP6)) == (T_TCP4 | T_TCP6)) {
		size_t mark = l->n;

		if (diag_inet(l, AF_UNSPEC, IPPROTO_TCP) == 0)
			t &= ~(unsigned)(T_TCP4 | T_TCP6);
		else
			l->n = mark; /* no compat interface: one dump per family below */
	}
	for (size_t i = 0; !err && i < sizeof(tabs) / sizeof(tabs[0]); i++) {
		size_t mark = l->n;

		if (!(t & tabs[i].bit))
			continue;
		err = netlink ? diag_inet(l, tabs[i].family, tabs[i].proto) : -ENOSYS;
		if (err) {
			/* no sock_diag for this protocol: the text table */
			l->n = mark;
			inet_source = "procfs";
			err = procfs_inet(l, tabs[i].file, tabs[i].family, tabs[i].type);
		}
	}
	if (!err && (t & T_UNIX)) {
		size_t mark = l->n;

		err = netlink ? diag_unix(l) : -ENOSYS;
		if (err) {
			l->n = mark;
			unix_source = "procfs";
			err = procfs_unix(l);
		}
	}
	return err;
}

static uint64_t mix(uint64_t h, uint64_t v)
{
	h ^= v + 0x9e3779b97f4a7c15ull + (h << 6) + (h >> 2);
	return h;
}

static uint64_t str_hash(uint64_t h, const char *s)
{
	while (*s)
		h = (h ^ (unsigned char)*s++) * 0x100000001b3ull;
	return h;
}

static uint64_t conn_hash(const struct fb_conn *c)
{
	uint64_t h = 0xcbf29ce484222325ull;

	h = mix(h, (uint64_t)c->family << 32 | (uint32_t)c->type);
	h = str_hash(h, c->laddr.addr);
	h = mix(h, (uint64_t)c->laddr.port << 1 | c->laddr.valid);
	h = str_hash(h, c->raddr.addr);
	h = mix(h, (uint64_t)c->raddr.port << 1 | c->raddr.valid);
	h = mix(h, (uint64_t)c->status);
	h = mix(h, (uint64_t)(uint32_t)c->pid << 32 | (uint32_t)c->fd);
	return h;
}

static bool conn_is_same(const struct fb_conn *x, const struct fb_conn *y)
{
	return x->family == y->family && x->type == y->type && x->pid == y->pid && x->fd == y->fd &&
	       x->status == y->status && x->laddr.port == y->laddr.port &&
	       x->raddr.port == y->raddr.port && x->laddr.valid == y->laddr.valid &&
	       x->raddr.valid == y->raddr.valid && !strcmp(x->laddr.addr, y->laddr.addr) &&
	       !strcmp(x->raddr.addr, y->raddr.addr);
}

/*
 * psutil returns a set: identical rows (unowned unbound unix sockets, SO_REUSEPORT twins)
 * collapse.  Only unowned rows can collide ((pid, fd) is unique otherwise); first one wins.
 */
static int dedup(struct conn_list *l)
{
	size_t nslots = 64, k = 0;
	int32_t *slots;

	while (nslots < l->n * 2)
		nslots *= 2;
	slots = malloc(nslots * sizeof(*slots));
	if (!slots)
		return -ENOMEM;
	memset(slots, 0xff, nslots * sizeof(*slots));
	for (size_t i = 0; i < l->n; i++) {
		size_t h;
		bool dup = false;

		if (l->v[i].pid >= 0) {
			l->v[k++] = l->v[i];
			continue;
		}
		h = (size_t)conn_hash(&l->v[i]) & (nslots - 1);
		while (slots[h] >= 0) {
			if (conn_is_same(&l->v[slots[h]], &l->v[i])) {
				dup = true;
				break;
			}
			h = (h + 1) & (nslots - 1);
		}
		if (dup)
			continue;
		l->v[k] = l->v[i];
		slots[h] = (int32_t)k++;
	}
	l->n = k;
	free(slots);
	return 0;
}

static const struct fb_sock_owner_feed *owner_feed;
static const char *owner_source = "procfs";

void fb_net_set_owner_feed(const struct fb_sock_owner_feed *feed)
{
	owner_feed = feed;
}

const char *fb_net_owner_source(void)
{
	return owner_source;
}

/* A walk's processes: those it visited whole, those to scan, and their threads. */
struct walk_pids {
	pid_t *seen, *partial; /* sorted */
	size_t nseen, npartial, seen_cap, partial_cap;
	uint64_t threads;
};

static int pids_add(pid_t **v, size_t *n, size_t *cap, pid_t pid)
{
	int err = fb__grow((void **)v, cap, *n + 1, sizeof(**v));

	if (!err)
		(*v)[(*n)++] = pid;
	return err;
}

/* The owner feed's walk into @part's map, and the processes it visited into @wp. */
static int feed_owners(struct scan_part *part, void *state, struct walk_pids *wp)
{
	struct fb_sock_owner o;
	int r, err = 0;

	while (!err && (r = owner_feed->next(state, &o)) > 0) {
		if (o.fd < 0) {
			wp->threads += o.threads;
			err = o.fd == FB_SOCK_OWNER_PARTIAL
				      ? pids_add(&wp->partial, &wp->npartial, &wp->partial_cap,
						 o.pid)
				      : pids_add(&wp->seen, &wp->nseen, &wp->seen_cap, o.pid);
			continue;
		}
		err = fb__grow((void **)&part->m.v, &part->m.cap, part->m.n + 1,
			       sizeof(*part->m.v));
		if (!err)
			part->m.v[part->m.n++] =
				(struct holder){ .inode = o.inode, .pid = o.pid, .fd = o.fd };
	}
	if (!err && r < 0)
		err = r;
	if (!err) {
		qsort(wp->seen, wp->nseen, sizeof(pid_t), fb__pid_cmp);
		qsort(wp->partial, wp->npartial, sizeof(pid_t), fb__pid_cmp);
	}
	return err;
}

/* Cut the job's pids down to those not in seen (sorted). */
static void drop_seen(struct scan_job *job, pid_t *pids, const pid_t *seen, size_t nseen)
{
	size_t k = 0;

	for (size_t i = 0; i < job->npids; i++)
		if (!bsearch(&pids[i], seen, nseen, sizeof(*seen), fb__pid_cmp))
			pids[k++] = pids[i];
	job->npids = k;
}

/*
 * The pids a whole walk leaves to the fd scan, when it missed no process: pid 1 if the walk
 * did not visit it (this kind of VM hides it from the task walks), and the processes marked
 * partial. Whether it missed none: its processes' threads and pid 1's add up to the kernel's
 * count of tasks. 1 with *pids set, 0 when /proc must be listed, -errno.
 */
static int walk_left(struct scan_job *job, struct walk_pids *wp, pid_t **pids)
{
	struct fb__pstat st;
	char buf[1024];
	pid_t one = 1;
	bool add1 = !bsearch(&one, wp->seen, wp->nseen, sizeof(one), fb__pid_cmp) &&
		    !bsearch(&one, wp->partial, wp->npartial, sizeof(one), fb__pid_cmp);
	uint64_t threads = wp->threads;

	if (add1) {
		if (fb__read_at(job->procfd, "1/stat", buf, sizeof(buf)) < 0 ||
		    fb__parse_stat(buf, &st))
			return 0;
		threads += (uint64_t)st.num_threads;
	}
	if (threads != fb__kernel_tasks(job->procfd))
		return 0;
	*pids = malloc((wp->npartial + 1) * sizeof(**pids));
	if (!*pids)
		return -ENOMEM;
	job->npids = 0;
	if (add1)
		(*pids)[job->npids++] = 1;
	memcpy(*pids + job->npids, wp->partial, wp->npartial * sizeof(**pids));
	job->npids += wp->npartial;
	return 1;
}

/*
 * A listing has two independent halves, the socket tables and the owners, each taken by the
 * next free thread (the tables first, the longer of the two), so on two CPUs they run side by
 * side. The owners come from the owner feed's walk or, when it cannot start, from the fd scan
 * of every pid, which a thread done with its half then joins.
 */
struct conn_work {
	size_t next;   /* atomic: 0 the tables, 1 the owners, then done */
	bool scanning; /* atomic: the fd scan's pids are listed */
	struct scan_job *job;
	pid_t **pids;
	struct conn_list *l;
	unsigned t;
	bool netlink, fed;
	int err[2];
};

struct conn_thread {
	struct conn_work *w;
	struct scan_part *part; /* this thread's owners */
};

/*
 * The owners: the feed's walk, then the fd scan of what it left (walk_left()), or, when the
 * walk may have missed a process, of every pid /proc lists that it did not visit whole. Those
 * hold no fds (kernel threads, zombies), are hidden from the walk, or started behind it.
 * Without a walk, every pid is scanned.
 */
static int owners_half(struct conn_work *w, struct scan_part *part)
{
	struct walk_pids wp = { 0 };
	void *state;
	int left = 0, err = 0;

	if (w->fed && !owner_feed->open(&state)) {
		err = feed_owners(part, state, &wp);
		owner_feed->close(state);
		if (!err)
			owner_source = owner_feed->source;
		if (!err)
			left = walk_left(w->job, &wp, w->pids);
		if (left < 0)
			err = left;
	}
	if (!err && !left) {
		err = fb__scan_pids(w->pids, &w->job->npids);
		if (!err && wp.nseen)
			drop_seen(w->job, *w->pids, wp.seen, wp.nseen);
	}
	free(wp.seen);
	free(wp.partial);
	if (err)
		return err;
	w->job->pids = *w->pids;
	__atomic_store_n(&w->scanning, true, __ATOMIC_RELEASE);
	scan_run(part);
	return 0; /* the scan's errors are the parts' */
}

static void conn_work_run(void *arg)
{
	struct conn_thread *ct = arg;
	struct conn_work *w = ct->w;
	size_t i;

	while ((i = __atomic_fetch_add(&w->next, 1, __ATOMIC_RELAXED)) < 2)
		w->err[i] = i ? owners_half(w, ct->part) : read_tables(w->l, w->t, w->netlink);
	if (__atomic_load_n(&w->scanning, __ATOMIC_ACQUIRE))
		scan_run(ct->part); /* the rest of the fd scan, shared */
}

/* Every process: the tables and the owners, each on its own thread where there are two. */
static int connections_all(struct conn_work *w, struct scan_part parts[2])
{
	struct conn_thread me = { w, &parts[0] }, other = { w, &parts[1] };
	struct fb__par *helper = fb__par_start(conn_work_run, &other);

	conn_work_run(&me);
	fb__par_finish(helper);
	return w->err[0] ?: w->err[1];
}

/* One process: its fds first; no socket fds, no tables (psutil returns early). */
static int connections_one(struct scan_job *job, struct scan_part *part, pid_t *only,
			   struct conn_list *l, unsigned t, bool netlink)
{
	job->pids = only;
	job->npids = 1;
	scan_run(part);
	if (part->err || part->m.n == 0)
		return part->err;
	return read_tables(l, t, netlink);
}

static int connections(enum fb_conn_kind kind, pid_t only, bool netlink, struct fb_conn **out,
		       size_t *n)
{
	struct scan_part parts[2] = { 0 };
	struct scan_job job = { 0 };
	struct conn_list l = { 0 };
	struct inode_map map = { 0 };
	unsigned t = kind_tables(kind);
	pid_t *pids = NULL;
	struct conn_work w = { .job = &job, .pids = &pids, .l = &l, .t = t };
	int err;

	*out = NULL;
	*n = 0;
	if (!t)
		return -EINVAL;
	job.procfd = fb__dirfd(FB_DIR_PROC);
	if (job.procfd < 0)
		return job.procfd;
	job.procfs = fb__root_is_live();
	netlink = netlink && job.procfs;
	parts[0].job = parts[1].job = &job;
	owner_source = "procfs";
	if (only > 0) {
		err = connections_one(&job, &parts[0], &only, &l, t, netlink);
	} else {
		w.netlink = netlink;
		w.fed = owner_feed && job.procfs;
		err = connections_all(&w, parts);
	}
	if (err || (only > 0 && parts[0].m.n == 0))
		goto free_all;
	for (size_t i = 0; i < l.n; i++)
		if (l.v[i].family == AF_UNIX)
			l.v[i].status = FB_CONN_NONE; /* psutil has no state for unix sockets */
	err = scan_merge(parts, 2, &map);
	if (err)
		goto free_all;
	err = resolve_owners(&l, &map, only);
	if (err)
		goto free_all;
	err = dedup(&l);
	if (err)
		goto free_all;
	*out = l.v;
	*n = l.n;
	l.v = NULL;
free_all:
	free(l.v);
	inode_map_free(&map);
	inode_map_free(&parts[0].m);
	inode_map_free(&parts[1].m);
	free(pids);
	return err;
}

int fb_net_connections(enum fb_conn_kind kind, struct fb_conn **out, size_t *n)
{
	return connections(kind, 0, true, out, n);
}

int fb_net_sockets(enum fb_conn_kind kind, struct fb_conn **out, size_t *n)
{
	struct conn_list l = { 0 };
	unsigned t = kind_tables(kind);
	int err;

	*out = NULL;
	*n = 0;
	if (!t)
		return -EINVAL;
	/* no dedup: without owners two ends of a socketpair look alike, and lsof needs both */
	err = read_tables(&l, t, fb__root_is_live());
	if (err) {
		free(l.v);
		return err;
	}
	*out = l.v;
	*n = l.n;
	return 0;
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
