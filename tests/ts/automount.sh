#!/bin/bash
# Probes never trigger an automount. A direct autofs trigger whose
# automount daemon (tests/helpers/autofs-daemon.c) logs every request and
# never answers: whoever walks onto it waits for good. fsprobe in every
# mode (table -a, df -a -P, JSON, Prometheus, Nagios, FILE arguments on
# and below the trigger, the daemon) sends it no request, returns on time,
# and reports the trigger ok with no numbers from the mount table alone
# (df's zeros in df's layouts, as GNU df prints them when its statfs does
# not trigger). Once something is mounted on the trigger, that mount is
# probed like any other, and a trigger below a hung FUSE mount gates
# nothing: what is mounted on it is blocked by the FUSE mount. Last, the
# control: a df of the trigger does send a request and waits until
# killed; once the daemon is gone (catatonic) nothing waits on the trigger.
. "$(dirname "$0")/../lib.sh"
t_require_fuse
t_require_built "${AUTOFSD:-}" autofs-daemon
CHECK=${CHECK_FSPROBE:-$(dirname "$FSPROBE")/check_fsprobe}
t_require_built "$CHECK" check_fsprobe
t_require_jq
t_init
FUSE_SUBTYPE=fsprobetest$$

TO=1s TO_MS=1000 MARGIN_MS=100
TRIG=$T_DIR/trigger
REQ=$T_DIR/requests
T_AUTOFSD=

# autofs_start MOUNTPOINT LOG: a trigger whose daemon never answers; its
# PID in AD.
autofs_start() {
	mkdir -p "$1"
	"$AUTOFSD" "$1" "$2" 2> "$T_DIR/autofsd.err" &
	AD=$!
	T_AUTOFSD="$T_AUTOFSD $AD"
	for _ in $(seq 100); do [ -e "$2" ] || ! kill -0 $AD 2>/dev/null && break; sleep 0.02; done
	[ -e "$2" ] && return 0
	grep -q 'No such device' "$T_DIR/autofsd.err" && t_skip_all "no autofs in this kernel"
	echo "Bail out! autofs trigger not mounted: $(cat "$T_DIR/autofsd.err")"
	exit 1
}
# The daemons are stopped with SIGTERM, which makes their triggers
# catatonic (every waiter fails at once) before anything is unmounted:
# unmounting a trigger with waiters and no daemon would wait too.
stop_autofsd() {
	local pid
	for pid in $T_AUTOFSD; do kill -TERM "$pid" 2>/dev/null; done
	for pid in $T_AUTOFSD; do wait "$pid" 2>/dev/null; done
	T_AUTOFSD=
}
am_cleanup() {
	stop_autofsd
	umount -l "$TRIG" 2>/dev/null
	umount -l "$TRIG" 2>/dev/null
	t_cleanup # and the FUSE mount, with what is mounted in it
}

autofs_start "$TRIG" "$REQ"
MAIN=$AD
trap am_cleanup EXIT

requests() { cat "$REQ" "$T_DIR"/requests.* 2>/dev/null | wc -l; }
# as_daemon CMD...: in the automount daemon's process group, which sees
# the trigger as a plain directory (what df prints then, mounting on it).
as_daemon() { "$AUTOFSD" -j $MAIN "$@"; }

# on_time WHAT: the last run's wall time, and no request so far.
on_time() {
	t_le "$ELAPSED_MS" $((TO_MS + MARGIN_MS)) "$1: returned within the timeout"
	t_is "$(requests)" 0 "$1: no request reached the automount daemon"
}

# --- table, -a ---
run_fsprobe --timeout $TO -a -n -r -o STATUS,TARGET,DETAIL
on_time "-a"
t_is "$(grep -F " $TRIG " "$OUT")" "ok $TRIG automount\x20point,\x20not\x20probed" \
	"-a: the trigger is listed ok, as an automount point"

