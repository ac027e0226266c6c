/*
 * Unit tests: a role's grants (core/grants.c) read from SHOW GRANTS rows,
 * the role hierarchy, may() with OWNERSHIP and MANAGE GRANTS, names
 * quoted, qualified and in any case; the setup plan marked by the grants
 * (core/setup.c); the services page showing an SPCS action the role may
 * not run disabled with the reason, and its key saying why.
 */

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "app_ops.h"
#include "dialog.h"
#include "grants.h"
#include "model.h"
#include "setup.h"
#include "spcs.h"
#include "support_tui.h"
#include "svc.h"
#include "util.h"

static const char *const cols[] = { "created_on", "privilege", "granted_on",
	"name", "granted_to", "grantee_name", "grant_option", "granted_by" };

/* Adds rows of 4 strings: privilege, granted_on, name, grant_option. */
static void
add_rows(struct grants *g, const char *const *rows, size_t n)
{
	struct grants_cols c;
	const char *cells[8];
	char *cause = NULL;
	size_t i;

	ck_assert_int_eq(grants_cols_find(&c, cols, 8, &cause), 0);
	for (i = 0; i < n; i++) {
		cells[0] = "2024-01-01 00:00:00.000 +0000";
		cells[1] = rows[i * 4];
		cells[2] = rows[i * 4 + 1];
		cells[3] = rows[i * 4 + 2];
		cells[4] = "ROLE";
		cells[5] = g->role;
		cells[6] = rows[i * 4 + 3];
		cells[7] = "SECURITYADMIN";
		grants_add_row(g, &c, cells, 8);
	}
}

