// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * df_select.c: GNU df's choice of mounts without -a (coreutils' filter_mount_list and
 * gnulib's ME_DUMMY), over the whole mount table: dummy file systems and those without
 * blocks are left out, and each device (st_dev) is listed once, under the mount df prefers.
 * df also prefers, among bind mounts of one device, the one whose source is nearer the file
 * system's root (mountinfo's root field); the mount table vigil reads does not carry it, so
 * that tie is decided by the mount point alone.
 */
#include "view/df_select.h"

#include <string.h>

bool df_select__is_dummy(const char *fstype)
{
	static const char *const dummy[] = { "autofs",	    "proc",    "subfs",	 "debugfs",
					     "devpts",	    "fusectl", "mqueue", "rpc_pipefs",
					     "sysfs",	    "devfs",   "kernfs", "ignore",
					     "fuse.portal", "none",    NULL };

	for (int i = 0; dummy[i]; i++) {
		if (!strcmp(fstype, dummy[i]))
			return true;
	}
	return false;
}

/* Does mount b win over a, already listed for the same device? */
static bool df_select__prefers(const struct df_mount *a, const struct df_mount *b)
{
	if (strchr(b->device, '/') && !strchr(a->device, '/'))
		return true;
	if (strlen(a->mountpoint) > strlen(b->mountpoint))
		return true;
	return strcmp(a->device, b->device) && !strcmp(a->mountpoint, b->mountpoint);
}

size_t df_select__mounts(const struct df_mount *m, size_t n, size_t *keep)
{
	size_t nkeep = 0, out = 0;

	for (size_t i = 0; i < n; i++) {
		size_t s;

		if (!m[i].ok || df_select__is_dummy(m[i].fstype))
			continue;
		for (s = 0; s < nkeep && m[keep[s]].dev != m[i].dev; s++)
			;
		if (s == nkeep)
			keep[nkeep++] = i;
		else if (df_select__prefers(&m[keep[s]], &m[i]))
			keep[s] = i;
	}
	for (size_t s = 0; s < nkeep; s++) {
		if (m[keep[s]].total)
			keep[out++] = keep[s];
	}
	return out;
}
