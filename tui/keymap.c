/*
 * The key map: one table from which dispatch, the help page and the status
 * bar hints are all derived. vim keys and arrows both work; Airflow's own
 * shortcuts (Shift-C clear, Shift-S success, Shift-F failed) are kept.
 */

#include "keymap.h"

#include <stdio.h>
#include <string.h>

#include "util.h"

#define K(c, k, a, f, h, l)                                          \
	{                                                            \
		.key = (k), .action = (a), .ctx = (c), .flags = (f), \
		.hint = (h), .help = (l)                             \
	}
#define HINT   KEYMAP_HINT
#define DANGER KEYMAP_DANGER

const struct keymap_entry keymap_table[] = {
	/* Global. */
	K(KM_GLOBAL, '?', KA_HELP, HINT, "help", "show this help"),
	K(KM_GLOBAL, ':', KA_COMMAND, 0, "command",
	    "command line: a view name or alias, Tab completes "
	    "(:dags /text filters)"),
	K(KM_GLOBAL, 'q', KA_QUIT, 0, "quit",
	    "quit (on the help or command log page: close it)"),
	K(KM_GLOBAL, KEYC_CTRL('c'), KA_QUIT_NOW, 0, "quit", "quit at once"),
	K(KM_GLOBAL, KEYC_CTRL('z'), KA_SUSPEND, 0, "suspend",
	    "suspend to the shell (fg comes back)"),
	K(KM_GLOBAL, KEYC_TAB, KA_NEXT_PANE, 0, "next", "focus the next pane"),
	K(KM_GLOBAL, KEYC_BTAB, KA_PREV_PANE, 0, "prev",
	    "focus the previous pane"),
	K(KM_GLOBAL, 'h', KA_FOCUS_LEFT, 0, "left",
	    "focus the pane to the left"),
	K(KM_GLOBAL, KEYC_LEFT, KA_FOCUS_LEFT, 0, "left",
	    "focus the pane to the left"),
	K(KM_GLOBAL, 'l', KA_FOCUS_RIGHT, 0, "right",
	    "focus the pane to the right"),
	K(KM_GLOBAL, KEYC_RIGHT, KA_FOCUS_RIGHT, 0, "right",
	    "focus the pane to the right"),
	K(KM_GLOBAL, '1', KA_FOCUS_N, 0, "pane",
	    "focus pane N: 1 DAGs, 2 Runs, 3 Tasks, 4 XCom / Log, 5 Grid"),
	K(KM_GLOBAL, '2', KA_FOCUS_N, 0, "pane", NULL),
	K(KM_GLOBAL, '3', KA_FOCUS_N, 0, "pane", NULL),
	K(KM_GLOBAL, '4', KA_FOCUS_N, 0, "pane", NULL),
	K(KM_GLOBAL, '5', KA_FOCUS_N, 0, "pane", NULL),
	K(KM_GLOBAL, '6', KA_FOCUS_N, 0, "pane", NULL),
	K(KM_GLOBAL, '7', KA_FOCUS_N, 0, "pane", NULL),
	K(KM_GLOBAL, '8', KA_FOCUS_N, 0, "pane", NULL),
	K(KM_GLOBAL, '9', KA_FOCUS_N, 0, "pane", NULL),
	K(KM_GLOBAL, KEYC_ESC, KA_BACK, 0, "back",
	    "back: close the page, or focus the pane one level up"),
	K(KM_GLOBAL, 'r', KA_REFRESH, 0, "refresh", "refresh now"),
	K(KM_GLOBAL, 'L', KA_TOGGLE_LOG, 0, "log/xcom",
	    "detail pane: switch between the XCom entries and the log"),
	K(KM_GLOBAL, '@', KA_CMDLOG, 0, "cmdlog",
	    "command log: every API call and action, newest first"),
	K(KM_GLOBAL, 'D', KA_DOCK, 0, "dock",
	    "put the open page (services, stages, jobs, ...) in the detail "
	    "pane, beside the DAGs, runs and tasks (L brings back XCom / log)"),
	K(KM_GLOBAL, '+', KA_ZOOM, 0, "zoom",
	    "zoom the focused pane to the whole screen (again: back)"),
	K(KM_GLOBAL, KEYC_CTRL('l'), KA_REDRAW, 0, "redraw",
	    "repaint the whole screen"),

	/* Every list. */
	K(KM_LIST, 'j', KA_DOWN, 0, "down", "move down"),
	K(KM_LIST, KEYC_DOWN, KA_DOWN, 0, "down", "move down"),
	K(KM_LIST, 'k', KA_UP, 0, "up", "move up"),
	K(KM_LIST, KEYC_UP, KA_UP, 0, "up", "move up"),
	K(KM_LIST, 'g', KA_TOP, 0, "top", "first row"),
	K(KM_LIST, KEYC_HOME, KA_TOP, 0, "top", "first row"),
	K(KM_LIST, 'G', KA_BOTTOM, 0, "bottom", "last row"),
	K(KM_LIST, KEYC_END, KA_BOTTOM, 0, "bottom", "last row"),
	K(KM_LIST, KEYC_CTRL('d'), KA_HALF_DOWN, 0, "half down",
	    "half a page down"),
	K(KM_LIST, KEYC_CTRL('u'), KA_HALF_UP, 0, "half up", "half a page up"),
	K(KM_LIST, KEYC_NPAGE, KA_PAGE_DOWN, 0, "page down", "a page down"),
	K(KM_LIST, KEYC_PPAGE, KA_PAGE_UP, 0, "page up", "a page up"),
	K(KM_LIST, '/', KA_FILTER, HINT, "filter",
	    "filter the rows (any column, ignoring case; Esc clears)"),
	K(KM_LIST, 'n', KA_NEXT_MATCH, 0, "next",
	    "next row matching the last filter"),
	K(KM_LIST, 'N', KA_PREV_MATCH, 0, "prev",
	    "previous row matching the last filter"),
	K(KM_LIST, '>', KA_SORT_NEXT, 0, "sort", "sort by the next column"),
	K(KM_LIST, '<', KA_SORT_PREV, 0, "sort", "sort by the previous column"),
	K(KM_LIST, 'I', KA_SORT_INVERT, 0, "invert", "invert the sort order"),

	/* Text: XCom values, logs, help. */
	K(KM_TEXT, 'j', KA_DOWN, 0, "down", "move down"),
	K(KM_TEXT, KEYC_DOWN, KA_DOWN, 0, "down", "move down"),
	K(KM_TEXT, 'k', KA_UP, 0, "up", "move up"),
	K(KM_TEXT, KEYC_UP, KA_UP, 0, "up", "move up"),
	K(KM_TEXT, 'g', KA_TOP, 0, "top", "first line"),
	K(KM_TEXT, KEYC_HOME, KA_TOP, 0, "top", "first line"),
	K(KM_TEXT, 'G', KA_BOTTOM, HINT, "end",
	    "last line (a live log follows again)"),
	K(KM_TEXT, KEYC_END, KA_BOTTOM, 0, "end",
	    "last line (a live log follows again)"),
	K(KM_TEXT, KEYC_CTRL('d'), KA_HALF_DOWN, 0, "half down",
	    "half a page down"),
	K(KM_TEXT, KEYC_CTRL('u'), KA_HALF_UP, 0, "half up", "half a page up"),
	K(KM_TEXT, KEYC_NPAGE, KA_PAGE_DOWN, 0, "page down", "a page down"),
	K(KM_TEXT, KEYC_SPACE, KA_PAGE_DOWN, 0, "page down",
	    "a page down (on a { or [ line: fold)"),
	K(KM_TEXT, KEYC_PPAGE, KA_PAGE_UP, 0, "page up", "a page up"),
	K(KM_TEXT, '/', KA_SEARCH, HINT, "search",
	    "search (ignoring case); n/N next/previous match"),
	K(KM_TEXT, 'n', KA_NEXT_MATCH, 0, "next", "next match"),
	K(KM_TEXT, 'N', KA_PREV_MATCH, 0, "prev", "previous match"),
	K(KM_TEXT, 'w', KA_WRAP, HINT, "wrap", "wrap long lines on/off"),
	K(KM_TEXT, 'f', KA_FOLLOW, 0, "follow",
	    "follow: keep showing the end as lines arrive"),
	K(KM_TEXT, 'z', KA_FOLD, 0, "fold",
	    "fold/unfold the JSON block opened on this line"),
	K(KM_TEXT, KEYC_ENTER, KA_FOLD, 0, "fold",
	    "fold/unfold the JSON block opened on this line"),
	K(KM_TEXT, 'Z', KA_FOLD_ALL, 0, "fold all",
	    "fold every block below the top level / unfold all"),
	K(KM_TEXT, '<', KA_SCROLL_LEFT, 0, "left",
	    "scroll left (when not wrapping)"),
	K(KM_TEXT, '>', KA_SCROLL_RIGHT, 0, "right",
	    "scroll right (when not wrapping)"),

	/* DAGs. */
	K(KM_DAGS, KEYC_ENTER, KA_SELECT, HINT, "runs",
	    "select the DAG: show its runs and grid"),
	K(KM_DAGS, 't', KA_TRIGGER, HINT | DANGER, "trigger",
	    "trigger a run (asks first)"),
	K(KM_DAGS, 'T', KA_TRIGGER_CONF, DANGER, "trigger+conf",
	    "trigger with a conf JSON (editor, then asks)"),
	K(KM_DAGS, 'p', KA_PAUSE, HINT | DANGER, "pause",
	    "pause or unpause (asks first)"),

	/* Runs. */
	K(KM_RUNS, KEYC_ENTER, KA_SELECT, HINT, "tasks",
	    "select the run: show its task instances"),
	K(KM_RUNS, 'a', KA_ALL_DAGS, HINT, "all DAGs",
	    "show the runs of every DAG (Enter on a DAG: only its runs)"),
	K(KM_RUNS, 't', KA_TRIGGER, HINT | DANGER, "trigger",
	    "trigger a new run of this DAG (asks first)"),
	K(KM_RUNS, 'T', KA_TRIGGER_CONF, DANGER, "trigger+conf",
	    "trigger with a conf JSON (editor, then asks)"),

	/* Grid. */
	K(KM_GRID, 'k', KA_CELL_UP, 0, "up", "previous task"),
	K(KM_GRID, KEYC_UP, KA_CELL_UP, 0, "up", "previous task"),
	K(KM_GRID, KEYC_SUP, KA_CELL_UP, 0, "up", "previous task"),
	K(KM_GRID, 'j', KA_CELL_DOWN, 0, "down", "next task"),
	K(KM_GRID, KEYC_DOWN, KA_CELL_DOWN, 0, "down", "next task"),
	K(KM_GRID, KEYC_SDOWN, KA_CELL_DOWN, 0, "down", "next task"),
	K(KM_GRID, 'h', KA_CELL_LEFT, 0, "older",
	    "older run (at the edge: the pane to the left)"),
	K(KM_GRID, KEYC_LEFT, KA_CELL_LEFT, 0, "older", "older run"),
	K(KM_GRID, KEYC_SLEFT, KA_CELL_LEFT, 0, "older", "older run"),
	K(KM_GRID, 'l', KA_CELL_RIGHT, 0, "newer",
	    "newer run (at the edge: the pane to the right)"),
	K(KM_GRID, KEYC_RIGHT, KA_CELL_RIGHT, 0, "newer", "newer run"),
	K(KM_GRID, KEYC_SRIGHT, KA_CELL_RIGHT, 0, "newer", "newer run"),
	K(KM_GRID, 'g', KA_TOP, 0, "top", "first task"),
	K(KM_GRID, 'G', KA_BOTTOM, 0, "bottom", "last task"),
	K(KM_GRID, KEYC_ENTER, KA_SELECT, HINT, "select",
	    "select the cell's run and task: XCom and log"),

	/* Tasks. */
	K(KM_TASKS, KEYC_ENTER, KA_SELECT, HINT, "xcom/log",
	    "select the task: show its XCom and log"),
	K(KM_TASKS, 'c', KA_CLEAR, HINT | DANGER, "clear",
	    "clear the task instance so it runs again (asks first)"),
	K(KM_TASKS, 'C', KA_CLEAR, DANGER, "clear", NULL),
	K(KM_TASKS, 's', KA_MARK_SUCCESS, HINT | DANGER, "success",
	    "mark the task instance success (asks first)"),
	K(KM_TASKS, 'S', KA_MARK_SUCCESS, DANGER, "success", NULL),
	K(KM_TASKS, 'F', KA_MARK_FAILED, HINT | DANGER, "failed",
	    "mark the task instance failed (asks first)"),

	/* XCom. */
	K(KM_XCOM, KEYC_ENTER, KA_SELECT, HINT, "value",
	    "show the value of the key under the cursor"),
	K(KM_XCOM, KEYC_ESC, KA_KEYS, 0, "keys",
	    "from the value: back to the key list"),
	K(KM_XCOM, 'f', KA_FOLLOW_REF, 0, "follow",
	    "on a value: follow its Snowflake references (table rows, stage "
	    "files, tables) and show what they hold"),
	K(KM_XCOM, 'o', KA_JUMP_STAGE, 0, "in stages",
	    "on a followed stage reference: open the file in the Stages "
	    "pane"),
	K(KM_XCOM, 'b', KA_KEYS, 0, "back",
	    "from the followed references: back to the value"),

	/* Log. */
	K(KM_LOG, 'f', KA_FOLLOW, HINT, "follow",
	    "follow the log while the task runs (on by default)"),

	/* The ':' and '/' line editor. */
	K(KM_PROMPT, KEYC_ENTER, KA_ACCEPT, 0, "accept", "accept"),
	K(KM_PROMPT, KEYC_ESC, KA_CANCEL, 0, "cancel", "cancel"),
	K(KM_PROMPT, KEYC_TAB, KA_COMPLETE, 0, "complete",
	    "complete the command or view name"),
	K(KM_PROMPT, KEYC_UP, KA_HIST_PREV, 0, "history", "older history"),
	K(KM_PROMPT, KEYC_DOWN, KA_HIST_NEXT, 0, "history", "newer history"),
	K(KM_PROMPT, KEYC_CTRL('u'), KA_KILL_LINE, 0, "kill",
	    "delete to the start of the line"),
	K(KM_PROMPT, KEYC_CTRL('w'), KA_KILL_WORD, 0, "kill word",
	    "delete the word before the cursor"),
	K(KM_PROMPT, KEYC_CTRL('k'), KA_KILL_EOL, 0, "kill",
	    "delete to the end of the line"),
	K(KM_PROMPT, KEYC_CTRL('a'), KA_BOL, 0, "home", "start of the line"),
	K(KM_PROMPT, KEYC_HOME, KA_BOL, 0, "home", "start of the line"),
	K(KM_PROMPT, KEYC_CTRL('e'), KA_EOL, 0, "end", "end of the line"),
	K(KM_PROMPT, KEYC_END, KA_EOL, 0, "end", "end of the line"),
	K(KM_PROMPT, KEYC_LEFT, KA_CHAR_LEFT, 0, "left", "cursor left"),
	K(KM_PROMPT, KEYC_RIGHT, KA_CHAR_RIGHT, 0, "right", "cursor right"),
	K(KM_PROMPT, KEYC_BSPACE, KA_DEL_BACK, 0, "backspace",
	    "delete the character before the cursor"),
	K(KM_PROMPT, KEYC_CTRL('h'), KA_DEL_BACK, 0, "backspace",
	    "delete the character before the cursor"),
	K(KM_PROMPT, KEYC_DC, KA_DEL_FWD, 0, "delete",
	    "delete the character under the cursor"),

	/* Dialogs. */
	K(KM_DIALOG, 'y', KA_CONFIRM, HINT, "confirm", "confirm"),
	K(KM_DIALOG, KEYC_ENTER, KA_CONFIRM, 0, "confirm",
	    "press the focused button"),
	K(KM_DIALOG, 'n', KA_CANCEL, HINT, "cancel", "cancel"),
	K(KM_DIALOG, KEYC_ESC, KA_CANCEL, 0, "cancel", "cancel"),
	K(KM_DIALOG, KEYC_TAB, KA_BUTTON_NEXT, 0, "buttons",
	    "move between the text and the buttons"),
	K(KM_DIALOG, KEYC_LEFT, KA_BUTTON_NEXT, 0, "buttons",
	    "move between the buttons"),
	K(KM_DIALOG, KEYC_RIGHT, KA_BUTTON_NEXT, 0, "buttons",
	    "move between the buttons"),
	K(KM_DIALOG, KEYC_CTRL('s'), KA_SUBMIT, 0, "submit",
	    "conf editor: check the JSON and go on"),

	/* Snowflake stages. */
	K(KM_STAGES, KEYC_ENTER, KA_SELECT, HINT, "open",
	    "open the stage (its files) or preview the file"),
	K(KM_STAGES, KEYC_ESC, KA_KEYS, HINT, "back",
	    "back: from the preview to the files, from the files to the "
	    "stages, or to the XCom you came from"),
	K(KM_STAGES, 'b', KA_KEYS, 0, "back", NULL),
	K(KM_STAGES, 'z', KA_FOLD, HINT, "fold",
	    "fold or unfold the group (dag/task/run) under the cursor; "
	    "Enter on a group header does too"),
	K(KM_STAGES, 'Z', KA_FOLD_ALL, 0, "fold all",
	    "fold or unfold every group"),
	K(KM_STAGES, 'T', KA_JUMP_TASK, HINT, "task",
	    "jump to the DAG run and task instance that wrote the file"),
	K(KM_STAGES, 'r', KA_REFRESH, 0, "reload",
	    "reload the stages or the files"),

	/* Snowflake XCom table. */
	K(KM_XCOMTABLE, KEYC_ENTER, KA_SELECT, HINT, "value",
	    "show the row's value (pretty JSON, secrets masked)"),
	K(KM_XCOMTABLE, KEYC_ESC, KA_KEYS, 0, "rows",
	    "from the value: back to the rows"),
	K(KM_XCOMTABLE, 'a', KA_ALL_ROWS, HINT, "all/run",
	    "rows of every run, or of the run selected in Runs"),
	K(KM_XCOMTABLE, 'T', KA_JUMP_TASK, HINT, "task",
	    "jump to the DAG run and task instance that wrote the row"),
	K(KM_XCOMTABLE, 'r', KA_REFRESH, 0, "reload", "reload the rows"),

	/* Operator panes: doctor and jobs. */
	K(KM_DOCTOR, 'r', KA_RERUN, HINT, "re-run",
	    "run the preflight checklist again"),
	K(KM_DOCTOR, KEYC_ENTER, KA_DOCTOR_TEXT, 0, "to the check",
	    "keyboard to the selected check's whole reason and fix below: "
	    "j/k scroll, / search, n/N next/previous match"),
	K(KM_DOCTOR, KEYC_ESC, KA_DOCTOR_LIST, 0, "to the list",
	    "from the check: clear the search, then back to the list "
	    "(/ filters it)"),
	K(KM_JOBS, 'x', KA_JOB_RUN, HINT | DANGER, "run",
	    "run the selected job (asks first), the keyboard then on its "
	    "output"),
	K(KM_JOBS, 'K', KA_JOB_CANCEL, HINT | DANGER, "cancel",
	    "cancel the running job (its whole process group)"),
	K(KM_JOBS, KEYC_ENTER, KA_JOB_TEXT, 0, "to the output",
	    "keyboard to the job's output below: j/k scroll, / search, n/N "
	    "next/previous match (lines arriving too), G end and follow"),
	K(KM_JOBS, KEYC_ESC, KA_JOB_LIST, 0, "to the list",
	    "from the output: clear the search, then back to the list "
	    "(/ filters it)"),
	K(KM_SETUP, 'a', KA_SETUP_APPLY, HINT | DANGER, "apply",
	    "apply the plan: run the steps still needed (asks first; "
	    "again to resume after an error)"),
	K(KM_SETUP, 'r', KA_RERUN, HINT, "re-probe",
	    "probe Snowflake again: what exists, what would run"),
	K(KM_SETUP, 'R', KA_SETUP_REPLACE, DANGER, "replace XCom",
	    "plan replacing the XCom table and stage (on/off; applying asks "
	    "for each name typed)"),
	K(KM_SETUP, KEYC_ENTER, KA_SETUP_TEXT, 0, "to the step",
	    "keyboard to the selected step's SQL and error below: j/k "
	    "scroll, / search, n/N next/previous match"),
	K(KM_SETUP, KEYC_ESC, KA_SETUP_LIST, 0, "to the list",
	    "from the step: clear the search, then back to the list "
	    "(/ filters it)"),
	K(KM_SERVICES, 'R', KA_SVC_RESTART, HINT | DANGER, "restart",
	    "restart the selected service (SPCS: suspend, resume, wait for "
	    "READY; asks first)"),
	K(KM_SERVICES, 'S', KA_SVC_STOP, HINT | DANGER, "stop/suspend",
	    "stop the container / suspend the SPCS service (asks first)"),
	K(KM_SERVICES, 'U', KA_SVC_START, HINT | DANGER, "start/resume",
	    "start the container / resume the SPCS service (asks first)"),
	K(KM_SERVICES, 'l', KA_SVC_LOGS, HINT, "logs",
	    "the selected container's last 500 log lines below, with the "
	    "keyboard on them (again: refresh)"),
	K(KM_SERVICES, 'P', KA_SVC_PREV_LOGS, 0, "previous logs",
	    "SPCS: the log of the container's previous (terminated) run"),
	K(KM_SERVICES, 'i', KA_SVC_INFO, 0, "detail",
	    "back from the logs to the selected entry's detail"),
	K(KM_SERVICES, 'O', KA_POOL_SUSPEND, DANGER, "pool suspend",
	    "suspend the compute pool of the selected SPCS service (asks "
	    "first)"),
	K(KM_SERVICES, 'o', KA_POOL_RESUME, DANGER, "pool resume",
	    "resume the compute pool of the selected SPCS service (asks "
	    "first)"),
	K(KM_SERVICES, 'f', KA_SVC_FOLLOW, 0, "follow",
	    "follow the selected container's log as lines arrive (on/off)"),
	K(KM_SERVICES, KEYC_ENTER, KA_SVC_TEXT, 0, "to the text",
	    "keyboard to the logs / detail below: j/k scroll, / search, n/N "
	    "next/previous match (lines arriving too), G end and follow"),
	K(KM_SERVICES, KEYC_ESC, KA_SVC_LIST, 0, "to the list",
	    "from the logs / detail: clear the search, then back to the list "
	    "(/ filters it)"),
};
const size_t keymap_count = nitems(keymap_table);

