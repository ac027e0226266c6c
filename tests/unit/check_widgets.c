/*
 * The widgets on their own: the list (filter, sort, n/N, selection that
 * follows the item, frame cost with 100,000 rows), the text view (JSON
 * folding, search with n/N, wrap, follow), layout geometry, the prompt and
 * the dialog's exactly-once callback. Screens compare with golden files.
 */

#include <check.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curses.h>

#include "app.h"
#include "dialog.h"
#include "keymap.h"
#include "layout.h"
#include "list.h"
#include "model.h"
#include "prompt.h"
#include "support_tui.h"
#include "textview.h"
#include "theme.h"
#include "tui_draw.h"
#include "util.h"

/* A list over an array of { name, number } rows. */
struct rows {
	char **name;
	int *num;
	size_t n;
};

static size_t
rows_count(void *arg)
{
	return ((struct rows *)arg)->n;
}

static void
rows_cell(void *arg, size_t row, int col, char *buf, size_t len)
{
	struct rows *r = arg;

	if (col == 0)
		snprintf(buf, len, "%s", r->name[row]);
	else
		snprintf(buf, len, "%d", r->num[row]);
}

static void
rows_id(void *arg, size_t row, char *buf, size_t len)
{
	snprintf(buf, len, "%s", ((struct rows *)arg)->name[row]);
}

static int
rows_cmp(void *arg, int col, size_t a, size_t b)
{
	struct rows *r = arg;

	if (col == 1)
		return r->num[a] - r->num[b];
	return strcmp(r->name[a], r->name[b]);
}

static const struct list_column rows_cols[] = {
	{ .title = "NAME", .min = 10, .grow = 1 },
	{ .title = "NUM", .min = 6, .flags = LIST_RIGHT },
};
static const struct list_ops rows_ops = {
	.count = rows_count,
	.cell = rows_cell,
	.id = rows_id,
	.cmp = rows_cmp,
};

static const char *const fruit[] = { "banana", "apple", "cherry", "date",
	"elderberry", "fig", "grape", "honeydew", "kiwi", "lemon", "mango",
	"nectarine" };

static void
rows_fill(struct rows *r, size_t n)
{
	size_t i;

	r->n = n;
	r->name = xcalloc(n, sizeof *r->name);
	r->num = xcalloc(n, sizeof *r->num);
	for (i = 0; i < n; i++) {
		if (i < nitems(fruit))
			r->name[i] = xstrdup(fruit[i]);
		else
			r->name[i] = xasprintf("row_%06zu", i);
		r->num[i] = (int)((i * 7919) % 1000);
	}
}

static void
rows_free(struct rows *r)
{
	size_t i;

	for (i = 0; i < r->n; i++)
		free(r->name[i]);
	free(r->name);
	free(r->num);
}

static char *
win_text(WINDOW *w)
{
	struct buf b;

	buf_init(&b);
	tui_win_text(w, &b);
	buf_addc(&b, '\0');
	return buf_detach(&b);
}

static void
list_golden(struct list *l, WINDOW *w, const char *name)
{
	char *s;

	werase(w);
	list_draw(l, w, 0, 0, getmaxy(w), getmaxx(w), 1);
	s = win_text(w);
	golden_check(name, s);
	free(s);
}

