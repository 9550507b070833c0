#!/bin/bash
# check_fsprobe as a drop-in for monitoring-plugins' check_disk: the real
# check_disk (Debian: monitoring-plugins-basic) and check_fsprobe run side
# by side with the same command lines on tmpfs mounts of known fill, and
# must agree on the exit status and on every perfdata item (label, value,
# thresholds, min, max). check_disk rounds used space and size down to
# whole units (MiB by default) and check_fsprobe gives exact bytes, so
# byte figures may differ by 1 MiB or 1% of the size, no more; inode
# figures must be equal. check_fsprobe's latency items have no
# counterpart and are left out of the comparison.
#
# Then the point of it all: a FUSE mount whose daemon stopped reading.
# check_disk blocks in stat() until it is killed, its -t notwithstanding;
# check_fsprobe answers CRITICAL within -t.
. "$(dirname "$0")/../lib.sh"
t_require_root
CHECK_DISK=${CHECK_DISK:-/usr/lib/nagios/plugins/check_disk}
[ -x "$CHECK_DISK" ] || t_missing "check_disk not installed (Debian package monitoring-plugins-basic)"
CHECK=${CHECK_FSPROBE:-$(dirname "$FSPROBE")/check_fsprobe}
ITEMS=$(dirname "$0")/../helpers/perf-items.pl
t_require_built "$CHECK" check_fsprobe
# Both must see the same mounts and nothing that could hang: this test's
# own mount namespace (tests/isolate.sh gives one under root).
if [ "$(readlink /proc/self/ns/mnt)" = "$(readlink /proc/1/ns/mnt)" ]; then
	t_skip_all "needs a mount namespace of its own (run through tests/isolate.sh)"
fi
t_init
t_note "$("$CHECK_DISK" -V 2>&1 | head -1)"

# Network and FUSE mounts of other tests came along into this namespace:
# check_disk would stat() them, and a hung one would hang it. Gone from
# here (lazily, for this namespace only) before anything else.
awk '$9 ~ /^(fuse|nfs|cifs|smb)/ { print $5 }' /proc/self/mountinfo | sort -r | while read -r m; do
	umount -l "$(printf '%b' "$m")" 2>/dev/null
done

T=$T_DIR
mk() { # mk NAME DEVICE OPTIONS: a tmpfs at $T/NAME
	mkdir -p "$T/$1"
	mount -t tmpfs -o "$3" "$2" "$T/$1" || { echo "Bail out! cannot mount tmpfs at $T/$1"; exit 1; }
	t_add_mount "$T/$1"
}
fill() { dd if=/dev/zero of="$1" bs=1K count="$2" status=none; }
# a: 10 MiB, 94% used; b: 100 MiB, 48% used; c: 96 of 100 inodes used;
# e: 80% of 20 MiB and 81 of 100 inodes used (on check_disk's edges:
# 20% free, 19% of the inodes free); "sp ace": a label with a space.
mk a cdtest_a size=10M
mk b cdtest_b size=100M
mk c cdtest_c size=20M,nr_inodes=100
mk e cdtest_e size=20M,nr_inodes=100
mk "sp ace" cdtest_s size=5M
fill "$T/a/f" $((10240 * 94 / 100))
fill "$T/b/f" $((102400 * 48 / 100))
fill "$T/e/f" $((20480 * 80 / 100))
for i in $(seq 95); do : >"$T/c/f$i"; done
for i in $(seq 79); do : >"$T/e/f$i"; done
a=$T/a b=$T/b c=$T/c e=$T/e s="$T/sp ace"

MiB=1048576
# close WANT GOT MAX: byte figures within 1 MiB or 1% of the size
close() {
	[ "$1" = "$2" ] && return 0
	case "$1$2" in *[!0-9]*) return 1 ;; esac
	local d=$(($1 - $2))
	d=${d#-}
	[ "$d" -le $MiB ] || { [ -n "$3" ] && [ "$3" != - ] && [ $((d * 100)) -le "$3" ]; }
}

