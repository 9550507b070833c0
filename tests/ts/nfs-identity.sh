#!/bin/bash
# NFSv4 client identity and lease churn end to end, without an NFS client:
# a tmpfs mount of this test (its own mount namespace) is described as an
# NFSv4 mount by a mountinfo file, its NFS statistics come from a
# mountstats file the test rewrites, and the identity sources from a
# fixture tree (--sysroot). The probe itself is real (statx answers, so
# the mount is ok); everything NFS is what the files say. Checks the
# warning in JSON, the exit status, churn across runs through the state
# directory, the threshold option, Nagios, Prometheus (promtool), a state
# directory on a suspect mount, and the daemon's log lines and textfile;
# the client owner hash (JSON client_owner_hash, fsprobe_nfs_client_info)
# against sha256sum of the string the kernel would send, and the host-wide
# uniquifier in a network namespace of its own (unshare --net).
# The real thing, two network namespaces stealing a lease from one nfsd,
# is tests/vm/guest/identity.sh (the VM suite's "identity" boot).
. "$(dirname "$0")/../lib.sh"
t_require_root
t_require_jq
t_require_installed prometheus promtool
t_init

NFS=$T_DIR/nfs
mkdir -p "$NFS" "$T_DIR/root"
mount -t tmpfs fsprobe-nfs-identity "$NFS" || t_skip_all "cannot mount a tmpfs"
t_add_mount "$NFS"
id_of() { awk -v t="$1" '$5 == t { id = $1 } END { print id }' /proc/self/mountinfo; }
ROOT_ID=$(id_of /) NFS_ID=$(id_of "$NFS")
[ -n "$ROOT_ID" ] && [ -n "$NFS_ID" ] || { echo "Bail out! no mount ID for / or $NFS in mountinfo"; exit 1; }

MI=$T_DIR/mountinfo MS=$T_DIR/mountstats SYS=$T_DIR/root
cat > "$MI" <<EOF
$ROOT_ID 1 254:0 / / rw - ext4 /dev/vda rw
$NFS_ID $ROOT_ID 0:99 / $NFS rw,relatime - nfs4 srv:/export rw,vers=4.2,hard,proto=tcp,sec=sys,clientaddr=10.0.0.2
EOF

# mountstats EXCHANGE_ID CREATE_SESSION DESTROY_SESSION AGE: the mount's
# block in the format of Linux 6.x, replaced atomically (the daemon reads
# it every cycle). AGE - leaves the age out: a fixed age stops matching
# the clock after a few seconds, which means "another mount" (start over).
# AGE clock is the mount's age as the kernel prints it: 100 s at the first
# write, growing with the clock; fsp brings it up to date before each run
# (a loaded machine's slow runs would otherwise drift from a fixed age by
# more than the slack allowed, and the churn would start over).
mountstats() {
	local age="	age:	$4"
	[ "$4" = clock ] && age="	age:	$(( 100 + SECONDS - AGE0 ))"
	[ "$4" = - ] && age="	impl_id:	name='',domain='',date='0,0'"
	cat > "$MS.new" <<EOF
device /dev/vda mounted on / with fstype ext4
device srv:/export mounted on $NFS with fstype nfs4 statvers=1.1
	opts:	rw,vers=4.2,rsize=1048576,wsize=1048576,namlen=255,hard,proto=tcp,timeo=600,retrans=2,sec=sys,clientaddr=10.0.0.2,local_lock=none
$age
	caps:	caps=0x3ffbffff,wtmult=512,dtsize=1048576,bsize=0,namlen=255
	nfsv4:	bm0=0xfdffbfff,bm1=0x40f9be3e,bm2=0x68800,acl=0x3,sessions,pnfs=not configured,lease_time=90,lease_expired=0
	RPC iostats version: 1.1  p/v: 100003/4 (nfs)
	per-op statistics
	        NULL: 1 1 0 44 24 0 0 0 0
	 EXCHANGE_ID: $1 $1 0 0 0 0 0 0 0
	CREATE_SESSION: $2 $2 0 0 0 0 0 0 $(( $2 / 2 ))
	DESTROY_SESSION: $3 $3 0 0 0 0 0 0 $3
	    SEQUENCE: 500 500 0 0 0 0 0 0 0

EOF
	mv "$MS.new" "$MS"
}
# identity IDENTIFIER PARAM HOSTNAME: the sysfs and procfs files as the
# kernel shows them ("(null)" for an identifier never set).
identity() {
	mkdir -p "$SYS/sys/fs/nfs/net/nfs_client" "$SYS/sys/module/nfs/parameters" "$SYS/proc/sys/kernel"
	printf '%s\n' "$1" > "$SYS/sys/fs/nfs/net/nfs_client/identifier"
	printf '%s\n' "$2" > "$SYS/sys/module/nfs/parameters/nfs4_unique_id"
	printf '%s\n' "$3" > "$SYS/proc/sys/kernel/hostname"
}
fsp() {
	if [ -n "${AGE0:-}" ] && grep -q '^	age:' "$MS"; then
		sed "s/^	age:	.*/	age:	$(( 100 + SECONDS - AGE0 ))/" "$MS" > "$MS.new" && mv "$MS.new" "$MS"
	fi
	run_fsprobe --mountinfo "$MI" --mountstats "$MS" --sysroot "$SYS" --timeout 2s "$@"
}
# owner_hash STRING: the published prefix, by another SHA-256 than fsprobe's
owner_hash() { printf '%s' "$1" | sha256sum | cut -c1-16; }

