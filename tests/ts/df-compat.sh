#!/bin/bash
# fsprobe as a df drop-in: for every df option, the rows of healthy mounts
# are what the installed GNU df prints for the same mounts, byte for byte
# (with -P and --output), or with fsprobe's Status column added (the human
# layouts). An unhealthy mount gets "-" in its numbers, its error on
# stderr as df reports one, and exit status 1, on time.
. "$(dirname "$0")/../lib.sh"
t_require_fuse
t_require_jq
t_require_installed coreutils df
t_init
FUSE_SUBTYPE=fsprobetest$$

TO_MS=800
MARGIN_MS=100

# The scene: tmpfs mounts of known sizes (one with data, one bound twice,
# one with a space in its path), FUSE mounts with set statfs numbers.
mkdir -p "$T_DIR/small" "$T_DIR/big" "$T_DIR/bind" "$T_DIR/with space"
mount -t tmpfs -o size=10m,nr_inodes=1000 fsp-small "$T_DIR/small"
mount -t tmpfs -o size=3g fsp-big "$T_DIR/big"
mount -t tmpfs -o size=1m fsp-space "$T_DIR/with space"
mount --bind "$T_DIR/small" "$T_DIR/bind"
for m in small big "with space" bind; do t_add_mount "$T_DIR/$m"; done
head -c 3000000 /dev/zero > "$T_DIR/small/data"
touch "$T_DIR/small/f1" "$T_DIR/small/f2"
fuse_start fa --bsize 4096 --blocks 1000000 --bfree 400000 --bavail 350000 --files 5000 --ffree 1234
fuse_start fb --bsize 512 --blocks 12345 --bfree 333 --bavail 0 --files 0 --ffree 0
fuse_start fc --bsize 65536 --blocks 98765432 --bfree 98765432 --bavail 98765432 --files 100 --ffree 100

# Compare only what this test controls: the root file system and other
# mounts of the machine may change under us while the suite runs.
sel=(-t tmpfs -t "fuse.$FUSE_SUBTYPE")

compare() { # compare EXACT|STATUS OPTIONS...
	local how=$1; shift
	df "$@" "${sel[@]}" > "$T_DIR/df.out" 2> "$T_DIR/df.err"
	local drc=$?
	"$FSPROBE" --state-dir "$T_DIR/state" --timeout 2s "$@" "${sel[@]}" > "$T_DIR/fp.raw" 2> "$T_DIR/fp.err"
	local frc=$?
	if [ "$how" = STATUS ]; then
		# the human layouts end in a Status column: every row ok
		local bad; bad=$(awk 'NR > 1 && $NF != "ok" && $1 != "total"' "$T_DIR/fp.raw")
		t_is "$bad" "" "$*: every row's status is ok"
		sed -E 's/ +[^ ]+$//' "$T_DIR/fp.raw" > "$T_DIR/fp.out"
	else
		cp "$T_DIR/fp.raw" "$T_DIR/fp.out"
	fi
	if cmp -s "$T_DIR/df.out" "$T_DIR/fp.out"; then
		t_pass "$*: same bytes as df ($(wc -l < "$T_DIR/df.out") lines)"
	else
		t_fail "$*: differs from df"
		diff "$T_DIR/df.out" "$T_DIR/fp.out" | sed 's/^/# /' | head -20
	fi
	t_is "$frc" "$drc" "$*: same exit status as df"
}

compare EXACT -P
compare EXACT -P -T
compare EXACT -P -k
compare EXACT -P -B 1M
compare EXACT --output
compare EXACT --output=source,fstype,itotal,iused,iavail,ipcent,size,used,avail,pcent,file,target
compare EXACT --output=target,avail,source
compare EXACT --output=size,used,avail,pcent -h
compare EXACT --output=size,used,avail,pcent -H
compare EXACT --output=source,size -B KiB
compare EXACT --output=source,size -B MB
compare EXACT --output=source,size,used -B 3000
compare EXACT --output=source,itotal,iused,iavail,ipcent -h
compare EXACT -P --total
compare EXACT -P -h
compare EXACT -P -a
compare EXACT -P -l
compare STATUS -h
compare STATUS -H
compare STATUS -k
compare STATUS -T
compare STATUS -i
compare STATUS -i -h
compare STATUS -B 512
compare STATUS -B 1K
compare STATUS -BM
compare STATUS -B G
compare STATUS -B 2048
compare STATUS --total -h
compare STATUS -a -T

