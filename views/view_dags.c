/*
 * The DAGs pane: every DAG with its last run state, whether it is paused,
 * its tags, schedule and next run. Enter shows its runs and grid; t, T and
 * p trigger, trigger with a conf, pause or unpause it (asking first).
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

enum { DAGS_STATE, DAGS_ID, DAGS_PAUSED, DAGS_TAGS, DAGS_SCHEDULE, DAGS_NEXT };

static const struct list_column view_dags_cols[] = {
	[DAGS_STATE] = { .title = "LAST RUN", .min = 11, .drop = 0 },
	[DAGS_ID] = { .title = "DAG", .min = 20, .grow = 3 },
	[DAGS_PAUSED] = { .title = "PAUSED", .min = 6, .drop = 2 },
	[DAGS_TAGS] = { .title = "TAGS",
	    .min = 10,
	    .grow = 1,
	    .max = 30,
	    .drop = 4 },
	[DAGS_SCHEDULE] = { .title = "SCHEDULE",
	    .min = 10,
	    .max = 20,
	    .grow = 1,
	    .drop = 5 },
	[DAGS_NEXT] = { .title = "NEXT RUN",
	    .min = 8,
	    .max = 19,
	    .grow = 1,
	    .drop = 3 },
};

struct view_dags {
	struct app *app;
	struct models *m;
	struct list list;
	uint64_t seen;
};

static size_t
view_dags_count(void *arg)
{
	struct view_dags *d = arg;

	return d->m->dags.n;
}

static void
view_dags_cell(void *arg, size_t row, int col, char *buf, size_t len)
{
	struct view_dags *d = arg;
	const struct af_dag *g = &d->m->dags.v[row];

	switch (col) {
	case DAGS_STATE:
		view_state_text(g->last_state, buf, len);
		break;
	case DAGS_ID:
		snprintf(buf, len, "%s", g->dag_id);
		break;
	case DAGS_PAUSED:
		snprintf(buf, len, "%s", g->paused ? "paused" : "");
		break;
	case DAGS_TAGS:
		snprintf(buf, len, "%s", g->tags != NULL ? g->tags : "");
		break;
	case DAGS_SCHEDULE:
		snprintf(
		    buf, len, "%s", g->schedule != NULL ? g->schedule : "");
		break;
	case DAGS_NEXT:
		tui_fmt_time(g->next_run, tui_now(), buf, len);
		break;
	}
}

static int
view_dags_attr(void *arg, size_t row, int col)
{
	struct view_dags *d = arg;

	if (col == DAGS_STATE)
		return (int)theme_state_slot(d->m->dags.v[row].last_state);
	if (col == DAGS_PAUSED && d->m->dags.v[row].paused)
		return THEME_PAUSED;
	return -1;
}

static int
view_dags_row_attr(void *arg, size_t row)
{
	struct view_dags *d = arg;

	return d->m->dags.v[row].paused ? THEME_DIM : -1;
}

static void
view_dags_id(void *arg, size_t row, char *buf, size_t len)
{
	struct view_dags *d = arg;

	snprintf(buf, len, "%s", d->m->dags.v[row].dag_id);
}

static int
view_dags_cmp(void *arg, int col, size_t a, size_t b)
{
	struct view_dags *d = arg;
	const struct af_dag *x = &d->m->dags.v[a], *y = &d->m->dags.v[b];

	switch (col) {
	case DAGS_STATE:
		return (int)x->last_state - (int)y->last_state;
	case DAGS_PAUSED:
		return x->paused - y->paused;
	case DAGS_NEXT:
		return x->next_run < y->next_run ? -1
						 : x->next_run > y->next_run;
	case DAGS_TAGS:
		return strcmp(x->tags != NULL ? x->tags : "",
		    y->tags != NULL ? y->tags : "");
	case DAGS_SCHEDULE:
		return strcmp(x->schedule != NULL ? x->schedule : "",
		    y->schedule != NULL ? y->schedule : "");
	default:
		return strcmp(x->dag_id, y->dag_id);
	}
}

static const struct list_ops view_dags_list_ops = {
	.count = view_dags_count,
	.cell = view_dags_cell,
	.attr = view_dags_attr,
	.row_attr = view_dags_row_attr,
	.id = view_dags_id,
	.cmp = view_dags_cmp,
};

static int
view_dags_init(struct view *v, struct app *app, char **cause)
{
	struct view_dags *d = xcalloc(1, sizeof *d);

	(void)cause;
	d->app = app;
	d->m = app_models(app);
	list_init(&d->list, view_dags_cols, (int)nitems(view_dags_cols),
	    &view_dags_list_ops, d);
	d->list.empty = "no DAGs yet (waiting for Airflow)";
	v->data = d;
	return 0;
}

static void
view_dags_free(struct view *v)
{
	struct view_dags *d = v->data;

	list_free(&d->list);
	free(d);
}

static int
view_dags_stale(const struct view *v)
{
	const struct view_dags *d = v->data;

	return d->seen != d->m->dags.gen;
}

static void
view_dags_draw(struct view *v, WINDOW *win)
{
	struct view_dags *d = v->data;

	if (d->seen != d->m->dags.gen) {
		d->seen = d->m->dags.gen;
		list_refresh(&d->list);
	}
	list_draw(&d->list, win, 0, 0, getmaxy(win), getmaxx(win),
	    (v->flags & VIEW_FOCUSED) != 0);
}

static const struct af_dag *
view_dags_selected(struct view_dags *d)
{
	size_t row;

	if (list_selected(&d->list, &row) != 0 || row >= d->m->dags.n)
		return NULL;
	return &d->m->dags.v[row];
}

static int
view_dags_key(struct view *v, int key)
{
	struct view_dags *d = v->data;
	const struct af_dag *g;
	struct app_action_args a;
	int r;

	if (d->seen != d->m->dags.gen) {
		d->seen = d->m->dags.gen;
		list_refresh(&d->list);
	}
	r = list_key(&d->list, key);
	if (r != LIST_IGNORED)
		return VIEW_HANDLED;
	g = view_dags_selected(d);
	memset(&a, 0, sizeof a);
	a.map_index = -1;
	a.dag_id = g != NULL ? g->dag_id : NULL;
	switch (keymap_lookup(KM_DAGS, key)) {
	case KA_SELECT:
		if (g == NULL)
			return VIEW_HANDLED;
		app_select_dag(d->app, g->dag_id);
		return VIEW_HANDLED | VIEW_DRILL;
	case KA_TRIGGER:
		return view_act_ask(v, APP_ACT_TRIGGER, &a);
	case KA_TRIGGER_CONF:
		return view_act_trigger_conf(v, a.dag_id);
	case KA_PAUSE:
		return view_act_ask(v,
		    g != NULL && g->paused ? APP_ACT_UNPAUSE : APP_ACT_PAUSE,
		    &a);
	default:
		return VIEW_IGNORED;
	}
}

static void
view_dags_caption(const struct view *v, char *buf, size_t len)
{
	const struct view_dags *d = v->data;
	char n[PROMPT_MAX + 32];

	snprintf(buf, len, "(%s)", list_status(&d->list, n, sizeof n));
}

const struct view_ops view_dags_ops = {
	.name = "dags",
	.alias = "d",
	.title = "DAGs",
	.pane = APP_PANE_DAGS,
	.init = view_dags_init,
	.free = view_dags_free,
	.stale = view_dags_stale,
	.draw = view_dags_draw,
	.key = view_dags_key,
	.caption = view_dags_caption,
	.km_ctx = KM_DAGS,
	.km_widget = KM_LIST,
};
