/*
 * The text widget. Everything it does per frame walks only the lines on
 * screen; searching and folding walk the text once per key press.
 */

#include "textview.h"

#include <stdlib.h>
#include <string.h>

#include <curses.h>

#include "keymap.h"
#include "sanitize.h"
#include "theme.h"
#include "tui_draw.h"
#include "util.h"

#define TV_TAB       8
#define TV_JSON_LINE 4096 /* longer lines are drawn without JSON colours */

void
textview_init(struct textview *tv, int flags)
{
	memset(tv, 0, sizeof *tv);
	tv->flags = flags;
	tv->page = 10;
	tv->width = 80;
	prompt_init(&tv->prompt);
}

void
textview_free(struct textview *tv)
{
	free(tv->folds);
	tv->folds = NULL;
	tv->nfolds = tv->foldcap = 0;
	prompt_free(&tv->prompt);
	free(tv->own_lines);
	tv->own_lines = NULL;
}

void
textview_set(struct textview *tv, const char *text, size_t len,
    const size_t *lines, size_t nlines)
{
	tv->text = text;
	tv->len = text != NULL ? len : 0;
	tv->lines = lines;
	tv->nlines = text != NULL ? nlines : 0;
	if (tv->nlines == 0)
		tv->cur = tv->top = 0;
	else {
		if (tv->cur >= tv->nlines)
			tv->cur = tv->nlines - 1;
		if (tv->top >= tv->nlines)
			tv->top = tv->nlines - 1;
	}
	/* Folds beyond the text (it shrank) go. */
	while (tv->nfolds > 0 && tv->folds[tv->nfolds - 1].end >= tv->nlines)
		tv->nfolds--;
}

void
textview_set_text(struct textview *tv, const char *text, size_t len)
{
	size_t *old = tv->own_lines, n;

	if (text == NULL) {
		text = "";
		len = 0;
	}
	tv->own_lines = textview_index(text, len, &n);
	textview_set(tv, text, len, tv->own_lines, n);
	free(old);
}

void
textview_set_untrusted(struct textview *tv, struct buf *text)
{
	char *safe = sanitize_dup(
	    text->data != NULL ? text->data : "", text->len, SANITIZE_KEEP_NL);

	buf_reset(text);
	buf_adds(text, safe);
	free(safe);
	textview_set_text(tv, text->data, text->len);
}

void
textview_reset(struct textview *tv)
{
	tv->cur = tv->top = 0;
	tv->topsub = tv->hscroll = 0;
	tv->nfolds = 0;
	tv->note = NULL;
	tv->match_lines = 0;
}

int
textview_editing(const struct textview *tv)
{
	return tv->searching;
}

void
textview_set_follow(struct textview *tv, int on)
{
	tv->follow = on;
}

size_t *
textview_index(const char *text, size_t len, size_t *nlines)
{
	size_t *v, n = 0, cap = 16, i;

	v = xcalloc(cap, sizeof *v);
	if (len == 0) {
		*nlines = 0;
		return v;
	}
	v[n++] = 0;
	for (i = 0; i < len; i++) {
		if (text[i] == '\n' && i + 1 < len) {
			if (n == cap) {
				cap *= 2;
				v = xreallocarray(v, cap, sizeof *v);
			}
			v[n++] = i + 1;
		}
	}
	*nlines = n;
	return v;
}

/* Line i's bytes: [*s, *s + return). */
static size_t
tv_line(const struct textview *tv, size_t i, const char **s)
{
	size_t start, end;
	const char *nl;

	if (i >= tv->nlines) {
		*s = "";
		return 0;
	}
	start = tv->lines[i];
	if (start > tv->len)
		start = tv->len;
	if (i + 1 < tv->nlines && tv->lines[i + 1] > start &&
	    tv->lines[i + 1] <= tv->len) {
		end = tv->lines[i + 1];
		if (end > start && tv->text[end - 1] == '\n')
			end--;
	} else {
		nl = memchr(tv->text + start, '\n', tv->len - start);
		end = nl != NULL ? (size_t)(nl - tv->text) : tv->len;
	}
	if (end > start && tv->text[end - 1] == '\r')
		end--;
	*s = tv->text + start;
	return end - start;
}

