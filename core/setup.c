/* The seed's Snowflake setup as a plan (see setup.h). Pure. */

#include "setup.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "grants.h"
#include "util.h"

void
setup_params_defaults(struct setup_params *p)
{
	memset(p, 0, sizeof *p);
	p->admin_role = "SYSADMIN";
	p->database = "DEMO";
	p->schema = "DEMO";
	p->xcom_database = "DEMO";
	p->xcom_schema = "XCOM";
	p->xcom_table = "XCOM_TABLE";
	p->xcom_stage = "XCOM_STAGE";
	p->warehouse_size = "XSMALL";
	p->compute_pool = "SISSYG";
	p->instance_family = "CPU_X64_XS";
	p->pool_min_nodes = 1;
	p->pool_max_nodes = 1;
	p->image_repository = "SISSYG";
}

void
setup_params_xcom(struct setup_params *p, const char *table, const char *stage,
    char *parts[4])
{
	const char *dot1, *dot2;

	if (table == NULL)
		return;
	dot1 = strchr(table, '.');
	dot2 = dot1 != NULL ? strchr(dot1 + 1, '.') : NULL;
	if (dot1 == NULL || dot2 == NULL || strchr(dot2 + 1, '.') != NULL)
		return;
	parts[0] = xstrndup(table, (size_t)(dot1 - table));
	parts[1] = xstrndup(dot1 + 1, (size_t)(dot2 - dot1 - 1));
	parts[2] = xstrdup(dot2 + 1);
	p->xcom_database = parts[0];
	p->xcom_schema = parts[1];
	p->xcom_table = parts[2];
	if (stage != NULL && (dot1 = strrchr(stage, '.')) != NULL &&
	    dot1[1] != '\0') {
		parts[3] = xstrdup(dot1 + 1);
		p->xcom_stage = parts[3];
	}
}

int
sql_ident(struct buf *b, const char *name)
{
	const char *p;
	int plain;

	if (name == NULL || *name == '\0')
		return -1;
	plain = isalpha((unsigned char)*name) || *name == '_';
	for (p = name; *p != '\0'; p++) {
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			return -1;
		if (!isalnum((unsigned char)*p) && *p != '_' && *p != '$')
			plain = 0;
	}
	if (plain) {
		for (p = name; *p != '\0'; p++)
			buf_addc(b, (char)toupper((unsigned char)*p));
		return 0;
	}
	buf_addc(b, '"');
	for (p = name; *p != '\0'; p++) {
		if (*p == '"')
			buf_addc(b, '"');
		buf_addc(b, *p);
	}
	buf_addc(b, '"');
	return 0;
}

void
sql_string(struct buf *b, const char *s)
{
	buf_addc(b, '\'');
	for (; *s != '\0'; s++) {
		if (*s == '\'' || *s == '\\')
			buf_addc(b, *s);
		buf_addc(b, *s);
	}
	buf_addc(b, '\'');
}

/* Builder state: the plan so far and the first bad name. */
struct setup_builder {
	struct setup_plan *plan;
	const struct setup_params *p;
	char *bad; /* the first name sql_ident refused */
	char *grants_probe;
};

/* An identifier as a new string ("" and a note in sb->bad when invalid). */
static char *
sb_ident(struct setup_builder *sb, const char *what, const char *name)
{
	struct buf b;

	buf_init(&b);
	if (sql_ident(&b, name) != 0) {
		if (sb->bad == NULL)
			sb->bad = xasprintf("the %s name \"%s\" is empty or "
					    "holds control characters",
			    what, name != NULL ? name : "");
		buf_adds(&b, "?");
	}
	return buf_detach(&b);
}

static struct setup_step *
sb_add(struct setup_builder *sb, enum setup_kind kind, const char *object,
    const char *role)
{
	struct setup_plan *pl = sb->plan;
	struct setup_step *s;

	pl->v = xreallocarray(pl->v, pl->n + 1, sizeof *pl->v);
	s = &pl->v[pl->n++];
	memset(s, 0, sizeof *s);
	s->kind = kind;
	s->object = xstrdup(object);
	s->role = xstrdup(role);
	return s;
}