#undef K
#undef HINT
#undef DANGER

static const char *const keymap_ctx_names[KM_NCTX] = {
	[KM_GLOBAL] = "Everywhere",
	[KM_LIST] = "Lists (DAGs, runs, tasks, XCom keys, command log)",
	[KM_TEXT] = "Text (XCom value, log, help)",
	[KM_DAGS] = "DAGs",
	[KM_RUNS] = "Runs",
	[KM_GRID] = "Grid",
	[KM_TASKS] = "Tasks",
	[KM_XCOM] = "XCom",
	[KM_LOG] = "Log",
	[KM_PROMPT] = "Command line and filters",
	[KM_DIALOG] = "Dialogs",
	[KM_STAGES] = "Stages (Snowflake)",
	[KM_XCOMTABLE] = "XCom table (Snowflake)",
	[KM_DOCTOR] = "Doctor",
	[KM_JOBS] = "Jobs",
	[KM_SETUP] = "Setup",
	[KM_SERVICES] = "Services",
};

static const char *const keymap_action_names[KA_NACTIONS] = {
	[KA_NONE] = "none",
	[KA_QUIT] = "quit",
	[KA_QUIT_NOW] = "quit-now",
	[KA_SUSPEND] = "suspend",
	[KA_HELP] = "help",
	[KA_COMMAND] = "command",
	[KA_NEXT_PANE] = "next-pane",
	[KA_PREV_PANE] = "prev-pane",
	[KA_FOCUS_LEFT] = "focus-left",
	[KA_FOCUS_RIGHT] = "focus-right",
	[KA_FOCUS_N] = "focus-pane",
	[KA_BACK] = "back",
	[KA_REFRESH] = "refresh",
	[KA_TOGGLE_LOG] = "toggle-log",
	[KA_CMDLOG] = "cmdlog",
	[KA_ZOOM] = "zoom",
	[KA_DOCK] = "dock",
	[KA_REDRAW] = "redraw",
	[KA_DOWN] = "down",
	[KA_UP] = "up",
	[KA_TOP] = "top",
	[KA_BOTTOM] = "bottom",
	[KA_HALF_DOWN] = "half-page-down",
	[KA_HALF_UP] = "half-page-up",
	[KA_PAGE_DOWN] = "page-down",
	[KA_PAGE_UP] = "page-up",
	[KA_FILTER] = "filter",
	[KA_SEARCH] = "search",
	[KA_NEXT_MATCH] = "next-match",
	[KA_PREV_MATCH] = "prev-match",
	[KA_SORT_NEXT] = "sort-next",
	[KA_SORT_PREV] = "sort-prev",
	[KA_SORT_INVERT] = "sort-invert",
	[KA_WRAP] = "wrap",
	[KA_FOLLOW] = "follow",
	[KA_FOLD] = "fold",
	[KA_FOLD_ALL] = "fold-all",
	[KA_SCROLL_LEFT] = "scroll-left",
	[KA_SCROLL_RIGHT] = "scroll-right",
	[KA_CELL_UP] = "cell-up",
	[KA_CELL_DOWN] = "cell-down",
	[KA_CELL_LEFT] = "cell-left",
	[KA_CELL_RIGHT] = "cell-right",
	[KA_SELECT] = "select",
	[KA_TRIGGER] = "trigger",
	[KA_TRIGGER_CONF] = "trigger-conf",
	[KA_PAUSE] = "pause",
	[KA_CLEAR] = "clear",
	[KA_MARK_SUCCESS] = "mark-success",
	[KA_MARK_FAILED] = "mark-failed",
	[KA_KEYS] = "keys",
	[KA_ALL_DAGS] = "all-dags",
	[KA_ACCEPT] = "accept",
	[KA_CANCEL] = "cancel",
	[KA_COMPLETE] = "complete",
	[KA_HIST_PREV] = "history-prev",
	[KA_HIST_NEXT] = "history-next",
	[KA_KILL_LINE] = "kill-line",
	[KA_KILL_WORD] = "kill-word",
	[KA_KILL_EOL] = "kill-eol",
	[KA_BOL] = "bol",
	[KA_EOL] = "eol",
	[KA_CHAR_LEFT] = "char-left",
	[KA_CHAR_RIGHT] = "char-right",
	[KA_DEL_BACK] = "delete-back",
	[KA_DEL_FWD] = "delete",
	[KA_CONFIRM] = "confirm",
	[KA_BUTTON_NEXT] = "next-button",
	[KA_SUBMIT] = "submit",
	[KA_FOLLOW_REF] = "follow-ref",
	[KA_JUMP_STAGE] = "jump-stage",
	[KA_JUMP_TASK] = "jump-task",
	[KA_ALL_ROWS] = "all-rows",
	[KA_RERUN] = "rerun",
	[KA_JOB_RUN] = "job-run",
	[KA_JOB_CANCEL] = "job-cancel",
	[KA_JOB_TEXT] = "job-focus-output",
	[KA_JOB_LIST] = "job-focus-list",
	[KA_SETUP_APPLY] = "setup-apply",
	[KA_SETUP_REPLACE] = "setup-replace",
	[KA_SETUP_TEXT] = "setup-focus-step",
	[KA_SETUP_LIST] = "setup-focus-list",
	[KA_DOCTOR_TEXT] = "doctor-focus-check",
	[KA_DOCTOR_LIST] = "doctor-focus-list",
	[KA_SVC_RESTART] = "service-restart",
	[KA_SVC_STOP] = "service-stop",
	[KA_SVC_START] = "service-start",
	[KA_SVC_LOGS] = "service-logs",
	[KA_SVC_PREV_LOGS] = "service-previous-logs",
	[KA_SVC_INFO] = "service-detail",
	[KA_POOL_SUSPEND] = "pool-suspend",
	[KA_POOL_RESUME] = "pool-resume",
	[KA_SVC_FOLLOW] = "service-follow",
	[KA_SVC_TEXT] = "service-focus-text",
	[KA_SVC_LIST] = "service-focus-list",
};