START_TEST(test_parse_and_may)
{
	static const char *const rows[] = {
		"OPERATE",
		"SERVICE",
		"DEMO.PUBLIC.SISSYG",
		"false",
		"OWNERSHIP",
		"COMPUTE_POOL",
		"SNOWDECK_POOL",
		"false",
		"USAGE",
		"DATABASE",
		"\"my db\"",
		"false",
		"USAGE",
		"SCHEMA",
		"\"my db\".\"Odd.Schema\"",
		"false",
		"CREATE DATABASE",
		"ACCOUNT",
		"SNOWDECK_SANDBOX",
		"false",
		"SELECT",
		"TABLE",
		"DEMO.XCOM.XCOM_TABLE",
		"true",
	};
	struct grants g;
	char *why;

	grants_init(&g, "airflow_role", 1);
	ck_assert_str_eq(g.role, "AIRFLOW_ROLE");
	add_rows(&g, rows, nitems(rows) / 4);
	ck_assert_uint_eq(g.n, 6);
	/* Case and qualification: unquoted SQL text resolves upper case. */
	ck_assert(grants_may(&g, "operate", "service", "demo.public.sissyg"));
	ck_assert(grants_may(
	    &g, "OPERATE", "SERVICE", "\"DEMO\".\"PUBLIC\".\"SISSYG\""));
	ck_assert(
	    !grants_may(&g, "OPERATE", "SERVICE", "DEMO.PUBLIC.WEAVIATE"));
	ck_assert(
	    !grants_may(&g, "OPERATE", "SERVICE", "\"demo\".PUBLIC.SISSYG"));
	ck_assert(!grants_may(&g, "MONITOR", "SERVICE", "DEMO.PUBLIC.SISSYG"));
	/* OWNERSHIP implies every privilege; COMPUTE POOL = COMPUTE_POOL. */
	ck_assert(grants_may(&g, "OPERATE", "COMPUTE POOL", "snowdeck_pool"));
	ck_assert(grants_may(&g, "MODIFY", "compute_pool", "SNOWDECK_POOL"));
	ck_assert(!grants_has(&g, "OPERATE", "COMPUTE POOL", "SNOWDECK_POOL"));
	/* Quoted names keep their case, a quoted dot is not a separator. */
	ck_assert(grants_may(&g, "USAGE", "DATABASE", "\"my db\""));
	ck_assert(!grants_may(&g, "USAGE", "DATABASE", "my_db"));
	ck_assert(
	    grants_may(&g, "USAGE", "SCHEMA", "\"my db\".\"Odd.Schema\""));
	ck_assert(!grants_may(&g, "USAGE", "SCHEMA", "\"my db\".Odd.Schema"));
	/* Account privileges: the name (the account) does not matter. */
	ck_assert(grants_may(&g, "create database", "ACCOUNT", NULL));
	ck_assert(!grants_may(&g, "CREATE WAREHOUSE", "ACCOUNT", NULL));
	/* Granting: ownership, grant option, or MANAGE GRANTS. */
	ck_assert(
	    grants_may_grant(&g, "USAGE", "COMPUTE POOL", "SNOWDECK_POOL"));
	ck_assert(
	    grants_may_grant(&g, "SELECT", "TABLE", "DEMO.XCOM.XCOM_TABLE"));
	ck_assert(
	    !grants_may_grant(&g, "INSERT", "TABLE", "DEMO.XCOM.XCOM_TABLE"));
	ck_assert(
	    !grants_may_grant(&g, "OPERATE", "SERVICE", "DEMO.PUBLIC.SISSYG"));
	grants_add(&g, "MANAGE GRANTS", "ACCOUNT", NULL, 0);
	ck_assert(
	    grants_may_grant(&g, "OPERATE", "SERVICE", "DEMO.PUBLIC.SISSYG"));
	/* The reason names the role, the privilege, the object and the fix. */
	why = grants_spcs_why_not(&g, 0, "DEMO", "PUBLIC", "WEAVIATE");
	ck_assert_ptr_nonnull(why);
	ck_assert_str_eq(why,
	    "role AIRFLOW_ROLE lacks OPERATE on service DEMO.PUBLIC.WEAVIATE "
	    "(SHOW GRANTS); ask an admin: GRANT OPERATE ON SERVICE "
	    "DEMO.PUBLIC.WEAVIATE TO ROLE AIRFLOW_ROLE");
	free(why);
	ck_assert_ptr_null(
	    grants_spcs_why_not(&g, 0, "DEMO", "PUBLIC", "SISSYG"));
	ck_assert_ptr_null(
	    grants_spcs_why_not(&g, 1, NULL, NULL, "SNOWDECK_POOL"));
	why = grants_spcs_why_not(&g, 1, NULL, NULL, "gpu pool");
	ck_assert_ptr_nonnull(
	    strstr(why, "OPERATE on compute pool \"gpu pool\""));
	free(why);
	grants_free(&g);
}
END_TEST

START_TEST(test_hierarchy_breadth_first_cycle_safe)
{
	/* OPS inherits A and B; A inherits B and OPS (a cycle); B owns X. */
	static const char *const ops[] = { "USAGE", "ROLE", "A", "false",
		"USAGE", "ROLE", "\"b\"", "false" };
	static const char *const a[] = { "USAGE", "ROLE", "\"b\"", "false",
		"USAGE", "ROLE", "OPS", "false", "OPERATE", "SERVICE", "D.S.Y",
		"false" };
	static const char *const b[] = { "OWNERSHIP", "SERVICE", "D.S.X",
		"false" };
	struct grants g;
	const char *r;

	grants_init(&g, "ops", 1);
	ck_assert_str_eq(grants_next_role(&g), "OPS");
	add_rows(&g, ops, 2);
	ck_assert_str_eq((r = grants_next_role(&g)), "A");
	add_rows(&g, a, 3);
	ck_assert_str_eq((r = grants_next_role(&g)), "b");
	add_rows(&g, b, 1);
	ck_assert_ptr_null(grants_next_role(&g));
	ck_assert_uint_eq(g.nroles, 3);
	ck_assert(grants_may(&g, "OPERATE", "SERVICE", "d.s.x"));
	ck_assert(grants_may(&g, "OPERATE", "SERVICE", "D.S.Y"));
	ck_assert(!grants_may(&g, "OPERATE", "SERVICE", "D.S.Z"));
	ck_assert(!g.capped);
	grants_free(&g);
}
END_TEST

