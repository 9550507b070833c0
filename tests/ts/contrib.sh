#!/bin/bash
# The integrations in contrib/ are accepted by the tools they are for:
# promtool checks the alerting rules and runs their unit tests (an alert
# fires for a hung and for a stale mount, when the textfile stops being
# refreshed, when the daemon cannot start its probe helper, and for two
# hosts sharing an NFSv4 client owner but not for one host restarting),
# systemd-analyze verifies the textfile service and timer, the Nagios and
# Icinga 2 command lines use only options check_fsprobe accepts, and the
# Icinga 2 CheckCommand is the ITL's "disk" one under another name: the
# same arguments, custom variables and defaults (compared with the ITL
# that icinga2-common installs), valid for icinga2 itself. Needs no
# mounts of its own.
. "$(dirname "$0")/../lib.sh"
t_require_installed prometheus promtool
t_require_installed systemd systemd-analyze
t_require_installed icinga2-bin icinga2
ITL=/usr/share/icinga2/include/command-plugins.conf
[ -r "$ITL" ] || t_missing "the Icinga 2 ITL not installed (Debian package icinga2-common)"
CHECK=${CHECK_FSPROBE:-$(dirname "$FSPROBE")/check_fsprobe}
C=$(cd "$(dirname "$0")/../../contrib" && pwd)
t_init

promtool check rules "$C/prometheus/fsprobe-rules.yml" >"$T_DIR/out" 2>&1
t_is "$?" 0 "promtool check rules accepts the rules"
t_like "$(cat "$T_DIR/out")" "SUCCESS: 7 rules found" "seven rules"
(cd "$C/prometheus" && promtool test rules fsprobe-rules.test.yml) >"$T_DIR/out" 2>&1
t_is "$?" 0 "promtool test rules: hung, stale, disconnected, stale-textfile, blind-daemon and shared-identity alerts fire when they should"
grep -q SUCCESS "$T_DIR/out" || t_note "$(cat "$T_DIR/out")"
t_is "$(grep -c 'alertname: FsprobeMountHung' "$C/prometheus/fsprobe-rules.test.yml")" 4 \
	"the hung alert is tested before, at and after its 5 minutes"
t_is "$(grep -c 'alertname: FsprobeNfsClientIdentityShared' "$C/prometheus/fsprobe-rules.test.yml")" 7 \
	"the shared-identity alert is tested: clones, distinct hosts, a restart, a re-provisioned host"
# the restart cases hold only because of for: a shorter one makes them fire
sed 's/for: 10m/for: 2m/' "$C/prometheus/fsprobe-rules.yml" > "$T_DIR/fsprobe-rules.yml"
cp "$C/prometheus/fsprobe-rules.test.yml" "$T_DIR/"
(cd "$T_DIR" && promtool test rules fsprobe-rules.test.yml) >"$T_DIR/out" 2>&1
t_like "$?:$(grep -c 'alertname: FsprobeNfsClientIdentityShared, time: 8m' "$T_DIR/out")" '^1:1$' \
	"with for: 2m the re-provisioned host would fire at 8m: the test can fail"

# systemd-analyze verify needs ExecStart's binary to exist: the units
# with fsprobe's path of this build for @bindir@/fsprobe, as make install
# puts the installed one there.
mkdir "$T_DIR/units"
for u in fsprobe-textfile.service fsprobe.service; do
	sed "s|@bindir@/fsprobe|$FSPROBE|" "$C/systemd/$u.in" > "$T_DIR/units/$u"
done
cp "$C/systemd/fsprobe-textfile.timer" "$T_DIR/units/"
t_is "$(cat "$C"/systemd/*.service.in | grep -c "^ExecStart=@bindir@/fsprobe ")" 2 \
	"both services run @bindir@/fsprobe"
(cd "$T_DIR/units" && SYSTEMD_LOG_LEVEL=warning systemd-analyze verify --man=no \
	fsprobe-textfile.service fsprobe-textfile.timer fsprobe.service) >"$T_DIR/out" 2>&1
t_is "$?" 0 "systemd-analyze verify accepts the services and the timer"
t_is "$(grep -v 'Unit .* not found\|Failed to prepare filename' "$T_DIR/out")" "" "systemd-analyze: no complaint"
t_like "$(grep '^KillMode=' "$T_DIR/units/fsprobe-textfile.service")" '^KillMode=process$' \
	"the service leaves a stuck helper alone"
