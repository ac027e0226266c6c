/*
 * Pane geometry, as pure functions of the terminal size and the focus.
 *
 *   >= 160 columns: DAGs | Runs | Tasks | XCom/Log side by side; on 40 or
 *                   more rows the grid sits below Runs and Tasks.
 *   100-159:        two panes: the focused one and the one it drills from.
 *   < 100:          the focused pane alone.
 *
 * Row 0 is the header (tabs for every pane, breadcrumb), the last row the
 * status bar; panes share the rows between. Zoom gives the focused pane
 * the whole body; a page (help, command log) replaces every pane.
 */

#ifndef SNOWDECK_LAYOUT_H
#define SNOWDECK_LAYOUT_H

enum layout_slot {
	LAYOUT_DAGS,
	LAYOUT_RUNS,
	LAYOUT_TASKS,
	LAYOUT_DETAIL,
	LAYOUT_GRID,
	LAYOUT_NPANES,
	LAYOUT_PAGE = LAYOUT_NPANES,
	LAYOUT_NSLOTS
};

#define LAYOUT_WIDE_COLS  160
#define LAYOUT_SPLIT_COLS 100
#define LAYOUT_TALL_ROWS  40
#define LAYOUT_MIN_ROWS   5
#define LAYOUT_MIN_COLS   20

/* A rectangle; h == 0 means not shown. */
struct layout_rect {
	int y, x, h, w;
};

struct layout {
	int rows, cols;
	int mode;
#define LAYOUT_TINY   0 /* too small: only the status line */
#define LAYOUT_SINGLE 1
#define LAYOUT_SPLIT  2
#define LAYOUT_WIDE   3
	int tall; /* the grid has its own place below Runs and Tasks */
	struct layout_rect header, body, status;
	struct layout_rect slot[LAYOUT_NSLOTS];
	int visible; /* 1 << slot for each slot shown */
};

/* Flags of layout_compute. */
#define LAYOUT_F_ZOOM 0x1 /* the focused pane fills the body */
#define LAYOUT_F_PAGE 0x2 /* the page fills the body */

/* Computes the geometry for a rows x cols terminal with focus on a pane. */
void layout_compute(struct layout *l, int rows, int cols, int focus, int flags);

/* Whether slot is shown. */
int layout_visible(const struct layout *l, int slot);

/*
 * The pane to move to from `from` in direction dir (-1 left, +1 right):
 * the nearest shown pane on that side, else the next pane along the drill
 * chain (DAGs, Runs, Tasks, XCom/Log); -1 when there is none.
 */
int layout_neighbour(const struct layout *l, int from, int dir);

/* The pane one level up the drill chain (Tasks -> Runs), or -1. */
int layout_parent(int slot);

/* A pane's tab label without its number ("XCom / Log"). */
const char *layout_slot_title(int slot);

#endif
