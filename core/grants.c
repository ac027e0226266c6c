/* The effective privileges of a Snowflake role (see grants.h). Pure. */

#include "grants.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cjson/cJSON.h>

#include "json_snowflake.h"
#include "util.h"

#define GRANTS_SEP '\x1f'

/* Upper case, runs of blanks and '_' as one '_' ("COMPUTE POOL"). */
static char *
grants_kind_norm(const char *kind)
{
	struct buf b;
	const char *p;

	buf_init(&b);
	for (p = kind != NULL ? kind : ""; *p != '\0'; p++) {
		if (*p == ' ' || *p == '_' || *p == '\t') {
			if (b.len > 0 && b.data[b.len - 1] != '_')
				buf_addc(&b, '_');
			continue;
		}
		buf_addc(&b, (char)toupper((unsigned char)*p));
	}
	while (b.len > 0 && b.data[b.len - 1] == '_')
		b.data[--b.len] = '\0';
	return buf_detach(&b);
}

/* Upper case, blanks trimmed and single ("create  database"). */
static char *
grants_priv_norm(const char *priv)
{
	struct buf b;
	const char *p;

	buf_init(&b);
	for (p = priv != NULL ? priv : ""; *p != '\0'; p++) {
		if (isspace((unsigned char)*p)) {
			if (b.len > 0 && b.data[b.len - 1] != ' ')
				buf_addc(&b, ' ');
			continue;
		}
		buf_addc(&b, (char)toupper((unsigned char)*p));
	}
	while (b.len > 0 && b.data[b.len - 1] == ' ')
		b.data[--b.len] = '\0';
	return buf_detach(&b);
}

char *
grants_name_norm(const char *name, int resolve)
{
	struct buf b;
	const char *p;
	int inq = 0;

	buf_init(&b);
	for (p = name != NULL ? name : ""; *p != '\0'; p++) {
		if (*p == '"') {
			if (inq && p[1] == '"') {
				buf_addc(&b, '"');
				p++;
			} else
				inq = !inq;
			continue;
		}
		if (!inq && *p == '.') {
			buf_addc(&b, GRANTS_SEP);
			continue;
		}
		if (!inq && resolve)
			buf_addc(&b, (char)toupper((unsigned char)*p));
		else
			buf_addc(&b, *p);
	}
	return buf_detach(&b);
}

int
grants_name_eq(const char *shown, const char *ident)
{
	char *a, *b;
	int eq;

	if (shown == NULL || ident == NULL)
		return 0;
	a = grants_name_norm(shown, 0);
	b = grants_name_norm(ident, 1);
	eq = strcmp(a, b) == 0;
	free(a);
	free(b);
	return eq;
}

char *
grants_name_prefix(const char *ident, int nparts)
{
	const char *p;
	int inq = 0, seen = 0;

	if (ident == NULL || nparts <= 0)
		return NULL;
	for (p = ident; *p != '\0'; p++) {
		if (*p == '"')
			inq = !inq; /* "" toggles twice: still inside */
		else if (!inq && *p == '.' && ++seen == nparts)
			return xstrndup(ident, (size_t)(p - ident));
	}
	return seen + 1 >= nparts ? xstrdup(ident) : NULL;
}

char *
grants_ident(const char *const *parts, size_t n)
{
	struct buf b;
	size_t i;

	buf_init(&b);
	for (i = 0; i < n; i++) {
		if (i > 0)
			buf_addc(&b, '.');
		sf_ident_append(&b, parts[i] != NULL ? parts[i] : "");
	}
	return buf_detach(&b);
}

void
grants_init(struct grants *g, const char *role, int resolve)
{
	memset(g, 0, sizeof *g);
	g->role = grants_name_norm(role, resolve);
	/* A role is one part: a dot stays a dot. */
	for (char *p = g->role; *p != '\0'; p++)
		if (*p == GRANTS_SEP)
			*p = '.';
	g->roles = xcalloc(1, sizeof *g->roles);
	g->roles[0] = xstrdup(g->role);
	g->dbrole = xcalloc(1, sizeof *g->dbrole);
	g->nroles = 1;
}

