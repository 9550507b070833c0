#!/bin/bash
# fsprobe as an unprivileged user: a FUSE mount it may not enter is denied
# (not a failure), others are probed as usual, and its registry of pending
# probes lives in a directory of its own, which fsprobe refuses to use
# when someone else could have planted it.
. "$(dirname "$0")/../lib.sh"
t_require_fuse
t_require_jq
t_require_installed util-linux setpriv
t_init
FUSE_SUBTYPE=fsprobetest$$
TYPE=fuse.$FUSE_SUBTYPE
NOBODY=65534
STATE=/tmp/fsprobe-$NOBODY

chmod 755 "$T_DIR"
as_nobody() {
	env -u XDG_RUNTIME_DIR setpriv --reuid=$NOBODY --regid=$NOBODY --clear-groups --inh-caps=-all "$@"
}
# fsprobe itself must be reachable: run a copy from a directory nobody can read.
mkdir -m 755 "$T_DIR/bin"
cp "$FSPROBE" "$T_DIR/bin/fsprobe"
FP=$T_DIR/bin/fsprobe
cleanup_state() { rm -rf "$STATE"; }
[ -e "$STATE" ] && t_skip_all "$STATE exists already: not ours to remove"
trap 'cleanup_state; t_cleanup' EXIT

fuse_start private                 # no allow_other: other users get EACCES
fuse_start shared --allow-other
fuse_start stuck --allow-other
fuse_mode stuck hang

as_nobody "$FP" --timeout 800ms -t "$TYPE" --json > "$T_DIR/out" 2> "$T_DIR/err"
rc=$?
OUT=$T_DIR/out
t_is "$rc" 1 "as nobody: exit status 1 (one hung)"
t_is "$(json_field "$(fuse_mnt private)" status)/$(json_field "$(fuse_mnt private)" error)" denied/EACCES \
	"a FUSE mount without allow_other is denied, not failed"
t_is "$(json_field "$(fuse_mnt shared)" status)" ok "an allow_other mount is probed: ok"
t_is "$(json_field "$(fuse_mnt stuck)" status)" hung "a hung one is hung"
t_is "$(cat "$T_DIR/err")" "" "nothing on stderr"
t_is "$(stat -c '%u %a' "$STATE")" "$NOBODY 700" "registry directory /tmp/fsprobe-UID, owned by the user, mode 700"

as_nobody "$FP" --timeout 800ms "$(fuse_mnt private)" "$(fuse_mnt shared)" -q
t_is "$?" 0 "denied and ok only: exit status 0"

as_nobody "$FP" --timeout 800ms -t "$TYPE" --json > "$T_DIR/out" 2> "$T_DIR/err"
t_like "$(json_field "$(fuse_mnt stuck)" detail)" '^request pending since' "second run: the user's own registry prevents a second request"

# A registry someone else could have planted is refused, loudly, and the
# probes still run.
cleanup_state
mkdir -m 755 "$STATE"              # root's, not nobody's
as_nobody "$FP" --timeout 800ms "$(fuse_mnt shared)" > /dev/null 2> "$T_DIR/err"
t_is "$?" 0 "planted directory: the probe still runs"
t_like "$(cat "$T_DIR/err")" "state directory $STATE unusable \\(Operation not permitted\\)" "planted directory: refused"
t_is "$(ls -A "$STATE")" "" "nothing written into it"
cleanup_state
ln -s /etc "$STATE"
as_nobody "$FP" --timeout 800ms "$(fuse_mnt shared)" > /dev/null 2> "$T_DIR/err"
t_like "$(cat "$T_DIR/err")" "state directory $STATE unusable" "a symlink as the directory: refused"
cleanup_state
# the registry file itself a symlink, in a directory of the user's own
mkdir -m 700 "$STATE"
chown $NOBODY:$NOBODY "$STATE"
touch "$T_DIR/victim"
ln -s "$T_DIR/victim" "$STATE/pending"
as_nobody "$FP" --timeout 800ms "$(fuse_mnt shared)" > /dev/null 2> "$T_DIR/err"
t_like "$(cat "$T_DIR/err")" "unusable \\(Too many levels of symbolic links\\)" "a symlink as the registry file: refused"
t_is "$(stat -c %s "$T_DIR/victim")" 0 "the symlink's target is untouched"
cleanup_state
t_done
