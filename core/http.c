/* The asynchronous HTTP client: libcurl multi driven by the libuv loop. */

/*
 * The glue follows curl's docs/examples/multi-uv.c with the gaps closed:
 *
 * - one struct http owns the CURLM, a uv_timer_t for CURLMOPT_TIMERFUNCTION
 *   and every per-socket context (a uv_poll_t created in the socket callback
 *   and freed only from its close callback);
 * - every curl_multi_socket_action() result is checked and is followed by
 *   draining curl_multi_info_read(), whatever the running count says;
 * - poll errors are passed on as CURL_CSELECT_ERR;
 * - handles are reached with container_of(), never by casting;
 * - teardown runs curl_multi_cleanup() while the loop and the client are
 *   alive; the handles close through uv_close() and free in close callbacks.
 *
 * User code (done, trace and chunk callbacks) may call back into the client.
 * Two counters make that safe: in_curl is non-zero while libcurl is on the
 * stack (only chunk_cb runs then, and libcurl forbids multi calls from it,
 * so cancels and starts are deferred), and depth is non-zero while one of
 * our libuv callbacks runs (an http_free() then only marks the client dying
 * and the last callback to leave destroys it).
 *
 * A request moves STARTING/WAITING/FAILING -> RUNNING -> (WAITING for a
 * retry ->) DELIVERING -> CLOSED, or to CANCELLED from any state before
 * DELIVERING. Its memory lives until the close callback of its timer.
 */

#include "http.h"

#include <sys/queue.h>

#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <curl/curl.h>
#include <uv.h>

#include "util.h"

#define container_of(ptr, type, member) \
	((type *)(void *)((char *)(ptr)-offsetof(type, member)))

#ifndef CURL_WRITEFUNC_ERROR
#define CURL_WRITEFUNC_ERROR 0 /* before libcurl 7.87 */
#endif

/* A server asking for a longer pause than this gets its answer delivered. */
#define HTTP_RETRY_AFTER_MAX_MS 60000
/* Longest Content-Type or Retry-After value kept. */
#define HTTP_HEADER_MAX 512

enum http_state {
	HTTP_REQ_STARTING,   /* waiting for a zero timer to start */
	HTTP_REQ_RUNNING,    /* easy handle in the multi */
	HTTP_REQ_WAITING,    /* retry timer running */
	HTTP_REQ_FAILING,    /* could not start; error delivered by timer */
	HTTP_REQ_TRACING,    /* trace callback running; easy detached */
	HTTP_REQ_DELIVERING, /* done callback running */
	HTTP_REQ_CANCELLED,  /* no callback will run; easy may linger */
	HTTP_REQ_CLOSED,     /* timer closing; freed in its close cb */
};

/* One curl socket watched by libuv. */
struct http_sock {
	uv_poll_t poll;
	curl_socket_t fd;
	struct http *http;
	TAILQ_ENTRY(http_sock) entry;
};
TAILQ_HEAD(http_socks, http_sock);

struct http_req {
	struct http *http;
	TAILQ_ENTRY(http_req) entry;
	enum http_state state;
	uv_timer_t timer; /* start, retry and deferred failure */
	CURL *easy;       /* while RUNNING (or CANCELLED inside curl) */

	char *method;
	char *url;
	char *url_safe; /* without user info and query, for causes */
	char *origin;   /* scheme://host[:port], for causes */
	struct curl_slist *headers;
	char *body;
	size_t body_len;
	char *userpwd;
	char *unix_socket;
	int flags;
	long timeout_ms; /* 0 = none */
	int (*chunk_cb)(const char *, size_t, void *);
	http_done_cb done;
	void *arg;

	int attempts;
	uint64_t start_ns;
	double elapsed_ms;
	uint64_t bytes_in;
	struct buf resp;
	char *content_type;
	char *retry_after;
	char *cause; /* FAILING: the error to deliver */
	int too_large;
	int chunk_abort;
	int chunks; /* chunks delivered to chunk_cb */
	int doomed; /* failed by a multi error */
	char errbuf[CURL_ERROR_SIZE];
};
TAILQ_HEAD(http_reqs, http_req);

struct http {
	uv_loop_t *loop;
	CURLM *multi;
	uv_timer_t timer; /* CURLMOPT_TIMERFUNCTION */
	struct http_socks socks;
	struct http_reqs reqs;

	long connect_timeout_ms;
	long total_timeout_ms;
	size_t max_response;
	int max_retries;
	long retry_base_ms;
	long retry_max_ms;
	char *cacert;
	int insecure;
	char *user_agent;

	http_trace_cb trace;
	void *trace_arg;

	uint64_t bytes_total;
	uint64_t requests_total;
	uint64_t rng;
	int poll_error; /* last uv error from the socket callback */

	int in_curl; /* inside curl_multi_socket_action() */
	int depth;   /* inside one of our libuv callbacks */
	int reap;    /* cancelled requests still hold easy handles */
	int dying;   /* http_free() called; destroy on leave */
};

static void http_destroy(struct http *);
static void http_req_timer_cb(uv_timer_t *);

void
http_config_default(struct http_config *c)
{
	memset(c, 0, sizeof *c);
	c->connect_timeout_ms = 5000;
	c->total_timeout_ms = 30000;
	c->max_response = (size_t)64 * 1024 * 1024;
	c->max_retries = 3;
	c->retry_base_ms = 200;
	c->retry_max_ms = 5000;
}

long
http_backoff_ms(int n, long base_ms, long max_ms, double rnd)
{
	long cap;
	int i;

	if (base_ms <= 0 || max_ms <= 0)
		return 0;
	if (n < 1)
		n = 1;
	cap = base_ms < max_ms ? base_ms : max_ms;
	for (i = 1; i < n && cap < max_ms; i++) {
		if (cap > max_ms / 2)
			cap = max_ms;
		else
			cap *= 2;
	}
	if (!(rnd >= 0.0))
		rnd = 0.0;
	if (rnd >= 1.0)
		rnd = 0.0;
	return (long)(rnd * (double)cap);
}

