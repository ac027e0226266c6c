#!/usr/bin/env bash
# Mechanical style rules (c-style.md §8.1, §8.3), and for the tests:
#  - core/ never includes curses, tui/ or view headers;
#  - tui/ never includes view headers;
#  - views/ never call libcurl or libuv directly;
#  - nothing in core/, tui/ or views/ prints to stdout/stderr;
#  - every header in include/ compiles on its own;
#  - every Python test runner uses run_tests()'s count of failures.
set -euo pipefail
cd "$(dirname "$0")/.."
fail=0
bad() { echo "lint: $*" >&2; fail=1; }

if grep -nE '#include *[<"](n?curses|ncursesw/curses|tui|view|list|theme|layout|render|dialog|prompt|textview|statusbar|keymap|screen|input)\.h[>"]' core/*.c 2>/dev/null; then
	bad "core/ must not include curses or tui/view headers"
fi
if grep -nE '#include *"(view|views/[^"]*)\.h"' tui/*.c 2>/dev/null | grep -v 'view.h' ; then
	bad "tui/ must not include views/ headers"
fi
if grep -nE '#include *<(curl/curl|uv)\.h>|curl_|uv_(run|tcp|poll|timer_start)' views/*.c 2>/dev/null; then
	bad "views/ must not call libcurl or libuv"
fi
if grep -nE '\b(printf|puts) *\(|\bfprintf *\( *std(out|err)\b' core/*.c tui/*.c views/*.c 2>/dev/null | grep -v 'snprintf\|buf_printf\|vsnprintf\|xasprintf' | grep -v 'core/util.c:.*fatalx\|core/util.c' ; then
	bad "core/, tui/ and views/ must not print (use the status bar or the log)"
fi

# A test runner that drops run_tests()'s count of failures cannot fail.
if grep -nE '^[[:space:]]*run_tests\(' tests/integration/*.py tests/e2e/*.py 2>/dev/null; then
	bad "use run_tests()'s result: failed = run_tests(...); sys.exit(1 if failed else 0)"
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
CFLAGS="-std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -Wall -Wextra -Werror -Iinclude $(pkg-config --cflags ncursesw libcurl libcjson libuv openssl)"
for h in include/*.h; do
	printf '#include "%s"\n#include "%s"\n' "$(basename "$h")" "$(basename "$h")" > "$tmp/t.c"
	if ! cc $CFLAGS -fsyntax-only "$tmp/t.c" 2>"$tmp/err"; then
		bad "$h does not compile on its own:"; cat "$tmp/err" >&2
	fi
	guard=$(grep -m1 -E '^#ifndef ' "$h" | awk '{print $2}')
	case "$guard" in SNOWDECK_*_H) ;; *) bad "$h: include guard must be SNOWDECK_<NAME>_H" ;; esac
done
[ $fail -eq 0 ] && echo "lint: ok"
exit $fail
