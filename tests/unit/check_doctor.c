/* Unit tests: the preflight checklist and its pure judgements. */

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "doctor.h"
#include "grants.h"
#include "util.h"

START_TEST(test_checklist)
{
	struct doctor d;
	struct buf b;
	size_t a, s;

	doctor_init(&d);
	a = doctor_add(&d, "Airflow", "reachable");
	s = doctor_add(&d, "Snowflake", "authenticated (key pair)");
	ck_assert_uint_eq(doctor_pending(&d), 2);
	ck_assert_int_eq(doctor_exit_code(&d), 1); /* pending is not ok */
	doctor_set(&d, a, DOCTOR_OK, "Airflow 3.1.8 at http://x", NULL);
	doctor_set(&d, s, DOCTOR_FAIL, "JWT rejected: \033[31mbad\033[0m",
	    "register the public key: ALTER USER … SET RSA_PUBLIC_KEY");
	ck_assert_uint_eq(doctor_pending(&d), 0);
	ck_assert_int_eq(doctor_exit_code(&d), 1);
	buf_init(&b);
	doctor_text(&d, &b, 1);
	ck_assert_str_eq(b.data,
	    "Airflow\n"
	    "  + reachable: Airflow 3.1.8 at http://x\n"
	    "\n"
	    "Snowflake\n"
	    "  x authenticated (key pair): JWT rejected: bad\n"
	    "      fix: register the public key: ALTER USER … SET "
	    "RSA_PUBLIC_KEY\n"
	    "\n"
	    "2 checks: 1 failed, 0 warnings\n");
	buf_reset(&b);
	doctor_json(&d, &b);
	ck_assert_ptr_nonnull(strstr(b.data, "\"ok\":\tfalse"));
	ck_assert_ptr_nonnull(strstr(b.data, "\"state\":\t\"fail\""));
	doctor_set(&d, s, DOCTOR_WARN, "slow", "x");
	ck_assert_int_eq(doctor_exit_code(&d), 0);
	ck_assert_str_eq(doctor_glyph(DOCTOR_OK, 0), "\xe2\x9c\x93");
	buf_free(&b);
	doctor_free(&d);
}
END_TEST

START_TEST(test_xcom_table)
{
	static const char *const names[] = { "DAG_ID", "TASK_ID", "RUN_ID",
		"MULTI_INDEX", "KEY", "VALUE_TYPE", "VALUE" };
	static const char *const types[] = { "VARCHAR(16777216)",
		"VARCHAR(16777216)", "VARCHAR(16777216)", "NUMBER(38,0)",
		"VARCHAR(16777216)", "VARCHAR(16777216)", "VARCHAR(16777216)" };
	const char *bad_types[7];
	char *detail = NULL;

	ck_assert_int_eq(
	    doctor_xcom_table(names, types, 7, &detail), DOCTOR_OK);
	free(detail);
	ck_assert_int_eq(
	    doctor_xcom_table(names, types, 6, &detail), DOCTOR_FAIL);
	ck_assert_ptr_nonnull(strstr(detail, "6 columns"));
	free(detail);
	memcpy(bad_types, types, sizeof bad_types);
	bad_types[3] = "VARCHAR(10)";
	ck_assert_int_eq(
	    doctor_xcom_table(names, bad_types, 7, &detail), DOCTOR_FAIL);
	ck_assert_str_eq(
	    detail, "column MULTI_INDEX is VARCHAR(10), expected NUMBER");
	free(detail);
	bad_types[3] = "NUMBERX";
	ck_assert_int_eq(
	    doctor_xcom_table(names, bad_types, 7, &detail), DOCTOR_FAIL);
	free(detail);
}
END_TEST

struct env {
	const char *backend, *table, *stage, *conn;
};

static const char *
env_value(const char *name, void *arg)
{
	const struct env *e = arg;

	if (strcmp(name, "AIRFLOW__CORE__XCOM_BACKEND") == 0)
		return e->backend;
	if (strcmp(name, "AIRFLOW__CORE__XCOM_SNOWFLAKE_TABLE") == 0)
		return e->table;
	if (strcmp(name, "AIRFLOW__CORE__XCOM_SNOWFLAKE_STAGE") == 0)
		return e->stage;
	if (strcmp(name, "AIRFLOW__CORE__XCOM_SNOWFLAKE_CONN_NAME") == 0)
		return e->conn;
	return NULL;
}

