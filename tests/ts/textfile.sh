#!/bin/bash
# --textfile PATH replaces PATH atomically and safely: a new file (mode
# 0644 whatever the umask) renamed over the old one, no temporary file
# left behind, a symbolic link at PATH refused rather than followed, and
# on any failure (read-only file system, full file system, missing
# directory) the old file intact, exit status 2 and one line on stderr.
. "$(dirname "$0")/../lib.sh"
t_require_root
t_init

# Local mounts answer at once; which ones does not matter here.
sel=(--no-state --timeout 2s -t tmpfs)

# fsprobe_run ARGS...: RC, stderr in $T_DIR/err
fsprobe_run() { "$FSPROBE" "${sel[@]}" "$@" >"$T_DIR/out" 2>"$T_DIR/err"; RC=$?; }
fails() { # fails DESCRIPTION REGEX
	t_is "$RC" 2 "$1: exit status 2"
	t_is "$(wc -l < "$T_DIR/err")" 1 "$1: one line on stderr"
	t_like "$(cat "$T_DIR/err")" "$2" "$1: says why"
}

D=$T_DIR/dir
mkdir "$D"
(umask 077 && "$FSPROBE" "${sel[@]}" --textfile "$D/fsprobe.prom" >"$T_DIR/out" 2>"$T_DIR/err")
t_like "$?" '^[01]$' "a new file: written"
t_is "$(stat -c %a "$D/fsprobe.prom")" 644 "mode 0644 even under umask 077"
t_is "$(ls -A "$D")" fsprobe.prom "no temporary file left"
t_is "$(wc -c < "$T_DIR/out")" 0 "nothing on stdout"
t_like "$(tail -1 "$D/fsprobe.prom")" '^fsprobe_build_info\{' "the exposition, to its end"
"$FSPROBE" "${sel[@]}" --prometheus | grep -v '^fsprobe_last_run_timestamp_seconds\|fsprobe_probe_duration' > "$T_DIR/stdout.prom"
grep -v '^fsprobe_last_run_timestamp_seconds\|fsprobe_probe_duration' "$D/fsprobe.prom" > "$T_DIR/file.prom"
t_is "$(cmp "$T_DIR/stdout.prom" "$T_DIR/file.prom" && echo same)" same "the same text as --prometheus"

ino=$(stat -c %i "$D/fsprobe.prom")
echo old > "$D/fsprobe.prom"
fsprobe_run --textfile "$D/fsprobe.prom" -q
t_like "$RC" '^[01]$' "replacing: written, -q or not"
t_like "$(head -1 "$D/fsprobe.prom")" '^# HELP ' "replacing: the new content"
t_like "$(stat -c %i "$D/fsprobe.prom")" "^[0-9]+$" "replacing: a file"
[ "$(stat -c %i "$D/fsprobe.prom")" != "$ino" ] && t_pass "replacing: a new inode renamed over the old" ||
	t_fail "replacing: written in place"

(cd "$D" && "$FSPROBE" "${sel[@]}" --textfile rel.prom) >/dev/null 2>&1
t_like "$(head -1 "$D/rel.prom" 2>/dev/null)" '^# HELP ' "a relative PATH: in the working directory"
rm -f "$D/rel.prom"

ln -s "$D" "$T_DIR/dirlink"
fsprobe_run --textfile "$T_DIR/dirlink/linked.prom"
t_like "$RC/$(head -c 7 "$D/linked.prom")" '^[01]/# HELP ' "a link in the directory part is the layout: followed"
rm -f "$D/linked.prom"

# A link at PATH itself: refused, neither followed nor replaced.
echo precious > "$T_DIR/target"
ln -s "$T_DIR/target" "$D/link.prom"
fsprobe_run --textfile "$D/link.prom"
fails "a symbolic link at PATH" "^fsprobe: cannot write $D/link.prom: Too many levels of symbolic links$"
t_is "$(readlink "$D/link.prom")/$(cat "$T_DIR/target")" "$T_DIR/target/precious" "the link and its target untouched"
ln -s "$T_DIR/nowhere" "$D/dangling.prom"
fsprobe_run --textfile "$D/dangling.prom"
fails "a dangling link at PATH" "Too many levels of symbolic links"
t_is "$(ls "$T_DIR/nowhere" 2>&1 >/dev/null | wc -l)/$(readlink "$D/dangling.prom")" "1/$T_DIR/nowhere" \
	"nothing created through a dangling link"

mkdir "$D/adir.prom"
fsprobe_run --textfile "$D/adir.prom"
fails "a directory at PATH" "Is a directory"
fsprobe_run --textfile "$T_DIR/missing/fsprobe.prom"
fails "a missing directory" "No such file or directory"
fsprobe_run --textfile ""
fails "an empty PATH" "needs a file name"
rm -f "$D/link.prom" "$D/dangling.prom"; rmdir "$D/adir.prom"

# A read-only file system, and a full one: the old file stays, whole.
F=$T_DIR/fs
mkdir "$F"
mount -t tmpfs -o size=64k,nr_inodes=64 fsp-textfile "$F"
t_add_mount "$F"
fsprobe_run --textfile "$F/fsprobe.prom"
cp "$F/fsprobe.prom" "$T_DIR/before"
mount -o remount,ro "$F"
fsprobe_run --textfile "$F/fsprobe.prom"
fails "read-only file system" "^fsprobe: cannot write $F/fsprobe.prom: Read-only file system$"
t_is "$(cmp "$F/fsprobe.prom" "$T_DIR/before" && echo same)" same "read-only: the old file intact"
mount -o remount,rw "$F"
dd if=/dev/zero of="$F/filler" bs=4k 2>/dev/null
fsprobe_run --textfile "$F/fsprobe.prom"
fails "full file system" "^fsprobe: cannot write $F/fsprobe.prom: No space left on device$"
t_is "$(cmp "$F/fsprobe.prom" "$T_DIR/before" && echo same)" same "full: the old file intact"
t_is "$(ls -A "$F" | tr '\n' ' ')" "filler fsprobe.prom " "full: the temporary file removed"
rm -f "$F/filler"
fsprobe_run --textfile "$F/fsprobe.prom"
t_like "$RC" '^[01]$' "room again: written"
umount "$F"

t_done
