/*
 * Snowflake connection resolution: Airflow connections (JSON and URI),
 * the Snowflake CLI's TOML files and environment overrides, the SPCS token
 * file, flags; then the authentication kind and the base URL.
 */

#include "sf_conn.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "toml.h"
#include "util.h"

extern char **environ;

#define SF_CONN_MAX_FILE (1024 * 1024)

void
sf_conn_init(struct sf_conn *c)
{
	memset(c, 0, sizeof *c);
}

static void
sf_wipe(char *s)
{
	if (s != NULL) {
		volatile char *v = s;

		while (*v != '\0')
			*v++ = '\0';
	}
	free(s);
}

void
sf_conn_free(struct sf_conn *c)
{
	free(c->source);
	free(c->account);
	free(c->user);
	free(c->role);
	free(c->warehouse);
	free(c->database);
	free(c->schema);
	free(c->region);
	free(c->host);
	free(c->protocol);
	free(c->authenticator);
	sf_wipe(c->password);
	free(c->private_key_file);
	sf_wipe(c->private_key_content);
	sf_wipe(c->private_key_passphrase);
	sf_wipe(c->token);
	free(c->token_file_path);
	free(c->base_url);
	memset(c, 0, sizeof *c);
}

const char *
sf_auth_token_type(enum sf_auth a)
{
	switch (a) {
	case SF_AUTH_JWT:
		return "KEYPAIR_JWT";
	case SF_AUTH_PAT:
		return "PROGRAMMATIC_ACCESS_TOKEN";
	case SF_AUTH_OAUTH:
		return "OAUTH";
	default:
		return "";
	}
}

static void
sf_replace(char **slot, const char *v, int secret)
{
	if (secret)
		sf_wipe(*slot);
	else
		free(*slot);
	*slot = v != NULL ? xstrdup(v) : NULL;
}

int
sf_conn_set(struct sf_conn *c, const char *key, const char *value)
{
	static const struct {
		const char *name;
		size_t off;
		int secret;
	} keys[] = {
		{ "account", offsetof(struct sf_conn, account), 0 },
		{ "accountname", offsetof(struct sf_conn, account), 0 },
		{ "user", offsetof(struct sf_conn, user), 0 },
		{ "username", offsetof(struct sf_conn, user), 0 },
		{ "login", offsetof(struct sf_conn, user), 0 },
		{ "role", offsetof(struct sf_conn, role), 0 },
		{ "warehouse", offsetof(struct sf_conn, warehouse), 0 },
		{ "database", offsetof(struct sf_conn, database), 0 },
		{ "schema", offsetof(struct sf_conn, schema), 0 },
		{ "region", offsetof(struct sf_conn, region), 0 },
		{ "host", offsetof(struct sf_conn, host), 0 },
		{ "protocol", offsetof(struct sf_conn, protocol), 0 },
		{ "authenticator", offsetof(struct sf_conn, authenticator), 0 },
		{ "password", offsetof(struct sf_conn, password), 1 },
		{ "private_key_file",
		    offsetof(struct sf_conn, private_key_file), 0 },
		{ "private_key_path",
		    offsetof(struct sf_conn, private_key_file), 0 },
		{ "private_key_content",
		    offsetof(struct sf_conn, private_key_content), 1 },
		{ "private_key_raw",
		    offsetof(struct sf_conn, private_key_content), 1 },
		{ "private_key_passphrase",
		    offsetof(struct sf_conn, private_key_passphrase), 1 },
		{ "private_key_file_pwd",
		    offsetof(struct sf_conn, private_key_passphrase), 1 },
		{ "token", offsetof(struct sf_conn, token), 1 },
		{ "token_file_path", offsetof(struct sf_conn, token_file_path),
		    0 },
	};
	size_t i;
	char *end;
	long port;

	if (key == NULL || value == NULL)
		return -1;
	if (strncmp(key, "extra__snowflake__", 18) == 0)
		key += 18;
	if (strcasecmp(key, "port") == 0) {
		port = strtol(value, &end, 10);
		if (*value == '\0' || *end != '\0' || port <= 0 || port > 65535)
			return -1;
		c->port = (int)port;
		return 0;
	}
	for (i = 0; i < nitems(keys); i++) {
		if (strcasecmp(key, keys[i].name) == 0) {
			sf_replace((char **)(void *)((char *)c + keys[i].off),
			    value, keys[i].secret);
			return 0;
		}
	}
	return -1;
}

