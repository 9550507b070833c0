/* The helper process: issues every probe request, streams one record per
 * answer to the front, and holds each mount's slot in the pending registry
 * while a request on it is in flight.
 *
 * It is the only fsprobe process that touches a probed mount, so it is the
 * one that may get stuck in the kernel: nothing waits for it. It never
 * issues a request on a mount whose nearest probed ancestor has not
 * answered (the path walk would queue behind the hung lookup, unkillably),
 * never issues a second request on a mount, and once the front has gone it
 * issues nothing new and exits as soon as its last request returns. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "cleanup.h"
#include "macro.h"
#include "pending.h"
#include "probe-internal.h"
#include "util.h"

struct helper_job {
	const struct probe_job *job;
	struct statx stx;	/* written by the kernel, maybe long after */
	struct statfs sfs;
	uint64_t issued_ns;
	ssize_t first_child, next_sibling;
	bool locked;
};

struct helper {
	struct helper_job *jobs;
	size_t n;
	struct uring_engine *uring;
	struct thread_engine *threads;
	int out_fd, pending_fd;
	unsigned inflight;
	bool front_gone;
};

static void send_record(struct helper *h, struct probe_record *rec)
{
	ssize_t l;

	if (h->front_gone)
		return;
	do
		l = write(h->out_fd, rec, sizeof(*rec));
	while (l < 0 && errno == EINTR);
	if (l != (ssize_t)sizeof(*rec))
		h->front_gone = true; /* EPIPE: the front met its deadline */
}

static void job_finish(struct helper *h, uint32_t j)
{
	struct helper_job *hj = &h->jobs[j];

	if (hj->locked)
		(void)pending_release(h->pending_fd, hj->job->mnt_id);
	hj->locked = false;
	h->inflight--;
}

static void submit(struct helper *h, uint32_t j)
{
	struct helper_job *hj = &h->jobs[j];
	int r;

	if (h->front_gone)
		return;
	if (h->pending_fd >= 0) {
		struct pending_info busy;

		r = pending_acquire(h->pending_fd, hj->job->mnt_id, &busy);
		if (r == -EBUSY) {
			struct probe_record rec = {
				.type = RECORD_PENDING,
				.job = j,
				.a = busy.pid,
				.since_boot_ns = busy.since_boot_ns,
				.since_real_ns = busy.since_real_ns,
			};
			send_record(h, &rec);
			return;
		}
		/* Any other registry failure: probe anyway, unguarded. */
		hj->locked = r == 0;
	}
	hj->issued_ns = now_mono_ns();
	h->inflight++;
	if (h->uring)
		r = uring_engine_submit_statx(h->uring, j, hj->job->path, &hj->stx);
	else
		r = thread_engine_submit(h->threads, j, PROBE_OP_STATX, hj->job->path, &hj->stx);
	if (r < 0) {
		struct probe_record rec = { .type = RECORD_STATX, .job = j, .err = -r };
		send_record(h, &rec);
		job_finish(h, j);
	}
}

static void submit_children(struct helper *h, uint32_t j)
{
	for (ssize_t c = h->jobs[j].first_child; c >= 0; c = h->jobs[c].next_sibling)
		submit(h, (uint32_t)c);
}

static void on_done(void *userdata, uint32_t j, enum probe_op op, int res)
{
	struct helper *h = userdata;
	struct helper_job *hj;
	struct probe_record rec = { .job = j, .err = res < 0 ? -res : 0 };

	if (j >= h->n)
		return;
	hj = &h->jobs[j];
	if (op == PROBE_OP_STATFS) {
		rec.type = RECORD_STATFS;
		if (res == 0)
			rec.usage = (struct fs_usage){
				.frsize = (uint64_t)(hj->sfs.f_frsize ? hj->sfs.f_frsize : hj->sfs.f_bsize),
				.blocks = (uint64_t)hj->sfs.f_blocks,
				.bfree = (uint64_t)hj->sfs.f_bfree,
				.bavail = (uint64_t)hj->sfs.f_bavail,
				.files = (uint64_t)hj->sfs.f_files,
				.ffree = (uint64_t)hj->sfs.f_ffree,
			};
		send_record(h, &rec);
		job_finish(h, j);
		return;
	}

	rec.type = RECORD_STATX;
	rec.latency_ns = now_mono_ns() - hj->issued_ns;
	if (res == 0 && (hj->stx.stx_mask & STATX_MNT_ID))
		rec.mnt_id = hj->stx.stx_mnt_id;
	send_record(h, &rec);

	/* A denied parent still lets the path walk through (or fail fast). */
	if (res == 0 || res == -EACCES || res == -EPERM)
		submit_children(h, j);

	/* The statfs is the same mount's second request, issued only after
	 * the first returned: the one-request rule holds, and the slot stays
	 * locked until it is answered. */
	if (res == 0 && hj->job->want_usage && !h->front_gone &&
	    thread_engine_submit(h->threads, j, PROBE_OP_STATFS, hj->job->path, &hj->sfs) == 0)
		return;
	job_finish(h, j);
}

