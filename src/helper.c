/* The helper process: issues every probe request, streams one record per
 * answer to its parent, and holds each mount's slot in the pending registry
 * while a request on it is in flight.
 *
 * It is the only fsprobe process that touches a probed mount, so it is the
 * one that may get stuck in the kernel: nothing waits for it. It takes its
 * work either as a fixed list of jobs inherited through fork() (one CLI
 * run) or as a stream of requests on a pipe (the daemon's long-lived
 * helper), or both. It never issues a request on a mount whose nearest
 * probed ancestor has not answered (the path walk would queue behind the
 * hung lookup, unkillably), never issues a second request on a mount that
 * has one in flight, and once its parent has gone it issues nothing new and
 * exits as soon as its last request returns.
 *
 * A mount with another process's request in flight is hung if that
 * request is older than the timeout; a younger one is most likely another
 * run probing a healthy mount at the same moment (two monitoring checks
 * started by one cron minute), so the job waits for its slot, retried on
 * a short tick, and goes once the other request returns. The registry
 * lock is never waited for in a blocking call: the wait is the helper's
 * own, and ends when the other request turns old or the parent leaves.
 * The daemon's helper, which asks again every cycle, would take a freed
 * slot first every time: its new request yields to a process that waits
 * (pending_wait_mark()), and the daemon asks again next cycle. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <linux/capability.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cleanup.h"
#include "gate.h"
#include "macro.h"
#include "pending.h"
#include "probe-internal.h"
#include "util.h"

struct helper_job {
	uint32_t token;		/* what the records call it */
	const char *path;
	uint32_t key;		/* its file system's slot in the pending registry */
	bool want_usage;
	bool owned;		/* allocated for a streamed request */
	bool locked;		/* holds its slot in the pending registry */
	bool waiting;		/* for another process's young request */
	uint64_t wait_until_boot_ns; /* then that request counts as hung */
	struct pending_info busy; /* the request waited for */
	struct statx stx;	/* written by the kernel, maybe long after */
	struct statfs sfs;
	uint64_t issued_ns;
	ssize_t first_child, next_sibling; /* fixed jobs: the gate tree */
};

struct helper {
	/* Engine requests name jobs by slot. Jobs never move: the kernel
	 * writes into them; only this array of pointers grows. */
	struct helper_job **slots;
	size_t nslots, cap;
	uint32_t *free_slots; /* a stack of slots whose job is done */
	size_t nfree;
	struct uring_engine *uring;
	struct thread_engine *threads;
	int out_fd, req_fd, pending_fd;
	uint8_t *req_buf;
	size_t req_have;
	uint8_t out_buf[sizeof(struct probe_record) * 256];
	size_t out_len;
	/* Registry slots whose requests returned, to unlock. A bind mount of
	 * the same file system still in flight loses its slot with them:
	 * accepted, as its request is then about to return too. */
	uint32_t *release;
	size_t nrelease, release_cap;
	uint32_t *taken; /* streamed jobs read but not submitted yet */
	size_t ntaken, taken_cap;
	/* Jobs waiting for another process's young request (see the top),
	 * retried at retry_ns, after a tick that doubles up to WAIT_TICK_MAX_MS
	 * from 1 ms: a healthy mount's request returns in well under one. */
	uint32_t *waiting;
	size_t nwaiting, waiting_cap;
	uint64_t retry_ns; /* CLOCK_MONOTONIC */
	unsigned retry_ms;
	uint64_t wait_pending_ns; /* probe_options.timeout_ns */
	unsigned inflight;
	bool parent_gone;
};

/* Unlocks the slots of the requests that returned since the last call,
 * in one go (see pending_release_many()). */
static void release_slots(struct helper *h)
{
	if (h->nrelease > 0)
		(void)pending_release_many(h->pending_fd, h->release, h->nrelease);
	h->nrelease = 0;
}

