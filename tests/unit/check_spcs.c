/*
 * Unit tests of the Snowpark Container Services parsers (container rows,
 * the deprecated SYSTEM$GET_SERVICE_STATUS value, the REST logs answer)
 * and of the log merge that follows "the last N lines" without
 * duplicates.
 */

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "spcs.h"
#include "svc.h"
#include "util.h"

#define LEN(s) (sizeof(s) - 1)

START_TEST(test_container_rows)
{
	const char *row[SPCS_CF_N] = { "DEMO", "XCOM", "SISSYG", "RUNNING", "0",
		"READY", "weaviate", "READY", "Running",
		"semitechnologies/weaviate:1.17.3", "2", "2025-04-25T06:01:38Z",
		NULL };
	const char *evil[SPCS_CF_N] = { "DEMO", "XCOM", "S", "FAILED", "1",
		"FAILED", "web\x1b[31m", "FAILED", "exit\x07 code 1\nnext",
		"img", "x", "garbage", "137" };
	const char *none[SPCS_CF_N] = { "DEMO", "XCOM", "S", "SUSPENDED", NULL,
		NULL, NULL };
	const char *const *f;
	struct svcs c;
	size_t n;

	f = spcs_container_fields(&n);
	ck_assert_uint_eq(n, SPCS_CF_N);
	ck_assert_str_eq(f[SPCS_CF_NAME], "container_name");
	ck_assert_str_eq(f[SPCS_CF_EXIT], "last_exit_code");
	svcs_init(&c);
	ck_assert_int_eq(spcs_container_row(&c, row, SPCS_CF_N), 1);
	ck_assert_int_eq(spcs_container_row(&c, evil, SPCS_CF_N), 1);
	ck_assert_int_eq(spcs_container_row(&c, none, SPCS_CF_N), 0);
	/* A short row: the missing cells are empty, so nothing is added. */
	ck_assert_int_eq(spcs_container_row(&c, row, 3), 0);
	ck_assert_uint_eq(c.n, 2);
	ck_assert_int_eq(c.v[0].origin, SVC_SPCS);
	ck_assert_str_eq(c.v[0].id, "SISSYG/0/weaviate");
	ck_assert_str_eq(c.v[0].name, "weaviate");
	ck_assert_str_eq(c.v[0].service, "SISSYG");
	ck_assert_str_eq(c.v[0].project, "DEMO.XCOM");
	ck_assert_str_eq(c.v[0].instance, "0");
	ck_assert_str_eq(c.v[0].status, "READY");
	ck_assert_str_eq(c.v[0].message, "Running");
	ck_assert_int_eq(c.v[0].state, SVC_RUNNING);
	ck_assert_int_eq(c.v[0].restarts, 2);
	ck_assert_int_eq(c.v[0].exit_code, -1);
	ck_assert(c.v[0].started_at > 1745560000.0 &&
		  c.v[0].started_at < 1745560999.0);
	/* Control characters never survive into the model. */
	ck_assert_ptr_null(strchr(c.v[1].name, 0x1b));
	ck_assert_ptr_null(strchr(c.v[1].message, 0x07));
	ck_assert_ptr_null(strchr(c.v[1].message, '\n'));
	ck_assert_int_eq(c.v[1].state, SVC_FAILED);
	ck_assert_int_eq(c.v[1].restarts, 0);
	ck_assert_int_eq(c.v[1].exit_code, 137);
	ck_assert(c.v[1].started_at == 0);
	svcs_free(&c);
}
END_TEST

