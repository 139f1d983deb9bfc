// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * cmd_fleet.c: `vigil fleet`: one command on many hosts over SSH (libssh), in parallel.
 * `--run 'CMD'` is fabric's run: each host's output lines prefixed by the host, as they
 * come. `-- COMMAND [ARGS]` runs vigil COMMAND on every host (vigil on the host's PATH,
 * --vigil PATH, or this binary copied over with --install), asks it for the format fleet
 * merges, and prints one output in which every row says its host; --merge adds the hosts'
 * histograms up. Every run ends with a summary on stderr: each host ok, failed (why) or
 * timed out; the exit status is 1 if any host did not end ok.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/parse.h"
#include "core/log.h"
#include "core/stop.h"
#include "export/escape.h"
#include "export/json.h"
#include "export/output.h"
#include "fallback.h"
#include "fleet/fleet.h"
#include "fleet/fleet_merge.h"

enum {
	OPT_HOSTS = CLI_COMMON_MAX,
	OPT_HOSTSFILE,
	OPT_PARALLEL,
	OPT_IDENTITY,
	OPT_USER,
	OPT_PORT,
	OPT_KNOWN_HOSTS,
	OPT_SSH_CONFIG,
	OPT_JUMP,
	OPT_CONNECT_TIMEOUT,
	OPT_TIMEOUT,
	OPT_RUN,
	OPT_VIGIL,
	OPT_INSTALL,
	OPT_MERGE,
	OPT_OUTPUT_DIR,
};

#define FLEET_OUT_MAX  (256u << 20) /* bytes kept of one host's output */
#define FLEET_LINE_MAX (64u << 10)  /* bytes of a streamed line held back for its end */

struct fleet_args {
	struct fleet_hosts hosts;
	struct fleet_opts o;
	const char *run;
	const char *vigil;
	const char *output_dir;
	bool install, merge;
	int hostsfile_err; /* a -F that could not be read: said after parsing */
};

/* One host's output as it arrives: kept whole (for merging) or passed on line by line. */
struct fleet_buf {
	char *v;
	size_t len, cap;
	bool cut; /* more than FLEET_OUT_MAX came */
};

struct fleet_host_io {
	struct fleet_buf out, err; /* kept output; err also the partial line of stderr */
	struct fleet_buf line;	   /* the partial line of stdout, when streaming */
};

struct fleet_ctx {
	const struct fleet_hosts *hosts;
	struct fleet_host_io *io;
	struct sink *sink;     /* streaming: where stdout lines go */
	struct sink *err_sink; /* and stderr lines */
	bool out_tty, err_tty; /* escape control bytes for a terminal */
	bool stream;	       /* --run as it comes; else kept for the end */
	bool records;	       /* --run -f: stdout and stderr kept whole, for one record per host */
	pthread_mutex_t lock;
};

