// SPDX-License-Identifier: BSD-2-Clause
/*
 * proc_fds.c - lsof's view of one process, read from its /proc/PID entry under the library's
 * root: the cwd, root and exe links (lsof's cwd, rtd, txt), the distinct files of the maps
 * file (mem, or DEL once deleted), then every fd of the fd directory with its link text, a
 * stat() through the magic link and the fdinfo flags and position.  No fork, no per-fd path
 * building beyond one relative name: each fd costs a readlinkat, an fstatat and one small read.
 */
#include "proc_int.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

struct fd_list {
	struct fb_fd *v;
	size_t n, cap;
};

static struct fb_fd *fd_push(struct fd_list *l, enum fb_fd_kind kind, int fd)
{
	if (fb__grow((void **)&l->v, &l->cap, l->n + 1, sizeof(*l->v)))
		return NULL;
	memset(&l->v[l->n], 0, sizeof(l->v[0]));
	l->v[l->n].kind = kind;
	l->v[l->n].fd = fd;
	return &l->v[l->n++];
}

/* An entry whose link could not be read: @err and the link's path under the root. */
static int fd_set_err(struct fb_fd *f, int err, pid_t pid, const char *sub)
{
	char rel[320], path[4096];

	f->err = err;
	fb__fmt(rel, sizeof(rel), "%d/%s", (int)pid, sub);
	if (fb__path(FB_DIR_PROC, rel, path, sizeof(path)))
		return 0; /* no name: the row still says what was refused */
	f->link = strdup(path);
	return f->link ? 0 : -ENOMEM;
}

static void fd_set_stat(struct fb_fd *f, const struct stat *st)
{
	f->mode = st->st_mode;
	f->dev = st->st_dev;
	f->rdev = st->st_rdev;
	f->size = (uint64_t)st->st_size;
	f->ino = st->st_ino;
	f->valid |= FB_FDI_STAT;
}

/*
 * Read link @rel below @dirfd into a new entry; the link's target is stat()ed too.  @sub names
 * the link below /proc/PID for an error row ("cwd", "fd/3").
 */
static int fd_add_link(struct fd_list *l, int dirfd, const char *rel, enum fb_fd_kind kind, int fd,
		       pid_t pid, const char *sub)
{
	char buf[4096];
	struct fb_fd *f;
	struct stat st;
	ssize_t r;

	r = fb__readlink_at(dirfd, rel, buf, sizeof(buf));
	if (r == -ENOENT)
		return -ENOENT; /* closed meanwhile, or the process is gone: the caller decides */
	f = fd_push(l, kind, fd);
	if (!f)
		return -ENOMEM;
	if (r < 0)
		return fd_set_err(f, (int)-r, pid, sub);
	f->path = strdup(buf);
	if (!f->path)
		return -ENOMEM;
	if (fstatat(dirfd, rel, &st, 0) == 0)
		fd_set_stat(f, &st);
	return 0;
}

/* "pos:\t0\nflags:\t0100002\n...": the position and the open flags (octal). */
static void fd_read_info(struct fb_fd *f, int infofd, const char *name)
{
	char buf[512];
	const char *p;
	uint64_t v;

	if (fb__read_at(infofd, name, buf, sizeof(buf)) < 0)
		return;
	p = strstr(buf, "pos:");
	if (p) {
		p = fb__skip_ws(p + 4);
		if (!fb__parse_u64(&p, &v)) {
			f->pos = v;
			f->valid |= FB_FDI_POS;
		}
	}
	p = strstr(buf, "flags:");
	if (p) {
		p = fb__skip_ws(p + 6);
		v = 0;
		for (; *p >= '0' && *p <= '7'; p++)
			v = v * 8 + (uint64_t)(*p - '0');
		f->flags = (uint32_t)v;
		f->valid |= FB_FDI_FLAGS;
	}
}

/* (dev, ino) pairs already listed as mem: open addressing, so a huge maps file stays linear. */
struct file_set {
	uint64_t *keys; /* dev, ino pairs; ino 0 marks a free slot (maps never lists inode 0) */
	size_t cap, n;
};

static uint64_t file_hash(uint64_t dev, uint64_t ino)
{
	return (ino * 0x9e3779b97f4a7c15ULL) ^ (dev * 0xc2b2ae3d27d4eb4fULL);
}

