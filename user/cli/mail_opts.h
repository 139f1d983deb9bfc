/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * mail_opts.h: the e-mail options that `vigil serve` (alert notifications) and `vigil report`
 * share: the SMTP server and how to reach it (TLS, AUTH, CA file, timeout), the sender, the
 * recipients, and the spool directory that keeps what could not be delivered yet. Each
 * command puts MAIL_OPTS in its table plus its own name for the recipients (MAIL_OPT_TO:
 * --mail for report, --mail-to for serve), hands the ids to mail_opts__set, and calls
 * mail_opts__check once the command line is read.
 */
#ifndef VIGIL_MAIL_OPTS_H
#define VIGIL_MAIL_OPTS_H

#include <stdbool.h>
#include <stdint.h>

#include "cli/cli.h"

enum mail_opt_id {
	MAIL_OPT_SMTP = 800,
	MAIL_OPT_FROM,
	MAIL_OPT_TO,
	MAIL_OPT_SMTP_USER,
	MAIL_OPT_SMTP_PASSWORD_FILE,
	MAIL_OPT_SMTP_STARTTLS,
	MAIL_OPT_CACERT,
	MAIL_OPT_STATE_DIR,
	MAIL_OPT_SMTP_TIMEOUT,
	MAIL_OPT_SMTP_RETRY_MAX,
	MAIL_OPT_MAX,
};

enum mail_starttls { MAIL_STARTTLS_REQUIRE, MAIL_STARTTLS_TRY, MAIL_STARTTLS_NEVER };

#define MAIL_DEFAULT_TIMEOUT   (30 * 1000000000ULL)
#define MAIL_DEFAULT_RETRY_MAX (300 * 1000000000ULL)
#define MAIL_MAX_PASSWORD      512

struct mail_opts {
	const char *smtp; /* smtp://HOST[:PORT] or smtps://HOST[:PORT] */
	const char *from;
	const char *to; /* ADDR[,ADDR...] */
	const char *user;
	const char *password_file;
	char password[MAIL_MAX_PASSWORD]; /* the file's first line, read by mail_opts__check */
	enum mail_starttls starttls;
	const char *cacert;
	const char *state_dir; /* the spool is STATE_DIR/mail */
	uint64_t timeout_ns;
	uint64_t retry_max_ns; /* the longest wait between two tries of a queued message */
	uint32_t given;	       /* bit id - MAIL_OPT_SMTP: set by mail_opts__set (flag or config) */
};

/* clang-format off */
#define MAIL_OPTS                                                                                  \
	{ "smtp", 0, "URL", MAIL_OPT_SMTP, "smtp://HOST[:PORT] or smtps://HOST[:PORT]",           \
	  "mail through this SMTP server (smtps: TLS from the start)" },                           \
	{ "from", 0, "ADDR", MAIL_OPT_FROM, "an address such as vigil@example.org",               \
	  "the sender of the mail" },                                                              \
	{ "smtp-user", 0, "NAME", MAIL_OPT_SMTP_USER, "a user name",                              \
	  "log in to the SMTP server (AUTH) as NAME" },                                            \
	{ "smtp-password-file", 0, "FILE", MAIL_OPT_SMTP_PASSWORD_FILE,                            \
	  "a readable file whose first line is the password",                                      \
	  "the SMTP password (never on the command line)" },                                       \
	{ "smtp-starttls", 0, "MODE", MAIL_OPT_SMTP_STARTTLS, "require, try or never",            \
	  "smtp://: STARTTLS required (default), used if offered, or never" },                     \
	{ "cacert", 0, "FILE", MAIL_OPT_CACERT, "a PEM file of CA certificates",                  \
	  "trust the SMTP server's certificate if one of these CAs signed it" },                   \
	{ "state-dir", 0, "DIR", MAIL_OPT_STATE_DIR, "a directory vigil may write",               \
	  "keep undelivered mail in DIR/mail and retry it (default /var/lib/vigil)" },             \
	{ "smtp-timeout", 0, "TIME", MAIL_OPT_SMTP_TIMEOUT, "a duration from 1s to 10m",          \
	  "give up one delivery attempt after TIME (default 30s)" },                               \
	{ "smtp-retry-max", 0, "TIME", MAIL_OPT_SMTP_RETRY_MAX, "a duration from 1s to 1d",       \
	  "the longest wait between retries of queued mail (default 5m)" }
/* clang-format on */

void mail_opts__init(struct mail_opts *o);

/* Whether id is one of MAIL_OPTS' (or MAIL_OPT_TO). */
static inline bool mail_opts__owns(int id)
{
	return id >= MAIL_OPT_SMTP && id < MAIL_OPT_MAX;
}

/* Apply option id's value: 0, or -EINVAL/-ERANGE for a bad value. */
int mail_opts__set(struct mail_opts *o, int id, const char *arg);

/* Whether addr is one plain address local@domain (no name, no brackets, no spaces). */
bool mail_addr_ok(const char *addr);

/*
 * After parsing: when any mail option was given, --smtp, --from and the recipients must be;
 * --smtp-user and --smtp-password-file go together (the file is read here); --smtp-starttls
 * means nothing with smtps://. Messages name the flags. 0 (mail configured or not: see
 * mail_opts__enabled), or -EINVAL (exit 2).
 */
int mail_opts__check(const struct cli_cmd *cmd, struct mail_opts *o);

static inline bool mail_opts__enabled(const struct mail_opts *o)
{
	return o->smtp != NULL;
}

/* Whether option id was given, on the command line or in a config file. */
static inline bool mail_opts__given(const struct mail_opts *o, int id)
{
	return o->given & (1u << (id - MAIL_OPT_SMTP));
}

#endif /* VIGIL_MAIL_OPTS_H */
