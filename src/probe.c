/* The front side of the probe engine: fork the helper, read its records
 * until everything is answered or the deadline passes, and turn them into
 * per-mount results.
 *
 * Never touches a probed mount and never waits for the helper: at the
 * deadline it closes the pipe and leaves; a helper still stuck in the
 * kernel lingers, detached, until its requests return. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cleanup.h"
#include "macro.h"
#include "probe-internal.h"
#include "util.h"

static const char *const engine_names[_PROBE_ENGINE_MAX] = {
	[PROBE_ENGINE_AUTO] = "auto",
	[PROBE_ENGINE_URING] = "uring",
	[PROBE_ENGINE_THREADS] = "threads",
};

const char *probe_engine_to_string(enum probe_engine e)
{
	if (e < 0 || e >= _PROBE_ENGINE_MAX)
		return NULL;
	return engine_names[e];
}

enum probe_engine probe_engine_from_string(const char *s)
{
	for (int i = 0; s && i < _PROBE_ENGINE_MAX; i++)
		if (streq(s, engine_names[i]))
			return (enum probe_engine)i;
	return _PROBE_ENGINE_INVALID;
}

static void set_final(struct probe_front *f, uint32_t j)
{
	if (!f->final[j]) {
		f->final[j] = true;
		f->done++;
	}
}

void probe_front_apply(void *userdata, const struct probe_record *rec)
{
	struct probe_front *f = userdata;
	struct mount_result *res;

	switch (rec->type) {
	case RECORD_ENGINE:
		f->report->engine = (enum probe_engine)rec->a;
		f->report->engine_err = rec->err;
		return;
	case RECORD_STATE:
		f->report->state_err = rec->err;
		return;
	default:
		break;
	}
	if (rec->job >= f->n)
		return;
	res = &f->results[rec->job];

	switch (rec->type) {
	case RECORD_STATX:
		f->statx_done[rec->job] = true;
		res->flags |= RESULT_ANSWERED;
		res->latency_ns = rec->latency_ns;
		res->err = rec->err;
		res->status = status_from_errno(rec->err);
		if (rec->err == 0 && rec->mnt_id && rec->mnt_id != (uint64_t)f->jobs[rec->job].mnt_id) {
			/* The path led to another mount: ours is gone or
			 * hidden since the table was read, and what answered
			 * says nothing about it: it could not be probed. */
			res->flags |= RESULT_MNT_ID_MISMATCH;
			res->seen_mnt_id = rec->mnt_id;
			res->status = STATUS_DENIED;
			res->err = EXDEV;
		}
		/* An unhealthy mount gets no statfs worth waiting for. */
		if (res->status != STATUS_OK || !f->jobs[rec->job].want_usage)
			set_final(f, rec->job);
		break;
	case RECORD_STATFS:
		if (rec->err == 0) {
			res->usage = rec->usage;
			res->flags |= RESULT_HAVE_USAGE;
		} else if (res->status == STATUS_OK) {
			res->err = rec->err;
			res->status = status_from_errno(rec->err);
		}
		set_final(f, rec->job);
		break;
	case RECORD_PENDING:
		f->statx_done[rec->job] = true;
		res->status = STATUS_HUNG;
		res->flags |= RESULT_PENDING_EARLIER;
		res->pending_pid = rec->a;
		res->since_real_ns = rec->since_real_ns;
		if (rec->since_boot_ns) {
			uint64_t now = now_boot_ns();
			res->hung_ns = now > rec->since_boot_ns ? now - rec->since_boot_ns : 0;
		}
		set_final(f, rec->job);
		break;
	default:
		break;
	}
}

/* The kernel's MAX_ERRNO: no call returns an error beyond it. */
#define ERRNO_MAX 4095

/* Whether a helper could have written the record: a known type, an errno
 * a call can return, an engine with a name. Records come from a fork of
 * this very binary, so anything else is a bug; dropping it keeps a value
 * no renderer can show (a NULL engine name, a negative errno) out of
 * every result. */
static bool record_valid(const struct probe_record *rec)
{
	if (rec->type < RECORD_ENGINE || rec->type > RECORD_PONG)
		return false;
	if (rec->err < 0 || rec->err > ERRNO_MAX)
		return false;
	return rec->type != RECORD_ENGINE || probe_engine_to_string((enum probe_engine)rec->a);
}

void probe_records_take(uint8_t *buf, size_t *have, void (*fn)(void *userdata, const struct probe_record *rec),
			void *userdata)
{
	size_t off = 0;

	for (; *have - off >= sizeof(struct probe_record); off += sizeof(struct probe_record)) {
		struct probe_record rec;

		/* memcpy: the buffer holds bytes, not aligned records */
		memcpy(&rec, buf + off, sizeof(rec));
		if (record_valid(&rec))
			fn(userdata, &rec);
	}
	memmove(buf, buf + off, *have - off);
	*have -= off;
}

