#!/bin/bash
# Memcheck on the CLI over healthy, hung and disconnected FUSE mounts, with
# both engines: no invalid access, no uninitialised use, no leak. The
# helper is followed across fork() but kept quiet: it _exit()s by design
# and may outlive the run on the hung mount.
. "$(dirname "$0")/../lib.sh"
t_require_fuse
t_require_jq
t_require_installed valgrind valgrind
t_init
FUSE_SUBTYPE=fsprobetest$$

fuse_start good
fuse_start stuck
fuse_mode stuck hang
fuse_start gone
fuse_kill gone

for engine in uring threads; do
	log=$T_DIR/vg-$engine.log
	# Valgrind runs one thread at a time and does not know statx may
	# block: a worker stuck on the hung mount would stop the whole
	# helper under memcheck (not without it). So the thread engine is
	# checked on the answering mounts only.
	if [ $engine = threads ]; then sel=("$(fuse_mnt good)" "$(fuse_mnt gone)"); want=ok/disconnected
	else sel=(-t "fuse.$FUSE_SUBTYPE"); want=ok/hung/disconnected; fi
	t0=$(t_now_us)
	# --log-file, not stderr: valgrind in the lingering helper would hold
	# our stderr open otherwise.
	valgrind -q --log-file="$log" --error-exitcode=99 --leak-check=full \
		--show-leak-kinds=definite,indirect --errors-for-leak-kinds=definite,indirect \
		--child-silent-after-fork=yes \
		"$FSPROBE" --engine=$engine --no-state --timeout 2s "${sel[@]}" --json > "$T_DIR/out" 2> "$T_DIR/err"
	rc=$?
	ms=$(( ($(t_now_us) - t0) / 1000 ))
	OUT=$T_DIR/out
	t_is "$rc" 1 "$engine: exit status 1 under memcheck (99 would be a memcheck error)"
	t_is "$(grep -c '==[0-9]*==' "$log")" 0 "$engine: memcheck reports nothing"
	[ -s "$log" ] && sed 's/^/# /' "$log" | head -30
	got=$(json_field "$(fuse_mnt good)" status)
	[ $engine = uring ] && got="$got/$(json_field "$(fuse_mnt stuck)" status)"
	t_is "$got/$(json_field "$(fuse_mnt gone)" status)" "$want" "$engine: statuses right under memcheck"
	t_le "$ms" 3500 "$engine: returned on time even under memcheck (${ms} ms)"
done
t_done
