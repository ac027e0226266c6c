/*
 * The Snowflake stages pane: the stages of the connection's database and
 * schema; Enter lists a stage's files (path, size, md5, last modified),
 * sorted by path so the XCom layout <dag_id>/<task_id>/<run_id>/
 * <multi_index>/<key>.<ext> groups by prefix (the GROUP column names the
 * dag/task/run a file belongs to); Enter on a file previews it (text, JSON
 * pretty and masked, CSV, parquet schema and row count; pickle, numpy and
 * raw bytes described, never deserialized) with scrolling. Big stages
 * stream in: the list reads the model through virtual rows (nothing is
 * copied per frame) and grows as partitions arrive. T jumps from a file to
 * the task instance that wrote it; a reference followed in the XCom pane
 * lands here on its file, and Esc goes back there.
 */

#include "view.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "app_sf.h"
#include "keymap.h"
#include "list.h"
#include "model.h"
#include "model_sf.h"
#include "textview.h"
#include "theme.h"
#include "tui_draw.h"
#include "tui_ext.h"
#include "util.h"
#include "xcomref.h"

enum { ST_NAME, ST_KIND, ST_URL, ST_COMMENT };
enum { FI_GROUP, FI_PATH, FI_SIZE, FI_MD5, FI_MODIFIED };

static const struct list_column view_stages_cols[] = {
	[ST_NAME] = { .title = "STAGE", .min = 12, .max = 40, .grow = 1 },
	[ST_KIND] = { .title = "TYPE", .min = 9, .drop = 2 },
	[ST_URL] = { .title = "URL", .min = 10, .grow = 1, .drop = 1 },
	[ST_COMMENT] = { .title = "COMMENT", .min = 10, .grow = 1, .drop = 3 },
};

static const struct list_column view_stages_file_cols[] = {
	[FI_GROUP] = { .title = "GROUP",
	    .min = 20,
	    .max = 90,
	    .grow = 3,
	    .drop = 1 },
	[FI_PATH] = { .title = "PATH", .min = 16, .max = 60, .grow = 1 },
	[FI_SIZE] = { .title = "SIZE", .min = 10, .flags = LIST_RIGHT },
	[FI_MD5] = { .title = "MD5", .min = 32, .max = 32, .drop = 3 },
	[FI_MODIFIED] = { .title = "MODIFIED", .min = 8, .max = 19, .drop = 2 },
};

enum view_stages_mode { VS_STAGES, VS_FILES, VS_PREVIEW };

/* Rows are 32-bit (4 bytes a file for the layout): a header row is
 * VS_GROUP | group index, so a stage shows its first 2^31 - 1 files. */
#define VS_GROUP     ((uint32_t)1 << 31)
#define VS_FILES_MAX ((size_t)VS_GROUP - 1)

struct view_stages_group {
	size_t first, count; /* file indices first .. first + count */
	size_t len;          /* prefix length in the first file's name */
	uint64_t bytes;
};

struct view_stages {
	struct app *app;
	struct sf_models *m;
	struct list stages, files;
	struct textview tv;
	enum view_stages_mode mode;
	uint64_t seen_stages, seen_files, seen_preview;
	int loaded;    /* stages asked for once */
	int from_xcom; /* arrived by a followed reference: Esc goes back */
	char *want;    /* a file to select when it arrives */
	char *shown;   /* the preview's path when its text was last set */
	/*
	 * The file list as a tree: a header row per group (consecutive files
	 * with the same dag/task/run prefix), then its files unless folded.
	 * Groups are found incrementally as rows arrive (scanned); rows holds
	 * file indices, or VS_GROUP | group index for a header. Sorted or
	 * filtered, the list is flat (every file, no headers).
	 */
	struct view_stages_group *groups;
	size_t ngroups, capgroups, scanned;
	uint32_t *rows;
	size_t nrows, caprows;
	int flat;
	int fold_all;  /* every group folded, but those in folded[] */
	char **folded; /* groups whose fold differs from fold_all */
	size_t nfolded;
	char *for_stage; /* the stage the groups were found in */
};

/* The dag/task/run prefix of an XCom layout path, or its directory. */
static size_t
view_stages_group_len(const char *p)
{
	const char *s = p, *last = NULL;
	int n = 0;

	for (; *s != '\0'; s++) {
		if (*s == '/') {
			last = s;
			if (++n == 3)
				break;
		}
	}
	return last != NULL ? (size_t)(last - p) : 0;
}

