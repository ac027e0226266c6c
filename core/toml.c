/*
 * A pure TOML reader: a cursor over the bytes, one function per grammar
 * element, values decoded into a buffer and handed to a callback.
 */

#include "toml.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

struct toml {
	const char *p, *end;
	int line;
	struct buf table; /* current table path */
	struct buf key;   /* key path, last part separately */
	struct buf last;
	struct buf val;
};

static int
toml_err(struct toml *t, char **cause, const char *what)
{
	if (*cause == NULL)
		*cause = xasprintf("TOML line %d: %s", t->line, what);
	return -1;
}

static void
toml_skip_ws(struct toml *t)
{
	while (t->p < t->end && (*t->p == ' ' || *t->p == '\t'))
		t->p++;
}

/* Skips a comment to the end of the line (not the newline). */
static void
toml_skip_comment(struct toml *t)
{
	if (t->p < t->end && *t->p == '#') {
		while (t->p < t->end && *t->p != '\n')
			t->p++;
	}
}

/* After a value or header: only spaces and a comment may follow. */
static int
toml_end_line(struct toml *t, char **cause)
{
	toml_skip_ws(t);
	toml_skip_comment(t);
	if (t->p < t->end && *t->p == '\r')
		t->p++;
	if (t->p < t->end && *t->p != '\n')
		return toml_err(t, cause, "unexpected text after the value");
	return 0;
}

