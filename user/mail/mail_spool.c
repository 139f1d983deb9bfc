// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * mail_spool.c: the on-disk queue of messages not yet accepted by the SMTP server
 * (mail_spool.h). Writing is tmp + fsync + rename + fsync(dir); reading is a strict parser of
 * the format it writes: every length is checked against what remains, every header must be a
 * valid header value, and anything else is refused as not a spool file.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/log.h"
#include "mail/mail_spool.h"

#define SPOOL_MAGIC "vigil-mail 1\n"

static int enc_section(struct mail_buf *b, const char *head, const struct mail_buf *data)
{
	int err = mail_buf__printf(b, "%s %zu\n", head, data->len);

	err = err ? err : mail_buf__append(b, data->data, data->len);
	return err ? err : mail_buf__append(b, "\n", 1);
}

int mail_spool__encode(const struct mail_msg *m, struct mail_buf *b)
{
	int err = mail_buf__printf(b, SPOOL_MAGIC "id %s\nfrom %s\nto %s\nsubject %s\ndate %s\n",
				   m->message_id, m->from, m->to, m->subject, m->date);

	err = err ? err : enc_section(b, "text", &m->text);
	err = err ? err : enc_section(b, "html", &m->html);
	for (int i = 0; !err && i < m->nparts; i++) {
		char head[512];

		snprintf(head, sizeof(head), "%s %s %s",
			 m->parts[i].is_inline ? "inline" : "attach", m->parts[i].type,
			 m->parts[i].name);
		err = enc_section(b, head, &m->parts[i].data);
	}
	return err ? err : mail_buf__printf(b, "end\n");
}

struct cursor {
	const char *p, *end;
};

/* The next line, without its newline, NUL-terminated into buf. 0 or -EINVAL. */
static int next_line(struct cursor *c, char *buf, size_t len)
{
	const char *nl = memchr(c->p, '\n', (size_t)(c->end - c->p));
	size_t n;

	if (!nl)
		return -EINVAL;
	n = (size_t)(nl - c->p);
	if (n >= len || memchr(c->p, '\0', n))
		return -EINVAL;
	memcpy(buf, c->p, n);
	buf[n] = '\0';
	c->p = nl + 1;
	return 0;
}

static int header(struct cursor *c, const char *key, char **field)
{
	char line[MAIL_LINE_MAX + 64];
	size_t k = strlen(key);

	if (next_line(c, line, sizeof(line)) || strncmp(line, key, k) || line[k] != ' ')
		return -EINVAL;
	return mail_msg__set(field, line + k + 1) ? -EINVAL : 0;
}

/* A section's body after its "... LEN" line: LEN bytes then a newline. */
static int body(struct cursor *c, const char *lenstr, struct mail_buf *out)
{
	char *endp;
	unsigned long long n;

	if (!*lenstr || *lenstr < '0' || *lenstr > '9')
		return -EINVAL;
	errno = 0;
	n = strtoull(lenstr, &endp, 10);
	if (errno || *endp || n > MAIL_SPOOL_MAX || n + 1 > (unsigned long long)(c->end - c->p) ||
	    c->p[n] != '\n')
		return -EINVAL;
	if (mail_buf__append(out, c->p, (size_t)n))
		return -EINVAL;
	c->p += n + 1;
	return 0;
}

static int section(struct cursor *c, const char *key, struct mail_buf *out)
{
	char line[64];
	size_t k = strlen(key);

	if (next_line(c, line, sizeof(line)) || strncmp(line, key, k) || line[k] != ' ')
		return -EINVAL;
	return body(c, line + k + 1, out);
}

static int part(struct cursor *c, const char *line, struct mail_msg *m)
{
	char kind[8], type[256], name[256], len[32];
	struct mail_buf data = { 0 };
	int err;

	if (sscanf(line, "%7s %255s %255s %31s", kind, type, name, len) != 4 ||
	    (strcmp(kind, "inline") && strcmp(kind, "attach")))
		return -EINVAL;
	err = body(c, len, &data);
	if (!err && mail_msg__add_part(m, kind[0] == 'i', type, name, data.data, data.len))
		err = -EINVAL;
	mail_buf__free(&data);
	return err;
}

int mail_spool__decode(const char *data, size_t len, struct mail_msg *m)
{
	struct cursor c = { data, data + len };
	char line[1024];
	int err = 0;

	memset(m, 0, sizeof(*m));
	if (len < sizeof(SPOOL_MAGIC) - 1 || memcmp(data, SPOOL_MAGIC, sizeof(SPOOL_MAGIC) - 1))
		return -EINVAL;
	c.p += sizeof(SPOOL_MAGIC) - 1;
	err = header(&c, "id", &m->message_id);
	err = err ? err : header(&c, "from", &m->from);
	err = err ? err : header(&c, "to", &m->to);
	err = err ? err : header(&c, "subject", &m->subject);
	err = err ? err : header(&c, "date", &m->date);
	err = err ? err : section(&c, "text", &m->text);
	err = err ? err : section(&c, "html", &m->html);
	while (!err) {
		err = next_line(&c, line, sizeof(line));
		if (!err && !strcmp(line, "end"))
			break;
		err = err ? err : part(&c, line, m);
	}
	if (!err && c.p != c.end)
		err = -EINVAL; /* bytes after "end" */
	if (err)
		mail_msg__free(m);
	return err;
}

