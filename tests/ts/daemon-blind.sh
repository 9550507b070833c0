#!/bin/bash
# The daemon never goes blind for good. It runs in a pids cgroup of its
# own; the limit is lowered to 1 (the daemon alone) and its helper is
# SIGKILLed, so every fork of a new helper fails with EAGAIN, counted by
# the cgroup's pids.events. Then:
# - the failure is logged once, not once per attempt, and the attempts
#   follow the back-off (250 ms, then gaps of 0.5, 1 and 2 s);
# - the textfile stops advancing (cycles, last run), says
#   fsprobe_daemon_helper_up 0 and has no status for the mount, only its
#   fsprobe_mount_info; systemd's watchdog is no longer pinged;
# - once the limit is lifted the next attempt on the back-off's schedule
#   starts a helper that probes at once: the mount, failed meanwhile, is
#   reported in error, the watchdog is pinged again (the time it took is
#   printed as a note);
# - the back-off starts again after the helper answered: a helper killed
#   now is replaced within a quarter second, three times in a row.
# cgroup v1's pids hierarchy, or v2's when it has the pids controller.
. "$(dirname "$0")/../lib.sh"
t_require_fuse
t_require_built "${NOTIFY_RECV:-}" "the notify-recv helper"

CG_ROOT=$(awk '$3 == "cgroup" && $4 ~ /(^|,)pids(,|$)/ { print $2; exit }' /proc/self/mounts)
CG_V=1
if [ -z "$CG_ROOT" ]; then
	CG_ROOT=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/self/mounts)
	CG_V=2
	[ -n "$CG_ROOT" ] && grep -qw pids "$CG_ROOT/cgroup.controllers" 2>/dev/null || CG_ROOT=
fi
[ -n "$CG_ROOT" ] || t_skip_all "no pids cgroup controller (v1 or v2)"

t_init
FUSE_SUBTYPE=fsprobetest$$
PROM=$T_DIR/fsprobe.prom
NOTES=$T_DIR/notes
LOG=$T_DIR/daemon.log
CG=$CG_ROOT/fsprobe-test-$$
CG_ENABLED=

cg_cleanup() {
	local p i
	[ -d "$CG" ] || return 0
	[ -e "$CG/pids.max" ] && echo max > "$CG/pids.max" 2>/dev/null
	for i in $(seq 100); do
		# whatever is left (helpers finishing) goes back to the root
		while read -r p; do echo "$p" > "$CG_ROOT/cgroup.procs" 2>/dev/null; done < "$CG/cgroup.procs"
		rmdir "$CG" 2>/dev/null && break
		sleep 0.05
	done
	[ -d "$CG" ] && echo "# cgroup $CG left behind" >&2
	[ -n "$CG_ENABLED" ] && echo -pids > "$CG_ROOT/cgroup.subtree_control" 2>/dev/null
	return 0
}
trap 't_cleanup; cg_cleanup' EXIT

if [ "$CG_V" = 2 ] && ! grep -qw pids "$CG_ROOT/cgroup.subtree_control"; then
	echo +pids > "$CG_ROOT/cgroup.subtree_control" || t_skip_all "cannot enable the pids controller below $CG_ROOT"
	CG_ENABLED=1
fi
mkdir "$CG" || { echo "Bail out! cannot create $CG"; exit 1; }
[ -e "$CG/pids.max" ] || { echo "Bail out! $CG has no pids.max"; exit 1; }
t_note "cgroup v$CG_V: $CG"

ms_since() { echo $(( ($(t_now_us) - $1) / 1000 )); }
metric() { t_prom_value "$PROM" "$1"; }
mount_series() { grep -F "mountpoint=\"$(fuse_mnt a)\"" "$PROM" 2>/dev/null | grep "^$1{"; }
state_is() { t_prom_state_is "$PROM" "$(fuse_mnt a)" "$1"; }
helper() { # the daemon's helper other than $1, if any
	local p
	for p in $(cat "/proc/$D/task/$D/children" 2>/dev/null); do
		[ "$p" != "${1:-}" ] && [ "$(cat "/proc/$p/comm" 2>/dev/null)" = fsprobe-helper ] && { echo "$p"; return 0; }
	done
	return 1
}
has_new_helper() { helper "$1" > /dev/null; }
fork_failures() { awk '$1 == "max" { print $2 }' "$CG/pids.events"; }
pings() { grep -c 'WATCHDOG=1' "$NOTES"; }

