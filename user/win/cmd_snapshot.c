// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * cmd_snapshot.c (Windows): `vigil snapshot`, the whole fallback library at once as one JSON
 * document whose keys are psutil's function and field names (cpu_times, virtual_memory,
 * net_if_addrs, ...).  A field the platform does not provide is null; a function it does not
 * provide at all is null too, so a reader can tell "unsupported" from zero.  The sysctl keys that
 * matter to a tracer are included where the platform has them.
 */
#include "fbcmd.h"

#include <stdlib.h>
#include <string.h>

#include "fallback.h"
#include "wjson.h"

static void cpu_times_obj(struct fj *j, const char *key, const struct fb_cpu_times *t)
{
	static const struct {
		const char *name;
		uint32_t bit;
		size_t off;
	} f[] = {
		{ "user", FB_CPU_USER, offsetof(struct fb_cpu_times, user) },
		{ "nice", FB_CPU_NICE, offsetof(struct fb_cpu_times, nice) },
		{ "system", FB_CPU_SYSTEM, offsetof(struct fb_cpu_times, system) },
		{ "idle", FB_CPU_IDLE, offsetof(struct fb_cpu_times, idle) },
		{ "iowait", FB_CPU_IOWAIT, offsetof(struct fb_cpu_times, iowait) },
		{ "irq", FB_CPU_IRQ, offsetof(struct fb_cpu_times, irq) },
		{ "softirq", FB_CPU_SOFTIRQ, offsetof(struct fb_cpu_times, softirq) },
		{ "steal", FB_CPU_STEAL, offsetof(struct fb_cpu_times, steal) },
		{ "guest", FB_CPU_GUEST, offsetof(struct fb_cpu_times, guest) },
		{ "guest_nice", FB_CPU_GUEST_NICE, offsetof(struct fb_cpu_times, guest_nice) },
	};

	fj__obj(j, key);
	for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++)
		fj__f64_if(j, f[i].name, t->valid & f[i].bit,
			   *(const double *)((const char *)t + f[i].off));
	fj__end(j);
}

static void cpu(struct fj *j)
{
	struct fb_cpu_times t, *pc;
	struct fb_cpu_stats st;
	double load[3];
	size_t n;
	int c;

	if (!fb_cpu_times(&t))
		cpu_times_obj(j, "cpu_times", &t);
	else
		fj__null(j, "cpu_times");
	if (!fb_cpu_times_percpu(&pc, &n)) {
		fj__arr(j, "cpu_times_percpu");
		for (size_t i = 0; i < n; i++)
			cpu_times_obj(j, NULL, &pc[i]);
		fj__end(j);
		free(pc);
	} else {
		fj__null(j, "cpu_times_percpu");
	}
	fj__obj(j, "cpu_count");
	c = fb_cpu_count(true);
	fj__u64_if(j, "logical", c > 0, (uint64_t)c);
	c = fb_cpu_count(false);
	fj__u64_if(j, "physical", c > 0, (uint64_t)c);
	fj__end(j);
	if (!fb_cpu_stats(&st)) {
		fj__obj(j, "cpu_stats");
		fj__u64_if(j, "ctx_switches", st.valid & FB_CPUSTAT_CTX, st.ctx_switches);
		fj__u64_if(j, "interrupts", st.valid & FB_CPUSTAT_INTR, st.interrupts);
		fj__u64_if(j, "soft_interrupts", st.valid & FB_CPUSTAT_SOFTIRQ, st.soft_interrupts);
		fj__u64_if(j, "syscalls", st.valid & FB_CPUSTAT_SYSCALLS, st.syscalls);
		fj__end(j);
	} else {
		fj__null(j, "cpu_stats");
	}
	if (!fb_getloadavg(load)) {
		fj__arr(j, "getloadavg");
		for (int i = 0; i < 3; i++)
			fj__f64(j, NULL, load[i]);
		fj__end(j);
	} else {
		fj__null(j, "getloadavg");
	}
}

