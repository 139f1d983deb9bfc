/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * bsd_decode.h - the pure halves of the FreeBSD collectors: each turns the bytes a sysctl
 * returned into the library's structs and needs no FreeBSD header, so the unit tests run them
 * on Linux with byte fixtures (tests/unit/test_bsd_*.c).  Layouts are FreeBSD 13's on LP64
 * targets (amd64, arm64), from the documented structs; every decoder checks the length first
 * and returns -EINVAL for a buffer of the wrong size instead of reading past it.
 */
#ifndef VIGIL_FB_BSD_DECODE_H
#define VIGIL_FB_BSD_DECODE_H

#include "../common/fb_int.h"

/* kern.cp_time holds long[CPUSTATES]: user, nice, sys, intr, idle, in stathz ticks. */
#define FB_BSD_CPUSTATES 5
#define FB_BSD_LONG	 8
/* struct clockinfo { int hz, tick, spare, stathz, profhz; } */
#define FB_BSD_CLOCKINFO_SIZE	20
#define FB_BSD_CLOCKINFO_STATHZ 12
/* struct loadavg { fixpt_t ldavg[3]; long fscale; } */
#define FB_BSD_LOADAVG_SIZE   24
#define FB_BSD_LOADAVG_FSCALE 16
/* struct timeval { time_t tv_sec; suseconds_t tv_usec; }, both 8 bytes */
#define FB_BSD_TIMEVAL_SIZE 16
/* struct xswdev (XSWDEV_VERSION 2): u_int version; dev_t dev; int flags, nblks, used; */
#define FB_BSD_XSWDEV_VERSION 2
#define FB_BSD_XSWDEV_SIZE    32
#define FB_BSD_XSWDEV_NBLKS   20
#define FB_BSD_XSWDEV_USED    24

/* struct if_data (FreeBSD 11+), what getifaddrs gives for an AF_LINK entry's ifa_data */
#define FB_BSD_IF_DATA_SIZE 152
#define FB_BSD_IFD_MTU	    8
#define FB_BSD_IFD_BAUDRATE 16
#define FB_BSD_IFD_IPACKETS 24
#define FB_BSD_IFD_IERRORS  32
#define FB_BSD_IFD_OPACKETS 40
#define FB_BSD_IFD_OERRORS  48
#define FB_BSD_IFD_IBYTES   64
#define FB_BSD_IFD_OBYTES   72
#define FB_BSD_IFD_IQDROPS  96
#define FB_BSD_IFD_OQDROPS  104
/* struct kinfo_proc (KINFO_PROC_SIZE on amd64/arm64), kern.proc.proc entries */
#define FB_BSD_KINFO_PROC_SIZE 1088
#define FB_BSD_KI_PID	       72
#define FB_BSD_KI_PPID	       76
#define FB_BSD_KI_UID	       168 /* effective, then ruid, svuid */
#define FB_BSD_KI_RUID	       172
#define FB_BSD_KI_SVUID	       176
#define FB_BSD_KI_SIZE	       256 /* virtual size, bytes */
#define FB_BSD_KI_RSSIZE       264 /* resident set, pages */
#define FB_BSD_KI_TSIZE	       280 /* text, pages */
#define FB_BSD_KI_DSIZE	       288 /* data, pages */
#define FB_BSD_KI_START	       336 /* struct timeval */
#define FB_BSD_KI_STAT	       388
#define FB_BSD_KI_NICE	       389
#define FB_BSD_KI_COMM	       447 /* char[COMMLEN + 1] */
#define FB_BSD_KI_COMMLEN      20
#define FB_BSD_KI_LASTCPU      572
#define FB_BSD_KI_NUMTHREADS   596
#define FB_BSD_KI_RUSAGE       608 /* struct rusage: ru_utime, ru_stime timevals first */
#define FB_BSD_KI_RUSAGE_CH    752 /* the same for reaped children */

/* struct statfs (STATFS_VERSION 0x20140518, FreeBSD 12+), getfsstat(2) entries */
#define FB_BSD_STATFS_SIZE    2344
#define FB_BSD_STATFS_VERSION 0x20140518u
#define FB_BSD_SF_FLAGS	      8 /* uint64_t MNT_* */
#define FB_BSD_SF_FSTYPENAME  280
#define FB_BSD_SF_MNTFROMNAME 296
#define FB_BSD_SF_MNTONNAME   1320
#define FB_BSD_SF_NAMELEN     1024

/* What virtual_memory() needs: hw.physmem, vm.stats.vm.* page counts, vfs.bufspace. */
struct fb__bsd_vm_raw {
	uint64_t physmem, page_size, free, active, inactive, wire, cache, laundry, bufspace;
};

