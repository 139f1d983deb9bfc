/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * proc_int.h - what the Linux process files share: the handle's Linux state, the parsed
 * /proc/PID/stat record and the oneshot-aware readers of stat, status and statm (the handle
 * itself and psutil's error classification are the OS-free core's, common/proc_core.h; the
 * POSIX layer's hooks, posix/posix_int.h, are defined here too).
 * Private to fallback/linux.
 */
#ifndef VIGIL_FB_PROC_INT_H
#define VIGIL_FB_PROC_INT_H

#include "../posix/posix_int.h"

/* The fields of /proc/PID/stat that psutil uses. */
struct fb__pstat {
	pid_t pid, ppid;
	char comm[64];
	char state;
	int tty_nr;
	uint64_t flags; /* PF_* */
	uint64_t minflt, majflt, utime, stime, starttime, vsize;
	int64_t cutime, cstime, nice, num_threads, rss;
	int processor;
	uint64_t blkio_ticks;
	int nfields;  /* how many fields the line had: old kernels lack the tail */
	uint64_t neg; /* bit n: field n was negative (a corrupt or hostile file for a count) */
};

/*
 * stat fields that are counts: a negative one must be reported as unknown (the field left
 * invalid, or ENODATA), never converted to a wrapped unsigned value.
 */
#define FB__STAT_BIT(n)	 (1ull << (n))
#define FB__STAT_CPU	 (FB__STAT_BIT(14) | FB__STAT_BIT(15) | FB__STAT_BIT(16) | FB__STAT_BIT(17))
#define FB__STAT_FAULTS	 (FB__STAT_BIT(10) | FB__STAT_BIT(12))
#define FB__STAT_START	 FB__STAT_BIT(22)
#define FB__STAT_THREADS FB__STAT_BIT(20)
#define FB__STAT_IOWAIT	 FB__STAT_BIT(42)
#define FB__STAT_CPU_NUM FB__STAT_BIT(39)

/*
 * What a Linux handle keeps besides the core's fields: its pidfd and oneshot copies of stat,
 * status, statm.
 */
struct fb__proc_os {
	/*
	 * Opened (fb__proc_os_open()) before the core reads the identity, so once that identity
	 * checks out every signal and wait() goes to this process or to none: -1 where the kernel
	 * has none (< 5.3, a thread id, a pid already gone).
	 */
	int pidfd;
	unsigned stat_gen, status_gen, statm_gen; /* fb__proc_oneshot_stamp() when stored */
	struct fb__pstat stat;
	char status[16384]; /* Cpus_allowed and Mems_allowed grow with the machine */
	uint64_t statm[7];
};

/* Parse a /proc/PID/stat text: comm is between the first '(' and the last ')'. */
int fb__parse_stat(const char *buf, struct fb__pstat *st);
/* Parse statm's seven page counts. */
int fb__parse_statm(const char *buf, uint64_t out[7]);
/* Parse /proc/PID/io into psutil's io_counters: 0 or -ENODATA. */
int fb__parse_proc_io(const char *buf, struct fb_proc_io *out);

/* Parse an smaps text into mappings (grouped: summed per path, first-seen order). */
int fb__parse_smaps(const char *text, bool grouped, struct fb_mmap **out, size_t *n);
/*
 * The same parser over an open smaps file, read through one 64 KiB buffer; *bytes: how much
 * was read. *out is one block (free()); 0 or a negative errno.
 */
int fb__smaps_read_fd(int fd, bool grouped, struct fb_mmap **out, size_t *n, size_t *bytes);

/* The oneshot-aware readers; on failure they classify and record the error. */
int fb__proc_stat(struct fb_proc *p, const char *what, struct fb__pstat *out);
int fb__proc_status(struct fb_proc *p, const char *what, const char **out);
int fb__proc_statm(struct fb_proc *p, const char *what, uint64_t out[7]);
/* Read "<pid>/<file>" of @p into buf; classifies errors. */
ssize_t fb__proc_read(struct fb_proc *p, const char *what, const char *file, char *buf, size_t len);

/* Boot time in epoch seconds, cached per root. */
double fb__boot_time_cached(void);
/* The /dev path of a tty_nr ("" when none), through a per-root cached map. */
void fb__tty_name(int tty_nr, char *buf, size_t len);
/* getpwuid() with a small cache; the uid as text when unknown. */
void fb__uid_name(uint32_t uid, char *buf, size_t len);
/* Read a process' stat for pid without a handle; 0 or negative errno. */
int fb__read_pstat(pid_t pid, struct fb__pstat *out);

#endif /* VIGIL_FB_PROC_INT_H */
