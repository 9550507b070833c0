#!/bin/sh
# Install the Debian packages the VM harness needs, on the HOST.
#
# The VM mounts the host's /usr read-only (virtio-9p) and runs everything from
# it, so the servers (nfsd via nfs-kernel-server, Samba), the clients
# (mount.nfs, mount.cifs), nft and the guest kernel's modules all have to be
# installed here, on the host, even though only the VM uses them.
#
# Idempotent and quiet: does nothing when everything is present, runs
# `apt-get update` only when a package is missing.  Exit 0 when all packages
# are installed, 1 otherwise (the caller decides whether that means skip).

set -u

# qemu-system-x86    the emulator (TCG: no usable KVM on the CI machines)
# linux-image-amd64  the guest kernel: Debian's own, with nfsd/cifs/nf_tables modules
# busybox-static     the initramfs userland until host /usr is mounted
# nfs-kernel-server  rpc.nfsd, rpc.mountd, exportfs (the NFS server in the VM)
# nfs-common         mount.nfs (NFS client helper)
# cifs-utils         mount.cifs
# samba              smbd, smbpasswd (ksmbd-tools does not work with the 6.1 kernel)
# nftables           nft: cuts a server off without touching it
# cpio kmod          building the initramfs (cpio, modprobe --show-depends)
# jq                 parses fsprobe --json inside the VM
# iproute2 procps    ip (lo down), ps-like checks; usually present already
# systemd: PID 1 of the "systemd" boot; util-linux: nsenter and unshare of
# the "identity" boot; libfuse3-3: the test file system the "systemd" boot
# mounts (built with the check programs).
PKGS="qemu-system-x86 linux-image-amd64 busybox-static nfs-kernel-server nfs-common
      cifs-utils samba nftables cpio kmod jq iproute2 coreutils systemd util-linux
      libfuse3-3"

missing() {
    for p in $PKGS; do
        # "install ok installed" is the only state in which the files are there
        s=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null) || s=
        [ "$s" = "install ok installed" ] || printf '%s ' "$p"
    done
}

need=$(missing)
[ -z "$need" ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
    echo "setup.sh: missing packages ($need) and not root: cannot install" >&2
    exit 1
fi

echo "setup.sh: installing $need" >&2
export DEBIAN_FRONTEND=noninteractive
# Package installs would otherwise start services on the host (nfs-server,
# smbd, nmbd): the harness never wants them, and in a container they fail.
policy=/usr/sbin/policy-rc.d
own_policy=
if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' > "$policy" && chmod 755 "$policy" && own_policy=1
fi

log=$(mktemp)
rc=0
# shellcheck disable=SC2086 # $need is a list of words
apt-get -q update > "$log" 2>&1 &&
    apt-get -q -y --no-install-recommends install $need >> "$log" 2>&1 || rc=$?
[ -n "$own_policy" ] && rm -f "$policy"

if [ $rc -ne 0 ] || [ -n "$(missing)" ]; then
    echo "setup.sh: apt-get failed (rc=$rc); its log:" >&2
    tail -n 40 "$log" >&2
    rm -f "$log"
    exit 1
fi
rm -f "$log"
exit 0
