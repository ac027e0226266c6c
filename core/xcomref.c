/* Snowflake XCom backend reference parsing (see xcomref.h). */

#include "xcomref.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util.h"

#define XCOMREF_SCHEME "snowflake://"

static const char *
xcomref_memstr(const char *s, size_t len, const char *needle)
{
	size_t n = strlen(needle), i;

	if (n > len)
		return NULL;
	for (i = 0; i + n <= len; i++) {
		if (memcmp(s + i, needle, n) == 0)
			return s + i;
	}
	return NULL;
}

int
xcomref_is_candidate(const char *s, size_t len)
{
	size_t n = sizeof XCOMREF_SCHEME - 1;

	return len > n && strncasecmp(s, XCOMREF_SCHEME, n) == 0 &&
	       xcomref_memstr(s, len, "?&") != NULL;
}

void
xcomref_free(struct xcomref *r)
{
	free(r->account);
	free(r->region);
	free(r->object);
	free(r->database);
	free(r->schema);
	free(r->name);
	free(r->key);
	free(r->dag_id);
	free(r->task_id);
	free(r->run_id);
	free(r->xcom_key);
	free(r->ext);
	memset(r, 0, sizeof *r);
}

enum xcomref_format
xcomref_format_of(const char *ext)
{
	static const struct {
		const char *ext;
		enum xcomref_format fmt;
	} map[] = {
		{ "parquet", XCOMREF_FMT_PARQUET },
		{ "np", XCOMREF_FMT_NP },
		{ "npy", XCOMREF_FMT_NP },
		{ "bin", XCOMREF_FMT_BIN },
		{ "pickle", XCOMREF_FMT_PICKLE },
		{ "pkl", XCOMREF_FMT_PICKLE },
		{ "str", XCOMREF_FMT_TEXT },
		{ "txt", XCOMREF_FMT_TEXT },
		{ "json", XCOMREF_FMT_JSON },
		{ "csv", XCOMREF_FMT_CSV },
	};
	size_t i;

	if (ext == NULL || *ext == '\0')
		return XCOMREF_FMT_NONE;
	for (i = 0; i < nitems(map); i++) {
		if (strcasecmp(ext, map[i].ext) == 0)
			return map[i].fmt;
	}
	return XCOMREF_FMT_OTHER;
}

const char *
xcomref_format_name(enum xcomref_format f)
{
	switch (f) {
	case XCOMREF_FMT_NONE:
		return "table row";
	case XCOMREF_FMT_PARQUET:
		return "parquet (pandas DataFrame)";
	case XCOMREF_FMT_NP:
		return "numpy array pickle (never loaded)";
	case XCOMREF_FMT_BIN:
		return "raw bytes";
	case XCOMREF_FMT_PICKLE:
		return "Python pickle (never unpickled)";
	case XCOMREF_FMT_TEXT:
		return "text";
	case XCOMREF_FMT_JSON:
		return "JSON";
	case XCOMREF_FMT_CSV:
		return "CSV";
	case XCOMREF_FMT_OTHER:
		break;
	}
	return "unknown format";
}

/* Splits the key fields "dag/task/run/idx/key[.ext]" into r. */
static int
xcomref_key_fields(
    struct xcomref *r, const char *key, size_t len, int stage, char **cause)
{
	const char *f[5], *p = key, *end = key + len, *slash, *dot;
	size_t fl[5], n = 0;
	char *idx, *ep;
	long v;

