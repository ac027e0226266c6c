/*
 * Fuzz target: the Snowflake response parsers: result sets, partitions,
 * error sentences, REST stage and file lists, generic object lists.
 */

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "json_snowflake.h"
#include "model_sf.h"
#include "sf_resources.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
fuzz_row(const char *const *cells, size_t ncols, void *arg, char **cause)
{
	struct sf_files *f = arg;
	size_t i, n = 0;

	(void)cause;
	for (i = 0; i < ncols; i++)
		n += cells[i] != NULL ? strlen(cells[i]) : 0;
	if (ncols >= 4) {
		char *c2 = NULL;

		if (sf_file_from_list_row(f, cells, ncols, "s/", &c2) != 0)
			free(c2);
	}
	return n > (1u << 30) ? -1 : 0;
}

static int
fuzz_elem(const char *elem, size_t len, void *arg, char **cause)
{
	char *c2 = NULL;

	(void)cause;
	if (json_sf_file_rest_one(elem, len, arg, &c2) != 0)
		free(c2);
	return 0;
}

static int
fuzz_sign(int c)
{
	return (c > 0) - (c < 0);
}

/* Every digest prints back as it came when packed, and within bounds. */
static void
fuzz_md5(const struct sf_files *f, const char *b, size_t size)
{
	char t[SF_MD5_TEXT], *z;
	unsigned char bin[16];
	uint16_t parts;
	size_t i;

	for (i = 0; i < f->n; i++) {
		sf_file_md5(&f->v[i], t, sizeof t);
		if (strlen(t) >= sizeof t)
			abort();
		if (f->v[i].md5_kind == SF_MD5_HEX &&
		    sf_md5_pack(t, bin, &parts) != 0)
			abort();
		if (i > 0 && fuzz_sign(sf_file_md5_cmp(&f->v[i - 1], &f->v[i])) !=
				 -fuzz_sign(sf_file_md5_cmp(&f->v[i], &f->v[i - 1])))
			abort();
	}
	z = xstrndup(b, size);
	if (sf_md5_pack(z, bin, &parts) == 0) {
		struct sf_file one;

		memset(&one, 0, sizeof one);
		memcpy(one.md5.bin, bin, sizeof bin);
		one.md5_parts = parts;
		one.md5_kind = SF_MD5_HEX;
		if (strcmp(sf_file_md5(&one, t, sizeof t), z) != 0)
			abort();
	}
	free(z);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const fields[] = { "name", "state", "min_nodes" };
	const char *b = (const char *)data;
	struct sf_result_meta m;
	struct sf_files files;
	struct sf_stages stages;
	char *cause = NULL, *s;
	size_t n;

	memset(&files, 0, sizeof files);
	memset(&stages, 0, sizeof stages);
	if (json_sf_result_parse(b, size, &m, fuzz_row, &files, &cause) == 0)
		sf_result_meta_free(&m);
	else
		free(cause);
	cause = NULL;
	if (json_sf_partition_parse(b, size, 4, fuzz_row, &files, &n, &cause) !=
	    0)
		free(cause);
	cause = NULL;
	s = sf_error_sentence("fuzz", 422, b, size);
	free(s);
	if (json_sf_files_rest_parse(b, size, &files, &cause) != 0)
		free(cause);
	cause = NULL;
	if (json_sf_stages_rest_parse(b, size, "D", "S", &stages, &cause) != 0)
		free(cause);
	cause = NULL;
	if (json_sf_objects_parse(
		b, size, fields, 3, fuzz_row, &files, &cause) != 0)
		free(cause);
	/* Previews are display text: nothing unsafe may survive. */
	s = sf_preview_render("json", "f.json", b, size, 0);
	fuzz_check_text(s, strlen(s));
	free(s);
	s = sf_preview_render("csv", "f.csv", b, size, 1);
	fuzz_check_text(s, strlen(s));
	free(s);
	s = sf_preview_render("parquet", "f.parquet", b, size, 0);
	fuzz_check_text(s, strlen(s));
	free(s);
	/* The streamed list splitter, fed in uneven pieces. */
	{
		struct sf_json_split j;
		size_t i = 0, k;

		memset(&j, 0, sizeof j);
		while (i < size) {
			k = 1 + (size_t)(data[i] % 7);
			if (k > size - i)
				k = size - i;
			cause = NULL;
			if (sf_json_split_feed(
				&j, b + i, k, fuzz_elem, &files, &cause) != 0) {
				if (cause == NULL)
					abort();
				free(cause);
				break;
			}
			i += k;
		}
		cause = NULL;
		if (sf_json_split_end(&j, &cause) != 0)
			free(cause);
		sf_json_split_free(&j);
	}
	sf_files_sort(&files);
	fuzz_md5(&files, b, size);
	sf_files_reset(&files);
	free(files.v);
	sf_stages_reset(&stages);
	free(stages.v);
	return 0;
}
