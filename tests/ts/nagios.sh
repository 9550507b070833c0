#!/bin/bash
# check_fsprobe (and fsprobe --nagios) as Nagios and Icinga see them: the
# exit status and first line for OK, WARNING, CRITICAL and UNKNOWN, the
# long output, and every perfdata item as Monitoring::Plugin (Debian's
# libmonitoring-plugin-perl, what Perl add-ons and many plugins use) reads
# it, with valid units. Real FUSE mounts: healthy, hung, disconnected, and
# one at a mount point with spaces and quotes.
. "$(dirname "$0")/../lib.sh"
t_require_fuse
t_require_built "${NOURING:-}" "the nouring helper"
perl -MMonitoring::Plugin::Performance -e 1 2>/dev/null ||
	t_missing "Monitoring::Plugin not installed (Debian package libmonitoring-plugin-perl)"
CHECK=${CHECK_FSPROBE:-$(dirname "$FSPROBE")/check_fsprobe}
PARSE=$(dirname "$0")/../helpers/nagios-parse.pl
if [ ! -x "$CHECK" ]; then echo "Bail out! $CHECK not built (make creates it)"; exit 1; fi
t_init

# testfs answers statfs with 262144 blocks of 4096 bytes, 131072 free,
# 120000 available, 65536 inodes, 60000 free: 536870912 bytes used of
# 1073741824, 52.2% of used + available (check_disk: 47% free),
# 491520000 bytes (468 MiB, 469M) available, 8.4% of the inodes used
# (check_disk: 91% free).
USED=536870912 SIZE=1073741824
fuse_start ok
MNT="$T_DIR/it's a \"quoted\" mount" fuse_start odd
fuse_start hang
fuse_start dead
fuse_kill dead
fuse_mode hang hang
ok=$(fuse_mnt ok) odd=$(fuse_mnt odd) hang=$(fuse_mnt hang) dead=$(fuse_mnt dead)
# By mount point, not by type: only this test's mounts.
all=("$ok" "$odd" "$hang" "$dead")
# Labels are the whole mount points, as check_disk's, with the quote that
# perfdata parsers cannot read made '_'.
L_OK=$ok L_ODD="$T_DIR/it_s a \"quoted\" mount" L_HANG=$hang
FREE_OK="468MiB \\(47% inode=91%\\);"

# plugin COMMAND ARGS...: runs it, sets RC and ELAPSED_MS, and leaves
# Monitoring::Plugin's reading of the output in $T_DIR/parsed.
plugin() {
	local t0 t1
	t0=$(t_now_us)
	"$@" >"$T_DIR/out" 2>"$T_DIR/err"
	RC=$?
	t1=$(t_now_us)
	ELAPSED_MS=$(( (t1 - t0) / 1000 ))
	perl "$PARSE" "$RC" <"$T_DIR/out" >"$T_DIR/parsed"
}
check() { plugin "$CHECK" --state-dir "$T_DIR/state" "$@"; }
parsed() { sed -n "s/^$1 //p" "$T_DIR/parsed" | head -1; }
# perf LABEL FIELD: value, uom, uomok, warn, crit, min or max of an item
perf() {
	local col
	case $2 in value) col=3;; uom) col=4;; warn) col=6;; crit) col=7;; min) col=8;; max) col=9;; esac
	awk -F'\t' -v l="$1" -v c="$col" '$1 == "perf" && $2 == l { print $c }' "$T_DIR/parsed"
}

# What holds for every plugin answer: exit status and first line agree
# as Monitoring::Plugin maps them, every perfdata item it can parse
# parses (the rest are U, which it has no notion of), units are valid,
# thresholds are ranges it reads.
common() { # common DESCRIPTION WANT_RC WANT_WORD
	local items
	t_is "$RC" "$2" "$1: exit status $2"
	t_is "$(parsed state)/$(parsed word)" "$3/$3" "$1: Monitoring::Plugin's state for the exit status is the first line's"
	items=$(parsed items)
	if [[ $items =~ ^([0-9]+)\ parsed\ ([0-9]+)\ unknown\ ([0-9]+)$ ]] &&
		[ $((BASH_REMATCH[2] + BASH_REMATCH[3])) = "${BASH_REMATCH[1]}" ]; then
		t_pass "$1: every perfdata item parses or is U ($items)"
	else
		t_fail "$1: perfdata items lost: $items"; t_note "$(head -1 "$T_DIR/out")"
	fi
	t_is "$(awk -F'\t' '$1 == "perf" && ($5 != 1 || $6 == "BAD" || $7 == "BAD")' "$T_DIR/parsed")" "" \
		"$1: valid units and ranges"
}

