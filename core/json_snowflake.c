/*
 * Pure parsers for Snowflake's SQL API v2 and REST resource APIs, plus
 * the identifier, stage path, date and statement helpers around them.
 */

#include "json_snowflake.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <cjson/cJSON.h>
#include <openssl/rand.h>

#include "model_sf.h"
#include "timefmt.h"
#include "util.h"

#define SF_MAX_COLS 4096

static int sf_word_in(const char *, const char *const *);
static int sf_scan_data_span(
    const char *, size_t, int, const char **, const char **);
static int sf_rows_scanned(
    const char *, const char *, size_t, sf_row_cb, void *, size_t *, char **);

void
sf_result_meta_free(struct sf_result_meta *m)
{
	size_t i;

	free(m->handle);
	free(m->code);
	free(m->sql_state);
	free(m->message);
	free(m->status_url);
	for (i = 0; i < m->ncols; i++) {
		free(m->cols[i].name);
		free(m->cols[i].type);
	}
	free(m->cols);
	free(m->partition_rows);
	memset(m, 0, sizeof *m);
}

static char *
sf_json_str(const cJSON *o, const char *name)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
	char num[40];

	if (cJSON_IsString(v))
		return xstrdup(v->valuestring);
	if (cJSON_IsNumber(v)) {
		snprintf(num, sizeof num, "%.0f", v->valuedouble);
		return xstrdup(num);
	}
	return NULL;
}

static uint64_t
sf_json_u64(const cJSON *o, const char *name)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);

	if (cJSON_IsNumber(v) && v->valuedouble > 0 && v->valuedouble < 1.8e19)
		return (uint64_t)v->valuedouble;
	if (cJSON_IsString(v))
		return strtoull(v->valuestring, NULL, 10);
	return 0;
}

/* Hands every row of a data array to row. */
static int
sf_rows(const cJSON *data, size_t ncols, sf_row_cb row, void *arg,
    size_t *nrows, char **cause)
{
	const cJSON *r, *cell;
	const char **cells;
	size_t i, n = 0;
	int rc = 0;

	if (nrows != NULL)
		*nrows = 0;
	if (data == NULL || cJSON_IsNull(data))
		return 0;
	if (!cJSON_IsArray(data)) {
		*cause = xstrdup("the result data is not an array of rows");
		return -1;
	}
	cells = xcalloc(ncols > 0 ? ncols : 1, sizeof *cells);
	cJSON_ArrayForEach(r, data)
	{
		if (!cJSON_IsArray(r)) {
			*cause = xstrdup("a result row is not an array");
			rc = -1;
			break;
		}
		i = 0;
		cJSON_ArrayForEach(cell, r)
		{
			if (i >= ncols)
				break;
			cells[i++] =
			    cJSON_IsString(cell) ? cell->valuestring : NULL;
		}
		for (; i < ncols; i++)
			cells[i] = NULL;
		n++;
		if (row != NULL && row(cells, ncols, arg, cause) != 0) {
			if (*cause == NULL)
				*cause = xstrdup("stopped reading the result");
			rc = -1;
			break;
		}
	}
	free(cells);
	if (nrows != NULL)
		*nrows = n;
	return rc;
}

int
json_sf_result_parse(const char *buf, size_t len, struct sf_result_meta *m,
    sf_row_cb row, void *arg, char **cause)
{
	cJSON *root;
	const cJSON *meta, *rt, *it, *pi, *v;
	const char *ds = NULL, *de = NULL;
	struct buf rest;
	size_t n, i;
	int rc;

	*cause = NULL;
	memset(m, 0, sizeof *m);
	/*
	 * The first partition's rows come in this body: a tree only for the
	 * rest of it (its "data" array read straight from the bytes), when the
	 * body is strict JSON.
	 */
	if (sf_scan_data_span(buf, len, 0, &ds, &de) == 0) {
		buf_init(&rest);
		buf_add(&rest, buf, (size_t)(ds - buf));
		buf_adds(&rest, "null");
		buf_add(&rest, de, (size_t)(buf + len - de));
		root = cJSON_ParseWithLength(rest.data, rest.len);
		buf_free(&rest);
	} else {
		ds = de = NULL;
		root = cJSON_ParseWithLength(buf, len);
	}
	if (!cJSON_IsObject(root)) {
		cJSON_Delete(root);
		*cause = xstrdup("Snowflake's answer is not a JSON object");
		return -1;
	}
	m->handle = sf_json_str(root, "statementHandle");
	m->code = sf_json_str(root, "code");
	m->sql_state = sf_json_str(root, "sqlState");
	m->message = sf_json_str(root, "message");
	m->status_url = sf_json_str(root, "statementStatusUrl");
	meta = cJSON_GetObjectItemCaseSensitive(root, "resultSetMetaData");
	if (cJSON_IsObject(meta)) {
		m->has_result = 1;
		m->num_rows = sf_json_u64(meta, "numRows");
		rt = cJSON_GetObjectItemCaseSensitive(meta, "rowType");
		n = cJSON_IsArray(rt) ? (size_t)cJSON_GetArraySize(rt) : 0;
		if (n > SF_MAX_COLS) {
			cJSON_Delete(root);
			sf_result_meta_free(m);
			*cause = xstrdup("the result has too many columns");
			return -1;
		}
		m->cols = xcalloc(n > 0 ? n : 1, sizeof *m->cols);
		i = 0;
		cJSON_ArrayForEach(it, rt)
		{
			char *p;

			if (i >= n)
				break;
			m->cols[i].name = sf_json_str(it, "name");
			if (m->cols[i].name == NULL)
				m->cols[i].name = xasprintf("COLUMN%zu", i + 1);
			m->cols[i].type = sf_json_str(it, "type");
			if (m->cols[i].type == NULL)
				m->cols[i].type = xstrdup("text");
			for (p = m->cols[i].type; *p != '\0'; p++)
				*p = (char)tolower((unsigned char)*p);
			v = cJSON_GetObjectItemCaseSensitive(it, "nullable");
			m->cols[i].nullable = !cJSON_IsFalse(v);
			i++;
		}
		m->ncols = i;
		pi = cJSON_GetObjectItemCaseSensitive(meta, "partitionInfo");
		n = cJSON_IsArray(pi) ? (size_t)cJSON_GetArraySize(pi) : 0;
		m->npartitions = n > 0 ? n : 1;
		m->partition_rows =
		    xcalloc(m->npartitions, sizeof *m->partition_rows);
		i = 0;
		cJSON_ArrayForEach(it, pi)
		{
			if (i < m->npartitions)
				m->partition_rows[i++] =
				    sf_json_u64(it, "rowCount");
		}
	}
	rc = 0;
	if (m->has_result && ds != NULL) /* checked by the scan above */
		rc = sf_rows_scanned(ds, de, m->ncols, row, arg, NULL, cause);
	else if (m->has_result)
		rc = sf_rows(cJSON_GetObjectItemCaseSensitive(root, "data"),
		    m->ncols, row, arg, NULL, cause);
	cJSON_Delete(root);
	if (rc != 0)
		sf_result_meta_free(m);
	return rc;
}

