/*
 * Pure parsers and helpers for Snowflake's SQL API v2 and REST resource
 * APIs: result sets and their partitions (values streamed row by row),
 * query status and error bodies, the error sentence, stage listings in
 * both shapes (LIST rows and REST StageFile objects) and both date formats,
 * SQL identifier quoting, stage path splitting and statement
 * classification. No I/O; each parser has a fuzz target.
 */

#ifndef SNOWDECK_JSON_SNOWFLAKE_H
#define SNOWDECK_JSON_SNOWFLAKE_H

#include <stddef.h>
#include <stdint.h>

struct sf_files;
struct sf_stages;

struct sf_column {
	char *name;
	char *type; /* lower case: "text", "fixed", "timestamp_ltz", ... */
	int nullable;
};

/* What the first response of a statement says (owned strings). */
struct sf_result_meta {
	char *handle;    /* statementHandle */
	char *code;      /* "090001", "333334", ... */
	char *sql_state; /* "00000", "42000", ... */
	char *message;
	char *status_url; /* statementStatusUrl */
	struct sf_column *cols;
	size_t ncols;
	uint64_t num_rows;  /* over all partitions */
	size_t npartitions; /* partitionInfo entries (>= 1 with a result) */
	uint64_t *partition_rows;
	int has_result; /* resultSetMetaData was present */
};

void sf_result_meta_free(struct sf_result_meta *);

/*
 * One row: ncols cells, NULL for SQL NULL; raw server text (not yet
 * sanitized), borrowed for the call. Return 0 to go on, -1 (with *cause)
 * to stop.
 */
typedef int (*sf_row_cb)(
    const char *const *cells, size_t ncols, void *arg, char **cause);

/*
 * Parses a statement response body (ResultSet, QueryStatus or
 * QueryFailureStatus) into meta, and hands each row of its data (partition
 * 0) to row (may be NULL). Returns 0, or -1 with *cause when the body is
 * not such JSON or row stopped.
 */
int json_sf_result_parse(const char *buf, size_t len,
    struct sf_result_meta *meta, sf_row_cb row, void *arg, char **cause);

/*
 * Parses a further partition ({"data": [[...]]}, or a bare array of rows)
 * handing each row of ncols cells to row. *nrows receives the row count.
 * A partition can be tens of megabytes: it is read straight from the bytes
 * (json_sf_partition_parse_fast) and only falls back to a cJSON tree
 * (json_sf_partition_parse_tree) for what the fast reader leaves.
 */
int json_sf_partition_parse(const char *buf, size_t len, size_t ncols,
    sf_row_cb row, void *arg, size_t *nrows, char **cause);

/*
 * The two readers behind json_sf_partition_parse, for tests and fuzzing:
 * they hand the same rows for any input the fast one accepts. The fast one
 * checks the whole body first, as strict JSON (no raw control bytes in
 * strings, no \u0000 or surrogate escapes, nothing after the top value,
 * nesting under 256), and returns 1, having called nothing, for anything
 * else or when there is no data array; then it builds no tree: each row's
 * strings are decoded into one reused buffer. Both return 0, or -1 with
 * *cause (a row that is not an array, or row stopped; the rows before it
 * were handed on).
 */
int json_sf_partition_parse_fast(const char *buf, size_t len, size_t ncols,
    sf_row_cb row, void *arg, size_t *nrows, char **cause);
int json_sf_partition_parse_tree(const char *buf, size_t len, size_t ncols,
    sf_row_cb row, void *arg, size_t *nrows, char **cause);

/*
 * A clear sentence for a failed call: what failed (e.g. "the SQL
 * statement", "listing stage files"), the HTTP status, and Snowflake's
 * code / sqlState / message from the body when it has them (any of the
 * error shapes: SQL API, REST ErrorResponse), plus what to do. Owned.
 */
char *sf_error_sentence(
    const char *what, long status, const char *body, size_t len);

/*
 * Parses a date in either form Snowflake emits: "Mon, 1 Jan 2024
 * 00:00:00 GMT" (LIST, day of one or two digits), ISO-8601 (REST), "2024-
 * 02-24 20:41:31.978 -0800" (SHOW) or epoch seconds ("1700000000.000000000",
 * the SQL API's TIMESTAMP encoding). Returns 0 or -1.
 */
int sf_time_parse(const char *s, double *out);