# ---- OK
check -t 5 "$ok" "$odd"
common "ok" 0 OK
t_is "$(parsed text)" "FSPROBE OK - free space: $ok 468MiB (47% inode=91%); $odd 468MiB (47% inode=91%);" \
	"ok: first line, check_disk's listing"
t_is "$(parsed items)" "4 parsed 4 unknown 0" "ok: used bytes and latency per mount"
t_is "$(perf $L_OK value)/$(perf $L_OK uom)/$(perf $L_OK min)/$(perf $L_OK max)" "$USED/B/0/$SIZE" \
	"ok: used bytes, B, 0, size"
t_like "$(perf "$L_OK latency" value)/$(perf "$L_OK latency" uom)" '^0\.[0-9]+/s$' "ok: latency in seconds"
t_is "$(perf "$L_ODD" value)" "$USED" "spaces and quotes: the label parses"
t_like "$(perf "$L_ODD latency" value)" '^0\.[0-9]+$' "spaces and quotes: its latency label parses"
t_is "$(wc -l < "$T_DIR/out")" 1 "ok: no long output"
t_is "$(wc -c < "$T_DIR/err")" 0 "ok: nothing on stderr"

check -v "$odd"
common "verbose" 0 OK
t_like "$(parsed long)" "^\[OK\] $T_DIR/it's a \"quoted\" mount: ok in .*, 53% used, 469M free, inodes 9% used, fuse.testfs odd, perfdata '$L_ODD'$" \
	"verbose: a long line per mount, naming its label"

# ---- WARNING and CRITICAL from thresholds: check_disk's, on free space
check -w 50% -c 40% -p "$ok" -p "$odd"
common "-w 50% -c 40%" 1 WARNING
t_is "$(parsed text)" "FSPROBE WARNING - free space: $ok 468MiB (47% inode=91%); $T_DIR/it's a \"quoted\" mount 468MiB (47% inode=91%);" \
	"-w 50% -c 40%: first line"
t_is "$(perf "$L_OK" warn)/$(perf "$L_OK" crit)" "536870912/644245094" \
	"-w 50% -c 40%: perfdata thresholds in used bytes (50% and 60% of the size)"
t_is "$(grep -c '^long \[WARNING\] ' "$T_DIR/parsed")" 2 "-w 50% -c 40%: a long line per mount"

check -c 50% "$ok"
common "-c 50%" 2 CRITICAL
t_is "$(parsed text)" "FSPROBE CRITICAL - free space: $ok 468MiB (47% inode=91%);" "-c 50%: first line"

check -w 40% -c 30% "$ok"
common "-w 40% -c 30%" 0 OK

check -w 500 -c 400 "$ok"
common "-w 500 -c 400" 1 WARNING
t_is "$(parsed text)" "FSPROBE WARNING - free space: $ok 468MiB (47% inode=91%);" "MiB free: first line"
t_is "$(perf "$L_OK" warn)/$(perf "$L_OK" crit)" "549453824/654311424" "MiB free: perfdata thresholds in used bytes"
check -c 500 "$ok"
common "-c 500" 2 CRITICAL
check -w 468 -c 100 "$ok"
common "-w 468: the edge alerts, as check_disk" 1 WARNING

check -W 95 -K 50 "$ok"
common "-W 95 -K 50" 1 WARNING
t_is "$(parsed text)" "FSPROBE WARNING - free space: $ok 468MiB (47% inode=91%);" "inodes: first line"
check -K 91 "$ok"
common "-K 91: the edge alerts" 2 CRITICAL

# ---- fsprobe's own ranges, under options of their own
check --used-warning 50 --used-critical 60 "$ok"
common "--used-warning 50 --used-critical 60" 1 WARNING
t_is "$(perf "$L_OK" warn)/$(perf "$L_OK" crit)" "514195456/617034547" \
	"--used-warning: perfdata thresholds in used bytes (50% and 60% of used + available)"
