/*
 * Unit tests of the asynchronous SPCS operations against the in-process
 * stub server: a restart observed state by state, a resume that comes back
 * FAILED, the ALTER SERVICE fallback where REST answers 405, the timeout,
 * and the services source (src_spcs.c) merging SPCS entries beside local
 * ones, one request at a time.
 */

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <uv.h>

#include "http.h"
#include "model.h"
#include "sf_conn.h"
#include "sf_sql.h"
#include "spcs.h"
#include "src_spcs.h"
#include "support_server.h"
#include "support_sf.h"
#include "svc.h"
#include "util.h"

#define SVCS  "/api/v2/databases/DEMO/schemas/XCOM/services"
#define SVC   SVCS "/SISSYG"
#define STMTS "/api/v2/statements"

struct fx {
	struct sf_fx b; /* loop, HTTP, stub server, client */
	int done;
	/* The outcome. */
	int ok;
	char state[32];
	char cause[512];
	char message[256];
	char seen[256];
	int progress;
	int changes;
};

static void
fx_setup(struct fx *f)
{
	memset(f, 0, sizeof *f);
	sf_fx_start(&f->b, NULL);
}

static void
fx_run(struct fx *f, long ms)
{
	sf_fx_run(&f->b, &f->done, ms);
}

static void
fx_teardown(struct fx *f)
{
	sf_fx_stop(&f->b, 0);
}

static void
add(struct fx *f, const char *path, int status, const char *body)
{
	struct stub_response r = { .status = status, .body = body };

	stub_server_add(f->b.srv, path, &r);
}

static void
on_progress(const struct spcs_progress *p, void *arg)
{
	struct fx *f = arg;

	(void)p;
	f->progress++;
}

static void
on_outcome(const struct spcs_outcome *r, void *arg)
{
	struct fx *f = arg;
	size_t i;

	f->done = 1;
	f->ok = r->ok;
	snprintf(f->state, sizeof f->state, "%s", r->state);
	snprintf(
	    f->cause, sizeof f->cause, "%s", r->cause != NULL ? r->cause : "");
	snprintf(f->message, sizeof f->message, "%s",
	    r->message != NULL ? r->message : "");
	for (i = 0; i < r->nseen; i++) {
		if (i > 0)
			strcat(f->seen, ",");
		strcat(f->seen, r->seen[i]);
	}
}

static const struct spcs_action_config fast = {
	.timeout_ms = 5000,
	.poll_min_ms = 10,
	.poll_max_ms = 20,
};

#define SVC_JSON(st) \
	"{\"name\":\"SISSYG\",\"status\":\"" st "\",\"compute_pool\":\"P\"}"
#define CONTAINER(name, st, msg)                                 \
	"{\"service_name\":\"SISSYG\",\"instance_id\":\"0\","    \
	"\"container_name\":\"" name "\",\"status\":\"" st "\"," \
	"\"message\":\"" msg "\",\"restart_count\":0}"

START_TEST(test_restart_observed_state_by_state)
{
	struct fx f;

	fx_setup(&f);
	add(&f, SVC ":suspend", 200, "{\"status\":\"ok\"}");
	add(&f, SVC ":resume", 200, "{\"status\":\"ok\"}");
	add(&f, SVC, 200, SVC_JSON("SUSPENDING"));
	add(&f, SVC, 200, SVC_JSON("SUSPENDING"));
	add(&f, SVC, 200, SVC_JSON("SUSPENDED"));
	add(&f, SVC, 200, SVC_JSON("PENDING"));
	add(&f, SVC, 200, SVC_JSON("RUNNING"));
	/* Running, but one container is not READY yet: keep waiting. */
	add(&f, SVC "/containers", 200,
	    "[" CONTAINER("a", "READY", "Running") "," CONTAINER(
		"b", "PENDING", "Waiting to start") "]");
	add(&f, SVC "/containers", 200,
	    "[" CONTAINER("a", "READY", "Running") "," CONTAINER(
		"b", "READY", "Running") "]");
	spcs_action_start(f.b.sf, &f.b.loop, SPCS_RESTART, "DEMO", "XCOM",
	    "SISSYG", &fast, on_progress, on_outcome, &f);
	fx_run(&f, 5000);
	ck_assert_int_eq(f.done, 1);
	ck_assert_msg(f.ok == 1, "cause: %s", f.cause);
	ck_assert_str_eq(f.state, "RUNNING");
	ck_assert_str_eq(f.seen, "SUSPENDING,SUSPENDED,PENDING,RUNNING");
	ck_assert_int_eq(stub_server_hits(f.b.srv, SVC ":suspend"), 1);
	ck_assert_int_eq(stub_server_hits(f.b.srv, SVC ":resume"), 1);
	ck_assert_int_eq(stub_server_hits(f.b.srv, SVC "/containers"), 2);
	ck_assert_str_eq(
	    stub_server_last_method(f.b.srv, SVC ":resume"), "POST");
	/* Each state and the readiness change were reported. */
	ck_assert_int_ge(f.progress, 5);
	fx_teardown(&f);
}
END_TEST

