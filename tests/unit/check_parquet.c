/* Unit tests: parquet footers against pyarrow's own reading of the same
 * files (tests/fixtures/parquet/expected.json, written by gen.py). */

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "parquet.h"
#include "util.h"

static char *
slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *data;
	long n;

	ck_assert_msg(f != NULL, "cannot open %s", path);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	data = xmalloc((size_t)n + 1);
	ck_assert_uint_eq(fread(data, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	data[n] = '\0';
	*len = (size_t)n;
	return data;
}

START_TEST(test_against_pyarrow)
{
	size_t elen, flen, i, need;
	char *etext = slurp("fixtures/parquet/expected.json", &elen);
	cJSON *exp = cJSON_Parse(etext), *e, *c;
	struct pq_meta m;
	char *data, *path, *cause = NULL;
	struct buf b;
	int nfiles = 0;

	ck_assert_ptr_nonnull(exp);
	cJSON_ArrayForEach(e, exp)
	{
		path = xasprintf("fixtures/parquet/%s",
		    cJSON_GetObjectItem(e, "file")->valuestring);
		data = slurp(path, &flen);
		need = pq_footer_size((const uint8_t *)data + flen - 8);
		ck_assert_uint_gt(need, 8);
		ck_assert_uint_lt(need, flen);
		/* Only the tail is given, as a range request would fetch. */
		ck_assert_int_eq(
		    pq_footer_parse(
			(const uint8_t *)data + flen - need, need, &m, &cause),
		    0);
		ck_assert_int_eq(
		    m.num_rows, cJSON_GetObjectItem(e, "num_rows")->valueint);
		ck_assert_uint_eq(m.num_row_groups,
		    (size_t)cJSON_GetObjectItem(e, "row_groups")->valueint);
		c = cJSON_GetObjectItem(e, "columns");
		ck_assert_uint_eq(m.ncols, (size_t)cJSON_GetArraySize(c));
		for (i = 0; i < m.ncols; i++) {
			cJSON *col = cJSON_GetArrayItem(c, (int)i);

			ck_assert_str_eq(m.cols[i].path,
			    cJSON_GetObjectItem(col, "path")->valuestring);
			ck_assert_str_eq(m.cols[i].type,
			    cJSON_GetObjectItem(col, "type")->valuestring);
		}
		buf_init(&b);
		pq_meta_text(&m, &b);
		ck_assert_ptr_nonnull(strstr(b.data, " rows in "));
		buf_free(&b);
		pq_meta_free(&m);
		/* One byte short of the footer: said plainly. */
		ck_assert_int_eq(
		    pq_footer_parse((const uint8_t *)data + flen - need + 1,
			need - 1, &m, &cause),
		    -1);
		ck_assert_ptr_nonnull(strstr(cause, "only"));
		free(cause);
		cause = NULL;
		free(data);
		free(path);
		nfiles++;
	}
	ck_assert_int_eq(nfiles, 2);
	cJSON_Delete(exp);
	free(etext);
}
END_TEST

START_TEST(test_logical_types)
{
	size_t flen, need, i;
	char *data = slurp("fixtures/parquet/nested.parquet", &flen), *cause;
	struct pq_meta m;
	const char *want[][2] = { { "day", "DATE" }, { "at", "TIMESTAMP" },
		{ "amount", "DECIMAL" } };
	size_t k;
	int found;

	need = pq_footer_size((const uint8_t *)data + flen - 8);
	ck_assert_int_eq(pq_footer_parse((const uint8_t *)data + flen - need,
			     need, &m, &cause),
	    0);
	for (k = 0; k < 3; k++) {
		for (i = 0, found = 0; i < m.ncols; i++) {
			if (strcmp(m.cols[i].path, want[k][0]) == 0) {
				ck_assert_ptr_nonnull(m.cols[i].logical);
				ck_assert_str_eq(m.cols[i].logical, want[k][1]);
				found = 1;
			}
		}
		ck_assert_int_eq(found, 1);
	}
	ck_assert_ptr_nonnull(m.created_by);
	ck_assert_ptr_nonnull(strstr(m.created_by, "parquet-cpp"));
	pq_meta_free(&m);
	free(data);
}
END_TEST

START_TEST(test_not_parquet)
{
	static const uint8_t junk[] = "this is not a parquet file at all";
	uint8_t bad[16] = { 0 };
	struct pq_meta m;
	char *cause = NULL;

	ck_assert_int_eq(
	    pq_footer_parse(junk, sizeof junk - 1, &m, &cause), -1);
	ck_assert_ptr_nonnull(strstr(cause, "PAR1"));
	free(cause);
	/* Magic present, absurd length. */
	memcpy(bad + 8, "\xff\xff\xff\x7fPAR1", 8);
	ck_assert_uint_eq(pq_footer_size(bad + 8), 0);
	ck_assert_int_eq(pq_footer_parse(bad, sizeof bad, &m, &cause), -1);
	free(cause);
	/* Plausible length, garbage metadata. */
	memcpy(bad, "\x19\x7c\x7c\x7c\x7c\x7c\x7c\x7c\x04\x00\x00\x00PAR1", 16);
	ck_assert_int_eq(pq_footer_parse(bad, sizeof bad, &m, &cause), -1);
	free(cause);
}
END_TEST

Suite *parquet_suite(void);

Suite *
parquet_suite(void)
{
	Suite *s = suite_create("parquet");
	TCase *tc = tcase_create("parquet");

	tcase_add_test(tc, test_against_pyarrow);
	tcase_add_test(tc, test_logical_types);
	tcase_add_test(tc, test_not_parquet);
	suite_add_tcase(s, tc);
	return s;
}
