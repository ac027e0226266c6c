/*
 * The list widget. Rows are drawn straight from the view's callbacks, so a
 * frame costs O(rows on screen); the shown-row index (map) exists only
 * while a filter or a sort is active and is rebuilt only when the model,
 * the filter or the sort changes.
 */

#include "list.h"

#include <stdlib.h>
#include <string.h>

#include <curses.h>

#include "keymap.h"
#include "theme.h"
#include "tui_draw.h"
#include "util.h"

static void list_rebuild(struct list *, int incremental);

void
list_init(struct list *l, const struct list_column *cols, int ncols,
    const struct list_ops *ops, void *arg)
{
	memset(l, 0, sizeof *l);
	l->cols = cols;
	l->ncols = ncols > LIST_MAXCOLS ? LIST_MAXCOLS : ncols;
	l->ops = ops;
	l->arg = arg;
	l->sort_col = -1;
	l->empty = "nothing here yet";
	l->page = 10;
	prompt_init(&l->prompt);
}

void
list_free(struct list *l)
{
	free(l->map);
	l->map = NULL;
	prompt_free(&l->prompt);
}

size_t
list_shown(const struct list *l)
{
	return l->nshown;
}

size_t
list_total(const struct list *l)
{
	return l->n;
}

int
list_editing(const struct list *l)
{
	return l->editing;
}

static size_t
list_row(const struct list *l, size_t i)
{
	return l->map != NULL ? l->map[i] : i;
}

int
list_selected(const struct list *l, size_t *row)
{
	if (l->nshown == 0 || l->sel >= l->nshown)
		return -1;
	if (row != NULL)
		*row = list_row(l, l->sel);
	return 0;
}

/* Remembers the selected item's id. */
static void
list_note_sel(struct list *l)
{
	l->have_selid = 0;
	if (l->ops->id == NULL || l->nshown == 0 || l->sel >= l->nshown)
		return;
	l->ops->id(l->arg, list_row(l, l->sel), l->selid, sizeof l->selid);
	l->have_selid = 1;
}

static void
list_set_sel(struct list *l, size_t i)
{
	if (l->nshown == 0)
		i = 0;
	else if (i >= l->nshown)
		i = l->nshown - 1;
	l->sel = i;
	list_note_sel(l);
}

int
list_select_row(struct list *l, size_t row)
{
	size_t i;

	if (l->map == NULL) {
		if (row >= l->nshown)
			return -1;
		list_set_sel(l, row);
		return 0;
	}
	for (i = 0; i < l->nshown; i++) {
		if (l->map[i] == row) {
			list_set_sel(l, i);
			return 0;
		}
	}
	return -1;
}

/* Finds the shown row with id; -1 if none. */
static long
list_find_id(const struct list *l, const char *id)
{
	char buf[LIST_ID];
	size_t i;

	if (l->ops->id == NULL)
		return -1;
	/* The common case: nothing moved. */
	if (l->sel < l->nshown) {
		l->ops->id(l->arg, list_row(l, l->sel), buf, sizeof buf);
		if (strcmp(buf, id) == 0)
			return (long)l->sel;
	}
	/* Rows arriving above or leaving move the item a little: search
	 * outwards from where it was. */
	for (i = 1; i < l->nshown; i++) {
		if (l->sel + i < l->nshown) {
			l->ops->id(
			    l->arg, list_row(l, l->sel + i), buf, sizeof buf);
			if (strcmp(buf, id) == 0)
				return (long)(l->sel + i);
		}
		if (i <= l->sel && l->sel - i < l->nshown) {
			l->ops->id(
			    l->arg, list_row(l, l->sel - i), buf, sizeof buf);
			if (strcmp(buf, id) == 0)
				return (long)(l->sel - i);
		}
		if (l->sel + i >= l->nshown && i > l->sel)
			break;
	}
	return -1;
}

int
list_select_id(struct list *l, const char *id)
{
	long i = list_find_id(l, id);

	if (i < 0)
		return -1;
	list_set_sel(l, (size_t)i);
	return 0;
}