void
grants_free(struct grants *g)
{
	size_t i;

	if (g == NULL)
		return;
	for (i = 0; i < g->n; i++) {
		free(g->v[i].privilege);
		free(g->v[i].kind);
		free(g->v[i].name);
	}
	free(g->v);
	for (i = 0; i < g->nroles; i++)
		free(g->roles[i]);
	free(g->roles);
	free(g->dbrole);
	for (i = 0; i < g->nsecondary; i++)
		free(g->secondary[i]);
	free(g->secondary);
	free(g->role);
	memset(g, 0, sizeof *g);
}

void
grants_free_all(struct grants *v, size_t n)
{
	size_t i;

	for (i = 0; v != NULL && i < n; i++)
		grants_free(&v[i]);
	free(v);
}

int
grants_cols_find(
    struct grants_cols *c, const char *const *names, size_t ncols, char **cause)
{
	size_t i;

	c->privilege = c->granted_on = c->name = c->grant_option = -1;
	for (i = 0; i < ncols; i++) {
		if (names[i] == NULL)
			continue;
		if (strcasecmp(names[i], "privilege") == 0)
			c->privilege = (long)i;
		else if (strcasecmp(names[i], "granted_on") == 0)
			c->granted_on = (long)i;
		else if (strcasecmp(names[i], "name") == 0)
			c->name = (long)i;
		else if (strcasecmp(names[i], "grant_option") == 0)
			c->grant_option = (long)i;
	}
	if (c->privilege < 0 || c->granted_on < 0 || c->name < 0) {
		*cause = xstrdup("the SHOW GRANTS result has no privilege, "
				 "granted_on or name column");
		return -1;
	}
	return 0;
}

static const char *
grants_cell(const char *const *cells, size_t ncols, long col)
{
	if (col < 0 || (size_t)col >= ncols)
		return NULL;
	return cells[col];
}

/*
 * Queues a role (as SHOW prints it) to be read, unless known: an account
 * role (one part: a dot stays a dot) or a database role (DB.ROLE, kept
 * as its canonical parts).
 */
static void
grants_queue_role(struct grants *g, const char *shown, int database_role)
{
	char *r = grants_name_norm(shown, 0);
	size_t i;

	if (!database_role)
		for (char *p = r; *p != '\0'; p++)
			if (*p == GRANTS_SEP)
				*p = '.';
	for (i = 0; i < g->nroles; i++) {
		if (strcmp(g->roles[i], r) == 0 &&
		    g->dbrole[i] == database_role) {
			free(r);
			return;
		}
	}
	if (*r == '\0' || g->nroles >= GRANTS_MAX_ROLES) {
		if (*r != '\0')
			g->capped = 1;
		free(r);
		return;
	}
	g->roles = xreallocarray(g->roles, g->nroles + 1, sizeof *g->roles);
	g->dbrole = xreallocarray(g->dbrole, g->nroles + 1, sizeof *g->dbrole);
	g->dbrole[g->nroles] = (unsigned char)(database_role != 0);
	g->roles[g->nroles++] = r;
}

static void
grants_push(struct grants *g, char *priv, char *kind, char *name, int opt)
{
	struct grant *e;

	if (g->n >= GRANTS_MAX_ROWS) {
		g->capped = 1;
		free(priv);
		free(kind);
		free(name);
		return;
	}
	g->v = xreallocarray(g->v, g->n + 1, sizeof *g->v);
	e = &g->v[g->n++];
	e->privilege = priv;
	e->kind = kind;
	e->name = name;
	e->grant_option = opt;
	/* Read through a secondary role: roles[next - 1] is being read. */
	e->secondary = g->primary_end > 0 && g->next > g->primary_end;
}

