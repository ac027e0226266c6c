/*
 * The local containers source: keeps a struct svcs fresh with the
 * containers of one compose project, for a services pane.
 *
 * Refresh policy. Nothing busy-polls. The container list is fetched once,
 * then again only when the engine's event stream (GET /events filtered by
 * the project label) reports a change, which also re-inspects the
 * container concerned: state changes show as they happen. CPU and memory
 * (GET /containers/{id}/stats?stream=false) and the health probes run on a
 * timer at the pane's refresh rate, with at most one request in flight per
 * container and kind: a slow engine is never asked twice (while an action
 * waits for its state change, that container is also inspected each tick,
 * in case the event stream lags). When the engine
 * goes away the source reports SOURCE_DOWN with a sentence naming the
 * endpoint and retries with backoff (1 s doubling to 30 s); when it comes
 * back the list, the stream and the timer resume.
 */

#ifndef SNOWDECK_SRC_DOCKER_H
#define SNOWDECK_SRC_DOCKER_H

struct uv_loop_s;
struct http;
struct docker;
struct config;
struct svcs;
struct source_status;
struct src_docker;

struct src_docker_config {
	const char *project; /* compose project; copied */
	int refresh_ms;      /* stats and probes; default 2000 */
	/* [services.*] probes; borrowed, may be NULL. */
	const struct config *cfg;
	/*
	 * Optional: called after the models changed (a view marks itself
	 * dirty; nothing needs to poll the generation counters).
	 */
	void (*on_change)(void *arg);
	void *on_change_arg;
};

/*
 * Creates the source and starts it. http, d, svcs and status are borrowed
 * and must outlive the source; svcs is filled with SVC_LOCAL entries and
 * status tracks the engine ("Podman Engine 4.3.1 at unix://..."). Returns
 * 0, or -1 with *cause.
 */
int src_docker_create(struct src_docker **out, struct uv_loop_s *loop,
    struct http *http, struct docker *d, const struct src_docker_config *c,
    struct svcs *svcs, struct source_status *status, char **cause);

/*
 * Cancels everything without calling back (pending action callbacks do not
 * run); the memory is freed once its timers closed (run the loop).
 */
void src_docker_free(struct src_docker *);

/* Changes the stats/probe interval (e.g. when the pane is hidden). */
void src_docker_set_refresh(struct src_docker *, int refresh_ms);

/* Refetches the list now (and retries at once when the engine was down). */
void src_docker_refresh_now(struct src_docker *);

/*
 * Called once when an action finished: error 0 and a sentence saying what
 * state the container reached, or error -1 and what failed or which state
 * it was left in after the timeout. message is borrowed for the call.
 */
typedef void (*src_docker_action_cb)(int error, const char *message, void *arg);

/*
 * Restarts, stops or starts (action "restart", "stop", "start") the
 * container with id. The change is observed through the event stream and
 * inspect, not assumed; done runs when the container reached the state
 * (restart: running with a later start time; stop: not running; start:
 * running) or after 60 s. Returns 0, or -1 with *cause for an unknown
 * container or action.
 */
int src_docker_action(struct src_docker *, const char *id, const char *action,
    src_docker_action_cb done, void *arg, char **cause);

/* Requests in flight (for tests and the status bar). */
int src_docker_pending(const struct src_docker *);

#endif