# --- JSON ---
run_fsprobe --timeout $TO -a -J
on_time "-a -J"
t_is "$(json_field "$TRIG" status)/$(json_field "$TRIG" fstype)" ok/autofs "-a -J: status ok, fstype autofs"
t_is "$(json_field "$TRIG" detail)" "automount point, not probed" "-a -J: detail"
t_is "$(json_field "$TRIG" size)/$(json_field "$TRIG" avail)/$(json_field "$TRIG" latency)/$(json_field "$TRIG" error)" \
	null/null/null/null "-a -J: no numbers, no latency, no error"

# --- df's layouts, beside GNU df run where it does not trigger ---
run_fsprobe --timeout $TO -a -P
on_time "-a -P"
as_daemon df -P "$TRIG" > "$T_DIR/df.out" 2>&1
want=$(tail -n 1 "$T_DIR/df.out" | tr -s ' ')
t_like "$want" "^fsprobe-autofs 0 0 0 - $TRIG\$" "GNU df in the daemon's group: the autofs file system's zeros"
t_is "$(grep -F " $TRIG" "$OUT" | tr -s ' ')" "$want" "-a -P: the trigger's row has df's fields"
for opts in "-P" "-i" "--output" "-h -T"; do
	# shellcheck disable=SC2086
	run_fsprobe --timeout $TO $opts "$TRIG"
	on_time "$opts FILE"
	# shellcheck disable=SC2086
	as_daemon df $opts "$TRIG" > "$T_DIR/df.out" 2>&1
	# the human layouts end in fsprobe's Status column
	[ "$opts" = "-i" ] || [ "$opts" = "-h -T" ] && sed -i -E 's/ +[^ ]+$//' "$OUT"
	if cmp -s "$T_DIR/df.out" "$OUT"; then t_pass "$opts FILE: the same bytes as GNU df"
	else t_fail "$opts FILE: differs from GNU df"; diff "$T_DIR/df.out" "$OUT" | sed 's/^/# /'; fi
done

# --- Prometheus ---
run_fsprobe --timeout $TO -a --prometheus
on_time "--prometheus"
sel="mountpoint=\"$TRIG\""
t_is "$(grep -F "$sel" "$OUT" | grep '^fsprobe_mount_up' | awk '{print $2}')" 1 "--prometheus: mount_up 1"
t_is "$(grep -F "$sel" "$OUT" | grep '^fsprobe_mount_state' | grep ' 1$' | sed 's/.*state="\([a-z]*\)".*/\1/')" ok \
	"--prometheus: state ok"
t_is "$(grep -F "$sel" "$OUT" | grep -cE '^fsprobe_(filesystem_|probe_duration)')" 0 \
	"--prometheus: no size, inode or probe duration samples for it"

# --- Nagios ---
run_fsprobe --timeout $TO --nagios -v "$TRIG"
on_time "--nagios FILE"
t_is "$RC" 0 "--nagios: OK"
t_like "$(sed -n 2p "$OUT")" "^\[OK\] $TRIG: ok \(automount point, not probed\), autofs fsprobe-autofs" \
	"--nagios: the long output says automount point"
# check_disk's command lines
for args in "-p $TRIG" "-A -N autofs"; do
	t0=$(t_now_us)
	# shellcheck disable=SC2086
	"$CHECK" -w 20% -c 10% -t 1 $args > "$OUT" 2>&1
	RC=$? ELAPSED_MS=$(( ($(t_now_us) - t0) / 1000 ))
	on_time "check_fsprobe $args"
	# (-A: the machine's own automount points too, systemd's binfmt_misc)
	t_like "$RC $(head -n 1 "$OUT")" "^0 FSPROBE OK - [0-9]+ mounts? ok \| (.* )?'$TRIG'=U " \
		"check_fsprobe $args: OK, no numbers"
done

# --- FILE arguments on and below the trigger, however named ---
ln -s "$TRIG/deep" "$T_DIR/link"
for f in "$TRIG" "$TRIG/" "$TRIG/a/b/c" "$TRIG/../trigger/x" "$T_DIR/link/file"; do
	run_fsprobe --timeout $TO -n -r -o STATUS,TARGET "$f"
	on_time "FILE $f"
	t_is "$(cat "$OUT")/$RC" "ok $TRIG/0" "FILE $f: the trigger, ok"