static int
tv_indent(const char *s, size_t n)
{
	size_t i = 0;

	while (i < n && (s[i] == ' ' || s[i] == '\t'))
		i++;
	return (int)i;
}

/* Whether the line opens a block: its last non-space byte is { or [. */
static int
tv_opener(const char *s, size_t n)
{
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	return n > 0 && (s[n - 1] == '{' || s[n - 1] == '[');
}

static int
tv_closer(const char *s, size_t n)
{
	size_t i = (size_t)tv_indent(s, n);

	return i < n && (s[i] == '}' || s[i] == ']');
}

long
textview_block_end(const struct textview *tv, size_t line)
{
	const char *s, *t;
	size_t n, m, j;
	int ind;

	if (!(tv->flags & TEXTVIEW_JSON))
		return -1;
	n = tv_line(tv, line, &s);
	if (!tv_opener(s, n))
		return -1;
	ind = tv_indent(s, n);
	for (j = line + 1; j < tv->nlines; j++) {
		m = tv_line(tv, j, &t);
		if (tv_indent(t, m) == ind && tv_closer(t, m))
			return (long)j;
		if (tv_indent(t, m) < ind && m > 0)
			return -1;
	}
	return -1;
}

/* The fold starting at line, or NULL (binary search). */
static const struct textview_fold *
tv_fold_at(const struct textview *tv, size_t line)
{
	size_t lo = 0, hi = tv->nfolds, mid;

	while (lo < hi) {
		mid = (lo + hi) / 2;
		if (tv->folds[mid].start < line)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < tv->nfolds && tv->folds[lo].start == line)
		return &tv->folds[lo];
	return NULL;
}

/* The outermost fold hiding line, or NULL. */
static const struct textview_fold *
tv_fold_hiding(const struct textview *tv, size_t line)
{
	size_t i;

	for (i = 0; i < tv->nfolds && tv->folds[i].start < line; i++) {
		if (tv->folds[i].end >= line)
			return &tv->folds[i];
	}
	return NULL;
}

int
textview_hidden(const struct textview *tv, size_t line)
{
	return tv_fold_hiding(tv, line) != NULL;
}

static size_t
tv_next(const struct textview *tv, size_t line)
{
	const struct textview_fold *f = tv_fold_at(tv, line);

	if (f != NULL)
		return f->end + 1;
	return line + 1;
}

static size_t
tv_prev(const struct textview *tv, size_t line)
{
	const struct textview_fold *f;

	if (line == 0)
		return 0;
	line--;
	if ((f = tv_fold_hiding(tv, line)) != NULL)
		line = f->start;
	return line;
}

static size_t
tv_last(const struct textview *tv)
{
	size_t l;

	if (tv->nlines == 0)
		return 0;
	l = tv->nlines - 1;
	if (tv_fold_hiding(tv, l) != NULL)
		l = tv_fold_hiding(tv, l)->start;
	return l;
}

static void
tv_fold_add(struct textview *tv, size_t start, size_t end)
{
	size_t i;

	if (tv->nfolds == tv->foldcap) {
		tv->foldcap = tv->foldcap == 0 ? 16 : tv->foldcap * 2;
		tv->folds =
		    xreallocarray(tv->folds, tv->foldcap, sizeof *tv->folds);
	}
	for (i = tv->nfolds; i > 0 && tv->folds[i - 1].start > start; i--)
		tv->folds[i] = tv->folds[i - 1];
	tv->folds[i].start = start;
	tv->folds[i].end = end;
	tv->nfolds++;
}

static void
tv_fold_remove(struct textview *tv, const struct textview_fold *f)
{
	size_t i = (size_t)(f - tv->folds);

	memmove(tv->folds + i, tv->folds + i + 1,
	    (tv->nfolds - i - 1) * sizeof *tv->folds);
	tv->nfolds--;
}