static const struct {
	int key;
	const char *name;
} keymap_key_names[] = {
	{ KEYC_ENTER, "Enter" },
	{ KEYC_TAB, "Tab" },
	{ KEYC_ESC, "Esc" },
	{ KEYC_SPACE, "Space" },
	{ KEYC_BSPACE, "Backspace" },
	{ KEYC_UP, "Up" },
	{ KEYC_DOWN, "Down" },
	{ KEYC_LEFT, "Left" },
	{ KEYC_RIGHT, "Right" },
	{ KEYC_HOME, "Home" },
	{ KEYC_END, "End" },
	{ KEYC_PPAGE, "PgUp" },
	{ KEYC_NPAGE, "PgDn" },
	{ KEYC_BTAB, "Shift-Tab" },
	{ KEYC_DC, "Delete" },
	{ KEYC_IC, "Insert" },
	{ KEYC_SUP, "Shift-Up" },
	{ KEYC_SDOWN, "Shift-Down" },
	{ KEYC_SLEFT, "Shift-Left" },
	{ KEYC_SRIGHT, "Shift-Right" },
};

enum keymap_action
keymap_lookup(enum keymap_ctx ctx, int key)
{
	size_t i;

	for (i = 0; i < keymap_count; i++) {
		if (keymap_table[i].ctx == ctx && keymap_table[i].key == key)
			return keymap_table[i].action;
	}
	return KA_NONE;
}

