#!/bin/bash
# Soak: the daemon for 10,000 fast cycles while FUSE mounts flap between
# healthy, hung (answering late) and failing, and one dies for good. Its
# threads, descriptors and memory stay flat, and the transitions it logs
# form an unbroken chain per mount: none missed, none repeated.
. "$(dirname "$0")/../lib.sh"
t_require_fuse
t_init
FUSE_SUBTYPE=fsprobetest$$
CYCLES=10000
PROM=$T_DIR/fsprobe.prom
LOG=$T_DIR/daemon.log
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=0:thread_local_quarantine_size_kb=0"

fuse_start slow    # ok <-> answers after 150 ms (hung at a 60 ms deadline, then recovered)
fuse_start flaky   # ok <-> EIO
fuse_start doomed  # ok, then killed: disconnected for good

"$FSPROBE" --daemon --interval 5ms --timeout 60ms --state-dir "$T_DIR/state" --textfile "$PROM" \
	--max-cycles $CYCLES -t "fuse.$FUSE_SUBTYPE" 2> "$LOG" &
D=$!
T_PIDS="$T_PIDS $D"

cycles() { awk '/^fsprobe_daemon_cycles_total/ {print $2}' "$PROM" 2>/dev/null; }
field() { awk -v k="$2:" '$1 == k {print $2}' "/proc/$1/status" 2>/dev/null; }
nfds() { ls "/proc/$1/fd" 2>/dev/null | wc -l; }
# The helper's descriptors on the test's mounts (the O_PATH a statfs holds
# while it runs: the slow mount holds one most of the time) apart from the
# rest: the rest must stay flat, the handles must never outnumber the mounts.
hfds() {
	local f t mine=0 other=0
	for f in /proc/"$1"/fd/*; do
		t=$(readlink "$f" 2>/dev/null) || continue
		case $t in
		"$(fuse_mnt slow)" | "$(fuse_mnt flaky)" | "$(fuse_mnt doomed)") mine=$((mine + 1)) ;;
		*) other=$((other + 1)) ;;
		esac
	done
	echo "$other $mine"
}

for i in $(seq 500); do [ "$(cycles)" ] && [ "$(cycles)" -ge 200 ] && break; sleep 0.02; done
H=$(awk '{print $1}' "/proc/$D/task/$D/children")
sample0="$(field $D Threads) $(nfds $D) $(field $D VmRSS) $(hfds "$H")"
t_note "cycle $(cycles): daemon threads, fds, RSS kB; helper fds, handles on the mounts: $sample0"

# Flap until the daemon has run its cycles.
n=0
while kill -0 $D 2>/dev/null; do
	n=$((n + 1))
	case $((n % 4)) in
	0) fuse_mode slow ok; fuse_mode flaky ok ;;
	1) fuse_mode slow "delay 150" ;;
	2) fuse_mode flaky eio ;;
	3) fuse_mode slow ok ;;
	esac
	[ $n = 20 ] && fuse_kill doomed
	c=$(cycles)
	if [ "${c:-0}" -ge $((CYCLES - 300)) ] && [ -z "${sample1:-}" ]; then
		sample1="$(field $D Threads) $(nfds $D) $(field $D VmRSS) $(hfds "$H")"
		t_note "cycle $c: $sample1"
	fi
	sleep 0.25
done
wait $D
t_is "$?" 0 "the daemon ran its $CYCLES cycles and exited cleanly"
t_le $CYCLES "$(cycles)" "textfile says $CYCLES cycles"

set -- $sample0; t0=$1 f0=$2 r0=$3 h0=$4
set -- ${sample1:-x x 0 x 99}; t1=$1 f1=$2 r1=$3 h1=$4 m1=$5
t_is "$t1" "$t0" "daemon threads flat"
t_is "$f1" "$f0" "daemon file descriptors flat"
t_le "$r1" $((r0 + 512)) "daemon memory flat (within 512 kB: $r0 -> $r1 kB)"
t_is "$h1" "$h0" "helper file descriptors flat (besides its handles on the mounts)"
t_le "$m1" 3 "helper handles on the mounts: at most one per mount"

# Every logged transition starts where the mount's previous one ended.
chain_ok=1 total=0
for name in slow flaky doomed; do
	m=$(fuse_mnt "$name")
	prev=
	while IFS= read -r line; do
		line=${line#fsprobe: }
		from=${line#"$m: "}; from=${from%% *}
		to=${line#"$m: $from -> "}; to=${to%% *}
		total=$((total + 1))
		if [ "$from" = "$to" ] || { [ -n "$prev" ] && [ "$prev" != "$from" ]; }; then
			chain_ok=0; t_note "broken chain at: $line (previous ended in $prev)"
		fi
		prev=$to
	done < <(grep -F "$m: " "$LOG" | grep -e ' -> ')
	eval "last_$name=\$prev"
done
t_is "$chain_ok" 1 "transitions chain per mount: none missed, none repeated ($total logged)"
t_le 20 "$(grep -cF "$(fuse_mnt slow): ok -> hung" "$LOG")" "the slow mount went hung many times"
t_le 20 "$(grep -cF "$(fuse_mnt slow): hung -> ok (recovered)" "$LOG")" "and recovered as often"
t_le 20 "$(grep -cF "$(fuse_mnt flaky): ok -> error" "$LOG")" "the flaky mount failed many times"
# With a 60 ms deadline on a loaded 2-CPU machine even a healthy answer
# is late now and then (and logged as such): only the chain and the end
# are certain.
t_le 1 "$(grep -F "$(fuse_mnt doomed): " "$LOG" | grep -c -- '-> disconnected')" "the doomed mount's death was logged"
t_is "${last_doomed:-}" disconnected "and it ended disconnected"
t_done
