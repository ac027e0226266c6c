/*
 * The Airflow data source: keeps the Airflow models fresh, cheaply.
 *
 * Refresh policy. One tick timer runs at the focused interval while anything
 * Airflow-related is visible (slower when only hidden panes need it). Each
 * tick polls what changes: the first page of the newest runs in the runs
 * pane's scope (one DAG or all). Runs are merged in place; only when the
 * selected run moved (or is still running) are its task instances fetched,
 * and only when a run of the grid's DAG moved is the grid fetched. The DAG
 * list is refetched on a slow timer. Full lists are paged in the
 * background, each page merged as it arrives. Requests of one kind never
 * overlap: a tick that finds one still in flight skips it.
 */

#ifndef SNOWDECK_SRC_AIRFLOW_H
#define SNOWDECK_SRC_AIRFLOW_H

#include <stddef.h>

struct uv_loop_s;
struct airflow;
struct models;
struct src_airflow;

struct src_airflow_config {
	int refresh_ms;        /* focused panes; default 2000 */
	int refresh_hidden_ms; /* hidden panes; default 10000 */
	int dags_ms;           /* the DAG list; default 15000 */
	size_t max_runs;       /* cap on runs paged in; default 100000 */
	int grid_runs;         /* runs shown in the grid; default 25 */
	size_t value_cap;      /* bytes of an XCom value shown; 4 MiB */
};

/*
 * Starts the source; it fetches the DAG list and the runs of all DAGs at
 * once. m and af are borrowed and must outlive the source.
 */
int src_airflow_create(struct src_airflow **out, struct uv_loop_s *loop,
    struct airflow *af, struct models *m, const struct src_airflow_config *c,
    char **cause);
/* Cancels everything; the struct is freed after its timer closes. */
void src_airflow_free(struct src_airflow *);

void src_airflow_select_dag(struct src_airflow *, const char *dag_id);
void src_airflow_select_run(
    struct src_airflow *, const char *dag_id, const char *run_id);
void src_airflow_select_task(
    struct src_airflow *, const char *task_id, int map_index, int try_number);
void src_airflow_select_xcom(
    struct src_airflow *, const char *key, int map_index);
void src_airflow_log_follow(struct src_airflow *, int on);
int src_airflow_log_following(const struct src_airflow *);
/* Which APP_PANE_* bits are visible and focused. */
void src_airflow_set_visible(struct src_airflow *, int visible, int focused);
void src_airflow_refresh_now(struct src_airflow *);

#endif