/* A SHOW … LIKE '<name>' [IN …] probe for an object's existence. */
static void
sb_probe_like(
    struct setup_step *s, const char *show, const char *name, const char *in)
{
	struct buf b;

	buf_init(&b);
	buf_printf(&b, "SHOW %s LIKE ", show);
	sql_string(&b, name);
	if (in != NULL)
		buf_printf(&b, " IN %s", in);
	s->probe_sql = buf_detach(&b);
	s->probe_name = xstrdup(name);
}

/* A grant step, unless the same grant is already in the plan. */
static void
sb_grant(struct setup_builder *sb, const char *privileges,
    const char *granted_on, const char *object, const char *role_ident)
{
	struct setup_step *s;
	char *obj;
	size_t i;

	obj = *object != '\0'
		  ? xasprintf("%s on %s %s", privileges, granted_on, object)
		  : xasprintf("%s on %s", privileges, granted_on);
	for (i = 0; i < sb->plan->n; i++) {
		s = &sb->plan->v[i];
		if (s->kind == SETUP_GRANT &&
		    strcmp(s->probe_privileges, privileges) == 0 &&
		    strcmp(s->object, obj) == 0) {
			free(obj);
			return;
		}
	}
	s = sb_add(sb, SETUP_GRANT, obj, sb->p->admin_role);
	free(obj);
	s->sql = xasprintf("GRANT %s ON %s%s%s TO ROLE %s", privileges,
	    granted_on, *object != '\0' ? " " : "", object, role_ident);
	s->probe_sql = xstrdup(sb->grants_probe);
	s->grantee = xstrdup(role_ident);
	s->probe_privileges = xstrdup(privileges);
	s->probe_granted_on = xstrdup(granted_on);
	/* SHOW GRANTS names account-level grants by the account: any name. */
	s->probe_name =
	    strcmp(granted_on, "ACCOUNT") == 0 ? NULL : xstrdup(object);
}

static void
sb_database(struct setup_builder *sb, const char *db_ident)
{
	struct setup_step *s;
	size_t i;

	for (i = 0; i < sb->plan->n; i++) {
		if (sb->plan->v[i].kind == SETUP_DATABASE &&
		    strcmp(sb->plan->v[i].object, db_ident) == 0)
			return;
	}
	s = sb_add(sb, SETUP_DATABASE, db_ident, sb->p->admin_role);
	s->sql = xasprintf("CREATE DATABASE IF NOT EXISTS %s", db_ident);
	sb_probe_like(s, "DATABASES", db_ident, NULL);
}

static void
sb_schema(
    struct setup_builder *sb, const char *db_ident, const char *schema_ident)
{
	struct setup_step *s;
	char *fq = xasprintf("%s.%s", db_ident, schema_ident);
	char *in = xasprintf("DATABASE %s", db_ident);
	size_t i;

	for (i = 0; i < sb->plan->n; i++) {
		if (sb->plan->v[i].kind == SETUP_SCHEMA &&
		    strcmp(sb->plan->v[i].object, fq) == 0)
			goto out;
	}
	s = sb_add(sb, SETUP_SCHEMA, fq, sb->p->admin_role);
	s->sql = xasprintf("CREATE SCHEMA IF NOT EXISTS %s", fq);
	sb_probe_like(s, "SCHEMAS", schema_ident, in);
out:
	free(fq);
	free(in);
}

