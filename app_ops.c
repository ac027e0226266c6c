/*
 * The operator panes' state (app_ops.h): the doctor checklist and its run,
 * and the last run of each configured job. Created on first use, freed by
 * app_free() through app_ops_free().
 */

#include "app_ops.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <uv.h>

#include "app.h"
#include "audit.h"
#include "cli_job.h"
#include "config.h"
#include "docker.h"
#include "docker_logs.h"
#include "doctor.h"
#include "doctor_run.h"
#include "grants.h"
#include "grants_learn.h"
#include "job.h"
#include "model.h"
#include "sf_conn.h"
#include "setup.h"
#include "setup_run.h"
#include "sanitize.h"
#include "sf_sql.h"
#include "airflow.h"
#include "params.h"
#include <cjson/cJSON.h>
#include "json_snowflake.h"
#include "spcs.h"
#include "src_docker.h"
#include "src_spcs.h"
#include "svc.h"
#include "util.h"

struct app_ops_job {
	struct app *app;
	size_t i;
	struct job *job;
	int cancelled;
};

struct app_ops_params {
	struct app_ops *o;
	char *dag_id;
	app_params_cb done;
	void *arg;
};

struct app_ops_follow {
	struct app_ops *o; /* NULL once stopped: the timer closes */
	uv_timer_t timer;
	struct docker_op *stream;
	struct spcs_op *op;
	struct docker_demux dm;
	struct spcs_logtail tail;
	char *service, *instance, *name;
};

struct app_ops {
	struct app *app;
	uint64_t gen;

	struct doctor doctor;
	struct doctor_run *run;
	int running;
	int ran;
	/* What the run borrows, kept until the next run or the end. */
	struct sf_conn conn;
	int conn_ok;
	struct sf_client *sf;
	struct docker *dk;
	struct docker_endpoint ep;
	int ep_ok;
	char *sf_error, *dk_error, *project;

	/* Setup: its own connection and client, kept across runs. */
	struct setup_plan plan;
	int have_plan;
	int replace;
	struct setup_run *srun;
	enum app_setup_phase phase;
	struct sf_conn sconn;
	int sconn_ok;
	struct sf_client *ssf;
	char *smsg;
	int serror;
	size_t sdone, stotal;

	/* Services. */
	int svc_started;
	struct docker *svc_dk;
	struct docker_endpoint svc_ep;
	int svc_ep_ok;
	struct src_docker *src_dk;
	struct src_spcs *src_sp;
	struct spcs_services spcs_services;
	struct source_status spcs_status;
	char *svc_missing;
	char *svc_db, *svc_schema;
	char *act_line;
	char *act_head;        /* "restart SISSYG" */
	struct buf act_states; /* " -> SUSPENDING -> SUSPENDED" */
	char act_last[32];     /* the last state seen */
	int act_busy;
	int act_local_busy, act_spcs_busy;

	/* Compute pools: the last answer as text. */
	struct spcs_op *pools_op;
	char *pools_line;

	/* Following a service container's logs (its own handle). */
	struct app_ops_follow *follow;

	/* Logs of one service container (one fetch at a time). */
	struct docker_op *logs_dop;
	struct spcs_op *logs_sop;
	struct buf logs;
	int logs_have, logs_busy, logs_tty;
	uint64_t logs_dropped; /* bytes the bound dropped, ever */

	/* The trigger form's details request (one at a time). */
	struct af_op *params_op;
	struct app_ops_params *params_req;
	char *params_fixture;
	uv_timer_t params_timer;
	int params_timer_init;

	struct app_ops_job *jobs; /* one per [jobs.NAME] */
	size_t njobs;

	/* The role's grants (app_grants_refresh): the set, the read in
	 * flight, why the last read failed. */
	struct grants *grants;
	struct grants_learn *glearn;
	struct grants_learn *sglearn; /* the setup plan's roles */
	char *grants_error;
	uint64_t grants_t0;
	int grants_noconn; /* no Snowflake connection: not looked up again */
};

static struct app_ops *
app_ops_get(struct app *app)
{
	struct app_ops **slot = app_ops_slot(app);
	struct app_ops *o = *slot;

	if (o == NULL) {
		o = xcalloc(1, sizeof *o);
		o->app = app;
		doctor_init(&o->doctor);
		sf_conn_init(&o->conn);
		sf_conn_init(&o->sconn);
		buf_init(&o->act_states);
		buf_init(&o->logs);
		o->njobs = app_config(app)->njobs;
		o->jobs = xcalloc(o->njobs + 1, sizeof *o->jobs);
		*slot = o;
	}
	return o;
}

static void
app_ops_clients_free(struct app_ops *o)
{
	doctor_run_cancel(o->run);
	o->run = NULL;
	sf_client_free(o->sf);
	o->sf = NULL;
	docker_free(o->dk);
	o->dk = NULL;
	if (o->ep_ok)
		docker_endpoint_free(&o->ep);
	o->ep_ok = 0;
	sf_conn_free(&o->conn);
	sf_conn_init(&o->conn);
	o->conn_ok = 0;
	free(o->sf_error);
	free(o->dk_error);
	free(o->project);
	o->sf_error = o->dk_error = o->project = NULL;
}

static void app_ops_follow_stop(struct app_ops *);

static void
app_ops_closed(uv_handle_t *h)
{
	free(h->data);
}

void
app_ops_free(struct app_ops *o)
{
	size_t i;

	if (o == NULL)
		return;
	app_ops_clients_free(o);
	doctor_free(&o->doctor);
	if (o->src_dk != NULL)
		src_docker_free(o->src_dk);
	if (o->src_sp != NULL)
		src_spcs_free(o->src_sp);
	/* The log reads are ops of svc_dk: cancelled before it goes. */
	if (o->logs_dop != NULL)
		docker_cancel(o->logs_dop);
	o->logs_dop = NULL;
	app_ops_follow_stop(o);
	docker_free(o->svc_dk);
	if (o->svc_ep_ok)
		docker_endpoint_free(&o->svc_ep);
	spcs_services_free(&o->spcs_services);
	free(o->spcs_status.detail);
	free(o->svc_missing);
	free(o->svc_db);
	free(o->svc_schema);
	if (o->params_op != NULL)
		airflow_cancel(o->params_op);
	if (o->params_req != NULL) {
		free(o->params_req->dag_id);
		free(o->params_req);
	}
	free(o->params_fixture);
	if (o->pools_op != NULL)
		spcs_op_cancel(o->pools_op);
	free(o->pools_line);
	if (o->logs_sop != NULL)
		spcs_op_cancel(o->logs_sop);
	buf_free(&o->logs);
	free(o->act_line);
	free(o->act_head);
	buf_free(&o->act_states);
	/* Their statements are the setup client's: cancelled before it. */
	grants_learn_cancel(o->glearn);
	grants_learn_cancel(o->sglearn);
	setup_run_cancel(o->srun);
	sf_client_free(o->ssf);
	sf_conn_free(&o->sconn);
	if (o->have_plan)
		setup_plan_free(&o->plan);
	free(o->smsg);
	for (i = 0; i < o->njobs; i++)
		job_free(o->jobs[i].job);
	free(o->jobs);
	if (o->grants != NULL)
		grants_free_all(o->grants, 1);
	free(o->grants_error);
	if (o->params_timer_init) {
		/* The memory goes with the timer's close callback. */
		uv_close((uv_handle_t *)&o->params_timer, app_ops_closed);
		return;
	}
	free(o);
}

uint64_t
app_ops_gen(struct app *app)
{
	return app_ops_get(app)->gen;
}

/* Doctor. */

