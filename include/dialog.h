/*
 * Modal dialogs, centred over the panes: a confirm dialog (title, message
 * lines, a confirm and a cancel button) and a multi-line text editor with
 * validation (the trigger conf JSON). One dialog is open at a time; while
 * it is, it takes every key.
 *
 * The callback runs exactly once per dialog: with DIALOG_CONFIRM on the
 * first confirm (the dialog is closed before the callback runs, so key
 * repeat or a double press can never confirm twice), DIALOG_CANCEL on
 * cancel, DIALOG_DISCARD when the dialog is thrown away unanswered (its
 * owner went, the screen is closing). The callback owns arg.
 *
 * Like the curses screen it is drawn on, the open dialog is process-wide.
 */

#ifndef SNOWDECK_DIALOG_H
#define SNOWDECK_DIALOG_H

#include <stddef.h>

#include <curses.h>

#define DIALOG_DISCARD (-1)
#define DIALOG_CANCEL  0
#define DIALOG_CONFIRM 1

/* text: the editor's text (NULL for a confirm dialog); borrowed. */
typedef void (*dialog_done_cb)(void *arg, int result, const char *text);
/* Returns 0 when text is acceptable, else -1 with *cause (caller frees). */
typedef int (*dialog_validate_cb)(const char *text, char **cause);

/*
 * Opens a confirm dialog. message may hold several '\n'-separated lines.
 * Keys: y or Enter confirm; n or Esc cancel. Strings are copied. An open
 * dialog is discarded first.
 */
void dialog_confirm(const void *owner, const char *title, const char *message,
    const char *confirm_label, dialog_done_cb cb, void *arg);

/*
 * Opens the text editor with initial text (NULL = empty). Enter breaks the
 * line, Tab inserts two spaces (pasting JSON works), arrows, Home/End,
 * Backspace/Delete and Ctrl-U edit. Ctrl-S runs validate: an error is
 * shown inline and the editor stays; otherwise it closes and cb gets the
 * text. Esc cancels.
 */
void dialog_editor(const void *owner, const char *title, const char *help,
    const char *initial, const char *confirm_label, dialog_validate_cb validate,
    dialog_done_cb cb, void *arg);

/* Whether a dialog is open. */
int dialog_active(void);
/* The open dialog's title (borrowed) or NULL. */
const char *dialog_title(void);
/* The open editor's text (borrowed) or NULL. */
const char *dialog_text(void);

/* Feeds a key to the open dialog; returns 1 (it is modal), 0 if none. */
int dialog_key(int key);

/* Where the dialog goes on a rows x cols screen. */
void dialog_geometry(int rows, int cols, int *y, int *x, int *h, int *w);
/* Draws the open dialog into win, a window of the geometry's size. */
void dialog_draw(WINDOW *win);

/* Discards the dialog if owner opened it (DIALOG_DISCARD). */
void dialog_discard_owner(const void *owner);
/* Discards any open dialog. */
void dialog_close_all(void);

#endif
