#!/bin/bash
# The release tarball, as a packager takes it: the tree `make dist` packs
# holds every file of the project (every suite runs from it) and nothing
# a build made; from it, configure --prefix=/usr, build, and
# make install DESTDIR= put exactly the files fsprobe ships where they
# belong (the check_fsprobe link resolving inside DESTDIR, the units
# naming /usr/bin/fsprobe); make uninstall takes them away again; and
# make distcheck passes (it runs the unit tests: configure
# --disable-root-tests). Minutes of building: the plain pass only.
. "$(dirname "$0")/../lib.sh"
[ -n "${TOP_BUILDDIR:-}" ] && [ -f "$TOP_BUILDDIR/Makefile" ] ||
	t_missing "needs a configured build directory: TOP_BUILDDIR (run through make check)"
t_require_installed pkg-config pkg-config
t_init
# read-only trees (the sources below, distcheck's) must go at the end too
trap 'chmod -R u+w "$T_DIR" 2>/dev/null; t_cleanup' EXIT
# The make that runs this test must not leak its flags (jobserver, -s)
# into the builds below.
unset MAKEFLAGS MFLAGS MAKELEVEL MAKEOVERRIDES
MAKE_J="make -j2"

V=$(sed -n 's/^PACKAGE_VERSION = //p' "$TOP_BUILDDIR/Makefile")
t_like "$V" '^[0-9]+\.[0-9]+' "version $V"
SRC=$T_DIR/fsprobe-$V

# ---------------------------------------------------------------- the tarball's tree
make -s -C "$TOP_BUILDDIR" distdir distdir="$SRC" >"$T_DIR/dist.out" 2>&1
t_is "$?" 0 "make distdir"
[ -d "$SRC" ] || { t_note "$(tail -n 20 "$T_DIR/dist.out")"; t_done; exit 1; }
(cd "$SRC" && find . \( -type f -o -type l \) | sed 's|^\./||' | sort) > "$T_DIR/files"
t_note "$(wc -l < "$T_DIR/files") files"

# what each suite and the package build need, beyond the sources
missing=
for f in configure Makefile.in build-aux/tap-driver.sh m4/.keep autogen.sh \
	README.md doc/fsprobe.1 \
	scripts/build.sh scripts/deps.sh scripts/test.sh \
	tests/lib.sh tests/isolate.sh tests/unit/tap.h tests/fuse/testfs.c \
	tests/helpers/nagios-parse.pl tests/vm/run-suite.sh tests/vm/setup.sh \
	tests/vm/init tests/vm/guest/systemd.sh tests/fuzz/run.sh tests/fuzz/fuzz.h \
	bench/run.sh bench/measure.c \
	contrib/systemd/fsprobe.service.in contrib/systemd/fsprobe-textfile.service.in \
	contrib/systemd/fsprobe-textfile.timer contrib/bash-completion/fsprobe \
	contrib/prometheus/fsprobe-rules.yml contrib/nagios/fsprobe.cfg contrib/icinga2/fsprobe.conf \
	debian/control debian/rules debian/changelog debian/copyright debian/source/format; do
	grep -qxF "$f" "$T_DIR/files" || missing="$missing $f"
done
t_is "$missing" "" "the tarball has the build system, every suite's scripts, contrib/ and debian/"
t_is "$(sed -n '1s/^fsprobe (\([^)]*\)).*/\1/p' "$SRC/debian/changelog")" "$V" \
	"debian/changelog's version is the release's"
t_is "$(grep -c '^tests/fuzz/corpus/' "$T_DIR/files")" \
	"$(cd "$TOP_SRCDIR" && find tests/fuzz/corpus -type f | wc -l)" "the whole fuzz corpus"
t_is "$(grep -c '^tests/unit/files/' "$T_DIR/files")" \
	"$(cd "$TOP_SRCDIR" && find tests/unit/files -type f | wc -l)" "the unit tests' fixtures"