static void
app_ops_doctor_done(struct doctor *d, void *arg)
{
	struct app_ops *o = arg;

	o->running = 0;
	o->gen++;
	app_message(o->app, doctor_exit_code(d) ? 1 : 0, "doctor: %s",
	    doctor_exit_code(d) ? "some checks failed" : "all checks passed");
}

int
app_doctor_start(struct app *app)
{
	struct app_ops *o = app_ops_get(app);
	const struct config *cfg = app_config(app);
	struct doctor_run_config rc;
	struct sf_conn_opts co;
	struct sf_client_config sc;
	char *cause = NULL;

	if (o->running) {
		app_message(app, 1, "doctor: a run is already in progress");
		return -1;
	}
	app_ops_clients_free(o);
	doctor_free(&o->doctor);
	doctor_init(&o->doctor);

	memset(&co, 0, sizeof co);
	if (sf_conn_resolve(&o->conn, &co, &cause) == 0) {
		o->conn_ok = 1;
		memset(&sc, 0, sizeof sc);
		sc.loop = app_loop(app);
		sc.conn = &o->conn;
		sc.cmdlog = &app_models(app)->cmdlog;
		sc.audit = app_audit(app);
		if (sf_client_create(&o->sf, app_http(app), &sc, &cause) != 0) {
			o->sf = NULL;
			o->sf_error = cause;
			cause = NULL;
		}
	} else {
		o->sf_error = cause;
		cause = NULL;
	}
	if (cfg->compose_project != NULL)
		o->project = xstrdup(cfg->compose_project);
	else
		o->project = docker_astro_project_cwd(&cause);
	free(cause);
	cause = NULL;
	if (docker_endpoint_resolve(cfg->docker_host, getenv("XDG_RUNTIME_DIR"),
		NULL, &o->ep, &o->dk_error) == 0) {
		o->ep_ok = 1;
		if (docker_create(
			&o->dk, app_http(app), &o->ep, NULL, &cause) != 0) {
			o->dk = NULL;
			o->dk_error = cause;
			cause = NULL;
		}
	}

	memset(&rc, 0, sizeof rc);
	rc.airflow = app_airflow(app);
	rc.sf = o->sf;
	rc.conn = o->conn_ok ? &o->conn : NULL;
	rc.sf_error = o->sf_error;
	rc.docker = o->dk;
	rc.docker_error = o->dk_error;
	rc.project = o->project;
	rc.http = app_http(app);
	rc.cfg = cfg;
	o->ran = 1;
	o->gen++;
	if (doctor_run_start(&o->run, &o->doctor, &rc, app_ops_doctor_done, o,
		&cause) != 0) {
		app_message(app, 2, "doctor: %s", cause);
		free(cause);
		return -1;
	}
	o->running = doctor_pending(&o->doctor) > 0;
	cmdlog_add(
	    &app_models(app)->cmdlog, "doctor", "preflight checklist", -1, 0);
	if (o->running)
		app_message(app, 0, "doctor: running the checks…");
	return 0;
}

int
app_doctor_running(struct app *app)
{
	return app_ops_get(app)->running;
}

int
app_doctor_ran(struct app *app)
{
	return app_ops_get(app)->ran;
}

const struct doctor *
app_doctor(struct app *app)
{
	return &app_ops_get(app)->doctor;
}

struct doctor *
app_doctor_mut(struct app *app)
{
	struct app_ops *o = app_ops_get(app);

	o->gen++;
	o->ran = 1;
	return &o->doctor;
}

/* Jobs. */

size_t
app_jobs_count(struct app *app)
{
	return app_ops_get(app)->njobs;
}

const struct config_job *
app_job_config(struct app *app, size_t i)
{
	const struct config *cfg = app_config(app);

	return i < cfg->njobs ? &cfg->jobs[i] : NULL;
}

struct job *
app_job(struct app *app, size_t i)
{
	struct app_ops *o = app_ops_get(app);

	return i < o->njobs ? o->jobs[i].job : NULL;
}

static void
app_ops_job_line(
    struct job *j, enum job_stream st, const char *line, size_t len, void *arg)
{
	struct app_ops_job *oj = arg;

	(void)j;
	(void)st;
	(void)line;
	(void)len;
	app_ops_get(oj->app)->gen++;
}

static void
app_ops_job_done(struct job *j, int64_t status, int sig, void *arg)
{
	struct app_ops_job *oj = arg;
	struct app *app = oj->app;
	char *result;

	if (sig != 0)
		result = xasprintf("%s by signal %d",
		    oj->cancelled ? "cancelled" : "ended", sig);
	else
		result = xasprintf("exit %lld", (long long)status);
	audit_record(
	    app_audit(app), "job", job_name(j), job_command(j), result);
	cmdlog_add(&app_models(app)->cmdlog, "job", job_name(j),
	    sig == 0 && status == 0 ? 1 : 0,
	    (job_ended(j) - job_started(j)) * 1000);
	app_message(app, sig == 0 && status == 0 ? 0 : 2, "job %s: %s",
	    job_name(j), result);
	free(result);
	app_ops_get(app)->gen++;
}

int
app_job_run(struct app *app, size_t i)
{
	struct app_ops *o = app_ops_get(app);
	const struct config_job *cj = app_job_config(app, i);
	struct app_ops_job *oj;
	struct job_spec spec;
	char **argv, *cause = NULL;
	int shell, rc = 0;
	size_t k;

	if (cj == NULL || i >= o->njobs)
		return -1;
	oj = &o->jobs[i];
	if (app_readonly(app)) {
		app_message(app, 1, "read-only mode: running job %s is refused",
		    cj->name);
		audit_record(app_audit(app), "job", cj->name, "refused",
		    "read-only mode");
		return -1;
	}
	if (oj->job != NULL && job_state(oj->job) == JOB_RUNNING) {
		app_message(app, 1, "job %s is already running", cj->name);
		return -1;
	}
	job_free(oj->job);
	oj->job = NULL;
	oj->app = app;
	oj->i = i;
	oj->cancelled = 0;
	argv = cli_job_argv(cj, &shell);
	memset(&spec, 0, sizeof spec);
	spec.name = cj->name;
	spec.argv = (const char *const *)argv;
	spec.cwd = cj->cwd;
	spec.shell = shell;
	if (job_start(&oj->job, app_loop(app), &spec, app_ops_job_line,
		app_ops_job_done, oj, &cause) != 0) {
		oj->job = NULL;
		app_message(app, 2,
		    "job %s: %s; fix [jobs.%s] in the config file", cj->name,
		    cause, cj->name);
		audit_record(app_audit(app), "job", cj->name, "start", cause);
		free(cause);
		rc = -1;
	} else {
		audit_record(app_audit(app), "job", cj->name,
		    job_command(oj->job), "started");
		cmdlog_add(&app_models(app)->cmdlog, "job", cj->name, -1, 0);
		app_message(app, 0, "job %s started", cj->name);
	}
	for (k = 0; argv[k] != NULL; k++)
		free(argv[k]);
	free(argv);
	o->gen++;
	return rc;
}

int
app_job_cancel(struct app *app, size_t i)
{
	struct app_ops *o = app_ops_get(app);

	if (i >= o->njobs || o->jobs[i].job == NULL ||
	    job_cancel(o->jobs[i].job, 0) != 0) {
		app_message(app, 1, "no running job to cancel");
		return -1;
	}
	o->jobs[i].cancelled = 1;
	app_message(app, 0,
	    "job %s: cancelling (SIGTERM to its process group, then SIGKILL)",
	    job_name(o->jobs[i].job));
	o->gen++;
	return 0;
}

/* Setup. */

