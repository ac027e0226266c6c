/*
 * The active palette: theme slots turned into curses attributes for the
 * current screen. Colour pairs belong to the screen, which is process-wide
 * in curses, so the table is too (like htop's CRT_colors).
 */

#include "theme.h"

#include <curses.h>

static attr_t palette_attrs[THEME_NSLOTS];
static int palette_colour;
static int palette_ready;

static attr_t
palette_bits(int attrs)
{
	attr_t a = A_NORMAL;

	if (attrs & THEME_A_BOLD)
		a |= A_BOLD;
	if (attrs & THEME_A_UNDERLINE)
		a |= A_UNDERLINE;
	if (attrs & THEME_A_REVERSE)
		a |= A_REVERSE;
	if (attrs & THEME_A_DIM)
		a |= A_DIM;
	if (attrs & THEME_A_ITALIC)
		a |= A_ITALIC;
	return a;
}

/* Maps a theme colour to what the terminal can show. */
static short
palette_colour_for(short c, int default_ok, short fallback)
{
	if (c < 0)
		return default_ok ? -1 : fallback;
	if (COLORS < 256)
		c = theme_colour16(c);
	if (c >= COLORS)
		c = (short)(c % 8);
	return c;
}

void
theme_apply(const struct theme *th, int force_mono)
{
	struct theme mono;
	const struct theme *use = th;
	int i, default_ok;
	short fg, bg;

	if (force_mono || th->mono || !has_colors() || COLORS < 8 ||
	    COLOR_PAIRS < THEME_NSLOTS + 1 || start_color() == ERR) {
		if (!th->mono) {
			theme_mono(&mono);
			use = &mono;
		}
		for (i = 0; i < THEME_NSLOTS; i++)
			palette_attrs[i] = palette_bits(use->slot[i].attrs);
		palette_colour = 0;
		palette_ready = 1;
		return;
	}
	default_ok = use_default_colors() == OK;
	for (i = 0; i < THEME_NSLOTS; i++) {
		fg =
		    palette_colour_for(th->slot[i].fg, default_ok, COLOR_WHITE);
		bg =
		    palette_colour_for(th->slot[i].bg, default_ok, COLOR_BLACK);
		init_pair((short)(i + 1), fg, bg);
		palette_attrs[i] =
		    COLOR_PAIR(i + 1) | palette_bits(th->slot[i].attrs);
	}
	palette_colour = 1;
	palette_ready = 1;
}

attr_t
theme_attr(enum theme_slot s)
{
	struct theme mono;
	int i;

	if ((int)s < 0 || s >= THEME_NSLOTS)
		return A_NORMAL;
	if (!palette_ready) {
		/* No theme yet: readable monochrome attributes. */
		theme_mono(&mono);
		for (i = 0; i < THEME_NSLOTS; i++)
			palette_attrs[i] = palette_bits(mono.slot[i].attrs);
		palette_ready = 1;
	}
	return palette_attrs[s];
}

int
theme_has_colour(void)
{
	return palette_colour;
}
