/*
 * A list on top and a text below it, with the keyboard on one of them:
 * the key routing between the two and the header line over the text.
 */

#include "listtext.h"

#include <stdio.h>
#include <string.h>

#include "list.h"
#include "prompt.h"
#include "textview.h"
#include "theme.h"
#include "tui_draw.h"

void
listtext_init(struct listtext *lt, struct list *list, struct textview *tv,
    enum keymap_ctx ctx, enum keymap_action to_text, enum keymap_action to_list)
{
	memset(lt, 0, sizeof *lt);
	lt->list = list;
	lt->tv = tv;
	lt->ctx = ctx;
	lt->to_text = to_text;
	lt->to_list = to_list;
}

int
listtext_action(struct listtext *lt, int key, enum keymap_action *a)
{
	*a = KA_NONE;
	/* The search prompt takes every key until Enter or Esc. */
	if (textview_editing(lt->tv)) {
		textview_key(lt->tv, key);
		return LISTTEXT_HANDLED;
	}
	if (!list_editing(lt->list))
		*a = keymap_lookup(lt->ctx, key);
	return LISTTEXT_IGNORED;
}

int
listtext_key(struct listtext *lt, int key, enum keymap_action a)
{
	int r;

	if (a == lt->to_text && !lt->text_focus) {
		lt->text_focus = 1;
		return LISTTEXT_HANDLED;
	}
	if (lt->text_focus) {
		/* Scrolling, search, n/N, wrap; Esc clears a search first. */
		if (textview_key(lt->tv, key) != TEXTVIEW_IGNORED)
			return LISTTEXT_HANDLED;
		if (a == lt->to_list) {
			lt->text_focus = 0;
			return LISTTEXT_HANDLED;
		}
		return LISTTEXT_IGNORED;
	}
	r = list_key(lt->list, key);
	if (r != LIST_IGNORED)
		return LISTTEXT_HANDLED | (r & LIST_MOVED ? LISTTEXT_MOVED : 0);
	/* With the keyboard on the list, w and Space still wrap and page
	 * the text. */
	if (a != lt->to_list && textview_key(lt->tv, key) != TEXTVIEW_IGNORED)
		return LISTTEXT_HANDLED;
	return LISTTEXT_IGNORED;
}

/* The name of the first key bound to action a in lt's context. */
static const char *
listtext_key_name(
    const struct listtext *lt, enum keymap_action a, char *buf, size_t len)
{
	const struct keymap_entry *e = keymap_find(lt->ctx, a);

	if (e == NULL) {
		snprintf(buf, len, "?");
		return buf;
	}
	return keymap_key_name(e->key, buf, len);
}

/* The line above the text; focused: the keyboard is on the text. */
static void
listtext_header(struct listtext *lt, WINDOW *win, int y, int w, int focused,
    const char *what, const char *keys)
{
	char line[512], st[PROMPT_MAX + 96], kt[32], kl[32];
	attr_t a = theme_attr(focused ? THEME_TITLE_FOCUS : THEME_HEADER);
	int sw = 0;

	listtext_key_name(lt, lt->to_text, kt, sizeof kt);
	listtext_key_name(lt, lt->to_list, kl, sizeof kl);
	if (focused)
		snprintf(line, sizeof line,
		    "%s %s /: search, n/N: next/prev match, %s: list%s%s", what,
		    tui_utf8() ? "▸" : ">", kl, keys != NULL ? ", " : "",
		    keys != NULL ? keys : "");
	else if (keys != NULL)
		snprintf(
		    line, sizeof line, "%s (%s: search, %s)", what, kt, keys);
	else
		snprintf(line, sizeof line, "%s", what);
	tui_fill(win, y, 0, w, a);
	if (focused || lt->tv->pattern[0] != '\0') {
		textview_status(lt->tv, st, sizeof st);
		sw = tui_width(st, strlen(st)) + 2;
		if (sw > w / 2)
			sw = 0;
		else
			tui_put(win, y, w - sw + 1, st, sw - 1, 0, a);
	}
	tui_put(win, y, 0, line, w - sw, TUI_ELLIPSIS, a);
}

void
listtext_draw(struct listtext *lt, WINDOW *win, int y, int lh, int h, int w,
    int focused, const char *what, const char *keys)
{
	list_draw(lt->list, win, y, 0, lh, w, focused && !lt->text_focus);
	if (lh < h) {
		/* The text first: following moves its cursor to the end. */
		textview_draw(lt->tv, win, y + lh + 1, 0, h - lh - 1, w,
		    focused && lt->text_focus);
		listtext_header(
		    lt, win, y + lh, w, focused && lt->text_focus, what, keys);
	}
}
