#!/usr/bin/env bash
# Local mode benchmark: BENCH_CONTAINERS (50) containers each logging
# BENCH_RATE (100) lines a second, all followed at once by one snowdeck;
# CPU, RSS and lost lines. Set LAZYDOCKER=/path/to/lazydocker to compare
# idle CPU and RSS with lazydocker on the same Podman socket.
# Not part of make check (it loads the machine for a minute or two).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
export SNOWDECK_BIN=${SNOWDECK_BIN:-$here/../snowdeck}
exec python3 "$here/docker_logs.py" "$@"
