#!/bin/bash
# The command line: usage errors are one line and exit 2, help and version
# exit 0, output formats are well formed. Needs no mounts of its own.
. "$(dirname "$0")/../lib.sh"
t_require_jq
t_init

bad() { # bad DESCRIPTION REGEX ARGS...
	local desc=$1 re=$2; shift 2
	"$FSPROBE" "$@" >"$T_DIR/out" 2>"$T_DIR/err"
	t_is "$?" 2 "$desc: exit status 2"
	t_is "$(wc -l < "$T_DIR/err")" 1 "$desc: one line on stderr"
	t_like "$(cat "$T_DIR/err")" "$re" "$desc: message"
	t_is "$(wc -c < "$T_DIR/out")" 0 "$desc: nothing on stdout"
}

bad "bad duration" "invalid --timeout '2x'" --timeout 2x
bad "zero duration" "invalid --timeout '0': must be between" --timeout 0
bad "negative duration" "invalid --timeout" --timeout -1s
bad "bad engine" "invalid --engine 'io'" --engine io
bad "bad column" "unknown column 'NOPE'" -o STATUS,NOPE
bad "relative state dir" "must be an absolute path" --state-dir rel
bad "empty type" "-t needs a file system type" -t ,
bad "missing mountinfo" "cannot read the mount table /nonexistent" --mountinfo /nonexistent
"$FSPROBE" --no-such-option >"$T_DIR/out" 2>"$T_DIR/err"
t_is "$?" 2 "unknown option: exit status 2"
"$FSPROBE" /nonexistent/file >"$T_DIR/out" 2>"$T_DIR/err"
t_is "$?" 2 "missing FILE: exit status 2"
t_is "$(cat "$T_DIR/err")" "fsprobe: /nonexistent/file: No such file or directory" "missing FILE: named as df does"

"$FSPROBE" --help >"$T_DIR/out"
t_is "$?" 0 "--help: exit status 0"
t_like "$(head -1 "$T_DIR/out")" '^Usage: fsprobe ' "--help: usage line"
"$FSPROBE" --version >"$T_DIR/out"
t_is "$?" 0 "--version: exit status 0"
t_like "$(cat "$T_DIR/out")" '^fsprobe [0-9]+\.[0-9]+' "--version: version"
"$FSPROBE" --list-columns >"$T_DIR/out"
t_is "$(awk '{print $1}' "$T_DIR/out" | head -3 | tr '\n' ,)" "STATUS,LATENCY,FSTYPE," "--list-columns lists columns"

for d in 2s 500ms 1.5s 1m 3; do
	"$FSPROBE" --timeout "$d" --no-state -t tmpfs -q
	t_is "$?" 0 "--timeout $d accepted"
done

# Local file systems through --all: JSON is valid and carries every field.
run_fsprobe --all --json
t_like "$RC" "^[01]$" "--all --json: exit status 0 or 1, not a failure of fsprobe"
if jq -e '.mounts | length > 0' "$OUT" >/dev/null; then t_pass "--all --json is valid JSON with mounts"
else t_fail "--all --json is not valid JSON"; fi
t_is "$(json_field / status)" ok "/ is ok"
t_is "$(jq -r '.mounts[] | select(.target == "/") | .latency | type' "$OUT")" number "latency is a JSON number"
t_like "$(grep -m1 '"latency": ' "$OUT")" '"latency": [0-9]+\.[0-9]{6},?$' "latency printed in plain decimal seconds"
t_like "$(json_field / size)" '^[0-9]+$' "size is a JSON number"
t_is "$(jq -r '.mounts[] | select(.target == "/") | .id | type' "$OUT")" number "id is a JSON number"
t_is "$(jq -r '.mounts[0] | keys_unsorted | join(",")' "$OUT")" \
	"id,parent,status,latency,error,hung,since,fstype,source,target,size,used,avail,use%,itotal,iused,ifree,iuse%,detail,warning,client_owner_hash,engine" \
	"JSON fields"

# A mountinfo file for selection: escapes decoded, -t/-x honoured.
cat > "$T_DIR/mi" <<EOM
21 1 254:0 / / rw - ext4 /dev/vda rw
30 21 0:40 / $T_DIR/a\\040b rw - tmpfs tmpfs rw
31 21 0:41 / /nonexistent-nfs rw - nfs4 srv:/x rw
EOM
mkdir -p "$T_DIR/a b"
"$FSPROBE" --mountinfo "$T_DIR/mi" --no-state --all -r -n -o TARGET,FSTYPE >"$T_DIR/out"
t_is "$(sed -n 2p "$T_DIR/out")" "$T_DIR/a\\x20b tmpfs" "raw output escapes the decoded space"
"$FSPROBE" --mountinfo "$T_DIR/mi" --no-state -r -n -o TARGET,STATUS,ERROR >"$T_DIR/out"
t_is "$(cat "$T_DIR/out")" "/nonexistent-nfs error ENOENT" "default selects only the network mount; a missing mount point is an error"
"$FSPROBE" --mountinfo "$T_DIR/mi" --no-state --all -x nfs4,ext4 -r -n -o TARGET >"$T_DIR/out"
t_is "$(cat "$T_DIR/out")" "$T_DIR/a\\x20b" "-x with a comma list"
"$FSPROBE" --mountinfo "$T_DIR/mi" --no-state -t tmpfs -t ext4 -r -n -o TARGET,STATUS >"$T_DIR/out"
t_is "$(wc -l < "$T_DIR/out")" 2 "-t repeated"
# A mount whose path leads to another mount (unmounted or over-mounted
# since the table was read): statx's mount ID tells, and it is not taken
# for healthy.
# --exact-match: each FILE must itself be a mount point (check_disk -E);
# one that is not is named, the others are still shown, exit status 1.
"$FSPROBE" --no-state --exact-match -o TARGET -n / >"$T_DIR/out" 2>"$T_DIR/err"
t_is "$?:$(cat "$T_DIR/out"):$(cat "$T_DIR/err")" "0:/:" "--exact-match: / is a mount point"
mkdir -p "$T_DIR/d"
"$FSPROBE" --no-state --exact-match -o TARGET -n "$T_DIR/d" / /nonexistent/x >"$T_DIR/out" 2>"$T_DIR/err"
t_is "$?" 1 "--exact-match: FILEs that are not mount points: exit status 1"
t_is "$(cat "$T_DIR/out")" "/" "--exact-match: the mount point is still shown"
t_is "$(cat "$T_DIR/err")" "fsprobe: $T_DIR/d: not a mount point
fsprobe: /nonexistent/x: not a mount point" "--exact-match: each of the others named on stderr"
"$FSPROBE" --no-state -o TARGET -n "$T_DIR/d" >"$T_DIR/out" 2>"$T_DIR/err"
t_is "$?:$(wc -l < "$T_DIR/out"):$(cat "$T_DIR/err")" "0:1:" "without it: the mount holding the FILE, as df"

printf '999999 1 0:99 / / rw - nfs4 ghost:/ rw\n' > "$T_DIR/mi2"
"$FSPROBE" --mountinfo "$T_DIR/mi2" --no-state --json >"$T_DIR/out"
t_is "$?" 0 "mount ID mismatch: not a failure of fsprobe"
OUT=$T_DIR/out
t_is "$(json_field / status)" denied "mount ID mismatch: denied, not ok"
t_like "$(json_field / detail)" '^path leads to mount [0-9]+: over-mounted or unmounted$' "mount ID mismatch: said why"
t_done
