/*
 * The Snowflake models (stages, stage files, XCom backend table rows and
 * generic SQL results), kept apart from model.h so the two grow without
 * merge conflicts. Same conventions: core fills them, views read them, a
 * generation counter bumps on every change, and every string has passed
 * the sanitizer (and the redactor where it may hold secrets).
 */

#ifndef SNOWDECK_MODEL_SF_H
#define SNOWDECK_MODEL_SF_H

#include <stddef.h>
#include <stdint.h>

struct sf_stage {
	char *name;
	char *database;
	char *schema;
	char *kind;    /* PERMANENT, TEMPORARY; or the SHOW type column */
	char *url;     /* external stages; "" for internal ones */
	char *comment; /* may be "" */
	double created_on;
};

/*
 * One stage file. The digest is kept inline (a stage can hold a million
 * files): 32 hex digits, or an S3-style multipart "<hex>-<parts>"; longer
 * values are cut. "" when unknown.
 */
#define SF_MD5_MAX 40
struct sf_file {
	char *name; /* path inside the stage, stage prefix removed */
	uint64_t size;
	char md5[SF_MD5_MAX];
	double last_modified;
};

/* Copies a digest into f->md5 (cut to fit; NULL gives ""). */
void sf_file_set_md5(struct sf_file *f, const char *md5);

/* One row of the XCom backend table (value redacted, compact JSON). */
struct sf_xcom_row {
	char *dag_id;
	char *task_id;
	char *run_id;
	int multi_index;
	char *key;
	char *value_type;
	char *value;
};

struct sf_stages {
	struct sf_stage *v;
	size_t n, cap;
	uint64_t gen;
	int complete;
};

struct sf_files {
	struct sf_file *v;
	size_t n, cap;
	uint64_t gen;
	uint64_t total_bytes;
	int complete;
	char *stage; /* "@DB.SCHEMA.STAGE[/prefix]" these belong to */
};

struct sf_xcom_rows {
	struct sf_xcom_row *v;
	size_t n, cap;
	uint64_t gen;
	int complete;
	char *table; /* DB.SCHEMA.TABLE */
};

/* Everything Snowflake the console shows. */
struct sf_models {
	struct sf_stages stages;
	struct sf_files files;
	struct sf_xcom_rows xcom;
	char *error; /* last failure sentence, NULL when fine */
	uint64_t gen;
};

void sf_models_init(struct sf_models *);
void sf_models_free(struct sf_models *);

void sf_stage_clear(struct sf_stage *);
void sf_file_clear(struct sf_file *);
void sf_xcom_row_clear(struct sf_xcom_row *);

void sf_stages_reset(struct sf_stages *);
void sf_files_reset(struct sf_files *);
void sf_xcom_rows_reset(struct sf_xcom_rows *);

/* Append one element, taking ownership of its strings. */
void sf_stages_push(struct sf_stages *, struct sf_stage *);
void sf_files_push(struct sf_files *, struct sf_file *);
void sf_xcom_rows_push(struct sf_xcom_rows *, struct sf_xcom_row *);

/* Sorts files by name (byte order), which groups the XCom layout
 * <dag_id>/<task_id>/<run_id>/<multi_index>/<key>.<ext> by prefix. */
void sf_files_sort(struct sf_files *);

#endif
