/*
 * The parquet footer reader: a bounded Thrift compact protocol decoder
 * that keeps FileMetaData's num_rows (3), schema (2) and created_by (6)
 * and skips everything else.
 */

#include "parquet_meta.h"

#include <stdlib.h>
#include <string.h>

#include "util.h"

#define PQ_MAX_DEPTH 32
#define PQ_MAX_COLS  100000

struct pq {
	const unsigned char *p, *end;
	int depth;
};

static int
pq_varint(struct pq *q, uint64_t *v)
{
	int shift = 0;

	*v = 0;
	while (q->p < q->end && shift < 64) {
		unsigned char b = *q->p++;

		*v |= (uint64_t)(b & 0x7f) << shift;
		if ((b & 0x80) == 0)
			return 0;
		shift += 7;
	}
	return -1;
}

static int
pq_zigzag(struct pq *q, int64_t *v)
{
	uint64_t u;

	if (pq_varint(q, &u) != 0)
		return -1;
	*v = (int64_t)(u >> 1) ^ -(int64_t)(u & 1);
	return 0;
}

static int pq_skip(struct pq *q, int type);

static int
pq_skip_struct(struct pq *q)
{
	unsigned char h;
	int64_t id;

	if (++q->depth > PQ_MAX_DEPTH)
		return -1;
	for (;;) {
		if (q->p >= q->end)
			return -1;
		h = *q->p++;
		if (h == 0)
			break;
		if ((h >> 4) == 0 && pq_zigzag(q, &id) != 0)
			return -1;
		if (pq_skip(q, h & 0x0f) != 0)
			return -1;
	}
	q->depth--;
	return 0;
}

static int
pq_list_header(struct pq *q, uint64_t *n, int *etype)
{
	unsigned char h;

	if (q->p >= q->end)
		return -1;
	h = *q->p++;
	*etype = h & 0x0f;
	*n = h >> 4;
	if (*n == 15 && pq_varint(q, n) != 0)
		return -1;
	/* Each element takes at least one byte (bools one too). */
	if (*n > (uint64_t)(q->end - q->p))
		return -1;
	return 0;
}

static int
pq_skip(struct pq *q, int type)
{
	uint64_t n, i;
	int64_t v;
	int et, kt, vt;

	switch (type) {
	case 1: /* bool true */
	case 2: /* bool false */
		return 0;
	case 3: /* byte */
		if (q->p >= q->end)
			return -1;
		q->p++;
		return 0;
	case 4:
	case 5:
	case 6:
		return pq_zigzag(q, &v);
	case 7:
		if (q->end - q->p < 8)
			return -1;
		q->p += 8;
		return 0;
	case 8:
		if (pq_varint(q, &n) != 0 || n > (uint64_t)(q->end - q->p))
			return -1;
		q->p += n;
		return 0;
	case 9:
	case 10:
		if (pq_list_header(q, &n, &et) != 0)
			return -1;
		if (++q->depth > PQ_MAX_DEPTH)
			return -1;
		for (i = 0; i < n; i++) {
			if (et == 1 || et == 2) {
				if (q->p >= q->end)
					return -1;
				q->p++;
			} else if (pq_skip(q, et) != 0)
				return -1;
		}
		q->depth--;
		return 0;
	case 11:
		if (pq_varint(q, &n) != 0 || n > (uint64_t)(q->end - q->p))
			return -1;
		if (n == 0)
			return 0;
		if (q->p >= q->end)
			return -1;
		kt = *q->p >> 4;
		vt = *q->p & 0x0f;
		q->p++;
		if (++q->depth > PQ_MAX_DEPTH)
			return -1;
		for (i = 0; i < n; i++) {
			if (pq_skip(q, kt) != 0 || pq_skip(q, vt) != 0)
				return -1;
		}
		q->depth--;
		return 0;
	case 12:
		return pq_skip_struct(q);
	default:
		return -1;
	}
}

/* Reads one SchemaElement into c. */
static int
pq_schema_element(struct pq *q, struct pq_column *c, int64_t *children)
{
	unsigned char h;
	int64_t id = 0, delta, v;
	uint64_t n;
	int t;

	c->type = -1;
	c->converted_type = -1;
	c->repetition = -1;
	*children = 0;
	for (;;) {
		if (q->p >= q->end)
			return -1;
		h = *q->p++;
		if (h == 0)
			return 0;
		t = h & 0x0f;
		delta = h >> 4;
		if (delta == 0) {
			if (pq_zigzag(q, &id) != 0)
				return -1;
		} else
			id += delta;
		if ((id == 1 || id == 3 || id == 5 || id == 6) && t == 5) {
			if (pq_zigzag(q, &v) != 0)
				return -1;
			if (id == 1)
				c->type = (int)(v & 0xff);
			else if (id == 3)
				c->repetition = (int)(v & 0xff);
			else if (id == 5)
				*children = v;
			else
				c->converted_type = (int)(v & 0xff);
		} else if (id == 4 && t == 8) {
			if (pq_varint(q, &n) != 0 ||
			    n > (uint64_t)(q->end - q->p) || n > 4096)
				return -1;
			free(c->name);
			c->name = xstrndup((const char *)q->p, (size_t)n);
			q->p += n;
		} else if (pq_skip(q, t) != 0)
			return -1;
	}
}

