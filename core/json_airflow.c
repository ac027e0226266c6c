/* Parsers for Airflow REST API responses (v1 and v2). */

#include "json_airflow.h"

#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cjson/cJSON.h>

#include "model.h"
#include "sanitize.h"
#include "timefmt.h"
#include "util.h"

/* Returns a sanitized copy of a string member, or NULL when absent/null. */
static char *
json_af_str(const cJSON *o, const char *name)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);

	if (!cJSON_IsString(v) || v->valuestring == NULL)
		return NULL;
	return sanitize_dup(v->valuestring, strlen(v->valuestring), 0);
}

static double
json_af_time(const cJSON *o, const char *name)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
	double t;

	if (!cJSON_IsString(v) || time_parse_iso(v->valuestring, &t) != 0)
		return 0;
	return t;
}

static int
json_af_int(const cJSON *o, const char *name, int dflt)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);

	if (!cJSON_IsNumber(v))
		return dflt;
	if (v->valuedouble > 2147483647.0 || v->valuedouble < -2147483648.0)
		return dflt;
	return (int)v->valuedouble;
}

static double
json_af_double(const cJSON *o, const char *name, double dflt)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);

	return cJSON_IsNumber(v) ? v->valuedouble : dflt;
}

static int
json_af_bool(const cJSON *o, const char *name)
{
	return cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(o, name));
}

static enum af_state
json_af_state(const cJSON *o, const char *name)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);

	if (!cJSON_IsString(v))
		return AF_NONE;
	return af_state_parse(v->valuestring);
}

/* Parses the body and finds the array member; sets the page totals. */
static cJSON *
json_af_page_open(const char *buf, size_t len, const char *member,
    const cJSON **items, struct af_page *page, char **cause)
{
	cJSON *root;
	const cJSON *total;

	memset(page, 0, sizeof *page);
	root = cJSON_ParseWithLength(buf, len);
	if (root == NULL) {
		if (cause != NULL)
			*cause = xstrdup("the server sent malformed JSON");
		return NULL;
	}
	*items = cJSON_GetObjectItemCaseSensitive(root, member);
	if (!cJSON_IsArray(*items)) {
		if (cause != NULL)
			*cause = xasprintf(
			    "the response has no \"%s\" list", member);
		cJSON_Delete(root);
		return NULL;
	}
	total = cJSON_GetObjectItemCaseSensitive(root, "total_entries");
	if (cJSON_IsNumber(total) && total->valuedouble >= 0) {
		page->total =
		    (size_t)dtol_clamp(total->valuedouble, 0, LONG_MAX);
		page->has_total = 1;
	}
	return root;
}

/* Joins the "name" members of an array of objects (or strings) with ", ". */
static char *
json_af_join(const cJSON *arr, const char *member)
{
	struct buf b;
	const cJSON *it, *v;

	buf_init(&b);
	buf_adds(&b, "");
	cJSON_ArrayForEach(it, arr)
	{
		v = member != NULL
			? cJSON_GetObjectItemCaseSensitive(it, member)
			: it;
		if (!cJSON_IsString(v))
			continue;
		if (b.len > 0)
			buf_adds(&b, ",");
		sanitize_append(&b, v->valuestring, strlen(v->valuestring), 0);
	}
	return buf_detach(&b);
}

int
json_af_dags_parse(const char *buf, size_t len, struct af_dags *out,
    struct af_page *page, char **cause)
{
	cJSON *root;
	const cJSON *items, *it;
	struct af_dag d;
	const cJSON *sched;

