/*
 * Theme data: the slot table, the compiled-in default and monochrome
 * schemes, the pure theme-file parser and the file lookup. No curses calls
 * here (tui/palette.c applies a theme to the screen), so the parser can be
 * fuzzed on its own.
 */

#include "theme.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util.h"

#ifndef SNOWDECK_DATADIR
#define SNOWDECK_DATADIR "/usr/local/share/snowdeck"
#endif

/* Theme files are small; anything bigger is not a theme. */
#define THEME_MAX_FILE (256 * 1024)

#define THEME_NAME(id, name) name,
static const char *const theme_names[THEME_NSLOTS] = { THEME_SLOTS(
    THEME_NAME) };
#undef THEME_NAME

static const char *const theme_colour_names[16] = { "black", "red", "green",
	"yellow", "blue", "magenta", "cyan", "white", "brightblack",
	"brightred", "brightgreen", "brightyellow", "brightblue",
	"brightmagenta", "brightcyan", "brightwhite" };

static const struct {
	const char *name;
	int bit;
} theme_attr_names[] = {
	{ "bold", THEME_A_BOLD },
	{ "bright", THEME_A_BOLD },
	{ "underline", THEME_A_UNDERLINE },
	{ "underscore", THEME_A_UNDERLINE },
	{ "reverse", THEME_A_REVERSE },
	{ "dim", THEME_A_DIM },
	{ "italic", THEME_A_ITALIC },
	{ "italics", THEME_A_ITALIC },
};

#define S(f, b, a)                                 \
	{                                          \
		.fg = (f), .bg = (b), .attrs = (a) \
	}
#define B THEME_A_BOLD
#define U THEME_A_UNDERLINE
#define R THEME_A_REVERSE
#define D THEME_A_DIM

/* The default scheme: 256-colour values (degraded to 16 when needed).
 * State colours follow the Airflow palettes (anchors-tui.md 5.2). */
static const struct theme_style theme_scheme_default[THEME_NSLOTS] = {
	[THEME_DEFAULT] = S(-1, -1, 0),
	[THEME_BORDER] = S(240, -1, 0),
	[THEME_BORDER_FOCUS] = S(39, -1, B),
	[THEME_TITLE] = S(250, -1, 0),
	[THEME_TITLE_FOCUS] = S(81, -1, B),
	[THEME_HEADER] = S(110, -1, B),
	[THEME_SELECTED] = S(231, 24, B),
	[THEME_SELECTED_INACTIVE] = S(-1, 237, 0),
	[THEME_MARKED] = S(81, -1, B),
	[THEME_MATCH] = S(16, 220, 0),
	[THEME_DIM] = S(244, -1, 0),
	[THEME_PAUSED] = S(244, -1, 0),
	[THEME_BRAND] = S(16, 39, B),
	[THEME_TAB] = S(245, -1, 0),
	[THEME_TAB_VISIBLE] = S(252, -1, B),
	[THEME_TAB_ACTIVE] = S(231, 24, B),
	[THEME_CRUMB] = S(110, -1, 0),
	[THEME_STATUSBAR] = S(250, 235, 0),
	[THEME_HINT_KEY] = S(81, 235, B),
	[THEME_HINT] = S(245, 235, 0),
	[THEME_INFO] = S(114, 235, 0),
	[THEME_WARN] = S(220, 235, B),
	[THEME_ERROR] = S(203, 235, B),
	[THEME_BADGE_INSECURE] = S(231, 160, B),
	[THEME_BADGE_READONLY] = S(16, 214, B),
	[THEME_PROMPT] = S(231, 235, 0),
	[THEME_DIALOG] = S(252, 236, 0),
	[THEME_DIALOG_BORDER] = S(214, 236, B),
	[THEME_BUTTON] = S(250, 238, 0),
	[THEME_BUTTON_FOCUS] = S(16, 214, B),
	[THEME_JSON_KEY] = S(110, -1, 0),
	[THEME_JSON_STRING] = S(150, -1, 0),
	[THEME_JSON_NUMBER] = S(180, -1, 0),
	[THEME_JSON_LITERAL] = S(176, -1, 0),
	[THEME_FOLD] = S(16, 244, 0),
	[THEME_LOG_ERROR] = S(203, -1, 0),
	[THEME_LOG_WARN] = S(221, -1, 0),
	[THEME_STATE_NONE] = S(110, -1, 0),
	[THEME_STATE_QUEUED] = S(246, -1, 0),
	[THEME_STATE_SCHEDULED] = S(180, -1, 0),
	[THEME_STATE_RUNNING] = S(45, -1, B),
	[THEME_STATE_SUCCESS] = S(34, -1, 0),
	[THEME_STATE_FAILED] = S(196, -1, B),
	[THEME_STATE_UP_FOR_RETRY] = S(220, -1, 0),
	[THEME_STATE_UP_FOR_RESCHEDULE] = S(80, -1, 0),
	[THEME_STATE_UPSTREAM_FAILED] = S(208, -1, 0),
	[THEME_STATE_SKIPPED] = S(205, -1, 0),
	[THEME_STATE_DEFERRED] = S(98, -1, 0),
	[THEME_STATE_REMOVED] = S(250, -1, 0),
	[THEME_STATE_RESTARTING] = S(213, -1, 0),
	[THEME_STATE_UNKNOWN] = S(-1, -1, 0),
};

