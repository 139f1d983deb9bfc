// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * cmd_alerts.c: `vigil alerts [--url http://HOST:PORT]`: the alerts of a running
 * `vigil serve --rules`, read from its /api/v2/alerts (Alertmanager's shape) with libcurl
 * and Jansson: one line per alert (name, state, since, value, labels, summary) or rows in
 * csv/json/ndjson. Exit 1 when serve cannot be reached or has no rules.
 */
#include <curl/curl.h>
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "core/log.h"
#include "export/escape.h"
#include "export/output.h"
#include "export/rows.h"
#include "prom/serve.h"

#define ALERTS_MAX_BODY (16u << 20)

enum { OPT_URL = CLI_COMMON_MAX };

struct alerts_args {
	const char *url;
};

static const struct cli_opt alerts_opts[] = {
	{ "url", 0, "URL", OPT_URL, "http://HOST:PORT or https://HOST:PORT",
	  "the serve to ask (default http://" SERVE_DEFAULT_LISTEN ")" },
	CLI_OPT_FORMAT_TOOL,
	CLI_OPT_OUTPUT,
	CLI_OPT_END,
};

static int alerts_set(void *ctx, int id, const char *arg)
{
	struct alerts_args *a = ctx;

	if (id != OPT_URL)
		return -ENOENT;
	if (strncmp(arg, "http://", 7) && strncmp(arg, "https://", 8))
		return -EINVAL;
	a->url = arg;
	return 0;
}

static const struct cli_cmd alerts_cmd = {
	.name = "alerts",
	.usage = "vigil alerts [--url http://127.0.0.1:9464] [-f table|csv|json|ndjson]",
	.summary =
		"List the alerts of a running `vigil serve --rules` (pending, firing, resolved).",
	.opts = alerts_opts,
	.set = alerts_set,
	.examples = "vigil alerts\n"
		    "vigil alerts --url http://10.0.0.5:9464 -f json",
};

struct body {
	char *buf;
	size_t len;
};

static size_t body_write(char *ptr, size_t size, size_t nmemb, void *ud)
{
	struct body *b = ud;
	size_t n = size * nmemb;
	char *nv;

	if (b->len + n > ALERTS_MAX_BODY)
		return 0;
	nv = realloc(b->buf, b->len + n + 1);
	if (!nv)
		return 0;
	memcpy(nv + b->len, ptr, n);
	b->buf = nv;
	b->len += n;
	b->buf[b->len] = 0;
	return n;
}

/* GET url; 0 with the body, or -EIO after saying why. */
static int alerts_get(const char *url, struct body *b)
{
	char errbuf[CURL_ERROR_SIZE] = "";
	CURL *h = curl_easy_init();
	long code = 0;
	CURLcode rc;

	if (!h) {
		cli_error(&alerts_cmd, "libcurl cannot be used (is libcurl4 installed?)");
		return -EIO;
	}
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, 10000L);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, body_write);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, b);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
	rc = curl_easy_perform(h);
	if (rc == CURLE_OK)
		curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
	curl_easy_cleanup(h);
	if (rc != CURLE_OK) {
		cli_error(&alerts_cmd, "%s: %s", url, errbuf[0] ? errbuf : curl_easy_strerror(rc));
		return -EIO;
	}
	if (code == 404) {
		cli_error(&alerts_cmd, "%s: not found: is serve running with --rules?", url);
		return -EIO;
	}
	if (code != 200) {
		cli_error(&alerts_cmd, "%s: HTTP %ld", url, code);
		return -EIO;
	}
	return 0;
}

static const char *jstr(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s ? s : "";
}

/* The labels but alertname, as k="v",...; escaped for a terminal when esc. */
static void alert_labels(json_t *labels, char *buf, size_t len)
{
	size_t n = 0;

	buf[0] = 0;
	for (void *it = json_object_iter(labels); it && n < len;
	     it = json_object_iter_next(labels, it)) {
		const char *k = json_object_iter_key(it);
		const char *v = json_string_value(json_object_iter_value(it));

		if (!strcmp(k, "alertname"))
			continue;
		n += (size_t)snprintf(buf + n, len - n, "%s%s=\"%s\"", n ? "," : "", k, v ? v : "");
	}
}

int cmd_alerts(int argc, char **argv)
{
	static const char *const keys[] = { "alertname", "state",   "since",	   "value",
					    "labels",	 "summary", "fingerprint", NULL };
	struct alerts_args a = { .url = "http://" SERVE_DEFAULT_LISTEN };
	struct cli_common common = { 0 };
	struct body b = { 0 };
	json_error_t jerr;
	json_t *root = NULL;
	struct output out;
	struct rows rows;
	char url[1024];
	int first, err = 1;
	bool help;

	first = cli_parse(&alerts_cmd, argc, argv, &common, &a, &help);
	if (first < 0)
		return EXIT_USAGE;
	if (help)
		return 0;
	if (first < argc) {
		cli_error(&alerts_cmd, "unexpected argument '%s'", argv[first]);
		return EXIT_USAGE;
	}
	log_set_level(common.verbose);
	snprintf(url, sizeof(url), "%s%sapi/v2/alerts", a.url,
		 a.url[strlen(a.url) - 1] == '/' ? "" : "/");
	if (alerts_get(url, &b))
		goto out;
	root = json_loadb(b.buf, b.len, 0, &jerr);
	if (!json_is_array(root)) {
		cli_error(&alerts_cmd, "%s: not an alert list: %s", url,
			  root ? "not an array" : jerr.text);
		goto out;
	}
	if (output__open(&out, &alerts_cmd, &common, FMT_TABLE, 0))
		goto out;
	if (out.fmt == FMT_TABLE)
		sink__printf(out.sink, "%-24s %-9s %-24s %12s  %s\n", "ALERTNAME", "STATE", "SINCE",
			     "VALUE", "LABELS / SUMMARY");
	else
		rows__begin(&rows, &out, keys);
	for (size_t i = 0; i < json_array_size(root); i++) {
		json_t *al = json_array_get(root, i);
		json_t *labels = json_object_get(al, "labels");
		json_t *ann = json_object_get(al, "annotations");
		const char *name = jstr(labels, "alertname");
		const char *summary = jstr(ann, "summary");
		double v = json_number_value(json_object_get(al, "value"));
		char lbl[1024], e1[256], e2[1024], e3[1024];

		alert_labels(labels, lbl, sizeof(lbl));
		if (out.fmt == FMT_TABLE) {
			esc_buf(e1, sizeof(e1), name);
			esc_buf(e2, sizeof(e2), lbl);
			esc_buf(e3, sizeof(e3), summary);
			sink__printf(out.sink, "%-24s %-9s %-24s %12g  %s%s%s\n", e1,
				     jstr(al, "state"), jstr(al, "startsAt"), v, e2,
				     e3[0] ? "  " : "", e3);
		} else {
			rows__add(&rows,
				  (const struct rowv[]){ ROWV_S(name), ROWV_S(jstr(al, "state")),
							 ROWV_S(jstr(al, "startsAt")), ROWV_F(v),
							 ROWV_S(lbl), ROWV_S(summary),
							 ROWV_S(jstr(al, "fingerprint")) });
		}
	}
	if (out.fmt != FMT_TABLE)
		rows__end(&rows);
	err = output__close(&out) ? 1 : 0;
out:
	json_decref(root);
	free(b.buf);
	return err;
}
