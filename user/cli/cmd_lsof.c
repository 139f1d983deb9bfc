// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * cmd_lsof.c: `vigil lsof`: open files and sockets per process with lsof's columns (COMMAND
 * PID USER FD TYPE DEVICE SIZE/OFF NODE NAME), in one pass over /proc: the fallback
 * library's scan gives each process' name and user, fb_proc__fds() its cwd/rtd/txt, mapped
 * files and fds, and one dump of the socket tables (sock_diag) names every socket by inode,
 * as `lsof -nP` prints them. Selections (-p, -u, -c, -i, PATH) are ORed, as lsof's are: a
 * file is listed when its process or the file itself matches any of them; with -a, ANDed.
 * A process that cannot be read is shown as lsof shows it (an "unknown" row saying what was
 * refused) in a listing; asked for by -p alone, it also makes the exit status 1.
 * --laddr/--raddr select internet sockets by address set (docs/addresses.md), as -i does;
 * --resolve names the remote ends, in NAME as lsof without -n prints them, and as rname.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "iter/iter_files.h"
#include "iter/iter_sock.h"
#include "iter/iter_task.h"
#include "iter/iter_vmas.h"
#include "cli/addr_opts.h"
#include "cli/cli.h"
#include "cli/trace_opts.h"
#include "cli/commands.h"
#include "cli/lsof_netlink.h"
#include "cli/lsof_sizes.h"
#include "cli/parse.h"
#include "core/backend.h"
#include "core/log.h"
#include "export/escape.h"
#include "export/export.h"
#include "export/json.h"
#include "export/output.h"
#include "core/wallclock.h"
#include "fallback.h"
#include "net/net_resolve.h"

enum {
	OPT_PID = CLI_COMMON_MAX,
	OPT_USER,
	OPT_INET,
	OPT_COMM,
	OPT_TERSE,
	OPT_AND,
	OPT_NOOP,
	OPT_TASKS,
	OPT_BACKEND,
};

#define LSOF_MAX_SEL 64

/* -i [46][TCP|UDP][@ADDR][:PORT] */
struct inet_sel {
	bool on;
	int family; /* 0: both */
	int type;   /* 0: both; SOCK_STREAM, SOCK_DGRAM */
	char addr[64];
	int port; /* -1: any */
};

struct lsof_args {
	pid_t pids[LSOF_MAX_SEL];
	int npids;
	uid_t uids[LSOF_MAX_SEL];
	int nuids;
	const char *comms[LSOF_MAX_SEL];
	int ncomms;
	struct inet_sel inet;
	struct addr_sel addrs; /* --laddr, --raddr: internet sockets in these sets; --resolve */
	bool terse;
	bool and_sel; /* -a: every selection must match, not any */
	bool tasks;   /* -K: each thread's rows too, with TID and TASKCMD */
	enum backend_mode backend;
	/* PATH arguments, as (dev, ino) */
	struct stat files[LSOF_MAX_SEL];
	int nfiles;
};

struct lsof_row {
	char cmd[64], user[64], fd[16], type[16], device[32], sizeoff[32], node[24];
	pid_t pid;
	pid_t tid;	  /* -K: the thread of a task row; 0 on the process' own rows */
	char taskcmd[16]; /* -K: that thread's name */
	char *name;
	/* an internet socket's remote end: its address and where NAME writes it */
	uint8_t raddr[16];
	uint16_t roff, rlen;
	bool has_raddr;
	char *rname; /* --resolve: its reverse name, NULL if not known */
};

struct row_list {
	struct lsof_row *v;
	size_t n, cap;
};

/* The socket tables, sorted by inode, loaded at the first socket met (netlink's at the
 * first socket the others do not name). */
struct sock_index {
	struct fb_conn *v;
	size_t n;
	bool loaded;
	struct lsof_netlink nl;
	bool nl_loaded;
};

/* What one listing shares between its processes. */
struct lsof_listing {
	struct sock_index si;
	const struct iter_files *walk; /* every process' fds, or NULL: /proc's */
	const struct iter_vmas *vmas;  /* every process' mappings, or NULL: /proc's */
	struct lsof_sizes *sizes;      /* the mapped files' stat(); NULL under a fixture root */
};

static const struct cli_opt lsof_opts[] = {
	CLI_OPT_FORMAT,
	CLI_OPT_OUTPUT,
	{ "pid", 'p', "PID[,PID]", OPT_PID, "process ids separated by commas",
	  "only these processes" },
	{ "user", 'u', "USER[,USER]", OPT_USER, "user names or uids separated by commas",
	  "only processes of these users" },
	{ "inet", 'i', "ADDR", OPT_INET, "[46][TCP|UDP][@HOST][:PORT], e.g. :8080, TCP, @127.0.0.1",
	  "only internet sockets, optionally of that address (-i alone: all)" },
	{ "comm", 'c', "COMM", OPT_COMM, "the beginning of a command name",
	  "only processes whose command begins with COMM" },
	{ "terse", 't', NULL, OPT_TERSE, NULL, "print only the pids (lsof -t)" },
	{ "and", 'a', NULL, OPT_AND, NULL,
	  "AND the selections (default: a file matching any of them is listed)" },
	{ "tasks", 'K', NULL, OPT_TASKS, NULL,
	  "list each thread (task) too, with TID and TASKCMD, as lsof -K (-Ki: not)" },
	{ "backend", 0, "MODE", OPT_BACKEND, "auto, bpf or fallback",
	  "where processes, fds and sockets come from: the BPF walks where they load (auto), "
	  "only them (bpf), or /proc and sock_diag (fallback)" },
	{ "numeric", 'n', NULL, OPT_NOOP, NULL, "accepted: addresses are always numeric" },
	{ "numeric-ports", 'P', NULL, OPT_NOOP, NULL, "accepted: ports are always numeric" },
	TRACE_OPTS_ADDRS("only internet sockets"),
	ADDR_OPTS_RESOLVE,
	CLI_OPT_END,
};

