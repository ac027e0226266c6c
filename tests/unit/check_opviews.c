/*
 * The operator pages: doctor (:doctor) and jobs (:jobs). Golden screens at
 * 200x50 and 80x24, and the jobs page running real commands: output
 * streamed into the page with stderr marked and secrets masked, the exit
 * status, cancel (process group), confirmation and read-only refusal.
 */

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include <uv.h>

#include "app.h"
#include "app_ops.h"
#include "config.h"
#include "dialog.h"
#include "doctor.h"
#include "job.h"
#include "keymap.h"
#include "model.h"
#include "params.h"
#include "params_form.h"
#include "setup.h"
#include "svc.h"
#include "support_tui.h"
#include "tui_ext.h"
#include "util.h"

static int
dialog_active_title_is(const char *t)
{
	return dialog_active() && dialog_title() != NULL &&
	       strcmp(dialog_title(), t) == 0;
}

static void
opviews_doctor_fill(struct doctor *d)
{
	size_t i;

	i = doctor_add(d, "Airflow", "reachable");
	doctor_set(d, i, DOCTOR_OK, "http://localhost:8080 answered 200", NULL);
	i = doctor_add(d, "Airflow", "XCom backend settings");
	doctor_set(d, i, DOCTOR_WARN,
	    "AIRFLOW__CORE__XCOM_SNOWFLAKE_CONN_NAME is not set",
	    "set it to the Snowflake connection id");
	i = doctor_add(d, "Snowflake", "authentication");
	doctor_set(d, i, DOCTOR_FAIL, "390144: JWT token is invalid\x1b[31m",
	    "upload the public key: ALTER USER … SET RSA_PUBLIC_KEY");
	i = doctor_add(d, "Snowflake", "XCom table DEMO.XCOM.XCOM_TABLE");
	doctor_set(d, i, DOCTOR_SKIP, "skipped: authentication failed", NULL);
	i = doctor_add(d, "Services", "webserver health probe");
	(void)i; /* still pending */
}

static void
opviews_jobs_config(struct config *cfg)
{
	cfg->njobs = 3;
	cfg->jobs = xcalloc(3, sizeof *cfg->jobs);
	cfg->jobs[0].name = xstrdup("mixed");
	cfg->jobs[0].command =
	    xstrdup("echo one; echo two >&2; echo 'password=hunter2'; exit 3");
	cfg->jobs[0].shell = 1;
	cfg->jobs[0].description = xstrdup("prints and fails");
	cfg->jobs[1].name = xstrdup("sleeper");
	cfg->jobs[1].argv = xcalloc(3, sizeof(char *));
	cfg->jobs[1].argv[0] = xstrdup("sleep");
	cfg->jobs[1].argv[1] = xstrdup("30");
	cfg->jobs[1].shell = -1;
	cfg->jobs[2].name = xstrdup("setup_snowflake");
	cfg->jobs[2].argv = xcalloc(4, sizeof(char *));
	cfg->jobs[2].argv[0] = xstrdup("python");
	cfg->jobs[2].argv[1] = xstrdup("include/utils/setup_snowflake.py");
	cfg->jobs[2].argv[2] = xstrdup("--apply");
	cfg->jobs[2].shell = -1;
	cfg->jobs[2].description = xstrdup("the seed's setup script");
}

static void
opviews_golden(int rows, int cols)
{
	struct fixture f;
	char name[64], *s;

	fixture_start(&f, rows, cols, 0, NULL);
	opviews_doctor_fill(app_doctor_mut(f.app));
	fixture_keys(&f, ":doctor\r");
	ck_assert_str_eq(tui_focused_view(f.t), "doctor");
	s = fixture_screen(&f);
	/* The escape sequence from the server never reaches the screen. */
	ck_assert_ptr_null(strchr(s, '\x1b'));
	ck_assert_ptr_nonnull(strstr(s, "✗ fail"));
	snprintf(name, sizeof name, "view_doctor_%dx%d", cols, rows);
	golden_check(name, s);
	free(s);
	fixture_stop(&f);

	fixture_start(&f, rows, cols, 0, NULL);
	opviews_jobs_config(&f.cfg);
	fixture_keys(&f, ":jobs\r");
	ck_assert_str_eq(tui_focused_view(f.t), "jobs");
	s = fixture_screen(&f);
	snprintf(name, sizeof name, "view_jobs_%dx%d", cols, rows);
	golden_check(name, s);
	free(s);
	/* The confirmation dialog. */
	fixture_keys(&f, "x");
	s = fixture_screen(&f);
	snprintf(name, sizeof name, "dialog_job_%dx%d", cols, rows);
	golden_check(name, s);
	free(s);
	fixture_keys(&f, "n");
	ck_assert_ptr_null(app_job(f.app, 0));
	fixture_stop(&f);
}

