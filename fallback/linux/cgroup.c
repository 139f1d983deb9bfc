// SPDX-License-Identifier: BSD-2-Clause
/*
 * cgroup.c - what a container really gets, which psutil does not report (psutil #2100,
 * #1122): the memory limit and usage and the CPU quota of a process' cgroup, read from
 * /proc/PID/cgroup and the cgroup filesystem under /sys/fs/cgroup: the unified (v2) files
 * memory.max, memory.current and cpu.max, else v1's memory.limit_in_bytes,
 * memory.usage_in_bytes and cpu.cfs_quota_us / cpu.cfs_period_us.  "No limit" is reported
 * as an invalid field, not as a huge number.
 */
#include "../common/fb_int.h"
#include "parse_int.h"

#include <errno.h>
#include <math.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>

/* v1 reports "no limit" as LONG_MAX rounded down to a page: anything this big is none. */
#define CG_V1_UNLIMITED (1ull << 62)

static int read_u64(const char *rel, uint64_t *out)
{
	char buf[64];
	const char *p = buf;

	if (fb__read(FB_DIR_SYS, rel, buf, sizeof(buf)) < 0)
		return -ENOENT;
	return fb__parse_u64(&p, out);
}

static int read_i64(const char *rel, int64_t *out)
{
	char buf[64];
	const char *p = buf;

	if (fb__read(FB_DIR_SYS, rel, buf, sizeof(buf)) < 0)
		return -ENOENT;
	return fb__parse_i64(&p, out);
}

/* The path of @controller ("" = the v2 line "0::") in a /proc/PID/cgroup text. */
static bool cgroup_path(const char *text, const char *controller, char *out, size_t len)
{
	size_t clen = strlen(controller);

	for (const char *p = text; p; p = fb__next_line(p)) {
		const char *c1 = strchr(p, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL, *eol;
		bool match = false;
		size_t n;

		if (!c2)
			continue;
		if (!clen) {
			match = c1 == p + 1 && p[0] == '0' && c2 == c1 + 1;
		} else {
			/* "4:cpu,cpuacct:/path": an exact member of the comma list */
			for (const char *q = c1 + 1; q < c2; q += n + 1) {
				n = strcspn(q, ",:");
				if (n == clen && !strncmp(q, controller, clen))
					match = true;
			}
		}
		if (!match)
			continue;
		eol = strchr(c2 + 1, '\n');
		n = eol ? (size_t)(eol - c2 - 1) : strlen(c2 + 1);
		if (n >= len)
			n = len - 1;
		memcpy(out, c2 + 1, n);
		out[n] = '\0';
		return true;
	}
	return false;
}

/* Exposed for the fuzzers. */
bool fb__cgroup_path(const char *text, const char *controller, char *out, size_t len)
{
	return cgroup_path(text, controller, out, len);
}

/* "fs/cgroup<mount><path>/<file>" below the sys root; the root cgroup "/" adds nothing. */
static void join(char *buf, size_t len, const char *mount, const char *path, const char *file)
{
	fb__fmt(buf, len, "fs/cgroup%s%s/%s", mount, strcmp(path, "/") ? path : "", file);
}

/* /proc/PID/cgroup (pid 0: self) into text. 0 or -ENOENT. */
static int proc_cgroup_read(pid_t pid, char *text, size_t len)
{
	char rel[64];

	if (pid)
		fb__fmt(rel, sizeof(rel), "%d/cgroup", (int)pid);
	else
		fb__fmt(rel, sizeof(rel), "self/cgroup");
	return fb__read(FB_DIR_PROC, rel, text, len) < 0 ? -ENOENT : 0;
}

int fb_cgroup_limits(pid_t pid, struct fb_cgroup_limits *out)
{
	char text[4096], path[256], f[512], buf[64];
	uint64_t v;
	int64_t q, per;

	memset(out, 0, sizeof(*out));
	if (proc_cgroup_read(pid, text, sizeof(text)))
		return -ENOENT;
	/* unified hierarchy: "0::/path" and the v2 files present */
	if (cgroup_path(text, "", path, sizeof(path))) {
		join(f, sizeof(f), "", path, "memory.max");
		if (fb__read(FB_DIR_SYS, f, buf, sizeof(buf)) >= 0) {
			const char *p = buf;

			fb__copy(out->path, sizeof(out->path), path);
			if (!fb__parse_u64(&p, &v)) {
				out->memory_limit = v;
				out->valid |= FB_CG_MEMORY_LIMIT;
			}
			join(f, sizeof(f), "", path, "memory.current");
			if (!read_u64(f, &out->memory_current))
				out->valid |= FB_CG_MEMORY_CURRENT;
			join(f, sizeof(f), "", path, "cpu.max");
			if (fb__read(FB_DIR_SYS, f, buf, sizeof(buf)) >= 0) {
				p = buf;
				if (!fb__parse_i64(&p, &q) && !fb__parse_i64(&p, &per) && per > 0) {
					out->cpu_quota = (double)q / (double)per;
					out->valid |= FB_CG_CPU_QUOTA;
				}
			}
			return 0;
		}
	}
	/* v1: one hierarchy per controller */
	if (cgroup_path(text, "memory", path, sizeof(path))) {
		fb__copy(out->path, sizeof(out->path), path);
		join(f, sizeof(f), "/memory", path, "memory.limit_in_bytes");
		if (!read_u64(f, &v) && v < CG_V1_UNLIMITED) {
			out->memory_limit = v;
			out->valid |= FB_CG_MEMORY_LIMIT;
		}
		join(f, sizeof(f), "/memory", path, "memory.usage_in_bytes");
		if (!read_u64(f, &out->memory_current))
			out->valid |= FB_CG_MEMORY_CURRENT;
	}
	if (cgroup_path(text, "cpu", path, sizeof(path))) {
		if (!out->path[0])
			fb__copy(out->path, sizeof(out->path), path);
		join(f, sizeof(f), "/cpu", path, "cpu.cfs_quota_us");
		if (!read_i64(f, &q) && q > 0) {
			join(f, sizeof(f), "/cpu", path, "cpu.cfs_period_us");
			if (!read_i64(f, &per) && per > 0) {
				out->cpu_quota = (double)q / (double)per;
				out->valid |= FB_CG_CPU_QUOTA;
			}
		}
	}
	return 0;
}

int fb_cgroup_path(pid_t pid, char *buf, size_t len)
{
	char text[4096], v1[256];

	if (!len)
		return -EINVAL;
	buf[0] = '\0';
	if (proc_cgroup_read(pid, text, sizeof(text)))
		return -ENOENT;
	if (cgroup_path(text, "", buf, len) && strcmp(buf, "/"))
		return 0;
	/* hybrid: v2 at the root (or absent), systemd's own tree in v1 */
	if (cgroup_path(text, "name=systemd", v1, sizeof(v1)) && (strcmp(v1, "/") || !buf[0])) {
		fb__copy(buf, len, v1);
		return 0;
	}
	return buf[0] ? 0 : -ENOENT;
}

int fb_cpu_count_usable(void)
{
	struct fb_cgroup_limits cg;
	cpu_set_t set;
	int n;

	if (sched_getaffinity(0, sizeof(set), &set))
		n = fb_cpu_count(true);
	else
		n = CPU_COUNT(&set);
	if (n <= 0)
		return -ENODATA;
	if (!fb_cgroup_limits(0, &cg) && (cg.valid & FB_CG_CPU_QUOTA)) {
		int q = (int)ceil(cg.cpu_quota);

		if (q >= 1 && q < n)
			n = q;
	}
	return n;
}