static void
app_ops_setup_msg(struct app_ops *o, int error, const char *msg)
{
	free(o->smsg);
	o->smsg = msg != NULL ? xstrdup(msg) : NULL;
	o->serror = error;
}

static void
app_ops_setup_progress(const struct setup_plan *plan, size_t step, void *arg)
{
	struct app_ops *o = arg;

	(void)plan;
	(void)step;
	if (o->srun != NULL)
		setup_run_progress(o->srun, &o->sdone, &o->stotal);
	o->gen++;
}

/* The grants of the plan's roles are known: mark what they may not run. */
static void
app_ops_setup_grants_done(
    struct grants *sets, size_t n, const char *cause, void *arg)
{
	struct app_ops *o = arg;
	size_t denied;
	char *m;

	o->sglearn = NULL;
	if (sets == NULL || !o->have_plan) {
		if (sets == NULL) {
			m = xasprintf("the grants of the setup's roles could "
				      "not be read, so no step is marked: %s",
			    cause != NULL ? cause : "no answer");
			cmdlog_add(
			    &app_models(o->app)->cmdlog, "grants", m, 0, 0);
			free(m);
		}
		grants_free_all(sets, n);
		return;
	}
	denied = setup_plan_check_grants(&o->plan, sets, n);
	grants_free_all(sets, n);
	if (denied > 0) {
		m = xasprintf("%s; the roles may not run %zu step%s by their "
			      "grants (a shows why)",
		    o->smsg != NULL ? o->smsg : "plan", denied,
		    denied == 1 ? "" : "s");
		app_ops_setup_msg(o, 1, m);
		free(m);
	}
	o->gen++;
}

static void
app_ops_setup_grants(struct app_ops *o)
{
	const char **roles;
	size_t n;

	grants_learn_cancel(o->sglearn);
	n = setup_plan_roles(&o->plan, &roles);
	o->sglearn =
	    grants_learn_start(o->ssf, roles, n, app_ops_setup_grants_done, o);
	free(roles);
}

static void
app_ops_setup_done(int error, const char *message, void *arg)
{
	struct app_ops *o = arg;
	enum app_setup_phase was = o->phase;
	size_t run, skip;
	char *m;

	/* The run has freed itself before calling back. */
	o->srun = NULL;
	o->phase = APP_SETUP_IDLE;
	if (was == APP_SETUP_PROBING && !error) {
		setup_plan_counts(&o->plan, &run, &skip);
		m = xasprintf("plan: %zu step%s to run, %zu already there%s",
		    run, run == 1 ? "" : "s", skip,
		    run > 0 ? "; press a to apply" : "; nothing to do");
		app_ops_setup_msg(o, 0, m);
		free(m);
		if (run > 0)
			app_ops_setup_grants(o);
	} else
		app_ops_setup_msg(o, error, message);
	if (was == APP_SETUP_APPLYING)
		audit_record(app_audit(o->app), "setup-apply", "snowflake",
		    "apply", error ? message : "ok");
	app_message(o->app, error ? 2 : 0, "setup: %s", o->smsg);
	o->gen++;
}

/* The setup's Snowflake client, created once. */
static int
app_ops_setup_client(struct app_ops *o, char **cause)
{
	struct sf_conn_opts co;
	struct sf_client_config sc;

	if (o->ssf != NULL)
		return 0;
	memset(&co, 0, sizeof co);
	if (!o->sconn_ok) {
		if (sf_conn_resolve(&o->sconn, &co, cause) != 0)
			return -1;
		o->sconn_ok = 1;
	}
	memset(&sc, 0, sizeof sc);
	sc.loop = app_loop(o->app);
	sc.conn = &o->sconn;
	sc.cmdlog = &app_models(o->app)->cmdlog;
	sc.audit = app_audit(o->app);
	if (sf_client_create(&o->ssf, app_http(o->app), &sc, cause) != 0) {
		o->ssf = NULL;
		return -1;
	}
	return 0;
}

/* Grants. */

/* Every action the role may not run on the services and pools shown. */
static void
app_ops_grants_apply(struct app_ops *o)
{
	static const char *const svc_verbs[] = { "restart", "suspend",
		"resume" };
	static const char *const pool_verbs[] = { "pool-suspend",
		"pool-resume" };
	const struct spcs_service *ss;
	char *why;
	size_t i, k;

	if (o->grants == NULL || o->svc_db == NULL || o->svc_schema == NULL)
		return;
	for (i = 0; i < o->spcs_services.n; i++) {
		ss = &o->spcs_services.v[i];
		if (ss->name == NULL)
			continue;
		why = grants_spcs_why_not(
		    o->grants, 0, o->svc_db, o->svc_schema, ss->name);
		for (k = 0; why != NULL && k < nitems(svc_verbs); k++)
			app_deny(o->app, svc_verbs[k], ss->name, why);
		free(why);
		if (ss->pool == NULL)
			continue;
		why = grants_spcs_why_not(o->grants, 1, NULL, NULL, ss->pool);
		for (k = 0; why != NULL && k < nitems(pool_verbs); k++)
			app_deny(o->app, pool_verbs[k], ss->pool, why);
		free(why);
	}
}

static void
app_ops_grants_done(struct grants *sets, size_t n, const char *cause, void *arg)
{
	struct app_ops *o = arg;
	char *m;

	(void)n;
	o->glearn = NULL;
	if (sets == NULL) {
		free(o->grants_error);
		o->grants_error = xstrdup(cause != NULL ? cause : "no answer");
		m = xasprintf("the role's grants could not be read, so nothing "
			      "is disabled by them: %s",
		    o->grants_error);
		cmdlog_add(&app_models(o->app)->cmdlog, "grants", m, 0,
		    (double)(util_now_ms() - o->grants_t0));
		free(m);
		o->gen++;
		return;
	}
	free(o->grants_error);
	o->grants_error = NULL;
	if (o->grants != NULL)
		grants_free_all(o->grants, 1);
	o->grants = sets;
	m = xasprintf("role %s: %zu privileges over %zu role%s%s", sets->role,
	    sets->n, sets->nroles, sets->nroles == 1 ? "" : "s",
	    sets->capped ? " (hierarchy cut short)" : "");
	cmdlog_add(&app_models(o->app)->cmdlog, "grants", m, 1,
	    (double)(util_now_ms() - o->grants_t0));
	free(m);
	app_ops_grants_apply(o);
	o->gen++;
}

static int app_ops_setup_client(struct app_ops *, char **);

void
app_grants_refresh(struct app *app)
{
	struct app_ops *o;
	const char *role;
	char *cause = NULL;

	if (app_audit(app) == NULL) /* no sources: tests set grants */
		return;
	o = app_ops_get(app);
	grants_learn_cancel(o->glearn);
	o->glearn = NULL;
	if (o->grants != NULL)
		grants_free_all(o->grants, 1);
	o->grants = NULL;
	/* No Snowflake connection configured: nothing to learn (and the
	 * files are not read again on every refresh). */
	if (o->grants_noconn || app_ops_setup_client(o, &cause) != 0) {
		o->grants_noconn = 1;
		free(cause);
		return;
	}
	if (o->svc_db == NULL && o->sconn.database != NULL &&
	    o->sconn.schema != NULL) {
		char *part[1];

		if (sf_ident_split(o->sconn.database, part, 1, &cause) == 1)
			o->svc_db = part[0];
		free(cause);
		cause = NULL;
		if (sf_ident_split(o->sconn.schema, part, 1, &cause) == 1)
			o->svc_schema = part[0];
		free(cause);
		cause = NULL;
	}
	role = o->sconn.role;
	o->grants_t0 = util_now_ms();
	o->glearn =
	    grants_learn_start(o->ssf, &role, 1, app_ops_grants_done, o);
}