int
setup_plan_build(
    const struct setup_params *p, struct setup_plan *out, char **cause)
{
	struct setup_builder sb;
	struct setup_step *s;
	char *role, *db, *sc, *xdb, *xsc, *tbl, *stg, *fq_schema, *fq_xschema;
	char *fq_table, *fq_stage, *in_x, *wh = NULL, *pool = NULL;
	char *repo = NULL, *fq_repo = NULL;
	const char *replace;

	memset(out, 0, sizeof *out);
	if (p->user_role == NULL || *p->user_role == '\0') {
		*cause =
		    xstrdup("setup needs the role to grant to: set role in "
			    "the Snowflake connection or pass --user-role");
		return -1;
	}
	if (p->admin_role == NULL || *p->admin_role == '\0') {
		*cause =
		    xstrdup("setup needs an admin role with CREATE DATABASE "
			    "(--admin-role, default SYSADMIN)");
		return -1;
	}
	memset(&sb, 0, sizeof sb);
	sb.plan = out;
	sb.p = p;
	role = sb_ident(&sb, "user role", p->user_role);
	free(sb_ident(&sb, "admin role", p->admin_role));
	sb.grants_probe = xasprintf("SHOW GRANTS TO ROLE %s", role);
	db = sb_ident(&sb, "database", p->database);
	sc = sb_ident(&sb, "schema", p->schema);
	xdb = sb_ident(&sb, "XCom database", p->xcom_database);
	xsc = sb_ident(&sb, "XCom schema", p->xcom_schema);
	tbl = sb_ident(&sb, "XCom table", p->xcom_table);
	stg = sb_ident(&sb, "XCom stage", p->xcom_stage);
	fq_schema = xasprintf("%s.%s", db, sc);
	fq_xschema = xasprintf("%s.%s", xdb, xsc);
	fq_table = xasprintf("%s.%s", fq_xschema, tbl);
	fq_stage = xasprintf("%s.%s", fq_xschema, stg);
	in_x = xasprintf("SCHEMA %s", fq_xschema);

	/* setup_snowflake.py: database, schema and the user role's grants. */
	sb_database(&sb, db);
	sb_schema(&sb, db, sc);
	sb_grant(&sb, "USAGE", "DATABASE", db, role);
	sb_grant(&sb, "USAGE", "SCHEMA", fq_schema, role);
	sb_grant(&sb, "CREATE SCHEMA", "DATABASE", db, role);
	sb_grant(&sb, "CREATE TABLE", "SCHEMA", fq_schema, role);
	sb_grant(&sb, "CREATE VIEW", "SCHEMA", fq_schema, role);
	sb_grant(&sb, "CREATE STAGE", "SCHEMA", fq_schema, role);

	if (p->warehouse != NULL && *p->warehouse != '\0') {
		wh = sb_ident(&sb, "warehouse", p->warehouse);
		s = sb_add(&sb, SETUP_WAREHOUSE, wh, p->admin_role);
		s->sql = xasprintf("CREATE WAREHOUSE IF NOT EXISTS %s "
				   "WAREHOUSE_SIZE = %s AUTO_SUSPEND = 60 "
				   "AUTO_RESUME = TRUE INITIALLY_SUSPENDED = "
				   "TRUE",
		    wh,
		    p->warehouse_size != NULL ? p->warehouse_size : "XSMALL");
		sb_probe_like(s, "WAREHOUSES", wh, NULL);
		sb_grant(&sb, "USAGE", "WAREHOUSE", wh, role);
	}

	/* snowflake_xcom_backend.py: the XCom stage and table. */
	sb_database(&sb, xdb);
	sb_schema(&sb, xdb, xsc);
	sb_grant(&sb, "USAGE", "DATABASE", xdb, role);
	sb_grant(&sb, "USAGE", "SCHEMA", fq_xschema, role);
	sb_grant(&sb, "CREATE TABLE", "SCHEMA", fq_xschema, role);
	replace = p->replace_xcom ? "CREATE OR REPLACE" : "CREATE";
	s = sb_add(&sb, SETUP_STAGE, fq_stage, p->admin_role);
	s->sql = xasprintf("%s STAGE %s%s DIRECTORY = (ENABLE = TRUE) "
			   "ENCRYPTION = (TYPE = 'SNOWFLAKE_SSE')",
	    replace, p->replace_xcom ? "" : "IF NOT EXISTS ", fq_stage);
	s->destructive = p->replace_xcom;
	sb_probe_like(s, "STAGES", stg, in_x);
	s = sb_add(&sb, SETUP_TABLE, fq_table, p->admin_role);
	s->sql = xasprintf("%s TABLE %s%s (dag_id varchar NOT NULL, task_id "
			   "varchar NOT NULL, run_id varchar NOT NULL, "
			   "multi_index integer NOT NULL, key varchar NOT "
			   "NULL, value_type varchar NOT NULL, value varchar "
			   "NOT NULL)",
	    replace, p->replace_xcom ? "" : "IF NOT EXISTS ", fq_table);
	s->destructive = p->replace_xcom;
	sb_probe_like(s, "TABLES", tbl, in_x);
	sb_grant(&sb, "SELECT,INSERT,UPDATE", "TABLE", fq_table, role);
	sb_grant(&sb, "READ,WRITE", "STAGE", fq_stage, role);

	/* The containers demo's README steps 6a and 11. */
	if (p->containers) {
		sb_grant(&sb, "CREATE COMPUTE POOL", "ACCOUNT", "", role);
		sb_grant(
		    &sb, "CREATE IMAGE REPOSITORY", "SCHEMA", fq_schema, role);
		sb_grant(&sb, "CREATE SERVICE", "SCHEMA", fq_schema, role);
		pool = sb_ident(&sb, "compute pool", p->compute_pool);
		s = sb_add(&sb, SETUP_COMPUTE_POOL, pool, p->user_role);
		s->sql = xasprintf("CREATE COMPUTE POOL IF NOT EXISTS %s "
				   "MIN_NODES = %d MAX_NODES = %d "
				   "INSTANCE_FAMILY = %s",
		    pool, p->pool_min_nodes > 0 ? p->pool_min_nodes : 1,
		    p->pool_max_nodes > 0 ? p->pool_max_nodes : 1,
		    p->instance_family != NULL ? p->instance_family
					       : "CPU_X64_XS");
		sb_probe_like(s, "COMPUTE POOLS", pool, NULL);
		repo = sb_ident(&sb, "image repository", p->image_repository);
		fq_repo = xasprintf("%s.%s", fq_schema, repo);
		s = sb_add(&sb, SETUP_IMAGE_REPOSITORY, fq_repo, p->user_role);
		s->sql = xasprintf(
		    "CREATE IMAGE REPOSITORY IF NOT EXISTS %s", fq_repo);
		free(in_x);
		in_x = xasprintf("SCHEMA %s", fq_schema);
		sb_probe_like(s, "IMAGE REPOSITORIES", repo, in_x);
	}

	free(role);
	free(db);
	free(sc);
	free(xdb);
	free(xsc);
	free(tbl);
	free(stg);
	free(fq_schema);
	free(fq_xschema);
	free(fq_table);
	free(fq_stage);
	free(in_x);
	free(wh);
	free(pool);
	free(repo);
	free(fq_repo);
	free(sb.grants_probe);
	if (sb.bad != NULL) {
		*cause = sb.bad;
		setup_plan_free(out);
		return -1;
	}
	return 0;
}

