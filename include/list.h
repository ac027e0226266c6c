/*
 * THE list widget: every table in the console (DAGs, runs, tasks, XCom
 * keys, command log) is one of these with callbacks, after tmux's
 * mode-tree. It owns selection, scrolling, the '/' filter, n/N, sorting by
 * column and the column layout; the view owns the data and answers row
 * count, cell text and cell attribute from its model.
 *
 * Cost: drawing is O(rows on screen) whatever the row count; a filter or
 * sort change, or list_refresh() after the model changed, is O(rows)
 * (O(rows log rows) when sorted). Without a filter and sort no index is
 * kept at all.
 *
 * The selection follows the item, not the position: after a refresh the
 * row whose id (ops->id) was selected is selected again.
 */

#ifndef SNOWDECK_LIST_H
#define SNOWDECK_LIST_H

#include <stddef.h>

#include <curses.h>

#include "prompt.h"

#define LIST_MAXCOLS 12
#define LIST_CELL    256 /* longest cell text used, bytes */
#define LIST_ID      256 /* longest row id, bytes */

struct list_column {
	const char *title;
	int min;  /* narrowest useful width; 0 = the column is off */
	int max;  /* widest it grows to; 0 = no limit */
	int grow; /* share of the spare width; 0 = stays at min */
	int drop; /* hidden when narrow, highest first; 0 = never */
	int flags;
#define LIST_RIGHT 0x1 /* right-aligned (numbers, durations) */
};

struct list_ops {
	/* Rows in the model. */
	size_t (*count)(void *arg);
	/* Writes cell (row, col) as text into buf (row is a model index). */
	void (*cell)(void *arg, size_t row, int col, char *buf, size_t len);
	/* Optional: theme slot of a cell, or -1 for the row's slot. */
	int (*attr)(void *arg, size_t row, int col);
	/* Optional: theme slot of a whole row (paused DAG), or -1. */
	int (*row_attr)(void *arg, size_t row);
	/* Optional: a stable id of a row (keeps the selection on the item). */
	void (*id)(void *arg, size_t row, char *buf, size_t len);
	/* Optional: orders two rows by col (<0, 0, >0); default: cell text. */
	int (*cmp)(void *arg, int col, size_t a, size_t b);
	/*
	 * Optional: whether row matches the filter pattern (text_find rules),
	 * for models too large to format every cell of every row on a key;
	 * default: any cell's text contains it.
	 */
	int (*match)(void *arg, size_t row, const char *pattern);
};

struct list {
	const struct list_column *cols;
	int ncols;
	const struct list_ops *ops;
	void *arg;
	const char *empty; /* shown when the model has no rows */

	size_t n;      /* model rows at the last refresh */
	size_t *map;   /* shown row -> model row; NULL when identity */
	size_t nshown; /* rows shown (after the filter) */
	size_t mapcap;

	size_t sel; /* selected shown row */
	size_t top; /* first shown row on screen */
	int page;   /* rows on screen at the last draw */
	char selid[LIST_ID];
	int have_selid;

	int sort_col; /* -1: model order */
	int sort_desc;
	char filter[PROMPT_MAX]; /* applied filter, "" = none */
	char last[PROMPT_MAX];   /* last filter, for n/N */
	int editing;             /* the '/' prompt is open */
	struct prompt prompt;

	int lay_width; /* column layout cache */
	int colx[LIST_MAXCOLS], colw[LIST_MAXCOLS];
};

/* What list_key did. */
#define LIST_IGNORED 0x0
#define LIST_HANDLED 0x1
#define LIST_MOVED   0x2 /* the selected item changed */

/* Sets the list up; cols and ops are borrowed (static tables). */
void list_init(struct list *, const struct list_column *cols, int ncols,
    const struct list_ops *ops, void *arg);
void list_free(struct list *);

/* The model changed: re-filter, re-sort, keep the selected item. */
void list_refresh(struct list *);

/* Rows shown and rows in the model. */
size_t list_shown(const struct list *);
size_t list_total(const struct list *);

/* The model row of the selection; 0, or -1 when there are no rows. */
int list_selected(const struct list *, size_t *row);

/* Selects model row (if shown); returns 0 or -1. */
int list_select_row(struct list *, size_t row);
/* Selects the row with this id (if shown); returns 0 or -1. */
int list_select_id(struct list *, const char *id);

/* Handles a key: navigation, '/', n/N, '<' '>' 'I', Esc clears a filter.
 * While the filter prompt is open every key goes to it. */
int list_key(struct list *, int key);

/* Whether the filter prompt is open (it takes every key). */
int list_editing(const struct list *);

/* Applies a filter ("" clears), as typing it would. */
void list_set_filter(struct list *, const char *);

/*
 * Draws into the h x w rectangle at (y, x) of win: a header row, then the
 * rows; the filter prompt on the last row while it is open. focused
 * selects the selection colour.
 */
void list_draw(
    struct list *, WINDOW *win, int y, int x, int h, int w, int focused);

/* The title count: "12", or "3/12 /text" while filtered. */
const char *list_status(const struct list *, char *buf, size_t len);

/*
 * Column layout (pure): fits ncols columns into width (one space between
 * columns), hiding droppable ones when narrow and sharing the spare width
 * by grow weight. Fills x[] and w[] (w = 0 when hidden); returns how many
 * are shown.
 */
int list_layout(
    const struct list_column *cols, int ncols, int width, int *x, int *w);

/* Whether the filter's pattern is in text: core's text_find (util.h). */
int list_match(const char *text, size_t len, const char *pattern);

#endif
