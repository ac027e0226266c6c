/* Unit tests: DAG params, trigger forms and conf validation. */

#include <check.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "params.h"

/* The shape Airflow 3 returns for tests/airflow/dags/snowdeck_params.py. */
static const char details[] =
    "{\"dag_id\":\"snowdeck_params\",\"params\":{"
    "\"count\":{\"__class\":\"airflow.sdk.definitions.param.Param\","
    "\"value\":1,\"description\":\"How many (>= 0)\",\"schema\":{\"type\":"
    "\"integer\",\"minimum\":0}},"
    "\"color\":{\"__class\":\"airflow.sdk.definitions.param.Param\","
    "\"value\":\"red\",\"description\":null,\"schema\":{\"type\":"
    "\"string\",\"enum\":[\"red\",\"green\",\"blue\"]}},"
    "\"name\":{\"__class\":\"airflow.sdk.definitions.param.Param\","
    "\"value\":null,\"description\":\"Required\\u001b[31m, no "
    "default\",\"schema\":{\"type\":\"string\",\"minLength\":2}},"
    "\"maybe\":{\"value\":null,\"schema\":{\"type\":[\"null\","
    "\"boolean\"]}},"
    "\"legacy\":5}}";

static struct af_params
load(void)
{
	struct af_params ps;
	char *cause = NULL;

	ck_assert_int_eq(
	    af_params_parse(details, strlen(details), &ps, &cause), 0);
	return ps;
}

START_TEST(test_parse)
{
	struct af_params ps = load();

	ck_assert_uint_eq(ps.n, 5);
	ck_assert_str_eq(ps.v[0].name, "count");
	ck_assert_int_eq(ps.v[0].type, AF_P_INTEGER);
	ck_assert_str_eq(ps.v[0].default_json, "1");
	ck_assert_int_eq(ps.v[0].has_min, 1);
	ck_assert_int_eq(ps.v[0].required, 0);
	ck_assert_uint_eq(ps.v[1].nenum, 3);
	ck_assert_str_eq(ps.v[1].enums[1], "\"green\"");
	ck_assert_int_eq(ps.v[2].required, 1);
	ck_assert_int_eq(ps.v[2].min_len, 2);
	/* Descriptions come from the server: sanitized. */
	ck_assert_ptr_null(strchr(ps.v[2].description, '\033'));
	ck_assert_int_eq(ps.v[3].type, AF_P_BOOLEAN);
	ck_assert_int_eq(ps.v[3].nullable, 1);
	ck_assert_int_eq(ps.v[3].required, 0);
	ck_assert_int_eq(ps.v[4].type, AF_P_ANY);
	ck_assert_str_eq(ps.v[4].default_json, "5");
	af_params_free(&ps);
}
END_TEST

START_TEST(test_validate)
{
	struct af_params ps = load();
	char *cause = NULL;

	ck_assert_int_eq(
	    af_params_validate(&ps, "{\"name\":\"ab\"}", &cause), 0);
	ck_assert_int_eq(af_params_validate(&ps, NULL, &cause), -1);
	/* The escape sequence from the server is gone, the words stay. */
	ck_assert_str_eq(
	    cause, "param \"name\" is required: Required, no default");
	free(cause);
	ck_assert_int_eq(
	    af_params_validate(&ps, "{\"name\":\"ab\",\"count\":-1}", &cause),
	    -1);
	ck_assert_str_eq(cause, "param \"count\" must be at least 0");
	free(cause);
	ck_assert_int_eq(
	    af_params_validate(&ps, "{\"name\":\"ab\",\"count\":1.5}", &cause),
	    -1);
	ck_assert_str_eq(cause, "param \"count\" must be an integer");
	free(cause);
	ck_assert_int_eq(af_params_validate(&ps,
			     "{\"name\":\"ab\",\"color\":\"pink\"}", &cause),
	    -1);
	ck_assert_str_eq(cause, "param \"color\" must be one of \"red\", "
				"\"green\", \"blue\"");
	free(cause);
	ck_assert_int_eq(
	    af_params_validate(&ps, "{\"name\":\"a\"}", &cause), -1);
	ck_assert_ptr_nonnull(strstr(cause, "at least 2 characters"));
	free(cause);
	ck_assert_int_eq(af_params_validate(&ps, "[1]", &cause), -1);
	ck_assert_ptr_nonnull(strstr(cause, "JSON object"));
	free(cause);
	/* Extra keys are Airflow's business. */
	ck_assert_int_eq(af_params_validate(&ps,
			     "{\"name\":\"ab\",\"extra\":{\"x\":1}}", &cause),
	    0);
	af_params_free(&ps);
}
END_TEST

