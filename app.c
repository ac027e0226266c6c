/*
 * The interactive application: wires the loop, the HTTP client, the Airflow
 * client and source, the audit file and the terminal front end together.
 * This file and main.c are the only ones that see every layer.
 */

#include "app.h"

#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <uv.h>

#include "actions.h"
#include "app_sf.h"
#include "app_ops.h"
#include "airflow.h"
#include "audit.h"
#include "config.h"
#include "http.h"
#include "model.h"
#include "netcfg.h"
#include "sanitize.h"
#include "src_airflow.h"
#include "tui.h"
#include "util.h"

#define APP_MESSAGE_MS 8000

struct app {
	uv_loop_t *loop;
	const struct config *cfg;
	int flags;
	struct models models;
	struct http *http;
	struct netcfg_sink sink; /* the HTTP trace: command log and audit */
	/* Learned refusals (app_deny): verb, target (NULL: all), reason. */
	struct app_denial {
		char *verb, *target, *reason;
	} * denied;
	size_t ndenied;
	struct airflow *af;
	struct src_airflow *src;
	struct audit *audit;
	struct tui *tui;
	uv_signal_t sig_int, sig_term, sig_hup;
	uv_timer_t msg_timer;
	char *message;
	int message_level;
	int quit;
	int status;
	/* The last action started, to refuse an identical one while it runs
	 * (key repeat or a double press never runs an action twice). */
	char *busy_action;
	/* Snowflake panes and the XCom bridge (app_sf.c). */
	struct app_sf *sf;
	/* Operator panes (app_ops.c): doctor and jobs state. */
	struct app_ops *ops;
};

struct app_action_ctx {
	struct app *app;
	enum af_action act;
	char *key;
	char *target;
	char *dag_id;
};

static void
app_signal_cb(uv_signal_t *h, int signum)
{
	struct app *app = h->data;

	(void)signum;
	app_quit(app);
}

static void
app_msg_timer_cb(uv_timer_t *t)
{
	struct app *app = t->data;

	free(app->message);
	app->message = NULL;
	if (app->tui != NULL)
		tui_redraw(app->tui);
}

int
app_create(struct app **out, uv_loop_t *loop, const struct config *cfg,
    int flags, char **cause)
{
	struct app *app;
	struct http_config hc;
	struct airflow_config ac;
	struct src_airflow_config sc;

	app = xcalloc(1, sizeof *app);
	app->loop = loop;
	app->cfg = cfg;
	app->flags = flags;
	models_init(&app->models);
	uv_timer_init(loop, &app->msg_timer);
	app->msg_timer.data = app;

	netcfg_http_config(&hc, cfg);
	if (http_create(&app->http, loop, &hc, cause) != 0)
		goto fail;
	app->sink.cmdlog = &app->models.cmdlog;
	app->sink.audit = NULL; /* set once the audit file is open */
	http_set_trace(app->http, netcfg_trace, &app->sink);
	memset(&ac, 0, sizeof ac);
	ac.url = cfg->airflow_url != NULL ? cfg->airflow_url
					  : "http://localhost:8080";
	ac.username = cfg->airflow_username;
	ac.password = cfg->airflow_password;
	ac.token = cfg->airflow_token;
	if (airflow_create(&app->af, app->http, &ac, cause) != 0)
		goto fail;
	if (!(flags & APP_NO_SOURCES)) {
		if (audit_open(&app->audit, loop, cfg->audit_path, cause) != 0)
			goto fail;
		app->sink.audit = app->audit;
		memset(&sc, 0, sizeof sc);
		sc.refresh_ms = cfg->refresh_ms;
		sc.refresh_hidden_ms = cfg->refresh_hidden_ms;
		if (src_airflow_create(&app->src, loop, app->af, &app->models,
			&sc, cause) != 0)
			goto fail;
	}
	/* Snowflake (app_sf.c): before the screen, whose views read it. */
	app->sf = app_sf_create(app, loop, app->http, &app->models.cmdlog,
	    app->audit, !(flags & APP_NO_SOURCES));
	/* The Snowflake role's grants, in the background (app_ops.c). */
	if (!(flags & APP_NO_SOURCES))
		app_grants_refresh(app);
	if (!(flags & APP_NO_TUI)) {
		uv_signal_init(loop, &app->sig_int);
		uv_signal_init(loop, &app->sig_term);
		uv_signal_init(loop, &app->sig_hup);
		app->sig_int.data = app->sig_term.data = app->sig_hup.data =
		    app;
		uv_signal_start(&app->sig_int, app_signal_cb, SIGINT);
		uv_signal_start(&app->sig_term, app_signal_cb, SIGTERM);
		uv_signal_start(&app->sig_hup, app_signal_cb, SIGHUP);
		if (tui_create(&app->tui, loop, app, cfg->theme, cause) != 0)
			goto fail;
	}
	if (cfg->warning != NULL)
		app_message(app, 1, "%s", cfg->warning);
	*out = app;
	return 0;
fail:
	app_free(app);
	return -1;
}