/* Monochrome: attributes only; the state glyphs carry the meaning. */
static const struct theme_style theme_scheme_mono[THEME_NSLOTS] = {
	[THEME_DEFAULT] = S(-1, -1, 0),
	[THEME_BORDER] = S(-1, -1, 0),
	[THEME_BORDER_FOCUS] = S(-1, -1, B),
	[THEME_TITLE] = S(-1, -1, 0),
	[THEME_TITLE_FOCUS] = S(-1, -1, B | R),
	[THEME_HEADER] = S(-1, -1, B | U),
	[THEME_SELECTED] = S(-1, -1, R),
	[THEME_SELECTED_INACTIVE] = S(-1, -1, U),
	[THEME_MARKED] = S(-1, -1, B),
	[THEME_MATCH] = S(-1, -1, B | U),
	[THEME_DIM] = S(-1, -1, D),
	[THEME_PAUSED] = S(-1, -1, D),
	[THEME_BRAND] = S(-1, -1, B | R),
	[THEME_TAB] = S(-1, -1, 0),
	[THEME_TAB_VISIBLE] = S(-1, -1, B),
	[THEME_TAB_ACTIVE] = S(-1, -1, R),
	[THEME_CRUMB] = S(-1, -1, 0),
	[THEME_STATUSBAR] = S(-1, -1, R),
	[THEME_HINT_KEY] = S(-1, -1, R | B),
	[THEME_HINT] = S(-1, -1, R),
	[THEME_INFO] = S(-1, -1, R),
	[THEME_WARN] = S(-1, -1, R | B),
	[THEME_ERROR] = S(-1, -1, R | B | U),
	[THEME_BADGE_INSECURE] = S(-1, -1, B),
	[THEME_BADGE_READONLY] = S(-1, -1, B),
	[THEME_PROMPT] = S(-1, -1, 0),
	[THEME_DIALOG] = S(-1, -1, 0),
	[THEME_DIALOG_BORDER] = S(-1, -1, B),
	[THEME_BUTTON] = S(-1, -1, 0),
	[THEME_BUTTON_FOCUS] = S(-1, -1, R | B),
	[THEME_JSON_KEY] = S(-1, -1, B),
	[THEME_JSON_STRING] = S(-1, -1, 0),
	[THEME_JSON_NUMBER] = S(-1, -1, 0),
	[THEME_JSON_LITERAL] = S(-1, -1, 0),
	[THEME_FOLD] = S(-1, -1, R),
	[THEME_LOG_ERROR] = S(-1, -1, B),
	[THEME_LOG_WARN] = S(-1, -1, U),
	[THEME_STATE_NONE] = S(-1, -1, 0),
	[THEME_STATE_QUEUED] = S(-1, -1, 0),
	[THEME_STATE_SCHEDULED] = S(-1, -1, 0),
	[THEME_STATE_RUNNING] = S(-1, -1, U),
	[THEME_STATE_SUCCESS] = S(-1, -1, 0),
	[THEME_STATE_FAILED] = S(-1, -1, B),
	[THEME_STATE_UP_FOR_RETRY] = S(-1, -1, U),
	[THEME_STATE_UP_FOR_RESCHEDULE] = S(-1, -1, U),
	[THEME_STATE_UPSTREAM_FAILED] = S(-1, -1, B),
	[THEME_STATE_SKIPPED] = S(-1, -1, D),
	[THEME_STATE_DEFERRED] = S(-1, -1, 0),
	[THEME_STATE_REMOVED] = S(-1, -1, D),
	[THEME_STATE_RESTARTING] = S(-1, -1, U),
	[THEME_STATE_UNKNOWN] = S(-1, -1, 0),
};