	if ((root = json_af_page_open(buf, len, "dags", &items, page, cause)) ==
	    NULL)
		return -1;
	cJSON_ArrayForEach(it, items)
	{
		if (!cJSON_IsObject(it))
			continue;
		memset(&d, 0, sizeof d);
		if ((d.dag_id = json_af_str(it, "dag_id")) == NULL)
			continue;
		d.display_name = json_af_str(it, "dag_display_name");
		if (d.display_name == NULL)
			d.display_name = xstrdup(d.dag_id);
		d.description = json_af_str(it, "description");
		d.owners = json_af_join(
		    cJSON_GetObjectItemCaseSensitive(it, "owners"), NULL);
		d.tags = json_af_join(
		    cJSON_GetObjectItemCaseSensitive(it, "tags"), "name");
		d.fileloc = json_af_str(it, "fileloc");
		d.paused = json_af_bool(it, "is_paused");
		d.import_errors = json_af_bool(it, "has_import_errors");
		/* v2 timetable_summary; v1 schedule_interval object. */
		d.schedule = json_af_str(it, "timetable_summary");
		if (d.schedule == NULL) {
			sched = cJSON_GetObjectItemCaseSensitive(
			    it, "schedule_interval");
			if (cJSON_IsObject(sched))
				d.schedule = json_af_str(sched, "value");
		}
		if (d.schedule == NULL)
			d.schedule = json_af_str(it, "timetable_description");
		if (d.schedule == NULL)
			d.schedule = xstrdup("None");
		d.next_run = json_af_time(it, "next_dagrun_logical_date");
		if (d.next_run == 0)
			d.next_run = json_af_time(it, "next_dagrun");
		d.last_state = AF_NONE;
		af_dags_push(out, &d);
		page->count++;
	}
	cJSON_Delete(root);
	return 0;
}

/* Fills r from one run object; returns -1 when it has no run id. */
static int
json_af_run_fill(const cJSON *it, struct af_run *r)
{
	const cJSON *conf;
	char *txt;

	memset(r, 0, sizeof *r);
	if ((r->run_id = json_af_str(it, "dag_run_id")) == NULL)
		return -1;
	/* Shared across rows: 100,000 runs of 1,000 DAGs hold 1,000 ids. */
	txt = json_af_str(it, "dag_id");
	r->dag_id = intern(txt != NULL ? txt : "");
	free(txt);
	txt = json_af_str(it, "run_type");
	r->run_type = intern(txt != NULL                            ? txt
			     : json_af_bool(it, "external_trigger") ? "manual"
								    : "-");
	free(txt);
	r->state = json_af_state(it, "state");
	r->logical_date = json_af_time(it, "logical_date");
	if (r->logical_date == 0)
		r->logical_date = json_af_time(it, "execution_date");
	r->run_after = json_af_time(it, "run_after");
	if (r->run_after == 0)
		r->run_after = r->logical_date;
	r->start_date = json_af_time(it, "start_date");
	r->end_date = json_af_time(it, "end_date");
	conf = cJSON_GetObjectItemCaseSensitive(it, "conf");
	if (cJSON_IsObject(conf) && conf->child != NULL) {
		cJSON *copy = cJSON_Duplicate(conf, 1);

		redact_json_tree(copy);
		txt = cJSON_PrintUnformatted(copy);
		cJSON_Delete(copy);
		if (txt != NULL) {
			r->conf = sanitize_dup(txt, strlen(txt), 0);
			cJSON_free(txt);
		}
	}
	return 0;
}

int
json_af_runs_parse(const char *buf, size_t len, struct af_runs *out,
    struct af_page *page, char **cause)
{
	cJSON *root;
	const cJSON *items, *it;
	struct af_run r;

	if ((root = json_af_page_open(
		 buf, len, "dag_runs", &items, page, cause)) == NULL)
		return -1;
	cJSON_ArrayForEach(it, items)
	{
		if (!cJSON_IsObject(it) || json_af_run_fill(it, &r) != 0) {
			if (cJSON_IsObject(it))
				af_run_clear(&r);
			continue;
		}
		af_runs_push(out, &r);
		page->count++;
	}
	cJSON_Delete(root);
	return 0;
}

int
json_af_run_parse(const char *buf, size_t len, struct af_run *r, char **cause)
{
	cJSON *root;
	int rc = 0;

	memset(r, 0, sizeof *r);
	if ((root = cJSON_ParseWithLength(buf, len)) == NULL) {
		if (cause != NULL)
			*cause = xstrdup("the server sent malformed JSON");
		return -1;
	}
	if (!cJSON_IsObject(root) || json_af_run_fill(root, r) != 0) {
		af_run_clear(r);
		if (cause != NULL)
			*cause = xstrdup("the response has no dag_run_id");
		rc = -1;
	}
	cJSON_Delete(root);
	return rc;
}

