#!/bin/bash
# The daemon outlives its helper: a helper killed is replaced at once, one
# that stops answering is abandoned after the ping timeout (never waited
# for) and replaced; probing goes on either way, and the back-off starts
# again after each helper that answered. Hooks run on transitions
# are bounded in time (--exec-timeout) and in number (4 at once).
. "$(dirname "$0")/../lib.sh"
t_require_fuse
t_init
FUSE_SUBTYPE=fsprobetest$$
PROM=$T_DIR/fsprobe.prom
LOG=$T_DIR/daemon.log

mkdir "$T_DIR/hooks"
cat > "$T_DIR/hook" <<EOH
#!/bin/sh
date +%s.%N > "$T_DIR/hooks/start.\$\$"
sleep 5
echo done > "$T_DIR/hooks/end.\$\$"
EOH
chmod +x "$T_DIR/hook"

fuse_start a

"$FSPROBE" --daemon --interval 100ms --timeout 300ms --state-dir "$T_DIR/state" --textfile "$PROM" \
	--exec-on-change "$T_DIR/hook" --exec-timeout 1s -t "fuse.$FUSE_SUBTYPE" 2> "$LOG" &
D=$!
T_PIDS="$T_PIDS $D"

state_is() { t_prom_state_is "$PROM" "$(fuse_mnt a)" "$1"; }
helper() { awk '{for (i = 1; i <= NF; i++) print $i}' "/proc/$D/task/$D/children" 2>/dev/null |
	while read -r p; do [ "$(cat /proc/$p/comm 2>/dev/null)" = fsprobe-helper ] && echo "$p"; done | tail -1; }

t_wait_for 5 state_is ok || t_fail "the mount never showed ok"
H1=$(helper)
t_like "$H1" '^[0-9]+$' "the daemon has a helper"

kill -KILL "$H1"
# EOF on its pipe or its exit, whichever the daemon sees first
if t_wait_for 3 grep -Eq "probe helper $H1 (was killed by signal 9|closed its pipe); starting another" "$LOG"; then
	t_pass "a killed helper is noticed and logged"
else t_fail "no log of the killed helper"; fi
t_wait_for 3 sh -c "[ -n \"\$(awk '{print \$1}' /proc/$D/task/$D/children)\" ]"
H2=$(helper)
t_like "$H2" '^[0-9]+$' "another helper runs"
t_is "$([ "$H2" != "$H1" ] && echo new)" new "it is a new process"
fuse_mode a eio
if t_wait_for 3 state_is error; then t_pass "probing goes on with the new helper (a -> error)"
else t_fail "no probe after the respawn"; fi

# A helper that stops answering (stopped here; stuck in the kernel alike).
kill -STOP "$H2"
if t_wait_for 10 grep -q "probe helper $H2 stopped answering; starting another" "$LOG"; then
	t_pass "a silent helper is abandoned after the ping timeout"
else t_fail "the stopped helper was not replaced"; fi
kill -KILL "$H2"   # ours to clean up: the daemon never waits for it
fuse_mode a ok
if t_wait_for 5 state_is ok; then t_pass "probing goes on after the silent helper (a -> ok)"
else t_fail "no probe after the silent helper"; fi
t_is "$(grep -c 'starting another' "$LOG")" 2 "exactly two replacements"

# Hooks: flip the mount a dozen times; every hook sleeps 5 s and is killed
# at 1 s; never more than four at once.
for i in $(seq 6); do fuse_mode a eio; sleep 0.3; fuse_mode a ok; sleep 0.3; done
sleep 1.5
n=$(ls "$T_DIR"/hooks/start.* 2>/dev/null | wc -l)
t_le 6 "$n" "hooks ran for the transitions ($n)"
t_is "$(ls "$T_DIR"/hooks/end.* 2>/dev/null | wc -l)" 0 "no hook outlived --exec-timeout"
over=$(cat "$T_DIR"/hooks/start.* | sort -n | awk '{ t[NR] = $1 } END { for (i = 5; i <= NR; i++) if (t[i] - t[i-4] < 0.9) { print t[i] - t[i-4]; exit } }')
t_is "$over" "" "never more than four hooks at once"

# The back-off starts again once a helper has answered: killed four
# times in a row, each after it answered, every helper is replaced after
# 250 ms (a back-off that only grew would wait 2 s for the fourth).
ts() { t_prom_value "$PROM" fsprobe_last_run_timestamp_seconds; }
has_other_helper() { local h; h=$(helper); [ -n "$h" ] && [ "$h" != "$1" ]; }
for k in 1 2 3 4; do
	H=$(helper) t=$(ts) t0=$(t_now_us)
	kill -KILL "$H"
	if t_wait_for 5 has_other_helper "$H"; then
		ms=$(( ($(t_now_us) - t0) / 1000 ))
		t_le "$ms" 1000 "kill $k of a helper that answered: replaced in $ms ms"
	else t_fail "kill $k: no new helper"; fi
	# it answers: a cycle completes
	t_wait_for 5 t_prom_new_cycle "$PROM" "$t" ||
		t_fail "kill $k: no cycle completed after the replacement"
done
t_is "$(grep -c 'cannot start\|before answering' "$LOG")" 0 "none of it counted as a failed start"

kill -TERM $D
wait $D
t_is "$?" 0 "daemon exits cleanly"
t_done