# same_perf: every item of check_disk's in check_fsprobe's, in the same
# order, and no other but latency items.
same_perf() {
	local want=$T_DIR/cd.items got=$T_DIR/cf.items l1 v1 u1 w1 c1 n1 x1 l2 v2 u2 w2 c2 n2 x2 bad=
	perl "$ITEMS" <"$T_DIR/cd.out" >"$want"
	perl "$ITEMS" <"$T_DIR/cf.out" | grep -v $'^[^\t]* latency\t' >"$got"
	if [ "$(cut -f1 "$want")" != "$(cut -f1 "$got")" ]; then
		echo "labels: $(cut -f1 "$want" | tr '\n' ',') vs $(cut -f1 "$got" | tr '\n' ',')"
		return
	fi
	exec 3<"$want" 4<"$got"
	while IFS=$'\t' read -r l1 v1 u1 w1 c1 n1 x1 <&3 && IFS=$'\t' read -r l2 v2 u2 w2 c2 n2 x2 <&4; do
		if [ "$u1" = B ]; then
			close "$v1" "$v2" "$x1" && close "$w1" "$w2" "$x1" && close "$c1" "$c2" "$x1" &&
				[ "$n1" = "$n2" ] && [ "$u2" = B ] && close "$x1" "$x2" "$x1" || bad="$bad $l1"
		elif [ "$v1;$u1;$w1;$c1;$n1;$x1" != "$v2;$u2;$w2;$c2;$n2;$x2" ]; then
			bad="$bad $l1"
		fi
	done
	exec 3<&- 4<&-
	[ -n "$bad" ] && echo "differ:$bad"
}

# compare ARGS...: one command line, side by side
LINES=0
compare() {
	local desc="check_disk $*" diff
	LINES=$((LINES + 1))
	"$CHECK_DISK" "$@" >"$T_DIR/cd.out" 2>&1
	CD_RC=$?
	"$CHECK" --state-dir "$T_DIR/state" "$@" >"$T_DIR/cf.out" 2>"$T_DIR/cf.err"
	CF_RC=$?
	t_is "$CF_RC" "$CD_RC" "$desc: same exit status"
	diff=$(same_perf)
	if [ -z "$diff" ]; then
		t_pass "$desc: same perfdata ($(wc -l <"$T_DIR/cd.items") items)"
	else
		t_fail "$desc: perfdata $diff"
		t_note "check_disk:    $(head -1 "$T_DIR/cd.out")"
		t_note "check_fsprobe: $(head -1 "$T_DIR/cf.out")"
	fi
	local word
	case $CF_RC in 0) word=OK ;; 1) word=WARNING ;; 2) word=CRITICAL ;; *) word=UNKNOWN ;; esac
	t_like "$(head -1 "$T_DIR/cf.out")" "^FSPROBE $word - " "$desc: first line FSPROBE $word"
}

