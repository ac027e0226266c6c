/*
 * Drawing helpers shared by the widgets and the views: UTF-8 aware text
 * measuring and clipping (display cells, not bytes), padded cell output,
 * and the console's date, age and duration formats. Text that reaches
 * these functions is already sanitized; bytes that still do not decode are
 * drawn as '?'.
 */

#ifndef SNOWDECK_TUI_DRAW_H
#define SNOWDECK_TUI_DRAW_H

#include <stddef.h>

#include <curses.h>

struct buf;

/*
 * Decodes the character at s (len > 0 bytes): returns its length in bytes
 * and its display cells in *cells. Undecodable or control bytes are one
 * byte, one cell (drawn as '?').
 */
size_t tui_char(const char *s, size_t len, int *cells);

/* Display cells of the first len bytes of s (tabs count as one cell). */
int tui_width(const char *s, size_t len);

/*
 * How many bytes of s (len bytes) fit in width cells without splitting a
 * character; *used (optional) gets the cells they take.
 */
size_t tui_fit(const char *s, size_t len, int width, int *used);

/* Flags of tui_put. */
#define TUI_LEFT     0x0
#define TUI_RIGHT    0x1 /* align right inside width */
#define TUI_PAD      0x2 /* fill the rest of width with spaces */
#define TUI_ELLIPSIS 0x4 /* mark clipped text with an ellipsis */

/*
 * Draws the NUL-terminated s at (y, x) of w in at most width cells with
 * attribute a. Returns the cells drawn (width when TUI_PAD).
 */
int tui_put(
    WINDOW *w, int y, int x, const char *s, int width, int flags, attr_t a);
/* The same for len bytes. */
int tui_putn(WINDOW *w, int y, int x, const char *s, size_t len, int width,
    int flags, attr_t a);

/* Fills width cells at (y, x) with spaces in attribute a. */
void tui_fill(WINDOW *w, int y, int x, int width, attr_t a);

/*
 * Draws a border round win in attribute a: box-drawing characters in a
 * UTF-8 locale, "+-|" otherwise (never the alternate character set, so
 * screen dumps read the same as the screen).
 */
void tui_box(WINDOW *win, attr_t a);

/*
 * Appends the text of every row of win to out, one '\n'-terminated line
 * per row, trailing spaces dropped (screen dumps and golden tests).
 */
void tui_win_text(WINDOW *win, struct buf *out);

/* "…" in a UTF-8 locale, "~" otherwise. */
const char *tui_ellipsis(void);
/* Whether the locale can show UTF-8 (MB_CUR_MAX > 1). */
int tui_utf8(void);

/*
 * The clock views use for ages and "today": the wall clock, or a fixed
 * time set by tests and demos (tui_set_now(0) returns to the wall clock).
 */
double tui_now(void);
void tui_set_now(double);

/*
 * Local time for a table cell: "HH:MM:SS" when t is on the same local day
 * as now, else "YYYY-MM-DD HH:MM:SS"; t <= 0 gives "-".
 */
void tui_fmt_time(double t, double now, char *buf, size_t len);
/* "3m ago", "in 5m", "now"; t <= 0 gives "-". */
void tui_fmt_ago(double t, double now, char *buf, size_t len);
/* "850ms", "42s", "1m05s", "2h03m"; negative gives "-". */
void tui_fmt_dur(double secs, char *buf, size_t len);
/* "512 B", "1.2 KiB", "3.4 MiB". */
void tui_fmt_bytes(size_t n, char *buf, size_t len);

#endif