static int parse_inet(const char *s, struct inet_sel *in)
{
	uint64_t port;
	const char *colon;

	memset(in, 0, sizeof(*in));
	in->on = true;
	in->port = -1;
	if (!strcmp(s, "any"))
		return 0;
	if (*s == '4' || *s == '6')
		in->family = *s++ == '4' ? AF_INET : AF_INET6;
	if (!strncasecmp(s, "tcp", 3)) {
		in->type = SOCK_STREAM;
		s += 3;
	} else if (!strncasecmp(s, "udp", 3)) {
		in->type = SOCK_DGRAM;
		s += 3;
	}
	if (*s == '@') {
		const char *end;
		size_t n;

		s++;
		if (*s == '[') {
			end = strchr(++s, ']');
			if (!end)
				return -EINVAL;
			colon = end + 1;
		} else {
			end = strchr(s, ':');
			if (!end)
				end = s + strlen(s);
			colon = end;
		}
		n = (size_t)(end - s);
		if (!n || n >= sizeof(in->addr))
			return -EINVAL;
		memcpy(in->addr, s, n);
		in->addr[n] = '\0';
		s = colon;
	}
	if (*s == ':') {
		if (parse_u64(s + 1, 0, 65535, &port))
			return -EINVAL;
		in->port = (int)port;
		s += strlen(s);
	}
	return *s ? -EINVAL : 0;
}

static int parse_list(const char *arg, int *n, int (*one)(void *, const char *), void *ctx)
{
	char buf[1024], *tok, *save = NULL;

	if (strlen(arg) >= sizeof(buf) || !*arg)
		return -EINVAL;
	strcpy(buf, arg);
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		int err;

		if (*n == LSOF_MAX_SEL)
			return -E2BIG;
		err = one(ctx, tok);
		if (err)
			return err;
	}
	return 0;
}

static int add_pid(void *ctx, const char *s)
{
	struct lsof_args *a = ctx;
	uint64_t v;

	if (parse_u64(s, 1, INT32_MAX, &v))
		return -EINVAL;
	a->pids[a->npids++] = (pid_t)v;
	return 0;
}

static int add_user(void *ctx, const char *s)
{
	struct lsof_args *a = ctx;
	struct passwd *pw = getpwnam(s);
	uint64_t v;

	if (pw) {
		a->uids[a->nuids++] = pw->pw_uid;
		return 0;
	}
	if (parse_u64(s, 0, UINT32_MAX - 1, &v))
		return -EINVAL;
	a->uids[a->nuids++] = (uid_t)v;
	return 0;
}

static int lsof_set(void *ctx, int id, const char *arg)
{
	struct lsof_args *a = ctx;

	switch (id) {
	case OPT_PID:
		return parse_list(arg, &a->npids, add_pid, a);
	case OPT_USER:
		return parse_list(arg, &a->nuids, add_user, a);
	case OPT_INET:
		return parse_inet(arg, &a->inet);
	case OPT_COMM:
		if (!*arg || a->ncomms == LSOF_MAX_SEL)
			return -EINVAL;
		a->comms[a->ncomms++] = arg;
		return 0;
	case OPT_TERSE:
		a->terse = true;
		return 0;
	case OPT_AND:
		a->and_sel = true;
		return 0;
	case OPT_NOOP:
		return 0;
	case OPT_TASKS:
		a->tasks = true;
		return 0;
	case OPT_BACKEND: {
		int mode = parse_choice(arg, backend_names);

		if (mode < 0)
			return mode;
		a->backend = (enum backend_mode)mode;
		return 0;
	}
	case TO_LADDR:
	case TO_RADDR:
	case TO_LOOSE:
	case TO_RESOLVE:
	case TO_RESOLVE_TIMEOUT:
		return addr_sel__set(&a->addrs, id, arg);
	default:
		return -EINVAL;
	}
}

static const struct cli_cmd lsof_cmd = {
	.name = "lsof",
	.usage = "vigil lsof [-p PID[,PID]] [-u USER] [-i [ADDR]] [-c COMM] [-t] [-K] [PATH...]",
	.summary =
		"List open files and sockets per process, with lsof's columns: COMMAND PID USER\n"
		"FD TYPE DEVICE SIZE/OFF NODE NAME. Selections are ANDed (as lsof -a).",
	.details =
		"Examples: vigil lsof -p 1234\n"
		"          vigil lsof -i :8080          (who has port 8080, as lsof -nP -i :8080)\n"
		"          vigil lsof -i TCP@127.0.0.1\n"
		"          vigil lsof --raddr 10.0.0.0/8,!10.1.0.0/16   (sockets to those peers)\n"
		"          vigil lsof /var/log/syslog   (who has this file open)",
	.examples = "vigil lsof -p 1234\n"
		    "vigil lsof -i :22\n"
		    "vigil lsof /var/log/syslog",
	.opts = lsof_opts,
	.set = lsof_set,
};

/* lsof's -i takes an optional value in the next word: "-i :80", "-i TCP"; make it "--inet X". */
static bool is_inet_spec(const char *s)
{
	return *s == ':' || *s == '@' || ((*s == '4' || *s == '6') && !s[1]) ||
	       !strncasecmp(s, "tcp", 3) || !strncasecmp(s, "udp", 3) ||
	       ((*s == '4' || *s == '6') &&
		(s[1] == ':' || s[1] == '@' || !strncasecmp(s + 1, "tcp", 3) ||
		 !strncasecmp(s + 1, "udp", 3)));
}

static char **lsof_argv(int argc, char **argv, int *nargc)
{
	char **v = calloc((size_t)argc * 2 + 1, sizeof(*v));
	int k = 0;

	if (!v)
		return NULL;
	for (int i = 0; i < argc; i++) {
		if (i && (!strcmp(argv[i], "-i") || !strcmp(argv[i], "--inet"))) {
			v[k++] = "--inet";
			if (i + 1 < argc && is_inet_spec(argv[i + 1]))
				v[k++] = argv[++i];
			else
				v[k++] = "any";
			continue;
		}
		if (i && !strcmp(argv[i], "-Ki"))
			continue; /* lsof's "ignore tasks": the default, not -K -i */
		if (!strcmp(argv[i], "--")) {
			while (i < argc)
				v[k++] = argv[i++];
			break;
		}
		v[k++] = argv[i];
	}
	*nargc = k;
	return v;
}

/* ------------------------------------------------------------------- sockets */