/*
 * At 80 columns the reason and fix are cut: the selected check stands
 * whole below the list; Enter puts the keyboard there, / finds in it, Esc
 * twice gives it back to the list.
 */
START_TEST(test_doctor_check_text)
{
	struct fixture f;
	char *s;

	fixture_start(&f, 24, 80, 0, NULL);
	opviews_doctor_fill(app_doctor_mut(f.app));
	fixture_keys(&f, ":doctor\rjj"); /* the failed authentication */
	s = fixture_screen(&f);
	ck_assert_ptr_nonnull(strstr(s, "Snowflake / authentication: fail"));
	ck_assert_ptr_nonnull(strstr(s, "390144: JWT token is invalid"));
	ck_assert_ptr_nonnull(
	    strstr(s, "fix: upload the public key: ALTER USER … SET "
		      "RSA_PUBLIC_KEY"));
	ck_assert_ptr_null(strchr(s, '\x1b'));
	free(s);
	tui_feed_key(f.t, KEYC_ENTER);
	fixture_keys(&f, "/public key\r");
	s = fixture_screen(&f);
	ck_assert_ptr_nonnull(strstr(s, "/: search, n/N: next/prev match"));
	ck_assert_ptr_nonnull(strstr(s, "/public key [1/1]"));
	free(s);
	/* r still runs the checks with the keyboard on the text. */
	ck_assert_int_eq(keymap_lookup(KM_DOCTOR, 'r'), KA_RERUN);
	tui_feed_key(f.t, KEYC_ESC);
	tui_feed_key(f.t, KEYC_ESC);
	fixture_keys(&f, "k");
	s = fixture_screen(&f);
	ck_assert_ptr_nonnull(strstr(s, " check (Enter: search, w: wrap)"));
	ck_assert_ptr_nonnull(strstr(s, "Airflow / XCom backend settings: warn"));
	free(s);
	fixture_stop(&f);
}
END_TEST

START_TEST(test_opviews_wide)
{
	opviews_golden(50, 200);
}
END_TEST

START_TEST(test_opviews_narrow)
{
	opviews_golden(24, 80);
}
END_TEST

START_TEST(test_jobs_run_output_exit)
{
	struct fixture f;
	char *s;

	fixture_start(&f, 24, 100, 0, NULL);
	opviews_jobs_config(&f.cfg);
	fixture_keys(&f, ":jobs\rx");
	ck_assert(dialog_active_title_is("Run job?"));
	fixture_keys(&f, "y");
	ck_assert_ptr_nonnull(app_job(f.app, 0));
	fixture_wait_job(&f, 0);
	ck_assert_int_eq(job_exit_status(app_job(f.app, 0)), 3);
	s = fixture_screen(&f);
	ck_assert_ptr_nonnull(strstr(s, "│one "));
	ck_assert_ptr_nonnull(strstr(s, "! two"));
	ck_assert_ptr_nonnull(strstr(s, "[exit 3]"));
	ck_assert_ptr_nonnull(strstr(s, "x failed"));
	ck_assert_ptr_nonnull(strstr(s, "job mixed: exit 3"));
	ck_assert_ptr_null(strstr(s, "hunter2"));
	ck_assert_ptr_nonnull(strstr(s, "password=***"));
	free(s);
	fixture_stop(&f);
}
END_TEST

START_TEST(test_jobs_cancel_group)
{
	struct fixture f;
	char *s;

	fixture_start(&f, 24, 100, 0, NULL);
	opviews_jobs_config(&f.cfg);
	fixture_keys(&f, ":jobs\rjxy");
	ck_assert_ptr_nonnull(app_job(f.app, 1));
	ck_assert_int_eq(job_state(app_job(f.app, 1)), JOB_RUNNING);
	s = fixture_screen(&f);
	ck_assert_ptr_nonnull(strstr(s, "running"));
	free(s);
	/* A second run while it runs is refused. */
	ck_assert_int_eq(app_job_run(f.app, 1), -1);
	fixture_keys(&f, "K");
	fixture_wait_job(&f, 1);
	ck_assert_int_eq(job_state(app_job(f.app, 1)), JOB_CANCELLED);
	ck_assert_int_eq(job_term_signal(app_job(f.app, 1)), 15);
	s = fixture_screen(&f);
	ck_assert_ptr_nonnull(strstr(s, "- cancelled"));
	ck_assert_ptr_nonnull(strstr(s, "[cancelled by signal 15]"));
	free(s);
	fixture_stop(&f);
}
END_TEST

