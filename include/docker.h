/*
 * The Docker Engine API client (Docker, or Podman's compatible API) over the
 * asynchronous HTTP client: endpoint resolution, API version negotiation
 * (GET /version, then every call under /vX.Y), calls and streams. Calls
 * made before the version is known wait for the negotiation; a transport
 * error forgets it, so the next call negotiates again (an engine that went
 * away and came back is picked up without a restart).
 *
 * Nothing blocks: every call completes through its callback on the loop
 * that drives the struct http. Callbacks run exactly once unless the call
 * is cancelled (docker_cancel) or the client freed first.
 */

#ifndef SNOWDECK_DOCKER_H
#define SNOWDECK_DOCKER_H

#include <stddef.h>

struct http;
struct docker;
struct docker_op;

/* Where the Docker Engine API answers. */
struct docker_endpoint {
	char *unix_path; /* a unix socket path, or NULL for TCP */
	char *base_url;  /* "http://localhost" (unix) or "http://host:port" */
	char *display;   /* "unix:///run/podman/podman.sock" for messages */
};

/*
 * Resolves the endpoint: docker_host (the DOCKER_HOST value, or the config
 * file's [docker] host) when set, "unix://PATH" or "tcp://HOST:PORT";
 * else the first existing of /var/run/docker.sock,
 * $XDG_RUNTIME_DIR/podman/podman.sock and /run/podman/podman.sock (exists
 * is the test, NULL meaning access(F_OK)). Returns 0, or -1 with *cause
 * naming what was tried and what to do. Pure apart from exists.
 */
int docker_endpoint_resolve(const char *docker_host, const char *xdg_runtime,
    int (*exists)(const char *path), struct docker_endpoint *out, char **cause);
void docker_endpoint_free(struct docker_endpoint *);

/*
 * The compose project `astro dev` uses for a project directory: the project
 * name from .astro/config.yaml (project: name:), else the directory's base
 * name in snake case with '_' turned into '-' (what astro dev init writes),
 * then "_" and the first 6 hex digits of the MD5 of the directory path,
 * normalised the way Compose does (lower case; only [a-z0-9_-]). config is
 * the text of .astro/config.yaml, or NULL. Returns an owned string.
 */
char *docker_astro_project(
    const char *dir, const char *config_yaml, size_t config_len);

/*
 * The same for the current directory, reading .astro/config.yaml (a small
 * local file, read before the loop runs). Returns an owned string, or NULL
 * with *cause when the directory cannot be determined.
 */
char *docker_astro_project_cwd(char **cause);

/* The outcome of one call (pointers borrowed for the callback). */
struct docker_result {
	int error;         /* 0 when the status is 2xx (or 304) */
	const char *cause; /* a sentence: what failed and what to do */
	long status;       /* HTTP status, 0 when no response */
	const char *body;
	size_t len;
	double ms;
};

typedef void (*docker_done_cb)(const struct docker_result *, void *arg);
/* A chunk of a streamed body (borrowed); return 0, or -1 to stop. */
typedef int (*docker_chunk_cb)(const char *data, size_t len, void *arg);

/*
 * Creates a client for ep (copied) on http (borrowed; must outlive the
 * client). want_api is the highest API version to use ("1.41"; NULL gives
 * that). Returns 0, or -1 with *cause.
 */
int docker_create(struct docker **out, struct http *http,
    const struct docker_endpoint *ep, const char *want_api, char **cause);
/*
 * Cancels every call without calling back and frees the client. Safe from
 * inside any of its callbacks: the memory is released when that callback
 * returns.
 */
void docker_free(struct docker *);

/* "v1.41" once negotiated, else NULL. Borrowed. */
const char *docker_api_prefix(const struct docker *);
/* "Podman Engine 4.3.1" once negotiated, else NULL. Borrowed. */
const char *docker_engine(const struct docker *);
/* The endpoint in the unix:// or tcp:// form. Borrowed. */
const char *docker_display(const struct docker *);
/* Forgets the negotiated version (the next call negotiates again). */
void docker_reset(struct docker *);

/*
 * Negotiates now (GET /version) and calls done with the outcome; the
 * body is the /version answer.
 */
struct docker_op *docker_negotiate(
    struct docker *, docker_done_cb done, void *arg);

/*
 * One call: method, a path under the versioned prefix ("/containers/json")
 * and an optional query without '?' (already encoded) and JSON body.
 * POSTs are never retried. Returns the operation handle, valid until done
 * runs or docker_cancel().
 */
struct docker_op *docker_call(struct docker *, const char *method,
    const char *path, const char *query, const char *body, docker_done_cb done,
    void *arg);

/*
 * A streamed GET (logs with follow, events): chunk runs for every piece of a
 * 2xx body as it arrives, done once at the end (the engine closed the
 * stream, an error, or chunk returned -1). No total timeout.
 */
struct docker_op *docker_stream(struct docker *, const char *path,
    const char *query, docker_chunk_cb chunk, docker_done_cb done, void *arg);

/* Cancels an operation: its callbacks will not run. */
void docker_cancel(struct docker_op *);

/*
 * The query filter "filters={"label":["com.docker.compose.project=P"]}"
 * (percent-encoded, with "type":["container"] too when events is set).
 * Owned by the caller.
 */
char *docker_project_filter(const char *project, int events);

#endif
