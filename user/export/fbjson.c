// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * fbjson.c: renders the fallback library's system results as JSON with psutil's names
 * (cpu_times, virtual_memory, disk_io_counters, net_if_addrs, ...), for the commands that
 * expose the library. Invalid fields become null, never 0.
 */
#include "export/fbjson.h"

#include <stdlib.h>
#include <string.h>

#include "port.h"

static void opt_f64(struct jw *w, const char *k, double v, bool valid)
{
	if (valid)
		jw__f64(w, k, v);
	else
		jw__null(w, k);
}

static void cpu_times(struct jw *w, const char *key, const struct fb_cpu_times *t)
{
	jw__obj_begin(w, key);
	jw__f64(w, "user", t->user);
	jw__f64(w, "nice", t->nice);
	jw__f64(w, "system", t->system);
	jw__f64(w, "idle", t->idle);
	opt_f64(w, "iowait", t->iowait, t->valid & FB_CPU_IOWAIT);
	opt_f64(w, "irq", t->irq, t->valid & FB_CPU_IRQ);
	opt_f64(w, "softirq", t->softirq, t->valid & FB_CPU_SOFTIRQ);
	opt_f64(w, "steal", t->steal, t->valid & FB_CPU_STEAL);
	opt_f64(w, "guest", t->guest, t->valid & FB_CPU_GUEST);
	opt_f64(w, "guest_nice", t->guest_nice, t->valid & FB_CPU_GUEST_NICE);
	jw__obj_end(w);
}

void fbjson_cpu_times(struct jw *w, const char *key, const struct fb_cpu_times *t)
{
	cpu_times(w, key, t);
}

void fbjson_cpu(struct jw *w)
{
	struct fb_cpu_times t, *pt;
	struct fb_cpu_stats cs;
	struct fb_cpu_freq f;
	double la[3];
	size_t n;
	int c;

	if (!fb_cpu_times(&t))
		cpu_times(w, "cpu_times", &t);
	else
		jw__null(w, "cpu_times");
	jw__arr_begin(w, "cpu_times_percpu");
	if (!fb_cpu_times_percpu(&pt, &n)) {
		for (size_t i = 0; i < n; i++)
			cpu_times(w, NULL, &pt[i]);
		free(pt);
	}
	jw__arr_end(w);
	c = fb_cpu_count(true);
	c > 0 ? jw__s64(w, "cpu_count", c) : jw__null(w, "cpu_count");
	c = fb_cpu_count(false);
	c > 0 ? jw__s64(w, "cpu_count_cores", c) : jw__null(w, "cpu_count_cores");
	if (!fb_cpu_stats(&cs)) {
		jw__obj_begin(w, "cpu_stats");
		jw__u64(w, "ctx_switches", cs.ctx_switches);
		jw__u64(w, "interrupts", cs.interrupts);
		jw__u64(w, "soft_interrupts", cs.soft_interrupts);
		jw__null(w, "syscalls");
		jw__obj_end(w);
	} else {
		jw__null(w, "cpu_stats");
	}
	if (!fb_cpu_freq(&f)) {
		jw__obj_begin(w, "cpu_freq");
		jw__f64(w, "current", f.current);
		opt_f64(w, "min", f.min, f.valid & FB_FREQ_MIN);
		opt_f64(w, "max", f.max, f.valid & FB_FREQ_MAX);
		jw__obj_end(w);
	} else {
		jw__null(w, "cpu_freq");
	}
	if (!fb_getloadavg(la)) {
		jw__arr_begin(w, "getloadavg");
		for (int i = 0; i < 3; i++)
			jw__f64(w, NULL, la[i]);
		jw__arr_end(w);
	} else {
		jw__null(w, "getloadavg");
	}
}

