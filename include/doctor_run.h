/*
 * Fills a preflight checklist (doctor.h) asynchronously: Airflow reachable,
 * version, authorised, its XCom backend settings; Snowflake connection,
 * authentication, warehouse, database, schema, XCom table (seven columns)
 * and stage; compute pools and services; local service health probes.
 * Independent checks run concurrently; a check that depends on another
 * (everything Snowflake on authentication) is skipped with the reason
 * when that one failed. Nothing blocks the loop.
 */

#ifndef SNOWDECK_DOCTOR_RUN_H
#define SNOWDECK_DOCTOR_RUN_H

struct airflow;
struct config;
struct docker;
struct doctor;
struct http;
struct sf_client;
struct sf_conn;
struct doctor_run;

struct doctor_run_config {
	struct airflow *airflow;    /* NULL: Airflow lines fail as missing */
	struct sf_client *sf;       /* NULL: sf_error says why */
	const struct sf_conn *conn; /* the resolved connection, or NULL */
	const char *sf_error;       /* why there is no Snowflake client */
	struct docker *docker;      /* NULL: no engine (docker_error) */
	const char *docker_error;
	const char *project;      /* compose project for local probes */
	struct http *http;        /* for the probes */
	const struct config *cfg; /* [services.*] probes */
	const char *xcom_table;   /* DB.SCHEMA.TABLE; NULL = the env's or
				     DEMO.XCOM.XCOM_TABLE */
	const char *xcom_stage;   /* likewise, DEMO.XCOM.XCOM_STAGE */
};

/* Called once when every line has an outcome. */
typedef void (*doctor_done_cb)(struct doctor *, void *arg);

/*
 * Starts every check, adding its lines to d (borrowed; must outlive the
 * run). Returns 0 with *out; done never runs inside this call. When no
 * check needs to ask anything (no client at all), every line is already
 * set on return, doctor_pending(d) is 0 and done is not called.
 */
int doctor_run_start(struct doctor_run **out, struct doctor *d,
    const struct doctor_run_config *, doctor_done_cb done, void *arg,
    char **cause);

/* Stops what is in flight (no callback runs after) and frees the run;
 * call it after done, too. */
void doctor_run_cancel(struct doctor_run *);

#endif
