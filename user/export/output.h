/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * output.h: a command's output, opened from its --output and --format flags: the sink, and
 * for record streams the exporter over it. Closing reports a failed write (a full disk, a
 * closed pipe) by name, so no command loses data without saying so.
 */
#ifndef VIGIL_OUTPUT_H
#define VIGIL_OUTPUT_H

#include <stdint.h>

#include "cli/cli.h"
#include "export/export.h"
#include "export/sink.h"

struct session;

struct output {
	const struct cli_cmd *cmd;
	struct sink *sink;
	struct exporter *ex; /* NULL when the command formats its own output */
	enum out_format fmt;
};

/* Open the sink; with kinds != 0 also an exporter for those record kinds. 0 or -errno. */
int output__open(struct output *o, const struct cli_cmd *cmd, const struct cli_common *c,
		 enum out_format stream_default, uint64_t kinds);

/* One line on stderr: records per kind and drops per reason. */
void output__report(struct output *o, const struct session *s);

/*
 * End the document (the exporter's closing bracket) and the sink: after a write error the file
 * is cut back to its last whole record and sealed here, so sink__lost() is final. The sink
 * stays open for output__close(). 0 or the sink's error.
 */
int output__end(struct output *o);

/* End the document and close the sink; 0, or -errno after saying what failed. */
int output__close(struct output *o);

#endif /* VIGIL_OUTPUT_H */
