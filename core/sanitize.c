/* Terminal-safe text and secret masking: pure functions over bytes. */

/*
 * Everything a server, a log or a file supplies passes sanitize_append()
 * before it reaches the terminal: the output is valid UTF-8 without escape
 * sequences, control characters or characters that reorder or hide text.
 * The redactor then masks secrets before anything reaches the screen, a log
 * or the audit file. Both are single forward scans, linear in the input,
 * with no failure paths (the buffer allocators never fail).
 */

#include "sanitize.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include <cjson/cJSON.h>

#include "util.h"

#define SANITIZE_FFFD "\xef\xbf\xbd"
#define REDACT_MASK   "***"

/* ---- sanitizing --------------------------------------------------------- */

/*
 * Decodes the UTF-8 sequence at s (len > 0 bytes). Returns the bytes used,
 * with *cp the code point, or with *cp = -1 for an ill-formed sequence; the
 * count is then its maximal subpart (Unicode 15, section 3.9), so each
 * becomes one U+FFFD and decoding resumes at the offending byte.
 */
static size_t
sanitize_utf8(const unsigned char *s, size_t len, long *cp)
{
	unsigned char c = s[0], lo = 0x80, hi = 0xbf;
	size_t need, i;
	long v;

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xc2 && c <= 0xdf) {
		need = 1;
		v = c & 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		need = 2;
		v = c & 0x0f;
		if (c == 0xe0)
			lo = 0xa0; /* overlong */
		else if (c == 0xed)
			hi = 0x9f; /* surrogates */
	} else if (c >= 0xf0 && c <= 0xf4) {
		need = 3;
		v = c & 0x07;
		if (c == 0xf0)
			lo = 0x90; /* overlong */
		else if (c == 0xf4)
			hi = 0x8f; /* > U+10FFFF */
	} else {
		*cp = -1; /* continuation, C0/C1 overlong lead, F5..FF */
		return 1;
	}
	for (i = 1; i <= need; i++) {
		if (i >= len || s[i] < lo || s[i] > hi) {
			*cp = -1;
			return i;
		}
		v = (v << 6) | (s[i] & 0x3f);
		lo = 0x80;
		hi = 0xbf;
	}
	*cp = v;
	return need + 1;
}

/* Skips a CSI body (parameters, intermediates, final) from s[i]. */
static size_t
sanitize_skip_csi(const unsigned char *s, size_t len, size_t i)
{
	while (i < len && s[i] >= 0x30 && s[i] <= 0x3f)
		i++;
	while (i < len && s[i] >= 0x20 && s[i] <= 0x2f)
		i++;
	if (i < len && s[i] >= 0x40 && s[i] <= 0x7e)
		i++;
	/* Anything else ends the sequence and is looked at afresh. */
	return i;
}

/*
 * Skips a control string (OSC, DCS, SOS, PM, APC) from s[i]: up to and
 * including BEL or C1 ST; an ESC ends it too (ESC \ is ST, and a terminal
 * would start a new sequence) and is left for the caller. A string
 * unterminated at the end of the input swallows the rest.
 */
static size_t
sanitize_skip_string(const unsigned char *s, size_t len, size_t i)
{
	for (; i < len; i++) {
		if (s[i] == 0x07)
			return i + 1;
		if (s[i] == 0x1b)
			return i;
		if (s[i] == 0xc2 && i + 1 < len && s[i + 1] == 0x9c)
			return i + 2;
	}
	return len;
}

/* Skips what follows an ESC at s[i - 1]. */
static size_t
sanitize_skip_escape(const unsigned char *s, size_t len, size_t i)
{
	if (i >= len)
		return len;
	switch (s[i]) {
	case '[':
		return sanitize_skip_csi(s, len, i + 1);
	case ']':
	case 'P':
	case 'X':
	case '^':
	case '_':
		return sanitize_skip_string(s, len, i + 1);
	default:
		break;
	}
	if (s[i] >= 0x20 && s[i] <= 0x2f) {
		/* nF escape: intermediates, then a final byte. */
		while (i < len && s[i] >= 0x20 && s[i] <= 0x2f)
			i++;
		if (i < len && s[i] >= 0x30 && s[i] <= 0x7e)
			i++;
		return i;
	}
	if (s[i] >= 0x30 && s[i] <= 0x7e)
		return i + 1; /* two-byte escape */
	return i;             /* a lone ESC */
}

