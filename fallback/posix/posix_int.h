/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * posix_int.h - the layer shared by the FreeBSD and macOS backends (all -> posix -> os): a
 * process handle and the disk listing written once over POSIX calls (kill, waitpid,
 * getpriority, getfsstat) and the hooks each OS folder provides from its own kernel interface.
 */
#ifndef VIGIL_FB_POSIX_INT_H
#define VIGIL_FB_POSIX_INT_H

#include "../common/proc_core.h"

#include <string.h>

/* One process as a listing entry (every field the OS gives cheaply); -ESRCH when absent. */
int fb__os_proc_info(pid_t pid, struct fb_proc_info *pi);
/* The process core's identity from a listing entry (the OS's fb__proc_os_ident() uses it). */
static inline void fb__ident_of_info(const struct fb_proc_info *pi, struct fb__proc_ident *id)
{
	memset(id, 0, sizeof(*id));
	id->create_time = (pi->valid & FB_PI_CREATE_TIME) ? pi->create_time : 0;
	id->zombie = (pi->valid & FB_PI_STATUS) && pi->status == FB_STATUS_ZOMBIE;
}

/* The executable's path; "" when the kernel does not say. */
int fb__os_proc_exe(pid_t pid, char *buf, size_t len);
/* The argument vector. */
int fb__os_proc_cmdline(pid_t pid, struct fb_strv *out);

/* Every process, one entry each, sorted by pid (proc_iter.c). The array is the caller's. */
int fb__os_proc_scan(struct fb_proc_info **out, size_t *n);

/* The bytes of one struct statfs, and its decoder into a partition (disk.c). */
extern const size_t fb__os_statfs_size;
int fb__os_decode_statfs(const void *buf, size_t len, struct fb_partition *p);

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
/* Whether a socket of @family (this OS's AF_*, AF_UNIX too) and @type belongs to @kind. */
bool fb__conn_kind_has(enum fb_conn_kind kind, int family, int type);

#endif /* VIGIL_FB_POSIX_INT_H */