/* Detaches from everything the caller gave us: a lingering helper must not
 * keep a pipeline, a terminal or a test harness's descriptors open. */
static int detach(int *out_fd)
{
	int devnull, fd;

	(void)setsid();
	(void)prctl(PR_SET_NAME, "fsprobe-helper");
	(void)signal(SIGPIPE, SIG_IGN);
	(void)signal(SIGINT, SIG_IGN);
	(void)signal(SIGHUP, SIG_IGN);

	devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (devnull < 0)
		return -errno;
	for (fd = 0; fd <= 2; fd++)
		if (devnull != fd && dup2(devnull, fd) < 0)
			return -errno;
	if (*out_fd != 3) {
		if (dup3(*out_fd, 3, O_CLOEXEC) < 0)
			return -errno;
		*out_fd = 3;
	}
	(void)close_range(4, ~0U, 0);
	/* Our cwd may be on a hung mount: leave it for good. */
	if (chdir("/") < 0)
		return -errno;
	return 0;
}

int helper_main(const struct probe_job *jobs, size_t n, const struct probe_options *o, int out_fd)
{
	struct helper h = { .n = n, .out_fd = out_fd, .pending_fd = -1 };
	struct probe_record rec = { .type = RECORD_ENGINE };
	int r;

	r = detach(&h.out_fd);
	if (r < 0)
		return 1;

	h.jobs = calloc(MAX(n, 1U), sizeof(*h.jobs));
	if (!h.jobs)
		return 1;
	for (size_t i = 0; i < n; i++) {
		h.jobs[i].job = &jobs[i];
		h.jobs[i].first_child = -1;
		h.jobs[i].next_sibling = -1;
	}
	for (size_t i = n; i-- > 0;) {
		ssize_t d = jobs[i].dep;
		if (d >= 0 && (size_t)d < n) {
			h.jobs[i].next_sibling = h.jobs[d].first_child;
			h.jobs[d].first_child = (ssize_t)i;
		}
	}

	/* statfs always needs threads; statx goes to io_uring when it works.
	 * statx and statfs of one mount never overlap, so n + 1 workers is
	 * the most that can ever be busy. */
	r = thread_engine_new((unsigned)n + 1, &h.threads);
	if (r < 0)
		return 1;
	if (o->engine != PROBE_ENGINE_THREADS) {
		r = uring_engine_new((unsigned)n, &h.uring);
		if (r < 0 && o->engine == PROBE_ENGINE_URING) {
			rec.a = PROBE_ENGINE_URING;
			rec.err = -r;
			send_record(&h, &rec);
			return 1;
		}
		rec.err = r < 0 ? -r : 0;
	}
	rec.a = h.uring ? PROBE_ENGINE_URING : PROBE_ENGINE_THREADS;
	send_record(&h, &rec);

	if (o->state_dir) {
		r = pending_open(o->state_dir, &h.pending_fd);
		if (r < 0) {
			struct probe_record st = { .type = RECORD_STATE, .err = -r };
			send_record(&h, &st);
		}
	}

	for (size_t i = 0; i < n; i++)
		if (jobs[i].dep < 0)
			submit(&h, (uint32_t)i);
	if (h.uring)
		(void)uring_engine_flush(h.uring);

	while (h.inflight > 0) {
		struct pollfd p[2] = {
			{ .fd = thread_engine_fd(h.threads), .events = POLLIN },
			{ .fd = h.uring ? uring_engine_fd(h.uring) : -1, .events = POLLIN },
		};

		if (poll(p, 2, -1) < 0 && errno != EINTR)
			break;
		(void)thread_engine_reap(h.threads, on_done, &h);
		if (h.uring) {
			(void)uring_engine_reap(h.uring, on_done, &h);
			(void)uring_engine_flush(h.uring);
		}
	}
	/* Nothing in flight: everything locked has been released. Exit
	 * without running atexit handlers of the front's libraries. */
	return 0;
}
