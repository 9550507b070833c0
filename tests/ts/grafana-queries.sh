#!/bin/bash
# Every query of the fleet dashboard (contrib/grafana/fsprobe-fleet.json)
# run against a real Prometheus, Debian's, scraping Debian's node_exporter
# with its textfile collector reading files that fsprobe wrote, and
# checked for the series it must return (count, labels, values).
#
# The "fleet" is three node_exporters on loopback, each standing for a
# host (the scrape config names them by their instance label):
#   fuse-host     fsprobe over this test's FUSE mounts: one healthy, one
#                 hung (the daemon reads a request and never answers)
#   nfs-clone-1   fsprobe over an NFSv4.2 mount that is described by
#   nfs-clone-2   fixture files (a tmpfs of this test given as nfs4 by a
#                 mountinfo file, its RPC counters by a mountstats file,
#                 the identity sources by a --sysroot tree, exactly as
#                 tests/ts/nfs-identity.sh does): this host has no NFS
#                 client. Both clones have the hostname build-01 and no
#                 identifier, so their owner strings are equal, and their
#                 counters grow between two runs (lease churn).
# Everything the panels read is fsprobe's own output; nothing is typed in.
# Grafana's variables are substituted as Grafana would: $instance by the
# "All" value .* (and once by one instance), $__rate_interval by 1m.
. "$(dirname "$0")/../lib.sh"
t_require_root
t_require_fuse
t_require_jq
t_require_installed prometheus prometheus
t_require_installed prometheus-node-exporter prometheus-node-exporter
t_require_installed curl curl
PROMETHEUS=$(command -v prometheus)
NODE_EXPORTER=$(command -v prometheus-node-exporter)
DASH=$(cd "$(dirname "$0")/../../contrib/grafana" && pwd)/fsprobe-fleet.json
t_init
# the clones' NFS mount (see above); skips come before any assertion
NFS=$T_DIR/nfs
mkdir -p "$NFS"
mount -t tmpfs fsprobe-grafana-nfs "$NFS" || t_skip_all "cannot mount a tmpfs"
t_add_mount "$NFS"

# ---- the dashboard file itself
jq -e . "$DASH" > /dev/null
t_is "$?" 0 "the dashboard is valid JSON"
t_is "$(jq '.schemaVersion >= 36 and .schemaVersion <= 39' "$DASH")" true "schema of Grafana 10 (36-39)"
t_is "$(jq -r '[.panels[].title] | join("|")' "$DASH")" \
	"Hung mounts by instance|Hung duration|Mount states over time|NFSv4 lease churn|Shared NFSv4 client identities|Textfile staleness" \
	"the six fleet panels"
t_is "$(jq '[.panels[].id] | (length == (unique | length))' "$DASH")" true "panel ids are unique"
t_is "$(jq '[.panels[] | .datasource.uid, .targets[].datasource.uid] | unique' -c "$DASH")" '["${datasource}"]' \
	"every panel and query uses the datasource variable"
t_is "$(jq -r '[.templating.list[].name] | join(",")' "$DASH")" datasource,instance "variables: datasource, instance"

# ---- host fuse-host: a healthy and a hung FUSE mount
fuse_start ok
fuse_start hang
fuse_mode hang hang
ok=$(fuse_mnt ok) hang=$(fuse_mnt hang)
mkdir -p "$T_DIR/tf/fuse-host" "$T_DIR/tf/nfs-clone-1" "$T_DIR/tf/nfs-clone-2"
fuse_host() { run_fsprobe --textfile "$T_DIR/tf/fuse-host/fsprobe.prom" --timeout 1s "$ok" "$hang"; }
fuse_host
t_is "$RC" 1 "fuse-host: fsprobe wrote its textfile (exit status 1: a mount is hung)"