/* Records are written in batches, one write(2) per turn of the loop
 * rather than one per answer: the reader copes with any split. The
 * slots of the requests they announce are released first, so that no
 * one learns of an answer while its mount still looks pending, and the
 * daemon's next request on the mount finds the slot free. */
static void flush_records(struct helper *h)
{
	size_t off = 0;

	release_slots(h);
	while (off < h->out_len && !h->parent_gone) {
		ssize_t l = write(h->out_fd, h->out_buf + off, h->out_len - off);

		if (l < 0 && errno == EINTR)
			continue;
		if (l <= 0)
			h->parent_gone = true; /* EPIPE: the front met its deadline */
		else
			off += (size_t)l;
	}
	h->out_len = 0;
}

static void send_record(struct helper *h, struct probe_record *rec)
{
	if (h->parent_gone)
		return;
	if (h->out_len + sizeof(*rec) > sizeof(h->out_buf))
		flush_records(h);
	memcpy(h->out_buf + h->out_len, rec, sizeof(*rec));
	h->out_len += sizeof(*rec);
}

static int slot_add(struct helper *h, struct helper_job *j, uint32_t *ret_slot)
{
	if (h->nfree > 0)
		*ret_slot = h->free_slots[--h->nfree];
	else {
		if (h->nslots == h->cap) {
			size_t cap = h->cap ? h->cap * 2 : 64;
			struct helper_job **s = reallocarray(h->slots, cap, sizeof(*s));
			uint32_t *f;

			if (!s)
				return -ENOMEM;
			h->slots = s;
			/* Every slot can be free at once: size the stack alike. */
			f = reallocarray(h->free_slots, cap, sizeof(*f));
			if (!f)
				return -ENOMEM;
			h->free_slots = f;
			h->cap = cap;
		}
		*ret_slot = (uint32_t)h->nslots++;
	}
	h->slots[*ret_slot] = j;
	return 0;
}

static void job_finish(struct helper *h, uint32_t slot)
{
	struct helper_job *hj = h->slots[slot];

	if (hj->locked) {
		if (ARRAY_RESERVE(h->release, h->release_cap, h->nrelease + 1) == 0)
			h->release[h->nrelease++] = hj->key;
		else
			(void)pending_release(h->pending_fd, hj->key);
	}
	hj->locked = false;
	h->inflight--;
	if (hj->owned) {
		/* The kernel is done with its buffers: the request returned. */
		free((char *)hj->path);
		free(hj);
		h->slots[slot] = NULL;
		h->free_slots[h->nfree++] = slot;
	}
}

/* RECORD_PENDING or RECORD_WAITING: the other process's request. */
static void send_busy(struct helper *h, enum record_type type, uint32_t token, const struct pending_info *busy)
{
	struct probe_record rec = {
		.type = type,
		.job = token,
		.a = busy->pid,
		.since_boot_ns = busy->since_boot_ns,
		.since_real_ns = busy->since_real_ns,
	};

	send_record(h, &rec);
}

/* The job's mount has a request in flight from another process: it is
 * pending since then, and gets no second one. */
static void pending_elsewhere(struct helper *h, uint32_t slot, const struct pending_info *busy)
{
	send_busy(h, RECORD_PENDING, h->slots[slot]->token, busy);
	h->inflight++;
	job_finish(h, slot);
}

/* The job waits no more, whatever ended it. */
static void wait_end(struct helper *h, struct helper_job *hj)
{
	if (hj->waiting)
		(void)pending_wait_mark(h->pending_fd, hj->key, false);
	hj->waiting = false;
}

#define WAIT_TICK_MAX_MS 16U

/* The job's mount has a request in flight from another process, busy: one
 * older than the timeout makes it hung at once; a younger one is waited
 * for. The front learns whose request it waits for, so that a deadline
 * passing first still names it. */
