/* Unit tests: the setup plan (seed-systems.md §2), identifier quoting. */

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "setup.h"
#include "util.h"

static struct setup_step *
find(struct setup_plan *pl, const char *sql_prefix)
{
	size_t i;

	for (i = 0; i < pl->n; i++) {
		if (strncmp(pl->v[i].sql, sql_prefix, strlen(sql_prefix)) == 0)
			return &pl->v[i];
	}
	return NULL;
}

START_TEST(test_ident_and_string)
{
	struct buf b;

	buf_init(&b);
	ck_assert_int_eq(sql_ident(&b, "demo_1$"), 0);
	ck_assert_str_eq(b.data, "DEMO_1$");
	buf_reset(&b);
	ck_assert_int_eq(sql_ident(&b, "my \"odd\" db; DROP"), 0);
	ck_assert_str_eq(b.data, "\"my \"\"odd\"\" db; DROP\"");
	buf_reset(&b);
	ck_assert_int_eq(sql_ident(&b, "1abc"), 0);
	ck_assert_str_eq(b.data, "\"1abc\"");
	ck_assert_int_eq(sql_ident(&b, ""), -1);
	ck_assert_int_eq(sql_ident(&b, "a\nb"), -1);
	buf_reset(&b);
	sql_string(&b, "it's a \\ test");
	ck_assert_str_eq(b.data, "'it''s a \\\\ test'");
	buf_free(&b);
}
END_TEST

START_TEST(test_plan_seed_defaults)
{
	struct setup_params p;
	struct setup_plan pl;
	struct setup_step *s;
	char *cause = NULL;
	size_t i, run, skip;

	setup_params_defaults(&p);
	p.user_role = "airflow_role";
	ck_assert_int_eq(setup_plan_build(&p, &pl, &cause), 0);
	/* The seed's statements, made idempotent, in the seed's order. */
	ck_assert_str_eq(pl.v[0].sql, "CREATE DATABASE IF NOT EXISTS DEMO");
	ck_assert_str_eq(pl.v[0].role, "SYSADMIN");
	ck_assert_str_eq(pl.v[0].probe_sql, "SHOW DATABASES LIKE 'DEMO'");
	ck_assert_str_eq(pl.v[1].sql, "CREATE SCHEMA IF NOT EXISTS DEMO.DEMO");
	ck_assert_str_eq(
	    pl.v[1].probe_sql, "SHOW SCHEMAS LIKE 'DEMO' IN DATABASE DEMO");
	ck_assert_ptr_nonnull(
	    find(&pl, "GRANT USAGE ON DATABASE DEMO TO ROLE AIRFLOW_ROLE"));
	ck_assert_ptr_nonnull(find(&pl,
	    "GRANT CREATE STAGE ON SCHEMA DEMO.DEMO TO ROLE AIRFLOW_ROLE"));
	s = find(&pl, "CREATE STAGE IF NOT EXISTS DEMO.XCOM.XCOM_STAGE "
		      "DIRECTORY = (ENABLE = TRUE) ENCRYPTION = (TYPE = "
		      "'SNOWFLAKE_SSE')");
	ck_assert_ptr_nonnull(s);
	ck_assert_int_eq(s->destructive, 0);
	ck_assert_str_eq(
	    s->probe_sql, "SHOW STAGES LIKE 'XCOM_STAGE' IN SCHEMA DEMO.XCOM");
	s = find(&pl, "CREATE TABLE IF NOT EXISTS DEMO.XCOM.XCOM_TABLE (dag_id "
		      "varchar NOT NULL");
	ck_assert_ptr_nonnull(s);
	ck_assert_ptr_nonnull(strstr(s->sql, "multi_index integer NOT NULL"));
	ck_assert_ptr_nonnull(find(&pl, "GRANT SELECT,INSERT,UPDATE ON TABLE "
					"DEMO.XCOM.XCOM_TABLE TO ROLE "
					"AIRFLOW_ROLE"));
	ck_assert_ptr_nonnull(find(&pl, "GRANT READ,WRITE ON STAGE "
					"DEMO.XCOM.XCOM_STAGE TO ROLE "
					"AIRFLOW_ROLE"));
	/* DEMO is created once even though both scripts create it. */
	for (i = 0, run = 0; i < pl.n; i++)
		run += pl.v[i].kind == SETUP_DATABASE;
	ck_assert_uint_eq(run, 1);
	ck_assert_ptr_null(find(&pl, "CREATE COMPUTE POOL"));
	ck_assert_ptr_null(find(&pl, "CREATE OR REPLACE"));
	setup_plan_counts(&pl, &run, &skip);
	ck_assert_uint_eq(run, pl.n); /* nothing probed yet */
	setup_plan_free(&pl);

	p.user_role = NULL;
	ck_assert_int_eq(setup_plan_build(&p, &pl, &cause), -1);
	ck_assert_ptr_nonnull(strstr(cause, "role"));
	free(cause);
	p.user_role = "r";
	p.xcom_table = "";
	ck_assert_int_eq(setup_plan_build(&p, &pl, &cause), -1);
	ck_assert_ptr_nonnull(strstr(cause, "XCom table"));
	free(cause);
	ck_assert_uint_eq(pl.n, 0);
}
END_TEST