static int conn_inode_cmp(const void *a, const void *b)
{
	const struct fb_conn *x = a, *y = b;

	return (x->inode > y->inode) - (x->inode < y->inode);
}

static const struct fb_conn *sock_find(struct sock_index *si, uint64_t inode)
{
	struct fb_conn key = { .inode = inode };

	if (!si->loaded) {
		si->loaded = true;
		if (fb_net_sockets(FB_KIND_ALL, &si->v, &si->n))
			pr_warn("lsof: cannot read the socket tables: sockets are shown unnamed");
		else
			qsort(si->v, si->n, sizeof(*si->v), conn_inode_cmp);
	}
	return si->n ? bsearch(&key, si->v, si->n, sizeof(*si->v), conn_inode_cmp) : NULL;
}

static const struct lsof_netlink_sock *netlink_find(struct sock_index *si, uint64_t inode)
{
	if (!si->nl_loaded) {
		si->nl_loaded = true;
		if (lsof_netlink__load(&si->nl))
			pr_warn("lsof: cannot read the netlink socket table: netlink sockets are "
				"shown unnamed");
	}
	return lsof_netlink__find(&si->nl, inode);
}

static bool sock_inode_of(const char *path, uint64_t *inode)
{
	const char *p;

	if (!path || strncmp(path, "socket:[", 8))
		return false;
	p = path + 8;
	*inode = strtoull(p, NULL, 10);
	return true;
}

/* "127.0.0.1:80", "[::1]:80", "*:22" */
static int put_endpoint(char *buf, size_t len, const struct fb_conn *c, const struct fb_sockaddr *a)
{
	bool any = !strcmp(a->addr, "0.0.0.0") || !strcmp(a->addr, "::") || !a->addr[0];

	if (any)
		return snprintf(buf, len, "*:%u", a->port);
	if (c->family == AF_INET6)
		return snprintf(buf, len, "[%s]:%u", a->addr, a->port);
	return snprintf(buf, len, "%s:%u", a->addr, a->port);
}

static const char *sock_type_name(int type)
{
	switch (type) {
	case SOCK_STREAM:
		return "STREAM";
	case SOCK_DGRAM:
		return "DGRAM";
	case SOCK_SEQPACKET:
		return "SEQPACKET";
	default:
		return "UNKNOWN";
	}
}

static const char *unix_state_name(enum fb_conn_status st)
{
	switch (st) {
	case FB_CONN_LISTEN:
		return " (LISTEN)";
	case FB_CONN_ESTABLISHED:
		return " (CONNECTED)";
	case FB_CONN_CLOSE:
		return " (UNCONNECTED)";
	default:
		return ""; /* the /proc/net/unix fallback has no state */
	}
}

/* TYPE, NODE and NAME of a socket, as lsof -nP writes them. */
static int sock_describe(const struct fb_conn *c, struct lsof_row *r)
{
	char name[512];
	int n;

	if (c->family == AF_UNIX) {
		snprintf(r->type, sizeof(r->type), "unix");
		snprintf(name, sizeof(name), "%s%stype=%s%s", c->laddr.addr,
			 c->laddr.addr[0] ? " " : "", sock_type_name(c->type),
			 unix_state_name(c->status));
	} else {
		snprintf(r->type, sizeof(r->type), c->family == AF_INET6 ? "IPv6" : "IPv4");
		snprintf(r->device, sizeof(r->device), "%llu", (unsigned long long)c->inode);
		snprintf(r->node, sizeof(r->node), c->type == SOCK_DGRAM ? "UDP" : "TCP");
		n = put_endpoint(name, sizeof(name), c, &c->laddr);
		if (c->raddr.valid && c->raddr.port && n > 0 && (size_t)n < sizeof(name) - 2) {
			bool v4;
			int m;

			strcpy(name + n, "->");
			n += 2;
			m = put_endpoint(name + n, sizeof(name) - (size_t)n, c, &c->raddr);
			r->has_raddr = m > 0 && !addr_parse(c->raddr.addr, r->raddr, &v4);
			r->roff = (uint16_t)n;
			r->rlen =
				(uint16_t)(r->has_raddr ? strrchr(name + n, ':') - (name + n) : 0);
			n += m;
		}
		if (c->type == SOCK_STREAM && n > 0 && (size_t)n < sizeof(name))
			snprintf(name + n, sizeof(name) - (size_t)n, " (%s)",
				 fb_conn_status_name(c->status));
	}
	r->name = strdup(name);
	return r->name ? 0 : -ENOMEM;
}

static bool has_proc_sel(const struct lsof_args *a)
{
	return a->npids || a->nuids || a->ncomms;
}

static bool has_file_sel(const struct lsof_args *a)
{
	return a->inet.on || a->nfiles;
}

static bool inet_matches(const struct inet_sel *in, const struct fb_conn *c)
{
	if (!c || c->family == AF_UNIX)
		return false;
	if (in->family && c->family != in->family)
		return false;
	if (in->type && c->type != in->type)
		return false;
	if (in->port >= 0 && c->laddr.port != in->port &&
	    !(c->raddr.valid && c->raddr.port == in->port))
		return false;
	if (in->addr[0] && strcmp(c->laddr.addr, in->addr) &&
	    !(c->raddr.valid && !strcmp(c->raddr.addr, in->addr)))
		return false;
	return true;
}

static bool lsof_has_addrs(const struct lsof_args *a)
{
	return addr_sel__active(&a->addrs);
}

/* --laddr/--raddr: an internet socket whose ends are in the sets (no remote end: none). */
static bool addrs_match(const struct lsof_args *a, const struct fb_conn *c)
{
	if (!c || c->family == AF_UNIX)
		return false;
	return addr_sel__match_text(&a->addrs, c->laddr.valid ? c->laddr.addr : NULL,
				    c->raddr.valid ? c->raddr.addr : NULL);
}

/* ------------------------------------------------------------------- rows */

static const char *const kind_fd[] = {
	[FB_FD_CWD] = "cwd", [FB_FD_RTD] = "rtd", [FB_FD_TXT] = "txt",
	[FB_FD_MEM] = "mem", [FB_FD_DEL] = "DEL",
};

