// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * test_curl_dl.c: libcurl through its loader (user/dl/curl_dl.c), as the probes and the mail
 * use it: a transfer of a file:// URL with options of every argument type (long, pointer,
 * callback, curl_off_t), answers from curl_easy_getinfo, a MIME message built and freed, and
 * the loader's behaviour when a library is missing (NULL, one message, no crash).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <curl/curl.h>

#include "dl/dl.h"

struct buf {
	char data[256];
	size_t len;
};

static size_t on_body(char *ptr, size_t size, size_t n, void *userdata)
{
	struct buf *b = userdata;
	size_t len = size * n;

	if (len > sizeof(b->data) - 1 - b->len)
		return 0;
	memcpy(b->data + b->len, ptr, len);
	b->len += len;
	return len;
}

static void test_file_transfer_through_every_option_type(void **state)
{
	char path[] = "/tmp/vigil-curl-XXXXXX", url[64];
	struct buf b = { .len = 0 };
	curl_off_t size = -1;
	char *scheme = NULL;
	CURL *curl;
	int fd;

	(void)state;
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "hello, vigil\n", 13), 13);
	close(fd);
	snprintf(url, sizeof(url), "file://%s", path);

	curl = curl_easy_init();
	assert_non_null(curl);
	assert_int_equal(curl_easy_setopt(curl, CURLOPT_URL, url), CURLE_OK);
	assert_int_equal(curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_body), CURLE_OK);
	assert_int_equal(curl_easy_setopt(curl, CURLOPT_WRITEDATA, &b), CURLE_OK);
	assert_int_equal(curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, 5000L), CURLE_OK);
	assert_int_equal(curl_easy_setopt(curl, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)1 << 20),
			 CURLE_OK);
	assert_int_equal(curl_easy_perform(curl), CURLE_OK);
	assert_int_equal(b.len, 13);
	assert_memory_equal(b.data, "hello, vigil\n", 13);
	assert_int_equal(curl_easy_getinfo(curl, CURLINFO_SIZE_DOWNLOAD_T, &size), CURLE_OK);
	assert_int_equal(size, 13);
	assert_int_equal(curl_easy_getinfo(curl, CURLINFO_SCHEME, &scheme), CURLE_OK);
	assert_string_equal(scheme, "FILE");

	/* a curl_off_t reaches libcurl whole: resuming at byte 7 leaves "vigil\n" */
	b.len = 0;
	assert_int_equal(curl_easy_setopt(curl, CURLOPT_RESUME_FROM_LARGE, (curl_off_t)7),
			 CURLE_OK);
	assert_int_equal(curl_easy_perform(curl), CURLE_OK);
	assert_int_equal(b.len, 6);
	assert_memory_equal(b.data, "vigil\n", 6);
	assert_string_equal(curl_easy_strerror(CURLE_FILESIZE_EXCEEDED),
			    "Maximum file size exceeded");
	curl_easy_cleanup(curl);
	unlink(path);
}

static void test_mime_message_builds(void **state)
{
	struct curl_slist *hdrs = NULL;
	curl_mimepart *part;
	curl_mime *mime;
	CURL *curl;

	(void)state;
	curl = curl_easy_init();
	mime = curl_mime_init(curl);
	assert_non_null(mime);
	part = curl_mime_addpart(mime);
	assert_non_null(part);
	assert_int_equal(curl_mime_data(part, "text", CURL_ZERO_TERMINATED), CURLE_OK);
	assert_int_equal(curl_mime_type(part, "text/plain"), CURLE_OK);
	assert_int_equal(curl_mime_encoder(part, "quoted-printable"), CURLE_OK);
	hdrs = curl_slist_append(hdrs, "Content-ID: <chart>");
	assert_non_null(hdrs);
	assert_int_equal(curl_mime_headers(part, hdrs, 1), CURLE_OK);
	assert_int_equal(curl_mime_encoder(part, "no-such-encoding"), CURLE_BAD_FUNCTION_ARGUMENT);
	curl_mime_free(mime);
	curl_easy_cleanup(curl);
}

static void test_missing_library_fails_once_and_cleanly(void **state)
{
	static struct dl_lib missing = DL_LIB_INIT("libvigil-no-such.so.9", "vigil-test");

	(void)state;
	assert_false(dl_lib__load(&missing));
	assert_null(dl_lib__sym(&missing, "anything"));
	assert_null(dl_lib__sym(&missing, "anything"));
	assert_true(missing.tried);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_file_transfer_through_every_option_type),
		cmocka_unit_test(test_mime_message_builds),
		cmocka_unit_test(test_missing_library_fails_once_and_cleanly),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
