/*
 * Airflow operator actions, shared by the interactive console and the
 * headless commands: trigger, pause, unpause, clear, mark success/failed.
 * Each builds the right request for the detected API (v1 or v2 bodies
 * differ; the traps are handled here: logical_date always sent to v2,
 * dry_run and only_failed set false when clearing, reset_dag_runs true).
 */

#ifndef SNOWDECK_ACTIONS_H
#define SNOWDECK_ACTIONS_H

#include <stddef.h>

struct airflow;
struct af_op;

enum af_action {
	AF_ACT_TRIGGER,
	AF_ACT_PAUSE,
	AF_ACT_UNPAUSE,
	AF_ACT_CLEAR,
	AF_ACT_MARK_SUCCESS,
	AF_ACT_MARK_FAILED,
};

struct af_action_args {
	const char *dag_id;
	const char *run_id; /* trigger: the new run's id (NULL = generated) */
	const char *task_id;
	int map_index;    /* -1 when not mapped */
	const char *conf; /* trigger: JSON object text or NULL */
};

/*
 * Called once with the outcome: error 0, the HTTP status that refused the
 * action (403 when the user lacks the permission), or 1 (no status), a
 * one-line message for the
 * status bar or stderr (borrowed), and the response body (borrowed).
 */
typedef void (*af_action_cb)(
    int error, const char *message, const char *body, size_t len, void *arg);

/* The verb for messages and the audit file ("trigger", "clear", ...). */
const char *af_action_name(enum af_action);

/* A description of the target ("dag customer_analytics run … task …").
 * Owned by the caller. */
char *af_action_target(enum af_action, const struct af_action_args *);

/*
 * Validates the arguments and starts the action. Returns the operation, or
 * NULL with *cause set (owned) when the arguments are invalid (nothing is
 * sent then).
 */
struct af_op *af_action_start(struct airflow *, enum af_action,
    const struct af_action_args *, af_action_cb, void *arg, char **cause);

/* Validates conf text: NULL/empty or a JSON object. 0, or -1 with *cause. */
int af_conf_validate(const char *conf, char **cause);

#endif
