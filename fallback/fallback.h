/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * fallback.h - the public interface of vigil's portable collector library, psutil's API in C.
 * Every platform backend (fallback/linux today, BSD and Win32 later) implements exactly these
 * functions with psutil's semantics: system CPU, memory, disks, network, sensors, users, and
 * per-process information through an opaque fb_proc handle.  Results are plain structs that the
 * caller owns; a field the platform cannot provide has its bit cleared in the struct's `valid`
 * mask and is never faked as zero.  int functions return 0 or a negative errno, pointer
 * functions return NULL and set errno, predicates return bool.  Arrays returned through `**out`
 * are freed with free() unless a dedicated *_free() function is named.  The library keeps no
 * hidden global state except the root path (fb_root_set) and a few locked caches (user names,
 * terminals, boot time); functions may be called from several threads, each object (handle,
 * iterator, sampler, nowrap state) from one at a time, and never while fb_root_set() runs.
 */
#ifndef VIGIL_FALLBACK_H
#define VIGIL_FALLBACK_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

/* FreeBSD has no ENODATA (an optional XSI errno): "no data" is its ENOATTR there. */
#ifndef ENODATA
#define ENODATA ENOATTR
#endif /* ENODATA */

#ifdef __cplusplus
extern "C" {
#endif

/* ---------------------------------------------------------------- root and errors */

/*
 * Point every /proc, /sys and /dev read at @root (e.g. a recorded fixture tree holding proc/,
 * sys/ and dev/).  NULL or "/" restores the live system.  Like psutil.PROCFS_PATH.
 */
int fb_root_set(const char *root);
/* The current root ("/" for the live system). */
const char *fb_root_get(void);

enum fb_err_kind {
	FB_ERR_NONE = 0,
	FB_ERR_NO_SUCH_PROCESS, /* psutil.NoSuchProcess; returned as -ESRCH */
	FB_ERR_ZOMBIE,		/* psutil.ZombieProcess; returned as -ESRCH */
	FB_ERR_ACCESS_DENIED,	/* psutil.AccessDenied; returned as -EACCES or -EPERM */
	FB_ERR_TIMEOUT,		/* psutil.TimeoutExpired; returned as -ETIMEDOUT */
	FB_ERR_OS,		/* anything else; the negative errno is returned as is */
};

/* The last failure of a process method: its class, the pid and what was asked. */
struct fb_error {
	enum fb_err_kind kind;
	pid_t pid;
	int err;       /* positive errno */
	char what[32]; /* method name, e.g. "cmdline" */
};

/* psutil's class name of an error kind: "NoSuchProcess", "ZombieProcess", ... */
const char *fb_err_kind_name(enum fb_err_kind kind);

/* The backend's name for the `source` column: "procfs", "win32", "sysctl". */
const char *fb_source_name(void);

/* ---------------------------------------------------------------- kernel files */

/*
 * For readers outside this library that parse a kernel file themselves (kallsyms, a process's
 * maps, libbpf's BTF): the file <root>/proc/@rel or <root>/sys/@rel, so that a fixture root
 * reaches them too.  The fopen()s open read-only and close-on-exec, NULL with errno set; the
 * *_path() functions write the path into @buf (0, -ENAMETOOLONG).  -ENOTSUP (errno ENOTSUP)
 * where the platform has no such tree.
 */
FILE *fb_proc_fopen(const char *rel);
FILE *fb_sys_fopen(const char *rel);
int fb_proc_path(const char *rel, char *buf, size_t len);
int fb_sys_path(const char *rel, char *buf, size_t len);
/* Whether task @tid exists: a process or one of its threads (fb_pid_exists() says no to those). */
bool fb_tid_exists(pid_t tid);
/* The thread ids of process @pid, ascending; -ENOENT (or -ESRCH) once it is gone. */
int fb_proc_tids(pid_t pid, pid_t **out, size_t *n);
/*
 * Block devices by number and by name (Linux sysfs: dev/block/M:m/uevent, class/block/NAME).
 * fb_block_dev_name(): the kernel's name of @major:@minor ("vda", "loop0") into @buf; -ENOENT
 * when it has none (or it does not fit).  fb_block_dev_number(): the numbers of the device
 * called @name (a leading "/dev/" is dropped) and whether it is a partition; -EINVAL for a name
 * that is not one plain file name, -ENOENT for no such device, -EBADMSG for an unreadable number.
 */
int fb_block_dev_name(uint32_t major, uint32_t minor, char *buf, size_t len);
int fb_block_dev_number(const char *name, uint32_t *major, uint32_t *minor, bool *partition);

/* ---------------------------------------------------------------- constants */

enum fb_proc_status {
	FB_STATUS_RUNNING = 0,
	FB_STATUS_SLEEPING,
	FB_STATUS_DISK_SLEEP,
	FB_STATUS_STOPPED,
	FB_STATUS_TRACING_STOP,
	FB_STATUS_ZOMBIE,
	FB_STATUS_DEAD,
	FB_STATUS_WAKE_KILL,
	FB_STATUS_WAKING,
	FB_STATUS_IDLE,
	FB_STATUS_LOCKED,
	FB_STATUS_WAITING,
	FB_STATUS_SUSPENDED,
	FB_STATUS_PARKED,
	FB_STATUS__COUNT,
};
/* psutil's string: "running", "disk-sleep", ...; NULL when out of range. */
const char *fb_status_name(enum fb_proc_status s);
/* Linux /proc state letter (R, S, D, ...) to status; -EINVAL if unknown. */
int fb_status_from_char(char c, enum fb_proc_status *out);

enum fb_conn_status {
	FB_CONN_ESTABLISHED = 0,
	FB_CONN_SYN_SENT,
	FB_CONN_SYN_RECV,
	FB_CONN_FIN_WAIT1,
	FB_CONN_FIN_WAIT2,
	FB_CONN_TIME_WAIT,
	FB_CONN_CLOSE,
	FB_CONN_CLOSE_WAIT,
	FB_CONN_LAST_ACK,
	FB_CONN_LISTEN,
	FB_CONN_CLOSING,
	FB_CONN_NONE,
	FB_CONN_DELETE_TCB, /* Windows */
	FB_CONN_IDLE,	    /* SunOS, psutil's "IDLE" */
	FB_CONN_BOUND,	    /* SunOS, psutil's "BOUND" */
	FB_CONN__COUNT,
};
/* psutil's string: "ESTABLISHED", ..., "NONE"; NULL when out of range. */
const char *fb_conn_status_name(enum fb_conn_status s);

enum fb_nic_duplex {
	FB_NIC_DUPLEX_UNKNOWN = 0,
	FB_NIC_DUPLEX_HALF = 1,
	FB_NIC_DUPLEX_FULL = 2,
};
/* "NIC_DUPLEX_UNKNOWN", "NIC_DUPLEX_HALF", "NIC_DUPLEX_FULL". */
const char *fb_nic_duplex_name(enum fb_nic_duplex d);

#define FB_POWER_TIME_UNKNOWN	(-1)
#define FB_POWER_TIME_UNLIMITED (-2)

/* psutil.AF_LINK on Linux (AF_PACKET). */
#define FB_AF_LINK 17

enum fb_ioprio_class {
	FB_IOPRIO_CLASS_NONE = 0,
	FB_IOPRIO_CLASS_RT = 1,
	FB_IOPRIO_CLASS_BE = 2,
	FB_IOPRIO_CLASS_IDLE = 3,
};

/* ---------------------------------------------------------------- CPU */

enum {
	FB_CPU_USER = 1u << 0,
	FB_CPU_NICE = 1u << 1,
	FB_CPU_SYSTEM = 1u << 2,
	FB_CPU_IDLE = 1u << 3,
	FB_CPU_IOWAIT = 1u << 4,
	FB_CPU_IRQ = 1u << 5,
	FB_CPU_SOFTIRQ = 1u << 6,
	FB_CPU_STEAL = 1u << 7,
	FB_CPU_GUEST = 1u << 8,
	FB_CPU_GUEST_NICE = 1u << 9,
};

/* Seconds since boot, psutil.cpu_times(). */
struct fb_cpu_times {
	double user, nice, system, idle, iowait, irq, softirq, steal, guest, guest_nice;
	uint32_t valid; /* FB_CPU_* */
};

/* psutil.cpu_times(): the "cpu" line of /proc/stat. */
int fb_cpu_times(struct fb_cpu_times *out);
/* psutil.cpu_times(percpu=True): *out has *n entries ordered by CPU index. */
int fb_cpu_times_percpu(struct fb_cpu_times **out, size_t *n);

/*
 * psutil's cpu_percent maths for two samples: deltas clipped at 0, guest and guest_nice
 * subtracted from the total, busy = total - idle - iowait, rounded to one decimal.
 */
double fb_cpu_percent_calc(const struct fb_cpu_times *t1, const struct fb_cpu_times *t2);
/* psutil's cpu_times_percent maths: each delta * 100 / max(1, total), clamped to [0, 100]. */
void fb_cpu_times_percent_calc(const struct fb_cpu_times *t1, const struct fb_cpu_times *t2,
			       struct fb_cpu_times *out);

/*
 * The caller-held "last sample" state behind cpu_percent and cpu_times_percent (psutil keeps
 * it per thread).  __new takes the first samples, as psutil does at import time, so a first
 * non-blocking call measures "since __new".  cpu_percent and cpu_times_percent, total and per
 * CPU, keep separate states.
 */
struct fb_cpu_sampler;
struct fb_cpu_sampler *fb_cpu_sampler__new(void);
void fb_cpu_sampler__free(struct fb_cpu_sampler *s);
/* interval > 0 blocks that long; interval == 0 compares with the last call; < 0 is -EINVAL. */
int fb_cpu_percent(struct fb_cpu_sampler *s, double interval, double *out);
/* Per CPU; *out (free()) gets *n == number of CPUs entries. */
int fb_cpu_percent_percpu(struct fb_cpu_sampler *s, double interval, double **out, size_t *n);
int fb_cpu_times_percent(struct fb_cpu_sampler *s, double interval, struct fb_cpu_times *out);
int fb_cpu_times_percent_percpu(struct fb_cpu_sampler *s, double interval,
				struct fb_cpu_times **out, size_t *n);

/* psutil.cpu_count(logical): a count > 0, or -ENODATA when undeterminable (psutil None). */
int fb_cpu_count(bool logical);

enum {
	FB_CPUSTAT_CTX = 1u << 0,
	FB_CPUSTAT_INTR = 1u << 1,
	FB_CPUSTAT_SOFTIRQ = 1u << 2,
	FB_CPUSTAT_SYSCALLS = 1u << 3,
};
struct fb_cpu_stats {
	uint64_t ctx_switches, interrupts, soft_interrupts, syscalls;
	uint32_t valid; /* FB_CPUSTAT_*; syscalls is never valid on Linux */
};
int fb_cpu_stats(struct fb_cpu_stats *out);

enum {
	FB_FREQ_CURRENT = 1u << 0,
	FB_FREQ_MIN = 1u << 1,
	FB_FREQ_MAX = 1u << 2,
};
/* MHz. */
struct fb_cpu_freq {
	double current, min, max;
	uint32_t valid; /* FB_FREQ_*; psutil reports an invalid min/max as 0.0 */
};
/* psutil.cpu_freq(): averaged over CPUs; -ENODATA when undeterminable (psutil None). */
int fb_cpu_freq(struct fb_cpu_freq *out);
int fb_cpu_freq_percpu(struct fb_cpu_freq **out, size_t *n);

/*
 * Container awareness, which psutil lacks (psutil #2100, #1122): the limits of a process'
 * cgroup (v2, or v1's memory and cpu controllers).  pid 0 means the calling process.
 */
enum {
	FB_CG_MEMORY_LIMIT = 1u << 0, /* unset: no limit */
	FB_CG_MEMORY_CURRENT = 1u << 1,
	FB_CG_CPU_QUOTA = 1u << 2, /* unset: no quota */
};
struct fb_cgroup_limits {
	uint64_t memory_limit, memory_current; /* bytes */
	double cpu_quota;		       /* CPUs' worth of time per period, e.g. 1.5 */
	char path[256];			       /* the cgroup, e.g. "/system.slice/x.service" */
	uint32_t valid;			       /* FB_CG_* */
};
int fb_cgroup_limits(pid_t pid, struct fb_cgroup_limits *out);
/*
 * The cgroup of a process as container tools name it: the v2 path ("0::" line of
 * /proc/PID/cgroup), else v1's name=systemd path when the v2 one is the root (a hybrid
 * layout whose systemd keeps its tree in v1), e.g. "/system.slice/docker-<id>.scope".
 * pid 0 means the calling process; -ENOENT if unreadable, -ENOTSUP off Linux.
 */
int fb_cgroup_path(pid_t pid, char *buf, size_t len);

/*
 * What a cgroup path says about its tasks (OS-free, no I/O): the innermost systemd unit
 * ("nginx.service", "session-2.scope", "docker-<id>.scope"; "" when none), and the
 * innermost container: its runtime ("docker", "containerd", "crio", "podman", "conmon" for
 * podman's monitor, "cri" for a kubepods leaf whose runtime the path does not say) and hex id,
 * and a Kubernetes pod uid when the path holds one.  Unrecognised parts are ignored; a
 * segment too long for a field is skipped, never truncated into a wrong name.
 */
struct fb_cgroup_name {
	char unit[256];
	char runtime[16];
	char id[65];
	char pod[40]; /* "1f2e...-...": dashes restored from systemd's underscores */
};
void fb_cgroup_name_parse(const char *path, struct fb_cgroup_name *out);
/* "docker:0123456789ab" (runtime:first 12 hex digits, as docker ps), or "" if none. */
const char *fb_cgroup_name_container(const struct fb_cgroup_name *n, char *buf, size_t len);
/* CPUs this process can really use: its affinity, capped by a cgroup CPU quota (rounded up). */
int fb_cpu_count_usable(void);

/* psutil.getloadavg(): 1, 5 and 15 minute load averages. */
int fb_getloadavg(double out[3]);

/* ---------------------------------------------------------------- memory */

enum {
	FB_VMEM_TOTAL = 1u << 0,
	FB_VMEM_AVAILABLE = 1u << 1,
	FB_VMEM_USED = 1u << 2,
	FB_VMEM_FREE = 1u << 3,
	FB_VMEM_ACTIVE = 1u << 4,
	FB_VMEM_INACTIVE = 1u << 5,
	FB_VMEM_BUFFERS = 1u << 6,
	FB_VMEM_CACHED = 1u << 7,
	FB_VMEM_SHARED = 1u << 8,
	FB_VMEM_SLAB = 1u << 9,
	FB_VMEM_PERCENT = 1u << 10,
};
/* Bytes. used = total - available, cached = Cached + SReclaimable (psutil >= 7.1). */
struct fb_vmem {
	uint64_t total, available, used, free, active, inactive, buffers, cached, shared, slab;
	double percent;
	uint32_t valid; /* FB_VMEM_* */
};
int fb_virtual_memory(struct fb_vmem *out);

enum {
	FB_SWAP_TOTAL = 1u << 0,
	FB_SWAP_USED = 1u << 1,
	FB_SWAP_FREE = 1u << 2,
	FB_SWAP_PERCENT = 1u << 3,
	FB_SWAP_SIN = 1u << 4,
	FB_SWAP_SOUT = 1u << 5,
};
struct fb_swap {
	uint64_t total, used, free, sin, sout;
	double percent;
	uint32_t valid; /* FB_SWAP_* */
};
int fb_swap_memory(struct fb_swap *out);

/* ---------------------------------------------------------------- disks */

struct fb_partition {
	char *device, *mountpoint, *fstype, *opts;
};
struct fb_partitions {
	size_t n;
	struct fb_partition *v;
};
/* psutil.disk_partitions(all). Free with fb_partitions_free(). */
int fb_disk_partitions(bool all, struct fb_partitions *out);
void fb_partitions_free(struct fb_partitions *p);

struct fb_disk_usage {
	uint64_t total, used, free;
	double percent; /* used / (used + free), as df */
};
/* psutil.disk_usage(path): statvfs(3) of a live path (not under the root). */
int fb_disk_usage(const char *path, struct fb_disk_usage *out);

enum {
	FB_DIO_READ_TIME = 1u << 0,
	FB_DIO_WRITE_TIME = 1u << 1,
	FB_DIO_MERGED = 1u << 2,
	FB_DIO_BUSY_TIME = 1u << 3,
	FB_DIO_WEIGHTED_TIME = 1u << 4, /* Linux: diskstats field 11 */
	FB_DIO_DISCARD = 1u << 5,	/* Linux 4.18+: fields 12-15 */
	FB_DIO_FLUSH = 1u << 6,		/* Linux 5.5+: fields 16-17 */
};
/*
 * psutil's sdiskio, plus (beyond psutil) what iostat -x needs from /proc/diskstats: the
 * weighted time behind aqu-sz, discards and flushes, each valid only where the kernel has it.
 */
struct fb_disk_io {
	char name[64]; /* "" for the system-wide total */
	uint64_t read_count, write_count, read_bytes, write_bytes;
	uint64_t read_time, write_time; /* ms */
	uint64_t read_merged_count, write_merged_count, busy_time;
	uint64_t weighted_time; /* ms, summed over requests in flight (FB_DIO_WEIGHTED_TIME) */
	uint64_t discard_count, discard_merged_count, discard_bytes,
		discard_time;		  /* FB_DIO_DISCARD */
	uint64_t flush_count, flush_time; /* FB_DIO_FLUSH */
	bool partition; /* perdisk: a partition, not a whole disk (Linux: no /sys/block/NAME) */
	uint32_t valid; /* FB_DIO_*; the four counts and bytes are always valid */
};

/*
 * psutil's nowrap state: per (key, field) the last raw value and the running "reminder" added
 * after a counter went backwards.  One state object per function you call with nowrap.
 */
struct fb_nowrap;
struct fb_nowrap *fb_nowrap__new(void);
/* psutil's net_io_counters.cache_clear(). */
void fb_nowrap__clear(struct fb_nowrap *nw);
void fb_nowrap__free(struct fb_nowrap *nw);
/* Adjust @nfields counters of @key in place (exposed for tests and other backends). */
int fb_nowrap__apply(struct fb_nowrap *nw, const char *key, uint64_t *fields, size_t nfields);

/*
 * psutil.disk_io_counters(perdisk, nowrap): @nw NULL means nowrap=False.  Without perdisk,
 * *n == 1 and the entry sums the whole disks only.  No disks: 0 with *n == 0.
 */
int fb_disk_io_counters(bool perdisk, struct fb_nowrap *nw, struct fb_disk_io **out, size_t *n);

/* ---------------------------------------------------------------- network */

struct fb_net_io {
	char name[32]; /* "" for the total */
	uint64_t bytes_sent, bytes_recv, packets_sent, packets_recv;
	uint64_t errin, errout, dropin, dropout;
};
/* psutil.net_io_counters(pernic, nowrap); the total includes lo, as psutil's. */
int fb_net_io_counters(bool pernic, struct fb_nowrap *nw, struct fb_net_io **out, size_t *n);

#define FB_ADDR_LEN 110 /* an IPv6 text address with %scope, or a unix path with '@' */

/* One endpoint.  inet: ip and port, valid false for psutil's empty tuple ().  unix: path. */
struct fb_sockaddr {
	char addr[FB_ADDR_LEN];
	uint16_t port;
	bool valid;
};

struct fb_conn {
	int fd;	    /* -1 when the owner is unknown */
	int family; /* AF_INET 2, AF_UNIX 1, the OS's AF_INET6 (10; Win 23, FreeBSD 28, mac 30) */
	int type;   /* SOCK_STREAM (1), SOCK_DGRAM (2), SOCK_SEQPACKET (5) */
	struct fb_sockaddr laddr, raddr;
	enum fb_conn_status status;
	pid_t pid; /* -1 when unknown (psutil None) */
	uint64_t inode;
	/* not psutil's: a TCP socket's smoothed RTT, when its table's walk reads it (BPF) */
	uint32_t srtt_us;
	bool has_rtt;
};

enum fb_conn_kind {
	FB_KIND_INET = 0,
	FB_KIND_INET4,
	FB_KIND_INET6,
	FB_KIND_TCP,
	FB_KIND_TCP4,
	FB_KIND_TCP6,
	FB_KIND_UDP,
	FB_KIND_UDP4,
	FB_KIND_UDP6,
	FB_KIND_UNIX,
	FB_KIND_ALL,
	FB_KIND__COUNT,
};
/* "inet", "tcp4", ... to a kind; -EINVAL for anything else (psutil ValueError). */
int fb_conn_kind_parse(const char *s, enum fb_conn_kind *out);
const char *fb_conn_kind_name(enum fb_conn_kind k);

/*
 * psutil.net_connections(kind), read through netlink sock_diag (inet_diag, unix_diag), with
 * the /proc/net tables as the fallback, owners found by one scan of every /proc/PID/fd.
 */
int fb_net_connections(enum fb_conn_kind kind, struct fb_conn **out, size_t *n);
/* Same from the /proc/net text tables only (what psutil reads; used with fixture roots). */
int fb_net_connections_procfs(enum fb_conn_kind kind, struct fb_conn **out, size_t *n);

/*
 * A kernel-side walk of every socket in every fd table (vigil's BPF task iterator,
 * user/iter/), which fb_net_connections() uses for the owners instead of a readlink of every
 * /proc/PID/fd entry.  Processes the walk did not visit whole (a sandbox can hide one from
 * BPF; a walk can run out of room) are still scanned in /proc, so the owners are the same
 * either way.  Linux only; elsewhere the feed is ignored.
 */
#define FB_SOCK_OWNER_VISITED -1 /* fd: the walk visited @pid, so its fds need no scan */
#define FB_SOCK_OWNER_PARTIAL -2 /* fd: visited, but its fds must be scanned in /proc */

struct fb_sock_owner {
	uint64_t inode;
	pid_t pid;
	int fd;		  /* the socket's, or one of the two markers above (inode 0) */
	unsigned threads; /* a marker's: @pid's live threads, 0 if unknown */
};

struct fb_sock_owner_feed {
	const char *source; /* "bpf_iter" */
	/* Start a walk: 0, or -errno and the owners come from /proc. */
	int (*open)(void **state);
	/* The next socket fd: 1, 0 at the end, -errno (the listing fails with it). */
	int (*next)(void *state, struct fb_sock_owner *out);
	void (*close)(void *state);
};

/* NULL: always /proc.  Not thread-safe: set it before listing. */
void fb_net_set_owner_feed(const struct fb_sock_owner_feed *feed);
/* Where the last fb_net_connections() found the owners: "procfs" or the feed's source. */
const char *fb_net_owner_source(void);

/*
 * A kernel-side walk of the socket tables (vigil's BPF tcp and udp iterators, user/iter/) that
 * fb_net_connections() and fb_net_sockets() read instead of a sock_diag dump: the same
 * sockets, as the kernel holds them.  Tables the feed does not walk, or all when it cannot
 * start or breaks off, come from sock_diag (or /proc/net).  Linux only; elsewhere ignored.
 */
enum { FB_SOCK_TCP = 1, FB_SOCK_UDP = 2, FB_SOCK_UNIX = 4 };

struct fb_sock_entry {
	int family, type;
	unsigned state;		      /* the kernel's sk_state (TCP_*) */
	uint8_t saddr[16], daddr[16]; /* network order; IPv4 in the first 4 bytes */
	uint16_t sport, dport;
	uint64_t inode;
	uint32_t uid;
	uint32_t srtt_us; /* TCP: the smoothed RTT, when has_rtt */
	bool has_rtt;
};

struct fb_sock_table_feed {
	const char *source; /* "bpf_iter" */
	/*
	 * Start a walk of the FB_SOCK_* tables in *@which, clearing those it will not give:
	 * 0, or -errno and sock_diag is read.
	 */
	int (*open)(void **state, unsigned *which);
	/* The next socket: 1, 0 at the end, -errno (sock_diag is read instead). */
	int (*next)(void *state, struct fb_sock_entry *out);
	void (*close)(void *state);
};

/* NULL: sock_diag.  Not thread-safe: set it before listing. */
void fb_net_set_table_feed(const struct fb_sock_table_feed *feed);
/*
 * Where the last listing read the table of @family's sockets (AF_UNIX, or the inet ones):
 * "sock_diag", "procfs" or the feed's source.
 */
const char *fb_net_table_source(int family);

/*
 * The socket tables of @kind without their owners (pid and fd -1): what lsof joins with each
 * process' socket inodes.  Cheaper than fb_net_connections(), which scans every fd for owners.
 * Unlike psutil's rows, a unix socket has a status here when sock_diag gives one: LISTEN,
 * ESTABLISHED (connected) or CLOSE (unconnected).
 */
int fb_net_sockets(enum fb_conn_kind kind, struct fb_conn **out, size_t *n);

/*
 * The smoothed round-trip time (µs) of one TCP connection that fb_net_connections() listed.
 * Windows: extended TCP statistics (GetPerTcp[6]ConnectionEStats), which need administrator
 * rights to switch on (-EACCES without).  -ENOTSUP where the platform has no such per-socket
 * query (Linux: vigil's tcp tracer measures RTT from the kernel instead).
 */
int fb_net_conn_rtt(const struct fb_conn *c, uint32_t *srtt_us);

/* What fb_tcp_sock's kernel counters hold (bits of .valid). */
enum {
	FB_TCP_RTT = 1u << 0,	  /* srtt_us, rttvar_us */
	FB_TCP_RETRANS = 1u << 1, /* retransmits */
	FB_TCP_BYTES = 1u << 2,	  /* bytes_acked, bytes_received */
};
/*
 * One TCP socket with the kernel's own per-connection counters (Linux tcp_info).  An older
 * kernel's shorter tcp_info leaves the counters it lacks invalid; a socket without tcp_info
 * (TIME_WAIT and SYN_RECV minisockets) has none of them.
 */
struct fb_tcp_sock {
	int family;    /* AF_INET or AF_INET6 */
	uint8_t state; /* the kernel's TCP state: 1 ESTABLISHED ... 10 LISTEN, 11 CLOSING */
	uint16_t sport, dport;
	uint8_t saddr[16], daddr[16]; /* network byte order; IPv4 in the first 4 bytes */
	uint32_t uid;
	uint64_t inode;
	uint64_t cookie; /* the kernel's socket cookie: unique while the socket lives */
	uint32_t valid;	 /* FB_TCP_* */
	uint32_t srtt_us, rttvar_us, retransmits;
	uint64_t bytes_acked, bytes_received;
};
/*
 * Every TCP socket of both address families with its tcp_info, from the live kernel (netlink
 * sock_diag, the same client as fb_net_connections(); no owners are looked up).  -ENOTSUP
 * where the platform has no such dump.
 */
int fb_tcp_sockets(struct fb_tcp_sock **out, size_t *n);
/*
 * The payload bytes of one socket: the kernel's bytes_acked also counts the SYN of an active
 * open and our FIN once acked, bytes_received the peer's FIN (a client that sends 1000 bytes
 * and reads 3000 shows 1002/3001).  @active: this side sent the SYN.  -ENODATA when the
 * counters are invalid or the state does not say which FINs were exchanged (TIME_WAIT, CLOSE).
 */
int fb_tcp_sock_payload(const struct fb_tcp_sock *s, bool active, uint64_t *sent,
			uint64_t *received);

enum {
	FB_IFA_NETMASK = 1u << 0,
	FB_IFA_BROADCAST = 1u << 1,
	FB_IFA_PTP = 1u << 2,
};
struct fb_if_addr {
	char name[32];
	int family; /* AF_INET, AF_INET6, FB_AF_LINK */
	char address[64], netmask[64], broadcast[64], ptp[64];
	uint32_t valid; /* FB_IFA_*; invalid = psutil None */
};
/* psutil.net_if_addrs(), flattened: entries of one NIC are adjacent. */
int fb_net_if_addrs(struct fb_if_addr **out, size_t *n);

struct fb_if_stats {
	char name[32];
	bool isup;
	enum fb_nic_duplex duplex;
	int speed; /* Mbps, 0 when unknown */
	int mtu;
	char flags[160]; /* "up,broadcast,running,multicast" */
};
int fb_net_if_stats(struct fb_if_stats **out, size_t *n);

/* ---------------------------------------------------------------- sensors */

enum {
	FB_TEMP_HIGH = 1u << 0,
	FB_TEMP_CRITICAL = 1u << 1,
};
struct fb_temp {
	char chip[64], label[64];
	double current, high, critical; /* Celsius */
	uint32_t valid;			/* FB_TEMP_*; invalid = psutil None */
};
/* psutil.sensors_temperatures(): 0 and *n == 0 on a machine without sensors. */
int fb_sensors_temperatures(struct fb_temp **out, size_t *n);

struct fb_fan {
	char chip[64], label[64];
	double current; /* RPM */
};
int fb_sensors_fans(struct fb_fan **out, size_t *n);

struct fb_battery {
	bool present; /* false = psutil None */
	double percent;
	long secsleft;	   /* seconds or FB_POWER_TIME_* */
	int power_plugged; /* 1, 0, or -1 when unknown (None) */
};
int fb_sensors_battery(struct fb_battery *out);

/* ---------------------------------------------------------------- system */

/* psutil.boot_time(): epoch seconds. */
int fb_boot_time(double *out);

enum {
	FB_USER_TERMINAL = 1u << 0,
	FB_USER_HOST = 1u << 1,
	FB_USER_PID = 1u << 2,
	FB_USER_HOST_IMPLIED =
		1u << 3, /* host is "localhost" because the record had none or ":0" */
};
struct fb_user {
	char name[64], terminal[64], host[256];
	double started;
	pid_t pid;
	uint32_t valid; /* FB_USER_* */
};
int fb_users(struct fb_user **out, size_t *n);

/* psutil.pids(): sorted thread-group ids. */
int fb_pids(pid_t **out, size_t *n);
/* psutil.pid_exists(): false for a thread id, negative or vanished pid. */
bool fb_pid_exists(pid_t pid);

/* ---------------------------------------------------------------- processes */

enum {
	FB_PCPU_IOWAIT = 1u << 0,
};
struct fb_proc_cpu_times {
	double user, system, children_user, children_system, iowait;
	uint32_t valid; /* FB_PCPU_* */
};

/* Bytes, from statm. psutil's lib and dirty are always 0 on Linux >= 2.6: not reported. */
struct fb_proc_mem {
	uint64_t rss, vms, shared, text, data;
};
/* A memory_info field the platform does not keep (shared, text, data on Win32): not a zero. */
#define FB_MEM_UNKNOWN UINT64_MAX

enum {
	FB_PMEM_USS = 1u << 0,
	FB_PMEM_PSS = 1u << 1,
	FB_PMEM_SWAP = 1u << 2,
};
struct fb_proc_mem_full {
	struct fb_proc_mem base;
	uint64_t uss, pss, swap;
	uint32_t valid; /* FB_PMEM_* */
};

enum {
	FB_PMEX_PEAK_RSS = 1u << 0,
	FB_PMEX_PEAK_VMS = 1u << 1,
	FB_PMEX_RSS_ANON = 1u << 2,
	FB_PMEX_RSS_FILE = 1u << 3,
	FB_PMEX_RSS_SHMEM = 1u << 4,
	FB_PMEX_SWAP = 1u << 5,
	FB_PMEX_HUGETLB = 1u << 6,
};
/* psutil 8's memory_info_ex(): memory_info plus the status file's Vm and Rss lines. */
struct fb_proc_mem_ex {
	struct fb_proc_mem base;
	uint64_t peak_rss, peak_vms, rss_anon, rss_file, rss_shmem, swap, hugetlb;
	uint32_t valid; /* FB_PMEX_*: a kernel thread or an old kernel lacks some */
};

struct fb_proc_io {
	uint64_t read_count, write_count, read_bytes, write_bytes, read_chars, write_chars;
};

struct fb_ids {
	uint32_t real, effective, saved;
};

struct fb_thread {
	pid_t id;
	double user_time, system_time; /* NAN when unknown (a negative count in /proc) */
};

struct fb_open_file {
	char path[4096];
	int fd;
	uint64_t position;
	char mode[3]; /* r, w, a, r+, a+ */
	uint32_t flags;
};

/*
 * One mapping.  path points into the same allocation as the array (free() of the array frees
 * both): a 4 KiB path buffer per entry made a process with 65530 mappings cost 270 MB.
 */
struct fb_mmap {
	const char *path; /* "[anon]" for an anonymous mapping */
	char addr[40];	  /* ungrouped only: "start-end" */
	char perms[8];	  /* ungrouped only */
	uint64_t ino;	  /* ungrouped only: the file's inode, 0 for none */
	uint64_t rss, size, pss, shared_clean, shared_dirty, private_clean, private_dirty;
	uint64_t referenced, anonymous, swap;
};

/* A NULL-terminated vector with one owned buffer; free with fb_strv_free(). */
struct fb_strv {
	size_t n;
	char **v;
};
void fb_strv_free(struct fb_strv *s);

/*
 * A process handle: pid plus its creation time, as psutil.Process.  __new fails with errno
 * EINVAL for a negative pid (psutil's ValueError), ESRCH when the pid names no process or its
 * identity cannot be read (NoSuchProcess; a thread id is accepted, as psutil's), ENOMEM; on
 * every platform.  A pid the OS hides (hidepid) still gets a handle.  Methods that fail record
 * an fb_error readable with fb_proc__error().
 */
struct fb_proc;
struct fb_proc *fb_proc__new(pid_t pid);
void fb_proc__free(struct fb_proc *p);
pid_t fb_proc__pid(const struct fb_proc *p);
const struct fb_error *fb_proc__error(const struct fb_proc *p);

/*
 * psutil's oneshot(): between begin and end, stat, status and statm are read once and reused
 * by every method.  Nestable.
 */
void fb_proc__oneshot_begin(struct fb_proc *p);
void fb_proc__oneshot_end(struct fb_proc *p);

int fb_proc__name(struct fb_proc *p, char *buf, size_t len);
/* "" when the kernel gives nothing (a kernel thread). */
int fb_proc__exe(struct fb_proc *p, char *buf, size_t len);
int fb_proc__cmdline(struct fb_proc *p, struct fb_strv *out);
/* "KEY=VALUE" strings. */
int fb_proc__environ(struct fb_proc *p, struct fb_strv *out);
int fb_proc__status(struct fb_proc *p, enum fb_proc_status *out);
int fb_proc__create_time(struct fb_proc *p, double *out);
int fb_proc__cwd(struct fb_proc *p, char *buf, size_t len);
int fb_proc__username(struct fb_proc *p, char *buf, size_t len);
int fb_proc__uids(struct fb_proc *p, struct fb_ids *out);
int fb_proc__gids(struct fb_proc *p, struct fb_ids *out);
/* buf is "" when the process has no controlling terminal (psutil None). */
int fb_proc__terminal(struct fb_proc *p, char *buf, size_t len);
int fb_proc__ppid(struct fb_proc *p, pid_t *out);
/* psutil's parent(): -ENOENT when there is none (the lowest pid, or a reused parent pid). */
int fb_proc__parent(struct fb_proc *p, pid_t *out);
/* Ancestors, nearest first. */
int fb_proc__parents(struct fb_proc *p, pid_t **out, size_t *n);
int fb_proc__children(struct fb_proc *p, bool recursive, pid_t **out, size_t *n);
int fb_proc__nice(struct fb_proc *p, int *out);
int fb_proc__set_nice(struct fb_proc *p, int value);
int fb_proc__ionice(struct fb_proc *p, enum fb_ioprio_class *ioclass, int *value);
int fb_proc__set_ionice(struct fb_proc *p, enum fb_ioprio_class ioclass, int value);
/* resource is an RLIMIT_* value; -1 means infinity. */
int fb_proc__rlimit(struct fb_proc *p, int resource, int64_t *soft, int64_t *hard);
int fb_proc__set_rlimit(struct fb_proc *p, int resource, int64_t soft, int64_t hard);
int fb_proc__cpu_affinity(struct fb_proc *p, int **cpus, size_t *n);
/* An empty set means every eligible CPU, as psutil. */
int fb_proc__set_cpu_affinity(struct fb_proc *p, const int *cpus, size_t n);
int fb_proc__cpu_num(struct fb_proc *p, int *out);
int fb_proc__cpu_times(struct fb_proc *p, struct fb_proc_cpu_times *out);
/* psutil's Process.cpu_percent(interval): may exceed 100; the first 0-interval call is 0. */
int fb_proc__cpu_percent(struct fb_proc *p, double interval, double *out);
int fb_proc__io_counters(struct fb_proc *p, struct fb_proc_io *out);
int fb_proc__num_ctx_switches(struct fb_proc *p, uint64_t *voluntary, uint64_t *involuntary);
/* psutil 8's page_faults(): minor and major faults (stat fields 10 and 12). */
int fb_proc__page_faults(struct fb_proc *p, uint64_t *minor, uint64_t *major);
int fb_proc__num_fds(struct fb_proc *p, int *out);
int fb_proc__num_threads(struct fb_proc *p, int *out);
int fb_proc__threads(struct fb_proc *p, struct fb_thread **out, size_t *n);
int fb_proc__open_files(struct fb_proc *p, struct fb_open_file **out, size_t *n);
/* The process' own sockets (pconn: pid is set to the process' pid). */
int fb_proc__net_connections(struct fb_proc *p, enum fb_conn_kind kind, struct fb_conn **out,
			     size_t *n);
int fb_proc__memory_info(struct fb_proc *p, struct fb_proc_mem *out);
int fb_proc__memory_full_info(struct fb_proc *p, struct fb_proc_mem_full *out);
int fb_proc__memory_info_ex(struct fb_proc *p, struct fb_proc_mem_ex *out);
/* memtype: "rss", "vms", "shared", "text", "data", "uss", "pss", "swap"; else -EINVAL. */
int fb_proc__memory_percent(struct fb_proc *p, const char *memtype, double *out);
int fb_proc__memory_maps(struct fb_proc *p, bool grouped, struct fb_mmap **out, size_t *n);
/*
 * lsof's view of a process: what it has open, in lsof's order (cwd, rtd, txt, the mapped files
 * as mem, then each fd).  @path is the link text the kernel gives ("/etc/hosts",
 * "socket:[123]", "pipe:[9]", "anon_inode:[eventfd]"), NULL when it could not be read (@err
 * says why, e.g. EACCES: lsof's "readlink: Permission denied" row).  An fd closed while the
 * list is read is left out; a process gone before it is read is -ESRCH.
 */
enum fb_fd_kind {
	FB_FD_NUM = 0, /* an fd (fd = -1: the fd directory itself could not be read) */
	FB_FD_CWD,
	FB_FD_RTD,
	FB_FD_TXT,
	FB_FD_MEM,
	FB_FD_DEL, /* a mapped file that was deleted (lsof's "DEL") */
};
enum {
	FB_FDI_STAT = 1u << 0,	/* mode, dev, rdev, size, ino */
	FB_FDI_FLAGS = 1u << 1, /* flags (fdinfo) */
	FB_FDI_POS = 1u << 2,	/* pos (fdinfo) */
};
struct fb_fd {
	enum fb_fd_kind kind;
	int fd;
	char *path;
	/* when path is NULL: the link that failed, e.g. "/proc/1/fd/3" (under the root) */
	char *link;
	int err; /* positive errno when path is NULL */
	uint32_t mode, flags;
	uint64_t dev, rdev, size, ino, pos;
	uint32_t valid; /* FB_FDI_* */
};
struct fb_fds {
	size_t n;
	struct fb_fd *v;
};
int fb_proc__fds(struct fb_proc *p, struct fb_fds *out);
/* Parts of that list: a caller with the fds from elsewhere asks for the links and maps only. */
enum {
	FB_FDS_LINKS = 1u << 0,	    /* cwd, rtd, txt */
	FB_FDS_MAPS = 1u << 1,	    /* mem and DEL */
	FB_FDS_NUMS = 1u << 2,	    /* each fd */
	FB_FDS_MAP_SIZES = 1u << 3, /* with MAPS: stat() each mapped file for its size */
	FB_FDS_ALL = FB_FDS_LINKS | FB_FDS_MAPS | FB_FDS_NUMS | FB_FDS_MAP_SIZES,
};
int fb_proc__fds_ex(struct fb_proc *p, uint32_t what, struct fb_fds *out);
void fb_fds_free(struct fb_fds *f);
/* Still the same process (pid and creation time)?  A zombie is running. */
bool fb_proc__is_running(struct fb_proc *p);
/* Signals refuse with -ESRCH (NoSuchProcess) when the pid was reused. */
int fb_proc__send_signal(struct fb_proc *p, int sig);
int fb_proc__suspend(struct fb_proc *p);
int fb_proc__resume(struct fb_proc *p);
int fb_proc__terminate(struct fb_proc *p);
int fb_proc__kill(struct fb_proc *p);
/*
 * psutil's Process.wait(timeout): timeout < 0 waits forever.  *exitcode: the exit status, or
 * -signal, or FB_EXIT_UNKNOWN for a process that is not our child.  -ETIMEDOUT on timeout.
 */
#define FB_EXIT_UNKNOWN INT32_MIN
int fb_proc__wait(struct fb_proc *p, double timeout, int *exitcode);

/* One process given to fb_wait_procs(): the caller sets proc, the function the rest. */
struct fb_waited {
	struct fb_proc *proc;
	bool gone;
	int returncode; /* when gone: as fb_proc__wait()'s exitcode (FB_EXIT_UNKNOWN = None) */
};
typedef void (*fb_wait_cb)(const struct fb_waited *w, void *ctx);
/*
 * psutil.wait_procs(procs, timeout, callback): wait until every process has ended or @timeout
 * seconds have passed (< 0: no limit), in rounds that give each process at most its share of
 * one second, so that none is waited for while the others' pids may be reused.  A child of
 * the caller is reaped and its returncode set; a non-child is gone once its pid is, so a
 * non-child zombie stays alive until its own parent reaps it.  @callback (may be NULL) runs
 * once for each process, when it is found gone.  On return the entries are reordered: the
 * *ngone gone ones first, then the alive ones, each group in the order given.  A timeout is
 * not an error; any other failure of a wait is returned (the entries are still reordered).
 */
int fb_wait_procs(struct fb_waited *procs, size_t n, double timeout, fb_wait_cb callback, void *ctx,
		  size_t *ngone);

/* ---------------------------------------------------------------- fast process listing */

enum {
	FB_PI_NAME = 1u << 0,
	FB_PI_STATUS = 1u << 1,
	FB_PI_CPU_TIMES = 1u << 2,
	FB_PI_MEMORY_INFO = 1u << 3,
	FB_PI_PPID = 1u << 4,
	FB_PI_CREATE_TIME = 1u << 5,
	FB_PI_NUM_THREADS = 1u << 6,
	FB_PI_NICE = 1u << 7,
	FB_PI_CPU_NUM = 1u << 8,
	FB_PI_UIDS = 1u << 9,
	FB_PI_USERNAME = 1u << 10,
	FB_PI_TERMINAL = 1u << 11,
	FB_PI_IO_COUNTERS = 1u << 12, /* Linux: /proc/PID/io, readable for one's own processes */
};

/* One process as seen by a scan (psutil's process_iter(attrs, ad_value)). */
struct fb_proc_info {
	pid_t pid, ppid;
	char name[64];
	enum fb_proc_status status;
	struct fb_proc_cpu_times cpu_times;
	struct fb_proc_mem memory_info;
	double create_time;
	int num_threads, nice, cpu_num;
	struct fb_ids uids;
	char username[64];
	char terminal[32];
	struct fb_proc_io io_counters;
	uint32_t valid;	    /* FB_PI_*: what was asked and could be read (else psutil's ad_value) */
	const char *source; /* where this one was read: "procfs", or a feed's source (static) */
};

/*
 * Iterate every process in pid order, reading each /proc file at most once.  Processes that
 * vanish mid-scan are skipped; fields that cannot be read (EACCES) are left invalid.  The
 * iterator keeps the per-process files it opened (within a budget below RLIMIT_NOFILE) so
 * that a refresh with fb_proc_iter__rewind() re-reads them with pread() instead of opening
 * them again, as top does; a reused pid is detected because the old file then fails (ESRCH).
 */
struct fb_proc_iter;
struct fb_proc_iter *fb_proc_iter__new(uint32_t attrs);
/* NULL at the end (errno 0) or on failure (errno set); the entry lives until the next call. */
const struct fb_proc_info *fb_proc_iter__next(struct fb_proc_iter *it);
/* Start a new scan: re-list the pids, keep the open files of those still there. */
int fb_proc_iter__rewind(struct fb_proc_iter *it);
/* Closes every cached file. */
void fb_proc_iter__free(struct fb_proc_iter *it);

/*
 * A kernel-side process walker the scan can use instead of /proc (vigil's BPF task iterator,
 * user/iter/): it hands each thread group in pid order, in /proc's own units, and the scan
 * turns it into an fb_proc_info exactly as it turns /proc/PID/stat, statm and status.
 * fb_proc_iter__new() opens the feed set with fb_proc_iter__set_feed() and reads /proc when
 * there is none or its open fails; fb_proc_iter__source() says which one it used.  A process
 * that /proc lists and the walk left out (a sandbox can hide one from BPF) is read from /proc,
 * so the two paths list the same processes; fb_proc_info.source tells them apart.
 */
struct fb_proc_raw {
	pid_t pid, ppid;
	char comm[16];
	char state;				      /* /proc's letter */
	uint32_t flags;				      /* PF_* */
	uint64_t utime, stime, cutime, cstime, blkio; /* clock ticks (sysconf _SC_CLK_TCK) */
	uint64_t starttime;			      /* clock ticks since boot */
	int nice, num_threads, cpu, tty_nr;	      /* tty_nr encoded as /proc's */
	uint32_t uids[3], gids[3];		      /* real, effective, saved */
	uint64_t vms, rss, shared, text, data;	      /* pages, as statm */
	struct fb_proc_io io;			      /* as /proc/PID/io */
};

struct fb_proc_feed {
	const char *source; /* the name fb_proc_iter__source() reports ("bpf_iter") */
	/* Start a walk: 0, or -errno and the scan reads /proc. */
	int (*open)(void **state);
	/* The next process: 1, 0 at the end, or -errno (the scan fails with it). */
	int (*next)(void *state, struct fb_proc_raw *out);
	/* Start a new walk on the same state: 0 or -errno. */
	int (*rewind)(void *state);
	void (*close)(void *state);
};

/* NULL: always /proc.  Not thread-safe: set it before scanning. */
void fb_proc_iter__set_feed(const struct fb_proc_feed *feed);
/* "procfs", or the feed's source when the scan walks it. */
const char *fb_proc_iter__source(const struct fb_proc_iter *it);

/* ---------------------------------------------------------------- Windows services */

enum {
	FB_SVC_PID = 1u << 0,	 /* pid: only while the service runs (psutil None otherwise) */
	FB_SVC_CONFIG = 1u << 1, /* binpath, username, start_type */
	FB_SVC_DESCRIPTION = 1u << 2,
};
/* psutil's WindowsService.as_dict(). */
struct fb_win_service {
	char name[256], display_name[256];
	char status[24]; /* running, paused, start_pending, pause_pending, continue_pending,
			      * stop_pending, stopped */
	pid_t pid;
	char binpath[1024], username[256];
	char start_type[16]; /* automatic, manual, disabled, boot, system */
	char description[1024];
	uint32_t valid; /* FB_SVC_* */
};
/* psutil.win_service_iter(): every service with name, display name, status and pid. */
int fb_win_service_iter(struct fb_win_service **out, size_t *n);
/* psutil.win_service_get(name): every field; -ENOENT for an unknown service.  Both functions
 * are -ENOTSUP off Windows. */
int fb_win_service_get(const char *name, struct fb_win_service *out);

/* ---------------------------------------------------------------- sysctl */

/* One kernel tunable: dotted name ("net.core.somaxconn") and its text value, newline-trimmed. */
struct fb_sysctl {
	char *name, *value;
};
struct fb_sysctls {
	size_t n;
	struct fb_sysctl *v;
};
/*
 * `sysctl -a` / `sysctl PATTERN`: every readable key, sorted by name.  @pattern NULL or "" is
 * all; a glob ("net.ipv4.tcp_*") is matched against the whole dotted name; a plain name picks
 * that key or the subtree below it ("net.core").  Unreadable (write-only) keys are left out, as
 * sysctl -a does.  -ENOTSUP where the platform has no such namespace.  Free with fb_sysctls_free().
 */
int fb_sysctl_list(const char *pattern, struct fb_sysctls *out);
void fb_sysctls_free(struct fb_sysctls *s);
/* One key's value by dotted name into @buf; -ENOENT when the key does not exist. */
int fb_sysctl_read(const char *name, char *buf, size_t len);
/* Glob patterns of the keys a tracer cares about (NULL-terminated): what `snapshot` shows. */
extern const char *const fb_sysctl_tracer_keys[];

/* ---------------------------------------------------------------- utilities */

/*
 * psutil's kill_proc_tree recipe: signal @pid's descendants (children first, deepest first),
 * then @pid itself if @include_parent, then wait up to @timeout seconds.  *gone / *alive
 * (free()) list the pids that ended / did not.
 */
int fb_kill_tree(pid_t pid, int sig, bool include_parent, double timeout, pid_t **gone,
		 size_t *ngone, pid_t **alive, size_t *nalive);

/*
 * The same, with the processes that refused the signal (EPERM, or an identity that could not
 * be read: psutil's AccessDenied) listed apart from those that did not end in time; fb_kill_tree
 * counts them as alive.  A descendant is only signalled if it is still the process the scan saw
 * (creation time and parent); one whose pid was reused counts as gone.
 */
struct fb_kill_tree_result {
	pid_t *gone, *alive, *denied;
	size_t ngone, nalive, ndenied;
};
int fb_kill_tree_ex(pid_t pid, int sig, bool include_parent, double timeout,
		    struct fb_kill_tree_result *out);
void fb_kill_tree_result_free(struct fb_kill_tree_result *r);

/* psutil's bytes2human: 10000 -> "9.8K", 100 -> "100B" (one decimal, 1024 steps). */
int fb_bytes2human(uint64_t n, char *buf, size_t len);
/* And back: "9.8K", "1.5 MiB", "100", "2G" -> bytes; -EINVAL for garbage, -ERANGE on overflow. */
int fb_human2bytes(const char *s, uint64_t *out);

#ifdef __cplusplus
}
#endif

#endif /* VIGIL_FALLBACK_H */