static void
app_close_cb(uv_handle_t *h)
{
	(void)h;
}

static void app_denied_clear(struct app *);

void
app_free(struct app *app)
{
	if (app == NULL)
		return;
	if (app->tui != NULL) {
		tui_free(app->tui);
		app->tui = NULL;
	}
	if (app->src != NULL)
		src_airflow_free(app->src);
	app_sf_free(app->sf);
	app_ops_free(app->ops); /* operator panes (app_ops.c) */
	app->ops = NULL;
	airflow_free(app->af);
	http_free(app->http);
	audit_close(app->audit);
	if (!(app->flags & APP_NO_TUI)) {
		uv_close((uv_handle_t *)&app->sig_int, app_close_cb);
		uv_close((uv_handle_t *)&app->sig_term, app_close_cb);
		uv_close((uv_handle_t *)&app->sig_hup, app_close_cb);
	}
	uv_close((uv_handle_t *)&app->msg_timer, app_close_cb);
	/* Let every close callback run before the memory goes. */
	uv_run(app->loop, UV_RUN_DEFAULT);
	models_free(&app->models);
	app_denied_clear(app);
	free(app->message);
	free(app->busy_action);
	free(app);
}

int
app_run(struct app *app)
{
	while (!app->quit)
		uv_run(app->loop, UV_RUN_ONCE);
	return app->status;
}

/* ---- Snowflake (app_sf.c) ---- */

struct app_sf *
app_sf(struct app *app)
{
	return app->sf;
}

/* ---- end Snowflake ---- */

struct models *
app_models(struct app *app)
{
	return &app->models;
}

const struct config *
app_config(struct app *app)
{
	return app->cfg;
}

void
app_select_dag(struct app *app, const char *dag_id)
{
	if (app->src != NULL)
		src_airflow_select_dag(app->src, dag_id);
	else {
		free(app->models.sel_dag);
		app->models.sel_dag = dag_id != NULL ? xstrdup(dag_id) : NULL;
	}
}

void
app_select_run(struct app *app, const char *dag_id, const char *run_id)
{
	if (app->src != NULL)
		src_airflow_select_run(app->src, dag_id, run_id);
}

void
app_select_task(
    struct app *app, const char *task_id, int map_index, int try_number)
{
	if (app->src != NULL)
		src_airflow_select_task(
		    app->src, task_id, map_index, try_number);
}

void
app_select_xcom(struct app *app, const char *key, int map_index)
{
	if (app->src != NULL)
		src_airflow_select_xcom(app->src, key, map_index);
}

void
app_log_follow(struct app *app, int on)
{
	if (app->src != NULL)
		src_airflow_log_follow(app->src, on);
}

int
app_log_following(struct app *app)
{
	return app->src != NULL ? src_airflow_log_following(app->src) : 0;
}

void
app_set_visible(struct app *app, int visible, int focused)
{
	if (app->src != NULL)
		src_airflow_set_visible(app->src, visible, focused);
}

#define APP_DENIED_MAX 512

