/* Unit tests: the curl/uv HTTP client against an in-process stub server. */

#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <uv.h>

#include "http.h"
#include "support_server.h"
#include "util.h"

/* One test's loop, client and server. */
struct fixture {
	uv_loop_t loop;
	struct http *http;
	struct stub_server *srv;
	struct http_config cfg;
	uv_timer_t guard;
	int expired;
};

/* What a done callback saw, copied. */
struct result {
	int calls;
	long status;
	int error;
	char *cause;
	char *body;
	size_t body_len;
	char *content_type;
	char *retry_after;
	int attempts;
	uint64_t bytes_in;
	uint64_t at_ns;
	/* For callbacks that act on other requests. */
	struct fixture *f;
	struct http_req *other;
	int free_client;
};

static void
result_clear(struct result *r)
{
	free(r->cause);
	free(r->body);
	free(r->content_type);
	free(r->retry_after);
}

static void
on_done(const struct http_response *resp, void *arg)
{
	struct result *r = arg;

	r->calls++;
	r->status = resp->status;
	r->error = resp->error;
	free(r->cause);
	r->cause = resp->cause != NULL ? xstrdup(resp->cause) : NULL;
	free(r->body);
	r->body = xmalloc(resp->body_len + 1);
	memcpy(r->body, resp->body, resp->body_len + 1);
	r->body_len = resp->body_len;
	free(r->content_type);
	r->content_type =
	    resp->content_type != NULL ? xstrdup(resp->content_type) : NULL;
	free(r->retry_after);
	r->retry_after =
	    resp->retry_after != NULL ? xstrdup(resp->retry_after) : NULL;
	r->attempts = resp->attempts;
	r->bytes_in = resp->bytes_in;
	r->at_ns = uv_hrtime();
	if (r->other != NULL)
		http_cancel(r->other);
	if (r->free_client) {
		struct http *h = r->f->http;

		http_free(h);
		r->f->http = NULL;
		/* Too late to start anything: dropped, never called. */
		http_get(h, "http://127.0.0.1:9/", NULL, on_done, r);
	}
}

static void
fixture_setup(struct fixture *f)
{
	char *cause = NULL;

	memset(f, 0, sizeof *f);
	ck_assert_int_eq(uv_loop_init(&f->loop), 0);
	ck_assert_int_eq(stub_server_start(&f->srv, &f->loop, NULL, &cause), 0);
	uv_timer_init(&f->loop, &f->guard);
	f->guard.data = f;
	http_config_default(&f->cfg);
	f->cfg.retry_base_ms = 10;
	f->cfg.retry_max_ms = 50;
}

static void
fixture_client(struct fixture *f)
{
	char *cause = NULL;

	ck_assert_int_eq(http_create(&f->http, &f->loop, &f->cfg, &cause), 0);
	ck_assert_ptr_null(cause);
}

static void
fixture_guard_cb(uv_timer_t *t)
{
	struct fixture *f = t->data;

	f->expired = 1;
}

/* Runs the loop until *count reaches want or ms pass. */
static void
run_until(struct fixture *f, const int *count, int want, long ms)
{
	f->expired = 0;
	uv_timer_start(&f->guard, fixture_guard_cb, (uint64_t)ms, 0);
	while (!f->expired && (count == NULL || *count < want))
		uv_run(&f->loop, UV_RUN_ONCE);
	uv_timer_stop(&f->guard);
}

static void
fixture_walk_cb(uv_handle_t *h, void *arg)
{
	int *left = arg;

	if (!uv_is_closing(h)) {
		(*left)++;
		uv_close(h, NULL);
	}
}

/* Frees the client and server; nothing may be left on the loop. */
static void
fixture_teardown(struct fixture *f)
{
	int left = 0;

	if (f->http != NULL)
		http_free(f->http);
	stub_server_close(f->srv);
	uv_close((uv_handle_t *)&f->guard, NULL);
	uv_run(&f->loop, UV_RUN_DEFAULT);
	uv_walk(&f->loop, fixture_walk_cb, &left);
	uv_run(&f->loop, UV_RUN_DEFAULT);
	ck_assert_int_eq(left, 0);
	ck_assert_int_eq(uv_loop_close(&f->loop), 0);
}

static char *
url(struct fixture *f, const char *path)
{
	return xasprintf("%s%s", stub_server_url(f->srv), path);
}

static struct http_req *
get(struct fixture *f, const char *path, struct result *r)
{
	struct http_req *req;
	char *u = url(f, path);

	req = http_get(f->http, u, NULL, on_done, r);
	free(u);
	return req;
}

/* ---- pure helpers ------------------------------------------------------- */

START_TEST(test_backoff)
{
	ck_assert_int_eq(http_backoff_ms(1, 200, 5000, 0.5), 100);
	ck_assert_int_eq(http_backoff_ms(1, 200, 5000, 0.0), 0);
	ck_assert_int_eq(http_backoff_ms(2, 200, 5000, 0.5), 200);
	ck_assert_int_eq(http_backoff_ms(3, 200, 5000, 0.5), 400);
	ck_assert_int_lt(http_backoff_ms(3, 200, 5000, 0.999999), 800);
	ck_assert_int_ge(http_backoff_ms(3, 200, 5000, 0.999999), 799);
	/* Capped, and no overflow for absurd attempt numbers. */
	ck_assert_int_eq(http_backoff_ms(10, 200, 5000, 0.5), 2500);
	ck_assert_int_eq(http_backoff_ms(1000, 200, 5000, 0.5), 2500);
	ck_assert_int_eq(
	    http_backoff_ms(64, 1, LONG_MAX, 0.5), LONG_MAX / 2 + 1);
	/* Out-of-range inputs stay in range. */
	ck_assert_int_eq(http_backoff_ms(0, 200, 5000, 0.5), 100);
	ck_assert_int_eq(http_backoff_ms(1, 200, 5000, 1.0), 0);
	ck_assert_int_eq(http_backoff_ms(1, 200, 5000, -3.0), 0);
	ck_assert_int_eq(http_backoff_ms(1, 0, 5000, 0.5), 0);
	ck_assert_int_eq(http_backoff_ms(1, 9000, 5000, 0.5), 2500);
}
END_TEST

