/*
 * Unit tests: the Snowflake SQL API client against the in-process stub
 * server: auth headers, bindings and context, result partitions streamed
 * in order (gzip), 202 polling, resubmission with the same requestId plus
 * retry=true, 401 re-authentication, error mapping, cancel, REST calls,
 * command log and audit.
 */

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <uv.h>

#include "http.h"
#include "model.h"
#include "sf_conn.h"
#include "model_sf.h"
#include "sf_sql.h"
#include "src_snowflake.h"
#include "support_server.h"
#include "support_sf.h"
#include "util.h"

#define STMTS "/api/v2/statements"

struct fx {
	struct sf_fx b; /* loop, HTTP, stub server, client */
	/* Every attempt's method and URL, as the HTTP client saw them. */
	struct buf trace;
	/* What the statement delivered. */
	struct buf rows;
	int nrows;
	int metas;
	int done;
	int error;
	char *cause;
	long status;
	int resubmits;
	int polls;
	size_t partitions;
	struct sf_stmt *cancel_me; /* cancelled from the first row */
};

static void
fx_trace(const char *method, const char *url, long status, double ms,
    int attempt, void *arg)
{
	struct fx *f = arg;

	(void)ms;
	(void)attempt;
	buf_printf(&f->trace, "%s %s %ld\n", method, url, status);
}

/* The stub answers a path's requests in arrival order whatever their
 * query, so tests that script partition bodies fetch one at a time;
 * test_partition_window checks the concurrent default. */
static int fx_window = 1;

static void
fx_setup(struct fx *f, int auth_jwt)
{
	struct sf_fx_opts o = { .jwt = auth_jwt,
		.partition_window = fx_window,
		.fast_retries = 1,
		.trace = fx_trace };

	memset(f, 0, sizeof *f);
	buf_init(&f->trace);
	buf_init(&f->rows);
	o.trace_arg = f;
	sf_fx_start(&f->b, &o);
}

static void
fx_run(struct fx *f, long ms)
{
	sf_fx_run(&f->b, &f->done, ms);
}

static void
fx_teardown(struct fx *f)
{
	sf_fx_stop(&f->b, 1);
	buf_free(&f->trace);
	buf_free(&f->rows);
	free(f->cause);
}

static void
on_meta(const struct sf_result_meta *m, void *arg)
{
	struct fx *f = arg;

	f->metas++;
	ck_assert_int_eq(f->nrows, 0);
	buf_printf(&f->rows, "[%s]", m->ncols > 0 ? m->cols[0].name : "");
}

static int
on_row(const char *const *cells, size_t ncols, void *arg, char **cause)
{
	struct fx *f = arg;
	size_t i;

	(void)cause;
	f->nrows++;
	for (i = 0; i < ncols; i++)
		buf_printf(&f->rows, "%s%s", i ? "," : "",
		    cells[i] != NULL ? cells[i] : "NULL");
	buf_addc(&f->rows, ';');
	if (f->cancel_me != NULL) {
		sf_stmt_cancel(f->cancel_me);
		f->cancel_me = NULL;
		f->done = 1;
	}
	return 0;
}

static void
on_done(const struct sf_stmt_result *r, void *arg)
{
	struct fx *f = arg;

	f->done++;
	f->error = r->error;
	f->cause = r->cause != NULL ? xstrdup(r->cause) : NULL;
	f->status = r->status;
	f->resubmits = r->resubmits;
	f->polls = r->polls;
	f->partitions = r->partitions;
	ck_assert_uint_eq(r->rows, (uint64_t)f->nrows);
}

static const struct sf_stmt_cbs cbs = { on_meta, on_row, on_done };

struct call_res {
	int calls;
	int error;
	long status;
	char *cause;
	char *body;
};

static void on_call(const struct sf_call_result *r, void *arg);

static const char result3[] =
    "{\"resultSetMetaData\":{\"numRows\":5,\"format\":\"jsonv2\","
    "\"rowType\":[{\"name\":\"K\",\"type\":\"text\"},{\"name\":\"V\","
    "\"type\":\"fixed\"}],\"partitionInfo\":[{\"rowCount\":2},"
    "{\"rowCount\":2},{\"rowCount\":1}]},\"data\":[[\"a\",\"1\"],"
    "[\"b\",\"2\"]],\"code\":\"090001\",\"sqlState\":\"00000\","
    "\"statementHandle\":\"h1\",\"message\":\"ok\"}";

/* gzip of {"data":[["c","3"],["d",null]]} */
static const char part1_gz[] =
    "\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\x03\xab\x56\x4a\x49\x2c\x49\x54"
    "\xb2\x8a\x8e\x56\x4a\x56\xd2\x51\x32\x56\x8a\xd5\x89\x56\x4a\x51\xd2"
    "\xc9\x2b\xcd\xc9\x89\x8d\xad\x05\x00\x02\x29\x22\x93\x1f\x00\x00\x00";

static void
add_partitions(struct fx *f)
{
	struct stub_response p1 = {
		.body = part1_gz, .body_len = sizeof part1_gz - 1, .gzip = 1
	};
	struct stub_response p2 = { .body = "{\"data\":[[\"e\",\"5\"]]}" };

	stub_server_add(f->b.srv, STMTS "/h1", &p1);
	stub_server_add(f->b.srv, STMTS "/h1", &p2);
}