void fbjson_virtual_memory(struct jw *w)
{
	struct fb_vmem m;

	if (!fb_virtual_memory(&m)) {
		static const struct {
			const char *k;
			size_t off;
			uint32_t bit;
		} f[] = {
			{ "total", offsetof(struct fb_vmem, total), FB_VMEM_TOTAL },
			{ "available", offsetof(struct fb_vmem, available), FB_VMEM_AVAILABLE },
			{ "used", offsetof(struct fb_vmem, used), FB_VMEM_USED },
			{ "free", offsetof(struct fb_vmem, free), FB_VMEM_FREE },
			{ "active", offsetof(struct fb_vmem, active), FB_VMEM_ACTIVE },
			{ "inactive", offsetof(struct fb_vmem, inactive), FB_VMEM_INACTIVE },
			{ "buffers", offsetof(struct fb_vmem, buffers), FB_VMEM_BUFFERS },
			{ "cached", offsetof(struct fb_vmem, cached), FB_VMEM_CACHED },
			{ "shared", offsetof(struct fb_vmem, shared), FB_VMEM_SHARED },
			{ "slab", offsetof(struct fb_vmem, slab), FB_VMEM_SLAB },
		};

		jw__obj_begin(w, "virtual_memory");
		for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++) {
			if (m.valid & f[i].bit)
				jw__u64(w, f[i].k,
					*(const uint64_t *)((const char *)&m + f[i].off));
			else
				jw__null(w, f[i].k);
		}
		opt_f64(w, "percent", m.percent, m.valid & FB_VMEM_PERCENT);
		jw__obj_end(w);
	} else {
		jw__null(w, "virtual_memory");
	}
}

void fbjson_swap(struct jw *w)
{
	struct fb_swap s;

	if (!fb_swap_memory(&s)) {
		jw__obj_begin(w, "swap_memory");
		jw__u64(w, "total", s.total);
		jw__u64(w, "used", s.used);
		jw__u64(w, "free", s.free);
		jw__f64(w, "percent", s.percent);
		(s.valid & FB_SWAP_SIN) ? jw__u64(w, "sin", s.sin) : jw__null(w, "sin");
		(s.valid & FB_SWAP_SOUT) ? jw__u64(w, "sout", s.sout) : jw__null(w, "sout");
		jw__obj_end(w);
	} else {
		jw__null(w, "swap_memory");
	}
}

void fbjson_mem(struct jw *w)
{
	fbjson_virtual_memory(w);
	fbjson_swap(w);
}

static void disk_io(struct jw *w, const char *key, const struct fb_disk_io *d)
{
	jw__obj_begin(w, key);
	jw__u64(w, "read_count", d->read_count);
	jw__u64(w, "write_count", d->write_count);
	jw__u64(w, "read_bytes", d->read_bytes);
	jw__u64(w, "write_bytes", d->write_bytes);
	if (d->valid & FB_DIO_READ_TIME)
		jw__u64(w, "read_time", d->read_time);
	if (d->valid & FB_DIO_WRITE_TIME)
		jw__u64(w, "write_time", d->write_time);
	if (d->valid & FB_DIO_MERGED) {
		jw__u64(w, "read_merged_count", d->read_merged_count);
		jw__u64(w, "write_merged_count", d->write_merged_count);
	}
	if (d->valid & FB_DIO_BUSY_TIME)
		jw__u64(w, "busy_time", d->busy_time);
	jw__obj_end(w);
}

void fbjson_disks(struct jw *w)
{
	struct fb_partitions parts;

	jw__arr_begin(w, "disk_partitions");
	if (!fb_disk_partitions(false, &parts)) {
		for (size_t i = 0; i < parts.n; i++) {
			struct fb_disk_usage u;

			jw__obj_begin(w, NULL);
			jw__str(w, "device", parts.v[i].device);
			jw__str(w, "mountpoint", parts.v[i].mountpoint);
			jw__str(w, "fstype", parts.v[i].fstype);
			jw__str(w, "opts", parts.v[i].opts);
			if (!fb_disk_usage(parts.v[i].mountpoint, &u)) {
				jw__obj_begin(w, "disk_usage");
				jw__u64(w, "total", u.total);
				jw__u64(w, "used", u.used);
				jw__u64(w, "free", u.free);
				jw__f64(w, "percent", u.percent);
				jw__obj_end(w);
			} else {
				jw__null(w, "disk_usage");
			}
			jw__obj_end(w);
		}
		fb_partitions_free(&parts);
	}
	jw__arr_end(w);
}

