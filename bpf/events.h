/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * events.h: the wire contract between vigil's BPF programs and its userspace. Every record
 * that crosses the ring buffer starts with struct vg_hdr (kind, size, cpu, timestamp) and
 * uses fixed-width types only, so both sides agree on the layout whatever compiler built
 * them. The includer provides __u8..__u64: vmlinux.h on the BPF side, <linux/types.h> or the
 * platform's "port.h" (user/port/<platform>, <stdint.h> types on Windows) in userspace. Sizes
 * are pinned with _Static_assert; a change here is a schema change.
 */
#ifndef VIGIL_EVENTS_H
#define VIGIL_EVENTS_H

#define VG_COMM_LEN	16
#define VG_FILENAME_LEN 256
#define VG_HIST_SLOTS	32

/* Record kinds. Values are stable: they travel through the ring buffer. */
enum vg_kind {
	VG_KIND_RUNQ = 1,
	VG_KIND_ONCPU = 2,
	VG_KIND_EXEC = 3,
	VG_KIND_EXIT = 4,
	VG_KIND_FORK = 5,
	VG_KIND_TCP_CONNECT = 16,
	VG_KIND_TCP_ACCEPT = 17,
	VG_KIND_TCP_STATE = 18,
	VG_KIND_TCP_CLOSE = 19,
	VG_KIND_TCP_RETRANSMIT = 20,
	VG_KIND_TCP_RESET = 21,
	VG_KIND_BIO = 32,
	VG_KIND_DNS = 40,
	VG_KIND_PROF_PID = 48, /* profile: internal "first sample of a pid", not a record */
	VG_KIND_MAX = 64,
};

/*
 * Why an event was lost: vigil could not keep or hand over what it measured. Counted per CPU
 * in each subsystem's `drops` array map (index = reason), summed and reported by userspace.
 */
enum vg_drop_reason {
	VG_DROP_RINGBUF_FULL = 0, /* bpf_ringbuf_reserve() failed */
	VG_DROP_MAP_FULL = 1,	  /* a map update failed (histogram or state map full) */
	VG_DROP_NO_STORAGE = 2,	  /* no task-local storage could be had (busy or no memory) */
	VG_DROP_MAX = 3,
};

/*
 * Why an end event had no start to pair with, although nothing was lost: not drops. Counted
 * per CPU in each subsystem's `unmatched` array map (index = reason).
 */
enum vg_unmatched_reason {
	/* its start came before the programs were attached (a task already runnable, an I/O
	 * already in flight) */
	VG_UNMATCHED_BEFORE_TRACE = 0,
	/* the kernel's tracepoints never showed its start (a wakeup no sched_wakeup announced) */
	VG_UNMATCHED_START_NOT_SEEN = 1,
	VG_UNMATCHED_MAX = 2,
};

/* Histogram keying, set as rodata before load. */
enum vg_hist_per {
	VG_PER_GLOBAL = 0,
	VG_PER_PID = 1,
	VG_PER_TID = 2,
	VG_PER_CGROUP = 3,
	VG_PER_RADDR = 4, /* tcp: remote address (folded to 64 bits; the hist's comm holds it) */
	VG_PER_RPORT = 5, /* tcp: remote port */
	VG_PER_DISK = 6,  /* blkio: key = the disk's dev_t (kernel encoding, major << 20 | minor) */
	VG_PER_OP = 7,	  /* blkio: key = op | flags << 8 (struct vg_bio's op and flags) */
	VG_PER_QTYPE = 8, /* dns: key = the question's type (1 A, 28 AAAA, ...) */
	VG_PER_SERVER = 9,   /* dns: the server's address, folded as VG_PER_RADDR's */
	VG_PER_DISK_OP = 10, /* blkio: key = dev_t | (__u64)REQ_OP_* << 32 */
};

/* The common header of every ring-buffer record. */
struct vg_hdr {
	__u16 kind;  /* enum vg_kind */
	__u16 size;  /* sizeof the whole record */
	__u32 cpu;   /* CPU the event was observed on */
	__u64 ts_ns; /* bpf_ktime_get_ns(): CLOCK_MONOTONIC */
};

/* runq: a task waited latency_ns between wakeup (or preemption) and getting a CPU. */
struct vg_runq {
	struct vg_hdr hdr;
	__u64 latency_ns;
	__u32 pid; /* tgid */
	__u32 tid;
	__u32 prev_pid; /* the task that ran on this CPU before it */
	__u32 prev_tid;
	char comm[VG_COMM_LEN];
	char prev_comm[VG_COMM_LEN];
	__u64 cgroup_id; /* the task's cgroup v2 id when asked for (targ_rec_cgroup), else 0 */
};

