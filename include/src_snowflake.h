/*
 * The Snowflake data source: loads the Snowflake models (model_sf.h)
 * asynchronously for the panes and the headless twins, on the same core:
 * - stages of the connection's database and schema: the REST listStages
 *   endpoint, or SHOW STAGES where the account lacks it;
 * - files of one stage (with an optional path prefix): the REST listFiles
 *   endpoint, or LIST @stage; rows enter the model as each result
 *   partition arrives, so the first rows show before the last partition;
 * - rows of the XCom backend table (AIRFLOW__CORE__XCOM_SNOWFLAKE_TABLE,
 *   default DEMO.XCOM.XCOM_TABLE) for a DAG and run, values as compact
 *   JSON with secret fields masked.
 * Every string entering a model is sanitized. A new load of a kind cancels
 * the one in flight. Nothing blocks the loop.
 */

#ifndef SNOWDECK_SRC_SNOWFLAKE_H
#define SNOWDECK_SRC_SNOWFLAKE_H

struct sf_client;
struct sf_models;
struct source_status;
struct src_snowflake;

enum src_sf_kind {
	SRC_SF_STAGES,
	SRC_SF_FILES,
	SRC_SF_XCOM,
};

/*
 * Told when a load ends: error 0, or 1 with cause (borrowed) naming what
 * failed and what to do (also kept in m->error).
 */
typedef void (*src_sf_done_cb)(
    enum src_sf_kind, int error, const char *cause, void *arg);

struct src_snowflake_config {
	const char *xcom_table; /* NULL = the env variable, else default */
	src_sf_done_cb done;    /* may be NULL */
	void *arg;
};

/*
 * Creates the source. sf, m and status (may be NULL) are borrowed and must
 * outlive it. Returns 0, or -1 with *cause (a bad XCom table name).
 */
int src_snowflake_create(struct src_snowflake **out, struct sf_client *sf,
    struct sf_models *m, struct source_status *status,
    const struct src_snowflake_config *c, char **cause);
/* Cancels every load without calling back and frees. */
void src_snowflake_free(struct src_snowflake *);

void src_snowflake_load_stages(struct src_snowflake *);
/* stage: "@DB.SCHEMA.STAGE[/prefix]" (database/schema default to the
 * connection's). Returns -1 with *cause when the path is malformed. */
int src_snowflake_load_files(
    struct src_snowflake *, const char *stage, char **cause);
/* dag_id / run_id may be NULL (all). */
void src_snowflake_load_xcom(
    struct src_snowflake *, const char *dag_id, const char *run_id);

/* The XCom table as DB.SCHEMA.TABLE (borrowed). */
const char *src_snowflake_xcom_table(const struct src_snowflake *);

#endif