check --used-warning 500MB: --used-critical 400MB: "$ok"
common "--used-warning 500MB: --used-critical 400MB:" 1 WARNING
t_is "$(perf "$L_OK" warn)/$(perf "$L_OK" crit)" "504102912/608960512" "bytes free: perfdata thresholds in used bytes"
check --used-critical 500MB: "$ok"
common "--used-critical 500MB:" 2 CRITICAL
check --inodes-used-warning 5 --inodes-used-critical 50 "$ok"
common "--inodes-used-warning 5" 1 WARNING
check --inodes-used-critical @0:10 "$ok"
common "--inodes-used-critical @0:10" 2 CRITICAL

# ---- CRITICAL from unhealthy mounts, within -t
check -t 2 "${all[@]}"
common "hung and disconnected" 2 CRITICAL
t_le "$ELAPSED_MS" 2000 "hung: the plugin answered within -t 2"
t_like "$(parsed text)" "^FSPROBE CRITICAL - 2 of 4 mounts unhealthy: $hang hung 1\.[0-9]s, $dead disconnected; free space: $ok $FREE_OK .* $FREE_OK$" \
	"hung and disconnected: first line, the unhealthy first"
t_like "$(parsed items)" '^8 parsed [0-9]+ unknown [2-9]$' "hung and disconnected: 8 items, U among them"
t_like "$(head -1 "$T_DIR/out")" "'$L_HANG'=U '$L_HANG latency'=U" "hung: U for used bytes and latency"
t_is "$(perf $L_OK value)" "$USED" "hung: the healthy mounts' perfdata still there"
t_like "$(grep '^long ' "$T_DIR/parsed" | tr '\n' '|')" \
	"^long \[CRITICAL\] $hang: hung \(no answer in [0-9.]+s\), fuse.testfs hang\|long \[CRITICAL\] $dead: disconnected \(.*\), fuse.testfs dead\|$" \
	"hung and disconnected: a long line each, nothing for the healthy"

# The hung request is still pending: the next check reports it from the
# registry, sends nothing, and is quick.
check -t 2 -w 50% -p "$ok" -p "$odd" -p "$hang" -p "$dead"
common "hung, again, with a threshold" 2 CRITICAL
t_like "$(parsed text)" "^FSPROBE CRITICAL - 2 of 4 mounts unhealthy: $hang hung [0-9.]+s, $dead disconnected; free space: $ok $FREE_OK " \
	"hung and a threshold: both on the first line"
t_like "$(grep "^long \[CRITICAL\] $hang" "$T_DIR/parsed")" "request pending since" "hung, again: from the registry"
t_is "$(fuse_count hang GETATTR)" 1 "hung, again: no second request to the hung mount"

# ---- UNKNOWN: bad arguments and fsprobe's own failures
unknown() { # unknown DESCRIPTION REGEX ARGS...
	local desc=$1 re=$2; shift 2
	check "$@"
	common "$desc" 3 UNKNOWN
	t_is "$(wc -l < "$T_DIR/out")" 1 "$desc: one line"
	t_like "$(head -1 "$T_DIR/out")" "^FSPROBE UNKNOWN - $re" "$desc: says why"
	t_is "$(wc -c < "$T_DIR/err")" 0 "$desc: nothing on stderr"
}
unknown "inverted range" "Range format incorrect: -w '20:10'" -w 20:10 "$ok"
unknown "inverted inode range" "Range format incorrect: -K '20:10'" -K 20:10 "$ok"
unknown "unknown unit" "unit type GiBi not known" -w 20 -u GiBi "$ok"
unknown "-p before a threshold" "Must set a threshold value before using -p" -p "$ok"
unknown "-i before a path" "Paths need to be selected before using -i/-I" -w 20% -i x
unknown "regex matching nothing" "Regular expression did not match any path or disk - \^/nonexistent" -w 20% -r ^/nonexistent
unknown "nothing selected" "no mounts selected" -w 20% -X fuse.testfs "$ok"
unknown "bad range of fsprobe's" "invalid --used-warning 'foo': expected a range" --used-warning foo "$ok"
unknown "bare size of fsprobe's" "invalid --used-critical '10GB': .*write 10GB: to alert below 10GB free" --used-critical 10GB "$ok"
unknown "inverted range of fsprobe's" "invalid --used-warning '20:10': the range starts above its end" --used-warning 20:10 "$ok"
unknown "size for inodes" "invalid --inodes-used-warning '10GB:'" --inodes-used-warning 10GB: "$ok"
unknown "unknown option" "unknown option --bogus" --bogus
unknown "missing argument" "option -c needs an argument" -c
unknown "bad timeout" "invalid timeout '0'" -t 0
unknown "relative state dir" "--state-dir 'rel' must be an absolute path" --state-dir rel
unknown "unreadable mount table" "cannot read the mount table /nonexistent" --mountinfo /nonexistent
plugin "$NOURING" "$CHECK" --state-dir "$T_DIR/state" --engine uring "$ok"
common "fsprobe's own failure" 3 UNKNOWN
t_like "$(cat "$T_DIR/out")" "^FSPROBE UNKNOWN - io_uring engine unavailable" "own failure: says why"

