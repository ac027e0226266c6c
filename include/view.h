/*
 * A view is a const table of functions plus private data (after tmux's
 * struct window_mode). Views paint models into a WINDOW they borrow for one
 * draw call; they never do I/O and never call refresh(): tui/render.c does.
 */

#ifndef SNOWDECK_VIEW_H
#define SNOWDECK_VIEW_H

#include <stddef.h>
#include <stdint.h>

#include <curses.h>

struct app;
struct view;

/* Returned by view_ops.key, OR-able. */
#define VIEW_IGNORED  0x0 /* not consumed: try the global keymap */
#define VIEW_HANDLED  0x1
#define VIEW_REDRAW   0x2 /* this view is dirty */
#define VIEW_RELAYOUT 0x4 /* geometry must be recomputed */

struct view_ops {
	const char *name;  /* stable id: keymaps, ':' command, tests */
	const char *alias; /* short alias for ':' (may be NULL) */
	const char *title; /* pane title */
	int pane;          /* APP_PANE_* bit this view stands for, or 0 */

	int (*init)(struct view *, struct app *, char **cause);
	void (*free)(struct view *);
	/* Optional: whether the models it shows changed since the last draw. */
	int (*stale)(const struct view *);
	void (*draw)(struct view *, WINDOW *);
	int (*key)(struct view *, int key); /* VIEW_* */
	/* Optional: one line for the status bar while focused. */
	const char *(*status)(const struct view *);
	/* Optional: called when the view gains (1) or loses (0) focus. */
	void (*focus)(struct view *, int focused);
	/* Optional: what follows the title ("customer_analytics (12)"). */
	void (*caption)(const struct view *, char *buf, size_t len);
	/* Optional: whether it shows something that moves with the clock
	 * alone (a running duration); the 1 s tick repaints only those. */
	int (*ticks)(const struct view *);
	/* Key map contexts (keymap.h enum keymap_ctx) whose hints the status
	 * bar shows while the view is focused: its own and its widget's. */
	int km_ctx;
	int km_widget;
	/* Optional: the contexts now, for a view that switches between a
	 * list and a text; overrides km_ctx and km_widget. */
	void (*hint_ctx)(const struct view *, int *ctx, int *widget);
};

struct view {
	const struct view_ops *ops;
	struct app *app;
	void *data; /* owned by the view, freed in ops->free */
	int flags;
#define VIEW_DIRTY   0x1
#define VIEW_FOCUSED 0x2
};

/* The registry: every view, NULL-terminated (views/registry.c). */
extern const struct view_ops *const view_registry[];

/* Finds a view's ops by name or alias, or NULL. */
const struct view_ops *view_lookup(const char *name);

/* Thin dispatchers that assert the op exists. */
int view_create(
    struct view *, const struct view_ops *, struct app *, char **cause);
void view_destroy(struct view *);
void view_draw(struct view *, WINDOW *);
int view_key(struct view *, int key);
int view_stale(const struct view *);
/* The caption (empty when the view has none); returns buf. */
const char *view_caption(const struct view *, char *buf, size_t len);
/* Whether the view must be repainted when the clock ticks. */
int view_ticks(const struct view *);

#endif