long
http_retry_after_ms(const char *value, double now_epoch)
{
	char tmp[128];
	const char *p;
	size_t len;
	long secs;
	time_t t;
	double ms;

	if (value == NULL)
		return -1;
	while (*value == ' ' || *value == '\t')
		value++;
	len = strlen(value);
	while (len > 0 && (value[len - 1] == ' ' || value[len - 1] == '\t' ||
			      value[len - 1] == '\r' || value[len - 1] == '\n'))
		len--;
	if (len == 0 || len >= sizeof tmp)
		return -1;
	memcpy(tmp, value, len);
	tmp[len] = '\0';

	/* delta-seconds = 1*DIGIT */
	if (tmp[0] >= '0' && tmp[0] <= '9') {
		secs = 0;
		for (p = tmp; *p != '\0'; p++) {
			if (*p < '0' || *p > '9')
				break;
			if (secs > (LONG_MAX / 1000 - 9) / 10)
				secs = LONG_MAX / 1000;
			else
				secs = secs * 10 + (*p - '0');
		}
		if (*p == '\0')
			return secs * 1000;
		/* "1994" may start a date in some formats; fall through. */
	}

	/* HTTP-date: IMF-fixdate, RFC 850 or asctime. */
	if (strchr(tmp, ' ') == NULL)
		return -1;
	t = curl_getdate(tmp, NULL);
	if (t == (time_t)-1)
		return -1;
	ms = ((double)t - now_epoch) * 1000.0;
	if (ms <= 0)
		return 0;
	if (ms > (double)(LONG_MAX / 2))
		return LONG_MAX / 2;
	return (long)ms;
}

/* ---- small helpers ------------------------------------------------------ */

/* xorshift64*: jitter only, so no need for a good or seeded-by-OS source. */
static double
http_random(struct http *http)
{
	uint64_t x = http->rng;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	http->rng = x;
	return (double)((x * 2685821657736338717ULL) >> 11) /
	       9007199254740992.0;
}

/* Formats a duration as "30 s" or "0.3 s" into b. */
static void
http_fmt_secs(char *b, size_t n, long ms)
{
	if (ms % 1000 == 0)
		snprintf(b, n, "%ld s", ms / 1000);
	else
		snprintf(b, n, "%.1f s", (double)ms / 1000.0);
}

/*
 * Fills the safe forms of url used in causes: url_safe without user info,
 * query or fragment, origin only scheme://host[:port]. Both owned by req.
 */
static void
http_req_safe_urls(struct http_req *req)
{
	const char *u = req->url, *auth, *end, *at, *p;
	struct buf b;

	buf_init(&b);
	auth = strstr(u, "://");
	if (auth == NULL) {
		end = u + strcspn(u, "?#");
		buf_add(&b, u, (size_t)(end - u));
		req->url_safe = buf_detach(&b);
		req->origin = xstrdup(req->url_safe);
		return;
	}
	auth += 3;
	end = auth + strcspn(auth, "/?#");
	at = NULL;
	for (p = auth; p < end; p++) {
		if (*p == '@')
			at = p;
	}
	buf_add(&b, u, (size_t)(auth - u));
	buf_add(&b, at != NULL ? at + 1 : auth,
	    (size_t)(end - (at != NULL ? at + 1 : auth)));
	req->origin = xstrdup(b.data);
	p = end + strcspn(end, "?#");
	buf_add(&b, end, (size_t)(p - end));
	req->url_safe = buf_detach(&b);
}

/* Copies a header value (after the colon) trimmed, capped. Owned. */
static char *
http_header_value(const char *p, size_t len)
{
	while (len > 0 && (*p == ' ' || *p == '\t')) {
		p++;
		len--;
	}
	while (len > 0 && (p[len - 1] == '\r' || p[len - 1] == '\n' ||
			      p[len - 1] == ' ' || p[len - 1] == '\t'))
		len--;
	if (len > HTTP_HEADER_MAX)
		len = HTTP_HEADER_MAX;
	return xstrndup(p, len);
}

static void
http_req_reset_response(struct http_req *req)
{
	buf_reset(&req->resp);
	free(req->content_type);
	req->content_type = NULL;
	free(req->retry_after);
	req->retry_after = NULL;
	req->too_large = 0;
	req->chunk_abort = 0;
	req->errbuf[0] = '\0';
}

static int
http_req_is_idempotent(const struct http_req *req)
{
	if (req->flags & HTTP_NO_RETRY)
		return 0;
	if (req->flags & HTTP_IDEMPOTENT)
		return 1;
	return strcmp(req->method, "GET") == 0 ||
	       strcmp(req->method, "HEAD") == 0;
}

static int
http_result_is_transient(CURLcode rc)
{
	switch (rc) {
	case CURLE_COULDNT_CONNECT:
	case CURLE_OPERATION_TIMEDOUT:
	case CURLE_GOT_NOTHING:
	case CURLE_SEND_ERROR:
	case CURLE_RECV_ERROR:
	case CURLE_PARTIAL_FILE:
	case CURLE_HTTP2_STREAM:
		return 1;
	default:
		return 0;
	}
}

static int
http_status_is_transient(long status)
{
	return status == 429 || status == 502 || status == 503 || status == 504;
}

/* ---- curl callbacks for one transfer ------------------------------------ */