START_TEST(test_retry_after)
{
	/* Wed, 21 Oct 2015 07:28:00 GMT */
	const double t = 1445412480.0;

	ck_assert_int_eq(http_retry_after_ms("1", t), 1000);
	ck_assert_int_eq(http_retry_after_ms("  120 ", t), 120000);
	ck_assert_int_eq(http_retry_after_ms("0", t), 0);
	ck_assert_int_eq(http_retry_after_ms("-1", t), -1);
	ck_assert_int_eq(http_retry_after_ms("1.5", t), -1);
	ck_assert_int_eq(http_retry_after_ms("soon", t), -1);
	ck_assert_int_eq(http_retry_after_ms("", t), -1);
	ck_assert_int_eq(http_retry_after_ms(NULL, t), -1);
	ck_assert_int_eq(http_retry_after_ms("99999999999999999999", t),
	    LONG_MAX / 1000 * 1000);
	ck_assert_int_eq(
	    http_retry_after_ms("Wed, 21 Oct 2015 07:28:10 GMT", t), 10000);
	/* RFC 850 and asctime forms too. */
	ck_assert_int_eq(http_retry_after_ms("Wednesday, 21-Oct-15 07:28:05 "
					     "GMT",
			     t),
	    5000);
	ck_assert_int_eq(
	    http_retry_after_ms("Wed Oct 21 07:29:00 2015", t), 60000);
	/* A date in the past means now. */
	ck_assert_int_eq(
	    http_retry_after_ms("Wed, 21 Oct 2015 07:00:00 GMT", t), 0);
	ck_assert_int_eq(
	    http_retry_after_ms("Wed, 99 Foo 2015 nonsense", t), -1);
}
END_TEST

/* ---- requests ----------------------------------------------------------- */

START_TEST(test_get_200)
{
	struct fixture f;
	struct result r = { 0 };
	struct stub_response s = { .body = "{\"ok\":true}",
		.headers = "Content-Type: application/json\r\n" };
	struct http_req *req;

	fixture_setup(&f);
	fixture_client(&f);
	stub_server_add(f.srv, "/ok", &s);
	req = get(&f, "/ok?x=1", &r);
	ck_assert_ptr_nonnull(req);
	ck_assert_int_eq(http_pending(f.http), 1);
	ck_assert_int_eq(r.calls, 0); /* never inside http_start */
	run_until(&f, &r.calls, 1, 5000);
	ck_assert_int_eq(r.calls, 1);
	ck_assert_int_eq(r.error, 0);
	ck_assert_int_eq(r.status, 200);
	ck_assert_str_eq(r.body, "{\"ok\":true}");
	ck_assert_uint_eq(r.body_len, 11);
	ck_assert_str_eq(r.content_type, "application/json");
	ck_assert_ptr_null(r.retry_after);
	ck_assert_int_eq(r.attempts, 1);
	ck_assert_uint_eq(r.bytes_in, 11);
	ck_assert_int_eq(http_pending(f.http), 0);
	ck_assert_uint_eq(http_bytes_total(f.http), 11);
	ck_assert_uint_eq(http_requests_total(f.http), 1);
	ck_assert_str_eq(stub_server_last_method(f.srv, "/ok"), "GET");
	ck_assert_str_eq(stub_server_last_target(f.srv, "/ok"), "/ok?x=1");
	ck_assert_ptr_nonnull(strstr(
	    stub_server_last_headers(f.srv, "/ok"), "User-Agent: snowdeck/"));

	/* A second request reuses the connection. */
	get(&f, "/ok", &r);
	run_until(&f, &r.calls, 2, 5000);
	ck_assert_int_eq(r.calls, 2);
	ck_assert_int_eq(stub_server_connections(f.srv), 1);
	result_clear(&r);
	fixture_teardown(&f);
}
END_TEST

START_TEST(test_404_not_retried)
{
	struct fixture f;
	struct result r = { 0 };
	struct stub_response s = { .status = 404, .body = "nope" };

	fixture_setup(&f);
	fixture_client(&f);
	stub_server_add(f.srv, "/missing", &s);
	get(&f, "/missing", &r);
	run_until(&f, &r.calls, 1, 5000);
	ck_assert_int_eq(r.calls, 1);
	ck_assert_int_eq(r.error, 0);
	ck_assert_int_eq(r.status, 404);
	ck_assert_str_eq(r.body, "nope");
	ck_assert_int_eq(r.attempts, 1);
	ck_assert_int_eq(stub_server_hits(f.srv, "/missing"), 1);
	result_clear(&r);
	fixture_teardown(&f);
}
END_TEST

