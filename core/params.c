/* DAG params: parse, form to conf, validation (see params.h). Pure. */

#include "params.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cjson/cJSON.h>

#include "sanitize.h"
#include "util.h"

const char *
af_ptype_name(enum af_ptype t)
{
	static const char *const names[] = { "any", "string", "integer",
		"number", "boolean", "array", "object" };

	return (size_t)t < nitems(names) ? names[t] : "any";
}

static enum af_ptype
ptype_of(const char *s)
{
	static const char *const names[] = { "any", "string", "integer",
		"number", "boolean", "array", "object" };
	size_t i;

	for (i = 1; i < nitems(names); i++) {
		if (strcmp(s, names[i]) == 0)
			return (enum af_ptype)i;
	}
	return AF_P_ANY;
}

static char *
json_text(const cJSON *v)
{
	char *t = cJSON_PrintUnformatted(v), *s;

	if (t == NULL)
		return xstrdup("null");
	s = xstrdup(t);
	cJSON_free(t);
	return s;
}

/* "type": "integer" or ["null", "integer"]. */
static void
param_type(struct af_param *p, const cJSON *type)
{
	const cJSON *t;

	p->type = AF_P_ANY;
	if (cJSON_IsString(type)) {
		if (strcmp(type->valuestring, "null") == 0)
			p->nullable = 1;
		else
			p->type = ptype_of(type->valuestring);
		return;
	}
	if (!cJSON_IsArray(type)) {
		p->nullable = 1; /* no type: anything, null included */
		return;
	}
	cJSON_ArrayForEach(t, type)
	{
		if (!cJSON_IsString(t))
			continue;
		if (strcmp(t->valuestring, "null") == 0)
			p->nullable = 1;
		else if (p->type == AF_P_ANY)
			p->type = ptype_of(t->valuestring);
	}
}

static void
param_parse(struct af_param *p, const cJSON *item)
{
	const cJSON *value, *schema, *desc, *e, *n;
	size_t i;

	p->min_len = p->max_len = -1;
	if (!cJSON_IsObject(item) ||
	    (!cJSON_HasObjectItem(item, "value") &&
		!cJSON_HasObjectItem(item, "schema"))) {
		/* A bare default value. */
		p->nullable = 1;
		p->default_json = json_text(item);
		return;
	}
	value = cJSON_GetObjectItemCaseSensitive(item, "value");
	schema = cJSON_GetObjectItemCaseSensitive(item, "schema");
	desc = cJSON_GetObjectItemCaseSensitive(item, "description");
	if (cJSON_IsString(desc))
		p->description = sanitize_dup(
		    desc->valuestring, strlen(desc->valuestring), 0);
	if (cJSON_IsObject(schema)) {
		param_type(p, cJSON_GetObjectItemCaseSensitive(schema, "type"));
		e = cJSON_GetObjectItemCaseSensitive(schema, "enum");
		if (cJSON_IsArray(e) && cJSON_GetArraySize(e) > 0) {
			p->nenum = (size_t)cJSON_GetArraySize(e);
			p->enums = xcalloc(p->nenum, sizeof *p->enums);
			i = 0;
			cJSON_ArrayForEach(n, e) p->enums[i++] = json_text(n);
		}
		if (cJSON_IsNumber(n = cJSON_GetObjectItemCaseSensitive(
				       schema, "minimum"))) {
			p->has_min = 1;
			p->min = n->valuedouble;
		}
		if (cJSON_IsNumber(n = cJSON_GetObjectItemCaseSensitive(
				       schema, "maximum"))) {
			p->has_max = 1;
			p->max = n->valuedouble;
		}
		if (cJSON_IsNumber(n = cJSON_GetObjectItemCaseSensitive(
				       schema, "minLength")))
			p->min_len = dtol_clamp(n->valuedouble, -1, LONG_MAX);
		if (cJSON_IsNumber(n = cJSON_GetObjectItemCaseSensitive(
				       schema, "maxLength")))
			p->max_len = dtol_clamp(n->valuedouble, -1, LONG_MAX);
	} else
		p->nullable = 1;
	if (value != NULL && !cJSON_IsNull(value))
		p->default_json = json_text(value);
	p->required = p->default_json == NULL && !p->nullable;
}