static void busy_elsewhere(struct helper *h, uint32_t slot, const struct pending_info *busy)
{
	struct helper_job *hj = h->slots[slot];
	uint64_t now = now_boot_ns();
	/* Another process than the one waited for (it took the slot as that
	 * one released it), or the first sight of this one. */
	bool news = !hj->waiting || hj->busy.pid != busy->pid || hj->busy.since_boot_ns != busy->since_boot_ns;

	if (news) {
		/* A slot read as its holder wrote it has no start yet: the
		 * request is new. */
		uint64_t since = busy->since_boot_ns && busy->since_boot_ns <= now ? busy->since_boot_ns : now;

		hj->wait_until_boot_ns = since + h->wait_pending_ns;
	}
	if (h->wait_pending_ns == 0 || now >= hj->wait_until_boot_ns ||
	    ARRAY_RESERVE(h->waiting, h->waiting_cap, h->nwaiting + 1) < 0) {
		wait_end(h, hj);
		pending_elsewhere(h, slot, busy);
		return;
	}
	h->waiting[h->nwaiting++] = slot;
	if (!hj->waiting)
		(void)pending_wait_mark(h->pending_fd, hj->key, true);
	hj->waiting = true;
	hj->busy = *busy;
	if (h->retry_ms == 0) {
		h->retry_ms = 1;
		h->retry_ns = now_mono_ns() + NSEC_PER_MSEC;
	}
	if (news)
		send_busy(h, RECORD_WAITING, hj->token, busy);
}

/* A daemon's new request on a mount that another process waits for is
 * not issued: the other goes first (see the top). */
static bool yield_to_waiter(struct helper *h, uint32_t slot)
{
	struct helper_job *hj = h->slots[slot];
	struct probe_record rec = { .type = RECORD_YIELDED, .job = hj->token };

	if (!hj->owned || hj->waiting || !pending_waited(h->pending_fd, hj->key))
		return false;
	send_record(h, &rec);
	h->inflight++;
	job_finish(h, slot);
	return true;
}

/* Issues the statx of a job that holds its registry slot (or runs
 * unguarded when the registry failed). */
static void issue(struct helper *h, uint32_t slot)
{
	struct helper_job *hj = h->slots[slot];
	int r;

	hj->issued_ns = now_mono_ns();
	h->inflight++;
	if (h->uring) {
		r = uring_engine_reserve(h->uring, h->inflight);
		if (r == 0)
			r = uring_engine_submit_statx(h->uring, slot, hj->path, &hj->stx);
	} else
		r = thread_engine_submit(h->threads, slot, PROBE_OP_STATX, hj->path, &hj->stx,
					 hj->want_usage ? &hj->sfs : NULL);
	if (r < 0) {
		struct probe_record rec = { .type = RECORD_STATX, .job = hj->token, .err = -r };
		send_record(h, &rec);
		job_finish(h, slot);
	}
}

/* A job the parent gave up on before it could go: none is issued. */
static bool drop_if_parent_gone(struct helper *h, uint32_t slot)
{
	if (!h->parent_gone)
		return false;
	if (h->slots[slot]->owned) {
		h->inflight++;
		job_finish(h, slot);
	}
	return true;
}

static void submit(struct helper *h, uint32_t slot)
{
	struct helper_job *hj = h->slots[slot];

	if (h->parent_gone) {
		wait_end(h, hj); /* before the job may be freed */
		(void)drop_if_parent_gone(h, slot);
		return;
	}
	if (h->pending_fd >= 0) {
		struct pending_info busy;
		int r;

		if (yield_to_waiter(h, slot))
			return;
		r = pending_acquire(h->pending_fd, hj->key, &busy);
		if (r == -EBUSY) {
			busy_elsewhere(h, slot, &busy);
			return;
		}
		/* Any other registry failure: probe anyway, unguarded. */
		hj->locked = r == 0;
		wait_end(h, hj);
	}
	issue(h, slot);
}

/* Several jobs that may all go now (the roots, a gate's children): their
 * registry slots are taken in one go, a lock and a write per run of
 * consecutive keys rather than per mount (see
 * pending_acquire_many()); each job is then handled as submit() would. */