# ---- hosts nfs-clone-1 and -2: the NFSv4.2 mount of fixture files
id_of() { awk -v t="$1" '$5 == t { id = $1 } END { print id }' /proc/self/mountinfo; }
ROOT_ID=$(id_of /) NFS_ID=$(id_of "$NFS")
MI=$T_DIR/mountinfo
cat > "$MI" <<EOF
$ROOT_ID 1 254:0 / / rw - ext4 /dev/vda rw
$NFS_ID $ROOT_ID 0:99 / $NFS rw,relatime - nfs4 srv:/export rw,vers=4.2,hard,proto=tcp,sec=sys,clientaddr=10.0.0.2,addr=10.0.0.1
EOF
# nfs_host NAME EXCHANGE_ID CREATE_SESSION DESTROY_SESSION: fsprobe of
# host NAME (its own state directory and identity tree) with these
# counters in its mountstats
nfs_host() {
	local h=$1 root=$T_DIR/root-$1
	mkdir -p "$root/sys/fs/nfs/net/nfs_client" "$root/sys/module/nfs/parameters" "$root/proc/sys/kernel"
	echo "(null)" > "$root/sys/fs/nfs/net/nfs_client/identifier"
	echo > "$root/sys/module/nfs/parameters/nfs4_unique_id"
	echo build-01 > "$root/proc/sys/kernel/hostname"
	cat > "$T_DIR/mountstats-$h" <<EOF
device /dev/vda mounted on / with fstype ext4
device srv:/export mounted on $NFS with fstype nfs4 statvers=1.1
	opts:	rw,vers=4.2,rsize=1048576,wsize=1048576,namlen=255,hard,proto=tcp,timeo=600,retrans=2,sec=sys,clientaddr=10.0.0.2,local_lock=none
	caps:	caps=0x3ffbffff,wtmult=512,dtsize=1048576,bsize=0,namlen=255
	nfsv4:	bm0=0xfdffbfff,bm1=0x40f9be3e,bm2=0x68800,acl=0x3,sessions,pnfs=not configured,lease_time=90,lease_expired=0
	RPC iostats version: 1.1  p/v: 100003/4 (nfs)
	per-op statistics
	        NULL: 1 1 0 44 24 0 0 0 0
	 EXCHANGE_ID: $2 $2 0 0 0 0 0 0 0
	CREATE_SESSION: $3 $3 0 0 0 0 0 0 0
	DESTROY_SESSION: $4 $4 0 0 0 0 0 0 $4

EOF
	"$FSPROBE" --textfile "$T_DIR/tf/$h/fsprobe.prom" --timeout 2s --state-dir "$T_DIR/state-$h" \
		--mountinfo "$MI" --mountstats "$T_DIR/mountstats-$h" --sysroot "$root" > /dev/null 2>&1
}
for h in nfs-clone-1 nfs-clone-2; do
	nfs_host "$h" 2 3 1
	t_is "$?:$(grep -c '^fsprobe_nfs_client_info{' "$T_DIR/tf/$h/fsprobe.prom")" 0:1 "$h: fsprobe wrote its textfile"
done
OWNER=$(printf '%s' "Linux NFSv4.2 build-01" | sha256sum | cut -c1-16)

# ---- three node_exporters and a Prometheus scraping them every second
# free_port: a loopback port nobody listens on
free_port() {
	local p
	while :; do
		p=$((20000 + RANDOM % 40000))
		ss -Hltn "sport = :$p" 2>/dev/null | grep -q . || { echo "$p"; return; }
	done
}
# wait_http URL PID: until URL answers (or PID died)
wait_http() {
	local i
	for i in $(seq 200); do
		curl -sf -o /dev/null "$1" && return 0
		kill -0 "$2" 2>/dev/null || return 1
		sleep 0.05
	done
	return 1
}
STARTED=
declare -A NE_PORT
for h in fuse-host nfs-clone-1 nfs-clone-2; do
	for try in 1 2 3 4 5; do
		port=$(free_port)
		"$NODE_EXPORTER" --web.listen-address="127.0.0.1:$port" --collector.disable-defaults \
			--collector.textfile --collector.textfile.directory="$T_DIR/tf/$h" \
			--web.disable-exporter-metrics > "$T_DIR/ne-$h.log" 2>&1 &
		pid=$!
		T_PIDS="$T_PIDS $pid"
		if wait_http "http://127.0.0.1:$port/metrics" "$pid"; then
			NE_PORT[$h]=$port
			STARTED="$STARTED $pid"
			break
		fi
		kill -KILL "$pid" 2>/dev/null; wait "$pid" 2>/dev/null
	done
	[ -n "${NE_PORT[$h]:-}" ] || { echo "Bail out! node_exporter for $h did not start: $(tail -3 "$T_DIR/ne-$h.log")"; exit 1; }
