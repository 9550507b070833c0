#!/bin/bash
# fsprobe against real NFS and CIFS servers, in a throw-away VM.
#
# usage: tests/vm/run-suite.sh [--only BOOT] [--shell]
#
#   FSPROBE=path/to/fsprobe   the binary under test (default: ./fsprobe of the
#                             build directory this runs in, else build/fsprobe)
#   TESTFS=path/to/testfs     the FUSE test file system (default: beside
#                             fsprobe; `make check` builds it)
#   --only BOOT               boot only BOOT (netcut, server, identity or systemd)
#   --shell                   no tests: an interactive shell in the VM, servers
#                             up, fsprobe at /host/bin/fsprobe
#
# Prints TAP on stdout (plan last), diagnostics on stderr; exit 0 when every
# assertion passed.  Skips (1..0 # SKIP, exit 0) only without root (the
# guest kernel is readable by root only, and setup.sh cannot install what
# is missing); with CI=true it fails instead.  As root, a prerequisite that
# setup.sh installs and is still missing is a failure.
#
# Environment knobs: FSVM_BOOT_TIMEOUT (s, default 240 or what the guest
# script's "# fsvm-boot-timeout: N" line says: hard bound of one boot), FSVM_SLACK_MS (default 100: allowed overshoot of --timeout),
# FSVM_CACHE (initramfs cache directory), FSVM_KEEP=1 (keep the work
# directory: console logs, fsprobe outputs), FSVM_NO_SETUP=1,
# FSVM_KERNEL=VERSION (boot /boot/vmlinuz-VERSION instead of the newest
# installed kernel; its modules must be in /lib/modules/VERSION).
#
# Each boot is one VM running one guest/BOOT.sh with several scenarios:
# booting costs ~8 s under TCG, the scenarios' waits (soft timeouts) dominate.

set -u
here=$(cd "$(dirname "$0")" && pwd)
BOOTS="netcut server identity systemd"
shell=
while [ $# -gt 0 ]; do
    case $1 in
        --shell) shell=1 ;;
        --only) BOOTS=$2; shift ;;
        --only=*) BOOTS=${1#--only=} ;;
        -h|--help) sed -n '2,24p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "run-suite: unknown argument '$1'" >&2; exit 2 ;;
    esac
    shift
done

say() { echo "vm: $*" >&2; }

# Only what the machine really lacks skips the suite (not root), except
# under CI, where nothing may be skipped silently.
skip_or_fail() {
    if [ "${CI:-}" = true ]; then
        say "CI=true: cannot skip: $*"
        echo "1..1"
        echo "not ok 1 - VM suite prerequisites: $*"
        exit 1
    fi
    echo "1..0 # SKIP $*"
    exit 0
}

# A package setup.sh installs is missing: the suite fails, unless we are
# not root and setup.sh could not have installed it.
missing() {
    [ "$(id -u)" = 0 ] || skip_or_fail "$* (not root: tests/vm/setup.sh cannot install it)"
    say "$*: tests/vm/setup.sh installs it"
    echo "1..1"
    echo "not ok 1 - VM suite prerequisites: $* (tests/vm/setup.sh installs it)"
    exit 1
}

# ---------------------------------------------------------------- prerequisites
if [ -z "${FSVM_NO_SETUP:-}" ]; then
    sh "$here/setup.sh" || say "setup.sh could not install everything"
fi

command -v qemu-system-x86_64 > /dev/null || missing "qemu-system-x86_64 not installed"
# The newest Debian amd64 kernel that has its modules installed: the guest
# loads nfsd, cifs, nf_tables... from the host's /lib/modules.
kver=${FSVM_KERNEL:-}
if [ -n "$kver" ] && [ ! -d "/lib/modules/$kver/kernel" ]; then
    say "FSVM_KERNEL=$kver: no /lib/modules/$kver"
    echo "1..1"; echo "not ok 1 - the kernel asked for: $kver"; exit 1