START_TEST(test_form)
{
	struct af_params ps = load();
	const char *vals[5] = { "3", "blue", "alice", "yes", NULL };
	char *conf = NULL, *cause = NULL;

	ck_assert_int_eq(af_params_conf_from_form(&ps, vals, &conf, &cause), 0);
	ck_assert_str_eq(conf, "{\"count\":3,\"color\":\"blue\",\"name\":"
			       "\"alice\",\"maybe\":true}");
	free(conf);
	vals[0] = "three";
	ck_assert_int_eq(
	    af_params_conf_from_form(&ps, vals, &conf, &cause), -1);
	ck_assert_str_eq(cause, "param \"count\": \"three\" is not an integer");
	ck_assert_ptr_null(conf);
	free(cause);
	vals[0] = "";   /* empty: the default */
	vals[2] = NULL; /* required and left out */
	ck_assert_int_eq(
	    af_params_conf_from_form(&ps, vals, &conf, &cause), -1);
	ck_assert_ptr_nonnull(strstr(cause, "\"name\" is required"));
	free(cause);
	vals[2] = "bob";
	vals[3] = "maybe";
	ck_assert_int_eq(
	    af_params_conf_from_form(&ps, vals, &conf, &cause), -1);
	ck_assert_ptr_nonnull(strstr(cause, "not true or false"));
	free(cause);
	vals[3] = NULL;
	vals[4] = "[1, 2]"; /* untyped: JSON when it parses */
	ck_assert_int_eq(af_params_conf_from_form(&ps, vals, &conf, &cause), 0);
	ck_assert_str_eq(
	    conf, "{\"color\":\"blue\",\"name\":\"bob\",\"legacy\":[1,2]}");
	free(conf);
	vals[4] = "plain words";
	ck_assert_int_eq(af_params_conf_from_form(&ps, vals, &conf, &cause), 0);
	ck_assert_str_eq(conf, "{\"color\":\"blue\",\"name\":\"bob\","
			       "\"legacy\":\"plain words\"}");
	free(conf);
	af_params_free(&ps);
}
END_TEST

START_TEST(test_no_params_and_bad_json)
{
	struct af_params ps;
	char *cause = NULL;

	ck_assert_int_eq(
	    af_params_parse("{\"dag_id\":\"x\"}", 14, &ps, &cause), 0);
	ck_assert_uint_eq(ps.n, 0);
	ck_assert_int_eq(af_params_validate(&ps, "{}", &cause), 0);
	af_params_free(&ps);
	ck_assert_int_eq(af_params_parse("{\"params\":", 10, &ps, &cause), -1);
	ck_assert_ptr_nonnull(strstr(cause, "not valid JSON"));
	free(cause);
}
END_TEST

/* Schema numbers beyond a long clamp instead of overflowing the cast. */
START_TEST(test_huge_lengths)
{
	static const char big[] =
	    "{\"params\":{\"a\":{\"value\":\"x\",\"schema\":{\"type\":"
	    "\"string\",\"minLength\":1e30}},\"b\":{\"value\":\"y\","
	    "\"schema\":{\"type\":\"string\",\"maxLength\":-1e300}}}}";
	struct af_params ps;
	char *cause = NULL;

	ck_assert_int_eq(af_params_parse(big, strlen(big), &ps, &cause), 0);
	ck_assert_uint_eq(ps.n, 2);
	ck_assert(ps.v[0].min_len == LONG_MAX);
	ck_assert_int_eq(ps.v[1].max_len, -1);
	ck_assert_int_eq(
	    af_params_validate(&ps, "{\"a\":\"xyz\"}", &cause), -1);
	ck_assert_ptr_nonnull(strstr(cause, "needs at least"));
	free(cause);
	af_params_free(&ps);
}
END_TEST

Suite *params_suite(void);

Suite *
params_suite(void)
{
	Suite *s = suite_create("params");
	TCase *tc = tcase_create("params");

	tcase_add_test(tc, test_parse);
	tcase_add_test(tc, test_validate);
	tcase_add_test(tc, test_form);
	tcase_add_test(tc, test_no_params_and_bad_json);
	tcase_add_test(tc, test_huge_lengths);
	suite_add_tcase(s, tc);
	return s;
}