START_TEST(test_jobs_readonly_refuses)
{
	struct fixture f;
	char *s;

	fixture_start(&f, 24, 100, 1, NULL);
	opviews_jobs_config(&f.cfg);
	fixture_keys(&f, ":jobs\rx");
	ck_assert(!dialog_active_title_is("Run job?"));
	ck_assert_ptr_null(app_job(f.app, 0));
	ck_assert_int_eq(app_job_run(f.app, 0), -1);
	ck_assert_ptr_null(app_job(f.app, 0));
	s = fixture_screen(&f);
	ck_assert_ptr_nonnull(strstr(s, "read-only mode"));
	free(s);
	fixture_stop(&f);
}
END_TEST

/* D docks the open page in the detail pane, beside DAGs, runs and tasks;
 * L brings the XCom / log back. */
/* The second screen row: the pane titles (owned). */
static char *
opviews_titles(struct fixture *f)
{
	char *s = fixture_screen(f), *a = strchr(s, '\n'), *b, *out;

	ck_assert_ptr_nonnull(a);
	b = strchr(a + 1, '\n');
	out = b != NULL ? xstrndup(a + 1, (size_t)(b - a - 1)) : xstrdup(a + 1);
	free(s);
	return out;
}

START_TEST(test_dock_page_beside_runs)
{
	struct fixture f;
	char *s;

	fixture_start(&f, 50, 200, 0, NULL);
	opviews_jobs_config(&f.cfg);
	fixture_keys(&f, ":jobs\r");
	s = opviews_titles(&f);
	ck_assert_ptr_null(strstr(s, "2 Runs")); /* a full page */
	free(s);
	fixture_keys(&f, "D");
	s = opviews_titles(&f);
	ck_assert_ptr_nonnull(strstr(s, "2 Runs"));
	ck_assert_ptr_nonnull(strstr(s, "3 Tasks"));
	ck_assert_ptr_nonnull(strstr(s, "4 Jobs"));
	free(s);
	/* The docked pane has the keys: x asks to run the job. */
	fixture_keys(&f, "x");
	ck_assert(dialog_active_title_is("Run job?"));
	fixture_keys(&f, "n");
	fixture_keys(&f, "L");
	s = opviews_titles(&f);
	ck_assert_ptr_null(strstr(s, "4 Jobs"));
	free(s);
	/* Without an open page, D says what to do. */
	fixture_keys(&f, "D");
	s = fixture_screen(&f);
	ck_assert_ptr_nonnull(strstr(s, "nothing to dock"));
	free(s);
	fixture_stop(&f);
}
END_TEST

/* Doctor: r re-runs; with no clients every line fails with a reason. */
START_TEST(test_doctor_rerun)
{
	struct fixture f;
	const struct doctor *d;
	uint64_t until;
	char *s;

	setenv("DOCKER_HOST", "unix:///nonexistent/snowdeck-test.sock", 1);
	unsetenv("SNOWFLAKE_URL");
	fixture_start(&f, 50, 200, 0, NULL);
	fixture_keys(&f, ":doctor\r");
	d = app_doctor(f.app);
	ck_assert_uint_eq(d->n, 0); /* no sources: not run by itself */
	fixture_keys(&f, "r");
	ck_assert(app_doctor_ran(f.app));
	ck_assert_uint_gt(d->n, 0);
	until = uv_hrtime() + 20000000000ULL;
	while (doctor_pending(d) > 0 && uv_hrtime() < until)
		uv_run(&f.loop, UV_RUN_ONCE);
	ck_assert_uint_eq(doctor_pending(d), 0);
	ck_assert_int_eq(doctor_exit_code(d), 1);
	s = fixture_screen(&f);
	ck_assert_ptr_nonnull(strstr(s, "Airflow"));
	ck_assert_ptr_nonnull(strstr(s, "✗ fail"));
	free(s);
	unsetenv("DOCKER_HOST");
	fixture_stop(&f);
}
END_TEST

