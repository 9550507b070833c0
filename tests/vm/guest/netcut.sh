# Boot "netcut": NFS and SMB servers cut off with nftables, then restored.
#
# Scenarios (README.md numbers them the same way):
#   1 NFSv4.2 hard mount, server cut off: hung
#   2 NFSv4.2 soft mount: hung while the kernel retries, error EIO once the
#     soft timeout has expired
#   3 the attribute cache trap: plain stat says the dead mount is fine
#   4 CIFS 3.1.1 hard mount: hung; soft mount: down (EHOSTDOWN) after reconnect
#   8 an NFS mount nested in the hung hard mount: blocked
#   9 recovery: the next run says ok, the lingering helpers are gone
#  10 all of it with --engine=uring and --engine=threads
# plus: a second run while requests are pending issues none and says since when.
#
# Order: healthy, cut (~12 s), restore (recovery), cut again for the soft
# timeouts (~55 s), power off with the hard requests still hung.

# shellcheck shell=bash source=lib.sh
. /host/guest/lib.sh
calibrate
note "$CALIBRATION"

ENGINES="uring threads"
NH=$MNT/nfs_hard NS=$MNT/nfs_soft CH=$MNT/cifs_hard CS=$MNT/cifs_soft
NN=$NH/sub          # nested below the hard NFS mount
ALL="$NH $NS $CH $CS $NN"

# The nested mount point is a directory of the hard export, made on the
# server side (the VM is the server too).
mkdir -p /srv/nfs/hard/sub
mnt nfs4 127.0.0.1:/hard "$NH" "$NFS_HARD" || exit 1
mnt nfs4 127.0.0.1:/soft "$NS" "$NFS_SOFT" || exit 1
mnt cifs //127.0.0.1/s1 "$CH" "$CIFS_HARD" || exit 1
mnt cifs //127.0.0.1/s2 "$CS" "$CIFS_SOFT" || exit 1
mnt nfs4 127.0.0.1:/nested "$NN" "$NFS_HARD" || exit 1

# ---------------------------------------------------------------- healthy
CASE="servers healthy"
for e in $ENGINES; do
    fsp healthy "$e" 2s
    expect_basics 0
    for m in $ALL; do expect_status "$m" ok; done
    # the engine asked for is the one that probed
    expect_field "$NH" engine "$e"
done

# ---------------------------------------------------------------- cut off
cut_servers || fail "setup: nft cut"
T0=$(now_us)
log "servers cut off"
since_cut() { echo $(( ($(now_us) - T0) / 1000 )); }

# 3: the attribute cache trap.  stat(1) without --cached=never answers from
# the NFS attribute cache (valid for acdirmin=30 s after the healthy runs'
# round trips), so a server that is gone looks fine.
CASE="attribute cache trap"
t=$(now_us)
plain=$(timeout -s KILL 5 stat -c 'ino=%i size=%s mtime=%Y' "$NH" 2>&1)
prc=$?
tms=$(( ($(now_us) - t) / 1000 ))
if [ $prc = 0 ]; then
    pass "plain stat of $NH succeeds from the cache after the cut ($plain, ${tms}ms)"
else
    fail "plain stat of $NH succeeds from the cache after the cut"
    note "rc=$prc: $plain"
fi

CASE="servers cut off"
declare -A HELPER CUT1_START CUT1_END
for e in $ENGINES; do
    fsp cut1 "$e" 2s
    CUT1_START[$e]=$T_START CUT1_END[$e]=$T_END
    expect_basics 1
    expect_status "$NH" hung        # 1
    expect_status "$NS" hung        # 2, still retrying
    expect_status "$CH" hung        # 4
    expect_status "$CS" hung        # 4, still reconnecting
    expect_status "$NN" blocked     # 8
    expect_field "$NN" detail "below hung $NH"
    expect_field "$NH" detail "no answer in .*"
    h=$(helpers "$e")
    HELPER[$e]=$h
    if [ "$(echo "$h" | wc -w)" = 1 ]; then
        pass "$e: one helper lingers with the hung requests (pid $h, $(pstate "$h"))"
    else
        fail "$e: one helper lingers with the hung requests"
        note "helpers: '${h}'"
    fi
done

CASE="attribute cache trap"
plain=$(timeout -s KILL 5 stat -c 'ino=%i size=%s mtime=%Y' "$NH" 2>&1)
note "plain stat of $NH while fsprobe says hung: rc=$? $plain"