void
setup_plan_free(struct setup_plan *pl)
{
	size_t i;
	struct setup_step *s;

	for (i = 0; i < pl->n; i++) {
		s = &pl->v[i];
		free(s->object);
		free(s->role);
		free(s->sql);
		free(s->probe_sql);
		free(s->probe_name);
		free(s->probe_privileges);
		free(s->probe_granted_on);
		free(s->error);
		free(s->grantee);
		free(s->denied);
	}
	free(pl->v);
	memset(pl, 0, sizeof *pl);
}

static long
rows_col(const struct setup_rows *r, const char *name)
{
	size_t i;

	for (i = 0; i < r->ncols; i++) {
		if (r->cols[i] != NULL && strcasecmp(r->cols[i], name) == 0)
			return (long)i;
	}
	return -1;
}

static const char *
rows_cell(const struct setup_rows *r, size_t row, long col)
{
	if (col < 0)
		return NULL;
	return r->cells[row * r->ncols + (size_t)col];
}

/*
 * Whether the privileges of a grant step are all there: the SHOW GRANTS
 * rows read as grants.c reads them (names compared part by part, quoted
 * or not; COMPUTE_POOL and COMPUTE POOL alike), each privilege exactly.
 */
static int
grant_present(const struct setup_step *s, const struct setup_rows *r)
{
	struct grants g;
	struct grants_cols c;
	char *privs, *tok, *save = NULL, *cause = NULL;
	size_t i;
	int all = 1;

	if (grants_cols_find(&c, r->cols, r->ncols, &cause) != 0) {
		free(cause);
		return 0;
	}
	grants_init(&g, "", 0);
	for (i = 0; i < r->nrows; i++)
		grants_add_row(&g, &c, &r->cells[i * r->ncols], r->ncols);
	privs = xstrdup(s->probe_privileges);
	for (tok = strtok_r(privs, ",", &save); tok != NULL;
	     tok = strtok_r(NULL, ",", &save))
		if (!grants_has(&g, tok, s->probe_granted_on, s->probe_name))
			all = 0;
	free(privs);
	grants_free(&g);
	return all;
}