static int
app_target_eq(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

void
app_deny(
    struct app *app, const char *verb, const char *target, const char *reason)
{
	struct app_denial *d;
	size_t i;

	for (i = 0; i < app->ndenied; i++) {
		d = &app->denied[i];
		if (strcmp(d->verb, verb) == 0 &&
		    app_target_eq(d->target, target)) {
			free(d->reason);
			d->reason = xstrdup(reason);
			return;
		}
	}
	if (app->ndenied == APP_DENIED_MAX)
		return;
	app->denied =
	    xreallocarray(app->denied, app->ndenied + 1, sizeof *app->denied);
	d = &app->denied[app->ndenied++];
	d->verb = xstrdup(verb);
	d->target = target != NULL ? xstrdup(target) : NULL;
	d->reason = xstrdup(reason);
}

const char *
app_denied(const struct app *app, const char *verb, const char *target)
{
	const struct app_denial *d;
	size_t i;

	for (i = 0; i < app->ndenied; i++) {
		d = &app->denied[i];
		if (strcmp(d->verb, verb) == 0 &&
		    (d->target == NULL || app_target_eq(d->target, target)))
			return d->reason;
	}
	return NULL;
}

const char *
app_denied_at(
    const struct app *app, size_t i, const char **target, const char **reason)
{
	if (i >= app->ndenied)
		return NULL;
	*target = app->denied[i].target;
	*reason = app->denied[i].reason;
	return app->denied[i].verb;
}

static void
app_denied_clear(struct app *app)
{
	size_t i;

	for (i = 0; i < app->ndenied; i++) {
		free(app->denied[i].verb);
		free(app->denied[i].target);
		free(app->denied[i].reason);
	}
	free(app->denied);
	app->denied = NULL;
	app->ndenied = 0;
}

void
app_refresh_now(struct app *app)
{
	app_denied_clear(app);
	app_grants_refresh(app); /* the role's grants, read again */
	if (app->src != NULL)
		src_airflow_refresh_now(app->src);
}

int
app_validate_conf(const char *conf, char **cause)
{
	return af_conf_validate(conf, cause);
}

int
app_readonly(struct app *app)
{
	return app->cfg->readonly > 0;
}

static void
app_action_done(
    int error, const char *message, const char *body, size_t len, void *arg)
{
	struct app_action_ctx *c = arg;
	struct app *app = c->app;

	(void)body;
	(void)len;
	audit_record(app->audit, af_action_name(c->act), c->target,
	    af_action_name(c->act), error ? message : "ok");
	if (error == 403) {
		char *why = xasprintf("the Airflow user may not %s (HTTP 403); "
				      "ask an admin for the permission, then "
				      "r to try again",
		    af_action_name(c->act));

		app_deny(app, af_action_name(c->act), NULL, why);
		free(why);
	}
	cmdlog_add(&app->models.cmdlog, "action", message, error ? 1 : 0, 0);
	app_message(app, error ? 2 : 0, "%s", message);
	if (app->busy_action != NULL && strcmp(app->busy_action, c->key) == 0) {
		free(app->busy_action);
		app->busy_action = NULL;
	}
	if (!error && app->src != NULL) {
		/* Show the effect at once; a trigger selects its DAG. */
		if (c->act == AF_ACT_TRIGGER && app->models.sel_dag != NULL &&
		    strcmp(app->models.sel_dag, c->dag_id) != 0)
			src_airflow_select_dag(app->src, c->dag_id);
		/* Operator panes: focus follows the new run. */
		if (c->act == AF_ACT_TRIGGER)
			app_ops_follow_run(app, c->dag_id, body, len);
		src_airflow_refresh_now(app->src);
	}
	free(c->key);
	free(c->target);
	free(c->dag_id);
	free(c);
}

int
app_action(
    struct app *app, enum app_action act, const struct app_action_args *a)
{
	static const enum af_action map[] = {
		[APP_ACT_TRIGGER] = AF_ACT_TRIGGER,
		[APP_ACT_PAUSE] = AF_ACT_PAUSE,
		[APP_ACT_UNPAUSE] = AF_ACT_UNPAUSE,
		[APP_ACT_CLEAR] = AF_ACT_CLEAR,
		[APP_ACT_MARK_SUCCESS] = AF_ACT_MARK_SUCCESS,
		[APP_ACT_MARK_FAILED] = AF_ACT_MARK_FAILED,
	};
	struct af_action_args x;
	struct app_action_ctx *c;
	char *cause = NULL, *key;
	enum af_action fa;

	if ((size_t)act >= nitems(map))
		return -1;
	fa = map[act];
	memset(&x, 0, sizeof x);
	x.dag_id = a->dag_id;
	x.run_id = act == APP_ACT_TRIGGER ? NULL : a->run_id;
	x.task_id = a->task_id;
	x.map_index = a->map_index;
	x.conf = a->conf;
	key = af_action_target(fa, &x);
	if (app_readonly(app)) {
		app_message(app, 1, "read-only mode: %s %s refused",
		    af_action_name(fa), key);
		audit_record(app->audit, af_action_name(fa), key, "refused",
		    "read-only mode");
		free(key);
		return -1;
	}
	if (airflow_api(app->af) == 0) {
		app_message(app, 2,
		    "%s %s: not connected to Airflow yet; wait "
		    "for the status bar to show it up",
		    af_action_name(fa), key);
		free(key);
		return -1;
	}
	if (app->busy_action != NULL && strcmp(app->busy_action, key) == 0) {
		app_message(app, 1, "%s %s is already running",
		    af_action_name(fa), key);
		free(key);
		return -1;
	}
	c = xcalloc(1, sizeof *c);
	c->app = app;
	c->act = fa;
	c->key = key;
	c->target = xstrdup(key);
	c->dag_id = xstrdup(a->dag_id != NULL ? a->dag_id : "");
	if (af_action_start(app->af, fa, &x, app_action_done, c, &cause) ==
	    NULL) {
		app_message(app, 2, "%s", cause);
		free(cause);
		free(c->key);
		free(c->target);
		free(c->dag_id);
		free(c);
		return -1;
	}
	free(app->busy_action);
	app->busy_action = xstrdup(key);
	cmdlog_add(&app->models.cmdlog, "action", af_action_name(fa), -1, 0);
	app_message(app, 0, "%s %s…", af_action_name(fa), c->target);
	return 0;
}

void
app_message(struct app *app, int level, const char *fmt, ...)
{
	va_list ap;
	char *raw;

	va_start(ap, fmt);
	raw = xvasprintf(fmt, ap);
	va_end(ap);
	free(app->message);
	app->message = sanitize_dup(raw, strlen(raw), 0);
	free(raw);
	app->message_level = level;
	uv_timer_start(&app->msg_timer, app_msg_timer_cb,
	    level == 2 ? APP_MESSAGE_MS * 2 : APP_MESSAGE_MS, 0);
	if (app->tui != NULL)
		tui_redraw(app->tui);
}

const char *
app_current_message(struct app *app, int *level)
{
	if (level != NULL)
		*level = app->message_level;
	return app->message;
}

void
app_quit(struct app *app)
{
	app->quit = 1;
	uv_stop(app->loop);
}

int
app_quitting(struct app *app)
{
	return app->quit;
}

void
app_suspend(struct app *app)
{
	if (app->tui != NULL)
		tui_suspend(app->tui);
}

/* ---- Operator panes (app_ops.c): what they need from the app. ---- */

struct app_ops **
app_ops_slot(struct app *app)
{
	return &app->ops;
}

uv_loop_t *
app_loop(struct app *app)
{
	return app->loop;
}

struct http *
app_http(struct app *app)
{
	return app->http;
}

struct airflow *
app_airflow(struct app *app)
{
	return app->af;
}

struct audit *
app_audit(struct app *app)
{
	return app->audit;
}
void
app_ops_follow_run(
    struct app *app, const char *dag_id, const char *body, size_t len)
{
	char *run_id = app_ops_run_id(body, len);

	if (run_id != NULL && app->src != NULL)
		src_airflow_select_run(app->src, dag_id, run_id);
	free(run_id);
}
/* ---- end of operator panes ---- */