const struct grants *
app_grants(struct app *app)
{
	return app_ops_get(app)->grants;
}

const char *
app_grants_error(struct app *app)
{
	return app_ops_get(app)->grants_error;
}

void
app_grants_set(struct app *app, struct grants *g)
{
	struct app_ops *o = app_ops_get(app);

	if (o->grants != NULL)
		grants_free_all(o->grants, 1);
	o->grants = g;
	app_ops_grants_apply(o);
	o->gen++;
}

static int
app_ops_setup_start(struct app *app, enum setup_mode mode, int replace)
{
	static const struct setup_run_cbs cbs = { app_ops_setup_progress,
		app_ops_setup_done };
	struct app_ops *o = app_ops_get(app);
	struct setup_params p;
	struct setup_plan plan;
	char *cause = NULL, *parts[4] = { NULL, NULL, NULL, NULL };
	size_t i;
	int rc = -1;

	if (o->phase != APP_SETUP_IDLE) {
		app_message(app, 1, "setup: a run is already in progress");
		return -1;
	}
	if (mode == SETUP_APPLY && app_readonly(app)) {
		app_message(app, 1,
		    "read-only mode: setup apply is refused; the plan shows "
		    "what it would do");
		audit_record(app_audit(app), "setup-apply", "snowflake",
		    "refused", "read-only mode");
		return -1;
	}
	if (app_ops_setup_client(o, &cause) != 0) {
		app_ops_setup_msg(o, 1, cause);
		app_message(
		    app, 2, "setup: no Snowflake connection: %s", cause);
		free(cause);
		o->gen++;
		return -1;
	}
	setup_params_defaults(&p);
	setup_params_xcom(&p, getenv("AIRFLOW__CORE__XCOM_SNOWFLAKE_TABLE"),
	    getenv("AIRFLOW__CORE__XCOM_SNOWFLAKE_STAGE"), parts);
	p.user_role = o->sconn.role;
	p.replace_xcom = replace;
	memset(&plan, 0, sizeof plan);
	if (setup_plan_build(&p, &plan, &cause) != 0) {
		app_ops_setup_msg(o, 1, cause);
		app_message(app, 2, "setup: %s", cause);
		free(cause);
		o->gen++;
		goto out;
	}
	setup_run_cancel(o->srun);
	o->srun = NULL;
	grants_learn_cancel(o->sglearn);
	o->sglearn = NULL;
	if (o->have_plan)
		setup_plan_free(&o->plan);
	o->plan = plan;
	o->have_plan = 1;
	o->replace = replace;
	o->sdone = o->stotal = 0;
	if (setup_run_start(&o->srun, o->ssf, &o->plan, mode, replace, &cbs, o,
		&cause) != 0) {
		o->srun = NULL;
		app_ops_setup_msg(o, 1, cause);
		app_message(app, 2, "setup: %s", cause);
		free(cause);
		o->gen++;
		goto out;
	}
	o->phase = mode == SETUP_APPLY ? APP_SETUP_APPLYING : APP_SETUP_PROBING;
	app_ops_setup_msg(o, 0,
	    mode == SETUP_APPLY ? "applying: probing what exists…"
				: "probing what exists…");
	if (mode == SETUP_APPLY)
		audit_record(app_audit(app), "setup-apply",
		    o->sconn.account != NULL ? o->sconn.account : "snowflake",
		    replace ? "apply (replace confirmed)" : "apply", "started");
	o->gen++;
	rc = 0;
out:
	for (i = 0; i < 4; i++)
		free(parts[i]);
	return rc;
}

int
app_setup_probe(struct app *app, int replace)
{
	return app_ops_setup_start(app, SETUP_PROBE, replace);
}

int
app_setup_apply(struct app *app)
{
	struct app_ops *o = app_ops_get(app);

	return app_ops_setup_start(app, SETUP_APPLY, o->replace);
}

enum app_setup_phase
app_setup_phase(struct app *app)
{
	return app_ops_get(app)->phase;
}

const struct setup_plan *
app_setup_plan(struct app *app)
{
	struct app_ops *o = app_ops_get(app);

	return o->have_plan ? &o->plan : NULL;
}

int
app_setup_replace(struct app *app)
{
	return app_ops_get(app)->replace;
}

const char *
app_setup_message(struct app *app, int *error)
{
	struct app_ops *o = app_ops_get(app);

	if (error != NULL)
		*error = o->serror;
	return o->smsg;
}

void
app_setup_progress(struct app *app, size_t *done, size_t *total)
{
	struct app_ops *o = app_ops_get(app);

	*done = o->sdone;
	*total = o->stotal;
}

void
app_setup_set_plan(struct app *app, struct setup_plan *plan)
{
	struct app_ops *o = app_ops_get(app);

	grants_learn_cancel(o->sglearn);
	o->sglearn = NULL;
	if (o->have_plan)
		setup_plan_free(&o->plan);
	o->plan = *plan;
	o->have_plan = 1;
	memset(plan, 0, sizeof *plan);
	o->gen++;
}

/* Services. */

static void app_ops_grants_apply(struct app_ops *);

static void
app_ops_svc_change(void *arg)
{
	struct app_ops *o = arg;

	app_ops_grants_apply(o);
	o->gen++;
}

static void
app_ops_svc_missing(struct app_ops *o, const char *what, const char *why)
{
	char *m = xasprintf("%s: %s", what, why);

	if (o->svc_missing == NULL)
		o->svc_missing = m;
	else {
		char *both = xasprintf("%s; %s", o->svc_missing, m);

		free(o->svc_missing);
		free(m);
		o->svc_missing = both;
	}
}

void
app_services_start(struct app *app)
{
	struct app_ops *o = app_ops_get(app);
	const struct config *cfg = app_config(app);
	struct src_docker_config dc;
	struct src_spcs_config sc;
	char *cause = NULL, *project = NULL, *part[1];

	if (o->svc_started)
		return;
	o->svc_started = 1;
	o->spcs_status.name = "spcs";
	/* Local containers. */
	if (cfg->compose_project != NULL)
		project = xstrdup(cfg->compose_project);
	else
		project = docker_astro_project_cwd(&cause);
	free(cause);
	cause = NULL;
	if (docker_endpoint_resolve(cfg->docker_host, getenv("XDG_RUNTIME_DIR"),
		NULL, &o->svc_ep, &cause) != 0) {
		app_ops_svc_missing(o, "no local containers", cause);
		free(cause);
		cause = NULL;
	} else {
		o->svc_ep_ok = 1;
		memset(&dc, 0, sizeof dc);
		dc.project = project;
		dc.refresh_ms = cfg->refresh_ms > 0 ? cfg->refresh_ms : 2000;
		dc.cfg = cfg;
		dc.on_change = app_ops_svc_change;
		dc.on_change_arg = o;
		if (docker_create(&o->svc_dk, app_http(app), &o->svc_ep, NULL,
			&cause) != 0 ||
		    src_docker_create(&o->src_dk, app_loop(app), app_http(app),
			o->svc_dk, &dc, &app_models(app)->services,
			&app_models(app)->docker, &cause) != 0) {
			app_ops_svc_missing(o, "no local containers", cause);
			free(cause);
			cause = NULL;
			o->src_dk = NULL;
		}
	}
	free(project);
	/* SPCS: the setup's connection and client. */
	if (app_ops_setup_client(o, &cause) != 0) {
		app_ops_svc_missing(o, "no SPCS services", cause);
		free(cause);
		cause = NULL;
	} else {
		if (o->svc_db == NULL && o->sconn.database != NULL &&
		    sf_ident_split(o->sconn.database, part, 1, &cause) == 1)
			o->svc_db = part[0];
		free(cause);
		cause = NULL;
		if (o->svc_schema == NULL && o->sconn.schema != NULL &&
		    sf_ident_split(o->sconn.schema, part, 1, &cause) == 1)
			o->svc_schema = part[0];
		free(cause);
		cause = NULL;
		if (o->svc_db == NULL || o->svc_schema == NULL)
			app_ops_svc_missing(o, "no SPCS services",
			    "set database and schema in the Snowflake "
			    "connection");
		else {
			memset(&sc, 0, sizeof sc);
			sc.database = o->svc_db;
			sc.schema = o->svc_schema;
			sc.refresh_ms =
			    cfg->refresh_ms > 0 ? cfg->refresh_ms : 2000;
			sc.on_change = app_ops_svc_change;
			sc.on_change_arg = o;
			if (src_spcs_create(&o->src_sp, app_loop(app), o->ssf,
				&sc, &app_models(app)->services,
				&o->spcs_services, &o->spcs_status,
				&cause) != 0) {
				app_ops_svc_missing(
				    o, "no SPCS services", cause);
				free(cause);
				o->src_sp = NULL;
			}
		}
	}
	o->gen++;
}

