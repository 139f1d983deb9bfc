/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * mail_smtp.h: one delivery attempt of a message over SMTP, by libcurl (dl/curl_dl.c): no
 * SMTP of vigil's own. smtp:// upgrades with STARTTLS as --smtp-starttls says, smtps:// is TLS
 * from the start; the server's certificate is verified (against --cacert when given), AUTH
 * uses --smtp-user and the password file's password. Success means the server answered 250 to
 * the end of DATA: it has taken the message.
 */
#ifndef VIGIL_MAIL_SMTP_H
#define VIGIL_MAIL_SMTP_H

#include <stddef.h>

#include "cli/mail_opts.h"
#include "mail/mail_msg.h"

enum mail_smtp_result {
	MAIL_SMTP_SENT = 0,
	MAIL_SMTP_RETRY,    /* the server is down, busy or refused (4xx/5xx): try again later */
	MAIL_SMTP_AUTH_TLS, /* login refused or TLS failed: a configuration to fix */
};

/*
 * Send m as o says. why gets "SERVER: REASON" when it was not sent, and *cause a number that
 * is the same for the same failure (libcurl's code and the server's reply), to log it once.
 */
enum mail_smtp_result mail_smtp__send(const struct mail_opts *o, const struct mail_msg *m,
				      char *why, size_t len, long *cause);

#endif /* VIGIL_MAIL_SMTP_H */
