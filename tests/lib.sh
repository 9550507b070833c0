# Shared helpers of the scenario tests: TAP output, FUSE test mounts that
# misbehave on demand, timing, and cleanup of everything a test started.
#
# Every test sources this file, calls t_init, and leaves through t_done (or
# the EXIT trap), which kills the FUSE daemons it started (by PID, SIGKILL,
# so hung requests are aborted), unmounts their mount points and waits for
# fsprobe helpers that were stuck on them to go away.

set -u

T_N=0
T_FAILED=0
T_DIR=
T_PIDS=
T_SKIPPED=

t_note() { printf '# %s\n' "$*"; }

t_pass() { T_N=$((T_N + 1)); printf 'ok %d - %s\n' "$T_N" "$*"; }

t_fail() {
	T_N=$((T_N + 1)); T_FAILED=$((T_FAILED + 1))
	printf 'not ok %d - %s\n' "$T_N" "$*"
}

# t_is GOT WANT DESCRIPTION
t_is() {
	if [ "$1" = "$2" ]; then t_pass "$3"
	else t_fail "$3"; t_note "  got '$1', want '$2'"; fi
}

# t_like GOT REGEX DESCRIPTION
t_like() {
	if printf '%s' "$1" | grep -Eq -- "$2"; then t_pass "$3"
	else t_fail "$3"; t_note "  got '$1', want /$2/"; fi
}

# t_le GOT MAX DESCRIPTION (integers)
t_le() {
	if [ "$1" -le "$2" ]; then t_pass "$3 ($1 <= $2)"
	else t_fail "$3"; t_note "  got $1, want <= $2"; fi
}

# Two kinds of missing things, never confused:
# - t_skip_all REASON: a facility this machine really lacks (no /dev/fuse,
#   not root, no pids controller, a kernel limit below what the test
#   needs). The file is skipped and the summary counts it; under CI nothing
#   may be skipped, so the same condition fails there.
# - t_missing REASON: something the test command installs or builds
#   (scripts/deps.sh --test, make check) is not there. That is a broken
#   setup, not a property of the machine: the file fails, CI or not.
# Both end the file at once: call them before its first assertion.
t_skip_all() {
	if [ "${CI:-}" = true ]; then
		echo "Bail out! required facility missing in CI: $*"
		exit 1
	fi
	echo "1..0 # SKIP $*"
	exit 0
}

t_missing() {
	echo "1..1"
	echo "not ok 1 - $*"
	echo "# scripts/test.sh installs the test dependencies (scripts/deps.sh --test) and configures its build directories again"
	exit 1
}

# t_require_installed PACKAGE COMMAND...: commands of a Debian package
# that scripts/deps.sh --test installs (or an essential one: coreutils,
# util-linux).
t_require_installed() {
	local pkg=$1 c; shift
	for c in "$@"; do
		command -v "$c" >/dev/null || t_missing "$c not installed (Debian package $pkg)"
	done
}

# t_require_built PATH NAME: a program make check builds.
t_require_built() { [ -x "${1:-}" ] || t_missing "$2 not built (make check builds it): '${1:-}'"; }

t_require_root() { [ "$(id -u)" = 0 ] || t_skip_all "needs root"; }

t_require_fuse() {
	t_require_root
	[ -c /dev/fuse ] || t_skip_all "no /dev/fuse"
	[ -x "${TESTFS:-}" ] || t_missing "test FUSE file system not built: configure did not find libfuse3-dev (scripts/deps.sh --test installs it; configure again after)"
}

t_require_jq() { t_require_installed jq jq; }

# Mount points to unmount at the end, newest first (paths may hold any
# byte but NUL, newlines included: an array, not a string).
T_MOUNTS=()
t_add_mount() { T_MOUNTS=("$1" "${T_MOUNTS[@]}"); }

t_init() {
	T_DIR=$(mktemp -d /tmp/fsprobe-test.XXXXXX)
	trap t_cleanup EXIT
	trap 'exit 1' INT TERM
}