START_TEST(test_list_filter_sort)
{
	struct fixture f;
	struct rows r;
	struct list l;
	WINDOW *w;
	size_t row;
	char st[64];
	const char *p;

	fixture_start(&f, 24, 80, 0, NULL);
	rows_fill(&r, nitems(fruit));
	list_init(&l, rows_cols, 2, &rows_ops, &r);
	list_refresh(&l);
	w = newwin(8, 30, 0, 0);
	list_golden(&l, w, "list_plain");
	/* '/' opens the filter; each key narrows it (incrementally). */
	list_key(&l, '/');
	for (p = "an"; *p != '\0'; p++)
		list_key(&l, *p);
	ck_assert_uint_eq(list_shown(&l), 2); /* banana, mango */
	list_golden(&l, w, "list_filter_editing");
	list_key(&l, KEYC_ENTER);
	ck_assert_str_eq(list_status(&l, st, sizeof st), "2/12 /an");
	list_key(&l, 'j');
	ck_assert_int_eq(list_selected(&l, &row), 0);
	ck_assert_str_eq(r.name[row], "mango");
	/* Esc clears the filter; the selection stays on mango. */
	list_key(&l, KEYC_ESC);
	ck_assert_uint_eq(list_shown(&l), 12);
	list_selected(&l, &row);
	ck_assert_str_eq(r.name[row], "mango");
	/* n/N step through the rows matching the last filter. */
	list_key(&l, 'n');
	list_selected(&l, &row);
	ck_assert_str_eq(r.name[row], "banana"); /* wrapped */
	list_key(&l, 'n');
	list_selected(&l, &row);
	ck_assert_str_eq(r.name[row], "mango");
	list_key(&l, 'N');
	list_selected(&l, &row);
	ck_assert_str_eq(r.name[row], "banana");
	/* '>' sorts by NAME, again by NUM, I inverts. */
	list_key(&l, '>');
	list_golden(&l, w, "list_sort_name");
	list_key(&l, '>');
	list_key(&l, 'I');
	list_golden(&l, w, "list_sort_num_desc");
	list_selected(&l, &row);
	ck_assert_str_eq(r.name[row], "banana"); /* the item, not the row */
	/* A filter with no match says so. */
	list_set_filter(&l, "zzz");
	ck_assert_uint_eq(list_shown(&l), 0);
	ck_assert_int_eq(list_selected(&l, NULL), -1);
	list_golden(&l, w, "list_no_match");
	delwin(w);
	list_free(&l);
	rows_free(&r);
	fixture_stop(&f);
}
END_TEST

/* CPU time of this thread: what a frame costs, whatever else the shared
 * machine runs meanwhile. */
/* New rows above (runs arrive newest first) or rows gone: the selection
 * stays on its item. */
START_TEST(test_list_selection_follows_item)
{
	struct rows r;
	struct list l;
	size_t row, i;
	char *first;

	rows_fill(&r, nitems(fruit));
	list_init(&l, rows_cols, 2, &rows_ops, &r);
	list_refresh(&l);
	ck_assert_int_eq(list_select_id(&l, "mango"), 0);
	/* Three rows arrive at the top. */
	r.name = xreallocarray(r.name, r.n + 3, sizeof *r.name);
	r.num = xreallocarray(r.num, r.n + 3, sizeof *r.num);
	memmove(r.name + 3, r.name, r.n * sizeof *r.name);
	memmove(r.num + 3, r.num, r.n * sizeof *r.num);
	for (i = 0; i < 3; i++) {
		r.name[i] = xasprintf("new_%zu", i);
		r.num[i] = 0;
	}
	r.n += 3;
	list_refresh(&l);
	ck_assert_int_eq(list_selected(&l, &row), 0);
	ck_assert_str_eq(r.name[row], "mango");
	ck_assert_uint_eq(row, 13);
	/* Everything but the first two goes: the selection stays in range. */
	for (i = 2; i < r.n; i++)
		free(r.name[i]);
	r.n = 2;
	list_refresh(&l);
	ck_assert_int_eq(list_selected(&l, &row), 0);
	ck_assert_uint_lt(row, 2);
	first = r.name[0];
	ck_assert_str_eq(first, "new_0");
	list_free(&l);
	rows_free(&r);
}
END_TEST

static double
now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* The slowdown allowed for timing asserts: 1 natively; the asan and
 * valgrind targets set SNOWDECK_TIME_FACTOR. */
static double
time_factor(void)
{
	const char *f = getenv("SNOWDECK_TIME_FACTOR");

	return f != NULL && atof(f) >= 1 ? atof(f) : 1;
}

/*
 * 100,000 rows: a frame costs the rows on screen, not the rows held. The
 * median frame (key + draw of 48 rows) must stay under the 5 ms target
 * and the 95th percentile under 4 times that (the machine is shared).
 */
