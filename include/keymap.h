/*
 * Keys and the key map. A key is an int: a Unicode code point for a
 * character (Ctrl-x is 1..26, Enter is KEYC_ENTER), or KEYC_FN + n for a
 * function key; KEYC_ALT may be or-ed in. tui/input.c turns curses keys
 * into these codes.
 *
 * The key map is one data table of { key, action, context, flags, hint,
 * help }: the dispatchers look keys up in it, the '?' page and the status
 * bar hints are generated from it, and read-only mode drops the entries
 * flagged dangerous from the hints (k9s ClearDanger). Pure: no curses.
 */

#ifndef SNOWDECK_KEYMAP_H
#define SNOWDECK_KEYMAP_H

#include <stddef.h>

struct buf;

#define KEYC_NONE    0
#define KEYC_CTRL(c) ((c)&0x1f)
#define KEYC_TAB     0x09
#define KEYC_ENTER   0x0d
#define KEYC_ESC     0x1b
#define KEYC_SPACE   0x20
#define KEYC_BSPACE  0x7f
#define KEYC_ALT     0x02000000
#define KEYC_FN      0x01000000
enum {
	KEYC_UP = KEYC_FN + 1,
	KEYC_DOWN,
	KEYC_LEFT,
	KEYC_RIGHT,
	KEYC_HOME,
	KEYC_END,
	KEYC_PPAGE,
	KEYC_NPAGE,
	KEYC_BTAB,
	KEYC_DC,
	KEYC_IC,
	KEYC_SUP,
	KEYC_SDOWN,
	KEYC_SLEFT,
	KEYC_SRIGHT,
	KEYC_F1,
	KEYC_F12 = KEYC_F1 + 11,
	KEYC_FN_LAST
};

/* Where a binding applies; also the sections of the help page. */
enum keymap_ctx {
	KM_GLOBAL,
	KM_LIST,
	KM_TEXT,
	KM_DAGS,
	KM_RUNS,
	KM_GRID,
	KM_TASKS,
	KM_XCOM,
	KM_LOG,
	KM_PROMPT,
	KM_DIALOG,
	KM_STAGES,    /* Snowflake stages pane (tui2a) */
	KM_XCOMTABLE, /* Snowflake XCom table pane (tui2a) */
	KM_DOCTOR,    /* operator panes (views/view_doctor.c, view_jobs.c) */
	KM_JOBS,
	KM_SETUP,
	KM_SERVICES,
	KM_NCTX
};

enum keymap_action {
	KA_NONE = 0,
	/* global */
	KA_QUIT,
	KA_QUIT_NOW,
	KA_SUSPEND,
	KA_HELP,
	KA_COMMAND,
	KA_NEXT_PANE,
	KA_PREV_PANE,
	KA_FOCUS_LEFT,
	KA_FOCUS_RIGHT,
	KA_FOCUS_N,
	KA_BACK,
	KA_REFRESH,
	KA_TOGGLE_LOG,
	KA_CMDLOG,
	KA_ZOOM,
	KA_DOCK,
	KA_REDRAW,
	/* lists and text */
	KA_DOWN,
	KA_UP,
	KA_TOP,
	KA_BOTTOM,
	KA_HALF_DOWN,
	KA_HALF_UP,
	KA_PAGE_DOWN,
	KA_PAGE_UP,
	KA_FILTER,
	KA_SEARCH,
	KA_NEXT_MATCH,
	KA_PREV_MATCH,
	KA_SORT_NEXT,
	KA_SORT_PREV,
	KA_SORT_INVERT,
	KA_WRAP,
	KA_FOLLOW,
	KA_FOLD,
	KA_FOLD_ALL,
	KA_SCROLL_LEFT,
	KA_SCROLL_RIGHT,
	/* grid */
	KA_CELL_UP,
	KA_CELL_DOWN,
	KA_CELL_LEFT,
	KA_CELL_RIGHT,
	/* views */
	KA_SELECT,
	KA_TRIGGER,
	KA_TRIGGER_CONF,
	KA_PAUSE,
	KA_CLEAR,
	KA_MARK_SUCCESS,
	KA_MARK_FAILED,
	KA_KEYS,
	KA_ALL_DAGS,
	/* prompt */
	KA_ACCEPT,
	KA_CANCEL,
	KA_COMPLETE,
	KA_HIST_PREV,
	KA_HIST_NEXT,
	KA_KILL_LINE,
	KA_KILL_WORD,
	KA_KILL_EOL,
	KA_BOL,
	KA_EOL,
	KA_CHAR_LEFT,
	KA_CHAR_RIGHT,
	KA_DEL_BACK,
	KA_DEL_FWD,
	/* dialogs */
	KA_CONFIRM,
	KA_BUTTON_NEXT,
	KA_SUBMIT,
	/* Snowflake panes and the XCom bridge (tui2a) */
	KA_FOLLOW_REF,
	KA_JUMP_STAGE,
	KA_JUMP_TASK,
	KA_ALL_ROWS,
	/* operator panes */
	KA_RERUN,
	KA_JOB_RUN,
	KA_JOB_CANCEL,
	KA_JOB_TEXT,
	KA_JOB_LIST,
	KA_SETUP_APPLY,
	KA_SETUP_REPLACE,
	KA_SETUP_TEXT,
	KA_SETUP_LIST,
	KA_DOCTOR_TEXT,
	KA_DOCTOR_LIST,
	KA_SVC_RESTART,
	KA_SVC_STOP,
	KA_SVC_START,
	KA_SVC_LOGS,
	KA_SVC_PREV_LOGS,
	KA_SVC_INFO,
	KA_POOL_SUSPEND,
	KA_POOL_RESUME,
	KA_SVC_FOLLOW,
	KA_SVC_TEXT,
	KA_SVC_LIST,
	KA_NACTIONS
};

struct keymap_entry {
	int key;
	enum keymap_action action;
	enum keymap_ctx ctx;
	int flags;
#define KEYMAP_HINT   0x1 /* shown in the status bar hints */
#define KEYMAP_DANGER 0x2 /* changes Airflow: disabled in read-only mode */
	const char *hint; /* short label for the status bar */
	const char *help; /* one line for the help page */
};

/* The table, in help order; keymap_count entries. */
extern const struct keymap_entry keymap_table[];
extern const size_t keymap_count;

/* The action bound to key in ctx, or KA_NONE. */
enum keymap_action keymap_lookup(enum keymap_ctx, int key);

/* The first entry of action in ctx (for its key and texts), or NULL. */
const struct keymap_entry *keymap_find(enum keymap_ctx, enum keymap_action);

/* A stable name for an action ("trigger"), for remapping and messages. */
const char *keymap_action_name(enum keymap_action);

/* A context's section title ("Lists"). */
const char *keymap_ctx_name(enum keymap_ctx);

/* Writes a key's name ("j", "Ctrl-D", "PgDn", "Enter", "Alt-x"). */
const char *keymap_key_name(int key, char *buf, size_t len);

/* Parses a key name as keymap_key_name writes it; KEYC_NONE if unknown. */
int keymap_key_parse(const char *name);

/*
 * Appends the help page: one section per context, one line per action
 * with all its keys. In read-only mode dangerous actions are marked.
 */
void keymap_help(struct buf *out, int readonly);

/*
 * Fills out with up to max hint entries for the contexts ctx and then
 * extra (KM_NCTX for none), skipping dangerous ones in read-only mode.
 * Returns how many.
 */
size_t keymap_hints(enum keymap_ctx ctx, enum keymap_ctx extra, int readonly,
    const struct keymap_entry **out, size_t max);

#endif
