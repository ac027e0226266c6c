/* Unit tests: finding what an XCom value points at (the XCom bridge). */

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "xcom_resolve.h"

#define REF_T                                                                \
	"snowflake://acct?&table=DEMO.XCOM.XCOM_TABLE&key=d/t/manual__2024-" \
	"01-01T00:00:00+00:00/0/return_value"
#define REF_S                                                                 \
	"snowflake://acct.us-east-1?&stage=DEMO.XCOM.XCOM_STAGE&key=d/t/r/1/" \
	"return_value.parquet"

static size_t
find(const char *s, struct xres *x)
{
	memset(x, 0, sizeof *x);
	return xres_find(s, strlen(s), x);
}

START_TEST(test_forms)
{
	struct xres x;

	/* The JSON string Airflow's API returns for a reference. */
	ck_assert_uint_eq(find("\"" REF_T "\"", &x), 1);
	ck_assert_int_eq(x.v[0].kind, XRES_TABLE_ROW);
	ck_assert_str_eq(x.v[0].reference, REF_T);
	ck_assert_str_eq(x.v[0].object, "DEMO.XCOM.XCOM_TABLE");
	ck_assert_str_eq(
	    x.v[0].ref.run_id, "manual__2024-01-01T00:00:00+00:00");
	xres_free(&x);
	/* A list of leaves with a null, as the backend writes nested values. */
	ck_assert_uint_eq(
	    find("[\"" REF_T "\", null, {\"m\": \"" REF_S "\"}]", &x), 2);
	ck_assert_int_eq(x.v[1].kind, XRES_STAGE_FILE);
	ck_assert_int_eq(x.v[1].ref.format, XCOMREF_FMT_PARQUET);
	xres_free(&x);
	/* Python's repr (Airflow's stringified value) and duplicates. */
	ck_assert_uint_eq(
	    find("['" REF_T "', '" REF_T "', '" REF_S "']", &x), 2);
	xres_free(&x);
	/* Whole table, SnowparkTable, Astro SDK Table. */
	ck_assert_uint_eq(find("\"snowflake://a?&table=D.S.T&key=*\"", &x), 1);
	ck_assert_int_eq(x.v[0].kind, XRES_TABLE_PREVIEW);
	ck_assert_str_eq(x.v[0].object, "D.S.T");
	xres_free(&x);
	ck_assert_uint_eq(find("{\"class\": \"SnowparkTable\", \"name\": "
			       "\"TAXI\", \"metadata\": {\"database\": \"DB\", "
			       "\"schema\": \"SC\"}}",
			      &x),
	    1);
	ck_assert_str_eq(x.v[0].object, "DB.SC.TAXI");
	xres_free(&x);
	ck_assert_uint_eq(
	    find("{\"x\": {\"class\": \"Table\", \"name\": \"D.S.T2\"}}", &x),
	    1);
	ck_assert_str_eq(x.v[0].object, "D.S.T2");
	xres_free(&x);
	/* A JSON string that holds JSON. */
	ck_assert_uint_eq(find("\"{\\\"class\\\": \\\"SnowparkTable\\\", "
			       "\\\"name\\\": \\\"A.B.C\\\"}\"",
			      &x),
	    1);
	xres_free(&x);
	/* Object storage paths. */
	ck_assert_uint_eq(find("\"s3://b/xcom/d/r/t/"
			       "0b7f5e0e-8a3c-4b2a-9f44-3c1a2b3c4d5e.json\"",
			      &x),
	    1);
	ck_assert_int_eq(x.v[0].kind, XRES_OBJECT_STORAGE);
	xres_free(&x);
	/* Ordinary values and near misses. */
	ck_assert_uint_eq(find("{\"rows\": 3}", &x), 0);
	ck_assert_uint_eq(
	    find("\"snowflake://acct?table=D.S.T&key=a/b/c/0/k\"", &x), 0);
	ck_assert_uint_eq(find("\"s3://bucket/file.json\"", &x), 0);
	ck_assert_uint_eq(
	    find("{\"class\": \"Other\", \"name\": \"x\"}", &x), 0);
	xres_free(&x);
}
END_TEST

Suite *xres_suite(void);

Suite *
xres_suite(void)
{
	Suite *s = suite_create("xres");
	TCase *tc = tcase_create("xres");

	tcase_add_test(tc, test_forms);
	suite_add_tcase(s, tc);
	return s;
}
