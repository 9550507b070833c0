#!/bin/bash
# A thousand cycles with a mount hung throughout: the daemon's and its
# helper's threads, file descriptors and memory stay flat (read from
# /proc), and the hung mount gets one request in all that time.
. "$(dirname "$0")/../lib.sh"
t_require_fuse
t_init
FUSE_SUBTYPE=fsprobetest$$

PROM=$T_DIR/fsprobe.prom
# Under AddressSanitizer freed memory sits in a quarantine that grows by
# design; without one, a leak shows in RSS as it does in a plain build.
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=0:thread_local_quarantine_size_kb=0"
fuse_start h
fuse_mode h hang
fuse_start g

"$FSPROBE" --daemon --interval 5ms --timeout 100ms --state-dir "$T_DIR/state" --textfile "$PROM" \
	-t "fuse.$FUSE_SUBTYPE" 2> "$T_DIR/daemon.log" &
D=$!
T_PIDS="$T_PIDS $D"

cycles() { awk '/^fsprobe_daemon_cycles_total/ {print $2}' "$PROM" 2>/dev/null; }
wait_cycles() {
	local i c
	for i in $(seq 1500); do
		c=$(cycles); [ "${c:-0}" -ge "$1" ] && return 0
		sleep 0.02
	done
	return 1
}
helper_of() { cat "/proc/$1/task/$1/children" 2>/dev/null | awk '{print $1}'; }
field() { awk -v k="$2:" '$1 == k {print $2}' "/proc/$1/status"; }
# The fewest descriptors of 5 looks 20 ms apart: a probe holds one more
# while it runs (the O_PATH of its statfs), a leak stays in every look.
nfds() {
	local i n m=
	for i in 1 2 3 4 5; do
		n=$(ls "/proc/$1/fd" 2>/dev/null | wc -l)
		{ [ -z "$m" ] || [ "$n" -lt "$m" ]; } && m=$n
		sleep 0.02
	done
	echo "$m"
}

wait_cycles 100 || { t_fail "the daemon did not reach 100 cycles"; t_done; exit 1; }
H=$(helper_of $D)
t_like "$H" '^[0-9]+$' "the daemon has one helper process"
sleep 0.5
d_threads0=$(field $D Threads) d_fds0=$(nfds $D) d_rss0=$(field $D VmRSS)
h_threads0=$(field "$H" Threads) h_fds0=$(nfds "$H") h_rss0=$(field "$H" VmRSS)
c0=$(cycles)
t_note "at cycle $c0: daemon $d_threads0 threads, $d_fds0 fds, $d_rss0 kB; helper $h_threads0 threads, $h_fds0 fds, $h_rss0 kB"

wait_cycles $((c0 + 1000)) || t_fail "the daemon did not run 1000 more cycles"
d_threads1=$(field $D Threads) d_fds1=$(nfds $D) d_rss1=$(field $D VmRSS)
h_threads1=$(field "$H" Threads) h_fds1=$(nfds "$H") h_rss1=$(field "$H" VmRSS)
c1=$(cycles)
t_note "at cycle $c1: daemon $d_threads1 threads, $d_fds1 fds, $d_rss1 kB; helper $h_threads1 threads, $h_fds1 fds, $h_rss1 kB"

t_le 1000 $((c1 - c0)) "1000 cycles ran"
t_is "$(helper_of $D)" "$H" "the same helper throughout"
t_is "$d_threads1" "$d_threads0" "daemon threads flat"
t_is "$d_fds1" "$d_fds0" "daemon file descriptors flat"
t_le "$d_rss1" $((d_rss0 + 256)) "daemon memory flat (within 256 kB)"
t_is "$h_fds1" "$h_fds0" "helper file descriptors flat"
# io-wq keeps one worker on the hung request and parks idle ones briefly.
t_le "$h_threads1" $((h_threads0 + 2)) "helper threads flat (io-wq workers come and go)"
t_le "$h_rss1" $((h_rss0 + 256)) "helper memory flat (within 256 kB)"
t_is "$(fuse_count h GETATTR)" 1 "the hung mount got one request in $c1 cycles"
t_is "$(grep -cF "$(fuse_mnt h): " "$T_DIR/daemon.log")" 1 "its hang was logged once"

kill -TERM $D
wait $D
t_is "$?" 0 "clean exit"
t_done
