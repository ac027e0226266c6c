/*
 * A scripted HTTP/1.1 stub server for tests, running on the caller's libuv
 * loop (the same loop as the client under test, so tests stay hermetic and
 * deterministic). It listens on 127.0.0.1 with an ephemeral port, or on a
 * unix socket, and answers each path from a queue of scripted responses.
 */

#ifndef SNOWDECK_SUPPORT_SERVER_H
#define SNOWDECK_SUPPORT_SERVER_H

#include <stddef.h>

#include <uv.h>

struct stub_server;

/* One scripted answer. Zeroed fields mean: 200, no extras, reply at once. */
struct stub_response {
	int status;          /* 0 = 200 */
	const char *headers; /* extra lines, each ending "\r\n"; copied */
	const char *body;    /* copied; NULL = empty */
	size_t body_len;     /* 0 with body set: strlen(body) */
	long delay_ms;       /* wait this long before answering */
	int action;
#define STUB_REPLY 0         /* answer normally */
#define STUB_CLOSE 1         /* close the connection without a reply */
#define STUB_HANG  2         /* never answer (until the server closes) */
	int chunked;         /* Transfer-Encoding: chunked */
	size_t chunk_size;   /* chunked: bytes per chunk; 0 = one chunk */
	long chunk_delay_ms; /* chunked: pause before each chunk */
	int gzip;            /* body is gzip data: add Content-Encoding */
};

/*
 * Starts a server on loop: on 127.0.0.1:0 when unix_path is NULL, else on
 * that unix socket path (replaced if it exists). Ignores SIGPIPE for the
 * process. Returns 0, or -1 with *cause set (owned by the caller).
 */
int stub_server_start(struct stub_server **out, uv_loop_t *loop,
    const char *unix_path, char **cause);

/*
 * The base URL ("http://127.0.0.1:PORT", or "http://localhost" for a unix
 * socket), borrowed until stub_server_close().
 */
const char *stub_server_url(const struct stub_server *);

/* The TCP port, or 0 for a unix socket. */
int stub_server_port(const struct stub_server *);

/*
 * Appends r to the queue of answers for path (the request target without
 * its query). Each request takes the next answer; the last one repeats.
 * Paths without a script get 404.
 */
void stub_server_add(
    struct stub_server *, const char *path, const struct stub_response *r);

/* Requests seen for path so far. */
int stub_server_hits(const struct stub_server *, const char *path);

/*
 * The last request for path: method, full target, raw header block and
 * body; borrowed until the next request or stub_server_close(); NULL when
 * there was none.
 */
const char *stub_server_last_method(
    const struct stub_server *, const char *path);
const char *stub_server_last_target(
    const struct stub_server *, const char *path);
const char *stub_server_last_headers(
    const struct stub_server *, const char *path);
const char *stub_server_last_body(const struct stub_server *, const char *path);

/* Connections accepted so far (to observe connection reuse). */
int stub_server_connections(const struct stub_server *);

/*
 * Closes the listener and every connection. The memory is freed by the
 * close callbacks: run the loop afterwards. After the call, the passed
 * server is no longer valid.
 */
void stub_server_close(struct stub_server *);

#endif
