# Sourced by the test runners: runs commands in the background, at most
# jobs_max at once (set it before the first jobs_spawn; default: the CPUs).
#
#   jobs_spawn CMD ARG...   start CMD, first waiting for a slot
#   jobs_wait               wait for every command started
#
# A command's exit status is its own business (each runner records it).
jobs_max=${jobs_max:-$(nproc 2>/dev/null || echo 1)}
jobs_running=0

jobs_spawn() {
	if [ "$jobs_running" -ge "$jobs_max" ]; then
		wait -n || true
		jobs_running=$((jobs_running - 1))
	fi
	"$@" &
	jobs_running=$((jobs_running + 1))
}

jobs_wait() {
	wait || true
	jobs_running=0
}
