/*
 * Snowflake connection resolution, from what users already have:
 * - Airflow connections in the environment (AIRFLOW_CONN_SNOWFLAKE_DEFAULT,
 *   or AIRFLOW_CONN_<ID> for --snowflake-conn-id), JSON or URI form;
 * - the Snowflake CLI's ~/.snowflake/connections.toml and config.toml
 *   (SNOWFLAKE_HOME moves the directory; default_connection_name;
 *   [NAME] or [connections.NAME]; -c NAME), with SNOWFLAKE_CONNECTIONS_
 *   <NAME>_<KEY> and SNOWFLAKE_<KEY> environment overrides;
 * - inside Snowpark Container Services, the OAuth token file
 *   /snowflake/session/token with SNOWFLAKE_HOST / SNOWFLAKE_ACCOUNT;
 * - flags (--snowflake-url / SNOWDECK_SNOWFLAKE_URL for the base URL).
 * The SQL API takes key-pair JWTs, programmatic access tokens and OAuth
 * tokens; a connection with only a password is refused with directions.
 *
 * The parsers (sf_conn_from_airflow, sf_conn_from_toml, sf_conn_apply_env)
 * are pure functions over bytes; sf_conn_resolve reads files and the
 * environment (before the loop starts).
 */

#ifndef SNOWDECK_SF_CONN_H
#define SNOWDECK_SF_CONN_H

#include <stddef.h>

enum sf_auth {
	SF_AUTH_NONE = 0,
	SF_AUTH_JWT,   /* key pair: KEYPAIR_JWT */
	SF_AUTH_PAT,   /* PROGRAMMATIC_ACCESS_TOKEN */
	SF_AUTH_OAUTH, /* OAUTH */
};

/* Every string owned by the struct; secrets are wiped when freed. */
struct sf_conn {
	char *source; /* "AIRFLOW_CONN_SNOWFLAKE_DEFAULT", "connections.toml
			 [sandbox]", ... */
	char *account;
	char *user;
	char *role;
	char *warehouse;
	char *database;
	char *schema;
	char *region;
	char *host;
	int port; /* 0 = default */
	char *protocol;
	char *authenticator;
	char *password; /* secret */
	char *private_key_file;
	char *private_key_content;    /* secret: PEM text */
	char *private_key_passphrase; /* secret */
	char *token;                  /* secret: PAT or OAuth token */
	char *token_file_path;
	/* Filled by sf_conn_finish(). */
	enum sf_auth auth;
	char *base_url; /* "https://acct.snowflakecomputing.com" */
};

void sf_conn_init(struct sf_conn *);
void sf_conn_free(struct sf_conn *);

/*
 * Sets a field by its Snowflake CLI / connector / Airflow extra name
 * (account, user, login, role, warehouse, database, schema, region, host,
 * port, protocol, authenticator, password, private_key_file,
 * private_key_path, private_key_content, private_key_raw,
 * private_key_passphrase, private_key_file_pwd, token, token_file_path,
 * extra__snowflake__<name>). Replaces an earlier value. Returns 0, or -1
 * when the key is not a connection key.
 */
int sf_conn_set(struct sf_conn *, const char *key, const char *value);

/*
 * Pure: an Airflow connection as Airflow keeps it in AIRFLOW_CONN_<ID>:
 * the JSON form ({"conn_type": "snowflake", "login", "password", "schema",
 * "host", "port", "extra": {...} or a JSON string}) or the URI form
 * (snowflake://user:pass@[host[:port]]/schema?account=..&warehouse=..,
 * percent-encoded, __extra__ allowed). With a private key, the Airflow
 * password is its passphrase. Returns 0, or -1 with *cause.
 */
int sf_conn_from_airflow(
    struct sf_conn *, const char *text, size_t len, char **cause);

/*
 * Pure: the connection name from a Snowflake CLI TOML file
 * (connections.toml: [NAME]; config.toml: [connections.NAME]; both:
 * default_connection_name). name NULL takes default_connection_name, else
 * "default". *found tells whether the table existed; *default_name (if
 * not NULL) receives default_connection_name when the file sets it (owned).
 * Returns 0, or -1 with *cause on a syntax error.
 */
int sf_conn_from_toml(struct sf_conn *, const char *text, size_t len,
    const char *name, int *found, char **default_name, char **cause);

/*
 * Pure: applies SNOWFLAKE_CONNECTIONS_<NAME>_<KEY> (when name is set) and
 * then, for keys still unset, SNOWFLAKE_<KEY> from envp (environ style,
 * "K=V", NULL-terminated), plus PRIVATE_KEY_PASSPHRASE.
 */
void sf_conn_apply_env(
    struct sf_conn *, const char *name, const char *const *envp);

/*
 * Decides the authentication kind and the base URL. url overrides the
 * base URL (flag or SNOWDECK_SNOWFLAKE_URL); NULL keeps host/port/protocol
 * or https://<account>.snowflakecomputing.com. Reads token_file_path when
 * a token is needed and only the file is given. Returns 0, or -1 with
 * *cause saying what is missing and how to set it up (a password-only
 * connection gets the key-pair / PAT / OAuth directions).
 */
int sf_conn_finish(struct sf_conn *, const char *url, char **cause);

/* Where and how to look for a connection. */
struct sf_conn_opts {
	const char *conn_id; /* --snowflake-conn-id: AIRFLOW_CONN_<ID> */
	const char *name;    /* -c NAME in connections.toml/config.toml */
	const char *url;     /* --snowflake-url; NULL = the env var */
	const char
	    *spcs_token; /* token file path; NULL = /snowflake/session/token */
	const char *const *envp; /* NULL = environ */
};

/*
 * Resolves the connection in this order: --snowflake-conn-id; -c NAME;
 * AIRFLOW_CONN_SNOWFLAKE_DEFAULT; the SPCS token file with SNOWFLAKE_HOST
 * and SNOWFLAKE_ACCOUNT; the Snowflake CLI files (default connection).
 * Then sf_conn_finish(). Returns 0, or -1 with *cause.
 */
int sf_conn_resolve(
    struct sf_conn *, const struct sf_conn_opts *, char **cause);

/* The header value of X-Snowflake-Authorization-Token-Type. Static. */
const char *sf_auth_token_type(enum sf_auth);

/* Reads a small text file (at most max bytes) into a heap string. */
int sf_read_file(
    const char *path, size_t max, char **out, size_t *len, char **cause);

#endif
