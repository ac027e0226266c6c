/* The trigger form as text (params_form.h). */

#include "params_form.h"

#include <stdlib.h>
#include <string.h>

#include "params.h"
#include "sanitize.h"
#include "util.h"

#define PF_CHECKBOX "unpause the DAG first"

/* Appends s sanitized, on one line. */
static void
pf_add(struct buf *b, const char *s)
{
	sanitize_append(b, s, strlen(s), 0);
}

/* A default or enum value as typed: strings without their quotes. */
static void
pf_add_value(struct buf *b, const char *json)
{
	size_t n = strlen(json);

	if (n >= 2 && json[0] == '"' && json[n - 1] == '"' &&
	    memchr(json + 1, '"', n - 2) == NULL &&
	    memchr(json + 1, '\\', n - 2) == NULL)
		sanitize_append(b, json + 1, n - 2, 0);
	else
		sanitize_append(b, json, n, 0);
}

char *
af_params_form_text(const struct af_params *ps, int paused)
{
	struct buf b;
	const struct af_param *p;
	size_t i, k;

	buf_init(&b);
	buf_adds(&b, "# one line per param: name = value; empty keeps the "
		     "default\n");
	for (i = 0; i < ps->n; i++) {
		p = &ps->v[i];
		buf_adds(&b, "# ");
		pf_add(&b, p->name);
		buf_printf(&b, "  %s", af_ptype_name(p->type));
		if (p->required)
			buf_adds(&b, ", required");
		if (p->nenum > 0) {
			buf_adds(&b, ", one of ");
			for (k = 0; k < p->nenum; k++) {
				if (k > 0)
					buf_adds(&b, " | ");
				pf_add(&b, p->enums[k]);
			}
		}
		if (p->has_min)
			buf_printf(&b, ", min %g", p->min);
		if (p->has_max)
			buf_printf(&b, ", max %g", p->max);
		if (p->default_json != NULL) {
			buf_adds(&b, "; default ");
			pf_add(&b, p->default_json);
		}
		if (p->description != NULL) {
			buf_adds(&b, ". ");
			pf_add(&b, p->description);
		}
		buf_addc(&b, '\n');
		pf_add(&b, p->name);
		buf_adds(&b, " = ");
		if (p->default_json != NULL && strcmp(p->default_json, "null"))
			pf_add_value(&b, p->default_json);
		buf_addc(&b, '\n');
	}
	if (paused)
		buf_adds(&b, "[ ] " PF_CHECKBOX " (it is paused: put an x in "
			     "the box)\n");
	return buf_detach(&b);
}

void
af_params_form_values_free(char **values, size_t n)
{
	size_t i;

	if (values == NULL)
		return;
	for (i = 0; i < n; i++)
		free(values[i]);
	free(values);
}

static int
pf_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

int
af_params_form_parse(const struct af_params *ps, const char *text, size_t len,
    char ***values, int *unpause, char **cause)
{
	char **v = xcalloc(ps->n + 1, sizeof *v);
	char *seen = xcalloc(ps->n + 1, 1);
	const char *p = text, *end = text + len, *eol, *eq, *a, *z;
	size_t i, lineno = 0, nlen;

	*unpause = 0;
	while (p < end) {
		lineno++;
		eol = memchr(p, '\n', (size_t)(end - p));
		if (eol == NULL)
			eol = end;
		a = p;
		z = eol;
		p = eol < end ? eol + 1 : end;
		while (a < z && pf_space(*a))
			a++;
		while (z > a && pf_space(z[-1]))
			z--;
		if (a == z || *a == '#')
			continue;
		if (*a == '[') {
			/* The checkbox: "[x] unpause …". */
			if (z - a >= 3 && a[2] == ']' &&
			    (a[1] == 'x' || a[1] == 'X'))
				*unpause = 1;
			else if (!(z - a >= 3 && a[2] == ']' && a[1] == ' ')) {
				*cause = xasprintf("line %zu: a checkbox is "
						   "\"[ ]\" or \"[x]\"",
				    lineno);
				goto fail;
			}
			continue;
		}
		eq = memchr(a, '=', (size_t)(z - a));
		if (eq == NULL) {
			*cause = xasprintf(
			    "line %zu: expected \"name = value\"", lineno);
			goto fail;
		}
		nlen = (size_t)(eq - a);
		while (nlen > 0 && pf_space(a[nlen - 1]))
			nlen--;
		for (i = 0; i < ps->n; i++)
			if (strlen(ps->v[i].name) == nlen &&
			    memcmp(ps->v[i].name, a, nlen) == 0)
				break;
		if (i == ps->n) {
			char *n = sanitize_dup(a, nlen, 0);

			*cause = xasprintf(
			    "line %zu: the DAG has no param \"%s\"", lineno, n);
			free(n);
			goto fail;
		}
		if (seen[i]) {
			*cause = xasprintf("line %zu: %s is given twice",
			    lineno, ps->v[i].name);
			goto fail;
		}
		seen[i] = 1;
		eq++;
		while (eq < z && pf_space(*eq))
			eq++;
		if (eq < z)
			v[i] = xstrndup(eq, (size_t)(z - eq));
	}
	free(seen);
	*values = v;
	return 0;
fail:
	free(seen);
	af_params_form_values_free(v, ps->n);
	return -1;
}