void mail_spool__name(char *buf, size_t len, const char *id)
{
	size_t j = 0;

	for (; id && *id && j + 5 < len && j < 200; id++) {
		char ch = *id;

		buf[j++] = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
					   (ch >= '0' && ch <= '9') || ch == '.' || ch == '_' ||
					   ch == '@' || ch == '-'
				   ? ch
				   : '_';
	}
	if (j && buf[0] == '.')
		buf[0] = '_';
	snprintf(buf + j, len - j, ".msg");
}

int mail_spool__mkdir(const char *dir)
{
	char path[4096];
	size_t n = strlen(dir);

	if (!n || n >= sizeof(path))
		return -ENAMETOOLONG;
	memcpy(path, dir, n + 1);
	for (char *s = path + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(path, 0755) && errno != EEXIST)
			goto fail;
		*s = '/';
	}
	if (mkdir(path, 0700) && errno != EEXIST)
		goto fail;
	return 0;
fail:
	n = (size_t)errno;
	pr_err("mail: cannot create the spool %s: %s\n", path, strerror((int)n));
	return -(int)n;
}

static int fsync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC), err = 0;

	if (fd < 0)
		return -errno;
	if (fsync(fd))
		err = -errno;
	close(fd);
	return err;
}

static int write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return w < 0 ? -errno : -EIO;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

int mail_spool__write(const char *dir, const struct mail_msg *m, char *path, size_t len)
{
	char name[256], tmp[4096], dst[4096];
	struct mail_buf b = { 0 };
	int fd, err;

	mail_spool__name(name, sizeof(name), m->message_id);
	if ((size_t)snprintf(dst, sizeof(dst), "%s/%s", dir, name) >= sizeof(dst) ||
	    (size_t)snprintf(tmp, sizeof(tmp), "%s/.%s.tmp", dir, name) >= sizeof(tmp))
		return -ENAMETOOLONG;
	err = mail_spool__encode(m, &b);
	fd = err ? -1 : open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (!err && fd < 0)
		err = -errno;
	if (!err)
		err = write_all(fd, b.data, b.len);
	if (!err && fsync(fd))
		err = -errno;
	if (fd >= 0 && close(fd) && !err)
		err = -errno;
	if (!err && rename(tmp, dst))
		err = -errno;
	if (!err)
		err = fsync_dir(dir);
	if (err) {
		pr_err("mail: cannot queue message %s in %s: %s\n", m->message_id, dir,
		       strerror(-err));
		unlink(tmp);
	}
	mail_buf__free(&b);
	if (!err && path)
		snprintf(path, len, "%s", dst);
	return err;
}

int mail_spool__read(const char *path, struct mail_msg *m)
{
	struct mail_buf b = { 0 };
	char chunk[65536];
	int fd = open(path, O_RDONLY | O_CLOEXEC), err = 0;

	memset(m, 0, sizeof(*m));
	if (fd < 0)
		return -errno;
	for (;;) {
		ssize_t n = read(fd, chunk, sizeof(chunk));

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			err = n < 0 ? -errno : 0;
			break;
		}
		if (b.len + (size_t)n > MAIL_SPOOL_MAX + 65536) {
			err = -EINVAL;
			break;
		}
		if (mail_buf__append(&b, chunk, (size_t)n)) {
			err = -ENOMEM;
			break;
		}
	}
	close(fd);
	if (!err)
		err = mail_spool__decode(b.data ? b.data : "", b.len, m);
	mail_buf__free(&b);
	return err;
}

int mail_spool__remove(const char *path)
{
	char dir[4096];
	const char *slash = strrchr(path, '/');

	if (unlink(path) && errno != ENOENT)
		return -errno;
	if (!slash)
		return fsync_dir(".");
	snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path), path);
	return fsync_dir(slash == path ? "/" : dir);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int mail_spool__list(const char *dir, char ***paths)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char **v = NULL, path[4096];
	int n = 0, cap = 0;

	*paths = NULL;
	if (!d)
		return -errno;
	while ((e = readdir(d))) {
		size_t len = strlen(e->d_name);
		char **nv;

		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (e->d_name[0] == '.' && len > 4 && !strcmp(e->d_name + len - 4, ".tmp")) {
			unlink(path); /* a write a crash interrupted: never renamed, never queued */
			continue;
		}
		if (e->d_name[0] == '.' || len < 5 || strcmp(e->d_name + len - 4, ".msg"))
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			nv = realloc(v, (size_t)cap * sizeof(*v));
			if (!nv)
				break;
			v = nv;
		}
		v[n] = strdup(path);
		if (v[n])
			n++;
	}
	closedir(d);
	if (n)
		qsort(v, (size_t)n, sizeof(*v), cmp_str);
	*paths = v;
	return n;
}
