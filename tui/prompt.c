/* The one-line editor behind ':' and '/'. */

#include "prompt.h"

#include <stdlib.h>
#include <string.h>
#include <wctype.h>

#include <curses.h>

#include "keymap.h"
#include "tui_draw.h"
#include "util.h"

void
prompt_init(struct prompt *p)
{
	memset(p, 0, sizeof *p);
}

void
prompt_free(struct prompt *p)
{
	size_t i;

	for (i = 0; i < p->nhist; i++)
		free(p->hist[i]);
	p->nhist = 0;
}

void
prompt_set(struct prompt *p, const char *text)
{
	size_t n = text != NULL ? strlen(text) : 0;

	if (n >= PROMPT_MAX)
		n = PROMPT_MAX - 1;
	/* Never cut a UTF-8 sequence in half. */
	while (n > 0 && n < (text != NULL ? strlen(text) : 0) &&
	       ((unsigned char)text[n] & 0xc0) == 0x80)
		n--;
	if (n > 0)
		memcpy(p->buf, text, n);
	p->buf[n] = '\0';
	p->len = p->cur = n;
}

void
prompt_start(struct prompt *p, const char *initial)
{
	prompt_set(p, initial);
	p->hpos = p->nhist;
	p->saved[0] = '\0';
}

const char *
prompt_text(const struct prompt *p)
{
	return p->buf;
}

void
prompt_history_add(struct prompt *p, const char *s)
{
	if (s == NULL || *s == '\0')
		return;
	if (p->nhist > 0 && strcmp(p->hist[p->nhist - 1], s) == 0)
		return;
	if (p->nhist == PROMPT_HISTORY) {
		free(p->hist[0]);
		memmove(p->hist, p->hist + 1,
		    (PROMPT_HISTORY - 1) * sizeof *p->hist);
		p->nhist--;
	}
	p->hist[p->nhist++] = xstrdup(s);
	p->hpos = p->nhist;
}

int
prompt_accepts(int c)
{
	if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0))
		return 0;
	if (c >= KEYC_FN || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	/* Bidi controls and invisible formatting (like sanitize.h). */
	if ((c >= 0x200b && c <= 0x200f) || (c >= 0x202a && c <= 0x202e) ||
	    (c >= 0x2060 && c <= 0x2069) || c == 0x061c || c == 0xfeff ||
	    c == 0x00ad)
		return 0;
	if (c >= 0x80 && !iswprint((wint_t)c))
		return 0;
	return 1;
}

size_t
prompt_utf8(int c, char *out)
{
	if (c < 0x80) {
		out[0] = (char)c;
		return 1;
	}
	if (c < 0x800) {
		out[0] = (char)(0xc0 | (c >> 6));
		out[1] = (char)(0x80 | (c & 0x3f));
		return 2;
	}
	if (c < 0x10000) {
		out[0] = (char)(0xe0 | (c >> 12));
		out[1] = (char)(0x80 | ((c >> 6) & 0x3f));
		out[2] = (char)(0x80 | (c & 0x3f));
		return 3;
	}
	out[0] = (char)(0xf0 | (c >> 18));
	out[1] = (char)(0x80 | ((c >> 12) & 0x3f));
	out[2] = (char)(0x80 | ((c >> 6) & 0x3f));
	out[3] = (char)(0x80 | (c & 0x3f));
	return 4;
}

static size_t
prompt_prev(const struct prompt *p, size_t i)
{
	if (i == 0)
		return 0;
	i--;
	while (i > 0 && ((unsigned char)p->buf[i] & 0xc0) == 0x80)
		i--;
	return i;
}

static size_t
prompt_next(const struct prompt *p, size_t i)
{
	if (i >= p->len)
		return p->len;
	i++;
	while (i < p->len && ((unsigned char)p->buf[i] & 0xc0) == 0x80)
		i++;
	return i;
}

/* Deletes bytes [from, to). */
static void
prompt_cut(struct prompt *p, size_t from, size_t to)
{
	if (to <= from)
		return;
	memmove(p->buf + from, p->buf + to, p->len - to + 1);
	p->len -= to - from;
	if (p->cur > to)
		p->cur -= to - from;
	else if (p->cur > from)
		p->cur = from;
}

