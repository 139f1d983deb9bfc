/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * darwin_decode.h - the pure halves of the macOS collectors: each turns the bytes that a
 * sysctl or a Mach host_statistics call returned into the library's structs, needing no Apple
 * header, so the unit tests run them on Linux with byte fixtures (tests/unit/test_darwin_*.c).
 * Layouts are macOS 11+'s on LP64 (x86_64, arm64), from the documented structs; every decoder
 * checks the length first and returns -EINVAL for a buffer of the wrong size.
 */
#ifndef VIGIL_FB_DARWIN_DECODE_H
#define VIGIL_FB_DARWIN_DECODE_H

#include "../common/fb_int.h"

/* host_cpu_load_info / processor_cpu_load_info: natural_t cpu_ticks[4] (user, system, idle,
 * nice), counted at 100 Hz (CLK_TCK) */
#define FB_DARWIN_CPU_STATES	4
#define FB_DARWIN_CPU_LOAD_SIZE 16
#define FB_DARWIN_TICK_HZ	100
/* vm_statistics64 (HOST_VM_INFO64): page counts; offsets of the fields read */
#define FB_DARWIN_VMSTAT64_SIZE	 152
#define FB_DARWIN_VM_FREE	 0
#define FB_DARWIN_VM_ACTIVE	 4
#define FB_DARWIN_VM_INACTIVE	 8
#define FB_DARWIN_VM_WIRE	 12
#define FB_DARWIN_VM_PAGEINS	 32
#define FB_DARWIN_VM_PAGEOUTS	 40
#define FB_DARWIN_VM_SPECULATIVE 92
#define FB_DARWIN_VM_EXTERNAL	 136
/* struct xsw_usage { u_int64_t total, avail, used; u_int32_t pagesize; boolean_t encrypted; } */
#define FB_DARWIN_XSW_SIZE 32
/* struct timeval { time_t tv_sec (8); suseconds_t tv_usec (4); } padded to 16 */
#define FB_DARWIN_TIMEVAL_SIZE 16
/* struct loadavg { fixpt_t ldavg[3]; long fscale; } */
#define FB_DARWIN_LOADAVG_SIZE 24

/* sysctl {CTL_NET, PF_ROUTE, 0, 0, NET_RT_IFLIST2, 0}: a stream of routing messages; an
 * RTM_IFINFO2 one is struct if_msghdr2 with struct if_data64 (64-bit counters) at 32 */
#define FB_DARWIN_RTM_IFINFO2 0x12
#define FB_DARWIN_IFM2_SIZE   160
#define FB_DARWIN_IFM_FLAGS   8
#define FB_DARWIN_IFM_INDEX   12
#define FB_DARWIN_IFM_DATA    32
/* struct kinfo_proc (struct extern_proc kp_proc; struct eproc kp_eproc;), kern.proc.all */
#define FB_DARWIN_KINFO_PROC_SIZE 648
#define FB_DARWIN_KP_STARTTIME	  0 /* p_un.__p_starttime: time_t, then int32 usec */
#define FB_DARWIN_KP_STAT	  36
#define FB_DARWIN_KP_PID	  40
#define FB_DARWIN_KP_NICE	  242
#define FB_DARWIN_KP_COMM	  243 /* char[MAXCOMLEN + 1] */
#define FB_DARWIN_KP_COMMLEN	  17
#define FB_DARWIN_KP_RUID	  392 /* kp_eproc.e_pcred.p_ruid, then p_svuid */
#define FB_DARWIN_KP_SVUID	  396
#define FB_DARWIN_KP_UID	  420 /* kp_eproc.e_ucred.cr_uid */
#define FB_DARWIN_KP_PPID	  560

/* struct statfs (64-bit inode variant, the default since 10.6), getfsstat(2) entries */
#define FB_DARWIN_STATFS_SIZE	 2168
#define FB_DARWIN_SF_FLAGS	 64 /* uint32_t MNT_* */
#define FB_DARWIN_SF_FSTYPENAME	 72
#define FB_DARWIN_SF_MNTONNAME	 88
#define FB_DARWIN_SF_MNTFROMNAME 1112
#define FB_DARWIN_SF_NAMELEN	 1024

/* struct proc_taskinfo (proc_pidinfo PROC_PIDTASKINFO): sizes, then times in Mach units */
#define FB_DARWIN_TASKINFO_SIZE 96
#define FB_DARWIN_TI_VIRTUAL	0
#define FB_DARWIN_TI_RESIDENT	8
#define FB_DARWIN_TI_USER	16
#define FB_DARWIN_TI_SYSTEM	24
#define FB_DARWIN_TI_THREADNUM	84

/* One or more CPUs' tick arrays (len / 16 CPUs) into at most @max entries. */
int fb__darwin_decode_cpu_load(const void *buf, size_t len, struct fb_cpu_times *out, size_t max,
			       size_t *n);
/*
 * psutil's macOS formulas over vm_statistics64: available = inactive + free, used = active +
 * wired, free = free - speculative; @memsize is hw.memsize, @pagesize hw.pagesize.
 */
int fb__darwin_decode_vmstat(const void *buf, size_t len, uint64_t memsize, uint64_t pagesize,
			     struct fb_vmem *out);
/* Page-ins and page-outs (psutil's swap sin/sout, in pages). */
int fb__darwin_decode_vm_paging(const void *buf, size_t len, uint64_t *pageins, uint64_t *pageouts);
/* vm.swapusage into total, used, free and percent. */
int fb__darwin_decode_xsw_usage(const void *buf, size_t len, struct fb_swap *out);
/* kern.boottime as epoch seconds. */
int fb__darwin_decode_timeval(const void *buf, size_t len, double *out);
/* vm.loadavg. */
int fb__darwin_decode_loadavg(const void *buf, size_t len, double out[3]);