int
json_sf_partition_parse(const char *buf, size_t len, size_t ncols,
    sf_row_cb row, void *arg, size_t *nrows, char **cause)
{
	int rc;

	rc = json_sf_partition_parse_fast(
	    buf, len, ncols, row, arg, nrows, cause);
	if (rc != 1)
		return rc;
	return json_sf_partition_parse_tree(
	    buf, len, ncols, row, arg, nrows, cause);
}

/* ---- partitions without a tree ----------------------------------------- */

#define SF_SCAN_DEPTH 256

struct sf_scan {
	const char *p, *end;
	int depth;
};

static void
sf_scan_ws(struct sf_scan *s)
{
	while (s->p < s->end && (*s->p == ' ' || *s->p == '\t' ||
				    *s->p == '\n' || *s->p == '\r'))
		s->p++;
}

static int
sf_scan_hex4(const char *p, unsigned *out)
{
	unsigned v = 0;
	int i;

	for (i = 0; i < 4; i++) {
		v <<= 4;
		if (p[i] >= '0' && p[i] <= '9')
			v |= (unsigned)(p[i] - '0');
		else if (p[i] >= 'a' && p[i] <= 'f')
			v |= (unsigned)(p[i] - 'a' + 10);
		else if (p[i] >= 'A' && p[i] <= 'F')
			v |= (unsigned)(p[i] - 'A' + 10);
		else
			return -1;
	}
	*out = v;
	return 0;
}

/*
 * The strict JSON string at s->p, its decoded bytes appended to out (when
 * not NULL). -1 for what the fast reader leaves to cJSON.
 */
static int
sf_scan_string(struct sf_scan *s, struct buf *out)
{
	const char *p, *run;
	unsigned cp;
	char u[3];

	if (s->p >= s->end || *s->p != '"')
		return -1;
	p = run = s->p + 1;
	while (p < s->end) {
		if (*p == '"') {
			if (out != NULL)
				buf_add(out, run, (size_t)(p - run));
			s->p = p + 1;
			return 0;
		}
		if ((unsigned char)*p < 0x20)
			return -1;
		if (*p != '\\') {
			p++;
			continue;
		}
		if (out != NULL)
			buf_add(out, run, (size_t)(p - run));
		if (s->end - p < 2)
			return -1;
		switch (p[1]) {
		case '"':
		case '\\':
		case '/':
			u[0] = p[1];
			break;
		case 'b':
			u[0] = '\b';
			break;
		case 'f':
			u[0] = '\f';
			break;
		case 'n':
			u[0] = '\n';
			break;
		case 'r':
			u[0] = '\r';
			break;
		case 't':
			u[0] = '\t';
			break;
		case 'u':
			if (s->end - p < 6 || sf_scan_hex4(p + 2, &cp) != 0 ||
			    cp == 0 || (cp >= 0xd800 && cp <= 0xdfff))
				return -1;
			if (out != NULL) {
				if (cp < 0x80)
					buf_addc(out, (char)cp);
				else if (cp < 0x800) {
					u[0] = (char)(0xc0 | (cp >> 6));
					u[1] = (char)(0x80 | (cp & 0x3f));
					buf_add(out, u, 2);
				} else {
					u[0] = (char)(0xe0 | (cp >> 12));
					u[1] =
					    (char)(0x80 | ((cp >> 6) & 0x3f));
					u[2] = (char)(0x80 | (cp & 0x3f));
					buf_add(out, u, 3);
				}
			}
			p += 6;
			run = p;
			continue;
		default:
			return -1;
		}
		if (out != NULL)
			buf_addc(out, u[0]);
		p += 2;
		run = p;
	}
	return -1;
}

static int
sf_scan_digits(struct sf_scan *s)
{
	const char *p = s->p;

	while (s->p < s->end && *s->p >= '0' && *s->p <= '9')
		s->p++;
	return s->p > p ? 0 : -1;
}

/* A strict JSON number: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? */
static int
sf_scan_number(struct sf_scan *s)
{
	if (s->p < s->end && *s->p == '-')
		s->p++;
	if (s->p < s->end && *s->p == '0')
		s->p++;
	else if (s->p >= s->end || *s->p < '1' || *s->p > '9' ||
		 sf_scan_digits(s) != 0)
		return -1;
	if (s->p < s->end && *s->p == '.') {
		s->p++;
		if (sf_scan_digits(s) != 0)
			return -1;
	}
	if (s->p < s->end && (*s->p == 'e' || *s->p == 'E')) {
		s->p++;
		if (s->p < s->end && (*s->p == '+' || *s->p == '-'))
			s->p++;
		if (sf_scan_digits(s) != 0)
			return -1;
	}
	return 0;
}

static int
sf_scan_word(struct sf_scan *s, const char *w)
{
	size_t n = strlen(w);

	if ((size_t)(s->end - s->p) < n || memcmp(s->p, w, n) != 0)
		return -1;
	s->p += n;
	return 0;
}

