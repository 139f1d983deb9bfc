// SPDX-License-Identifier: BSD-2-Clause
/*
 * proc_smaps.c - the /proc/PID/smaps parser behind memory_maps() (and so `vigil pmap`),
 * streamed: the file is read through one fixed 64 KiB buffer and each line is parsed where it
 * lies (its newline turned into a NUL), so nothing is allocated per line and the text is
 * never held whole (4000 mappings are ~4 MiB of text). Mappings go into one growing array;
 * their paths into fixed chunks, so a path's pointer stays put while the array grows (grouped
 * mode compares paths as blocks fold); at the end entries and paths are packed into one block
 * that the caller frees with free(). A line longer than the buffer is cut (its path
 * truncated), never overrun. fb__parse_smaps() runs the same parser over a text in memory.
 */
#include "proc_int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define SMAPS_BUF   65536
#define CHUNK_BYTES 65536

struct path_chunk {
	struct path_chunk *next;
	size_t used, cap;
	char data[];
};

struct smaps_parser {
	bool grouped, in_block;
	struct fb_mmap *v;
	size_t cnt, cap;
	struct path_chunk *chunks; /* newest first */
	size_t path_bytes;	   /* of every path kept, NULs included */
	size_t *slots;		   /* grouped: open addressing, group index + 1; 0 free */
	size_t nslots;
};

/* A copy of path[0..len) that stays put; NULL without memory. */
static const char *path_keep(struct smaps_parser *s, const char *path, size_t len)
{
	struct path_chunk *c = s->chunks;
	char *dst;

	if (!c || c->cap - c->used < len + 1) {
		size_t cap = len + 1 > CHUNK_BYTES ? len + 1 : CHUNK_BYTES;

		c = malloc(sizeof(*c) + cap);
		if (!c)
			return NULL;
		c->used = 0;
		c->cap = cap;
		c->next = s->chunks;
		s->chunks = c;
	}
	dst = c->data + c->used;
	memcpy(dst, path, len);
	dst[len] = '\0';
	c->used += len + 1;
	s->path_bytes += len + 1;
	return dst;
}

static size_t path_hash(const char *p)
{
	size_t h = 1469598103934665603ULL;

	for (; *p; p++)
		h = (h ^ (unsigned char)*p) * 1099511628211ULL;
	return h;
}

static size_t *group_slot(size_t *slots, size_t nslots, const struct fb_mmap *v, const char *path)
{
	size_t i = path_hash(path) & (nslots - 1);

	while (slots[i] && strcmp(v[slots[i] - 1].path, path))
		i = (i + 1) & (nslots - 1);
	return &slots[i];
}

static void add_mmap(struct fb_mmap *dst, const struct fb_mmap *src)
{
	dst->rss += src->rss;
	dst->size += src->size;
	dst->pss += src->pss;
	dst->shared_clean += src->shared_clean;
	dst->shared_dirty += src->shared_dirty;
	dst->private_clean += src->private_clean;
	dst->private_dirty += src->private_dirty;
	dst->referenced += src->referenced;
	dst->anonymous += src->anonymous;
	dst->swap += src->swap;
}

/* Grouped: fold the last block into an earlier one with its path, or index it. */
static int fold_last(struct smaps_parser *s)
{
	struct fb_mmap *last = &s->v[s->cnt - 1];
	size_t *slot;

	if (s->cnt * 2 > s->nslots) {
		size_t n = s->nslots ? s->nslots * 2 : 256, *big = calloc(n, sizeof(*big));

		if (!big)
			return -ENOMEM;
		for (size_t k = 0; k < s->nslots; k++)
			if (s->slots[k])
				*group_slot(big, n, s->v, s->v[s->slots[k] - 1].path) = s->slots[k];
		free(s->slots);
		s->slots = big;
		s->nslots = n;
	}
	slot = group_slot(s->slots, s->nslots, s->v, last->path);
	if (*slot) {
		add_mmap(&s->v[*slot - 1], last);
		s->cnt--;
	} else {
		*slot = s->cnt;
	}
	return 0;
}

/* A mapping header, "start-end perms offset dev inode [path]"? */
static bool is_header(const char *p)
{
	const char *q = p;
	uint64_t v;

	return !fb__parse_hex(&q, &v) && *q == '-';
}

/* A new block from a header line; 0 (skipped when malformed) or -ENOMEM. */
static int header_line(struct smaps_parser *s, const char *line)
{
	char addr[64], perms[16], skip[64], ino[32];
	const char *q = line, *path;
	struct fb_mmap *m;
	size_t plen;

	s->in_block = false;
	q = fb__token(q, addr, sizeof(addr));
	q = q ? fb__token(q, perms, sizeof(perms)) : NULL;
	for (int i = 0; q && i < 2; i++)
		q = fb__token(q, skip, sizeof(skip)); /* offset, dev */
	q = q ? fb__token(q, ino, sizeof(ino)) : NULL;
	if (!q)
		return 0;
	if (s->cnt == s->cap && fb__grow((void **)&s->v, &s->cap, s->cnt + 1, sizeof(*s->v)))
		return -ENOMEM;
	m = &s->v[s->cnt];
	memset(m, 0, sizeof(*m));
	path = fb__skip_ws(q);
	plen = strlen(path);
	if (!plen) {
		path = "[anon]";
		plen = 6;
	}
	m->path = path_keep(s, path, plen);
	if (!m->path)
		return -ENOMEM;
	if (!s->grouped) {
		fb__copy(m->addr, sizeof(m->addr), addr);
		fb__copy(m->perms, sizeof(m->perms), perms);
		m->ino = strtoull(ino, NULL, 10);
	}
	s->cnt++;
	s->in_block = true;
	return 0;
}

