# Boot "server": the servers fail in other ways than a cut network.
#
# Scenarios (README.md numbers them the same way):
#   7 stale handle: the exported directory is removed and made again on the
#     server, so the client's root file handle names a deleted inode: stale
#   5 frozen SMB server (smbd SIGSTOPped, TCP still up): hung on time while the
#     helper's probe is stuck in D state; a second run reports it pending
#     since the first and sends no request (one helper, no new SMB request)
#   6 `ip link set lo down`: every NFS and CIFS mount hung or down, none ok
#  10 all of it with --engine=uring and --engine=threads

# shellcheck shell=bash source=lib.sh
. /host/guest/lib.sh
calibrate
note "$CALIBRATION"

ENGINES="uring threads"
NH=$MNT/nfs_hard NST=$MNT/nfs_stale CH=$MNT/cifs_hard CS=$MNT/cifs_soft
ALL="$NH $NST $CH $CS"

mnt nfs4 127.0.0.1:/hard "$NH" "$NFS_HARD" || exit 1
mnt nfs4 127.0.0.1:/stale "$NST" "$NFS_HARD" || exit 1
mnt cifs //127.0.0.1/s1 "$CH" "$CIFS_HARD" || exit 1
mnt cifs //127.0.0.1/s2 "$CS" "$CIFS_SOFT" || exit 1

CASE="servers healthy"
for e in $ENGINES; do
    fsp healthy "$e" 2s
    expect_basics 0
    for m in $ALL; do expect_status "$m" ok; done
done

# ---------------------------------------------------------------- 7: stale
# /stale is a plain directory of the exported tmpfs (the NFSv4 pseudo root
# /srv/nfs, fsid=0): its file handle carries the inode number and
# generation.  Removing and re-making it leaves the client holding a handle
# of a deleted inode: nfsd answers NFS4ERR_STALE and statx fails with ESTALE
# at once (measured: ~0.1 s).  No unexport is needed.  (Re-exporting a tmpfs
# under another fsid= gives ESTALE too; re-mounting a tmpfs under the same
# fsid does not, the handle then names "the root of export N".)
rm -rf /srv/nfs/stale && mkdir /srv/nfs/stale && echo new > /srv/nfs/stale/file
CASE="export re-created"
for e in $ENGINES; do
    fsp stale "$e" 2s
    expect_basics 1
    expect_status "$NST" stale
    expect_field "$NST" error ESTALE
    for m in $NH $CH $CS; do expect_status "$m" ok; done
done
umount "$NST" || umount -l "$NST"

# ---------------------------------------------------------------- 5: frozen smbd
# SIGSTOP: the kernel still accepts and acknowledges on port 445, nobody
# answers.  The hard mount's request waits in wait_for_response (D state).
freeze_smbd
log "smbd frozen: $(smbd_pids | tr '\n' ' ')"
CASE="smbd frozen"
declare -A HELPER
for e in $ENGINES; do
    fsp frozen1 "$e" 2s
    expect_basics 1
    expect_status "$CH" hung
    expect_status "$CS" hung
    expect_status "$NH" ok
    t1_start=$T_START t1_end=$T_END
    h=$(helpers "$e")
    HELPER[$e]=$h
    st=$(pstate "$h")
    if [ "$(echo "$h" | wc -w)" = 1 ] && [ "${st%% *}" = D ]; then
        pass "$e: the helper (pid $h) is stuck in D state ($st), fsprobe returned anyway"
    else
        fail "$e: one helper, stuck in D state"
        note "helpers: '$h', state: '$st'"
    fi

    CASE="smbd frozen, second run"
    sent0=$(cifs_sent s1)
    fsp frozen2 "$e" 2s
    sent1=$(cifs_sent s1)
    expect_basics 1
    expect_status "$CH" hung
    expect_field "$CH" detail "request pending since .*pid ${HELPER[$e]}\)"
    expect_range "$CH" hung \
        "$(awk -v a="$t1_end" -v b="$T_START" 'BEGIN { print (b - a) / 1e6 + 1.0 }')" \
        "$(awk -v a="$t1_start" -v b="$T_END" 'BEGIN { print (b - a) / 1e6 }')"
    h=$(helpers "$e")
    if [ "$h" = "${HELPER[$e]}" ]; then
        pass "$e: still one helper, the first run's (pid $h) ($CASE)"
    else
        fail "$e: still one helper, the first run's ($CASE)"
        note "helpers now: '$h', after the first run: '${HELPER[$e]}'"
    fi
    if [ -n "$sent0" ] && [ "$sent0" = "$sent1" ]; then
        pass "$e: no SMB request sent to s1 by the second run ($sent0 before and after) ($CASE)"
    else
        fail "$e: no SMB request sent to s1 by the second run ($CASE)"
        note "SMB2 requests sent on s1: before '$sent0', after '$sent1'"
    fi
    CASE="smbd frozen"
done

thaw_smbd
T1=$(now_us)
CASE="smbd thawed"
for e in $ENGINES; do
    if wait_helpers_gone "$e" 60; then
        pass "$e: the stuck helper ${HELPER[$e]} exited $(( ($(now_us) - T1) / 1000 ))ms after smbd was thawed"
    else
        fail "$e: the stuck helper exits after smbd was thawed"
        for h in $(helpers "$e"); do note "pid $h: $(pstate "$h")"; done
    fi
done

# ---------------------------------------------------------------- 6: lo down
wait_reachable 40 $NH $CH $CS || fail "setup: mounts reachable before lo down"
ip link set lo down
log "lo is down"
CASE="lo down"
for e in $ENGINES; do
    fsp lodown "$e" 2s
    expect_basics 1
    for m in $NH $CH $CS; do expect_status "$m" 'hung|down'; done
    okay=
    for m in $(targets 'nfs|nfs4|cifs|smb3'); do
        [ "$(jfield "$m" status)" = ok ] && okay="$okay $m"
    done
    if [ -z "$okay" ]; then
        pass "$e: no NFS or CIFS mount is ok ($CASE)"
    else
        fail "$e: no NFS or CIFS mount is ok ($CASE)"
        note "ok:$okay"
    fi
done

finish