# t_notify_recv OUT: systemd's notification socket at $T_DIR/notify.sock
# (for NOTIFY_SOCKET), each message a line of OUT; its reader is stopped
# with the test's other processes.
t_notify_recv() {
	local i
	"$NOTIFY_RECV" "$T_DIR/notify.sock" > "$1" &
	T_PIDS="$T_PIDS $!"
	for i in $(seq 50); do [ -S "$T_DIR/notify.sock" ] && break; sleep 0.02; done
}

# Microseconds since the epoch, from bash's EPOCHREALTIME.
t_now_us() { local t=$EPOCHREALTIME; echo "${t/./}"; }

# t_wait_for SECONDS COMMAND...: runs COMMAND (a function too) every 20 ms
# until it succeeds (0) or SECONDS have passed (1).
t_wait_for() {
	local end=$(( $(t_now_us) + $1 * 1000000 )); shift
	while [ "$(t_now_us)" -lt "$end" ]; do "$@" && return 0; sleep 0.02; done
	return 1
}

# The daemon's Prometheus textfile FILE:
# t_prom_value FILE METRIC: the value of an unlabelled metric;
# t_prom_state_is FILE MOUNTPOINT STATE: the mount's state is STATE;
# t_prom_new_cycle FILE TIMESTAMP: a cycle ended since the last run's
# timestamp read TIMESTAMP.
t_prom_value() { awk -v m="$2" '$1 == m { print $2 }' "$1" 2>/dev/null; }
t_prom_state_is() {
	grep -F "mountpoint=\"$2\"" "$1" 2>/dev/null | grep '^fsprobe_mount_state{' | grep -q "state=\"$3\"} 1"
}
t_prom_new_cycle() { [ "$(t_prom_value "$1" fsprobe_last_run_timestamp_seconds)" != "$2" ]; }

# FUSE_SUBTYPE, when a test sets it, gives its mounts their own type
# (fuse.SUBTYPE), so that selecting by type sees no other test's mounts.

# fuse_start NAME [testfs options]: mounts a test FUSE file system at
# $T_DIR/NAME (or at $MNT when set) and waits until it is in mountinfo.
fuse_start() {
	local name=$1; shift
	local mnt=${MNT:-$T_DIR/$name} i
	mkdir -p "$mnt"
	: > "$T_DIR/$name.log"
	rm -f "$T_DIR/$name.ready"
	"$TESTFS" "$mnt" --name "$name" --subtype "${FUSE_SUBTYPE:-testfs}" \
		--ctl "$T_DIR/$name.ctl" --log "$T_DIR/$name.log" \
		--ready "$T_DIR/$name.ready" "$@" </dev/null >"$T_DIR/$name.out" 2>&1 &
	eval "PID_$name=$!"
	T_PIDS="$T_PIDS $!"
	t_add_mount "$mnt"
	eval "MNT_$name=\$mnt"
	for i in $(seq 100); do
		[ -s "$T_DIR/$name.ready" ] && return 0
		sleep 0.05
	done
	echo "Bail out! testfs $name did not come up: $(cat "$T_DIR/$name.out")"
	exit 1
}

# fuse_mode NAME MODE: what the daemon does with the next requests.
fuse_mode() { echo "$2" > "$T_DIR/$1.ctl"; }

fuse_pid() { eval "echo \$PID_$1"; }
fuse_mnt() { eval "echo \$MNT_$1"; }

# How many requests of a kind the daemon has read.
fuse_count() { grep -c "^$2 " "$T_DIR/$1.log" || true; }

# fuse_kill NAME: SIGKILL the daemon; the kernel aborts the connection, so
# requests stuck in it fail and their callers (fsprobe helpers) return.
fuse_kill() {
	local pid; pid=$(fuse_pid "$1")
	kill -KILL "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	return 0
}

