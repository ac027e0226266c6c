/* Memory, string and buffer helpers shared by every layer. */

#ifndef SNOWDECK_UTIL_H
#define SNOWDECK_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#define SNOWDECK_VERSION "0.1.0"

#define nitems(a) (sizeof(a) / sizeof((a)[0]))

/*
 * Allocation never fails from the caller's point of view: on exhaustion the
 * x-wrappers call fatalx(). A zero-size request is a programming error.
 */
void *xmalloc(size_t);
void *xcalloc(size_t, size_t);
void *xrealloc(void *, size_t);
void *xreallocarray(void *, size_t, size_t);
char *xstrdup(const char *);
char *xstrndup(const char *, size_t);
/* Formats into a new heap string owned by the caller. */
char *xasprintf(const char *, ...) __attribute__((format(printf, 1, 2)));
char *xvasprintf(const char *, va_list) __attribute__((format(printf, 1, 0)));

/*
 * Hook run before fatal()/fatalx() print and abort: the TUI registers its
 * emergency terminal restore here. The hook must be async-signal tolerant.
 */
typedef void (*fatal_hook_cb)(void);
void util_set_fatal_hook(fatal_hook_cb);
/* Restores the terminal through the hook, prints to stderr and aborts. */
void fatalx(const char *, ...) __attribute__((format(printf, 1, 2), noreturn));

/*
 * A growable byte buffer. buf_init() zeroes it; buf_free() releases the
 * storage. data is always NUL-terminated after any append (len excludes it),
 * so text users may treat it as a C string.
 */
struct buf {
	char *data;
	size_t len;
	size_t cap;
};
void buf_init(struct buf *);
void buf_free(struct buf *);
void buf_reset(struct buf *);
void buf_add(struct buf *, const void *, size_t);
void buf_adds(struct buf *, const char *);
void buf_addc(struct buf *, char);
void buf_printf(struct buf *, const char *, ...)
    __attribute__((format(printf, 2, 3)));
/* Takes the storage out of the buffer; the caller owns and frees it. */
char *buf_detach(struct buf *);

/* Percent-encodes s for a URL path segment or query value into b. */
void url_encode(struct buf *b, const char *s);

/*
 * Builds a URL path from alternating parts, NULL-terminated: literal parts
 * ("/dags", "/dagRuns") as they are, and segments between them ("/" plus
 * the percent-encoded value): url_path("/dags", id, "/dagRuns", NULL).
 * Returns a heap string owned by the caller.
 */
char *url_path_v(const char *first, va_list ap);
char *url_path(const char *first, ...);

/*
 * Interns s: returns one shared, immutable copy per distinct string, kept
 * for the life of the process (never free it). For the few values that
 * repeat across 100,000 model rows (DAG ids, run types), so that each costs
 * one pointer instead of one allocation per row. Not thread-safe: the
 * loop's thread only.
 */
const char *intern(const char *s);

/*
 * The one text matcher (list filters, text search, logs --grep): the first
 * occurrence of pattern in text[0..len) as a plain substring, ignoring the
 * case of ASCII letters (other bytes compare exactly). Returns a pointer
 * into text, or NULL; an empty pattern matches at text. Pure.
 */
const char *text_find(const char *text, size_t len, const char *pattern);

/* Monotonic milliseconds (uv_hrtime based is in core; this is clock_gettime).
 */
uint64_t util_now_ms(void);

/* Wall-clock seconds since the epoch, as a double. */
double util_wall(void);

/*
 * A double from a server or a file as a long in [lo, hi]: truncated toward
 * zero, clamped to the range, and lo for NaN. Converting an out-of-range
 * double with a plain cast is undefined behaviour; every JSON number that
 * becomes an integer goes through here. Pure.
 */
long dtol_clamp(double d, long lo, long hi);

#endif
