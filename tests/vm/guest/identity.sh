# Boot "identity": two NFSv4.2 clients with one identity steal each
# other's lease; with an identifier each, they do not; two NFSv4.1 clients
# whose only uniquifier is the host-wide nfs.nfs4_unique_id collide too,
# and fsprobe in one of their network namespaces says so. Every owner hash
# fsprobe reports is checked against the owner string nfsd received
# (/proc/fs/nfsd/clients/*/info, "name:").
# fsvm-boot-timeout: 480
#
# Needs, beyond what tests/vm/init sets up: ip (netns, veth), nsenter and
# unshare, exportfs and mount.nfs from the host's /usr, and the veth module.
# The script does the rest itself: two network namespaces nsA and nsB,
# each joined to the VM by a veth pair (10.99.1.0/24, 10.99.2.0/24; the
# VM's own side is the server address), each with a mount namespace of its
# own (bound to a file, so its NFS mount outlives the commands) in which
# sysfs is mounted afresh so that /sys/fs/nfs/net/nfs_client/identifier is
# that network namespace's. Both keep the VM's UTS namespace, so both are
# "fsvm": the containers-without-their-own-hostname case.
#
# Scenarios:
#   1 same identity: nsA and nsB mount the VM's export /hard (each through
#     its own veth address of the VM) with vers=4.2 and read (and append to) a
#     file in a loop. fsprobe in each namespace: status ok, warning
#     hostname-only-identity at once; after ~25 s of the loop, lease-churn
#     too (the counters of EXCHANGE_ID and CREATE_SESSION in mountstats are
#     noted); exit status 0 (warnings do not fail it) unless the churn made
#     a statx fail; --nagios says WARNING.
#   2 an identifier each: loops stopped, both unmounted, a distinct
#     identifier written into each namespace's
#     /sys/fs/nfs/net/nfs_client/identifier, mounted again, loops again.
#     fsprobe in each: warning null on the first run and still null ~25 s
#     later (the counters did not move beyond the mount's own).
# In both, the daemon runs 6 cycles of 3 s in nsA: it logs the identity
# warning and then the churn as it starts in 1, nothing in 2.
#   3 the host-wide uniquifier: nfs.nfs4_unique_id set (with echo, so with
#     its newline, which the kernel keeps), two fresh namespaces nsC and
#     nsD mount with vers=4.1 and loop. fsprobe in nsC: hostname-only-
#     identity ("the uniquifier is host-wide and this network namespace is
#     not the initial one"), the same owner hash in nsC and nsD, source
#     module_param; lease-churn after ~25 s.
#   4 NFSv4.0 (SETCLIENTID, the non-uniform string with the server's
#     address) in the VM's own namespace with the parameter set: no
#     warning (the initial namespace), the owner hash of what nfsd got.
# In every scenario client_owner_hash must be the SHA-256 prefix of the
# name nfsd shows for that client, and equal the string expected from the
# kernel's format (nfs4_init_uniform_client_string() and
# nfs4_init_nonuniform_client_string() of fs/nfs/nfs4proc.c).

# shellcheck shell=bash source=lib.sh
. /host/guest/lib.sh

NSDIR=/run/fsvm-ns
declare -A HASH LINGER
M=$MNT/c          # the client mount point, in each namespace's own view
EXPORT=/hard
CHURN_WAIT=25     # s: two and a half leases of 10 s

# inns NS COMMAND...: run in the network and mount namespace of client NS.
inns() {
    local ns=$1
    shift
    nsenter --net="/run/netns/$ns" --mount="$NSDIR/mnt-$ns" -- "$@"
}

# client NS SUBNET: network namespace with a veth to the VM, and a mount
# namespace with that network namespace's sysfs.
client() {
    local ns=$1 net=$2
    ip netns add "$ns" || return 1
    ip link add "v$ns" type veth peer name eth0 netns "$ns" || return 1
    ip addr add "$net.1/24" dev "v$ns"
    ip link set "v$ns" up
    ip -n "$ns" addr add "$net.2/24" dev eth0
    ip -n "$ns" link set eth0 up
    ip -n "$ns" link set lo up
    touch "$NSDIR/mnt-$ns"
    nsenter --net="/run/netns/$ns" unshare --mount="$NSDIR/mnt-$ns" --propagation private \
        sh -c 'mount -t sysfs sysfs /sys' || return 1
    log "client $ns: $net.2, identifier '$(inns "$ns" cat /sys/fs/nfs/net/nfs_client/identifier)'"
}

