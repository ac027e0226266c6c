/*
 * The Snowflake XCom table pane: rows of the XCom backend table
 * (AIRFLOW__CORE__XCOM_SNOWFLAKE_TABLE, default DEMO.XCOM.XCOM_TABLE) for
 * the DAG run selected in the Airflow panes, or every row ('a' toggles);
 * Enter shows a row's value as pretty JSON with secret fields masked;
 * T jumps to the DAG run and task instance that wrote the row.
 */

#include "view.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "app.h"
#include "app_sf.h"
#include "keymap.h"
#include "list.h"
#include "model.h"
#include "model_sf.h"
#include "sanitize.h"
#include "textview.h"
#include "theme.h"
#include "tui_draw.h"
#include "tui_ext.h"
#include "util.h"

enum { XT_DAG, XT_TASK, XT_RUN, XT_IDX, XT_KEY, XT_TYPE, XT_VALUE };

static const struct list_column view_xcomtable_cols[] = {
	[XT_DAG] = { .title = "DAG",
	    .min = 10,
	    .max = 32,
	    .grow = 1,
	    .drop = 3 },
	[XT_TASK] = { .title = "TASK", .min = 10, .max = 28, .grow = 1 },
	[XT_RUN] = { .title = "RUN",
	    .min = 12,
	    .max = 40,
	    .grow = 1,
	    .drop = 2 },
	[XT_IDX] = { .title = "IDX", .min = 3, .flags = LIST_RIGHT, .drop = 4 },
	[XT_KEY] = { .title = "KEY", .min = 10, .max = 28, .grow = 1 },
	[XT_TYPE] = { .title = "TYPE", .min = 6, .max = 12, .drop = 5 },
	[XT_VALUE] = { .title = "VALUE", .min = 12, .grow = 3, .drop = 1 },
};

struct view_xcomtable {
	struct app *app;
	struct sf_models *m;
	struct list list;
	struct textview tv;
	int all;       /* every row, not the selected run's */
	int value;     /* showing one row's value */
	int asked;     /* rows asked for at least once */
	char *for_dag; /* the run the rows were asked for */
	char *for_run;
	uint64_t seen;
	struct af_value val; /* the shown value, pretty */
};

static size_t
view_xcomtable_count(void *arg)
{
	struct view_xcomtable *d = arg;

	return d->m->xcom.n;
}

static void
view_xcomtable_cell(void *arg, size_t row, int col, char *buf, size_t len)
{
	struct view_xcomtable *d = arg;
	const struct sf_xcom_row *r = &d->m->xcom.v[row];
	const char *s = NULL;

	switch (col) {
	case XT_DAG:
		s = r->dag_id;
		break;
	case XT_TASK:
		s = r->task_id;
		break;
	case XT_RUN:
		s = r->run_id;
		break;
	case XT_IDX:
		snprintf(buf, len, "%d", r->multi_index);
		return;
	case XT_KEY:
		s = r->key;
		break;
	case XT_TYPE:
		s = r->value_type;
		break;
	case XT_VALUE: {
		/* The source masks; mask again what reaches the screen. */
		char *masked =
		    redact_text_dup(r->value != NULL ? r->value : "");

		snprintf(buf, len, "%s", masked);
		free(masked);
		return;
	}
	}
	snprintf(buf, len, "%s", s != NULL ? s : "");
}

static void
view_xcomtable_id(void *arg, size_t row, char *buf, size_t len)
{
	struct view_xcomtable *d = arg;
	const struct sf_xcom_row *r = &d->m->xcom.v[row];

	snprintf(buf, len, "%s/%s/%s/%d/%s", r->dag_id, r->task_id, r->run_id,
	    r->multi_index, r->key);
}

static const struct list_ops view_xcomtable_list_ops = {
	.count = view_xcomtable_count,
	.cell = view_xcomtable_cell,
	.id = view_xcomtable_id,
};