static size_t
http_write_cb(char *data, size_t size, size_t n, void *arg)
{
	struct http_req *req = arg;
	struct http *http = req->http;
	size_t len = size * n;
	long status = 0;
	int r;

	if (req->state != HTTP_REQ_RUNNING)
		return CURL_WRITEFUNC_ERROR;
	http->bytes_total += len;
	req->bytes_in += len;
	if ((req->flags & HTTP_STREAM) && req->chunk_cb != NULL) {
		curl_easy_getinfo(req->easy, CURLINFO_RESPONSE_CODE, &status);
		if (status >= 200 && status < 300) {
			if (len == 0)
				return 0;
			r = req->chunk_cb(data, len, req->arg);
			req->chunks++;
			/* The callback may have cancelled this request. */
			if (req->state != HTTP_REQ_RUNNING)
				return CURL_WRITEFUNC_ERROR;
			if (r != 0) {
				req->chunk_abort = 1;
				return CURL_WRITEFUNC_ERROR;
			}
			return len;
		}
	}
	if (http->max_response != 0 &&
	    (len > http->max_response ||
		req->resp.len > http->max_response - len)) {
		req->too_large = 1;
		return CURL_WRITEFUNC_ERROR;
	}
	buf_add(&req->resp, data, len);
	return len;
}

static size_t
http_header_cb(char *data, size_t size, size_t n, void *arg)
{
	struct http_req *req = arg;
	size_t len = size * n;

	if (req->state != HTTP_REQ_RUNNING)
		return CURL_WRITEFUNC_ERROR;
	if (len >= 5 && strncmp(data, "HTTP/", 5) == 0) {
		/* A new response (after 100 Continue, say) starts afresh. */
		free(req->content_type);
		req->content_type = NULL;
		free(req->retry_after);
		req->retry_after = NULL;
	} else if (len > 13 && strncasecmp(data, "Content-Type:", 13) == 0) {
		free(req->content_type);
		req->content_type = http_header_value(data + 13, len - 13);
	} else if (len > 12 && strncasecmp(data, "Retry-After:", 12) == 0) {
		free(req->retry_after);
		req->retry_after = http_header_value(data + 12, len - 12);
	}
	return len;
}

/* ---- the multi glue ----------------------------------------------------- */

static void
http_sock_close_cb(uv_handle_t *h)
{
	struct http_sock *s = container_of(h, struct http_sock, poll);

	free(s);
}

static void
http_sock_close(struct http *http, struct http_sock *s)
{
	TAILQ_REMOVE(&http->socks, s, entry);
	uv_close((uv_handle_t *)&s->poll, http_sock_close_cb);
}

/* Removes req's easy handle from the multi and frees it. */
static void
http_req_detach(struct http_req *req)
{
	struct http *http = req->http;

	if (req->easy == NULL)
		return;
	curl_multi_remove_handle(http->multi, req->easy);
	curl_easy_cleanup(req->easy);
	req->easy = NULL;
}

static void
http_req_close_cb(uv_handle_t *h)
{
	struct http_req *req = container_of(h, struct http_req, timer);
	struct curl_slist *l;

	free(req->method);
	free(req->url);
	free(req->url_safe);
	free(req->origin);
	/* Headers may carry tokens: wipe them like the body. */
	for (l = req->headers; l != NULL; l = l->next)
		memset(l->data, 0, strlen(l->data));
	curl_slist_free_all(req->headers);
	if (req->body != NULL)
		memset(req->body, 0, req->body_len);
	free(req->body);
	if (req->userpwd != NULL)
		memset(req->userpwd, 0, strlen(req->userpwd));
	free(req->userpwd);
	free(req->unix_socket);
	buf_free(&req->resp);
	free(req->content_type);
	free(req->retry_after);
	free(req->cause);
	free(req);
}

/* Takes req off the client and frees it once its timer has closed. */
static void
http_req_close(struct http_req *req)
{
	if (req->state == HTTP_REQ_CLOSED)
		return;
	req->state = HTTP_REQ_CLOSED;
	TAILQ_REMOVE(&req->http->reqs, req, entry);
	uv_close((uv_handle_t *)&req->timer, http_req_close_cb);
}

/*
 * Tells the observer about the attempt that just ended (req is TRACING).
 * Returns -1 when the observer cancelled req or freed the client: then no
 * further callback may run for req.
 */
static int
http_req_trace(struct http_req *req, long status)
{
	struct http *http = req->http;

	if (http->trace != NULL)
		http->trace(req->method, req->url, status, req->elapsed_ms,
		    req->attempts, http->trace_arg);
	if (req->state == HTTP_REQ_CANCELLED || http->dying)
		return -1;
	return 0;
}

/* Runs the done callback once, then closes req. */
static void
http_req_deliver(struct http_req *req, long status, const char *cause)
{
	struct http_response r;

	memset(&r, 0, sizeof r);
	r.status = status;
	r.error = cause != NULL ? -1 : 0;
	r.cause = cause;
	r.body = req->resp.data != NULL ? req->resp.data : "";
	r.body_len = req->resp.len;
	r.content_type = req->content_type;
	r.retry_after = req->retry_after;
	r.elapsed_ms = req->elapsed_ms;
	r.attempts = req->attempts;
	r.bytes_in = req->bytes_in;
	req->state = HTTP_REQ_DELIVERING;
	req->done(&r, req->arg);
	http_req_close(req);
}