static const struct cli_opt fleet_opts[] = {
	CLI_OPT_FORMAT,
	CLI_OPT_OUTPUT,
	{ "hosts", 'H', "HOST[,HOST]", OPT_HOSTS, "[USER@]HOST[:PORT] separated by commas",
	  "the hosts (names, addresses or ~/.ssh/config aliases)" },
	{ "hosts-file", 'F', "FILE", OPT_HOSTSFILE,
	  "a file of [USER@]HOST[:PORT] [USER], one a line",
	  "the hosts, one a line ('#' starts a comment), as pssh -h reads them" },
	{ "parallel", 'j', "N", OPT_PARALLEL, "a number from 1 to 1024",
	  "hosts worked on at once (default 32)" },
	{ "identity", 'i', "FILE", OPT_IDENTITY, "a private key file",
	  "a key to try (after the ssh-agent's, before ~/.ssh's)" },
	{ "user", 'l', "USER", OPT_USER, "a login name",
	  "log in as USER where the host does not say" },
	{ "port", 'p', "PORT", OPT_PORT, "a port from 1 to 65535",
	  "SSH port where the host does not say" },
	{ "known-hosts", 0, "FILE", OPT_KNOWN_HOSTS, "a known_hosts file",
	  "check host keys against FILE (default ~/.ssh/known_hosts)" },
	{ "ssh-config", 0, "FILE", OPT_SSH_CONFIG, "an ssh_config file",
	  "read host aliases and settings from FILE (default ~/.ssh/config)" },
	{ "jump", 'J', "HOST", OPT_JUMP, "[USER@]HOST[:PORT]",
	  "reach the hosts through this jump host (OpenSSH's ProxyJump)" },
	{ "connect-timeout", 0, "TIME", OPT_CONNECT_TIMEOUT, "a duration such as 5s or 500ms",
	  "give up on a host not connected within TIME (default 10s)" },
	{ "timeout", 0, "TIME", OPT_TIMEOUT, "a duration such as 30s or 2m",
	  "kill a host's command still running after TIME (default: none)" },
	{ "run", 0, "CMD", OPT_RUN, "a shell command line",
	  "run CMD with the host's shell (fabric's run), instead of a vigil command" },
	{ "vigil", 0, "PATH", OPT_VIGIL, "the path of vigil on the hosts",
	  "run PATH on the hosts (default: vigil, found on the remote PATH)" },
	{ "install", 0, NULL, OPT_INSTALL, NULL,
	  "copy this vigil to each host over SFTP, run it from a private temporary directory "
	  "and remove it after" },
	{ "merge", 0, NULL, OPT_MERGE, NULL,
	  "with `-- hist ...`: add the hosts' histograms into one (after the per-host ones)" },
	{ "output-dir", 0, "DIR", OPT_OUTPUT_DIR, "an existing directory",
	  "write each host's output to DIR/HOST.json (.ndjson, .csv, .txt) instead of merging" },
	CLI_OPT_END,
};

static int fleet_read_hostsfile(struct fleet_args *a, const char *path)
{
	char *buf = malloc(FLEET_HOSTSFILE_MAX + 1);
	int fd = open(path, O_RDONLY | O_CLOEXEC), bad = 0, err = 0;
	ssize_t n;
	size_t len = 0;

	if (fd < 0 || !buf) {
		a->hostsfile_err = fd < 0 ? errno : ENOMEM;
		err = -a->hostsfile_err;
		goto out;
	}
	while (len <= FLEET_HOSTSFILE_MAX &&
	       (n = read(fd, buf + len, FLEET_HOSTSFILE_MAX + 1 - len)) > 0)
		len += (size_t)n;
	if (len > FLEET_HOSTSFILE_MAX) {
		fprintf(stderr, "vigil fleet: -F %s: larger than %d bytes\n", path,
			FLEET_HOSTSFILE_MAX);
		err = -EFBIG;
		goto out;
	}
	err = fleet_hosts__add_text(&a->hosts, buf, len, &bad);
	if (err)
		fprintf(stderr, "vigil fleet: -F %s: line %d is not [USER@]HOST[:PORT] [USER]\n",
			path, bad);
out:
	if (fd >= 0)
		close(fd);
	free(buf);
	return err;
}