void fbjson_disk_io(struct jw *w)
{
	struct fb_disk_io *d = NULL;
	size_t n = 0;

	if (!fb_disk_io_counters(false, NULL, &d, &n) && n)
		disk_io(w, "disk_io_counters", &d[0]);
	else
		jw__null(w, "disk_io_counters");
	free(d);
	jw__obj_begin(w, "disk_io_counters_perdisk");
	if (!fb_disk_io_counters(true, NULL, &d, &n)) {
		for (size_t i = 0; i < n; i++)
			disk_io(w, d[i].name, &d[i]);
		free(d);
	}
	jw__obj_end(w);
}

void fbjson_disk(struct jw *w)
{
	fbjson_disks(w);
	fbjson_disk_io(w);
}

static void net_io(struct jw *w, const char *key, const struct fb_net_io *d)
{
	jw__obj_begin(w, key);
	jw__u64(w, "bytes_sent", d->bytes_sent);
	jw__u64(w, "bytes_recv", d->bytes_recv);
	jw__u64(w, "packets_sent", d->packets_sent);
	jw__u64(w, "packets_recv", d->packets_recv);
	jw__u64(w, "errin", d->errin);
	jw__u64(w, "errout", d->errout);
	jw__u64(w, "dropin", d->dropin);
	jw__u64(w, "dropout", d->dropout);
	jw__obj_end(w);
}

static void opt_str(struct jw *w, const char *k, const char *v, bool valid)
{
	if (valid)
		jw__str(w, k, v);
	else
		jw__null(w, k);
}

void fbjson_net_io(struct jw *w, bool pernic)
{
	struct fb_net_io *io;
	size_t n;

	if (!pernic) {
		if (!fb_net_io_counters(false, NULL, &io, &n) && n) {
			net_io(w, "net_io_counters", &io[0]);
			free(io);
		} else {
			jw__null(w, "net_io_counters");
		}
		return;
	}
	jw__obj_begin(w, "net_io_counters_pernic");
	if (!fb_net_io_counters(true, NULL, &io, &n)) {
		for (size_t i = 0; i < n; i++)
			net_io(w, io[i].name, &io[i]);
		free(io);
	}
	jw__obj_end(w);
}

void fbjson_if_addrs(struct jw *w)
{
	struct fb_if_addr *a;
	size_t n;

	jw__obj_begin(w, "net_if_addrs");
	if (!fb_net_if_addrs(&a, &n)) {
		for (size_t i = 0; i < n; i++) {
			if (i == 0 || strcmp(a[i].name, a[i - 1].name)) {
				if (i)
					jw__arr_end(w);
				jw__arr_begin(w, a[i].name);
			}
			jw__obj_begin(w, NULL);
			jw__s64(w, "family", a[i].family);
			jw__str(w, "address", a[i].address);
			opt_str(w, "netmask", a[i].netmask, a[i].valid & FB_IFA_NETMASK);
			opt_str(w, "broadcast", a[i].broadcast, a[i].valid & FB_IFA_BROADCAST);
			opt_str(w, "ptp", a[i].ptp, a[i].valid & FB_IFA_PTP);
			jw__obj_end(w);
		}
		if (n)
			jw__arr_end(w);
		free(a);
	}
	jw__obj_end(w);
}

void fbjson_if_stats(struct jw *w)
{
	struct fb_if_stats *st;
	size_t n;

	jw__obj_begin(w, "net_if_stats");
	if (!fb_net_if_stats(&st, &n)) {
		for (size_t i = 0; i < n; i++) {
			jw__obj_begin(w, st[i].name);
			jw__bool(w, "isup", st[i].isup);
			jw__s64(w, "duplex", st[i].duplex);
			jw__s64(w, "speed", st[i].speed);
			jw__s64(w, "mtu", st[i].mtu);
			jw__str(w, "flags", st[i].flags);
			jw__obj_end(w);
		}
		free(st);
	}
	jw__obj_end(w);
}