static size_t
view_stages_count(void *arg)
{
	struct view_stages *d = arg;

	return d->m->stages.n;
}

static void
view_stages_cell(void *arg, size_t row, int col, char *buf, size_t len)
{
	struct view_stages *d = arg;
	const struct sf_stage *s = &d->m->stages.v[row];

	switch (col) {
	case ST_NAME:
		snprintf(buf, len, "%s", s->name);
		break;
	case ST_KIND:
		snprintf(buf, len, "%s", s->kind != NULL ? s->kind : "");
		break;
	case ST_URL:
		snprintf(buf, len, "%s",
		    s->url != NULL && *s->url != '\0' ? s->url : "internal");
		break;
	case ST_COMMENT:
		snprintf(buf, len, "%s", s->comment != NULL ? s->comment : "");
		break;
	}
}

static void
view_stages_id(void *arg, size_t row, char *buf, size_t len)
{
	struct view_stages *d = arg;

	snprintf(buf, len, "%s", d->m->stages.v[row].name);
}

static const struct list_ops view_stages_list_ops = {
	.count = view_stages_count,
	.cell = view_stages_cell,
	.id = view_stages_id,
};

static size_t
view_stages_fcount(void *arg)
{
	struct view_stages *d = arg;

	return d->nrows;
}

/* Whether group g is folded now. */
static int
view_stages_is_folded(const struct view_stages *d, size_t g)
{
	const struct view_stages_group *gr = &d->groups[g];
	const char *name = d->m->files.v[gr->first].name;
	size_t i;

	for (i = 0; i < d->nfolded; i++) {
		if (strlen(d->folded[i]) == gr->len &&
		    memcmp(d->folded[i], name, gr->len) == 0)
			return !d->fold_all;
	}
	return d->fold_all;
}

static void
view_stages_fcell(void *arg, size_t row, int col, char *buf, size_t len)
{
	struct view_stages *d = arg;
	const struct view_stages_group *gr;
	const struct sf_file *f;
	size_t r = d->rows[row], g;

	if (r & VS_GROUP) {
		gr = &d->groups[r & ~VS_GROUP];
		f = &d->m->files.v[gr->first];
		switch (col) {
		case FI_GROUP:
			snprintf(buf, len, "%s %.*s",
			    view_stages_is_folded(d, r & ~VS_GROUP)
				? (tui_utf8() ? "\xe2\x96\xb8" : "+")
				: (tui_utf8() ? "\xe2\x96\xbe" : "-"),
			    (int)gr->len, f->name);
			break;
		case FI_PATH:
			snprintf(buf, len, "%zu file%s", gr->count,
			    gr->count == 1 ? "" : "s");
			break;
		case FI_SIZE:
			tui_fmt_bytes((size_t)gr->bytes, buf, len);
			break;
		default:
			buf[0] = '\0';
		}
		return;
	}
	f = &d->m->files.v[r];
	switch (col) {
	case FI_GROUP:
		g = view_stages_group_len(f->name);
		if (d->flat)
			snprintf(buf, len, "%.*s", (int)g, f->name);
		else
			buf[0] = '\0';
		break;
	case FI_PATH:
		g = view_stages_group_len(f->name);
		snprintf(buf, len, "%s", f->name + (g > 0 ? g + 1 : 0));
		break;
	case FI_SIZE:
		tui_fmt_bytes((size_t)f->size, buf, len);
		break;
	case FI_MD5:
		sf_file_md5(f, buf, len);
		break;
	case FI_MODIFIED:
		tui_fmt_time(f->last_modified, tui_now(), buf, len);
		break;
	}
}

static int
view_stages_fattr(void *arg, size_t row)
{
	struct view_stages *d = arg;

	return (d->rows[row] & VS_GROUP) ? THEME_HEADER : -1;
}

static void
view_stages_fid(void *arg, size_t row, char *buf, size_t len)
{
	struct view_stages *d = arg;
	size_t r = d->rows[row];
	const struct view_stages_group *gr;

	if (r & VS_GROUP) {
		gr = &d->groups[r & ~VS_GROUP];
		snprintf(buf, len, "\x1d%.*s", (int)gr->len,
		    d->m->files.v[gr->first].name);
	} else
		snprintf(buf, len, "%s", d->m->files.v[r].name);
}

