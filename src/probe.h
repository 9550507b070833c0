/* The probe engine as the front process sees it: a list of jobs in, a
 * result per job out, by a deadline, whatever the kernel does.
 *
 * probe_run() forks a helper process that issues every request; the front
 * only reads the helper's result records from a pipe and never waits past
 * its deadline. The helper holds none of the caller's file descriptors, so
 * a pipeline sees EOF when the front exits even if the helper lingers in
 * the kernel. */
#pragma once

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "state.h"

enum probe_engine {
	PROBE_ENGINE_AUTO,
	PROBE_ENGINE_URING,
	PROBE_ENGINE_THREADS,
	_PROBE_ENGINE_MAX,
	_PROBE_ENGINE_INVALID = -EINVAL,
};

const char *probe_engine_to_string(enum probe_engine e);
enum probe_engine probe_engine_from_string(const char *s);

struct probe_job {
	const char *path;	/* absolute mount target */
	int mnt_id;		/* mountinfo ID the path must lead to */
	ssize_t dep;		/* job that must answer first (the nearest
				 * probed ancestor), -1 for none */
	bool want_usage;	/* statfs after a good statx */
};

struct probe_options {
	enum probe_engine engine;
	uint64_t deadline_ns;	/* CLOCK_MONOTONIC */
	uint64_t start_ns;	/* CLOCK_MONOTONIC, when the run began */
	const char *state_dir;	/* NULL: no cross-run registry */
};

struct probe_report {
	enum probe_engine engine; /* the one that ran */
	int engine_err;		/* why io_uring was not used, 0 if it was */
	int state_err;		/* why the state directory is unusable, 0 */
	bool helper_failed;	/* helper died before answering everything */
};

/* Fills results[i] for each job (status ok/hung/stale/... except blocked,
 * which the caller derives from dep). Returns 0 or -errno for fsprobe's own
 * failures (fork, pipe). */
int probe_run(const struct probe_job *jobs, size_t n, const struct probe_options *o,
	      struct mount_result *results, struct probe_report *ret_report);
