// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * cmd_serve.c: `vigil serve`: a Prometheus endpoint. Each subsystem BPF can serve here is
 * loaded with its histograms aggregating in the kernel (only tcp_close, one record per
 * connection, is streamed, so the cost per event is the in-kernel increment); the others run
 * on their fallback pollers. Scrapes read the maps and the fallback library when they
 * arrive. Runs until a signal or --duration.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <linux/types.h>

#include "core/backend.h"
#include "events.h"
#include "core/hist.h"
#include "cli/cli.h"
#include "cli/cli_config.h"
#include "cli/commands.h"
#include "core/log.h"
#include "prom/metrics.h"
#include "cli/parse.h"
#include "prom/serve.h"
#include "core/session.h"
#include "core/stop.h"
#include "cli/trace_opts.h"
#include "prom/web_config.h"
#include "probe/probe_modules.h"
#include "probe/probe_prom.h"
#include "alert/alert_serve.h"
#include "cli/mail_opts.h"

enum {
	OPT_LISTEN = CLI_COMMON_MAX,
	OPT_BACKEND,
	OPT_POLL,
	OPT_REQUEST_TIMEOUT,
	OPT_WEB_CONFIG,
	OPT_CONFIG,
	OPT_PROBE_CONFIG,
	OPT_RULES,
	OPT_EVAL_INTERVAL,
	OPT_WEBHOOK,
	OPT_CONTAINER_LABEL,
};

struct serve_args {
	struct sockaddr_storage addr;
	socklen_t addr_len;
	enum backend_mode backend;
	uint64_t poll_ns;
	uint64_t request_timeout_ns;
	const char *web_config;
	const char *config;
	const char *probe_config;
	bool container_label; /* runq and oncpu histograms per container */
	struct alert_serve_opts alert;
	struct mail_opts mail;
};

static const struct cli_opt serve_opts[] = {
	CLI_OPT_DURATION,
	{ "listen", 'l', "ADDR", OPT_LISTEN,
	  "HOST:PORT with an IPv4 or [IPv6] address, e.g. 127.0.0.1:9464",
	  "address to listen on (default " SERVE_DEFAULT_LISTEN ", loopback only)" },
	{ "backend", 'b', "WHICH", OPT_BACKEND, "auto, bpf or fallback",
	  "where subsystem data comes from (default auto: BPF where it works)" },
	{ "poll-interval", 0, "TIME", OPT_POLL, "a duration from 10ms to 1h, such as 1s",
	  "how often fallbacks poll (default 1s)" },
	{ "request-timeout", 0, "TIME", OPT_REQUEST_TIMEOUT,
	  "a duration from 100ms to 10m, such as 5s",
	  "close a connection with no whole request TIME after it opened (default 5s)" },
	{ "web.config.file", 0, "FILE", OPT_WEB_CONFIG,
	  "a YAML file with tls_server_config and/or basic_auth_users",
	  "TLS and basic auth, as the Prometheus exporters' --web.config.file" },
	{ "config", 0, "FILE", OPT_CONFIG, "a YAML file of option: value",
	  "options from FILE (keys are these long names; the command line wins)" },
	{ "probe.config", 0, "FILE", OPT_PROBE_CONFIG,
	  "a YAML file of probe modules in blackbox_exporter's shape",
	  "answer /probe?module=M&target=T as blackbox_exporter (docs/probes.md)" },
	{ "rules", 0, "FILE", OPT_RULES, "a YAML file of alerting rules (docs/alerts.md)",
	  "evaluate alerting rules; alerts at /api/v2/alerts, notifications to --webhook" },
	{ "eval-interval", 0, "TIME", OPT_EVAL_INTERVAL, "a duration from 100ms to 1h, such as 15s",
	  "how often --rules are evaluated (default 15s)" },
	{ "webhook", 0, "URL", OPT_WEBHOOK, "an http:// or https:// URL",
	  "POST notifications there in Alertmanager's webhook format (needs --rules)" },
	{ "mail-to", 0, "TO[,TO]", MAIL_OPT_TO,
	  "addresses such as ops@example.org, comma-separated",
	  "mail notifications to these addresses through --smtp (needs --rules; docs/mail.md)" },
	{ "container-label", 0, NULL, OPT_CONTAINER_LABEL, NULL,
	  "split the run-queue and time-slice histograms by a container label (docs/metrics.md)" },
	MAIL_OPTS,
	CLI_OPT_END,
};

