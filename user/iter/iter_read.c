// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * iter_read.c: the chunked, checked reading of BPF iterator records (iter_read.h). Records
 * start with a 16-bit version and a 16-bit size (bpf/iter_rec.h). Also the pid namespace check
 * that the task walks make before they load.
 */
#include <bpf/bpf.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/log.h"
#include "fallback.h"
#include "iter/iter_read.h"

#define ITER_CHUNK (64 * 1024)

int iter_reader__init(struct iter_reader *r, int link_fd, const char *what)
{
	memset(r, 0, sizeof(*r));
	r->link_fd = link_fd;
	r->fd = -1;
	r->what = what;
	r->chunk = ITER_CHUNK;
	r->buf = malloc(ITER_CHUNK);
	return r->buf ? 0 : -ENOMEM;
}

int iter_reader__start(struct iter_reader *r)
{
	if (r->fd >= 0)
		close(r->fd);
	r->len = r->off = 0;
	r->fd = bpf_iter_create(r->link_fd);
	return r->fd < 0 ? -errno : 0;
}

/* Read more of the walk after the unconsumed bytes: >0 bytes added, 0 at the end, -errno. */
static ssize_t reader_fill(struct iter_reader *r)
{
	ssize_t got;

	if (r->fd < 0)
		return 0;
	memmove(r->buf, r->buf + r->off, r->len - r->off);
	r->len -= r->off;
	r->off = 0;
	do {
		got = read(r->fd, r->buf + r->len, r->chunk - r->len);
	} while (got < 0 && errno == EINTR);
	if (got < 0)
		return -errno;
	if (!got) {
		close(r->fd);
		r->fd = -1;
	}
	r->len += (size_t)got;
	return got;
}

/* Make @need bytes available: 1, 0 at a clean end, -EPROTO for a cut record, -errno. */
static int reader_want(struct iter_reader *r, size_t need)
{
	while (r->len - r->off < need) {
		ssize_t got = reader_fill(r);

		if (got < 0)
			return (int)got;
		if (!got) {
			if (r->len == r->off)
				return 0;
			pr_warn("bpf_iter: the %s walk ended inside a record (%zu bytes)", r->what,
				r->len - r->off);
			return -EPROTO;
		}
	}
	return 1;
}

static int reader_check(const struct iter_reader *r, uint16_t version, uint16_t size)
{
	uint16_t hdr[2];

	memcpy(hdr, r->buf + r->off, sizeof(hdr));
	if (hdr[0] == version && hdr[1] == size)
		return 0;
	pr_warn("bpf_iter: %s record version %u size %u, this vigil reads version %u size %u: "
		"reading /proc instead",
		r->what, hdr[0], hdr[1], version, size);
	return -EPROTO;
}

int iter_reader__check_first(struct iter_reader *r, uint16_t version, uint16_t size)
{
	int ret = reader_want(r, 4);

	return ret <= 0 ? ret : reader_check(r, version, size);
}

int iter_reader__next(struct iter_reader *r, uint16_t version, uint16_t size, const void **rec)
{
	int ret = reader_want(r, 4);

	if (ret <= 0)
		return ret;
	ret = reader_check(r, version, size);
	if (ret)
		return ret;
	ret = reader_want(r, size);
	if (ret <= 0)
		return ret ? ret : -EPROTO;
	*rec = r->buf + r->off;
	r->off += size;
	return 1;
}

int iter_reader__next_var(struct iter_reader *r, uint16_t version, uint16_t min_size,
			  const void **rec, uint16_t *size)
{
	uint16_t hdr[2];
	int ret = reader_want(r, 4);

	if (ret <= 0)
		return ret;
	memcpy(hdr, r->buf + r->off, sizeof(hdr));
	if (hdr[0] != version || hdr[1] < min_size) {
		pr_warn("bpf_iter: %s record version %u size %u, this vigil reads version %u of at "
			"least %u bytes",
			r->what, hdr[0], hdr[1], version, min_size);
		return -EPROTO;
	}
	ret = reader_want(r, hdr[1]);
	if (ret <= 0)
		return ret ? ret : -EPROTO;
	*rec = r->buf + r->off;
	*size = hdr[1];
	r->off += hdr[1];
	return 1;
}

void iter_reader__fini(struct iter_reader *r)
{
	if (r->fd >= 0)
		close(r->fd);
	r->fd = -1;
	free(r->buf);
	r->buf = NULL;
}

/* The initial pid namespace's inode number (PROC_PID_INIT_INO, fixed by the kernel). */
#define PID_NS_INIT_INO 0xEFFFFFFCU

int iter_reader__check_pid_ns(const char **step)
{
	struct stat st;
	char path[64];
	int err = fb_proc_path("self/ns/pid", path, sizeof(path));

	*step = "list a child pid namespace (a walk gives the host's pids)";
	if (!err && stat(path, &st))
		err = -errno;
	return err ? err : st.st_ino == PID_NS_INIT_INO ? 0 : -EXDEV;
}