void
grants_add_row(struct grants *g, const struct grants_cols *c,
    const char *const *cells, size_t ncols)
{
	const char *pv = grants_cell(cells, ncols, c->privilege);
	const char *on = grants_cell(cells, ncols, c->granted_on);
	const char *nm = grants_cell(cells, ncols, c->name);
	const char *go = grants_cell(cells, ncols, c->grant_option);
	char *priv, *kind;

	if (pv == NULL || on == NULL || *pv == '\0' || *on == '\0')
		return;
	priv = grants_priv_norm(pv);
	kind = grants_kind_norm(on);
	if ((strcmp(kind, "ROLE") == 0 || strcmp(kind, "DATABASE_ROLE") == 0) &&
	    strcmp(priv, "USAGE") == 0 && nm != NULL)
		grants_queue_role(g, nm, strcmp(kind, "DATABASE_ROLE") == 0);
	grants_push(g, priv, kind,
	    strcmp(kind, "ACCOUNT") == 0 ? xstrdup("")
					 : grants_name_norm(nm, 0),
	    go != NULL && strcasecmp(go, "true") == 0);
}

void
grants_add(struct grants *g, const char *privilege, const char *kind,
    const char *name, int grant_option)
{
	char *k = grants_kind_norm(kind);

	grants_push(g, grants_priv_norm(privilege), k,
	    strcmp(k, "ACCOUNT") == 0 || name == NULL
		? xstrdup("")
		: grants_name_norm(name, 1),
	    grant_option);
}

void
grants_add_secondary(struct grants *g, const char *const *roles, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (roles[i] == NULL || *roles[i] == '\0')
			continue;
		g->secondary = xreallocarray(
		    g->secondary, g->nsecondary + 1, sizeof *g->secondary);
		g->secondary[g->nsecondary++] = xstrdup(roles[i]);
	}
}

size_t
grants_secondary_parse(const char *json, char ***roles)
{
	cJSON *root;
	const cJSON *r;
	const char *p, *e;
	size_t n = 0;

	*roles = NULL;
	if (json == NULL || (root = cJSON_Parse(json)) == NULL)
		return 0;
	r = cJSON_GetObjectItemCaseSensitive(root, "roles");
	if (cJSON_IsString(r)) {
		for (p = r->valuestring; *p != '\0';
		     p = *e != '\0' ? e + 1 : e) {
			e = strchr(p, ',');
			if (e == NULL)
				e = p + strlen(p);
			while (p < e && *p == ' ')
				p++;
			if (e > p && n < GRANTS_MAX_ROLES) {
				*roles = xreallocarray(
				    *roles, n + 1, sizeof **roles);
				(*roles)[n++] = xstrndup(p, (size_t)(e - p));
			}
		}
	}
	cJSON_Delete(root);
	return n;
}

char *
grants_role_sql(const struct grants *g)
{
	const char *role, *p, *e;
	struct buf b;

	if (g->next == 0)
		return NULL;
	role = g->roles[g->next - 1];
	buf_init(&b);
	if (!g->dbrole[g->next - 1]) {
		buf_adds(&b, "ROLE ");
		sf_ident_append(&b, role);
		return buf_detach(&b);
	}
	buf_adds(&b, "DATABASE ROLE ");
	for (p = role;; p = e + 1) {
		char *part;

		e = strchr(p, GRANTS_SEP);
		part = xstrndup(p, e != NULL ? (size_t)(e - p) : strlen(p));
		if (p != role)
			buf_addc(&b, '.');
		sf_ident_append(&b, part);
		free(part);
		if (e == NULL)
			break;
	}
	return buf_detach(&b);
}

const char *
grants_next_role(struct grants *g)
{
	size_t i;

	/* The primary hierarchy is read: the secondary roles come next. */
	if (g->next >= g->nroles && g->primary_end == 0 && g->nsecondary > 0) {
		g->primary_end = g->nroles;
		for (i = 0; i < g->nsecondary; i++)
			grants_queue_role(g, g->secondary[i], 0);
	}
	if (g->next >= g->nroles)
		return NULL;
	return g->roles[g->next++];
}

/* The first grant of priv (NULL: any) on kind/name (canonical). */
static const struct grant *
grants_find(const struct grants *g, const char *priv, const char *kind,
    const char *name, int need_option, int primary_only)
{
	const struct grant *e;
	size_t i;
	int account = strcmp(kind, "ACCOUNT") == 0;

	for (i = 0; i < g->n; i++) {
		e = &g->v[i];
		if (primary_only && e->secondary)
			continue;
		if (strcmp(e->kind, kind) != 0 ||
		    (priv != NULL && strcmp(e->privilege, priv) != 0))
			continue;
		if (!account && strcmp(e->name, name) != 0)
			continue;
		if (need_option && !e->grant_option)
			continue;
		return e;
	}
	return NULL;
}

