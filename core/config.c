/*
 * Configuration from flags, the environment and a TOML file. The TOML
 * reader handles the subset snowdeck's file uses: [table] headers,
 * key = "basic string" | 'literal string' | integer | true | false, and
 * comments. Unknown tables and keys are ignored so that newer files work
 * with older binaries; malformed lines are errors naming the line.
 */

#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stddef.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "toml.h"
#include "util.h"

#define CONFIG_MAX_FILE (1024 * 1024)

void
config_init(struct config *c)
{
	memset(c, 0, sizeof *c);
	c->insecure = -1;
	c->readonly = -1;
	c->refresh_ms = -1;
	c->refresh_hidden_ms = -1;
	c->timeout_ms = -1;
}

static void
config_free_secret(char *s)
{
	if (s != NULL)
		memset(s, 0, strlen(s));
	free(s);
}

static void config_argv_free(char **);

void
config_free(struct config *c)
{
	free(c->airflow_url);
	free(c->airflow_username);
	config_free_secret(c->airflow_password);
	config_free_secret(c->airflow_token);
	free(c->cacert);
	free(c->theme);
	free(c->audit_path);
	free(c->log_path);
	free(c->config_path);
	free(c->warning);
	free(c->docker_host);
	free(c->compose_project);
	for (size_t i = 0; i < c->nservices; i++) {
		free(c->services[i].name);
		free(c->services[i].probe);
		free(c->services[i].expect);
	}
	free(c->services);
	for (size_t i = 0; i < c->njobs; i++) {
		free(c->jobs[i].name);
		free(c->jobs[i].command);
		config_argv_free(c->jobs[i].argv);
		free(c->jobs[i].cwd);
		free(c->jobs[i].description);
	}
	free(c->jobs);
	memset(c, 0, sizeof *c);
}

/* Kinds of value a key takes. */
enum config_kind { CONFIG_STR, CONFIG_INT, CONFIG_BOOL };

struct config_key {
	const char *table;
	const char *key;
	enum config_kind kind;
	size_t offset;
	int secret;
};

#define CONFIG_OFF(f) offsetof(struct config, f)
static const struct config_key config_keys[] = {
	{ "airflow", "url", CONFIG_STR, CONFIG_OFF(airflow_url), 0 },
	{ "airflow", "username", CONFIG_STR, CONFIG_OFF(airflow_username), 0 },
	{ "airflow", "password", CONFIG_STR, CONFIG_OFF(airflow_password), 1 },
	{ "airflow", "token", CONFIG_STR, CONFIG_OFF(airflow_token), 1 },
	{ "airflow", "cacert", CONFIG_STR, CONFIG_OFF(cacert), 0 },
	{ "airflow", "insecure", CONFIG_BOOL, CONFIG_OFF(insecure), 0 },
	{ "ui", "theme", CONFIG_STR, CONFIG_OFF(theme), 0 },
	{ "ui", "refresh_ms", CONFIG_INT, CONFIG_OFF(refresh_ms), 0 },
	{ "ui", "refresh_hidden_ms", CONFIG_INT, CONFIG_OFF(refresh_hidden_ms),
	    0 },
	{ "ui", "readonly", CONFIG_BOOL, CONFIG_OFF(readonly), 0 },
	{ "http", "timeout_ms", CONFIG_INT, CONFIG_OFF(timeout_ms), 0 },
	{ "audit", "path", CONFIG_STR, CONFIG_OFF(audit_path), 0 },
	{ "docker", "host", CONFIG_STR, CONFIG_OFF(docker_host), 0 },
	{ "docker", "compose_project", CONFIG_STR, CONFIG_OFF(compose_project),
	    0 },
};

const struct config_service *
config_service_find(const struct config *c, const char *name)
{
	size_t i;

	for (i = 0; name != NULL && i < c->nservices; i++) {
		if (strcmp(c->services[i].name, name) == 0)
			return &c->services[i];
	}
	return NULL;
}

/* Sets key of the [services.<name>] table; -1 on a wrong type. */
static int
config_service_set(struct config *c, const char *name, const char *key,
    const char *val, int isstr, int only_unset)
{
	struct config_service *cs = NULL;
	char **dst;
	size_t i;

	if (strcmp(key, "probe") != 0 && strcmp(key, "expect") != 0)
		return 0; /* unknown keys are ignored, as elsewhere */
	if (!isstr || *name == '\0')
		return -1;
	for (i = 0; i < c->nservices && cs == NULL; i++) {
		if (strcmp(c->services[i].name, name) == 0)
			cs = &c->services[i];
	}
	if (cs == NULL) {
		c->services = xreallocarray(
		    c->services, c->nservices + 1, sizeof *c->services);
		cs = &c->services[c->nservices++];
		memset(cs, 0, sizeof *cs);
		cs->name = xstrdup(name);
	}
	dst = strcmp(key, "probe") == 0 ? &cs->probe : &cs->expect;
	if (only_unset && *dst != NULL)
		return 0;
	free(*dst);
	*dst = xstrdup(val);
	return 0;
}