# fsprobes_in NS: the fsprobe processes alive in client NS's network
# namespace (the helper of a run that hit its deadline lingers there).
fsprobes_in() {
    local want p
    want=$(stat -L -c %i "/run/netns/$1")
    for p in /proc/[0-9]*; do
        [ "$(cat "$p/comm" 2> /dev/null)" = fsprobe ] || continue
        [ "$(stat -L -c %i "$p/ns/net" 2> /dev/null)" = "$want" ] && printf '%s ' "${p#/proc/}"
    done
    return 0
}

# counters NS: "EXCHANGE_ID CREATE_SESSION DESTROY_SESSION" of its mount.
counters() {
    inns "$1" awk -v m="$M" '
        $1 == "device" { cur = ($5 == m) }
        cur && $1 == "EXCHANGE_ID:" { x = $2 }
        cur && $1 == "CREATE_SESSION:" { c = $2 }
        cur && $1 == "DESTROY_SESSION:" { d = $2 }
        END { print x + 0, c + 0, d + 0 }' /proc/self/mountstats
}

# loop_start NS / loop_stop NS: read and append in a loop, so the client
# talks to the server all the time (a delegation would let plain reads
# stay local): --cached=never makes every stat a GETATTR.
declare -A LOOP
loop_start() {
    inns "$1" sh -c "while :; do echo $1 >> '$M/$1.log'; cat '$M/file' > /dev/null;
                   stat --cached=never -c %s '$M/file' > /dev/null; sleep 0.1; done" \
        > /dev/null 2>&1 < /dev/null &
    LOOP[$1]=$!
}
loop_stop() { kill "${LOOP[$1]}" 2> /dev/null; wait "${LOOP[$1]}" 2> /dev/null; }

mount_client() { # mount_client NS SUBNET [VERSION]
    inns "$1" mount -t nfs4 -o "vers=${3:-4.2},hard" "$2.1:$EXPORT" "$M" &&
        log "$1: mounted $2.1:$EXPORT on $M (vers=${3:-4.2})"
}