/*
 * Secondary roles: read after the primary's whole hierarchy (and what
 * they inherit); their privileges count for every action but CREATE,
 * which only the primary role gives; a role reached both ways counts as
 * the primary's.
 */
START_TEST(test_secondary_roles)
{
	static const char *const ops[] = { "USAGE", "ROLE", "BASE", "false" };
	static const char *const base[] = { "OPERATE", "SERVICE", "D.S.A",
		"false" };
	static const char *const sec[] = { "USAGE", "ROLE", "DEEP", "false",
		"CREATE DATABASE", "ACCOUNT", "SNOWDECK", "false", "OPERATE",
		"SERVICE", "D.S.B", "false" };
	static const char *const deep[] = { "OWNERSHIP", "COMPUTE_POOL", "P",
		"false", "CREATE SCHEMA", "DATABASE", "D", "false" };
	const char *given[] = { "SEC", "BASE", "" };
	char **roles;
	struct grants g;
	size_t n;

	n = grants_secondary_parse(
	    "{\"roles\":\"SEC, BASE,\",\"value\":\"ALL\"}", &roles);
	ck_assert_uint_eq(n, 2);
	ck_assert_str_eq(roles[0], "SEC");
	ck_assert_str_eq(roles[1], "BASE");
	free(roles[0]);
	free(roles[1]);
	free(roles);
	ck_assert_uint_eq(grants_secondary_parse("{\"roles\":\"\"}", &roles), 0);
	ck_assert_uint_eq(grants_secondary_parse("not json", &roles), 0);
	ck_assert_uint_eq(grants_secondary_parse(NULL, &roles), 0);
	ck_assert_ptr_null(roles);

	grants_init(&g, "OPS", 1);
	grants_add_secondary(&g, given, 3);
	ck_assert_str_eq(grants_next_role(&g), "OPS");
	add_rows(&g, ops, 1);
	ck_assert_str_eq(grants_next_role(&g), "BASE");
	add_rows(&g, base, 1);
	/* The primary hierarchy is done: SEC next (BASE is known). */
	ck_assert_str_eq(grants_next_role(&g), "SEC");
	add_rows(&g, sec, 3);
	ck_assert_str_eq(grants_next_role(&g), "DEEP");
	add_rows(&g, deep, 2);
	ck_assert_ptr_null(grants_next_role(&g));
	ck_assert_uint_eq(g.primary_end, 2);
	/* Operating: primary and secondary alike. */
	ck_assert(grants_may(&g, "OPERATE", "SERVICE", "D.S.A"));
	ck_assert(grants_may(&g, "OPERATE", "SERVICE", "D.S.B"));
	ck_assert(grants_may(&g, "OPERATE", "COMPUTE POOL", "P"));
	ck_assert_ptr_null(
	    grants_spcs_why_not(&g, 0, "D", "S", "B")); /* via SEC */
	/* Creating: the primary role's alone. */
	ck_assert(!grants_may(&g, "CREATE DATABASE", "ACCOUNT", NULL));
	ck_assert(!grants_may(&g, "CREATE SCHEMA", "DATABASE", "D"));
	/* setup's probes ask what the role itself holds. */
	ck_assert(grants_has(&g, "OPERATE", "SERVICE", "D.S.A"));
	ck_assert(!grants_has(&g, "OPERATE", "SERVICE", "D.S.B"));
	/* Granting: secondary roles may (OWNERSHIP of P via DEEP). */
	ck_assert(grants_may_grant(&g, "OPERATE", "COMPUTE POOL", "P"));
	grants_free(&g);
}
END_TEST

