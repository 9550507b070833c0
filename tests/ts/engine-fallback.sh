#!/bin/bash
# Where io_uring is refused (seccomp EPERM as under Docker, ENOSYS on
# stripped kernels), the thread engine runs instead and says so; asking
# for io_uring explicitly is then an error, not a silent fallback.
. "$(dirname "$0")/../lib.sh"
t_require_fuse
t_require_jq
t_init
FUSE_SUBTYPE=fsprobetest$$
t_require_built "${NOURING:-}" "the nouring helper"

TO_MS=800
MARGIN_MS=100

fuse_start good
fuse_start bad
fuse_mode bad hang

for err in 1 38; do # EPERM, ENOSYS
	OUT=$T_DIR/out ERR=$T_DIR/err
	t0=$(t_now_us)
	"$NOURING" -e $err "$FSPROBE" --no-state --timeout ${TO_MS}ms -v --json -t "fuse.$FUSE_SUBTYPE" >"$OUT" 2>"$ERR"
	RC=$?
	ELAPSED_MS=$(( ($(t_now_us) - t0) / 1000 ))
	t_is "$RC" 1 "errno $err: exit status 1 (one mount hung)"
	t_le "$ELAPSED_MS" $((TO_MS + MARGIN_MS)) "errno $err: within timeout + ${MARGIN_MS} ms"
	t_is "$(json_field "$(fuse_mnt good)" engine)" threads "errno $err: thread engine ran"
	t_is "$(json_field "$(fuse_mnt good)" status)" ok "errno $err: healthy mount ok"
	t_is "$(json_field "$(fuse_mnt bad)" status)" hung "errno $err: hung mount hung"
	t_like "$(cat "$ERR")" "engine threads \(io_uring unavailable: " "errno $err: -v says why"
done

"$NOURING" "$FSPROBE" --state-dir "$T_DIR/state" --engine=uring --timeout ${TO_MS}ms -t "fuse.$FUSE_SUBTYPE" >"$T_DIR/out" 2>"$T_DIR/err"
t_is "$?" 2 "--engine=uring without io_uring: exit status 2"
t_is "$(cat "$T_DIR/err")" "fsprobe: io_uring engine unavailable: Operation not permitted" "--engine=uring: one clear line"

run_fsprobe --timeout ${TO_MS}ms --json -t "fuse.$FUSE_SUBTYPE"
t_is "$(json_field "$(fuse_mnt good)" engine)" uring "io_uring available: auto picks uring"
t_done
