// SPDX-License-Identifier: BSD-2-Clause
/*
 * sysctl.c - Linux kernel tunables as `sysctl -a` shows them.  sysctl(2) is gone since Linux
 * 5.5, so, like procps, this walks the root's proc/sys tree and reads each file as text.  A
 * path becomes a dotted name by swapping the separators: "net/ipv4/conf/eth0.100/forwarding"
 * is "net.ipv4.conf.eth0/100.forwarding".  Keys that cannot be read (write-only ones such as
 * vm.compact_memory, or stable_secret before it is set) are skipped as sysctl -a skips them.
 * Like procps, a listing leaves out the deprecated neigh keys base_reachable_time and
 * retrans_time (their _ms twins carry the same values) unless the key is named exactly.
 * net.* keys belong to the caller's network namespace.
 */
#include "../common/fb_int.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define SYSCTL_NAME_MAX	 256
#define SYSCTL_DEPTH_MAX 16

const char *const fb_sysctl_tracer_keys[] = {
	"net.core.*",
	"net.ipv4.tcp_*",
	"net.ipv4.ip_local_port_range",
	"net.ipv4.udp_mem",
	"net.netfilter.nf_conntrack_max",
	"net.netfilter.nf_conntrack_count",
	"kernel.pid_max",
	"kernel.threads-max",
	"kernel.perf_*",
	"kernel.kptr_restrict",
	"kernel.unprivileged_bpf_disabled",
	"kernel.bpf_stats_enabled",
	"kernel.sched_*",
	"kernel.numa_balancing",
	"kernel.nmi_watchdog",
	"fs.file-max",
	"fs.file-nr",
	"fs.nr_open",
	"vm.*",
	NULL,
};

struct walk {
	const char *pattern;
	bool glob;
	struct fb_sysctls *out;
	size_t cap;
};

static bool key_is_deprecated(const char *name)
{
	const char *last = strrchr(name, '.');

	last = last ? last + 1 : name;
	return !strcmp(last, "base_reachable_time") || !strcmp(last, "retrans_time");
}

static bool pattern_is_glob(const char *p)
{
	return strpbrk(p, "*?[") != NULL;
}

static bool name_matches(const struct walk *w, const char *name)
{
	size_t len;

	if (!w->pattern || !w->pattern[0])
		return true;
	if (w->glob)
		return fnmatch(w->pattern, name, 0) == 0;
	len = strlen(w->pattern);
	return strncmp(name, w->pattern, len) == 0 && (name[len] == '\0' || name[len] == '.');
}

/* Could a key below the directory @prefix (dotted, no trailing dot) match a plain name? */
static bool subtree_may_match(const struct walk *w, const char *prefix)
{
	size_t plen = strlen(prefix), len;

	if (!w->pattern || !w->pattern[0] || w->glob)
		return true;
	len = strlen(w->pattern);
	if (plen <= len)
		return strncmp(w->pattern, prefix, plen) == 0 &&
		       (w->pattern[plen] == '\0' || w->pattern[plen] == '.');
	return strncmp(prefix, w->pattern, len) == 0 && prefix[len] == '.';
}

/* Append component @comp to the dotted name in @name (length @len), dots becoming slashes. */
static int name_push(char *name, size_t len, const char *comp)
{
	size_t i = len;

	if (len) {
		if (i + 1 >= SYSCTL_NAME_MAX)
			return -ENAMETOOLONG;
		name[i++] = '.';
	}
	for (; *comp; comp++) {
		if (i + 1 >= SYSCTL_NAME_MAX)
			return -ENAMETOOLONG;
		name[i++] = *comp == '.' ? '/' : *comp;
	}
	name[i] = '\0';
	return (int)i;
}

