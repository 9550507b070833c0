#!/bin/bash
# The whole test suite, as CI runs it: installs what it needs, builds
# fsprobe twice (plain, and with AddressSanitizer + UndefinedBehaviorSanitizer),
# runs unit and FUSE scenario tests against both and the VM suite with real
# NFS and CIFS servers against the plain build, and ends with the line
# "N passed, N failed, N skipped".
#
# Both build directories are configured again on every run (a second or
# two; nothing is recompiled when configure finds what it found before):
# build/ may have been configured by the README's build command before
# this script installed the test dependencies, and would then lack the
# test FUSE file system. A test that finds missing something this script
# installs fails; skips are left for what a machine really lacks (no
# /dev/fuse, not root, a kernel limit), and the last line counts them.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"

scripts/deps.sh --test || { echo "0 passed, 1 failed, 0 skipped"; exit 1; }

# Counts from automake's test-suite.log of each build.
pass=0 fail=0 skip=0
count() {
	local log=$1 p f s e x
	if [ ! -f "$log" ]; then fail=$((fail + 1)); return; fi
	p=$(awk '/^# PASS:/ {print $3}' "$log"); f=$(awk '/^# FAIL:/ {print $3}' "$log")
	s=$(awk '/^# SKIP:/ {print $3}' "$log"); e=$(awk '/^# ERROR:/ {print $3}' "$log")
	x=$(awk '/^# XPASS:/ {print $3}' "$log")
	pass=$((pass + ${p:-0})); fail=$((fail + ${f:-0} + ${e:-0} + ${x:-0})); skip=$((skip + ${s:-0}))
}

run_suite() { # run_suite BUILDDIR TESTS-override [configure args]
	local dir=$1 tests=$2; shift 2
	echo "=== build $dir $*"
	if ! scripts/build.sh --reconfigure "$dir" "$@"; then
		echo "build failed: $dir"; fail=$((fail + 1)); return
	fi
	rm -f "$dir/test-suite.log"
	if [ -n "$tests" ]; then
		make -C "$dir" -s check TESTS="$tests" || true
	else
		make -C "$dir" -s check || true
	fi
	[ -f "$dir/test-suite.log" ] && grep -q '^# FAIL: *[1-9]\|^# ERROR: *[1-9]' "$dir/test-suite.log" && cat "$dir/test-suite.log"
	# each skip with its reason: only a facility this machine lacks may be one
	[ -f "$dir/test-suite.log" ] && grep '^SKIP: .* - ' "$dir/test-suite.log" | sed "s|^|skipped in ${dir##*/}: |"
	count "$dir/test-suite.log"
}

run_suite "$top/build" ""
# The sanitizer build repeats everything that runs fsprobe on this host;
# the VM suite (emulated, minutes per boot) runs the plain build only.
# Only the test names: make may print other things (a Makefile.am newer
# than its Makefile is regenerated first).
sanitized_tests=$(make -s --no-print-directory -C "$top/build" print-host-tests 2>/dev/null | tr ' ' '\n' | grep '^tests/' | tr '\n' ' ')
run_suite "$top/build-san" "$sanitized_tests" --enable-sanitizers

# Every parser under libFuzzer, FUZZ_SECONDS (20) each from its committed
# corpus: one TAP line per target, counted with the rest.
echo "=== fuzz"
fuzz_tap=$(tests/fuzz/run.sh "${FUZZ_SECONDS:-20}")
fuzz_rc=$?
echo "$fuzz_tap"
p=$(grep -c '^ok ' <<<"$fuzz_tap"); f=$(grep -c '^not ok ' <<<"$fuzz_tap")
pass=$((pass + p)); fail=$((fail + f))
[ "$fuzz_rc" != 0 ] && [ "$f" = 0 ] && fail=$((fail + 1))

echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" = 0 ]