START_TEST(test_list_100k_frame_cost)
{
	struct fixture f;
	struct rows r;
	struct list l;
	WINDOW *w;
	double t0, dt, us[1000], k = time_factor();
	int i;

	fixture_start(&f, 50, 200, 0, NULL);
	rows_fill(&r, 100000);
	list_init(&l, rows_cols, 2, &rows_ops, &r);
	list_refresh(&l);
	w = newwin(48, 100, 0, 0);
	for (i = 0; i < (int)nitems(us); i++) {
		t0 = now_us();
		list_key(&l, i % 100 == 99 ? KEYC_NPAGE : 'j');
		list_draw(&l, w, 0, 0, 48, 100, 1);
		us[i] = now_us() - t0;
	}
	qsort(us, nitems(us), sizeof us[0], cmp_double);
	ck_assert_msg(us[nitems(us) / 2] < 5000 * k, "median frame %.0f us",
	    us[nitems(us) / 2]);
	ck_assert_msg(us[nitems(us) * 95 / 100] < 20000 * k,
	    "95th percentile frame %.0f us", us[nitems(us) * 95 / 100]);
	t0 = now_us();
	list_set_filter(&l, "row_09");
	dt = now_us() - t0;
	ck_assert_uint_eq(list_shown(&l), 10000);
	ck_assert_msg(dt < 500000 * k, "filtering 100k rows took %.0f us", dt);
	list_key(&l, 'G');
	list_draw(&l, w, 0, 0, 48, 100, 1);
	if (getenv("SNOWDECK_BENCH_PRINT") != NULL)
		fprintf(stderr, "list 100k: median %.0f us, p95 %.0f us, "
				"filter %.0f us\n",
		    us[nitems(us) / 2], us[nitems(us) * 95 / 100], dt);
	delwin(w);
	list_free(&l);
	rows_free(&r);
	fixture_stop(&f);
}
END_TEST

static const char tv_json[] = "{\n"
			      "  \"a\": {\n"
			      "    \"b\": [\n"
			      "      1,\n"
			      "      2\n"
			      "    ],\n"
			      "    \"c\": \"minio\"\n"
			      "  },\n"
			      "  \"d\": \"a long string value that does not fit "
			      "in the narrow window at all\",\n"
			      "  \"e\": null\n"
			      "}\n";

static void
tv_golden(struct textview *tv, WINDOW *w, const char *name)
{
	char *s;

	werase(w);
	textview_draw(tv, w, 0, 0, getmaxy(w), getmaxx(w), 1);
	s = win_text(w);
	golden_check(name, s);
	free(s);
}

START_TEST(test_textview_fold_search_wrap)
{
	struct fixture f;
	struct textview tv;
	size_t *lines, n;
	WINDOW *w;
	char st[128];
	const char *p;

	fixture_start(&f, 24, 80, 0, NULL);
	lines = textview_index(tv_json, strlen(tv_json), &n);
	ck_assert_uint_eq(n, 11);
	textview_init(&tv, TEXTVIEW_JSON);
	textview_set(&tv, tv_json, strlen(tv_json), lines, n);
	w = newwin(8, 40, 0, 0);
	tv_golden(&tv, w, "textview_json");
	/* Fold the object opened on line 2 ("a": {): lines 3-8 hide. */
	ck_assert_int_eq(textview_block_end(&tv, 1), 7);
	textview_key(&tv, 'j');
	textview_key(&tv, 'z');
	ck_assert(textview_hidden(&tv, 3));
	ck_assert(!textview_hidden(&tv, 8));
	tv_golden(&tv, w, "textview_folded");
	textview_key(&tv, 'j');
	ck_assert_uint_eq(tv.cur, 8); /* the fold is one step */
	textview_key(&tv, 'Z');       /* unfold all */
	ck_assert(!textview_hidden(&tv, 3));
	/* Search: '/', the text, Enter; n and N move between matches. */
	textview_key(&tv, 'g');
	textview_key(&tv, '/');
	for (p = "minio"; *p != '\0'; p++)
		textview_key(&tv, *p);
	textview_key(&tv, KEYC_ENTER);
	ck_assert_uint_eq(tv.cur, 6);
	textview_key(&tv, '/');
	for (p = "\": "; *p != '\0'; p++)
		textview_key(&tv, *p);
	textview_key(&tv, KEYC_ENTER);
	ck_assert_uint_eq(tv.cur, 8);
	textview_key(&tv, 'n');
	ck_assert_uint_eq(tv.cur, 9);
	textview_key(&tv, 'N');
	ck_assert_uint_eq(tv.cur, 8);
	/* Wrap: the long line takes several rows. */
	textview_key(&tv, 'w');
	ck_assert_int_eq(tv.wrap, 1);
	ck_assert_int_gt(textview_rows(&tv, 8, 40), 1);
	tv_golden(&tv, w, "textview_wrapped");
	ck_assert_ptr_nonnull(strstr(textview_status(&tv, st, sizeof st),
	    "wrap"));
	delwin(w);
	textview_free(&tv);
	free(lines);
	fixture_stop(&f);
}
END_TEST

