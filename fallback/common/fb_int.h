/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * fb_int.h - helpers shared by the fallback backends and never exported: the root-relative
 * file access (every /proc, /sys and /dev read goes through the directory descriptors kept by
 * root.c), whole-file reads into caller buffers, hand-written number and key-value parsing, and
 * small growable arrays.  Nothing here allocates unless its name says so.
 */
#ifndef VIGIL_FB_INT_H
#define VIGIL_FB_INT_H

/* openat(O_PATH), utmpxname(), sched_getaffinity(), prlimit(): glibc's GNU interfaces */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "../fallback.h"

enum fb_dir {
	FB_DIR_PROC = 0,
	FB_DIR_SYS,
	FB_DIR_DEV,
	FB_DIR_ETC,
	FB_DIR_RUN,
	FB_DIR__COUNT,
};

/* A directory fd for the root's proc/, sys/, dev/, etc/ or run/; negative errno if absent. */
int fb__dirfd(enum fb_dir d);
/* "<root>/proc/<rel>" style absolute path for APIs that need one (utmpxname, statvfs). */
int fb__path(enum fb_dir d, const char *rel, char *buf, size_t len);
/* Changes whenever the root changes: a key for caches of root-derived data. */
unsigned fb__root_gen(void);
/* "/dev/": how terminal names are reported (psutil's terminal()). */
const char *fb__dev_prefix(void);
/* True when the root is the live system ("/"). */
bool fb__root_is_live(void);

/*
 * Read a whole file below @d into @buf (NUL-terminated).  Returns the length, or a negative
 * errno.  A file longer than @len - 1 is truncated silently: callers size buffers for it.
 */
ssize_t fb__read(enum fb_dir d, const char *rel, char *buf, size_t len);
/* Same relative to an open directory fd. */
ssize_t fb__read_at(int dirfd, const char *rel, char *buf, size_t len);
/* Read a whole file of any size into a malloc'ed, NUL-terminated buffer. */
ssize_t fb__read_alloc(enum fb_dir d, const char *rel, char **out);
ssize_t fb__read_alloc_at(int dirfd, const char *rel, char **out);
/* readlinkat() with NUL termination; returns the length or a negative errno. */
ssize_t fb__readlink_at(int dirfd, const char *rel, char *buf, size_t len);

/* Parse an unsigned decimal at *p, advancing *p past it; -EINVAL if no digit, -ERANGE. */
int fb__parse_u64(const char **p, uint64_t *out);
int fb__parse_i64(const char **p, int64_t *out);
int fb__parse_hex(const char **p, uint64_t *out);
/* Skip spaces and tabs. */
const char *fb__skip_ws(const char *p);
/* Next whitespace-separated token: copies at most len-1 bytes; returns the end or NULL. */
const char *fb__token(const char *p, char *buf, size_t len);
/* The line after @p's current line, or NULL at the end. */
const char *fb__next_line(const char *p);

/*
 * Look up "Key:<ws>value" in a key-value text (meminfo, status): the number after the key, for
 * keys at the start of a line.  Returns 0, -ENOENT when absent, -EINVAL on a bad number.
 */
int fb__kv_u64(const char *text, const char *key, uint64_t *out);
/* The rest of the line after "Key:" and blanks, copied into buf. */
int fb__kv_str(const char *text, const char *key, char *buf, size_t len);

/* The value of a "KEY=value" line (uevent files). */
int fb__kv_str_eq(const char *text, const char *key, char *buf, size_t len);

/* Grow *v (element size @elem) so that it can hold @need elements; 0 or -ENOMEM. */
int fb__grow(void **v, size_t *cap, size_t need, size_t elem);

/* snprintf into a fixed buffer; -ENAMETOOLONG when it does not fit. */
int fb__fmt(char *buf, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* strncpy that always terminates. */
void fb__copy(char *dst, size_t len, const char *src);

/* Clock ticks per second and page size (cached sysconf). */
long fb__clk_tck(void);
long fb__page_size(void);
/* CLOCK_MONOTONIC seconds. */
double fb__mono(void);
/* Sleep a number of seconds (EINTR-safe). */
void fb__sleep(double seconds);

/* Split @len bytes at @sep into an owned vector (one trailing separator is dropped). */
int fb__strv_split(const char *data, size_t len, char sep, struct fb_strv *out);

/* Forget the keys that fb_nowrap__apply() did not see since the last sweep. */
void fb__nowrap_sweep(struct fb_nowrap *nw);

/* Every numeric entry of the root's proc/, sorted (may be empty for a fixture). */
int fb__scan_pids(pid_t **out, size_t *n);
/*
 * The kernel's count of tasks (threads), /proc/loadavg's field after its '/': 0 if unreadable.
 * A walk that missed no process sums its processes' threads to it.
 */
uint64_t fb__kernel_tasks(int procfd);
/* qsort()/bsearch() order of pid_t */
int fb__pid_cmp(const void *a, const void *b);

/* Backend parsers exposed to the unit tests. */
int fb__parse_diskstats_line(const char *line, struct fb_disk_io *d);
int fb__parse_net_dev_line(const char *line, struct fb_net_io *d);
void fb__ipv6_text(const unsigned char b[16], char *out);

/*
 * Run fn(arg) on a helper thread that may or may not get a CPU in time; the caller does its
 * own share, then fb__par_finish() cancels a helper that never started or waits for one that
 * did.  fn must take its work from a shared atomic counter.  NULL (no helper) is fine.
 */
struct fb__par;
struct fb__par *fb__par_start(void (*fn)(void *), void *arg);
void fb__par_finish(struct fb__par *p);

/*
 * Tests only: called by fb_kill_tree_ex() between its process scan and the handles it opens,
 * where a pid can die and be reused.
 */
extern void (*fb__kill_tree_scanned_hook)(void);

/* 1-decimal rounding as Python's round(x, 1). */
double fb__round1(double x);

#endif /* VIGIL_FB_INT_H */
