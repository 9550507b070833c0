#!/bin/bash
# fsprobe's benchmarks at scale (issue 7), side by side with df and findmnt
# in the same run, in a private mount namespace this script builds itself:
#
#  1. N bind mounts of one tmpfs (N = 100, 1,000, 10,000): wall time and
#     peak RSS of `fsprobe --all -P` (both engines) and `fsprobe --all`
#     against `df -P -a` and `findmnt --df`;
#  2. the same plus H test FUSE mounts that read every request and answer
#     none (H = 1, 10, 100): how far past its timeout fsprobe returns, and
#     what happens to df and findmnt (killed after 3 timeouts, and whether
#     SIGKILL could even reap them);
#  3. the daemon over 1,000 mounts: CPU time per cycle, RSS after the
#     cycles, and the share of one core that makes at a 15 s interval.
#
# BENCH_QUICK=1 (`make bench-quick`, under two minutes) runs only the four
# comparisons of the speed goals, the way a user runs fsprobe (default
# engine, default state directory, output to /dev/null), side by side
# with `df -P -a`, interleaved: this host's own mounts (`fsprobe --all
# -P`) and 10,000 bind mounts of one tmpfs (`fsprobe --all -P`, `fsprobe
# --all`, `fsprobe --all -J`); it prints the ratios of the medians, and
# the peak RSS at 10,000 mounts against df's. The full bench ends with the
# same table.
#
# Usage (as root, from a build directory; `make bench` does this):
#   FSPROBE=./fsprobe TESTFS=./testfs BINDMANY=./bindmany MEASURE=bench/measure \
#     bash bench/run.sh
# Knobs (environment): SIZES ("100 1000 10000"), HUNG ("1 10 100"), REPEAT
# (7 runs per tool and scene, interleaved), TIMEOUT_MS (1000, fsprobe's
# --timeout in the hung scenes), DAEMON_MOUNTS (1000), DAEMON_CYCLES (1000),
# DAEMON_INTERVAL (0.26s), RESULTS (bench-results.md: the tables, also
# printed on stdout), BENCH_KEEP=1 keeps the raw runs, BASELINE=PATH adds
# rows for another fsprobe binary (an older build: before and after, side
# by side in the same run).
#
# What it must never do: leave a mount, a FUSE daemon or a process in state
# D behind. Every mount is made in the private namespace and vanishes with
# it; hung FUSE daemons are SIGKILLed by PID at the end of each scene,
# which releases everything stuck on them.
set -u

if [ -z "${BENCH_IN_NAMESPACE:-}" ]; then
	[ "$(id -u)" = 0 ] || { echo "bench: needs root (mounts)" >&2; exit 77; }
	BENCH_IN_NAMESPACE=1 exec unshare -m --propagation private bash "$0" "$@"
fi

. "$(dirname "$0")/lib.sh"

FSPROBE=${FSPROBE:-./fsprobe}
TESTFS=${TESTFS:-./testfs}
BINDMANY=${BINDMANY:-./bindmany}
MEASURE=${MEASURE:-bench/measure}
SIZES=${SIZES-100 1000 10000}
HUNG=${HUNG-1 10 100}
REPEAT=${REPEAT:-7}
TIMEOUT_MS=${TIMEOUT_MS:-1000}
DAEMON_MOUNTS=${DAEMON_MOUNTS:-1000}
DAEMON_CYCLES=${DAEMON_CYCLES:-1000}
DAEMON_INTERVAL=${DAEMON_INTERVAL:-0.26s}
RESULTS=${RESULTS:-bench-results.md}
BASELINE=${BASELINE:-}
BENCH_QUICK=${BENCH_QUICK:-}
QUICK_MOUNTS=${QUICK_MOUNTS:-10000}
QUICK_REPEAT=${QUICK_REPEAT:-15}
# Runs on this host's own mounts, each a few milliseconds: many more of
# them, for a median that holds still.
HOST_REPEAT=${HOST_REPEAT:-151}

for v in FSPROBE BINDMANY MEASURE; do
	[ -x "${!v}" ] || b_die "$v=${!v} is not an executable (run make bench, or set $v)"
done
HAVE_FUSE=yes
[ -x "$TESTFS" ] && [ -c /dev/fuse ] || HAVE_FUSE=no
FSPROBE=$(realpath "$FSPROBE") BINDMANY=$(realpath "$BINDMANY") MEASURE=$(realpath "$MEASURE")
[ -z "$BASELINE" ] || BASELINE=$(realpath "$BASELINE")
[ "$HAVE_FUSE" = yes ] && TESTFS=$(realpath "$TESTFS")