/* ---- Airflow ----------------------------------------------------------- */

/* Sets key from a cJSON string, number or bool; ignores others. */
static void
sf_conn_set_json(struct sf_conn *c, const char *key, const cJSON *v)
{
	char num[32];

	if (cJSON_IsString(v) && v->valuestring[0] != '\0')
		sf_conn_set(c, key, v->valuestring);
	else if (cJSON_IsNumber(v)) {
		snprintf(num, sizeof num, "%.0f", v->valuedouble);
		sf_conn_set(c, key, num);
	} else if (cJSON_IsBool(v))
		sf_conn_set(c, key, cJSON_IsTrue(v) ? "true" : "false");
}

static int
sf_conn_extra_json(struct sf_conn *c, const cJSON *extra, char **cause)
{
	const cJSON *it;
	cJSON *parsed = NULL;

	if (cJSON_IsString(extra)) {
		if (extra->valuestring[0] == '\0')
			return 0;
		parsed = cJSON_Parse(extra->valuestring);
		if (!cJSON_IsObject(parsed)) {
			cJSON_Delete(parsed);
			*cause =
			    xstrdup("the Airflow connection's extra is not "
				    "a JSON object");
			return -1;
		}
		extra = parsed;
	}
	if (cJSON_IsObject(extra)) {
		cJSON_ArrayForEach(it, extra)
		{
			if (it->string != NULL)
				sf_conn_set_json(c, it->string, it);
		}
	}
	cJSON_Delete(parsed);
	return 0;
}