START_TEST(test_xcom_backend)
{
	struct env e = { "astronomer.providers.snowflake.xcom_backends."
			 "snowflake.SnowflakeXComBackend",
		"DEMO.XCOM.XCOM_TABLE", "DEMO.XCOM.XCOM_STAGE",
		"snowflake_default" };
	char *detail = NULL, *fix = NULL;

	ck_assert_int_eq(
	    doctor_xcom_backend(env_value, &e, &detail, &fix), DOCTOR_OK);
	ck_assert_ptr_null(fix);
	free(detail);
	e.table = "XCOM_TABLE";
	ck_assert_int_eq(
	    doctor_xcom_backend(env_value, &e, &detail, &fix), DOCTOR_FAIL);
	ck_assert_ptr_nonnull(strstr(detail, "not DB.SCHEMA.TABLE"));
	ck_assert_ptr_nonnull(fix);
	free(detail);
	free(fix);
	e.table = "DEMO.XCOM.XCOM_TABLE";
	e.conn = NULL;
	ck_assert_int_eq(
	    doctor_xcom_backend(env_value, &e, &detail, &fix), DOCTOR_FAIL);
	ck_assert_ptr_nonnull(strstr(detail, "CONN_NAME"));
	free(detail);
	free(fix);
	e.stage = "DEMO..X";
	ck_assert_int_eq(
	    doctor_xcom_backend(env_value, &e, &detail, &fix), DOCTOR_FAIL);
	free(detail);
	free(fix);
	e.backend = NULL;
	ck_assert_int_eq(
	    doctor_xcom_backend(env_value, &e, &detail, &fix), DOCTOR_WARN);
	free(detail);
	free(fix);
	e.backend = "airflow.models.xcom.BaseXCom";
	ck_assert_int_eq(
	    doctor_xcom_backend(env_value, &e, &detail, &fix), DOCTOR_WARN);
	free(detail);
	free(fix);
}
END_TEST

/* OPERATE on the listed services and pools, through OWNERSHIP too. */
START_TEST(test_spcs_operate)
{
	struct doctor_spcs_obj objs[] = {
		{ 0, "DEMO", "XCOM", "RUNNER" },
		{ 0, "DEMO", "XCOM", "SISSYG" },
		{ 0, "DEMO", "XCOM", "mixed Case" },
		{ 1, NULL, NULL, "SNOWDECK_POOL" },
	};
	struct grants g;
	char *detail, *fix;

	grants_init(&g, "OPS_ROLE", 1);
	grants_add(&g, "OPERATE", "SERVICE", "DEMO.XCOM.RUNNER", 0);
	grants_add(&g, "OWNERSHIP", "SERVICE", "DEMO.XCOM.\"mixed Case\"", 0);
	grants_add(&g, "OPERATE", "COMPUTE POOL", "SNOWDECK_POOL", 0);
	ck_assert_int_eq(
	    doctor_spcs_operate(&g, objs, 4, &detail, &fix), DOCTOR_WARN);
	ck_assert_str_eq(detail,
	    "role OPS_ROLE lacks OPERATE on service DEMO.XCOM.SISSYG (SHOW "
	    "GRANTS): the console shows their restart, suspend and resume "
	    "disabled");
	ck_assert_str_eq(fix, "ask an admin: GRANT OPERATE ON SERVICE "
			      "DEMO.XCOM.SISSYG TO ROLE OPS_ROLE");
	free(detail);
	free(fix);
	/* Granted: all green, with the counts. */
	grants_add(&g, "OPERATE", "SERVICE", "DEMO.XCOM.SISSYG", 0);
	ck_assert_int_eq(
	    doctor_spcs_operate(&g, objs, 4, &detail, &fix), DOCTOR_OK);
	ck_assert_str_eq(detail, "role OPS_ROLE may operate the 3 services "
				 "and 1 compute pool (SHOW GRANTS)");
	ck_assert_ptr_null(fix);
	free(detail);
	/* Nothing listed: not applicable. */
	ck_assert_int_eq(
	    doctor_spcs_operate(&g, objs, 0, &detail, &fix), DOCTOR_SKIP);
	ck_assert_ptr_null(fix);
	free(detail);
	grants_free(&g);

	/* Many denied: eight named, the rest counted; quoted as SQL needs. */
	{
		struct doctor_spcs_obj many[12];
		char names[12][16];
		size_t i;

		grants_init(&g, "viewer", 0);
		for (i = 0; i < 12; i++) {
			snprintf(names[i], sizeof names[i], "svc %zu", i);
			many[i] =
			    (struct doctor_spcs_obj){ 0, "D", "S", names[i] };
		}
		ck_assert_int_eq(
		    doctor_spcs_operate(&g, many, 12, &detail, &fix),
		    DOCTOR_WARN);
		ck_assert_ptr_nonnull(strstr(detail, "role \"viewer\" lacks"));
		ck_assert_ptr_nonnull(
		    strstr(detail, "D.S.\"svc 7\" and 4 more"));
		ck_assert_ptr_null(strstr(detail, "svc 8"));
		ck_assert_ptr_nonnull(
		    strstr(fix, "GRANT OPERATE ON SERVICE D.S.\"svc 0\" TO "
				"ROLE \"viewer\"; GRANT"));
		free(detail);
		free(fix);
		grants_free(&g);
	}
}
END_TEST

Suite *doctor_suite(void);

Suite *
doctor_suite(void)
{
	Suite *s = suite_create("doctor");
	TCase *tc = tcase_create("doctor");

	tcase_add_test(tc, test_checklist);
	tcase_add_test(tc, test_xcom_table);
	tcase_add_test(tc, test_xcom_backend);
	tcase_add_test(tc, test_spcs_operate);
	suite_add_tcase(s, tc);
	return s;
}
