/*
 * Preflight ("snowdeck doctor" and the doctor pane): one checklist, each
 * line green or red with the reason and the fix. This file is the pure
 * part: the checklist itself, its text and JSON forms, and the judgements
 * that need no I/O (the XCom table's DESCRIBE rows, Airflow's XCom backend
 * settings). core/doctor_run.c fills the list asynchronously.
 */

#ifndef SNOWDECK_DOCTOR_H
#define SNOWDECK_DOCTOR_H

#include <stddef.h>

struct buf;
struct grants;

enum doctor_state {
	DOCTOR_PENDING,
	DOCTOR_OK,
	DOCTOR_WARN, /* works, but look: not counted as a failure */
	DOCTOR_FAIL,
	DOCTOR_SKIP /* not applicable (e.g. no SPCS configured) */
};

struct doctor_item {
	char *group; /* "Airflow", "Snowflake", "Services", … */
	char *name;  /* "reachable", "XCom table DEMO.XCOM.XCOM_TABLE", … */
	enum doctor_state state;
	char *detail; /* the reason, sanitized */
	char *fix;    /* what to do, or NULL */
};

struct doctor {
	struct doctor_item *v;
	size_t n;
};

void doctor_init(struct doctor *);
void doctor_free(struct doctor *);

/* Adds a pending line; returns its index. */
size_t doctor_add(struct doctor *, const char *group, const char *name);

/* Sets a line's outcome; detail and fix are copied (sanitized), may be
 * NULL. */
void doctor_set(struct doctor *, size_t i, enum doctor_state,
    const char *detail, const char *fix);

/* How many lines are still pending. */
size_t doctor_pending(const struct doctor *);

/* 0 when no line failed, 1 otherwise (the process exit status). */
int doctor_exit_code(const struct doctor *);

/* One glyph per state: "✓", "✗", "!", "…", "-" (ASCII with ascii set). */
const char *doctor_glyph(enum doctor_state, int ascii);
const char *doctor_state_name(enum doctor_state);

/* The checklist as text (grouped, one line each, fix indented below a
 * failed line) and as a JSON document. */
void doctor_text(const struct doctor *, struct buf *out, int ascii);
void doctor_json(const struct doctor *, struct buf *out);

/*
 * Judges DESCRIBE TABLE of the XCom table: the seed's backend needs the
 * seven columns DAG_ID, TASK_ID, RUN_ID (VARCHAR), MULTI_INDEX (NUMBER),
 * KEY, VALUE_TYPE, VALUE (VARCHAR), in that order; only name and type are
 * compared (newer Snowflake versions return more DESCRIBE columns).
 * names/types are the "name" and "type" cells of each row. Returns
 * DOCTOR_OK or DOCTOR_FAIL with *detail (owned) saying what differs.
 */
enum doctor_state doctor_xcom_table(const char *const *names,
    const char *const *types, size_t nrows, char **detail);

/*
 * Judges Airflow's XCom backend settings as the environment (or Airflow's
 * config API) shows them: value_of(name) returns the value of
 * AIRFLOW__CORE__XCOM_BACKEND, AIRFLOW__CORE__XCOM_SNOWFLAKE_TABLE,
 * …_STAGE, …_CONN_NAME, or NULL when unset. Fills *detail and *fix
 * (owned; fix may be NULL). The backend class must end in
 * SnowflakeXComBackend; table and stage must be 3-part names (the backend
 * asserts it); the conn name must be set.
 */
enum doctor_state doctor_xcom_backend(
    const char *(*value_of)(const char *, void *), void *arg, char **detail,
    char **fix);

/* One SPCS object the role might operate: resolved name parts. */
struct doctor_spcs_obj {
	int pool;       /* a compute pool (name only), else a service */
	const char *db; /* services: database and schema */
	const char *schema;
	const char *name;
};

/*
 * Judges whether the role of g may operate (suspend, resume, restart)
 * each listed service and compute pool (OPERATE or OWNERSHIP, through its
 * role hierarchy: grants.h). DOCTOR_OK when it may operate all of them,
 * DOCTOR_WARN naming the ones it may not (the console shows their actions
 * disabled; the console still works), DOCTOR_SKIP when there are none.
 * Fills *detail and *fix (owned; fix NULL unless WARN: the GRANTs an
 * admin runs).
 */
enum doctor_state doctor_spcs_operate(const struct grants *g,
    const struct doctor_spcs_obj *objs, size_t n, char **detail, char **fix);

#endif