static const char *mode_type(uint32_t mode)
{
	switch (mode & S_IFMT) {
	case S_IFREG:
		return "REG";
	case S_IFDIR:
		return "DIR";
	case S_IFCHR:
		return "CHR";
	case S_IFBLK:
		return "BLK";
	case S_IFIFO:
		return "FIFO";
	case S_IFSOCK:
		return "sock";
	case S_IFLNK:
		return "LINK";
	default:
		return "unknown";
	}
}

static void fd_column(const struct fb_fd *f, char *buf, size_t len)
{
	char mode = ' ';

	if (f->kind != FB_FD_NUM) {
		snprintf(buf, len, "%s", kind_fd[f->kind]);
		return;
	}
	if (f->fd < 0) {
		snprintf(buf, len, "NOFD");
		return;
	}
	if (f->valid & FB_FDI_FLAGS) {
		switch (f->flags & O_ACCMODE) {
		case O_RDONLY:
			mode = 'r';
			break;
		case O_WRONLY:
			mode = 'w';
			break;
		default:
			mode = 'u';
		}
	}
	snprintf(buf, len, "%d%c", f->fd, mode);
	if (mode == ' ')
		buf[strlen(buf) - 1] = '\0';
}

/* Fill r's file columns from f; returns 1 when the row is kept, 0 when filtered out. */
static int describe(const struct lsof_args *a, struct sock_index *si, const struct fb_fd *f,
		    bool proc_hit, struct lsof_row *r)
{
	const struct fb_conn *c = NULL;
	bool is_sock, dev_is_rdev;
	uint64_t inode = 0, dev;
	char name[4200];

	fd_column(f, r->fd, sizeof(r->fd));
	r->device[0] = r->sizeoff[0] = r->node[0] = '\0';
	r->name = NULL;
	is_sock = sock_inode_of(f->path, &inode);
	if (is_sock)
		c = sock_find(si, inode);
	/* --laddr/--raddr narrow whatever lsof's own selections chose */
	if (lsof_has_addrs(a) && !addrs_match(a, c))
		return 0;
	if (has_file_sel(a) && !(proc_hit && !a->and_sel)) {
		bool inet = a->inet.on && inet_matches(&a->inet, c), file = false;

		for (int i = 0; i < a->nfiles && !file; i++)
			file = (f->valid & FB_FDI_STAT) && f->ino == a->files[i].st_ino &&
			       f->dev == a->files[i].st_dev;
		if (a->and_sel ? (a->inet.on && !inet) || (a->nfiles && !file) : !inet && !file)
			return 0;
	}
	if (!f->path) {
		const char *link = f->link ? f->link : "?";

		snprintf(r->type, sizeof(r->type), "unknown");
		if (f->err == ENOENT) /* a kernel thread's exe: lsof names only the link */
			snprintf(name, sizeof(name), "%s", link);
		else
			snprintf(name, sizeof(name), "%s (%s: %s)", link,
				 f->kind == FB_FD_NUM && f->fd < 0 ? "opendir" : "readlink",
				 strerror(f->err));
		r->name = strdup(name);
		return r->name ? 1 : -ENOMEM;
	}
	if (is_sock && !c) {
		const struct lsof_netlink_sock *nl = netlink_find(si, inode);
		const char *proto = nl ? lsof_netlink__proto_name(nl->protocol) : NULL;

		if (nl) {
			snprintf(r->type, sizeof(r->type), "netlink");
			snprintf(r->sizeoff, sizeof(r->sizeoff), "0t%llu",
				 (unsigned long long)f->pos);
			snprintf(r->node, sizeof(r->node), "%llu", (unsigned long long)inode);
			if (proto)
				r->name = strdup(proto);
			else if (asprintf(&r->name, "%d", nl->protocol) < 0)
				r->name = NULL;
			return r->name ? 1 : -ENOMEM;
		}
	}
	if (is_sock && c) {
		if (sock_describe(c, r))
			return -ENOMEM;
		snprintf(r->sizeoff, sizeof(r->sizeoff), "0t%llu", (unsigned long long)f->pos);
		if (!r->node[0])
			snprintf(r->node, sizeof(r->node), "%llu", (unsigned long long)inode);
		return 1;
	}
	if (f->kind == FB_FD_MEM || f->kind == FB_FD_DEL) {
		snprintf(r->type, sizeof(r->type), "%s",
			 (f->valid & FB_FDI_STAT) ? mode_type(f->mode) : "REG");
	} else if (f->valid & FB_FDI_STAT) {
		snprintf(r->type, sizeof(r->type), "%s", mode_type(f->mode));
	} else {
		snprintf(r->type, sizeof(r->type), "unknown");
	}
	if (!strncmp(f->path, "anon_inode:", 11))
		snprintf(r->type, sizeof(r->type), "a_inode");
	dev_is_rdev = (f->mode & S_IFMT) == S_IFCHR || (f->mode & S_IFMT) == S_IFBLK;
	dev = dev_is_rdev ? f->rdev : f->dev;
	if ((f->valid & FB_FDI_STAT) || f->kind == FB_FD_MEM || f->kind == FB_FD_DEL)
		snprintf(r->device, sizeof(r->device), "%u,%u", major(dev), minor(dev));
	if (f->valid & FB_FDI_STAT) {
		uint32_t t = f->mode & S_IFMT;

		if (!strcmp(r->type, "a_inode"))
			snprintf(r->sizeoff, sizeof(r->sizeoff), "0");
		else if (t == S_IFREG || t == S_IFDIR)
			snprintf(r->sizeoff, sizeof(r->sizeoff), "%llu",
				 (unsigned long long)f->size);
		else
			snprintf(r->sizeoff, sizeof(r->sizeoff), "0t%llu",
				 (unsigned long long)f->pos);
	}
	if ((f->valid & FB_FDI_STAT) || f->ino)
		snprintf(r->node, sizeof(r->node), "%llu", (unsigned long long)f->ino);
	if (!strncmp(f->path, "pipe:", 5))
		snprintf(name, sizeof(name), "pipe");
	else if (!strncmp(f->path, "anon_inode:", 11))
		snprintf(name, sizeof(name), "%s", f->path + 11);
	else if (is_sock)
		snprintf(name, sizeof(name), "can't identify protocol");
	else
		snprintf(name, sizeof(name), "%s", f->path);
	r->name = strdup(name);
	return r->name ? 1 : -ENOMEM;
}