static int serve_set(void *ctx, int id, const char *arg)
{
	struct serve_args *a = ctx;
	int v;

	if (mail_opts__owns(id))
		return mail_opts__set(&a->mail, id, arg);
	switch (id) {
	case OPT_LISTEN:
		return serve_parse_listen(arg, &a->addr, &a->addr_len);
	case OPT_BACKEND:
		v = parse_choice(arg, backend_names);
		if (v < 0)
			return v;
		a->backend = (enum backend_mode)v;
		return 0;
	case OPT_POLL:
		if (parse_duration(arg, NSEC_PER_SEC, &a->poll_ns))
			return -EINVAL;
		return a->poll_ns < 10 * NSEC_PER_MSEC || a->poll_ns > 3600 * NSEC_PER_SEC ? -ERANGE
											   : 0;
	case OPT_WEB_CONFIG:
		a->web_config = arg;
		return 0;
	case OPT_CONFIG:
		a->config = arg;
		return 0;
	case OPT_PROBE_CONFIG:
		a->probe_config = arg;
		return 0;
	case OPT_RULES:
		a->alert.rules = arg;
		return 0;
	case OPT_EVAL_INTERVAL:
		if (parse_duration(arg, NSEC_PER_SEC, &a->alert.eval_ns))
			return -EINVAL;
		return a->alert.eval_ns < ALERT_EVAL_MIN_NS ||
				       a->alert.eval_ns > 3600 * NSEC_PER_SEC
			       ? -ERANGE
			       : 0;
	case OPT_WEBHOOK:
		a->alert.webhook = arg;
		return 0;
	case OPT_CONTAINER_LABEL:
		a->container_label = true;
		return 0;
	case OPT_REQUEST_TIMEOUT:
		if (parse_duration(arg, NSEC_PER_SEC, &a->request_timeout_ns))
			return -EINVAL;
		return a->request_timeout_ns < 100 * NSEC_PER_MSEC ||
				       a->request_timeout_ns > 600 * NSEC_PER_SEC
			       ? -ERANGE
			       : 0;
	}
	return -ENOENT;
}

static const struct cli_cmd serve_cmd = {
	.name = "serve",
	.usage =
		"vigil serve [--listen 127.0.0.1:9464] [--backend auto|bpf|fallback]\n"
		"                   [--request-timeout TIME] [--web.config.file FILE]\n"
		"                   [--probe.config FILE] [--config FILE]\n"
		"                   [--rules FILE [--eval-interval TIME] [--webhook URL]\n"
		"                    [--mail-to TO[,TO] --smtp URL --from ADDR [--state-dir DIR]]]",
	.summary = "Serve Prometheus metrics (text format 0.0.4) at http://ADDR/metrics.",
	.details =
		"In-kernel histograms with exact le bounds, drop counters, each BPF program's\n"
		"cost, and the system's CPU, memory, schedstat, disk and network counters under\n"
		"node_exporter's names. The metric names are listed in the README.\n"
		"With --rules, alerting rules are evaluated every --eval-interval\n"
		"(docs/alerts.md): alerts at /api/v2/alerts (vigil alerts), notifications\n"
		"to --webhook.",
	.examples = "vigil serve\n"
		    "vigil serve --config /etc/vigil/vigil.yaml\n"
		    "vigil serve --rules rules.yml --smtp smtp://mail:25 --from vigil@host "
		    "--mail-to ops@host",
	.opts = serve_opts,
	.set = serve_set,
};

/* Whether web asks every client who it is: a password, or a certificate the CA signed. */
static bool serve_is_guarded(const struct web_config *web)
{
	struct web_tls tls;

	if (web_config__has_users(web))
		return true;
	return web_config__has_tls(web, &tls) &&
	       (tls.client_auth == WEB_REQUIRE_ANY_CLIENT_CERT ||
		tls.client_auth == WEB_REQUIRE_AND_VERIFY_CLIENT_CERT);
}

struct serve_ctx {
	struct metrics *m;
	struct alert_serve *alerts; /* NULL: no --rules */
};

static int scrape(void *ctx, struct prom *p)
{
	struct serve_ctx *c = ctx;
	int err = metrics__scrape(c->m, p);

	if (!err && c->alerts)
		alert_manager__write_prom(alert_serve__manager(c->alerts), p);
	return err ? err : p->truncated ? -E2BIG : 0;
}