const struct config_job *
config_job_find(const struct config *c, const char *name)
{
	size_t i;

	for (i = 0; name != NULL && i < c->njobs; i++) {
		if (strcmp(c->jobs[i].name, name) == 0)
			return &c->jobs[i];
	}
	return NULL;
}

static void
config_argv_free(char **argv)
{
	size_t i;

	for (i = 0; argv != NULL && argv[i] != NULL; i++)
		free(argv[i]);
	free(argv);
}

/* Sets key of the [jobs.<name>] table. */
static int
config_job_set(struct config *c, const char *name, const char *key,
    const char *val, enum toml_type type, int only_unset, char **cause)
{
	struct config_job *j = NULL;
	char *why = NULL;
	size_t i;

	if (*name == '\0')
		return -1;
	for (i = 0; i < c->njobs && j == NULL; i++) {
		if (strcmp(c->jobs[i].name, name) == 0)
			j = &c->jobs[i];
	}
	if (j == NULL) {
		c->jobs = xreallocarray(c->jobs, c->njobs + 1, sizeof *c->jobs);
		j = &c->jobs[c->njobs++];
		memset(j, 0, sizeof *j);
		j->name = xstrdup(name);
		j->shell = -1;
	}
	if (strcmp(key, "command") == 0) {
		if ((only_unset && (j->argv != NULL || j->command != NULL)))
			return 0;
		if (type == TOML_STRING) {
			free(j->command);
			j->command = xstrdup(val);
			return 0;
		}
		config_argv_free(j->argv);
		j->argv = NULL;
		if (type != TOML_OTHER ||
		    toml_string_array(val, &j->argv, &why) != 0) {
			*cause = xasprintf("[jobs.%s] command must be an array "
					   "of strings, e.g. [\"astro\", "
					   "\"dev\", \"restart\"]%s%s",
			    name, why != NULL ? ": " : "",
			    why != NULL ? why : "");
			free(why);
			return -1;
		}
		return 0;
	}
	if (strcmp(key, "shell") == 0) {
		if (type != TOML_BOOL)
			return -1;
		if (!only_unset || j->shell == -1)
			j->shell = strcmp(val, "true") == 0;
		return 0;
	}
	if (strcmp(key, "cwd") == 0 || strcmp(key, "description") == 0) {
		char **dst = key[0] == 'c' ? &j->cwd : &j->description;

		if (type != TOML_STRING)
			return -1;
		if (!only_unset || *dst == NULL) {
			free(*dst);
			*dst = xstrdup(val);
		}
	}
	return 0;
}

/* What the TOML reader hands over, one key at a time. */
struct config_reader {
	struct config *c;
	int only_unset;
};

static int
config_toml_key(const char *table, const char *key, const char *val,
    enum toml_type type, void *arg, char **cause)
{
	struct config_reader *rd = arg;
	struct config *c = rd->c;
	const struct config_key *ck;
	char *base, *ep;
	long v;
	size_t i;

	if (strncmp(table, "services.", 9) == 0)
		return config_service_set(c, table + 9, key, val,
		    type == TOML_STRING, rd->only_unset);
	if (strncmp(table, "jobs.", 5) == 0)
		return config_job_set(
		    c, table + 5, key, val, type, rd->only_unset, cause);
	for (i = 0; i < nitems(config_keys); i++) {
		ck = &config_keys[i];
		base = (char *)c + ck->offset;
		if (strcmp(ck->table, table) != 0 || strcmp(ck->key, key) != 0)
			continue;
		if (ck->kind == CONFIG_STR) {
			char **sp = (char **)(void *)base;

			if (type != TOML_STRING)
				goto bad;
			if (rd->only_unset && *sp != NULL)
				return 0;
			if (ck->secret)
				config_free_secret(*sp);
			else
				free(*sp);
			*sp = xstrdup(val);
		} else if (ck->kind == CONFIG_BOOL) {
			int *ip = (int *)(void *)base;

			if (type != TOML_BOOL)
				goto bad;
			if (!rd->only_unset || *ip == -1)
				*ip = strcmp(val, "true") == 0;
		} else {
			if (type != TOML_INTEGER)
				goto bad;
			errno = 0;
			v = strtol(val, &ep, 10);
			if (errno != 0 || *ep != '\0' || v < 0 || v > 86400000)
				goto bad;
			if (ck->offset == CONFIG_OFF(timeout_ms)) {
				long *lp = (long *)(void *)base;

				if (!rd->only_unset || *lp == -1)
					*lp = v;
			} else if (!rd->only_unset ||
				   *(int *)(void *)base == -1)
				*(int *)(void *)base = (int)v;
		}
		return 0;
	}
	return 0; /* unknown tables and keys: newer files, older binary */
bad:
	*cause = xasprintf("[%s] %s must be %s", table, key,
	    ck->kind == CONFIG_STR    ? "a quoted string"
	    : ck->kind == CONFIG_BOOL ? "true or false"
				      : "a whole number");
	return -1;
}

