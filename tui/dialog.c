/*
 * The modal dialog: confirm or edit. It closes itself before its callback
 * runs, so a second confirm key finds no dialog and a callback may open
 * the next dialog (the conf editor opens the trigger confirmation).
 */

#include "dialog.h"

#include <stdlib.h>
#include <string.h>

#include <curses.h>

#include "keymap.h"
#include "prompt.h"
#include "theme.h"
#include "tui_draw.h"
#include "util.h"

#define DIALOG_TEXT_MAX (64 * 1024)

struct dialog {
	int open;
	int editor;
	const void *owner;
	char *title;
	char *message;
	char *label;
	char *help;
	dialog_done_cb cb;
	void *arg;
	dialog_validate_cb validate;
	struct buf text; /* the editor's text */
	size_t cur;      /* its cursor, a byte offset */
	int top;         /* first text line shown */
	char *error;     /* the validation error shown inline */
	int button;      /* focused button: 0 confirm, 1 cancel */
};

/* The open dialog; the screen it sits on is process-wide too. */
static struct dialog dialog_cur;

static void
dialog_reset(void)
{
	struct dialog *d = &dialog_cur;

	free(d->title);
	free(d->message);
	free(d->label);
	free(d->help);
	free(d->error);
	buf_free(&d->text);
	memset(d, 0, sizeof *d);
}

/* Closes the dialog, then runs its callback once. */
static void
dialog_finish(int result)
{
	struct dialog *d = &dialog_cur;
	dialog_done_cb cb = d->cb;
	void *arg = d->arg;
	char *text = NULL;

	if (!d->open)
		return;
	if (d->editor)
		text = xstrdup(d->text.data != NULL ? d->text.data : "");
	dialog_reset();
	if (cb != NULL)
		cb(arg, result, text);
	free(text);
}

void
dialog_close_all(void)
{
	dialog_finish(DIALOG_DISCARD);
}

void
dialog_discard_owner(const void *owner)
{
	if (dialog_cur.open && dialog_cur.owner == owner)
		dialog_finish(DIALOG_DISCARD);
}

int
dialog_active(void)
{
	return dialog_cur.open;
}

const char *
dialog_title(void)
{
	return dialog_cur.open ? dialog_cur.title : NULL;
}

const char *
dialog_text(void)
{
	if (!dialog_cur.open || !dialog_cur.editor)
		return NULL;
	return dialog_cur.text.data != NULL ? dialog_cur.text.data : "";
}

static void
dialog_open(const void *owner, const char *title, const char *label,
    dialog_done_cb cb, void *arg)
{
	struct dialog *d = &dialog_cur;

	if (d->open)
		dialog_finish(DIALOG_DISCARD);
	d->open = 1;
	d->owner = owner;
	d->title = xstrdup(title != NULL ? title : "");
	d->label = xstrdup(label != NULL ? label : "confirm");
	d->cb = cb;
	d->arg = arg;
	buf_init(&d->text);
}

void
dialog_confirm(const void *owner, const char *title, const char *message,
    const char *confirm_label, dialog_done_cb cb, void *arg)
{
	dialog_open(owner, title, confirm_label, cb, arg);
	dialog_cur.message = xstrdup(message != NULL ? message : "");
}

void
dialog_editor(const void *owner, const char *title, const char *help,
    const char *initial, const char *confirm_label, dialog_validate_cb validate,
    dialog_done_cb cb, void *arg)
{
	struct dialog *d;

	dialog_open(owner, title, confirm_label, cb, arg);
	d = &dialog_cur;
	d->editor = 1;
	d->validate = validate;
	d->help = help != NULL ? xstrdup(help) : NULL;
	buf_adds(&d->text, initial != NULL ? initial : "");
	d->cur = d->text.len;
}

/* Editor helpers over the text buffer. */

static size_t
dialog_prev(const struct buf *b, size_t i)
{
	if (i == 0)
		return 0;
	i--;
	while (i > 0 && ((unsigned char)b->data[i] & 0xc0) == 0x80)
		i--;
	return i;
}

static size_t
dialog_next(const struct buf *b, size_t i)
{
	if (i >= b->len)
		return b->len;
	i++;
	while (i < b->len && ((unsigned char)b->data[i] & 0xc0) == 0x80)
		i++;
	return i;
}

