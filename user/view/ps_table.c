// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * ps_table.c: the column table of `vigil ps`, with the filter and sort that work on it.
 */
#include "view/ps_table.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli/parse.h"
#include "port.h"

static double col_pid(const struct ps_row *r)
{
	return (double)r->pi.pid;
}
static double col_ppid(const struct ps_row *r)
{
	return (double)r->pi.ppid;
}
static double col_threads(const struct ps_row *r)
{
	return r->pi.num_threads;
}
static double col_nice(const struct ps_row *r)
{
	return r->pi.nice;
}
static double col_user_time(const struct ps_row *r)
{
	return r->pi.cpu_times.user;
}
static double col_system_time(const struct ps_row *r)
{
	return r->pi.cpu_times.system;
}
static double col_time(const struct ps_row *r)
{
	return r->pi.cpu_times.user + r->pi.cpu_times.system;
}
static double col_cpu_percent(const struct ps_row *r)
{
	return r->cpu_percent;
}
static double col_rss(const struct ps_row *r)
{
	return (double)r->pi.memory_info.rss;
}
static double col_vms(const struct ps_row *r)
{
	return (double)r->pi.memory_info.vms;
}
static double col_shared(const struct ps_row *r)
{
	return (double)r->pi.memory_info.shared;
}
static double col_create_time(const struct ps_row *r)
{
	return r->pi.create_time;
}
static const char *col_name(const struct ps_row *r)
{
	return r->pi.name;
}
static const char *col_user(const struct ps_row *r)
{
	return r->pi.username;
}
static const char *col_terminal(const struct ps_row *r)
{
	return r->pi.terminal;
}
static const char *col_status(const struct ps_row *r)
{
	return fb_status_name(r->pi.status);
}
static const char *col_cmdline(const struct ps_row *r)
{
	return r->x.cmdline ? r->x.cmdline : "";
}
static const char *col_exe(const struct ps_row *r)
{
	return r->x.exe ? r->x.exe : "";
}
static const char *col_cgroup(const struct ps_row *r)
{
	return r->x.cgroup ? r->x.cgroup : "";
}
static const char *col_container(const struct ps_row *r)
{
	return r->x.container ? r->x.container : "";
}
static const char *col_unit(const struct ps_row *r)
{
	return r->x.unit ? r->x.unit : "";
}
static const char *col_source(const struct ps_row *r)
{
	return r->source ? r->source : "";
}
static double col_num_fds(const struct ps_row *r)
{
	return r->x.num_fds;
}
static double col_memory_percent(const struct ps_row *r)
{
	return r->x.memory_percent;
}
static double col_read_bytes(const struct ps_row *r)
{
	return (double)r->pi.io_counters.read_bytes;
}
static double col_write_bytes(const struct ps_row *r)
{
	return (double)r->pi.io_counters.write_bytes;
}
static double col_read_bps(const struct ps_row *r)
{
	return r->x.read_bps;
}
static double col_write_bps(const struct ps_row *r)
{
	return r->x.write_bps;
}

