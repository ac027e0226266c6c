/* Unit tests: Snowflake XCom backend references (seed-systems.md §1.7). */

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "xcomref.h"

#define PARSE(s, r, c) xcomref_parse((s), strlen(s), (r), (c))

START_TEST(test_readme_example)
{
	/* The exact example from both snowpark demos' README, step 8. */
	static const char ref[] =
	    "snowflake://myORG-myACCT?&table=DEMO.XCOM.XCOM_TABLE&key="
	    "snowpark_demo/load.load_yellow_tripdata_sample_2019_01.csv/"
	    "manual__2023-06-19T15:41:46.538589+00:00/0/return_value";
	struct xcomref r;
	char *cause = NULL;

	ck_assert(xcomref_is_candidate(ref, strlen(ref)));
	ck_assert_int_eq(PARSE(ref, &r, &cause), 0);
	ck_assert_int_eq(r.kind, XCOMREF_TABLE);
	ck_assert_str_eq(r.account, "myORG-myACCT");
	ck_assert_ptr_null(r.region);
	ck_assert_str_eq(r.object, "DEMO.XCOM.XCOM_TABLE");
	ck_assert_str_eq(r.database, "DEMO");
	ck_assert_str_eq(r.schema, "XCOM");
	ck_assert_str_eq(r.name, "XCOM_TABLE");
	ck_assert_str_eq(r.dag_id, "snowpark_demo");
	ck_assert_str_eq(
	    r.task_id, "load.load_yellow_tripdata_sample_2019_01.csv");
	/* Never URL-decoded: '+' stays '+'. */
	ck_assert_str_eq(r.run_id, "manual__2023-06-19T15:41:46.538589+00:00");
	ck_assert_int_eq(r.multi_index, 0);
	ck_assert_str_eq(r.xcom_key, "return_value");
	ck_assert_ptr_null(r.ext);
	ck_assert_int_eq(r.format, XCOMREF_FMT_NONE);
	ck_assert_int_eq(r.whole_table, 0);
	xcomref_free(&r);
}
END_TEST

START_TEST(test_stage_region_and_formats)
{
	static const char ref[] =
	    "snowflake://xy12345.us-east-1?&stage=DEMO.XCOM.XCOM_STAGE&key="
	    "customer_analytics/transform/scheduled__2024-01-01T00:00:00+00:00"
	    "/-1/return_value.parquet";
	struct xcomref r;
	char *cause = NULL;

	ck_assert_int_eq(PARSE(ref, &r, &cause), 0);
	ck_assert_int_eq(r.kind, XCOMREF_STAGE);
	ck_assert_str_eq(r.account, "xy12345");
	ck_assert_str_eq(r.region, "us-east-1");
	ck_assert_str_eq(r.name, "XCOM_STAGE");
	ck_assert_int_eq(r.multi_index, -1); /* provider HEAD: map_index */
	ck_assert_str_eq(r.xcom_key, "return_value");
	ck_assert_str_eq(r.ext, "parquet");
	ck_assert_int_eq(r.format, XCOMREF_FMT_PARQUET);
	xcomref_free(&r);

	/* Three netloc parts: all of it is the account, no region. */
	ck_assert_int_eq(PARSE("snowflake://a.b.c?&stage=D.S.X&key=d/t/r/1/"
			       "k.pickle",
			     &r, &cause),
	    0);
	ck_assert_str_eq(r.account, "a.b.c");
	ck_assert_ptr_null(r.region);
	ck_assert_int_eq(r.format, XCOMREF_FMT_PICKLE);
	ck_assert_str_eq(
	    xcomref_format_name(r.format), "Python pickle (never unpickled)");
	xcomref_free(&r);
	ck_assert_int_eq(xcomref_format_of("NP"), XCOMREF_FMT_NP);
	ck_assert_int_eq(xcomref_format_of("bin"), XCOMREF_FMT_BIN);
	ck_assert_int_eq(xcomref_format_of("json"), XCOMREF_FMT_JSON);
	ck_assert_int_eq(xcomref_format_of("csv"), XCOMREF_FMT_CSV);
	ck_assert_int_eq(xcomref_format_of("str"), XCOMREF_FMT_TEXT);
	ck_assert_int_eq(xcomref_format_of("xyz"), XCOMREF_FMT_OTHER);
}
END_TEST

START_TEST(test_whole_table)
{
	struct xcomref r;
	char *cause = NULL;

	ck_assert_int_eq(PARSE("snowflake://acct?&table=DEMO.DEMO.TAXI_RAW&"
			       "key=*",
			     &r, &cause),
	    0);
	ck_assert_int_eq(r.whole_table, 1);
	ck_assert_ptr_null(r.dag_id);
	ck_assert_str_eq(r.key, "*");
	xcomref_free(&r);
	/* A stage cannot be "the whole table". */
	ck_assert_int_eq(
	    PARSE("snowflake://acct?&stage=D.S.X&key=*", &r, &cause), -1);
	free(cause);
}
END_TEST

