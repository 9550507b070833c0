#!/bin/bash
# The Debian package, as a site builds it from the release tarball:
# dpkg-buildpackage -us -uc -b builds fsprobe_*.deb, lintian finds no
# error in it, dpkg -i installs it, the installed fsprobe and
# /usr/lib/nagios/plugins/check_fsprobe run, systemd-analyze verifies the
# installed units (installed, not enabled), and dpkg -P takes it all away
# again, leaving the machine as it was. Minutes of building: the plain
# pass only. Needs root (dpkg -i) and debhelper, lintian, fakeroot.
. "$(dirname "$0")/../lib.sh"
t_require_root
[ -n "${TOP_BUILDDIR:-}" ] && [ -f "$TOP_BUILDDIR/Makefile" ] ||
	t_missing "needs a configured build directory: TOP_BUILDDIR (run through make check)"
t_require_installed dpkg-dev dpkg-buildpackage
t_require_installed debhelper dh
t_require_installed lintian lintian
t_require_installed fakeroot fakeroot
t_require_installed systemd systemd-analyze
# An fsprobe package already on this machine is not ours to replace.
if dpkg-query -W -f='${Status}' fsprobe 2>/dev/null | grep -q 'ok installed\|config-files'; then
	echo "Bail out! an fsprobe package is already installed here; this test would replace and purge it"
	exit 1
fi
t_init
INSTALLED=
# whatever happens, the package goes again
trap '[ -n "$INSTALLED" ] && dpkg -P fsprobe >/dev/null 2>&1; t_cleanup' EXIT
unset MAKEFLAGS MFLAGS MAKELEVEL MAKEOVERRIDES
export DEB_BUILD_OPTIONS="parallel=2"

V=$(sed -n 's/^PACKAGE_VERSION = //p' "$TOP_BUILDDIR/Makefile")
# where this Debian puts units (/lib on 12, /usr/lib later)
U=$(pkg-config --variable=systemdsystemunitdir systemd 2>/dev/null)
U=${U:-/usr/lib/systemd/system}
ARCH=$(dpkg --print-architecture)
SRC=$T_DIR/fsprobe-$V

# ---------------------------------------------------------------- build
make -s -C "$TOP_BUILDDIR" distdir distdir="$SRC" >"$T_DIR/dist.out" 2>&1
t_is "$?" 0 "the release tarball's tree (make distdir)"
cd "$SRC" || { t_done; exit 1; }
dpkg-checkbuilddeps >"$T_DIR/deps.out" 2>&1
t_is "$?" 0 "the build dependencies are installed" || t_note "$(cat "$T_DIR/deps.out")"
dpkg-buildpackage -us -uc -b >"$T_DIR/build.out" 2>&1
rc=$?
t_is "$rc" 0 "dpkg-buildpackage -us -uc -b"
[ "$rc" = 0 ] || t_note "$(tail -n 40 "$T_DIR/build.out")"
t_like "$(sed -n '/dh_auto_test/,$p' "$T_DIR/build.out" | grep '^# PASS:' | head -n 1)" '^# PASS: +[1-9]' \
	"dh_auto_test ran the unit tests"
t_like "$(sed -n '/dh_auto_test/,$p' "$T_DIR/build.out" | grep '^# FAIL:' | head -n 1)" '^# FAIL: +0$' \
	"... which passed"
t_is "$(grep -c '^PASS: tests/ts/\|^PASS: tests/vm/' "$T_DIR/build.out")" 0 "... and none of the root suites"
DEB=$T_DIR/fsprobe_${V}_$ARCH.deb
if [ ! -f "$DEB" ]; then
	t_fail "fsprobe_${V}_$ARCH.deb built"
	t_done; exit 1
fi
t_pass "fsprobe_${V}_$ARCH.deb built"

