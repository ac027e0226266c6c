/*
 * Parquet footers (see parquet.h): a small Thrift compact protocol reader
 * for FileMetaData and SchemaElement, skipping every field it does not need
 * with depth and size limits.
 */

#include "parquet.h"

#include <stdlib.h>
#include <string.h>

#include "sanitize.h"
#include "util.h"

#define PQ_MAX_FOOTER (64u << 20) /* metadata larger than this: refuse */
#define PQ_MAX_DEPTH  32
#define PQ_MAX_ELEMS  100000

/* Compact protocol types. */
enum {
	TC_STOP = 0,
	TC_TRUE = 1,
	TC_FALSE = 2,
	TC_BYTE = 3,
	TC_I16 = 4,
	TC_I32 = 5,
	TC_I64 = 6,
	TC_DOUBLE = 7,
	TC_BINARY = 8,
	TC_LIST = 9,
	TC_SET = 10,
	TC_MAP = 11,
	TC_STRUCT = 12
};

struct pq_rd {
	const uint8_t *p, *end;
	int bad;
};

static uint64_t
rd_varint(struct pq_rd *r)
{
	uint64_t v = 0;
	int shift = 0;

	while (r->p < r->end && shift < 64) {
		uint8_t b = *r->p++;

		v |= (uint64_t)(b & 0x7f) << shift;
		if ((b & 0x80) == 0)
			return v;
		shift += 7;
	}
	r->bad = 1;
	return 0;
}

static int64_t
rd_zigzag(struct pq_rd *r)
{
	uint64_t v = rd_varint(r);

	return (int64_t)(v >> 1) ^ -(int64_t)(v & 1);
}

static uint8_t
rd_byte(struct pq_rd *r)
{
	if (r->p >= r->end) {
		r->bad = 1;
		return 0;
	}
	return *r->p++;
}

/* A binary field: pointer and length into the buffer. */
static const uint8_t *
rd_binary(struct pq_rd *r, size_t *len)
{
	uint64_t n = rd_varint(r);
	const uint8_t *s = r->p;

	if (r->bad || n > (uint64_t)(r->end - r->p)) {
		r->bad = 1;
		*len = 0;
		return NULL;
	}
	r->p += n;
	*len = (size_t)n;
	return s;
}

static void rd_skip(struct pq_rd *r, int type, int depth);

/* List or set header: element type and count. */
static size_t
rd_list_header(struct pq_rd *r, int *etype)
{
	uint8_t h = rd_byte(r);
	uint64_t n = h >> 4;

	*etype = h & 0x0f;
	if (n == 15)
		n = rd_varint(r);
	if (n > PQ_MAX_ELEMS || n > (uint64_t)(r->end - r->p)) {
		r->bad = 1; /* every element takes at least one byte */
		return 0;
	}
	return (size_t)n;
}

static void
rd_skip_struct(struct pq_rd *r, int depth)
{
	uint8_t h;
	int type;

	if (depth > PQ_MAX_DEPTH) {
		r->bad = 1;
		return;
	}
	while (!r->bad) {
		h = rd_byte(r);
		if (h == TC_STOP)
			return;
		type = h & 0x0f;
		if ((h >> 4) == 0)
			(void)rd_zigzag(r); /* long-form field id */
		rd_skip(r, type, depth + 1);
	}
}

static void
rd_skip(struct pq_rd *r, int type, int depth)
{
	size_t n, i, len;
	int et, kt, vt;
	uint8_t h;

	if (depth > PQ_MAX_DEPTH) {
		r->bad = 1;
		return;
	}
	switch (type) {
	case TC_TRUE:
	case TC_FALSE:
		return; /* the value is in the type (struct fields) */
	case TC_BYTE:
		(void)rd_byte(r);
		return;
	case TC_I16:
	case TC_I32:
	case TC_I64:
		(void)rd_varint(r);
		return;
	case TC_DOUBLE:
		if (r->end - r->p < 8)
			r->bad = 1;
		else
			r->p += 8;
		return;
	case TC_BINARY:
		(void)rd_binary(r, &len);
		return;
	case TC_LIST:
	case TC_SET:
		n = rd_list_header(r, &et);
		for (i = 0; i < n && !r->bad; i++) {
			if (et == TC_TRUE || et == TC_FALSE)
				(void)rd_byte(r); /* bools in lists: a byte */
			else
				rd_skip(r, et, depth + 1);
		}
		return;
	case TC_MAP:
		n = (size_t)rd_varint(r);
		if (n == 0)
			return;
		if (n > PQ_MAX_ELEMS) {
			r->bad = 1;
			return;
		}
		h = rd_byte(r);
		kt = h >> 4;
		vt = h & 0x0f;
		for (i = 0; i < n && !r->bad; i++) {
			rd_skip(r, kt, depth + 1);
			rd_skip(r, vt, depth + 1);
		}
		return;
	case TC_STRUCT:
		rd_skip_struct(r, depth);
		return;
	default:
		r->bad = 1;
	}
}

