/* The thread back-end of the helper: blocking statx/statfs calls in worker
 * threads. Used for every statfs (there is no io_uring opcode for it) and
 * for statx when io_uring is unavailable (seccomp EPERM, io_uring_disabled,
 * old kernels).
 *
 * A few workers start at once; more are added only when the queue stops
 * moving (every worker is stuck in the kernel), so thousands of quick
 * requests share a handful of threads while a hung mount still never
 * delays a healthy one for more than a tick. Stuck workers are abandoned,
 * never joined. Completions are batched: the helper is woken once per
 * batch, not once per request. A statx may carry its mount's statfs,
 * which the same worker issues as soon as the statx returned good: the
 * mount's second request, never overlapping its first, without a trip
 * through the helper's loop and a second hand-over between threads (at
 * 10,000 mounts those hand-overs, not the calls, were most of the time).
 * Runs only in the helper process. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "cleanup.h"
#include "macro.h"
#include "probe-internal.h"

/* Workers only make one system call; 256 KiB leaves room for the
 * sanitizers' instrumentation. */
#define WORKER_STACK_SIZE (256 * 1024)
/* Workers started without waiting for the queue to stall: enough to keep
 * two CPUs busy with quick requests while one or two hang. */
#define WORKERS_EAGER 4U
/* ... but one per this many requests queued: a worker takes a few
 * microseconds a request on a healthy mount, less than starting another
 * thread and handing requests over to it, so a host's twenty mounts go
 * through one or two workers (less CPU and wall time than four, measured
 * in doc/benchmarks.md) and 10,000 through four. */
#define WORKER_SHARE 16U

struct thread_request;

/* One completion; a request has one per call it makes. */
struct thread_done {
	struct thread_done *next;
	struct thread_request *rq;
	enum probe_op op;
	int res;
	bool last;	/* the request made its last call: free it once reaped */
};

struct thread_request {
	struct thread_request *next;
	uint32_t job;
	enum probe_op op;
	const char *path;
	void *buf;
	void *usage_buf;	/* statx only: statfs into this after a good statx */
	struct thread_done done[2];
};

struct thread_engine {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct thread_request *head, **tail;	/* queued */
	struct thread_done *done;		/* completed, newest first */
	unsigned threads, idle, queued, max_threads;
	uint64_t completed, completed_seen;	/* progress, for stall detection */
	bool notified;				/* a wake-up byte is in the pipe */
	int pipe[2];
	bool have_cpus;
	cpu_set_t cpus;				/* workers' affinity, if have_cpus */
};

/* statfs(2) looks its path up with LOOKUP_AUTOMOUNT: on an autofs trigger
 * (one expired since the table was read, say) it asks the automount
 * daemon to mount it and waits for the answer. open(O_PATH) without
 * O_DIRECTORY asks for no automount on the last component, as the statx's
 * AT_NO_AUTOMOUNT, and fstatfs then asks the file system the descriptor
 * landed on. Measured on Linux 6.18 and Debian's 6.1 with a direct
 * trigger whose daemon never answers (tests/helpers/autofs-daemon.c):
 * statx(AT_NO_AUTOMOUNT), open(O_PATH), open(O_PATH | O_NOFOLLOW) +
 * fstatfs, stat, lstat and readlink of the trigger send it no request
 * (fstatfs gives autofs's own zeros, f_type 0x187); statfs,
 * open(O_RDONLY), open(O_PATH | O_DIRECTORY), statx without
 * AT_NO_AUTOMOUNT, and any path with a trailing '/' or a component below
 * the trigger send one and wait, killably, in autofs_wait. O_NOFOLLOW
 * matches the statx's AT_SYMLINK_NOFOLLOW. */
static int statfs_no_automount(const char *path, struct statfs *buf)
{
	int fd = open(path, O_PATH | O_NOFOLLOW | O_CLOEXEC), r;

	if (fd < 0)
		return -errno;
	r = fstatfs(fd, buf) < 0 ? -errno : 0;
	(void)close(fd);
	return r;
}

