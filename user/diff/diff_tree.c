// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * diff_tree.c: filecmp.dircmp over two trees, recursively (diff_tree.h says what each
 * category means). Each directory is listed once per side through its fd, sorted bytewise,
 * and merged; common names are stat'ed with fstatat() (following links, as os.stat) and
 * common files compared with filecmp.cmp's rule: not both regular files: different; shallow
 * and equal signatures (type, size, mtime): identical without reading; sizes differ:
 * different; else the contents decide. The walk keeps the (device, inode) of the directories
 * above it on each side, so a link back to an ancestor is reported once as a loop instead of
 * descended, and it never aborts on one unreadable entry.
 */
#include "diff/diff_tree.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const char *const tree_cat_names[TREE_NCATS] = {
	"left_only",	"right_only",  "same_files",  "diff_files",
	"common_funny", "funny_files", "common_dirs", "errors",
};

#define TREE_MAX_DEPTH 256
#define TREE_PATH_MAX  (TREE_MAX_DEPTH * 256 + 256)
#define TREE_CHUNK     (128 * 1024)

struct tree_names {
	char **v;
	size_t n, cap;
};

struct tree_level {
	dev_t ldev, rdev;
	ino_t lino, rino;
};

struct tree_walk {
	const struct tree_opts *o;
	tree_cb cb;
	void *ctx;
	char *path; /* TREE_PATH_MAX bytes: the directory being walked, relative */
	struct tree_level up[TREE_MAX_DEPTH];
	int depth;
};

static int names_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void tree_names__free(struct tree_names *t)
{
	for (size_t i = 0; i < t->n; i++)
		free(t->v[i]);
	free(t->v);
	t->v = NULL;
	t->n = t->cap = 0;
}

/* Whether name is one of the comma-separated names in list. */
static bool names_has(const char *list, const char *name)
{
	size_t len = strlen(name);

	for (const char *p = list; p && *p; p += *p == ',') {
		size_t n = strcspn(p, ",");

		if (n == len && !memcmp(p, name, len))
			return true;
		p += n;
	}
	return false;
}

/* The names in directory fd (not ., .. or an ignored name), sorted bytewise. 0 or -errno. */
static int tree_list(int fd, const char *ignore, struct tree_names *t)
{
	struct dirent *de;
	DIR *d;
	int dfd, err = 0;

	dfd = openat(fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return -errno;
	d = fdopendir(dfd);
	if (!d) {
		err = -errno;
		close(dfd);
		return err;
	}
	for (;;) {
		errno = 0;
		de = readdir(d);
		if (!de) {
			err = -errno;
			break;
		}
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, "..") ||
		    names_has(ignore, de->d_name))
			continue;
		if (t->n == t->cap) {
			size_t ncap = t->cap ? t->cap * 2 : 64;
			char **nv = realloc(t->v, ncap * sizeof(*nv));

			if (!nv) {
				err = -ENOMEM;
				break;
			}
			t->v = nv;
			t->cap = ncap;
		}
		t->v[t->n] = strdup(de->d_name);
		if (!t->v[t->n]) {
			err = -ENOMEM;
			break;
		}
		t->n++;
	}
	closedir(d);
	if (err)
		tree_names__free(t);
	else if (t->n)
		qsort(t->v, t->n, sizeof(*t->v), names_cmp);
	return err;
}

/*
 * Read up to len bytes (fewer only at end of file). A short read of a regular file is its end
 * (Linux returns less only there): not asking again saves a read per file, half of them.
 */