static size_t
dialog_bol(const struct buf *b, size_t i)
{
	while (i > 0 && b->data[i - 1] != '\n')
		i--;
	return i;
}

static size_t
dialog_eol(const struct buf *b, size_t i)
{
	while (i < b->len && b->data[i] != '\n')
		i++;
	return i;
}

static void
dialog_insert(struct dialog *d, const char *s, size_t n)
{
	if (d->text.len + n > DIALOG_TEXT_MAX)
		return;
	buf_add(&d->text, s, n); /* grow; then shift into place */
	memmove(d->text.data + d->cur + n, d->text.data + d->cur,
	    d->text.len - n - d->cur);
	memcpy(d->text.data + d->cur, s, n);
	d->cur += n;
}

static void
dialog_delete(struct dialog *d, size_t from, size_t to)
{
	if (to <= from || to > d->text.len)
		return;
	memmove(d->text.data + from, d->text.data + to, d->text.len - to + 1);
	d->text.len -= to - from;
	d->cur = from;
}

/* Up/Down: the same character column on the next/previous line. */
static void
dialog_vertical(struct dialog *d, int dir)
{
	struct buf *b = &d->text;
	size_t bol = dialog_bol(b, d->cur), col = 0, i, target;

	for (i = bol; i < d->cur; i = dialog_next(b, i))
		col++;
	if (dir < 0) {
		if (bol == 0)
			return;
		target = dialog_bol(b, bol - 1);
	} else {
		i = dialog_eol(b, d->cur);
		if (i >= b->len)
			return;
		target = i + 1;
	}
	for (i = target; col > 0 && i < b->len && b->data[i] != '\n'; col--)
		i = dialog_next(b, i);
	d->cur = i;
}

static void
dialog_submit(struct dialog *d)
{
	char *cause = NULL;

	if (d->validate != NULL &&
	    d->validate(d->text.data != NULL ? d->text.data : "", &cause) !=
		0) {
		free(d->error);
		d->error = cause != NULL ? cause : xstrdup("not valid");
		return;
	}
	dialog_finish(DIALOG_CONFIRM);
}

static int
dialog_editor_key(struct dialog *d, int key)
{
	char enc[4];
	size_t n;

	switch (key) {
	case KEYC_ESC:
		dialog_finish(DIALOG_CANCEL);
		return 1;
	case KEYC_CTRL('s'):
		dialog_submit(d);
		return 1;
	case KEYC_ENTER:
		dialog_insert(d, "\n", 1);
		break;
	case KEYC_TAB:
		dialog_insert(d, "  ", 2);
		break;
	case KEYC_BSPACE:
	case KEYC_CTRL('h'):
		dialog_delete(d, dialog_prev(&d->text, d->cur), d->cur);
		break;
	case KEYC_DC:
		dialog_delete(d, d->cur, dialog_next(&d->text, d->cur));
		break;
	case KEYC_LEFT:
		d->cur = dialog_prev(&d->text, d->cur);
		return 1;
	case KEYC_RIGHT:
		d->cur = dialog_next(&d->text, d->cur);
		return 1;
	case KEYC_UP:
		dialog_vertical(d, -1);
		return 1;
	case KEYC_DOWN:
		dialog_vertical(d, 1);
		return 1;
	case KEYC_HOME:
	case KEYC_CTRL('a'):
		d->cur = dialog_bol(&d->text, d->cur);
		return 1;
	case KEYC_END:
	case KEYC_CTRL('e'):
		d->cur = dialog_eol(&d->text, d->cur);
		return 1;
	case KEYC_CTRL('u'):
		dialog_delete(d, dialog_bol(&d->text, d->cur), d->cur);
		break;
	default:
		if (!prompt_accepts(key))
			return 1;
		n = prompt_utf8(key, enc);
		dialog_insert(d, enc, n);
		break;
	}
	/* The text changed: the old error no longer applies. */
	free(d->error);
	d->error = NULL;
	return 1;
}

