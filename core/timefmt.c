/* Time parsing and formatting. */

#include "timefmt.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

/* Reads exactly n digits at *p into *v and advances. */
static int
time_digits(const char **p, int n, int *v)
{
	int i;

	*v = 0;
	for (i = 0; i < n; i++) {
		if (!isdigit((unsigned char)(*p)[i]))
			return -1;
		*v = *v * 10 + ((*p)[i] - '0');
	}
	*p += n;
	return 0;
}

int
time_parse_iso(const char *s, double *out)
{
	struct tm tm;
	const char *p = s;
	int y, mo, d, h, mi, sec, oh, om, sign;
	double frac = 0, scale = 0.1;
	time_t t;

	if (s == NULL)
		return -1;
	if (time_digits(&p, 4, &y) != 0 || *p++ != '-' ||
	    time_digits(&p, 2, &mo) != 0 || *p++ != '-' ||
	    time_digits(&p, 2, &d) != 0)
		return -1;
	if (*p != 'T' && *p != 't' && *p != ' ')
		return -1;
	p++;
	if (time_digits(&p, 2, &h) != 0 || *p++ != ':' ||
	    time_digits(&p, 2, &mi) != 0 || *p++ != ':' ||
	    time_digits(&p, 2, &sec) != 0)
		return -1;
	if (*p == '.' || *p == ',') {
		p++;
		if (!isdigit((unsigned char)*p))
			return -1;
		while (isdigit((unsigned char)*p)) {
			frac += (*p - '0') * scale;
			scale /= 10;
			p++;
		}
	}
	oh = om = 0;
	sign = 1;
	if (*p == 'Z' || *p == 'z')
		p++;
	else if (*p == '+' || *p == '-') {
		sign = *p == '-' ? -1 : 1;
		p++;
		if (time_digits(&p, 2, &oh) != 0)
			return -1;
		if (*p == ':')
			p++;
		if (isdigit((unsigned char)*p) && time_digits(&p, 2, &om) != 0)
			return -1;
	}
	if (*p != '\0')
		return -1;
	if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 ||
	    sec > 60 || oh > 23 || om > 59)
		return -1;
	memset(&tm, 0, sizeof tm);
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;
	t = timegm(&tm);
	*out = (double)t + frac - sign * (oh * 3600.0 + om * 60.0);
	return 0;
}

time_t
time_from_double(double t)
{
	if (!(t > 0)) /* NaN too */
		return 0;
	if (t > 253402300799.0) /* 9999-12-31T23:59:59Z */
		return (time_t)253402300799LL;
	return (time_t)t;
}

void
time_format_iso(double t, char *buf, size_t len)
{
	struct tm tm;
	time_t tt = time_from_double(t);

	if (gmtime_r(&tt, &tm) == NULL)
		snprintf(buf, len, "?");
	else
		strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

void
time_format_short(double t, double now, char *buf, size_t len)
{
	struct tm tm, tn;
	time_t tt = time_from_double(t), tnow = time_from_double(now);

	if (!(t > 0)) {
		snprintf(buf, len, "-");
		return;
	}
	if (localtime_r(&tt, &tm) == NULL || localtime_r(&tnow, &tn) == NULL) {
		snprintf(buf, len, "?");
		return;
	}
	if (tm.tm_year == tn.tm_year && tm.tm_yday == tn.tm_yday)
		strftime(buf, len, "%H:%M:%S", &tm);
	else
		strftime(buf, len, "%Y-%m-%d %H:%M", &tm);
}

void
time_format_duration(double secs, char *buf, size_t len)
{
	long s;

	if (!(secs >= 0)) { /* NaN too */
		snprintf(buf, len, "-");
		return;
	}
	if (secs > 1e15)
		secs = 1e15; /* some 31 million years; a cast of more is UB */
	if (secs < 1) {
		snprintf(buf, len, "%ldms", (long)(secs * 1000 + 0.5));
		return;
	}
	s = (long)(secs + 0.5);
	if (s < 60)
		snprintf(buf, len, "%lds", s);
	else if (s < 3600)
		snprintf(buf, len, "%ldm%02lds", s / 60, s % 60);
	else if (s < 86400)
		snprintf(buf, len, "%ldh%02ldm", s / 3600, (s % 3600) / 60);
	else
		snprintf(buf, len, "%ldd%02ldh", s / 86400, (s % 86400) / 3600);
}

void
time_format_age(double t, double now, char *buf, size_t len)
{
	double a;

	if (t <= 0) {
		snprintf(buf, len, "-");
		return;
	}
	a = now - t;
	if (a > 1e15)
		a = 1e15;
	if (!(a >= 1))
		snprintf(buf, len, "now");
	else if (a < 60)
		snprintf(buf, len, "%lds", (long)a);
	else if (a < 3600)
		snprintf(buf, len, "%ldm", (long)(a / 60));
	else if (a < 86400)
		snprintf(buf, len, "%ldh", (long)(a / 3600));
	else
		snprintf(buf, len, "%ldd", (long)(a / 86400));
}