/* A plan as a half-run apply leaves it: done, skipped, failed, to do. */
static void
opviews_setup_plan(struct app *app, int replace)
{
	struct setup_params p;
	struct setup_plan plan;
	char *cause = NULL;
	size_t i;

	setup_params_defaults(&p);
	p.user_role = "SNOWDECK_ROLE";
	p.replace_xcom = replace;
	if (setup_plan_build(&p, &plan, &cause) != 0)
		ck_abort_msg("setup_plan_build: %s", cause);
	for (i = 0; i < plan.n; i++) {
		if (replace)
			plan.v[i].status = plan.v[i].destructive ? SETUP_REPLACE
								 : SETUP_EXISTS;
		else if (i < 2)
			plan.v[i].status = SETUP_EXISTS;
		else if (i < 4)
			plan.v[i].status = SETUP_DONE;
		else if (i == 4) {
			plan.v[i].status = SETUP_FAILED;
			plan.v[i].error = xstrdup(
			    "003001 (42501): Insufficient privileges to "
			    "operate on schema 'XCOM'. Grant CREATE TABLE "
			    "on schema DEMO.XCOM to role SNOWDECK_ROLE");
		} else
			plan.v[i].status = SETUP_CREATE;
	}
	app_setup_set_plan(app, &plan);
}

static void
opviews_setup_golden(int rows, int cols)
{
	struct fixture f;
	char name[64], *s;

	fixture_start(&f, rows, cols, 0, NULL);
	opviews_setup_plan(f.app, 0);
	fixture_keys(&f, ":setup\r");
	ck_assert_str_eq(tui_focused_view(f.t), "setup");
	fixture_keys(&f, "jjjj"); /* the failed step: its error below */
	s = fixture_screen(&f);
	ck_assert_ptr_nonnull(strstr(s, "Insufficient privileges"));
	snprintf(name, sizeof name, "view_setup_%dx%d", cols, rows);
	golden_check(name, s);
	free(s);
	fixture_keys(&f, "a");
	ck_assert(dialog_active_title_is("Apply setup?"));
	s = fixture_screen(&f);
	snprintf(name, sizeof name, "dialog_setup_apply_%dx%d", cols, rows);
	golden_check(name, s);
	free(s);
	fixture_keys(&f, "n");
	ck_assert(!dialog_active());
	fixture_stop(&f);
}

START_TEST(test_setup_wide)
{
	opviews_setup_golden(50, 200);
}
END_TEST

START_TEST(test_setup_narrow)
{
	opviews_setup_golden(24, 80);
}
END_TEST

/* REPLACE steps: each name must be typed before the confirmation. */
START_TEST(test_setup_replace_typed)
{
	struct fixture f;
	const struct setup_plan *p;
	char *s, first[256];
	size_t i, n = 0;

	fixture_start(&f, 50, 200, 0, NULL);
	opviews_setup_plan(f.app, 1);
	p = app_setup_plan(f.app);
	first[0] = '\0';
	for (i = 0; i < p->n; i++)
		if (p->v[i].status == SETUP_REPLACE) {
			if (n++ == 0)
				snprintf(
				    first, sizeof first, "%s", p->v[i].object);
		}
	ck_assert_uint_eq(n, 2); /* the XCom table and stage */
	fixture_keys(&f, ":setup\ra");
	ck_assert(dialog_active());
	ck_assert_ptr_nonnull(strstr(dialog_title(), first));
	/* A wrong name: refused inline, the editor stays. */
	fixture_keys(&f, "DEMO.XCOM.WRONG");
	tui_feed_key(f.t, KEYC_CTRL('s'));
	ck_assert(dialog_active());
	ck_assert_ptr_nonnull(strstr(dialog_title(), first));
	s = fixture_screen(&f);
	ck_assert_ptr_nonnull(strstr(s, "exactly to replace it"));
	golden_check("dialog_setup_replace_200x50", s);
	free(s);
	for (i = 0; i < strlen("DEMO.XCOM.WRONG"); i++)
		tui_feed_key(f.t, KEYC_BSPACE);
	fixture_keys(&f, first);
	tui_feed_key(f.t, KEYC_CTRL('s'));
	/* The second object, then the confirmation. */
	ck_assert(dialog_active());
	ck_assert_ptr_null(strstr(dialog_title(), first));
	tui_feed_key(f.t, KEYC_ESC);
	ck_assert(!dialog_active());
	s = fixture_screen(&f);
	ck_assert_ptr_nonnull(strstr(s, "replacing needs the name typed"));
	free(s);
	ck_assert_int_eq(app_setup_phase(f.app), APP_SETUP_IDLE);
	fixture_stop(&f);
}
END_TEST