int
dialog_key(int key)
{
	struct dialog *d = &dialog_cur;

	if (!d->open)
		return 0;
	if (d->editor)
		return dialog_editor_key(d, key);
	switch (keymap_lookup(KM_DIALOG, key)) {
	case KA_CONFIRM:
		if (key == KEYC_ENTER && d->button == 1)
			dialog_finish(DIALOG_CANCEL);
		else
			dialog_finish(DIALOG_CONFIRM);
		break;
	case KA_CANCEL:
		dialog_finish(DIALOG_CANCEL);
		break;
	case KA_BUTTON_NEXT:
		d->button = !d->button;
		break;
	default:
		break;
	}
	return 1;
}

/* Rows message takes when hard-wrapped at width cells. */
static int
dialog_msg_rows(const char *msg, int width)
{
	const char *p = msg, *nl;
	size_t n;
	int rows = 0, cw;

	if (width < 1)
		width = 1;
	for (;;) {
		nl = strchr(p, '\n');
		n = nl != NULL ? (size_t)(nl - p) : strlen(p);
		cw = tui_width(p, n);
		rows += cw == 0 ? 1 : (cw + width - 1) / width;
		if (nl == NULL)
			break;
		p = nl + 1;
	}
	return rows;
}

static int
dialog_msg_width(const char *msg)
{
	const char *p = msg, *nl;
	size_t n;
	int w = 0, cw;

	for (;;) {
		nl = strchr(p, '\n');
		n = nl != NULL ? (size_t)(nl - p) : strlen(p);
		cw = tui_width(p, n);
		if (cw > w)
			w = cw;
		if (nl == NULL)
			break;
		p = nl + 1;
	}
	return w;
}

void
dialog_geometry(int rows, int cols, int *y, int *x, int *h, int *w)
{
	struct dialog *d = &dialog_cur;
	int want, bw;

	if (d->editor) {
		*w = cols - 4 < 76 ? cols - 4 : 76;
		*h = rows - 2 < 18 ? rows - 2 : 18;
	} else {
		bw = (int)strlen(d->label) + 24;
		want = dialog_msg_width(d->message != NULL ? d->message : "");
		if (tui_width(d->title, strlen(d->title)) + 2 > want)
			want = tui_width(d->title, strlen(d->title)) + 2;
		if (bw > want)
			want = bw;
		*w = want + 6;
		if (*w > cols - 4)
			*w = cols - 4;
		*h = dialog_msg_rows(
			 d->message != NULL ? d->message : "", *w - 6) +
		     5;
		if (*h > rows - 2)
			*h = rows - 2;
	}
	if (*w < 10)
		*w = cols < 10 ? cols : 10;
	if (*h < 5)
		*h = rows < 5 ? rows : 5;
	*y = (rows - *h) / 2;
	*x = (cols - *w) / 2;
	if (*y < 0)
		*y = 0;
	if (*x < 0)
		*x = 0;
}

static void
dialog_frame(WINDOW *win, int h, int w)
{
	struct dialog *d = &dialog_cur;
	attr_t a = theme_attr(THEME_DIALOG);
	char title[256];
	int y;

	for (y = 0; y < h; y++)
		tui_fill(win, y, 0, w, a);
	tui_box(win, theme_attr(THEME_DIALOG_BORDER));
	snprintf(title, sizeof title, " %s ", d->title);
	tui_put(win, 0, 2, title, w - 4, TUI_ELLIPSIS,
	    theme_attr(THEME_DIALOG_BORDER));
}

/* Draws text hard-wrapped from row y; returns the next row. */
static int
dialog_draw_message(
    WINDOW *win, const char *p, int y, int x, int width, int maxy, attr_t a)
{
	const char *nl;
	size_t n, k;

	while (p != NULL && y < maxy) {
		nl = strchr(p, '\n');
		n = nl != NULL ? (size_t)(nl - p) : strlen(p);
		do {
			k = tui_fit(p, n, width, NULL);
			if (k == 0 && n > 0)
				k = n;
			tui_putn(win, y++, x, p, k, width, 0, a);
			p += k;
			n -= k;
		} while (n > 0 && y < maxy);
		p = nl != NULL ? nl + 1 : NULL;
	}
	return y;
}

