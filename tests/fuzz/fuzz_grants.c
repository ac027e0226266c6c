/*
 * Fuzz target: a role's grants (core/grants.c) read from a SHOW GRANTS
 * result as the SQL API returns it (the input as the response body, its
 * rows handed to grants_add_row by the columns its rowType names), and
 * from the input cut into rows of 8 NUL-separated cells; then the role
 * hierarchy walked, may() asked about names taken from the input, and the
 * name helpers fed the input. Invariants: the role list never exceeds
 * GRANTS_MAX_ROLES and holds no duplicate (an account and a database
 * role may share a name); a privilege held is may()
 * (and OWNERSHIP implies any privilege); a reason is NULL exactly when
 * may() says yes.
 */

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "grants.h"
#include "json_snowflake.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct fuzz_ctx {
	struct grants *g;
	struct grants_cols cols;
	int have_cols;
};

static int
fuzz_row(const char *const *cells, size_t ncols, void *arg, char **cause)
{
	struct fuzz_ctx *x = arg;

	(void)cause;
	if (x->have_cols)
		grants_add_row(x->g, &x->cols, cells, ncols);
	return 0;
}

static void
fuzz_check(struct grants *g)
{
	const struct grant *e;
	const char *r;
	char *why;
	size_t i, j;

	if (g->nroles > GRANTS_MAX_ROLES)
		abort();
	for (i = 0; i < g->nroles; i++)
		for (j = i + 1; j < g->nroles; j++)
			if (strcmp(g->roles[i], g->roles[j]) == 0 &&
			    g->dbrole[i] == g->dbrole[j])
				abort();
	while ((r = grants_next_role(g)) != NULL) {
		char *sql = grants_role_sql(g);

		if (strncmp(sql, "ROLE ", 5) != 0 &&
		    strncmp(sql, "DATABASE ROLE ", 14) != 0)
			abort();
		free(sql);
	}
	for (i = 0; i < g->n && i < 64; i++) {
		e = &g->v[i];
		/* Names are kept canonical; asking by a canonical name of
		 * plain parts must find the grant. */
		if (strpbrk(e->name, "\"\x1f.") == NULL &&
		    strcmp(e->kind, "ACCOUNT") != 0 && *e->name != '\0' &&
		    !(e->secondary &&
			strncmp(e->privilege, "CREATE ", 7) == 0)) {
			char *q = xasprintf("\"%s\"", e->name);

			if (!grants_may(g, e->privilege, e->kind, q))
				abort();
			free(q);
		}
		why = grants_why_not(g, e->privilege, e->kind, e->name);
		if ((why == NULL) !=
		    grants_may(g, e->privilege, e->kind, e->name))
			abort();
		free(why);
		(void)grants_may_grant(g, e->privilege, e->kind, e->name);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *b = (const char *)data;
	struct sf_result_meta m;
	struct fuzz_ctx x;
	struct grants g;
	const char *cells[8], *names[8];
	char *cause = NULL, *text, *p, *s;
	size_t i, n;

	/* As the SQL API's body: columns from a first parse, rows from a
	 * second. */
	memset(&x, 0, sizeof x);
	grants_init(&g, "FUZZ", 1);
	x.g = &g;
	if (json_sf_result_parse(b, size, &m, NULL, NULL, &cause) == 0) {
		n = m.ncols < 8 ? m.ncols : 8;
		for (i = 0; i < n; i++)
			names[i] = m.cols[i].name;
		if (grants_cols_find(&x.cols, names, n, &cause) == 0)
			x.have_cols = 1;
		else
			free(cause);
		cause = NULL;
		sf_result_meta_free(&m);
		if (json_sf_result_parse(b, size, &m, fuzz_row, &x, &cause) ==
		    0)
			sf_result_meta_free(&m);
	}
	free(cause);
	fuzz_check(&g);
	grants_free(&g);

	/* As rows of 8 NUL-separated cells, the SHOW GRANTS columns. */
	text = xmalloc(size + 1);
	memcpy(text, data, size);
	text[size] = '\0';
	{
		static const char *const cols[] = { "created_on", "privilege",
			"granted_on", "name", "granted_to", "grantee_name",
			"grant_option", "granted_by" };

		grants_init(&g, text, 0);
		if (grants_cols_find(&x.cols, cols, 8, &cause) != 0)
			abort();
		p = text;
		n = 0;
		while (p < text + size) {
			cells[n++] = p;
			p += strlen(p) + 1;
			if (n == 8) {
				grants_add_row(&g, &x.cols, cells, 8);
				n = 0;
			}
		}
		if (n > 0)
			grants_add_row(&g, &x.cols, cells, n);
		fuzz_check(&g);
		(void)grants_may(&g, text, text, text);
		(void)grants_has(&g, "USAGE", "DATABASE", text);
		s = grants_spcs_why_not(&g, 0, text, text, text);
		free(s);
		grants_free(&g);
	}
	/*
	 * Secondary roles from the input as CURRENT_SECONDARY_ROLES()'s
	 * JSON, then the input's rows handed out one per role read (the
	 * invariants hold; a CREATE held only through a secondary role is not
	 * checked against may(), which refuses it).
	 */
	{
		static const char *const cols[] = { "created_on", "privilege",
			"granted_on", "name", "granted_to", "grantee_name",
			"grant_option", "granted_by" };
		char **sec;
		size_t nsec = grants_secondary_parse(text, &sec);

		grants_init(&g, "P", 1);
		grants_add_secondary(&g, (const char *const *)sec, nsec);
		for (i = 0; i < nsec; i++)
			free(sec[i]);
		free(sec);
		if (grants_cols_find(&x.cols, cols, 8, &cause) != 0)
			abort();
		p = text;
		while (grants_next_role(&g) != NULL && p < text + size) {
			for (n = 0; n < 8 && p < text + size; n++) {
				cells[n] = p;
				p += strlen(p) + 1;
			}
			grants_add_row(&g, &x.cols, cells, n);
		}
		fuzz_check(&g);
		grants_free(&g);
	}
	/* The name helpers on the whole input. */
	s = grants_name_norm(text, 1);
	free(s);
	(void)grants_name_eq(text, text);
	for (i = 1; i <= 3; i++) {
		s = grants_name_prefix(text, (int)i);
		free(s);
	}
	free(text);
	return 0;
}
