# Shared helpers of bench/run.sh: scenes of bind mounts and hung FUSE
# mounts, one measured run of a command, medians, and cleanup.
#
# Everything here runs inside the private mount namespace run.sh made:
# every mount vanishes with it. FUSE daemons are SIGKILLed by PID, which
# aborts their connections and frees every process stuck on them.

set -u

B_RESULTS=      # one line per measured run: scene|tool|rep|exit|wall|rss|rss_all|cpu
B_FUSE_PIDS=    # testfs daemons of the current hung scene
B_FUSE_N=0      # their mount points: $B_SCENE/fuse/0 .. N-1
B_STUCK_PIDS=   # df/findmnt runs that could not be killed, to wait for

b_log() { printf '%s\n' "$*" >&2; }
b_die() { b_log "bench: $*"; exit 1; }

# Detaches every network and FUSE mount this namespace inherited (umount
# -l in the private copy only, without canonicalizing the path, which
# would stat it): someone else's hung mount must not stall df, and must
# not be probed either.
b_detach_foreign() {
	local mp
	awk '{ for (i = 7; $i != "-"; i++); t = $(i + 1)
	       if (t ~ /^(fuse|fuseblk|nfs|nfs4|cifs|smb3|smbfs|9p|ceph|glusterfs|afs)(\.|$)/) print $5 }' \
		/proc/self/mountinfo | sort -r | while IFS= read -r mp; do
		mp=$(printf '%b' "${mp//\\/\\0}")
		umount -l -c "$mp" 2>/dev/null || b_log "bench: could not detach $mp"
	done
}

# b_measure SCENE TOOL REP [measure options] -- COMMAND...: one run,
# output to /dev/null, its numbers appended to $B_RESULTS.
b_measure() {
	local scene=$1 tool=$2 rep=$3 out exit wall rss rss_all cpu state pid line
	shift 3
	out=$B_WORK/measure.out
	"$MEASURE" -o "$out" "$@" >/dev/null 2>"$B_WORK/stderr" </dev/null || b_die "measure failed: $*"
	line=$(cat "$out")
	for kv in $line; do
		case $kv in
		exit=*) exit=${kv#exit=} ;;
		wall_ms=*) wall=${kv#wall_ms=} ;;
		rss_kb=*) rss=${kv#rss_kb=} ;;
		rss_all_kb=*) rss_all=${kv#rss_all_kb=} ;;
		cpu_ms=*) cpu=${kv#cpu_ms=} ;;
		state=*) state=${kv#state=} ;;
		pid=*) pid=${kv#pid=} ;;
		esac
	done
	if [ "$exit" = killed ] && [ "$wall" = - ]; then
		exit=killed-$state
		B_STUCK_PIDS="$B_STUCK_PIDS $pid"
	fi
	echo "$scene|$tool|$rep|$exit|$wall|$rss|$rss_all|$cpu" >> "$B_RESULTS"
	# Exit status 2 is a tool's own failure (for fsprobe: it could not
	# run its probes): keep what it said.
	[ "$exit" != 2 ] || echo "$scene $tool run $rep: $(grep -v ': hung\|: blocked' "$B_WORK/stderr" | head -3)" >> "$B_WORK/failures"
}