B_WORK=$(mktemp -d /tmp/fsprobe-bench-work.XXXXXX)
B_SCENE=$(mktemp -d /tmp/fsprobe-bench.XXXXXX)
B_RESULTS=$B_WORK/runs
: > "$B_RESULTS"
trap b_cleanup EXIT
trap 'exit 1' INT TERM

b_detach_foreign

LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
STARTED=$(date -u '+%Y-%m-%d %H:%M UTC')

# ------------------------------------------------ 0. the speed goals
# The way a user runs it: default engine, default state directory.
GOAL_TOOLS="df|df -P -a
fsprobe|$FSPROBE --all -P
fsprobe-table|$FSPROBE --all
fsprobe-json|$FSPROBE --all -J"
[ -z "$BASELINE" ] || GOAL_TOOLS="$GOAL_TOOLS
baseline|$BASELINE --all -P
baseline-table|$BASELINE --all
baseline-json|$BASELINE --all -J"

# This host's own mounts, before the scene adds any.
run_host() {
	local rep
	b_log "bench: this host's $(grep -c . /proc/self/mountinfo) mounts: $HOST_REPEAT runs of df and fsprobe --all -P"
	for ((rep = 1; rep <= HOST_REPEAT; rep++)); do
		b_measure host df "$rep" --all -- df -P -a
		# shellcheck disable=SC2086 # split on purpose
		b_measure host fsprobe "$rep" --all -- $FSPROBE --all -P
		# shellcheck disable=SC2086 # split on purpose
		[ -z "$BASELINE" ] || b_measure host baseline "$rep" --all -- $BASELINE --all -P
	done
}

run_goals() {
	local n=$1 reps=$2 rep name cmd
	b_log "bench: $n mounts: $reps runs of each goal command"
	for ((rep = 1; rep <= reps; rep++)); do
		while IFS='|' read -r name cmd; do
			# shellcheck disable=SC2086 # split on purpose
			b_measure "goals-$n" "$name" "$rep" --all -- $cmd
		done <<< "$GOAL_TOOLS"
	done
}

# goals_report SCENE N P TABLE JSON: the four ratios against the goals,
# and RSS; SCENE holds the runs over N bind mounts, P, TABLE and JSON are
# the names of fsprobe's three commands there.
# With BASELINE, the quick mode's rows also give the other binary's ratio
# (before), measured in the same interleaved runs.
goals_report() {
	local scene=$1 n=$2 df_w df_r w r name goal b before=
	echo "| scene | command | df ms | fsprobe ms | x df | goal |$([ -z "$BASELINE" ] || echo " baseline ms | baseline x df |")"
	echo "|---|---|---:|---:|---:|---:|$([ -z "$BASELINE" ] || echo "---:|---:|")"
	df_w=$(b_median host df 5) w=$(b_median host fsprobe 5)
	[ -z "$BASELINE" ] || { b=$(b_median host baseline 5); before=" $(b_fmt "$b" 1 2) | $(b_ratio "$b" "$df_w") |"; }
	echo "| this host's $HOST_MOUNTS mounts | \`fsprobe --all -P\` | $(b_fmt "$df_w" 1 2) | $(b_fmt "$w" 1 2) | $(b_ratio "$w" "$df_w") | <= 1.3 |$before"
	df_w=$(b_median "$scene" df 5)
	while read -r name goal cmd; do
		w=$(b_median "$scene" "$name" 5)
		[ -z "$BASELINE" ] || { b=$(b_median "$scene" "baseline${name#fsprobe}" 5); before=" $(b_fmt "$b" 1 1) | $(b_ratio "$b" "$df_w") |"; }
		echo "| $n bind mounts of one tmpfs | \`$cmd\` | $(b_fmt "$df_w" 1 1) | $(b_fmt "$w" 1 1) | $(b_ratio "$w" "$df_w") | <= $goal |$before"
	done <<-EOF
	$3 0.8 fsprobe --all -P
	$4 1.0 fsprobe --all
	$5 1.0 fsprobe --all -J
	EOF
	echo
	df_r=$(b_median "$scene" df 6)
	echo "Peak RSS at $n mounts (the process run, as wait4() reports it; medians), goal <= 1.5x df's $(b_fmt "$df_r" 1024 1) MB:" \
		"$(for name in "$3" "$4" "$5"; do
			r=$(b_median "$scene" "$name" 6)
			echo "$name $(b_fmt "$r" 1024 1) MB = $(b_ratio "$r" "$df_r")x"
		done | paste -sd';' - | sed 's/;/; /g')."
}

HOST_MOUNTS=$(grep -c . /proc/self/mountinfo)
run_host