START_TEST(test_partitions_in_order)
{
	struct fx f;
	struct stub_response ok = { .body = result3 };
	struct sf_bind b[2] = { { "TEXT", "snowpark_demo" }, { "FIXED", "7" } };
	const char *hdr, *body;
	cJSON *o;

	fx_setup(&f, 0);
	stub_server_add(f.b.srv, STMTS, &ok);
	add_partitions(&f);
	sf_sql_run(f.b.sf, "select k, v from t where dag_id = ? and n > ?", b,
	    2, &cbs, &f);
	ck_assert_int_eq(f.done, 0); /* never inside sf_sql_run */
	fx_run(&f, 5000);
	ck_assert_int_eq(f.done, 1);
	ck_assert_msg(f.error == 0, "%s", f.cause);
	ck_assert_int_eq(f.metas, 1);
	ck_assert_str_eq(f.rows.data, "[K]a,1;b,2;c,3;d,NULL;e,5;");
	ck_assert_uint_eq(f.partitions, 3);
	/* Partitions asked by number, in order. */
	ck_assert_ptr_nonnull(strstr(f.trace.data, "/h1?partition=1 200\n"));
	ck_assert_ptr_nonnull(strstr(f.trace.data, "/h1?partition=2 200\n"));
	ck_assert(strstr(f.trace.data, "partition=1") <
		  strstr(f.trace.data, "partition=2"));
	/* Headers: PAT auth, JSON, gzip accepted. */
	hdr = stub_server_last_headers(f.b.srv, STMTS);
	ck_assert_ptr_nonnull(
	    strstr(hdr, "Authorization: Bearer pat-secret-value"));
	ck_assert_ptr_nonnull(strstr(hdr,
	    "X-Snowflake-Authorization-Token-Type: PROGRAMMATIC_ACCESS_TOKEN"));
	ck_assert_ptr_nonnull(strstr(hdr, "Accept: application/json"));
	ck_assert_ptr_nonnull(strstr(
	    stub_server_last_headers(f.b.srv, STMTS "/h1"), "Accept-Encoding"));
	/* The body: statement with placeholders, context, bindings. */
	ck_assert_str_eq(stub_server_last_method(f.b.srv, STMTS), "POST");
	ck_assert_ptr_nonnull(
	    strstr(stub_server_last_target(f.b.srv, STMTS), "?requestId="));
	ck_assert_ptr_null(
	    strstr(stub_server_last_target(f.b.srv, STMTS), "retry=true"));
	body = stub_server_last_body(f.b.srv, STMTS);
	o = cJSON_Parse(body);
	ck_assert_ptr_nonnull(o);
	ck_assert_str_eq(cJSON_GetObjectItem(o, "statement")->valuestring,
	    "select k, v from t where dag_id = ? and n > ?");
	ck_assert_str_eq(
	    cJSON_GetObjectItem(o, "database")->valuestring, "DEMO");
	ck_assert_str_eq(cJSON_GetObjectItem(o, "schema")->valuestring, "XCOM");
	ck_assert_str_eq(
	    cJSON_GetObjectItem(o, "warehouse")->valuestring, "WH");
	ck_assert_str_eq(cJSON_GetObjectItem(o, "role")->valuestring, "R");
	ck_assert_str_eq(
	    cJSON_GetObjectItem(
		cJSON_GetObjectItem(cJSON_GetObjectItem(o, "bindings"), "1"),
		"value")
		->valuestring,
	    "snowpark_demo");
	ck_assert_str_eq(
	    cJSON_GetObjectItem(
		cJSON_GetObjectItem(cJSON_GetObjectItem(o, "bindings"), "2"),
		"type")
		->valuestring,
	    "FIXED");
	cJSON_Delete(o);
	/* The command log has the statement, without the bound values. */
	ck_assert_ptr_nonnull(cmdlog_get(&f.b.cmdlog, 0));
	ck_assert_str_eq(cmdlog_get(&f.b.cmdlog, 0)->kind, "SQL");
	ck_assert_ptr_nonnull(
	    strstr(cmdlog_get(&f.b.cmdlog, 0)->what, "dag_id = ?"));
	ck_assert_ptr_null(
	    strstr(cmdlog_get(&f.b.cmdlog, 0)->what, "snowpark"));
	fx_teardown(&f);
}
END_TEST