static int add_key(struct walk *w, int dirfd, const char *file, const char *name)
{
	struct fb_sysctl *e;
	char *value = NULL;
	ssize_t r;
	int err;

	r = fb__read_alloc_at(dirfd, file, &value);
	if (r <= 0) {
		/* write-only or refused, or no text at all (vm.stat_refresh is a trigger):
		 * sysctl -a prints no line for those either */
		free(value);
		return 0;
	}
	if (value[r - 1] == '\n')
		value[r - 1] = '\0';
	err = fb__grow((void **)&w->out->v, &w->cap, w->out->n + 1, sizeof(*w->out->v));
	if (err)
		goto free_value;
	e = &w->out->v[w->out->n];
	e->name = strdup(name);
	if (!e->name) {
		err = -ENOMEM;
		goto free_value;
	}
	e->value = value;
	w->out->n++;
	return 0;

free_value:
	free(value);
	return err;
}

static int walk_dir(struct walk *w, int dirfd, char *name, size_t len, int depth)
{
	struct dirent *de;
	DIR *dir;
	int fd, err = 0;

	if (depth > SYSCTL_DEPTH_MAX)
		return 0;
	fd = dup(dirfd);
	if (fd < 0)
		return -errno;
	dir = fdopendir(fd);
	if (!dir) {
		err = -errno;
		close(fd);
		return err;
	}
	while (!err && (de = readdir(dir))) {
		struct stat st;
		int nlen;

		if (de->d_name[0] == '.')
			continue;
		nlen = name_push(name, len, de->d_name);
		if (nlen < 0)
			continue;
		if (fstatat(dirfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW))
			continue;
		if (S_ISDIR(st.st_mode)) {
			int sub;

			if (!subtree_may_match(w, name))
				continue;
			sub = openat(dirfd, de->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
			if (sub < 0)
				continue;
			err = walk_dir(w, sub, name, (size_t)nlen, depth + 1);
			close(sub);
		} else if (S_ISREG(st.st_mode) && name_matches(w, name) &&
			   (!key_is_deprecated(name) ||
			    (w->pattern && !strcmp(w->pattern, name)))) {
			err = add_key(w, dirfd, de->d_name, name);
		}
	}
	closedir(dir);
	name[len] = '\0';
	return err;
}

static int key_cmp(const void *a, const void *b)
{
	return strcmp(((const struct fb_sysctl *)a)->name, ((const struct fb_sysctl *)b)->name);
}

int fb_sysctl_list(const char *pattern, struct fb_sysctls *out)
{
	struct walk w = { .pattern = pattern, .out = out };
	char name[SYSCTL_NAME_MAX] = "";
	int fd, err;

	out->n = 0;
	out->v = NULL;
	w.glob = pattern && pattern_is_glob(pattern);
	fd = openat(fb__dirfd(FB_DIR_PROC), "sys", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return fb__dirfd(FB_DIR_PROC) < 0 ? fb__dirfd(FB_DIR_PROC) : -errno;
	err = walk_dir(&w, fd, name, 0, 0);
	close(fd);
	if (err) {
		fb_sysctls_free(out);
		return err;
	}
	if (out->n)
		qsort(out->v, out->n, sizeof(*out->v), key_cmp);
	return 0;
}

int fb_sysctl_read(const char *name, char *buf, size_t len)
{
	char rel[SYSCTL_NAME_MAX + 8] = "sys/";
	size_t i, j = 4;
	ssize_t r;

	/* ".." would be an empty component and "//" would become ".." in the path */
	if (!name || !name[0] || name[0] == '.' || strstr(name, "..") || strstr(name, "//"))
		return -EINVAL;
	for (i = 0; name[i]; i++) {
		if (j + 1 >= sizeof(rel))
			return -ENAMETOOLONG;
		rel[j++] = name[i] == '.' ? '/' : name[i] == '/' ? '.' : name[i];
	}
	rel[j] = '\0';
	r = fb__read(FB_DIR_PROC, rel, buf, len);
	if (r < 0)
		return (int)r;
	if (r > 0 && buf[r - 1] == '\n')
		buf[r - 1] = '\0';
	return 0;
}