START_TEST(test_resume_that_fails)
{
	struct fx f;

	fx_setup(&f);
	add(&f, SVC ":resume", 200, "{\"status\":\"ok\"}");
	add(&f, SVC, 200, SVC_JSON("PENDING"));
	add(&f, SVC, 200, SVC_JSON("FAILED"));
	add(&f, SVC "/containers", 200,
	    "[" CONTAINER("a", "FAILED", "Container exited with code 1") "]");
	/* The supplement for the exit code (SHOW): not scripted, so 404. */
	spcs_action_start(f.b.sf, &f.b.loop, SPCS_RESUME, "DEMO", "XCOM",
	    "SISSYG", &fast, NULL, on_outcome, &f);
	fx_run(&f, 5000);
	ck_assert_int_eq(f.done, 1);
	ck_assert_int_eq(f.ok, 0);
	ck_assert_str_eq(f.state, "FAILED");
	ck_assert_ptr_nonnull(
	    strstr(f.message, "Container exited with code 1"));
	ck_assert_ptr_nonnull(strstr(f.cause, "did not come back"));
	ck_assert_ptr_nonnull(strstr(f.cause, "FAILED"));
	fx_teardown(&f);
}
END_TEST

START_TEST(test_alter_service_fallback_and_timeout)
{
	static const char stmt_ok[] =
	    "{\"resultSetMetaData\":{\"numRows\":1,\"rowType\":[{\"name\":"
	    "\"status\"}],\"partitionInfo\":[{\"rowCount\":1}]},\"data\":[["
	    "\"Statement executed successfully.\"]],\"code\":\"090001\","
	    "\"statementHandle\":\"h1\"}";
	struct spcs_action_config cfg = fast;
	struct fx f;

	fx_setup(&f);
	add(&f, SVC ":suspend", 405, "{\"message\":\"not allowed\"}");
	add(&f, STMTS, 200, stmt_ok);
	add(&f, SVC, 200, SVC_JSON("SUSPENDING"));
	cfg.timeout_ms = 300;
	spcs_action_start(f.b.sf, &f.b.loop, SPCS_SUSPEND, "DEMO", "XCOM",
	    "SISSYG", &cfg, NULL, on_outcome, &f);
	fx_run(&f, 5000);
	ck_assert_int_eq(f.done, 1);
	ck_assert_ptr_nonnull(strstr(stub_server_last_body(f.b.srv, STMTS),
	    "ALTER SERVICE DEMO.XCOM.SISSYG SUSPEND"));
	/* It never reached SUSPENDED: a timeout naming the state. */
	ck_assert_int_eq(f.ok, 0);
	ck_assert_str_eq(f.state, "SUSPENDING");
	ck_assert_ptr_nonnull(strstr(f.cause, "timed out"));
	ck_assert_ptr_nonnull(strstr(f.cause, "it is SUSPENDING now"));
	/* Polls stayed within the backoff: not a busy loop. */
	ck_assert_int_le(stub_server_hits(f.b.srv, SVC), 300 / 10 + 1);
	fx_teardown(&f);
}
END_TEST

START_TEST(test_cancel_runs_no_callback)
{
	struct fx f;
	struct spcs_op *op;

	fx_setup(&f);
	add(&f, SVC ":suspend", 200, "{}");
	add(&f, SVC, 200, SVC_JSON("SUSPENDING"));
	op = spcs_action_start(f.b.sf, &f.b.loop, SPCS_SUSPEND, "DEMO", "XCOM",
	    "SISSYG", &fast, on_progress, on_outcome, &f);
	fx_run(&f, 100);
	spcs_op_cancel(op);
	fx_run(&f, 100);
	ck_assert_int_eq(f.done, 0);
	fx_teardown(&f);
}
END_TEST