mount -t tmpfs -o size=64m,nr_inodes=200000 fsp-bench-holder "$B_SCENE"
mkdir "$B_SCENE/src" "$B_SCENE/m"
mount -t tmpfs -o size=1m fsp-bench "$B_SCENE/src"

if [ -n "$BENCH_QUICK" ]; then
	b_binds "$B_SCENE/m/quick" "$QUICK_MOUNTS"
	run_goals "$QUICK_MOUNTS" "$QUICK_REPEAT"
	{
		echo "Quick bench (BENCH_QUICK=1), $STARTED on $(uname -srm), $(nproc) CPUs."
		echo "Load average before: $LOAD_BEFORE; after: $(cut -d' ' -f1-3 /proc/loadavg)." \
			"Medians of $HOST_REPEAT (host) and $QUICK_REPEAT ($QUICK_MOUNTS mounts) interleaved runs."
		echo
		goals_report "goals-$QUICK_MOUNTS" "$QUICK_MOUNTS" fsprobe fsprobe-table fsprobe-json
	} | tee "$RESULTS"
	exit 0
fi

# ------------------------------------------------------------ 1. healthy
# name|command; fsprobe with its default state directory, as a user runs
# it, and its default engine but in the rows that name one.
healthy_tools() {
	cat <<-EOF
	df|df -P -a
	findmnt|findmnt --df
	fsprobe|$FSPROBE --all -P
	fsprobe-uring|$FSPROBE --all -P --engine=uring
	fsprobe-threads|$FSPROBE --all -P --engine=threads
	fsprobe-table|$FSPROBE --all
	fsprobe-json|$FSPROBE --all -J
	EOF
	[ -z "$BASELINE" ] || cat <<-EOF
	baseline|$BASELINE --all -P
	baseline-uring|$BASELINE --all -P --engine=uring
	baseline-threads|$BASELINE --all -P --engine=threads
	baseline-table|$BASELINE --all
	baseline-json|$BASELINE --all -J
	EOF
}

run_healthy() {
	local n=$1 rep name cmd
	b_log "bench: $n mounts, healthy: $REPEAT runs of each tool"
	for ((rep = 1; rep <= REPEAT; rep++)); do
		while IFS='|' read -r name cmd; do
			# shellcheck disable=SC2086 # the command is split on purpose
			b_measure "healthy-$n" "$name" "$rep" --all -- $cmd
		done < <(healthy_tools)
	done
}

# --------------------------------------------------------------- 2. hung
run_hung() {
	local n=$1 h=$2 scene=hung-$n-$h rep e
	b_log "bench: $n mounts + $h hung FUSE mounts"
	b_fuse_start "$h"
	for ((rep = 1; rep <= REPEAT; rep++)); do
		for e in uring threads; do
			# A fresh request on every hung mount each time (no
			# registry): the case where fsprobe must wait out its
			# timeout. The helpers stay stuck until the scene ends.
			b_measure "$scene" "fsprobe-$e" "$rep" -- \
				"$FSPROBE" --all -P --engine=$e --timeout "${TIMEOUT_MS}ms" --no-state
		done
		[ -z "$BASELINE" ] || b_measure "$scene" baseline-uring "$rep" -- \
			"$BASELINE" --all -P --engine=uring --timeout "${TIMEOUT_MS}ms" --no-state
	done
	# With the registry, a later run finds the earlier requests still in
	# flight, reports those mounts hung at once and waits for nothing.
	"$FSPROBE" --all -P --timeout "${TIMEOUT_MS}ms" --state-dir "$B_WORK/state-$scene" >/dev/null 2>&1
	for ((rep = 1; rep <= REPEAT; rep++)); do
		b_measure "$scene" "fsprobe-registry" "$rep" -- \
			"$FSPROBE" --all -P --timeout "${TIMEOUT_MS}ms" --state-dir "$B_WORK/state-$scene"
	done
	b_measure "$scene" df 1 --kill-after $((3 * TIMEOUT_MS)) -- df -P -a
	b_measure "$scene" findmnt 1 --kill-after $((3 * TIMEOUT_MS)) -- findmnt --df
	b_fuse_stop
}

# ------------------------------------------------------------- 3. daemon
proc_cpu_ticks() { awk '{ sub(/.*\) /, ""); print $12 + $13 }' "/proc/$1/stat" 2>/dev/null || echo 0; }
proc_kb() { awk -v k="$2:" '$1 == k { print $2 }' "/proc/$1/status" 2>/dev/null; }
daemon_cycles() { awk '/^fsprobe_daemon_cycles_total/ { print $2 }' "$B_WORK/daemon.prom" 2>/dev/null; }
wait_cycles() {
	local c
	while :; do
		c=$(daemon_cycles)
		[ "${c:-0}" -ge "$1" ] && return 0
		kill -0 "$B_DAEMON_PID" 2>/dev/null || return 1
		sleep 0.1
	done
}

