// SPDX-License-Identifier: BSD-2-Clause
/*
 * sysctl.c - fb_sysctl_list() and fb_sysctl_read() for FreeBSD and macOS, the way sysctl(8)
 * does it there: the kernel's meta-MIB {CTL_SYSCTL, ...} walks the tree (NEXT gives the OID
 * after one, NAME its dotted name, OIDFMT its kind and format string, NAME2OID the OID of a
 * name), and each value is read by OID and printed by fb__sysctl_format().  Opaque structures
 * (kern.clockrate, vm.loadavg) have no text form and are left out, as `sysctl -a` without -o
 * leaves them out or summarises them.
 */
#include "sysctl_int.h"

#include <errno.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/sysctl.h>

#define CTL_SYSCTL_META	 0
#define META_NAME	 1
#define META_NEXT	 2
#define META_NAME2OID	 3
#define META_OIDFMT	 4
#define SYSCTL_VALUE_MAX 4096

const char *const fb_sysctl_tracer_keys[] = {
	"kern.ipc.somaxconn",
	"kern.ipc.maxsockbuf",
	"kern.ipc.nmbclusters",
	"kern.maxfiles",
	"kern.maxfilesperproc",
	"kern.maxproc",
	"kern.openfiles",
	"kern.num_files",
	"net.inet.tcp.*",
	"net.inet.ip.portrange.*",
	"vm.overcommit",
	"vm.swap_enabled",
	NULL,
};

/* meta query {0, @what, oid...} into @buf; returns the bytes written or -errno */
static ssize_t meta(int what, const int *oid, size_t n, void *buf, size_t len)
{
	int mib[CTL_MAXNAME + 2] = { CTL_SYSCTL_META, what };

	if (n > CTL_MAXNAME)
		return -EINVAL;
	memcpy(mib + 2, oid, n * sizeof(*oid));
	if (sysctl(mib, (u_int)(n + 2), buf, &len, NULL, 0))
		return -errno;
	return (ssize_t)len;
}

/* The value of @oid as text; -ENOTSUP for a node or a structure. */
static int value_text(int *oid, size_t n, char **out)
{
	struct {
		u_int kind;
		char fmt[64];
	} f = { 0 };
	unsigned char *val;
	size_t len = SYSCTL_VALUE_MAX;
	char *text;
	ssize_t r;
	int err;

	r = meta(META_OIDFMT, oid, n, &f, sizeof(f) - 1);
	if (r < (ssize_t)sizeof(u_int))
		return r < 0 ? (int)r : -EIO;
	if ((f.kind & 0xf) == 1) /* CTLTYPE_NODE */
		return -ENOTSUP;
	val = malloc(len);
	text = malloc(SYSCTL_VALUE_MAX * 4);
	if (!val || !text) {
		err = -ENOMEM;
		goto free_all;
	}
	if (sysctl(oid, (u_int)n, val, &len, NULL, 0)) {
		err = -errno;
		goto free_all;
	}
	err = fb__sysctl_format(f.fmt, val, len, text, SYSCTL_VALUE_MAX * 4);
	if (!err) {
		*out = text;
		text = NULL;
	}
free_all:
	free(val);
	free(text);
	return err;
}

static bool name_matches(const char *pattern, const char *name)
{
	size_t len;

	if (!pattern || !pattern[0])
		return true;
	if (strpbrk(pattern, "*?["))
		return fnmatch(pattern, name, 0) == 0;
	len = strlen(pattern);
	return !strncmp(name, pattern, len) && (name[len] == '\0' || name[len] == '.');
}

static int key_cmp(const void *a, const void *b)
{
	return strcmp(((const struct fb_sysctl *)a)->name, ((const struct fb_sysctl *)b)->name);
}

int fb_sysctl_list(const char *pattern, struct fb_sysctls *out)
{
	int oid[CTL_MAXNAME] = { 0 }, next[CTL_MAXNAME];
	size_t n = 0, cap = 0;
	char name[1024];
	int err = 0;

	out->n = 0;
	out->v = NULL;
	for (;;) {
		struct fb_sysctl *e;
		char *value = NULL;
		ssize_t r = meta(META_NEXT, oid, n, next, sizeof(next));

		if (r == -ENOENT)
			break; /* past the last OID */
		if (r <= 0 || r % (ssize_t)sizeof(int)) {
			err = r < 0 ? (int)r : -EIO;
			break;
		}
		n = (size_t)r / sizeof(int);
		memcpy(oid, next, (size_t)r);
		r = meta(META_NAME, oid, n, name, sizeof(name) - 1);
		if (r <= 0)
			continue;
		name[r] = '\0';
		if (!name_matches(pattern, name) || value_text(oid, n, &value))
			continue;
		err = fb__grow((void **)&out->v, &cap, out->n + 1, sizeof(*out->v));
		if (err) {
			free(value);
			break;
		}
		e = &out->v[out->n];
		e->name = strdup(name);
		e->value = value;
		if (!e->name) {
			free(value);
			err = -ENOMEM;
			break;
		}
		out->n++;
	}
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
	int mib[CTL_MAXNAME + 2] = { CTL_SYSCTL_META, META_NAME2OID }, oid[CTL_MAXNAME];
	size_t olen = sizeof(oid);
	char *value, key[1024];
	int err;

	if (!name || !name[0])
		return -EINVAL;
	/* macOS's sysctl() takes a non-const new value: hand it a copy of the name */
	if (fb__fmt(key, sizeof(key), "%s", name))
		return -ENAMETOOLONG;
	if (sysctl(mib, 2, oid, &olen, key, strlen(key)))
		return -errno;
	err = value_text(oid, olen / sizeof(int), &value);
	if (err)
		return err;
	fb__copy(buf, len, value);
	err = strlen(value) < len ? 0 : -ENAMETOOLONG;
	free(value);
	return err;
}