int
json_af_tis_parse(const char *buf, size_t len, struct af_tis *out,
    struct af_page *page, char **cause)
{
	cJSON *root;
	const cJSON *items, *it;
	struct af_ti t;

	if ((root = json_af_page_open(
		 buf, len, "task_instances", &items, page, cause)) == NULL)
		return -1;
	cJSON_ArrayForEach(it, items)
	{
		if (!cJSON_IsObject(it))
			continue;
		memset(&t, 0, sizeof t);
		if ((t.task_id = json_af_str(it, "task_id")) == NULL)
			continue;
		t.dag_id = json_af_str(it, "dag_id");
		t.run_id = json_af_str(it, "dag_run_id");
		t.map_index = json_af_int(it, "map_index", -1);
		t.state = json_af_state(it, "state");
		t.try_number = json_af_int(it, "try_number", 0);
		t.max_tries = json_af_int(it, "max_tries", 0);
		t.operator= json_af_str(it, "operator");
		if (t.operator== NULL)
			t.operator= json_af_str(it, "operator_name");
		t.start_date = json_af_time(it, "start_date");
		t.end_date = json_af_time(it, "end_date");
		t.duration = json_af_double(it, "duration", -1);
		t.hostname = json_af_str(it, "hostname");
		t.pool = json_af_str(it, "pool");
		af_tis_push(out, &t);
		page->count++;
	}
	cJSON_Delete(root);
	return 0;
}

int
json_af_xcoms_parse(const char *buf, size_t len, struct af_xcoms *out,
    struct af_page *page, char **cause)
{
	cJSON *root;
	const cJSON *items, *it;
	struct af_xcom x;

	if ((root = json_af_page_open(
		 buf, len, "xcom_entries", &items, page, cause)) == NULL)
		return -1;
	cJSON_ArrayForEach(it, items)
	{
		if (!cJSON_IsObject(it))
			continue;
		memset(&x, 0, sizeof x);
		if ((x.key = json_af_str(it, "key")) == NULL)
			continue;
		x.map_index = json_af_int(it, "map_index", -1);
		x.timestamp = json_af_time(it, "timestamp");
		af_xcoms_push(out, &x);
		page->count++;
	}
	cJSON_Delete(root);
	return 0;
}

/*
 * Renders a JSON tree as indented text, strings sanitized; stops adding
 * once out passes cap (the caller marks truncation).
 */
static void
json_af_render(const cJSON *v, int depth, struct buf *out, size_t cap)
{
	const cJSON *c;
	int i;
	char num[64];

	if (out->len > cap)
		return;
	if (cJSON_IsObject(v) || cJSON_IsArray(v)) {
		int obj = cJSON_IsObject(v);

		if (v->child == NULL) {
			buf_adds(out, obj ? "{}" : "[]");
			return;
		}
		buf_adds(out, obj ? "{\n" : "[\n");
		for (c = v->child; c != NULL; c = c->next) {
			for (i = 0; i <= depth; i++)
				buf_adds(out, "  ");
			if (obj) {
				buf_addc(out, '"');
				sanitize_append(
				    out, c->string, strlen(c->string), 0);
				buf_adds(out, "\": ");
			}
			json_af_render(c, depth + 1, out, cap);
			if (c->next != NULL)
				buf_addc(out, ',');
			buf_addc(out, '\n');
			if (out->len > cap)
				return;
		}
		for (i = 0; i < depth; i++)
			buf_adds(out, "  ");
		buf_addc(out, obj ? '}' : ']');
	} else if (cJSON_IsString(v)) {
		const char *s = v->valuestring;
		size_t n = strlen(s);

		buf_addc(out, '"');
		/* Show control characters as escapes rather than dropping. */
		for (; n > 0; s++, n--) {
			if (*s == '\n')
				buf_adds(out, "\\n");
			else if (*s == '\t')
				buf_adds(out, "\\t");
			else if (*s == '"')
				buf_adds(out, "\\\"");
			else if (*s == '\\')
				buf_adds(out, "\\\\");
			else {
				size_t k = 0;

				/* Sanitize a run up to the next special. */
				while (k < n && s[k] != '\n' && s[k] != '\t' &&
				       s[k] != '"' && s[k] != '\\')
					k++;
				sanitize_append(out, s, k, 0);
				s += k - 1;
				n -= k - 1;
			}
		}
		buf_addc(out, '"');
	} else if (cJSON_IsNumber(v)) {
		if (v->valuedouble < 9e15 && v->valuedouble > -9e15 &&
		    v->valuedouble == (double)(long long)v->valuedouble)
			snprintf(
			    num, sizeof num, "%lld", (long long)v->valuedouble);
		else
			snprintf(num, sizeof num, "%.17g", v->valuedouble);
		buf_adds(out, num);
	} else if (cJSON_IsBool(v))
		buf_adds(out, cJSON_IsTrue(v) ? "true" : "false");
	else
		buf_adds(out, "null");
}