/* Returns 1 for the invisible format characters that are dropped. */
static int
sanitize_is_invisible(long cp)
{
	return cp == 0x061c ||                   /* arabic letter mark */
	       (cp >= 0x200b && cp <= 0x200f) || /* zero width, LRM, RLM */
	       (cp >= 0x202a && cp <= 0x202e) || /* embeddings, overrides */
	       (cp >= 0x2060 && cp <= 0x2064) || /* word joiner, invisibles */
	       (cp >= 0x2066 && cp <= 0x206f) || /* isolates, deprecated */
	       cp == 0xfeff ||                   /* BOM, ZWNBSP */
	       (cp >= 0xfff9 && cp <= 0xfffb) || /* interlinear annotation */
	       (cp >= 0xe0000 && cp <= 0xe007f); /* tag characters */
}

size_t
sanitize_append(struct buf *out, const char *s, size_t len, int flags)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, j, n, changes = 0;
	unsigned char c;
	long cp;

	if (out->data == NULL)
		buf_add(out, "", 0); /* NUL-terminated even when empty */
	while (i < len) {
		c = p[i];
		if (c >= 0x20 && c < 0x7f) {
			for (j = i + 1; j < len && p[j] >= 0x20 && p[j] < 0x7f;
			     j++)
				;
			buf_add(out, s + i, j - i);
			i = j;
			continue;
		}
		if (c == 0x1b) {
			i = sanitize_skip_escape(p, len, i + 1);
			changes++;
			continue;
		}
		if (c < 0x20 || c == 0x7f) {
			if (c == '\n' && (flags & SANITIZE_KEEP_NL))
				buf_addc(out, '\n');
			else if (c == '\t' && (flags & SANITIZE_KEEP_TAB))
				buf_addc(out, '\t');
			else {
				changes++;
				if (c == '\n' || c == '\t')
					buf_addc(out, ' ');
				else if (c != '\r' || i + 1 >= len ||
					 p[i + 1] != '\n')
					buf_adds(out, SANITIZE_FFFD);
				/* else CR before LF: dropped */
			}
			i++;
			continue;
		}
		n = sanitize_utf8(p + i, len - i, &cp);
		i += n;
		if (cp < 0) {
			buf_adds(out, SANITIZE_FFFD);
			changes++;
		} else if (cp >= 0x80 && cp <= 0x9f) {
			/* C1 controls; the introducers take their sequence. */
			changes++;
			if (cp == 0x9b)
				i = sanitize_skip_csi(p, len, i);
			else if (cp == 0x90 || cp == 0x98 || cp == 0x9d ||
				 cp == 0x9e || cp == 0x9f)
				i = sanitize_skip_string(p, len, i);
		} else if (cp == 0x2028 || cp == 0x2029) {
			buf_addc(out, ' ');
			changes++;
		} else if (sanitize_is_invisible(cp))
			changes++;
		else
			buf_add(out, s + i - n, n);
	}
	return changes;
}

char *
sanitize_dup(const char *s, size_t len, int flags)
{
	struct buf b;

	buf_init(&b);
	sanitize_append(&b, s, len, flags);
	return buf_detach(&b);
}

/* Appends the JSON escape of the code point cp (a pair above U+FFFF). */
static void
sanitize_json_escape(struct buf *out, long cp)
{
	unsigned int v = (unsigned int)cp;

	if (v > 0xffff) {
		v -= 0x10000;
		buf_printf(out, "\\u%04x\\u%04x", 0xd800 + (v >> 10),
		    0xdc00 + (v & 0x3ff));
	} else
		buf_printf(out, "\\u%04x", v);
}

size_t
sanitize_json_append(struct buf *out, const char *json, size_t len)
{
	const unsigned char *p = (const unsigned char *)json;
	size_t i = 0, j, n, changes = 0;
	unsigned char c;
	long cp;

	if (out->data == NULL)
		buf_add(out, "", 0); /* NUL-terminated even when empty */
	while (i < len) {
		c = p[i];
		if ((c >= 0x20 && c < 0x7f) || c == '\t' || c == '\n' ||
		    c == '\r') {
			for (j = i + 1;
			     j < len &&
			     ((p[j] >= 0x20 && p[j] < 0x7f) || p[j] == '\t' ||
				 p[j] == '\n' || p[j] == '\r');
			     j++)
				;
			buf_add(out, json + i, j - i);
			i = j;
			continue;
		}
		if (c < 0x80) { /* other C0 controls, DEL */
			sanitize_json_escape(out, c);
			changes++;
			i++;
			continue;
		}
		n = sanitize_utf8(p + i, len - i, &cp);
		i += n;
		if (cp < 0) {
			buf_adds(out, "\\ufffd");
			changes++;
		} else if ((cp >= 0x80 && cp <= 0x9f) || cp == 0x2028 ||
			   cp == 0x2029 || sanitize_is_invisible(cp)) {
			sanitize_json_escape(out, cp);
			changes++;
		} else
			buf_add(out, json + i - n, n);
	}
	return changes;
}

