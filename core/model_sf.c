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

void
sf_file_clear(struct sf_file *f)
{
	free(f->name);
	memset(f, 0, sizeof *f);
}

void
sf_file_set_md5(struct sf_file *f, const char *md5)
{
	snprintf(f->md5, sizeof f->md5, "%s", md5 != NULL ? md5 : "");
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
	size_t i;

	for (i = 0; i < f->n; i++)
		sf_file_clear(&f->v[i]);
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

void
sf_files_push(struct sf_files *f, struct sf_file *e)
{
	f->total_bytes += e->size;
	SF_PUSH(f, e);
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
	if (f->n > 1)
		qsort(f->v, f->n, sizeof *f->v, sf_file_cmp);
	f->gen++;
}