/* oncpu: one time slice of a task, from switch-in to switch-out. */
struct vg_oncpu {
	struct vg_hdr hdr;
	__u64 duration_ns;
	__u32 pid;
	__u32 tid;
	char comm[VG_COMM_LEN];
	__u64 cgroup_id; /* the task's cgroup v2 id when asked for (targ_rec_cgroup), else 0 */
};

/* exec, exit and fork share one record; filename is set for exec only. */
struct vg_proc {
	struct vg_hdr hdr;
	__u32 pid;
	__u32 tid;
	__u32 ppid;
	__s32 exit_code; /* exit: the wait(2) status, as the kernel keeps it */
	char comm[VG_COMM_LEN];
	char filename[VG_FILENAME_LEN];
	__u64 cgroup_id; /* the task's cgroup v2 id when asked for (targ_rec_cgroup), else 0 */
};

/* An in-kernel log2 histogram: slot i counts values in [2^i, 2^(i+1)) units. */
struct vg_hist {
	__u32 slots[VG_HIST_SLOTS];
	__u64 sum; /* of the values, in the histogram's unit, for averages and _sum */
	char comm[VG_COMM_LEN];
};

/*
 * profile: in-kernel stack aggregation. Each key of the `counts` hash is one (task, kernel
 * stack, user stack); its value counts samples (on-CPU) or sums blocked ns (off-CPU). A stack
 * id >= 0 indexes the `stacks` STACK_TRACE map; VG_STACK_NONE means the stack does not exist
 * (a user-mode sample has no kernel stack, a kernel thread no user stack); any other negative
 * value is the -errno bpf_get_stackid() returned (-EEXIST: stack map collision, -EFAULT: the
 * stack could not be walked, -ENOMEM: stack map full), shown to the user as a missing stack.
 */
#define VG_STACK_NONE	  (-100000)
#define VG_PROF_MAX_DEPTH 127

struct vg_prof_key {
	__u64 cgroup_id;
	__u32 pid; /* tgid */
	__u32 tid;
	__s32 kstack_id;
	__s32 ustack_id;
	char comm[VG_COMM_LEN];
};

struct vg_prof_val {
	__u64 value; /* samples (on-CPU) or blocked ns (off-CPU) */
	__u64 count; /* samples, or number of blocks */
};

/* Index of the per-CPU `stack_errs` array: which stack, and why bpf_get_stackid() failed. */
enum vg_stack_err {
	VG_SERR_EEXIST = 0,
	VG_SERR_EFAULT = 1,
	VG_SERR_ENOMEM = 2,
	VG_SERR_OTHER = 3,
	VG_SERR_PER_STACK = 4, /* user stack errors start here */
	VG_SERR_MAX = 8,
};

/*
 * Off-CPU: a task's open block, in the `offcpu_start` task storage (ts 0: none). Userspace
 * reads it through a pidfd at the end, to count blocks still open then.
 */
struct vg_prof_start {
	__u64 ts; /* bpf_ktime_get_ns() at the switch-out */
	struct vg_prof_key key;
};

/* The first sample of a process: userspace reads its /proc/<pid>/maps while it lives. */
struct vg_prof_pid {
	struct vg_hdr hdr;
	__u32 pid;
	__u32 pad;
};

_Static_assert(sizeof(struct vg_prof_key) == 40, "vg_prof_key layout");
_Static_assert(sizeof(struct vg_prof_val) == 16, "vg_prof_val layout");
_Static_assert(sizeof(struct vg_prof_pid) == 24, "vg_prof_pid layout");
_Static_assert(sizeof(struct vg_prof_start) == 48, "vg_prof_start layout");

/* --- tcp --------------------------------------------------------------------------- */

#define VG_ADDR_LEN 16 /* IPv4 in the first 4 bytes, or IPv6; network byte order */

/* vg_tcp.flags and vg_tcp_close.flags */
#define VG_TCP_PID_KNOWN      0x01 /* pid/comm name the owning process */
#define VG_TCP_VALUE_KNOWN    0x02 /* vg_tcp.value_ns / vg_tcp_close.connect_latency_ns valid */
#define VG_TCP_PARTIAL	      0x04 /* first seen mid-life: started before vigil */
#define VG_TCP_DURATION_KNOWN 0x08 /* vg_tcp_close.duration_ns valid */
#define VG_TCP_SRTT_KNOWN     0x10 /* vg_tcp_close.srtt_min_us/max_us valid */

/* vg_tcp_close.direction; vg_tcp.dir for resets */
#define VG_TCP_DIR_UNKNOWN  0
#define VG_TCP_DIR_ACTIVE   1
#define VG_TCP_DIR_PASSIVE  2
#define VG_TCP_DIR_SENT	    1
#define VG_TCP_DIR_RECEIVED 2

