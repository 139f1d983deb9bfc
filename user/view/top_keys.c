// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * top_keys.c: the keys of `vigil top` (see top_keys.h): bytes are decoded into keys (the
 * terminal's escape sequences for arrows and pages, a lone Esc), then applied to the view's
 * state by mode: the table, the help, the filter line, the sort chooser and k's three
 * questions.
 */
#include "view/top_keys.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
	KEY_ESC = 27,
	KEY_BS = 127,
	KEY_UP = 256,
	KEY_DOWN,
	KEY_LEFT,
	KEY_RIGHT,
	KEY_PGUP,
	KEY_PGDN,
	KEY_HOME,
	KEY_END,
	KEY_NONE, /* a sequence vigil has no use for */
};

const char *const top_help_lines[] = {
	"vigil top: keys",
	"",
	"  P c    sort by CPU%             M      sort by MEM%",
	"  T      sort by TIME+            N p    sort by PID",
	"  n      sort by name             r a    sort by run-queue p99, mean",
	"  d w i  sort by disk read, write, I/O p99",
	"  t l    sort by TCP connections, RTT   s  sort by DNS queries/s",
	"  F      choose the sort column   < >    sort by the column left, right",
	"  Up Down PgUp PgDn Home End      move the selected row",
	"  /      filter by name (Enter applies, Esc cancels, empty clears)",
	"  k      send a signal: pid (the selected row), signal (15), then y or n",
	"  ? h    this help                q      quit",
	"",
	"'-' marks a value the source cannot tell; 0 and 0.0 are measured.",
	"Press any key to go back.",
	NULL,
};

void top_view__init(struct top_view *v, enum top_col sort, const char *filter)
{
	memset(v, 0, sizeof(*v));
	v->sort = sort;
	if (filter)
		snprintf(v->filter, sizeof(v->filter), "%s", filter);
}

void top_view__clamp(struct top_view *v, size_t nrows, size_t page)
{
	v->nrows = nrows;
	v->page = page ? page : 1;
	if (v->sel >= nrows)
		v->sel = nrows ? nrows - 1 : 0;
	if (v->sel < v->first)
		v->first = v->sel;
	if (v->sel >= v->first + v->page)
		v->first = v->sel - v->page + 1;
	if (v->first + v->page > nrows)
		v->first = nrows > v->page ? nrows - v->page : 0;
}

/* The key at buf (n > 0 bytes); *used says how many bytes it took. */
static int decode(const unsigned char *buf, size_t n, size_t *used)
{
	static const struct {
		const char *seq;
		int key;
	} seqs[] = {
		{ "[A", KEY_UP },    { "[B", KEY_DOWN },  { "[C", KEY_RIGHT }, { "[D", KEY_LEFT },
		{ "[H", KEY_HOME },  { "[F", KEY_END },	  { "OA", KEY_UP },    { "OB", KEY_DOWN },
		{ "OC", KEY_RIGHT }, { "OD", KEY_LEFT },  { "OH", KEY_HOME },  { "OF", KEY_END },
		{ "[5~", KEY_PGUP }, { "[6~", KEY_PGDN }, { "[1~", KEY_HOME }, { "[4~", KEY_END },
		{ "[7~", KEY_HOME }, { "[8~", KEY_END },
	};
	size_t i = 2;

	*used = 1;
	if (buf[0] != KEY_ESC)
		return buf[0];
	if (n == 1 || (buf[1] != '[' && buf[1] != 'O'))
		return KEY_ESC; /* a lone Esc */
	for (size_t k = 0; k < sizeof(seqs) / sizeof(seqs[0]); k++) {
		size_t len = strlen(seqs[k].seq);

		if (len < n && !memcmp(buf + 1, seqs[k].seq, len)) {
			*used = len + 1;
			return seqs[k].key;
		}
	}
	/* CSI parameters then a final byte in 0x40-0x7e: skip the whole sequence */
	while (i < n && (buf[i] < 0x40 || buf[i] > 0x7e))
		i++;
	*used = i < n ? i + 1 : n;
	return KEY_NONE;
}

static int order_index(enum top_col c)
{
	for (int i = 0; i < TOP__COUNT; i++) {
		if (top_col_order[i] == c)
			return i;
	}
	return 0;
}

static bool sort_key(struct top_view *v, int key)
{
	static const struct {
		char key;
		enum top_col col;
	} keys[] = {
		{ 'P', TOP_CPU },	{ 'c', TOP_CPU },	 { 'M', TOP_MEM },
		{ 'T', TOP_TIME },	{ 'N', TOP_PID },	 { 'p', TOP_PID },
		{ 'n', TOP_COMM },	{ 'r', TOP_RUNQ_P99 },	 { 'a', TOP_RUNQ_AVG },
		{ 'd', TOP_DISK_READ }, { 'w', TOP_DISK_WRITE }, { 'i', TOP_DISK_P99 },
		{ 't', TOP_TCP_CONNS }, { 'l', TOP_TCP_RTT },	 { 's', TOP_DNS_QPS },
	};
	int i;

	for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
		if (keys[k].key == key) {
			v->sort = keys[k].col;
			return true;
		}
	}
	if (key != '<' && key != '>')
		return false;
	i = order_index(v->sort) + (key == '>' ? 1 : -1);
	v->sort = top_col_order[(i + TOP__COUNT) % TOP__COUNT];
	return true;
}