/* An unsigned sysctl of either width (u_int or u_long); -EINVAL for other sizes. */
int fb__bsd_decode_uint(const void *buf, size_t len, uint64_t *out);
/* kern.cp_time (one CPU) or kern.cp_times (len / 40 CPUs) into at most @max entries. */
int fb__bsd_decode_cp_times(const void *buf, size_t len, long stathz, struct fb_cpu_times *out,
			    size_t max, size_t *n);
/* kern.clockrate: the statistics clock rate that cp_time counts in. */
int fb__bsd_decode_clockinfo(const void *buf, size_t len, long *stathz);
/* vm.loadavg: fixed-point averages over fscale. */
int fb__bsd_decode_loadavg(const void *buf, size_t len, double out[3]);
/* kern.boottime as epoch seconds. */
int fb__bsd_decode_timeval(const void *buf, size_t len, double *out);
/* One vm.swap_info.N entry: pages in the device and pages used. */
int fb__bsd_decode_xswdev(const void *buf, size_t len, uint64_t *nblks, uint64_t *used);
/* psutil's FreeBSD formulas: avail = inactive + cache + free, used = active + wire + cache. */
void fb__bsd_vmem(const struct fb__bsd_vm_raw *r, struct fb_vmem *out);

/* One AF_LINK if_data into the counters of @d (name untouched); MTU and speed (Mb/s) too. */
int fb__bsd_decode_if_data(const void *buf, size_t len, struct fb_net_io *d, int *mtu, int *speed);
/*
 * One struct kinfo_proc into @pi (every FB_PI_* field the entry holds; the terminal and user
 * name need lookups the fetch side does); -EINVAL when ki_structsize is not this layout's.
 */
int fb__bsd_decode_kinfo_proc(const void *buf, size_t len, uint64_t page_size,
			      struct fb_proc_info *pi);

/*
 * One getfsstat() struct statfs into a partition (strings malloc'ed, freed by
 * fb_partitions_free()); opts as psutil: "rw"/"ro" then the set MNT_* flags by name.
 */
int fb__bsd_decode_statfs(const void *buf, size_t len, struct fb_partition *out);

/*
 * net.inet.{tcp,udp}.pcblist: struct xinpgen, then one record per PCB, then a closing
 * xinpgen whose generation must equal the opening one (else the table changed mid-copy).
 * struct xinpgen (netinet/in_pcb.h): ksize_t xig_len; u_int xig_count; uint32_t spare;
 * inp_gen_t xig_gen; so_gen_t xig_sogen; uint64_t spare[4].
 */
#define FB_BSD_XINPGEN_SIZE 64
#define FB_BSD_XIG_COUNT    8
#define FB_BSD_XIG_GEN	    16
/*
 * struct xinpcb (FreeBSD 13, the UDP record): ksize_t xi_len; struct xsocket xi_socket (240
 * bytes: xso_len, xso_so = the kernel socket address, so_pcb, ...); struct in_conninfo at 248
 * (inc_flags, inc_len, inc_fibnum, then in_endpoints: ie_fport, ie_lport, 16-byte faddr and
 * laddr with IPv4 in their last 4 bytes, ie6_zoneid); ...; u_char inp_vflag at 392.
 */
#define FB_BSD_XINPCB_SIZE 400
#define FB_BSD_XI_SO	   16 /* xi_socket (8) + xso_so (8) */
#define FB_BSD_XI_FPORT	   252
#define FB_BSD_XI_LPORT	   254
#define FB_BSD_XI_FADDR	   256
#define FB_BSD_XI_LADDR	   272
#define FB_BSD_XI_V4_IN_16 12 /* struct in_addr_4in6: 12 pad bytes, then the IPv4 address */
#define FB_BSD_XI_VFLAG	   392
#define FB_BSD_INP_IPV4	   0x1
#define FB_BSD_INP_IPV6	   0x2
/* struct xtcpcb (FreeBSD 13, the TCP record): ksize_t xt_len; struct xinpcb xt_inp; stack,
 * log id and CC names (32 + 64 + 16), int64_t spare64[6]; int32_t t_state; ... */
#define FB_BSD_XTCPCB_SIZE 744
#define FB_BSD_XT_INP	   8
#define FB_BSD_XT_STATE	   568
/*
 * kern.file: an array of struct xfile (sys/file.h): ksize_t xf_size; pid_t xf_pid; uid_t
 * xf_uid; int xf_fd; pad; kvaddr_t xf_file; short xf_type; ...; kvaddr_t xf_data at 56 (for
 * a socket: the struct socket address that xso_so names) ...
 */
#define FB_BSD_XFILE_SIZE   128
#define FB_BSD_XF_PID	    8
#define FB_BSD_XF_FD	    16
#define FB_BSD_XF_TYPE	    32
#define FB_BSD_XF_DATA	    56
#define FB_BSD_DTYPE_SOCKET 2

