// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * output.c: opening and closing a command's output (output_report.c accounts for a trace's).
 */
#include "export/output.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int output__open(struct output *o, const struct cli_cmd *cmd, const struct cli_common *c,
		 enum out_format stream_default, uint64_t kinds)
{
	memset(o, 0, sizeof(*o));
	o->cmd = cmd;
	o->fmt = cli_format(c, isatty(STDOUT_FILENO), stream_default);
	o->sink = sink__open(c->output);
	if (!o->sink) {
		cli_error(cmd, "--output: cannot open '%s': %s", c->output, strerror(errno));
		return -errno;
	}
	if (!kinds)
		return 0;
	o->ex = exporter__new(o->fmt, o->sink, kinds);
	if (!o->ex) {
		int err = -errno;

		sink__close(o->sink);
		o->sink = NULL;
		return err;
	}
	return 0;
}

int output__end(struct output *o)
{
	exporter__free(o->ex);
	o->ex = NULL;
	return sink__finish(o->sink);
}

int output__close(struct output *o)
{
	const char *path;
	uint64_t lost;
	int err;

	if (!o->sink)
		return 0;
	path = o->sink->path;
	err = output__end(o);
	lost = sink__lost(o->sink);
	sink__close(o->sink);
	o->sink = NULL;
	if (err == -EPIPE && !strcmp(path, "-"))
		return 0; /* the reader left (vigil ... | head): not an error, as for any filter */
	if (err && lost)
		cli_error(o->cmd,
			  "writing %s: %s; %llu %s lost, the file ends at the last "
			  "whole one",
			  strcmp(path, "-") ? path : "stdout", strerror(-err),
			  (unsigned long long)lost, lost == 1 ? "record" : "records");
	else if (err)
		cli_error(o->cmd, "writing %s: %s", strcmp(path, "-") ? path : "stdout",
			  strerror(-err));
	return err;
}
