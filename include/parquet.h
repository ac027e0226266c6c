/*
 * Parquet file footers: the schema and row count of a parquet file from its
 * last bytes, without reading the data. A parquet file ends with its
 * FileMetaData (Thrift compact protocol), the metadata's length (4 bytes,
 * little endian) and the magic "PAR1"; the stages pane and the XCom bridge
 * fetch only that tail (an HTTP range) and show what this parser reads.
 * Pure functions over bytes: a hostile file can only produce an error.
 */

#ifndef SNOWDECK_PARQUET_H
#define SNOWDECK_PARQUET_H

#include <stddef.h>
#include <stdint.h>

struct buf;

struct pq_column {
	char *path;     /* dotted path of a leaf column ("a.b.c"), sanitized */
	char *type;     /* physical type: INT64, BYTE_ARRAY, … */
	char *logical;  /* converted/logical type: UTF8, DATE, …, or NULL */
	int repetition; /* 0 required, 1 optional, 2 repeated, -1 unknown */
};

struct pq_meta {
	int32_t version;
	int64_t num_rows;
	size_t num_row_groups;
	char *created_by; /* sanitized, or NULL */
	struct pq_column *cols;
	size_t ncols;
};

/*
 * How many bytes of the end of a file the footer needs, from its last 8
 * bytes (tail8): the metadata length plus 8. Returns 0 when the magic is
 * missing (not a parquet file) or the length is absurd.
 */
size_t pq_footer_size(const uint8_t *tail8);

/*
 * Parses the footer from the last len bytes of a file (at least
 * pq_footer_size() of them). Returns 0, or -1 with *cause (owned) saying
 * plainly why not (no magic, truncated tail, malformed metadata).
 */
int pq_footer_parse(
    const uint8_t *tail, size_t len, struct pq_meta *out, char **cause);
void pq_meta_free(struct pq_meta *);

/* The schema and row count as text ("1042 rows in 1 row group\n
 * CUSTOMER_ID INT64 required\n…"). */
void pq_meta_text(const struct pq_meta *, struct buf *out);

#endif
