/*
 * The Runs pane: the runs of the selected DAG, or of every DAG, newest
 * first: state, run id, run type, logical, start and end dates, duration
 * (a running run's duration moves with the clock). Enter shows the run's
 * task instances; a shows the runs of every DAG; t and T trigger the DAG.
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

enum {
	RUNS_STATE,
	RUNS_DAG,
	RUNS_ID,
	RUNS_TYPE,
	RUNS_LOGICAL,
	RUNS_START,
	RUNS_END,
	RUNS_DURATION
};

static const struct list_column view_runs_cols[] = {
	[RUNS_STATE] = { .title = "STATE", .min = 11 },
	[RUNS_DAG] = { .title = "DAG",
	    .min = 12,
	    .max = 30,
	    .grow = 1,
	    .drop = 6 },
	[RUNS_ID] = { .title = "RUN ID", .min = 18, .grow = 3 },
	[RUNS_TYPE] = { .title = "TYPE", .min = 9, .drop = 4 },
	[RUNS_LOGICAL] = { .title = "LOGICAL DATE",
	    .min = 8,
	    .max = 19,
	    .grow = 1,
	    .drop = 5 },
	[RUNS_START] = { .title = "START",
	    .min = 8,
	    .max = 19,
	    .grow = 1,
	    .drop = 2 },
	[RUNS_END] = { .title = "END",
	    .min = 8,
	    .max = 19,
	    .grow = 1,
	    .drop = 3 },
	[RUNS_DURATION] = { .title = "DURATION",
	    .min = 8,
	    .drop = 1,
	    .flags = LIST_RIGHT },
};

/* The same columns without the DAG one, for the runs of one DAG. */
static struct list_column view_runs_cols_one[nitems(view_runs_cols)];

struct view_runs {
	struct app *app;
	struct models *m;
	struct list list;
	uint64_t seen;
	int auto_done;          /* the newest run was selected for a start */
	char followed[LIST_ID]; /* the selected run the list moved to */
};

static size_t
view_runs_count(void *arg)
{
	struct view_runs *d = arg;

	return d->m->runs.n;
}

/* A run's duration: end - start, or now - start while it runs. */
static double
view_runs_duration(const struct af_run *r)
{
	if (r->start_date <= 0)
		return -1;
	if (r->end_date > 0)
		return r->end_date - r->start_date;
	if (af_state_finished(r->state))
		return -1;
	return tui_now() - r->start_date;
}

static void
view_runs_cell(void *arg, size_t row, int col, char *buf, size_t len)
{
	struct view_runs *d = arg;
	const struct af_run *r = &d->m->runs.v[row];
	double now = tui_now();

	switch (col) {
	case RUNS_STATE:
		view_state_text(r->state, buf, len);
		break;
	case RUNS_DAG:
		snprintf(buf, len, "%s", r->dag_id);
		break;
	case RUNS_ID:
		snprintf(buf, len, "%s", r->run_id);
		break;
	case RUNS_TYPE:
		snprintf(
		    buf, len, "%s", r->run_type != NULL ? r->run_type : "");
		break;
	case RUNS_LOGICAL:
		tui_fmt_time(
		    r->logical_date > 0 ? r->logical_date : r->run_after, now,
		    buf, len);
		break;
	case RUNS_START:
		tui_fmt_time(r->start_date, now, buf, len);
		break;
	case RUNS_END:
		tui_fmt_time(r->end_date, now, buf, len);
		break;
	case RUNS_DURATION:
		tui_fmt_dur(view_runs_duration(r), buf, len);
		break;
	}
}

static int
view_runs_attr(void *arg, size_t row, int col)
{
	struct view_runs *d = arg;

	if (col == RUNS_STATE)
		return (int)theme_state_slot(d->m->runs.v[row].state);
	return -1;
}

static void
view_runs_id(void *arg, size_t row, char *buf, size_t len)
{
	struct view_runs *d = arg;

	snprintf(buf, len, "%s\x1f%s", d->m->runs.v[row].dag_id,
	    d->m->runs.v[row].run_id);
}

static int
view_runs_dcmp(double a, double b)
{
	return a < b ? -1 : a > b;
}

static int
view_runs_cmp(void *arg, int col, size_t a, size_t b)
{
	struct view_runs *d = arg;
	const struct af_run *x = &d->m->runs.v[a], *y = &d->m->runs.v[b];

	switch (col) {
	case RUNS_STATE:
		return (int)x->state - (int)y->state;
	case RUNS_DAG:
		return strcmp(x->dag_id, y->dag_id);
	case RUNS_TYPE:
		return strcmp(x->run_type != NULL ? x->run_type : "",
		    y->run_type != NULL ? y->run_type : "");
	case RUNS_LOGICAL:
		return view_runs_dcmp(x->logical_date, y->logical_date);
	case RUNS_START:
		return view_runs_dcmp(x->start_date, y->start_date);
	case RUNS_END:
		return view_runs_dcmp(x->end_date, y->end_date);
	case RUNS_DURATION:
		return view_runs_dcmp(
		    view_runs_duration(x), view_runs_duration(y));
	default:
		return strcmp(x->run_id, y->run_id);
	}
}

static const struct list_ops view_runs_list_ops = {
	.count = view_runs_count,
	.cell = view_runs_cell,
	.attr = view_runs_attr,
	.id = view_runs_id,
	.cmp = view_runs_cmp,
};

