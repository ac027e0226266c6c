/*
 * Unit tests: actions the server refuses (HTTP 403) are learned and shown
 * disabled with the reason, against the in-process stub server playing an
 * Airflow 3 whose user may read but not trigger.
 */

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include <uv.h>

#include "airflow.h"
#include "app.h"
#include "app_ops.h"
#include "config.h"
#include "support_server.h"
#include "support_tui.h"
#include "tui.h"
#include "tui_ext.h"
#include "util.h"

static void
version_done(const struct af_result *r, void *arg)
{
	int *done = arg;

	(void)r;
	*done = 1;
}

static void
guard_cb(uv_timer_t *t)
{
	int *expired = t->data;

	*expired = 1;
}

START_TEST(test_403_disables_the_action)
{
	struct stub_server *srv;
	struct stub_response version = { .body = "{\"version\":\"3.2.2\"}",
		.headers = "Content-Type: application/json\r\n" };
	struct stub_response forbidden = { .status = 403,
		.headers = "Content-Type: application/json\r\n",
		.body = "{\"detail\":\"Forbidden\"}" };
	struct app_action_args a;
	struct fixture f;
	uv_timer_t guard;
	char *cause = NULL, *s;
	int expired = 0, connected = 0;

	fixture_env();
	memset(&f, 0, sizeof f);
	ck_assert_int_eq(uv_loop_init(&f.loop), 0);
	ck_assert_int_eq(stub_server_start(&srv, &f.loop, NULL, &cause), 0);
	stub_server_add(srv, "/api/v2/version", &version);
	stub_server_add(
	    srv, "/api/v2/dags/customer_analytics/dagRuns", &forbidden);
	config_init(&f.cfg);
	f.cfg.airflow_url = xstrdup(stub_server_url(srv));
	f.cfg.readonly = 0;
	config_finish(&f.cfg);
	ck_assert_int_eq(app_create(&f.app, &f.loop, &f.cfg,
			     APP_NO_TUI | APP_NO_SOURCES, &cause),
	    0);
	ck_assert_int_eq(
	    tui_create_headless(&f.t, f.app, 50, 200, NULL, &cause), 0);
	fixture_fill(app_models(f.app));

	/* Connect (what the sources do first), then the user asks to
	 * trigger; the server says 403. */
	uv_timer_init(&f.loop, &guard);
	guard.data = &expired;
	uv_timer_start(&guard, guard_cb, 5000, 0);
	airflow_call(app_airflow(f.app), "GET", "/version", NULL, NULL, 0,
	    version_done, &connected);
	while (!expired && !connected)
		uv_run(&f.loop, UV_RUN_ONCE);
	ck_assert_int_eq(airflow_api(app_airflow(f.app)), 2);
	memset(&a, 0, sizeof a);
	a.dag_id = "customer_analytics";
	a.map_index = -1;
	ck_assert_int_eq(app_action(f.app, APP_ACT_TRIGGER, &a), 0);
	while (!expired && app_denied(f.app, "trigger", NULL) == NULL)
		uv_run(&f.loop, UV_RUN_ONCE);
	uv_timer_stop(&guard);
	ck_assert_ptr_nonnull(app_denied(f.app, "trigger", NULL));
	ck_assert_ptr_nonnull(
	    strstr(app_denied(f.app, "trigger", NULL), "403"));
	ck_assert_ptr_null(app_denied(f.app, "clear", NULL));
	ck_assert_int_eq(
	    stub_server_hits(srv, "/api/v2/dags/customer_analytics/dagRuns"),
	    1);

	/* Now t on the DAG does not ask: it says why it is disabled. */
	fixture_keys(&f, "1gt");
	s = fixture_screen(&f);
	ck_assert_ptr_nonnull(strstr(s, "trigger is disabled"));
	ck_assert_ptr_null(strstr(s, "y confirm"));
	free(s);
	ck_assert_int_eq(
	    stub_server_hits(srv, "/api/v2/dags/customer_analytics/dagRuns"),
	    1);
	/* The help page lists it with the reason. */
	fixture_keys(&f, "?");
	s = fixture_screen(&f);
	free(s);
	fixture_keys(&f, "G");
	s = fixture_screen(&f);
	ck_assert_ptr_nonnull(strstr(s, "Disabled for this user/role"));
	free(s);
	fixture_keys(&f, "q");
	/* A refresh forgets it: a granted permission is picked up. */
	app_refresh_now(f.app);
	ck_assert_ptr_null(app_denied(f.app, "trigger", NULL));

	uv_close((uv_handle_t *)&guard, NULL);
	/* The server first: app_free runs the loop until nothing is left. */
	stub_server_close(srv);
	tui_free(f.t);
	app_free(f.app);
	uv_run(&f.loop, UV_RUN_DEFAULT);
	config_free(&f.cfg);
	ck_assert_int_eq(uv_loop_close(&f.loop), 0);
}
END_TEST

START_TEST(test_deny_registry)
{
	struct fixture f;
	const char *why = NULL, *target = NULL;

	fixture_start(&f, 24, 80, 0, NULL);
	ck_assert_ptr_null(app_denied(f.app, "restart", NULL));
	app_deny(f.app, "restart", NULL, "first");
	app_deny(f.app, "restart", NULL, "second");
	app_deny(f.app, "suspend", "WEAVIATE", "x");
	ck_assert_str_eq(app_denied(f.app, "restart", NULL), "second");
	/* A verb-wide entry holds for every target. */
	ck_assert_str_eq(app_denied(f.app, "restart", "ANY"), "second");
	/* A per-target entry holds for that target only. */
	ck_assert_str_eq(app_denied(f.app, "suspend", "WEAVIATE"), "x");
	ck_assert_ptr_null(app_denied(f.app, "suspend", "SISSYG"));
	ck_assert_ptr_null(app_denied(f.app, "suspend", NULL));
	app_deny(f.app, "suspend", "WEAVIATE", "y");
	app_deny(f.app, "suspend", "SISSYG", "z");
	ck_assert_str_eq(app_denied(f.app, "suspend", "WEAVIATE"), "y");
	ck_assert_str_eq(app_denied(f.app, "suspend", "SISSYG"), "z");
	ck_assert_str_eq(app_denied_at(f.app, 1, &target, &why), "suspend");
	ck_assert_str_eq(target, "WEAVIATE");
	ck_assert_str_eq(why, "y");
	ck_assert_ptr_nonnull(app_denied_at(f.app, 0, &target, &why));
	ck_assert_ptr_null(target);
	ck_assert_ptr_null(app_denied_at(f.app, 3, &target, &why));
	/* A refresh forgets every one. */
	app_refresh_now(f.app);
	ck_assert_ptr_null(app_denied_at(f.app, 0, &target, &why));
	fixture_stop(&f);
}
END_TEST

Suite *perms_suite(void);

Suite *
perms_suite(void)
{
	Suite *s = suite_create("perms");
	TCase *tc = tcase_create("perms");

	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_403_disables_the_action);
	tcase_add_test(tc, test_deny_registry);
	suite_add_tcase(s, tc);
	return s;
}