int
list_match(const char *text, size_t len, const char *pattern)
{
	return text_find(text, len, pattern) != NULL;
}

/* Whether model row matches pattern in any column. */
static int
list_row_matches(const struct list *l, size_t row, const char *pattern)
{
	char cell[LIST_CELL];
	int c;

	if (l->ops->match != NULL)
		return l->ops->match(l->arg, row, pattern);
	for (c = 0; c < l->ncols; c++) {
		cell[0] = '\0';
		l->ops->cell(l->arg, row, c, cell, sizeof cell);
		if (list_match(cell, strlen(cell), pattern))
			return 1;
	}
	return 0;
}

/* Sort keys for the default comparison: each row's cell text. */
struct list_keys {
	char *text;
	size_t *off;
};

static int
list_cmp(const struct list *l, const struct list_keys *k, size_t a, size_t b)
{
	int r;

	if (l->ops->cmp != NULL)
		r = l->ops->cmp(l->arg, l->sort_col, a, b);
	else
		r = strcmp(k->text + k->off[a], k->text + k->off[b]);
	return l->sort_desc ? -r : r;
}

/* A stable merge sort of v[0..n) by the list's comparison. */
static void
list_sort(const struct list *l, const struct list_keys *k, size_t *v,
    size_t *tmp, size_t n)
{
	size_t mid, i, j, o;

	if (n < 2)
		return;
	mid = n / 2;
	list_sort(l, k, v, tmp, mid);
	list_sort(l, k, v + mid, tmp, n - mid);
	if (list_cmp(l, k, v[mid - 1], v[mid]) <= 0)
		return;
	memcpy(tmp, v, n * sizeof *v);
	for (i = 0, j = mid, o = 0; i < mid && j < n; o++) {
		if (list_cmp(l, k, tmp[j], tmp[i]) < 0)
			v[o] = tmp[j++];
		else
			v[o] = tmp[i++];
	}
	while (i < mid)
		v[o++] = tmp[i++];
	while (j < n)
		v[o++] = tmp[j++];
}

static void
list_sort_map(struct list *l)
{
	struct list_keys k;
	struct buf text;
	char cell[LIST_CELL];
	size_t *tmp, i;

	if (l->nshown < 2)
		return;
	memset(&k, 0, sizeof k);
	buf_init(&text);
	if (l->ops->cmp == NULL) {
		/* Format each row's key once, not once per comparison. */
		k.off = xcalloc(l->n, sizeof *k.off);
		for (i = 0; i < l->nshown; i++) {
			size_t r = l->map[i], j;

			cell[0] = '\0';
			l->ops->cell(l->arg, r, l->sort_col, cell, sizeof cell);
			for (j = 0; cell[j] != '\0'; j++) {
				if (cell[j] >= 'A' && cell[j] <= 'Z')
					cell[j] = (char)(cell[j] + 32);
			}
			k.off[r] = text.len;
			buf_add(&text, cell, strlen(cell) + 1);
		}
		k.text = text.data;
	}
	tmp = xcalloc(l->nshown, sizeof *tmp);
	list_sort(l, &k, l->map, tmp, l->nshown);
	free(tmp);
	free(k.off);
	buf_free(&text);
}

static void
list_rebuild(struct list *l, int incremental)
{
	size_t i, o;

	l->n = l->ops->count(l->arg);
	if (l->filter[0] == '\0' && l->sort_col < 0) {
		free(l->map);
		l->map = NULL;
		l->mapcap = 0;
		l->nshown = l->n;
	} else if (incremental && l->map != NULL) {
		/* The filter got longer: only current matches can match. */
		for (i = 0, o = 0; i < l->nshown; i++) {
			if (list_row_matches(l, l->map[i], l->filter))
				l->map[o++] = l->map[i];
		}
		l->nshown = o;
	} else {
		if (l->mapcap < l->n || l->map == NULL) {
			l->mapcap = l->n > 0 ? l->n : 1;
			l->map =
			    xreallocarray(l->map, l->mapcap, sizeof *l->map);
		}
		for (i = 0, o = 0; i < l->n; i++) {
			if (l->filter[0] == '\0' ||
			    list_row_matches(l, i, l->filter))
				l->map[o++] = i;
		}
		l->nshown = o;
		if (l->sort_col >= 0)
			list_sort_map(l);
	}
	if (l->have_selid) {
		long at = list_find_id(l, l->selid);

		if (at >= 0) {
			l->sel = (size_t)at;
			return;
		}
	}
	if (l->nshown == 0)
		l->sel = l->top = 0;
	else if (l->sel >= l->nshown)
		l->sel = l->nshown - 1;
	list_note_sel(l);
}