static int
view_xcomtable_init(struct view *v, struct app *app, char **cause)
{
	struct view_xcomtable *d = xcalloc(1, sizeof *d);

	(void)cause;
	d->app = app;
	d->m = app_sf_models(app);
	list_init(&d->list, view_xcomtable_cols,
	    (int)nitems(view_xcomtable_cols), &view_xcomtable_list_ops, d);
	textview_init(&d->tv, TEXTVIEW_JSON);
	v->data = d;
	return 0;
}

static void
view_xcomtable_free(struct view *v)
{
	struct view_xcomtable *d = v->data;

	list_free(&d->list);
	textview_free(&d->tv);
	af_value_reset(&d->val);
	free(d->for_dag);
	free(d->for_run);
	free(d);
}

static int
view_xcomtable_same(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

static void
view_xcomtable_sync(struct view_xcomtable *d)
{
	struct models *am = app_models(d->app);
	const char *dag = d->all ? NULL : am->sel_run_dag;
	const char *run = d->all ? NULL : am->sel_run;

	if (dag == NULL)
		run = NULL;
	if (!d->asked || !view_xcomtable_same(dag, d->for_dag) ||
	    !view_xcomtable_same(run, d->for_run)) {
		d->asked = 1;
		free(d->for_dag);
		free(d->for_run);
		d->for_dag = dag != NULL ? xstrdup(dag) : NULL;
		d->for_run = run != NULL ? xstrdup(run) : NULL;
		app_sf_load_xcom(d->app, dag, run);
	}
	if (d->seen != d->m->xcom.gen) {
		d->seen = d->m->xcom.gen;
		list_refresh(&d->list);
	}
	if (!app_sf_connected(d->app) && d->m->xcom.n == 0)
		d->list.empty = app_sf_status(d->app)->detail != NULL
				    ? app_sf_status(d->app)->detail
				    : "no Snowflake connection";
	else if (d->m->error != NULL && !d->m->xcom.complete)
		d->list.empty = d->m->error;
	else
		d->list.empty =
		    d->m->xcom.complete ? "no XCom rows" : "loading XCom rows";
}

static int
view_xcomtable_stale(const struct view *v)
{
	const struct view_xcomtable *d = v->data;

	return d->seen != d->m->xcom.gen;
}

static void
view_xcomtable_draw(struct view *v, WINDOW *win)
{
	struct view_xcomtable *d = v->data;
	int h = getmaxy(win), w = getmaxx(win), focused;

	focused = (v->flags & VIEW_FOCUSED) != 0;
	view_xcomtable_sync(d);
	if (!d->value) {
		list_draw(&d->list, win, 0, 0, h, w, focused);
		return;
	}
	textview_set(
	    &d->tv, d->val.text, d->val.len, d->val.lines, d->val.nlines);
	textview_draw(&d->tv, win, 0, 0, h, w, focused);
}

/* The row's value, pretty when it is JSON, secrets masked. */
static void
view_xcomtable_show(struct view_xcomtable *d, const struct sf_xcom_row *r)
{
	const char *s = r->value != NULL ? r->value : "";
	cJSON *doc = cJSON_ParseWithLength(s, strlen(s));
	char *txt = NULL, *safe;

	if (doc != NULL) {
		redact_json_tree(doc);
		txt = cJSON_Print(doc);
		cJSON_Delete(doc);
	}
	if (txt != NULL) {
		struct buf b;
		const char *p;

		/* cJSON indents with tabs: two spaces each. */
		buf_init(&b);
		for (p = txt; *p != '\0'; p++) {
			if (*p == '\t' && p > txt && p[-1] == ':')
				buf_addc(&b, ' ');
			else if (*p == '\t')
				buf_adds(&b, "  ");
			else
				buf_addc(&b, *p);
		}
		buf_addc(&b, '\0');
		cJSON_free(txt);
		safe = sanitize_dup(b.data, strlen(b.data), SANITIZE_KEEP_NL);
		buf_free(&b);
	} else {
		txt = redact_text_dup(s);
		safe = sanitize_dup(txt, strlen(txt), SANITIZE_KEEP_NL);
		free(txt);
	}
	af_value_set(&d->val, r->key, safe, strlen(s), 0);
	textview_reset(&d->tv);
	d->value = 1;
}

static int
view_xcomtable_key(struct view *v, int key)
{
	struct view_xcomtable *d = v->data;
	const struct sf_xcom_row *r;
	enum keymap_action a;
	size_t row;

	view_xcomtable_sync(d);
	if (d->value) {
		textview_set(&d->tv, d->val.text, d->val.len, d->val.lines,
		    d->val.nlines);
		if (textview_key(&d->tv, key) != TEXTVIEW_IGNORED)
			return VIEW_HANDLED;
		if (keymap_lookup(KM_XCOMTABLE, key) == KA_KEYS) {
			d->value = 0;
			return VIEW_HANDLED;
		}
	} else if (list_key(&d->list, key) != LIST_IGNORED)
		return VIEW_HANDLED;
	a = keymap_lookup(KM_XCOMTABLE, key);
	switch (a) {
	case KA_ALL_ROWS:
		d->all = !d->all;
		d->value = 0;
		view_xcomtable_sync(d);
		if (!d->all && app_models(d->app)->sel_run == NULL)
			app_message(d->app, 1,
			    "no run selected: select one in Runs (Enter) to "
			    "see its rows");
		return VIEW_HANDLED;
	case KA_REFRESH:
		app_sf_load_xcom(d->app, d->for_dag, d->for_run);
		return VIEW_HANDLED;
	case KA_SELECT:
	case KA_JUMP_TASK:
		if (list_selected(&d->list, &row) != 0 || row >= d->m->xcom.n)
			return VIEW_HANDLED;
		r = &d->m->xcom.v[row];
		if (a == KA_SELECT) {
			view_xcomtable_show(d, r);
			return VIEW_HANDLED;
		}
		app_sf_jump_task(
		    d->app, r->dag_id, r->run_id, r->task_id, r->multi_index);
		app_message(d->app, 0, "%s / %s / %s", r->dag_id, r->run_id,
		    r->task_id);
		app_sf_goto_set(d->app, "tasks");
		return VIEW_HANDLED | VIEW_GOTO;
	default:
		return VIEW_IGNORED;
	}
}

static void
view_xcomtable_caption(const struct view *v, char *buf, size_t len)
{
	const struct view_xcomtable *d = v->data;
	char n[PROMPT_MAX + 64];

	if (d->value) {
		snprintf(buf, len, "%s (%s)",
		    d->val.key != NULL ? d->val.key : "",
		    textview_status(&d->tv, n, sizeof n));
		return;
	}
	snprintf(buf, len, "%s %s%s%s (%s)", app_sf_xcom_table(d->app),
	    d->for_run != NULL ? d->for_dag : "all runs",
	    d->for_run != NULL ? " / " : "",
	    d->for_run != NULL ? d->for_run : "",
	    list_status(&d->list, n, sizeof n));
}

static void
view_xcomtable_hint_ctx(const struct view *v, int *ctx, int *widget)
{
	const struct view_xcomtable *d = v->data;

	*ctx = KM_XCOMTABLE;
	*widget = d->value ? KM_TEXT : KM_LIST;
}

const struct view_ops view_xcomtable_ops = {
	.name = "xcomtable",
	.alias = "xt",
	.title = "XCom table",
	.init = view_xcomtable_init,
	.free = view_xcomtable_free,
	.stale = view_xcomtable_stale,
	.draw = view_xcomtable_draw,
	.key = view_xcomtable_key,
	.caption = view_xcomtable_caption,
	.km_ctx = KM_XCOMTABLE,
	.km_widget = KM_LIST,
	.hint_ctx = view_xcomtable_hint_ctx,
};
