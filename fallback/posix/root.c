// SPDX-License-Identifier: BSD-2-Clause
/*
 * root.c - the one place that knows where /proc, /sys and /dev live.  The root defaults to
 * the live system; fb_root_set() points it at a recorded fixture tree that holds proc/, sys/,
 * dev/, etc/ and run/.  Each directory is opened once (O_PATH) and every reader in the library
 * uses openat() relative to these descriptors, which also saves the kernel a path walk per
 * file on the hot process-scan path.
 */
#include "posix_int.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static const char *const dir_names[FB_DIR__COUNT] = {
	[FB_DIR_PROC] = "/proc", [FB_DIR_SYS] = "/sys", [FB_DIR_DEV] = "/dev",
	[FB_DIR_ETC] = "/etc",	 [FB_DIR_RUN] = "/run",
};

static char root_path[PATH_MAX] = "/";
/* bumped by every fb_root_set() so that caches (boot time, tty map) know to refill */
static unsigned root_gen = 1;
/* 0 = not opened yet, > 0 = fd + 1, < 0 = negative errno of the failed open */
static int dir_fds[FB_DIR__COUNT];

static void close_dirs(void)
{
	for (int i = 0; i < FB_DIR__COUNT; i++) {
		if (dir_fds[i] > 0)
			close(dir_fds[i] - 1);
		dir_fds[i] = 0;
	}
}

int fb_root_set(const char *root)
{
	size_t len;

	if (!root || !root[0])
		root = "/";
	len = strlen(root);
	if (len >= sizeof(root_path))
		return -ENAMETOOLONG;
	close_dirs();
	root_gen++;
	memcpy(root_path, root, len + 1);
	/* keep "/" as is, drop any other trailing slash */
	while (len > 1 && root_path[len - 1] == '/')
		root_path[--len] = '\0';
	return 0;
}

const char *fb_root_get(void)
{
	return root_path;
}

bool fb__root_is_live(void)
{
	return strcmp(root_path, "/") == 0;
}

int fb__path(enum fb_dir d, const char *rel, char *buf, size_t len)
{
	const char *prefix = fb__root_is_live() ? "" : root_path;

	if ((unsigned)d >= FB_DIR__COUNT)
		return -EINVAL;
	if (rel && rel[0])
		return fb__fmt(buf, len, "%s%s/%s", prefix, dir_names[d], rel);
	return fb__fmt(buf, len, "%s%s", prefix, dir_names[d]);
}

int fb__dirfd(enum fb_dir d)
{
	char path[PATH_MAX];
	int fd, err;

	if ((unsigned)d >= FB_DIR__COUNT)
		return -EINVAL;
	fd = __atomic_load_n(&dir_fds[d], __ATOMIC_ACQUIRE);
	if (fd > 0)
		return fd - 1;
	err = fb__path(d, NULL, path, sizeof(path));
	if (err)
		return err;
	fd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno; /* not cached: the tree may appear later */
	/* two threads may race here: the loser closes its descriptor */
	{
		int expected = 0;

		if (!__atomic_compare_exchange_n(&dir_fds[d], &expected, fd + 1, false,
						 __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
			close(fd);
			return expected - 1;
		}
	}
	return fd;
}

unsigned fb__root_gen(void)
{
	return root_gen;
}

const char *fb__dev_prefix(void)
{
	/* terminal names are reported as the live system names them, whatever the root */
	return "/dev/";
}
