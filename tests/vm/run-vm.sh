#!/bin/sh
# Boot the test VM once.
#
# usage: run-vm.sh [-t SECONDS] [-l CONSOLE_LOG] KERNEL INITRD SHARE_DIR RUN
#
#   RUN        the guest script to run (SHARE_DIR/guest/RUN), or "shell" for
#              an interactive shell on this terminal (leave with `poweroff -f`)
#   -t SECONDS hard bound on the boot (default 240): qemu is killed after it
#   -l FILE    where the serial console goes (default SHARE_DIR/console.log)
#
# Exit status: qemu's, 124 when the watchdog had to kill it.
#
# Environment: FSVM_MEM (MiB, default 512), FSVM_SMP (default 2),
# FSVM_TB (TCG translation cache MiB, default 256), FSVM_CMDLINE (more
# kernel arguments, e.g. fsvm.slack_ms=N for init).
#
# Always TCG: KVM is not usable on the machines this runs on (and a guest
# under TCG is slow enough to widen races, which is what we want to see).

set -u
timeout=240
log=
while getopts t:l: opt; do
    case $opt in
        t) timeout=$OPTARG ;;
        l) log=$OPTARG ;;
        *) echo "usage: $0 [-t SECONDS] [-l LOG] KERNEL INITRD SHARE RUN" >&2; exit 2 ;;
    esac
done
shift $((OPTIND - 1))
[ $# -eq 4 ] || { echo "usage: $0 [-t SECONDS] [-l LOG] KERNEL INITRD SHARE RUN" >&2; exit 2; }
kernel=$1 initrd=$2 share=$3 run=$4
[ -n "$log" ] || log=$share/console.log

# Timing assertions run inside: a host busy with other builds and tests
# steals the vCPUs' time and adds hundreds of ms of noise, so when we may,
# run qemu ahead of them (it is bounded by the watchdog below anyway).
prio=
[ "$(id -u)" = 0 ] && prio="nice -n -10"

# tb-size: without it qemu reserves ~1 GiB of translation cache (RSS ~1.4 GB);
# 256 MiB keeps it near 560 MB without a measurable slowdown.
# shellcheck disable=SC2086 # $prio: empty or three words
set -- $prio qemu-system-x86_64 \
    -accel "tcg,thread=multi,tb-size=${FSVM_TB:-256}" -cpu max \
    -smp "${FSVM_SMP:-2}" -m "${FSVM_MEM:-512}" \
    -nodefaults -no-reboot -display none \
    -kernel "$kernel" -initrd "$initrd" \
    -virtfs "local,path=/usr,mount_tag=hostusr,security_model=none,readonly=on,id=hostusr" \
    -virtfs "local,path=$share,mount_tag=share,security_model=none,id=share" \
    -append "console=ttyS0 panic=-1 quiet loglevel=4 tsc=reliable fsvm.run=$run ${FSVM_CMDLINE:-}"

if [ "$run" = shell ]; then
    # mon:stdio: Ctrl-A X quits qemu even if the guest is wedged
    exec "$@" -serial mon:stdio
fi

# a stale marker from an earlier boot must not end this one
: > "$log"
"$@" -serial "file:$log" -monitor none < /dev/null > "$share/qemu.stderr" 2>&1 &
qpid=$!
# Kill only our own qemu, by PID, whatever way we leave.
trap 'kill -KILL $qpid 2>/dev/null; wait $qpid 2>/dev/null' EXIT
trap 'exit 130' INT TERM HUP

start=$(date +%s)
poweroff_seen=
rc=
while :; do
    if ! kill -0 $qpid 2>/dev/null; then
        wait $qpid; rc=$?
        break
    fi
    now=$(date +%s)
    if [ $((now - start)) -ge "$timeout" ]; then
        echo "run-vm: boot exceeded ${timeout}s, killing qemu (pid $qpid)" >&2
        kill -KILL $qpid 2>/dev/null; wait $qpid 2>/dev/null
        rc=124
        break
    fi
    # The guest has written its results and asked to power off; processes
    # stuck in D state (a frozen server) can delay that for a minute or more:
    # nothing is left to lose, so do not wait for it.
    if [ -z "$poweroff_seen" ] && grep -q FSVM-POWEROFF "$log" 2>/dev/null; then
        poweroff_seen=$now
    fi
    if [ -n "$poweroff_seen" ] && [ $((now - poweroff_seen)) -ge 5 ]; then
        kill -KILL $qpid 2>/dev/null; wait $qpid 2>/dev/null
        rc=0
        break
    fi
    sleep 0.2
done
trap - EXIT
exit $rc
