#!/bin/bash
# Builds every libFuzzer target of tests/fuzz/ with clang (AddressSanitizer
# and UndefinedBehaviorSanitizer on, fsprobe's sources compiled directly,
# no configure) and runs each for a bounded time, starting from its
# committed seed corpus, so every seed and every past crash is replayed.
# Speaks TAP, one test point per target; exits 1 if any target crashed or
# failed an invariant, leaving the input in FUZZ_BUILD/artifacts/.
#
#   tests/fuzz/run.sh [SECONDS]     seconds per target (default 20)
#   FUZZ_BUILD=DIR                  build directory (default build-fuzz/)
#   FUZZ_JOBS=N                     targets run at once (default nproc)
#   FUZZ_TARGETS="fuzz-a fuzz-b"    only these
#
# One crashing input reruns as: FUZZ_BUILD/fuzz-x FILE
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
secs=${1:-20}
build=${FUZZ_BUILD:-$top/build-fuzz}
jobs=${FUZZ_JOBS:-$(nproc)}
cc=${FUZZ_CC:-clang}

case $secs in
'' | *[!0-9]*) echo "usage: $0 [SECONDS]" >&2; exit 2 ;;
esac

targets=${FUZZ_TARGETS:-$(cd "$top/tests/fuzz" && ls fuzz-*.c | sed 's/\.c$//')}
ntargets=$(echo $targets | wc -w)

# The compilers are installed by scripts/deps.sh --test (and pkg-config by
# scripts/deps.sh): without them the run fails, it is never skipped.
missing() {
	echo "1..1"
	echo "not ok 1 - fuzz targets: $* (scripts/deps.sh --test installs it)"
	exit 1
}
command -v "$cc" >/dev/null || missing "$cc not found (Debian: clang libclang-rt-dev)"
command -v pkg-config >/dev/null || missing "pkg-config not found"

mkdir -p "$build/obj" "$build/artifacts" "$build/corpus" "$build/logs" || exit 2
# What configure would write: the sources need only these.
version=$(sed -n 's/^AC_INIT(\[fsprobe\], \[\([^]]*\)\].*/\1/p' "$top/configure.ac")
printf '#define _GNU_SOURCE 1\n#define PACKAGE_VERSION "%s"\n' "${version:-0}" >"$build/config.h"

deps="liburing mount smartcols libsystemd"
# configure's warnings, as gcc reads them: clang alone also flags a
# positional initializer that leaves trailing fields zero ({ name, help }
# for a table with an optional third field), which the project relies on.
cflags="-g -O1 -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all
	-Wall -Wextra -Werror -Wshadow -Wpointer-arith -Wmissing-prototypes -Wstrict-prototypes
	-Wformat=2 -Wno-format-nonliteral -Wno-missing-field-initializers
	-include $build/config.h -I$build -I$top/include -I$top/src -I$top/tests/fuzz $(pkg-config --cflags $deps)"
libs="$(pkg-config --libs $deps) -lpthread -lm -ldl"

# The library part of fsprobe (all but main.c), instrumented for coverage
# but without libFuzzer's main; compiled in parallel, then archived.
echo "# building fuzz targets in $build" >&2
throttle() {
	while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do
		wait -n
	done
}
rm -f "$build"/obj/*
for src in "$top"/src/*.c; do
	[ "${src##*/}" = main.c ] && continue
	throttle
	# shellcheck disable=SC2086
	$cc $cflags -fsanitize=fuzzer-no-link -c "$src" -o "$build/obj/${src##*/}.o" &
done
wait
if [ "$(ls "$build"/obj/*.o | wc -l)" != "$(($(ls "$top"/src/*.c | wc -l) - 1))" ]; then
	echo "1..1"
	echo "not ok 1 - fuzz targets: fsprobe's sources do not build with $cc"
	exit 1
fi
rm -f "$build/libfsprobe-fuzz.a"
ar rcs "$build/libfsprobe-fuzz.a" "$build"/obj/*.o || exit 2

# Links one target; a failure is its TAP line.
build_one() {
	local n=$1 t=$2
	rm -f "$build/$t" "$build/logs/$t.tap"
	# shellcheck disable=SC2086
	if ! $cc $cflags -fsanitize=fuzzer "$top/tests/fuzz/$t.c" "$build/libfsprobe-fuzz.a" $libs \
		-o "$build/$t" 2>"$build/logs/$t.build"; then
		{
			echo "not ok $n - $t: does not build"
			sed 's/^/# /' "$build/logs/$t.build"
		} >"$build/logs/$t.tap"
	fi
}
n=0
for t in $targets; do
	n=$((n + 1))
	throttle
	build_one "$n" "$t" &
done
wait

# Runs one target; its TAP line goes to logs/T.tap. The corpus in the
# build directory collects what the run finds; the committed one is
# read only.
run_one() {
	local n=$1 t=$2 log="$build/logs/$t.log" dict= seeds= rc runs cov rate
	mkdir -p "$build/corpus/$t"
	[ -f "$top/tests/fuzz/$t.dict" ] && dict="-dict=$top/tests/fuzz/$t.dict"
	[ -d "$top/tests/fuzz/corpus/$t" ] && seeds="$top/tests/fuzz/corpus/$t"
	# shellcheck disable=SC2086
	"$build/$t" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
		-artifact_prefix="$build/artifacts/$t-" $dict \
		"$build/corpus/$t" $seeds >"$log" 2>&1
	rc=$?
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
	cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)
	rate=$((${runs:-0} / (secs > 0 ? secs : 1)))
	if [ "$rc" = 0 ]; then
		echo "ok $n - $t: ${runs:-0} runs (${rate}/s), ${cov:-?} edges covered, no crash"
	else
		echo "not ok $n - $t: exit $rc after ${runs:-?} runs"
		grep -aE 'ERROR: |invariant failed|runtime error|SUMMARY|Test unit written' "$log" | head -20 | sed 's/^/# /'
		grep -aqE 'ERROR: |invariant failed|runtime error' "$log" || tail -5 "$log" | sed 's/^/# /'
	fi >"$build/logs/$t.tap"
}

n=0
for t in $targets; do
	n=$((n + 1))
	[ -x "$build/$t" ] || continue
	throttle
	run_one "$n" "$t" &
done
wait

echo "1..$ntargets"
failed=0
for t in $targets; do
	cat "$build/logs/$t.tap"
	grep -q '^not ok' "$build/logs/$t.tap" && failed=$((failed + 1))
done
[ "$failed" = 0 ]
