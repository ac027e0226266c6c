/*
 * A scrolling text widget for XCom values, logs and the help page. The
 * text is borrowed from its owner (a model) and given again before every
 * key and draw, because a growing log moves. Only the lines on screen are
 * looked at when drawing, so the text may be megabytes.
 *
 * It has a cursor line; wrap on/off (w) with horizontal scrolling when off
 * (< >); '/' search with n/N and highlighted matches; follow mode (f) that
 * keeps the end in view as lines arrive; and, for JSON, folding of the
 * object or array opened on a line (z, Enter, Space on such a line; Z
 * folds every block below the top level, again unfolds all).
 */

#ifndef SNOWDECK_TEXTVIEW_H
#define SNOWDECK_TEXTVIEW_H

#include <stddef.h>

#include <curses.h>

#include "prompt.h"

/* A folded block: lines start+1 .. end are hidden behind start. */
struct textview_fold {
	size_t start, end;
};

struct textview {
	/* The text, borrowed (textview_set). */
	const char *text;
	size_t len;
	const size_t *lines;
	size_t nlines;
	size_t *own_lines; /* the index textview_set_text made, owned */

	int flags;
#define TEXTVIEW_JSON   0x1 /* colour JSON tokens; folding */
#define TEXTVIEW_LOG    0x2 /* colour ERROR / WARNING lines */
#define TEXTVIEW_LIVE   0x4 /* the text grows: G and End follow again */
#define TEXTVIEW_NOCURS 0x8 /* no cursor line (help page) */
	size_t cur;         /* cursor line */
	size_t top;         /* first line on screen */
	int topsub;         /* rows of top scrolled off (wrapping) */
	int hscroll;        /* cells scrolled left (not wrapping) */
	int wrap;
	int follow;
	int page;      /* rows on screen at the last draw */
	int width;     /* text cells at the last draw */
	size_t bottom; /* last line on screen at the last draw */

	struct textview_fold *folds; /* sorted by start */
	size_t nfolds, foldcap;

	int searching; /* the '/' prompt is open */
	struct prompt prompt;
	char pattern[PROMPT_MAX];
	const char *note; /* static: "search wrapped", "not found" */
	/* The last search's count: the match is the match_i-th of match_n
	 * matching lines, counted over match_lines lines (0: no count). */
	size_t match_i, match_n, match_lines;
};

/* What textview_key did (OR-able with list.h's values). */
#define TEXTVIEW_IGNORED 0x0
#define TEXTVIEW_HANDLED 0x1

void textview_init(struct textview *, int flags);
void textview_free(struct textview *);

/* Gives the text (borrowed until the next call). */
void textview_set(struct textview *, const char *text, size_t len,
    const size_t *lines, size_t nlines);

/*
 * Gives the text (borrowed until the next call), indexing its lines into
 * an array the textview owns (the previous one is freed). text may be NULL
 * for none.
 */
void textview_set_text(struct textview *, const char *text, size_t len);

/*
 * Shows text built from server or operator strings: sanitizes it in place
 * (sanitize.h: controls, escapes, invalid UTF-8, bidi; newlines kept),
 * then gives it as textview_set_text does (text stays the caller's and is
 * borrowed until the next call).
 */
struct buf;
void textview_set_untrusted(struct textview *, struct buf *text);

/* New content: cursor to the top, folds dropped (search kept). */
void textview_reset(struct textview *);

int textview_key(struct textview *, int key);
void textview_draw(
    struct textview *, WINDOW *, int y, int x, int h, int w, int focused);

/* Title suffix: "12/340 wrap follow /text [3/17]" ("[3/17+]": lines
 * arrived since the count; n counts again). */
const char *textview_status(const struct textview *, char *buf, size_t len);

int textview_editing(const struct textview *);
void textview_set_follow(struct textview *, int on);

/* Folds or unfolds the block opened on (or enclosing) line; 0 or -1. */
int textview_fold(struct textview *, size_t line);
/* Whether line is hidden inside a fold. */
int textview_hidden(const struct textview *, size_t line);
/* The line a block opened on line closes on; -1 if it opens none. */
long textview_block_end(const struct textview *, size_t line);
/*
 * Moves to the next (dir > 0) or previous line holding the pattern
 * (text_find: a substring, ignoring ASCII case), wrapping around, and
 * counts the matching lines; 0, or -1 with note "not found". Walks the
 * text once.
 */
int textview_search(struct textview *, const char *pattern, int dir);
/* The first n lines of the text went (a bounded log dropped its oldest):
 * the cursor, top line and folds move up with the lines that stay. Call
 * before textview_set with the shorter text. */
void textview_drop(struct textview *, size_t n);
/* Rows line takes at width cells (wrapping on). */
int textview_rows(const struct textview *, size_t line, int width);

/* Indexes line starts of text into a new array (owned by the caller). */
size_t *textview_index(const char *text, size_t len, size_t *nlines);

#endif
