/* The daemon's side of a long-lived helper: a request stream in, the
 * result records out, both non-blocking so that a busy or stuck helper can
 * never stall the daemon's event loop. Never touches a probed mount. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cleanup.h"
#include "macro.h"
#include "probe-internal.h"

/* Requests queued while the pipe is full; beyond this the daemon is
 * submitting faster than any helper could take, which is a bug. */
#define SESSION_QUEUE_MAX (16U << 20)

struct probe_session {
	pid_t pid;
	int req_fd, rec_fd;
	uint8_t *out;	/* queued request bytes */
	size_t out_len, out_cap;
	uint8_t in[sizeof(struct probe_record) * 64];
	size_t in_len;
};

int probe_session_start(const struct probe_options *o, struct probe_session **ret)
{
	struct probe_session *s;
	int req[2], rec[2];

	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	if (pipe2(req, O_CLOEXEC) < 0) {
		free(s);
		return -errno;
	}
	if (pipe2(rec, O_CLOEXEC) < 0) {
		int r = -errno;
		(void)close(req[0]);
		(void)close(req[1]);
		free(s);
		return r;
	}
	(void)fflush(stdout);
	(void)fflush(stderr);
	s->pid = fork();
	if (s->pid < 0) {
		int r = -errno;
		(void)close(req[0]);
		(void)close(req[1]);
		(void)close(rec[0]);
		(void)close(rec[1]);
		free(s);
		return r;
	}
	if (s->pid == 0) {
		sigset_t none;

		/* The daemon blocks its signals for sd-event; the helper
		 * must not inherit that. */
		sigemptyset(&none);
		(void)sigprocmask(SIG_SETMASK, &none, NULL);
		(void)close(req[1]);
		(void)close(rec[0]);
		_exit(helper_main(NULL, 0, o, rec[1], req[0]));
	}
	(void)close(req[0]);
	(void)close(rec[1]);
	s->req_fd = req[1];
	s->rec_fd = rec[0];
	(void)fcntl(s->req_fd, F_SETFL, O_NONBLOCK);
	(void)fcntl(s->rec_fd, F_SETFL, O_NONBLOCK);
	*ret = s;
	return 0;
}

struct probe_session *probe_session_free(struct probe_session *s)
{
	if (!s)
		return NULL;
	if (s->req_fd >= 0)
		(void)close(s->req_fd);
	if (s->rec_fd >= 0)
		(void)close(s->rec_fd);
	free(s->out);
	free(s);
	return NULL;
}

pid_t probe_session_pid(const struct probe_session *s)
{
	return s->pid;
}

int probe_session_fd(const struct probe_session *s)
{
	return s->rec_fd;
}

int probe_session_request_fd(const struct probe_session *s)
{
	return s->req_fd;
}

bool probe_session_wants_write(const struct probe_session *s)
{
	return s->out_len > 0;
}

int probe_session_flush(struct probe_session *s)
{
	while (s->out_len > 0) {
		ssize_t l = write(s->req_fd, s->out, s->out_len);

		if (l < 0) {
			if (errno == EINTR)
				continue;
			return errno == EAGAIN ? 0 : -errno;
		}
		memmove(s->out, s->out + l, s->out_len - (size_t)l);
		s->out_len -= (size_t)l;
	}
	return 0;
}

static int enqueue(struct probe_session *s, const struct probe_request *rq, const char *path)
{
	size_t need = sizeof(*rq) + rq->path_len;

	if (s->out_len + need > s->out_cap) {
		size_t cap = MAX(s->out_cap * 2, s->out_len + need + 4096);
		uint8_t *o;

		if (cap > SESSION_QUEUE_MAX)
			return -ENOBUFS;
		o = realloc(s->out, cap);
		if (!o)
			return -ENOMEM;
		s->out = o;
		s->out_cap = cap;
	}
	memcpy(s->out + s->out_len, rq, sizeof(*rq));
	if (path && rq->path_len)
		memcpy(s->out + s->out_len + sizeof(*rq), path, rq->path_len);
	s->out_len += need;
	/* Sent by the caller's probe_session_flush(), once for a whole
	 * cycle's requests: a write per request woke the helper per request,
	 * and at 1,000 mounts those wake-ups were most of the daemon's CPU. */
	return 0;
}

int probe_session_submit(struct probe_session *s, uint32_t token, uint32_t key, const char *path, bool want_usage)
{
	size_t l = strlen(path);
	struct probe_request rq = {
		.token = token,
		.key = key,
		.flags = want_usage ? PROBE_REQUEST_USAGE : 0,
		.path_len = (uint32_t)l,
	};

	if (l == 0 || sizeof(rq) + l >= PROBE_REQUEST_MAX)
		return -ENAMETOOLONG;
	return enqueue(s, &rq, path);
}

int probe_session_ping(struct probe_session *s)
{
	struct probe_request rq = { .flags = PROBE_REQUEST_PING };

	return enqueue(s, &rq, NULL);
}

int probe_session_read(struct probe_session *s, void (*fn)(void *userdata, const struct probe_record *rec),
		       void *userdata)
{
	for (;;) {
		ssize_t l = read(s->rec_fd, s->in + s->in_len, sizeof(s->in) - s->in_len);

		if (l < 0) {
			if (errno == EINTR)
				continue;
			return errno == EAGAIN ? 0 : -errno;
		}
		if (l == 0)
			return 1;
		s->in_len += (size_t)l;
		probe_records_take(s->in, &s->in_len, fn, userdata);
	}
}
