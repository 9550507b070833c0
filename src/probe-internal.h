/* What the helper process and its back-ends share. The front never
 * includes this except for the record layout. */
#pragma once

#include <stdint.h>
#include <sys/statfs.h>
#include <sys/stat.h>

#include "probe.h"

enum probe_op {
	PROBE_OP_STATX,
	PROBE_OP_STATFS,
};

/* One result record from helper to front. Fixed size and well under
 * PIPE_BUF, so every write(2) is atomic; front and helper are the same
 * binary (fork without exec), so the layout needs no versioning. */
enum record_type {
	RECORD_ENGINE = 1, /* which engine runs; a = engine, err = why not uring */
	RECORD_STATX,	   /* err, latency_ns, mnt_id */
	RECORD_STATFS,	   /* err, usage */
	RECORD_PENDING,	   /* an earlier run's request is in flight: since, pid */
	RECORD_STATE,	   /* the state directory is unusable: err */
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

/* Completion callback of the back-ends: res is 0 or -errno. */
typedef void (*probe_done_fn)(void *userdata, uint32_t job, enum probe_op op, int res);

/* The io_uring back-end: statx only (statfs has no opcode). */
struct uring_engine;
int uring_engine_new(unsigned njobs, struct uring_engine **ret);
struct uring_engine *uring_engine_free(struct uring_engine *e);
int uring_engine_fd(struct uring_engine *e);
int uring_engine_submit_statx(struct uring_engine *e, uint32_t job, const char *path, struct statx *buf);
int uring_engine_flush(struct uring_engine *e);
int uring_engine_reap(struct uring_engine *e, probe_done_fn done, void *userdata);

/* The thread back-end: any blocking call, one worker thread per request in
 * flight; a worker stuck in the kernel is abandoned, never joined. */
struct thread_engine;
int thread_engine_new(unsigned max_threads, struct thread_engine **ret);
int thread_engine_fd(struct thread_engine *e);
int thread_engine_submit(struct thread_engine *e, uint32_t job, enum probe_op op, const char *path, void *buf);
int thread_engine_reap(struct thread_engine *e, probe_done_fn done, void *userdata);

/* The flags and mask every statx probe uses, whichever engine issues it:
 * FORCE_SYNC makes NFS/CIFS/FUSE ask the server (a cached answer would make
 * a dead server look healthy, and NFS honours it only when the mask asks
 * for more than type and inode); NO_AUTOMOUNT and SYMLINK_NOFOLLOW keep the
 * probe on the mount itself. */
#define PROBE_STATX_FLAGS (AT_STATX_FORCE_SYNC | AT_NO_AUTOMOUNT | AT_SYMLINK_NOFOLLOW)
#define PROBE_STATX_MASK (STATX_BASIC_STATS | STATX_MNT_ID)

/* The helper's body; runs in the forked child and returns its exit code. */
int helper_main(const struct probe_job *jobs, size_t n, const struct probe_options *o, int out_fd);
