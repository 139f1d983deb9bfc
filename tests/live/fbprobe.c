// SPDX-License-Identifier: BSD-2-Clause
/*
 * fbprobe.c - a test driver that prints the fallback library's results as JSON with psutil's
 * names, so scripts (tests/live/fb_vs_psutil.py, tools/bench_fallback.sh) can compare them
 * with psutil, procps and iproute2.  One sub-command per psutil function group; "bench" times
 * a function in-process and prints the median.  Not part of vigil's CLI: `vigil snapshot`
 * and friends will render the same library with the project's exporters.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "../../fallback/fallback.h"

/* ------------------------------------------------------------------ tiny JSON writer */

static int depth_first[64];
static int depth;

static void sep(void)
{
	if (depth > 0) {
		if (!depth_first[depth])
			putchar(',');
		depth_first[depth] = 0;
	}
}

static void jstr_raw(const char *s)
{
	const unsigned char *p = (const unsigned char *)s, *run = p;

	putchar_unlocked('"');
	for (; *p; p++) {
		if (*p != '"' && *p != '\\' && *p >= 0x20)
			continue;
		fwrite_unlocked(run, 1, (size_t)(p - run), stdout);
		if (*p < 0x20)
			printf("\\u%04x", *p);
		else {
			putchar_unlocked('\\');
			putchar_unlocked(*p);
		}
		run = p + 1;
	}
	fwrite_unlocked(run, 1, (size_t)(p - run), stdout);
	putchar_unlocked('"');
}

