/* A scripted HTTP/1.1 stub server on the test's libuv loop. */

/*
 * Keep-alive HTTP/1.1 with Content-Length request bodies (what libcurl
 * sends). One response is in progress per connection at a time; pipelined
 * requests wait in the input buffer. Every handle is embedded in its owner,
 * and owners are freed from the last close callback.
 */

#include "support_server.h"

#include <arpa/inet.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "util.h"

#define container_of(ptr, type, member) \
	((type *)(void *)((char *)(ptr)-offsetof(type, member)))

struct stub_answer {
	struct stub_response r;
	char *headers;
	char *body;
};

struct stub_route {
	char *path;
	struct stub_answer *v;
	size_t n;
	size_t next;
	int hits;
	char *method;
	char *target;
	char *head;
	char *body;
	struct stub_route *link;
};

struct stub_conn {
	union {
		uv_tcp_t tcp;
		uv_pipe_t pipe;
		uv_stream_t stream;
		uv_handle_t handle;
	} h;
	uv_timer_t timer;
	struct stub_server *srv;
	struct buf in;
	const struct stub_answer *cur; /* answer in progress */
	size_t sent;                   /* chunked: body bytes sent */
	int busy;
	int closing;
	int handles;
	struct stub_conn *prev, *next;
};

struct stub_server {
	uv_loop_t *loop;
	union {
		uv_tcp_t tcp;
		uv_pipe_t pipe;
		uv_stream_t stream;
		uv_handle_t handle;
	} listen;
	int is_unix;
	char *unix_path;
	int port;
	char url[64];
	struct stub_route *routes;
	struct stub_conn *conns;
	int accepted;
	int refs; /* listener + connections not yet freed */
};

struct stub_write {
	uv_write_t req;
	struct stub_conn *conn;
	char *data;
};

static void stub_conn_process(struct stub_conn *);

static void
stub_server_unref(struct stub_server *srv)
{
	struct stub_route *rt, *next;
	size_t i;

	if (--srv->refs > 0)
		return;
	for (rt = srv->routes; rt != NULL; rt = next) {
		next = rt->link;
		for (i = 0; i < rt->n; i++) {
			free(rt->v[i].headers);
			free(rt->v[i].body);
		}
		free(rt->v);
		free(rt->path);
		free(rt->method);
		free(rt->target);
		free(rt->head);
		free(rt->body);
		free(rt);
	}
	if (srv->unix_path != NULL) {
		unlink(srv->unix_path);
		free(srv->unix_path);
	}
	free(srv);
}

static struct stub_route *
stub_route_find(const struct stub_server *srv, const char *path)
{
	struct stub_route *rt;

	for (rt = srv->routes; rt != NULL; rt = rt->link) {
		if (strcmp(rt->path, path) == 0)
			return rt;
	}
	return NULL;
}

static void
stub_conn_close_cb(uv_handle_t *h)
{
	struct stub_conn *c = h->data;
	struct stub_server *srv = c->srv;

	if (--c->handles > 0)
		return;
	buf_free(&c->in);
	free(c);
	stub_server_unref(srv);
}

static void
stub_conn_close(struct stub_conn *c)
{
	struct stub_server *srv = c->srv;

	if (c->closing)
		return;
	c->closing = 1;
	if (c->prev != NULL)
		c->prev->next = c->next;
	else
		srv->conns = c->next;
	if (c->next != NULL)
		c->next->prev = c->prev;
	uv_close(&c->h.handle, stub_conn_close_cb);
	uv_close((uv_handle_t *)&c->timer, stub_conn_close_cb);
}

static void
stub_write_cb(uv_write_t *req, int status)
{
	struct stub_write *w = container_of(req, struct stub_write, req);

	if (status < 0 && status != UV_ECANCELED)
		stub_conn_close(w->conn);
	free(w->data);
	free(w);
}

/* Queues len bytes (copied) on the connection. */
static void
stub_conn_write(struct stub_conn *c, const void *data, size_t len)
{
	struct stub_write *w;
	uv_buf_t b;

	if (c->closing || len == 0)
		return;
	w = xcalloc(1, sizeof *w);
	w->conn = c;
	w->data = xmalloc(len);
	memcpy(w->data, data, len);
	b = uv_buf_init(w->data, (unsigned int)len);
	if (uv_write(&w->req, &c->h.stream, &b, 1, stub_write_cb) != 0) {
		free(w->data);
		free(w);
		stub_conn_close(c);
	}
}

