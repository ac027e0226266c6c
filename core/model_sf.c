/* The Snowflake models: growable arrays that own their elements. */

#include "model_sf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

void
sf_models_init(struct sf_models *m)
{
	memset(m, 0, sizeof *m);
}

void
sf_stage_clear(struct sf_stage *s)
{
	free(s->name);
	free(s->database);
	free(s->schema);
	free(s->kind);
	free(s->url);
	free(s->comment);
	memset(s, 0, sizeof *s);
}

/* ---- the string arena ------------------------------------------------- */

/* Chunks of 1 MiB (a million names take a few dozen); a string longer than
 * an eighth of that gets a chunk of its own. */
#define SF_ARENA_CHUNK (1024 * 1024)

struct sf_arena_chunk {
	struct sf_arena_chunk *next;
	size_t used, cap;
	char data[];
};

char *
sf_arena_strndup(struct sf_arena *a, const char *s, size_t len)
{
	struct sf_arena_chunk *c = a->head, *big;
	size_t cap;
	char *p;

	if (c == NULL || c->cap - c->used < len + 1) {
		if (len + 1 > SF_ARENA_CHUNK / 8) {
			/* Alone, behind the current chunk (still filling). */
			big = xmalloc(sizeof *big + len + 1);
			big->used = big->cap = len + 1;
			if (c != NULL) {
				big->next = c->next;
				c->next = big;
			} else {
				big->next = NULL;
				a->head = big;
			}
			a->bytes += sizeof *big + len + 1;
			memcpy(big->data, s, len);
			big->data[len] = '\0';
			return big->data;
		}
		/* Leaves room for malloc's own header within the MiB. */
		cap = SF_ARENA_CHUNK - sizeof *c - 64;
		c = xmalloc(sizeof *c + cap);
		c->used = 0;
		c->cap = cap;
		c->next = a->head;
		a->head = c;
		a->bytes += sizeof *c + cap;
	}
	p = c->data + c->used;
	memcpy(p, s, len);
	p[len] = '\0';
	c->used += len + 1;
	return p;
}

void
sf_arena_free(struct sf_arena *a)
{
	struct sf_arena_chunk *c, *next;

	for (c = a->head; c != NULL; c = next) {
		next = c->next;
		free(c);
	}
	a->head = NULL;
	a->bytes = 0;
}

/* ---- digests ----------------------------------------------------------- */

static int
sf_md5_nibble(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

int
sf_md5_pack(const char *text, unsigned char bin[16], uint16_t *parts)
{
	unsigned char b[16];
	unsigned long n = 0;
	int i, hi, lo;
	const char *p;

	if (text == NULL)
		return -1;
	for (i = 0; i < 16; i++) {
		if ((hi = sf_md5_nibble(text[2 * i])) < 0 ||
		    (lo = sf_md5_nibble(text[2 * i + 1])) < 0)
			return -1;
		b[i] = (unsigned char)(hi << 4 | lo);
	}
	p = text + 32;
	if (*p == '-') {
		/* 1..65535, no sign, no leading zero: prints back the same. */
		if (p[1] < '1' || p[1] > '9')
			return -1;
		for (p++; *p >= '0' && *p <= '9'; p++) {
			n = n * 10 + (unsigned long)(*p - '0');
			if (n > UINT16_MAX)
				return -1;
		}
	}
	if (*p != '\0')
		return -1;
	memcpy(bin, b, sizeof b);
	*parts = (uint16_t)n;
	return 0;
}

const char *
sf_file_md5(const struct sf_file *f, char *buf, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	char t[SF_MD5_TEXT];
	int i;

	if (len == 0)
		return buf;
	switch (f->md5_kind) {
	case SF_MD5_HEX:
		for (i = 0; i < 16; i++) {
			t[2 * i] = hex[f->md5.bin[i] >> 4];
			t[2 * i + 1] = hex[f->md5.bin[i] & 0xf];
		}
		t[32] = '\0';
		if (f->md5_parts > 0)
			snprintf(t + 32, sizeof t - 32, "-%u",
			    (unsigned)f->md5_parts);
		snprintf(buf, len, "%s", t);
		break;
	case SF_MD5_OTHER:
		snprintf(buf, len, "%s", f->md5.text);
		break;
	default:
		buf[0] = '\0';
	}
	return buf;
}

int
sf_file_md5_cmp(const struct sf_file *x, const struct sf_file *y)
{
	char a[SF_MD5_TEXT], b[SF_MD5_TEXT];
	int c;

	if (x->md5_kind == SF_MD5_HEX && y->md5_kind == SF_MD5_HEX) {
		/* Lower-case hex sorts as its bytes do. */
		c = memcmp(x->md5.bin, y->md5.bin, sizeof x->md5.bin);
		if (c != 0 || x->md5_parts == y->md5_parts)
			return c;
	}
	return strcmp(sf_file_md5(x, a, sizeof a), sf_file_md5(y, b, sizeof b));
}

uint32_t
sf_file_time(double t)
{
	return t >= 1 && t < 4294967296.0 ? (uint32_t)t : 0;
}

void
sf_xcom_row_clear(struct sf_xcom_row *r)
{
	free(r->dag_id);
	free(r->task_id);
	free(r->run_id);
	free(r->key);
	free(r->value_type);
	free(r->value);
	memset(r, 0, sizeof *r);
}

void
sf_stages_reset(struct sf_stages *s)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		sf_stage_clear(&s->v[i]);
	s->n = 0;
	s->complete = 0;
	s->gen++;
}