/*
 * tcp_connect (value_ns = SYN_SENT->ESTABLISHED latency), tcp_accept, tcp_state (value_ns =
 * time spent in old_state), tcp_retransmit (new_state = the socket's state) and tcp_reset
 * (dir = sent or received; old_state = the socket's state when there is one) share one
 * layout. States are the kernel's TCP_* numbers (1 = ESTABLISHED ... 12 = NEW_SYN_RECV).
 */
struct vg_tcp {
	struct vg_hdr hdr;
	__u8 saddr[VG_ADDR_LEN];
	__u8 daddr[VG_ADDR_LEN];
	__u64 value_ns;
	__u32 pid;
	__u16 sport; /* host byte order */
	__u16 dport;
	__u16 family; /* AF_INET (2) or AF_INET6 (10) */
	__u8 old_state;
	__u8 new_state;
	__u8 flags; /* VG_TCP_* */
	__u8 dir;
	__u8 pad[2];
	char comm[VG_COMM_LEN];
	__u64 cgroup_id; /* the task's cgroup v2 id when asked for (targ_rec_cgroup), else 0 */
};

/*
 * A key of the --laddr/--raddr LPM tries: IPv6, with IPv4 as ::ffff:a.b.c.d (so an IPv4
 * prefix /n is stored as /96+n and also matches IPv4-mapped addresses of dual-stack sockets).
 */
struct vg_lpm_key {
	__u32 prefixlen;
	__u8 addr[VG_ADDR_LEN];
};

/* The value (__u8) of an LPM entry: the longest matching prefix includes or excludes. */
#define VG_LPM_INCLUDE 1
#define VG_LPM_EXCLUDE 2

/* The value of tcp.bpf.c's io_bytes map (key: tgid): TCP bytes through sendmsg/recvmsg. */
struct vg_tcp_io {
	__u64 sent;
	__u64 received;
	char comm[VG_COMM_LEN];
};

/* tcp_close: one summary per connection, when its socket reaches CLOSE. */
struct vg_tcp_close {
	struct vg_hdr hdr;
	__u8 saddr[VG_ADDR_LEN];
	__u8 daddr[VG_ADDR_LEN];
	__u64 duration_ns;	  /* birth (SYN_SENT or SYN_RECV) to CLOSE */
	__u64 connect_latency_ns; /* SYN_SENT->ESTABLISHED (active side) */
	__u64 bytes_sent;	  /* tcp_sock.bytes_acked: sent and acknowledged */
	__u64 bytes_received;	  /* tcp_sock.bytes_received */
	__u32 srtt_us;		  /* smoothed RTT at close */
	__u32 srtt_min_us;	  /* over the samples tcp_probe saw */
	__u32 srtt_max_us;
	__u32 retransmits; /* tcp_sock.total_retrans */
	__u32 pid;
	__u16 sport;
	__u16 dport;
	__u16 family;
	__u8 direction; /* VG_TCP_DIR_ACTIVE / PASSIVE / UNKNOWN */
	__u8 flags;
	__u32 pad;
	char comm[VG_COMM_LEN];
	__u64 cgroup_id; /* the task's cgroup v2 id when asked for (targ_rec_cgroup), else 0 */
};
/*
 * bio: one block I/O request, from the block layer's point of view. The op is the kernel's
 * REQ_OP_* number (stable ABI: READ 0, WRITE 1, FLUSH 2, DISCARD 3, ...); flags are vigil's
 * own bits below, mapped from the running kernel's REQ_* bits in BPF, so the wire does not
 * depend on the kernel version. status is the kernel's blk_status_t (0: success).
 */
enum vg_bio_flag {
	VG_BIO_SYNC = 1 << 0,
	VG_BIO_META = 1 << 1,
	VG_BIO_FUA = 1 << 2,
	VG_BIO_PREFLUSH = 1 << 3,
	VG_BIO_RAHEAD = 1 << 4,
};

enum vg_bio_known {
	VG_BIO_QUEUED = 1 << 0, /* block_rq_insert was seen: queue_ns is valid */
	VG_BIO_OWNER = 1 << 1,	/* block_io_start was seen: pid and comm are valid */
};

struct vg_bio {
	struct vg_hdr hdr;
	__u64 sector;	  /* (__u64)-1 when the request has none (a flush) */
	__u64 queue_ns;	  /* insert -> issue; valid with VG_BIO_QUEUED */
	__u64 service_ns; /* issue -> complete */
	__u32 pid;	  /* the submitter's tgid; valid with VG_BIO_OWNER */
	__u32 bytes;	  /* completed by this completion */
	__u32 dev;	  /* the disk's dev_t: major << 20 | minor */
	__u8 op;	  /* REQ_OP_* */
	__u8 flags;	  /* enum vg_bio_flag */
	__u8 status;	  /* blk_status_t */
	__u8 known;	  /* enum vg_bio_known */
	char comm[VG_COMM_LEN];
	__u64 cgroup_id; /* the task's cgroup v2 id when asked for (targ_rec_cgroup), else 0 */
};

