/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * ps_table.h: the columns of `vigil ps` and what can be done with them: choose them
 * (--columns), sort by one (--sort, '-' for descending), keep rows whose column matches a
 * pattern (--filter name=GLOB, user=NAME, status=NAME, name!=GLOB) or compares with a number
 * (--filter 'rss>100M', 'cpu>5', 'threads>=10', 'nice!=0'; sizes take K/M/G). One table
 * describes every column for all of it, and for the table, CSV and JSON printers.
 */
#ifndef VIGIL_PS_TABLE_H
#define VIGIL_PS_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "fallback.h"

enum ps_col_type {
	PS_INT,
	PS_SECONDS, /* a duration: with its unit in tables */
	PS_EPOCH,   /* a time (epoch seconds): local clock time in tables */
	PS_PERCENT,
	PS_BYTES,
	PS_TEXT,
};

/*
 * Columns beyond the process iterator's one pass, read per process only when a column,
 * filter or sort needs them: their bits sit above every FB_PI_* in ps_col.attr.
 */
enum {
	PS_X_CMDLINE = 1u << 24,
	PS_X_EXE = 1u << 25,
	PS_X_NUM_FDS = 1u << 26,
	PS_X_MEMORY_PERCENT = 1u << 27,
	PS_X_IO = 1u << 28, /* read_bps, write_bps: over --interval */
	PS_X_CGROUP = 1u << 29,
	PS_X_CONTAINER = 1u << 30, /* runtime:shortid, derived from the cgroup path */
	PS_X_UNIT = 1u << 31,	   /* the systemd unit, derived from the cgroup path */
	PS_X_ALL = 0xffu << 24,
};

struct ps_extra {
	/*
	 * Allocated when read (NULL otherwise; ps_rows_free() frees them): inline arrays made
	 * every row ~1.9 KB, and touching that memory cost more than a whole iterator scan.
	 */
	char *cmdline, *exe, *cgroup; /* cmdline: cut at 1023 bytes */
	char *container, *unit;	      /* set (and valid) only when the cgroup path names one */
	int num_fds;
	double memory_percent, read_bps, write_bps;
	uint32_t valid; /* PS_X_* that could be read */
};

/* One process as ps shows it. */
struct ps_row {
	struct fb_proc_info pi;
	double cpu_percent; /* < 0: not measured */
	const char *source; /* where the scan read it: "bpf_iter", "procfs" (static) */
	struct ps_extra x;
};

struct ps_col {
	const char *name;   /* for --columns, --sort, --filter and the CSV header */
	const char *header; /* table header */
	int width;	    /* table width; < 0: left-aligned */
	enum ps_col_type type;
	uint32_t attr; /* the FB_PI_* the column needs (0: always there) */
	double (*num)(const struct ps_row *r);
	const char *(*text)(const struct ps_row *r);
};

extern const struct ps_col ps_cols[];
extern const size_t ps_ncols;

#define PS_MAX_FILTERS 8

enum ps_filter_op {
	PS_OP_EQ, /* '=' or '==': a glob for text columns */
	PS_OP_NE, /* '!=' */
	PS_OP_LT,
	PS_OP_LE,
	PS_OP_GT,
	PS_OP_GE,
};

struct ps_filter {
	int col;
	enum ps_filter_op op;
	const char *pattern; /* text columns: the glob (points into the parsed argument) */
	double value;	     /* the others: the number, sizes in bytes */
};

/* The index of the column called name (or an alias: cpu, username, num_threads), or -EINVAL. */
int ps_col_by_name(const char *name);

/* "pid, ppid, ...": every column's name, for messages. */
const char *ps_col_names(void);

/* Parse "a,b,c" into column indexes; returns how many, or -EINVAL. */
int ps_cols_parse(const char *list, int *cols, int max);

/*
 * Parse "COL OP VALUE": OP is =, ==, !=, <, <=, > or >= (text columns: =, == and != with a
 * glob); VALUE a number, with a K, M or G (binary) suffix for the byte columns and an
 * optional % for percents. pattern points into arg. 0 or -EINVAL.
 */
int ps_filter_parse(const char *arg, struct ps_filter *f);

bool ps_filter__matches(const struct ps_filter *f, const struct ps_row *r);

/* Whether the row's value in column c is known. */
bool ps_row__has(const struct ps_row *r, int c);

/* Sort by column c (unknown values last), ties by pid. */
void ps_rows_sort(struct ps_row *rows, size_t n, int c, bool descending);
/* Free the rows' extra strings, then the array. */
void ps_rows_free(struct ps_row *rows, size_t n);
/* Free one row's extra strings. */
void ps_row__clear(struct ps_row *r);

#endif /* VIGIL_PS_TABLE_H */