void fbjson_nics(struct jw *w)
{
	fbjson_net_io(w, false);
	fbjson_net_io(w, true);
	fbjson_if_addrs(w);
	fbjson_if_stats(w);
}

void fbjson_sensors(struct jw *w)
{
	struct fb_battery b;
	struct fb_temp *t;
	struct fb_fan *f;
	size_t n;

	jw__obj_begin(w, "sensors_temperatures");
	if (!fb_sensors_temperatures(&t, &n)) {
		for (size_t i = 0; i < n; i++) {
			if (i == 0 || strcmp(t[i].chip, t[i - 1].chip)) {
				if (i)
					jw__arr_end(w);
				jw__arr_begin(w, t[i].chip);
			}
			jw__obj_begin(w, NULL);
			jw__str(w, "label", t[i].label);
			jw__f64(w, "current", t[i].current);
			opt_f64(w, "high", t[i].high, t[i].valid & FB_TEMP_HIGH);
			opt_f64(w, "critical", t[i].critical, t[i].valid & FB_TEMP_CRITICAL);
			jw__obj_end(w);
		}
		if (n)
			jw__arr_end(w);
		free(t);
	}
	jw__obj_end(w);
	jw__obj_begin(w, "sensors_fans");
	if (!fb_sensors_fans(&f, &n)) {
		for (size_t i = 0; i < n; i++) {
			if (i == 0 || strcmp(f[i].chip, f[i - 1].chip)) {
				if (i)
					jw__arr_end(w);
				jw__arr_begin(w, f[i].chip);
			}
			jw__obj_begin(w, NULL);
			jw__str(w, "label", f[i].label);
			jw__f64(w, "current", f[i].current);
			jw__obj_end(w);
		}
		if (n)
			jw__arr_end(w);
		free(f);
	}
	jw__obj_end(w);
	if (!fb_sensors_battery(&b) && b.present) {
		jw__obj_begin(w, "sensors_battery");
		jw__f64(w, "percent", b.percent);
		jw__s64(w, "secsleft", b.secsleft);
		if (b.power_plugged < 0)
			jw__null(w, "power_plugged");
		else
			jw__bool(w, "power_plugged", b.power_plugged);
		jw__obj_end(w);
	} else {
		jw__null(w, "sensors_battery");
	}
}

void fbjson_boot(struct jw *w)
{
	double bt;

	if (!fb_boot_time(&bt))
		jw__f64(w, "boot_time", bt);
	else
		jw__null(w, "boot_time");
}

void fbjson_users(struct jw *w)
{
	struct fb_user *u;
	size_t n;

	jw__arr_begin(w, "users");
	if (!fb_users(&u, &n)) {
		for (size_t i = 0; i < n; i++) {
			jw__obj_begin(w, NULL);
			jw__str(w, "name", u[i].name);
			opt_str(w, "terminal", u[i].terminal, u[i].valid & FB_USER_TERMINAL);
			jw__str(w, "host", u[i].host);
			jw__f64(w, "started", u[i].started);
			jw__s64(w, "pid", u[i].pid);
			jw__obj_end(w);
		}
		free(u);
	}
	jw__arr_end(w);
}

/* Beyond psutil: what this process' container allows. */
void fbjson_cgroup(struct jw *w)
{
	struct fb_cgroup_limits cg;
	int c;

	c = fb_cpu_count_usable();
	c > 0 ? jw__s64(w, "cpu_count_usable", c) : jw__null(w, "cpu_count_usable");
	if (!fb_cgroup_limits(0, &cg)) {
		jw__obj_begin(w, "cgroup");
		jw__str(w, "path", cg.path);
		(cg.valid & FB_CG_MEMORY_LIMIT) ? jw__u64(w, "memory_limit", cg.memory_limit)
						: jw__null(w, "memory_limit");
		(cg.valid & FB_CG_MEMORY_CURRENT) ? jw__u64(w, "memory_current", cg.memory_current)
						  : jw__null(w, "memory_current");
		opt_f64(w, "cpu_quota", cg.cpu_quota, cg.valid & FB_CG_CPU_QUOTA);
		jw__obj_end(w);
	} else {
		jw__null(w, "cgroup");
	}
}

