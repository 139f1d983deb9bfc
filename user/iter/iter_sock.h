/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * iter_sock.h: the BPF task_file iterator (bpf/iter_net.bpf.c) as the fallback library's
 * socket-owner feed: `vigil net` finds which (pid, fd) holds each socket from one kernel walk
 * instead of a readlink of every /proc/PID/fd entry. Builds without BPF get a stub.
 */
#ifndef VIGIL_ITER_SOCK_H
#define VIGIL_ITER_SOCK_H

#include "fallback.h"

/* The feed, or NULL in a build without BPF. */
const struct fb_sock_owner_feed *iter_sock__feed(void);
/* Why the last open of the feed failed ("" when it did not). */
const char *iter_sock__why(void);

#endif /* VIGIL_ITER_SOCK_H */