static void
app_ops_pools_done(const struct spcs_result *r, void *arg)
{
	struct app_ops *o = arg;
	struct buf b;
	size_t i;

	o->pools_op = NULL;
	buf_init(&b);
	if (r->error)
		buf_printf(&b, "compute pools: %s", r->cause);
	else if (r->pools == NULL || r->pools->n == 0)
		buf_adds(&b, "compute pools: none");
	else
		for (i = 0; i < r->pools->n; i++) {
			const struct spcs_pool *p = &r->pools->v[i];

			buf_printf(&b,
			    "%spool %s %s %s, nodes %d active (%d-%d), "
			    "%d service%s",
			    i ? "; " : "", p->name, p->state, p->family,
			    p->active_nodes, p->min_nodes, p->max_nodes,
			    p->num_services, p->num_services == 1 ? "" : "s");
		}
	free(o->pools_line);
	o->pools_line = buf_detach(&b);
	o->gen++;
}

static void
app_ops_pools_fetch(struct app_ops *o)
{
	if (o->ssf == NULL || o->src_sp == NULL || o->pools_op != NULL)
		return;
	o->pools_op = spcs_pools_fetch(o->ssf, NULL, app_ops_pools_done, o);
}

const char *
app_services_pools(struct app *app)
{
	return app_ops_get(app)->pools_line;
}

const struct spcs_service *
app_spcs_service(struct app *app, const char *name)
{
	struct app_ops *o = app_ops_get(app);
	size_t i;

	for (i = 0; name != NULL && i < o->spcs_services.n; i++)
		if (o->spcs_services.v[i].name != NULL &&
		    strcmp(o->spcs_services.v[i].name, name) == 0)
			return &o->spcs_services.v[i];
	return NULL;
}

void
app_services_visible(struct app *app, int visible)
{
	struct app_ops *o = app_ops_get(app);

	if (visible)
		app_ops_pools_fetch(o);
	const struct config *cfg = app_config(app);
	int fast = cfg->refresh_ms > 0 ? cfg->refresh_ms : 2000;
	int slow = cfg->refresh_hidden_ms > 0 ? cfg->refresh_hidden_ms : 30000;

	if (o->src_dk != NULL)
		src_docker_set_refresh(o->src_dk, visible ? fast : slow);
	if (o->src_sp != NULL)
		src_spcs_set_refresh(o->src_sp, visible ? fast : slow);
}

const char *
app_services_missing(struct app *app)
{
	return app_ops_get(app)->svc_missing;
}

const struct source_status *
app_services_spcs_status(struct app *app)
{
	return &app_ops_get(app)->spcs_status;
}

const char *
app_service_progress(struct app *app, int *busy)
{
	struct app_ops *o = app_ops_get(app);

	if (busy != NULL)
		*busy = o->act_local_busy || o->act_spcs_busy;
	return o->act_line;
}

static void
app_ops_act_line(struct app_ops *o, char *line)
{
	free(o->act_line);
	o->act_line = line;
	o->gen++;
}

/*
 * Learns a refusal from a failed service action: HTTP 403 from the REST
 * API or an engine, or Snowflake's insufficient privileges (003001). head
 * is "VERB TARGET[: …]": SPCS refusals hold for that service or pool only
 * (spcs 1), a container engine's for the verb.
 */
static void
app_ops_learn_refusal(
    struct app *app, const char *head, const char *cause, int spcs)
{
	char verb[32], target[256], *why;
	const char *t;
	size_t n;

	if (cause == NULL ||
	    (strstr(cause, "403") == NULL && strstr(cause, "003001") == NULL &&
		strstr(cause, "nsufficient privileges") == NULL))
		return;
	n = strcspn(head, " ");
	snprintf(verb, sizeof verb, "%.*s", (int)n, head);
	t = head + n;
	t += strspn(t, " ");
	n = strcspn(t, " :");
	snprintf(target, sizeof target, "%.*s", (int)n, t);
	why = xasprintf("the server refused it for this user or role (%s); "
			"ask for the privilege, then r to try again",
	    strstr(cause, "403") != NULL ? "HTTP 403"
					 : "insufficient privileges");
	app_deny(app, verb, spcs && *target != '\0' ? target : NULL, why);
	free(why);
}

static void
app_ops_local_done(int error, const char *message, void *arg)
{
	struct app_ops *o = arg;

	o->act_local_busy = 0;
	if (error)
		app_ops_learn_refusal(o->app, message, message, 0);
	app_ops_act_line(o, xstrdup(message));
	audit_record(app_audit(o->app), "service", "local", "action",
	    error ? message : "ok");
	cmdlog_add(
	    &app_models(o->app)->cmdlog, "action", message, error ? 0 : 1, 0);
	app_message(o->app, error ? 2 : 0, "%s", message);
}

static void
app_ops_spcs_progress(const struct spcs_progress *p, void *arg)
{
	struct app_ops *o = arg;
	const char *st = p->state != NULL ? p->state : "?";

	/* One arrow per distinct state; the READY count follows the last. */
	if (strcmp(st, o->act_last) != 0) {
		buf_printf(&o->act_states, " -> %s", st);
		snprintf(o->act_last, sizeof o->act_last, "%s", st);
	}
	if (p->total > 0)
		app_ops_act_line(
		    o, xasprintf("%s%s (%d/%d READY)%s%s", o->act_head,
			   o->act_states.data, p->ready, p->total,
			   p->message != NULL ? " " : "",
			   p->message != NULL ? p->message : ""));
	else
		app_ops_act_line(
		    o, xasprintf("%s%s", o->act_head, o->act_states.data));
}

static void
app_ops_spcs_done(const struct spcs_outcome *out, void *arg)
{
	struct app_ops *o = arg;
	char *m;

	o->act_spcs_busy = 0;
	if (out->ok)
		m = xasprintf("%s%s: done, %s with %d/%d containers READY "
			      "(%.0f s)",
		    o->act_head, o->act_states.data, out->state, out->ready,
		    out->total, out->elapsed);
	else
		m = xasprintf("%s%s: FAILED in %s: %s%s%s", o->act_head,
		    o->act_states.data, out->state != NULL ? out->state : "?",
		    out->cause != NULL ? out->cause : "",
		    out->message != NULL ? " - " : "",
		    out->message != NULL ? out->message : "");
	if (!out->ok)
		app_ops_learn_refusal(o->app, o->act_head, out->cause, 1);
	app_ops_act_line(o, m);
	app_ops_pools_fetch(o);
	audit_record(app_audit(o->app), "spcs", "service", "action",
	    out->ok ? "ok" : (out->cause != NULL ? out->cause : "failed"));
	cmdlog_add(&app_models(o->app)->cmdlog, "action", o->act_line,
	    out->ok ? 1 : 0, out->elapsed * 1000);
	app_message(o->app, out->ok ? 0 : 2, "%s", o->act_line);
}

