/*
 * What every Snowflake-facing headless command opens: a loop, the HTTP
 * client, the audit file, a command log, the resolved Snowflake connection
 * and its client. One place for the set-up and teardown that "setup",
 * "doctor" and the Snowflake "get" commands share.
 */

#ifndef SNOWDECK_CLI_ENV_H
#define SNOWDECK_CLI_ENV_H

#include <uv.h>

#include "model.h"
#include "sf_conn.h"

struct audit;
struct cli_options;
struct config;
struct http;
struct sf_client;

struct cli_env {
	uv_loop_t loop;
	int loop_ok;
	struct http *http;
	struct audit *audit;
	struct cmdlog cmdlog;
	struct sf_conn conn;
	int conn_ok;          /* a Snowflake connection was resolved */
	struct sf_client *sf; /* NULL when no connection */
};

/*
 * Opens the loop, HTTP client and audit file; with need_sf, also resolves
 * the Snowflake connection (flags, environment, files) and creates the
 * client. Returns 0, or -1 with *cause (env is then safe to close).
 */
int cli_env_open(struct cli_env *, const struct config *,
    const struct cli_options *, int need_sf, char **cause);

/* Runs the loop until nothing is left to do. */
void cli_env_run(struct cli_env *);

/* Frees everything and drains the loop. */
void cli_env_close(struct cli_env *);

/* Prints "snowdeck: <msg>" on stderr, sanitized. */
void cli_env_error(const char *msg);

#endif
