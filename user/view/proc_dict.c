// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * proc_dict.c: reads one process the way psutil's as_dict() does (every asked method inside
 * one oneshot, AccessDenied and ZombieProcess turned into "no value", NoSuchProcess ending
 * the read) into a struct proc_dict, and prints it as a key/value table for people. The
 * JSON form, with psutil's key names and value shapes, is fbjson_proc_dict().
 */
#include "view/proc_dict.h"

#include "export/escape.h"
#include "port.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

const char *const pd_attr_names[PD__COUNT] = {
	[PD_CMDLINE] = "cmdline",
	[PD_CONNECTIONS] = "connections",
	[PD_CPU_AFFINITY] = "cpu_affinity",
	[PD_CPU_NUM] = "cpu_num",
	[PD_CPU_PERCENT] = "cpu_percent",
	[PD_CPU_TIMES] = "cpu_times",
	[PD_CREATE_TIME] = "create_time",
	[PD_CWD] = "cwd",
	[PD_ENVIRON] = "environ",
	[PD_EXE] = "exe",
	[PD_GIDS] = "gids",
	[PD_IO_COUNTERS] = "io_counters",
	[PD_IONICE] = "ionice",
	[PD_MEMORY_FULL_INFO] = "memory_full_info",
	[PD_MEMORY_INFO] = "memory_info",
	[PD_MEMORY_MAPS] = "memory_maps",
	[PD_MEMORY_PERCENT] = "memory_percent",
	[PD_NAME] = "name",
	[PD_NICE] = "nice",
	[PD_NUM_CTX_SWITCHES] = "num_ctx_switches",
	[PD_NUM_FDS] = "num_fds",
	[PD_NUM_THREADS] = "num_threads",
	[PD_OPEN_FILES] = "open_files",
	[PD_PID] = "pid",
	[PD_PPID] = "ppid",
	[PD_STATUS] = "status",
	[PD_TERMINAL] = "terminal",
	[PD_THREADS] = "threads",
	[PD_UIDS] = "uids",
	[PD_USERNAME] = "username",
	[PD_PARENT] = "parent",
	[PD_CHILDREN] = "children",
	[PD_RLIMITS] = "rlimits",
};

int pd_attrs_parse(char *list, uint64_t *mask, const char **bad)
{
	char *save = NULL, *name;

	*mask = 0;
	*bad = NULL;
	for (name = strtok_r(list, ",", &save); name; name = strtok_r(NULL, ",", &save)) {
		int a;

		for (a = 0; a < PD__COUNT; a++)
			if (!strcmp(name, pd_attr_names[a]))
				break;
		if (a == PD__COUNT) {
			*bad = name;
			return -EINVAL;
		}
		*mask |= PD_BIT(a);
	}
	if (!*mask) {
		*bad = "";
		return -EINVAL;
	}
	return 0;
}