int
json_af_xcom_value_parse(const char *buf, size_t len, size_t cap,
    struct buf *out, int *truncated, char **cause)
{
	cJSON *root, *value, *inner = NULL;
	const char *s;

	*truncated = 0;
	if ((root = cJSON_ParseWithLength(buf, len)) == NULL) {
		if (cause != NULL)
			*cause = xstrdup("the server sent malformed JSON");
		return -1;
	}
	value = cJSON_GetObjectItemCaseSensitive(root, "value");
	if (value == NULL) {
		cJSON_Delete(root);
		if (cause != NULL)
			*cause = xstrdup("the XCom entry has no value");
		return -1;
	}
	/* A string holding JSON (stringified values) is shown parsed. */
	if (cJSON_IsString(value) && (s = value->valuestring) != NULL) {
		while (isspace((unsigned char)*s))
			s++;
		if (*s == '{' || *s == '[')
			inner = cJSON_Parse(s);
		if (inner != NULL)
			value = inner;
	}
	redact_json_tree(value);
	json_af_render(value, 0, out, cap);
	if (out->len > cap) {
		*truncated = 1;
		/* Cut back to the last complete line within the cap. */
		while (out->len > 0 && out->len > cap)
			out->len--;
		while (out->len > 0 && out->data[out->len - 1] != '\n')
			out->len--;
		out->data[out->len] = '\0';
		buf_adds(out, "… value truncated: larger than the display cap");
	}
	buf_addc(out, '\n');
	cJSON_Delete(inner);
	cJSON_Delete(root);
	return 0;
}

/* Appends text as sanitized, redacted lines, each ending in '\n'. */
static void
json_af_log_lines(struct buf *out, const char *text, size_t len)
{
	struct buf tmp;

	buf_init(&tmp);
	sanitize_append(&tmp, text, len, SANITIZE_KEEP_NL | SANITIZE_KEEP_TAB);
	if (tmp.len > 0) {
		redact_text_append(out, tmp.data, tmp.len);
		if (out->data[out->len - 1] != '\n')
			buf_addc(out, '\n');
	}
	buf_free(&tmp);
}

/* Renders one v2 structured log message as a line. */
static void
json_af_log_message(struct buf *out, const cJSON *m)
{
	struct buf line;
	const cJSON *c, *ev, *ts, *lvl;

	buf_init(&line);
	if (cJSON_IsString(m)) {
		json_af_log_lines(out, m->valuestring, strlen(m->valuestring));
		return;
	}
	if (!cJSON_IsObject(m))
		return;
	ev = cJSON_GetObjectItemCaseSensitive(m, "event");
	ts = cJSON_GetObjectItemCaseSensitive(m, "timestamp");
	lvl = cJSON_GetObjectItemCaseSensitive(m, "level");
	if (cJSON_IsString(ev) && strncmp(ev->valuestring, "::", 2) == 0 &&
	    cJSON_GetObjectItemCaseSensitive(m, "sources") == NULL)
		return; /* UI grouping markers */
	if (cJSON_IsString(ts))
		buf_printf(&line, "[%s] ", ts->valuestring);
	if (cJSON_IsString(lvl)) {
		const char *p;

		for (p = lvl->valuestring; *p != '\0'; p++)
			buf_addc(&line, (char)toupper((unsigned char)*p));
		buf_adds(&line, " - ");
	}
	if (cJSON_IsString(ev))
		buf_adds(&line, ev->valuestring);
	cJSON_ArrayForEach(c, m)
	{
		char *txt;

		if (c == ev || c == ts || c == lvl || c->string == NULL)
			continue;
		if (strcmp(c->string, "logger") == 0)
			continue;
		if (cJSON_IsString(c))
			buf_printf(&line, " %s=%s", c->string, c->valuestring);
		else if ((txt = cJSON_PrintUnformatted(c)) != NULL) {
			buf_printf(&line, " %s=%s", c->string, txt);
			cJSON_free(txt);
		}
	}
	json_af_log_lines(out, line.data != NULL ? line.data : "", line.len);
	buf_free(&line);
}