static void
toml_add_utf8(struct buf *b, unsigned long cp)
{
	char u[4];

	if (cp < 0x80)
		buf_addc(b, (char)cp);
	else if (cp < 0x800) {
		u[0] = (char)(0xc0 | (cp >> 6));
		u[1] = (char)(0x80 | (cp & 0x3f));
		buf_add(b, u, 2);
	} else if (cp < 0x10000) {
		u[0] = (char)(0xe0 | (cp >> 12));
		u[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		u[2] = (char)(0x80 | (cp & 0x3f));
		buf_add(b, u, 3);
	} else {
		u[0] = (char)(0xf0 | (cp >> 18));
		u[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
		u[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
		u[3] = (char)(0x80 | (cp & 0x3f));
		buf_add(b, u, 4);
	}
}

/* Decodes an escape after the backslash of a basic string. */
static int
toml_escape(struct toml *t, struct buf *b, char **cause)
{
	unsigned long cp = 0;
	int n, i, d;
	char c;

	if (t->p >= t->end)
		return toml_err(t, cause, "unterminated string");
	c = *t->p++;
	switch (c) {
	case 'b':
		buf_addc(b, '\b');
		return 0;
	case 't':
		buf_addc(b, '\t');
		return 0;
	case 'n':
		buf_addc(b, '\n');
		return 0;
	case 'f':
		buf_addc(b, '\f');
		return 0;
	case 'r':
		buf_addc(b, '\r');
		return 0;
	case 'e':
		buf_addc(b, '\033');
		return 0;
	case '"':
	case '\\':
		buf_addc(b, c);
		return 0;
	case 'u':
	case 'U':
		n = c == 'u' ? 4 : 8;
		if (t->end - t->p < n)
			return toml_err(t, cause, "short unicode escape");
		for (i = 0; i < n; i++) {
			c = t->p[i];
			if (c >= '0' && c <= '9')
				d = c - '0';
			else if (c >= 'a' && c <= 'f')
				d = c - 'a' + 10;
			else if (c >= 'A' && c <= 'F')
				d = c - 'A' + 10;
			else
				return toml_err(t, cause, "bad unicode escape");
			cp = cp * 16 + (unsigned long)d;
		}
		t->p += n;
		if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return toml_err(t, cause, "bad unicode code point");
		toml_add_utf8(b, cp);
		return 0;
	default:
		return toml_err(t, cause, "unknown escape in a string");
	}
}

/* A string of any of the four kinds at t->p, decoded into b. */
static int
toml_string(struct toml *t, struct buf *b, char **cause)
{
	char q = *t->p;
	int multi = 0;

	if (t->end - t->p >= 3 && t->p[1] == q && t->p[2] == q) {
		multi = 1;
		t->p += 3;
		/* A newline right after the opening quotes is trimmed. */
		if (t->p < t->end && *t->p == '\n')
			t->p++, t->line++;
		else if (t->end - t->p >= 2 && t->p[0] == '\r' &&
			 t->p[1] == '\n')
			t->p += 2, t->line++;
	} else
		t->p++;
	for (;;) {
		if (t->p >= t->end)
			return toml_err(t, cause, "unterminated string");
		if (*t->p == q) {
			if (!multi) {
				t->p++;
				return 0;
			}
			if (t->end - t->p >= 3 && t->p[1] == q &&
			    t->p[2] == q) {
				t->p += 3;
				/* Up to two more quotes belong to the string.
				 */
				while (t->p < t->end && *t->p == q &&
				       (t->end - t->p < 3 || t->p[1] != q ||
					   t->p[2] != q)) {
					buf_addc(b, q);
					t->p++;
				}
				return 0;
			}
			buf_addc(b, *t->p++);
			continue;
		}
		if (*t->p == '\n') {
			if (!multi)
				return toml_err(
				    t, cause, "newline in a string");
			t->line++;
			buf_addc(b, *t->p++);
			continue;
		}
		if (q == '"' && *t->p == '\\') {
			t->p++;
			if (multi && t->p < t->end &&
			    (*t->p == '\n' || *t->p == ' ' || *t->p == '\t' ||
				*t->p == '\r')) {
				/* Line-ending backslash: trim whitespace. */
				while (t->p < t->end &&
				       (*t->p == '\n' || *t->p == ' ' ||
					   *t->p == '\t' || *t->p == '\r')) {
					if (*t->p == '\n')
						t->line++;
					t->p++;
				}
				continue;
			}
			if (toml_escape(t, b, cause) != 0)
				return -1;
			continue;
		}
		if ((unsigned char)*t->p < 0x20 && *t->p != '\t' &&
		    *t->p != '\r')
			return toml_err(
			    t, cause, "control character in a string");
		buf_addc(b, *t->p++);
	}
}

static int
toml_bare_char(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	       (c >= '0' && c <= '9') || c == '_' || c == '-';
}

/*
 * A dotted key at t->p: all parts but the last are appended to path
 * (dot-joined), the last goes to last.
 */
static int
toml_key(struct toml *t, struct buf *path, struct buf *last, char **cause)
{
	const char *s;

	for (;;) {
		toml_skip_ws(t);
		buf_reset(last);
		if (t->p >= t->end)
			return toml_err(t, cause, "expected a key");
		if (*t->p == '"' || *t->p == '\'') {
			if (t->end - t->p >= 3 && t->p[1] == *t->p &&
			    t->p[2] == *t->p)
				return toml_err(t, cause, "bad quoted key");
			if (toml_string(t, last, cause) != 0)
				return -1;
		} else {
			s = t->p;
			while (t->p < t->end && toml_bare_char(*t->p))
				t->p++;
			if (t->p == s)
				return toml_err(t, cause, "expected a key");
			buf_add(last, s, (size_t)(t->p - s));
		}
		if (last->data == NULL)
			buf_adds(last, "");
		toml_skip_ws(t);
		if (t->p < t->end && *t->p == '.') {
			t->p++;
			if (path->len > 0)
				buf_addc(path, '.');
			buf_add(path, last->data, last->len);
			continue;
		}
		return 0;
	}
}

/* An array or inline table: skipped with quote awareness, kept raw. */
static int
toml_raw_nested(struct toml *t, struct buf *b, char **cause)
{
	const char *s = t->p;
	int depth = 0, line0 = t->line;
	struct buf tmp;

	buf_init(&tmp);
	while (t->p < t->end) {
		char c = *t->p;

		if (c == '"' || c == '\'') {
			buf_reset(&tmp);
			if (toml_string(t, &tmp, cause) != 0) {
				buf_free(&tmp);
				return -1;
			}
			continue;
		}
		if (c == '#') {
			toml_skip_comment(t);
			continue;
		}
		if (c == '\n')
			t->line++;
		if (c == '[' || c == '{')
			depth++;
		else if (c == ']' || c == '}') {
			if (--depth == 0) {
				t->p++;
				buf_add(b, s, (size_t)(t->p - s));
				buf_free(&tmp);
				return 0;
			}
		}
		if (depth > 64) {
			buf_free(&tmp);
			return toml_err(t, cause, "nesting too deep");
		}
		t->p++;
	}
	buf_free(&tmp);
	t->line = line0;
	return toml_err(t, cause, "unterminated array or inline table");
}

static int
toml_value(struct toml *t, struct buf *b, enum toml_type *type, char **cause)
{
	const char *s;
	size_t n;
	int digits = 0, other = 0, fl = 0;

	toml_skip_ws(t);
	if (t->p >= t->end || *t->p == '\n' || *t->p == '#')
		return toml_err(t, cause, "missing value");
	if (*t->p == '"' || *t->p == '\'') {
		*type = TOML_STRING;
		return toml_string(t, b, cause);
	}
	if (*t->p == '[' || *t->p == '{') {
		*type = TOML_OTHER;
		return toml_raw_nested(t, b, cause);
	}
	s = t->p;
	while (t->p < t->end && *t->p != '\n' && *t->p != '#' &&
	       *t->p != '\r' && *t->p != ',' && *t->p != ' ' && *t->p != '\t') {
		t->p++;
		/* A local date-time may use a space: "1979-05-27 07:32". */
		if (t->p - s == 10 && s[4] == '-' && s[7] == '-' &&
		    t->end - t->p >= 2 && *t->p == ' ' && t->p[1] >= '0' &&
		    t->p[1] <= '9')
			t->p++;
	}
	n = (size_t)(t->p - s);
	buf_add(b, s, n);
	if ((n == 4 && memcmp(s, "true", 4) == 0) ||
	    (n == 5 && memcmp(s, "false", 5) == 0)) {
		*type = TOML_BOOL;
		return 0;
	}
	for (size_t i = 0; i < n; i++) {
		if (s[i] >= '0' && s[i] <= '9')
			digits++;
		else if (s[i] == '.' || s[i] == 'e' || s[i] == 'E')
			fl++;
		else if (!(s[i] == '_' || ((s[i] == '+' || s[i] == '-') &&
					      (i == 0 || s[i - 1] == 'e' ||
						  s[i - 1] == 'E'))))
			other++;
	}
	if (digits == 0 &&
	    !(n == 3 && (memcmp(s, "inf", 3) == 0 || memcmp(s, "nan", 3) == 0)))
		return toml_err(
		    t, cause, "unknown value (strings need quotes)");
	*type = other > 0 ? TOML_OTHER : fl > 0 ? TOML_FLOAT : TOML_INTEGER;
	return 0;
}

static int
toml_header(struct toml *t, char **cause)
{
	int aot = 0;

	t->p++;
	if (t->p < t->end && *t->p == '[') {
		aot = 1;
		t->p++;
	}
	buf_reset(&t->table);
	if (toml_key(t, &t->table, &t->last, cause) != 0)
		return -1;
	if (t->table.len > 0)
		buf_addc(&t->table, '.');
	buf_add(&t->table, t->last.data, t->last.len);
	toml_skip_ws(t);
	if (t->p >= t->end || *t->p != ']')
		return toml_err(t, cause, "expected ] after the table name");
	t->p++;
	if (aot) {
		if (t->p >= t->end || *t->p != ']')
			return toml_err(t, cause, "expected ]]");
		t->p++;
	}
	return toml_end_line(t, cause);
}

int
toml_parse(const char *text, size_t len, toml_cb cb, void *arg, char **cause)
{
	struct toml t;
	enum toml_type type = TOML_OTHER;
	int rc = -1;

	*cause = NULL;
	memset(&t, 0, sizeof t);
	t.p = text;
	t.end = text + len;
	t.line = 1;
	buf_init(&t.table);
	buf_init(&t.key);
	buf_init(&t.last);
	buf_init(&t.val);
	buf_adds(&t.table, "");
	/* A UTF-8 byte order mark is allowed. */
	if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0)
		t.p += 3;
	while (t.p < t.end) {
		toml_skip_ws(&t);
		if (t.p >= t.end)
			break;
		if (*t.p == '\n') {
			t.p++;
			t.line++;
			continue;
		}
		if (*t.p == '\r' || *t.p == '#') {
			toml_skip_comment(&t);
			if (t.p < t.end && *t.p == '\r')
				t.p++;
			continue;
		}
		if (*t.p == '[') {
			if (toml_header(&t, cause) != 0)
				goto out;
			continue;
		}
		buf_reset(&t.key);
		buf_add(&t.key, t.table.data, t.table.len);
		if (toml_key(&t, &t.key, &t.last, cause) != 0)
			goto out;
		toml_skip_ws(&t);
		if (t.p >= t.end || *t.p != '=') {
			toml_err(&t, cause, "expected = after the key");
			goto out;
		}
		t.p++;
		buf_reset(&t.val);
		if (toml_value(&t, &t.val, &type, cause) != 0 ||
		    toml_end_line(&t, cause) != 0)
			goto out;
		if (t.val.data == NULL)
			buf_adds(&t.val, "");
		if (t.key.data == NULL)
			buf_adds(&t.key, "");
		if (cb(t.key.data, t.last.data, t.val.data, type, arg, cause) !=
		    0) {
			toml_err(&t, cause, "rejected by the reader");
			goto out;
		}
	}
	rc = 0;
out:
	buf_free(&t.table);
	buf_free(&t.key);
	buf_free(&t.last);
	/* Values may be secrets: wipe before freeing. */
	if (t.val.data != NULL)
		memset(t.val.data, 0, t.val.cap);
	buf_free(&t.val);
	return rc;
}

int
toml_string_array(const char *raw, char ***out, char **cause)
{
	struct toml t;
	struct buf b;
	char **v = NULL;
	size_t n = 0;

	*out = NULL;
	memset(&t, 0, sizeof t);
	t.p = raw;
	t.end = raw + strlen(raw);
	t.line = 1;
	buf_init(&b);
	toml_skip_ws(&t);
	if (t.p >= t.end || *t.p != '[') {
		*cause = xstrdup("not an array");
		return -1;
	}
	t.p++;
	for (;;) {
		while (t.p < t.end &&
		       (*t.p == ' ' || *t.p == '\t' || *t.p == '\r' ||
			   *t.p == '\n' || *t.p == ',' || *t.p == '#')) {
			if (*t.p == '#')
				toml_skip_comment(&t);
			else
				t.p++;
		}
		if (t.p < t.end && *t.p == ']')
			break;
		if (t.p >= t.end || (*t.p != '"' && *t.p != '\'')) {
			*cause = xstrdup("an element is not a string");
			goto bad;
		}
		buf_reset(&b);
		if (toml_string(&t, &b, cause) != 0)
			goto bad;
		v = xreallocarray(v, n + 2, sizeof *v);
		v[n++] = xstrndup(b.data != NULL ? b.data : "", b.len);
		v[n] = NULL;
	}
	buf_free(&b);
	if (n == 0) {
		*cause = xstrdup("the array is empty");
		free(v);
		return -1;
	}
	*out = v;
	return 0;
bad:
	buf_free(&b);
	while (n > 0)
		free(v[--n]);
	free(v);
	return -1;
}