fuse_start a
t_notify_recv "$NOTES"

NOTIFY_SOCKET=$T_DIR/notify.sock WATCHDOG_USEC=1000000 \
	"$FSPROBE" --daemon --interval 250ms --timeout 500ms --state-dir "$T_DIR/state" \
	--textfile "$PROM" -t "fuse.$FUSE_SUBTYPE" 2> "$LOG" &
D=$!
T_PIDS="$T_PIDS $D"

t_wait_for 5 state_is ok || t_fail "the mount never showed ok"
t_is "$(metric fsprobe_daemon_helper_up)" 1 "helper up: fsprobe_daemon_helper_up 1"
c0=$(metric fsprobe_daemon_cycles_total)
sleep 0.6
t_le $((c0 + 1)) "$(metric fsprobe_daemon_cycles_total)" "cycles advance while the helper works"
H1=$(helper)
t_like "$H1" '^[0-9]+$' "the daemon has a helper"

# The daemon alone in the cgroup (its helper stays outside), one task
# allowed: the next fork fails.
echo "$D" > "$CG/cgroup.procs"
t_is "$(cat "$CG/pids.current")" 1 "the daemon is alone in the cgroup, one task"
echo 1 > "$CG/pids.max"
f0=$(fork_failures)

# Every failed fork, timed from the kill, until the limit is lifted; with
# builtins only (no fork per look), so each is seen within milliseconds.
T0=$(t_now_us)
(
	last=$f0
	exec {tick}<> <(:)
	while :; do
		while read -r k v; do [ "$k" = max ] && n=$v; done < "$CG/pids.events"
		[ "$n" != "$last" ] && { t=$EPOCHREALTIME; echo "$(( (${t/./} - T0) / 1000 )) $n"; last=$n; }
		read -r -t 0.005 -u "$tick"
	done
) > "$T_DIR/attempts" &
POLLER=$!
T_PIDS="$T_PIDS $POLLER"
kill -KILL "$H1"

t_wait_for 2 grep -q 'cannot start the probe helper' "$LOG"
t_like "$(grep 'cannot start the probe helper' "$LOG")" \
	'cannot start the probe helper: Resource temporarily unavailable; no probes until a helper starts' \
	"the failed start is logged with its cause"
# Settled: the cycle interrupted has been left open, the watchdog's last
# tick has passed.
sleep 1.2
cyc1=$(metric fsprobe_daemon_cycles_total) ts1=$(metric fsprobe_last_run_timestamp_seconds) w1=$(pings)
t_is "$(metric fsprobe_daemon_helper_up)" 0 "blind: fsprobe_daemon_helper_up 0"
t_is "$(mount_series fsprobe_mount_up)" "" "blind: no fsprobe_mount_up for the mount"
t_is "$(mount_series fsprobe_mount_state)" "" "blind: no fsprobe_mount_state for the mount"
t_like "$(mount_series fsprobe_mount_info)" ' 1$' "blind: the mount is still listed (fsprobe_mount_info)"
t_like "$(grep 'STATUS=' "$NOTES" | tail -1)" \
	'STATUS=1 mounts, none probed now: cannot start the probe helper: Resource temporarily unavailable' \
	"blind: STATUS= says so"
fuse_mode a eio   # dies while nobody looks
sleep 1.8
t_is "$(metric fsprobe_daemon_cycles_total)" "$cyc1" "blind: fsprobe_daemon_cycles_total stands still"
t_is "$(metric fsprobe_last_run_timestamp_seconds)" "$ts1" "blind: fsprobe_last_run_timestamp_seconds stands still"
t_is "$(( $(pings) - w1 ))" 0 "blind: no WATCHDOG=1 in 1.8 s (WATCHDOG_USEC=1 s)"
t_is "$(grep -c 'cannot start the probe helper' "$LOG")" 1 "blind: one log line for all the failed attempts so far"
t_is "$(wc -l < "$LOG")" 2 "blind: the log holds the kill and the failure, nothing more"
[ "$(wc -l < "$LOG")" = 2 ] || sed 's/^/#   /' "$LOG"