# ---------------------------------------------------------------- the .deb
dpkg-deb -c "$DEB" | awk '{ print $6 $7 $8 }' | sed 's|^\./|/|' > "$T_DIR/contents"
t_note "$(grep -v '/$' "$T_DIR/contents" | tr '\n' ' ')"
missing=
for f in /usr/bin/fsprobe \
	/usr/lib/nagios/plugins/check_fsprobe-\>../../../bin/fsprobe \
	/usr/share/man/man1/fsprobe.1.gz /usr/share/man/man1/check_fsprobe.1.gz \
	"$U/fsprobe.service" "$U/fsprobe-textfile.service" "$U/fsprobe-textfile.timer" \
	/usr/share/bash-completion/completions/fsprobe \
	/usr/share/doc/fsprobe/copyright /usr/share/doc/fsprobe/changelog.gz \
	/usr/share/doc/fsprobe/examples/prometheus/fsprobe-rules.yml \
	/usr/share/doc/fsprobe/examples/nagios/fsprobe.cfg \
	/usr/share/doc/fsprobe/examples/icinga2/fsprobe.conf \
	/usr/share/doc/fsprobe/examples/grafana/fsprobe-fleet.json /usr/share/doc/fsprobe/fleet.md.gz; do
	grep -qxF -- "$f" "$T_DIR/contents" || missing="$missing $f"
done
t_is "$missing" "" "the package has the program, the plugin link, the man page, the units, the completion, the examples"
deps=$(dpkg-deb -f "$DEB" Depends)
t_note "Depends: $deps"
t_is "$(tr ',' '\n' <<< "$deps" | sed 's/^ *//; s/ .*//' | grep -v '^lib' | tr '\n' ' ')" "" \
	"it depends on shared libraries only"
# fsprobe loads these when it first calls them (dlopen): shlibs cannot
# see them, debian/control names them.
for lib in liburing2 libmount1 libsmartcols1 libsystemd0; do
	t_like "$deps" "(^|, )$lib( |,|$)" "it depends on $lib, which it loads on first use"
done

lintian --fail-on error --tag-display-limit 0 "$DEB" >"$T_DIR/lintian.out" 2>&1
t_is "$?" 0 "lintian: no error"
t_is "$(grep -c '^E: ' "$T_DIR/lintian.out")" 0 "lintian: no E: line"
t_note "lintian: $(grep -c '^W: ' "$T_DIR/lintian.out") warnings"
while read -r l; do t_note "  $l"; done < <(grep '^[EW]: ' "$T_DIR/lintian.out")

# ---------------------------------------------------------------- installed
INSTALLED=1
dpkg -i "$DEB" >"$T_DIR/install.out" 2>&1
t_is "$?" 0 "dpkg -i" || t_note "$(tail -n 20 "$T_DIR/install.out")"
t_is "$(/usr/bin/fsprobe --version)" "fsprobe $V" "the installed fsprobe --version"
/usr/lib/nagios/plugins/check_fsprobe -t 2 --state-dir "$T_DIR/state" >"$T_DIR/out" 2>&1
rc=$?
t_like "$rc" '^[012]$' "/usr/lib/nagios/plugins/check_fsprobe -t 2: a plugin's exit status ($rc)"
t_like "$(head -n 1 "$T_DIR/out")" '^FSPROBE (OK|WARNING|CRITICAL) - ' "... and its FSPROBE line"
units="fsprobe.service fsprobe-textfile.service fsprobe-textfile.timer"
(cd "$U" && SYSTEMD_LOG_LEVEL=warning systemd-analyze verify --man=no $units) >"$T_DIR/verify.out" 2>&1
t_is "$?" 0 "systemd-analyze verify the installed units"
t_is "$(grep -v 'Unit .* not found\|Failed to prepare filename' "$T_DIR/verify.out")" "" "systemd-analyze: no complaint"
t_is "$(sed -n 's/^ExecStart=\([^ ]*\) .*/\1/p' "$U/fsprobe.service")" /usr/bin/fsprobe \
	"fsprobe.service runs /usr/bin/fsprobe"
t_is "$(find /etc/systemd/system -name 'fsprobe*' 2>/dev/null | tr '\n' ' ')" "" "no unit is enabled"
t_is "$(bash --norc --noprofile -c '. /usr/share/bash-completion/bash_completion; . /usr/share/bash-completion/completions/fsprobe; complete -p fsprobe')" \
	"complete -F _fsprobe fsprobe" "the installed completion loads"

# ---------------------------------------------------------------- purged
dpkg -P fsprobe >"$T_DIR/purge.out" 2>&1
t_is "$?" 0 "dpkg -P fsprobe"
INSTALLED=
t_is "$(dpkg-query -W -f='${Status}' fsprobe 2>/dev/null | grep -c 'ok installed$\|config-files')" 0 "the package is gone, configuration too"
left=
while read -r f; do
	f=${f%%->*}
	case $f in */) continue ;; esac
	[ -e "$f" ] || [ -L "$f" ] && left="$left $f"
done < "$T_DIR/contents"
t_is "$left" "" "none of its files is left"

t_done