static int fleet_set(void *ctx, int id, const char *arg)
{
	struct fleet_args *a = ctx;
	uint64_t v;

	switch (id) {
	case OPT_HOSTS:
		return fleet_hosts__add_list(&a->hosts, arg) ? -EINVAL : 0;
	case OPT_HOSTSFILE:
		return fleet_read_hostsfile(a, arg) ? -EINVAL : 0;
	case OPT_PARALLEL:
		if (parse_u64(arg, 1, 1024, &v))
			return -EINVAL;
		a->o.parallel = (int)v;
		return 0;
	case OPT_IDENTITY:
		if (access(arg, R_OK))
			return -EINVAL;
		a->o.identity = arg;
		return 0;
	case OPT_USER:
		a->o.user = arg;
		return *arg ? 0 : -EINVAL;
	case OPT_PORT:
		if (parse_u64(arg, 1, 65535, &v))
			return -EINVAL;
		a->o.port = (int)v;
		return 0;
	case OPT_KNOWN_HOSTS:
		a->o.known_hosts = arg;
		return access(arg, R_OK) ? -EINVAL : 0;
	case OPT_SSH_CONFIG:
		a->o.ssh_config = arg;
		return access(arg, R_OK) ? -EINVAL : 0;
	case OPT_JUMP: {
		struct fleet_host h;

		a->o.jump = arg;
		return fleet_host__parse(&h, arg, strlen(arg));
	}
	case OPT_CONNECT_TIMEOUT:
		if (parse_duration(arg, 1000000000ull, &a->o.connect_timeout_ns))
			return -EINVAL;
		return a->o.connect_timeout_ns >= 1000000ull ? 0 : -EINVAL;
	case OPT_TIMEOUT:
		if (parse_duration(arg, 1000000000ull, &a->o.timeout_ns))
			return -EINVAL;
		return a->o.timeout_ns >= 1000000ull ? 0 : -EINVAL;
	case OPT_RUN:
		a->run = arg;
		return *arg ? 0 : -EINVAL;
	case OPT_VIGIL:
		a->vigil = arg;
		return *arg ? 0 : -EINVAL;
	case OPT_INSTALL:
		a->install = true;
		return 0;
	case OPT_MERGE:
		a->merge = true;
		return 0;
	case OPT_OUTPUT_DIR: {
		struct stat st;

		a->output_dir = arg;
		return stat(arg, &st) || !S_ISDIR(st.st_mode) ? -EINVAL : 0;
	}
	default:
		return -EINVAL;
	}
}

static const struct cli_cmd fleet_cmd = {
	.name = "fleet",
	.usage = "vigil fleet -H HOST[,HOST] | -F FILE [-j N] [-i KEY] [-J JUMP] [--timeout TIME]\n"
		 "                   (--run 'SHELL COMMAND' | -- VIGIL-COMMAND [ARGS])",
	.summary = "Run a command on many hosts over SSH, in parallel, and merge what they print:\n"
		   "a shell command (--run, as fabric's run) or a vigil command (after --),\n"
		   "whose rows gain a host column. Ends with each host ok, failed or timed out.",
	.details = "Host keys must be in known_hosts: an unknown or changed key refuses the host.\n"
		   "Examples: vigil fleet -H web1,web2 --run 'uptime'\n"
		   "          vigil fleet -F hosts -f csv -- ps\n"
		   "          vigil fleet -F hosts -- hist runq -d 10s --merge\n"
		   "          vigil fleet -F hosts --install --output-dir snaps -- snapshot",
	.examples = "vigil fleet -H web1,web2 --run -- doctor\n"
		    "vigil fleet -F hosts.txt --install -- hist runq -d 30s",
	.opts = fleet_opts,
	.set = fleet_set,
};

/* ------------------------------------------------------------------ output of the hosts */

static void fleet_buf_add(struct fleet_buf *b, const char *p, size_t n)
{
	if (!n)
		return;
	if (b->len + n > FLEET_OUT_MAX) {
		b->cut = true;
		n = FLEET_OUT_MAX - b->len;
	}
	if (b->len + n > b->cap) {
		size_t cap = b->cap ? b->cap : 4096;
		char *v;

		while (cap < b->len + n)
			cap *= 2;
		v = realloc(b->v, cap);
		if (!v) {
			b->cut = true;
			return;
		}
		b->v = v;
		b->cap = cap;
	}
	memcpy(b->v + b->len, p, n);
	b->len += n;
}

/* One "HOST: line": raw into a pipe or file, with control bytes as \xHH on a terminal. */
static void fleet_emit(struct fleet_ctx *c, bool to_stderr, const char *host, const char *p,
		       size_t n)
{
	struct sink *s = to_stderr ? c->err_sink : c->sink;

	sink__puts(s, host);
	sink__puts(s, ": ");
	if (to_stderr ? c->err_tty : c->out_tty)
		esc_write(s, p, n);
	else
		sink__write(s, p, n);
	sink__putc(s, '\n');
}