static int
view_stages_fcmp(void *arg, int col, size_t a, size_t b)
{
	struct view_stages *d = arg;
	const struct sf_file *x, *y;

	/* Sorted lists are flat: every row is a file. */
	x = &d->m->files.v[d->rows[a] & ~VS_GROUP];
	y = &d->m->files.v[d->rows[b] & ~VS_GROUP];
	switch (col) {
	case FI_SIZE:
		return x->size < y->size ? -1 : x->size > y->size;
	case FI_MODIFIED:
		return x->last_modified < y->last_modified
			   ? -1
			   : x->last_modified > y->last_modified;
	case FI_MD5:
		return sf_file_md5_cmp(x, y);
	default:
		return strcmp(x->name, y->name);
	}
}

/* Finds the groups of the files that arrived since the last scan. */
static void
view_stages_scan(struct view_stages *d)
{
	const struct sf_files *fs = &d->m->files;
	struct view_stages_group *last;
	const char *stage = app_sf_open_stage_name(d->app);
	size_t i, len;

	if (fs->n < d->scanned || d->for_stage == NULL ||
	    strcmp(d->for_stage, stage) != 0) {
		d->ngroups = d->scanned = 0;
		free(d->for_stage);
		d->for_stage = xstrdup(stage);
	}
	for (i = d->scanned; i < fs->n && i < VS_FILES_MAX; i++) {
		len = view_stages_group_len(fs->v[i].name);
		last = d->ngroups > 0 ? &d->groups[d->ngroups - 1] : NULL;
		if (last != NULL && last->len == len &&
		    memcmp(fs->v[last->first].name, fs->v[i].name, len) == 0) {
			last->count++;
			last->bytes += fs->v[i].size;
			continue;
		}
		if (d->ngroups == d->capgroups) {
			d->capgroups = d->capgroups ? d->capgroups * 2 : 64;
			d->groups = xreallocarray(
			    d->groups, d->capgroups, sizeof *d->groups);
		}
		last = &d->groups[d->ngroups++];
		last->first = i;
		last->count = 1;
		last->len = len;
		last->bytes = fs->v[i].size;
	}
	d->scanned = i;
}

/* Lays the rows out again (groups, folds or flatness changed). */
static void
view_stages_layout(struct view_stages *d)
{
	size_t g, i, need, n;

	view_stages_scan(d);
	n = d->m->files.n < VS_FILES_MAX ? d->m->files.n : VS_FILES_MAX;
	d->flat = d->files.sort_col >= 0 || d->files.filter[0] != '\0';
	need = n + (d->flat ? 0 : d->ngroups);
	if (need > d->caprows) {
		d->caprows = need + need / 4 + 64;
		d->rows = xreallocarray(d->rows, d->caprows, sizeof *d->rows);
	}
	d->nrows = 0;
	if (d->flat) {
		for (i = 0; i < n; i++)
			d->rows[d->nrows++] = (uint32_t)i;
		return;
	}
	for (g = 0; g < d->ngroups; g++) {
		d->rows[d->nrows++] = VS_GROUP | (uint32_t)g;
		if (view_stages_is_folded(d, g))
			continue;
		for (i = 0; i < d->groups[g].count; i++)
			d->rows[d->nrows++] =
			    (uint32_t)(d->groups[g].first + i);
	}
}

/* z on a group or one of its files: fold or unfold the group. */
static void
view_stages_fold(struct view_stages *d, size_t row)
{
	size_t r = d->rows[row], g, i;
	const struct view_stages_group *gr;
	const char *name;
	char id[LIST_ID];

	if (r & VS_GROUP)
		g = r & ~VS_GROUP;
	else {
		for (g = 0; g < d->ngroups; g++) {
			if (r >= d->groups[g].first &&
			    r < d->groups[g].first + d->groups[g].count)
				break;
		}
		if (g == d->ngroups)
			return;
	}
	gr = &d->groups[g];
	name = d->m->files.v[gr->first].name;
	for (i = 0; i < d->nfolded; i++) {
		if (strlen(d->folded[i]) == gr->len &&
		    memcmp(d->folded[i], name, gr->len) == 0)
			break;
	}
	if (i < d->nfolded) {
		free(d->folded[i]);
		d->folded[i] = d->folded[--d->nfolded];
	} else {
		d->folded =
		    xreallocarray(d->folded, d->nfolded + 1, sizeof *d->folded);
		d->folded[d->nfolded++] = xstrndup(name, gr->len);
	}
	snprintf(id, sizeof id, "\x1d%.*s", (int)gr->len, name);
	view_stages_layout(d);
	list_refresh(&d->files);
	list_select_id(&d->files, id);
}

