/*
 * Snowflake XCom backend references: the strings the seed's
 * SnowflakeXComBackend leaves in Airflow's own xcom table in place of the
 * value (seed-systems.md §1.7):
 *
 *   snowflake://<account>[.<region>]?&table=<DB.SCHEMA.TABLE>&key=<dag>/<task>/<run>/<idx>/<key>
 *   snowflake://<account>[.<region>]?&stage=<DB.SCHEMA.STAGE>&key=<dag>/<task>/<run>/<idx>/<key>.<ext>
 *
 * The parser follows the backend's own reader: the query starts with "?&",
 * its second and third '&' fields are table=/stage= and key=, nothing is
 * URL-decoded ('+' and ':' in run ids stay as they are), the netloc is
 * (account, region) when it has exactly two '.' parts, else all account.
 * A table key of "*" means the whole table (Snowpark DataFrames handed over
 * by operators). Pure functions over bytes; no I/O.
 */

#ifndef SNOWDECK_XCOMREF_H
#define SNOWDECK_XCOMREF_H

#include <stddef.h>

enum xcomref_kind { XCOMREF_TABLE = 1, XCOMREF_STAGE = 2 };

/* Stage file kinds by extension; none of them is ever deserialized. */
enum xcomref_format {
	XCOMREF_FMT_NONE,    /* table rows */
	XCOMREF_FMT_PARQUET, /* pandas DataFrame/Series */
	XCOMREF_FMT_NP,      /* numpy pickle: never loaded */
	XCOMREF_FMT_BIN,     /* raw bytes */
	XCOMREF_FMT_PICKLE,  /* Python pickle: never loaded */
	XCOMREF_FMT_TEXT,    /* .str, .txt */
	XCOMREF_FMT_JSON,    /* .json */
	XCOMREF_FMT_CSV,     /* .csv */
	XCOMREF_FMT_OTHER
};

/* A parsed reference; every string is owned (xcomref_free). */
struct xcomref {
	enum xcomref_kind kind;
	char *account;  /* as written (case kept) */
	char *region;   /* NULL when the netloc has no region part */
	char *object;   /* DB.SCHEMA.NAME as written */
	char *database; /* the three parts of object */
	char *schema;
	char *name;
	char *key;       /* the whole key= value */
	int whole_table; /* key is "*" (table references only) */
	/* The key's fields (NULL for a whole-table reference). */
	char *dag_id;
	char *task_id;
	char *run_id;
	long multi_index;
	char *xcom_key; /* without the extension for stage files */
	char *ext;      /* stage files: the extension; NULL for tables */
	enum xcomref_format format;
};

/*
 * Whether s looks like a reference at all (cheap: "snowflake://" and "?&"),
 * so that a pane can tell a reference from an ordinary string before
 * parsing.
 */
int xcomref_is_candidate(const char *s, size_t len);

/*
 * Parses s[0..len) into *out (zeroed first). Returns 0, or -1 with *cause
 * (caller frees) saying what is wrong with the reference; *out holds
 * nothing to free then.
 */
int xcomref_parse(const char *s, size_t len, struct xcomref *out, char **cause);

/*
 * Parses a stage file path in the backend's layout
 * "<dag_id>/<task_id>/<run_id>/<multi_index>/<key>.<ext>" (a leading
 * "<stage name>/" as LIST prints it is skipped when strip_first is set)
 * into the key fields of *out (kind XCOMREF_STAGE, no account or object).
 * Returns 0 or -1 with *cause. The reverse jump from a stage file to the
 * task instance that wrote it.
 */
int xcomref_parse_stage_path(const char *path, size_t len, int strip_first,
    struct xcomref *out, char **cause);

/* The format implied by a file extension (case-insensitive). */
enum xcomref_format xcomref_format_of(const char *ext);
/* A short description: "parquet (pandas DataFrame)", "pickle (never
 * unpickled)", … */
const char *xcomref_format_name(enum xcomref_format);

void xcomref_free(struct xcomref *);

#endif
