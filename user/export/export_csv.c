// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * export_csv.c: RFC 4180 CSV. One header row (time, ts_ns, kind, source, schema, then the
 * union of the stream's columns); a row leaves the columns its kind does not have empty.
 */
#include "export/export.h"

static void csv_begin(struct exporter *ex)
{
	sink__puts(ex->sink, "time,ts_ns,kind,source,schema");
	for (int i = 0; i < ex->ncols; i++) {
		sink__putc(ex->sink, ',');
		sink__puts(ex->sink, vf_descs[ex->cols[i]].name);
	}
	sink__write(ex->sink, "\r\n", 2);
}

static void csv_row(struct exporter *ex, const struct vrow *row)
{
	const struct vkind_desc *d = vkind__desc(row->kind);
	struct sink *s = ex->sink;
	const struct vf_set *has = &ex->kind_fields[row->kind];
	char when[WALLCLOCK_LEN];

	wallclock__format(&ex->clock, row->ts_ns, when);
	sink__write(s, when, WALLCLOCK_LEN - 1);
	sink__putc(s, ',');
	sink__u64(s, row->ts_ns);
	sink__putc(s, ',');
	sink__puts(s, d->name);
	sink__putc(s, ',');
	sink__puts(s, row->source);
	sink__putc(s, ',');
	sink__u64(s, VREC_SCHEMA);
	for (int i = 0; i < ex->ncols; i++) {
		sink__putc(s, ',');
		if (vf_set__has(has, ex->cols[i]))
			export_write_field(s, row, ex->cols[i], false);
	}
	sink__write(s, "\r\n", 2);
}

static void csv_end(struct exporter *ex)
{
	(void)ex;
}

const struct exporter_ops export_csv_ops = { csv_begin, csv_row, csv_end };
