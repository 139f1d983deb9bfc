/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * mail_buf.h: a growable byte buffer, the one container of the mail code: a PNG as cairo
 * writes it, a message's text and HTML parts as they are composed, a spool file as it is read.
 * Always NUL-terminated past len, so text can be handed on as a C string.
 */
#ifndef VIGIL_MAIL_BUF_H
#define VIGIL_MAIL_BUF_H

#include <stddef.h>

#include "port.h"

struct mail_buf {
	char *data;
	size_t len;
	size_t cap;
};

/* 0 or -ENOMEM (the buffer is then unchanged). */
int mail_buf__append(struct mail_buf *b, const void *p, size_t n);
int mail_buf__printf(struct mail_buf *b, const char *fmt, ...) PORT_PRINTF(2, 3);
/* Append s with &, <, >, " escaped for HTML. */
int mail_buf__html(struct mail_buf *b, const char *s);
void mail_buf__free(struct mail_buf *b);

#endif /* VIGIL_MAIL_BUF_H */