int
textview_fold(struct textview *tv, size_t line)
{
	const struct textview_fold *f;
	const char *s;
	size_t n, j;
	long end;
	int ind;

	if (!(tv->flags & TEXTVIEW_JSON) || line >= tv->nlines)
		return -1;
	if ((f = tv_fold_at(tv, line)) != NULL) {
		tv_fold_remove(tv, f);
		return 0;
	}
	end = textview_block_end(tv, line);
	if (end < 0) {
		/* Fold the innermost block around the line instead. */
		n = tv_line(tv, line, &s);
		ind = tv_indent(s, n);
		for (j = line; j-- > 0;) {
			n = tv_line(tv, j, &s);
			if (tv_indent(s, n) >= ind || !tv_opener(s, n))
				continue;
			end = textview_block_end(tv, j);
			if (end >= (long)line) {
				line = j;
				break;
			}
			ind = tv_indent(s, n);
		}
		if (end < (long)line)
			return -1;
		if (tv_fold_at(tv, line) != NULL)
			return -1;
	}
	tv_fold_add(tv, line, (size_t)end);
	tv->cur = line;
	if (tv->top > line || textview_hidden(tv, tv->top)) {
		tv->top = line;
		tv->topsub = 0;
	}
	return 0;
}

/* Z: fold every block one level below the top, or unfold everything. */
static void
tv_fold_all(struct textview *tv)
{
	const char *s;
	size_t n, i, *stack = NULL, depth = 0, cap = 0;
	int base = -1;

	if (!(tv->flags & TEXTVIEW_JSON))
		return;
	if (tv->nfolds > 0) {
		tv->nfolds = 0;
		return;
	}
	/* One pass with a stack of open blocks; fold those at depth 2. */
	for (i = 0; i < tv->nlines; i++) {
		n = tv_line(tv, i, &s);
		if (tv_closer(s, n) && depth > 0) {
			depth--;
			if (depth == 1)
				tv_fold_add(tv, stack[depth], i);
		}
		if (tv_opener(s, n)) {
			if (depth == cap) {
				cap = cap == 0 ? 16 : cap * 2;
				stack =
				    xreallocarray(stack, cap, sizeof *stack);
			}
			stack[depth++] = i;
			if (base < 0)
				base = tv_indent(s, n);
		}
	}
	free(stack);
	if (tv_fold_hiding(tv, tv->cur) != NULL)
		tv->cur = tv_fold_hiding(tv, tv->cur)->start;
	if (tv_fold_hiding(tv, tv->top) != NULL)
		tv->top = tv_fold_hiding(tv, tv->top)->start;
	tv->topsub = 0;
}

/* Display cells of a character (a tab reaches the next tab stop). */
static size_t
tv_char(const char *s, size_t n, int col, int *cw)
{
	if (*s == '\t') {
		*cw = TV_TAB - col % TV_TAB;
		return 1;
	}
	return tui_char(s, n, cw);
}

int
textview_rows(const struct textview *tv, size_t line, int width)
{
	const char *s;
	size_t n, i = 0, k;
	int col = 0, rows = 1, x = 0, cw;

	if (width <= 0)
		return 1;
	n = tv_line(tv, line, &s);
	while (i < n) {
		k = tv_char(s + i, n - i, col, &cw);
		if (x + cw > width && x > 0) {
			rows++;
			x = 0;
		}
		x += cw;
		col += cw;
		i += k;
	}
	return rows;
}

static int
tv_line_rows(const struct textview *tv, size_t line)
{
	if (!tv->wrap || tv_fold_at(tv, line) != NULL)
		return 1;
	return textview_rows(tv, line, tv->width);
}

/* Sets top so that line's last row is the last row on screen. */
static void
tv_bottom_align(struct textview *tv, size_t line)
{
	size_t l = line, p;
	int rows = tv_line_rows(tv, line), r;

	if (rows >= tv->page) {
		tv->top = line;
		tv->topsub = rows - tv->page;
		return;
	}
	while (l > 0) {
		p = tv_prev(tv, l);
		r = tv_line_rows(tv, p);
		if (rows + r > tv->page) {
			/* Show the bottom rows of the line above. */
			tv->top = p;
			tv->topsub = r - (tv->page - rows);
			return;
		}
		rows += r;
		l = p;
	}
	tv->top = l;
	tv->topsub = 0;
}