/*
 * The routing message at the start of @buf: *msglen (to step to the next one); for an
 * RTM_IFINFO2 message the interface index, flags, counters, MTU and speed (Mb/s), returning 1;
 * 0 for any other message; -EINVAL when the message is truncated or claims a bad length.
 */
int fb__darwin_decode_ifmsg(const void *buf, size_t len, size_t *msglen, unsigned *index,
			    uint32_t *flags, struct fb_net_io *d, int *mtu, int *speed);
/*
 * One struct kinfo_proc into @pi: pid, ppid, name, status, creation time, nice, uids.  CPU
 * times and memory are not in it (they need proc_pidinfo): left invalid.
 */
int fb__darwin_decode_kinfo_proc(const void *buf, size_t len, struct fb_proc_info *pi);

/* One getfsstat() struct statfs into a partition (strings malloc'ed); opts as psutil's. */
int fb__darwin_decode_statfs(const void *buf, size_t len, struct fb_partition *out);

/*
 * Merge a proc_taskinfo into @pi: rss, vms, CPU times (Mach absolute units scaled by the
 * timebase @numer / @denom to ns, then seconds) and the thread count.
 */
int fb__darwin_decode_taskinfo(const void *buf, size_t len, uint32_t numer, uint32_t denom,
			       struct fb_proc_info *pi);
/*
 * KERN_PROCARGS2: int argc, the exec path, NUL padding, then argc NUL-terminated arguments
 * (the environment follows and is not read).  -EINVAL for a truncated or inconsistent buffer.
 */
int fb__darwin_decode_procargs2(const void *buf, size_t len, struct fb_strv *out);

/*
 * net.inet.{tcp,udp}.pcblist_n: struct xinpgen, then per PCB a run of tagged items (each
 * starting u_int32_t len, u_int32_t kind, padded to 8 bytes), then a closing xinpgen whose
 * generation must equal the opening one.  These structs are declared under #pragma pack(4)
 * in xnu's netinet/in_pcb.h, sys/socketvar.h and netinet/tcp_var.h; offsets follow from that.
 * struct xinpgen: u_int32_t xig_len; u_int xig_count; inp_gen_t xig_gen; so_gen_t xig_sogen.
 */
#define FB_DARWIN_XINPGEN_SIZE 24
#define FB_DARWIN_XIG_GEN      8
/* xso_kind values (sys/socketvar.h) */
#define FB_DARWIN_XSO_SOCKET 0x001
#define FB_DARWIN_XSO_RCVBUF 0x002
#define FB_DARWIN_XSO_SNDBUF 0x004
#define FB_DARWIN_XSO_STATS  0x008
#define FB_DARWIN_XSO_INPCB  0x010
#define FB_DARWIN_XSO_TCPCB  0x020
/*
 * struct xinpcb_n: len, kind, u_int64_t xi_inpp; u_short inp_fport, inp_lport (network
 * order); u_int64_t inp_ppcb at 20; inp_gen_t inp_gencnt; int inp_flags; u_int32_t inp_flow;
 * u_char inp_vflag at 44, ttl, proto; then the 16-byte foreign and local address unions at
 * 48 and 64 (in_addr_4in6: IPv4 in the last 4 bytes); ... 104 bytes in macOS 11+.
 */
#define FB_DARWIN_XI_FPORT     16
#define FB_DARWIN_XI_LPORT     18
#define FB_DARWIN_XI_VFLAG     44
#define FB_DARWIN_XI_FADDR     48
#define FB_DARWIN_XI_LADDR     64
#define FB_DARWIN_XI_V4_IN_16  12
#define FB_DARWIN_XINPCB_N_MIN 80 /* the bytes read: through the local address */
#define FB_DARWIN_INP_IPV4     0x1
#define FB_DARWIN_INP_IPV6     0x2
/*
 * struct xsocket_n: len, kind, u_int64_t xso_so; short so_type; u_int32_t so_options at 20;
 * short so_linger, so_state; u_int64_t so_pcb at 28; int xso_protocol, xso_family; shorts
 * qlen, incqlen, qlimit, timeo; u_short so_error; pid_t so_pgid at 56; u_int32_t so_oobmark;
 * uid_t so_uid at 64; pid_t so_last_pid at 68; pid_t so_e_pid at 72 (later fields appended).
 */
#define FB_DARWIN_XSO_LAST_PID	68
#define FB_DARWIN_XSOCKET_N_MIN 72
/* struct xtcpcb_n: len, kind, u_int64_t t_segq; int t_dupacks; int t_timer[4]; int t_state */
#define FB_DARWIN_XT_STATE     36
#define FB_DARWIN_XTCPCB_N_MIN 40

/*
 * One pcblist_n buffer (@tcp: each PCB also carries an xtcpcb_n) appended to *v (*n used,
 * *cap allocated; free(*v) after).  A PCB is complete, as netstat(1) counts it, once its
 * inpcb, socket, both buffers, statistics (and TCP control block) items were seen.  The pid
 * is the socket's so_last_pid (the last process that used it, -1 when 0); fd is unknown.
 * -EINVAL for a truncated or malformed buffer, -EAGAIN when the generation changed.
 */
int fb__darwin_decode_pcblist_n(const void *buf, size_t len, bool tcp, struct fb_conn **v,
				size_t *n, size_t *cap);

#endif /* VIGIL_FB_DARWIN_DECODE_H */
