/*
 * The data models the console shows. Core sources fill them; views read
 * them. Each collection carries a generation counter bumped on every change
 * (views compare it with the generation they last drew: a pull model, core
 * never calls into views).
 *
 * Every string in a model has already passed the sanitizer (sanitize.h) and,
 * where it may hold secrets (XCom values, logs, conf), the redactor; views
 * can paint them as they are.
 *
 * Times are wall-clock seconds since the epoch as doubles; 0 means "none".
 */

#ifndef SNOWDECK_MODEL_H
#define SNOWDECK_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include "svc.h"

/* Airflow run and task-instance states, in one enum. */
enum af_state {
	AF_NONE = 0, /* no status yet (null) */
	AF_QUEUED,
	AF_SCHEDULED,
	AF_RUNNING,
	AF_SUCCESS,
	AF_FAILED,
	AF_UP_FOR_RETRY,
	AF_UP_FOR_RESCHEDULE,
	AF_UPSTREAM_FAILED,
	AF_SKIPPED,
	AF_DEFERRED,
	AF_REMOVED,
	AF_RESTARTING,
	AF_UNKNOWN, /* a state this client does not know */
};
#define AF_NSTATES (AF_UNKNOWN + 1)

/* Parses an Airflow state string (NULL or "none" gives AF_NONE). */
enum af_state af_state_parse(const char *);
/* The Airflow name of a state ("success"); static storage. */
const char *af_state_name(enum af_state);
/* A one-cell glyph shown beside the colour of a state (ASCII). */
char af_state_glyph(enum af_state);
/* Whether the state is final for a run or task (no more changes expected). */
int af_state_finished(enum af_state);

struct af_dag {
	char *dag_id;
	char *display_name; /* may equal dag_id */
	char *description;  /* may be NULL */
	char *owners;       /* comma-joined */
	char *tags;         /* comma-joined, may be "" */
	char *schedule;     /* timetable summary or "None" */
	char *fileloc;
	double next_run; /* next logical date, 0 = none */
	int paused;
	int import_errors;
	/* Filled by the latest-run poll. */
	enum af_state last_state;
	char *last_run_id; /* may be NULL */
	double last_run_start;
};

struct af_run {
	const char *dag_id; /* interned (util.h): shared, never freed */
	char *run_id;
	const char *run_type; /* interned: manual, scheduled, backfill, … */
	double logical_date;
	double run_after;
	double start_date;
	double end_date;
	char *conf; /* compact JSON, redacted; may be NULL */
	enum af_state state;
	/* 72 bytes: 100,000 runs are held at once, every field counts. */
};

struct af_ti {
	char *dag_id;
	char *run_id;
	char *task_id;
	int map_index; /* -1 when not mapped */
	enum af_state state;
	int try_number;
	int max_tries;
	char *operator; /* may be NULL */
	double start_date;
	double end_date;
	double duration; /* seconds; < 0 when unknown */
	char *hostname;  /* may be NULL */
	char *pool;      /* may be NULL */
};

struct af_xcom {
	char *key;
	int map_index;
	double timestamp;
};

/* A growable array of one element type; elements owned by the collection. */
struct af_dags {
	struct af_dag *v;
	size_t n, cap;
	uint64_t gen;
	size_t total; /* total_entries the server announced */
	int complete; /* every page arrived */
};

struct af_runs {
	struct af_run *v;
	size_t n, cap;
	uint64_t gen;
	size_t total;
	int complete;
	char *dag_id; /* whose runs these are; NULL = all DAGs */
};

struct af_tis {
	struct af_ti *v;
	size_t n, cap;
	uint64_t gen;
	size_t total;
	int complete;
};

struct af_xcoms {
	struct af_xcom *v;
	size_t n, cap;
	uint64_t gen;
	size_t total;
	int complete;
};

/*
 * The value of one XCom entry: pretty-printed JSON text, sanitized and with
 * secret fields masked, split into lines for paging. The raw value is never
 * kept. too_large is set when the value exceeded the size cap and only its
 * head is shown.
 */
struct af_value {
	char *key;  /* which entry; NULL = none loaded */
	char *text; /* pretty JSON, '\n'-separated lines */
	size_t len;
	size_t *lines; /* offsets of each line start */
	size_t nlines;
	int too_large;
	size_t raw_bytes; /* size of the value on the wire */
	uint64_t gen;
};

/*
 * A task log: sanitized, redacted lines. Appended to while following.
 * Line i is text[lines[i]] up to the next '\n'.
 */