/*
 * The keyboard on a step's text: Enter moves it there (the header says
 * so), '/' finds a word of the error with its count, the page's own keys
 * still work, Esc clears the search, Esc again gives it back to the list.
 */
START_TEST(test_setup_step_search)
{
	struct fixture f;
	char *s;

	fixture_start(&f, 30, 120, 0, NULL);
	opviews_setup_plan(f.app, 0);
	fixture_keys(&f, ":setup\rjjjj"); /* the failed step */
	s = fixture_screen(&f);
	ck_assert_ptr_nonnull(strstr(s, " step (Enter: search, w: wrap)"));
	free(s);
	tui_feed_key(f.t, KEYC_ENTER);
	s = fixture_screen(&f);
	ck_assert_ptr_nonnull(strstr(s, "/: search, n/N: next/prev match"));
	free(s);
	fixture_keys(&f, "/privileges\r");
	s = fixture_screen(&f);
	ck_assert_ptr_nonnull(strstr(s, "/privileges [1/1]"));
	free(s);
	/* j/k scroll the text, not the list: the failed step stays. */
	fixture_keys(&f, "jj");
	s = fixture_screen(&f);
	ck_assert_ptr_nonnull(strstr(s, "Insufficient privileges"));
	free(s);
	/* A pattern nowhere. */
	fixture_keys(&f, "/no-such-words\r");
	s = fixture_screen(&f);
	ck_assert_ptr_nonnull(strstr(s, "not found"));
	free(s);
	tui_feed_key(f.t, KEYC_ESC); /* clears the search */
	s = fixture_screen(&f);
	ck_assert_ptr_null(strstr(s, "/no-such-words"));
	ck_assert_ptr_nonnull(strstr(s, "/: search, n/N: next/prev match"));
	free(s);
	tui_feed_key(f.t, KEYC_ESC); /* back to the list */
	s = fixture_screen(&f);
	ck_assert_ptr_nonnull(strstr(s, " step (Enter: search, w: wrap)"));
	free(s);
	fixture_keys(&f, "k"); /* the list moves again: another step */
	s = fixture_screen(&f);
	ck_assert_ptr_null(strstr(s, "Insufficient privileges"));
	free(s);
	ck_assert_int_eq(keymap_lookup(KM_SETUP, KEYC_ENTER), KA_SETUP_TEXT);
	ck_assert_str_eq(keymap_action_name(KA_SETUP_LIST), "setup-focus-list");
	fixture_stop(&f);
}
END_TEST

START_TEST(test_setup_readonly_refuses)
{
	struct fixture f;
	char *s;

	fixture_start(&f, 24, 100, 1, NULL);
	opviews_setup_plan(f.app, 0);
	fixture_keys(&f, ":setup\ra");
	ck_assert(!dialog_active());
	s = fixture_screen(&f);
	ck_assert_ptr_nonnull(strstr(s, "read-only mode"));
	free(s);
	ck_assert_int_eq(app_setup_apply(f.app), -1);
	ck_assert_int_eq(app_setup_phase(f.app), APP_SETUP_IDLE);
	fixture_stop(&f);
}
END_TEST

static void
opviews_svc(struct svcs *ss, int origin, const char *id, const char *service,
    const char *name, const char *state, const char *image, const char *ports,
    double up_secs, int restarts)
{
	struct svc s;

	svc_init(&s);
	s.origin = origin;
	s.id = xstrdup(id);
	s.service = xstrdup(service);
	s.name = xstrdup(name);
	s.project = xstrdup(
	    origin == SVC_SPCS ? "DEMO.DEMO" : "airflow-snowpark-containers");
	s.image = xstrdup(image);
	s.ports = xstrdup(ports);
	s.state = svc_state_parse(state);
	s.started_at = up_secs > 0 ? FIXTURE_NOW - up_secs : 0;
	s.restarts = restarts;
	s.inspected = 1;
	if (origin == SVC_SPCS) {
		s.instance = xstrdup("0");
		s.message = xstrdup(
		    s.state == SVC_RUNNING ? "Running" : "Waiting to start");
	} else {
		s.health = s.state == SVC_RUNNING ? SVC_HEALTH_HEALTHY
						  : SVC_HEALTH_NONE;
		s.cpu_pct = s.state == SVC_RUNNING ? 1.5 : -1;
		s.mem_bytes = s.state == SVC_RUNNING ? 25165824 : 0;
		s.probe =
		    s.state == SVC_RUNNING ? SVC_PROBE_OK : SVC_PROBE_FAIL;
		s.probe_url = xstrdup("http://127.0.0.1:8081/health");
		s.probe_detail = xstrdup(
		    s.state == SVC_RUNNING ? "200 ok" : "connection refused");
		if (s.state == SVC_EXITED)
			s.exit_code = 137;
	}
	svcs_push(ss, &s);
}