/* Explains a failed transfer in a sentence. Owned by the caller. */
static char *
http_req_cause(struct http_req *req, CURLcode rc, long os_errno, int connected)
{
	struct http *http = req->http;
	const char *detail, *u = req->url_safe, *o = req->origin;
	char secs[32];
	long ms;

	detail = req->errbuf[0] != '\0' ? req->errbuf : curl_easy_strerror(rc);
	if (req->too_large || rc == CURLE_FILESIZE_EXCEEDED)
		return xasprintf("response larger than %zu bytes from %s: "
				 "stopped reading it (ask for less, e.g. a "
				 "smaller page)",
		    http->max_response, u);
	if (req->chunk_abort)
		return xasprintf("the reader stopped the stream from %s", u);
	switch (rc) {
	case CURLE_COULDNT_CONNECT:
		if (os_errno != 0)
			detail = strerror((int)os_errno);
		if (req->unix_socket != NULL)
			return xasprintf("cannot connect to the unix socket %s "
					 "for %s: %s (is the service running "
					 "and the socket path right?)",
			    req->unix_socket, u, detail);
		return xasprintf("cannot connect to %s: %s (is the server "
				 "running and the URL right?)",
		    o, detail);
	case CURLE_COULDNT_RESOLVE_HOST:
		return xasprintf("cannot resolve the host name of %s: %s "
				 "(check the URL and the network)",
		    o, detail);
	case CURLE_COULDNT_RESOLVE_PROXY:
		return xasprintf("cannot resolve the proxy for %s: %s (check "
				 "the *_proxy environment variables)",
		    o, detail);
	case CURLE_OPERATION_TIMEDOUT:
		if (!connected) {
			ms = http->connect_timeout_ms;
			if (req->timeout_ms > 0 && req->timeout_ms < ms)
				ms = req->timeout_ms;
			http_fmt_secs(secs, sizeof secs, ms);
			if (strstr(req->errbuf, "SSL") != NULL)
				return xasprintf(
				    "timed out after %s in the "
				    "TLS handshake with %s (is it "
				    "an https server? try http://)",
				    secs, o);
			return xasprintf("timed out after %s connecting to %s "
					 "(is the host reachable? a firewall "
					 "may be dropping packets)",
			    secs, o);
		}
		http_fmt_secs(secs, sizeof secs, req->timeout_ms);
		return xasprintf("timed out after %s waiting for %s (the "
				 "server is slow or hung; raise [http] "
				 "timeout_ms if it is just slow)",
		    secs, u);
	case CURLE_PEER_FAILED_VERIFICATION:
		return xasprintf("the TLS certificate of %s failed "
				 "verification: %s (set cacert to the CA "
				 "that signed it; insecure only for testing)",
		    o, detail);
	case CURLE_SSL_CONNECT_ERROR:
		return xasprintf("the TLS handshake with %s failed: %s (is "
				 "it really an https server?)",
		    o, detail);
	case CURLE_SSL_CACERT_BADFILE:
		return xasprintf("cannot use the CA file %s: %s (check the "
				 "cacert setting)",
		    http->cacert != NULL ? http->cacert : "(system)", detail);
	case CURLE_GOT_NOTHING:
		return xasprintf("%s closed the connection without replying "
				 "(the server may be restarting or "
				 "overloaded)",
		    o);
	case CURLE_SEND_ERROR:
	case CURLE_RECV_ERROR:
		return xasprintf("the connection to %s broke while %s: %s "
				 "(network trouble, or the server restarted)",
		    o, rc == CURLE_SEND_ERROR ? "sending" : "receiving",
		    detail);
	case CURLE_PARTIAL_FILE:
		return xasprintf("the connection to %s closed before the "
				 "whole response arrived (the server may "
				 "have crashed; try again)",
		    o);
	case CURLE_URL_MALFORMAT:
		return xasprintf("the URL %s is malformed: %s (check the "
				 "configured URL)",
		    u, detail);
	case CURLE_UNSUPPORTED_PROTOCOL:
		return xasprintf("cannot request %s: only http:// and "
				 "https:// URLs are supported",
		    u);
	case CURLE_ABORTED_BY_CALLBACK:
		if (http->poll_error != 0)
			return xasprintf("cannot watch the connection to %s: "
					 "%s",
			    o, uv_strerror(http->poll_error));
		break;
	default:
		break;
	}
	return xasprintf("the request to %s failed: %s", u, detail);
}