static void
view_stages_unfold_all(struct view_stages *d, int fold)
{
	size_t i;

	for (i = 0; i < d->nfolded; i++)
		free(d->folded[i]);
	d->nfolded = 0;
	d->fold_all = fold;
	view_stages_layout(d);
	list_refresh(&d->files);
}

/*
 * The filter looks at a file's path and md5: a million rows are matched
 * on a key press without formatting sizes and times (filtered rows are
 * files only: the layout is flat then).
 */
static int
view_stages_fmatch(void *arg, size_t row, const char *pattern)
{
	struct view_stages *d = arg;
	const struct sf_file *f;
	size_t r = d->rows[row];
	char md5[SF_MD5_TEXT];

	if (r & VS_GROUP)
		return 0;
	f = &d->m->files.v[r];
	if (text_find(f->name, strlen(f->name), pattern) != NULL)
		return 1;
	/* Only hex digits and '-' can be in a packed digest's text. */
	if (f->md5_kind == SF_MD5_HEX &&
	    pattern[strspn(pattern, "0123456789abcdefABCDEF-")] != '\0')
		return 0;
	sf_file_md5(f, md5, sizeof md5);
	return text_find(md5, strlen(md5), pattern) != NULL;
}

static const struct list_ops view_stages_file_ops = {
	.count = view_stages_fcount,
	.cell = view_stages_fcell,
	.row_attr = view_stages_fattr,
	.id = view_stages_fid,
	.cmp = view_stages_fcmp,
	.match = view_stages_fmatch,
};

static int
view_stages_init(struct view *v, struct app *app, char **cause)
{
	struct view_stages *d = xcalloc(1, sizeof *d);

	(void)cause;
	d->app = app;
	d->m = app_sf_models(app);
	list_init(&d->stages, view_stages_cols, (int)nitems(view_stages_cols),
	    &view_stages_list_ops, d);
	list_init(&d->files, view_stages_file_cols,
	    (int)nitems(view_stages_file_cols), &view_stages_file_ops, d);
	d->stages.empty = "loading stages";
	d->files.empty = "loading files";
	textview_init(&d->tv, TEXTVIEW_JSON);
	v->data = d;
	return 0;
}

static void
view_stages_free(struct view *v)
{
	struct view_stages *d = v->data;
	size_t i;

	list_free(&d->stages);
	list_free(&d->files);
	textview_free(&d->tv);
	free(d->want);
	free(d->shown);
	free(d->groups);
	free(d->rows);
	for (i = 0; i < d->nfolded; i++)
		free(d->folded[i]);
	free(d->folded);
	free(d->for_stage);
	free(d);
}

/* A pending jump from the XCom bridge: open the stage, select the file. */
static void
view_stages_reveal(struct view_stages *d)
{
	char *db, *schema, *stage, *path, *full;

	if (!app_sf_reveal_take(d->app, &db, &schema, &stage, &path))
		return;
	full = xasprintf("%s.%s.%s", db, schema, stage);
	if (strcmp(full, app_sf_open_stage_name(d->app)) != 0)
		app_sf_open_stage(d->app, db, schema, stage);
	free(d->want);
	d->want = path;
	d->mode = VS_FILES;
	d->from_xcom = 1;
	list_set_filter(&d->files, "");
	view_stages_unfold_all(d, 0);
	free(full);
	free(db);
	free(schema);
	free(stage);
}