static void
opviews_services_fill(struct svcs *ss)
{
	opviews_svc(ss, SVC_LOCAL, "a1b2c3d4e5f6", "weaviate",
	    "airflow-snowpark-containers-weaviate-1", "running",
	    "semitechnologies/weaviate:1.24", "127.0.0.1:8081->8080/tcp", 3725,
	    0);
	opviews_svc(ss, SVC_LOCAL, "b2c3d4e5f6a1", "minio",
	    "airflow-snowpark-containers-minio-1", "exited",
	    "minio/minio:latest", "", 0, 2);
	opviews_svc(ss, SVC_SPCS, "DEMO.DEMO.AIRFLOW_TASK_RUNNER/0/runner",
	    "AIRFLOW_TASK_RUNNER", "runner", "RUNNING",
	    "/demo/demo/sissyg/airflow-runner:latest",
	    "runner=abc.snowflakecomputing.app", 86400, 1);
	opviews_svc(ss, SVC_SPCS, "DEMO.DEMO.STREAMLIT/0/streamlit",
	    "STREAMLIT", "streamlit", "PENDING",
	    "/demo/demo/sissyg/streamlit:latest", "", 0, 0);
}

static void
opviews_services_golden(int rows, int cols)
{
	struct fixture f;
	char name[64], *s;

	fixture_start(&f, rows, cols, 0, NULL);
	opviews_services_fill(&app_models(f.app)->services);
	fixture_keys(&f, ":svc\r");
	ck_assert_str_eq(tui_focused_view(f.t), "services");
	fixture_keys(&f, "j"); /* the exited container: its detail below */
	s = fixture_screen(&f);
	snprintf(name, sizeof name, "view_services_%dx%d", cols, rows);
	golden_check(name, s);
	ck_assert_ptr_nonnull(strstr(s, "AIRFLOW_TAS"));
	ck_assert_ptr_nonnull(strstr(s, "weaviate"));
	free(s);
	fixture_keys(&f, "jR"); /* restart the SPCS service */
	ck_assert(dialog_active_title_is("restart?"));
	s = fixture_screen(&f);
	ck_assert_ptr_nonnull(strstr(s, "READY"));
	snprintf(name, sizeof name, "dialog_service_restart_%dx%d", cols, rows);
	golden_check(name, s);
	free(s);
	fixture_keys(&f, "n");
	ck_assert(!dialog_active());
	fixture_stop(&f);
}

START_TEST(test_services_wide)
{
	opviews_services_golden(50, 200);
}
END_TEST

START_TEST(test_services_narrow)
{
	opviews_services_golden(24, 80);
}
END_TEST

/* Verbs follow the origin; confirming without a source says why;
 * read-only refuses before any dialog. */
START_TEST(test_services_actions)
{
	struct fixture f;
	char *s;

	fixture_start(&f, 30, 160, 0, NULL);
	opviews_services_fill(&app_models(f.app)->services);
	fixture_keys(&f, ":services\rjjS");
	ck_assert(dialog_active_title_is("suspend?"));
	fixture_keys(&f, "n");
	fixture_keys(&f, "kU");
	ck_assert(dialog_active_title_is("start?"));
	fixture_keys(&f, "y");
	ck_assert(!dialog_active());
	s = fixture_screen(&f);
	ck_assert_ptr_nonnull(strstr(s, "no container engine"));
	free(s);
	fixture_stop(&f);

	fixture_start(&f, 30, 160, 1, NULL);
	opviews_services_fill(&app_models(f.app)->services);
	fixture_keys(&f, ":services\rR");
	ck_assert(!dialog_active());
	s = fixture_screen(&f);
	ck_assert_ptr_nonnull(strstr(s, "read-only mode"));
	free(s);
	ck_assert_int_eq(
	    app_service_action(
		f.app, &app_models(f.app)->services.v[0], APP_SVC_RESTART),
	    -1);
	fixture_stop(&f);
}
END_TEST