/* A live log: follow keeps the end in view as lines arrive. */
START_TEST(test_textview_follow)
{
	struct fixture f;
	struct models m;
	struct textview tv;
	WINDOW *w;
	char line[64];
	int i;

	fixture_start(&f, 24, 80, 0, NULL);
	models_init(&m);
	textview_init(&tv, TEXTVIEW_LOG | TEXTVIEW_LIVE);
	textview_set_follow(&tv, 1);
	w = newwin(5, 40, 0, 0);
	for (i = 0; i < 20; i++) {
		snprintf(line, sizeof line, "line %d\n", i);
		af_log_append(&m.log, line, strlen(line));
		textview_set(&tv, m.log.text, m.log.len, m.log.lines,
		    m.log.nlines);
		textview_draw(&tv, w, 0, 0, 5, 40, 1);
	}
	ck_assert_uint_eq(tv.cur, 19);
	ck_assert_uint_eq(tv.bottom, 19);
	textview_key(&tv, 'k'); /* moving stops following */
	ck_assert_int_eq(tv.follow, 0);
	af_log_append(&m.log, "line 20\n", 8);
	textview_set(&tv, m.log.text, m.log.len, m.log.lines, m.log.nlines);
	textview_draw(&tv, w, 0, 0, 5, 40, 1);
	ck_assert_uint_eq(tv.cur, 18);
	textview_key(&tv, 'G'); /* the end, following again */
	ck_assert_int_eq(tv.follow, 1);
	textview_draw(&tv, w, 0, 0, 5, 40, 1);
	ck_assert_uint_eq(tv.cur, 20);
	delwin(w);
	textview_free(&tv);
	models_free(&m);
	fixture_stop(&f);
}
END_TEST

START_TEST(test_layout_geometry)
{
	struct layout l;
	int s;

	layout_compute(&l, 50, 200, LAYOUT_DAGS, 0);
	ck_assert_int_eq(l.mode, LAYOUT_WIDE);
	for (s = 0; s < LAYOUT_NPANES; s++)
		ck_assert(layout_visible(&l, s));
	ck_assert_int_eq(l.slot[LAYOUT_DAGS].x, 0);
	ck_assert_int_eq(l.slot[LAYOUT_DETAIL].x + l.slot[LAYOUT_DETAIL].w,
	    200);
	layout_compute(&l, 30, 160, LAYOUT_DAGS, 0);
	ck_assert(!layout_visible(&l, LAYOUT_GRID));
	ck_assert(layout_visible(&l, LAYOUT_DETAIL));
	layout_compute(&l, 24, 80, LAYOUT_TASKS, 0);
	ck_assert_int_eq(l.mode, LAYOUT_SINGLE);
	ck_assert_int_eq(l.visible, 1 << LAYOUT_TASKS);
	ck_assert_int_eq(l.slot[LAYOUT_TASKS].w, 80);
	layout_compute(&l, 30, 120, LAYOUT_TASKS, 0);
	ck_assert(layout_visible(&l, LAYOUT_RUNS));
	ck_assert(layout_visible(&l, LAYOUT_TASKS));
	ck_assert_int_eq(layout_neighbour(&l, LAYOUT_TASKS, -1), LAYOUT_RUNS);
	ck_assert_int_eq(layout_neighbour(&l, LAYOUT_TASKS, 1), LAYOUT_DETAIL);
	layout_compute(&l, 3, 10, LAYOUT_DAGS, 0);
	ck_assert_int_eq(l.mode, LAYOUT_TINY);
	ck_assert_int_eq(l.visible, 0);
}
END_TEST

/* The theme files parse; default.theme is the compiled-in default, so a
 * missing file changes nothing; errors name the line. */
START_TEST(test_theme_files)
{
	struct theme th, def;
	char *cause = NULL;
	static const char *const names[] = { "default", "16colour", "mono" };
	static const char bad[] = "# c\nselected = fg=red\nx = fg=blue\n";
	size_t i;
	int s;

	for (i = 0; i < nitems(names); i++) {
		ck_assert_msg(theme_load(names[i], &th, &cause) == 0,
		    "%s: %s", names[i], cause);
		for (s = 0; s < THEME_NSLOTS; s++) {
			if (strcmp(names[i], "16colour") == 0) {
				ck_assert_int_lt(th.slot[s].fg, 16);
				ck_assert_int_lt(th.slot[s].bg, 16);
			}
		}
	}
	theme_load("default", &th, NULL);
	theme_default(&def);
	ck_assert_int_eq(memcmp(&th, &def, sizeof th), 0);
	theme_load("mono", &th, NULL);
	theme_mono(&def);
	for (s = 0; s < THEME_NSLOTS; s++)
		ck_assert_int_eq(th.slot[s].attrs, def.slot[s].attrs);
	ck_assert_int_eq(theme_parse(bad, strlen(bad), &th, &cause), -1);
	ck_assert_ptr_nonnull(strstr(cause, "line 3"));
	free(cause);
	cause = NULL;
	ck_assert_int_eq(theme_load("no-such-theme", &th, &cause), -1);
	ck_assert_ptr_nonnull(strstr(cause, "not found"));
	free(cause);
}
END_TEST

