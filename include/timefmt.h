/* Time parsing and formatting: ISO-8601 from the APIs, short human forms. */

#ifndef SNOWDECK_TIMEFMT_H
#define SNOWDECK_TIMEFMT_H

#include <stddef.h>
#include <time.h>

/*
 * Parses an ISO-8601 date-time ("2025-01-01T00:00:00Z",
 * "2025-01-01T00:00:00.123456+00:00", a space instead of 'T' is accepted)
 * into seconds since the epoch. A value without an offset is taken as UTC.
 * Returns 0, or -1 when s is not such a date-time (*out untouched).
 */
int time_parse_iso(const char *s, double *out);

/*
 * Seconds since the epoch from a server's number as a time_t, clamped to
 * [0, 9999-12-31T23:59:59Z] (0 for NaN): a plain cast of an out-of-range
 * double is undefined behaviour. Pure.
 */
time_t time_from_double(double t);

/* Formats t as UTC ISO-8601 with a Z ("2025-01-01T00:00:00Z"). */
void time_format_iso(double t, char *buf, size_t len);

/*
 * Formats t in local time for a table cell: "HH:MM:SS" when t falls on the
 * same local day as now, else "YYYY-MM-DD HH:MM". t == 0 gives "-".
 */
void time_format_short(double t, double now, char *buf, size_t len);

/* Formats a duration in seconds: "850ms", "42s", "1m05s", "2h03m", "3d04h";
 * a negative value gives "-". */
void time_format_duration(double secs, char *buf, size_t len);

/* Formats now - t as an age: "now", "12s", "5m", "3h", "2d" (t == 0: "-"). */
void time_format_age(double t, double now, char *buf, size_t len);

#endif