# FILE arguments: one row per argument, through a symlink and a bind mount.
ln -s "$T_DIR/small/data" "$T_DIR/link"
file_case() {
	df -P "$@" > "$T_DIR/df.out" 2>&1
	"$FSPROBE" --state-dir "$T_DIR/state" -P "$@" > "$T_DIR/fp.out" 2>&1
	if cmp -s "$T_DIR/df.out" "$T_DIR/fp.out"; then t_pass "-P $*: same bytes as df"
	else t_fail "-P $*: differs"; diff "$T_DIR/df.out" "$T_DIR/fp.out" | sed 's/^/# /'; fi
}
file_case "$T_DIR/small/data"
file_case "$T_DIR/link" "$T_DIR/big"
file_case "$T_DIR/with space"
file_case "$T_DIR/bind" "$(fuse_mnt fa)/hello"
file_case "$T_DIR/big" "$T_DIR/big"
df --output=file,target "$T_DIR/link" > "$T_DIR/df.out"
"$FSPROBE" --state-dir "$T_DIR/state" --output=file,target "$T_DIR/link" > "$T_DIR/fp.out"
t_is "$(cat "$T_DIR/fp.out")" "$(cat "$T_DIR/df.out")" "--output=file,target names the argument as given"

# Usage errors as df's, with fsprobe's exit status 2.
for bad in "-B 0" "-B 1.5K" "-B x" "--output=nope" "--output=size,size" "-P --output" "--output -i" "-t tmpfs -x tmpfs"; do
	# shellcheck disable=SC2086
	"$FSPROBE" $bad > "$T_DIR/fp.out" 2> "$T_DIR/fp.err"
	t_is "$?" 2 "'$bad': exit status 2"
	t_is "$(wc -l < "$T_DIR/fp.err")" 1 "'$bad': one line on stderr"
done

# Character widths: a source and a mount point in UTF-8, with
# double-width characters, and another with bytes that are no UTF-8,
# aligned as df aligns them: by display width under a UTF-8 locale (the
# invalid one not at all), a cell a byte under C. (The front loads its
# locale while the helper probes, src/main.c.)
wide="$T_DIR/wide-日本語-é" bad="$T_DIR/bad-$(printf '\xff\xfe')-x"
mkdir -p "$wide" "$bad"
mount -t tmpfs -o size=2m "fsp-日本語" "$wide"
mount -t tmpfs -o size=1m "fsp-$(printf '\xff')é" "$bad"
t_add_mount "$wide"
t_add_mount "$bad"
for loc in C.UTF-8 C; do
	LC_ALL=$loc compare EXACT -P
	LC_ALL=$loc compare STATUS -h
	LC_ALL=$loc compare EXACT --output=source,size,target
done
t_like "$(LC_ALL=C.UTF-8 df -P "$wide" | tail -1)" '日本語' "the UTF-8 scene: df shows the characters"
umount "$wide" "$bad"

# JSON with df's options: numbers as JSON numbers, inodes included.
"$FSPROBE" --state-dir "$T_DIR/state" -J -i "$(fuse_mnt fa)" > "$T_DIR/fp.out"
t_is "$(jq -c '.mounts[0] | [.size, .used, .avail, .itotal, .iused, .ifree, ."iuse%"]' "$T_DIR/fp.out")" \
	"[4096000000,2457600000,1433600000,5000,3766,1234,76]" "--json: sizes and inodes as numbers"

# Unhealthy mounts, both engines: statfs hangs while getattr answers; the
# daemon is gone.
fuse_start hs
fuse_mode hs hang-statfs
fuse_start gone
fuse_kill gone
for engine in uring threads; do
	run_fsprobe --engine=$engine --no-state --timeout ${TO_MS}ms -P "$(fuse_mnt hs)" "$(fuse_mnt gone)" "$(fuse_mnt fa)"
	t_is "$RC" 1 "$engine: unhealthy mounts: exit status 1"
	t_le "$ELAPSED_MS" $((TO_MS + MARGIN_MS)) "$engine: statfs hang: within timeout + ${MARGIN_MS} ms"
	t_like "$(grep -F " $(fuse_mnt hs)" "$OUT")" '^hs +- +- +- +- ' "$engine: hung statfs row has '-' numbers"
	t_like "$(grep -F " $(fuse_mnt gone)" "$OUT")" '^gone +- +- +- +- ' "$engine: dead daemon row has '-' numbers"
	t_like "$(grep -F " $(fuse_mnt fa)" "$OUT")" '^fa +4000000 +2400000 +1400000 +64% ' "$engine: healthy row beside them"
	t_is "$(grep -F "$(fuse_mnt gone):" "$ERR")" "fsprobe: $(fuse_mnt gone): Transport endpoint is not connected" \
		"$engine: dead daemon named on stderr as df does"
	t_like "$(grep -F "$(fuse_mnt hs):" "$ERR")" "^fsprobe: $(fuse_mnt hs): hung: statfs: no answer in " \
		"$engine: hung statfs named on stderr"
	run_fsprobe --engine=$engine --no-state --timeout ${TO_MS}ms --json "$(fuse_mnt hs)"
	t_is "$(json_field "$(fuse_mnt hs)" status)" hung "$engine: hung statfs is status hung"
done
t_done