run_daemon() {
	local n=$1 bin=$2 label=$3 warm=5 helper c0 c1 t0 t1 cpu0 cpu1 hz per_cycle wall_s
	b_log "bench: $label daemon over $n bind mounts, $DAEMON_CYCLES cycles at --interval $DAEMON_INTERVAL"
	rm -f "$B_WORK/daemon.prom"
	"$bin" --daemon --interval "$DAEMON_INTERVAL" --timeout 5s --no-state -t tmpfs \
		--textfile "$B_WORK/daemon.prom" 2>"$B_WORK/daemon.log" &
	B_DAEMON_PID=$!
	wait_cycles $warm || b_die "the daemon did not start: $(cat "$B_WORK/daemon.log")"
	helper=$(awk '{ print $1 }' "/proc/$B_DAEMON_PID/task/$B_DAEMON_PID/children")
	hz=$(getconf CLK_TCK)
	c0=$(daemon_cycles) t0=$EPOCHREALTIME
	cpu0=$(( $(proc_cpu_ticks "$B_DAEMON_PID") + $(proc_cpu_ticks "$helper") ))
	wait_cycles $((c0 + DAEMON_CYCLES)) || b_die "the daemon died: $(cat "$B_WORK/daemon.log")"
	c1=$(daemon_cycles) t1=$EPOCHREALTIME
	cpu1=$(( $(proc_cpu_ticks "$B_DAEMON_PID") + $(proc_cpu_ticks "$helper") ))
	per_cycle=$(awk -v c=$((cpu1 - cpu0)) -v hz="$hz" -v n=$((c1 - c0)) 'BEGIN { printf "%.3f", c * 1000 / hz / n }')
	wall_s=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.0f", b - a }')
	DAEMON_ROW="$DAEMON_ROW| $label | $n (+$(( $(grep -c ' - tmpfs ' /proc/self/mountinfo) - n )) other tmpfs) | $((c1 - c0)) in ${wall_s} s | $per_cycle"
	DAEMON_ROW="$DAEMON_ROW | $(awk -v p="$per_cycle" 'BEGIN { printf "%.4f", p / 15000 * 100 }')%"
	DAEMON_ROW="$DAEMON_ROW | $(b_fmt "$(proc_kb "$B_DAEMON_PID" VmRSS)" 1024 1) MB"
	DAEMON_ROW="$DAEMON_ROW | $(b_fmt "$(proc_kb "$helper" VmRSS)" 1024 1) MB"
	DAEMON_ROW="$DAEMON_ROW | $(b_fmt "$(proc_kb "$B_DAEMON_PID" VmHWM)" 1024 1) MB |
"
	kill -TERM "$B_DAEMON_PID"
	wait "$B_DAEMON_PID"
	B_DAEMON_PID=
}

# ---------------------------------------------------------------- scenes
made=0
DAEMON_ROW=
for n in $SIZES; do
	b_binds "$B_SCENE/m/$n" $((n - made))
	made=$n
	run_healthy "$n"
	if [ "$HAVE_FUSE" = yes ]; then
		for h in $HUNG; do run_hung "$n" "$h"; done
	fi
	if [ "$n" = "$DAEMON_MOUNTS" ] && [ "$DAEMON_CYCLES" -gt 0 ]; then
		run_daemon "$n" "$FSPROBE" fsprobe
		[ -z "$BASELINE" ] || run_daemon "$n" "$BASELINE" baseline
	fi
done
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)
STUCK=$(b_d_state)