# ---- percent free: "less than", the edge included
compare -w 20% -c 10% -p "$a"
compare -w 20% -c 10% -p "$b"
compare -w 60% -c 10% -p "$b"
compare -w 52% -c 10% -p "$b"
compare -w 51% -c 10% -p "$b"
compare -w 10:20% -c 5% -p "$e"
# ---- units free (default MiB; a unit after the number is ignored)
compare -w 60M -c 10M -p "$b"
compare -w 60MB -c 10MB -p "$b"
compare -w 52 -c 10 -p "$b"
compare -w 51 -c 10 -p "$b"
compare -w 60000 -c 100 -u kB -p "$b"
compare -w 60 -c 10 -k -p "$b"
compare -w 100000000 -c 100 -u bytes -p "$b"
compare -w 20% -c 10% -w 30 -p "$b"
compare -w 10 -c 5% -p "$a"
# ---- inodes free
compare -W 10% -K 5% -p "$c"
compare -w 20% -c 10% -W 20 -K 10 -P -p "$e"
compare -w 20% -c 10% -W 21 -K 20 -p "$e"
# ---- several paths, selection, labels
compare -w 20% -c 10% -W 10% -K 5% -p "$a" -p "$b" -p "$c"
compare -w 20% -c 10% -e -p "$a" -p "$b"
compare -w 20% -c 10% -e -p "$b"
compare -w 20% -c 10% -M -p "$a"
compare -w 20% -c 10% -p "$s"
compare -w 20% -c 10% -p "$b/f"
compare -w 20% -c 10% -f -p "$a"
compare -w 20% -c 10% -r "^$T/[ab]\$"
compare -w 20% -c 10% -R "^$T/A\$"
compare -w 20% -c 10% -N tmpfs -r "^$T/"
compare -w 20% -c 10% -l -r "^$T/"
compare -w 20% -c 10% -r "^$T/" -i "^$T/a\$"
compare -w 20% -c 10% -r "^$T/" -I "CDTEST_A"
compare -w 20% -c 10% -x cdtest_a -r "^$T/"
compare -w 20% -c 10% -x "$c" -r "^$T/"
compare --warning=20% --critical=10% --path="$a" --units=kB --mountpoint
# ---- groups and -C
compare -w 20% -c 10% -g grp -r "^$T/[ab]\$"
compare -w 20% -c 10% -g grp -p "$b" -p "$a" -C -w 5% -c 1% -p "$e"
compare -w 20% -c 10% -p "$a" -C -w 1% -c 1% -p "$b"
compare -w 20% -c 10% -p "$a" -C -w 1% -c 1% -r "^$T/[abe]"
compare -w 20% -c 10% -W 20 -K 10 -P -g g -p "$e" -p "$a"
compare -w 20% -c 10% -M -g g -p "$e" -p "$a" -C -w 1% -c 1% -p "$b"
compare -w 20% -c 10% -e -v -p "$a" -p "$b"
compare -w 20% -c 10% -p "$a" -p "$a/f" -p "$b/f" -p "$b"
# ---- check_disk's oldest syntax: W C PATH on percent used
compare 10 5 "$b"
compare 60 50 "$b"
# ---- what ends the check early
compare -w 20% -c 10% -X tmpfs -p "$b"
compare -w 20% -c 10% -E -p "$T"
compare -w 20% -c 10% -E -p "$a" -p "$b"
compare -w 20% -c 10% -p /nonexistent/x
compare -p "$a"
compare -w 20% -c 10% -r "^$T/zzz"
compare -w 20% -c 10% -i x
compare -w 20% -c 10% -u foo -p "$b"
compare -w 20% -c 10% -p "$b" -g x -p "$a"
# ---- every mount of this namespace, as check_disk without -p
compare -w 1 -c 1
compare -w 20% -c 10% -A -I '^/(proc|sys)'
t_note "$LINES command lines compared"
t_le 20 "$LINES" "at least 20 command lines compared"

# ---- a hung FUSE mount: the difference that is the point
if [ -c /dev/fuse ]; then
	[ -x "${TESTFS:-}" ] || { t_fail "hung mount: the test FUSE file system is not built (libfuse3-dev)"; t_done; exit 1; }
	fuse_start stopped
	m=$(fuse_mnt stopped)
	# A daemon that stopped reading leaves its callers killable (one
	# that read the request and never answers would not), so check_disk
	# can be run under timeout -s KILL.
	kill -STOP "$(fuse_pid stopped)"
	t0=$(t_now_us)
	{ timeout -s KILL 4 "$CHECK_DISK" -t 2 -w 20% -c 10% -p "$b" -p "$m" >"$T_DIR/cd.out" 2>&1; rc=$?; } 2>/dev/null
	ms=$((($(t_now_us) - t0) / 1000))
	t_is "$rc" 137 "hung mount: check_disk -t 2 had to be killed (answered nothing in 4 s)"
	t_note "check_disk: rc $rc after $ms ms: $(head -c 200 "$T_DIR/cd.out")"
	t0=$(t_now_us)
	"$CHECK" --state-dir "$T_DIR/state" -t 2 -w 20% -c 10% -p "$b" -p "$m" >"$T_DIR/cf.out" 2>&1
	rc=$?
	ms=$((($(t_now_us) - t0) / 1000))
	t_is "$rc" 2 "hung mount: check_fsprobe CRITICAL"
	t_le "$ms" 2000 "hung mount: check_fsprobe answered within -t 2"
	t_like "$(head -1 "$T_DIR/cf.out")" "^FSPROBE CRITICAL - 1 of 2 mounts unhealthy: $m hung [0-9.]+s; free space: $b 52MiB \(52% inode=99%\); \|" \
		"hung mount: first line leads with it, then check_disk's listing"
	t_like "$(head -1 "$T_DIR/cf.out")" "'$m'=U '$m latency'=U" "hung mount: U in its perfdata"
	t_like "$(head -1 "$T_DIR/cf.out")" "'$b'=50331648B;83886080;94371840;0;104857600 " \
		"hung mount: the healthy mount's perfdata as check_disk's"
	fuse_kill stopped
elif [ "${CI:-}" = true ]; then
	t_fail "hung mount: no /dev/fuse in CI"
else
	t_pass "hung mount # SKIP no /dev/fuse"
fi
t_done