const struct ps_col ps_cols[] = {
	{ "pid", "PID", 7, PS_INT, 0, col_pid, NULL },
	{ "ppid", "PPID", 7, PS_INT, FB_PI_PPID, col_ppid, NULL },
	{ "user", "USER", -10, PS_TEXT, FB_PI_USERNAME, NULL, col_user },
	{ "status", "STATUS", -12, PS_TEXT, FB_PI_STATUS, NULL, col_status },
	{ "threads", "THR", 4, PS_INT, FB_PI_NUM_THREADS, col_threads, NULL },
	{ "nice", "NI", 3, PS_INT, FB_PI_NICE, col_nice, NULL },
	{ "cpu_user", "USER_S", 9, PS_SECONDS, FB_PI_CPU_TIMES, col_user_time, NULL },
	{ "cpu_system", "SYS_S", 9, PS_SECONDS, FB_PI_CPU_TIMES, col_system_time, NULL },
	{ "time", "TIME", 9, PS_SECONDS, FB_PI_CPU_TIMES, col_time, NULL },
	{ "cpu_percent", "%CPU", 6, PS_PERCENT, FB_PI_CPU_TIMES, col_cpu_percent, NULL },
	{ "rss", "RSS", 8, PS_BYTES, FB_PI_MEMORY_INFO, col_rss, NULL },
	{ "vms", "VMS", 8, PS_BYTES, FB_PI_MEMORY_INFO, col_vms, NULL },
	{ "shared", "SHR", 8, PS_BYTES, FB_PI_MEMORY_INFO, col_shared, NULL },
	{ "create_time", "STARTED", 14, PS_EPOCH, FB_PI_CREATE_TIME, col_create_time, NULL },
	{ "terminal", "TTY", -8, PS_TEXT, FB_PI_TERMINAL, NULL, col_terminal },
	{ "name", "NAME", -16, PS_TEXT, FB_PI_NAME, NULL, col_name },
	{ "num_fds", "FDS", 6, PS_INT, PS_X_NUM_FDS, col_num_fds, NULL },
	{ "memory_percent", "%MEM", 5, PS_PERCENT, PS_X_MEMORY_PERCENT | FB_PI_MEMORY_INFO,
	  col_memory_percent, NULL },
	{ "read_bytes", "READ", 8, PS_BYTES, FB_PI_IO_COUNTERS, col_read_bytes, NULL },
	{ "write_bytes", "WRITE", 8, PS_BYTES, FB_PI_IO_COUNTERS, col_write_bytes, NULL },
	{ "read_bps", "READ/s", 8, PS_BYTES, FB_PI_IO_COUNTERS | PS_X_IO, col_read_bps, NULL },
	{ "write_bps", "WRITE/s", 8, PS_BYTES, FB_PI_IO_COUNTERS | PS_X_IO, col_write_bps, NULL },
	{ "exe", "EXE", -24, PS_TEXT, PS_X_EXE, NULL, col_exe },
	{ "cgroup", "CGROUP", -24, PS_TEXT, PS_X_CGROUP, NULL, col_cgroup },
	{ "container", "CONTAINER", -19, PS_TEXT, PS_X_CONTAINER, NULL, col_container },
	{ "unit", "UNIT", -24, PS_TEXT, PS_X_UNIT, NULL, col_unit },
	{ "cmdline", "COMMAND", -32, PS_TEXT, PS_X_CMDLINE, NULL, col_cmdline },
	{ "source", "SOURCE", -8, PS_TEXT, 0, NULL, col_source },
};

const size_t ps_ncols = sizeof(ps_cols) / sizeof(ps_cols[0]);

/* psutil's and top's names for columns that ps calls otherwise. */
static const struct {
	const char *alias, *name;
} ps_aliases[] = {
	{ "cpu", "cpu_percent" },
	{ "username", "user" },
	{ "num_threads", "threads" },
};

int ps_col_by_name(const char *name)
{
	for (size_t i = 0; i < sizeof(ps_aliases) / sizeof(ps_aliases[0]); i++) {
		if (!strcmp(ps_aliases[i].alias, name))
			name = ps_aliases[i].name;
	}
	for (size_t i = 0; i < ps_ncols; i++) {
		if (!strcmp(ps_cols[i].name, name))
			return (int)i;
	}
	return -EINVAL;
}

const char *ps_col_names(void)
{
	static char names[512];

	if (!names[0]) {
		for (size_t i = 0; i < ps_ncols; i++) {
			if (i)
				strcat(names, ", ");
			strcat(names, ps_cols[i].name);
		}
	}
	return names;
}

int ps_cols_parse(const char *list, int *cols, int max)
{
	char buf[256], *save = NULL;
	int n = 0;

	if (!*list || strlen(list) >= sizeof(buf))
		return -EINVAL;
	strcpy(buf, list);
	for (char *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		int c = ps_col_by_name(tok);

		if (c < 0 || n == max)
			return -EINVAL;
		cols[n++] = c;
	}
	return n ? n : -EINVAL;
}

/* The operator at op: its kind and length, or 0 if op does not start one. */
static size_t filter_op(const char *op, enum ps_filter_op *out)
{
	static const struct {
		const char *text;
		enum ps_filter_op op;
	} ops[] = { { "==", PS_OP_EQ }, { "!=", PS_OP_NE }, { "<=", PS_OP_LE }, { ">=", PS_OP_GE },
		    { "=", PS_OP_EQ },	{ "<", PS_OP_LT },  { ">", PS_OP_GT } };

	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		size_t len = strlen(ops[i].text);

		if (!strncmp(op, ops[i].text, len)) {
			*out = ops[i].op;
			return len;
		}
	}
	return 0;
}

/* A column's number: sizes with K/M/G for bytes, an optional '%' for percents. */
static int filter_number(const struct ps_col *col, const char *text, double *out)
{
	char buf[64], *end;
	size_t len = strlen(text);
	uint64_t bytes;

	if (!len || len >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, text, len + 1);
	if (col->type == PS_PERCENT && buf[len - 1] == '%')
		buf[--len] = '\0';
	if (col->type == PS_BYTES && !parse_size(buf, &bytes)) {
		*out = (double)bytes;
		return 0;
	}
	*out = strtod(buf, &end);
	return len && !*end && end != buf && *out == *out ? 0 : -EINVAL;
}

