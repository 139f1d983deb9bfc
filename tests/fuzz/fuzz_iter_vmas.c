// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * fuzz_iter_vmas.c: libFuzzer target for the mapping walk's decoding
 * (user/iter/iter_vmas_decode.c): the input is what read() of the iterator fd returned
 * (written to a memfd), read as mapping records through the iterator reader and added to a
 * listing until the end or a refusal, then settled. Every mapping's name must lie NUL ended
 * within the names, the listing must be sorted, and no unsure process may keep a mapping.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/types.h>

#include "iter/iter_read.h"
#include "iter/iter_vmas.h"
#include "iter_rec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(const struct iter_vmas *w)
{
	for (size_t i = 0; i < w->n; i++) {
		const struct iter_vma *v = &w->v[i];

		if (v->path >= w->names_len || strlen(w->names + v->path) >= w->names_len - v->path)
			abort();
		if (i && (v->pid < v[-1].pid || (v->pid == v[-1].pid && v->start < v[-1].start)))
			abort();
		if (iter_vmas__unsure(w, v->pid))
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct iter_vmas w = { 0 };
	struct iter_reader r;
	const void *rec;
	uint16_t len;
	int fd = memfd_create("fuzz", 0);

	if (fd < 0)
		return 0;
	if (write(fd, data, size) != (ssize_t)size || lseek(fd, 0, SEEK_SET) != 0 ||
	    iter_reader__init(&r, -1, "fuzz")) {
		close(fd);
		return 0;
	}
	r.fd = fd;
	while (iter_reader__next_var(&r, ITER_VMA_VERSION, sizeof(struct iter_vma_rec), &rec,
				     &len) > 0) {
		if (iter_vmas__add(&w, rec, len))
			break;
	}
	iter_reader__fini(&r);
	iter_vmas__settle(&w);
	check(&w);
	iter_vmas__free(&w);
	return 0;
}
