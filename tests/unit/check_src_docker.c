/*
 * Loop tests of the Docker Engine API client and the local containers
 * source against the stub server on a unix socket: version negotiation,
 * queued calls, error sentences, a chunked log stream through the
 * demultiplexer, the source's list/inspect/stats/probe cycle, an action
 * observed to completion, the engine going away and coming back.
 */

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <uv.h>

#include "docker.h"
#include "docker_logs.h"
#include "http.h"
#include "model.h"
#include "src_docker.h"
#include "support_server.h"
#include "svc.h"
#include "util.h"

struct dfix {
	uv_loop_t loop;
	uv_timer_t guard;
	int expired;
	struct stub_server *srv;
	struct http *http;
	struct docker *d;
	char path[96];
};

static void
dfix_guard(uv_timer_t *t)
{
	struct dfix *f = t->data;

	f->expired = 1;
}

static void
dfix_setup(struct dfix *f)
{
	struct http_config hc;
	struct docker_endpoint ep;
	char *cause = NULL;

	memset(f, 0, sizeof *f);
	snprintf(f->path, sizeof f->path, "/tmp/snowdeck-dtest-%d.sock",
	    (int)getpid());
	ck_assert_int_eq(uv_loop_init(&f->loop), 0);
	uv_timer_init(&f->loop, &f->guard);
	f->guard.data = f;
	ck_assert_int_eq(
	    stub_server_start(&f->srv, &f->loop, f->path, &cause), 0);
	http_config_default(&hc);
	hc.retry_base_ms = 10;
	hc.retry_max_ms = 20;
	hc.max_retries = 1;
	ck_assert_int_eq(http_create(&f->http, &f->loop, &hc, &cause), 0);
	memset(&ep, 0, sizeof ep);
	ep.unix_path = f->path;
	ep.base_url = (char *)(uintptr_t) "http://localhost";
	ep.display = (char *)(uintptr_t) "unix:///test.sock";
	ck_assert_int_eq(docker_create(&f->d, f->http, &ep, NULL, &cause), 0);
}

/* Runs the loop until cond(arg) holds or ms pass; returns cond. */
static int
dfix_run(struct dfix *f, int (*cond)(void *), void *arg, long ms)
{
	f->expired = 0;
	uv_timer_start(&f->guard, dfix_guard, (uint64_t)ms, 0);
	while (!f->expired && !cond(arg))
		uv_run(&f->loop, UV_RUN_ONCE);
	uv_timer_stop(&f->guard);
	return cond(arg);
}

static void
dfix_walk(uv_handle_t *h, void *arg)
{
	int *left = arg;

	if (!uv_is_closing(h)) {
		(*left)++;
		uv_close(h, NULL);
	}
}

static void
dfix_teardown(struct dfix *f)
{
	int left = 0;

	docker_free(f->d);
	http_free(f->http);
	if (f->srv != NULL)
		stub_server_close(f->srv);
	uv_close((uv_handle_t *)&f->guard, NULL);
	uv_run(&f->loop, UV_RUN_DEFAULT);
	uv_walk(&f->loop, dfix_walk, &left);
	uv_run(&f->loop, UV_RUN_DEFAULT);
	ck_assert_int_eq(left, 0);
	ck_assert_int_eq(uv_loop_close(&f->loop), 0);
}

static const char version_140[] =
    "{\"Components\":[{\"Name\":\"Podman Engine\",\"Version\":\"4.3.1\"}],"
    "\"Version\":\"4.3.1\",\"ApiVersion\":\"1.40\",\"MinAPIVersion\":"
    "\"1.24\"}";