done

cat > "$T_DIR/prometheus.yml" <<EOF
global:
  scrape_interval: 1s
  scrape_timeout: 1s
  evaluation_interval: 1s
scrape_configs:
  - job_name: node
    static_configs:
      - targets: ['127.0.0.1:${NE_PORT[fuse-host]}']
        labels: {instance: fuse-host}
      - targets: ['127.0.0.1:${NE_PORT[nfs-clone-1]}']
        labels: {instance: nfs-clone-1}
      - targets: ['127.0.0.1:${NE_PORT[nfs-clone-2]}']
        labels: {instance: nfs-clone-2}
EOF
for try in 1 2 3 4 5; do
	PP=$(free_port)
	"$PROMETHEUS" --config.file="$T_DIR/prometheus.yml" --storage.tsdb.path="$T_DIR/tsdb" \
		--web.listen-address="127.0.0.1:$PP" > "$T_DIR/prometheus.log" 2>&1 &
	PROM_PID=$!
	T_PIDS="$T_PIDS $PROM_PID"
	wait_http "http://127.0.0.1:$PP/-/ready" "$PROM_PID" && break
	kill -KILL "$PROM_PID" 2>/dev/null; wait "$PROM_PID" 2>/dev/null
	PROM_PID=
done
[ -n "$PROM_PID" ] || { echo "Bail out! prometheus did not start: $(tail -5 "$T_DIR/prometheus.log")"; exit 1; }
t_pass "prometheus and three node_exporters up on loopback"

# query EXPR: the API's answer in $T_DIR/q.json; prints the result array
query() {
	curl -sf --max-time 10 "http://127.0.0.1:$PP/api/v1/query" --data-urlencode "query=$1" > "$T_DIR/q.json" ||
		echo '{"status":"curl failed"}' > "$T_DIR/q.json"
	jq -c 'if .status == "success" then .data.result else [] end' "$T_DIR/q.json"
}
# wait_query EXPR JQ-TEST SECONDS: until the result passes the test
wait_query() {
	local i
	for i in $(seq $(( $3 * 4 ))); do
		[ "$(query "$1" | jq "$2")" = true ] && return 0
		sleep 0.25
	done
	return 1
}
wait_query 'count(fsprobe_last_run_timestamp_seconds)' '.[0].value[1] == "3"' 30
t_is "$?" 0 "Prometheus scraped all three textfiles"
t_is "$(query 'sum(node_textfile_scrape_error)' | jq -r '.[0].value[1]')" 0 "node_textfile_scrape_error 0 everywhere"

# ---- a second round: the hung mount older, the clones' counters grown
# (12 more lease establishments each: lease-churn)
sleep 2
fuse_host
for h in nfs-clone-1 nfs-clone-2; do nfs_host "$h" 6 11 4; done
t_is "$(grep -c 'warning="lease-churn"} 1' "$T_DIR/tf/nfs-clone-1/fsprobe.prom")" 1 "nfs-clone-1: fsprobe sees lease churn"
wait_query 'count(fsprobe_nfs_lease_operations_total{operation="EXCHANGE_ID"} == 6)' '.[0].value[1] == "2"' 30
t_is "$?" 0 "Prometheus scraped the second round"
sleep 2

# ---- every query of every panel
# expect KEY COUNT JQ-TEST: what the query of panel title|refId returns
declare -A WANT_N WANT_T
expect() { WANT_N[$1]=$2; WANT_T[$1]=$3; }
num() { printf '(.value[1] | tonumber)'; }
expect "Hung mounts by instance|A" 3 \
	"(map({(.metric.instance): .value[1]}) | add) == {\"fuse-host\": \"1\", \"nfs-clone-1\": \"0\", \"nfs-clone-2\": \"0\"}"