static const char *
stub_reason(int status)
{
	switch (status) {
	case 200:
		return "OK";
	case 201:
		return "Created";
	case 204:
		return "No Content";
	case 400:
		return "Bad Request";
	case 401:
		return "Unauthorized";
	case 403:
		return "Forbidden";
	case 404:
		return "Not Found";
	case 429:
		return "Too Many Requests";
	case 500:
		return "Internal Server Error";
	case 502:
		return "Bad Gateway";
	case 503:
		return "Service Unavailable";
	case 504:
		return "Gateway Timeout";
	default:
		return "Status";
	}
}

static void stub_conn_timer_cb(uv_timer_t *);

/* Sends the next chunk of the current chunked answer, or its end. */
static void
stub_conn_chunk(struct stub_conn *c)
{
	const struct stub_answer *a = c->cur;
	size_t n, left = a->r.body_len - c->sent;
	char head[32];

	if (left == 0) {
		stub_conn_write(c, "0\r\n\r\n", 5);
		c->cur = NULL;
		c->busy = 0;
		stub_conn_process(c);
		return;
	}
	n = a->r.chunk_size == 0 || a->r.chunk_size > left ? left
							   : a->r.chunk_size;
	snprintf(head, sizeof head, "%zx\r\n", n);
	stub_conn_write(c, head, strlen(head));
	stub_conn_write(c, a->body + c->sent, n);
	stub_conn_write(c, "\r\n", 2);
	c->sent += n;
	uv_timer_start(
	    &c->timer, stub_conn_timer_cb, (uint64_t)a->r.chunk_delay_ms, 0);
}

/* Sends the current answer (after its delay). */
static void
stub_conn_answer(struct stub_conn *c)
{
	const struct stub_answer *a = c->cur;
	struct buf h;
	int status = a->r.status != 0 ? a->r.status : 200;

	if (a->r.action == STUB_CLOSE) {
		stub_conn_close(c);
		return;
	}
	if (a->r.action == STUB_HANG)
		return;
	buf_init(&h);
	buf_printf(&h, "HTTP/1.1 %d %s\r\n", status, stub_reason(status));
	if (a->r.chunked)
		buf_adds(&h, "Transfer-Encoding: chunked\r\n");
	else
		buf_printf(&h, "Content-Length: %zu\r\n", a->r.body_len);
	if (a->r.gzip)
		buf_adds(&h, "Content-Encoding: gzip\r\n");
	if (a->headers != NULL)
		buf_adds(&h, a->headers);
	buf_adds(&h, "\r\n");
	stub_conn_write(c, h.data, h.len);
	buf_free(&h);
	if (a->r.chunked) {
		c->sent = 0;
		uv_timer_start(&c->timer, stub_conn_timer_cb,
		    (uint64_t)a->r.chunk_delay_ms, 0);
		return;
	}
	stub_conn_write(c, a->body, a->r.body_len);
	c->cur = NULL;
	c->busy = 0;
	stub_conn_process(c);
}

static void
stub_conn_timer_cb(uv_timer_t *t)
{
	struct stub_conn *c = t->data;

	if (c->cur == NULL)
		return;
	if (c->busy == 1) {
		c->busy = 2; /* the delay is over */
		stub_conn_answer(c);
	} else
		stub_conn_chunk(c);
}

static char *
stub_header(const char *head, size_t len, const char *name)
{
	size_t n = strlen(name), i, e;

	for (i = 0; i + n < len; i++) {
		if ((i == 0 || head[i - 1] == '\n') &&
		    strncasecmp(head + i, name, n) == 0 && head[i + n] == ':') {
			i += n + 1;
			while (i < len && head[i] == ' ')
				i++;
			for (e = i; e < len && head[e] != '\r'; e++)
				;
			return xstrndup(head + i, e - i);
		}
	}
	return NULL;
}