static void
dialog_draw_confirm(WINDOW *win, int h, int w)
{
	struct dialog *d = &dialog_cur;
	char b0[128], b1[64];
	int bx, l0, l1;

	dialog_draw_message(
	    win, d->message, 2, 3, w - 6, h - 2, theme_attr(THEME_DIALOG));
	snprintf(b0, sizeof b0, "[ y %s ]", d->label);
	snprintf(b1, sizeof b1, "[ n cancel ]");
	l0 = tui_width(b0, strlen(b0));
	l1 = (int)strlen(b1);
	bx = (w - l0 - l1 - 2) / 2;
	if (bx < 1)
		bx = 1;
	tui_put(win, h - 2, bx, b0, w - bx - 1, 0,
	    theme_attr(d->button == 0 ? THEME_BUTTON_FOCUS : THEME_BUTTON));
	if (bx + l0 + 2 + l1 < w)
		tui_put(win, h - 2, bx + l0 + 2, b1, l1, 0,
		    theme_attr(
			d->button == 1 ? THEME_BUTTON_FOCUS : THEME_BUTTON));
}

static void
dialog_draw_editor(WINDOW *win, int h, int w)
{
	struct dialog *d = &dialog_cur;
	const char *s = d->text.data != NULL ? d->text.data : "";
	size_t line = 0, i, bol, eol, cline = 0, ccol;
	int y, top, rows, tw = w - 4, hs, used;
	attr_t ta = theme_attr(THEME_PROMPT), ca = theme_attr(THEME_SELECTED);
	char hint[160];

	y = 1;
	if (d->help != NULL)
		y = dialog_draw_message(
		    win, d->help, y, 2, w - 4, h / 2, theme_attr(THEME_DIALOG));
	rows = h - y - 3 - (d->error != NULL ? 1 : 0);
	if (rows < 1)
		rows = 1;
	/* The cursor's line, to scroll it into view. */
	for (i = 0; i < d->cur && i < d->text.len; i++) {
		if (s[i] == '\n')
			cline++;
	}
	top = d->top;
	if ((int)cline < top)
		top = (int)cline;
	if ((int)cline >= top + rows)
		top = (int)cline - rows + 1;
	d->top = top;
	bol = 0;
	for (line = 0; (int)line < top + rows; line++) {
		eol = dialog_eol(&d->text, bol);
		if ((int)line >= top) {
			int ry = y + (int)line - top;

			tui_fill(win, ry, 2, tw, ta);
			hs = 0;
			if (line == cline) {
				ccol = (size_t)tui_width(s + bol, d->cur - bol);
				if ((int)ccol >= tw)
					hs = (int)ccol - tw + 1;
			}
			/* Skip hs cells, then draw what fits. */
			i = bol;
			used = 0;
			while (i < eol && used < hs) {
				int cw;

				i += tui_char(s + i, eol - i, &cw);
				used += cw;
			}
			tui_putn(win, ry, 2, s + i, eol - i, tw, 0, ta);
			if (line == cline) {
				int cx = tui_width(s + i, d->cur - i);
				size_t cn =
				    d->cur < eol
					? dialog_next(&d->text, d->cur) - d->cur
					: 0;

				if (cx < tw) {
					if (cn > 0)
						tui_putn(win, ry, 2 + cx,
						    s + d->cur, cn, 2, 0, ca);
					else
						tui_put(win, ry, 2 + cx, " ", 1,
						    0, ca);
				}
			}
		}
		if (eol >= d->text.len)
			break;
		bol = eol + 1;
	}
	y += rows;
	if (d->error != NULL)
		tui_put(win, y++, 2, d->error, tw, TUI_ELLIPSIS,
		    theme_attr(THEME_ERROR));
	snprintf(hint, sizeof hint, "Ctrl-S %s   Esc cancel", d->label);
	tui_put(win, h - 2, 2, hint, tw, TUI_ELLIPSIS,
	    theme_attr(THEME_BUTTON_FOCUS));
}

void
dialog_draw(WINDOW *win)
{
	int h, w;

	if (!dialog_cur.open || win == NULL)
		return;
	getmaxyx(win, h, w);
	if (h < 3 || w < 6)
		return;
	dialog_frame(win, h, w);
	if (dialog_cur.editor)
		dialog_draw_editor(win, h, w);
	else
		dialog_draw_confirm(win, h, w);
}