/* ---- secret names ------------------------------------------------------- */

int
redact_key_is_secret(const char *name)
{
	static const char *const parts[] = { "password", "passwd", "passphrase",
		"secret", "token", "apikey", "accesskey", "privatekey",
		"credential", "authorization", "cookie", "session", "signature",
		"bearer", "jwt", "clientkey", "signingkey", "encryptionkey",
		"masterkey" };
	static const char *const whole[] = { "pwd", "pass", "auth", "sig" };
	char norm[128];
	size_t n = 0, i;
	unsigned char c;

	if (name == NULL)
		return 0;
	for (; *name != '\0' && n < sizeof norm - 1; name++) {
		c = (unsigned char)*name;
		if (c == '-' || c == '_' || c == ' ' || c == '.')
			continue;
		if (c >= 'A' && c <= 'Z')
			c = (unsigned char)(c - 'A' + 'a');
		norm[n++] = (char)c;
	}
	norm[n] = '\0';
	for (i = 0; i < nitems(parts); i++) {
		if (strstr(norm, parts[i]) != NULL)
			return 1;
	}
	for (i = 0; i < nitems(whole); i++) {
		if (strcmp(norm, whole[i]) == 0)
			return 1;
	}
	/* auth_header, authkey, ...; not author or authenticated. */
	if (strncmp(norm, "auth", 4) == 0 && strncmp(norm, "author", 6) != 0 &&
	    strncmp(norm, "authenticat", 11) != 0)
		return 1;
	return 0;
}

/* ---- text redaction ----------------------------------------------------- */

struct redact {
	struct buf *out;
	const char *s;
	size_t len;
	size_t masks;
	size_t jwt_skip; /* no JWT can start before this offset */
};

static int
redact_is_ident(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.';
}

static int
redact_is_b64url(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '_' || c == '-';
}

/* RFC 7235 token68 characters, the alphabet of Bearer and Basic values. */
static int
redact_is_token68(unsigned char c)
{
	return redact_is_b64url(c) || c == '.' || c == '~' || c == '+' ||
	       c == '/';
}

static int
redact_has_prefix(const struct redact *r, size_t i, const char *p)
{
	size_t n = strlen(p);

	return r->len - i >= n && memcmp(r->s + i, p, n) == 0;
}

static int
redact_has_word(const struct redact *r, size_t i, size_t j, const char *w)
{
	size_t n = strlen(w);

	return j - i == n && strncasecmp(r->s + i, w, n) == 0;
}

/* Finds p in s[i..len); returns its offset or len. */
static size_t
redact_find(const struct redact *r, size_t i, const char *p)
{
	size_t n = strlen(p);

	for (; i + n <= r->len; i++) {
		if (r->s[i] == p[0] && memcmp(r->s + i, p, n) == 0)
			return i;
	}
	return r->len;
}

static void
redact_mask(struct redact *r)
{
	buf_adds(r->out, REDACT_MASK);
	r->masks++;
}

/*
 * A PEM private key block at s[i] ("-----BEGIN ... PRIVATE KEY-----"):
 * masks it through its END line, or to the end when unterminated. Returns
 * the offset after it, or i when there is none.
 */
static size_t
redact_pem(struct redact *r, size_t i)
{
	size_t j, end;

	if (!redact_has_prefix(r, i, "-----BEGIN "))
		return i;
	/* The label: capitals, digits and spaces ("RSA PRIVATE KEY"). */
	for (j = i + 11; j < r->len && j - i < 80; j++) {
		if ((r->s[j] < 'A' || r->s[j] > 'Z') &&
		    (r->s[j] < '0' || r->s[j] > '9') && r->s[j] != ' ')
			break;
	}
	if (!redact_has_prefix(r, j, "-----") || j - i < 11 + 11 ||
	    memcmp(r->s + j - 11, "PRIVATE KEY", 11) != 0)
		return i;
	end = redact_find(r, j + 5, "-----END ");
	if (end < r->len) {
		end = redact_find(r, end + 9, "-----");
		if (end < r->len)
			end += 5;
	}
	redact_mask(r);
	return end;
}