/* Handles every complete request in the input buffer. */
static void
stub_conn_process(struct stub_conn *c)
{
	struct stub_server *srv = c->srv;
	struct stub_route *rt;
	static const struct stub_answer not_found = {
		.r = { .status = 404 },
	};
	char *end, *sp1, *sp2, *cl, *path;
	size_t head_len, body_len, total;

	while (!c->busy && !c->closing && c->in.len > 0) {
		end = strstr(c->in.data, "\r\n\r\n");
		if (end == NULL)
			return;
		head_len = (size_t)(end - c->in.data) + 4;
		cl = stub_header(c->in.data, head_len, "Content-Length");
		body_len = cl != NULL ? (size_t)strtoul(cl, NULL, 10) : 0;
		free(cl);
		total = head_len + body_len;
		if (c->in.len < total)
			return;
		sp1 = memchr(c->in.data, ' ', head_len);
		sp2 = sp1 != NULL ? memchr(sp1 + 1, ' ', head_len) : NULL;
		if (sp1 == NULL || sp2 == NULL) {
			stub_conn_close(c);
			return;
		}
		path = xstrndup(sp1 + 1, (size_t)(sp2 - sp1 - 1));
		path[strcspn(path, "?")] = '\0';
		rt = stub_route_find(srv, path);
		if (rt != NULL) {
			rt->hits++;
			free(rt->method);
			free(rt->target);
			free(rt->head);
			free(rt->body);
			rt->method =
			    xstrndup(c->in.data, (size_t)(sp1 - c->in.data));
			rt->target = xstrndup(sp1 + 1, (size_t)(sp2 - sp1 - 1));
			rt->head = xstrndup(c->in.data, head_len);
			rt->body = xstrndup(c->in.data + head_len, body_len);
			c->cur = &rt->v[rt->next];
			if (rt->next + 1 < rt->n)
				rt->next++;
		} else
			c->cur = &not_found;
		free(path);
		memmove(c->in.data, c->in.data + total, c->in.len - total);
		c->in.len -= total;
		c->in.data[c->in.len] = '\0';
		c->busy = 1;
		if (c->cur->r.delay_ms > 0) {
			uv_timer_start(&c->timer, stub_conn_timer_cb,
			    (uint64_t)c->cur->r.delay_ms, 0);
			return;
		}
		c->busy = 2;
		stub_conn_answer(c);
	}
}

static void
stub_alloc_cb(uv_handle_t *h, size_t size, uv_buf_t *b)
{
	(void)h;
	b->base = xmalloc(size);
	b->len = size;
}

static void
stub_read_cb(uv_stream_t *s, ssize_t n, const uv_buf_t *b)
{
	struct stub_conn *c = s->data;

	if (n < 0) {
		free(b->base);
		stub_conn_close(c);
		return;
	}
	if (n > 0)
		buf_add(&c->in, b->base, (size_t)n);
	free(b->base);
	stub_conn_process(c);
}

static void
stub_connection_cb(uv_stream_t *l, int status)
{
	struct stub_server *srv = l->data;
	struct stub_conn *c;
	int r;

	if (status < 0)
		return;
	c = xcalloc(1, sizeof *c);
	c->srv = srv;
	buf_init(&c->in);
	if (srv->is_unix)
		r = uv_pipe_init(srv->loop, &c->h.pipe, 0);
	else
		r = uv_tcp_init(srv->loop, &c->h.tcp);
	if (r != 0) {
		free(c);
		return;
	}
	c->h.handle.data = c;
	uv_timer_init(srv->loop, &c->timer);
	c->timer.data = c;
	c->handles = 2;
	srv->refs++;
	c->next = srv->conns;
	if (srv->conns != NULL)
		srv->conns->prev = c;
	srv->conns = c;
	srv->accepted++;
	if (uv_accept(l, &c->h.stream) != 0 ||
	    uv_read_start(&c->h.stream, stub_alloc_cb, stub_read_cb) != 0)
		stub_conn_close(c);
}

static void
stub_listen_close_cb(uv_handle_t *h)
{
	stub_server_unref(h->data);
}

