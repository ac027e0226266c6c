#!/usr/bin/env bash
# Installs the Debian packages snowdeck needs when they are missing.
#   --build  the compiler, pkg-config and the libraries the build links
#   --all    plus everything the test suites use (tmux, valgrind, clang, ...)
# Runs apt-get only when something is missing; uses sudo when not root.
set -euo pipefail

mode=${1:---build}
need=()

have_pkg() { pkg-config --exists "$1" 2>/dev/null; }
have_cmd() { command -v "$1" >/dev/null 2>&1; }
have_deb() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }

have_cmd cc || need+=(gcc)
have_cmd make || need+=(make)
have_cmd pkg-config || need+=(pkg-config)
have_pkg ncursesw || need+=(libncurses-dev)
have_pkg libcurl || need+=(libcurl4-openssl-dev)
have_pkg libcjson || need+=(libcjson-dev)
have_pkg libuv || need+=(libuv1-dev)
have_pkg openssl || need+=(libssl-dev)
have_pkg check || need+=(check)

if [ "$mode" = "--all" ]; then
	have_cmd tmux || need+=(tmux)
	have_cmd valgrind || need+=(valgrind)
	have_cmd clang || need+=(clang)
	have_cmd clang-format || need+=(clang-format)
	have_cmd curl || need+=(curl)
	have_cmd python3 || need+=(python3)
	have_deb libclang-rt-14-dev || need+=(libclang-rt-14-dev)
	python3 -c 'import venv, ensurepip' 2>/dev/null || need+=(python3-venv)
	# The Snowflake JWT unit tests recompute their vectors independently.
	python3 -c 'import cryptography' 2>/dev/null || need+=(python3-cryptography)
	have_cmd infocmp || need+=(ncurses-bin)
fi

[ ${#need[@]} -eq 0 ] && exit 0

echo "snowdeck: installing missing Debian packages: ${need[*]}" >&2
sudo=
[ "$(id -u)" -eq 0 ] || sudo=sudo
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq >&2
$sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >&2
