#!/bin/bash
# Twenty mounts that never answer plus one healthy one, on a 2-CPU machine:
# io_uring's default worker cap would queue the healthy probe behind the
# hung ones; fsprobe raises the cap, so the healthy mount is ok.
. "$(dirname "$0")/../lib.sh"
t_require_fuse
t_require_jq
t_init
FUSE_SUBTYPE=fsprobetest$$

TO_MS=1000
MARGIN_MS=100
HUNG=20

for i in $(seq $HUNG); do
	fuse_start "h$i"
	fuse_mode "h$i" hang
done
fuse_start healthy

for engine in uring threads; do
	run_fsprobe --engine=$engine --timeout ${TO_MS}ms --no-state --json -t "fuse.$FUSE_SUBTYPE"
	t_is "$RC" 1 "$engine: exit status 1"
	t_le "$ELAPSED_MS" $((TO_MS + MARGIN_MS)) "$engine: within timeout + ${MARGIN_MS} ms"
	t_is "$(json_field "$(fuse_mnt healthy)" status)" ok "$engine: the healthy mount is ok despite $HUNG hung ones"
	t_is "$(jq '[.mounts[] | select(.status == "hung")] | length' "$OUT")" $HUNG "$engine: all $HUNG hung mounts reported hung"
done
t_done