START_TEST(test_status_fallback)
{
	static const char body[] =
	    "[{\"status\":\"READY\",\"message\":\"Running\","
	    "\"containerName\":\"echo\",\"instanceId\":\"0\","
	    "\"serviceName\":\"ECHO_SERVICE\",\"image\":\"repo/echo:1\","
	    "\"restartCount\":3,\"startTime\":\"2023-01-01T00:00:00Z\","
	    "\"containerStatus\":{\"peakMemoryGiB\":1.5}},"
	    "{\"status\":\"PENDING\",\"message\":\"Unschedulable due to "
	    "insufficient resources\",\"containerName\":\"side\","
	    "\"instanceId\":1,\"serviceName\":\"ECHO_SERVICE\"},"
	    "{\"status\":\"READY\"}, 7, null]";
	struct svcs c;
	char *cause = NULL;

	svcs_init(&c);
	ck_assert_int_eq(
	    spcs_status_parse(body, LEN(body), "DB", "SC", &c, &cause), 0);
	ck_assert_uint_eq(c.n, 2);
	ck_assert_str_eq(c.v[0].id, "ECHO_SERVICE/0/echo");
	ck_assert_int_eq(c.v[0].restarts, 3);
	ck_assert_str_eq(c.v[0].project, "DB.SC");
	ck_assert_str_eq(c.v[1].instance, "1");
	ck_assert_int_eq(c.v[1].state, SVC_PENDING);
	ck_assert_str_eq(
	    c.v[1].message, "Unschedulable due to insufficient resources");
	ck_assert_int_eq(
	    spcs_status_parse("{\"a\":1}", 7, NULL, NULL, &c, &cause), -1);
	ck_assert_ptr_nonnull(cause);
	free(cause);
	cause = NULL;
	ck_assert_int_eq(spcs_status_parse("[", 1, NULL, NULL, &c, &cause), -1);
	free(cause);
	ck_assert_uint_eq(c.n, 2);
	svcs_free(&c);
}
END_TEST

START_TEST(test_logs_body)
{
	static const char ok[] =
	    "{\"system$get_service_logs\":\"a\\nb\\u001b[2J\\n\"}";
	char *t = NULL, *cause = NULL;
	size_t len;

	ck_assert_int_eq(
	    spcs_logs_body_parse(ok, LEN(ok), &t, &len, &cause), 0);
	ck_assert_uint_eq(len, 8);
	ck_assert_str_eq(t, "a\nb\x1b[2J\n");
	free(t);
	ck_assert_int_eq(
	    spcs_logs_body_parse("{\"x\":1}", 7, &t, &len, &cause), -1);
	ck_assert_ptr_null(t);
	ck_assert_ptr_nonnull(cause);
	free(cause);
}
END_TEST

/* Collects emitted lines into one '|'-joined string. */
struct got {
	char buf[4096];
	int n;
};

static void
got_line(const char *line, void *arg)
{
	struct got *g = arg;

	if (g->n++ > 0)
		strcat(g->buf, "|");
	strcat(g->buf, line);
}

static size_t
merge(struct spcs_logtail *t, const char *text, size_t window, struct got *g,
    int *gap)
{
	memset(g, 0, sizeof *g);
	return spcs_logtail_merge(
	    t, text, strlen(text), window, got_line, g, gap);
}

START_TEST(test_logtail_complete_logs)
{
	struct spcs_logtail t;
	struct got g;
	int gap;

	spcs_logtail_init(&t);
	t.first_tail = 2;
	ck_assert_uint_eq(merge(&t, "a\nb\nc\n", 100, &g, &gap), 2);
	ck_assert_str_eq(g.buf, "b|c");
	ck_assert_int_eq(gap, 0);
	/* Nothing new: nothing emitted. */
	ck_assert_uint_eq(merge(&t, "a\nb\nc\n", 100, &g, &gap), 0);
	/* Appended lines only, even identical ones (the count decides). */
	ck_assert_uint_eq(merge(&t, "a\nb\nc\nc\nc", 100, &g, &gap), 2);
	ck_assert_str_eq(g.buf, "c|c");
	ck_assert_uint_eq(merge(&t, "a\nb\nc\nc\nc\nc\r\n", 100, &g, &gap), 1);
	ck_assert_str_eq(g.buf, "c");
	/* The container restarted: a shorter, different log is all new. */
	ck_assert_uint_eq(merge(&t, "x\ny\n", 100, &g, &gap), 2);
	ck_assert_str_eq(g.buf, "x|y");
	ck_assert_int_eq(gap, 1);
	/* Same length but rewritten: new too. */
	ck_assert_uint_eq(merge(&t, "p\nq\n", 100, &g, &gap), 2);
	ck_assert_int_eq(gap, 1);
	spcs_logtail_free(&t);
}
END_TEST