/* The trigger form of snowdeck_params (tests/airflow/dags): one field per
 * param, read back into a conf; a rejected value names the param. */
START_TEST(test_trigger_form_text_and_parse)
{
	static const char details[] =
	    "{\"is_paused\": true, \"params\": {"
	    "\"count\": {\"value\": 1, \"description\": \"How many (>= "
	    "0)\", \"schema\": {\"type\": \"integer\", \"minimum\": 0}},"
	    "\"color\": {\"value\": \"red\", \"schema\": {\"type\": "
	    "\"string\", \"enum\": [\"red\", \"green\", \"blue\"]}},"
	    "\"name\": {\"value\": null, \"description\": \"Required, no "
	    "default\\u001b[31m\", \"schema\": {\"type\": \"string\"}}}}";
	struct af_params ps;
	char *form, *cause = NULL, *conf = NULL, **vals, *edited;
	int unpause = -1;

	ck_assert_int_eq(
	    af_params_parse(details, strlen(details), &ps, &cause), 0);
	ck_assert_uint_eq(ps.n, 3);
	form = af_params_form_text(&ps, 1);
	ck_assert_ptr_null(strchr(form, '\x1b'));
	ck_assert_ptr_nonnull(strstr(form, "# count  integer, min 0; default "
					   "1. How many (>= 0)\ncount = 1\n"));
	ck_assert_ptr_nonnull(
	    strstr(form, "one of \"red\" | \"green\" | \"blue\""));
	ck_assert_ptr_nonnull(strstr(form, "# name  string, required"));
	ck_assert_ptr_nonnull(strstr(form, "\nname = \n"));
	ck_assert_ptr_nonnull(strstr(form, "[ ] unpause the DAG first"));
	/* As shown: name is required, so the conf is refused. */
	ck_assert_int_eq(af_params_form_parse(
			     &ps, form, strlen(form), &vals, &unpause, &cause),
	    0);
	ck_assert_int_eq(unpause, 0);
	ck_assert_ptr_null(vals[2]);
	ck_assert_int_eq(af_params_conf_from_form(
			     &ps, (const char *const *)vals, &conf, &cause),
	    -1);
	ck_assert_ptr_nonnull(strstr(cause, "name"));
	free(cause);
	cause = NULL;
	af_params_form_values_free(vals, ps.n);
	/* Filled in, with a value outside the enum: rejected, named. */
	edited =
	    xstrdup("count = 3\ncolor = purple\nname = bob\n[x] unpause\n");
	ck_assert_int_eq(af_params_form_parse(&ps, edited, strlen(edited),
			     &vals, &unpause, &cause),
	    0);
	ck_assert_int_eq(unpause, 1);
	ck_assert_int_eq(af_params_conf_from_form(
			     &ps, (const char *const *)vals, &conf, &cause),
	    -1);
	ck_assert_ptr_nonnull(strstr(cause, "color"));
	free(cause);
	cause = NULL;
	af_params_form_values_free(vals, ps.n);
	free(edited);
	edited = xstrdup("count = 3\ncolor = green\nname = bob\n");
	ck_assert_int_eq(af_params_form_parse(&ps, edited, strlen(edited),
			     &vals, &unpause, &cause),
	    0);
	ck_assert_int_eq(af_params_conf_from_form(
			     &ps, (const char *const *)vals, &conf, &cause),
	    0);
	ck_assert_ptr_nonnull(strstr(conf, "\"count\""));
	ck_assert_ptr_nonnull(strstr(conf, "3"));
	ck_assert_ptr_nonnull(strstr(conf, "\"green\""));
	ck_assert_ptr_nonnull(strstr(conf, "\"bob\""));
	free(conf);
	af_params_form_values_free(vals, ps.n);
	free(edited);
	/* Unknown names, duplicates and bad lines are errors. */
	edited = xstrdup("colour = red\n");
	ck_assert_int_eq(af_params_form_parse(&ps, edited, strlen(edited),
			     &vals, &unpause, &cause),
	    -1);
	ck_assert_ptr_nonnull(strstr(cause, "no param \"colour\""));
	free(cause);
	cause = NULL;
	free(edited);
	edited = xstrdup("count = 1\ncount = 2\n");
	ck_assert_int_eq(af_params_form_parse(&ps, edited, strlen(edited),
			     &vals, &unpause, &cause),
	    -1);
	ck_assert_ptr_nonnull(strstr(cause, "twice"));
	free(cause);
	free(edited);
	free(form);
	af_params_free(&ps);
}
END_TEST