/*
 * One pcblist buffer (@tcp: xtcpcb records, else xinpcb) appended to *v (*n used, *cap
 * allocated; free(*v) after).  @files/@flen: kern.file, to give each socket its owner's pid
 * and fd (NULL: both -1).  -EINVAL for a truncated or malformed buffer, -EAGAIN when the
 * closing generation differs from the opening one (the fetch retries).
 */
int fb__bsd_decode_pcblist(const void *buf, size_t len, bool tcp, const void *files, size_t flen,
			   struct fb_conn **v, size_t *n, size_t *cap);

/*
 * kern.devstat.all: a long generation number, then struct devstat (sys/devicestat.h,
 * DEVSTAT_VERSION 6) per device: u_int sequence0; int allocated; u_int start_count,
 * end_count; struct bintime busy_from (time_t sec, uint64_t frac); a STAILQ link pointer;
 * uint32_t device_number; char device_name[16] at 44; int unit_number at 60; uint64_t
 * bytes[4] at 64 and operations[4] at 96 (indexes DEVSTAT_NO_DATA 0, READ 1, WRITE 2, FREE
 * 3); struct bintime duration[4] at 128; busy_time at 192; creation_time; uint32_t
 * block_size; uint64_t tag_types[3]; flags, device_type, priority; const void *id; u_int
 * sequence1 at 280 (equal to sequence0 when the record was not being updated).
 */
#define FB_BSD_DEVSTAT_GEN   8 /* the long before the records */
#define FB_BSD_DEVSTAT_SIZE  288
#define FB_BSD_DS_SEQUENCE0  0
#define FB_BSD_DS_NAME	     44
#define FB_BSD_DS_NAMELEN    16
#define FB_BSD_DS_UNIT	     60
#define FB_BSD_DS_BYTES	     64
#define FB_BSD_DS_OPERATIONS 96
#define FB_BSD_DS_DURATION   128
#define FB_BSD_DS_BUSY_TIME  192
#define FB_BSD_DS_SEQUENCE1  280
#define FB_BSD_DEVSTAT_READ  1
#define FB_BSD_DEVSTAT_WRITE 2
#define FB_BSD_BINTIME_SIZE  16

/*
 * kern.devstat.all into one entry per device appended to *v (name = device_name + unit,
 * "ada0"; counts, bytes, read/write time and busy time in ms; no merged counts).  -EINVAL for
 * a size that is not the generation plus whole records, -EAGAIN when a record was being
 * updated while it was copied (sequence0 != sequence1; the fetch reads again).  *n is left
 * as it was on failure.
 */
int fb__bsd_decode_devstat_all(const void *buf, size_t len, struct fb_disk_io **v, size_t *n,
			       size_t *cap);

/*
 * net.local.{stream,dgram,seqpacket}.pcblist: struct xunpgen (ksize_t xug_len; u_int
 * xug_count; unp_gen_t xug_gen at 16; so_gen_t xug_sogen: 32 bytes), struct xunpcb records
 * (sys/unpcb.h, FreeBSD 12+: ksize_t xu_len; kvaddr_t xu_unpp, unp_vnode, unp_conn,
 * xu_firstref, xu_nextref; unp_gen_t unp_gencnt; int64_t spare[8]; int32_t spare[8]; our
 * bound struct sockaddr_un in a 256-byte union at 152 and the peer's at 408 (sun_len,
 * sun_family, then sun_path[104]); struct xsocket xu_socket at 664), closing xunpgen.
 */
#define FB_BSD_XUNPGEN_SIZE 32
#define FB_BSD_XUG_GEN	    16
#define FB_BSD_XUNPCB_SIZE  904
#define FB_BSD_XU_ADDR	    152
#define FB_BSD_XU_CADDR	    408
#define FB_BSD_SUN_PATH	    2 /* in struct sockaddr_un */
#define FB_BSD_SUN_PATHLEN  104
#define FB_BSD_XU_SO	    672 /* xu_socket (664) + xso_so (8) */

/*
 * One unix-domain pcblist of socket @type (SOCK_STREAM, SOCK_DGRAM, SOCK_SEQPACKET) appended
 * to *v: family AF_UNIX, laddr our bound path, raddr the peer's ("" when unbound), status
 * NONE, owner from @files as for fb__bsd_decode_pcblist().  Same errors; *n is left as it was
 * on failure.
 */
int fb__bsd_decode_unp_pcblist(const void *buf, size_t len, int type, const void *files,
			       size_t flen, struct fb_conn **v, size_t *n, size_t *cap);

#endif /* VIGIL_FB_BSD_DECODE_H */
