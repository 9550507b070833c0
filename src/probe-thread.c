/* The thread back-end of the helper: blocking statx/statfs calls in worker
 * threads. Used for every statfs (there is no io_uring opcode for it) and
 * for statx when io_uring is unavailable (seccomp EPERM, io_uring_disabled,
 * old kernels).
 *
 * The pool grows whenever a request would otherwise wait, so a worker stuck
 * on a hung mount never delays a healthy one; stuck workers are abandoned,
 * never joined. Runs only in the helper process. */
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

struct thread_request {
	struct thread_request *next;
	uint32_t job;
	enum probe_op op;
	const char *path;
	void *buf;
};

struct completion {
	uint32_t job;
	uint32_t op;
	int32_t res;
};

struct thread_engine {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct thread_request *head, **tail;
	unsigned threads, idle, queued, max_threads;
	int pipe[2]; /* completions: workers write, the helper loop reads */
};

static void *worker(void *arg)
{
	struct thread_engine *e = arg;

	for (;;) {
		struct thread_request *rq;
		struct completion c;

		pthread_mutex_lock(&e->lock);
		while (!e->head)
			pthread_cond_wait(&e->cond, &e->lock);
		rq = e->head;
		e->head = rq->next;
		if (!e->head)
			e->tail = &e->head;
		e->queued--;
		e->idle--;
		pthread_mutex_unlock(&e->lock);

		c.job = rq->job;
		c.op = rq->op;
		if (rq->op == PROBE_OP_STATX)
			c.res = statx(AT_FDCWD, rq->path, PROBE_STATX_FLAGS, PROBE_STATX_MASK, rq->buf);
		else
			c.res = statfs(rq->path, rq->buf);
		if (c.res < 0)
			c.res = -errno;
		free(rq);
		/* Idle again before the completion is seen: the helper may
		 * submit the next request (this mount's statfs) at once, and
		 * must find this worker free rather than start another. */
		pthread_mutex_lock(&e->lock);
		e->idle++;
		pthread_mutex_unlock(&e->lock);
		/* 12 bytes: atomic on a pipe; a full pipe only delays us. */
		while (write(e->pipe[1], &c, sizeof(c)) < 0 && errno == EINTR)
			;
	}
	return NULL;
}

int thread_engine_new(unsigned max_threads, struct thread_engine **ret)
{
	struct thread_engine *e = calloc(1, sizeof(*e));

	if (!e)
		return -ENOMEM;
	if (pipe2(e->pipe, O_CLOEXEC) < 0) {
		free(e);
		return -errno;
	}
	(void)fcntl(e->pipe[0], F_SETFL, O_NONBLOCK);
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

static int spawn_worker(struct thread_engine *e)
{
	pthread_attr_t attr;
	pthread_t t;
	sigset_t all, old;
	int r;

	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	pthread_attr_setstacksize(&attr, WORKER_STACK_SIZE);
	/* Workers take no signals: the helper's main thread owns them. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	r = -pthread_create(&t, &attr, worker, e);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	pthread_attr_destroy(&attr);
	return r;
}

int thread_engine_submit(struct thread_engine *e, uint32_t job, enum probe_op op, const char *path, void *buf)
{
	struct thread_request *rq = malloc(sizeof(*rq));
	int r = 0;

	if (!rq)
		return -ENOMEM;
	*rq = (struct thread_request){ .job = job, .op = op, .path = path, .buf = buf };

	pthread_mutex_lock(&e->lock);
	*e->tail = rq;
	e->tail = &rq->next;
	e->queued++;
	if (e->queued > e->idle && e->threads < e->max_threads) {
		r = spawn_worker(e);
		if (r == 0) {
			e->threads++;
			e->idle++;
		}
	}
	pthread_cond_signal(&e->cond);
	pthread_mutex_unlock(&e->lock);
	/* A failed spawn still leaves the request queued for an existing
	 * worker; only with no worker at all is it lost. */
	return e->threads > 0 ? 0 : r;
}

int thread_engine_reap(struct thread_engine *e, probe_done_fn done, void *userdata)
{
	struct completion c[64];
	int total = 0;

	for (;;) {
		ssize_t l = read(e->pipe[0], c, sizeof(c));

		if (l < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN)
				return total;
			return -errno;
		}
		if (l == 0)
			return total;
		for (size_t i = 0; i < (size_t)l / sizeof(c[0]); i++)
			done(userdata, c[i].job, (enum probe_op)c[i].op, c[i].res);
		total += (int)((size_t)l / sizeof(c[0]));
		if ((size_t)l < sizeof(c))
			return total;
	}
}
