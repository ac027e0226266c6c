/*
 * The Snowflake side of the interactive app: the connection, the Snowflake
 * source (src_snowflake.h) and its models, stage file previews and the
 * XCom bridge (xcom_resolve.h), kept apart from app.c so the two grow
 * without merge conflicts. Views reach it only through these functions;
 * every one of them starts asynchronous work at most and returns at once.
 */

#ifndef SNOWDECK_APP_SF_H
#define SNOWDECK_APP_SF_H

#include <stddef.h>

struct app;
struct app_sf;
struct audit;
struct af_value;
struct cmdlog;
struct http;
struct sf_models;
struct sf_preview;
struct source_status;
struct uv_loop_s;
struct xres;

/*
 * Creates the Snowflake side. loop, http, cmdlog and audit (may be NULL)
 * are borrowed and must outlive it. With connect 0 nothing is resolved or
 * loaded (golden tests fill the models by hand); otherwise the connection
 * is resolved as the headless commands do (AIRFLOW_CONN_SNOWFLAKE_DEFAULT,
 * connections.toml, ...); a failure is no error: the status says what is
 * missing and the panes stay empty. Never fails.
 */
struct app_sf *app_sf_create(struct app *app, struct uv_loop_s *loop,
    struct http *http, struct cmdlog *cmdlog, struct audit *audit, int connect);
/* Cancels everything without calling back and frees. */
void app_sf_free(struct app_sf *);

/* The app's Snowflake side (app.c). */
struct app_sf *app_sf(struct app *);

/* The models (borrowed; valid for the app's lifetime). */
struct sf_models *app_sf_models(struct app *);
/* The connection state for the status bar (borrowed). */
struct source_status *app_sf_status(struct app *);
/* "snowflake ACCOUNT key-pair", or "snowflake" (borrowed). */
const char *app_sf_label(struct app *);
/* Whether a Snowflake connection is configured. */
int app_sf_connected(struct app *);

/* (Re)loads the stages of the connection's database and schema. */
void app_sf_load_stages(struct app *);
/*
 * Lists the files of stage db.schema.name (copied). The files model is
 * emptied at once and grows as result partitions arrive.
 */
void app_sf_open_stage(
    struct app *, const char *db, const char *schema, const char *name);
/* The stage whose files the model holds, "" when none (borrowed). */
const char *app_sf_open_stage_name(struct app *);
/* (Re)loads the XCom table rows of dag_id/run_id (NULL = all). */
void app_sf_load_xcom(struct app *, const char *dag_id, const char *run_id);
/* The XCom backend table as DB.SCHEMA.TABLE (borrowed). */
const char *app_sf_xcom_table(struct app *);

/*
 * Previews file path of the open stage into the preview value (key =
 * path). Loading shows as a NULL text with the key set.
 */
void app_sf_preview(struct app *, const char *path);
/* Shows a preview's outcome (the completion of app_sf_preview(); tests
 * call it with a preview of their own). p is borrowed. */
void app_sf_preview_show(struct app *, const struct sf_preview *p);
/* The preview (borrowed); key NULL when none. */
struct af_value *app_sf_preview_value(struct app *);
/* The preview's kind, bytes fetched and whether it was cut ("" while
 * loading); an error leaves its sentence as the text. */
const char *app_sf_preview_kind(struct app *, size_t *bytes, int *truncated);

/*
 * The XCom bridge: finds the Snowflake references of text (an XCom value
 * as shown) and resolves them asynchronously. Returns how many were found
 * (0: nothing to follow, nothing started). The outcome is read with
 * app_sf_bridge(); gen bumps when it changes.
 */
size_t app_sf_follow(
    struct app *, const char *what, const char *text, size_t len);
/* The items being resolved (borrowed) and what they came from; NULL when
 * nothing was followed. *done: every item has an outcome. */
const struct xres *app_sf_bridge(
    struct app *, const char **what, int *done, unsigned long *gen);

/*
 * Cross-pane jumps. app_sf_goto_set() records the view a key asks for
 * (by name); the screen takes it (app_sf_goto_take, owned by the caller)
 * when the view returns VIEW_GOTO. app_sf_jump_task() selects the DAG, run
 * and task instance in the Airflow panes (they load as usual).
 */
void app_sf_goto_set(struct app *, const char *view);
char *app_sf_goto_take(struct app *);
void app_sf_jump_task(struct app *, const char *dag_id, const char *run_id,
    const char *task_id, int map_index);

/*
 * A pending "show this file" for the stages pane (the bridge's jump from a
 * stage reference): stage db.schema.name and the path inside it. The
 * stages view takes it when it gains focus.
 */
void app_sf_reveal_set(struct app *, const char *db, const char *schema,
    const char *stage, const char *path);
/* Takes the pending reveal: 1 with owned strings, else 0. */
int app_sf_reveal_take(
    struct app *, char **db, char **schema, char **stage, char **path);

#endif