START_TEST(test_503_then_200)
{
	struct fixture f;
	struct result r = { 0 };
	struct stub_response busy = { .status = 503, .body = "busy" };
	struct stub_response ok = { .body = "fine" };

	fixture_setup(&f);
	fixture_client(&f);
	stub_server_add(f.srv, "/flaky", &busy);
	stub_server_add(f.srv, "/flaky", &busy);
	stub_server_add(f.srv, "/flaky", &ok);
	get(&f, "/flaky", &r);
	run_until(&f, &r.calls, 1, 5000);
	ck_assert_int_eq(r.calls, 1);
	ck_assert_int_eq(r.status, 200);
	ck_assert_str_eq(r.body, "fine");
	ck_assert_int_eq(r.attempts, 3);
	ck_assert_uint_eq(r.bytes_in, 12);
	ck_assert_int_eq(stub_server_hits(f.srv, "/flaky"), 3);
	ck_assert_uint_eq(http_requests_total(f.http), 3);
	result_clear(&r);
	fixture_teardown(&f);
}
END_TEST

START_TEST(test_retries_exhausted)
{
	struct fixture f;
	struct result r = { 0 };
	struct stub_response busy = { .status = 502, .body = "bad gw" };

	fixture_setup(&f);
	f.cfg.max_retries = 2;
	fixture_client(&f);
	stub_server_add(f.srv, "/down", &busy);
	get(&f, "/down", &r);
	run_until(&f, &r.calls, 1, 5000);
	ck_assert_int_eq(r.calls, 1);
	ck_assert_int_eq(r.error, 0);
	ck_assert_int_eq(r.status, 502);
	ck_assert_str_eq(r.body, "bad gw");
	ck_assert_int_eq(r.attempts, 3);
	ck_assert_int_eq(stub_server_hits(f.srv, "/down"), 3);
	result_clear(&r);
	fixture_teardown(&f);
}
END_TEST

START_TEST(test_429_retry_after)
{
	struct fixture f;
	struct result r = { 0 };
	struct stub_response slow = { .status = 429,
		.headers = "Retry-After: 1\r\n" };
	struct stub_response ok = { .body = "ok" };
	uint64_t start;

	fixture_setup(&f);
	fixture_client(&f);
	stub_server_add(f.srv, "/limited", &slow);
	stub_server_add(f.srv, "/limited", &ok);
	start = uv_hrtime();
	get(&f, "/limited", &r);
	run_until(&f, &r.calls, 1, 5000);
	ck_assert_int_eq(r.calls, 1);
	ck_assert_int_eq(r.status, 200);
	ck_assert_int_eq(r.attempts, 2);
	ck_assert_uint_ge((r.at_ns - start) / 1000000, 950);
	ck_assert_ptr_null(r.retry_after); /* the header of the last answer */
	result_clear(&r);

	/* A longer wait than we are willing to sit out is handed back. */
	memset(&r, 0, sizeof r);
	slow.headers = "Retry-After: 3600\r\n";
	stub_server_add(f.srv, "/later", &slow);
	get(&f, "/later", &r);
	run_until(&f, &r.calls, 1, 5000);
	ck_assert_int_eq(r.status, 429);
	ck_assert_int_eq(r.attempts, 1);
	ck_assert_str_eq(r.retry_after, "3600");
	result_clear(&r);
	fixture_teardown(&f);
}
END_TEST

START_TEST(test_post_not_retried)
{
	struct fixture f;
	struct result r = { 0 };
	struct stub_response busy = { .status = 503 };
	struct stub_response ok = { .status = 201, .body = "made" };
	struct http_request req;
	const char *hdrs[] = { "Content-Type: application/json", "X-Test: yes",
		NULL };
	char *u;

	fixture_setup(&f);
	fixture_client(&f);
	stub_server_add(f.srv, "/post", &busy);
	stub_server_add(f.srv, "/post", &ok);
	stub_server_add(f.srv, "/idem", &busy);
	stub_server_add(f.srv, "/idem", &ok);

	memset(&req, 0, sizeof req);
	req.method = "POST";
	u = url(&f, "/post");
	req.url = u;
	req.headers = hdrs;
	req.body = "{\"a\":1}";
	req.body_len = 7;
	http_start(f.http, &req, on_done, &r);
	free(u);
	run_until(&f, &r.calls, 1, 5000);
	ck_assert_int_eq(r.calls, 1);
	ck_assert_int_eq(r.status, 503);
	ck_assert_int_eq(r.attempts, 1);
	ck_assert_int_eq(stub_server_hits(f.srv, "/post"), 1);
	ck_assert_str_eq(stub_server_last_method(f.srv, "/post"), "POST");
	ck_assert_str_eq(stub_server_last_body(f.srv, "/post"), "{\"a\":1}");
	ck_assert_ptr_nonnull(
	    strstr(stub_server_last_headers(f.srv, "/post"), "X-Test: yes"));

	/* Made idempotent by the caller (a client-chosen id): retried. */
	u = url(&f, "/idem");
	req.url = u;
	req.flags = HTTP_IDEMPOTENT;
	http_start(f.http, &req, on_done, &r);
	free(u);
	run_until(&f, &r.calls, 2, 5000);
	ck_assert_int_eq(r.calls, 2);
	ck_assert_int_eq(r.status, 201);
	ck_assert_int_eq(r.attempts, 2);
	ck_assert_str_eq(stub_server_last_body(f.srv, "/idem"), "{\"a\":1}");

	/* HTTP_NO_RETRY wins even for a GET. */
	stub_server_add(f.srv, "/noretry", &busy);
	memset(&req, 0, sizeof req);
	u = url(&f, "/noretry");
	req.url = u;
	req.flags = HTTP_NO_RETRY;
	http_start(f.http, &req, on_done, &r);
	free(u);
	run_until(&f, &r.calls, 3, 5000);
	ck_assert_int_eq(r.status, 503);
	ck_assert_int_eq(r.attempts, 1);
	result_clear(&r);
	fixture_teardown(&f);
}
END_TEST

