# Sourced by the test runners: runs commands in the background, at most
# jobs_max at once (set it before sourcing; default: the CPUs).
#
#   jobs_spawn CMD ARG...   start CMD, first waiting for a free slot
#   jobs_spawn_logged DIR NAME CMD ARG...
#                           the same, CMD's output to DIR/NAME.log and its
#                           exit status to DIR/NAME.rc
#   jobs_wait               wait for every command jobs_spawn started
#
# Only its own commands are waited for: the caller's other background
# processes (an Airflow booting) keep their exit status for the caller's
# own wait. A command's exit status is its own business (each runner
# records it).
jobs_max=${jobs_max:-$(nproc 2>/dev/null || echo 1)}
jobs_pids=()

jobs_spawn() {
	local p live
	while :; do
		live=()
		for p in "${jobs_pids[@]}"; do
			kill -0 "$p" 2>/dev/null && live+=("$p")
		done
		jobs_pids=("${live[@]}")
		[ "${#jobs_pids[@]}" -lt "$jobs_max" ] && break
		wait -n "${jobs_pids[@]}" || true
	done
	"$@" &
	jobs_pids+=($!)
}

jobs_logged_run() {
	local dir=$1 name=$2
	shift 2
	if "$@" >"$dir/$name.log" 2>&1; then
		echo 0 >"$dir/$name.rc"
	else
		echo $? >"$dir/$name.rc"
	fi
}

jobs_spawn_logged() {
	jobs_spawn jobs_logged_run "$@"
}

jobs_wait() {
	local p
	for p in "${jobs_pids[@]}"; do
		wait "$p" || true
	done
	jobs_pids=()
}