check -h
t_is "$RC" 3 "-h: exit status 3, as monitoring-plugins"
t_like "$(grep -m1 '^Usage:' "$T_DIR/out")" '^Usage: check_fsprobe ' "-h: usage"
check --version
t_is "$RC" 3 "--version: exit status 3, as monitoring-plugins"
t_like "$(cat "$T_DIR/out")" '^check_fsprobe v[0-9]+\.[0-9]+' "--version: version"

# ---- a missing path is CRITICAL, as check_disk has it
check -w 20% -c 10% -p /nonexistent/x
common "missing path" 2 CRITICAL
t_is "$(parsed text)" "FSPROBE CRITICAL - /nonexistent/x is not accessible: No such file or directory" "missing path: says why"

# ---- -E: the mount named by -p must be there (check_disk -E). A vanished
# mount's path otherwise resolves to the mount now holding it, which is
# OK while the mount that matters is gone.
fuse_start gone
gone=$(fuse_mnt gone)
fuse_kill gone
umount "$gone"
check -t 5 "$gone"
t_is "$RC/$(parsed word)" "0/OK" "without -E: a vanished mount's path is the mount holding it now"
check -t 5 -E "$ok" "$odd"
common "-E, mount points" 0 OK
check -t 5 -E -w 1% -p "$ok" -p "$gone"
common "-E, a vanished mount" 2 CRITICAL
t_is "$(parsed text)" "FSPROBE CRITICAL - $gone not found" "-E, a vanished mount: first line, as check_disk's"
check -t 5 -E "$hang/dir"
common "-E, a path inside a hung mount" 2 CRITICAL
t_le "$ELAPSED_MS" 3000 "-E, a path inside a hung mount: decided from the mount table, not after -t 5"
check -t 5 --exact-match /nonexistent/x
common "--exact-match, a missing path" 2 CRITICAL
plugin "$FSPROBE" --nagios --exact-match --state-dir "$T_DIR/state" "$ok" "$gone"
common "fsprobe --nagios --exact-match, a vanished mount" 2 CRITICAL

# ---- fsprobe --nagios with fsprobe's own options
plugin "$FSPROBE" --nagios --state-dir "$T_DIR/state" --timeout 2s "${all[@]}"
common "fsprobe --nagios" 2 CRITICAL
t_like "$(parsed text)" "^FSPROBE CRITICAL - 2 of 4 mounts unhealthy: " "fsprobe --nagios: first line"
plugin "$FSPROBE" --nagios --state-dir "$T_DIR/state" --warning 50 "$ok" "$odd"
common "fsprobe --nagios --warning" 1 WARNING
plugin "$FSPROBE" --nagios --state-dir "$T_DIR/state" "$ok"
common "fsprobe --nagios, healthy" 0 OK
plugin "$FSPROBE" --nagios --state-dir "$T_DIR/state" -q "${all[@]}"
t_is "$RC/$(wc -c < "$T_DIR/out")" "2/0" "fsprobe --nagios -q: the state as exit status, no output"
plugin "$FSPROBE" --nagios --timeout 2x
common "fsprobe --nagios, bad option" 3 UNKNOWN
t_like "$(cat "$T_DIR/err")" "^fsprobe: invalid --timeout '2x'" "fsprobe --nagios, bad option: fsprobe's message on stderr"
plugin "$FSPROBE" --nagios --state-dir "$T_DIR/state" /nonexistent/x
common "fsprobe --nagios, missing FILE" 3 UNKNOWN
plugin "$FSPROBE" --warning 50 "$ok"
t_is "$RC" 2 "--warning without --nagios: a usage error"

t_done
