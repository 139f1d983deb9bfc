// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * curl_dl.c: libcurl, loaded on first use (dl.h). The probes (HTTP timing, TLS certificates)
 * and the mail and webhook notifications call libcurl's easy, slist, MIME and header
 * functions; each is defined here under its own name and forwards to libcurl.so.4. When
 * libcurl cannot be loaded every call fails as libcurl reports failure (NULL, or
 * CURLE_FAILED_INIT), after one message naming the library and its package.
 */
#define CURL_DISABLE_TYPECHECK /* the macros would rename the functions defined here */
#include <stdarg.h>
#include <curl/curl.h>

#include "dl/dl.h"

static struct dl_lib curl_lib = DL_LIB_INIT("libcurl.so.4", "libcurl4");

#define CURL_FN(name) DL_FN(&curl_lib, name)

CURLcode curl_global_init(long flags)
{
	__typeof__(&curl_global_init) fn = CURL_FN(curl_global_init);

	return fn ? fn(flags) : CURLE_FAILED_INIT;
}

curl_version_info_data *curl_version_info(CURLversion age)
{
	__typeof__(&curl_version_info) fn = CURL_FN(curl_version_info);

	return fn ? fn(age) : NULL;
}

CURL *curl_easy_init(void)
{
	__typeof__(&curl_easy_init) fn = CURL_FN(curl_easy_init);

	return fn ? fn() : NULL;
}

/*
 * The option's number says the type of its one argument (CURLOPTTYPE_*), so the argument is
 * taken with its own type and passed on as it came.
 */
CURLcode curl_easy_setopt(CURL *curl, CURLoption option, ...)
{
	__typeof__(&curl_easy_setopt) fn = CURL_FN(curl_easy_setopt);
	CURLcode rc = CURLE_FAILED_INIT;
	va_list ap;

	if (!fn)
		return rc;
	va_start(ap, option);
	if (option < CURLOPTTYPE_OBJECTPOINT)
		rc = fn(curl, option, va_arg(ap, long));
	else if (option < CURLOPTTYPE_FUNCTIONPOINT)
		rc = fn(curl, option, va_arg(ap, void *));
	else if (option < CURLOPTTYPE_OFF_T)
		rc = fn(curl, option, va_arg(ap, void (*)(void)));
	else if (option < CURLOPTTYPE_BLOB)
		rc = fn(curl, option, va_arg(ap, curl_off_t));
	else
		rc = fn(curl, option, va_arg(ap, void *));
	va_end(ap);
	return rc;
}

CURLcode curl_easy_perform(CURL *curl)
{
	__typeof__(&curl_easy_perform) fn = CURL_FN(curl_easy_perform);

	return fn ? fn(curl) : CURLE_FAILED_INIT;
}

/* Every CURLINFO takes one pointer to where the answer goes. */
CURLcode curl_easy_getinfo(CURL *curl, CURLINFO info, ...)
{
	__typeof__(&curl_easy_getinfo) fn = CURL_FN(curl_easy_getinfo);
	CURLcode rc = CURLE_FAILED_INIT;
	va_list ap;

	if (!fn)
		return rc;
	va_start(ap, info);
	rc = fn(curl, info, va_arg(ap, void *));
	va_end(ap);
	return rc;
}

void curl_easy_reset(CURL *curl)
{
	__typeof__(&curl_easy_reset) fn = CURL_FN(curl_easy_reset);

	if (fn)
		fn(curl);
}

void curl_easy_cleanup(CURL *curl)
{
	__typeof__(&curl_easy_cleanup) fn = CURL_FN(curl_easy_cleanup);

	if (fn)
		fn(curl);
}

const char *curl_easy_strerror(CURLcode code)
{
	__typeof__(&curl_easy_strerror) fn = CURL_FN(curl_easy_strerror);

	return fn ? fn(code) : "libcurl is not available";
}

struct curl_header *curl_easy_nextheader(CURL *easy, unsigned int origin, int request,
					 struct curl_header *prev)
{
	__typeof__(&curl_easy_nextheader) fn = CURL_FN(curl_easy_nextheader);

	return fn ? fn(easy, origin, request, prev) : NULL;
}

struct curl_slist *curl_slist_append(struct curl_slist *list, const char *data)
{
	__typeof__(&curl_slist_append) fn = CURL_FN(curl_slist_append);

	return fn ? fn(list, data) : NULL;
}

void curl_slist_free_all(struct curl_slist *list)
{
	__typeof__(&curl_slist_free_all) fn = CURL_FN(curl_slist_free_all);

	if (fn)
		fn(list);
}

