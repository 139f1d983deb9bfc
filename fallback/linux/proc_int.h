/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * proc_int.h - what the Linux process files share: the fb_proc handle layout, the parsed
 * /proc/PID/stat record, the oneshot-aware readers of stat, status and statm, and psutil's
 * error classification (EACCES -> AccessDenied; ESRCH/ENOENT -> ZombieProcess when the state
 * is Z, NoSuchProcess when /proc/PID is gone).  Private to fallback/linux.
 */
#ifndef VIGIL_FB_PROC_INT_H
#define VIGIL_FB_PROC_INT_H

#include "../common/fb_int.h"

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
	int nfields; /* how many fields the line had: old kernels lack the tail */
	uint64_t neg; /* bit n: field n was negative (a corrupt or hostile file for a count) */
};

/*
 * stat fields that are counts: a negative one must be reported as unknown (the field left
 * invalid, or ENODATA), never converted to a wrapped unsigned value.
 */
#define FB__STAT_BIT(n) (1ull << (n))
#define FB__STAT_CPU (FB__STAT_BIT(14) | FB__STAT_BIT(15) | FB__STAT_BIT(16) | FB__STAT_BIT(17))
#define FB__STAT_FAULTS (FB__STAT_BIT(10) | FB__STAT_BIT(12))
#define FB__STAT_START FB__STAT_BIT(22)
#define FB__STAT_THREADS FB__STAT_BIT(20)
#define FB__STAT_IOWAIT FB__STAT_BIT(42)
#define FB__STAT_CPU_NUM FB__STAT_BIT(39)

struct fb_proc {
	pid_t pid;
	uint64_t starttime; /* ticks since boot: the identity with pid */
	bool have_starttime;
	/*
	 * Opened before the identity is read, so once that identity checks out every signal
	 * goes to this process or to none: -1 where the kernel has none (< 5.3, a thread id).
	 */
	int pidfd;
	int oneshot;
	bool have_stat, have_status, have_statm;
	struct fb__pstat stat;
	char status[16384]; /* Cpus_allowed and Mems_allowed grow with the machine */
	uint64_t statm[7];
	struct fb_error err;
	/* cpu_percent() state */
	bool have_last_cpu;
	double last_cpu, last_wall;
	/* wait() result cache */
	bool have_exitcode;
	int exitcode;
};

/* Parse a /proc/PID/stat text: comm is between the first '(' and the last ')'. */
int fb__parse_stat(const char *buf, struct fb__pstat *st);
/* Parse statm's seven page counts. */
int fb__parse_statm(const char *buf, uint64_t out[7]);

/* Parse an smaps text into mappings (grouped: summed per path, first-seen order). */
int fb__parse_smaps(const char *text, bool grouped, struct fb_mmap **out, size_t *n);

/* Record a failure of @what and classify @err as psutil does; returns the value to return. */
int fb__proc_fail(struct fb_proc *p, const char *what, int err);
void fb__proc_clear_err(struct fb_proc *p);

/* The oneshot-aware readers; on failure they classify and record the error. */
int fb__proc_stat(struct fb_proc *p, const char *what, struct fb__pstat *out);
int fb__proc_status(struct fb_proc *p, const char *what, const char **out);
int fb__proc_statm(struct fb_proc *p, const char *what, uint64_t out[7]);
/* Read "<pid>/<file>" of @p into buf; classifies errors. */
ssize_t fb__proc_read(struct fb_proc *p, const char *what, const char *file, char *buf,
		      size_t len);

/* Boot time in epoch seconds, cached per root. */
double fb__boot_time_cached(void);
/* The /dev path of a tty_nr ("" when none), through a per-root cached map. */
void fb__tty_name(int tty_nr, char *buf, size_t len);
/* getpwuid() with a small cache; the uid as text when unknown. */
void fb__uid_name(uint32_t uid, char *buf, size_t len);
/* Read a process' stat for pid without a handle; 0 or negative errno. */
int fb__read_pstat(pid_t pid, struct fb__pstat *out);
/* Is @p still the process it was created for? -ESRCH when gone or reused. */
int fb__proc_check_identity(struct fb_proc *p, const char *what);

#endif /* VIGIL_FB_PROC_INT_H */