/* biotop's per-interval aggregate, keyed by vg_io_top_key(). */
struct vg_io_top {
	__u64 ios;
	__u64 bytes;
	__u64 sum_ns; /* issue -> complete, summed */
	char comm[VG_COMM_LEN];
};

/* The io_top map's key: write bit, submitter tgid (0: unknown), disk dev_t. */
#define VG_IO_TOP_KEY(write, pid, dev)                                                             \
	(((__u64)((write) ? 1 : 0) << 63) | ((__u64)((pid)&0x7fffffff) << 32) | (__u32)(dev))

/* --- dns --------------------------------------------------------------------------- */

#define VG_DNS_NAME_LEN 256 /* the question's name, in wire format, as sent */
#define VG_DNS_MSG_LEN	512 /* the first bytes of the response, for userspace to parse */

/* vg_dns.flags and vg_dns_pending.flags */
#define VG_DNS_PID_KNOWN   0x01 /* pid/comm name the process that owns the socket */
#define VG_DNS_NAME_TRUNC  0x02 /* the query ended inside its name: qname is what there was */
#define VG_DNS_QTYPE_KNOWN 0x04 /* qtype was read (the name ended inside the packet) */
#define VG_DNS_TC	   0x08 /* the response had the TC (truncated) bit */
#define VG_DNS_TIMEOUT	   0x10 /* no response came within --dns-timeout (made in userspace) */

#define VG_DNS_UDP	   17
#define VG_DNS_TCP	   6

/* Index of dns.bpf.c's per-CPU `dns_stats` counters. */
enum vg_dns_stat {
	VG_DNS_STAT_MALFORMED = 0, /* a DNS packet whose header or question could not be parsed */
	VG_DNS_STAT_MAX = 1,
};

/* A query waiting for its response: the socket it left by and its DNS id. */
struct vg_dns_key {
	__u64 cookie; /* the socket's cookie (bpf_get_socket_cookie) */
	__u16 id;
	__u16 pad[3];
};

/* What a query left in dns.bpf.c's `pending` map (userspace sweeps it for timeouts). */
struct vg_dns_pending {
	__u64 ts_ns;		 /* the query left */
	__u8 saddr[VG_ADDR_LEN]; /* the client (local) address */
	__u8 daddr[VG_ADDR_LEN]; /* the server */
	__u32 pid;
	__u16 sport; /* host byte order */
	__u16 dport;
	__u16 family; /* AF_INET or AF_INET6 */
	__u16 id;
	__u16 qtype;
	__u16 qname_len; /* bytes of qname used */
	__u8 transport;	 /* VG_DNS_UDP or VG_DNS_TCP */
	__u8 flags;	 /* VG_DNS_* */
	__u8 pad[6];
	char comm[VG_COMM_LEN];
	__u8 qname[VG_DNS_NAME_LEN];
	__u64 cgroup_id; /* the task's cgroup v2 id when asked for (targ_rec_cgroup), else 0 */
};

/*
 * dns: one transaction, query to response (or to the timeout, built by userspace from the
 * pending entry). msg holds the first msg_len bytes of the response for userspace to read
 * the answers from; resp_len is the whole response's length.
 */
struct vg_dns {
	struct vg_hdr hdr;
	__u64 latency_ns;
	struct vg_dns_pending q;
	__u16 resp_len;
	__u16 msg_len;
	__u16 ancount;
	__u8 rcode;
	__u8 pad;
	__u8 msg[VG_DNS_MSG_LEN];
};

_Static_assert(sizeof(struct vg_dns_key) == 16, "vg_dns_key layout");
_Static_assert(sizeof(struct vg_dns_pending) == 344, "vg_dns_pending layout");
_Static_assert(sizeof(struct vg_dns) == 888, "vg_dns layout");

_Static_assert(sizeof(struct vg_hdr) == 16, "vg_hdr layout");
_Static_assert(sizeof(struct vg_runq) == 80, "vg_runq layout");
_Static_assert(sizeof(struct vg_oncpu) == 56, "vg_oncpu layout");
_Static_assert(sizeof(struct vg_proc) == 312, "vg_proc layout");
_Static_assert(sizeof(struct vg_hist) == 152, "vg_hist layout");
_Static_assert(sizeof(struct vg_lpm_key) == 20, "vg_lpm_key layout");
_Static_assert(sizeof(struct vg_tcp_io) == 32, "vg_tcp_io layout");
_Static_assert(sizeof(struct vg_tcp) == 96, "vg_tcp layout");
_Static_assert(sizeof(struct vg_tcp_close) == 136, "vg_tcp_close layout");
_Static_assert(sizeof(struct vg_bio) == 80, "vg_bio layout");
_Static_assert(sizeof(struct vg_io_top) == 40, "vg_io_top layout");

#endif /* VIGIL_EVENTS_H */