int
af_params_parse(
    const char *body, size_t len, struct af_params *out, char **cause)
{
	cJSON *root;
	const cJSON *params, *item;
	struct af_param *p;

	memset(out, 0, sizeof *out);
	if ((root = cJSON_ParseWithLength(body, len)) == NULL) {
		*cause = xstrdup("the DAG details are not valid JSON");
		return -1;
	}
	params = cJSON_GetObjectItemCaseSensitive(root, "params");
	if (cJSON_IsObject(params)) {
		cJSON_ArrayForEach(item, params)
		{
			if (item->string == NULL)
				continue;
			out->v =
			    xreallocarray(out->v, out->n + 1, sizeof *out->v);
			p = &out->v[out->n++];
			memset(p, 0, sizeof *p);
			p->name =
			    sanitize_dup(item->string, strlen(item->string), 0);
			param_parse(p, item);
		}
	}
	cJSON_Delete(root);
	return 0;
}

void
af_params_free(struct af_params *ps)
{
	size_t i, j;
	struct af_param *p;

	for (i = 0; i < ps->n; i++) {
		p = &ps->v[i];
		free(p->name);
		free(p->description);
		free(p->default_json);
		for (j = 0; j < p->nenum; j++)
			free(p->enums[j]);
		free(p->enums);
	}
	free(ps->v);
	memset(ps, 0, sizeof *ps);
}

/* Checks one value against its param. */
static int
param_check(const struct af_param *p, const cJSON *v, char **cause)
{
	cJSON *e;
	size_t i, n;
	int ok;

	if (v == NULL || cJSON_IsNull(v)) {
		if (p->nullable && !p->required)
			return 0;
		*cause = xasprintf("param \"%s\" is required%s%s", p->name,
		    p->description != NULL ? ": " : "",
		    p->description != NULL ? p->description : "");
		return -1;
	}
	switch (p->type) {
	case AF_P_ANY:
		ok = 1;
		break;
	case AF_P_STRING:
		ok = cJSON_IsString(v);
		break;
	case AF_P_INTEGER:
		ok = cJSON_IsNumber(v) && isfinite(v->valuedouble) &&
		     floor(v->valuedouble) == v->valuedouble;
		break;
	case AF_P_NUMBER:
		ok = cJSON_IsNumber(v);
		break;
	case AF_P_BOOLEAN:
		ok = cJSON_IsBool(v);
		break;
	case AF_P_ARRAY:
		ok = cJSON_IsArray(v);
		break;
	case AF_P_OBJECT:
		ok = cJSON_IsObject(v);
		break;
	default:
		ok = 1;
	}
	if (!ok) {
		*cause = xasprintf("param \"%s\" must be %s %s", p->name,
		    p->type == AF_P_INTEGER || p->type == AF_P_ARRAY ||
			    p->type == AF_P_OBJECT
			? "an"
			: "a",
		    af_ptype_name(p->type));
		return -1;
	}
	if (p->nenum > 0) {
		for (i = 0, ok = 0; i < p->nenum && !ok; i++) {
			e = cJSON_Parse(p->enums[i]);
			ok = e != NULL && cJSON_Compare(e, v, 1);
			cJSON_Delete(e);
		}
		if (!ok) {
			struct buf b;

			buf_init(&b);
			for (i = 0; i < p->nenum; i++)
				buf_printf(
				    &b, "%s%s", i > 0 ? ", " : "", p->enums[i]);
			*cause = xasprintf(
			    "param \"%s\" must be one of %s", p->name, b.data);
			buf_free(&b);
			return -1;
		}
	}
	if (cJSON_IsNumber(v)) {
		if (p->has_min && v->valuedouble < p->min) {
			*cause = xasprintf("param \"%s\" must be at least %g",
			    p->name, p->min);
			return -1;
		}
		if (p->has_max && v->valuedouble > p->max) {
			*cause = xasprintf(
			    "param \"%s\" must be at most %g", p->name, p->max);
			return -1;
		}
	}
	if (cJSON_IsString(v)) {
		n = strlen(v->valuestring);
		if (p->min_len >= 0 && n < (size_t)p->min_len) {
			*cause = xasprintf("param \"%s\" needs at least %ld "
					   "characters",
			    p->name, p->min_len);
			return -1;
		}
		if (p->max_len >= 0 && n > (size_t)p->max_len) {
			*cause = xasprintf("param \"%s\" takes at most %ld "
					   "characters",
			    p->name, p->max_len);
			return -1;
		}
	}
	return 0;
}

