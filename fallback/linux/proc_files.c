// SPDX-License-Identifier: BSD-2-Clause
/*
 * proc_files.c - process methods that read their own /proc/PID entry rather than stat or
 * status: exe and cwd (readlink), cmdline and environ (NUL-separated blocks, with psutil's
 * setproctitle rule), num_fds and open_files (the fd directory, fdinfo for position and
 * flags), threads (task/TID/stat) and io_counters (/proc/PID/io).
 */
#include "proc_int.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int proc_readlink(struct fb_proc *p, const char *file, char *buf, size_t len)
{
	char rel[64];
	ssize_t r;

	fb__fmt(rel, sizeof(rel), "%d/%s", (int)p->pid, file);
	r = fb__readlink_at(fb__dirfd(FB_DIR_PROC), rel, buf, len);
	return r < 0 ? (int)r : 0;
}

static bool pid_dir_is_present(pid_t pid)
{
	char rel[32];

	fb__fmt(rel, sizeof(rel), "%d", (int)pid);
	return faccessat(fb__dirfd(FB_DIR_PROC), rel, F_OK, AT_SYMLINK_NOFOLLOW) == 0;
}

int fb_proc__exe(struct fb_proc *p, char *buf, size_t len)
{
	struct stat sb;
	int err;

	fb__proc_clear_err(p);
	err = proc_readlink(p, "exe", buf, len);
	if (err == -ENOENT || err == -ESRCH) {
		struct fb__pstat st;

		if (!fb__read_pstat(p->pid, &st) && st.state == 'Z')
			return fb__proc_fail(p, "exe", ESRCH);
		if (pid_dir_is_present(p->pid)) {
			buf[0] = '\0'; /* a kernel thread has no exe */
			return 0;
		}
		return fb__proc_fail(p, "exe", err);
	}
	if (err == -EACCES || err == -EPERM) {
		/* psutil falls back to an absolute, executable cmdline[0] */
		struct fb_strv cmd;

		if (!fb_proc__cmdline(p, &cmd)) {
			bool ok = cmd.n && cmd.v[0][0] == '/' && access(cmd.v[0], X_OK) == 0;

			if (ok)
				fb__copy(buf, len, cmd.v[0]);
			fb_strv_free(&cmd);
			if (ok) {
				fb__proc_clear_err(p);
				return 0;
			}
		}
		return fb__proc_fail(p, "exe", err);
	}
	if (err)
		return fb__proc_fail(p, "exe", err);
	/* " (deleted)" is stripped when the file really is gone */
	{
		size_t n = strlen(buf);
		const char *sfx = " (deleted)";
		size_t sl = strlen(sfx);

		if (n > sl && strcmp(buf + n - sl, sfx) == 0 && stat(buf, &sb) != 0)
			buf[n - sl] = '\0';
	}
	return 0;
}

int fb_proc__cwd(struct fb_proc *p, char *buf, size_t len)
{
	int err;

	fb__proc_clear_err(p);
	err = proc_readlink(p, "cwd", buf, len);
	if (err == -ENOENT || err == -ESRCH) {
		struct fb__pstat st;

		if (!fb__read_pstat(p->pid, &st) && st.state == 'Z')
			return fb__proc_fail(p, "cwd", ESRCH);
		if (pid_dir_is_present(p->pid)) {
			buf[0] = '\0';
			return 0;
		}
	}
	return err ? fb__proc_fail(p, "cwd", err) : 0;
}

static ssize_t read_block(struct fb_proc *p, const char *what, const char *file, char **out)
{
	char rel[64];
	ssize_t r;

	fb__fmt(rel, sizeof(rel), "%d/%s", (int)p->pid, file);
	r = fb__read_alloc(FB_DIR_PROC, rel, out);
	if (r < 0)
		return fb__proc_fail(p, what, (int)r);
	return r;
}