done
(cd "$T_DIR" && run_fsprobe --timeout $TO -n -r -o STATUS,TARGET trigger/x)
on_time "relative FILE"

# --- the daemon, a few cycles ---
t0=$(t_now_us)
"$FSPROBE" --daemon --interval 200ms --timeout 500ms --max-cycles 3 --state-dir "$T_DIR/state" \
	--textfile "$T_DIR/d.prom" -t autofs -t tmpfs 2> "$T_DIR/daemon.log"
RC=$? ELAPSED_MS=$(( ($(t_now_us) - t0) / 1000 ))
t_is "$RC" 0 "--daemon: 3 cycles, exit 0"
t_le "$ELAPSED_MS" $((2 * 200 + 500 + 1000)) "--daemon: 3 cycles on time"
t_is "$(requests)" 0 "--daemon: no request reached the automount daemon"
t_is "$(grep -F "$sel" "$T_DIR/d.prom" | grep '^fsprobe_mount_state' | grep ' 1$' | sed 's/.*state="\([a-z]*\)".*/\1/')" ok \
	"--daemon: the trigger is ok in the textfile"
t_is "$(grep -F "$sel" "$T_DIR/d.prom" | grep -cE '^fsprobe_(filesystem_|probe_duration)')" 0 \
	"--daemon: no numbers for it"
t_like "$(grep -c '^fsprobe_filesystem_size_bytes' "$T_DIR/d.prom")" '^[1-9]' "--daemon: the tmpfs mounts were probed"

# --- mounted over, as an automounter does: that mount is probed ---
as_daemon mount -t tmpfs -o size=1m fsp-automounted "$TRIG"
fstypes_at() { # the types mounted at $1, in mount order
	awk -v t="$1" '$5 == t { for (i = 7; $i != "-"; i++); printf "%s ", $(i + 1) }' /proc/self/mountinfo
}
t_is "$(fstypes_at "$TRIG")" "autofs tmpfs " \
	"a tmpfs mounted on the trigger from the daemon's group"
run_fsprobe --timeout $TO -a -J
on_time "mounted over: -a -J"
t_is "$(jq -r --arg t "$TRIG" '.mounts[] | select(.target == $t) | "\(.fstype) \(.status) \(.size) \(.latency != null) \(.detail)"' "$OUT" | tr '\n' ';')" \
	"autofs ok null false automount point, mounted over, not probed;tmpfs ok 1048576 true null;" \
	"mounted over: the trigger still unprobed, the tmpfs on it probed with its numbers"
run_fsprobe --timeout $TO -a -P
on_time "mounted over: -a -P"
df -a -P > "$T_DIR/df.out" 2>&1 # no trigger now: the path leads to the tmpfs
t_is "$(grep -F " $TRIG" "$OUT" | tr -s ' ')" "$(grep -F " $TRIG" "$T_DIR/df.out" | tr -s ' ')" \
	"mounted over: -a -P rows as GNU df's (placeholder, then the tmpfs)"
touch "$TRIG/f" # walks into the mount on the trigger
run_fsprobe --timeout $TO -n -r -o FSTYPE,STATUS,SIZE -b "$TRIG/f"
on_time "mounted over: FILE"
t_is "$(cat "$OUT")" "tmpfs ok 1048576" "mounted over: FILE resolves to the tmpfs, probed"
umount "$TRIG"
t_is "$(requests)" 0 "unmounting the tmpfs sent no request"

# --- a mount gone since the table was read: the probe lands on the
# trigger, and its statfs must not follow it (the table says tmpfs where
# the kernel has the trigger, under the trigger's own mount ID) ---
awk -v t="$TRIG" '$5 == t { for (i = 7; $i != "-"; i++); $(i + 1) = "tmpfs"; $(i + 2) = "fsp-expired" } 1' \
	/proc/self/mountinfo > "$T_DIR/expired.mountinfo"