/* The field a "Key:" of klen bytes names, or NULL for one memory_maps() does not keep. */
static uint64_t *field_of(struct fb_mmap *m, const char *k, size_t klen)
{
	switch (klen) {
	case 3:
		return !memcmp(k, "Rss", 3) ? &m->rss : !memcmp(k, "Pss", 3) ? &m->pss : NULL;
	case 4:
		return !memcmp(k, "Size", 4) ? &m->size : !memcmp(k, "Swap", 4) ? &m->swap : NULL;
	case 9:
		return !memcmp(k, "Anonymous", 9) ? &m->anonymous : NULL;
	case 10:
		return !memcmp(k, "Referenced", 10) ? &m->referenced : NULL;
	case 12:
		return !memcmp(k, "Shared_Clean", 12)	? &m->shared_clean
		       : !memcmp(k, "Shared_Dirty", 12) ? &m->shared_dirty
							: NULL;
	case 13:
		return !memcmp(k, "Private_Clean", 13)	 ? &m->private_clean
		       : !memcmp(k, "Private_Dirty", 13) ? &m->private_dirty
							 : NULL;
	}
	return NULL;
}

/* One NUL-terminated line (no newline). 0 or -ENOMEM. */
static int smaps_line(struct smaps_parser *s, const char *line)
{
	const char *colon, *q;
	uint64_t *dst, val;
	int err;

	if (is_header(line)) {
		if (s->in_block && s->grouped) {
			err = fold_last(s);
			if (err)
				return err;
		}
		return header_line(s, line);
	}
	colon = strchr(line, ':');
	if (!s->in_block || !colon)
		return 0;
	dst = field_of(&s->v[s->cnt - 1], line, (size_t)(colon - line));
	q = colon + 1;
	if (dst && !fb__parse_u64(&q, &val))
		*dst = val * 1024;
	return 0;
}

static void parser_free(struct smaps_parser *s)
{
	while (s->chunks) {
		struct path_chunk *next = s->chunks->next;

		free(s->chunks);
		s->chunks = next;
	}
	free(s->slots);
	free(s->v);
}

/* The last block folded, entries and paths packed into one block for the caller. */
static int parser_finish(struct smaps_parser *s, struct fb_mmap **out, size_t *n)
{
	struct fb_mmap *v;
	char *pool;
	int err = 0;

	if (s->in_block && s->grouped)
		err = fold_last(s);
	if (err)
		return err;
	v = malloc(s->cnt * sizeof(*v) + s->path_bytes + 1);
	if (!v)
		return -ENOMEM;
	pool = (char *)(v + s->cnt);
	for (size_t i = 0; i < s->cnt; i++) {
		size_t len = strlen(s->v[i].path) + 1;

		v[i] = s->v[i];
		memcpy(pool, s->v[i].path, len);
		v[i].path = pool;
		pool += len;
	}
	*out = v;
	*n = s->cnt;
	return 0;
}

/* Feed the complete lines of buf[0..len) (each '\n' becomes a NUL); the unused tail's length. */
static int feed_lines(struct smaps_parser *s, char *buf, size_t len, size_t *rest)
{
	char *p = buf, *end = buf + len, *nl;
	int err;

	while ((nl = memchr(p, '\n', (size_t)(end - p)))) {
		*nl = '\0';
		err = smaps_line(s, p);
		if (err)
			return err;
		p = nl + 1;
	}
	*rest = (size_t)(end - p);
	if (*rest && p != buf)
		memmove(buf, p, *rest);
	return 0;
}

int fb__smaps_read_fd(int fd, bool grouped, struct fb_mmap **out, size_t *n, size_t *bytes)
{
	struct smaps_parser s = { .grouped = grouped };
	char *buf = malloc(SMAPS_BUF);
	size_t have = 0, rest;
	bool cut = false; /* inside a line longer than the buffer: drop its remainder */
	int err = 0;

	*out = NULL;
	*n = 0;
	*bytes = 0;
	if (!buf)
		return -ENOMEM;
	for (;;) {
		ssize_t r = read(fd, buf + have, SMAPS_BUF - 1 - have);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			err = -errno;
			break;
		}
		if (!r)
			break;
		*bytes += (size_t)r;
		if (cut) {
			char *nl = memchr(buf + have, '\n', (size_t)r);

			if (!nl)
				continue;
			r -= nl + 1 - (buf + have);
			memmove(buf + have, nl + 1, (size_t)r);
			cut = false;
		}
		err = feed_lines(&s, buf, have + (size_t)r, &rest);
		if (err)
			break;
		have = rest;
		if (have == SMAPS_BUF - 1) { /* one line fills the buffer: keep its start */
			buf[have] = '\0';
			err = smaps_line(&s, buf);
			if (err)
				break;
			have = 0;
			cut = true;
		}
	}
	if (!err && have) {
		buf[have] = '\0';
		err = smaps_line(&s, buf);
	}
	if (!err)
		err = parser_finish(&s, out, n);
	parser_free(&s);
	free(buf);
	return err;
}

int fb__parse_smaps(const char *text, bool grouped, struct fb_mmap **out, size_t *n)
{
	struct smaps_parser s = { .grouped = grouped };
	size_t len = strlen(text), rest;
	char *copy = malloc(len + 1);
	int err;

	*out = NULL;
	*n = 0;
	if (!copy)
		return -ENOMEM;
	memcpy(copy, text, len + 1);
	err = feed_lines(&s, copy, len, &rest);
	if (!err && rest) {
		copy[rest] = '\0';
		err = smaps_line(&s, copy);
	}
	if (!err)
		err = parser_finish(&s, out, n);
	parser_free(&s);
	free(copy);
	return err;
}