START_TEST(test_post_on_fresh_connection)
{
	struct fx f;
	struct stub_response one = { .body = "{\"resultSetMetaData\":{"
					     "\"numRows\":1,\"rowType\":[{"
					     "\"name\":\"X\"}]},\"data\":[["
					     "\"1\"]],\"statementHandle\":"
					     "\"h\"}" };
	struct stub_response list = { .body = "[]" };
	struct call_res r = { 0 };
	int before;

	fx_setup(&f, 0);
	stub_server_add(f.b.srv, STMTS, &one);
	stub_server_add(f.b.srv, "/api/v2/x", &list);
	/* A GET leaves a kept-alive connection... */
	sf_rest_call(f.b.sf, "GET", "/api/v2/x", NULL, NULL, "x", on_call, &r);
	sf_fx_guard(&f.b, 5000);
	while (!f.b.expired && r.calls == 0)
		uv_run(&f.b.loop, UV_RUN_ONCE);
	uv_timer_stop(&f.b.guard);
	before = stub_server_connections(f.b.srv);
	/* ...which the statement does not reuse. */
	sf_sql_run(f.b.sf, "select 1", NULL, 0, &cbs, &f);
	fx_run(&f, 5000);
	ck_assert_msg(f.error == 0, "%s", f.cause);
	ck_assert_int_eq(stub_server_connections(f.b.srv), before + 1);
	free(r.body);
	free(r.cause);
	fx_teardown(&f);
}
END_TEST

START_TEST(test_202_polling)
{
	struct fx f;
	struct stub_response acc = { .status = 202,
		.body = "{\"code\":\"333334\",\"message\":\"Asynchronous "
			"execution in progress.\",\"statementHandle\":\"h1\","
			"\"statementStatusUrl\":\"/api/v2/statements/h1\"}" };
	struct stub_response ok = { .body = result3 };

	fx_setup(&f, 0);
	stub_server_add(f.b.srv, STMTS, &acc);
	/* Two more 202s on the status URL, then the result. */
	stub_server_add(f.b.srv, STMTS "/h1", &acc);
	stub_server_add(f.b.srv, STMTS "/h1", &acc);
	stub_server_add(f.b.srv, STMTS "/h1", &ok);
	add_partitions(&f);
	sf_sql_run(f.b.sf, "select 1", NULL, 0, &cbs, &f);
	fx_run(&f, 5000);
	ck_assert_int_eq(f.done, 1);
	ck_assert_msg(f.error == 0, "%s", f.cause);
	ck_assert_int_eq(f.polls, 3);
	ck_assert_str_eq(f.rows.data, "[K]a,1;b,2;c,3;d,NULL;e,5;");
	/* One POST: polling never resubmits. */
	ck_assert_int_eq(stub_server_hits(f.b.srv, STMTS), 1);
	ck_assert_int_eq(stub_server_hits(f.b.srv, STMTS "/h1"), 5);
	fx_teardown(&f);
}
END_TEST

/* Whether the line starting at p contains needle. */
static int
line_has(const char *p, const char *needle)
{
	const char *eol = strchr(p, '\n');
	char *line = eol != NULL ? xstrndup(p, (size_t)(eol - p)) : xstrdup(p);
	int r = strstr(line, needle) != NULL;

	free(line);
	return r;
}

START_TEST(test_resubmit_same_request_id)
{
	struct fx f;
	struct stub_response busy = { .status = 503,
		.body = "{\"code\":\"390503\",\"message\":\"busy\"}" };
	struct stub_response limited = { .status = 429,
		.headers = "Retry-After: 0\r\n",
		.body = "{\"code\":\"390505\",\"message\":\"Too many "
			"requests.\"}" };
	struct stub_response drop = { .action = STUB_CLOSE };
	struct stub_response ok = { .body = result3 };
	char *first, *id, *p;
	int n = 0;

	fx_setup(&f, 0);
	stub_server_add(f.b.srv, STMTS, &busy);
	stub_server_add(f.b.srv, STMTS, &limited);
	stub_server_add(f.b.srv, STMTS, &drop);
	stub_server_add(f.b.srv, STMTS, &ok);
	add_partitions(&f);
	sf_sql_run(f.b.sf, "select 1", NULL, 0, &cbs, &f);
	fx_run(&f, 10000);
	ck_assert_int_eq(f.done, 1);
	ck_assert_msg(f.error == 0, "%s", f.cause);
	/* Each POST goes on a fresh connection, so libcurl never resends
	 * one by itself: every resend is ours, marked retry=true. */
	ck_assert_int_eq(f.resubmits, 3);
	ck_assert_int_eq(stub_server_hits(f.b.srv, STMTS), 4);
	ck_assert_str_eq(f.rows.data, "[K]a,1;b,2;c,3;d,NULL;e,5;");
	/* The first POST has no retry flag; every resubmission carries the
	 * same requestId and retry=true. */
	first = strstr(f.trace.data, "POST ");
	ck_assert_ptr_nonnull(first);
	id = strstr(first, "requestId=");
	ck_assert_ptr_nonnull(id);
	id = xstrndup(id, 10 + 36);
	ck_assert(!line_has(first, "retry"));
	for (p = f.trace.data; (p = strstr(p, "POST ")) != NULL; p++) {
		ck_assert(line_has(p, id));
		if (n++ > 0)
			ck_assert(line_has(p, "&retry=true"));
	}
	ck_assert_int_eq(n, f.resubmits + 1);
	free(id);
	fx_teardown(&f);
}
END_TEST

