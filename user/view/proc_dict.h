/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * proc_dict.h: one process as psutil's Process.as_dict() sees it, read once through the
 * fallback library and kept in a plain struct, so that a process that vanishes half-way is
 * dropped whole (psutil raises NoSuchProcess) instead of printed half. A field that cannot
 * be read (AccessDenied, a zombie) is left out with the reason, which is psutil's ad_value:
 * null in JSON, a note in the table. `vigil proc` and `vigil snapshot` print it.
 */
#ifndef VIGIL_PROC_DICT_H
#define VIGIL_PROC_DICT_H

#include <stdbool.h>
#include <stdint.h>

#include "export/sink.h"
#include "fallback.h"
#include "port.h"

/* psutil 5.9.4's as_dict() keys on Linux (alphabetical), then what vigil adds. */
enum pd_attr {
	PD_CMDLINE,
	PD_CONNECTIONS,
	PD_CPU_AFFINITY,
	PD_CPU_NUM,
	PD_CPU_PERCENT,
	PD_CPU_TIMES,
	PD_CREATE_TIME,
	PD_CWD,
	PD_ENVIRON,
	PD_EXE,
	PD_GIDS,
	PD_IO_COUNTERS,
	PD_IONICE,
	PD_MEMORY_FULL_INFO,
	PD_MEMORY_INFO,
	PD_MEMORY_MAPS,
	PD_MEMORY_PERCENT,
	PD_NAME,
	PD_NICE,
	PD_NUM_CTX_SWITCHES,
	PD_NUM_FDS,
	PD_NUM_THREADS,
	PD_OPEN_FILES,
	PD_PID,
	PD_PPID,
	PD_STATUS,
	PD_TERMINAL,
	PD_THREADS,
	PD_UIDS,
	PD_USERNAME,
	PD_AS_DICT_COUNT, /* the keys above are as_dict()'s */
	PD_PARENT = PD_AS_DICT_COUNT,
	PD_CHILDREN,
	PD_RLIMITS,
	PD__COUNT,
};

#define PD_BIT(a)  (1ull << (a))
#define PD_AS_DICT (PD_BIT(PD_AS_DICT_COUNT) - 1)
#define PD_ALL	   (PD_BIT(PD__COUNT) - 1)

extern const char *const pd_attr_names[PD__COUNT];

/*
 * A comma list of attribute names to a mask. -EINVAL with *bad pointing at the first unknown
 * name (NUL-terminated in the caller's copy, which is why list is writable).
 */
int pd_attrs_parse(char *list, uint64_t *mask, const char **bad);

struct pd_rlimit {
	const char *name;   /* "RLIMIT_NOFILE" */
	int64_t soft, hard; /* -1: infinity */
};

struct pd_child {
	pid_t pid;
	char name[64];
};

struct proc_dict {
	pid_t pid;
	uint64_t asked;			 /* PD_BIT()s */
	uint64_t have;			 /* the asked ones that were read */
	enum fb_err_kind why[PD__COUNT]; /* for asked but not had: AccessDenied, ZombieProcess */

	struct fb_strv cmdline, environ;
	struct fb_conn *conns;
	size_t nconns;
	int *affinity;
	size_t naffinity;
	int cpu_num, nice, num_fds, num_threads;
	double cpu_percent, create_time, memory_percent;
	struct fb_proc_cpu_times cpu_times;
	char cwd[4096], exe[4096], name[256], username[64], terminal[64];
	struct fb_ids uids, gids;
	struct fb_proc_io io;
	enum fb_ioprio_class ioclass;
	int iovalue;
	struct fb_proc_mem mem;
	struct fb_proc_mem_full mem_full;
	struct fb_mmap *maps;
	size_t nmaps;
	uint64_t ctx_voluntary, ctx_involuntary;
	struct fb_open_file *files;
	size_t nfiles;
	pid_t ppid;
	enum fb_proc_status status;
	struct fb_thread *threads;
	size_t nthreads;
	struct pd_child parent; /* pid -1: none */
	struct pd_child *children;
	size_t nchildren;
	struct pd_rlimit *rlimits;
	size_t nrlimits;
};

struct pd_opts {
	uint64_t attrs;
	bool recursive;	 /* children(recursive=True) */
	double interval; /* cpu_percent over this many seconds; 0: psutil's first call */
	/* connections from a system-wide list already read (snapshot), instead of per process */
	const struct fb_conn *all_conns;
	size_t nall_conns;
	bool have_all_conns;
};

/*
 * Read the asked attributes of p into d (zeroed first). -ESRCH when the process vanished
 * (NoSuchProcess) at any point, -ENOMEM; else 0, with unreadable fields noted in d->why.
 */
int proc_dict__collect(struct proc_dict *d, struct fb_proc *p, const struct pd_opts *o);
void proc_dict__free(struct proc_dict *d);

static inline bool proc_dict__has(const struct proc_dict *d, enum pd_attr a)
{
	return d->have & PD_BIT(a);
}

/* A readable key/value listing of the process, one attribute per line; lists indented. */
void proc_dict__table(const struct proc_dict *d, struct sink *s);

#endif /* VIGIL_PROC_DICT_H */
