/* Text measuring, clipping and the shared cell formats. */

#include "tui_draw.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <limits.h>
#include <wchar.h>

#include <curses.h>

#include "timefmt.h"
#include "util.h"

/* A fixed clock for tests and demos; 0 = the wall clock. */
static double draw_fixed_now;

/*
 * Decodes one character at s (at most len bytes): returns its byte length
 * (>= 1) and its cell width in *w; an undecodable or non-printable byte
 * has length 1 and *bad set.
 */
static size_t
draw_char(const char *s, size_t len, int *w, int *bad)
{
	mbstate_t st;
	wchar_t wc;
	size_t n;
	int cw;

	*bad = 0;
	if ((unsigned char)*s < 0x80) {
		*w = 1;
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			*bad = *s != '\t';
		return 1;
	}
	memset(&st, 0, sizeof st);
	n = mbrtowc(&wc, s, len, &st);
	if (n == (size_t)-1 || n == (size_t)-2 || n == 0) {
		*w = 1;
		*bad = 1;
		return 1;
	}
	cw = wcwidth(wc);
	if (cw < 0) {
		*w = 1;
		*bad = 1;
		return n;
	}
	*w = cw;
	return n;
}

size_t
tui_char(const char *s, size_t len, int *cells)
{
	int bad;

	return draw_char(s, len, cells, &bad);
}

int
tui_width(const char *s, size_t len)
{
	size_t i = 0, n;
	int w, bad, total = 0;

	while (i < len) {
		n = draw_char(s + i, len - i, &w, &bad);
		total += w;
		i += n;
	}
	return total;
}

size_t
tui_fit(const char *s, size_t len, int width, int *used)
{
	size_t i = 0, n;
	int w, bad, total = 0;

	while (i < len) {
		n = draw_char(s + i, len - i, &w, &bad);
		if (total + w > width)
			break;
		total += w;
		i += n;
	}
	if (used != NULL)
		*used = total;
	return i;
}

const char *
tui_ellipsis(void)
{
	return tui_utf8() ? "\xe2\x80\xa6" : "~";
}

int
tui_utf8(void)
{
	return MB_CUR_MAX > 1;
}

/*
 * Draws n bytes known to fit, replacing undecodable bytes with '?'. Where
 * the locale is not UTF-8, a whole "…" (3 bytes, 3 cells there) is drawn
 * "..." rather than "???": the messages use it.
 */
static void
draw_bytes(WINDOW *w, const char *s, size_t n)
{
	size_t i = 0, k, start = 0;
	int cw, bad;

	while (i < n) {
		k = draw_char(s + i, n - i, &cw, &bad);
		if (bad && n - i >= 3 &&
		    memcmp(s + i, "\xe2\x80\xa6", 3) == 0) {
			if (i > start)
				waddnstr(w, s + start, (int)(i - start));
			waddstr(w, "...");
			i += 3;
			start = i;
			continue;
		}
		if (bad || s[i] == '\t') {
			if (i > start)
				waddnstr(w, s + start, (int)(i - start));
			waddch(w, s[i] == '\t' ? ' ' : '?');
			start = i + k;
		}
		i += k;
	}
	if (n > start)
		waddnstr(w, s + start, (int)(n - start));
}

int
tui_putn(WINDOW *w, int y, int x, const char *s, size_t len, int width,
    int flags, attr_t a)
{
	size_t fit;
	int used, ell = 0, pad;

	if (width <= 0)
		return 0;
	fit = tui_fit(s, len, width, &used);
	if (fit < len && (flags & TUI_ELLIPSIS) && width >= 2) {
		fit = tui_fit(s, len, width - 1, &used);
		ell = 1;
	}
	pad = width - used - ell;
	wattrset(w, a);
	wmove(w, y, x);
	if ((flags & TUI_RIGHT) && pad > 0) {
		wprintw(w, "%*s", pad, "");
		pad = 0;
	}
	draw_bytes(w, s, fit);
	if (ell)
		waddstr(w, tui_ellipsis());
	if ((flags & TUI_PAD) && pad > 0)
		wprintw(w, "%*s", pad, "");
	else if (!(flags & TUI_RIGHT))
		width = used + ell;
	wattrset(w, A_NORMAL);
	return width;
}

int
tui_put(WINDOW *w, int y, int x, const char *s, int width, int flags, attr_t a)
{
	return tui_putn(w, y, x, s, strlen(s), width, flags, a);
}