/* Decimal without printf: connection and process lists print thousands of numbers. */
static void put_u64(unsigned long long v)
{
	char b[24], *e = b + sizeof(b), *q = e;

	do {
		*--q = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	fwrite_unlocked(q, 1, (size_t)(e - q), stdout);
}

static void key(const char *k)
{
	sep();
	jstr_raw(k);
	putchar(':');
	depth_first[depth] = 1; /* the value must not print a comma */
	depth_first[depth] = 2;
}

static void val_prefix(void)
{
	if (depth > 0 && depth_first[depth] == 2) {
		depth_first[depth] = 0;
		return;
	}
	sep();
}

static void obj_begin(void)
{
	val_prefix();
	putchar('{');
	depth_first[++depth] = 1;
}

static void obj_end(void)
{
	putchar('}');
	depth--;
	depth_first[depth] = 0;
}

static void arr_begin(void)
{
	val_prefix();
	putchar('[');
	depth_first[++depth] = 1;
}

static void arr_end(void)
{
	putchar(']');
	depth--;
	depth_first[depth] = 0;
}

static void jstr(const char *s)
{
	val_prefix();
	jstr_raw(s ? s : "");
}

static void jnull(void)
{
	val_prefix();
	fputs("null", stdout);
}

static void jbool(bool b)
{
	val_prefix();
	fputs(b ? "true" : "false", stdout);
}

static void jint(long long v)
{
	val_prefix();
	if (v < 0) {
		putchar_unlocked('-');
		put_u64(0ull - (unsigned long long)v);
	} else {
		put_u64((unsigned long long)v);
	}
}

static void juint(unsigned long long v)
{
	val_prefix();
	put_u64(v);
}

static void jdbl(double v)
{
	val_prefix();
	if (isfinite(v))
		printf("%.17g", v);
	else
		fputs("null", stdout);
}

static void kstr(const char *k, const char *v)
{
	key(k);
	jstr(v);
}
static void kint(const char *k, long long v)
{
	key(k);
	jint(v);
}
static void kuint(const char *k, unsigned long long v)
{
	key(k);
	juint(v);
}
static void kdbl(const char *k, double v)
{
	key(k);
	jdbl(v);
}
static void kbool(const char *k, bool v)
{
	key(k);
	jbool(v);
}
static void knull(const char *k)
{
	key(k);
	jnull();
}

static void kdbl_opt(const char *k, double v, bool valid)
{
	key(k);
	if (valid)
		jdbl(v);
	else
		jnull();
}

static void kerr(const char *k, int err)
{
	key(k);
	obj_begin();
	kstr("error", strerror(-err));
	kint("errno", -err);
	obj_end();
}

/* ------------------------------------------------------------------ system */

static void print_cpu_times(const struct fb_cpu_times *t)
{
	obj_begin();
	kdbl("user", t->user);
	kdbl("nice", t->nice);
	kdbl("system", t->system);
	kdbl("idle", t->idle);
	kdbl_opt("iowait", t->iowait, t->valid & FB_CPU_IOWAIT);
	kdbl_opt("irq", t->irq, t->valid & FB_CPU_IRQ);
	kdbl_opt("softirq", t->softirq, t->valid & FB_CPU_SOFTIRQ);
	kdbl_opt("steal", t->steal, t->valid & FB_CPU_STEAL);
	kdbl_opt("guest", t->guest, t->valid & FB_CPU_GUEST);
	kdbl_opt("guest_nice", t->guest_nice, t->valid & FB_CPU_GUEST_NICE);
	obj_end();
}

static void do_cpu(double interval)
{
	struct fb_cpu_times t, *pt;
	struct fb_cpu_stats cs;
	struct fb_cpu_freq f;
	struct fb_cpu_sampler *s;
	double la[3], pct, *pp;
	size_t n;
	int err;

	key("cpu_times");
	if ((err = fb_cpu_times(&t)))
		jnull();
	else
		print_cpu_times(&t);
	key("cpu_times_percpu");
	arr_begin();
	if (!fb_cpu_times_percpu(&pt, &n)) {
		for (size_t i = 0; i < n; i++)
			print_cpu_times(&pt[i]);
		free(pt);
	}
	arr_end();
	kint("cpu_count", fb_cpu_count(true));
	err = fb_cpu_count(false);
	key("cpu_count_cores");
	if (err > 0)
		jint(err);
	else
		jnull();
	key("cpu_stats");
	obj_begin();
	if (!fb_cpu_stats(&cs)) {
		kuint("ctx_switches", cs.ctx_switches);
		kuint("interrupts", cs.interrupts);
		kuint("soft_interrupts", cs.soft_interrupts);
		knull("syscalls");
	}
	obj_end();
	key("cpu_freq");
	if (fb_cpu_freq(&f)) {
		jnull();
	} else {
		obj_begin();
		kdbl("current", f.current);
		kdbl_opt("min", f.min, f.valid & FB_FREQ_MIN);
		kdbl_opt("max", f.max, f.valid & FB_FREQ_MAX);
		obj_end();
	}
	key("getloadavg");
	arr_begin();
	if (!fb_getloadavg(la))
		for (int i = 0; i < 3; i++)
			jdbl(la[i]);
	arr_end();
	s = fb_cpu_sampler__new();
	if (s && interval >= 0) {
		if (!fb_cpu_percent(s, interval, &pct))
			kdbl("cpu_percent", pct);
		if (!fb_cpu_times_percent(s, interval, &t)) {
			key("cpu_times_percent");
			print_cpu_times(&t);
		}
		if (!fb_cpu_percent_percpu(s, interval, &pp, &n)) {
			key("cpu_percent_percpu");
			arr_begin();
			for (size_t i = 0; i < n; i++)
				jdbl(pp[i]);
			arr_end();
			free(pp);
		}
	}
	fb_cpu_sampler__free(s);
}

static void do_mem(void)
{
	struct fb_vmem m;
	struct fb_swap sw;

	key("virtual_memory");
	if (fb_virtual_memory(&m)) {
		jnull();
	} else {
		obj_begin();
		kuint("total", m.total);
		kuint("available", m.available);
		kdbl("percent", m.percent);
		kuint("used", m.used);
		kuint("free", m.free);
		kuint("active", m.active);
		kuint("inactive", m.inactive);
		kuint("buffers", m.buffers);
		kuint("cached", m.cached);
		kuint("shared", m.shared);
		kuint("slab", m.slab);
		obj_end();
	}
	key("swap_memory");
	if (fb_swap_memory(&sw)) {
		jnull();
	} else {
		obj_begin();
		kuint("total", sw.total);
		kuint("used", sw.used);
		kuint("free", sw.free);
		kdbl("percent", sw.percent);
		kuint("sin", sw.sin);
		kuint("sout", sw.sout);
		obj_end();
	}
}

static void print_dio(const struct fb_disk_io *d)
{
	obj_begin();
	kuint("read_count", d->read_count);
	kuint("write_count", d->write_count);
	kuint("read_bytes", d->read_bytes);
	kuint("write_bytes", d->write_bytes);
	if (d->valid & FB_DIO_READ_TIME)
		kuint("read_time", d->read_time);
	if (d->valid & FB_DIO_WRITE_TIME)
		kuint("write_time", d->write_time);
	if (d->valid & FB_DIO_MERGED) {
		kuint("read_merged_count", d->read_merged_count);
		kuint("write_merged_count", d->write_merged_count);
	}
	if (d->valid & FB_DIO_BUSY_TIME)
		kuint("busy_time", d->busy_time);
	obj_end();
}

static void do_disk(void)
{
	struct fb_partitions parts;
	struct fb_disk_io *d;
	size_t n;

	for (int all = 0; all < 2; all++) {
		key(all ? "disk_partitions_all" : "disk_partitions");
		arr_begin();
		if (!fb_disk_partitions(all, &parts)) {
			for (size_t i = 0; i < parts.n; i++) {
				obj_begin();
				kstr("device", parts.v[i].device);
				kstr("mountpoint", parts.v[i].mountpoint);
				kstr("fstype", parts.v[i].fstype);
				kstr("opts", parts.v[i].opts);
				if (!all) {
					struct fb_disk_usage u;

					key("usage");
					if (fb_disk_usage(parts.v[i].mountpoint, &u)) {
						jnull();
					} else {
						obj_begin();
						kuint("total", u.total);
						kuint("used", u.used);
						kuint("free", u.free);
						kdbl("percent", u.percent);
						obj_end();
					}
				}
				obj_end();
			}
			fb_partitions_free(&parts);
		}
		arr_end();
	}
	key("disk_io_counters");
	if (!fb_disk_io_counters(false, NULL, &d, &n) && n) {
		print_dio(&d[0]);
		free(d);
	} else {
		jnull();
	}
	key("disk_io_counters_perdisk");
	obj_begin();
	if (!fb_disk_io_counters(true, NULL, &d, &n)) {
		for (size_t i = 0; i < n; i++) {
			key(d[i].name);
			print_dio(&d[i]);
		}
		free(d);
	}
	obj_end();
}

static void print_nio(const struct fb_net_io *d)
{
	obj_begin();
	kuint("bytes_sent", d->bytes_sent);
	kuint("bytes_recv", d->bytes_recv);
	kuint("packets_sent", d->packets_sent);
	kuint("packets_recv", d->packets_recv);
	kuint("errin", d->errin);
	kuint("errout", d->errout);
	kuint("dropin", d->dropin);
	kuint("dropout", d->dropout);
	obj_end();
}

static void print_addr(const struct fb_conn *c, const struct fb_sockaddr *a)
{
	if (c->family == AF_UNIX) {
		jstr(a->addr);
		return;
	}
	arr_begin();
	if (a->valid) {
		jstr(a->addr);
		jint(a->port);
	}
	arr_end();
}

static void print_conns(const struct fb_conn *v, size_t n, bool with_pid)
{
	arr_begin();
	for (size_t i = 0; i < n; i++) {
		obj_begin();
		kint("fd", v[i].fd);
		kint("family", v[i].family);
		kint("type", v[i].type);
		key("laddr");
		print_addr(&v[i], &v[i].laddr);
		key("raddr");
		print_addr(&v[i], &v[i].raddr);
		kstr("status", fb_conn_status_name(v[i].status));
		if (with_pid) {
			key("pid");
			if (v[i].pid >= 0)
				jint(v[i].pid);
			else
				jnull();
		}
		obj_end();
	}
	arr_end();
}

static void do_net(const char *kind, bool procfs)
{
	struct fb_net_io *io;
	struct fb_if_addr *ad;
	struct fb_if_stats *st;
	struct fb_conn *c;
	enum fb_conn_kind k;
	size_t n;
	int err;

	key("net_io_counters");
	if (!fb_net_io_counters(false, NULL, &io, &n) && n) {
		print_nio(&io[0]);
		free(io);
	} else {
		jnull();
	}
	key("net_io_counters_pernic");
	obj_begin();
	if (!fb_net_io_counters(true, NULL, &io, &n)) {
		for (size_t i = 0; i < n; i++) {
			key(io[i].name);
			print_nio(&io[i]);
		}
		free(io);
	}
	obj_end();
	key("net_if_addrs");
	obj_begin();
	if (!fb_net_if_addrs(&ad, &n)) {
		for (size_t i = 0; i < n; i++) {
			if (i == 0 || strcmp(ad[i].name, ad[i - 1].name)) {
				if (i)
					arr_end();
				key(ad[i].name);
				arr_begin();
			}
			obj_begin();
			kint("family", ad[i].family);
			kstr("address", ad[i].address);
			key("netmask");
			(ad[i].valid & FB_IFA_NETMASK) ? jstr(ad[i].netmask) : jnull();
			key("broadcast");
			(ad[i].valid & FB_IFA_BROADCAST) ? jstr(ad[i].broadcast) : jnull();
			key("ptp");
			(ad[i].valid & FB_IFA_PTP) ? jstr(ad[i].ptp) : jnull();
			obj_end();
		}
		if (n)
			arr_end();
		free(ad);
	}
	obj_end();
	key("net_if_stats");
	obj_begin();
	if (!fb_net_if_stats(&st, &n)) {
		for (size_t i = 0; i < n; i++) {
			key(st[i].name);
			obj_begin();
			kbool("isup", st[i].isup);
			kint("duplex", st[i].duplex);
			kint("speed", st[i].speed);
			kint("mtu", st[i].mtu);
			kstr("flags", st[i].flags);
			obj_end();
		}
		free(st);
	}
	obj_end();
	if (fb_conn_kind_parse(kind, &k)) {
		kerr("net_connections", -EINVAL);
		return;
	}
	err = procfs ? fb_net_connections_procfs(k, &c, &n) : fb_net_connections(k, &c, &n);
	key("net_connections");
	if (err) {
		jnull();
	} else {
		print_conns(c, n, true);
		free(c);
	}
}

static void do_sensors(void)
{
	struct fb_temp *t;
	struct fb_fan *f;
	struct fb_battery b;
	size_t n;

	key("sensors_temperatures");
	obj_begin();
	if (!fb_sensors_temperatures(&t, &n)) {
		for (size_t i = 0; i < n; i++) {
			if (i == 0 || strcmp(t[i].chip, t[i - 1].chip)) {
				if (i)
					arr_end();
				key(t[i].chip);
				arr_begin();
			}
			obj_begin();
			kstr("label", t[i].label);
			kdbl("current", t[i].current);
			kdbl_opt("high", t[i].high, t[i].valid & FB_TEMP_HIGH);
			kdbl_opt("critical", t[i].critical, t[i].valid & FB_TEMP_CRITICAL);
			obj_end();
		}
		if (n)
			arr_end();
		free(t);
	}
	obj_end();
	key("sensors_fans");
	obj_begin();
	if (!fb_sensors_fans(&f, &n)) {
		for (size_t i = 0; i < n; i++) {
			if (i == 0 || strcmp(f[i].chip, f[i - 1].chip)) {
				if (i)
					arr_end();
				key(f[i].chip);
				arr_begin();
			}
			obj_begin();
			kstr("label", f[i].label);
			kdbl("current", f[i].current);
			obj_end();
		}
		if (n)
			arr_end();
		free(f);
	}
	obj_end();
	key("sensors_battery");
	if (fb_sensors_battery(&b) || !b.present) {
		jnull();
	} else {
		obj_begin();
		kdbl("percent", b.percent);
		kint("secsleft", b.secsleft);
		key("power_plugged");
		b.power_plugged < 0 ? jnull() : jbool(b.power_plugged);
		obj_end();
	}
}

static void do_sys(void)
{
	struct fb_user *u;
	pid_t *pids;
	double bt;
	size_t n;

	key("boot_time");
	fb_boot_time(&bt) ? jnull() : jdbl(bt);
	key("users");
	arr_begin();
	if (!fb_users(&u, &n)) {
		for (size_t i = 0; i < n; i++) {
			obj_begin();
			kstr("name", u[i].name);
			key("terminal");
			(u[i].valid & FB_USER_TERMINAL) ? jstr(u[i].terminal) : jnull();
			kstr("host", u[i].host);
			kdbl("started", u[i].started);
			kint("pid", u[i].pid);
			obj_end();
		}
		free(u);
	}
	arr_end();
	key("pids");
	arr_begin();
	if (!fb_pids(&pids, &n)) {
		for (size_t i = 0; i < n; i++)
			jint(pids[i]);
		free(pids);
	}
	arr_end();
}

/* ------------------------------------------------------------------ processes */

static void perr(const char *k, struct fb_proc *p)
{
	const struct fb_error *e = fb_proc__error(p);

	key(k);
	obj_begin();
	kstr("error", fb_err_kind_name(e->kind));
	kint("pid", e->pid);
	kstr("what", e->what);
	kint("errno", e->err);
	obj_end();
}

static void print_proc(pid_t pid)
{
	struct fb_proc *p = fb_proc__new(pid);
	char buf[4096];
	struct fb_strv sv;
	enum fb_proc_status st;
	struct fb_ids ids;
	struct fb_proc_cpu_times ct;
	struct fb_proc_mem mi;
	struct fb_proc_mem_full mf;
	struct fb_proc_io io;
	struct fb_thread *th;
	struct fb_open_file *of;
	struct fb_conn *cn;
	struct fb_mmap *mm;
	pid_t *pl, ppid;
	int iv, *cpus, cls;
	uint64_t a, b;
	int64_t soft, hard;
	double d;
	size_t n;

	obj_begin();
	if (!p) {
		kstr("error", "NoSuchProcess");
		kint("pid", pid);
		obj_end();
		return;
	}
	fb_proc__oneshot_begin(p);
	kint("pid", pid);
	fb_proc__name(p, buf, sizeof(buf)) ? perr("name", p) : kstr("name", buf);
	fb_proc__exe(p, buf, sizeof(buf)) ? perr("exe", p) : kstr("exe", buf);
	if (fb_proc__cmdline(p, &sv)) {
		perr("cmdline", p);
	} else {
		key("cmdline");
		arr_begin();
		for (size_t i = 0; i < sv.n; i++)
			jstr(sv.v[i]);
		arr_end();
		fb_strv_free(&sv);
	}
	if (fb_proc__environ(p, &sv)) {
		perr("environ", p);
	} else {
		key("environ");
		obj_begin();
		for (size_t i = 0; i < sv.n; i++) {
			char *eq = strchr(sv.v[i], '=');

			*eq = '\0';
			kstr(sv.v[i], eq + 1);
		}
		obj_end();
		fb_strv_free(&sv);
	}
	fb_proc__status(p, &st) ? perr("status", p) : kstr("status", fb_status_name(st));
	fb_proc__create_time(p, &d) ? perr("create_time", p) : kdbl("create_time", d);
	fb_proc__cwd(p, buf, sizeof(buf)) ? perr("cwd", p) : kstr("cwd", buf);
	fb_proc__username(p, buf, sizeof(buf)) ? perr("username", p) : kstr("username", buf);
	if (fb_proc__uids(p, &ids)) {
		perr("uids", p);
	} else {
		key("uids");
		arr_begin();
		jint(ids.real);
		jint(ids.effective);
		jint(ids.saved);
		arr_end();
	}
	if (fb_proc__gids(p, &ids)) {
		perr("gids", p);
	} else {
		key("gids");
		arr_begin();
		jint(ids.real);
		jint(ids.effective);
		jint(ids.saved);
		arr_end();
	}
	if (fb_proc__terminal(p, buf, sizeof(buf)))
		perr("terminal", p);
	else if (buf[0])
		kstr("terminal", buf);
	else
		knull("terminal");
	fb_proc__ppid(p, &ppid) ? perr("ppid", p) : kint("ppid", ppid);
	if (fb_proc__parents(p, &pl, &n)) {
		perr("parents", p);
	} else {
		key("parents");
		arr_begin();
		for (size_t i = 0; i < n; i++)
			jint(pl[i]);
		arr_end();
		free(pl);
	}
	for (int rec = 0; rec < 2; rec++) {
		const char *k = rec ? "children_recursive" : "children";

		if (fb_proc__children(p, rec, &pl, &n)) {
			perr(k, p);
			continue;
		}
		key(k);
		arr_begin();
		for (size_t i = 0; i < n; i++)
			jint(pl[i]);
		arr_end();
		free(pl);
	}
	fb_proc__nice(p, &iv) ? perr("nice", p) : kint("nice", iv);
	if (fb_proc__ionice(p, (enum fb_ioprio_class *)&cls, &iv)) {
		perr("ionice", p);
	} else {
		key("ionice");
		arr_begin();
		jint(cls);
		jint(iv);
		arr_end();
	}
	if (fb_proc__rlimit(p, 7 /* RLIMIT_NOFILE */, &soft, &hard)) {
		perr("rlimit_nofile", p);
	} else {
		key("rlimit_nofile");
		arr_begin();
		jint(soft);
		jint(hard);
		arr_end();
	}
	if (fb_proc__cpu_affinity(p, &cpus, &n)) {
		perr("cpu_affinity", p);
	} else {
		key("cpu_affinity");
		arr_begin();
		for (size_t i = 0; i < n; i++)
			jint(cpus[i]);
		arr_end();
		free(cpus);
	}
	fb_proc__cpu_num(p, &iv) ? perr("cpu_num", p) : kint("cpu_num", iv);
	if (fb_proc__cpu_times(p, &ct)) {
		perr("cpu_times", p);
	} else {
		key("cpu_times");
		obj_begin();
		kdbl("user", ct.user);
		kdbl("system", ct.system);
		kdbl("children_user", ct.children_user);
		kdbl("children_system", ct.children_system);
		kdbl_opt("iowait", ct.iowait, ct.valid & FB_PCPU_IOWAIT);
		obj_end();
	}
	fb_proc__cpu_percent(p, 0, &d) ? perr("cpu_percent", p) : kdbl("cpu_percent", d);
	if (fb_proc__io_counters(p, &io)) {
		perr("io_counters", p);
	} else {
		key("io_counters");
		obj_begin();
		kuint("read_count", io.read_count);
		kuint("write_count", io.write_count);
		kuint("read_bytes", io.read_bytes);
		kuint("write_bytes", io.write_bytes);
		kuint("read_chars", io.read_chars);
		kuint("write_chars", io.write_chars);
		obj_end();
	}
	if (fb_proc__num_ctx_switches(p, &a, &b)) {
		perr("num_ctx_switches", p);
	} else {
		key("num_ctx_switches");
		obj_begin();
		kuint("voluntary", a);
		kuint("involuntary", b);
		obj_end();
	}
	fb_proc__num_fds(p, &iv) ? perr("num_fds", p) : kint("num_fds", iv);
	fb_proc__num_threads(p, &iv) ? perr("num_threads", p) : kint("num_threads", iv);
	if (fb_proc__threads(p, &th, &n)) {
		perr("threads", p);
	} else {
		key("threads");
		arr_begin();
		for (size_t i = 0; i < n; i++) {
			obj_begin();
			kint("id", th[i].id);
			kdbl("user_time", th[i].user_time);
			kdbl("system_time", th[i].system_time);
			obj_end();
		}
		arr_end();
		free(th);
	}
	if (fb_proc__open_files(p, &of, &n)) {
		perr("open_files", p);
	} else {
		key("open_files");
		arr_begin();
		for (size_t i = 0; i < n; i++) {
			obj_begin();
			kstr("path", of[i].path);
			kint("fd", of[i].fd);
			kuint("position", of[i].position);
			kstr("mode", of[i].mode);
			kuint("flags", of[i].flags);
			obj_end();
		}
		arr_end();
		free(of);
	}
	if (fb_proc__net_connections(p, FB_KIND_ALL, &cn, &n)) {
		perr("net_connections", p);
	} else {
		key("net_connections");
		print_conns(cn, n, false);
		free(cn);
	}
	if (fb_proc__memory_info(p, &mi)) {
		perr("memory_info", p);
	} else {
		key("memory_info");
		obj_begin();
		kuint("rss", mi.rss);
		kuint("vms", mi.vms);
		kuint("shared", mi.shared);
		kuint("text", mi.text);
		kuint("data", mi.data);
		obj_end();
	}
	{
		struct fb_proc_mem_ex mx;

		if (fb_proc__memory_info_ex(p, &mx)) {
			perr("memory_info_ex", p);
		} else {
			key("memory_info_ex");
			obj_begin();
			kuint("rss", mx.base.rss);
			kuint("vms", mx.base.vms);
			key("peak_rss");
			(mx.valid & FB_PMEX_PEAK_RSS) ? juint(mx.peak_rss) : jnull();
			key("peak_vms");
			(mx.valid & FB_PMEX_PEAK_VMS) ? juint(mx.peak_vms) : jnull();
			key("rss_anon");
			(mx.valid & FB_PMEX_RSS_ANON) ? juint(mx.rss_anon) : jnull();
			key("rss_file");
			(mx.valid & FB_PMEX_RSS_FILE) ? juint(mx.rss_file) : jnull();
			key("rss_shmem");
			(mx.valid & FB_PMEX_RSS_SHMEM) ? juint(mx.rss_shmem) : jnull();
			key("swap");
			(mx.valid & FB_PMEX_SWAP) ? juint(mx.swap) : jnull();
			key("hugetlb");
			(mx.valid & FB_PMEX_HUGETLB) ? juint(mx.hugetlb) : jnull();
			obj_end();
		}
	}
	if (fb_proc__memory_full_info(p, &mf)) {
		perr("memory_full_info", p);
	} else {
		key("memory_full_info");
		obj_begin();
		kuint("rss", mf.base.rss);
		kuint("vms", mf.base.vms);
		kuint("uss", mf.uss);
		kuint("pss", mf.pss);
		kuint("swap", mf.swap);
		obj_end();
	}
	fb_proc__memory_percent(p, "rss", &d) ? perr("memory_percent", p)
					      : kdbl("memory_percent", d);
	if (fb_proc__memory_maps(p, true, &mm, &n)) {
		perr("memory_maps", p);
	} else {
		key("memory_maps");
		arr_begin();
		for (size_t i = 0; i < n; i++) {
			obj_begin();
			kstr("path", mm[i].path);
			kuint("rss", mm[i].rss);
			kuint("size", mm[i].size);
			kuint("pss", mm[i].pss);
			kuint("shared_clean", mm[i].shared_clean);
			kuint("shared_dirty", mm[i].shared_dirty);
			kuint("private_clean", mm[i].private_clean);
			kuint("private_dirty", mm[i].private_dirty);
			kuint("referenced", mm[i].referenced);
			kuint("anonymous", mm[i].anonymous);
			kuint("swap", mm[i].swap);
			obj_end();
		}
		arr_end();
		free(mm);
	}
	kbool("is_running", fb_proc__is_running(p));
	fb_proc__oneshot_end(p);
	fb_proc__free(p);
	obj_end();
}

static const uint32_t PS_ATTRS = FB_PI_NAME | FB_PI_STATUS | FB_PI_CPU_TIMES | FB_PI_MEMORY_INFO;

static void do_ps(uint32_t attrs, bool print)
{
	struct fb_proc_iter *it = fb_proc_iter__new(attrs);
	const struct fb_proc_info *pi;

	if (!it)
		return;
	if (print)
		arr_begin();
	while ((pi = fb_proc_iter__next(it))) {
		if (!print)
			continue;
		obj_begin();
		kint("pid", pi->pid);
		if (attrs & FB_PI_PPID)
			(pi->valid & FB_PI_PPID) ? kint("ppid", pi->ppid) : knull("ppid");
		if (attrs & FB_PI_NAME)
			(pi->valid & FB_PI_NAME) ? kstr("name", pi->name) : knull("name");
		if (attrs & FB_PI_STATUS)
			(pi->valid & FB_PI_STATUS) ? kstr("status", fb_status_name(pi->status))
						   : knull("status");
		if (attrs & FB_PI_USERNAME)
			(pi->valid & FB_PI_USERNAME) ? kstr("username", pi->username)
						     : knull("username");
		if (attrs & FB_PI_CREATE_TIME)
			(pi->valid & FB_PI_CREATE_TIME) ? kdbl("create_time", pi->create_time)
							: knull("create_time");
		if (attrs & FB_PI_NUM_THREADS)
			(pi->valid & FB_PI_NUM_THREADS) ? kint("num_threads", pi->num_threads)
							: knull("num_threads");
		if (attrs & FB_PI_CPU_TIMES) {
			key("cpu_times");
			if (pi->valid & FB_PI_CPU_TIMES) {
				obj_begin();
				kdbl("user", pi->cpu_times.user);
				kdbl("system", pi->cpu_times.system);
				kdbl("children_user", pi->cpu_times.children_user);
				kdbl("children_system", pi->cpu_times.children_system);
				kdbl("iowait", pi->cpu_times.iowait);
				obj_end();
			} else {
				jnull();
			}
		}
		if (attrs & FB_PI_MEMORY_INFO) {
			key("memory_info");
			if (pi->valid & FB_PI_MEMORY_INFO) {
				obj_begin();
				kuint("rss", pi->memory_info.rss);
				kuint("vms", pi->memory_info.vms);
				kuint("shared", pi->memory_info.shared);
				kuint("text", pi->memory_info.text);
				kuint("data", pi->memory_info.data);
				obj_end();
			} else {
				jnull();
			}
		}
		obj_end();
	}
	if (print)
		arr_end();
	fb_proc_iter__free(it);
}

static void do_snapshot(void)
{
	obj_begin();
	do_cpu(-1);
	do_mem();
	do_disk();
	do_net("all", false);
	do_sensors();
	do_sys();
	key("processes");
	do_ps(PS_ATTRS | FB_PI_PPID | FB_PI_USERNAME | FB_PI_CREATE_TIME | FB_PI_NUM_THREADS, true);
	obj_end();
}

/* ------------------------------------------------------------------ bench */

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int dbl_cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static struct fb_proc_iter *warm_it;

/* The listing as a refreshing tool does it: one iterator, rewound for each refresh. */
static void ps_warm(void)
{
	if (!warm_it)
		warm_it = fb_proc_iter__new(PS_ATTRS);
	else
		fb_proc_iter__rewind(warm_it);
	while (warm_it && fb_proc_iter__next(warm_it))
		;
}

static void bench_one(const char *what)
{
	if (!strcmp(what, "ps-warm")) {
		ps_warm();
	} else if (!strcmp(what, "ps")) {
		do_ps(PS_ATTRS, false);
	} else if (!strcmp(what, "conns")) {
		struct fb_conn *c;
		size_t n;

		if (!fb_net_connections(FB_KIND_ALL, &c, &n))
			free(c);
	} else if (!strcmp(what, "snapshot")) {
		FILE *saved = stdout;

		stdout = fopen("/dev/null", "w");
		do_snapshot();
		fclose(stdout);
		stdout = saved;
	}
}

static double cpu_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts); /* every thread of the process */
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Time RUNS calls after one warm-up; print every sample (wall and CPU ms) and the medians. */
static int do_bench(const char *what, int runs)
{
	double *t = calloc((size_t)runs, sizeof(*t)), *c = calloc((size_t)runs, sizeof(*c));

	if (!t || !c || runs < 1) {
		free(t);
		free(c);
		return 1;
	}
	bench_one(what); /* warm the caches, as the psutil side does */
	for (int i = 0; i < runs; i++) {
		double t0 = now_s(), c0 = cpu_s();

		bench_one(what);
		t[i] = (now_s() - t0) * 1000.0;
		c[i] = (cpu_s() - c0) * 1000.0;
	}
	fb_proc_iter__free(warm_it);
	warm_it = NULL;
	printf("{\"what\":\"%s\",\"runs\":%d,\"wall_ms\":[", what, runs);
	for (int i = 0; i < runs; i++)
		printf("%s%.4f", i ? "," : "", t[i]);
	printf("],\"cpu_ms\":[");
	for (int i = 0; i < runs; i++)
		printf("%s%.4f", i ? "," : "", c[i]);
	qsort(t, (size_t)runs, sizeof(*t), dbl_cmp);
	printf("],\"median_ms\":%.4f,\"min_ms\":%.4f}\n", t[runs / 2], t[0]);
	free(t);
	free(c);
	return 0;
}

