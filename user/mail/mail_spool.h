/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * mail_spool.h: messages kept on disk until the SMTP server accepts them, one file per
 * message in DIR, named by its Message-ID. A file is written whole or not at all (a temporary
 * name, fsync, rename, fsync of the directory), so a crash leaves either the old state or the
 * new. The format is vigil's own: a "vigil-mail 1" line, header lines (id, from, to, subject,
 * date), then sections "NAME LEN" followed by LEN raw bytes and a newline (text, html, and
 * "inline TYPE NAME" / "attach TYPE NAME" parts), then "end".
 */
#ifndef VIGIL_MAIL_SPOOL_H
#define VIGIL_MAIL_SPOOL_H

#include <stddef.h>

#include "mail/mail_msg.h"

#define MAIL_SPOOL_MAX (64u << 20) /* a spool file larger than this is refused */

/* Encode m in the spool format into b. 0 or -ENOMEM. */
int mail_spool__encode(const struct mail_msg *m, struct mail_buf *b);

/* Decode a spool file's bytes into m (zeroed first; freed on error). 0 or -EINVAL. */
int mail_spool__decode(const char *data, size_t len, struct mail_msg *m);

/* The file name of message id: the id with any character but [A-Za-z0-9._@-] as '_', ".msg". */
void mail_spool__name(char *buf, size_t len, const char *id);

/* Create dir (and its parents) with mode 0700 if missing. 0 or a negative errno (logged). */
int mail_spool__mkdir(const char *dir);

/* Write m into dir durably. path (may be NULL) gets the file's path. 0 or a negative errno. */
int mail_spool__write(const char *dir, const struct mail_msg *m, char *path, size_t len);

/* Read the spool file path into m. 0, -ENOENT, -EINVAL (not a spool file) or another errno. */
int mail_spool__read(const char *path, struct mail_msg *m);

/* Remove a delivered message's file, durably. 0 or a negative errno. */
int mail_spool__remove(const char *path);

/*
 * The spool's messages: the paths of the *.msg files of dir, sorted (malloc'd array of
 * malloc'd strings in *paths), after removing the temporary files a crash left. The count, or
 * a negative errno.
 */
int mail_spool__list(const char *dir, char ***paths);

#endif /* VIGIL_MAIL_SPOOL_H */
