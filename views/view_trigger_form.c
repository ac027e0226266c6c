/*
 * The trigger form built from a DAG's params (view_act.h): fetched with
 * app_dag_params(), laid out by params_form.h in the dialog's editor,
 * validated with af_params_conf_from_form() on Ctrl-S (an error shows
 * inline and nothing is sent), then the usual confirmation. The raw JSON
 * conf editor (T) stays as it was.
 */

#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "app_ops.h"
#include "dialog.h"
#include "params.h"
#include "params_form.h"
#include "util.h"
#include "view.h"
#include "view_act.h"

struct view_tf {
	struct view *v;
	char *dag_id;
	struct af_params ps;
	int paused;
};

/* The open form (dialogs are process-wide: one at a time). */
static struct view_tf *view_tf_open;

static void
view_tf_free(struct view_tf *f)
{
	if (view_tf_open == f)
		view_tf_open = NULL;
	af_params_free(&f->ps);
	free(f->dag_id);
	free(f);
}

/* The form's text to a conf; 0 or -1 with *cause. */
static int
view_tf_conf(struct view_tf *f, const char *text, char **conf, int *unpause,
    char **cause)
{
	char **vals;
	int rc;

	if (af_params_form_parse(
		&f->ps, text, strlen(text), &vals, unpause, cause) != 0)
		return -1;
	rc = af_params_conf_from_form(
	    &f->ps, (const char *const *)vals, conf, cause);
	af_params_form_values_free(vals, f->ps.n);
	return rc;
}

static int
view_tf_validate(const char *text, char **cause)
{
	char *conf = NULL;
	int unpause;

	if (view_tf_open == NULL) {
		*cause = xstrdup("the form is gone: press Esc");
		return -1;
	}
	if (view_tf_conf(view_tf_open, text, &conf, &unpause, cause) != 0)
		return -1;
	free(conf);
	return 0;
}

static void
view_tf_done(void *arg, int result, const char *text)
{
	struct view_tf *f = arg;
	char *conf = NULL, *cause = NULL;
	int unpause = 0;

	if (result == DIALOG_CONFIRM && text != NULL) {
		if (view_tf_conf(f, text, &conf, &unpause, &cause) == 0)
			view_act_trigger_confirm(
			    f->v, f->dag_id, conf, unpause);
		else {
			app_message(f->v->app, 2, "%s", cause);
			free(cause);
		}
		free(conf);
	} else if (result == DIALOG_CANCEL)
		app_message(f->v->app, 0, "trigger cancelled");
	view_tf_free(f);
}

static void
view_tf_params(struct app *app, const char *dag_id, struct af_params *ps,
    int paused, const char *error, void *arg)
{
	struct view *v = arg;
	struct view_tf *f;
	char *form, title[300];

	if (error != NULL || ps == NULL || ps->n == 0) {
		/* No params (or none readable): the plain confirmation. */
		if (error != NULL)
			app_message(
			    app, 1, "%s; triggering without the form", error);
		if (ps != NULL)
			af_params_free(ps);
		view_act_trigger_confirm(v, dag_id, NULL, 0);
		return;
	}
	f = xcalloc(1, sizeof *f);
	f->v = v;
	f->dag_id = xstrdup(dag_id);
	f->ps = *ps;
	f->paused = paused;
	view_tf_open = f;
	form = af_params_form_text(&f->ps, paused);
	snprintf(title, sizeof title, "trigger %s", dag_id);
	dialog_editor(v, title,
	    "edit the values; Ctrl-S checks them and goes on, Esc cancels",
	    form, "next", view_tf_validate, view_tf_done, f);
	free(form);
}

int
view_act_trigger_form(struct view *v, const char *dag_id)
{
	if (app_dag_params(v->app, dag_id, view_tf_params, v) != 0)
		return -1;
	app_message(v->app, 0, "reading the params of %s…", dag_id);
	return 0;
}