static void memory(struct fj *j)
{
	struct fb_vmem m;
	struct fb_swap s;

	if (!fb_virtual_memory(&m)) {
		fj__obj(j, "virtual_memory");
		fj__u64_if(j, "total", m.valid & FB_VMEM_TOTAL, m.total);
		fj__u64_if(j, "available", m.valid & FB_VMEM_AVAILABLE, m.available);
		fj__f64_if(j, "percent", m.valid & FB_VMEM_PERCENT, m.percent);
		fj__u64_if(j, "used", m.valid & FB_VMEM_USED, m.used);
		fj__u64_if(j, "free", m.valid & FB_VMEM_FREE, m.free);
		fj__u64_if(j, "active", m.valid & FB_VMEM_ACTIVE, m.active);
		fj__u64_if(j, "inactive", m.valid & FB_VMEM_INACTIVE, m.inactive);
		fj__u64_if(j, "buffers", m.valid & FB_VMEM_BUFFERS, m.buffers);
		fj__u64_if(j, "cached", m.valid & FB_VMEM_CACHED, m.cached);
		fj__u64_if(j, "shared", m.valid & FB_VMEM_SHARED, m.shared);
		fj__u64_if(j, "slab", m.valid & FB_VMEM_SLAB, m.slab);
		fj__end(j);
	} else {
		fj__null(j, "virtual_memory");
	}
	if (!fb_swap_memory(&s)) {
		fj__obj(j, "swap_memory");
		fj__u64_if(j, "total", s.valid & FB_SWAP_TOTAL, s.total);
		fj__u64_if(j, "used", s.valid & FB_SWAP_USED, s.used);
		fj__u64_if(j, "free", s.valid & FB_SWAP_FREE, s.free);
		fj__f64_if(j, "percent", s.valid & FB_SWAP_PERCENT, s.percent);
		fj__u64_if(j, "sin", s.valid & FB_SWAP_SIN, s.sin);
		fj__u64_if(j, "sout", s.valid & FB_SWAP_SOUT, s.sout);
		fj__end(j);
	} else {
		fj__null(j, "swap_memory");
	}
}

static void disks(struct fj *j)
{
	struct fb_partitions parts;
	struct fb_disk_io *io;
	size_t n;

	if (!fb_disk_partitions(false, &parts)) {
		fj__arr(j, "disk_partitions");
		for (size_t i = 0; i < parts.n; i++) {
			struct fb_disk_usage u;

			fj__obj(j, NULL);
			fj__str(j, "device", parts.v[i].device);
			fj__str(j, "mountpoint", parts.v[i].mountpoint);
			fj__str(j, "fstype", parts.v[i].fstype);
			fj__str(j, "opts", parts.v[i].opts);
			if (!fb_disk_usage(parts.v[i].mountpoint, &u)) {
				fj__obj(j, "disk_usage");
				fj__u64(j, "total", u.total);
				fj__u64(j, "used", u.used);
				fj__u64(j, "free", u.free);
				fj__f64(j, "percent", u.percent);
				fj__end(j);
			} else {
				fj__null(j, "disk_usage");
			}
			fj__end(j);
		}
		fj__end(j);
		fb_partitions_free(&parts);
	} else {
		fj__null(j, "disk_partitions");
	}
	if (!fb_disk_io_counters(true, NULL, &io, &n)) {
		fj__obj(j, "disk_io_counters");
		for (size_t i = 0; i < n; i++) {
			fj__obj(j, io[i].name);
			fj__u64(j, "read_count", io[i].read_count);
			fj__u64(j, "write_count", io[i].write_count);
			fj__u64(j, "read_bytes", io[i].read_bytes);
			fj__u64(j, "write_bytes", io[i].write_bytes);
			fj__u64_if(j, "read_time", io[i].valid & FB_DIO_READ_TIME, io[i].read_time);
			fj__u64_if(j, "write_time", io[i].valid & FB_DIO_WRITE_TIME,
				   io[i].write_time);
			fj__u64_if(j, "busy_time", io[i].valid & FB_DIO_BUSY_TIME, io[i].busy_time);
			fj__end(j);
		}
		fj__end(j);
		free(io);
	} else {
		fj__null(j, "disk_io_counters");
	}
}

