#!/bin/bash
# The test command and its harness, which a newcomer and CI rely on:
# .ci/run runs the README's two commands (read from README.md, not a copy)
# in order in a fresh clone of HEAD and passes only on "N passed, 0
# failed, N skipped"; tests/lib.sh fails (never skips) a file when
# something the test command installs is missing, skips one only for a
# facility the machine lacks (and not under CI), and fails a test that
# leaves a helper behind; and no test skips for a missing package.
# .ci/run is exercised on throw-away repositories whose README holds stub
# commands, so this costs seconds, not the suite.
. "$(dirname "$0")/../lib.sh"
t_require_installed git git
t_init
TOP=${TOP_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
LIB=$TOP/tests/lib.sh

# ---- the real README: the commands .ci/run would run
cmds=$(bash "$TOP/.ci/run" --print-commands)
t_is "$?" 0 ".ci/run finds a command under '## Build and run' and under '## Test' in README.md"
t_is "$(wc -l <<<"$cmds")" 2 "two commands"
t_like "$(sed -n 1p <<<"$cmds")" '^scripts/deps\.sh && scripts/build\.sh && build/fsprobe ' \
	"the build command: deps, build, run"
t_is "$(sed -n 2p <<<"$cmds")" "scripts/test.sh" "the test command"

# ---- .ci/run on a repository of stub commands
# repo NAME BUILD-COMMAND TEST-COMMAND [README]: a git repository with
# this .ci/run, committed; an untracked file and a build directory beside
# (a clone must not have them).
repo() {
	local r=$T_DIR/$1
	mkdir -p "$r/.ci" "$r/build"
	cp "$TOP/.ci/run" "$r/.ci/run"
	if [ $# -ge 4 ]; then
		printf '%s\n' "$4" > "$r/README.md"
	else
		printf '# stub\n\n## Build and run\n\n```\n%s\n```\n\nwords\n\n## Test\n\n```\n%s\n```\n\n## Usage\n\n```\nnot a command\n```\n' \
			"$2" "$3" > "$r/README.md"
	fi
	git -C "$r" init -q
	git -C "$r" add .
	git -C "$r" -c user.name=t -c user.email=t@localhost commit -q -m stub
	touch "$r/untracked" "$r/build/stale"
	echo "$r"
}
# ci REPO: runs its .ci/run with clones under $T_DIR/tmp; CI_RC, CI_OUT
ci() {
	mkdir -p "$T_DIR/tmp"
	CI_OUT=$(TMPDIR=$T_DIR/tmp bash "$1/.ci/run" 2>&1)
	CI_RC=$?
}
last() { tail -n 1 <<<"$CI_OUT"; }

W=$T_DIR/where
r=$(repo pass "pwd > $W.build && touch built" \
	"test -e built && test ! -e untracked && test ! -e build/stale && pwd > $W.test && echo '3 passed, 0 failed, 1 skipped'")
t_is "$(bash "$r/.ci/run" --print-commands | tr '\n' '|')" \
	"pwd > $W.build && touch built|test -e built && test ! -e untracked && test ! -e build/stale && pwd > $W.test && echo '3 passed, 0 failed, 1 skipped'|" \
	"--print-commands: the blocks under the two headings of that README, no other"
ci "$r"
t_is "$CI_RC" 0 "0 failed: .ci/run passes"
t_is "$(last)" "3 passed, 0 failed, 1 skipped" "its last line is the test command's"
t_is "$(grep -cx '3 passed, 0 failed, 1 skipped' <<<"$CI_OUT")" 2 "the test command's output passed through"
t_is "$(cat "$W.test" 2>/dev/null)" "$(cat "$W.build" 2>/dev/null)" "both commands ran in the same directory, build first"
t_like "$(cat "$W.test" 2>/dev/null)" "^$T_DIR/tmp/fsprobe-ci\.[^/]*/fsprobe\$" "a fresh clone, not the checkout (no untracked file, no build directory)"
t_is "$(ls -A "$T_DIR/tmp")" "" "the clone is removed"

git -C "$r" -c user.name=t -c user.email=t@localhost commit -q --allow-empty -m second
echo changed >> "$r/README.md"
ci "$r"
t_like "$CI_OUT" "fresh clone of $(git -C "$r" rev-parse HEAD | cut -c1-12) " "the clone is at HEAD"
t_like "$CI_OUT" "uncommitted changes in the checkout are not tested" "uncommitted changes: said"

r=$(repo failed "true" "echo '2 passed, 1 failed, 0 skipped'; exit 1")
ci "$r"
t_is "$CI_RC/$(last)" "1/2 passed, 1 failed, 0 skipped" "a failed test: .ci/run fails with the same counts"

r=$(repo garbled "true" "echo 'all good'")
ci "$r"
t_is "$CI_RC/$(last)" "1/0 passed, 1 failed, 0 skipped" "no counts line from the test command: a failure"

r=$(repo buildfail "exit 2" "echo '3 passed, 0 failed, 1 skipped'")
ci "$r"
t_is "$CI_RC/$(last)" "1/3 passed, 1 failed, 1 skipped" "the build command failed: a failure, the tests still ran"

r=$(repo liar "true" "echo '3 passed, 0 failed, 0 skipped'; exit 1")
ci "$r"
t_is "$CI_RC/$(last)" "1/3 passed, 1 failed, 0 skipped" "the test command failed without counting it: a failure"

r=$(repo notest "true" "" "$(printf '## Build and run\n\n```\ntrue\n```\n')")
ci "$r"
t_is "$CI_RC/$(last)" "1/0 passed, 1 failed, 0 skipped" "a README without a test command: a failure"
t_is "$(ls -A "$T_DIR/tmp")" "" "no clone left behind by any run"

# ---- tests/lib.sh: missing, skipped, left behind
# sub SCRIPT-BODY [ENV...]: runs a test file sourcing lib.sh; SUB_RC, SUB_OUT
sub() {
	local body=$1; shift
	printf '. "%s"\n%s\n' "$LIB" "$body" > "$T_DIR/sub.sh"
	SUB_OUT=$(env "$@" bash "$T_DIR/sub.sh" 2>/dev/null)
	SUB_RC=$?
}
for ci_env in CI= CI=true; do
	sub 't_require_installed no-such-package no-such-command-fsprobe; echo reached' "$ci_env"
	t_is "$SUB_RC/$(grep -v '^#' <<<"$SUB_OUT" | tr '\n' '|')" \
		"1/1..1|not ok 1 - no-such-command-fsprobe not installed (Debian package no-such-package)|" \
		"$ci_env: a package the test command installs, missing: the file fails"
	sub 't_require_built /nonexistent/testfs testfs; echo reached' "$ci_env"
	t_like "$SUB_RC/$(tr '\n' '|' <<<"$SUB_OUT")" '^1/1\.\.1\|not ok 1 - testfs not built' \
		"$ci_env: a program make check builds, missing: the file fails"
done
sub 't_skip_all "no such facility"; echo reached' CI=
t_is "$SUB_RC/$SUB_OUT" "0/1..0 # SKIP no such facility" "a facility the machine lacks: skipped"
sub 't_skip_all "no such facility"; echo reached' CI=true
t_like "$SUB_RC/$SUB_OUT" '^1/Bail out!' "the same under CI=true: a failure"

sub 't_init; t_pass "something"; t_done' CI=
t_is "$SUB_RC/$(tr '\n' '|' <<<"$SUB_OUT")" \
	"0/ok 1 - something|ok 2 - nothing the test started outlives it (no fsprobe helper holds its registry)|1..2|" \
	"a test that leaves nothing: passes, the check counted"
# A process holding the test's registry, as a helper stuck in the kernel
# does; it records its PID so that this test stops it.
sub "t_init; mkdir -p \"\$T_DIR/state\"
(exec 9>\"\$T_DIR/state/pending\"; exec sleep 60) </dev/null >/dev/null 2>&1 &
echo \$! > '$T_DIR/holder.pid'
for i in \$(seq 100); do [ -n \"\$(t_registry_holders)\" ] && break; sleep 0.05; done
t_pass something; t_done" CI=
holder=$(cat "$T_DIR/holder.pid" 2>/dev/null)
T_PIDS="$T_PIDS $holder"
t_is "$SUB_RC" 1 "a helper left behind: the test fails"
t_like "$(tr '\n' '|' <<<"$SUB_OUT")" "^ok 1 - something\\|not ok 2 - nothing the test started outlives it .*\\|1\\.\\.2\\|\$" \
	"as an assertion before the plan"
t_like "$SUB_OUT" "got '$holder'" "naming its PID"

# ---- no test skips for a missing package or program
# (those are t_missing / t_require_installed / t_require_built)
bad=$(cd "$TOP" && grep -n --exclude=harness.sh 't_skip_all.*\(not installed\|not built\|not found\)' tests/ts/*.sh tests/lib.sh)
t_is "$bad" "" "no t_skip_all for something installed or built by the test command"
bad=$(cd "$TOP" && grep -ln '1\.\.0 # SKIP' tests/fuzz/run.sh tests/unit/*.c tests/unit/*.h)
t_is "$bad" "" "the fuzz runner and the unit tests never skip"
t_done
