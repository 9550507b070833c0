#!/bin/bash
# 60,000 mounts (bind mounts of one tmpfs, in this test's own mount
# namespace): fsprobe lists every one of them as GNU df does, byte for
# byte, and returns well within its timeout.
. "$(dirname "$0")/../lib.sh"
t_require_root
t_require_built "${BINDMANY:-}" "the bindmany helper"
t_init

N=60000
max=$(cat /proc/sys/fs/mount-max 2>/dev/null || echo 100000)
[ "$max" -gt $((N + 1000)) ] || t_skip_all "fs.mount-max is $max, below $N"

mkdir -p "$T_DIR/src" "$T_DIR/m"
mount -t tmpfs -o size=1m fsp-many "$T_DIR/src"
t_add_mount "$T_DIR/src"
# The bind mounts live inside one more tmpfs: a lazy unmount of it takes
# all 60,000 at once at the end.
mount -t tmpfs -o size=64m,nr_inodes=200000 fsp-holder "$T_DIR/m"
t_add_mount "$T_DIR/m"
if ! "$BINDMANY" "$T_DIR/src" "$T_DIR/m" $N; then
	t_fail "could not make $N mounts"
	t_done; exit 1
fi
t_note "$(wc -l < /proc/self/mountinfo) mounts in this namespace"

# tmpfs only: the root file system's numbers may change between the runs.
run_fsprobe --all -P -t tmpfs --timeout 20s
t_is "$RC" 0 "--all -P over $N mounts: exit status 0"
df -P -a -t tmpfs > "$T_DIR/df.out" 2>/dev/null
if cmp -s "$T_DIR/df.out" "$OUT"; then t_pass "same bytes as df -P -a ($(wc -l < "$OUT") lines)"
else
	t_fail "differs from df -P -a"
	diff "$T_DIR/df.out" "$OUT" | head -10 | sed 's/^/# /'
fi
t_le "$ELAPSED_MS" 20000 "returned within the timeout (${ELAPSED_MS} ms)"

run_fsprobe --all --json --timeout 20s
t_is "$(jq '[.mounts[] | select(.source == "fsp-many")] | length' "$OUT")" $((N + 1)) \
	"JSON lists all $N bind mounts and their source, each ok"
t_is "$(jq '[.mounts[] | select(.source == "fsp-many" and .status != "ok")] | length' "$OUT")" 0 "none is anything but ok"

# The default selection has no network mount here: nothing to probe,
# and the table of 60,000 mounts is read in a moment.
run_fsprobe --timeout 20s
t_is "$RC" 0 "default selection: exit status 0"
t_le "$ELAPSED_MS" 5000 "default selection over $N mounts in ${ELAPSED_MS} ms"
t_done