const struct keymap_entry *
keymap_find(enum keymap_ctx ctx, enum keymap_action a)
{
	size_t i;

	for (i = 0; i < keymap_count; i++) {
		if (keymap_table[i].ctx == ctx && keymap_table[i].action == a)
			return &keymap_table[i];
	}
	return NULL;
}

const char *
keymap_action_name(enum keymap_action a)
{
	if ((int)a < 0 || a >= KA_NACTIONS || keymap_action_names[a] == NULL)
		return "?";
	return keymap_action_names[a];
}

const char *
keymap_ctx_name(enum keymap_ctx c)
{
	if ((int)c < 0 || c >= KM_NCTX)
		return "?";
	return keymap_ctx_names[c];
}

const char *
keymap_key_name(int key, char *buf, size_t len)
{
	size_t i;
	char tmp[32];

	if (len == 0)
		return buf;
	if (key & KEYC_ALT) {
		keymap_key_name(key & ~KEYC_ALT, tmp, sizeof tmp);
		snprintf(buf, len, "Alt-%.20s", tmp);
		return buf;
	}
	for (i = 0; i < nitems(keymap_key_names); i++) {
		if (keymap_key_names[i].key == key) {
			snprintf(buf, len, "%s", keymap_key_names[i].name);
			return buf;
		}
	}
	if (key >= KEYC_F1 && key <= KEYC_F12)
		snprintf(buf, len, "F%d", key - KEYC_F1 + 1);
	else if (key > 0 && key < 0x20)
		snprintf(buf, len, "Ctrl-%c", 'A' + key - 1);
	else if (key > 0x20 && key < 0x7f)
		snprintf(buf, len, "%c", key);
	else
		snprintf(buf, len, "U+%04X", (unsigned)key);
	return buf;
}