static void
prompt_history_move(struct prompt *p, int dir)
{
	if (dir < 0) {
		if (p->hpos == 0)
			return;
		if (p->hpos == p->nhist)
			memcpy(p->saved, p->buf, p->len + 1);
		p->hpos--;
		prompt_set(p, p->hist[p->hpos]);
	} else {
		if (p->hpos >= p->nhist)
			return;
		p->hpos++;
		prompt_set(
		    p, p->hpos == p->nhist ? p->saved : p->hist[p->hpos]);
	}
}

int
prompt_key(struct prompt *p, int key)
{
	char enc[4];
	size_t n, i;

	switch (keymap_lookup(KM_PROMPT, key)) {
	case KA_ACCEPT:
		prompt_history_add(p, p->buf);
		return PROMPT_ACCEPT;
	case KA_CANCEL:
		return PROMPT_CANCEL;
	case KA_COMPLETE:
		return PROMPT_COMPLETE;
	case KA_HIST_PREV:
		prompt_history_move(p, -1);
		return PROMPT_EDITED;
	case KA_HIST_NEXT:
		prompt_history_move(p, 1);
		return PROMPT_EDITED;
	case KA_KILL_LINE:
		prompt_cut(p, 0, p->cur);
		return PROMPT_EDITED;
	case KA_KILL_EOL:
		prompt_cut(p, p->cur, p->len);
		return PROMPT_EDITED;
	case KA_KILL_WORD:
		i = p->cur;
		while (i > 0 && p->buf[i - 1] == ' ')
			i--;
		while (i > 0 && p->buf[i - 1] != ' ')
			i--;
		prompt_cut(p, i, p->cur);
		return PROMPT_EDITED;
	case KA_BOL:
		p->cur = 0;
		return PROMPT_MOVED;
	case KA_EOL:
		p->cur = p->len;
		return PROMPT_MOVED;
	case KA_CHAR_LEFT:
		p->cur = prompt_prev(p, p->cur);
		return PROMPT_MOVED;
	case KA_CHAR_RIGHT:
		p->cur = prompt_next(p, p->cur);
		return PROMPT_MOVED;
	case KA_DEL_BACK:
		prompt_cut(p, prompt_prev(p, p->cur), p->cur);
		return PROMPT_EDITED;
	case KA_DEL_FWD:
		prompt_cut(p, p->cur, prompt_next(p, p->cur));
		return PROMPT_EDITED;
	default:
		break;
	}
	if (!prompt_accepts(key))
		return PROMPT_IGNORED;
	n = prompt_utf8(key, enc);
	if (p->len + n >= PROMPT_MAX)
		return PROMPT_MOVED;
	memmove(p->buf + p->cur + n, p->buf + p->cur, p->len - p->cur + 1);
	memcpy(p->buf + p->cur, enc, n);
	p->len += n;
	p->cur += n;
	return PROMPT_EDITED;
}

void
prompt_draw(const struct prompt *p, WINDOW *w, int y, int x, int width,
    const char *lead, attr_t a, attr_t cursor_a)
{
	size_t start = 0, cn;
	int lw, avail, used;

	if (width <= 0)
		return;
	tui_fill(w, y, x, width, a);
	lw = tui_put(w, y, x, lead, width, 0, a);
	avail = width - lw - 1; /* one cell for the cursor at the end */
	if (avail <= 0)
		return;
	/* Scroll: drop characters from the left until the cursor fits. */
	while (start < p->cur &&
	       tui_width(p->buf + start, p->cur - start) > avail - 1)
		start = prompt_next(p, start);
	used =
	    tui_putn(w, y, x + lw, p->buf + start, p->len - start, avail, 0, a);
	(void)used;
	used = tui_width(p->buf + start, p->cur - start);
	if (p->cur < p->len) {
		cn = prompt_next(p, p->cur) - p->cur;
		tui_putn(
		    w, y, x + lw + used, p->buf + p->cur, cn, 2, 0, cursor_a);
	} else
		tui_put(w, y, x + lw + used, " ", 1, 0, cursor_a);
}
