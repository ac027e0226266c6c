/*
 * A pure reader of a parquet file's footer (FileMetaData, Thrift compact
 * protocol): the row count and the schema (column names and types), for
 * the stage file preview. Nothing else of the file is decoded.
 */

#ifndef SNOWDECK_PARQUET_META_H
#define SNOWDECK_PARQUET_META_H

#include <stddef.h>
#include <stdint.h>

struct pq_column {
	char *name;
	int depth;          /* 0 = top level */
	int type;           /* physical type, -1 for a group */
	int converted_type; /* -1 when absent */
	int repetition;     /* 0 required, 1 optional, 2 repeated; -1 */
};

struct pq_meta {
	int64_t num_rows;
	struct pq_column *cols; /* the schema without its root */
	size_t ncols;
	char *created_by; /* may be NULL */
};

/*
 * Parses the footer of a whole parquet file (len bytes, ending with the
 * 4-byte footer length and "PAR1"). Returns 0, or -1 with *cause.
 */
int pq_meta_parse(
    const char *file, size_t len, struct pq_meta *out, char **cause);
void pq_meta_free(struct pq_meta *);

/* Names of a physical type ("INT64", "group" for -1) and of a converted
 * type ("UTF8"; NULL when unknown or absent). Static storage. */
const char *pq_type_name(int type);
const char *pq_converted_name(int converted);

#endif