/* Reads whole records; a short read keeps its bytes for the next call. */
static int drain(int fd, struct probe_front *f, uint8_t *buf, size_t *have)
{
	for (;;) {
		ssize_t l = read(fd, buf + *have, sizeof(struct probe_record) * 64 - *have);

		if (l < 0)
			return errno == EAGAIN ? 0 : (errno == EINTR ? 0 : -errno);
		if (l == 0)
			return 1; /* EOF: the helper is done */
		*have += (size_t)l;
		probe_records_take(buf, have, probe_front_apply, f);
	}
}

/* Marks what did not answer in time. Blocked mounts are the caller's to
 * decide, as they depend on the tree; here they are hung like any other. */
void probe_front_finish(struct probe_front *f, uint64_t start_ns)
{
	uint64_t now = now_mono_ns();

	for (size_t i = 0; i < f->n; i++) {
		struct mount_result *res = &f->results[i];

		if (!f->statx_done[i]) {
			res->status = STATUS_HUNG;
			res->hung_ns = now - start_ns;
			res->since_real_ns = now_real_ns() - (int64_t)res->hung_ns;
		} else if (res->status == STATUS_OK && f->jobs[i].want_usage &&
			   !(res->flags & RESULT_HAVE_USAGE) && res->err == 0) {
			/* statx answered, statfs did not: the mount hangs on
			 * some calls, which is what a df-like caller hits. */
			res->status = STATUS_HUNG;
			res->flags |= RESULT_STATFS_HUNG;
			/* The latency is the helper's measure, on its clock:
			 * never let it wrap the difference (found by
			 * fuzz-records). */
			res->hung_ns = now - start_ns > res->latency_ns ? now - start_ns - res->latency_ns : 0;
			res->since_real_ns = now_real_ns() - (int64_t)res->hung_ns;
		}
	}
}

int probe_run(const struct probe_job *jobs, size_t n, const struct probe_options *o,
	      struct mount_result *results, struct probe_report *ret_report)
{
	_cleanup_free_ bool *statx_done = NULL, *final = NULL;
	_cleanup_free_ uint8_t *buf = NULL;
	_cleanup_close_ int rfd = -1;
	struct probe_front f = { .jobs = jobs, .n = n, .results = results, .report = ret_report };
	int fds[2], r = 0;
	size_t have = 0;
	pid_t pid;
	bool eof = false;

	*ret_report = (struct probe_report){ .engine = o->engine };
	for (size_t i = 0; i < n; i++)
		results[i] = (struct mount_result){ .blocked_by = -1 };
	if (n == 0)
		return 0;
	statx_done = calloc(n, sizeof(bool));
	final = calloc(n, sizeof(bool));
	buf = malloc(sizeof(struct probe_record) * 64);
	if (!statx_done || !final || !buf)
		return -ENOMEM;
	f.statx_done = statx_done;
	f.final = final;

	if (pipe2(fds, O_CLOEXEC) < 0)
		return -errno;
	/* Flush stdio first: the child must not write the front's buffers. */
	(void)fflush(stdout);
	(void)fflush(stderr);
	pid = fork();
	if (pid < 0) {
		r = -errno;
		(void)close(fds[0]);
		(void)close(fds[1]);
		return r;
	}
	if (pid == 0) {
		(void)close(fds[0]);
		_exit(helper_main(jobs, n, o, fds[1], -1));
	}
	(void)close(fds[1]);
	rfd = fds[0];
	(void)fcntl(rfd, F_SETFL, O_NONBLOCK);

	while (!eof && f.done < n) {
		uint64_t now = now_mono_ns();
		struct pollfd p = { .fd = rfd, .events = POLLIN };
		struct timespec ts;

		if (now >= o->deadline_ns)
			break;
		ts.tv_sec = (time_t)((o->deadline_ns - now) / NSEC_PER_SEC);
		ts.tv_nsec = (long)((o->deadline_ns - now) % NSEC_PER_SEC);
		r = ppoll(&p, 1, &ts, NULL);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (r == 0)
			continue;
		r = drain(rfd, &f, buf, &have);
		if (r < 0)
			return r;
		eof = r > 0;
		r = 0;
	}
	probe_front_finish(&f, o->start_ns);
	/* EOF before every job answered, with no deadline passed: the helper
	 * crashed or could not start. */
	if (eof && f.done < n) {
		bool missing = false;
		for (size_t i = 0; i < n; i++)
			if (!statx_done[i] && (jobs[i].dep < 0 || results[jobs[i].dep].status == STATUS_OK))
				missing = true;
		ret_report->helper_failed = missing;
	}
	/* Reap it if it is already done, so long-lived callers keep no
	 * zombie; otherwise it is no longer our business. */
	(void)waitpid(pid, NULL, WNOHANG);
	return 0;
}
