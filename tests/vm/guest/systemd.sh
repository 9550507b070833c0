# Boot "systemd": the shipped unit files under a real systemd (issue 8).
# fsvm-pid1: systemd
# fsvm-boot-timeout: 600
#
# The header line above makes tests/vm/init hand PID 1 to systemd (from the
# host's /usr) once the NFS server is up; this script then runs as a unit
# of its own. It installs contrib/systemd/*.service.in and *.timer unchanged
# but for the path of the binary (@bindir@), so what runs is the shipped sandboxing:
# ProtectSystem=strict (a mount namespace of its own), the system call
# filter, the capability bounding set, NoNewPrivileges, the watchdog,
# KillMode=process.
#
# Scenarios (the shipped daemon: --interval 15s --timeout 5s, WatchdogSec=30s):
#   0 without node_exporter's directory the daemon starts, and logs
#     that it cannot write the textfile.
#   1 start: systemctl start returns once the daemon says READY=1; the main
#     process runs with the sandbox in force (own mount namespace with /etc
#     read-only, seccomp, no_new_privs, bounding set DAC_OVERRIDE and
#     DAC_READ_SEARCH); its textfile lists the NFS and FUSE mounts ok; the
#     probe helper uses io_uring (the filter lets it through).
#   2 a mount made after the start propagates into the service's namespace
#     and is probed.
#   3 the NFS server cut off: the journal says "ok -> hung", the textfile
#     too; 40 s later (past WatchdogSec) the daemon is still the same
#     process, never restarted, its cycles going on; the FUSE mount beside
#     it stays ok; SIGHUP (systemctl reload) is taken.
#   4 the server back: "hung -> ok".
#   4b TasksMax=1 and the helper killed: the daemon cannot start another,
#     logs it, says fsprobe_daemon_helper_up 0 with no state for the
#     mounts, stops pinging the watchdog and is restarted by systemd; with
#     the limit lifted it probes again.
#   5 io_uring taken out of SystemCallFilter= (a drop-in): the daemon logs
#     that it falls back to threads and still probes.
#   6 --abort-fuse-after (a drop-in): a hung FUSE connection is aborted
#     through /sys/fs/fuse/connections from inside the sandbox.
#   7 stop while a mount hangs: systemctl stop returns within
#     TimeoutStopSec, the unit ends inactive (not failed), the stuck helper
#     is left behind (KillMode=process); started again, the daemon sees
#     the stuck request in the registry and sends no second one.
#   8 fsprobe-textfile.timer started: it runs the service, which writes the
#     textfile. The service while a mount hangs: returns on time, unit
#     result success (exit 1 = "a mount is unhealthy" is a success), the
#     textfile says hung.

# shellcheck shell=bash source=lib.sh
. /host/guest/lib.sh

U=fsprobe.service
PROM=/var/lib/prometheus/node-exporter/fsprobe.prom
FUSED=/run/fsvm-fuse
ENGINE=unit

# ---------------------------------------------------------------- helpers
# jlog: what the daemon wrote to the journal since its unit was installed.
jlog() { journalctl -u "$U" -o cat --no-pager 2> /dev/null; }

# wait_for SECONDS CMD...: until CMD succeeds; 1 if it never did.
wait_for() {
    local secs=$1 i
    shift
    for i in $(seq $(( secs * 5 ))); do
        "$@" && return 0
        sleep 0.2
    done
    "$@"
}

# prom_state MOUNTPOINT: the state the textfile gives the mount (the
# fsprobe_mount_state series whose value is 1).
prom_state() {
    awk -v m="mountpoint=\"$1\"" 'index($0, "fsprobe_mount_state{") == 1 && index($0, m) && $NF == 1 {
        if (match($0, /state="[a-z]+"/)) print substr($0, RSTART + 7, RLENGTH - 8) }' "$PROM" 2> /dev/null
}
prom_is() { [ "$(prom_state "$1")" = "$2" ]; }
jlog_has() { jlog | grep -qE "$1"; }

unit_prop() { systemctl show -P "$2" "$1"; }

# expect_unit UNIT PROPERTY VALUE
expect_unit() {
    local got
    got=$(unit_prop "$1" "$2")
    if [ "$got" = "$3" ]; then
        pass "$1: $2=$got ($CASE)"
    else
        fail "$1: $2=$3 ($CASE)"
        note "got $2='$got'"
        note "$(systemctl status --no-pager "$1" 2>&1 | tail -n 15)"
    fi
}

# check DESCRIPTION CMD...: one assertion from a command's status.
check() {
    local d=$1
    shift
    if "$@"; then pass "$d ($CASE)"; else fail "$d ($CASE)"; return 1; fi
}