START_TEST(test_resubmits_bounded)
{
	struct fx f;
	struct stub_response busy = { .status = 500,
		.body = "{\"code\":\"390500\",\"message\":\"internal\"}" };

	fx_setup(&f, 0);
	stub_server_add(f.b.srv, STMTS, &busy);
	sf_sql_run(f.b.sf, "select 1", NULL, 0, &cbs, &f);
	fx_run(&f, 10000);
	ck_assert_int_eq(f.done, 1);
	ck_assert_int_eq(f.error, 1);
	ck_assert_int_eq(stub_server_hits(f.b.srv, STMTS), 5); /* 1 + 4 */
	ck_assert_ptr_nonnull(strstr(f.cause, "HTTP 500, code 390500"));
	ck_assert_ptr_nonnull(strstr(f.cause, "try again"));
	fx_teardown(&f);
}
END_TEST

START_TEST(test_error_422)
{
	struct fx f;
	struct stub_response bad = { .status = 422,
		.body = "{\"code\":\"002003\",\"message\":\"SQL compilation "
			"error:\\nTable 'NOPE' does not exist or not "
			"authorized.\",\"sqlState\":\"42S02\","
			"\"statementHandle\":\"h9\"}" };

	fx_setup(&f, 0);
	stub_server_add(f.b.srv, STMTS, &bad);
	sf_sql_run(f.b.sf, "select * from nope", NULL, 0, &cbs, &f);
	fx_run(&f, 5000);
	ck_assert_int_eq(f.error, 1);
	ck_assert_int_eq(f.status, 422);
	ck_assert_int_eq(stub_server_hits(f.b.srv, STMTS), 1); /* no retry */
	ck_assert_str_eq(f.cause,
	    "the SQL statement failed (HTTP 422, code 002003, SQL state "
	    "42S02): SQL compilation error: Table 'NOPE' does not exist or "
	    "not authorized.; check the object name and that the role has "
	    "access to it");
	ck_assert_int_eq(cmdlog_get(&f.b.cmdlog, 0)->status, 422);
	fx_teardown(&f);
}
END_TEST

START_TEST(test_partition_short_fails)
{
	struct fx f;
	struct stub_response ok = { .body = result3 };
	struct stub_response p1 = { .body = "{\"data\":[[\"c\",\"3\"]]}" };

	fx_setup(&f, 0);
	stub_server_add(f.b.srv, STMTS, &ok);
	stub_server_add(f.b.srv, STMTS "/h1", &p1);
	sf_sql_run(f.b.sf, "select 1", NULL, 0, &cbs, &f);
	fx_run(&f, 5000);
	ck_assert_int_eq(f.error, 1);
	ck_assert_ptr_nonnull(strstr(f.cause, "announced 2"));
	fx_teardown(&f);
}
END_TEST

START_TEST(test_jwt_auth_and_reauth)
{
	struct fx f;
	struct stub_response denied = { .status = 401,
		.body = "{\"code\":\"390144\",\"message\":\"JWT token is "
			"invalid.\"}" };
	struct stub_response ok = { .body = result3 };
	const char *hdr;

	fx_setup(&f, 1);
	stub_server_add(f.b.srv, STMTS, &denied);
	stub_server_add(f.b.srv, STMTS, &ok);
	add_partitions(&f);
	sf_sql_run(f.b.sf, "select 1", NULL, 0, &cbs, &f);
	fx_run(&f, 5000);
	ck_assert_msg(f.error == 0, "%s", f.cause);
	ck_assert_int_eq(stub_server_hits(f.b.srv, STMTS), 2);
	hdr = stub_server_last_headers(f.b.srv, STMTS);
	ck_assert_ptr_nonnull(strstr(hdr, "Authorization: Bearer eyJ"));
	ck_assert_ptr_nonnull(
	    strstr(hdr, "X-Snowflake-Authorization-Token-Type: KEYPAIR_JWT"));
	fx_teardown(&f);

	/* A second 401 is final, with the key-pair advice. */
	fx_setup(&f, 1);
	stub_server_add(f.b.srv, STMTS, &denied);
	sf_sql_run(f.b.sf, "select 1", NULL, 0, &cbs, &f);
	fx_run(&f, 5000);
	ck_assert_int_eq(f.error, 1);
	ck_assert_int_eq(stub_server_hits(f.b.srv, STMTS), 2);
	ck_assert_ptr_nonnull(strstr(f.cause, "RSA_PUBLIC_KEY_FP"));
	fx_teardown(&f);
}
END_TEST

START_TEST(test_cancel)
{
	struct fx f;
	struct stub_response acc = { .status = 202,
		.body = "{\"code\":\"333334\",\"statementHandle\":\"h1\"}" };
	struct stub_response cancelled = {
		.body = "{\"code\":\"000604\",\"sqlState\":\"57014\","
			"\"message\":\"SQL execution canceled\","
			"\"statementHandle\":\"h1\"}"
	};
	struct sf_stmt *s;
	int hits = 0;

	fx_setup(&f, 0);
	stub_server_add(f.b.srv, STMTS, &acc);
	stub_server_add(f.b.srv, STMTS "/h1", &acc);
	stub_server_add(f.b.srv, STMTS "/h1/cancel", &cancelled);
	s = sf_sql_run(f.b.sf, "select system$wait(60)", NULL, 0, &cbs, &f);
	/* Run until the statement is being polled. */
	sf_fx_guard(&f.b, 5000);
	while (!f.b.expired && stub_server_hits(f.b.srv, STMTS "/h1") < 1)
		uv_run(&f.b.loop, UV_RUN_ONCE);
	uv_timer_stop(&f.b.guard);
	sf_stmt_cancel(s);
	sf_fx_guard(&f.b, 5000);
	while (!f.b.expired &&
	       (hits = stub_server_hits(f.b.srv, STMTS "/h1/cancel")) < 1)
		uv_run(&f.b.loop, UV_RUN_ONCE);
	uv_timer_stop(&f.b.guard);
	ck_assert_int_eq(hits, 1);
	ck_assert_str_eq(
	    stub_server_last_method(f.b.srv, STMTS "/h1/cancel"), "POST");
	ck_assert_int_eq(f.done, 0); /* no callback after cancel */
	ck_assert_int_eq(sf_client_pending(f.b.sf), 0);
	fx_teardown(&f);
}
END_TEST