/* Sets every option of one attempt on e. Returns 0 or -1 with *cause. */
static int
http_req_setup(struct http_req *req, CURL *e, char **cause)
{
	struct http *http = req->http;
	CURLcode rc = CURLE_OK;
	const char *m = req->method;

#define HTTP_SETOPT(opt, val)                               \
	do {                                                \
		if (rc == CURLE_OK)                         \
			rc = curl_easy_setopt(e, opt, val); \
	} while (0)
	HTTP_SETOPT(CURLOPT_PRIVATE, req);
	HTTP_SETOPT(CURLOPT_URL, req->url);
	HTTP_SETOPT(CURLOPT_PROTOCOLS_STR, "http,https");
	HTTP_SETOPT(CURLOPT_NOSIGNAL, 1L);
	HTTP_SETOPT(CURLOPT_ERRORBUFFER, req->errbuf);
	HTTP_SETOPT(CURLOPT_WRITEFUNCTION, http_write_cb);
	HTTP_SETOPT(CURLOPT_WRITEDATA, req);
	HTTP_SETOPT(CURLOPT_HEADERFUNCTION, http_header_cb);
	HTTP_SETOPT(CURLOPT_HEADERDATA, req);
	HTTP_SETOPT(CURLOPT_ACCEPT_ENCODING, "");
	HTTP_SETOPT(CURLOPT_TCP_KEEPALIVE, 1L);
	HTTP_SETOPT(CURLOPT_CONNECTTIMEOUT_MS, http->connect_timeout_ms);
	HTTP_SETOPT(CURLOPT_TIMEOUT_MS, req->timeout_ms);
	HTTP_SETOPT(CURLOPT_USERAGENT, http->user_agent);
	HTTP_SETOPT(CURLOPT_SSL_VERIFYPEER, http->insecure ? 0L : 1L);
	HTTP_SETOPT(CURLOPT_SSL_VERIFYHOST, http->insecure ? 0L : 2L);
	if (http->cacert != NULL)
		HTTP_SETOPT(CURLOPT_CAINFO, http->cacert);
	if (!(req->flags & HTTP_STREAM) && http->max_response != 0)
		HTTP_SETOPT(
		    CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)http->max_response);
	if (req->flags & HTTP_FRESH)
		HTTP_SETOPT(CURLOPT_FRESH_CONNECT, 1L);
	if (req->headers != NULL)
		HTTP_SETOPT(CURLOPT_HTTPHEADER, req->headers);
	if (req->userpwd != NULL) {
		HTTP_SETOPT(CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
		HTTP_SETOPT(CURLOPT_USERPWD, req->userpwd);
	}
	if (req->unix_socket != NULL)
		HTTP_SETOPT(CURLOPT_UNIX_SOCKET_PATH, req->unix_socket);
	if (strcmp(m, "GET") == 0 && req->body == NULL)
		HTTP_SETOPT(CURLOPT_HTTPGET, 1L);
	else if (strcmp(m, "HEAD") == 0)
		HTTP_SETOPT(CURLOPT_NOBODY, 1L);
	else {
		if (strcmp(m, "POST") != 0)
			HTTP_SETOPT(CURLOPT_CUSTOMREQUEST, m);
		if (req->body != NULL || strcmp(m, "POST") == 0 ||
		    strcmp(m, "PUT") == 0 || strcmp(m, "PATCH") == 0) {
			HTTP_SETOPT(CURLOPT_POSTFIELDSIZE_LARGE,
			    (curl_off_t)req->body_len);
			HTTP_SETOPT(CURLOPT_POSTFIELDS,
			    req->body != NULL ? req->body : "");
		}
	}
#undef HTTP_SETOPT
	if (rc != CURLE_OK) {
		*cause = xasprintf("cannot set up the request to %s: %s "
				   "(this libcurl may lack a needed feature)",
		    req->url_safe, curl_easy_strerror(rc));
		return -1;
	}
	/* Best effort: fails only when libcurl has no HTTP/2. */
	curl_easy_setopt(e, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_2TLS);
	return 0;
}

/* Starts one attempt of req. Returns 0, or -1 with *cause set. */
static int
http_req_attempt(struct http_req *req, char **cause)
{
	struct http *http = req->http;
	CURLMcode mc;
	CURL *e;

	req->attempts++;
	http->requests_total++;
	http_req_reset_response(req);
	req->start_ns = uv_hrtime();
	req->elapsed_ms = 0;
	if ((e = curl_easy_init()) == NULL) {
		*cause = xasprintf("cannot create a transfer for %s: libcurl "
				   "is out of memory",
		    req->url_safe);
		return -1;
	}
	if (http_req_setup(req, e, cause) != 0) {
		curl_easy_cleanup(e);
		return -1;
	}
	req->easy = e;
	req->state = HTTP_REQ_RUNNING;
	mc = curl_multi_add_handle(http->multi, e);
	if (mc != CURLM_OK) {
		req->easy = NULL;
		curl_easy_cleanup(e);
		*cause = xasprintf("cannot start the request to %s: %s",
		    req->url_safe, curl_multi_strerror(mc));
		return -1;
	}
	return 0;
}

/* Starts an attempt from a timer; a failure is delivered at once. */
static void
http_req_attempt_now(struct http_req *req)
{
	char *cause = NULL;

	if (http_req_attempt(req, &cause) == 0)
		return;
	req->state = HTTP_REQ_TRACING;
	req->elapsed_ms = (double)(uv_hrtime() - req->start_ns) / 1e6;
	if (http_req_trace(req, 0) != 0)
		http_req_close(req);
	else
		http_req_deliver(req, 0, cause);
	free(cause);
}

/* Decides on a retry for an attempt that ended; returns the delay or -1. */
static long
http_req_retry_delay(struct http_req *req, CURLcode rc, long status)
{
	struct http *http = req->http;
	long delay, ra;

	if (!http_req_is_idempotent(req) || req->attempts > http->max_retries)
		return -1;
	if (req->too_large || req->chunk_abort || req->chunks > 0)
		return -1;
	if (rc != CURLE_OK) {
		if (!http_result_is_transient(rc))
			return -1;
	} else if (!http_status_is_transient(status))
		return -1;
	delay = http_backoff_ms(req->attempts, http->retry_base_ms,
	    http->retry_max_ms, http_random(http));
	if (rc == CURLE_OK && req->retry_after != NULL) {
		ra = http_retry_after_ms(req->retry_after, util_wall());
		if (ra > HTTP_RETRY_AFTER_MAX_MS)
			return -1;
		if (ra > delay)
			delay = ra;
	}
	return delay;
}

/* One attempt finished (message from curl_multi_info_read). */
static void
http_req_attempt_done(struct http_req *req, CURLcode rc)
{
	long status = 0, os_errno = 0, delay;
	curl_off_t connect_us = 0;
	char *cause = NULL;
	int connected;

	curl_easy_getinfo(req->easy, CURLINFO_RESPONSE_CODE, &status);
	curl_easy_getinfo(req->easy, CURLINFO_OS_ERRNO, &os_errno);
	curl_easy_getinfo(req->easy, CURLINFO_CONNECT_TIME_T, &connect_us);
	connected = connect_us > 0 || status != 0;
	req->elapsed_ms = (double)(uv_hrtime() - req->start_ns) / 1e6;
	http_req_detach(req);
	if (req->state == HTTP_REQ_CANCELLED) {
		http_req_close(req);
		return;
	}

	/* The trace callback may cancel this request or free the client. */
	req->state = HTTP_REQ_TRACING;
	if (http_req_trace(req, rc == CURLE_OK ? status : 0) != 0) {
		http_req_close(req);
		return;
	}
	if ((delay = http_req_retry_delay(req, rc, status)) >= 0) {
		req->state = HTTP_REQ_WAITING;
		uv_timer_start(
		    &req->timer, http_req_timer_cb, (uint64_t)delay, 0);
		return;
	}
	if (rc != CURLE_OK) {
		cause = http_req_cause(req, rc, os_errno, connected);
		if (req->attempts > 1) {
			char *s = xasprintf("%s; gave up after %d attempts",
			    cause, req->attempts);

			free(cause);
			cause = s;
		}
	}
	http_req_deliver(req, status, cause);
	free(cause);
}

