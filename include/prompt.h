/*
 * A one-line editor for the ':' command line and the '/' filter and search
 * prompts: insert, Backspace, Delete, Left/Right, Home/End (Ctrl-A/E),
 * Ctrl-U, Ctrl-W, Ctrl-K, history on Up/Down, Tab reported for completion.
 * Only printable characters are accepted (no controls, no bidi or other
 * invisible format characters), so what it holds is safe to draw.
 */

#ifndef SNOWDECK_PROMPT_H
#define SNOWDECK_PROMPT_H

#include <stddef.h>

#include <curses.h>

#define PROMPT_MAX     256 /* bytes of text, UTF-8 */
#define PROMPT_HISTORY 64

struct prompt {
	char buf[PROMPT_MAX];
	size_t len; /* bytes in buf (NUL-terminated) */
	size_t cur; /* cursor, a byte offset on a character boundary */
	char *hist[PROMPT_HISTORY]; /* oldest first, owned */
	size_t nhist;
	size_t hpos;            /* nhist while editing a new line */
	char saved[PROMPT_MAX]; /* the new line while browsing history */
};

/* What prompt_key did. */
#define PROMPT_IGNORED  0 /* not an editing key */
#define PROMPT_EDITED   1 /* the text changed */
#define PROMPT_MOVED    2 /* only the cursor moved */
#define PROMPT_ACCEPT   3 /* Enter: the text is final (added to history) */
#define PROMPT_CANCEL   4 /* Esc */
#define PROMPT_COMPLETE 5 /* Tab: the caller completes */

void prompt_init(struct prompt *);
/* Frees the history. */
void prompt_free(struct prompt *);
/* Starts editing with initial text (NULL = empty), cursor at the end. */
void prompt_start(struct prompt *, const char *initial);
/* Replaces the text (completion), cursor at the end. */
void prompt_set(struct prompt *, const char *text);
/* Handles one key (keymap.h codes); returns PROMPT_*. */
int prompt_key(struct prompt *, int key);
/* The text (borrowed, NUL-terminated). */
const char *prompt_text(const struct prompt *);
/* Adds a line to the history (empty and repeated lines are skipped). */
void prompt_history_add(struct prompt *, const char *);

/*
 * Whether a typed key may be inserted as text: a printable character, not
 * a control, not a bidi or invisible format character.
 */
int prompt_accepts(int key);
/* Encodes code point c as UTF-8 into out (4 bytes); returns the length. */
size_t prompt_utf8(int c, char *out);

/*
 * Draws lead (":" or "/") and the text at (y, x) in width cells with
 * attribute a, scrolled so the cursor shows; the cursor cell is drawn with
 * cursor_a (the real terminal cursor stays hidden).
 */
void prompt_draw(const struct prompt *, WINDOW *, int y, int x, int width,
    const char *lead, attr_t a, attr_t cursor_a);

#endif