START_TEST(test_cancel_from_row)
{
	struct fx f;
	struct stub_response ok = { .body = result3 };

	fx_setup(&f, 0);
	stub_server_add(f.b.srv, STMTS, &ok);
	add_partitions(&f);
	f.cancel_me = sf_sql_run(f.b.sf, "select 1", NULL, 0, &cbs, &f);
	fx_run(&f, 5000);
	/* Cancelled from inside the row callback: no crash, no more rows. */
	uv_run(&f.b.loop, UV_RUN_NOWAIT);
	ck_assert_int_eq(f.nrows, 1);
	ck_assert_ptr_null(f.cause);
	fx_teardown(&f);
}
END_TEST

START_TEST(test_partition_window)
{
	static const char many[] =
	    "{\"resultSetMetaData\":{\"numRows\":9,\"rowType\":[{\"name\":"
	    "\"K\"}],\"partitionInfo\":[{\"rowCount\":1},{\"rowCount\":1},"
	    "{\"rowCount\":1},{\"rowCount\":1},{\"rowCount\":1},"
	    "{\"rowCount\":1},{\"rowCount\":1},{\"rowCount\":1},"
	    "{\"rowCount\":1}]},\"data\":[[\"p0\"]],\"statementHandle\":"
	    "\"h1\"}";
	struct fx f;
	struct stub_response ok = { .body = many };
	struct stub_response part = { .body = "{\"data\":[[\"px\"]]}",
		.delay_ms = 100 };
	uint64_t t0;

	fx_window = 4;
	fx_setup(&f, 0);
	fx_window = 1;
	stub_server_add(f.b.srv, STMTS, &ok);
	stub_server_add(f.b.srv, STMTS "/h1", &part);
	t0 = uv_hrtime();
	sf_sql_run(f.b.sf, "select 1", NULL, 0, &cbs, &f);
	fx_run(&f, 10000);
	ck_assert_msg(f.error == 0, "%s", f.cause);
	ck_assert_int_eq(f.nrows, 9);
	ck_assert_uint_eq(f.partitions, 9);
	ck_assert_int_eq(stub_server_hits(f.b.srv, STMTS "/h1"), 8);
	/* Eight partitions of 100 ms each, four at a time: about 200 ms,
	 * well under the 800 ms one at a time would take. */
	ck_assert_uint_lt((uv_hrtime() - t0) / 1000000, 700);
	fx_teardown(&f);
}
END_TEST

/*
 * Behind one slow partition, those that arrive wait in memory: the window
 * bounds partitions asked for and not yet delivered, so they never pile
 * up (a million-row LIST once held most of its result that way).
 */
START_TEST(test_partition_window_bounds_held)
{
	static const char many[] =
	    "{\"resultSetMetaData\":{\"numRows\":9,\"rowType\":[{\"name\":"
	    "\"K\"}],\"partitionInfo\":[{\"rowCount\":1},{\"rowCount\":1},"
	    "{\"rowCount\":1},{\"rowCount\":1},{\"rowCount\":1},"
	    "{\"rowCount\":1},{\"rowCount\":1},{\"rowCount\":1},"
	    "{\"rowCount\":1}]},\"data\":[[\"p0\"]],\"statementHandle\":"
	    "\"h1\"}";
	struct fx f;
	struct stub_response ok = { .body = many };
	struct stub_response slow = { .body = "{\"data\":[[\"px\"]]}",
		.delay_ms = 700 };
	struct stub_response fast = { .body = "{\"data\":[[\"px\"]]}" };

	fx_window = 4;
	fx_setup(&f, 0);
	fx_window = 1;
	stub_server_add(f.b.srv, STMTS, &ok);
	/* The first partition asked for answers late, the rest at once. */
	stub_server_add(f.b.srv, STMTS "/h1", &slow);
	stub_server_add(f.b.srv, STMTS "/h1", &fast);
	sf_sql_run(f.b.sf, "select 1", NULL, 0, &cbs, &f);
	fx_run(&f, 300);
	ck_assert_int_eq(f.done, 0);
	/* Counting only those in flight would have asked for all eight. */
	ck_assert_int_le(stub_server_hits(f.b.srv, STMTS "/h1"), 7);
	fx_run(&f, 10000);
	ck_assert_msg(f.error == 0, "%s", f.cause);
	ck_assert_int_eq(f.nrows, 9);
	ck_assert_uint_eq(f.partitions, 9);
	ck_assert_int_eq(stub_server_hits(f.b.srv, STMTS "/h1"), 8);
	fx_teardown(&f);
}
END_TEST

