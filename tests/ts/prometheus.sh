#!/bin/bash
# The Prometheus exporter read by its real consumers, not by our parsers:
# promtool check metrics accepts fsprobe --prometheus; Debian's
# prometheus-node-exporter, started here on loopback with its textfile
# collector reading fsprobe's --textfile, serves fsprobe's families with
# the right values for a healthy, a hung and a disconnected FUSE mount
# (and one whose mount point needs escaping), with
# node_textfile_scrape_error 0; and promtool test rules fires the hung
# alert of contrib/prometheus for the labels fsprobe really exports.
. "$(dirname "$0")/../lib.sh"
t_require_fuse
t_require_installed prometheus promtool
NODE_EXPORTER=$(command -v prometheus-node-exporter || command -v node_exporter) ||
	t_missing "node_exporter not installed (Debian package prometheus-node-exporter)"
t_require_installed curl curl
RULES=$(cd "$(dirname "$0")/../../contrib/prometheus" && pwd)/fsprobe-rules.yml
t_init

# testfs answers statfs with 262144 blocks of 4096 bytes, 131072 free,
# 120000 available, 65536 inodes, 60000 free.
fuse_start ok
MNT="$T_DIR/we \"ird\\ name" fuse_start odd
fuse_start hang
fuse_start dead
fuse_mode hang hang
fuse_kill dead
ok=$(fuse_mnt ok) hang=$(fuse_mnt hang) dead=$(fuse_mnt dead)
# By mount point, not -t fuse.testfs: only this test's mounts.
mine=("$ok" "$(fuse_mnt odd)" "$hang" "$dead")
# label values as the exposition format escapes them
lv() { local s=${1//\\/\\\\}; s=${s//\"/\\\"}; printf '%s' "$s"; }
labels() { printf 'device="%s",fstype="fuse.testfs",mountpoint="%s"' "$1" "$(lv "$(fuse_mnt "$1")")"; }

# ---- stdout, checked by promtool
run_fsprobe --prometheus --timeout 1s "${mine[@]}"
t_is "$RC" 1 "--prometheus: exit status 1 (a mount is unhealthy)"
promtool check metrics < "$OUT" > "$T_DIR/lint" 2>&1
t_is "$?" 0 "promtool check metrics accepts the output"
t_is "$(cat "$T_DIR/lint")" "" "promtool check metrics has no complaint"
t_is "$(grep -c '^fsprobe_mount_up{' "$OUT")" 4 "a series per mount"
t_is "$(grep -c '^fsprobe_mount_state{' "$OUT")" 32 "eight states per mount"
t_is "$(grep -v '^#' "$OUT" | grep -c ' [0-9.]* [0-9]*$')" 0 "no sample timestamps"

# ---- the textfile, read by node_exporter
mkdir "$T_DIR/textfile"
PROM=$T_DIR/textfile/fsprobe.prom
run_fsprobe --textfile "$PROM" --timeout 1s "${mine[@]}"
t_is "$RC" 1 "--textfile: exit status 1 (a mount is unhealthy)"
t_is "$(wc -c < "$OUT")" 0 "--textfile: nothing on stdout"
t_is "$(stat -c %a "$PROM")" 644 "--textfile: mode 0644"
t_is "$(ls -A "$T_DIR/textfile")" fsprobe.prom "--textfile: no temporary file left"

# Only the textfile collector: node_exporter's filesystem collector would
# statfs() the hung FUSE mount and hang the scrape (and leak a goroutine
# per scrape), which is exactly what fsprobe is for; --collector.disable-
# defaults keeps it and every other collector off.
NE_PID=
start_node_exporter() {
	local try i
	for try in $(seq 20); do
		PORT=$((20000 + RANDOM % 40000))
		ss -Hltn "sport = :$PORT" 2>/dev/null | grep -q . && continue
		"$NODE_EXPORTER" --web.listen-address="127.0.0.1:$PORT" --collector.disable-defaults \
			--collector.textfile --collector.textfile.directory="$T_DIR/textfile" \
			--web.disable-exporter-metrics >"$T_DIR/node_exporter.log" 2>&1 &
		NE_PID=$!
		T_PIDS="$T_PIDS $NE_PID"
		for i in $(seq 100); do
			curl -sf -o /dev/null "http://127.0.0.1:$PORT/metrics" && return 0
			kill -0 "$NE_PID" 2>/dev/null || break
			sleep 0.05
		done
		kill -KILL "$NE_PID" 2>/dev/null; wait "$NE_PID" 2>/dev/null
	done
	echo "Bail out! node_exporter did not start: $(tail -3 "$T_DIR/node_exporter.log")"
	exit 1
}
scrape() {
	local t0 t1
	t0=$(t_now_us)
	curl -sf --max-time 10 "http://127.0.0.1:$PORT/metrics" > "$T_DIR/scrape"
	SCRAPE_RC=$?
	t1=$(t_now_us)
	SCRAPE_MS=$(( (t1 - t0) / 1000 ))
}
# sample NAME{LABELS}: the value of that series in the scrape (as a
# number: node_exporter writes 1.073741824e+09)
sample() {
	K="$1 " awk 'BEGIN { k = ENVIRON["K"] }
		index($0, k) == 1 { v = substr($0, length(k) + 1); printf "%.6f\n", v + 0; f = 1 }
		END { if (!f) print "none" }' "$T_DIR/scrape"
}
# num GOT OP WANT DESCRIPTION
num() {
	if awk -v a="$1" -v b="$3" "BEGIN { exit !(a != \"none\" && a $2 b) }"; then t_pass "$4"
	else t_fail "$4"; t_note "  got $1, want $2 $3"; fi
}

start_node_exporter
scrape
t_is "$SCRAPE_RC" 0 "node_exporter serves /metrics"
t_le "$SCRAPE_MS" 2000 "the scrape does not wait on the hung mount"
num "$(sample node_textfile_scrape_error)" == 0 "node_textfile_scrape_error 0"
t_is "$(grep -c '^node_filesystem_' "$T_DIR/scrape")" 0 "no filesystem collector ran"
for fam in fsprobe_mount_up fsprobe_mount_state fsprobe_probe_duration_seconds fsprobe_mount_hung_seconds \
	fsprobe_filesystem_size_bytes fsprobe_filesystem_free_bytes fsprobe_filesystem_avail_bytes \
	fsprobe_filesystem_files fsprobe_filesystem_files_free fsprobe_mount_info \
	fsprobe_last_run_timestamp_seconds fsprobe_build_info; do
	t_is "$(grep -c "^# TYPE $fam gauge$" "$T_DIR/scrape")" 1 "node_exporter serves $fam"
done

L=$(labels ok)
num "$(sample "fsprobe_mount_up{$L}")" == 1 "healthy: up 1"
num "$(sample "fsprobe_mount_state{$L,state=\"ok\"}")" == 1 "healthy: state ok"
num "$(sample "fsprobe_mount_state{$L,state=\"hung\"}")" == 0 "healthy: not hung"
num "$(sample "fsprobe_probe_duration_seconds{$L}")" '>' 0 "healthy: probe duration"
num "$(sample "fsprobe_probe_duration_seconds{$L}")" '<' 1 "healthy: probe duration under the timeout"
num "$(sample "fsprobe_mount_hung_seconds{$L}")" == 0 "healthy: hung 0 s"
num "$(sample "fsprobe_filesystem_size_bytes{$L}")" == 1073741824 "healthy: size"
num "$(sample "fsprobe_filesystem_free_bytes{$L}")" == 536870912 "healthy: free"
num "$(sample "fsprobe_filesystem_avail_bytes{$L}")" == 491520000 "healthy: available"
num "$(sample "fsprobe_filesystem_files{$L}")" == 65536 "healthy: files"
num "$(sample "fsprobe_filesystem_files_free{$L}")" == 60000 "healthy: files free"
# node_exporter sorts the labels by name
t_like "$(grep -F 'fsprobe_mount_info{device="ok",fstype="fuse.testfs",major="0",minor="' "$T_DIR/scrape")" \
	",mount_id=\"[0-9]+\",mountpoint=\"$ok\"} 1\$" "healthy: info"

L=$(labels hang)
num "$(sample "fsprobe_mount_up{$L}")" == 0 "hung: up 0"
num "$(sample "fsprobe_mount_state{$L,state=\"hung\"}")" == 1 "hung: state hung"
num "$(sample "fsprobe_mount_state{$L,state=\"ok\"}")" == 0 "hung: not ok"
HUNG1=$(sample "fsprobe_mount_hung_seconds{$L}")
num "$HUNG1" '>=' 0.9 "hung: hung for at least the timeout"
t_is "$(sample "fsprobe_filesystem_size_bytes{$L}")/$(sample "fsprobe_probe_duration_seconds{$L}")" none/none \
	"hung: no size, no duration"

L=$(labels dead)
num "$(sample "fsprobe_mount_up{$L}")" == 0 "disconnected: up 0"
num "$(sample "fsprobe_mount_state{$L,state=\"disconnected\"}")" == 1 "disconnected: state disconnected"
num "$(sample "fsprobe_mount_hung_seconds{$L}")" == 0 "disconnected: not hung"
t_is "$(sample "fsprobe_filesystem_size_bytes{$L}")" none "disconnected: no size"

L=$(labels odd)
num "$(sample "fsprobe_mount_up{$L}")" == 1 "a mount point with a quote, a backslash and a space round-trips"
t_like "$L" 'we \\"ird\\\\ name' "(escaped as the format wants)"

t_like "$(grep '^fsprobe_build_info{' "$T_DIR/scrape")" \
	'^fsprobe_build_info\{engine="(uring|threads)",version="[0-9]+\.[0-9]+[^"]*"\} 1$' "build info"
num "$(sample fsprobe_last_run_timestamp_seconds)" '>' "$(( $(date +%s) - 60 ))" "last run: just now"
for s in ok hang dead odd; do
	n=$(grep -cF "fsprobe_mount_state{$(labels $s),state=" "$T_DIR/scrape")
	ones=$(grep -F "fsprobe_mount_state{$(labels $s),state=" "$T_DIR/scrape" | grep -c ' 1$')
	t_is "$n/$ones" 8/1 "$s: one-hot over the eight states"
done

# The next run finds the hung probe still pending: how long it has been
# hung grows, the file is replaced whole, node_exporter serves the new one.
sleep 1
run_fsprobe --textfile "$PROM" --timeout 1s "${mine[@]}"
scrape
HUNG2=$(sample "fsprobe_mount_hung_seconds{$(labels hang)}")
num "$HUNG2" '>=' "$(awk -v a="$HUNG1" 'BEGIN { print a + 1 }')" "hung seconds grow across runs ($HUNG1 -> $HUNG2)"
num "$(sample node_textfile_scrape_error)" == 0 "after the refresh: node_textfile_scrape_error 0"
t_is "$(fuse_count hang GETATTR)" 1 "the hung mount got one request in three runs"

# The rules of contrib/prometheus against the series exactly as scraped:
# the hung alert fires for fsprobe's own labels after five minutes.
series=$(grep -F "fsprobe_mount_state{$(labels hang),state=\"hung\"}" "$T_DIR/scrape" | sed 's/ [^ ]*$//')
cp "$RULES" "$T_DIR/rules.yml"
cat > "$T_DIR/rules.test.yml" <<EOF
rule_files: [rules.yml]
evaluation_interval: 1m
tests:
  - interval: 1m
    input_series:
      - series: '$series'
        values: '1x10'
    alert_rule_test:
      - eval_time: 4m
        alertname: FsprobeMountHung
        exp_alerts: []
      - eval_time: 5m
        alertname: FsprobeMountHung
        exp_alerts:
          - exp_labels: {severity: critical, device: hang, fstype: fuse.testfs, mountpoint: '$hang', state: hung}
            exp_annotations:
              summary: '$hang is hung'
              description: 'fuse.testfs mount hang on $hang () has not answered for 5 minutes; processes that touch it hang.'
EOF
(cd "$T_DIR" && promtool test rules rules.test.yml) > "$T_DIR/promtool.out" 2>&1
t_is "$?" 0 "promtool test rules: the hung alert fires at 5 minutes, not before, for the scraped series"
grep -q SUCCESS "$T_DIR/promtool.out" || t_note "$(cat "$T_DIR/promtool.out")"

# node_exporter ends on SIGTERM (Go's default action: killed by it), and
# then nothing serves its port.
kill -TERM "$NE_PID" 2>/dev/null
for i in $(seq 100); do
	st=$(sed 's/.*) //' "/proc/$NE_PID/stat" 2>/dev/null | cut -d' ' -f1)
	{ [ -z "$st" ] || [ "$st" = Z ]; } && break
	sleep 0.05
done
[ -n "$st" ] && [ "$st" != Z ] && kill -KILL "$NE_PID" 2>/dev/null
wait "$NE_PID" 2>/dev/null
t_like "$?" '^(0|143)$' "node_exporter stopped on SIGTERM within 5 s"
curl -s --max-time 2 -o /dev/null "http://127.0.0.1:$PORT/metrics"
t_is "$?" 7 "nothing serves node_exporter's port any more (curl: cannot connect)"
t_done
