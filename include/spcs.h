/*
 * Snowpark Container Services: compute pools, services, their containers
 * and logs, and the actions an operator means (suspend, resume, and a
 * restart that SPCS does not have: suspend, wait for SUSPENDED, resume,
 * wait for RUNNING with every container READY).
 *
 * The REST resource APIs come first (service.yaml, compute-pool.yaml);
 * where an account answers 404, 405 or 501 the SQL forms are used (SHOW
 * SERVICE CONTAINERS IN SERVICE, ALTER SERVICE ... SUSPEND|RESUME,
 * SYSTEM$GET_SERVICE_LOGS with bound values), and the deprecated
 * SYSTEM$GET_SERVICE_STATUS is parsed only as the last fallback.
 *
 * The parsers and the log merge are pure functions over bytes (fuzzed in
 * tests/fuzz/fuzz_spcs.c). Everything that talks to Snowflake is
 * asynchronous on the caller's loop; waiting is a timer with backoff
 * (1 s growing to 5 s, back to 1 s when the state changes). Every string
 * stored or handed out for display has passed the sanitizer.
 */

#ifndef SNOWDECK_SPCS_H
#define SNOWDECK_SPCS_H

#include <stddef.h>

struct sf_client;
struct svcs;
struct uv_loop_s;

/* ---- pure ------------------------------------------------------------- */

/*
 * The fields of a container row, in order, as REST ServiceContainer and
 * SHOW SERVICE CONTAINERS IN SERVICE name them (static).
 */
enum spcs_cfield {
	SPCS_CF_DATABASE,
	SPCS_CF_SCHEMA,
	SPCS_CF_SERVICE,
	SPCS_CF_SERVICE_STATUS,
	SPCS_CF_INSTANCE,
	SPCS_CF_INSTANCE_STATUS,
	SPCS_CF_NAME,
	SPCS_CF_STATUS,
	SPCS_CF_MESSAGE,
	SPCS_CF_IMAGE,
	SPCS_CF_RESTARTS,
	SPCS_CF_START,
	SPCS_CF_EXIT,
	SPCS_CF_N,
};
const char *const *spcs_container_fields(size_t *n);

/*
 * Pure: one container row (cells in spcs_container_fields() order, NULL or
 * "" for missing) appended to out as an SVC_SPCS element: id
 * "SERVICE/INSTANCE/CONTAINER", name the container, service, project
 * "DB.SCHEMA", image, status the raw container status ("READY"), message,
 * instance, state (READY -> running), restarts, started_at, exit_code
 * (-1 when the container never exited). A row without a container name
 * (a suspended or pending service) adds nothing. Strings are sanitized.
 * Returns 1 when an element was added, 0 otherwise.
 */
int spcs_container_row(struct svcs *out, const char *const *cells, size_t n);

/*
 * Pure: the deprecated SYSTEM$GET_SERVICE_STATUS value (a JSON array as a
 * string: status, message, containerName, instanceId, serviceName, image,
 * restartCount, startTime) appended to out like spcs_container_row().
 * Returns 0, or -1 with *cause when it is not a JSON array.
 */
int spcs_status_parse(const char *buf, size_t len, const char *database,
    const char *schema, struct svcs *out, char **cause);

/*
 * Pure: a REST logs answer ({"system$get_service_logs": "..."}) into the
 * raw text (owned, not sanitized: the merge sanitizes each line). Returns
 * 0, or -1 with *cause.
 */
int spcs_logs_body_parse(
    const char *buf, size_t len, char **text, size_t *tlen, char **cause);

/*
 * Follows a log that can only be read as "the last N lines": each new
 * snapshot is merged into what was already shown, so every line is
 * emitted once. The rules, in order:
 * - the first snapshot is emitted whole, or its last first_tail lines;
 * - when the previous and the new snapshot both held the whole log (fewer
 *   lines than asked for) and the old one is a prefix of the new one, the
 *   lines after it are new: exact even for repeated identical lines;
 * - a whole-log snapshot shorter than the previous one means the log was
 *   rotated or the container restarted: everything is new (*gap = 1);
 * - otherwise the longest suffix of the previous snapshot that is a
 *   prefix of the new one is the overlap and the rest is new; no overlap
 *   means more than N lines arrived or the log rotated (*gap = 1).
 * Lines are compared raw; emit gets each new line sanitized and with
 * secret values masked (redact_text_append; borrowed for the call). Only the
 * last snapshot is kept (bounded memory).
 */
struct spcs_logtail {
	char **lines; /* the last snapshot, owned */
	size_t n;
	int complete;      /* it held the whole log */
	int primed;        /* a snapshot was merged */
	size_t first_tail; /* the first merge emits only its last first_tail
			      lines; 0 = all (set by the caller) */
};
typedef void (*spcs_line_cb)(const char *line, void *arg);

void spcs_logtail_init(struct spcs_logtail *);
void spcs_logtail_free(struct spcs_logtail *);
/*
 * Merges the snapshot text (len bytes, '\n'-separated, a trailing newline
 * optional) read with numLines = window. Returns the number of lines
 * emitted; *gap (when not NULL) tells whether lines may be missing.
 */