/* Drains every finished transfer; run after each socket action. */
static void
http_check_multi_info(struct http *http)
{
	struct http_req *req;
	CURLMsg *msg;
	CURLcode rc;
	char *priv;
	int left;

	while ((msg = curl_multi_info_read(http->multi, &left)) != NULL) {
		if (msg->msg != CURLMSG_DONE)
			continue;
		rc = msg->data.result;
		priv = NULL;
		curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, &priv);
		req = (struct http_req *)(void *)priv;
		if (req == NULL || req->easy != msg->easy_handle) {
			/* Not ours any more: should not happen. */
			curl_multi_remove_handle(http->multi, msg->easy_handle);
			continue;
		}
		http_req_attempt_done(req, rc);
	}
}

/* Detaches the transfers of requests cancelled while curl was running. */
static void
http_reap(struct http *http)
{
	struct http_req *req, *next;

	if (!http->reap)
		return;
	http->reap = 0;
	for (req = TAILQ_FIRST(&http->reqs); req != NULL; req = next) {
		next = TAILQ_NEXT(req, entry);
		if (req->state == HTTP_REQ_CANCELLED) {
			http_req_detach(req);
			http_req_close(req);
		}
	}
}

/*
 * After a CURLMcode error every transfer's state is uncertain: fail each
 * running request with the reason rather than leave it hanging.
 */
static void
http_fail_running(struct http *http, CURLMcode mc)
{
	struct http_req *req;
	char *cause;

	TAILQ_FOREACH(req, &http->reqs, entry)
	{
		if (req->state == HTTP_REQ_RUNNING)
			req->doomed = 1;
	}
	for (;;) {
		TAILQ_FOREACH(req, &http->reqs, entry)
		{
			if (req->doomed && req->state == HTTP_REQ_RUNNING)
				break;
		}
		if (req == NULL)
			break;
		req->doomed = 0;
		http_req_detach(req);
		req->elapsed_ms = (double)(uv_hrtime() - req->start_ns) / 1e6;
		req->state = HTTP_REQ_TRACING;
		if (http_req_trace(req, 0) != 0) {
			http_req_close(req);
			continue;
		}
		cause = xasprintf("the HTTP client failed while talking to %s: "
				  "%s (internal error; try again)",
		    req->origin, curl_multi_strerror(mc));
		http_req_deliver(req, 0, cause);
		free(cause);
	}
}

static void
http_enter(struct http *http)
{
	http->depth++;
}

static void
http_leave(struct http *http)
{
	if (--http->depth == 0 && http->dying)
		http_destroy(http);
}

static void
http_socket_action(struct http *http, curl_socket_t fd, int flags)
{
	CURLMcode mc;
	int running;

	http->in_curl++;
	mc = curl_multi_socket_action(http->multi, fd, flags, &running);
	http->in_curl--;
	if (mc != CURLM_OK)
		http_fail_running(http, mc);
	/* Always drain: a finished transfer may not change the count. */
	http_check_multi_info(http);
	http_reap(http);
}

static void
http_poll_cb(uv_poll_t *h, int status, int events)
{
	struct http_sock *s = container_of(h, struct http_sock, poll);
	struct http *http = s->http;
	int flags = 0;

	if (status < 0)
		flags = CURL_CSELECT_ERR;
	else {
		if (events & UV_READABLE)
			flags |= CURL_CSELECT_IN;
		if (events & UV_WRITABLE)
			flags |= CURL_CSELECT_OUT;
	}
	http_enter(http);
	http_socket_action(http, s->fd, flags);
	http_leave(http);
}

static void
http_timer_cb(uv_timer_t *t)
{
	struct http *http = container_of(t, struct http, timer);

	http_enter(http);
	http_socket_action(http, CURL_SOCKET_TIMEOUT, 0);
	http_leave(http);
}

/* CURLMOPT_TIMERFUNCTION: never calls curl from here. */
static int
http_multi_timer_cb(CURLM *multi, long timeout_ms, void *arg)
{
	struct http *http = arg;

	(void)multi;
	if (timeout_ms < 0) {
		uv_timer_stop(&http->timer);
		return 0;
	}
	/* 0 would rerun inside the same libuv timer pass: starve the loop. */
	if (timeout_ms == 0)
		timeout_ms = 1;
	if (uv_timer_start(
		&http->timer, http_timer_cb, (uint64_t)timeout_ms, 0) != 0)
		return -1;
	return 0;
}