/* Skips one strict JSON value; with data, notes where the top object's
 * first "data" member's value starts and ends (data[0], data[1]). */
static int
sf_scan_value(struct sf_scan *s, const char **data)
{
	struct buf key;
	int rc = 0, first = 1, want;
	char close;

	sf_scan_ws(s);
	if (s->p >= s->end)
		return -1;
	switch (*s->p) {
	case '"':
		return sf_scan_string(s, NULL);
	case 't':
		return sf_scan_word(s, "true");
	case 'f':
		return sf_scan_word(s, "false");
	case 'n':
		return sf_scan_word(s, "null");
	case '{':
	case '[':
		break;
	default:
		return sf_scan_number(s);
	}
	if (++s->depth > SF_SCAN_DEPTH)
		return -1;
	close = *s->p == '{' ? '}' : ']';
	s->p++;
	buf_init(&key);
	for (;;) {
		sf_scan_ws(s);
		if (s->p < s->end && *s->p == close && first) {
			s->p++;
			break;
		}
		first = 0;
		want = 0;
		if (close == '}') {
			buf_reset(&key);
			if (sf_scan_string(s, data != NULL ? &key : NULL) !=
			    0) {
				rc = -1;
				break;
			}
			want = data != NULL && data[0] == NULL &&
			       key.len == 4 && memcmp(key.data, "data", 4) == 0;
			sf_scan_ws(s);
			if (s->p >= s->end || *s->p != ':') {
				rc = -1;
				break;
			}
			s->p++;
			sf_scan_ws(s);
			if (want)
				data[0] = s->p;
		}
		if (sf_scan_value(s, NULL) != 0) {
			rc = -1;
			break;
		}
		if (want)
			data[1] = s->p;
		sf_scan_ws(s);
		if (s->p < s->end && *s->p == ',') {
			s->p++;
			continue;
		}
		if (s->p < s->end && *s->p == close) {
			s->p++;
			break;
		}
		rc = -1;
		break;
	}
	buf_free(&key);
	s->depth--;
	return rc;
}

/*
 * Hands on the rows of the data array [data, end) that sf_scan_data_span
 * found (and so checked as strict JSON), with nothing but the row's text
 * allocated. Returns 0, or -1 with *cause.
 */
static int
sf_rows_scanned(const char *data, const char *end, size_t ncols, sf_row_cb row,
    void *arg, size_t *nrows, char **cause)
{
	struct sf_scan s = { data + 1, end, 0 };
	const char **cells;
	size_t *off, i, n = 0;
	struct buf text;
	int rc = 0;

	cells = xcalloc(ncols > 0 ? ncols : 1, sizeof *cells);
	off = xcalloc(ncols > 0 ? ncols : 1, sizeof *off);
	buf_init(&text);
	for (;;) {
		sf_scan_ws(&s);
		if (*s.p == ']')
			break;
		if (*s.p != '[') {
			*cause = xstrdup("a result row is not an array");
			rc = -1;
			break;
		}
		s.p++;
		buf_reset(&text);
		for (i = 0;; i++) {
			sf_scan_ws(&s);
			if (*s.p == ']')
				break;
			if (i < ncols && *s.p == '"') {
				off[i] = text.len;
				(void)sf_scan_string(&s, &text);
				buf_addc(&text, '\0');
			} else {
				if (i < ncols)
					off[i] = SIZE_MAX;
				(void)sf_scan_value(&s, NULL);
			}
			sf_scan_ws(&s);
			if (*s.p == ',')
				s.p++;
		}
		s.p++; /* the row's ']' */
		for (; i < ncols; i++)
			off[i] = SIZE_MAX;
		for (i = 0; i < ncols; i++)
			cells[i] =
			    off[i] == SIZE_MAX ? NULL : text.data + off[i];
		n++;
		if (row != NULL && row(cells, ncols, arg, cause) != 0) {
			if (*cause == NULL)
				*cause = xstrdup("stopped reading the result");
			rc = -1;
			break;
		}
		sf_scan_ws(&s);
		if (*s.p == ',')
			s.p++;
	}
	buf_free(&text);
	free(off);
	free(cells);
	if (nrows != NULL)
		*nrows = n;
	return rc;
}

/*
 * Checks a whole body as strict JSON (as json_sf_partition_parse_fast
 * documents it), calling nothing, and finds its rows: the top object's
 * first "data" array ([*start, *end)), or with bare the top value itself
 * when that is an array. Returns 0, or -1 (no such array, or not strict
 * JSON).
 */
static int
sf_scan_data_span(
    const char *buf, size_t len, int bare, const char **start, const char **end)
{
	struct sf_scan s = { buf, buf + len, 0 };
	const char *span[2] = { NULL, NULL };
	int object;

	sf_scan_ws(&s);
	if (s.p >= s.end || (*s.p != '{' && !(bare && *s.p == '[')))
		return -1;
	object = *s.p == '{';
	if (!object)
		span[0] = s.p;
	if (sf_scan_value(&s, object ? span : NULL) != 0)
		return -1;
	if (!object)
		span[1] = s.p;
	sf_scan_ws(&s);
	if (s.p != s.end || span[0] == NULL || *span[0] != '[')
		return -1;
	*start = span[0];
	*end = span[1];
	return 0;
}

int
json_sf_partition_parse_fast(const char *buf, size_t len, size_t ncols,
    sf_row_cb row, void *arg, size_t *nrows, char **cause)
{
	const char *ds, *de;

	*cause = NULL;
	if (nrows != NULL)
		*nrows = 0;
	if (sf_scan_data_span(buf, len, 1, &ds, &de) != 0)
		return 1;
	return sf_rows_scanned(ds, de, ncols, row, arg, nrows, cause);
}