/* Database roles granted to the role are followed with SHOW GRANTS TO
 * DATABASE ROLE, their names quoted part by part. */
START_TEST(test_database_roles)
{
	static const char *const ops[] = { "USAGE", "DATABASE_ROLE",
		"DEMO.OPS_DB", "false", "USAGE", "DATABASE_ROLE",
		"\"my db\".\"r.1\"", "false", "USAGE", "ROLE", "A.B", "false" };
	static const char *const dbr[] = { "OPERATE", "SERVICE",
		"DEMO.XCOM.SISSYG", "false" };
	struct grants g;
	const char *r;
	char *sql;

	grants_init(&g, "OPS", 1);
	r = grants_next_role(&g);
	ck_assert_ptr_nonnull(r);
	sql = grants_role_sql(&g);
	ck_assert_str_eq(sql, "ROLE OPS");
	free(sql);
	add_rows(&g, ops, 3);
	r = grants_next_role(&g);
	ck_assert_ptr_nonnull(r);
	sql = grants_role_sql(&g);
	ck_assert_str_eq(sql, "DATABASE ROLE DEMO.OPS_DB");
	free(sql);
	add_rows(&g, dbr, 1);
	r = grants_next_role(&g);
	ck_assert_ptr_nonnull(r);
	sql = grants_role_sql(&g);
	ck_assert_str_eq(sql, "DATABASE ROLE \"my db\".\"r.1\"");
	free(sql);
	r = grants_next_role(&g); /* an account role: a dot stays a dot */
	ck_assert_ptr_nonnull(r);
	sql = grants_role_sql(&g);
	ck_assert_str_eq(sql, "ROLE \"A.B\"");
	free(sql);
	ck_assert_ptr_null(grants_next_role(&g));
	ck_assert(grants_may(&g, "OPERATE", "SERVICE", "demo.xcom.sissyg"));
	grants_free(&g);
}
END_TEST

START_TEST(test_hierarchy_cap)
{
	struct grants g;
	char name[32];
	const char *row[4];
	size_t i;

	grants_init(&g, "R0", 1);
	for (i = 1; i < GRANTS_MAX_ROLES + 10; i++) {
		snprintf(name, sizeof name, "R%zu", i);
		row[0] = "USAGE";
		row[1] = "ROLE";
		row[2] = name;
		row[3] = "false";
		add_rows(&g, row, 1);
	}
	ck_assert_uint_eq(g.nroles, GRANTS_MAX_ROLES);
	ck_assert(g.capped);
	for (i = 0; grants_next_role(&g) != NULL; i++)
		;
	ck_assert_uint_eq(i, GRANTS_MAX_ROLES);
	grants_free(&g);
}
END_TEST

START_TEST(test_rows_missing_columns)
{
	static const char *const bad[] = { "created_on", "role" };
	struct grants_cols c;
	struct grants g;
	const char *cells[8] = { NULL };
	char *cause = NULL;

	ck_assert_int_eq(grants_cols_find(&c, bad, 2, &cause), -1);
	ck_assert_ptr_nonnull(cause);
	free(cause);
	/* NULL cells and short rows are ignored. */
	grants_init(&g, "R", 1);
	ck_assert_int_eq(grants_cols_find(&c, cols, 8, &cause), 0);
	grants_add_row(&g, &c, cells, 8);
	grants_add_row(&g, &c, cells, 2);
	ck_assert_uint_eq(g.n, 0);
	grants_free(&g);
}
END_TEST

