#!/bin/bash
# The daemon with a selection that leaves out the mount above a selected
# one (-t picking a FUSE mount inside another): the outer mount is still
# probed every cycle for the walk, never shown nor logged; the inner one
# is probed and shown, blocked (with no request sent to it) while the
# outer hangs, and ok again after. Every cycle completes: the watchdog
# keeps being pinged.
. "$(dirname "$0")/../lib.sh"
t_require_fuse
t_require_built "${NOTIFY_RECV:-}" "the notify-recv helper"
t_init
PROM=$T_DIR/fsprobe.prom
LOG=$T_DIR/daemon.log
NOTES=$T_DIR/notes

FUSE_SUBTYPE=outer$$ fuse_start out
FUSE_SUBTYPE=inner$$ MNT=$(fuse_mnt out)/sub fuse_start in
t_notify_recv "$NOTES"

NOTIFY_SOCKET=$T_DIR/notify.sock WATCHDOG_USEC=1000000 \
	"$FSPROBE" --daemon --interval 200ms --timeout 400ms --state-dir "$T_DIR/state" \
	--textfile "$PROM" -t "fuse.inner$$" 2> "$LOG" &
D=$!
T_PIDS="$T_PIDS $D"

state_is() { t_prom_state_is "$PROM" "$(fuse_mnt in)" "$1"; }

if t_wait_for 5 state_is ok; then t_pass "the inner mount is probed: ok"
else t_fail "the inner mount never showed ok"; fi
t_is "$(grep -c "fstype=\"fuse.outer$$\"" "$PROM")" 0 "the outer mount is not shown"
g0=$(fuse_count out GETATTR)
sleep 1
t_le $((g0 + 3)) "$(fuse_count out GETATTR)" "the outer mount is probed every cycle"
t_like "$(grep -m1 READY=1 "$NOTES")" 'READY=1' "READY=1 after the first cycle"

# The outer mount's next request takes 4 s: hung after 0.4 s, then back.
fuse_mode out "delay 4000"
if t_wait_for 3 state_is blocked; then t_pass "outer hung: the inner mount blocked"
else t_fail "the inner mount never showed blocked"; fi
t_like "$(grep -F "$(fuse_mnt in): ok -> blocked" "$LOG")" "below hung $(fuse_mnt out)" "logged, naming the hung mount"
gi=$(fuse_count in GETATTR) w0=$(grep -c WATCHDOG=1 "$NOTES")
sleep 1.5
t_is "$(fuse_count in GETATTR)" "$gi" "no request walks through the hung outer mount"
t_le 2 $(( $(grep -c WATCHDOG=1 "$NOTES") - w0 )) "cycles complete: the watchdog is pinged"

fuse_mode out ok
if t_wait_for 6 state_is ok; then t_pass "outer answers again: the inner mount ok"
else t_fail "the inner mount did not come back"; fi

t_is "$(grep -c "$(fuse_mnt out):" "$LOG")" 0 "the outer mount's own changes are not logged"

kill -TERM $D
wait $D
t_is "$?" 0 "daemon exits cleanly"
t_done