/*
 * Appends a file from a LIST @stage result row (name, size, md5,
 * last_modified) to files (sf_files_add(): the name and digest are copied
 * as they are, not sanitized): strip_prefix (e.g. "xcom_stage/") is
 * removed from the name. Returns 0, or -1 when the name is missing.
 */
int sf_file_from_list_row(struct sf_files *, const char *const *cells,
    size_t ncols, const char *strip_prefix, char **cause);

/* Pure: the REST listFiles body (array of StageFile) into files. */
int json_sf_files_rest_parse(
    const char *buf, size_t len, struct sf_files *, char **cause);

/*
 * An incremental splitter for a top-level JSON array that arrives in
 * pieces (a REST list of a million stage files): each element's text is
 * handed to the callback as soon as it is complete, so memory holds one
 * element, never the whole body. Zero the struct to start; call
 * sf_json_split_free() at the end.
 */
struct sf_json_split {
	int depth;
	int in_str, esc;
	int started, finished;
	size_t count;
	struct buf *cur;
};
typedef int (*sf_json_elem_cb)(
    const char *elem, size_t len, void *arg, char **cause);
/* Feeds n bytes; returns 0, or -1 with *cause (bad JSON, or cb failed). */
int sf_json_split_feed(struct sf_json_split *, const char *p, size_t n,
    sf_json_elem_cb cb, void *arg, char **cause);
/* After the last piece: 0 when the array was complete, else -1. */
int sf_json_split_end(struct sf_json_split *, char **cause);
void sf_json_split_free(struct sf_json_split *);

/* Pure: one StageFile object (as a listFiles element) into files. */
int json_sf_file_rest_one(
    const char *buf, size_t len, struct sf_files *, char **cause);

/*
 * Pure: one StageFile object handed to row as the four LIST cells (name,
 * size, md5, last_modified; NULL when absent, raw server text). An object
 * without a name is skipped. Returns 0, or -1 with *cause when buf is not
 * an object or row stopped.
 */
int json_sf_file_rest_row(
    const char *buf, size_t len, sf_row_cb row, void *arg, char **cause);

/* Pure: the REST listStages body (array of Stage) into stages. */
int json_sf_stages_rest_parse(const char *buf, size_t len, const char *database,
    const char *schema, struct sf_stages *, char **cause);

/*
 * Pure: a REST list of objects (compute pools, services, image
 * repositories) as rows of the named fields (missing ones ""): each row is
 * handed to row with nfields cells.
 */
int json_sf_objects_parse(const char *buf, size_t len,
    const char *const *fields, size_t nfields, sf_row_cb row, void *arg,
    char **cause);

/*
 * Splits a possibly qualified name ("db.schema.stage", "\"My Db\".s.t")
 * into at most max parts, resolving case as Snowflake does (unquoted parts
 * upper-cased, quoted parts verbatim with "" unescaped). Returns the part
 * count, or -1 with *cause. Parts are owned by the caller.
 */
int sf_ident_split(const char *name, char **parts, int max, char **cause);

/* Appends an identifier quoted for SQL ("a""b"). */
struct buf;
void sf_ident_quote(struct buf *, const char *ident);

/*
 * Appends a resolved identifier for SQL: bare when it is a plain upper-case
 * name that is not a reserved word (Snowflake reads it as the same name),
 * else quoted as sf_ident_quote() does.
 */
void sf_ident_append(struct buf *, const char *ident);

/*
 * Splits "@DB.SCHEMA.STAGE[/prefix]" (the '@' optional) into its parts;
 * missing database/schema are taken from defaults. Returns 0 or -1.
 */
int sf_stage_path_split(const char *path, const char *def_db,
    const char *def_schema, char **db, char **schema, char **stage,
    char **prefix, char **cause);

enum sf_stmt_kind {
	SF_STMT_READ = 0, /* SELECT, SHOW, DESCRIBE, LIST, EXPLAIN, ... */
	SF_STMT_WRITE,    /* anything else, or unsure */
	SF_STMT_MULTI,    /* more than one statement */
	SF_STMT_EMPTY,
};

/*
 * Classifies a statement for the read-only guard: comments and string
 * literals are skipped; only statements that cannot change anything count
 * as READ (a SELECT calling a SYSTEM$ function not known to be read-only
 * is WRITE).
 */
enum sf_stmt_kind sf_sql_classify(const char *sql);

/* Makes a random UUID v4 into out (37 bytes) with OpenSSL RAND. */
void sf_uuid4(char out[37]);

#endif