#undef S
#undef B
#undef U
#undef R
#undef D

const char *
theme_slot_name(enum theme_slot s)
{
	if ((int)s < 0 || s >= THEME_NSLOTS)
		return "?";
	return theme_names[s];
}

int
theme_slot_lookup(const char *name, size_t len)
{
	int i;

	for (i = 0; i < THEME_NSLOTS; i++) {
		if (strlen(theme_names[i]) == len &&
		    memcmp(theme_names[i], name, len) == 0)
			return i;
	}
	return -1;
}

void
theme_default(struct theme *out)
{
	memcpy(out->slot, theme_scheme_default, sizeof out->slot);
	out->mono = 0;
}

void
theme_mono(struct theme *out)
{
	memcpy(out->slot, theme_scheme_mono, sizeof out->slot);
	out->mono = 1;
}

/* The xterm palette as RGB, for the 256 -> 16 mapping. */
static void
theme_rgb(int c, int *r, int *g, int *b)
{
	static const unsigned char ansi[16][3] = { { 0, 0, 0 }, { 205, 0, 0 },
		{ 0, 205, 0 }, { 205, 205, 0 }, { 0, 0, 238 }, { 205, 0, 205 },
		{ 0, 205, 205 }, { 229, 229, 229 }, { 127, 127, 127 },
		{ 255, 0, 0 }, { 0, 255, 0 }, { 255, 255, 0 }, { 92, 92, 255 },
		{ 255, 0, 255 }, { 0, 255, 255 }, { 255, 255, 255 } };
	static const int level[6] = { 0, 95, 135, 175, 215, 255 };

	if (c < 16) {
		*r = ansi[c][0];
		*g = ansi[c][1];
		*b = ansi[c][2];
	} else if (c < 232) {
		c -= 16;
		*r = level[c / 36];
		*g = level[(c / 6) % 6];
		*b = level[c % 6];
	} else
		*r = *g = *b = 8 + (c - 232) * 10;
}

short
theme_colour16(short c)
{
	int r, g, b, r2, g2, b2, i, best = 0;
	long d, bestd = -1;

	if (c < 16 || c > 255)
		return c;
	theme_rgb(c, &r, &g, &b);
	for (i = 0; i < 16; i++) {
		theme_rgb(i, &r2, &g2, &b2);
		d = (long)(r - r2) * (r - r2) + (long)(g - g2) * (g - g2) +
		    (long)(b - b2) * (b - b2);
		if (bestd < 0 || d < bestd) {
			bestd = d;
			best = i;
		}
	}
	return (short)best;
}

enum theme_slot
theme_state_slot(int state)
{
	/* enum af_state order: none, queued, scheduled, running, success,
	 * failed, up_for_retry, up_for_reschedule, upstream_failed, skipped,
	 * deferred, removed, restarting, unknown. */
	if (state < 0 || state > THEME_STATE_UNKNOWN - THEME_STATE_NONE)
		return THEME_STATE_UNKNOWN;
	return (enum theme_slot)(THEME_STATE_NONE + state);
}

/* Copies at most 32 bytes of s into a quotable, printable form. */
static void
theme_quote(const char *s, size_t len, char *out, size_t outlen)
{
	size_t i, n = 0;

	for (i = 0; i < len && n + 4 < outlen && i < 32; i++) {
		unsigned char c = (unsigned char)s[i];

		out[n++] = (c < 0x20 || c >= 0x7f) ? '?' : (char)c;
	}
	if (i < len && n + 4 < outlen) {
		out[n++] = '.';
		out[n++] = '.';
		out[n++] = '.';
	}
	out[n] = '\0';
}

static int
theme_fail(
    char **cause, size_t line, const char *what, const char *s, size_t len)
{
	char q[48];

	if (cause != NULL) {
		if (s != NULL) {
			theme_quote(s, len, q, sizeof q);
			*cause = xasprintf("line %zu: %s '%s'", line, what, q);
		} else
			*cause = xasprintf("line %zu: %s", line, what);
	}
	return -1;
}

static int
theme_eq(const char *s, size_t len, const char *word)
{
	size_t i;

	if (strlen(word) != len)
		return 0;
	for (i = 0; i < len; i++) {
		if (tolower((unsigned char)s[i]) != word[i])
			return 0;
	}
	return 1;
}

