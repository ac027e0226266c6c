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
 * A chunked string arena: strings are copied into large chunks and freed
 * all at once, so a million names cost a few dozen allocations instead of
 * a million (and no per-allocation overhead). Zero it to start.
 */
struct sf_arena_chunk;
struct sf_arena {
	struct sf_arena_chunk *head; /* newest chunk first */
	size_t bytes;                /* held in chunks, headers included */
};

/* Copies len bytes of s and a NUL into the arena; the copy lives until
 * sf_arena_free(). */
char *sf_arena_strndup(struct sf_arena *, const char *s, size_t len);
/* Frees every string at once; the arena is empty (and usable) again. */
void sf_arena_free(struct sf_arena *);

/*
 * A stage file's digest. Snowflake shows 32 lower-case hex digits, or an
 * S3-style multipart "<hex>-<parts>": both are held as the 16 bytes and a
 * part count and printed back exactly as they came. Anything else (upper
 * case, other lengths, leading zeros in the count) is kept as text in the
 * file set's arena, cut to SF_MD5_TEXT - 1 bytes.
 */
#define SF_MD5_TEXT 64 /* room for any digest as text, NUL included */
enum sf_md5_kind {
	SF_MD5_NONE = 0, /* unknown: "" */
	SF_MD5_HEX,      /* bin[] (and parts when a multipart "-N") */
	SF_MD5_OTHER,    /* text, in the arena */
};

/*
 * One stage file: 40 bytes beside its name (a stage can hold a million
 * files). The name and a text digest live in the file set's arena.
 */
struct sf_file {
	const char *name; /* path inside the stage, stage prefix removed */
	uint64_t size;
	union {
		unsigned char bin[16];
		const char *text;
	} md5;
	uint32_t last_modified; /* epoch seconds; 0 unknown */
	uint16_t md5_parts;     /* multipart part count; 0 for a plain digest */
	uint8_t md5_kind;       /* enum sf_md5_kind */
};

/*
 * Packs digest text: 32 lower-case hex digits, optionally "-N" with N in
 * 1..65535 written without leading zeros. Returns 0 with bin and *parts
 * set, or -1 when text is not such a digest (then nothing is written).
 */
int sf_md5_pack(const char *text, unsigned char bin[16], uint16_t *parts);

/* The digest as text into buf (SF_MD5_TEXT bytes hold any): "" when
 * unknown. Returns buf. */
const char *sf_file_md5(const struct sf_file *, char *buf, size_t len);

/* Orders two files' digests as their texts would (unknown first). */
int sf_file_md5_cmp(const struct sf_file *, const struct sf_file *);

/* Seconds since the epoch as the file keeps them: 0 when unknown, before
 * 1970 or past 2106. */
uint32_t sf_file_time(double t);

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
	struct sf_arena strings; /* every file's name and text digest */
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
void sf_xcom_row_clear(struct sf_xcom_row *);

void sf_stages_reset(struct sf_stages *);
void sf_files_reset(struct sf_files *);
void sf_xcom_rows_reset(struct sf_xcom_rows *);

/* Append one element, taking ownership of its strings. */
void sf_stages_push(struct sf_stages *, struct sf_stage *);
void sf_xcom_rows_push(struct sf_xcom_rows *, struct sf_xcom_row *);

/*
 * Appends a file: the name (len bytes, as given: the caller sanitized it)
 * is copied into the set's arena, the digest (NULL or "" when unknown)
 * packed or copied there too; last_modified as sf_file_time() keeps it.
 * Returns the new file, valid until the next append or reset.
 */
struct sf_file *sf_files_add(struct sf_files *, const char *name, size_t len,
    uint64_t size, const char *md5, double last_modified);

/* Makes room for n files in all (a hint: the announced row count). */
void sf_files_reserve(struct sf_files *, size_t n);

/* Sorts files by name (byte order), which groups the XCom layout
 * <dag_id>/<task_id>/<run_id>/<multi_index>/<key>.<ext> by prefix. */
void sf_files_sort(struct sf_files *);

#endif
