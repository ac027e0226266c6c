/*
 * The Airflow REST client. It detects the API (GET /api/v2/version, then
 * /api/v1/version), authenticates (Airflow 3: a bearer token from
 * POST /auth/token, renewed once on 401; Airflow 2: basic auth; or a
 * configured token) and runs calls relative to /api/v1 or /api/v2. Calls made
 * before detection finishes wait for it. Pagination is done here: list calls
 * fetch every page (limit/offset) and hand each page to the caller.
 *
 * All of it is asynchronous on the loop that drives the struct http; nothing
 * blocks. Completion callbacks run exactly once unless the operation is
 * cancelled first (airflow_cancel), or the client is freed.
 */

#ifndef SNOWDECK_AIRFLOW_H
#define SNOWDECK_AIRFLOW_H

#include <stddef.h>

struct http;
struct airflow;
struct af_op;
struct af_page;

struct airflow_config {
	const char *url;      /* base, e.g. http://localhost:8080; copied */
	const char *username; /* copied; may be NULL */
	const char *password; /* copied; may be NULL */
	const char *token;    /* a ready bearer token; copied; may be NULL */
};

/* The outcome of one call (all pointers borrowed for the callback). */
struct af_result {
	int error;         /* 0 when status is 2xx */
	const char *cause; /* a sentence naming what failed; NULL if ok */
	long status;       /* HTTP status, 0 when no response */
	const char *body;
	size_t len;
	const char *content_type;
	int attempts;
};

typedef void (*af_done_cb)(const struct af_result *, void *arg);

/*
 * Called with each page body of a list call. It parses the page (appending
 * to its model) and fills *page; return -1 (with *cause) to stop with an
 * error. Borrowed body, valid during the call.
 */
typedef int (*af_page_cb)(const char *body, size_t len, struct af_page *page,
    void *arg, char **cause);

int airflow_create(struct airflow **out, struct http *http,
    const struct airflow_config *cfg, char **cause);
/* Cancels every operation without calling back and frees the client. */
void airflow_free(struct airflow *);

/* 0 until detected, then 1 (Airflow 2, /api/v1) or 2 (Airflow 3, /api/v2). */
int airflow_api(const struct airflow *);
/* The server's version string, or NULL before detection. Borrowed. */
const char *airflow_version(const struct airflow *);
/* The base URL (borrowed). */
const char *airflow_url(const struct airflow *);

/* Forgets the detected API and token (e.g. after the server went away). */
void airflow_reset(struct airflow *);

/*
 * One call: method, path relative to the API root ("/dags"), an optional
 * query string without '?' (already encoded) and an optional JSON body.
 * flags: AF_IDEMPOTENT lets a POST/PATCH be retried.
 */
#define AF_IDEMPOTENT 0x1
#define AF_TEXT       0x2 /* Accept: text/plain (v1 logs) */
struct af_op *airflow_call(struct airflow *, const char *method,
    const char *path, const char *query, const char *body, int flags,
    af_done_cb done, void *arg);

/*
 * A list call: fetches path?query&limit=L&offset=O page after page until a
 * short page, the announced total, or max_items (0 = no cap) is reached.
 * page runs for each page; done runs once at the end (error set if a page
 * failed). order_by and filters belong in query.
 */
struct af_op *airflow_list(struct airflow *, const char *path,
    const char *query, size_t max_items, af_page_cb page, af_done_cb done,
    void *arg);

/* Cancels an operation: its callbacks will not run. */
void airflow_cancel(struct af_op *);

/* Makes a run id for a trigger that a retried request cannot duplicate:
 * "snowdeck__<UTC timestamp>_<random hex>". Owned by the caller. */
char *airflow_new_run_id(void);

#endif
