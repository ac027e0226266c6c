/*
 * The asynchronous HTTP client: libcurl's multi interface driven by the libuv
 * loop (the multi-uv pattern, hardened). One struct http per process; each
 * request is a struct http_req owned by the client until it completes or is
 * cancelled.
 *
 * Behaviour every request gets:
 * - connect and total timeouts, a cap on the response size;
 * - retries with exponential backoff and jitter on connection errors and on
 *   429, 502, 503 and 504 (honouring Retry-After), only when the request is
 *   marked idempotent (GET is by default; a POST made idempotent by a
 *   client-chosen id sets HTTP_IDEMPOTENT);
 * - TLS verification on (a CA file may be given; insecure mode is explicit);
 * - connection reuse, HTTP/2 where offered, gzip accepted.
 */

#ifndef SNOWDECK_HTTP_H
#define SNOWDECK_HTTP_H

#include <stddef.h>
#include <stdint.h>

struct uv_loop_s;
struct http;
struct http_req;

struct http_config {
	long connect_timeout_ms; /* default 5000 */
	long total_timeout_ms;   /* default 30000; 0 = none (streams) */
	size_t max_response;     /* bytes; default 64 MiB */
	int max_retries;         /* default 3 */
	long retry_base_ms;      /* first backoff; default 200 */
	long retry_max_ms;       /* cap on one backoff; default 5000 */
	const char *cacert;      /* borrowed; NULL = system store */
	int insecure;            /* skip TLS verification */
	const char *user_agent;  /* borrowed; NULL = snowdeck/VERSION */
};

/* Fills c with the defaults above. */
void http_config_default(struct http_config *c);

/* One completed exchange, handed to the done callback. */
struct http_response {
	long status;       /* HTTP status; 0 if no response arrived */
	int error;         /* 0, or -1 with cause set (transport error) */
	const char *cause; /* borrowed: valid only during the callback */
	const char *body;  /* borrowed, NUL-terminated; valid in callback */
	size_t body_len;
	const char *content_type; /* borrowed; may be NULL */
	const char *retry_after;  /* borrowed header value; may be NULL */
	double elapsed_ms;        /* wall time of the last attempt */
	int attempts;             /* how many attempts were made */
	uint64_t bytes_in;        /* body bytes received, all attempts */
};

/*
 * Called exactly once per request unless it was cancelled first. After it
 * returns the request is freed: do not keep the http_req pointer.
 */
typedef void (*http_done_cb)(const struct http_response *, void *arg);

/*
 * Optional observer told about every attempt when it finishes (for the
 * command log and audit): method, URL (with the query), status (0 on a
 * transport error), elapsed ms. URL and method are borrowed.
 */
typedef void (*http_trace_cb)(const char *method, const char *url, long status,
    double elapsed_ms, int attempt, void *arg);

struct http_request {
	const char *method;         /* "GET", "POST", "PATCH", "DELETE" */
	const char *url;            /* absolute; copied */
	const char *const *headers; /* NULL-terminated "Name: value"; copied */
	const char *body;           /* copied; may be NULL */
	size_t body_len;
	const char *userpwd;     /* "user:password" basic auth; copied */
	const char *unix_socket; /* path: talk HTTP over a unix socket */
	int flags;
#define HTTP_IDEMPOTENT 0x1 /* may be retried (GET sets it implicitly) */
#define HTTP_NO_RETRY   0x2 /* never retry, even a GET */
#define HTTP_STREAM     0x4 /* deliver chunks as they arrive (chunk_cb) */
#define HTTP_FRESH                                                           \
	0x8                    /* on a new connection: libcurl resends a     \
				  request by itself when a reused connection \
				  turns out dead, which a POST whose resend  \
				  must be marked (Snowflake's retry=true)    \
				  cannot allow */
	long total_timeout_ms; /* overrides the config when non-zero */
	/*
	 * With HTTP_STREAM: each chunk of a 2xx body as it arrives (other
	 * statuses are collected into the response body instead); return 0 to
	 * go on, -1 to abort (done then reports the abort). A stream has no
	 * size cap, no total timeout unless total_timeout_ms is set, and is
	 * never retried once a chunk was delivered. data is borrowed; arg is
	 * the one given to http_start().
	 */
	int (*chunk_cb)(const char *data, size_t len, void *arg);
};

/*
 * Creates the client on loop. Returns 0, or -1 with *cause set (owned by the
 * caller). The loop must outlive the client.
 */
int http_create(struct http **out, struct uv_loop_s *loop,
    const struct http_config *config, char **cause);

/*
 * Cancels every request without calling its callback and frees the client.
 * Must run while the loop is still alive; run the loop afterwards so the
 * socket handles close. Called from inside a callback, the teardown finishes
 * when that callback returns.
 */
void http_free(struct http *);

/* Installs the trace observer (NULL removes it). */
void http_set_trace(struct http *, http_trace_cb, void *arg);

/*
 * Starts a request. Everything in req is copied. Returns the request handle,
 * owned by the client, valid until done runs or http_cancel() is called.
 * Never returns NULL: a request that cannot start completes with an error on
 * the next loop turn. done never runs inside http_start(). A negative
 * total_timeout_ms means no total timeout. May be called from any callback;
 * once http_free() ran (from inside a callback) the request is dropped
 * unstarted, as if cancelled.
 */
struct http_req *http_start(struct http *, const struct http_request *req,
    http_done_cb done, void *arg);

/* Convenience: a GET with optional headers. */
struct http_req *http_get(struct http *, const char *url,
    const char *const *headers, http_done_cb done, void *arg);

/*
 * Cancels a pending request; its callback will not be called. Safe from any
 * callback (done, trace, chunk_cb) of any request; a no-op on a request whose
 * done callback is running. After the call, the passed request is no longer
 * valid.
 */
void http_cancel(struct http_req *);

/* Requests in flight or waiting for a retry. */
int http_pending(const struct http *);

/*
 * Totals since creation, for the status bar and benchmarks: body bytes
 * received and attempts started (retries count).
 */
uint64_t http_bytes_total(const struct http *);
uint64_t http_requests_total(const struct http *);

/*
 * Pure helper: parses a Retry-After value (delta seconds or an HTTP date)
 * into milliseconds from now (now_epoch is the current wall time). Returns -1
 * when the value is unusable.
 */
long http_retry_after_ms(const char *value, double now_epoch);

/*
 * Pure helper: the backoff before attempt n (1-based retry number) given the
 * base and cap, with full jitter from the supplied random value in [0,1).
 */
long http_backoff_ms(int n, long base_ms, long max_ms, double rnd);

#endif