START_TEST(test_names)
{
	char *p;

	ck_assert(grants_name_eq("DEMO.XCOM", "demo.xcom"));
	ck_assert(grants_name_eq("\"DEMO\".\"XCOM\"", "DEMO.XCOM"));
	ck_assert(grants_name_eq("my db", "\"my db\""));
	ck_assert(!grants_name_eq("MY DB", "\"my db\""));
	ck_assert(grants_name_eq("\"a\"\"b\"", "\"a\"\"b\""));
	ck_assert(!grants_name_eq(NULL, "X"));
	p = grants_name_prefix("\"a.b\".S.T", 2);
	ck_assert_str_eq(p, "\"a.b\".S");
	free(p);
	p = grants_name_prefix("D.S.T", 1);
	ck_assert_str_eq(p, "D");
	free(p);
	ck_assert_ptr_null(grants_name_prefix("D", 2));
}
END_TEST

/* The seed's plan with every step to run, as after probing an empty
 * account. */
static void
plan_all_create(struct setup_plan *pl, int containers)
{
	struct setup_params p;
	char *cause = NULL;
	size_t i;

	setup_params_defaults(&p);
	p.user_role = "AIRFLOW_ROLE";
	p.admin_role = "LIMITED_ADMIN";
	p.containers = containers;
	ck_assert_int_eq(setup_plan_build(&p, pl, &cause), 0);
	for (i = 0; i < pl->n; i++)
		pl->v[i].status = SETUP_CREATE;
}

START_TEST(test_setup_marking)
{
	struct setup_plan pl;
	struct grants sets[2];
	const char **roles;
	size_t i, n, denied;

	plan_all_create(&pl, 0);
	n = setup_plan_roles(&pl, &roles);
	ck_assert_uint_eq(n, 1); /* every step runs as the admin role */
	ck_assert_str_eq(roles[0], "LIMITED_ADMIN");
	free(roles);
	/* The admin role has nothing: the first step (CREATE DATABASE) is
	 * denied; the later ones on the objects it creates are not. */
	grants_init(&sets[0], "limited_admin", 1);
	grants_init(&sets[1], "AIRFLOW_ROLE", 1);
	denied = setup_plan_check_grants(&pl, sets, 2);
	ck_assert_ptr_nonnull(pl.v[0].denied);
	ck_assert_ptr_nonnull(strstr(pl.v[0].denied,
	    "lacks CREATE DATABASE on account (SHOW GRANTS); ask an admin: "
	    "GRANT CREATE DATABASE ON ACCOUNT TO ROLE LIMITED_ADMIN"));
	for (i = 1; i < pl.n; i++)
		ck_assert_msg(pl.v[i].denied == NULL, "%s: %s", pl.v[i].object,
		    pl.v[i].denied);
	ck_assert_uint_eq(denied, 1);
	/* Granted: nothing is denied. */
	grants_add(&sets[0], "CREATE DATABASE", "ACCOUNT", NULL, 0);
	ck_assert_uint_eq(setup_plan_check_grants(&pl, sets, 2), 0);
	ck_assert_ptr_null(pl.v[0].denied);
	/* The demo database exists (skipped) and is someone else's: the
	 * grants and creates in it are denied, each with its privilege. */
	pl.v[0].status = SETUP_EXISTS;
	pl.v[1].status = SETUP_EXISTS; /* DEMO.DEMO */
	denied = setup_plan_check_grants(&pl, sets, 2);
	ck_assert_ptr_null(pl.v[0].denied);
	ck_assert_ptr_nonnull(pl.v[2].denied); /* GRANT USAGE ON DATABASE */
	ck_assert_ptr_nonnull(strstr(pl.v[2].denied,
	    "role LIMITED_ADMIN may not grant USAGE on DATABASE DEMO"));
	ck_assert_uint_gt(denied, 1);
	/* With MANAGE GRANTS and ownership of DEMO: all allowed again. */
	grants_add(&sets[0], "MANAGE GRANTS", "ACCOUNT", NULL, 0);
	grants_add(&sets[0], "OWNERSHIP", "DATABASE", "DEMO", 0);
	grants_add(&sets[0], "OWNERSHIP", "SCHEMA", "DEMO.DEMO", 0);
	ck_assert_uint_eq(setup_plan_check_grants(&pl, sets, 2), 0);
	/* A role without a set is not checked. */
	grants_free(&sets[0]);
	grants_init(&sets[0], "SOMEONE_ELSE", 1);
	ck_assert_uint_eq(setup_plan_check_grants(&pl, sets, 2), 0);
	grants_free(&sets[0]);
	grants_free(&sets[1]);
	setup_plan_free(&pl);
}
END_TEST

