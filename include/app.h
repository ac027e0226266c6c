/*
 * The interactive application: owns the loop, the HTTP client, the Airflow
 * source, the models and the screen. Views reach core only through these
 * functions: they read models and ask for selections and actions; the app
 * starts the requests and the models change when the answers arrive.
 */

#ifndef SNOWDECK_APP_H
#define SNOWDECK_APP_H

#include <stddef.h>

#include <stdarg.h>

struct app;
struct models;
struct config;

struct uv_loop_s;

/*
 * Creates the app on loop with the given configuration (borrowed; must
 * outlive the app). Flags: APP_NO_TUI runs without a terminal (tests and
 * headless use); APP_NO_SOURCES starts no refresh timers or requests (views
 * can be drawn from models filled by hand). Returns 0 or -1 with *cause.
 */
#define APP_NO_TUI     0x1
#define APP_NO_SOURCES 0x2
int app_create(struct app **out, struct uv_loop_s *loop,
    const struct config *cfg, int flags, char **cause);
/* Stops everything and frees the app; run the loop afterwards to close. */
void app_free(struct app *);
/* Runs the loop until app_quit(); returns the exit status. */
int app_run(struct app *);

/* Borrowed pointer to the models; valid for the app's lifetime. */
struct models *app_models(struct app *);

/* The run-time configuration (borrowed). */
const struct config *app_config(struct app *);

/*
 * Selections. Each one refreshes the dependent panes: a DAG selects its runs
 * (NULL = runs of all DAGs) and grid; a run its task instances; a task its
 * XCom entries and log (try_number 0 = the latest try). Strings are copied.
 */
void app_select_dag(struct app *, const char *dag_id);
void app_select_run(struct app *, const char *dag_id, const char *run_id);
void app_select_task(
    struct app *, const char *task_id, int map_index, int try_number);
/* Loads the value of one XCom entry of the selected task into models.value. */
void app_select_xcom(struct app *, const char *key, int map_index);

/* Starts or stops following the selected task's log. */
void app_log_follow(struct app *, int on);
int app_log_following(struct app *);

/* Tells the app which panes are visible/focused (affects refresh rates). */
#define APP_PANE_DAGS  0x01
#define APP_PANE_RUNS  0x02
#define APP_PANE_GRID  0x04
#define APP_PANE_TASKS 0x08
#define APP_PANE_XCOM  0x10
#define APP_PANE_LOG   0x20
void app_set_visible(struct app *, int visible_mask, int focused_mask);

/* Asks for an immediate refresh of everything visible. */
void app_refresh_now(struct app *);

/*
 * Operator actions. Each is confirmed by the view before it is called, runs
 * asynchronously, is written to the command log and the audit file, and
 * reports its result in the status bar. In read-only mode they are refused
 * (return -1 with a message). Returns 0 when the action was started.
 */
enum app_action {
	APP_ACT_TRIGGER,      /* dag_id, conf (JSON text or NULL) */
	APP_ACT_PAUSE,        /* dag_id */
	APP_ACT_UNPAUSE,      /* dag_id */
	APP_ACT_CLEAR,        /* dag_id, run_id, task_id, map_index */
	APP_ACT_MARK_SUCCESS, /* dag_id, run_id, task_id, map_index */
	APP_ACT_MARK_FAILED,  /* dag_id, run_id, task_id, map_index */
};
struct app_action_args {
	const char *dag_id;
	const char *run_id;
	const char *task_id;
	int map_index;
	const char *conf; /* trigger only: JSON object text or NULL */
};
int app_action(struct app *, enum app_action, const struct app_action_args *);

/*
 * What this user or role may not do, learned from refusals (HTTP 403,
 * Snowflake's insufficient privileges) and from the Snowflake role's
 * grants read up front (SHOW GRANTS): verb is the action's name
 * ("trigger", "clear", "restart", "pool-suspend", …), target the object
 * (an SPCS service or compute pool name) or NULL for every target.
 * app_deny() records it with the reason (copied; the reason says its
 * source); app_denied() returns the reason (borrowed) for verb on target
 * (a NULL target matches only verb-wide entries) or NULL. Views show such
 * actions disabled with the reason instead of asking. A refresh
 * (app_refresh_now, r) forgets them and reads the grants again, so a
 * granted permission is picked up.
 */
void app_deny(
    struct app *, const char *verb, const char *target, const char *reason);
const char *app_denied(
    const struct app *, const char *verb, const char *target);
/* The denied verbs, their targets (NULL: every one) and reasons, for the
 * help page: i = 0, 1, … until NULL. */
const char *app_denied_at(
    const struct app *, size_t i, const char **target, const char **reason);

/* Validates trigger conf text: 0 if NULL/empty or a JSON object, else -1
 * with *cause set (owned by the caller). */
int app_validate_conf(const char *conf, char **cause);

/* Whether actions are disabled (--readonly). */
int app_readonly(struct app *);

/* Status-bar message; level 0 info, 1 warning, 2 error. */
void app_message(struct app *, int level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* The current message and its level; NULL if none or expired. */
const char *app_current_message(struct app *, int *level);

/* Requests that the app quits after this loop turn. */
void app_quit(struct app *);
/* Whether app_quit() was called. */
int app_quitting(struct app *);

/* Suspends to the shell (Ctrl-Z) and resumes on SIGCONT. */
void app_suspend(struct app *);

#endif
