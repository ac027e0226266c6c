/*
 * The Tasks pane: the task instances of the selected run: state, task id,
 * map index, try, operator, duration. Enter shows the task's XCom and log;
 * c clears it (it runs again), s and F mark it success or failed, each
 * asking first.
 */

#include "view.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "keymap.h"
#include "list.h"
#include "model.h"
#include "theme.h"
#include "tui_draw.h"
#include "tui_ext.h"
#include "util.h"
#include "view_act.h"

enum { TASKS_STATE, TASKS_ID, TASKS_MAP, TASKS_TRY, TASKS_OP, TASKS_DUR };

static const struct list_column view_tasks_cols[] = {
	[TASKS_STATE] = { .title = "STATE", .min = 11 },
	[TASKS_ID] = { .title = "TASK", .min = 14, .grow = 3 },
	[TASKS_MAP] = { .title = "MAP",
	    .min = 3,
	    .drop = 4,
	    .flags = LIST_RIGHT },
	[TASKS_TRY] = { .title = "TRY",
	    .min = 3,
	    .drop = 2,
	    .flags = LIST_RIGHT },
	[TASKS_OP] = { .title = "OPERATOR",
	    .min = 10,
	    .max = 28,
	    .grow = 1,
	    .drop = 3 },
	[TASKS_DUR] = { .title = "DURATION",
	    .min = 8,
	    .drop = 1,
	    .flags = LIST_RIGHT },
};

struct view_tasks {
	struct app *app;
	struct models *m;
	struct list list;
	uint64_t seen;
};

static size_t
view_tasks_count(void *arg)
{
	struct view_tasks *d = arg;

	return d->m->tis.n;
}

static double
view_tasks_duration(const struct af_ti *t)
{
	if (t->duration >= 0 && (t->end_date > 0 || t->start_date <= 0))
		return t->duration;
	if (t->start_date > 0 && t->end_date <= 0 &&
	    !af_state_finished(t->state))
		return tui_now() - t->start_date;
	if (t->start_date > 0 && t->end_date > 0)
		return t->end_date - t->start_date;
	return -1;
}

static void
view_tasks_cell(void *arg, size_t row, int col, char *buf, size_t len)
{
	struct view_tasks *d = arg;
	const struct af_ti *t = &d->m->tis.v[row];

	switch (col) {
	case TASKS_STATE:
		view_state_text(t->state, buf, len);
		break;
	case TASKS_ID:
		snprintf(buf, len, "%s", t->task_id);
		break;
	case TASKS_MAP:
		if (t->map_index >= 0)
			snprintf(buf, len, "%d", t->map_index);
		else
			snprintf(buf, len, "-");
		break;
	case TASKS_TRY:
		snprintf(buf, len, "%d", t->try_number);
		break;
	case TASKS_OP:
		snprintf(buf, len, "%s", t->operator != NULL ? t->operator : "");
		break;
	case TASKS_DUR:
		tui_fmt_dur(view_tasks_duration(t), buf, len);
		break;
	}
}

static int
view_tasks_attr(void *arg, size_t row, int col)
{
	struct view_tasks *d = arg;

	if (col == TASKS_STATE)
		return (int)theme_state_slot(d->m->tis.v[row].state);
	return -1;
}

static void
view_tasks_id(void *arg, size_t row, char *buf, size_t len)
{
	struct view_tasks *d = arg;

	snprintf(buf, len, "%s\x1f%d", d->m->tis.v[row].task_id,
	    d->m->tis.v[row].map_index);
}

static int
view_tasks_cmp(void *arg, int col, size_t a, size_t b)
{
	struct view_tasks *d = arg;
	const struct af_ti *x = &d->m->tis.v[a], *y = &d->m->tis.v[b];
	double p, q;

	switch (col) {
	case TASKS_STATE:
		return (int)x->state - (int)y->state;
	case TASKS_MAP:
		return x->map_index - y->map_index;
	case TASKS_TRY:
		return x->try_number - y->try_number;
	case TASKS_OP:
		return strcmp(x->operator != NULL ? x->operator : "",
		    y->operator != NULL ? y->operator : "");
	case TASKS_DUR:
		p = view_tasks_duration(x);
		q = view_tasks_duration(y);
		return p < q ? -1 : p > q;
	default:
		return strcmp(x->task_id, y->task_id);
	}
}

