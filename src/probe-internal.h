/* What the helper process and its back-ends share. The front never
 * includes this except for the record layout. */
#pragma once

#include <sched.h>
#include <stdint.h>
#include <sys/statfs.h>
#include <sys/stat.h>

#include "probe.h"

enum probe_op {
	PROBE_OP_STATX,
	PROBE_OP_STATFS,
};

/* One request on the helper's request stream (the daemon's long-lived
 * helper), followed by path_len bytes of path, no NUL. */
struct probe_request {
	uint32_t token;	  /* echoed in the records as "job" */
	uint32_t key;	  /* pending_key() of the mount's device number */
	uint32_t flags;	  /* PROBE_REQUEST_* */
	uint32_t path_len;
};

#define PROBE_REQUEST_USAGE 1U
#define PROBE_REQUEST_PING 2U /* no path: answer RECORD_PONG at once */
/* A request never exceeds a header plus PATH_MAX. */
#define PROBE_REQUEST_MAX (sizeof(struct probe_request) + 4096 + 1)

/* The framing of the request stream (helper.c): hands every whole request
 * in buf[0..*have) to fn, with its rq->path_len bytes of path (no NUL),
 * and moves the bytes of a partial one to the front of buf. Returns 0, or
 * -EBADMSG at a header no request can have: the stream cannot be
 * resynchronised, and what follows it is left unread. Pure, so a fuzzer
 * can feed it any bytes. */
int probe_requests_take(uint8_t *buf, size_t *have,
			void (*fn)(void *userdata, const struct probe_request *rq, const uint8_t *path),
			void *userdata);

/* The framing of the record stream, the one decoder of the front
 * (probe.c) and of the daemon's session: hands every whole record in
 * buf[0..*have) to fn, in order, but for one no helper writes (unknown
 * type, errno out of range, nameless engine), and moves the bytes of a
 * partial one to the front of buf. Pure, like probe_requests_take(). */
void probe_records_take(uint8_t *buf, size_t *have, void (*fn)(void *userdata, const struct probe_record *rec),
			void *userdata);

/* What the records of one probe_run() do to its results (probe.c); pure
 * bookkeeping, apart from the clocks finish reads. */
struct probe_front {
	const struct probe_job *jobs;
	size_t n;
	struct mount_result *results;
	struct probe_report *report;
	bool *statx_done;
	bool *final;
	/* RECORD_WAITING: when the request waited for was issued
	 * (CLOCK_BOOTTIME, 0 if unknown); NULL to keep none. */
	uint64_t *waiting_since;
	size_t done; /* jobs with a final answer */
};

/* Applies one record; userdata is the struct probe_front. */
void probe_front_apply(void *userdata, const struct probe_record *rec);
/* Marks what did not answer by now as hung. */
void probe_front_finish(struct probe_front *f, uint64_t start_ns);

/* Completion callback of the back-ends: res is 0 or -errno. */
typedef void (*probe_done_fn)(void *userdata, uint32_t job, enum probe_op op, int res);

/* The io_uring back-end: statx only (statfs has no opcode). */
struct uring_engine;
int uring_engine_new(unsigned njobs, struct uring_engine **ret);
struct uring_engine *uring_engine_free(struct uring_engine *e);
int uring_engine_fd(struct uring_engine *e);
/* Makes room for this many requests in flight: the io-wq worker cap must
 * cover them all, or healthy mounts queue behind hung ones. */
int uring_engine_reserve(struct uring_engine *e, unsigned inflight);
int uring_engine_submit_statx(struct uring_engine *e, uint32_t job, const char *path, struct statx *buf);
int uring_engine_flush(struct uring_engine *e);
int uring_engine_reap(struct uring_engine *e, probe_done_fn done, void *userdata);

/* The thread back-end: any blocking call, one worker thread per request in
 * flight; a worker stuck in the kernel is abandoned, never joined. */
struct thread_engine;
#define THREAD_ENGINE_UNBOUNDED 65536U
int thread_engine_new(unsigned max_threads, struct thread_engine **ret);
int thread_engine_fd(struct thread_engine *e);
/* Starts the first worker before there is work: a prestarted helper does
 * it while its jobs are still being read. */
void thread_engine_prespawn(struct thread_engine *e);
/* The CPUs every worker started from now on may run on, rather than its
 * creator's. */
void thread_engine_set_cpus(struct thread_engine *e, const cpu_set_t *cpus);
/* usage_buf (statx only, else NULL): the same worker follows a good statx
 * with a statfs into it; both answers come back, statx first. */
int thread_engine_submit(struct thread_engine *e, uint32_t job, enum probe_op op, const char *path, void *buf,
			 void *usage_buf);
int thread_engine_reap(struct thread_engine *e, probe_done_fn done, void *userdata);
/* Whether requests wait for a worker: then the helper ticks every
 * THREAD_ENGINE_TICK_MS, and a tick with no progress adds a worker. */
bool thread_engine_waiting(struct thread_engine *e);
void thread_engine_tick(struct thread_engine *e);
#define THREAD_ENGINE_TICK_MS 2

/* The flags and mask every statx probe uses, whichever engine issues it:
 * FORCE_SYNC makes NFS/CIFS/FUSE ask the server (a cached answer would make
 * a dead server look healthy, and NFS honours it only when the mask asks
 * for more than type and inode); NO_AUTOMOUNT and SYMLINK_NOFOLLOW keep the
 * probe on the mount itself. */
#define PROBE_STATX_FLAGS (AT_STATX_FORCE_SYNC | AT_NO_AUTOMOUNT | AT_SYMLINK_NOFOLLOW)
#define PROBE_STATX_MASK (STATX_BASIC_STATS | STATX_MNT_ID)

/* The helper's body; runs in the forked child and returns its exit code.
 * jobs are inherited through fork(); req_fd, if not -1, streams more. */
int helper_main(const struct probe_job *jobs, size_t n, const struct probe_options *o, int out_fd, int req_fd);

/* The jobs of a one-shot run, to a helper started before they were known
 * (probe_prestart()): one message on a socket; jobs and their paths sit
 * in memory the front mapped shared before the fork, at the same address
 * in both processes. */
struct probe_jobs_msg {
	const struct probe_job *jobs;
	uint64_t n;		/* 0: nothing to probe, exit */
	int32_t engine;		/* auto resolved by the front, or as asked */
	int32_t zero;		/* no padding: every byte sent is set */
};

/* The prestarted helper's body: detaches at once, waits for the message on
 * jobs_fd, then runs as helper_main(). cpus, if not NULL: the CPUs its
 * workers may run on (the front may still be moving the helper's own
 * thread between CPUs when it starts one, see probe.c). */
int helper_main_prestarted(int jobs_fd, const struct probe_options *o, int out_fd, const cpu_set_t *cpus);
