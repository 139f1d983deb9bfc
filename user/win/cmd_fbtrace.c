// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * cmd_fbtrace.c (Windows): `vigil trace` where there is no BPF (the Windows build): it polls the
 * fallback library every --interval seconds and streams `sample` records as NDJSON, one per
 * subsystem (cpu: percent and times percent; mem: virtual memory; net: byte and packet deltas over
 * the interval), each with time, ts_ns (since boot), kind, source and interval_ns, as the tracer's
 * records.  It stops after --count rounds or --duration seconds.
 */
#include "fbcmd.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "fallback.h"
#include "wjson.h"

struct net_tot {
	uint64_t sent, recv, psent, precv;
	bool ok;
};

static struct net_tot net_sample(void)
{
	struct net_tot t = { 0 };
	struct fb_net_io *v;
	size_t n;

	if (!fb_net_io_counters(false, NULL, &v, &n) && n == 1) {
		t = (struct net_tot){ v[0].bytes_sent, v[0].bytes_recv, v[0].packets_sent,
				      v[0].packets_recv, true };
		free(v);
	}
	return t;
}

static void header(struct fj *j, const char *subsystem, double boot, double interval)
{
	time_t now = time(NULL);
	struct tm *tm = gmtime(&now);
	char stamp[40] = "";

	if (tm)
		strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%S.000000000Z", tm);
	fj__obj(j, NULL);
	fj__str(j, "time", stamp);
	fj__u64_if(j, "ts_ns", boot > 0 && (double)now > boot,
		   (uint64_t)(((double)now - boot) * 1e9));
	fj__str(j, "kind", "sample");
	fj__str(j, "source", fb_source_name());
	fj__str(j, "subsystem", subsystem);
	fj__u64(j, "interval_ns", (uint64_t)(interval * 1e9));
}

static void round_out(struct fb_cpu_sampler *cs, double interval, double boot, struct net_tot *last)
{
	struct fb_cpu_times tp;
	struct net_tot nt;
	struct fb_vmem m;
	struct fj j;
	double pct;

	fj__init(&j, stdout);
	if (!fb_cpu_percent(cs, interval, &pct) && !fb_cpu_times_percent(cs, 0, &tp)) {
		header(&j, "cpu", boot, interval);
		fj__f64(&j, "cpu_percent", pct);
		fj__f64_if(&j, "user_percent", tp.valid & FB_CPU_USER, tp.user);
		fj__f64_if(&j, "system_percent", tp.valid & FB_CPU_SYSTEM, tp.system);
		fj__f64_if(&j, "idle_percent", tp.valid & FB_CPU_IDLE, tp.idle);
		fj__end(&j);
	}
	if (!fb_virtual_memory(&m)) {
		header(&j, "mem", boot, interval);
		fj__u64_if(&j, "total", m.valid & FB_VMEM_TOTAL, m.total);
		fj__u64_if(&j, "available", m.valid & FB_VMEM_AVAILABLE, m.available);
		fj__u64_if(&j, "used", m.valid & FB_VMEM_USED, m.used);
		fj__f64_if(&j, "percent", m.valid & FB_VMEM_PERCENT, m.percent);
		fj__end(&j);
	}
	nt = net_sample();
	if (nt.ok && last->ok) {
		header(&j, "net", boot, interval);
		fj__u64(&j, "bytes_sent", nt.sent - last->sent);
		fj__u64(&j, "bytes_recv", nt.recv - last->recv);
		fj__u64(&j, "packets_sent", nt.psent - last->psent);
		fj__u64(&j, "packets_recv", nt.precv - last->precv);
		fj__end(&j);
	}
	*last = nt;
	fflush(stdout);
}

int cmd_fbtrace(int argc, char **argv)
{
	struct fb_cpu_sampler *cs;
	struct fbcmd_opts o;
	struct net_tot last;
	double boot = 0;
	long rounds;
	int npos, err;

	err = fbcmd_parse("trace",
			  "[--interval SECONDS] [--count N] [--duration SECONDS]  (sample records "
			  "from the fallback collectors, NDJSON)",
			  "interval,count,duration", argc, argv, &o, NULL, &npos, 0);
	if (err)
		return err == 1 ? 0 : err;
	rounds = o.count ? o.count : o.duration > 0 ? (long)(o.duration / o.interval + 0.5) : -1;
	if (rounds == 0)
		rounds = 1;
	cs = fb_cpu_sampler__new();
	if (!cs)
		return fbcmd_fail("trace", "cpu sampler", -12);
	fb_boot_time(&boot);
	last = net_sample();
	for (long i = 0; rounds < 0 || i < rounds; i++)
		round_out(cs, o.interval, boot, &last);
	fb_cpu_sampler__free(cs);
	return 0;
}