static int
view_runs_init(struct view *v, struct app *app, char **cause)
{
	struct view_runs *d = xcalloc(1, sizeof *d);

	(void)cause;
	memcpy(view_runs_cols_one, view_runs_cols, sizeof view_runs_cols);
	view_runs_cols_one[RUNS_DAG].min = 0;
	view_runs_cols_one[RUNS_DAG].grow = 0;
	d->app = app;
	d->m = app_models(app);
	list_init(&d->list, view_runs_cols, (int)nitems(view_runs_cols),
	    &view_runs_list_ops, d);
	d->list.empty = "no runs";
	v->data = d;
	return 0;
}

static void
view_runs_free(struct view *v)
{
	struct view_runs *d = v->data;

	list_free(&d->list);
	free(d);
}

static void
view_runs_sync(struct view_runs *d)
{
	size_t row;

	if (d->seen != d->m->runs.gen) {
		d->seen = d->m->runs.gen;
		list_refresh(&d->list);
	}
	/* A run selected elsewhere (a trigger's new run): the list moves to
	 * it once it is listed. */
	if (d->m->sel_run != NULL && d->m->sel_run_dag != NULL) {
		char id[LIST_ID];

		snprintf(id, sizeof id, "%s\x1f%s", d->m->sel_run_dag,
		    d->m->sel_run);
		if (strcmp(id, d->followed) != 0 &&
		    list_select_id(&d->list, id) == 0)
			snprintf(d->followed, sizeof d->followed, "%s", id);
	}
	/* At start nothing is selected: show the newest run's tasks, so
	 * every pane has something to show; Enter picks another. */
	if (!d->auto_done && d->m->sel_run == NULL &&
	    list_selected(&d->list, &row) == 0 && row < d->m->runs.n) {
		d->auto_done = 1;
		app_select_run(
		    d->app, d->m->runs.v[row].dag_id, d->m->runs.v[row].run_id);
	}
}

static int
view_runs_stale(const struct view *v)
{
	const struct view_runs *d = v->data;

	return d->seen != d->m->runs.gen;
}

/* Whether any run on screen is running (its duration moves). */
static int
view_runs_ticks(const struct view *v)
{
	const struct view_runs *d = v->data;
	size_t i, row;

	for (i = d->list.top;
	     i < d->list.nshown && i < d->list.top + (size_t)d->list.page;
	     i++) {
		row = d->list.map != NULL ? d->list.map[i] : i;
		if (row < d->m->runs.n && d->m->runs.v[row].start_date > 0 &&
		    d->m->runs.v[row].end_date <= 0 &&
		    !af_state_finished(d->m->runs.v[row].state))
			return 1;
	}
	return 0;
}

static void
view_runs_draw(struct view *v, WINDOW *win)
{
	struct view_runs *d = v->data;
	const struct list_column *cols;

	view_runs_sync(d);
	/* The DAG column only when the runs of every DAG are shown. */
	cols = d->m->sel_dag != NULL ? view_runs_cols_one : view_runs_cols;
	if (d->list.cols != cols) {
		d->list.cols = cols;
		d->list.lay_width = -1;
	}
	list_draw(&d->list, win, 0, 0, getmaxy(win), getmaxx(win),
	    (v->flags & VIEW_FOCUSED) != 0);
}

static int
view_runs_key(struct view *v, int key)
{
	struct view_runs *d = v->data;
	const struct af_run *r = NULL;
	struct app_action_args a;
	size_t row;

	view_runs_sync(d);
	if (list_key(&d->list, key) != LIST_IGNORED)
		return VIEW_HANDLED;
	if (list_selected(&d->list, &row) == 0 && row < d->m->runs.n)
		r = &d->m->runs.v[row];
	memset(&a, 0, sizeof a);
	a.map_index = -1;
	a.dag_id = r != NULL ? r->dag_id : d->m->sel_dag;
	switch (keymap_lookup(KM_RUNS, key)) {
	case KA_SELECT:
		if (r == NULL)
			return VIEW_HANDLED;
		app_select_run(d->app, r->dag_id, r->run_id);
		return VIEW_HANDLED | VIEW_DRILL;
	case KA_ALL_DAGS:
		app_select_dag(d->app, NULL);
		app_message(d->app, 0, "runs of every DAG");
		return VIEW_HANDLED;
	case KA_TRIGGER:
		return view_act_ask(v, APP_ACT_TRIGGER, &a);
	case KA_TRIGGER_CONF:
		return view_act_trigger_conf(v, a.dag_id);
	default:
		return VIEW_IGNORED;
	}
}

static void
view_runs_caption(const struct view *v, char *buf, size_t len)
{
	const struct view_runs *d = v->data;
	char n[PROMPT_MAX + 32];

	/* The count first: a long scope is what gets clipped. */
	snprintf(buf, len, "(%s%s) %s", list_status(&d->list, n, sizeof n),
	    d->m->runs.complete || d->m->runs.n == 0 ? "" : "+",
	    d->m->sel_dag != NULL ? d->m->sel_dag : "all DAGs");
}

const struct view_ops view_runs_ops = {
	.name = "runs",
	.alias = "r",
	.title = "Runs",
	.pane = APP_PANE_RUNS,
	.init = view_runs_init,
	.free = view_runs_free,
	.stale = view_runs_stale,
	.draw = view_runs_draw,
	.key = view_runs_key,
	.caption = view_runs_caption,
	.ticks = view_runs_ticks,
	.km_ctx = KM_RUNS,
	.km_widget = KM_LIST,
};