/* CURLMOPT_SOCKETFUNCTION: -1 makes curl fail every transfer on it. */
static int
http_multi_socket_cb(
    CURL *easy, curl_socket_t fd, int action, void *arg, void *socketp)
{
	struct http *http = arg;
	struct http_sock *s = socketp;
	int events = 0, r;

	(void)easy;
	switch (action) {
	case CURL_POLL_IN:
	case CURL_POLL_OUT:
	case CURL_POLL_INOUT:
		if (s == NULL) {
			s = xcalloc(1, sizeof *s);
			s->fd = fd;
			s->http = http;
			if ((r = uv_poll_init_socket(
				 http->loop, &s->poll, fd)) != 0) {
				free(s);
				http->poll_error = r;
				return -1;
			}
			TAILQ_INSERT_TAIL(&http->socks, s, entry);
			if (curl_multi_assign(http->multi, fd, s) != CURLM_OK) {
				http_sock_close(http, s);
				return -1;
			}
		}
		if (action != CURL_POLL_IN)
			events |= UV_WRITABLE;
		if (action != CURL_POLL_OUT)
			events |= UV_READABLE;
		if ((r = uv_poll_start(&s->poll, events, http_poll_cb)) != 0) {
			http->poll_error = r;
			curl_multi_assign(http->multi, fd, NULL);
			http_sock_close(http, s);
			return -1;
		}
		return 0;
	case CURL_POLL_REMOVE:
		if (s != NULL) {
			uv_poll_stop(&s->poll);
			http_sock_close(http, s);
			curl_multi_assign(http->multi, fd, NULL);
		}
		return 0;
	default:
		return -1;
	}
}

static void
http_req_timer_cb(uv_timer_t *t)
{
	struct http_req *req = container_of(t, struct http_req, timer);
	struct http *http = req->http;
	char *cause;

	http_enter(http);
	switch (req->state) {
	case HTTP_REQ_STARTING:
	case HTTP_REQ_WAITING:
		http_req_attempt_now(req);
		break;
	case HTTP_REQ_FAILING:
		cause = req->cause;
		req->cause = NULL;
		req->state = HTTP_REQ_TRACING;
		if (http_req_trace(req, 0) != 0)
			http_req_close(req);
		else
			http_req_deliver(req, 0, cause);
		free(cause);
		break;
	default:
		break;
	}
	http_leave(http);
}

/* ---- the client --------------------------------------------------------- */

int
http_create(struct http **out, struct uv_loop_s *loop,
    const struct http_config *config, char **cause)
{
	struct http_config def;
	struct http *http;
	CURLMcode mc = CURLM_OK;
	CURLcode rc;
	int r;

	*out = NULL;
	if (config == NULL) {
		http_config_default(&def);
		config = &def;
	}
	if ((rc = curl_global_init(CURL_GLOBAL_DEFAULT)) != CURLE_OK) {
		if (cause != NULL)
			*cause = xasprintf("cannot initialise libcurl: %s",
			    curl_easy_strerror(rc));
		return -1;
	}
	http = xcalloc(1, sizeof *http);
	http->loop = loop;
	TAILQ_INIT(&http->socks);
	TAILQ_INIT(&http->reqs);
	http->connect_timeout_ms =
	    config->connect_timeout_ms > 0 ? config->connect_timeout_ms : 5000;
	http->total_timeout_ms =
	    config->total_timeout_ms > 0 ? config->total_timeout_ms : 0;
	http->max_response = config->max_response != 0
				 ? config->max_response
				 : (size_t)64 * 1024 * 1024;
	http->max_retries = config->max_retries > 0 ? config->max_retries : 0;
	http->retry_base_ms =
	    config->retry_base_ms > 0 ? config->retry_base_ms : 200;
	http->retry_max_ms =
	    config->retry_max_ms > 0 ? config->retry_max_ms : 5000;
	if (config->cacert != NULL)
		http->cacert = xstrdup(config->cacert);
	http->insecure = config->insecure != 0;
	http->user_agent =
	    xstrdup(config->user_agent != NULL ? config->user_agent
					       : "snowdeck/" SNOWDECK_VERSION);
	http->rng = uv_hrtime() ^ (uint64_t)(uintptr_t)http;
	if (http->rng == 0)
		http->rng = 0x9e3779b97f4a7c15ULL;

	if ((http->multi = curl_multi_init()) == NULL) {
		if (cause != NULL)
			*cause = xstrdup("cannot create the HTTP client: "
					 "libcurl is out of memory");
		goto fail;
	}
	if (mc == CURLM_OK)
		mc = curl_multi_setopt(
		    http->multi, CURLMOPT_SOCKETFUNCTION, http_multi_socket_cb);
	if (mc == CURLM_OK)
		mc = curl_multi_setopt(http->multi, CURLMOPT_SOCKETDATA, http);
	if (mc == CURLM_OK)
		mc = curl_multi_setopt(
		    http->multi, CURLMOPT_TIMERFUNCTION, http_multi_timer_cb);
	if (mc == CURLM_OK)
		mc = curl_multi_setopt(http->multi, CURLMOPT_TIMERDATA, http);
	if (mc != CURLM_OK) {
		if (cause != NULL)
			*cause = xasprintf("cannot set up the HTTP client: %s",
			    curl_multi_strerror(mc));
		goto fail;
	}
	/* Last: a handle cannot be undone without running the loop. */
	if ((r = uv_timer_init(loop, &http->timer)) != 0) {
		if (cause != NULL)
			*cause = xasprintf(
			    "cannot create the HTTP timer: %s", uv_strerror(r));
		goto fail;
	}
	*out = http;
	return 0;

fail:
	if (http->multi != NULL)
		curl_multi_cleanup(http->multi);
	free(http->cacert);
	free(http->user_agent);
	free(http);
	curl_global_cleanup();
	return -1;
}

static void
http_close_cb(uv_handle_t *h)
{
	struct http *http = container_of(h, struct http, timer);

	free(http->cacert);
	free(http->user_agent);
	free(http);
}

/* Tears the client down; called with no callback of ours on the stack. */
static void
http_destroy(struct http *http)
{
	struct http_req *req, *next;
	struct http_sock *s;

	for (req = TAILQ_FIRST(&http->reqs); req != NULL; req = next) {
		next = TAILQ_NEXT(req, entry);
		http_req_detach(req);
		http_req_close(req);
	}
	/* May call the socket callback: the loop and http must be alive. */
	curl_multi_cleanup(http->multi);
	http->multi = NULL;
	/* Any socket curl forgot to remove must still be closed. */
	while ((s = TAILQ_FIRST(&http->socks)) != NULL)
		http_sock_close(http, s);
	uv_timer_stop(&http->timer);
	uv_close((uv_handle_t *)&http->timer, http_close_cb);
	curl_global_cleanup();
}

