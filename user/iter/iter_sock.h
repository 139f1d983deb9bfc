/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * iter_sock.h: the BPF walk of the fd tables (bpf/iter_net.bpf.c) as the fallback library's
 * socket-owner feed: `vigil net` finds which (pid, fd) holds each socket from one kernel walk
 * instead of a readlink of every /proc/PID/fd entry; and its tcp and udp iterators as the
 * socket-table feed, read instead of sock_diag. Builds without BPF get a stub.
 */
#ifndef VIGIL_ITER_SOCK_H
#define VIGIL_ITER_SOCK_H

#include <stdbool.h>
#include <stddef.h>

#include "fallback.h"

/* The feed, or NULL in a build without BPF. */
const struct fb_sock_owner_feed *iter_sock__feed(void);
/* Why the last open of the feed failed ("" when it did not). */
const char *iter_sock__why(void);
/* What the last walk left to /proc, and why ("" when nothing). */
const char *iter_sock__note(void);
/* The socket-table feed, or NULL in a build without BPF. */
const struct fb_sock_table_feed *iter_sock__table_feed(void);
/* What the last table walk read another way, and why ("" when nothing). */
const char *iter_sock__table_note(void);
/* Why the last open of the table feed failed ("" when it did not). */
const char *iter_sock__table_why(void);
/* Load the socket walks and start each once: true when they work here, else why says why. */
bool iter_sock__probe(char *why, size_t len);

#endif /* VIGIL_ITER_SOCK_H */