static void
view_stages_sync(struct view_stages *d)
{
	struct af_value *pv = app_sf_preview_value(d->app);
	const char *err = d->m->error;

	view_stages_reveal(d);
	if (!d->loaded) {
		d->loaded = 1;
		if (d->m->stages.n == 0)
			app_sf_load_stages(d->app);
	}
	if (d->seen_stages != d->m->stages.gen) {
		d->seen_stages = d->m->stages.gen;
		list_refresh(&d->stages);
	}
	if (d->seen_files != d->m->files.gen) {
		d->seen_files = d->m->files.gen;
		view_stages_layout(d);
		list_refresh(&d->files);
	}
	if (d->want != NULL && list_select_id(&d->files, d->want) == 0) {
		free(d->want);
		d->want = NULL;
	}
	if (!app_sf_connected(d->app) && d->m->stages.n == 0)
		d->stages.empty = app_sf_status(d->app)->detail != NULL
				      ? app_sf_status(d->app)->detail
				      : "no Snowflake connection";
	else if (err != NULL && !d->m->stages.complete)
		d->stages.empty = err;
	else
		d->stages.empty =
		    d->m->stages.complete ? "no stages" : "loading stages";
	d->files.empty = err != NULL && !d->m->files.complete ? err
			 : d->m->files.complete               ? "no files"
							      : "loading files";
	if (d->seen_preview != pv->gen) {
		d->seen_preview = pv->gen;
		if (pv->key == NULL || d->shown == NULL ||
		    strcmp(pv->key, d->shown) != 0)
			textview_reset(&d->tv);
		free(d->shown);
		d->shown = pv->key != NULL ? xstrdup(pv->key) : NULL;
	}
	textview_set(&d->tv, pv->text, pv->len, pv->lines, pv->nlines);
}

static int
view_stages_stale(const struct view *v)
{
	const struct view_stages *d = v->data;

	return d->seen_stages != d->m->stages.gen ||
	       d->seen_files != d->m->files.gen ||
	       d->seen_preview != app_sf_preview_value(d->app)->gen;
}

static void
view_stages_draw(struct view *v, WINDOW *win)
{
	struct view_stages *d = v->data;
	struct af_value *pv = app_sf_preview_value(d->app);
	int h = getmaxy(win), w = getmaxx(win), focused, y;
	char note[256], size[32];
	size_t bytes;
	int cut;
	const char *kind;

	focused = (v->flags & VIEW_FOCUSED) != 0;
	view_stages_sync(d);
	if (d->mode == VS_STAGES) {
		list_draw(&d->stages, win, 0, 0, h, w, focused);
		return;
	}
	if (d->mode == VS_FILES) {
		list_draw(&d->files, win, 0, 0, h, w, focused);
		return;
	}
	if (pv->text == NULL) {
		for (y = 0; y < h; y++)
			tui_fill(win, y, 0, w, theme_attr(THEME_DEFAULT));
		tui_put(win, 0, 1, "loading the preview", w - 1, 0,
		    theme_attr(THEME_DIM));
		return;
	}
	kind = app_sf_preview_kind(d->app, &bytes, &cut);
	tui_fmt_bytes(bytes, size, sizeof size);
	snprintf(note, sizeof note, "%s, %s fetched%s", kind, size,
	    cut ? " (the file is larger: its start is shown)" : "");
	tui_put(win, 0, 0, note, w, TUI_PAD | TUI_ELLIPSIS,
	    theme_attr(cut ? THEME_WARN : THEME_DIM));
	if (h > 1)
		textview_draw(&d->tv, win, 1, 0, h - 1, w, focused);
}

/* T on a file: the task instance that wrote it, in the Airflow panes. */
static int
view_stages_jump(struct view_stages *d, const char *path)
{
	struct xcomref r;
	char *cause = NULL;

	if (xcomref_parse_stage_path(path, strlen(path), 0, &r, &cause) != 0) {
		app_message(d->app, 1,
		    "%s is not in the XCom layout "
		    "dag/task/run/index/key.ext: %s",
		    path, cause);
		free(cause);
		return VIEW_HANDLED;
	}
	app_sf_jump_task(
	    d->app, r.dag_id, r.run_id, r.task_id, (int)r.multi_index);
	app_message(d->app, 0, "%s / %s / %s", r.dag_id, r.run_id, r.task_id);
	xcomref_free(&r);
	app_sf_goto_set(d->app, "tasks");
	return VIEW_HANDLED | VIEW_GOTO;
}