int
json_sf_partition_parse_tree(const char *buf, size_t len, size_t ncols,
    sf_row_cb row, void *arg, size_t *nrows, char **cause)
{
	cJSON *root;
	const cJSON *data;
	int rc;

	*cause = NULL;
	if (nrows != NULL)
		*nrows = 0;
	root = cJSON_ParseWithLength(buf, len);
	if (root == NULL) {
		*cause = xstrdup("a result partition is not valid JSON");
		return -1;
	}
	data = cJSON_IsObject(root)
		   ? cJSON_GetObjectItemCaseSensitive(root, "data")
		   : root;
	if (!cJSON_IsArray(data)) {
		cJSON_Delete(root);
		*cause = xstrdup("a result partition has no data array");
		return -1;
	}
	rc = sf_rows(data, ncols, row, arg, nrows, cause);
	cJSON_Delete(root);
	return rc;
}

/* ---- errors ------------------------------------------------------------ */

static const char *
sf_error_advice(long status, const char *code, const char *state)
{
	if (code != NULL) {
		if (strcmp(code, "390144") == 0 || strcmp(code, "394304") == 0)
			return "check the account and user names and that the "
			       "key's public part is registered (DESC USER "
			       "shows RSA_PUBLIC_KEY_FP)";
		if (strcmp(code, "390303") == 0 || strcmp(code, "390318") == 0)
			return "get a new token and try again";
		if (strcmp(code, "002003") == 0)
			return "check the object name and that the role has "
			       "access to it";
		if (strcmp(code, "000604") == 0)
			return "the statement was cancelled";
	}
	if (state != NULL && strncmp(state, "42", 2) == 0)
		return "fix the statement (names, syntax) and run it again";
	if (state != NULL && strncmp(state, "22", 2) == 0)
		return "check the values bound to the statement";
	switch (status) {
	case 400:
		return "the request was malformed; report this as a snowdeck "
		       "bug";
	case 401:
		return "check the credentials of the Snowflake connection "
		       "(account, user, key fingerprint or token)";
	case 403:
		return "check the role's privileges and that the API is "
		       "enabled for the account";
	case 404:
		return "check the database, schema and object names";
	case 408:
		return "the statement timed out and was cancelled; narrow it "
		       "or raise the timeout";
	case 422:
		return "fix the statement and run it again";
	case 429:
		return "Snowflake is rate limiting; try again shortly";
	case 500:
	case 502:
	case 503:
	case 504:
		return "Snowflake is having trouble; try again shortly";
	case 0:
		return "check the network and the Snowflake URL";
	default:
		return "check the Snowflake connection settings";
	}
}

char *
sf_error_sentence(const char *what, long status, const char *body, size_t len)
{
	cJSON *root = NULL;
	char *code = NULL, *state = NULL, *msg = NULL, *out;
	struct buf b;

	if (body != NULL && len > 0)
		root = cJSON_ParseWithLength(body, len);
	if (cJSON_IsObject(root)) {
		code = sf_json_str(root, "code");
		if (code == NULL)
			code = sf_json_str(root, "error_code");
		state = sf_json_str(root, "sqlState");
		msg = sf_json_str(root, "message");
	}
	cJSON_Delete(root);
	buf_init(&b);
	buf_printf(&b, "%s failed", what);
	if (status > 0)
		buf_printf(&b, " (HTTP %ld", status);
	if (code != NULL && *code != '\0')
		buf_printf(&b, "%scode %.20s", status > 0 ? ", " : " (", code);
	if (state != NULL && *state != '\0')
		buf_printf(&b, ", SQL state %.10s", state);
	if (status > 0 || (code != NULL && *code != '\0'))
		buf_addc(&b, ')');
	if (msg != NULL && *msg != '\0') {
		char *nl;

		/* One line: Snowflake messages can span several. */
		for (nl = msg; *nl != '\0'; nl++)
			if (*nl == '\n' || *nl == '\r')
				*nl = ' ';
		buf_printf(&b, ": %.400s", msg);
	}
	buf_printf(&b, "; %s", sf_error_advice(status, code, state));
	out = buf_detach(&b);
	free(code);
	free(state);
	free(msg);
	return out;
}

/* ---- dates ------------------------------------------------------------- */