const char *
app_service_denied(
    struct app *app, const struct svc *svc, enum app_svc_action act)
{
	static const char *const local[] = { "restart", "stop", "start" };
	static const char *const spcs[] = { "restart", "suspend", "resume" };

	if (svc == NULL || (size_t)act >= nitems(local))
		return NULL;
	if (svc->origin == SVC_SPCS)
		return app_denied(app, spcs[act], svc->service);
	return app_denied(app, local[act], NULL);
}

const char *
app_pool_denied(struct app *app, const struct svc *svc, int on)
{
	const struct spcs_service *ss;

	if (svc == NULL || svc->origin != SVC_SPCS ||
	    (ss = app_spcs_service(app, svc->service)) == NULL ||
	    ss->pool == NULL)
		return NULL;
	return app_denied(app, on ? "pool-resume" : "pool-suspend", ss->pool);
}

int
app_service_action(
    struct app *app, const struct svc *svc, enum app_svc_action act)
{
	static const char *const local[] = { "restart", "stop", "start" };
	static const enum spcs_action spcs[] = { SPCS_RESTART, SPCS_SUSPEND,
		SPCS_RESUME };
	struct app_ops *o = app_ops_get(app);
	char *cause = NULL;
	const char *what;
	int rc;

	if (svc == NULL)
		return -1;
	what =
	    svc->origin == SVC_SPCS ? spcs_action_name(spcs[act]) : local[act];
	if (app_readonly(app)) {
		app_message(app, 1, "read-only mode: %s %s refused", what,
		    svc->service != NULL ? svc->service : svc->name);
		audit_record(app_audit(app), "service", svc->name, what,
		    "refused: read-only mode");
		return -1;
	}
	if (app_service_denied(app, svc, act) != NULL) {
		app_message(app, 1, "%s %s is disabled: %s", what,
		    svc->service != NULL ? svc->service : svc->name,
		    app_service_denied(app, svc, act));
		audit_record(app_audit(app),
		    svc->origin == SVC_SPCS ? "spcs" : "service",
		    svc->origin == SVC_SPCS ? svc->service : svc->name, what,
		    "refused: not allowed for this user or role");
		return -1;
	}
	if (svc->origin == SVC_SPCS) {
		if (o->src_sp == NULL || o->act_spcs_busy) {
			app_message(app, 1, "%s %s: %s", what, svc->service,
			    o->src_sp == NULL ? "no SPCS connection"
					      : "another SPCS action runs");
			return -1;
		}
		free(o->act_head);
		o->act_head = xasprintf("%s %s", what, svc->service);
		/* Never NULL data: printed with %s below. */
		buf_addc(&o->act_states, ' ');
		buf_reset(&o->act_states);
		o->act_last[0] = '\0';
		app_ops_act_line(o, xstrdup(o->act_head));
		rc = src_spcs_action(o->src_sp, spcs[act], svc->service,
		    app_ops_spcs_progress, app_ops_spcs_done, o, &cause);
		if (rc == 0)
			o->act_spcs_busy = 1;
	} else {
		if (o->src_dk == NULL || o->act_local_busy) {
			app_message(app, 1, "%s %s: %s", what, svc->name,
			    o->src_dk == NULL
				? "no container engine"
				: "another container action runs");
			return -1;
		}
		app_ops_act_line(
		    o, xasprintf("%s %s: waiting for the state change…", what,
			   svc->name));
		rc = src_docker_action(
		    o->src_dk, svc->id, what, app_ops_local_done, o, &cause);
		if (rc == 0)
			o->act_local_busy = 1;
	}
	if (rc != 0) {
		app_ops_act_line(o, xasprintf("%s: %s", what, cause));
		app_message(app, 2, "%s", cause);
		free(cause);
		return -1;
	}
	audit_record(app_audit(app),
	    svc->origin == SVC_SPCS ? "spcs" : "service",
	    svc->origin == SVC_SPCS ? svc->service : svc->name, what,
	    "started");
	cmdlog_add(&app_models(app)->cmdlog, "action", o->act_line, -1, 0);
	return 0;
}

/* DAG params. */

static void
app_ops_params_done(const struct af_result *r, void *arg)
{
	struct app_ops_params *q = arg;
	struct app_ops *o = q->o;
	struct af_params ps;
	cJSON *j, *paused;
	char *cause = NULL, *msg;
	int is_paused = 0;

	o->params_op = NULL;
	o->params_req = NULL;
	memset(&ps, 0, sizeof ps);
	if (r->error) {
		msg = xasprintf("cannot read the params of %s: %s", q->dag_id,
		    r->cause != NULL ? r->cause : "no answer");
		q->done(o->app, q->dag_id, NULL, 0, msg, q->arg);
		free(msg);
	} else if (af_params_parse(r->body, r->len, &ps, &cause) != 0) {
		msg = xasprintf("the params of %s: %s", q->dag_id, cause);
		q->done(o->app, q->dag_id, NULL, 0, msg, q->arg);
		free(msg);
		free(cause);
	} else {
		if ((j = cJSON_ParseWithLength(r->body, r->len)) != NULL) {
			paused =
			    cJSON_GetObjectItemCaseSensitive(j, "is_paused");
			is_paused = cJSON_IsTrue(paused);
			cJSON_Delete(j);
		}
		q->done(o->app, q->dag_id, &ps, is_paused, NULL, q->arg);
	}
	free(q->dag_id);
	free(q);
}

static void
app_ops_params_fixture_cb(uv_timer_t *t)
{
	struct app_ops *o = t->data;
	struct app_ops_params *q = o->params_req;
	struct af_result r;

	if (q == NULL || o->params_fixture == NULL)
		return;
	memset(&r, 0, sizeof r);
	r.status = 200;
	r.body = o->params_fixture;
	r.len = strlen(o->params_fixture);
	app_ops_params_done(&r, q);
}

void
app_dag_params_fixture(struct app *app, const char *body)
{
	struct app_ops *o = app_ops_get(app);

	free(o->params_fixture);
	o->params_fixture = body != NULL ? xstrdup(body) : NULL;
	if (!o->params_timer_init) {
		uv_timer_init(app_loop(app), &o->params_timer);
		o->params_timer.data = o;
		o->params_timer_init = 1;
	}
}

int
app_dag_params(
    struct app *app, const char *dag_id, app_params_cb done, void *arg)
{
	struct app_ops *o = app_ops_get(app);
	struct app_ops_params *q;
	char *path;

	if (o->params_fixture != NULL) {
		if (o->params_req != NULL) {
			free(o->params_req->dag_id);
			free(o->params_req);
		}
		q = xcalloc(1, sizeof *q);
		q->o = o;
		q->dag_id = xstrdup(dag_id);
		q->done = done;
		q->arg = arg;
		o->params_req = q;
		uv_timer_start(
		    &o->params_timer, app_ops_params_fixture_cb, 0, 0);
		return 0;
	}

