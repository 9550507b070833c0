#!/bin/bash
# What a one-shot run loads: liburing, libsystemd, libmount and
# libsmartcols are not linked in but loaded when first called (the
# io_uring engine in the helper, the daemon, libmount's netfs list for
# nfs*/9p* types, the table on a terminal and raw output), so a run in a
# script or a pipe loads none of them in its front process; and where they
# are needed, they are loaded and work.
. "$(dirname "$0")/../lib.sh"
t_require_installed binutils readelf
t_require_installed bsdutils script
t_init

needed=$(readelf -d "$FSPROBE" | awk '/NEEDED/ { print $NF }' | tr -d '[]' | tr '\n' ' ')
for lib in liburing libsystemd libmount libsmartcols; do
	case " $needed" in
	*" $lib."*) t_fail "$lib is linked in: $needed" ;;
	*) t_pass "$lib is not linked in" ;;
	esac
done

# loaded ARGS...: one run; LIBS gets the shared libraries it loaded, by
# LD_DEBUG's word, RC its exit status.
loaded() {
	LD_DEBUG=files "$FSPROBE" "$@" >"$T_DIR/out" 2>"$T_DIR/ld" </dev/null
	RC=$?
	LIBS=$(awk '$2 ~ /^file=/ { sub(/^file=/, "", $2); print $2 }' "$T_DIR/ld" | sort -u | tr '\n' ' ')
}

for args in "--version" "-t tmpfs -P" "-t tmpfs" "-t tmpfs -J" "-t tmpfs --nagios"; do
	# shellcheck disable=SC2086 # split on purpose
	loaded $args
	t_like "$RC" '^[01]$' "'$args': ran (exit $RC)"
	t_like "$(head -c 200 "$T_DIR/out")" '.' "'$args': printed something"
	case "$LIBS" in
	*liburing* | *libsystemd* | *libmount* | *libsmartcols*) t_fail "'$args' loaded $LIBS" ;;
	*) t_pass "'$args' loaded none of liburing, libsystemd, libmount, libsmartcols" ;;
	esac
done

# Raw output is libsmartcols': loaded on first use, and it works.
loaded -t tmpfs -r
t_like "$LIBS" 'libsmartcols' "raw output loads libsmartcols"
t_like "$(head -1 "$T_DIR/out")" '^STATUS LATENCY FSTYPE SOURCE ' "raw output: the header, unaligned"

# The io_uring engine is loaded in the helper, and runs.
"$FSPROBE" -t tmpfs -J --engine uring >"$T_DIR/out" 2>"$T_DIR/err"
t_is "$?" 0 "--engine uring: exit status 0 ($(head -c 200 "$T_DIR/err"))"
t_like "$(grep -m1 '"engine"' "$T_DIR/out")" '"engine": "uring"' "--engine uring: io_uring ran"

# On a terminal the table is libsmartcols' too (width reduction).
LD_DEBUG=files script -qec "$FSPROBE -t tmpfs" /dev/null >"$T_DIR/tty" 2>&1 </dev/null
t_like "$(grep -a 'file=libsmartcols' "$T_DIR/tty" | head -1)" 'libsmartcols' "a terminal's table loads libsmartcols"
t_like "$(grep -a '^STATUS' "$T_DIR/tty" | head -1)" '^STATUS +LATENCY +FSTYPE' "a terminal's table: the header"

t_done