static ssize_t tree_read_full(int fd, char *buf, size_t len)
{
	size_t got = 0;

	while (got < len) {
		ssize_t n = read(fd, buf + got, len - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (!n)
			break;
		got += (size_t)n;
		if (got < len)
			break;
	}
	return (ssize_t)got;
}

static int tree_same_content(int ldir, int rdir, const char *name)
{
	/* one walk at a time per process: the buffers are reused for every file */
	static char a[TREE_CHUNK], b[TREE_CHUNK];
	int lfd, rfd, ret;

	lfd = openat(ldir, name, O_RDONLY | O_CLOEXEC);
	if (lfd < 0)
		return -errno;
	rfd = openat(rdir, name, O_RDONLY | O_CLOEXEC);
	if (rfd < 0) {
		ret = -errno;
		goto close_left;
	}
	for (;;) {
		ssize_t na = tree_read_full(lfd, a, sizeof(a));
		ssize_t nb = tree_read_full(rfd, b, sizeof(b));

		if (na < 0 || nb < 0) {
			ret = na < 0 ? (int)na : (int)nb;
			break;
		}
		if (na != nb || memcmp(a, b, (size_t)na)) {
			ret = 0;
			break;
		}
		if ((size_t)na < sizeof(a)) {
			ret = 1; /* a short read is the end of both: no extra read to see it */
			break;
		}
	}
	close(rfd);
close_left:
	close(lfd);
	return ret;
}

int tree_cmp_files(int ldir, int rdir, const char *name, const struct stat *ls,
		   const struct stat *rs, bool deep)
{
	if (!S_ISREG(ls->st_mode) || !S_ISREG(rs->st_mode))
		return 0;
	if (!deep && ls->st_size == rs->st_size && ls->st_mtim.tv_sec == rs->st_mtim.tv_sec &&
	    ls->st_mtim.tv_nsec == rs->st_mtim.tv_nsec)
		return 1;
	if (ls->st_size != rs->st_size)
		return 0;
	return tree_same_content(ldir, rdir, name);
}

/* Put name after the directory's path (plen bytes) in w->path. */
static void tree_path(struct tree_walk *w, size_t plen, const char *name)
{
	size_t nlen = strlen(name);

	if (plen + 1 + nlen + 1 > TREE_PATH_MAX)
		nlen = TREE_PATH_MAX - plen - 2; /* cannot happen: depth and NAME_MAX bound it */
	if (plen)
		w->path[plen++] = '/';
	memcpy(w->path + plen, name, nlen);
	w->path[plen + nlen] = '\0';
}

static int tree_emit(struct tree_walk *w, struct tree_entry *e, size_t plen)
{
	tree_path(w, plen, e->name);
	e->path = w->path;
	return w->cb(w->ctx, e);
}

static int tree_dir(struct tree_walk *w, int lfd, int rfd, size_t plen);

static bool tree_is_loop(const struct tree_walk *w, const struct stat *ls, const struct stat *rs)
{
	for (int i = 0; i < w->depth; i++) {
		if ((w->up[i].ldev == ls->st_dev && w->up[i].lino == ls->st_ino) ||
		    (w->up[i].rdev == rs->st_dev && w->up[i].rino == rs->st_ino))
			return true;
	}
	return false;
}

/* Descend into the common directory name of lfd and rfd. */
static int tree_descend(struct tree_walk *w, int lfd, int rfd, size_t plen, const char *name)
{
	struct tree_entry e = { .cat = TREE_DIR_ERROR, .name = name, .ldir = lfd, .rdir = rfd };
	struct stat ls, rs;
	int l, r, err;

	l = openat(lfd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (l < 0) {
		e.err = errno;
		e.why = "open";
		return tree_emit(w, &e, plen);
	}
	r = openat(rfd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (r < 0) {
		e.err = errno;
		e.why = "open";
		err = tree_emit(w, &e, plen);
		goto close_left;
	}
	if (fstat(l, &ls) || fstat(r, &rs)) {
		e.err = errno;
		e.why = "stat";
		err = tree_emit(w, &e, plen);
		goto close_right;
	}
	if (tree_is_loop(w, &ls, &rs) || w->depth >= TREE_MAX_DEPTH) {
		e.err = ELOOP;
		e.why = w->depth >= TREE_MAX_DEPTH ? "too deep" : "symlink loop";
		err = tree_emit(w, &e, plen);
		goto close_right;
	}
	w->up[w->depth++] = (struct tree_level){ ls.st_dev, rs.st_dev, ls.st_ino, rs.st_ino };
	tree_path(w, plen, name);
	err = tree_dir(w, l, r, strlen(w->path));
	w->depth--;
close_right:
	close(r);
close_left:
	close(l);
	return err;
}

/* One common name: stat both sides (following links) and classify it. */
static int tree_common(struct tree_walk *w, int lfd, int rfd, size_t plen, const char *name,
		       bool *is_dir)
{
	struct tree_entry e = { .name = name, .ldir = lfd, .rdir = rfd };
	struct stat ls, rs;
	int ret;

	*is_dir = false;
	if (fstatat(lfd, name, &ls, 0) || fstatat(rfd, name, &rs, 0)) {
		e.cat = TREE_FUNNY;
		e.err = errno;
		return tree_emit(w, &e, plen);
	}
	e.lst = &ls;
	e.rst = &rs;
	if ((ls.st_mode & S_IFMT) != (rs.st_mode & S_IFMT)) {
		e.cat = TREE_FUNNY;
	} else if (S_ISDIR(ls.st_mode)) {
		e.cat = TREE_COMMON_DIR;
		*is_dir = true;
	} else if (!S_ISREG(ls.st_mode)) {
		e.cat = TREE_FUNNY;
	} else {
		ret = tree_cmp_files(lfd, rfd, name, &ls, &rs, w->o->deep);
		e.cat = ret > 0 ? TREE_SAME : ret == 0 ? TREE_DIFF : TREE_ERROR;
		if (ret < 0) {
			e.err = -ret;
			e.why = "read";
		}
	}
	return tree_emit(w, &e, plen);
}

static int tree_only(struct tree_walk *w, int fd, bool left, size_t plen, const char *name)
{
	struct tree_entry e = { .cat = left ? TREE_LEFT_ONLY : TREE_RIGHT_ONLY, .name = name };
	struct stat st;

	e.ldir = left ? fd : -1;
	e.rdir = left ? -1 : fd;
	if (!fstatat(fd, name, &st, AT_SYMLINK_NOFOLLOW)) {
		if (left)
			e.lst = &st;
		else
			e.rst = &st;
	}
	return tree_emit(w, &e, plen);
}

static int tree_dir(struct tree_walk *w, int lfd, int rfd, size_t plen)
{
	struct tree_names l = { 0 }, r = { 0 };
	unsigned char *dirs = NULL;
	size_t i = 0, j = 0;
	int err;

	err = tree_list(lfd, w->o->ignore, &l);
	if (!err)
		err = tree_list(rfd, w->o->ignore, &r);
	if (err) {
		/* the directory itself is the error; its parent's walk goes on */
		struct tree_entry e = {
			.cat = TREE_DIR_ERROR, .ldir = -1, .rdir = -1, .why = "list"
		};

		if (err == -ENOMEM)
			goto free_names;
		e.err = -err;
		e.path = plen ? w->path : ".";
		e.name = e.path;
		err = w->cb(w->ctx, &e);
		goto free_names;
	}
	dirs = calloc(l.n ? l.n : 1, 1);
	if (!dirs) {
		err = -ENOMEM;
		goto free_names;
	}
	while (!err && (i < l.n || j < r.n)) {
		int c = i == l.n ? 1 : j == r.n ? -1 : strcmp(l.v[i], r.v[j]);
		bool is_dir;

		if (c < 0) {
			err = tree_only(w, lfd, true, plen, l.v[i++]);
		} else if (c > 0) {
			err = tree_only(w, rfd, false, plen, r.v[j++]);
		} else {
			err = tree_common(w, lfd, rfd, plen, l.v[i], &is_dir);
			dirs[i] = is_dir;
			i++;
			j++;
		}
	}
	for (i = 0; !err && i < l.n; i++) {
		if (!dirs[i])
			continue;
		w->path[plen] = '\0';
		err = tree_descend(w, lfd, rfd, plen, l.v[i]);
	}
	w->path[plen] = '\0';
free_names:
	free(dirs);
	tree_names__free(&l);
	tree_names__free(&r);
	return err;
}

int tree_compare(const char *left, const char *right, const struct tree_opts *o, tree_cb cb,
		 void *ctx)
{
	struct tree_walk *w;
	struct stat ls, rs;
	int lfd, rfd, err;

	w = calloc(1, sizeof(*w));
	if (!w)
		return -ENOMEM;
	w->path = calloc(1, TREE_PATH_MAX);
	if (!w->path) {
		err = -ENOMEM;
		goto free_walk;
	}
	w->o = o;
	w->cb = cb;
	w->ctx = ctx;
	lfd = open(left, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (lfd < 0) {
		err = -errno;
		goto free_walk;
	}
	rfd = open(right, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (rfd < 0) {
		err = -errno;
		goto close_left;
	}
	if (fstat(lfd, &ls) || fstat(rfd, &rs)) {
		err = -errno;
		goto close_right;
	}
	w->up[w->depth++] = (struct tree_level){ ls.st_dev, rs.st_dev, ls.st_ino, rs.st_ino };
	err = tree_dir(w, lfd, rfd, 0);
close_right:
	close(rfd);
close_left:
	close(lfd);
free_walk:
	free(w->path);
	free(w);
	return err;
}