	if (app_airflow(app) == NULL || airflow_api(app_airflow(app)) == 0)
		return -1;
	if (o->params_op != NULL) {
		airflow_cancel(o->params_op);
		free(o->params_req->dag_id);
		free(o->params_req);
		o->params_op = NULL;
		o->params_req = NULL;
	}
	q = xcalloc(1, sizeof *q);
	q->o = o;
	q->dag_id = xstrdup(dag_id);
	q->done = done;
	q->arg = arg;
	path = url_path("/dags", dag_id, "/details", (char *)NULL);
	o->params_op = airflow_call(app_airflow(app), "GET", path, NULL, NULL,
	    0, app_ops_params_done, q);
	free(path);
	if (o->params_op == NULL) {
		free(q->dag_id);
		free(q);
		return -1;
	}
	o->params_req = q;
	return 0;
}

char *
app_ops_run_id(const char *body, size_t len)
{
	cJSON *j, *id;
	char *out = NULL;

	if (body == NULL || (j = cJSON_ParseWithLength(body, len)) == NULL)
		return NULL;
	id = cJSON_GetObjectItemCaseSensitive(j, "dag_run_id");
	if (cJSON_IsString(id) && id->valuestring[0] != '\0')
		out = xstrdup(id->valuestring);
	cJSON_Delete(j);
	return out;
}

/* Service logs. */

static int
app_ops_logs_line(int stream, const char *line, size_t len, void *arg)
{
	struct app_ops *o = arg;

	if (stream == DOCKER_STREAM_STDERR)
		buf_adds(&o->logs, "! ");
	docker_log_line_format(&o->logs, line, len);
	buf_addc(&o->logs, '\n');
	return 0;
}

static void
app_ops_logs_text(struct app_ops *o, int error, const char *cause,
    const char *text, size_t len, int framed)
{
	struct docker_demux dm;
	const char *p, *e, *nl;

	buf_reset(&o->logs);
	o->logs_busy = 0;
	o->logs_have = 1;
	if (error) {
		buf_adds(&o->logs, "cannot read the logs: ");
		docker_log_line_format(&o->logs,
		    cause != NULL ? cause : "no answer",
		    cause != NULL ? strlen(cause) : 9);
		buf_addc(&o->logs, '\n');
	} else if (framed) {
		docker_demux_init(&dm, o->logs_tty);
		docker_demux_feed(&dm, text, len, app_ops_logs_line, o);
		docker_demux_flush(&dm, app_ops_logs_line, o);
		docker_demux_free(&dm);
	} else {
		for (p = text, e = text + len; p < e; p = nl + 1) {
			nl = memchr(p, '\n', (size_t)(e - p));
			if (nl == NULL)
				nl = e;
			docker_log_line_format(&o->logs, p, (size_t)(nl - p));
			buf_addc(&o->logs, '\n');
		}
	}
	if (o->logs.len == 0)
		buf_adds(&o->logs, "(no log lines)\n");
	o->gen++;
}

static void
app_ops_logs_docker_done(const struct docker_result *r, void *arg)
{
	struct app_ops *o = arg;

	o->logs_dop = NULL;
	app_ops_logs_text(o, r->error, r->cause, r->body, r->len, 1);
}

static void
app_ops_logs_spcs_done(const struct spcs_result *r, void *arg)
{
	struct app_ops *o = arg;

	o->logs_sop = NULL;
	app_ops_logs_text(o, r->error, r->cause, r->text, r->len, 0);
}

int
app_service_logs_fetch(struct app *app, const struct svc *s, int previous)
{
	struct app_ops *o = app_ops_get(app);
	char *path;

	if (s == NULL)
		return -1;
	app_ops_follow_stop(o);
	if (o->logs_dop != NULL)
		docker_cancel(o->logs_dop);
	if (o->logs_sop != NULL)
		spcs_op_cancel(o->logs_sop);
	o->logs_dop = NULL;
	o->logs_sop = NULL;
	if (s->origin == SVC_SPCS &&
	    (s->name == NULL || strcmp(s->name, "-") == 0)) {
		app_message(app, 1,
		    "logs: %s has no container now (%s); wait for it to run",
		    s->service, s->message != NULL ? s->message : "suspended");
		return -1;
	}
	if (s->origin == SVC_SPCS) {
		if (o->ssf == NULL || o->svc_db == NULL) {
			app_message(app, 1, "logs: no SPCS connection");
			return -1;
		}
		o->logs_sop = spcs_logs_fetch(o->ssf, o->svc_db, o->svc_schema,
		    s->service, s->instance != NULL ? s->instance : "0",
		    s->name, 500, previous, app_ops_logs_spcs_done, o);
		if (o->logs_sop == NULL)
			return -1;
	} else {
		struct docker_logs_query lq = { .tail = 500 };
		char *q;

		if (o->svc_dk == NULL) {
			app_message(app, 1, "logs: no container engine");
			return -1;
		}
		/*
		 * A container keeps its log across restarts: the previous
		 * run's lines are those written before the current start.
		 */
		if (previous && s->started_at <= 0) {
			app_message(app, 1,
			    "logs: %s has not started yet, so it has no "
			    "previous run",
			    s->name);
			return -1;
		}
		lq.until = previous ? s->started_at : 0;
		q = docker_logs_query(&lq);
		o->logs_tty = s->tty;
		path = url_path("/containers", s->id, "/logs", (char *)NULL);
		o->logs_dop = docker_call(o->svc_dk, "GET", path, q, NULL,
		    app_ops_logs_docker_done, o);
		free(path);
		free(q);
		if (o->logs_dop == NULL)
			return -1;
	}
	o->logs_busy = 1;
	o->gen++;
	return 0;
}

const char *
app_service_logs(struct app *app, size_t *len, int *busy)
{
	struct app_ops *o = app_ops_get(app);

	if (busy != NULL)
		*busy = o->logs_busy;
	*len = o->logs.len;
	return o->logs_have ? (o->logs.data != NULL ? o->logs.data : "") : NULL;
}

int
app_pool_action(struct app *app, const struct svc *svc, int on)
{
	struct app_ops *o = app_ops_get(app);
	const struct spcs_service *ss;
	const char *what = on ? "pool-resume" : "pool-suspend";
	char *cause = NULL;

	if (svc == NULL || svc->origin != SVC_SPCS ||
	    (ss = app_spcs_service(app, svc->service)) == NULL ||
	    ss->pool == NULL) {
		app_message(app, 1,
		    "%s: select an SPCS service (its compute pool is the one)",
		    what);
		return -1;
	}
	if (app_readonly(app)) {
		app_message(
		    app, 1, "read-only mode: %s %s refused", what, ss->pool);
		audit_record(app_audit(app), "spcs", ss->pool, what,
		    "refused: read-only mode");
		return -1;
	}
	if (app_denied(app, what, ss->pool) != NULL) {
		app_message(app, 1, "%s %s is disabled: %s", what, ss->pool,
		    app_denied(app, what, ss->pool));
		audit_record(app_audit(app), "spcs", ss->pool, what,
		    "refused: not allowed for this role");
		return -1;
	}
	if (o->src_sp == NULL || o->act_spcs_busy) {
		app_message(app, 1, "%s %s: %s", what, ss->pool,
		    o->src_sp == NULL ? "no SPCS connection"
				      : "another SPCS action runs");
		return -1;
	}
	free(o->act_head);
	o->act_head = xasprintf("%s %s", what, ss->pool);
	buf_addc(&o->act_states, ' ');
	buf_reset(&o->act_states);
	o->act_last[0] = '\0';
	app_ops_act_line(o, xstrdup(o->act_head));
	if (src_spcs_action(o->src_sp,
		on ? SPCS_POOL_RESUME : SPCS_POOL_SUSPEND, ss->pool,
		app_ops_spcs_progress, app_ops_spcs_done, o, &cause) != 0) {
		app_ops_act_line(o, xasprintf("%s: %s", what, cause));
		app_message(app, 2, "%s", cause);
		free(cause);
		return -1;
	}
	o->act_spcs_busy = 1;
	audit_record(app_audit(app), "spcs", ss->pool, what, "started");
	cmdlog_add(&app_models(app)->cmdlog, "action", o->act_head, -1, 0);
	return 0;
}