static int
sf_hexval(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

/* Percent-decodes n bytes ('+' stays '+', as Airflow's unquote does). */
static char *
sf_pct_decode(const char *s, size_t n)
{
	struct buf b;
	size_t i;
	int h, l;

	buf_init(&b);
	for (i = 0; i < n; i++) {
		if (s[i] == '%' && i + 2 < n &&
		    (h = sf_hexval(s[i + 1])) >= 0 &&
		    (l = sf_hexval(s[i + 2])) >= 0) {
			buf_addc(&b, (char)(h * 16 + l));
			i += 2;
		} else
			buf_addc(&b, s[i]);
	}
	if (b.data == NULL)
		buf_adds(&b, "");
	return buf_detach(&b);
}

static int
sf_conn_from_uri(struct sf_conn *c, const char *uri, size_t len, char **cause)
{
	const char *p = uri, *end = uri + len, *auth_end, *q, *path, *colon;
	const char *amp, *eq, *at, *hostend;
	char *k, *v, *tmp;
	cJSON *extra;
	int rc = 0;

	q = memchr(uri, ':', len);
	if (q == NULL || end - q < 3 || q[1] != '/' || q[2] != '/') {
		*cause =
		    xstrdup("the Airflow connection is neither JSON nor a "
			    "URI (snowflake://user:pass@/schema?account=..)");
		return -1;
	}
	tmp = xstrndup(uri, (size_t)(q - uri));
	if (strcasecmp(tmp, "snowflake") != 0) {
		*cause = xasprintf("the Airflow connection is of type %s, not "
				   "snowflake",
		    tmp);
		free(tmp);
		return -1;
	}
	free(tmp);
	p = q + 3;
	/* Authority: [user[:pass]@]host[:port] up to '/', '?' or the end. */
	auth_end = p;
	while (auth_end < end && *auth_end != '/' && *auth_end != '?')
		auth_end++;
	at = NULL;
	for (q = p; q < auth_end; q++) {
		if (*q == '@')
			at = q;
	}
	if (at != NULL) {
		colon = memchr(p, ':', (size_t)(at - p));
		k = sf_pct_decode(
		    p, (size_t)((colon != NULL ? colon : at) - p));
		if (*k != '\0')
			sf_conn_set(c, "user", k);
		free(k);
		if (colon != NULL) {
			v = sf_pct_decode(colon + 1, (size_t)(at - colon - 1));
			if (*v != '\0')
				sf_conn_set(c, "password", v);
			sf_wipe(v);
		}
		p = at + 1;
	}
	hostend = memchr(p, ':', (size_t)(auth_end - p));
	if (hostend == NULL)
		hostend = auth_end;
	if (hostend > p) {
		k = sf_pct_decode(p, (size_t)(hostend - p));
		sf_conn_set(c, "host", k);
		free(k);
	}
	if (hostend < auth_end) {
		k = xstrndup(hostend + 1, (size_t)(auth_end - hostend - 1));
		if (*k != '\0' && sf_conn_set(c, "port", k) != 0) {
			*cause = xstrdup("the Airflow connection's port is not "
					 "a number");
			free(k);
			return -1;
		}
		free(k);
	}
	p = auth_end;
	if (p < end && *p == '/') {
		path = ++p;
		while (p < end && *p != '?')
			p++;
		if (p > path) {
			k = sf_pct_decode(path, (size_t)(p - path));
			sf_conn_set(c, "schema", k);
			free(k);
		}
	}
	if (p < end && *p == '?')
		p++;
	while (p < end && rc == 0) {
		amp = memchr(p, '&', (size_t)(end - p));
		if (amp == NULL)
			amp = end;
		eq = memchr(p, '=', (size_t)(amp - p));
		if (eq != NULL) {
			k = sf_pct_decode(p, (size_t)(eq - p));
			v = sf_pct_decode(eq + 1, (size_t)(amp - eq - 1));
			if (strcmp(k, "__extra__") == 0) {
				extra = cJSON_Parse(v);
				if (extra == NULL) {
					*cause = xstrdup("the Airflow "
							 "connection's "
							 "__extra__ is not "
							 "JSON");
					rc = -1;
				} else
					rc =
					    sf_conn_extra_json(c, extra, cause);
				cJSON_Delete(extra);
			} else if (*v != '\0')
				sf_conn_set(c, k, v);
			free(k);
			sf_wipe(v);
		}
		p = amp < end ? amp + 1 : end;
	}
	return rc;
}

int
sf_conn_from_airflow(
    struct sf_conn *c, const char *text, size_t len, char **cause)
{
	cJSON *root, *it;
	const char *t;
	size_t i;

	*cause = NULL;
	for (i = 0; i < len && isspace((unsigned char)text[i]); i++)
		;
	if (i == len) {
		*cause = xstrdup("the Airflow connection is empty");
		return -1;
	}
	if (text[i] != '{')
		return sf_conn_from_uri(c, text + i, len - i, cause);
	root = cJSON_ParseWithLength(text, len);
	if (!cJSON_IsObject(root)) {
		cJSON_Delete(root);
		*cause = xstrdup("the Airflow connection is not valid JSON");
		return -1;
	}
	it = cJSON_GetObjectItemCaseSensitive(root, "conn_type");
	t = cJSON_IsString(it) ? it->valuestring : NULL;
	if (t != NULL && strcasecmp(t, "snowflake") != 0) {
		*cause = xasprintf(
		    "the Airflow connection is of type %.40s, not snowflake",
		    t);
		cJSON_Delete(root);
		return -1;
	}
	sf_conn_set_json(
	    c, "login", cJSON_GetObjectItemCaseSensitive(root, "login"));
	sf_conn_set_json(
	    c, "password", cJSON_GetObjectItemCaseSensitive(root, "password"));
	sf_conn_set_json(
	    c, "schema", cJSON_GetObjectItemCaseSensitive(root, "schema"));
	sf_conn_set_json(
	    c, "host", cJSON_GetObjectItemCaseSensitive(root, "host"));
	sf_conn_set_json(
	    c, "port", cJSON_GetObjectItemCaseSensitive(root, "port"));
	if (sf_conn_extra_json(c,
		cJSON_GetObjectItemCaseSensitive(root, "extra"), cause) != 0) {
		cJSON_Delete(root);
		return -1;
	}
	cJSON_Delete(root);
	return 0;
}

/* ---- Snowflake CLI TOML ------------------------------------------------ */

struct sf_toml_ctx {
	struct sf_conn *c;
	const char *name;
	char *default_name;
	int found;
	int pass; /* 0: find default_connection_name, 1: read the table */
};

static int
sf_toml_cb(const char *table, const char *key, const char *value,
    enum toml_type type, void *arg, char **cause)
{
	struct sf_toml_ctx *x = arg;
	const char *t = table;

	(void)type;
	(void)cause;
	if (x->pass == 0) {
		if (*table == '\0' &&
		    strcmp(key, "default_connection_name") == 0) {
			free(x->default_name);
			x->default_name = xstrdup(value);
		}
		return 0;
	}
	if (strncmp(t, "connections.", 12) == 0)
		t += 12;
	if (strcmp(t, x->name) != 0)
		return 0;
	x->found = 1;
	sf_conn_set(x->c, key, value);
	return 0;
}

int
sf_conn_from_toml(struct sf_conn *c, const char *text, size_t len,
    const char *name, int *found, char **default_name, char **cause)
{
	struct sf_toml_ctx x;
	int rc;

	*cause = NULL;
	memset(&x, 0, sizeof x);
	x.c = c;
	rc = toml_parse(text, len, sf_toml_cb, &x, cause);
	if (rc == 0) {
		x.name = name != NULL             ? name
			 : x.default_name != NULL ? x.default_name
						  : "default";
		x.pass = 1;
		rc = toml_parse(text, len, sf_toml_cb, &x, cause);
	}
	if (found != NULL)
		*found = x.found;
	if (default_name != NULL)
		*default_name = x.default_name;
	else
		free(x.default_name);
	return rc;
}

/* ---- environment ------------------------------------------------------- */

static const char *
sf_env_get(const char *const *envp, const char *name)
{
	size_t n = strlen(name);

	for (; envp != NULL && *envp != NULL; envp++) {
		if (strncmp(*envp, name, n) == 0 && (*envp)[n] == '=')
			return *envp + n + 1;
	}
	return NULL;
}

static const char *const sf_env_keys[] = { "account", "user", "password",
	"role", "warehouse", "database", "schema", "region", "host", "port",
	"protocol", "authenticator", "private_key_file", "private_key_path",
	"private_key_raw", "private_key_passphrase", "token", "token_file_path",
	NULL };

void
sf_conn_apply_env(struct sf_conn *c, const char *name, const char *const *envp)
{
	char var[256], *p;
	const char *v;
	size_t i;

	for (i = 0; sf_env_keys[i] != NULL; i++) {
		v = NULL;
		if (name != NULL) {
			snprintf(var, sizeof var, "SNOWFLAKE_CONNECTIONS_%s_%s",
			    name, sf_env_keys[i]);
			for (p = var; *p != '\0'; p++)
				*p = *p == '-'
					 ? '_'
					 : (char)toupper((unsigned char)*p);
			v = sf_env_get(envp, var);
		}
		if (v == NULL) {
			snprintf(
			    var, sizeof var, "SNOWFLAKE_%s", sf_env_keys[i]);
			for (p = var; *p != '\0'; p++)
				*p = (char)toupper((unsigned char)*p);
			v = sf_env_get(envp, var);
		}
		if (v != NULL && *v != '\0')
			sf_conn_set(c, sf_env_keys[i], v);
	}
	if (c->private_key_passphrase == NULL &&
	    (v = sf_env_get(envp, "PRIVATE_KEY_PASSPHRASE")) != NULL)
		sf_conn_set(c, "private_key_passphrase", v);
}

/* ---- finishing --------------------------------------------------------- */

int
sf_read_file(
    const char *path, size_t max, char **out, size_t *len, char **cause)
{
	struct stat st;
	char *data;
	size_t got = 0;
	ssize_t n;
	int fd;

	*out = NULL;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		*cause = xasprintf("cannot open %s: %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) ||
	    (size_t)st.st_size > max) {
		close(fd);
		*cause = xasprintf("%s is not a regular file of at most %zu "
				   "bytes",
		    path, max);
		return -1;
	}
	data = xmalloc((size_t)st.st_size + 1);
	while (got < (size_t)st.st_size &&
	       (n = read(fd, data + got, (size_t)st.st_size - got)) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			*cause = xasprintf(
			    "cannot read %s: %s", path, strerror(errno));
			close(fd);
			free(data);
			return -1;
		}
		got += (size_t)n;
	}
	close(fd);
	data[got] = '\0';
	*out = data;
	if (len != NULL)
		*len = got;
	return 0;
}

