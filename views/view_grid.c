/*
 * The Grid pane, like Airflow's grid view: the recent runs of the selected
 * DAG as columns (oldest left, newest right, each headed by the run's own
 * state) by its tasks as rows; every cell is the task instance's state as
 * a glyph in its colour. The cursor moves by cell (hjkl, arrows); Enter
 * selects that run and task, so the detail pane shows its XCom and log.
 */

#include "view.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "keymap.h"
#include "model.h"
#include "theme.h"
#include "tui_draw.h"
#include "tui_ext.h"
#include "util.h"
#include "view_act.h"

#define GRID_CELL 2 /* cells per run column: the glyph and a space */

struct view_grid {
	struct app *app;
	struct models *m;
	uint64_t seen;
	size_t row, col; /* cursor: task, run */
	size_t top;      /* first task row on screen */
	size_t left;     /* first run column on screen */
	int page;        /* task rows on screen at the last draw */
	int follow_new;  /* the cursor stays on the newest run */
};

static int
view_grid_init(struct view *v, struct app *app, char **cause)
{
	struct view_grid *d = xcalloc(1, sizeof *d);

	(void)cause;
	d->app = app;
	d->m = app_models(app);
	d->follow_new = 1;
	d->page = 10;
	v->data = d;
	return 0;
}

static void
view_grid_free(struct view *v)
{
	free(v->data);
}

static int
view_grid_stale(const struct view *v)
{
	const struct view_grid *d = v->data;

	return d->seen != d->m->grid.gen;
}

/* Keeps the cursor inside the grid after it changed. */
static void
view_grid_clamp(struct view_grid *d)
{
	const struct af_grid *g = &d->m->grid;

	if (g->nruns == 0 || d->follow_new)
		d->col = g->nruns > 0 ? g->nruns - 1 : 0;
	if (d->col >= g->nruns)
		d->col = g->nruns > 0 ? g->nruns - 1 : 0;
	if (d->row >= g->ntasks)
		d->row = g->ntasks > 0 ? g->ntasks - 1 : 0;
}

static void
view_grid_draw(struct view *v, WINDOW *win)
{
	struct view_grid *d = v->data;
	const struct af_grid *g = &d->m->grid;
	int h = getmaxy(win), w = getmaxx(win), tw, cols, y, r, focused;
	size_t i, c, longest = 4;
	enum af_state st;
	char cell[8], info[512];
	attr_t a;

	focused = (v->flags & VIEW_FOCUSED) != 0;
	d->seen = g->gen;
	view_grid_clamp(d);
	for (y = 0; y < h; y++)
		tui_fill(win, y, 0, w, theme_attr(THEME_DEFAULT));
	if (g->ntasks == 0 || g->nruns == 0) {
		tui_put(win, 1, 1,
		    d->m->sel_dag == NULL ? "select a DAG (Enter in DAGs)"
					  : "no runs of this DAG yet",
		    w - 2, TUI_ELLIPSIS, theme_attr(THEME_DIM));
		return;
	}
	for (i = 0; i < g->ntasks; i++) {
		size_t l = strlen(g->task_ids[i]);

		if (l > longest)
			longest = l;
	}
	tw = (int)longest + 1;
	if (tw > w / 2)
		tw = w / 2;
	if (tw > 40)
		tw = 40;
	cols = (w - tw) / GRID_CELL;
	if (cols < 1)
		cols = 1;
	/* Columns: keep the cursor's run in view, newest at the right. */
	if ((size_t)cols >= g->nruns)
		d->left = 0;
	else {
		if (d->col < d->left)
			d->left = d->col;
		if (d->col >= d->left + (size_t)cols)
			d->left = d->col - (size_t)cols + 1;
		if (d->left + (size_t)cols > g->nruns)
			d->left = g->nruns - (size_t)cols;
	}
	/* Rows: a header, the tasks, an info line. */
	d->page = h - 2 > 1 ? h - 2 : 1;
	if (d->row < d->top)
		d->top = d->row;
	if (d->row >= d->top + (size_t)d->page)
		d->top = d->row - (size_t)d->page + 1;
	tui_put(
	    win, 0, 0, "TASK \\ RUN", tw, TUI_PAD, theme_attr(THEME_HEADER));
	tui_fill(win, 0, tw, w - tw, theme_attr(THEME_HEADER));
	for (c = d->left; c < g->nruns && c < d->left + (size_t)cols; c++) {
		st = g->run_states[c];
		snprintf(cell, sizeof cell, "%c", af_state_glyph(st));
		a = theme_attr(theme_state_slot(st));
		if (c == d->col)
			a |= A_UNDERLINE;
		tui_put(
		    win, 0, tw + (int)(c - d->left) * GRID_CELL, cell, 1, 0, a);
	}
	for (r = 0, i = d->top; r < d->page && i < g->ntasks; r++, i++) {
		y = r + 1;
		a = theme_attr(i == d->row ? (focused ? THEME_SELECTED
						      : THEME_SELECTED_INACTIVE)
					   : THEME_DEFAULT);
		tui_put(win, y, 0, g->task_ids[i], tw - 1,
		    TUI_PAD | TUI_ELLIPSIS, a);
		for (c = d->left; c < g->nruns && c < d->left + (size_t)cols;
		     c++) {
			st = g->cells[i * g->nruns + c];
			snprintf(cell, sizeof cell, "%c",
			    st == AF_NONE ? '.' : af_state_glyph(st));
			a = theme_attr(
			    st == AF_NONE ? THEME_DIM : theme_state_slot(st));
			if (i == d->row && c == d->col)
				a = theme_attr(focused
						   ? THEME_SELECTED
						   : THEME_SELECTED_INACTIVE);
			tui_put(win, y, tw + (int)(c - d->left) * GRID_CELL,
			    cell, 1, 0, a);
		}
	}
	/* The cell under the cursor, in words. */
	st = g->cells[d->row * g->nruns + d->col];
	snprintf(info, sizeof info, "%s  %s: %s", g->run_ids[d->col],
	    g->task_ids[d->row], af_state_name(st));
	tui_put(win, h - 1, 0, info, w, TUI_PAD | TUI_ELLIPSIS,
	    theme_attr(THEME_DIM));
}