/* Makes the cursor line visible, scrolling as little as possible. */
static void
tv_show_cursor(struct textview *tv)
{
	size_t l;
	int rows;

	if (tv->nlines == 0)
		return;
	if (textview_hidden(tv, tv->top)) {
		tv->top = tv_fold_hiding(tv, tv->top)->start;
		tv->topsub = 0;
	}
	if (tv->cur < tv->top || (tv->cur == tv->top && tv->topsub > 0)) {
		tv->top = tv->cur;
		tv->topsub = 0;
		return;
	}
	rows = -tv->topsub;
	for (l = tv->top; l <= tv->cur && l < tv->nlines; l = tv_next(tv, l)) {
		rows += tv_line_rows(tv, l);
		if (rows > tv->page)
			break;
	}
	if (rows > tv->page)
		tv_bottom_align(tv, tv->cur);
}

static void
tv_move(struct textview *tv, long delta)
{
	while (delta > 0 && tv->cur < tv->nlines) {
		size_t n = tv_next(tv, tv->cur);

		if (n >= tv->nlines)
			break;
		tv->cur = n;
		delta--;
	}
	while (delta < 0 && tv->cur > 0) {
		tv->cur = tv_prev(tv, tv->cur);
		delta++;
	}
}

static void
tv_end(struct textview *tv)
{
	tv->cur = tv_last(tv);
	tv_bottom_align(tv, tv->cur);
}

static void
tv_unfold_to(struct textview *tv, size_t line)
{
	const struct textview_fold *f;

	while ((f = tv_fold_hiding(tv, line)) != NULL)
		tv_fold_remove(tv, f);
}

int
textview_search(struct textview *tv, const char *pattern, int dir)
{
	const size_t none = (size_t)-1;
	const char *s;
	size_t k, n, total = 0, first = none, last = none, before = none;
	size_t after = none, rbefore = 0, rafter = 0, target, rank;

	tv->note = NULL;
	tv->match_lines = 0;
	if (pattern == NULL || *pattern == '\0' || tv->nlines == 0)
		return -1;
	/*
	 * One pass in line order: the nearest match before and after the
	 * cursor, the first and the last, and how many lines match.
	 */
	for (k = 0; k < tv->nlines; k++) {
		n = tv_line(tv, k, &s);
		if (text_find(s, n, pattern) == NULL)
			continue;
		total++;
		if (first == none)
			first = k;
		last = k;
		if (k < tv->cur) {
			before = k;
			rbefore = total;
		} else if (k > tv->cur && after == none) {
			after = k;
			rafter = total;
		}
	}
	if (total == 0) {
		tv->note = "not found";
		return -1;
	}
	if (dir > 0) {
		target = after != none ? after : first;
		rank = after != none ? rafter : 1;
	} else {
		target = before != none ? before : last;
		rank = before != none ? rbefore : total;
	}
	if ((dir > 0 && after == none) || (dir <= 0 && before == none))
		tv->note = "search wrapped";
	tv_unfold_to(tv, target);
	tv->cur = target;
	tv->follow = 0;
	tv->match_i = rank;
	tv->match_n = total;
	tv->match_lines = tv->nlines;
	tv_show_cursor(tv);
	return 0;
}

void
textview_drop(struct textview *tv, size_t n)
{
	size_t i, j;

	if (n == 0)
		return;
	tv->cur = tv->cur > n ? tv->cur - n : 0;
	if (tv->top >= n)
		tv->top -= n;
	else {
		tv->top = 0;
		tv->topsub = 0;
	}
	for (i = j = 0; i < tv->nfolds; i++) {
		if (tv->folds[i].start < n)
			continue;
		tv->folds[j].start = tv->folds[i].start - n;
		tv->folds[j].end = tv->folds[i].end - n;
		j++;
	}
	tv->nfolds = j;
	tv->match_lines = 0; /* the count included the lines gone */
}