static void
script_engine(struct stub_server *srv)
{
	struct stub_response v = { .body = version_140 };
	struct stub_response list = {
		.body =
		    "[{\"Id\":\"aaaa1111\",\"Names\":[\"/p-web-1\"],\"State\":"
		    "\"running\",\"Status\":\"Up 1 minute\",\"Ports\":[],"
		    "\"Labels\":{\"com.docker.compose.project\":\"p\","
		    "\"com.docker.compose.service\":\"web\"}},"
		    "{\"Id\":\"bbbb2222\",\"Names\":[\"/p-once-1\"],\"State\":"
		    "\"exited\",\"Status\":\"Exited (3)\",\"Ports\":[],"
		    "\"Labels\":{\"com.docker.compose.project\":\"p\","
		    "\"com.docker.compose.service\":\"once\"}}]"
	};
	struct stub_response ia = {
		.body = "{\"Id\":\"aaaa1111\",\"Name\":\"/"
			"p-web-1\",\"RestartCount\":0,"
			"\"State\":{\"Status\":\"running\",\"Running\":true,"
			"\"StartedAt\":\"2026-12-01T10:00:00Z\"},\"Config\":{"
			"\"Tty\":"
			"false}}"
	};
	struct stub_response ib = {
		.body = "{\"Id\":\"bbbb2222\",\"Name\":\"/"
			"p-once-1\",\"RestartCount\":2,"
			"\"State\":{\"Status\":\"exited\",\"Running\":false,"
			"\"ExitCode\":3},\"Config\":{\"Tty\":true}}"
	};
	struct stub_response s1 = {
		.body = "{\"cpu_stats\":{\"cpu_usage\":{\"total_usage\":1000},"
			"\"system_cpu_usage\":100000,\"online_cpus\":1},"
			"\"memory_stats\":{\"usage\":4096}}"
	};
	struct stub_response s2 = {
		.body = "{\"cpu_stats\":{\"cpu_usage\":{\"total_usage\":11000},"
			"\"system_cpu_usage\":200000,\"online_cpus\":1},"
			"\"memory_stats\":{\"usage\":8192}}"
	};
	struct stub_response hang = { .action = STUB_HANG };

	stub_server_add(srv, "/version", &v);
	stub_server_add(srv, "/v1.40/containers/json", &list);
	stub_server_add(srv, "/v1.40/containers/aaaa1111/json", &ia);
	stub_server_add(srv, "/v1.40/containers/bbbb2222/json", &ib);
	stub_server_add(srv, "/v1.40/containers/aaaa1111/stats", &s1);
	stub_server_add(srv, "/v1.40/containers/aaaa1111/stats", &s2);
	stub_server_add(srv, "/v1.40/events", &hang);
}

struct got {
	int calls;
	int error;
	long status;
	char *cause;
	char *body;
};

static void
got_done(const struct docker_result *r, void *arg)
{
	struct got *g = arg;

	g->calls++;
	g->error = r->error;
	g->status = r->status;
	free(g->cause);
	free(g->body);
	g->cause = r->cause != NULL ? xstrdup(r->cause) : NULL;
	g->body = xstrndup(r->body != NULL ? r->body : "", r->len);
}

static int
got_one(void *arg)
{
	return ((struct got *)arg)->calls >= 1;
}

static void
got_clear(struct got *g)
{
	free(g->cause);
	free(g->body);
	memset(g, 0, sizeof *g);
}

