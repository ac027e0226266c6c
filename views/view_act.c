/* Confirmation dialogs for operator actions, and the state cell. */

#include "view_act.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "app.h"
#include "dialog.h"
#include "sanitize.h"
#include "model.h"
#include "util.h"
#include "view.h"

struct view_act {
	struct app *app;
	struct view *view; /* the asking view (dialog owner) */
	enum app_action act;
	char *dag_id, *run_id, *task_id, *conf;
	int map_index;
	int unpause; /* trigger form: unpause the DAG first */
};

void
view_state_text(int state, char *buf, size_t len)
{
	snprintf(buf, len, "%c %s", af_state_glyph((enum af_state)state),
	    af_state_name((enum af_state)state));
}

static const char *
view_act_verb(enum app_action act)
{
	switch (act) {
	case APP_ACT_TRIGGER:
		return "trigger";
	case APP_ACT_PAUSE:
		return "pause";
	case APP_ACT_UNPAUSE:
		return "unpause";
	case APP_ACT_CLEAR:
		return "clear";
	case APP_ACT_MARK_SUCCESS:
		return "mark success";
	case APP_ACT_MARK_FAILED:
		return "mark failed";
	}
	return "?";
}

static void
view_act_free(struct view_act *c)
{
	free(c->dag_id);
	free(c->run_id);
	free(c->task_id);
	free(c->conf);
	free(c);
}

static void
view_act_done(void *arg, int result, const char *text)
{
	struct view_act *c = arg;
	struct app_action_args a;

	(void)text;
	if (result == DIALOG_CONFIRM) {
		memset(&a, 0, sizeof a);
		a.dag_id = c->dag_id;
		a.run_id = c->run_id;
		a.task_id = c->task_id;
		a.map_index = c->map_index;
		a.conf = c->conf;
		if (c->unpause && c->act == APP_ACT_TRIGGER)
			app_action(c->app, APP_ACT_UNPAUSE, &a);
		app_action(c->app, c->act, &a);
	} else if (result == DIALOG_CANCEL)
		app_message(c->app, 0, "%s cancelled", view_act_verb(c->act));
	view_act_free(c);
}

static struct view_act *
view_act_new(
    struct view *v, enum app_action act, const struct app_action_args *a)
{
	struct view_act *c = xcalloc(1, sizeof *c);

	c->app = v->app;
	c->view = v;
	c->act = act;
	c->dag_id = a->dag_id != NULL ? xstrdup(a->dag_id) : NULL;
	c->run_id = a->run_id != NULL ? xstrdup(a->run_id) : NULL;
	c->task_id = a->task_id != NULL ? xstrdup(a->task_id) : NULL;
	c->conf = a->conf != NULL && *a->conf != '\0' ? xstrdup(a->conf) : NULL;
	c->map_index = a->map_index;
	return c;
}

/* The conf as the dialog shows it: compact, secrets masked, sanitized. */
static char *
view_act_conf_shown(const char *conf)
{
	cJSON *j;
	char *flat, *out;

	if (conf == NULL)
		return xstrdup("{}");
	if ((j = cJSON_Parse(conf)) == NULL)
		return xstrdup("(invalid JSON)");
	redact_json_tree(j);
	flat = cJSON_PrintUnformatted(j);
	cJSON_Delete(j);
	if (flat == NULL)
		return xstrdup("?");
	out = sanitize_dup(flat, strlen(flat), 0);
	cJSON_free(flat);
	return out;
}

static void
view_act_open(struct view *v, struct view_act *c)
{
	struct buf msg;
	char title[64], *shown;

	buf_init(&msg);
	buf_printf(&msg, "DAG   %s", c->dag_id);
	if (c->run_id != NULL && c->act != APP_ACT_TRIGGER)
		buf_printf(&msg, "\nrun   %s", c->run_id);
	if (c->task_id != NULL) {
		buf_printf(&msg, "\ntask  %s", c->task_id);
		if (c->map_index >= 0)
			buf_printf(&msg, " [%d]", c->map_index);
	}
	if (c->act == APP_ACT_TRIGGER) {
		shown = view_act_conf_shown(c->conf);
		buf_printf(&msg, "\nconf  %s", shown);
		free(shown);
		if (c->unpause)
			buf_adds(&msg, "\nunpause the DAG first: yes");
	}
	buf_adds(&msg, "\n\ny confirm, n cancel");
	snprintf(title, sizeof title, "%s?", view_act_verb(c->act));
	dialog_confirm(
	    v, title, msg.data, view_act_verb(c->act), view_act_done, c);
	buf_free(&msg);
}