static int rows_push(struct row_list *l, struct lsof_row **out)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 256;
		struct lsof_row *v = realloc(l->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		l->v = v;
		l->cap = cap;
	}
	*out = &l->v[l->n];
	memset(*out, 0, sizeof(**out));
	return 0;
}

static void rows_free(struct row_list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->v[i].name);
		free(l->v[i].rname);
	}
	free(l->v);
}

/* Does the process match the process selections: all given ones (-a), or any? */
static bool proc_is_selected(const struct lsof_args *a, const struct fb_proc_info *pi)
{
	bool pid = false, uid = false, comm = false;

	for (int i = 0; i < a->npids && !pid; i++)
		pid = pi->pid == a->pids[i];
	for (int i = 0; i < a->nuids && !uid; i++)
		uid = (pi->valid & FB_PI_UIDS) && pi->uids.real == a->uids[i];
	for (int i = 0; i < a->ncomms && !comm; i++)
		comm = !strncmp(pi->name, a->comms[i], strlen(a->comms[i]));
	if (a->and_sel)
		return (!a->npids || pid) && (!a->nuids || uid) && (!a->ncomms || comm);
	return pid || uid || comm;
}

/* A thread's name (its comm), or "" when it cannot be read. */
static void task_name(pid_t tid, char *buf, size_t len)
{
	struct fb_proc *t = fb_proc__new(tid);

	buf[0] = '\0';
	if (t && fb_proc__name(t, buf, len))
		buf[0] = '\0';
	fb_proc__free(t);
}

/*
 * -K: the process' rows v[first..n) again for each of its other threads, with TID and
 * TASKCMD, as lsof -K lists them (a thread shares its process' file table, CLONE_FILES, so
 * lsof's per-task reads give the same files). 0 or -ENOMEM; a process gone meanwhile: 0.
 */
static int lsof_tasks(struct fb_proc *p, struct row_list *rows, size_t first)
{
	size_t end = rows->n, n = 0;
	struct fb_thread *th = NULL;
	int err = 0;

	if (fb_proc__threads(p, &th, &n))
		return 0;
	for (size_t t = 0; t < n && !err; t++) {
		char comm[16];

		if (th[t].id == rows->v[first].pid)
			continue;
		task_name(th[t].id, comm, sizeof(comm));
		for (size_t i = first; i < end && !err; i++) {
			struct lsof_row *r;

			err = rows_push(rows, &r);
			if (err)
				break;
			*r = rows->v[i];
			r->tid = th[t].id;
			snprintf(r->taskcmd, sizeof(r->taskcmd), "%s", comm);
			r->name = strdup(rows->v[i].name);
			r->rname = rows->v[i].rname ? strdup(rows->v[i].rname) : NULL;
			if (!r->name)
				err = -ENOMEM;
			else
				rows->n++;
		}
	}
	free(th);
	return err;
}

/* Whether out holds a mem row for the file dev:ino, from row first on. */
static bool mem_listed(const struct fb_fds *out, size_t first, uint64_t dev, uint64_t ino)
{
	for (size_t i = first; i < out->n; i++) {
		if (out->v[i].ino == ino && out->v[i].dev == dev)
			return true;
	}
	return false;
}

/*
 * The mem and DEL rows of n mappings from the walk, as /proc/PID/maps gives them: each file
 * once, in address order, not the exe (txt). Their sizes come from lsof_sizes, as /proc's
 * do: the file's at that path, when it is the mapped one.
 */
static int mem_rows(struct fb_fds *out, const struct iter_vmas *w, size_t first, size_t n)
{
	uint64_t txt_dev = 0, txt_ino = 0;
	size_t base = out->n;
	struct fb_fd *v;

	for (size_t i = 0; i < out->n; i++) {
		if (out->v[i].kind == FB_FD_TXT && (out->v[i].valid & FB_FDI_STAT)) {
			txt_dev = out->v[i].dev;
			txt_ino = out->v[i].ino;
		}
	}
	v = realloc(out->v, (out->n + n) * sizeof(*v));
	if (!v)
		return -ENOMEM;
	out->v = v;
	for (size_t i = first; i < first + n; i++) {
		const struct iter_vma *m = &w->v[i];
		const char *path = iter_vma__path(w, m);
		struct fb_fd *f = &out->v[out->n];

		if (!m->ino || path[0] != '/' || (m->ino == txt_ino && m->dev == txt_dev) ||
		    mem_listed(out, base, m->dev, m->ino))
			continue;
		memset(f, 0, sizeof(*f));
		f->kind = m->deleted ? FB_FD_DEL : FB_FD_MEM;
		f->fd = -1;
		f->path = strndup(path, strlen(path) - (m->deleted ? strlen(" (deleted)") : 0));
		if (!f->path)
			return -ENOMEM;
		f->dev = m->dev;
		f->ino = m->ino;
		out->n++;
	}
	return 0;
}

/*
 * p's files as fb_proc__fds() lists them: with the walks, only cwd, rtd and txt from /proc,
 * the maps from the mapping walk and the fds from the fd walk; a process the fd walk did not
 * see (no fd open then, or started since) is read from /proc whole, and one the mapping walk
 * did not name has its maps from /proc.
 */
static int lsof_fds(struct fb_proc *p, const struct lsof_listing *ls, struct fb_fds *out)
{
	pid_t pid = fb_proc__pid(p);
	size_t first, n = ls->walk ? iter_files__of(ls->walk, pid, &first) : 0;
	size_t vfirst, nv = ls->vmas ? iter_vmas__of(ls->vmas, pid, &vfirst) : 0;
	struct fb_fd *v;
	int err;

	/* the mapped files' sizes come from the listing's lsof_sizes */
	if (!n)
		return fb_proc__fds_ex(p, FB_FDS_ALL & ~FB_FDS_MAP_SIZES, out);
	err = fb_proc__fds_ex(p, FB_FDS_LINKS | (nv ? 0 : FB_FDS_MAPS), out);
	if (!err && nv)
		err = mem_rows(out, ls->vmas, vfirst, nv);
	if (err)
		return err;
	v = realloc(out->v, (out->n + n) * sizeof(*v));
	if (!v)
		return -ENOMEM;
	out->v = v;
	for (size_t i = 0; i < n; i++) {
		struct fb_fd *f = &out->v[out->n];

		*f = ls->walk->v[first + i].fd;
		f->path = strdup(f->path);
		if (!f->path)
			return -ENOMEM;
		out->n++;
	}
	return 0;
}