/* Reads a token file, trimming surrounding whitespace. */
static int
sf_conn_read_token(struct sf_conn *c, const char *path, char **cause)
{
	char *t, *s, *e;

	if (sf_read_file(path, 64 * 1024, &t, NULL, cause) != 0) {
		char *m = xasprintf("cannot read the token file: %s", *cause);

		free(*cause);
		*cause = m;
		return -1;
	}
	for (s = t; isspace((unsigned char)*s); s++)
		;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	if (*s == '\0') {
		sf_wipe(t);
		*cause = xasprintf("the token file %s is empty", path);
		return -1;
	}
	sf_replace(&c->token, s, 1);
	sf_wipe(t);
	return 0;
}

static const char sf_pw_help[] =
    "the Snowflake SQL API does not accept passwords: use key-pair "
    "authentication (openssl genrsa 2048 | openssl pkcs8 -topk8 -nocrypt "
    "-out rsa_key.p8; ALTER USER <user> SET RSA_PUBLIC_KEY='<public key>'; "
    "then private_key_file = rsa_key.p8 in the connection), a programmatic "
    "access token (ALTER USER <user> ADD PROGRAMMATIC ACCESS TOKEN <name>; "
    "then token = '<secret>' and authenticator = "
    "'PROGRAMMATIC_ACCESS_TOKEN'; a token kept in the password field is "
    "used when authenticator = 'PROGRAMMATIC_ACCESS_TOKEN'), or OAuth "
    "(authenticator = 'oauth' with token or token_file_path)";