# run_fsprobe ARGS...: runs fsprobe with the test's state directory,
# stdout to $OUT, stderr to $ERR; sets RC and ELAPSED_MS (wall time until
# it was reaped).
run_fsprobe() {
	local t0 t1
	OUT=$T_DIR/out ERR=$T_DIR/err
	t0=$(t_now_us)
	"$FSPROBE" --state-dir "$T_DIR/state" "$@" >"$OUT" 2>"$ERR"
	RC=$?
	t1=$(t_now_us)
	ELAPSED_MS=$(( (t1 - t0) / 1000 ))
}

# run_fsprobe_pipe ARGS...: the same through '| cat', which ends only when
# every holder of the pipe has closed it.
run_fsprobe_pipe() {
	local t0 t1
	OUT=$T_DIR/out ERR=$T_DIR/err
	t0=$(t_now_us)
	"$FSPROBE" --state-dir "$T_DIR/state" "$@" 2>"$ERR" | cat >"$OUT"
	RC=${PIPESTATUS[0]}
	t1=$(t_now_us)
	ELAPSED_MS=$(( (t1 - t0) / 1000 ))
}

# json_field TARGET FIELD: a field of the mount at TARGET in $OUT (JSON).
json_field() {
	jq -r --arg t "$1" --arg f "$2" '.mounts[] | select(.target == $t) | .[$f] | if . == null then "null" else tostring end' "$OUT"
}

# Processes that still hold the test's pending registry: fsprobe helpers
# whose requests have not returned yet (one find, not a process per PID:
# it runs every 50 ms).
t_registry_holders() {
	local f=$T_DIR/state/pending
	[ -e "$f" ] || return 0
	find /proc/[0-9]*/fd -maxdepth 1 \( -lname "$f" -o -lname "$f (deleted)" \) 2>/dev/null |
		cut -d/ -f3 | sort -nu
	return 0
}

# 5 to 6 s by the clock (SECONDS counts whole seconds), however slow each
# look is on a loaded machine.
t_wait_helpers_gone() {
	local end=$((SECONDS + 6))
	while [ -n "$(t_registry_holders)" ]; do
		[ "$SECONDS" -ge "$end" ] && return 1
		sleep 0.05
	done
	return 0
}

# Kills the FUSE daemons the test started, unmounts its mounts and waits
# for fsprobe helpers stuck on them; T_LEFT gets the PIDs of helpers still
# holding the registry after that. Does its work once (t_done, then the
# EXIT trap).
T_LEFT=
T_RELEASED=
t_release() {
	local pid m
	[ -n "$T_RELEASED" ] && return 0
	T_RELEASED=1
	for pid in $T_PIDS; do kill -KILL "$pid" 2>/dev/null; done
	for pid in $T_PIDS; do wait "$pid" 2>/dev/null; done
	T_PIDS=
	# no mountpoint(1) test first: it would stat a dead FUSE mount
	for m in "${T_MOUNTS[@]}"; do umount -l "$m" 2>/dev/null; done
	T_MOUNTS=()
	T_LEFT=
	if [ -n "$T_DIR" ] && ! t_wait_helpers_gone; then
		T_LEFT=$(t_registry_holders | tr '\n' ' ')
		T_LEFT=${T_LEFT% }
	fi
	return 0
}

t_cleanup() {
	t_release
	[ -n "$T_LEFT" ] && echo "# helpers still pending after cleanup: $T_LEFT" >&2
	[ -n "$T_DIR" ] && rm -rf "$T_DIR"
	T_DIR=
}

# The end of a test: what it started is released first, and a helper that
# outlives it is a failed assertion (it holds a request the kernel never
# answered, or the test forgot a process), then the plan.
t_done() {
	if [ -n "$T_DIR" ]; then
		t_release
		t_is "$T_LEFT" "" "nothing the test started outlives it (no fsprobe helper holds its registry)"
		[ -n "$T_LEFT" ] && t_note "  $(ps -o pid=,stat=,wchan:32=,args= -p "${T_LEFT// /,}" 2>/dev/null | tr '\n' ';')"
		T_LEFT=
	fi
	echo "1..$T_N"
	[ "$T_FAILED" = 0 ]
}
