// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * test_web_config.c: the `vigil serve --web.config.file` parser (user/web_config.c) on good
 * files, on files that break its rules (unknown keys, wrong types, bad hashes), and on hostile
 * YAML (recursive aliases, deep nesting, binary junk, NULs, truncation): every bad file must be
 * refused with a message that says where, and none may crash it. Basic auth is checked
 * against a bcrypt hash made here with libxcrypt, before and after a match is remembered.
 */
#include <crypt.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "prom/web_config.h"

static struct web_config *parse(const char *text, char *err, size_t errlen)
{
	return web_config__parse(text, strlen(text), "/nonexistent", err, errlen);
}

/* len bytes of text must be refused, with a message containing want (NULL: any message). */
static void refused_n(const char *text, size_t len, const char *want)
{
	char err[256];
	struct web_config *c;

	c = web_config__parse(text, len, "/nonexistent", err, sizeof(err));
	if (c) {
		web_config__free(c);
		fail_msg("accepted: %.80s", text);
	}
	assert_int_equal(errno, EINVAL);
	assert_true(err[0]);
	if (want && !strstr(err, want))
		fail_msg("for %.60s: message '%s' lacks '%s'", text, err, want);
}

static void refused(const char *text, const char *want)
{
	refused_n(text, strlen(text), want);
}

static void test_empty_files_mean_plain_http(void **state)
{
	static const char *const empty[] = {
		"", "\n", "# nothing\n", "~\n", "---\n", "tls_server_config:\nbasic_auth_users: ~\n"
	};
	struct web_tls tls;
	char err[256];

	(void)state;
	for (size_t i = 0; i < sizeof(empty) / sizeof(empty[0]); i++) {
		struct web_config *c = parse(empty[i], err, sizeof(err));

		if (!c)
			fail_msg("'%s' refused: %s", empty[i], err);
		assert_false(web_config__has_tls(c, &tls));
		assert_false(web_config__has_users(c));
		web_config__free(c);
	}
}

static void test_unknown_and_unsupported_keys_are_named(void **state)
{
	(void)state;
	refused("tls_server_config: {}\nbogus: 1\n", NULL);
	refused("bogus: 1\n", "unknown key 'bogus'");
	refused("basic_auth_users: {}\n\nextra_key: x\n", "line 3: unknown key 'extra_key'");
	refused("tls_server_config:\n  cert_file: a\n  certfile: b\n", "'certfile'");
	refused("http_server_config:\n  http2: false\n", "not supported by vigil");
	refused("tls_server_config:\n  min_version: TLS13\n", "'min_version' is not supported");
	refused("basic_auth_users: {}\nbasic_auth_users: {}\n", "given twice");
}

static void test_rule_breaking_files_are_refused(void **state)
{
	(void)state;
	refused("- a\n- b\n", "want a mapping");
	refused("tls_server_config: [a, b]\n", "want a mapping");
	refused("tls_server_config:\n  cert_file: [x]\n", "want a single value");
	refused("tls_server_config:\n  cert_file: missing.pem\n  key_file: k.pem\n",
		"/nonexistent/missing.pem");
	refused("tls_server_config:\n  cert: not pem\n  key: nor this\n", "not PEM");
	refused("tls_server_config:\n  client_auth_type: Sometimes\n", "Sometimes");
	refused("basic_auth_users: alice\n", "want a mapping");
	refused("basic_auth_users:\n  alice: secret\n", "not a bcrypt hash");
	refused("basic_auth_users:\n  alice: [a]\n", "want a single value");
	refused("basic_auth_users:\n  alice: "
		"$2b$31$abcdefghijklmnopqrstuuKq3YyVcr9GFkZzpE2dKkV2F6dpXbGxG\n",
		"bcrypt cost 31 is outside 4..14");
	refused("basic_auth_users:\n  alice: "
		"$2b$03$abcdefghijklmnopqrstuuKq3YyVcr9GFkZzpE2dKkV2F6dpXbGxG\n",
		"bcrypt cost 3 is outside");
	refused("basic_auth_users:\n  'a:b': "
		"$2b$10$abcdefghijklmnopqrstuuKq3YyVcr9GFkZzpE2dKkV2F6dpXbGxG\n",
		"colon");
	refused("basic_auth_users:\n  ? [a]\n  : x\n", "a user name");
	refused("basic_auth_users:\n  alice: "
		"$2b$10$abcdefghijklmnopqrstuuKq3YyVcr9GFkZzpE2dKkV2F6dpXbGx!\n",
		"not a bcrypt hash");
}