void
http_free(struct http *http)
{
	struct http_req *req, *next;

	if (http == NULL || http->dying)
		return;
	http->dying = 1;
	for (req = TAILQ_FIRST(&http->reqs); req != NULL; req = next) {
		next = TAILQ_NEXT(req, entry);
		http_cancel(req);
	}
	if (http->depth == 0)
		http_destroy(http);
}

void
http_set_trace(struct http *http, http_trace_cb cb, void *arg)
{
	http->trace = cb;
	http->trace_arg = arg;
}

struct http_req *
http_start(struct http *http, const struct http_request *r, http_done_cb done,
    void *arg)
{
	struct http_req *req;
	struct curl_slist *l;
	const char *const *h;
	char *cause = NULL;
	const char *m;
	size_t i;

	req = xcalloc(1, sizeof *req);
	req->http = http;
	req->done = done;
	req->arg = arg;
	buf_init(&req->resp);
	uv_timer_init(http->loop, &req->timer);
	TAILQ_INSERT_TAIL(&http->reqs, req, entry);
	if (http->dying) {
		/* Started from a callback after http_free(): never runs. */
		req->state = HTTP_REQ_CANCELLED;
		http_req_close(req);
		return req;
	}

	m = r->method != NULL && *r->method != '\0' ? r->method : "GET";
	req->method = xstrdup(m);
	for (i = 0; req->method[i] != '\0'; i++) {
		if (req->method[i] >= 'a' && req->method[i] <= 'z')
			req->method[i] = (char)(req->method[i] - 'a' + 'A');
	}
	req->url = xstrdup(r->url != NULL ? r->url : "");
	http_req_safe_urls(req);
	req->flags = r->flags;
	req->chunk_cb = r->chunk_cb;
	if (r->total_timeout_ms > 0)
		req->timeout_ms = r->total_timeout_ms;
	else if (r->total_timeout_ms < 0 || (r->flags & HTTP_STREAM))
		req->timeout_ms = 0;
	else
		req->timeout_ms = http->total_timeout_ms;
	if (r->body != NULL) {
		req->body_len = r->body_len;
		req->body = xmalloc(r->body_len + 1);
		memcpy(req->body, r->body, r->body_len);
		req->body[r->body_len] = '\0';
	}
	if (r->userpwd != NULL)
		req->userpwd = xstrdup(r->userpwd);
	if (r->unix_socket != NULL)
		req->unix_socket = xstrdup(r->unix_socket);
	for (h = r->headers; h != NULL && *h != NULL; h++) {
		if ((l = curl_slist_append(req->headers, *h)) == NULL)
			fatalx("http_start: out of memory");
		req->headers = l;
	}
	if (req->body != NULL) {
		/* No "Expect: 100-continue" round trip for larger bodies. */
		if ((l = curl_slist_append(req->headers, "Expect:")) == NULL)
			fatalx("http_start: out of memory");
		req->headers = l;
	}

	if (*req->url == '\0') {
		req->cause = xstrdup("no URL to request (check the configured "
				     "server URL)");
		req->state = HTTP_REQ_FAILING;
	} else if (http->in_curl) {
		/* Inside chunk_cb: libcurl forbids adding handles now. */
		req->state = HTTP_REQ_STARTING;
	} else if (http_req_attempt(req, &cause) != 0) {
		req->elapsed_ms = (double)(uv_hrtime() - req->start_ns) / 1e6;
		req->cause = cause;
		req->state = HTTP_REQ_FAILING;
	} else
		return req;
	/* Complete or start from the loop, never inside http_start. */
	uv_timer_start(&req->timer, http_req_timer_cb, 0, 0);
	return req;
}

struct http_req *
http_get(struct http *http, const char *url, const char *const *headers,
    http_done_cb done, void *arg)
{
	struct http_request r;

	memset(&r, 0, sizeof r);
	r.method = "GET";
	r.url = url;
	r.headers = headers;
	return http_start(http, &r, done, arg);
}

void
http_cancel(struct http_req *req)
{
	struct http *http;

	if (req == NULL)
		return;
	switch (req->state) {
	case HTTP_REQ_DELIVERING:
	case HTTP_REQ_CANCELLED:
	case HTTP_REQ_CLOSED:
		return;
	default:
		break;
	}
	http = req->http;
	if (req->state == HTTP_REQ_TRACING) {
		/* The code that called the observer closes it. */
		req->state = HTTP_REQ_CANCELLED;
		return;
	}
	req->state = HTTP_REQ_CANCELLED;
	uv_timer_stop(&req->timer);
	if (req->easy != NULL && http->in_curl) {
		/* Inside a curl callback: detach when curl returns. */
		http->reap = 1;
		return;
	}
	http_req_detach(req);
	http_req_close(req);
}

int
http_pending(const struct http *http)
{
	const struct http_req *req;
	int n = 0;

	TAILQ_FOREACH(req, &http->reqs, entry)
	{
		switch (req->state) {
		case HTTP_REQ_STARTING:
		case HTTP_REQ_RUNNING:
		case HTTP_REQ_WAITING:
		case HTTP_REQ_FAILING:
			n++;
			break;
		default:
			break;
		}
	}
	return n;
}

uint64_t
http_bytes_total(const struct http *http)
{
	return http->bytes_total;
}

uint64_t
http_requests_total(const struct http *http)
{
	return http->requests_total;
}