static void submit_many(struct helper *h, const uint32_t *slots, size_t n)
{
	_cleanup_free_ uint32_t *ids = NULL, *sl = NULL;
	_cleanup_free_ int *res = NULL;
	_cleanup_free_ struct pending_info *busy = NULL;

	if (n > 1 && h->pending_fd >= 0 && !h->parent_gone) {
		ids = calloc(n, sizeof(*ids));
		sl = calloc(n, sizeof(*sl));
		res = calloc(n, sizeof(*res));
		busy = calloc(n, sizeof(*busy));
	}
	if (!ids || !sl || !res || !busy) {
		for (size_t i = 0; i < n; i++)
			submit(h, slots[i]);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		sl[i] = slots[i];
		ids[i] = h->slots[sl[i]]->key;
	}
	/* A daemon's cycle: one look for anyone waiting, and where someone
	 * does, the new requests on their mounts yield. */
	if (h->slots[sl[0]]->owned && pending_waited_any(h->pending_fd, ids, n)) {
		size_t k = 0;

		for (size_t i = 0; i < n; i++)
			if (!yield_to_waiter(h, sl[i])) {
				sl[k] = sl[i];
				ids[k++] = ids[i];
			}
		n = k;
	}
	pending_acquire_many(h->pending_fd, ids, n, res, busy);
	for (size_t i = 0; i < n; i++) {
		struct helper_job *hj = h->slots[sl[i]];

		if (res[i] == -EBUSY)
			busy_elsewhere(h, sl[i], &busy[i]);
		else {
			hj->locked = res[i] == 0;
			wait_end(h, hj);
			issue(h, sl[i]);
		}
	}
}

/* Tries the waiting jobs' slots again, in one go: those free now go,
 * those whose other request turned old are hung. Once the parent has
 * gone, none goes (submit_many() drops them). */
static void retry_waiting(struct helper *h)
{
	_cleanup_free_ uint32_t *slots = h->waiting;
	size_t n = h->nwaiting;

	h->waiting = NULL;
	h->nwaiting = h->waiting_cap = 0;
	submit_many(h, slots, n);
	if (h->nwaiting == 0) {
		h->retry_ms = 0;
		return;
	}
	h->retry_ms = MIN(h->retry_ms * 2, WAIT_TICK_MAX_MS);
	h->retry_ns = now_mono_ns() + h->retry_ms * NSEC_PER_MSEC;
}

static void submit_children(struct helper *h, uint32_t slot)
{
	_cleanup_free_ uint32_t *kids = NULL;
	size_t n = 0;

	for (ssize_t c = h->slots[slot]->first_child; c >= 0; c = h->slots[c]->next_sibling)
		n++;
	if (n > 1)
		kids = calloc(n, sizeof(*kids));
	if (!kids) {
		for (ssize_t c = h->slots[slot]->first_child; c >= 0; c = h->slots[c]->next_sibling)
			submit(h, (uint32_t)c);
		return;
	}
	n = 0;
	for (ssize_t c = h->slots[slot]->first_child; c >= 0; c = h->slots[c]->next_sibling)
		kids[n++] = (uint32_t)c;
	submit_many(h, kids, n);
}

