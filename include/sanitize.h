/*
 * The one sanitizer every server- or file-supplied string passes through
 * before it reaches the terminal, and the secret masker used before anything
 * reaches the screen, a log, the audit file or a crash report.
 */

#ifndef SNOWDECK_SANITIZE_H
#define SNOWDECK_SANITIZE_H

#include <stddef.h>

struct buf;

/*
 * Appends a terminal-safe copy of the len bytes at s to out:
 * - ESC-introduced sequences (CSI, OSC, DCS, APC, PM, SOS and two-byte
 *   escapes) and their C1 equivalents are removed whole, OSC strings up to
 *   BEL or ST;
 * - other C0 controls and DEL become U+FFFD shown as '?' substitutes
 *   (see below), except '\t' (kept when SANITIZE_KEEP_TAB, else a space) and
 *   '\n' (kept when SANITIZE_KEEP_NL, else a space);
 * - C1 controls (U+0080..U+009F), bidi controls (U+202A..U+202E,
 *   U+2066..U+2069, U+200E, U+200F, U+061C) and other invisible format
 *   characters that reorder or hide text are removed;
 * - invalid UTF-8 (overlongs, surrogates, > U+10FFFF, truncated sequences)
 *   becomes U+FFFD.
 * Returns the number of substitutions and removals made.
 */
#define SANITIZE_KEEP_NL  0x1
#define SANITIZE_KEEP_TAB 0x2
size_t sanitize_append(struct buf *out, const char *s, size_t len, int flags);

/* Returns a new sanitized heap string (owned by the caller). */
char *sanitize_dup(const char *s, size_t len, int flags);

/*
 * Appends a terminal-safe copy of the JSON text json (len bytes, as
 * cJSON_Print writes it: raw bytes other than '\t', '\n' and '\r' only
 * inside strings) to out, without changing what it means: every character
 * sanitize_append() would drop or replace (C0 controls and DEL inside
 * strings, C1 controls, bidi and other invisible format characters, U+2028
 * and U+2029) is written as a \uXXXX escape (a surrogate pair above
 * U+FFFF), so a script still reads the exact value. Only invalid UTF-8,
 * which JSON cannot carry, changes: each ill-formed sequence becomes the
 * escape \ufffd. Returns the number of characters escaped or replaced.
 */
size_t sanitize_json_append(struct buf *out, const char *json, size_t len);

/*
 * Returns 1 when a field or key name looks like it holds a secret
 * (password, passwd, secret, token, api_key, apikey, access_key, private_key,
 * passphrase, credential, authorization, cookie, session, signature, ...),
 * case-insensitively and ignoring '-', '_' and spaces.
 */
int redact_key_is_secret(const char *name);

/*
 * Appends a copy of the text s with secret values masked to out:
 * JWTs (three base64url parts, the first starting "eyJ"), Authorization
 * header values ("Bearer x", "Basic x", 'Snowflake Token="x"'), presigned URL
 * query signatures (X-Amz-Signature, X-Amz-Credential, X-Amz-Security-Token,
 * sig=, Signature=, token=), "key": "value" and key=value pairs whose key
 * looks secret, PEM private key blocks, and user:password@ in URLs.
 * The mask is "***". Returns the number of masks applied.
 */
size_t redact_text_append(struct buf *out, const char *s, size_t len);

/* Returns a new heap string: redact_text_append over s. */
char *redact_text_dup(const char *s);

/*
 * Masks, in place, the values of every object member in the cJSON tree whose
 * name looks secret, and any string value that is itself a JWT or a
 * presigned URL. Returns the number of values masked. The argument is a
 * cJSON *, declared void * to keep cJSON out of this header.
 */
size_t redact_json_tree(void *cjson_item);

#endif
