// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * test_sink.c: output files end whole. A .gz written to the end reads back completely
 * through zlib; so does one whose writer was interrupted by SIGINT mid-stream (the writer
 * stops, closes, and the gzip trailer is there). A full disk (/dev/full) is reported as
 * ENOSPC, not swallowed; a file that hits its size limit (RLIMIT_FSIZE, as a full disk
 * would) ends at its last whole record, gzip'd or not, with every record after it counted.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>

#include "export/sink.h"
#include "core/stop.h"

#define LINE "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcde\n"

/* Read a gzip file whole; returns the number of complete lines, -1 on any zlib error. */
static long gz_count_lines(const char *path, int *last_char)
{
	char buf[65536];
	long lines = 0;
	gzFile gz = gzopen(path, "rb");
	int n, err;

	if (!gz)
		return -1;
	*last_char = -1;
	while ((n = gzread(gz, buf, sizeof(buf))) > 0) {
		for (int i = 0; i < n; i++)
			lines += buf[i] == '\n';
		*last_char = (unsigned char)buf[n - 1];
	}
	gzerror(gz, &err);
	gzclose(gz);
	/* A stream cut short reads as Z_BUF_ERROR ("unexpected end of file"). */
	return n < 0 || err != Z_OK ? -1 : lines;
}

static void test_gzip_reads_back_whole_after_normal_end(void **state)
{
	char path[] = "/tmp/vigil-test-XXXXXX.gz";
	int fd = mkstemps(path, 3), last;
	struct sink *s;

	(void)state;
	assert_true(fd >= 0);
	close(fd);
	s = sink__open(path);
	assert_non_null(s);
	for (int i = 0; i < 100000; i++)
		sink__puts(s, LINE);
	assert_int_equal(sink__close(s), 0);
	assert_int_equal(gz_count_lines(path, &last), 100000);
	assert_int_equal(last, '\n');
	unlink(path);
}

/* The writer a SIGINT interrupts: writes until asked to stop, then closes. */
static void write_until_stopped(const char *path, int ready_fd)
{
	struct sink *s;

	stop_install_handlers();
	s = sink__open(path);
	if (!s)
		_exit(3);
	if (write(ready_fd, "r", 1) != 1)
		_exit(4);
	while (!stop_is_requested())
		sink__puts(s, LINE);
	_exit(sink__close(s) ? 5 : 0);
}