for engine in uring threads; do
	run_fsprobe --timeout $TO --engine $engine --mountinfo "$T_DIR/expired.mountinfo" -t tmpfs -J
	on_time "expired, $engine engine"
	t_is "$(jq -r --arg t "$TRIG" '.mounts[] | select(.target == $t) | "\(.status) \(.size)"' "$OUT")" "ok 0" \
		"expired, $engine engine: the statfs answered for the trigger itself (autofs's zeros)"
done

# --- below a hung FUSE mount: the trigger gates nothing ---
fuse_start up
NESTED=$(fuse_mnt up)/sub
autofs_start "$NESTED" "$T_DIR/requests.nested"
"$AUTOFSD" -j $AD mount -t tmpfs -o size=1m fsp-nested "$NESTED"
fuse_mode up hang
run_fsprobe --timeout $TO -a -J
on_time "below a hung FUSE mount: -a -J"
t_is "$(jq -r --arg u "$(fuse_mnt up)" --arg t "$NESTED" \
	'.mounts[] | select(.target == $u or .target == $t) | "\(.fstype) \(.status)"' "$OUT" | tr '\n' ';')" \
	"fuse.$FUSE_SUBTYPE hung;autofs ok;tmpfs blocked;" \
	"below a hung FUSE mount: the FUSE mount hung, the trigger ok, the tmpfs on it blocked by the FUSE mount"
t_is "$(jq -r --arg t "$NESTED" '.mounts[] | select(.target == $t and .fstype == "tmpfs") | .detail' "$OUT")" \
	"below hung $(fuse_mnt up)" "below a hung FUSE mount: the tmpfs is blocked by the FUSE mount, not by the trigger"
fuse_kill up

# --- the control: the trigger was armed all along ---
# (timeout kills its own process group: its shell reports it, not ours)
RC=$(sh -c 'timeout -s KILL 1 df -P "$1" > /dev/null 2>&1; echo $?' sh "$TRIG" 2> /dev/null)
t_is "$(requests)" 1 "control: GNU df of the trigger sends a request"
t_is "$RC" 137 "control: and waits until killed (killable)"
stat -f "$TRIG" > "$T_DIR/waiter.out" 2>&1 &
W=$!
T_PIDS="$T_PIDS $W" # killed by the cleanup whatever happens
for _ in $(seq 50); do [ "$(cat /proc/$W/wchan 2>/dev/null)" = autofs_wait ] && break; sleep 0.02; done
t_is "$(cat /proc/$W/wchan 2>/dev/null)" autofs_wait "control: a second walker waits on the same request"
t_is "$(requests)" 1 "control: one request per name while it is pending"
# The daemon's exit makes the trigger catatonic. Whoever waits already is
# woken on Linux 6.18 and fails with ENOENT; on Debian's 6.1 it sleeps on
# (measured), and only SIGKILL gets it out: either way nothing is left.
stop_autofsd
for _ in $(seq 50); do kill -0 $W 2>/dev/null || break; sleep 0.02; done
if kill -0 $W 2>/dev/null; then
	t_note "the waiter sleeps on after the daemon's exit (this kernel does not wake it): SIGKILL"
	kill -KILL $W
	for _ in $(seq 50); do kill -0 $W 2>/dev/null || break; sleep 0.02; done
	t_is "$(kill -0 $W 2>/dev/null && echo waiting)" "" "the waiter left, killed"
else
	t_like "$(cat "$T_DIR/waiter.out")" "No such file or directory" "the waiter left, woken with ENOENT"
fi
wait $W 2>/dev/null
# A catatonic trigger is a plain directory to everyone: it sends nothing
# and keeps no one.
t0=$(t_now_us)
stat -f -c %T "$TRIG" > "$T_DIR/late.out" 2>&1
RC=$? ELAPSED_MS=$(( ($(t_now_us) - t0) / 1000 ))
t_is "$RC $(cat "$T_DIR/late.out")" "0 autofs" "catatonic: a later statfs lands on the autofs file system itself"
t_le "$ELAPSED_MS" 1000 "catatonic: at once"
t_is "$(requests)" 1 "catatonic: no request"
umount "$TRIG"
t_is "$(fstypes_at "$TRIG")" "" "trigger unmounted"
t_done