/* The whole lines of line+p, each as "HOST: line"; the rest stays in line. Under the lock. */
static void fleet_put_lines(struct fleet_ctx *c, struct fleet_buf *line, const char *host,
			    const char *p, size_t n, bool to_stderr, bool flush_rest)
{
	size_t start = 0;

	fleet_buf_add(line, p, n);
	if (line->len > FLEET_LINE_MAX) /* a line without end: passed on in pieces */
		flush_rest = true;
	for (size_t i = 0; i < line->len; i++) {
		if (line->v[i] != '\n')
			continue;
		fleet_emit(c, to_stderr, host, line->v + start, i - start);
		start = i + 1;
	}
	if (flush_rest && start < line->len) {
		fleet_emit(c, to_stderr, host, line->v + start, line->len - start);
		start = line->len;
	}
	if (start) {
		memmove(line->v, line->v + start, line->len - start);
		line->len -= start;
	}
	sink__flush(to_stderr ? c->err_sink : c->sink);
}

static void fleet_on_data(void *ctx, size_t host, int is_stderr, const char *buf, size_t n)
{
	struct fleet_ctx *c = ctx;
	struct fleet_host_io *io = &c->io[host];
	const char *label = c->hosts->v[host].label;

	if (c->records || (!is_stderr && !c->stream)) { /* kept: one writer, no lock needed */
		fleet_buf_add(is_stderr ? &io->err : &io->out, buf, n);
		return;
	}
	pthread_mutex_lock(&c->lock);
	if (is_stderr)
		fleet_put_lines(c, &io->err, label, buf, n, true, false);
	else
		fleet_put_lines(c, &io->line, label, buf, n, false, false);
	pthread_mutex_unlock(&c->lock);
}

/* ------------------------------------------------------------------ the remote command */

/* s with each word of argv single-quoted for the host's shell; NULL on no memory. */
static char *fleet_quote_words(char **argv, int argc)
{
	size_t n = 1;
	char *s, *p;

	for (int i = 0; i < argc; i++)
		n += strlen(argv[i]) * 4 + 3;
	s = p = malloc(n);
	if (!s)
		return NULL;
	for (int i = 0; i < argc; i++) {
		if (i)
			*p++ = ' ';
		*p++ = '\'';
		for (const char *q = argv[i]; *q; q++) {
			if (*q == '\'') {
				memcpy(p, "'\\''", 4);
				p += 4;
			} else {
				*p++ = *q;
			}
		}
		*p++ = '\'';
	}
	*p = '\0';
	return s;
}

/* Commands whose output has no -f: passed on as text lines, prefixed by the host. */
static bool fleet_cmd_is_text(const char *name)
{
	static const char *const text[] = { "kill", "profile", "serve", "top", NULL };

	for (int i = 0; text[i]; i++) {
		if (!strcmp(name, text[i]))
			return true;
	}
	return false;
}

/* Whether w sets the format or output file of vigil cmd (iotop's -o is --only). */
static bool fleet_word_is_format(const char *cmd, const char *w)
{
	if (w[0] != '-')
		return false;
	if (!strncmp(w, "--format", 8) || !strncmp(w, "--output", 8) || w[1] == 'f')
		return true;
	return w[1] == 'o' && strcmp(cmd, "iotop");
}

/*
 * The words after vigil on the hosts: COMMAND -f FMT ARGS (FMT: what fleet merges from fmt),
 * quoted. *remote_fmt says what the hosts will write. NULL after a message (exit 2).
 */
static char *fleet_remote_args(char **argv, int argc, enum out_format fmt, bool merge,
			       enum out_format *remote_fmt, bool *text, bool *json_doc)
{
	static const char *const names[] = { [FMT_TABLE] = "table",
					     [FMT_CSV] = "csv",
					     [FMT_JSON] = "json",
					     [FMT_NDJSON] = "ndjson" };
	/* snapshot writes one JSON object (-f json only), proc one per line (and has no -f) */
	bool json_only = !strcmp(argv[0], "snapshot") || !strcmp(argv[0], "proc");
	bool takes_f = strcmp(argv[0], "proc") != 0;

