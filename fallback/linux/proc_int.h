/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * proc_int.h - what the Linux process files share: the handle's Linux state, the parsed
 * /proc/PID/stat record and the oneshot-aware readers of stat, status and statm (the handle
 * itself and psutil's error classification are the OS-free core's, common/proc_core.h).
 * Private to fallback/linux.
 */
#ifndef VIGIL_FB_PROC_INT_H
#define VIGIL_FB_PROC_INT_H

#include "../common/proc_core.h"

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
};

/* What a Linux handle keeps besides the core's fields: oneshot copies of stat, status, statm. */
struct fb__proc_os {
	unsigned stat_gen, status_gen, statm_gen; /* fb__proc_oneshot_stamp() when stored */
	struct fb__pstat stat;
	char status[16384]; /* Cpus_allowed and Mems_allowed grow with the machine */
	uint64_t statm[7];
};

/* Parse a /proc/PID/stat text: comm is between the first '(' and the last ')'. */
int fb__parse_stat(const char *buf, struct fb__pstat *st);
/* Parse statm's seven page counts. */
int fb__parse_statm(const char *buf, uint64_t out[7]);

/* Parse an smaps text into mappings (grouped: summed per path, first-seen order). */
int fb__parse_smaps(const char *text, bool grouped, struct fb_mmap **out, size_t *n);

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

#endif /* VIGIL_FB_PROC_INT_H */