/*
 * A JWT at s[i]: "eyJ" base64url, '.', base64url, then any further
 * ".base64url" parts (JWS, JWE). Returns its length or 0.
 */
static size_t
redact_jwt(struct redact *r, size_t i)
{
	size_t j = i, parts = 0, n;

	if (!redact_has_prefix(r, i, "eyJ"))
		return 0;
	for (;;) {
		for (n = 0; j < r->len && redact_is_b64url(r->s[j]); j++)
			n++;
		if (parts == 0)
			r->jwt_skip = j; /* a later start fails the same way */
		if ((parts == 0 && n < 5) || (parts == 1 && n < 2))
			return 0;
		parts++;
		if (j + 1 < r->len && r->s[j] == '.' &&
		    redact_is_b64url(r->s[j + 1]))
			j++;
		else if (j < r->len && r->s[j] == '.' && parts == 2)
			j++; /* unsigned: empty signature */
		else
			break;
	}
	return parts >= 2 ? j - i : 0;
}

/*
 * After an authentication scheme word ending at s[j]: blanks, then the
 * credential, masked. Basic needs something base64-looking so prose ("Basic
 * setup") survives. Returns the offset after it, or 0 when there is none.
 */
static size_t
redact_credential(struct redact *r, size_t i, size_t j, int basic)
{
	size_t k, t, lower = 0;

	for (k = j; k < r->len && (r->s[k] == ' ' || r->s[k] == '\t'); k++)
		;
	if (k == j)
		return 0;
	for (t = k; t < r->len && redact_is_token68(r->s[t]); t++) {
		if (r->s[t] >= 'a' && r->s[t] <= 'z')
			lower++;
	}
	while (t < r->len && r->s[t] == '=')
		t++;
	if (t == k || (basic && (t - k < 4 || lower == t - k)))
		return 0;
	buf_add(r->out, r->s + i, k - i);
	redact_mask(r);
	return t;
}

/* Length of a quoted value's body from s[i] (after the opening quote). */
static size_t
redact_quoted_end(const struct redact *r, size_t i, char q, int escaped)
{
	for (; i < r->len && r->s[i] != '\n'; i++) {
		if (escaped) {
			if (r->s[i] == '\\' && i + 1 < r->len &&
			    r->s[i + 1] == q)
				return i;
		} else if (r->s[i] == '\\' && i + 1 < r->len &&
			   r->s[i + 1] != '\n')
			i++;
		else if (r->s[i] == q)
			return i;
	}
	return i;
}

/* End of a JSON object or array value starting at s[i]. */
static size_t
redact_bracket_end(const struct redact *r, size_t i)
{
	size_t depth = 0;

	for (; i < r->len; i++) {
		switch (r->s[i]) {
		case '"':
			i = redact_quoted_end(r, i + 1, '"', 0);
			if (i >= r->len)
				return r->len;
			break;
		case '{':
		case '[':
			depth++;
			break;
		case '}':
		case ']':
			if (--depth == 0)
				return i + 1;
			break;
		default:
			break;
		}
	}
	return r->len;
}

static int
redact_is_scheme(const struct redact *r, size_t i, size_t j)
{
	return redact_has_word(r, i, j, "Bearer") ||
	       redact_has_word(r, i, j, "Basic") ||
	       redact_has_word(r, i, j, "Digest") ||
	       redact_has_word(r, i, j, "Token") ||
	       redact_has_word(r, i, j, "Snowflake") ||
	       redact_has_word(r, i, j, "Negotiate") ||
	       redact_has_word(r, i, j, "AWS4-HMAC-SHA256");
}

/*
 * A secret-looking key s[i..j) (an identifier, perhaps quoted): when a
 * separator and a value follow, copies the key and separator and masks the
 * whole value. Returns the offset after the value, or 0 when there is none.
 */