void
list_refresh(struct list *l)
{
	list_rebuild(l, 0);
}

void
list_set_filter(struct list *l, const char *pattern)
{
	size_t old = strlen(l->filter);
	int incremental;

	if (strcmp(pattern, l->filter) == 0)
		return;
	incremental = old > 0 && strncmp(pattern, l->filter, old) == 0 &&
		      l->n == l->ops->count(l->arg);
	snprintf(l->filter, sizeof l->filter, "%s", pattern);
	if (*pattern != '\0')
		snprintf(l->last, sizeof l->last, "%s", pattern);
	list_rebuild(l, incremental);
}

static void
list_move(struct list *l, long delta)
{
	long i = (long)l->sel + delta;

	if (l->nshown == 0)
		return;
	if (i < 0)
		i = 0;
	if ((size_t)i >= l->nshown)
		i = (long)l->nshown - 1;
	list_set_sel(l, (size_t)i);
}

/* n/N: the next row matching the last pattern, wrapping. */
static void
list_next_match(struct list *l, int dir)
{
	size_t i, k;

	if (l->nshown == 0)
		return;
	if (l->filter[0] != '\0') {
		/* Every shown row matches: step, wrapping. */
		k = dir > 0 ? (l->sel + 1) % l->nshown
			    : (l->sel + l->nshown - 1) % l->nshown;
		list_set_sel(l, k);
		return;
	}
	if (l->last[0] == '\0')
		return;
	for (i = 1; i <= l->nshown; i++) {
		k = dir > 0 ? (l->sel + i) % l->nshown
			    : (l->sel + l->nshown - i % l->nshown) % l->nshown;
		if (list_row_matches(l, list_row(l, k), l->last)) {
			list_set_sel(l, k);
			return;
		}
	}
}

static void
list_sort_step(struct list *l, int dir)
{
	int c = l->sort_col + dir;

	/* Cycle model order (-1), then each column. */
	if (c >= l->ncols)
		c = -1;
	if (c < -1)
		c = l->ncols - 1;
	l->sort_col = c;
	list_rebuild(l, 0);
}

int
list_key(struct list *l, int key)
{
	size_t before = l->sel, half;
	int r;

	if (l->editing) {
		r = prompt_key(&l->prompt, key);
		switch (r) {
		case PROMPT_EDITED:
			list_set_filter(l, prompt_text(&l->prompt));
			return LIST_HANDLED | LIST_MOVED;
		case PROMPT_ACCEPT:
			l->editing = 0;
			return LIST_HANDLED;
		case PROMPT_CANCEL:
			l->editing = 0;
			list_set_filter(l, "");
			return LIST_HANDLED | LIST_MOVED;
		default:
			/* The prompt is modal: swallow everything. */
			return LIST_HANDLED;
		}
	}
	half = l->page > 2 ? (size_t)l->page / 2 : 1;
	switch (keymap_lookup(KM_LIST, key)) {
	case KA_DOWN:
		list_move(l, 1);
		break;
	case KA_UP:
		list_move(l, -1);
		break;
	case KA_TOP:
		list_set_sel(l, 0);
		break;
	case KA_BOTTOM:
		list_set_sel(l, l->nshown > 0 ? l->nshown - 1 : 0);
		break;
	case KA_HALF_DOWN:
		list_move(l, (long)half);
		l->top += half;
		break;
	case KA_HALF_UP:
		list_move(l, -(long)half);
		l->top = l->top > half ? l->top - half : 0;
		break;
	case KA_PAGE_DOWN:
		list_move(l, l->page > 1 ? l->page - 1 : 1);
		l->top = l->sel;
		break;
	case KA_PAGE_UP:
		list_move(l, -(l->page > 1 ? l->page - 1 : 1));
		break;
	case KA_FILTER:
		l->editing = 1;
		prompt_start(&l->prompt, l->filter);
		return LIST_HANDLED;
	case KA_NEXT_MATCH:
		list_next_match(l, 1);
		break;
	case KA_PREV_MATCH:
		list_next_match(l, -1);
		break;
	case KA_SORT_NEXT:
		list_sort_step(l, 1);
		break;
	case KA_SORT_PREV:
		list_sort_step(l, -1);
		break;
	case KA_SORT_INVERT:
		if (l->sort_col < 0)
			l->sort_col = 0;
		l->sort_desc = !l->sort_desc;
		list_rebuild(l, 0);
		break;
	default:
		if (key == KEYC_ESC && l->filter[0] != '\0') {
			list_set_filter(l, "");
			return LIST_HANDLED | LIST_MOVED;
		}
		return LIST_IGNORED;
	}
	return LIST_HANDLED | (l->sel != before ? LIST_MOVED : 0);
}

