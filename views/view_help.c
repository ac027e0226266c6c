/*
 * The help page (? or :help), generated from the key map table: one
 * section per context, one line per action with all its keys; in
 * read-only mode the actions that change Airflow are marked disabled.
 */

#include "view.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "keymap.h"
#include "textview.h"
#include "theme.h"
#include "util.h"

struct view_help {
	struct buf text;
	struct textview tv;
};

/*
 * The text: the key map, then what this user or role may not do
 * (app_deny: refusals and the role's grants), so a disabled action says
 * why. Rebuilt each time the page opens.
 */
static void
view_help_build(struct view *v, struct app *app)
{
	struct view_help *d = v->data;
	const char *verb, *why, *target;
	char *what;
	size_t i;

	buf_reset(&d->text);
	keymap_help(&d->text, app_readonly(app));
	for (i = 0; (verb = app_denied_at(app, i, &target, &why)) != NULL;
	     i++) {
		if (i == 0)
			buf_adds(&d->text, "\nDisabled for this user/role\n");
		what = target != NULL ? xasprintf("%s %s", verb, target)
				      : xstrdup(verb);
		buf_printf(&d->text, "  %-22s %s\n", what, why);
		free(what);
	}
	textview_set_text(&d->tv, d->text.data, d->text.len);
}

static void
view_help_focus(struct view *v, int focused)
{
	if (focused)
		view_help_build(v, v->app);
}

static int
view_help_init(struct view *v, struct app *app, char **cause)
{
	struct view_help *d = xcalloc(1, sizeof *d);

	(void)cause;
	buf_init(&d->text);
	textview_init(&d->tv, TEXTVIEW_NOCURS);
	v->data = d;
	view_help_build(v, app);
	return 0;
}

static void
view_help_free(struct view *v)
{
	struct view_help *d = v->data;

	textview_free(&d->tv);
	buf_free(&d->text);
	free(d);
}

static void
view_help_draw(struct view *v, WINDOW *win)
{
	struct view_help *d = v->data;

	textview_draw(&d->tv, win, 0, 0, getmaxy(win), getmaxx(win),
	    (v->flags & VIEW_FOCUSED) != 0);
}

static int
view_help_key(struct view *v, int key)
{
	struct view_help *d = v->data;

	return textview_key(&d->tv, key) != TEXTVIEW_IGNORED ? VIEW_HANDLED
							     : VIEW_IGNORED;
}

static void
view_help_caption(const struct view *v, char *buf, size_t len)
{
	(void)v;
	snprintf(buf, len, "(q or Esc closes)");
}

const struct view_ops view_help_ops = {
	.name = "help",
	.alias = "?",
	.title = "Keys",
	.init = view_help_init,
	.free = view_help_free,
	.draw = view_help_draw,
	.key = view_help_key,
	.caption = view_help_caption,
	.focus = view_help_focus,
	.km_ctx = KM_GLOBAL,
	.km_widget = KM_TEXT,
};