void fbjson_system(struct jw *w)
{
	fbjson_boot(w);
	fbjson_users(w);
	fbjson_cgroup(w);
}

static void addr(struct jw *w, const char *key, const struct fb_conn *c,
		 const struct fb_sockaddr *a)
{
	if (c->family == AF_UNIX) {
		jw__str(w, key, a->addr);
		return;
	}
	jw__arr_begin(w, key);
	if (a->valid) {
		jw__str(w, NULL, a->addr);
		jw__u64(w, NULL, a->port);
	}
	jw__arr_end(w);
}

void fbjson_conn(struct jw *w, const struct fb_conn *c, bool with_pid)
{
	jw__obj_begin(w, NULL);
	fbjson_conn_fields(w, c, with_pid);
	jw__obj_end(w);
}

void fbjson_conn_fields(struct jw *w, const struct fb_conn *c, bool with_pid)
{
	jw__s64(w, "fd", c->fd);
	jw__s64(w, "family", c->family);
	jw__s64(w, "type", c->type);
	addr(w, "laddr", c, &c->laddr);
	addr(w, "raddr", c, &c->raddr);
	jw__str(w, "status", fb_conn_status_name(c->status));
	if (with_pid) {
		if (c->pid >= 0)
			jw__s64(w, "pid", c->pid);
		else
			jw__null(w, "pid");
	}
}

/* A memory_info field, null where the platform keeps none (shared, text, data on Windows). */
static void mem_u64(struct jw *w, const char *k, uint64_t v)
{
	if (v == FB_MEM_UNKNOWN)
		jw__null(w, k);
	else
		jw__u64(w, k, v);
}

/* psutil's Process.io_counters() */
static void proc_io(struct jw *w, const char *key, const struct fb_proc_io *io)
{
	jw__obj_begin(w, key);
	jw__u64(w, "read_count", io->read_count);
	jw__u64(w, "write_count", io->write_count);
	jw__u64(w, "read_bytes", io->read_bytes);
	jw__u64(w, "write_bytes", io->write_bytes);
	jw__u64(w, "read_chars", io->read_chars);
	jw__u64(w, "write_chars", io->write_chars);
	jw__obj_end(w);
}