int
list_layout(
    const struct list_column *cols, int ncols, int width, int *x, int *w)
{
	int vis[LIST_MAXCOLS], i, nvis, need, worst, extra, grow, add, pos;

	if (ncols > LIST_MAXCOLS)
		ncols = LIST_MAXCOLS;
	for (i = 0; i < ncols; i++) {
		vis[i] = cols[i].min > 0; /* min 0: a column switched off */
		x[i] = w[i] = 0;
	}
	for (;;) {
		need = 0;
		nvis = 0;
		worst = -1;
		for (i = 0; i < ncols; i++) {
			if (!vis[i])
				continue;
			need += cols[i].min + (nvis > 0 ? 1 : 0);
			nvis++;
			if (cols[i].drop > 0 &&
			    (worst < 0 || cols[i].drop >= cols[worst].drop))
				worst = i;
		}
		if (need <= width || worst < 0)
			break;
		vis[worst] = 0;
	}
	extra = width - need;
	grow = 0;
	for (i = 0; i < ncols; i++) {
		if (vis[i]) {
			w[i] = cols[i].min;
			grow += cols[i].grow;
		}
	}
	if (extra > 0 && grow > 0) {
		int left = extra;

		for (i = 0; i < ncols; i++) {
			if (!vis[i] || cols[i].grow == 0)
				continue;
			add = extra * cols[i].grow / grow;
			if (cols[i].max > 0 && w[i] + add > cols[i].max)
				add = cols[i].max - w[i];
			if (add > 0) {
				w[i] += add;
				left -= add;
			}
		}
		/* Rounding and capped columns: the rest to an unbounded one. */
		for (i = 0; i < ncols && left > 0; i++) {
			if (vis[i] && cols[i].grow > 0 && cols[i].max == 0) {
				w[i] += left;
				left = 0;
			}
		}
	}
	pos = 0;
	nvis = 0;
	for (i = 0; i < ncols; i++) {
		if (!vis[i])
			continue;
		if (pos >= width) {
			w[i] = 0;
			continue;
		}
		x[i] = pos;
		if (pos + w[i] > width)
			w[i] = width - pos;
		pos += w[i] + 1;
		nvis++;
	}
	return nvis;
}

const char *
list_status(const struct list *l, char *buf, size_t len)
{
	if (l->filter[0] != '\0')
		snprintf(buf, len, "%zu/%zu /%s", l->nshown, l->n, l->filter);
	else
		snprintf(buf, len, "%zu", l->n);
	return buf;
}

