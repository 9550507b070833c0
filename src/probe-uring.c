/* The io_uring back-end of the helper: one IORING_OP_STATX per mount, all
 * in flight at once.
 *
 * It keeps no deadline: a link timeout never fires on a statx blocked in
 * an io-wq worker, and cancelling one cannot wake a killable sleep, so
 * deadlines live in the front process. It runs only in the helper process,
 * whose exit may be held up for as long as a worker is stuck. */
#include <errno.h>
#include <fcntl.h>
#include <liburing.h>
#include <stdlib.h>

#include "macro.h"
#include "probe-internal.h"

/* io-wq workers beyond one per request in flight: statx counts as bounded
 * work, whose default cap min(SQ entries, 4 x CPUs) lets a handful of hung
 * mounts starve every healthy one. */
#define URING_WORKER_HEADROOM 4U
/* Ring sizes: larger batches are submitted in turns, and completions
 * beyond the CQ ring wait on the kernel's overflow list (IORING_FEAT_NODROP)
 * until the next reap. Kept small on purpose: ring memory counts against
 * RLIMIT_MEMLOCK (8 MB by default, per user), the helper has dropped
 * CAP_IPC_LOCK, and a helper stuck on a hung mount keeps its ring. Sized
 * for 10,000 mounts (about 800 KB each) the sixth run over a host with a
 * hung mount failed with ENOMEM; at these sizes (about 80 KB) it takes a
 * hundred stuck helpers. 256 SQEs cost 40 submissions for 10,000 mounts. */
#define URING_SQ_MAX 256U
#define URING_CQ_MAX 4096U

struct uring_engine {
	struct io_uring ring;
	unsigned workers; /* the bounded io-wq worker cap now in force */
};

static unsigned roundup_pow2(unsigned v)
{
	unsigned p = 1;

	while (p < v)
		p <<= 1;
	return p;
}

int uring_engine_new(unsigned njobs, struct uring_engine **ret)
{
	struct io_uring_params p = { .flags = IORING_SETUP_CQSIZE };
	struct io_uring_probe *probe;
	unsigned workers[2];
	struct uring_engine *e;
	int r;

	e = calloc(1, sizeof(*e));
	if (!e)
		return -ENOMEM;
	p.cq_entries = MIN(roundup_pow2(MAX(njobs, 1U) * 2), URING_CQ_MAX);
	r = io_uring_queue_init_params(MIN(roundup_pow2(MAX(njobs, 1U)), URING_SQ_MAX), &e->ring, &p);
	if (r < 0) {
		free(e);
		return r;
	}
	if (!(p.features & IORING_FEAT_NODROP)) {
		r = -EOPNOTSUPP;
		goto fail;
	}
	probe = io_uring_get_probe_ring(&e->ring);
	if (!probe) {
		r = -EOPNOTSUPP;
		goto fail;
	}
	r = io_uring_opcode_supported(probe, IORING_OP_STATX) ? 0 : -EOPNOTSUPP;
	io_uring_free_probe(probe);
	if (r < 0)
		goto fail;
	/* Without raising the cap, healthy mounts queue behind hung ones:
	 * refuse to run rather than report them hung (5.15+). */
	workers[0] = njobs + URING_WORKER_HEADROOM;
	workers[1] = 0; /* unbounded work: leave as is */
	r = io_uring_register_iowq_max_workers(&e->ring, workers);
	if (r < 0)
		goto fail;
	e->workers = njobs + URING_WORKER_HEADROOM;
	*ret = e;
	return 0;
fail:
	io_uring_queue_exit(&e->ring);
	free(e);
	return r;
}

struct uring_engine *uring_engine_free(struct uring_engine *e)
{
	if (e) {
		io_uring_queue_exit(&e->ring);
		free(e);
	}
	return NULL;
}

int uring_engine_fd(struct uring_engine *e)
{
	return e->ring.ring_fd;
}

int uring_engine_reserve(struct uring_engine *e, unsigned inflight)
{
	unsigned workers[2];
	int r;

	if (inflight + URING_WORKER_HEADROOM <= e->workers)
		return 0;
	/* Doubling keeps the number of register calls logarithmic. */
	workers[0] = MAX(e->workers * 2, inflight + URING_WORKER_HEADROOM);
	workers[1] = 0;
	r = io_uring_register_iowq_max_workers(&e->ring, workers);
	if (r < 0)
		return r;
	e->workers = MAX(e->workers * 2, inflight + URING_WORKER_HEADROOM);
	return 0;
}

int uring_engine_submit_statx(struct uring_engine *e, uint32_t job, const char *path, struct statx *buf)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(&e->ring);
	int r;

	if (!sqe) {
		r = io_uring_submit(&e->ring);
		if (r < 0)
			return r;
		sqe = io_uring_get_sqe(&e->ring);
		if (!sqe)
			return -EBUSY;
	}
	/* path and buf must stay valid until the completion arrives, maybe
	 * minutes from now: both live as long as the helper. */
	io_uring_prep_statx(sqe, AT_FDCWD, path, PROBE_STATX_FLAGS, PROBE_STATX_MASK, buf);
	io_uring_sqe_set_data64(sqe, job);
	return 0;
}

int uring_engine_flush(struct uring_engine *e)
{
	int r = io_uring_submit(&e->ring);

	return r < 0 ? r : 0;
}

int uring_engine_reap(struct uring_engine *e, probe_done_fn done, void *userdata)
{
	struct io_uring_cqe *cqe;
	unsigned head, n = 0;

	io_uring_for_each_cqe(&e->ring, head, cqe)
	{
		done(userdata, (uint32_t)io_uring_cqe_get_data64(cqe), PROBE_OP_STATX, cqe->res);
		n++;
	}
	io_uring_cq_advance(&e->ring, n);
	/* Completions beyond the CQ ring wait on the kernel's overflow list
	 * and reach the ring only when we enter the kernel. */
	if (IO_URING_READ_ONCE(*e->ring.sq.kflags) & IORING_SQ_CQ_OVERFLOW)
		(void)io_uring_get_events(&e->ring);
	return (int)n;
}