static size_t
redact_pair(struct redact *r, size_t i, size_t j)
{
	size_t k = j, v, e, w;
	int quoted = 0, esc;
	char q, sep;

	/*
	 * A closing quote makes it a quoted key; the opening one is not
	 * looked at, so that a mask's quote before a key changes nothing.
	 */
	if (k + 1 < r->len && r->s[k] == '\\' &&
	    (r->s[k + 1] == '"' || r->s[k + 1] == '\'')) {
		k += 2;
		quoted = 1;
	} else if (k < r->len && (r->s[k] == '"' || r->s[k] == '\'')) {
		k++;
		quoted = 1;
	}
	while (k < r->len && (r->s[k] == ' ' || r->s[k] == '\t'))
		k++;
	if (k >= r->len || (r->s[k] != ':' && r->s[k] != '='))
		return 0;
	sep = r->s[k++];
	/* "auth.py:42" is a file and a line, not a pair. */
	if (sep == ':' && !quoted && k < r->len && r->s[k] >= '0' &&
	    r->s[k] <= '9' && memchr(r->s + i, '.', j - i) != NULL)
		return 0;
	if (sep == '=' && k < r->len && r->s[k] == '>')
		k++;
	while (k < r->len && (r->s[k] == ' ' || r->s[k] == '\t'))
		k++;
	if (k >= r->len)
		return 0;
	v = k;

	/* A quoted value: mask between the quotes. */
	esc = r->s[v] == '\\' && v + 1 < r->len &&
	      (r->s[v + 1] == '"' || r->s[v + 1] == '\'');
	if (r->s[v] == '"' || r->s[v] == '\'' || esc) {
		q = r->s[v + (esc ? 1 : 0)];
		v += esc ? 2 : 1;
		e = redact_quoted_end(r, v, q, esc);
		buf_add(r->out, r->s + i, v - i);
		redact_mask(r);
		return e;
	}

	if (sep == ':' && quoted) {
		/* JSON: a number, literal, object or array. */
		if (r->s[v] == '{' || r->s[v] == '[')
			e = redact_bracket_end(r, v);
		else {
			for (e = v; e < r->len && !strchr(",}]\r\n", r->s[e]);
			     e++)
				;
			while (e > v &&
			       (r->s[e - 1] == ' ' || r->s[e - 1] == '\t'))
				e--;
			if (e - v == 4 && memcmp(r->s + v, "null", 4) == 0)
				return 0;
		}
		if (e == v)
			return 0;
		buf_add(r->out, r->s + i, v - i);
		buf_addc(r->out, '"');
		redact_mask(r);
		buf_addc(r->out, '"');
		return e;
	}
	if (sep == ':') {
		/* A header or YAML line: the rest of the line. */
		for (e = v; e < r->len && r->s[e] != '\n' && r->s[e] != '\r';
		     e++)
			;
		if (e == v)
			return 0;
		for (w = v; w < e && redact_is_token68(r->s[w]); w++)
			;
		if (w < e && r->s[w] == ' ' && redact_is_scheme(r, v, w)) {
			while (w < e && r->s[w] == ' ')
				w++;
			if (w == e)
				return 0;
			v = w;
		}
		buf_add(r->out, r->s + i, v - i);
		redact_mask(r);
		return e;
	}
	/* key=value: up to the next delimiter. */
	for (e = v; e < r->len; e++) {
		if ((unsigned char)r->s[e] <= ' ' ||
		    strchr("&,;\"'()[]{}<>\\", r->s[e]) != NULL)
			break;
	}
	if (e == v)
		return 0;
	buf_add(r->out, r->s + i, v - i);
	redact_mask(r);
	return e;
}

/*
 * A URL scheme s[i..j) followed by "://": copies the authority with the
 * password of any user info masked (a long user name without one is taken
 * for a token and masked too). Returns the offset after the authority.
 */
static size_t
redact_userinfo(struct redact *r, size_t i, size_t j)
{
	size_t a = j + 3, e, at = 0, colon = 0, k;

	for (e = a; e < r->len; e++) {
		if ((unsigned char)r->s[e] <= ' ' ||
		    strchr("/?#\"'<>\\", r->s[e]) != NULL)
			break;
		if (r->s[e] == '@')
			at = e;
	}
	if (at != 0) {
		for (k = a; k < at; k++) {
			if (r->s[k] == ':') {
				colon = k;
				break;
			}
		}
	}
	if (at != 0 && colon != 0 && colon + 1 < at) {
		buf_add(r->out, r->s + i, colon + 1 - i);
		redact_mask(r);
	} else if (at != 0 && colon == 0 && at - a >= 20) {
		buf_add(r->out, r->s + i, a - i);
		redact_mask(r);
	} else
		at = i;
	buf_add(r->out, r->s + at, e - at);
	return e;
}

