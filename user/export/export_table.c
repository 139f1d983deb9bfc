// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * export_table.c: a human-readable stream. Fixed columns (time of day, kind, pid, tid, comm)
 * then the kind's other fields as key=value, so mixed kinds still line up.
 */
#include "export/export.h"

#include "export/escape.h"

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

	if (!kind_has(d, f) || vrow__is_null(row, f)) {
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

		if (field_is_fixed(f))
			continue;
		sink__puts(s, vf_descs[f].name);
		sink__putc(s, '=');
		if (vf_descs[f].type == VT_STR && !vrow__is_null(row, f))
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