/* Parses one colour; returns 0 and *out, or -1. */
static int
theme_parse_colour(const char *s, size_t len, short *out)
{
	size_t i, skip;
	int n = 0;

	if (theme_eq(s, len, "default")) {
		*out = -1;
		return 0;
	}
	for (i = 0; i < 16; i++) {
		if (theme_eq(s, len, theme_colour_names[i])) {
			*out = (short)i;
			return 0;
		}
	}
	if (len > 6 && (theme_eq(s, 6, "colour")))
		skip = 6;
	else if (len > 5 && theme_eq(s, 5, "color"))
		skip = 5;
	else
		return -1;
	if (len - skip > 3)
		return -1;
	for (i = skip; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		n = n * 10 + (s[i] - '0');
	}
	if (n > 255)
		return -1;
	*out = (short)n;
	return 0;
}

static void
theme_trim(const char **s, size_t *len)
{
	while (*len > 0 && (**s == ' ' || **s == '\t')) {
		(*s)++;
		(*len)--;
	}
	while (*len > 0 && ((*s)[*len - 1] == ' ' || (*s)[*len - 1] == '\t' ||
			       (*s)[*len - 1] == '\r'))
		(*len)--;
}

/* Parses "fg=red,bg=colour8,bold" into st. */
static int
theme_parse_style(const char *v, size_t vlen, struct theme_style *st,
    size_t line, char **cause)
{
	const char *item, *comma;
	size_t ilen, i;
	int found;

	st->fg = st->bg = -1;
	st->attrs = 0;
	if (vlen == 0)
		return theme_fail(cause, line, "empty style", NULL, 0);
	while (vlen > 0) {
		comma = memchr(v, ',', vlen);
		item = v;
		ilen = comma != NULL ? (size_t)(comma - v) : vlen;
		if (comma != NULL) {
			vlen -= ilen + 1;
			v = comma + 1;
		} else
			vlen = 0;
		theme_trim(&item, &ilen);
		if (ilen == 0)
			return theme_fail(
			    cause, line, "empty item in style", NULL, 0);
		if (ilen > 3 &&
		    (theme_eq(item, 3, "fg=") || theme_eq(item, 3, "bg="))) {
			short c;
			const char *cv = item + 3;
			size_t clen = ilen - 3;

			theme_trim(&cv, &clen);
			if (theme_parse_colour(cv, clen, &c) != 0)
				return theme_fail(
				    cause, line, "unknown colour", cv, clen);
			if (tolower((unsigned char)item[0]) == 'f')
				st->fg = c;
			else
				st->bg = c;
			continue;
		}
		if (theme_eq(item, ilen, "none") ||
		    theme_eq(item, ilen, "default")) {
			st->attrs = 0;
			continue;
		}
		found = 0;
		for (i = 0; i < nitems(theme_attr_names); i++) {
			if (theme_eq(item, ilen, theme_attr_names[i].name)) {
				st->attrs |= theme_attr_names[i].bit;
				found = 1;
				break;
			}
		}
		if (!found)
			return theme_fail(
			    cause, line, "unknown attribute", item, ilen);
	}
	return 0;
}

int
theme_parse(const char *buf, size_t len, struct theme *out, char **cause)
{
	const char *p = buf, *end = buf + len, *nl, *eq, *hash;
	const char *k, *v;
	size_t klen, vlen, line = 0;
	int slot, seen_slot = 0;

	theme_default(out);
	while (p < end) {
		line++;
		nl = memchr(p, '\n', (size_t)(end - p));
		k = p;
		klen = nl != NULL ? (size_t)(nl - p) : (size_t)(end - p);
		p = nl != NULL ? nl + 1 : end;
		if ((hash = memchr(k, '#', klen)) != NULL)
			klen = (size_t)(hash - k);
		theme_trim(&k, &klen);
		if (klen == 0)
			continue;
		if ((eq = memchr(k, '=', klen)) == NULL) {
			theme_fail(cause, line, "expected 'slot = style', got",
			    k, klen);
			goto fail;
		}
		v = eq + 1;
		vlen = klen - (size_t)(eq - k) - 1;
		klen = (size_t)(eq - k);
		theme_trim(&k, &klen);
		theme_trim(&v, &vlen);
		if (theme_eq(k, klen, "base")) {
			if (seen_slot) {
				theme_fail(cause, line,
				    "'base' must come before any slot", NULL,
				    0);
				goto fail;
			}
			if (theme_eq(v, vlen, "default"))
				theme_default(out);
			else if (theme_eq(v, vlen, "mono"))
				theme_mono(out);
			else {
				theme_fail(
				    cause, line, "unknown base", v, vlen);
				goto fail;
			}
			continue;
		}
		if ((slot = theme_slot_lookup(k, klen)) < 0) {
			theme_fail(cause, line, "unknown slot", k, klen);
			goto fail;
		}
		seen_slot = 1;
		if (theme_parse_style(v, vlen, &out->slot[slot], line, cause) !=
		    0)
			goto fail;
	}
	return 0;
fail:
	theme_default(out);
	return -1;
}

