/*
 * The operator panes' state, held by the app (app_ops.c): the doctor
 * checklist (core/doctor_run.c) and the external jobs configured as
 * [jobs.NAME] (core/job.c). Views read it through these functions and
 * start work with them; nothing here blocks the loop. Every change bumps
 * app_ops_gen(), which the views compare to know they are stale.
 */

#ifndef SNOWDECK_APP_OPS_H
#define SNOWDECK_APP_OPS_H

#include <stddef.h>
#include <stdint.h>

struct airflow;
struct app;
struct app_ops;
struct audit;
struct config_job;
struct doctor;
struct grants;
struct http;
struct job;
struct setup_plan;
struct af_params;
struct source_status;
struct svc;
struct spcs_service;
struct uv_loop_s;

/* What app.c lends the operator panes (its "operator panes" block). */
struct app_ops **app_ops_slot(struct app *);
struct uv_loop_s *app_loop(struct app *);
struct http *app_http(struct app *);
struct airflow *app_airflow(struct app *);
struct audit *app_audit(struct app *); /* NULL without sources */

/* Frees the state: cancels the doctor run, kills running jobs. */
void app_ops_free(struct app_ops *);

/* Bumped on every change of the doctor checklist or a job. */
uint64_t app_ops_gen(struct app *);

/*
 * Doctor. app_doctor_start() (re)runs the checklist: the Airflow client of
 * the app, the Snowflake connection resolved as "snowdeck doctor" does
 * (environment, connections.toml), the container engine and the
 * [services.*] probes. Refused (-1, with a status-bar message) while a
 * run is in flight. app_doctor() is the checklist (never NULL; empty
 * before the first run); app_doctor_mut() lets tests fill it by hand.
 */
int app_doctor_start(struct app *);
int app_doctor_running(struct app *);
int app_doctor_ran(struct app *);
const struct doctor *app_doctor(struct app *);
struct doctor *app_doctor_mut(struct app *);

/*
 * Jobs: index i is the config's [jobs] table order (cfg->jobs[i]).
 * app_job_run() starts job i (refused in read-only mode, or while it
 * runs); its output is kept by core/job.c (raw bytes: sanitize before
 * display). app_job_cancel() stops its process group. app_job() is the
 * last run of job i, or NULL when it never ran.
 */
size_t app_jobs_count(struct app *);
const struct config_job *app_job_config(struct app *, size_t i);
int app_job_run(struct app *, size_t i);
int app_job_cancel(struct app *, size_t i);
struct job *app_job(struct app *, size_t i);

/*
 * Setup: the seed's Snowflake objects as a plan (core/setup.c) run by
 * core/setup_run.c on a Snowflake client of its own (the connection is
 * resolved as "snowdeck setup" does). app_setup_probe() builds the plan
 * (replace: with the XCom table/stage REPLACE steps, which the view asks
 * for by a typed name) and learns what exists; app_setup_apply() probes
 * again and runs what is needed, stopping at the first error (running it
 * again resumes). Refused in read-only mode (apply) or while a run is in
 * flight. app_setup_plan() is NULL before the first probe.
 */
enum app_setup_phase { APP_SETUP_IDLE, APP_SETUP_PROBING, APP_SETUP_APPLYING };
int app_setup_probe(struct app *, int replace);
int app_setup_apply(struct app *);
enum app_setup_phase app_setup_phase(struct app *);
const struct setup_plan *app_setup_plan(struct app *);
int app_setup_replace(struct app *); /* the plan has REPLACE steps */
/* The last outcome sentence (NULL while none) and whether it is an
 * error; steps done and to do in the apply phase. */
const char *app_setup_message(struct app *, int *error);
void app_setup_progress(struct app *, size_t *done, size_t *total);
/* Tests: sets the plan (ownership taken) without Snowflake. */
void app_setup_set_plan(struct app *, struct setup_plan *);

/*
 * Services: local containers (core/src_docker.c, into models.services)
 * and SPCS services (core/src_spcs.c, same collection) side by side.
 * app_services_start() creates whichever sources can be (the container
 * engine; a Snowflake connection with a database and schema) once; the
 * reason a side is missing is app_services_missing(). visible: 1 while
 * the pane is focused (the pane's refresh rate), 0 hidden (slower).
 * app_service_action() restarts, stops ("suspend" for SPCS) or starts
 * ("resume") the service of entry svc (an element of models.services):
 * one action at a time per side; the progress line follows the states
 * seen (SPCS: SUSPENDING -> SUSPENDED -> PENDING -> RUNNING, containers
 * READY). Refused in read-only mode.
 */