fi
[ -n "$kver" ] || for k in /boot/vmlinuz-*-amd64; do
    [ -e "$k" ] || continue
    v=${k#/boot/vmlinuz-}
    [ -d "/lib/modules/$v/kernel" ] && kver=$(printf '%s\n%s\n' "$kver" "$v" | sort -V | tail -n 1)
done
[ -n "$kver" ] || missing "no /boot/vmlinuz-*-amd64 with its modules (linux-image-amd64)"
kernel=/boot/vmlinuz-$kver
[ -r "$kernel" ] || skip_or_fail "$kernel not readable (run as root)"

if [ -z "$shell" ] || [ -n "${FSPROBE:-}" ]; then
    fsprobe=${FSPROBE:-}
    if [ -z "$fsprobe" ]; then
        for f in ./fsprobe "$here/../../build/fsprobe"; do
            [ -x "$f" ] && { fsprobe=$f; break; }
        done
    fi
    if [ -z "$fsprobe" ] || [ ! -x "$fsprobe" ] || [ -d "$fsprobe" ]; then
        say "no fsprobe binary: set FSPROBE=path/to/fsprobe (got '${fsprobe}')"
        echo "1..1"
        echo "not ok 1 - fsprobe binary to test"
        exit 1
    fi
    fsprobe=$(cd "$(dirname "$fsprobe")" && pwd)/$(basename "$fsprobe")
fi

# ---------------------------------------------------------------- work directory
work=$(mktemp -d "${TMPDIR:-/tmp}/fsprobe-vm.XXXXXX")
vmpid=
cleanup() {
    # run-vm.sh kills its qemu (by PID) when it is terminated
    [ -n "$vmpid" ] && kill -TERM "$vmpid" 2> /dev/null && wait "$vmpid" 2> /dev/null
    if [ -n "${FSVM_KEEP:-}" ]; then
        say "work directory kept: $work"
    else
        rm -rf "$work"
    fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

# ---------------------------------------------------------------- initramfs (cached)
# Its inputs: init, the build script, busybox, the kernel's modules (named by
# the kernel version) and ld.so.cache (copied in).  The scenario scripts and
# fsprobe travel on the share instead, so editing them needs no rebuild.
cache=${FSVM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/fsprobe-vm}
key=$( { cat "$here/init" "$here/build-initramfs.sh" "$(command -v busybox)" /etc/ld.so.cache
         echo "$kver"; } | sha256sum | cut -c1-16)
initrd=$cache/initramfs-$kver-$key.cpio
if [ ! -s "$initrd" ]; then
    mkdir -p "$cache" 2> /dev/null || { cache=$work; initrd=$cache/initramfs.cpio; }
    sh "$here/build-initramfs.sh" "$work/initramfs.cpio" "$kver" || {
        echo "1..1"; echo "not ok 1 - build the VM initramfs"; exit 1; }
    mv "$work/initramfs.cpio" "$initrd.$$" 2> /dev/null && mv "$initrd.$$" "$initrd" ||
        initrd=$work/initramfs.cpio
    # old keys are dead weight
    find "$cache" -name 'initramfs-*.cpio' ! -newer "$initrd" ! -path "$initrd" -delete 2> /dev/null
fi

# make_share DIR: what the guest sees at /host
make_share() {
    mkdir -p "$1/guest" "$1/bin" "$1/out"
    cp "$here"/guest/*.sh "$1/guest/"
    [ -n "${fsprobe:-}" ] && cp "$fsprobe" "$1/bin/fsprobe"
    # the FUSE test file system: TESTFS, else beside fsprobe (make check
    # builds it)
    local tfs=${TESTFS:-${fsprobe:+${fsprobe%/*}/testfs}}
    [ -n "$tfs" ] && [ -x "$tfs" ] && cp "$tfs" "$1/bin/testfs"
    # the shipped unit files, for the boot that runs them under systemd
    mkdir -p "$1/contrib"
    cp "$here"/../../contrib/systemd/*.service.in "$here"/../../contrib/systemd/*.timer "$1/contrib/"
    return 0
}

if [ -n "$shell" ]; then
    make_share "$work/share"
    say "kernel $kernel, initramfs $initrd"
    say "leave the VM with: poweroff -f (or Ctrl-A X)"
    "$here/run-vm.sh" "$kernel" "$initrd" "$work/share" shell
    exit $?
fi

# ---------------------------------------------------------------- boots
suite_start=$(date +%s)
n=0 failed=0
tap_line() { # tap_line ok|not-ok DESCRIPTION
    n=$((n + 1))
    if [ "$1" = ok ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; failed=$((failed + 1)); fi
}

# On failure: everything needed to understand it without re-running.
dump_boot() {
    local b=$1 share=$2 f
    {
        echo "======== vm boot $b: console log"
        cat "$share/console.log" 2> /dev/null
        [ -s "$share/qemu.stderr" ] && { echo "======== vm boot $b: qemu stderr"; cat "$share/qemu.stderr"; }
        for f in "$share"/out/runs/*.json; do
            [ -e "$f" ] || continue
            f=${f%.json}
            echo "======== vm boot $b: fsprobe run ${f##*/} rc=$(cat "$f.rc" 2> /dev/null)"
            if command -v jq > /dev/null && jq -e . "$f.json" > /dev/null 2>&1; then
                jq -c '.mounts[]' "$f.json"
            else
                cat "$f.json"
            fi
            [ -s "$f.err" ] && { echo "-- stderr:"; cat "$f.err"; }
        done
    } >&2
}