void
pq_meta_free(struct pq_meta *m)
{
	size_t i;

	for (i = 0; i < m->ncols; i++)
		free(m->cols[i].name);
	free(m->cols);
	free(m->created_by);
	memset(m, 0, sizeof *m);
}

int
pq_meta_parse(const char *file, size_t len, struct pq_meta *m, char **cause)
{
	const unsigned char *f = (const unsigned char *)file;
	uint32_t flen;
	struct pq q;
	unsigned char h;
	int64_t id = 0, delta;
	uint64_t n, i, k;
	int t, et;
	/* Depth tracking: children left at each level. */
	int64_t left[PQ_MAX_DEPTH], kids;
	int depth;

	*cause = NULL;
	memset(m, 0, sizeof *m);
	if (len < 12 || memcmp(file, "PAR1", 4) != 0 ||
	    memcmp(file + len - 4, "PAR1", 4) != 0) {
		*cause = xstrdup("not a parquet file (no PAR1 magic at both "
				 "ends)");
		return -1;
	}
	flen = (uint32_t)f[len - 8] | (uint32_t)f[len - 7] << 8 |
	       (uint32_t)f[len - 6] << 16 | (uint32_t)f[len - 5] << 24;
	if (flen == 0 || flen > len - 12) {
		*cause = xstrdup("the parquet footer length is invalid");
		return -1;
	}
	q.p = f + len - 8 - flen;
	q.end = f + len - 8;
	q.depth = 0;
	m->num_rows = -1;
	for (;;) {
		if (q.p >= q.end)
			goto bad;
		h = *q.p++;
		if (h == 0)
			break;
		t = h & 0x0f;
		delta = h >> 4;
		if (delta == 0) {
			if (pq_zigzag(&q, &id) != 0)
				goto bad;
		} else
			id += delta;
		if (id == 3 && t == 6) {
			if (pq_zigzag(&q, &m->num_rows) != 0)
				goto bad;
		} else if (id == 6 && t == 8) {
			if (pq_varint(&q, &n) != 0 ||
			    n > (uint64_t)(q.end - q.p) || n > 4096)
				goto bad;
			free(m->created_by);
			m->created_by = xstrndup((const char *)q.p, (size_t)n);
			q.p += n;
		} else if (id == 2 && t == 9) {
			if (pq_list_header(&q, &n, &et) != 0 || et != 12 ||
			    n > PQ_MAX_COLS)
				goto bad;
			for (i = 0; i < m->ncols; i++)
				free(m->cols[i].name);
			free(m->cols);
			m->cols = xcalloc(n > 0 ? n : 1, sizeof *m->cols);
			m->ncols = 0;
			depth = -1;
			for (k = 0; k < n; k++) {
				struct pq_column c;

				memset(&c, 0, sizeof c);
				if (pq_schema_element(&q, &c, &kids) != 0) {
					free(c.name);
					goto bad;
				}
				if (k == 0) {
					/* The root: its children are the
					 * top-level columns. */
					free(c.name);
					depth = 0;
					left[0] = kids;
					continue;
				}
				while (depth > 0 && left[depth] <= 0)
					depth--;
				c.depth = depth;
				left[depth]--;
				if (c.name == NULL)
					c.name = xstrdup("?");
				m->cols[m->ncols++] = c;
				if (kids > 0 && depth + 1 < PQ_MAX_DEPTH) {
					depth++;
					left[depth] = kids;
				}
			}
		} else if (pq_skip(&q, t) != 0)
			goto bad;
	}
	if (m->num_rows < 0 || m->cols == NULL) {
		pq_meta_free(m);
		*cause = xstrdup("the parquet footer lacks the row count or "
				 "the schema");
		return -1;
	}
	return 0;
bad:
	pq_meta_free(m);
	*cause = xstrdup("the parquet footer is malformed");
	return -1;
}

const char *
pq_type_name(int type)
{
	static const char *const names[] = { "BOOLEAN", "INT32", "INT64",
		"INT96", "FLOAT", "DOUBLE", "BYTE_ARRAY",
		"FIXED_LEN_BYTE_ARRAY" };

	if (type < 0)
		return "group";
	if ((size_t)type < nitems(names))
		return names[type];
	return "unknown";
}

const char *
pq_converted_name(int c)
{
	static const char *const names[] = { "UTF8", "MAP", "MAP_KEY_VALUE",
		"LIST", "ENUM", "DECIMAL", "DATE", "TIME_MILLIS", "TIME_MICROS",
		"TIMESTAMP_MILLIS", "TIMESTAMP_MICROS", "UINT_8", "UINT_16",
		"UINT_32", "UINT_64", "INT_8", "INT_16", "INT_32", "INT_64",
		"JSON", "BSON", "INTERVAL" };

	if (c >= 0 && (size_t)c < nitems(names))
		return names[c];
	return NULL;
}