/*
 * One process' rows. -ESRCH when it is gone (skipped by a listing); *denied is set when
 * something was refused (lsof's "Permission denied" rows).
 */
static int lsof_proc(const struct lsof_args *a, struct lsof_listing *ls,
		     const struct fb_proc_info *pi, bool proc_hit, struct row_list *rows,
		     bool *denied)
{
	struct fb_proc *p = fb_proc__new(pi->pid);
	struct fb_fds fds = { 0 };
	size_t first;
	int err;

	if (!p)
		return -ESRCH;
	err = lsof_fds(p, ls, &fds);
	if (err)
		goto free_proc;
	first = rows->n;
	for (size_t i = 0; i < fds.n; i++) {
		struct lsof_row *r;
		int kept;

		if (fds.v[i].kind == FB_FD_MEM && ls->sizes) {
			err = lsof_sizes__fill(ls->sizes, &fds.v[i]);
			if (err)
				goto free_fds;
		}
		err = rows_push(rows, &r);
		if (err)
			goto free_fds;
		if (!fds.v[i].path && (fds.v[i].err == EACCES || fds.v[i].err == EPERM))
			*denied = true;
		kept = describe(a, &ls->si, &fds.v[i], proc_hit, r);
		if (kept < 0) {
			err = kept;
			goto free_fds;
		}
		if (!kept)
			continue;
		snprintf(r->cmd, sizeof(r->cmd), "%s", pi->name);
		snprintf(r->user, sizeof(r->user), "%s", pi->username);
		r->pid = pi->pid;
		rows->n++;
	}
	if (a->tasks && rows->n > first)
		err = lsof_tasks(p, rows, first);
free_fds:
	fb_fds_free(&fds);
free_proc:
	fb_proc__free(p);
	return err;
}

/* ------------------------------------------------------------------- output */

static void pad(struct sink *s, size_t have, size_t want)
{
	for (; have < want; have++)
		sink__putc(s, ' ');
}

/* Escaped length of a cell, as the table prints it. */
static size_t cell_len(const char *str)
{
	char buf[ESC_MAX_PER_BYTE * 64 + 1];

	if (strlen(str) < 64)
		return esc_str(buf, sizeof(buf), str, SIZE_MAX);
	return strlen(str); /* only NAME is long, and it is the last column: not padded */
}

/* -K's two columns after PID: TID (right) and TASKCMD (left), blank on process rows. */
static void task_cells(struct sink *s, const struct lsof_row *r, size_t wtid, size_t wcmd)
{
	char tid[16] = "";

	if (r->tid)
		snprintf(tid, sizeof(tid), "%d", (int)r->tid);
	sink__printf(s, "%*s ", (int)wtid, tid);
	pad(s, esc_write(s, r->tid ? r->taskcmd : "", SIZE_MAX), wcmd);
	sink__putc(s, ' ');
}

static void print_table(struct sink *s, const struct row_list *rows, bool tasks)
{
	size_t wtid = strlen("TID"), wcmd = strlen("TASKCMD");
	static const char *const head[] = { "COMMAND", "PID",	   "USER", "FD",  "TYPE",
					    "DEVICE",  "SIZE/OFF", "NODE", "NAME" };
	size_t w[9];

	for (int i = 0; i < 9; i++)
		w[i] = strlen(head[i]);
	for (size_t i = 0; i < rows->n; i++) {
		const struct lsof_row *r = &rows->v[i];
		const char *cells[] = { r->cmd,	   r->user,    r->fd,  r->type,
					r->device, r->sizeoff, r->node };
		const int col[] = { 0, 2, 3, 4, 5, 6, 7 };
		char pid[16];

		for (int k = 0; k < 7; k++) {
			size_t n = cell_len(cells[k]);

			if (n > w[col[k]])
				w[col[k]] = n;
		}
		snprintf(pid, sizeof(pid), "%d", (int)r->pid);
		if (strlen(pid) > w[1])
			w[1] = strlen(pid);
		snprintf(pid, sizeof(pid), "%d", (int)r->tid);
		if (tasks && r->tid && strlen(pid) > wtid)
			wtid = strlen(pid);
		if (tasks && r->tid && cell_len(r->taskcmd) > wcmd)
			wcmd = cell_len(r->taskcmd);
	}
	/* COMMAND, USER left; PID, DEVICE, SIZE/OFF, NODE right; FD right; TYPE right */
	sink__printf(s, "%-*s %*s ", (int)w[0], head[0], (int)w[1], head[1]);
	if (tasks)
		sink__printf(s, "%*s %-*s ", (int)wtid, "TID", (int)wcmd, "TASKCMD");
	sink__printf(s, "%-*s %*s %*s %*s %*s %*s %s\n", (int)w[2], head[2], (int)w[3], head[3],
		     (int)w[4], head[4], (int)w[5], head[5], (int)w[6], head[6], (int)w[7], head[7],
		     head[8]);
	for (size_t i = 0; i < rows->n; i++) {
		const struct lsof_row *r = &rows->v[i];
		const char *right[] = { r->fd, r->type, r->device, r->sizeoff, r->node };

		pad(s, 0, 0);
		pad(s, esc_write(s, r->cmd, SIZE_MAX), w[0]);
		sink__printf(s, " %*d ", (int)w[1], (int)r->pid);
		if (tasks)
			task_cells(s, r, wtid, wcmd);
		pad(s, esc_write(s, r->user, SIZE_MAX), w[2]);
		for (int k = 0; k < 5; k++) {
			sink__putc(s, ' ');
			pad(s, cell_len(right[k]), w[3 + k]);
			esc_write(s, right[k], SIZE_MAX);
		}
		sink__putc(s, ' ');
		esc_write(s, r->name, SIZE_MAX);
		sink__putc(s, '\n');
	}
}