/* ------------------------------------------------------------------ main */

static int usage(void)
{
	fprintf(stderr, "usage: fbprobe [--root DIR] CMD\n"
			"  cpu [INTERVAL] | mem | disk | net [KIND] [--procfs] | sensors | sys\n"
			"  proc PID | ps [--all-attrs] | conns KIND [--procfs] | snapshot\n"
			"  kill-tree PID [TIMEOUT] [--no-parent] | bytes2human N | human2bytes S\n"
			"  proc-cpu PID INTERVAL | pid-exists PID | bench "
			"ps|ps-warm|conns|snapshot RUNS\n");
	return 2;
}

int main(int argc, char **argv)
{
	static char outbuf[1 << 20];
	int i = 1;

	setvbuf(stdout, outbuf, _IOFBF, sizeof(outbuf));
	if (argc > 2 && !strcmp(argv[1], "--root")) {
		if (fb_root_set(argv[2]))
			return 2;
		i = 3;
	}
	if (i >= argc)
		return usage();
	const char *cmd = argv[i++];

	if (!strcmp(cmd, "bench")) {
		if (i + 1 >= argc)
			return usage();
		return do_bench(argv[i], atoi(argv[i + 1]));
	}
	if (!strcmp(cmd, "bytes2human") && i < argc) {
		char buf[32];

		fb_bytes2human(strtoull(argv[i], NULL, 10), buf, sizeof(buf));
		printf("\"%s\"\n", buf);
		return 0;
	}
	if (!strcmp(cmd, "human2bytes") && i < argc) {
		uint64_t v;
		int err = fb_human2bytes(argv[i], &v);

		if (err) {
			printf("null\n");
			return 1;
		}
		printf("%llu\n", (unsigned long long)v);
		return 0;
	}
	if (!strcmp(cmd, "proc-cpu") && i + 1 < argc) {
		struct fb_proc *p = fb_proc__new(atoi(argv[i]));
		double pct = -1;
		int err = p ? fb_proc__cpu_percent(p, atof(argv[i + 1]), &pct) : -ESRCH;

		fb_proc__free(p);
		if (err)
			return 1;
		printf("%.1f\n", pct);
		return 0;
	}
	if (!strcmp(cmd, "pid-exists") && i < argc) {
		printf("%s\n", fb_pid_exists(atoi(argv[i])) ? "true" : "false");
		return 0;
	}
	if (!strcmp(cmd, "kill-tree") && i < argc) {
		pid_t *g, *a;
		size_t ng, na;
		double timeout = i + 1 < argc && argv[i + 1][0] != '-' ? atof(argv[i + 1]) : 3;
		bool parent = !(argc > 0 && !strcmp(argv[argc - 1], "--no-parent"));
		int err = fb_kill_tree(atoi(argv[i]), SIGTERM, parent, timeout, &g, &ng, &a, &na);

		if (err) {
			printf("{\"error\":\"%s\"}\n", strerror(-err));
			return 1;
		}
		obj_begin();
		key("gone");
		arr_begin();
		for (size_t k = 0; k < ng; k++)
			jint(g[k]);
		arr_end();
		key("alive");
		arr_begin();
		for (size_t k = 0; k < na; k++)
			jint(a[k]);
		arr_end();
		obj_end();
		putchar('\n');
		free(g);
		free(a);
		return 0;
	}
	if (!strcmp(cmd, "proc") && i < argc) {
		print_proc(atoi(argv[i]));
	} else if (!strcmp(cmd, "ps")) {
		bool all = i < argc && !strcmp(argv[i], "--all-attrs");

		do_ps(all ? 0xfff : PS_ATTRS, true);
	} else if (!strcmp(cmd, "conns") && i < argc) {
		enum fb_conn_kind k;
		struct fb_conn *c;
		size_t n;
		bool procfs = i + 1 < argc && !strcmp(argv[i + 1], "--procfs");
		int err;

		if (fb_conn_kind_parse(argv[i], &k)) {
			fprintf(stderr, "fbprobe: bad kind '%s'\n", argv[i]);
			return 2;
		}
		err = procfs ? fb_net_connections_procfs(k, &c, &n) : fb_net_connections(k, &c, &n);
		if (err) {
			fprintf(stderr, "fbprobe: net_connections: %s\n", strerror(-err));
			return 1;
		}
		print_conns(c, n, true);
		free(c);
	} else if (!strcmp(cmd, "snapshot")) {
		do_snapshot();
	} else {
		obj_begin();
		if (!strcmp(cmd, "cpu"))
			do_cpu(i < argc ? atof(argv[i]) : -1);
		else if (!strcmp(cmd, "mem"))
			do_mem();
		else if (!strcmp(cmd, "disk"))
			do_disk();
		else if (!strcmp(cmd, "net"))
			do_net(i < argc && argv[i][0] != '-' ? argv[i] : "inet",
			       argc > 0 && !strcmp(argv[argc - 1], "--procfs"));
		else if (!strcmp(cmd, "sensors"))
			do_sensors();
		else if (!strcmp(cmd, "sys"))
			do_sys();
		else
			return usage();
		obj_end();
	}
	putchar('\n');
	return 0;
}
