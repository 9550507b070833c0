#!/bin/bash
# What the daemon does under systemd beyond notifications: transitions go
# to the journal with structured fields (a real systemd-journald, started
# for the test in a private mount namespace), and --abort-fuse-after
# aborts a FUSE connection hung for too long through fusectl, which fails
# the stuck request and frees the helper.
if [ -z "${FSPROBE_TEST_NS:-}" ]; then
	# Our own mount namespace: journald's sockets and fusectl mounted
	# here are invisible to the rest of the machine and vanish with us.
	exec unshare -m --propagation private env FSPROBE_TEST_NS=1 bash "$0" "$@"
fi
. "$(dirname "$0")/../lib.sh"
t_require_fuse
JOURNALD=/lib/systemd/systemd-journald
[ -x "$JOURNALD" ] || t_missing "$JOURNALD not installed (Debian package systemd)"
t_require_installed systemd journalctl
[ -s /etc/machine-id ] || t_skip_all "no /etc/machine-id for the journal"
t_init
FUSE_SUBTYPE=fsprobetest$$

mkdir -p /run/systemd/journal /run/log/journal
mount -t tmpfs tmpfs /run/systemd/journal
mount -t tmpfs tmpfs /run/log/journal
"$JOURNALD" > "$T_DIR/journald.out" 2>&1 &
T_PIDS="$T_PIDS $!"
for i in $(seq 100); do [ -S /run/systemd/journal/socket ] && break; sleep 0.05; done
[ -S /run/systemd/journal/socket ] || { echo "Bail out! journald did not start: $(cat "$T_DIR/journald.out")"; exit 1; }

grep -q ' /sys/fs/fuse/connections ' /proc/self/mountinfo || mount -t fusectl fusectl /sys/fs/fuse/connections

fuse_start j
fuse_start stuck
fuse_mode stuck hang

# stderr is a file whose device and inode JOURNAL_STREAM names, as
# systemd sets it up for a service whose output goes to the journal.
: > "$T_DIR/err"
JOURNAL_STREAM=$(stat -c '%d:%i' "$T_DIR/err") \
	"$FSPROBE" --daemon --interval 200ms --timeout 300ms --state-dir "$T_DIR/state" \
	--abort-fuse-after 1s -t "fuse.$FUSE_SUBTYPE" 2>> "$T_DIR/err" &
D=$!
T_PIDS="$T_PIDS $D"

sleep 1
fuse_mode j eio
jq_field() { journalctl -D /run/log/journal -o json -t fsprobe 2>/dev/null | grep -F "\"MOUNTPOINT\":\"$1\""; }
for i in $(seq 100); do jq_field "$(fuse_mnt j)" | grep -q '"FSPROBE_STATE":"error"' && break; sleep 0.05; done
line=$(jq_field "$(fuse_mnt j)" | grep '"FSPROBE_STATE":"error"' | head -1)
t_like "$line" '"FSPROBE_PREVIOUS_STATE":"ok"' "journal: FSPROBE_PREVIOUS_STATE=ok"
t_like "$line" "\"FSTYPE\":\"fuse.$FUSE_SUBTYPE\"" "journal: FSTYPE"
t_like "$line" '"ERRNO":"5"' "journal: ERRNO=5 (EIO)"
t_like "$line" "\"MESSAGE\":\"$(fuse_mnt j): ok -> error \\(Input/output error\\)\"" "journal: MESSAGE"
t_like "$line" '"PRIORITY":"4"' "journal: warning priority"
t_is "$(grep -c "$(fuse_mnt j)" "$T_DIR/err")" 0 "nothing on stderr while the journal takes it"

# The stuck mount: hung, then aborted after 1 s, then disconnected.
for i in $(seq 100); do jq_field "$(fuse_mnt stuck)" | grep -q '"FSPROBE_STATE":"disconnected"' && break; sleep 0.05; done
t_like "$(jq_field "$(fuse_mnt stuck)" | head -1)" '"FSPROBE_STATE":"hung"' "stuck mount first reported hung"
t_like "$(journalctl -D /run/log/journal -o cat -t fsprobe | grep ABORTED)" \
	"^$(fuse_mnt stuck): ABORTED the FUSE connection 0:[0-9]+" "the abort is logged loudly"
t_like "$(jq_field "$(fuse_mnt stuck)" | grep disconnected)" '"FSPROBE_PREVIOUS_STATE":"hung"' "after the abort: hung -> disconnected"
t_is "$(fuse_count stuck GETATTR)" 1 "one request on the stuck mount throughout"
kill -TERM $D
wait $D
t_is "$?" 0 "daemon exits cleanly"
t_done