int
stub_server_start(struct stub_server **out, uv_loop_t *loop,
    const char *unix_path, char **cause)
{
	struct stub_server *srv;
	struct sockaddr_storage ss;
	struct sockaddr_in sin;
	int r, len;

	signal(SIGPIPE, SIG_IGN);
	srv = xcalloc(1, sizeof *srv);
	srv->loop = loop;
	srv->refs = 1;
	if (unix_path != NULL) {
		srv->is_unix = 1;
		srv->unix_path = xstrdup(unix_path);
		unlink(unix_path);
		uv_pipe_init(loop, &srv->listen.pipe, 0);
		srv->listen.handle.data = srv;
		r = uv_pipe_bind(&srv->listen.pipe, unix_path);
		snprintf(srv->url, sizeof srv->url, "http://localhost");
	} else {
		uv_tcp_init(loop, &srv->listen.tcp);
		srv->listen.handle.data = srv;
		uv_ip4_addr("127.0.0.1", 0, &sin);
		r = uv_tcp_bind(
		    &srv->listen.tcp, (const struct sockaddr *)&sin, 0);
		if (r == 0) {
			len = (int)sizeof ss;
			r = uv_tcp_getsockname(
			    &srv->listen.tcp, (struct sockaddr *)&ss, &len);
		}
		if (r == 0) {
			srv->port =
			    ntohs(((struct sockaddr_in *)&ss)->sin_port);
			snprintf(srv->url, sizeof srv->url,
			    "http://127.0.0.1:%d", srv->port);
		}
	}
	if (r == 0)
		r = uv_listen(&srv->listen.stream, 128, stub_connection_cb);
	if (r != 0) {
		*cause = xasprintf("stub server: %s", uv_strerror(r));
		uv_close(&srv->listen.handle, stub_listen_close_cb);
		*out = NULL;
		return -1;
	}
	*out = srv;
	return 0;
}

const char *
stub_server_url(const struct stub_server *srv)
{
	return srv->url;
}

int
stub_server_port(const struct stub_server *srv)
{
	return srv->port;
}

void
stub_server_add(
    struct stub_server *srv, const char *path, const struct stub_response *r)
{
	struct stub_route *rt;
	struct stub_answer *a;

	if ((rt = stub_route_find(srv, path)) == NULL) {
		rt = xcalloc(1, sizeof *rt);
		rt->path = xstrdup(path);
		rt->link = srv->routes;
		srv->routes = rt;
	}
	rt->v = xreallocarray(rt->v, rt->n + 1, sizeof *rt->v);
	a = &rt->v[rt->n++];
	memset(a, 0, sizeof *a);
	a->r = *r;
	if (r->headers != NULL)
		a->headers = xstrdup(r->headers);
	if (r->body != NULL) {
		if (a->r.body_len == 0)
			a->r.body_len = strlen(r->body);
		a->body = xmalloc(a->r.body_len + 1);
		memcpy(a->body, r->body, a->r.body_len);
		a->body[a->r.body_len] = '\0';
	} else
		a->r.body_len = 0;
	a->r.headers = a->headers;
	a->r.body = a->body;
}

int
stub_server_hits(const struct stub_server *srv, const char *path)
{
	const struct stub_route *rt = stub_route_find(srv, path);

	return rt != NULL ? rt->hits : 0;
}

const char *
stub_server_last_method(const struct stub_server *srv, const char *path)
{
	const struct stub_route *rt = stub_route_find(srv, path);

	return rt != NULL ? rt->method : NULL;
}

const char *
stub_server_last_target(const struct stub_server *srv, const char *path)
{
	const struct stub_route *rt = stub_route_find(srv, path);

	return rt != NULL ? rt->target : NULL;
}

const char *
stub_server_last_headers(const struct stub_server *srv, const char *path)
{
	const struct stub_route *rt = stub_route_find(srv, path);

	return rt != NULL ? rt->head : NULL;
}

const char *
stub_server_last_body(const struct stub_server *srv, const char *path)
{
	const struct stub_route *rt = stub_route_find(srv, path);

	return rt != NULL ? rt->body : NULL;
}

int
stub_server_connections(const struct stub_server *srv)
{
	return srv->accepted;
}

void
stub_server_close(struct stub_server *srv)
{
	if (srv == NULL)
		return;
	while (srv->conns != NULL)
		stub_conn_close(srv->conns);
	uv_close(&srv->listen.handle, stub_listen_close_cb);
}
