/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * iter_rec.h: the wire contract of the BPF iterators (iter.bpf.c, iter_net.bpf.c,
 * iter_files.bpf.c, iter_vmas.bpf.c): the binary records they write into the iterator's
 * seq_file (or a ring buffer beside it), one per thread group for iter/task, one per socket in
 * an fd table, one per open file for iter/task_file and one per mapping for iter/task_vma.
 * Each record starts with its version and its size; userspace checks both on every record and
 * falls back to /proc (with a warning) on a mismatch, so an old binary never misreads a new
 * object. Values are the kernel's raw ones (nanoseconds, pages, kernel ids): userspace turns
 * them into /proc's units. The socket tables (iter/tcp, iter/udp) share one record.
 * Fixed-width types only, and a fixed size except for the names after a file or mapping
 * record; shared with user/.
 */
#ifndef VIGIL_ITER_REC_H
#define VIGIL_ITER_REC_H

#define ITER_TASK_VERSION 3

/* mm counters, as the kernel numbers them (MM_FILEPAGES ...) */
enum {
	ITER_MM_FILE,
	ITER_MM_ANON,
	ITER_MM_SWAP,
	ITER_MM_SHMEM,
	ITER_MM__COUNT,
};

/* I/O accounting, in /proc/PID/io's order: characters, syscalls, then storage bytes */
enum {
	ITER_IO_RCHAR,
	ITER_IO_WCHAR,
	ITER_IO_SYSCR,
	ITER_IO_SYSCW,
	ITER_IO_READ_BYTES,
	ITER_IO_WRITE_BYTES,
	ITER_IO__COUNT
};

struct iter_task_rec {
	__u16 version; /* ITER_TASK_VERSION */
	__u16 size;    /* sizeof(struct iter_task_rec) */
	__u32 pid;     /* the thread group id */
	__u32 ppid;    /* the real parent's thread group id, 0 for none */
	__u32 flags;   /* the leader's PF_* flags */
	char comm[16];
	__u8 state; /* /proc's letter: R S D T t X Z P I */
	__u8 pad[3];
	__s32 nice;
	__u32 num_threads;
	__s32 cpu;
	__u32 uid[3]; /* real, effective, saved */
	__u32 gid[3];
	__u32 tty_major, tty_minor;	      /* 0, 0: no controlling terminal */
	__u64 utime_ns, stime_ns, runtime_ns; /* summed over the group, dead threads included */
	__u64 prev_utime_ns, prev_stime_ns;   /* signal->prev_cputime: what /proc last reported */
	__u64 cutime_ns, cstime_ns;	      /* reaped children's, from signal_struct */
	__u64 blkio_delay_ns;		      /* the leader's delay accounting, 0 when off */
	__u64 start_boottime_ns;
	__u64 total_vm;		  /* pages */
	__u64 mm[ITER_MM__COUNT]; /* pages: the counters' central counts */
	__u64 text_pages, data_pages;
	__u64 io[ITER_IO__COUNT]; /* /proc/PID/io: the group's live threads plus the dead (v2) */
};

_Static_assert(sizeof(struct iter_task_rec) == 256, "iter_task_rec layout");

#define ITER_SOCK_VERSION 3

/*
 * One socket file in a process' fd table (iter/task, the leader's table: what
 * /proc/PID/fd/FD points to), written to the owners ring buffer; or, with a negative fd and
 * inode 0, the walk's marker for a thread group it visited, sockets or not, in the seq_file,
 * with the group's thread count (version 3).
 */
#define ITER_SOCK_VISITED -1 /* the marker of a process whose sockets were all written */
#define ITER_SOCK_PARTIAL -2 /* the marker of one whose sockets did not all fit the ring */

struct iter_sock_rec {
	__u16 version; /* ITER_SOCK_VERSION */
	__u16 size;    /* sizeof(struct iter_sock_rec) */
	__u32 pid;     /* the thread group id */
	__s32 fd;
	__u32 threads; /* the marker's: the group's live threads */
	__u64 inode;   /* "socket:[INODE]" */
};

_Static_assert(sizeof(struct iter_sock_rec) == 24, "iter_sock_rec layout");

#define ITER_FILE_VERSION  1
#define ITER_FILE_PATH_MAX 4096

/*
 * One open file of a process (iter/task_file, the thread-group leader's table: what
 * /proc/PID/fd lists): what readlink, stat and fdinfo of /proc/PID/fd/FD would give. The
 * path follows the record, NUL ended, as the fd link names it; size counts both.
 */
struct iter_file_rec {
	__u16 version; /* ITER_FILE_VERSION */
	__u16 size;    /* sizeof(struct iter_file_rec) + the path's bytes */
	__u32 pid;
	__s32 fd;
	__u32 flags; /* fdinfo's: the open flags, O_CLOEXEC when the fd has it */
	__u32 mode;  /* the inode's type and permissions */
	__u32 pad;
	__u64 ino, isize, pos; /* isize: the inode's size in bytes */
	__u32 dev, rdev;       /* the kernel's dev_t (major << 20 | minor): sb's and device's */
};

