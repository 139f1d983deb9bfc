// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * blkio_io.c: a block I/O workload of known shape for the blkio tests. It opens a block
 * device with O_DIRECT, prints "ready <pid>" and, unless --now is given, waits for a line
 * on stdin, so a test can start the tracer (with this pid as a filter) before any I/O.
 * Then it runs its steps in order and prints "done":
 *   w:COUNT:SIZE   COUNT sequential writes of SIZE bytes from offset 0
 *   r:COUNT:SIZE   COUNT sequential reads of SIZE bytes from offset 0
 *   f              fsync (a cache flush on a device with a write-back cache)
 *   d:OFF:LEN      BLKDISCARD of LEN bytes at OFF
 *   s:MS           sleep MS milliseconds (a paced workload: steady rates for iostat tests)
 *   p              print "paused" and wait for a line on stdin (the test reads counters)
 * Exit status: 0, 1 for a failed I/O, 2 for bad arguments.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#define MAX_IO (1 << 20)

static int do_rw(int fd, char op, unsigned long count, unsigned long size, void *buf)
{
	for (unsigned long i = 0; i < count; i++) {
		off_t off = (off_t)(i * size);
		ssize_t n = op == 'w' ? pwrite(fd, buf, size, off) : pread(fd, buf, size, off);

		if (n != (ssize_t)size) {
			fprintf(stderr, "blkio_io: %c at %lld: %s\n", op, (long long)off,
				n < 0 ? strerror(errno) : "short");
			return 1;
		}
	}
	return 0;
}

static int do_step(int fd, const char *step, void *buf)
{
	unsigned long a, b;
	uint64_t range[2];

	if (!strcmp(step, "f"))
		return fsync(fd) ? 1 : 0;
	if (!strcmp(step, "p")) {
		char line[16];

		printf("paused\n");
		fflush(stdout);
		return fgets(line, sizeof(line), stdin) ? 0 : 1;
	}
	if (sscanf(step, "s:%lu", &a) == 1)
		return usleep((useconds_t)(a * 1000)) ? 1 : 0;
	if (sscanf(step, "%*[wrd]:%lu:%lu", &a, &b) != 2)
		return 2;
	switch (step[0]) {
	case 'w':
	case 'r':
		if (!b || b > MAX_IO || b % 512)
			return 2;
		return do_rw(fd, step[0], a, b, buf);
	case 'd':
		range[0] = a;
		range[1] = b;
		return ioctl(fd, BLKDISCARD, range) ? 1 : 0;
	}
	return 2;
}

int main(int argc, char **argv)
{
	int first = 2, fd, err = 0;
	char line[16];
	void *buf;

	if (argc < 3) {
		fprintf(stderr, "usage: blkio_io DEVICE [--now] STEP...\n");
		return 2;
	}
	fd = open(argv[1], O_RDWR | O_DIRECT);
	if (fd < 0) {
		fprintf(stderr, "blkio_io: open %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	if (posix_memalign(&buf, 4096, MAX_IO)) {
		close(fd);
		return 1;
	}
	memset(buf, 0xa5, MAX_IO);
	printf("ready %d\n", (int)getpid());
	fflush(stdout);
	if (!strcmp(argv[2], "--now"))
		first = 3;
	else if (!fgets(line, sizeof(line), stdin))
		err = 1;
	for (int i = first; !err && i < argc; i++) {
		err = do_step(fd, argv[i], buf);
		if (err == 2)
			fprintf(stderr, "blkio_io: bad step '%s'\n", argv[i]);
	}
	if (!err)
		printf("done\n");
	free(buf);
	close(fd);
	return err;
}