	*json_doc = json_only;
	char **words = calloc((size_t)argc + 3, sizeof(*words));
	char *s;
	int n = 0;

	if (!words)
		return NULL;
	for (int i = 1; i < argc && !fleet_cmd_is_text(argv[0]); i++) {
		if (fleet_word_is_format(argv[0], argv[i])) {
			cli_error(&fleet_cmd,
				  "%s after `--`: fleet sets the hosts' format; give -f or -o to "
				  "fleet (before --)",
				  argv[i]);
			free(words);
			return NULL;
		}
	}
	*text = fleet_cmd_is_text(argv[0]);
	*remote_fmt = fmt == FMT_JSON ? FMT_NDJSON : fmt;
	if (merge)
		*remote_fmt = FMT_NDJSON;
	if (json_only) {
		if (fmt == FMT_CSV) {
			cli_error(&fleet_cmd, "vigil %s writes only JSON: use -f json or ndjson",
				  argv[0]);
			free(words);
			return NULL;
		}
		*remote_fmt = FMT_NDJSON; /* one JSON object on one line */
	}
	words[n++] = argv[0];
	if (!*text && takes_f) {
		words[n++] = "-f";
		words[n++] = (char *)(json_only ? "json" : names[*remote_fmt]);
	}
	for (int i = 1; i < argc; i++)
		words[n++] = argv[i];
	s = fleet_quote_words(words, n);
	free(words);
	return s;
}

/* ------------------------------------------------------------------ after the run */

static const char *fleet_ext(enum out_format f, bool text)
{
	if (text)
		return "txt";
	switch (f) {
	case FMT_CSV:
		return "csv";
	case FMT_JSON:
		return "json";
	case FMT_NDJSON:
		return "ndjson";
	default:
		return "txt";
	}
}

/* DIR/HOST.EXT for each host that printed anything. 0 or -errno after a message. */
static int fleet_write_dir(const struct fleet_args *a, const struct fleet_host_io *io,
			   const char *ext)
{
	for (size_t i = 0; i < a->hosts.n; i++) {
		char path[4096];
		struct sink *s;

		if (!io[i].out.len)
			continue;
		snprintf(path, sizeof(path), "%s/%s.%s", a->output_dir, a->hosts.v[i].label, ext);
		s = sink__open(path);
		if (!s) {
			fprintf(stderr, "vigil fleet: %s: %s\n", path, strerror(errno));
			return -errno;
		}
		sink__write(s, io[i].out.v, io[i].out.len);
		if (sink__close(s)) {
			fprintf(stderr, "vigil fleet: %s: write failed\n", path);
			return -EIO;
		}
	}
	return 0;
}

static size_t fleet_host_width(const struct fleet_hosts *hs)
{
	size_t w = 4;

	for (size_t i = 0; i < hs->n; i++) {
		if (strlen(hs->v[i].label) > w)
			w = strlen(hs->v[i].label);
	}
	return w;
}

/* The merged output of a vigil command; 0, or 1 when something was left out. */
static int fleet_print_merged(const struct fleet_args *a, struct fleet_host_io *io, struct sink *s,
			      enum out_format remote_fmt, enum out_format fmt, bool text)
{
	struct fleet_merge m = { .fmt = text ? FMT_TABLE : remote_fmt,
				 .host_width = fleet_host_width(&a->hosts),
				 .plain = text };
	struct fleet_hists *hists = NULL;
	int status = 0;