int ps_filter_parse(const char *arg, struct ps_filter *f)
{
	size_t klen = strcspn(arg, "=!<>"), oplen;
	const char *value;
	char key[32];
	int c;

	if (!klen || klen >= sizeof(key) || !arg[klen])
		return -EINVAL;
	memcpy(key, arg, klen);
	key[klen] = '\0';
	c = ps_col_by_name(key);
	oplen = filter_op(arg + klen, &f->op);
	if (c < 0 || !oplen)
		return -EINVAL;
	value = arg + klen + oplen;
	if (!*value)
		return -EINVAL;
	f->col = c;
	f->pattern = value;
	f->value = 0;
	if (ps_cols[c].type == PS_TEXT)
		return f->op == PS_OP_EQ || f->op == PS_OP_NE ? 0 : -EINVAL;
	return filter_number(&ps_cols[c], value, &f->value);
}

bool ps_row__has(const struct ps_row *r, int c)
{
	const struct ps_col *col = &ps_cols[c];

	if (col->num == col_cpu_percent)
		return r->cpu_percent >= 0;
	if (col->attr & PS_X_ALL)
		return (r->x.valid & col->attr & PS_X_ALL) == (col->attr & PS_X_ALL);
	if (col->num == col_shared && r->pi.memory_info.shared == FB_MEM_UNKNOWN)
		return false; /* Windows keeps no shared size */
	return !col->attr || (r->pi.valid & col->attr);
}

bool ps_filter__matches(const struct ps_filter *f, const struct ps_row *r)
{
	const struct ps_col *col = &ps_cols[f->col];

	double v;

	/* an unknown value matches nothing, not even '!=': it is not known to differ */
	if (!ps_row__has(r, f->col))
		return false;
	if (col->type == PS_TEXT)
		return port_glob_matches(f->pattern, col->text(r)) == (f->op == PS_OP_EQ);
	v = col->num(r);
	switch (f->op) {
	case PS_OP_EQ:
		return v == f->value;
	case PS_OP_NE:
		return v != f->value;
	case PS_OP_LT:
		return v < f->value;
	case PS_OP_LE:
		return v <= f->value;
	case PS_OP_GT:
		return v > f->value;
	case PS_OP_GE:
		return v >= f->value;
	}
	return false;
}

struct sort_key {
	int col;
	bool descending;
};

static int cmp_rows(const void *a, const void *b, void *arg)
{
	const struct sort_key *k = arg;
	const struct ps_row *x = a, *y = b;
	const struct ps_col *col = &ps_cols[k->col];
	bool hx = ps_row__has(x, k->col), hy = ps_row__has(y, k->col);
	int d = 0;

	if (hx != hy)
		return hx ? -1 : 1; /* unknown values last, whatever the direction */
	if (hx && col->type == PS_TEXT) {
		d = strcmp(col->text(x), col->text(y));
	} else if (hx) {
		double vx = col->num(x), vy = col->num(y);

		d = vx < vy ? -1 : vx > vy;
	}
	if (k->descending)
		d = -d;
	return d ? d : (x->pi.pid < y->pi.pid ? -1 : x->pi.pid > y->pi.pid);
}

void ps_rows_sort(struct ps_row *rows, size_t n, int c, bool descending)
{
	struct sort_key k = { c, descending };
	size_t i = 1;

	/*
	 * A row is ~1.8 KB: qsort's swaps cost more than the whole scan. The scan hands rows
	 * in pid order, the default sort, so check for an ordered table first.
	 */
	while (i < n && cmp_rows(&rows[i - 1], &rows[i], &k) <= 0)
		i++;
	if (i < n)
		port_qsort_r(rows, n, sizeof(*rows), cmp_rows, &k);
}

void ps_row__clear(struct ps_row *r)
{
	free(r->x.cmdline);
	free(r->x.exe);
	free(r->x.cgroup);
	free(r->x.container);
	free(r->x.unit);
	r->x.cmdline = r->x.exe = r->x.cgroup = r->x.container = r->x.unit = NULL;
}

void ps_rows_free(struct ps_row *rows, size_t n)
{
	for (size_t i = 0; rows && i < n; i++)
		ps_row__clear(&rows[i]);
	free(rows);
}
