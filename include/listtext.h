/*
 * A list on top and a text below it, with the keyboard on one of them:
 * the services page (a service's detail or logs) and the jobs page (a
 * job's output). The view's "to the text" key (Enter) moves the keyboard
 * to the text, whose header line then says so in the focused title's
 * colours; there j/k scroll, '/' searches, n/N go to the next/previous
 * match, G follows; the view's "to the list" key (Esc) first clears a
 * search, then gives the keyboard back to the list, whose '/' filters
 * the rows. The view's own actions come between the two steps of the key
 * routing (listtext_action, then listtext_key), so they work with the
 * keyboard on either.
 */

#ifndef SNOWDECK_LISTTEXT_H
#define SNOWDECK_LISTTEXT_H

#include <curses.h>

#include "keymap.h"

struct list;
struct textview;

struct listtext {
	struct list *list;          /* borrowed from the view */
	struct textview *tv;        /* borrowed from the view */
	enum keymap_ctx ctx;        /* the view's key map context */
	enum keymap_action to_text; /* its "keyboard to the text" action */
	enum keymap_action to_list; /* its "back to the list" action */
	int text_focus;             /* the keys go to the text, not the list */
};

/* What listtext_action and listtext_key did. */
#define LISTTEXT_IGNORED 0x0
#define LISTTEXT_HANDLED 0x1
#define LISTTEXT_MOVED   0x2 /* the list's selection changed */

/*
 * Sets lt up over list and tv, both borrowed: they must outlive it (they
 * sit beside it in the view's data). The keyboard starts on the list.
 */
void listtext_init(struct listtext *lt, struct list *list, struct textview *tv,
    enum keymap_ctx ctx, enum keymap_action to_text,
    enum keymap_action to_list);

/*
 * The first step of the view's key handler. While the text's search
 * prompt is open it takes every key: returns LISTTEXT_HANDLED, and the
 * view returns at once. Otherwise returns LISTTEXT_IGNORED with *a the
 * key's action in ctx: KA_NONE while the list's filter prompt is open
 * (it takes every key; the view's own actions wait).
 */
int listtext_action(struct listtext *lt, int key, enum keymap_action *a);

/*
 * The last step, for a key the view's own actions did not take (a as
 * listtext_action gave it). to_text moves the keyboard to the text. With
 * the keyboard there, the text's keys (scrolling, '/' search, n/N, wrap;
 * Esc clears a search first), then to_list gives it back to the list.
 * With the keyboard on the list, the list's keys ('/' filters), then the
 * text's keys the list does not use (w, Space), except to_list. Returns
 * LISTTEXT_IGNORED (the view passes the key on), or LISTTEXT_HANDLED, or
 * LISTTEXT_HANDLED | LISTTEXT_MOVED when the list's selection changed
 * (the view then shows the new entry's text).
 */
int listtext_key(struct listtext *lt, int key, enum keymap_action a);

/*
 * Draws the list in rows y .. y+lh-1 of win (w cells wide) and, when the
 * h rows from y leave any below it, a header line and the text under it;
 * focused is whether the view has the keyboard. The header is what (the
 * text's subject, e.g. " logs, following") and keys (the view's text
 * keys, e.g. "f: stop, w: wrap"; NULL: none): with the keyboard on the
 * text, "WHAT ▸ /: search, n/N: next/prev match, Esc: list, KEYS" in the
 * focused title's colours, the text's status (line, wrap, follow,
 * /pattern [i/n]) on the right; otherwise "WHAT (Enter: search, KEYS)"
 * (with no keys: WHAT alone), the status on the right only while a search
 * is set. The key names come from the key map. what and keys are
 * borrowed for the call and already sanitized.
 */
void listtext_draw(struct listtext *lt, WINDOW *win, int y, int lh, int h,
    int w, int focused, const char *what, const char *keys);

#endif
