#!/bin/bash
# The hang cases: a daemon that reads the request and never answers (the
# caller cannot even be killed), and one that stops reading (SIGSTOP).
# fsprobe must report hung and be reaped within the timeout + 100 ms, also
# at the end of a pipeline; releasing the mount lets its helper go.
. "$(dirname "$0")/../lib.sh"
t_require_fuse
t_require_jq
t_init
FUSE_SUBTYPE=fsprobetest$$

TO_MS=800
MARGIN_MS=100

d_state() { sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1; }

for engine in uring threads; do
	for how in never-answers stopped; do
		name=${how%%-*}_$engine
		fuse_start "$name"
		m=$(fuse_mnt "$name")
		if [ $how = stopped ]; then kill -STOP "$(fuse_pid "$name")"; else fuse_mode "$name" hang; fi

		run_fsprobe --engine=$engine --timeout ${TO_MS}ms --json "$m"
		t_is "$RC" 1 "$engine/$how: exit status 1"
		t_le "$ELAPSED_MS" $((TO_MS + MARGIN_MS)) "$engine/$how: reaped within timeout + ${MARGIN_MS} ms"
		t_is "$(json_field "$m" status)" hung "$engine/$how: hung"
		t_is "$(json_field "$m" latency)" null "$engine/$how: no latency for an unanswered probe"

		holders=$(t_registry_holders)
		if [ -n "$holders" ]; then t_pass "$engine/$how: a helper holds the request, detached"
		else t_fail "$engine/$how: no helper holds the pending request"; fi
		# What the lingering helper could do, were it not stuck: look
		# paths up and nothing else, for good.
		if [ "$(id -u)" = 0 ]; then
			for h in $holders; do
				caps=$(grep -E '^(CapInh|CapPrm|CapEff|CapAmb|NoNewPrivs):' "/proc/$h/status" | tr -s '\t\n' ' ')
				t_is "$caps" "CapInh: 0000000000000000 CapPrm: 0000000000000006 CapEff: 0000000000000006 CapAmb: 0000000000000000 NoNewPrivs: 1 " \
					"$engine/$how: helper keeps DAC_OVERRIDE and DAC_READ_SEARCH only, with no_new_privs"
			done
		fi
		# It started off the front's CPU (src/probe.c), and has every
		# CPU back, all its threads.
		mine=$(grep '^Cpus_allowed_list:' /proc/self/status)
		for h in $holders; do
			t_is "$(cat /proc/$h/task/*/status 2>/dev/null | grep '^Cpus_allowed_list:' | sort -u)" "$mine" \
				"$engine/$how: the helper's threads may run on every CPU the caller may"
		done
		if [ $how = never-answers ]; then
			for h in $holders; do t_note "helper $h state $(d_state "$h") wchan $(cat /proc/$h/wchan 2>/dev/null)"; done
		fi

		# The helper does not hold the caller's stdout: a pipeline ends too.
		run_fsprobe_pipe --engine=$engine --timeout ${TO_MS}ms --no-state -t "fuse.$FUSE_SUBTYPE"
		t_is "$RC" 1 "$engine/$how: piped: exit status 1"
		t_le "$ELAPSED_MS" $((TO_MS + MARGIN_MS)) "$engine/$how: '| cat' ends within timeout + ${MARGIN_MS} ms"
		t_like "$(grep -F " $m " "$OUT")" '^hung ' "$engine/$how: piped table says hung"

		fuse_kill "$name"
		if t_wait_helpers_gone; then t_pass "$engine/$how: helper gone once the daemon died"
		else t_fail "$engine/$how: helper still there: $(t_registry_holders)"; fi
		umount -l "$m"
	done
done

stuck=$(ps -eo stat=,pid=,comm= | awk '$1 ~ /^D/ && $3 ~ /fsprobe|testfs|iou-wrk/')
t_is "$stuck" "" "no fsprobe/testfs process left in D state"
t_done