/* Reads a whole small file; returns a NUL-terminated heap copy or NULL. */
static char *
theme_read(const char *path, size_t *lenp, int *err)
{
	FILE *f;
	char *data = NULL;
	size_t n = 0, cap = 0, r;

	*err = 0;
	if ((f = fopen(path, "r")) == NULL) {
		*err = errno;
		return NULL;
	}
	for (;;) {
		if (n + 4096 + 1 > cap) {
			cap = cap == 0 ? 8192 : cap * 2;
			data = xrealloc(data, cap);
		}
		r = fread(data + n, 1, cap - n - 1, f);
		n += r;
		if (r == 0 || n > THEME_MAX_FILE)
			break;
	}
	if (ferror(f) || n > THEME_MAX_FILE) {
		*err = ferror(f) ? EIO : EFBIG;
		fclose(f);
		free(data);
		return NULL;
	}
	fclose(f);
	data[n] = '\0';
	*lenp = n;
	return data;
}

static int
theme_load_path(const char *path, struct theme *out, char **cause)
{
	char *data, *inner = NULL;
	size_t len = 0;
	int err, r;

	if ((data = theme_read(path, &len, &err)) == NULL) {
		if (cause != NULL)
			*cause = xasprintf("theme %s: %s", path, strerror(err));
		theme_default(out);
		return -1;
	}
	r = theme_parse(data, len, out, &inner);
	free(data);
	if (r != 0) {
		if (cause != NULL)
			*cause = xasprintf("theme %s: %s", path, inner);
		free(inner);
	}
	return r;
}

static int
theme_name_ok(const char *name)
{
	const char *p;

	if (*name == '\0' || strlen(name) > 64)
		return 0;
	for (p = name; *p != '\0'; p++) {
		if (!isalnum((unsigned char)*p) && *p != '-' && *p != '_')
			return 0;
	}
	return 1;
}

int
theme_load(const char *name, struct theme *out, char **cause)
{
	const char *root, *home, *xdg;
	char *path;
	size_t len;
	int i;

	if (name == NULL || *name == '\0')
		name = "default";
	len = strlen(name);
	if (strchr(name, '/') != NULL ||
	    (len > 6 && strcmp(name + len - 6, ".theme") == 0))
		return theme_load_path(name, out, cause);
	if (!theme_name_ok(name)) {
		if (cause != NULL)
			*cause = xstrdup("theme name must be letters, digits, "
					 "'-' or '_' (or a path)");
		theme_default(out);
		return -1;
	}
	root = getenv("SNOWDECK_ROOT");
	home = getenv("HOME");
	xdg = getenv("XDG_CONFIG_HOME");
	for (i = 0; i < 4; i++) {
		path = NULL;
		if (i == 0 && root != NULL && *root != '\0')
			path = xasprintf("%s/themes/%s.theme", root, name);
		else if (i == 1 && xdg != NULL && *xdg == '/')
			path =
			    xasprintf("%s/snowdeck/themes/%s.theme", xdg, name);
		else if (i == 2 && home != NULL && *home == '/')
			path = xasprintf(
			    "%s/.config/snowdeck/themes/%s.theme", home, name);
		else if (i == 3)
			path = xasprintf(
			    "%s/themes/%s.theme", SNOWDECK_DATADIR, name);
		if (path == NULL)
			continue;
		if (access(path, R_OK) == 0) {
			int r = theme_load_path(path, out, cause);

			free(path);
			return r;
		}
		free(path);
	}
	if (strcmp(name, "default") == 0) {
		theme_default(out);
		return 0;
	}
	if (strcmp(name, "mono") == 0) {
		theme_mono(out);
		return 0;
	}
	if (cause != NULL)
		*cause = xasprintf("theme '%s' not found (looked in "
				   "$SNOWDECK_ROOT/themes, "
				   "~/.config/snowdeck/themes, %s/themes)",
		    name, SNOWDECK_DATADIR);
	theme_default(out);
	return -1;
}
