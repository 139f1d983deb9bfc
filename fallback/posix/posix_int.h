/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * posix_int.h - the POSIX layer shared by Linux, FreeBSD and macOS (all -> posix -> os): the
 * root and the file reads under it, the clock, the scan helper thread, the process methods
 * that are plain POSIX calls (getpriority, kill), disk_usage (statvfs), and the decoders of
 * BSD-family kernel records that the sysctl/ layer and the unit tests use.
 */
#ifndef VIGIL_FB_POSIX_INT_H
#define VIGIL_FB_POSIX_INT_H

#include "../common/proc_core.h"

#include <fcntl.h>
#include <pthread.h>

/*
 * Hook of send_signal (proc_ctl.c): deliver @sig to the process of @p, whose identity the
 * caller has just checked.  0, or a negative errno (-ESRCH, -EPERM, ...) for the caller to
 * classify.  Linux sends through the handle's pidfd, so a pid reused since the check is never
 * hit (kill() where the kernel has no pidfd_send_signal); FreeBSD and macOS call kill().
 * Defined once per OS (linux/proc_ctl.c, sysctl/proc.c).
 */
int fb__proc_os_signal(struct fb_proc *p, int sig);

/*
 * Hooks of the scan helper thread (parallel.c). fb__par_away() sets @attr so that the helper
 * starts on another CPU than the caller's, and returns what the helper hands to
 * fb__par_home() once it runs, to be free to move again (NULL: nothing to undo). Linux
 * (linux/thread_place.c): a kernel without preemption leaves a thread woken on the CPU of a
 * caller busy in a long system call (a BPF walk) waiting for the next tick's balancing, ~2.5 ms
 * here; FreeBSD and macOS (sysctl/thread_place.c) leave placement to the scheduler.
 */
void *fb__par_away(pthread_attr_t *attr);
void fb__par_home(void *state);

/*
 * O_PATH (Linux, FreeBSD 14) opens a directory only to anchor *at() calls; where it is
 * missing (macOS, FreeBSD 13) a plain read-only open of the directory does the same job.
 */
#ifndef O_PATH
#define O_PATH 0
#endif /* O_PATH */

/*
 * The MAC in a struct sockaddr_dl of @len bytes as "aa:bb:cc:dd:ee:ff"; -ENOENT when it has
 * no link-level address, -EINVAL when @len cannot hold the header.
 */
int fb__sdl_mac(const void *sa, size_t len, char *buf, size_t blen);

/*
 * A sysctl value as sysctl(8) prints it, from its format string (CTL_SYSCTL_OIDFMT): "A" a
 * string, "I"/"IU" int, "L"/"LU" long, "Q"/"QU" 64-bit, "C"/"CU" 8-bit, "S"/"SU" 16-bit,
 * arrays of those space-separated.  -ENOTSUP for a structure ("S,timeval", "T,...") or a node,
 * -EINVAL when @len is not a whole number of elements.
 */
int fb__sysctl_format(const char *fmt, const void *buf, size_t len, char *out, size_t outlen);

/* A kernel TCPS_* state number (tcp_fsm.h) as psutil's status; NONE for an unknown one. */
enum fb_conn_status fb__tcps_status(int32_t tcps);
/*
 * One endpoint from raw address bytes (4 or 16, network order) and a network-order port, as
 * the Linux backend sets it: valid only when the port is not 0 (psutil's empty tuple).
 */
void fb__inet_endpoint(struct fb_sockaddr *a, bool v6, const unsigned char *addr,
		       const unsigned char port_be[2]);
/* Where one OS's struct xinpcb keeps what a connection needs (byte offsets). */
struct fb__inpcb_layout {
	size_t vflag; /* inp_vflag */
	uint8_t ipv4; /* its INP_IPV4 bit */
	uint8_t ipv6; /* its INP_IPV6 bit */
	size_t faddr; /* foreign and local addresses (16 bytes each) */
	size_t laddr;
	size_t fport; /* foreign and local ports (network order) */
	size_t lport;
	size_t v4_in_16; /* where an IPv4 address starts inside the 16 bytes */
};

/*
 * Append the internet PCB at @xi (layout @l) to *v as a connection of @type and @status:
 * family and both endpoints set, pid and fd -1 for the caller to fill.  *out is the new
 * entry, or NULL when the PCB is neither IPv4 nor IPv6 (nothing appended).  0 or -ENOMEM.
 */
int fb__inpcb_append(const struct fb__inpcb_layout *l, const unsigned char *xi, int type,
		     enum fb_conn_status status, struct fb_conn **v, size_t *n, size_t *cap,
		     struct fb_conn **out);
/* Whether a socket of @family (this OS's AF_*, AF_UNIX too) and @type belongs to @kind. */
bool fb__conn_kind_has(enum fb_conn_kind kind, int family, int type);

/* An unsigned sysctl number of 4 or 8 bytes (native order); -EINVAL for another size. */
int fb__decode_uint(const void *buf, size_t len, uint64_t *out);

/*
 * vm.loadavg's struct loadavg, the same on FreeBSD and macOS (LP64): three fixpt_t (uint32)
 * then the long fscale.  -EINVAL for another size or a zero scale.
 */
#define FB_LOADAVG_SIZE	  24
#define FB_LOADAVG_FSCALE 16
int fb__decode_loadavg(const void *buf, size_t len, double out[3]);

/*
 * A struct timeval of 16 bytes (LP64: a 64-bit tv_sec, then tv_usec of @usec_size bytes, 8 on
 * FreeBSD, 4 on macOS) as epoch seconds; -EINVAL for another size or a value out of range.
 */
#define FB_TIMEVAL_SIZE 16
int fb__decode_timeval(const void *buf, size_t len, size_t usec_size, double *out);

/* A MNT_* bit and the word psutil puts in opts for it. */
struct fb__mnt_flag {
	uint64_t bit;
	const char *name;
};

/* Where one OS's struct statfs keeps what disk_partitions() reports (byte offsets). */
struct fb__statfs_layout {
	size_t size;	   /* bytes of one getfsstat(2) entry */
	uint32_t version;  /* the f_version the first 4 bytes must hold; 0: none to check */
	size_t flags_off;  /* f_flags */
	size_t flags_size; /* 4 or 8 */
	size_t fstype_off; /* f_fstypename */
	size_t fstype_len;
	size_t from_off; /* f_mntfromname */
	size_t on_off;	 /* f_mntonname */
	size_t name_len; /* both of them */
	const struct fb__mnt_flag *flags;
	size_t nflags;
};

/*
 * One struct statfs of layout @l as a partition: device, mount point, type and opts ("ro" or
 * "rw", then the named MNT_* flags).  -EINVAL when @len is short or the version differs,
 * -ENOMEM.
 */
int fb__decode_statfs(const struct fb__statfs_layout *l, const void *buf, size_t len,
		      struct fb_partition *out);

#endif /* VIGIL_FB_POSIX_INT_H */
