/*
 * The Snowflake client: SQL API v2 statements and REST resource calls over
 * the asynchronous HTTP client, authenticated with a key-pair JWT (renewed
 * before it expires), a programmatic access token or an OAuth token.
 *
 * A statement is POSTed to /api/v2/statements with its context (database,
 * schema, warehouse, role), its values as bindings, and a fresh requestId;
 * a resubmission after a transport error, 429 or 5xx carries the same
 * requestId plus retry=true, so Snowflake never runs it twice. A 202 is
 * polled through its statementHandle with backoff; every result partition
 * is fetched in order (gzip) and each row is handed to the caller as its
 * partition arrives. Every statement and call goes to the command log and
 * (redacted) to the audit file. Nothing blocks the loop.
 */

#ifndef SNOWDECK_SF_SQL_H
#define SNOWDECK_SF_SQL_H

#include <stddef.h>
#include <stdint.h>

#include "json_snowflake.h"

struct http;
struct uv_loop_s;
struct audit;
struct cmdlog;
struct sf_conn;
struct sf_client;
struct sf_stmt;
struct sf_call;

struct sf_client_config {
	struct uv_loop_s *loop;     /* the loop that drives http */
	const struct sf_conn *conn; /* copied what is needed */
	struct cmdlog *cmdlog;      /* borrowed; may be NULL */
	struct audit *audit;        /* borrowed; may be NULL */
	long poll_first_ms;         /* first 202 poll delay; default 200 */
	long poll_max_ms;           /* cap of the poll backoff; default 2000 */
	int max_resubmits;          /* POST resubmissions; default 4 */
	long retry_base_ms;         /* resubmission backoff; default 250 */
	long statement_timeout_s;   /* body "timeout"; 0 = server default */
	long post_timeout_ms;       /* one POST's total; default 60000 */
	int partition_window;       /* partitions fetched at once; default 4 */
};

/*
 * Creates a client for conn on http (both must outlive it). For key-pair
 * auth the private key is loaded here (file or content, passphrase).
 * Returns 0, or -1 with *cause.
 */
int sf_client_create(struct sf_client **out, struct http *http,
    const struct sf_client_config *cfg, char **cause);

/* Cancels every statement and call without calling back, and frees. */
void sf_client_free(struct sf_client *);

/* The connection's base URL, database, schema (borrowed; may be NULL). */
const char *sf_client_url(const struct sf_client *);
const char *sf_client_database(const struct sf_client *);
const char *sf_client_schema(const struct sf_client *);

/* One bound value: type "TEXT", "FIXED", "BOOLEAN", ...; value borrowed. */
struct sf_bind {
	const char *type;
	const char *value;
};

/* The end of a statement (pointers borrowed for the callback). */
struct sf_stmt_result {
	int error;
	const char *cause; /* a sentence naming what failed and what to do */
	long status;       /* last HTTP status */
	const char *code;  /* Snowflake code, may be NULL */
	const char *sql_state;
	const char *handle; /* statementHandle, may be NULL */
	uint64_t rows;      /* rows handed to the row callback */
	size_t partitions;  /* partitions fetched */
	int resubmits;      /* POSTs resent with retry=true */
	int polls;          /* 202 status polls */
};

struct sf_stmt_cbs {
	/* Once, when the columns are known (before the first row). */
	void (*meta)(const struct sf_result_meta *, void *arg);
	/* Each row, in order; return -1 to stop (the statement fails). */
	sf_row_cb row;
	/* Exactly once unless the statement was cancelled first. */
	void (*done)(const struct sf_stmt_result *, void *arg);
};

/*
 * Runs one statement with nbinds bound values ("?" placeholders). The
 * strings are copied. Returns a handle valid until done runs or
 * sf_stmt_cancel(); done never runs inside this call.
 */
struct sf_stmt *sf_sql_run(struct sf_client *, const char *sql,
    const struct sf_bind *binds, size_t nbinds, const struct sf_stmt_cbs *cbs,
    void *arg);

/* The same, run as role instead of the connection's role (NULL: the
 * connection's). Setup runs some steps as an admin role. */
struct sf_stmt *sf_sql_run_as(struct sf_client *, const char *role,
    const char *sql, const struct sf_bind *binds, size_t nbinds,
    const struct sf_stmt_cbs *cbs, void *arg);

/*
 * Cancels a statement: its callbacks will not run; a statement Snowflake
 * already accepted is cancelled there too (POST .../cancel). After the
 * call, the passed statement is no longer valid.
 */
void sf_stmt_cancel(struct sf_stmt *);

/* The outcome of a REST call (pointers borrowed for the callback). */
struct sf_call_result {
	int error;
	const char *cause;
	long status;
	const char *body;
	size_t len;
};
typedef void (*sf_call_cb)(const struct sf_call_result *, void *arg);

/*
 * A REST resource call: method, path ("/api/v2/databases/D/schemas/S/
 * stages", segments already encoded), optional query (without '?') and
 * JSON body. what names the call for error sentences ("listing stages").
 * 404 and 501 come back as errors with status set, so callers can fall
 * back to SQL.
 */
struct sf_call *sf_rest_call(struct sf_client *, const char *method,
    const char *path, const char *query, const char *body, const char *what,
    sf_call_cb done, void *arg);
void sf_call_cancel(struct sf_call *);

/*
 * A streamed GET: each piece of a 2xx body goes to chunk (return 0 to go
 * on, -1 to stop) as it arrives, so a huge list is never held whole; done
 * then runs with body NULL on success (error bodies are collected as
 * usual). A stream is not retried once a piece was delivered.
 */
struct sf_call *sf_rest_stream(struct sf_client *, const char *path,
    const char *query, const char *what,
    int (*chunk)(const char *, size_t, void *), sf_call_cb done, void *arg);

/*
 * Builds "/api/v2/databases/<db>/schemas/<schema>/<kind>[/<name>]" with
 * each segment quoted for the REST API when needed and percent-encoded.
 * Owned result.
 */
char *sf_rest_path(
    const char *db, const char *schema, const char *kind, const char *name);

/* Statements and calls in flight. */
int sf_client_pending(const struct sf_client *);

#endif
