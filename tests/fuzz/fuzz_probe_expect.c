// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * fuzz_probe_expect.c: libFuzzer target for the probes' --expect parsers: --expect-status's
 * lists of codes, classes and ranges, and the DNS probe's --expect value sets. Any input is
 * accepted or refused cleanly; a refused input leaves the set unchanged; an accepted status
 * set holds only codes 100..599, and an accepted value set equals itself; --send's escapes
 * never write past their buffer; a DNS name accepted fits its buffer.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "probe/probe_dns.h"
#include "probe/probe_expect.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct probe_value_set vs, before_vs;
	struct probe_status_set ss = { 0 }, before;
	char *s = malloc(size + 1);

	memcpy(s, data, size);
	s[size] = '\0';
	before = ss;
	if (probe_status_set__parse(&ss, s)) {
		if (memcmp(&before, &ss, sizeof(ss)))
			abort();
	} else {
		for (long st = 0; st < 700; st++) {
			if (probe_status_set__has(&ss, st) && (st < 100 || st > 599))
				abort();
		}
	}
	memset(&vs, 0, sizeof(vs));
	before_vs = vs;
	if (probe_value_set__parse(&vs, s)) {
		if (memcmp(&before_vs, &vs, sizeof(vs)))
			abort();
	} else if (!probe_value_set__equals(&vs, vs.v, vs.n)) {
		abort();
	}
	{
		char out[64];
		size_t n = 0;

		if (!probe_unescape(s, out, sizeof(out), &n) && n > sizeof(out))
			abort();
	}
	{
		char q[PROBE_DNS_NAME_LEN];

		if (!probe_dns_qname(s, 12 /* PTR */, q, sizeof(q)) && strlen(q) >= sizeof(q))
			abort();
	}
	free(s);
	return 0;
}