START_TEST(test_client_negotiates_and_queues)
{
	struct dfix f;
	struct got a = { 0 }, b = { 0 };
	struct stub_response nf = { .status = 404,
		.body = "{\"message\":\"no such container\"}" };

	dfix_setup(&f);
	script_engine(f.srv);
	stub_server_add(f.srv, "/v1.40/containers/zzz/json", &nf);
	/* Both calls wait for one negotiation, then go under /v1.40. */
	docker_call(
	    f.d, "GET", "/containers/json", "all=1", NULL, got_done, &a);
	docker_call(
	    f.d, "GET", "/containers/zzz/json", NULL, NULL, got_done, &b);
	ck_assert_ptr_null(docker_api_prefix(f.d));
	ck_assert(dfix_run(&f, got_one, &b, 5000));
	ck_assert(dfix_run(&f, got_one, &a, 5000));
	ck_assert_int_eq(stub_server_hits(f.srv, "/version"), 1);
	ck_assert_str_eq(docker_api_prefix(f.d), "v1.40");
	ck_assert_str_eq(docker_engine(f.d), "Podman Engine 4.3.1");
	ck_assert_int_eq(a.error, 0);
	ck_assert_ptr_nonnull(strstr(a.body, "aaaa1111"));
	ck_assert_str_eq(
	    stub_server_last_target(f.srv, "/v1.40/containers/json"),
	    "/v1.40/containers/json?all=1");
	ck_assert_int_eq(b.error, -1);
	ck_assert_int_eq(b.status, 404);
	ck_assert_ptr_nonnull(strstr(b.cause, "not found (no such container)"));
	ck_assert_ptr_nonnull(strstr(b.cause, "GET /containers/zzz/json"));
	got_clear(&a);
	got_clear(&b);

	/* The engine goes away: a sentence naming it; negotiation forgotten. */
	stub_server_close(f.srv);
	f.srv = NULL;
	uv_run(&f.loop, UV_RUN_NOWAIT);
	docker_call(f.d, "GET", "/containers/json", NULL, NULL, got_done, &a);
	ck_assert(dfix_run(&f, got_one, &a, 10000));
	ck_assert_int_eq(a.error, -1);
	ck_assert_ptr_nonnull(strstr(
	    a.cause, "cannot reach the Docker API at unix:///test.sock"));
	ck_assert_ptr_nonnull(strstr(a.cause, "DOCKER_HOST"));
	ck_assert_ptr_null(docker_api_prefix(f.d));
	got_clear(&a);
	/* It comes back: the next call negotiates again and works. */
	ck_assert_int_eq(stub_server_start(&f.srv, &f.loop, f.path, NULL), 0);
	script_engine(f.srv);
	docker_call(f.d, "GET", "/containers/json", NULL, NULL, got_done, &a);
	ck_assert(dfix_run(&f, got_one, &a, 10000));
	ck_assert_int_eq(a.error, 0);
	ck_assert_int_eq(stub_server_hits(f.srv, "/version"), 1);
	got_clear(&a);
	dfix_teardown(&f);
}
END_TEST

struct freer {
	struct docker *d;
	int calls;
};

static void
free_in_cb(const struct docker_result *r, void *arg)
{
	struct freer *fr = arg;

	(void)r;
	fr->calls++;
	docker_free(fr->d);
}

static int
freer_done(void *arg)
{
	return ((struct freer *)arg)->calls >= 1;
}

START_TEST(test_client_free_in_callback)
{
	struct dfix f;
	struct freer fr;

	/* No engine: the queued calls fail; the first callback frees the
	 * client with the other call still queued behind it. */
	dfix_setup(&f);
	stub_server_close(f.srv);
	f.srv = NULL;
	fr.d = f.d;
	fr.calls = 0;
	docker_call(
	    f.d, "GET", "/containers/json", NULL, NULL, free_in_cb, &fr);
	docker_call(f.d, "GET", "/info", NULL, NULL, free_in_cb, &fr);
	ck_assert(dfix_run(&f, freer_done, &fr, 10000));
	uv_run(&f.loop, UV_RUN_NOWAIT);
	ck_assert_int_eq(fr.calls, 1);
	f.d = NULL;
	dfix_teardown(&f);
}
END_TEST

struct logrun {
	struct docker_demux demux;
	struct buf out;
	int done;
	int error;
};

static int
log_line(int stream, const char *line, size_t len, void *arg)
{
	struct logrun *l = arg;

	buf_printf(&l->out, "%d:", stream);
	buf_add(&l->out, line, len);
	buf_addc(&l->out, '\n');
	return 0;
}

static int
log_chunk(const char *data, size_t len, void *arg)
{
	struct logrun *l = arg;

	return docker_demux_feed(&l->demux, data, len, log_line, l);
}

static void
log_done(const struct docker_result *r, void *arg)
{
	struct logrun *l = arg;

	docker_demux_flush(&l->demux, log_line, l);
	l->error = r->error;
	l->done = 1;
}