size_t
redact_text_append(struct buf *out, const char *s, size_t len)
{
	struct redact r = { out, s, len, 0, 0 };
	size_t i = 0, j, k, base;
	unsigned char c;
	int boundary, basic;

	if (out->data == NULL)
		buf_add(out, "", 0);
	base = out->len;
	while (i < len) {
		c = (unsigned char)s[i];
		if (c == '-' && (k = redact_pem(&r, i)) != i) {
			i = k;
			continue;
		}
		if (c == 'e' && i >= r.jwt_skip &&
		    (k = redact_jwt(&r, i)) != 0) {
			redact_mask(&r);
			i += k;
			continue;
		}
		/*
		 * Words start after what was written, not what was read: a
		 * second pass over the output then sees the same words.
		 */
		boundary =
		    out->len == base ||
		    !redact_is_ident((unsigned char)out->data[out->len - 1]);
		if (!boundary || !redact_is_ident(c)) {
			buf_addc(out, (char)c);
			i++;
			continue;
		}
		for (j = i; j < len && redact_is_ident((unsigned char)s[j]);
		     j++)
			;
		if (redact_has_prefix(&r, j, "://")) {
			i = redact_userinfo(&r, i, j);
			continue;
		}
		basic = redact_has_word(&r, i, j, "Basic");
		if ((basic || redact_has_word(&r, i, j, "Bearer")) &&
		    (k = redact_credential(&r, i, j, basic)) != 0) {
			i = k;
			continue;
		}
		if (j - i < 128) {
			char key[128];

			memcpy(key, s + i, j - i);
			key[j - i] = '\0';
			if (redact_key_is_secret(key) &&
			    (k = redact_pair(&r, i, j)) != 0) {
				i = k;
				continue;
			}
		}
		/* Not a match: go on inside the word (a JWT may follow). */
		buf_addc(out, (char)c);
		i++;
	}
	return r.masks;
}

char *
redact_text_dup(const char *s)
{
	struct buf b;

	buf_init(&b);
	if (s != NULL)
		redact_text_append(&b, s, strlen(s));
	return buf_detach(&b);
}

/* ---- JSON trees --------------------------------------------------------- */

/* Replaces the value of c (a member of parent) with "***". */
static void
redact_json_mask(cJSON *parent, cJSON *c)
{
	cJSON *repl;

	if (cJSON_IsString(c) && !(c->type & cJSON_IsReference) &&
	    c->valuestring != NULL) {
		/* Wipe the secret; a shorter string is reallocated. */
		memset(c->valuestring, 0, strlen(c->valuestring));
		if (cJSON_SetValuestring(c, REDACT_MASK) == NULL)
			fatalx("redact: out of memory");
		return;
	}
	if ((repl = cJSON_CreateString(REDACT_MASK)) == NULL)
		fatalx("redact: out of memory");
	repl->string = c->string;
	c->string = NULL;
	if (c->type & cJSON_StringIsConst) {
		repl->type |= cJSON_StringIsConst;
		c->type &= ~cJSON_StringIsConst;
	}
	cJSON_ReplaceItemViaPointer(parent, c, repl);
}

/* Masks secrets inside a string value; returns 1 when it changed. */
static size_t
redact_json_string(cJSON *c)
{
	struct buf b;
	size_t n;

	if (c->valuestring == NULL || (c->type & cJSON_IsReference))
		return 0;
	buf_init(&b);
	n = redact_text_append(&b, c->valuestring, strlen(c->valuestring));
	if (n > 0) {
		memset(c->valuestring, 0, strlen(c->valuestring));
		if (cJSON_SetValuestring(c, b.data) == NULL)
			fatalx("redact: out of memory");
	}
	buf_free(&b);
	return n > 0 ? 1 : 0;
}

static size_t
redact_json(cJSON *it)
{
	cJSON *c, *next;
	size_t n = 0;

	if (cJSON_IsString(it))
		return redact_json_string(it);
	if (!cJSON_IsObject(it) && !cJSON_IsArray(it))
		return 0;
	for (c = it->child; c != NULL; c = next) {
		next = c->next;
		if (cJSON_IsObject(it) && c->string != NULL &&
		    redact_key_is_secret(c->string) && !cJSON_IsNull(c) &&
		    !cJSON_IsBool(c)) {
			redact_json_mask(it, c);
			n++;
		} else
			n += redact_json(c);
	}
	return n;
}

size_t
redact_json_tree(void *cjson_item)
{
	if (cjson_item == NULL)
		return 0;
	return redact_json(cjson_item);
}