/*
 * Decodes one Python string literal ('…' or "…") at *p, appending its
 * value to out. Returns 0 and advances *p past it, or -1.
 */
static int
json_af_pystr(const char **p, const char *end, struct buf *out)
{
	char q;
	const char *s = *p;
	unsigned v;
	int i, n;
	char tmp[8];

	if (s >= end || (*s != '\'' && *s != '"'))
		return -1;
	q = *s++;
	while (s < end && *s != q) {
		if (*s != '\\') {
			buf_addc(out, *s++);
			continue;
		}
		if (++s >= end)
			return -1;
		switch (*s) {
		case 'n':
			buf_addc(out, '\n');
			s++;
			break;
		case 't':
			buf_addc(out, '\t');
			s++;
			break;
		case 'r':
			buf_addc(out, '\r');
			s++;
			break;
		case 'x':
		case 'u':
		case 'U':
			n = *s == 'x' ? 2 : *s == 'u' ? 4 : 8;
			s++;
			v = 0;
			for (i = 0; i < n; i++, s++) {
				if (s >= end || !isxdigit((unsigned char)*s))
					return -1;
				v = v * 16 +
				    (unsigned)(isdigit((unsigned char)*s)
						   ? *s - '0'
						   : (tolower(
							  (unsigned char)*s) -
							 'a' + 10));
			}
			/* Encode as UTF-8; the sanitizer vets it later. */
			if (v < 0x80)
				buf_addc(out, (char)v);
			else if (v < 0x800) {
				tmp[0] = (char)(0xc0 | (v >> 6));
				tmp[1] = (char)(0x80 | (v & 0x3f));
				buf_add(out, tmp, 2);
			} else if (v < 0x10000) {
				tmp[0] = (char)(0xe0 | (v >> 12));
				tmp[1] = (char)(0x80 | ((v >> 6) & 0x3f));
				tmp[2] = (char)(0x80 | (v & 0x3f));
				buf_add(out, tmp, 3);
			} else if (v < 0x110000) {
				tmp[0] = (char)(0xf0 | (v >> 18));
				tmp[1] = (char)(0x80 | ((v >> 12) & 0x3f));
				tmp[2] = (char)(0x80 | ((v >> 6) & 0x3f));
				tmp[3] = (char)(0x80 | (v & 0x3f));
				buf_add(out, tmp, 4);
			} else
				buf_adds(out, "\xef\xbf\xbd");
			break;
		default:
			buf_addc(out, *s++);
			break;
		}
	}
	if (s >= end)
		return -1;
	*p = s + 1;
	return 0;
}

/*
 * Parses v1's Python repr "[('host', 'text'), …]" and appends each text.
 * Falls back to the raw string when it is not in that shape.
 */
static void
json_af_log_v1_content(struct buf *out, const char *s)
{
	const char *p = s, *end = s + strlen(s);
	struct buf host, text;
	int ok = 0;

	buf_init(&host);
	buf_init(&text);
	while (p < end && isspace((unsigned char)*p))
		p++;
	if (p < end && *p == '[') {
		p++;
		ok = 1;
		for (;;) {
			while (p < end &&
			       (isspace((unsigned char)*p) || *p == ','))
				p++;
			if (p < end && *p == ']')
				break;
			if (p >= end || *p != '(') {
				ok = 0;
				break;
			}
			p++;
			buf_reset(&host);
			if (json_af_pystr(&p, end, &host) != 0) {
				ok = 0;
				break;
			}
			while (p < end &&
			       (isspace((unsigned char)*p) || *p == ','))
				p++;
			if (json_af_pystr(&p, end, &text) != 0) {
				ok = 0;
				break;
			}
			while (p < end && isspace((unsigned char)*p))
				p++;
			if (p >= end || *p != ')') {
				ok = 0;
				break;
			}
			p++;
		}
	}
	if (ok)
		json_af_log_lines(
		    out, text.data != NULL ? text.data : "", text.len);
	else
		json_af_log_lines(out, s, strlen(s));
	buf_free(&host);
	buf_free(&text);
}