static void
list_draw_header(struct list *l, WINDOW *win, int y, int x, int w)
{
	char title[64];
	attr_t a = theme_attr(THEME_HEADER);
	int c;

	tui_fill(win, y, x, w, a);
	for (c = 0; c < l->ncols; c++) {
		if (l->colw[c] == 0)
			continue;
		if (c == l->sort_col)
			snprintf(title, sizeof title, "%s%s", l->cols[c].title,
			    tui_utf8() ? (l->sort_desc ? "\xe2\x96\xbc"
						       : "\xe2\x96\xb2")
				       : (l->sort_desc ? "v" : "^"));
		else
			snprintf(title, sizeof title, "%s", l->cols[c].title);
		tui_put(win, y, x + l->colx[c], title, l->colw[c],
		    TUI_PAD | (l->cols[c].flags & LIST_RIGHT ? TUI_RIGHT : 0),
		    a);
	}
}

void
list_draw(struct list *l, WINDOW *win, int y, int x, int h, int w, int focused)
{
	char cell[LIST_CELL], status[PROMPT_MAX + 32];
	size_t i, row;
	int rows, r, c, slot, sw;
	attr_t ra, ca;

	if (h <= 0 || w <= 0)
		return;
	/* A view that forgot list_refresh must not index past the model. */
	if (l->ops->count(l->arg) != l->n)
		list_rebuild(l, 0);
	if (w != l->lay_width) {
		list_layout(l->cols, l->ncols, w, l->colx, l->colw);
		l->lay_width = w;
	}
	list_draw_header(l, win, y, x, w);
	rows = h - 1 - (l->editing ? 1 : 0);
	if (rows < 1)
		rows = 1;
	l->page = rows;
	if (l->sel < l->top)
		l->top = l->sel;
	if (l->sel >= l->top + (size_t)rows)
		l->top = l->sel - (size_t)rows + 1;
	if (l->top + (size_t)rows > l->nshown)
		l->top =
		    l->nshown > (size_t)rows ? l->nshown - (size_t)rows : 0;
	for (r = 0; r < rows && r + 1 < h; r++)
		tui_fill(win, y + 1 + r, x, w, theme_attr(THEME_DEFAULT));
	if (l->nshown == 0 && h > 2) {
		if (l->filter[0] != '\0')
			snprintf(status, sizeof status, "no match for /%s",
			    l->filter);
		else
			snprintf(status, sizeof status, "%s", l->empty);
		tui_put(win, y + 2, x + 1, status, w - 2, TUI_ELLIPSIS,
		    theme_attr(THEME_DIM));
	}
	for (r = 0, i = l->top; r < rows && i < l->nshown && r + 1 < h;
	     r++, i++) {
		row = list_row(l, i);
		slot = l->ops->row_attr != NULL ? l->ops->row_attr(l->arg, row)
						: -1;
		if (i == l->sel)
			ra = theme_attr(
			    focused ? THEME_SELECTED : THEME_SELECTED_INACTIVE);
		else
			ra = theme_attr(
			    slot >= 0 ? (enum theme_slot)slot : THEME_DEFAULT);
		tui_fill(win, y + 1 + r, x, w, ra);
		for (c = 0; c < l->ncols; c++) {
			if (l->colw[c] == 0)
				continue;
			cell[0] = '\0';
			l->ops->cell(l->arg, row, c, cell, sizeof cell);
			ca = ra;
			if (i != l->sel && l->ops->attr != NULL) {
				slot = l->ops->attr(l->arg, row, c);
				if (slot >= 0)
					ca = theme_attr((enum theme_slot)slot);
			}
			tui_put(win, y + 1 + r, x + l->colx[c], cell,
			    l->colw[c],
			    TUI_PAD | TUI_ELLIPSIS |
				(l->cols[c].flags & LIST_RIGHT ? TUI_RIGHT : 0),
			    ca);
		}
	}
	if (l->editing && h >= 2) {
		snprintf(status, sizeof status, " %zu/%zu", l->nshown, l->n);
		sw = tui_width(status, strlen(status));
		if (sw > w / 2)
			sw = 0;
		prompt_draw(&l->prompt, win, y + h - 1, x, w - sw, "/",
		    theme_attr(THEME_PROMPT), theme_attr(THEME_SELECTED));
		if (sw > 0)
			tui_put(win, y + h - 1, x + w - sw, status, sw, TUI_PAD,
			    theme_attr(THEME_PROMPT));
	}
}