	while (n < 5) {
		slash = n == 4 ? NULL : memchr(p, '/', (size_t)(end - p));
		f[n] = p;
		fl[n] = (size_t)((slash != NULL ? slash : end) - p);
		n++;
		if (slash == NULL)
			break;
		p = slash + 1;
	}
	if (n != 5 || memchr(f[4], '/', fl[4]) != NULL) {
		*cause = xstrdup("its key is not "
				 "<dag_id>/<task_id>/<run_id>/<multi_index>/"
				 "<key>: it needs exactly five '/' fields");
		return -1;
	}
	for (n = 0; n < 5; n++) {
		if (fl[n] == 0) {
			*cause = xstrdup("its key has an empty field");
			return -1;
		}
	}
	idx = xstrndup(f[3], fl[3]);
	errno = 0;
	v = strtol(idx, &ep, 10);
	if (errno != 0 || *ep != '\0' || ep == idx || v < INT_MIN ||
	    v > INT_MAX) {
		*cause =
		    xasprintf("its multi_index \"%s\" is not an integer", idx);
		free(idx);
		return -1;
	}
	free(idx);
	r->multi_index = v;
	r->dag_id = xstrndup(f[0], fl[0]);
	r->task_id = xstrndup(f[1], fl[1]);
	r->run_id = xstrndup(f[2], fl[2]);
	if (!stage) {
		r->xcom_key = xstrndup(f[4], fl[4]);
		r->format = XCOMREF_FMT_NONE;
		return 0;
	}
	dot = NULL;
	for (p = f[4]; p < f[4] + fl[4]; p++) {
		if (*p == '.')
			dot = p;
	}
	if (dot == NULL || dot == f[4] || dot + 1 == f[4] + fl[4]) {
		*cause = xstrdup("its stage key has no <key>.<extension> file "
				 "name");
		return -1;
	}
	r->xcom_key = xstrndup(f[4], (size_t)(dot - f[4]));
	r->ext = xstrndup(dot + 1, (size_t)(f[4] + fl[4] - dot - 1));
	r->format = xcomref_format_of(r->ext);
	return 0;
}

static int
xcomref_object(struct xcomref *r, const char *s, size_t len, char **cause)
{
	const char *d1, *d2;

	d1 = memchr(s, '.', len);
	d2 =
	    d1 == NULL ? NULL : memchr(d1 + 1, '.', (size_t)(s + len - d1 - 1));
	if (d1 == NULL || d2 == NULL || d1 == s || d2 == d1 + 1 ||
	    d2 + 1 == s + len ||
	    memchr(d2 + 1, '.', (size_t)(s + len - d2 - 1))) {
		*cause = xasprintf("its %s \"%.*s\" is not a fully-qualified "
				   "DATABASE.SCHEMA.NAME",
		    r->kind == XCOMREF_TABLE ? "table" : "stage",
		    (int)(len > 200 ? 200 : len), s);
		return -1;
	}
	r->object = xstrndup(s, len);
	r->database = xstrndup(s, (size_t)(d1 - s));
	r->schema = xstrndup(d1 + 1, (size_t)(d2 - d1 - 1));
	r->name = xstrndup(d2 + 1, (size_t)(s + len - d2 - 1));
	return 0;
}

/* The value of "name=value" up to the next '=' (as the backend reads it). */
static int
xcomref_field(const char *f, size_t fl, const char **name, size_t *nl,
    const char **val, size_t *vl)
{
	const char *eq = memchr(f, '=', fl), *eq2;

	if (eq == NULL)
		return -1;
	*name = f;
	*nl = (size_t)(eq - f);
	*val = eq + 1;
	eq2 = memchr(eq + 1, '=', (size_t)(f + fl - eq - 1));
	*vl = (size_t)((eq2 != NULL ? eq2 : f + fl) - (eq + 1));
	return 0;
}

