#!/bin/sh
# Build the test VM's initramfs.
#
# usage: build-initramfs.sh OUTPUT.cpio KERNEL_VERSION
#
# The initramfs is deliberately tiny (about 3.5 MB): busybox, the modules
# needed to mount the host's /usr over virtio-9p, /init and a few /etc files.
# Everything else runs from the host's /usr inside the VM (see init), so this
# only has to be rebuilt when init, busybox or the kernel change.

set -eu
out=$1
kver=$2
case $out in /*) ;; *) out=$PWD/$out ;; esac
here=$(cd "$(dirname "$0")" && pwd)

root=$(mktemp -d "${TMPDIR:-/tmp}/fsvm-initramfs.XXXXXX")
trap 'rm -rf "$root"' EXIT
# "." becomes the VM's "/": mktemp's 0700 would lock every non-root user
# (smbd serving as "tester") out of the whole tree
chmod 755 "$root"
cd "$root"

mkdir -p .bb/bin .bb/mod usr etc proc sys dev tmp run var host srv mnt root
chmod 1777 tmp
# usr-merged layout, so that /bin/sh, /lib64/ld-linux... resolve into host /usr
ln -s usr/bin bin
ln -s usr/sbin sbin
ln -s usr/lib lib
ln -s usr/lib64 lib64

# busybox lives apart from /usr: it is PID 1's toolbox before /usr is mounted
cp "$(command -v busybox)" .bb/bin/busybox
for a in $(.bb/bin/busybox --list); do
    [ -e ".bb/bin/$a" ] || ln -s busybox ".bb/bin/$a"
done

# 9p over virtio-pci, in dependency order; builtin modules print "builtin X"
for top in virtio_pci 9pnet_virtio 9p; do
    modprobe -S "$kver" --show-depends "$top" | awk '$1 == "insmod" { print $2 }'
done | while read -r ko; do
    b=$(basename "$ko")
    [ -e ".bb/mod/$b" ] && continue
    # Debian may ship modules compressed; insmod of busybox wants them plain
    case $ko in
        *.xz)  xz -dc "$ko" > ".bb/mod/${b%.xz}"; b=${b%.xz} ;;
        *.zst) zstd -qdc "$ko" > ".bb/mod/${b%.zst}"; b=${b%.zst} ;;
        *)     cp "$ko" ".bb/mod/$b" ;;
    esac
    strip --strip-debug ".bb/mod/$b" 2>/dev/null || true
    echo "$b" >> .bb/mod/order
done
[ -s .bb/mod/order ] || { echo "build-initramfs: no 9p modules for $kver" >&2; exit 1; }

# glibc finds host libraries through the cache; nfs-utils wants netconfig
cp /etc/ld.so.cache etc/
[ -e /etc/netconfig ] && cp /etc/netconfig etc/

cp "$here/init" init
chmod 755 init

find . -print0 | LC_ALL=C sort -z | cpio --null -o -H newc --quiet > "$out.tmp"
mv "$out.tmp" "$out"
