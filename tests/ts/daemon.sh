#!/bin/bash
# Daemon mode under a stand-in for systemd: notifications on our own
# NOTIFY_SOCKET (READY after the first cycle, STATUS, WATCHDOG at the
# cadence WATCHDOG_USEC asks for even while a mount hangs, STOPPING), mounts
# appearing and vanishing in the textfile within a second, each transition
# logged exactly once, the hook run with the facts, and SIGTERM obeyed
# within a second with a mount hung.
. "$(dirname "$0")/../lib.sh"
t_require_fuse
t_require_built "${NOTIFY_RECV:-}" "the notify-recv helper"
t_init
FUSE_SUBTYPE=fsprobetest$$

PROM=$T_DIR/prom/fsprobe.prom
NOTES=$T_DIR/notes
LOG=$T_DIR/daemon.log
mkdir -p "$T_DIR/prom"

# The hook writes what it was told, one file per run.
cat > "$T_DIR/hook" <<EOH
#!/bin/sh
env | grep '^FSPROBE_' | sort > "$T_DIR/hook.\$\$"
EOH
chmod +x "$T_DIR/hook"

fuse_start a
fuse_start b

t_notify_recv "$NOTES"

NOTIFY_SOCKET=$T_DIR/notify.sock WATCHDOG_USEC=1000000 \
	"$FSPROBE" --daemon --interval 200ms --timeout 400ms --state-dir "$T_DIR/state" \
	--textfile "$PROM" --exec-on-change "$T_DIR/hook" -t "fuse.$FUSE_SUBTYPE" 2> "$LOG" &
D=$!
T_PIDS="$T_PIDS $D"

state_of() { # state_of MOUNTPOINT: the one-hot state in the textfile
	grep -F "mountpoint=\"$1\"" "$PROM" 2>/dev/null | grep '^fsprobe_mount_state' | grep ' 1$' |
		sed 's/.*state="\([a-z]*\)".*/\1/'
}
in_textfile() { grep -qF "mountpoint=\"$1\"" "$PROM" 2>/dev/null; }

if t_wait_for 5 grep -q 'READY=1' "$NOTES"; then t_pass "READY=1 sent"
else t_fail "no READY=1"; fi
t_is "$(grep -c 'READY=1' "$NOTES")" 1 "READY=1 sent once"
t_like "$(grep -m1 'STATUS=' "$NOTES")" 'STATUS=2 mounts: 2 ok$' "first STATUS after the first cycle: 2 mounts: 2 ok"
ready_line=$(grep -n 'READY=1' "$NOTES" | cut -d: -f1)
status_line=$(grep -n -m1 'STATUS=2 mounts: 2 ok' "$NOTES" | cut -d: -f1)
t_le "${ready_line:-99}" "${status_line:-0}" "READY=1 comes with the first full cycle's status"
t_wait_for 2 in_textfile "$(fuse_mnt b)"
t_is "$(state_of "$(fuse_mnt a)")/$(state_of "$(fuse_mnt b)")" ok/ok "textfile: both ok"

# a hangs for good: hung, logged once, watchdog pings go on.
fuse_mode a hang
t_wait_for 3 sh -c "[ \"\$(grep -F 'mountpoint=\"$(fuse_mnt a)\"' '$PROM' | grep '^fsprobe_mount_state' | grep ' 1\$' | sed 's/.*state=\"\([a-z]*\)\".*/\1/')\" = hung ]"
t_is "$(state_of "$(fuse_mnt a)")" hung "textfile: a hung"
g0=$(fuse_count a GETATTR)
w0=$(grep -c 'WATCHDOG=1' "$NOTES")
sleep 2
w1=$(grep -c 'WATCHDOG=1' "$NOTES")
t_le 3 $((w1 - w0)) "WATCHDOG=1 keeps coming every ~0.5 s while a mount hangs ($((w1 - w0)) in 2 s)"
t_le $((w1 - w0)) 10 "WATCHDOG=1 at a sane rate"
t_like "$(grep 'STATUS=' "$NOTES" | tail -1)" "STATUS=2 mounts: 1 ok, 1 hung \($(fuse_mnt a) for [0-9.]+s\)" "STATUS names the hung mount and for how long"
t_is "$(fuse_count a GETATTR)" "$g0" "ten cycles later the hung mount got no further request"
t_is "$(grep -c "$(fuse_mnt a): ok -> hung" "$LOG")" 1 "ok -> hung logged once"

# b: hung for a while, then it answers: recovered, logged once each way.
fuse_mode b "delay 1200"
t_wait_for 3 grep -q "$(fuse_mnt b): ok -> hung" "$LOG"
fuse_mode b ok
if t_wait_for 3 grep -q "$(fuse_mnt b): hung -> ok (recovered)" "$LOG"; then t_pass "hung -> ok (recovered) logged"
else t_fail "no recovery logged"; sed 's/^/# /' "$LOG"; fi
sleep 1
t_is "$(grep -c "$(fuse_mnt b): ok -> hung" "$LOG")" 1 "b: ok -> hung logged exactly once"
t_is "$(grep -c "$(fuse_mnt b): hung -> ok" "$LOG")" 1 "b: hung -> ok logged exactly once"
t_is "$(state_of "$(fuse_mnt b)")" ok "textfile: b ok again"

# The hook saw the transitions with their facts.
hooks=$(cat "$T_DIR"/hook.* 2>/dev/null | grep -c '^FSPROBE_STATE=')
t_le 3 "$hooks" "the hook ran for each transition ($hooks)"
if grep -l "FSPROBE_MOUNTPOINT=$(fuse_mnt a)" "$T_DIR"/hook.* 2>/dev/null | xargs grep -q 'FSPROBE_STATE=hung'; then
	t_pass "hook: a's transition to hung, with mount point and state"
else t_fail "hook: no record of a going hung"; fi
t_is "$(cat "$T_DIR"/hook.* | grep -m1 "FSPROBE_FSTYPE=")" "FSPROBE_FSTYPE=fuse.$FUSE_SUBTYPE" "hook: fstype passed"

# A mount made while the daemon runs shows within a second; gone likewise.
fuse_start c
t0=$(t_now_us)
if t_wait_for 2 in_textfile "$(fuse_mnt c)"; then
	t_le $(( ($(t_now_us) - t0) / 1000 )) 1000 "a new mount appears in the textfile within 1 s"
else t_fail "new mount never appeared"; fi
t_is "$(state_of "$(fuse_mnt c)")" ok "the new mount is ok"
fuse_kill c
umount -l "$(fuse_mnt c)"
t0=$(t_now_us)
if t_wait_for 2 sh -c "! grep -qF 'mountpoint=\"$(fuse_mnt c)\"' '$PROM'"; then
	t_le $(( ($(t_now_us) - t0) / 1000 )) 1000 "an unmounted mount leaves the textfile within 1 s"
else t_fail "unmounted mount still in the textfile"; fi

# SIGTERM with a hung mount: gone within a second, STOPPING=1 said.
t0=$(t_now_us)
kill -TERM $D
wait $D
rc=$?
t_le $(( ($(t_now_us) - t0) / 1000 )) 1000 "SIGTERM: the daemon exits within 1 s with a mount hung"
t_is "$rc" 0 "SIGTERM: exit status 0"
sleep 0.1
t_is "$(tail -1 "$NOTES" | cut -d' ' -f2-)" "STOPPING=1" "STOPPING=1 is the last notification"
t_done