static void test_hostile_yaml_is_refused_without_crashing(void **state)
{
	static const char *const hostile[] = {
		/* aliases that point back at their own container */
		"tls_server_config: &a\n  cert_file: *a\n",
		"&a [*a]\n",
		"&r {tls_server_config: *r}\n",
		"basic_auth_users: &u {alice: *u}\n",
		"*undefined\n",
		/* a billion laughs: aliases are references, never expanded */
		"a: &a [x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a]\n"
		"c: &c [*b,*b,*b,*b,*b,*b,*b,*b]\ntls_server_config: *c\n",
		/* broken syntax and truncation */
		"tls_server_config:\n  cert_file: \"unterminated\n",
		"{tls_server_config: {cert_file: a}",
		"tls_server_config:\n\tcert_file: tabs\n",
		"basic_auth_users:\n  alice: 'x\n",
		"%YAML 9.9\n---\n{}\n",
		"%TAG ! tag:x:\n--- !<tag:yaml.org,2002:map> {!!binary a: b}\n",
		"? ? ? ? ? ? ? a\n",
		"basic_auth_users: !!map\n  !!str alice: !!int 1\n",
		"\xef\xbb\xbf\xef\xbb\xbf"
		"bogus: 1\n",
		"tls_server_config:\n  cert_file: \x80\x81\x82\n",
		"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]",
	};
	char deep[20000];
	char err[64]; /* short on purpose: messages are cut, never overflow */
	struct web_config *c;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(hostile) / sizeof(hostile[0]); i++) {
		c = web_config__parse(hostile[i], strlen(hostile[i]), NULL, err, sizeof(err));
		if (c) {
			web_config__free(c);
			fail_msg("hostile input %zu accepted", i);
		}
		assert_true(err[0] && strlen(err) < sizeof(err));
	}
	/* deep nesting, and a NUL inside a scalar (passed with its real length) */
	memset(deep, '{', sizeof(deep) / 2);
	memset(deep + sizeof(deep) / 2, '}', sizeof(deep) / 2);
	refused_n(deep, sizeof(deep), NULL);
	refused("tls_server_config:\n  cert_file: \"a\\0b\"\n", "NUL");
	refused_n("bogus\0: 1\n", 10, NULL);
	refused_n("\xff\xfet\0l\0s\0", 8, NULL); /* UTF-16: a bare scalar, no mapping */
	/* every prefix of a valid file parses or is refused, never crashes */
	{
		static const char full[] =
			"tls_server_config:\n  cert_file: c.pem\n  key_file: k.pem\n"
			"  client_auth_type: RequireAndVerifyClientCert\n  client_ca_file: ca.pem\n"
			"basic_auth_users:\n  alice: "
			"$2b$10$abcdefghijklmnopqrstuuKq3YyVcr9GFkZzpE2dKkV2F6dpXbGxG\n";

		for (i = 0; i < sizeof(full) - 1; i++) {
			c = web_config__parse(full, i, NULL, err, sizeof(err));
			web_config__free(c);
		}
	}
}

static void test_basic_auth_checks_bcrypt_hashes(void **state)
{
	char salt[CRYPT_GENSALT_OUTPUT_SIZE], text[256], err[256];
	struct crypt_data cd = { 0 };
	struct web_config *c;
	const char *hash;

	(void)state;
	assert_non_null(crypt_gensalt_rn("$2b$", 4, NULL, 0, salt, sizeof(salt)));
	hash = crypt_r("s3cret pass", salt, &cd);
	assert_non_null(hash);
	assert_int_equal(strlen(hash), 60);
	snprintf(text, sizeof(text), "basic_auth_users:\n  alice: '%s'\n  bob: %s\n", hash,
		 "$2y$04$abcdefghijklmnopqrstuuKq3YyVcr9GFkZzpE2dKkV2F6dpXbGxG");
	c = parse(text, err, sizeof(err));
	if (!c)
		fail_msg("refused: %s", err);
	assert_true(web_config__has_users(c));
	assert_int_equal(web_config__check_user(c, "alice", "s3cret pass", false), -EWOULDBLOCK);
	assert_int_equal(web_config__check_user(c, "alice", "s3cret pass", true), 0);
	/* remembered: answered without bcrypt */
	assert_int_equal(web_config__check_user(c, "alice", "s3cret pass", false), 0);
	assert_int_equal(web_config__check_user(c, "alice", "s3cret pas", false), -EWOULDBLOCK);
	assert_int_equal(web_config__check_user(c, "alice", "s3cret pas", true), -EACCES);
	assert_int_equal(web_config__check_user(c, "bob", "s3cret pass", true),
			 -EACCES); /* not alice's memory */
	assert_int_equal(web_config__check_user(c, "alice", "s3cret pass ", true), -EACCES);
	assert_int_equal(web_config__check_user(c, "alice", "", true), -EACCES);
	assert_int_equal(web_config__check_user(c, "mallory", "s3cret pass", true), -EACCES);
	assert_int_equal(web_config__check_user(c, "bob", "s3cret pass", true), -EACCES);
	assert_int_equal(web_config__check_user(c, NULL, NULL, true), -EACCES);
	assert_int_equal(web_config__check_user(c, "alice", NULL, true), -EACCES);
	web_config__free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty_files_mean_plain_http),
		cmocka_unit_test(test_unknown_and_unsupported_keys_are_named),
		cmocka_unit_test(test_rule_breaking_files_are_refused),
		cmocka_unit_test(test_hostile_yaml_is_refused_without_crashing),
		cmocka_unit_test(test_basic_auth_checks_bcrypt_hashes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