static void net(struct fj *j)
{
	struct fb_net_io *io;
	struct fb_if_addr *a;
	struct fb_if_stats *s;
	size_t n;

	if (!fb_net_io_counters(true, NULL, &io, &n)) {
		fj__obj(j, "net_io_counters");
		for (size_t i = 0; i < n; i++) {
			fj__obj(j, io[i].name);
			fj__u64(j, "bytes_sent", io[i].bytes_sent);
			fj__u64(j, "bytes_recv", io[i].bytes_recv);
			fj__u64(j, "packets_sent", io[i].packets_sent);
			fj__u64(j, "packets_recv", io[i].packets_recv);
			fj__u64(j, "errin", io[i].errin);
			fj__u64(j, "errout", io[i].errout);
			fj__u64(j, "dropin", io[i].dropin);
			fj__u64(j, "dropout", io[i].dropout);
			fj__end(j);
		}
		fj__end(j);
		free(io);
	} else {
		fj__null(j, "net_io_counters");
	}
	if (!fb_net_if_addrs(&a, &n)) {
		fj__arr(j, "net_if_addrs");
		for (size_t i = 0; i < n; i++) {
			fj__obj(j, NULL);
			fj__str(j, "nic", a[i].name);
			fj__s64(j, "family", a[i].family);
			fj__str(j, "address", a[i].address);
			if (a[i].valid & FB_IFA_NETMASK)
				fj__str(j, "netmask", a[i].netmask);
			else
				fj__null(j, "netmask");
			if (a[i].valid & FB_IFA_BROADCAST)
				fj__str(j, "broadcast", a[i].broadcast);
			else
				fj__null(j, "broadcast");
			if (a[i].valid & FB_IFA_PTP)
				fj__str(j, "ptp", a[i].ptp);
			else
				fj__null(j, "ptp");
			fj__end(j);
		}
		fj__end(j);
		free(a);
	} else {
		fj__null(j, "net_if_addrs");
	}
	if (!fb_net_if_stats(&s, &n)) {
		fj__obj(j, "net_if_stats");
		for (size_t i = 0; i < n; i++) {
			fj__obj(j, s[i].name);
			fj__bool(j, "isup", s[i].isup);
			fj__str(j, "duplex", fb_nic_duplex_name(s[i].duplex));
			fj__s64(j, "speed", s[i].speed);
			fj__s64(j, "mtu", s[i].mtu);
			fj__str(j, "flags", s[i].flags);
			fj__end(j);
		}
		fj__end(j);
		free(s);
	} else {
		fj__null(j, "net_if_stats");
	}
}

static void sys(struct fj *j)
{
	struct fb_sysctls sc;
	struct fb_win_service *svc;
	struct fb_user *u;
	pid_t *pids;
	double bt;
	size_t n;

	if (!fb_boot_time(&bt))
		fj__f64(j, "boot_time", bt);
	else
		fj__null(j, "boot_time");
	if (!fb_users(&u, &n)) {
		fj__arr(j, "users");
		for (size_t i = 0; i < n; i++) {
			fj__obj(j, NULL);
			fj__str(j, "name", u[i].name);
			fj__str(j, "terminal", u[i].terminal);
			fj__str(j, "host", u[i].host);
			fj__f64(j, "started", u[i].started);
			fj__u64_if(j, "pid", u[i].valid & FB_USER_PID, (uint64_t)u[i].pid);
			fj__end(j);
		}
		fj__end(j);
		free(u);
	} else {
		fj__null(j, "users");
	}
	if (!fb_pids(&pids, &n)) {
		fj__arr(j, "pids");
		for (size_t i = 0; i < n; i++)
			fj__s64(j, NULL, pids[i]);
		fj__end(j);
		free(pids);
	} else {
		fj__null(j, "pids");
	}
	if (fb_sysctl_tracer_keys[0]) {
		fj__obj(j, "sysctl");
		for (size_t k = 0; fb_sysctl_tracer_keys[k]; k++) {
			if (fb_sysctl_list(fb_sysctl_tracer_keys[k], &sc))
				continue;
			for (size_t i = 0; i < sc.n; i++)
				fj__str(j, sc.v[i].name, sc.v[i].value);
			fb_sysctls_free(&sc);
		}
		fj__end(j);
	} else {
		fj__null(j, "sysctl");
	}
	if (!fb_win_service_iter(&svc, &n)) {
		fj__arr(j, "win_service_iter");
		for (size_t i = 0; i < n; i++) {
			fj__obj(j, NULL);
			fj__str(j, "name", svc[i].name);
			fj__str(j, "display_name", svc[i].display_name);
			fj__str(j, "status", svc[i].status);
			fj__u64_if(j, "pid", svc[i].valid & FB_SVC_PID, (uint64_t)svc[i].pid);
			fj__end(j);
		}
		fj__end(j);
		free(svc);
	} else {
		fj__null(j, "win_service_iter");
	}
}

int cmd_snapshot(int argc, char **argv)
{
	struct fbcmd_opts o;
	struct fj j;
	int npos, err;

	err = fbcmd_parse("snapshot", "[--format json]  (psutil's functions as one JSON document)",
			  "", argc, argv, &o, NULL, &npos, 0);
	if (err)
		return err == 1 ? 0 : err;
	fj__init(&j, stdout);
	fj__obj(&j, NULL);
	fj__str(&j, "source", fb_source_name());
	cpu(&j);
	memory(&j);
	disks(&j);
	net(&j);
	sys(&j);
	fj__end(&j);
	return fflush(stdout) ? 1 : 0;
}
