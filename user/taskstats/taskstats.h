/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * taskstats.h: the kernel's per-process delay accounting, read as iotop reads it: one
 * TASKSTATS_CMD_GET per thread group over generic netlink, for the nanoseconds a process's
 * threads waited for block I/O (blkio_delay_total) and for swapping in (swapin_delay_total).
 * The kernel only counts them while delay accounting is on (kernel.task_delayacct=1, or
 * delayacct on the kernel command line), and answers only to CAP_NET_ADMIN.
 */
#ifndef VIGIL_TASKSTATS_H
#define VIGIL_TASKSTATS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct taskstats_delays {
	uint64_t blkio_ns;  /* blkio_delay_total */
	uint64_t swapin_ns; /* swapin_delay_total */
};

struct taskstats_sock {
	int fd;
	uint16_t family; /* the TASKSTATS generic netlink family's id */
	uint32_t seq;
};

/* Open a generic netlink socket and resolve the TASKSTATS family: 0, -ENOENT when the
 * kernel has none (no CONFIG_TASKSTATS), or -errno. */
int taskstats__open(struct taskstats_sock *ts);
void taskstats__close(struct taskstats_sock *ts);

/* The delays of thread group tgid (every thread, those gone included): 0, -ESRCH when it
 * has gone, -EPERM without CAP_NET_ADMIN, or -errno. */
int taskstats__delays(struct taskstats_sock *ts, pid_t tgid, struct taskstats_delays *out);

/* kernel.task_delayacct: 1 on, 0 off, or -errno when it cannot be read (older kernels have
 * no such key: then accounting is on when the kernel was built with it). */
int taskstats__delayacct_on(void);

/* Bounded parsers of the kernel's replies (exposed for the fuzzer): a CTRL_CMD_GETFAMILY
 * reply's family id, and a TASKSTATS_CMD_GET reply's delays. 0 or -EBADMSG/-errno. */
int taskstats__parse_family(const void *buf, size_t len, uint16_t *family);
int taskstats__parse_delays(const void *buf, size_t len, struct taskstats_delays *out);

#endif