void fbjson_proc_info_fields(struct jw *w, const struct fb_proc_info *pi, uint32_t attrs,
			     double cpu_percent)
{
	uint32_t v = pi->valid;

	jw__s64(w, "pid", pi->pid);
	if (attrs & FB_PI_PPID)
		(v & FB_PI_PPID) ? jw__s64(w, "ppid", pi->ppid) : jw__null(w, "ppid");
	if (attrs & FB_PI_NAME)
		opt_str(w, "name", pi->name, v & FB_PI_NAME);
	if (attrs & FB_PI_USERNAME)
		opt_str(w, "username", pi->username, v & FB_PI_USERNAME);
	if (attrs & FB_PI_STATUS)
		opt_str(w, "status", fb_status_name(pi->status), v & FB_PI_STATUS);
	if (attrs & FB_PI_CREATE_TIME)
		opt_f64(w, "create_time", pi->create_time, v & FB_PI_CREATE_TIME);
	if (attrs & FB_PI_NUM_THREADS)
		(v & FB_PI_NUM_THREADS) ? jw__s64(w, "num_threads", pi->num_threads)
					: jw__null(w, "num_threads");
	if (attrs & FB_PI_NICE)
		(v & FB_PI_NICE) ? jw__s64(w, "nice", pi->nice) : jw__null(w, "nice");
	if (attrs & FB_PI_TERMINAL)
		opt_str(w, "terminal", pi->terminal, (v & FB_PI_TERMINAL) && pi->terminal[0]);
	if (attrs & FB_PI_CPU_TIMES) {
		if (v & FB_PI_CPU_TIMES) {
			jw__obj_begin(w, "cpu_times");
			jw__f64(w, "user", pi->cpu_times.user);
			jw__f64(w, "system", pi->cpu_times.system);
			jw__f64(w, "children_user", pi->cpu_times.children_user);
			jw__f64(w, "children_system", pi->cpu_times.children_system);
			opt_f64(w, "iowait", pi->cpu_times.iowait,
				pi->cpu_times.valid & FB_PCPU_IOWAIT);
			jw__obj_end(w);
		} else {
			jw__null(w, "cpu_times");
		}
	}
	if (attrs & FB_PI_MEMORY_INFO) {
		if (v & FB_PI_MEMORY_INFO) {
			jw__obj_begin(w, "memory_info");
			mem_u64(w, "rss", pi->memory_info.rss);
			mem_u64(w, "vms", pi->memory_info.vms);
			mem_u64(w, "shared", pi->memory_info.shared);
			mem_u64(w, "text", pi->memory_info.text);
			mem_u64(w, "data", pi->memory_info.data);
			jw__obj_end(w);
		} else {
			jw__null(w, "memory_info");
		}
	}
	if (attrs & FB_PI_IO_COUNTERS) {
		if (v & FB_PI_IO_COUNTERS)
			proc_io(w, "io_counters", &pi->io_counters);
		else
			jw__null(w, "io_counters");
	}
	if (cpu_percent >= 0)
		jw__f64(w, "cpu_percent", cpu_percent);
}

void fbjson_proc_info(struct jw *w, const struct fb_proc_info *pi, uint32_t attrs,
		      double cpu_percent)
{
	jw__obj_begin(w, NULL);
	fbjson_proc_info_fields(w, pi, attrs, cpu_percent);
	jw__obj_end(w);
}

static void opt_u64(struct jw *w, const char *k, uint64_t v, bool valid)
{
	if (valid)
		jw__u64(w, k, v);
	else
		jw__null(w, k);
}

static void proc_mem(struct jw *w, const struct fb_proc_mem *m)
{
	jw__u64(w, "rss", m->rss);
	jw__u64(w, "vms", m->vms);
	mem_u64(w, "shared", m->shared);
	mem_u64(w, "text", m->text);
	mem_u64(w, "data", m->data);
}

static void proc_ids(struct jw *w, const char *key, const struct fb_ids *ids)
{
	jw__obj_begin(w, key);
	jw__u64(w, "real", ids->real);
	jw__u64(w, "effective", ids->effective);
	jw__u64(w, "saved", ids->saved);
	jw__obj_end(w);
}

static void proc_strv(struct jw *w, const char *key, const struct fb_strv *v)
{
	jw__arr_begin(w, key);
	for (size_t i = 0; i < v->n; i++)
		jw__str(w, NULL, v->v[i]);
	jw__arr_end(w);
}

/*
 * The duplicate check is quadratic: past this many variables (a hostile process can have
 * hundreds of thousands) duplicates are written as they come, and a JSON reader keeps the
 * last one, which is what psutil's dict keeps too.
 */
#define ENVIRON_DEDUP_MAX 4096

/* environ as psutil's dict: KEY -> VALUE, a later duplicate of a key wins as in a dict. */
static void proc_environ(struct jw *w, const struct fb_strv *v)
{
	bool dedup = v->n <= ENVIRON_DEDUP_MAX;

	jw__obj_begin(w, "environ");
	for (size_t i = 0; i < v->n; i++) {
		const char *eq = strchr(v->v[i], '=');
		size_t klen = (size_t)(eq - v->v[i]);
		bool later = false;
		char *key;

		for (size_t j = i + 1; dedup && j < v->n && !later; j++)
			later = !strncmp(v->v[j], v->v[i], klen + 1);
		if (later)
			continue;
		key = malloc(klen + 1); /* a name may be long: no fixed buffer (and no strndup) */
		if (!key)
			continue;
		memcpy(key, v->v[i], klen);
		key[klen] = '\0';
		jw__str(w, key, eq + 1);
		free(key);
	}
	jw__obj_end(w);
}