identity "(null)" "" localhost
AGE0=$SECONDS
mountstats 2 3 1 clock

# ---- the first run: identity only, nothing to compare the counters with
fsp --json
t_is "$RC" 0 "warnings leave the exit status 0"
t_is "$(json_field "$NFS" status)" ok "the mount is ok"
t_is "$(json_field "$NFS" warning)" hostname-only-identity "first run: hostname-only identity"
t_like "$(json_field "$NFS" detail)" "^hostname-only-identity: the NFSv4 client identity is the hostname 'localhost' alone, a common default hostname: clients sharing it are likely" \
	"detail explains, and says localhost is a default"
t_like "$(json_field "$NFS" detail)" "set a unique /sys/fs/nfs/net/nfs_client/identifier" "detail says the fix"
t_is "$(jq -r '.mounts | length' "$OUT")" 1 "only the NFS mount is selected"
t_is "$(stat -c %a "$T_DIR/state/nfs-leases" 2>/dev/null)" 600 "the counters are kept in the state directory (0600)"
t_is "$(json_field "$NFS" client_owner_hash)" "$(owner_hash "Linux NFSv4.2 localhost")" \
	"client_owner_hash: of 'Linux NFSv4.2 localhost'"

# ---- 12 more establishments: lease churn
mountstats 6 11 4 clock
fsp --json
t_is "$RC" 0 "churn too leaves the exit status 0"
t_is "$(json_field "$NFS" warning)" hostname-only-identity,lease-churn "second run: lease-churn as well"
t_like "$(json_field "$NFS" detail)" '^lease-churn: the NFSv4 client established its lease 12 times in [0-9.]+(us|ms|s) \(EXCHANGE_ID\+CREATE_SESSION, 3 sessions destroyed\): another client with the same identity is stealing its lease' \
	"detail: count, period, operations, the likely cause"

# ---- the human table shows it in DETAIL, -o WARNING as a column
fsp -r -n -o TARGET,STATUS,WARNING
t_is "$(cat "$OUT")" "$NFS ok hostname-only-identity,lease-churn" "WARNING column"

# ---- a quiet period: within the window the churn is still seen
fsp --json
t_is "$(json_field "$NFS" warning)" hostname-only-identity,lease-churn "no new establishments: still churn within the window"

# ---- the threshold option
mountstats 10 19 8 clock
fsp --json --lease-churn-threshold 100
t_is "$(json_field "$NFS" warning)" hostname-only-identity "--lease-churn-threshold 100: no churn"
fsp --json --lease-churn-threshold 0
t_is "$(json_field "$NFS" warning)" hostname-only-identity "--lease-churn-threshold 0: no churn check"
run_fsprobe --lease-churn-threshold x
t_is "$RC" 2 "--lease-churn-threshold x: usage error"

# ---- without a state directory there is nothing to compare with
fsp --json --no-state
t_is "$(json_field "$NFS" warning)" hostname-only-identity "--no-state: no churn"
# ... nor in one that lies on the (supposed) NFS mount: never touched
fsp --json -v --state-dir "$NFS/state"
t_is "$(json_field "$NFS" warning)" hostname-only-identity "state directory on the NFS mount: no churn"
t_like "$(cat "$ERR")" "NFSv4 checks incomplete: the state directory is on a network or FUSE mount" "-v says why"
# (the probe helper keeps its registry wherever --state-dir says; the
# front writes no lease counters there)
t_is "$(ls -A "$NFS/state" 2>/dev/null | grep -c nfs-leases)" 0 "and no lease counters were written there"

# ---- Nagios: WARNING, the reason on the first line and in the long output
mountstats 20 29 12 clock
fsp --nagios
t_is "$RC" 1 "Nagios: WARNING (1)"
t_like "$(head -1 "$OUT")" "^FSPROBE WARNING - 1 of 1 mount with warnings: $NFS hostname-only-identity,lease-churn \\|" "Nagios: first line"
t_like "$(sed -n 2p "$OUT")" "^\\[WARNING\\] $NFS: ok in .*, nfs4 srv:/export; lease-churn: " "Nagios: long output explains"

