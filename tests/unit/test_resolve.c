// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * test_resolve.c: the --resolve cache (net/net_resolve.h) with a lookup the test controls
 * (no network): a caller never waits, even while every worker is stuck in a lookup; a name
 * comes on a later call; no name stays unknown; a lookup past the timeout is counted; an
 * expired name is still served while it is looked up again; a full queue is counted, not
 * waited on; and freeing while a worker is stuck returns at once (the worker frees it later).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "net/net_resolve.h"

static pthread_mutex_t gate_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t gate_cond = PTHREAD_COND_INITIALIZER;
static bool gate_open;
static int lookups;

static void gate_set(bool open)
{
	pthread_mutex_lock(&gate_lock);
	gate_open = open;
	pthread_cond_broadcast(&gate_cond);
	pthread_mutex_unlock(&gate_lock);
}

/* Waits for the gate; odd last bytes have a name "host-N", even ones none. */
static int fake_lookup(const uint8_t a[16], char *buf, size_t len)
{
	pthread_mutex_lock(&gate_lock);
	lookups++;
	while (!gate_open)
		pthread_cond_wait(&gate_cond, &gate_lock);
	pthread_mutex_unlock(&gate_lock);
	if (!(a[15] & 1))
		return -1;
	snprintf(buf, len, "host-%u", a[15]);
	return 0;
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static void addr(uint8_t a[16], unsigned int n)
{
	memset(a, 0, 16);
	a[10] = a[11] = 0xff;
	a[12] = 10;
	a[14] = (uint8_t)(n >> 8);
	a[15] = (uint8_t)n;
}

static void test_never_waits_and_names_come_later(void **state)
{
	struct resolver *r;
	struct resolver_stats st;
	char name[RESOLVE_NAME_MAX];
	uint8_t a1[16], a2[16];
	uint64_t t0;

	(void)state;
	gate_set(false);
	r = resolver__new_with(50 * 1000000ULL, 3600 * 1000000000ULL, fake_lookup);
	assert_non_null(r);
	addr(a1, 1);
	addr(a2, 2);
	t0 = now_ns();
	for (int i = 0; i < 1000; i++) {
		assert_int_equal(resolver__name(r, a1, name, sizeof(name)), 0);
		assert_int_equal(resolver__name(r, a2, name, sizeof(name)), 0);
	}
	/* 2000 calls while both workers are stuck: no call waited for them */
	assert_true(now_ns() - t0 < 200 * 1000000ULL);
	usleep(100 * 1000);
	resolver__stats(r, &st);
	assert_int_equal(st.queued, 2);
	assert_int_equal(st.timeouts, 2);
	gate_set(true);
	resolver__settle(r, now_ns() + 5 * 1000000000ULL);
	assert_int_equal(resolver__name(r, a1, name, sizeof(name)), 1);
	assert_string_equal(name, "host-1");
	assert_int_equal(resolver__name(r, a2, name, sizeof(name)), 0);
	resolver__stats(r, &st);
	assert_int_equal(st.named, 1);
	assert_int_equal(st.unnamed, 1);
	assert_int_equal(st.queued, 2); /* answers are cached: no new lookups */
	resolver__free(r);
}

static void test_expired_name_served_while_refreshed(void **state)
{
	struct resolver *r;
	struct resolver_stats st;
	char name[RESOLVE_NAME_MAX];
	uint8_t a[16];

	(void)state;
	gate_set(true);
	r = resolver__new_with(1000000000ULL, 20 * 1000000ULL, fake_lookup);
	assert_non_null(r);
	addr(a, 3);
	assert_int_equal(resolver__name(r, a, name, sizeof(name)), 0);
	resolver__settle(r, now_ns() + 5 * 1000000000ULL);
	assert_int_equal(resolver__name(r, a, name, sizeof(name)), 1);
	usleep(50 * 1000); /* past the TTL */
	gate_set(false);
	assert_int_equal(resolver__name(r, a, name, sizeof(name)), 1);
	assert_string_equal(name, "host-3");
	assert_int_equal(resolver__name(r, a, name, sizeof(name)), 1); /* while refreshing */
	resolver__stats(r, &st);
	assert_int_equal(st.queued, 2);
	gate_set(true);
	resolver__free(r);
}

static void test_full_queue_counted_and_free_while_stuck(void **state)
{
	struct resolver *r;
	struct resolver_stats st;
	char name[RESOLVE_NAME_MAX];
	uint8_t a[16];
	uint64_t t0;

	(void)state;
	gate_set(false);
	r = resolver__new_with(1000000000ULL, 0, fake_lookup);
	assert_non_null(r);
	for (unsigned int i = 0; i < 1500; i++) {
		addr(a, i);
		assert_int_equal(resolver__name(r, a, name, sizeof(name)), 0);
	}
	resolver__stats(r, &st);
	assert_int_equal(st.queued + st.dropped, 1500);
	assert_true(st.dropped >= 1500 - 1024 - 2);
	t0 = now_ns();
	resolver__free(r); /* workers are stuck in a lookup: it must not wait for them */
	assert_true(now_ns() - t0 < 100 * 1000000ULL);
	gate_set(true);
	usleep(100 * 1000); /* let the workers leave (and free it) before the next test */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_never_waits_and_names_come_later),
		cmocka_unit_test(test_expired_name_served_while_refreshed),
		cmocka_unit_test(test_full_queue_counted_and_free_while_stuck),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