static void on_done(void *userdata, uint32_t slot, enum probe_op op, int res)
{
	struct helper *h = userdata;
	struct helper_job *hj;
	struct probe_record rec = { .err = res < 0 ? -res : 0 };

	if (slot >= h->nslots || !h->slots[slot])
		return;
	hj = h->slots[slot];
	rec.job = hj->token;
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
		job_finish(h, slot);
		return;
	}

	rec.type = RECORD_STATX;
	rec.latency_ns = now_mono_ns() - hj->issued_ns;
	if (res == 0 && (hj->stx.stx_mask & STATX_MNT_ID))
		rec.mnt_id = hj->stx.stx_mnt_id;
	send_record(h, &rec);

	/* The gate rule (gate.h): its children go once it answered healthy;
	 * a denied parent still lets the path walk through (or fail fast). */
	if (gate_passes(status_from_errno(-res)))
		submit_children(h, slot);

	/* The statfs is the same mount's second request, issued only after
	 * the first returned: the one-request rule holds, and the slot stays
	 * locked until it is answered. The thread engine issued it already,
	 * in the worker that did the statx. */
	if (res == 0 && hj->want_usage && !h->uring)
		return;
	if (res == 0 && hj->want_usage && !h->parent_gone &&
	    thread_engine_submit(h->threads, slot, PROBE_OP_STATFS, hj->path, &hj->sfs, NULL) == 0)
		return;
	job_finish(h, slot);
}

int probe_requests_take(uint8_t *buf, size_t *have,
			void (*fn)(void *userdata, const struct probe_request *rq, const uint8_t *path),
			void *userdata)
{
	size_t off = 0;
	int r = 0;

	while (*have - off >= sizeof(struct probe_request)) {
		struct probe_request rq;

		/* memcpy: the buffer holds bytes, not aligned requests */
		memcpy(&rq, buf + off, sizeof(rq));
		if (rq.flags & PROBE_REQUEST_PING) {
			fn(userdata, &rq, NULL);
			off += sizeof(rq);
			continue;
		}
		/* At most PROBE_REQUEST_MAX - 1 bytes in all: a partial request
		 * never fills the buffer, so a read into it never asks for 0
		 * bytes and mistakes its 0 for EOF. */
		if (rq.path_len == 0 || rq.path_len > PROBE_REQUEST_MAX - sizeof(rq) - 1) {
			r = -EBADMSG;
			break;
		}
		if (*have - off < sizeof(rq) + rq.path_len)
			break;
		fn(userdata, &rq, buf + off + sizeof(rq));
		off += sizeof(rq) + rq.path_len;
	}
	memmove(buf, buf + off, *have - off);
	*have -= off;
	return r;
}

/* One request off the stream: a ping is answered at once, a probe gets
 * its job. */
static void take_request(void *userdata, const struct probe_request *rq, const uint8_t *path)
{
	struct helper *h = userdata;
	struct helper_job *hj;
	uint32_t slot;

	if (rq->flags & PROBE_REQUEST_PING) {
		struct probe_record pong = { .type = RECORD_PONG, .job = rq->token };
		send_record(h, &pong);
		return;
	}
	hj = calloc(1, sizeof(*hj));
	if (hj)
		hj->path = strndup((const char *)path, rq->path_len);
	if (!hj || !hj->path || slot_add(h, hj, &slot) < 0) {
		struct probe_record rec = { .type = RECORD_STATX, .job = rq->token, .err = ENOMEM };
		if (hj)
			free((char *)hj->path);
		free(hj);
		send_record(h, &rec);
		return;
	}
	hj->token = rq->token;
	hj->key = rq->key;
	hj->want_usage = rq->flags & PROBE_REQUEST_USAGE;
	hj->owned = true;
	hj->first_child = hj->next_sibling = -1;
	/* Submitted with the rest of what this read brought (submit_many()),
	 * a whole cycle of the daemon at once. */
	if (ARRAY_RESERVE(h->taken, h->taken_cap, h->ntaken + 1) < 0) {
		submit(h, slot);
		return;
	}
	h->taken[h->ntaken++] = slot;
}

static void read_requests_into(struct helper *h);

/* Reads whole requests from the stream (a partial one waits for more)
 * and submits them together. */
static void read_requests(struct helper *h)
{
	read_requests_into(h);
	submit_many(h, h->taken, h->ntaken);
	h->ntaken = 0;
}