int
textview_key(struct textview *tv, int key)
{
	long half = tv->page > 2 ? tv->page / 2 : 1;
	enum keymap_action a;
	int r;

	if (tv->searching) {
		r = prompt_key(&tv->prompt, key);
		switch (r) {
		case PROMPT_ACCEPT:
			tv->searching = 0;
			snprintf(tv->pattern, sizeof tv->pattern, "%s",
			    prompt_text(&tv->prompt));
			if (tv->pattern[0] != '\0')
				textview_search(tv, tv->pattern, 1);
			break;
		case PROMPT_CANCEL:
			tv->searching = 0;
			break;
		default:
			break;
		}
		return TEXTVIEW_HANDLED;
	}
	a = keymap_lookup(KM_TEXT, key);
	/* Space and Enter fold on a line that opens a block. */
	if ((key == KEYC_SPACE || key == KEYC_ENTER) &&
	    (tv_fold_at(tv, tv->cur) != NULL ||
		textview_block_end(tv, tv->cur) >= 0))
		a = KA_FOLD;
	else if (key == KEYC_ENTER)
		return TEXTVIEW_IGNORED;
	switch (a) {
	case KA_DOWN:
		tv->follow = 0;
		tv_move(tv, 1);
		break;
	case KA_UP:
		tv->follow = 0;
		tv_move(tv, -1);
		break;
	case KA_TOP:
		tv->follow = 0;
		tv->cur = tv->top = 0;
		tv->topsub = 0;
		break;
	case KA_BOTTOM:
		if (tv->flags & TEXTVIEW_LIVE)
			tv->follow = 1;
		tv_end(tv);
		return TEXTVIEW_HANDLED;
	case KA_HALF_DOWN:
		tv->follow = 0;
		tv_move(tv, half);
		break;
	case KA_HALF_UP:
		tv->follow = 0;
		tv_move(tv, -half);
		break;
	case KA_PAGE_DOWN:
		tv->follow = 0;
		if (tv->bottom > tv->top && tv->bottom < tv->nlines) {
			tv->top = tv->cur = tv->bottom;
			tv->topsub = 0;
		} else
			tv_move(tv, tv->page);
		break;
	case KA_PAGE_UP:
		tv->follow = 0;
		tv_move(tv, -(long)(tv->page > 1 ? tv->page - 1 : 1));
		tv->top = tv->cur;
		tv->topsub = 0;
		break;
	case KA_SEARCH:
		tv->searching = 1;
		prompt_start(&tv->prompt, NULL);
		return TEXTVIEW_HANDLED;
	case KA_NEXT_MATCH:
	case KA_PREV_MATCH:
		if (tv->pattern[0] == '\0')
			return TEXTVIEW_IGNORED;
		textview_search(tv, tv->pattern, a == KA_NEXT_MATCH ? 1 : -1);
		return TEXTVIEW_HANDLED;
	case KA_WRAP:
		tv->wrap = !tv->wrap;
		tv->hscroll = 0;
		tv->topsub = 0;
		break;
	case KA_FOLLOW:
		if (!(tv->flags & TEXTVIEW_LIVE))
			return TEXTVIEW_IGNORED;
		tv->follow = !tv->follow;
		if (tv->follow)
			tv_end(tv);
		return TEXTVIEW_HANDLED;
	case KA_FOLD:
		if (!(tv->flags & TEXTVIEW_JSON))
			return TEXTVIEW_IGNORED;
		textview_fold(tv, tv->cur);
		break;
	case KA_FOLD_ALL:
		if (!(tv->flags & TEXTVIEW_JSON))
			return TEXTVIEW_IGNORED;
		tv_fold_all(tv);
		break;
	case KA_SCROLL_LEFT:
		if (tv->wrap)
			return TEXTVIEW_HANDLED;
		tv->hscroll = tv->hscroll > 8 ? tv->hscroll - 8 : 0;
		return TEXTVIEW_HANDLED;
	case KA_SCROLL_RIGHT:
		if (!tv->wrap)
			tv->hscroll += 8;
		return TEXTVIEW_HANDLED;
	default:
		if (key == KEYC_ESC && tv->pattern[0] != '\0') {
			tv->pattern[0] = '\0';
			tv->note = NULL;
			return TEXTVIEW_HANDLED;
		}
		return TEXTVIEW_IGNORED;
	}
	tv_show_cursor(tv);
	return TEXTVIEW_HANDLED;
}