static void
on_change(void *arg)
{
	struct fx *f = arg;

	f->changes++;
	if (f->changes >= 2)
		f->done = 1;
}

START_TEST(test_source_merges_beside_local_entries)
{
	struct fx f;
	struct svcs model;
	struct spcs_services services = { NULL, 0 };
	struct source_status status;
	struct src_spcs_config c;
	struct src_spcs *src = NULL;
	struct svc local, *e;
	char *cause = NULL;
	int cycles;

	fx_setup(&f);
	svcs_init(&model);
	memset(&status, 0, sizeof status);
	svc_init(&local);
	local.origin = SVC_LOCAL;
	local.id = xstrdup("abcdef");
	local.name = xstrdup("proj-web-1");
	svcs_push(&model, &local);
	add(&f, SVCS, 200,
	    "[" SVC_JSON("RUNNING") ",{\"name\":\"OTHER\",\"status\":"
				    "\"SUSPENDED\"}]");
	add(&f, SVC "/endpoints", 200,
	    "[{\"name\":\"web\",\"is_public\":true,\"ingress_url\":\"x.app\"},"
	    "{\"name\":\"in\",\"is_public\":false}]");
	add(&f, SVCS "/OTHER/endpoints", 200, "[]");
	add(&f, SVC "/containers", 200,
	    "[" CONTAINER("a", "READY", "Running") "," CONTAINER(
		"b", "READY", "Running") "]");
	add(&f, SVC "/containers", 200,
	    "[" CONTAINER("a", "FAILED", "Container exited with code 1") "]");
	memset(&c, 0, sizeof c);
	c.database = "DEMO";
	c.schema = "XCOM";
	c.refresh_ms = 20;
	c.on_change = on_change;
	c.on_change_arg = &f;
	ck_assert_int_eq(src_spcs_create(&src, &f.b.loop, f.b.sf, &c, &model,
			     &services, &status, &cause),
	    0);
	fx_run(&f, 5000);
	ck_assert_int_eq(f.done, 1);
	ck_assert_int_eq(status.state, SOURCE_OK);
	/* The local entry stayed; SPCS entries beside it. */
	ck_assert_ptr_nonnull(svcs_find_id(&model, "abcdef"));
	e = svcs_find_id(&model, "SISSYG/0/a");
	ck_assert_ptr_nonnull(e);
	ck_assert_int_eq(e->origin, SVC_SPCS);
	ck_assert_int_eq(e->state, SVC_FAILED);
	ck_assert_str_eq(e->ports, "web=x.app");
	/* b is gone in the second cycle. */
	ck_assert_ptr_null(svcs_find_id(&model, "SISSYG/0/b"));
	e = svcs_find_id(&model, "OTHER/-/-");
	ck_assert_ptr_nonnull(e);
	ck_assert_int_eq(e->state, SVC_SUSPENDED);
	ck_assert_uint_eq(services.n, 2);
	ck_assert_str_eq(services.v[0].endpoints, "web=x.app");
	/* One request at a time: one list per cycle, one containers read per
	 * running service, nothing for the suspended one. */
	cycles = (int)src_spcs_cycles(src);
	ck_assert_int_ge(cycles, 2);
	ck_assert_int_le(stub_server_hits(f.b.srv, SVCS), cycles + 1);
	ck_assert_int_le(
	    stub_server_hits(f.b.srv, SVC "/containers"), cycles + 1);
	ck_assert_int_eq(
	    stub_server_hits(f.b.srv, SVCS "/OTHER/containers"), 0);
	src_spcs_free(src);
	fx_teardown(&f);
	svcs_free(&model);
	spcs_services_free(&services);
	free(status.detail);
}
END_TEST

Suite *spcs_ops_suite(void);

Suite *
spcs_ops_suite(void)
{
	Suite *s = suite_create("spcs_ops");
	TCase *tc = tcase_create("spcs_ops");

	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_restart_observed_state_by_state);
	tcase_add_test(tc, test_resume_that_fails);
	tcase_add_test(tc, test_alter_service_fallback_and_timeout);
	tcase_add_test(tc, test_cancel_runs_no_callback);
	tcase_add_test(tc, test_source_merges_beside_local_entries);
	suite_add_tcase(s, tc);
	return s;
}