# The fourth attempt fails at about 3.75 s; lift the limit after it. The
# fifth comes 4 s later, on the back-off's schedule, and succeeds.
t_wait_for 3 sh -c "[ \$(wc -l < '$T_DIR/attempts') -ge 4 ]"
sleep 0.2
echo max > "$CG/pids.max"
L0=$(t_now_us)
lifted_at=$(ms_since "$T0")
if t_wait_for 8 state_is error; then
	back=$(ms_since "$L0") back_at=$(ms_since "$T0")
	t_pass "probing resumes after the limit is lifted; the mount that failed meanwhile shows error"
else
	t_fail "no probe after the limit was lifted"; back=99999 back_at=99999
fi
kill "$POLLER" 2>/dev/null
mapfile -t att < <(awk '{ print $1 }' "$T_DIR/attempts")
t_note "failed forks at (ms after the kill): ${att[*]}"
t_is "${#att[@]}" 4 "four failed starts while the limit held"
if [ "${#att[@]}" -ge 4 ]; then
	t_le 200 "${att[0]}" "first retry not before 250 ms (${att[0]} ms)"
	t_le "${att[0]}" 900 "first retry at about 250 ms"
	want=500
	for k in 1 2 3; do
		gap=$(( att[k] - att[k - 1] ))
		t_le $((want - 100)) "$gap" "retry $((k + 1)) waited the back-off ($gap ms, want $want)"
		t_le "$gap" $((want + 500)) "retry $((k + 1)) came on time ($gap ms, want $want)"
		want=$((want * 2))
	done
	due=$(( att[3] + 4000 ))
	t_note "probes ran again $(awk -v m="$back" 'BEGIN { printf "%.2f", m / 1000 }') s after pids.max went back to max ($lifted_at ms after the kill; the fifth attempt was due at $due ms, the textfile showed fresh probes at $back_at ms, $((back_at - due)) ms after it)"
	t_le $((due - 100)) "$back_at" "the fifth attempt waited its 4 s too"
	t_le "$back_at" $((due + 1500)) "and probing began at once ($back_at ms, attempt due at $due)"
fi
t_is "$(grep -c 'cannot start the probe helper' "$LOG")" 1 "one log line for the whole outage's failed starts"
t_like "$(grep 'answers: probing again' "$LOG")" \
	'probe helper [0-9]+ answers: probing again after [0-9.]+s \(4 failed starts\)' "the recovery is logged, with the count"
t_is "$(grep -c "$(fuse_mnt a): ok -> error" "$LOG")" 1 "the change seen after the outage is logged as a change"
t_is "$(metric fsprobe_daemon_helper_up)" 1 "helper up again: fsprobe_daemon_helper_up 1"
w2=$(pings) cyc2=$(metric fsprobe_daemon_cycles_total)
sleep 1.5
t_le 2 $(( $(pings) - w2 )) "the watchdog is pinged again"
t_le $((cyc2 + 2)) "$(metric fsprobe_daemon_cycles_total)" "cycles advance again"
t_like "$(metric fsprobe_last_run_timestamp_seconds)" '^[0-9.]+$' "last run timestamp present"
t_is "$(awk -v a="$(metric fsprobe_last_run_timestamp_seconds)" -v b="$ts1" 'BEGIN { print (a > b) ? "newer" : "old" }')" \
	newer "the last run timestamp advances again"

# Back-off reset: it grew to 8 s during the outage; a helper that has
# answered is replaced after 250 ms again, each time.
for k in 1 2 3; do
	H=$(helper)
	ts=$(metric fsprobe_last_run_timestamp_seconds)
	t0=$(t_now_us)
	kill -KILL "$H"
	if t_wait_for 5 has_new_helper "$H"; then
		ms=$(ms_since "$t0")
		t_le 200 "$ms" "helper killed after answering ($k): the 250 ms back-off held"
		t_le "$ms" 1000 "helper killed after answering ($k): replaced in $ms ms, not after the grown back-off"
	else t_fail "helper killed after answering ($k): not replaced"; fi
	# the new one answers: a cycle completes
	t_wait_for 3 t_prom_new_cycle "$PROM" "$ts" ||
		t_fail "no cycle completed after replacement $k"
done
t_is "$(grep -c 'cannot start' "$LOG")" 1 "no failed start logged for those"

kill -TERM $D
wait $D
t_is "$?" 0 "daemon exits cleanly"
t_done
