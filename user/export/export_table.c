// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * export_table.c: a human-readable stream. Fixed columns (time of day, kind, pid, tid, comm)
 * then the kind's other fields as key=value, so mixed kinds still line up. Durations (fields
 * ending in _ns or _us) print with their unit under the name without it (latency=25.8µs) and
 * byte counts as bytes2human (read_bytes=4.0K); CSV and JSON keep the raw units.
 */
#include "export/export.h"

#include <stdio.h>
#include <string.h>

#include "export/escape.h"
#include "export/human.h"
#include "fallback.h"

static const enum vfield fixed[] = { VF_PID, VF_TID, VF_COMM };

static bool field_is_fixed(enum vfield f)
{
	for (unsigned int i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++) {
		if (fixed[i] == f)
			return true;
	}
	return false;
}

static bool kind_has(const struct vkind_desc *d, enum vfield f)
{
	for (int i = 0; i < d->nfields; i++) {
		if (d->fields[i] == f)
			return true;
	}
	return false;
}

static void table_begin(struct exporter *ex)
{
	sink__printf(ex->sink, "%-15s %-14s %7s %7s %-16s %s\n", "TIME", "KIND", "PID", "TID",
		     "COMM", "DETAILS");
}

static void table_cell(struct exporter *ex, const struct vkind_desc *d, const struct vrow *row,
		       enum vfield f, int width)
{
	struct sink *s = ex->sink;
	int w = width < 0 ? -width : width;
	char buf[ESC_MAX_PER_BYTE * 16 + 1];

	if (!kind_has(d, f) || vrow__lacks(row, f)) {
		sink__printf(s, "%*s ", width, "-");
		return;
	}
	if (vf_descs[f].type == VT_STR) {
		/* comm: control bytes escaped (escape.h), so a hostile name cannot drive the tty */
		size_t max = (size_t)vf_descs[f].maxlen < (size_t)w ? (size_t)vf_descs[f].maxlen
								    : (size_t)w;

		esc_str(buf, sizeof(buf), row->v[f].str, max);
		sink__printf(s, "%-*s ", w, buf);
		return;
	}
	sink__printf(s, "%*llu ", width, (unsigned long long)row->v[f].u);
}

/* A duration or a byte count as people read it ("latency=25.8µs "); false: not one. */
static bool human_field(struct sink *s, const struct vrow *row, enum vfield f)
{
	const char *name = vf_descs[f].name;
	size_t n = strlen(name);
	char buf[HUMAN_DUR_LEN], out[HUMAN_DUR_LEN];
	size_t j = 0;

	if (vf_descs[f].type != VT_U64 || vrow__is_null(row, f))
		return false;
	if (n > 3 && (!strcmp(name + n - 3, "_ns") || !strcmp(name + n - 3, "_us"))) {
		human_duration(row->v[f].u * (name[n - 2] == 'u' ? 1000 : 1), buf, sizeof(buf));
		for (size_t i = 0; buf[i]; i++) /* one token: no space before the unit */
			if (buf[i] != ' ')
				out[j++] = buf[i];
		out[j] = '\0';
		sink__printf(s, "%.*s=%s ", (int)(n - 3), name, out);
		return true;
	}
	if (strstr(name, "bytes")) {
		fb_bytes2human(row->v[f].u, buf, sizeof(buf));
		sink__printf(s, "%s=%s ", name, buf);
		return true;
	}
	return false;
}

/*
 * The fields a flag fills (--with-cgroup, --resolve), while unset: not shown, as they say
 * nothing (CSV and JSON keep them, as null, for their fixed columns).
 */
static bool field_is_unasked(const struct vrow *row, enum vfield f)
{
	return (f == VF_CGROUP || f == VF_CONTAINER || f == VF_UNIT || f == VF_RNAME) &&
	       vrow__lacks(row, f);
}

static void table_row(struct exporter *ex, const struct vrow *row)
{
	const struct vkind_desc *d = vkind__desc(row->kind);
	struct sink *s = ex->sink;
	char when[WALLCLOCK_LEN];

	wallclock__format(&ex->clock, row->ts_ns, when);
	sink__printf(s, "%.15s %-14s ", when + 11, d->name);
	table_cell(ex, d, row, VF_PID, 7);
	table_cell(ex, d, row, VF_TID, 7);
	table_cell(ex, d, row, VF_COMM, -16);
	for (int i = 0; i < d->nfields; i++) {
		enum vfield f = d->fields[i];

		if (field_is_fixed(f) || field_is_unasked(row, f))
			continue;
		if (human_field(s, row, f))
			continue;
		sink__puts(s, vf_descs[f].name);
		sink__putc(s, '=');
		if (vf_descs[f].type == VT_STR && !vrow__lacks(row, f))
			esc_write(s, row->v[f].str, vf_descs[f].maxlen);
		else
			export_write_field(s, row, f, false);
		sink__putc(s, ' ');
	}
	sink__end_line(s);
}

static void table_end(struct exporter *ex)
{
	(void)ex;
}

const struct exporter_ops export_table_ops = { table_begin, table_row, table_end };