static int dlg_calls, dlg_last;

static void
dlg_cb(void *arg, int result, const char *text)
{
	(void)arg;
	(void)text;
	dlg_calls++;
	dlg_last = result;
}

/* A double press confirms once; the dialog is gone before the callback. */
START_TEST(test_dialog_once)
{
	dlg_calls = 0;
	dialog_confirm(&dlg_calls, "pause?", "DAG x", "pause", dlg_cb, NULL);
	ck_assert(dialog_active());
	dialog_key('y');
	dialog_key('y');
	ck_assert_int_eq(dlg_calls, 1);
	ck_assert_int_eq(dlg_last, DIALOG_CONFIRM);
	ck_assert(!dialog_active());
	dialog_confirm(&dlg_calls, "pause?", "DAG x", "pause", dlg_cb, NULL);
	dialog_discard_owner(&dlg_calls);
	ck_assert_int_eq(dlg_calls, 2);
	ck_assert_int_eq(dlg_last, DIALOG_DISCARD);
}
END_TEST

/* The prompt takes printable text only: no controls, no bidi. */
START_TEST(test_prompt_safe)
{
	struct prompt p;

	fixture_env();
	prompt_init(&p);
	prompt_start(&p, NULL);
	ck_assert_int_eq(prompt_key(&p, 'a'), PROMPT_EDITED);
	prompt_key(&p, 0x202e); /* RIGHT-TO-LEFT OVERRIDE */
	prompt_key(&p, 0x1b9b);
	prompt_key(&p, 0x9b); /* C1 CSI */
	prompt_key(&p, 0x00e9);
	ck_assert_str_eq(prompt_text(&p), "a\xe1\xae\x9b\xc3\xa9");
	ck_assert_int_eq(prompt_key(&p, KEYC_ENTER), PROMPT_ACCEPT);
	prompt_free(&p);
}
END_TEST

/* Outside a UTF-8 locale, text draws as ASCII: "…" as "...", other
 * undecodable bytes as '?', each the cells its bytes count for. */
START_TEST(test_draw_ascii_locale)
{
	struct fixture f;
	WINDOW *w;
	char got[32];

	fixture_start(&f, 10, 40, 0, NULL);
	w = newwin(1, 20, 0, 0);
	ck_assert_ptr_nonnull(w);
	ck_assert_ptr_nonnull(setlocale(LC_ALL, "C"));
	ck_assert(!tui_utf8());
	ck_assert_int_eq(tui_width("a\xe2\x80\xa6" "b", 5), 5);
	tui_putn(w, 0, 0, "a\xe2\x80\xa6" "b\xc3\xa9" "z", 8, 20, 0, 0);
	ck_assert_int_eq(mvwinnstr(w, 0, 0, got, 8), 8);
	got[8] = '\0';
	ck_assert_str_eq(got, "a...b" "??" "z");
	delwin(w);
	fixture_env(); /* back to C.UTF-8 */
	fixture_stop(&f);
}
END_TEST

Suite *widgets_suite(void);

Suite *
widgets_suite(void)
{
	Suite *s = suite_create("widgets");
	TCase *tc = tcase_create("widgets");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_list_filter_sort);
	tcase_add_test(tc, test_list_selection_follows_item);
	tcase_add_test(tc, test_list_100k_frame_cost);
	tcase_add_test(tc, test_textview_fold_search_wrap);
	tcase_add_test(tc, test_textview_follow);
	tcase_add_test(tc, test_layout_geometry);
	tcase_add_test(tc, test_theme_files);
	tcase_add_test(tc, test_dialog_once);
	tcase_add_test(tc, test_prompt_safe);
	tcase_add_test(tc, test_draw_ascii_locale);
	suite_add_tcase(s, tc);
	return s;
}