/* Colour classes of a JSON line, one per byte. */
static void
tv_json_classes(const char *s, size_t n, unsigned char *cls)
{
	size_t i = 0, j;

	memset(cls, 0, n);
	while (i < n) {
		if (s[i] == '"') {
			j = i + 1;
			while (j < n && s[j] != '"') {
				if (s[j] == '\\' && j + 1 < n)
					j++;
				j++;
			}
			if (j < n)
				j++;
			/* A key when a ':' follows. */
			{
				size_t k = j;
				unsigned char c;

				while (k < n && s[k] == ' ')
					k++;
				c = (k < n && s[k] == ':') ? 1 : 2;
				memset(cls + i, c, j - i);
			}
			i = j;
		} else if ((s[i] >= '0' && s[i] <= '9') || s[i] == '-') {
			j = i;
			while (j < n && strchr("0123456789+-.eE", s[j]) != NULL)
				j++;
			memset(cls + i, 3, j - i);
			i = j;
		} else if (s[i] == 't' || s[i] == 'f' || s[i] == 'n') {
			j = i;
			while (j < n && s[j] >= 'a' && s[j] <= 'z')
				j++;
			memset(cls + i, 4, j - i);
			i = j;
		} else
			i++;
	}
}

static attr_t
tv_class_attr(unsigned char c)
{
	switch (c) {
	case 1:
		return theme_attr(THEME_JSON_KEY);
	case 2:
		return theme_attr(THEME_JSON_STRING);
	case 3:
		return theme_attr(THEME_JSON_NUMBER);
	case 4:
		return theme_attr(THEME_JSON_LITERAL);
	default:
		return theme_attr(THEME_DEFAULT);
	}
}

static enum theme_slot
tv_log_slot(const char *s, size_t n)
{
	if (text_find(s, n, "error") != NULL ||
	    text_find(s, n, "critical") != NULL ||
	    text_find(s, n, "traceback") != NULL)
		return THEME_LOG_ERROR;
	if (text_find(s, n, "warning") != NULL)
		return THEME_LOG_WARN;
	return THEME_DEFAULT;
}

/* Marks the bytes of s that belong to a match of pattern. */
static void
tv_matches(const char *s, size_t n, const char *pattern, unsigned char *m)
{
	size_t plen = strlen(pattern), off = 0;
	const char *p;

	memset(m, 0, n);
	if (plen == 0)
		return;
	while (off < n && (p = text_find(s + off, n - off, pattern)) != NULL) {
		memset(m + (p - s), 1, plen);
		off = (size_t)(p - s) + 1;
	}
}

/*
 * Draws row `sub` of line at screen row y: the characters from the row's
 * start, skipping hscroll cells when not wrapping.
 */
