/* Fuzz target: every Airflow response parser over the same bytes. */

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "json_airflow.h"
#include "model.h"
#include "util.h"

#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
fuzz_check_str(const char *s)
{
	if (s != NULL)
		fuzz_check_text(s, strlen(s));
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *b = (const char *)data;
	struct models m;
	struct af_page p;
	struct af_run r;
	struct buf out;
	char *s, *tok;
	int trunc;
	size_t i;

	models_init(&m);
	if (json_af_dags_parse(b, size, &m.dags, &p, NULL) == 0) {
		for (i = 0; i < m.dags.n; i++) {
			fuzz_check_str(m.dags.v[i].dag_id);
			fuzz_check_str(m.dags.v[i].tags);
			fuzz_check_str(m.dags.v[i].schedule);
		}
	}
	if (json_af_runs_parse(b, size, &m.runs, &p, NULL) == 0) {
		for (i = 0; i < m.runs.n; i++) {
			fuzz_check_str(m.runs.v[i].run_id);
			fuzz_check_str(m.runs.v[i].conf);
		}
	}
	if (json_af_tis_parse(b, size, &m.tis, &p, NULL) == 0) {
		for (i = 0; i < m.tis.n; i++)
			fuzz_check_str(m.tis.v[i].task_id);
	}
	json_af_xcoms_parse(b, size, &m.xcoms, &p, NULL);
	if (json_af_run_parse(b, size, &r, NULL) == 0)
		af_run_clear(&r);
	buf_init(&out);
	if (json_af_xcom_value_parse(b, size, 4096, &out, &trunc, NULL) == 0)
		fuzz_check_text(out.data, out.len);
	buf_reset(&out);
	if (json_af_log_parse(b, size, 1, 0, &out, &tok, NULL) == 0) {
		fuzz_check_text(out.data, out.len);
		free(tok);
	}
	buf_reset(&out);
	if (json_af_log_parse(b, size, 2, 0, &out, &tok, NULL) == 0) {
		fuzz_check_text(out.data, out.len);
		free(tok);
	}
	buf_reset(&out);
	json_af_log_parse(b, size, 1, 1, &out, &tok, NULL);
	fuzz_check_text(out.data, out.len);
	buf_free(&out);
	if (json_af_version_parse(b, size, &s, NULL) == 0)
		free(s);
	if (json_af_token_parse(b, size, &s, NULL) == 0)
		free(s);
	s = json_af_error_message(b, size);
	fuzz_check_str(s);
	free(s);
	free(json_af_params_defaults(b, size));
	models_free(&m);
	return 0;
}