t_like "$(grep '^SuccessExitStatus=' "$T_DIR/units/fsprobe-textfile.service")" '^SuccessExitStatus=1$' \
	"an unhealthy mount does not fail the unit"
t_is "$(sed -n 's/^ExecStart=//p' "$T_DIR/units/fsprobe-textfile.service" | awk '{print $2}')" --textfile \
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
	cmd=${cmd//\$ARG1\$/5}; cmd=${cmd//\$ARG2\$/20%}; cmd=${cmd//\$ARG3\$/10%}
	# shellcheck disable=SC2086
	$cmd --state-dir "$T_DIR/state" >"$T_DIR/out" 2>&1
	rc=$?
	if [ "$rc" != 3 ] && grep -q '^FSPROBE \(OK\|WARNING\|CRITICAL\) - ' "$T_DIR/out"; then
		t_pass "Nagios: '$cmd' runs (exit status $rc)"
	else
		t_fail "Nagios: '$cmd' runs"; t_note "$(cat "$T_DIR/out")"
	fi
done < "$T_DIR/cmds"
t_like "$(grep 'command\[check_fsprobe\]' "$C/nagios/fsprobe.cfg")" 'check_fsprobe -t 10 -w 20% -c 10%$' "NRPE example"

# Icinga 2: every argument of the CheckCommand is an option of the plugin.
conf=$C/icinga2/fsprobe.conf
keys=$(sed -n 's/^\t\t"\(-[a-zA-Z]\)" = {$/\1/p' "$conf")
"$CHECK" --help > "$T_DIR/help"
missing=
for k in $keys; do grep -q -- "^  $k, " "$T_DIR/help" || missing="$missing $k"; done
t_is "$missing" "" "Icinga 2: check_fsprobe --help documents every argument ($(echo $keys))"

# ... and mirrors the ITL's "disk": each argument with the same key,
# macro, repeat_key, order and required, and the same default vars.
shape() { # the arguments and vars of a CheckCommand, descriptions left out
	awk -v name="$2" '$0 ~ "^object CheckCommand \"" name "\" \\{" { on = 1; next }
		on && /^}/ { exit }
		on && !/description =/ && !/command =/ { print }' "$1"
}
shape "$ITL" disk >"$T_DIR/itl"
shape "$conf" fsprobe >"$T_DIR/ours"
t_like "$(wc -l <"$T_DIR/itl")" '^[0-9]{3,}$' "Icinga 2: the ITL's disk command found ($(wc -l <"$T_DIR/itl") lines)"
if cmp -s "$T_DIR/itl" "$T_DIR/ours"; then
	t_pass "Icinga 2: arguments, custom variables and defaults as the ITL's disk"
else
	t_fail "Icinga 2: not the ITL's disk"; t_note "$(diff "$T_DIR/itl" "$T_DIR/ours" | head -20)"
fi
mkdir -p "$T_DIR/icinga2"
printf 'include <itl>\ninclude <plugins>\nconst PluginDir = "%s"\ninclude "%s"\n' "$(dirname "$CHECK")" "$conf" \
	>"$T_DIR/icinga2/icinga2.conf"
icinga2 daemon -C -c "$T_DIR/icinga2/icinga2.conf" -DRunAsUser=root -DRunAsGroup=root -DDataDir="$T_DIR/icinga2" -DCacheDir="$T_DIR/icinga2" \
	-DLogDir="$T_DIR/icinga2" -DRunDir="$T_DIR/icinga2" -DStateDir="$T_DIR/icinga2" >"$T_DIR/out" 2>&1
t_is "$?" 0 "Icinga 2: icinga2 daemon -C accepts the CheckCommand next to the ITL"
grep -q 'critical/' "$T_DIR/out" && t_note "$(grep 'critical/' "$T_DIR/out" | head -5)"

# The command line Icinga builds from the defaults (thresholds first,
# order -3; then -X for each excluded type and -m) runs.
set -- -w 20% -c 10%
for x in $(sed -n '/vars.disk_exclude_type = \[/,/\]/s/^\t\t"\(.*\)",\{0,1\}$/\1/p' "$conf"); do set -- "$@" -X "$x"; done
set -- "$@" -m
t_is "$#" 37 "Icinga 2: the default command line has 16 excluded types"
"$CHECK" --state-dir "$T_DIR/state" -t 5 "$@" >"$T_DIR/out" 2>&1
t_like "$?" '^[012]$' "Icinga 2: the defaults' command line runs: $(head -c 120 "$T_DIR/out")"
t_done
