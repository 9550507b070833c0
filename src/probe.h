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
	uint32_t key;		/* pending_key() of the mount's device number */
	ssize_t dep;		/* job that must answer first (the nearest
				 * probed ancestor the path walk waits on,
				 * see report.c), -1 for none */
	bool want_usage;	/* statfs after a good statx */
};

struct probe_prestart;

struct probe_options {
	enum probe_engine engine;
	uint64_t deadline_ns;	/* CLOCK_MONOTONIC */
	uint64_t start_ns;	/* CLOCK_MONOTONIC, when the run began */
	/* A request another process has in flight on a mount (the registry,
	 * pending.h) is hung once it is this old. A younger one is waited
	 * for (another run overlapping this one, probing a healthy mount),
	 * and the mount probed once it returns; 0: reported at once. */
	uint64_t timeout_ns;
	const char *state_dir;	/* NULL: no cross-run registry */
	struct probe_prestart *prestart; /* a helper probe_run() hands its
					  * jobs to, or NULL: it forks one */
	/* The caller's own work, done once the helper has its jobs and
	 * before the front waits for the first answer, so that it overlaps
	 * the probes; NULL for none. */
	void (*while_probing)(void *userdata);
	void *userdata;
};

struct probe_report {
	enum probe_engine engine; /* the one that ran */
	int engine_err;		/* why io_uring was not used, 0 if it was */
	int state_err;		/* why the state directory is unusable, 0 */
	bool helper_failed;	/* helper died before answering everything */
};

/* One result record from helper to front. Fixed size and well under
 * PIPE_BUF, so every write(2) is atomic; front and helper are the same
 * binary (fork without exec), so the layout needs no versioning. */
enum record_type {
	RECORD_ENGINE = 1, /* which engine runs; a = engine, err = why not uring */
	RECORD_STATX,	   /* err, latency_ns, mnt_id */
	RECORD_STATFS,	   /* err, usage */
	RECORD_PENDING,	   /* another process's request is in flight and
			    * older than the timeout: since, pid */
	RECORD_STATE,	   /* the state directory is unusable: err */
	RECORD_PONG,	   /* answer to a ping: the helper's loop is alive */
	RECORD_WAITING,	   /* another process's young request is in flight:
			    * since, pid; the job goes once it returns */
	RECORD_YIELDED,	   /* the daemon's request was not issued: another
			    * process waits for the mount, and goes first */
	_RECORD_TYPE_END,
};

struct probe_record {
	uint32_t type;
	uint32_t job;
	int32_t err;	/* positive errno or 0 */
	int32_t a;	/* RECORD_ENGINE: engine; RECORD_PENDING: pid */
	uint64_t latency_ns;
	uint64_t mnt_id;
	uint64_t since_boot_ns;
	int64_t since_real_ns;
	struct fs_usage usage;
};

/* What a RECORD_STATX says of the mount whose ID mnt_id the job expected:
 * sets res's answer (the front's and the daemon's bookkeeping). */
void probe_statx_result(const struct probe_record *rec, int mnt_id, struct mount_result *res);

/* The mount hangs on another process's request, pid's, issued at
 * since_boot_ns (CLOCK_BOOTTIME, 0 if unknown) and since_real_ns: sets
 * res to hung since then (the front's and the daemon's bookkeeping). */
void probe_pending_result(int pid, uint64_t since_boot_ns, int64_t since_real_ns, uint64_t now_boot_ns,
			  struct mount_result *res);

/* Fills results[i] for each job (status ok/hung/stale/... except blocked,
 * which the caller derives from dep). Returns 0 or -errno for fsprobe's own
 * failures (fork, pipe). */
int probe_run(const struct probe_job *jobs, size_t n, const struct probe_options *o,
	      struct mount_result *results, struct probe_report *ret_report);

/* A helper for one probe_run(), forked before the mount table is read: its
 * start (detaching, dropping privileges) overlaps the front's reading and
 * parsing, and the fork copies a process that has not grown yet, so that
 * neither side pays a copy-on-write fault for every page of a large table
 * it writes afterwards. The jobs reach it through memory mapped shared
 * before the fork. Returns 0 or -errno (then probe_run() forks as ever). */
int probe_prestart(const struct probe_options *o, struct probe_prestart **ret);
/* Forgets the helper; one that got no jobs exits. Accepts NULL. */
struct probe_prestart *probe_prestart_free(struct probe_prestart *p);
static inline void probe_prestart_freep(struct probe_prestart **p)
{
	*p = probe_prestart_free(*p);
}

/* A long-lived helper for the daemon: requests go in one at a time, the
 * same records come back, in completion order, named by the caller's
 * token. The caller keeps the deadlines and never submits a second
 * request for a mount that has one in flight. */
struct probe_session;

int probe_session_start(const struct probe_options *o, struct probe_session **ret);
/* Closes the pipes and forgets the helper without waiting: one stuck in
 * the kernel finishes its requests and exits by itself. */
struct probe_session *probe_session_free(struct probe_session *s);
pid_t probe_session_pid(const struct probe_session *s);
int probe_session_fd(const struct probe_session *s);	     /* records: poll for input */
int probe_session_request_fd(const struct probe_session *s); /* poll for output when wants_write */
bool probe_session_wants_write(const struct probe_session *s);

/* Queue a request (or a ping); probe_session_flush() sends the queue. */
int probe_session_submit(struct probe_session *s, uint32_t token, uint32_t key, const char *path, bool want_usage);
int probe_session_ping(struct probe_session *s);
/* Writes what the request pipe can take of the queued requests. */
int probe_session_flush(struct probe_session *s);
/* Hands every whole record read to fn; 1 at EOF (the helper is gone). */
int probe_session_read(struct probe_session *s, void (*fn)(void *userdata, const struct probe_record *rec),
		       void *userdata);