START_TEST(test_rejections)
{
	static const struct {
		const char *ref, *why;
	} bad[] = {
		{ "https://acct?&table=D.S.T&key=a/b/c/0/k", "snowflake://" },
		{ "snowflake://acct", "no query" },
		{ "snowflake://acct/DEMO/XCOM?table=T&key=a/b/c/0/k", "path" },
		{ "snowflake://?&table=D.S.T&key=a/b/c/0/k", "no account" },
		{ "snowflake://acct?table=D.S.T&key=a/b/c/0/k", "?&" },
		{ "snowflake://acct?&table=D.S.T", "lacks" },
		{ "snowflake://acct?&view=D.S.T&key=a/b/c/0/k", "view" },
		{ "snowflake://acct?&table=S.T&key=a/b/c/0/k",
		    "fully-qualified" },
		{ "snowflake://acct?&table=D..T&key=a/b/c/0/k",
		    "fully-qualified" },
		{ "snowflake://acct?&table=D.S.T&id=a/b/c/0/k", "key=" },
		{ "snowflake://acct?&table=D.S.T&key=a/b/c/0", "five" },
		{ "snowflake://acct?&table=D.S.T&key=a/b/c/0/k/x", "five" },
		{ "snowflake://acct?&table=D.S.T&key=a//c/0/k", "empty" },
		{ "snowflake://acct?&table=D.S.T&key=a/b/c/x1/k", "integer" },
		{ "snowflake://acct?&stage=D.S.T&key=a/b/c/0/noext",
		    "extension" },
		{ "snowflake://acct?&stage=D.S.T&key=a/b/c/0/k.", "extension" },
	};
	struct xcomref r;
	char *cause;
	size_t i;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		cause = NULL;
		ck_assert_msg(
		    PARSE(bad[i].ref, &r, &cause) == -1, "%s", bad[i].ref);
		ck_assert_ptr_nonnull(cause);
		ck_assert_msg(strstr(cause, bad[i].why) != NULL,
		    "%s: cause \"%s\" lacks \"%s\"", bad[i].ref, cause,
		    bad[i].why);
		ck_assert_ptr_null(r.account);
		free(cause);
	}
	ck_assert(!xcomref_is_candidate("snowflake://acct", 16));
	ck_assert(!xcomref_is_candidate("\"snowflake://a?&t\"", 18));
}
END_TEST

START_TEST(test_stage_path_reverse)
{
	static const char path[] =
	    "xcom_stage/customer_analytics/load.load_file/manual__2024-02-01T"
	    "10:00:00+00:00/0/return_value.json";
	struct xcomref r;
	char *cause = NULL;

	ck_assert_int_eq(
	    xcomref_parse_stage_path(path, strlen(path), 1, &r, &cause), 0);
	ck_assert_str_eq(r.dag_id, "customer_analytics");
	ck_assert_str_eq(r.task_id, "load.load_file");
	ck_assert_str_eq(r.run_id, "manual__2024-02-01T10:00:00+00:00");
	ck_assert_int_eq(r.multi_index, 0);
	ck_assert_str_eq(r.xcom_key, "return_value");
	ck_assert_int_eq(r.format, XCOMREF_FMT_JSON);
	xcomref_free(&r);
	ck_assert_int_eq(xcomref_parse_stage_path(
			     path + 11, strlen(path) - 11, 0, &r, &cause),
	    0);
	ck_assert_str_eq(r.dag_id, "customer_analytics");
	xcomref_free(&r);
	ck_assert_int_eq(
	    xcomref_parse_stage_path("other/file.csv", 14, 0, &r, &cause), -1);
	ck_assert_ptr_nonnull(strstr(cause, "layout"));
	free(cause);
	ck_assert_int_eq(
	    xcomref_parse_stage_path("nostage", 7, 1, &r, &cause), -1);
	free(cause);
}
END_TEST

Suite *xcomref_suite(void);

Suite *
xcomref_suite(void)
{
	Suite *s = suite_create("xcomref");
	TCase *tc = tcase_create("xcomref");

	tcase_add_test(tc, test_readme_example);
	tcase_add_test(tc, test_stage_region_and_formats);
	tcase_add_test(tc, test_whole_table);
	tcase_add_test(tc, test_rejections);
	tcase_add_test(tc, test_stage_path_reverse);
	suite_add_tcase(s, tc);
	return s;
}