int
af_params_validate(const struct af_params *ps, const char *conf, char **cause)
{
	cJSON *root = NULL, *def;
	const cJSON *v;
	size_t i;
	int rc = 0;

	if (conf != NULL && *conf != '\0') {
		root = cJSON_Parse(conf);
		if (root == NULL || !cJSON_IsObject(root)) {
			*cause = xstrdup("conf must be a JSON object, e.g. "
					 "{\"key\": \"value\"}");
			cJSON_Delete(root);
			return -1;
		}
	}
	for (i = 0; i < ps->n && rc == 0; i++) {
		v = root != NULL
			? cJSON_GetObjectItemCaseSensitive(root, ps->v[i].name)
			: NULL;
		if (v != NULL) {
			rc = param_check(&ps->v[i], v, cause);
			continue;
		}
		def = ps->v[i].default_json != NULL
			  ? cJSON_Parse(ps->v[i].default_json)
			  : NULL;
		rc = param_check(&ps->v[i], def, cause);
		cJSON_Delete(def);
	}
	cJSON_Delete(root);
	return rc;
}

/* Reads the text typed for one param as its type. */
static cJSON *
form_value(const struct af_param *p, const char *text, char **cause)
{
	char *end;
	double d;
	cJSON *v;

	switch (p->type) {
	case AF_P_STRING:
		return cJSON_CreateString(text);
	case AF_P_INTEGER:
	case AF_P_NUMBER:
		errno = 0;
		d = strtod(text, &end);
		if (end == text || *end != '\0' || errno != 0 || !isfinite(d) ||
		    (p->type == AF_P_INTEGER && floor(d) != d)) {
			*cause = xasprintf("param \"%s\": \"%s\" is not %s",
			    p->name, text,
			    p->type == AF_P_INTEGER ? "an integer"
						    : "a number");
			return NULL;
		}
		return cJSON_CreateNumber(d);
	case AF_P_BOOLEAN:
		if (strcasecmp(text, "true") == 0 ||
		    strcasecmp(text, "yes") == 0 || strcmp(text, "1") == 0)
			return cJSON_CreateTrue();
		if (strcasecmp(text, "false") == 0 ||
		    strcasecmp(text, "no") == 0 || strcmp(text, "0") == 0)
			return cJSON_CreateFalse();
		*cause = xasprintf(
		    "param \"%s\": \"%s\" is not true or false", p->name, text);
		return NULL;
	case AF_P_ARRAY:
	case AF_P_OBJECT:
		v = cJSON_Parse(text);
		if (v == NULL || (p->type == AF_P_ARRAY ? !cJSON_IsArray(v)
							: !cJSON_IsObject(v))) {
			cJSON_Delete(v);
			*cause = xasprintf("param \"%s\" takes a JSON %s",
			    p->name, af_ptype_name(p->type));
			return NULL;
		}
		return v;
	case AF_P_ANY:
		break;
	}
	if ((v = cJSON_Parse(text)) != NULL)
		return v;
	return cJSON_CreateString(text);
}

int
af_params_conf_from_form(const struct af_params *ps, const char *const *values,
    char **conf, char **cause)
{
	cJSON *root = cJSON_CreateObject(), *v;
	size_t i;
	char *t;

	*conf = NULL;
	for (i = 0; i < ps->n; i++) {
		if (values[i] == NULL)
			continue;
		if (*values[i] == '\0' && ps->v[i].type != AF_P_STRING)
			continue; /* empty: keep the default */
		if ((v = form_value(&ps->v[i], values[i], cause)) == NULL) {
			cJSON_Delete(root);
			return -1;
		}
		cJSON_AddItemToObject(root, ps->v[i].name, v);
	}
	t = json_text(root);
	cJSON_Delete(root);
	if (af_params_validate(ps, t, cause) != 0) {
		free(t);
		return -1;
	}
	*conf = t;
	return 0;
}