static void proc_mmap(struct jw *w, const struct fb_mmap *m)
{
	jw__obj_begin(w, NULL);
	jw__str(w, "path", m->path);
	jw__u64(w, "rss", m->rss);
	jw__u64(w, "size", m->size);
	jw__u64(w, "pss", m->pss);
	jw__u64(w, "shared_clean", m->shared_clean);
	jw__u64(w, "shared_dirty", m->shared_dirty);
	jw__u64(w, "private_clean", m->private_clean);
	jw__u64(w, "private_dirty", m->private_dirty);
	jw__u64(w, "referenced", m->referenced);
	jw__u64(w, "anonymous", m->anonymous);
	jw__u64(w, "swap", m->swap);
	jw__obj_end(w);
}

static void proc_child(struct jw *w, const char *key, const struct pd_child *c)
{
	jw__obj_begin(w, key);
	jw__s64(w, "pid", c->pid);
	jw__str(w, "name", c->name);
	jw__obj_end(w);
}

static void proc_dict_value(struct jw *w, const struct proc_dict *d, enum pd_attr a)
{
	const char *k = pd_attr_names[a];

	switch (a) {
	case PD_CMDLINE:
		proc_strv(w, k, &d->cmdline);
		return;
	case PD_CONNECTIONS:
		jw__arr_begin(w, k);
		for (size_t i = 0; i < d->nconns; i++)
			fbjson_conn(w, &d->conns[i], false);
		jw__arr_end(w);
		return;
	case PD_CPU_AFFINITY:
		jw__arr_begin(w, k);
		for (size_t i = 0; i < d->naffinity; i++)
			jw__s64(w, NULL, d->affinity[i]);
		jw__arr_end(w);
		return;
	case PD_CPU_NUM:
		jw__s64(w, k, d->cpu_num);
		return;
	case PD_CPU_PERCENT:
		jw__f64(w, k, d->cpu_percent);
		return;
	case PD_CPU_TIMES:
		jw__obj_begin(w, k);
		jw__f64(w, "user", d->cpu_times.user);
		jw__f64(w, "system", d->cpu_times.system);
		jw__f64(w, "children_user", d->cpu_times.children_user);
		jw__f64(w, "children_system", d->cpu_times.children_system);
		opt_f64(w, "iowait", d->cpu_times.iowait, d->cpu_times.valid & FB_PCPU_IOWAIT);
		jw__obj_end(w);
		return;
	case PD_CREATE_TIME:
		jw__f64(w, k, d->create_time);
		return;
	case PD_CWD:
		jw__str(w, k, d->cwd);
		return;
	case PD_ENVIRON:
		proc_environ(w, &d->environ);
		return;
	case PD_EXE:
		jw__str(w, k, d->exe);
		return;
	case PD_GIDS:
		proc_ids(w, k, &d->gids);
		return;
	case PD_IO_COUNTERS:
		proc_io(w, k, &d->io);
		return;
	case PD_IONICE:
		jw__obj_begin(w, k);
		jw__s64(w, "ioclass", d->ioclass);
		jw__s64(w, "value", d->iovalue);
		jw__obj_end(w);
		return;
	case PD_MEMORY_FULL_INFO:
		jw__obj_begin(w, k);
		proc_mem(w, &d->mem_full.base);
		opt_u64(w, "uss", d->mem_full.uss, d->mem_full.valid & FB_PMEM_USS);
		opt_u64(w, "pss", d->mem_full.pss, d->mem_full.valid & FB_PMEM_PSS);
		opt_u64(w, "swap", d->mem_full.swap, d->mem_full.valid & FB_PMEM_SWAP);
		jw__obj_end(w);
		return;
	case PD_MEMORY_INFO:
		jw__obj_begin(w, k);
		proc_mem(w, &d->mem);
		jw__obj_end(w);
		return;
	case PD_MEMORY_MAPS:
		jw__arr_begin(w, k);
		for (size_t i = 0; i < d->nmaps; i++)
			proc_mmap(w, &d->maps[i]);
		jw__arr_end(w);
		return;
	case PD_MEMORY_PERCENT:
		jw__f64(w, k, d->memory_percent);
		return;
	case PD_NAME:
		jw__str(w, k, d->name);
		return;
	case PD_NICE:
		jw__s64(w, k, d->nice);
		return;
	case PD_NUM_CTX_SWITCHES:
		jw__obj_begin(w, k);
		jw__u64(w, "voluntary", d->ctx_voluntary);
		jw__u64(w, "involuntary", d->ctx_involuntary);
		jw__obj_end(w);
		return;
	case PD_NUM_FDS:
		jw__s64(w, k, d->num_fds);
		return;
	case PD_NUM_THREADS:
		jw__s64(w, k, d->num_threads);
		return;
	case PD_OPEN_FILES:
		jw__arr_begin(w, k);
		for (size_t i = 0; i < d->nfiles; i++) {
			jw__obj_begin(w, NULL);
			jw__str(w, "path", d->files[i].path);
			jw__s64(w, "fd", d->files[i].fd);
			jw__u64(w, "position", d->files[i].position);
			jw__str(w, "mode", d->files[i].mode);
			jw__u64(w, "flags", d->files[i].flags);
			jw__obj_end(w);
		}
		jw__arr_end(w);
		return;
	case PD_PID:
		jw__s64(w, k, d->pid);
		return;
	case PD_PPID:
		jw__s64(w, k, d->ppid);
		return;
	case PD_STATUS:
		opt_str(w, k, fb_status_name(d->status), fb_status_name(d->status) != NULL);
		return;
	case PD_TERMINAL:
		opt_str(w, k, d->terminal, d->terminal[0] != '\0');
		return;
	case PD_THREADS:
		jw__arr_begin(w, k);
		for (size_t i = 0; i < d->nthreads; i++) {
			jw__obj_begin(w, NULL);
			jw__s64(w, "id", d->threads[i].id);
			jw__f64(w, "user_time", d->threads[i].user_time);
			jw__f64(w, "system_time", d->threads[i].system_time);
			jw__obj_end(w);
		}
		jw__arr_end(w);
		return;
	case PD_UIDS:
		proc_ids(w, k, &d->uids);
		return;
	case PD_USERNAME:
		jw__str(w, k, d->username);
		return;
	case PD_PARENT:
		if (d->parent.pid < 0)
			jw__null(w, k);
		else
			proc_child(w, k, &d->parent);
		return;
	case PD_CHILDREN:
		jw__arr_begin(w, k);
		for (size_t i = 0; i < d->nchildren; i++)
			proc_child(w, NULL, &d->children[i]);
		jw__arr_end(w);
		return;
	case PD_RLIMITS:
		jw__obj_begin(w, k);
		for (size_t i = 0; i < d->nrlimits; i++) {
			jw__arr_begin(w, d->rlimits[i].name);
			jw__s64(w, NULL, d->rlimits[i].soft);
			jw__s64(w, NULL, d->rlimits[i].hard);
			jw__arr_end(w);
		}
		jw__obj_end(w);
		return;
	default:
		return;
	}
}

void fbjson_proc_dict(struct jw *w, const struct proc_dict *d)
{
	jw__obj_begin(w, NULL);
	for (int a = 0; a < PD__COUNT; a++) {
		if (!(d->asked & PD_BIT(a)))
			continue;
		if (proc_dict__has(d, (enum pd_attr)a))
			proc_dict_value(w, d, (enum pd_attr)a);
		else
			jw__null(w, pd_attr_names[a]);
	}
	jw__obj_end(w);
}
