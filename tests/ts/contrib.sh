#!/bin/bash
# The integrations in contrib/ are accepted by the tools they are for:
# promtool checks the alerting rules and runs their unit tests (an alert
# fires for a hung and for a stale mount, when the textfile stops being
# refreshed, and when the daemon cannot start its probe helper),
# systemd-analyze verifies the textfile service and timer, and the Nagios
# and Icinga 2 command lines use only options check_fsprobe accepts.
# Needs no mounts of its own.
. "$(dirname "$0")/../lib.sh"
command -v promtool >/dev/null || t_skip_all "promtool not installed (Debian package prometheus)"
command -v systemd-analyze >/dev/null || t_skip_all "systemd-analyze not installed (Debian package systemd)"
CHECK=${CHECK_FSPROBE:-$(dirname "$FSPROBE")/check_fsprobe}
C=$(cd "$(dirname "$0")/../../contrib" && pwd)
t_init

promtool check rules "$C/prometheus/fsprobe-rules.yml" >"$T_DIR/out" 2>&1
t_is "$?" 0 "promtool check rules accepts the rules"
t_like "$(cat "$T_DIR/out")" "SUCCESS: 6 rules found" "six rules"
(cd "$C/prometheus" && promtool test rules fsprobe-rules.test.yml) >"$T_DIR/out" 2>&1
t_is "$?" 0 "promtool test rules: hung, stale, disconnected, stale-textfile and blind-daemon alerts fire when they should"
grep -q SUCCESS "$T_DIR/out" || t_note "$(cat "$T_DIR/out")"
t_is "$(grep -c 'alertname: FsprobeMountHung' "$C/prometheus/fsprobe-rules.test.yml")" 4 \
	"the hung alert is tested before, at and after its 5 minutes"

# systemd-analyze verify needs ExecStart's binary to exist: the units
# with fsprobe's path of this build.
mkdir "$T_DIR/units"
for u in fsprobe-textfile.service fsprobe-textfile.timer; do
	sed "s|/usr/local/bin/fsprobe|$FSPROBE|" "$C/systemd/$u" > "$T_DIR/units/$u"
done
(cd "$T_DIR/units" && SYSTEMD_LOG_LEVEL=warning systemd-analyze verify --man=no \
	fsprobe-textfile.service fsprobe-textfile.timer) >"$T_DIR/out" 2>&1
t_is "$?" 0 "systemd-analyze verify accepts the service and the timer"
t_is "$(grep -v 'Unit .* not found\|Failed to prepare filename' "$T_DIR/out")" "" "systemd-analyze: no complaint"
t_like "$(grep '^KillMode=' "$C/systemd/fsprobe-textfile.service")" '^KillMode=process$' \
	"the service leaves a stuck helper alone"
t_like "$(grep '^SuccessExitStatus=' "$C/systemd/fsprobe-textfile.service")" '^SuccessExitStatus=1$' \
	"an unhealthy mount does not fail the unit"
t_is "$(sed -n 's/^ExecStart=//p' "$C/systemd/fsprobe-textfile.service" | awk '{print $2}')" --textfile \
	"the service writes the textfile"
# what the service runs, run here into a scratch directory
# shellcheck disable=SC2046
set -- $(sed -n 's/^ExecStart=//p' "$T_DIR/units/fsprobe-textfile.service")
"${@/\/var\/lib\/prometheus\/node-exporter/$T_DIR}" --state-dir "$T_DIR/state" >"$T_DIR/out" 2>&1
t_like "$?" '^[01]$' "the service's command line works"
t_like "$(head -1 "$T_DIR/fsprobe.prom")" '^# HELP fsprobe_' "and writes the textfile"

# Nagios: the command lines with their $ARGn$ filled in run the plugin
# without a usage error (UNKNOWN is exit status 3).
grep 'command_line.*check_fsprobe ' "$C/nagios/fsprobe.cfg" | sed 's/^ *command_line *//' > "$T_DIR/cmds"
t_is "$(wc -l < "$T_DIR/cmds")" 2 "Nagios: two local commands"
while read -r cmd; do
	cmd=${cmd//\$USER1\$\/check_fsprobe/$CHECK}
	cmd=${cmd//\$ARG1\$/5}; cmd=${cmd//\$ARG2\$/85}; cmd=${cmd//\$ARG3\$/95}
	# shellcheck disable=SC2086
	$cmd --state-dir "$T_DIR/state" >"$T_DIR/out" 2>&1
	rc=$?
	if [ "$rc" != 3 ] && grep -q '^FSPROBE \(OK\|WARNING\|CRITICAL\) - ' "$T_DIR/out"; then
		t_pass "Nagios: '$cmd' runs (exit status $rc)"
	else
		t_fail "Nagios: '$cmd' runs"; t_note "$(cat "$T_DIR/out")"
	fi
done < "$T_DIR/cmds"
t_like "$(grep 'command\[check_fsprobe\]' "$C/nagios/fsprobe.cfg")" 'check_fsprobe -t 10 -w 85 -c 95$' "NRPE example"

# Icinga 2: every argument of the CheckCommand is an option of the plugin.
keys=$(sed -n 's/^\t\t"\(-[a-zA-Z]\)" = {$/\1/p' "$C/icinga2/fsprobe.conf")
t_is "$(echo $keys)" "-t -w -c -W -K -p -E -N -X -a -v" "Icinga 2: the CheckCommand's arguments"
"$CHECK" --help > "$T_DIR/help"
missing=
for k in $keys; do grep -q -- "^  $k, " "$T_DIR/help" || missing="$missing $k"; done
t_is "$missing" "" "Icinga 2: check_fsprobe --help documents every one"
"$CHECK" --state-dir "$T_DIR/state" -t 5 -w 85 -c 95 -W 90 -K 95 -p / -E -N ext4 -X tmpfs -a -v >"$T_DIR/out" 2>&1
t_like "$?" '^[012]$' "Icinga 2: all arguments at once are accepted"

t_done
