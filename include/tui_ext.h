/*
 * What tui.h does not cover: the extra results a view's key handler may
 * return to move the focus, and a headless screen for tests, demos and
 * screen dumps (curses on /dev/null at a fixed size, no tty, no handles).
 */

#ifndef SNOWDECK_TUI_EXT_H
#define SNOWDECK_TUI_EXT_H

#include <stddef.h>

struct app;
struct buf;
struct tui;

/*
 * Extra bits of view_ops.key results (view.h uses 0x1-0x4). VIEW_DRILL:
 * the view selected something; focus the pane one level down (DAGs ->
 * Runs -> Tasks -> XCom/Log, Grid -> XCom/Log). VIEW_UP: focus the pane one
 * level up. VIEW_SHOW_LOG / VIEW_SHOW_XCOM: the detail pane shows that.
 */
#define VIEW_DRILL     0x100
#define VIEW_UP        0x200
#define VIEW_SHOW_LOG  0x400
#define VIEW_SHOW_XCOM 0x800
/* VIEW_GOTO: show the view named by app_sf_goto_set() (a cross-pane jump:
 * XCom reference -> Stages, stage file / XCom row -> Tasks). */
#define VIEW_GOTO 0x1000

/*
 * Creates a screen that draws to /dev/null at rows x cols, with every
 * view, and no tty, signal or poll handles: drive it with tui_feed_key()
 * and tui_render(), read it with tui_screen_text(). Free with tui_free()
 * (nothing is left for the loop). Returns 0 or -1 with *cause.
 */
int tui_create_headless(struct tui **out, struct app *app, int rows, int cols,
    const char *theme, char **cause);

/* Handles one key (keymap.h code) as if typed. */
void tui_feed_key(struct tui *, int key);

/* Paints what changed now (what the uv_prepare handle does each turn). */
void tui_render(struct tui *);

/* Frames painted so far (a frame with nothing to paint is not one). */
unsigned long tui_frames(const struct tui *);

/* Resizes the screen (what SIGWINCH does). */
void tui_resize(struct tui *, int rows, int cols);

/* The focused pane (layout.h LAYOUT_*) and the name of its view. */
int tui_focus(const struct tui *);
const char *tui_focused_view(const struct tui *);

/* Appends the screen as text, one '\n'-terminated line per row. */
void tui_screen_text(struct tui *, struct buf *out);

#endif