int
keymap_key_parse(const char *name)
{
	size_t i;
	int k;

	if (name == NULL || *name == '\0')
		return KEYC_NONE;
	if (strncmp(name, "Alt-", 4) == 0 && name[4] != '\0') {
		k = keymap_key_parse(name + 4);
		return k == KEYC_NONE ? KEYC_NONE : k | KEYC_ALT;
	}
	for (i = 0; i < nitems(keymap_key_names); i++) {
		if (strcmp(keymap_key_names[i].name, name) == 0)
			return keymap_key_names[i].key;
	}
	if (strncmp(name, "Ctrl-", 5) == 0 && name[5] != '\0' &&
	    name[6] == '\0') {
		k = name[5];
		if (k >= 'a' && k <= 'z')
			k -= 'a' - 'A';
		if (k >= 'A' && k <= '_')
			return k - 'A' + 1;
		return KEYC_NONE;
	}
	if (name[0] == 'F' && name[1] >= '1' && name[1] <= '9') {
		k = name[1] - '0';
		if (name[2] >= '0' && name[2] <= '9' && name[3] == '\0')
			k = k * 10 + (name[2] - '0');
		else if (name[2] != '\0')
			return KEYC_NONE;
		if (k >= 1 && k <= 12)
			return KEYC_F1 + k - 1;
		return KEYC_NONE;
	}
	if (name[1] == '\0' && name[0] > 0x20 && name[0] < 0x7f)
		return name[0];
	return KEYC_NONE;
}