	if (!text && (fmt == FMT_JSON || fmt == FMT_TABLE) && remote_fmt == FMT_NDJSON)
		m.fmt = FMT_JSON; /* one array of the hosts' objects */
	if (a->merge) {
		hists = fleet_hists__new();
		if (!hists)
			return 1;
		if (fmt == FMT_TABLE) /* per-host tables are not re-drawn: JSON, then the sum */
			m.fmt = FMT_NDJSON;
	}
	for (size_t i = 0; i < a->hosts.n; i++) {
		const char *label = a->hosts.v[i].label;
		size_t bad = 0;

		if (io[i].out.cut) {
			fprintf(stderr,
				"vigil fleet: %s: output over %u MiB: the rest is left out\n",
				label, FLEET_OUT_MAX >> 20);
			status = 1;
		}
		if (hists && fleet_hists__add(hists, io[i].out.v, io[i].out.len, &bad))
			status = 1;
		if (hists && fmt == FMT_TABLE)
			fleet_hists__print_host(label, io[i].out.v, io[i].out.len, s);
		else
			bad = fleet_merge__host(&m, s, label, io[i].out.v, io[i].out.len);
		if (bad) {
			fprintf(stderr,
				"vigil fleet: %s: %zu lines were not JSON objects: left out\n",
				label, bad);
			status = 1;
		}
	}
	if (hists) {
		size_t ok = 0;

		for (size_t i = 0; i < a->hosts.n; i++)
			ok += io[i].out.len > 0;
		if (fmt == FMT_TABLE)
			m.fmt = FMT_TABLE;
		if (!fleet_hists__print(hists, &m, s, ok)) {
			fprintf(stderr, "vigil fleet: --merge: the hosts gave no global histogram "
					"(only --per global histograms add up)\n");
			status = 1;
		}
		fleet_hists__free(hists);
	}
	fleet_merge__end(&m, s);
	fleet_merge__free(&m);
	return status;
}

/* --run with -f: one record per host. */
static void fleet_print_runs(const struct fleet_args *a, const struct fleet_host_io *io,
			     const struct fleet_result *res, struct sink *s, enum out_format fmt)
{
	struct jw w;

	if (fmt == FMT_CSV)
		sink__puts(s, "host,status,exit_status,reason,seconds,stdout,stderr\r\n");
	jw__init(&w, s, false);
	if (fmt == FMT_JSON)
		jw__arr_begin(&w, NULL);
	for (size_t i = 0; i < a->hosts.n; i++) {
		const struct fleet_result *r = &res[i];

		if (fmt == FMT_CSV) {
			sink__printf(s, "%s,", a->hosts.v[i].label);
			csv_write_string(s, fleet_state_name(r->state), SIZE_MAX);
			sink__printf(s, ",%d,", r->exit_status);
			csv_write_string(s, r->reason, SIZE_MAX);
			sink__printf(s, ",%.3f,", r->seconds);
			csv_write_string(s, io[i].out.len ? io[i].out.v : "", io[i].out.len);
			sink__putc(s, ',');
			csv_write_string(s, io[i].err.len ? io[i].err.v : "", io[i].err.len);
			sink__puts(s, "\r\n");
			continue;
		}
		if (fmt == FMT_NDJSON)
			jw__init(&w, s, false);
		jw__obj_begin(&w, NULL);
		jw__str(&w, "host", a->hosts.v[i].label);
		jw__str(&w, "status", fleet_state_name(r->state));
		if (r->exit_status >= 0)
			jw__s64(&w, "exit_status", r->exit_status);
		else
			jw__null(&w, "exit_status");
		if (r->state == FLEET_OK)
			jw__null(&w, "reason");
		else
			jw__str(&w, "reason", r->reason);
		jw__f64(&w, "seconds", r->seconds);
		jw__strn(&w, "stdout", io[i].out.len ? io[i].out.v : "", io[i].out.len);
		jw__strn(&w, "stderr", io[i].err.len ? io[i].err.v : "", io[i].err.len);
		jw__obj_end(&w);
		if (fmt == FMT_NDJSON)
			sink__putc(s, '\n');
	}
	if (fmt == FMT_JSON) {
		jw__arr_end(&w);
		sink__putc(s, '\n');
	}
}