/* One SchemaElement, as far as the console needs it. */
struct pq_elem {
	int type, repetition, converted, num_children;
	int has_type, has_converted;
	char *name;
	char *logical;
};

static const char *
pq_type_name(int t)
{
	static const char *const names[] = { "BOOLEAN", "INT32", "INT64",
		"INT96", "FLOAT", "DOUBLE", "BYTE_ARRAY",
		"FIXED_LEN_BYTE_ARRAY" };

	return t >= 0 && (size_t)t < nitems(names) ? names[t] : "UNKNOWN";
}

static const char *
pq_converted_name(int t)
{
	static const char *const names[] = { "UTF8", "MAP", "MAP_KEY_VALUE",
		"LIST", "ENUM", "DECIMAL", "DATE", "TIME_MILLIS", "TIME_MICROS",
		"TIMESTAMP_MILLIS", "TIMESTAMP_MICROS", "UINT_8", "UINT_16",
		"UINT_32", "UINT_64", "INT_8", "INT_16", "INT_32", "INT_64",
		"JSON", "BSON", "INTERVAL" };

	return t >= 0 && (size_t)t < nitems(names) ? names[t] : NULL;
}

/* LogicalType is a union: the field id names the kind. */
static char *
pq_logical(struct pq_rd *r, int depth)
{
	static const char *const names[] = { NULL, "STRING", "MAP", "LIST",
		"ENUM", "DECIMAL", "DATE", "TIME", "TIMESTAMP", NULL, "INTEGER",
		"UNKNOWN", "JSON", "BSON", "UUID", "FLOAT16", "VARIANT",
		"GEOMETRY", "GEOGRAPHY" };
	char *out = NULL;
	int16_t fid = 0;
	uint8_t h;
	int type;

	while (!r->bad) {
		h = rd_byte(r);
		if (h == TC_STOP)
			break;
		type = h & 0x0f;
		fid = (h >> 4) != 0 ? (int16_t)(fid + (h >> 4))
				    : (int16_t)rd_zigzag(r);
		if (out == NULL && fid > 0 && (size_t)fid < nitems(names) &&
		    names[fid] != NULL)
			out = xstrdup(names[fid]);
		rd_skip(r, type, depth + 1);
	}
	return out;
}

static void
pq_elem_read(struct pq_rd *r, struct pq_elem *e, int depth)
{
	int16_t fid = 0;
	uint8_t h;
	int type;
	const uint8_t *s;
	size_t len;

	memset(e, 0, sizeof e[0]);
	e->repetition = -1;
	while (!r->bad) {
		h = rd_byte(r);
		if (h == TC_STOP)
			return;
		type = h & 0x0f;
		fid = (h >> 4) != 0 ? (int16_t)(fid + (h >> 4))
				    : (int16_t)rd_zigzag(r);
		if (fid == 1 && type == TC_I32) {
			e->type = (int)rd_zigzag(r);
			e->has_type = 1;
		} else if (fid == 3 && type == TC_I32)
			e->repetition = (int)rd_zigzag(r);
		else if (fid == 4 && type == TC_BINARY) {
			s = rd_binary(r, &len);
			if (s != NULL && e->name == NULL)
				e->name = sanitize_dup((const char *)s, len, 0);
		} else if (fid == 5 && type == TC_I32)
			e->num_children = (int)rd_zigzag(r);
		else if (fid == 6 && type == TC_I32) {
			e->converted = (int)rd_zigzag(r);
			e->has_converted = 1;
		} else if (fid == 10 && type == TC_STRUCT) {
			free(e->logical);
			e->logical = pq_logical(r, depth + 1);
		} else
			rd_skip(r, type, depth + 1);
	}
}

size_t
pq_footer_size(const uint8_t *tail8)
{
	uint32_t n;

	if (memcmp(tail8 + 4, "PAR1", 4) != 0)
		return 0;
	n = (uint32_t)tail8[0] | (uint32_t)tail8[1] << 8 |
	    (uint32_t)tail8[2] << 16 | (uint32_t)tail8[3] << 24;
	if (n == 0 || n > PQ_MAX_FOOTER)
		return 0;
	return (size_t)n + 8;
}

void
pq_meta_free(struct pq_meta *m)
{
	size_t i;

	for (i = 0; i < m->ncols; i++) {
		free(m->cols[i].path);
		free(m->cols[i].type);
		free(m->cols[i].logical);
	}
	free(m->cols);
	free(m->created_by);
	memset(m, 0, sizeof *m);
}

/*
 * Turns the flat, depth-first schema list into leaf columns with dotted
 * paths: element 0 is the root; an element with children opens a group.
 */