START_TEST(test_methods_and_auth)
{
	struct fixture f;
	struct result r = { 0 };
	struct stub_response ok = { .body = "ok" };
	struct http_request req;
	char *u;

	fixture_setup(&f);
	fixture_client(&f);
	stub_server_add(f.srv, "/m", &ok);
	memset(&req, 0, sizeof req);
	u = url(&f, "/m");
	req.url = u;
	req.method = "patch";
	req.body = "{}";
	req.body_len = 2;
	req.userpwd = "admin:s3cret";
	http_start(f.http, &req, on_done, &r);
	run_until(&f, &r.calls, 1, 5000);
	ck_assert_int_eq(r.status, 200);
	ck_assert_str_eq(stub_server_last_method(f.srv, "/m"), "PATCH");
	ck_assert_str_eq(stub_server_last_body(f.srv, "/m"), "{}");
	/* base64("admin:s3cret") */
	ck_assert_ptr_nonnull(strstr(stub_server_last_headers(f.srv, "/m"),
	    "Authorization: Basic YWRtaW46czNjcmV0"));

	memset(&req, 0, sizeof req);
	req.url = u;
	req.method = "DELETE";
	http_start(f.http, &req, on_done, &r);
	run_until(&f, &r.calls, 2, 5000);
	ck_assert_str_eq(stub_server_last_method(f.srv, "/m"), "DELETE");
	ck_assert_str_eq(stub_server_last_body(f.srv, "/m"), "");
	free(u);
	result_clear(&r);
	fixture_teardown(&f);
}
END_TEST

/* A port nothing listens on: bound, then closed. */
static int
free_port(uv_loop_t *loop)
{
	struct sockaddr_storage ss;
	struct sockaddr_in sin;
	uv_tcp_t t;
	int len = (int)sizeof ss, port;

	uv_tcp_init(loop, &t);
	uv_ip4_addr("127.0.0.1", 0, &sin);
	ck_assert_int_eq(uv_tcp_bind(&t, (const struct sockaddr *)&sin, 0), 0);
	ck_assert_int_eq(
	    uv_tcp_getsockname(&t, (struct sockaddr *)&ss, &len), 0);
	port = ntohs(((struct sockaddr_in *)&ss)->sin_port);
	uv_close((uv_handle_t *)&t, NULL);
	uv_run(loop, UV_RUN_NOWAIT);
	return port;
}

START_TEST(test_connection_refused)
{
	struct fixture f;
	struct result r = { 0 };
	char *u, *want;
	int port;

	fixture_setup(&f);
	f.cfg.max_retries = 0;
	fixture_client(&f);
	port = free_port(&f.loop);
	u = xasprintf("http://user:pw@127.0.0.1:%d/api/v2/dags?token=x", port);
	http_get(f.http, u, NULL, on_done, &r);
	run_until(&f, &r.calls, 1, 5000);
	ck_assert_int_eq(r.calls, 1);
	ck_assert_int_eq(r.error, -1);
	ck_assert_int_eq(r.status, 0);
	ck_assert_int_eq(r.attempts, 1);
	want = xasprintf("cannot connect to http://127.0.0.1:%d: Connection "
			 "refused",
	    port);
	ck_assert_msg(strstr(r.cause, want) != NULL, "cause: %s", r.cause);
	ck_assert_ptr_null(strstr(r.cause, "pw"));
	ck_assert_ptr_null(strstr(r.cause, "token"));
	free(want);
	free(u);
	result_clear(&r);
	http_free(f.http);

	/* A GET is retried; the cause says how often. */
	memset(&r, 0, sizeof r);
	f.cfg.max_retries = 2;
	fixture_client(&f);
	u = xasprintf("http://127.0.0.1:%d/x", port);
	http_get(f.http, u, NULL, on_done, &r);
	run_until(&f, &r.calls, 1, 5000);
	ck_assert_int_eq(r.attempts, 3);
	ck_assert_ptr_nonnull(strstr(r.cause, "gave up after 3 attempts"));
	free(u);
	result_clear(&r);
	fixture_teardown(&f);
}
END_TEST

START_TEST(test_https_to_plain_server)
{
	struct fixture f;
	struct result r = { 0 };
	struct stub_response ok = { .body = "plain" };
	char *u;

	fixture_setup(&f);
	f.cfg.max_retries = 0;
	f.cfg.connect_timeout_ms = 300;
	fixture_client(&f);
	stub_server_add(f.srv, "/x", &ok);
	/* TLS is on: a plain http server never completes the handshake. */
	u = xasprintf("https://127.0.0.1:%d/x", stub_server_port(f.srv));
	http_get(f.http, u, NULL, on_done, &r);
	run_until(&f, &r.calls, 1, 5000);
	ck_assert_int_eq(r.error, -1);
	ck_assert_msg(
	    strstr(r.cause, "TLS handshake with https://127.0.0.1:") != NULL,
	    "cause: %s", r.cause);
	free(u);
	result_clear(&r);
	fixture_teardown(&f);
}
END_TEST