static void read_requests_into(struct helper *h)
{
	for (;;) {
		ssize_t l = read(h->req_fd, h->req_buf + h->req_have, PROBE_REQUEST_MAX - h->req_have);

		if (l < 0 && errno == EINTR)
			continue;
		if (l <= 0) {
			if (l == 0 || errno != EAGAIN) {
				/* The parent closed the stream: no more work. */
				(void)close(h->req_fd);
				h->req_fd = -1;
			}
			return;
		}
		h->req_have += (size_t)l;
		if (probe_requests_take(h->req_buf, &h->req_have, take_request, h) < 0) {
			/* Corrupt stream: our own parent wrote it, so this is
			 * a bug; stop taking requests rather than guess. */
			(void)close(h->req_fd);
			h->req_fd = -1;
			return;
		}
	}
}

/* The helper only looks paths up: as root it keeps the two capabilities a
 * path walk needs to reach every mount point, and nothing else, for good.
 * no_new_privs makes it final: execve() can then grant nothing beyond
 * the permitted set (nor can setuid or file capabilities), and lowering
 * the inheritable set clears the ambient one. The bounding set is left
 * as it is: its only use is to cap what an execve() grants, which
 * no_new_privs already forbids, and dropping it costs a prctl() per
 * capability, each committing new credentials: about 0.06 ms of a 1.4 ms
 * run on a small host (doc/benchmarks.md). A failure leaves it as it
 * was, which is no worse than the caller. */
static void drop_privileges(void)
{
	const uint64_t keep = (UINT64_C(1) << CAP_DAC_OVERRIDE) | (UINT64_C(1) << CAP_DAC_READ_SEARCH);
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[2] = {};

	(void)prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
	if (syscall(SYS_capget, &hdr, data) < 0)
		return;
	for (int i = 0; i < 2; i++) {
		uint32_t k = (uint32_t)(keep >> (32 * i));
		data[i].effective &= k;
		data[i].permitted &= k;
		data[i].inheritable = 0;
	}
	(void)syscall(SYS_capset, &hdr, data);
}

/* Detaches from everything the caller gave us: a lingering helper must not
 * keep a pipeline, a terminal or a test harness's descriptors open. */
static int detach(int *out_fd, int *req_fd)
{
	int devnull, fd;

	/* Out of the caller's process group, so that a terminal's ^C or ^Z
	 * for the front never reaches it; a process group rather than a
	 * session: setsid() also makes a scheduler autogroup, which took 120
	 * us, on the critical path of a run on a small host
	 * (doc/benchmarks.md).
	 * It holds no terminal descriptor and ignores SIGHUP. */
	(void)setpgid(0, 0);
	(void)prctl(PR_SET_NAME, "fsprobe-helper");
	(void)signal(SIGPIPE, SIG_IGN);
	(void)signal(SIGINT, SIG_IGN);
	(void)signal(SIGHUP, SIG_IGN);
	/* Registry slots sit at device number x 32 bytes, gigabytes into a
	 * sparse file for a block device: under a file size limit the write
	 * must fail (EFBIG: probe unguarded), not kill us. */
	(void)signal(SIGXFSZ, SIG_IGN);
	(void)signal(SIGTERM, SIG_DFL);
	(void)signal(SIGCHLD, SIG_DFL);

	devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (devnull < 0)
		return -errno;
	for (fd = 0; fd <= 2; fd++)
		if (devnull != fd && dup2(devnull, fd) < 0)
			return -errno;
	if (dup3(*out_fd, 3, O_CLOEXEC) < 0)
		return -errno;
	*out_fd = 3;
	if (*req_fd >= 0) {
		if (dup3(*req_fd, 4, O_CLOEXEC) < 0)
			return -errno;
		*req_fd = 4;
		(void)fcntl(4, F_SETFL, O_NONBLOCK);
	}
	(void)close_range(*req_fd >= 0 ? 5 : 4, ~0U, 0);
	/* Our cwd may be on a hung mount: leave it for good. */
	if (chdir("/") < 0)
		return -errno;
	drop_privileges();
	return 0;
}

/* The two descriptors may sit where detach() moves them: they are parked
 * above the range first. */