curl_mime *curl_mime_init(CURL *easy)
{
	__typeof__(&curl_mime_init) fn = CURL_FN(curl_mime_init);

	return fn ? fn(easy) : NULL;
}

void curl_mime_free(curl_mime *mime)
{
	__typeof__(&curl_mime_free) fn = CURL_FN(curl_mime_free);

	if (fn)
		fn(mime);
}

curl_mimepart *curl_mime_addpart(curl_mime *mime)
{
	__typeof__(&curl_mime_addpart) fn = CURL_FN(curl_mime_addpart);

	return fn ? fn(mime) : NULL;
}

CURLcode curl_mime_name(curl_mimepart *part, const char *name)
{
	__typeof__(&curl_mime_name) fn = CURL_FN(curl_mime_name);

	return fn ? fn(part, name) : CURLE_FAILED_INIT;
}

CURLcode curl_mime_filename(curl_mimepart *part, const char *filename)
{
	__typeof__(&curl_mime_filename) fn = CURL_FN(curl_mime_filename);

	return fn ? fn(part, filename) : CURLE_FAILED_INIT;
}

CURLcode curl_mime_type(curl_mimepart *part, const char *mimetype)
{
	__typeof__(&curl_mime_type) fn = CURL_FN(curl_mime_type);

	return fn ? fn(part, mimetype) : CURLE_FAILED_INIT;
}

CURLcode curl_mime_encoder(curl_mimepart *part, const char *encoding)
{
	__typeof__(&curl_mime_encoder) fn = CURL_FN(curl_mime_encoder);

	return fn ? fn(part, encoding) : CURLE_FAILED_INIT;
}

CURLcode curl_mime_data(curl_mimepart *part, const char *data, size_t datasize)
{
	__typeof__(&curl_mime_data) fn = CURL_FN(curl_mime_data);

	return fn ? fn(part, data, datasize) : CURLE_FAILED_INIT;
}

CURLcode curl_mime_filedata(curl_mimepart *part, const char *filename)
{
	__typeof__(&curl_mime_filedata) fn = CURL_FN(curl_mime_filedata);

	return fn ? fn(part, filename) : CURLE_FAILED_INIT;
}

CURLcode curl_mime_subparts(curl_mimepart *part, curl_mime *subparts)
{
	__typeof__(&curl_mime_subparts) fn = CURL_FN(curl_mime_subparts);

	return fn ? fn(part, subparts) : CURLE_FAILED_INIT;
}

CURLcode curl_mime_headers(curl_mimepart *part, struct curl_slist *headers, int take_ownership)
{
	__typeof__(&curl_mime_headers) fn = CURL_FN(curl_mime_headers);

	return fn ? fn(part, headers, take_ownership) : CURLE_FAILED_INIT;
}

void curl_free(void *p)
{
	__typeof__(&curl_free) fn = CURL_FN(curl_free);

	if (fn)
		fn(p);
}

CURLU *curl_url(void)
{
	__typeof__(&curl_url) fn = CURL_FN(curl_url);

	return fn ? fn() : NULL;
}

void curl_url_cleanup(CURLU *handle)
{
	__typeof__(&curl_url_cleanup) fn = CURL_FN(curl_url_cleanup);

	if (fn)
		fn(handle);
}

CURLUcode curl_url_set(CURLU *handle, CURLUPart what, const char *part, unsigned int flags)
{
	__typeof__(&curl_url_set) fn = CURL_FN(curl_url_set);

	return fn ? fn(handle, what, part, flags) : CURLUE_OUT_OF_MEMORY;
}

CURLUcode curl_url_get(CURLU *handle, CURLUPart what, char **part, unsigned int flags)
{
	__typeof__(&curl_url_get) fn = CURL_FN(curl_url_get);

	return fn ? fn(handle, what, part, flags) : CURLUE_OUT_OF_MEMORY;
}

const char *curl_url_strerror(CURLUcode code)
{
	__typeof__(&curl_url_strerror) fn = CURL_FN(curl_url_strerror);

	return fn ? fn(code) : "libcurl is not available";
}

CURLcode curl_easy_send(CURL *curl, const void *buffer, size_t buflen, size_t *n)
{
	__typeof__(&curl_easy_send) fn = CURL_FN(curl_easy_send);

	return fn ? fn(curl, buffer, buflen, n) : CURLE_FAILED_INIT;
}

CURLcode curl_easy_recv(CURL *curl, void *buffer, size_t buflen, size_t *n)
{
	__typeof__(&curl_easy_recv) fn = CURL_FN(curl_easy_recv);

	return fn ? fn(curl, buffer, buflen, n) : CURLE_FAILED_INIT;
}
