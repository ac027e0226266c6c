/* Memory, string and buffer helpers. */

#include "util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static fatal_hook_cb util_fatal_hook;

void
util_set_fatal_hook(fatal_hook_cb cb)
{
	util_fatal_hook = cb;
}

void
fatalx(const char *fmt, ...)
{
	va_list ap;

	if (util_fatal_hook != NULL)
		util_fatal_hook();
	fputs("snowdeck: fatal: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}

void *
xmalloc(size_t size)
{
	void *p;

	if (size == 0)
		fatalx("xmalloc: zero size");
	if ((p = malloc(size)) == NULL)
		fatalx(
		    "xmalloc: allocating %zu bytes: %s", size, strerror(errno));
	return p;
}

void *
xcalloc(size_t n, size_t size)
{
	void *p;

	if (n == 0 || size == 0)
		fatalx("xcalloc: zero size");
	if ((p = calloc(n, size)) == NULL)
		fatalx("xcalloc: allocating %zu * %zu bytes: %s", n, size,
		    strerror(errno));
	return p;
}

void *
xrealloc(void *ptr, size_t size)
{
	return xreallocarray(ptr, 1, size);
}

void *
xreallocarray(void *ptr, size_t n, size_t size)
{
	void *p;

	if (n == 0 || size == 0)
		fatalx("xreallocarray: zero size");
	if (SIZE_MAX / n < size)
		fatalx("xreallocarray: %zu * %zu overflows", n, size);
	if ((p = realloc(ptr, n * size)) == NULL)
		fatalx("xreallocarray: allocating %zu * %zu bytes: %s", n, size,
		    strerror(errno));
	return p;
}

char *
xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

char *
xstrndup(const char *s, size_t n)
{
	char *p;
	size_t len;

	len = strnlen(s, n);
	p = xmalloc(len + 1);
	memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

char *
xvasprintf(const char *fmt, va_list ap)
{
	va_list ap2;
	char *p;
	int n;

	va_copy(ap2, ap);
	n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0)
		fatalx("xvasprintf: bad format");
	p = xmalloc((size_t)n + 1);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	return p;
}

char *
xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *p;

	va_start(ap, fmt);
	p = xvasprintf(fmt, ap);
	va_end(ap);
	return p;
}

void
buf_init(struct buf *b)
{
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
}

void
buf_free(struct buf *b)
{
	free(b->data);
	buf_init(b);
}

void
buf_reset(struct buf *b)
{
	b->len = 0;
	if (b->data != NULL)
		b->data[0] = '\0';
}

static void
buf_reserve(struct buf *b, size_t extra)
{
	size_t want;

	if (b->len + extra + 1 <= b->cap)
		return;
	want = b->cap == 0 ? 64 : b->cap;
	while (want < b->len + extra + 1) {
		if (want > SIZE_MAX / 2)
			fatalx("buf: too large");
		want *= 2;
	}
	b->data = xrealloc(b->data, want);
	b->cap = want;
}

void
buf_add(struct buf *b, const void *p, size_t n)
{
	buf_reserve(b, n);
	if (n > 0)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
}

void
buf_adds(struct buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

void
buf_addc(struct buf *b, char c)
{
	buf_add(b, &c, 1);
}

void
buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list ap, ap2;
	int n;

	va_start(ap, fmt);
	va_copy(ap2, ap);
	n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0)
		fatalx("buf_printf: bad format");
	buf_reserve(b, (size_t)n);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
	va_end(ap);
}

char *
buf_detach(struct buf *b)
{
	char *p;

	if (b->data == NULL)
		return xstrdup("");
	p = b->data;
	buf_init(b);
	return p;
}

void
url_encode(struct buf *b, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	unsigned char c;

	for (; *s != '\0'; s++) {
		c = (unsigned char)*s;
		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '_' ||
		    c == '.' || c == '~')
			buf_addc(b, (char)c);
		else {
			buf_addc(b, '%');
			buf_addc(b, hex[c >> 4]);
			buf_addc(b, hex[c & 15]);
		}
	}
}

uint64_t
util_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

double
util_wall(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

long
dtol_clamp(double d, long lo, long hi)
{
	if (!(d >= (double)lo)) /* NaN too */
		return lo;
	if (d >= (double)hi)
		return hi;
	return (long)d;
}

char *
url_path_v(const char *first, va_list ap)
{
	struct buf b;
	const char *s;
	int literal = 1;

	buf_init(&b);
	for (s = first; s != NULL; s = va_arg(ap, const char *)) {
		if (literal)
			buf_adds(&b, s);
		else {
			buf_addc(&b, '/');
			url_encode(&b, s);
		}
		literal = !literal;
	}
	if (b.data == NULL)
		buf_adds(&b, "");
	return buf_detach(&b);
}

/* The interned strings: an open-addressing hash set that only grows. */
static struct {
	char **slot;
	size_t cap, n;
} intern_set;

static uint64_t
intern_hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL; /* FNV-1a */

	for (; *s != '\0'; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ULL;
	}
	return h;
}

const char *
intern(const char *s)
{
	size_t i, j, cap;
	char **old;

	if (intern_set.n * 2 >= intern_set.cap) {
		old = intern_set.slot;
		cap = intern_set.cap;
		intern_set.cap = cap == 0 ? 256 : cap * 2;
		intern_set.slot =
		    xcalloc(intern_set.cap, sizeof *intern_set.slot);
		for (i = 0; i < cap; i++) {
			if (old[i] == NULL)
				continue;
			j = intern_hash(old[i]) & (intern_set.cap - 1);
			while (intern_set.slot[j] != NULL)
				j = (j + 1) & (intern_set.cap - 1);
			intern_set.slot[j] = old[i];
		}
		free(old);
	}
	i = intern_hash(s) & (intern_set.cap - 1);
	while (intern_set.slot[i] != NULL) {
		if (strcmp(intern_set.slot[i], s) == 0)
			return intern_set.slot[i];
		i = (i + 1) & (intern_set.cap - 1);
	}
	intern_set.slot[i] = xstrdup(s);
	intern_set.n++;
	return intern_set.slot[i];
}

char *
url_path(const char *first, ...)
{
	va_list ap;
	char *path;

	va_start(ap, first);
	path = url_path_v(first, ap);
	va_end(ap);
	return path;
}

static unsigned char
text_fold(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? (unsigned char)(c + 32) : c;
}

const char *
text_find(const char *text, size_t len, const char *pattern)
{
	size_t plen = strlen(pattern), i, j;
	unsigned char first;

	if (plen == 0)
		return text;
	if (plen > len)
		return NULL;
	first = text_fold((unsigned char)pattern[0]);
	for (i = 0; i + plen <= len; i++) {
		if (text_fold((unsigned char)text[i]) != first)
			continue;
		for (j = 1; j < plen; j++) {
			if (text_fold((unsigned char)text[i + j]) !=
			    text_fold((unsigned char)pattern[j]))
				break;
		}
		if (j == plen)
			return text + i;
	}
	return NULL;
}