static int
view_grid_key(struct view *v, int key)
{
	struct view_grid *d = v->data;
	const struct af_grid *g = &d->m->grid;

	view_grid_clamp(d);
	switch (keymap_lookup(KM_GRID, key)) {
	case KA_CELL_UP:
		if (d->row > 0)
			d->row--;
		return VIEW_HANDLED;
	case KA_CELL_DOWN:
		if (d->row + 1 < g->ntasks)
			d->row++;
		return VIEW_HANDLED;
	case KA_CELL_LEFT:
		if (d->col == 0 || g->nruns == 0)
			return VIEW_IGNORED; /* the pane to the left */
		d->col--;
		d->follow_new = 0;
		return VIEW_HANDLED;
	case KA_CELL_RIGHT:
		if (d->col + 1 >= g->nruns)
			return VIEW_IGNORED;
		d->col++;
		d->follow_new = d->col + 1 == g->nruns;
		return VIEW_HANDLED;
	case KA_TOP:
		d->row = 0;
		return VIEW_HANDLED;
	case KA_BOTTOM:
		d->row = g->ntasks > 0 ? g->ntasks - 1 : 0;
		return VIEW_HANDLED;
	case KA_SELECT:
		if (g->ntasks == 0 || g->nruns == 0 || g->dag_id == NULL)
			return VIEW_HANDLED;
		app_select_run(d->app, g->dag_id, g->run_ids[d->col]);
		app_select_task(d->app, g->task_ids[d->row], -1, 0);
		return VIEW_HANDLED | VIEW_DRILL;
	default:
		break;
	}
	switch (keymap_lookup(KM_LIST, key)) {
	case KA_PAGE_DOWN:
	case KA_HALF_DOWN:
		d->row += (size_t)(d->page > 1 ? d->page - 1 : 1);
		view_grid_clamp(d);
		return VIEW_HANDLED;
	case KA_PAGE_UP:
	case KA_HALF_UP:
		d->row =
		    d->row > (size_t)d->page ? d->row - (size_t)d->page : 0;
		return VIEW_HANDLED;
	default:
		return VIEW_IGNORED;
	}
}

static void
view_grid_caption(const struct view *v, char *buf, size_t len)
{
	const struct view_grid *d = v->data;
	const struct af_grid *g = &d->m->grid;

	if (g->dag_id == NULL)
		snprintf(buf, len, "(no DAG)");
	else
		snprintf(buf, len, "%s (%zu runs x %zu tasks)", g->dag_id,
		    g->nruns, g->ntasks);
}

const struct view_ops view_grid_ops = {
	.name = "grid",
	.alias = "g",
	.title = "Grid",
	.pane = APP_PANE_GRID,
	.init = view_grid_init,
	.free = view_grid_free,
	.stale = view_grid_stale,
	.draw = view_grid_draw,
	.key = view_grid_key,
	.caption = view_grid_caption,
	.km_ctx = KM_GRID,
	.km_widget = KM_NCTX,
};