START_TEST(test_plan_containers_and_replace)
{
	struct setup_params p;
	struct setup_plan pl;
	struct setup_step *s;
	struct buf b;
	char *cause = NULL;

	setup_params_defaults(&p);
	p.user_role = "R";
	p.containers = 1;
	p.warehouse = "demo_wh";
	p.replace_xcom = 1;
	ck_assert_int_eq(setup_plan_build(&p, &pl, &cause), 0);
	ck_assert_ptr_nonnull(
	    find(&pl, "GRANT CREATE COMPUTE POOL ON ACCOUNT TO ROLE R"));
	s = find(&pl, "CREATE COMPUTE POOL IF NOT EXISTS SISSYG MIN_NODES = 1 "
		      "MAX_NODES = 1 INSTANCE_FAMILY = CPU_X64_XS");
	ck_assert_ptr_nonnull(s);
	ck_assert_str_eq(s->role, "R");
	ck_assert_ptr_nonnull(find(
	    &pl, "CREATE IMAGE REPOSITORY IF NOT EXISTS DEMO.DEMO.SISSYG"));
	ck_assert_ptr_nonnull(
	    find(&pl, "CREATE WAREHOUSE IF NOT EXISTS DEMO_WH"));
	ck_assert_ptr_nonnull(
	    find(&pl, "GRANT USAGE ON WAREHOUSE DEMO_WH TO ROLE R"));
	s = find(&pl, "CREATE OR REPLACE STAGE DEMO.XCOM.XCOM_STAGE");
	ck_assert_ptr_nonnull(s);
	ck_assert_int_eq(s->destructive, 1);
	ck_assert_ptr_nonnull(find(&pl, "CREATE OR REPLACE TABLE "));
	buf_init(&b);
	setup_plan_text(&pl, &b);
	ck_assert_ptr_nonnull(strstr(b.data, "destructive: wipes every row"));
	buf_free(&b);
	setup_plan_free(&pl);
}
END_TEST

