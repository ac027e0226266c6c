/*
 * The XCom bridge: what an Airflow XCom value points at, resolved.
 *
 * With the Snowflake XCom backend, Airflow's own xcom table holds only
 * references (xcomref.h), alone or as leaves of lists and dicts (§1.8 of
 * seed-systems.md). This finds them in a value as Airflow's API returns it
 * (JSON, or its string form), plus two other kinds of pointer: SnowparkTable
 * and Astro SDK Table dicts (a table to preview), and paths written by
 * Airflow's object-storage XCom backend (recognised and named, not read).
 * Resolving runs bound-parameter SQL for table rows and a capped, presigned
 * preview for stage files (never deserializing pickle, numpy or raw bytes).
 */

#ifndef SNOWDECK_XCOM_RESOLVE_H
#define SNOWDECK_XCOM_RESOLVE_H

#include <stddef.h>

#include "xcomref.h"

struct buf;
struct cJSON;
struct http;
struct sf_client;
struct xres_op;

enum xres_kind {
	XRES_TABLE_ROW,     /* &table=…&key=dag/task/run/idx/key */
	XRES_STAGE_FILE,    /* &stage=…&key=…/key.ext */
	XRES_TABLE_PREVIEW, /* &key=*, SnowparkTable, Astro SDK Table */
	XRES_OBJECT_STORAGE /* Airflow's object-storage backend path */
};

struct xres_item {
	enum xres_kind kind;
	char *reference;    /* the text found (a snowflake:// string, a path, or
			       the table's name) */
	struct xcomref ref; /* parsed reference (table row / stage file) */
	char *object;       /* DB.SCHEMA.NAME for previews and rows */
	/* Filled by resolving. */
	int done;
	int error;
	char *cause;
	char *value_type; /* table row */
	char *value;      /* table row: value text (JSON values masked) */
	char *file_kind;  /* stage file: json, csv, text, parquet, binary */
	char *file_text;  /* stage file: sanitized preview or description */
	size_t file_bytes;
	int file_truncated;
	char **cols; /* table preview */
	size_t ncols;
	char **cells; /* table preview: nrows x ncols, sanitized */
	size_t nrows;
	char *row_count;
};

struct xres {
	struct xres_item *v;
	size_t n;
};

/*
 * Pure: finds every pointer in text (an XCom value as the API returned
 * it). Returns how many were found (0 when the value is an ordinary one).
 */
size_t xres_find(const char *text, size_t len, struct xres *out);
void xres_free(struct xres *);

/* Called once when every item has an outcome. */
typedef void (*xres_done_cb)(struct xres *, void *arg);

/*
 * Resolves every item of x (borrowed; outcomes written into it) through sf
 * (table rows, previews) and http (stage file downloads); preview_cap caps
 * the bytes fetched per file. Items that need nothing (object storage) are
 * done at once; when no item needs Snowflake, NULL is returned and done is
 * not called. Otherwise done never runs inside this call, and the
 * operation frees itself after calling it.
 */
struct xres_op *xres_resolve(struct sf_client *sf, struct http *http,
    struct xres *x, size_t preview_cap, xres_done_cb done, void *arg);
void xres_cancel(struct xres_op *);

/* The items as JSON: {"reference", "kind", "object", …} per item (the
 * shape of "snowdeck get xcom … --resolve -o json"). Owned by the caller. */
struct cJSON *xres_to_json(const struct xres *);

/* The items as text for the console and the table output. */
void xres_text(const struct xres *, struct buf *out);

#endif