status_field() { awk -v k="$2:" '$1 == k { print $2 }' "/proc/$1/status"; }

# helper_pids PID: the daemon's children (its probe helper).
helper_pids() { cat /proc/"$1"/task/*/children 2> /dev/null | tr ' ' '\n' | grep .; }

fuse_start() { # fuse_start NAME
    mkdir -p "$FUSED" "$MNT/$1"
    rm -f "$FUSED/$1.ready"
    /run/bin/testfs "$MNT/$1" --name "$1" --subtype fsvm --ctl "$FUSED/$1.ctl" \
        --log "$FUSED/$1.log" --ready "$FUSED/$1.ready" < /dev/null > "$FUSED/$1.out" 2>&1 &
    wait_for 10 test -s "$FUSED/$1.ready" || { fail "setup: testfs $1: $(cat "$FUSED/$1.out")"; return 1; }
    log "testfs $1 on $MNT/$1 (pid $!)"
}
fuse_mode() { echo "$2" > "$FUSED/$1.ctl"; }

# dropin NAME TEXT: a drop-in for fsprobe.service; "" removes it.
dropin() {
    mkdir -p "/etc/systemd/system/$U.d"
    if [ -n "$2" ]; then
        printf '[Service]\n%s\n' "$2" > "/etc/systemd/system/$U.d/$1.conf"
    else
        rm -f "/etc/systemd/system/$U.d/$1.conf"
    fi
    systemctl daemon-reload
}

# start_unit: systemctl start, bounded; "READY" is what it waits for.
start_unit() {
    local t0 rc
    t0=$(now_us)
    timeout 60 systemctl start "$U"
    rc=$?
    START_MS=$(( ($(now_us) - t0) / 1000 ))
    log "systemctl start $U: rc=$rc in ${START_MS}ms"
    return $rc
}

# ---------------------------------------------------------------- setup
CASE="setup"
if [ "$(cat /proc/1/comm)" = systemd ]; then
    pass "systemd $(systemctl --version | awk 'NR == 1 { print $2 }') is PID 1"
else
    fail "systemd is PID 1"
    note "PID 1 is $(cat /proc/1/comm)"
    finish
    exit 0
fi
if ! cp /host/bin/testfs /run/bin/testfs; then
    fail "setup: testfs in the share (set TESTFS, or run make check, which builds it)"
    finish
    exit 0
fi
# what make install does to the .in files, with the binary under test
for f in /host/contrib/*.service.in /host/contrib/*.timer; do
    u=${f##*/}
    sed 's|@bindir@/fsprobe|/run/bin/fsprobe|g' "$f" > "/etc/systemd/system/${u%.in}"
done
SHIPPED_EXEC=$(sed -n 's/^ExecStart=//p' "/etc/systemd/system/$U")
note "ExecStart=$SHIPPED_EXEC"
modprobe fuse
grep -q ' /sys/fs/fuse/connections ' /proc/self/mountinfo ||
    mount -t fusectl fusectl /sys/fs/fuse/connections
mnt nfs4 127.0.0.1:/hard "$MNT/hard" "$NFS_HARD"
fuse_start fuse
systemctl daemon-reload

# ---------------------------------------------------------------- 0: no textfile directory
# node_exporter not installed: the daemon starts all the same and says why
# there is no textfile.
CASE="no node_exporter directory"
# Why the shipped unit has the "-": without it systemd cannot set up the
# namespace and does not start the daemon at all.
dropin strict-rw $'ReadWritePaths=\nReadWritePaths=/var/lib/prometheus/node-exporter'
if timeout 60 systemctl start "$U" 2> /dev/null; then
    fail "without the '-', a missing ReadWritePaths= directory fails the start ($CASE)"
    systemctl stop "$U"
else
    pass "without the '-', a missing ReadWritePaths= directory fails the start ($CASE)"
    note "ExecMainStatus=$(unit_prop "$U" ExecMainStatus) Result=$(unit_prop "$U" Result)"
fi
# Restart=on-failure would try again in 5 s: stop cancels that
systemctl stop "$U"
systemctl reset-failed "$U" 2> /dev/null
dropin strict-rw ""
if start_unit; then
    pass "systemctl start returned, the daemon said READY=1 ($CASE)"
else
    fail "systemctl start ($CASE)"
    note "$(systemctl status --no-pager "$U" 2>&1 | tail -n 10)"
fi
check "journal: cannot write the textfile (ENOENT)" \
    wait_for 20 sh -c "journalctl -u $U -o cat | grep -q '^cannot write $PROM: No such file or directory'"