for b in $BOOTS; do
    if [ ! -f "$here/guest/$b.sh" ]; then
        tap_line not-ok "boot $b: no such scenario (guest/$b.sh)"
        continue
    fi
    share=$work/$b
    make_share "$share"
    # A boot that runs the test FUSE file system fails at once without it,
    # rather than after minutes of emulation.
    if grep -q '/host/bin/testfs' "$here/guest/$b.sh" && [ ! -x "$share/bin/testfs" ]; then
        tap_line not-ok "boot $b: testfs in the share (TESTFS, or beside fsprobe: configure found libfuse3-dev?)"
        continue
    fi
    say "boot $b: starting (kernel $kver)"
    t0=$(date +%s)
    # the guest sees no host environment: knobs travel on the kernel command line
    # a scenario that needs longer says so in its header
    bt=$(sed -n 's/^# fsvm-boot-timeout: \([0-9]*\)$/\1/p' "$here/guest/$b.sh")
    FSVM_CMDLINE="fsvm.slack_ms=${FSVM_SLACK_MS:-100}" \
        "$here/run-vm.sh" -t "${FSVM_BOOT_TIMEOUT:-${bt:-240}}" "$kernel" "$initrd" "$share" "$b.sh" &
    vmpid=$!
    wait $vmpid
    vmrc=$?
    vmpid=
    secs=$(( $(date +%s) - t0 ))
    say "boot $b: done in ${secs}s (run-vm rc=$vmrc)"

    before=$failed
    if [ -f "$share/out/tap" ]; then
        while IFS= read -r l; do
            case $l in
                "ok - "*)     tap_line ok "$b: ${l#ok - }" ;;
                "not ok - "*) tap_line not-ok "$b: ${l#not ok - }" ;;
                "#"*)         echo "$l" ;;
            esac
        done < "$share/out/tap"
    fi
    # A boot that died, hung or was killed by the watchdog must not pass by
    # having printed nothing.
    if [ "$vmrc" = 0 ] && grep -q 'scenario done' "$share/console.log" 2> /dev/null; then
        tap_line ok "$b: the boot ran its scenario to the end (${secs}s)"
    else
        tap_line not-ok "$b: the boot ran its scenario to the end (${secs}s, run-vm rc=$vmrc)"
    fi
    if [ -s "$share/out/timings" ]; then
        echo "# $b: fsprobe wall times:"
        sed 's/^/#   /' "$share/out/timings"
        cat "$share/out/timings" >> "$work/timings"
    fi
    [ "$failed" != "$before" ] && dump_boot "$b" "$share"
done

# How far past --timeout the runs that waited for their deadline returned:
# the figure behind the on-time assertions (natively a few ms, under TCG
# mostly process start-up and exit).
if [ -s "$work/timings" ]; then
    awk '{ for (i = 3; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
           if (v["elapsed_ms"] >= v["timeout_ms"]) { o[++k] = v["over_ms"]; if (v["over_ms"] > 100) big++ } }
         END { if (!k) exit
               for (i = 1; i <= k; i++) for (j = i + 1; j <= k; j++) if (o[j] < o[i]) { t = o[i]; o[i] = o[j]; o[j] = t }
               printf "# runs that waited for their deadline: %d, overshoot min %d, median %d, max %d ms; %d over 100 ms\n",
                      k, o[1], o[int((k + 1) / 2)], o[k], big }' "$work/timings"
fi
echo "1..$n"
echo "# vm suite: $((n - failed)) passed, $failed failed, $(( $(date +%s) - suite_start ))s"
[ "$failed" = 0 ]
