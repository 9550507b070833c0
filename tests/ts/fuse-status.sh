#!/bin/bash
# Every way a FUSE daemon can answer, each on its own mount, probed in one
# run per engine: the status and errno each one gets, the exit status, and
# that the run ends within the timeout plus 100 ms.
. "$(dirname "$0")/../lib.sh"
t_require_fuse
t_require_jq
t_init
FUSE_SUBTYPE=fsprobetest$$

TO_MS=1000
MARGIN_MS=100

# name mode status error
cases="
ok ok ok null
eio eio error EIO
estale estale stale ESTALE
eacces eacces denied EACCES
eperm eperm denied EPERM
enotconn enotconn disconnected ENOTCONN
ehostdown ehostdown down EHOSTDOWN
quick delay:200 ok null
slow delay:1800 hung null
dead ok disconnected ENOTCONN
"
while read -r name mode status err; do
	[ -n "$name" ] || continue
	fuse_start "$name"
	fuse_mode "$name" "${mode/:/ }"
done <<< "$cases"
fuse_kill dead

for engine in uring threads; do
	run_fsprobe --engine=$engine --timeout ${TO_MS}ms -t "fuse.$FUSE_SUBTYPE" --json
	t_is "$RC" 1 "$engine: exit status 1 when a mount is unhealthy"
	t_le "$ELAPSED_MS" $((TO_MS + MARGIN_MS)) "$engine: returned within timeout + ${MARGIN_MS} ms"
	while read -r name mode status err; do
		[ -n "$name" ] || continue
		m=$(fuse_mnt "$name")
		t_is "$(json_field "$m" status)" "$status" "$engine: $name ($mode) -> $status"
		t_is "$(json_field "$m" error)" "$err" "$engine: $name ($mode) -> error $err"
		t_is "$(json_field "$m" engine)" "$engine" "$engine: $name: engine reported"
	done <<< "$cases"
	t_like "$(json_field "$(fuse_mnt quick)" latency)" '^0\.(1[5-9]|[2-9])' "$engine: latency of a 200 ms answer measured"
	# jq prints 1.000 as 1
	t_like "$(json_field "$(fuse_mnt slow)" hung)" '^(0\.9|1$|1\.)' "$engine: hung for about the timeout"
	t_like "$(json_field "$(fuse_mnt slow)" detail)" '^no answer in' "$engine: hung mount says why"
	t_like "$(json_field "$(fuse_mnt ok)" size)" '^[0-9]+$' "$engine: healthy mount has a size"
	t_is "$(json_field "$(fuse_mnt eio)" size)" null "$engine: failed mount has no size"
	# The slow daemon answers 1.8 s after the request: the lingering
	# helper must then exit by itself.
	if t_wait_helpers_gone; then t_pass "$engine: lingering helper exited once the slow answer came"
	else t_fail "$engine: helper still holds requests: $(t_registry_holders)"; fi
	t_is "$(fuse_count slow GETATTR)" "$([ $engine = uring ] && echo 1 || echo 2)" \
		"$engine: the slow mount got one request per run"
done

# Only healthy or merely denied mounts: exit status 0.
run_fsprobe --timeout ${TO_MS}ms "$(fuse_mnt ok)" "$(fuse_mnt eacces)" --json
t_is "$RC" 0 "ok and denied only: exit status 0"
t_is "$(jq '.mounts | length' "$OUT")" 2 "FILE arguments select just their mounts"

# The default table names every mount and its status.
run_fsprobe --timeout ${TO_MS}ms -t "fuse.$FUSE_SUBTYPE"
t_is "$RC" 1 "table: exit status 1"
t_like "$(head -1 "$OUT")" '^STATUS +LATENCY +FSTYPE +SOURCE' "table: header"
t_like "$(grep -F " $(fuse_mnt estale) " "$OUT")" '^stale ' "table: stale row"
t_like "$(grep -F " $(fuse_mnt ok) " "$OUT")" '^ok ' "table: ok row"

run_fsprobe --timeout ${TO_MS}ms -q -t "fuse.$FUSE_SUBTYPE"
t_is "$RC" 1 "-q: exit status still 1"
t_is "$(wc -c < "$OUT")" 0 "-q: prints nothing"
t_wait_helpers_gone

t_done