START_TEST(test_total_timeout)
{
	struct fixture f;
	struct result r = { 0 };
	struct stub_response hang = { .action = STUB_HANG };
	struct http_request req;
	uint64_t start;
	char *u, *want;

	fixture_setup(&f);
	fixture_client(&f);
	stub_server_add(f.srv, "/hang", &hang);
	memset(&req, 0, sizeof req);
	u = url(&f, "/hang");
	req.url = u;
	req.flags = HTTP_NO_RETRY;
	req.total_timeout_ms = 300;
	start = uv_hrtime();
	http_start(f.http, &req, on_done, &r);
	run_until(&f, &r.calls, 1, 5000);
	ck_assert_int_eq(r.calls, 1);
	ck_assert_int_eq(r.error, -1);
	want = xasprintf("timed out after 0.3 s waiting for %s", u);
	ck_assert_msg(strstr(r.cause, want) != NULL, "cause: %s", r.cause);
	ck_assert_uint_ge((r.at_ns - start) / 1000000, 290);
	ck_assert_uint_lt((r.at_ns - start) / 1000000, 3000);
	free(want);
	free(u);
	result_clear(&r);
	fixture_teardown(&f);
}
END_TEST

START_TEST(test_response_cap)
{
	struct fixture f;
	struct result r = { 0 };
	struct stub_response big = { 0 };
	size_t n = 10 * 1024 * 1024;
	char *body;

	fixture_setup(&f);
	f.cfg.max_response = 1024 * 1024;
	fixture_client(&f);
	body = xmalloc(n);
	memset(body, 'x', n);
	big.body = body;
	big.body_len = n;
	stub_server_add(f.srv, "/big", &big);
	big.chunked = 1;
	big.chunk_size = 64 * 1024;
	stub_server_add(f.srv, "/bigchunked", &big);
	free(body);

	/* Content-Length announces it; chunked only shows while reading. */
	get(&f, "/big", &r);
	run_until(&f, &r.calls, 1, 10000);
	ck_assert_int_eq(r.calls, 1);
	ck_assert_int_eq(r.error, -1);
	ck_assert_msg(
	    strstr(r.cause, "response larger than 1048576 bytes") != NULL,
	    "cause: %s", r.cause);
	ck_assert_int_eq(r.attempts, 1);
	get(&f, "/bigchunked", &r);
	run_until(&f, &r.calls, 2, 10000);
	ck_assert_int_eq(r.calls, 2);
	ck_assert_int_eq(r.error, -1);
	ck_assert_msg(
	    strstr(r.cause, "response larger than 1048576 bytes") != NULL,
	    "cause: %s", r.cause);
	ck_assert_int_eq(r.attempts, 1);
	ck_assert_uint_le(r.bytes_in, 1024 * 1024 + 64 * 1024);
	result_clear(&r);
	fixture_teardown(&f);
}
END_TEST

START_TEST(test_cancel_before_completion)
{
	struct fixture f;
	struct result r = { 0 }, other = { 0 };
	struct stub_response slow = { .body = "late", .delay_ms = 200 };
	struct stub_response ok = { .body = "ok" };
	struct http_req *req;

	fixture_setup(&f);
	fixture_client(&f);
	stub_server_add(f.srv, "/slow", &slow);
	stub_server_add(f.srv, "/ok", &ok);
	req = get(&f, "/slow", &r);
	http_cancel(req);
	ck_assert_int_eq(http_pending(f.http), 0);

	/* Cancelled once it is on the wire, too. */
	req = get(&f, "/slow", &r);
	while (stub_server_hits(f.srv, "/slow") < 1)
		uv_run(&f.loop, UV_RUN_ONCE);
	http_cancel(req);
	get(&f, "/ok", &other);
	run_until(&f, &other.calls, 1, 5000);
	run_until(&f, NULL, 0, 400);
	ck_assert_int_eq(other.calls, 1);
	ck_assert_int_eq(r.calls, 0);
	ck_assert_int_eq(http_pending(f.http), 0);

	/* And while it waits for a retry. */
	slow.status = 503;
	slow.delay_ms = 0;
	slow.headers = "Retry-After: 1\r\n";
	stub_server_add(f.srv, "/retry", &slow);
	req = get(&f, "/retry", &r);
	while (stub_server_hits(f.srv, "/retry") < 1)
		uv_run(&f.loop, UV_RUN_ONCE);
	run_until(&f, NULL, 0, 50);
	ck_assert_int_eq(http_pending(f.http), 1);
	http_cancel(req);
	ck_assert_int_eq(http_pending(f.http), 0);
	run_until(&f, NULL, 0, 100);
	ck_assert_int_eq(r.calls, 0);
	result_clear(&r);
	result_clear(&other);
	fixture_teardown(&f);
}
END_TEST

