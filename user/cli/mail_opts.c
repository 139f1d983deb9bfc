// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * mail_opts.c: parsing and checking the shared e-mail options (mail_opts.h). Values are
 * checked as they come (URL scheme, addresses, durations); what depends on several options
 * (a server without a sender, a user without a password) once the command line is read.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli/mail_opts.h"
#include "cli/parse.h"

void mail_opts__init(struct mail_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->state_dir = "/var/lib/vigil";
	o->timeout_ns = MAIL_DEFAULT_TIMEOUT;
	o->retry_max_ns = MAIL_DEFAULT_RETRY_MAX;
}

bool mail_addr_ok(const char *addr)
{
	const char *at = strrchr(addr, '@');

	if (!at || at == addr || !at[1] || strlen(addr) > 254)
		return false;
	for (const char *s = addr; *s; s++) {
		if ((unsigned char)*s <= ' ' || (unsigned char)*s >= 0x7f ||
		    strchr("<>,;()[]\\\"", *s))
			return false;
	}
	return true;
}

static bool addr_list_ok(const char *list)
{
	char addr[256];

	for (const char *s = list;;) {
		size_t n = strcspn(s, ",");

		if (n >= sizeof(addr))
			return false;
		memcpy(addr, s, n);
		addr[n] = '\0';
		if (!mail_addr_ok(addr))
			return false;
		if (!s[n])
			return true;
		s += n + 1;
	}
}

static int duration_in(const char *arg, uint64_t lo, uint64_t hi, uint64_t *out)
{
	int err = parse_duration(arg, NSEC_PER_SEC, out);

	if (err)
		return err;
	return *out < lo || *out > hi ? -ERANGE : 0;
}

static int mail_opts__apply(struct mail_opts *o, int id, const char *arg)
{
	static const char *const tls[] = { "require", "try", "never", NULL };
	int i;

	switch (id) {
	case MAIL_OPT_SMTP:
		if (strncmp(arg, "smtp://", 7) && strncmp(arg, "smtps://", 8))
			return -EINVAL;
		if (!arg[arg[4] == 's' ? 8 : 7] || strpbrk(arg, " \r\n"))
			return -EINVAL;
		o->smtp = arg;
		return 0;
	case MAIL_OPT_FROM:
		if (!mail_addr_ok(arg))
			return -EINVAL;
		o->from = arg;
		return 0;
	case MAIL_OPT_TO:
		if (!addr_list_ok(arg))
			return -EINVAL;
		o->to = arg;
		return 0;
	case MAIL_OPT_SMTP_USER:
		if (!*arg || strpbrk(arg, "\r\n"))
			return -EINVAL;
		o->user = arg;
		return 0;
	case MAIL_OPT_SMTP_PASSWORD_FILE:
		o->password_file = arg;
		return *arg ? 0 : -EINVAL;
	case MAIL_OPT_SMTP_STARTTLS:
		i = parse_choice(arg, tls);
		if (i < 0)
			return i;
		o->starttls = (enum mail_starttls)i;
		return 0;
	case MAIL_OPT_CACERT:
		o->cacert = arg;
		return *arg ? 0 : -EINVAL;
	case MAIL_OPT_STATE_DIR:
		o->state_dir = arg;
		return *arg ? 0 : -EINVAL;
	case MAIL_OPT_SMTP_TIMEOUT:
		return duration_in(arg, NSEC_PER_SEC, 600 * NSEC_PER_SEC, &o->timeout_ns);
	case MAIL_OPT_SMTP_RETRY_MAX:
		return duration_in(arg, NSEC_PER_SEC, 86400 * NSEC_PER_SEC, &o->retry_max_ns);
	}
	return -EINVAL;
}

int mail_opts__set(struct mail_opts *o, int id, const char *arg)
{
	int err = mail_opts__apply(o, id, arg);

	if (!err && mail_opts__owns(id))
		o->given |= 1u << (id - MAIL_OPT_SMTP);
	return err;
}

static int read_password(const struct cli_cmd *cmd, struct mail_opts *o)
{
	FILE *f = fopen(o->password_file, "re");
	size_t n;

	if (!f) {
		cli_error(cmd, "--smtp-password-file: cannot read %s: %s", o->password_file,
			  strerror(errno));
		return -EINVAL;
	}
	if (!fgets(o->password, sizeof(o->password), f))
		o->password[0] = '\0';
	fclose(f);
	n = strcspn(o->password, "\r\n");
	if (!n || n == sizeof(o->password) - 1) {
		cli_error(cmd,
			  "--smtp-password-file: %s: the first line must be the password "
			  "(1 to %d bytes)",
			  o->password_file, MAIL_MAX_PASSWORD - 2);
		return -EINVAL;
	}
	o->password[n] = '\0';
	return 0;
}

static const char *opt_name(const struct cli_cmd *cmd, int id)
{
	for (const struct cli_opt *opt = cmd->opts; opt && opt->name; opt++) {
		if (opt->id == id)
			return opt->name;
	}
	return "?";
}

int mail_opts__check(const struct cli_cmd *cmd, struct mail_opts *o)
{
	static const int needed[] = { MAIL_OPT_SMTP, MAIL_OPT_FROM, MAIL_OPT_TO };
	int given = -1;

	for (int id = MAIL_OPT_SMTP; id < MAIL_OPT_MAX && given < 0; id++)
		given = mail_opts__given(o, id) ? id : -1;
	if (given < 0)
		return 0;
	for (size_t i = 0; i < sizeof(needed) / sizeof(needed[0]); i++) {
		if (mail_opts__given(o, needed[i]))
			continue;
		cli_error(cmd, "--%s: sending mail needs --%s, --%s and --%s; --%s is missing",
			  opt_name(cmd, given), opt_name(cmd, MAIL_OPT_SMTP),
			  opt_name(cmd, MAIL_OPT_FROM), opt_name(cmd, MAIL_OPT_TO),
			  opt_name(cmd, needed[i]));
		return -EINVAL;
	}
	if (!o->user != !o->password_file) {
		cli_error(cmd, "--smtp-user and --smtp-password-file go together");
		return -EINVAL;
	}
	if (!strncmp(o->smtp, "smtps://", 8) && mail_opts__given(o, MAIL_OPT_SMTP_STARTTLS)) {
		cli_error(cmd, "--smtp-starttls does nothing with smtps:// (TLS from the start)");
		return -EINVAL;
	}
	return o->password_file ? read_password(cmd, o) : 0;
}
