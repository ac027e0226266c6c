/*
 * Themes as data. Drawing code never names a colour: it asks for the
 * attribute of a semantic slot (theme_attr(THEME_WARN)), after htop's
 * CRT_colors. The slots are defined once below (an X-macro that yields the
 * enum and the names the parser accepts).
 *
 * A theme file holds one slot per line, tmux style:
 *
 *	# comment
 *	base = default                 (optional: default or mono)
 *	selected = fg=black,bg=cyan,bold
 *	state_failed = fg=colour196,bold
 *
 * Colours: default, black, red, green, yellow, blue, magenta, cyan, white,
 * brightblack ... brightwhite, colour0 ... colour255 (also "color").
 * Attributes: bold, underline, reverse, dim, italic, none.
 *
 * The parser (theme_parse) is pure and fuzzed; the curses side
 * (theme_apply, theme_attr) lives in tui/palette.c.
 */

#ifndef SNOWDECK_THEME_H
#define SNOWDECK_THEME_H

#include <stddef.h>

#include <curses.h>

#define THEME_SLOTS(X)                                        \
	X(DEFAULT, "default")                                 \
	X(BORDER, "border")                                   \
	X(BORDER_FOCUS, "border_focus")                       \
	X(TITLE, "title")                                     \
	X(TITLE_FOCUS, "title_focus")                         \
	X(HEADER, "header")                                   \
	X(SELECTED, "selected")                               \
	X(SELECTED_INACTIVE, "selected_inactive")             \
	X(MARKED, "marked")                                   \
	X(MATCH, "match")                                     \
	X(DIM, "dim")                                         \
	X(PAUSED, "paused")                                   \
	X(BRAND, "brand")                                     \
	X(TAB, "tab")                                         \
	X(TAB_VISIBLE, "tab_visible")                         \
	X(TAB_ACTIVE, "tab_active")                           \
	X(CRUMB, "crumb")                                     \
	X(STATUSBAR, "statusbar")                             \
	X(HINT_KEY, "hint_key")                               \
	X(HINT, "hint")                                       \
	X(INFO, "info")                                       \
	X(WARN, "warn")                                       \
	X(ERROR, "error")                                     \
	X(BADGE_INSECURE, "badge_insecure")                   \
	X(BADGE_READONLY, "badge_readonly")                   \
	X(PROMPT, "prompt")                                   \
	X(DIALOG, "dialog")                                   \
	X(DIALOG_BORDER, "dialog_border")                     \
	X(BUTTON, "button")                                   \
	X(BUTTON_FOCUS, "button_focus")                       \
	X(JSON_KEY, "json_key")                               \
	X(JSON_STRING, "json_string")                         \
	X(JSON_NUMBER, "json_number")                         \
	X(JSON_LITERAL, "json_literal")                       \
	X(FOLD, "fold")                                       \
	X(LOG_ERROR, "log_error")                             \
	X(LOG_WARN, "log_warn")                               \
	X(STATE_NONE, "state_none")                           \
	X(STATE_QUEUED, "state_queued")                       \
	X(STATE_SCHEDULED, "state_scheduled")                 \
	X(STATE_RUNNING, "state_running")                     \
	X(STATE_SUCCESS, "state_success")                     \
	X(STATE_FAILED, "state_failed")                       \
	X(STATE_UP_FOR_RETRY, "state_up_for_retry")           \
	X(STATE_UP_FOR_RESCHEDULE, "state_up_for_reschedule") \
	X(STATE_UPSTREAM_FAILED, "state_upstream_failed")     \
	X(STATE_SKIPPED, "state_skipped")                     \
	X(STATE_DEFERRED, "state_deferred")                   \
	X(STATE_REMOVED, "state_removed")                     \
	X(STATE_RESTARTING, "state_restarting")               \
	X(STATE_UNKNOWN, "state_unknown")

#define THEME_ENUM(id, name) THEME_##id,
enum theme_slot { THEME_SLOTS(THEME_ENUM) THEME_NSLOTS };
#undef THEME_ENUM

/* Attribute bits of a style. */
#define THEME_A_BOLD      0x01
#define THEME_A_UNDERLINE 0x02
#define THEME_A_REVERSE   0x04
#define THEME_A_DIM       0x08
#define THEME_A_ITALIC    0x10

/* A colour: -1 is the terminal default, 0-255 a palette index. */
struct theme_style {
	short fg;
	short bg;
	int attrs; /* THEME_* bits */
};

struct theme {
	struct theme_style slot[THEME_NSLOTS];
	int mono; /* attributes only: colours are ignored when applied */
};

/* The slot's name as theme files spell it ("state_failed"). */
const char *theme_slot_name(enum theme_slot);

/* Finds a slot by name; -1 if there is none. */
int theme_slot_lookup(const char *name, size_t len);

/* The compiled-in schemes: the default (256 colours, degrading to 16) and
 * the monochrome one (bold/reverse/underline only). */
void theme_default(struct theme *out);
void theme_mono(struct theme *out);

/*
 * Parses theme text (len bytes, not necessarily NUL-terminated) over the
 * default scheme (or the monochrome one after "base = mono"). Returns 0, or
 * -1 with *cause (owned by the caller) naming the line: "line 3: unknown
 * colour 'purpel'". On error *out holds the default scheme.
 */
int theme_parse(const char *buf, size_t len, struct theme *out, char **cause);

/*
 * Finds and parses a theme by name or path: a name containing '/' or
 * ending ".theme" is a path; a name is looked up as <name>.theme in
 * $SNOWDECK_ROOT/themes, ~/.config/snowdeck/themes and the install data
 * directory. "default" and "mono" fall back to the compiled-in schemes when
 * no file is found. Returns 0 or -1 with *cause (out holds the default).
 */
int theme_load(const char *name, struct theme *out, char **cause);

/*
 * The nearest of the 16 ANSI colours to xterm-256 colour c (for terminals
 * with fewer than 256 colours); c < 16 and -1 come back unchanged.
 */
short theme_colour16(short c);

/* The slot a task or run state is drawn with (state is an enum af_state). */
enum theme_slot theme_state_slot(int state);

/*
 * Curses side (tui/palette.c). theme_apply() makes th the active palette of
 * the current screen: it allocates colour pairs when the terminal has
 * colours (mapping 256-colour values to 16 when COLORS < 256) and otherwise
 * uses the attributes alone. force_mono selects the monochrome scheme
 * (NO_COLOR). Before any theme_apply the monochrome attributes are used.
 */
void theme_apply(const struct theme *th, int force_mono);

/* The attribute of a slot in the active palette. */
attr_t theme_attr(enum theme_slot);

/* Whether the active palette uses colours. */
int theme_has_colour(void);

#endif