expect_unit "$U" ActiveState active
systemctl stop "$U"
# what Debian's prometheus-node-exporter package creates
mkdir -p /var/lib/prometheus/node-exporter

# ---------------------------------------------------------------- 1: start
CASE="start"
if start_unit; then
    pass "systemctl start returned, the daemon said READY=1 (${START_MS}ms)"
else
    fail "systemctl start fsprobe.service"
    note "$(systemctl status --no-pager "$U" 2>&1 | tail -n 20)"
fi
expect_unit "$U" ActiveState active
expect_unit "$U" SubState running
MAIN=$(unit_prop "$U" MainPID)
log "main PID $MAIN"
check "own mount namespace (ProtectSystem=strict)" \
    test "$(readlink "/proc/$MAIN/ns/mnt")" != "$(readlink /proc/1/ns/mnt)"
check "/etc is read-only inside the sandbox" \
    sh -c "! nsenter -t $MAIN -m touch /etc/fsvm-write-test 2> /dev/null"
check "no_new_privs set" test "$(status_field "$MAIN" NoNewPrivs)" = 1
check "a seccomp filter in force" test "$(status_field "$MAIN" Seccomp)" = 2
check "bounding set: CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH only" \
    test "$(status_field "$MAIN" CapBnd)" = 0000000000000006
if wait_for 20 prom_is "$MNT/hard" ok && wait_for 5 prom_is "$MNT/fuse" ok; then
    pass "textfile: $MNT/hard and $MNT/fuse ok ($CASE)"
else
    fail "textfile: $MNT/hard and $MNT/fuse ok ($CASE)"
    note "hard: '$(prom_state "$MNT/hard")' fuse: '$(prom_state "$MNT/fuse")'"
    note "$(jlog | tail -n 20)"
fi
uring=
for h in $(helper_pids "$MAIN"); do
    ls -l "/proc/$h/fd" 2> /dev/null | grep -q 'io_uring' && uring=$h
done
if [ -n "$uring" ]; then
    pass "the probe helper (pid $uring) uses io_uring ($CASE)"
    check "the helper: no_new_privs" test "$(status_field "$uring" NoNewPrivs)" = 1
    note "helper CapEff=$(status_field "$uring" CapEff)"
else
    fail "the probe helper uses io_uring ($CASE)"
    note "helpers: $(helper_pids "$MAIN" | tr '\n' ' ')"
    note "$(jlog | tail -n 20)"
fi
check "no fallback to threads logged" sh -c '! journalctl -u fsprobe.service -o cat | grep -q "io_uring unavailable"'

# ---------------------------------------------------------------- 2: a new mount
CASE="mount made after the start"
mnt nfs4 127.0.0.1:/nested "$MNT/late" "$NFS_HARD"
if wait_for 30 prom_is "$MNT/late" ok; then
    pass "it propagated into the service's namespace and is probed ok ($CASE)"
else
    fail "it propagated into the service's namespace and is probed ok ($CASE)"
    note "state '$(prom_state "$MNT/late")'"
    note "service's view: $(nsenter -t "$MAIN" -m grep -c " $MNT/late " /proc/self/mountinfo) line(s)"
fi

# ---------------------------------------------------------------- 3: server cut off
CASE="NFS server cut off"
cut_servers
T_CUT=$(date +%s)
# interval 15 s + timeout 5 s, and slack for TCG
if wait_for 45 jlog_has "^$MNT/hard: ok -> hung"; then
    pass "journal: $MNT/hard: ok -> hung after $(( $(date +%s) - T_CUT ))s ($CASE)"
else
    fail "journal: $MNT/hard: ok -> hung ($CASE)"
    note "$(jlog | tail -n 20)"
fi
check "textfile: $MNT/hard hung" wait_for 20 prom_is "$MNT/hard" hung
ts1=$(awk '/^fsprobe_last_run_timestamp_seconds/ { print $2 }' "$PROM")
# past WatchdogSec=30s since the cut, with the mount hung all along
while [ $(( $(date +%s) - T_CUT )) -lt 45 ]; do sleep 1; done
ts2=$(awk '/^fsprobe_last_run_timestamp_seconds/ { print $2 }' "$PROM")
expect_unit "$U" ActiveState active
expect_unit "$U" NRestarts 0
check "still the same main process after $(( $(date +%s) - T_CUT ))s" test "$(unit_prop "$U" MainPID)" = "$MAIN"
check "no watchdog timeout logged" sh -c '! journalctl -o cat --no-pager | grep -qi "watchdog timeout"'
if awk -v a="$ts1" -v b="$ts2" 'BEGIN { exit !(b > a) }'; then
    pass "the cycles go on while the mount hangs (textfile ${ts1} -> ${ts2}) ($CASE)"
