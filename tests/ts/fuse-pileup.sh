#!/bin/bash
# No pile-up: a second run against a mount whose first probe is still
# stuck issues no second request (the daemon sees one GETATTR) and reports
# the mount hung since the first run.
. "$(dirname "$0")/../lib.sh"
t_require_fuse
t_require_jq
t_init
FUSE_SUBTYPE=fsprobetest$$

TO_MS=700
MARGIN_MS=100

for engine in uring threads; do
	name=p_$engine
	fuse_start "$name"
	m=$(fuse_mnt "$name")
	fuse_mode "$name" hang

	run_fsprobe --engine=$engine --timeout ${TO_MS}ms --json "$m"
	t_is "$(json_field "$m" status)" hung "$engine: first run: hung"
	first_since=$(json_field "$m" since)
	t_is "$(fuse_count "$name" GETATTR)" 1 "$engine: first run sent one GETATTR"

	sleep 0.3
	run_fsprobe --engine=$engine --timeout ${TO_MS}ms --json "$m"
	t_is "$RC" 1 "$engine: second run: exit status 1"
	t_le "$ELAPSED_MS" $((TO_MS + MARGIN_MS)) "$engine: second run within timeout + ${MARGIN_MS} ms"
	t_is "$(json_field "$m" status)" hung "$engine: second run: hung"
	t_like "$(json_field "$m" detail)" '^request pending since ' "$engine: second run: pending since the first run"
	# The first run counts from its own start, the registry from when the
	# helper took the slot: the same moment, give or take a second boundary.
	d=$(( $(date -d "$(json_field "$m" since)" +%s) - $(date -d "$first_since" +%s) ))
	t_le "${d#-}" 1 "$engine: 'since' is the first run's ($first_since)"
	hung=$(json_field "$m" hung)
	t_like "$hung" '^(0\.9|1\.[0-5])' "$engine: hung counts from the first run ($hung s)"
	t_is "$(fuse_count "$name" GETATTR)" 1 "$engine: the daemon still saw exactly one GETATTR"

	# Without the registry the guarantee is gone: this is what it prevents.
	fuse_kill "$name"
	t_wait_helpers_gone
	umount -l "$m"
done
t_done