START_TEST(test_setup_marking_containers_and_text)
{
	struct setup_plan pl;
	struct grants sets[2];
	struct buf b;
	size_t i;
	int pool = -1;

	plan_all_create(&pl, 1);
	grants_init(&sets[0], "LIMITED_ADMIN", 1);
	grants_add(&sets[0], "CREATE DATABASE", "ACCOUNT", NULL, 0);
	grants_init(&sets[1], "AIRFLOW_ROLE", 1);
	/* The admin may not grant CREATE COMPUTE POOL ON ACCOUNT (no MANAGE
	 * GRANTS); the pool step, as the user role, is allowed by that
	 * grant made earlier in the plan. */
	setup_plan_check_grants(&pl, sets, 2);
	for (i = 0; i < pl.n; i++) {
		if (pl.v[i].kind == SETUP_COMPUTE_POOL)
			pool = (int)i;
		if (pl.v[i].kind == SETUP_GRANT &&
		    strcmp(pl.v[i].probe_granted_on, "ACCOUNT") == 0)
			ck_assert_ptr_nonnull(pl.v[i].denied);
	}
	ck_assert_int_ge(pool, 0);
	ck_assert_ptr_null(pl.v[pool].denied);
	/* The image repository (user role, in DEMO.DEMO): the plan grants
	 * USAGE and CREATE IMAGE REPOSITORY before it: allowed. */
	for (i = 0; i < pl.n; i++)
		if (pl.v[i].kind == SETUP_IMAGE_REPOSITORY)
			ck_assert_ptr_null(pl.v[i].denied);
	/* Steps that do not run are never marked; the text says "denied". */
	buf_init(&b);
	setup_plan_text(&pl, &b);
	ck_assert_ptr_nonnull(strstr(b.data, "      denied: role LIMITED_ADMIN "
					     "may not grant CREATE COMPUTE "
					     "POOL on ACCOUNT"));
	buf_free(&b);
	for (i = 0; i < pl.n; i++)
		pl.v[i].status = SETUP_EXISTS;
	ck_assert_uint_eq(setup_plan_check_grants(&pl, sets, 2), 0);
	grants_free(&sets[0]);
	grants_free(&sets[1]);
	setup_plan_free(&pl);
}
END_TEST

static int
dialog_active_title_is(const char *t)
{
	return dialog_active() && dialog_title() != NULL &&
	       strcmp(dialog_title(), t) == 0;
}

static void
push_spcs(struct svcs *ss, const char *service)
{
	struct svc s;

	svc_init(&s);
	s.origin = SVC_SPCS;
	s.id = xasprintf("DEMO.XCOM.%s/0/app", service);
	s.service = xstrdup(service);
	s.name = xstrdup("app");
	s.project = xstrdup("DEMO.XCOM");
	s.instance = xstrdup("0");
	s.state = SVC_RUNNING;
	s.inspected = 1;
	svcs_push(ss, &s);
}