void
tui_fill(WINDOW *w, int y, int x, int width, attr_t a)
{
	if (width <= 0)
		return;
	wattrset(w, a);
	mvwprintw(w, y, x, "%*s", width, "");
	wattrset(w, A_NORMAL);
}

double
tui_now(void)
{
	return draw_fixed_now > 0 ? draw_fixed_now : util_wall();
}

void
tui_set_now(double t)
{
	draw_fixed_now = t;
}

void
tui_fmt_time(double t, double now, char *buf, size_t len)
{
	struct tm tm, tn;
	time_t tt, nn;

	if (!(t > 0)) {
		snprintf(buf, len, "-");
		return;
	}
	tt = time_from_double(t);
	nn = time_from_double(now);
	if (localtime_r(&tt, &tm) == NULL || localtime_r(&nn, &tn) == NULL) {
		snprintf(buf, len, "?");
		return;
	}
	if (tm.tm_year == tn.tm_year && tm.tm_yday == tn.tm_yday)
		strftime(buf, len, "%H:%M:%S", &tm);
	else
		strftime(buf, len, "%Y-%m-%d %H:%M:%S", &tm);
}

void
tui_fmt_ago(double t, double now, char *buf, size_t len)
{
	char age[32];

	if (t <= 0) {
		snprintf(buf, len, "-");
		return;
	}
	if (t > now + 1) {
		time_format_age(now - (t - now), now, age, sizeof age);
		snprintf(buf, len, "in %s", age);
		return;
	}
	time_format_age(t, now, age, sizeof age);
	if (strcmp(age, "now") == 0)
		snprintf(buf, len, "now");
	else
		snprintf(buf, len, "%s ago", age);
}

void
tui_fmt_dur(double secs, char *buf, size_t len)
{
	time_format_duration(secs, buf, len);
}

void
tui_fmt_bytes(size_t n, char *buf, size_t len)
{
	if (n < 1024)
		snprintf(buf, len, "%zu B", n);
	else if (n < 1024 * 1024)
		snprintf(buf, len, "%.1f KiB", (double)n / 1024);
	else if (n < (size_t)1024 * 1024 * 1024)
		snprintf(buf, len, "%.1f MiB", (double)n / (1024 * 1024));
	else
		snprintf(
		    buf, len, "%.1f GiB", (double)n / (1024.0 * 1024 * 1024));
}

void
tui_win_text(WINDOW *win, struct buf *out)
{
	cchar_t cc;
	wchar_t wc[CCHARW_MAX + 1];
	attr_t a;
	short pair;
	char mb[MB_LEN_MAX * (CCHARW_MAX + 1) + 1];
	mbstate_t st;
	size_t start, n, i;
	int y, x, rows, cols, cw;

	getmaxyx(win, rows, cols);
	for (y = 0; y < rows; y++) {
		start = out->len;
		for (x = 0; x < cols; x++) {
			if (mvwin_wch(win, y, x, &cc) == ERR ||
			    getcchar(&cc, wc, &a, &pair, NULL) == ERR ||
			    wc[0] == L'\0') {
				buf_addc(out, ' ');
				continue;
			}
			memset(&st, 0, sizeof st);
			for (i = 0; wc[i] != L'\0' && i < CCHARW_MAX; i++) {
				n = wcrtomb(mb, wc[i], &st);
				if (n == (size_t)-1) {
					buf_addc(out, '?');
					continue;
				}
				buf_add(out, mb, n);
			}
			/* A double-width character covers the next cell. */
			cw = wcwidth(wc[0]);
			if (cw == 2)
				x++;
		}
		while (out->len > start && out->data[out->len - 1] == ' ')
			out->len--;
		buf_addc(out, '\n');
	}
}

void
tui_box(WINDOW *win, attr_t a)
{
	cchar_t c[6];
	static const wchar_t u[6][2] = { { 0x2502, 0 }, { 0x2500, 0 },
		{ 0x250c, 0 }, { 0x2510, 0 }, { 0x2514, 0 }, { 0x2518, 0 } };
	static const wchar_t s[6][2] = { { L'|', 0 }, { L'-', 0 }, { L'+', 0 },
		{ L'+', 0 }, { L'+', 0 }, { L'+', 0 } };
	int i, utf8 = tui_utf8();

	for (i = 0; i < 6; i++)
		setcchar(&c[i], utf8 ? u[i] : s[i], a & ~A_COLOR,
		    (short)PAIR_NUMBER(a), NULL);
	wborder_set(
	    win, &c[0], &c[0], &c[1], &c[1], &c[2], &c[3], &c[4], &c[5]);
}
