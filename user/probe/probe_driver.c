// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * probe_driver.c: the run loop of `vigil probe http|tcp|dns` (probe_driver.h): opens the
 * output, writes the table header or starts the records, calls the command's attempt for
 * every target once a run, waits for the next run, then prints each target's summary when
 * there was more than one run. A failed attempt is a line on stderr and exit status 1; an
 * error that stops everything (no library, no memory) is one message naming the command.
 */
#include "probe/probe_driver.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/commands.h"
#include "core/log.h"
#include "core/stop.h"
#include "core/wallclock.h"
#include "export/output.h"
#include "export/rows.h"
#include "probe/probe_curl.h"
#include "probe/probe_kview.h"

/* Every run of every target; 0 when all succeeded, 1 if one did not, -errno to stop. */
static int driver_runs(const struct probe_driver *d, char **targets, int n, struct output *out,
		       struct probe_stats *stats, struct probe_kview *k)
{
	const struct probe_loop *loop = d->loop;
	struct wallclock wc;
	struct rows rows;
	struct probe_attempt_out ao = {
		.table = out->fmt == FMT_TABLE ? out->sink : NULL,
		.rows = out->fmt == FMT_TABLE ? NULL : &rows,
		.wc = &wc,
		.k = k,
	};
	int ret = 0;

	wallclock__init(&wc);
	if (ao.table)
		d->table_header(ao.table);
	else
		rows__begin(&rows, out, d->keys);
	for (uint64_t run = 0; run < loop->count && !stop_is_requested(); run++) {
		uint64_t started = mono_now_ns();

		for (int i = 0; i < n && !stop_is_requested(); i++) {
			struct probe_attempt res = { 0 };
			int err = d->attempt(d->ctx, targets[i], &ao, &res);

			if (err) {
				ret = err;
				goto out_end;
			}
			probe_stats__add(&stats[i], res.ok, res.duration_ns);
			if (!res.ok) {
				fprintf(stderr, "vigil probe %s: %s: %s\n", d->name, targets[i],
					res.error);
				ret = 1;
			}
			sink__flush(out->sink);
		}
		if (run + 1 < loop->count && !probe_loop__wait(loop, started))
			break;
	}
out_end:
	if (!ao.table)
		rows__end(&rows);
	return ret;
}

int probe_driver__run(const struct probe_driver *d, const struct cli_common *common, char **targets,
		      int n)
{
	struct probe_stats *stats = calloc((size_t)n, sizeof(*stats));
	struct probe_kview *k = NULL;
	char cmd[32];
	struct output out;
	int err;

	snprintf(cmd, sizeof(cmd), "probe %s", d->name);
	log_set_level(common->verbose);
	if (!stats || output__open(&out, d->cmd, common, FMT_NDJSON, 0)) {
		free(stats);
		return 1;
	}
	probe_addrs__start(d->addrs, cmd);
	stop_install_handlers();
	if (d->kernel_view)
		k = probe_kview_for(cmd, d->loop->no_kernel);
	err = driver_runs(d, targets, n, &out, stats, k);
	probe_kview__free(k);
	if (err < 0)
		cli_error(d->cmd, "%s%s", err == -ENOSYS ? d->library : strerror(-err),
			  err == -ENOSYS ? " could not be loaded" : "");
	if (d->loop->count > 1) {
		for (int i = 0; i < n; i++)
			probe_stats__print(&stats[i], d->name, targets[i],
					   out.fmt == FMT_TABLE ? out.sink : NULL);
	}
	free(stats);
	return output__close(&out) || err ? 1 : 0;
}
