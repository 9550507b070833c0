#!/bin/bash
# A mount below a hung mount: probing it would walk through the hung
# parent (a second, unkillable lookup), so fsprobe reports it blocked by
# its parent and never sends the parent's daemon a request for it.
. "$(dirname "$0")/../lib.sh"
t_require_fuse
t_require_jq
t_init
FUSE_SUBTYPE=fsprobetest$$

TO_MS=800
MARGIN_MS=100

for engine in uring threads; do
	p=outer_$engine c=inner_$engine
	fuse_start "$p"
	MNT=$(fuse_mnt "$p")/sub fuse_start "$c"
	pm=$(fuse_mnt "$p") cm=$(fuse_mnt "$c")

	run_fsprobe --engine=$engine --timeout ${TO_MS}ms --json -t "fuse.$FUSE_SUBTYPE"
	t_is "$(json_field "$pm" status)/$(json_field "$cm" status)" ok/ok "$engine: both healthy: ok/ok"

	fuse_mode "$p" hang
	before=$(wc -l < "$T_DIR/$p.log")
	run_fsprobe --engine=$engine --timeout ${TO_MS}ms --json -t "fuse.$FUSE_SUBTYPE"
	t_le "$ELAPSED_MS" $((TO_MS + MARGIN_MS)) "$engine: within timeout + ${MARGIN_MS} ms"
	t_is "$(json_field "$pm" status)" hung "$engine: parent hung"
	t_is "$(json_field "$cm" status)" blocked "$engine: child blocked"
	t_is "$(json_field "$cm" detail)" "below hung $pm" "$engine: child names its parent"
	t_is "$(( $(wc -l < "$T_DIR/$p.log") - before ))" 1 "$engine: parent daemon got one request (its own GETATTR)"
	t_is "$(fuse_count "$c" GETATTR)" 1 "$engine: child daemon got no request in the hung run"

	# Asked for the child alone, fsprobe still probes the parent first.
	run_fsprobe --engine=$engine --timeout ${TO_MS}ms --json "$cm/hello"
	t_is "$(jq '.mounts | length' "$OUT")" 1 "$engine: FILE in the child selects the child only"
	t_is "$(json_field "$cm" status)" blocked "$engine: child alone: blocked by the hung parent"

	fuse_kill "$p"
	fuse_kill "$c"
	t_wait_helpers_gone
	umount -l "$cm"
	umount -l "$pm"
done

# Over-mounted: a second file system on the same mount point hides the
# first, whose path now leads to the second. It cannot be probed, which is
# no failure of it: hidden by default, denied with --all.
fuse_start under
MNT=$(fuse_mnt under) fuse_start over
um=$(fuse_mnt under)
before=$(fuse_count under GETATTR) # mounting on top of it looked it up
run_fsprobe --timeout ${TO_MS}ms --json -t "fuse.$FUSE_SUBTYPE"
t_is "$(jq --arg t "$um" '[.mounts[] | select(.target == $t)] | length' "$OUT")" 1 "over-mounted: only the mount on top is listed"
t_is "$(jq -r --arg t "$um" '.mounts[] | select(.target == $t) | .source' "$OUT")" over "over-mounted: the listed one is the top"
run_fsprobe --timeout ${TO_MS}ms --json --all
t_is "$(jq -r --arg t "$um" '[.mounts[] | select(.target == $t) | .status] | join(",")' "$OUT")" denied,ok \
	"--all: the hidden mount is denied, the top one ok"
t_like "$(jq -r --arg t "$um" '.mounts[] | select(.target == $t and .source == "under") | .detail' "$OUT")" \
	'^over-mounted' "--all: the hidden mount says why"
t_is "$(fuse_count under GETATTR)" "$before" "the hidden mount's daemon got no request from fsprobe"
t_done