void
sf_files_reset(struct sf_files *f)
{
	sf_arena_free(&f->strings);
	f->n = 0;
	f->total_bytes = 0;
	f->complete = 0;
	f->gen++;
}

void
sf_xcom_rows_reset(struct sf_xcom_rows *x)
{
	size_t i;

	for (i = 0; i < x->n; i++)
		sf_xcom_row_clear(&x->v[i]);
	x->n = 0;
	x->complete = 0;
	x->gen++;
}

void
sf_models_free(struct sf_models *m)
{
	sf_stages_reset(&m->stages);
	sf_files_reset(&m->files);
	sf_xcom_rows_reset(&m->xcom);
	free(m->stages.v);
	free(m->files.v);
	free(m->files.stage);
	free(m->xcom.v);
	free(m->xcom.table);
	free(m->error);
	memset(m, 0, sizeof *m);
}

#define SF_PUSH(arr, elem)                                                  \
	do {                                                                \
		if ((arr)->n == (arr)->cap) {                               \
			(arr)->cap = (arr)->cap == 0 ? 64 : (arr)->cap * 2; \
			(arr)->v = xreallocarray(                           \
			    (arr)->v, (arr)->cap, sizeof *(arr)->v);        \
		}                                                           \
		(arr)->v[(arr)->n++] = *(elem);                             \
		memset((elem), 0, sizeof *(elem));                          \
		(arr)->gen++;                                               \
	} while (0)

void
sf_stages_push(struct sf_stages *s, struct sf_stage *e)
{
	SF_PUSH(s, e);
}

/* A digest too odd to pack: kept as text, cut at a character boundary. */
static void
sf_file_md5_text(struct sf_files *fs, struct sf_file *f, const char *md5)
{
	size_t n = strlen(md5);

	if (n > SF_MD5_TEXT - 1) {
		n = SF_MD5_TEXT - 1;
		while (n > 0 && ((unsigned char)md5[n] & 0xc0) == 0x80)
			n--;
	}
	f->md5.text = sf_arena_strndup(&fs->strings, md5, n);
	f->md5_kind = SF_MD5_OTHER;
}

struct sf_file *
sf_files_add(struct sf_files *fs, const char *name, size_t len, uint64_t size,
    const char *md5, double last_modified)
{
	struct sf_file *f;

	if (fs->n == fs->cap)
		sf_files_reserve(fs, fs->cap == 0 ? 64 : fs->cap * 2);
	f = &fs->v[fs->n++];
	memset(f, 0, sizeof *f);
	f->name = sf_arena_strndup(&fs->strings, name, len);
	f->size = size;
	f->last_modified = sf_file_time(last_modified);
	if (md5 != NULL && *md5 != '\0') {
		if (sf_md5_pack(md5, f->md5.bin, &f->md5_parts) == 0)
			f->md5_kind = SF_MD5_HEX;
		else
			sf_file_md5_text(fs, f, md5);
	}
	fs->total_bytes += size;
	fs->gen++;
	return f;
}

void
sf_files_reserve(struct sf_files *fs, size_t n)
{
	if (n <= fs->cap)
		return;
	fs->v = xreallocarray(fs->v, n, sizeof *fs->v);
	fs->cap = n;
}

void
sf_xcom_rows_push(struct sf_xcom_rows *x, struct sf_xcom_row *e)
{
	SF_PUSH(x, e);
}

static int
sf_file_cmp(const void *a, const void *b)
{
	const struct sf_file *x = a, *y = b;

	return strcmp(x->name, y->name);
}

void
sf_files_sort(struct sf_files *f)
{
	size_t i;

	/* Listings mostly come in name order already: then qsort (and the
	 * index glibc allocates for it, 16 bytes a file) is not needed. */
	for (i = 1; i < f->n; i++) {
		if (strcmp(f->v[i - 1].name, f->v[i].name) > 0) {
			qsort(f->v, f->n, sizeof *f->v, sf_file_cmp);
			break;
		}
	}
	f->gen++;
}