int
json_af_log_parse(const char *buf, size_t len, int api, int is_text,
    struct buf *out, char **token, char **cause)
{
	cJSON *root;
	const cJSON *content, *tok, *m;

	*token = NULL;
	if (is_text) {
		json_af_log_lines(out, buf, len);
		return 0;
	}
	if ((root = cJSON_ParseWithLength(buf, len)) == NULL) {
		if (cause != NULL)
			*cause = xstrdup("the server sent a malformed log");
		return -1;
	}
	content = cJSON_GetObjectItemCaseSensitive(root, "content");
	if (cJSON_IsArray(content)) {
		cJSON_ArrayForEach(m, content) json_af_log_message(out, m);
	} else if (cJSON_IsString(content)) {
		if (api == 1)
			json_af_log_v1_content(out, content->valuestring);
		else
			json_af_log_lines(out, content->valuestring,
			    strlen(content->valuestring));
	} else {
		cJSON_Delete(root);
		if (cause != NULL)
			*cause = xstrdup("the log response has no content");
		return -1;
	}
	tok = cJSON_GetObjectItemCaseSensitive(root, "continuation_token");
	if (cJSON_IsString(tok) && tok->valuestring[0] != '\0')
		*token = xstrdup(tok->valuestring);
	cJSON_Delete(root);
	return 0;
}

int
json_af_version_parse(const char *buf, size_t len, char **version, char **cause)
{
	cJSON *root;
	const cJSON *v;

	*version = NULL;
	if ((root = cJSON_ParseWithLength(buf, len)) == NULL) {
		if (cause != NULL)
			*cause = xstrdup("the version response is not JSON");
		return -1;
	}
	v = cJSON_GetObjectItemCaseSensitive(root, "version");
	if (cJSON_IsString(v))
		*version =
		    sanitize_dup(v->valuestring, strlen(v->valuestring), 0);
	cJSON_Delete(root);
	if (*version == NULL) {
		if (cause != NULL)
			*cause = xstrdup("the version response has no version");
		return -1;
	}
	return 0;
}

int
json_af_token_parse(const char *buf, size_t len, char **token, char **cause)
{
	cJSON *root;
	const cJSON *v;

	*token = NULL;
	if ((root = cJSON_ParseWithLength(buf, len)) == NULL) {
		if (cause != NULL)
			*cause = xstrdup("the token response is not JSON");
		return -1;
	}
	v = cJSON_GetObjectItemCaseSensitive(root, "access_token");
	if (!cJSON_IsString(v))
		v = cJSON_GetObjectItemCaseSensitive(root, "jwt_token");
	if (cJSON_IsString(v) && v->valuestring[0] != '\0')
		*token = xstrdup(v->valuestring);
	cJSON_Delete(root);
	if (*token == NULL) {
		if (cause != NULL)
			*cause =
			    xstrdup("the token response has no access_token");
		return -1;
	}
	return 0;
}

/* Returns 1 when the body starts (after white space) with '<'. */
static int
json_af_is_html(const char *buf, size_t len)
{
	size_t i = 0;

	while (i < len && isspace((unsigned char)buf[i]))
		i++;
	return i < len && buf[i] == '<';
}

/*
 * Appends a one-line summary of an HTML error page (a proxy's or Airflow
 * 2's 500 page) instead of its markup: its <title>, white space collapsed,
 * at most 120 bytes, when it has one.
 */