void app_services_start(struct app *);
void app_services_visible(struct app *, int visible);
/* Which services sources run: 1 local containers, 2 SPCS (or-ed). */
int app_services_sources(struct app *);
const char *app_services_missing(struct app *); /* NULL: both present */
const struct source_status *app_services_spcs_status(struct app *);
enum app_svc_action { APP_SVC_RESTART, APP_SVC_STOP, APP_SVC_START };
int app_service_action(
    struct app *, const struct svc *svc, enum app_svc_action);
/*
 * Logs of one service container: the last 500 lines, fetched once per
 * call (local: the engine's logs endpoint, both framings; SPCS: the
 * service logs, previous = the previous (terminated) run). The text is
 * sanitized and secrets masked; app_service_logs() is NULL before the
 * first answer, with *busy 1 while a fetch runs.
 */
int app_service_logs_fetch(struct app *, const struct svc *, int previous);
const char *app_service_logs(struct app *, size_t *len, int *busy);
/*
 * Follows the logs of svc (on = 1) or stops (0): the text restarts with
 * the last 500 lines and grows as lines arrive (local: the engine's
 * streamed logs, no polling; SPCS: the last 500 lines read again at the
 * pane's refresh rate and merged so every line shows once). Stops by
 * itself when another fetch starts. app_service_logs_following() says
 * whether it runs.
 */
int app_service_logs_follow(struct app *, const struct svc *, int on);
int app_service_logs_following(struct app *);
/*
 * Bytes the followed text has dropped from its start so far (it keeps
 * below 4 MiB by dropping its oldest half): a view holding line numbers
 * moves them by the lines that went. Only grows.
 */
uint64_t app_service_logs_dropped(struct app *);
/* Tests: a container engine at docker_host ("unix:///path") for logs,
 * follow and actions, without starting the services sources. 0, or -1
 * with *cause (owned by the caller). */
int app_services_engine_fixture(
    struct app *, const char *docker_host, char **cause);

/*
 * Compute pools (SPCS): one line per pool (state, family, nodes,
 * services), read when the pane is shown and after each SPCS action;
 * NULL before the first answer. app_spcs_service() is the service row of
 * name (status, pool, instances, DNS, endpoints) or NULL.
 * app_pool_action() suspends (on = 0) or resumes (on = 1) the compute
 * pool the SPCS entry's service runs on, like app_service_action().
 */
const char *app_services_pools(struct app *);
const struct spcs_service *app_spcs_service(struct app *, const char *name);
int app_pool_action(struct app *, const struct svc *, int on);

/*
 * The Snowflake role's grants (core/grants_learn.c), read in the
 * background when a Snowflake connection is configured (the connection's
 * role, else CURRENT_ROLE()): at start and on every refresh. What the role
 * may not do to the SPCS services and compute pools shown (OPERATE or
 * OWNERSHIP missing) is recorded with app_deny(verb, target, reason).
 * Grants that cannot be read disable nothing; the command log says why.
 * app_grants_refresh() (re)starts the read (nothing without sources or a
 * connection); app_grants() is the set read (NULL: none yet, or it
 * failed: app_grants_error() says why). app_grants_set() is for tests
 * (ownership of the set, from grants_init, is taken; NULL forgets).
 */
void app_grants_refresh(struct app *);
const struct grants *app_grants(struct app *);
const char *app_grants_error(struct app *);
void app_grants_set(struct app *, struct grants *);
/* Why an action on svc (or its compute pool: on 0 suspend, 1 resume)
 * may not run, as app_denied() says it (borrowed); NULL: it may. */
const char *app_service_denied(
    struct app *, const struct svc *, enum app_svc_action);
const char *app_pool_denied(struct app *, const struct svc *, int on);

/* The running or last action's progress line (NULL: none); busy is 1
 * while it runs. */
const char *app_service_progress(struct app *, int *busy);

/*
 * DAG params for the trigger form: GET /dags/{id}/details, parsed with
 * af_params_parse. done gets the params (owned by done: af_params_free)
 * and whether the DAG is paused, or error set with a sentence; it never
 * runs inside the call, and not at all after app_free. Returns 0, or -1
 * when Airflow is not connected yet.
 */
typedef void (*app_params_cb)(struct app *, const char *dag_id,
    struct af_params *params, int paused, const char *error, void *arg);
int app_dag_params(
    struct app *, const char *dag_id, app_params_cb done, void *arg);
/* Tests and demos without Airflow: app_dag_params() answers with this
 * details body (copied; NULL stops) on the next loop turn. */
void app_dag_params_fixture(struct app *, const char *details_body);

/* A trigger's answer: its dag_run_id (owned) or NULL (app_ops.c); and
 * app.c selecting that run so the runs pane moves to it. */
char *app_ops_run_id(const char *body, size_t len);
void app_ops_follow_run(
    struct app *, const char *dag_id, const char *body, size_t len);

#endif