static int park_and_detach(int *out_fd, int *req_fd)
{
	if (*out_fd < 5)
		*out_fd = fcntl(*out_fd, F_DUPFD_CLOEXEC, 5);
	if (*req_fd >= 0 && *req_fd < 5)
		*req_fd = fcntl(*req_fd, F_DUPFD_CLOEXEC, 5);
	if (*out_fd < 0)
		return -EBADF;
	return detach(out_fd, req_fd);
}

/* What a prestarted helper makes while the front still reads the mount
 * table: its thread engine with its first worker started, and its
 * registry open. */
struct helper_prep {
	struct thread_engine *threads;
	int pending_fd;
	int pending_err;
};

static int helper_run(const struct probe_job *jobs, size_t n, const struct probe_options *o, int out_fd, int req_fd,
		      const struct helper_prep *prep);

int helper_main(const struct probe_job *jobs, size_t n, const struct probe_options *o, int out_fd, int req_fd)
{
	if (park_and_detach(&out_fd, &req_fd) < 0)
		return 1;
	return helper_run(jobs, n, o, out_fd, req_fd, NULL);
}

int helper_main_prestarted(int jobs_fd, const struct probe_options *o, int out_fd, const cpu_set_t *cpus)
{
	struct helper_prep prep = { .pending_fd = -1 };
	struct probe_jobs_msg m;
	struct probe_options ro = *o;
	struct pollfd p;
	ssize_t l;

	/* Detached at once, while the front reads the mount table; detach()
	 * leaves jobs_fd non-blocking. */
	if (park_and_detach(&out_fd, &jobs_fd) < 0)
		return 1;
	/* Whichever engine the front picks, statfs needs the threads. A
	 * worker per request in flight is still the most that can be busy,
	 * as requests are issued one per mount at a time. */
	if (thread_engine_new(THREAD_ENGINE_UNBOUNDED, &prep.threads) == 0) {
		if (cpus)
			thread_engine_set_cpus(prep.threads, cpus);
		thread_engine_prespawn(prep.threads);
	}
	if (o->state_dir)
		prep.pending_err = pending_open(o->state_dir, &prep.pending_fd);
	p = (struct pollfd){ .fd = jobs_fd, .events = POLLIN };
	for (;;) {
		l = read(jobs_fd, &m, sizeof(m));
		if (l >= 0 || (errno != EINTR && errno != EAGAIN))
			break;
		if (errno == EAGAIN && poll(&p, 1, -1) < 0 && errno != EINTR)
			break;
	}
	(void)close(jobs_fd);
	/* Nothing to probe, or the front gave up: nothing to do. */
	if (l != (ssize_t)sizeof(m) || m.n == 0)
		return 0;
	ro.engine = (enum probe_engine)m.engine;
	return helper_run(m.jobs, (size_t)m.n, &ro, out_fd, -1, &prep);
}