static const char opviews_details[] =
    "{\"dag_id\": \"snowdeck_params\", \"is_paused\": true, \"params\": "
    "{\"count\": {\"value\": 1, \"description\": \"How many (>= 0)\", "
    "\"schema\": {\"type\": \"integer\", \"minimum\": 0}}, \"color\": "
    "{\"value\": \"red\", \"schema\": {\"type\": \"string\", \"enum\": "
    "[\"red\", \"green\", \"blue\"]}}, \"name\": {\"value\": null, "
    "\"description\": \"Required, no default\", \"schema\": {\"type\": "
    "\"string\"}}}}";

static void
opviews_form_golden(int rows, int cols)
{
	struct fixture f;
	char name[64], *s;
	int i;

	fixture_start(&f, rows, cols, 0, NULL);
	fixture_fill(app_models(f.app));
	app_dag_params_fixture(f.app, opviews_details);
	fixture_keys(&f, "/snowdeck_params\rt");
	ck_assert(!dialog_active()); /* the details are read first */
	uv_run(&f.loop, UV_RUN_NOWAIT);
	ck_assert(dialog_active_title_is("trigger snowdeck_params"));
	s = fixture_screen(&f);
	snprintf(name, sizeof name, "dialog_trigger_form_%dx%d", cols, rows);
	golden_check(name, s);
	free(s);
	/* The box, a colour outside the enum: refused inline. */
	for (i = 0; i < 600; i++)
		tui_feed_key(f.t, KEYC_BSPACE);
	fixture_keys(&f, "count = 2\rcolor = purple\rname = bob\r[x]\r");
	tui_feed_key(f.t, KEYC_CTRL('s'));
	ck_assert(dialog_active_title_is("trigger snowdeck_params"));
	s = fixture_screen(&f);
	ck_assert_ptr_nonnull(strstr(s, "param \"color\" must be one of"));
	snprintf(
	    name, sizeof name, "dialog_trigger_form_error_%dx%d", cols, rows);
	golden_check(name, s);
	free(s);
	/* Back over "color = purple\nname = bob\n[x]\n". */
	for (i = 0; i < 30; i++)
		tui_feed_key(f.t, KEYC_BSPACE);
	fixture_keys(&f, "color = blue\rname = bob\r[x]\r");
	tui_feed_key(f.t, KEYC_CTRL('s'));
	ck_assert(dialog_active_title_is("trigger?"));
	s = fixture_screen(&f);
	ck_assert_ptr_nonnull(strstr(s, "\"color\":\"blue\""));
	ck_assert_ptr_nonnull(strstr(s, "unpause the DAG first: yes"));
	free(s);
	fixture_keys(&f, "n");
	fixture_stop(&f);
}

START_TEST(test_trigger_form_wide)
{
	opviews_form_golden(50, 200);
}
END_TEST

START_TEST(test_trigger_form_narrow)
{
	opviews_form_golden(24, 80);
}
END_TEST

Suite *opviews_suite(void);

Suite *
opviews_suite(void)
{
	Suite *s = suite_create("opviews");
	TCase *tc = tcase_create("opviews");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_opviews_wide);
	tcase_add_test(tc, test_dock_page_beside_runs);
	tcase_add_test(tc, test_opviews_narrow);
	tcase_add_test(tc, test_jobs_run_output_exit);
	tcase_add_test(tc, test_jobs_cancel_group);
	tcase_add_test(tc, test_jobs_readonly_refuses);
	tcase_add_test(tc, test_doctor_rerun);
	tcase_add_test(tc, test_setup_wide);
	tcase_add_test(tc, test_setup_narrow);
	tcase_add_test(tc, test_setup_replace_typed);
	tcase_add_test(tc, test_setup_readonly_refuses);
	tcase_add_test(tc, test_setup_step_search);
	tcase_add_test(tc, test_doctor_check_text);
	tcase_add_test(tc, test_services_wide);
	tcase_add_test(tc, test_services_narrow);
	tcase_add_test(tc, test_services_actions);
	tcase_add_test(tc, test_trigger_form_text_and_parse);
	tcase_add_test(tc, test_trigger_form_wide);
	tcase_add_test(tc, test_trigger_form_narrow);
	suite_add_tcase(s, tc);
	return s;
}