/* "http://127.0.0.1:9464": serve's address, for alerts' externalURL. */
static void serve_url(const struct sockaddr_storage *ss, char *buf, size_t len)
{
	char host[INET6_ADDRSTRLEN] = "localhost";
	unsigned int port = 0;

	if (ss->ss_family == AF_INET) {
		const struct sockaddr_in *in = (const void *)ss;

		inet_ntop(AF_INET, &in->sin_addr, host, sizeof(host));
		port = ntohs(in->sin_port);
		snprintf(buf, len, "http://%s:%u", host, port);
	} else {
		const struct sockaddr_in6 *in6 = (const void *)ss;

		inet_ntop(AF_INET6, &in6->sin6_addr, host, sizeof(host));
		port = ntohs(in6->sin6_port);
		snprintf(buf, len, "http://[%s]:%u", host, port);
	}
}

/* The flags that only mean something with --rules. */
static int serve_check_alert_opts(const struct serve_args *a)
{
	if (a->alert.rules)
		return 0;
	if (a->alert.eval_ns) {
		cli_error(&serve_cmd, "--eval-interval needs --rules FILE");
		return -EINVAL;
	}
	if (a->alert.webhook) {
		cli_error(&serve_cmd, "--webhook needs --rules FILE");
		return -EINVAL;
	}
	if (a->mail.given) {
		cli_error(&serve_cmd, "--%s needs --rules FILE",
			  mail_opts__given(&a->mail, MAIL_OPT_TO) ? "mail-to" : "smtp");
		return -EINVAL;
	}
	return 0;
}

/* Choose each subsystem's source; ops[] gets those BPF or a poller can serve. */
static int serve_pick(enum backend_mode mode, const struct tracer_ops **ops,
		      struct metrics_source *src, int *nsrc)
{
	int n = 0;

	*nsrc = 0;
	for (int i = 0; tracer_registry[i]; i++) {
		struct backend_choice c;
		int err = backend_choose(tracer_registry[i], mode, false, &c);

		/* dns is served when it can be, whatever --backend asks of the others */
		if (err && mode != BACKEND_AUTO && !tracer_registry[i]->on_request) {
			cli_error(&serve_cmd, "%s: %s: %s", tracer_registry[i]->name,
				  mode == BACKEND_BPF ? "BPF unavailable" : "no fallback",
				  c.why.detail);
			return -ENOTSUP;
		}
		src[*nsrc].subsystem = tracer_registry[i]->name;
		src[(*nsrc)++].source = backend_choice__source(&c);
		if (!err)
			ops[n++] = tracer_registry[i];
		if (!c.bpf)
			pr_info("serve: %s: BPF unavailable (%s); fallback: %s",
				tracer_registry[i]->name, c.why.detail,
				tracer_registry[i]->fallback);
	}
	return n;
}

/* /probe, on serve's worker thread: the module's probe of target (user/probe/). */
static int serve_probe(void *ctx, const char *module, const char *target, struct prom *p, char *err,
		       size_t errlen)
{
	const struct probe_module *m = probe_modules__find(ctx, module);

	return m ? probe_prom__run(m, target, p, err, errlen) : -ENOENT;
}