/* Each host ok / failed: why / timed out: why, on stderr; the count of those not ok. */
static size_t fleet_summary(const struct fleet_hosts *hs, const struct fleet_result *res)
{
	size_t w = fleet_host_width(hs), bad = 0, n[4] = { 0 };
	char why[FLEET_REASON_LEN * ESC_MAX_PER_BYTE + 1]; /* the host's words, made harmless */

	for (size_t i = 0; i < hs->n; i++)
		n[res[i].state]++;
	fprintf(stderr, "fleet: %zu host%s: %zu ok, %zu failed, %zu timed out\n", hs->n,
		hs->n == 1 ? "" : "s", n[FLEET_OK], n[FLEET_FAILED], n[FLEET_TIMEOUT]);
	for (size_t i = 0; i < hs->n; i++) {
		const struct fleet_result *r = &res[i];

		if (r->state == FLEET_OK) {
			fprintf(stderr, "  %-*s ok (%.2f s)\n", (int)w, hs->v[i].label, r->seconds);
			continue;
		}
		bad++;
		fprintf(stderr, "  %-*s %s: %s (%.2f s)\n", (int)w, hs->v[i].label,
			fleet_state_name(r->state), esc_buf(why, sizeof(why), r->reason),
			r->seconds);
	}
	return bad;
}

/* ------------------------------------------------------------------ the command */

static int fleet_check_args(struct fleet_args *a, const struct cli_common *common, int nremote)
{
	if (!a->hosts.n) {
		cli_error(&fleet_cmd, "no hosts: give -H HOST[,HOST] or -F FILE");
		return -EINVAL;
	}
	if (!!a->run == !!nremote) {
		cli_error(&fleet_cmd, "give either --run 'COMMAND' or -- VIGIL-COMMAND [ARGS]");
		return -EINVAL;
	}
	if (a->run && (a->install || a->merge || a->vigil || a->output_dir)) {
		cli_error(&fleet_cmd, "--%s runs vigil on the hosts: it does nothing with --run",
			  a->install ? "install"
			  : a->merge ? "merge"
			  : a->vigil ? "vigil"
				     : "output-dir");
		return -EINVAL;
	}
	if (a->install && a->vigil) {
		cli_error(&fleet_cmd, "--install runs this vigil: drop --vigil");
		return -EINVAL;
	}
	if (a->merge && common->format_set && common->format == FMT_CSV) {
		cli_error(&fleet_cmd, "--merge prints table, json or ndjson, not csv");
		return -EINVAL;
	}
	if (a->output_dir && (a->merge || common->output)) {
		cli_error(&fleet_cmd, "--output-dir writes one file per host: drop --%s",
			  a->merge ? "merge" : "output");
		return -EINVAL;
	}
	return 0;
}

/* The running binary, through the fallback library's kernel-files root: opening the link
 * itself reads this very binary even if its file was since replaced. */
static int fleet_install_path(char *exe, size_t len)
{
	return fb_proc_path("self/exe", exe, len);
}

static void fleet_io_free(struct fleet_host_io *io, size_t n)
{
	for (size_t i = 0; io && i < n; i++) {
		free(io[i].out.v);
		free(io[i].err.v);
		free(io[i].line.v);
	}
	free(io);
}

static int fleet_finish(struct fleet_args *a, struct fleet_ctx *c, struct fleet_result *res,
			struct output *out, const char *ext, enum out_format remote_fmt, bool text,
			bool remote)
{
	int status = 0;

	/* the partial last lines */
	for (size_t i = 0; i < a->hosts.n; i++) {
		if (c->stream)
			fleet_put_lines(c, &c->io[i].line, a->hosts.v[i].label, "", 0, false, true);
		if (c->stream || remote)
			fleet_put_lines(c, &c->io[i].err, a->hosts.v[i].label, "", 0, true, true);
	}
	if (remote && a->output_dir)
		status = fleet_write_dir(a, c->io, ext) ? 1 : 0;
	else if (remote)
		status = fleet_print_merged(a, c->io, out->sink, remote_fmt, out->fmt, text);
	else if (c->records)
		fleet_print_runs(a, c->io, res, out->sink, out->fmt);
	if (fleet_summary(&a->hosts, res))
		status = 1;
	return status;
}

