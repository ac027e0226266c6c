#!/usr/bin/env bash
# A Docker-compatible Engine API on a unix socket of our own, served by Podman, for the sandbox's
# container-backed SPCS test (see ../shared/reference/podman-local.md for the three workarounds).
#   podman.sh start DIR    installs podman/runc/busybox-static if missing, imports a busybox image
#                          (localhost/snowdeck-sbx-bb:latest), serves DIR/podman.sock; prints the socket
#   podman.sh stop DIR     stops the API service it started
# Fails loudly.
set -euo pipefail
IMAGE=localhost/snowdeck-sbx-bb:latest
die() { echo "podman.sh: $*" >&2; exit 1; }

start() {
	local dir=${1:?usage: podman.sh start DIR}
	mkdir -p "$dir"
	dir=$(cd "$dir" && pwd)
	if ! command -v podman >/dev/null || ! command -v runc >/dev/null || [ ! -x /bin/busybox ]; then
		local sudo=; [ "$(id -u)" = 0 ] || sudo=sudo
		$sudo apt-get install -y -q podman runc busybox-static >&2 ||
			{ $sudo apt-get update -q >&2 && $sudo apt-get install -y -q podman runc busybox-static >&2; } ||
			die "cannot install podman runc busybox-static"
	fi
	cat >"$dir/containers.conf" <<'CONF'
[containers]
default_ulimits = ["nofile=1024:1024", "nproc=1024:1024"]
netns = "none"
[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
CONF
	export CONTAINERS_CONF=$dir/containers.conf
	if ! podman image exists "$IMAGE" 2>/dev/null; then
		rm -rf "$dir/rootfs" && mkdir -p "$dir/rootfs/bin"
		cp /bin/busybox "$dir/rootfs/bin/"
		for c in sh sleep echo cat; do ln -sf busybox "$dir/rootfs/bin/$c"; done
		tar -C "$dir/rootfs" -cf "$dir/bb.tar" .
		podman import "$dir/bb.tar" "$IMAGE" >&2 || die "podman import failed"
	fi
	rm -f "$dir/podman.sock"
	setsid podman system service --time=0 "unix://$dir/podman.sock" >"$dir/podman.log" 2>&1 </dev/null &
	echo $! >"$dir/podman.pid"
	local i
	for i in $(seq 1 200); do
		if [ -S "$dir/podman.sock" ] && curl -fsS -m 2 --unix-socket "$dir/podman.sock" http://d/_ping >/dev/null 2>&1; then
			echo "unix://$dir/podman.sock"
			return 0
		fi
		kill -0 "$(cat "$dir/podman.pid")" 2>/dev/null || { tail -20 "$dir/podman.log" >&2; die "podman service exited"; }
		sleep 0.1
	done
	tail -20 "$dir/podman.log" >&2
	die "the podman API did not answer within 20 s"
}

stop() {
	local dir=${1:?usage: podman.sh stop DIR}
	[ -f "$dir/podman.pid" ] || return 0
	local pid; pid=$(cat "$dir/podman.pid")
	kill -TERM "$pid" 2>/dev/null || true
	local i
	for i in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
	kill -KILL -- "-$pid" 2>/dev/null || true
	rm -f "$dir/podman.pid" "$dir/podman.sock"
}

case "${1:-}" in
start) shift; start "$@" ;;
stop) shift; stop "$@" ;;
*) die "usage: podman.sh start DIR | stop DIR" ;;
esac
