// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * jansson_dl.c: Jansson, the JSON parser `vigil fleet --merge` reads the hosts' histograms
 * with and `vigil diff` reads snapshots with, loaded on first use (dl/dl.h) so that no other
 * command pays for it at exec. Each function is defined under Jansson's own name and
 * prototype; when it cannot be loaded, json_loadb() fails as Jansson does, with the reason in
 * the error, after one message naming the library and its package.
 */
#include <stdio.h>
#include <string.h>
#include <jansson.h>

#include "dl/dl.h"

static struct dl_lib jansson_lib = DL_LIB_INIT("libjansson.so.4", "libjansson4");

#define JSON_FN(name) DL_FN(&jansson_lib, name)

json_t *json_loadb(const char *buffer, size_t buflen, size_t flags, json_error_t *error)
{
	__typeof__(&json_loadb) fn = JSON_FN(json_loadb);

	if (fn)
		return fn(buffer, buflen, flags, error);
	if (error) {
		memset(error, 0, sizeof(*error));
		snprintf(error->text, sizeof(error->text), "libjansson.so.4 could not be loaded");
	}
	return NULL;
}

void json_delete(json_t *json)
{
	__typeof__(&json_delete) fn = JSON_FN(json_delete);

	if (fn)
		fn(json);
}

json_t *json_object_get(const json_t *object, const char *key)
{
	__typeof__(&json_object_get) fn = JSON_FN(json_object_get);

	return fn ? fn(object, key) : NULL;
}

size_t json_array_size(const json_t *array)
{
	__typeof__(&json_array_size) fn = JSON_FN(json_array_size);

	return fn ? fn(array) : 0;
}

json_t *json_array_get(const json_t *array, size_t index)
{
	__typeof__(&json_array_get) fn = JSON_FN(json_array_get);

	return fn ? fn(array, index) : NULL;
}

const char *json_string_value(const json_t *string)
{
	__typeof__(&json_string_value) fn = JSON_FN(json_string_value);

	return fn ? fn(string) : NULL;
}

json_int_t json_integer_value(const json_t *integer)
{
	__typeof__(&json_integer_value) fn = JSON_FN(json_integer_value);

	return fn ? fn(integer) : 0;
}

size_t json_string_length(const json_t *string)
{
	__typeof__(&json_string_length) fn = JSON_FN(json_string_length);

	return fn ? fn(string) : 0;
}

double json_number_value(const json_t *json)
{
	__typeof__(&json_number_value) fn = JSON_FN(json_number_value);

	return fn ? fn(json) : 0;
}

void *json_object_iter(json_t *object)
{
	__typeof__(&json_object_iter) fn = JSON_FN(json_object_iter);

	return fn ? fn(object) : NULL;
}

void *json_object_iter_next(json_t *object, void *iter)
{
	__typeof__(&json_object_iter_next) fn = JSON_FN(json_object_iter_next);

	return fn ? fn(object, iter) : NULL;
}

const char *json_object_iter_key(void *iter)
{
	__typeof__(&json_object_iter_key) fn = JSON_FN(json_object_iter_key);

	return fn ? fn(iter) : NULL;
}

json_t *json_object_iter_value(void *iter)
{
	__typeof__(&json_object_iter_value) fn = JSON_FN(json_object_iter_value);

	return fn ? fn(iter) : NULL;
}

/* The builders the alert webhook and /api/v2/alerts write their JSON with. */
json_t *json_object(void)
{
	__typeof__(&json_object) fn = JSON_FN(json_object);

	return fn ? fn() : NULL;
}

json_t *json_array(void)
{
	__typeof__(&json_array) fn = JSON_FN(json_array);

	return fn ? fn() : NULL;
}

json_t *json_string(const char *value)
{
	__typeof__(&json_string) fn = JSON_FN(json_string);

	return fn ? fn(value) : NULL;
}

json_t *json_real(double value)
{
	__typeof__(&json_real) fn = JSON_FN(json_real);

	return fn ? fn(value) : NULL;
}

json_t *json_integer(json_int_t value)
{
	__typeof__(&json_integer) fn = JSON_FN(json_integer);

	return fn ? fn(value) : NULL;
}

json_t *json_null(void)
{
	__typeof__(&json_null) fn = JSON_FN(json_null);

	return fn ? fn() : NULL;
}

int json_object_set_new(json_t *object, const char *key, json_t *value)
{
	__typeof__(&json_object_set_new) fn = JSON_FN(json_object_set_new);

	if (fn)
		return fn(object, key, value);
	json_decref(value);
	return -1;
}

int json_array_append_new(json_t *array, json_t *value)
{
	__typeof__(&json_array_append_new) fn = JSON_FN(json_array_append_new);

	if (fn)
		return fn(array, value);
	json_decref(value);
	return -1;
}

char *json_dumps(const json_t *json, size_t flags)
{
	__typeof__(&json_dumps) fn = JSON_FN(json_dumps);

	return fn ? fn(json, flags) : NULL;
}