/* Decodes standard base64 (whitespace ignored); NULL when invalid. */
static char *
sf_base64_decode(const char *s)
{
	struct buf b;
	unsigned long v = 0;
	int bits = 0, d;
	const char *p;

	buf_init(&b);
	for (p = s; *p != '\0'; p++) {
		if (isspace((unsigned char)*p) || *p == '=')
			continue;
		if (*p >= 'A' && *p <= 'Z')
			d = *p - 'A';
		else if (*p >= 'a' && *p <= 'z')
			d = *p - 'a' + 26;
		else if (*p >= '0' && *p <= '9')
			d = *p - '0' + 52;
		else if (*p == '+' || *p == '-')
			d = 62;
		else if (*p == '/' || *p == '_')
			d = 63;
		else {
			buf_free(&b);
			return NULL;
		}
		v = (v << 6) | (unsigned long)d;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			buf_addc(&b, (char)((v >> bits) & 0xff));
		}
	}
	if (b.data == NULL)
		buf_adds(&b, "");
	return buf_detach(&b);
}

int
sf_conn_finish(struct sf_conn *c, const char *url, char **cause)
{
	const char *a = c->authenticator != NULL ? c->authenticator : "";
	const char *proto;
	struct buf b;
	size_t n;
	char *host, *p;

	*cause = NULL;
	c->auth = SF_AUTH_NONE;
	if (strcasecmp(a, "oauth") == 0)
		c->auth = SF_AUTH_OAUTH;
	else if (strcasecmp(a, "programmatic_access_token") == 0)
		c->auth = SF_AUTH_PAT;
	else if (strcasecmp(a, "snowflake_jwt") == 0 ||
		 c->private_key_file != NULL || c->private_key_content != NULL)
		c->auth = SF_AUTH_JWT;
	else if (c->token != NULL || c->token_file_path != NULL)
		c->auth = SF_AUTH_PAT;
	else if (*a != '\0' && strcasecmp(a, "snowflake") != 0) {
		*cause = xasprintf("the Snowflake authenticator %.40s is not "
				   "supported: the SQL API needs key-pair "
				   "(SNOWFLAKE_JWT), PROGRAMMATIC_ACCESS_TOKEN "
				   "or OAUTH",
		    a);
		return -1;
	} else if (c->password != NULL) {
		*cause = xasprintf("%s (connection %s)", sf_pw_help,
		    c->source != NULL ? c->source : "?");
		return -1;
	} else {
		*cause = xasprintf("the Snowflake connection %s has no "
				   "credentials: set private_key_file, token "
				   "or authenticator = oauth",
		    c->source != NULL ? c->source : "?");
		return -1;
	}
	if (c->auth == SF_AUTH_PAT && c->token == NULL &&
	    c->token_file_path == NULL && c->password != NULL)
		/* Airflow keeps a PAT in the password field. */
		sf_replace(&c->token, c->password, 1);
	if (c->auth == SF_AUTH_JWT && c->private_key_content != NULL &&
	    strstr(c->private_key_content, "-----BEGIN") == NULL) {
		/* The Airflow provider takes the PEM base64-encoded. */
		char *pem = sf_base64_decode(c->private_key_content);

		if (pem == NULL || strstr(pem, "-----BEGIN") == NULL) {
			if (pem != NULL)
				sf_wipe(pem);
			*cause = xstrdup("private_key_content is neither a PEM "
					 "key nor a base64-encoded one");
			return -1;
		}
		sf_wipe(c->private_key_content);
		c->private_key_content = pem;
	}
	if (c->auth == SF_AUTH_JWT) {
		if (c->private_key_file == NULL &&
		    c->private_key_content == NULL) {
			*cause = xstrdup("key-pair authentication needs "
					 "private_key_file (or "
					 "private_key_content)");
			return -1;
		}
		if (c->account == NULL || c->user == NULL) {
			*cause = xstrdup("key-pair authentication needs the "
					 "account and the user of the "
					 "connection");
			return -1;
		}
	} else if (c->token == NULL) {
		if (c->token_file_path == NULL) {
			*cause = xasprintf("%s authentication needs a token "
					   "(token or token_file_path)",
			    c->auth == SF_AUTH_PAT ? "programmatic access token"
						   : "OAuth");
			return -1;
		}
		if (sf_conn_read_token(c, c->token_file_path, cause) != 0)
			return -1;
	}

	free(c->base_url);
	c->base_url = NULL;
	if (url != NULL && *url != '\0') {
		n = strlen(url);
		while (n > 0 && url[n - 1] == '/')
			n--;
		c->base_url = xstrndup(url, n);
		return 0;
	}
	buf_init(&b);
	proto = c->protocol != NULL ? c->protocol : "https";
	if (c->host != NULL) {
		host = xstrdup(c->host);
	} else if (c->account != NULL) {
		host = xstrdup(c->account);
		for (p = host; *p != '\0'; p++)
			*p = (char)tolower((unsigned char)*p);
		if (strstr(host, ".snowflakecomputing.") == NULL) {
			/* org.account (SQL form) is org-account in URLs. */
			p = strchr(host, '.');
			if (p != NULL && strchr(p + 1, '.') == NULL &&
			    strchr(p + 1, '-') == NULL &&
			    strcmp(p + 1, "privatelink") != 0 &&
			    strcmp(p + 1, "global") != 0)
				*p = '-';
			p = host;
			if (c->region != NULL && strchr(host, '.') == NULL) {
				host = xasprintf("%s.%s", host, c->region);
				free(p);
			}
			p = host;
			host = xasprintf("%s.snowflakecomputing.com", host);
			free(p);
		}
	} else {
		*cause = xstrdup("the Snowflake connection has no account and "
				 "no host: set account (or --snowflake-url)");
		return -1;
	}
	buf_printf(&b, "%s://%s", proto, host);
	if (c->port > 0 &&
	    !((strcasecmp(proto, "https") == 0 && c->port == 443) ||
		(strcasecmp(proto, "http") == 0 && c->port == 80)))
		buf_printf(&b, ":%d", c->port);
	free(host);
	c->base_url = buf_detach(&b);
	return 0;
}