else
    fail "the cycles go on while the mount hangs ($CASE)"
    note "fsprobe_last_run_timestamp_seconds '${ts1}' then '${ts2}'"
fi
check "textfile: $MNT/fuse still ok" prom_is "$MNT/fuse" ok
systemctl reload "$U"
check "reload (SIGHUP) taken" wait_for 10 jlog_has "SIGHUP: reading the mount table again"
expect_unit "$U" ActiveState active

# ---------------------------------------------------------------- 4: server back
CASE="NFS server back"
uncut_servers
# TCP retransmission backs off while the server is cut: the client's next
# try may be a minute away
if wait_for 120 jlog_has "^$MNT/hard: hung -> ok"; then
    pass "journal: $MNT/hard: hung -> ok ($CASE)"
else
    fail "journal: $MNT/hard: hung -> ok ($CASE)"
    note "$(jlog | tail -n 20)"
fi
check "textfile: $MNT/hard ok" wait_for 20 prom_is "$MNT/hard" ok

# ---------------------------------------------------------------- 4b: no helper
CASE="the helper cannot start"
# TasksMax=1: the unit's cgroup allows no new task, so once the helper is
# killed none can be forked; the daemon goes blind, no cycle completes, the
# watchdog is no longer pinged and systemd restarts the daemon.
MAIN=$(unit_prop "$U" MainPID)
systemctl set-property --runtime "$U" TasksMax=1
T_BLIND=$(date +%s)
for h in $(helper_pids "$MAIN"); do kill -KILL "$h"; done
check "journal: cannot start the probe helper (EAGAIN), once" \
    wait_for 10 jlog_has "cannot start the probe helper: Resource temporarily unavailable"
check "textfile: fsprobe_daemon_helper_up 0" wait_for 10 grep -q '^fsprobe_daemon_helper_up 0$' "$PROM"
check "textfile: no state for $MNT/hard" test -z "$(prom_state "$MNT/hard")"
# Killed by the watchdog: MainPID 0 and Result=watchdog until the restart
# RestartSec= later (PID 1 logs to the console only in this VM).
if wait_for 60 sh -c "[ \"\$(systemctl show -P MainPID $U)\" != $MAIN ]"; then
    pass "systemd stopped the blind daemon $(( $(date +%s) - T_BLIND ))s later ($CASE)"
else
    fail "systemd stopped the blind daemon ($CASE)"
    note "$(jlog | tail -n 10)"
fi
expect_unit "$U" Result watchdog
check "and restarted it (NRestarts)" wait_for 20 sh -c "[ \"\$(systemctl show -P NRestarts $U)\" -ge 1 ]"
check "one 'cannot start' line for the first daemon's whole outage" \
    test "$(jlog | grep -c 'cannot start the probe helper')" -le 2
systemctl set-property --runtime "$U" TasksMax=infinity
T_LIFT=$(date +%s)
if wait_for 90 grep -q '^fsprobe_daemon_helper_up 1$' "$PROM" && wait_for 30 prom_is "$MNT/hard" ok; then
    pass "the limit lifted: probing again $(( $(date +%s) - T_LIFT ))s later ($CASE)"
else
    fail "the limit lifted: probing again ($CASE)"
    note "$(jlog | tail -n 10)"
fi
expect_unit "$U" ActiveState active
MAIN=$(unit_prop "$U" MainPID)

# ---------------------------------------------------------------- 5: no io_uring
CASE="io_uring not in SystemCallFilter="
# systemd 252's @system-service has io_uring (through @aio): take it out
dropin no-uring 'SystemCallFilter=~io_uring_setup io_uring_enter io_uring_register'
systemctl restart "$U" || fail "systemctl restart ($CASE)"
MAIN=$(unit_prop "$U" MainPID)
if ! check "journal: io_uring unavailable, thread engine" \
        wait_for 20 jlog_has "io_uring unavailable \(.*\): thread engine"; then
    note "$(jlog | tail -n 10)"
    note "$(systemctl show -p SystemCallFilter "$U" | cut -c1-300)"
    for h in $(helper_pids "$MAIN"); do note "helper $h: $(ls -l "/proc/$h/fd" | grep -c io_uring) io_uring fd(s)"; done
fi
rm -f "$PROM"
check "textfile: $MNT/hard ok with the thread engine" wait_for 30 prom_is "$MNT/hard" ok
dropin no-uring ""