# ---------------------------------------------------------------- report
report() {
	local n h tool w r df_w df_r
	echo "Measured $STARTED on $(uname -srm), $(nproc) CPUs ($(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo))."
	echo "Load average before: $LOAD_BEFORE; after: $LOAD_AFTER. $("$FSPROBE" --version | head -1); $(df --version | head -1); $(findmnt --version)."
	echo "Medians of $REPEAT interleaved runs; peak RSS as wait4() reports it for the process run (fsprobe: its front, and"
	echo "its helper when reaped by then); \"all\" is the largest peak over every process of the run, cpu the sum of their user + system time."
	echo
	local big=${SIZES##* }
	echo "### The speed goals (default engine and state directory, output to /dev/null)"
	echo
	goals_report "healthy-$big" "$big" fsprobe fsprobe-table fsprobe-json
	echo
	echo "### Healthy mounts"
	echo
	echo "| bind mounts | tool | wall ms | x df | peak RSS MB | x df | all procs MB | cpu ms | exit |"
	echo "|---:|---|---:|---:|---:|---:|---:|---:|---|"
	for n in $SIZES; do
		df_w=$(b_median "healthy-$n" df 5) df_r=$(b_median "healthy-$n" df 6)
		while IFS='|' read -r tool _; do
			w=$(b_median "healthy-$n" "$tool" 5) r=$(b_median "healthy-$n" "$tool" 6)
			echo "| $n | $tool | $(b_fmt "$w" 1 1) | $(b_ratio "$w" "$df_w") | $(b_fmt "$r" 1024 1) | $(b_ratio "$r" "$df_r")" \
				"| $(b_fmt "$(b_median "healthy-$n" "$tool" 7)" 1024 1) | $(b_median "healthy-$n" "$tool" 8) | $(b_exits "healthy-$n" "$tool") |"
		done < <(healthy_tools)
	done
	if [ "$HAVE_FUSE" = yes ]; then
		echo
		echo "### Hung FUSE mounts among healthy ones (fsprobe --timeout ${TIMEOUT_MS}ms)"
		echo
		echo "| bind mounts | hung | uring: wall - timeout, median / max ms | threads: median / max ms |$([ -z "$BASELINE" ] || echo " baseline uring: median / max ms |") later run with registry: wall ms | df -P -a | findmnt --df |"
		echo "|---:|---:|---:|---:|$([ -z "$BASELINE" ] || echo "---:|")---:|---|---|"
		for n in $SIZES; do
			for h in $HUNG; do
				local s=hung-$n-$h
				echo "| $n | $h | $(overshoot "$s" fsprobe-uring) | $(overshoot "$s" fsprobe-threads) |" \
					"$([ -z "$BASELINE" ] || echo "$(overshoot "$s" baseline-uring) |")" \
					"$(b_fmt "$(b_median "$s" fsprobe-registry 5)" 1 1)" \
					"| $(b_describe_stuck "$s" df) | $(b_describe_stuck "$s" findmnt) |"
			done
		done
		echo
		echo "fsprobe's exit statuses in these runs: uring $(b_exits_all fsprobe-uring), threads $(b_exits_all fsprobe-threads), registry $(b_exits_all fsprobe-registry) (1: a mount is unhealthy)."
	fi
	if [ -n "$DAEMON_ROW" ]; then
		echo
		echo "### Daemon (--interval $DAEMON_INTERVAL --timeout 5s -t tmpfs --textfile; CPU of daemon + helper, from /proc)"
		echo
		echo "| binary | tmpfs mounts | cycles | CPU ms per cycle | share of one core at --interval 15s | daemon RSS | helper RSS | daemon peak RSS |"
		echo "|---|---:|---:|---:|---:|---:|---:|---:|"
		printf '%s' "$DAEMON_ROW"
	fi
	if [ -s "$B_WORK/failures" ]; then
		echo
		echo "Runs that failed (exit status 2):"
		echo
		sed 's/^/    /' "$B_WORK/failures"
	fi
	echo
	if [ -n "$STUCK" ]; then echo "Processes left in state D: $STUCK"
	else echo "No process left in state D."; fi
}

# "median / max" of wall time minus the timeout, in ms
overshoot() {
	awk -v m="$(b_median "$1" "$2" 5)" -v x="$(b_max "$1" "$2" 5)" -v t="$TIMEOUT_MS" \
		'BEGIN { if (m == "-") print "-"; else printf "%.1f / %.1f\n", m - t, x - t }'
}

# df/findmnt in a hung scene: how it ended.
b_describe_stuck() {
	case $(b_exits "$1" "$2") in
	killed-D) echo "hung; SIGKILL after $((3 * TIMEOUT_MS)) ms could not reap it (state D) until the FUSE daemons died" ;;
	killed-*) echo "hung; killed after $((3 * TIMEOUT_MS)) ms" ;;
	killed) echo "hung; killed after $((3 * TIMEOUT_MS)) ms, gone within 200 ms" ;;
	*) echo "finished ($(b_exits "$1" "$2")) in $(b_fmt "$(b_median "$1" "$2" 5)" 1 0) ms" ;;
	esac
}

b_exits_all() {
	awk -F'|' -v t="$1" '$1 ~ /^hung-/ && $2 == t { print $4 }' "$B_RESULTS" | sort -u | paste -sd, -
}

report | tee "$RESULTS"
[ -n "${BENCH_KEEP:-}" ] && b_log "bench: raw runs in $B_RESULTS"
[ -z "$STUCK" ]