/* ---- resolution -------------------------------------------------------- */

/* The Snowflake CLI directory: $SNOWFLAKE_HOME or ~/.snowflake. */
static char *
sf_cli_dir(const char *const *envp)
{
	const char *h = sf_env_get(envp, "SNOWFLAKE_HOME");

	if (h != NULL && *h != '\0')
		return xstrdup(h);
	h = sf_env_get(envp, "HOME");
	return xasprintf("%s/.snowflake", h != NULL ? h : ".");
}

static int
sf_conn_from_airflow_env(struct sf_conn *c, const char *const *envp,
    const char *id, int required, int *got, char **cause)
{
	char var[256], *p;
	const char *v;

	*got = 0;
	snprintf(var, sizeof var, "AIRFLOW_CONN_%s", id);
	for (p = var; *p != '\0'; p++)
		*p = (char)toupper((unsigned char)*p);
	v = sf_env_get(envp, var);
	if (v == NULL || *v == '\0') {
		if (required) {
			*cause = xasprintf("%s is not set: export the Airflow "
					   "connection (JSON or URI) or drop "
					   "--snowflake-conn-id",
			    var);
			return -1;
		}
		return 0;
	}
	c->source = xstrdup(var);
	if (sf_conn_from_airflow(c, v, strlen(v), cause) != 0) {
		p = xasprintf("%s: %s", var, *cause);
		free(*cause);
		*cause = p;
		return -1;
	}
	*got = 1;
	return 0;
}