static void
json_af_html_summary(struct buf *b, const char *buf, size_t len)
{
	size_t i, start = len, n = 0;
	int space = 0;

	for (i = 0; i + 7 <= len; i++)
		if (strncasecmp(buf + i, "<title>", 7) == 0) {
			start = i + 7;
			break;
		}
	buf_adds(b, "an HTML page instead of a JSON error");
	if (start >= len)
		return;
	for (i = start; i < len && buf[i] != '<' && n < 120; i++) {
		if (isspace((unsigned char)buf[i])) {
			space = n > 0;
			continue;
		}
		if (n == 0)
			buf_adds(b, " (\"");
		else if (space)
			buf_addc(b, ' ');
		space = 0;
		buf_addc(b, buf[i]);
		n++;
	}
	if (n > 0)
		buf_adds(b, "\")");
}

char *
json_af_error_message(const char *buf, size_t len)
{
	cJSON *root;
	const cJSON *d, *t, *e, *first;
	struct buf b;
	char *txt;

	buf_init(&b);
	root = cJSON_ParseWithLength(buf, len);
	if (root != NULL && cJSON_IsObject(root)) {
		t = cJSON_GetObjectItemCaseSensitive(root, "title");
		d = cJSON_GetObjectItemCaseSensitive(root, "detail");
		e = cJSON_GetObjectItemCaseSensitive(root, "error");
		if (cJSON_IsString(t)) {
			buf_adds(&b, t->valuestring);
			if (cJSON_IsString(d))
				buf_adds(&b, ": ");
		}
		if (cJSON_IsString(d))
			buf_adds(&b, d->valuestring);
		else if (cJSON_IsArray(d) && (first = d->child) != NULL) {
			/* FastAPI validation errors: msg at loc. */
			const cJSON *msg, *loc;

			msg = cJSON_GetObjectItemCaseSensitive(first, "msg");
			loc = cJSON_GetObjectItemCaseSensitive(first, "loc");
			if (cJSON_IsString(msg))
				buf_adds(&b, msg->valuestring);
			if (cJSON_IsArray(loc) &&
			    (txt = cJSON_PrintUnformatted(loc)) != NULL) {
				buf_printf(&b, " at %s", txt);
				cJSON_free(txt);
			}
		} else if (cJSON_IsObject(d)) {
			const cJSON *r =
			    cJSON_GetObjectItemCaseSensitive(d, "reason");
			const cJSON *m =
			    cJSON_GetObjectItemCaseSensitive(d, "message");

			if (cJSON_IsString(r))
				buf_adds(&b, r->valuestring);
			if (cJSON_IsString(m))
				buf_printf(&b, "%s%s", b.len > 0 ? ": " : "",
				    m->valuestring);
		} else if (cJSON_IsString(e))
			buf_adds(&b, e->valuestring);
	}
	cJSON_Delete(root);
	if (b.len == 0 && json_af_is_html(buf, len))
		json_af_html_summary(&b, buf, len);
	if (b.len == 0) {
		size_t n = len < 200 ? len : 200;

		buf_add(&b, buf, n);
	}
	txt = sanitize_dup(b.data, b.len, 0);
	buf_free(&b);
	return txt;
}

char *
json_af_params_defaults(const char *buf, size_t len)
{
	cJSON *root, *out;
	const cJSON *params, *p, *v;
	char *txt = NULL;

	if ((root = cJSON_ParseWithLength(buf, len)) == NULL)
		return NULL;
	params = cJSON_GetObjectItemCaseSensitive(root, "params");
	if (!cJSON_IsObject(params) || params->child == NULL) {
		cJSON_Delete(root);
		return NULL;
	}
	out = cJSON_CreateObject();
	cJSON_ArrayForEach(p, params)
	{
		if (p->string == NULL)
			continue;
		/* {"name": {"value": x, "schema": {...}}} or a bare value. */
		v = cJSON_IsObject(p)
			? cJSON_GetObjectItemCaseSensitive(p, "value")
			: p;
		cJSON_AddItemToObject(out, p->string,
		    v != NULL ? cJSON_Duplicate(v, 1) : cJSON_CreateNull());
	}
	txt = cJSON_PrintUnformatted(out);
	cJSON_Delete(out);
	cJSON_Delete(root);
	if (txt != NULL) {
		char *s = sanitize_dup(txt, strlen(txt), 0);

		cJSON_free(txt);
		return s;
	}
	return NULL;
}