void
setup_plan_probe(
    struct setup_plan *pl, const char *probe_sql, const struct setup_rows *r)
{
	struct setup_step *s;
	long cn = rows_col(r, "name");
	size_t i, j;
	int exists;

	for (i = 0; i < pl->n; i++) {
		s = &pl->v[i];
		if (s->probe_sql == NULL ||
		    strcmp(s->probe_sql, probe_sql) != 0)
			continue;
		if (s->status == SETUP_DONE || s->status == SETUP_FAILED)
			continue;
		if (s->kind == SETUP_GRANT)
			exists = grant_present(s, r);
		else {
			exists = 0;
			for (j = 0; j < r->nrows && !exists; j++)
				exists = grants_name_eq(
				    rows_cell(r, j, cn), s->probe_name);
		}
		if (exists)
			s->status =
			    s->destructive ? SETUP_REPLACE : SETUP_EXISTS;
		else
			s->status = SETUP_CREATE;
	}
}

void
setup_plan_counts(const struct setup_plan *pl, size_t *to_run, size_t *skipped)
{
	size_t i;

	*to_run = *skipped = 0;
	for (i = 0; i < pl->n; i++) {
		switch (pl->v[i].status) {
		case SETUP_EXISTS:
		case SETUP_DONE:
			(*skipped)++;
			break;
		case SETUP_UNKNOWN:
		case SETUP_CREATE:
		case SETUP_REPLACE:
		case SETUP_FAILED:
			(*to_run)++;
			break;
		}
	}
}

int
setup_step_runs(const struct setup_step *s)
{
	return s->status == SETUP_UNKNOWN || s->status == SETUP_CREATE ||
	       s->status == SETUP_REPLACE;
}

size_t
setup_plan_roles(const struct setup_plan *pl, const char ***roles)
{
	size_t i, j, n = 0;

	*roles = xcalloc(pl->n + 1, sizeof **roles);
	for (i = 0; i < pl->n; i++) {
		if (!setup_step_runs(&pl->v[i]))
			continue;
		for (j = 0; j < n; j++)
			if (strcmp((*roles)[j], pl->v[i].role) == 0)
				break;
		if (j == n)
			(*roles)[n++] = pl->v[i].role;
	}
	return n;
}

/* The planned effects for one role: what it will own or be granted. */
struct setup_overlay {
	struct grants *v;
	size_t n;
};

static int
role_is(const struct grants *g, const char *role_ident)
{
	struct grants probe;
	int eq;

	grants_init(&probe, role_ident, 1);
	eq = strcmp(probe.role, g->role) == 0;
	grants_free(&probe);
	return eq;
}

static const struct grants *
set_of(const struct grants *sets, size_t n, const char *role)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (role_is(&sets[i], role))
			return &sets[i];
	return NULL;
}

static struct grants *
overlay_of(struct setup_overlay *o, const char *role)
{
	size_t i;

	for (i = 0; i < o->n; i++)
		if (role_is(&o->v[i], role))
			return &o->v[i];
	o->v = xreallocarray(o->v, o->n + 1, sizeof *o->v);
	grants_init(&o->v[o->n], role, 1);
	return &o->v[o->n++];
}

static const char *
kind_grant_word(enum setup_kind k)
{
	static const char *const w[] = { "DATABASE", "SCHEMA", "WAREHOUSE",
		"TABLE", "STAGE", "COMPUTE POOL", "IMAGE REPOSITORY", "?" };

	return (size_t)k < nitems(w) ? w[k] : "?";
}

