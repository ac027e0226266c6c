/* Support for the Snowflake client suites: see support_sf.h. */

#include "support_sf.h"

#include <check.h>
#include <string.h>

#include "http.h"
#include "support_server.h"

static void
sf_fx_guard_cb(uv_timer_t *t)
{
	struct sf_fx *f = t->data;

	f->expired = 1;
}

void
sf_fx_start(struct sf_fx *f, const struct sf_fx_opts *opts)
{
	struct sf_fx_opts none;
	struct http_config hc;
	struct sf_client_config sc;
	char *cause = NULL;

	if (opts == NULL) {
		memset(&none, 0, sizeof none);
		opts = &none;
	}
	memset(f, 0, sizeof *f);
	ck_assert_int_eq(uv_loop_init(&f->loop), 0);
	ck_assert_int_eq(stub_server_start(&f->srv, &f->loop, NULL, &cause), 0);
	uv_timer_init(&f->loop, &f->guard);
	f->guard.data = f;
	http_config_default(&hc);
	if (opts->fast_retries) {
		hc.retry_base_ms = 5;
		hc.retry_max_ms = 20;
	}
	ck_assert_int_eq(http_create(&f->http, &f->loop, &hc, &cause), 0);
	if (opts->trace != NULL)
		http_set_trace(f->http, opts->trace, opts->trace_arg);
	sf_conn_init(&f->conn);
	sf_conn_set(&f->conn, "account", "xy12345.us-east-1");
	sf_conn_set(&f->conn, "user", "snowdeck");
	sf_conn_set(&f->conn, "database", "DEMO");
	sf_conn_set(&f->conn, "schema", "XCOM");
	sf_conn_set(&f->conn, "warehouse", "WH");
	sf_conn_set(&f->conn, "role", "R");
	if (opts->jwt)
		sf_conn_set(&f->conn, "private_key_file",
		    "fixtures/snowflake/test_rsa_key.p8");
	else
		sf_conn_set(&f->conn, "token", "pat-secret-value");
	ck_assert_int_eq(
	    sf_conn_finish(&f->conn, stub_server_url(f->srv), &cause), 0);
	memset(&sc, 0, sizeof sc);
	sc.loop = &f->loop;
	sc.conn = &f->conn;
	sc.cmdlog = &f->cmdlog;
	sc.poll_first_ms = 5;
	sc.poll_max_ms = 20;
	sc.retry_base_ms = 5;
	sc.partition_window = opts->partition_window;
	ck_assert_int_eq(sf_client_create(&f->sf, f->http, &sc, &cause), 0);
}

void
sf_fx_guard(struct sf_fx *f, long ms)
{
	f->expired = 0;
	uv_timer_start(&f->guard, sf_fx_guard_cb, (uint64_t)ms, 0);
}

void
sf_fx_run(struct sf_fx *f, const int *done, long ms)
{
	sf_fx_guard(f, ms);
	while (!f->expired && !*done)
		uv_run(&f->loop, UV_RUN_ONCE);
	uv_timer_stop(&f->guard);
}

static void
sf_fx_walk_cb(uv_handle_t *h, void *arg)
{
	int *left = arg;

	if (!uv_is_closing(h)) {
		(*left)++;
		uv_close(h, NULL);
	}
}

void
sf_fx_stop(struct sf_fx *f, int check_handles)
{
	int left = 0;

	sf_client_free(f->sf);
	http_free(f->http);
	stub_server_close(f->srv);
	uv_close((uv_handle_t *)&f->guard, NULL);
	uv_run(&f->loop, UV_RUN_DEFAULT);
	if (check_handles) {
		uv_walk(&f->loop, sf_fx_walk_cb, &left);
		uv_run(&f->loop, UV_RUN_DEFAULT);
		ck_assert_int_eq(left, 0);
	}
	ck_assert_int_eq(uv_loop_close(&f->loop), 0);
	sf_conn_free(&f->conn);
	cmdlog_free(&f->cmdlog);
}