# every test make check names is there
missing=
for f in $(make -s --no-print-directory -C "$TOP_BUILDDIR" print-host-tests 2>/dev/null); do
	case $f in tests/unit/*) f=$f.c ;; esac
	grep -qxF "$f" "$T_DIR/files" || missing="$missing $f"
done
t_is "$missing" "" "every unit and scenario test"
# every file of the project, when this runs from a git checkout; only the
# repository's own dot files (.gitignore, .ci/ of CI) stay out
if git -C "$TOP_SRCDIR" rev-parse --git-dir >/dev/null 2>&1; then
	git -C "$TOP_SRCDIR" ls-files | grep -v '^\.' | sort > "$T_DIR/tracked"
	t_is "$(comm -23 "$T_DIR/tracked" "$T_DIR/files" | tr '\n' ' ')" "" \
		"every file of the project ($(wc -l < "$T_DIR/tracked") tracked) is in the tarball"
else
	t_pass "every file of the project is in the tarball # SKIP not a git checkout"
fi
t_is "$(grep -E '^contrib/systemd/[^/]*\.service$|\.o$|^debian/(fsprobe|tmp|\.debhelper)/|^debian/files$|/test-suite\.log$|^build(-san|-fuzz)?/' "$T_DIR/files" | tr '\n' ' ')" "" \
	"nothing a build or a package build made"

# ---------------------------------------------------------------- configure, build, install
# read-only sources, as make distcheck has them
chmod -R a-w "$SRC"
mkdir "$T_DIR/b"
cd "$T_DIR/b" || exit 1
"$SRC/configure" -q --prefix=/usr --disable-root-tests >"$T_DIR/conf.out" 2>&1
t_is "$?" 0 "configure --prefix=/usr from the tarball"
$MAKE_J -s >"$T_DIR/make.out" 2>&1
t_is "$?" 0 "make" || t_note "$(tail -n 20 "$T_DIR/make.out")"
D=$T_DIR/root
make -s install DESTDIR="$D" >"$T_DIR/install.out" 2>&1
t_is "$?" 0 "make install DESTDIR=" || t_note "$(tail -n 20 "$T_DIR/install.out")"

unitdir=$(pkg-config --variable=systemdsystemunitdir systemd 2>/dev/null)
unitdir=${unitdir:-/usr/lib/systemd/system}
compdir=$(pkg-config --variable=completionsdir bash-completion 2>/dev/null)
compdir=${compdir:-/usr/share/bash-completion/completions}
{
	echo /usr/bin/fsprobe
	echo /usr/lib/nagios/plugins/check_fsprobe
	echo /usr/share/man/man1/fsprobe.1
	# the plugin's own page, once the sources have one
	[ -f "$SRC/doc/check_fsprobe.1" ] && echo /usr/share/man/man1/check_fsprobe.1
	echo "$unitdir/fsprobe.service"
	echo "$unitdir/fsprobe-textfile.service"
	echo "$unitdir/fsprobe-textfile.timer"
	echo "$compdir/fsprobe"
	echo /usr/share/doc/fsprobe/README.md
	echo /usr/share/doc/fsprobe/fleet.md
	echo /usr/share/doc/fsprobe/examples/prometheus/fsprobe-rules.yml
	echo /usr/share/doc/fsprobe/examples/prometheus/fsprobe-rules.test.yml
	echo /usr/share/doc/fsprobe/examples/nagios/fsprobe.cfg
	echo /usr/share/doc/fsprobe/examples/icinga2/fsprobe.conf
	echo /usr/share/doc/fsprobe/examples/grafana/fsprobe-fleet.json
} | sort > "$T_DIR/want"
(cd "$D" && find . \( -type f -o -type l \) | sed 's|^\.||' | sort) > "$T_DIR/got"
t_is "$(diff "$T_DIR/want" "$T_DIR/got" | grep '^[<>]' | tr '\n' ' ')" "" \
	"installed: exactly the $(wc -l < "$T_DIR/want") files fsprobe ships"
t_note "$(tr '\n' ' ' < "$T_DIR/got")"

t_is "$(head -c 4 "$D/usr/bin/fsprobe" | tail -c 3)" ELF "/usr/bin/fsprobe is a program"
L=$D/usr/lib/nagios/plugins/check_fsprobe
t_is "$(stat -c %F "$L")" "symbolic link" "check_fsprobe is a symbolic link"
t_is "$(readlink "$L")" "../../../bin/fsprobe" "... relative, to /usr/bin/fsprobe"
t_is "$(readlink -f "$L")" "$(readlink -f "$D/usr/bin/fsprobe")" "... which it reaches inside DESTDIR"
t_is "$("$D/usr/bin/fsprobe" --version)" "fsprobe $V" "the installed fsprobe runs"
"$L" -t 2 --state-dir "$T_DIR/state" >"$T_DIR/out" 2>&1
rc=$?
t_like "$rc" '^[012]$' "the installed check_fsprobe -t 2 runs as a plugin (exit status $rc)"
t_like "$(head -n 1 "$T_DIR/out")" '^FSPROBE (OK|WARNING|CRITICAL) - ' "... and prints the plugin line"
for u in fsprobe.service fsprobe-textfile.service; do
	t_is "$(sed -n 's/^ExecStart=\([^ ]*\).*/\1/p' "$D$unitdir/$u")" /usr/bin/fsprobe "$u runs /usr/bin/fsprobe"
done
t_is "$(grep -l '@[a-z]*@' "$D$unitdir"/* | tr '\n' ' ')" "" "no @variable@ left in the units"
t_is "$(sed -n 's/^ *complete -F \([^ ]*\) fsprobe$/\1/p' "$D$compdir/fsprobe")" _fsprobe "the completion is for fsprobe"

make -s uninstall DESTDIR="$D" >"$T_DIR/uninstall.out" 2>&1
t_is "$?" 0 "make uninstall DESTDIR="
t_is "$(cd "$D" && find . \( -type f -o -type l \) | tr '\n' ' ')" "" "... leaves no file behind"

# ---------------------------------------------------------------- distcheck
# From the tarball's own tree: make dist packs it again, and distcheck
# unpacks that, builds it read-only out of tree, runs make check,
# installs, uninstalls and checks that nothing is left.
$MAKE_J distcheck >"$T_DIR/distcheck.out" 2>&1
rc=$?
t_is "$rc" 0 "make distcheck"
[ "$rc" = 0 ] || t_note "$(grep -v '^ok\|^PASS' "$T_DIR/distcheck.out" | tail -n 30)"
t_like "$(grep -A1 '^=*$' "$T_DIR/distcheck.out" | grep 'archives ready for distribution')" \
	"fsprobe-$V archives ready for distribution" "... says the archive is ready"
t_like "$(tar tzf "fsprobe-$V.tar.gz" 2>/dev/null | head -n 1)" "^fsprobe-$V/" "fsprobe-$V.tar.gz unpacks into fsprobe-$V/"
t_is "$(grep '^PASS: tests/unit/' "$T_DIR/distcheck.out" | awk '{ print $2 }' | sort -u | wc -l)" \
	"$(make -s --no-print-directory -C "$T_DIR/b" print-host-tests | tr ' ' '\n' | grep -c '^tests/unit/')" \
	"its make check ran every unit test"

t_done
