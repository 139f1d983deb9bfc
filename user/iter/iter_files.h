/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * iter_files.h: every open fd of every process from one BPF task_file walk
 * (bpf/iter_files.bpf.c), for `vigil lsof`: the same fields /proc/PID/fd's links, a stat
 * through them and fdinfo give, without three system calls per fd. Builds without BPF get a
 * stub whose walk always fails, so lsof reads /proc.
 */
#ifndef VIGIL_ITER_FILES_H
#define VIGIL_ITER_FILES_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "fallback.h"

struct iter_file {
	pid_t pid;
	struct fb_fd fd; /* kind FB_FD_NUM, with path, stat, flags and position */
};

/* One walk's fds, sorted by pid and then fd. */
struct iter_files {
	struct iter_file *v;
	size_t n;
};

/* Walk every process' fds into *out: 0, or -errno (iter_files__why() says why). */
int iter_files__walk(struct iter_files *out);
/* pid's fds: how many, from out->v[*first]; 0 when the walk did not see the process. */
size_t iter_files__of(const struct iter_files *f, pid_t pid, size_t *first);
void iter_files__free(struct iter_files *f);
/* Why the last walk failed ("" when it did not). */
const char *iter_files__why(void);
/* Load the walk and read its first record: true when it works here, else why says why. */
bool iter_files__probe(char *why, size_t len);

#endif /* VIGIL_ITER_FILES_H */