/*
 * --resolve: look up every remote end, wait for the answers up to the timeout, then write
 * each known name into NAME in place of the address (as lsof without -n) and into rname.
 */
static void lsof_resolve(const struct lsof_args *a, struct row_list *rows)
{
	uint64_t timeout =
		a->addrs.resolve_timeout_ns ? a->addrs.resolve_timeout_ns : RESOLVE_TIMEOUT_DEFAULT;
	struct resolver *res = resolver__new(timeout, 0);
	char name[RESOLVE_NAME_MAX];

	if (!res) {
		pr_warn("lsof: --resolve: %s: names are left out", strerror(errno));
		return;
	}
	for (size_t i = 0; i < rows->n; i++) {
		if (rows->v[i].has_raddr)
			resolver__name(res, rows->v[i].raddr, name, sizeof(name));
	}
	resolver__settle(res, mono_now_ns() + timeout);
	for (size_t i = 0; i < rows->n; i++) {
		struct lsof_row *r = &rows->v[i];
		size_t len;
		char *n;

		if (!r->has_raddr || resolver__name(res, r->raddr, name, sizeof(name)) != 1)
			continue;
		len = strlen(r->name) - r->rlen + strlen(name) + 1;
		n = malloc(len);
		r->rname = strdup(name);
		if (!n || !r->rname) {
			free(n);
			continue;
		}
		snprintf(n, len, "%.*s%s%s", (int)r->roff, r->name, name,
			 r->name + r->roff + r->rlen);
		free(r->name);
		r->name = n;
	}
	resolver__free(res);
}

static void print_csv(struct sink *s, const struct row_list *rows, bool resolve, bool tasks)
{
	sink__printf(s, "command,pid,%suser,fd,type,device,size_off,node,name%s\r\n",
		     tasks ? "tid,taskcmd," : "", resolve ? ",rname" : "");
	for (size_t i = 0; i < rows->n; i++) {
		const struct lsof_row *r = &rows->v[i];
		const char *cells[] = { r->fd, r->type, r->device, r->sizeoff, r->node, r->name };

		csv_write_string(s, r->cmd, SIZE_MAX);
		sink__printf(s, ",%d,", (int)r->pid);
		if (tasks && r->tid) {
			sink__printf(s, "%d,", (int)r->tid);
			csv_write_string(s, r->taskcmd, SIZE_MAX);
			sink__putc(s, ',');
		} else if (tasks) {
			sink__puts(s, ",,");
		}
		csv_write_string(s, r->user, SIZE_MAX);
		for (int k = 0; k < 6; k++) {
			sink__putc(s, ',');
			csv_write_string(s, cells[k], SIZE_MAX);
		}
		if (resolve) {
			sink__putc(s, ',');
			if (r->rname)
				csv_write_string(s, r->rname, SIZE_MAX);
		}
		sink__puts(s, "\r\n");
	}
}

static void print_json(struct sink *s, const struct row_list *rows, bool nd, bool resolve,
		       bool tasks)
{
	struct jw w;

	jw__init(&w, s, false);
	if (!nd)
		jw__arr_begin(&w, NULL);
	for (size_t i = 0; i < rows->n; i++) {
		const struct lsof_row *r = &rows->v[i];

		if (nd)
			jw__init(&w, s, false);
		jw__obj_begin(&w, NULL);
		jw__str(&w, "command", r->cmd);
		jw__s64(&w, "pid", r->pid);
		if (tasks && r->tid) {
			jw__s64(&w, "tid", r->tid);
			jw__str(&w, "taskcmd", r->taskcmd);
		} else if (tasks) {
			jw__null(&w, "tid");
			jw__null(&w, "taskcmd");
		}
		jw__str(&w, "user", r->user);
		jw__str(&w, "fd", r->fd);
		jw__str(&w, "type", r->type);
		jw__str(&w, "device", r->device);
		jw__str(&w, "size_off", r->sizeoff);
		jw__str(&w, "node", r->node);
		jw__str(&w, "name", r->name);
		if (resolve && r->rname)
			jw__str(&w, "rname", r->rname);
		else if (resolve)
			jw__null(&w, "rname");
		jw__obj_end(&w);
		if (nd)
			sink__putc(s, '\n');
	}
	if (!nd) {
		jw__arr_end(&w);
		sink__putc(s, '\n');
	}
}

static void print_terse(struct sink *s, const struct row_list *rows)
{
	for (size_t i = 0; i < rows->n; i++) {
		if (!i || rows->v[i].pid != rows->v[i - 1].pid)
			sink__printf(s, "%d\n", (int)rows->v[i].pid);
	}
}

/* ------------------------------------------------------------------- command */

/* What -p asked for and could not have: said on stderr after the output is closed. */
struct lsof_misses {
	pid_t gone[LSOF_MAX_SEL], denied[LSOF_MAX_SEL];
	int ngone, ndenied;
};

static struct fb_proc_iter *lsof_procs(enum backend_mode backend)
{
	bool bpf = backend != BACKEND_FALLBACK;
	struct fb_proc_iter *it;

	/*
	 * the owners from the BPF task iterator where it loads (iter_task.h), else /proc; the
	 * socket tables (-i, socket names) from the BPF socket iterators, else sock_diag
	 */
	fb_proc_iter__set_feed(bpf ? iter_task__feed() : NULL);
	fb_net_set_table_feed(bpf ? iter_sock__table_feed() : NULL);
	it = fb_proc_iter__new(FB_PI_NAME | FB_PI_UIDS | FB_PI_USERNAME);
	if (it && backend == BACKEND_BPF && strcmp(fb_proc_iter__source(it), "bpf_iter")) {
		pr_err("lsof: --backend bpf: %s", iter_task__why());
		fb_proc_iter__free(it);
		errno = ENOTSUP;
		return NULL;
	}
	return it;
}

/*
 * The fd and mapping walks, when lsof reads more than a few processes (not for -p alone) or
 * bpf was asked for: 0 with ls->walk and ls->vmas set or not, -ENOTSUP when bpf was asked for
 * and a walk failed.
 */