struct af_log {
	char *dag_id, *run_id, *task_id;
	int try_number;
	int map_index;
	char *text;
	size_t len, cap;
	size_t *lines;
	size_t nlines, lines_cap;
	int finished; /* end of log reached (no continuation) */
	uint64_t gen;
};

/*
 * The grid: the most recent runs of one DAG (columns, oldest left) by its
 * tasks (rows), like the Airflow grid view.
 */
struct af_grid {
	char *dag_id;
	char **task_ids; /* rows */
	size_t ntasks;
	char **run_ids; /* columns, oldest first */
	enum af_state *run_states;
	size_t nruns;
	enum af_state *cells; /* ntasks * nruns, row-major; AF_NONE = absent */
	uint64_t gen;
};

/* Connection state of one source (Airflow, Snowflake, Docker). */
enum source_state {
	SOURCE_CONNECTING = 0,
	SOURCE_OK,
	SOURCE_DEGRADED, /* answering, but the last refresh failed */
	SOURCE_DOWN,     /* unreachable */
	SOURCE_AUTH,     /* credentials rejected */
};

struct source_status {
	const char *name; /* "airflow" */
	enum source_state state;
	char *detail;   /* "Airflow 3.2.2 (/api/v2)" or the error */
	double last_ok; /* wall time of the last good refresh */
	uint64_t gen;
};

/* One entry of the command log: a REST call, SQL statement or action. */
struct cmdlog_entry {
	double when;
	char *kind;  /* "GET", "POST", "SQL", "action" */
	char *what;  /* redacted path or statement */
	long status; /* HTTP status, 0 = transport error, -1 = n/a */
	double ms;
};

/* Newest last; capped ring of the last CMDLOG_MAX entries. */
#define CMDLOG_MAX 2000
struct cmdlog {
	struct cmdlog_entry *v;
	size_t n, cap, head; /* ring storage */
	uint64_t gen;
};

/* Returns entry i counted from the newest (0 = newest), or NULL. */
const struct cmdlog_entry *cmdlog_get(const struct cmdlog *, size_t i);
/* Appends an entry (copies the strings) and bumps gen. */
void cmdlog_add(struct cmdlog *, const char *kind, const char *what,
    long status, double ms);
void cmdlog_free(struct cmdlog *);

/* Everything the console shows. */
struct models {
	struct af_dags dags;
	struct af_runs runs;
	struct af_tis tis;
	struct af_xcoms xcoms;
	struct af_value value;
	struct af_log log;
	struct af_grid grid;
	struct source_status airflow;
	struct cmdlog cmdlog;
	/* Services: local containers (src_docker.c) and SPCS, side by side. */
	struct svcs services;
	struct source_status docker;

	/* The selection that drives the dependent panes. */
	char *sel_dag; /* NULL = all DAGs */
	char *sel_run; /* run id of sel_run_dag */
	char *sel_run_dag;
	char *sel_task;
	int sel_map_index;
	int sel_try;
};

void models_init(struct models *);
void models_free(struct models *);

void af_dag_clear(struct af_dag *);
void af_run_clear(struct af_run *);
void af_ti_clear(struct af_ti *);
void af_xcom_clear(struct af_xcom *);

/* Empty the collections (free elements, keep storage), bump gen. */
void af_dags_reset(struct af_dags *);
void af_runs_reset(struct af_runs *);
void af_tis_reset(struct af_tis *);
void af_xcoms_reset(struct af_xcoms *);
void af_value_reset(struct af_value *);
void af_log_reset(struct af_log *);
void af_grid_reset(struct af_grid *);

/* Append one element, taking ownership of its strings (the struct is copied,
 * the source must not be cleared afterwards). */
void af_dags_push(struct af_dags *, struct af_dag *);
void af_runs_push(struct af_runs *, struct af_run *);
/* Makes room for n runs at once (when the total is known). */
void af_runs_reserve(struct af_runs *, size_t n);
void af_tis_push(struct af_tis *, struct af_ti *);
void af_xcoms_push(struct af_xcoms *, struct af_xcom *);

/* Finds a DAG by id, or NULL. */
struct af_dag *af_dags_find(struct af_dags *, const char *dag_id);

/*
 * Replaces the value text (takes ownership of text, which must be
 * NUL-terminated) and indexes its lines.
 */
void af_value_set(struct af_value *, const char *key, char *text,
    size_t raw_bytes, int too_large);

/* Appends log text (already sanitized) and indexes new lines. */
void af_log_append(struct af_log *, const char *text, size_t len);

/* Sets a source's state and detail (copied; NULL keeps ""), bumps gen. */
void source_set(struct source_status *, enum source_state, const char *detail);

#endif