/* Tries config.toml then connections.toml in the CLI directory. */
static int
sf_conn_from_cli(struct sf_conn *c, const char *const *envp, const char *name,
    int *got, char **cause)
{
	static const char *const files[] = { "connections.toml",
		"config.toml" };
	char *dir, *path, *text, *defname = NULL, *dn = NULL, *m;
	const char *want = name;
	size_t len, i;
	int found = 0, rc = 0;
	struct sf_conn tmp;

	*got = 0;
	dir = sf_cli_dir(envp);
	if (want == NULL)
		want = sf_env_get(envp, "SNOWFLAKE_DEFAULT_CONNECTION_NAME");
	/* The default connection name may live in either file. */
	for (i = 0; want == NULL && i < nitems(files); i++) {
		path = xasprintf("%s/%s", dir, files[i]);
		if (sf_read_file(path, SF_CONN_MAX_FILE, &text, &len, &m) ==
		    0) {
			sf_conn_init(&tmp);
			if (sf_conn_from_toml(
				&tmp, text, len, "\x01", NULL, &dn, &m) == 0 &&
			    dn != NULL)
				defname = dn;
			else {
				free(dn);
				free(m);
			}
			sf_conn_free(&tmp);
			sf_wipe(text);
		} else
			free(m);
		dn = NULL;
		free(path);
		if (defname != NULL)
			want = defname;
	}
	if (want == NULL)
		want = "default";
	for (i = 0; i < nitems(files) && !found; i++) {
		path = xasprintf("%s/%s", dir, files[i]);
		if (sf_read_file(path, SF_CONN_MAX_FILE, &text, &len, &m) !=
		    0) {
			free(m);
			free(path);
			continue;
		}
		rc = sf_conn_from_toml(c, text, len, want, &found, NULL, cause);
		sf_wipe(text);
		if (rc != 0) {
			m = xasprintf("%s: %s", path, *cause);
			free(*cause);
			*cause = m;
			free(path);
			goto out;
		}
		if (found) {
			free(c->source);
			c->source = xasprintf("%s [%s]", path, want);
		}
		free(path);
	}
	/* Environment overrides apply even without a file entry. */
	sf_conn_apply_env(c, want, envp);
	*got = found || c->account != NULL || c->host != NULL;
	if (*got && c->source == NULL)
		c->source = xasprintf("SNOWFLAKE_* environment [%s]", want);
	if (!*got && name != NULL) {
		*cause = xasprintf("no Snowflake connection named %s in %s/"
				   "connections.toml or config.toml",
		    name, dir);
		rc = -1;
	}
out:
	free(defname);
	free(dir);
	return rc;
}

