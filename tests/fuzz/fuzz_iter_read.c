// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * fuzz_iter_read.c: libFuzzer target for the BPF iterator reader (user/iter/iter_read.c):
 * the input is what read() of an iterator fd returned (written to a memfd), read as task
 * records, then as socket-owner records, then as socket-table records, until the end or a
 * refusal. Every record handed out must lie within the reader's buffer and carry the
 * expected version and size.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/types.h>

#include "iter/iter_read.h"
#include "iter_rec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void drain(const uint8_t *data, size_t size, uint16_t version, uint16_t recsize)
{
	struct iter_reader r;
	const uint16_t *rec;
	int fd = memfd_create("fuzz", 0);

	if (fd < 0)
		return;
	if (write(fd, data, size) != (ssize_t)size || lseek(fd, 0, SEEK_SET) != 0 ||
	    iter_reader__init(&r, -1, "fuzz")) {
		close(fd);
		return;
	}
	r.fd = fd;
	while (iter_reader__next(&r, version, recsize, (const void **)&rec) > 0) {
		if (rec[0] != version || rec[1] != recsize)
			abort();
	}
	iter_reader__fini(&r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	drain(data, size, ITER_TASK_VERSION, sizeof(struct iter_task_rec));
	drain(data, size, ITER_SOCK_VERSION, sizeof(struct iter_sock_rec));
	drain(data, size, ITER_SK_VERSION, sizeof(struct iter_sk_rec));
	return 0;
}
