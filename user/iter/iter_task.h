/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * iter_task.h: the BPF task iterator (bpf/iter.bpf.c) as the fallback library's process
 * feed: `vigil ps`, `pidof` and lsof's owner scan list processes from one kernel walk instead
 * of three /proc files per process. Builds without BPF get a stub with no feed.
 */
#ifndef VIGIL_ITER_TASK_H
#define VIGIL_ITER_TASK_H

#include <stdbool.h>
#include <stddef.h>

#include "fallback.h"

/* The feed, or NULL in a build without BPF. */
const struct fb_proc_feed *iter_task__feed(void);
/* Why the last open of the feed failed ("" when it did not). */
const char *iter_task__why(void);
/* Load the iterator and read one chunk: true when it works here, else why says why. */
bool iter_task__probe(char *why, size_t len);

#endif /* VIGIL_ITER_TASK_H */