static int
view_stages_key(struct view *v, int key)
{
	struct view_stages *d = v->data;
	enum keymap_action a;
	const struct sf_stage *s;
	size_t row, fi;
	int r;

	view_stages_sync(d);
	if (d->mode == VS_PREVIEW) {
		if (textview_key(&d->tv, key) != TEXTVIEW_IGNORED)
			return VIEW_HANDLED;
		a = keymap_lookup(KM_STAGES, key);
		if (a == KA_KEYS) {
			d->mode = VS_FILES;
			return VIEW_HANDLED;
		}
		if (a == KA_JUMP_TASK && d->shown != NULL)
			return view_stages_jump(d, d->shown);
		return VIEW_IGNORED;
	}
	if (d->mode == VS_STAGES) {
		if (list_key(&d->stages, key) != LIST_IGNORED)
			return VIEW_HANDLED;
	} else {
		r = list_key(&d->files, key);
		/* Sorting or filtering flattens the tree, and back. */
		if ((d->files.sort_col >= 0 || d->files.filter[0] != '\0') !=
		    d->flat) {
			view_stages_layout(d);
			list_refresh(&d->files);
		}
		if (r != LIST_IGNORED)
			return VIEW_HANDLED;
	}
	a = keymap_lookup(KM_STAGES, key);
	if (d->mode == VS_STAGES) {
		if (a == KA_REFRESH) {
			app_sf_load_stages(d->app);
			return VIEW_HANDLED;
		}
		if (a == KA_SELECT && list_selected(&d->stages, &row) == 0 &&
		    row < d->m->stages.n) {
			s = &d->m->stages.v[row];
			app_sf_open_stage(
			    d->app, s->database, s->schema, s->name);
			d->scanned = d->ngroups = 0;
			list_set_filter(&d->files, "");
			d->mode = VS_FILES;
			d->from_xcom = 0;
			return VIEW_HANDLED;
		}
		return VIEW_IGNORED;
	}
	switch (a) {
	case KA_KEYS:
		if (d->from_xcom) {
			d->from_xcom = 0;
			app_sf_goto_set(d->app, "xcom");
			return VIEW_HANDLED | VIEW_GOTO;
		}
		d->mode = VS_STAGES;
		return VIEW_HANDLED;
	case KA_REFRESH:
		if (d->m->stages.n > 0 &&
		    list_selected(&d->stages, &row) == 0) {
			s = &d->m->stages.v[row];
			app_sf_open_stage(
			    d->app, s->database, s->schema, s->name);
			d->scanned = d->ngroups = 0;
		}
		return VIEW_HANDLED;
	case KA_FOLD_ALL:
		view_stages_unfold_all(d, !d->fold_all);
		return VIEW_HANDLED;
	case KA_FOLD:
	case KA_SELECT:
	case KA_JUMP_TASK:
		if (list_selected(&d->files, &row) != 0 || row >= d->nrows)
			return VIEW_HANDLED;
		fi = d->rows[row];
		if (a == KA_FOLD || (fi & VS_GROUP)) {
			if (a != KA_JUMP_TASK && !d->flat)
				view_stages_fold(d, row);
			return VIEW_HANDLED;
		}
		if (a == KA_JUMP_TASK)
			return view_stages_jump(d, d->m->files.v[fi].name);
		app_sf_preview(d->app, d->m->files.v[fi].name);
		d->mode = VS_PREVIEW;
		return VIEW_HANDLED;
	default:
		return VIEW_IGNORED;
	}
}

static void
view_stages_caption(const struct view *v, char *buf, size_t len)
{
	const struct view_stages *d = v->data;
	char n[PROMPT_MAX + 64], size[32], t[PROMPT_MAX + 64];

	switch (d->mode) {
	case VS_STAGES:
		snprintf(
		    buf, len, "(%s)", list_status(&d->stages, n, sizeof n));
		break;
	case VS_FILES:
		tui_fmt_bytes(
		    (size_t)d->m->files.total_bytes, size, sizeof size);
		snprintf(buf, len, "@%s %zu files %s%s (%s)",
		    app_sf_open_stage_name(d->app), d->m->files.n, size,
		    d->m->files.complete ? "" : " loading",
		    list_status(&d->files, n, sizeof n));
		break;
	case VS_PREVIEW:
		snprintf(buf, len, "%s (%s)", d->shown != NULL ? d->shown : "",
		    textview_status(&d->tv, t, sizeof t));
		break;
	}
}

static void
view_stages_hint_ctx(const struct view *v, int *ctx, int *widget)
{
	const struct view_stages *d = v->data;

	*ctx = KM_STAGES;
	*widget = d->mode == VS_PREVIEW ? KM_TEXT : KM_LIST;
}

const struct view_ops view_stages_ops = {
	.name = "stages",
	.alias = "st",
	.title = "Stages",
	.init = view_stages_init,
	.free = view_stages_free,
	.stale = view_stages_stale,
	.draw = view_stages_draw,
	.key = view_stages_key,
	.caption = view_stages_caption,
	.km_ctx = KM_STAGES,
	.km_widget = KM_LIST,
	.hint_ctx = view_stages_hint_ctx,
};
