#!/bin/sh
# Runs a scenario test in a mount namespace of its own, when we may: its
# mounts are then invisible to other tests (a test that lists every mount
# never probes another test's hung one) and vanish with it even if its
# cleanup is cut short. Without root the test runs as it is (and skips
# what needs root).
if [ "$(id -u)" = 0 ] && unshare -m --propagation private true 2>/dev/null; then
	exec unshare -m --propagation private bash "$@"
fi
exec bash "$@"