static void
pq_schema_leaves(struct pq_meta *m, struct pq_elem *el, size_t n)
{
	const char *stack_name[PQ_MAX_DEPTH];
	int stack_left[PQ_MAX_DEPTH];
	int sp = 0, i;
	size_t k;
	struct buf path;
	struct pq_column *c;
	const char *conv;

	for (k = 1; k < n; k++) {
		buf_init(&path);
		for (i = 0; i < sp; i++)
			buf_printf(&path, "%s.", stack_name[i]);
		buf_adds(&path, el[k].name != NULL ? el[k].name : "?");
		if (el[k].num_children > 0 && sp < PQ_MAX_DEPTH) {
			stack_name[sp] = el[k].name != NULL ? el[k].name : "?";
			stack_left[sp] = el[k].num_children;
			sp++;
			buf_free(&path);
			continue;
		}
		m->cols = xreallocarray(m->cols, m->ncols + 1, sizeof *m->cols);
		c = &m->cols[m->ncols++];
		c->path = buf_detach(&path);
		c->type = xstrdup(
		    el[k].has_type ? pq_type_name(el[k].type) : "GROUP");
		conv = el[k].has_converted ? pq_converted_name(el[k].converted)
					   : NULL;
		c->logical = el[k].logical != NULL ? xstrdup(el[k].logical)
			     : conv != NULL        ? xstrdup(conv)
						   : NULL;
		c->repetition = el[k].repetition;
		/* Close the groups this leaf completes. */
		while (sp > 0 && --stack_left[sp - 1] == 0)
			sp--;
	}
}

int
pq_footer_parse(
    const uint8_t *tail, size_t len, struct pq_meta *out, char **cause)
{
	struct pq_rd r;
	struct pq_elem *el = NULL;
	size_t need, n = 0, i, cap;
	int16_t fid = 0;
	uint8_t h;
	int type, et, have_schema = 0, have_rows = 0;
	const uint8_t *s;
	size_t slen;

	memset(out, 0, sizeof *out);
	if (len < 12 || memcmp(tail + len - 4, "PAR1", 4) != 0) {
		*cause = xstrdup("not a parquet file: the PAR1 magic is not at "
				 "its end");
		return -1;
	}
	if ((need = pq_footer_size(tail + len - 8)) == 0) {
		*cause = xstrdup("the parquet footer length is not plausible");
		return -1;
	}
	if (need > len) {
		*cause =
		    xasprintf("the parquet footer needs the last %zu bytes "
			      "of the file; only %zu were read",
			need, len);
		return -1;
	}
	r.p = tail + len - need;
	r.end = tail + len - 8;
	r.bad = 0;
	while (!r.bad) {
		h = rd_byte(&r);
		if (h == TC_STOP)
			break;
		type = h & 0x0f;
		fid = (h >> 4) != 0 ? (int16_t)(fid + (h >> 4))
				    : (int16_t)rd_zigzag(&r);
		if (fid == 1 && type == TC_I32)
			out->version = (int32_t)rd_zigzag(&r);
		else if (fid == 2 && type == TC_LIST && !have_schema) {
			cap = rd_list_header(&r, &et);
			if (et != TC_STRUCT) {
				r.bad = 1;
				break;
			}
			el = xcalloc(cap + 1, sizeof *el);
			for (i = 0; i < cap && !r.bad; i++, n++)
				pq_elem_read(&r, &el[i], 1);
			have_schema = 1;
		} else if (fid == 3 && type == TC_I64) {
			out->num_rows = rd_zigzag(&r);
			have_rows = 1;
		} else if (fid == 4 && type == TC_LIST) {
			out->num_row_groups = rd_list_header(&r, &et);
			for (i = 0; i < out->num_row_groups && !r.bad; i++)
				rd_skip(&r, et, 1);
		} else if (fid == 6 && type == TC_BINARY) {
			s = rd_binary(&r, &slen);
			if (s != NULL && out->created_by == NULL)
				out->created_by =
				    sanitize_dup((const char *)s, slen, 0);
		} else
			rd_skip(&r, type, 1);
	}
	if (!r.bad && have_schema && have_rows && n > 0)
		pq_schema_leaves(out, el, n);
	for (i = 0; i < n; i++) {
		free(el[i].name);
		free(el[i].logical);
	}
	free(el);
	if (r.bad || !have_schema || !have_rows) {
		pq_meta_free(out);
		*cause = xstrdup(r.bad ? "the parquet footer is malformed"
				       : "the parquet footer lacks its schema "
					 "or row count");
		return -1;
	}
	return 0;
}

void
pq_meta_text(const struct pq_meta *m, struct buf *out)
{
	static const char *const rep[] = { "required", "optional", "repeated" };
	size_t i;

	buf_printf(out, "%lld rows in %zu row group%s, %zu columns%s%s\n",
	    (long long)m->num_rows, m->num_row_groups,
	    m->num_row_groups == 1 ? "" : "s", m->ncols,
	    m->created_by != NULL ? ", written by " : "",
	    m->created_by != NULL ? m->created_by : "");
	for (i = 0; i < m->ncols; i++)
		buf_printf(out, "  %s %s%s%s %s\n", m->cols[i].path,
		    m->cols[i].type, m->cols[i].logical != NULL ? "/" : "",
		    m->cols[i].logical != NULL ? m->cols[i].logical : "",
		    m->cols[i].repetition >= 0 && m->cols[i].repetition < 3
			? rep[m->cols[i].repetition]
			: "");
}