static int helper_run(const struct probe_job *jobs, size_t n, const struct probe_options *o, int out_fd, int req_fd,
		      const struct helper_prep *prep)
{
	struct helper h = { .out_fd = out_fd, .req_fd = req_fd, .pending_fd = -1, .wait_pending_ns = o->timeout_ns };
	struct probe_record rec = { .type = RECORD_ENGINE };
	struct helper_job *fixed;
	int r;

	fixed = calloc(MAX(n, 1U), sizeof(*fixed));
	h.req_buf = malloc(PROBE_REQUEST_MAX);
	if (!fixed || !h.req_buf)
		return 1;
	for (size_t i = 0; i < n; i++) {
		uint32_t slot;

		fixed[i] = (struct helper_job){ .token = (uint32_t)i, .path = jobs[i].path, .key = jobs[i].key,
						.want_usage = jobs[i].want_usage, .first_child = -1,
						.next_sibling = -1 };
		if (slot_add(&h, &fixed[i], &slot) < 0)
			return 1;
	}
	for (size_t i = n; i-- > 0;) {
		ssize_t d = jobs[i].dep;
		if (d >= 0 && (size_t)d < n) {
			fixed[i].next_sibling = fixed[d].first_child;
			fixed[d].first_child = (ssize_t)i;
		}
	}

	/* statfs always needs threads; statx goes to io_uring when it works.
	 * statx and statfs of one mount never overlap, so one worker per
	 * request in flight is the most that can ever be busy. */
	if (prep && prep->threads)
		h.threads = prep->threads;
	else if (thread_engine_new(req_fd >= 0 ? THREAD_ENGINE_UNBOUNDED : (unsigned)n + 1, &h.threads) < 0)
		return 1;
	if (o->engine != PROBE_ENGINE_THREADS) {
		r = uring_engine_new((unsigned)n, &h.uring);
		if (r < 0 && o->engine == PROBE_ENGINE_URING) {
			rec.a = PROBE_ENGINE_URING;
			rec.err = -r;
			send_record(&h, &rec);
			flush_records(&h);
			return 1;
		}
		rec.err = r < 0 ? -r : 0;
	}
	rec.a = h.uring ? PROBE_ENGINE_URING : PROBE_ENGINE_THREADS;
	send_record(&h, &rec);

	if (o->state_dir) {
		if (prep) {
			r = prep->pending_err;
			h.pending_fd = prep->pending_fd;
		} else
			r = pending_open(o->state_dir, &h.pending_fd);
		if (r < 0) {
			struct probe_record st = { .type = RECORD_STATE, .err = -r };
			send_record(&h, &st);
		}
	}

	{
		_cleanup_free_ uint32_t *roots = calloc(MAX(n, 1U), sizeof(*roots));
		size_t nroots = 0;

		for (size_t i = 0; i < n; i++)
			if (jobs[i].dep < 0) {
				if (roots)
					roots[nroots++] = (uint32_t)i;
				else
					submit(&h, (uint32_t)i);
			}
		submit_many(&h, roots, nroots);
	}
	if (h.uring)
		(void)uring_engine_flush(h.uring);

	while (h.inflight > 0 || h.nwaiting > 0 || (h.req_fd >= 0 && !h.parent_gone)) {
		struct pollfd p[4] = {
			{ .fd = thread_engine_fd(h.threads), .events = POLLIN },
			{ .fd = h.uring ? uring_engine_fd(h.uring) : -1, .events = POLLIN },
			{ .fd = h.parent_gone ? -1 : h.req_fd, .events = POLLIN },
			/* POLLERR once the parent closed its end: a job waiting
			 * for another's request then has no one to go for. */
			{ .fd = h.parent_gone || h.nwaiting == 0 ? -1 : h.out_fd },
		};
		int ms = thread_engine_waiting(h.threads) ? THREAD_ENGINE_TICK_MS : -1;

		flush_records(&h);
		if (h.nwaiting > 0) {
			uint64_t now = now_mono_ns();
			int w = now >= h.retry_ns ? 0 : (int)((h.retry_ns - now + NSEC_PER_MSEC - 1) / NSEC_PER_MSEC);

			ms = ms < 0 ? w : MIN(ms, w);
		}
		if (poll(p, 4, ms) < 0 && errno != EINTR)
			break;
		if (p[3].revents & POLLERR)
			h.parent_gone = true;
		if (h.nwaiting > 0 && (h.parent_gone || now_mono_ns() >= h.retry_ns))
			retry_waiting(&h);
		thread_engine_tick(h.threads);
		(void)thread_engine_reap(h.threads, on_done, &h);
		if (h.uring)
			(void)uring_engine_reap(h.uring, on_done, &h);
		if (p[2].revents)
			read_requests(&h);
		if (h.uring)
			(void)uring_engine_flush(h.uring);
	}
	flush_records(&h);
	free(h.waiting);
	/* Nothing in flight: everything locked has been released. The caller
	 * _exit()s without running the parent's atexit handlers. */
	return 0;
}
