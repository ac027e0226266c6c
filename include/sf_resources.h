/*
 * Snowflake resource objects through the REST resource APIs (compute-
 * pool.yaml, service.yaml, image-repository.yaml, stage.yaml), with the
 * SQL API as the fallback where an account answers 404, 405 or 501:
 * - image repositories: list and get, as rows of a fixed set of fields
 *   (SHOW ... where REST is missing; a get filters the SHOW output, so no
 *   name is pasted into SQL). Compute pools and services are core/spcs.c's;
 * - a stage file's presigned URL (POST ...:presigned-url, or SELECT
 *   GET_PRESIGNED_URL with bound values), and a capped preview of the file
 *   fetched through it. The URL is a secret: it is never logged or shown.
 */

#ifndef SNOWDECK_SF_RESOURCES_H
#define SNOWDECK_SF_RESOURCES_H

#include <stddef.h>

#include "json_snowflake.h"

struct http;
struct sf_client;
struct sf_res;

/* The fields each image repository row carries, in order (static). */
const char *const *sf_repo_fields_get(size_t *n);

/* The end of an operation: error 0, or 1 with cause (borrowed). */
typedef void (*sf_res_done_cb)(int error, const char *cause, void *arg);

/*
 * Lists (name NULL) or gets one image repository of db.schema (resolved
 * names). row gets each repository's fields (raw text, not sanitized).
 * Returns a handle valid until done runs or sf_res_cancel().
 */
struct sf_res *sf_repos_list(struct sf_client *, const char *db,
    const char *schema, const char *name, sf_row_cb row, sf_res_done_cb done,
    void *arg);

/* What a preview found (pointers borrowed for the callback). */
struct sf_preview {
	int error;
	const char *cause;
	const char *kind; /* "json", "csv", "text", "parquet", "binary" */
	const char *text; /* sanitized (and for JSON masked) text, or a
			     description for files never deserialized */
	size_t bytes;     /* bytes fetched */
	int truncated;    /* the file is larger than the cap */
};
typedef void (*sf_preview_cb)(const struct sf_preview *, void *arg);

/*
 * Previews path in the stage db.schema.stage: gets a presigned URL, then
 * fetches at most cap bytes through it (16 MiB for parquet). Text, JSON
 * (pretty, secret fields masked) and CSV are shown; parquet files show
 * their row count and schema from the footer (or say why not);
 * .pickle, .np, .bin and other binaries are never deserialized, only
 * described.
 */
struct sf_res *sf_stage_preview(struct sf_client *, struct http *,
    const char *db, const char *schema, const char *stage, const char *path,
    size_t cap, sf_preview_cb done, void *arg);

void sf_res_cancel(struct sf_res *);

/* Pure: the preview kind of a path by its extension. */
const char *sf_preview_kind(const char *path);

/*
 * Pure: renders fetched bytes of kind into a sanitized text (owned):
 * JSON pretty-printed with secret fields masked (or masked text when it
 * does not parse, e.g. truncated), CSV and text masked and sanitized,
 * binaries described.
 */
char *sf_preview_render(const char *kind, const char *path, const char *data,
    size_t len, int truncated);

#endif