/* Add (dev, ino); 1 when it was new, 0 when already there, -ENOMEM. */
static int file_set_add(struct file_set *fs, uint64_t dev, uint64_t ino)
{
	size_t i;

	if ((fs->n + 1) * 2 > fs->cap) {
		struct file_set big = { .cap = fs->cap ? fs->cap * 2 : 64 };

		big.keys = calloc(big.cap * 2, sizeof(*big.keys));
		if (!big.keys)
			return -ENOMEM;
		for (i = 0; i < fs->cap; i++)
			if (fs->keys[2 * i + 1])
				file_set_add(&big, fs->keys[2 * i], fs->keys[2 * i + 1]);
		free(fs->keys);
		*fs = big;
	}
	for (i = file_hash(dev, ino) & (fs->cap - 1); fs->keys[2 * i + 1];
	     i = (i + 1) & (fs->cap - 1)) {
		if (fs->keys[2 * i] == dev && fs->keys[2 * i + 1] == ino)
			return 0;
	}
	fs->keys[2 * i] = dev;
	fs->keys[2 * i + 1] = ino;
	fs->n++;
	return 1;
}

/*
 * One maps line: "start-end perms offset MAJ:MIN inode   path".  Returns the path (in the
 * line) of a file mapping, NULL for anonymous and pseudo ([heap], [vdso]) ones.
 */
static const char *maps_file(const char *line, uint64_t *dev, uint64_t *ino)
{
	const char *p = line;
	uint64_t maj, min;

	for (int i = 0; i < 3; i++) {
		p = strchr(p, ' ');
		if (!p)
			return NULL;
		p++;
	}
	if (fb__parse_hex(&p, &maj) || *p++ != ':' || fb__parse_hex(&p, &min))
		return NULL;
	p = fb__skip_ws(p);
	if (fb__parse_u64(&p, ino) || !*ino)
		return NULL;
	p = fb__skip_ws(p);
	if (*p != '/')
		return NULL;
	*dev = makedev((unsigned int)maj, (unsigned int)min);
	return p;
}

/*
 * @txt_dev, @txt_ino: the exe (lsof's txt), not listed again as mem; ino 0 when unknown.
 * @sizes: stat() each file for its size.
 */
static int fds_add_maps(struct fd_list *l, pid_t pid, uint64_t txt_dev, uint64_t txt_ino,
			bool sizes)
{
	static const char del[] = " (deleted)";
	struct file_set seen = { 0 };
	char rel[32], *text, *line, *nl;
	ssize_t r;
	int err = 0;

	fb__fmt(rel, sizeof(rel), "%d/maps", (int)pid);
	r = fb__read_alloc(FB_DIR_PROC, rel, &text);
	if (r < 0)
		return r == -ENOENT || r == -ESRCH ? (int)r : 0; /* EACCES: no mem rows, as lsof */
	for (line = text; *line && !err; line = nl ? nl + 1 : line + strlen(line)) {
		uint64_t dev, ino;
		const char *path;
		struct fb_fd *f;
		struct stat st;
		size_t len;

		nl = strchr(line, '\n');
		if (nl)
			*nl = '\0';
		path = maps_file(line, &dev, &ino);
		if (!path || (txt_ino == ino && txt_dev == dev))
			continue;
		err = file_set_add(&seen, dev, ino);
		if (err <= 0)
			continue; /* listed already, or -ENOMEM: the loop ends */
		err = 0;
		len = strlen(path);
		f = fd_push(l, FB_FD_MEM, -1);
		if (!f) {
			err = -ENOMEM;
			break;
		}
		if (len > sizeof(del) - 1 && !strcmp(path + len - sizeof(del) + 1, del)) {
			f->kind = FB_FD_DEL;
			len -= sizeof(del) - 1;
		}
		f->path = strndup(path, len);
		if (!f->path)
			err = -ENOMEM;
		f->dev = dev;
		f->ino = ino;
		/* the size of the file still at that path, when it is the mapped one */
		if (sizes && f->path && f->kind == FB_FD_MEM && fb__root_is_live() &&
		    stat(f->path, &st) == 0 && st.st_ino == ino && st.st_dev == dev)
			fd_set_stat(f, &st);
	}
	free(seen.keys);
	free(text);
	return err;
}