static const struct {
	const char *name;
	int resource;
} rlimit_table[] = {
	{ "RLIMIT_AS", RLIMIT_AS },
	{ "RLIMIT_CORE", RLIMIT_CORE },
	{ "RLIMIT_CPU", RLIMIT_CPU },
	{ "RLIMIT_DATA", RLIMIT_DATA },
	{ "RLIMIT_FSIZE", RLIMIT_FSIZE },
	{ "RLIMIT_LOCKS", RLIMIT_LOCKS },
	{ "RLIMIT_MEMLOCK", RLIMIT_MEMLOCK },
	{ "RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE },
	{ "RLIMIT_NICE", RLIMIT_NICE },
	{ "RLIMIT_NOFILE", RLIMIT_NOFILE },
	{ "RLIMIT_NPROC", RLIMIT_NPROC },
	{ "RLIMIT_RSS", RLIMIT_RSS },
	{ "RLIMIT_RTPRIO", RLIMIT_RTPRIO },
	{ "RLIMIT_RTTIME", RLIMIT_RTTIME },
	{ "RLIMIT_SIGPENDING", RLIMIT_SIGPENDING },
	{ "RLIMIT_STACK", RLIMIT_STACK },
};
#define N_RLIMITS (sizeof(rlimit_table) / sizeof(rlimit_table[0]))

/*
 * A method of p failed with err: NoSuchProcess ends the whole read (-ESRCH), running out of
 * memory too; anything else (AccessDenied, ZombieProcess, an OS error) leaves the field out
 * with its reason, as psutil's as_dict() does with ad_value.
 */
static int pd_fail(struct proc_dict *d, struct fb_proc *p, enum pd_attr a, int err)
{
	const struct fb_error *e = fb_proc__error(p);

	if (err == -ENOMEM)
		return err;
	if (e->kind == FB_ERR_NO_SUCH_PROCESS)
		return -ESRCH;
	d->why[a] = e->kind != FB_ERR_NONE ? e->kind : FB_ERR_OS;
	return 0;
}

static void pd_name_of(pid_t pid, char *buf, size_t len)
{
	struct fb_proc *q = fb_proc__new(pid);

	buf[0] = '\0';
	if (q && fb_proc__name(q, buf, len))
		buf[0] = '\0';
	fb_proc__free(q);
}

static int pd_children(struct proc_dict *d, struct fb_proc *p, bool recursive)
{
	pid_t *kids;
	size_t n;
	int err = fb_proc__children(p, recursive, &kids, &n);

	if (err)
		return err;
	d->children = calloc(n ? n : 1, sizeof(*d->children));
	if (!d->children) {
		free(kids);
		return -ENOMEM;
	}
	for (size_t i = 0; i < n; i++) {
		d->children[i].pid = kids[i];
		pd_name_of(kids[i], d->children[i].name, sizeof(d->children[i].name));
	}
	d->nchildren = n;
	free(kids);
	return 0;
}

static int pd_rlimits(struct proc_dict *d, struct fb_proc *p)
{
	int err = 0;

	d->rlimits = calloc(N_RLIMITS, sizeof(*d->rlimits));
	if (!d->rlimits)
		return -ENOMEM;
	for (size_t i = 0; i < N_RLIMITS; i++) {
		struct pd_rlimit *r = &d->rlimits[d->nrlimits];

		err = fb_proc__rlimit(p, rlimit_table[i].resource, &r->soft, &r->hard);
		if (err == -EINVAL)
			continue; /* a resource this kernel does not know */
		if (err)
			return err;
		r->name = rlimit_table[i].name;
		d->nrlimits++;
	}
	return 0;
}

/* The process' inet sockets from a system-wide list (psutil's connections(kind='inet')). */
static int pd_conns_from(struct proc_dict *d, const struct pd_opts *o)
{
	size_t k = 0;

	d->conns = calloc(o->nall_conns ? o->nall_conns : 1, sizeof(*d->conns));
	if (!d->conns)
		return -ENOMEM;
	for (size_t i = 0; i < o->nall_conns; i++) {
		const struct fb_conn *c = &o->all_conns[i];

		if (c->pid == d->pid && c->family != AF_UNIX)
			d->conns[k++] = *c;
	}
	d->nconns = k;
	return 0;
}

/* Read one attribute; 0 (read, or left out with a reason), -ESRCH or -ENOMEM. */
static int pd_read(struct proc_dict *d, struct fb_proc *p, const struct pd_opts *o, enum pd_attr a)
{
	pid_t parent;
	int err;

	switch (a) {
	case PD_PID:
		return 0;
	case PD_CMDLINE:
		err = fb_proc__cmdline(p, &d->cmdline);
		break;
	case PD_CONNECTIONS:
		/*
		 * From the system-wide list, a socket of a process whose fds we may not read has
		 * no owner: first make sure this process' fd directory is readable, so that such
		 * a process gets psutil's AccessDenied (null), not an empty list.
		 */
		if (o->have_all_conns) {
			int nfds;

			err = fb_proc__num_fds(p, &nfds);
			if (!err)
				err = pd_conns_from(d, o);
		} else
			err = fb_proc__net_connections(p, FB_KIND_INET, &d->conns, &d->nconns);
		break;
	case PD_CPU_AFFINITY:
		err = fb_proc__cpu_affinity(p, &d->affinity, &d->naffinity);
		break;
	case PD_CPU_NUM:
		err = fb_proc__cpu_num(p, &d->cpu_num);
		break;
	case PD_CPU_PERCENT:
		err = fb_proc__cpu_percent(p, 0.0, &d->cpu_percent);
		break;
	case PD_CPU_TIMES:
		err = fb_proc__cpu_times(p, &d->cpu_times);
		break;
	case PD_CREATE_TIME:
		err = fb_proc__create_time(p, &d->create_time);
		break;
	case PD_CWD:
		err = fb_proc__cwd(p, d->cwd, sizeof(d->cwd));
		break;
	case PD_ENVIRON:
		err = fb_proc__environ(p, &d->environ);
		break;
	case PD_EXE:
		err = fb_proc__exe(p, d->exe, sizeof(d->exe));
		break;
	case PD_GIDS:
		err = fb_proc__gids(p, &d->gids);
		break;
	case PD_IO_COUNTERS:
		err = fb_proc__io_counters(p, &d->io);
		break;
	case PD_IONICE:
		err = fb_proc__ionice(p, &d->ioclass, &d->iovalue);
		break;
	case PD_MEMORY_FULL_INFO:
		err = fb_proc__memory_full_info(p, &d->mem_full);
		break;
	case PD_MEMORY_INFO:
		err = fb_proc__memory_info(p, &d->mem);
		break;
	case PD_MEMORY_MAPS:
		err = fb_proc__memory_maps(p, true, &d->maps, &d->nmaps);
		break;
	case PD_MEMORY_PERCENT:
		err = fb_proc__memory_percent(p, "rss", &d->memory_percent);
		break;
	case PD_NAME:
		err = fb_proc__name(p, d->name, sizeof(d->name));
		break;
	case PD_NICE:
		err = fb_proc__nice(p, &d->nice);
		break;
	case PD_NUM_CTX_SWITCHES:
		err = fb_proc__num_ctx_switches(p, &d->ctx_voluntary, &d->ctx_involuntary);
		break;
	case PD_NUM_FDS:
		err = fb_proc__num_fds(p, &d->num_fds);
		break;
	case PD_NUM_THREADS:
		err = fb_proc__num_threads(p, &d->num_threads);
		break;
	case PD_OPEN_FILES:
		err = fb_proc__open_files(p, &d->files, &d->nfiles);
		break;
	case PD_PPID:
		err = fb_proc__ppid(p, &d->ppid);
		break;
	case PD_STATUS:
		err = fb_proc__status(p, &d->status);
		break;
	case PD_TERMINAL:
		err = fb_proc__terminal(p, d->terminal, sizeof(d->terminal));
		break;
	case PD_THREADS:
		err = fb_proc__threads(p, &d->threads, &d->nthreads);
		break;
	case PD_UIDS:
		err = fb_proc__uids(p, &d->uids);
		break;
	case PD_USERNAME:
		err = fb_proc__username(p, d->username, sizeof(d->username));
		break;
	case PD_PARENT:
		d->parent.pid = -1;
		err = fb_proc__parent(p, &parent);
		if (err == -ENOENT && fb_proc__error(p)->kind == FB_ERR_NONE) {
			err = 0; /* no parent: psutil's None */
		} else if (!err) {
			d->parent.pid = parent;
			pd_name_of(parent, d->parent.name, sizeof(d->parent.name));
		}
		break;
	case PD_CHILDREN:
		err = pd_children(d, p, o->recursive);
		break;
	case PD_RLIMITS:
		err = pd_rlimits(d, p);
		break;
	default:
		return 0;
	}
	if (err)
		return pd_fail(d, p, a, err);
	d->have |= PD_BIT(a);
	return 0;
}

int proc_dict__collect(struct proc_dict *d, struct fb_proc *p, const struct pd_opts *o)
{
	int err = 0;

	memset(d, 0, sizeof(*d));
	d->pid = fb_proc__pid(p);
	d->asked = o->attrs | PD_BIT(PD_PID);
	d->have = PD_BIT(PD_PID);
	fb_proc__oneshot_begin(p);
	for (int a = 0; a < PD__COUNT && !err; a++)
		if (d->asked & PD_BIT(a))
			err = pd_read(d, p, o, (enum pd_attr)a);
	fb_proc__oneshot_end(p);
	/* the pid may have been reused while we read: then what we read is not one process */
	if (!err && !fb_proc__is_running(p))
		err = -ESRCH;
	if (err)
		proc_dict__free(d);
	return err;
}

void proc_dict__free(struct proc_dict *d)
{
	if (!d)
		return;
	fb_strv_free(&d->cmdline);
	fb_strv_free(&d->environ);
	free(d->conns);
	free(d->affinity);
	free(d->maps);
	free(d->files);
	free(d->threads);
	free(d->children);
	free(d->rlimits);
	d->conns = NULL;
	d->affinity = NULL;
	d->maps = NULL;
	d->files = NULL;
	d->threads = NULL;
	d->children = NULL;
	d->rlimits = NULL;
	d->nconns = d->naffinity = d->nmaps = d->nfiles = d->nthreads = 0;
	d->nchildren = d->nrlimits = 0;
}

/* ------------------------------------------------------------------ the table */

/* Names, paths and the environment in a table: control characters as \xHH (escape.h). */
static void pd_text(struct sink *s, const char *t)
{
	esc_write(s, t, strlen(t));
}

static void pd_key(struct sink *s, const char *key)
{
	sink__printf(s, "  %-18s ", key);
}

/* " key=9.8K" (no space before the first of a line), bytes as psutil's bytes2human. */
static void pd_bytes(struct sink *s, bool first, const char *k, uint64_t v)
{
	char buf[32];

	fb_bytes2human(v, buf, sizeof(buf));
	sink__printf(s, "%s%s=%s", first ? "" : " ", k, buf);
}

static const char *pd_why(enum fb_err_kind k)
{
	switch (k) {
	case FB_ERR_ACCESS_DENIED:
		return "(access denied)";
	case FB_ERR_ZOMBIE:
		return "(zombie: not available)";
	default:
		return "(not available)";
	}
}

static void pd_mem(struct sink *s, const struct fb_proc_mem *m)
{
	pd_bytes(s, true, "rss", m->rss);
	pd_bytes(s, false, "vms", m->vms);
	pd_bytes(s, false, "shared", m->shared);
	pd_bytes(s, false, "text", m->text);
	pd_bytes(s, false, "data", m->data);
}

static void pd_addr(struct sink *s, const char *k, const struct fb_conn *c,
		    const struct fb_sockaddr *a)
{
	sink__printf(s, "%s=", k);
	if (c->family == AF_UNIX)
		pd_text(s, a->addr);
	else if (!a->valid)
		sink__puts(s, "-");
	else if (strchr(a->addr, ':'))
		sink__printf(s, "[%s]:%u", a->addr, a->port);
	else
		sink__printf(s, "%s:%u", a->addr, a->port);
	sink__putc(s, ' ');
}

static int pd_by_rss_desc(const void *a, const void *b)
{
	const struct fb_mmap *x = a, *y = b;

	return x->rss < y->rss ? 1 : x->rss > y->rss ? -1 : 0;
}

#define PD_TABLE_MAPS 10

/* memory_maps in a table: the totals, then the biggest mappings by rss. */
static void pd_maps(struct sink *s, const struct proc_dict *d)
{
	struct fb_mmap total = { 0 }, *v;
	size_t n = d->nmaps < PD_TABLE_MAPS ? d->nmaps : PD_TABLE_MAPS;

	for (size_t i = 0; i < d->nmaps; i++) {
		total.rss += d->maps[i].rss;
		total.pss += d->maps[i].pss;
		total.size += d->maps[i].size;
		total.swap += d->maps[i].swap;
		total.private_clean += d->maps[i].private_clean;
		total.private_dirty += d->maps[i].private_dirty;
	}
	sink__printf(s, "%zu mappings, grouped by path: ", d->nmaps);
	pd_bytes(s, true, "size", total.size);
	pd_bytes(s, false, "rss", total.rss);
	pd_bytes(s, false, "pss", total.pss);
	pd_bytes(s, false, "private", total.private_clean + total.private_dirty);
	pd_bytes(s, false, "swap", total.swap);
	sink__putc(s, '\n');
	v = malloc((d->nmaps ? d->nmaps : 1) * sizeof(*v));
	if (!v)
		return;
	memcpy(v, d->maps, d->nmaps * sizeof(*v));
	qsort(v, d->nmaps, sizeof(*v), pd_by_rss_desc);
	for (size_t i = 0; i < n; i++) {
		sink__puts(s, "      ");
		pd_bytes(s, true, "rss", v[i].rss);
		pd_bytes(s, false, "pss", v[i].pss);
		pd_bytes(s, false, "size", v[i].size);
		sink__putc(s, ' ');
		pd_text(s, v[i].path);
		sink__putc(s, '\n');
	}
	if (d->nmaps > n)
		sink__printf(s, "      (%zu smaller mappings; all of them with -f json)\n",
			     d->nmaps - n);
	free(v);
}

static void pd_created(struct sink *s, double t)
{
	time_t secs = (time_t)t;
	struct tm tm;
	char buf[64];

	if (port_localtime(&secs, &tm) && strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M:%S", &tm))
		sink__printf(s, "%.2f (%s)", t, buf);
	else
		sink__printf(s, "%.2f", t);
}

static const char *const ioclass_names[] = { "IOPRIO_CLASS_NONE", "IOPRIO_CLASS_RT",
					     "IOPRIO_CLASS_BE", "IOPRIO_CLASS_IDLE" };

/* The value of attribute a, after its key; ends the line. */
static void pd_value(struct sink *s, const struct proc_dict *d, enum pd_attr a)
{
	switch (a) {
	case PD_PID:
		sink__printf(s, "%d", (int)d->pid);
		break;
	case PD_NAME:
		pd_text(s, d->name);
		break;
	case PD_EXE:
		pd_text(s, d->exe);
		break;
	case PD_CWD:
		pd_text(s, d->cwd);
		break;
	case PD_USERNAME:
		pd_text(s, d->username);
		break;
	case PD_TERMINAL:
		d->terminal[0] ? pd_text(s, d->terminal) : sink__puts(s, "-");
		break;
	case PD_STATUS:
		sink__puts(s, fb_status_name(d->status) ? fb_status_name(d->status) : "?");
		break;
	case PD_CMDLINE:
		for (size_t i = 0; i < d->cmdline.n; i++) {
			if (i)
				sink__putc(s, ' ');
			pd_text(s, d->cmdline.v[i]);
		}
		break;
	case PD_PPID:
		sink__printf(s, "%d", (int)d->ppid);
		break;
	case PD_PARENT:
		if (d->parent.pid < 0) {
			sink__puts(s, "-");
			break;
		}
		sink__printf(s, "%d ", (int)d->parent.pid);
		pd_text(s, d->parent.name);
		break;
	case PD_CHILDREN:
		sink__printf(s, "%zu", d->nchildren);
		for (size_t i = 0; i < d->nchildren; i++) {
			sink__printf(s, "\n      %d ", (int)d->children[i].pid);
			pd_text(s, d->children[i].name);
		}
		break;
	case PD_CREATE_TIME:
		pd_created(s, d->create_time);
		break;
	case PD_NICE:
		sink__printf(s, "%d", d->nice);
		break;
	case PD_IONICE:
		sink__printf(s, "ioclass=%s value=%d",
			     (unsigned)d->ioclass < 4 ? ioclass_names[d->ioclass] : "?",
			     d->iovalue);
		break;
	case PD_CPU_NUM:
		sink__printf(s, "%d", d->cpu_num);
		break;
	case PD_CPU_AFFINITY:
		for (size_t i = 0; i < d->naffinity; i++)
			sink__printf(s, "%s%d", i ? "," : "", d->affinity[i]);
		break;
	case PD_CPU_TIMES:
		sink__printf(s, "user=%.2f system=%.2f children_user=%.2f children_system=%.2f",
			     d->cpu_times.user, d->cpu_times.system, d->cpu_times.children_user,
			     d->cpu_times.children_system);
		if (d->cpu_times.valid & FB_PCPU_IOWAIT)
			sink__printf(s, " iowait=%.2f", d->cpu_times.iowait);
		break;
	case PD_CPU_PERCENT:
		sink__printf(s, "%.1f", d->cpu_percent);
		break;
	case PD_MEMORY_INFO:
		pd_mem(s, &d->mem);
		break;
	case PD_MEMORY_FULL_INFO:
		pd_mem(s, &d->mem_full.base);
		pd_bytes(s, false, "uss", d->mem_full.uss);
		pd_bytes(s, false, "pss", d->mem_full.pss);
		pd_bytes(s, false, "swap", d->mem_full.swap);
		break;
	case PD_MEMORY_PERCENT:
		sink__printf(s, "%.2f", d->memory_percent);
		break;
	case PD_NUM_THREADS:
		sink__printf(s, "%d", d->num_threads);
		break;
	case PD_THREADS:
		sink__printf(s, "%zu", d->nthreads);
		for (size_t i = 0; i < d->nthreads; i++)
			sink__printf(s, "\n      id=%d user_time=%.2f system_time=%.2f",
				     (int)d->threads[i].id, d->threads[i].user_time,
				     d->threads[i].system_time);
		break;
	case PD_NUM_CTX_SWITCHES:
		sink__printf(s, "voluntary=%llu involuntary=%llu",
			     (unsigned long long)d->ctx_voluntary,
			     (unsigned long long)d->ctx_involuntary);
		break;
	case PD_IO_COUNTERS:
		sink__printf(s, "read_count=%llu write_count=%llu",
			     (unsigned long long)d->io.read_count,
			     (unsigned long long)d->io.write_count);
		pd_bytes(s, false, "read_bytes", d->io.read_bytes);
		pd_bytes(s, false, "write_bytes", d->io.write_bytes);
		pd_bytes(s, false, "read_chars", d->io.read_chars);
		pd_bytes(s, false, "write_chars", d->io.write_chars);
		break;
	case PD_NUM_FDS:
		sink__printf(s, "%d", d->num_fds);
		break;
	case PD_OPEN_FILES:
		sink__printf(s, "%zu", d->nfiles);
		for (size_t i = 0; i < d->nfiles; i++) {
			sink__printf(s, "\n      fd=%d mode=%s position=%llu ", d->files[i].fd,
				     d->files[i].mode, (unsigned long long)d->files[i].position);
			pd_text(s, d->files[i].path);
		}
		break;
	case PD_CONNECTIONS:
		sink__printf(s, "%zu", d->nconns);
		for (size_t i = 0; i < d->nconns; i++) {
			const struct fb_conn *c = &d->conns[i];

			sink__printf(s, "\n      fd=%d %s%s ", c->fd,
				     c->type == SOCK_DGRAM ? "udp" : "tcp",
				     c->family == AF_INET6 ? "6" : "");
			pd_addr(s, "laddr", c, &c->laddr);
			pd_addr(s, "raddr", c, &c->raddr);
			sink__puts(s, fb_conn_status_name(c->status));
		}
		break;
	case PD_MEMORY_MAPS:
		pd_maps(s, d);
		return; /* it ends its own lines */
	case PD_RLIMITS:
		sink__puts(s, "soft / hard");
		for (size_t i = 0; i < d->nrlimits; i++) {
			const struct pd_rlimit *r = &d->rlimits[i];

			sink__printf(s, "\n      %-18s ", r->name);
			r->soft < 0 ? sink__puts(s, "unlimited")
				    : sink__printf(s, "%lld", (long long)r->soft);
			sink__puts(s, " / ");
			r->hard < 0 ? sink__puts(s, "unlimited")
				    : sink__printf(s, "%lld", (long long)r->hard);
		}
		break;
	case PD_ENVIRON:
		sink__printf(s, "%zu variables", d->environ.n);
		for (size_t i = 0; i < d->environ.n; i++) {
			sink__puts(s, "\n      ");
			pd_text(s, d->environ.v[i]);
		}
		break;
	default:
		break;
	}
	sink__putc(s, '\n');
}

/* The table's order: who it is, then CPU, memory, I/O, files, limits, environment. */
static const enum pd_attr table_order[] = {
	PD_NAME,
	PD_EXE,
	PD_CMDLINE,
	PD_STATUS,
	PD_USERNAME,
	PD_UIDS,
	PD_GIDS,
	PD_TERMINAL,
	PD_PPID,
	PD_PARENT,
	PD_CHILDREN,
	PD_CREATE_TIME,
	PD_CWD,
	PD_NICE,
	PD_IONICE,
	PD_CPU_NUM,
	PD_CPU_AFFINITY,
	PD_CPU_TIMES,
	PD_CPU_PERCENT,
	PD_MEMORY_INFO,
	PD_MEMORY_FULL_INFO,
	PD_MEMORY_PERCENT,
	PD_NUM_THREADS,
	PD_THREADS,
	PD_NUM_CTX_SWITCHES,
	PD_IO_COUNTERS,
	PD_NUM_FDS,
	PD_OPEN_FILES,
	PD_CONNECTIONS,
	PD_MEMORY_MAPS,
	PD_RLIMITS,
	PD_ENVIRON,
};

void proc_dict__table(const struct proc_dict *d, struct sink *s)
{
	sink__printf(s, "pid %d\n", (int)d->pid);
	for (size_t i = 0; i < sizeof(table_order) / sizeof(table_order[0]); i++) {
		enum pd_attr a = table_order[i];

		if (!(d->asked & PD_BIT(a)))
			continue;
		pd_key(s, pd_attr_names[a]);
		if (!proc_dict__has(d, a)) {
			sink__printf(s, "%s\n", pd_why(d->why[a]));
			continue;
		}
		if (a == PD_UIDS || a == PD_GIDS) {
			const struct fb_ids *ids = a == PD_UIDS ? &d->uids : &d->gids;

			sink__printf(s, "real=%u effective=%u saved=%u\n", ids->real,
				     ids->effective, ids->saved);
			continue;
		}
		pd_value(s, d, a);
	}
}