int fb_proc__cmdline(struct fb_proc *p, struct fb_strv *out)
{
	char *data, sep;
	ssize_t r;
	int err;

	fb__proc_clear_err(p);
	out->v = NULL;
	out->n = 0;
	r = read_block(p, "cmdline", "cmdline", &data);
	if (r < 0)
		return (int)r;
	if (r == 0) {
		struct fb__pstat st;

		free(data);
		if (!fb__read_pstat(p->pid, &st) && st.state == 'Z')
			return fb__proc_fail(p, "cmdline", ESRCH);
		return fb__strv_split("", 0, '\0', out);
	}
	/* setproctitle() rewrites argv with spaces and may drop the final NUL (psutil #1179) */
	sep = data[r - 1] == '\0' ? '\0' : ' ';
	if (sep == '\0' && !memchr(data, '\0', (size_t)r - 1) && memchr(data, ' ', (size_t)r))
		sep = ' ';
	if (sep == ' ' && data[r - 1] == '\0')
		r--;
	err = fb__strv_split(data, (size_t)r, sep, out);
	free(data);
	return err ? fb__proc_fail(p, "cmdline", err) : 0;
}

int fb_proc__environ(struct fb_proc *p, struct fb_strv *out)
{
	char *data;
	ssize_t r;
	size_t k = 0;
	int err;

	fb__proc_clear_err(p);
	out->v = NULL;
	out->n = 0;
	r = read_block(p, "environ", "environ", &data);
	if (r < 0)
		return (int)r;
	err = fb__strv_split(data, (size_t)r, '\0', out);
	free(data);
	if (err)
		return fb__proc_fail(p, "environ", err);
	/* keep only KEY=VALUE items, as psutil's parse_environ_block */
	for (size_t i = 0; i < out->n; i++)
		if (strchr(out->v[i], '=') && out->v[i][0] != '=')
			out->v[k++] = out->v[i];
	out->v[k] = NULL;
	out->n = k;
	return 0;
}