START_TEST(test_cancel_from_callback)
{
	struct fixture f;
	struct result a = { 0 }, b = { 0 }, c = { 0 };
	struct stub_response fast = { .body = "fast" };
	struct stub_response slow = { .body = "slow", .delay_ms = 1000 };
	struct stub_response busy = { .status = 503,
		.headers = "Retry-After: 1\r\n" };
	uint64_t start;

	fixture_setup(&f);
	fixture_client(&f);
	stub_server_add(f.srv, "/fast", &fast);
	stub_server_add(f.srv, "/slow", &slow);
	stub_server_add(f.srv, "/busy", &busy);

	/* A's done callback cancels B, which is on the wire. */
	start = uv_hrtime();
	a.other = get(&f, "/slow", &b);
	get(&f, "/fast", &a);
	run_until(&f, &a.calls, 1, 5000);
	ck_assert_int_eq(a.calls, 1);
	/* The slow one did not hold the fast one up. */
	ck_assert_uint_lt((a.at_ns - start) / 1000000, 900);
	run_until(&f, NULL, 0, 1100);
	ck_assert_int_eq(b.calls, 0);
	ck_assert_int_eq(stub_server_hits(f.srv, "/slow"), 1);

	/* ... and C, which waits for its retry. */
	result_clear(&a);
	memset(&a, 0, sizeof a);
	a.other = get(&f, "/busy", &c);
	while (stub_server_hits(f.srv, "/busy") < 1)
		uv_run(&f.loop, UV_RUN_ONCE);
	run_until(&f, NULL, 0, 100);
	get(&f, "/fast", &a);
	run_until(&f, &a.calls, 1, 5000);
	ck_assert_int_eq(a.calls, 1);
	ck_assert_int_eq(http_pending(f.http), 0);
	run_until(&f, NULL, 0, 1200);
	ck_assert_int_eq(c.calls, 0);
	ck_assert_int_eq(stub_server_hits(f.srv, "/busy"), 1);
	result_clear(&a);
	result_clear(&b);
	result_clear(&c);
	fixture_teardown(&f);
}
END_TEST

START_TEST(test_free_inside_callback)
{
	struct fixture f;
	struct result a = { 0 }, b = { 0 };
	struct stub_response fast = { .body = "fast" };
	struct stub_response slow = { .body = "slow", .delay_ms = 200 };

	fixture_setup(&f);
	fixture_client(&f);
	stub_server_add(f.srv, "/fast", &fast);
	stub_server_add(f.srv, "/slow", &slow);
	a.f = &f;
	a.free_client = 1;
	get(&f, "/slow", &b);
	get(&f, "/fast", &a);
	run_until(&f, &a.calls, 1, 5000);
	ck_assert_int_eq(a.calls, 1);
	ck_assert_ptr_null(f.http);
	run_until(&f, NULL, 0, 300);
	ck_assert_int_eq(b.calls, 0);
	result_clear(&a);
	result_clear(&b);
	fixture_teardown(&f);
}
END_TEST

START_TEST(test_free_with_pending)
{
	struct fixture f;
	struct result r = { 0 };
	struct stub_response slow = { .body = "slow", .delay_ms = 100 };
	int i;

	fixture_setup(&f);
	fixture_client(&f);
	stub_server_add(f.srv, "/slow", &slow);
	for (i = 0; i < 5; i++)
		get(&f, "/slow", &r);
	run_until(&f, NULL, 0, 30);
	http_free(f.http);
	f.http = NULL;
	run_until(&f, NULL, 0, 200);
	ck_assert_int_eq(r.calls, 0);
	fixture_teardown(&f);
}
END_TEST

START_TEST(test_concurrent_50)
{
	struct fixture f;
	struct result r[50];
	struct stub_response s = { .body = "hello", .delay_ms = 20 };
	int i, done = 0;

	memset(r, 0, sizeof r);
	fixture_setup(&f);
	fixture_client(&f);
	stub_server_add(f.srv, "/c", &s);
	for (i = 0; i < 50; i++)
		get(&f, "/c", &r[i]);
	ck_assert_int_eq(http_pending(f.http), 50);
	for (;;) {
		done = 0;
		for (i = 0; i < 50; i++)
			done += r[i].calls;
		if (done == 50)
			break;
		run_until(&f, NULL, 0, 20);
	}
	for (i = 0; i < 50; i++) {
		ck_assert_int_eq(r[i].calls, 1);
		ck_assert_int_eq(r[i].status, 200);
		ck_assert_str_eq(r[i].body, "hello");
		result_clear(&r[i]);
	}
	ck_assert_int_eq(stub_server_hits(f.srv, "/c"), 50);
	ck_assert_int_eq(http_pending(f.http), 0);
	fixture_teardown(&f);
}
END_TEST

/* Stream state: chunks seen, and what to do from inside chunk_cb. */
struct stream {
	struct result r;
	struct buf data;
	int chunks;
	uint64_t first_ns;
	int abort_after;  /* return -1 on this chunk */
	int cancel_after; /* http_cancel(self) on this chunk */
	int start_after;  /* start another request on this chunk */
	struct http_req *self;
	struct fixture *f;
	struct result started;
};

static int
on_chunk(const char *data, size_t len, void *arg)
{
	struct stream *s = arg;

	if (s->chunks++ == 0)
		s->first_ns = uv_hrtime();
	buf_add(&s->data, data, len);
	if (s->start_after == s->chunks)
		get(s->f, "/ok", &s->started);
	if (s->cancel_after == s->chunks)
		http_cancel(s->self);
	return s->abort_after == s->chunks ? -1 : 0;
}

static void
on_stream_done(const struct http_response *resp, void *arg)
{
	struct stream *s = arg;

	on_done(resp, &s->r);
}

static struct http_req *
stream(struct fixture *f, const char *path, struct stream *s)
{
	struct http_request req;
	char *u = url(f, path);

	memset(&req, 0, sizeof req);
	req.url = u;
	req.flags = HTTP_STREAM;
	req.chunk_cb = on_chunk;
	s->f = f;
	s->self = http_start(f->http, &req, on_stream_done, s);
	free(u);
	return s->self;
}