static int
sf_month(const char *s)
{
	static const char *const m[] = { "Jan", "Feb", "Mar", "Apr", "May",
		"Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	int i;

	for (i = 0; i < 12; i++) {
		if (strncasecmp(s, m[i], 3) == 0)
			return i;
	}
	return -1;
}

/* Days from the civil date (proleptic Gregorian) to 1970-01-01. */
static long
sf_days(long y, int mon, int d)
{
	long era, yoe, doy, doe;

	y -= mon <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (mon + (mon > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

int
sf_time_parse(const char *s, double *out)
{
	int d, mon, hh, mm, ss, n = 0, oh, om;
	long y;
	char wd[4], mo[4], tz[8], sign;
	double v, frac = 0;
	char *end;

	if (s == NULL)
		return -1;
	while (*s == ' ')
		s++;
	/* RFC 1123 as LIST prints it: "Mon, 1 Jan 2024 00:00:00 GMT". */
	if (sscanf(s, "%3[A-Za-z], %d %3[A-Za-z] %ld %d:%d:%d %7s%n", wd, &d,
		mo, &y, &hh, &mm, &ss, tz, &n) == 8 &&
	    s[n] == '\0') {
		mon = sf_month(mo);
		if (mon < 0 || d < 1 || d > 31 || hh < 0 || hh > 23 || mm < 0 ||
		    mm > 59 || ss < 0 || ss > 60 || y < 0 || y > 99999 ||
		    (strcmp(tz, "GMT") != 0 && strcmp(tz, "UTC") != 0))
			return -1;
		*out = (double)sf_days(y, mon + 1, d) * 86400.0 + hh * 3600 +
		       mm * 60 + ss;
		return 0;
	}
	/* SHOW's "2024-02-24 20:41:31.978 -0800". */
	n = 0;
	if (sscanf(s, "%ld-%d-%d %d:%d:%d%n", &y, &mon, &d, &hh, &mm, &ss,
		&n) == 6) {
		const char *p = s + n;

		if (*p == '.') {
			frac = strtod(p, &end);
			p = end;
		}
		if (sscanf(p, " %c%2d%2d%n", &sign, &oh, &om, &n) == 3 &&
		    (sign == '+' || sign == '-') && p[n] == '\0') {
			if (mon < 1 || mon > 12 || d < 1 || d > 31 || hh < 0 ||
			    hh > 23 || mm < 0 || mm > 59 || ss < 0 || ss > 60 ||
			    y < 0 || y > 99999 || oh < 0 || oh > 23 || om < 0 ||
			    om > 59)
				return -1;
			v = (double)sf_days(y, mon, d) * 86400.0 + hh * 3600 +
			    mm * 60 + ss + frac;
			v -= (sign == '-' ? -1 : 1) * (oh * 3600 + om * 60);
			*out = v;
			return 0;
		}
	}
	if (time_parse_iso(s, out) == 0)
		return 0;
	/* Epoch seconds, optionally "<secs> <tz minutes>". */
	if (isdigit((unsigned char)*s)) {
		v = strtod(s, &end);
		if (end != s && (*end == '\0' || *end == ' ')) {
			*out = v;
			return 0;
		}
	}
	return -1;
}

/* ---- stage files and stages -------------------------------------------- */

int
sf_file_from_list_row(struct sf_files *files, const char *const *cells,
    size_t ncols, const char *strip_prefix, char **cause)
{
	const char *name;
	double t;
	size_t pl;

	if (ncols < 4 || cells[0] == NULL) {
		*cause = xstrdup("a LIST row lacks name, size, md5 or "
				 "last_modified");
		return -1;
	}
	name = cells[0];
	pl = strip_prefix != NULL ? strlen(strip_prefix) : 0;
	if (pl > 0 && strncasecmp(name, strip_prefix, pl) == 0)
		name += pl;
	if (cells[3] == NULL || sf_time_parse(cells[3], &t) != 0)
		t = 0;
	sf_files_add(files, name, strlen(name),
	    cells[1] != NULL ? strtoull(cells[1], NULL, 10) : 0, cells[2], t);
	return 0;
}

/* The four LIST cells of a StageFile object (owned, NULL when absent). */
static void
sf_file_rest_cells(const cJSON *o, char *cells[4])
{
	cells[0] = sf_json_str(o, "name");
	cells[1] = sf_json_str(o, "size");
	cells[2] = sf_json_str(o, "md5");
	cells[3] = sf_json_str(o, "last_modified");
}

int
json_sf_files_rest_parse(
    const char *buf, size_t len, struct sf_files *files, char **cause)
{
	cJSON *root;
	const cJSON *it;
	char *cells[4];
	int rc = 0, i;

	*cause = NULL;
	root = cJSON_ParseWithLength(buf, len);
	if (!cJSON_IsArray(root)) {
		cJSON_Delete(root);
		*cause = xstrdup("the stage file list is not a JSON array");
		return -1;
	}
	cJSON_ArrayForEach(it, root)
	{
		if (!cJSON_IsObject(it))
			continue;
		sf_file_rest_cells(it, cells);
		if (cells[0] != NULL)
			rc = sf_file_from_list_row(
			    files, (const char *const *)cells, 4, NULL, cause);
		for (i = 0; i < 4; i++)
			free(cells[i]);
		if (rc != 0)
			break;
	}
	cJSON_Delete(root);
	return rc;
}

int
json_sf_file_rest_row(
    const char *buf, size_t len, sf_row_cb row, void *arg, char **cause)
{
	cJSON *o;
	char *cells[4];
	int rc = 0, i;

	*cause = NULL;
	o = cJSON_ParseWithLength(buf, len);
	if (!cJSON_IsObject(o)) {
		cJSON_Delete(o);
		*cause = xstrdup("a stage file entry is not a JSON object");
		return -1;
	}
	sf_file_rest_cells(o, cells);
	cJSON_Delete(o);
	if (cells[0] != NULL)
		rc = row((const char *const *)cells, 4, arg, cause);
	for (i = 0; i < 4; i++)
		free(cells[i]);
	return rc;
}

static int
sf_file_rest_add(
    const char *const *cells, size_t ncols, void *arg, char **cause)
{
	return sf_file_from_list_row(arg, cells, ncols, NULL, cause);
}

int
json_sf_file_rest_one(
    const char *buf, size_t len, struct sf_files *files, char **cause)
{
	return json_sf_file_rest_row(buf, len, sf_file_rest_add, files, cause);
}

#define SF_SPLIT_MAX_ELEM (16 * 1024 * 1024)

int
sf_json_split_feed(struct sf_json_split *j, const char *p, size_t n,
    sf_json_elem_cb cb, void *arg, char **cause)
{
	size_t i, start = 0;
	int in_elem;
	char ch;

	*cause = NULL;
	if (j->cur == NULL) {
		j->cur = xcalloc(1, sizeof *j->cur);
		buf_init(j->cur);
	}
	for (i = 0; i < n; i++) {
		ch = p[i];
		if (j->finished) {
			if (ch == ' ' || ch == '\n' || ch == '\r' || ch == '\t')
				continue;
			*cause = xstrdup("text after the end of the list");
			return -1;
		}
		if (!j->started) {
			if (ch == ' ' || ch == '\n' || ch == '\r' || ch == '\t')
				continue;
			if (ch != '[') {
				*cause =
				    xstrdup("the list is not a JSON array");
				return -1;
			}
			j->started = 1;
			j->depth = 1;
			start = i + 1;
			continue;
		}
		in_elem = j->depth > 1 || j->in_str;
		if (j->in_str) {
			if (j->esc)
				j->esc = 0;
			else if (ch == '\\')
				j->esc = 1;
			else if (ch == '"')
				j->in_str = 0;
		} else if (ch == '"') {
			j->in_str = 1;
		} else if (ch == '[' || ch == '{') {
			if (++j->depth > 64) {
				*cause = xstrdup("the list nests too deep");
				return -1;
			}
		} else if (ch == ']' || ch == '}') {
			if (j->depth == 1 && ch == '}') {
				*cause = xstrdup("unbalanced } in the list");
				return -1;
			}
			j->depth--;
		}
		(void)in_elem;
		/* At depth 1, outside strings, ',' and the final ']' end an
		 * element. */
		if (!j->in_str &&
		    ((j->depth == 1 && ch == ',') || j->depth == 0)) {
			buf_add(j->cur, p + start, i - start);
			start = i + 1;
			if (j->cur->len > 0) {
				size_t a = 0, b = j->cur->len;
				const char *d = j->cur->data;

				while (
				    a < b && (d[a] == ' ' || d[a] == '\n' ||
						 d[a] == '\r' || d[a] == '\t'))
					a++;
				while (
				    b > a &&
				    (d[b - 1] == ' ' || d[b - 1] == '\n' ||
					d[b - 1] == '\r' || d[b - 1] == '\t'))
					b--;
				if (b > a) {
					j->count++;
					if (cb(d + a, b - a, arg, cause) != 0) {
						if (*cause == NULL)
							*cause = xstrdup(
							    "stopped reading "
							    "the list");
						return -1;
					}
				} else if (ch == ',') {
					*cause = xstrdup("an empty element in "
							 "the list");
					return -1;
				}
			} else if (ch == ',') {
				*cause =
				    xstrdup("an empty element in the list");
				return -1;
			}
			buf_reset(j->cur);
			if (j->depth == 0)
				j->finished = 1;
		}
	}
	if (j->started && !j->finished && start < n) {
		buf_add(j->cur, p + start, n - start);
		if (j->cur->len > SF_SPLIT_MAX_ELEM) {
			*cause = xstrdup("a list element is too large");
			return -1;
		}
	}
	return 0;
}

int
sf_json_split_end(struct sf_json_split *j, char **cause)
{
	*cause = NULL;
	if (!j->finished) {
		*cause = xstrdup("the list ended before its closing ]");
		return -1;
	}
	return 0;
}

void
sf_json_split_free(struct sf_json_split *j)
{
	if (j->cur != NULL) {
		buf_free(j->cur);
		free(j->cur);
	}
	memset(j, 0, sizeof *j);
}

int
json_sf_stages_rest_parse(const char *buf, size_t len, const char *database,
    const char *schema, struct sf_stages *stages, char **cause)
{
	cJSON *root;
	const cJSON *it;
	struct sf_stage s;
	char *t;

	*cause = NULL;
	root = cJSON_ParseWithLength(buf, len);
	if (!cJSON_IsArray(root)) {
		cJSON_Delete(root);
		*cause = xstrdup("the stage list is not a JSON array");
		return -1;
	}
	cJSON_ArrayForEach(it, root)
	{
		if (!cJSON_IsObject(it))
			continue;
		memset(&s, 0, sizeof s);
		s.name = sf_json_str(it, "name");
		if (s.name == NULL)
			continue;
		s.database = sf_json_str(it, "database_name");
		if (s.database == NULL)
			s.database = xstrdup(database != NULL ? database : "");
		s.schema = sf_json_str(it, "schema_name");
		if (s.schema == NULL)
			s.schema = xstrdup(schema != NULL ? schema : "");
		s.kind = sf_json_str(it, "kind");
		if (s.kind == NULL)
			s.kind = xstrdup("PERMANENT");
		s.url = sf_json_str(it, "url");
		if (s.url == NULL)
			s.url = xstrdup("");
		s.comment = sf_json_str(it, "comment");
		if (s.comment == NULL)
			s.comment = xstrdup("");
		t = sf_json_str(it, "created_on");
		if (t == NULL || sf_time_parse(t, &s.created_on) != 0)
			s.created_on = 0;
		free(t);
		sf_stages_push(stages, &s);
	}
	cJSON_Delete(root);
	return 0;
}

int
json_sf_objects_parse(const char *buf, size_t len, const char *const *fields,
    size_t nfields, sf_row_cb row, void *arg, char **cause)
{
	cJSON *root;
	const cJSON *it, *v;
	char **cells;
	char num[40];
	size_t i;
	int rc = 0;

	*cause = NULL;
	root = cJSON_ParseWithLength(buf, len);
	if (!cJSON_IsArray(root)) {
		cJSON_Delete(root);
		*cause = xstrdup("the object list is not a JSON array");
		return -1;
	}
	cells = xcalloc(nfields > 0 ? nfields : 1, sizeof *cells);
	cJSON_ArrayForEach(it, root)
	{
		if (!cJSON_IsObject(it))
			continue;
		for (i = 0; i < nfields; i++) {
			v = cJSON_GetObjectItemCaseSensitive(it, fields[i]);
			if (cJSON_IsString(v))
				cells[i] = xstrdup(v->valuestring);
			else if (cJSON_IsNumber(v)) {
				snprintf(num, sizeof num, "%g", v->valuedouble);
				cells[i] = xstrdup(num);
			} else if (cJSON_IsBool(v))
				cells[i] =
				    xstrdup(cJSON_IsTrue(v) ? "true" : "false");
			else
				cells[i] = xstrdup("");
		}
		rc = row((const char *const *)cells, nfields, arg, cause);
		for (i = 0; i < nfields; i++) {
			free(cells[i]);
			cells[i] = NULL;
		}
		if (rc != 0) {
			if (*cause == NULL)
				*cause = xstrdup("stopped reading the list");
			break;
		}
	}
	free(cells);
	cJSON_Delete(root);
	return rc;
}

/* ---- identifiers and stage paths --------------------------------------- */

int
sf_ident_split(const char *name, char **parts, int max, char **cause)
{
	const char *p = name;
	struct buf b;
	int n = 0, i;

	*cause = NULL;
	if (name == NULL || *name == '\0') {
		*cause = xstrdup("an empty name");
		return -1;
	}
	buf_init(&b);
	for (;;) {
		buf_reset(&b);
		if (n >= max) {
			*cause = xasprintf("%.200s has too many parts", name);
			goto fail;
		}
		if (*p == '"') {
			p++;
			for (;;) {
				if (*p == '\0') {
					*cause =
					    xasprintf("unterminated quote in "
						      "%.200s",
						name);
					goto fail;
				}
				if (*p == '"' && p[1] == '"') {
					buf_addc(&b, '"');
					p += 2;
				} else if (*p == '"') {
					p++;
					break;
				} else
					buf_addc(&b, *p++);
			}
			if (b.len == 0) {
				*cause = xasprintf("an empty quoted name in "
						   "%.200s",
				    name);
				goto fail;
			}
		} else {
			if (!(isalpha((unsigned char)*p) || *p == '_')) {
				*cause = xasprintf("%.200s is not a valid "
						   "Snowflake name (quote it "
						   "with \"\")",
				    name);
				goto fail;
			}
			while (isalnum((unsigned char)*p) || *p == '_' ||
			       *p == '$')
				buf_addc(
				    &b, (char)toupper((unsigned char)*p++));
		}
		parts[n++] = buf_detach(&b);
		if (*p == '\0')
			break;
		if (*p != '.') {
			*cause = xasprintf(
			    "%.200s is not a valid Snowflake name", name);
			goto fail;
		}
		p++;
	}
	buf_free(&b);
	return n;
fail:
	buf_free(&b);
	for (i = 0; i < n; i++)
		free(parts[i]);
	return -1;
}

void
sf_ident_quote(struct buf *b, const char *ident)
{
	buf_addc(b, '"');
	for (; *ident != '\0'; ident++) {
		if (*ident == '"')
			buf_addc(b, '"');
		buf_addc(b, *ident);
	}
	buf_addc(b, '"');
}

void
sf_ident_append(struct buf *b, const char *ident)
{
	static const char *const reserved[] = { "ACCOUNT", "ALL", "ALTER",
		"AND", "ANY", "AS", "BETWEEN", "BY", "CASE", "CAST", "CHECK",
		"COLUMN", "CONNECT", "CONNECTION", "CONSTRAINT", "CREATE",
		"CROSS", "CURRENT", "CURRENT_DATE", "CURRENT_TIME",
		"CURRENT_TIMESTAMP", "CURRENT_USER", "DATABASE", "DELETE",
		"DISTINCT", "DROP", "ELSE", "EXISTS", "FALSE", "FOLLOWING",
		"FOR", "FROM", "FULL", "GRANT", "GROUP", "GSCLUSTER", "HAVING",
		"ILIKE", "IN", "INCREMENT", "INNER", "INSERT", "INTERSECT",
		"INTO", "IS", "ISSUE", "JOIN", "LATERAL", "LEFT", "LIKE",
		"LOCALTIME", "LOCALTIMESTAMP", "MINUS", "NATURAL", "NOT",
		"NULL", "OF", "ON", "OR", "ORDER", "ORGANIZATION", "QUALIFY",
		"REGEXP", "REVOKE", "RIGHT", "RLIKE", "ROW", "ROWS", "SAMPLE",
		"SCHEMA", "SELECT", "SET", "SOME", "START", "TABLE",
		"TABLESAMPLE", "THEN", "TO", "TRIGGER", "TRUE", "TRY_CAST",
		"UNION", "UNIQUE", "UPDATE", "USING", "VALUES", "VIEW", "WHEN",
		"WHENEVER", "WHERE", "WITH", NULL };
	const char *p;
	int plain = (*ident >= 'A' && *ident <= 'Z') || *ident == '_';

	for (p = ident; *p != '\0' && plain; p++) {
		if (!((*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
			*p == '_' || *p == '$'))
			plain = 0;
	}
	if (plain && !sf_word_in(ident, reserved) && p - ident <= 255) {
		buf_adds(b, ident);
		return;
	}
	sf_ident_quote(b, ident);
}

int
sf_stage_path_split(const char *path, const char *def_db,
    const char *def_schema, char **db, char **schema, char **stage,
    char **prefix, char **cause)
{
	const char *p = path, *slash = NULL, *q;
	char *name, *parts[3];
	int inq = 0, n;

	*db = *schema = *stage = *prefix = NULL;
	if (p == NULL) {
		*cause = xstrdup("no stage given");
		return -1;
	}
	if (*p == '@')
		p++;
	for (q = p; *q != '\0'; q++) {
		if (*q == '"')
			inq = !inq;
		else if (*q == '/' && !inq) {
			slash = q;
			break;
		}
	}
	name = slash != NULL ? xstrndup(p, (size_t)(slash - p)) : xstrdup(p);
	n = sf_ident_split(name, parts, 3, cause);
	free(name);
	if (n < 0) {
		char *m = xasprintf("the stage %s: %s", path, *cause);

		free(*cause);
		*cause = m;
		return -1;
	}
	if (n < 3 && (def_schema == NULL || (n < 2 && def_db == NULL))) {
		int i;

		for (i = 0; i < n; i++)
			free(parts[i]);
		*cause = xasprintf("the stage %s needs DATABASE.SCHEMA.STAGE "
				   "(or a connection with a database and "
				   "schema)",
		    path);
		return -1;
	}
	*stage = parts[n - 1];
	*schema = n >= 2 ? parts[n - 2] : xstrdup(def_schema);
	*db = n >= 3 ? parts[0] : xstrdup(def_db);
	*prefix = xstrdup(slash != NULL ? slash + 1 : "");
	return 0;
}

/* ---- statement classification ------------------------------------------ */

struct sf_lex {
	const char *p;
};

/* Skips whitespace and comments. */
static void
sf_lex_space(struct sf_lex *l)
{
	for (;;) {
		while (isspace((unsigned char)*l->p))
			l->p++;
		if ((l->p[0] == '-' && l->p[1] == '-') ||
		    (l->p[0] == '/' && l->p[1] == '/')) {
			while (*l->p != '\0' && *l->p != '\n')
				l->p++;
			continue;
		}
		if (l->p[0] == '/' && l->p[1] == '*') {
			l->p += 2;
			while (*l->p != '\0' &&
			       !(l->p[0] == '*' && l->p[1] == '/'))
				l->p++;
			if (*l->p != '\0')
				l->p += 2;
			continue;
		}
		return;
	}
}

/*
 * The next token into word (upper-cased, truncated) when it is a word;
 * strings, quoted identifiers and $$ blocks are skipped whole. Returns the
 * token's first character, 0 at the end.
 */
static int
sf_lex_next(struct sf_lex *l, char *word, size_t wlen)
{
	size_t n = 0;
	char q;

	word[0] = '\0';
	sf_lex_space(l);
	if (*l->p == '\0')
		return 0;
	if (*l->p == '\'' || *l->p == '"') {
		q = *l->p++;
		while (*l->p != '\0') {
			if (q == '\'' && *l->p == '\\' && l->p[1] != '\0') {
				l->p += 2;
				continue;
			}
			if (*l->p == q) {
				if (l->p[1] == q) {
					l->p += 2;
					continue;
				}
				l->p++;
				break;
			}
			l->p++;
		}
		return q;
	}
	if (l->p[0] == '$' && l->p[1] == '$') {
		l->p += 2;
		while (*l->p != '\0' && !(l->p[0] == '$' && l->p[1] == '$'))
			l->p++;
		if (*l->p != '\0')
			l->p += 2;
		return '$';
	}
	if (isalpha((unsigned char)*l->p) || *l->p == '_') {
		while (isalnum((unsigned char)*l->p) || *l->p == '_' ||
		       *l->p == '$') {
			if (n + 1 < wlen)
				word[n++] = (char)toupper((unsigned char)*l->p);
			l->p++;
		}
		word[n] = '\0';
		return 'a';
	}
	return *l->p++;
}

static int
sf_word_in(const char *w, const char *const *list)
{
	for (; *list != NULL; list++) {
		if (strcmp(w, *list) == 0)
			return 1;
	}
	return 0;
}

enum sf_stmt_kind
sf_sql_classify(const char *sql)
{
	static const char *const read_first[] = { "SELECT", "SHOW", "DESCRIBE",
		"DESC", "LIST", "LS", "EXPLAIN", "WITH", "VALUES", NULL };
	static const char *const writes[] = { "INSERT", "UPDATE", "DELETE",
		"MERGE", "CREATE", "ALTER", "DROP", "TRUNCATE", "COPY", "PUT",
		"GET", "REMOVE", "RM", "GRANT", "REVOKE", "CALL", "EXECUTE",
		"UNDROP", "USE", "SET", "UNSET", "BEGIN", "COMMIT", "ROLLBACK",
		"COMMENT", NULL };
	static const char *const safe_system[] = { "SYSTEM$GET_SERVICE_LOGS",
		"SYSTEM$GET_SERVICE_STATUS", "SYSTEM$CLUSTERING_INFORMATION",
		"SYSTEM$CLUSTERING_DEPTH", "SYSTEM$TYPEOF",
		"SYSTEM$GET_PRIVATELINK_CONFIG", "SYSTEM$ALLOWLIST",
		"SYSTEM$WHITELIST", "SYSTEM$EXPLAIN_PLAN_JSON",
		"SYSTEM$GET_TAG", "SYSTEM$REGISTRY_LIST_IMAGES",
		"SYSTEM$GET_SNOWFLAKE_PLATFORM_INFO", NULL };
	struct sf_lex l;
	char word[64], first[64];
	int t, depth = 0;

	if (sql == NULL)
		return SF_STMT_EMPTY;
	l.p = sql;
	first[0] = '\0';
	/* The first word, after any opening parentheses. */
	while ((t = sf_lex_next(&l, word, sizeof word)) == '(')
		depth++;
	if (t == 0)
		return SF_STMT_EMPTY;
	if (t == ';') {
		sf_lex_space(&l);
		return *l.p == '\0' ? SF_STMT_EMPTY : SF_STMT_MULTI;
	}
	if (t != 'a')
		return SF_STMT_WRITE;
	snprintf(first, sizeof first, "%s", word);
	for (;;) {
		t = sf_lex_next(&l, word, sizeof word);
		if (t == 0)
			break;
		if (t == ';') {
			sf_lex_space(&l);
			while (*l.p == ';') {
				l.p++;
				sf_lex_space(&l);
			}
			if (*l.p != '\0')
				return SF_STMT_MULTI;
			break;
		}
		if (t != 'a')
			continue;
		if (sf_word_in(word, writes) && strcmp(first, "SHOW") != 0 &&
		    strcmp(first, "DESCRIBE") != 0 &&
		    strcmp(first, "DESC") != 0 && strcmp(first, "LIST") != 0 &&
		    strcmp(first, "LS") != 0) {
			/* In a read, such words only appear as DML/DDL in a
			 * WITH or as names; be safe: only flag them after
			 * WITH or as function-like keywords. */
			if (strcmp(first, "WITH") == 0 ||
			    strcmp(word, "INSERT") == 0 ||
			    strcmp(word, "MERGE") == 0 ||
			    strcmp(word, "CALL") == 0)
				return SF_STMT_WRITE;
		}
		if (strncmp(word, "SYSTEM$", 7) == 0 &&
		    !sf_word_in(word, safe_system))
			return SF_STMT_WRITE;
	}
	(void)depth;
	return sf_word_in(first, read_first) ? SF_STMT_READ : SF_STMT_WRITE;
}

void
sf_uuid4(char out[37])
{
	unsigned char r[16];

	if (RAND_bytes(r, sizeof r) != 1)
		fatalx("OpenSSL RAND_bytes failed");
	r[6] = (unsigned char)((r[6] & 0x0f) | 0x40);
	r[8] = (unsigned char)((r[8] & 0x3f) | 0x80);
	snprintf(out, 37,
	    "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%"
	    "02x",
	    r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], r[9], r[10],
	    r[11], r[12], r[13], r[14], r[15]);
}
