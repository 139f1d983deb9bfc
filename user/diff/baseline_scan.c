// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * baseline_scan.c: the walk behind `vigil baseline save` and `vigil diff --baseline`: every
 * entry under a root, through directory fds (fstatat without following links, openat for
 * content), each regular file hashed with SHA-256 by OpenSSL's EVP API (libcrypto, loaded on
 * first use by diff_dl.c). A file or directory that cannot be read is kept with its errno
 * and the walk goes on; the entries end sorted by path.
 */
#include "diff/baseline.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <openssl/evp.h>

#include "core/log.h"

#define SCAN_MAX_DEPTH 256
#define SCAN_CHUNK     (256 * 1024)

struct scan {
	struct baseline *b;
	EVP_MD_CTX *md;
	const EVP_MD *sha256;
	char *buf; /* SCAN_CHUNK bytes */
	int err;   /* fatal: -ENOMEM, or -ENOSYS when libcrypto is missing */
};

static struct baseline_entry *scan_add(struct baseline *b)
{
	struct baseline_entry *e;

	if (b->n == b->cap) {
		size_t ncap = b->cap ? b->cap * 2 : 256;
		struct baseline_entry *nv = realloc(b->v, ncap * sizeof(*nv));

		if (!nv)
			return NULL;
		b->v = nv;
		b->cap = ncap;
	}
	e = &b->v[b->n++];
	memset(e, 0, sizeof(*e));
	return e;
}

/* SHA-256 of dirfd/name into e; 0, -errno for the file, or -ENOSYS without libcrypto. */
static int scan_hash(struct scan *sc, int dirfd, const char *name, struct baseline_entry *e)
{
	unsigned int mdlen = 0;
	int fd, err = 0;

	fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return -errno;
	if (!EVP_DigestInit_ex(sc->md, sc->sha256, NULL)) {
		err = -ENOSYS;
		goto close_fd;
	}
	for (;;) {
		ssize_t n = read(fd, sc->buf, SCAN_CHUNK);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			err = -errno;
			goto close_fd;
		}
		if (!n)
			break;
		if (!EVP_DigestUpdate(sc->md, sc->buf, (size_t)n)) {
			err = -ENOSYS;
			goto close_fd;
		}
	}
	if (!EVP_DigestFinal_ex(sc->md, e->sha256, &mdlen) || mdlen != 32) {
		err = -ENOSYS;
		goto close_fd;
	}
	e->has_hash = true;
close_fd:
	close(fd);
	return err;
}

static char *scan_join(const char *dir, const char *name)
{
	size_t dl = strlen(dir), nl = strlen(name);
	char *p = malloc(dl + nl + 2);

	if (!p)
		return NULL;
	if (dl) {
		memcpy(p, dir, dl);
		p[dl++] = '/';
	}
	memcpy(p + dl, name, nl + 1);
	return p;
}

static int scan_dir(struct scan *sc, int dfd, const char *rel, int depth);

/* One entry: its attributes, its hash or target, and for a directory its entries. */
static int scan_entry(struct scan *sc, int dfd, const char *rel, const char *name, int depth)
{
	struct baseline_entry *e;
	struct stat st;
	char *path;
	int err;

	path = scan_join(rel, name);
	if (!path)
		return -ENOMEM;
	e = scan_add(sc->b);
	if (!e) {
		free(path);
		return -ENOMEM;
	}
	e->path = path;
	if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW)) {
		e->err = errno;
		e->type = 'o';
		sc->b->nerr++;
		return 0;
	}
	e->type = S_ISREG(st.st_mode)	? 'f'
		  : S_ISDIR(st.st_mode) ? 'd'
		  : S_ISLNK(st.st_mode) ? 'l'
					: 'o';
	e->mode = st.st_mode & 07777;
	e->uid = st.st_uid;
	e->gid = st.st_gid;
	if (e->type != 'd') {
		e->size = (uint64_t)st.st_size;
		e->mtime_ns = (int64_t)st.st_mtim.tv_sec * 1000000000 + st.st_mtim.tv_nsec;
	}
	if (e->type == 'l') {
		char t[4096];
		ssize_t n = readlinkat(dfd, name, t, sizeof(t) - 1);

		if (n < 0) {
			e->err = errno;
			sc->b->nerr++;
			return 0;
		}
		t[n] = '\0';
		e->target = strdup(t);
		return e->target ? 0 : -ENOMEM;
	}
	if (e->type == 'f') {
		err = scan_hash(sc, dfd, name, e);
		if (err == -ENOSYS)
			return err;
		if (err) {
			e->err = -err;
			sc->b->nerr++;
		}
		return 0;
	}
	if (e->type == 'd') {
		int sub;

		if (depth >= SCAN_MAX_DEPTH) {
			e->err = ELOOP;
			sc->b->nerr++;
			return 0;
		}
		sub = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (sub < 0) {
			e->err = errno;
			sc->b->nerr++;
			return 0;
		}
		/* e may move when the array grows: the walk below uses its own copy of path */
		path = strdup(path);
		if (!path) {
			close(sub);
			return -ENOMEM;
		}
		err = scan_dir(sc, sub, path, depth + 1);
		free(path);
		close(sub);
		return err;
	}
	return 0;
}

static int scan_dir(struct scan *sc, int dfd, const char *rel, int depth)
{
	struct dirent *de;
	int lfd, err = 0;
	DIR *d;

	lfd = openat(dfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	d = lfd < 0 ? NULL : fdopendir(lfd);
	if (!d) {
		if (lfd >= 0)
			close(lfd);
		/* the directory's own entry (or the root) carries the error */
		if (sc->b->n && !strcmp(sc->b->v[sc->b->n - 1].path, rel))
			sc->b->v[sc->b->n - 1].err = errno;
		sc->b->nerr++;
		return 0;
	}
	while (!err) {
		errno = 0;
		de = readdir(d);
		if (!de) {
			if (errno) {
				sc->b->nerr++;
				pr_warn("baseline: %s: %s", *rel ? rel : ".", strerror(errno));
			}
			break;
		}
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		err = scan_entry(sc, dirfd(d), rel, de->d_name, depth);
	}
	closedir(d);
	return err;
}

static int entry_cmp(const void *a, const void *b)
{
	return strcmp(((const struct baseline_entry *)a)->path,
		      ((const struct baseline_entry *)b)->path);
}

int baseline__scan(struct baseline *b, const char *root)
{
	struct scan sc = { .b = b };
	int fd, err;

	fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	sc.buf = malloc(SCAN_CHUNK);
	sc.md = EVP_MD_CTX_new();
	sc.sha256 = EVP_sha256();
	if (!sc.buf) {
		err = -ENOMEM;
		goto free_all;
	}
	if (!sc.md || !sc.sha256) {
		err = -ENOSYS;
		goto free_all;
	}
	err = scan_dir(&sc, fd, "", 0);
	if (!err && b->n)
		qsort(b->v, b->n, sizeof(*b->v), entry_cmp);
free_all:
	EVP_MD_CTX_free(sc.md);
	free(sc.buf);
	close(fd);
	return err;
}

void baseline__free(struct baseline *b)
{
	for (size_t i = 0; i < b->n; i++) {
		free(b->v[i].path);
		free(b->v[i].target);
	}
	free(b->v);
	memset(b, 0, sizeof(*b));
}
