/* The shared environment of the Snowflake-facing headless commands. */

#include "cli_env.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "cli.h"
#include "config.h"
#include "http.h"
#include "netcfg.h"
#include "sanitize.h"
#include "sf_sql.h"
#include "util.h"

void
cli_env_error(const char *msg)
{
	char *safe = sanitize_dup(msg, strlen(msg), 0);

	fprintf(stderr, "snowdeck: %s\n", safe);
	free(safe);
}

int
cli_env_open(struct cli_env *e, const struct config *cfg,
    const struct cli_options *opts, int need_sf, char **cause)
{
	struct http_config hc;
	struct sf_client_config sc;
	struct sf_conn_opts co;

	memset(e, 0, sizeof *e);
	sf_conn_init(&e->conn);
	if (uv_loop_init(&e->loop) != 0) {
		*cause = xstrdup("cannot create an event loop");
		return -1;
	}
	e->loop_ok = 1;
	netcfg_http_config(&hc, cfg);
	if (http_create(&e->http, &e->loop, &hc, cause) != 0 ||
	    audit_open(&e->audit, &e->loop, cfg->audit_path, cause) != 0)
		return -1;
	if (cfg->insecure > 0)
		fprintf(stderr, "snowdeck: warning: TLS verification is off "
				"(--insecure)\n");
	if (!need_sf)
		return 0;
	memset(&co, 0, sizeof co);
	co.conn_id = opts->sf_conn_id;
	co.name = opts->sf_connection;
	co.url = opts->sf_url;
	if (sf_conn_resolve(&e->conn, &co, cause) != 0)
		return -1;
	e->conn_ok = 1;
	memset(&sc, 0, sizeof sc);
	sc.loop = &e->loop;
	sc.conn = &e->conn;
	sc.cmdlog = &e->cmdlog;
	sc.audit = e->audit;
	return sf_client_create(&e->sf, e->http, &sc, cause);
}

void
cli_env_run(struct cli_env *e)
{
	uv_run(&e->loop, UV_RUN_DEFAULT);
}

void
cli_env_close(struct cli_env *e)
{
	sf_client_free(e->sf);
	http_free(e->http);
	audit_close(e->audit);
	if (e->loop_ok) {
		uv_run(&e->loop, UV_RUN_DEFAULT);
		if (uv_loop_close(&e->loop) != 0)
			fprintf(stderr, "snowdeck: warning: loop not closed "
					"cleanly\n");
	}
	cmdlog_free(&e->cmdlog);
	sf_conn_free(&e->conn);
	memset(e, 0, sizeof *e);
}