static void
tv_draw_line(struct textview *tv, WINDOW *win, int y, int x, int w, size_t line,
    int sub, attr_t base, int cursor)
{
	const char *s;
	size_t n, i = 0, k, run = 0, rstart = 0;
	unsigned char *cls = NULL, *mt = NULL;
	attr_t a, ra = 0, line_a = base;
	int col = 0, cx = 0, cw, row = 0, skip, len_cells;
	const struct textview_fold *fold = tv_fold_at(tv, line);
	char tmp[64];

	n = tv_line(tv, line, &s);
	if ((tv->flags & TEXTVIEW_JSON) && n <= TV_JSON_LINE && n > 0) {
		cls = xmalloc(n);
		tv_json_classes(s, n, cls);
		if (n >= 2 && s[0] == '!' && s[1] == ' ')
			line_a = theme_attr(THEME_ERROR);
	} else if (tv->flags & TEXTVIEW_LOG)
		line_a = theme_attr(tv_log_slot(s, n));
	if (tv->pattern[0] != '\0' && n > 0) {
		mt = xmalloc(n);
		tv_matches(s, n, tv->pattern, mt);
	}
	skip = tv->wrap ? 0 : tv->hscroll;
	wmove(win, y, x);
	while (i < n) {
		k = tv_char(s + i, n - i, col, &cw);
		if (tv->wrap && fold == NULL && cx + cw > w && cx > 0) {
			if (row == sub)
				break;
			row++;
			cx = 0;
		}
		if (row < sub || col < skip) {
			col += cw;
			if (row < sub)
				cx += cw;
			i += k;
			continue;
		}
		if (cx + cw > w)
			break;
		a = cls != NULL && cls[i] != 0 && line_a == base
			? tv_class_attr(cls[i])
			: line_a;
		if (cursor)
			a = theme_attr(THEME_SELECTED_INACTIVE) |
			    (a & (A_BOLD | A_UNDERLINE));
		if (mt != NULL && mt[i])
			a = theme_attr(THEME_MATCH);
		if (run > 0 && a != ra) {
			tui_putn(win, y, x + cx - (int)run, s + rstart,
			    i - rstart, (int)run, 0, ra);
			run = 0;
		}
		if (run == 0) {
			rstart = i;
			ra = a;
		}
		if (s[i] == '\t') {
			if (run > 0)
				tui_putn(win, y, x + cx - (int)run, s + rstart,
				    i - rstart, (int)run, 0, ra);
			tui_fill(win, y, x + cx, cw, a);
			run = 0;
		} else
			run += (size_t)cw;
		cx += cw;
		col += cw;
		i += k;
	}
	if (run > 0)
		tui_putn(win, y, x + cx - (int)run, s + rstart, i - rstart,
		    (int)run, 0, ra);
	if (cursor && cx < w)
		tui_fill(win, y, x + cx, w - cx,
		    theme_attr(THEME_SELECTED_INACTIVE));
	if (fold != NULL && cx < w) {
		snprintf(tmp, sizeof tmp, " %s %zu lines ", tui_ellipsis(),
		    fold->end - fold->start);
		len_cells = tui_put(
		    win, y, x + cx, tmp, w - cx, 0, theme_attr(THEME_FOLD));
		cx += len_cells;
		if (cx < w) {
			const char *c;
			size_t cn = tv_line(tv, fold->end, &c);
			int ind = tv_indent(c, cn);

			tui_putn(win, y, x + cx, c + ind, cn - (size_t)ind,
			    w - cx, 0, base);
		}
	}
	free(cls);
	free(mt);
}

void
textview_draw(
    struct textview *tv, WINDOW *win, int y, int x, int h, int w, int focused)
{
	size_t l;
	int r, rows, sub, pr = 0;
	attr_t base = theme_attr(THEME_DEFAULT);

	if (h <= 0 || w <= 0)
		return;
	rows = h - (tv->searching ? 1 : 0);
	if (rows < 1)
		rows = 1;
	if (tv->page != rows || tv->width != w) {
		tv->page = rows;
		tv->width = w;
		tv->topsub = 0;
	}
	if (tv->follow && tv->nlines > 0)
		tv_end(tv);
	else
		tv_show_cursor(tv);
	for (r = 0; r < h; r++)
		tui_fill(win, y + r, x, w, base);
	l = tv->top;
	sub = tv->topsub;
	tv->bottom = l;
	for (r = 0; r < rows && l < tv->nlines;) {
		int lr = tv_line_rows(tv, l);

		for (; sub < lr && r < rows; sub++, r++)
			tv_draw_line(tv, win, y + r, x, w, l, sub, base,
			    focused && !(tv->flags & TEXTVIEW_NOCURS) &&
				l == tv->cur && tv->nlines > 1);
		tv->bottom = l;
		sub = 0;
		l = tv_next(tv, l);
		pr++;
	}
	(void)pr;
	if (tv->searching && h >= 1)
		prompt_draw(&tv->prompt, win, y + h - 1, x, w, "/",
		    theme_attr(THEME_PROMPT), theme_attr(THEME_SELECTED));
}

const char *
textview_status(const struct textview *tv, char *buf, size_t len)
{
	char count[64] = "";

	if (tv->pattern[0] != '\0' && tv->match_lines > 0)
		snprintf(count, sizeof count, " [%zu/%zu%s]", tv->match_i,
		    tv->match_n, tv->nlines != tv->match_lines ? "+" : "");
	snprintf(buf, len, "%zu/%zu%s%s%s%s%s%s%s",
	    tv->nlines ? tv->cur + 1 : 0, tv->nlines, tv->wrap ? " wrap" : "",
	    tv->follow ? " follow" : "", tv->pattern[0] != '\0' ? " /" : "",
	    tv->pattern, count, tv->note != NULL ? " - " : "",
	    tv->note != NULL ? tv->note : "");
	return buf;
}