static void test_gzip_reads_back_whole_after_sigint(void **state)
{
	char path[] = "/tmp/vigil-test-XXXXXX.gz";
	int fd = mkstemps(path, 3), pipefd[2], status, last;
	long lines;
	pid_t pid;
	char c;

	(void)state;
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(pipe(pipefd), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		write_until_stopped(path, pipefd[1]);
	assert_int_equal(read(pipefd[0], &c, 1), 1);
	usleep(200 * 1000); /* let it write a few MiB */
	kill(pid, SIGINT);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	lines = gz_count_lines(path, &last);
	assert_true(lines > 1000);
	assert_int_equal(last, '\n'); /* ends on a record boundary, not mid-line */
	close(pipefd[0]);
	close(pipefd[1]);
	unlink(path);
}

static void test_full_disk_is_reported(void **state)
{
	struct sink *s;

	(void)state;
	s = sink__open("/dev/full");
	assert_non_null(s);
	for (int i = 0; i < 10000; i++)
		sink__puts(s, LINE);
	assert_int_equal(sink__error(s), -ENOSPC);
	assert_int_equal(sink__close(s), -ENOSPC);
}

/* In a child limited to limit bytes of file: write n records, a tail, close. Exit code:
 * 0 when the error was EFBIG and lost + kept == n (kept: what the parent counts). */
#define FSIZE_RECORDS 5000

static void write_records_past_limit(const char *path, rlim_t limit, int report_fd)
{
	struct rlimit rl = { limit, limit };
	uint64_t lost;
	struct sink *s;
	int err;

	signal(SIGXFSZ, SIG_IGN);
	if (setrlimit(RLIMIT_FSIZE, &rl))
		_exit(2);
	s = sink__open(path);
	if (!s)
		_exit(3);
	sink__puts(s, "head\n");
	sink__boundary(s);
	for (int i = 0; i < FSIZE_RECORDS; i++) {
		sink__printf(s, "%05d ", i);
		sink__puts(s, LINE);
		sink__end_record(s);
	}
	sink__puts(s, "tail\n");
	err = sink__finish(s);
	lost = sink__lost(s);
	sink__close(s);
	if (write(report_fd, &lost, sizeof(lost)) != sizeof(lost))
		_exit(4);
	_exit(err == -EFBIG ? 0 : 5);
}

static uint64_t run_past_limit(const char *path, rlim_t limit)
{
	int pipefd[2], status;
	uint64_t lost = 0;
	pid_t pid;

	assert_int_equal(pipe(pipefd), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		write_records_past_limit(path, limit, pipefd[1]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	assert_int_equal(read(pipefd[0], &lost, sizeof(lost)), sizeof(lost));
	close(pipefd[0]);
	close(pipefd[1]);
	return lost;
}

static void test_file_limit_ends_at_last_whole_record(void **state)
{
	char path[] = "/tmp/vigil-test-XXXXXX.txt";
	int fd = mkstemps(path, 4);
	static char buf[1 << 17];
	char *p;
	uint64_t lost;
	ssize_t n;

	(void)state;
	assert_true(fd >= 0);
	close(fd);
	lost = run_past_limit(path, 100000);
	fd = open(path, O_RDONLY);
	assert_true(fd >= 0);
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	/* writes go out in pieces of whole records: one failed piece at most is lost */
	assert_true(n > 100000 - 2 * 16 * 1024 && n <= 100000);
	buf[n] = '\0';
	/* head, whole records numbered from 0, the tail: nothing cut inside a line */
	assert_int_equal(strncmp(buf, "head\n", 5), 0);
	assert_string_equal(buf + n - 5, "tail\n");
	p = buf + 5;
	for (int i = 0; p < buf + n - 5; i++) {
		char want[16];

		snprintf(want, sizeof(want), "%05d ", i);
		assert_int_equal(strncmp(p, want, 6), 0);
		assert_int_equal(strncmp(p + 6, LINE, strlen(LINE)), 0);
		p += 6 + strlen(LINE);
		if (p >= buf + n - 5)
			assert_int_equal((uint64_t)i + 1 + lost, FSIZE_RECORDS);
	}
	assert_true(lost > 0);
	unlink(path);
}

static void test_gzip_file_limit_keeps_trailer(void **state)
{
	char path[] = "/tmp/vigil-test-XXXXXX.gz";
	int fd = mkstemps(path, 3), last;
	uint64_t lost;
	long lines;

	(void)state;
	assert_true(fd >= 0);
	close(fd);
	lost = run_past_limit(path, 3000); /* LINE compresses well: a small limit */
	lines = gz_count_lines(path, &last);
	assert_true(lines > 2); /* a valid stream, trailer and all */
	assert_int_equal(last, '\n');
	/* head + kept records + tail */
	assert_int_equal((uint64_t)lines - 2 + lost, FSIZE_RECORDS);
	assert_true(lost > 0);
	unlink(path);
}

static void test_open_failure_sets_errno(void **state)
{
	(void)state;
	errno = 0;
	assert_null(sink__open("/nonexistent-dir/x.csv"));
	assert_int_equal(errno, ENOENT);
}

static void test_numbers(void **state)
{
	char path[] = "/tmp/vigil-test-XXXXXX";
	int fd = mkstemp(path);
	struct sink *s = sink__from_fd(fd);
	char buf[128] = { 0 };

	(void)state;
	sink__u64(s, 0);
	sink__putc(s, ' ');
	sink__u64(s, UINT64_MAX);
	sink__putc(s, ' ');
	sink__s64(s, INT64_MIN);
	sink__putc(s, ' ');
	sink__f64(s, 0.1);
	sink__putc(s, ' ');
	sink__f64(s, 1e300);
	sink__flush(s);
	assert_true(pread(fd, buf, sizeof(buf) - 1, 0) > 0);
	assert_string_equal(buf, "0 18446744073709551615 -9223372036854775808 0.1 1e+300");
	sink__close(s);
	close(fd);
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_gzip_reads_back_whole_after_normal_end),
		cmocka_unit_test(test_gzip_reads_back_whole_after_sigint),
		cmocka_unit_test(test_full_disk_is_reported),
		cmocka_unit_test(test_file_limit_ends_at_last_whole_record),
		cmocka_unit_test(test_gzip_file_limit_keeps_trailer),
		cmocka_unit_test(test_open_failure_sets_errno),
		cmocka_unit_test(test_numbers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
