/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * mail_msg.h: one e-mail as vigil composes it, before MIME: the envelope (From, To), the
 * headers it sets (Subject, Date, a Message-ID), a plain-text and an HTML body, and parts:
 * inline images the HTML names by Content-ID, and attachments. It is what the spool keeps
 * (mail_spool.h) and what mail_msg__mime() turns into libcurl's MIME tree to be sent; the
 * Message-ID is fixed once composed, so a message sent again from the spool keeps it.
 */
#ifndef VIGIL_MAIL_MSG_H
#define VIGIL_MAIL_MSG_H

#include <stdbool.h>
#include <stddef.h>
#include <curl/curl.h>

#include "alert/notifier.h"
#include "mail/mail_buf.h"

#define MAIL_MAX_PARTS 24
#define MAIL_LINE_MAX  998 /* RFC 5322's limit on a header line */

struct mail_part {
	bool is_inline; /* an image the HTML shows (Content-ID: <name>), else an attachment */
	char *type;	/* "image/png", "text/csv" */
	char *name;	/* the file name, and for an inline part its Content-ID */
	struct mail_buf data;
};

struct mail_msg {
	char *message_id; /* without the angle brackets: "vigil.1f2e...@host" */
	char *from;
	char *to; /* recipients, comma-separated */
	char *subject;
	char *date; /* RFC 5322: "Sat, 05 Dec 2026 07:42:54 +0000" */
	struct mail_buf text;
	struct mail_buf html;
	struct mail_part parts[MAIL_MAX_PARTS];
	int nparts;
};

/* Whether s is one header value: non-empty, printable, no CR or LF, at most MAIL_LINE_MAX. */
bool mail_header_ok(const char *s);

/* Set a string field (strdup): 0, -EINVAL (not a header value) or -ENOMEM. */
int mail_msg__set(char **field, const char *value);

/* Add a part (data copied). 0, -ENOSPC (MAIL_MAX_PARTS), -EINVAL (bad name/type), -ENOMEM. */
int mail_msg__add_part(struct mail_msg *m, bool is_inline, const char *type, const char *name,
		       const void *data, size_t len);

/* The RFC 5322 date of unix time t, in UTC. */
void mail_date(char *buf, size_t len, double t);

/*
 * The Message-ID (without brackets) of notification n: a hash of what makes it this
 * notification (group, status, each alert's fingerprint, status, start and end), so that the
 * same notification composed again after a crash carries the same id.
 */
void mail_message_id(char *buf, size_t len, const struct notification *n);

/*
 * Compose the message for notification n from from to to: subject, text and HTML, one chart
 * per alert (MAIL_CHART_W x MAIL_CHART_H, when cairo is there), the CSV records and flame
 * graph SVG as attachments. now: unix seconds for the Date. 0 or a negative errno.
 */
int mail_msg__compose(struct mail_msg *m, const struct notification *n, const char *from,
		      const char *to, double now);

void mail_msg__free(struct mail_msg *m);

/*
 * libcurl's side of m, for an easy handle that will send it: the MIME tree (*mime,
 * multipart/mixed of a multipart/alternative of text/plain and multipart/related of text/html
 * and the inline images, then the attachments) and the header list (*headers: From, To,
 * Subject, Date, Message-ID). The caller frees both after the transfer. 0 or -ENOMEM.
 */
int mail_msg__mime(const struct mail_msg *m, CURL *curl, curl_mime **mime,
		   struct curl_slist **headers);

#endif /* VIGIL_MAIL_MSG_H */