# ---- Prometheus
fsp --prometheus
t_is "$RC" 0 "Prometheus: exit status 0"
L="device=\"srv:/export\",fstype=\"nfs4\",mountpoint=\"$NFS\""
t_is "$(grep -c "^fsprobe_mount_warning{$L,warning=\"\(hostname-only-identity\|lease-churn\)\"} 1$" "$OUT")" 2 "fsprobe_mount_warning: both 1"
t_is "$(grep "^fsprobe_nfs_identity_unique{" "$OUT")" "fsprobe_nfs_identity_unique{$L} 0" "fsprobe_nfs_identity_unique 0"
t_is "$(grep "^fsprobe_nfs_lease_operations_total{$L,operation=\"CREATE_SESSION\"}" "$OUT")" \
	"fsprobe_nfs_lease_operations_total{$L,operation=\"CREATE_SESSION\"} 29" "the counters as _total"
t_is "$(grep -c '^# TYPE fsprobe_nfs_lease_operations_total counter$' "$OUT")" 1 "a counter"
t_is "$(grep '^fsprobe_nfs_client_info' "$OUT")" \
	"fsprobe_nfs_client_info{identity_source=\"hostname\",nfs_version=\"4.2\",owner_hash=\"$(owner_hash "Linux NFSv4.2 localhost")\"} 1" \
	"fsprobe_nfs_client_info: the hostname's owner string"
promtool check metrics < "$OUT" > "$T_DIR/lint" 2>&1
t_is "$?:$(cat "$T_DIR/lint")" "0:" "promtool check metrics: no complaint"

# ---- a unique identifier in the namespace: no identity warning
identity "4c1f9a2e0b7d" "" localhost
fsp --json --no-state
t_is "$(json_field "$NFS" warning)" null "identifier set: no warning"
t_is "$(json_field "$NFS" detail)" null "identifier set: no detail"
fsp --prometheus --no-state
t_is "$(grep -c "^fsprobe_nfs_identity_unique{$L} 1$" "$OUT")" 1 "fsprobe_nfs_identity_unique 1"
t_is "$(grep '^fsprobe_nfs_client_info' "$OUT")" \
	"fsprobe_nfs_client_info{identity_source=\"identifier\",nfs_version=\"4.2\",owner_hash=\"$(owner_hash "Linux NFSv4.2 4c1f9a2e0b7d/localhost")\"} 1" \
	"fsprobe_nfs_client_info: the identifier's owner string"
# the host-wide parameter alone identifies a host, not a namespace
identity "(null)" "host-7" web1
fsp --json --no-state
t_is "$(json_field "$NFS" warning)" null "nfs4_unique_id on a host (not a container): no warning"
t_is "$(json_field "$NFS" client_owner_hash)" "$(owner_hash "Linux NFSv4.2 host-7/web1")" \
	"client_owner_hash: of 'Linux NFSv4.2 host-7/web1'"
# written with echo, the parameter keeps a newline, and so does the owner
printf 'host-7\n\n' > "$SYS/sys/module/nfs/parameters/nfs4_unique_id"
fsp --prometheus --no-state
t_like "$(grep '^fsprobe_nfs_client_info' "$OUT")" \
	"identity_source=\"module_param\",nfs_version=\"4.2\",owner_hash=\"$(owner_hash "Linux NFSv4.2 host-7
/web1")\"" "the module parameter's own newline is part of the owner string"

# the host-wide parameter in a network namespace other than the initial
# one: every namespace of the host with this hostname sends the same
# owner string. fsprobe compares its network namespace with PID 1's, which
# needs ptrace access to PID 1 (a sandbox may keep it from root): so
# fsprobe runs in a PID namespace of the test whose PID 1 is a shell of
# the test, in its network namespace, then in a new one. The tree links
# the real namespace files (only net: a PID namespace is a container hint).
identity "(null)" "host-7" web1
mkdir -p "$SYS/proc/self/ns" "$SYS/proc/1/ns"
ln -sfn /proc/self/ns/net "$SYS/proc/self/ns/net"
ln -sfn /proc/1/ns/net "$SYS/proc/1/ns/net"
FSPROBE_REAL=$FSPROBE
# in_pidns [NET-COMMAND...]: a wrapper running fsprobe as a child of PID 1
# (--mount-proc makes a mount namespace: the mountinfo file gets its IDs)
in_pidns() {
	cat > "$T_DIR/in-pidns.sh" <<EOF
awk -v t="$NFS" '\$5 == "/" { r = \$1 } \$5 == t { n = \$1 } END { print r, n }' /proc/self/mountinfo | {
	read -r r n
	sed -e "1s/^[0-9]* /\$r /" -e "2s/^[0-9]* [0-9]* /\$n \$r /" "$MI" > "$MI.ns"
}
$* "$FSPROBE_REAL" "\$@"
EOF
	printf '#!/bin/sh\nexec unshare --pid --fork --mount-proc sh %s "$@"\n' "$T_DIR/in-pidns.sh" > "$T_DIR/in-pidns"
	chmod +x "$T_DIR/in-pidns"
	FSPROBE=$T_DIR/in-pidns
}
fsp_ns() { run_fsprobe --mountinfo "$MI.ns" --mountstats "$MS" --sysroot "$SYS" --timeout 2s "$@"; }
in_pidns
fsp_ns --json --no-state
t_is "$(json_field "$NFS" status):$(json_field "$NFS" warning)" ok:null "the network namespace of PID 1: ok, no warning"
in_pidns unshare --net
fsp_ns --json --no-state
t_is "$(json_field "$NFS" warning)" hostname-only-identity "another network namespace: hostname-only-identity"
t_like "$(json_field "$NFS" detail)" "the uniquifier is host-wide and this network namespace is not the initial one" \
	"... the uniquifier is host-wide and this network namespace is not the initial one"
t_is "$(json_field "$NFS" client_owner_hash)" "$(owner_hash "Linux NFSv4.2 host-7/web1")" \
	"... and the owner hash of the initial namespace's clients"
identity "8a2f0c6e1d" "host-7" web1
fsp_ns --json --no-state
t_is "$(json_field "$NFS" warning)" null "an identifier of its own there: no warning"
FSPROBE=$FSPROBE_REAL
rm -rf "$SYS/proc/self" "$SYS/proc/1"
identity "(null)" "" web1.example.com
fsp --json --no-state
t_like "$(json_field "$NFS" detail)" "the hostname 'web1.example.com' alone: another client with the same hostname would steal its lease" \
	"a specific hostname: warned, less loudly"
rm -f "$SYS/sys/module/nfs/parameters/nfs4_unique_id"
fsp --json --no-state
t_is "$(json_field "$NFS" warning)" null "module parameter unreadable: unknown, no warning made up"

# ---- the daemon: log lines on the transitions, the textfile
identity "(null)" "" localhost
mountstats 20 29 12 -
PROM=$T_DIR/prom
"$FSPROBE" --daemon --interval 250ms --timeout 1s --max-cycles 30 --state-dir "$T_DIR/dstate" \
	--mountinfo "$MI" --mountstats "$MS" --sysroot "$SYS" --textfile "$PROM" 2> "$T_DIR/daemon.log" &
D=$!
T_PIDS="$T_PIDS $D"
wait_log() { # wait_log SECONDS REGEX
	local i
	for i in $(seq $(( $1 * 20 ))); do
		grep -Eq -- "$2" "$T_DIR/daemon.log" && return 0
		sleep 0.05
	done
	return 1
}
if wait_log 5 "^fsprobe: $NFS: NFSv4 warning hostname-only-identity \\(hostname-only-identity: "; then
	t_pass "daemon: the identity warning logged at start"
else
	t_fail "daemon: the identity warning logged at start"; t_note "$(cat "$T_DIR/daemon.log")"
fi
mountstats 30 40 20 -
if wait_log 5 "^fsprobe: $NFS: NFSv4 warning hostname-only-identity -> hostname-only-identity,lease-churn \\(lease-churn: the NFSv4 client established its lease 21 times"; then
	t_pass "daemon: the transition to lease-churn logged with the count"
else
	t_fail "daemon: the transition to lease-churn logged"; t_note "$(cat "$T_DIR/daemon.log")"
fi
for i in $(seq 40); do grep -q 'warning="lease-churn"} 1' "$PROM" 2>/dev/null && break; sleep 0.05; done
t_is "$(grep -c "warning=\"lease-churn\"} 1" "$PROM")" 1 "daemon: textfile has the churn"
t_is "$(grep '^fsprobe_nfs_client_info' "$PROM")" \
	"fsprobe_nfs_client_info{identity_source=\"hostname\",nfs_version=\"4.2\",owner_hash=\"$(owner_hash "Linux NFSv4.2 localhost")\"} 1" \
	"daemon: textfile has the client's owner hash"
identity "4c1f9a2e0b7d" "" localhost
if wait_log 5 "^fsprobe: $NFS: NFSv4 warning hostname-only-identity,lease-churn -> lease-churn "; then
	t_pass "daemon: the identity warning's end logged"
else
	t_fail "daemon: the identity warning's end logged"; t_note "$(cat "$T_DIR/daemon.log")"
fi
wait "$D"
t_is "$?" 0 "daemon: ran its cycles and exited 0"
t_is "$(grep -c 'NFSv4 warning' "$T_DIR/daemon.log")" 3 "daemon: one line per change, no repeats"
[ "$(grep -c 'NFSv4 warning' "$T_DIR/daemon.log")" = 3 ] || t_note "$(cat "$T_DIR/daemon.log")"

t_done