int cmd_fleet(int argc, char **argv)
{
	struct fleet_args a = { .o = { .parallel = 32, .connect_timeout_ns = 10000000000ull } };
	struct fleet_ctx c = { .lock = PTHREAD_MUTEX_INITIALIZER };
	struct cli_common common = { 0 };
	struct fleet_result *res = NULL;
	enum out_format remote_fmt = FMT_NDJSON;
	char exe[4096], *cmd = NULL;
	int dd = argc, first, status = EXIT_USAGE, err;
	bool help, text = false, json_doc = false;
	struct output out = { 0 };

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--")) {
			dd = i;
			break;
		}
	}
	first = cli_parse(&fleet_cmd, dd, argv, &common, &a, &help);
	if (first < 0 || help) {
		if (a.hostsfile_err)
			fprintf(stderr, "vigil fleet: -F: %s\n", strerror(a.hostsfile_err));
		status = first < 0 ? EXIT_USAGE : 0;
		goto free_hosts;
	}
	if (first < dd) {
		cli_error(&fleet_cmd, "'%s': put the vigil command after `--`", argv[first]);
		goto free_hosts;
	}
	/* `-- hist runq --merge`, as the users write it: --merge is fleet's, not hist's */
	for (int i = dd + 1; i < argc; i++) {
		if (!strcmp(argv[i], "--merge")) {
			a.merge = true;
			memmove(&argv[i], &argv[i + 1], (size_t)(argc - i - 1) * sizeof(*argv));
			argc--;
			i--;
		}
	}
	if (fleet_check_args(&a, &common, dd < argc ? argc - dd - 1 : 0))
		goto free_hosts;
	log_set_level(common.verbose);
	c.hosts = &a.hosts;
	c.stream = a.run && !common.format_set;
	c.records = a.run && common.format_set;
	if (output__open(&out, &fleet_cmd, &common, FMT_NDJSON, 0)) {
		status = 1;
		goto free_hosts;
	}
	c.sink = out.sink;
	c.out_tty = sink__is_tty(out.sink);
	c.err_tty = isatty(STDERR_FILENO);
	c.err_sink = sink__from_fd(STDERR_FILENO);
	if (!c.err_sink) {
		status = 1;
		goto close_out;
	}
	if (a.run) {
		cmd = strdup(a.run);
	} else {
		char *args = fleet_remote_args(argv + dd + 1, argc - dd - 1, out.fmt, a.merge,
					       &remote_fmt, &text, &json_doc);
		const char *vigil = a.vigil ? a.vigil : "vigil";
		char *qv = fleet_quote_words((char **)&vigil, 1);

		if (!args || !qv) {
			free(args);
			free(qv);
			goto close_out;
		}
		if (a.install) {
			if (fleet_install_path(exe, sizeof(exe))) {
				fprintf(stderr,
					"vigil fleet: --install: cannot find this binary\n");
				status = 1;
				free(args);
				free(qv);
				goto close_out;
			}
			a.o.install_exe = exe;
			cmd = args;
		} else {
			size_t n = strlen(qv) + strlen(args) + 2;

			cmd = malloc(n);
			if (cmd)
				snprintf(cmd, n, "%s %s", qv, args);
			free(args);
		}
		free(qv);
	}
	status = 1;
	res = calloc(a.hosts.n, sizeof(*res));
	c.io = calloc(a.hosts.n, sizeof(*c.io));
	if (!cmd || !res || !c.io)
		goto close_out;
	stop_install_handlers(); /* Ctrl-C: stop the commands, remove --install's copies, report */
	err = fleet__run(&a.o, &a.hosts, cmd, fleet_on_data, &c, res);
	if (err) {
		fprintf(stderr, "vigil fleet: %s\n",
			err == -ENOPKG ? "needs libssh (install libssh-4)" : strerror(-err));
		goto close_out;
	}
	/* for --output-dir: HOST.json holds the host's one JSON document */
	status = fleet_finish(&a, &c, res, &out, json_doc ? "json" : fleet_ext(remote_fmt, text),
			      remote_fmt, text, !a.run);
close_out:
	sink__close(c.err_sink);
	if (output__close(&out))
		status = 1;
	free(cmd);
	free(res);
	fleet_io_free(c.io, a.hosts.n);
free_hosts:
	fleet_hosts__free(&a.hosts);
	return status;
}