START_TEST(test_logtail_window)
{
	struct spcs_logtail t;
	struct got g;
	int gap;

	spcs_logtail_init(&t);
	/* The window (3) is full: a sliding tail. */
	ck_assert_uint_eq(merge(&t, "1\n2\n3\n", 3, &g, &gap), 3);
	ck_assert_uint_eq(merge(&t, "2\n3\n4\n", 3, &g, &gap), 1);
	ck_assert_str_eq(g.buf, "4");
	ck_assert_uint_eq(merge(&t, "2\n3\n4\n", 3, &g, &gap), 0);
	ck_assert_uint_eq(merge(&t, "4\n5\n6\n", 3, &g, &gap), 2);
	ck_assert_str_eq(g.buf, "5|6");
	ck_assert_int_eq(gap, 0);
	/* More than the window arrived: all shown, the gap said. */
	ck_assert_uint_eq(merge(&t, "9\n10\n11\n", 3, &g, &gap), 3);
	ck_assert_int_eq(gap, 1);
	/* Repeated lines in the window: the longest overlap wins. */
	ck_assert_uint_eq(merge(&t, "10\n11\n11\n", 3, &g, &gap), 1);
	ck_assert_str_eq(g.buf, "11");
	ck_assert_uint_eq(merge(&t, "11\n11\nz\n", 3, &g, &gap), 1);
	ck_assert_str_eq(g.buf, "z");
	/* Empty snapshots (a suspended service) emit nothing. */
	ck_assert_uint_eq(merge(&t, "", 3, &g, &gap), 0);
	ck_assert_uint_eq(t.n, 0);
	spcs_logtail_free(&t);
}
END_TEST

START_TEST(test_logtail_sanitizes)
{
	struct spcs_logtail t;
	struct got g;

	spcs_logtail_init(&t);
	ck_assert_uint_eq(
	    merge(&t, "ok\tfine\n\x1b]0;pwned\x07x\x1b[2Jy\n", 0, &g, NULL), 2);
	ck_assert_ptr_null(strchr(g.buf, 0x1b));
	ck_assert_ptr_null(strchr(g.buf, 0x07));
	ck_assert_ptr_nonnull(strstr(g.buf, "ok\tfine"));
	/* Secrets in log lines are masked, like every other display text. */
	ck_assert_uint_eq(merge(&t,
			      "ok\tfine\n\x1b]0;pwned\x07x\x1b[2Jy\n"
			      "OPENAI_APIKEY=sk-live-0123456789abcdef\n",
			      0, &g, NULL),
	    1);
	ck_assert_ptr_null(strstr(g.buf, "sk-live-0123456789abcdef"));
	ck_assert_ptr_nonnull(strstr(g.buf, "OPENAI_APIKEY="));
	spcs_logtail_free(&t);
}
END_TEST

START_TEST(test_action_names)
{
	ck_assert_str_eq(spcs_action_name(SPCS_RESTART), "restart");
	ck_assert_str_eq(spcs_action_name(SPCS_SUSPEND), "suspend");
	ck_assert_str_eq(spcs_action_name(SPCS_POOL_RESUME), "pool-resume");
}
END_TEST

Suite *spcs_suite(void);

Suite *
spcs_suite(void)
{
	Suite *s = suite_create("spcs");
	TCase *tc = tcase_create("spcs");

	tcase_add_test(tc, test_container_rows);
	tcase_add_test(tc, test_status_fallback);
	tcase_add_test(tc, test_logs_body);
	tcase_add_test(tc, test_logtail_complete_logs);
	tcase_add_test(tc, test_logtail_window);
	tcase_add_test(tc, test_logtail_sanitizes);
	tcase_add_test(tc, test_action_names);
	suite_add_tcase(s, tc);
	return s;
}