static void move_sel(struct top_view *v, int key)
{
	size_t page = v->page ? v->page : 1;

	switch (key) {
	case KEY_UP:
		v->sel -= v->sel > 0;
		break;
	case KEY_DOWN:
		v->sel++;
		break;
	case KEY_PGUP:
		v->sel = v->sel > page ? v->sel - page : 0;
		break;
	case KEY_PGDN:
		v->sel += page;
		break;
	case KEY_HOME:
		v->sel = 0;
		break;
	case KEY_END:
		v->sel = v->nrows ? v->nrows - 1 : 0;
		break;
	}
	top_view__clamp(v, v->nrows, v->page);
}

static void edit_start(struct top_view *v, enum top_mode mode, const char *text)
{
	v->mode = mode;
	snprintf(v->edit, sizeof(v->edit), "%s", text);
}

/* A key on a typed line; true once Enter ends it. digits: only 0-9 go in. */
static bool edit_key(struct top_view *v, int key, bool digits)
{
	size_t n = strlen(v->edit);

	if (key == '\r' || key == '\n')
		return true;
	if ((key == KEY_BS || key == 8) && n)
		v->edit[n - 1] = '\0';
	else if (key >= 0x20 && key < 0x7f && n + 1 < sizeof(v->edit) &&
		 (!digits || (key >= '0' && key <= '9')))
		v->edit[n] = (char)key, v->edit[n + 1] = '\0';
	return false;
}

static void kill_send(struct top_view *v)
{
	if (kill(v->kill_pid, v->kill_sig))
		snprintf(v->msg, sizeof(v->msg), "kill %d: %s", v->kill_pid, strerror(errno));
	else
		snprintf(v->msg, sizeof(v->msg), "sent signal %d to %d", v->kill_sig, v->kill_pid);
}

static void table_key(struct top_view *v, int key)
{
	uint32_t sel = v->pid_at ? v->pid_at(v->pid_ctx, v->sel) : 0;
	char pid[16];

	if (sort_key(v, key))
		return;
	switch (key) {
	case 'q':
		v->quit = true;
		break;
	case '?':
	case 'h':
		v->mode = TOPM_HELP;
		break;
	case '/':
		edit_start(v, TOPM_FILTER, v->filter);
		break;
	case 'F':
		v->mode = TOPM_SORT;
		v->sort_pick = order_index(v->sort);
		break;
	case 'k':
		snprintf(pid, sizeof(pid), "%u", sel);
		edit_start(v, TOPM_KILL_PID, sel ? pid : "");
		v->msg[0] = '\0';
		break;
	default:
		move_sel(v, key);
	}
}

/* The answer to one of k's questions: pid, then signal, then y or n. */
static void kill_key(struct top_view *v, int key)
{
	long n;

	if (v->mode == TOPM_KILL_ASK) {
		if (key == 'y' || key == 'Y')
			kill_send(v);
		else
			snprintf(v->msg, sizeof(v->msg), "not sent");
		v->mode = TOPM_TABLE;
		return;
	}
	if (!edit_key(v, key, true))
		return;
	n = v->edit[0] ? strtol(v->edit, NULL, 10) : 0;
	if (v->mode == TOPM_KILL_PID) {
		if (n <= 0 || n > 4194304) {
			snprintf(v->msg, sizeof(v->msg), "no such pid: '%s'", v->edit);
			v->mode = TOPM_TABLE;
			return;
		}
		v->kill_pid = (int)n;
		edit_start(v, TOPM_KILL_SIG, "15");
		return;
	}
	if (n <= 0 || n >= 65) {
		snprintf(v->msg, sizeof(v->msg), "no such signal: '%s'", v->edit);
		v->mode = TOPM_TABLE;
		return;
	}
	v->kill_sig = (int)n;
	v->mode = TOPM_KILL_ASK;
}

static void apply(struct top_view *v, int key)
{
	switch (v->mode) {
	case TOPM_TABLE:
		table_key(v, key);
		break;
	case TOPM_HELP:
		v->mode = TOPM_TABLE;
		break;
	case TOPM_FILTER:
		if (key == KEY_ESC) {
			v->mode = TOPM_TABLE;
		} else if (edit_key(v, key, false)) {
			snprintf(v->filter, sizeof(v->filter), "%s", v->edit);
			v->mode = TOPM_TABLE;
			v->sel = v->first = 0;
		}
		break;
	case TOPM_SORT:
		if (key == KEY_UP || key == KEY_DOWN)
			v->sort_pick =
				(v->sort_pick + (key == KEY_UP ? TOP__COUNT - 1 : 1)) % TOP__COUNT;
		else if (key == '\r' || key == '\n')
			v->sort = top_col_order[v->sort_pick], v->mode = TOPM_TABLE;
		else if (key == KEY_ESC || key == 'q')
			v->mode = TOPM_TABLE;
		break;
	case TOPM_KILL_PID:
	case TOPM_KILL_SIG:
	case TOPM_KILL_ASK:
		if (key == KEY_ESC) {
			snprintf(v->msg, sizeof(v->msg), "not sent");
			v->mode = TOPM_TABLE;
		} else {
			kill_key(v, key);
		}
		break;
	}
}

bool top_keys__feed(struct top_view *v, const unsigned char *buf, size_t n)
{
	bool any = false;
	size_t used;

	while (n && !v->quit) {
		int key = decode(buf, n, &used);

		buf += used;
		n -= used;
		if (key == KEY_NONE)
			continue;
		apply(v, key);
		any = true;
	}
	return any;
}