int
xcomref_parse(const char *s, size_t len, struct xcomref *out, char **cause)
{
	struct xcomref r;
	const char *p, *end = s + len, *q, *netloc_end, *dot, *f[3], *amp;
	const char *name, *val;
	size_t fl[3], n, nl, vl;
	char *why = NULL;

	memset(out, 0, sizeof *out);
	memset(&r, 0, sizeof r);
	n = sizeof XCOMREF_SCHEME - 1;
	if (len < n || strncasecmp(s, XCOMREF_SCHEME, n) != 0) {
		*cause = xstrdup("not a Snowflake XCom reference: it does not "
				 "start with snowflake://");
		return -1;
	}
	p = s + n;
	if (memchr(p, '\0', (size_t)(end - p)) != NULL) {
		*cause = xstrdup("the reference holds a NUL byte");
		return -1;
	}
	q = memchr(p, '?', (size_t)(end - p));
	if (q == NULL) {
		*cause = xstrdup("the reference has no query: the backend "
				 "writes snowflake://<account>?&table=…&key=…");
		return -1;
	}
	netloc_end = q;
	if (memchr(p, '/', (size_t)(q - p)) != NULL) {
		*cause = xstrdup("the reference has a path: the backend writes "
				 "database and schema in table= or stage=, "
				 "never in the path");
		return -1;
	}
	if (netloc_end == p) {
		*cause = xstrdup("the reference names no account");
		return -1;
	}
	/* Exactly two '.' parts: account and region; otherwise all account. */
	dot = memchr(p, '.', (size_t)(netloc_end - p));
	if (dot != NULL && dot != p && dot + 1 < netloc_end &&
	    memchr(dot + 1, '.', (size_t)(netloc_end - dot - 1)) == NULL) {
		r.account = xstrndup(p, (size_t)(dot - p));
		r.region = xstrndup(dot + 1, (size_t)(netloc_end - dot - 1));
	} else
		r.account = xstrndup(p, (size_t)(netloc_end - p));

	/* The query: "&<table|stage>=…&key=…", split on '&' like the reader. */
	p = q + 1;
	if (p >= end || *p != '&') {
		why = xstrdup("its query does not start with \"?&\" as the "
			      "backend writes it");
		goto fail;
	}
	for (n = 0; n < 3; n++) {
		f[n] = p;
		amp = memchr(p, '&', (size_t)(end - p));
		fl[n] = (size_t)((amp != NULL ? amp : end) - p);
		if (amp == NULL) {
			n++;
			break;
		}
		p = amp + 1;
	}
	if (n < 3) {
		why = xstrdup("it lacks the table= or stage= and key= fields");
		goto fail;
	}
	if (xcomref_field(f[1], fl[1], &name, &nl, &val, &vl) != 0 || vl == 0) {
		why = xstrdup("its second field is not table=<name> or "
			      "stage=<name>");
		goto fail;
	}
	if (nl == 5 && memcmp(name, "table", 5) == 0)
		r.kind = XCOMREF_TABLE;
	else if (nl == 5 && memcmp(name, "stage", 5) == 0)
		r.kind = XCOMREF_STAGE;
	else {
		why = xasprintf("its second field is \"%.*s\", not table= or "
				"stage=",
		    (int)(nl > 40 ? 40 : nl), name);
		goto fail;
	}
	if (xcomref_object(&r, val, vl, &why) != 0)
		goto fail;
	if (xcomref_field(f[2], fl[2], &name, &nl, &val, &vl) != 0 || nl != 3 ||
	    memcmp(name, "key", 3) != 0 || vl == 0) {
		why = xstrdup("its third field is not key=<key>");
		goto fail;
	}
	r.key = xstrndup(val, vl);
	if (r.kind == XCOMREF_TABLE && vl == 1 && *val == '*') {
		r.whole_table = 1;
		r.format = XCOMREF_FMT_NONE;
	} else if (xcomref_key_fields(
		       &r, val, vl, r.kind == XCOMREF_STAGE, &why) != 0)
		goto fail;
	*out = r;
	return 0;

fail:
	*cause = xasprintf("not a valid Snowflake XCom reference: %s", why);
	free(why);
	xcomref_free(&r);
	return -1;
}

int
xcomref_parse_stage_path(const char *path, size_t len, int strip_first,
    struct xcomref *out, char **cause)
{
	struct xcomref r;
	const char *slash;
	char *why = NULL;

	memset(out, 0, sizeof *out);
	memset(&r, 0, sizeof r);
	if (memchr(path, '\0', len) != NULL) {
		*cause = xstrdup("the path holds a NUL byte");
		return -1;
	}
	while (len > 0 && *path == '/') {
		path++;
		len--;
	}
	if (strip_first) {
		slash = memchr(path, '/', len);
		if (slash == NULL) {
			*cause = xstrdup("the path has no stage prefix");
			return -1;
		}
		len -= (size_t)(slash + 1 - path);
		path = slash + 1;
	}
	r.kind = XCOMREF_STAGE;
	if (xcomref_key_fields(&r, path, len, 1, &why) != 0) {
		*cause = xasprintf("not a file of the XCom backend's layout "
				   "<dag_id>/<task_id>/<run_id>/<multi_index>/"
				   "<key>.<ext>: %s",
		    why);
		free(why);
		xcomref_free(&r);
		return -1;
	}
	r.key = xstrndup(path, len);
	*out = r;
	return 0;
}
