// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * output_report.c: the one-line account a trace prints when it ends: records per kind, drops
 * per reason, a write failure and the records it lost, unmatched events. It reads the
 * session, so it belongs to the tracer module of the build.
 */
#include "export/output.h"

#include <stdio.h>
#include <string.h>

#include "core/session.h"

/*
 * "; 12 unmatched (not losses): started_before_trace=9 start_not_seen=3": end events whose
 * start came before the trace or was never shown by the kernel, apart from the drops.
 */
static void output__report_unmatched(const struct session *s)
{
	uint64_t n = 0;

	for (int r = 0; r < TRACER_UNMATCHED_REASONS; r++)
		n += session__unmatched_total(s, r);
	if (!n)
		return;
	fprintf(stderr, "; %llu unmatched (not losses):", (unsigned long long)n);
	for (int r = 0; r < TRACER_UNMATCHED_REASONS; r++) {
		uint64_t k = session__unmatched_total(s, r);

		if (k)
			fprintf(stderr, " %s=%llu", unmatched_reason_names[r],
				(unsigned long long)k);
	}
}

/* What the subsystems add to the account ("; dns: 2 malformed packets, 1 timeout"). */
static void output__report_tracers(const struct session *s)
{
	for (int i = 0; i < s->ntracers; i++) {
		char buf[160] = "";

		if (!s->tracers[i] || !s->tracers[i]->ops)
			continue; /* a session being built (the unit tests make such) */
		if (s->tracers[i]->ops->report)
			s->tracers[i]->ops->report(s->tracers[i]->skel, buf, sizeof(buf));
		if (buf[0])
			fprintf(stderr, "; %s", buf);
	}
}

void output__report(struct output *o, const struct session *s)
{
	const struct consumer *c = &s->consumer;
	uint64_t total = 0, lost = 0;

	for (unsigned int k = 0; k < VK_MAX; k++) {
		if (k != VK_DROPS)
			total += c->records[k];
	}
	fprintf(stderr, "vigil %s: ", o->cmd->name);
	if (total)
		fprintf(stderr, "%llu %s", (unsigned long long)total,
			total == 1 ? "record" : "records");
	for (unsigned int k = 0; k < VK_MAX; k++) {
		uint64_t mask, n = 0;

		if (!c->records[k] || k == VK_DROPS)
			continue;
		/* kinds sharing a name (`sample`, one per subsystem) are counted as one */
		mask = vkind__mask_by_name(vkind__desc(k)->name);
		for (unsigned int j = 0; j < k && n != UINT64_MAX; j++)
			n = (mask & (1ULL << j)) && c->records[j] ? UINT64_MAX : 0;
		if (n == UINT64_MAX)
			continue; /* printed with the first kind of its name */
		for (unsigned int j = k; j < VK_MAX; j++)
			n += (mask & (1ULL << j)) ? c->records[j] : 0;
		fprintf(stderr, ", %s %llu", vkind__desc(k)->name, (unsigned long long)n);
	}
	for (int r = 0; r < TRACER_DROP_REASONS; r++)
		lost += session__drops_total(s, r);
	if (o->ex)
		sink__flush(o->sink); /* what is still buffered: a write error shows now */
	if (o->sink && sink__error(o->sink)) {
		bool counted = o->ex; /* records are counted where an exporter marks them */

		/* cut and seal the file now: sealing can lose the last write too */
		output__end(o);
		/* never "no drops" once records could not be written */
		fprintf(stderr, "%sWRITE FAILED (%s)", total ? "; " : "",
			strerror(-sink__error(o->sink)));
		if (counted)
			fprintf(stderr, ": %llu %s lost", (unsigned long long)sink__lost(o->sink),
				sink__lost(o->sink) == 1 ? "record" : "records");
		total = 1;
		if (!lost && !c->bad_records) {
			fputc('\n', stderr);
			return;
		}
	}
	if (!lost && !c->bad_records) {
		fprintf(stderr, "%sno drops", total ? "; " : "");
		output__report_unmatched(s);
		output__report_tracers(s);
		fputc('\n', stderr);
		return;
	}
	fprintf(stderr, "%sDROPPED", total ? "; " : "");
	for (int r = 0; r < TRACER_DROP_REASONS; r++) {
		uint64_t n = session__drops_total(s, r);

		if (n)
			fprintf(stderr, " %s=%llu", drop_reason_names[r], (unsigned long long)n);
	}
	if (c->bad_records)
		fprintf(stderr, " malformed=%llu", (unsigned long long)c->bad_records);
	output__report_unmatched(s);
	output__report_tracers(s);
	fputc('\n', stderr);
}