START_TEST(test_plan_probe_second_run_changes_nothing)
{
	static const char *const show_cols[] = { "created_on", "name",
		"owner" };
	static const char *const db_cells[] = { "2024", "DEMO", "SYSADMIN" };
	static const char *const grant_cols[] = { "created_on", "privilege",
		"granted_on", "name", "granted_to", "grantee_name" };
	static const char *const grant_cells[] = {
		"x",
		"USAGE",
		"DATABASE",
		"DEMO",
		"ROLE",
		"R",
		"x",
		"SELECT",
		"TABLE",
		"DEMO.XCOM.XCOM_TABLE",
		"ROLE",
		"R",
		"x",
		"INSERT",
		"TABLE",
		"\"DEMO\".\"XCOM\".\"XCOM_TABLE\"",
		"ROLE",
		"R",
	};
	struct setup_rows db = { 1, 3, show_cols, db_cells };
	struct setup_rows none = { 0, 3, show_cols, NULL };
	struct setup_rows grants = { 3, 6, grant_cols, grant_cells };
	struct setup_params p;
	struct setup_plan pl;
	struct setup_step *s, *sel;
	char *cause = NULL;
	size_t run, skip, i;

	setup_params_defaults(&p);
	p.user_role = "R";
	ck_assert_int_eq(setup_plan_build(&p, &pl, &cause), 0);
	setup_plan_probe(&pl, "SHOW DATABASES LIKE 'DEMO'", &db);
	ck_assert_int_eq(pl.v[0].status, SETUP_EXISTS);
	setup_plan_probe(
	    &pl, "SHOW SCHEMAS LIKE 'DEMO' IN DATABASE DEMO", &none);
	ck_assert_int_eq(pl.v[1].status, SETUP_CREATE);
	setup_plan_probe(&pl, "SHOW GRANTS TO ROLE R", &grants);
	s = find(&pl, "GRANT USAGE ON DATABASE DEMO");
	ck_assert_int_eq(s->status, SETUP_EXISTS);
	/* SELECT and INSERT are there, UPDATE is not: the grant runs. */
	sel = find(&pl, "GRANT SELECT,INSERT,UPDATE ON TABLE");
	ck_assert_int_eq(sel->status, SETUP_CREATE);
	s = find(&pl, "GRANT USAGE ON SCHEMA DEMO.DEMO");
	ck_assert_int_eq(s->status, SETUP_CREATE);

	/* A set-up account: every probe finds its object. */
	for (i = 0; i < pl.n; i++) {
		static const char *cells[3];
		struct setup_rows one = { 1, 3, show_cols, cells };

		if (pl.v[i].kind == SETUP_GRANT)
			continue;
		cells[0] = "x";
		cells[1] = pl.v[i].probe_name;
		cells[2] = "y";
		setup_plan_probe(&pl, pl.v[i].probe_sql, &one);
		ck_assert_int_eq(pl.v[i].status, SETUP_EXISTS);
	}
	setup_plan_counts(&pl, &run, &skip);
	ck_assert_uint_gt(run, 0); /* grants still missing */
	setup_plan_free(&pl);
}
END_TEST

START_TEST(test_params_from_backend_settings)
{
	struct setup_params p;
	char *parts[4] = { NULL, NULL, NULL, NULL };
	int i;

	setup_params_defaults(&p);
	setup_params_xcom(&p, "AF.XC.TBL", "AF.XC.STG", parts);
	ck_assert_str_eq(p.xcom_database, "AF");
	ck_assert_str_eq(p.xcom_schema, "XC");
	ck_assert_str_eq(p.xcom_table, "TBL");
	ck_assert_str_eq(p.xcom_stage, "STG");
	for (i = 0; i < 4; i++)
		free(parts[i]);
	/* Not a 3-part name (the backend would refuse it): defaults stay. */
	setup_params_defaults(&p);
	memset(parts, 0, sizeof parts);
	setup_params_xcom(&p, "TBL", "STG", parts);
	setup_params_xcom(&p, NULL, NULL, parts);
	ck_assert_str_eq(p.xcom_table, "XCOM_TABLE");
	ck_assert_ptr_null(parts[0]);
}
END_TEST

START_TEST(test_hints)
{
	struct setup_params p;
	struct setup_plan pl;
	char *cause = NULL, *h;

	setup_params_defaults(&p);
	p.user_role = "R";
	ck_assert_int_eq(setup_plan_build(&p, &pl, &cause), 0);
	h = setup_hint(&pl.v[0], "003001",
	    "SQL access control error: Insufficient privileges to operate on "
	    "account 'X'");
	ck_assert_ptr_nonnull(strstr(h, "role SYSADMIN lacks"));
	ck_assert_ptr_nonnull(strstr(h, "GRANT CREATE DATABASE ON ACCOUNT"));
	free(h);
	h = setup_hint(&pl.v[1], "002003",
	    "Database 'DEMO' does not exist or not authorized.");
	ck_assert_ptr_nonnull(strstr(h, "USAGE"));
	free(h);
	h = setup_hint(&pl.v[1], "000000", "boom");
	ck_assert_ptr_nonnull(strstr(h, "resume"));
	free(h);
	setup_plan_free(&pl);
}
END_TEST

Suite *setup_suite(void);

Suite *
setup_suite(void)
{
	Suite *s = suite_create("setup");
	TCase *tc = tcase_create("setup");

	tcase_add_test(tc, test_ident_and_string);
	tcase_add_test(tc, test_plan_seed_defaults);
	tcase_add_test(tc, test_plan_containers_and_replace);
	tcase_add_test(tc, test_plan_probe_second_run_changes_nothing);
	tcase_add_test(tc, test_params_from_backend_settings);
	tcase_add_test(tc, test_hints);
	suite_add_tcase(s, tc);
	return s;
}
