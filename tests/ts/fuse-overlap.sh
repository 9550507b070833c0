#!/bin/bash
# Overlapping runs: two checks started by the same cron minute, a Nagios
# check beside the daemon. A run that finds another run's request in
# flight on a mount must not call the mount hung just for that: a request
# younger than its timeout is waited for, and the mount probed once it
# returns. One that stays stuck is hung once it is as old as the timeout,
# and still gets no second request (a second lookup of a hung path would
# be unkillable).
. "$(dirname "$0")/../lib.sh"
t_require_fuse
t_require_jq
t_init
FUSE_SUBTYPE=fsprobetest$$

MARGIN_MS=100

# started NAME N: the daemon has read N GETATTRs
started() { [ "$(fuse_count "$1" GETATTR)" -ge "$2" ]; }

# in_background OUTFILE ARGS...: fsprobe in the background, its pid in BG
in_background() {
	local out=$1; shift
	"$FSPROBE" --state-dir "$T_DIR/state" "$@" > "$out" 2> "$out.err" &
	BG=$!
}

# someone_waits: a helper has marked itself waiting for a registry slot
# (a shared lock on the slot's waiter byte, the only shared ones).
someone_waits() {
	local ino
	ino=$(stat -c %i "$T_DIR/state/pending" 2> /dev/null) || return 1
	grep -Eq "OFDLCK +ADVISORY +READ .*:$ino " /proc/locks
}

# bg_field FILE TARGET FIELD: as json_field, from FILE
bg_field() { OUT=$1 json_field "$2" "$3"; }