# b_median SCENE TOOL FIELD: median of a numeric field (5 wall, 6 rss,
# 7 rss_all, 8 cpu) over the runs of TOOL in SCENE; "-" when none.
b_median() {
	awk -F'|' -v s="$1" -v t="$2" -v f="$3" '$1 == s && $2 == t && $f != "-" { print $f }' "$B_RESULTS" |
		sort -g | awk '{ v[NR] = $1 } END {
			if (!NR) { print "-"; exit }
			if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# b_max SCENE TOOL FIELD
b_max() {
	awk -F'|' -v s="$1" -v t="$2" -v f="$3" '$1 == s && $2 == t && $f != "-" { if (!n++ || $f > m) m = $f }
		END { print n ? m : "-" }' "$B_RESULTS"
}

# b_exits SCENE TOOL: the distinct exit statuses of its runs, e.g. "0" or "killed-D"
b_exits() {
	awk -F'|' -v s="$1" -v t="$2" '$1 == s && $2 == t { print $4 }' "$B_RESULTS" | sort -u | paste -sd, -
}

# b_ratio A B: A / B to two decimals, "-" if either is missing
b_ratio() {
	awk -v a="$1" -v b="$2" 'BEGIN { if (a == "-" || b == "-" || b == 0) print "-"; else printf "%.2f\n", a / b }'
}

# b_fmt VALUE DIVISOR DECIMALS
b_fmt() {
	awk -v v="$1" -v d="$2" -v p="$3" 'BEGIN { if (v == "-") print "-"; else printf "%.*f\n", p, v / d }'
}

# --------------------------------------------------------------- scenes

# b_binds DIR N: N bind mounts of the scene's source tmpfs under DIR.
b_binds() {
	mkdir -p "$1"
	"$BINDMANY" "$B_SCENE/src" "$1" "$2" || b_die "could not make $2 bind mounts"
}

# b_fuse_start H: H test FUSE mounts at $B_SCENE/fuse/0..H-1, started
# together, each told to hang (read every request, answer none).
b_fuse_start() {
	local h=$1 i j dir
	dir=$B_SCENE/fuse
	mkdir -p "$dir" "$B_WORK/fuse"
	B_FUSE_PIDS=
	B_FUSE_N=$h
	for ((i = 0; i < h; i++)); do
		mkdir -p "$dir/$i"
		rm -f "$B_WORK/fuse/$i.ready"
		"$TESTFS" "$dir/$i" --name "b$i" --subtype fsprobebench --ctl "$B_WORK/fuse/$i.ctl" \
			--log /dev/null --ready "$B_WORK/fuse/$i.ready" </dev/null >/dev/null 2>&1 &
		B_FUSE_PIDS="$B_FUSE_PIDS $!"
	done
	for ((i = 0; i < h; i++)); do
		for ((j = 0; j < 200; j++)); do
			[ -s "$B_WORK/fuse/$i.ready" ] && break
			sleep 0.05
		done
		[ -s "$B_WORK/fuse/$i.ready" ] || b_die "testfs $i did not come up"
		echo hang > "$B_WORK/fuse/$i.ctl"
	done
}

# Kills the scene's FUSE daemons (by PID: the kernel aborts their
# connections, and every request stuck on them fails), unmounts their
# mount points, and waits for the df/findmnt runs that were stuck.
b_fuse_stop() {
	local pid i
	for pid in $B_FUSE_PIDS; do kill -KILL "$pid" 2>/dev/null; done
	for pid in $B_FUSE_PIDS; do wait "$pid" 2>/dev/null; done
	B_FUSE_PIDS=
	# no test of the mount points first: that would stat a dead mount
	for ((i = 0; i < B_FUSE_N; i++)); do umount -l -c "$B_SCENE/fuse/$i" 2>/dev/null; done
	B_FUSE_N=0
	[ -n "${B_SCENE:-}" ] && rm -rf "$B_SCENE/fuse"
	for pid in $B_STUCK_PIDS; do
		for ((i = 0; i < 200; i++)); do
			[ -e "/proc/$pid" ] || break
			sleep 0.05
		done
		[ -e "/proc/$pid" ] && b_log "bench: pid $pid still there after its FUSE daemon died"
	done
	B_STUCK_PIDS=
}

# Processes in state D among the ones this benchmark starts.
b_d_state() {
	ps -eo stat=,pid=,comm= | awk '$1 ~ /^D/ && $3 ~ /fsprobe|testfs|iou-wrk|^df$|findmnt/'
}

b_cleanup() {
	[ -n "${B_DAEMON_PID:-}" ] && kill -KILL "$B_DAEMON_PID" 2>/dev/null
	b_fuse_stop
	# The scene is one tmpfs holding everything else: a lazy unmount of
	# it takes every bind mount along at once.
	if [ -n "${B_SCENE:-}" ]; then
		umount -l -c "$B_SCENE" 2>/dev/null
		rmdir "$B_SCENE" 2>/dev/null
	fi
	[ -n "${B_WORK:-}" ] && [ -z "${BENCH_KEEP:-}" ] && rm -rf "$B_WORK"
}