/* Following logs. */

static void
app_ops_follow_closed(uv_handle_t *h)
{
	struct app_ops_follow *f = h->data;

	docker_demux_free(&f->dm);
	spcs_logtail_free(&f->tail);
	free(f->service);
	free(f->instance);
	free(f->name);
	free(f);
}

static void
app_ops_follow_stop(struct app_ops *o)
{
	struct app_ops_follow *f = o->follow;

	if (f == NULL)
		return;
	o->follow = NULL;
	if (f->stream != NULL)
		docker_cancel(f->stream);
	if (f->op != NULL)
		spcs_op_cancel(f->op);
	f->o = NULL;
	uv_close((uv_handle_t *)&f->timer, app_ops_follow_closed);
	o->gen++;
}

/* Keeps the text bounded: drops the oldest half past 4 MiB. */
static void
app_ops_logs_bound(struct app_ops *o)
{
	const char *cut;
	size_t keep;

	if (o->logs.len < 4u << 20)
		return;
	cut = memchr(o->logs.data + o->logs.len / 2, '\n', o->logs.len / 2);
	if (cut == NULL)
		return;
	keep = o->logs.len - (size_t)(cut + 1 - o->logs.data);
	o->logs_dropped += (uint64_t)(cut + 1 - o->logs.data);
	memmove(o->logs.data, cut + 1, keep);
	o->logs.len = keep;
	o->logs.data[keep] = '\0';
}

static int
app_ops_follow_chunk(const char *data, size_t len, void *arg)
{
	struct app_ops_follow *f = arg;

	if (f->o == NULL)
		return -1;
	docker_demux_feed(&f->dm, data, len, app_ops_logs_line, f->o);
	app_ops_logs_bound(f->o);
	f->o->gen++;
	return 0;
}

static void
app_ops_follow_stream_done(const struct docker_result *r, void *arg)
{
	struct app_ops_follow *f = arg;
	struct app_ops *o = f->o;

	f->stream = NULL;
	if (o == NULL)
		return;
	docker_demux_flush(&f->dm, app_ops_logs_line, o);
	buf_printf(&o->logs, "[the log stream ended%s%s]\n",
	    r->error ? ": " : "", r->error && r->cause != NULL ? r->cause : "");
	o->gen++;
	app_ops_follow_stop(o);
}

static void
app_ops_follow_emit(const char *line, void *arg)
{
	struct app_ops *o = arg;

	/* Sanitized by the merge; secrets masked here. */
	redact_text_append(&o->logs, line, strlen(line));
	buf_addc(&o->logs, '\n');
}

static void app_ops_follow_tick(uv_timer_t *t);

static void
app_ops_follow_spcs_done(const struct spcs_result *r, void *arg)
{
	struct app_ops_follow *f = arg;
	struct app_ops *o = f->o;
	const struct config *cfg;
	int gap = 0;

	f->op = NULL;
	if (o == NULL)
		return;
	if (r->error) {
		buf_printf(&o->logs, "[cannot read the logs: %s; retrying]\n",
		    r->cause != NULL ? r->cause : "no answer");
	} else {
		spcs_logtail_merge(&f->tail, r->text, r->len, 500,
		    app_ops_follow_emit, o, &gap);
		if (gap)
			buf_adds(&o->logs,
			    "[lines may be missing here: more than 500 arrived "
			    "or the log restarted]\n");
	}
	app_ops_logs_bound(o);
	o->gen++;
	cfg = app_config(o->app);
	uv_timer_start(&f->timer, app_ops_follow_tick,
	    (uint64_t)(cfg->refresh_ms > 0 ? cfg->refresh_ms : 2000), 0);
}

static void
app_ops_follow_tick(uv_timer_t *t)
{
	struct app_ops_follow *f = t->data;
	struct app_ops *o = f->o;

	if (o == NULL || f->op != NULL || o->ssf == NULL)
		return;
	f->op = spcs_logs_fetch(o->ssf, o->svc_db, o->svc_schema, f->service,
	    f->instance, f->name, 500, 0, app_ops_follow_spcs_done, f);
}

int
app_service_logs_follow(struct app *app, const struct svc *s, int on)
{
	struct app_ops *o = app_ops_get(app);
	struct app_ops_follow *f;
	char *path;

	app_ops_follow_stop(o);
	if (!on || s == NULL)
		return 0;
	if (s->origin == SVC_SPCS &&
	    (o->ssf == NULL || o->svc_db == NULL || s->name == NULL ||
		strcmp(s->name, "-") == 0)) {
		app_message(app, 1, "follow: no SPCS container to follow");
		return -1;
	}
	if (s->origin != SVC_SPCS && o->svc_dk == NULL) {
		app_message(app, 1, "follow: no container engine");
		return -1;
	}
	if (o->logs_dop != NULL)
		docker_cancel(o->logs_dop);
	if (o->logs_sop != NULL)
		spcs_op_cancel(o->logs_sop);
	o->logs_dop = NULL;
	o->logs_sop = NULL;
	o->logs_busy = 0;
	o->logs_have = 1;
	buf_reset(&o->logs);
	f = xcalloc(1, sizeof *f);
	f->o = o;
	uv_timer_init(app_loop(app), &f->timer);
	f->timer.data = f;
	docker_demux_init(&f->dm, s->tty);
	spcs_logtail_init(&f->tail);
	f->tail.first_tail = 500;
	o->follow = f;
	if (s->origin == SVC_SPCS) {
		f->service = xstrdup(s->service);
		f->instance = xstrdup(s->instance != NULL ? s->instance : "0");
		f->name = xstrdup(s->name);
		uv_timer_start(&f->timer, app_ops_follow_tick, 0, 0);
	} else {
		struct docker_logs_query lq = { .follow = 1, .tail = 500 };
		char *q = docker_logs_query(&lq);

		path = url_path("/containers", s->id, "/logs", (char *)NULL);
		f->stream = docker_stream(o->svc_dk, path, q,
		    app_ops_follow_chunk, app_ops_follow_stream_done, f);
		free(path);
		free(q);
		if (f->stream == NULL) {
			app_ops_follow_stop(o);
			return -1;
		}
	}
	o->gen++;
	return 0;
}

int
app_service_logs_following(struct app *app)
{
	return app_ops_get(app)->follow != NULL;
}

uint64_t
app_service_logs_dropped(struct app *app)
{
	return app_ops_get(app)->logs_dropped;
}

int
app_services_engine_fixture(
    struct app *app, const char *docker_host, char **cause)
{
	struct app_ops *o = app_ops_get(app);

	if (o->svc_dk != NULL || o->svc_ep_ok) {
		*cause = xstrdup("the services already have an engine");
		return -1;
	}
	if (docker_endpoint_resolve(
		docker_host, NULL, NULL, &o->svc_ep, cause) != 0)
		return -1;
	o->svc_ep_ok = 1;
	if (docker_create(&o->svc_dk, app_http(app), &o->svc_ep, NULL, cause) !=
	    0) {
		o->svc_dk = NULL;
		return -1;
	}
	return 0;
}

int
app_services_sources(struct app *app)
{
	struct app_ops *o = *app_ops_slot(app);

	/* Never creates the state: the status bar asks on every frame. */
	if (o == NULL)
		return 0;
	return (o->src_dk != NULL ? 1 : 0) | (o->src_sp != NULL ? 2 : 0);
}