_Static_assert(sizeof(struct iter_file_rec) == 56, "iter_file_rec layout");

#define ITER_SK_VERSION 2

/* iter_sk_rec.flags */
#define ITER_SK_RTT 2 /* srtt_us is filled */

/*
 * One socket of a table (iter/tcp, iter/udp: both address families), what a sock_diag dump
 * gives: TIME_WAIT and request sockets have no inode and no uid (0).
 */
struct iter_sk_rec {
	__u16 version;	    /* ITER_SK_VERSION */
	__u16 size;	    /* sizeof(struct iter_sk_rec) */
	__u16 family;	    /* AF_INET, AF_INET6 */
	__u8 type;	    /* SOCK_STREAM, SOCK_DGRAM */
	__u8 state;	    /* sk_state: TCP_* (12 a request socket) */
	__u16 sport, dport; /* host order */
	__u16 pad0;
	__u16 flags; /* ITER_SK_* */
	__u32 uid;
	__u32 srtt_us; /* TCP: the smoothed RTT, as tcp_info's tcpi_rtt */
	__u64 inode;
	__u8 saddr[16], daddr[16]; /* network order; IPv4 in the first 4 bytes */
};

_Static_assert(sizeof(struct iter_sk_rec) == 64, "iter_sk_rec layout");

#define ITER_TCP_SLICE_VERSION 1
#define ITER_TCP_SLICES	       64

/* iter_tcp_slice_rec.status */
enum {
	ITER_TCP_OK,
	ITER_TCP_MOVED, /* a chain ended in another bucket's marker, or could not be read */
	ITER_TCP_FULL,	/* the ring had no room */
	ITER_TCP_LONG,	/* a chain longer than the walk follows */
};

/*
 * One slice of the TCP hash tables walked (tcp_hash_walk.bpf.h), in the seq_file after its
 * sockets' iter_sk_rec records in the tcp_socks ring.
 */
struct iter_tcp_slice_rec {
	__u16 version; /* ITER_TCP_SLICE_VERSION */
	__u16 size;    /* sizeof(struct iter_tcp_slice_rec) */
	__u32 slice;   /* 0 .. ITER_TCP_SLICES - 1, in order */
	__u32 status;  /* ITER_TCP_* */
	__u32 socks;   /* records written to the ring */
};

_Static_assert(sizeof(struct iter_tcp_slice_rec) == 16, "iter_tcp_slice_rec layout");

#define ITER_VMA_VERSION   1
#define ITER_VMA_NAMES_MAX 4096 /* the names after a record, at most */
#define ITER_VMA_NAME_MAX  256	/* one name, its NUL included */

/* iter_vma_rec.kind: what /proc/PID/maps' last column shows for the mapping */
enum {
	ITER_VMA_ANON,	    /* nothing */
	ITER_VMA_FILE,	    /* a path: its names follow, the file's first, each NUL ended */
	ITER_VMA_SAME_FILE, /* the file of the record just before, whose names it shares */
	ITER_VMA_DNAME,	    /* a file named by its filesystem (memfd, SysV shm): one name, magic */
	ITER_VMA_SPECIAL,   /* "[vdso]", "[vvar]", "[uprobes]": the name follows */
	ITER_VMA_HEAP,
	ITER_VMA_STACK,
	ITER_VMA_ANON_NAME, /* prctl(PR_SET_VMA_ANON_NAME): "[anon:NAME]", the name follows */
	ITER_VMA_UNSURE,    /* a name this walk cannot build: the process is read from /proc */
};

/* iter_vma_rec.perms */
#define ITER_VMA_READ	1
#define ITER_VMA_WRITE	2
#define ITER_VMA_EXEC	4
#define ITER_VMA_SHARED 8 /* VM_MAYSHARE: 's' where /proc shows 'p' otherwise */

/* iter_vma_rec.flags, of a file's path */
#define ITER_VMA_DELETED 1 /* unlinked: /proc adds " (deleted)" */
#define ITER_VMA_ESCAPED 2 /* the walk left its tree (a moved dentry): /proc shows "/" */

/*
 * One mapping of a thread group's address space (iter/task_vma), what a line of
 * /proc/PID/maps gives; the mapping's name, if it has one, follows (kind says how to read it).
 */
struct iter_vma_rec {
	__u16 version; /* ITER_VMA_VERSION */
	__u16 size;    /* sizeof(struct iter_vma_rec) + the names' bytes */
	__u32 pid;
	__u64 start, end;
	__u64 pgoff;	  /* in pages */
	__u64 ino;	  /* the file's inode number */
	__u32 dev;	  /* the kernel's dev_t (major << 20 | minor), of the file's sb */
	__u32 magic;	  /* the file's sb magic (ITER_VMA_DNAME) */
	__u8 kind, perms; /* ITER_VMA_* */
	__u8 flags, pad;  /* ITER_VMA_DELETED, ESCAPED */
	__u32 pad2;
};

_Static_assert(sizeof(struct iter_vma_rec) == 56, "iter_vma_rec layout");

#endif /* VIGIL_ITER_REC_H */
