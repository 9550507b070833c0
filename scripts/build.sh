#!/bin/sh
# Builds fsprobe out of tree: scripts/build.sh [--reconfigure] [BUILDDIR [configure args]]
# (default build/). The binary is BUILDDIR/fsprobe.
#
# A build directory keeps its configuration: configure runs only the first
# time. With --reconfigure it runs every time, so what was installed since
# (the test dependencies: libfuse3-dev builds the test FUSE file system) is
# found: with configure args, configure gets those; without, the
# directory's own arguments are kept (config.status --recheck). Configure
# takes a second or two and leaves config.h untouched when nothing changed,
# so nothing is recompiled for it.
set -eu
reconfigure=
[ "${1:-}" = --reconfigure ] && { reconfigure=1; shift; }
top=$(cd "$(dirname "$0")/.." && pwd)
dir=${1:-$top/build}
[ $# -gt 0 ] && shift
[ -x "$top/configure" ] || (cd "$top" && ./autogen.sh >/dev/null 2>&1)
mkdir -p "$dir"
cd "$dir"
if [ ! -f Makefile ] || [ ! -x config.status ] || { [ -n "$reconfigure" ] && [ $# -gt 0 ]; }; then
	"$top/configure" -q "$@"
elif [ -n "$reconfigure" ]; then
	./config.status --recheck >/dev/null
	./config.status >/dev/null
fi
make -s -j"$(nproc)" >/dev/null