/* Open /proc/PID/<sub> as a DIR; classified error on failure. */
static int open_subdir(struct fb_proc *p, const char *what, const char *sub, DIR **out)
{
	char rel[64];
	int fd;

	fb__fmt(rel, sizeof(rel), "%d/%s", (int)p->pid, sub);
	fd = openat(fb__dirfd(FB_DIR_PROC), rel, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return fb__proc_fail(p, what, errno);
	*out = fdopendir(fd);
	if (!*out) {
		int e = errno;

		close(fd);
		return fb__proc_fail(p, what, e);
	}
	return 0;
}

int fb_proc__num_fds(struct fb_proc *p, int *out)
{
	struct dirent *de;
	DIR *dir;
	int err, n = 0;

	fb__proc_clear_err(p);
	err = open_subdir(p, "num_fds", "fd", &dir);
	if (err)
		return err;
	while ((de = readdir(dir)))
		if (de->d_name[0] != '.')
			n++;
	closedir(dir);
	*out = n;
	return 0;
}

int fb_proc__threads(struct fb_proc *p, struct fb_thread **out, size_t *n)
{
	struct fb_thread *v = NULL;
	size_t cnt = 0, cap = 0;
	double tck = (double)fb__clk_tck();
	struct dirent *de;
	DIR *dir;
	int err;

	fb__proc_clear_err(p);
	err = open_subdir(p, "threads", "task", &dir);
	if (err)
		return err;
	while ((de = readdir(dir))) {
		char rel[300], buf[1024];
		struct fb__pstat st;

		if (de->d_name[0] == '.')
			continue;
		fb__fmt(rel, sizeof(rel), "%s/stat", de->d_name);
		if (fb__read_at(dirfd(dir), rel, buf, sizeof(buf)) < 0 || fb__parse_stat(buf, &st))
			continue; /* the thread ended between readdir and open */
		err = fb__grow((void **)&v, &cap, cnt + 1, sizeof(*v));
		if (err)
			goto close_dir;
		v[cnt].id = st.pid;
		/* a negative count is unknown (NAN), not a wrapped huge time */
		v[cnt].user_time = st.neg & FB__STAT_BIT(14) ? NAN : (double)st.utime / tck;
		v[cnt].system_time = st.neg & FB__STAT_BIT(15) ? NAN : (double)st.stime / tck;
		cnt++;
	}
	closedir(dir);
	if (!cnt && !pid_dir_is_present(p->pid)) {
		free(v);
		return fb__proc_fail(p, "threads", ESRCH);
	}
	*out = v;
	*n = cnt;
	return 0;

close_dir:
	closedir(dir);
	free(v);
	return fb__proc_fail(p, "threads", err);
}

static void flags_to_mode(uint32_t flags, char mode[3])
{
	switch (flags & O_ACCMODE) {
	case O_RDONLY:
		strcpy(mode, "r");
		break;
	case O_WRONLY:
		strcpy(mode, (flags & O_APPEND) ? "a" : "w");
		break;
	default:
		strcpy(mode, (flags & O_APPEND) ? "a+" : "r+");
		break;
	}
}

int fb_proc__open_files(struct fb_proc *p, struct fb_open_file **out, size_t *n)
{
	struct fb_open_file *v = NULL;
	size_t cnt = 0, cap = 0;
	struct dirent *de;
	char target[PATH_MAX];
	DIR *dir;
	int err;

	fb__proc_clear_err(p);
	err = open_subdir(p, "open_files", "fd", &dir);
	if (err)
		return err;
	while ((de = readdir(dir))) {
		char rel[300], info[1024];
		struct stat sb;
		const char *q = de->d_name;
		uint64_t fd, pos = 0, flags = 0;
		ssize_t r;

		if (fb__parse_u64(&q, &fd) || *q)
			continue;
		r = fb__readlink_at(dirfd(dir), de->d_name, target, sizeof(target));
		if (r == -EACCES || r == -EPERM) {
			/* psutil raises AccessDenied here (net_connections skips instead) */
			closedir(dir);
			free(v);
			return fb__proc_fail(p, "open_files", (int)-r);
		}
		if (r < 0)
			continue; /* closed meanwhile, or ENAMETOOLONG/EINVAL: skipped as psutil */
		if (target[0] != '/' || stat(target, &sb) || !S_ISREG(sb.st_mode))
			continue;
		fb__fmt(rel, sizeof(rel), "%d/fdinfo/%s", (int)p->pid, de->d_name);
		if (fb__read(FB_DIR_PROC, rel, info, sizeof(info)) >= 0) {
			const char *s = strstr(info, "flags:");

			fb__kv_u64(info, "pos", &pos);
			if (s) {
				/* octal */
				s = fb__skip_ws(s + 6);
				while (*s >= '0' && *s <= '7')
					flags = flags * 8 + (uint64_t)(*s++ - '0');
			}
		} else {
			continue; /* the fd went away */
		}
		err = fb__grow((void **)&v, &cap, cnt + 1, sizeof(*v));
		if (err)
			goto close_dir;
		fb__copy(v[cnt].path, sizeof(v[cnt].path), target);
		v[cnt].fd = (int)fd;
		v[cnt].position = pos;
		v[cnt].flags = (uint32_t)flags;
		flags_to_mode((uint32_t)flags, v[cnt].mode);
		cnt++;
	}
	closedir(dir);
	*out = v;
	*n = cnt;
	return 0;

close_dir:
	closedir(dir);
	free(v);
	return fb__proc_fail(p, "open_files", err);
}

int fb_proc__io_counters(struct fb_proc *p, struct fb_proc_io *out)
{
	char buf[1024];
	ssize_t r;

	fb__proc_clear_err(p);
	r = fb__proc_read(p, "io_counters", "io", buf, sizeof(buf));
	if (r < 0)
		return (int)r;
	if (fb__parse_proc_io(buf, out))
		return fb__proc_fail(p, "io_counters", ENODATA);
	return 0;
}

int fb__parse_proc_io(const char *buf, struct fb_proc_io *out)
{
	if (fb__kv_u64(buf, "syscr", &out->read_count) ||
	    fb__kv_u64(buf, "syscw", &out->write_count) ||
	    fb__kv_u64(buf, "read_bytes", &out->read_bytes) ||
	    fb__kv_u64(buf, "write_bytes", &out->write_bytes) ||
	    fb__kv_u64(buf, "rchar", &out->read_chars) ||
	    fb__kv_u64(buf, "wchar", &out->write_chars))
		return -ENODATA;
	return 0;
}