/* The services page: two SPCS services, the role may operate one. */
START_TEST(test_services_disabled_by_grants)
{
	struct fixture f;
	struct grants *g;
	char *scr;

	fixture_start(&f, 40, 200, 0, NULL);
	push_spcs(&app_models(f.app)->services, "SISSYG");
	push_spcs(&app_models(f.app)->services, "WEAVIATE");
	g = xcalloc(1, sizeof *g);
	grants_init(g, "AIRFLOW_ROLE", 1);
	grants_add(g, "OPERATE", "SERVICE", "DEMO.XCOM.SISSYG", 0);
	app_grants_set(f.app, g);
	ck_assert_ptr_eq(app_grants(f.app), g);
	/* What app_ops records from the grants for a service it lists. */
	app_deny(f.app, "restart", "WEAVIATE",
	    "role AIRFLOW_ROLE lacks OPERATE on service DEMO.XCOM.WEAVIATE "
	    "(SHOW GRANTS); ask an admin: GRANT OPERATE ON SERVICE "
	    "DEMO.XCOM.WEAVIATE TO ROLE AIRFLOW_ROLE");
	/* SISSYG: restart asks. */
	fixture_keys(&f, ":services\rR");
	ck_assert(dialog_active_title_is("restart?"));
	fixture_keys(&f, "n");
	/* WEAVIATE: the detail says disabled and why; R says why. */
	fixture_keys(&f, "j");
	scr = fixture_screen(&f);
	ck_assert_msg(strstr(scr, "disabled restart: role AIRFLOW_ROLE lacks "
				  "OPERATE") != NULL,
	    "%s", scr);
	free(scr);
	fixture_keys(&f, "R");
	ck_assert(!dialog_active());
	scr = fixture_screen(&f);
	ck_assert_ptr_nonnull(strstr(scr, "restart WEAVIATE is disabled"));
	free(scr);
	ck_assert_int_eq(
	    app_service_action(
		f.app, &app_models(f.app)->services.v[1], APP_SVC_RESTART),
	    -1);
	fixture_stop(&f);
}
END_TEST

/* The setup page: a plan with a denied step shows it, and a asks to
 * apply anyway instead of applying. */
START_TEST(test_setup_page_apply_disabled)
{
	struct fixture f;
	struct setup_plan pl;
	struct grants sets[1];
	char *scr;

	fixture_start(&f, 40, 200, 0, NULL);
	plan_all_create(&pl, 0);
	grants_init(&sets[0], "LIMITED_ADMIN", 1);
	ck_assert_uint_eq(setup_plan_check_grants(&pl, sets, 1), 1);
	grants_free(&sets[0]);
	app_setup_set_plan(f.app, &pl);
	fixture_keys(&f, ":setup\r");
	scr = fixture_screen(&f);
	ck_assert_ptr_nonnull(strstr(scr, "denied"));
	ck_assert_ptr_nonnull(strstr(scr, "denied: role LIMITED_ADMIN lacks "
					  "CREATE DATABASE on account"));
	free(scr);
	fixture_keys(&f, "a");
	ck_assert(dialog_active_title_is("apply despite the grants?"));
	scr = fixture_screen(&f);
	ck_assert_ptr_nonnull(strstr(scr, "Apply is disabled"));
	free(scr);
	fixture_keys(&f, "n");
	ck_assert(!dialog_active());
	/* Overridden: the usual confirmation follows. */
	fixture_keys(&f, "a");
	fixture_keys(&f, "y");
	ck_assert(dialog_active_title_is("Apply setup?"));
	fixture_keys(&f, "n");
	fixture_stop(&f);
}
END_TEST

Suite *grants_suite(void);

Suite *
grants_suite(void)
{
	Suite *s = suite_create("grants");
	TCase *tc = tcase_create("grants");

	tcase_add_test(tc, test_parse_and_may);
	tcase_add_test(tc, test_hierarchy_breadth_first_cycle_safe);
	tcase_add_test(tc, test_hierarchy_cap);
	tcase_add_test(tc, test_secondary_roles);
	tcase_add_test(tc, test_database_roles);
	tcase_add_test(tc, test_rows_missing_columns);
	tcase_add_test(tc, test_names);
	tcase_add_test(tc, test_setup_marking);
	tcase_add_test(tc, test_setup_marking_containers_and_text);
	tcase_add_test(tc, test_services_disabled_by_grants);
	tcase_add_test(tc, test_setup_page_apply_disabled);
	suite_add_tcase(s, tc);
	return s;
}
