/*
 * The view registry: the one place that names every view (after tmux's
 * cmd_table), and the thin dispatchers of view.h.
 *
 * Adding a view takes one new file and one line here:
 *
 *   1. views/view_<name>.c defines `const struct view_ops view_<name>_ops`
 *      with at least .name, .title, .init, .free and .draw (see
 *      views/view_cmdlog.c for a small list view to copy). Leave .pane 0
 *      unless the view stands for one of the Airflow panes: a view without
 *      a pane opens as a full-screen page from the ':' command line
 *      (":<name>" or ":<alias>", Tab completes).
 *   2. Declare it below with the other externs and add `&view_<name>_ops`
 *      to view_registry[] (before the NULL).
 *
 * Views draw only from models (model.h), never do I/O, and use the one
 * list widget (list.h) for tables and the text widget (textview.h) for
 * text. The Makefile picks the file up by itself (views/ *.c).
 */

#include "view.h"

#include <assert.h>
#include <stdio.h>
#include <string.h>

extern const struct view_ops view_dags_ops;
extern const struct view_ops view_runs_ops;
extern const struct view_ops view_tasks_ops;
extern const struct view_ops view_grid_ops;
extern const struct view_ops view_xcom_ops;
extern const struct view_ops view_log_ops;
extern const struct view_ops view_cmdlog_ops;
extern const struct view_ops view_help_ops;
extern const struct view_ops view_stages_ops;
extern const struct view_ops view_xcomtable_ops;
extern const struct view_ops view_doctor_ops;
extern const struct view_ops view_jobs_ops;
extern const struct view_ops view_setup_ops;
extern const struct view_ops view_services_ops;

const struct view_ops *const view_registry[] = {
	&view_dags_ops,
	&view_runs_ops,
	&view_tasks_ops,
	&view_grid_ops,
	&view_xcom_ops,
	&view_log_ops,
	&view_cmdlog_ops,
	&view_help_ops,
	&view_stages_ops,
	&view_xcomtable_ops,
	&view_doctor_ops,
	&view_jobs_ops,
	&view_setup_ops,
	&view_services_ops,
	NULL,
};

const struct view_ops *
view_lookup(const char *name)
{
	size_t i;

	if (name == NULL)
		return NULL;
	for (i = 0; view_registry[i] != NULL; i++) {
		if (strcmp(view_registry[i]->name, name) == 0)
			return view_registry[i];
	}
	for (i = 0; view_registry[i] != NULL; i++) {
		if (view_registry[i]->alias != NULL &&
		    strcmp(view_registry[i]->alias, name) == 0)
			return view_registry[i];
	}
	return NULL;
}

int
view_create(
    struct view *v, const struct view_ops *ops, struct app *app, char **cause)
{
	assert(ops != NULL && ops->init != NULL);
	memset(v, 0, sizeof *v);
	v->ops = ops;
	v->app = app;
	v->flags = VIEW_DIRTY;
	if (ops->init(v, app, cause) != 0) {
		v->ops = NULL;
		return -1;
	}
	return 0;
}

void
view_destroy(struct view *v)
{
	if (v->ops == NULL)
		return;
	if (v->ops->free != NULL)
		v->ops->free(v);
	v->ops = NULL;
	v->data = NULL;
}

void
view_draw(struct view *v, WINDOW *win)
{
	assert(v->ops != NULL && v->ops->draw != NULL);
	v->ops->draw(v, win);
	v->flags &= ~VIEW_DIRTY;
}

int
view_key(struct view *v, int key)
{
	if (v->ops == NULL || v->ops->key == NULL)
		return VIEW_IGNORED;
	return v->ops->key(v, key);
}

int
view_stale(const struct view *v)
{
	if (v->ops == NULL || v->ops->stale == NULL)
		return 0;
	return v->ops->stale(v);
}

const char *
view_caption(const struct view *v, char *buf, size_t len)
{
	if (len > 0)
		buf[0] = '\0';
	if (v->ops != NULL && v->ops->caption != NULL && len > 0)
		v->ops->caption(v, buf, len);
	return buf;
}

int
view_ticks(const struct view *v)
{
	return v->ops != NULL && v->ops->ticks != NULL && v->ops->ticks(v);
}