/* The first privilege the step's role lacks, as a sentence; NULL: none. */
static char *
step_denied(const struct setup_step *s, const struct grants *g,
    const struct grants *planned)
{
	const char *kind = kind_grant_word(s->kind);
	char *db = NULL, *sc = NULL, *why = NULL, *create, *privs, *tok;
	char *save = NULL;
	struct {
		const char *priv, *kind;
		const char *name;
	} need[4];
	size_t i, nneed = 0;

	switch (s->kind) {
	case SETUP_DATABASE:
	case SETUP_WAREHOUSE:
	case SETUP_COMPUTE_POOL:
		create = xasprintf("CREATE %s", kind);
		if (!grants_may(g, create, "ACCOUNT", NULL) &&
		    !grants_may(planned, create, "ACCOUNT", NULL))
			why = grants_why_not(g, create, "ACCOUNT", NULL);
		free(create);
		return why;
	case SETUP_SCHEMA:
	case SETUP_TABLE:
	case SETUP_STAGE:
	case SETUP_IMAGE_REPOSITORY:
		db = grants_name_prefix(s->object, 1);
		create = xasprintf("CREATE %s", kind);
		if (s->kind == SETUP_SCHEMA) {
			need[nneed].priv = create;
			need[nneed].kind = "DATABASE";
			need[nneed++].name = db;
		} else {
			sc = grants_name_prefix(s->object, 2);
			need[nneed].priv = "USAGE";
			need[nneed].kind = "DATABASE";
			need[nneed++].name = db;
			need[nneed].priv = "USAGE";
			need[nneed].kind = "SCHEMA";
			need[nneed++].name = sc;
			need[nneed].priv = create;
			need[nneed].kind = "SCHEMA";
			need[nneed++].name = sc;
			if (s->status == SETUP_REPLACE) {
				need[nneed].priv = "OWNERSHIP";
				need[nneed].kind = kind;
				need[nneed++].name = s->object;
			}
		}
		for (i = 0; i < nneed && why == NULL; i++) {
			if (need[i].name == NULL)
				continue;
			if (!grants_may(
				g, need[i].priv, need[i].kind, need[i].name) &&
			    !grants_may(planned, need[i].priv, need[i].kind,
				need[i].name))
				why = grants_why_not(g, need[i].priv,
				    need[i].kind, need[i].name);
		}
		free(create);
		free(db);
		free(sc);
		return why;
	case SETUP_GRANT:
		privs = xstrdup(s->probe_privileges);
		for (tok = strtok_r(privs, ",", &save);
		     tok != NULL && why == NULL;
		     tok = strtok_r(NULL, ",", &save)) {
			if (grants_may_grant(
				g, tok, s->probe_granted_on, s->probe_name) ||
			    grants_may_grant(planned, tok, s->probe_granted_on,
				s->probe_name))
				continue;
			why = xasprintf("role %s may not grant %s on %s%s%s: "
					"it neither owns it nor holds MANAGE "
					"GRANTS or %s WITH GRANT OPTION (SHOW "
					"GRANTS); run setup with an "
					"--admin-role that may, or ask an "
					"admin to run the GRANT",
			    s->role, tok, s->probe_granted_on,
			    s->probe_name != NULL ? " " : "",
			    s->probe_name != NULL ? s->probe_name : "", tok);
		}
		free(privs);
		return why;
	}
	return NULL;
}

/* What a step leaves behind for the steps after it. */
static void
step_effects(const struct setup_step *s, struct setup_overlay *o)
{
	char *privs, *tok, *save = NULL;
	struct grants *g;

	if (s->kind != SETUP_GRANT) {
		grants_add(overlay_of(o, s->role), "OWNERSHIP",
		    kind_grant_word(s->kind), s->object, 0);
		return;
	}
	if (s->grantee == NULL)
		return;
	g = overlay_of(o, s->grantee);
	privs = xstrdup(s->probe_privileges);
	for (tok = strtok_r(privs, ",", &save); tok != NULL;
	     tok = strtok_r(NULL, ",", &save))
		grants_add(g, tok, s->probe_granted_on, s->probe_name, 0);
	free(privs);
}

size_t
setup_plan_check_grants(
    struct setup_plan *pl, const struct grants *sets, size_t n)
{
	struct setup_overlay o;
	struct setup_step *s;
	const struct grants *g;
	size_t i, denied = 0;