START_TEST(test_stream)
{
	struct fixture f;
	struct stream s;
	struct stub_response logs = { .body = "one\ntwo\nthree\n",
		.chunked = 1,
		.chunk_size = 4,
		.chunk_delay_ms = 60 };
	struct stub_response gone = { .status = 404, .body = "no such" };

	memset(&s, 0, sizeof s);
	buf_init(&s.data);
	fixture_setup(&f);
	fixture_client(&f);
	stub_server_add(f.srv, "/logs", &logs);
	stub_server_add(f.srv, "/gone", &gone);
	stream(&f, "/logs", &s);
	run_until(&f, &s.r.calls, 1, 5000);
	ck_assert_int_eq(s.r.calls, 1);
	ck_assert_int_eq(s.r.error, 0);
	ck_assert_int_eq(s.r.status, 200);
	ck_assert_uint_eq(s.r.body_len, 0);
	ck_assert_str_eq(s.data.data, "one\ntwo\nthree\n");
	ck_assert_int_ge(s.chunks, 3); /* they arrived one by one */
	ck_assert_uint_lt(s.first_ns, s.r.at_ns - 100 * 1000000);

	/* An error status is collected for the caller, not streamed. */
	result_clear(&s.r);
	memset(&s.r, 0, sizeof s.r);
	buf_reset(&s.data);
	s.chunks = 0;
	stream(&f, "/gone", &s);
	run_until(&f, &s.r.calls, 1, 5000);
	ck_assert_int_eq(s.r.status, 404);
	ck_assert_str_eq(s.r.body, "no such");
	ck_assert_int_eq(s.chunks, 0);
	result_clear(&s.r);
	buf_free(&s.data);
	fixture_teardown(&f);
}
END_TEST

START_TEST(test_stream_callbacks)
{
	struct fixture f;
	struct stream s;
	struct stub_response logs = { .body = "aaaabbbbccccdddd",
		.chunked = 1,
		.chunk_size = 4,
		.chunk_delay_ms = 30 };
	struct stub_response ok = { .body = "ok" };

	fixture_setup(&f);
	fixture_client(&f);
	stub_server_add(f.srv, "/logs", &logs);
	stub_server_add(f.srv, "/ok", &ok);

	/* The reader stops the stream: done reports it. */
	memset(&s, 0, sizeof s);
	buf_init(&s.data);
	s.abort_after = 2;
	stream(&f, "/logs", &s);
	run_until(&f, &s.r.calls, 1, 5000);
	ck_assert_int_eq(s.r.error, -1);
	ck_assert_ptr_nonnull(strstr(s.r.cause, "stopped the stream"));
	ck_assert_int_eq(s.chunks, 2);
	ck_assert_int_eq(s.r.attempts, 1);
	result_clear(&s.r);
	buf_free(&s.data);

	/* Cancelling itself and starting another from inside chunk_cb. */
	memset(&s, 0, sizeof s);
	buf_init(&s.data);
	s.start_after = 1;
	s.cancel_after = 2;
	stream(&f, "/logs", &s);
	run_until(&f, &s.started.calls, 1, 5000);
	run_until(&f, NULL, 0, 200);
	ck_assert_int_eq(s.chunks, 2);
	ck_assert_int_eq(s.r.calls, 0);
	ck_assert_int_eq(s.started.calls, 1);
	ck_assert_int_eq(s.started.status, 200);
	ck_assert_int_eq(http_pending(f.http), 0);
	result_clear(&s.started);
	buf_free(&s.data);
	fixture_teardown(&f);
}
END_TEST

START_TEST(test_unix_socket)
{
	struct fixture f;
	struct stub_server *usrv;
	struct result r = { 0 };
	struct stub_response ok = { .body = "[{\"Id\":\"abc\"}]",
		.headers = "Content-Type: application/json\r\n" };
	struct http_request req;
	char path[64], *cause = NULL;

	snprintf(
	    path, sizeof path, "/tmp/snowdeck-test-%d.sock", (int)getpid());
	fixture_setup(&f);
	fixture_client(&f);
	ck_assert_int_eq(stub_server_start(&usrv, &f.loop, path, &cause), 0);
	stub_server_add(usrv, "/containers/json", &ok);
	memset(&req, 0, sizeof req);
	req.url = "http://localhost/containers/json?all=1";
	req.unix_socket = path;
	http_start(f.http, &req, on_done, &r);
	run_until(&f, &r.calls, 1, 5000);
	ck_assert_int_eq(r.error, 0);
	ck_assert_int_eq(r.status, 200);
	ck_assert_str_eq(r.body, "[{\"Id\":\"abc\"}]");
	ck_assert_int_eq(stub_server_hits(usrv, "/containers/json"), 1);
	stub_server_close(usrv);
	result_clear(&r);

	/* Nothing listening there: the cause names the socket. */
	memset(&r, 0, sizeof r);
	req.unix_socket = "/nonexistent/snowdeck.sock";
	req.flags = HTTP_NO_RETRY;
	http_start(f.http, &req, on_done, &r);
	run_until(&f, &r.calls, 1, 5000);
	ck_assert_int_eq(r.error, -1);
	ck_assert_msg(
	    strstr(r.cause, "unix socket /nonexistent/snowdeck.sock") != NULL,
	    "cause: %s", r.cause);
	result_clear(&r);
	fixture_teardown(&f);
}
END_TEST

struct trace {
	int n;
	long status[8];
	int attempt[8];
	char method[8][8];
};

static void
on_trace(const char *method, const char *u, long status, double ms, int attempt,
    void *arg)
{
	struct trace *t = arg;

	(void)u;
	ck_assert(ms >= 0);
	if (t->n < 8) {
		t->status[t->n] = status;
		t->attempt[t->n] = attempt;
		snprintf(t->method[t->n], sizeof t->method[0], "%s", method);
	}
	t->n++;
}

