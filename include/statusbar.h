/*
 * The status bar (the last row): on the left the connection state of each
 * source with a glyph, a colour and "refreshed 3s ago", then the
 * permanent INSECURE TLS and READONLY badges; in the middle the current
 * message in its level's colour (or what is wrong with the connection);
 * on the right the key hints of the focused view, generated from the key
 * map. When space is short the hints go first, then the message.
 */

#ifndef SNOWDECK_STATUSBAR_H
#define SNOWDECK_STATUSBAR_H

#include <curses.h>

#include "keymap.h"

struct app;

/*
 * Draws the bar into row y of win, width cells from x. ctx and extra are
 * the key map contexts whose hints to show (KM_NCTX for none).
 */
void statusbar_draw(WINDOW *win, int y, int x, int width, struct app *app,
    enum keymap_ctx ctx, enum keymap_ctx extra);

/* The glyph and word for a source state ("+", "up"). */
char statusbar_glyph(int source_state);
const char *statusbar_word(int source_state);

#endif
