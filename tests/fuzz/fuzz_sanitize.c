/* Fuzz target: the terminal sanitizer's output invariants (text and JSON). */

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sanitize.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Decodes strictly; aborts on ill-formed UTF-8. Returns the length. */
static size_t
fuzz_utf8(const unsigned char *s, size_t len, long *cp)
{
	unsigned char c = s[0];
	size_t n, i;
	long v, min;

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xc2 && c <= 0xdf) {
		n = 2;
		v = c & 0x1f;
		min = 0x80;
	} else if (c >= 0xe0 && c <= 0xef) {
		n = 3;
		v = c & 0x0f;
		min = 0x800;
	} else if (c >= 0xf0 && c <= 0xf4) {
		n = 4;
		v = c & 0x07;
		min = 0x10000;
	} else
		abort();
	if (n > len)
		abort();
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			abort();
		v = (v << 6) | (s[i] & 0x3f);
	}
	if (v < min || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
		abort();
	*cp = v;
	return n;
}

/*
 * Valid UTF-8; no C0 control but '\n' and '\t' as flags allow, no DEL, no
 * ESC, no C1 control, no bidi control or zero-width character.
 */
static void
fuzz_check(const char *s, size_t len, int flags)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;
	long cp;

	if (s[len] != '\0')
		abort();
	while (i < len) {
		i += fuzz_utf8(p + i, len - i, &cp);
		if (cp == '\n' && (flags & SANITIZE_KEEP_NL))
			continue;
		if (cp == '\t' && (flags & SANITIZE_KEEP_TAB))
			continue;
		if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f))
			abort();
		if ((cp >= 0x202a && cp <= 0x202e) ||
		    (cp >= 0x2066 && cp <= 0x2069) || cp == 0x200e ||
		    cp == 0x200f || cp == 0x061c || cp == 0x2028 ||
		    cp == 0x2029 || (cp >= 0x200b && cp <= 0x200d) ||
		    cp == 0xfeff)
			abort();
	}
}

/*
 * sanitize_json_append: the output is what fuzz_check allows with newlines
 * and tabs (plus '\r', JSON layout whitespace), and escaping it again
 * changes nothing.
 */
static void
fuzz_json(const uint8_t *data, size_t size)
{
	struct buf out, again;
	size_t i, j;

	buf_init(&out);
	buf_init(&again);
	sanitize_json_append(&out, (const char *)data, size);
	for (i = j = 0; i < out.len; i++)
		if (out.data[i] != '\r')
			out.data[j++] = out.data[i];
	out.len = j;
	out.data[j] = '\0';
	fuzz_check(out.data, out.len, SANITIZE_KEEP_NL | SANITIZE_KEEP_TAB);
	if (sanitize_json_append(&again, out.data, out.len) != 0 ||
	    again.len != out.len || memcmp(again.data, out.data, out.len) != 0)
		abort();
	buf_free(&again);
	buf_free(&out);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct buf out, again;
	size_t n;
	int flags;

	fuzz_json(data, size);

	for (flags = 0; flags <= (SANITIZE_KEEP_NL | SANITIZE_KEEP_TAB);
	     flags++) {
		buf_init(&out);
		buf_init(&again);
		sanitize_append(&out, (const char *)data, size, flags);
		fuzz_check(out.data, out.len, flags);
		/* Sanitized text passes through unchanged. */
		n = sanitize_append(&again, out.data, out.len, flags);
		if (n != 0 || again.len != out.len ||
		    memcmp(again.data, out.data, out.len) != 0)
			abort();
		/* Appending keeps what was there. */
		sanitize_append(&again, (const char *)data, size, flags);
		if (again.len != 2 * out.len ||
		    memcmp(again.data + out.len, out.data, out.len) != 0)
			abort();
		buf_free(&again);
		buf_free(&out);
	}
	return 0;
}