static int lsof_walk(const struct lsof_args *a, struct iter_files *files, struct iter_vmas *vmas,
		     struct lsof_listing *ls)
{
	bool few = a->npids && !a->nuids && !a->ncomms && (!has_file_sel(a) || a->and_sel);
	const char *why = NULL;

	if (a->backend == BACKEND_FALLBACK || (a->backend == BACKEND_AUTO && few))
		return 0;
	if (iter_files__walk(files))
		why = iter_files__why();
	else
		ls->walk = files;
	if (!why && iter_vmas__walk(vmas, 0))
		why = iter_vmas__why();
	if (why && a->backend == BACKEND_BPF) {
		pr_err("lsof: --backend bpf: %s", why);
		return -ENOTSUP;
	}
	if (why) {
		pr_info("lsof: %s from /proc (%s)", ls->walk ? "maps" : "fds and maps", why);
		return 0;
	}
	ls->vmas = vmas;
	if (vmas->nunsure)
		pr_info("lsof: maps of %zu processes from /proc (named as the walk cannot)",
			vmas->nunsure);
	return 0;
}

static int lsof_collect(const struct lsof_args *a, struct row_list *rows, struct lsof_misses *miss)
{
	struct fb_proc_iter *it = lsof_procs(a->backend);
	struct iter_files files = { 0 };
	struct lsof_listing ls = { 0 };
	const struct fb_proc_info *pi;
	struct iter_vmas vmas = { 0 };
	bool seen[LSOF_MAX_SEL] = { false };
	int err = 0;

	if (!it)
		return -errno;
	/* a fixture root's maps name files that are not on this machine: no sizes then */
	if (!strcmp(fb_root_get(), "/")) {
		ls.sizes = lsof_sizes__new();
		if (!ls.sizes) {
			err = -ENOMEM;
			goto free_all;
		}
	}
	err = lsof_walk(a, &files, &vmas, &ls);
	if (err)
		goto free_all;
	while ((pi = fb_proc_iter__next(it))) {
		bool denied = false, hit = has_proc_sel(a) && proc_is_selected(a, pi);

		/* without -a a file selection can list any process' files: read them all */
		if (has_proc_sel(a) && !hit && (a->and_sel || !has_file_sel(a)))
			continue;
		for (int i = 0; i < a->npids; i++)
			seen[i] |= a->pids[i] == pi->pid;
		err = lsof_proc(a, &ls, pi, hit, rows, &denied);
		if (err == -ESRCH) {
			err = 0; /* gone since the scan listed it */
			for (int i = 0; i < a->npids; i++)
				seen[i] &= a->pids[i] != pi->pid;
			continue;
		}
		if (err)
			goto free_all;
		/* refused files are an error only for a pid asked for by -p */
		for (int i = 0; denied && i < a->npids; i++) {
			if (a->pids[i] == pi->pid && miss->ndenied < LSOF_MAX_SEL)
				miss->denied[miss->ndenied++] = pi->pid;
		}
	}
	for (int i = 0; i < a->npids; i++) {
		if (!seen[i])
			miss->gone[miss->ngone++] = a->pids[i];
	}
free_all:
	free(ls.si.v);
	lsof_netlink__free(&ls.si.nl);
	lsof_sizes__free(ls.sizes);
	iter_files__free(&files);
	iter_vmas__free(&vmas);
	fb_proc_iter__free(it);
	return err;
}

int cmd_lsof(int argc, char **argv)
{
	struct lsof_args a = { 0 };
	struct cli_common common = { 0 };
	struct row_list rows = { 0 };
	struct lsof_misses miss = { 0 };
	struct output out;
	int first, nargc, err, status = 0;
	char **nargv;
	bool help;

	nargv = lsof_argv(argc, argv, &nargc);
	if (!nargv)
		return 1;
	first = cli_parse(&lsof_cmd, nargc, nargv, &common, &a, &help);
	if (first < 0 || help) {
		free(nargv);
		return first < 0 ? EXIT_USAGE : 0;
	}
	for (int i = first; i < nargc; i++) {
		if (a.nfiles == LSOF_MAX_SEL) {
			cli_error(&lsof_cmd, "too many PATH arguments (at most %d)", LSOF_MAX_SEL);
			free(nargv);
			return EXIT_USAGE;
		}
		if (stat(nargv[i], &a.files[a.nfiles])) {
			fprintf(stderr, "vigil lsof: %s: %s\n", nargv[i], strerror(errno));
			status = 1;
			continue;
		}
		a.nfiles++;
	}
	free(nargv);
	if (addr_sel__check(&a.addrs, &lsof_cmd))
		return EXIT_USAGE;
	if (status && !a.nfiles)
		return 1;
	log_set_level(common.verbose);
	if (output__open(&out, &lsof_cmd, &common, FMT_NDJSON, 0))
		return 1;
	err = lsof_collect(&a, &rows, &miss);
	if (!err && a.addrs.resolve)
		lsof_resolve(&a, &rows);
	if (err) {
		if (err != -ENOTSUP || a.backend != BACKEND_BPF) /* that one said why already */
			pr_err("lsof: cannot list open files: %s", strerror(-err));
		status = 1;
	} else if (a.terse) {
		print_terse(out.sink, &rows);
	} else if (out.fmt == FMT_TABLE) {
		if (rows.n)
			print_table(out.sink, &rows, a.tasks);
	} else if (out.fmt == FMT_CSV) {
		print_csv(out.sink, &rows, a.addrs.resolve, a.tasks);
	} else {
		print_json(out.sink, &rows, out.fmt == FMT_NDJSON, a.addrs.resolve, a.tasks);
	}
	/* like lsof: nothing found for a selection is exit 1 */
	if (!err && !rows.n &&
	    (a.npids || a.nuids || a.ncomms || a.inet.on || a.nfiles || lsof_has_addrs(&a)))
		status = 1;
	rows_free(&rows);
	if (output__close(&out))
		status = 1;
	for (int i = 0; i < miss.ndenied; i++)
		fprintf(stderr, "vigil lsof: pid %d: access denied reading its open files\n",
			(int)miss.denied[i]);
	for (int i = 0; i < miss.ngone; i++)
		fprintf(stderr, "vigil lsof: pid %d: no such process\n", (int)miss.gone[i]);
	return miss.ndenied || miss.ngone ? 1 : status;
}
