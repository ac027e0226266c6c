/*
 * The terminal front end: opens /dev/tty (never fd 0), runs ncursesw on it,
 * reads keys through a uv_poll handle, handles SIGWINCH in the loop, lays the
 * panes out and repaints dirty views once per loop turn from a uv_prepare
 * handle. The terminal is restored on every exit path, including fatal
 * errors (tui_emergency_restore, registered as the fatal hook).
 */

#ifndef SNOWDECK_TUI_H
#define SNOWDECK_TUI_H

struct uv_loop_s;
struct app;
struct tui;

/*
 * Opens the terminal and starts the handles. theme is a theme name (looked
 * up in $SNOWDECK_ROOT/themes, ~/.config/snowdeck/themes, then the install
 * prefix) or a path; NULL = "default". NO_COLOR in the environment or a
 * terminal without colours selects monochrome. Returns 0, or -1 with *cause.
 */
int tui_create(struct tui **out, struct uv_loop_s *loop, struct app *app,
    const char *theme, char **cause);

/*
 * Restores the terminal and closes the handles (their close callbacks run on
 * the next uv_run; the struct is freed from the last one).
 */
void tui_free(struct tui *);

/* Marks every view dirty: the next loop turn repaints them. */
void tui_redraw(struct tui *);

/* Leaves curses, stops SIGTSTP-ignoring and stops the process (Ctrl-Z);
 * returns after SIGCONT with the screen repainted. */
void tui_suspend(struct tui *);

/* Async-signal tolerant restore of the terminal (endwin + tty modes). */
void tui_emergency_restore(void);

/*
 * Debugging and tests: writes the current screen as text (one line per row)
 * to path. Returns 0 or -1.
 */
int tui_dump(struct tui *, const char *path);

#endif