# ---------------------------------------------------------------- 6: --abort-fuse-after
CASE="--abort-fuse-after under the sandbox"
dropin abort $'ExecStart=\nExecStart='"$SHIPPED_EXEC"' --abort-fuse-after 10s'
systemctl restart "$U" || fail "systemctl restart ($CASE)"
MAIN=$(unit_prop "$U" MainPID)
fuse_start stuck
fuse_mode stuck hang
if wait_for 60 jlog_has "^$MNT/stuck: ABORTED the FUSE connection"; then
    pass "journal: the hung FUSE connection ABORTED ($CASE)"
else
    fail "journal: the hung FUSE connection ABORTED ($CASE)"
    note "$(jlog | tail -n 20)"
fi
check "textfile: $MNT/stuck disconnected" wait_for 30 prom_is "$MNT/stuck" disconnected
check "no 'cannot abort' logged" sh -c '! journalctl -u fsprobe.service -o cat | grep -q "cannot abort"'
umount -l "$MNT/stuck"
dropin abort ""
systemctl restart "$U" || fail "systemctl restart (shipped unit again)"
MAIN=$(unit_prop "$U" MainPID)

# ---------------------------------------------------------------- 7: stop while hung
CASE="stop while a mount hangs"
fuse_start hung
fuse_mode hung hang
check "journal: $MNT/hung: ok -> hung" wait_for 45 jlog_has "^$MNT/hung: ok -> hung"
HELPERS=$(helper_pids "$MAIN" | tr '\n' ' ')
t0=$(now_us)
timeout 30 systemctl stop "$U"
rc=$?
ms=$(( ($(now_us) - t0) / 1000 ))
check "systemctl stop returned (rc=$rc) in ${ms}ms, within TimeoutStopSec=5s" test "$rc" = 0 -a "$ms" -le 5000
expect_unit "$U" ActiveState inactive
expect_unit "$U" Result success
left= OLD=
for h in $HELPERS; do
    [ -d "/proc/$h" ] && { left="$left $h($(pstate "$h"))"; OLD=${OLD:-$h}; }
done
if [ -n "$left" ]; then
    pass "the stuck helper is left behind, not waited for:$left ($CASE)"
else
    fail "the stuck helper is left behind, not waited for ($CASE)"
    note "helpers before the stop: $HELPERS"
fi

# KillMode=process and RuntimeDirectoryPreserve=yes: a new daemon, in a
# new mount namespace, finds the old helper's request in the registry
# (keyed by device number, the same in every namespace) and sends no
# second one: the journal names the old helper as the one waiting.
CASE="start again while the old helper is stuck"
start_unit || fail "systemctl start ($CASE)"
MAIN=$(unit_prop "$U" MainPID)
if wait_for 30 jlog_has "^$MNT/hung: hung \(request pending since .*, pid ${OLD:-none}\)"; then
    pass "journal: $MNT/hung: hung, the request of the old helper (pid $OLD) still pending: no second one ($CASE)"
else
    fail "journal: $MNT/hung: hung, the request of the old helper (pid ${OLD:-none}) still pending: no second one ($CASE)"
    note "$(jlog | tail -n 4)"
fi
timeout 30 systemctl stop "$U"

# ---------------------------------------------------------------- 8: the textfile unit
CASE="fsprobe-textfile.timer"
# The boot is older than OnBootSec=1min: the timer fires at once. It also
# keeps the service loaded between runs, so its exit status stays readable.
rm -f "$PROM"
systemctl start fsprobe-textfile.timer
expect_unit fsprobe-textfile.timer ActiveState active
check "the timer ran the service: the textfile is there" wait_for 30 test -s "$PROM"
wait_for 20 test "$(unit_prop fsprobe-textfile.service ActiveState)" = inactive

CASE="fsprobe-textfile.service while a mount hangs"
rm -f "$PROM"
t0=$(now_us)
timeout 60 systemctl start fsprobe-textfile.service
rc=$?
ms=$(( ($(now_us) - t0) / 1000 ))
check "systemctl start returned (rc=$rc) in ${ms}ms" test "$rc" = 0 -a "$ms" -le 20000
expect_unit fsprobe-textfile.service Result success
expect_unit fsprobe-textfile.service ExecMainStatus 1
expect_unit fsprobe-textfile.service ActiveState inactive
check "textfile: $MNT/hung hung" prom_is "$MNT/hung" hung
check "textfile: $MNT/hard ok" prom_is "$MNT/hard" ok

# Release the stuck requests: the test file system's daemon killed.
for n in fuse hung; do
    p=$(cat "$FUSED/$n.ready" 2> /dev/null)
    [ -n "$p" ] && kill -KILL "$p" 2> /dev/null
done
finish