int
config_parse_toml(struct config *c, const char *text, size_t len,
    int only_unset, char **cause)
{
	struct config_reader rd = { c, only_unset };
	char *why = NULL;

	if (toml_parse(text, len, config_toml_key, &rd, &why) == 0)
		return 0;
	if (cause != NULL)
		*cause = why != NULL ? why : xstrdup("not a valid setting");
	else
		free(why);
	return -1;
}

static void
config_env_str(char **dst, const char *name)
{
	const char *v = getenv(name);

	if (*dst == NULL && v != NULL && *v != '\0')
		*dst = xstrdup(v);
}

static int
config_env_bool(const char *name)
{
	const char *v = getenv(name);

	if (v == NULL || *v == '\0')
		return -1;
	return strcmp(v, "0") != 0 && strcasecmp(v, "false") != 0 &&
	       strcasecmp(v, "no") != 0;
}

void
config_from_env(struct config *c)
{
	int b;

	config_env_str(&c->airflow_url, "SNOWDECK_AIRFLOW_URL");
	config_env_str(&c->airflow_username, "SNOWDECK_AIRFLOW_USERNAME");
	config_env_str(&c->airflow_password, "SNOWDECK_AIRFLOW_PASSWORD");
	config_env_str(&c->airflow_token, "SNOWDECK_AIRFLOW_TOKEN");
	config_env_str(&c->theme, "SNOWDECK_THEME");
	config_env_str(&c->audit_path, "SNOWDECK_AUDIT");
	config_env_str(&c->cacert, "SNOWDECK_CACERT");
	config_env_str(&c->docker_host, "DOCKER_HOST");
	config_env_str(&c->compose_project, "SNOWDECK_COMPOSE_PROJECT");
	if (c->readonly == -1 &&
	    (b = config_env_bool("SNOWDECK_READONLY")) != -1)
		c->readonly = b;
}

int
config_load_file(struct config *c, const char *path, char **cause)
{
	char *def = NULL, *data = NULL;
	const char *home;
	struct stat st;
	int fd, rc = -1;
	ssize_t n;
	size_t got = 0;

	if (path == NULL) {
		if ((home = getenv("XDG_CONFIG_HOME")) != NULL && *home != '\0')
			def = xasprintf("%s/snowdeck/config.toml", home);
		else if ((home = getenv("HOME")) != NULL)
			def =
			    xasprintf("%s/.config/snowdeck/config.toml", home);
		else
			return 0;
		path = def;
	}
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		if (def != NULL && errno == ENOENT) {
			free(def);
			return 0;
		}
		if (cause != NULL)
			*cause = xasprintf(
			    "cannot read %s: %s", path, strerror(errno));
		goto out;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) ||
	    st.st_size > CONFIG_MAX_FILE) {
		if (cause != NULL)
			*cause = xasprintf(
			    "%s is not a regular file under 1 MiB", path);
		close(fd);
		goto out;
	}
	data = xmalloc((size_t)st.st_size + 1);
	while (got < (size_t)st.st_size &&
	       (n = read(fd, data + got, (size_t)st.st_size - got)) > 0)
		got += (size_t)n;
	close(fd);
	data[got] = '\0';
	if (config_parse_toml(c, data, got, 1, cause) != 0) {
		char *inner = cause != NULL ? *cause : NULL;

		if (cause != NULL)
			*cause = xasprintf("%s: %s", path, inner);
		free(inner);
		goto out;
	}
	free(c->config_path);
	c->config_path = xstrdup(path);
	if ((st.st_mode & (S_IRGRP | S_IROTH)) != 0 &&
	    (strstr(data, "password") != NULL ||
		strstr(data, "token") != NULL)) {
		free(c->warning);
		c->warning = xasprintf("%s holds a secret and others can read "
				       "it: chmod 600 %s",
		    path, path);
	}
	rc = 0;
out:
	if (data != NULL)
		memset(data, 0, got);
	free(data);
	free(def);
	return rc;
}

void
config_finish(struct config *c)
{
	const char *home, *state;

	if (c->airflow_url == NULL)
		c->airflow_url = xstrdup("http://localhost:8080");
	if (c->theme == NULL)
		c->theme = xstrdup("default");
	if (c->insecure == -1)
		c->insecure = 0;
	if (c->readonly == -1)
		c->readonly = 0;
	if (c->refresh_ms <= 0)
		c->refresh_ms = 2000;
	if (c->refresh_hidden_ms <= 0)
		c->refresh_hidden_ms = 10000;
	if (c->timeout_ms <= 0)
		c->timeout_ms = 30000;
	if (c->audit_path == NULL) {
		if ((state = getenv("XDG_STATE_HOME")) != NULL &&
		    *state != '\0')
			c->audit_path =
			    xasprintf("%s/snowdeck/audit.jsonl", state);
		else if ((home = getenv("HOME")) != NULL)
			c->audit_path = xasprintf(
			    "%s/.local/state/snowdeck/audit.jsonl", home);
	}
}