static void
on_call(const struct sf_call_result *r, void *arg)
{
	struct call_res *c = arg;

	c->calls++;
	c->error = r->error;
	c->status = r->status;
	c->cause = r->cause != NULL ? xstrdup(r->cause) : NULL;
	c->body = r->body != NULL ? xstrndup(r->body, r->len) : NULL;
}

START_TEST(test_rest_call)
{
	struct fx f;
	struct stub_response list = { .body = "[{\"name\":\"XCOM_STAGE\"}]" };
	struct stub_response nf = { .status = 404,
		.body = "{\"message\":\"Not found\",\"code\":\"390404\"}" };
	struct call_res r = { 0 }, r2 = { 0 };
	char *path;

	fx_setup(&f, 0);
	path = sf_rest_path("DEMO", "XCOM", "stages", NULL);
	ck_assert_str_eq(path, "/api/v2/databases/DEMO/schemas/XCOM/stages");
	stub_server_add(f.b.srv, path, &list);
	sf_rest_call(
	    f.b.sf, "GET", path, NULL, NULL, "listing stages", on_call, &r);
	free(path);
	path = sf_rest_path("DEMO", "my schema", "compute-pools", "p");
	ck_assert_str_eq(path, "/api/v2/databases/DEMO/schemas/%22my%20schema"
			       "%22/compute-pools/%22p%22");
	free(path);
	stub_server_add(f.b.srv, "/api/v2/compute-pools", &nf);
	sf_rest_call(f.b.sf, "GET", "/api/v2/compute-pools", NULL, NULL,
	    "listing compute pools", on_call, &r2);
	sf_fx_guard(&f.b, 5000);
	while (!f.b.expired && (r.calls == 0 || r2.calls == 0))
		uv_run(&f.b.loop, UV_RUN_ONCE);
	uv_timer_stop(&f.b.guard);
	ck_assert_int_eq(r.error, 0);
	ck_assert_str_eq(r.body, "[{\"name\":\"XCOM_STAGE\"}]");
	ck_assert_int_eq(r2.error, 1);
	ck_assert_int_eq(r2.status, 404);
	ck_assert_ptr_nonnull(strstr(r2.cause, "listing compute pools failed "
					       "(HTTP 404, code 390404)"));
	free(r.body);
	free(r.cause);
	free(r2.body);
	free(r2.cause);
	fx_teardown(&f);
}
END_TEST

/* Writes text to path (replace: through a rename, as atomic writers do). */
static void
write_file(const char *path, const char *text, int replace)
{
	char *tmp = xasprintf("%s.new", path);
	FILE *fp = fopen(replace ? tmp : path, "w");

	ck_assert_ptr_nonnull(fp);
	fputs(text, fp);
	fclose(fp);
	if (replace)
		ck_assert_int_eq(rename(tmp, path), 0);
	free(tmp);
}

/* Runs one statement and returns whether its bearer token was want. */
static int
bearer_is(struct fx *f, const char *want)
{
	char *hdr = xasprintf("Authorization: Bearer %s\r\n", want);
	int ok;

	f->done = 0;
	free(f->cause);
	f->cause = NULL;
	sf_sql_run(f->b.sf, "select 1", NULL, 0, &cbs, f);
	fx_run(f, 5000);
	ok = f->done == 1 &&
	     strstr(stub_server_last_headers(f->b.srv, STMTS), hdr) != NULL;
	free(hdr);
	return ok;
}

START_TEST(test_token_file_followed)
{
	char dir[] = "/tmp/snowdeck-sftok-XXXXXX";
	char *tok, *cause = NULL;
	struct fx f;
	struct stub_response ok = { .body = "{\"resultSetMetaData\":{"
					    "\"numRows\":0,\"rowType\":[]},"
					    "\"data\":[],\"statementHandle\":"
					    "\"h\"}" };
	struct sf_client_config sc;
	int i, seen;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	tok = xasprintf("%s/token", dir);
	write_file(tok, "tok-1\n", 0);
	fx_setup(&f, 0);
	/* Swap the client for one on an OAuth token file. */
	sf_client_free(f.b.sf);
	sf_conn_free(&f.b.conn);
	sf_conn_init(&f.b.conn);
	sf_conn_set(&f.b.conn, "account", "a");
	sf_conn_set(&f.b.conn, "authenticator", "oauth");
	sf_conn_set(&f.b.conn, "token_file_path", tok);
	ck_assert_int_eq(
	    sf_conn_finish(&f.b.conn, stub_server_url(f.b.srv), &cause), 0);
	memset(&sc, 0, sizeof sc);
	sc.loop = &f.b.loop;
	sc.conn = &f.b.conn;
	ck_assert_int_eq(sf_client_create(&f.b.sf, f.b.http, &sc, &cause), 0);
	stub_server_add(f.b.srv, STMTS, &ok);
	ck_assert(bearer_is(&f, "tok-1"));
	/* Rewritten in place, then replaced through a rename: each new
	 * token is used once the change was read (asynchronously). */
	write_file(tok, "tok-2\n", 0);
	for (i = 0, seen = 0; i < 40 && !seen; i++) {
		sf_fx_guard(&f.b, 50);
		while (!f.b.expired)
			uv_run(&f.b.loop, UV_RUN_ONCE);
		seen = bearer_is(&f, "tok-2");
	}
	ck_assert_msg(seen, "the rewritten token was not picked up");
	write_file(tok, "tok-3", 1);
	for (i = 0, seen = 0; i < 40 && !seen; i++) {
		sf_fx_guard(&f.b, 50);
		while (!f.b.expired)
			uv_run(&f.b.loop, UV_RUN_ONCE);
		seen = bearer_is(&f, "tok-3");
	}
	ck_assert_msg(seen, "the replaced token was not picked up");
	fx_teardown(&f);
	unlink(tok);
	rmdir(dir);
	free(tok);
}
END_TEST

