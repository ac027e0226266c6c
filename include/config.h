/*
 * Configuration: command-line flags, then the environment, then
 * ~/.config/snowdeck/config.toml (the first source that sets a value wins).
 * The file is read with the TOML reader of toml.h (pure); unknown tables
 * and keys are ignored so that newer files work with older binaries.
 */

#ifndef SNOWDECK_CONFIG_H
#define SNOWDECK_CONFIG_H

#include <stddef.h>

struct config {
	char *airflow_url; /* default http://localhost:8080 */
	char *airflow_username;
	char *airflow_password; /* secret */
	char *airflow_token;    /* secret: a ready bearer token */
	char *cacert;
	int insecure;
	int readonly;
	char *theme;           /* name or path; default "default" */
	int refresh_ms;        /* focused pane; default 2000 */
	int refresh_hidden_ms; /* hidden panes; default 10000 */
	long timeout_ms;       /* total per request; default 30000 */
	char *audit_path;      /* default ~/.local/state/snowdeck/audit.jsonl */
	char *log_path;        /* -v debug log; NULL = none */
	char *config_path;     /* the file read, if any */
	char *warning;         /* e.g. readable secret file; or NULL */
	/* Local mode (the Docker Engine API). */
	char *docker_host;               /* DOCKER_HOST or [docker] host */
	char *compose_project;           /* [docker] compose_project */
	struct config_service *services; /* [services.<name>] tables */
	size_t nservices;
	struct config_job *jobs; /* [jobs.<name>] tables */
	size_t njobs;
};

/*
 * A [jobs.<name>] table: an external command the operator runs from the
 * console or with "snowdeck job NAME" (core/job.c). command is an array of
 * words run directly (no shell), or, only with shell = true, one string for
 * /bin/sh -c.
 */
struct config_job {
	char *name;
	char **argv;   /* command = ["astro", "dev", "restart"]; NULL-ended */
	char *command; /* command = "…" (a string) */
	int shell;     /* shell = true; -1 unset */
	char *cwd;
	char *description;
};

/* The [jobs.<name>] table for name, or NULL. */
const struct config_job *config_job_find(
    const struct config *c, const char *name);

/* A [services.<name>] table: per-service settings (the health probe). */
struct config_service {
	char *name;
	char *probe;  /* URL, or "off"; NULL = the built-in probe */
	char *expect; /* required body; NULL = built-in, "" = any 2xx */
};

/* The [services.<name>] table for name, or NULL. */
const struct config_service *config_service_find(
    const struct config *c, const char *name);

/* Fills defaults. */
void config_init(struct config *);
void config_free(struct config *);

/*
 * A pure parse of TOML text into c, for the keys snowdeck knows:
 *   [airflow] url, username, password, token, cacert, insecure
 *   [ui] theme, refresh_ms, refresh_hidden_ms, readonly
 *   [audit] path
 *   [docker] host, compose_project
 *   [services.<name>] probe, expect
 *   [jobs.<name>] command, shell, cwd, description
 * Only keys not already set (NULL / -1 markers) are filled when
 * only_unset is non-zero. Returns 0, or -1 with *cause naming the line.
 */
int config_parse_toml(struct config *c, const char *text, size_t len,
    int only_unset, char **cause);

/*
 * Reads the environment (SNOWDECK_AIRFLOW_URL, SNOWDECK_AIRFLOW_USERNAME,
 * SNOWDECK_AIRFLOW_PASSWORD, SNOWDECK_AIRFLOW_TOKEN, SNOWDECK_READONLY,
 * SNOWDECK_THEME, SNOWDECK_AUDIT) for values not set yet.
 */
void config_from_env(struct config *c);

/*
 * Loads path (or the default path when NULL) for values not set yet. A
 * missing default file is not an error. Sets c->warning when the file
 * holds a secret and others can read it. Returns 0 or -1 with *cause.
 */
int config_load_file(struct config *c, const char *path, char **cause);

/* Applies the built-in defaults to whatever is still unset. */
void config_finish(struct config *c);

#endif