static int
log_finished(void *arg)
{
	return ((struct logrun *)arg)->done;
}

START_TEST(test_client_log_stream)
{
	static const char framed[] = "\x01\0\0\0\0\0\0\x06hello\n"
				     "\x02\0\0\0\0\0\0\x04oops"
				     "\x01\0\0\0\0\0\0\x03 ok"
				     "\x02\0\0\0\0\0\0\x01\n";
	struct stub_response logs = { .body = framed,
		.body_len = sizeof framed - 1,
		.chunked = 1,
		.chunk_size = 3,
		.chunk_delay_ms = 1 };
	struct stub_response v = { .body = version_140 };
	struct dfix f;
	struct logrun l;

	dfix_setup(&f);
	stub_server_add(f.srv, "/version", &v);
	stub_server_add(f.srv, "/v1.40/containers/c1/logs", &logs);
	memset(&l, 0, sizeof l);
	docker_demux_init(&l.demux, 0);
	buf_init(&l.out);
	docker_stream(f.d, "/containers/c1/logs", "stdout=1&stderr=1&follow=1",
	    log_chunk, log_done, &l);
	ck_assert(dfix_run(&f, log_finished, &l, 5000));
	ck_assert_int_eq(l.error, 0);
	ck_assert_str_eq(l.out.data, "1:hello\n2:oops\n1: ok\n");
	ck_assert_uint_eq(l.demux.frames, 4);
	docker_demux_free(&l.demux);
	buf_free(&l.out);
	dfix_teardown(&f);
}
END_TEST

struct srcwatch {
	struct models m;
	int changes;
	int action_calls;
	int action_error;
	char *action_msg;
};

static void
src_changed(void *arg)
{
	((struct srcwatch *)arg)->changes++;
}

static int
src_ready(void *arg)
{
	struct srcwatch *w = arg;
	struct svc *a = svcs_find_id(&w->m.services, "aaaa1111");
	struct svc *b = svcs_find_id(&w->m.services, "bbbb2222");

	return a != NULL && b != NULL && a->inspected && b->inspected &&
	       a->cpu_pct >= 0;
}

static int
src_down(void *arg)
{
	return ((struct srcwatch *)arg)->m.docker.state == SOURCE_DOWN;
}

static int
src_up(void *arg)
{
	return ((struct srcwatch *)arg)->m.docker.state == SOURCE_OK;
}

static int
src_action_done(void *arg)
{
	return ((struct srcwatch *)arg)->action_calls > 0;
}

static void
src_action_cb(int error, const char *msg, void *arg)
{
	struct srcwatch *w = arg;

	w->action_calls++;
	w->action_error = error;
	free(w->action_msg);
	w->action_msg = xstrdup(msg);
}