static const struct list_ops view_tasks_list_ops = {
	.count = view_tasks_count,
	.cell = view_tasks_cell,
	.attr = view_tasks_attr,
	.id = view_tasks_id,
	.cmp = view_tasks_cmp,
};

static int
view_tasks_init(struct view *v, struct app *app, char **cause)
{
	struct view_tasks *d = xcalloc(1, sizeof *d);

	(void)cause;
	d->app = app;
	d->m = app_models(app);
	list_init(&d->list, view_tasks_cols, (int)nitems(view_tasks_cols),
	    &view_tasks_list_ops, d);
	d->list.empty = "select a run (Enter in Runs)";
	v->data = d;
	return 0;
}

static void
view_tasks_free(struct view *v)
{
	struct view_tasks *d = v->data;

	list_free(&d->list);
	free(d);
}

static void
view_tasks_sync(struct view_tasks *d)
{
	if (d->seen != d->m->tis.gen) {
		d->seen = d->m->tis.gen;
		list_refresh(&d->list);
	}
	d->list.empty = d->m->sel_run != NULL ? "loading task instances"
					      : "select a run (Enter in Runs)";
}

static int
view_tasks_stale(const struct view *v)
{
	const struct view_tasks *d = v->data;

	return d->seen != d->m->tis.gen;
}

static int
view_tasks_ticks(const struct view *v)
{
	const struct view_tasks *d = v->data;
	size_t i;

	for (i = 0; i < d->m->tis.n; i++) {
		if (d->m->tis.v[i].start_date > 0 &&
		    d->m->tis.v[i].end_date <= 0 &&
		    !af_state_finished(d->m->tis.v[i].state))
			return 1;
	}
	return 0;
}

static void
view_tasks_draw(struct view *v, WINDOW *win)
{
	struct view_tasks *d = v->data;

	view_tasks_sync(d);
	list_draw(&d->list, win, 0, 0, getmaxy(win), getmaxx(win),
	    (v->flags & VIEW_FOCUSED) != 0);
}

static int
view_tasks_key(struct view *v, int key)
{
	struct view_tasks *d = v->data;
	const struct af_ti *t = NULL;
	struct app_action_args a;
	enum keymap_action ka;
	size_t row;

	view_tasks_sync(d);
	if (list_key(&d->list, key) != LIST_IGNORED)
		return VIEW_HANDLED;
	if (list_selected(&d->list, &row) == 0 && row < d->m->tis.n)
		t = &d->m->tis.v[row];
	memset(&a, 0, sizeof a);
	a.dag_id = d->m->sel_run_dag;
	a.run_id = d->m->sel_run;
	a.task_id = t != NULL ? t->task_id : NULL;
	a.map_index = t != NULL ? t->map_index : -1;
	ka = keymap_lookup(KM_TASKS, key);
	switch (ka) {
	case KA_SELECT:
		if (t == NULL)
			return VIEW_HANDLED;
		app_select_task(d->app, t->task_id, t->map_index, 0);
		return VIEW_HANDLED | VIEW_DRILL;
	case KA_CLEAR:
		return view_act_ask(v, APP_ACT_CLEAR, &a);
	case KA_MARK_SUCCESS:
		return view_act_ask(v, APP_ACT_MARK_SUCCESS, &a);
	case KA_MARK_FAILED:
		return view_act_ask(v, APP_ACT_MARK_FAILED, &a);
	default:
		return VIEW_IGNORED;
	}
}

static void
view_tasks_caption(const struct view *v, char *buf, size_t len)
{
	const struct view_tasks *d = v->data;
	char n[PROMPT_MAX + 32];

	if (d->m->sel_run == NULL)
		snprintf(buf, len, "(%s)", list_status(&d->list, n, sizeof n));
	else
		snprintf(buf, len, "(%s) %s",
		    list_status(&d->list, n, sizeof n), d->m->sel_run);
}

const struct view_ops view_tasks_ops = {
	.name = "tasks",
	.alias = "t",
	.title = "Tasks",
	.pane = APP_PANE_TASKS,
	.init = view_tasks_init,
	.free = view_tasks_free,
	.stale = view_tasks_stale,
	.draw = view_tasks_draw,
	.key = view_tasks_key,
	.caption = view_tasks_caption,
	.ticks = view_tasks_ticks,
	.km_ctx = KM_TASKS,
	.km_widget = KM_LIST,
};