# A second run while the first runs' requests are pending: no new request
# (a second lookup of a hung path would be unkillable), hung since the first.
CASE="second run, requests pending"
for e in $ENGINES; do
    nfs0=$(nfs_getattr_sent) smb0=$(cifs_sent s1)
    fsp cut2 "$e" 2s
    nfs1=$(nfs_getattr_sent) smb1=$(cifs_sent s1)
    expect_basics 1
    if [ -n "$nfs0" ] && [ "$nfs0" = "$nfs1" ] && [ -n "$smb0" ] && [ "$smb0" = "$smb1" ]; then
        pass "$e: no NFS GETATTR ($nfs0) nor SMB request on s1 ($smb0) sent ($CASE)"
    else
        fail "$e: no NFS GETATTR nor SMB request on s1 sent ($CASE)"
        note "NFSv4 GETATTR calls before/after: $nfs0/$nfs1, SMBs on s1: $smb0/$smb1"
    fi
    for m in $NH $NS $CH $CS; do
        expect_status "$m" hung
        expect_field "$m" detail "request pending since .*pid ${HELPER[$e]}\)"
    done
    expect_status "$NN" blocked
    # hung counts from the first run's request: about that run's 2 s (less
    # the helper's start-up, up to ~0.5 s under TCG on a busy host) plus the
    # time between the runs, at most since the first run started; a count
    # started by this run would be below 0.3 s
    expect_range "$NH" hung \
        "$(awk -v a="${CUT1_END[$e]}" -v b="$T_START" 'BEGIN { print (b - a) / 1e6 + 1.0 }')" \
        "$(awk -v a="${CUT1_START[$e]}" -v b="$T_END" 'BEGIN { print (b - a) / 1e6 }')"
    h=$(helpers "$e")
    if [ "$h" = "${HELPER[$e]}" ]; then
        pass "$e: still only the first run's helper (pid $h) ($CASE)"
    else
        fail "$e: still only the first run's helper ($CASE)"
        note "helpers now: '$h', after the first run: '${HELPER[$e]}'"
    fi
done

# ---------------------------------------------------------------- recovery
# Restored after a short cut on purpose: TCP backs its retransmissions off
# exponentially (0.2 s, 0.4 s, ... since the request was sent), so after a
# cut of N seconds the next one, which brings the answer, can be N seconds
# away.  This cut lasts 11-23 s (busier host: longer), the wait measured 3-6 s.
uncut_servers || fail "setup: nft uncut"
T1=$(now_us)
log "servers reachable again after $(since_cut)ms"
CASE="recovery"
for e in $ENGINES; do
    # 9: the lingering helper exits once its requests come back
    if wait_helpers_gone "$e" 60; then
        pass "$e: lingering helper ${HELPER[$e]} exited $(( ($(now_us) - T1) / 1000 ))ms after the servers came back"
    else
        fail "$e: lingering helper exits after the servers came back"
        note "still there after 60 s: $(helpers "$e")"
        for h in $(helpers "$e"); do note "pid $h: $(pstate "$h")"; done
    fi
done
# The soft CIFS mount may still be reconnecting: wait until every mount
# answers a plain round trip before asking fsprobe.
wait_reachable 40 $ALL || fail "setup: mounts reachable again after the cut"
log "all mounts answer again $(( ($(now_us) - T1) / 1000 ))ms after the uncut"
for e in $ENGINES; do
    fsp recovered "$e" 2s
    expect_basics 0
    for m in $ALL; do expect_status "$m" ok; done
    h=$(helpers "$e")
    if [ -z "$h" ]; then
        pass "$e: no helper lingers after a healthy run ($CASE)"
    else
        fail "$e: no helper lingers after a healthy run ($CASE)"
        note "helpers: $h"
    fi
done

# ---------------------------------------------------------------- soft timeouts
# Cut again, for good this time.  The first request to a dead server fails
# by itself ~21 s (soft NFS, timeo=10,retrans=2) or ~24 s (soft CIFS,
# echo_interval=3) after it was sent; later requests fail after ~3 s (NFS)
# and ~10 s (CIFS: one reconnect wait), hence the long --timeout of the
# "soft" runs.
cut_servers || fail "setup: nft cut"
T0=$(now_us)
log "servers cut off again"
CASE="soft mounts, kernel still retrying"
for e in $ENGINES; do
    fsp retrying "$e" 2s
    expect_basics 1
    expect_status "$NS" hung
    expect_status "$CS" hung
    expect_status "$NH" hung
    expect_status "$CH" hung
    expect_status "$NN" blocked
done
while [ "$(since_cut)" -lt 31000 ]; do sleep 0.5; done
CASE="soft timeouts expired"
for e in $ENGINES; do
    fsp soft "$e" 15s
    expect_basics 1
    expect_status "$NS" error          # 2
    expect_field "$NS" error EIO
    expect_status "$CS" down           # 4
    expect_field "$CS" error EHOSTDOWN
    expect_status "$NH" hung
    expect_status "$CH" hung
    expect_status "$NN" blocked
done

finish