START_TEST(test_trace)
{
	struct fixture f;
	struct result r = { 0 };
	struct trace t;
	struct stub_response busy = { .status = 503 };
	struct stub_response ok = { .body = "ok" };
	struct stub_response closed = { .action = STUB_CLOSE };

	memset(&t, 0, sizeof t);
	fixture_setup(&f);
	f.cfg.max_retries = 2;
	fixture_client(&f);
	http_set_trace(f.http, on_trace, &t);
	stub_server_add(f.srv, "/t", &busy);
	stub_server_add(f.srv, "/t", &busy);
	stub_server_add(f.srv, "/t", &ok);
	stub_server_add(f.srv, "/closed", &closed);
	get(&f, "/t", &r);
	run_until(&f, &r.calls, 1, 5000);
	ck_assert_int_eq(t.n, 3);
	ck_assert_int_eq(t.status[0], 503);
	ck_assert_int_eq(t.status[1], 503);
	ck_assert_int_eq(t.status[2], 200);
	ck_assert_int_eq(t.attempt[0], 1);
	ck_assert_int_eq(t.attempt[2], 3);
	ck_assert_str_eq(t.method[0], "GET");

	/* An empty reply is a transport error: status 0, and retried. */
	get(&f, "/closed", &r);
	run_until(&f, &r.calls, 2, 5000);
	ck_assert_int_eq(t.n, 6);
	ck_assert_int_eq(t.status[3], 0);
	ck_assert_int_eq(t.status[5], 0);
	ck_assert_int_eq(r.error, -1);
	ck_assert_int_eq(r.attempts, 3);
	ck_assert_msg(strstr(r.cause, "closed the connection without "
				      "replying") != NULL,
	    "cause: %s", r.cause);
	result_clear(&r);
	fixture_teardown(&f);
}
END_TEST

START_TEST(test_start_failure_deferred)
{
	struct fixture f;
	struct result r = { 0 };
	struct http_request req;

	fixture_setup(&f);
	fixture_client(&f);
	memset(&req, 0, sizeof req);
	req.url = "";
	http_start(f.http, &req, on_done, &r);
	ck_assert_int_eq(r.calls, 0);
	ck_assert_int_eq(http_pending(f.http), 1);
	run_until(&f, &r.calls, 1, 1000);
	ck_assert_int_eq(r.calls, 1);
	ck_assert_int_eq(r.error, -1);
	ck_assert_ptr_nonnull(strstr(r.cause, "no URL"));
	result_clear(&r);

	/* A scheme curl will not speak fails asynchronously too. */
	memset(&r, 0, sizeof r);
	req.url = "ftp://127.0.0.1/x";
	http_start(f.http, &req, on_done, &r);
	ck_assert_int_eq(r.calls, 0);
	run_until(&f, &r.calls, 1, 1000);
	ck_assert_int_eq(r.error, -1);
	ck_assert_ptr_nonnull(strstr(r.cause, "only http:// and https://"));
	result_clear(&r);
	fixture_teardown(&f);
}
END_TEST

START_TEST(test_gzip)
{
	static const char gz[] =
	    "\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\x03\xcb\x48\xcd\xc9\xc9\x57"
	    "\x48\xaf\xca\x2c\xe0\x02\x00\x39\x7c\x63\x56\x0b\x00\x00\x00";
	struct fixture f;
	struct result r = { 0 };
	struct stub_response s = {
		.body = gz, .body_len = sizeof gz - 1, .gzip = 1
	};

	fixture_setup(&f);
	fixture_client(&f);
	stub_server_add(f.srv, "/gz", &s);
	get(&f, "/gz", &r);
	run_until(&f, &r.calls, 1, 5000);
	ck_assert_int_eq(r.status, 200);
	ck_assert_str_eq(r.body, "hello gzip\n");
	ck_assert_ptr_nonnull(strstr(
	    stub_server_last_headers(f.srv, "/gz"), "Accept-Encoding: "));
	result_clear(&r);
	fixture_teardown(&f);
}
END_TEST

Suite *http_suite(void);

Suite *
http_suite(void)
{
	Suite *s = suite_create("http");
	TCase *tc;

	tc = tcase_create("pure");
	tcase_add_test(tc, test_backoff);
	tcase_add_test(tc, test_retry_after);
	suite_add_tcase(s, tc);

	tc = tcase_create("requests");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_get_200);
	tcase_add_test(tc, test_404_not_retried);
	tcase_add_test(tc, test_503_then_200);
	tcase_add_test(tc, test_retries_exhausted);
	tcase_add_test(tc, test_429_retry_after);
	tcase_add_test(tc, test_post_not_retried);
	tcase_add_test(tc, test_methods_and_auth);
	tcase_add_test(tc, test_connection_refused);
	tcase_add_test(tc, test_https_to_plain_server);
	tcase_add_test(tc, test_total_timeout);
	tcase_add_test(tc, test_response_cap);
	tcase_add_test(tc, test_cancel_before_completion);
	tcase_add_test(tc, test_cancel_from_callback);
	tcase_add_test(tc, test_free_inside_callback);
	tcase_add_test(tc, test_free_with_pending);
	tcase_add_test(tc, test_concurrent_50);
	tcase_add_test(tc, test_stream);
	tcase_add_test(tc, test_stream_callbacks);
	tcase_add_test(tc, test_unix_socket);
	tcase_add_test(tc, test_trace);
	tcase_add_test(tc, test_start_failure_deferred);
	tcase_add_test(tc, test_gzip);
	suite_add_tcase(s, tc);
	return s;
}