int cmd_serve(int argc, char **argv)
{
	const struct tracer_ops *ops[SESSION_MAX_TRACERS];
	struct metrics_source src[SESSION_MAX_TRACERS];
	struct serve_args a = { .backend = BACKEND_AUTO };
	struct cli_common common = { 0 };
	struct session s = { 0 };
	struct web_config *web = NULL;
	struct probe_modules *pm = NULL;
	struct metrics *m = NULL;
	struct serve *srv = NULL;
	struct alert_serve *as = NULL;
	char why[4096], url[96];
	struct trace_cfg cfg;
	int first, n, nsrc, err = 1;
	bool help;

	serve_parse_listen(SERVE_DEFAULT_LISTEN, &a.addr, &a.addr_len);
	mail_opts__init(&a.mail);
	a.alert.mail = &a.mail;
	first = cli_parse(&serve_cmd, argc, argv, &common, &a, &help);
	if (first < 0)
		return EXIT_USAGE;
	if (help)
		return 0;
	if (first < argc) {
		cli_error(&serve_cmd, "unexpected argument '%s'", argv[first]);
		return EXIT_USAGE;
	}
	if (a.config && cli_config__apply(&serve_cmd, a.config, &common, &a))
		return EXIT_USAGE;
	log_set_level(common.verbose);
	if (serve_check_alert_opts(&a) || mail_opts__check(&serve_cmd, &a.mail))
		return EXIT_USAGE;
	if (a.web_config) {
		web = web_config__load(a.web_config, why, sizeof(why));
		if (!web) {
			cli_error(&serve_cmd, "--web.config.file %s: %s", a.web_config, why);
			return EXIT_USAGE;
		}
	}
	if (a.probe_config) {
		pm = probe_modules__load(a.probe_config, why, sizeof(why));
		if (!pm) {
			cli_error(&serve_cmd, "--probe.config %s: %s", a.probe_config, why);
			web_config__free(web);
			return EXIT_USAGE;
		}
	}
	if (!serve_addr_is_loopback(&a.addr) && !serve_is_guarded(web))
		pr_warn("serve: warning: --listen is not loopback: anyone who can reach it "
			"can read the metrics (--web.config.file can ask for a password or a "
			"client certificate)");
	n = serve_pick(a.backend, ops, src, &nsrc);
	if (n < 0)
		goto out_web;
	trace_cfg__init(&cfg);
	cfg.backend = a.backend;
	if (a.poll_ns)
		cfg.poll_interval_ns = a.poll_ns;
	/* only tcp_close (one per connection), dns (one per transaction) and drops stream */
	cfg.ringbuf_bytes = 1 << 20;
	cfg.stream_kinds = 1ULL << VG_KIND_TCP_CLOSE | 1ULL << VG_KIND_DNS;
	for (int i = 0; i < n; i++)
		cfg.hists |= ops[i]->hists;
	/* Per disk and op when a histogram can be (the others stay global), else global. */
	cfg.hist_per = VG_PER_GLOBAL;
	for (int i = 0; i < HIST__COUNT; i++)
		if ((cfg.hists & (1U << i)) && (hist_descs[i].pers & (1U << VG_PER_DISK_OP)))
			cfg.hist_per = VG_PER_DISK_OP;
	/* the task histograms keyed by cgroup, folded into containers by the metrics */
	cfg.hist_per_alt = a.container_label ? VG_PER_CGROUP : VG_PER_GLOBAL;
	cfg.hist_unit_ns = NSEC_PER_USEC;

	stop_install_handlers();
	m = metrics__new(src, nsrc);
	if (!m) {
		pr_err("serve: %s", strerror(errno));
		goto out_web;
	}
	if (a.alert.rules) {
		serve_url(&a.addr, url, sizeof(url));
		a.alert.url = url;
		as = alert_serve__new(&a.alert, m, pm, why, sizeof(why));
		if (!as) {
			if (errno == EINVAL)
				cli_error(&serve_cmd, "--rules %s:\n%s", a.alert.rules, why);
			else
				cli_error(&serve_cmd, "--rules %s: %s", a.alert.rules,
					  why[0] ? why : strerror(errno));
			err = EXIT_USAGE;
			goto out_free;
		}
	}
	if (session__start(&s, ops, n, &cfg, NULL, metrics__observe, m))
		goto out_free;
	err = metrics__attach(m, &s);
	if (err) {
		pr_err("serve: %s", strerror(-err));
		err = 1;
		goto out_stop;
	}
	err = 1;
	srv = serve__new(&(struct serve_opts){ .addr = &a.addr,
					       .request_timeout_ns = a.request_timeout_ns,
					       .web = web,
					       .probe = pm ? serve_probe : NULL,
					       .probe_ctx = pm,
					       .alerts = as ? alert_serve__json : NULL,
					       .alerts_ctx = as },
			 scrape, &(struct serve_ctx){ .m = m, .alerts = as });
	if (!srv) {
		pr_err("serve: cannot listen: %s", strerror(errno));
		goto out_stop;
	}
	fprintf(stderr, "vigil: serving metrics on port %u%s%s; Ctrl-C ends\n", serve__port(srv),
		web_config__has_tls(web, &(struct web_tls){ 0 }) ? " over TLS" : "",
		web_config__has_users(web) ? " with basic auth" : "");
	if (as && alert_serve__start(as)) {
		pr_err("serve: cannot start the rules' thread");
		serve__free(srv);
		goto out_stop;
	}
	err = session__run(&s, common.duration_ns, 0, NULL, NULL) ? 1 : 0;
	serve__free(srv); /* no scrape runs past this point */
	alert_serve__free(as);
	as = NULL;
out_stop:
	session__stop(&s);
out_free:
	alert_serve__free(as);
	metrics__free(m);
out_web:
	web_config__free(web);
	probe_modules__free(pm);
	return err;
}
