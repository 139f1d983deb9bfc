/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * df_select.h: which mounts GNU df lists without -a. df leaves out the "dummy" file systems
 * (proc, sysfs, devpts, autofs, mqueue... and type "none"), those with no blocks (cgroup,
 * nsfs, ...), and lists each device once: of several mounts of one device it keeps a
 * "real" device name (one with a '/') over another, then the mount point nearer the root,
 * then a mount over an existing mount point, in the place where the device first appeared.
 * So tmpfs, devtmpfs and overlay mounts are listed, as df lists them.
 */
#ifndef VIGIL_VIEW_DF_SELECT_H
#define VIGIL_VIEW_DF_SELECT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct df_mount {
	const char *device, *mountpoint, *fstype;
	uint64_t dev;	/* st_dev of the mount point */
	uint64_t total; /* bytes, from statvfs */
	bool ok;	/* stat and statvfs answered: df cannot list the others */
};

/* Is fstype one df calls dummy (left out without -a)? */
bool df_select__is_dummy(const char *fstype);

/*
 * The indices of m[0..n) df lists without -a, in its order, into keep (room for n).
 * Returns how many.
 */
size_t df_select__mounts(const struct df_mount *m, size_t n, size_t *keep);

#endif