/* Every fd of the fd directory, with fdinfo; -ENOENT when the directory is gone. */
static int fds_add_fds(struct fd_list *l, pid_t pid)
{
	int procfd = fb__dirfd(FB_DIR_PROC), dfd, infofd;
	struct dirent *de;
	char rel[32], sub[300];
	DIR *dir;
	int err = 0;

	fb__fmt(rel, sizeof(rel), "%d/fd", (int)pid);
	dfd = openat(procfd, rel, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0) {
		struct fb_fd *f;

		if (errno == ENOENT || errno == ESRCH)
			return -errno;
		err = errno;
		f = fd_push(l, FB_FD_NUM, -1); /* lsof's NOFD row */
		return f ? fd_set_err(f, err, pid, "fd") : -ENOMEM;
	}
	dir = fdopendir(dfd);
	if (!dir) {
		close(dfd);
		return -ENOMEM;
	}
	fb__fmt(rel, sizeof(rel), "%d/fdinfo", (int)pid);
	infofd = openat(procfd, rel, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	while (!err && (de = readdir(dir))) {
		const char *q = de->d_name;
		uint64_t fdn;

		if (fb__parse_u64(&q, &fdn) || *q)
			continue;
		fb__fmt(sub, sizeof(sub), "fd/%s", de->d_name);
		err = fd_add_link(l, dfd, de->d_name, FB_FD_NUM, (int)fdn, pid, sub);
		if (err == -ENOENT) {
			err = 0; /* closed between readdir and readlink */
			continue;
		}
		if (!err && infofd >= 0)
			fd_read_info(&l->v[l->n - 1], infofd, de->d_name);
	}
	if (infofd >= 0)
		close(infofd);
	closedir(dir);
	return err;
}

static int fd_cmp(const void *a, const void *b)
{
	const struct fb_fd *x = a, *y = b;

	return (x->fd > y->fd) - (x->fd < y->fd);
}

int fb_proc__fds(struct fb_proc *p, struct fb_fds *out)
{
	return fb_proc__fds_ex(p, FB_FDS_ALL, out);
}

int fb_proc__fds_ex(struct fb_proc *p, uint32_t what, struct fb_fds *out)
{
	static const struct {
		const char *name;
		enum fb_fd_kind kind;
	} links[] = { { "cwd", FB_FD_CWD }, { "root", FB_FD_RTD }, { "exe", FB_FD_TXT } };
	int procfd = fb__dirfd(FB_DIR_PROC);
	struct fd_list l = { 0 };
	uint64_t txt_dev = 0, txt_ino = 0; /* copies: l.v moves as it grows */
	size_t nfd_first;
	char rel[32];
	int err = 0;

	fb__proc_clear_err(p);
	out->v = NULL;
	out->n = 0;
	if (procfd < 0)
		return fb__proc_fail(p, "fds", procfd);
	for (size_t i = 0; (what & FB_FDS_LINKS) && i < sizeof(links) / sizeof(links[0]) && !err;
	     i++) {
		fb__fmt(rel, sizeof(rel), "%d/%s", (int)p->pid, links[i].name);
		err = fd_add_link(&l, procfd, rel, links[i].kind, -1, p->pid, links[i].name);
		if (err == -ENOENT) {
			/*
			 * a kernel thread has no exe (lsof's "unknown" row); a vanished one
			 * nothing
			 */
			fb__fmt(rel, sizeof(rel), "%d", (int)p->pid);
			err = faccessat(procfd, rel, F_OK, 0) ? -ESRCH : 0;
			if (!err) {
				struct fb_fd *f = fd_push(&l, links[i].kind, -1);

				err = f ? fd_set_err(f, ENOENT, p->pid, links[i].name) : -ENOMEM;
			}
		}
	}
	if (!err && l.n && l.v[l.n - 1].kind == FB_FD_TXT && (l.v[l.n - 1].valid & FB_FDI_STAT)) {
		txt_dev = l.v[l.n - 1].dev;
		txt_ino = l.v[l.n - 1].ino;
	}
	if (!err && (what & FB_FDS_MAPS))
		err = fds_add_maps(&l, p->pid, txt_dev, txt_ino, what & FB_FDS_MAP_SIZES);
	nfd_first = l.n;
	if (!err && (what & FB_FDS_NUMS))
		err = fds_add_fds(&l, p->pid);
	if (err)
		goto fail;
	qsort(l.v + nfd_first, l.n - nfd_first, sizeof(*l.v), fd_cmp);
	out->v = l.v;
	out->n = l.n;
	return 0;
fail:
	out->v = l.v;
	out->n = l.n;
	fb_fds_free(out);
	return fb__proc_fail(p, "fds", err);
}
