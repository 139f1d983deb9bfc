// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * fuzz_alert_expr.c: libFuzzer target for the alert rules' condition language (alert/
 * alert_expr.h) and the annotation templates: any bytes are parsed or refused with a reason
 * and an offset inside the input, never crash, leak or read out of bounds; an accepted
 * condition evaluates against a series without fault, and a template expands.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "alert/alert_expr.h"
#include "alert/alert_rules.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const labels[] = { "mount", "/", "name", "x", NULL };
	struct alert_series s = { .nlabels = 1, .v = 42 };
	struct alert_expr e;
	char why[256], *text = malloc(size + 1), *out;
	size_t off;

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = 0;
	strcpy(s.key[0], "mount");
	strcpy(s.val[0], "/");
	if (alert_expr__parse(&e, text, &off, why, sizeof(why))) {
		if (!why[0] || off > strlen(text))
			__builtin_trap(); /* a refusal says why, and where inside the text */
	} else {
		alert_expr__matches(&e, &s);
		alert_expr__compare(&e, s.v);
	}
	alert_expr__fini(&e);
	if (!alert_template__check(text, &off, why, sizeof(why))) {
		out = alert_template__expand(text, labels, 1.5);
		free(out);
	} else if (off > strlen(text)) {
		__builtin_trap();
	}
	free(text);
	return 0;
}