	memset(&o, 0, sizeof o);
	for (i = 0; i < pl->n; i++) {
		s = &pl->v[i];
		free(s->denied);
		s->denied = NULL;
		if (!setup_step_runs(s))
			continue;
		if ((g = set_of(sets, n, s->role)) != NULL &&
		    (s->denied = step_denied(s, g, overlay_of(&o, s->role))) !=
			NULL)
			denied++;
		step_effects(s, &o);
	}
	for (i = 0; i < o.n; i++)
		grants_free(&o.v[i]);
	free(o.v);
	return denied;
}

static const char *
status_word(const struct setup_step *s)
{
	switch (s->status) {
	case SETUP_UNKNOWN:
		return "?";
	case SETUP_CREATE:
		return s->kind == SETUP_GRANT ? "grant" : "create";
	case SETUP_EXISTS:
		return "exists";
	case SETUP_REPLACE:
		return "REPLACE";
	case SETUP_DONE:
		return "done";
	case SETUP_FAILED:
		return "FAILED";
	}
	return "?";
}

static const char *
kind_word(enum setup_kind k)
{
	static const char *const w[] = { "database", "schema", "warehouse",
		"table", "stage", "compute pool", "image repository", "grant" };

	return (size_t)k < nitems(w) ? w[k] : "?";
}

void
setup_plan_text(const struct setup_plan *pl, struct buf *out)
{
	const struct setup_step *s;
	size_t i, run, skip;

	setup_plan_counts(pl, &run, &skip);
	buf_printf(
	    out, "%zu steps: %zu to run, %zu already done\n", pl->n, run, skip);
	for (i = 0; i < pl->n; i++) {
		s = &pl->v[i];
		buf_printf(out, "%3zu %-7s %-16s %s  (as %s)\n", i + 1,
		    status_word(s), kind_word(s->kind), s->object, s->role);
		if (s->status != SETUP_EXISTS && s->status != SETUP_DONE)
			buf_printf(out, "      %s;\n", s->sql);
		if (s->destructive && s->status != SETUP_DONE)
			buf_printf(out,
			    "      destructive: wipes every row "
			    "or file in %s; needs its name typed "
			    "to confirm\n",
			    s->object);
		if (s->denied != NULL)
			buf_printf(out, "      denied: %s\n", s->denied);
		if (s->error != NULL)
			buf_printf(out, "      error: %s\n", s->error);
	}
}

/* Case-insensitive substring test (strcasestr is a GNU extension). */
static int
contains(const char *hay, const char *needle)
{
	size_t n = strlen(needle);

	for (; *hay != '\0'; hay++) {
		if (strncasecmp(hay, needle, n) == 0)
			return 1;
	}
	return 0;
}

char *
setup_hint(const struct setup_step *s, const char *code, const char *message)
{
	const char *m = message != NULL ? message : "";

	if ((code != NULL && strcmp(code, "003001") == 0) ||
	    contains(m, "insufficient privileges")) {
		if (s->kind == SETUP_GRANT)
			return xasprintf(
			    "role %s may not grant %s: run setup with an admin "
			    "role that owns the object or has MANAGE GRANTS "
			    "(--admin-role ACCOUNTADMIN), then resume",
			    s->role, s->object);
		return xasprintf("role %s lacks the privilege to create %s: "
				 "grant it (e.g. GRANT CREATE %s ON ACCOUNT "
				 "TO ROLE %s as ACCOUNTADMIN) or choose "
				 "another --admin-role, then resume",
		    s->role, s->object,
		    s->kind == SETUP_DATABASE       ? "DATABASE"
		    : s->kind == SETUP_WAREHOUSE    ? "WAREHOUSE"
		    : s->kind == SETUP_COMPUTE_POOL ? "COMPUTE POOL"
						    : "SCHEMA",
		    s->role);
	}
	if (contains(m, "does not exist or not authorized"))
		return xasprintf("an object %s needs is missing or role %s "
				 "cannot see it: check the names and the "
				 "role's USAGE grants, then resume",
		    s->object, s->role);
	if (contains(m, "is not granted to this user") ||
	    (code != NULL && strcmp(code, "390189") == 0))
		return xasprintf("the user may not use role %s: GRANT ROLE %s "
				 "TO USER <you>, or pick another role",
		    s->role, s->role);
	return xasprintf("step %s on %s failed: fix the cause above, then "
			 "resume (steps already done are skipped)",
	    kind_word(s->kind), s->object);
}