/* The verb the server's refusals are recorded under (app_deny). */
static const char *
view_act_key(enum app_action act)
{
	static const char *const keys[] = { [APP_ACT_TRIGGER] = "trigger",
		[APP_ACT_PAUSE] = "pause",
		[APP_ACT_UNPAUSE] = "unpause",
		[APP_ACT_CLEAR] = "clear",
		[APP_ACT_MARK_SUCCESS] = "mark-success",
		[APP_ACT_MARK_FAILED] = "mark-failed" };

	return (size_t)act < nitems(keys) ? keys[act] : "?";
}

static int
view_act_refused(struct view *v, enum app_action act)
{
	const char *why;

	if (app_readonly(v->app)) {
		app_message(v->app, 1, "read-only mode: %s is disabled",
		    view_act_verb(act));
		return 1;
	}
	if ((why = app_denied(v->app, view_act_key(act), NULL)) != NULL) {
		app_message(
		    v->app, 1, "%s is disabled: %s", view_act_verb(act), why);
		return 1;
	}
	return 0;
}

int
view_act_ask(
    struct view *v, enum app_action act, const struct app_action_args *a)
{
	if (view_act_refused(v, act))
		return VIEW_HANDLED;
	if (a->dag_id == NULL ||
	    ((act == APP_ACT_CLEAR || act == APP_ACT_MARK_SUCCESS ||
		 act == APP_ACT_MARK_FAILED) &&
		(a->run_id == NULL || a->task_id == NULL))) {
		app_message(v->app, 1, "%s: nothing selected: move to a row",
		    view_act_verb(act));
		return VIEW_HANDLED;
	}
	/* Connected to Airflow: the trigger form from the DAG's params. */
	if (act == APP_ACT_TRIGGER && view_act_trigger_form(v, a->dag_id) == 0)
		return VIEW_HANDLED | VIEW_REDRAW;
	view_act_open(v, view_act_new(v, act, a));
	return VIEW_HANDLED | VIEW_REDRAW;
}

void
view_act_trigger_confirm(
    struct view *v, const char *dag_id, const char *conf, int unpause)
{
	struct app_action_args a;
	struct view_act *c;

	memset(&a, 0, sizeof a);
	a.dag_id = dag_id;
	a.map_index = -1;
	a.conf = conf;
	c = view_act_new(v, APP_ACT_TRIGGER, &a);
	c->unpause = unpause;
	view_act_open(v, c);
}

static void
view_act_conf_done(void *arg, int result, const char *text)
{
	struct view_act *c = arg;

	if (result != DIALOG_CONFIRM) {
		if (result == DIALOG_CANCEL)
			app_message(c->app, 0, "trigger cancelled");
		view_act_free(c);
		return;
	}
	c->conf = text != NULL && *text != '\0' ? xstrdup(text) : NULL;
	/* The editor has closed; the confirmation opens in its place. */
	view_act_open(c->view, c);
}

int
view_act_trigger_conf(struct view *v, const char *dag_id)
{
	struct app_action_args a;
	struct view_act *c;

	if (view_act_refused(v, APP_ACT_TRIGGER))
		return VIEW_HANDLED;
	if (dag_id == NULL) {
		app_message(v->app, 1, "trigger: no DAG selected");
		return VIEW_HANDLED;
	}
	memset(&a, 0, sizeof a);
	a.dag_id = dag_id;
	a.map_index = -1;
	c = view_act_new(v, APP_ACT_TRIGGER, &a);
	dialog_editor(v, "trigger with conf",
	    "a JSON object; Ctrl-S checks it and goes on, Esc cancels", "{\n}",
	    "next", app_validate_conf, view_act_conf_done, c);
	return VIEW_HANDLED | VIEW_REDRAW;
}