/* ---- the source: models filled from REST streams and SQL fallbacks ---- */

struct src_res {
	int done;
	int error;
	char *cause;
};

static void
on_src_done(enum src_sf_kind kind, int error, const char *cause, void *arg)
{
	struct src_res *r = arg;

	(void)kind;
	r->done++;
	r->error = error;
	free(r->cause);
	r->cause = cause != NULL ? xstrdup(cause) : NULL;
}

static void
src_run(struct fx *f, struct src_res *r)
{
	sf_fx_run(&f->b, &r->done, 5000);
	r->done = 0;
}

START_TEST(test_src_files_stream_and_fallback)
{
	static const char files[] =
	    "[{\"name\":\"xcom_stage/dag/t/r/0/k.json\",\"size\":\"10\","
	    "\"md5\":\"aa\",\"last_modified\":\"2024-01-01T00:00:00Z\"},"
	    "{\"name\":\"xcom_stage/dag/t/r/1/k.txt\",\"size\":\"5\","
	    "\"md5\":\"bb\\u001b[31m\",\"last_modified\":"
	    "\"Tue, 2 Jan 2024 00:00:00 GMT\"},"
	    "{\"name\":\"xcom_stage/other/x.bin\",\"size\":\"1\"}]";
	static const char list[] =
	    "{\"resultSetMetaData\":{\"numRows\":1,\"rowType\":[{\"name\":"
	    "\"name\"},{\"name\":\"size\"},{\"name\":\"md5\"},{\"name\":"
	    "\"last_modified\"}],\"partitionInfo\":[{\"rowCount\":1}]},"
	    "\"data\":[[\"xcom_stage/dag/a.json\",\"3\",\"cc\","
	    "\"Wed, 3 Jan 2024 00:00:00 GMT\"]],\"statementHandle\":\"h\"}";
	struct fx f;
	struct stub_response chunked = {
		.body = files, .chunked = 1, .chunk_size = 7
	};
	struct stub_response nf = { .status = 404,
		.body = "{\"message\":\"Unknown API\",\"code\":\"390404\"}" };
	struct stub_response ok = { .body = list };
	struct sf_models m;
	struct src_snowflake *src;
	struct src_snowflake_config c = { "demo.xcom.xcom_table", on_src_done,
		NULL };
	struct src_res r = { 0 };
	char *cause = NULL, md5[SF_MD5_TEXT];
	const char *path =
	    "/api/v2/databases/DEMO/schemas/XCOM/stages/XCOM_STAGE/files";

	fx_setup(&f, 0);
	sf_models_init(&m);
	c.arg = &r;
	ck_assert_int_eq(
	    src_snowflake_create(&src, f.b.sf, &m, NULL, &c, &cause), 0);
	ck_assert_str_eq(src_snowflake_xcom_table(src), "DEMO.XCOM.XCOM_TABLE");
	/* REST, streamed in 7-byte chunks, filtered by the prefix. */
	/* Each request takes the next answer (the last one repeats). */
	stub_server_add(f.b.srv, path, &chunked);
	stub_server_add(f.b.srv, path, &nf);
	ck_assert_int_eq(
	    src_snowflake_load_files(src, "@xcom_stage/dag/", &cause), 0);
	src_run(&f, &r);
	ck_assert_msg(r.error == 0, "%s", r.cause);
	ck_assert_uint_eq(m.files.n, 2);
	ck_assert_int_eq(m.files.complete, 1);
	ck_assert_str_eq(m.files.v[0].name, "dag/t/r/0/k.json");
	ck_assert_str_eq(m.files.v[1].name, "dag/t/r/1/k.txt");
	ck_assert_ptr_null(
	    strchr(sf_file_md5(&m.files.v[1], md5, sizeof md5), '\033'));
	ck_assert_str_eq(md5, "bb");
	ck_assert_double_eq(m.files.v[1].last_modified, 1704153600.0);
	ck_assert_uint_eq(m.files.total_bytes, 15);
	ck_assert_str_eq(m.files.stage, "@DEMO.XCOM.XCOM_STAGE/dag/");
	/* No REST endpoint: LIST through the SQL API, same filtering. */
	stub_server_add(f.b.srv, STMTS, &ok);
	ck_assert_int_eq(
	    src_snowflake_load_files(src, "@xcom_stage/dag/", &cause), 0);
	src_run(&f, &r);
	ck_assert_msg(r.error == 0, "%s", r.cause);
	ck_assert_uint_eq(m.files.n, 1);
	ck_assert_str_eq(m.files.v[0].name, "dag/a.json");
	ck_assert_ptr_nonnull(strstr(stub_server_last_body(f.b.srv, STMTS),
	    "LIST @DEMO.XCOM.XCOM_STAGE"));
	/* A malformed path is refused at once. */
	ck_assert_int_eq(src_snowflake_load_files(src, "@a;b", &cause), -1);
	free(cause);
	src_snowflake_free(src);
	sf_models_free(&m);
	free(r.cause);
	fx_teardown(&f);
}
END_TEST