static int call(enum probe_op op, const char *path, void *buf)
{
	if (op == PROBE_OP_STATFS)
		return statfs_no_automount(path, buf);
	return statx(AT_FDCWD, path, PROBE_STATX_FLAGS, PROBE_STATX_MASK, buf) < 0 ? -errno : 0;
}

/* A statx that its statfs follows: both through one open(O_PATH |
 * O_NOFOLLOW), one path walk instead of two (at 10,000 mounts the walks
 * were the helper's largest cost). The calls send the file system the
 * same requests as statx() and statfs_no_automount() (the lookup, then
 * getattr with AT_STATX_FORCE_SYNC), and trigger no automount either.
 * Returns the statx's result; *ret_fd is the descriptor for the statfs,
 * or -1. */
static int call_statx_open(const char *path, void *buf, int *ret_fd)
{
	int fd = open(path, O_PATH | O_NOFOLLOW | O_CLOEXEC);

	*ret_fd = -1;
	if (fd < 0)
		return -errno;
	if (statx(fd, "", PROBE_STATX_FLAGS | AT_EMPTY_PATH, PROBE_STATX_MASK, buf) < 0) {
		int r = -errno;
		(void)close(fd);
		return r;
	}
	*ret_fd = fd;
	return 0;
}

/* Called with the lock held, which it may drop and take again. */
static void complete(struct thread_engine *e, struct thread_done *d)
{
	bool wake;

	e->completed++;
	d->next = e->done;
	e->done = d;
	wake = !e->notified;
	e->notified = true;
	if (wake) {
		pthread_mutex_unlock(&e->lock);
		while (write(e->pipe[1], "", 1) < 0 && errno == EINTR)
			;
		pthread_mutex_lock(&e->lock);
	}
}

static void *worker(void *arg)
{
	struct thread_engine *e = arg;

	pthread_mutex_lock(&e->lock);
	for (;;) {
		struct thread_request *rq;
		bool chain;
		int res, fd = -1;

		while (!e->head)
			pthread_cond_wait(&e->cond, &e->lock);
		rq = e->head;
		e->head = rq->next;
		if (!e->head)
			e->tail = &e->head;
		e->queued--;
		e->idle--;
		pthread_mutex_unlock(&e->lock);

		if (rq->usage_buf && rq->op == PROBE_OP_STATX)
			res = call_statx_open(rq->path, rq->buf, &fd);
		else
			res = call(rq->op, rq->path, rq->buf);
		chain = fd >= 0;
		rq->done[0] = (struct thread_done){ .rq = rq, .op = rq->op, .res = res, .last = !chain };
		if (chain) {
			/* The statx answer goes out now; the statfs follows. */
			pthread_mutex_lock(&e->lock);
			complete(e, &rq->done[0]);
			pthread_mutex_unlock(&e->lock);
			res = fstatfs(fd, rq->usage_buf) < 0 ? -errno : 0;
			(void)close(fd);
			rq->done[1] = (struct thread_done){ .rq = rq, .op = PROBE_OP_STATFS, .res = res, .last = true };
		}

		pthread_mutex_lock(&e->lock);
		/* Idle again before the completion is seen: the helper may
		 * submit the next request (this mount's statfs) at once, and
		 * must find this worker free rather than start another. */
		e->idle++;
		complete(e, &rq->done[chain ? 1 : 0]);
	}
	return NULL;
}

int thread_engine_new(unsigned max_threads, struct thread_engine **ret)
{
	struct thread_engine *e = calloc(1, sizeof(*e));

	if (!e)
		return -ENOMEM;
	if (pipe2(e->pipe, O_CLOEXEC | O_NONBLOCK) < 0) {
		free(e);
		return -errno;
	}
	pthread_mutex_init(&e->lock, NULL);
	pthread_cond_init(&e->cond, NULL);
	e->tail = &e->head;
	e->max_threads = MAX(max_threads, 1U);
	/* Never freed: abandoned workers may still reference it when the
	 * helper exits. */
	*ret = e;
	return 0;
}