expect "Hung duration|A" 1 \
	".[0].metric.instance == \"fuse-host\" and .[0].metric.mountpoint == \"$hang\" and .[0].metric.fstype == \"fuse.testfs\" and (.[0] | $(num)) >= 2"
expect "Mount states over time|A" 8 \
	"(map({(.metric.state): .value[1]}) | add) == {ok: \"3\", hung: \"1\", stale: \"0\", disconnected: \"0\", down: \"0\", denied: \"0\", blocked: \"0\", error: \"0\"}"
expect "NFSv4 lease churn|A" 2 \
	"([.[].metric.instance] | sort) == [\"nfs-clone-1\", \"nfs-clone-2\"] and all(.[]; .metric.mountpoint == \"$NFS\" and $(num) > 0)"
expect "NFSv4 lease churn|B" 2 \
	"([.[].metric.instance] | sort) == [\"nfs-clone-1\", \"nfs-clone-2\"] and all(.[]; .value[1] == \"1\")"
expect "Shared NFSv4 client identities|A" 1 \
	".[0].metric == {owner_hash: \"$OWNER\", nfs_version: \"4.2\"} and .[0].value[1] == \"2\""
expect "Shared NFSv4 client identities|B" 2 \
	"([.[].metric.instance] | sort) == [\"nfs-clone-1\", \"nfs-clone-2\"] and all(.[]; .metric.owner_hash == \"$OWNER\" and .metric.identity_source == \"hostname\" and .metric.nfs_version == \"4.2\")"
expect "Textfile staleness|A" 3 \
	"([.[].metric.instance] | sort) == [\"fuse-host\", \"nfs-clone-1\", \"nfs-clone-2\"] and all(.[]; $(num) >= 0 and $(num) < 120)"

# Grafana's substitutions: $instance (All: .*; also ${instance}) and
# $__rate_interval
grafana_expr() {
	local e=$1 inst=$2
	e=${e//\$\{instance\}/$inst}
	e=${e//\$instance/$inst}
	e=${e//\$__rate_interval/1m}
	printf '%s' "$e"
}
jq -r '.panels[] | .title as $t | .targets[] | [$t + "|" + .refId, .expr] | @tsv' "$DASH" > "$T_DIR/targets"
t_is "$(wc -l < "$T_DIR/targets")" "${#WANT_N[@]}" "every panel query has its expectation here"
while IFS=$'\t' read -r key expr; do
	e=$(grafana_expr "$expr" '.*')
	case $e in *'$'*) t_fail "$key: no Grafana variable left unsubstituted"; t_note "$e"; continue ;; esac
	res=$(query "$e")
	if [ "$(jq -r .status "$T_DIR/q.json")" != success ]; then
		t_fail "$key: Prometheus accepts the query"; t_note "$e: $(cat "$T_DIR/q.json")"
		continue
	fi
	if [ -z "${WANT_N[$key]:-}" ]; then
		t_fail "$key: an expectation"; continue
	fi
	if [ "$(jq length <<< "$res")" = "${WANT_N[$key]}" ] && [ "$(jq "${WANT_T[$key]}" <<< "$res")" = true ]; then
		t_pass "$key: ${WANT_N[$key]} series as expected"
	else
		t_fail "$key: ${WANT_N[$key]} series as expected"
		t_note "query: $e"
		t_note "got: $res"
	fi
done < "$T_DIR/targets"

# one instance picked in the variable
e=$(grafana_expr "$(jq -r '.panels[] | select(.title == "Hung mounts by instance") | .targets[0].expr' "$DASH")" nfs-clone-1)
t_is "$(query "$e" | jq -c 'map([.metric.instance, .value[1]])')" '[["nfs-clone-1","0"]]' \
	"\$instance=nfs-clone-1: only that host"
# the instance variable's own query lists the three hosts
t_is "$(query 'group by (instance) (fsprobe_last_run_timestamp_seconds)' | jq -c '[.[].metric.instance] | sort')" \
	'["fuse-host","nfs-clone-1","nfs-clone-2"]' "the instance variable's values"

for pid in $PROM_PID $STARTED; do
	kill -TERM "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
done
t_pass "prometheus and node_exporters stopped"
t_done