for engine in uring threads; do
	# ---- a slow but healthy mount: the later run waits, then probes
	name=slow_$engine
	fuse_start "$name"
	m=$(fuse_mnt "$name")
	fuse_mode "$name" "delay 250"
	in_background "$T_DIR/a.json" --engine=$engine --timeout 3s --json "$m"
	a=$BG
	t_wait_for 5 started "$name" 1 || t_fail "$engine: the first run's GETATTR reached the daemon"
	run_fsprobe --engine=$engine --timeout 3s --json "$m"
	wait "$a"; arc=$?
	t_is "$arc $(bg_field "$T_DIR/a.json" "$m" status)" "0 ok" "$engine: slow mount: the first run: ok, exit 0"
	t_is "$RC" 0 "$engine: slow mount: the overlapping run: exit 0"
	t_is "$(json_field "$m" status)" ok "$engine: slow mount: the overlapping run: ok, not hung"
	t_is "$(json_field "$m" detail)" null "$engine: slow mount: the overlapping run names no pending request"
	t_le "$ELAPSED_MS" $((3000 + MARGIN_MS)) "$engine: slow mount: the overlapping run within timeout + ${MARGIN_MS} ms"
	t_is "$(fuse_count "$name" GETATTR)" 2 "$engine: slow mount: the overlapping run sent its own GETATTR once the first returned"
	t_like "$(json_field "$m" size)" '^[0-9]+$' "$engine: slow mount: the overlapping run has the mount's usage"
	t_is "$(t_registry_holders)" "" "$engine: slow mount: no helper left"

	# ---- the front is killed while its helper waits: the helper sends
	# nothing, and goes
	fuse_mode "$name" "delay 1500"
	in_background "$T_DIR/a.json" --engine=$engine --timeout 5s --json "$m"
	a=$BG
	t_wait_for 5 started "$name" 3 || t_fail "$engine: the long run's GETATTR reached the daemon"
	in_background "$T_DIR/b.json" --engine=$engine --timeout 4s --json "$m"
	b=$BG
	t_wait_for 5 someone_waits || t_fail "$engine: the killed run's helper waits for the slot"
	kill -KILL "$b"
	wait "$b" 2> /dev/null
	wait "$a"; arc=$?
	t_is "$arc $(bg_field "$T_DIR/a.json" "$m" status)" "0 ok" "$engine: killed front: the long run: ok"
	t_wait_helpers_gone
	t_is "$(fuse_count "$name" GETATTR)" 3 "$engine: killed front: its helper sent nothing, once the long run's request returned either"
	t_is "$(t_registry_holders)" "" "$engine: killed front: no helper left"

	# ---- a young request that stays stuck: hung once it is as old as
	# the timeout, with no second request
	name=stuck_$engine
	fuse_start "$name"
	m=$(fuse_mnt "$name")
	fuse_mode "$name" hang
	in_background "$T_DIR/a.json" --engine=$engine --timeout 1s --json "$m"
	a=$BG
	t_wait_for 5 started "$name" 1 || t_fail "$engine: the first run's GETATTR reached the daemon"
	holder=$(t_registry_holders)
	run_fsprobe --engine=$engine --timeout 2s --json "$m"
	wait "$a"
	t_is "$(bg_field "$T_DIR/a.json" "$m" status)" hung "$engine: stuck: the first run: hung"
	t_is "$RC" 1 "$engine: stuck: the overlapping run: exit 1"
	t_le "$ELAPSED_MS" $((2000 + MARGIN_MS)) "$engine: stuck: the overlapping run within timeout + ${MARGIN_MS} ms"
	t_is "$(json_field "$m" status)" hung "$engine: stuck: the overlapping run: hung"
	t_like "$(json_field "$m" detail)" "^request pending since .*, pid ${holder:-none}\)$" \
		"$engine: stuck: pending since the first run's request (pid ${holder:-none})"
	hung=$(json_field "$m" hung)
	t_like "$hung" '^(1\.9[5-9]|2\.[0-2])' "$engine: stuck: hung as long as the timeout, counted from the first request ($hung s)"
	t_is "$(fuse_count "$name" GETATTR)" 1 "$engine: stuck: the daemon saw exactly one GETATTR"
	# older than this run's timeout: hung from the start
	run_fsprobe --engine=$engine --timeout 1s --json "$m"
	t_is "$(json_field "$m" status)" hung "$engine: stuck, older than the timeout: hung"
	t_like "$(json_field "$m" detail)" "^request pending since .*, pid ${holder:-none}\)$" \
		"$engine: stuck, older than the timeout: pending since the first run's request"
	t_is "$(fuse_count "$name" GETATTR)" 1 "$engine: stuck, older than the timeout: still exactly one GETATTR"

	fuse_kill "$name"
	t_wait_helpers_gone
	umount -l "$m"
	fuse_kill "slow_$engine"
	umount -l "$(fuse_mnt "slow_$engine")"
done

# ---- the daemon beside checks of the same mount, as deployed: a slow,
# healthy mount probed by both about half of the time, and neither ever
# calls it hung
name=shared
fuse_start "$name"
m=$(fuse_mnt "$name")
fuse_mode "$name" "delay 100"
PROM=$T_DIR/prom/fsprobe.prom
mkdir -p "$T_DIR/prom"
"$FSPROBE" --daemon --interval 200ms --timeout 2s --state-dir "$T_DIR/state" \
	--textfile "$PROM" -t "fuse.$FUSE_SUBTYPE" > /dev/null 2> "$T_DIR/daemon.err" &
d=$!
T_PIDS="$T_PIDS $d"
t_wait_for 10 t_prom_state_is "$PROM" "$m" ok || t_fail "daemon: the mount is ok"
bad=
for i in $(seq 12); do
	run_fsprobe --timeout 2s --json "$m"
	s=$(json_field "$m" status)
	[ "$s" = ok ] || bad="$bad run $i: $s ($(json_field "$m" detail));"
done
t_is "$bad" "" "daemon beside 12 checks: every check ok"
t_is "$(grep -c hung "$T_DIR/daemon.err")" 0 "daemon beside 12 checks: the daemon never logged the mount hung"
t_prom_state_is "$PROM" "$m" ok
t_is "$?" 0 "daemon beside 12 checks: the textfile says ok"
kill -TERM "$d"
wait "$d"
t_is "$?" 0 "daemon: exits 0 on SIGTERM"
t_done
