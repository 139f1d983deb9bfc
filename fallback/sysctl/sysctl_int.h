/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * sysctl_int.h - the layer FreeBSD and macOS share and Linux does not (their kernels answer
 * through sysctl(3), getfsstat(2) and utmpx rather than /proc): the process handle's methods,
 * the process listing, the disk listing and the sysctl listing are written once in sysctl/
 * over the hooks declared here, which bsd/ and darwin/ each define from their own kernel
 * interface.
 */
#ifndef VIGIL_FB_SYSCTL_INT_H
#define VIGIL_FB_SYSCTL_INT_H

#include "../posix/posix_int.h"

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

/* Read @name into @buf; *len in: capacity, out: bytes written.  0 or -errno (sysctl_raw.c). */
int fb__sysctl_fixed(const char *name, void *buf, size_t *len);
/* An unsigned number of either width. */
int fb__sysctl_uint(const char *name, uint64_t *out);
/* Read @name into a malloc'ed buffer (the caller frees it), retrying if it grew. */
int fb__sysctl_alloc(const char *name, void **buf, size_t *len);

/* One socket table of this OS (a sysctl PCB list) and its decoder (net_conn.c). */
struct fb__pcb_list {
	const char *name; /* the sysctl */
	int arg;	  /* handed to decode: 1 TCP / 0 UDP, or the unix socket type */
	bool unix_socks;  /* AF_UNIX: read only for the "unix" and "all" kinds */
	/* Append the table's sockets to *v; -EAGAIN when it changed while it was copied. */
	int (*decode)(const void *buf, size_t len, int arg, const void *owners, size_t olen,
		      struct fb_conn **v, size_t *n, size_t *cap);
};

/* Hooks: this OS's socket tables in order, and the sysctl naming owners (NULL: none). */
extern const struct fb__pcb_list fb__os_pcb_lists[];
extern const size_t fb__os_pcb_nlists;
extern const char *const fb__os_pcb_owners;

/* Hook: the bytes of this OS's struct timeval tv_usec (sys.c). */
extern const size_t fb__os_timeval_usec_size;

#endif /* VIGIL_FB_SYSCTL_INT_H */