START_TEST(test_src_xcom_rows_masked)
{
	static const char rows[] =
	    "{\"resultSetMetaData\":{\"numRows\":2,\"rowType\":[{\"name\":"
	    "\"DAG_ID\"},{\"name\":\"TASK_ID\"},{\"name\":\"RUN_ID\"},"
	    "{\"name\":\"MULTI_INDEX\"},{\"name\":\"KEY\"},{\"name\":"
	    "\"VALUE_TYPE\"},{\"name\":\"VALUE\"}],\"partitionInfo\":[{"
	    "\"rowCount\":2}]},\"data\":[[\"d\",\"t\",\"r\",\"0\",\"k\","
	    "\"dict\",\"{\\\"api_key\\\": \\\"sk-123\\\", \\\"n\\\": 1}\"],"
	    "[\"d\",\"t2\",\"r\",\"-1\",\"k\",\"str\",\"token=abc plain\"]],"
	    "\"statementHandle\":\"h\"}";
	struct fx f;
	struct stub_response ok = { .body = rows };
	struct sf_models m;
	struct src_snowflake *src;
	struct src_snowflake_config c = { NULL, on_src_done, NULL };
	struct src_res r = { 0 };
	char *cause = NULL;
	cJSON *o;

	fx_setup(&f, 0);
	sf_models_init(&m);
	c.arg = &r;
	c.xcom_table = "a.b";
	ck_assert_int_eq(
	    src_snowflake_create(&src, f.b.sf, &m, NULL, &c, &cause), -1);
	ck_assert_ptr_nonnull(strstr(cause, "DATABASE.SCHEMA.TABLE"));
	free(cause);
	c.xcom_table = "DEMO.XCOM.XCOM_TABLE";
	ck_assert_int_eq(
	    src_snowflake_create(&src, f.b.sf, &m, NULL, &c, &cause), 0);
	stub_server_add(f.b.srv, STMTS, &ok);
	src_snowflake_load_xcom(src, "d", "r");
	src_run(&f, &r);
	ck_assert_msg(r.error == 0, "%s", r.cause);
	ck_assert_uint_eq(m.xcom.n, 2);
	ck_assert_str_eq(m.xcom.v[0].value, "{\"api_key\":\"***\",\"n\":1}");
	ck_assert_ptr_null(strstr(m.xcom.v[1].value, "abc"));
	ck_assert_int_eq(m.xcom.v[1].multi_index, -1);
	/* The values were bound, not pasted. */
	o = cJSON_Parse(stub_server_last_body(f.b.srv, STMTS));
	ck_assert_ptr_nonnull(o);
	ck_assert_ptr_nonnull(
	    strstr(cJSON_GetObjectItem(o, "statement")->valuestring,
		"WHERE DAG_ID = ? AND RUN_ID = ?"));
	ck_assert_str_eq(
	    cJSON_GetObjectItem(
		cJSON_GetObjectItem(cJSON_GetObjectItem(o, "bindings"), "2"),
		"value")
		->valuestring,
	    "r");
	cJSON_Delete(o);
	src_snowflake_free(src);
	sf_models_free(&m);
	free(r.cause);
	fx_teardown(&f);
}
END_TEST

Suite *snowflake_sql_suite(void);

Suite *
snowflake_sql_suite(void)
{
	Suite *s = suite_create("snowflake_sql");
	TCase *tc = tcase_create("client");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_partitions_in_order);
	tcase_add_test(tc, test_post_on_fresh_connection);
	tcase_add_test(tc, test_202_polling);
	tcase_add_test(tc, test_resubmit_same_request_id);
	tcase_add_test(tc, test_resubmits_bounded);
	tcase_add_test(tc, test_error_422);
	tcase_add_test(tc, test_partition_short_fails);
	tcase_add_test(tc, test_jwt_auth_and_reauth);
	tcase_add_test(tc, test_cancel);
	tcase_add_test(tc, test_cancel_from_row);
	tcase_add_test(tc, test_rest_call);
	tcase_add_test(tc, test_partition_window);
	tcase_add_test(tc, test_partition_window_bounds_held);
	tcase_add_test(tc, test_src_files_stream_and_fallback);
	tcase_add_test(tc, test_src_xcom_rows_masked);
	tcase_add_test(tc, test_token_file_followed);
	suite_add_tcase(s, tc);
	return s;
}
