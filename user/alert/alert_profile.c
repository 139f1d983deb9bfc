// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * alert_profile.c: a short flame graph for a CPU alert (alert_profile.h). The profile runs as
 * a child, vigil's own binary with `profile --duration 2s -f svg -o FILE`, so the profiler's
 * BPF program, symbol caches and memory come and go with it and serve keeps none of them. The
 * child writes a temporary file that is read back and removed; a child that fails leaves the
 * alert without a flame graph and the message says so in its log line, never the mail.
 */
#include "alert/alert_profile.h"

#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/log.h"
#include "fallback.h"

extern char **environ;

bool alert_profile__wanted(const char *metric)
{
	return !strcmp(metric, "cpu_percent") || !strncmp(metric, "runq_", 5);
}

static char *slurp(int fd)
{
	struct stat st;
	char *buf;
	ssize_t n;

	if (fstat(fd, &st) || st.st_size <= 0 || st.st_size > (64 << 20))
		return NULL;
	buf = malloc((size_t)st.st_size + 1);
	if (!buf)
		return NULL;
	n = pread(fd, buf, (size_t)st.st_size, 0);
	if (n != st.st_size) {
		free(buf);
		return NULL;
	}
	buf[n] = 0;
	return buf;
}

char *alert_profile__svg(const char *title)
{
	char exe[4096], path[] = "/tmp/vigil-alert-XXXXXX.svg", dur[16];
	char *argv[] = { exe,  "profile", "--duration", dur,	       "-f", "svg",
			 "-o", path,	  "--title",	(char *)title, NULL };
	posix_spawn_file_actions_t fa;
	char *svg = NULL;
	int fd, status, err;
	pid_t pid;

	if (fb_proc_path("self/exe", exe, sizeof(exe))) {
		pr_warn("alert: no flame graph: cannot name vigil's own binary");
		return NULL;
	}
	fd = mkstemps(path, 4);
	if (fd < 0) {
		pr_warn("alert: no flame graph: %s: %s", path, strerror(errno));
		return NULL;
	}
	snprintf(dur, sizeof(dur), "%ds", ALERT_PROFILE_SECONDS);
	/* the child's own messages go to serve's stderr; its output only to the file */
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
	err = posix_spawn(&pid, exe, &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (err) {
		pr_warn("alert: no flame graph: %s: %s", exe, strerror(err));
	} else if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status)) {
		pr_warn("alert: no flame graph: vigil profile failed (status %d)", status);
	} else {
		svg = slurp(fd);
		if (!svg)
			pr_warn("alert: no flame graph: %s is empty or unreadable", path);
	}
	close(fd);
	unlink(path);
	return svg;
}
