#!/bin/sh
# Installs what fsprobe needs from Debian's packages (Debian 12 or later).
#   scripts/deps.sh          build dependencies
#   scripts/deps.sh --test   plus what the test suite needs
# Installs only what is missing; runs apt-get update only then.
set -eu

build="build-essential autoconf automake pkg-config liburing-dev libmount-dev libsmartcols-dev libsystemd-dev"
# jq reads fsprobe's JSON in the scenario tests; libfuse3 builds the test
# FUSE file system; clang and its runtime build the libFuzzer targets
# (tests/fuzz/run.sh; libclang-rt-dev follows clang's version).
# The monitoring integrations are checked by their real consumers:
# promtool (prometheus), node_exporter, Monitoring::Plugin, check_disk
# (monitoring-plugins-basic) side by side with check_fsprobe, curl for the
# scrape, systemd-analyze for the units in contrib/, icinga2 and its ITL
# for the CheckCommand. The release and package checks build the Debian
# package (debhelper, dpkg-dev, fakeroot), run lintian on it, and load the
# bash completion (bash-completion). git: .ci/run clones the checkout, and
# tests/ts/harness.sh checks it doing so.
test="libfuse3-dev fuse3 binutils bsdutils jq procps psmisc prometheus prometheus-node-exporter libmonitoring-plugin-perl monitoring-plugins-basic icinga2-common icinga2-bin curl systemd valgrind clang libclang-rt-dev debhelper dpkg-dev fakeroot lintian bash-completion git"

pkgs=$build
[ "${1:-}" = --test ] && pkgs="$pkgs $test"

missing=
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing="$missing $p"
done
[ -z "$missing" ] && exit 0

SUDO=
[ "$(id -u)" = 0 ] || SUDO=sudo
echo "installing:$missing" >&2
$SUDO apt-get update -qq
# shellcheck disable=SC2086
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
