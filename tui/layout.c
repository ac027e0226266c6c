/* Pane geometry: pure functions, unit-tested at fixed sizes. */

#include "layout.h"

#include <string.h>

static const char *const layout_titles[LAYOUT_NSLOTS] = {
	[LAYOUT_DAGS] = "DAGs",
	[LAYOUT_RUNS] = "Runs",
	[LAYOUT_TASKS] = "Tasks",
	[LAYOUT_DETAIL] = "XCom / Log",
	[LAYOUT_GRID] = "Grid",
	[LAYOUT_PAGE] = "Page",
};

/* The drill chain: where Enter goes and Esc comes back from. */
static const int layout_parents[LAYOUT_NSLOTS] = {
	[LAYOUT_DAGS] = -1,
	[LAYOUT_RUNS] = LAYOUT_DAGS,
	[LAYOUT_TASKS] = LAYOUT_RUNS,
	[LAYOUT_DETAIL] = LAYOUT_TASKS,
	[LAYOUT_GRID] = LAYOUT_DAGS,
	[LAYOUT_PAGE] = -1,
};
static const int layout_children[LAYOUT_NSLOTS] = {
	[LAYOUT_DAGS] = LAYOUT_RUNS,
	[LAYOUT_RUNS] = LAYOUT_TASKS,
	[LAYOUT_TASKS] = LAYOUT_DETAIL,
	[LAYOUT_DETAIL] = -1,
	[LAYOUT_GRID] = LAYOUT_DETAIL,
	[LAYOUT_PAGE] = -1,
};

static void
layout_set(struct layout *l, int slot, int y, int x, int h, int w)
{
	if (h <= 0 || w <= 0)
		return;
	l->slot[slot].y = y;
	l->slot[slot].x = x;
	l->slot[slot].h = h;
	l->slot[slot].w = w;
	l->visible |= 1 << slot;
}

static void
layout_wide(struct layout *l, int focus)
{
	const struct layout_rect *b = &l->body;
	int w0, w1, w2, w3, x1, x2, x3, top;

	w0 = b->w * 22 / 100;
	w1 = b->w * 26 / 100;
	w2 = b->w * 24 / 100;
	w3 = b->w - w0 - w1 - w2;
	x1 = b->x + w0;
	x2 = x1 + w1;
	x3 = x2 + w2;
	layout_set(l, LAYOUT_DAGS, b->y, b->x, b->h, w0);
	layout_set(l, LAYOUT_DETAIL, b->y, x3, b->h, w3);
	if (l->tall) {
		top = b->h * 55 / 100;
		layout_set(l, LAYOUT_RUNS, b->y, x1, top, w1);
		layout_set(l, LAYOUT_TASKS, b->y, x2, top, w2);
		layout_set(l, LAYOUT_GRID, b->y + top, x1, b->h - top, w1 + w2);
	} else if (focus == LAYOUT_GRID) {
		/* No room below: the grid takes the Runs and Tasks columns. */
		layout_set(l, LAYOUT_GRID, b->y, x1, b->h, w1 + w2);
	} else {
		layout_set(l, LAYOUT_RUNS, b->y, x1, b->h, w1);
		layout_set(l, LAYOUT_TASKS, b->y, x2, b->h, w2);
	}
}

static void
layout_split(struct layout *l, int focus)
{
	const struct layout_rect *b = &l->body;
	int left, right, wl;

	switch (focus) {
	case LAYOUT_DAGS:
	case LAYOUT_RUNS:
		left = LAYOUT_DAGS;
		right = LAYOUT_RUNS;
		break;
	case LAYOUT_TASKS:
		left = LAYOUT_RUNS;
		right = LAYOUT_TASKS;
		break;
	case LAYOUT_GRID:
		left = LAYOUT_DAGS;
		right = LAYOUT_GRID;
		break;
	default:
		left = LAYOUT_TASKS;
		right = LAYOUT_DETAIL;
		break;
	}
	wl = b->w * 40 / 100;
	layout_set(l, left, b->y, b->x, b->h, wl);
	layout_set(l, right, b->y, b->x + wl, b->h, b->w - wl);
}