int thread_engine_fd(struct thread_engine *e)
{
	return e->pipe[0];
}

/* Called with the lock held. */
static int spawn_worker(struct thread_engine *e)
{
	pthread_attr_t attr;
	pthread_t t;
	sigset_t all, old;
	int r;

	if (e->threads >= e->max_threads)
		return -EAGAIN;
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	pthread_attr_setstacksize(&attr, WORKER_STACK_SIZE);
	if (e->have_cpus)
		(void)pthread_attr_setaffinity_np(&attr, sizeof(e->cpus), &e->cpus);
	/* Workers take no signals: the helper's main thread owns them. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	r = -pthread_create(&t, &attr, worker, e);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	pthread_attr_destroy(&attr);
	if (r == 0) {
		e->threads++;
		e->idle++;
	}
	return r;
}

void thread_engine_set_cpus(struct thread_engine *e, const cpu_set_t *cpus)
{
	pthread_mutex_lock(&e->lock);
	e->cpus = *cpus;
	e->have_cpus = true;
	pthread_mutex_unlock(&e->lock);
}

void thread_engine_prespawn(struct thread_engine *e)
{
	pthread_mutex_lock(&e->lock);
	if (e->threads == 0)
		(void)spawn_worker(e);
	pthread_mutex_unlock(&e->lock);
}

int thread_engine_submit(struct thread_engine *e, uint32_t job, enum probe_op op, const char *path, void *buf,
			 void *usage_buf)
{
	struct thread_request *rq = malloc(sizeof(*rq));
	int r = 0;

	if (!rq)
		return -ENOMEM;
	*rq = (struct thread_request){ .job = job, .op = op, .path = path, .buf = buf, .usage_buf = usage_buf };

	pthread_mutex_lock(&e->lock);
	*e->tail = rq;
	e->tail = &rq->next;
	e->queued++;
	if (e->queued > e->idle && e->threads < MIN(WORKERS_EAGER, 1 + e->queued / WORKER_SHARE))
		r = spawn_worker(e);
	if (e->idle > 0)
		pthread_cond_signal(&e->cond);
	pthread_mutex_unlock(&e->lock);
	/* A failed spawn still leaves the request queued for an existing
	 * worker; only with no worker at all is it lost. */
	return e->threads > 0 ? 0 : r;
}

bool thread_engine_waiting(struct thread_engine *e)
{
	bool w;

	pthread_mutex_lock(&e->lock);
	w = e->queued > 0;
	pthread_mutex_unlock(&e->lock);
	return w;
}

void thread_engine_tick(struct thread_engine *e)
{
	pthread_mutex_lock(&e->lock);
	/* Work is queued, no worker is free and none finished anything since
	 * the last tick: they are all stuck in the kernel. One more. */
	if (e->queued > 0 && e->idle == 0 && e->completed == e->completed_seen)
		(void)spawn_worker(e);
	e->completed_seen = e->completed;
	pthread_mutex_unlock(&e->lock);
}

int thread_engine_reap(struct thread_engine *e, probe_done_fn done, void *userdata)
{
	struct thread_done *list, *rev = NULL;
	char drain[64];
	int total = 0;

	while (read(e->pipe[0], drain, sizeof(drain)) > 0)
		;
	pthread_mutex_lock(&e->lock);
	list = e->done;
	e->done = NULL;
	e->notified = false;
	pthread_mutex_unlock(&e->lock);

	/* Oldest first, as they completed. */
	while (list) {
		struct thread_done *n = list->next;
		list->next = rev;
		rev = list;
		list = n;
	}
	while (rev) {
		struct thread_done *n = rev->next;
		struct thread_request *rq = rev->rq;
		bool last = rev->last;

		done(userdata, rq->job, rev->op, rev->res);
		/* A chained statx's request is still in its worker's hands. */
		if (last)
			free(rq);
		rev = n;
		total++;
	}
	return total;
}
