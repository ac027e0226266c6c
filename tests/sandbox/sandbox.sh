#!/usr/bin/env bash
# snowdeck's local Snowflake sandbox -- TEST AND DEMO INFRASTRUCTURE, NOT SNOWFLAKE.
#   sandbox.sh install                                   create/reuse the pinned venv
#   sandbox.sh start STATEDIR [--port N] [--seed demo|empty] [server options]
#                                                        start on 127.0.0.1 in the
#                                                        background, wait until it answers,
#                                                        write STATEDIR/env
#   sandbox.sh stop STATEDIR                             stop everything it started
#   sandbox.sh snow STATEDIR ARGS...                     the Snowflake CLI on the sandbox's
#                                                        connections.toml (own pinned venv)
#   sandbox.sh python ARGS...                            run the venv's python
# Fails loudly (non-zero, log tail) on any problem. See tests/sandbox/README.md.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cache=${SNOWDECK_CACHE:-$HOME/.cache/snowdeck}
req=$here/requirements.txt
hash=$(sha256sum "$req" | cut -c1-12)
venv=$cache/venv-sandbox-$hash

snow_req=$here/requirements-snowcli.txt
snow_venv=$cache/venv-snowcli-$(sha256sum "$snow_req" | cut -c1-12)

log() { echo "sandbox: $*" >&2; }
die() { log "$*"; exit 1; }

install() {
	[ -f "$venv/.complete" ] && return 0
	local t0=$SECONDS
	log "installing $req into $venv"
	rm -rf "$venv"
	mkdir -p "$cache"
	python3 -m venv "$venv" || die "python3 -m venv failed: install python3-venv (apt-get install python3-venv)"
	"$venv/bin/pip" install -q --upgrade pip >&2 || die "pip upgrade failed (is PyPI reachable?)"
	"$venv/bin/pip" install -q --no-deps -r "$req" >&2 || die "pip install -r $req failed (is PyPI reachable?)"
	"$venv/bin/pip" check >&2 || die "the pinned requirements are inconsistent (pip check)"
	"$venv/bin/python" -c 'import fakesnow, duckdb, jwt, cryptography, openapi_core, yaml, pyarrow' \
	    || die "the venv cannot import its packages"
	touch "$venv/.complete"
	log "installed in $((SECONDS - t0)) s"
}

install_snow() {
	[ -f "$snow_venv/.complete" ] && return 0
	local t0=$SECONDS
	log "installing $snow_req into $snow_venv"
	rm -rf "$snow_venv"
	mkdir -p "$cache"
	python3 -m venv "$snow_venv" || die "python3 -m venv failed: install python3-venv"
	# snowflake-cli pins pip and setuptools themselves (see the top of requirements-snowcli.txt)
	"$snow_venv/bin/pip" install -q "$(grep -m1 '^pip==' "$snow_req")" >&2 || die "pip install failed (PyPI?)"
	"$snow_venv/bin/pip" install -q --no-deps -r "$snow_req" >&2 || die "pip install -r $snow_req failed"
	"$snow_venv/bin/pip" check >&2 || die "the pinned snowflake-cli requirements are inconsistent (pip check)"
	"$snow_venv/bin/snow" --version >/dev/null || die "snow does not run"
	touch "$snow_venv/.complete"
	log "installed snow in $((SECONDS - t0)) s"
}

snow() {
	local state=${1:?usage: sandbox.sh snow STATEDIR ARGS...}
	shift
	install_snow
	[ -f "$state/connections.toml" ] || die "$state/connections.toml is missing: start the sandbox first"
	SNOWFLAKE_HOME=$state exec "$snow_venv/bin/snow" "$@"
}

start() {
	local state=${1:?usage: sandbox.sh start STATEDIR [--port N] [--seed demo|empty]}
	shift
	install
	mkdir -p "$state"
	state=$(cd "$state" && pwd)
	if [ -f "$state/pid" ] && kill -0 "$(cat "$state/pid")" 2>/dev/null; then
		die "a sandbox already runs for $state (pid $(cat "$state/pid")); stop it first"
	fi
	rm -f "$state/env" "$state/pid"
	setsid "$venv/bin/python" "$here/sandbox_server.py" --state "$state" "$@" \
	    >"$state/server.log" 2>&1 </dev/null &
	local pid=$!
	echo "$pid" >"$state/pid"
	local i
	for i in $(seq 1 600); do
		if ! kill -0 "$pid" 2>/dev/null; then
			tail -40 "$state/server.log" >&2
			die "the sandbox exited during start-up (log above, $state/server.log)"
		fi
		if [ -f "$state/env" ]; then
			local url
			url=$(sed -n 's/^SANDBOX_URL=//p' "$state/env")
			if curl -fsS -m 2 "$url/_sandbox/health" >/dev/null 2>&1; then
				log "up at $url (state $state, pid $pid)"
				return 0
			fi
		fi
		sleep 0.1
	done
	tail -40 "$state/server.log" >&2
	stop "$state"
	die "the sandbox did not answer within 60 s"
}

stop() {
	local state=${1:?usage: sandbox.sh stop STATEDIR}
	[ -f "$state/pid" ] || return 0
	local pid
	pid=$(cat "$state/pid")
	if kill -0 "$pid" 2>/dev/null; then
		kill -TERM "$pid" 2>/dev/null || true
		local i
		for i in $(seq 1 200); do # up to 20 s: it removes the real containers it started
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.1
		done
		kill -KILL -- "-$pid" 2>/dev/null || true
	fi
	rm -f "$state/pid"
}

cmd=${1:-}
shift || true
case "$cmd" in
install) install ;;
start) start "$@" ;;
stop) stop "$@" ;;
python) install; exec "$venv/bin/python" "$@" ;;
install-snow) install_snow ;;
snow) snow "$@" ;;
venv) install; echo "$venv" ;;
*) die "usage: sandbox.sh install | install-snow | start STATEDIR [--port N] [--seed demo|empty] | stop STATEDIR | snow STATEDIR ARGS... | venv" ;;
esac