void
layout_compute(struct layout *l, int rows, int cols, int focus, int flags)
{
	memset(l, 0, sizeof *l);
	l->rows = rows;
	l->cols = cols;
	if (focus < 0 || focus >= LAYOUT_NPANES)
		focus = LAYOUT_DAGS;
	if (rows < LAYOUT_MIN_ROWS || cols < LAYOUT_MIN_COLS) {
		l->mode = LAYOUT_TINY;
		if (rows > 0 && cols > 0) {
			l->status.y = rows - 1;
			l->status.h = 1;
			l->status.w = cols;
		}
		return;
	}
	l->header.h = 1;
	l->header.w = cols;
	l->status.y = rows - 1;
	l->status.h = 1;
	l->status.w = cols;
	l->body.y = 1;
	l->body.h = rows - 2;
	l->body.w = cols;
	if (cols >= LAYOUT_WIDE_COLS) {
		l->mode = LAYOUT_WIDE;
		l->tall = rows >= LAYOUT_TALL_ROWS;
	} else if (cols >= LAYOUT_SPLIT_COLS)
		l->mode = LAYOUT_SPLIT;
	else
		l->mode = LAYOUT_SINGLE;
	if (flags & LAYOUT_F_PAGE) {
		layout_set(l, LAYOUT_PAGE, l->body.y, 0, l->body.h, cols);
		return;
	}
	if (flags & LAYOUT_F_ZOOM) {
		layout_set(l, focus, l->body.y, 0, l->body.h, cols);
		return;
	}
	switch (l->mode) {
	case LAYOUT_WIDE:
		layout_wide(l, focus);
		break;
	case LAYOUT_SPLIT:
		layout_split(l, focus);
		break;
	default:
		layout_set(l, focus, l->body.y, 0, l->body.h, cols);
		break;
	}
}

int
layout_visible(const struct layout *l, int slot)
{
	if (slot < 0 || slot >= LAYOUT_NSLOTS)
		return 0;
	return (l->visible & (1 << slot)) != 0;
}

static int
layout_overlap(const struct layout_rect *a, const struct layout_rect *b)
{
	int top = a->y > b->y ? a->y : b->y;
	int bot = a->y + a->h < b->y + b->h ? a->y + a->h : b->y + b->h;

	return bot > top ? bot - top : 0;
}

int
layout_neighbour(const struct layout *l, int from, int dir)
{
	const struct layout_rect *f, *c;
	int i, best = -1, bestd = 0, besto = 0, d, o;

	if (from < 0 || from >= LAYOUT_NPANES)
		return -1;
	if (layout_visible(l, from)) {
		f = &l->slot[from];
		for (i = 0; i < LAYOUT_NPANES; i++) {
			if (i == from || !layout_visible(l, i))
				continue;
			c = &l->slot[i];
			if (dir > 0 && c->x >= f->x + f->w)
				d = c->x - (f->x + f->w);
			else if (dir < 0 && c->x + c->w <= f->x)
				d = f->x - (c->x + c->w);
			else
				continue;
			o = layout_overlap(f, c);
			if (o == 0)
				continue;
			if (best < 0 || d < bestd ||
			    (d == bestd && o > besto)) {
				best = i;
				bestd = d;
				besto = o;
			}
		}
		if (best >= 0)
			return best;
	}
	return dir > 0 ? layout_children[from] : layout_parents[from];
}

int
layout_parent(int slot)
{
	if (slot < 0 || slot >= LAYOUT_NSLOTS)
		return -1;
	return layout_parents[slot];
}

const char *
layout_slot_title(int slot)
{
	if (slot < 0 || slot >= LAYOUT_NSLOTS)
		return "?";
	return layout_titles[slot];
}
