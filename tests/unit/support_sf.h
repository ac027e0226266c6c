/*
 * Support for the Snowflake client suites: a loop, the HTTP client, the
 * in-process stub server and a Snowflake client connected to it (account
 * xy12345.us-east-1, user snowdeck, DEMO.XCOM, warehouse WH, role R; a
 * PAT, or key-pair JWT from the test key), with fast polls and retries,
 * and a guard timer so no wait outlasts its bound.
 */

#ifndef SNOWDECK_SUPPORT_SF_H
#define SNOWDECK_SUPPORT_SF_H

#include <uv.h>

#include "model.h"
#include "sf_conn.h"
#include "sf_sql.h"

struct http;
struct stub_server;

struct sf_fx {
	uv_loop_t loop;
	struct http *http;
	struct stub_server *srv;
	struct sf_client *sf;
	struct sf_conn conn;
	struct cmdlog cmdlog;
	uv_timer_t guard;
	int expired; /* the guard went off */
};

struct sf_fx_opts {
	int jwt;              /* key-pair JWT, else a PAT */
	int partition_window; /* 0: the client's default */
	int fast_retries;     /* HTTP retry backoff of 5 to 20 ms */
	/* Optional: every HTTP attempt, as http_set_trace() takes it. */
	void (*trace)(const char *method, const char *url, long status,
	    double ms, int attempt, void *arg);
	void *trace_arg;
};

/* Starts everything (fails the test on any error); opts may be NULL. */
void sf_fx_start(struct sf_fx *, const struct sf_fx_opts *);

/* Starts the guard: expired is 0 now and 1 once ms have passed. */
void sf_fx_guard(struct sf_fx *, long ms);

/* Runs the loop until *done is set or ms pass. */
void sf_fx_run(struct sf_fx *, const int *done, long ms);

/*
 * Frees everything; with check_handles, fails the test when handles other
 * than the fixture's were still open (each is closed first).
 */
void sf_fx_stop(struct sf_fx *, int check_handles);

#endif
