// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * fuzz_mail_spool.c: libFuzzer target for the mail spool's file reader (mail_spool__decode):
 * a spool directory is written by vigil but read back after crashes and by whoever can write
 * there. Any bytes must be refused or read; what is read must hold only valid header values
 * and part names, and encode back to bytes that decode to the same message.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mail/mail_spool.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mail_buf b = { 0 };
	struct mail_msg m, back;

	if (mail_spool__decode((const char *)data, size, &m))
		return 0;
	if (!mail_header_ok(m.message_id) || !mail_header_ok(m.from) || !mail_header_ok(m.to) ||
	    !mail_header_ok(m.subject) || !mail_header_ok(m.date) || m.nparts > MAIL_MAX_PARTS)
		abort();
	for (int i = 0; i < m.nparts; i++) {
		if (!mail_header_ok(m.parts[i].name) || strpbrk(m.parts[i].name, " /\"<>") ||
		    !strchr(m.parts[i].type, '/'))
			abort();
	}
	if (mail_spool__encode(&m, &b) || mail_spool__decode(b.data, b.len, &back))
		abort();
	if (strcmp(m.message_id, back.message_id) || m.nparts != back.nparts ||
	    m.text.len != back.text.len || m.html.len != back.html.len)
		abort();
	mail_msg__free(&back);
	mail_msg__free(&m);
	mail_buf__free(&b);
	return 0;
}
