/*
 * Parsers for Airflow REST API responses (v1 for Airflow 2, v2 for Airflow
 * 3). Pure functions over bytes: no I/O, no globals; each has a fuzz target.
 * Bodies need not be NUL-terminated. Every string stored in a model passes
 * the sanitizer; XCom values, conf and logs also pass the redactor.
 *
 * List parsers append to the collection and report the page size and the
 * announced total (has_total = 0 when the server sent none or null).
 */

#ifndef SNOWDECK_JSON_AIRFLOW_H
#define SNOWDECK_JSON_AIRFLOW_H

#include <stddef.h>

struct af_dags;
struct af_runs;
struct af_tis;
struct af_xcoms;
struct af_run;
struct buf;

struct af_page {
	size_t count; /* items in this page */
	size_t total; /* total_entries, when has_total */
	int has_total;
};

int json_af_dags_parse(const char *buf, size_t len, struct af_dags *out,
    struct af_page *page, char **cause);
int json_af_runs_parse(const char *buf, size_t len, struct af_runs *out,
    struct af_page *page, char **cause);
int json_af_tis_parse(const char *buf, size_t len, struct af_tis *out,
    struct af_page *page, char **cause);
int json_af_xcoms_parse(const char *buf, size_t len, struct af_xcoms *out,
    struct af_page *page, char **cause);

/* Parses one DAG run object (the trigger response) into r (zeroed first;
 * the caller clears it with af_run_clear). */
int json_af_run_parse(
    const char *buf, size_t len, struct af_run *r, char **cause);

/*
 * Parses a single XCom entry response and renders its "value" as indented
 * JSON text into out: secret-looking fields masked, strings sanitized (so
 * escapes in values never reach the terminal). A string value that itself
 * holds JSON is shown parsed. At most cap bytes of text are produced; beyond
 * that *truncated is set and the text ends with a marker line.
 */
int json_af_xcom_value_parse(const char *buf, size_t len, size_t cap,
    struct buf *out, int *truncated, char **cause);

/*
 * Parses a task log response. api 2: {"content": [StructuredLogMessage|str],
 * "continuation_token": str|null}, each message rendered as
 * "[timestamp] LEVEL - event key=value…" lines. api 1: {"content": "<python
 * repr of [(host, text)]>", "continuation_token"} or plain text when
 * is_text is set. Appends sanitized, redacted lines ending in '\n' to out;
 * *token receives the continuation token (owned by the caller) or NULL.
 */
int json_af_log_parse(const char *buf, size_t len, int api, int is_text,
    struct buf *out, char **token, char **cause);

/* {"version": "3.2.2", ...} → *version (owned by the caller). */
int json_af_version_parse(
    const char *buf, size_t len, char **version, char **cause);

/* {"access_token": "..."} (or the older "jwt_token") → *token (owned). */
int json_af_token_parse(
    const char *buf, size_t len, char **token, char **cause);

/*
 * Extracts a readable error sentence from an error body: v1 problem+json
 * (title, detail), v2 {"detail": str | object | [validation errors]},
 * {"error": str}; an HTML page becomes "an HTML page instead of a JSON
 * error" plus its <title>; else the sanitized start of the body. Returns a
 * heap string (owned by the caller), never NULL.
 */
char *json_af_error_message(const char *buf, size_t len);

/*
 * Parses a DAG detail response ("params" of GET /dags/{id}/details) into a
 * compact JSON object of param name → default value, for the trigger form.
 * Returns a heap string (owned) or NULL when there are no params.
 */
char *json_af_params_defaults(const char *buf, size_t len);

#endif
