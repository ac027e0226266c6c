/*
 * A small, pure TOML reader for the files snowdeck reads besides its own
 * (the Snowflake CLI's connections.toml and config.toml). It walks the text
 * and calls back once per key = value with the table path the key lives in:
 * [table] and [a.b."c d"] headers, bare, quoted and dotted keys, basic and
 * literal strings (single and multi-line, with escapes), integers, floats,
 * booleans and dates (given as their text), arrays and inline tables (given
 * as their raw text). Comments and blank lines are skipped. Array-of-tables
 * headers ([[x]]) are accepted and reported as the table "x".
 */

#ifndef SNOWDECK_TOML_H
#define SNOWDECK_TOML_H

#include <stddef.h>

enum toml_type {
	TOML_STRING,
	TOML_INTEGER,
	TOML_FLOAT,
	TOML_BOOL,
	TOML_OTHER, /* dates, arrays, inline tables: raw text */
};

/*
 * One key. table: dot-joined path of the table ("" at the top; quoted parts
 * are kept verbatim, without quotes), key: the last key part, value: the
 * decoded string or the literal's text. All borrowed for the call. Return
 * 0 to go on, -1 to stop (toml_parse then returns -1 with cause as set by
 * the callback, or a generic one).
 */
typedef int (*toml_cb)(const char *table, const char *key, const char *value,
    enum toml_type type, void *arg, char **cause);

/*
 * Parses len bytes of text. Returns 0, or -1 with *cause (owned by the
 * caller) naming the line of the first error.
 */
int toml_parse(
    const char *text, size_t len, toml_cb cb, void *arg, char **cause);

/*
 * Decodes the raw text of an array of strings (a TOML_OTHER value such as
 * ["python", 'x.py', "--a\tb"]) into a NULL-ended vector (owned). Returns
 * 0, or -1 with *cause when it is not a non-empty array of strings.
 */
int toml_string_array(const char *raw, char ***out, char **cause);

#endif
