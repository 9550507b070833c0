#!/bin/bash
# Mount points that try to break the outputs: spaces, tabs, newlines,
# backslashes, quotes, bytes that are not UTF-8, and a 4,000-byte path.
# Every format escapes them as it must: JSON stays valid UTF-8, the table
# keeps one line per mount, Prometheus text passes promtool, the plugin's
# first line stays one line with parseable perfdata, -P matches GNU df.
. "$(dirname "$0")/../lib.sh"
t_require_fuse
t_require_jq
t_require_installed prometheus promtool
perl -MMonitoring::Plugin::Performance -e 1 2>/dev/null ||
	t_missing "Monitoring::Plugin not installed (Debian package libmonitoring-plugin-perl)"
t_init
FUSE_SUBTYPE=fsprobetest$$
TYPE=fuse.$FUSE_SUBTYPE

# name -> mount point below $T_DIR/h
names=(space tab newline backslash quotes latin1 long)
paths=(
	"$T_DIR/h/with space"
	"$T_DIR/h/$(printf 'with\ttab')"
	"$T_DIR/h/$(printf 'with\nnewline')"
	"$T_DIR/h/with\\backslash"
	"$T_DIR/h/it's \"quoted\""
	"$T_DIR/h/$(printf 'caf\xe9')"
	"$T_DIR/h/$(printf 'x%.0s' $(seq 200))"
)
long=${paths[6]}
while [ ${#long} -lt 3800 ]; do long="$long/$(printf 'y%.0s' $(seq 200))"; done
paths[6]=$long
t_note "longest mount point: ${#long} bytes"

for i in "${!names[@]}"; do
	MNT=${paths[$i]} fuse_start "${names[$i]}"
done
# and one of them hangs, under the newline
fuse_mode newline hang

run_fsprobe --timeout 800ms -t "$TYPE" --json
t_is "$RC" 1 "json: exit status 1 (one hung)"
if iconv -f UTF-8 -t UTF-8 "$OUT" >/dev/null 2>&1; then t_pass "json: valid UTF-8"; else t_fail "json: not UTF-8"; fi
if jq -e . "$OUT" >/dev/null 2>&1; then t_pass "json: parses"; else t_fail "json: does not parse"; fi
t_is "$(jq '.mounts | length' "$OUT")" ${#names[@]} "json: every mount listed"
for i in 0 1 3 4 6; do
	t_is "$(jq -r --arg t "${paths[$i]}" '[.mounts[] | select(.target == $t) | .status] | join(",")' "$OUT")" ok \
		"json: ${names[$i]}: target decodes to the exact path, ok"
done
t_is "$(jq -r --arg t "${paths[2]}" '.mounts[] | select(.target == $t) | .status' "$OUT")" hung \
	"json: the newline mount decodes exactly and is hung"
t_is "$(jq -r '.mounts[] | select(.target | endswith("caf\ufffd")) | .status' "$OUT")" ok \
	"json: a byte that is no UTF-8 shows as U+FFFD"

run_fsprobe --timeout 800ms -t "$TYPE"
t_is "$(wc -l < "$OUT")" $((${#names[@]} + 1)) "table: one line per mount, the newline escaped"
t_like "$(grep -c 'with\\x0anewline' "$OUT")" '^1$' "table: newline shown as \\x0a"
run_fsprobe --timeout 800ms -t "$TYPE" -r -n -o TARGET
t_is "$(wc -l < "$OUT")" ${#names[@]} "raw: one line per mount"
t_is "$(grep -c ' ' "$OUT")" 0 "raw: spaces escaped"

run_fsprobe --timeout 800ms -t "$TYPE" --prometheus
promtool check metrics < "$OUT" > "$T_DIR/promtool.out" 2>&1
t_is "$?" 0 "prometheus: promtool accepts the labels"
t_is "$(grep -c '^fsprobe_mount_up{' "$OUT")" ${#names[@]} "prometheus: one fsprobe_mount_up per mount"
t_like "$(grep '^fsprobe_mount_up{' "$OUT" | grep -c 'with\\nnewline')" '^1$' "prometheus: newline escaped as \\n"
t_like "$(grep '^fsprobe_mount_up{' "$OUT" | grep -c 'it'"'"'s \\"quoted\\"')" '^1$' "prometheus: quotes escaped"
t_like "$(grep '^fsprobe_mount_up{' "$OUT" | grep -c 'with\\\\backslash')" '^1$' "prometheus: backslash escaped"

run_fsprobe --timeout 800ms -t "$TYPE" --nagios
t_is "$RC" 2 "nagios: CRITICAL"
t_like "$(head -1 "$OUT")" "^FSPROBE CRITICAL - 1 of ${#names[@]} mounts unhealthy: .* hung [0-9.]+s \\|" "nagios: one short first line"
t_is "$(wc -l < "$OUT")" 2 "nagios: first line plus one long-output line, the newline not breaking it"
items=$(perl "$(dirname "$0")/../helpers/nagios-parse.pl" "$RC" < "$OUT" | sed -n 's/^items //p')
t_like "$items" '^([0-9]+) parsed ([0-9]+) unknown ([0-9]+)$' "nagios: perfdata read by Monitoring::Plugin ($items)"
set -- $items
t_is "$(( ${3:-0} + ${5:-0} ))" "${1:--1}" "nagios: every perfdata item parses or is U"

# check_fsprobe, check_disk's listing on the first line: every mount
# point there as text (escaped), every label in perfdata whole and clean.
CHECK=${CHECK_FSPROBE:-$(dirname "$FSPROBE")/check_fsprobe}
"$CHECK" --state-dir "$T_DIR/state" -t 1 -w 20% -c 10% -N "$TYPE" >"$OUT" 2>"$ERR"
RC=$?
t_is "$RC" 2 "check_fsprobe: CRITICAL"
t_like "$(head -1 "$OUT")" "^FSPROBE CRITICAL - 1 of ${#names[@]} mounts unhealthy: [^;]*with\\\\x0anewline hung [0-9.]+s; free space: " \
	"check_fsprobe: one first line, the hung mount first, its newline escaped"
t_is "$(head -1 "$OUT" | cut -d'|' -f1 | grep -ao 'inode=' | wc -l)" $((${#names[@]} - 1)) \
	"check_fsprobe: each healthy mount in check_disk's listing"
t_is "$(wc -l < "$OUT")" 2 "check_fsprobe: first line plus one long-output line"
items=$(perl "$(dirname "$0")/../helpers/nagios-parse.pl" "$RC" < "$OUT" | sed -n 's/^items //p')
set -- $items
t_is "${1:-}/$(( ${3:-0} + ${5:-0} ))" "$((2 * ${#names[@]}))/${1:--1}" \
	"check_fsprobe: two perfdata items per mount, each parses or is U ($items)"
t_is "$(perl "$(dirname "$0")/../helpers/perf-items.pl" < "$OUT" | grep -c "^${long//\//\\/}	")" 1 \
	"check_fsprobe: the ${#long}-byte mount point is its label, whole"

# df -P on the healthy ones, as GNU df prints them (it replaces control
# characters by '?' too).
df -P "${paths[0]}" "${paths[1]}" "${paths[3]}" "${paths[4]}" "${paths[5]}" "${paths[6]}" > "$T_DIR/df.out" 2>&1
"$FSPROBE" --state-dir "$T_DIR/state" -P "${paths[0]}" "${paths[1]}" "${paths[3]}" "${paths[4]}" "${paths[5]}" "${paths[6]}" > "$T_DIR/fp.out" 2>&1
if cmp -s "$T_DIR/df.out" "$T_DIR/fp.out"; then t_pass "df -P: same bytes as GNU df"
else t_fail "df -P differs"; diff "$T_DIR/df.out" "$T_DIR/fp.out" | head | sed 's/^/# /'; fi
t_done