int
sf_conn_resolve(struct sf_conn *c, const struct sf_conn_opts *o, char **cause)
{
	const char *const *envp =
	    o->envp != NULL ? o->envp : (const char *const *)environ;
	const char *url = o->url, *spcs, *v;
	int got = 0;

	*cause = NULL;
	if (url == NULL)
		url = sf_env_get(envp, "SNOWDECK_SNOWFLAKE_URL");
	if (o->conn_id != NULL) {
		if (sf_conn_from_airflow_env(
			c, envp, o->conn_id, 1, &got, cause) != 0)
			return -1;
	} else if (o->name != NULL) {
		if (sf_conn_from_cli(c, envp, o->name, &got, cause) != 0)
			return -1;
	} else {
		if (sf_conn_from_airflow_env(
			c, envp, "SNOWFLAKE_DEFAULT", 0, &got, cause) != 0)
			return -1;
		spcs = o->spcs_token != NULL ? o->spcs_token
					     : "/snowflake/session/token";
		if (!got && access(spcs, R_OK) == 0 &&
		    sf_env_get(envp, "SNOWFLAKE_HOST") != NULL) {
			/* Inside an SPCS service: the mounted OAuth token. */
			c->source = xstrdup(spcs);
			sf_conn_set(c, "authenticator", "oauth");
			sf_conn_set(c, "token_file_path", spcs);
			sf_conn_set(
			    c, "host", sf_env_get(envp, "SNOWFLAKE_HOST"));
			if ((v = sf_env_get(envp, "SNOWFLAKE_ACCOUNT")) != NULL)
				sf_conn_set(c, "account", v);
			if ((v = sf_env_get(envp, "SNOWFLAKE_DATABASE")) !=
			    NULL)
				sf_conn_set(c, "database", v);
			if ((v = sf_env_get(envp, "SNOWFLAKE_SCHEMA")) != NULL)
				sf_conn_set(c, "schema", v);
			if ((v = sf_env_get(envp, "SNOWFLAKE_WAREHOUSE")) !=
			    NULL)
				sf_conn_set(c, "warehouse", v);
			if ((v = sf_env_get(envp, "SNOWFLAKE_PORT")) != NULL)
				sf_conn_set(c, "port", v);
			got = 1;
		}
		if (!got && sf_conn_from_cli(c, envp, NULL, &got, cause) != 0)
			return -1;
		if (!got) {
			*cause = xstrdup(
			    "no Snowflake connection: set "
			    "AIRFLOW_CONN_SNOWFLAKE_DEFAULT (the Airflow "
			    "connection), or add one to "
			    "~/.snowflake/connections.toml (-c NAME), or "
			    "pass --snowflake-conn-id ID");
			return -1;
		}
	}
	return sf_conn_finish(c, url, cause);
}