/* Appends the keys bound to entry e's action in its context: "j, Down". */
static void
keymap_keys_of(const struct keymap_entry *e, struct buf *out)
{
	size_t i, n = 0, first = 0, last = 0;
	char name[32];

	for (i = 0; i < keymap_count; i++) {
		if (keymap_table[i].ctx != e->ctx ||
		    keymap_table[i].action != e->action)
			continue;
		if (n == 0)
			first = i;
		last = i;
		n++;
	}
	if (n > 4) {
		/* A run such as 1..9. */
		buf_adds(out, keymap_key_name(
				  keymap_table[first].key, name, sizeof name));
		buf_addc(out, '-');
		buf_adds(out,
		    keymap_key_name(keymap_table[last].key, name, sizeof name));
		return;
	}
	n = 0;
	for (i = 0; i < keymap_count; i++) {
		if (keymap_table[i].ctx != e->ctx ||
		    keymap_table[i].action != e->action)
			continue;
		if (n++ > 0)
			buf_adds(out, ", ");
		buf_adds(out,
		    keymap_key_name(keymap_table[i].key, name, sizeof name));
	}
}

void
keymap_help(struct buf *out, int readonly)
{
	struct buf keys;
	size_t i, j;
	int ctx, seen;

	buf_init(&keys);
	for (ctx = 0; ctx < KM_NCTX; ctx++) {
		if (ctx > 0)
			buf_addc(out, '\n');
		buf_printf(out, "%s\n", keymap_ctx_names[ctx]);
		for (i = 0; i < keymap_count; i++) {
			const struct keymap_entry *e = &keymap_table[i];

			if ((int)e->ctx != ctx || e->help == NULL)
				continue;
			/* One line per action: skip repeats of it. */
			seen = 0;
			for (j = 0; j < i; j++) {
				if (keymap_table[j].ctx == e->ctx &&
				    keymap_table[j].action == e->action &&
				    keymap_table[j].help != NULL)
					seen = 1;
			}
			if (seen)
				continue;
			buf_reset(&keys);
			keymap_keys_of(e, &keys);
			buf_printf(out, "  %-22s %s%s\n", keys.data, e->help,
			    readonly && (e->flags & KEYMAP_DANGER)
				? "  [disabled: read-only]"
				: "");
		}
	}
	buf_free(&keys);
}

size_t
keymap_hints(enum keymap_ctx ctx, enum keymap_ctx extra, int readonly,
    const struct keymap_entry **out, size_t max)
{
	size_t i, j, n = 0;
	int pass, dup;

	for (pass = 0; pass < 2; pass++) {
		enum keymap_ctx c = pass == 0 ? ctx : extra;

		if (c >= KM_NCTX)
			continue;
		for (i = 0; i < keymap_count && n < max; i++) {
			const struct keymap_entry *e = &keymap_table[i];

			if (e->ctx != c || !(e->flags & KEYMAP_HINT))
				continue;
			if (readonly && (e->flags & KEYMAP_DANGER))
				continue;
			dup = 0;
			for (j = 0; j < n; j++) {
				if (out[j]->key == e->key)
					dup = 1;
			}
			if (!dup)
				out[n++] = e;
		}
	}
	return n;
}