/* How the checks see their arguments. */
struct grants_q {
	char *priv, *kind, *name;
};

static void
grants_q_init(struct grants_q *q, const char *privilege, const char *kind,
    const char *name)
{
	q->priv = grants_priv_norm(privilege);
	q->kind = grants_kind_norm(kind);
	q->name = strcmp(q->kind, "ACCOUNT") == 0 || name == NULL
		      ? xstrdup("")
		      : grants_name_norm(name, 1);
}

static void
grants_q_free(struct grants_q *q)
{
	free(q->priv);
	free(q->kind);
	free(q->name);
}

int
grants_has(const struct grants *g, const char *privilege, const char *kind,
    const char *name)
{
	struct grants_q q;
	int ok;

	grants_q_init(&q, privilege, kind, name);
	ok = grants_find(g, q.priv, q.kind, q.name, 0, 1) != NULL;
	grants_q_free(&q);
	return ok;
}

int
grants_may(const struct grants *g, const char *privilege, const char *kind,
    const char *name)
{
	struct grants_q q;
	int ok, primary;

	grants_q_init(&q, privilege, kind, name);
	/* Creating objects is the primary role's alone. */
	primary = strncmp(q.priv, "CREATE ", 7) == 0;
	ok = grants_find(g, q.priv, q.kind, q.name, 0, primary) != NULL ||
	     grants_find(g, "OWNERSHIP", q.kind, q.name, 0, primary) != NULL;
	grants_q_free(&q);
	return ok;
}

int
grants_may_grant(const struct grants *g, const char *privilege,
    const char *kind, const char *name)
{
	struct grants_q q;
	int ok;

	grants_q_init(&q, privilege, kind, name);
	ok = grants_find(g, "MANAGE GRANTS", "ACCOUNT", "", 0, 0) != NULL ||
	     (strcmp(q.kind, "ACCOUNT") != 0 &&
		 grants_find(g, "OWNERSHIP", q.kind, q.name, 0, 0) != NULL) ||
	     grants_find(g, q.priv, q.kind, q.name, 1, 0) != NULL;
	grants_q_free(&q);
	return ok;
}

char *
grants_why_not(const struct grants *g, const char *privilege, const char *kind,
    const char *name)
{
	struct buf role;
	char *k, *lk, *p, *out;
	int account;

	if (grants_may(g, privilege, kind, name))
		return NULL;
	k = grants_kind_norm(kind);
	for (p = k; *p != '\0'; p++)
		if (*p == '_')
			*p = ' ';
	lk = xstrdup(k);
	for (p = lk; *p != '\0'; p++)
		*p = (char)tolower((unsigned char)*p);
	p = grants_priv_norm(privilege);
	account = strcmp(k, "ACCOUNT") == 0;
	buf_init(&role);
	sf_ident_append(&role, g->role);
	out = xasprintf("role %s lacks %s on %s%s%s (SHOW GRANTS%s); ask an "
			"admin: GRANT %s ON %s%s%s TO ROLE %s",
	    role.data, p, lk, account ? "" : " ",
	    account || name == NULL ? "" : name,
	    g->capped ? ", hierarchy cut short" : "", p, k, account ? "" : " ",
	    account || name == NULL ? "" : name, role.data);
	buf_free(&role);
	free(p);
	free(k);
	free(lk);
	return out;
}

char *
grants_spcs_why_not(const struct grants *g, int pool, const char *db,
    const char *schema, const char *name)
{
	const char *parts[3];
	char *ident, *why;

	if (pool) {
		parts[0] = name;
		ident = grants_ident(parts, 1);
	} else {
		parts[0] = db;
		parts[1] = schema;
		parts[2] = name;
		ident = grants_ident(parts, 3);
	}
	why = grants_why_not(
	    g, "OPERATE", pool ? "COMPUTE POOL" : "SERVICE", ident);
	free(ident);
	return why;
}