START_TEST(test_source_cycle)
{
	struct dfix f;
	struct srcwatch w;
	struct src_docker *s;
	struct src_docker_config sc = { .project = "p", .refresh_ms = 50 };
	struct stub_response later = {
		.body = "{\"Id\":\"aaaa1111\",\"Name\":\"/"
			"p-web-1\",\"RestartCount\":0,"
			"\"State\":{\"Status\":\"running\",\"Running\":true,"
			"\"StartedAt\":\"2026-12-01T11:00:00Z\"},\"Config\":{}}"
	};
	struct stub_response nocontent = { .status = 204 };
	struct svc *a, *b;
	char *cause = NULL;
	const char *t;

	dfix_setup(&f);
	script_engine(f.srv);
	memset(&w, 0, sizeof w);
	models_init(&w.m);
	sc.on_change = src_changed;
	sc.on_change_arg = &w;
	ck_assert_int_eq(src_docker_create(&s, &f.loop, f.http, f.d, &sc,
			     &w.m.services, &w.m.docker, &cause),
	    0);
	ck_assert_int_eq(w.m.docker.state, SOURCE_CONNECTING);
	ck_assert(dfix_run(&f, src_ready, &w, 5000));
	a = svcs_find_id(&w.m.services, "aaaa1111");
	b = svcs_find_id(&w.m.services, "bbbb2222");
	ck_assert_str_eq(a->service, "web");
	ck_assert_int_eq(a->state, SVC_RUNNING);
	/* 10000 of 100000 ns on one CPU: 10%. */
	ck_assert_double_eq_tol(a->cpu_pct, 10.0, 1e-9);
	ck_assert_uint_eq(a->mem_bytes, 8192);
	ck_assert_int_eq(b->restarts, 2);
	ck_assert_int_eq(b->tty, 1);
	ck_assert_int_eq(b->exit_code, 3);
	ck_assert(b->cpu_pct < 0);
	ck_assert_int_eq(w.m.docker.state, SOURCE_OK);
	/* list, two inspects, two stats answers at least */
	ck_assert_int_ge(w.changes, 5);
	ck_assert_ptr_nonnull(strstr(w.m.docker.detail, "Podman Engine 4.3.1"));
	ck_assert_ptr_nonnull(strstr(w.m.docker.detail, "2 containers"));
	t = stub_server_last_target(f.srv, "/v1.40/containers/json");
	ck_assert_ptr_nonnull(strstr(t, "all=1&filters="));
	ck_assert_ptr_nonnull(strstr(t, "com.docker.compose.project%3Dp"));
	ck_assert_int_eq(stub_server_hits(f.srv, "/v1.40/events"), 1);
	/* Exited containers are never asked for stats. */
	ck_assert_int_eq(
	    stub_server_hits(f.srv, "/v1.40/containers/bbbb2222/stats"), 0);

	/* A restart is observed: a later StartedAt completes it. */
	stub_server_add(f.srv, "/v1.40/containers/aaaa1111/json", &later);
	stub_server_add(
	    f.srv, "/v1.40/containers/aaaa1111/restart", &nocontent);
	ck_assert_int_eq(src_docker_action(s, "aaaa1111", "restart",
			     src_action_cb, &w, &cause),
	    0);
	ck_assert_int_eq(
	    svcs_find_id(&w.m.services, "aaaa1111")->state, SVC_RESTARTING);
	ck_assert(dfix_run(&f, src_action_done, &w, 5000));
	ck_assert_int_eq(w.action_error, 0);
	ck_assert_ptr_nonnull(
	    strstr(w.action_msg, "restart p-web-1: running "
				 "since 2026-12-01T11:00:00Z"));
	ck_assert_str_eq(stub_server_last_method(
			     f.srv, "/v1.40/containers/aaaa1111/restart"),
	    "POST");
	ck_assert_int_eq(
	    src_docker_action(s, "nope", "restart", src_action_cb, &w, &cause),
	    -1);
	free(cause);
	cause = NULL;
	ck_assert_int_eq(
	    src_docker_action(s, "aaaa1111", "kill", src_action_cb, &w, &cause),
	    -1);
	free(cause);

	/* The engine goes away: DOWN with a sentence; back: OK again. */
	stub_server_close(f.srv);
	f.srv = NULL;
	ck_assert(dfix_run(&f, src_down, &w, 10000));
	ck_assert_ptr_nonnull(strstr(w.m.docker.detail,
	    "cannot reach the Docker API at unix:///test.sock"));
	ck_assert_int_eq(stub_server_start(&f.srv, &f.loop, f.path, NULL), 0);
	script_engine(f.srv);
	ck_assert(dfix_run(&f, src_up, &w, 10000));
	ck_assert_uint_eq(w.m.services.n, 2);

	src_docker_free(s);
	free(w.action_msg);
	dfix_teardown(&f);
	models_free(&w.m);
}
END_TEST

Suite *src_docker_suite(void);

Suite *
src_docker_suite(void)
{
	Suite *s = suite_create("src_docker");
	TCase *tc = tcase_create("loop");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_client_negotiates_and_queues);
	tcase_add_test(tc, test_client_log_stream);
	tcase_add_test(tc, test_client_free_in_callback);
	tcase_add_test(tc, test_source_cycle);
	suite_add_tcase(s, tc);
	return s;
}