size_t spcs_logtail_merge(struct spcs_logtail *, const char *text, size_t len,
    size_t window, spcs_line_cb emit, void *arg, int *gap);

/* ---- pools and services ------------------------------------------------ */

struct spcs_pool {
	char *name, *state, *family;
	int min_nodes, max_nodes, active_nodes, num_services;
};
struct spcs_pools {
	struct spcs_pool *v;
	size_t n;
};
void spcs_pools_free(struct spcs_pools *);

struct spcs_service {
	char *name, *status, *pool, *dns;
	char *endpoints; /* "name=url, ..." of public endpoints; "" none */
	int current_instances, target_instances;
};
struct spcs_services {
	struct spcs_service *v;
	size_t n;
};
void spcs_services_free(struct spcs_services *);

/* ---- asynchronous ------------------------------------------------------ */

struct spcs_op;

/* The end of a fetch; pointers borrowed for the callback. */
struct spcs_result {
	int error;
	const char *cause;
	struct svcs *containers;          /* spcs_containers_fetch */
	const struct spcs_pools *pools;   /* spcs_pools_fetch */
	const struct spcs_services *svcs; /* spcs_services_fetch */
	const char *text;                 /* spcs_logs_fetch: raw log text */
	size_t len;
};
typedef void (*spcs_done_cb)(const struct spcs_result *, void *arg);

/*
 * Compute pools (all, or the one named). The handle is valid until done
 * runs or spcs_op_cancel(); done never runs inside the call.
 */
struct spcs_op *spcs_pools_fetch(
    struct sf_client *, const char *name, spcs_done_cb, void *arg);

/*
 * Services of db.schema (all, or the one named), each with its public
 * endpoints (GET .../endpoints, or SHOW ENDPOINTS IN SERVICE).
 */
struct spcs_op *spcs_services_fetch(struct sf_client *, const char *db,
    const char *schema, const char *name, spcs_done_cb, void *arg);

/*
 * The containers of every instance of db.schema.service: REST, then SHOW
 * SERVICE CONTAINERS IN SERVICE, then SYSTEM$GET_SERVICE_STATUS.
 */
struct spcs_op *spcs_containers_fetch(struct sf_client *, const char *db,
    const char *schema, const char *service, spcs_done_cb, void *arg);

/*
 * The last lines (numLines; 0 = the server's default) of one container's
 * log: REST /logs, else SYSTEM$GET_SERVICE_LOGS with bound values. The
 * previous (terminated) run's log always comes from the SQL function with
 * retrieve_previous_logs TRUE: the REST operation has no such parameter.
 */
struct spcs_op *spcs_logs_fetch(struct sf_client *, const char *db,
    const char *schema, const char *service, const char *instance,
    const char *container, size_t lines, int previous, spcs_done_cb, void *arg);

enum spcs_action {
	SPCS_SUSPEND,
	SPCS_RESUME,
	SPCS_RESTART,
	SPCS_POOL_SUSPEND,
	SPCS_POOL_RESUME,
};
/* "suspend", "resume", "restart", "pool-suspend", "pool-resume". */
const char *spcs_action_name(enum spcs_action);

/* A state seen while an action runs; pointers borrowed for the call. */
struct spcs_progress {
	const char *phase;   /* "suspend", "resume" */
	const char *state;   /* the service or pool state now */
	int ready, total;    /* containers READY / known (services) */
	const char *message; /* the first non-READY container's message */
	double elapsed;      /* seconds since the action started */
};
typedef void (*spcs_progress_cb)(const struct spcs_progress *, void *arg);

/* How an action ended; pointers borrowed for the callback. */
struct spcs_outcome {
	int ok;                  /* the intended final state was reached */
	const char *state;       /* the state it ended in ("" unknown) */
	const char *cause;       /* when !ok: what failed and what to do */
	const char *message;     /* container message when one explains it */
	const char *const *seen; /* every distinct state observed, in order */
	size_t nseen;
	int ready, total;
	double elapsed;
};
typedef void (*spcs_outcome_cb)(const struct spcs_outcome *, void *arg);

struct spcs_action_config {
	long timeout_ms;  /* whole action; default 600000 */
	long poll_min_ms; /* default 1000 */
	long poll_max_ms; /* default 5000 */
};

/*
 * Runs action on the service db.schema.name (or the compute pool name:
 * db and schema ignored) on loop, calling progress at every observed
 * state change and done exactly once unless cancelled. cfg may be NULL.
 */
struct spcs_op *spcs_action_start(struct sf_client *, struct uv_loop_s *,
    enum spcs_action, const char *db, const char *schema, const char *name,
    const struct spcs_action_config *cfg, spcs_progress_cb progress,
    spcs_outcome_cb done, void *arg);

/* Cancels: no callback runs afterwards. NULL is a no-op. */
void spcs_op_cancel(struct spcs_op *);

#endif