# nfsd_owners: "HASH<TAB>NAME" for every client nfsd knows, NAME as nfsd
# prints it (seq_quote_mem(): bytes outside printable ASCII, the quote
# and the backslash as \xHH), HASH the first 16 hex digits of the SHA-256
# of the bytes themselves. The names are read by one process at once:
# clients stealing each other's lease replace their records faster than a
# process per file reads them in this VM (seen: every file gone by then).
nfsd_owners() {
    local esc
    grep -h '^name: "' /proc/fs/nfsd/clients/*/info 2> /dev/null | sed 's/^name: "\(.*\)"$/\1/' | sort -u |
        while IFS= read -r esc; do
            printf '%s\t%s\n' "$(printf '%b' "$esc" | sha256sum | cut -c1-16)" "$esc"
        done
}
# expect_owner WHO HASH NAME: fsprobe's client_owner_hash HASH is that of
# NAME (the kernel's format, written as nfsd escapes it), and nfsd has a
# client of that name
expect_owner() {
    local want i seen
    want=$(printf '%b' "$3" | sha256sum | cut -c1-16)
    if [ "$2" = "$want" ]; then
        pass "$1: client_owner_hash $2 is that of \"$3\" ($CASE)"
    else
        fail "$1: client_owner_hash is that of \"$3\" ($CASE)"
        note "got '$2', want '$want'"
    fi
    if [ ! -d /proc/fs/nfsd/clients ]; then
        note "no /proc/fs/nfsd/clients (before Linux 5.3): not compared with what nfsd received"
        return 0
    fi
    # Clients that steal each other's lease come and go in nfsd's table
    # (each EXCHANGE_ID with the other's verifier replaces the record):
    # look for up to 10 s.
    seen=
    for i in $(seq 20); do
        nfsd_owners | grep -qxF "$want	$3" && { seen=$i; break; }
        sleep 0.5
    done
    if [ -n "$seen" ]; then
        [ "$seen" = 1 ] || note "nfsd's record of \"$3\" seen at look $seen"
        pass "$1: nfsd received the owner string \"$3\" ($CASE)"
    else
        fail "$1: nfsd received the owner string \"$3\" ($CASE)"
        note "nfsd's clients: $(nfsd_owners | tr '\t\n' ' ;')"
    fi
}

# fsp_in NS NAME [ARGS...]: lib.sh's fsp (io_uring, 5 s) in client NS,
# its assertions labelled with NS.
fsp_in() {
    local ns=$1 name=$2
    shift 2
    wrap "$ns"
    fsp "$name" uring 5s "$@"
    ENGINE=$ns
}

# mount_and_loop [WHAT]: both clients mount the export and start their loops.
mount_and_loop() {
    mount_client nsA 10.99.1 || fail "setup: mount${1:-} in nsA"
    mount_client nsB 10.99.2 || fail "setup: mount${1:-} in nsB"
    loop_start nsA
    loop_start nsB
}

# fsprobe in a client's namespaces: FSPROBE as lib.sh's fsp runs it, with
# its own state directory (lease counters kept between runs).
wrap() { # wrap NS: sets FSPROBE to a wrapper for NS
    cat > "/run/fsprobe-in-$1" <<EOF
#!/bin/sh
exec nsenter --net=/run/netns/$1 --mount=$NSDIR/mnt-$1 -- /run/bin/fsprobe "\$@" --state-dir /run/fsprobe-state-$1
EOF
    chmod +x "/run/fsprobe-in-$1"
    FSPROBE=/run/fsprobe-in-$1
}

# ---------------------------------------------------------------- setup
# nfsd with NFSv4.0 too, for scenario 4 (the VM's default is 4.1 and 4.2),
# restarted before any client exists
rpc.nfsd 0
sed -i 's/^vers4.0=n/vers4.0=y/' /etc/nfs.conf
rpc.nfsd 4 || fail "setup: restart nfsd with NFSv4.0"
echo Y > /proc/fs/nfsd/v4_end_grace 2> /dev/null
note "nfsd versions: $(cat /proc/fs/nfsd/versions)"
modprobe veth || fail "setup: modprobe veth"
mkdir -p "$NSDIR" "$M"
mount --bind "$NSDIR" "$NSDIR" && mount --make-private "$NSDIR"
client nsA 10.99.1 || { fail "setup: client nsA"; finish; exit 0; }
client nsB 10.99.2 || { fail "setup: client nsB"; finish; exit 0; }
exportfs -o rw,fsid=0,no_subtree_check,no_root_squash,insecure 10.99.0.0/16:/srv/nfs ||
    fail "setup: export /srv/nfs to 10.99.0.0/16"
for ns in nsA nsB; do
    id=$(inns "$ns" cat /sys/fs/nfs/net/nfs_client/identifier)
    if [ "$id" = "(null)" ] || [ -z "$id" ]; then
        pass "$ns: no identifier in the new network namespace ('$id')"
    else
        fail "$ns: no identifier in the new network namespace"
        note "got '$id'"
    fi
done
note "nfs.nfs4_unique_id='$(cat /sys/module/nfs/parameters/nfs4_unique_id)' hostname=$(hostname)"

# ---------------------------------------------------------------- 1: same identity
mount_and_loop

CASE="same identity, first run"
for ns in nsA nsB; do
    fsp_in "$ns" "same1-$ns"
    expect_on_time
    # The warning needs no probe: it is there whatever the statx did.
    expect_field "$M" warning 'hostname-only-identity(,lease-churn)?'
    case $(jfield "$M" status) in
        ok)
            expect_rc 0
            expect_field "$M" detail ".*the NFSv4 client identity is the hostname 'fsvm' alone.*" ;;
        hung)
            # Seen: the other client's mount had just taken the lease, and
            # this client's statx waited while it re-established its own
            # (the stall the warning predicts). fsprobe says so on time.
            note "$ns: the statx was still waiting at the deadline: the client was taking its lease back"
            # its helper lingers until the statx returns: the next run must
            # not add a second request, and names this one
            LINGER[$ns]=$(fsprobes_in "$ns")
            note "$ns: helper lingering with the request: ${LINGER[$ns]:-none}"
            expect_rc 1 ;;
        *)
            fail "$ns: $M is ok or hung ($CASE)"
            explain_run ;;
    esac
    note "$ns counters (EXCHANGE_ID CREATE_SESSION DESTROY_SESSION): $(counters "$ns")"
    # The kernel's own text, for the parser's unit tests (tests/unit/files).
    inns "$ns" cat /proc/self/mountstats > "$OUT/mountstats-$ns-$(uname -r)-1.txt"
    HASH[$ns]=$(jfield "$M" client_owner_hash)
done
if [ -n "${HASH[nsA]}" ] && [ "${HASH[nsA]}" = "${HASH[nsB]}" ]; then
    pass "nsA and nsB: the same client_owner_hash ${HASH[nsA]} ($CASE)"
else
    fail "nsA and nsB: the same client_owner_hash ($CASE)"
    note "nsA '${HASH[nsA]}', nsB '${HASH[nsB]}'"
fi
expect_owner nsA "${HASH[nsA]}" "Linux NFSv4.2 fsvm"

sleep "$CHURN_WAIT"
CASE="same identity, after ${CHURN_WAIT}s of I/O"
for ns in nsA nsB; do
    note "$ns counters (EXCHANGE_ID CREATE_SESSION DESTROY_SESSION): $(counters "$ns")"
    fsp_in "$ns" "same2-$ns"
    # a statx may fail while the lease is being taken back: 1 is possible
    if [ "$RC" = 0 ] || [ "$RC" = 1 ]; then
        pass "$ns: exit status $RC ($CASE)"
    else
        fail "$ns: exit status 0 or 1 ($CASE)"
        note "got $RC"
        explain_run
    fi
    expect_field "$M" warning 'hostname-only-identity,lease-churn'
    if [ "$(jfield "$M" status)" = hung ]; then
        # the detail of a mount that is not ok says what is wrong with it
        note "$ns: the statx was still waiting at the deadline: the client was taking its lease back"
        d=$(jfield "$M" detail)
        pid=$(sed -n 's/^request pending since .*, pid \([0-9]*\))$/\1/p' <<< "$d")
        if [ -z "$pid" ]; then
            # this run's own statx waited to the deadline
            expect_field "$M" detail 'no answer in .*'
        elif [[ " ${LINGER[$ns]} " = *" $pid "* ]]; then
            pass "$ns: $M detail names the first run's request, still pending (pid $pid) ($CASE)"
        else
            fail "$ns: $M detail names the first run's request, still pending ($CASE)"
            note "got detail '$d'; first run's lingering helpers: '${LINGER[$ns]}'"
            explain_run
        fi
    else
        expect_field "$M" detail 'lease-churn: the NFSv4 client established its lease [0-9]+ times in .*'
    fi
    inns "$ns" cat /proc/self/mountstats > "$OUT/mountstats-$ns-$(uname -r)-2.txt"
    fsp_in "$ns" "same2-nagios-$ns" --nagios
    # WARNING names it on the first line; CRITICAL (the statx hung as well)
    # leads with the hang and names the churn in the mount's long line.
    if [[ $(head -1 "$RUN.json") =~ ^FSPROBE\ WARNING\ -\ .*lease-churn ]] ||
       { [[ $(head -1 "$RUN.json") =~ ^FSPROBE\ CRITICAL\ -\ .*$M\ hung ]] &&
         grep -q "^\[CRITICAL\] $M: hung .*lease-churn: " "$RUN.json"; }; then
        pass "$ns: --nagios names the lease churn ($CASE)"
    else
        fail "$ns: --nagios names the lease churn ($CASE)"
        note "$(head -3 "$RUN.json")"
    fi
done

# daemon NAME: the daemon in nsA for 6 cycles of 3 s, its log on stderr
# (no journal in the VM); sets DLOG.
daemon() {
    local rc
    inns nsA timeout -s KILL 60 /run/bin/fsprobe --daemon --interval 3s --timeout 2s --max-cycles 6 \
        -t nfs4 --state-dir "/run/fsprobe-daemon-$1" > /dev/null 2> "$OUT/daemon-$1.err"
    rc=$?
    DLOG=$OUT/daemon-$1.err
    if [ "$rc" = 0 ]; then
        pass "nsA: the daemon ran its 6 cycles and exited ($CASE)"
    else
        fail "nsA: the daemon ran its 6 cycles and exited ($CASE)"
        note "rc=$rc; $(head -c 1000 "$DLOG")"
    fi
}
CASE="same identity, the daemon"
daemon same
if grep -qE "^fsprobe: $M: NFSv4 warning hostname-only-identity \(" "$DLOG" &&
   grep -qE "^fsprobe: $M: NFSv4 warning hostname-only-identity -> hostname-only-identity,lease-churn \(lease-churn: the NFSv4 client established its lease [0-9]+ times in " "$DLOG"; then
    pass "nsA: the daemon logs the identity warning, then the churn as it starts ($CASE)"
else
    fail "nsA: the daemon logs the identity warning, then the churn as it starts ($CASE)"
    note "$(head -c 1500 "$DLOG")"
fi

# ---------------------------------------------------------------- 2: an identifier each
for ns in nsA nsB; do loop_stop "$ns"; done
# A statx or stat of the loops (or a helper of a run that hit its deadline)
# may still be waiting for the lease: the mount is busy until it returns.
umount_client() { # umount_client NS
    local i
    for i in $(seq 30); do
        inns "$1" umount "$M" 2> /dev/null && return 0
        sleep 1
    done
    inns "$1" umount "$M"
}
for ns in nsA nsB; do
    umount_client "$ns" || fail "setup: umount in $ns"
done
# The client reads the identifier when it first contacts the server: with
# no mount left, the next mount builds a new nfs_client with it.
for ns in nsA nsB; do
    inns "$ns" sh -c "echo fsvm-$ns-$(cut -c1-8 /proc/sys/kernel/random/uuid) > /sys/fs/nfs/net/nfs_client/identifier"
    note "$ns identifier: $(inns "$ns" cat /sys/fs/nfs/net/nfs_client/identifier)"
done
mount_and_loop " again"

CASE="an identifier each, first run"
for ns in nsA nsB; do
    fsp_in "$ns" "unique1-$ns"
    expect_rc 0
    expect_field "$M" status ok
    expect_field "$M" warning null
    note "$ns counters (EXCHANGE_ID CREATE_SESSION DESTROY_SESSION): $(counters "$ns")"
    HASH[$ns]=$(jfield "$M" client_owner_hash)
    expect_owner "$ns" "${HASH[$ns]}" "Linux NFSv4.2 $(inns "$ns" cat /sys/fs/nfs/net/nfs_client/identifier)/fsvm"
done
if [ -n "${HASH[nsA]}" ] && [ -n "${HASH[nsB]}" ] && [ "${HASH[nsA]}" != "${HASH[nsB]}" ]; then
    pass "nsA and nsB: different client_owner_hash ($CASE)"
else
    fail "nsA and nsB: different client_owner_hash ($CASE)"
    note "nsA '${HASH[nsA]}', nsB '${HASH[nsB]}'"
fi
sleep "$CHURN_WAIT"
CASE="an identifier each, after ${CHURN_WAIT}s of I/O"
for ns in nsA nsB; do
    note "$ns counters (EXCHANGE_ID CREATE_SESSION DESTROY_SESSION): $(counters "$ns")"
    fsp_in "$ns" "unique2-$ns"
    expect_rc 0
    expect_field "$M" warning null
    expect_field "$M" detail null
done

CASE="an identifier each, the daemon"
daemon unique
if grep -q "NFSv4 warning" "$DLOG"; then
    fail "nsA: the daemon logs no NFSv4 warning ($CASE)"
    note "$(head -c 1500 "$DLOG")"
else
    pass "nsA: the daemon logs no NFSv4 warning ($CASE)"
fi

for ns in nsA nsB; do loop_stop "$ns"; done

# ---------------------------------------------------------------- 3: the host-wide uniquifier
# As an administrator would set it at run time: with echo, whose newline
# the kernel keeps as part of the uniquifier (param_set_copystring()).
echo fleetclone > /sys/module/nfs/parameters/nfs4_unique_id
client nsC 10.99.3 || fail "setup: client nsC"
client nsD 10.99.4 || fail "setup: client nsD"
mount_client nsC 10.99.3 4.1 || fail "setup: mount in nsC"
mount_client nsD 10.99.4 4.1 || fail "setup: mount in nsD"
loop_start nsC
loop_start nsD

CASE="host-wide uniquifier, NFSv4.1, first run"
for ns in nsC nsD; do
    fsp_in "$ns" "hostwide1-$ns"
    expect_on_time
    expect_field "$M" warning 'hostname-only-identity(,lease-churn)?'
    HASH[$ns]=$(jfield "$M" client_owner_hash)
    # --nagios explains the warning whether the statx answered or not
    # (an unhealthy mount's JSON detail is the probe's)
    fsp_in "$ns" "hostwide1-nagios-$ns" --nagios
    if grep -q "hostname-only-identity: the NFSv4 client identity is the hostname 'fsvm' and nfs.nfs4_unique_id: the uniquifier is host-wide and this network namespace is not the initial one" "$RUN.json"; then
        pass "$ns: the uniquifier is host-wide and this network namespace is not the initial one ($CASE)"
    else
        fail "$ns: the uniquifier is host-wide and this network namespace is not the initial one ($CASE)"
        note "$(head -3 "$RUN.json")"
    fi
done
if [ -n "${HASH[nsC]}" ] && [ "${HASH[nsC]}" = "${HASH[nsD]}" ]; then
    pass "nsC and nsD: the same client_owner_hash ${HASH[nsC]} ($CASE)"
else
    fail "nsC and nsD: the same client_owner_hash ($CASE)"
    note "nsC '${HASH[nsC]}', nsD '${HASH[nsD]}'"
fi
expect_owner nsC "${HASH[nsC]}" 'Linux NFSv4.1 fleetclone\x0a/fsvm'
inns nsC /run/bin/fsprobe --prometheus --no-state --timeout 5s > "$OUT/hostwide-nsC.prom" 2>&1
if grep -qxF "fsprobe_nfs_client_info{identity_source=\"module_param\",nfs_version=\"4.1\",owner_hash=\"${HASH[nsC]}\"} 1" \
    "$OUT/hostwide-nsC.prom"; then
    pass "nsC: fsprobe_nfs_client_info, source module_param, NFSv4.1 ($CASE)"
else
    fail "nsC: fsprobe_nfs_client_info, source module_param, NFSv4.1 ($CASE)"
    note "$(grep fsprobe_nfs_ "$OUT/hostwide-nsC.prom")"
fi
if grep -qxF "fsprobe_nfs_identity_unique{device=\"10.99.3.1:$EXPORT\",fstype=\"nfs4\",mountpoint=\"$M\"} 0" \
    "$OUT/hostwide-nsC.prom"; then
    pass "nsC: fsprobe_nfs_identity_unique 0 ($CASE)"
else
    fail "nsC: fsprobe_nfs_identity_unique 0 ($CASE)"
    note "$(grep fsprobe_nfs_identity "$OUT/hostwide-nsC.prom")"
fi

sleep "$CHURN_WAIT"
CASE="host-wide uniquifier, after ${CHURN_WAIT}s of I/O"
note "nsC counters (EXCHANGE_ID CREATE_SESSION DESTROY_SESSION): $(counters nsC)"
fsp_in nsC "hostwide2-nsC"
expect_field "$M" warning 'hostname-only-identity,lease-churn'
for ns in nsC nsD; do loop_stop "$ns"; done

# ---------------------------------------------------------------- 4: NFSv4.0 in the VM's own namespace
CASE="NFSv4.0, nfs4_unique_id set, the initial network namespace"
mkdir -p "$MNT/v40"
mount -t nfs4 -o vers=4.0,hard "127.0.0.1:$EXPORT" "$MNT/v40" || fail "setup: NFSv4.0 mount"
cat "$MNT/v40/file" > /dev/null
FSPROBE=/run/bin/fsprobe
fsp v40 uring 5s
expect_rc 0
expect_field "$MNT/v40" status ok
expect_field "$MNT/v40" warning null
expect_owner v40 "$(jfield "$MNT/v40" client_owner_hash)" 'Linux NFSv4.0 fsvm/fleetclone\x0a/127.0.0.1'
finish
